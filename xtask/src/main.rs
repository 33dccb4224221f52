//! `cargo xtask`: project automation (rust-analyzer's pattern).
//!
//! - `cargo xtask codegen WSDL [-o FILE] [--runtime PATH]`: run the generator on any WSDL and
//!   write the Rust (to stdout without `-o`).

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask codegen WSDL [-o FILE] [--runtime PATH]";

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
        Some("codegen") => codegen_command(&args[1..]),
        Some(other) => Err(format!("unknown command `{other}`\n{USAGE}")),
        None => Err(USAGE.into()),
    }
}

fn codegen_command(args: &[String]) -> Result<(), String> {
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
    let started = std::time::Instant::now();
    let code = codegen::Config::new()
        .wsdl(&wsdl)
        .runtime_path(&runtime)
        .generate()
        .map_err(|e| e.to_string())?;
    match output {
        Some(path) => {
            std::fs::write(&path, &code).map_err(|e| format!("{path}: {e}"))?;
            eprintln!(
                "wrote {path} ({} lines) in {:.1?}",
                code.lines().count(),
                started.elapsed()
            );
        }
        None => print!("{code}"),
    }
    Ok(())
}
