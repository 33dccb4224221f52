//! `cargo xtask outage`: how long `mktows sync` takes to give up, or to finish, when its
//! endpoint dies mid-sync. A measurement, not a test (its figures depend on the machine).
//!
//! With the release `mktows` binary (built with `cargo build --release -p mktows-cli`, or the
//! one given with `--binary`), in a fresh temporary directory:
//!
//! 1. **killed**: `mktows sandbox` on a free port with a data file; a 50,000-lead CSV synced
//!    with `mktows sync --json` (default pacing and retries, as a user runs it); the sandbox
//!    killed with SIGKILL 1 s after the sync started. Reported: the time from the kill to the
//!    sync's exit, and the leads by fate.
//! 2. **restarted** (unless `--killed-only`): the same, and 10 s after the kill the sandbox is
//!    started again on the same port and data file. Reported: the time from the kill to the
//!    sync's exit, the leads by fate, and whether every lead synced or was confirmed.
//!
//! With `--unpaced`, the sync runs `--unpaced` (no 100-calls-per-20-s window): with the
//! default pacing, the sandbox answers the first 100 calls (30,000 leads) within the first
//! second and the next call waits ~19 s for the window before it finds the endpoint gone, a
//! wait the kill-to-exit time includes.
//!
//! With `--kill-at-leads N`, the sandbox is killed once the sync has reported N leads
//! instead of 1 s in: a kill at the same point of the sync whatever the machine's speed (an
//! idle machine syncs the whole file unpaced within a second).
//!
//! The sync's progress lines (standard error, one every 2 s) are kept in the directory, so
//! "endpoint unreachable since HH:MM:SS UTC" can be seen there.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Leads in the CSV.
pub const LEADS: usize = 50_000;
/// From the sync's start to the kill.
pub const KILL_AFTER: Duration = Duration::from_secs(1);
/// From the kill to the restart, in the second scenario.
pub const RESTART_AFTER: Duration = Duration::from_secs(10);

/// What one scenario measured.
#[derive(Debug, Clone)]
pub struct Measured {
    /// The scenario's name.
    pub scenario: &'static str,
    /// From the kill to the sync's exit.
    pub kill_to_exit: Duration,
    /// The whole sync.
    pub total: Duration,
    /// Leads the sync had reported when the sandbox was killed.
    pub reported_at_kill: usize,
    /// Leads by fate, from the sync's JSON lines.
    pub fates: BTreeMap<String, usize>,
    /// The sync's exit code.
    pub exit_code: Option<i32>,
    /// Progress lines that said the endpoint was unreachable (the first of them).
    pub unreachable_line: Option<String>,
}

impl Measured {
    /// Leads created, updated or confirmed.
    pub fn synced(&self) -> usize {
        ["created", "updated", "confirmed"]
            .iter()
            .map(|f| self.fates.get(*f).copied().unwrap_or(0))
            .sum()
    }

    /// One paragraph for the report.
    pub fn render(&self) -> String {
        let fates: Vec<String> = self.fates.iter().map(|(f, n)| format!("{f} {n}")).collect();
        let mut text = format!(
            "{}: killed after {} leads reported; kill → exit {:.1} s (whole sync {:.1} s, exit code {:?}); fates: {}; synced or confirmed {}/{LEADS}",
            self.scenario,
            self.reported_at_kill,
            self.kill_to_exit.as_secs_f64(),
            self.total.as_secs_f64(),
            self.exit_code,
            fates.join(", "),
            self.synced(),
        );
        if let Some(line) = &self.unreachable_line {
            text.push_str(&format!("\n  progress said: {line}"));
        }
        text
    }
}

/// How `cargo xtask outage` runs.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The `mktows` binary; `None`: build the release one.
    pub binary: Option<PathBuf>,
    /// Only the first scenario.
    pub killed_only: bool,
    /// Sync with `--unpaced`.
    pub unpaced: bool,
    /// Kill once the sync has reported this many leads, instead of [`KILL_AFTER`].
    pub kill_at_leads: Option<usize>,
}

/// Builds the release binary (or takes `options.binary`) and runs both scenarios (or only the
/// first).
pub fn run(root: &Path, options: Options) -> Result<String, String> {
    let binary = match options.binary.clone() {
        Some(binary) => binary,
        None => build(root)?,
    };
    let dir = std::env::temp_dir().join(format!("mktows-outage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let csv = dir.join("leads.csv");
    write_leads(&csv)?;
    let mut report = format!(
        "binary {}\nfiles in {}\npacing: {}\n",
        binary.display(),
        dir.display(),
        if options.unpaced {
            "off (--unpaced)"
        } else {
            "Marketo's (100 calls per 20 s)"
        }
    );
    let killed = scenario(&binary, &dir, "killed", None, &options)?;
    report.push_str(&killed.render());
    report.push('\n');
    if !options.killed_only {
        let restarted = scenario(&binary, &dir, "restarted", Some(RESTART_AFTER), &options)?;
        report.push_str(&restarted.render());
        report.push('\n');
    }
    Ok(report)
}

/// `cargo build --release -p mktows-cli`, and the binary's path.
fn build(root: &Path) -> Result<PathBuf, String> {
    eprintln!("cargo build --release -p mktows-cli ...");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "-p", "mktows-cli"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo build --release -p mktows-cli failed".into());
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    Ok(target.join("release").join("mktows"))
}

/// The CSV: `Email,FirstName,LastName`, one lead per line.
fn write_leads(path: &Path) -> Result<(), String> {
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let mut write = || -> std::io::Result<()> {
        writeln!(out, "Email,FirstName,LastName")?;
        for i in 0..LEADS {
            writeln!(out, "lead{i}@outage.example,First{i},Last{i}")?;
        }
        out.flush()
    };
    write().map_err(|e| format!("{}: {e}", path.display()))
}

/// A port nobody listens on a moment ago.
fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// Starts `mktows sandbox` and waits for its banner; returns it and its endpoint.
fn start_sandbox(
    binary: &Path,
    port: u16,
    data: &Path,
    log: &Path,
) -> Result<(Child, String), String> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|e| format!("{}: {e}", log.display()))?;
    let mut child = Command::new(binary)
        .args(["sandbox", "--port", &port.to_string(), "--data"])
        .arg(data)
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let endpoint = loop {
        match lines.next() {
            Some(Ok(line)) => {
                if let Some(url) = line.trim().strip_prefix("MKTOWS_ENDPOINT=") {
                    break url.to_owned();
                }
            }
            _ => {
                let _ = child.kill();
                return Err("the sandbox exited before printing its endpoint".into());
            }
        }
    };
    // Keep reading so the sandbox never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Ok((child, endpoint))
}

/// One scenario: sync, kill at [`KILL_AFTER`] (or `kill_at_leads`), restart after `restart`
/// if given.
fn scenario(
    binary: &Path,
    dir: &Path,
    name: &'static str,
    restart: Option<Duration>,
    options: &Options,
) -> Result<Measured, String> {
    let port = free_port()?;
    let data = dir.join(format!("{name}.db"));
    let sandbox_log = dir.join(format!("{name}-sandbox.log"));
    let (mut sandbox, endpoint) = start_sandbox(binary, port, &data, &sandbox_log)?;
    let out = dir.join(format!("{name}-results.jsonl"));
    let progress = dir.join(format!("{name}-progress.log"));
    let create = |p: &Path| std::fs::File::create(p).map_err(|e| format!("{}: {e}", p.display()));
    eprintln!("{name}: syncing {LEADS} leads to {endpoint} ...");
    let started = Instant::now();
    let mut sync = Command::new(binary)
        .args([
            "sync",
            "--json",
            "--progress-interval",
            "2",
            "--endpoint",
            &endpoint,
        ])
        .args([
            "--user-id",
            mktows_sandbox_user(),
            "--encryption-key",
            mktows_sandbox_key(),
        ])
        .args(options.unpaced.then_some("--unpaced"))
        .arg(dir.join("leads.csv"))
        .stdout(create(&out)?)
        .stderr(create(&progress)?)
        .spawn()
        .map_err(|e| format!("cannot start the sync: {e}"))?;
    match options.kill_at_leads {
        Some(leads) => wait_for_results(&out, leads, &mut sync)?,
        None => std::thread::sleep(KILL_AFTER),
    }
    sandbox
        .kill()
        .map_err(|e| format!("cannot kill the sandbox: {e}"))?;
    let killed = Instant::now();
    let _ = sandbox.wait();
    let reported_at_kill = std::fs::read(&out)
        .map(|t| t.iter().filter(|&&b| b == b'\n').count())
        .unwrap_or(0);
    eprintln!(
        "{name}: sandbox killed (SIGKILL) {:.1} s in",
        started.elapsed().as_secs_f64()
    );
    let mut restarted = None;
    if let Some(after) = restart {
        std::thread::sleep(after);
        let (child, _) = start_sandbox(binary, port, &data, &sandbox_log)?;
        eprintln!("{name}: sandbox restarted on port {port} with the same data");
        restarted = Some(child);
    }
    let status = sync.wait().map_err(|e| format!("the sync: {e}"))?;
    let kill_to_exit = killed.elapsed();
    let total = started.elapsed();
    if let Some(mut child) = restarted {
        let _ = child.kill();
        let _ = child.wait();
    }
    Ok(Measured {
        scenario: name,
        kill_to_exit,
        total,
        reported_at_kill,
        fates: fates(&out)?,
        exit_code: status.code(),
        unreachable_line: first_line_with(&progress, "unreachable since")?,
    })
}

/// Waits until `results` holds `leads` lines (or the sync ended, or a minute passed).
fn wait_for_results(results: &Path, leads: usize, sync: &mut Child) -> Result<(), String> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        let text = std::fs::read(results).map_err(|e| format!("{}: {e}", results.display()))?;
        if text.iter().filter(|&&b| b == b'\n').count() >= leads {
            return Ok(());
        }
        if sync
            .try_wait()
            .map_err(|e| format!("the sync: {e}"))?
            .is_some()
        {
            return Err(format!("the sync ended before reporting {leads} leads"));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Err(format!(
        "the sync did not report {leads} leads within a minute"
    ))
}

/// The sandbox's published default user (`mktows_sandbox::DEFAULT_USER_ID`, what
/// `mktows sandbox` accepts without `--user-id`).
fn mktows_sandbox_user() -> &'static str {
    "sandbox_1_0000000000000000000000"
}

/// The sandbox's published default key (`mktows_sandbox::DEFAULT_ENCRYPTION_KEY`).
fn mktows_sandbox_key() -> &'static str {
    "sandbox-encryption-key"
}

/// Leads by fate, from `{"line":..,"fate":"created",...}` lines.
fn fates(path: &Path) -> Result<BTreeMap<String, usize>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut fates = BTreeMap::new();
    for line in text.lines() {
        let fate = line
            .split_once("\"fate\":\"")
            .and_then(|(_, rest)| rest.split_once('"'))
            .map_or("(no fate)", |(fate, _)| fate);
        *fates.entry(fate.to_owned()).or_default() += 1;
    }
    Ok(fates)
}

/// The first line of `path` containing `needle`.
fn first_line_with(path: &Path, needle: &str) -> Result<Option<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text.lines().find(|l| l.contains(needle)).map(str::to_owned))
}
