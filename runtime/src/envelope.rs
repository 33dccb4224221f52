//! SOAP envelopes (1.1 and 1.2): operation descriptions, headers, message bodies, and
//! encoding/decoding whole request and response documents of one operation. The versions are
//! in `soap_version.rs`, faults in `fault.rs`, envelopes read without knowing the operation in
//! `any_envelope.rs`.
//!
//! - [`encode_request`] / [`encode_response`] write operation `O`'s envelopes;
//!   [`decode_request`] / [`decode_response`] read them, a response as [`Reply::Success`] or
//!   [`Reply::Fault`] (the `_checked` variants also return the unknown elements skipped).
//! - A message's content is a [`Body`]: every [`XmlValue`], or `()` for an empty Body.
//! - Generated code implements [`Operation`] per operation and [`Headers`] per headers struct;
//!   [`Invoke`] is what a transport implements to send any operation (the generated stub is
//!   generic over it).

use std::future::Future;

use super::reader::Skipped;
use super::{
    BodyUse, DecodeError, DecodeErrorKind, EncodeError, Fault, Name, SoapVersion, StartTag,
    XmlReader, XmlValue, XmlWriter, expect_element, fault::read_fault,
};

/// What a message's SOAP Body holds: one element of the schema (every [`XmlValue`]), or
/// nothing at all (`()`, for a `wsdl:message` without parts, e.g. a response that only says
/// "done").
pub trait Body: Sized {
    /// Writes the body's content; `element` is the operation's body element (`None` when the
    /// message has none). A value that does not fit `element` records an [`EncodeError`].
    fn write_body(&self, w: &mut XmlWriter, element: Option<&Name>);
    /// Reads the body's content: `first` is the Body's first child element (`None` when the
    /// Body is empty), `element` the operation's body element.
    fn read_body<'a>(
        r: &mut XmlReader<'a>,
        first: Option<&StartTag<'a>>,
        element: Option<&Name>,
    ) -> Result<Self, DecodeError>;
}

impl<T: XmlValue> Body for T {
    fn write_body(&self, w: &mut XmlWriter, element: Option<&Name>) {
        match element {
            Some(name) => self.write_element(w, name),
            None => w.fail(
                "Body",
                "the operation's message has no body element, but a value was given for it".into(),
            ),
        }
    }

    fn read_body<'a>(
        r: &mut XmlReader<'a>,
        first: Option<&StartTag<'a>>,
        element: Option<&Name>,
    ) -> Result<Self, DecodeError> {
        let Some(name) = element else {
            return Err(r.error(DecodeErrorKind::Envelope(
                "the operation's message has no body element".into(),
            )));
        };
        let Some(start) = first else {
            return Err(r.error(DecodeErrorKind::Envelope("the Body is empty".into())));
        };
        expect_element(r, start, name)?;
        super::read_value(r, start, name.local)
    }
}

/// The body of a message without parts: an empty SOAP Body.
impl Body for () {
    fn write_body(&self, _w: &mut XmlWriter, _element: Option<&Name>) {}

    fn read_body<'a>(
        r: &mut XmlReader<'a>,
        first: Option<&StartTag<'a>>,
        _element: Option<&Name>,
    ) -> Result<Self, DecodeError> {
        match first {
            None => Ok(()),
            Some(start) => Err(r.error_at_tag(
                start,
                DecodeErrorKind::Envelope(format!(
                    "<{}> in a Body that this operation leaves empty",
                    start.display_name()
                )),
            )),
        }
    }
}

/// What the WSDL says about one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationInfo {
    /// Operation name, e.g. `syncLead`.
    pub name: &'static str,
    /// The binding's SOAP version.
    pub soap: SoapVersion,
    /// The SOAP action (`soapAction` of the binding operation; see
    /// [`SoapVersion::content_type`] for how it is sent).
    pub soap_action: &'static str,
    /// Request body element; `None` when the request message has no parts (an empty Body).
    pub input: Option<Name>,
    /// Response body element; `None` when the response message has no parts.
    pub output: Option<Name>,
    /// `soap:header` parts of the request.
    pub input_headers: &'static [HeaderInfo],
    /// `soap:header` parts of the response.
    pub output_headers: &'static [HeaderInfo],
    /// Namespace prefixes used when writing (`prefix`, `uri`).
    pub namespaces: &'static [(&'static str, &'static str)],
    /// Documentation from the WSDL.
    pub documentation: &'static str,
}

/// One `soap:header` part of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderInfo {
    /// The `wsdl:message` holding the part.
    pub message: &'static str,
    /// The part name, e.g. `authentication`.
    pub part: &'static str,
    /// The header element.
    pub element: Name,
}

/// A typed operation: its description and the Rust types of its messages.
pub trait Operation {
    /// The description.
    const INFO: &'static OperationInfo;
    /// Request body (`()` for an empty one).
    type Input: Body + Send + Sync + 'static;
    /// Response body (`()` for an empty one).
    type Output: Body + Send + Sync + 'static;
    /// Request headers.
    type InputHeaders: Headers + Send + Sync + 'static;
    /// Response headers.
    type OutputHeaders: Headers + Send + Sync + 'static;
    /// How the bodies are written (`soap:body use=`): an encoded operation's messages carry
    /// `xsi:type`s and may hold multi-reference values (see [`BodyUse`]).
    const BODY_USE: BodyUse = BodyUse::Literal;
}

/// The SOAP headers of one message.
pub trait Headers: Default {
    /// True when no header is set.
    fn is_empty(&self) -> bool;
    /// Writes every header that is set.
    fn write_headers(&self, w: &mut XmlWriter);
    /// Reads `start` if it is one of these headers; `Ok(false)` leaves it to the caller.
    fn read_header(
        &mut self,
        r: &mut XmlReader<'_>,
        start: &StartTag<'_>,
    ) -> Result<bool, DecodeError>;
    /// True when the header element `element` is set.
    fn has(&self, element: &Name) -> bool;
}

/// Headers of a message that declares none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoHeaders;

impl Headers for NoHeaders {
    fn is_empty(&self) -> bool {
        true
    }
    fn write_headers(&self, _w: &mut XmlWriter) {}
    fn read_header(
        &mut self,
        _r: &mut XmlReader<'_>,
        _start: &StartTag<'_>,
    ) -> Result<bool, DecodeError> {
        Ok(false)
    }
    fn has(&self, _element: &Name) -> bool {
        false
    }
}

/// Something done for each operation of the bindings (see the generated `visit_operations`),
/// e.g. decoding a document with every operation's types.
pub trait OperationVisitor {
    /// Called once per operation, with its marker type.
    fn visit<O: Operation>(&mut self);
}

/// Sends typed requests: what the generated stub is built on (the client implements it).
pub trait Invoke {
    /// Error of a call.
    type Error;
    /// Sends `input` with `headers` as operation `O` and returns its response body.
    fn invoke<O: Operation>(
        &self,
        headers: O::InputHeaders,
        input: O::Input,
    ) -> impl Future<Output = Result<O::Output, Self::Error>> + Send;
}

/// A shared reference invokes as what it points to (a stub over `&Client`).
impl<I: Invoke + Sync> Invoke for &I {
    type Error = I::Error;

    fn invoke<O: Operation>(
        &self,
        headers: O::InputHeaders,
        input: O::Input,
    ) -> impl Future<Output = Result<O::Output, I::Error>> + Send {
        (**self).invoke::<O>(headers, input)
    }
}

/// A decoded message: its headers and body.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope<H, B> {
    /// Headers.
    pub headers: H,
    /// Body element content.
    pub body: B,
}

/// A decoded response: the expected body, or a SOAP fault.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply<H, B> {
    /// The operation's output.
    Success(Envelope<H, B>),
    /// A SOAP fault.
    Fault(Fault),
}

/// Writes a whole envelope of SOAP `version` around `write_body`.
pub(crate) fn write_envelope(
    version: SoapVersion,
    namespaces: &'static [(&'static str, &'static str)],
    body_use: BodyUse,
    capacity: usize,
    headers: Option<&dyn Fn(&mut XmlWriter)>,
    write_body: impl FnOnce(&mut XmlWriter),
) -> Result<String, EncodeError> {
    let names = version.names();
    let mut w = XmlWriter::with_capacity(capacity);
    w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    w.open(&names.envelope);
    w.attribute("xmlns:SOAP-ENV", version.envelope_namespace());
    // `xml` is bound by definition and may not be declared.
    for (prefix, uri) in namespaces.iter().filter(|(p, _)| *p != "xml") {
        w.raw(" xmlns:");
        w.raw(prefix);
        w.raw("=\"");
        w.raw(uri);
        w.raw("\"");
    }
    w.attribute("xmlns:xsi", super::XSI);
    if body_use == BodyUse::Encoded {
        w.attribute("xmlns:xsd", super::XSD);
        w.attribute("xmlns:SOAP-ENC", super::SOAP_ENCODING);
    }
    w.close_start();
    if let Some(write_headers) = headers {
        w.open(&names.header);
        w.close_start();
        write_headers(&mut w);
        w.end(&names.header);
    }
    w.open(&names.body);
    if body_use == BodyUse::Encoded {
        w.attribute("SOAP-ENV:encodingStyle", super::SOAP_ENCODING);
    }
    w.close_start();
    write_body(&mut w);
    w.end(&names.body);
    w.end(&names.envelope);
    w.finish()
}

fn write_message<H: Headers, B: Body>(
    info: &OperationInfo,
    body_use: BodyUse,
    headers: &H,
    body_name: Option<&Name>,
    body: &B,
) -> Result<String, EncodeError> {
    let write_headers = |w: &mut XmlWriter| headers.write_headers(w);
    let headers: Option<&dyn Fn(&mut XmlWriter)> = if headers.is_empty() {
        None
    } else {
        Some(&write_headers)
    };
    write_envelope(info.soap, info.namespaces, body_use, 4096, headers, |w| {
        body.write_body(w, body_name)
    })
}

/// The request document of operation `O`.
pub fn encode_request<O: Operation>(
    headers: &O::InputHeaders,
    body: &O::Input,
) -> Result<String, EncodeError> {
    write_message(O::INFO, O::BODY_USE, headers, O::INFO.input.as_ref(), body)
}

/// The request document of operation `O`, with `extra_headers` written before the typed ones
/// (a client adds the headers it computes per request, like a signature, this way).
pub fn encode_request_with<O: Operation>(
    headers: &O::InputHeaders,
    body: &O::Input,
    extra_headers: &dyn Fn(&mut XmlWriter),
    capacity: usize,
) -> Result<String, EncodeError> {
    let write_headers = |w: &mut XmlWriter| {
        extra_headers(w);
        headers.write_headers(w);
    };
    let info = O::INFO;
    write_envelope(
        info.soap,
        info.namespaces,
        O::BODY_USE,
        capacity,
        Some(&write_headers),
        |w| body.write_body(w, info.input.as_ref()),
    )
}

/// The response document of operation `O`.
pub fn encode_response<O: Operation>(
    headers: &O::OutputHeaders,
    body: &O::Output,
) -> Result<String, EncodeError> {
    write_message(O::INFO, O::BODY_USE, headers, O::INFO.output.as_ref(), body)
}

/// What the Body of a document held.
pub(crate) enum BodyContent<T> {
    /// The operation's body (or nothing, for an empty one).
    Element(T),
    /// A fault.
    Fault(Fault),
}

/// Reads an envelope of SOAP `version`; `on_header` is offered each header, `on_body` the
/// Body's first child element (`None` for an empty Body) unless it is a fault.
pub(crate) fn read_envelope<'a, T>(
    xml: &'a [u8],
    version: SoapVersion,
    namespaces: &'static [(&'static str, &'static str)],
    strict: bool,
    mut on_header: impl FnMut(&mut XmlReader<'a>, &StartTag<'a>) -> Result<bool, DecodeError>,
    on_body: impl FnOnce(&mut XmlReader<'a>, Option<&StartTag<'a>>) -> Result<T, DecodeError>,
) -> Result<(BodyContent<T>, Skipped), DecodeError> {
    let names = version.names();
    let mut r = XmlReader::new(xml, namespaces);
    r.set_strict(strict);
    let root = r.root()?;
    // By URI: a WSDL whose schemas import the envelope namespace has it in its table.
    let env = r.known(version.envelope_namespace());
    if root.is(r.known(version.other().envelope_namespace()), b"Envelope") {
        return Err(r.error_at_tag(
            &root,
            DecodeErrorKind::Envelope(format!(
                "a {} envelope; this service speaks {}",
                version.other().label(),
                version.label()
            )),
        ));
    }
    expect_element(&r, &root, &names.envelope)?;
    r.enter("Envelope");
    let mut body = None;
    let mut on_body = Some(on_body);
    let mut seen_header = false;
    while let Some(child) = r.next_child()? {
        if body.is_some() {
            return Err(r.error_at_tag(
                &child,
                DecodeErrorKind::Envelope("an element after Body".into()),
            ));
        }
        if child.is(env, b"Header") && !seen_header {
            seen_header = true;
            r.enter("Header");
            while let Some(header) = r.next_child()? {
                if !on_header(&mut r, &header)? {
                    // Headers outside the operation's binding (WS-Addressing, ...) are not
                    // the operation's data: skipped in either reading, but recorded.
                    r.skip_recorded(&header)?;
                }
            }
            r.leave();
        } else if child.is(env, b"Body") {
            r.enter("Body");
            let first = r.next_child()?;
            let content = match &first {
                Some(element) if element.is(env, b"Fault") => {
                    r.enter("Fault");
                    let fault = read_fault(&mut r, version)?;
                    r.leave();
                    BodyContent::Fault(fault)
                }
                _ => match on_body.take() {
                    Some(read) => BodyContent::Element(read(&mut r, first.as_ref())?),
                    None => unreachable!("a second Body is rejected before it is read"),
                },
            };
            if first.is_some()
                && let Some(extra) = r.next_child()?
            {
                return Err(r.error_at_tag(
                    &extra,
                    DecodeErrorKind::Envelope(format!(
                        "a second Body element <{}>",
                        extra.display_name()
                    )),
                ));
            }
            r.leave();
            body = Some(content);
        } else {
            return Err(r.error_at_tag(
                &child,
                DecodeErrorKind::Envelope(format!(
                    "unexpected <{}> in Envelope",
                    child.display_name()
                )),
            ));
        }
    }
    r.leave();
    r.end_of_document()?;
    let body = body.ok_or_else(|| r.error(DecodeErrorKind::Envelope("no Body".into())))?;
    Ok((body, r.take_skipped()))
}

fn read_message<H: Headers, B: Body>(
    xml: &[u8],
    info: &OperationInfo,
    body_use: BodyUse,
    body_name: Option<&Name>,
    strict: bool,
) -> Result<(Reply<H, B>, Skipped), DecodeError> {
    // Multi-reference values are inlined first (SOAP encoding, see `multiref.rs`).
    let inlined = match body_use {
        BodyUse::Encoded => super::multiref::inline_references(xml)?,
        BodyUse::Literal => None,
    };
    let xml = inlined.as_deref().map_or(xml, str::as_bytes);
    let mut headers = H::default();
    let (content, skipped) = read_envelope(
        xml,
        info.soap,
        info.namespaces,
        strict,
        |r, start| headers.read_header(r, start),
        |r, first| B::read_body(r, first, body_name),
    )?;
    let reply = match content {
        BodyContent::Element(body) => Reply::Success(Envelope { headers, body }),
        BodyContent::Fault(fault) => Reply::Fault(fault),
    };
    Ok((reply, skipped))
}

/// A decoded message with the elements skipped while reading it.
pub type Checked<T> = Result<(T, Skipped), DecodeError>;

/// Decodes a request document of operation `O` (as a server does).
pub fn decode_request<O: Operation>(
    xml: &[u8],
) -> Result<Envelope<O::InputHeaders, O::Input>, DecodeError> {
    Ok(decode_request_checked::<O>(xml, false)?.0)
}

/// Decodes a request of operation `O`, strictly (an element the schema does not have is an
/// error naming it and its path, as a faithful server needs) or leniently; returns the
/// elements skipped (headers outside the binding, and in lenient reading unknown elements).
pub fn decode_request_checked<O: Operation>(
    xml: &[u8],
    strict: bool,
) -> Checked<Envelope<O::InputHeaders, O::Input>> {
    match read_message(xml, O::INFO, O::BODY_USE, O::INFO.input.as_ref(), strict)? {
        (Reply::Success(envelope), skipped) => Ok((envelope, skipped)),
        (Reply::Fault(_), _) => Err(DecodeError::new(
            "Envelope/Body",
            1,
            1,
            DecodeErrorKind::Envelope("a request cannot be a fault".into()),
        )),
    }
}

/// Decodes a response document of operation `O`: its output, or a fault. Elements a newer
/// API version adds are skipped; [`decode_response_checked`] also says which.
pub fn decode_response<O: Operation>(
    xml: &[u8],
) -> Result<Reply<O::OutputHeaders, O::Output>, DecodeError> {
    Ok(decode_response_checked::<O>(xml)?.0)
}

/// Decodes a response of operation `O` leniently, with the elements it skipped (so a newer
/// API version still parses, and the caller can see what it did not understand).
pub fn decode_response_checked<O: Operation>(
    xml: &[u8],
) -> Checked<Reply<O::OutputHeaders, O::Output>> {
    read_message(xml, O::INFO, O::BODY_USE, O::INFO.output.as_ref(), false)
}
