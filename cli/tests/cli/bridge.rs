//! `mktows bridge` run as an operator would: configured from the environment, it serves SOAP
//! over an in-process sandbox's REST API, logs one line per call without secrets, refuses to
//! start without its settings, and stops cleanly on Ctrl-C (SIGINT).

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mktows::signing::Credentials;
use mktows::{Client, ClientConfig, LeadKey, LeadSync};
use mktows_sandbox::{DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Sandbox, SandboxConfig};

const KEY: &str = "bridge-cli-secret-key";

fn mktows() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mktows"));
    for var in [
        "MKTOWS_REST_ENDPOINT",
        "MKTOWS_IDENTITY_ENDPOINT",
        "MKTOWS_CLIENT_ID",
        "MKTOWS_CLIENT_SECRET",
        "MKTOWS_BRIDGE_USER_ID",
        "MKTOWS_BRIDGE_ENCRYPTION_KEY",
        "RUST_LOG",
    ] {
        command.env_remove(var);
    }
    command
}

#[test]
fn bridge_without_settings_names_what_is_missing() {
    let output = mktows().args(["bridge", "--port", "0"]).output().unwrap();
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("--rest-endpoint (MKTOWS_REST_ENDPOINT)"),
        "{err}"
    );
    assert!(err.contains("--client-secret"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bridge_serves_soap_over_rest_logs_calls_and_stops_on_ctrl_c() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let mut child = mktows()
        .args(["bridge", "--port", "0", "--unpaced"])
        .env("MKTOWS_REST_ENDPOINT", sandbox.rest_endpoint())
        .env("MKTOWS_IDENTITY_ENDPOINT", sandbox.identity_endpoint())
        .env("MKTOWS_CLIENT_ID", DEFAULT_CLIENT_ID)
        .env("MKTOWS_CLIENT_SECRET", DEFAULT_CLIENT_SECRET)
        .env("MKTOWS_BRIDGE_USER_ID", "cli_user")
        .env("MKTOWS_BRIDGE_ENCRYPTION_KEY", KEY)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (banner, endpoint) = tokio::task::spawn_blocking(move || {
        let mut banner = String::new();
        let mut endpoint = None;
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            banner.push_str(&line);
            banner.push('\n');
            if let Some(url) = line.trim().strip_prefix("SOAP endpoint: ") {
                endpoint = Some(url.to_owned());
            }
            if line.trim().starts_with("Marketo REST:") {
                break;
            }
        }
        (banner, endpoint)
    })
    .await
    .unwrap();
    let endpoint = endpoint.unwrap_or_else(|| panic!("no endpoint in {banner}"));
    assert!(banner.contains("?WSDL"), "{banner}");
    assert!(
        !banner.contains(KEY) && !banner.contains(DEFAULT_CLIENT_SECRET),
        "{banner}"
    );
    let client = Client::new(
        ClientConfig::new(endpoint, Credentials::new("cli_user", KEY))
            .limits(mktows::client::Limits::unlimited(4)),
    )
    .unwrap();
    let synced = client
        .sync_lead(
            LeadSync::new(LeadKey::Email("cli@bridge.test".into())).attribute("City", "Oslo"),
        )
        .await
        .unwrap();
    assert!(synced.lead_id > 0);
    assert_eq!(sandbox.lead_count(), 1);
    // Ctrl-C: a clean stop.
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the bridge did not stop"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    let call = log
        .lines()
        .find(|l| l.contains("operation=\"syncLead\""))
        .unwrap_or_else(|| panic!("one log line per call: {log}"));
    assert!(
        call.contains("leads=1") && call.contains("rest_calls=3") && call.contains("ms="),
        "{call}"
    );
    assert!(
        !log.contains(KEY) && !log.contains(DEFAULT_CLIENT_SECRET),
        "{log}"
    );
}
