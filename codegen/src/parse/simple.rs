//! Simple types: restrictions (with their enumerations and facets), lists and unions, named or
//! inline.
//!
//! - `xs:list` and `xs:union` types are `String` aliases (the text as written) that remember
//!   their item type or member types (`SimpleType::list_item`, `union_members`), also for a
//!   restriction of one. An anonymous item or member type is a simple type of its own, named
//!   `{List}Item` or `{Union}Member{n}`.
//! - A restriction's facets are kept for samples: `length`, `minLength`, `maxLength`,
//!   `pattern`, the range (`minInclusive`, `maxInclusive`, `minExclusive`, `maxExclusive`, kept
//!   as written), `totalDigits` and `fractionDigits` (merged along the restriction chain in
//!   `resolve/simple.rs`).
//! - An inline base type stands for its base, its facets and enumerations applying too.

use roxmltree::Node;

use super::schema::any_type;
use super::*;
use crate::docs::doc_for;

/// Reads the `xs:simpleType` `node`, named `name` (or named after its owner, when inline).
pub(super) fn read_simple_type(ctx: &Ctx, node: Node, name: QName) -> Result<RawSimpleType> {
    for child in node.children().filter(Node::is_element) {
        match (child.tag_name().namespace(), child.tag_name().name()) {
            (Some(XS), "restriction") => return read_restriction(ctx, node, child, name),
            // A list or union of values: the text as written (a `String`), with the item or
            // member types remembered for what a valid value is.
            (Some(XS), kind @ ("list" | "union")) => {
                let mut doc = doc_for(node);
                let mut list_item = None;
                let mut union_members = Vec::new();
                if kind == "list" {
                    doc.text
                        .push("A list (xs:list): its items, separated by spaces in XML.".into());
                    list_item = Some(list_item_type(ctx, child, &name)?);
                } else {
                    doc.text
                        .push("A union (xs:union) of simple types, kept as written.".into());
                    union_members = union_member_types(ctx, child, &name)?;
                }
                return Ok(RawSimpleType {
                    name,
                    base: any_type("string"),
                    base_loc: ctx.loc(child),
                    enumerations: Vec::new(),
                    facets: RawFacets::default(),
                    list_item,
                    union_members,
                    doc,
                    loc: ctx.loc(node),
                });
            }
            (Some(XS), "annotation") => {}
            _ => {
                return Err(unsupported(
                    ctx,
                    child,
                    "a simple type other than a restriction, list or union",
                ));
            }
        }
    }
    Err(Error::Invalid {
        location: ctx.loc(node),
        message: format!(
            "simple type `{}` has no xs:restriction, xs:list or xs:union",
            name.local
        ),
    })
}

/// The item type of `xs:list` node `list`: its `itemType`, or its inline simple type (named
/// `{owner}Item`).
fn list_item_type(ctx: &Ctx, list: Node, owner: &QName) -> Result<RawType> {
    let inline = list
        .children()
        .find(|c| c.tag_name().namespace() == Some(XS) && c.tag_name().name() == "simpleType");
    match (ctx.qname_attr(list, "itemType")?, inline) {
        (Some(item), None) => Ok(RawType::Named(item, ctx.loc(list))),
        (None, Some(inline)) => {
            let name = QName {
                ns: owner.ns.clone(),
                local: format!("{}Item", owner.local),
            };
            let mut item = read_simple_type(ctx, inline, name)?;
            item.doc
                .text
                .push(format!("The item type of the list {}.", owner.local));
            Ok(RawType::AnonSimple(Box::new(item)))
        }
        (Some(_), Some(_)) => Err(Error::Invalid {
            location: ctx.loc(list),
            message: "an xs:list has both an `itemType` and an inline item type".into(),
        }),
        (None, None) => Err(Error::Invalid {
            location: ctx.loc(list),
            message: "an xs:list has no item type".into(),
        }),
    }
}

/// The member types of `xs:union` node `union`: those `memberTypes` names, then its inline
/// simple types (named `{owner}Member{n}`), in order.
fn union_member_types(ctx: &Ctx, union: Node, owner: &QName) -> Result<Vec<RawType>> {
    let mut members = Vec::new();
    if let Some(names) = union.attribute("memberTypes") {
        for name in names.split_whitespace() {
            members.push(RawType::Named(
                ctx.qname_value(union, "memberTypes", name)?,
                ctx.loc(union),
            ));
        }
    }
    let inline = union
        .children()
        .filter(|c| c.tag_name().namespace() == Some(XS) && c.tag_name().name() == "simpleType");
    for (n, member) in inline.enumerate() {
        let name = QName {
            ns: owner.ns.clone(),
            local: format!("{}Member{}", owner.local, n + 1),
        };
        let mut member = read_simple_type(ctx, member, name)?;
        member
            .doc
            .text
            .push(format!("A member type of the union {}.", owner.local));
        members.push(RawType::AnonSimple(Box::new(member)));
    }
    if members.is_empty() {
        return Err(Error::Invalid {
            location: ctx.loc(union),
            message: "an xs:union has no member types".into(),
        });
    }
    Ok(members)
}

fn read_restriction(
    ctx: &Ctx,
    node: Node,
    restriction: Node,
    name: QName,
) -> Result<RawSimpleType> {
    let mut base = ctx
        .qname_attr(restriction, "base")?
        .map(|b| (b, ctx.loc(restriction)));
    let mut enumerations = Vec::new();
    let mut facets = RawFacets::default();
    let mut inline_base = None;
    for facet in restriction.children().filter(Node::is_element) {
        if facet.tag_name().namespace() != Some(XS) {
            return Err(unsupported(
                ctx,
                facet,
                "a foreign element in xs:restriction",
            ));
        }
        let value = || ctx.required_attr(facet, "value");
        let number = || -> Result<u32> {
            let text = value()?;
            text.trim().parse().map_err(|_| Error::Invalid {
                location: ctx.loc(facet),
                message: format!("facet value {text:?} is not a non-negative integer"),
            })
        };
        let text = || value().map(|v| Some(v.trim().to_owned()));
        match facet.tag_name().name() {
            "enumeration" => enumerations.push((value()?.to_owned(), doc_for(facet))),
            "length" => facets.length = Some(number()?),
            "minLength" => facets.min_length = Some(number()?),
            "maxLength" => facets.max_length = Some(number()?),
            "pattern" => facets.patterns.push(value()?.to_owned()),
            "minInclusive" => facets.min_inclusive = text()?,
            "maxInclusive" => facets.max_inclusive = text()?,
            "minExclusive" => facets.min_exclusive = text()?,
            "maxExclusive" => facets.max_exclusive = text()?,
            "totalDigits" => facets.total_digits = Some(number()?),
            "fractionDigits" => facets.fraction_digits = Some(number()?),
            // An inline base: the type it restricts is the base's base, its facets (and list
            // or union members) apply too.
            "simpleType" if base.is_none() => {
                let inline = read_simple_type(ctx, facet, name.clone())?;
                base = Some((inline.base.clone(), inline.base_loc.clone()));
                inline_base = Some(inline);
            }
            "simpleType" => {
                return Err(Error::Invalid {
                    location: ctx.loc(facet),
                    message: "a restriction has both a `base` and an inline base type".into(),
                });
            }
            // Other facets constrain values without changing their Rust type.
            _ => {}
        }
    }
    let Some((base, base_loc)) = base else {
        return Err(unsupported(
            ctx,
            restriction,
            "a restriction without a base type",
        ));
    };
    let (mut list_item, mut union_members) = (None, Vec::new());
    if let Some(inline) = inline_base {
        facets = facets.or(inline.facets);
        if enumerations.is_empty() {
            enumerations = inline.enumerations;
        }
        list_item = inline.list_item;
        union_members = inline.union_members;
    }
    Ok(RawSimpleType {
        name,
        base,
        base_loc,
        enumerations,
        facets,
        list_item,
        union_members,
        doc: doc_for(node),
        loc: ctx.loc(node),
    })
}
