//! Workspace conventions a compiler does not check (rust-analyzer's tidy): every Rust file opens
//! with a `//!` comment saying what it is for, and nothing is left marked for later.

use std::path::{Path, PathBuf};

/// Every `.rs` file of the workspace's own code (not build output, not test data).
fn rust_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if path.is_dir() {
                if !matches!(
                    name.to_str(),
                    Some("target" | "data" | "corpus" | "artifacts" | ".git")
                ) {
                    walk(&path, out);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = xtask::workspace_root();
    let mut files = Vec::new();
    for dir in ["codegen", "mktows", "tests", "xtask", "fuzz"] {
        walk(&root.join(dir), &mut files);
    }
    files.sort();
    files
}

#[test]
fn every_rust_file_says_what_it_is_for() {
    let files = rust_files();
    assert!(files.len() > 40, "found only {} files", files.len());
    let undocumented: Vec<String> = files
        .iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            !text.trim_start().starts_with("//!")
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        undocumented.is_empty(),
        "these files do not open with a `//!` comment: {undocumented:#?}"
    );
}

#[test]
fn nothing_is_left_marked_for_later() {
    // Spelled in pieces so that this file does not match itself.
    let markers = [
        concat!("TO", "DO"),
        concat!("FIX", "ME"),
        concat!("XX", "X"),
        concat!("todo", "!("),
        concat!("unimplemented", "!("),
    ];
    let mut found = Vec::new();
    for path in rust_files() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for (number, line) in text.lines().enumerate() {
            if markers.iter().any(|m| line.contains(m)) {
                found.push(format!(
                    "{}:{}: {}",
                    path.display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}
