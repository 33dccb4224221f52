//! The scratch crate `cargo xtask corpus` compiles every WSDL's bindings in: its manifest, a
//! `main.rs` that checks each operation's sample request, and a build that leaves out the
//! modules that do not compile, blaming each error on its module.
//!
//! A compiler error in `src/<module>.rs` blames that WSDL's module; one in `main.rs` blames
//! the module whose calls span its line. The blamed modules are left out and the crate built
//! again, until it builds or an error blames no module (then the whole check fails).

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use super::{Candidate, CorpusOptions};

/// Builds the scratch crate at `crate_dir`; a module that does not compile is reported and
/// left out of the next try. Returns the modules left out, each with its first error.
pub(super) fn build_leaving_out_failures(
    crate_dir: &Path,
    options: &CorpusOptions,
    candidates: &[Candidate],
) -> Result<Vec<(String, String)>, String> {
    let mut failed: Vec<(String, String)> = Vec::new();
    loop {
        let included: Vec<&Candidate> = candidates
            .iter()
            .filter(|c| !failed.iter().any(|(m, _)| m == &c.module))
            .collect();
        if included.is_empty() {
            return Ok(failed);
        }
        let lines = write_main(crate_dir, &included)?;
        let errors = build(crate_dir, options)?;
        if errors.is_empty() {
            return Ok(failed);
        }
        let mut blamed = false;
        for (file, line, message) in errors {
            let module = if file == "main" {
                lines
                    .iter()
                    .find(|(_, range)| range.contains(&line))
                    .map(|(m, _)| m.clone())
            } else {
                Some(file)
            };
            if let Some(module) = module
                && included.iter().any(|c| c.module == module)
                && !failed.iter().any(|(m, _)| m == &module)
            {
                failed.push((module, message));
                blamed = true;
            }
        }
        if !blamed {
            return Err(
                "the scratch crate does not build, and no WSDL's module is to blame".into(),
            );
        }
    }
}

/// Writes the scratch crate's `Cargo.toml` (and copies the workspace's lockfile, if any).
pub(super) fn write_manifest(crate_dir: &Path, options: &CorpusOptions) -> Result<(), String> {
    let runtime = options
        .runtime_dir
        .canonicalize()
        .map_err(|e| format!("{}: {e}", options.runtime_dir.display()))?;
    let manifest = format!(
        r#"[package]
name = "mktows-corpus-check"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

# The bindings need only these two; serde_json reads the samples in the check's main.rs.
[dependencies]
mktows-runtime = {{ path = {:?} }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
"#,
        runtime.to_string_lossy()
    );
    let path = crate_dir.join("Cargo.toml");
    std::fs::write(&path, manifest).map_err(|e| format!("{}: {e}", path.display()))?;
    if let Some(lock) = options.lockfile.as_ref().filter(|l| l.exists()) {
        std::fs::copy(lock, crate_dir.join("Cargo.lock"))
            .map_err(|e| format!("{}: {e}", lock.display()))?;
    }
    Ok(())
}

/// Writes `main.rs`; returns the line range of each module's calls, to blame errors.
fn write_main(
    crate_dir: &Path,
    included: &[&Candidate],
) -> Result<Vec<(String, std::ops::Range<usize>)>, String> {
    let mut main = String::from(
        "//! Written by `cargo xtask corpus`: the bindings of every WSDL, and a check of each\n\
         //! operation's sample request (read from JSON, encoded, read back, saved for xmllint).\n\n",
    );
    for c in included {
        let _ = writeln!(
            main,
            "#[allow(missing_docs, dead_code, clippy::all)]\n#[path = \"{0}.rs\"]\nmod {0};",
            c.module
        );
    }
    main.push_str(
        r#"
use mktows_runtime::{self as xml, Operation};
use std::path::Path;

fn check<O: Operation>(dir: &Path, i: usize)
where
    O::Input: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = dir.join(format!("op{i}.json"));
    let Ok(json) = std::fs::read_to_string(&json) else { return };
    let result = (|| -> Result<String, String> {
        let input: O::Input =
            serde_json::from_str(&json).map_err(|e| format!("the sample does not deserialize: {e}"))?;
        let request = xml::encode_request::<O>(&Default::default(), &input)
            .map_err(|e| format!("does not encode: {e}"))?;
        let read = xml::decode_request::<O>(request.as_bytes())
            .map_err(|e| format!("does not read back: {e}"))?;
        if read.body != input {
            return Err("reads back as a different value".into());
        }
        Ok(request)
    })();
    let (ext, text) = match result {
        Ok(request) => ("xml", request),
        Err(e) => ("err", e),
    };
    std::fs::write(dir.join(format!("op{i}.{ext}")), text).expect("samples directory");
}

fn main() {
    let dir = std::env::args().nth(1).expect("the samples directory");
    let dir = Path::new(&dir);
"#,
    );
    let mut lines = Vec::new();
    for c in included {
        let start = main.lines().count() + 1;
        for (i, (marker, _)) in c.operations.iter().enumerate() {
            let _ = writeln!(
                main,
                "    check::<{}::operations::{marker}>(&dir.join({:?}), {i});",
                c.module, c.module
            );
        }
        lines.push((c.module.clone(), start..main.lines().count() + 1));
    }
    main.push_str("}\n");
    let path = crate_dir.join("src/main.rs");
    std::fs::write(&path, main).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(lines)
}

/// Builds the scratch crate; returns its errors as (module file stem, line, message).
fn build(
    crate_dir: &Path,
    options: &CorpusOptions,
) -> Result<Vec<(String, usize, String)>, String> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "build",
            "--quiet",
            "--message-format",
            "short",
            "--manifest-path",
        ])
        .arg(crate_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &options.target_dir)
        // Throwaway builds of large generated crates: no debug info, no incremental cache.
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if output.status.success() {
        return Ok(Vec::new());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let errors: Vec<(String, usize, String)> = stderr
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("src/")?;
            let (file, rest) = rest.split_once(".rs:")?;
            let (line_no, rest) = rest.split_once(':')?;
            let message = rest.split_once(": ").map(|(_, m)| m)?;
            message.starts_with("error").then(|| {
                (
                    file.to_owned(),
                    line_no.parse().unwrap_or(0),
                    format!("src/{file}.rs:{line_no}: {message}"),
                )
            })
        })
        .collect();
    if errors.is_empty() {
        return Err(format!("the scratch crate does not build:\n{stderr}"));
    }
    Ok(errors)
}
