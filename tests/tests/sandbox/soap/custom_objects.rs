//! Custom objects on the sandbox: `syncCustomObjects` (UPSERT, INSERT, UPDATE, one status per
//! record in order, per-record failures), `getCustomObjects` (filters, attributes, paging to
//! the end with no record twice or missing), `deleteCustomObjects`, the faults, and the records
//! kept across a restart. Every response is judged by xmllint against the WSDL's schema.

use mktows::operations::{DeleteCustomObjects, GetCustomObjects, SyncCustomObjects};
use mktows::types::*;
use mktows::xml::Nillable;
use mktows::{Client, Lead};
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::custom_objects::{attrs, road_show};
use mktows_tests::soap::{Judge, exchange};

fn sync(objects: Vec<CustomObj>, operation: Option<SyncOperationEnum>) -> ParamsSyncCustomObjects {
    ParamsSyncCustomObjects {
        obj_type_name: "RoadShow".into(),
        custom_obj_list: ArrayOfCustomObj {
            custom_obj: objects,
        },
        operation: operation.map(Nillable::Value),
    }
}

fn statuses(result: &ResultSyncCustomObjects) -> Vec<(SyncStatusEnum, String)> {
    result
        .sync_custom_obj_status_list
        .sync_custom_obj_status
        .iter()
        .map(|s| {
            (
                s.status.clone(),
                s.error
                    .clone()
                    .and_then(Nillable::into_value)
                    .unwrap_or_default(),
            )
        })
        .collect()
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

/// Each record read: its rid and its attributes as `name=value`.
fn records(result: &ResultGetCustomObjects) -> Vec<(String, Vec<String>)> {
    let list = result
        .custom_obj_list
        .clone()
        .and_then(Nillable::into_value)
        .unwrap_or_default();
    list.custom_obj
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
            let values = o
                .custom_obj_attribute_list
                .and_then(Nillable::into_value)
                .unwrap_or_default()
                .attribute
                .into_iter()
                .map(|a| format!("{}={}", a.attr_name, a.attr_value))
                .collect();
            (rid, values)
        })
        .collect()
}

/// A sandbox (on `data`, if given) with Ada and her road shows, upserted in one call: five
/// records, one updated twice in the same call, one with an unknown attribute, one without its
/// full key, one for a lead that does not exist; each status is checked.
async fn road_shows(data: Option<&std::path::PathBuf>) -> (Sandbox, Client, Judge, i32) {
    let sandbox = Sandbox::start(SandboxConfig {
        data: data.cloned(),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let client = Client::new(sandbox.client_config()).unwrap();
    let mut judge = Judge::default();
    let ada = client
        .sync_lead(Lead::by_email("ada@example.com"))
        .await
        .unwrap()
        .lead_id;
    let mut objects: Vec<CustomObj> = (1..=5)
        .map(|i| road_show(ada, &format!("r{i}"), &[("city", &format!("City {i}"))]))
        .collect();
    objects.push(road_show(ada, "R1", &[("zip", "94105")]));
    objects.push(road_show(ada, "r9", &[("shoeSize", "9")]));
    objects.push(CustomObj {
        custom_obj_key_list: Some(Nillable::Value(attrs(&[("rid", "r10")]))),
        custom_obj_attribute_list: None,
    });
    objects.push(road_show(42, "r11", &[]));
    let answer = exchange::<SyncCustomObjects>(&client, &sync(objects, None)).await;
    judge.keep("upsert", &answer);
    let got = statuses(&answer.output().result);
    let created = (SyncStatusEnum::Created, String::new());
    assert_eq!(got[..5], vec![created.clone(); 5][..]);
    assert_eq!(got[5], (SyncStatusEnum::Updated, String::new()));
    assert_eq!(
        got[6],
        (
            SyncStatusEnum::Failed,
            "Unknown name attribute list: shoeSize".into()
        )
    );
    assert_eq!(
        got[7],
        (SyncStatusEnum::Failed, "missing dedupe field MKTOID".into())
    );
    assert_eq!(
        got[8],
        (SyncStatusEnum::Failed, "MKTOID 42 is not a lead".into())
    );

    (sandbox, client, judge, ada)
}

/// INSERT of an existing record and UPDATE of a missing one fail; UPDATE of r2 works.
async fn insert_and_update(client: &Client, judge: &mut Judge, ada: i32) {
    let answer = exchange::<SyncCustomObjects>(
        client,
        &sync(
            vec![
                road_show(ada, "r1", &[]),
                road_show(ada, "r2", &[("state", "CA")]),
            ],
            Some(SyncOperationEnum::Insert),
        ),
    )
    .await;
    judge.keep("insert", &answer);
    let got = statuses(&answer.output().result);
    assert_eq!(
        got[0],
        (SyncStatusEnum::Failed, "the object already exists".into())
    );
    assert_eq!(
        got[1],
        (SyncStatusEnum::Failed, "the object already exists".into())
    );
    let answer = exchange::<SyncCustomObjects>(
        client,
        &sync(
            vec![
                road_show(ada, "r2", &[("state", "CA")]),
                road_show(ada, "r8", &[]),
            ],
            Some(SyncOperationEnum::Update),
        ),
    )
    .await;
    judge.keep("update", &answer);
    let got = statuses(&answer.output().result);
    assert_eq!(got[0], (SyncStatusEnum::Updated, String::new()));
    assert_eq!(got[1], (SyncStatusEnum::Failed, "no such object".into()));
}

#[tokio::test]
async fn upsert_gives_one_status_per_record_in_order() {
    let (_sandbox, _client, judge, _) = road_shows(None).await;
    judge.validate("custom_objects-upsert");
}

#[tokio::test]
async fn insert_of_an_existing_record_and_update_of_a_missing_one_fail() {
    let (_sandbox, client, mut judge, ada) = road_shows(None).await;
    insert_and_update(&client, &mut judge, ada).await;
    judge.validate("custom_objects-edits");
}

#[tokio::test]
async fn records_are_read_in_pages_to_the_end_each_once_with_its_values() {
    let (_sandbox, client, mut judge, ada) = road_shows(None).await;
    insert_and_update(&client, &mut judge, ada).await;
    // Read in pages of two to the end: every record once, in order, with its values.
    let mut seen = Vec::new();
    let mut position = String::new();
    loop {
        let page = exchange::<GetCustomObjects>(&client, &get(&[], &[], 2, &position)).await;
        judge.keep("page", &page);
        let result = &page.output().result;
        seen.extend(records(result));
        assert_eq!(
            result.remaining_count as usize,
            5 - seen.len(),
            "remainingCount"
        );
        if result.new_stream_position.is_empty() {
            break;
        }
        position = result.new_stream_position.clone();
    }
    assert_eq!(
        seen,
        [
            (
                "r1".to_owned(),
                vec!["city=City 1".to_owned(), "zip=94105".to_owned()]
            ),
            (
                "r2".to_owned(),
                vec!["city=City 2".to_owned(), "state=CA".to_owned()]
            ),
            ("r3".to_owned(), vec!["city=City 3".to_owned()]),
            ("r4".to_owned(), vec!["city=City 4".to_owned()]),
            ("r5".to_owned(), vec!["city=City 5".to_owned()]),
        ]
    );
    judge.validate("custom_objects-pages");
}

#[tokio::test]
async fn a_filter_on_one_dedupe_field_reads_only_the_attributes_asked_for() {
    let (_sandbox, client, mut judge, ada) = road_shows(None).await;
    insert_and_update(&client, &mut judge, ada).await;
    // A filter on one dedupe field (case ignored) and only some attributes.
    let one =
        exchange::<GetCustomObjects>(&client, &get(&[("rid", "R2")], &["state"], 10, "")).await;
    judge.keep("filtered", &one);
    assert_eq!(
        records(&one.output().result),
        [("r2".to_owned(), vec!["state=CA".to_owned()])]
    );

    judge.validate("custom_objects-filter");
}

#[tokio::test]
async fn deletes_report_each_record_and_what_is_left_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!("mktows-co-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("sandbox.sqlite");
    let _ = std::fs::remove_file(&data);
    let (sandbox, client, mut judge, ada) = road_shows(Some(&data)).await;
    // Delete two, one of them named twice, and one that does not exist.
    let key = |rid: &str| attrs(&[("MKTOID", &ada.to_string()), ("rid", rid)]);
    let deleted = exchange::<DeleteCustomObjects>(
        &client,
        &ParamsDeleteCustomObjects {
            obj_type_name: "RoadShow".into(),
            custom_obj_key_lists: ArrayOfKeyList {
                key_list: vec![key("r3"), key("r4"), key("r3"), key("r77")],
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
    assert_eq!(
        got,
        [
            SyncStatusEnum::Deleted,
            SyncStatusEnum::Deleted,
            SyncStatusEnum::Failed,
            SyncStatusEnum::Failed
        ]
    );

    drop(client);
    drop(sandbox);

    // What was stored is there after a restart.
    let sandbox = Sandbox::start(SandboxConfig {
        data: Some(data),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let client = Client::new(sandbox.client_config()).unwrap();
    let all = exchange::<GetCustomObjects>(&client, &get(&[], &["city"], 100, "")).await;
    let rids: Vec<String> = records(&all.output().result)
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert_eq!(rids, ["r1", "r2", "r5"]);
    judge.validate("custom_objects-delete");
}

#[tokio::test]
async fn unknown_objects_attributes_filters_positions_and_over_100_records_fault() {
    let (_sandbox, client, mut judge, ada) = road_shows(None).await;
    // Unknown object, unknown attribute asked for, a filter on a non-key field,
    // a stream position the sandbox never gave, more than 100 records.
    let mut bad_type = get(&[], &[], 10, "");
    bad_type.obj_type_name = "Nope".into();
    let cases = [
        ("type", bad_type, 20110),
        ("include", get(&[], &["shoeSize"], 10, ""), 20110),
        ("filter", get(&[("city", "x")], &[], 10, ""), 20110),
        ("position", get(&[], &[], 10, "garbage"), 20122),
    ];
    for (label, params, code) in cases {
        let answer = exchange::<GetCustomObjects>(&client, &params).await;
        judge.keep(label, &answer);
        assert_eq!(answer.fault_code(), code, "{label}");
    }
    let many = (0..101)
        .map(|i| road_show(ada, &format!("m{i}"), &[]))
        .collect();
    let answer = exchange::<SyncCustomObjects>(&client, &sync(many, None)).await;
    judge.keep("101", &answer);
    assert_eq!(answer.fault_code(), 20110);
    judge.validate("custom_objects-faults");
}
