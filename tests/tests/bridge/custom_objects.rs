//! Custom objects through the bridge (`bridge/src/custom_objects.rs`): SOAP client → `Bridge` →
//! the sandbox's REST custom object calls; what REST stored is read back from the sandbox over
//! SOAP. Every bridge response is judged by xmllint against the WSDL's schema.

use mktows::operations::{DeleteCustomObjects, GetCustomObjects, SyncCustomObjects};
use mktows::types::*;
use mktows::xml::Nillable;
use mktows::{Client, Lead};
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::bridge::bridge_to;
use mktows_tests::custom_objects::{attrs, road_show};
use mktows_tests::soap::{Judge, exchange};

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

fn sync(objects: Vec<CustomObj>, operation: SyncOperationEnum) -> ParamsSyncCustomObjects {
    ParamsSyncCustomObjects {
        obj_type_name: "RoadShow".into(),
        custom_obj_list: ArrayOfCustomObj {
            custom_obj: objects,
        },
        operation: Some(Nillable::Value(operation)),
    }
}

/// A sandbox with Ada, a bridge to it, a client of each.
struct Shows {
    _sandbox: Sandbox,
    _bridge: mktows_bridge::Bridge,
    direct: Client,
    soap: Client,
    judge: Judge,
    ada: i32,
}

/// Road shows synced through the bridge: two created, one with an unknown attribute refused
/// naming it.
async fn shows() -> Shows {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let direct = Client::new(sandbox.client_config()).unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = Client::new(bridge.client_config()).unwrap();
    let ada = direct
        .sync_lead(Lead::by_email("ada@example.com"))
        .await
        .unwrap()
        .lead_id;
    let mut c = Shows {
        _sandbox: sandbox,
        _bridge: bridge,
        direct,
        soap,
        judge: Judge::default(),
        ada,
    };
    let answer = exchange::<SyncCustomObjects>(
        &c.soap,
        &sync(
            vec![
                road_show(c.ada, "r1", &[("city", "Paris")]),
                road_show(c.ada, "r2", &[("city", "Rome")]),
                road_show(c.ada, "r3", &[("shoeSize", "9")]),
            ],
            SyncOperationEnum::Upsert,
        ),
    )
    .await;
    c.judge.keep("sync", &answer);
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
    c
}

/// r2 updated in a second call, then what REST stored read straight from the sandbox over
/// SOAP: r1 in Paris, r2 in Rome, Lazio.
async fn update_r2(c: &mut Shows) -> ResultGetCustomObjects {
    let answer = exchange::<SyncCustomObjects>(
        &c.soap,
        &sync(
            vec![road_show(c.ada, "r2", &[("state", "Lazio")])],
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

    let stored = exchange::<GetCustomObjects>(&c.direct, &get(&[], &[], 100, "")).await;
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

    stored.output().result.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_through_the_bridge_gives_each_record_its_status() {
    shows().await.judge.validate("bridge_custom_objects-sync");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_through_the_bridge_is_what_rest_stored() {
    let mut c = shows().await;
    update_r2(&mut c).await;
    c.judge.validate("bridge_custom_objects-update");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_through_the_bridge_page_by_one_key_field_and_by_the_whole_key() {
    let mut c = shows().await;
    let stored = update_r2(&mut c).await;
    // Read through the bridge: by one key field a page at a time, and by the whole key.
    let mut seen = Vec::new();
    let mut position = String::new();
    let lead = c.ada.to_string();
    for _ in 0..5 {
        let page = exchange::<GetCustomObjects>(
            &c.soap,
            &get(&[("MKTOID", &lead)], &["city", "state"], 1, &position),
        )
        .await;
        c.judge.keep("page", &page);
        seen.extend(records(&page.output().result));
        position = page.output().result.new_stream_position.clone();
        if position.is_empty() {
            break;
        }
    }
    seen.sort();
    assert_eq!(seen, records(&stored));
    let one = exchange::<GetCustomObjects>(
        &c.soap,
        &get(&[("MKTOID", &lead), ("rid", "r2")], &["state"], 10, ""),
    )
    .await;
    c.judge.keep("by key", &one);
    assert_eq!(
        records(&one.output().result),
        [("r2".to_owned(), vec!["state=Lazio".to_owned()])]
    );

    c.judge.validate("bridge_custom_objects-read");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_without_include_attributes_return_every_value() {
    let mut c = shows().await;
    let stored = update_r2(&mut c).await;
    let lead = c.ada.to_string();
    // "Passing none returns all values": by one key field, then by the whole key (twice: the
    // second read uses the describe the bridge kept).
    let all = exchange::<GetCustomObjects>(&c.soap, &get(&[("MKTOID", &lead)], &[], 10, "")).await;
    c.judge.keep("all values", &all);
    assert_eq!(records(&all.output().result), records(&stored));
    for _ in 0..2 {
        let one = exchange::<GetCustomObjects>(
            &c.soap,
            &get(&[("MKTOID", &lead), ("rid", "r2")], &[], 10, ""),
        )
        .await;
        c.judge.keep("all values by key", &one);
        assert_eq!(
            records(&one.output().result),
            [(
                "r2".to_owned(),
                vec!["city=Rome".to_owned(), "state=Lazio".to_owned()]
            )]
        );
    }
    c.judge.validate("bridge_custom_objects-all-values");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletes_through_the_bridge_report_each_record() {
    let mut c = shows().await;
    let lead = c.ada.to_string();
    // Delete through the bridge: one deleted, one that does not exist fails.
    let key = |rid: &str| attrs(&[("MKTOID", &lead), ("rid", rid)]);
    let deleted = exchange::<DeleteCustomObjects>(
        &c.soap,
        &ParamsDeleteCustomObjects {
            obj_type_name: "RoadShow".into(),
            custom_obj_key_lists: ArrayOfKeyList {
                key_list: vec![key("r1"), key("r9")],
            },
        },
    )
    .await;
    c.judge.keep("delete", &deleted);
    let got: Vec<SyncStatusEnum> = deleted
        .output()
        .result
        .delete_custom_obj_status_list
        .sync_custom_obj_status
        .iter()
        .map(|s| s.status.clone())
        .collect();
    assert_eq!(got, [SyncStatusEnum::Deleted, SyncStatusEnum::Failed]);
    let left = exchange::<GetCustomObjects>(&c.direct, &get(&[], &[], 100, "")).await;
    assert_eq!(records(&left.output().result).len(), 1);

    c.judge.validate("bridge_custom_objects-delete");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_objects_and_reads_without_a_key_fault() {
    let mut c = shows().await;
    // An unknown object, a read without a key (REST needs a filter).
    let mut unknown = get(&[("rid", "r2")], &[], 10, "");
    unknown.obj_type_name = "Nope".into();
    let answer = exchange::<GetCustomObjects>(&c.soap, &unknown).await;
    c.judge.keep("unknown", &answer);
    assert_eq!(answer.fault_code(), 20110);
    let answer = exchange::<GetCustomObjects>(&c.soap, &get(&[], &[], 10, "")).await;
    c.judge.keep("no key", &answer);
    assert_eq!(answer.fault_code(), 20019);
    c.judge.validate("bridge_custom_objects-faults");
}
