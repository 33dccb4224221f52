//! SOAP 1.1 envelopes: operation descriptions, headers, faults, and encoding/decoding whole
//! request and response documents.

use std::future::Future;

use super::reader::Skipped;
use super::{
    BodyUse, DecodeError, DecodeErrorKind, EncodeError, Name, Ns, StartTag, XmlReader, XmlValue,
    XmlWriter, expect_element,
};

/// SOAP 1.1 envelope namespace.
pub const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const ENVELOPE: Name = Name::qualified("SOAP-ENV", SOAP_ENV, "Envelope");
const HEADER: Name = Name::qualified("SOAP-ENV", SOAP_ENV, "Header");
const BODY: Name = Name::qualified("SOAP-ENV", SOAP_ENV, "Body");
const FAULT: Name = Name::qualified("SOAP-ENV", SOAP_ENV, "Fault");

/// What the WSDL says about one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationInfo {
    /// Operation name, e.g. `syncLead`.
    pub name: &'static str,
    /// `SOAPAction` HTTP header value.
    pub soap_action: &'static str,
    /// Request body element.
    pub input: Name,
    /// Response body element.
    pub output: Name,
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
    /// Request body.
    type Input: XmlValue + Send + Sync + 'static;
    /// Response body.
    type Output: XmlValue + Send + Sync + 'static;
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

/// A SOAP 1.1 fault.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Fault {
    /// `faultcode` as written, e.g. `SOAP-ENV:Client`.
    pub code: String,
    /// `faultstring`.
    pub string: String,
    /// `faultactor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// Children of `detail`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub detail: Vec<FaultDetail>,
}

impl Fault {
    /// The local part of `faultcode` (`Client`, `Server`, ...).
    pub fn code_local(&self) -> &str {
        self.code.rsplit(':').next().unwrap_or(&self.code)
    }
}

/// One element inside a fault's `detail`, e.g. Marketo's `serviceException`.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct FaultDetail {
    /// Namespace URI, when it is one the bindings know.
    pub namespace: Option<String>,
    /// Local name.
    pub name: String,
    /// Its simple child elements in order: (local name, text).
    pub fields: Vec<(String, String)>,
}

impl FaultDetail {
    /// The text of child `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Writes a whole envelope around `write_body`.
fn write_envelope(
    namespaces: &'static [(&'static str, &'static str)],
    body_use: BodyUse,
    capacity: usize,
    headers: Option<&dyn Fn(&mut XmlWriter)>,
    write_body: impl FnOnce(&mut XmlWriter),
) -> Result<String, EncodeError> {
    let mut w = XmlWriter::with_capacity(capacity);
    w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    w.open(&ENVELOPE);
    w.attribute("xmlns:SOAP-ENV", SOAP_ENV);
    for (prefix, uri) in namespaces {
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
        w.open(&HEADER);
        w.close_start();
        write_headers(&mut w);
        w.end(&HEADER);
    }
    w.open(&BODY);
    if body_use == BodyUse::Encoded {
        w.attribute("SOAP-ENV:encodingStyle", super::SOAP_ENCODING);
    }
    w.close_start();
    write_body(&mut w);
    w.end(&BODY);
    w.end(&ENVELOPE);
    w.finish()
}

fn write_message<H: Headers, B: XmlValue>(
    info: &OperationInfo,
    body_use: BodyUse,
    headers: &H,
    body_name: &Name,
    body: &B,
) -> Result<String, EncodeError> {
    let write_headers = |w: &mut XmlWriter| headers.write_headers(w);
    let headers: Option<&dyn Fn(&mut XmlWriter)> = if headers.is_empty() {
        None
    } else {
        Some(&write_headers)
    };
    write_envelope(info.namespaces, body_use, 4096, headers, |w| {
        body.write_element(w, body_name)
    })
}

/// The request document of operation `O`.
pub fn encode_request<O: Operation>(
    headers: &O::InputHeaders,
    body: &O::Input,
) -> Result<String, EncodeError> {
    write_message(O::INFO, O::BODY_USE, headers, &O::INFO.input, body)
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
    write_envelope(
        O::INFO.namespaces,
        O::BODY_USE,
        capacity,
        Some(&write_headers),
        |w| body.write_element(w, &O::INFO.input),
    )
}

/// The response document of operation `O`.
pub fn encode_response<O: Operation>(
    headers: &O::OutputHeaders,
    body: &O::Output,
) -> Result<String, EncodeError> {
    write_message(O::INFO, O::BODY_USE, headers, &O::INFO.output, body)
}

/// A fault response document, shaped as Marketo writes them: the Envelope declares only the
/// SOAP prefix and each detail entry declares its own namespace
/// (`<ns1:serviceException xmlns:ns1="...">`).
pub fn encode_fault(
    fault: &Fault,
    namespaces: &'static [(&'static str, &'static str)],
) -> Result<String, EncodeError> {
    let mut w = XmlWriter::with_capacity(1024);
    w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    w.open(&ENVELOPE);
    w.attribute("xmlns:SOAP-ENV", SOAP_ENV);
    w.close_start();
    w.open(&BODY);
    w.close_start();
    w.open(&FAULT);
    w.close_start();
    w.text_element(&Name::local("faultcode"), &fault.code);
    w.text_element(&Name::local("faultstring"), &fault.string);
    if let Some(actor) = &fault.actor {
        w.text_element(&Name::local("faultactor"), actor);
    }
    if !fault.detail.is_empty() {
        let detail = Name::local("detail");
        w.open(&detail);
        w.close_start();
        for entry in &fault.detail {
            let name = escape_name(&entry.name);
            let prefix = entry.namespace.as_deref().map(|ns| {
                let prefix = namespaces
                    .iter()
                    .find(|(_, uri)| *uri == ns)
                    .map_or("ns", |(p, _)| *p);
                (prefix, ns)
            });
            w.raw("<");
            if let Some((p, _)) = prefix {
                w.raw(p);
                w.raw(":");
            }
            w.raw(&name);
            if let Some((p, ns)) = prefix {
                w.raw(" xmlns:");
                w.raw(p);
                w.raw("=\"");
                w.text_element_content(ns, &name);
                w.raw("\"");
            }
            w.raw(">");
            for (field, value) in &entry.fields {
                let field = escape_name(field);
                w.raw("<");
                w.raw(&field);
                w.raw(">");
                w.text_element_content(value, &field);
                w.raw("</");
                w.raw(&field);
                w.raw(">");
            }
            w.raw("</");
            if let Some((p, _)) = prefix {
                w.raw(p);
                w.raw(":");
            }
            w.raw(&name);
            w.raw(">");
        }
        w.end(&detail);
    }
    w.end(&FAULT);
    w.end(&BODY);
    w.end(&ENVELOPE);
    w.finish()
}

/// Keeps only name characters, so a fault detail name can never break the markup.
fn escape_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .collect();
    if cleaned.is_empty()
        || cleaned.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.')
    {
        format!("_{cleaned}")
    } else {
        cleaned
    }
}

/// What the Body of a document held.
enum BodyContent<T> {
    Element(T),
    Fault(Fault),
}

/// Reads the envelope frame; `on_header` is offered each header, `on_body` the body element.
fn read_envelope<'a, T>(
    xml: &'a [u8],
    namespaces: &'static [(&'static str, &'static str)],
    strict: bool,
    mut on_header: impl FnMut(&mut XmlReader<'a>, &StartTag<'a>) -> Result<bool, DecodeError>,
    on_body: impl FnOnce(&mut XmlReader<'a>, &StartTag<'a>) -> Result<T, DecodeError>,
) -> Result<(BodyContent<T>, Skipped), DecodeError> {
    let mut r = XmlReader::new(xml, namespaces);
    r.set_strict(strict);
    let root = r.root()?;
    if root.is(Ns::Soap12Envelope, b"Envelope") {
        return Err(r.error_at_tag(
            &root,
            DecodeErrorKind::Envelope("a SOAP 1.2 envelope; this service speaks SOAP 1.1".into()),
        ));
    }
    expect_element(&r, &root, &ENVELOPE)?;
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
        if child.is(Ns::SoapEnvelope, b"Header") && !seen_header {
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
        } else if child.is(Ns::SoapEnvelope, b"Body") {
            r.enter("Body");
            let Some(element) = r.next_child()? else {
                return Err(r.error(DecodeErrorKind::Envelope("the Body is empty".into())));
            };
            let content = if element.is(Ns::SoapEnvelope, b"Fault") {
                r.enter("Fault");
                let fault = read_fault(&mut r)?;
                r.leave();
                BodyContent::Fault(fault)
            } else {
                match on_body.take() {
                    Some(read) => BodyContent::Element(read(&mut r, &element)?),
                    None => unreachable!("a second Body is rejected before it is read"),
                }
            };
            if let Some(extra) = r.next_child()? {
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

fn read_fault(r: &mut XmlReader<'_>) -> Result<Fault, DecodeError> {
    let mut fault = Fault::default();
    let mut has_code = false;
    while let Some(child) = r.next_child()? {
        // SOAP 1.1 fault children are unqualified; some servers qualify them: match by local name.
        match child.local_name() {
            b"faultcode" => {
                r.enter("faultcode");
                fault.code = r.text()?.trim().to_owned();
                has_code = true;
                r.leave();
            }
            b"faultstring" => {
                r.enter("faultstring");
                fault.string = r.text()?.into_owned();
                r.leave();
            }
            b"faultactor" => {
                r.enter("faultactor");
                fault.actor = Some(r.text()?.into_owned());
                r.leave();
            }
            b"detail" => {
                r.enter("detail");
                while let Some(entry) = r.next_child()? {
                    let mut detail = FaultDetail {
                        namespace: r.namespace_uri(entry.ns()).map(str::to_owned),
                        name: entry.display_name(),
                        fields: Vec::new(),
                    };
                    while let Some(field) = r.next_child()? {
                        let text = r.text()?;
                        detail
                            .fields
                            .push((field.display_name(), text.into_owned()));
                    }
                    fault.detail.push(detail);
                }
                r.leave();
            }
            _ => r.skip()?,
        }
    }
    if !has_code {
        return Err(r.error(DecodeErrorKind::Missing("faultcode".into())));
    }
    Ok(fault)
}

fn read_body<'a, B: XmlValue>(
    r: &mut XmlReader<'a>,
    element: &StartTag<'a>,
    name: &Name,
) -> Result<B, DecodeError> {
    expect_element(r, element, name)?;
    r.enter(name.local);
    if element.is_nil() {
        return Err(r.error_at_tag(element, DecodeErrorKind::NilNotAllowed));
    }
    let body = B::read_element(r, element)?;
    r.leave();
    Ok(body)
}

fn read_message<H: Headers, B: XmlValue>(
    xml: &[u8],
    info: &OperationInfo,
    body_use: BodyUse,
    body_name: &Name,
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
        info.namespaces,
        strict,
        |r, start| headers.read_header(r, start),
        |r, element| read_body::<B>(r, element, body_name),
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
    match read_message(xml, O::INFO, O::BODY_USE, &O::INFO.input, strict)? {
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
    read_message(xml, O::INFO, O::BODY_USE, &O::INFO.output, false)
}

/// Every global element of a WSDL as one enum, to read any message of the API without knowing
/// the operation first (implemented by the generated `AnyElement`).
pub trait ElementSet: Sized {
    /// Namespace prefixes used when writing (`prefix`, `uri`).
    const NAMESPACES: &'static [(&'static str, &'static str)];
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
/// the per-operation functions ([`decode_response`], ...), which know the operation's
/// [`BodyUse`].
pub fn decode_any<E: ElementSet>(xml: &[u8]) -> Result<AnyEnvelope<E>, DecodeError> {
    Ok(decode_any_checked(xml, false)?.0)
}

/// Decodes any envelope of the API, strictly or leniently (see [`decode_request_checked`]),
/// with the elements skipped.
pub fn decode_any_checked<E: ElementSet>(xml: &[u8], strict: bool) -> Checked<AnyEnvelope<E>> {
    let mut headers = Vec::new();
    let (content, skipped) = read_envelope(
        xml,
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
        |r, element| match E::read_any(r, element)? {
            Some(body) => Ok(body),
            None => Err(r.error_at_tag(
                element,
                DecodeErrorKind::WrongElement {
                    expected: "a global element of this API".into(),
                    found: element.display_name(),
                },
            )),
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
        AnyBody::Element(body) => {
            write_envelope(E::NAMESPACES, BodyUse::Literal, 4096, headers, |w| {
                body.write_any(w)
            })
        }
        AnyBody::Fault(fault) => encode_fault(fault, E::NAMESPACES),
    }
}

/// Reads one global element `name` of type `T` at `start` (used by generated `AnyElement`).
pub fn read_global<T: XmlValue>(
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
