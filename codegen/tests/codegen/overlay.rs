//! Documentation overlays: merged into the generated docs as trusted markdown, unknown keys
//! reported, malformed overlays refused with their position; and Marketo's overlay documents
//! every operation, type and element of the 23 operations' requests and responses.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use mktows_codegen::model::{Model, TypeRef};
use mktows_codegen::{Config, Error};

fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn overlay_file(text: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "mktows-overlay-{}-{}.toml",
        std::process::id(),
        text.len()
    ));
    std::fs::write(&path, text).unwrap();
    path
}

const FEATURES_OVERLAY: &str = r#"
[operations.echo]
doc = """
Sends a node back.

# Faults
- 42: `never` happens.
"""

[operations.noSuchOperation]
doc = "orphaned"

[types.Node]
doc = "A tree node, see `Node::child`."
[types.Node.fields]
label = "The node's **label**."
nosuchfield = "orphaned"

[types.Mode]
doc = "How to run."
[types.Mode.values]
FOO_BAR = "The `FOO_BAR` mode."
NOPE = "orphaned"

[types.NoSuchType]
doc = "orphaned"

[elements.nowhere]
doc = "orphaned"
"#;

#[test]
fn overlay_markdown_is_merged_and_unknown_keys_are_warnings() {
    let overlay = overlay_file(FEATURES_OVERLAY);
    let mut config = Config::new();
    config
        .wsdl(data("../tests/data/wsdl/features.wsdl"))
        .runtime_path("crate::xml")
        .docs_overlay(&overlay);
    let (model, warnings) = config.load_with_warnings().unwrap();
    let shown = overlay.display().to_string();
    let expected: Vec<String> = [
        "elements.nowhere: no global element nowhere in the WSDL",
        "operations.noSuchOperation: no operation noSuchOperation in the WSDL",
        "types.Mode.values.NOPE: no value \"NOPE\" in type Mode",
        "types.NoSuchType: no type NoSuchType in the WSDL",
        "types.Node.fields.nosuchfield: no element nosuchfield in type Node",
    ]
    .iter()
    .map(|w| format!("{shown}: {w}"))
    .collect();
    assert_eq!(warnings, expected);

    let code = config.emit(&model).unwrap();
    syn::parse_file(&code).unwrap();
    // Compared without indentation (nested modules indent).
    let code: String = code
        .lines()
        .map(|l| format!("{}\n", l.trim_start()))
        .collect();
    // Trusted markdown stays markdown (code spans, bold, headings), first, and the schema
    // summary still follows it.
    assert!(code.contains("/// Sends a node back.\n"), "{code}");
    assert!(code.contains("/// # Faults\n"));
    assert!(code.contains("/// - 42: `never` happens.\n"));
    assert!(code.contains("/// The node's **label**.\n///\n/// Element `label`"));
    assert!(code.contains("/// A tree node, see `Node::child`.\n"));
    assert!(code.contains("/// The `FOO_BAR` mode.\n"));
    // The WSDL's own documentation is still there, still escaped, after the overlay's.
    assert!(
        code.contains("/// How to run.\n///\n/// Doc with \\*/"),
        "{code}"
    );
    let _ = std::fs::remove_file(overlay);
}

#[test]
fn a_malformed_overlay_is_an_error_naming_the_file_and_line() {
    for (text, wanted) in [
        ("[types.Node]\nfeilds = {}\n", "unknown field `feilds`"),
        ("[operations.echo]\ndoc = 3\n", "invalid type"),
        ("[operations.echo\n", "line 1"),
    ] {
        let overlay = overlay_file(text);
        let err = Config::new()
            .wsdl(data("../tests/data/wsdl/features.wsdl"))
            .docs_overlay(&overlay)
            .load()
            .unwrap_err();
        assert!(matches!(err, Error::Overlay { .. }), "{err:?}");
        let message = err.to_string();
        assert!(
            message.starts_with(&format!(
                "{}: invalid documentation overlay",
                overlay.display()
            )) && message.contains(wanted),
            "{message}"
        );
        let _ = std::fs::remove_file(overlay);
    }
}

/// Every complex and simple type reachable from the operations' bodies.
fn reachable(model: &Model) -> (BTreeSet<usize>, BTreeSet<usize>) {
    let (mut complex, mut simple) = (BTreeSet::new(), BTreeSet::new());
    let mut todo: Vec<TypeRef> = Vec::new();
    for op in &model.service.operations {
        todo.push(model.elements[op.input.expect("Marketo requests have a body")].ty);
        todo.push(model.elements[op.output.expect("Marketo responses have a body")].ty);
    }
    while let Some(ty) = todo.pop() {
        match ty {
            TypeRef::Builtin(_) => {}
            TypeRef::Simple(i) => {
                simple.insert(i);
            }
            TypeRef::Complex(i) => {
                if complex.insert(i) {
                    let t = &model.complex_types[i];
                    todo.extend(t.fields.iter().map(|f| f.ty));
                    todo.extend(t.subtypes.iter().map(|s| TypeRef::Complex(*s)));
                }
            }
        }
    }
    (complex, simple)
}

#[test]
fn marketos_overlay_documents_every_operation_request_and_response() {
    let mut config = Config::new();
    config
        .wsdl(data("../wsdl/marketo_2_6.wsdl"))
        .docs_overlay(data("../wsdl/docs.toml"));
    let (model, warnings) = config.load_with_warnings().unwrap();
    assert_eq!(warnings, Vec::<String>::new(), "every overlay key is used");
    let mut missing = Vec::new();
    for op in &model.service.operations {
        if op.doc.markdown.is_empty() {
            missing.push(format!("operations.{}", op.name));
        } else if !op.doc.markdown.iter().any(|l| l.contains("```rust")) {
            missing.push(format!("operations.{} (example)", op.name));
        } else if !op.doc.markdown.iter().any(|l| l == "# Faults") {
            missing.push(format!("operations.{} (faults)", op.name));
        }
    }
    let (complex, simple) = reachable(&model);
    for i in complex {
        let t = &model.complex_types[i];
        if t.doc.markdown.is_empty() {
            missing.push(format!("types.{}", t.name.local));
        }
        for f in &t.fields {
            if f.doc.markdown.is_empty() {
                missing.push(format!("types.{}.fields.{}", t.name.local, f.xml_name));
            }
        }
    }
    for i in simple {
        let t = &model.simple_types[i];
        if t.doc.markdown.is_empty() {
            missing.push(format!("types.{}", t.name.local));
        }
    }
    assert!(
        missing.is_empty(),
        "wsdl/docs.toml leaves {} undocumented: {missing:#?}",
        missing.len()
    );
}
