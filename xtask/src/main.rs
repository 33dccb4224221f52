//! `cargo xtask`: project automation.
//!
//! - `cargo xtask bench [--memory]`: mktows next to Python zeep on the same work, on this machine;
//! - `cargo xtask outage [--killed-only] [--unpaced] [--kill-at-leads N] [--binary PATH]`:
//!   `mktows sync` of 50,000 leads with its sandbox killed 1 s in (and restarted 10 s later):
//!   the time to give up or finish;
//! - `cargo xtask regen --wsdl PATH_OR_URL [--no-check]`: move to a new WSDL version;
//! - `cargo xtask diff OLD.wsdl NEW.wsdl [--json]`: semantic API diff;
//! - `cargo xtask codegen WSDL [-o FILE] [--runtime PATH]`: the generated Rust for any WSDL;
//! - `cargo xtask corpus DIR`: generate, compile and validate every WSDL folder under `DIR`;
//! - `cargo xtask vendor WSDL_URL_OR_FILE DIR [--mirror URL_PREFIX=DIR]...`: save a WSDL and
//!   everything it imports into `DIR` with a manifest (`DIR/vendor.toml`).

use std::process::{Command, ExitCode};

const USAGE: &str = "usage:
  cargo xtask bench [--memory]
  cargo xtask outage [--killed-only] [--unpaced] [--kill-at-leads N] [--binary PATH]
  cargo xtask regen --wsdl PATH_OR_URL [--no-check]
  cargo xtask diff OLD.wsdl NEW.wsdl [--json]
  cargo xtask codegen WSDL [-o FILE] [--runtime PATH]
  cargo xtask corpus DIR
  cargo xtask vendor WSDL_URL_OR_FILE DIR [--mirror URL_PREFIX=DIR]... [--max-documents N] [--max-bytes N]";

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
        Some("bench") => bench(&args[1..]),
        Some("outage") => outage(&args[1..]),
        Some("diff") => diff(&args[1..]),
        Some("codegen") => codegen(&args[1..]),
        Some("corpus") => corpus(&args[1..]),
        Some("vendor") => vendor(&args[1..]),
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
    let mut runtime = "::mktows_runtime".to_owned();
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
    let (code, warnings) = xtask::codegen(wsdl.as_ref(), &runtime)?;
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    match output {
        Some(path) => {
            std::fs::write(&path, &code).map_err(|e| format!("{path}: {e}"))?;
            eprintln!("wrote {path} ({} lines)", code.lines().count());
        }
        None => print!("{code}"),
    }
    Ok(())
}

fn corpus(args: &[String]) -> Result<(), String> {
    let [dir] = args else {
        return Err(USAGE.into());
    };
    let options = xtask::corpus::CorpusOptions::for_workspace(&xtask::workspace_root());
    let report = xtask::corpus::run(dir.as_ref(), &options);
    let _ = std::fs::remove_dir_all(&options.work_dir);
    let report = report?;
    print!("{}", report.text());
    if report.all_pass() {
        Ok(())
    } else {
        Err("not every WSDL generated, compiled and validated".into())
    }
}

fn vendor(args: &[String]) -> Result<(), String> {
    let mut options = xtask::vendor::VendorOptions::default();
    let mut positional = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--mirror" => {
                let spec = rest.next().ok_or("--mirror needs URL_PREFIX=DIR")?;
                let (prefix, dir) = spec
                    .split_once('=')
                    .ok_or("--mirror needs URL_PREFIX=DIR")?;
                options.mirrors.push((prefix.to_owned(), dir.into()));
            }
            "--max-documents" => {
                let n = rest.next().ok_or("--max-documents needs a number")?;
                options.max_documents = n.parse().map_err(|e| format!("--max-documents: {e}"))?;
            }
            "--max-bytes" => {
                let n = rest.next().ok_or("--max-bytes needs a number")?;
                options.max_bytes = n.parse().map_err(|e| format!("--max-bytes: {e}"))?;
            }
            flag if flag.starts_with("--") => {
                return Err(format!("unknown flag `{flag}`\n{USAGE}"));
            }
            other => positional.push(other),
        }
    }
    let [source, dir] = positional.as_slice() else {
        return Err(USAGE.into());
    };
    let report = xtask::vendor::vendor(source, dir.as_ref(), &options)?;
    for (location, file) in &report.documents {
        println!("{location} -> {}", file.display());
    }
    println!(
        "wrote {} ({} documents); generate from {}",
        report.manifest.display(),
        report.documents.len(),
        report.wsdl.display()
    );
    Ok(())
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn output(command: &mut Command, what: &str) -> Result<String, String> {
    let out = command
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{what} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn outage(args: &[String]) -> Result<(), String> {
    let mut options = xtask::outage::Options::default();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--binary" => options.binary = Some(rest.next().ok_or("--binary needs a path")?.into()),
            "--killed-only" => options.killed_only = true,
            "--unpaced" => options.unpaced = true,
            "--kill-at-leads" => {
                let n = rest.next().ok_or("--kill-at-leads needs a number")?;
                let n = n.parse().map_err(|e| format!("--kill-at-leads {n}: {e}"))?;
                options.kill_at_leads = Some(n);
            }
            other => return Err(format!("unexpected argument `{other}`\n{USAGE}")),
        }
    }
    print!("{}", xtask::outage::run(&xtask::workspace_root(), options)?);
    Ok(())
}

fn bench(args: &[String]) -> Result<(), String> {
    let root = xtask::workspace_root();
    let wsdl = root.join("wsdl").join(xtask::pinned(&root)?);
    let get_lead = root.join("tests/data/marketo-docs/getlead__2_response.xml");
    eprintln!("mktows (release build)...");
    let ours = output(
        cargo()
            .args([
                "run",
                "--quiet",
                "--release",
                "-p",
                "mktows",
                "--example",
                "side_by_side",
                "--",
            ])
            .arg(&wsdl)
            .arg(&get_lead)
            .current_dir(&root),
        "the mktows benchmark",
    )?;
    eprintln!("Python zeep (pip install zeep)...");
    let zeep = output(
        Command::new("python3")
            .arg(root.join("xtask/bench/zeep_bench.py"))
            .arg(&wsdl)
            .arg(&get_lead),
        "the zeep benchmark",
    )?;
    println!(
        "{}",
        xtask::bench_table(&xtask::parse_timings(&ours), &xtask::parse_timings(&zeep))
    );
    if args.iter().any(|a| a == "--memory") {
        memory(&root)?;
    }
    Ok(())
}

/// Peak resident memory of `mktows sync` for 1,000,000 leads against a sandbox process.
fn memory(root: &std::path::Path) -> Result<(), String> {
    use std::io::{BufRead, Write};
    eprintln!("building the CLI (release)...");
    output(
        cargo()
            .args(["build", "--quiet", "--release", "-p", "mktows-cli"])
            .current_dir(root),
        "cargo build",
    )?;
    let binary = root.join("target/release/mktows");
    let csv = std::env::temp_dir().join("mktows-1m-leads.csv");
    {
        let mut file =
            std::io::BufWriter::new(std::fs::File::create(&csv).map_err(|e| e.to_string())?);
        writeln!(file, "Email,FirstName,Company").map_err(|e| e.to_string())?;
        for i in 0..1_000_000 {
            writeln!(file, "lead{i}@example.com,First{i},Company{}", i % 1000)
                .map_err(|e| e.to_string())?;
        }
    }
    let mut sandbox = Command::new(&binary)
        .args(["sandbox", "--port", "0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let stdout = sandbox.stdout.take().ok_or("no sandbox output")?;
    let endpoint = std::io::BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.trim().strip_prefix("MKTOWS_ENDPOINT=").map(str::to_owned))
        .ok_or("the sandbox did not print its endpoint")?;
    let started = std::time::Instant::now();
    let result = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(&binary)
        .arg("sync")
        .arg(&csv)
        .arg("--unpaced")
        .env("MKTOWS_ENDPOINT", endpoint)
        .env("MKTOWS_USER_ID", "sandbox_1_0000000000000000000000")
        .env("MKTOWS_ENCRYPTION_KEY", "sandbox-encryption-key")
        .output()
        .map_err(|e| format!("cannot run /usr/bin/time (apt-get install time): {e}"));
    let _ = sandbox.kill();
    let _ = std::fs::remove_file(&csv);
    let result = result?;
    let stderr = String::from_utf8_lossy(&result.stderr);
    let peak_kb: u64 = stderr
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .ok_or(format!("no peak memory reported: {stderr}"))?;
    println!(
        "mktows sync, 1,000,000 leads from CSV against the sandbox: {} in {:.1} s, peak resident memory {:.1} MB (target < 64 MB)",
        String::from_utf8_lossy(&result.stdout).trim(),
        started.elapsed().as_secs_f64(),
        peak_kb as f64 / 1024.0
    );
    Ok(())
}
