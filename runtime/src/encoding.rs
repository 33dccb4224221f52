//! SOAP 1.1 Section 5 encoding (`use="encoded"`, as Apache Axis 1 and PHP's SoapClient speak
//! it): what the generated tables of an encoded operation's types call. An operation says which
//! use its body has by [`Operation::BODY_USE`](crate::Operation::BODY_USE) ([`BodyUse`],
//! `Literal` unless the generator sets `Encoded`).
//!
//! - Every value is written with its `xsi:type`, the declared type's name
//!   (`xsi:type="xsd:string"`, `xsi:type="ns1:RemoteComment"`, put on the next element by
//!   [`XmlWriter::type_next`](crate::XmlWriter::type_next)), so a peer that picks its
//!   deserializer by type (Axis) can read it; reading accepts values with or without it.
//! - An array (`complexContent/restriction base="soapenc:Array"`) is a `Vec` of its items:
//!   written `<name xsi:type="ns2:ArrayOfString" SOAP-ENC:arrayType="xsd:string[2]">` with one
//!   `<item xsi:type="xsd:string">` per value (the array's own type in `xsi:type`, not
//!   `soapenc:Array`, so that a schema validator accepts it where the array type is declared;
//!   Axis and PHP accept either). Its items are read whatever their element name. Partial and
//!   sparse arrays (`SOAP-ENC:offset`, `SOAP-ENC:position`) and nil items are a
//!   [`DecodeError`] rather than a wrong value.
//! - Multi-reference values (`href="#id"` and the `id` elements after the body element) are
//!   inlined before typed reading (see `multiref.rs`).
//!
//! The envelope of an encoded operation declares the `xsd` and `SOAP-ENC` prefixes these
//! `xsi:type` values use and says `SOAP-ENV:encodingStyle` on the Body.

use crate::{DecodeError, DecodeErrorKind, Name, Nillable, Ns, StartTag, XmlReader, XmlValue};
use crate::{XmlWriter, duplicate as duplicate_error};

/// The SOAP 1.1 encoding namespace (`soapenc:Array`, `soapenc:arrayType`).
pub const SOAP_ENCODING: &str = "http://schemas.xmlsoap.org/soap/encoding/";
/// XML Schema namespace, declared as `xsd` in encoded messages for their `xsi:type` values.
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema";

/// How an operation's bodies are written: `soap:body use=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BodyUse {
    /// `use="literal"`: the body is what the schema declares.
    #[default]
    Literal,
    /// `use="encoded"` with SOAP 1.1 Section 5 encoding: `xsi:type` on every value, arrays,
    /// multi-reference values.
    Encoded,
}

const ITEM: Name = Name::local("item");

/// Writes a required element with `xsi:type="xsi_type"`.
pub fn write_one_typed<T: XmlValue>(
    w: &mut XmlWriter,
    name: impl Into<Name>,
    value: &T,
    xsi_type: &'static str,
) {
    w.type_next(xsi_type);
    value.write_element(w, &name.into());
}

/// Writes an optional element, when present, with its `xsi:type`.
pub fn write_optional_typed<T: XmlValue>(
    w: &mut XmlWriter,
    name: impl Into<Name>,
    value: &Option<T>,
    xsi_type: &'static str,
) {
    if let Some(v) = value {
        write_one_typed(w, name, v, xsi_type);
    }
}

/// Writes a nillable element: `xsi:nil="true"`, or the value with its `xsi:type`.
pub fn write_nillable_typed<T: XmlValue>(
    w: &mut XmlWriter,
    name: impl Into<Name>,
    value: &Nillable<T>,
    xsi_type: &'static str,
) {
    match value {
        Nillable::Nil => w.nil_element(&name.into()),
        Nillable::Value(v) => write_one_typed(w, name, v, xsi_type),
    }
}

/// Writes an optional nillable element: nothing, nil, or the value with its `xsi:type`.
pub fn write_optional_nillable_typed<T: XmlValue>(
    w: &mut XmlWriter,
    name: impl Into<Name>,
    value: &Option<Nillable<T>>,
    xsi_type: &'static str,
) {
    if let Some(v) = value {
        write_nillable_typed(w, name, v, xsi_type);
    }
}

/// Writes a repeated element, each with its `xsi:type`; the count must lie within `min..=max`.
pub fn write_many_typed<T: XmlValue>(
    w: &mut XmlWriter,
    name: impl Into<Name>,
    values: &[T],
    min: u32,
    max: Option<u32>,
    xsi_type: &'static str,
) {
    let name = name.into();
    w.check_count(&name, values.len(), min, max);
    for v in values {
        write_one_typed(w, name, v, xsi_type);
    }
}

/// Writes a repeated nillable element, each value with its `xsi:type`.
pub fn write_many_nillable_typed<T: XmlValue>(
    w: &mut XmlWriter,
    name: impl Into<Name>,
    values: &[Nillable<T>],
    min: u32,
    max: Option<u32>,
    xsi_type: &'static str,
) {
    let name = name.into();
    w.check_count(&name, values.len(), min, max);
    for v in values {
        write_nillable_typed(w, name, v, xsi_type);
    }
}

/// Writes a SOAP-encoded array: `<name xsi:type="array_type"
/// SOAP-ENC:arrayType="item_type[n]">` and one `<item>` per value, with
/// `xsi:type="item_type"` when `typed_items` (a polymorphic item writes its own).
pub fn write_array<T: XmlValue>(
    w: &mut XmlWriter,
    name: impl Into<Name>,
    values: &[T],
    array_type: &'static str,
    item_type: &'static str,
    typed_items: bool,
) {
    let name = name.into();
    w.open(&name);
    w.attribute("xsi:type", array_type);
    let mut count = itoa::Buffer::new();
    let mut dimensions = String::with_capacity(item_type.len() + 8);
    dimensions.push_str(item_type);
    dimensions.push('[');
    dimensions.push_str(count.format(values.len()));
    dimensions.push(']');
    w.attribute("SOAP-ENC:arrayType", &dimensions);
    w.close_start();
    for v in values {
        if typed_items {
            w.type_next(item_type);
        }
        v.write_element(w, &ITEM);
    }
    w.end(&name);
}

/// Writes an optional array when present.
pub fn write_array_optional<T: XmlValue>(
    w: &mut XmlWriter,
    name: impl Into<Name>,
    values: &Option<Vec<T>>,
    array_type: &'static str,
    item_type: &'static str,
    typed_items: bool,
) {
    if let Some(values) = values {
        write_array(w, name, values, array_type, item_type, typed_items);
    }
}

/// Writes a nillable array: `xsi:nil="true"` or its items.
pub fn write_array_nillable<T: XmlValue>(
    w: &mut XmlWriter,
    name: impl Into<Name>,
    values: &Nillable<Vec<T>>,
    array_type: &'static str,
    item_type: &'static str,
    typed_items: bool,
) {
    match values {
        Nillable::Nil => w.nil_element(&name.into()),
        Nillable::Value(v) => write_array(w, name, v, array_type, item_type, typed_items),
    }
}

/// Writes an optional nillable array: nothing, nil, or its items.
pub fn write_array_optional_nillable<T: XmlValue>(
    w: &mut XmlWriter,
    name: impl Into<Name>,
    values: &Option<Nillable<Vec<T>>>,
    array_type: &'static str,
    item_type: &'static str,
    typed_items: bool,
) {
    if let Some(v) = values {
        write_array_nillable(w, name, v, array_type, item_type, typed_items);
    }
}

/// Reads the items of the array element whose start tag `start` was just read.
fn read_items<T: XmlValue>(
    r: &mut XmlReader<'_>,
    start: &StartTag<'_>,
) -> Result<Vec<T>, DecodeError> {
    if start.attribute_raw(Ns::Other, b"offset").is_some() {
        return Err(r.error_at_tag(
            start,
            DecodeErrorKind::UnsupportedEncoding("a partial array (SOAP-ENC:offset)".into()),
        ));
    }
    let mut items = Vec::new();
    while let Some(child) = r.next_child()? {
        r.enter("item");
        if child.attribute_raw(Ns::Other, b"position").is_some() {
            return Err(r.error_at_tag(
                &child,
                DecodeErrorKind::UnsupportedEncoding("a sparse array (SOAP-ENC:position)".into()),
            ));
        }
        if child.is_nil() {
            return Err(r.error_at_tag(&child, DecodeErrorKind::NilNotAllowed));
        }
        items.push(T::read_element(r, &child)?);
        r.leave();
    }
    Ok(items)
}

/// Reads an array element that may appear at most once into `slot`.
pub fn read_array_into<T: XmlValue>(
    r: &mut XmlReader<'_>,
    start: &StartTag<'_>,
    name: &'static str,
    slot: &mut Option<Vec<T>>,
) -> Result<(), DecodeError> {
    if slot.is_some() {
        return Err(duplicate_error(r, start, name));
    }
    r.enter(name);
    if start.is_nil() {
        return Err(r.error_at_tag(start, DecodeErrorKind::NilNotAllowed));
    }
    *slot = Some(read_items(r, start)?);
    r.leave();
    Ok(())
}

/// Reads a nillable array element that may appear at most once into `slot`.
pub fn read_array_into_nillable<T: XmlValue>(
    r: &mut XmlReader<'_>,
    start: &StartTag<'_>,
    name: &'static str,
    slot: &mut Option<Nillable<Vec<T>>>,
) -> Result<(), DecodeError> {
    if slot.is_some() {
        return Err(duplicate_error(r, start, name));
    }
    r.enter(name);
    let value = if start.is_nil() {
        r.skip()?;
        Nillable::Nil
    } else {
        Nillable::Value(read_items(r, start)?)
    };
    *slot = Some(value);
    r.leave();
    Ok(())
}
