//! The work behind `cargo xtask` (rust-analyzer's pattern), as functions the tests can call.
//!
//! - [`regen`]: a new WSDL (file or URL) becomes the pinned version: copied into `wsdl/`, named
//!   in `wsdl/PIN`, mirrored into `mktows/wsdl/` (the copy the `mktows` package ships and
//!   builds from), its API listing written to `mktows/API.txt`, and the API diff returned;
//! - [`diff`]: the semantic diff of two WSDLs;
//! - [`codegen()`]: the generator on any WSDL;
//! - [`corpus`]: the generator on a folder of real WSDLs, their bindings compiled and a
//!   request per operation judged by xmllint;
//! - [`vendor`](mod@vendor): a WSDL and every document it imports, fetched once into a
//!   directory with a manifest the generator resolves remote locations through;
//! - [`outage`]: how long `mktows sync` takes to give up or finish when its sandbox is killed
//!   mid-sync (a measurement).

use std::path::{Path, PathBuf};
use std::time::Duration;

use codegen::api::{self, Api};

pub mod corpus;
pub mod outage;
pub mod samples;
pub mod schemas;
pub mod vendor;

/// The checked-in view of the generated API.
pub const API_VIEW: &str = "mktows/API.txt";
/// The pin file naming the pinned WSDL (the place `regen` writes).
pub const PIN: &str = "wsdl/PIN";
/// The copy of the pin and the pinned WSDL that ships inside the `mktows` package, where its
/// build script reads them. [`regen`] keeps it identical to `wsdl/` (a test checks it).
pub const PACKAGED_WSDL: &str = "mktows/wsdl";

/// Loads a WSDL file into its API surface, with a clear error.
pub fn load_api(path: &Path) -> Result<Api, String> {
    let model = codegen::Config::new()
        .wsdl(path)
        .load()
        .map_err(|e| e.to_string())?;
    Ok(Api::from_model(&model))
}

/// The listing for the WSDL at `root/wsdl/<file>`.
pub fn listing(root: &Path, file: &str) -> Result<String, String> {
    Ok(load_api(&root.join("wsdl").join(file))?.listing(&format!("wsdl/{file}")))
}

/// The pinned WSDL file name.
pub fn pinned(root: &Path) -> Result<String, String> {
    let pin = root.join(PIN);
    let text = std::fs::read_to_string(&pin).map_err(|e| format!("{}: {e}", pin.display()))?;
    Ok(text.trim().to_owned())
}

/// Reads a WSDL from a path or an `http(s)://` URL.
pub fn fetch(source: &str) -> Result<Vec<u8>, String> {
    if source.starts_with("http://") || source.starts_with("https://") {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        let response = client
            .get(source)
            .send()
            .map_err(|e| format!("cannot fetch {source}: {e}"))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("cannot fetch {source}: HTTP {status}"));
        }
        Ok(response
            .bytes()
            .map_err(|e| format!("cannot fetch {source}: {e}"))?
            .to_vec())
    } else {
        std::fs::read(source).map_err(|e| format!("{source}: {e}"))
    }
}

/// Moves the project to the WSDL at `source` and returns the API diff report.
pub fn regen(root: &Path, source: &str) -> Result<String, String> {
    let bytes = fetch(source)?;
    // Validate in a scratch file next to the vendored ones (relative imports resolve alike).
    let scratch = root.join("wsdl").join(".regen-candidate.wsdl");
    std::fs::write(&scratch, &bytes).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let loaded = load_api(&scratch).map_err(|e| e.replace(&scratch.display().to_string(), source));
    let _ = std::fs::remove_file(&scratch);
    let new = loaded?;
    let name = match &new.version {
        Some(v) if !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
            format!("marketo_{v}.wsdl")
        }
        _ => Path::new(source.rsplit('/').next().unwrap_or(source))
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".wsdl"))
            .unwrap_or_else(|| "service.wsdl".into()),
    };
    let old = pinned(root)
        .ok()
        .and_then(|file| load_api(&root.join("wsdl").join(file)).ok());
    let target = root.join("wsdl").join(&name);
    if std::fs::read(&target).ok().as_deref() != Some(bytes.as_slice()) {
        std::fs::write(&target, &bytes).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    std::fs::write(root.join(PIN), format!("{name}\n")).map_err(|e| format!("{PIN}: {e}"))?;
    sync_packaged(root)?;
    std::fs::write(root.join(API_VIEW), new.listing(&format!("wsdl/{name}")))
        .map_err(|e| format!("{API_VIEW}: {e}"))?;
    let mut out = format!("wsdl/{name} is now the pinned WSDL; {API_VIEW} regenerated\n");
    match old {
        Some(old) => out.push_str(&api::report(&old, &new, &api::diff(&old, &new))),
        None => out.push_str("(no previous pinned WSDL to compare with)\n"),
    }
    Ok(out)
}

/// The documentation overlay beside the WSDL (merged into the generated rustdoc).
pub const DOCS_OVERLAY: &str = "docs.toml";

/// The files of `wsdl/` the package carries: the pin, the pinned WSDL and the overlay.
fn packaged_files(root: &Path) -> Result<Vec<String>, String> {
    Ok(vec!["PIN".into(), pinned(root)?, DOCS_OVERLAY.into()])
}

/// Makes `mktows/wsdl/` hold exactly the pin, the pinned WSDL and the documentation overlay of
/// `wsdl/`, byte for byte.
pub fn sync_packaged(root: &Path) -> Result<(), String> {
    let files = packaged_files(root)?;
    let dir = root.join(PACKAGED_WSDL);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let file = entry.file_name().to_string_lossy().into_owned();
        if path.is_file() && !files.contains(&file) {
            std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    for file in &files {
        let (from, to) = (root.join("wsdl").join(file), dir.join(file));
        let bytes = std::fs::read(&from).map_err(|e| format!("{}: {e}", from.display()))?;
        if std::fs::read(&to).ok().as_deref() != Some(bytes.as_slice()) {
            std::fs::write(&to, bytes).map_err(|e| format!("{}: {e}", to.display()))?;
        }
    }
    Ok(())
}

/// Differences between `wsdl/` and the packaged copy in `mktows/wsdl/`, one line each (empty
/// when they agree): a packaged file that differs, or a file there the package should not carry.
pub fn packaged_drift(root: &Path) -> Result<Vec<String>, String> {
    let files = packaged_files(root)?;
    let dir = root.join(PACKAGED_WSDL);
    let mut drift = Vec::new();
    for file in &files {
        let top = std::fs::read(root.join("wsdl").join(file)).ok();
        if top.is_none() || std::fs::read(dir.join(file)).ok() != top {
            drift.push(format!("{PACKAGED_WSDL}/{file} differs from wsdl/{file}"));
        }
    }
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if !files.contains(&file) {
            drift.push(format!("{PACKAGED_WSDL}/{file} is not a packaged file"));
        }
    }
    drift.sort();
    Ok(drift)
}

/// The diff report of two WSDL files.
pub fn diff(old: &Path, new: &Path, json: bool) -> Result<String, String> {
    let (old, new) = (load_api(old)?, load_api(new)?);
    let changes = api::diff(&old, &new);
    Ok(if json {
        api::report_json(&old, &new, &changes)
    } else {
        api::report(&old, &new, &changes)
    })
}

/// The generated Rust for any WSDL, with the generator's warnings (what it left out, where).
pub fn codegen(wsdl: &Path, runtime: &str) -> Result<(String, Vec<String>), String> {
    let mut config = codegen::Config::new();
    config.wsdl(wsdl).runtime_path(runtime);
    let (model, warnings) = config.load_with_warnings().map_err(|e| e.to_string())?;
    let code = config.emit(&model).map_err(|e| e.to_string())?;
    Ok((code, warnings))
}

/// The workspace root (xtask's parent directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// One timed piece of work from a bench run (a JSON line `{"work", "seconds", "bytes"}`).
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// What was done.
    pub work: String,
    /// Seconds per call.
    pub seconds: f64,
    /// Bytes handled per call (0 when not applicable).
    pub bytes: u64,
}

/// Reads the JSON lines of a bench run (a minimal reader for this fixed shape).
pub fn parse_timings(output: &str) -> Vec<Timing> {
    let field = |line: &str, name: &str| -> Option<String> {
        let key = format!("\"{name}\":");
        let start = line.find(&key)? + key.len();
        let rest = line[start..].trim_start();
        if let Some(quoted) = rest.strip_prefix('"') {
            quoted.find('"').map(|end| quoted[..end].to_owned())
        } else {
            let end = rest.find([',', '}']).unwrap_or(rest.len());
            Some(rest[..end].trim().to_owned())
        }
    };
    output
        .lines()
        .filter_map(|line| {
            Some(Timing {
                work: field(line, "work")?,
                seconds: field(line, "seconds")?.parse().ok()?,
                bytes: field(line, "bytes")?.parse().ok()?,
            })
        })
        .collect()
}

fn human_time(seconds: f64) -> String {
    if seconds >= 1e-3 {
        format!("{:.2} ms", seconds * 1e3)
    } else {
        format!("{:.1} µs", seconds * 1e6)
    }
}

/// The side-by-side table: work, mktows, zeep, ratio; then throughput against memcpy.
pub fn bench_table(ours: &[Timing], zeep: &[Timing]) -> String {
    let mut out = String::from("| work | mktows | zeep | zeep / mktows |\n|---|---|---|---|\n");
    for t in ours.iter().filter(|t| !t.work.starts_with("memcpy")) {
        match zeep.iter().find(|z| z.work == t.work) {
            Some(z) => {
                let ratio = z.seconds / t.seconds;
                let ratio = if ratio < 10.0 {
                    format!("{ratio:.2}×")
                } else {
                    format!("{ratio:.0}×")
                };
                out.push_str(&format!(
                    "| {} | {} | {} | {ratio} |\n",
                    t.work,
                    human_time(t.seconds),
                    human_time(z.seconds)
                ))
            }
            None => out.push_str(&format!(
                "| {} | {} | — | — |\n",
                t.work,
                human_time(t.seconds)
            )),
        }
    }
    let rate = |t: &Timing| t.bytes as f64 / t.seconds / (1024.0 * 1024.0 * 1024.0);
    let find = |prefix: &str| ours.iter().find(|t| t.work.starts_with(prefix));
    out.push_str("\n| bytes per second | envelope | memcpy of the same bytes | share of the limit |\n|---|---|---|---|\n");
    for (what, work, copy) in [
        ("write", "serialize", "memcpy of the request"),
        ("parse", "parse 300-status", "memcpy of the response"),
    ] {
        if let (Some(w), Some(c)) = (find(work), find(copy)) {
            out.push_str(&format!(
                "| {what} | {:.2} GiB/s | {:.1} GiB/s | {:.1} % |\n",
                rate(w),
                rate(c),
                100.0 * rate(w) / rate(c)
            ));
        }
    }
    out
}
