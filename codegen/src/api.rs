//! The public surface of a WSDL as the bindings expose it ([`Api`]): a stable, reviewable
//! listing (checked in as `mktows/API.txt`, kept current by the workspace's `api_view` test) and
//! a semantic [`diff`] between two versions with each change marked breaking or compatible for
//! code that uses the bindings.
//!
//! Rules for the marks: anything removed, renamed or retyped is breaking; a change of an
//! element's cardinality or nillability that changes its Rust shape (`T`, `Option<T>`,
//! `Nillable<T>`, `Vec<T>`) is breaking; a new required element is breaking; a new optional
//! element, a new type, element, operation, header part, subtype or enumeration value is
//! compatible (enumerations keep unknown values, and structs built with the generated
//! `Type::new(required elements...)` or with `..Default::default()` keep compiling).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::{ComplexKind, Model, Shape, SimpleKind, TypeRef};

/// One element of a complex type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldApi {
    /// Element name.
    pub name: String,
    /// Type name (`xs:int`, `LeadRecord`).
    pub ty: String,
    /// `minOccurs`.
    pub min: u32,
    /// `maxOccurs` (`None`: unbounded).
    pub max: Option<u32>,
    /// `nillable`.
    pub nillable: bool,
}

impl FieldApi {
    fn shape(&self) -> Shape {
        crate::model::Field {
            xml_name: String::new(),
            namespace: None,
            rust_name: String::new(),
            ty: TypeRef::Builtin(crate::model::Builtin::String),
            min: self.min,
            max: self.max,
            nillable: self.nillable,
            boxed: false,
            doc: Default::default(),
            xsd_builtin: None,
            attribute: false,
            text: false,
            fixed: None,
        }
        .shape()
    }

    fn describe(&self) -> String {
        let max = self
            .max
            .map_or_else(|| "unbounded".to_owned(), |m| m.to_string());
        let nil = if self.nillable { " nillable" } else { "" };
        format!("{}: {} [{}..{max}]{nil}", self.name, self.ty, self.min)
    }
}

/// A type of the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeApi {
    /// An enumeration and its values.
    Enum(Vec<String>),
    /// A restriction of a built-in.
    Alias(String),
    /// A sequence of elements (inherited first).
    Complex(Vec<FieldApi>),
    /// An abstract type and its concrete extensions.
    Abstract(Vec<String>),
    /// An `xs:choice` inside a type (named `Type.key`) and its alternatives.
    Choice(Vec<FieldApi>),
}

/// An operation of the binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationApi {
    /// SOAPAction.
    pub soap_action: String,
    /// Request body element.
    pub input: String,
    /// Response body element.
    pub output: String,
    /// Request header parts, `part: element`.
    pub input_headers: Vec<String>,
    /// Response header parts.
    pub output_headers: Vec<String>,
}

/// The surface of one WSDL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Api {
    /// Last path segment of the service address (Marketo's API version).
    pub version: Option<String>,
    /// Operations by name.
    pub operations: BTreeMap<String, OperationApi>,
    /// Types by name.
    pub types: BTreeMap<String, TypeApi>,
    /// Global elements and their types.
    pub elements: BTreeMap<String, String>,
}

fn type_name(model: &Model, ty: TypeRef) -> String {
    match ty {
        TypeRef::Builtin(b) => b.xsd_name().to_owned(),
        TypeRef::Simple(i) => model.simple_types[i].name.local.clone(),
        TypeRef::Complex(i) => model.complex_types[i].name.local.clone(),
    }
}

impl Api {
    /// The surface of a model.
    pub fn from_model(model: &Model) -> Api {
        let mut types = BTreeMap::new();
        for t in &model.simple_types {
            let api = match &t.kind {
                SimpleKind::Enum { values, .. } => {
                    TypeApi::Enum(values.iter().map(|v| v.xml.clone()).collect())
                }
                SimpleKind::Alias(b) => TypeApi::Alias(b.xsd_name().to_owned()),
            };
            types.insert(t.name.local.clone(), api);
        }
        for t in &model.complex_types {
            let api = if let Some(array) = &t.array {
                TypeApi::Alias(format!("{}[]", type_name(model, array.item)))
            } else if t.is_polymorphic() {
                TypeApi::Abstract(
                    t.subtypes
                        .iter()
                        .map(|&s| model.complex_types[s].name.local.clone())
                        .collect(),
                )
            } else {
                let fields = t
                    .fields
                    .iter()
                    .map(|f| FieldApi {
                        name: f.xml_name.clone(),
                        ty: type_name(model, f.ty),
                        min: f.min,
                        max: f.max,
                        nillable: f.nillable,
                    })
                    .collect();
                if t.kind == ComplexKind::Choice {
                    TypeApi::Choice(fields)
                } else {
                    TypeApi::Complex(fields)
                }
            };
            types.insert(t.name.local.clone(), api);
        }
        let element = |i: usize| model.elements[i].name.local.clone();
        let body = |i: Option<usize>| i.map_or_else(|| "(empty Body)".to_owned(), element);
        let headers = |parts: &[crate::model::HeaderPart]| {
            parts
                .iter()
                .map(|h| format!("{}: {}", h.part, element(h.element)))
                .collect()
        };
        let operations = model
            .service
            .operations
            .iter()
            .map(|op| {
                (
                    op.name.clone(),
                    OperationApi {
                        soap_action: op.soap_action.clone(),
                        input: body(op.input),
                        output: body(op.output),
                        input_headers: headers(&op.input_headers),
                        output_headers: headers(&op.output_headers),
                    },
                )
            })
            .collect();
        let elements = model
            .elements
            .iter()
            .map(|e| (e.name.local.clone(), type_name(model, e.ty)))
            .collect();
        let version = model
            .service
            .address
            .as_deref()
            .and_then(|a| a.trim_end_matches('/').rsplit('/').next())
            .map(str::to_owned);
        Api {
            version,
            operations,
            types,
            elements,
        }
    }

    /// The stable, human-readable listing.
    pub fn listing(&self, source: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# API of the generated bindings, from {source}.");
        let _ = writeln!(
            out,
            "# Generated by `cargo xtask regen`; a test fails when it is stale. Do not edit."
        );
        let _ = writeln!(out, "version {}", self.version.as_deref().unwrap_or("?"));
        for (name, op) in &self.operations {
            let _ = writeln!(out, "\noperation {name}");
            let _ = writeln!(out, "  soapAction {}", op.soap_action);
            let _ = writeln!(out, "  input {}", op.input);
            let _ = writeln!(out, "  output {}", op.output);
            for h in &op.input_headers {
                let _ = writeln!(out, "  input header {h}");
            }
            for h in &op.output_headers {
                let _ = writeln!(out, "  output header {h}");
            }
        }
        for (name, ty) in &self.types {
            match ty {
                TypeApi::Enum(values) => {
                    let _ = writeln!(out, "\nenum {name}");
                    for v in values {
                        let _ = writeln!(out, "  {v}");
                    }
                }
                TypeApi::Alias(base) => {
                    let _ = writeln!(out, "\nalias {name} = {base}");
                }
                TypeApi::Complex(fields) => {
                    let _ = writeln!(out, "\ntype {name}");
                    for f in fields {
                        let _ = writeln!(out, "  {}", f.describe());
                    }
                }
                TypeApi::Abstract(subtypes) => {
                    let _ = writeln!(out, "\nabstract {name} = {}", subtypes.join(" | "));
                }
                TypeApi::Choice(alternatives) => {
                    let _ = writeln!(out, "\nchoice {name}");
                    for f in alternatives {
                        let _ = writeln!(out, "  {}", f.describe());
                    }
                }
            }
        }
        let _ = writeln!(out);
        for (name, ty) in &self.elements {
            let _ = writeln!(out, "element {name}: {ty}");
        }
        out
    }
}

/// One difference between two APIs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What changed, e.g. `type ParamsMergeLeads element mergeInSales`.
    pub subject: String,
    /// `added`, `removed` or `changed`.
    pub kind: &'static str,
    /// Details: old → new.
    pub detail: String,
    /// Whether code using the bindings may stop compiling or behave differently.
    pub breaking: bool,
}

fn change(subject: String, kind: &'static str, detail: String, breaking: bool) -> Change {
    Change {
        subject,
        kind,
        detail,
        breaking,
    }
}

/// Every difference from `old` to `new`, in a stable order.
pub fn diff(old: &Api, new: &Api) -> Vec<Change> {
    let mut changes = Vec::new();
    keyed(
        &old.operations,
        &new.operations,
        "operation",
        &mut changes,
        diff_operation,
    );
    keyed(&old.types, &new.types, "type", &mut changes, diff_type);
    keyed(
        &old.elements,
        &new.elements,
        "element",
        &mut changes,
        |name, a, b, out| {
            if a != b {
                out.push(change(
                    format!("element {name}"),
                    "changed",
                    format!("{a} → {b}"),
                    true,
                ));
            }
        },
    );
    changes
}

/// The changes to operation `name`, present in both APIs, from `a` to `b`.
fn diff_operation(name: &str, a: &OperationApi, b: &OperationApi, out: &mut Vec<Change>) {
    let fields = [
        ("soapAction", &a.soap_action, &b.soap_action),
        ("input", &a.input, &b.input),
        ("output", &a.output, &b.output),
    ];
    for (what, x, y) in fields {
        if x != y {
            out.push(change(
                format!("operation {name} {what}"),
                "changed",
                format!("{x} → {y}"),
                true,
            ));
        }
    }
    for (what, x, y) in [
        ("input header", &a.input_headers, &b.input_headers),
        ("output header", &a.output_headers, &b.output_headers),
    ] {
        members(out, &format!("operation {name} {what}"), x, y);
    }
}

/// The changes to type `name`, present in both APIs, from `a` to `b`.
fn diff_type(name: &str, a: &TypeApi, b: &TypeApi, out: &mut Vec<Change>) {
    match (a, b) {
        (TypeApi::Enum(x), TypeApi::Enum(y)) => members(out, &format!("enum {name} value"), x, y),
        (TypeApi::Abstract(x), TypeApi::Abstract(y)) => {
            members(out, &format!("abstract {name} subtype"), x, y)
        }
        (TypeApi::Choice(x), TypeApi::Choice(y)) => diff_choice(name, x, y, out),
        (TypeApi::Alias(x), TypeApi::Alias(y)) => {
            if x != y {
                out.push(change(
                    format!("alias {name}"),
                    "changed",
                    format!("{x} → {y}"),
                    true,
                ));
            }
        }
        (TypeApi::Complex(x), TypeApi::Complex(y)) => diff_complex(name, x, y, out),
        (a, b) => out.push(change(
            format!("type {name}"),
            "changed",
            format!("{} → {}", kind(a), kind(b)),
            true,
        )),
    }
}

/// The alternatives of choice `name` removed and added. A choice is a matched enum: any change
/// to its alternatives breaks a `match`.
fn diff_choice(name: &str, x: &[FieldApi], y: &[FieldApi], out: &mut Vec<Change>) {
    let describe =
        |fields: &[FieldApi]| -> Vec<String> { fields.iter().map(FieldApi::describe).collect() };
    let (x, y) = (describe(x), describe(y));
    for v in x.iter().filter(|v| !y.contains(v)) {
        out.push(change(
            format!("choice {name} alternative {v}"),
            "removed",
            String::new(),
            true,
        ));
    }
    for v in y.iter().filter(|v| !x.contains(v)) {
        out.push(change(
            format!("choice {name} alternative {v}"),
            "added",
            String::new(),
            true,
        ));
    }
}

/// The elements of complex type `name` removed, changed and added (a required one added
/// breaks), and a change of order among those kept.
fn diff_complex(name: &str, x: &[FieldApi], y: &[FieldApi], out: &mut Vec<Change>) {
    for f in x {
        match y.iter().find(|g| g.name == f.name) {
            None => out.push(change(
                format!("type {name} element {}", f.name),
                "removed",
                f.describe(),
                true,
            )),
            Some(g) if g != f => {
                let breaking = g.ty != f.ty || g.shape() != f.shape();
                out.push(change(
                    format!("type {name} element {}", f.name),
                    "changed",
                    format!("{} → {}", f.describe(), g.describe()),
                    breaking,
                ));
            }
            Some(_) => {}
        }
    }
    for g in y.iter().filter(|g| !x.iter().any(|f| f.name == g.name)) {
        out.push(change(
            format!("type {name} element {}", g.name),
            "added",
            g.describe(),
            g.min > 0,
        ));
    }
    let order = |fields: &[FieldApi], others: &[FieldApi]| -> Vec<String> {
        fields
            .iter()
            .filter(|f| others.iter().any(|o| o.name == f.name))
            .map(|f| f.name.clone())
            .collect()
    };
    if order(x, y) != order(y, x) {
        out.push(change(
            format!("type {name}"),
            "changed",
            "element order".into(),
            true,
        ));
    }
}

/// Members of a list (header parts, enumeration values, subtypes) removed (breaking) and added
/// (compatible), named `{subject} {member}`.
fn members(out: &mut Vec<Change>, subject: &str, old: &[String], new: &[String]) {
    for v in old.iter().filter(|v| !new.contains(v)) {
        out.push(change(
            format!("{subject} {v}"),
            "removed",
            String::new(),
            true,
        ));
    }
    for v in new.iter().filter(|v| !old.contains(v)) {
        out.push(change(
            format!("{subject} {v}"),
            "added",
            String::new(),
            false,
        ));
    }
}

fn kind(t: &TypeApi) -> &'static str {
    match t {
        TypeApi::Enum(_) => "enumeration",
        TypeApi::Alias(_) => "simple type",
        TypeApi::Complex(_) => "complex type",
        TypeApi::Abstract(_) => "abstract type",
        TypeApi::Choice(_) => "choice",
    }
}

fn keyed<T>(
    old: &BTreeMap<String, T>,
    new: &BTreeMap<String, T>,
    what: &str,
    out: &mut Vec<Change>,
    mut compare: impl FnMut(&str, &T, &T, &mut Vec<Change>),
) {
    for (name, a) in old {
        match new.get(name) {
            None => out.push(change(
                format!("{what} {name}"),
                "removed",
                String::new(),
                true,
            )),
            Some(b) => compare(name, a, b, out),
        }
    }
    for name in new.keys().filter(|n| !old.contains_key(*n)) {
        out.push(change(
            format!("{what} {name}"),
            "added",
            String::new(),
            false,
        ));
    }
}

/// Human-readable report of a diff.
pub fn report(old: &Api, new: &Api, changes: &[Change]) -> String {
    let mut out = String::new();
    let version = |a: &Api| a.version.clone().unwrap_or_else(|| "?".into());
    let _ = writeln!(out, "API version {} → {}", version(old), version(new));
    if changes.is_empty() {
        let _ = writeln!(out, "no change to the generated API");
    }
    for c in changes {
        let mark = if c.breaking {
            "BREAKING  "
        } else {
            "compatible"
        };
        let detail = if c.detail.is_empty() {
            String::new()
        } else {
            format!(": {}", c.detail)
        };
        let _ = writeln!(out, "{mark} {} {}{detail}", c.kind, c.subject);
    }
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let _ = writeln!(out, "{} changes, {breaking} breaking", changes.len());
    out
}

/// JSON report of a diff (for tools).
pub fn report_json(old: &Api, new: &Api, changes: &[Change]) -> String {
    let escape = |s: &str| {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 => {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                }
                c => out.push(c),
            }
        }
        out.push('"');
        out
    };
    let version = |a: &Api| a.version.as_deref().map_or("null".to_owned(), escape);
    let items: Vec<String> = changes
        .iter()
        .map(|c| {
            format!(
                "{{\"kind\":{},\"subject\":{},\"detail\":{},\"breaking\":{}}}",
                escape(c.kind),
                escape(&c.subject),
                escape(&c.detail),
                c.breaking
            )
        })
        .collect();
    format!(
        "{{\"from\":{},\"to\":{},\"changes\":[{}]}}\n",
        version(old),
        version(new),
        items.join(",")
    )
}
