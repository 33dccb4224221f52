//! Writing XML: a `String` buffer with schema-aware helpers. Escaping is done once, here.
//!
//! What cannot be written is not written wrong: a character XML 1.0 cannot carry (a control
//! character in a string) and a repeated element whose count is outside its
//! `minOccurs..maxOccurs` ([`XmlWriter::check_count`]) each record an [`EncodeError`] naming the
//! element; the first one is what [`XmlWriter::finish`] returns instead of the document.

use super::Name;

/// An XML document being written.
#[derive(Debug, Default)]
pub struct XmlWriter {
    out: String,
    declarations: &'static [(&'static str, &'static str)],
    /// `xsi:type` to write on the next element started (SOAP encoding).
    next_type: Option<&'static str>,
    error: Option<EncodeError>,
}

/// A value that cannot be written as XML 1.0 (a control character in a string).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot write element `{element}`: {reason}")]
pub struct EncodeError {
    /// Local name of the element whose content was rejected.
    pub element: String,
    /// Why.
    pub reason: String,
}

impl XmlWriter {
    /// A writer with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        XmlWriter {
            out: String::with_capacity(capacity),
            ..XmlWriter::default()
        }
    }

    /// Namespace declarations (`prefix`, `uri`) to put on the next element started.
    pub fn declare_on_next(&mut self, namespaces: &'static [(&'static str, &'static str)]) {
        self.declarations = namespaces;
    }

    /// `xsi:type="qname"` to write on the next element started (SOAP encoding writes the type
    /// of every value); `qname`'s prefix must be declared by the document.
    pub fn type_next(&mut self, qname: &'static str) {
        self.next_type = Some(qname);
    }

    /// The document, or the first value that could not be written.
    pub fn finish(self) -> Result<String, EncodeError> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.out),
        }
    }

    /// Appends markup as is (the caller guarantees it is well-formed).
    pub fn raw(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    fn name(&mut self, name: &Name) {
        if let Some(prefix) = name.prefix {
            self.out.push_str(prefix);
            self.out.push(':');
        }
        self.out.push_str(name.local);
    }

    /// Writes `<name` plus any pending namespace declarations; close with [`Self::close_start`].
    pub fn open(&mut self, name: &Name) {
        self.out.push('<');
        self.name(name);
        let declarations = std::mem::take(&mut self.declarations);
        if !declarations.is_empty() {
            // `xml` is bound by definition and may not be declared.
            for (prefix, uri) in declarations.iter().filter(|(p, _)| *p != "xml") {
                self.attribute_with_prefix("xmlns", prefix, uri);
            }
            self.attribute("xmlns:xsi", super::XSI);
        }
        if let Some(qname) = self.next_type.take() {
            self.attribute("xsi:type", qname);
        }
    }

    fn attribute_with_prefix(&mut self, a: &str, b: &str, value: &str) {
        self.out.push(' ');
        self.out.push_str(a);
        self.out.push(':');
        self.out.push_str(b);
        self.out.push_str("=\"");
        self.escape(value, true, b);
        self.out.push('"');
    }

    /// Writes ` name="value"` inside an open start tag.
    pub fn attribute(&mut self, name: &str, value: &str) {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        self.escape(value, true, name);
        self.out.push('"');
    }

    /// Ends a start tag opened with [`Self::open`].
    pub fn close_start(&mut self) {
        self.out.push('>');
    }

    /// Writes `</name>`.
    pub fn end(&mut self, name: &Name) {
        self.out.push_str("</");
        self.name(name);
        self.out.push('>');
    }

    /// Writes `<name xsi:nil="true"/>`.
    pub fn nil_element(&mut self, name: &Name) {
        self.open(name);
        self.out.push_str(" xsi:nil=\"true\"/>");
    }

    /// Writes `<name>text</name>` with `text` escaped.
    pub fn text_element(&mut self, name: &Name, text: &str) {
        self.open(name);
        self.close_start();
        self.escape(text, false, name.local);
        self.end(name);
    }

    /// Writes escaped character data; `element` names the element in a possible error.
    pub fn text_element_content(&mut self, text: &str, element: &str) {
        self.escape(text, false, element);
    }

    /// Escapes character data (or an attribute value) into the document.
    fn escape(&mut self, text: &str, attribute: bool, element: &str) {
        let bytes = text.as_bytes();
        let mut flushed = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let replacement = match b {
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'&' => "&amp;",
                b'"' if attribute => "&quot;",
                b'\r' => "&#13;",
                b'\n' if attribute => "&#10;",
                b'\t' if attribute => "&#9;",
                b'\t' | b'\n' => continue,
                0..=0x1F => {
                    self.reject(element, text, i);
                    continue;
                }
                // U+FFFE and U+FFFF are not XML characters.
                0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => {
                    self.reject(element, text, i);
                    continue;
                }
                _ => continue,
            };
            self.out.push_str(&text[flushed..i]);
            self.out.push_str(replacement);
            flushed = i + 1;
        }
        self.out.push_str(&text[flushed..]);
    }

    /// Records an error when a repeated element's count is outside `min..=max`.
    pub fn check_count(&mut self, name: &Name, count: usize, min: u32, max: Option<u32>) {
        let too_few = (count as u64) < u64::from(min);
        let too_many = max.is_some_and(|max| count as u64 > u64::from(max));
        if (too_few || too_many) && self.error.is_none() {
            let max = max.map_or_else(|| "unbounded".to_owned(), |m| m.to_string());
            self.error = Some(EncodeError {
                element: name.local.to_owned(),
                reason: format!("{count} occurrences, the schema allows {min} to {max}"),
            });
        }
    }

    /// Records that `element` could not be written (the first error is kept).
    #[cold]
    pub fn fail(&mut self, element: &str, reason: String) {
        if self.error.is_none() {
            self.error = Some(EncodeError {
                element: element.to_owned(),
                reason,
            });
        }
    }

    #[cold]
    fn reject(&mut self, element: &str, text: &str, at: usize) {
        if self.error.is_none() {
            let c = text[at..].chars().next().unwrap_or_default();
            self.error = Some(EncodeError {
                element: element.to_owned(),
                reason: format!(
                    "character U+{:04X} at byte {at} is not allowed in XML 1.0",
                    c as u32
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_keeps_carriage_returns() {
        let mut w = XmlWriter::default();
        w.text_element(&Name::local("a"), "x<y & \"z\"\r\n");
        assert_eq!(w.finish().unwrap(), "<a>x&lt;y &amp; \"z\"&#13;\n</a>");
    }

    #[test]
    fn control_characters_are_an_error_naming_the_element() {
        let mut w = XmlWriter::default();
        w.text_element(&Name::local("Email"), "a\u{1}b");
        let err = w.finish().unwrap_err();
        assert_eq!(err.element, "Email");
        assert!(err.reason.contains("U+0001"), "{err}");
    }
}
