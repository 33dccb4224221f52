//! Rust identifiers from XML names: idiomatic case, always valid, never a keyword clash, and
//! unique within their scope in a deterministic way (declaration order decides who gets a suffix).
//!
//! Fields are `snake_case`, types `UpperCamelCase`; keywords become raw identifiers (`r#type`),
//! or get a suffix where a raw identifier is not allowed (`self_`); characters that cannot be in
//! an identifier are replaced. Prelude names (`Option`, `String`, ...) are reserved for types,
//! so generated code can use them unqualified.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Replaces every character that cannot appear in an identifier with `_`.
fn only_ident_chars(name: &str) -> String {
    name.chars()
        .map(|c| {
            if unicode_ident::is_xid_continue(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn finish(mut ident: String, digit_prefix: &str) -> String {
    if ident.is_empty() || ident.chars().all(|c| c == '_') {
        ident = format!("{digit_prefix}{ident}");
    }
    if ident.starts_with(|c: char| !unicode_ident::is_xid_start(c) && c != '_') {
        ident = format!("{digit_prefix}{ident}");
    }
    if NOT_RAW.contains(&ident.as_str()) {
        ident.push('_');
    }
    ident
}

/// `snake_case` field or method name (may need `r#`, see [`is_keyword`]).
pub fn snake(name: &str) -> String {
    finish(only_ident_chars(name).to_snake_case(), "n")
}

/// `UpperCamelCase` type or variant name.
pub fn camel(name: &str) -> String {
    finish(only_ident_chars(name).to_upper_camel_case(), "N")
}

/// True when `ident` must be written `r#ident`.
pub fn is_keyword(ident: &str) -> bool {
    KEYWORDS.contains(&ident)
}

/// Names already used in one scope; [`NameSet::claim`] returns a free variant of a name.
#[derive(Debug, Default)]
pub struct NameSet {
    used: HashSet<String>,
}

impl NameSet {
    /// A set with some names reserved up front.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        NameSet {
            used: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Returns `wanted` if free, else `wanted2`, `wanted3`, ... (with `_` for snake case).
    pub fn claim(&mut self, wanted: &str) -> String {
        if self.used.insert(wanted.to_owned()) {
            return wanted.to_owned();
        }
        let separator = if wanted.chars().any(char::is_uppercase) {
            ""
        } else {
            "_"
        };
        let base = wanted.trim_end_matches('_');
        (2..)
            .map(|n| format!("{base}{separator}{n}"))
            .find(|candidate| self.used.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idiomatic_case() {
        assert_eq!(snake("leadAttributeList"), "lead_attribute_list");
        assert_eq!(snake("ForeignSysPersonId"), "foreign_sys_person_id");
        assert_eq!(snake("Id"), "id");
        assert_eq!(camel("paramsSyncLead"), "ParamsSyncLead");
        assert_eq!(camel("IDNUM"), "Idnum");
        assert_eq!(camel("MObject"), "MObject");
    }

    #[test]
    fn hostile_names_become_valid_identifiers() {
        assert_eq!(snake("2fast"), "n2fast");
        assert_eq!(camel("2fast"), "N2fast");
        assert_eq!(snake("a-b.c d"), "a_b_c_d");
        assert_eq!(snake("self"), "self_");
        assert_eq!(camel("Self"), "Self_");
        assert_eq!(snake("---"), "n");
        assert_eq!(snake("\"]; fn evil() {"), "fn_evil");
        assert!(is_keyword(&snake("type")));
        for name in ["", "*/", "\u{0}", "é", "日本", "r#x", "::", "'"] {
            let s = snake(name);
            let ident = if is_keyword(&s) { format!("r#{s}") } else { s };
            assert!(
                syn::parse_str::<syn::Ident>(&ident).is_ok(),
                "{name:?} -> {ident:?}"
            );
            assert!(
                syn::parse_str::<syn::Ident>(&camel(name)).is_ok(),
                "{name:?}"
            );
        }
    }

    #[test]
    fn collisions_get_deterministic_suffixes() {
        let mut set = NameSet::default();
        assert_eq!(set.claim("id"), "id");
        assert_eq!(set.claim("id"), "id_2");
        assert_eq!(set.claim("id"), "id_3");
        let mut types = NameSet::with_reserved(&["Unknown"]);
        assert_eq!(types.claim("Unknown"), "Unknown2");
    }
}
