//! Where an imported or included document is. A relative location is a file beside the
//! document naming it. A remote location (and a relative one inside a remote document, resolved
//! against that document's URL per RFC 3986) is read only from the local copy a schema
//! manifest ([`crate::manifest`], the `vendor.toml` written by `cargo xtask vendor`) lists:
//! the one given by `Config::schema_manifest`, or else the nearest `vendor.toml` in the WSDL's
//! directory or above it if its entry WSDL is this file, looked for only when a remote location
//! is met. A remote location no manifest lists is a diagnostic saying to run
//! `cargo xtask vendor`. The network is never used.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

use roxmltree::Node;

use super::Ctx;
use crate::error::{Error, Result};
use crate::manifest::{SchemaManifest, is_remote, join_url, normalize_url, scheme};

/// What a pending document must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// `xs:import`/`xs:include`: an `xs:schema`.
    Schema,
    /// `wsdl:import`: a `wsdl:definitions` or an `xs:schema`.
    Wsdl,
}

/// A document still to read.
#[derive(Debug, Clone)]
pub(super) struct Pending {
    /// The file to read.
    pub(super) file: PathBuf,
    /// For a document named by remote location: its absolute URL, the base of its own
    /// relative locations.
    pub(super) url: Option<String>,
    pub(super) kind: Kind,
}

/// Finds the manifest when a remote location first needs it.
pub(super) struct Locator {
    wsdl: PathBuf,
    configured: Option<PathBuf>,
    manifest: OnceCell<Option<SchemaManifest>>,
}

impl Locator {
    pub(super) fn new(wsdl: &Path, configured: Option<&Path>) -> Self {
        Locator {
            wsdl: wsdl.to_path_buf(),
            configured: configured.map(Path::to_path_buf),
            manifest: OnceCell::new(),
        }
    }

    /// The configured manifest, or the one found beside the WSDL (read once).
    fn manifest(&self) -> Result<Option<&SchemaManifest>> {
        if self.manifest.get().is_none() {
            let found = match &self.configured {
                Some(path) => Some(SchemaManifest::read(path)?),
                None => SchemaManifest::find_for(&self.wsdl)?,
            };
            let _ = self.manifest.set(found);
        }
        Ok(self.manifest.get().and_then(Option::as_ref))
    }
}

/// The document `location` (an attribute of `node`, written `construct`) names.
pub(super) fn locate(
    ctx: &Ctx,
    node: Node,
    location: &str,
    construct: &str,
    kind: Kind,
) -> Result<Pending> {
    let url = if is_remote(location) {
        normalize_url(location)
    } else if let Some(base) = ctx.url {
        join_url(base, location)
    } else {
        let base = ctx.file.parent().unwrap_or(Path::new("."));
        return Ok(Pending {
            file: base.join(location),
            url: None,
            kind,
        });
    };
    let unsupported = |hint: String| Error::Unsupported {
        location: ctx.loc(node),
        construct: format!("{construct}=\"{location}\""),
        hint,
    };
    if !matches!(scheme(&url).as_deref(), Some("http" | "https")) {
        return Err(unsupported(
            "only relative paths and http(s) URLs are read (through a schema manifest)".into(),
        ));
    }
    let manifest = ctx.locator.manifest()?;
    match manifest.and_then(|m| m.local_file(&url).map(|file| (m, file))) {
        Some((_, file)) => Ok(Pending {
            file: file.to_path_buf(),
            url: Some(url),
            kind,
        }),
        None => Err(unsupported(match manifest {
            Some(m) => format!(
                "{url} is not in the schema manifest {}: the generator never fetches; run `cargo xtask vendor` again to save it",
                m.path().display()
            ),
            None => format!(
                "{url} is remote and the generator never fetches: run `cargo xtask vendor WSDL DIR` to save the WSDL and everything it imports with a manifest (DIR/vendor.toml), then generate from DIR's copy"
            ),
        })),
    }
}
