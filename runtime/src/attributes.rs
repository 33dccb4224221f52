//! Attributes of complex types (`complex_type!` rows `attr_one`, `attr_optional`): written in
//! the start tag, read from it; and an attribute wildcard (`xs:anyAttribute`, row `attr_any`):
//! every attribute no named one matched, in a map keyed by qualified name (`local` when
//! unqualified, `{uri}local` otherwise), written back.
//!
//! The wildcard's attributes are read from the start tag while its namespace declarations are
//! in scope ([`XmlReader::attributes_of`] resolves their prefixes). Written back, a key's URI
//! takes its prefix from the generated `NAMESPACES`, `xml:` for the XML namespace, or else a
//! prefix `wcN` declared on the element; keys of named attributes are skipped (their fields
//! win), and a key that is not a qualified name is an [`EncodeError`](crate::EncodeError).

use std::collections::BTreeMap;

use super::{DecodeError, Ns, SimpleValue, StartTag, XML_NAMESPACE, XmlReader, XmlWriter};

/// The named attributes of a type (namespace index, local name), which an attribute wildcard
/// leaves out.
pub type NamedAttributes = [Option<(Option<u16>, &'static str)>];

/// The name an attribute is written with: `local`, or `nsN:local` for one qualified in
/// namespace `N` of `namespaces`.
fn attribute_name(
    namespaces: &'static [(&'static str, &'static str)],
    ns: Option<usize>,
    local: &'static str,
) -> std::borrow::Cow<'static, str> {
    match ns.and_then(|i| namespaces.get(i)) {
        Some((prefix, _)) => format!("{prefix}:{local}").into(),
        None => local.into(),
    }
}

/// Writes ` name="value"` for an attribute that is present.
pub fn write_attribute<T: SimpleValue>(
    w: &mut XmlWriter,
    namespaces: &'static [(&'static str, &'static str)],
    ns: Option<usize>,
    local: &'static str,
    value: Option<&T>,
) {
    if let Some(value) = value {
        w.attribute(&attribute_name(namespaces, ns, local), &value.to_text());
    }
}

/// Reads attribute `local` (qualified in namespace index `ns`, or unqualified) of `start`.
pub fn read_attribute<T: SimpleValue>(
    r: &mut XmlReader<'_>,
    start: &StartTag<'_>,
    ns: Option<u16>,
    local: &'static str,
    slot: &mut Option<T>,
) -> Result<(), DecodeError> {
    let ns = ns.map_or(Ns::None, Ns::Known);
    // `xml:lang` and the like: in the XML namespace, always written with its prefix.
    let text = match local.strip_prefix("xml:") {
        Some(rest) => r.xml_attribute(start, rest)?,
        None => r.attribute(start, ns, local)?,
    };
    if let Some(text) = text {
        r.enter(local);
        let value = T::parse_text(&text).ok_or_else(|| r.invalid_value(T::XSD_TYPE, &text));
        r.leave();
        *slot = Some(value?);
    }
    Ok(())
}

/// The map key of an attribute: `local`, or `{uri}local`.
pub fn attribute_key(uri: Option<&str>, local: &str) -> String {
    match uri {
        Some(uri) => format!("{{{uri}}}{local}"),
        None => local.to_owned(),
    }
}

/// The map key of a named attribute (`xml:lang` is `{http://www.w3.org/XML/1998/namespace}lang`).
fn named_key(uri: Option<&str>, local: &str) -> String {
    match (uri, local.strip_prefix("xml:")) {
        (None, Some(rest)) => attribute_key(Some(XML_NAMESPACE), rest),
        _ => attribute_key(uri, local),
    }
}

/// Reads every attribute of `start` that is not one of `named` into `slot` (an
/// `xs:anyAttribute`).
pub fn read_other_attributes(
    r: &mut XmlReader<'_>,
    start: &StartTag<'_>,
    named: &NamedAttributes,
    slot: &mut BTreeMap<String, String>,
) -> Result<(), DecodeError> {
    let named: Vec<String> = named
        .iter()
        .flatten()
        .map(|&(ns, local)| {
            let uri = ns.and_then(|i| r.namespace_uri(Ns::Known(i)));
            named_key(uri, local)
        })
        .collect();
    for attribute in r.attributes_of(start)? {
        let key = attribute_key(attribute.uri.as_deref(), attribute.local);
        if !named.contains(&key) {
            slot.insert(key, attribute.value.into_owned());
        }
    }
    Ok(())
}

/// The URI of a `{uri}local` key.
fn uri_of(key: &str) -> Option<&str> {
    key.strip_prefix('{')
        .and_then(|k| k.split_once('}'))
        .map(|(uri, _)| uri)
        .filter(|uri| !uri.is_empty())
}

/// Whether `name` can be written as an attribute's local name (an XML NCName).
fn is_local_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_' | '\u{B7}'))
}

/// Writes the attributes of an `xs:anyAttribute` map: an unqualified key as is, `{uri}local`
/// with the prefix `namespaces` gives `uri` (or `xml:`), else with a prefix declared on the
/// element. Keys that name one of the `named` attributes (written from their fields) are left
/// out; a key that is not a qualified XML name is an error.
pub fn write_other_attributes(
    w: &mut XmlWriter,
    namespaces: &'static [(&'static str, &'static str)],
    named: &NamedAttributes,
    attributes: &BTreeMap<String, String>,
) {
    let mut declared: Vec<&str> = Vec::new();
    for (key, value) in attributes {
        let (uri, local) = match key.strip_prefix('{').and_then(|k| k.split_once('}')) {
            Some((uri, local)) if !uri.is_empty() => (Some(uri), local),
            _ => (None, key.as_str()),
        };
        if !is_local_name(local) {
            w.fail(
                "anyAttribute",
                format!("attribute key {key:?} is not `local` or `{{uri}}local`"),
            );
            continue;
        }
        let known = uri.and_then(|uri| namespaces.iter().position(|(_, u)| *u == uri));
        let is_named = named.iter().flatten().any(|&(ns, name)| {
            let uri = ns
                .and_then(|i| namespaces.get(usize::from(i)))
                .map(|(_, u)| *u);
            named_key(uri, name) == attribute_key(uri_of(key), local)
        });
        if is_named {
            continue;
        }
        match (uri, known) {
            (None, _) => w.attribute(local, value),
            (Some(_), Some(i)) => w.attribute(&format!("{}:{local}", namespaces[i].0), value),
            (Some(XML_NAMESPACE), None) => w.attribute(&format!("xml:{local}"), value),
            (Some(uri), None) => {
                let index = match declared.iter().position(|d| *d == uri) {
                    Some(index) => index,
                    None => {
                        declared.push(uri);
                        w.attribute(&format!("xmlns:wc{}", declared.len()), uri);
                        declared.len() - 1
                    }
                };
                w.attribute(&format!("wc{}:{local}", index + 1), value);
            }
        }
    }
}
