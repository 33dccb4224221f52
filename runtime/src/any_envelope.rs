//! Envelopes read and written without knowing the operation: any global element of the API
//! in the Body (the generated `AnyElement` implements [`ElementSet`]): [`decode_any`] and
//! [`encode_any`], what a server of the API reads requests with before it knows the operation.

use super::envelope::{BodyContent, Checked, read_envelope, write_envelope};
use super::{
    BodyUse, DecodeError, DecodeErrorKind, EncodeError, Fault, Name, SoapVersion, StartTag,
    XmlReader, XmlValue, XmlWriter,
};

/// Every global element of a WSDL as one enum, to read any message of the API without knowing
/// the operation first (implemented by the generated `AnyElement`).
pub trait ElementSet: Sized {
    /// Namespace prefixes used when writing (`prefix`, `uri`).
    const NAMESPACES: &'static [(&'static str, &'static str)];
    /// The SOAP version of the API's envelopes.
    const SOAP: SoapVersion = SoapVersion::Soap11;
    /// True when `start` is one of the global elements.
    fn knows(start: &StartTag<'_>) -> bool;
    /// Reads `start` if it is a known global element.
    fn read_any(r: &mut XmlReader<'_>, start: &StartTag<'_>) -> Result<Option<Self>, DecodeError>;
    /// Writes the element.
    fn write_any(&self, w: &mut XmlWriter);
    /// Its name.
    fn element_name(&self) -> Name;
}

/// Any message of the API, decoded without knowing its operation.
#[derive(Debug, Clone, PartialEq)]
pub struct AnyEnvelope<E> {
    /// Known headers, in document order (unknown ones are skipped).
    pub headers: Vec<E>,
    /// The body element, or a fault.
    pub body: AnyBody<E>,
}

/// The body of an [`AnyEnvelope`].
#[derive(Debug, Clone, PartialEq)]
pub enum AnyBody<E> {
    /// A global element of the API.
    Element(E),
    /// A SOAP fault.
    Fault(Fault),
}

/// Decodes any request or response envelope of the API, leniently. It reads bodies as
/// literal: a SOAP-encoded message's multi-reference values (`href`/`id`) are resolved only by
/// the per-operation functions ([`decode_response`](crate::decode_response), ...), which know the operation's
/// [`BodyUse`].
pub fn decode_any<E: ElementSet>(xml: &[u8]) -> Result<AnyEnvelope<E>, DecodeError> {
    Ok(decode_any_checked(xml, false)?.0)
}

/// Decodes any envelope of the API, strictly or leniently (see [`decode_request_checked`](crate::decode_request_checked)),
/// with the elements skipped.
pub fn decode_any_checked<E: ElementSet>(xml: &[u8], strict: bool) -> Checked<AnyEnvelope<E>> {
    let mut headers = Vec::new();
    let (content, skipped) = read_envelope(
        xml,
        E::SOAP,
        E::NAMESPACES,
        strict,
        |r, start| {
            // A header sent nil is absent (JAX-WS writes `null` header parameters so).
            if start.is_nil() && E::knows(start) {
                r.skip()?;
                return Ok(true);
            }
            Ok(match E::read_any(r, start)? {
                Some(header) => {
                    headers.push(header);
                    true
                }
                None => false,
            })
        },
        |r, element| {
            let Some(element) = element else {
                return Err(r.error(DecodeErrorKind::Envelope("the Body is empty".into())));
            };
            match E::read_any(r, element)? {
                Some(body) => Ok(body),
                None => Err(r.error_at_tag(
                    element,
                    DecodeErrorKind::WrongElement {
                        expected: "a global element of this API".into(),
                        found: element.display_name(),
                    },
                )),
            }
        },
    )?;
    let envelope = AnyEnvelope {
        headers,
        body: match content {
            BodyContent::Element(e) => AnyBody::Element(e),
            BodyContent::Fault(f) => AnyBody::Fault(f),
        },
    };
    Ok((envelope, skipped))
}

/// Encodes an [`AnyEnvelope`].
pub fn encode_any<E: ElementSet>(envelope: &AnyEnvelope<E>) -> Result<String, EncodeError> {
    let write_headers = |w: &mut XmlWriter| {
        for h in &envelope.headers {
            h.write_any(w);
        }
    };
    let headers: Option<&dyn Fn(&mut XmlWriter)> = if envelope.headers.is_empty() {
        None
    } else {
        Some(&write_headers)
    };
    match &envelope.body {
        AnyBody::Element(body) => write_envelope(
            E::SOAP,
            E::NAMESPACES,
            BodyUse::Literal,
            4096,
            headers,
            |w| body.write_any(w),
        ),
        AnyBody::Fault(fault) => super::encode_fault_as(E::SOAP, fault, E::NAMESPACES),
    }
}

/// Reads one global element `name` of type `T` at `start` (used by generated `AnyElement`).
pub fn read_global<T: XmlValue>(
    r: &mut XmlReader<'_>,
    start: &StartTag<'_>,
    name: &'static str,
) -> Result<T, DecodeError> {
    super::read_value(r, start, name)
}
