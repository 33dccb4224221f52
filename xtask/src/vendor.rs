//! `cargo xtask vendor WSDL_URL_OR_FILE DIR`: a WSDL and every document it pulls in, fetched
//! once into `DIR` with a manifest, so the build never touches the network.
//!
//! From the WSDL, `wsdl:import location`, `xs:import`/`xs:include`/`xs:redefine
//! schemaLocation` are followed breadth first and transitively (anywhere in a document, inline
//! schemas included), relative (against the naming document's URL or path, RFC 3986, by
//! [`codegen::manifest::join_url`]: the resolution the generator uses) or absolute `http(s)`;
//! each document is read once. Remote documents are fetched with a blocking client: connect
//! and request timeouts (10 s, 60 s), at most five redirects and only to http(s) (a redirect
//! elsewhere is an error naming its target); a redirected document keeps the URL that named
//! it, and its relative locations resolve against that. Bounds: at most
//! [`VendorOptions::max_documents`] documents (256) of at most [`VendorOptions::max_bytes`]
//! bytes each (16 MiB).
//!
//! Every document is held in memory until the walk ends (a failed walk saves none); then
//! each is saved byte for byte: a remote one at `DIR/<host>/<path>` (characters other than
//! letters, digits, `.`, `_`, `-` become `_`, a query is appended as `_query`, a port as
//! `host_port`), local ones at their paths below the deepest directory holding them all and
//! every directory their relative locations pass through (so `../../../ver10/schema/x.xsd`
//! still lines up on disk). The entry WSDL gets a `.wsdl` extension if it has none.
//! `DIR/vendor.toml` (format in [`codegen::manifest`]) maps each location to its file, with
//! its SHA-256, size and when it was fetched; the generator resolves remote locations through
//! it. A non-empty `DIR` without a manifest is refused; vendoring again into a vendor
//! directory removes the files the old manifest listed that this run does not write.
//!
//! [`VendorOptions::mirrors`] (`--mirror URL_PREFIX=DIR`) reads URLs under a prefix from a
//! local directory instead of the network, for offline runs (the corpus's schemas were
//! vendored that way from copies of the W3C and OASIS files); the manifest names the mirror.

use std::collections::{HashSet, VecDeque};
use std::io::Read as _;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use codegen::manifest::{MANIFEST_FILE, ManifestFile, is_remote, join_url, normalize_url, scheme};

mod write;
use write::write_out;

const XS: &str = "http://www.w3.org/2001/XMLSchema";
const WSDL: &str = "http://schemas.xmlsoap.org/wsdl/";

/// Bounds and sources of one `vendor` run.
#[derive(Debug, Clone)]
pub struct VendorOptions {
    /// Most documents saved (the WSDL included).
    pub max_documents: usize,
    /// Most bytes of one document.
    pub max_bytes: u64,
    /// Connect timeout of each request.
    pub connect_timeout: Duration,
    /// Whole-request timeout of each request.
    pub timeout: Duration,
    /// URL prefix → local directory read instead of the network for URLs under it.
    pub mirrors: Vec<(String, PathBuf)>,
}

impl Default for VendorOptions {
    fn default() -> Self {
        VendorOptions {
            max_documents: 256,
            max_bytes: 16 << 20,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            mirrors: Vec::new(),
        }
    }
}

/// What a run saved.
#[derive(Debug, Clone)]
pub struct VendorReport {
    /// `DIR/vendor.toml`.
    pub manifest: PathBuf,
    /// The entry WSDL's copy.
    pub wsdl: PathBuf,
    /// Location → saved file, in the order they were found (the WSDL first).
    pub documents: Vec<(String, PathBuf)>,
}

/// Where a document is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Origin {
    /// An absolute http(s) URL, normalized.
    Url(String),
    /// An absolute local path, normalized lexically.
    File(PathBuf),
}

/// A document read.
struct Fetched {
    origin: Origin,
    bytes: Vec<u8>,
    fetched: String,
    mirror: Option<String>,
}

/// Fetches `source` (an `http(s)://` URL or a path) and everything it pulls in into `dir`.
pub fn vendor(source: &str, dir: &Path, options: &VendorOptions) -> Result<VendorReport, String> {
    let old = prepare_dir(dir)?;
    let entry = if is_remote(source) {
        check_scheme(source, "the WSDL")?;
        Origin::Url(normalize_url(source))
    } else {
        let path = std::path::absolute(source).map_err(|e| format!("{source}: {e}"))?;
        Origin::File(lexical(&path))
    };
    let client = reqwest::blocking::Client::builder()
        .connect_timeout(options.connect_timeout)
        .timeout(options.timeout)
        .redirect(reqwest::redirect::Policy::custom(|attempt| {
            if attempt.previous().len() >= 5 {
                attempt.error("more than 5 redirects")
            } else if !matches!(attempt.url().scheme(), "http" | "https") {
                let to = attempt.url().to_string();
                attempt.error(format!("redirected to {to}, which is not http(s)"))
            } else {
                attempt.follow()
            }
        }))
        .build()
        .map_err(|e| e.to_string())?;
    let mut queue = VecDeque::from([(entry.clone(), String::from("the command line"))]);
    let mut seen = HashSet::from([entry.clone()]);
    let mut documents = Vec::new();
    // The shallowest directories relative local locations pass through, so the saved layout
    // keeps every relative location working on disk (`../../../ver10/schema/x.xsd`).
    let mut reached = Vec::new();
    while let Some((origin, named_by)) = queue.pop_front() {
        let document =
            read(&client, &origin, options).map_err(|e| format!("{e} (named by {named_by})"))?;
        let name = display(&document.origin);
        for reference in references(&document.bytes, &name)? {
            let next = resolve(&document.origin, &reference)
                .map_err(|e| format!("{name}: location {reference:?}: {e}"))?;
            if let (Origin::File(from), Origin::File(_)) = (&document.origin, &next) {
                reached.push(shallowest(
                    from.parent().unwrap_or(Path::new("/")),
                    &reference,
                ));
            }
            if seen.insert(next.clone()) {
                if seen.len() > options.max_documents {
                    return Err(format!(
                        "more than {} documents: {name} names {} (raise the bound if this is expected)",
                        options.max_documents,
                        display(&next)
                    ));
                }
                queue.push_back((next, name.clone()));
            }
        }
        documents.push(document);
    }
    write_out(source, dir, &entry, &documents, &reached, old)
}

/// The shallowest directory `reference` passes through from `dir`.
fn shallowest(dir: &Path, reference: &str) -> PathBuf {
    let mut at = dir.to_path_buf();
    let mut top = at.clone();
    let mut parts = Path::new(reference).components().peekable();
    while let Some(component) = parts.next() {
        if parts.peek().is_none() {
            break; // the file name
        }
        match component {
            Component::ParentDir => {
                at.pop();
            }
            Component::Normal(name) => at.push(name),
            _ => {}
        }
        if at.components().count() < top.components().count() {
            top = at.clone();
        }
    }
    top
}

/// Creates `dir`; refuses a non-empty directory that is not a vendor directory; returns the
/// files an earlier run listed (removed if this run does not write them).
fn prepare_dir(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let manifest = dir.join(MANIFEST_FILE);
    let mut old = Vec::new();
    if manifest.is_file() {
        let file = ManifestFile::read(&manifest).map_err(|e| e.to_string())?;
        old = file
            .documents
            .iter()
            .filter(|d| {
                Path::new(&d.file)
                    .components()
                    .all(|c| matches!(c, Component::Normal(_)))
            })
            .map(|d| dir.join(&d.file))
            .collect();
    } else if std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some()) {
        return Err(format!(
            "{} is not empty and has no {MANIFEST_FILE}: give an empty or new directory",
            dir.display()
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(old)
}

fn check_scheme(url: &str, what: &str) -> Result<(), String> {
    match scheme(url).as_deref() {
        Some("http" | "https") => Ok(()),
        _ => Err(format!(
            "{what} {url:?}: only http(s) URLs and local paths are fetched"
        )),
    }
}

fn display(origin: &Origin) -> String {
    match origin {
        Origin::Url(url) => url.clone(),
        Origin::File(path) => path.display().to_string(),
    }
}

/// The document `reference` names, from the document at `base`.
fn resolve(base: &Origin, reference: &str) -> Result<Origin, String> {
    let next = match base {
        Origin::Url(url) => Origin::Url(join_url(url, reference)),
        Origin::File(_) if is_remote(reference) => Origin::Url(normalize_url(reference)),
        Origin::File(path) => {
            let dir = path.parent().unwrap_or(Path::new("/"));
            let reference = reference.split('#').next().unwrap_or_default();
            Origin::File(lexical(&dir.join(reference)))
        }
    };
    if let Origin::Url(url) = &next {
        check_scheme(url, "the URL")?;
    }
    Ok(next)
}

/// `path` with `.` and `..` removed without touching the file system.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Reads one document, bounded.
fn read(
    client: &reqwest::blocking::Client,
    origin: &Origin,
    options: &VendorOptions,
) -> Result<Fetched, String> {
    let fetched = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let too_large = |what: &str| {
        format!(
            "{what} is larger than {} bytes (VendorOptions::max_bytes)",
            options.max_bytes
        )
    };
    let mirror = match origin {
        Origin::Url(url) => options.mirrors.iter().find_map(|(prefix, dir)| {
            let rest = url.strip_prefix(prefix.as_str())?;
            Some((
                dir.join(rest.trim_start_matches('/')),
                format!("{}", dir.display()),
            ))
        }),
        Origin::File(_) => None,
    };
    let local = match (origin, &mirror) {
        (_, Some((file, _))) => Some(file.clone()),
        (Origin::File(path), None) => Some(path.clone()),
        (Origin::Url(_), None) => None,
    };
    let bytes = if let Some(path) = local {
        let name = path.display().to_string();
        let size = std::fs::metadata(&path)
            .map_err(|e| format!("{name}: {e}"))?
            .len();
        if size > options.max_bytes {
            return Err(too_large(&name));
        }
        std::fs::read(&path).map_err(|e| format!("{name}: {e}"))?
    } else {
        let Origin::Url(url) = origin else {
            unreachable!("local documents are read above")
        };
        let response = client
            .get(url)
            .send()
            .map_err(|e| format!("cannot fetch {url}: {e}"))?;
        let status = response.status();
        if status.is_redirection() {
            let to = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .unwrap_or("nowhere");
            return Err(format!(
                "cannot fetch {url}: HTTP {status} redirected to {to}, which is not http(s) (not followed)"
            ));
        }
        if !status.is_success() {
            return Err(format!("cannot fetch {url}: HTTP {status}"));
        }
        if response
            .content_length()
            .is_some_and(|n| n > options.max_bytes)
        {
            return Err(too_large(url));
        }
        let mut bytes = Vec::new();
        response
            .take(options.max_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot fetch {url}: {e}"))?;
        if bytes.len() as u64 > options.max_bytes {
            return Err(too_large(url));
        }
        bytes
    };
    Ok(Fetched {
        origin: origin.clone(),
        bytes,
        fetched,
        mirror: mirror.map(|(_, dir)| dir),
    })
}

/// Every location a document names: `wsdl:import location`, `xs:import`/`xs:include`/
/// `xs:redefine schemaLocation`, in document order.
fn references(bytes: &[u8], name: &str) -> Result<Vec<String>, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "{name}: not UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        )
    })?;
    let doc = roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            allow_dtd: false,
            ..Default::default()
        },
    )
    .map_err(|e| format!("{name}: {e}"))?;
    let root = doc.root_element();
    let kind = (root.tag_name().namespace(), root.tag_name().name());
    if !matches!(kind, (Some(WSDL), "definitions") | (Some(XS), "schema")) {
        return Err(format!(
            "{name}: the root element is `{}`, not wsdl:definitions or xs:schema",
            root.tag_name().name()
        ));
    }
    Ok(root
        .descendants()
        .filter(|n| n.is_element())
        .filter_map(|n| match (n.tag_name().namespace(), n.tag_name().name()) {
            (Some(WSDL), "import") => n.attribute("location"),
            (Some(XS), "import" | "include" | "redefine") => n.attribute("schemaLocation"),
            _ => None,
        })
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_locations_are_resolved_lexically() {
        assert_eq!(lexical(Path::new("/a/b/../c/./d")), PathBuf::from("/a/c/d"));
        assert_eq!(
            shallowest(
                Path::new("/a/ver10/device/wsdl"),
                "../../../ver10/schema/onvif.xsd"
            ),
            PathBuf::from("/a")
        );
        assert_eq!(
            shallowest(Path::new("/a/b"), "c/d.xsd"),
            PathBuf::from("/a/b")
        );
    }
}
