//! Attribute declarations: `xs:attribute` (named, or a reference to a global one or to the
//! XML namespace's), `xs:anyAttribute`, and references to attribute groups.
//!
//! - An `xs:attribute` (named, of a named type or an inline simple type, with its `use` and
//!   `form`) becomes a field marked `attribute`: rows `attr_one`/`attr_optional`, written in the
//!   start tag by `write_attributes`, read from it by `read_with_start`, serde key `@name`.
//! - An `xs:anyAttribute` becomes a field `any_attribute: BTreeMap<String, String>` (row
//!   `attr_any`, key `@anyAttribute`): one per type however many its derivation chain declares.
//! - `xs:attributeGroup`s give their attributes where they are referred to (expanded like model
//!   groups), and so does a global `xs:attribute`, kept as a group of one named `@name`, for
//!   `xs:attribute ref=`. A reference to an attribute of the XML namespace (`xml:lang`) is a
//!   field written `xml:lang`.
//! - A prohibited attribute (`use="prohibited"`, which a restriction uses to leave one out) is
//!   left out.

use roxmltree::Node;

use super::schema::{SchemaCtx, any_type};
use super::simple::read_simple_type;
use super::*;
use crate::docs::doc_for;

/// An `xs:attribute`, `xs:anyAttribute` or `xs:attributeGroup ref=` (expanded once every
/// schema is read) of a type or an attribute group, into `out`.
pub(super) fn read_attribute_item(
    ctx: &Ctx,
    schema: &SchemaCtx,
    node: Node,
    out: &mut Vec<RawLocalElement>,
) -> Result<()> {
    match (node.tag_name().namespace(), node.tag_name().name()) {
        // A prohibited attribute is one a restriction leaves out: nothing to read or write.
        (Some(XS), "attribute") if node.attribute("use") == Some("prohibited") => {}
        (Some(XS), "attribute") if node.attribute("ref").is_some() => {
            out.push(read_attribute_reference(ctx, node)?)
        }
        (Some(XS), "attribute") => out.push(read_attribute(ctx, schema, node)?),
        (Some(XS), "anyAttribute") => out.push(any_attribute(ctx, node)),
        (Some(XS), "attributeGroup") => {
            let Some(reference) = ctx.qname_attr(node, "ref")? else {
                return Err(unsupported(
                    ctx,
                    node,
                    "an attribute group definition inside a type",
                ));
            };
            out.push(RawLocalElement {
                name: String::new(),
                namespace: None,
                ty: None,
                reference: None,
                min: 1,
                max: Some(1),
                nillable: false,
                doc: doc_for(node),
                loc: ctx.loc(node),
                wildcard: false,
                attribute: true,
                fixed: None,
                substitute: false,
                particle: Some(Box::new(RawParticle {
                    choice: false,
                    items: Vec::new(),
                    reference: Some(reference),
                })),
            });
        }
        (Some(XS), "annotation") => {}
        _ => return Err(unsupported(ctx, node, "this attribute declaration")),
    }
    Ok(())
}

/// An `xs:anyAttribute`: a field named `anyAttribute` holding the attributes no named one
/// matches.
fn any_attribute(ctx: &Ctx, node: Node) -> RawLocalElement {
    RawLocalElement {
        name: "anyAttribute".into(),
        namespace: None,
        ty: Some(RawType::Named(any_type("anyAttribute"), ctx.loc(node))),
        reference: None,
        min: 0,
        max: Some(1),
        nillable: false,
        doc: doc_for(node),
        loc: ctx.loc(node),
        wildcard: false,
        attribute: true,
        fixed: None,
        substitute: false,
        particle: None,
    }
}

/// An `xs:attribute ref=`: one of the XML namespace (`xml:lang`, written with its `xml:`
/// prefix, text), or a global attribute, expanded once every schema is read.
fn read_attribute_reference(ctx: &Ctx, node: Node) -> Result<RawLocalElement> {
    let Some(reference) = ctx.qname_attr(node, "ref")? else {
        return Err(unsupported(
            ctx,
            node,
            "an attribute reference without `ref`",
        ));
    };
    let min = u32::from(node.attribute("use") == Some("required"));
    let xml = reference.ns.as_deref() == Some(XML_NAMESPACE);
    Ok(RawLocalElement {
        name: if xml {
            format!("xml:{}", reference.local)
        } else {
            String::new()
        },
        namespace: None,
        ty: xml.then(|| RawType::Named(any_type("string"), ctx.loc(node))),
        reference: None,
        min,
        max: Some(1),
        nillable: false,
        doc: doc_for(node),
        loc: ctx.loc(node),
        wildcard: false,
        attribute: true,
        fixed: node.attribute("fixed").map(str::to_owned),
        substitute: false,
        particle: (!xml).then(|| {
            Box::new(RawParticle {
                choice: false,
                items: Vec::new(),
                reference: Some(QName {
                    ns: reference.ns,
                    local: format!("@{}", reference.local),
                }),
            })
        }),
    })
}

/// The namespace of the `xml:` prefix.
const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

/// An `xs:attribute` of a complex type, as a field that is not an element.
pub(super) fn read_attribute(ctx: &Ctx, schema: &SchemaCtx, node: Node) -> Result<RawLocalElement> {
    let loc = ctx.loc(node);
    let name = ctx.name_attr(node)?.to_owned();
    let qualified = match node.attribute("form") {
        Some("qualified") => true,
        Some("unqualified") => false,
        Some(other) => {
            return Err(Error::Invalid {
                location: loc,
                message: format!("form=\"{other}\" is neither qualified nor unqualified"),
            });
        }
        None => schema.attributes_qualified,
    };
    let owner = QName {
        ns: schema.tns.map(str::to_owned),
        local: name.clone(),
    };
    let ty = match ctx.qname_attr(node, "type")? {
        Some(named) => RawType::Named(named, loc.clone()),
        None => match node.children().find(|c| is(*c, XS, "simpleType")) {
            Some(simple) => RawType::AnonSimple(Box::new(read_simple_type(ctx, simple, owner)?)),
            // An attribute without a type is xs:anySimpleType: text.
            None => RawType::Named(
                QName {
                    ns: Some(XS.to_owned()),
                    local: "string".into(),
                },
                loc.clone(),
            ),
        },
    };
    let required = match node.attribute("use") {
        Some("required") => true,
        None | Some("optional") => false,
        Some("prohibited") => {
            return Err(unsupported(ctx, node, "a prohibited attribute"));
        }
        Some(other) => {
            return Err(Error::Invalid {
                location: loc,
                message: format!("use=\"{other}\" is not required, optional or prohibited"),
            });
        }
    };
    Ok(RawLocalElement {
        name,
        namespace: if qualified {
            schema.tns.map(str::to_owned)
        } else {
            None
        },
        ty: Some(ty),
        reference: None,
        min: u32::from(required),
        max: Some(1),
        nillable: false,
        doc: doc_for(node),
        loc,
        wildcard: false,
        attribute: true,
        fixed: node.attribute("fixed").map(str::to_owned),
        substitute: false,
        particle: None,
    })
}
