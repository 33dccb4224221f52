//! `cargo xtask corpus DIR`: how the generator fares on real WSDLs.
//!
//! For each folder under `DIR` (one service each, its main `.wsdl` found inside), the generator
//! runs; every generated output is compiled together in one scratch crate (one module per WSDL,
//! against the `mktows-runtime` crate by path, with `serde` the bindings' only other
//! dependency); for every operation a minimal request (see
//! [`crate::samples`]) is read from its JSON form, encoded in a SOAP envelope, read back (it must
//! equal what was written) and judged by `xmllint --schema` against the WSDL's own schema (see
//! [`crate::schemas`]). One line per WSDL, then `generated G/N, compiled C/N, valid V/N`.
//!
//! - The corpus CI runs is `tests/data/wsdl-corpus/`: fourteen real WSDLs of other vendors, one
//!   folder each with a `PROVENANCE.md` and the `vendor.toml` of its remote schemas (14/14
//!   pass; about 13 minutes on 2 cores).
//! - The scratch crate is written to `target/corpus-work/<pid>/crate` and built with
//!   `target/corpus` as its target directory (both under `$CARGO_TARGET_DIR` when set), kept
//!   between runs so the runtime compiles once; see [`CorpusOptions`]. It depends on the
//!   runtime, `serde`, and `serde_json` for its own reading of the samples, nothing else.
//! - A module that does not compile fails only its WSDL: it is left out and the rest built
//!   again (`corpus/scratch.rs`).
//! - A WSDL's line reads `name: generated yes|no (first diagnostic), compiled yes|no|-,
//!   valid n/m`, with the first invalid operation and any types narrowed for xmllint. The
//!   command exits non-zero unless every WSDL passes ([`WsdlOutcome::passes`]).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{samples, schemas};

mod judge;
mod scratch;

use judge::judge;
use scratch::{build_leaving_out_failures, write_manifest};

/// Where the scratch crate is written and built.
#[derive(Debug, Clone)]
pub struct CorpusOptions {
    /// A scratch directory, emptied first (the crate, the samples, the schemas).
    pub work_dir: PathBuf,
    /// Cargo's target directory for the scratch crate (kept between runs so the runtime is
    /// compiled once).
    pub target_dir: PathBuf,
    /// The `mktows-runtime` crate the bindings are compiled against.
    pub runtime_dir: PathBuf,
    /// A `Cargo.lock` to start from (the workspace's), so versions match and little resolves.
    pub lockfile: Option<PathBuf>,
}

impl CorpusOptions {
    /// The defaults inside the workspace at `root`: `target/corpus` (or under
    /// `$CARGO_TARGET_DIR`), the workspace's `runtime/` and `Cargo.lock`.
    pub fn for_workspace(root: &Path) -> Self {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target"));
        CorpusOptions {
            work_dir: target
                .join("corpus-work")
                .join(std::process::id().to_string()),
            target_dir: target.join("corpus"),
            runtime_dir: root.join("runtime"),
            lockfile: Some(root.join("Cargo.lock")),
        }
    }
}

/// The outcome for one WSDL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WsdlOutcome {
    /// The folder's name.
    pub name: String,
    /// Whether bindings were generated, or the generator's first diagnostic.
    pub generated: Result<(), String>,
    /// Whether they compiled (`None` when not generated), or the first compiler error.
    pub compiled: Option<Result<(), String>>,
    /// Operations whose sample request validated.
    pub valid: usize,
    /// Operations.
    pub operations: usize,
    /// The first operation that did not validate, and why.
    pub first_invalid: Option<String>,
    /// Complex types whose XSD 1.1 wildcards were narrowed for xmllint (see
    /// [`crate::schemas::narrow`]).
    pub narrowed: Vec<String>,
}

impl WsdlOutcome {
    fn is_compiled(&self) -> bool {
        matches!(self.compiled, Some(Ok(())))
    }

    /// Generated, compiled, and every operation's request valid.
    pub fn passes(&self) -> bool {
        self.is_compiled() && self.valid == self.operations
    }

    /// The report line.
    pub fn line(&self) -> String {
        let mut line = format!("{}: generated ", self.name);
        match &self.generated {
            Ok(()) => line.push_str("yes"),
            Err(e) => {
                let _ = write!(line, "no ({e})");
            }
        }
        line.push_str(", compiled ");
        match &self.compiled {
            None => line.push('-'),
            Some(Ok(())) => line.push_str("yes"),
            Some(Err(e)) => {
                let _ = write!(line, "no ({e})");
            }
        }
        let _ = write!(line, ", valid {}/{}", self.valid, self.operations);
        if let Some(why) = &self.first_invalid {
            let _ = write!(line, " (first invalid: {why})");
        }
        if !self.narrowed.is_empty() {
            let _ = write!(
                line,
                " (judged with the XSD 1.1 wildcards of {} narrowed for xmllint)",
                self.narrowed.join(", ")
            );
        }
        line
    }
}

/// The outcome for every WSDL of the corpus.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorpusReport {
    /// One per folder, by name.
    pub outcomes: Vec<WsdlOutcome>,
}

impl CorpusReport {
    /// `generated G/N, compiled C/N, valid V/N`.
    pub fn summary(&self) -> String {
        let n = self.outcomes.len();
        let generated = self.outcomes.iter().filter(|o| o.generated.is_ok()).count();
        let compiled = self.outcomes.iter().filter(|o| o.is_compiled()).count();
        let valid = self.outcomes.iter().filter(|o| o.passes()).count();
        format!("generated {generated}/{n}, compiled {compiled}/{n}, valid {valid}/{n}")
    }

    /// True when every WSDL generated, compiled and validated.
    pub fn all_pass(&self) -> bool {
        self.outcomes.iter().all(WsdlOutcome::passes)
    }

    /// The whole report: one line per WSDL and the summary.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for outcome in &self.outcomes {
            out.push_str(&outcome.line());
            out.push('\n');
        }
        out.push_str(&self.summary());
        out.push('\n');
        out
    }
}

/// The main WSDL of a folder: its only `.wsdl` file (searched recursively), or among several
/// the first (by path) that declares a `wsdl:service`.
pub fn main_wsdl(folder: &Path) -> Result<PathBuf, String> {
    let mut found = Vec::new();
    let mut stack = vec![folder.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "wsdl") {
                found.push(path);
            }
        }
    }
    found.sort();
    match found.len() {
        0 => Err("no .wsdl file".into()),
        1 => Ok(found.remove(0)),
        _ => Ok(found
            .iter()
            .find(|p| {
                std::fs::read_to_string(p)
                    .is_ok_and(|t| t.contains(":service") || t.contains("<service"))
            })
            .unwrap_or(&found[0])
            .clone()),
    }
}

/// A Rust module name for a folder name.
fn module_name(folder: &str, taken: &mut BTreeSet<String>) -> String {
    let mut name: String = folder
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name.insert_str(0, "w_");
    }
    let base = name.clone();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{base}_{n}");
        n += 1;
    }
    name
}

/// One generated WSDL on its way through the scratch crate.
struct Candidate {
    outcome: usize,
    wsdl: PathBuf,
    module: String,
    /// Marker type name and sample (or why there is none) per operation.
    operations: Vec<(String, Result<String, String>)>,
    /// How its requests are judged.
    judged: schemas::Judged,
}

/// How the requests of `model`'s bindings are judged: by body when its schemas import the
/// envelope namespace themselves.
fn judged(model: &codegen::model::Model) -> schemas::Judged {
    let soap = model.service.soap;
    let envelope = schemas::envelope_namespace(soap);
    if model.namespaces.iter().any(|ns| ns == envelope) {
        schemas::Judged::Body
    } else {
        schemas::Judged::Envelope(soap)
    }
}

/// Runs the corpus under `dir`.
pub fn run(dir: &Path, options: &CorpusOptions) -> Result<CorpusReport, String> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    let _ = std::fs::remove_dir_all(&options.work_dir);
    let crate_dir = options.work_dir.join("crate");
    std::fs::create_dir_all(crate_dir.join("src"))
        .map_err(|e| format!("{}: {e}", crate_dir.display()))?;
    let mut report = CorpusReport::default();
    let mut candidates = Vec::new();
    let mut modules = BTreeSet::new();
    for folder in &folders {
        let (outcome, candidate) = generate(folder, dir, &crate_dir, &mut modules)?;
        candidates.extend(candidate.map(|mut c| {
            c.outcome = report.outcomes.len();
            c
        }));
        report.outcomes.push(outcome);
    }
    if candidates.is_empty() {
        return Ok(report);
    }
    write_manifest(&crate_dir, options)?;
    let failed = build_leaving_out_failures(&crate_dir, options, &candidates)?;
    let compiled: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| !failed.iter().any(|(m, _)| m == &c.module))
        .collect();
    for c in &candidates {
        report.outcomes[c.outcome].compiled =
            Some(match failed.iter().find(|(m, _)| m == &c.module) {
                Some((_, message)) => Err(message.clone()),
                None => Ok(()),
            });
    }
    if compiled.is_empty() {
        return Ok(report);
    }
    let samples_dir = options.work_dir.join("samples");
    write_samples(&samples_dir, &compiled)?;
    let binary = options.target_dir.join("debug").join("mktows-corpus-check");
    let status = Command::new(&binary)
        .arg(&samples_dir)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    if !status.success() {
        return Err(format!("{} failed ({status})", binary.display()));
    }
    for c in &compiled {
        let (valid, first_invalid, narrowed) =
            judge(c, &samples_dir.join(&c.module), &options.work_dir)?;
        let outcome = &mut report.outcomes[c.outcome];
        outcome.valid = valid;
        outcome.first_invalid = first_invalid;
        outcome.narrowed = narrowed;
    }
    Ok(report)
}

/// Generates the bindings of the WSDL in `folder` (of the corpus under `dir`) into a module of
/// the scratch crate at `crate_dir`: its outcome so far, and the candidate to build (its
/// `outcome` index still to be set) when generation succeeded.
fn generate(
    folder: &Path,
    dir: &Path,
    crate_dir: &Path,
    modules: &mut BTreeSet<String>,
) -> Result<(WsdlOutcome, Option<Candidate>), String> {
    let name = folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut outcome = WsdlOutcome {
        name: name.clone(),
        generated: Ok(()),
        compiled: None,
        valid: 0,
        operations: 0,
        first_invalid: None,
        narrowed: Vec::new(),
    };
    let generated = main_wsdl(folder).and_then(|wsdl| {
        let mut config = codegen::Config::new();
        config.wsdl(&wsdl).runtime_path("::mktows_runtime");
        let model = config.load().map_err(|e| e.to_string())?;
        let code = config.emit(&model).map_err(|e| e.to_string())?;
        Ok((wsdl, model, code))
    });
    let (wsdl, model, code) = match generated {
        Err(e) => {
            outcome.generated = Err(relative(&e, dir));
            return Ok((outcome, None));
        }
        Ok(generated) => generated,
    };
    let module = module_name(&name, modules);
    let file = crate_dir.join("src").join(format!("{module}.rs"));
    std::fs::write(&file, code).map_err(|e| format!("{}: {e}", file.display()))?;
    outcome.operations = model.service.operations.len();
    let operations = model
        .service
        .operations
        .iter()
        .enumerate()
        .map(|(i, op)| (op.type_name.clone(), samples::input_sample(&model, i)))
        .collect();
    let candidate = Candidate {
        outcome: 0,
        wsdl,
        module,
        operations,
        judged: judged(&model),
    };
    Ok((outcome, Some(candidate)))
}

/// Writes each compiled candidate's samples (`op{i}.json`, or `op{i}.err` saying why there is
/// none) under `samples_dir/{module}`.
fn write_samples(samples_dir: &Path, compiled: &[&Candidate]) -> Result<(), String> {
    for c in compiled {
        let dir = samples_dir.join(&c.module);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for (i, (_, sample)) in c.operations.iter().enumerate() {
            let (ext, text) = match sample {
                Ok(json) => ("json", json.as_str()),
                Err(e) => ("err", e.as_str()),
            };
            let file = dir.join(format!("op{i}.{ext}"));
            std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
        }
    }
    Ok(())
}

/// Error messages name files relative to the corpus folder.
fn relative(message: &str, dir: &Path) -> String {
    let prefix = format!("{}/", dir.display());
    message.replace(&prefix, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_are_identifiers_and_unique() {
        let mut taken = BTreeSet::new();
        assert_eq!(module_name("aws-ec2", &mut taken), "aws_ec2");
        assert_eq!(module_name("aws_ec2", &mut taken), "aws_ec2_2");
        assert_eq!(module_name("1_3", &mut taken), "w_1_3");
    }

    #[test]
    fn lines_name_what_stopped_each_wsdl() {
        let report = CorpusReport {
            outcomes: vec![
                WsdlOutcome {
                    name: "a".into(),
                    generated: Err("a.wsdl:1:2: unsupported".into()),
                    compiled: None,
                    valid: 0,
                    operations: 0,
                    first_invalid: None,
                    narrowed: Vec::new(),
                },
                WsdlOutcome {
                    name: "b".into(),
                    generated: Ok(()),
                    compiled: Some(Ok(())),
                    valid: 2,
                    operations: 2,
                    first_invalid: None,
                    narrowed: Vec::new(),
                },
            ],
        };
        assert_eq!(
            report.text(),
            "a: generated no (a.wsdl:1:2: unsupported), compiled -, valid 0/0\n\
             b: generated yes, compiled yes, valid 2/2\n\
             generated 1/2, compiled 1/2, valid 1/2\n"
        );
        assert!(!report.all_pass());
    }
}
