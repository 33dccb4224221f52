//! What goes wrong reading a document: [`DecodeError`] (kind, byte offset, line and column, the
//! element path, an excerpt) and the reader's helpers that build one where it stands.

use std::fmt;

use super::{EXCERPT, MAX_DEPTH, StartTag, XmlReader};

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
    /// SOAP encoding: an `href="#id"` naming no element of the Body.
    MissingReference(String),
    /// SOAP encoding: a multi-reference value that contains a reference to itself (the id on
    /// the cycle).
    ReferenceCycle(String),
    /// SOAP encoding that these bindings do not read (partial or sparse arrays, ...).
    UnsupportedEncoding(String),
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
            Self::MissingReference(id) => {
                write!(f, "href=\"#{id}\" refers to no element with id=\"{id}\"")
            }
            Self::ReferenceCycle(id) => {
                write!(f, "the multi-reference value id=\"{id}\" contains itself")
            }
            Self::UnsupportedEncoding(m) => write!(f, "unsupported SOAP encoding: {m}"),
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

impl XmlReader<'_> {
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
    pub(super) fn error_at(&self, offset: usize, kind: DecodeErrorKind) -> DecodeError {
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
    pub(super) fn malformed(&self, offset: usize, message: impl Into<String>) -> DecodeError {
        self.error_at(offset, DecodeErrorKind::Malformed(message.into()))
    }

    #[cold]
    pub(super) fn eof(&self) -> DecodeError {
        self.error_at(self.input.len(), DecodeErrorKind::UnexpectedEof)
    }

    /// The input ends inside the construct that starts at `offset`.
    #[cold]
    pub(super) fn eof_at(&self, offset: usize) -> DecodeError {
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
}
