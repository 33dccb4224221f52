//! The crates as published: `cargo package` the crates meant for crates.io, unpack the
//! tarballs, and build and run an app outside the workspace that depends on them by version
//! (crates.io patched with the unpacked packages, as a local registry would serve them). The
//! app starts the sandbox, syncs a lead and reads it back. It proves the packages carry
//! everything their build needs (the WSDL included) and that the README's API is public. A
//! second app holds bindings `cargo xtask codegen` wrote for a WSDL that is not Marketo's and
//! depends on nothing but the packaged runtime and serde.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The crates meant for crates.io.
const PUBLISHED: [&str; 5] = [
    "mktows-codegen",
    "mktows-runtime",
    "mktows",
    "mktows-server",
    "mktows-sandbox",
];

/// Cargo, building without debug info or incremental caches: the apps' dependency builds are
/// throwaway, and CI's disk is shared with the workspace's own build.
fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .env("CARGO_INCREMENTAL", "0");
    command
}

fn run(command: &mut Command, what: &str) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{what} failed:\n{text}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn an_app_builds_and_runs_on_the_packaged_crates() {
    let root = xtask::workspace_root();
    // Its own target directory: the outer `cargo test` holds the workspace's.
    let target = root.join("target/packaged-app");
    let mut package = cargo();
    package
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", &target)
        .args(["package", "--no-verify", "--allow-dirty", "--locked"]);
    for name in PUBLISHED {
        package.args(["-p", name]);
    }
    run(&mut package, "cargo package");

    let scratch = target.join("app");
    let unpacked = scratch.join("unpacked");
    let _ = std::fs::remove_dir_all(&unpacked);
    std::fs::create_dir_all(scratch.join("app/src")).unwrap();
    std::fs::create_dir_all(&unpacked).unwrap();
    for name in PUBLISHED {
        let tarball = target.join(format!("package/{name}-0.1.0.crate"));
        // `-m`: today's mtimes. Cargo writes fixed ones into a .crate, so the app's build
        // would take a runtime built from an earlier package for up to date.
        run(
            Command::new("tar")
                .arg("-xmzf")
                .arg(&tarball)
                .arg("-C")
                .arg(&unpacked),
            "unpacking a .crate",
        );
    }
    assert!(
        unpacked
            .join("mktows-0.1.0/wsdl/marketo_2_6.wsdl")
            .is_file(),
        "the package carries the WSDL it is generated from"
    );
    assert!(
        !unpacked.join("mktows-0.1.0/tests").exists(),
        "the package leaves the workspace's tests out"
    );

    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/packaged-app");
    let manifest = std::fs::read_to_string(here.join("Cargo.toml.in"))
        .unwrap()
        .replace("@UNPACKED@", &unpacked.display().to_string());
    let app: PathBuf = scratch.join("app");
    std::fs::write(app.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(here.join("src/main.rs"), app.join("src/main.rs")).unwrap();
    // Start from the workspace's lock file, so the app builds with the versions CI tested.
    std::fs::copy(root.join("Cargo.lock"), app.join("Cargo.lock")).unwrap();

    let out = run(
        cargo()
            .current_dir(&app)
            .env("CARGO_TARGET_DIR", target.join("app-target"))
            .env_remove("MKTOWS_WSDL")
            .args(["run", "--quiet"]),
        "the packaged app",
    );
    let line = out.trim();
    assert!(
        line.starts_with("lead 1000001 Created, FirstName = Ada, API 2_6"),
        "unexpected output: {line}"
    );

    // Another service's bindings on the runtime alone.
    let generic = scratch.join("generic-app");
    std::fs::create_dir_all(generic.join("src")).unwrap();
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/generic-app");
    let manifest = std::fs::read_to_string(here.join("Cargo.toml.in"))
        .unwrap()
        .replace("@UNPACKED@", &unpacked.display().to_string());
    std::fs::write(generic.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(here.join("src/main.rs"), generic.join("src/main.rs")).unwrap();
    std::fs::copy(root.join("Cargo.lock"), generic.join("Cargo.lock")).unwrap();
    run(
        cargo()
            .current_dir(&root)
            .env("CARGO_TARGET_DIR", &target)
            .args(["run", "--quiet", "-p", "xtask", "--", "codegen"])
            .arg(root.join("tests/data/wsdl/constructs.wsdl"))
            .arg("-o")
            .arg(generic.join("src/bindings.rs")),
        "cargo xtask codegen",
    );
    let out = run(
        cargo()
            .current_dir(&generic)
            .env("CARGO_TARGET_DIR", target.join("app-target"))
            .args(["run", "--quiet"]),
        "the app on the runtime alone",
    );
    assert_eq!(out.trim(), r#"id 7, note n, kept <f:extra a="1"/>"#);
    // Nothing of Marketo's comes along: the whole tree is the runtime, serde and theirs.
    let tree = run(
        cargo()
            .current_dir(&generic)
            .env("CARGO_TARGET_DIR", target.join("app-target"))
            .args([
                "tree", "--prefix", "none", "--edges", "normal", "--depth", "1",
            ]),
        "cargo tree",
    );
    let direct: Vec<&str> = tree
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(direct, ["mktows-runtime", "serde"], "{tree}");
    assert!(!tree.contains("mktows v"), "{tree}");
}
