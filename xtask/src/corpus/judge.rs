//! Judging a WSDL's sample requests with xmllint (see [`crate::schemas`] for the schema it is
//! given, and [`narrow`] for schemas written for XML Schema 1.1).
//!
//! Every request of a WSDL goes to one `xmllint --noout --nonet --schema` run, remote schema
//! locations resolved through the catalog in `XML_CATALOG_FILES`. When xmllint refuses the
//! schema because a type's content model is not deterministic (XSD 1.1's weakened wildcards,
//! as ONVIF writes them), that type is narrowed in a copy of its schema file and the run
//! repeated, at most 16 types per WSDL; the WSDL's report line names the narrowed types.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::Candidate;
use crate::schemas::{self, narrow};

/// Most complex types narrowed for one WSDL before its schema is called uncompilable.
const MAX_NARROWED: usize = 16;

/// Validates a WSDL's encoded requests with xmllint: how many are valid, and the first that is
/// not (with why), and the complex types narrowed for xmllint ([`narrow`]). Judged by body (see
/// [`schemas`]), a request with an empty Body is valid.
pub(super) fn judge(
    c: &Candidate,
    dir: &Path,
    work: &Path,
) -> Result<(usize, Option<String>, Vec<String>), String> {
    let mut documents = Vec::new();
    let mut first_invalid = None;
    let mut empty_bodies = 0;
    for (i, (marker, _)) in c.operations.iter().enumerate() {
        let xml = dir.join(format!("op{i}.xml"));
        if xml.exists() && c.judged == schemas::Judged::Body {
            let envelope = std::fs::read_to_string(&xml).map_err(|e| e.to_string())?;
            let body = dir.join(format!("op{i}.body.xml"));
            let text = schemas::body_document(&envelope).map_err(|e| format!("{marker}: {e}"))?;
            let Some(text) = text else {
                // Nothing to judge in an empty Body.
                empty_bodies += 1;
                continue;
            };
            std::fs::write(&body, text).map_err(|e| format!("{}: {e}", body.display()))?;
            documents.push((marker.clone(), body));
        } else if xml.exists() {
            documents.push((marker.clone(), xml));
        } else if first_invalid.is_none() {
            let why = std::fs::read_to_string(dir.join(format!("op{i}.err")))
                .unwrap_or_else(|_| "no request was written".into());
            first_invalid = Some(format!("{marker}: {why}"));
        }
    }
    if documents.is_empty() {
        return Ok((empty_bodies, first_invalid, Vec::new()));
    }
    let schema_dir = work.join("schemas").join(&c.module);
    let envelope = schemas::write_schemas(&c.wsdl, c.judged, &schema_dir)?;
    let mut narrowed = Vec::new();
    let stderr = loop {
        let stderr = xmllint(&envelope, &documents)?;
        // An XSD 1.1 content model xmllint cannot compile: judged by a narrowed copy.
        match narrow::non_deterministic(&stderr) {
            Some((file, ty)) if narrowed.len() < MAX_NARROWED && !narrowed.contains(&ty) => {
                narrow_in(&schema_dir, &file, &ty, narrowed.len())?;
                narrowed.push(ty);
            }
            _ => break stderr,
        }
    };
    let mut valid = empty_bodies;
    for (marker, path) in &documents {
        let shown = path.display().to_string();
        if stderr.lines().any(|l| l == format!("{shown} validates")) {
            valid += 1;
        } else if first_invalid.is_none() {
            let why = stderr
                .lines()
                .find(|l| l.starts_with(&format!("{shown}:")))
                .map(|l| l[shown.len() + 1..].to_owned())
                .or_else(|| {
                    stderr
                        .lines()
                        .find(|l| !l.trim().is_empty())
                        .map(str::to_owned)
                })
                .unwrap_or_else(|| "xmllint said nothing".into());
            first_invalid = Some(format!("{marker}: {why}"));
        }
    }
    Ok((valid, first_invalid, narrowed))
}

/// Runs `xmllint --schema schema` on `documents`; its standard error (one `FILE validates` or
/// error line per document).
fn xmllint(schema: &Path, documents: &[(String, PathBuf)]) -> Result<String, String> {
    let output = Command::new("xmllint")
        .env(
            "XML_CATALOG_FILES",
            schemas::catalog(schema.parent().unwrap_or(Path::new("."))),
        )
        .args(["--noout", "--nonet", "--schema"])
        .arg(schema)
        .args(documents.iter().map(|(_, path)| path))
        .output()
        .map_err(|e| format!("cannot run xmllint (apt-get install libxml2-utils): {e}"))?;
    Ok(String::from_utf8_lossy(&output.stderr).into_owned())
}

/// Replaces schema `file` (as xmllint named it) by a copy with complex type `ty`'s wildcards
/// narrowed: written into `schema_dir`, and every schema written there that named `file` names
/// the copy instead (or `file` itself is rewritten when it is one of them).
fn narrow_in(schema_dir: &Path, file: &str, ty: &str, n: usize) -> Result<(), String> {
    let original = Path::new(file);
    if original.parent() == Some(schema_dir) {
        return narrow::narrowed_copy(original, ty, original);
    }
    let name = original
        .file_name()
        .map_or_else(|| "schema.xsd".into(), |n| n.to_string_lossy().into_owned());
    let copy = schema_dir.join(format!("narrowed{n}-{name}"));
    narrow::narrowed_copy(original, ty, &copy)?;
    let entries =
        std::fs::read_dir(schema_dir).map_err(|e| format!("{}: {e}", schema_dir.display()))?;
    let from = format!("schemaLocation=\"{file}\"");
    let to = format!("schemaLocation=\"{}\"", copy.display());
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "xsd") && path != copy {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            if text.contains(&from) {
                std::fs::write(&path, text.replace(&from, &to))
                    .map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
    }
    Ok(())
}
