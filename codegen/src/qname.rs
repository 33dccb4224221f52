//! Namespace-qualified names, the vocabulary every stage shares: parsing resolves prefixes into
//! [`QName`]s, the model keeps them as the schema wrote them, the emitter writes them back out.
//! A leaf module: it depends on nothing else in the crate.

/// A namespace-qualified name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QName {
    /// Namespace URI, `None` for no namespace.
    pub ns: Option<String>,
    /// Local part.
    pub local: String,
}

impl std::fmt::Display for QName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.ns {
            Some(ns) => write!(f, "{{{ns}}}{}", self.local),
            None => f.write_str(&self.local),
        }
    }
}
