//! The client against a local HTTP server: signatures and headers checked server-side, faults
//! mapped, retries counted, pacing respected, and every lead accounted for under broken
//! responses.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use mktows::client::{Idempotency, Limits, RetryPolicy};
use mktows::elements::AnyElement;
use mktows::error::{ErrorCode, Outcome};
use mktows::operations::GetLead;
use mktows::signing::{Credentials, signature};
use mktows::transport::{HttpConfig, HttpTransport};
use mktows::types::*;
use mktows::xml::{self, AnyBody, Nillable};
use mktows::{Client, ClientConfig, Error, LeadKey, LeadOutcome, LeadSync};
use mktows_tests::http::{Action, Received, TestServer};

const USER: &str = "demo17_1_809934544BFABAE58E5D27";
const KEY: &str = "27272727aa";

fn fault(code: u32, title: &str, message: &str) -> String {
    xml::encode_fault(
        &mktows::error::marketo_fault(code, title, message),
        mktows::NAMESPACES,
    )
    .unwrap()
}

/// Checks the signature like Marketo; `None` when valid, else the 20014 fault.
fn authenticate(request: &Received) -> Result<xml::AnyEnvelope<AnyElement>, Action> {
    let envelope = xml::decode_any::<AnyElement>(&request.body)
        .map_err(|e| Action::fault(fault(20012, "Request Not Understood", &e.to_string())))?;
    let auth = envelope.headers.iter().find_map(|h| match h {
        AnyElement::AuthenticationHeader(a) => Some(a.clone()),
        _ => None,
    });
    let valid = auth.is_some_and(|a| {
        a.mktows_user_id == USER
            && a.request_signature == signature(KEY, &a.request_timestamp, &a.mktows_user_id)
    });
    if valid {
        Ok(envelope)
    } else {
        Err(Action::fault(fault(
            20014,
            "Authentication failed",
            "Authentication failed",
        )))
    }
}

/// A Marketo-like answer: every lead of syncMultipleLeads gets id = 1000 + the number in its
/// email (`lead42@x` → 1042), CREATED.
fn marketo(request: &Received) -> Action {
    let envelope = match authenticate(request) {
        Ok(e) => e,
        Err(action) => return action,
    };
    match envelope.body {
        AnyBody::Element(AnyElement::ParamsSyncMultipleLeads(params)) => {
            let ids = params.lead_record_list.lead_record.iter().map(|lead| {
                let email = lead
                    .email
                    .clone()
                    .and_then(Nillable::into_value)
                    .unwrap_or_default();
                let n: i32 = email
                    .trim_start_matches("lead")
                    .split('@')
                    .next()
                    .unwrap_or("0")
                    .parse()
                    .unwrap_or(0);
                1000 + n
            });
            Action::ok(mktows_tests::all_created_response(ids))
        }
        AnyBody::Element(AnyElement::ParamsSyncLead(params)) => {
            let id = params
                .lead_record
                .id
                .and_then(Nillable::into_value)
                .unwrap_or(77);
            let body = SuccessSyncLead {
                result: ResultSyncLead {
                    lead_id: id,
                    sync_status: SyncStatus {
                        lead_id: id,
                        status: LeadSyncStatus::Updated,
                        error: Some(Nillable::Nil),
                    },
                    lead_record: Some(Nillable::Nil),
                },
            };
            Action::ok(
                xml::encode_response::<mktows::operations::SyncLead>(&Default::default(), &body)
                    .unwrap(),
            )
        }
        AnyBody::Element(AnyElement::ParamsGetLead(params)) => {
            if params.lead_key.key_value == "nobody@example.com" {
                return Action::fault(fault(
                    20103,
                    "Lead not found",
                    "No lead found with EMAIL = nobody@example.com",
                ));
            }
            let body = SuccessGetLead {
                result: ResultGetLead {
                    count: 1,
                    lead_record_list: Some(Nillable::Value(ArrayOfLeadRecord {
                        lead_record: vec![LeadRecord {
                            id: Some(Nillable::Value(5)),
                            email: Some(Nillable::Value(params.lead_key.key_value)),
                            ..Default::default()
                        }],
                    })),
                },
            };
            Action::ok(xml::encode_response::<GetLead>(&Default::default(), &body).unwrap())
        }
        _ => Action::fault(fault(
            20019,
            "Unsupported Operation",
            "not implemented here",
        )),
    }
}

fn config(url: &str) -> ClientConfig {
    ClientConfig::new(url, Credentials::new(USER, KEY))
        .retry(RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            connect_attempts: 2,
            connect_delay: Duration::from_millis(10),
        })
        .limits(Limits::unlimited(10))
}

fn client(url: &str) -> Client {
    Client::new(config(url)).unwrap()
}

fn leads(n: usize) -> Vec<LeadRecord> {
    (0..n)
        .map(|i| LeadRecord {
            email: Some(Nillable::Value(format!("lead{i}@example.com"))),
            ..Default::default()
        })
        .collect()
}

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
async fn every_lead_is_accounted_for_under_injected_failures() {
    // Chunks of 100: chunk 2 reset, chunk 4 a fault, chunk 5 truncated, chunk 6 an HTML page,
    // chunk 7 too slow. Chunk boundaries are found from the first lead's email.
    let server = TestServer::start(|request| {
        let envelope = xml::decode_any::<AnyElement>(&request.body).unwrap();
        let AnyBody::Element(AnyElement::ParamsSyncMultipleLeads(params)) = &envelope.body else {
            return marketo(request);
        };
        let first = params.lead_record_list.lead_record[0]
            .email
            .clone()
            .and_then(Nillable::into_value)
            .unwrap();
        let chunk: usize = first
            .trim_start_matches("lead")
            .split('@')
            .next()
            .unwrap()
            .parse::<usize>()
            .unwrap()
            / 100;
        match chunk {
            2 => Action::Close,
            4 => Action::fault(fault(
                20105,
                "Unknown lead field",
                "syncMultipleLeads operation failed: unknown fields for import: pants",
            )),
            5 => Action::Truncate {
                body: b"<?xml version=\"1.0\"?><SOAP-ENV:Envelope".to_vec(),
                missing: 500,
            },
            6 => Action::Respond {
                status: 502,
                content_type: "text/html",
                body: b"<html><body><h1>502 Bad Gateway</h1></body></html>".to_vec(),
            },
            7 => Action::Delay(Duration::from_secs(3), Box::new(marketo(request))),
            _ => marketo(request),
        }
    })
    .await;
    let transport = HttpTransport::new({
        let mut http = HttpConfig::default();
        http.request_timeout = Duration::from_millis(700);
        http
    })
    .unwrap();
    let client = Client::with_transport(
        config(&server.url)
            .batch_size(100)
            .limits(Limits::unlimited(4))
            // Request counts below are syncMultipleLeads calls only: no lookups afterwards.
            .reconcile(false),
        transport,
    );
    let report = client.sync_multiple_leads(leads(1000), Some(false)).await;
    assert_eq!(report.outcomes.len(), 1000, "one outcome per lead");
    for (i, outcome) in report.outcomes.iter().enumerate() {
        let chunk = i / 100;
        match (chunk, outcome) {
            (
                2 | 4 | 5 | 6 | 7,
                LeadOutcome::ChunkFailed {
                    chunk: c, error, ..
                },
            ) => {
                assert_eq!(*c, chunk);
                match chunk {
                    2 => assert!(
                        matches!(
                            **error,
                            Error::Connection {
                                outcome: Outcome::Unknown,
                                ..
                            }
                        ),
                        "{error}"
                    ),
                    4 => assert_eq!(error.code(), Some(ErrorCode::LeadAttributeBad)),
                    5 => assert!(matches!(**error, Error::Truncated { .. }), "{error}"),
                    6 => assert!(
                        matches!(**error, Error::NotSoap { status: 502, .. }),
                        "{error}"
                    ),
                    7 => assert!(
                        matches!(
                            **error,
                            Error::Timeout {
                                outcome: Outcome::Unknown,
                                ..
                            }
                        ),
                        "{error}"
                    ),
                    _ => unreachable!(),
                }
            }
            (_, LeadOutcome::Synced(status)) => {
                assert_eq!(status.lead_id, 1000 + i as i32, "input order is kept");
                assert_eq!(status.status, LeadSyncStatus::Created);
            }
            other => panic!("lead {i}: unexpected {other:?}"),
        }
    }
    let counts = report.counts();
    assert_eq!((counts.created, counts.errors), (500, 500));
    // dedupEnabled=false: nothing whose outcome was unknown was resent.
    assert_eq!(server.received().len(), 10);
}

#[tokio::test]
async fn with_dedup_an_unknown_outcome_is_resent() {
    let server = TestServer::start(|request| {
        if request.index == 0 {
            Action::Close
        } else {
            marketo(request)
        }
    })
    .await;
    let client = client(&server.url);
    let report = client.sync_multiple_leads(leads(10), Some(true)).await;
    assert_eq!(report.counts().created, 10);
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn unreachable_endpoint_is_a_connection_error() {
    let client = Client::new(
        config("http://127.0.0.1:9/soap/mktows/2_6").retry(RetryPolicy {
            max_attempts: 1,
            connect_attempts: 1,
            ..RetryPolicy::default()
        }),
    )
    .unwrap();
    let err = client
        .sync_lead(LeadSync::new(LeadKey::Email("a@b.c".into())))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Connection {
                outcome: Outcome::NotSent,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("127.0.0.1:9"), "{err}");
}

#[tokio::test]
async fn oversized_and_non_soap_responses() {
    let server = TestServer::start(|request| {
        if request.index == 0 {
            Action::Respond {
                status: 200,
                content_type: "text/xml",
                body: vec![b' '; 4096],
            }
        } else {
            Action::Respond {
                status: 503,
                content_type: "text/plain",
                body: b"Service Unavailable".to_vec(),
            }
        }
    })
    .await;
    let mut http = HttpConfig::default();
    http.max_response_bytes = 1024;
    let client = Client::with_transport(
        config(&server.url).retry(RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }),
        HttpTransport::new(http).unwrap(),
    );
    let sync = || LeadSync::new(LeadKey::Email("a@b.c".into()));
    assert!(matches!(
        client.sync_lead(sync()).await.unwrap_err(),
        Error::TooLarge { limit: 1024, .. }
    ));
    let err = client.sync_lead(sync()).await.unwrap_err();
    assert!(
        matches!(&err, Error::NotSoap { status: 503, excerpt, .. } if excerpt == "Service Unavailable"),
        "{err}"
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

#[tokio::test]
async fn server_errors_are_resent_only_when_idempotent() {
    let server = TestServer::start(|request| {
        if request.index < 2 {
            Action::fault(fault(20011, "Internal Error", "API service failure"))
        } else {
            marketo(request)
        }
    })
    .await;
    let client = Client::new(config(&server.url).reconcile(false)).unwrap();
    // Email-only leads without deduplication: a 20011 is reported, not resent.
    let report = client.sync_multiple_leads(leads(3), Some(false)).await;
    assert_eq!(report.counts().errors, 3);
    assert_eq!(server.received().len(), 1);
    // With deduplication the same failure is retried and succeeds.
    let report = client.sync_multiple_leads(leads(3), Some(true)).await;
    assert_eq!(report.counts().created, 3);
    assert_eq!(server.received().len(), 3);
}

#[tokio::test]
async fn a_100_mb_response_is_refused_at_the_default_limit() {
    let body: Arc<Vec<u8>> = Arc::new(vec![b' '; 100 * 1024 * 1024]);
    let server = TestServer::start(move |_| Action::Respond {
        status: 200,
        content_type: "text/xml",
        body: body.as_ref().clone(),
    })
    .await;
    let client = Client::new(config(&server.url).retry(RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    }))
    .unwrap();
    let started = Instant::now();
    let err = client
        .sync_lead(LeadSync::new(LeadKey::Email("a@b.c".into())))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::TooLarge { limit, .. } if limit == 64 * 1024 * 1024),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}
