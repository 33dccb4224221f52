//! Schema declarations: complex types, local and global elements (simple types are in
//! `simple.rs`, attributes in `attributes.rs`, model groups in `particles.rs`).
//!
//! - An `xs:any` becomes a wildcard field (type `xs:any`, Rust `RawXml`); an element without a
//!   type is of `xs:anyType` (Rust `AnyValue`).
//! - Mixed content (`mixed="true"` on the type or on its `complexContent`): the type keeps its
//!   attributes as fields and has, instead of its elements, one field `content: MixedContent`
//!   (row `mixed`) holding its text and elements as written. A type derived from a mixed one,
//!   or mixed itself, likewise.
//! - Simple content (`xs:simpleContent` extension or restriction of a simple type): a field
//!   `value` (row `text`, JSON key `$value`) holding the text as that type, then the
//!   attributes. Simple content over a complex type with simple content inherits like any
//!   derived type: a restriction's facets narrow the text, the attributes are kept.
//! - Global elements keep `substitutionGroup` and `abstract` (substitution groups are resolved
//!   in `resolve/particles.rs`).

use roxmltree::Node;

use super::attributes::{read_attribute, read_attribute_item};
use super::particles::{read_content_group, read_group_definition};
use super::simple::read_simple_type;
use super::*;
use crate::docs::{Doc, doc_for};

pub(super) fn read_schema(
    ctx: &Ctx,
    schema: Node,
    defs: &mut RawDefs,
    pending: &mut Vec<Pending>,
) -> Result<()> {
    let tns = schema.attribute("targetNamespace").map(str::to_owned);
    if let Some(ns) = &tns {
        if !defs.schema_namespaces.contains(ns) {
            defs.schema_namespaces.push(ns.clone());
        }
    }
    let qualified = schema.attribute("elementFormDefault") == Some("qualified");
    let attributes_qualified = schema.attribute("attributeFormDefault") == Some("qualified");
    let schema_ctx = SchemaCtx {
        tns: tns.as_deref(),
        qualified,
        attributes_qualified,
    };
    for child in schema.children().filter(Node::is_element) {
        if child.tag_name().namespace() != Some(XS) {
            return Err(unsupported(ctx, child, "a foreign element in xs:schema"));
        }
        match child.tag_name().name() {
            "simpleType" => {
                let name = schema_ctx.global_name(ctx, child)?;
                defs.simple_types.push(read_simple_type(ctx, child, name)?);
            }
            "complexType" => {
                let name = schema_ctx.global_name(ctx, child)?;
                defs.complex_types
                    .push(read_complex_type(ctx, &schema_ctx, child, name)?);
            }
            "element" => defs
                .elements
                .push(read_global_element(ctx, &schema_ctx, child)?),
            // A global attribute: kept as an attribute group of one, under a name no group can
            // have, for the references to it.
            "attribute" => {
                let name = schema_ctx.global_name(ctx, child)?;
                let mut attribute = read_attribute(ctx, &schema_ctx, child)?;
                attribute.namespace = name.ns.clone();
                let key = QName {
                    ns: name.ns,
                    local: format!("@{}", name.local),
                };
                defs.attribute_groups.push((key, vec![attribute]));
            }
            "attributeGroup" => {
                let name = schema_ctx.global_name(ctx, child)?;
                let mut attributes = Vec::new();
                for part in child.children().filter(Node::is_element) {
                    read_attribute_item(ctx, &schema_ctx, part, &mut attributes)?;
                }
                defs.attribute_groups.push((name, attributes));
            }
            "group" => {
                let name = schema_ctx.global_name(ctx, child)?;
                defs.groups
                    .push((name, read_group_definition(ctx, &schema_ctx, child)?));
            }
            "import" | "include" => {
                if let Some(location) = child.attribute("schemaLocation") {
                    let construct = format!("xs:{} schemaLocation", child.tag_name().name());
                    pending.push(locate(ctx, child, location, &construct, Kind::Schema)?);
                }
            }
            "annotation" => {}
            _ => return Err(unsupported(ctx, child, "this schema-level declaration")),
        }
    }
    Ok(())
}

pub(super) struct SchemaCtx<'a> {
    /// `targetNamespace`.
    pub(super) tns: Option<&'a str>,
    /// `elementFormDefault="qualified"`.
    pub(super) qualified: bool,
    /// `attributeFormDefault="qualified"`.
    pub(super) attributes_qualified: bool,
}

impl SchemaCtx<'_> {
    fn global_name(&self, ctx: &Ctx, node: Node) -> Result<QName> {
        Ok(QName {
            ns: self.tns.map(str::to_owned),
            local: ctx.name_attr(node)?.to_owned(),
        })
    }
}

fn read_complex_type(
    ctx: &Ctx,
    schema: &SchemaCtx,
    node: Node,
    name: QName,
) -> Result<RawComplexType> {
    // Anonymous types nest by recursion here: bound it (the stack, on hostile input).
    if node.ancestors().nth(MAX_NESTING).is_some() {
        return Err(Error::Invalid {
            location: ctx.loc(node),
            message: format!("declarations nested deeper than {MAX_NESTING} levels"),
        });
    }
    let mut mixed = is_true(node.attribute("mixed"));
    let mut ty = RawComplexType {
        name,
        is_abstract: matches!(node.attribute("abstract"), Some("true" | "1")),
        base: None,
        restriction: false,
        simple_content: false,
        elements: Vec::new(),
        array: None,
        doc: doc_for(node),
        loc: ctx.loc(node),
    };
    for child in node.children().filter(Node::is_element) {
        if child.tag_name().namespace() != Some(XS) {
            return Err(unsupported(
                ctx,
                child,
                "a foreign element in xs:complexType",
            ));
        }
        match child.tag_name().name() {
            "annotation" => {}
            "sequence" | "choice" | "group" | "all" => {
                read_content_group(ctx, schema, child, &mut ty.elements)?
            }
            "attribute" | "anyAttribute" | "attributeGroup" => {
                read_attribute_item(ctx, schema, child, &mut ty.elements)?
            }
            content_kind @ ("complexContent" | "simpleContent") => {
                let simple = content_kind == "simpleContent";
                ty.simple_content = simple;
                mixed |= is_true(child.attribute("mixed"));
                for content in child.children().filter(Node::is_element) {
                    match (content.tag_name().namespace(), content.tag_name().name()) {
                        (Some(XS), kind @ ("extension" | "restriction")) => {
                            let Some(base) = ctx.qname_attr(content, "base")? else {
                                return Err(unsupported(
                                    ctx,
                                    content,
                                    "a derivation without `base`",
                                ));
                            };
                            // A restriction restates the content it keeps: nothing is
                            // inherited. One of xs:anyType is a plain complex type. A simple
                            // content restriction narrows the text and keeps the attributes.
                            ty.restriction = kind == "restriction" && !simple;
                            if kind == "restriction" && !simple && encoded::is_array_base(&base) {
                                ty.array = Some(encoded::read_array(ctx, content)?);
                                continue;
                            }
                            if base.ns.as_deref() != Some(XS) || base.local != "anyType" {
                                ty.base = Some((base, ctx.loc(content)));
                            }
                            for part in content.children().filter(Node::is_element) {
                                match (part.tag_name().namespace(), part.tag_name().name()) {
                                    (Some(XS), "sequence" | "choice" | "group" | "all")
                                        if !simple =>
                                    {
                                        read_content_group(ctx, schema, part, &mut ty.elements)?
                                    }
                                    (Some(XS), "attribute" | "anyAttribute" | "attributeGroup") => {
                                        read_attribute_item(ctx, schema, part, &mut ty.elements)?
                                    }
                                    (Some(XS), "annotation") => {}
                                    // Facets (and an inline base) of a simple content
                                    // restriction constrain the text, not its Rust type.
                                    (Some(XS), _) if simple && kind == "restriction" => {}
                                    _ => {
                                        return Err(unsupported(
                                            ctx,
                                            part,
                                            &format!("this content in xs:{kind}"),
                                        ));
                                    }
                                }
                            }
                        }
                        (Some(XS), "annotation") => {}
                        _ => {
                            return Err(unsupported(
                                ctx,
                                content,
                                &format!("this {content_kind} child"),
                            ));
                        }
                    }
                }
            }
            _ => {
                return Err(unsupported(ctx, child, "this complex type content"));
            }
        }
    }
    if mixed {
        make_mixed(ctx, node, &mut ty);
    }
    Ok(ty)
}

/// `xs:anyType`, or `anyElement`: the type the generator gives an `xs:any` wildcard (an XML
/// Schema name no schema can declare, mapped to raw XML).
pub(super) fn any_type(local: &str) -> QName {
    QName {
        ns: Some(XS.to_owned()),
        local: local.to_owned(),
    }
}

pub(super) fn occurs(ctx: &Ctx, node: Node) -> Result<(u32, Option<u32>)> {
    let parse = |attr: &str| -> Result<Option<u32>> {
        match node.attribute(attr) {
            None => Ok(Some(1)),
            Some("unbounded") if attr == "maxOccurs" => Ok(None),
            Some(v) => v
                .trim()
                .parse::<u32>()
                .map(Some)
                .map_err(|_| Error::Invalid {
                    location: ctx.loc(node),
                    message: format!("{attr}=\"{v}\" is not a non-negative integer"),
                }),
        }
    };
    let min = parse("minOccurs")?.unwrap_or(1);
    let max = parse("maxOccurs")?;
    if max.is_some_and(|m| m < min) {
        return Err(Error::Invalid {
            location: ctx.loc(node),
            message: "maxOccurs is smaller than minOccurs".into(),
        });
    }
    Ok((min, max))
}

fn nillable(node: Node) -> bool {
    matches!(node.attribute("nillable"), Some("true" | "1"))
}

fn element_type(
    ctx: &Ctx,
    schema: &SchemaCtx,
    node: Node,
    owner: &QName,
) -> Result<Option<RawType>> {
    if let Some(name) = ctx.qname_attr(node, "type")? {
        return Ok(Some(RawType::Named(name, ctx.loc(node))));
    }
    for child in node.children().filter(Node::is_element) {
        match (child.tag_name().namespace(), child.tag_name().name()) {
            (Some(XS), "complexType") => {
                return Ok(Some(RawType::AnonComplex(Box::new(read_complex_type(
                    ctx,
                    schema,
                    child,
                    owner.clone(),
                )?))));
            }
            (Some(XS), "simpleType") => {
                return Ok(Some(RawType::AnonSimple(Box::new(read_simple_type(
                    ctx,
                    child,
                    owner.clone(),
                )?))));
            }
            (Some(XS), "annotation") => {}
            _ => return Err(unsupported(ctx, child, "this element content")),
        }
    }
    Ok(None)
}

fn reject_element_extras(ctx: &Ctx, node: Node) -> Result<()> {
    for attr in ["substitutionGroup", "abstract"] {
        if node.attribute(attr).is_some() {
            return Err(Error::Unsupported {
                location: ctx.loc(node),
                construct: format!("xs:element {attr}"),
                hint: "element substitution groups are not supported by mktows-codegen".into(),
            });
        }
    }
    Ok(())
}

pub(super) fn read_local_element(
    ctx: &Ctx,
    schema: &SchemaCtx,
    node: Node,
) -> Result<RawLocalElement> {
    reject_element_extras(ctx, node)?;
    let (min, max) = occurs(ctx, node)?;
    let doc = doc_for(node);
    let loc = ctx.loc(node);
    if let Some(reference) = ctx.qname_attr(node, "ref")? {
        return Ok(RawLocalElement {
            name: reference.local.clone(),
            namespace: reference.ns.clone(),
            ty: None,
            reference: Some(reference),
            min,
            max,
            nillable: nillable(node),
            doc,
            loc,
            wildcard: false,
            attribute: false,
            fixed: node.attribute("fixed").map(str::to_owned),
            substitute: false,
            particle: None,
        });
    }
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
        None => schema.qualified,
    };
    let namespace = if qualified {
        schema.tns.map(str::to_owned)
    } else {
        None
    };
    let owner = QName {
        ns: schema.tns.map(str::to_owned),
        local: name.clone(),
    };
    // An untyped element is xs:anyType: arbitrary XML.
    let ty = element_type(ctx, schema, node, &owner)?
        .unwrap_or_else(|| RawType::Named(any_type("anyType"), loc.clone()));
    Ok(RawLocalElement {
        name,
        namespace,
        ty: Some(ty),
        reference: None,
        min,
        max,
        nillable: nillable(node),
        doc,
        loc,
        wildcard: false,
        attribute: false,
        fixed: node.attribute("fixed").map(str::to_owned),
        substitute: false,
        particle: None,
    })
}

fn is_true(value: Option<&str>) -> bool {
    matches!(value, Some("true" | "1"))
}

/// Mixed content (`mixed="true"`): the type's elements give way to one field named `content`
/// holding its text and elements as written; its attributes stay fields.
fn make_mixed(ctx: &Ctx, node: Node, ty: &mut RawComplexType) {
    fn names(items: &[RawLocalElement], out: &mut Vec<String>) {
        for item in items.iter().filter(|i| !i.attribute) {
            match &item.particle {
                Some(particle) => names(&particle.items, out),
                None if !out.contains(&item.name) => out.push(item.name.clone()),
                None => {}
            }
        }
    }
    let mut elements = Vec::new();
    names(&ty.elements, &mut elements);
    ty.elements.retain(|e| e.attribute);
    let doc = if elements.is_empty() {
        Doc::default()
    } else {
        Doc::from_text(vec![format!(
            "Elements the schema allows in it: {}.",
            elements.join(", ")
        )])
    };
    ty.elements.push(RawLocalElement {
        name: "content".into(),
        namespace: None,
        ty: Some(RawType::Named(any_type("mixed"), ctx.loc(node))),
        reference: None,
        min: 1,
        max: Some(1),
        nillable: false,
        doc,
        loc: ctx.loc(node),
        wildcard: false,
        attribute: false,
        fixed: None,
        substitute: false,
        particle: None,
    });
}

fn read_global_element(ctx: &Ctx, schema: &SchemaCtx, node: Node) -> Result<RawGlobalElement> {
    let name = schema.global_name(ctx, node)?;
    let ty = element_type(ctx, schema, node, &name)?
        .unwrap_or_else(|| RawType::Named(any_type("anyType"), ctx.loc(node)));
    Ok(RawGlobalElement {
        name,
        ty,
        nillable: nillable(node),
        substitution_group: ctx.qname_attr(node, "substitutionGroup")?,
        is_abstract: is_true(node.attribute("abstract")),
        doc: doc_for(node),
        loc: ctx.loc(node),
    })
}
