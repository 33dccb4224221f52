//! The sandbox records what happens to its leads and reports it through `getLeadActivity`
//! (one lead, newest first, pages of at most 100) and `getLeadChanges` (every lead, oldest
//! first, filters and selectors), with stream positions that run to the end with no record
//! twice or missing. Every response is judged by xmllint against the WSDL's schema.

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use mktows::operations::{GetLeadActivity, GetLeadChanges};
use mktows::types::*;
use mktows::xml::Nillable;
use mktows::{Client, Lead};
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::soap::{Judge, exchange};

fn key(kind: LeadKeyRef, value: impl ToString) -> LeadKey {
    LeadKey {
        key_type: kind,
        key_value: value.to_string(),
    }
}

fn since(minutes: i64) -> StreamPosition {
    StreamPosition {
        latest_created_at: None,
        oldest_created_at: Some(Nillable::Value(
            (Utc::now() - Duration::minutes(minutes)).fixed_offset(),
        )),
        activity_created_at: None,
        offset: None,
    }
}

fn ids(records: &[ActivityRecord]) -> Vec<i32> {
    records.iter().map(|r| r.id).collect()
}

async fn sandbox_with_history() -> (Sandbox, Client, i32, i32) {
    let config = SandboxConfig {
        lists: vec!["Trade Show".into()],
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let client = Client::new(sandbox.client_config()).unwrap();
    let ada = client
        .sync_lead(Lead::by_email("ada@example.com").with_attribute("FirstName", "Ada"))
        .await
        .unwrap()
        .lead_id;
    let bob = client
        .sync_lead(Lead::by_email("bob@example.com"))
        .await
        .unwrap()
        .lead_id;
    // 150 changes of Ada's title: more than one getLeadActivity page.
    for i in 0..150 {
        client
            .sync_lead(Lead::by_id(ada).with_attribute("Title", format!("Title {i}")))
            .await
            .unwrap();
    }
    let report = client
        .list_operation(
            ListOperationType::Addtolist,
            "Trade Show",
            &[ada, bob],
            false,
        )
        .await
        .unwrap();
    assert!(report.success);
    (sandbox, client, ada, bob)
}

#[tokio::test]
async fn lead_activity_pages_newest_first_to_the_end() {
    let (_sandbox, client, ada, _bob) = sandbox_with_history().await;
    let mut judge = Judge::default();
    let mut seen = Vec::new();
    let mut position = None;
    let mut pages = 0;
    loop {
        let mut params = ParamsGetLeadActivity::new(key(LeadKeyRef::Idnum, ada));
        params.start_position = position.clone().map(Nillable::Value);
        let page = exchange::<GetLeadActivity>(&client, &params).await;
        judge.keep(&format!("page {pages}"), &page);
        let list = &page.output().lead_activity_list;
        let records = list
            .activity_record_list
            .as_ref()
            .and_then(|l| l.value())
            .map(|l| l.activity_record.clone())
            .unwrap_or_default();
        assert_eq!(list.return_count as usize, records.len());
        assert!(records.len() <= 100);
        seen.extend(ids(&records));
        pages += 1;
        if list.remaining_count == 0 {
            break;
        }
        position = Some(list.new_start_position.clone());
    }
    // New Lead, 150 title changes, Add to List: 152, newest first, each once.
    assert_eq!(pages, 2);
    assert_eq!(seen.len(), 152);
    assert!(
        seen.windows(2).all(|w| w[0] > w[1]),
        "newest first, no repeat"
    );

    judge.validate("lead-activity-pages");
}

#[tokio::test]
async fn lead_activity_records_name_the_list_and_the_changed_values() {
    let (_sandbox, client, ada, _bob) = sandbox_with_history().await;
    let mut judge = Judge::default();
    // The first page's details: the list membership, then the last title change.
    let first = exchange::<GetLeadActivity>(
        &client,
        &ParamsGetLeadActivity::new(key(LeadKeyRef::Email, "ADA@example.com")),
    )
    .await;
    judge.keep("by email", &first);
    let records = first
        .output()
        .lead_activity_list
        .activity_record_list
        .clone()
        .unwrap()
        .value()
        .cloned()
        .unwrap()
        .activity_record;
    assert_eq!(records[0].activity_type, "Add to List");
    assert_eq!(records[0].mktg_asset_name.as_deref(), Some("Trade Show"));
    assert_eq!(records[0].mkt_person_id, ada.to_string());
    assert_eq!(records[1].activity_type, "Change Data Value");
    let attributes: Vec<(String, String)> = records[1]
        .activity_attributes
        .clone()
        .unwrap()
        .value()
        .unwrap()
        .attribute
        .iter()
        .map(|a| (a.attr_name.clone(), a.attr_value.clone()))
        .collect();
    assert!(attributes.contains(&("Attribute Name".into(), "Title".into())));
    assert!(attributes.contains(&("Old Value".into(), "Title 148".into())));
    assert!(attributes.contains(&("New Value".into(), "Title 149".into())));
    assert_eq!(
        records.last().unwrap().activity_type,
        "Change Data Value",
        "batch of 100 ends inside the title changes"
    );

    judge.validate("lead-activity-details");
}

#[tokio::test]
async fn lead_activity_filters_include_or_exclude_types() {
    let (_sandbox, client, ada, _bob) = sandbox_with_history().await;
    let mut judge = Judge::default();
    // Filters: only New Lead; excluding Change Data Value leaves two.
    let mut params = ParamsGetLeadActivity::new(key(LeadKeyRef::Idnum, ada));
    params.activity_filter = Some(Nillable::Value(ActivityTypeFilter {
        include_types: Some(ArrayOfActivityType {
            activity_type: vec![ActivityType::NewLead],
        }),
        exclude_types: None,
    }));
    let only_new = exchange::<GetLeadActivity>(&client, &params).await;
    judge.keep("include NewLead", &only_new);
    assert_eq!(only_new.output().lead_activity_list.return_count, 1);
    params.activity_filter = Some(Nillable::Value(ActivityTypeFilter {
        include_types: None,
        exclude_types: Some(ArrayOfActivityType {
            activity_type: vec![ActivityType::ChangeDataValue],
        }),
    }));
    let without_changes = exchange::<GetLeadActivity>(&client, &params).await;
    judge.keep("exclude ChangeDataValue", &without_changes);
    assert_eq!(without_changes.output().lead_activity_list.return_count, 2);

    judge.validate("lead-activity-filters");
}

#[tokio::test]
async fn lead_activity_faults_name_the_filter_type_offset_or_lead() {
    let (_sandbox, client, ada, _bob) = sandbox_with_history().await;
    let mut judge = Judge::default();
    // Faults: both filters (20114), an unknown type (20107), a bad offset (20122), no lead.
    let mut params = ParamsGetLeadActivity::new(key(LeadKeyRef::Idnum, ada));
    params.activity_filter = Some(Nillable::Value(ActivityTypeFilter {
        include_types: Some(ArrayOfActivityType {
            activity_type: vec![ActivityType::NewLead],
        }),
        exclude_types: Some(ArrayOfActivityType {
            activity_type: vec![ActivityType::AddToList],
        }),
    }));
    let both = exchange::<GetLeadActivity>(&client, &params).await;
    assert_eq!((both.status, both.fault_code()), (500, 20114));
    params.activity_filter = Some(Nillable::Value(ActivityTypeFilter {
        include_types: Some(ArrayOfActivityType {
            activity_type: vec![ActivityType::Unknown("Teleport".into())],
        }),
        exclude_types: None,
    }));
    assert_eq!(
        exchange::<GetLeadActivity>(&client, &params)
            .await
            .fault_code(),
        20107
    );
    let mut params = ParamsGetLeadActivity::new(key(LeadKeyRef::Idnum, ada));
    params.start_position = Some(Nillable::Value(StreamPosition {
        latest_created_at: None,
        oldest_created_at: None,
        activity_created_at: None,
        offset: Some(Nillable::Value("ID:nope".into())),
    }));
    assert_eq!(
        exchange::<GetLeadActivity>(&client, &params)
            .await
            .fault_code(),
        20122
    );
    let missing = exchange::<GetLeadActivity>(
        &client,
        &ParamsGetLeadActivity::new(key(LeadKeyRef::Idnum, 42)),
    )
    .await;
    judge.keep("no lead", &missing);
    assert_eq!(missing.fault_code(), 20103);
    judge.validate("lead-activity-faults");
}

#[tokio::test]
async fn lead_changes_run_oldest_first_with_filters_and_selectors() {
    let (_sandbox, client, ada, bob) = sandbox_with_history().await;
    let mut judge = Judge::default();
    // All changes in pages of 40: 2 New Lead + 150 changes + 2 Add to List = 154, each once.
    let mut seen = Vec::new();
    let mut position = since(10);
    loop {
        let mut params = ParamsGetLeadChanges::new(position.clone());
        params.batch_size = Some(Nillable::Value(40));
        let page = exchange::<GetLeadChanges>(&client, &params).await;
        judge.keep(&format!("page at {}", seen.len()), &page);
        let result = &page.output().result;
        let records = result
            .lead_change_record_list
            .as_ref()
            .and_then(|l| l.value())
            .map(|l| l.lead_change_record.clone())
            .unwrap_or_default();
        assert!(records.len() <= 40);
        seen.extend(records.iter().map(|r| (r.id, r.mkt_person_id.clone())));
        if result.remaining_count == 0 {
            break;
        }
        position = result.new_start_position.clone();
    }
    assert_eq!(seen.len(), 154);
    assert!(
        seen.windows(2).all(|w| w[0].0 < w[1].0),
        "oldest first, no repeat"
    );
    let people: BTreeSet<String> = seen.iter().map(|(_, p)| p.clone()).collect();
    assert_eq!(people, BTreeSet::from([ada.to_string(), bob.to_string()]));

    // activityNameFilter (API 2_3 and later) and a LeadKeySelector: Bob's list membership only.
    let mut params = ParamsGetLeadChanges::new(since(10));
    params.lead_selector = Some(LeadSelector::LeadKeySelector(LeadKeySelector {
        key_type: LeadKeyRef::Email,
        key_values: ArrayOfString {
            string_item: vec!["bob@example.com".into()],
        },
    }));
    let bobs = exchange::<GetLeadChanges>(&client, &params).await;
    judge.keep("Bob's changes", &bobs);
    let records = bobs
        .output()
        .result
        .lead_change_record_list
        .clone()
        .unwrap()
        .value()
        .cloned()
        .unwrap()
        .lead_change_record;
    assert!(records.iter().all(|r| r.mkt_person_id == bob.to_string()));
    assert_eq!(records.len(), 2, "New Lead, Add to List");
    if mktows::API_VERSION >= "2_3" {
        let mut json = serde_json::to_value(&params).unwrap();
        json["activityNameFilter"] = serde_json::json!({ "stringItem": ["Add to List"] });
        let named: ParamsGetLeadChanges = serde_json::from_value(json).unwrap();
        let adds = exchange::<GetLeadChanges>(&client, &named).await;
        judge.keep("Bob's list adds", &adds);
        let records = adds
            .output()
            .result
            .lead_change_record_list
            .clone()
            .unwrap()
            .value()
            .cloned()
            .unwrap()
            .lead_change_record;
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].activity_type, "Add to List");
        assert_eq!(records[0].mkt_person_id, bob.to_string());
    }

    // A start after everything: an empty page, not a fault.
    let later = exchange::<GetLeadChanges>(&client, &ParamsGetLeadChanges::new(since(-5))).await;
    judge.keep("future", &later);
    assert_eq!(later.output().result.return_count, 0);

    // Faults: no oldestCreatedAt or offset (20109); more than 100 keys (20110).
    let empty = StreamPosition {
        latest_created_at: None,
        oldest_created_at: None,
        activity_created_at: None,
        offset: None,
    };
    let none = exchange::<GetLeadChanges>(&client, &ParamsGetLeadChanges::new(empty)).await;
    judge.keep("no start", &none);
    assert_eq!(none.fault_code(), 20109);
    let mut params = ParamsGetLeadChanges::new(since(10));
    params.lead_selector = Some(LeadSelector::LeadKeySelector(LeadKeySelector {
        key_type: LeadKeyRef::Idnum,
        key_values: ArrayOfString {
            string_item: (0..101).map(|i| i.to_string()).collect(),
        },
    }));
    assert_eq!(
        exchange::<GetLeadChanges>(&client, &params)
            .await
            .fault_code(),
        20110
    );
    judge.validate("lead-changes");
}

#[tokio::test]
async fn activity_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!("mktows-activity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("sandbox.sqlite");
    let _ = std::fs::remove_file(&data);
    let config = SandboxConfig {
        data: Some(data.clone()),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config.clone()).await.unwrap();
    let client = Client::new(sandbox.client_config()).unwrap();
    let id = client
        .sync_lead(Lead::by_email("kim@example.com"))
        .await
        .unwrap()
        .lead_id;
    client
        .sync_lead(Lead::by_id(id).with_attribute("City", "Oslo"))
        .await
        .unwrap();
    sandbox.stop().await;

    let sandbox = Sandbox::start(config).await.unwrap();
    let client = Client::new(sandbox.client_config()).unwrap();
    let page = exchange::<GetLeadActivity>(
        &client,
        &ParamsGetLeadActivity::new(key(LeadKeyRef::Idnum, id)),
    )
    .await;
    let types: Vec<String> = page
        .output()
        .lead_activity_list
        .activity_record_list
        .clone()
        .unwrap()
        .value()
        .unwrap()
        .activity_record
        .iter()
        .map(|r| r.activity_type.clone())
        .collect();
    assert_eq!(types, ["Change Data Value", "New Lead"]);
    sandbox.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}
