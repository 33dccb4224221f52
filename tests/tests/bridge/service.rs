//! The bridge as a service (`bridge/src/service.rs`, `bridge/src/metrics.rs`): `/healthz`,
//! `/readyz` against the sandbox's REST, an unreachable REST and refused client credentials,
//! `/metrics` counting the SOAP and REST calls made through the bridge, exactly, and the same
//! endpoints over built-in TLS.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::support::{KEY, USER, bridge_to, local, settings};

use mktows::types::LeadKeyRef;
use mktows::{ErrorCode, LeadKey, LeadSync};
use mktows_bridge::{Bridge, BridgeConfig};
use mktows_sandbox::{DEFAULT_CLIENT_SECRET, Sandbox, SandboxConfig, SandboxLimits};
use mktows_tests::leads::one_attempt as client;

/// `GET base/path`: status and body.
async fn get(base: &str, path: &str) -> (u16, String) {
    let answer = reqwest::get(format!("{base}{path}")).await.unwrap();
    let status = answer.status().as_u16();
    (status, answer.text().await.unwrap())
}

/// The samples of a scrape, `name{labels}` → value (comments skipped).
fn samples(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (name, value) = l.rsplit_once(' ').unwrap();
            (name.to_owned(), value.parse().unwrap())
        })
        .collect()
}

/// A port nothing listens on.
async fn dead_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_and_readyz_are_200_when_rest_gives_a_token() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let bridge = bridge_to(&sandbox).await;
    assert_eq!(
        get(&bridge.base_url(), "/healthz").await,
        (200, "ok\n".into())
    );
    assert_eq!(
        get(&bridge.base_url(), "/readyz").await,
        (200, "ready\n".into())
    );
    let scrape = samples(&get(&bridge.base_url(), "/metrics").await.1);
    assert_eq!(
        scrape["mktows_bridge_rest_token_requests_total{outcome=\"ok\"}"], 1.0,
        "the probe asked the identity endpoint once"
    );
    // A second probe within the readiness age asks nothing.
    assert_eq!(get(&bridge.base_url(), "/readyz").await.0, 200);
    let scrape = samples(&get(&bridge.base_url(), "/metrics").await.1);
    assert_eq!(
        scrape["mktows_bridge_rest_token_requests_total{outcome=\"ok\"}"],
        1.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_is_503_naming_an_unreachable_rest() {
    let port = dead_port().await;
    let config = BridgeConfig::new(
        local(),
        settings(
            format!("http://127.0.0.1:{port}/rest"),
            format!("http://127.0.0.1:{port}/identity"),
        ),
        vec![(USER.into(), KEY.into())],
    );
    let bridge = Bridge::start(config).await.unwrap();
    assert_eq!(
        get(&bridge.base_url(), "/healthz").await,
        (200, "ok\n".into())
    );
    let (status, body) = get(&bridge.base_url(), "/readyz").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(
        body,
        format!(
            "not ready: Marketo REST identity: cannot connect (http://127.0.0.1:{port}/identity)\n"
        )
    );
    assert!(!body.contains(DEFAULT_CLIENT_SECRET), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_is_503_when_the_client_secret_is_refused_and_names_no_secret() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let mut rest = settings(sandbox.rest_endpoint(), sandbox.identity_endpoint());
    rest.client_secret = "wrong-secret-3f9a".into();
    let bridge = Bridge::start(BridgeConfig::new(
        local(),
        rest,
        vec![(USER.into(), KEY.into())],
    ))
    .await
    .unwrap();
    let (status, body) = get(&bridge.base_url(), "/readyz").await;
    assert_eq!(status, 503, "{body}");
    assert!(
        body.starts_with("not ready: Marketo REST identity: HTTP 401"),
        "{body}"
    );
    assert!(
        body.contains("the client id or secret was refused"),
        "{body}"
    );
    assert!(
        !body.contains("wrong-secret-3f9a") && !body.contains(DEFAULT_CLIENT_SECRET),
        "{body}"
    );
    let scrape = samples(&get(&bridge.base_url(), "/metrics").await.1);
    assert_eq!(
        scrape["mktows_bridge_rest_token_requests_total{outcome=\"failed\"}"],
        1.0
    );
}

/// A scrape of `bridge`'s `/metrics` (checked to be the exposition format's text).
async fn scrape_of(bridge: &Bridge) -> BTreeMap<String, f64> {
    let answer = reqwest::get(format!("{}/metrics", bridge.base_url()))
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer.headers()["content-type"],
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    );
    let text = answer.text().await.unwrap();
    assert!(text.ends_with("# EOF\n"), "{text}");
    samples(&text)
}

/// The sum of the REST call counts whose labels contain `part`.
fn rest_calls_with(scrape: &BTreeMap<String, f64>, part: &str) -> f64 {
    scrape
        .iter()
        .filter(|(k, _)| k.starts_with("mktows_bridge_rest_calls_total{") && k.contains(part))
        .map(|(_, v)| v)
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_soap_calls_rest_calls_and_todays_quota_exactly() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = client(bridge.client_config());
    let lead = LeadSync::new(LeadKey::Email("m@metrics.test".into())).attribute("City", "Oslo");
    let id = soap.sync_lead(lead.clone()).await.unwrap().lead_id;
    let again = lead.attribute("City", "Bergen").return_lead(true);
    soap.sync_lead(again).await.unwrap();
    assert_eq!(
        soap.get_lead(LeadKeyRef::Email, "m@metrics.test")
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        soap.get_lead(LeadKeyRef::Idnum, &id.to_string())
            .await
            .unwrap()
            .len(),
        1
    );
    let missing = soap
        .get_lead(LeadKeyRef::Email, "nobody@metrics.test")
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Some(ErrorCode::LeadNotFound));
    let scrape = scrape_of(&bridge).await;
    let expected = [
        (
            r#"mktows_bridge_soap_calls_total{operation="syncLead",fault="none"}"#,
            2.0,
        ),
        (
            r#"mktows_bridge_soap_calls_total{operation="getLead",fault="none"}"#,
            2.0,
        ),
        (
            r#"mktows_bridge_soap_calls_total{operation="getLead",fault="20103"}"#,
            1.0,
        ),
        (
            r#"mktows_bridge_soap_call_duration_seconds_count{operation="syncLead"}"#,
            2.0,
        ),
        (
            r#"mktows_bridge_soap_call_duration_seconds_count{operation="getLead"}"#,
            3.0,
        ),
        (
            r#"mktows_bridge_soap_call_duration_seconds_bucket{le="+Inf",operation="getLead"}"#,
            3.0,
        ),
        (
            r#"mktows_bridge_rest_calls_total{method="GET",endpoint="/v1/leads/describe.json",code="ok"}"#,
            1.0,
        ),
        (
            r#"mktows_bridge_rest_calls_total{method="POST",endpoint="/v1/leads.json",code="ok"}"#,
            2.0,
        ),
        (
            r#"mktows_bridge_rest_calls_total{method="GET",endpoint="/v1/lead/{id}.json",code="ok"}"#,
            1.0,
        ),
        (
            r#"mktows_bridge_rest_calls_total{method="GET",endpoint="/v1/leads.json",code="ok"}"#,
            3.0,
        ),
        (
            r#"mktows_bridge_rest_token_requests_total{outcome="ok"}"#,
            1.0,
        ),
        ("mktows_bridge_rest_calls_today", 7.0),
        ("mktows_bridge_rest_daily_quota", 50_000.0),
        ("mktows_bridge_rest_pacing_waits_total", 0.0),
    ];
    for (name, value) in expected {
        assert_eq!(scrape.get(name), Some(&value), "{name} in {scrape:#?}");
    }
    assert_eq!(
        rest_calls_with(&scrape, ""),
        7.0,
        "no other REST call: {scrape:#?}"
    );
    assert!(
        scrape.keys().all(|k| !k.contains(&id.to_string())),
        "no raw id in a label: {scrape:#?}"
    );
    // The sandbox counts the REST calls it answered (tokens apart): the same 7.
    assert_eq!(sandbox.rest().calls(), 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_606_back_offs_and_pacing_waits() {
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
    let scrape = scrape_of(&bridge).await;
    let answered_606 = rest_calls_with(&scrape, r#"code="606""#);
    assert!(answered_606 > 0.0, "{scrape:#?}");
    assert_eq!(
        scrape.get(r#"mktows_bridge_rest_backoffs_total{code="606"}"#),
        Some(&answered_606),
        "one back-off per 606 (every call succeeded in the end)"
    );
    assert_eq!(
        scrape["mktows_bridge_rest_calls_today"],
        rest_calls_with(&scrape, "")
    );
    assert_eq!(
        scrape[r#"mktows_bridge_soap_calls_total{operation="syncLead",fault="none"}"#],
        6.0
    );

    // Paced at 2 calls a second: describe and the first sync go at once, the second waits.
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let mut rest = settings(sandbox.rest_endpoint(), sandbox.identity_endpoint());
    rest.limits = mktows::client::Limits {
        max_concurrent: 10,
        calls_per_window: 2,
        window: Duration::from_secs(1),
    };
    let bridge = Bridge::start(BridgeConfig::new(
        local(),
        rest,
        vec![(USER.into(), KEY.into())],
    ))
    .await
    .unwrap();
    let soap = client(bridge.client_config());
    for i in 0..2 {
        soap.sync_lead(LeadSync::new(LeadKey::Email(format!("p{i}@pace.test"))))
            .await
            .unwrap();
    }
    let scrape = scrape_of(&bridge).await;
    assert_eq!(
        scrape["mktows_bridge_rest_pacing_waits_total"], 1.0,
        "{scrape:#?}"
    );
    let waited = scrape["mktows_bridge_rest_pacing_wait_seconds_total"];
    assert!((0.5..=1.0).contains(&waited), "{waited}");
    assert_eq!(scrape["mktows_bridge_rest_calls_today"], 3.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_tls_the_bridge_names_https_and_serves_its_endpoints_over_it() {
    let generated = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let dir = std::env::temp_dir().join(format!("mktows-bridge-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, generated.cert.pem()).unwrap();
    std::fs::write(&key, generated.signing_key.serialize_pem()).unwrap();
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let mut config = BridgeConfig::new(
        local(),
        settings(sandbox.rest_endpoint(), sandbox.identity_endpoint()),
        vec![(USER.into(), KEY.into())],
    );
    config.serve.tls = Some(mktows_server::http::Tls::from_pem_files(&cert, &key).unwrap());
    let bridge = Bridge::start(config).await.unwrap();
    assert!(
        bridge.url().starts_with("https://127.0.0.1:"),
        "{}",
        bridge.url()
    );
    let port = bridge.base_url().rsplit(':').next().unwrap().to_owned();
    let https = reqwest::Client::builder()
        .add_root_certificate(
            reqwest::Certificate::from_pem(generated.cert.pem().as_bytes()).unwrap(),
        )
        .resolve("localhost", format!("127.0.0.1:{port}").parse().unwrap())
        .build()
        .unwrap();
    let ready = https
        .get(format!("https://localhost:{port}/readyz"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready\n");
    let _ = std::fs::remove_dir_all(&dir);
}
