//! `mktows sync` as a user meets it, against the sandbox (the store is the ground truth): a
//! header typo stops it before anything is sent; a mixed file gives the grouped summary and an
//! in-order failed file; the failed file (CSV or JSON lines) re-runs exactly its leads once
//! fixed, and "may have been applied" leads are skipped unless re-sending is safe or asked
//! for; `--json` lines match the store; progress lines appear when standard error is not a
//! terminal; missing settings are named at once; a closed pipe is quiet.

use std::process::Stdio;

use mktows::types::LeadKeyRef;
use mktows::{Client, Lead, LeadKey, LeadSync};
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
    assert_eq!(
        failures,
        "Email,FirstName,Company,pants,_fate,_reason,_line\n\
         bo@example.com,Bo,,,unreadable,malformed CSV: 2 fields where the header has 4 (padded with empty fields here),3\n\
         cy@example.com,Cy,Corp,corduroy,rejected,Unknown lead field: pants,4\n\
         ed@example.com,Ed,Eon,chinos,rejected,Unknown lead field: pants,6\n"
    );
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

/// Runs `mktows sync FILE ARGS` against `sandbox`: (success, stderr).
async fn sync(sandbox: &Sandbox, file: &std::path::Path, args: &[&str]) -> (bool, String) {
    let mut command = mktows();
    command.arg("sync").arg(file).args(args);
    with_sandbox(&mut command, sandbox);
    let (ok, _, err) = run_async(command).await;
    (ok, err)
}

/// The stored leads with `email`.
async fn stored(sandbox: &Sandbox, email: &str) -> Vec<Lead> {
    let client = Client::new(sandbox.client_config()).unwrap();
    match client.get_lead(LeadKeyRef::Email, email).await {
        Ok(records) => records.into_iter().map(Lead::from).collect(),
        Err(e) if e.code() == Some(mktows::ErrorCode::LeadNotFound) => Vec::new(),
        Err(e) => panic!("getLead {email}: {e}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_csv_keeps_the_input_header_and_re_runs_exactly_its_leads() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let csv = temp("resume.csv");
    // Lines 3 and 5 name an Id the sandbox does not have: rejected lead by lead. Line 5 spans
    // two lines (a quoted line break).
    std::fs::write(
        &csv,
        "Id,Email,FirstName,Company\n\
         ,ann@example.com,Ann,\"Acme, Inc\"\n\
         999999,bo@example.com,Bo,\"Say \"\"hi\"\"\"\n\
         ,cy@example.com,Cy,Corp\n\
         888888,di@example.com,Di,\"Two\nlines\"\n\
         ,ed@example.com,Ed,Eon\n",
    )
    .unwrap();
    let failed = temp("resume-failed.csv");
    let (ok, err) = sync(&sandbox, &csv, &["--failed", failed.to_str().unwrap()]).await;
    assert!(!ok, "{err}");
    assert!(err.contains("created 3, updated 0, rejected 2"), "{err}");
    let text = std::fs::read_to_string(&failed).unwrap();
    assert_eq!(
        text,
        "Id,Email,FirstName,Company,_fate,_reason,_line\n\
         999999,bo@example.com,Bo,\"Say \"\"hi\"\"\",rejected,No lead found with IDNUM = 999999,3\n\
         888888,di@example.com,Di,\"Two\nlines\",rejected,No lead found with IDNUM = 888888,5\n"
    );
    // The user fixes the rejected values (no Id: matched by email) and syncs the file, with the
    // column check on: the _ columns are not lead fields and do not trip it.
    std::fs::write(
        &failed,
        text.replace("999999,", ",").replace("888888,", ","),
    )
    .unwrap();
    let again = temp("resume-again.csv");
    let (ok, err) = sync(&sandbox, &failed, &["--failed", again.to_str().unwrap()]).await;
    assert!(ok, "{err}");
    assert!(err.contains("created 2, updated 0"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&again).unwrap(),
        "Id,Email,FirstName,Company,_fate,_reason,_line\n"
    );
    assert_eq!(
        sandbox.lead_count(),
        5,
        "exactly the failed leads were sent"
    );
    let bo = stored(&sandbox, "bo@example.com").await;
    assert_eq!(bo.len(), 1);
    assert_eq!(bo[0].attribute("FirstName"), Some("Bo"));
    assert_eq!(bo[0].attribute("Company"), Some("Say \"hi\""));
    let di = stored(&sandbox, "di@example.com").await;
    assert_eq!(di[0].attribute("Company"), Some("Two\nlines"));
    assert_eq!(stored(&sandbox, "ann@example.com").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_json_lines_file_keeps_each_object_and_re_runs_exactly_its_leads() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let jsonl = temp("resume.jsonl");
    std::fs::write(
        &jsonl,
        "{\"Email\":\"fay@example.com\",\"FirstName\":\"Fay\"}\n\
         {\"Id\":777777,\"Email\":\"gus@example.com\",\"Company\":\"G \\\"Co\\\", Ltd\"}\n\
         not json at all\n\
         {\"Email\":\"hal@example.com\"}\n",
    )
    .unwrap();
    let failed = temp("resume-failed.jsonl");
    let (ok, err) = sync(&sandbox, &jsonl, &["--failed", failed.to_str().unwrap()]).await;
    assert!(!ok, "{err}");
    assert!(
        err.contains("created 2, updated 0, unreadable 1, rejected 1"),
        "{err}"
    );
    let text = std::fs::read_to_string(&failed).unwrap();
    assert_eq!(
        text,
        "{\"Id\":777777,\"Email\":\"gus@example.com\",\"Company\":\"G \\\"Co\\\", Ltd\",\
         \"_fate\":\"rejected\",\"_reason\":\"No lead found with IDNUM = 777777\",\"_line\":2}\n\
         not json at all\n"
    );
    let fixed = text.replace("\"Id\":777777,", "").replace(
        "not json at all",
        "{\"Email\":\"ivy@example.com\",\"FirstName\":\"Ivy\"}",
    );
    std::fs::write(&failed, fixed).unwrap();
    let (ok, err) = sync(&sandbox, &failed, &[]).await;
    assert!(ok, "{err}");
    assert!(err.contains("created 2, updated 0"), "{err}");
    assert_eq!(
        sandbox.lead_count(),
        4,
        "exactly the failed leads were sent"
    );
    let gus = stored(&sandbox, "gus@example.com").await;
    assert_eq!(gus.len(), 1);
    assert_eq!(gus[0].attribute("Company"), Some("G \"Co\", Ltd"));
    assert_eq!(
        stored(&sandbox, "ivy@example.com").await[0].attribute("FirstName"),
        Some("Ivy")
    );
    // A failed file named for another format: the run says how to read it back.
    let misnamed = temp("resume-failed-misnamed.csv");
    let (ok, err) = sync(&sandbox, &failed, &["--failed", misnamed.to_str().unwrap()]).await;
    assert!(ok, "{err}");
    assert!(
        err.contains("resume-failed-misnamed.csv will hold JSON lines, the input's format; re-run it with --format jsonl"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn uncertain_leads_are_skipped_unless_resending_is_safe_or_asked_for() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let client = Client::new(sandbox.client_config()).unwrap();
    let kay = LeadSync::new(LeadKey::Email("kay@example.com".into()));
    let kay_id = client.sync_lead(kay).await.unwrap().lead_id;
    // A failed file as an earlier run with deduplication off would leave it.
    let csv = temp("uncertain.csv");
    std::fs::write(
        &csv,
        format!(
            "Id,Email,FirstName,_fate,_reason,_line\n\
             ,may@example.com,May,may_have_been_applied,timed out,2\n\
             ,ned@example.com,Ned,not_sent,connection refused,3\n\
             {kay_id},kay@example.com,Kay,may_have_been_applied,timed out,4\n"
        ),
    )
    .unwrap();
    let failed = temp("uncertain-failed.csv");
    let failed_arg = failed.to_str().unwrap();
    let (ok, err) = sync(
        &sandbox,
        &csv,
        &["--dedup", "false", "--failed", failed_arg],
    )
    .await;
    assert!(!ok, "a skipped lead is not synced: {err}");
    assert!(
        err.contains("uncertain.csv:2: skipped: may have been applied earlier"),
        "listed: {err}"
    );
    assert!(err.contains("--resend-uncertain"), "{err}");
    assert!(err.contains("created 1, updated 1, skipped 1"), "{err}");
    assert!(stored(&sandbox, "may@example.com").await.is_empty());
    let kay = stored(&sandbox, "kay@example.com").await;
    assert_eq!(kay.len(), 1, "keyed by Id: updated, not duplicated");
    assert_eq!(kay[0].attribute("FirstName"), Some("Kay"));
    let text = std::fs::read_to_string(&failed).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[1].starts_with(",may@example.com,May,skipped,\"skipped: may have been applied"),
        "{text}"
    );
    // Skipped stays uncertain: skipped again, until the user says so.
    let (ok, err) = sync(&sandbox, &failed, &["--dedup", "false"]).await;
    assert!(!ok && err.contains("skipped 1"), "{err}");
    assert_eq!(sandbox.lead_count(), 2);
    let (ok, err) = sync(
        &sandbox,
        &failed,
        &["--dedup", "false", "--resend-uncertain"],
    )
    .await;
    assert!(ok, "{err}");
    assert!(err.contains("created 1, updated 0"), "{err}");
    assert_eq!(stored(&sandbox, "may@example.com").await.len(), 1);
    // With deduplication on (the default), re-sending is safe: updated, not duplicated.
    let dedup = temp("uncertain-dedup.csv");
    std::fs::write(
        &dedup,
        "Email,FirstName,_fate\nmay@example.com,Maisie,may_have_been_applied\n",
    )
    .unwrap();
    let (ok, err) = sync(&sandbox, &dedup, &[]).await;
    assert!(ok, "{err}");
    assert!(err.contains("created 0, updated 1"), "{err}");
    let may = stored(&sandbox, "may@example.com").await;
    assert_eq!(may.len(), 1);
    assert_eq!(may[0].attribute("FirstName"), Some("Maisie"));
    assert_eq!(sandbox.lead_count(), 3);
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

    // A failed file: the _ columns are not sent, an uncertain lead is skipped as a run would.
    let resume = temp("dry-resume.csv");
    std::fs::write(
        &resume,
        "Email,_fate,_reason\nu@x.com,may_have_been_applied,timed out\nr@x.com,rejected,bad\n",
    )
    .unwrap();
    let (ok, out, err) =
        run(mktows()
            .arg("sync")
            .arg(&resume)
            .args(["--dry-run", "--dedup", "false"]));
    assert!(ok, "{err}");
    assert!(
        err.contains("dry-resume.csv:2: skipped: may have been applied"),
        "{err}"
    );
    assert!(out.contains("<Email>r@x.com</Email>"), "{out}");
    assert!(
        !out.contains("u@x.com") && !out.contains("_fate") && !out.contains("bad"),
        "{out}"
    );
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
