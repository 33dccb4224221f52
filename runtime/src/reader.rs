//! Reading XML: a pull parser driven by the generated code, one element at a time.
//!
//! It is a small, strict XML 1.0 tokenizer specialised for SOAP messages: UTF-8 input checked
//! once up front, namespaces resolved by URI, end tags checked against start tags, the five
//! predefined entities and character references decoded, CDATA and comments understood, and no
//! DTD ever read (a `<!DOCTYPE` is an error, so no entity can be expanded). Text without
//! entities is borrowed from the input, not copied. It tracks the path of elements for error
//! messages and bounds nesting at [`MAX_DEPTH`].
//!
//! - Bounds, so hostile input costs linear work: nesting at 256 elements ([`MAX_DEPTH`]), at
//!   most 1,024 attributes per element ([`MAX_ATTRIBUTES`]; duplicates found by a scan up to 8,
//!   by a hash set above) and 1,024 namespace declarations in scope ([`MAX_BINDINGS`]).
//! - Namespaces are compared by URI, never by prefix; the default namespace in scope is cached.
//! - Characters XML 1.0 forbids are refused; text is checked and scanned for entities in one
//!   table-driven pass (`reader/chars.rs`).
//! - A [`DecodeError`] carries the element path (`Envelope/Body/successSyncLead/result/...`),
//!   line and column.
//! - Unknown child elements: strict reading ([`XmlReader::set_strict`]) refuses them with their
//!   path; lenient reading skips them and records their paths (at most [`MAX_SKIPPED`]), which
//!   the `decode_*_checked` functions return as [`Skipped`].

use std::borrow::Cow;

use super::XSI;

mod chars;
mod errors;
mod kept;
mod tags;

use chars::{append, check_chars, decode_text, trim_end};
pub use errors::{DecodeError, DecodeErrorDetails, DecodeErrorKind};

/// Deepest element nesting accepted (bounds recursion on hostile input).
pub const MAX_DEPTH: usize = 256;

/// Most attributes (namespace declarations included) on one element; more is malformed input.
/// With the hashed duplicate check this keeps each element's work linear and bounded.
pub const MAX_ATTRIBUTES: usize = 1024;

/// Most namespace declarations in scope at once; more is malformed input. Keeps prefix
/// resolution bounded whatever the nesting.
pub const MAX_BINDINGS: usize = 1024;

/// Above this many attributes on one element, duplicates are found with a hash set.
const LINEAR_DUPLICATE_CHECK: usize = 8;
/// Longest excerpt of a bad value quoted in an error.
const EXCERPT: usize = 64;

/// The namespace of an element, resolved by URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ns {
    /// No namespace (an unqualified element).
    None,
    /// One of the known namespaces (index into the table the reader was built with).
    Known(u16),
    /// The SOAP 1.1 envelope namespace.
    SoapEnvelope,
    /// The SOAP 1.2 envelope namespace.
    Soap12Envelope,
    /// The XML Schema instance namespace (`xsi:nil`, `xsi:type`).
    Xsi,
    /// Some other namespace.
    Other,
}

const SOAP11_ENV: &[u8] = b"http://schemas.xmlsoap.org/soap/envelope/";
const SOAP12_ENV: &[u8] = b"http://www.w3.org/2003/05/soap-envelope";

/// An attribute kept on a start tag: namespace, prefix (empty for none), local name, value as
/// written.
type TagAttribute<'a> = (Ns, &'a [u8], &'a [u8], &'a [u8]);

/// The namespace of the `xml:` prefix, bound in every document.
pub const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

/// One attribute of a start tag, decoded: what an attribute wildcard keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagAttributeValue<'a> {
    /// Its namespace as the reader classifies it.
    pub ns: Ns,
    /// Its namespace URI, `None` for an unqualified attribute.
    pub uri: Option<Cow<'a, str>>,
    /// Local name.
    pub local: &'a str,
    /// Value, entities decoded.
    pub value: Cow<'a, str>,
}

/// A start tag as the generated code sees it.
#[derive(Debug, Clone)]
pub struct StartTag<'a> {
    local: &'a [u8],
    ns: Ns,
    nil: bool,
    xsi_type: Option<Box<(Ns, String)>>,
    /// Attributes other than namespace declarations and `xsi:*`: (namespace, local name,
    /// value as written). Boxed: most tags have none.
    attributes: Option<Box<[TagAttribute<'a>]>>,
    offset: usize,
}

impl<'a> StartTag<'a> {
    /// Local name bytes.
    pub fn local_name(&self) -> &'a [u8] {
        self.local
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
        self.xsi_type
            .as_deref()
            .map(|(ns, local)| (*ns, local.as_str()))
    }

    /// The value (as written: entities not decoded) of attribute `local` in namespace `ns`.
    pub fn attribute_raw(&self, ns: Ns, local: &[u8]) -> Option<&'a [u8]> {
        self.attributes
            .as_deref()?
            .iter()
            .find(|(n, _, l, _)| *n == ns && *l == local)
            .map(|(_, _, _, v)| *v)
    }

    /// True for an unqualified element (no namespace).
    pub fn is_local(&self) -> bool {
        self.ns == Ns::None
    }

    /// True when the element has local name `local` and namespace `ns`.
    pub fn is(&self, ns: Ns, local: &[u8]) -> bool {
        self.ns == ns && self.local == local
    }

    /// The local name as text (lossy), for messages.
    pub fn display_name(&self) -> String {
        String::from_utf8_lossy(self.local).into_owned()
    }
}

/// Unknown elements a lenient read skipped: their paths (at most [`MAX_SKIPPED`]) and how many
/// in all. Nothing is dropped without a word: callers report these.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skipped {
    /// `Envelope/Body/successSyncLead/result/newThing`, in document order.
    pub paths: Vec<String>,
    /// How many were skipped (more than `paths.len()` past the cap).
    pub count: usize,
}

impl Skipped {
    /// True when nothing was skipped.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// A namespace binding in scope: `xmlns:prefix="uri"` (empty prefix: default namespace).
#[derive(Debug, Clone, Copy)]
struct Binding<'a> {
    prefix: &'a [u8],
    ns: Ns,
    /// The URI as written (entities not decoded), for raw XML kept with its namespaces.
    uri: &'a [u8],
    /// Depth of the element that declared it.
    depth: usize,
}

/// A pull reader over one document.
pub struct XmlReader<'a> {
    input: &'a [u8],
    /// The longest UTF-8 prefix of the input (all of it, for a valid document).
    text: &'a str,
    pos: usize,
    namespaces: &'static [(&'static str, &'static str)],
    /// Qualified names of the open elements, for end-tag checks.
    open: Vec<&'a [u8]>,
    bindings: Vec<Binding<'a>>,
    /// The last start tag was `<x/>`: its end is consumed by the next call.
    pending_end: bool,
    /// The default namespace in scope (cached from `bindings`).
    default_ns: Ns,
    /// Where the input is not UTF-8, if anywhere (reported when reached).
    invalid_utf8_at: Option<usize>,
    path: Vec<&'static str>,
    /// Strict reading refuses unknown child elements; lenient reading skips and records them.
    strict: bool,
    /// Paths of the unknown elements skipped (lenient reading), at most [`MAX_SKIPPED`].
    skipped: Vec<String>,
    /// How many were skipped in all.
    skipped_count: usize,
}

/// Most skipped-element paths a lenient reader keeps (it still counts them all).
pub const MAX_SKIPPED: usize = 100;

/// Attribute bytes scanned from a start tag: (qualified name, raw value).
type RawAttribute<'a> = (&'a [u8], &'a [u8]);

impl<'a> XmlReader<'a> {
    /// A reader over `input`; `namespaces` are the (prefix, URI) pairs known to the bindings.
    pub fn new(input: &'a [u8], namespaces: &'static [(&'static str, &'static str)]) -> Self {
        let (text, invalid_utf8_at) = match std::str::from_utf8(input) {
            Ok(text) => (text, None),
            Err(e) => (
                std::str::from_utf8(&input[..e.valid_up_to()]).unwrap_or_default(),
                Some(e.valid_up_to()),
            ),
        };
        let pos = if input.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        XmlReader {
            input,
            text,
            pos,
            namespaces,
            open: Vec::with_capacity(16),
            bindings: Vec::with_capacity(8),
            pending_end: false,
            default_ns: Ns::None,
            invalid_utf8_at,
            path: Vec::with_capacity(16),
            strict: false,
            skipped: Vec::new(),
            skipped_count: 0,
        }
    }

    /// Index of a known namespace URI.
    pub fn known(&self, uri: &str) -> Ns {
        classify(self.namespaces, uri.as_bytes())
    }

    /// The URI of a namespace the reader knows.
    pub fn namespace_uri(&self, ns: Ns) -> Option<&'static str> {
        match ns {
            Ns::Known(i) => self.namespaces.get(usize::from(i)).map(|(_, uri)| *uri),
            Ns::SoapEnvelope => Some(super::SOAP_ENV),
            Ns::Soap12Envelope => Some(super::SOAP12_ENV),
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

    /// Reads strictly from now on: a child element the schema does not have is an error
    /// naming it and its path, instead of a recorded skip.
    pub fn set_strict(&mut self, strict: bool) {
        self.strict = strict;
    }

    /// A child element the generated code does not map: refused in strict reading, skipped
    /// (and recorded with its path, see [`Self::skipped`]) in lenient reading.
    #[cold]
    pub fn unknown_child(&mut self, child: &StartTag<'_>) -> Result<(), DecodeError> {
        if self.strict {
            let name = child.display_name();
            return Err(self.error_at(child.offset, DecodeErrorKind::UnknownElement(name)));
        }
        self.skip_recorded(child)
    }

    /// Skips `child` and records its path among the skipped elements, in either reading.
    pub fn skip_recorded(&mut self, child: &StartTag<'_>) -> Result<(), DecodeError> {
        let name = child.display_name();
        self.skipped_count += 1;
        if self.skipped.len() < MAX_SKIPPED {
            let mut path = self.path.join("/");
            path.push('/');
            path.push_str(&name);
            self.skipped.push(path);
        }
        self.skip()
    }

    /// The paths of the unknown elements skipped so far (at most [`MAX_SKIPPED`]) and how many
    /// were skipped in all.
    pub fn skipped(&self) -> (&[String], usize) {
        (&self.skipped, self.skipped_count)
    }

    /// Takes the record of skipped elements out of the reader.
    pub fn take_skipped(&mut self) -> Skipped {
        Skipped {
            paths: std::mem::take(&mut self.skipped),
            count: std::mem::replace(&mut self.skipped_count, 0),
        }
    }

    /// Checks that `start..end` is UTF-8 (the whole input was checked once up front).
    #[inline]
    fn check_utf8(&self, start: usize, end: usize) -> Result<(), DecodeError> {
        match self.invalid_utf8_at {
            Some(bad) if bad >= start && bad < end => Err(self.malformed(bad, "invalid UTF-8")),
            _ => Ok(()),
        }
    }

    #[inline]
    fn str_at(&self, start: usize, end: usize) -> Result<&'a str, DecodeError> {
        self.check_utf8(start, end)?;
        self.text
            .get(start..end)
            .ok_or_else(|| self.malformed(start, "invalid UTF-8"))
    }

    /// Position of the next `<` from the current position.
    #[inline]
    fn next_lt(&self) -> Option<usize> {
        let pos = self.pos;
        // Text between tags is usually short: look at a few bytes before calling memchr.
        let near = &self.input[pos.min(self.input.len())..];
        if let Some(i) = near.iter().take(24).position(|&b| b == b'<') {
            return Some(pos + i);
        }
        if near.len() <= 24 {
            return None;
        }
        memchr::memchr(b'<', &near[24..]).map(|p| pos + 24 + p)
    }

    /// Finds `needle` from the current position; the index is absolute.
    fn find(&self, needle: &[u8]) -> Option<usize> {
        memchr::memmem::find(&self.input[self.pos..], needle).map(|i| self.pos + i)
    }

    /// Consumes markup that is not an element: comment, PI, CDATA (returned), DOCTYPE (refused).
    /// `self.pos` is at `<` followed by `!` or `?`.
    fn other_markup(&mut self) -> Result<Option<&'a [u8]>, DecodeError> {
        let start = self.pos;
        let rest = &self.input[start..];
        if rest.starts_with(b"<!--") {
            self.pos += 4;
            let end = self.find(b"-->").ok_or_else(|| self.eof_at(start))?;
            self.pos = end + 3;
            Ok(None)
        } else if rest.starts_with(b"<?") {
            self.pos += 2;
            let end = self.find(b"?>").ok_or_else(|| self.eof_at(start))?;
            self.pos = end + 2;
            Ok(None)
        } else if rest.starts_with(b"<![CDATA[") {
            self.pos += 9;
            let end = self.find(b"]]>").ok_or_else(|| self.eof_at(start))?;
            let content = &self.input[start + 9..end];
            self.check_utf8(start, end)?;
            self.pos = end + 3;
            Ok(Some(content))
        } else if rest.starts_with(b"<!DOCTYPE") || rest.len() < 9 && b"<!DOCTYPE".starts_with(rest)
        {
            Err(self.error_at(start, DecodeErrorKind::Dtd))
        } else if rest.len() < 9 {
            Err(self.eof_at(start))
        } else {
            Err(self.malformed(start, "unknown markup declaration"))
        }
    }

    /// Moves to the next `<`, allowing only whitespace before it; returns its position.
    #[inline]
    fn skip_whitespace_to_markup(&mut self) -> Result<usize, DecodeError> {
        let start = self.pos;
        let lt = self.next_lt();
        let end = lt.unwrap_or(self.input.len());
        if !self.input[start..end].iter().all(u8::is_ascii_whitespace) {
            return Err(self.error_at(start, DecodeErrorKind::UnexpectedText));
        }
        lt.ok_or_else(|| self.eof())
    }

    /// Reads up to the root element and returns it.
    pub fn root(&mut self) -> Result<StartTag<'a>, DecodeError> {
        loop {
            let lt = self.skip_whitespace_to_markup()?;
            self.pos = lt;
            match self.input.get(lt + 1) {
                Some(b'?') if self.input[lt..].starts_with(b"<?xml") => self.declaration()?,
                Some(b'!' | b'?') => {
                    if self.other_markup()?.is_some() {
                        return Err(self.error_at(lt, DecodeErrorKind::UnexpectedText));
                    }
                }
                Some(b'/') => return Err(self.malformed(lt, "end tag before the root element")),
                Some(_) => return self.start_tag(),
                None => return Err(self.eof()),
            }
        }
    }

    /// The XML declaration: only UTF-8 documents are accepted.
    fn declaration(&mut self) -> Result<(), DecodeError> {
        let start = self.pos;
        let end = self.find(b"?>").ok_or_else(|| self.eof())?;
        let decl = String::from_utf8_lossy(&self.input[start..end]).to_ascii_lowercase();
        if let Some(at) = decl.find("encoding") {
            let value = decl[at + 8..].trim_start_matches([' ', '=', '"', '\'']);
            if !(value.starts_with("utf-8") || value.starts_with("utf8")) {
                return Err(self.malformed(start, "only UTF-8 documents are supported"));
            }
        }
        self.pos = end + 2;
        Ok(())
    }

    /// The next child element of the current element, or `None` at its end tag. Always
    /// inlined: it is the loop of every generated `read_content`, and returning the tag through
    /// memory from a call cost ~15 % of parsing.
    #[inline(always)]
    pub fn next_child(&mut self) -> Result<Option<StartTag<'a>>, DecodeError> {
        if self.take_pending_end() {
            return Ok(None);
        }
        loop {
            let lt = self.skip_whitespace_to_markup()?;
            self.pos = lt;
            match self.input.get(lt + 1) {
                Some(b'/') => {
                    self.end_tag()?;
                    return Ok(None);
                }
                Some(b'!' | b'?') => {
                    if let Some(cdata) = self.other_markup()? {
                        if !cdata.iter().all(u8::is_ascii_whitespace) {
                            return Err(self.error_at(lt, DecodeErrorKind::UnexpectedText));
                        }
                    }
                }
                Some(_) => return self.start_tag().map(Some),
                None => return Err(self.eof()),
            }
        }
    }

    /// True when the current element's content (after its start tag) begins, past any
    /// whitespace, with a child element: tells an element holding elements from one holding
    /// text without reading either.
    pub fn content_starts_with_element(&self) -> bool {
        if self.pending_end {
            return false;
        }
        let rest = &self.input[self.pos..];
        let Some(first) = rest.iter().position(|b| !b.is_ascii_whitespace()) else {
            return false;
        };
        rest[first] == b'<' && !matches!(rest.get(first + 1), Some(b'/' | b'!' | b'?') | None)
    }

    /// Skips the rest of the current element (after its start tag), whatever it contains.
    pub fn skip(&mut self) -> Result<(), DecodeError> {
        if self.take_pending_end() {
            return Ok(());
        }
        let target = self.open.len() - 1;
        loop {
            let Some(lt) = self.next_lt() else {
                return Err(self.eof());
            };
            self.pos = lt;
            match self.input.get(lt + 1) {
                Some(b'/') => {
                    self.end_tag()?;
                    if self.open.len() == target {
                        return Ok(());
                    }
                }
                Some(b'!' | b'?') => {
                    self.other_markup()?;
                }
                Some(_) => {
                    // Inner elements get the same checks (names, attributes, depth), iteratively.
                    self.start_tag()?;
                    self.take_pending_end();
                }
                None => return Err(self.eof()),
            }
        }
    }

    /// Reads the text content of the current element up to its end tag (entities, character
    /// references and CDATA decoded; comments ignored).
    #[inline]
    pub fn text(&mut self) -> Result<Cow<'a, str>, DecodeError> {
        if self.take_pending_end() {
            return Ok(Cow::Borrowed(""));
        }
        // Fast path: text (maybe none) directly followed by the end tag.
        let start = self.pos;
        if let Some(lt) = self.next_lt()
            && self.input.get(lt + 1) == Some(&b'/')
        {
            let raw = self.str_at(start, lt)?;
            let text = decode_text(raw).map_err(|m| self.malformed(start, m))?;
            self.pos = lt;
            self.end_tag()?;
            return Ok(text);
        }
        let mut text: Option<Cow<'a, str>> = None;
        loop {
            let start = self.pos;
            let Some(lt) = self.next_lt() else {
                return Err(self.eof());
            };
            if lt > start {
                let raw = self.str_at(start, lt)?;
                let piece = decode_text(raw).map_err(|m| self.malformed(start, m))?;
                text = Some(append(text, piece));
            }
            self.pos = lt;
            match self.input.get(lt + 1) {
                Some(b'/') => {
                    self.end_tag()?;
                    return Ok(text.unwrap_or(Cow::Borrowed("")));
                }
                Some(b'!' | b'?') => {
                    if let Some(cdata) = self.other_markup()? {
                        let cdata = std::str::from_utf8(cdata)
                            .map_err(|_| self.malformed(lt, "invalid UTF-8"))?;
                        check_chars(cdata).map_err(|m| self.malformed(lt, m))?;
                        text = Some(append(text, Cow::Borrowed(cdata)));
                    }
                }
                Some(_) => {
                    let end = self.input[lt..]
                        .iter()
                        .position(|&b| matches!(b, b'>' | b' ' | b'/'))
                        .map_or(self.input.len(), |p| lt + p);
                    let name = String::from_utf8_lossy(&self.input[lt + 1..end]).into_owned();
                    return Err(self.error_at(lt, DecodeErrorKind::UnexpectedElement(name)));
                }
                None => return Err(self.eof()),
            }
        }
    }

    /// After the root element: only whitespace, comments and processing instructions may follow.
    pub fn end_of_document(&mut self) -> Result<(), DecodeError> {
        loop {
            let start = self.pos;
            let lt = memchr::memchr(b'<', &self.input[start..]).map(|p| start + p);
            let end = lt.unwrap_or(self.input.len());
            if !self.input[start..end].iter().all(u8::is_ascii_whitespace) {
                return Err(self.malformed(start, "content after the root element"));
            }
            let Some(lt) = lt else { return Ok(()) };
            self.pos = lt;
            match self.input.get(lt + 1) {
                Some(b'!') if self.input[lt..].starts_with(b"<!--") => {
                    self.other_markup()?;
                }
                Some(b'?') => {
                    self.other_markup()?;
                }
                _ => return Err(self.malformed(lt, "content after the root element")),
            }
        }
    }
}

fn classify(namespaces: &[(&str, &str)], uri: &[u8]) -> Ns {
    match namespaces.iter().position(|(_, u)| u.as_bytes() == uri) {
        Some(i) => u16::try_from(i).map_or(Ns::Other, Ns::Known),
        None if uri == SOAP11_ENV => Ns::SoapEnvelope,
        None if uri == SOAP12_ENV => Ns::Soap12Envelope,
        None if uri == XSI.as_bytes() => Ns::Xsi,
        None => Ns::Other,
    }
}

fn split_qname(qname: &[u8]) -> (Option<&[u8]>, &[u8]) {
    match memchr::memchr(b':', qname) {
        Some(colon) => (Some(&qname[..colon]), &qname[colon + 1..]),
        None => (None, qname),
    }
}
