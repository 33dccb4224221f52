//! # mktows-codegen
//!
//! Generates Rust bindings from a WSDL 1.1 document with SOAP 1.1 or 1.2 document/literal (or
//! rpc/literal, or rpc/encoded) bindings and an embedded (or imported) XML Schema, in the style
//! of `prost-build`: drive it from `build.rs` through [`Config`], write the result to `OUT_DIR`,
//! `include!` it.
//!
//! ```no_run
//! let code = mktows_codegen::Config::new()
//!     .wsdl("wsdl/marketo_2_6.wsdl")
//!     .runtime_path("crate::xml")
//!     .generate()
//!     .expect("bindings");
//! std::fs::write(std::env::var("OUT_DIR").unwrap() + "/mktows.rs", code).unwrap();
//! ```
//!
//! [`Config::generate`] runs the whole pipeline; [`Config::load`] stops at the model and
//! [`Config::emit`] takes it from there; [`Config::write_to`] writes only when the output
//! changed.
//!
//! The pipeline is three stages, one module each, each consuming the previous one's output:
//! [`parse`] (roxmltree, QNames resolved by namespace URI, owned raw definitions) →
//! [`resolve`] (a [`model::Model`] with final Rust names) → [`emit`] (proc-macro2/quote,
//! formatted by prettyplease). Beside them: [`names`] turns XML names into Rust identifiers,
//! [`docs`] takes documentation from the WSDL, [`overlay`] merges documentation written by
//! people, [`api`] lists and diffs the API surface, [`manifest`] maps remote locations to
//! vendored copies, [`soap_encoding`] holds the SOAP encoding schema for validators, and
//! [`qname`] and [`soap_version`] are the vocabulary every stage shares.
//!
//! Unsupported constructs are reported as [`Error`]s naming file, line and column; the
//! generator never panics on input. [`Config::load`] parses and resolves on a thread of its own
//! with a 64 MiB stack, so the recursion through nested declarations (bounded at 256 levels by
//! the parser) fits whatever thread calls it.

pub mod api;
pub mod docs;
pub mod emit;
mod error;
pub mod manifest;
pub mod model;
pub mod names;
pub mod overlay;
pub mod parse;
pub mod qname;
pub mod resolve;
pub mod soap_encoding;
pub mod soap_version;

use std::path::{Path, PathBuf};

pub use error::{Error, Location, Result};

/// Stack of the thread that reads and resolves a WSDL.
const STACK_SIZE: usize = 64 << 20;

/// What to generate and how.
#[derive(Debug, Clone)]
pub struct Config {
    wsdl: Option<PathBuf>,
    runtime_path: String,
    docs_overlay: Option<PathBuf>,
    schema_manifest: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            wsdl: None,
            runtime_path: "::mktows_runtime".into(),
            docs_overlay: None,
            schema_manifest: None,
        }
    }
}

impl Config {
    /// A configuration with defaults: runtime at `::mktows_runtime` (the `mktows-runtime` crate).
    pub fn new() -> Self {
        Self::default()
    }

    /// The WSDL file to read (documents it imports are resolved relative to it, remote ones
    /// through a schema manifest).
    pub fn wsdl(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.wsdl = Some(path.as_ref().to_path_buf());
        self
    }

    /// The schema manifest (`vendor.toml`, written by `cargo xtask vendor`; see [`manifest`])
    /// that maps remote `schemaLocation`s and `wsdl:import` locations to local copies. Without
    /// it, the nearest `vendor.toml` in the WSDL's directory or above is used if its entry WSDL
    /// is this file, looked for only when a remote location is met. The generator never fetches.
    pub fn schema_manifest(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.schema_manifest = Some(path.as_ref().to_path_buf());
        self
    }

    /// Path of the XML runtime module the generated code calls (`crate::xml` inside `mktows`).
    pub fn runtime_path(&mut self, path: &str) -> &mut Self {
        self.runtime_path = path.to_owned();
        self
    }

    /// A documentation overlay (TOML, see [`overlay`]) merged into the generated docs.
    pub fn docs_overlay(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.docs_overlay = Some(path.as_ref().to_path_buf());
        self
    }

    /// Reads and resolves the WSDL into a model without emitting code, with the documentation
    /// overlay merged in. Overlay keys that match nothing are dropped here; use
    /// [`load_with_warnings`](Self::load_with_warnings) to see them.
    pub fn load(&self) -> Result<model::Model> {
        Ok(self.load_with_warnings()?.0)
    }

    /// Like [`load`](Self::load), also returning the warnings: the model's
    /// ([`model::Model::warnings`]: operations left out, with file:line:column) and one per
    /// overlay key that matches nothing in the WSDL (a build script prints them as
    /// `cargo::warning=`).
    pub fn load_with_warnings(&self) -> Result<(model::Model, Vec<String>)> {
        let wsdl = self.wsdl.as_deref().ok_or(Error::NoInput)?;
        // Reading and resolving recurse through nested declarations (bounded in depth by the
        // parser): on a thread of its own with a stack that depth always fits in, whatever
        // thread the caller runs on.
        let mut model = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .name("mktows-codegen".into())
                .stack_size(STACK_SIZE)
                .spawn_scoped(scope, || {
                    let manifest = self.schema_manifest.as_deref();
                    resolve::resolve(parse::parse_with_manifest(wsdl, manifest)?)
                })
                .map_err(|source| Error::Io {
                    path: wsdl.to_path_buf(),
                    source,
                })?
                .join()
                .unwrap_or_else(|_| Err(Error::Emit("the reading thread panicked".into())))
        })?;
        let mut warnings = model.warnings.clone();
        if let Some(path) = &self.docs_overlay {
            let overlay = overlay::Overlay::read(path)?;
            warnings.extend(
                overlay::apply(&mut model, &overlay)
                    .into_iter()
                    .map(|w| format!("{}: {w}", path.display())),
            );
        }
        Ok((model, warnings))
    }

    /// Runs the whole pipeline and returns the formatted Rust source.
    pub fn generate(&self) -> Result<String> {
        let model = self.load()?;
        self.emit(&model)
    }

    /// Emits the formatted Rust source for an already loaded model.
    pub fn emit(&self, model: &model::Model) -> Result<String> {
        emit::emit(model, &self.runtime_path)
    }

    /// Generates and writes the source to `path` only when it changed (so Cargo does not
    /// rebuild dependants for nothing).
    pub fn write_to(&self, path: impl AsRef<Path>) -> Result<()> {
        let code = self.generate()?;
        let path = path.as_ref();
        if std::fs::read_to_string(path).is_ok_and(|old| old == code) {
            return Ok(());
        }
        std::fs::write(path, code).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    }
}
