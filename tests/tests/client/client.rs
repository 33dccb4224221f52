//! The client against a local HTTP server (`mktows_tests::fake_marketo`): signatures and
//! headers checked server-side, faults mapped, retries counted, pacing respected, dry runs.
//! Broken responses are in `failures.rs`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use mktows::client::{Idempotency, Limits, RetryPolicy};
use mktows::elements::AnyElement;
use mktows::error::ErrorCode;
use mktows::signing::{Credentials, signature};
use mktows::types::*;
use mktows::xml;
use mktows::{Client, ClientConfig, LeadKey, LeadSync};
use mktows_tests::fake_marketo::{KEY, USER, authenticate, client, config, fault, leads, marketo};
use mktows_tests::http::{Action, TestServer};

#[tokio::test]
async fn requests_are_signed_with_the_declared_headers() {
    let server = TestServer::start(marketo).await;
    let client = Client::new(config(&server.url).workspace("Futures Institute")).unwrap();
    let result = client
        .sync_lead(LeadSync::new(LeadKey::Id(42)).attribute("FirstName", "Ann"))
        .await
        .unwrap();
    assert_eq!(result.lead_id, 42);
    let report = client.sync_multiple_leads(leads(3), Some(true)).await;
    assert_eq!(report.counts().created, 3);

    let received = server.received();
    assert_eq!(received.len(), 2);
    for request in &received {
        assert_eq!(
            request.header("content-type"),
            Some("text/xml; charset=UTF-8")
        );
    }
    assert_eq!(
        received[0].header("soapaction"),
        Some("\"http://www.marketo.com/mktows/syncLead\"")
    );
    assert_eq!(
        received[1].header("soapaction"),
        Some("\"http://www.marketo.com/mktows/syncMultipleLeads\"")
    );
    // The context header goes only where the binding declares it (syncLead).
    let sync_lead = xml::decode_any::<AnyElement>(&received[0].body).unwrap();
    assert!(sync_lead.headers.iter().any(|h| matches!(h, AnyElement::MktowsContextHeader(c) if c.target_workspace == "Futures Institute")));
    let batch = xml::decode_any::<AnyElement>(&received[1].body).unwrap();
    assert_eq!(batch.headers.len(), 1, "only the AuthenticationHeader");
    // The timestamp is W3C with a numeric offset.
    let AnyElement::AuthenticationHeader(auth) = &batch.headers[0] else {
        panic!("auth first")
    };
    assert!(chrono::DateTime::parse_from_rfc3339(&auth.request_timestamp).is_ok());
    assert_eq!(
        auth.request_timestamp.len(),
        "2013-08-01T18:22:30-07:00".len(),
        "{}",
        auth.request_timestamp
    );
}

#[tokio::test]
async fn typed_stub_calls_every_operation_through_the_client() {
    let server = TestServer::start(marketo).await;
    let client = client(&server.url);
    let params = ParamsGetLead {
        lead_key: LeadKey_ {
            key_type: LeadKeyRef::Email,
            key_value: "ann@example.com".into(),
        },
    };
    let lead = client
        .api()
        .get_lead(Default::default(), params)
        .await
        .unwrap();
    assert_eq!(lead.result.count, 1);
    // An operation the server does not implement comes back as a typed fault.
    let err = client
        .api()
        .list_m_objects(Default::default(), ParamsListMObjects {})
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::UnsupportedOperation));
}

type LeadKey_ = mktows::types::LeadKey;

#[tokio::test]
async fn wrong_key_is_a_20014_fault_not_retried() {
    let server = TestServer::start(marketo).await;
    let client = Client::new(
        ClientConfig::new(&server.url, Credentials::new(USER, "wrong-key"))
            .limits(Limits::unlimited(10)),
    )
    .unwrap();
    let err = client
        .sync_lead(LeadSync::new(LeadKey::Email("a@b.c".into())))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::AuthenticationFailed));
    let fault = err.fault().unwrap();
    assert_eq!(fault.http_status, 500);
    assert_eq!(
        fault.message.as_deref(),
        Some("Authentication failed (20014)")
    );
    assert_eq!(server.received().len(), 1);
    assert!(!err.to_string().contains("wrong-key"));
}

#[tokio::test]
async fn every_documented_fault_is_mapped() {
    let codes = [
        10001, 20011, 20012, 20013, 20014, 20015, 20016, 20017, 20019, 20022, 20023, 20024, 20101,
        20102, 20103, 20104, 20105, 20106, 20107, 20108, 20109, 20110, 20111, 20113, 20114, 20122,
        20123,
    ];
    let next = Arc::new(AtomicUsize::new(0));
    let counter = next.clone();
    let server = TestServer::start(move |_| {
        let code = codes[counter.load(Ordering::SeqCst)];
        Action::fault(fault(code, ErrorCode::from_code(code).title(), "detail"))
    })
    .await;
    let client = Client::new(config(&server.url).retry(RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    }))
    .unwrap();
    for (i, code) in codes.iter().enumerate() {
        next.store(i, Ordering::SeqCst);
        let err = client
            .sync_lead(LeadSync::new(LeadKey::Email("a@b.c".into())))
            .await
            .unwrap_err();
        let mapped = err.code().unwrap();
        assert_eq!(mapped.code(), *code);
        assert!(
            !matches!(mapped, ErrorCode::Unknown(_)),
            "{code} is documented"
        );
        assert_eq!(
            mapped.is_retryable(),
            matches!(code, 20023 | 20024 | 20016 | 10001 | 20011),
            "{code}"
        );
    }
}

#[tokio::test]
async fn throttling_is_retried_then_succeeds_with_a_fresh_signature() {
    let server = TestServer::start(|request| {
        if request.index < 2 {
            Action::fault(fault(
                if request.index == 0 { 20023 } else { 20024 },
                "Rate Limit Exceeded",
                "slow down",
            ))
        } else {
            marketo(request)
        }
    })
    .await;
    let client = client(&server.url);
    let report = client.sync_multiple_leads(leads(5), Some(false)).await;
    assert_eq!(report.counts().created, 5);
    let received = server.received();
    assert_eq!(received.len(), 3, "two throttled attempts, one success");
    for request in &received {
        assert!(
            authenticate(request).is_ok(),
            "every attempt is validly signed"
        );
    }
}

#[tokio::test]
async fn retries_stop_at_the_limit() {
    let server =
        TestServer::start(|_| Action::fault(fault(20024, "Concurrency Limit Exceeded", "busy")))
            .await;
    let client = client(&server.url);
    let err = client
        .sync_lead(LeadSync::new(LeadKey::Email("a@b.c".into())))
        .await
        .unwrap_err();
    assert!(err.is_throttling());
    assert_eq!(server.received().len(), 4, "max_attempts");
}

#[tokio::test]
async fn pacing_keeps_calls_per_window() {
    let server = TestServer::start(marketo).await;
    let limits = Limits {
        calls_per_window: 3,
        window: Duration::from_millis(300),
        ..Limits::default()
    };
    let client = Client::new(config(&server.url).limits(limits).batch_size(1)).unwrap();
    let started = Instant::now();
    let report = client.sync_multiple_leads(leads(7), Some(true)).await;
    assert_eq!(report.counts().created, 7);
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "{:?}",
        started.elapsed()
    );
    let times: Vec<Instant> = server.received().iter().map(|r| r.at).collect();
    for (i, t) in times.iter().enumerate() {
        let in_window = times[i..]
            .iter()
            .filter(|u| u.duration_since(*t) < Duration::from_millis(290))
            .count();
        assert!(in_window <= 3, "{in_window} calls within one window");
    }
}

#[tokio::test]
async fn concurrency_is_bounded() {
    let active = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let (a, p) = (active.clone(), peak.clone());
    let server = TestServer::start(move |request| {
        let now = a.fetch_add(1, Ordering::SeqCst) + 1;
        p.fetch_max(now, Ordering::SeqCst);
        let reply = marketo(request);
        std::thread::sleep(Duration::from_millis(20));
        a.fetch_sub(1, Ordering::SeqCst);
        reply
    })
    .await;
    let client = Client::new(
        config(&server.url)
            .limits(Limits::unlimited(3))
            .batch_size(10),
    )
    .unwrap();
    let report = client.sync_multiple_leads(leads(200), Some(true)).await;
    assert_eq!(report.counts().created, 200);
    assert!(
        peak.load(Ordering::SeqCst) <= 3,
        "peak {}",
        peak.load(Ordering::SeqCst)
    );
}

#[tokio::test]
async fn dry_run_builds_the_exact_request() {
    let client = client("https://123-ABC-456.mktoapi.com/soap/mktows/2_6");
    let (headers, params) = LeadSync::new(LeadKey::Email("t@t.com".into()))
        .workspace("EMEA")
        .into_request();
    let dry = client
        .dry_run::<mktows::operations::SyncLead>(&headers, &params)
        .unwrap();
    assert_eq!(dry.soap_action, "http://www.marketo.com/mktows/syncLead");
    let request = xml::decode_request::<mktows::operations::SyncLead>(dry.body.as_bytes()).unwrap();
    let auth = request.headers.authentication.unwrap();
    assert_eq!(
        auth.request_signature,
        signature(KEY, &auth.request_timestamp, USER)
    );
    assert_eq!(
        request.headers.mktows_context.unwrap().target_workspace,
        "EMEA"
    );
    assert_eq!(request.body, params);
    let _ = Idempotency::Idempotent;
}
