//! Where `vendor` saves each document, and the manifest it writes.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use codegen::manifest::{MANIFEST_FILE, MANIFEST_VERSION};
use sha2::{Digest as _, Sha256};

use super::{Fetched, Origin, VendorReport};

/// A readable relative file name for a URL: `host[_port]/path` with unsafe characters replaced.
fn url_file(url: &str) -> PathBuf {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split('#').next().unwrap_or_default();
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut segments: Vec<String> = rest.split('/').map(sanitize).collect();
    if segments.len() == 1 {
        segments.push("index".into());
    } else if segments.last().is_some_and(String::is_empty) {
        *segments.last_mut().expect("checked") = "index".into();
    }
    if !query.is_empty() {
        let last = segments.last_mut().expect("a host and a file name");
        *last = format!("{last}_{}", sanitize(query));
    }
    segments.iter().collect()
}

fn sanitize(segment: &str) -> String {
    let name: String = segment
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.chars().all(|c| c == '.') && !name.is_empty() {
        name.replace('.', "_")
    } else {
        name
    }
}

/// `path` relative to the directory `base` (both absolute and lexical), `..` where needed.
fn relative_to(path: &Path, base: &Path) -> PathBuf {
    let path: Vec<_> = path.components().collect();
    let base: Vec<_> = base.components().collect();
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..base.len() {
        out.push("..");
    }
    for c in &path[common..] {
        out.push(c);
    }
    out
}

/// The deepest directory holding every local document and the directories their relative
/// locations pass through.
fn common_dir(documents: &[Fetched], reached: &[PathBuf]) -> Option<PathBuf> {
    let mut dirs = documents
        .iter()
        .filter_map(|d| match &d.origin {
            Origin::File(path) => path.parent().map(Path::to_path_buf),
            Origin::Url(_) => None,
        })
        .chain(reached.iter().cloned());
    let first = dirs.next()?;
    Some(dirs.fold(first, |common, dir| {
        common
            .components()
            .zip(dir.components())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a)
            .collect()
    }))
}

/// Writes the documents and the manifest.
pub(super) fn write_out(
    source: &str,
    dir: &Path,
    entry: &Origin,
    documents: &[Fetched],
    reached: &[PathBuf],
    old: Vec<PathBuf>,
) -> Result<VendorReport, String> {
    let local_root = common_dir(documents, reached);
    let entry_dir = match entry {
        Origin::File(path) => path.parent().map(Path::to_path_buf),
        Origin::Url(_) => None,
    };
    let mut taken = BTreeSet::from([PathBuf::from(MANIFEST_FILE)]);
    let mut manifest = format!(
        "# Written by `cargo xtask vendor`: every document the WSDL pulls in, saved byte for byte.\n\
         # The generator reads remote locations from these copies; it never fetches.\n\
         version = {MANIFEST_VERSION}\nsource = {}\n",
        quote(source)
    );
    let mut entries = String::new();
    let mut report = Vec::new();
    let mut wsdl = None;
    for (i, document) in documents.iter().enumerate() {
        let (location, mut file) = match &document.origin {
            Origin::Url(url) => (url.clone(), url_file(url)),
            Origin::File(path) => {
                let root = local_root.as_deref().unwrap_or(Path::new("/"));
                let location = match &entry_dir {
                    Some(entry_dir) => relative_to(path, entry_dir),
                    None => path.clone(),
                };
                (slashes(&location), relative_to(path, root))
            }
        };
        if i == 0 && file.extension().is_none_or(|e| e != "wsdl") {
            let mut name = file.clone().into_os_string();
            name.push(".wsdl");
            file = name.into();
        }
        file = unique(file, &mut taken);
        let path = dir.join(&file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &document.bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        let hash = Sha256::digest(&document.bytes);
        let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
        let _ = write!(
            entries,
            "\n[[documents]]\nlocation = {}\nfile = {}\nsha256 = \"{hex}\"\nbytes = {}\nfetched = \"{}\"\n",
            quote(&location),
            quote(&slashes(&file)),
            document.bytes.len(),
            document.fetched
        );
        if let Some(mirror) = &document.mirror {
            let _ = writeln!(entries, "mirror = {}", quote(mirror));
        }
        if i == 0 {
            let _ = writeln!(manifest, "wsdl = {}", quote(&slashes(&file)));
            wsdl = Some(path.clone());
        }
        report.push((location, path));
    }
    manifest.push_str(&entries);
    let manifest_path = dir.join(MANIFEST_FILE);
    std::fs::write(&manifest_path, manifest)
        .map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    for stale in old {
        if !report.iter().any(|(_, p)| *p == stale) {
            let _ = std::fs::remove_file(stale);
        }
    }
    Ok(VendorReport {
        manifest: manifest_path,
        wsdl: wsdl.ok_or("no document was read")?,
        documents: report,
    })
}

/// `file`, or `stem-N.ext` if that name is taken.
fn unique(file: PathBuf, taken: &mut BTreeSet<PathBuf>) -> PathBuf {
    let mut candidate = file.clone();
    let mut n = 2;
    while !taken.insert(candidate.clone()) {
        let stem = file.file_stem().unwrap_or_default().to_string_lossy();
        let name = match file.extension() {
            Some(ext) => format!("{stem}-{n}.{}", ext.to_string_lossy()),
            None => format!("{stem}-{n}"),
        };
        candidate = file.with_file_name(name);
        n += 1;
    }
    candidate
}

fn slashes(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A TOML basic string.
fn quote(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_file_names_are_readable_and_safe() {
        for (url, file) in [
            (
                "http://www.w3.org/2005/05/xmlmime",
                "www.w3.org/2005/05/xmlmime",
            ),
            (
                "http://docs.oasis-open.org/wsn/b-2.xsd",
                "docs.oasis-open.org/wsn/b-2.xsd",
            ),
            ("http://127.0.0.1:8080/", "127.0.0.1_8080/index"),
            ("http://h", "h/index"),
            ("https://h/Service.svc?xsd=xsd0", "h/Service.svc_xsd_xsd0"),
            ("http://h/a%2F..%2Fb/c d", "h/a_2F.._2Fb/c_d"),
        ] {
            assert_eq!(url_file(url), PathBuf::from(file), "{url}");
        }
    }

    #[test]
    fn local_paths_are_relative_to_the_entry() {
        assert_eq!(
            relative_to(
                Path::new("/a/ver10/schema/onvif.xsd"),
                Path::new("/a/ver10/device/wsdl")
            ),
            PathBuf::from("../../schema/onvif.xsd")
        );
        assert_eq!(quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000A\"");
    }
}
