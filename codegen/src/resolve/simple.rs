//! Simple types: enumerations (with a fallback variant), aliases of the built-in at the bottom
//! of a restriction chain, and the facets a value's text must satisfy ([`Facets`]), gathered
//! along the restriction chain: the nearest step wins for a length, a bound or a digit count,
//! and every step's patterns apply.

use super::{Resolver, builtin};
use crate::error::{Error, Location, Result};
use crate::model::*;
use crate::names::{self, NameSet};
use crate::parse::{RawSimpleType, RawType, XS};
use crate::qname::QName;

impl<'a> Resolver<'a> {
    /// Resolves named simple type `index` (raw and model indexes agree for named types).
    pub(super) fn resolve_simple(&mut self, index: usize, raw: &RawSimpleType) -> Result<()> {
        if self.simple_done[index] {
            return Ok(());
        }
        self.simple_done[index] = true;
        let kind = self.simple_kind(raw, 0)?;
        self.model.simple_types[index].kind = kind;
        self.model.simple_types[index].xsd_base = self.base_local(&raw.base, 0);
        self.model.simple_types[index].facets = self.facets(raw, 0);
        let (list_item, union_members) = self.composition(raw)?;
        self.model.simple_types[index].list_item = list_item;
        self.model.simple_types[index].union_members = union_members;
        Ok(())
    }

    /// The item type of a list and the member types of a union (`raw`'s own, or those of the
    /// named list or union it restricts).
    pub(super) fn composition(
        &mut self,
        raw: &RawSimpleType,
    ) -> Result<(Option<SimpleRef>, Vec<SimpleRef>)> {
        if raw.list_item.is_some() || !raw.union_members.is_empty() {
            let list_item = match &raw.list_item {
                Some(item) => Some(self.simple_ref(item)?),
                None => None,
            };
            let mut members = Vec::with_capacity(raw.union_members.len());
            for member in &raw.union_members {
                members.push(self.simple_ref(member)?);
            }
            return Ok((list_item, members));
        }
        let Some(&base) = self.simple_index.get(&raw.base) else {
            return Ok((None, Vec::new()));
        };
        // Resolve the base first (a cycle finds it marked done and reads what it has).
        if let Some(base_raw) = self.raw_simple(base) {
            self.resolve_simple(base, base_raw)?;
        }
        let base = &self.model.simple_types[base];
        Ok((base.list_item.clone(), base.union_members.clone()))
    }

    /// A list item or union member type, which must be simple.
    fn simple_ref(&mut self, ty: &RawType) -> Result<SimpleRef> {
        let resolved = self.resolve_type(ty)?;
        if let (TypeRef::Complex(_), RawType::Named(name, loc)) = (resolved, ty) {
            return Err(Error::Invalid {
                location: loc.clone(),
                message: format!(
                    "the complex type `{}` is a list item or union member type",
                    name.local
                ),
            });
        }
        Ok(SimpleRef {
            ty: resolved,
            xsd_builtin: super::builtin_local(ty),
        })
    }

    pub(super) fn simple_kind(&self, raw: &RawSimpleType, depth: usize) -> Result<SimpleKind> {
        if !raw.enumerations.is_empty() {
            let mut variants = NameSet::default();
            let values: Vec<EnumValue> = raw
                .enumerations
                .iter()
                .map(|(value, doc)| EnumValue {
                    xml: value.clone(),
                    rust_name: variants.claim(&names::camel(value)),
                    doc: doc.clone(),
                })
                .collect();
            let fallback = variants.claim("Unknown");
            return Ok(SimpleKind::Enum { values, fallback });
        }
        Ok(SimpleKind::Alias(self.builtin_base(
            &raw.base,
            &raw.base_loc,
            depth,
        )?))
    }

    /// The built-in at the bottom of a restriction chain.
    fn builtin_base(&self, base: &QName, loc: &Location, depth: usize) -> Result<Builtin> {
        if depth > 64 {
            return Err(Error::Invalid {
                location: loc.clone(),
                message: format!(
                    "the restriction chain through `{}` is circular or deeper than 64",
                    base.local
                ),
            });
        }
        if base.ns.as_deref() == Some(XS) {
            return builtin(base, loc);
        }
        match self.simple_index.get(base) {
            Some(&i) => match &self.model.simple_types[i].kind {
                // Walk the raw chain again for aliases that are not resolved yet.
                SimpleKind::Enum { .. } => Ok(Builtin::String),
                SimpleKind::Alias(_) => {
                    let raw = self.raw_simple(i);
                    match raw {
                        Some(raw) if raw.enumerations.is_empty() => {
                            self.builtin_base(&raw.base, &raw.base_loc, depth + 1)
                        }
                        _ => Ok(Builtin::String),
                    }
                }
            },
            None if self.complex_index.contains_key(base) => Err(Error::Invalid {
                location: loc.clone(),
                message: format!("simple type restricts the complex type `{}`", base.local),
            }),
            None => Err(Error::Unresolved {
                location: loc.clone(),
                kind: "simple type",
                name: base.to_string(),
            }),
        }
    }

    /// Local name of the built-in at the bottom of a restriction chain (`string` when the
    /// chain cannot be followed: the resolution reports that).
    pub(super) fn base_local(&self, base: &QName, depth: usize) -> String {
        if base.ns.as_deref() == Some(XS) || depth > 64 {
            return base.local.clone();
        }
        match self
            .simple_index
            .get(base)
            .and_then(|&i| self.raw_simple(i))
        {
            Some(raw) => self.base_local(&raw.base, depth + 1),
            None => "string".into(),
        }
    }

    /// The facets of `raw` and of the named simple types it restricts (the nearest one wins
    /// for a length, a bound or a digit count, every step's patterns apply).
    pub(super) fn facets(&self, raw: &RawSimpleType, depth: usize) -> Facets {
        let own = &raw.facets;
        let mut facets = Facets {
            length: own.length,
            min_length: own.min_length,
            max_length: own.max_length,
            patterns: Vec::new(),
            min_inclusive: own.min_inclusive.clone(),
            max_inclusive: own.max_inclusive.clone(),
            min_exclusive: own.min_exclusive.clone(),
            max_exclusive: own.max_exclusive.clone(),
            total_digits: own.total_digits,
            fraction_digits: own.fraction_digits,
        };
        if !own.patterns.is_empty() {
            facets.patterns.push(own.patterns.clone());
        }
        facets.patterns.extend(own.base_patterns.iter().cloned());
        if raw.base.ns.as_deref() == Some(XS) || depth > 64 {
            return facets;
        }
        if let Some(base) = self
            .simple_index
            .get(&raw.base)
            .and_then(|&i| self.raw_simple(i))
        {
            let inherited = self.facets(base, depth + 1);
            facets.length = facets.length.or(inherited.length);
            facets.min_length = facets.min_length.or(inherited.min_length);
            facets.max_length = facets.max_length.or(inherited.max_length);
            facets.patterns.extend(inherited.patterns);
            facets.min_inclusive = facets.min_inclusive.or(inherited.min_inclusive);
            facets.max_inclusive = facets.max_inclusive.or(inherited.max_inclusive);
            facets.min_exclusive = facets.min_exclusive.or(inherited.min_exclusive);
            facets.max_exclusive = facets.max_exclusive.or(inherited.max_exclusive);
            facets.total_digits = facets.total_digits.or(inherited.total_digits);
            facets.fraction_digits = facets.fraction_digits.or(inherited.fraction_digits);
        }
        facets
    }

    fn raw_simple(&self, index: usize) -> Option<&'a RawSimpleType> {
        self.raw.simple_types.get(index)
    }
}
