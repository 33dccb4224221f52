//! `mergeLeads`, `importToList` and `getImportToListStatus` on the sandbox: what is stored
//! afterwards (fields, list members, activity, across a restart), each documented fault with
//! nothing changed, and every response judged by xmllint against the WSDL's schema.

use std::collections::BTreeMap;
use std::time::Duration;

use mktows::operations::{
    GetImportToListStatus, GetLead, GetLeadActivity, ImportToList, MergeLeads,
};
use mktows::types::*;
use mktows::xml::Nillable;
use mktows::{Client, Lead};
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::soap::{Judge, exchange};

/// How long the sandbox reports an import PROCESSING in these tests.
const IMPORT_TIME: Duration = Duration::from_millis(400);

fn config(data: Option<std::path::PathBuf>) -> SandboxConfig {
    SandboxConfig {
        data,
        lists: vec!["Attendees".into(), "Customers".into()],
        import_time: IMPORT_TIME,
        ..SandboxConfig::default()
    }
}

fn temp_db(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mktows-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("sandbox.sqlite");
    let _ = std::fs::remove_file(&data);
    data
}

fn key(key_type: &str, value: impl ToString) -> ArrayOfAttribute {
    ArrayOfAttribute {
        attribute: vec![Attribute {
            attr_name: key_type.into(),
            attr_type: None,
            attr_value: value.to_string(),
        }],
    }
}

fn merge(winner: ArrayOfAttribute, losers: Vec<ArrayOfAttribute>) -> ParamsMergeLeads {
    ParamsMergeLeads::new(winner, ArrayOfKeyList { key_list: losers })
}

/// The stored lead with this id: email and fields, or `None` when getLead says 20103.
async fn lead(client: &Client, id: i32) -> Option<(String, BTreeMap<String, String>)> {
    let got = exchange::<GetLead>(
        client,
        &ParamsGetLead::new(LeadKey::new(LeadKeyRef::Idnum, id.to_string())),
    )
    .await;
    if matches!(got.reply, mktows::xml::Reply::Fault(_)) {
        assert_eq!(got.fault_code(), 20103);
        return None;
    }
    let record = got.output().result.lead_record_list.clone()?.into_value()?;
    let record = record.lead_record.into_iter().next()?;
    let fields = record
        .lead_attribute_list
        .and_then(Nillable::into_value)
        .map(|l| {
            l.attribute
                .into_iter()
                .map(|a| (a.attr_name, a.attr_value))
                .collect()
        })
        .unwrap_or_default();
    let email = record
        .email
        .and_then(Nillable::into_value)
        .unwrap_or_default();
    Some((email, fields))
}

/// The activity types of a lead, newest first.
async fn activity_types(client: &Client, id: i32) -> Vec<String> {
    let page = exchange::<GetLeadActivity>(
        client,
        &ParamsGetLeadActivity::new(LeadKey::new(LeadKeyRef::Idnum, id.to_string())),
    )
    .await;
    page.output()
        .lead_activity_list
        .activity_record_list
        .clone()
        .and_then(Nillable::into_value)
        .map(|l| {
            l.activity_record
                .into_iter()
                .map(|r| r.activity_type)
                .collect()
        })
        .unwrap_or_default()
}

async fn members(client: &Client, list: &str, ids: &[i32]) -> Vec<bool> {
    client
        .list_operation(ListOperationType::Ismemberoflist, list, ids, false)
        .await
        .unwrap()
        .leads
        .into_iter()
        .map(|(_, member)| member)
        .collect()
}

#[tokio::test]
async fn merge_folds_losers_into_the_winner_durably() {
    let data = temp_db("merge");
    let sandbox = Sandbox::start(config(Some(data.clone()))).await.unwrap();
    let client = Client::new(sandbox.client_config()).unwrap();
    let mut judge = Judge::default();
    let sync = |lead: Lead| {
        let client = &client;
        async move { client.sync_lead(lead).await.unwrap().lead_id }
    };
    let winner = sync(Lead::by_email("ada@example.com").with_attribute("FirstName", "Ada")).await;
    let loser1 = sync(
        Lead::by_email("ada.l@example.com")
            .with_attribute("FirstName", "Augusta")
            .with_attribute("LastName", "Lovelace"),
    )
    .await;
    let loser2 =
        sync(Lead::by_email("countess@example.com").with_attribute("City", "London")).await;
    let bystander = sync(Lead::by_email("bob@example.com")).await;
    client
        .list_operation(ListOperationType::Addtolist, "Attendees", &[loser1], false)
        .await
        .unwrap();

    let merged = exchange::<MergeLeads>(
        &client,
        &merge(
            key("IDNUM", winner),
            vec![key("EMAIL", "ada.l@example.com"), key("IDNUM", loser2)],
        ),
    )
    .await;
    judge.keep("merge", &merged);
    let status = &merged.output().result.merge_status;
    assert_eq!(status.status, LeadMergeStatusEnum::Merged);
    assert_eq!(status.winning_lead_id, Some(Nillable::Value(winner)));
    assert_eq!(
        status.losing_lead_id_list,
        Some(Nillable::Value(ArrayOfInteger {
            integer_item: vec![loser1, loser2]
        }))
    );

    check_merged(&client, winner, [loser1, loser2], bystander).await;
    assert_eq!(sandbox.lead_count(), 2);

    // Faults change nothing: unknown lead, winner among the losers, a loser twice, an
    // ambiguous email, an unknown key type, no loser, more than 25 losers.
    sync(Lead::by_id(bystander).with_attribute("City", "Paris")).await;
    let twin = client
        .sync_multiple_leads(vec![Lead::by_email("bob@example.com")], Some(false))
        .await;
    assert_eq!(twin.counts().created, 1);
    let cases = [
        (
            "unknown",
            merge(key("IDNUM", winner), vec![key("IDNUM", 42)]),
            20103,
        ),
        (
            "self",
            merge(key("IDNUM", winner), vec![key("IDNUM", winner)]),
            20110,
        ),
        (
            "twice",
            merge(
                key("IDNUM", winner),
                vec![key("IDNUM", bystander), key("IDNUM", bystander)],
            ),
            20110,
        ),
        (
            "ambiguous",
            merge(key("IDNUM", winner), vec![key("EMAIL", "bob@example.com")]),
            20110,
        ),
        (
            "key type",
            merge(key("NICKNAME", winner), vec![key("IDNUM", bystander)]),
            20102,
        ),
        ("none", merge(key("IDNUM", winner), vec![]), 20110),
        (
            "26",
            merge(key("IDNUM", winner), vec![key("IDNUM", bystander); 26]),
            20110,
        ),
    ];
    for (label, params, code) in cases {
        let answer = exchange::<MergeLeads>(&client, &params).await;
        judge.keep(label, &answer);
        assert_eq!(answer.fault_code(), code, "{label}");
    }
    assert_eq!(sandbox.lead_count(), 3);
    assert!(lead(&client, bystander).await.is_some());
    drop(client);
    drop(sandbox);

    // Everything above is in the data file.
    let sandbox = Sandbox::start(config(Some(data))).await.unwrap();
    let client = Client::new(sandbox.client_config()).unwrap();
    check_merged(&client, winner, [loser1, loser2], bystander).await;
    judge.validate("merge");
}

/// The winner kept its own values and took the losers' values for its empty fields, their
/// list membership and their history; the losers are gone.
async fn check_merged(client: &Client, winner: i32, losers: [i32; 2], bystander: i32) {
    let (email, fields) = lead(client, winner).await.expect("winner stays");
    assert_eq!(email, "ada@example.com");
    assert_eq!(fields.get("FirstName").map(String::as_str), Some("Ada"));
    assert_eq!(fields.get("LastName").map(String::as_str), Some("Lovelace"));
    assert_eq!(fields.get("City").map(String::as_str), Some("London"));
    for loser in losers {
        assert_eq!(lead(client, loser).await, None);
    }
    assert!(lead(client, bystander).await.is_some());
    assert_eq!(members(client, "Attendees", &[winner]).await, [true]);
    let types = activity_types(client, winner).await;
    assert_eq!(types.first().map(String::as_str), Some("Merge Leads"));
    assert_eq!(types.iter().filter(|t| *t == "New Lead").count(), 3);
    assert!(types.iter().any(|t| t == "Add to List"));
}

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

#[tokio::test]
async fn import_to_list_upserts_rows_and_reports_each_failure() {
    let data = temp_db("import");
    let sandbox = Sandbox::start(config(Some(data.clone()))).await.unwrap();
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

    // Display names and SOAP names, quoted cells, an update, a new lead, two bad rows.
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

    // Empty cells left Ada's values alone; Grace was created with hers; both joined the list.
    let (_, fields) = lead(&client, ada).await.unwrap();
    assert_eq!(fields.get("FirstName").map(String::as_str), Some("Ada"));
    assert_eq!(fields.get("LastName").map(String::as_str), Some("Lovelace"));
    assert_eq!(fields.get("City").map(String::as_str), Some("London"));
    let grace = client
        .get_lead(LeadKeyRef::Email, "grace@example.com")
        .await
        .unwrap();
    let grace_id = grace[0].id.clone().and_then(Nillable::into_value).unwrap();
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

    // LISTONLY with clearList: the list is emptied, known emails join, unknown are ignored.
    let since = std::time::Instant::now();
    let answer = exchange::<ImportToList>(
        &client,
        &import(
            "Email",
            &["grace@example.com", "stranger@example.com"],
            ImportToListModeEnum::Listonly,
            true,
        ),
    )
    .await;
    judge.keep("list only", &answer);
    let done = complete(&client, &mut judge, since).await;
    assert_eq!(
        (count(&done.rows_imported), count(&done.rows_ignored)),
        (1, 1)
    );
    assert_eq!(
        members(&client, "Attendees", &[ada, grace_id]).await,
        [false, true]
    );
    assert_eq!(sandbox.lead_count(), 2);

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
    judge.validate("imports");
}
