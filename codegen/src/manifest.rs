//! Schema manifests: where the generator finds, on disk, documents a WSDL names by remote
//! location.
//!
//! The generator never touches the network. `cargo xtask vendor WSDL DIR` fetches a WSDL and
//! every document it pulls in (`wsdl:import`, `xs:import`, `xs:include`, `xs:redefine`,
//! relative or absolute) once, byte for byte, into `DIR`, and writes `DIR/vendor.toml`:
//!
//! ```toml
//! version = 1
//! source = "https://example.com/service?wsdl"
//! wsdl = "example.com/service_wsdl.wsdl"
//!
//! [[documents]]
//! location = "http://www.w3.org/2005/05/xmlmime"
//! file = "www.w3.org/2005/05/xmlmime"
//! sha256 = "…"
//! bytes = 1583
//! fetched = "2026-12-03T16:02:11Z"
//! ```
//!
//! `location` is the absolute `http(s)` URL a document was fetched from (a local document the
//! WSDL named by relative path keeps that path, relative to the WSDL's directory, and its layout
//! under `DIR`); `file` is its copy, relative to the manifest. When the generator meets a remote
//! location it resolves it to an absolute URL (a relative location inside a remote document is
//! resolved against that document's URL, RFC 3986) and reads the manifest's copy. The manifest
//! is [`Config::schema_manifest`](crate::Config::schema_manifest), or else the nearest
//! `vendor.toml` in the WSDL's directory or above it, if its entry WSDL (`wsdl`) is this file;
//! it is only looked for when a remote location is met. A remote location it does
//! not list stays a diagnostic naming file, line and column.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// The manifest's file name, in the directory `cargo xtask vendor` writes.
pub const MANIFEST_FILE: &str = "vendor.toml";

/// The manifest format version this generator reads.
pub const MANIFEST_VERSION: u32 = 1;

/// The manifest as written on disk.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    /// Format version ([`MANIFEST_VERSION`]).
    pub version: u32,
    /// What `vendor` was given: a URL or a path.
    pub source: String,
    /// The entry WSDL's copy, relative to the manifest.
    pub wsdl: String,
    /// Every document saved, the WSDL first.
    #[serde(default)]
    pub documents: Vec<ManifestEntry>,
}

/// One saved document.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestEntry {
    /// Where the WSDL (or the document that named it) said it is: an absolute `http(s)` URL,
    /// or for a local document its path relative to the entry WSDL's directory.
    pub location: String,
    /// The saved copy, relative to the manifest (`/`-separated, never leaving its directory).
    pub file: String,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// When it was fetched (RFC 3339, UTC).
    pub fetched: String,
    /// Where the bytes were read instead of `location`, when `vendor` was given a mirror
    /// (`--mirror URL_PREFIX=DIR`, for offline runs).
    #[serde(default)]
    pub mirror: Option<String>,
}

impl ManifestFile {
    /// Reads a manifest file as written, unchecked.
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| Error::Manifest {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }
}

/// A manifest read and checked: remote locations → local copies.
#[derive(Debug, Clone)]
pub struct SchemaManifest {
    path: PathBuf,
    files: BTreeMap<String, PathBuf>,
    wsdl: PathBuf,
}

impl SchemaManifest {
    /// Reads and checks the manifest at `path` (every `file` must stay inside its directory).
    pub fn read(path: &Path) -> Result<Self> {
        let invalid = |message: String| Error::Manifest {
            path: path.to_path_buf(),
            message,
        };
        let file = ManifestFile::read(path)?;
        if file.version != MANIFEST_VERSION {
            return Err(invalid(format!(
                "version {} (this generator reads version {MANIFEST_VERSION})",
                file.version
            )));
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut files = BTreeMap::new();
        for entry in &file.documents {
            let local = inside(dir, &entry.file).ok_or_else(|| {
                invalid(format!(
                    "file {:?} of {:?} is not a relative path inside the manifest's directory",
                    entry.file, entry.location
                ))
            })?;
            if is_remote(&entry.location) {
                files.insert(normalize_url(&entry.location), local);
            }
        }
        let wsdl = inside(dir, &file.wsdl)
            .ok_or_else(|| invalid(format!("wsdl {:?} is not inside the directory", file.wsdl)))?;
        Ok(SchemaManifest {
            path: path.to_path_buf(),
            files,
            wsdl,
        })
    }

    /// The manifest for `wsdl` when none was configured: the first `vendor.toml` found in its
    /// directory or above, if that manifest's entry WSDL is this file.
    pub fn find_for(wsdl: &Path) -> Result<Option<Self>> {
        let Ok(wsdl) = wsdl.canonicalize() else {
            return Ok(None);
        };
        for dir in wsdl.ancestors().skip(1) {
            let candidate = dir.join(MANIFEST_FILE);
            if candidate.is_file() {
                let manifest = Self::read(&candidate)?;
                let lists_it = manifest.wsdl.canonicalize().is_ok_and(|w| w == wsdl);
                return Ok(lists_it.then_some(manifest));
            }
        }
        Ok(None)
    }

    /// The manifest file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every remote location the manifest lists (normalized) with its local copy.
    pub fn remote_files(&self) -> impl Iterator<Item = (&str, &Path)> {
        self.files
            .iter()
            .map(|(url, file)| (url.as_str(), file.as_path()))
    }

    /// The local copy of the document at the absolute URL `url`, if the manifest has it.
    pub fn local_file(&self, url: &str) -> Option<&Path> {
        self.files.get(&normalize_url(url)).map(PathBuf::as_path)
    }
}

/// `relative` below `dir`, if it is a relative path that never climbs out.
fn inside(dir: &Path, relative: &str) -> Option<PathBuf> {
    let path = Path::new(relative);
    let plain = path.components().all(|c| matches!(c, Component::Normal(_)));
    (plain && !relative.is_empty()).then(|| dir.join(path))
}

/// Whether a location is an absolute URL (`scheme:` then `//`), rather than a relative path.
pub fn is_remote(location: &str) -> bool {
    scheme(location).is_some()
}

/// The scheme of an absolute URL, lowercased.
pub fn scheme(location: &str) -> Option<String> {
    let (scheme, rest) = location.trim().split_once(':')?;
    let valid = scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (valid && rest.starts_with("//")).then(|| scheme.to_ascii_lowercase())
}

/// An absolute URL with its scheme and host lowercased and its path's `.`/`..` segments
/// removed, the key the manifest is looked up by.
pub fn normalize_url(url: &str) -> String {
    let url = url.trim();
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let (path, suffix) = split_path(tail);
    let path = if path.is_empty() {
        "/".to_owned()
    } else {
        remove_dot_segments(path)
    };
    format!(
        "{}://{}{path}{suffix}",
        scheme.to_ascii_lowercase(),
        authority.to_ascii_lowercase()
    )
}

/// Resolves `reference` against the absolute URL `base` (RFC 3986 section 5.2; a fragment is
/// dropped, it names no other document).
pub fn join_url(base: &str, reference: &str) -> String {
    let reference = reference.trim();
    let reference = reference.split('#').next().unwrap_or_default();
    if is_remote(reference) {
        return normalize_url(reference);
    }
    let base = normalize_url(base);
    let Some((scheme, rest)) = base.split_once("://") else {
        return reference.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    if let Some(network) = reference.strip_prefix("//") {
        return normalize_url(&format!("{scheme}://{network}"));
    }
    let (base_path, base_suffix) = split_path(tail);
    let base_query = base_suffix.split('#').next().unwrap_or_default();
    let (path, query) = split_path(reference);
    let joined = if path.is_empty() {
        if query.is_empty() {
            format!("{base_path}{base_query}")
        } else {
            format!("{base_path}{query}")
        }
    } else if path.starts_with('/') {
        format!("{}{query}", remove_dot_segments(path))
    } else {
        let directory = &base_path[..base_path.rfind('/').map_or(0, |i| i + 1)];
        let directory = if directory.is_empty() { "/" } else { directory };
        format!(
            "{}{query}",
            remove_dot_segments(&format!("{directory}{path}"))
        )
    };
    format!("{scheme}://{authority}{joined}")
}

/// A path and what follows it (`?query#fragment`).
fn split_path(tail: &str) -> (&str, &str) {
    let end = tail.find(['?', '#']).unwrap_or(tail.len());
    tail.split_at(end)
}

/// RFC 3986 section 5.2.4 on an absolute path.
fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *segment {
            "." => {
                if last {
                    out.push("");
                }
            }
            ".." => {
                out.pop();
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    format!("/{}", out.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve_as_rfc_3986_says() {
        let base = "http://a/b/c/d;p?q";
        for (reference, expected) in [
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g/"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q"),
            ("", "http://a/b/c/d;p?q"),
            (".", "http://a/b/c/"),
            ("..", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../../g", "http://a/g"),
            ("../../../g", "http://a/g"),
            ("g;x=1/../y", "http://a/b/c/y"),
            (
                "HTTP://Other.Example/x/./y.xsd",
                "http://other.example/x/y.xsd",
            ),
        ] {
            assert_eq!(join_url(base, reference), expected, "{reference}");
        }
    }

    #[test]
    fn only_urls_with_a_scheme_and_authority_are_remote() {
        assert!(is_remote("http://www.w3.org/2005/05/xmlmime"));
        assert!(is_remote("HTTPS://x/y"));
        assert!(is_remote("file:///etc/passwd"));
        assert!(!is_remote("sub/o.xsd"));
        assert!(!is_remote("../../ver10/schema/onvif.xsd"));
        assert!(!is_remote("C:\\schemas\\a.xsd"));
        assert_eq!(scheme("file:///x").as_deref(), Some("file"));
    }

    #[test]
    fn manifest_files_must_stay_inside_its_directory() {
        let dir = std::env::temp_dir().join(format!("mktows-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(MANIFEST_FILE);
        let write = |file: &str| {
            std::fs::write(
                &path,
                format!(
                    "version = 1\nsource = \"s.wsdl\"\nwsdl = \"s.wsdl\"\n\n[[documents]]\nlocation = \"http://x/a.xsd\"\nfile = \"{file}\"\nsha256 = \"00\"\nbytes = 1\nfetched = \"2026-12-03T00:00:00Z\"\n"
                ),
            )
            .unwrap();
        };
        write("x/a.xsd");
        let manifest = SchemaManifest::read(&path).unwrap();
        assert_eq!(
            manifest.local_file("HTTP://X/./a.xsd"),
            Some(dir.join("x/a.xsd").as_path())
        );
        assert_eq!(manifest.local_file("http://x/b.xsd"), None);
        for escaping in ["../a.xsd", "/etc/passwd", "x/../../a.xsd"] {
            write(escaping);
            let err = SchemaManifest::read(&path).unwrap_err().to_string();
            assert!(err.contains("not a relative path inside"), "{err}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
