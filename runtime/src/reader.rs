//! Reading XML: a pull parser driven by the generated code, one element at a time.
//!
//! It is a small, strict XML 1.0 tokenizer specialised for SOAP messages: UTF-8 input checked
//! once up front, namespaces resolved by URI, end tags checked against start tags, the five
//! predefined entities and character references decoded, CDATA and comments understood, and no
//! DTD ever read (a `<!DOCTYPE` is an error, so no entity can be expanded). Text without
//! entities is borrowed from the input, not copied. It tracks the path of elements for error
//! messages and bounds nesting at [`MAX_DEPTH`].

use std::borrow::Cow;
use std::fmt;

use super::XSI;

mod kept;

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
    /// The SOAP 1.2 envelope namespace (recognised to be refused clearly).
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
    /// In strict reading, a child element the schema does not have at this place.
    UnknownElement(String),
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
            Self::UnexpectedElement(e) => {
                write!(f, "unexpected element <{e}> inside a simple value")
            }
            Self::UnknownElement(e) => write!(f, "element <{e}> is not expected here"),
            Self::Missing(e) => write!(f, "missing required element <{e}>"),
            Self::Duplicate(e) => write!(f, "element <{e}> appears more than once"),
            Self::TooMany { element, max } => {
                write!(f, "element <{element}> appears more than {max} times")
            }
            Self::TooFew { element, min } => {
                write!(f, "element <{element}> appears fewer than {min} times")
            }
            Self::InvalidValue { expected, value } => {
                write!(f, "invalid {expected} value {value:?}")
            }
            Self::NilNotAllowed => f.write_str("xsi:nil on an element that is not nillable"),
            Self::MissingXsiType(base) => {
                write!(f, "no xsi:type on an element of the abstract type {base}")
            }
            Self::UnknownXsiType(t) => write!(f, "unknown xsi:type {t:?}"),
            Self::WrongElement { expected, found } => {
                write!(f, "expected element {expected}, found {found}")
            }
            Self::Envelope(m) => write!(f, "invalid SOAP envelope: {m}"),
        }
    }
}

/// A document that does not conform, with the path of elements where it happened.
///
/// The details are boxed so that results stay small on the hot path; read them through
/// `Deref` (`err.path`, `err.kind`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(Box<DecodeErrorDetails>);

/// What a [`DecodeError`] says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeErrorDetails {
    /// Element path from the root of the decoded value, e.g. `successSyncLead/result/syncStatus/status`.
    pub path: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What went wrong.
    pub kind: DecodeErrorKind,
}

impl DecodeError {
    /// An error with these details.
    pub fn new(path: impl Into<String>, line: u32, column: u32, kind: DecodeErrorKind) -> Self {
        DecodeError(Box::new(DecodeErrorDetails {
            path: path.into(),
            line,
            column,
            kind,
        }))
    }
}

impl std::ops::Deref for DecodeError {
    type Target = DecodeErrorDetails;
    fn deref(&self) -> &DecodeErrorDetails {
        &self.0
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} (line {}, column {})",
            self.path, self.kind, self.line, self.column
        )
    }
}

impl std::error::Error for DecodeError {}

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

    /// An error at the current position.
    #[cold]
    pub fn error(&self, kind: DecodeErrorKind) -> DecodeError {
        self.error_at(self.pos, kind)
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
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        let path = if self.path.is_empty() {
            "(document)".to_owned()
        } else {
            self.path.join("/")
        };
        DecodeError::new(path, line as u32, column as u32, kind)
    }

    #[cold]
    fn malformed(&self, offset: usize, message: impl Into<String>) -> DecodeError {
        self.error_at(offset, DecodeErrorKind::Malformed(message.into()))
    }

    #[cold]
    fn eof(&self) -> DecodeError {
        self.error_at(self.input.len(), DecodeErrorKind::UnexpectedEof)
    }

    /// The input ends inside the construct that starts at `offset`.
    #[cold]
    fn eof_at(&self, offset: usize) -> DecodeError {
        self.error_at(offset, DecodeErrorKind::UnexpectedEof)
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

    /// Reads a start tag at `self.pos` (which is at `<` + name char). The common `<name>` is
    /// handled here, with a small frame; a tag with attributes goes to
    /// [`Self::start_tag_with_attributes`].
    #[inline(never)]
    fn start_tag(&mut self) -> Result<StartTag<'a>, DecodeError> {
        let offset = self.pos;
        let input = self.input;
        let mut i = offset + 1;
        let mut bad_name = false;
        let mut colon = None;
        loop {
            match input.get(i) {
                None => return Err(self.eof_at(offset)),
                Some(b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'>') => break,
                Some(b'<' | b'=' | b'"' | b'\'' | b'&') => bad_name = true,
                Some(b':') if colon.is_none() => colon = Some(i - offset - 1),
                Some(_) => {}
            }
            i += 1;
        }
        let qname = &input[offset + 1..i];
        if qname.is_empty() || bad_name {
            return Err(self.malformed(offset, "invalid element name"));
        }
        self.check_utf8(offset, i)?;
        // Fast path: `<name>` without attributes or namespace declarations.
        if input[i] == b'>' {
            let depth = self.open.len() + 1;
            if depth > MAX_DEPTH {
                return Err(self.error_at(offset, DecodeErrorKind::TooDeep));
            }
            self.pos = i + 1;
            self.open.push(qname);
            let (local, ns) = match colon {
                None => (qname, self.default_ns),
                Some(c) => (
                    &qname[c + 1..],
                    self.resolve(Some(&qname[..c]), true, offset)?,
                ),
            };
            self.pending_end = false;
            return Ok(StartTag {
                local,
                ns,
                nil: false,
                xsi_type: None,
                attributes: None,
                offset,
            });
        }
        self.start_tag_with_attributes(offset, i, qname)
    }

    /// The rest of a start tag whose name `qname` (at `offset`) ends at `i`, before
    /// attributes, `/>` or `>`.
    #[inline(never)]
    fn start_tag_with_attributes(
        &mut self,
        offset: usize,
        mut i: usize,
        qname: &'a [u8],
    ) -> Result<StartTag<'a>, DecodeError> {
        let input = self.input;
        let mut attributes: [RawAttribute<'a>; 4] = [(&[], &[]); 4];
        let mut extra: Vec<RawAttribute<'a>> = Vec::new();
        let mut names: Option<std::collections::HashSet<&'a [u8]>> = None;
        let mut count = 0usize;
        let empty;
        loop {
            while i < input.len() && matches!(input[i], b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
            }
            match input.get(i) {
                None => return Err(self.eof_at(offset)),
                Some(b'>') => {
                    empty = false;
                    i += 1;
                    break;
                }
                Some(b'/') => match input.get(i + 1) {
                    Some(b'>') => {
                        empty = true;
                        i += 2;
                        break;
                    }
                    None => return Err(self.eof_at(offset)),
                    _ => return Err(self.malformed(i, "`/` not followed by `>` in a start tag")),
                },
                Some(_) => {
                    if i > 0 && !matches!(input[i - 1], b' ' | b'\t' | b'\n' | b'\r') {
                        return Err(self.malformed(i, "attributes must be separated by whitespace"));
                    }
                    let name_start = i;
                    while i < input.len()
                        && !matches!(input[i], b'=' | b' ' | b'\t' | b'\n' | b'\r' | b'>' | b'/')
                    {
                        i += 1;
                    }
                    let name = &input[name_start..i];
                    while i < input.len() && matches!(input[i], b' ' | b'\t' | b'\n' | b'\r') {
                        i += 1;
                    }
                    if i >= input.len() {
                        return Err(self.eof_at(offset));
                    }
                    if input[i] != b'=' || name.is_empty() {
                        return Err(self.malformed(name_start, "attribute without a value"));
                    }
                    i += 1;
                    while i < input.len() && matches!(input[i], b' ' | b'\t' | b'\n' | b'\r') {
                        i += 1;
                    }
                    let Some(&quote) = input.get(i) else {
                        return Err(self.eof_at(offset));
                    };
                    if quote != b'"' && quote != b'\'' {
                        return Err(self.malformed(i, "attribute value not quoted"));
                    }
                    let value_start = i + 1;
                    let value_end = memchr::memchr(quote, &input[value_start..])
                        .map(|p| value_start + p)
                        .ok_or_else(|| self.eof_at(offset))?;
                    let value = &input[value_start..value_end];
                    if value.contains(&b'<') {
                        return Err(self.malformed(value_start, "`<` in an attribute value"));
                    }
                    self.check_utf8(name_start, value_end)?;
                    if count >= MAX_ATTRIBUTES {
                        return Err(self.malformed(
                            name_start,
                            format!("more than {MAX_ATTRIBUTES} attributes on one element"),
                        ));
                    }
                    // Linear in the attributes: a scan while there are few, a hash set after.
                    let duplicate = if count < LINEAR_DUPLICATE_CHECK {
                        attributes[..count.min(4)]
                            .iter()
                            .chain(&extra)
                            .any(|(n, _)| *n == name)
                    } else {
                        let seen = names.get_or_insert_with(|| {
                            attributes[..count.min(4)]
                                .iter()
                                .chain(&extra)
                                .map(|(n, _)| *n)
                                .collect()
                        });
                        !seen.insert(name)
                    };
                    if duplicate {
                        return Err(self.malformed(name_start, "duplicate attribute"));
                    }
                    if count < 4 {
                        attributes[count] = (name, value);
                    } else {
                        extra.push((name, value));
                    }
                    count += 1;
                    i = value_end + 1;
                }
            }
        }
        self.pos = i;
        let depth = self.open.len() + 1;
        if depth > MAX_DEPTH {
            return Err(self.error_at(offset, DecodeErrorKind::TooDeep));
        }
        let all = || attributes[..count.min(4)].iter().chain(extra.iter());
        // Namespace declarations first: they apply to this element's own name and attributes.
        for &(name, value) in all() {
            let prefix = if name == b"xmlns" {
                Some(&b""[..])
            } else {
                name.strip_prefix(b"xmlns:")
            };
            if let Some(prefix) = prefix {
                let uri = self.attribute_value(value, offset)?;
                if uri.is_empty() && !prefix.is_empty() {
                    return Err(self.malformed(offset, "a namespace prefix cannot be undeclared"));
                }
                let ns = if uri.is_empty() {
                    Ns::None
                } else {
                    classify(self.namespaces, uri.as_bytes())
                };
                if prefix.is_empty() {
                    self.default_ns = ns;
                }
                if self.bindings.len() >= MAX_BINDINGS {
                    return Err(self.malformed(
                        offset,
                        format!("more than {MAX_BINDINGS} namespace declarations in scope"),
                    ));
                }
                self.bindings.push(Binding {
                    prefix,
                    ns,
                    uri: value,
                    depth,
                });
            }
        }
        self.open.push(qname);
        let (prefix, local) = split_qname(qname);
        let ns = self.resolve(prefix, true, offset)?;
        let mut nil = false;
        let mut xsi_type = None;
        let mut attributes: Vec<TagAttribute<'a>> = Vec::new();
        for &(name, value) in all() {
            let (attr_prefix, attr_local) = split_qname(name);
            let Some(attr_prefix) = attr_prefix else {
                if name != b"xmlns" {
                    attributes.push((Ns::None, &[], name, value));
                }
                continue;
            };
            if attr_prefix == b"xmlns" {
                continue;
            }
            let attr_ns = self.resolve(Some(attr_prefix), false, offset)?;
            if attr_ns != Ns::Xsi {
                attributes.push((attr_ns, attr_prefix, attr_local, value));
                continue;
            }
            match attr_local {
                b"nil" => {
                    nil = match value {
                        b"true" | b"1" => true,
                        b"false" | b"0" => false,
                        _ => matches!(self.attribute_value(value, offset)?.trim(), "true" | "1"),
                    }
                }
                b"type" => {
                    let value = self.attribute_value(value, offset)?;
                    let value = value.trim();
                    let (type_prefix, type_local) = split_qname(value.as_bytes());
                    let type_ns = self.resolve(type_prefix, true, offset)?;
                    xsi_type = Some(Box::new((
                        type_ns,
                        String::from_utf8_lossy(type_local).into_owned(),
                    )));
                }
                _ => {}
            }
        }
        self.pending_end = empty;
        Ok(StartTag {
            local,
            ns,
            nil,
            xsi_type,
            attributes: (!attributes.is_empty()).then(|| attributes.into_boxed_slice()),
            offset,
        })
    }

    #[inline]
    fn resolve(
        &self,
        prefix: Option<&[u8]>,
        element: bool,
        offset: usize,
    ) -> Result<Ns, DecodeError> {
        let Some(prefix) = prefix else {
            // Unprefixed: attributes have no namespace; elements the default one.
            return Ok(if element { self.default_ns } else { Ns::None });
        };
        if prefix == b"xml" {
            return Ok(Ns::Other);
        }
        match self
            .bindings
            .iter()
            .rev()
            .find(|b| b.prefix.len() == prefix.len() && b.prefix == prefix)
        {
            Some(binding) => Ok(binding.ns),
            None if prefix.is_empty() => Ok(Ns::None),
            None => Err(self.malformed(
                offset,
                format!(
                    "undeclared namespace prefix `{}`",
                    String::from_utf8_lossy(prefix)
                ),
            )),
        }
    }

    /// Decodes an attribute value (entities and character references).
    fn attribute_value(&self, raw: &'a [u8], offset: usize) -> Result<Cow<'a, str>, DecodeError> {
        let text = std::str::from_utf8(raw).map_err(|_| self.malformed(offset, "invalid UTF-8"))?;
        decode_text(text).map_err(|m| self.malformed(offset, m))
    }

    /// Consumes an end tag at `self.pos` (at `</`), checking it closes the innermost element.
    #[inline]
    fn end_tag(&mut self) -> Result<(), DecodeError> {
        let start = self.pos;
        // Fast path: `</name>` exactly closing the innermost element.
        if let Some(&open) = self.open.last() {
            let after = start + 2 + open.len();
            if self.input.get(start + 2..after) == Some(open)
                && self.input.get(after) == Some(&b'>')
            {
                self.open.pop();
                self.pop_bindings();
                self.pos = after + 1;
                return Ok(());
            }
        }
        let close = memchr::memchr(b'>', &self.input[start..])
            .map(|p| start + p)
            .ok_or_else(|| self.eof_at(start))?;
        let name = trim_end(&self.input[start + 2..close]);
        match self.open.pop() {
            Some(open) if open == name => {}
            Some(open) => {
                return Err(self.malformed(
                    start,
                    format!(
                        "end tag </{}> does not match <{}>",
                        String::from_utf8_lossy(name),
                        String::from_utf8_lossy(open)
                    ),
                ));
            }
            None => return Err(self.malformed(start, "end tag without a start tag")),
        }
        self.pop_bindings();
        self.pos = close + 1;
        Ok(())
    }

    #[inline]
    fn pop_bindings(&mut self) {
        let depth = self.open.len();
        let mut default_changed = false;
        while let Some(binding) = self.bindings.last().filter(|b| b.depth > depth) {
            default_changed |= binding.prefix.is_empty();
            self.bindings.pop();
        }
        if default_changed {
            self.default_ns = self
                .bindings
                .iter()
                .rev()
                .find(|b| b.prefix.is_empty())
                .map_or(Ns::None, |b| b.ns);
        }
    }

    /// Consumes the end of an empty element (`<x/>`) if one is pending.
    #[inline]
    fn take_pending_end(&mut self) -> bool {
        if self.pending_end {
            self.pending_end = false;
            self.open.pop();
            self.pop_bindings();
            true
        } else {
            false
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

fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |p| p + 1);
    &bytes[..end]
}

fn append<'a>(text: Option<Cow<'a, str>>, piece: Cow<'a, str>) -> Cow<'a, str> {
    match text {
        None => piece,
        Some(before) => Cow::Owned(before.into_owned() + &piece),
    }
}

/// Rejects characters XML 1.0 does not allow (control characters other than tab, newline and
/// carriage return; U+FFFE and U+FFFF).
fn check_chars(text: &str) -> Result<(), String> {
    let bad = text
        .bytes()
        .position(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF);
    let Some(at) = bad else { return Ok(()) };
    // 0xEF starts U+E000..U+FFFF: only U+FFFE and U+FFFF are refused.
    for (i, c) in text[at..].char_indices() {
        if !is_xml_char(c) {
            return Err(format!(
                "character U+{:04X} at byte {} is not allowed in XML",
                c as u32,
                at + i
            ));
        }
    }
    Ok(())
}

/// Bytes that need a look in text: `&`, `\r`, control characters, and 0xEF (which starts
/// U+FFFE/U+FFFF).
const SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b != b'\t' as usize && b != b'\n' as usize;
        b += 1;
    }
    table[b'&' as usize] = true;
    table[0xEF] = true;
    table
};

/// Decodes entity and character references and normalises line ends (XML 1.0 §2.11).
#[inline]
fn decode_text(raw: &str) -> Result<Cow<'_, str>, String> {
    // One pass finds the common case: plain text, borrowed as is.
    let Some(first) = raw.bytes().position(|b| SPECIAL[usize::from(b)]) else {
        return Ok(Cow::Borrowed(raw));
    };
    decode_special(raw, first)
}

#[cold]
fn decode_special(raw: &str, first: usize) -> Result<Cow<'_, str>, String> {
    check_chars(&raw[first..]).map_err(|e| e.replace(" at byte ", " near byte "))?;
    if memchr::memchr2(b'&', b'\r', raw.as_bytes()).is_none() {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find(['&', '\r']) {
        out.push_str(&rest[..at]);
        if rest.as_bytes()[at] == b'\r' {
            out.push('\n');
            rest = rest[at + 1..].strip_prefix('\n').unwrap_or(&rest[at + 1..]);
            continue;
        }
        let end = rest[at..].find(';').ok_or("`&` without `;`")? + at;
        let entity = &rest[at + 1..end];
        match entity {
            "amp" => out.push('&'),
            "lt" => out.push('<'),
            "gt" => out.push('>'),
            "quot" => out.push('"'),
            "apos" => out.push('\''),
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse::<u32>().ok()
                } else {
                    return Err(format!("unknown entity `&{entity};` (no DTD is read)"));
                };
                let c = code.and_then(char::from_u32).filter(|&c| is_xml_char(c));
                out.push(c.ok_or_else(|| format!("invalid character reference `&{entity};`"))?);
            }
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}
