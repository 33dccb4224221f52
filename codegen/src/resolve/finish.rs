//! After every type is resolved: `Box` on the fields that close a cycle of inline fields, and
//! which complex types can have `Default`.

use super::Resolver;
use crate::model::*;

impl Resolver<'_> {
    /// Complex types reachable from `from` through fields stored inline (not in a `Vec`).
    fn inline_targets(&self, from: usize) -> Vec<usize> {
        let ty = &self.model.complex_types[from];
        let mut out: Vec<usize> = ty.subtypes.clone();
        for field in &ty.fields {
            if let (TypeRef::Complex(target), false) = (
                field.ty,
                matches!(field.shape(), Shape::Many | Shape::ManyNillable),
            ) {
                out.push(target);
            }
        }
        out
    }

    fn reaches(&self, from: usize, to: usize) -> bool {
        let mut seen = vec![false; self.model.complex_types.len()];
        let mut stack = vec![from];
        while let Some(at) = stack.pop() {
            if at == to {
                return true;
            }
            if std::mem::replace(&mut seen[at], true) {
                continue;
            }
            stack.extend(self.inline_targets(at));
        }
        false
    }

    /// Recursive types need a `Box` somewhere on each cycle: box every inline field closing one.
    pub(super) fn mark_boxed(&mut self) {
        for owner in 0..self.model.complex_types.len() {
            for (f, field) in self.model.complex_types[owner].fields.iter().enumerate() {
                if let TypeRef::Complex(target) = field.ty {
                    let inline = !matches!(field.shape(), Shape::Many | Shape::ManyNillable);
                    if inline && self.reaches(target, owner) {
                        self.boxed.push((owner, f));
                    }
                }
            }
        }
        for &(owner, f) in &self.boxed {
            self.model.complex_types[owner].fields[f].boxed = true;
        }
    }

    /// Greatest fixed point: a type has `Default` when all its required fields do.
    pub(super) fn compute_defaults(&mut self) {
        let count = self.model.complex_types.len();
        for ty in &mut self.model.complex_types {
            ty.has_default = !ty.is_polymorphic() && ty.kind != ComplexKind::Choice;
        }
        loop {
            let mut changed = false;
            for i in 0..count {
                if !self.model.complex_types[i].has_default {
                    continue;
                }
                let ok =
                    self.model.complex_types[i]
                        .fields
                        .iter()
                        .all(|field| match field.shape() {
                            Shape::Optional
                            | Shape::OptionalNillable
                            | Shape::Many
                            | Shape::ManyNillable => true,
                            Shape::Nillable => false,
                            Shape::One => match field.ty {
                                TypeRef::Builtin(b) => b != Builtin::DateTime,
                                TypeRef::Simple(s) => match self.model.simple_types[s].kind {
                                    SimpleKind::Alias(b) => b != Builtin::DateTime,
                                    SimpleKind::Enum { .. } => false,
                                },
                                TypeRef::Complex(c) => self.model.complex_types[c].has_default,
                            },
                        });
                if !ok {
                    self.model.complex_types[i].has_default = false;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }
}
