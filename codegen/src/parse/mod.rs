//! Stage 1, parse: read the WSDL and every schema it pulls in (roxmltree) into owned "raw"
//! definitions ([`RawDefs`]), each with its [`Location`] (file, line, column).
//!
//! Reading: DTDs are refused and the node count of a document is bounded. Besides the WSDL,
//! every document it pulls in is read, each file once and at most 256 in all: by
//! `wsdl:import` (a WSDL, whose definitions join the main one's, or a schema), and by
//! `xs:import`/`xs:include` (where a location leads is `locate.rs`'s business: never the
//! network). Declarations nest at most 256 levels deep, so the recursion through them is
//! bounded.
//!
//! QNames are resolved here, by namespace URI against the namespace declarations in scope at
//! the node that uses them, never by prefix spelling, so later stages never look at a prefix.
//!
//! One job per submodule: `schema.rs` types and elements, `simple.rs` simple types,
//! `attributes.rs` attributes, `particles.rs` model groups, `rpc.rs` rpc wrapper elements,
//! `encoded.rs` SOAP encoding, `raw.rs` the raw definitions, `locate.rs` where an imported
//! document is.
//!
//! Unsupported constructs (`xs:any` in a choice or a repeated sequence, `xs:redefine`, a
//! remote location no schema manifest lists, ...) stop generation here with
//! [`Error::Unsupported`] naming file:line:column.

// Raw definitions mirror the XML one to one; their fields are named after the attributes they hold.
#![allow(missing_docs)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use roxmltree::{Document, Node, ParsingOptions};

use crate::docs::doc_for;
use crate::error::{Error, Location, Result};
use crate::soap_version::SoapVersion;

/// XML Schema namespace.
pub const XS: &str = "http://www.w3.org/2001/XMLSchema";
/// WSDL 1.1 namespace.
pub const WSDL: &str = "http://schemas.xmlsoap.org/wsdl/";
/// WSDL 1.1 SOAP 1.1 binding namespace.
pub const SOAP11: &str = "http://schemas.xmlsoap.org/wsdl/soap/";
/// WSDL 1.1 SOAP 1.2 binding namespace (recognised so it can be skipped with a clear reason).
pub const SOAP12: &str = "http://schemas.xmlsoap.org/wsdl/soap12/";

/// Most documents one WSDL may pull in through `wsdl:import`/`xs:import`/`xs:include`.
const MAX_DOCUMENTS: usize = 256;
/// Deepest nesting of declarations (anonymous types inside elements inside types...).
const MAX_NESTING: usize = 256;
/// Most nodes in one document: bounds memory on hostile input.
const MAX_NODES: u32 = 4_000_000;

mod attributes;
mod encoded;
mod locate;
mod particles;
mod raw;
mod rpc;
mod schema;
mod simple;

use locate::{Kind, Locator, Pending, locate};

pub use encoded::SOAP_ENCODING;
pub use raw::*;
use schema::read_schema;

/// Reads `wsdl` and every document it pulls in by relative location (`wsdl:import`,
/// `xs:import`, `xs:include`); remote locations only through a schema manifest beside it.
pub fn parse(wsdl: &Path) -> Result<RawDefs> {
    parse_with_manifest(wsdl, None)
}

/// Like [`parse`], resolving remote locations through the schema manifest at `manifest`
/// (see [`crate::manifest`]) instead of one found beside the WSDL.
pub fn parse_with_manifest(wsdl: &Path, manifest: Option<&Path>) -> Result<RawDefs> {
    let mut defs = RawDefs {
        wsdl_file: wsdl.to_path_buf(),
        ..RawDefs::default()
    };
    let locator = Locator::new(wsdl, manifest);
    let mut loader = Loader::default();
    loader.first_visit(wsdl)?;
    let text = loader.read(wsdl)?;
    let doc = parse_xml(wsdl, &text)?;
    let ctx = Ctx::new(wsdl, None, &locator, &doc, &text);
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
    read_definitions(&ctx, root, &mut defs, &mut pending)?;
    // Documents pulled in by wsdl:import, xs:import and xs:include, each file once.
    while let Some(next) = pending.pop() {
        if !loader.first_visit(&next.file)? {
            continue;
        }
        let text = loader.read(&next.file)?;
        let doc = parse_xml(&next.file, &text)?;
        let ctx = Ctx::new(&next.file, next.url.as_deref(), &locator, &doc, &text);
        let root = doc.root_element();
        if is(root, XS, "schema") {
            read_schema(&ctx, root, &mut defs, &mut pending)?;
        } else if next.kind == Kind::Wsdl && is(root, WSDL, "definitions") {
            read_definitions(&ctx, root, &mut defs, &mut pending)?;
        } else {
            return Err(Error::Invalid {
                location: ctx.loc(root),
                message: match next.kind {
                    Kind::Schema => "an imported or included document must be an xs:schema".into(),
                    Kind::Wsdl => {
                        "a document wsdl:import names must be a wsdl:definitions or an xs:schema"
                            .into()
                    }
                },
            });
        }
    }
    particles::expand_group_references(&mut defs)?;
    rpc::add_wrappers(&mut defs)?;
    Ok(defs)
}

/// The children of one `wsdl:definitions` (the main WSDL's or an imported one's).
fn read_definitions(
    ctx: &Ctx,
    root: Node,
    defs: &mut RawDefs,
    pending: &mut Vec<Pending>,
) -> Result<()> {
    for child in root.children().filter(Node::is_element) {
        match (child.tag_name().namespace(), child.tag_name().name()) {
            (Some(WSDL), "types") => {
                for schema in child.children().filter(Node::is_element) {
                    if is(schema, XS, "schema") {
                        read_schema(ctx, schema, defs, pending)?;
                    } else if !is(schema, WSDL, "documentation") {
                        return Err(unsupported(
                            ctx,
                            schema,
                            "a types child other than xs:schema",
                        ));
                    }
                }
            }
            (Some(WSDL), "message") => defs.messages.push(read_message(ctx, child)?),
            (Some(WSDL), "portType") => defs.port_types.push(read_port_type(ctx, child)?),
            (Some(WSDL), "binding") => {
                if let Some(binding) = read_binding(ctx, child)? {
                    defs.bindings.push(binding);
                }
            }
            (Some(WSDL), "service") => defs.services.push(read_service(ctx, child)?),
            (Some(WSDL), "import") => {
                let location = ctx.required_attr(child, "location")?;
                pending.push(locate(
                    ctx,
                    child,
                    location,
                    "wsdl:import location",
                    Kind::Wsdl,
                )?);
            }
            _ => {}
        }
    }
    Ok(())
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
                message: format!("more than {MAX_DOCUMENTS} documents imported"),
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
    /// The absolute URL the document was named by, when it is a manifest's copy of a remote
    /// document: the base of its relative locations.
    url: Option<&'a str>,
    locator: &'a Locator,
    doc: &'a Document<'input>,
    /// Byte offset of the start of each line, for positions in O(log n).
    line_starts: Vec<usize>,
}

impl<'a, 'input> Ctx<'a, 'input> {
    fn new(
        file: &'a Path,
        url: Option<&'a str>,
        locator: &'a Locator,
        doc: &'a Document<'input>,
        text: &str,
    ) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Ctx {
            file,
            url,
            locator,
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
        match node.attribute(attr) {
            Some(value) => self.qname_value(node, attr, value).map(Some),
            None => Ok(None),
        }
    }

    /// Resolves one QName `value` of attribute `attr` (which may hold a list of them, as
    /// `memberTypes` does) against the namespaces in scope at `node`.
    fn qname_value(&self, node: Node, attr: &str, value: &str) -> Result<QName> {
        let value = value.trim();
        let (prefix, local) = match value.split_once(':') {
            Some((p, l)) => (Some(p), l),
            None => (None, value),
        };
        let ns = match prefix {
            // Bound in every document, declared in none.
            Some("xml") => Some("http://www.w3.org/XML/1998/namespace".to_owned()),
            _ => node.lookup_namespace_uri(prefix).map(str::to_owned),
        };
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
        Ok(QName {
            ns,
            local: local.to_owned(),
        })
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
        parts.push(RawPart {
            name: ctx.required_attr(part, "name")?.to_owned(),
            element: ctx.qname_attr(part, "element")?,
            ty: ctx.qname_attr(part, "type")?,
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

/// Reads a binding; `None` for a binding that is neither SOAP 1.1 nor 1.2 (an HTTP binding,
/// skipped).
fn read_binding(ctx: &Ctx, node: Node) -> Result<Option<RawBinding>> {
    let Some((soap, soap_ns, version)) = node
        .children()
        .filter(|n| n.is_element() && n.tag_name().name() == "binding")
        .find_map(|n| match n.tag_name().namespace() {
            Some(SOAP11) => Some((n, SOAP11, SoapVersion::Soap11)),
            Some(SOAP12) => Some((n, SOAP12, SoapVersion::Soap12)),
            _ => None,
        })
    else {
        return Ok(None);
    };
    let binding_rpc = rpc_style(ctx, soap)?.unwrap_or(false);
    let Some(port_type) = ctx.qname_attr(node, "type")? else {
        return Err(Error::Invalid {
            location: ctx.loc(node),
            message: "wsdl:binding has no `type`".into(),
        });
    };
    let mut operations = Vec::new();
    for op in node.children().filter(|n| is(*n, WSDL, "operation")) {
        let mut soap_action = None;
        let mut rpc = binding_rpc;
        let mut input = RawBindingIo::default();
        let mut output = RawBindingIo::default();
        for child in op.children().filter(Node::is_element) {
            match (child.tag_name().namespace(), child.tag_name().name()) {
                (Some(ns), "operation") if ns == soap_ns => {
                    rpc = rpc_style(ctx, child)?.unwrap_or(rpc);
                    soap_action = child.attribute("soapAction").map(str::to_owned);
                }
                (Some(WSDL), "input") => input = read_binding_io(ctx, child, soap_ns)?,
                (Some(WSDL), "output") => output = read_binding_io(ctx, child, soap_ns)?,
                _ => {}
            }
        }
        encoded::check_style(ctx, op, rpc, input.encoded || output.encoded)?;
        if version == SoapVersion::Soap12 && (input.encoded || output.encoded) {
            return Err(Error::Unsupported {
                location: ctx.loc(op),
                construct: "soap12:body use=\"encoded\"".into(),
                hint: "SOAP encoding is supported in SOAP 1.1 bindings only".into(),
            });
        }
        operations.push(RawBindingOperation {
            name: ctx.required_attr(op, "name")?.to_owned(),
            rpc,
            soap_action,
            input,
            output,
            loc: ctx.loc(op),
        });
    }
    Ok(Some(RawBinding {
        name: definition_name(ctx, node)?,
        soap: version,
        port_type,
        operations,
        loc: ctx.loc(node),
    }))
}

/// The `style` of a `soap:binding` or `soap:operation`: `Some(true)` for rpc, `None` when not
/// given.
fn rpc_style(ctx: &Ctx, node: Node) -> Result<Option<bool>> {
    match node.attribute("style") {
        None => Ok(None),
        Some("document") => Ok(Some(false)),
        Some("rpc") => Ok(Some(true)),
        Some(other) => Err(Error::Invalid {
            location: ctx.loc(node),
            message: format!("style=\"{other}\" is neither \"document\" nor \"rpc\""),
        }),
    }
}

/// The `soap:body` and `soap:header`s (in the binding's SOAP namespace `soap_ns`) of a binding
/// operation's input or output.
fn read_binding_io(ctx: &Ctx, node: Node, soap_ns: &str) -> Result<RawBindingIo> {
    let mut io = RawBindingIo::default();
    for child in node.children().filter(Node::is_element) {
        if child.tag_name().namespace() != Some(soap_ns) {
            continue;
        }
        let encoded = encoded::is_encoded(ctx, child)?;
        match child.tag_name().name() {
            "body" => {
                io.encoded = encoded;
                io.body_parts = child
                    .attribute("parts")
                    .map(|p| p.split_whitespace().map(str::to_owned).collect());
                io.namespace = child.attribute("namespace").map(str::to_owned);
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
            .find(|n| is(*n, SOAP11, "address") || is(*n, SOAP12, "address"))
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
