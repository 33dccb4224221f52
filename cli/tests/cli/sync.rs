//! `mktows sync` as a user meets it, against the sandbox (the store is the ground truth): a
//! header typo stops it before anything is sent; a mixed file gives the grouped summary and an
//! in-order failed file; `--json` lines match the store; progress lines appear when standard
//! error is not a terminal; missing settings are named at once; a closed pipe is quiet.

use std::process::Stdio;

use mktows::types::LeadKeyRef;
use mktows::{Client, Lead};
use mktows_sandbox::{Sandbox, SandboxConfig};

use crate::support::{first_line_then_close, mktows, run, temp, with_sandbox};

async fn run_async(mut command: std::process::Command) -> (bool, String, String) {
    tokio::task::spawn_blocking(move || run(&mut command))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_header_typo_sends_nothing_and_names_the_column() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let csv = temp("typo.csv");
    std::fs::write(&csv, "Emial,FirstName,Compnay\nann@example.com,Ann,Acme\n").unwrap();
    let mut command = mktows();
    command.arg("sync").arg(&csv);
    with_sandbox(&mut command, &sandbox);
    let (ok, out, err) = run_async(command).await;
    assert!(!ok, "{out}");
    assert!(
        err.contains("column \"Emial\" is not a lead field (did you mean \"Email\"?)"),
        "{err}"
    );
    assert!(
        err.contains("column \"Compnay\" is not a lead field (did you mean \"Company\"?)"),
        "{err}"
    );
    assert!(err.contains("nothing was sent"), "{err}");
    assert_eq!(sandbox.lead_count(), 0, "nothing was sent");

    // No key column at all: found before the first request too.
    let keyless = temp("keyless.csv");
    std::fs::write(
        &keyless,
        "FirstName,Company
Ann,Acme
",
    )
    .unwrap();
    let mut command = mktows();
    command.arg("sync").arg(&keyless);
    with_sandbox(&mut command, &sandbox);
    let (ok, _, err) = run_async(command).await;
    assert!(!ok);
    assert!(
        err.contains("no key column: a lead needs Id, Email or ForeignSysPersonId (columns: FirstName, Company)"),
        "{err}"
    );
    assert_eq!(sandbox.lead_count(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mixed_file_gives_a_grouped_summary_and_an_in_order_failed_file() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let csv = temp("mixed.csv");
    // Line 3 has too few fields; lines 4 and 6 set a field the sandbox does not know (sent with
    // --no-check, so the service rejects them lead by lead).
    std::fs::write(
        &csv,
        "Email,FirstName,Company,pants\n\
         ann@example.com,Ann,Acme,\n\
         bo@example.com,Bo\n\
         cy@example.com,Cy,Corp,corduroy\n\
         di@example.com,Di,Dyn,\n\
         ed@example.com,Ed,Eon,chinos\n",
    )
    .unwrap();
    let failed = temp("mixed-failed.csv");
    let mut command = mktows();
    command
        .arg("sync")
        .arg(&csv)
        .arg("--no-check")
        .arg("--failed")
        .arg(&failed);
    with_sandbox(&mut command, &sandbox);
    let (ok, _, err) = run_async(command).await;
    assert!(!ok, "failures give a non-zero exit");
    assert!(
        err.contains("created 2, updated 0, unreadable 1, rejected 2"),
        "{err}"
    );
    assert!(
        err.contains("2 × Unknown lead field: pants (first at line 4)"),
        "{err}"
    );
    assert!(err.contains("mixed.csv:3: malformed CSV"), "{err}");
    let failures = std::fs::read_to_string(&failed).unwrap();
    let lines: Vec<&str> = failures.lines().collect();
    assert_eq!(lines[0], "line,fate,reason,input");
    assert!(lines[1].starts_with("3,unreadable,"), "{failures}");
    assert!(
        lines[2].starts_with("4,rejected,Unknown lead field: pants,"),
        "{failures}"
    );
    assert!(lines[3].starts_with("6,rejected,"), "{failures}");
    assert_eq!(lines.len(), 4, "{failures}");
    assert_eq!(sandbox.lead_count(), 2);

    // JSON lines, all good: exit 0.
    let jsonl = temp("good.jsonl");
    std::fs::write(
        &jsonl,
        "{\"Email\":\"ann@example.com\",\"LastName\":\"Lee\"}\n\n{\"Email\":\"fay@example.com\"}\n",
    )
    .unwrap();
    let mut command = mktows();
    command.arg("sync").arg(&jsonl);
    with_sandbox(&mut command, &sandbox);
    let (ok, out, err) = run_async(command).await;
    assert!(ok, "{out}{err}");
    assert!(err.contains("created 1, updated 1"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn json_lines_match_the_store_and_progress_shows_off_a_terminal() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let csv = temp("many.csv");
    let mut text = String::from("Email,FirstName\n");
    for i in 0..700 {
        text.push_str(&format!("lead{i}@example.com,N{i}\n"));
    }
    std::fs::write(&csv, text).unwrap();
    let mut command = mktows();
    command
        .arg("sync")
        .arg(&csv)
        .args(["--json", "--unpaced", "--progress-interval", "0"]);
    with_sandbox(&mut command, &sandbox);
    let (ok, out, err) = run_async(command).await;
    assert!(ok, "{err}");
    assert!(
        err.contains("progress: 700/700 leads (700 synced)"),
        "{err}"
    );
    assert!(err.contains("created 700, updated 0"), "{err}");
    let client = Client::new(sandbox.client_config()).unwrap();
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 700);
    for (i, line) in lines.iter().enumerate().step_by(97) {
        assert_eq!(line["line"], i + 2, "in input order");
        assert_eq!(line["fate"], "created");
        let id = line["leadId"].as_i64().unwrap();
        let stored = client
            .get_lead(LeadKeyRef::Idnum, &id.to_string())
            .await
            .unwrap();
        let lead = Lead::from(stored.into_iter().next().unwrap());
        assert_eq!(lead.email(), Some(format!("lead{i}@example.com").as_str()));
        assert_eq!(lead.attribute("FirstName"), Some(format!("N{i}").as_str()));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_closed_pipe_ends_the_output_not_the_sync() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let csv = temp("piped.csv");
    let mut text = String::from("Email\n");
    for i in 0..3000 {
        text.push_str(&format!("p{i}@example.com\n"));
    }
    std::fs::write(&csv, text).unwrap();
    let mut command = mktows();
    command
        .arg("sync")
        .arg(&csv)
        .args(["--json", "--unpaced", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    with_sandbox(&mut command, &sandbox);
    let child = command.spawn().unwrap();
    let (first, status, err) = tokio::task::spawn_blocking(move || first_line_then_close(child))
        .await
        .unwrap();
    assert!(first.contains("\"fate\":\"created\""), "{first}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(status.success(), "{status:?} {err}");
    assert_eq!(sandbox.lead_count(), 3000, "every lead synced");
}

#[test]
fn dry_run_prints_envelopes_without_sending() {
    let csv = temp("dry.csv");
    std::fs::write(&csv, "Email,Company\na@x.com,A\nb@x.com,B\nc@x.com,C\n").unwrap();
    let (ok, out, err) = run(mktows()
        .arg("sync")
        .arg(&csv)
        .arg("--dry-run")
        .arg("--batch-size")
        .arg("2"));
    assert!(ok, "{err}");
    assert_eq!(
        out.matches("<ns1:paramsSyncMultipleLeads>").count(),
        2,
        "{out}"
    );
    assert!(out.contains("SOAPAction: \"http://www.marketo.com/mktows/syncMultipleLeads\""));
    assert!(out.contains("<Email>c@x.com</Email>"));
}

#[test]
fn missing_settings_are_named_at_once_and_an_unreachable_endpoint_is_clear() {
    let (ok, _, err) = run(mktows().args(["get-lead", "--email", "a@x.com"]));
    assert!(!ok);
    assert!(
        err.contains("missing settings: --endpoint (or MKTOWS_ENDPOINT), --user-id (or MKTOWS_USER_ID), --encryption-key (or MKTOWS_ENCRYPTION_KEY)"),
        "{err}"
    );
    let (ok, _, err) = run(mktows()
        .args([
            "get-lead",
            "--email",
            "a@x.com",
            "--endpoint",
            "http://127.0.0.1:9/soap/mktows/2_6",
        ])
        .args(["--user-id", "u", "--encryption-key", "k"]));
    assert!(!ok);
    assert!(err.contains("connection to http://127.0.0.1:9"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn pauses_are_explained_while_they_happen() {
    // The sandbox takes one call a second (20023 beyond); the client paces 3 calls a second:
    // some calls wait for the client's window, some are throttled and retried.
    let config = SandboxConfig {
        limits: mktows_sandbox::SandboxLimits {
            rate: Some((1, std::time::Duration::from_secs(1))),
            ..Default::default()
        },
        ..Default::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let csv = temp("paced.csv");
    let text: String = std::iter::once("Email\n".to_owned())
        .chain((0..4).map(|i| format!("paced{i}@example.com\n")))
        .collect();
    std::fs::write(&csv, text).unwrap();
    let mut command = mktows();
    command
        .arg("sync")
        .arg(&csv)
        .args(["--batch-size", "1", "--rate", "3/1", "--no-check"]);
    with_sandbox(&mut command, &sandbox);
    let (ok, _, err) = run_async(command).await;
    assert!(ok, "{err}");
    assert!(err.contains("for Marketo's rate window"), "{err}");
    assert!(
        err.contains("retrying syncMultipleLeads in") && err.contains("20023"),
        "{err}"
    );
    assert!(err.contains("created 4, updated 0"), "{err}");
    assert_eq!(sandbox.lead_count(), 4);
}
