//! Custom objects through the bridge (`bridge/src/custom_objects.rs`): SOAP client → `Bridge` →
//! the sandbox's REST custom object calls; what REST stored is read back from the sandbox over
//! SOAP. Every bridge response is judged by xmllint against the WSDL's schema.

use mktows::operations::{DeleteCustomObjects, GetCustomObjects, SyncCustomObjects};
use mktows::types::*;
use mktows::xml::Nillable;
use mktows::{Client, Lead};
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::bridge::bridge_to;
use mktows_tests::soap::{Judge, exchange};

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
