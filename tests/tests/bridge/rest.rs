//! The bridge's REST client (`bridge/src/rest.rs`) over real HTTP on 127.0.0.1: tokens refreshed
//! on 601 and on expiry, 606 back-off, reads sent again after transient failures (and changes
//! never), and REST failures (unreachable, HTML, a reset or garbage after sending) as clear SOAP
//! faults while the bridge keeps serving.

use std::time::{Duration, Instant};

use crate::support::{KEY, USER, bridge_to, local, record, sandbox_rest, settings};

use mktows::types::*;
use mktows::xml::Nillable;
use mktows::{ErrorCode, LeadKey, LeadSync};
use mktows_bridge::{Bridge, BridgeConfig};
use mktows_sandbox::rest::Injected;
use mktows_sandbox::{Sandbox, SandboxConfig, SandboxLimits};
use mktows_tests::http::{Action, TestServer};
use mktows_tests::leads::one_attempt as client;
use reqwest::Method;

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

/// The transient failures Marketo documents: HTTP 500/502/503 and REST 604/608/611/713.
fn transient_failures() -> [Injected; 7] {
    [
        Injected::Status(500),
        Injected::Status(502),
        Injected::Status(503),
        Injected::Code(604),
        Injected::Code(608),
        Injected::Code(611),
        Injected::Code(713),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_is_sent_again_after_a_transient_failure_within_bounded_attempts() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = client(bridge.client_config());
    soap.sync_lead(
        LeadSync::new(LeadKey::Email("ada@retry.test".into())).attribute("FirstName", "Ada"),
    )
    .await
    .unwrap();
    for failure in transient_failures() {
        // Two failures, then the answer: the SOAP call succeeds with the stored lead, after the
        // deterministic back-off (20 ms, then 40 ms).
        sandbox
            .rest()
            .fail_next(Method::GET, "/v1/leads.json", 2, failure.clone());
        let started = Instant::now();
        let leads = soap
            .get_lead(LeadKeyRef::Email, "ada@retry.test")
            .await
            .unwrap_or_else(|e| panic!("{failure:?}: {e}"));
        assert!(
            started.elapsed() >= Duration::from_millis(60),
            "{failure:?}"
        );
        let lead = mktows::Lead::from(leads.into_iter().next().unwrap());
        assert_eq!(lead.attribute("FirstName"), Some("Ada"), "{failure:?}");
        // Three failures: the attempts (3) are spent and the SOAP call fails with 20011.
        sandbox
            .rest()
            .fail_next(Method::GET, "/v1/leads.json", 3, failure.clone());
        let err = soap
            .get_lead(LeadKeyRef::Email, "ada@retry.test")
            .await
            .unwrap_err();
        assert_eq!(
            err.code(),
            Some(ErrorCode::ServiceInternalError),
            "{failure:?}: {err}"
        );
    }
    // A failure that is not transient (610) is not retried: one failure, one fault.
    sandbox
        .rest()
        .fail_next(Method::GET, "/v1/leads.json", 1, Injected::Code(610));
    let err = soap
        .get_lead(LeadKeyRef::Email, "ada@retry.test")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("610"), "{err}");
    let again = soap.get_lead(LeadKeyRef::Email, "ada@retry.test").await;
    assert!(again.is_ok(), "the one failure was used up: {again:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_read_sent_as_post_method_get_is_sent_again_too() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = client(bridge.client_config());
    soap.sync_lead(LeadSync::new(LeadKey::Email("long@retry.test".into())))
        .await
        .unwrap();
    // 100 long keys: the query is over 7 KB, so the read goes as `POST ?_method=GET`.
    let mut keys: Vec<String> = (0..99)
        .map(|i| format!("{i}-{}@retry.test", "k".repeat(80)))
        .collect();
    keys.push("long@retry.test".into());
    sandbox
        .rest()
        .fail_next(Method::GET, "/v1/leads.json", 1, Injected::Code(713));
    let params = ParamsGetMultipleLeads {
        lead_selector: Some(LeadSelector::LeadKeySelector(LeadKeySelector {
            key_type: LeadKeyRef::Email,
            key_values: ArrayOfString { string_item: keys },
        })),
        ..Default::default()
    };
    let answer = soap
        .call::<mktows::operations::GetMultipleLeads>(
            &Default::default(),
            &params,
            mktows::client::Idempotency::Idempotent,
        )
        .await
        .unwrap();
    assert_eq!(answer.result.return_count, 1);
    // The failure was used by that read: the next one needs no retry and succeeds at once.
    sandbox
        .rest()
        .fail_next(Method::GET, "/v1/leads.json", 3, Injected::Code(713));
    let err = soap
        .call::<mktows::operations::GetMultipleLeads>(
            &Default::default(),
            &params,
            mktows::client::Idempotency::Idempotent,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ServiceInternalError), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_is_never_sent_again_after_a_transient_failure() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = client(bridge.client_config());
    soap.sync_lead(LeadSync::new(LeadKey::Email("first@write.test".into())))
        .await
        .unwrap();
    for (i, failure) in transient_failures().into_iter().enumerate() {
        // Applied, then the answer lost: "may have been applied", and the lead stored once.
        let email = format!("w{i}@write.test");
        sandbox
            .rest()
            .fail_next_after_applying(Method::POST, "/v1/leads.json", 1, failure.clone());
        let err = soap
            .sync_lead(LeadSync::new(LeadKey::Email(email.clone())).attribute("FirstName", "W"))
            .await
            .unwrap_err();
        assert_eq!(
            err.code(),
            Some(ErrorCode::ServiceInternalError),
            "{failure:?}"
        );
        let stored = sandbox_rest(
            &sandbox,
            &format!("/v1/leads.json?filterType=email&filterValues={email}"),
        )
        .await;
        assert_eq!(
            stored["result"].as_array().map(Vec::len),
            Some(1),
            "{failure:?}: the lead is stored once: {stored}"
        );
        // Refused before it was carried out: not sent again (a second attempt would store it).
        let email = format!("n{i}@write.test");
        sandbox
            .rest()
            .fail_next(Method::POST, "/v1/leads.json", 1, failure.clone());
        let err = soap
            .sync_lead(LeadSync::new(LeadKey::Email(email.clone())))
            .await
            .unwrap_err();
        assert_eq!(
            err.code(),
            Some(ErrorCode::ServiceInternalError),
            "{failure:?}"
        );
        let stored = sandbox_rest(
            &sandbox,
            &format!("/v1/leads.json?filterType=email&filterValues={email}"),
        )
        .await;
        assert_eq!(
            stored["result"].as_array().map(Vec::len).unwrap_or(0),
            0,
            "{failure:?}: not resent: {stored}"
        );
    }
    assert_eq!(sandbox.lead_count(), 1 + 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_object_read_by_its_whole_key_is_sent_again_too() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = client(bridge.client_config());
    let ada = soap
        .sync_lead(LeadSync::new(LeadKey::Email("ada@show.test".into())))
        .await
        .unwrap()
        .lead_id
        .to_string();
    let attributes = |pairs: &[(&str, &str)]| ArrayOfAttribute {
        attribute: pairs
            .iter()
            .map(|(n, v)| Attribute {
                attr_name: (*n).into(),
                attr_type: None,
                attr_value: (*v).into(),
            })
            .collect(),
    };
    let key = attributes(&[("MKTOID", &ada), ("rid", "r1")]);
    let sync = ParamsSyncCustomObjects {
        obj_type_name: "RoadShow".into(),
        custom_obj_list: ArrayOfCustomObj {
            custom_obj: vec![CustomObj {
                custom_obj_key_list: Some(Nillable::Value(key.clone())),
                custom_obj_attribute_list: Some(Nillable::Value(attributes(&[("city", "Rome")]))),
            }],
        },
        operation: Some(Nillable::Value(SyncOperationEnum::Upsert)),
    };
    soap.call::<mktows::operations::SyncCustomObjects>(
        &Default::default(),
        &sync,
        mktows::client::Idempotency::NotIdempotent,
    )
    .await
    .unwrap();
    // By the whole key: `POST ?_method=GET` with a JSON body, a read all the same.
    let get = ParamsGetCustomObjects {
        obj_type_name: "RoadShow".into(),
        custom_obj_key_list: Some(Nillable::Value(key)),
        ..Default::default()
    };
    let headers = Default::default();
    let read = || {
        soap.call::<mktows::operations::GetCustomObjects>(
            &headers,
            &get,
            mktows::client::Idempotency::Idempotent,
        )
    };
    let path = "/v1/customobjects/RoadShow.json";
    sandbox
        .rest()
        .fail_next(Method::GET, path, 2, Injected::Code(611));
    let answer = read().await.unwrap();
    assert_eq!(answer.result.return_count, 1, "{answer:?}");
    sandbox
        .rest()
        .fail_next(Method::GET, path, 3, Injected::Code(611));
    let err = read().await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ServiceInternalError), "{err}");
}
