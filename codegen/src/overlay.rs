//! Documentation overlays: rustdoc written by people, kept beside the WSDL in one TOML file and
//! merged into the model's documentation before emitting, so the generated docs say what an
//! operation does, its limits and its faults, not only what the schema says.
//!
//! ```toml
//! [operations.syncLead]
//! doc = """
//! Creates or updates one lead.
//!
//! # Faults
//! - 20105 Lead Attribute Bad: a field name is unknown.
//! """
//!
//! [types.ParamsSyncLead]
//! doc = "Request of `syncLead`."
//! [types.ParamsSyncLead.fields]
//! returnLead = "When true, the response carries the whole lead as stored after the sync."
//!
//! [types.LeadSyncStatus.values]
//! CREATED = "A new lead was created."
//!
//! [elements.AuthenticationHeader]
//! doc = "The signed header every request carries."
//! ```
//!
//! Keys are the WSDL's own names: operations by name, types (complex or simple, by their schema
//! name; an anonymous type by its element's name) with their elements (`fields`) and
//! enumeration values (`values`) by exact spelling, global elements by name. The text is trusted
//! markdown and is written first, before the WSDL's own documentation and the generated schema
//! summary. A key that matches nothing is reported as a warning by [`apply`] (so a new WSDL
//! version cannot orphan documentation silently); a misspelt table key (`feilds`) or text that
//! is not a string is an error naming where it is.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::docs::Doc;
use crate::error::{Error, Result};
use crate::model::Model;

/// A documentation overlay, as read from its TOML file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    /// Operations by WSDL operation name.
    #[serde(default)]
    pub operations: BTreeMap<String, Entry>,
    /// Complex and simple types by schema type name.
    #[serde(default)]
    pub types: BTreeMap<String, TypeEntry>,
    /// Global elements by name.
    #[serde(default)]
    pub elements: BTreeMap<String, Entry>,
}

/// The documentation of one operation or global element.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Markdown.
    #[serde(default)]
    pub doc: String,
}

/// The documentation of one type, its elements and its enumeration values.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeEntry {
    /// Markdown for the type.
    #[serde(default)]
    pub doc: String,
    /// Markdown per element (by XML name) of a complex type.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Markdown per enumeration value (by exact spelling) of a simple type.
    #[serde(default)]
    pub values: BTreeMap<String, String>,
}

impl Overlay {
    /// Parses an overlay; `origin` names it in errors.
    pub fn parse(text: &str, origin: &Path) -> Result<Overlay> {
        toml::from_str(text).map_err(|e| Error::Overlay {
            path: origin.to_path_buf(),
            message: e.to_string().trim_end().to_owned(),
        })
    }

    /// Reads and parses the overlay file at `path`.
    pub fn read(path: &Path) -> Result<Overlay> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Overlay::parse(&text, path)
    }
}

/// Puts the overlay's markdown on `doc`.
fn set(doc: &mut Doc, markdown: &str) {
    doc.markdown = markdown.trim().lines().map(str::to_owned).collect();
}

/// Merges `overlay` into `model`'s documentation and returns one warning per key that matches
/// nothing in the model (`types.Foo.fields.bar: no element bar in type Foo`), sorted.
pub fn apply(model: &mut Model, overlay: &Overlay) -> Vec<String> {
    let mut warnings = Vec::new();
    for (name, entry) in &overlay.operations {
        match model
            .service
            .operations
            .iter_mut()
            .find(|op| &op.name == name)
        {
            Some(op) => set(&mut op.doc, &entry.doc),
            None => warnings.push(format!(
                "operations.{name}: no operation {name} in the WSDL"
            )),
        }
    }
    for (name, entry) in &overlay.elements {
        let mut found = false;
        for element in model.elements.iter_mut().filter(|e| &e.name.local == name) {
            set(&mut element.doc, &entry.doc);
            found = true;
        }
        if !found {
            warnings.push(format!(
                "elements.{name}: no global element {name} in the WSDL"
            ));
        }
    }
    for (name, entry) in &overlay.types {
        let mut found = false;
        for ty in model
            .complex_types
            .iter_mut()
            .filter(|t| &t.name.local == name)
        {
            found = true;
            if !entry.doc.is_empty() {
                set(&mut ty.doc, &entry.doc);
            }
            for (field, text) in &entry.fields {
                match ty.fields.iter_mut().find(|f| &f.xml_name == field) {
                    Some(f) => set(&mut f.doc, text),
                    None => warnings.push(format!(
                        "types.{name}.fields.{field}: no element {field} in type {name}"
                    )),
                }
            }
            for value in entry.values.keys() {
                warnings.push(format!(
                    "types.{name}.values.{value}: {name} is a complex type, it has no values"
                ));
            }
        }
        for ty in model
            .simple_types
            .iter_mut()
            .filter(|t| &t.name.local == name)
        {
            found = true;
            if !entry.doc.is_empty() {
                set(&mut ty.doc, &entry.doc);
            }
            for field in entry.fields.keys() {
                warnings.push(format!(
                    "types.{name}.fields.{field}: {name} is a simple type, it has no elements"
                ));
            }
            let values = match &mut ty.kind {
                crate::model::SimpleKind::Enum { values, .. } => values.as_mut_slice(),
                crate::model::SimpleKind::Alias(_) => &mut [],
            };
            for (value, text) in &entry.values {
                match values.iter_mut().find(|v| &v.xml == value) {
                    Some(v) => set(&mut v.doc, text),
                    None => warnings.push(format!(
                        "types.{name}.values.{value}: no value {value:?} in type {name}"
                    )),
                }
            }
        }
        if !found {
            warnings.push(format!("types.{name}: no type {name} in the WSDL"));
        }
    }
    warnings.sort();
    warnings
}
