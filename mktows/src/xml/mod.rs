//! The XML runtime the generated bindings are written against: names, the [`XmlValue`] trait,
//! [`Nillable`], the per-cardinality field helpers, built-in simple types and the SOAP envelope.
//!
//! Generated code calls these helpers; applications normally use the generated types and
//! the envelope functions ([`encode_request`], [`decode_response`], ...) only.

mod attributes;
mod envelope;
mod macros;
mod particle;
mod particle_macros;
mod raw;
mod reader;
mod simple;
mod table_macros;
mod writer;

pub use attributes::*;
pub use envelope::*;
pub use macros::complex_type;
pub use particle::*;
pub use particle_macros::{choice, group};
pub use raw::{
    AnyValue, MixedContent, RawXml, read_mixed, read_raw_into, read_raw_push, write_mixed_content,
    write_mixed_declarations, write_raw_many, write_raw_one, write_raw_optional,
};
pub use reader::{
    DecodeError, DecodeErrorDetails, DecodeErrorKind, MAX_ATTRIBUTES, MAX_BINDINGS, MAX_DEPTH,
    MAX_SKIPPED, Ns, Skipped, StartTag, TagAttributeValue, XML_NAMESPACE, XmlReader,
};
pub use simple::SimpleValue;
pub use table_macros::{element_set, enumeration, headers};
pub use writer::{EncodeError, XmlWriter};

/// XML Schema instance namespace (`xsi:nil`, `xsi:type`).
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// The name of an element as written: optional prefix (bound by the enclosing document) and
/// local name, plus the namespace the prefix stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Name {
    /// Namespace URI, `None` for an unqualified element.
    pub namespace: Option<&'static str>,
    /// Prefix written before the local name.
    pub prefix: Option<&'static str>,
    /// Local name, exactly as in the schema.
    pub local: &'static str,
}

impl Name {
    /// An unqualified (local) element name.
    pub const fn local(local: &'static str) -> Name {
        Name {
            namespace: None,
            prefix: None,
            local,
        }
    }

    /// A namespace-qualified element name written with `prefix`.
    pub const fn qualified(
        prefix: &'static str,
        namespace: &'static str,
        local: &'static str,
    ) -> Name {
        Name {
            namespace: Some(namespace),
            prefix: Some(prefix),
            local,
        }
    }
}

impl From<&'static str> for Name {
    /// An unqualified element name.
    fn from(local: &'static str) -> Name {
        Name::local(local)
    }
}

impl From<&Name> for Name {
    fn from(name: &Name) -> Name {
        *name
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.namespace {
            Some(ns) => write!(f, "{{{ns}}}{}", self.local),
            None => f.write_str(self.local),
        }
    }
}

/// A value that is the content of an element: written into one and read back from one.
pub trait XmlValue: Sized {
    /// Writes `<name ...>content</name>`.
    fn write_element(&self, w: &mut XmlWriter, name: &Name);
    /// Reads the content of the element whose start tag was just read, through its end tag.
    fn read_element(r: &mut XmlReader<'_>, start: &StartTag<'_>) -> Result<Self, DecodeError>;
}

impl<T: XmlValue> XmlValue for Box<T> {
    fn write_element(&self, w: &mut XmlWriter, name: &Name) {
        (**self).write_element(w, name);
    }
    fn read_element(r: &mut XmlReader<'_>, start: &StartTag<'_>) -> Result<Self, DecodeError> {
        T::read_element(r, start).map(Box::new)
    }
}

/// A nillable element's content: `xsi:nil="true"` or a value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Nillable<T> {
    /// Present with `xsi:nil="true"`.
    Nil,
    /// Present with a value.
    Value(T),
}

impl<T> Nillable<T> {
    /// The value, if not nil.
    pub fn value(&self) -> Option<&T> {
        match self {
            Nillable::Nil => None,
            Nillable::Value(v) => Some(v),
        }
    }

    /// The value, if not nil, by value.
    pub fn into_value(self) -> Option<T> {
        match self {
            Nillable::Nil => None,
            Nillable::Value(v) => Some(v),
        }
    }

    /// True for [`Nillable::Nil`].
    pub fn is_nil(&self) -> bool {
        matches!(self, Nillable::Nil)
    }
}

impl<T> From<T> for Nillable<T> {
    fn from(value: T) -> Self {
        Nillable::Value(value)
    }
}

impl<T: serde::Serialize> serde::Serialize for Nillable<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nillable::Nil => serializer.serialize_none(),
            Nillable::Value(v) => serializer.serialize_some(v),
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Nillable<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            None => Nillable::Nil,
            Some(v) => Nillable::Value(v),
        })
    }
}

/// serde helper for `Option<Nillable<T>>` fields: a present JSON `null` is `Some(Nil)`, an
/// absent field is `None` (with `#[serde(default)]`).
pub fn deserialize_present<'de, D, T>(deserializer: D) -> Result<Option<Nillable<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Nillable<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

// ---------------------------------------------------------------------------------------------
// Field helpers, one per cardinality, called by generated code.

/// Writes a required element.
pub fn write_one<T: XmlValue>(w: &mut XmlWriter, name: impl Into<Name>, value: &T) {
    value.write_element(w, &name.into());
}

/// Writes an optional element when present.
pub fn write_optional<T: XmlValue>(w: &mut XmlWriter, name: impl Into<Name>, value: &Option<T>) {
    if let Some(v) = value {
        v.write_element(w, &name.into());
    }
}

/// Writes a nillable element: `xsi:nil="true"` or the value.
pub fn write_nillable<T: XmlValue>(w: &mut XmlWriter, name: impl Into<Name>, value: &Nillable<T>) {
    let name = name.into();
    match value {
        Nillable::Nil => w.nil_element(&name),
        Nillable::Value(v) => v.write_element(w, &name),
    }
}

/// Writes an optional nillable element: nothing, nil, or the value.
pub fn write_optional_nillable<T: XmlValue>(
    w: &mut XmlWriter,
    name: impl Into<Name>,
    value: &Option<Nillable<T>>,
) {
    if let Some(v) = value {
        write_nillable(w, name, v);
    }
}

/// Writes a repeated element, whose count must lie within `min..=max` (`None`: unbounded).
pub fn write_many<T: XmlValue>(
    w: &mut XmlWriter,
    name: impl Into<Name>,
    values: &[T],
    min: u32,
    max: Option<u32>,
) {
    let name = name.into();
    w.check_count(&name, values.len(), min, max);
    for v in values {
        v.write_element(w, &name);
    }
}

/// Writes a repeated nillable element, whose count must lie within `min..=max`.
pub fn write_many_nillable<T: XmlValue>(
    w: &mut XmlWriter,
    name: impl Into<Name>,
    values: &[Nillable<T>],
    min: u32,
    max: Option<u32>,
) {
    let name = name.into();
    w.check_count(&name, values.len(), min, max);
    for v in values {
        write_nillable(w, name, v);
    }
}

#[inline]
fn read_value<T: XmlValue>(
    r: &mut XmlReader<'_>,
    start: &StartTag<'_>,
    name: &'static str,
) -> Result<T, DecodeError> {
    r.enter(name);
    if start.is_nil() {
        return Err(r.error_at_tag(start, DecodeErrorKind::NilNotAllowed));
    }
    let value = T::read_element(r, start)?;
    r.leave();
    Ok(value)
}

fn read_nillable_value<T: XmlValue>(
    r: &mut XmlReader<'_>,
    start: &StartTag<'_>,
    name: &'static str,
) -> Result<Nillable<T>, DecodeError> {
    r.enter(name);
    let value = if start.is_nil() {
        r.skip()?;
        Nillable::Nil
    } else {
        Nillable::Value(T::read_element(r, start)?)
    };
    r.leave();
    Ok(value)
}

#[cold]
fn duplicate(r: &mut XmlReader<'_>, start: &StartTag<'_>, name: &'static str) -> DecodeError {
    r.enter(name);
    let e = r.error_at_tag(start, DecodeErrorKind::Duplicate(name.to_owned()));
    r.leave();
    e
}

/// Reads an element that may appear at most once into `slot`.
#[inline]
pub fn read_into<T: XmlValue>(
    r: &mut XmlReader<'_>,
    start: &StartTag<'_>,
    name: &'static str,
    slot: &mut Option<T>,
) -> Result<(), DecodeError> {
    if slot.is_some() {
        return Err(duplicate(r, start, name));
    }
    *slot = Some(read_value(r, start, name)?);
    Ok(())
}

/// Reads an optional SOAP header into `slot`. A header sent with `xsi:nil="true"` — what JAX-WS
/// writes for a header parameter passed as `null`, e.g. no `MktowsContextHeader` — is taken as
/// absent rather than refused.
pub fn read_header_into<T: XmlValue>(
    r: &mut XmlReader<'_>,
    start: &StartTag<'_>,
    name: &'static str,
    slot: &mut Option<T>,
) -> Result<(), DecodeError> {
    if !start.is_nil() {
        return read_into(r, start, name, slot);
    }
    if slot.is_some() {
        return Err(duplicate(r, start, name));
    }
    r.enter(name);
    r.skip()?;
    r.leave();
    Ok(())
}

/// Reads a nillable element that may appear at most once into `slot`.
pub fn read_into_nillable<T: XmlValue>(
    r: &mut XmlReader<'_>,
    start: &StartTag<'_>,
    name: &'static str,
    slot: &mut Option<Nillable<T>>,
) -> Result<(), DecodeError> {
    if slot.is_some() {
        return Err(duplicate(r, start, name));
    }
    *slot = Some(read_nillable_value(r, start, name)?);
    Ok(())
}

/// Reads one more repetition of an element.
#[inline]
pub fn read_push<T: XmlValue>(
    r: &mut XmlReader<'_>,
    start: &StartTag<'_>,
    name: &'static str,
    list: &mut Vec<T>,
) -> Result<(), DecodeError> {
    list.push(read_value(r, start, name)?);
    Ok(())
}

/// Reads one more repetition of a nillable element.
pub fn read_push_nillable<T: XmlValue>(
    r: &mut XmlReader<'_>,
    start: &StartTag<'_>,
    name: &'static str,
    list: &mut Vec<Nillable<T>>,
) -> Result<(), DecodeError> {
    list.push(read_nillable_value(r, start, name)?);
    Ok(())
}

/// The value of a required element, or an error naming it.
#[inline]
pub fn required<T>(
    r: &XmlReader<'_>,
    slot: Option<T>,
    name: &'static str,
) -> Result<T, DecodeError> {
    match slot {
        Some(v) => Ok(v),
        None => Err(r.error(DecodeErrorKind::Missing(name.to_owned()))),
    }
}

/// Checks `minOccurs`/`maxOccurs` of a repeated element.
pub fn check_count<T>(
    r: &XmlReader<'_>,
    list: Vec<T>,
    name: &'static str,
    min: u32,
    max: Option<u32>,
) -> Result<Vec<T>, DecodeError> {
    if (list.len() as u64) < u64::from(min) {
        return Err(r.error(DecodeErrorKind::TooFew {
            element: name.to_owned(),
            min,
        }));
    }
    if let Some(max) = max {
        if list.len() as u64 > u64::from(max) {
            return Err(r.error(DecodeErrorKind::TooMany {
                element: name.to_owned(),
                max,
            }));
        }
    }
    Ok(list)
}

/// Reads the element whose start tag was just read as a simple value.
#[inline]
pub fn read_simple<T: SimpleValue>(r: &mut XmlReader<'_>) -> Result<T, DecodeError> {
    let text = r.text()?;
    T::parse_text(&text).ok_or_else(|| r.invalid_value(T::XSD_TYPE, &text))
}

/// Writes a simple value as the text of the element being written (simple content).
pub fn write_text_content<T: SimpleValue>(w: &mut XmlWriter, value: &T) {
    w.text_element_content(&value.to_text(), "$value");
}

/// Writes a simple value as `<name>text</name>`.
pub fn write_simple<T: SimpleValue>(w: &mut XmlWriter, name: &Name, value: &T) {
    value.write_text_element(w, name);
}

/// Serializes `value` as a standalone element `name`, declaring `namespaces` on it.
pub fn to_xml<T: XmlValue>(
    value: &T,
    name: &Name,
    namespaces: &'static [(&'static str, &'static str)],
) -> Result<String, EncodeError> {
    let mut w = XmlWriter::with_capacity(1024);
    w.declare_on_next(namespaces);
    value.write_element(&mut w, name);
    w.finish()
}

/// Parses a standalone element `name` into a `T`.
pub fn from_xml<T: XmlValue>(
    xml: &[u8],
    name: &Name,
    namespaces: &'static [(&'static str, &'static str)],
) -> Result<T, DecodeError> {
    let mut r = XmlReader::new(xml, namespaces);
    let root = r.root()?;
    expect_element(&r, &root, name)?;
    r.enter(name.local);
    if root.is_nil() {
        return Err(r.error_at_tag(&root, DecodeErrorKind::NilNotAllowed));
    }
    let value = T::read_element(&mut r, &root)?;
    r.leave();
    r.end_of_document()?;
    Ok(value)
}

/// Checks that `tag` is the element `name` (by namespace URI and local name).
pub fn expect_element(
    r: &XmlReader<'_>,
    tag: &StartTag<'_>,
    name: &Name,
) -> Result<(), DecodeError> {
    let ns = match name.namespace {
        Some(uri) => r.known(uri),
        None => Ns::None,
    };
    if tag.is(ns, name.local.as_bytes()) && ns != Ns::Other {
        return Ok(());
    }
    Err(r.error_at_tag(
        tag,
        DecodeErrorKind::WrongElement {
            expected: name.to_string(),
            found: tag.display_name(),
        },
    ))
}
