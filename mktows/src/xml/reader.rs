//! Reading XML: a pull parser (quick-xml) driven by the generated code, one element at a time.
//! It tracks the path of elements for error messages, resolves namespaces by URI, and never
//! expands entities beyond the five predefined ones or reads a DTD.

use std::borrow::Cow;
use std::fmt;

use quick_xml::events::Event;
use quick_xml::name::{QName, ResolveResult};
use quick_xml::reader::NsReader;

use super::XSI;

/// Deepest element nesting accepted (bounds recursion on hostile input).
pub const MAX_DEPTH: usize = 256;
/// Longest excerpt of a bad value quoted in an error.
const EXCERPT: usize = 64;

/// The namespace of an element, resolved by URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ns {
    /// No namespace (an unqualified element).
    None,
    /// One of the known namespaces (index into the table the reader was built with).
    Known(usize),
    /// The SOAP 1.1 envelope namespace.
    SoapEnvelope,
    /// The SOAP 1.2 envelope namespace (recognised to be refused clearly).
    Soap12Envelope,
    /// Some other namespace.
    Other,
}

const SOAP11_ENV: &[u8] = b"http://schemas.xmlsoap.org/soap/envelope/";
const SOAP12_ENV: &[u8] = b"http://www.w3.org/2003/05/soap-envelope";

/// A start tag as the generated code sees it.
#[derive(Debug, Clone)]
pub struct StartTag<'a> {
    local: Cow<'a, [u8]>,
    ns: Ns,
    nil: bool,
    xsi_type: Option<(Ns, String)>,
    offset: usize,
}

impl StartTag<'_> {
    /// Local name bytes.
    pub fn local_name(&self) -> &[u8] {
        &self.local
    }

    /// The element's namespace.
    pub fn ns(&self) -> Ns {
        self.ns
    }

    /// `xsi:nil="true"` (or `"1"`).
    pub fn is_nil(&self) -> bool {
        self.nil
    }

    /// `xsi:type`, resolved: namespace and local name.
    pub fn xsi_type(&self) -> Option<(Ns, &str)> {
        self.xsi_type.as_ref().map(|(ns, local)| (*ns, local.as_str()))
    }

    /// True when the element has local name `local` and namespace `ns`.
    pub fn is(&self, ns: Ns, local: &[u8]) -> bool {
        self.ns == ns && *self.local == *local
    }

    /// The local name as text (lossy), for messages.
    pub fn display_name(&self) -> String {
        String::from_utf8_lossy(&self.local).into_owned()
    }
}

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// Not well-formed XML.
    Malformed(String),
    /// The document ends inside an element (a truncated body).
    UnexpectedEof,
    /// A DTD (`<!DOCTYPE`): never read, refused.
    Dtd,
    /// Elements nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// Text where only elements may appear.
    UnexpectedText,
    /// An element where a simple value was expected.
    UnexpectedElement(String),
    /// A required element is missing.
    Missing(String),
    /// An element that may appear once appears again.
    Duplicate(String),
    /// More repetitions than `maxOccurs`.
    TooMany {
        /// Element.
        element: String,
        /// `maxOccurs`.
        max: u32,
    },
    /// Fewer repetitions than `minOccurs`.
    TooFew {
        /// Element.
        element: String,
        /// `minOccurs`.
        min: u32,
    },
    /// Text that is not a valid value of the element's type.
    InvalidValue {
        /// The XSD type, e.g. `xs:int`.
        expected: &'static str,
        /// The text (cut to 64 characters).
        value: String,
    },
    /// `xsi:nil` on an element that is not nillable.
    NilNotAllowed,
    /// An element of an abstract type without `xsi:type`.
    MissingXsiType(&'static str),
    /// An `xsi:type` that is not a known subtype.
    UnknownXsiType(String),
    /// A different element than the one expected (root, body or header).
    WrongElement {
        /// What was expected, as `{namespace}local`.
        expected: String,
        /// What was found.
        found: String,
    },
    /// A SOAP envelope rule broken (no Body, two body elements, SOAP 1.2, ...).
    Envelope(String),
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(m) => write!(f, "malformed XML: {m}"),
            Self::UnexpectedEof => f.write_str("unexpected end of document (truncated?)"),
            Self::Dtd => f.write_str("a DTD is not allowed in a SOAP message"),
            Self::TooDeep => write!(f, "elements nested deeper than {MAX_DEPTH}"),
            Self::UnexpectedText => f.write_str("unexpected text between elements"),
            Self::UnexpectedElement(e) => write!(f, "unexpected element <{e}> inside a simple value"),
            Self::Missing(e) => write!(f, "missing required element <{e}>"),
            Self::Duplicate(e) => write!(f, "element <{e}> appears more than once"),
            Self::TooMany { element, max } => write!(f, "element <{element}> appears more than {max} times"),
            Self::TooFew { element, min } => write!(f, "element <{element}> appears fewer than {min} times"),
            Self::InvalidValue { expected, value } => write!(f, "invalid {expected} value {value:?}"),
            Self::NilNotAllowed => f.write_str("xsi:nil on an element that is not nillable"),
            Self::MissingXsiType(base) => write!(f, "no xsi:type on an element of the abstract type {base}"),
            Self::UnknownXsiType(t) => write!(f, "unknown xsi:type {t:?}"),
            Self::WrongElement { expected, found } => write!(f, "expected element {expected}, found {found}"),
            Self::Envelope(m) => write!(f, "invalid SOAP envelope: {m}"),
        }
    }
}

/// A document that does not conform, with the path of elements where it happened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {kind} (line {line}, column {column})")]
pub struct DecodeError {
    /// Element path from the root of the decoded value, e.g. `successSyncLead/result/syncStatus/status`.
    pub path: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What went wrong.
    pub kind: DecodeErrorKind,
}

/// A pull reader over one document.
pub struct XmlReader<'a> {
    inner: NsReader<&'a [u8]>,
    input: &'a [u8],
    namespaces: &'static [(&'static str, &'static str)],
    path: Vec<&'static str>,
    depth: usize,
}

impl<'a> XmlReader<'a> {
    /// A reader over `input`; `namespaces` are the (prefix, URI) pairs known to the bindings.
    pub fn new(input: &'a [u8], namespaces: &'static [(&'static str, &'static str)]) -> Self {
        let mut inner = NsReader::from_reader(input);
        let config = inner.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        config.trim_text(false);
        XmlReader {
            inner,
            input,
            namespaces,
            path: Vec::new(),
            depth: 0,
        }
    }

    /// Index of a known namespace URI.
    pub fn known(&self, uri: &str) -> Ns {
        match self.namespaces.iter().position(|(_, u)| *u == uri) {
            Some(i) => Ns::Known(i),
            None if uri.as_bytes() == SOAP11_ENV => Ns::SoapEnvelope,
            None if uri.as_bytes() == SOAP12_ENV => Ns::Soap12Envelope,
            None => Ns::Other,
        }
    }

    /// The URI of a namespace the reader knows.
    pub fn namespace_uri(&self, ns: Ns) -> Option<&'static str> {
        match ns {
            Ns::Known(i) => self.namespaces.get(i).map(|(_, uri)| *uri),
            Ns::SoapEnvelope => Some(super::SOAP_ENV),
            _ => None,
        }
    }

    /// Enters an element of the decoded value (for error paths).
    pub fn enter(&mut self, local: &'static str) {
        self.path.push(local);
    }

    /// Leaves the element entered last.
    pub fn leave(&mut self) {
        self.path.pop();
    }

    /// An error at the current position.
    #[cold]
    pub fn error(&self, kind: DecodeErrorKind) -> DecodeError {
        self.error_at(self.inner.buffer_position() as usize, kind)
    }

    /// An error at the start of `tag`.
    #[cold]
    pub fn error_at_tag(&self, tag: &StartTag, kind: DecodeErrorKind) -> DecodeError {
        self.error_at(tag.offset, kind)
    }

    #[cold]
    fn error_at(&self, offset: usize, kind: DecodeErrorKind) -> DecodeError {
        let before = &self.input[..offset.min(self.input.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
        let path = if self.path.is_empty() { "(document)".to_owned() } else { self.path.join("/") };
        DecodeError {
            path,
            line: line as u32,
            column: column as u32,
            kind,
        }
    }

    /// An error for a bad value of type `expected`.
    #[cold]
    pub fn invalid_value(&self, expected: &'static str, value: &str) -> DecodeError {
        let mut excerpt: String = value.chars().take(EXCERPT).collect();
        if excerpt.len() < value.len() {
            excerpt.push('…');
        }
        self.error(DecodeErrorKind::InvalidValue {
            expected,
            value: excerpt,
        })
    }

    fn next_event(&mut self) -> Result<(Ns, Event<'a>, usize), DecodeError> {
        let offset = self.inner.buffer_position() as usize;
        match self.inner.read_resolved_event() {
            Ok((resolved, event)) => Ok((classify(self.namespaces, &resolved), event, offset)),
            Err(e) => {
                let message = e.to_string();
                // A syntax error at the very end of the input is a truncated document.
                let kind = if self.inner.buffer_position() as usize >= self.input.len() {
                    DecodeErrorKind::UnexpectedEof
                } else {
                    DecodeErrorKind::Malformed(message)
                };
                Err(self.error_at(offset, kind))
            }
        }
    }

    fn start_tag(&mut self, ns: Ns, start: quick_xml::events::BytesStart<'a>, offset: usize) -> Result<StartTag<'a>, DecodeError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_at(offset, DecodeErrorKind::TooDeep));
        }
        let mut nil = false;
        let mut xsi_type = None;
        for attr in start.attributes() {
            let attr = attr.map_err(|e| self.error_at(offset, DecodeErrorKind::Malformed(e.to_string())))?;
            let (resolved, local) = self.inner.resolve_attribute(attr.key);
            let is_xsi = matches!(resolved, ResolveResult::Bound(ns) if ns.0 == XSI.as_bytes());
            if !is_xsi {
                continue;
            }
            match local.as_ref() {
                b"nil" => nil = matches!(attr.value.as_ref(), b"true" | b"1"),
                b"type" => {
                    let value = String::from_utf8(attr.value.to_vec())
                        .map_err(|_| self.error_at(offset, DecodeErrorKind::Malformed("xsi:type is not UTF-8".into())))?;
                    let value = value.trim();
                    let (resolved, local) = self.inner.resolve_element(QName(value.as_bytes()));
                    let type_ns = classify(self.namespaces, &resolved);
                    let local = String::from_utf8_lossy(local.as_ref()).into_owned();
                    xsi_type = Some((type_ns, local));
                }
                _ => {}
            }
        }
        // The local name is the suffix of the qualified name; borrow it from the input when the
        // event's bytes lie inside it (always, for a slice reader), else copy.
        let qname = start.name();
        let local_len = start.local_name().as_ref().len();
        let local_bytes = &qname.as_ref()[qname.as_ref().len() - local_len..];
        let offset_in_input = (local_bytes.as_ptr() as usize).wrapping_sub(self.input.as_ptr() as usize);
        let local = match self.input.get(offset_in_input..offset_in_input.wrapping_add(local_len)) {
            Some(borrowed) if std::ptr::eq(borrowed.as_ptr(), local_bytes.as_ptr()) => Cow::Borrowed(borrowed),
            _ => Cow::Owned(local_bytes.to_vec()),
        };
        Ok(StartTag {
            local,
            ns,
            nil,
            xsi_type,
            offset,
        })
    }

    /// Reads up to the root element and returns it.
    pub fn root(&mut self) -> Result<StartTag<'a>, DecodeError> {
        loop {
            let (ns, event, offset) = self.next_event()?;
            match event {
                Event::Start(start) => return self.start_tag(ns, start, offset),
                Event::DocType(_) => return Err(self.error_at(offset, DecodeErrorKind::Dtd)),
                Event::Text(t) if is_whitespace(&t) => {}
                Event::Text(_) | Event::CData(_) => return Err(self.error_at(offset, DecodeErrorKind::UnexpectedText)),
                Event::Eof => return Err(self.error_at(offset, DecodeErrorKind::UnexpectedEof)),
                _ => {}
            }
        }
    }

    /// The next child element of the current element, or `None` at its end tag.
    pub fn next_child(&mut self) -> Result<Option<StartTag<'a>>, DecodeError> {
        loop {
            let (ns, event, offset) = self.next_event()?;
            match event {
                Event::Start(start) => return self.start_tag(ns, start, offset).map(Some),
                Event::End(_) => {
                    self.depth -= 1;
                    return Ok(None);
                }
                Event::Text(t) if is_whitespace(&t) => {}
                Event::CData(c) if c.iter().all(u8::is_ascii_whitespace) => {}
                Event::Text(_) | Event::CData(_) => return Err(self.error_at(offset, DecodeErrorKind::UnexpectedText)),
                Event::DocType(_) => return Err(self.error_at(offset, DecodeErrorKind::Dtd)),
                Event::Eof => return Err(self.error_at(offset, DecodeErrorKind::UnexpectedEof)),
                _ => {}
            }
        }
    }

    /// Skips the rest of the current element (after its start tag), whatever it contains.
    pub fn skip(&mut self) -> Result<(), DecodeError> {
        let mut open = 1usize;
        loop {
            let (_, event, offset) = self.next_event()?;
            match event {
                Event::Start(_) => open += 1,
                Event::End(_) => {
                    open -= 1;
                    if open == 0 {
                        self.depth -= 1;
                        return Ok(());
                    }
                }
                Event::DocType(_) => return Err(self.error_at(offset, DecodeErrorKind::Dtd)),
                Event::Eof => return Err(self.error_at(offset, DecodeErrorKind::UnexpectedEof)),
                _ => {}
            }
        }
    }

    /// Reads the text content of the current element up to its end tag (entities, character
    /// references and CDATA decoded; comments ignored).
    pub fn text(&mut self) -> Result<Cow<'a, str>, DecodeError> {
        let mut text: Option<Cow<'a, str>> = None;
        loop {
            let (_, event, offset) = self.next_event()?;
            let piece: Cow<'a, str> = match event {
                Event::Text(t) => t
                    .unescape()
                    .map_err(|e| self.error_at(offset, DecodeErrorKind::Malformed(e.to_string())))?,
                Event::CData(c) => match c.into_inner() {
                    Cow::Borrowed(b) => Cow::Borrowed(
                        std::str::from_utf8(b)
                            .map_err(|e| self.error_at(offset, DecodeErrorKind::Malformed(e.to_string())))?,
                    ),
                    Cow::Owned(b) => Cow::Owned(
                        String::from_utf8(b).map_err(|e| self.error_at(offset, DecodeErrorKind::Malformed(e.to_string())))?,
                    ),
                },
                Event::End(_) => {
                    self.depth -= 1;
                    return Ok(text.unwrap_or(Cow::Borrowed("")));
                }
                Event::Start(start) => {
                    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                    return Err(self.error_at(offset, DecodeErrorKind::UnexpectedElement(name)));
                }
                Event::DocType(_) => return Err(self.error_at(offset, DecodeErrorKind::Dtd)),
                Event::Eof => return Err(self.error_at(offset, DecodeErrorKind::UnexpectedEof)),
                _ => continue,
            };
            text = Some(match text {
                None => piece,
                Some(before) => Cow::Owned(before.into_owned() + &piece),
            });
        }
    }

    /// After the root element: only whitespace, comments and processing instructions may follow.
    pub fn end_of_document(&mut self) -> Result<(), DecodeError> {
        loop {
            let (_, event, offset) = self.next_event()?;
            match event {
                Event::Eof => return Ok(()),
                Event::Text(t) if is_whitespace(&t) => {}
                Event::Comment(_) | Event::PI(_) => {}
                _ => {
                    return Err(self.error_at(
                        offset,
                        DecodeErrorKind::Malformed("content after the root element".into()),
                    ));
                }
            }
        }
    }
}

fn classify(namespaces: &[(&str, &str)], resolved: &ResolveResult) -> Ns {
    match resolved {
        ResolveResult::Unbound => Ns::None,
        ResolveResult::Bound(ns) => match namespaces.iter().position(|(_, u)| u.as_bytes() == ns.0) {
            Some(i) => Ns::Known(i),
            None if ns.0 == SOAP11_ENV => Ns::SoapEnvelope,
            None if ns.0 == SOAP12_ENV => Ns::Soap12Envelope,
            None => Ns::Other,
        },
        ResolveResult::Unknown(_) => Ns::Other,
    }
}

fn is_whitespace(text: &[u8]) -> bool {
    text.iter().all(u8::is_ascii_whitespace)
}
