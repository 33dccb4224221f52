//! The bridge's REST client (`bridge/src/rest.rs`) over real HTTP on 127.0.0.1: tokens refreshed
//! on 601 and on expiry, 606 back-off, and REST failures (unreachable, HTML, a reset or garbage
//! after sending) as clear SOAP faults while the bridge keeps serving.

use std::time::Duration;

use crate::support::{KEY, USER, bridge_to, local, record, sandbox_rest, settings};

use mktows::types::*;
use mktows::{ErrorCode, LeadKey, LeadSync};
use mktows_bridge::{Bridge, BridgeConfig};
use mktows_sandbox::{Sandbox, SandboxConfig, SandboxLimits};
use mktows_tests::http::{Action, TestServer};
use mktows_tests::leads::one_attempt as client;

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
