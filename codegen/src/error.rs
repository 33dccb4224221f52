//! Diagnostics: every error names the file, and where it can, the line and column.

use std::fmt;
use std::path::PathBuf;

/// A position in one of the input documents (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The WSDL or schema file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// Why the generator could not produce bindings.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No WSDL was given to [`crate::Config`].
    #[error("no WSDL file was configured (call Config::wsdl)")]
    NoInput,
    /// A file could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A file is not well-formed XML (or uses a DTD, which is refused).
    #[error("{}: malformed XML: {message}", path.display())]
    Xml {
        /// The file.
        path: PathBuf,
        /// The parser's message, with its line and column.
        message: String,
    },
    /// A construct the generator does not support.
    #[error("{location}: unsupported construct `{construct}`: {hint}")]
    Unsupported {
        /// Where it appears.
        location: Location,
        /// The construct, e.g. `xs:choice`.
        construct: String,
        /// What to do about it.
        hint: String,
    },
    /// A reference to a type, element, message, port type or binding that does not exist.
    #[error("{location}: unresolved reference to {kind} `{name}`")]
    Unresolved {
        /// Where the reference appears.
        location: Location,
        /// What kind of definition was referenced.
        kind: &'static str,
        /// The referenced name as `{namespace}local`.
        name: String,
    },
    /// The document is XML but not a valid WSDL 1.1 / XSD of the supported kind.
    #[error("{location}: invalid WSDL: {message}")]
    Invalid {
        /// Where.
        location: Location,
        /// What is wrong.
        message: String,
    },
    /// A documentation overlay is not valid TOML of the overlay's shape.
    #[error("{}: invalid documentation overlay: {message}", path.display())]
    Overlay {
        /// The overlay file.
        path: PathBuf,
        /// What is wrong, with the line and column of the TOML parser.
        message: String,
    },
    /// A schema manifest (`vendor.toml`, see [`crate::manifest`]) is not of the manifest's shape.
    #[error("{}: invalid schema manifest: {message}", path.display())]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The emitted code failed to parse as Rust: a generator bug, reported rather than hidden.
    #[error("internal error: generated code does not parse as Rust: {0}")]
    Emit(String),
}

/// Shorthand for generator results.
pub type Result<T, E = Error> = std::result::Result<T, E>;
