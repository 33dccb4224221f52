//! The sandbox's state, shared by its SOAP face ([`crate::soap`]) and its REST face
//! ([`crate::rest`]): the configuration, the store behind its lock, and the lead fields by
//! SOAP and REST name. What either face does with a request lives in that face's modules, as
//! free functions over a [`Service`].

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use mktows_server::marketo::rest_name;

use crate::store::Store;
use crate::{FieldDef, SandboxConfig};

/// The sandbox's state.
pub struct Service {
    config: SandboxConfig,
    store: Mutex<Store>,
    /// REST field name → index in `config.fields`.
    rest_fields: HashMap<String, usize>,
}

impl Service {
    /// A service over `store`.
    pub fn new(config: SandboxConfig, mut store: Store) -> Service {
        store.define_lists(&config.lists);
        let rest_fields = config
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| (rest_name(&f.name), i))
            .collect();
        Service {
            config,
            store: Mutex::new(store),
            rest_fields,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &SandboxConfig {
        &self.config
    }

    /// Number of leads stored.
    pub fn lead_count(&self) -> usize {
        self.lock_store().len()
    }

    /// The store, locked (a panic while it was held does not poison it for good: every change
    /// is applied in memory only after its checks, so the data stays consistent).
    pub fn lock_store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The lead field whose SOAP name is `name`.
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.config.fields.iter().find(|f| f.name == name)
    }

    /// The field whose REST name is `rest` (REST names are SOAP names with the first letter
    /// lower-cased).
    pub fn rest_field(&self, rest: &str) -> Option<&FieldDef> {
        self.rest_fields.get(rest).map(|i| &self.config.fields[*i])
    }

    /// The primary partition of `workspace` (matched ignoring case), if it exists.
    pub fn primary_partition(&self, workspace: &str) -> Option<&str> {
        self.config
            .workspaces
            .iter()
            .find(|(w, _)| w.eq_ignore_ascii_case(workspace))
            .map(|(_, p)| p.as_str())
    }

    /// The partition new leads go to when no workspace is named: the `Default` workspace's
    /// primary partition (`Default` if there is none).
    pub fn default_partition(&self) -> &str {
        self.primary_partition("Default").unwrap_or("Default")
    }
}
