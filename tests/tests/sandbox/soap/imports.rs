//! `importToList` and `getImportToListStatus` on the sandbox (`sandbox/src/soap/imports.rs`):
//! what is stored afterwards (fields, list members, activity, across a restart), each documented
//! fault with nothing changed, and every response judged by xmllint against the WSDL's schema.

use std::time::Duration;

use mktows::operations::{GetImportToListStatus, ImportToList};
use mktows::types::*;
use mktows::xml::Nillable;
use mktows::{Client, Lead};
use mktows_sandbox::Sandbox;
use mktows_tests::soap::{Judge, exchange};

use super::{IMPORT_TIME, activity_types, config, lead, members, temp_db};

fn import(
    header: &str,
    rows: &[&str],
    mode: ImportToListModeEnum,
    clear: bool,
) -> ParamsImportToList {
    ParamsImportToList::new(
        "Sandbox Program",
        header,
        ArrayOfString {
            string_item: rows.iter().map(|r| r.to_string()).collect(),
        },
        mode,
        "Attendees",
        clear,
        Nillable::Nil,
    )
}

fn status(program: &str, list: &str) -> ParamsGetImportToListStatus {
    ParamsGetImportToListStatus {
        program_name: Some(program.into()),
        list_name: Some(list.into()),
    }
}

/// Polls until the import is COMPLETE (PROCESSING first), returning the final status.
async fn complete(
    client: &Client,
    judge: &mut Judge,
    since: std::time::Instant,
) -> ResultGetImportToListStatus {
    let mut seen_processing = false;
    for _ in 0..50 {
        let answer =
            exchange::<GetImportToListStatus>(client, &status("Sandbox Program", "Attendees"))
                .await;
        let result = answer.output().result.clone();
        match result.status {
            ImportToListStatusEnum::Processing => {
                if !seen_processing {
                    judge.keep("processing", &answer);
                }
                seen_processing = true;
                assert!(
                    result
                        .rows_imported
                        .as_ref()
                        .is_none_or(|r| r.value().is_none())
                );
            }
            ImportToListStatusEnum::Complete => {
                judge.keep("complete", &answer);
                // PROCESSING until the import time has passed (a slow machine may first ask
                // after it has).
                assert!(
                    seen_processing || since.elapsed() >= IMPORT_TIME,
                    "COMPLETE before the import time passed"
                );
                return result;
            }
            other => panic!("import status {other}"),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("import never completed");
}

fn count(value: &Option<Nillable<i32>>) -> i32 {
    value
        .as_ref()
        .and_then(|v| v.value().copied())
        .unwrap_or(-1)
}

/// A sandbox (on `data`, if given) with Ada, then an UPSERTLEADS import with display names and
/// SOAP names, quoted cells, an update, a new lead and two bad rows, polled to COMPLETE: the
/// counts and the failed rows named are checked. Returns Ada's id.
async fn imported(data: Option<std::path::PathBuf>) -> (Sandbox, Client, Judge, i32) {
    let sandbox = Sandbox::start(config(data)).await.unwrap();
    let client = Client::new(sandbox.client_config()).unwrap();
    let mut judge = Judge::default();
    let ada = client
        .sync_lead(
            Lead::by_email("ada@example.com")
                .with_attribute("FirstName", "Ada")
                .with_attribute("City", "London"),
        )
        .await
        .unwrap()
        .lead_id;
    let since = std::time::Instant::now();
    let answer = exchange::<ImportToList>(
        &client,
        &import(
            "Email Address,First Name,LastName,City",
            &[
                "ada@example.com,,Lovelace,",
                "\"grace@example.com\",Grace,\"Hopper, USN\",Arlington",
                ",Nobody,Nowhere,",
                "short@example.com,Short",
            ],
            ImportToListModeEnum::Upsertleads,
            false,
        ),
    )
    .await;
    judge.keep("import", &answer);
    assert_eq!(
        answer.output().result.import_status,
        ImportToListStatusEnum::Processing
    );
    let done = complete(&client, &mut judge, since).await;
    assert_eq!(count(&done.estimated_rows), 4);
    assert_eq!(count(&done.rows_imported), 2);
    assert_eq!(count(&done.rows_failed), 2);
    assert_eq!(count(&done.rows_ignored), 0);
    let summary = done.import_summary.and_then(Nillable::into_value).unwrap();
    assert!(summary.contains("row 3: no Email Address"), "{summary}");
    assert!(
        summary.contains("row 4: 2 values for 4 columns"),
        "{summary}"
    );

    (sandbox, client, judge, ada)
}

async fn grace(client: &Client) -> i32 {
    let grace = client
        .get_lead(LeadKeyRef::Email, "grace@example.com")
        .await
        .unwrap();
    grace[0].id.clone().and_then(Nillable::into_value).unwrap()
}

/// LISTONLY with clearList: the list is emptied, known emails join, unknown are ignored.
async fn list_only(sandbox: &Sandbox, client: &Client, judge: &mut Judge, ada: i32, grace_id: i32) {
    let since = std::time::Instant::now();
    let answer = exchange::<ImportToList>(
        client,
        &import(
            "Email",
            &["grace@example.com", "stranger@example.com"],
            ImportToListModeEnum::Listonly,
            true,
        ),
    )
    .await;
    judge.keep("list only", &answer);
    let done = complete(client, judge, since).await;
    assert_eq!(
        (count(&done.rows_imported), count(&done.rows_ignored)),
        (1, 1)
    );
    assert_eq!(
        members(client, "Attendees", &[ada, grace_id]).await,
        [false, true]
    );
    assert_eq!(sandbox.lead_count(), 2);
}

#[tokio::test]
async fn an_upsert_import_counts_its_rows_and_names_each_failed_row() {
    let (_sandbox, _client, judge, _) = imported(None).await;
    judge.validate("imports-upsert");
}

#[tokio::test]
async fn imported_rows_keep_values_for_empty_cells_and_join_the_list() {
    let (sandbox, client, judge, ada) = imported(None).await;
    // Empty cells left Ada's values alone; Grace was created with hers; both joined the list.
    let (_, fields) = lead(&client, ada).await.unwrap();
    assert_eq!(fields.get("FirstName").map(String::as_str), Some("Ada"));
    assert_eq!(fields.get("LastName").map(String::as_str), Some("Lovelace"));
    assert_eq!(fields.get("City").map(String::as_str), Some("London"));
    let grace_id = grace(&client).await;
    let (_, fields) = lead(&client, grace_id).await.unwrap();
    assert_eq!(
        fields.get("LastName").map(String::as_str),
        Some("Hopper, USN")
    );
    assert_eq!(sandbox.lead_count(), 2);
    assert_eq!(
        members(&client, "Attendees", &[ada, grace_id]).await,
        [true, true]
    );
    assert!(
        activity_types(&client, grace_id)
            .await
            .contains(&"Add to List".to_owned())
    );

    judge.validate("imports-fields");
}

#[tokio::test]
async fn list_only_with_clear_list_empties_the_list_and_ignores_unknown_emails() {
    let (sandbox, client, mut judge, ada) = imported(None).await;
    let grace_id = grace(&client).await;
    list_only(&sandbox, &client, &mut judge, ada, grace_id).await;
    judge.validate("imports-list-only");
}

#[tokio::test]
async fn import_faults_change_nothing() {
    let (sandbox, client, mut judge, _) = imported(None).await;
    // Faults, each changing nothing.
    let with = |edit: &dyn Fn(&mut ParamsImportToList)| {
        let mut p = import(
            "Email Address,First Name",
            &["new@example.com,New"],
            ImportToListModeEnum::Upsertleads,
            false,
        );
        edit(&mut p);
        p
    };
    let cases = [
        ("program", with(&|p| p.program_name = "Nope".into()), 20110),
        ("list", with(&|p| p.list_name = "Nope".into()), 20111),
        (
            "column",
            with(&|p| p.import_file_header = "Email Address,Shoe Size".into()),
            20105,
        ),
        (
            "twice",
            with(&|p| p.import_file_header = "Email,Email Address".into()),
            20110,
        ),
        (
            "no email",
            with(&|p| p.import_file_header = "First Name,Last Name".into()),
            20110,
        ),
        (
            "token",
            with(&|p| p.import_file_header = "Email,{{my.greeting}}".into()),
            20110,
        ),
        (
            "campaign",
            with(&|p| p.campaign_name = Nillable::Value("Nope".into())),
            20113,
        ),
    ];
    for (label, params, code) in cases {
        let answer = exchange::<ImportToList>(&client, &params).await;
        judge.keep(label, &answer);
        assert_eq!(answer.fault_code(), code, "{label}");
    }
    assert_eq!(sandbox.lead_count(), 2);
    let unknown =
        exchange::<GetImportToListStatus>(&client, &status("Sandbox Program", "Customers")).await;
    judge.keep("no such import", &unknown);
    assert_eq!(unknown.fault_code(), 20110);
    let missing = exchange::<GetImportToListStatus>(
        &client,
        &ParamsGetImportToListStatus {
            program_name: Some("Sandbox Program".into()),
            list_name: None,
        },
    )
    .await;
    judge.keep("missing list", &missing);
    assert_eq!(missing.fault_code(), 20109);
    judge.validate("imports-faults");
}

#[tokio::test]
async fn the_last_import_and_its_rows_outlive_a_restart() {
    let data = temp_db("import");
    let (sandbox, client, mut judge, ada) = imported(Some(data.clone())).await;
    let grace_id = grace(&client).await;
    list_only(&sandbox, &client, &mut judge, ada, grace_id).await;
    drop(client);
    drop(sandbox);

    // The job and its rows outlive a restart.
    let sandbox = Sandbox::start(config(Some(data))).await.unwrap();
    let client = Client::new(sandbox.client_config()).unwrap();
    let answer =
        exchange::<GetImportToListStatus>(&client, &status("Sandbox Program", "Attendees")).await;
    assert_eq!(
        answer.output().result.status,
        ImportToListStatusEnum::Complete
    );
    assert_eq!(count(&answer.output().result.rows_ignored), 1);
    assert_eq!(members(&client, "Attendees", &[grace_id]).await, [true]);
    judge.validate("imports-restart");
}
