//! Arbitrary XML the schema leaves open, kept as written: [`RawXml`], an element matched by an
//! `xs:any` wildcard, and [`AnyValue`], the attributes and content of an `xs:anyType` element.
//! Both write back byte for byte; the namespace declarations of enclosing elements they use
//! travel with them and are declared on the written element.
//!
//! [`MixedContent`] is the content of a type with mixed content (text and elements as
//! written): [`XmlReader::mixed_content`] reads it before and instead of the type's children,
//! and the declarations it uses are written on the element with its attributes. In
//! [`complex_type!`](crate::complex_type) tables the wildcard rows `any_one`, `any_optional`
//! and `any_many` take, after the named fields, any child no named field matched. The reader
//! cuts these values out of the input ([`XmlReader::raw_element`], [`XmlReader::raw_content`]).

use super::{DecodeError, Name, StartTag, XmlReader, XmlValue, XmlWriter};

/// A whole element matched by `xs:any`, exactly as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct RawXml {
    /// The element, from `<` of its start tag through its end tag. Writing puts it into the
    /// document as is: a value built by hand must be one well-formed element.
    pub xml: String,
    /// Declarations `(prefix, uri)` of enclosing elements that the element may use (`""`: the
    /// default namespace); declared on it when written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<(String, String)>,
}

impl RawXml {
    /// An element given as text (it must be one well-formed element using no undeclared
    /// prefix).
    pub fn new(xml: impl Into<String>) -> Self {
        RawXml {
            xml: xml.into(),
            namespaces: Vec::new(),
        }
    }

    /// Writes the element (with the kept declarations added to its start tag).
    pub fn write(&self, w: &mut XmlWriter) {
        if self.namespaces.is_empty() {
            w.raw(&self.xml);
            return;
        }
        // After the element's name: `<name` + declarations + the rest, byte for byte.
        let name_end = self
            .xml
            .char_indices()
            .skip(1)
            .find(|(_, c)| c.is_whitespace() || *c == '/' || *c == '>')
            .map_or(self.xml.len(), |(i, _)| i);
        w.raw(&self.xml[..name_end]);
        write_declarations(w, &self.namespaces, &self.xml[name_end..]);
        w.raw(&self.xml[name_end..]);
    }
}

/// The attributes and content of an element of type `xs:anyType` (or an untyped element),
/// exactly as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct AnyValue {
    /// The attributes of the start tag as written (with the leading space), e.g.
    /// ` xsi:type="xsd:string"`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub attributes: String,
    /// Everything between the start and end tags, as written.
    pub content: String,
    /// Declarations `(prefix, uri)` of enclosing elements the attributes or content may use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<(String, String)>,
}

impl AnyValue {
    /// Text content (escaped here), no attributes.
    pub fn text(text: &str) -> Self {
        let mut w = XmlWriter::default();
        w.text_element_content(text, "anyType");
        AnyValue {
            content: w.finish().unwrap_or_default(),
            ..AnyValue::default()
        }
    }
}

/// The content of an element of a type with mixed content (text with elements between), as
/// written: the type's attributes are fields of their own, its text and elements are kept
/// here and written back byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct MixedContent {
    /// Everything between the start and end tags, as written. Writing puts it into the
    /// document as is: a value built by hand must be well-formed content.
    pub content: String,
    /// Declarations `(prefix, uri)` in scope that the content uses; declared on the element
    /// when written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<(String, String)>,
}

impl MixedContent {
    /// Text only (escaped here).
    pub fn text(text: &str) -> Self {
        let mut w = XmlWriter::default();
        w.text_element_content(text, "content");
        MixedContent {
            content: w.finish().unwrap_or_default(),
            namespaces: Vec::new(),
        }
    }
}

/// Declares the namespaces mixed content uses, in the element's open start tag.
pub fn write_mixed_declarations(w: &mut XmlWriter, value: &MixedContent) {
    write_declarations(w, &value.namespaces, "");
}

/// Writes mixed content as kept.
pub fn write_mixed_content(w: &mut XmlWriter, value: &MixedContent) {
    w.raw(&value.content);
}

/// Reads the content of a type with mixed content.
pub fn read_mixed(r: &mut XmlReader<'_>) -> Result<MixedContent, DecodeError> {
    r.mixed_content()
}

/// ` xmlns:p="uri"` for each kept declaration the start tag does not make itself.
fn write_declarations(w: &mut XmlWriter, namespaces: &[(String, String)], tag_rest: &str) {
    let tag = tag_rest.split('>').next().unwrap_or_default();
    for (prefix, uri) in namespaces {
        let name = if prefix.is_empty() {
            "xmlns".to_owned()
        } else {
            format!("xmlns:{prefix}")
        };
        if !tag.contains(&format!("{name}=")) {
            w.attribute(&name, uri);
        }
    }
}

impl XmlValue for AnyValue {
    fn write_element(&self, w: &mut XmlWriter, name: &Name) {
        w.open(name);
        write_declarations(w, &self.namespaces, &self.attributes);
        w.raw(&self.attributes);
        w.close_start();
        w.raw(&self.content);
        w.end(name);
    }
    fn read_element(r: &mut XmlReader<'_>, start: &StartTag<'_>) -> Result<Self, DecodeError> {
        r.raw_content(start)
    }
}

/// Writes the elements of an `xs:any` wildcard, whose count must lie within `min..=max`.
pub fn write_raw_many(w: &mut XmlWriter, values: &[RawXml], min: u32, max: Option<u32>) {
    w.check_count(&Name::local("any"), values.len(), min, max);
    for v in values {
        v.write(w);
    }
}

/// Writes the element of an optional `xs:any` wildcard when present.
pub fn write_raw_optional(w: &mut XmlWriter, value: &Option<RawXml>) {
    if let Some(v) = value {
        v.write(w);
    }
}

/// Writes the element of a required `xs:any` wildcard.
pub fn write_raw_one(w: &mut XmlWriter, value: &RawXml) {
    value.write(w);
}

/// Reads one more element of a repeated `xs:any` wildcard.
pub fn read_raw_push(
    r: &mut XmlReader<'_>,
    start: &StartTag<'_>,
    list: &mut Vec<RawXml>,
) -> Result<(), DecodeError> {
    list.push(r.raw_element(start)?);
    Ok(())
}

/// Reads the element of a single `xs:any` wildcard; a second one is an unknown element.
pub fn read_raw_into(
    r: &mut XmlReader<'_>,
    start: &StartTag<'_>,
    slot: &mut Option<RawXml>,
) -> Result<(), DecodeError> {
    if slot.is_some() {
        return r.unknown_child(start);
    }
    *slot = Some(r.raw_element(start)?);
    Ok(())
}
