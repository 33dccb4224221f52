//! `cargo xtask regen` and `diff`: moving between WSDL versions and back leaves the tree as it
//! was; bad sources get clear errors.

use std::path::{Path, PathBuf};

fn copy_tree(root: &Path) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "mktows-xtask-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(dir.join("wsdl")).unwrap();
    std::fs::create_dir_all(dir.join("mktows/wsdl")).unwrap();
    for sub in ["wsdl", "mktows/wsdl"] {
        for entry in std::fs::read_dir(root.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, dir.join(sub).join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::copy(root.join("mktows/API.txt"), dir.join("mktows/API.txt")).unwrap();
    dir
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for sub in ["wsdl", "mktows", "mktows/wsdl"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                continue;
            }
            files.push((
                format!("{sub}/{}", path.file_name().unwrap().to_string_lossy()),
                std::fs::read(&path).unwrap(),
            ));
        }
    }
    files.sort();
    files
}

#[test]
fn regen_to_2_2_and_back_leaves_the_tree_as_it_was() {
    let tree = copy_tree(&xtask::workspace_root());
    let before = snapshot(&tree);
    let report = xtask::regen(&tree, tree.join("wsdl/marketo_2_2.wsdl").to_str().unwrap()).unwrap();
    assert!(
        report.contains("wsdl/marketo_2_2.wsdl is now the pinned WSDL"),
        "{report}"
    );
    assert!(report.contains("API version 2_6 → 2_2"), "{report}");
    assert!(
        report.contains("BREAKING   removed type ParamsMergeLeads element mergeInSales"),
        "{report}"
    );
    assert_eq!(
        std::fs::read_to_string(tree.join("wsdl/PIN")).unwrap(),
        "marketo_2_2.wsdl\n"
    );
    assert_eq!(
        xtask::packaged_drift(&tree).unwrap(),
        Vec::<String>::new(),
        "the packaged copy follows the pin"
    );
    assert!(!tree.join("mktows/wsdl/marketo_2_6.wsdl").exists());
    let view = std::fs::read_to_string(tree.join("mktows/API.txt")).unwrap();
    assert!(
        view.contains("version 2_2") && view.contains("skipActivityLog"),
        "the view follows the pin"
    );
    let back = xtask::regen(&tree, tree.join("wsdl/marketo_2_6.wsdl").to_str().unwrap()).unwrap();
    assert!(back.contains("API version 2_2 → 2_6"), "{back}");
    assert_eq!(snapshot(&tree), before);
    let _ = std::fs::remove_dir_all(tree);
}

#[test]
fn regen_names_the_file_after_the_version() {
    let tree = copy_tree(&xtask::workspace_root());
    let source = std::env::temp_dir().join(format!("downloaded-{}.wsdl", rand_suffix()));
    std::fs::copy(tree.join("wsdl/marketo_2_2.wsdl"), &source).unwrap();
    std::fs::remove_file(tree.join("wsdl/marketo_2_2.wsdl")).unwrap();
    xtask::regen(&tree, source.to_str().unwrap()).unwrap();
    assert_eq!(
        std::fs::read(tree.join("wsdl/marketo_2_2.wsdl")).unwrap(),
        std::fs::read(&source).unwrap(),
        "copied byte for byte under its version's name"
    );
    let _ = std::fs::remove_dir_all(tree);
    let _ = std::fs::remove_file(source);
}

#[test]
fn bad_sources_get_clear_errors_and_change_nothing() {
    let tree = copy_tree(&xtask::workspace_root());
    let before = snapshot(&tree);
    let err = xtask::regen(&tree, "/nonexistent/marketo.wsdl").unwrap_err();
    assert!(
        err.contains("/nonexistent/marketo.wsdl") && err.contains("No such file"),
        "{err}"
    );
    let html = std::env::temp_dir().join(format!("not-a-wsdl-{}.wsdl", rand_suffix()));
    std::fs::write(&html, "<html><body>Maintenance</body></html>").unwrap();
    let err = xtask::regen(&tree, html.to_str().unwrap()).unwrap_err();
    assert!(err.contains("expected wsdl:definitions"), "{err}");
    let err = xtask::regen(&tree, "http://127.0.0.1:9/soap/mktows/2_9?WSDL").unwrap_err();
    assert!(
        err.starts_with("cannot fetch http://127.0.0.1:9/soap/mktows/2_9?WSDL"),
        "{err}"
    );
    assert_eq!(snapshot(&tree), before, "nothing written");
    let _ = std::fs::remove_dir_all(tree);
    let _ = std::fs::remove_file(html);
}

#[test]
fn diff_reports_in_text_and_json() {
    let root = xtask::workspace_root();
    let (old, new) = (
        root.join("wsdl/marketo_2_2.wsdl"),
        root.join("wsdl/marketo_2_6.wsdl"),
    );
    let text = xtask::diff(&old, &new, false).unwrap();
    assert!(text.contains("compatible added type ParamsMergeLeads element mergeInSales: mergeInSales: xs:boolean [0..1]"), "{text}");
    let json = xtask::diff(&old, &new, true).unwrap();
    assert!(
        json.starts_with("{\"from\":\"2_2\",\"to\":\"2_6\",\"changes\":["),
        "{json}"
    );
    assert_eq!(json.matches("\"breaking\":true").count(), 2);
    let err = xtask::diff(Path::new("/nonexistent.wsdl"), &new, false).unwrap_err();
    assert!(err.contains("/nonexistent.wsdl"), "{err}");
}

#[test]
fn the_packaged_wsdl_is_the_pinned_one() {
    let drift = xtask::packaged_drift(&xtask::workspace_root()).unwrap();
    assert!(
        drift.is_empty(),
        "mktows/wsdl/ drifted from wsdl/ (run `cargo xtask regen --wsdl wsdl/$(cat wsdl/PIN)`): {drift:?}"
    );
}

#[test]
fn drift_is_reported() {
    let tree = copy_tree(&xtask::workspace_root());
    std::fs::write(tree.join("mktows/wsdl/PIN"), "marketo_2_2.wsdl\n").unwrap();
    std::fs::write(tree.join("mktows/wsdl/stale.wsdl"), "<x/>").unwrap();
    assert_eq!(
        xtask::packaged_drift(&tree).unwrap(),
        [
            "mktows/wsdl/PIN differs from wsdl/PIN",
            "mktows/wsdl/stale.wsdl is not a packaged file"
        ]
    );
    xtask::sync_packaged(&tree).unwrap();
    assert!(xtask::packaged_drift(&tree).unwrap().is_empty());
    assert!(!tree.join("mktows/wsdl/stale.wsdl").exists());
    let _ = std::fs::remove_dir_all(tree);
}
