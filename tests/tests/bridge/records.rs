//! Merges and custom objects through the bridge: SOAP client →
//! `Bridge` → the sandbox's REST API; what REST did is read back from the sandbox over SOAP.
//! Every bridge response is judged by xmllint against the WSDL's schema.

use mktows::operations::{DeleteCustomObjects, GetCustomObjects, MergeLeads, SyncCustomObjects};
use mktows::types::*;
use mktows::xml::Nillable;
use mktows::{Client, Lead};
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::bridge::bridge_to;
use mktows_tests::soap::{Judge, exchange};

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merge_leads_over_rest() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let direct = Client::new(sandbox.client_config()).unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = Client::new(bridge.client_config()).unwrap();
    let mut judge = Judge::default();
    let sync = |lead: Lead| {
        let direct = &direct;
        async move { direct.sync_lead(lead).await.unwrap().lead_id }
    };
    let winner = sync(Lead::by_email("ada@example.com").with_attribute("FirstName", "Ada")).await;
    let loser1 =
        sync(Lead::by_email("ada.l@example.com").with_attribute("LastName", "Lovelace")).await;
    let loser2 =
        sync(Lead::by_email("countess@example.com").with_attribute("City", "London")).await;

    let merged = exchange::<MergeLeads>(
        &soap,
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
    // What REST did, read from the sandbox: one lead left, with the losers' values.
    assert_eq!(sandbox.lead_count(), 1);
    let lead = Lead::from(
        direct
            .get_lead(LeadKeyRef::Idnum, &winner.to_string())
            .await
            .unwrap()
            .remove(0),
    );
    assert_eq!(lead.attribute("FirstName"), Some("Ada"));
    assert_eq!(lead.attribute("LastName"), Some("Lovelace"));
    assert_eq!(lead.attribute("City"), Some("London"));

    // Faults, nothing sent: an unknown lead, a key matching two leads, too many losers.
    let bob = sync(Lead::by_email("bob@example.com")).await;
    direct
        .sync_multiple_leads([Lead::by_email("bob@example.com")], Some(false))
        .await;
    let cases = [
        (
            "unknown",
            merge(key("IDNUM", winner), vec![key("IDNUM", 42)]),
            20103,
        ),
        (
            "ambiguous",
            merge(key("IDNUM", winner), vec![key("EMAIL", "bob@example.com")]),
            20110,
        ),
        (
            "26",
            merge(key("IDNUM", winner), vec![key("IDNUM", bob); 26]),
            20110,
        ),
        (
            "self",
            merge(key("IDNUM", winner), vec![key("IDNUM", winner)]),
            20110,
        ),
    ];
    for (label, params, code) in cases {
        let answer = exchange::<MergeLeads>(&soap, &params).await;
        judge.keep(label, &answer);
        assert_eq!(answer.fault_code(), code, "{label}");
    }
    assert_eq!(sandbox.lead_count(), 3);
    judge.validate("bridge_records");
}

fn attrs(pairs: &[(&str, &str)]) -> ArrayOfAttribute {
    ArrayOfAttribute {
        attribute: pairs
            .iter()
            .map(|(n, v)| Attribute {
                attr_name: (*n).into(),
                attr_type: None,
                attr_value: (*v).into(),
            })
            .collect(),
    }
}

fn road_show(lead: i32, rid: &str, values: &[(&str, &str)]) -> CustomObj {
    CustomObj {
        custom_obj_key_list: Some(Nillable::Value(attrs(&[
            ("MKTOID", &lead.to_string()),
            ("rid", rid),
        ]))),
        custom_obj_attribute_list: Some(Nillable::Value(attrs(values))),
    }
}

fn get(
    filter: &[(&str, &str)],
    include: &[&str],
    batch: i32,
    position: &str,
) -> ParamsGetCustomObjects {
    ParamsGetCustomObjects {
        obj_type_name: "RoadShow".into(),
        stream_position: Some(Nillable::Value(position.into())),
        batch_size: Some(Nillable::Value(batch)),
        custom_obj_key_list: (!filter.is_empty()).then(|| Nillable::Value(attrs(filter))),
        include_attributes: ArrayOfString {
            string_item: include.iter().map(|s| (*s).to_owned()).collect(),
        },
    }
}

/// Each record read: its rid and its attributes as `name=value`, sorted by rid.
fn records(result: &ResultGetCustomObjects) -> Vec<(String, Vec<String>)> {
    let mut records: Vec<(String, Vec<String>)> = result
        .custom_obj_list
        .clone()
        .and_then(Nillable::into_value)
        .unwrap_or_default()
        .custom_obj
        .into_iter()
        .map(|o| {
            let keys = o
                .custom_obj_key_list
                .and_then(Nillable::into_value)
                .unwrap();
            let rid = keys
                .attribute
                .iter()
                .find(|a| a.attr_name == "rid")
                .unwrap()
                .attr_value
                .clone();
            let mut values: Vec<String> = o
                .custom_obj_attribute_list
                .and_then(Nillable::into_value)
                .unwrap_or_default()
                .attribute
                .into_iter()
                .map(|a| format!("{}={}", a.attr_name, a.attr_value))
                .collect();
            values.sort();
            (rid, values)
        })
        .collect();
    records.sort();
    records
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_objects_over_rest() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let direct = Client::new(sandbox.client_config()).unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = Client::new(bridge.client_config()).unwrap();
    let mut judge = Judge::default();
    let ada = direct
        .sync_lead(Lead::by_email("ada@example.com"))
        .await
        .unwrap()
        .lead_id;

    // Sync through the bridge: two created, one updated in a second call, one refused.
    let sync = |objects: Vec<CustomObj>, operation: SyncOperationEnum| ParamsSyncCustomObjects {
        obj_type_name: "RoadShow".into(),
        custom_obj_list: ArrayOfCustomObj {
            custom_obj: objects,
        },
        operation: Some(Nillable::Value(operation)),
    };
    let answer = exchange::<SyncCustomObjects>(
        &soap,
        &sync(
            vec![
                road_show(ada, "r1", &[("city", "Paris")]),
                road_show(ada, "r2", &[("city", "Rome")]),
                road_show(ada, "r3", &[("shoeSize", "9")]),
            ],
            SyncOperationEnum::Upsert,
        ),
    )
    .await;
    judge.keep("sync", &answer);
    let statuses: Vec<(SyncStatusEnum, Option<String>)> = answer
        .output()
        .result
        .sync_custom_obj_status_list
        .sync_custom_obj_status
        .iter()
        .map(|s| {
            (
                s.status.clone(),
                s.error.clone().and_then(Nillable::into_value),
            )
        })
        .collect();
    assert_eq!(statuses[0], (SyncStatusEnum::Created, None));
    assert_eq!(statuses[1], (SyncStatusEnum::Created, None));
    assert_eq!(statuses[2].0, SyncStatusEnum::Failed);
    assert!(
        statuses[2].1.as_deref().unwrap().contains("shoeSize"),
        "{statuses:?}"
    );
    let answer = exchange::<SyncCustomObjects>(
        &soap,
        &sync(
            vec![road_show(ada, "r2", &[("state", "Lazio")])],
            SyncOperationEnum::Update,
        ),
    )
    .await;
    assert_eq!(
        answer
            .output()
            .result
            .sync_custom_obj_status_list
            .sync_custom_obj_status[0]
            .status,
        SyncStatusEnum::Updated
    );

    // What REST stored, read straight from the sandbox over SOAP.
    let stored = exchange::<GetCustomObjects>(&direct, &get(&[], &[], 100, "")).await;
    assert_eq!(
        records(&stored.output().result),
        [
            ("r1".to_owned(), vec!["city=Paris".to_owned()]),
            (
                "r2".to_owned(),
                vec!["city=Rome".to_owned(), "state=Lazio".to_owned()]
            ),
        ]
    );

    // Read through the bridge: by one key field a page at a time, and by the whole key.
    let mut seen = Vec::new();
    let mut position = String::new();
    let lead = ada.to_string();
    for _ in 0..5 {
        let page = exchange::<GetCustomObjects>(
            &soap,
            &get(&[("MKTOID", &lead)], &["city", "state"], 1, &position),
        )
        .await;
        judge.keep("page", &page);
        seen.extend(records(&page.output().result));
        position = page.output().result.new_stream_position.clone();
        if position.is_empty() {
            break;
        }
    }
    seen.sort();
    assert_eq!(seen, records(&stored.output().result));
    let one = exchange::<GetCustomObjects>(
        &soap,
        &get(&[("MKTOID", &lead), ("rid", "r2")], &["state"], 10, ""),
    )
    .await;
    judge.keep("by key", &one);
    assert_eq!(
        records(&one.output().result),
        [("r2".to_owned(), vec!["state=Lazio".to_owned()])]
    );

    // Delete through the bridge: one deleted, one that does not exist fails.
    let key = |rid: &str| attrs(&[("MKTOID", &lead), ("rid", rid)]);
    let deleted = exchange::<DeleteCustomObjects>(
        &soap,
        &ParamsDeleteCustomObjects {
            obj_type_name: "RoadShow".into(),
            custom_obj_key_lists: ArrayOfKeyList {
                key_list: vec![key("r1"), key("r9")],
            },
        },
    )
    .await;
    judge.keep("delete", &deleted);
    let got: Vec<SyncStatusEnum> = deleted
        .output()
        .result
        .delete_custom_obj_status_list
        .sync_custom_obj_status
        .iter()
        .map(|s| s.status.clone())
        .collect();
    assert_eq!(got, [SyncStatusEnum::Deleted, SyncStatusEnum::Failed]);
    let left = exchange::<GetCustomObjects>(&direct, &get(&[], &[], 100, "")).await;
    assert_eq!(records(&left.output().result).len(), 1);

    // Faults: an unknown object, a read without a key (REST needs a filter).
    let mut unknown = get(&[("rid", "r2")], &[], 10, "");
    unknown.obj_type_name = "Nope".into();
    let answer = exchange::<GetCustomObjects>(&soap, &unknown).await;
    judge.keep("unknown", &answer);
    assert_eq!(answer.fault_code(), 20110);
    let answer = exchange::<GetCustomObjects>(&soap, &get(&[], &[], 10, "")).await;
    judge.keep("no key", &answer);
    assert_eq!(answer.fault_code(), 20019);
    judge.validate("bridge_custom_objects");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lead_activity_through_the_bridge_is_the_sandbox_history() {
    use mktows::operations::GetLeadActivity;
    let sandbox = Sandbox::start(SandboxConfig {
        lists: vec!["Attendees".into()],
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let direct = Client::new(sandbox.client_config()).unwrap();
    let ada = direct
        .sync_lead(
            Lead::by_email("ada@example.com")
                .with_attribute("FirstName", "Ada")
                .with_attribute("Company", "Engines"),
        )
        .await
        .unwrap()
        .lead_id;
    for city in ["Oslo", "Bergen", "Paris", "Rome"] {
        direct
            .sync_lead(Lead::by_id(ada).with_attribute("City", city))
            .await
            .unwrap();
    }
    direct
        .list_operation(ListOperationType::Addtolist, "Attendees", &[ada], false)
        .await
        .unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = Client::new(bridge.client_config()).unwrap();
    let mut judge = Judge::default();
    let key = LeadKey::new(LeadKeyRef::Email, "ada@example.com");
    let view = |r: &ActivityRecord| {
        let attributes: Vec<(String, String)> = r
            .activity_attributes
            .clone()
            .and_then(Nillable::into_value)
            .unwrap_or_default()
            .attribute
            .into_iter()
            .map(|a| (a.attr_name, a.attr_value))
            .collect();
        (
            r.id,
            r.activity_type.clone(),
            r.mkt_person_id.clone(),
            r.mktg_asset_name.clone(),
            r.person_name.clone(),
            r.org_name.clone(),
            attributes,
        )
    };
    let records = |answer: &mktows_tests::soap::Exchange<GetLeadActivity>| {
        answer
            .output()
            .lead_activity_list
            .activity_record_list
            .clone()
            .and_then(Nillable::into_value)
            .unwrap_or_default()
            .activity_record
    };
    // Pages of 2 through the bridge: the same records, in the same order, as the sandbox's own
    // answer in one page (newest first).
    let mut bridged = Vec::new();
    let mut params = ParamsGetLeadActivity::new(key.clone());
    params.batch_size = Some(Nillable::Value(2));
    for page in 0.. {
        let answer = exchange::<GetLeadActivity>(&soap, &params).await;
        judge.keep(&format!("page {page}"), &answer);
        bridged.extend(records(&answer));
        let list = &answer.output().lead_activity_list;
        if list.remaining_count == 0 {
            break;
        }
        params.start_position = Some(Nillable::Value(list.new_start_position.clone()));
        assert!(page < 10, "paging ends");
    }
    let straight =
        exchange::<GetLeadActivity>(&direct, &ParamsGetLeadActivity::new(key.clone())).await;
    let straight = records(&straight);
    assert_eq!(
        straight.len(),
        6,
        "New Lead, 4 × Change Data Value, Add to List"
    );
    assert_eq!(
        bridged.iter().map(view).collect::<Vec<_>>(),
        straight.iter().map(view).collect::<Vec<_>>()
    );
    // A type filter and the faults.
    let mut only = ParamsGetLeadActivity::new(key.clone());
    only.activity_filter = Some(Nillable::Value(ActivityTypeFilter {
        include_types: Some(ArrayOfActivityType {
            activity_type: vec![ActivityType::NewLead],
        }),
        exclude_types: None,
    }));
    let answer = exchange::<GetLeadActivity>(&soap, &only).await;
    judge.keep("new lead only", &answer);
    let types: Vec<String> = records(&answer)
        .into_iter()
        .map(|r| r.activity_type)
        .collect();
    assert_eq!(types, ["New Lead"]);
    let unknown = exchange::<GetLeadActivity>(
        &soap,
        &ParamsGetLeadActivity::new(LeadKey::new(LeadKeyRef::Email, "nobody@example.com")),
    )
    .await;
    judge.keep("unknown lead", &unknown);
    assert_eq!(unknown.fault_code(), 20103);
    let mut bad = ParamsGetLeadActivity::new(key);
    bad.start_position = Some(Nillable::Value(StreamPosition {
        latest_created_at: None,
        oldest_created_at: None,
        activity_created_at: None,
        offset: Some(Nillable::Value("garbage".into())),
    }));
    let answer = exchange::<GetLeadActivity>(&soap, &bad).await;
    judge.keep("bad offset", &answer);
    assert_eq!(answer.fault_code(), 20122);
    judge.validate("bridge_lead_activity");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_list_operations_change_nothing_when_a_lead_is_missing() {
    let sandbox = Sandbox::start(SandboxConfig {
        lists: vec!["Attendees".into()],
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let direct = Client::new(sandbox.client_config()).unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = Client::new(bridge.client_config()).unwrap();
    let ada = direct
        .sync_lead(Lead::by_email("ada@example.com"))
        .await
        .unwrap()
        .lead_id;
    // One lead does not exist: strict through the bridge adds no one, as the sandbox would.
    for client in [&soap, &direct] {
        let report = client
            .list_operation(ListOperationType::Addtolist, "Attendees", &[ada, 42], true)
            .await
            .unwrap();
        assert!(!report.success);
        assert_eq!(report.leads, [(ada, false), (42, false)]);
    }
    let member = direct
        .list_operation(
            ListOperationType::Ismemberoflist,
            "Attendees",
            &[ada],
            false,
        )
        .await
        .unwrap();
    assert_eq!(member.leads, [(ada, false)], "nothing was added");
    // All present: strict adds them.
    let report = soap
        .list_operation(ListOperationType::Addtolist, "Attendees", &[ada], true)
        .await
        .unwrap();
    assert!(report.success);
    let member = direct
        .list_operation(
            ListOperationType::Ismemberoflist,
            "Attendees",
            &[ada],
            false,
        )
        .await
        .unwrap();
    assert_eq!(member.leads, [(ada, true)]);
}
