//! What the reader keeps as written rather than decodes: whole elements (`xs:any`), the
//! attributes and content of `xs:anyType` and mixed elements, with the namespace declarations
//! they use; and attributes by name or all of them (`xs:anyAttribute`).

use std::borrow::Cow;

use super::{DecodeError, Ns, StartTag, TagAttributeValue, XML_NAMESPACE, XmlReader, decode_text};

impl<'a> XmlReader<'a> {
    /// The rest of the element whose start tag `start` was just read, as raw XML: the whole
    /// element exactly as written, with the declarations of enclosing elements it uses
    /// (`xs:any`).
    pub fn raw_element(&mut self, start: &StartTag<'_>) -> Result<crate::RawXml, DecodeError> {
        let depth = self.open.len();
        let namespaces_before = self.outer_bindings(depth);
        self.skip()?;
        let xml = self.str_at(start.offset, self.pos)?;
        Ok(crate::RawXml {
            namespaces: used_namespaces(namespaces_before, xml),
            xml: xml.to_owned(),
        })
    }

    /// The attributes (as written) and content (exactly as written) of the element whose start
    /// tag `start` was just read, through its end tag, with the declarations of enclosing
    /// elements they use (an element of type `xs:anyType`).
    pub fn raw_content(&mut self, start: &StartTag<'_>) -> Result<crate::AnyValue, DecodeError> {
        let depth = self.open.len();
        let qname_len = self.open.last().map_or(0, |q| q.len());
        let tag_end = self.pos;
        let tag = self.str_at(start.offset, tag_end)?;
        let attributes = tag
            .get(1 + qname_len..)
            .unwrap_or_default()
            .trim_end_matches('>')
            .trim_end_matches('/')
            .to_owned();
        let outer = self.outer_bindings(depth);
        let content = if self.take_pending_end() {
            ""
        } else {
            self.skip()?;
            let end_tag = memchr::memmem::rfind(&self.input[tag_end..self.pos], b"</")
                .map_or(tag_end, |p| tag_end + p);
            self.str_at(tag_end, end_tag)?
        };
        let mut used = String::with_capacity(attributes.len() + content.len());
        used.push_str(&attributes);
        used.push_str(content);
        Ok(crate::AnyValue {
            namespaces: used_namespaces(outer, &used),
            attributes,
            content: content.to_owned(),
        })
    }

    /// The content (exactly as written: text and elements) of the element whose start tag was
    /// just read, through its end tag, with the declarations in scope it uses (those of the
    /// element itself included): a type with mixed content.
    pub fn mixed_content(&mut self) -> Result<crate::MixedContent, DecodeError> {
        let depth = self.open.len();
        let start = self.pos;
        let bindings = self.outer_bindings(depth + 1);
        let content = if self.take_pending_end() {
            ""
        } else {
            self.skip()?;
            let end_tag = memchr::memmem::rfind(&self.input[start..self.pos], b"</")
                .map_or(start, |p| start + p);
            self.str_at(start, end_tag)?
        };
        Ok(crate::MixedContent {
            namespaces: used_namespaces(bindings, content),
            content: content.to_owned(),
        })
    }

    /// The value of attribute `local` (namespace `ns`) of `start`, entities decoded.
    pub fn attribute(
        &self,
        start: &StartTag<'a>,
        ns: Ns,
        local: &str,
    ) -> Result<Option<Cow<'a, str>>, DecodeError> {
        match start.attribute_raw(ns, local.as_bytes()) {
            None => Ok(None),
            Some(raw) => self.attribute_value(raw, start.offset).map(Some),
        }
    }

    /// The value of attribute `xml:{local}` of `start` (the XML namespace), entities decoded.
    pub fn xml_attribute(
        &self,
        start: &StartTag<'a>,
        local: &str,
    ) -> Result<Option<Cow<'a, str>>, DecodeError> {
        let raw = start.attributes.as_deref().and_then(|attributes| {
            attributes
                .iter()
                .find(|(_, p, l, _)| *p == b"xml" && *l == local.as_bytes())
                .map(|(_, _, _, v)| *v)
        });
        match raw {
            None => Ok(None),
            Some(raw) => self.attribute_value(raw, start.offset).map(Some),
        }
    }

    /// Every attribute of `start` but namespace declarations and `xsi:*` (for an attribute
    /// wildcard): namespace, namespace URI (`None` when unqualified), local name and value
    /// (entities decoded). Call it right after `start` is read, while its declarations are in
    /// scope.
    pub fn attributes_of(
        &self,
        start: &StartTag<'a>,
    ) -> Result<Vec<TagAttributeValue<'a>>, DecodeError> {
        let Some(attributes) = start.attributes.as_deref() else {
            return Ok(Vec::new());
        };
        let mut out = Vec::with_capacity(attributes.len());
        for &(ns, prefix, local, value) in attributes {
            let uri = if prefix.is_empty() {
                None
            } else if prefix == b"xml" {
                Some(Cow::Borrowed(XML_NAMESPACE))
            } else {
                let raw = self
                    .bindings
                    .iter()
                    .rev()
                    .find(|b| b.prefix == prefix)
                    .map_or(&b""[..], |b| b.uri);
                Some(self.attribute_value(raw, start.offset)?)
            };
            let local = std::str::from_utf8(local)
                .map_err(|_| self.malformed(start.offset, "an attribute name is not UTF-8"))?;
            out.push(TagAttributeValue {
                ns,
                uri,
                local,
                value: self.attribute_value(value, start.offset)?,
            });
        }
        Ok(out)
    }

    /// The namespace bindings in scope from elements enclosing depth `depth` (the innermost
    /// declaration of each prefix), as text.
    fn outer_bindings(&self, depth: usize) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for b in self.bindings.iter().rev().filter(|b| b.depth < depth) {
            let prefix = String::from_utf8_lossy(b.prefix).into_owned();
            if !out.iter().any(|(p, _)| *p == prefix) {
                let uri = std::str::from_utf8(b.uri)
                    .ok()
                    .and_then(|u| decode_text(u).ok())
                    .map(Cow::into_owned)
                    .unwrap_or_default();
                out.push((prefix, uri));
            }
        }
        out.reverse();
        out
    }
}

/// The bindings whose prefix `xml` may use (`prefix:` appears in it; the default namespace when
/// it is not empty), so a kept fragment carries the declarations it needs.
fn used_namespaces(bindings: Vec<(String, String)>, xml: &str) -> Vec<(String, String)> {
    bindings
        .into_iter()
        .filter(|(prefix, uri)| {
            if prefix.is_empty() {
                !uri.is_empty()
            } else {
                xml.contains(&format!("{prefix}:"))
            }
        })
        .collect()
}
