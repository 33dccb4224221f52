//! The client against a local HTTP server that breaks: every lead accounted for under injected
//! failures (resets, truncation, 5xx, faults), resends only when idempotent, unreachable
//! endpoints, oversized and non-SOAP answers, and the default size limit.

use std::sync::Arc;
use std::time::{Duration, Instant};

use mktows::client::{Limits, RetryPolicy};
use mktows::elements::AnyElement;
use mktows::error::{ErrorCode, Outcome};
use mktows::transport::{HttpConfig, HttpTransport};
use mktows::types::*;
use mktows::xml::{self, AnyBody};
use mktows::{Client, Error, LeadKey, LeadOutcome, LeadSync};
use mktows_tests::fake_marketo::{client, config, fault, lead_number, leads, marketo};
use mktows_tests::http::{Action, TestServer};

#[tokio::test]
async fn every_lead_is_accounted_for_under_injected_failures() {
    // Chunks of 100: chunk 2 reset, chunk 4 a fault, chunk 5 truncated, chunk 6 an HTML page,
    // chunk 7 too slow. Chunk boundaries are found from the first lead's email.
    let server = TestServer::start(|request| {
        let envelope = xml::decode_any::<AnyElement>(&request.body).unwrap();
        let AnyBody::Element(AnyElement::ParamsSyncMultipleLeads(params)) = &envelope.body else {
            return marketo(request);
        };
        let chunk = lead_number(&params.lead_record_list.lead_record[0]).unwrap() / 100;
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
