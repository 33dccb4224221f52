//! SOAP 1.1 Section 5 multi-reference values, as Apache Axis 1 writes its responses:
//!
//! ```xml
//! <soapenv:Body>
//!   <ns1:getIssueResponse><getIssueReturn href="#id0"/></ns1:getIssueResponse>
//!   <multiRef id="id0" soapenc:root="0" xsi:type="ns2:RemoteIssue">...</multiRef>
//! </soapenv:Body>
//! ```
//!
//! Before typed reading, an encoded message is rewritten so that each `href="#id"` element holds
//! a copy of the attributes and content of the element with that `id` (anywhere in the Body,
//! usually one of the body element's siblings), references inside the copies resolved too, and
//! the Body keeps only its first element. The typed reader then sees an ordinary tree.
//!
//! The copy carries the namespace declarations in scope at the referenced element, so its prefixes
//! (`xsi:type="ns2:RemoteIssue"`) keep their meaning; a qualified referring element is written with
//! a prefix of its own (and the value's default namespace, if it differs). An unqualified referring
//! element cannot carry a value whose content is under a default namespace: that is an error rather
//! than a copy that would change its names. Other attributes of the referring element are dropped
//! (Axis and PHP write none). A reference to a missing id, a value that contains itself (directly
//! or not) and copies growing past eight times the input (at least 16 MiB: shared references are
//! copied once per reference, so a crafted document could otherwise grow exponentially) are each a
//! [`DecodeError`] naming the id or the limit.
//!
//! Documents without `href` attributes and without elements after the body element are read as
//! they are. A document that is not namespace-well-formed XML (for roxmltree, DTDs refused) is
//! a [`DecodeErrorKind::Malformed`] error. The rewrite parses with roxmltree, a dependency of
//! the runtime for this alone.

use std::collections::HashMap;

use roxmltree::{Document, Node, ParsingOptions};

use crate::encoding::SOAP_ENCODING;
use crate::{DecodeError, DecodeErrorKind, MAX_DEPTH, SOAP_ENV};

/// The smallest bound on what copies may add up to (bytes).
const MIN_EXPANSION: usize = 16 << 20;

/// The document with every multi-reference value inlined, or `None` when it has none.
pub(crate) fn inline_references(xml: &[u8]) -> Result<Option<String>, DecodeError> {
    let finder = memchr::memmem::find;
    if finder(xml, b"href").is_none() && finder(xml, b"id").is_none() {
        return Ok(None);
    }
    let Ok(text) = std::str::from_utf8(xml) else {
        return Ok(None);
    };
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: 4_000_000,
        ..ParsingOptions::default()
    };
    let doc = match Document::parse_with_options(text, options) {
        Ok(doc) => doc,
        Err(e) => {
            let pos = e.pos();
            let kind = DecodeErrorKind::Malformed(e.to_string());
            return Err(DecodeError::new("(document)", pos.row, pos.col, kind));
        }
    };
    let Some(body) = doc
        .root_element()
        .children()
        .find(|n| n.is_element() && n.tag_name().namespace() == Some(SOAP_ENV))
        .filter(|n| n.tag_name().name() == "Body")
    else {
        return Ok(None);
    };
    let mut elements = body.children().filter(Node::is_element);
    let Some(main) = elements.next() else {
        return Ok(None);
    };
    let last = elements.next_back();
    let has_href = main.descendants().any(|n| n.attribute("href").is_some());
    // Trailing elements are multi-reference values only when each has an id.
    if last.is_some()
        && body
            .children()
            .filter(Node::is_element)
            .skip(1)
            .any(|n| n.attribute("id").is_none())
    {
        return Ok(None);
    }
    if !has_href && last.is_none() {
        return Ok(None);
    }
    let mut ids = HashMap::new();
    for node in body.descendants().filter(Node::is_element) {
        if let Some(id) = node.attribute("id") {
            ids.entry(id).or_insert(node);
        }
    }
    let mut inliner = Inliner {
        text,
        doc: &doc,
        ids,
        out: String::with_capacity(text.len() * 2),
        limit: text.len().saturating_mul(8).max(MIN_EXPANSION),
        open: Vec::new(),
    };
    inliner.out.push_str(&text[..main.range().start]);
    inliner.element(main, 0)?;
    let end = last.unwrap_or(main).range().end;
    inliner.out.push_str(&text[end..]);
    Ok(Some(inliner.out))
}

struct Inliner<'a, 'input> {
    text: &'a str,
    doc: &'a Document<'input>,
    ids: HashMap<&'a str, Node<'a, 'input>>,
    out: String,
    /// Most bytes `out` may hold.
    limit: usize,
    /// The ids being copied (outermost first): a reference to one of them is a cycle.
    open: Vec<&'a str>,
}

impl<'a, 'input> Inliner<'a, 'input> {
    fn error(&self, node: Node, kind: DecodeErrorKind) -> DecodeError {
        let pos = self.doc.text_pos_at(node.range().start);
        DecodeError::new("Envelope/Body", pos.row, pos.col, kind)
    }

    fn push(&mut self, node: Node, s: &str) -> Result<(), DecodeError> {
        if self.out.len() + s.len() > self.limit {
            let limit = self.limit;
            return Err(self.error(
                node,
                DecodeErrorKind::UnsupportedEncoding(format!(
                    "multi-reference values copied past {limit} bytes"
                )),
            ));
        }
        self.out.push_str(s);
        Ok(())
    }

    /// Writes `node` with its references resolved.
    fn element(&mut self, node: Node<'a, 'input>, depth: usize) -> Result<(), DecodeError> {
        if depth > 2 * MAX_DEPTH {
            return Err(self.error(node, DecodeErrorKind::TooDeep));
        }
        let text = self.text;
        let range = node.range();
        if let Some(reference) = node.attribute("href") {
            return self.reference(node, reference, depth);
        }
        let whole = &text[range.clone()];
        if !whole.contains("href") {
            return self.push(node, whole);
        }
        let tag_end = start_tag_end(text, range.start);
        self.push(node, &text[range.start..tag_end])?;
        self.children(node, depth)?;
        let qname = qname_at(text, range.start);
        self.push(node, &format!("</{qname}>"))
    }

    fn children(&mut self, node: Node<'a, 'input>, depth: usize) -> Result<(), DecodeError> {
        let text = self.text;
        for child in node.children() {
            if child.is_element() {
                self.element(child, depth + 1)?;
            } else {
                self.push(child, &text[child.range()])?;
            }
        }
        Ok(())
    }

    /// Writes the referring element `node` holding a copy of the element `reference` names.
    fn reference(
        &mut self,
        node: Node<'a, 'input>,
        reference: &'a str,
        depth: usize,
    ) -> Result<(), DecodeError> {
        let id = reference.strip_prefix('#').unwrap_or(reference);
        let Some(&target) = self.ids.get(id) else {
            return Err(self.error(node, DecodeErrorKind::MissingReference(id.to_owned())));
        };
        if self.open.contains(&id) {
            return Err(self.error(node, DecodeErrorKind::ReferenceCycle(id.to_owned())));
        }
        let mut tag = String::from("<");
        let in_scope: Vec<(Option<&str>, &str)> =
            target.namespaces().map(|n| (n.name(), n.uri())).collect();
        let name = match node.tag_name().namespace() {
            Some(uri) => {
                let mut prefix = "mr".to_owned();
                while in_scope.iter().any(|(p, _)| *p == Some(prefix.as_str())) {
                    prefix.push('r');
                }
                tag.push_str(&prefix);
                tag.push(':');
                tag.push_str(node.tag_name().name());
                tag.push_str(&format!(" xmlns:{prefix}=\"{}\"", escape(uri)));
                format!("{prefix}:{}", node.tag_name().name())
            }
            None => {
                if in_scope
                    .iter()
                    .any(|(p, uri)| p.is_none() && !uri.is_empty())
                {
                    return Err(self.error(
                        target,
                        DecodeErrorKind::UnsupportedEncoding(
                            "a multi-reference value under a default namespace".into(),
                        ),
                    ));
                }
                tag.push_str(node.tag_name().name());
                node.tag_name().name().to_owned()
            }
        };
        for (prefix, uri) in &in_scope {
            match prefix {
                Some("xml") | None => {}
                Some(p) => tag.push_str(&format!(" xmlns:{p}=\"{}\"", escape(uri))),
            }
        }
        // The default namespace of the value's content, where the referring element's differs
        // (only a prefixed copy can say it: an unqualified one was refused above).
        let value_default = target.lookup_namespace_uri(None).unwrap_or("");
        let here_default = node.lookup_namespace_uri(None).unwrap_or("");
        if node.tag_name().namespace().is_some() && value_default != here_default {
            tag.push_str(&format!(" xmlns=\"{}\"", escape(value_default)));
        }
        for attribute in target.attributes() {
            let (ns, local) = (attribute.namespace(), attribute.name());
            if (ns.is_none() && local == "id") || (ns == Some(SOAP_ENCODING) && local == "root") {
                continue;
            }
            tag.push(' ');
            if let Some(uri) = ns {
                let prefix = target.lookup_prefix(uri).unwrap_or("xml");
                tag.push_str(prefix);
                tag.push(':');
            }
            tag.push_str(local);
            tag.push_str("=\"");
            tag.push_str(&escape(attribute.value()));
            tag.push('"');
        }
        tag.push('>');
        self.push(node, &tag)?;
        self.open.push(id);
        self.children(target, depth + 1)?;
        self.open.pop();
        self.push(node, &format!("</{name}>"))
    }
}

/// Where the start tag that begins at `start` ends (after its `>`).
fn start_tag_end(text: &str, start: usize) -> usize {
    let mut quote = None;
    for (i, b) in text.as_bytes()[start..].iter().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(*b),
            (Some(q), _) if q == *b => quote = None,
            (None, b'>') => return start + i + 1,
            _ => {}
        }
    }
    text.len()
}

/// The qualified name of the start tag at `start`, as written.
fn qname_at(text: &str, start: usize) -> &str {
    let rest = &text[start + 1..];
    let end = rest
        .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
        .unwrap_or(rest.len());
    &rest[..end]
}

/// An attribute value escaped for double quotes, whitespace kept as character references.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str =
        r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>"#;
    const TAIL: &str = "</e:Body></e:Envelope>";

    fn inline(body: &str) -> Result<Option<String>, DecodeError> {
        inline_references(format!("{HEAD}{body}{TAIL}").as_bytes())
    }

    #[test]
    fn documents_without_references_are_left_alone() {
        assert_eq!(inline("<r><a>1</a></r>").unwrap(), None);
        assert_eq!(inline("<r><a id=\"x\">1</a></r>").unwrap(), None);
    }

    #[test]
    fn shared_and_nested_references_are_copied_and_the_values_dropped() {
        let body = concat!(
            r##"<p:r xmlns:p="urn:p"><a href="#1"/><b href="#1"/><p:c href="#2"/></p:r>"##,
            r##"<m id="1" xmlns:enc="http://schemas.xmlsoap.org/soap/encoding/" enc:root="0" t="v&amp;w"><x href="#2"/></m>"##,
            r##"<m id="2" xmlns:q="urn:q"><q:y>2</q:y></m>"##,
        );
        let out = inline(body).unwrap().unwrap();
        // Each copy declares what is in scope at the value (the envelope's prefix too).
        let env = r#"xmlns:e="http://schemas.xmlsoap.org/soap/envelope/""#;
        let enc = r#"xmlns:enc="http://schemas.xmlsoap.org/soap/encoding/""#;
        let inner = format!(r#"<x xmlns:q="urn:q" {env}><q:y>2</q:y></x>"#);
        let expected = format!(
            concat!(
                r#"{}<p:r xmlns:p="urn:p">"#,
                r#"<a {} {} t="v&amp;w">{}</a>"#,
                r#"<b {} {} t="v&amp;w">{}</b>"#,
                r#"<mr:c xmlns:mr="urn:p" xmlns:q="urn:q" {}><q:y>2</q:y></mr:c>"#,
                "</p:r>{}"
            ),
            HEAD, enc, env, inner, enc, env, inner, env, TAIL
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn cycles_and_missing_ids_name_the_id() {
        let cycle = r##"<r href="#a"/><m id="a"><n href="#b"/></m><m id="b"><o href="#a"/></m>"##;
        let err = inline(cycle).unwrap_err();
        assert_eq!(err.kind, DecodeErrorKind::ReferenceCycle("a".into()));
        let err = inline(r##"<r><s href="#nowhere"/></r>"##).unwrap_err();
        assert_eq!(
            err.kind,
            DecodeErrorKind::MissingReference("nowhere".into())
        );
        // At the referring element, after the envelope's start and `<r>`.
        assert_eq!((err.line, err.column as usize), (1, HEAD.len() + 4));
    }

    #[test]
    fn default_namespaces_keep_their_meaning() {
        // The value's content is under a default namespace: a qualified referring element
        // takes it along; an unqualified one cannot.
        let body =
            r##"<p:r xmlns:p="urn:p"><p:a href="#1"/></p:r><m id="1" xmlns="urn:d"><x>1</x></m>"##;
        let out = inline(body).unwrap().unwrap();
        let copy = out.split("<mr:a ").nth(1).and_then(|c| c.split('>').next());
        let copy = copy.unwrap_or_else(|| panic!("{out}"));
        assert!(copy.contains(r#"xmlns:mr="urn:p""#), "{out}");
        assert!(copy.contains(r#" xmlns="urn:d""#), "{out}");
        assert!(out.contains("<x>1</x></mr:a>"), "{out}");
        let body =
            r##"<p:r xmlns:p="urn:p"><a href="#1"/></p:r><m id="1" xmlns="urn:d"><x>1</x></m>"##;
        let err = inline(body).unwrap_err();
        assert!(
            matches!(err.kind, DecodeErrorKind::UnsupportedEncoding(_)),
            "{err}"
        );
    }

    #[test]
    fn exponential_sharing_is_cut_off() {
        // Each value refers to the next twice: 2^40 copies if nothing stopped it.
        let mut body = String::from(r##"<r href="#v0"/>"##);
        for i in 0..40 {
            body.push_str(&format!(
                r##"<m id="v{i}"><a href="#v{n}"/><b href="#v{n}"/></m>"##,
                n = i + 1
            ));
        }
        body.push_str(r#"<m id="v40">leaf</m>"#);
        let err = inline(&body).unwrap_err();
        assert!(
            matches!(err.kind, DecodeErrorKind::UnsupportedEncoding(ref m) if m.contains("bytes")),
            "{err}"
        );
    }
}
