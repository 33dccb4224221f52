//! The bridge end to end over real HTTP on 127.0.0.1: the Rust SOAP client → `Bridge`
//! (in-process) → the sandbox's REST API (in-process), for every operation the bridge carries
//! out; the data is then read back over the sandbox's REST and SOAP APIs. Also token expiry and
//! revocation, 606 back-off, and REST failures (unreachable, HTML, a reset after sending) as
//! clear SOAP faults while the bridge keeps serving.

use std::net::SocketAddr;
use std::time::Duration;

use mktows::client::Limits;
use mktows::operations::{GetMultipleLeads, ListOperation};
use mktows::types::*;
use mktows::xml::Nillable;
use mktows::{ErrorCode, LeadKey, LeadSync};
use mktows_bridge::{Bridge, BridgeConfig, RestSettings};
use mktows_sandbox::{Sandbox, SandboxConfig, SandboxLimits};
use mktows_tests::http::{Action, TestServer};
use mktows_tests::leads::{attr, one_attempt as client};

const USER: &str = "bridge_user_1";
const KEY: &str = "bridge-key-for-tests";

fn local() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

fn settings(rest: String, identity: String) -> RestSettings {
    let mut settings = RestSettings::new(
        rest,
        identity,
        mktows_sandbox::DEFAULT_CLIENT_ID,
        mktows_sandbox::DEFAULT_CLIENT_SECRET,
    );
    settings.limits = Limits::unlimited(10);
    settings.backoff = Duration::from_millis(100);
    settings.timeout = Duration::from_secs(5);
    settings
}

async fn bridge_to(sandbox: &Sandbox) -> Bridge {
    let config = BridgeConfig::new(
        local(),
        settings(sandbox.rest_endpoint(), sandbox.identity_endpoint()),
        vec![(USER.into(), KEY.into())],
    );
    Bridge::start(config).await.unwrap()
}

fn record(email: &str, attributes: &[(&str, &str)]) -> LeadRecord {
    LeadRecord {
        email: Some(Nillable::Value(email.into())),
        lead_attribute_list: Some(Nillable::Value(ArrayOfAttribute {
            attribute: attributes
                .iter()
                .map(|(n, v)| Attribute {
                    attr_name: (*n).into(),
                    attr_type: None,
                    attr_value: (*v).into(),
                })
                .collect(),
        })),
        ..Default::default()
    }
}

/// The sandbox's REST answer for `path` (a fresh token each time).
async fn sandbox_rest(sandbox: &Sandbox, path: &str) -> serde_json::Value {
    let http = reqwest::Client::new();
    let token = http
        .get(format!(
            "{}/oauth/token?grant_type=client_credentials&client_id={}&client_secret={}",
            sandbox.identity_endpoint(),
            mktows_sandbox::DEFAULT_CLIENT_ID,
            mktows_sandbox::DEFAULT_CLIENT_SECRET
        ))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let token: serde_json::Value = serde_json::from_slice(&token).unwrap();
    let body = http
        .get(format!("{}{path}", sandbox.rest_endpoint()))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    serde_json::from_slice(&body).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_lead_through_the_bridge_lands_in_the_store() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = client(bridge.client_config());
    let created = soap
        .sync_lead(
            LeadSync::new(LeadKey::Email("ada@bridge.test".into()))
                .attribute("FirstName", "Ada")
                .attribute("LeadScore", "42")
                .return_lead(true),
        )
        .await
        .unwrap();
    assert_eq!(created.sync_status.status, LeadSyncStatus::Created);
    let id = created.lead_id;
    let returned = created.lead_record.unwrap().value().cloned().unwrap();
    assert_eq!(attr(&returned, "FirstName"), Some("Ada"));
    assert_eq!(attr(&returned, "LeadScore"), Some("42"));
    // Update by Id.
    let updated = soap
        .sync_lead(LeadSync::new(LeadKey::Id(id)).attribute("LastName", "Lovelace"))
        .await
        .unwrap();
    assert_eq!(updated.sync_status.status, LeadSyncStatus::Updated);
    assert_eq!(updated.lead_id, id);
    // Faults as SOAP gave them, nothing sent for the first.
    let unknown = soap
        .sync_lead(LeadSync::new(LeadKey::Email("x@bridge.test".into())).attribute("Bogus", "1"))
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), Some(ErrorCode::LeadAttributeBad));
    let missing = soap
        .sync_lead(LeadSync::new(LeadKey::Id(999)).attribute("LastName", "x"))
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Some(ErrorCode::LeadNotFound));
    assert_eq!(sandbox.lead_count(), 1);

    // Read back over the sandbox's REST and SOAP APIs.
    let rest = sandbox_rest(
        &sandbox,
        &format!("/v1/lead/{id}.json?fields=email,firstName,lastName,leadScore"),
    )
    .await;
    assert_eq!(
        rest["result"][0],
        serde_json::json!({"email": "ada@bridge.test", "firstName": "Ada", "lastName": "Lovelace", "leadScore": 42})
    );
    let direct = client(sandbox.client_config());
    let leads = direct
        .get_lead(LeadKeyRef::Idnum, &id.to_string())
        .await
        .unwrap();
    assert_eq!(attr(&leads[0], "LastName"), Some("Lovelace"));
    // And getLead through the bridge.
    let through = soap
        .get_lead(LeadKeyRef::Email, "ada@bridge.test")
        .await
        .unwrap();
    assert_eq!(through.len(), 1);
    assert_eq!(through[0].id, Some(Nillable::Value(id)));
    assert_eq!(attr(&through[0], "FirstName"), Some("Ada"));
    assert_eq!(attr(&through[0], "LastName"), Some("Lovelace"));
    let none = soap
        .get_lead(LeadKeyRef::Email, "nobody@bridge.test")
        .await
        .unwrap_err();
    assert_eq!(none.code(), Some(ErrorCode::LeadNotFound));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_multiple_leads_keeps_one_status_per_lead_in_order() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = client(bridge.client_config());
    let first = soap
        .sync_lead(LeadSync::new(LeadKey::Email("one@multi.test".into())))
        .await
        .unwrap()
        .lead_id;
    let by_id = LeadRecord {
        id: Some(Nillable::Value(first)),
        email: Some(Nillable::Value("ignored-key@multi.test".into())),
        lead_attribute_list: Some(Nillable::Value(ArrayOfAttribute {
            attribute: vec![Attribute {
                attr_name: "Company".into(),
                attr_type: None,
                attr_value: "Acme".into(),
            }],
        })),
        ..Default::default()
    };
    let ghost = LeadRecord {
        id: Some(Nillable::Value(777)),
        ..Default::default()
    };
    let leads = vec![
        record("two@multi.test", &[("FirstName", "Two")]),
        by_id,
        record("bad@multi.test", &[("NoSuchField", "x")]),
        ghost,
        record("three@multi.test", &[("City", "Paris")]),
    ];
    let report = soap.sync_multiple_leads(leads, Some(true)).await;
    let statuses: Vec<String> = report.outcomes.iter().map(|o| format!("{o:?}")).collect();
    assert_eq!(report.outcomes.len(), 5, "{statuses:?}");
    let counts = report.counts();
    assert_eq!(
        (counts.created, counts.updated, counts.failed),
        (2, 1, 2),
        "{statuses:?}"
    );
    assert!(statuses[2].contains("NoSuchField"), "{statuses:?}");
    assert!(
        statuses[3].contains("1004"),
        "the skipped record's reason: {statuses:?}"
    );
    // The store has the values, and the Email key of the lead found by Id was not written.
    let rest = sandbox_rest(
        &sandbox,
        "/v1/leads.json?filterType=email&filterValues=one@multi.test,two@multi.test,three@multi.test&fields=email,firstName,company,city",
    )
    .await;
    let rows = rest["result"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "{rest}");
    assert_eq!(rows[0]["company"], "Acme");
    assert_eq!(rows[1]["firstName"], "Two");
    assert_eq!(rows[2]["city"], "Paris");
    assert_eq!(sandbox.lead_count(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_multiple_leads_pages_to_the_end_and_lists_work() {
    let config = SandboxConfig {
        lists: vec!["Webinar".into()],
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = client(bridge.client_config());
    let emails: Vec<String> = (0..11).map(|i| format!("m{i}@page.test")).collect();
    let report = soap
        .sync_multiple_leads(emails.iter().map(|e| record(e, &[("Title", "Dr")])), None)
        .await;
    assert_eq!(report.counts().created, 11);
    let ids: Vec<i32> = report.outcomes.iter().filter_map(|o| o.lead_id()).collect();
    let mut seen = Vec::new();
    let mut position: Option<String> = None;
    let mut pages = 0;
    loop {
        let params = ParamsGetMultipleLeads {
            lead_selector: Some(LeadSelector::LeadKeySelector(LeadKeySelector {
                key_type: LeadKeyRef::Email,
                key_values: ArrayOfString {
                    string_item: emails.clone(),
                },
            })),
            batch_size: Some(Nillable::Value(4)),
            stream_position: position.clone().map(Nillable::Value),
            ..Default::default()
        };
        let page = soap
            .call::<GetMultipleLeads>(
                &Default::default(),
                &params,
                mktows::client::Idempotency::Idempotent,
            )
            .await
            .unwrap()
            .result;
        pages += 1;
        for lead in page
            .lead_record_list
            .and_then(|l| l.value().cloned())
            .unwrap()
            .lead_record
        {
            assert_eq!(attr(&lead, "Title"), Some("Dr"));
            seen.push(lead.id.and_then(|i| i.value().copied()).unwrap());
        }
        if page.new_stream_position.is_empty() {
            assert_eq!(page.remaining_count, 0);
            break;
        }
        position = Some(page.new_stream_position);
        assert!(pages < 10);
    }
    assert_eq!(pages, 3);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 11, "no record twice: {seen:?}");

    // listOperation through the bridge, checked on the sandbox's REST.
    let list_op = |op: &str, members: &[i32]| {
        ParamsListOperation::new(
            ListOperationType::from(op),
            ListKey::new(ListKeyType::Mktolistname, "Webinar".to_owned()),
            ArrayOfLeadKey {
                lead_key: members
                    .iter()
                    .map(|id| mktows::types::LeadKey::new(LeadKeyRef::Idnum, id.to_string()))
                    .collect(),
            },
        )
    };
    let call = |params: ParamsListOperation| {
        let soap = &soap;
        async move {
            soap.call::<ListOperation>(
                &Default::default(),
                &params,
                mktows::client::Idempotency::Idempotent,
            )
            .await
            .unwrap()
            .result
        }
    };
    let added = call(list_op("ADDTOLIST", &[ids[0], ids[1], 424242])).await;
    assert!(!added.success);
    let flags: Vec<bool> = added
        .status_list
        .unwrap()
        .value()
        .unwrap()
        .lead_status
        .iter()
        .map(|s| s.status)
        .collect();
    assert_eq!(flags, [true, true, false]);
    let check = call(list_op("ISMEMBEROFLIST", &[ids[0], ids[2]])).await;
    let flags: Vec<bool> = check
        .status_list
        .unwrap()
        .value()
        .unwrap()
        .lead_status
        .iter()
        .map(|s| s.status)
        .collect();
    assert_eq!(flags, [true, false]);
    let removed = call(list_op("REMOVEFROMLIST", &[ids[0]])).await;
    assert!(removed.success);
    let lists = sandbox_rest(&sandbox, "/v1/lists.json?name=Webinar").await;
    let list = lists["result"][0]["id"].as_i64().unwrap();
    let members = sandbox_rest(&sandbox, &format!("/v1/lists/{list}/leads.json?fields=id")).await;
    assert_eq!(members["result"], serde_json::json!([{"id": ids[1]}]));
    // A StaticListSelector reads the members.
    let params = ParamsGetMultipleLeads {
        lead_selector: Some(LeadSelector::StaticListSelector(StaticListSelector {
            static_list_name: Some(Nillable::Value("Webinar".into())),
            static_list_id: None,
        })),
        ..Default::default()
    };
    let page = soap
        .call::<GetMultipleLeads>(
            &Default::default(),
            &params,
            mktows::client::Idempotency::Idempotent,
        )
        .await
        .unwrap()
        .result;
    assert_eq!(page.return_count, 1);
    // No faithful mapping: a fault that says so.
    let params = ParamsGetMultipleLeads {
        lead_selector: Some(LeadSelector::LastUpdateAtSelector(LastUpdateAtSelector {
            oldest_updated_at: chrono::Utc::now().fixed_offset(),
            latest_updated_at: None,
        })),
        ..Default::default()
    };
    let err = soap
        .call::<GetMultipleLeads>(
            &Default::default(),
            &params,
            mktows::client::Idempotency::Idempotent,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::UnsupportedOperation));
    assert!(err.to_string().contains("LastUpdateAtSelector"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_refreshed_on_601_and_on_expiry() {
    let config = SandboxConfig {
        token_lifetime: Duration::from_secs(1),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = client(bridge.client_config());
    let sync = |n: usize| LeadSync::new(LeadKey::Email(format!("t{n}@token.test")));
    soap.sync_lead(sync(0)).await.unwrap();
    sandbox.rest().revoke_tokens();
    soap.sync_lead(sync(1))
        .await
        .expect("601 → new token → retried");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    soap.sync_lead(sync(2)).await.expect("expired → new token");
    assert_eq!(sandbox.lead_count(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limited_calls_back_off_and_succeed() {
    let config = SandboxConfig {
        limits: SandboxLimits {
            rate: Some((3, Duration::from_millis(400))),
            ..SandboxLimits::default()
        },
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = client(bridge.client_config());
    for i in 0..6 {
        soap.sync_lead(LeadSync::new(LeadKey::Email(format!("r{i}@rate.test"))))
            .await
            .unwrap_or_else(|e| panic!("call {i}: {e}"));
    }
    assert_eq!(sandbox.lead_count(), 6);
    assert!(
        sandbox.rest().calls() > 7,
        "some calls were answered 606 and retried ({} REST answers)",
        sandbox.rest().calls()
    );
}

/// A fake Marketo: tokens for requests without `Authorization`, `rest` for the others.
async fn fake_marketo(rest: Action) -> TestServer {
    TestServer::start(move |request| {
        if request.header("authorization").is_none() {
            Action::Respond {
                status: 200,
                content_type: "application/json",
                body: br#"{"access_token":"t:ab","token_type":"bearer","expires_in":3599,"scope":"x"}"#.to_vec(),
            }
        } else {
            rest.clone()
        }
    })
    .await
}

async fn bridge_to_fake(server: &TestServer) -> Bridge {
    let base = server.url.trim_end_matches("/soap/mktows/2_6").to_owned();
    Bridge::start(BridgeConfig::new(
        local(),
        settings(format!("{base}/rest"), format!("{base}/identity")),
        vec![(USER.into(), KEY.into())],
    ))
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_failures_are_clear_faults_and_the_bridge_keeps_serving() {
    // HTML instead of JSON (describe is the first call: a read).
    let html = fake_marketo(Action::Respond {
        status: 200,
        content_type: "text/html",
        body: b"<html><body>Maintenance</body></html>".to_vec(),
    })
    .await;
    let bridge = bridge_to_fake(&html).await;
    let soap = client(bridge.client_config());
    let err = soap.get_lead(LeadKeyRef::Email, "a@b.c").await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ServiceInternalError));
    assert!(err.to_string().contains("not Marketo's JSON"), "{err}");
    let again = soap.get_lead(LeadKeyRef::Email, "a@b.c").await.unwrap_err();
    assert_eq!(
        again.code(),
        Some(ErrorCode::ServiceInternalError),
        "still serving"
    );

    // Unreachable REST.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let bridge = Bridge::start(BridgeConfig::new(
        local(),
        settings(
            format!("http://127.0.0.1:{port}/rest"),
            format!("http://127.0.0.1:{port}/identity"),
        ),
        vec![(USER.into(), KEY.into())],
    ))
    .await
    .unwrap();
    let soap = client(bridge.client_config());
    let err = soap
        .sync_lead(LeadSync::new(LeadKey::Email("a@b.c".into())))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ServiceInternalError));
    assert!(
        !err.to_string()
            .contains(mktows_sandbox::DEFAULT_CLIENT_SECRET)
    );
    assert!(err.to_string().contains("cannot connect"), "{err}");
}

/// A fake Marketo whose identity and describe are real (from `sandbox`) and whose answer to
/// any change is `change`.
async fn fake_after_describe(sandbox: &Sandbox, change: Action) -> TestServer {
    let describe = sandbox_rest(sandbox, "/v1/leads/describe.json")
        .await
        .to_string();
    TestServer::start(move |request| {
        if request.header("authorization").is_none() {
            Action::Respond {
                status: 200,
                content_type: "application/json",
                body: br#"{"access_token":"t:ab","token_type":"bearer","expires_in":3599,"scope":"x"}"#.to_vec(),
            }
        } else if request.body.is_empty() {
            Action::Respond {
                status: 200,
                content_type: "application/json",
                body: describe.clone().into_bytes(),
            }
        } else {
            change.clone()
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_or_garbage_after_sending_a_change_is_may_have_been_applied() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    for change in [
        Action::Close,
        Action::Respond {
            status: 200,
            content_type: "application/json",
            body: br#"{"requestId":"1#2","success":tr"#.to_vec(),
        },
        Action::Truncate {
            body: br#"{"requestId":"1#2","success":true,"result":[{"id":1,"#.to_vec(),
            missing: 40,
        },
    ] {
        let server = fake_after_describe(&sandbox, change.clone()).await;
        let bridge = bridge_to_fake(&server).await;
        let soap = client(bridge.client_config());
        let err = soap
            .sync_lead(
                LeadSync::new(LeadKey::Email("reset@b.c".into())).attribute("FirstName", "R"),
            )
            .await
            .unwrap_err();
        assert_eq!(
            err.code(),
            Some(ErrorCode::ServiceInternalError),
            "{change:?}"
        );
        assert!(
            err.to_string().contains("may have been applied"),
            "{change:?}: {err}"
        );
        let report = soap
            .sync_multiple_leads(vec![record("m@b.c", &[])], None)
            .await;
        assert_eq!(report.counts().errors, 1);
        assert!(format!("{:?}", report.outcomes[0]).contains("may have been applied"));
        // Still serving: a read that does not reach REST's changes is answered.
        let wsdl = reqwest::get(format!("{}?WSDL", bridge.url()))
            .await
            .unwrap();
        assert_eq!(wsdl.status(), 200);
    }
}
