//! `cargo xtask corpus` on a tiny corpus: the feature WSDL (generated, compiled, its one
//! operation's request valid), the samples WSDL (simple types whose valid values the samples
//! must find: ranges, digits, lists, unions), an rpc/literal WSDL (its wrapper elements
//! declared for xmllint from the WSDL's messages) and a folder the generator refuses
//! (reported with its position).

use std::path::{Path, PathBuf};

use xtask::corpus::{self, CorpusOptions};

#[path = "../../mktows/tests/support/tools.rs"]
mod tools;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-corpus-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(from, to).unwrap();
}

#[test]
fn reports_each_wsdl_and_the_totals() {
    if !tools::have("command -v xmllint", "apt-get install libxml2-utils") {
        return;
    }
    let root = xtask::workspace_root();
    let dir = scratch("dir");
    let data = root.join("tests/data/wsdl");
    copy(
        &data.join("features.wsdl"),
        &dir.join("features/features.wsdl"),
    );
    copy(&data.join("other.xsd"), &dir.join("features/other.xsd"));
    copy(
        &data.join("samples.wsdl"),
        &dir.join("samples/samples.wsdl"),
    );
    copy(&data.join("rpc.wsdl"), &dir.join("rpc/rpc.wsdl"));
    std::fs::create_dir_all(dir.join("refused")).unwrap();
    std::fs::write(
        dir.join("refused/refused.wsdl"),
        "<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\" xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n<types><xs:schema targetNamespace=\"urn:x\">\n  <xs:import namespace=\"urn:y\" schemaLocation=\"http://example.com/y.xsd\"/>\n</xs:schema></types>\n</definitions>\n",
    )
    .unwrap();
    let mut options = CorpusOptions::for_workspace(&root);
    options.work_dir = scratch("work");
    let report = corpus::run(&dir, &options).unwrap();
    let text = report.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert_eq!(
        lines[0], "features: generated yes, compiled yes, valid 1/1",
        "{text}"
    );
    assert!(
        lines[1].starts_with("refused: generated no (refused/refused.wsdl:3:3: unsupported construct `xs:import schemaLocation="),
        "{text}"
    );
    assert!(lines[1].ends_with(", compiled -, valid 0/0"), "{text}");
    assert_eq!(
        lines[2], "rpc: generated yes, compiled yes, valid 2/2",
        "{text}"
    );
    assert_eq!(
        lines[3], "samples: generated yes, compiled yes, valid 1/1",
        "{text}"
    );
    assert_eq!(lines[4], "generated 3/4, compiled 3/4, valid 3/4");
    assert!(!report.all_pass());
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&options.work_dir);
}

#[test]
fn the_main_wsdl_is_the_one_with_a_service() {
    let dir = scratch("main");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("a.wsdl"), "<definitions/>").unwrap();
    std::fs::write(
        dir.join("sub/b.wsdl"),
        "<definitions><wsdl:service/></definitions>",
    )
    .unwrap();
    assert_eq!(corpus::main_wsdl(&dir).unwrap(), dir.join("sub/b.wsdl"));
    std::fs::remove_file(dir.join("sub/b.wsdl")).unwrap();
    assert_eq!(corpus::main_wsdl(&dir).unwrap(), dir.join("a.wsdl"));
    let _ = std::fs::remove_dir_all(&dir);
}
