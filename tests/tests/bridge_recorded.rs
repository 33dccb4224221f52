//! The bridge's newer mappings against recorded REST exchanges shaped like Marketo's
//! documentation examples (a fake Marketo on 127.0.0.1 answering in order): a reset after the
//! merge was sent is "may have been applied", never MERGED; 601 refreshes the token and the
//! custom-object sync is retried, its per-record `skipped` reason reaching the SOAP status; a
//! 606 before a bulk import backs off and the import goes through.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use mktows::Client;
use mktows::bridge::{Bridge, BridgeConfig, RestSettings};
use mktows::client::{Limits, RetryPolicy};
use mktows::operations::{ImportToList, MergeLeads, SyncCustomObjects};
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_tests::http::{Action, Received, TestServer};
use mktows_tests::soap::exchange;

const USER: &str = "bridge_user";
const KEY: &str = "bridge-key";

fn json(body: &str) -> Action {
    Action::Respond {
        status: 200,
        content_type: "application/json",
        body: body.as_bytes().to_vec(),
    }
}

/// A fake Marketo: a token for each identity call, then `answers` in order for the REST calls
/// (the last one repeated); the REST requests it saw are kept.
async fn fake(answers: Vec<Action>) -> (TestServer, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let server = TestServer::start(move |request: &Received| {
        if request.header("authorization").is_none() {
            let n = counter.load(Ordering::SeqCst);
            return json(&format!(
                r#"{{"access_token":"token-{n}","token_type":"bearer","expires_in":3599,"scope":"x"}}"#
            ));
        }
        let i = counter.fetch_add(1, Ordering::SeqCst);
        answers[i.min(answers.len() - 1)].clone()
    })
    .await;
    (server, calls)
}

async fn bridge_to_fake(server: &TestServer) -> (Bridge, Client) {
    let base = server.url.trim_end_matches("/soap/mktows/2_6").to_owned();
    let mut settings = RestSettings::new(
        format!("{base}/rest"),
        format!("{base}/identity"),
        mktows::sandbox::DEFAULT_CLIENT_ID,
        mktows::sandbox::DEFAULT_CLIENT_SECRET,
    );
    settings.limits = Limits::unlimited(10);
    settings.backoff = std::time::Duration::from_millis(50);
    settings.timeout = std::time::Duration::from_secs(5);
    let bridge = Bridge::start(BridgeConfig::new(
        std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        settings,
        vec![(USER.into(), KEY.into())],
    ))
    .await
    .unwrap();
    let client = Client::new(bridge.client_config().retry(RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    }))
    .unwrap();
    (bridge, client)
}

fn key(value: i32) -> ArrayOfAttribute {
    ArrayOfAttribute {
        attribute: vec![Attribute {
            attr_name: "IDNUM".into(),
            attr_type: None,
            attr_value: value.to_string(),
        }],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_after_the_merge_was_sent_is_may_have_been_applied() {
    let (server, calls) = fake(vec![
        json(r#"{"requestId":"1#a","success":true,"result":[{"id":1001}]}"#),
        json(r#"{"requestId":"2#a","success":true,"result":[{"id":1002}]}"#),
        Action::Close,
    ])
    .await;
    let (_bridge, soap) = bridge_to_fake(&server).await;
    let answer = exchange::<MergeLeads>(
        &soap,
        &ParamsMergeLeads::new(
            key(1001),
            ArrayOfKeyList {
                key_list: vec![key(1002)],
            },
        ),
    )
    .await;
    assert_eq!(answer.fault_code(), 20011, "{}", answer.text);
    assert!(
        answer.text.contains("may have been applied"),
        "{}",
        answer.text
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        3,
        "two lookups and the merge, sent once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_601_refreshes_the_token_and_skipped_records_keep_their_reason() {
    let (server, calls) = fake(vec![
        json(r#"{"requestId":"1#b","success":false,"errors":[{"code":"601","message":"Access token invalid"}]}"#),
        // Shaped like the documentation's Sync Custom Objects example.
        json(
            r#"{"requestId":"e42b#14272d07d78","success":true,"result":[
                {"seq":0,"status":"created","marketoGUID":"dff23271-f996-47d7-984f-f2676861b5fb"},
                {"seq":1,"status":"skipped","reasons":[{"code":"1006","message":"Field 'shoeSize' not found"}]}]}"#,
        ),
    ])
    .await;
    let (_bridge, soap) = bridge_to_fake(&server).await;
    let object = |rid: &str, field: &str| CustomObj {
        custom_obj_key_list: Some(Nillable::Value(ArrayOfAttribute {
            attribute: vec![Attribute {
                attr_name: "rid".into(),
                attr_type: None,
                attr_value: rid.into(),
            }],
        })),
        custom_obj_attribute_list: Some(Nillable::Value(ArrayOfAttribute {
            attribute: vec![Attribute {
                attr_name: field.into(),
                attr_type: None,
                attr_value: "x".into(),
            }],
        })),
    };
    let answer = exchange::<SyncCustomObjects>(
        &soap,
        &ParamsSyncCustomObjects {
            obj_type_name: "RoadShow".into(),
            custom_obj_list: ArrayOfCustomObj {
                custom_obj: vec![object("r1", "city"), object("r2", "shoeSize")],
            },
            operation: None,
        },
    )
    .await;
    let statuses = &answer
        .output()
        .result
        .sync_custom_obj_status_list
        .sync_custom_obj_status;
    assert_eq!(statuses[0].status, SyncStatusEnum::Created);
    assert_eq!(statuses[1].status, SyncStatusEnum::Failed);
    assert_eq!(
        statuses[1].error,
        Some(Nillable::Value("Field 'shoeSize' not found (1006)".into()))
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "sent, refused 601, sent again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_606_before_a_bulk_import_backs_off_and_the_import_goes_through() {
    let (server, calls) = fake(vec![
        // describe.json (the header's names), then the list by name.
        json(
            r#"{"requestId":"1#c","success":true,"result":[
                {"id":2,"displayName":"Email Address","dataType":"email","rest":{"name":"email"},"soap":{"name":"Email"}},
                {"id":3,"displayName":"First Name","dataType":"string","rest":{"name":"firstName"},"soap":{"name":"FirstName"}}]}"#,
        ),
        json(r#"{"requestId":"2#c","success":true,"result":[{"id":1001,"name":"Attendees"}]}"#),
        json(r#"{"requestId":"3#c","success":false,"errors":[{"code":"606","message":"Max rate limit '100' exceeded with in '20' secs"}]}"#),
        json(r#"{"requestId":"4#c","success":true,"result":[{"batchId":1022,"importId":"1022","status":"Queued"}]}"#),
    ])
    .await;
    let (_bridge, soap) = bridge_to_fake(&server).await;
    let answer = exchange::<ImportToList>(
        &soap,
        &ParamsImportToList::new(
            "Sandbox Program",
            "Email Address,First Name",
            ArrayOfString {
                string_item: vec!["ada@example.com,Ada".into()],
            },
            ImportToListModeEnum::Upsertleads,
            "Attendees",
            false,
            Nillable::Nil,
        ),
    )
    .await;
    assert_eq!(
        answer.output().result.import_status,
        ImportToListStatusEnum::Processing
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        4,
        "describe, list, 606, the upload again"
    );
}
