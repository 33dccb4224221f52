//! Derivation: a type's inherited fields (extensions of named types, abstract bases and their
//! concrete subtypes, anonymous types deriving from a named one).
//!
//! - An extension of an abstract or concrete base is flattened: the inherited fields first
//!   (an anonymous type extending a named one gets the named type's fields, inherited ones
//!   included, first). A `complexContent/restriction` restates its content and inherits
//!   nothing; a restriction of `xs:anyType` is a plain type.
//! - Abstract bases gain their concrete subtypes, and become an enum over them.
//! - A concrete base that others extend or restrict gets a family enum too (`name_families`:
//!   `AnyBase`), which every field and element of type `Base` holds: `Base` itself, written
//!   without `xsi:type`, or one of its extensions, by its `xsi:type`. Members convert into it
//!   with `From`.

use super::Resolver;
use crate::error::{Error, Result};
use crate::model::*;
use crate::names::NameSet;
use crate::parse::{RawDefs, XS};

impl Resolver<'_> {
    /// Prepends inherited fields and records each abstract base's concrete subtypes.
    pub(super) fn link_subtypes(&mut self, raw: &RawDefs) -> Result<()> {
        let count = raw.complex_types.len();
        let mut parent: Vec<Option<usize>> = vec![None; count];
        for (index, parent) in parent.iter_mut().enumerate() {
            let Some((base, loc)) = self.bases.get(&index).cloned() else {
                continue;
            };
            let Some(&base_index) = self.complex_index.get(&base) else {
                return Err(
                    if base.ns.as_deref() == Some(XS) || self.simple_index.contains_key(&base) {
                        Error::Unsupported {
                            location: loc,
                            construct: "xs:complexContent/xs:extension of a simple type".into(),
                            hint: "simple content with attributes is not supported".into(),
                        }
                    } else {
                        Error::Unresolved {
                            location: loc,
                            kind: "base type",
                            name: base.to_string(),
                        }
                    },
                );
            };
            let _ = loc;
            *parent = Some(base_index);
        }
        let own_fields: Vec<Vec<Field>> = self.model.complex_types[..count]
            .iter()
            .map(|t| t.fields.clone())
            .collect();
        for index in 0..count {
            // Walk up to the root, checking for cycles.
            let mut chain = Vec::new();
            let mut cursor = parent[index];
            while let Some(p) = cursor {
                if chain.contains(&p) || p == index {
                    return Err(Error::Invalid {
                        location: raw.complex_types[index].loc.clone(),
                        message: format!(
                            "type `{}` extends itself",
                            raw.complex_types[index].name.local
                        ),
                    });
                }
                chain.push(p);
                cursor = parent[p];
            }
            if chain.is_empty() {
                continue;
            }
            // Fields of each ancestor, from the root, up to a restriction (which restates them).
            let mut inherited = Vec::new();
            let mut from = index;
            let mut extending = Vec::new();
            for &ancestor in &chain {
                if raw.complex_types[from].restriction {
                    break;
                }
                extending.push(ancestor);
                from = ancestor;
            }
            for &ancestor in extending.iter().rev() {
                inherited.extend(own_fields[ancestor].iter().cloned());
            }
            let own = own_fields[index].clone();
            let fields = merge_fields(inherited, own);
            self.model.complex_types[index].fields = fields;
            if !self.model.complex_types[index].is_abstract {
                for &ancestor in &chain {
                    self.model.complex_types[ancestor].subtypes.push(index);
                }
            }
        }
        Ok(())
    }

    /// Names the enum of each concrete type that others extend (`Any` + its name), in
    /// declaration order.
    pub(super) fn name_families(&mut self) {
        for i in 0..self.model.complex_types.len() {
            let t = &self.model.complex_types[i];
            if t.kind == ComplexKind::Struct && !t.is_abstract && !t.subtypes.is_empty() {
                let name = self.type_names.claim(&format!("Any{}", t.rust_name));
                self.model.complex_types[i].family = Some(name);
            }
        }
    }

    /// Prepends to each anonymous type that extends a named one the named type's fields (once
    /// those have their own inherited fields).
    pub(super) fn link_anonymous(&mut self) -> Result<()> {
        for (index, base, loc) in std::mem::take(&mut self.anonymous_bases) {
            let Some(&base_index) = self.complex_index.get(&base) else {
                return Err(Error::Unresolved {
                    location: loc,
                    kind: "base type",
                    name: base.to_string(),
                });
            };
            let inherited = self.model.complex_types[base_index].fields.clone();
            let own = std::mem::take(&mut self.model.complex_types[index].fields);
            self.model.complex_types[index].fields = merge_fields(inherited, own);
        }
        Ok(())
    }
}

/// A derived type's fields: the inherited ones first, then its own, with unique Rust names. One
/// attribute wildcard takes them all however many the chain declares; mixed content anywhere in
/// the chain takes the elements of every type in it.
fn merge_fields(inherited: Vec<Field>, own: Vec<Field>) -> Vec<Field> {
    let mut field_names = NameSet::default();
    let mut fields: Vec<Field> = Vec::with_capacity(inherited.len() + own.len());
    let any_attributes = TypeRef::Builtin(Builtin::AnyAttribute);
    let mixed = TypeRef::Builtin(Builtin::Mixed);
    let is_mixed = inherited.iter().chain(&own).any(|f| f.ty == mixed);
    for mut field in inherited.into_iter().chain(own) {
        if (field.ty == any_attributes || field.ty == mixed)
            && fields.iter().any(|f| f.ty == field.ty)
        {
            continue;
        }
        if is_mixed && !field.attribute && field.ty != mixed {
            continue;
        }
        field.rust_name = field_names.claim(&field.rust_name);
        fields.push(field);
    }
    fields
}
