//! Stage 1, parse: read the WSDL and every schema it pulls in (roxmltree) into owned "raw"
//! definitions. QNames are resolved here, against the namespace declarations in scope at the
//! node that uses them, so later stages never look at a prefix.

// Raw definitions mirror the XML one to one; their fields are named after the attributes they hold.
#![allow(missing_docs)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use roxmltree::{Document, Node, ParsingOptions};

use crate::docs::{Doc, doc_for};
use crate::error::{Error, Location, Result};

/// XML Schema namespace.
pub const XS: &str = "http://www.w3.org/2001/XMLSchema";
/// WSDL 1.1 namespace.
pub const WSDL: &str = "http://schemas.xmlsoap.org/wsdl/";
/// WSDL 1.1 SOAP 1.1 binding namespace.
pub const SOAP11: &str = "http://schemas.xmlsoap.org/wsdl/soap/";
/// WSDL 1.1 SOAP 1.2 binding namespace (recognised so it can be skipped with a clear reason).
pub const SOAP12: &str = "http://schemas.xmlsoap.org/wsdl/soap12/";

/// Most schema documents one WSDL may pull in through `xs:import`/`xs:include`.
const MAX_DOCUMENTS: usize = 256;
/// Deepest nesting of declarations (anonymous types inside elements inside types...).
const MAX_NESTING: usize = 256;
/// Most nodes in one document: bounds memory on hostile input.
const MAX_NODES: u32 = 4_000_000;

/// A namespace-qualified name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QName {
    /// Namespace URI, `None` for no namespace.
    pub ns: Option<String>,
    /// Local part.
    pub local: String,
}

impl std::fmt::Display for QName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.ns {
            Some(ns) => write!(f, "{{{ns}}}{}", self.local),
            None => f.write_str(&self.local),
        }
    }
}

/// Everything read from the WSDL and its schemas, not yet linked together.
#[derive(Debug, Default)]
pub struct RawDefs {
    /// The WSDL file.
    pub wsdl_file: PathBuf,
    /// `targetNamespace` of `wsdl:definitions`.
    pub target_ns: Option<String>,
    /// Named simple types.
    pub simple_types: Vec<RawSimpleType>,
    /// Named complex types.
    pub complex_types: Vec<RawComplexType>,
    /// Global elements.
    pub elements: Vec<RawGlobalElement>,
    /// `wsdl:message`s.
    pub messages: Vec<RawMessage>,
    /// `wsdl:portType`s.
    pub port_types: Vec<RawPortType>,
    /// SOAP 1.1 `wsdl:binding`s.
    pub bindings: Vec<RawBinding>,
    /// `wsdl:service`s.
    pub services: Vec<RawService>,
    /// Every schema namespace, in order of first appearance.
    pub schema_namespaces: Vec<String>,
}

/// `xs:simpleType` with a `restriction`.
#[derive(Debug, Clone)]
pub struct RawSimpleType {
    pub name: QName,
    pub base: QName,
    pub base_loc: Location,
    pub enumerations: Vec<(String, Doc)>,
    pub doc: Doc,
    pub loc: Location,
}

/// `xs:complexType` with a sequence, possibly extending a base.
#[derive(Debug, Clone)]
pub struct RawComplexType {
    pub name: QName,
    pub is_abstract: bool,
    pub base: Option<(QName, Location)>,
    /// The base is restricted (its content restated), not extended.
    pub restriction: bool,
    pub elements: Vec<RawLocalElement>,
    pub doc: Doc,
    pub loc: Location,
}

/// The type of an element: named, or declared inline.
#[derive(Debug, Clone)]
pub enum RawType {
    Named(QName, Location),
    AnonComplex(Box<RawComplexType>),
    AnonSimple(Box<RawSimpleType>),
}

/// An element inside a sequence.
#[derive(Debug, Clone)]
pub struct RawLocalElement {
    /// Local name (for a `ref`, the referenced element's).
    pub name: String,
    /// Namespace when the element is qualified, `None` when unqualified.
    pub namespace: Option<String>,
    /// Declared type; `None` for a `ref` (taken from the referenced global element).
    pub ty: Option<RawType>,
    /// `ref="..."` target.
    pub reference: Option<QName>,
    pub min: u32,
    pub max: Option<u32>,
    pub nillable: bool,
    pub doc: Doc,
    pub loc: Location,
    /// An `xs:any` wildcard (named `any`, typed as raw XML).
    pub wildcard: bool,
    /// An `xs:attribute` (min 1 when `use="required"`), not an element.
    pub attribute: bool,
}

/// A top-level `xs:element`.
#[derive(Debug, Clone)]
pub struct RawGlobalElement {
    pub name: QName,
    pub ty: RawType,
    pub nillable: bool,
    pub doc: Doc,
    pub loc: Location,
}

/// A `wsdl:message` and its parts.
#[derive(Debug, Clone)]
pub struct RawMessage {
    pub name: QName,
    pub parts: Vec<RawPart>,
    pub loc: Location,
}

/// A `wsdl:part`.
#[derive(Debug, Clone)]
pub struct RawPart {
    pub name: String,
    pub element: Option<QName>,
    pub loc: Location,
}

/// A `wsdl:portType`.
#[derive(Debug, Clone)]
pub struct RawPortType {
    pub name: QName,
    pub doc: Doc,
    pub operations: Vec<RawPortOperation>,
}

/// An abstract operation.
#[derive(Debug, Clone)]
pub struct RawPortOperation {
    pub name: String,
    pub doc: Doc,
    pub input: Option<(QName, Location)>,
    pub output: Option<(QName, Location)>,
    pub loc: Location,
}

/// A SOAP 1.1 `wsdl:binding`.
#[derive(Debug, Clone)]
pub struct RawBinding {
    pub name: QName,
    pub port_type: QName,
    pub operations: Vec<RawBindingOperation>,
    pub loc: Location,
}

/// One operation of a binding.
#[derive(Debug, Clone)]
pub struct RawBindingOperation {
    pub name: String,
    pub soap_action: Option<String>,
    pub input: RawBindingIo,
    pub output: RawBindingIo,
    pub loc: Location,
}

/// `soap:body` and `soap:header`s of a binding operation's input or output.
#[derive(Debug, Clone, Default)]
pub struct RawBindingIo {
    /// `parts="..."` of `soap:body`, when given.
    pub body_parts: Option<Vec<String>>,
    pub headers: Vec<RawHeader>,
}

/// A `soap:header`.
#[derive(Debug, Clone)]
pub struct RawHeader {
    pub message: QName,
    pub part: String,
    pub loc: Location,
}

/// A `wsdl:service`.
#[derive(Debug, Clone)]
pub struct RawService {
    pub name: String,
    pub doc: Doc,
    pub ports: Vec<RawPort>,
}

/// A `wsdl:port` with a SOAP 1.1 address.
#[derive(Debug, Clone)]
pub struct RawPort {
    pub name: String,
    pub binding: QName,
    pub address: Option<String>,
}

/// Reads `wsdl` and every schema it includes or imports by relative `schemaLocation`.
pub fn parse(wsdl: &Path) -> Result<RawDefs> {
    let mut defs = RawDefs {
        wsdl_file: wsdl.to_path_buf(),
        ..RawDefs::default()
    };
    let mut loader = Loader::default();
    let text = loader.read(wsdl)?;
    let doc = parse_xml(wsdl, &text)?;
    let ctx = Ctx::new(wsdl, &doc, &text);
    let root = doc.root_element();
    if !is(root, WSDL, "definitions") {
        return Err(Error::Invalid {
            location: ctx.loc(root),
            message: format!(
                "the root element is `{}`, expected wsdl:definitions ({WSDL})",
                root.tag_name().name()
            ),
        });
    }
    defs.target_ns = root.attribute("targetNamespace").map(str::to_owned);
    let mut pending = Vec::new();
    for child in root.children().filter(Node::is_element) {
        match (child.tag_name().namespace(), child.tag_name().name()) {
            (Some(WSDL), "types") => {
                for schema in child.children().filter(Node::is_element) {
                    if is(schema, XS, "schema") {
                        read_schema(&ctx, schema, &mut defs, &mut pending)?;
                    } else {
                        return Err(unsupported(
                            &ctx,
                            schema,
                            "a types child other than xs:schema",
                        ));
                    }
                }
            }
            (Some(WSDL), "message") => defs.messages.push(read_message(&ctx, child)?),
            (Some(WSDL), "portType") => defs.port_types.push(read_port_type(&ctx, child)?),
            (Some(WSDL), "binding") => {
                if let Some(binding) = read_binding(&ctx, child)? {
                    defs.bindings.push(binding);
                }
            }
            (Some(WSDL), "service") => defs.services.push(read_service(&ctx, child)?),
            (Some(WSDL), "import") => {
                return Err(unsupported(
                    &ctx,
                    child,
                    "wsdl:import (merge the imported WSDL into one file)",
                ));
            }
            (Some(WSDL), "documentation") => {}
            _ => {}
        }
    }
    // Schemas pulled in by xs:import / xs:include, breadth first, each file once.
    while let Some(path) = pending.pop() {
        if !loader.first_visit(&path)? {
            continue;
        }
        let text = loader.read(&path)?;
        let doc = parse_xml(&path, &text)?;
        let ctx = Ctx::new(&path, &doc, &text);
        let root = doc.root_element();
        if !is(root, XS, "schema") {
            return Err(Error::Invalid {
                location: ctx.loc(root),
                message: "an imported or included document must be an xs:schema".into(),
            });
        }
        read_schema(&ctx, root, &mut defs, &mut pending)?;
    }
    Ok(defs)
}

#[derive(Default)]
struct Loader {
    seen: HashSet<PathBuf>,
}

impl Loader {
    fn read(&mut self, path: &Path) -> Result<String> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        String::from_utf8(bytes).map_err(|e| Error::Xml {
            path: path.to_path_buf(),
            message: format!(
                "not UTF-8 (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        })
    }

    fn first_visit(&mut self, path: &Path) -> Result<bool> {
        let canonical = path.canonicalize().map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if self.seen.len() >= MAX_DOCUMENTS {
            return Err(Error::Xml {
                path: path.to_path_buf(),
                message: format!("more than {MAX_DOCUMENTS} schema documents imported"),
            });
        }
        Ok(self.seen.insert(canonical))
    }
}

fn parse_xml<'t>(path: &Path, text: &'t str) -> Result<Document<'t>> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, options).map_err(|e| {
        let pos = e.pos();
        Error::Xml {
            path: path.to_path_buf(),
            message: format!("{e} (line {}, column {})", pos.row, pos.col),
        }
    })
}

/// The document being read, for locations.
struct Ctx<'a, 'input> {
    file: &'a Path,
    doc: &'a Document<'input>,
    /// Byte offset of the start of each line, for positions in O(log n).
    line_starts: Vec<usize>,
}

impl<'a, 'input> Ctx<'a, 'input> {
    fn new(file: &'a Path, doc: &'a Document<'input>, text: &str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Ctx {
            file,
            doc,
            line_starts,
        }
    }

    fn loc(&self, node: Node) -> Location {
        let offset = node.range().start;
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self.line_starts[line - 1];
        let column = self.doc.input_text()[line_start..offset].chars().count() + 1;
        Location {
            file: self.file.to_path_buf(),
            line: line as u32,
            column: column as u32,
        }
    }

    /// Resolves a QName-valued attribute against the namespaces in scope at `node`.
    fn qname_attr(&self, node: Node, attr: &str) -> Result<Option<QName>> {
        let Some(value) = node.attribute(attr) else {
            return Ok(None);
        };
        let value = value.trim();
        let (prefix, local) = match value.split_once(':') {
            Some((p, l)) => (Some(p), l),
            None => (None, value),
        };
        let ns = node.lookup_namespace_uri(prefix).map(str::to_owned);
        if ns.is_none() && prefix.is_some() {
            return Err(Error::Invalid {
                location: self.loc(node),
                message: format!(
                    "attribute {attr}=\"{value}\" uses the undeclared prefix `{}`",
                    prefix.unwrap_or_default()
                ),
            });
        }
        if local.is_empty() {
            return Err(Error::Invalid {
                location: self.loc(node),
                message: format!("attribute {attr} is empty"),
            });
        }
        Ok(Some(QName {
            ns,
            local: local.to_owned(),
        }))
    }

    fn required_attr<'n>(&self, node: Node<'n, '_>, attr: &str) -> Result<&'n str> {
        node.attribute(attr).ok_or_else(|| Error::Invalid {
            location: self.loc(node),
            message: format!("<{}> has no `{attr}` attribute", node.tag_name().name()),
        })
    }

    /// The `name` attribute, which must be an XML NCName (it becomes an element or type name).
    fn name_attr<'n>(&self, node: Node<'n, '_>) -> Result<&'n str> {
        let name = self.required_attr(node, "name")?;
        if !is_ncname(name) {
            return Err(Error::Invalid {
                location: self.loc(node),
                message: format!("name {name:?} is not an XML name (NCName)"),
            });
        }
        Ok(name)
    }
}

/// An XML NCName: a name without a colon (approximated with Unicode identifier classes).
pub fn is_ncname(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || unicode_ident::is_xid_start(c))
        && chars.all(|c| matches!(c, '-' | '.' | '_') || unicode_ident::is_xid_continue(c))
}

fn is(node: Node, ns: &str, local: &str) -> bool {
    node.tag_name().namespace() == Some(ns) && node.tag_name().name() == local
}

fn unsupported(ctx: &Ctx, node: Node, construct: &str) -> Error {
    let name = node.tag_name();
    let prefix = match name.namespace() {
        Some(XS) => "xs:",
        Some(WSDL) => "wsdl:",
        _ => "",
    };
    Error::Unsupported {
        location: ctx.loc(node),
        construct: format!("{prefix}{}", name.name()),
        hint: format!("{construct} is not supported by mktows-codegen"),
    }
}

fn read_schema(
    ctx: &Ctx,
    schema: Node,
    defs: &mut RawDefs,
    pending: &mut Vec<PathBuf>,
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
            "import" | "include" => {
                if let Some(location) = child.attribute("schemaLocation") {
                    if location.contains("://") {
                        return Err(Error::Unsupported {
                            location: ctx.loc(child),
                            construct: format!("xs:{} schemaLocation=\"{location}\"", child.tag_name().name()),
                            hint: "remote schemas are never fetched at build time; save the schema next to the WSDL and use a relative path".into(),
                        });
                    }
                    let base = ctx.file.parent().unwrap_or(Path::new("."));
                    pending.push(base.join(location));
                }
            }
            "annotation" => {}
            _ => return Err(unsupported(ctx, child, "this schema-level declaration")),
        }
    }
    Ok(())
}

struct SchemaCtx<'a> {
    tns: Option<&'a str>,
    qualified: bool,
    attributes_qualified: bool,
}

impl SchemaCtx<'_> {
    fn global_name(&self, ctx: &Ctx, node: Node) -> Result<QName> {
        Ok(QName {
            ns: self.tns.map(str::to_owned),
            local: ctx.name_attr(node)?.to_owned(),
        })
    }
}

fn read_simple_type(ctx: &Ctx, node: Node, name: QName) -> Result<RawSimpleType> {
    let mut restriction = None;
    for child in node.children().filter(Node::is_element) {
        match (child.tag_name().namespace(), child.tag_name().name()) {
            (Some(XS), "restriction") => restriction = Some(child),
            (Some(XS), "annotation") => {}
            _ => {
                return Err(unsupported(
                    ctx,
                    child,
                    "a simple type other than a restriction",
                ));
            }
        }
    }
    let Some(restriction) = restriction else {
        return Err(Error::Invalid {
            location: ctx.loc(node),
            message: format!("simple type `{}` has no xs:restriction", name.local),
        });
    };
    let Some(base) = ctx.qname_attr(restriction, "base")? else {
        return Err(unsupported(
            ctx,
            restriction,
            "a restriction without a `base` attribute",
        ));
    };
    let mut enumerations = Vec::new();
    for facet in restriction.children().filter(Node::is_element) {
        if facet.tag_name().namespace() != Some(XS) {
            return Err(unsupported(
                ctx,
                facet,
                "a foreign element in xs:restriction",
            ));
        }
        match facet.tag_name().name() {
            "enumeration" => {
                let value = ctx.required_attr(facet, "value")?.to_owned();
                enumerations.push((value, doc_for(facet)));
            }
            "simpleType" => {
                return Err(unsupported(
                    ctx,
                    facet,
                    "an inline base type in a restriction",
                ));
            }
            // Other facets constrain values without changing their Rust type.
            _ => {}
        }
    }
    Ok(RawSimpleType {
        name,
        base,
        base_loc: ctx.loc(restriction),
        enumerations,
        doc: doc_for(node),
        loc: ctx.loc(node),
    })
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
    if node.attribute("mixed") == Some("true") {
        return Err(unsupported(ctx, node, "mixed content"));
    }
    let mut ty = RawComplexType {
        name,
        is_abstract: matches!(node.attribute("abstract"), Some("true" | "1")),
        base: None,
        restriction: false,
        elements: Vec::new(),
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
            "sequence" => read_sequence(ctx, schema, child, &mut ty.elements)?,
            "attribute" => ty.elements.push(read_attribute(ctx, schema, child)?),
            "complexContent" => {
                if child.attribute("mixed") == Some("true") {
                    return Err(unsupported(ctx, child, "mixed content"));
                }
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
                            // inherited. One of xs:anyType is a plain complex type.
                            ty.restriction = kind == "restriction";
                            if base.ns.as_deref() != Some(XS) || base.local != "anyType" {
                                ty.base = Some((base, ctx.loc(content)));
                            }
                            for part in content.children().filter(Node::is_element) {
                                match (part.tag_name().namespace(), part.tag_name().name()) {
                                    (Some(XS), "sequence") => {
                                        read_sequence(ctx, schema, part, &mut ty.elements)?
                                    }
                                    (Some(XS), "attribute") => {
                                        ty.elements.push(read_attribute(ctx, schema, part)?)
                                    }
                                    (Some(XS), "annotation") => {}
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
                            return Err(unsupported(ctx, content, "this complexContent child"));
                        }
                    }
                }
            }
            _ => {
                return Err(unsupported(
                    ctx,
                    child,
                    "this complex type content (only xs:sequence and xs:complexContent/xs:extension are)",
                ));
            }
        }
    }
    Ok(ty)
}

fn read_sequence(
    ctx: &Ctx,
    schema: &SchemaCtx,
    seq: Node,
    out: &mut Vec<RawLocalElement>,
) -> Result<()> {
    let (min, max) = occurs(ctx, seq)?;
    if min != 1 || max != Some(1) {
        return Err(unsupported(
            ctx,
            seq,
            "a sequence with minOccurs/maxOccurs other than 1",
        ));
    }
    for child in seq.children().filter(Node::is_element) {
        match (child.tag_name().namespace(), child.tag_name().name()) {
            (Some(XS), "element") => out.push(read_local_element(ctx, schema, child)?),
            (Some(XS), "any") => {
                let (min, max) = occurs(ctx, child)?;
                out.push(RawLocalElement {
                    name: "any".into(),
                    namespace: None,
                    ty: Some(RawType::Named(any_type("anyElement"), ctx.loc(child))),
                    reference: None,
                    min,
                    max,
                    nillable: false,
                    doc: doc_for(child),
                    loc: ctx.loc(child),
                    wildcard: true,
                    attribute: false,
                });
            }
            (Some(XS), "annotation") => {}
            _ => {
                return Err(unsupported(
                    ctx,
                    child,
                    "this sequence particle (only xs:element is)",
                ));
            }
        }
    }
    Ok(())
}

/// `xs:anyType`, or `anyElement`: the type the generator gives an `xs:any` wildcard (an XML
/// Schema name no schema can declare, mapped to raw XML).
fn any_type(local: &str) -> QName {
    QName {
        ns: Some(XS.to_owned()),
        local: local.to_owned(),
    }
}

fn occurs(ctx: &Ctx, node: Node) -> Result<(u32, Option<u32>)> {
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

fn read_local_element(ctx: &Ctx, schema: &SchemaCtx, node: Node) -> Result<RawLocalElement> {
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
    })
}

/// An `xs:attribute` of a complex type, as a field that is not an element.
fn read_attribute(ctx: &Ctx, schema: &SchemaCtx, node: Node) -> Result<RawLocalElement> {
    let loc = ctx.loc(node);
    if node.attribute("ref").is_some() {
        return Err(unsupported(ctx, node, "an attribute reference (`ref`)"));
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
    })
}

fn read_global_element(ctx: &Ctx, schema: &SchemaCtx, node: Node) -> Result<RawGlobalElement> {
    reject_element_extras(ctx, node)?;
    let name = schema.global_name(ctx, node)?;
    let ty = element_type(ctx, schema, node, &name)?
        .unwrap_or_else(|| RawType::Named(any_type("anyType"), ctx.loc(node)));
    Ok(RawGlobalElement {
        name,
        ty,
        nillable: nillable(node),
        doc: doc_for(node),
        loc: ctx.loc(node),
    })
}

fn definition_name(ctx: &Ctx, node: Node) -> Result<QName> {
    Ok(QName {
        ns: node
            .ancestors()
            .find(|n| is(*n, WSDL, "definitions"))
            .and_then(|d| d.attribute("targetNamespace"))
            .map(str::to_owned),
        local: ctx.required_attr(node, "name")?.to_owned(),
    })
}

fn read_message(ctx: &Ctx, node: Node) -> Result<RawMessage> {
    let mut parts = Vec::new();
    for part in node.children().filter(|n| is(*n, WSDL, "part")) {
        if part.attribute("type").is_some() {
            return Err(Error::Unsupported {
                location: ctx.loc(part),
                construct: "wsdl:part type=".into(),
                hint: "only document/literal parts that name an element are supported".into(),
            });
        }
        parts.push(RawPart {
            name: ctx.required_attr(part, "name")?.to_owned(),
            element: ctx.qname_attr(part, "element")?,
            loc: ctx.loc(part),
        });
    }
    Ok(RawMessage {
        name: definition_name(ctx, node)?,
        parts,
        loc: ctx.loc(node),
    })
}

fn read_port_type(ctx: &Ctx, node: Node) -> Result<RawPortType> {
    let mut operations = Vec::new();
    for op in node.children().filter(|n| is(*n, WSDL, "operation")) {
        let mut input = None;
        let mut output = None;
        for io in op.children().filter(Node::is_element) {
            let message = || -> Result<Option<(QName, Location)>> {
                Ok(ctx.qname_attr(io, "message")?.map(|m| (m, ctx.loc(io))))
            };
            match (io.tag_name().namespace(), io.tag_name().name()) {
                (Some(WSDL), "input") => input = message()?,
                (Some(WSDL), "output") => output = message()?,
                _ => {}
            }
        }
        operations.push(RawPortOperation {
            name: ctx.required_attr(op, "name")?.to_owned(),
            doc: doc_for(op),
            input,
            output,
            loc: ctx.loc(op),
        });
    }
    Ok(RawPortType {
        name: definition_name(ctx, node)?,
        doc: doc_for(node),
        operations,
    })
}

/// Reads a binding; `None` for a binding that is not SOAP 1.1 (skipped).
fn read_binding(ctx: &Ctx, node: Node) -> Result<Option<RawBinding>> {
    let soap = node
        .children()
        .find(|n| n.tag_name().name() == "binding" && n.is_element());
    match soap.and_then(|n| n.tag_name().namespace()) {
        Some(SOAP11) => {}
        // A SOAP 1.2 or HTTP binding next to the SOAP 1.1 one is skipped.
        _ => return Ok(None),
    }
    let soap = soap.expect("checked above");
    if soap.attribute("style").is_some_and(|s| s != "document") {
        return Err(Error::Unsupported {
            location: ctx.loc(soap),
            construct: "soap:binding style=\"rpc\"".into(),
            hint: "only document/literal bindings are supported".into(),
        });
    }
    let Some(port_type) = ctx.qname_attr(node, "type")? else {
        return Err(Error::Invalid {
            location: ctx.loc(node),
            message: "wsdl:binding has no `type`".into(),
        });
    };
    let mut operations = Vec::new();
    for op in node.children().filter(|n| is(*n, WSDL, "operation")) {
        let mut soap_action = None;
        let mut input = RawBindingIo::default();
        let mut output = RawBindingIo::default();
        for child in op.children().filter(Node::is_element) {
            match (child.tag_name().namespace(), child.tag_name().name()) {
                (Some(SOAP11), "operation") => {
                    if child.attribute("style").is_some_and(|s| s != "document") {
                        return Err(Error::Unsupported {
                            location: ctx.loc(child),
                            construct: "soap:operation style=\"rpc\"".into(),
                            hint: "only document/literal operations are supported".into(),
                        });
                    }
                    soap_action = child.attribute("soapAction").map(str::to_owned);
                }
                (Some(WSDL), "input") => input = read_binding_io(ctx, child)?,
                (Some(WSDL), "output") => output = read_binding_io(ctx, child)?,
                _ => {}
            }
        }
        operations.push(RawBindingOperation {
            name: ctx.required_attr(op, "name")?.to_owned(),
            soap_action,
            input,
            output,
            loc: ctx.loc(op),
        });
    }
    Ok(Some(RawBinding {
        name: definition_name(ctx, node)?,
        port_type,
        operations,
        loc: ctx.loc(node),
    }))
}

fn read_binding_io(ctx: &Ctx, node: Node) -> Result<RawBindingIo> {
    let mut io = RawBindingIo::default();
    for child in node.children().filter(Node::is_element) {
        if child.tag_name().namespace() != Some(SOAP11) {
            continue;
        }
        if child.attribute("use").is_some_and(|u| u != "literal") {
            return Err(Error::Unsupported {
                location: ctx.loc(child),
                construct: format!("soap:{} use=\"encoded\"", child.tag_name().name()),
                hint: "only literal use is supported".into(),
            });
        }
        match child.tag_name().name() {
            "body" => {
                io.body_parts = child
                    .attribute("parts")
                    .map(|p| p.split_whitespace().map(str::to_owned).collect());
            }
            "header" => {
                let Some(message) = ctx.qname_attr(child, "message")? else {
                    return Err(Error::Invalid {
                        location: ctx.loc(child),
                        message: "soap:header has no `message`".into(),
                    });
                };
                io.headers.push(RawHeader {
                    message,
                    part: ctx.required_attr(child, "part")?.to_owned(),
                    loc: ctx.loc(child),
                });
            }
            _ => {}
        }
    }
    Ok(io)
}

fn read_service(ctx: &Ctx, node: Node) -> Result<RawService> {
    let mut ports = Vec::new();
    for port in node.children().filter(|n| is(*n, WSDL, "port")) {
        let Some(binding) = ctx.qname_attr(port, "binding")? else {
            return Err(Error::Invalid {
                location: ctx.loc(port),
                message: "wsdl:port has no `binding`".into(),
            });
        };
        let address = port
            .children()
            .find(|n| is(*n, SOAP11, "address"))
            .and_then(|a| a.attribute("location"))
            .map(str::to_owned);
        ports.push(RawPort {
            name: ctx.required_attr(port, "name")?.to_owned(),
            binding,
            address,
        });
    }
    Ok(RawService {
        name: ctx.required_attr(node, "name")?.to_owned(),
        doc: doc_for(node),
        ports,
    })
}
