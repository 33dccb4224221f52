//! Helpers shared by the workspace's integration tests: the test data, XML equivalence, and the
//! schema extracted from the WSDL for libxml2.

use std::path::{Path, PathBuf};

/// Third-party tools: skip with a message when missing, fail under CI.
pub mod tools;

/// The README's examples, compiled and run as doctests (they use the sandbox).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

pub mod bridge;
pub mod custom_objects;
pub mod fake_marketo;
pub mod leads;
pub mod rest;
pub mod soap;

/// `tests/data`.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// Runs the Python `script` with zeep loaded on `data/wsdl/{wsdl}` as `c` (and `etree` from
/// lxml); its standard output. Panics with Python's standard error when the script fails.
/// (The caller checks that zeep is installed.)
pub fn zeep_script(wsdl: &str, script: &str) -> String {
    let wsdl = data_dir().join("wsdl").join(wsdl);
    let prelude = format!(
        "import sys, zeep\nfrom lxml import etree\nc = zeep.Client({:?})\n",
        wsdl.display().to_string()
    );
    let output = std::process::Command::new("python3")
        .args(["-c", &format!("{prelude}{script}")])
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "zeep failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("zeep's output is UTF-8")
}

/// The vendored WSDL.
pub fn wsdl_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../wsdl/marketo_2_6.wsdl")
}

/// Reads a test data file.
pub fn read(relative: &str) -> String {
    let path = data_dir().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `.xml` file under `tests/data/{seeds,marketo-docs,captured}`, sorted.
pub fn sample_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["seeds", "marketo-docs", "captured"] {
        for entry in std::fs::read_dir(data_dir().join(dir)).expect("sample dir") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "xml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The envelopes in a sample file: the whole file, or the parts after `REQUEST:` / `RESPONSE:`
/// markers of a captured log, labelled.
pub fn envelopes(text: &str) -> Vec<(&'static str, String)> {
    if !text.contains("REQUEST:") && !text.contains("RESPONSE:") {
        return vec![("document", text.to_owned())];
    }
    let mut out = Vec::new();
    let request = text.find("REQUEST:");
    let response = text.find("RESPONSE:");
    if let Some(start) = request {
        let end = response.filter(|&r| r > start).unwrap_or(text.len());
        out.push((
            "request",
            text[start + "REQUEST:".len()..end].trim().to_owned(),
        ));
    }
    if let Some(start) = response {
        out.push((
            "response",
            text[start + "RESPONSE:".len()..].trim().to_owned(),
        ));
    }
    out
}

/// A namespace-resolved, whitespace-insensitive view of an XML document: elements with their
/// namespace URI, attributes other than namespace declarations (QName values of `xsi:type`
/// resolved), and trimmed text. Two documents are equivalent when their views are equal.
pub fn canonical(xml: &str) -> String {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not XML: {e}\n{xml}"));
    let mut out = String::new();
    write_canonical(doc.root_element(), 0, &mut out);
    out
}

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

fn write_canonical(node: roxmltree::Node, depth: usize, out: &mut String) {
    use std::fmt::Write;
    let name = node.tag_name();
    let _ = write!(
        out,
        "{:indent$}{{{}}}{}",
        "",
        name.namespace().unwrap_or(""),
        name.name(),
        indent = depth * 2
    );
    let mut attrs: Vec<String> = node
        .attributes()
        .map(|a| {
            let mut value = a.value().to_owned();
            if a.namespace() == Some(XSI) && a.name() == "type" {
                let (prefix, local) = value
                    .split_once(':')
                    .map_or((None, value.as_str()), |(p, l)| (Some(p), l));
                value = format!(
                    "{{{}}}{local}",
                    node.lookup_namespace_uri(prefix).unwrap_or("")
                );
            }
            if a.namespace() == Some(XSI) && a.name() == "nil" && value == "1" {
                value = "true".into();
            }
            format!("{{{}}}{}={value}", a.namespace().unwrap_or(""), a.name())
        })
        .collect();
    attrs.sort();
    for a in attrs {
        let _ = write!(out, " {a}");
    }
    let text: String = node
        .children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect();
    let text = text.trim();
    if !text.is_empty() {
        let _ = write!(out, " = {text:?}");
    }
    out.push('\n');
    for child in node.children().filter(|c| c.is_element()) {
        write_canonical(child, depth + 1, out);
    }
}

/// The `xs:schema` of the WSDL as a standalone schema document: the namespace declarations in
/// scope on `wsdl:definitions` are copied onto it.
pub fn schema_from_wsdl(wsdl: &str) -> String {
    let doc = roxmltree::Document::parse(wsdl).expect("WSDL parses");
    let schema = doc
        .descendants()
        .find(|n| {
            n.tag_name().name() == "schema"
                && n.tag_name().namespace() == Some("http://www.w3.org/2001/XMLSchema")
        })
        .expect("an embedded schema");
    let source = &wsdl[schema.range()];
    let open_end = source.find('>').expect("start tag");
    let start_tag = &source[..open_end];
    let mut declarations = String::new();
    for ns in schema.namespaces() {
        let attr = match ns.name() {
            Some(prefix) => format!("xmlns:{prefix}="),
            None => "xmlns=".to_owned(),
        };
        if !start_tag.contains(&attr) {
            declarations.push_str(&format!(" {attr}\"{}\"", ns.uri()));
        }
    }
    let name_end = start_tag
        .find(char::is_whitespace)
        .unwrap_or(start_tag.len());
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}{declarations}{}",
        &source[..name_end],
        &source[name_end..]
    )
}

/// Bindings generated from `data/wsdl/features.wsdl`, checked in as the generator's golden
/// output (`data/golden/features.rs`, kept current by `tests/generated/golden.rs`) and compiled here
/// against the `mktows-runtime` crate alone, like any other service's bindings.
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod features {
    include!("../data/golden/features.rs");
}

/// Bindings generated from `data/wsdl/constructs.wsdl` (the XML Schema constructs real services
/// use beyond Marketo's), checked in as `data/golden/constructs.rs` like [`features`].
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod constructs {
    include!("../data/golden/constructs.rs");
}

/// Bindings generated from `data/wsdl/split.wsdl`, a service split over files by
/// `wsdl:import` (binding and service; messages and port type; schema), checked in as
/// `data/golden/split.rs` like [`features`].
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod split {
    include!("../data/golden/split.rs");
}

/// Bindings generated from `data/wsdl/rpc.wsdl` (an rpc/literal service), checked in as
/// `data/golden/rpc.rs` like [`features`].
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod rpc {
    include!("../data/golden/rpc.rs");
}

/// Bindings generated from `data/wsdl/soap12.wsdl` (a SOAP 1.2 binding without a
/// `wsdl:service`, with empty request and response Bodies), checked in as
/// `data/golden/soap12.rs` like [`features`].
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod soap12 {
    include!("../data/golden/soap12.rs");
}

/// Bindings generated from `data/wsdl/encoded.wsdl` (an rpc/encoded service shaped as Apache
/// Axis 1 writes them), checked in as `data/golden/encoded.rs` like [`features`].
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod encoded {
    include!("../data/golden/encoded.rs");
}

pub mod http;
pub mod proxy;
pub mod recorded;

/// The `syncMultipleLeads` response envelope a server sends when every lead was created, one
/// `CREATED` status per id in order (as Marketo writes it: `error` nil).
pub fn all_created_response(lead_ids: impl IntoIterator<Item = i32>) -> String {
    use mktows::types::{
        ArrayOfSyncStatus, LeadSyncStatus, ResultSyncMultipleLeads, SuccessSyncMultipleLeads,
        SyncStatus,
    };
    let sync_status = lead_ids
        .into_iter()
        .map(|lead_id| SyncStatus {
            lead_id,
            status: LeadSyncStatus::Created,
            error: Some(mktows::xml::Nillable::Nil),
        })
        .collect();
    let body = SuccessSyncMultipleLeads {
        result: ResultSyncMultipleLeads {
            sync_status_list: ArrayOfSyncStatus { sync_status },
        },
    };
    mktows::xml::encode_response::<mktows::operations::SyncMultipleLeads>(
        &Default::default(),
        &body,
    )
    .expect("a response of valid statuses encodes")
}
