//! Workspace conventions a compiler does not check (rust-analyzer's tidy): every Rust file opens
//! with a `//!` comment saying what it is for, nothing is left marked for later, functions and
//! files stay short enough to read, and the crates depend on each other only in the allowed
//! directions. Each failure names the file and line.

use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// Longest a hand-written function may be, from its `fn` line to its closing brace.
const MAX_FUNCTION_LINES: usize = 120;
/// Longest a hand-written file may be (the target is about 600 lines).
const MAX_FILE_LINES: usize = 650;
/// The workspace's directories that hold hand-written Rust (missing ones are skipped).
const WALKED: [&str; 10] = [
    "codegen", "runtime", "mktows", "server", "sandbox", "bridge", "cli", "tests", "xtask", "fuzz",
];

/// Every `.rs` file of the workspace's own code (not build output, not test data).
fn rust_files() -> Vec<PathBuf> {
    rust_files_under(&WALKED)
}

/// Every `.rs` file under the workspace's directories `dirs` (not build output, not test data,
/// so not generated code either: generated bindings live in `OUT_DIR` or under `data`).
fn rust_files_under(dirs: &[&str]) -> Vec<PathBuf> {
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
    for dir in dirs {
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

/// `path` relative to the workspace root, for messages.
fn shown(path: &Path) -> String {
    let root = xtask::workspace_root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Lines of `text` that are code (not `//` comments, doc comments included), numbered from 1.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(number, line)| (number + 1, line))
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
}

/// `file:line: line` for every code line of the `.rs` files under `dir` (a workspace
/// directory; nothing when it does not exist) naming one of `names`, except in files `allowed`
/// says may.
fn mentions_in_rust(dir: &str, names: &[&str], allowed: impl Fn(&Path) -> bool) -> Vec<String> {
    let mut found = Vec::new();
    for path in rust_files_under(&[dir]) {
        if allowed(&path) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for (number, line) in code_lines(&text) {
            if names.iter().any(|name| mentions(line, name)) {
                found.push(format!("{}:{number}: {}", shown(&path), line.trim()));
            }
        }
    }
    found
}

/// `file:line: line` for every line of the TOML file `file` (relative to the workspace root;
/// nothing when it does not exist), `#` comments aside, naming one of `names`.
fn mentions_in_toml(file: &str, names: &[&str]) -> Vec<String> {
    let path = xtask::workspace_root().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with('#'))
        .filter(|(_, line)| names.iter().any(|name| mentions(line, name)))
        .map(|(number, line)| format!("{file}:{}: {}", number + 1, line.trim()))
        .collect()
}

/// Whether `line` names `name` as a whole word (`tokio` in `tokio::spawn`, not in
/// `tokio_like`), `-` and `_` counting as word characters.
fn mentions(line: &str, name: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    line.match_indices(name).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + name.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

/// Collects the functions with a body longer than [`MAX_FUNCTION_LINES`]: free functions,
/// methods, trait methods with a default body, and functions nested in any of them.
struct LongFunctions<'a> {
    /// The file being read, for messages.
    file: &'a str,
    /// `file:line: fn name is N lines`.
    found: Vec<String>,
}

impl LongFunctions<'_> {
    /// Records `sig`'s function when its span, from the `fn` line to the closing brace of
    /// `body`, is too long.
    fn check(&mut self, sig: &syn::Signature, body: &syn::Block) {
        let first = sig.fn_token.span.start().line;
        let last = body.brace_token.span.close().end().line;
        let lines = last + 1 - first;
        if lines > MAX_FUNCTION_LINES {
            self.found.push(format!(
                "{}:{first}: fn {} is {lines} lines",
                self.file, sig.ident
            ));
        }
    }
}

impl<'ast> Visit<'ast> for LongFunctions<'_> {
    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        self.check(&item.sig, &item.block);
        syn::visit::visit_item_fn(self, item);
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        self.check(&item.sig, &item.block);
        syn::visit::visit_impl_item_fn(self, item);
    }

    fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
        if let Some(body) = &item.default {
            self.check(&item.sig, body);
        }
        syn::visit::visit_trait_item_fn(self, item);
    }
}

/// Functions over 120 lines hide their phases: split them into functions named after what each
/// phase does. Measured with `syn` (from the `fn` line to the closing brace) over every walked
/// file, tests and nested functions included; generated code is not walked. A file `syn`
/// cannot parse is a failure too, since its functions cannot be measured.
#[test]
fn no_hand_written_function_is_over_120_lines() {
    let mut found = Vec::new();
    for path in rust_files() {
        let file = shown(&path);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        match syn::parse_file(&text) {
            Ok(ast) => {
                let mut visitor = LongFunctions {
                    file: &file,
                    found: Vec::new(),
                };
                visitor.visit_file(&ast);
                found.extend(visitor.found);
            }
            Err(e) => {
                let at = e.span().start();
                found.push(format!(
                    "{file}:{}: syn cannot parse this file: {e}",
                    at.line
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "over {MAX_FUNCTION_LINES} lines (split them into their phases): {found:#?}"
    );
}

/// Files stay small enough to hold in one's head: about 600 lines is the target, 650 the hard
/// limit checked here. A longer file is split into modules by topic. Generated files (test
/// data, `OUT_DIR`) are not walked.
#[test]
fn no_hand_written_file_is_over_650_lines() {
    let found: Vec<String> = rust_files()
        .iter()
        .filter_map(|path| {
            let lines = std::fs::read_to_string(path)
                .unwrap_or_default()
                .lines()
                .count();
            (lines > MAX_FILE_LINES).then(|| {
                format!(
                    "{}:{}: {lines} lines (target about 600)",
                    shown(path),
                    MAX_FILE_LINES + 1
                )
            })
        })
        .collect();
    assert!(found.is_empty(), "over {MAX_FILE_LINES} lines: {found:#?}");
}

/// The generator's model is what resolving produces and emitting reads: it must not depend on
/// the parser's raw definitions, so that the stages stay layered (the names both share live in
/// leaf modules such as `qname.rs`).
#[test]
fn model_does_not_import_parse() {
    let path = xtask::workspace_root().join("codegen/src/model.rs");
    let text = std::fs::read_to_string(&path).expect("codegen/src/model.rs");
    let found: Vec<String> = code_lines(&text)
        .filter(|(_, line)| {
            line.contains("crate::parse")
                || (line.contains("use crate::{") && mentions(line, "parse"))
        })
        .map(|(number, line)| format!("codegen/src/model.rs:{number}: {}", line.trim()))
        .collect();
    assert!(found.is_empty(), "the model imports the parser: {found:#?}");
}

/// The runtime is what every generated binding compiles against: it must build without any
/// network stack. Transport (reqwest, hyper, tokio, `std::net`) is confined to its `http`
/// module (`HttpInvoker`, behind the optional `http` feature), and reqwest stays optional.
#[test]
fn runtime_has_no_transport_but_its_http_module() {
    let root = xtask::workspace_root();
    let http = root.join("runtime/src/http");
    let mut found = mentions_in_rust(
        "runtime/src",
        &["reqwest", "hyper", "tokio", "std::net"],
        |path| path == http.with_extension("rs") || path.starts_with(&http),
    );
    let manifest = std::fs::read_to_string(root.join("runtime/Cargo.toml")).unwrap_or_default();
    for (number, line) in manifest.lines().enumerate() {
        let key = line.split(['=', ' ']).next().unwrap_or_default();
        if key == "reqwest" && !line.contains("optional = true") {
            found.push(format!(
                "runtime/Cargo.toml:{}: reqwest is not optional: {line}",
                number + 1
            ));
        }
    }
    assert!(
        found.is_empty(),
        "transport outside runtime/src/http: {found:#?}"
    );
}

/// The bridge speaks to Marketo (or anything speaking its API); the sandbox is one such thing,
/// reached over the network like the real one. A bridge that linked the sandbox could take
/// shortcuts the real service does not offer. Checked once `bridge/` exists.
#[test]
fn the_bridge_never_imports_the_sandbox() {
    let mut found = mentions_in_toml("bridge/Cargo.toml", &["mktows-sandbox"]);
    found.extend(mentions_in_rust("bridge", &["mktows_sandbox"], |_| false));
    assert!(
        found.is_empty(),
        "the bridge imports the sandbox: {found:#?}"
    );
}

/// The client crate `mktows` is what applications depend on: it must not pull in a server
/// (axum, SQLite, a command line) nor the crates built on it, which would also make the
/// dependency graph circular. Checked on `mktows/Cargo.toml` and `mktows/src`.
#[test]
fn the_client_crate_never_imports_a_server_crate() {
    let mut found = mentions_in_toml(
        "mktows/Cargo.toml",
        &[
            "mktows-server",
            "mktows-sandbox",
            "mktows-bridge",
            "mktows-cli",
            "axum",
            "rusqlite",
            "clap",
        ],
    );
    found.extend(mentions_in_rust(
        "mktows/src",
        &["mktows_server", "mktows_sandbox", "mktows_bridge"],
        |_| false,
    ));
    assert!(
        found.is_empty(),
        "the client crate imports a server crate: {found:#?}"
    );
}
