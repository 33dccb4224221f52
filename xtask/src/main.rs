//! `cargo xtask`: project automation.
//!
//! - `cargo xtask regen --wsdl PATH_OR_URL [--no-check]`: move to a new WSDL version;
//! - `cargo xtask diff OLD.wsdl NEW.wsdl [--json]`: semantic API diff;
//! - `cargo xtask codegen WSDL [-o FILE] [--runtime PATH]`: the generated Rust for any WSDL.

use std::process::{Command, ExitCode};

const USAGE: &str = "usage:
  cargo xtask regen --wsdl PATH_OR_URL [--no-check]
  cargo xtask diff OLD.wsdl NEW.wsdl [--json]
  cargo xtask codegen WSDL [-o FILE] [--runtime PATH]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("regen") => regen(&args[1..]),
        Some("diff") => diff(&args[1..]),
        Some("codegen") => codegen(&args[1..]),
        Some(other) => Err(format!("unknown command `{other}`\n{USAGE}")),
        None => Err(USAGE.into()),
    }
}

fn regen(args: &[String]) -> Result<(), String> {
    let mut source = None;
    let mut check = true;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--wsdl" => source = Some(rest.next().ok_or("--wsdl needs a path or URL")?.clone()),
            "--no-check" => check = false,
            other => return Err(format!("unexpected argument `{other}`\n{USAGE}")),
        }
    }
    let source = source.ok_or(USAGE)?;
    let root = xtask::workspace_root();
    print!("{}", xtask::regen(&root, &source)?);
    if check {
        println!(
            "checking that the workspace builds against it (cargo check --workspace --all-targets --all-features)..."
        );
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["check", "--workspace", "--all-targets", "--all-features"])
            .current_dir(&root)
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err("the workspace does not build against the new WSDL: the errors above are what it breaks".into());
        }
        println!("ok: the workspace builds; run `cargo test --workspace --all-features` next");
    }
    Ok(())
}

fn diff(args: &[String]) -> Result<(), String> {
    let json = args.iter().any(|a| a == "--json");
    let files: Vec<&String> = args.iter().filter(|a| *a != "--json").collect();
    let [old, new] = files.as_slice() else {
        return Err(USAGE.into());
    };
    print!("{}", xtask::diff(old.as_ref(), new.as_ref(), json)?);
    Ok(())
}

fn codegen(args: &[String]) -> Result<(), String> {
    let mut wsdl = None;
    let mut output = None;
    let mut runtime = "::mktows::xml".to_owned();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "-o" | "--output" => output = Some(rest.next().ok_or("-o needs a file")?.clone()),
            "--runtime" => runtime = rest.next().ok_or("--runtime needs a path")?.clone(),
            flag if flag.starts_with('-') => return Err(format!("unknown flag `{flag}`\n{USAGE}")),
            path if wsdl.is_none() => wsdl = Some(path.to_owned()),
            extra => return Err(format!("unexpected argument `{extra}`\n{USAGE}")),
        }
    }
    let wsdl = wsdl.ok_or(USAGE)?;
    let code = xtask::codegen(wsdl.as_ref(), &runtime)?;
    match output {
        Some(path) => {
            std::fs::write(&path, &code).map_err(|e| format!("{path}: {e}"))?;
            eprintln!("wrote {path} ({} lines)", code.lines().count());
        }
        None => print!("{code}"),
    }
    Ok(())
}
