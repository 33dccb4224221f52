//! Model groups: `xs:sequence`, `xs:choice` and `xs:all` (read as a sequence: struct fields are
//! read in any order anyway), nested in each other, with their occurrence counts.
//!
//! - Flattened: a sequence in a sequence, or a choice in a choice, that occurs once joins its
//!   parent (an optional sequence's members become optional); a group with one member is that
//!   member, the occurrences multiplied.
//! - Kept as a [`RawParticle`] group item: what is left, that is an `xs:choice` in a sequence,
//!   and a sequence that is a choice's alternative or that repeats (a `Vec` of a group struct).
//! - A named `xs:group` is kept as such a group item. Once every schema is read, each
//!   `xs:group ref=` is replaced by a copy with the reference's occurrences, simplified in its
//!   place by the rules above; a reference cycle stops at 32 levels.

use std::collections::HashMap;

use roxmltree::Node;

use super::schema::{SchemaCtx, any_type, occurs, read_local_element};
use super::*;
use crate::docs::doc_for;

/// Reads a type's top-level `xs:sequence` or `xs:choice` (`node`) into `out`.
pub(super) fn read_content_group(
    ctx: &Ctx,
    schema: &SchemaCtx,
    node: Node,
    out: &mut Vec<RawLocalElement>,
) -> Result<()> {
    let group = if is(node, XS, "group") {
        read_group_reference(ctx, node)?
    } else {
        read_group(ctx, schema, node)?
    };
    out.extend(simplify(group, false)?);
    Ok(())
}

/// A named `xs:group`: its compositor (a sequence or choice) as a group item.
pub(super) fn read_group_definition(
    ctx: &Ctx,
    schema: &SchemaCtx,
    node: Node,
) -> Result<RawLocalElement> {
    for child in node.children().filter(Node::is_element) {
        match (child.tag_name().namespace(), child.tag_name().name()) {
            (Some(XS), "sequence" | "choice" | "all") => {
                let mut group = read_group(ctx, schema, child)?;
                if !doc_for(node).is_empty() {
                    group.doc = doc_for(node);
                }
                return Ok(group);
            }
            (Some(XS), "annotation") => {}
            _ => return Err(unsupported(ctx, child, "this model group content")),
        }
    }
    Err(Error::Invalid {
        location: ctx.loc(node),
        message: "xs:group has no sequence or choice".into(),
    })
}

/// An `xs:group ref=`, expanded by [`expand_group_references`] once every schema is read.
fn read_group_reference(ctx: &Ctx, node: Node) -> Result<RawLocalElement> {
    let Some(reference) = ctx.qname_attr(node, "ref")? else {
        return Err(unsupported(
            ctx,
            node,
            "a model group definition inside a type",
        ));
    };
    let (min, max) = occurs(ctx, node)?;
    Ok(RawLocalElement {
        name: String::new(),
        namespace: None,
        ty: None,
        reference: None,
        min,
        max,
        nillable: false,
        doc: doc_for(node),
        loc: ctx.loc(node),
        wildcard: false,
        attribute: false,
        fixed: None,
        substitute: false,
        particle: Some(Box::new(RawParticle {
            choice: false,
            items: Vec::new(),
            reference: Some(reference),
        })),
    })
}

/// Deepest chain of group references followed (a group that refers to itself never ends).
const MAX_GROUP_DEPTH: usize = 32;

/// Replaces every `xs:group ref=` in `defs` by the named group's content (simplified in its
/// place as a written-out group would be).
pub(super) fn expand_group_references(defs: &mut RawDefs) -> Result<()> {
    let groups = Groups {
        models: defs.groups.iter().cloned().collect(),
        attributes: defs.attribute_groups.iter().cloned().collect(),
    };
    for ty in &mut defs.complex_types {
        expand_in_list(&mut ty.elements, false, &groups, 0)?;
    }
    for element in &mut defs.elements {
        if let RawType::AnonComplex(ty) = &mut element.ty {
            expand_in_list(&mut ty.elements, false, &groups, 0)?;
        }
    }
    Ok(())
}

/// The named groups references are expanded from.
struct Groups {
    /// Model groups: their compositor as a group item.
    models: HashMap<QName, RawLocalElement>,
    /// Attribute groups: their attributes.
    attributes: HashMap<QName, Vec<RawLocalElement>>,
}

fn expand_in_list(
    items: &mut Vec<RawLocalElement>,
    in_choice: bool,
    groups: &Groups,
    depth: usize,
) -> Result<()> {
    let mut out = Vec::with_capacity(items.len());
    for mut item in items.drain(..) {
        if let Some(RawType::AnonComplex(ty)) = &mut item.ty {
            // At the same depth: a group whose elements' types refer to it again ends too.
            expand_in_list(&mut ty.elements, false, groups, depth)?;
        }
        let Some(particle) = &mut item.particle else {
            out.push(item);
            continue;
        };
        let Some(reference) = particle.reference.clone() else {
            expand_in_list(&mut particle.items, particle.choice, groups, depth)?;
            check_members(&particle.items)?;
            out.push(item);
            continue;
        };
        if depth >= MAX_GROUP_DEPTH {
            return Err(Error::Invalid {
                location: item.loc.clone(),
                message: format!(
                    "group `{}` refers to itself or nests deeper than {MAX_GROUP_DEPTH}",
                    reference.local
                ),
            });
        }
        if item.attribute {
            let single = reference.local.strip_prefix('@');
            let Some(attributes) = groups.attributes.get(&reference) else {
                return Err(Error::Unresolved {
                    location: item.loc.clone(),
                    kind: if single.is_some() {
                        "attribute"
                    } else {
                        "attribute group"
                    },
                    name: match single {
                        Some(local) => QName {
                            ns: reference.ns.clone(),
                            local: local.to_owned(),
                        }
                        .to_string(),
                        None => reference.to_string(),
                    },
                });
            };
            let mut attributes = attributes.clone();
            if single.is_some() {
                // The reference says whether it is required.
                for attribute in &mut attributes {
                    attribute.min = item.min;
                    attribute.loc = item.loc.clone();
                    if item.fixed.is_some() {
                        attribute.fixed = item.fixed.clone();
                    }
                }
            }
            expand_in_list(&mut attributes, false, groups, depth + 1)?;
            out.extend(attributes);
            continue;
        }
        let Some(definition) = groups.models.get(&reference) else {
            return Err(Error::Unresolved {
                location: item.loc.clone(),
                kind: "model group",
                name: reference.to_string(),
            });
        };
        let mut group = definition.clone();
        group.min = item.min;
        group.max = item.max;
        group.loc = item.loc.clone();
        if !item.doc.is_empty() {
            group.doc = item.doc.clone();
        }
        if let Some(particle) = &mut group.particle {
            expand_in_list(&mut particle.items, particle.choice, groups, depth + 1)?;
        }
        out.extend(simplify(group, in_choice)?);
    }
    *items = out;
    Ok(())
}

/// A kept group's members: no wildcard (a wildcard takes any child, so it cannot end a run).
fn check_members(items: &[RawLocalElement]) -> Result<()> {
    match items.iter().find(|i| i.wildcard) {
        Some(wildcard) => Err(Error::Unsupported {
            location: wildcard.loc.clone(),
            construct: "xs:any".into(),
            hint: "an xs:any inside a choice's alternative or a repeated sequence is not supported by mktows-codegen"
                .into(),
        }),
        None => Ok(()),
    }
}

/// A sequence or choice as one item (not simplified yet).
fn read_group(ctx: &Ctx, schema: &SchemaCtx, node: Node) -> Result<RawLocalElement> {
    let choice = is(node, XS, "choice");
    let (min, max) = occurs(ctx, node)?;
    let mut items = Vec::new();
    for child in node.children().filter(Node::is_element) {
        if child.tag_name().namespace() != Some(XS) {
            return Err(unsupported(
                ctx,
                child,
                "a foreign element in a model group",
            ));
        }
        match child.tag_name().name() {
            "element" => items.push(read_local_element(ctx, schema, child)?),
            // In a choice kept as such, refused by `check_members`; a choice of only this
            // wildcard is the wildcard.
            "any" => items.push(wildcard(ctx, child)?),
            "sequence" | "choice" => {
                let nested = read_group(ctx, schema, child)?;
                items.extend(simplify(nested, choice)?);
            }
            "group" => items.extend(simplify(read_group_reference(ctx, child)?, choice)?),
            "annotation" => {}
            _ => return Err(unsupported(ctx, child, "this model group member")),
        }
    }
    Ok(RawLocalElement {
        name: String::new(),
        namespace: None,
        ty: None,
        reference: None,
        min,
        max,
        nillable: false,
        doc: doc_for(node),
        loc: ctx.loc(node),
        wildcard: false,
        attribute: false,
        fixed: None,
        substitute: false,
        particle: Some(Box::new(RawParticle {
            choice,
            items,
            reference: None,
        })),
    })
}

/// An `xs:any` wildcard as a member named `any`. Kept out of [`read_group`] so that the
/// recursion through nested declarations keeps small stack frames.
#[inline(never)]
fn wildcard(ctx: &Ctx, node: Node) -> Result<RawLocalElement> {
    let (min, max) = occurs(ctx, node)?;
    Ok(RawLocalElement {
        name: "any".into(),
        namespace: None,
        ty: Some(RawType::Named(any_type("anyElement"), ctx.loc(node))),
        reference: None,
        min,
        max,
        nillable: false,
        doc: doc_for(node),
        loc: ctx.loc(node),
        wildcard: true,
        attribute: false,
        fixed: None,
        substitute: false,
        particle: None,
    })
}

/// The items a group contributes to its parent (a choice when `in_choice`): its members
/// spliced in when that keeps the meaning, else the group itself.
fn simplify(mut group: RawLocalElement, in_choice: bool) -> Result<Vec<RawLocalElement>> {
    let Some(particle) = group.particle.take() else {
        return Ok(vec![group]);
    };
    if particle.reference.is_some() {
        // Expanded (and simplified) once every schema is read.
        group.particle = Some(particle);
        return Ok(vec![group]);
    }
    let RawParticle {
        choice,
        mut items,
        reference: _,
    } = *particle;
    // One member: the member, its occurrences multiplied by the group's.
    if items.len() <= 1 {
        for item in &mut items {
            item.min = item.min.saturating_mul(group.min);
            item.max = match (item.max, group.max) {
                (Some(a), Some(b)) => Some(a.saturating_mul(b)),
                _ => None,
            };
            if group.max == Some(0) {
                item.max = Some(0);
            }
        }
        return Ok(items);
    }
    let once = group.min == 1 && group.max == Some(1);
    // A sequence in a sequence, a choice in a choice: the members in its place.
    if once && choice == in_choice {
        return Ok(items);
    }
    if !choice && !in_choice && group.max == Some(1) {
        // An optional sequence in a sequence: its members, each optional.
        for item in &mut items {
            item.min = 0;
        }
        return Ok(items);
    }
    // Kept: a choice in a sequence, a sequence in a choice, a sequence that repeats.
    check_members(&items)?;
    group.particle = Some(Box::new(RawParticle {
        choice,
        items,
        reference: None,
    }));
    Ok(vec![group])
}
