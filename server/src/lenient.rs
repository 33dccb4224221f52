//! The one leniency of the Front's strict request reading: an **empty optional typed value is
//! absent**. Marketo's own documentation sends `getLeadActivity` with
//! `<startPosition><latestCreatedAt/><offset/></startPosition>`, and Marketo took it; a strict
//! reader refuses `<latestCreatedAt/>` (an empty `xs:dateTime` is no date).
//!
//! The rule, narrow on purpose: an element that is present with no content (nothing, or
//! whitespace only, no `xsi:nil`), whose type is a non-string simple type (its empty text is
//! not a value: `xs:dateTime`, `xs:int`, `xs:boolean`, ...), and which the WSDL declares
//! optional and single (`minOccurs="0"`, `maxOccurs` 1) everywhere an element of that name
//! appears, is read as absent. Anything else stays strict: an empty required value
//! (`<returnLead/>`), an empty item of a list (`<integerItem/>`), an empty value with
//! `xsi:nil="false"` or other content, are fault 20012 as before. Strings and enumerations are
//! untouched (an empty string is a value).
//!
//! How: the envelope is read strictly; when the reader refuses an empty value of such an
//! element, that element is blanked out (its bytes become spaces, its line breaks stay, so every
//! other error still names the client's line and column) and the envelope is read again, at
//! most [`MAX_BLANKED`] times. The runtime's reader stays strict for everyone else.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use mktows::elements::AnyElement;
use mktows::xml::{self, DecodeError, DecodeErrorKind};

/// Most empty elements blanked in one request (each costs one more reading of it).
pub const MAX_BLANKED: usize = 8;

const XSD: &str = "http://www.w3.org/2001/XMLSchema";

/// Simple types whose empty text is a value (never blanked).
const TEXT_TYPES: [&str; 6] = [
    "string",
    "normalizedString",
    "token",
    "anyURI",
    "base64Binary",
    "hexBinary",
];

/// Element names the WSDL declares, everywhere, as optional single values of a non-string XSD
/// type.
static OPTIONAL_TYPED: LazyLock<Vec<String>> = LazyLock::new(|| optional_typed(mktows::WSDL));

/// The names of elements that every declaration in `wsdl` makes optional (`minOccurs="0"`),
/// single (`maxOccurs` absent or 1) and of a non-string XSD simple type.
fn optional_typed(wsdl: &str) -> Vec<String> {
    let Ok(doc) = roxmltree::Document::parse(wsdl) else {
        return Vec::new();
    };
    let mut verdicts: HashMap<&str, bool> = HashMap::new();
    for node in doc.descendants() {
        if !(node.has_tag_name((XSD, "element"))) {
            continue;
        }
        let Some(name) = node.attribute("name") else {
            continue;
        };
        let typed = node.attribute("type").is_some_and(|t| {
            let (prefix, local) = t.split_once(':').unwrap_or(("", t));
            node.lookup_namespace_uri(Some(prefix).filter(|p| !p.is_empty())) == Some(XSD)
                && !TEXT_TYPES.contains(&local)
        });
        let optional = node.attribute("minOccurs") == Some("0")
            && matches!(node.attribute("maxOccurs"), None | Some("1"));
        let verdict = verdicts.entry(name).or_insert(true);
        *verdict &= typed && optional;
    }
    let mut names: Vec<String> = verdicts
        .into_iter()
        .filter(|(_, ok)| *ok)
        .map(|(name, _)| name.to_owned())
        .collect();
    names.sort();
    names
}

/// Reads a request envelope strictly, but with empty optional typed values as absent.
pub(crate) fn decode(body: &[u8]) -> xml::Checked<xml::AnyEnvelope<AnyElement>> {
    let mut text = Cow::Borrowed(body);
    let mut blanked = 0;
    loop {
        let error = match xml::decode_any_checked::<AnyElement>(&text, true) {
            Ok(read) => return Ok(read),
            Err(error) => error,
        };
        let range = (blanked < MAX_BLANKED)
            .then(|| blankable(&text, &error, &OPTIONAL_TYPED))
            .flatten();
        let Some(range) = range else {
            return Err(error);
        };
        for byte in &mut text.to_mut()[range] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
        blanked += 1;
    }
}

/// The bytes of the element `error` refuses, when it is an empty value of an element in
/// `lenient`.
fn blankable(body: &[u8], error: &DecodeError, lenient: &[String]) -> Option<Range<usize>> {
    let DecodeErrorKind::InvalidValue { value, .. } = &error.kind else {
        return None;
    };
    if !value.trim().is_empty() {
        return None;
    }
    let name = error.path.rsplit('/').next()?;
    if !lenient.iter().any(|n| n == name) {
        return None;
    }
    let end = offset(body, error.line, error.column)?;
    let start = empty_element_start(&body[..end], name)?;
    Some(start..end)
}

/// The byte offset of 1-based `line` and `column` (in characters, as the reader counts them).
fn offset(body: &[u8], line: u32, column: u32) -> Option<usize> {
    let mut start = 0;
    for _ in 1..line {
        start += body[start..].iter().position(|&b| b == b'\n')? + 1;
    }
    let rest = &body[start..];
    let line_end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    let text = match std::str::from_utf8(&rest[..line_end]) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&rest[..e.valid_up_to()]).ok()?,
    };
    let wanted = usize::try_from(column).ok()?.checked_sub(1)?;
    let at = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .nth(wanted)?;
    Some(start + at)
}

/// Where the empty element `name` that ends `before` starts: `<p:name .../>`, or
/// `<p:name ...>` and `</p:name>` with only whitespace between; no `xsi:nil`.
fn empty_element_start(before: &[u8], name: &str) -> Option<usize> {
    let last = before.iter().rposition(|&b| b == b'<')?;
    let tag = &before[last..];
    if tag.ends_with(b"/>") {
        return start_tag_named(tag, name).then_some(last);
    }
    let closing = tag.strip_prefix(b"</")?.strip_suffix(b">")?;
    if local_name(closing.trim_ascii()) != name.as_bytes() {
        return None;
    }
    let open_end = before[..last].iter().rposition(|&b| b == b'>')?;
    if !before[open_end + 1..last]
        .iter()
        .all(u8::is_ascii_whitespace)
    {
        return None;
    }
    let open = before[..open_end].iter().rposition(|&b| b == b'<')?;
    let tag = &before[open..=open_end];
    (!tag.ends_with(b"/>") && start_tag_named(tag, name)).then_some(open)
}

/// True when `tag` (`<...>`) is a start tag of `name` without an `xsi:nil` attribute.
fn start_tag_named(tag: &[u8], name: &str) -> bool {
    let Some(inner) = tag.strip_prefix(b"<") else {
        return false;
    };
    if inner.first().is_none_or(|b| b"/!?".contains(b)) {
        return false;
    }
    let qname_end = inner
        .iter()
        .position(|b| b.is_ascii_whitespace() || b"/>".contains(b))
        .unwrap_or(inner.len());
    let nil = inner.windows(4).any(|w| w == b":nil");
    local_name(&inner[..qname_end]) == name.as_bytes() && !nil
}

/// The part of a qualified name after its prefix.
fn local_name(qname: &[u8]) -> &[u8] {
    qname
        .iter()
        .position(|&b| b == b':')
        .map_or(qname, |at| &qname[at + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wsdl_names_its_optional_single_typed_elements() {
        let names = &*OPTIONAL_TYPED;
        for lenient in [
            "latestCreatedAt",
            "oldestCreatedAt",
            "activityCreatedAt",
            "batchSize",
        ] {
            assert!(names.iter().any(|n| n == lenient), "{lenient}: {names:?}");
        }
        // A string, a required value, a list item: strict.
        for strict in ["offset", "returnLead", "integerItem", "keyType"] {
            assert!(!names.iter().any(|n| n == strict), "{strict}");
        }
    }

    #[test]
    fn empty_elements_are_found_where_they_end() {
        let body =
            "<a>\n  <p:when xmlns:p=\"u\" />\n  <when>  </when>é<when xsi:nil=\"false\"/></a>";
        let bytes = body.as_bytes();
        let first = body.find("<p:when").unwrap();
        let end = first + "<p:when xmlns:p=\"u\" />".len();
        assert_eq!(empty_element_start(&bytes[..end], "when"), Some(first));
        let second = body.find("<when>").unwrap();
        let end = second + "<when>  </when>".len();
        assert_eq!(empty_element_start(&bytes[..end], "when"), Some(second));
        assert_eq!(empty_element_start(&bytes[..end], "other"), None);
        let end = body.find("</a>").unwrap();
        assert_eq!(empty_element_start(&bytes[..end], "when"), None, "xsi:nil");
        // Line 3, column after `é` (characters, not bytes).
        let at = body.find("é").unwrap() + "é".len();
        let column = body[body.rfind('\n').unwrap() + 1..at].chars().count() as u32 + 1;
        assert_eq!(offset(bytes, 3, column), Some(at));
        assert_eq!(offset(bytes, 9, 1), None);
    }
}
