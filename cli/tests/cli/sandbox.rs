//! `mktows sandbox` (`cli/src/sandbox.rs`) as a process: acknowledged syncs survive `kill -9`
//! (also mid-sync: every lead's outcome true against the store after the restart), the static
//! lists and fixture it is given, and only a defaulted encryption key printed.

use std::path::Path;

use crate::support::{SpawnedSandbox, mktows, run, sandbox_client, spawn_sandbox, temp};

#[tokio::test(flavor = "multi_thread")]
async fn acknowledged_syncs_survive_kill_9() {
    let data = temp("durable.sqlite");
    let _ = std::fs::remove_file(&data);
    let SpawnedSandbox {
        mut child,
        endpoint,
        loaded,
        ..
    } = spawn_sandbox(&data, &[]);
    assert_eq!(loaded, 0);
    let client = sandbox_client(&endpoint);
    let leads: Vec<_> = (0..1000)
        .map(|i| mktows::types::LeadRecord {
            email: Some(mktows::xml::Nillable::Value(format!("k{i}@x.com"))),
            ..Default::default()
        })
        .collect();
    let report = client.sync_multiple_leads(leads, Some(true)).await;
    assert_eq!(report.counts().created, 1000);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let SpawnedSandbox {
        mut child,
        endpoint,
        loaded,
        ..
    } = spawn_sandbox(&data, &[]);
    assert_eq!(
        loaded, 1000,
        "every acknowledged lead is there after kill -9"
    );
    let data_path = data.clone();
    let (ok, out, err) = tokio::task::spawn_blocking(move || {
        run(mktows()
            .args(["get-lead", "--email", "k999@x.com", "--endpoint", &endpoint])
            .args([
                "--user-id",
                mktows_sandbox::DEFAULT_USER_ID,
                "--encryption-key",
                mktows_sandbox::DEFAULT_ENCRYPTION_KEY,
            ]))
    })
    .await
    .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(ok, "{err}");
    assert!(out.contains("k999@x.com"), "{out}");
    let _ = std::fs::remove_file(data_path);
}

#[tokio::test(flavor = "multi_thread")]
async fn sandbox_serves_the_static_lists_it_is_given() {
    let data = temp("lists.sqlite");
    let _ = std::fs::remove_file(&data);
    let SpawnedSandbox {
        mut child,
        endpoint,
        banner,
        ..
    } = spawn_sandbox(&data, &["--list", "Trade Show", "--list", "Newsletter"]);
    assert!(
        banner
            .iter()
            .any(|l| l.trim() == "static lists: Trade Show, Newsletter"),
        "{banner:?}"
    );
    let client = sandbox_client(&endpoint);
    let id = client
        .sync_lead(mktows::LeadSync::new(mktows::LeadKey::Email(
            "l@x.com".into(),
        )))
        .await
        .unwrap()
        .lead_id;
    let add = |list: &str| -> mktows::types::ParamsListOperation {
        serde_json::from_value(serde_json::json!({
            "listOperation": "ADDTOLIST",
            "listKey": {"keyType": "MKTOLISTNAME", "keyValue": list},
            "listMemberList": {"leadKey": [{"keyType": "IDNUM", "keyValue": id.to_string()}]},
        }))
        .unwrap()
    };
    let client = &client;
    let call = |params| async move {
        client
            .call::<mktows::operations::ListOperation>(
                &Default::default(),
                &params,
                mktows::client::Idempotency::Idempotent,
            )
            .await
    };
    let added = call(add("Trade Show")).await.unwrap();
    assert!(added.result.success);
    let err = call(add("Unlisted")).await.unwrap_err();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(err.code(), Some(mktows::ErrorCode::ListNotFound));
    let _ = std::fs::remove_file(data);
}

#[test]
fn sandbox_prints_only_the_default_encryption_key() {
    let data = temp("keys.sqlite");
    let _ = std::fs::remove_file(&data);
    let SpawnedSandbox {
        mut child, banner, ..
    } = spawn_sandbox(&data, &[]);
    child.kill().unwrap();
    child.wait().unwrap();
    let text = banner.join("\n");
    assert!(
        text.contains(&format!(
            "MKTOWS_ENCRYPTION_KEY={}",
            mktows_sandbox::DEFAULT_ENCRYPTION_KEY
        )),
        "{text}"
    );
    let SpawnedSandbox {
        mut child, banner, ..
    } = spawn_sandbox(&data, &["--encryption-key", "chosen-secret-123"]);
    child.kill().unwrap();
    child.wait().unwrap();
    let text = banner.join("\n");
    assert!(!text.contains("chosen-secret-123"), "{text}");
    assert!(
        !text.contains(mktows_sandbox::DEFAULT_ENCRYPTION_KEY),
        "{text}"
    );
    let _ = std::fs::remove_file(data);
}

/// Syncs 5,000 leads (batches of 50, deduplication off: nothing that may have been applied is
/// sent again) to a sandbox spawned on `data`, and kills it with SIGKILL once it has committed
/// a few batches. Returns the emails and the report: one outcome per lead, some not successes.
async fn sync_killed_mid_way(data: &Path) -> (Vec<String>, mktows::BatchReport) {
    use mktows::client::{Limits, RetryPolicy};
    let wal = data.with_extension("sqlite-wal");
    let _ = std::fs::remove_file(data);
    let _ = std::fs::remove_file(&wal);
    let SpawnedSandbox {
        mut child,
        endpoint,
        ..
    } = spawn_sandbox(data, &[]);
    let config = mktows::ClientConfig::new(
        endpoint,
        mktows::signing::Credentials::new(
            mktows_sandbox::DEFAULT_USER_ID,
            mktows_sandbox::DEFAULT_ENCRYPTION_KEY,
        ),
    )
    .batch_size(50)
    .limits(Limits::unlimited(4))
    .retry(RetryPolicy {
        max_attempts: 2,
        base_delay: std::time::Duration::from_millis(5),
        max_delay: std::time::Duration::from_millis(10),
        connect_attempts: 2,
        connect_delay: std::time::Duration::from_millis(5),
    });
    let client = mktows::Client::new(config).unwrap();
    let emails: Vec<String> = (0..5_000).map(|i| format!("kill{i}@x.com")).collect();
    let leads: Vec<mktows::Lead> = emails.iter().map(mktows::Lead::by_email).collect();
    // Deduplication off: nothing that may have been applied is sent again.
    let sync = tokio::spawn(async move { client.sync_multiple_leads(leads, Some(false)).await });
    // Kill the server once it has committed a few batches (its write-ahead log has grown).
    let initial = std::fs::metadata(&wal).map_or(0, |m| m.len());
    let started = std::time::Instant::now();
    while std::fs::metadata(&wal).map_or(0, |m| m.len()) < initial + 64 * 1024
        && started.elapsed().as_secs() < 20
    {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let waited = started.elapsed();
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let report = sync.await.unwrap();
    eprintln!(
        "killed after {waited:?}: {} synced, {:?}",
        report.outcomes.iter().filter(|o| o.is_success()).count(),
        report.counts()
    );
    assert_eq!(report.outcomes.len(), emails.len(), "one outcome per lead");
    assert!(
        report.outcomes.iter().any(|o| !o.is_success()),
        "the kill happened mid-sync"
    );

    (emails, report)
}

/// Every lead of `emails` the sandbox on `data` holds after a restart (by email: its id, each
/// stored once), and how many leads it says it loaded.
async fn stored_after_restart(
    data: &Path,
    emails: &[String],
) -> (std::collections::HashMap<String, i32>, usize) {
    use mktows::types::LeadKeyRef;
    let SpawnedSandbox {
        mut child,
        endpoint,
        loaded,
        ..
    } = spawn_sandbox(data, &[]);
    let store = sandbox_client(&endpoint);
    let mut stored = std::collections::HashMap::new();
    for chunk in emails.chunks(100) {
        let mut position: Option<String> = None;
        loop {
            let params = mktows::types::ParamsGetMultipleLeads {
                lead_selector: Some(mktows::types::LeadSelector::LeadKeySelector(
                    mktows::types::LeadKeySelector::new(
                        LeadKeyRef::Email,
                        mktows::types::ArrayOfString {
                            string_item: chunk.to_vec(),
                        },
                    ),
                )),
                stream_position: position.take().map(mktows::xml::Nillable::Value),
                ..Default::default()
            };
            let page = store
                .api()
                .get_multiple_leads(Default::default(), params)
                .await
                .unwrap()
                .result;
            for record in page
                .lead_record_list
                .and_then(mktows::xml::Nillable::into_value)
                .map(|l| l.lead_record)
                .unwrap_or_default()
            {
                let lead = mktows::Lead::from(record);
                let email = lead.email().unwrap().to_owned();
                assert!(
                    stored.insert(email.clone(), lead.id().unwrap()).is_none(),
                    "{email} stored twice"
                );
            }
            if page.remaining_count <= 0 || page.new_stream_position.is_empty() {
                break;
            }
            position = Some(page.new_stream_position);
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    (stored, loaded)
}

#[tokio::test(flavor = "multi_thread")]
async fn after_kill_9_mid_sync_every_outcome_is_true_against_the_store() {
    use mktows::OutcomeClass;
    let data = temp("killed.sqlite");
    let (emails, report) = sync_killed_mid_way(&data).await;
    let (stored, loaded) = stored_after_restart(&data, &emails).await;
    assert_eq!(stored.len(), loaded);
    for (email, outcome) in emails.iter().zip(&report.outcomes) {
        match outcome.class() {
            None => assert_eq!(
                stored.get(email).copied(),
                outcome.lead_id(),
                "{email}: acknowledged lead lost or with another id"
            ),
            Some(OutcomeClass::NotSent | OutcomeClass::Rejected) => {
                assert!(
                    !stored.contains_key(email),
                    "{email}: reported not applied, stored"
                )
            }
            Some(OutcomeClass::MayHaveBeenApplied) => {}
        }
    }
    let _ = std::fs::remove_file(data);
}

#[tokio::test(flavor = "multi_thread")]
async fn sandbox_fixture_is_loaded_saved_and_found_again() {
    let data = temp("fixture.sqlite");
    let _ = std::fs::remove_file(&data);
    let fixture = temp("fixture.toml");
    std::fs::write(
        &fixture,
        "lists = [\"Attendees\"]\n[[fields]]\nname = \"ShoeSize\"\ntype = \"integer\"\n\
         [[programs]]\nname = \"P\"\n[[campaigns]]\nid = 7\nname = \"C\"\nprogram = \"P\"\nsources = [\"MKTOWS\"]\n",
    )
    .unwrap();
    let fixture_arg = fixture.display().to_string();
    let SpawnedSandbox {
        mut child,
        endpoint,
        banner,
        ..
    } = spawn_sandbox(&data, &["--fixture", &fixture_arg]);
    let line = |banner: &[String], start: &str| {
        banner
            .iter()
            .find(|l| l.trim().starts_with(start))
            .cloned()
            .unwrap_or_else(|| panic!("no {start:?} in {banner:?}"))
    };
    assert!(
        line(&banner, "fixture:").contains("(35 lead fields, 1 programs, 1 campaigns"),
        "{banner:?}"
    );
    let client = sandbox_client(&endpoint);
    let lead = mktows::Lead::by_email("f@x.com").with_attribute("ShoeSize", "44");
    client.sync_lead(lead).await.unwrap();
    child.kill().unwrap();
    child.wait().unwrap();

    // Restarted without --fixture: the saved one, with its field and list.
    let SpawnedSandbox {
        mut child,
        endpoint,
        banner,
        ..
    } = spawn_sandbox(&data, &[]);
    assert!(line(&banner, "fixture:").contains("saved in"), "{banner:?}");
    assert_eq!(
        line(&banner, "static lists:").trim(),
        "static lists: Attendees"
    );
    let client = sandbox_client(&endpoint);
    let lead = mktows::Lead::by_email("g@x.com").with_attribute("ShoeSize", "45");
    let synced = client.sync_lead(lead).await;
    child.kill().unwrap();
    child.wait().unwrap();
    synced.unwrap();

    // A broken fixture is refused with its file and reason.
    std::fs::write(&fixture, "lists = [\"A\", \"A\"]\n").unwrap();
    let (ok, _, err) = tokio::task::spawn_blocking(move || {
        run(mktows()
            .args(["sandbox", "--port", "0", "--fixture"])
            .arg(&fixture))
    })
    .await
    .unwrap();
    assert!(!ok);
    assert!(
        err.contains("fixture.toml") && err.contains("defined twice"),
        "{err}"
    );
    let _ = std::fs::remove_file(data);
}
