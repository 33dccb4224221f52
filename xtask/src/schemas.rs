//! The schema a WSDL's messages are judged by (`cargo xtask corpus`): its inline `xs:schema`s
//! written out as standalone `.xsd` files (the namespace declarations in scope copied onto
//! each, relative `schemaLocation`s made absolute), and an envelope schema (SOAP 1.1 or 1.2, as
//! the binding) importing every namespace, the file `xmllint --schema` is given; remote
//! locations resolve through the WSDL's schema manifest (its folder's `vendor.toml`) by an XML
//! catalog (`XML_CATALOG_FILES`); rpc operations' wrapper elements are declared in a schema of
//! their own per namespace (`schemas/rpc.rs`).
//!
//! - The inline schemas of the WSDLs it `wsdl:import`s are written out too (local files, or
//!   the manifest's saved copies of remote ones).
//! - Several inline schemas of one namespace are included by one wrapper file, since libxml2
//!   imports a namespace once.
//! - When a schema refers to the XML namespace (`xml:lang`, ...) without saying where its
//!   schema is, a small schema of its attributes is imported first.
//! - A WSDL that mentions the SOAP encoding namespace gets the generator's built-in schema of
//!   it ([`codegen::soap_encoding`], never fetched); the envelope schema always lets the Body
//!   carry `SOAP-ENV:encodingStyle`, as encoded requests do.
//!
//! A WSDL whose schemas import the envelope namespace themselves (ONVIF's use SOAP 1.2's
//! `Envelope` and `Fault` types) cannot have it declared a second time: its requests are judged
//! by their body element alone ([`Judged::Body`]), against a schema that only imports every
//! namespace, so the element is still validated strictly.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use codegen::model::SoapVersion;

pub mod narrow;
mod rpc;

const XS: &str = "http://www.w3.org/2001/XMLSchema";
const WSDL: &str = "http://schemas.xmlsoap.org/wsdl/";

/// The SOAP envelope (Envelope, Header, Body, Fault), body and header entries validated
/// strictly (a Body holds one element or none); `{env}` is replaced by the envelope namespace,
/// `{fault}` by that version's Fault content, `{imports}` by one `xs:import` per schema
/// namespace.
const ENVELOPE: &str = r###"<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:env="{env}"
           targetNamespace="{env}">
{imports}  <xs:element name="Envelope">
    <xs:complexType>
      <xs:sequence>
        <xs:element ref="env:Header" minOccurs="0"/>
        <xs:element ref="env:Body"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
  <xs:element name="Header">
    <xs:complexType>
      <xs:sequence>
        <xs:any namespace="##other" processContents="strict" minOccurs="0" maxOccurs="unbounded"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
  <xs:element name="Body">
    <xs:complexType>
      <xs:choice minOccurs="0">
        <xs:element ref="env:Fault"/>
        <xs:any namespace="##other" processContents="strict"/>
      </xs:choice>
      <xs:attribute ref="env:encodingStyle"/>
    </xs:complexType>
  </xs:element>
  <xs:attribute name="encodingStyle">
    <xs:simpleType>
      <xs:list itemType="xs:anyURI"/>
    </xs:simpleType>
  </xs:attribute>
{fault}</xs:schema>
"###;

/// SOAP 1.1's Fault (unqualified children).
const FAULT_11: &str = r###"  <xs:element name="Fault">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="faultcode" type="xs:QName"/>
        <xs:element name="faultstring" type="xs:string"/>
        <xs:element name="faultactor" type="xs:anyURI" minOccurs="0"/>
        <xs:element name="detail" minOccurs="0">
          <xs:complexType>
            <xs:sequence>
              <xs:any namespace="##any" processContents="lax" minOccurs="0" maxOccurs="unbounded"/>
            </xs:sequence>
          </xs:complexType>
        </xs:element>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
"###;

/// SOAP 1.2's Fault (qualified children, codes and subcodes as QNames).
const FAULT_12: &str = r###"  <xs:element name="Fault">
    <xs:complexType>
      <xs:sequence>
        <xs:element form="qualified" name="Code" type="env:faultcode"/>
        <xs:element form="qualified" name="Reason">
          <xs:complexType>
            <xs:sequence>
              <xs:element form="qualified" name="Text" maxOccurs="unbounded">
                <xs:complexType>
                  <xs:simpleContent>
                    <xs:extension base="xs:string">
                      <xs:anyAttribute namespace="http://www.w3.org/XML/1998/namespace" processContents="skip"/>
                    </xs:extension>
                  </xs:simpleContent>
                </xs:complexType>
              </xs:element>
            </xs:sequence>
          </xs:complexType>
        </xs:element>
        <xs:element form="qualified" name="Node" type="xs:anyURI" minOccurs="0"/>
        <xs:element form="qualified" name="Role" type="xs:anyURI" minOccurs="0"/>
        <xs:element form="qualified" name="Detail" minOccurs="0">
          <xs:complexType>
            <xs:sequence>
              <xs:any namespace="##any" processContents="lax" minOccurs="0" maxOccurs="unbounded"/>
            </xs:sequence>
          </xs:complexType>
        </xs:element>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
  <xs:complexType name="faultcode">
    <xs:sequence>
      <xs:element form="qualified" name="Value" type="xs:QName"/>
      <xs:element form="qualified" name="Subcode" type="env:faultcode" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>
"###;

/// The envelope namespace of SOAP `version`.
pub fn envelope_namespace(version: SoapVersion) -> &'static str {
    match version {
        SoapVersion::Soap11 => "http://schemas.xmlsoap.org/soap/envelope/",
        SoapVersion::Soap12 => "http://www.w3.org/2003/05/soap-envelope",
    }
}

/// The body element of the request `envelope` as a document of its own, with every namespace
/// declaration in scope on it: what [`Judged::Body`] validates (`None` for an empty Body).
pub fn body_document(envelope: &str) -> Result<Option<String>, String> {
    let doc = roxmltree::Document::parse(envelope).map_err(|e| e.to_string())?;
    let body = doc
        .root_element()
        .children()
        .find(|n| n.is_element() && n.tag_name().name() == "Body")
        .ok_or("no Body")?;
    let Some(element) = body.children().find(roxmltree::Node::is_element) else {
        return Ok(None);
    };
    let text = &envelope[element.range()];
    let name_end = text
        .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
        .ok_or("a malformed start tag")?;
    let start_tag = &text[..text.find('>').unwrap_or(text.len())];
    let mut declarations = String::new();
    for ns in element.namespaces() {
        let attribute = match ns.name() {
            Some(prefix) => format!("xmlns:{prefix}="),
            None => "xmlns=".to_owned(),
        };
        if ns.name() != Some("xml") && !start_tag.contains(&attribute) {
            let _ = write!(declarations, " {attribute}\"{}\"", escape(ns.uri()));
        }
    }
    Ok(Some(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}{declarations}{}",
        &text[..name_end],
        &text[name_end..]
    )))
}

/// The attributes of the XML namespace (`xml:lang`, ...), for schemas that import the
/// namespace without saying where its schema is.
const XML_NAMESPACE_SCHEMA: &str = r###"<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
           targetNamespace="http://www.w3.org/XML/1998/namespace">
  <xs:attribute name="lang" type="xs:language"/>
  <xs:attribute name="space">
    <xs:simpleType>
      <xs:restriction base="xs:NCName">
        <xs:enumeration value="default"/>
        <xs:enumeration value="preserve"/>
      </xs:restriction>
    </xs:simpleType>
  </xs:attribute>
  <xs:attribute name="base" type="xs:anyURI"/>
  <xs:attribute name="id" type="xs:ID"/>
</xs:schema>
"###;

/// The XML namespace (bound to `xml:` in every document).
const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

/// The SOAP 1.1 encoding namespace: rpc/encoded WSDLs import it without a location; its
/// schema is the generator's built-in copy ([`codegen::soap_encoding`]), never fetched.
const SOAP_ENCODING: &str = "http://schemas.xmlsoap.org/soap/encoding/";

/// What xmllint is given to judge a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judged {
    /// The whole envelope, against our envelope schema of the binding's SOAP version.
    Envelope(SoapVersion),
    /// The body element alone (see the module docs).
    Body,
}

/// Writes the inline schemas of `wsdl` (and of the WSDLs it `wsdl:import`s) and the schema
/// requests are `judged` by into `dir`; returns that schema's path. `dir/catalog.xml` is
/// written too: an
/// XML catalog mapping every remote location of the WSDL's schema manifest (see
/// [`codegen::manifest`]) to its saved copy, for `XML_CATALOG_FILES` (see [`catalog`]), so
/// xmllint resolves remote imports offline as the generator does.
pub fn write_schemas(wsdl: &Path, judged: Judged, dir: &Path) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let manifest = codegen::manifest::SchemaManifest::find_for(wsdl).map_err(|e| e.to_string())?;
    write_catalog(manifest.as_ref(), &catalog(dir))?;
    let mut found = write_inline_schemas(wsdl, manifest.as_ref(), dir)?;
    let locations = write_rpc_schemas(&mut found, dir)?;
    let imports = write_imports(wsdl, &found, &locations, dir)?;
    write_judging_schema(judged, &imports, dir)
}

/// What [`write_inline_schemas`] found across a WSDL and the documents it imports.
#[derive(Default)]
struct Found {
    /// Namespace → the schema files declaring it.
    by_namespace: BTreeMap<String, Vec<String>>,
    /// Some WSDL document mentions the XML namespace.
    mentions_xml: bool,
    /// Some WSDL document mentions the SOAP encoding namespace.
    mentions_encoding: bool,
    /// rpc operations' wrapper elements, from each WSDL document's bindings and messages.
    wrappers: Vec<rpc::Wrapper>,
}

/// Writes each inline schema of `wsdl` and of the WSDLs it `wsdl:import`s (local, or saved
/// copies from `manifest`) into `dir` as a standalone file; a schema imported directly is
/// referred to where it is.
fn write_inline_schemas(
    wsdl: &Path,
    manifest: Option<&codegen::manifest::SchemaManifest>,
    dir: &Path,
) -> Result<Found, String> {
    let mut found = Found::default();
    let mut queue = vec![wsdl.to_path_buf()];
    let mut seen = std::collections::HashSet::new();
    let mut count = 0;
    while let Some(wsdl) = queue.pop() {
        if !seen.insert(std::path::absolute(&wsdl).unwrap_or_else(|_| wsdl.clone())) {
            continue;
        }
        let text =
            std::fs::read_to_string(&wsdl).map_err(|e| format!("{}: {e}", wsdl.display()))?;
        found.mentions_xml |= text.contains(XML_NAMESPACE);
        found.mentions_encoding |= text.contains(SOAP_ENCODING);
        let doc = parse_document(&text, &wsdl)?;
        // Absolute: the written schemas live elsewhere, and xmllint resolves relative locations
        // against them.
        let base = base_dir(&wsdl)?;
        let base = base.as_path();
        let root = doc.root_element();
        if is(&root, XS, "schema") {
            // A schema a wsdl:import names: imported as it is.
            let ns = root.attribute("targetNamespace").unwrap_or("").to_owned();
            let file =
                std::path::absolute(&wsdl).map_err(|e| format!("{}: {e}", wsdl.display()))?;
            found
                .by_namespace
                .entry(ns)
                .or_default()
                .push(escape(&file.to_string_lossy()));
            continue;
        }
        found.wrappers.extend(rpc::wrappers(&doc));
        for import in root.children().filter(|n| is(n, WSDL, "import")) {
            let Some(location) = import.attribute("location") else {
                continue;
            };
            if codegen::manifest::is_remote(location) {
                if let Some(file) = manifest.and_then(|m| m.local_file(location)) {
                    queue.push(file.to_path_buf());
                }
            } else {
                queue.push(base.join(location));
            }
        }
        let schemas = root
            .children()
            .filter(|n| is(n, WSDL, "types"))
            .flat_map(|types| types.children().filter(|n| is(n, XS, "schema")));
        for schema in schemas {
            let file = format!("inline{count}.xsd");
            count += 1;
            let standalone = standalone_schema(&text, schema, base);
            std::fs::write(dir.join(&file), standalone).map_err(|e| format!("{file}: {e}"))?;
            let ns = schema.attribute("targetNamespace").unwrap_or("").to_owned();
            found.by_namespace.entry(ns).or_default().push(file);
        }
    }
    Ok(found)
}

/// Writes the rpc wrappers, one file per namespace (added to that namespace's schemas);
/// returns the location each namespace is imported from (its one file, or a wrapper including
/// several).
fn write_rpc_schemas(found: &mut Found, dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let mut rpc_files: BTreeMap<String, String> = BTreeMap::new();
    for (k, wrapper) in found.wrappers.iter().enumerate() {
        if !rpc_files.contains_key(&wrapper.namespace) {
            let file = format!("rpc{k}.xsd");
            found
                .by_namespace
                .entry(wrapper.namespace.clone())
                .or_default()
                .push(file.clone());
            rpc_files.insert(wrapper.namespace.clone(), file);
        }
    }
    let locations: BTreeMap<String, String> = found
        .by_namespace
        .iter()
        .enumerate()
        .map(|(k, (ns, files))| {
            let location = if files.len() == 1 {
                files[0].clone()
            } else {
                format!("namespace{k}.xsd")
            };
            (ns.clone(), location)
        })
        .collect();
    for (ns, file) in &rpc_files {
        let mine: Vec<&rpc::Wrapper> = found
            .wrappers
            .iter()
            .filter(|w| &w.namespace == ns)
            .collect();
        std::fs::write(dir.join(file), rpc::schema(ns, &mine, &locations))
            .map_err(|e| format!("{file}: {e}"))?;
    }
    Ok(locations)
}

/// The `xs:import`s of every namespace found (at `locations`), writing the XML and SOAP
/// encoding schemas when needed and the wrappers of namespaces with several schemas.
fn write_imports(
    wsdl: &Path,
    found: &Found,
    locations: &BTreeMap<String, String>,
    dir: &Path,
) -> Result<String, String> {
    let by_namespace = &found.by_namespace;
    let mut imports = String::new();
    // First, so a schema importing the XML namespace without a location finds it loaded.
    if !by_namespace.contains_key(XML_NAMESPACE)
        && (found.mentions_xml || mentions_xml_namespace(wsdl))
    {
        std::fs::write(dir.join("xml.xsd"), XML_NAMESPACE_SCHEMA)
            .map_err(|e| format!("xml.xsd: {e}"))?;
        let _ = writeln!(
            imports,
            "  <xs:import namespace=\"{XML_NAMESPACE}\" schemaLocation=\"xml.xsd\"/>"
        );
    }
    // Likewise first: the encoding namespace for the schemas that import it without a location.
    if !by_namespace.contains_key(SOAP_ENCODING) && found.mentions_encoding {
        std::fs::write(
            dir.join("soap-encoding.xsd"),
            codegen::soap_encoding::soap_encoding_schema(),
        )
        .map_err(|e| format!("soap-encoding.xsd: {e}"))?;
        let _ = writeln!(
            imports,
            "  <xs:import namespace=\"{SOAP_ENCODING}\" schemaLocation=\"soap-encoding.xsd\"/>"
        );
    }
    for (ns, files) in by_namespace {
        // libxml2 imports a namespace once: several inline schemas of one namespace are
        // included by one wrapper.
        let location = locations[ns].clone();
        if files.len() > 1 {
            let wrapper = &location;
            let mut body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xs:schema xmlns:xs=\"{XS}\" targetNamespace=\"{}\">\n",
                escape(ns)
            );
            for file in files {
                let _ = writeln!(body, "  <xs:include schemaLocation=\"{file}\"/>");
            }
            body.push_str("</xs:schema>\n");
            std::fs::write(dir.join(wrapper), body).map_err(|e| format!("{wrapper}: {e}"))?;
        }
        let namespace = if ns.is_empty() {
            String::new()
        } else {
            format!(" namespace=\"{}\"", escape(ns))
        };
        let _ = writeln!(
            imports,
            "  <xs:import{namespace} schemaLocation=\"{location}\"/>"
        );
    }
    Ok(imports)
}

/// Writes the schema requests are `judged` by, importing `imports`; returns its path.
fn write_judging_schema(judged: Judged, imports: &str, dir: &Path) -> Result<PathBuf, String> {
    let envelope = dir.join(match judged {
        Judged::Envelope(_) => "envelope.xsd",
        Judged::Body => "bodies.xsd",
    });
    let schema = match judged {
        Judged::Envelope(soap) => {
            let fault = match soap {
                SoapVersion::Soap11 => FAULT_11,
                SoapVersion::Soap12 => FAULT_12,
            };
            ENVELOPE
                .replace("{env}", envelope_namespace(soap))
                .replace("{fault}", fault)
                .replace("{imports}", imports)
        }
        Judged::Body => format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <xs:schema xmlns:xs=\"{XS}\" targetNamespace=\"urn:mktows:corpus:bodies\">\n\
             {imports}</xs:schema>\n"
        ),
    };
    std::fs::write(&envelope, schema).map_err(|e| format!("{}: {e}", envelope.display()))?;
    Ok(envelope)
}

/// Whether a schema file next to the WSDL (or below) refers to the XML namespace.
fn mentions_xml_namespace(wsdl: &Path) -> bool {
    let Some(dir) = wsdl.parent() else {
        return false;
    };
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "xsd")
                && std::fs::read_to_string(&path).is_ok_and(|t| t.contains(XML_NAMESPACE))
            {
                return true;
            }
        }
    }
    false
}

/// The XML catalog [`write_schemas`] writes into `dir`: give it to xmllint as
/// `XML_CATALOG_FILES`.
pub fn catalog(dir: &Path) -> PathBuf {
    dir.join("catalog.xml")
}

/// An XML catalog: each remote location of `manifest` → its saved copy (as `uri` and `system`
/// entries), then the system's catalog.
fn write_catalog(
    manifest: Option<&codegen::manifest::SchemaManifest>,
    path: &Path,
) -> Result<(), String> {
    let mut text = String::from(
        "<?xml version=\"1.0\"?>\n<catalog xmlns=\"urn:oasis:names:tc:entity:xmlns:xml:catalog\">\n",
    );
    for (url, file) in manifest.iter().flat_map(|m| m.remote_files()) {
        let file = std::path::absolute(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let uri = escape(&format!("file://{}", file.display()));
        let url = escape(url);
        let _ = writeln!(text, "  <uri name=\"{url}\" uri=\"{uri}\"/>");
        let _ = writeln!(text, "  <system systemId=\"{url}\" uri=\"{uri}\"/>");
    }
    if Path::new("/etc/xml/catalog").is_file() {
        text.push_str("  <nextCatalog catalog=\"/etc/xml/catalog\"/>\n");
    }
    text.push_str("</catalog>\n");
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn is(node: &roxmltree::Node, ns: &str, local: &str) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(ns) && node.tag_name().name() == local
}

/// The text of `schema` as a document of its own: namespace declarations in scope on the WSDL
/// copied onto it, relative `schemaLocation`s of its imports and includes made absolute.
fn standalone_schema(text: &str, schema: roxmltree::Node, base: &Path) -> String {
    let range = schema.range();
    // Absolute locations, replaced from the end so earlier offsets stay valid.
    let mut edits = absolute_locations(schema, base);
    edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut source = text[range.clone()].to_owned();
    for (r, value) in edits {
        source.replace_range(r.start - range.start..r.end - range.start, &value);
    }
    let open_end = source.find('>').unwrap_or(source.len());
    let start_tag = source[..open_end].to_owned();
    let mut declarations = String::new();
    for ns in schema.namespaces() {
        let attr = match ns.name() {
            Some(prefix) => format!("xmlns:{prefix}="),
            None => "xmlns=".to_owned(),
        };
        if !start_tag.contains(&attr) {
            let _ = write!(declarations, " {attr}\"{}\"", escape(ns.uri()));
        }
    }
    let name_end = start_tag
        .find(char::is_whitespace)
        .unwrap_or(start_tag.len());
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}{declarations}{}",
        &source[..name_end],
        &source[name_end..]
    )
}

/// An edit of a document's text: the byte range replaced, and what replaces it.
type Edit = (std::ops::Range<usize>, String);

/// Parses `text`, read from `path`, refusing DTDs.
fn parse_document<'a>(text: &'a str, path: &Path) -> Result<roxmltree::Document<'a>, String> {
    roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            allow_dtd: false,
            ..Default::default()
        },
    )
    .map_err(|e| format!("{}: {e}", path.display()))
}

/// The absolute directory of `file`, the base its relative locations resolve against.
fn base_dir(file: &Path) -> Result<PathBuf, String> {
    std::path::absolute(file.parent().unwrap_or(Path::new(".")))
        .map_err(|e| format!("{}: {e}", file.display()))
}

/// The edits making each relative `schemaLocation` of the imports, includes and redefines under
/// `node` absolute against `base` (the text is written somewhere else).
fn absolute_locations(node: roxmltree::Node, base: &Path) -> Vec<Edit> {
    node.descendants()
        .filter(|n| is(n, XS, "import") || is(n, XS, "include") || is(n, XS, "redefine"))
        .filter_map(|n| n.attributes().find(|a| a.name() == "schemaLocation"))
        .filter(|a| !a.value().contains("://"))
        .map(|a| {
            let absolute = base.join(a.value());
            (a.range_value(), escape(&absolute.to_string_lossy()))
        })
        .collect()
}

/// Escapes an attribute value.
fn escape(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_schemas_become_standalone_files() {
        let dir = std::env::temp_dir().join(format!("xtask-schemas-{}", std::process::id()));
        let wsdl = dir.join("in/s.wsdl");
        std::fs::create_dir_all(wsdl.parent().unwrap()).unwrap();
        std::fs::write(
            &wsdl,
            r#"<w:definitions xmlns:w="http://schemas.xmlsoap.org/wsdl/" xmlns:t="urn:t" xmlns:x="http://www.w3.org/2001/XMLSchema">
  <w:types>
    <x:schema targetNamespace="urn:t"><x:include schemaLocation="a.xsd"/></x:schema>
    <x:schema targetNamespace="urn:t"><x:element name="e" type="t:T"/></x:schema>
  </w:types>
</w:definitions>"#,
        )
        .unwrap();
        let envelope = write_schemas(
            &wsdl,
            Judged::Envelope(SoapVersion::Soap11),
            &dir.join("out"),
        )
        .unwrap();
        let first = std::fs::read_to_string(dir.join("out/inline0.xsd")).unwrap();
        assert!(first.contains(&format!(
            "schemaLocation=\"{}\"",
            dir.join("in/a.xsd").display()
        )));
        assert!(first.contains("xmlns:t=\"urn:t\""), "{first}");
        let envelope = std::fs::read_to_string(envelope).unwrap();
        assert!(envelope.contains("namespace=\"urn:t\" schemaLocation=\"namespace0.xsd\""));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
