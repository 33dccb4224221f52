//! Model groups: `xs:sequence` and `xs:choice`, nested in each other, with their occurrence
//! counts. What can be flattened is (a sequence inside a sequence, a choice inside a choice, a
//! group with one member); what cannot is kept as a [`RawParticle`]: a choice inside a
//! sequence, a sequence that is a choice's alternative or repeats.

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
    let group = read_group(ctx, schema, node)?;
    out.extend(simplify(group, false)?);
    Ok(())
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
            "any" => {
                if choice {
                    return Err(unsupported(ctx, child, "an xs:any alternative of a choice"));
                }
                items.push(wildcard(ctx, child)?);
            }
            "sequence" | "choice" => {
                let nested = read_group(ctx, schema, child)?;
                items.extend(simplify(nested, choice)?);
            }
            "annotation" => {}
            "group" => {
                return Err(unsupported(
                    ctx,
                    child,
                    "a model group reference (xs:group)",
                ));
            }
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
        particle: Some(Box::new(RawParticle { choice, items })),
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
        particle: None,
    })
}

/// The items a group contributes to its parent (a choice when `in_choice`): its members
/// spliced in when that keeps the meaning, else the group itself.
fn simplify(mut group: RawLocalElement, in_choice: bool) -> Result<Vec<RawLocalElement>> {
    let Some(particle) = group.particle.take() else {
        return Ok(vec![group]);
    };
    let RawParticle { choice, mut items } = *particle;
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
    if let Some(wildcard) = items.iter().find(|i| i.wildcard) {
        return Err(Error::Unsupported {
            location: wildcard.loc.clone(),
            construct: "xs:any".into(),
            hint: "an xs:any inside a choice's alternative or a repeated sequence is not supported by mktows-codegen"
                .into(),
        });
    }
    group.particle = Some(Box::new(RawParticle { choice, items }));
    Ok(vec![group])
}
