//! SOAP faults of both versions: the [`Fault`] value with its `detail` entries
//! ([`FaultDetail`], e.g. Marketo's `serviceException`), writing it ([`encode_fault`]), and
//! reading it.
//!
//! A SOAP 1.2 fault is kept in the same value as a 1.1 one: `Code/Value` is the
//! [`code`](Fault::code), each `Subcode/Value` one of the [`subcodes`](Fault::subcodes), the
//! first `Reason/Text` the [`string`](Fault::string), `Role` the [`actor`](Fault::actor) (1.2's
//! name for `faultactor`) and `Node` the [`node`](Fault::node). Further `Reason/Text`s (the
//! same reason in other languages) are not kept.

use super::{DecodeError, DecodeErrorKind, Name, SoapVersion, XmlReader, XmlWriter};

/// A SOAP fault (1.1, or 1.2 as described in the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Fault {
    /// `faultcode` (1.2: `Code/Value`) as written, e.g. `SOAP-ENV:Client`.
    pub code: String,
    /// SOAP 1.2 `Subcode/Value`s, outermost first (always empty in SOAP 1.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subcodes: Vec<String>,
    /// `faultstring` (1.2: the first `Reason/Text`).
    pub string: String,
    /// `faultactor` (1.2: `Role`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// SOAP 1.2 `Node` (always `None` in SOAP 1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// Children of `detail` (1.2: `Detail`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub detail: Vec<FaultDetail>,
}

impl Fault {
    /// The local part of the code (`Client`, `Server`; in 1.2 `Sender`, `Receiver`, ...).
    pub fn code_local(&self) -> &str {
        self.code.rsplit(':').next().unwrap_or(&self.code)
    }
}

/// One element inside a fault's `detail`, e.g. Marketo's `serviceException`.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct FaultDetail {
    /// Namespace URI, when it is one the bindings know.
    pub namespace: Option<String>,
    /// Local name.
    pub name: String,
    /// Its child elements in order: (name, text); a child with elements of its own keeps
    /// its content as written (markup included).
    pub fields: Vec<(String, String)>,
    /// Its text, when it holds text rather than elements (`<m:MaxTime>P5M</m:MaxTime>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl FaultDetail {
    /// The text of child `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A SOAP 1.1 fault response document, shaped as Marketo writes them: the Envelope declares
/// only the SOAP prefix and each detail entry declares its own namespace
/// (`<ns1:serviceException xmlns:ns1="...">`).
pub fn encode_fault(
    fault: &Fault,
    namespaces: &'static [(&'static str, &'static str)],
) -> Result<String, super::EncodeError> {
    encode_fault_as(SoapVersion::Soap11, fault, namespaces)
}

/// A fault response document of SOAP `version` (see [`encode_fault`] for its shape; in 1.2 the
/// code, subcodes, reason, node and role are written as `Code`, `Subcode`, `Reason/Text`
/// with `xml:lang="en"`, `Node` and `Role`).
pub fn encode_fault_as(
    version: SoapVersion,
    fault: &Fault,
    namespaces: &'static [(&'static str, &'static str)],
) -> Result<String, super::EncodeError> {
    let names = version.names();
    let mut w = XmlWriter::with_capacity(1024);
    w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    w.open(&names.envelope);
    w.attribute("xmlns:SOAP-ENV", version.envelope_namespace());
    w.close_start();
    w.open(&names.body);
    w.close_start();
    w.open(&names.fault);
    w.close_start();
    match version {
        SoapVersion::Soap11 => {
            w.text_element(&Name::local("faultcode"), &fault.code);
            w.text_element(&Name::local("faultstring"), &fault.string);
            if let Some(actor) = &fault.actor {
                w.text_element(&Name::local("faultactor"), actor);
            }
        }
        SoapVersion::Soap12 => write_code_reason_12(&mut w, fault),
    }
    if !fault.detail.is_empty() {
        let detail = match version {
            SoapVersion::Soap11 => Name::local("detail"),
            SoapVersion::Soap12 => soap12("Detail"),
        };
        w.open(&detail);
        w.close_start();
        for entry in &fault.detail {
            write_detail_entry(&mut w, entry, namespaces);
        }
        w.end(&detail);
    }
    w.end(&names.fault);
    w.end(&names.body);
    w.end(&names.envelope);
    w.finish()
}

/// A SOAP 1.2 fault child element (qualified, unlike 1.1's).
const fn soap12(local: &'static str) -> Name {
    Name::qualified("SOAP-ENV", super::SOAP12_ENV, local)
}

fn write_code_reason_12(w: &mut XmlWriter, fault: &Fault) {
    let (code, value, subcode) = (soap12("Code"), soap12("Value"), soap12("Subcode"));
    w.open(&code);
    w.close_start();
    w.text_element(&value, &fault.code);
    for sub in &fault.subcodes {
        w.open(&subcode);
        w.close_start();
        w.text_element(&value, sub);
    }
    for _ in &fault.subcodes {
        w.end(&subcode);
    }
    w.end(&code);
    let (reason, text) = (soap12("Reason"), soap12("Text"));
    w.open(&reason);
    w.close_start();
    w.open(&text);
    w.attribute("xml:lang", "en");
    w.close_start();
    w.text_element_content(&fault.string, "Text");
    w.end(&text);
    w.end(&reason);
    if let Some(node) = &fault.node {
        w.text_element(&soap12("Node"), node);
    }
    if let Some(role) = &fault.actor {
        w.text_element(&soap12("Role"), role);
    }
}

fn write_detail_entry(
    w: &mut XmlWriter,
    entry: &FaultDetail,
    namespaces: &'static [(&'static str, &'static str)],
) {
    let name = escape_name(&entry.name);
    let prefix = entry.namespace.as_deref().map(|ns| {
        let prefix = namespaces
            .iter()
            .find(|(_, uri)| *uri == ns)
            .map_or("ns", |(p, _)| *p);
        (prefix, ns)
    });
    w.raw("<");
    if let Some((p, _)) = prefix {
        w.raw(p);
        w.raw(":");
    }
    w.raw(&name);
    if let Some((p, ns)) = prefix {
        w.raw(" xmlns:");
        w.raw(p);
        w.raw("=\"");
        w.text_element_content(ns, &name);
        w.raw("\"");
    }
    w.raw(">");
    if let Some(text) = &entry.text {
        w.text_element_content(text, &name);
    }
    for (field, value) in &entry.fields {
        let field = escape_name(field);
        w.raw("<");
        w.raw(&field);
        w.raw(">");
        w.text_element_content(value, &field);
        w.raw("</");
        w.raw(&field);
        w.raw(">");
    }
    w.raw("</");
    if let Some((p, _)) = prefix {
        w.raw(p);
        w.raw(":");
    }
    w.raw(&name);
    w.raw(">");
}

/// Keeps only name characters, so a fault detail name can never break the markup.
fn escape_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .collect();
    if cleaned.is_empty()
        || cleaned.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.')
    {
        format!("_{cleaned}")
    } else {
        cleaned
    }
}

/// Reads the content of a `Fault` element of SOAP `version`, through its end tag's content.
pub(crate) fn read_fault(
    r: &mut XmlReader<'_>,
    version: SoapVersion,
) -> Result<Fault, DecodeError> {
    let mut fault = Fault::default();
    let mut has_code = false;
    while let Some(child) = r.next_child()? {
        // SOAP 1.1 fault children are unqualified, 1.2's are qualified; some servers get this
        // wrong either way: match by local name.
        match (version, child.local_name()) {
            (SoapVersion::Soap11, b"faultcode") => {
                r.enter("faultcode");
                fault.code = r.text()?.trim().to_owned();
                has_code = true;
                r.leave();
            }
            (SoapVersion::Soap11, b"faultstring") => {
                r.enter("faultstring");
                fault.string = r.text()?.into_owned();
                r.leave();
            }
            (SoapVersion::Soap11, b"faultactor") | (SoapVersion::Soap12, b"Role") => {
                r.enter("faultactor");
                fault.actor = Some(r.text()?.into_owned());
                r.leave();
            }
            (SoapVersion::Soap12, b"Code") => {
                r.enter("Code");
                read_code_12(r, &mut fault)?;
                has_code = true;
                r.leave();
            }
            (SoapVersion::Soap12, b"Reason") => {
                r.enter("Reason");
                while let Some(text) = r.next_child()? {
                    if text.local_name() == b"Text" && fault.string.is_empty() {
                        fault.string = r.text()?.into_owned();
                    } else {
                        r.skip()?;
                    }
                }
                r.leave();
            }
            (SoapVersion::Soap12, b"Node") => {
                r.enter("Node");
                fault.node = Some(r.text()?.into_owned());
                r.leave();
            }
            (SoapVersion::Soap11, b"detail") | (SoapVersion::Soap12, b"Detail") => {
                r.enter("detail");
                read_detail(r, &mut fault)?;
                r.leave();
            }
            _ => r.skip()?,
        }
    }
    if !has_code {
        let missing = match version {
            SoapVersion::Soap11 => "faultcode",
            SoapVersion::Soap12 => "Code",
        };
        return Err(r.error(DecodeErrorKind::Missing(missing.into())));
    }
    Ok(fault)
}

/// `Code`'s `Value`, then each nested `Subcode/Value` (the reader bounds the nesting).
fn read_code_12(r: &mut XmlReader<'_>, fault: &mut Fault) -> Result<(), DecodeError> {
    let mut has_value = false;
    let mut depth = 0;
    loop {
        let mut subcode = false;
        while let Some(child) = r.next_child()? {
            match child.local_name() {
                b"Value" if !subcode => {
                    let value = r.text()?.trim().to_owned();
                    if depth == 0 {
                        fault.code = value;
                        has_value = true;
                    } else {
                        fault.subcodes.push(value);
                    }
                }
                b"Subcode" if !subcode => {
                    r.enter("Subcode");
                    subcode = true;
                    depth += 1;
                    break;
                }
                _ => r.skip()?,
            }
        }
        if !subcode {
            break;
        }
    }
    // Close the Subcode elements entered above, innermost first.
    for _ in 0..depth {
        while r.next_child()?.is_some() {
            r.skip()?;
        }
        r.leave();
    }
    if !has_value {
        return Err(r.error(DecodeErrorKind::Missing("Code/Value".into())));
    }
    Ok(())
}

fn read_detail(r: &mut XmlReader<'_>, fault: &mut Fault) -> Result<(), DecodeError> {
    while let Some(entry) = r.next_child()? {
        let mut detail = FaultDetail {
            namespace: r.namespace_uri(entry.ns()).map(str::to_owned),
            name: entry.display_name(),
            ..FaultDetail::default()
        };
        if r.content_starts_with_element() {
            while let Some(field) = r.next_child()? {
                let text = if r.content_starts_with_element() {
                    r.mixed_content()?.content
                } else {
                    r.text()?.into_owned()
                };
                detail.fields.push((field.display_name(), text));
            }
        } else {
            detail.text = Some(r.text()?.into_owned()).filter(|t| !t.trim().is_empty());
        }
        fault.detail.push(detail);
    }
    Ok(())
}
