//! Running the `mktows` binary in tests: a clean environment, its output, scratch files, and
//! the settings that point it at a sandbox.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};

use mktows_sandbox::Sandbox;

/// The binary, with no `MKTOWS_*` settings or `RUST_LOG` inherited.
pub fn mktows() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mktows"));
    for var in [
        "MKTOWS_ENDPOINT",
        "MKTOWS_USER_ID",
        "MKTOWS_ENCRYPTION_KEY",
        "RUST_LOG",
    ] {
        command.env_remove(var);
    }
    command
}

/// Runs it: (success, stdout, stderr).
pub fn run(command: &mut Command) -> (bool, String, String) {
    let output = command.output().expect("mktows runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A scratch file path for this test process.
pub fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mktows-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Points `command` at `sandbox` through the environment.
pub fn with_sandbox(command: &mut Command, sandbox: &Sandbox) {
    command
        .env("MKTOWS_ENDPOINT", sandbox.url())
        .env("MKTOWS_USER_ID", &sandbox.credentials().user_id)
        .env(
            "MKTOWS_ENCRYPTION_KEY",
            sandbox.credentials().encryption_key(),
        );
}

/// Every sample envelope file of the tests' data (`seeds`, `marketo-docs`, `captured`),
/// sorted; two are truncated at the source.
pub fn samples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data");
    let mut files = Vec::new();
    for dir in ["seeds", "marketo-docs", "captured"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            files.push(entry.unwrap().path());
        }
    }
    files.sort();
    files
}

/// Reads the first line `child` writes to its piped stdout, closes the pipe (a reader that
/// goes away, like `| head -1`), and waits: (first line, exit status, stderr).
pub fn first_line_then_close(mut child: Child) -> (String, ExitStatus, String) {
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout piped"))
        .read_line(&mut first)
        .unwrap();
    let status = child.wait().unwrap();
    let mut err = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        stderr.read_to_string(&mut err).unwrap();
    }
    (first, status, err)
}

/// A `mktows sandbox` process and what its banner said.
pub struct SpawnedSandbox {
    /// The `mktows sandbox` process.
    pub child: std::process::Child,
    /// Its SOAP endpoint.
    pub endpoint: String,
    /// Leads loaded from the database.
    pub loaded: usize,
    /// The lines of its banner.
    pub banner: Vec<String>,
}

/// Starts `mktows sandbox` on `data` with `extra` arguments and reads its banner.
pub fn spawn_sandbox(data: &Path, extra: &[&str]) -> SpawnedSandbox {
    let mut child = mktows()
        .args(["sandbox", "--port", "0", "--data"])
        .arg(data)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut endpoint = None;
    let mut banner = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(url) = line.trim().strip_prefix("MKTOWS_ENDPOINT=") {
            endpoint = Some(url.to_owned());
        }
        // "leads kept in PATH (N loaded)" closes the banner.
        let loaded = line
            .split('(')
            .nth(1)
            .and_then(|r| r.strip_suffix(" loaded)"))
            .map(|n| n.parse().unwrap());
        banner.push(line);
        if let Some(loaded) = loaded {
            return SpawnedSandbox {
                child,
                endpoint: endpoint.expect("endpoint first"),
                loaded,
                banner,
            };
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the sandbox did not print its banner");
}

/// A client of a spawned sandbox with the default credentials.
pub fn sandbox_client(endpoint: &str) -> mktows::Client {
    mktows::Client::new(mktows::ClientConfig::new(
        endpoint,
        mktows::signing::Credentials::new(
            mktows_sandbox::DEFAULT_USER_ID,
            mktows_sandbox::DEFAULT_ENCRYPTION_KEY,
        ),
    ))
    .unwrap()
}
