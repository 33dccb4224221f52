//! Model groups kept by parsing (a choice, a sequence that repeats or is an alternative)
//! become types of their own and a field of their parent, with the group's occurrences.
//!
//! - A choice becomes a type of kind [`ComplexKind::Choice`]: its alternatives are the fields;
//!   an alternative that may be empty (such as a sequence of optional elements) makes the
//!   choice optional.
//! - A sequence becomes one of kind [`ComplexKind::Group`], read in order, optional when all
//!   its members are.
//! - The type is named after the schema type it is in and its members (`PaymentCardOrVoucher`,
//!   field `card_or_voucher`, JSON key `cardOrVoucher`), with `choice` or `sequence` instead of
//!   the members past three of them.
//! - A reference to the head of a substitution group is such a choice over the group's
//!   elements (the head unless it is abstract, the members transitively), named after the head.

use super::Resolver;
use crate::error::Result;
use crate::model::*;
use crate::names::{self, NameSet};
use crate::parse::{RawLocalElement, RawParticle};
use crate::qname::QName;

/// Longest member-derived key before the generic `choice`/`sequence` is used instead.
const MAX_KEY: usize = 48;

impl Resolver<'_> {
    /// The field of type `owner` (a model index) that holds the group `element`.
    pub(super) fn resolve_particle(
        &mut self,
        element: &RawLocalElement,
        particle: &RawParticle,
        field_names: &mut NameSet,
        owner: usize,
        key: Option<String>,
    ) -> Result<Field> {
        let key = key.unwrap_or_else(|| particle_key(particle));
        // Named after the type of the schema it is in, however deeply nested.
        let root = self.particle_roots.get(&owner).copied().unwrap_or(owner);
        let root_type = &self.model.complex_types[root];
        let name = QName {
            ns: root_type.name.ns.clone(),
            // Not an XML name: it cannot collide with a type of the schema.
            local: self
                .particle_names
                .claim(&format!("{}.{key}", root_type.name.local)),
        };
        let rust_name = self
            .type_names
            .claim(&names::camel(&format!("{}_{key}", root_type.rust_name)));
        let index = self.model.complex_types.len();
        self.particle_roots.insert(index, root);
        self.model.complex_types.push(ComplexType {
            name,
            rust_name,
            doc: element.doc.clone(),
            fields: Vec::new(),
            is_abstract: false,
            subtypes: Vec::new(),
            family: None,
            has_default: false,
            kind: if particle.choice {
                ComplexKind::Choice
            } else {
                ComplexKind::Group
            },
            array: None,
            anonymous: true,
        });
        let mut member_names = NameSet::default();
        let mut fields = Vec::with_capacity(particle.items.len());
        for item in &particle.items {
            fields.push(self.resolve_field(item, &mut member_names, index)?);
        }
        let mut min = element.min;
        if particle.choice {
            // Variants are named after their element; an alternative that may be empty makes
            // the whole choice optional (its variant then holds a value).
            let mut variants = NameSet::default();
            for field in &mut fields {
                field.rust_name = variants.claim(&names::camel(&field.xml_name));
                if self.may_be_empty(field) {
                    min = 0;
                }
                if field.min == 0 && field.max == Some(1) {
                    field.min = 1;
                }
            }
        } else if fields.iter().all(|f| self.may_be_empty(f)) {
            // A sequence of optional members is absent when empty: optional too.
            min = 0;
        }
        self.model.complex_types[index].fields = fields;
        Ok(Field {
            rust_name: field_names.claim(&names::snake(&key)),
            xml_name: key,
            namespace: None,
            ty: TypeRef::Complex(index),
            min,
            max: element.max,
            nillable: false,
            boxed: false,
            doc: element.doc.clone(),
            xsd_builtin: None,
            attribute: false,
            text: false,
            fixed: None,
        })
    }
}

impl Resolver<'_> {
    /// The elements that may appear where `head` is referred to: itself unless abstract, then
    /// the members of its substitution group (transitively, abstract ones left out), in
    /// declaration order; empty when it heads no group.
    pub(super) fn substitutes(&self, head: &QName) -> Vec<QName> {
        if !self.substitution_members.contains_key(head) {
            return Vec::new();
        }
        let mut seen = vec![head.clone()];
        let mut queue = std::collections::VecDeque::from([head.clone()]);
        let mut out = Vec::new();
        while let Some(name) = queue.pop_front() {
            if self.raw_elements.get(&name).is_some_and(|e| !e.is_abstract) {
                out.push(name.clone());
            }
            for member in self.substitution_members.get(&name).into_iter().flatten() {
                if !seen.contains(member) {
                    seen.push(member.clone());
                    queue.push_back(member.clone());
                }
            }
        }
        out
    }

    /// Whether `field` may match no element at all: optional, or a model group that may be
    /// empty (a choice with such an alternative, a sequence of such members).
    fn may_be_empty(&self, field: &Field) -> bool {
        if field.min == 0 {
            return true;
        }
        match field.ty {
            TypeRef::Complex(i) => {
                let group = &self.model.complex_types[i];
                match group.kind {
                    ComplexKind::Choice => group.fields.iter().any(|f| self.may_be_empty(f)),
                    ComplexKind::Group => group.fields.iter().all(|f| self.may_be_empty(f)),
                    ComplexKind::Struct | ComplexKind::Array => false,
                }
            }
            TypeRef::Builtin(_) | TypeRef::Simple(_) => false,
        }
    }
}

/// The name of a group's field (and JSON key): its members' names joined (`aOrB`, `aAndB`) for
/// up to three members, else `choice` or `sequence`.
fn particle_key(particle: &RawParticle) -> String {
    let (joiner, generic) = if particle.choice {
        ("Or", "choice")
    } else {
        ("And", "sequence")
    };
    let parts: Vec<String> = particle
        .items
        .iter()
        .map(|item| match &item.particle {
            Some(nested) => particle_key(nested),
            None => item.name.clone(),
        })
        .collect();
    if parts.is_empty() || parts.len() > 3 {
        return generic.into();
    }
    let mut key = parts[0].clone();
    for part in &parts[1..] {
        key.push_str(joiner);
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            key.extend(first.to_uppercase());
            key.push_str(chars.as_str());
        }
    }
    if key.len() > MAX_KEY {
        return generic.into();
    }
    key
}
