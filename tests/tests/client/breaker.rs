//! The client's circuit breaker (`mktows/src/client/breaker.rs`) against real sockets: a
//! server that accepts connections and closes them unanswered, and a port nobody listens on
//! (refused) that a server later starts on. Budgets are a few hundred milliseconds; every
//! count is of connections the server accepted or requests it read.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mktows::client::{BreakerPolicy, ClientEvent, Limits, RetryPolicy};
use mktows::types::LeadKeyRef;
use mktows::{Client, ClientConfig, Error, LeadOutcome, OutcomeClass};
use mktows_tests::fake_marketo::{config, fault, leads, marketo};
use mktows_tests::http::{Action, TestServer, free_port};

/// Retries that would go on for seconds: only the breaker ends them early.
fn patient() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 200,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(40),
        connect_attempts: 200,
        connect_delay: Duration::from_millis(20),
    }
}

/// `config` with patient retries, a 300 ms breaker probing every `probe_every`, and the
/// events it reports collected.
fn breaker_config(
    url: &str,
    probe_every: Duration,
) -> (ClientConfig, Arc<Mutex<Vec<ClientEvent>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let config = config(url)
        .retry(patient())
        .breaker(BreakerPolicy {
            open_after: Duration::from_millis(300),
            probe_every,
        })
        .on_event(move |event| {
            if matches!(
                event,
                ClientEvent::EndpointUnreachable { .. } | ClientEvent::EndpointBack
            ) {
                sink.lock().unwrap().push(event.clone());
            }
        });
    (config, events)
}

fn is_unreachable(error: &Error) -> bool {
    matches!(error, Error::EndpointUnreachable { .. })
}

#[tokio::test]
async fn the_breaker_opens_after_the_budget_and_queued_calls_fail_at_once_unsent() {
    // Every connection is accepted, its request read, and closed unanswered.
    let server = TestServer::start(|_| Action::Close).await;
    let (config, events) = breaker_config(&server.url, Duration::from_secs(60));
    let client = Client::new(config.batch_size(100).reconcile(false)).unwrap();

    let started = Instant::now();
    let first = client
        .get_lead(LeadKeyRef::Email, "a@example.com")
        .await
        .unwrap_err();
    let took = started.elapsed();
    // Retried (a read) until the streak reached the budget, then refused by the breaker.
    assert!(took >= Duration::from_millis(300), "gave up after {took:?}");
    assert!(took < Duration::from_secs(3), "gave up after {took:?}");
    match &first {
        Error::EarlierAttemptUncertain { last, .. } => assert!(is_unreachable(last), "{first}"),
        other => panic!("expected the breaker after uncertain attempts, got {other}"),
    }
    assert!(first.to_string().contains("unreachable since"), "{first}");
    let sent = server.received().len();
    assert!(sent >= 5, "only {sent} attempts before the breaker opened");
    assert_eq!(server.accepted(), sent, "one connection per closed attempt");
    {
        let events = events.lock().unwrap();
        let [ClientEvent::EndpointUnreachable { since }] = events.as_slice() else {
            panic!("expected one EndpointUnreachable event, got {events:?}");
        };
        let age = chrono::Utc::now() - *since;
        assert!(
            age >= chrono::TimeDelta::milliseconds(300) && age < chrono::TimeDelta::seconds(3),
            "unreachable since {since} ({age} ago)"
        );
    }

    // Open: 20 reads and a 1,000-lead sync (10 chunks) fail at once, without a connection.
    let started = Instant::now();
    let emails: Vec<String> = (0..20).map(|i| format!("r{i}@example.com")).collect();
    let reads =
        futures::future::join_all(emails.iter().map(|e| client.get_lead(LeadKeyRef::Email, e)))
            .await;
    let report = client.sync_multiple_leads(leads(1000), Some(true)).await;
    let took = started.elapsed();
    assert!(
        took < Duration::from_millis(250),
        "refused calls took {took:?}"
    );
    for read in reads {
        let error = read.unwrap_err();
        assert!(is_unreachable(&error), "{error}");
        assert_eq!(error.class(), OutcomeClass::NotSent);
    }
    assert_eq!(report.outcomes.len(), 1000);
    for outcome in &report.outcomes {
        let LeadOutcome::ChunkFailed { error, .. } = outcome else {
            panic!("expected a failed chunk, got {outcome:?}");
        };
        assert!(is_unreachable(error), "{error}");
        assert_eq!(outcome.class(), Some(OutcomeClass::NotSent));
    }
    assert_eq!(server.received().len(), sent, "no request while open");
    assert_eq!(server.accepted(), sent, "no connection while open");
}

#[tokio::test]
async fn a_probe_closes_the_breaker_when_the_server_comes_back() {
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/soap/mktows/2_6");
    let (config, events) = breaker_config(&url, Duration::from_millis(500));
    let client = Client::new(config).unwrap();

    // Refused connections until the budget is spent: not sent, and the breaker opens.
    let started = Instant::now();
    let error = client
        .get_lead(LeadKeyRef::Email, "a@example.com")
        .await
        .unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(is_unreachable(&error), "{error}");
    assert_eq!(error.class(), OutcomeClass::NotSent);
    let text = error.to_string();
    assert!(
        text.starts_with(&format!("{url} unreachable since "))
            && text.contains("the circuit breaker is open, this attempt was not sent")
            && text.contains("Connection refused"),
        "{text}"
    );

    // The server comes back on the same port; calls keep failing at once until a probe is due.
    let server = TestServer::start_on(port, marketo).await;
    let back = Instant::now();
    let mut refused_meanwhile = 0;
    let lead = loop {
        assert!(back.elapsed() < Duration::from_secs(3), "never closed");
        match client.get_lead(LeadKeyRef::Email, "a@example.com").await {
            Ok(lead) => break lead,
            Err(e) if is_unreachable(&e) => refused_meanwhile += 1,
            Err(e) => panic!("unexpected error: {e}"),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(lead.len(), 1);
    assert!(
        refused_meanwhile >= 1,
        "the first call after the restart was refused at once"
    );
    // Only the probe reached the server: the refused calls opened no connection.
    assert_eq!(server.received().len(), 1);
    assert_eq!(server.accepted(), 1);
    assert!(matches!(
        events.lock().unwrap().as_slice(),
        [
            ClientEvent::EndpointUnreachable { .. },
            ClientEvent::EndpointBack
        ]
    ));
    // Closed: every call is sent again.
    for _ in 0..5 {
        client
            .get_lead(LeadKeyRef::Email, "a@example.com")
            .await
            .unwrap();
    }
    assert_eq!(server.received().len(), 6);
}

#[tokio::test]
async fn reconciliation_with_the_breaker_open_leaves_leads_may_have_been_applied() {
    // The sync hangs past the budget, then the connection closes: may have been applied.
    let server = TestServer::start(|request| {
        if String::from_utf8_lossy(&request.body).contains("paramsSyncMultipleLeads") {
            Action::Delay(Duration::from_millis(400), Box::new(Action::Close))
        } else {
            marketo(request)
        }
    })
    .await;
    let (config, events) = breaker_config(&server.url, Duration::from_secs(60));
    let client = Client::new(
        config
            .batch_size(100)
            .limits(Limits::unlimited(1))
            .reconcile(true),
    )
    .unwrap();
    // Deduplication off and no unique key: never resent once it may have been applied.
    let report = client.sync_multiple_leads(leads(100), Some(false)).await;
    assert_eq!(report.outcomes.len(), 100);
    for outcome in &report.outcomes {
        let LeadOutcome::ChunkFailed { error, settled, .. } = outcome else {
            panic!("expected a failed chunk, got {outcome:?}");
        };
        assert!(settled.is_none(), "no lookup could settle it: {settled:?}");
        assert_eq!(error.class(), OutcomeClass::MayHaveBeenApplied, "{error}");
        assert_eq!(outcome.class(), Some(OutcomeClass::MayHaveBeenApplied));
        assert!(!outcome.is_success());
    }
    // One sync, and no lookup: the breaker opened on the sync's failure and refused them.
    let received = server.received();
    let actions: Vec<_> = received.iter().map(|r| r.header("soapaction")).collect();
    assert_eq!(received.len(), 1, "{actions:?}");
    assert!(matches!(
        events.lock().unwrap().as_slice(),
        [ClientEvent::EndpointUnreachable { .. }]
    ));
}

#[tokio::test]
async fn answers_keep_it_closed_and_html_gateway_pages_open_it() {
    // Throttling faults for longer than the budget: the endpoint answers, so it stays closed.
    let server =
        TestServer::start(|_| Action::fault(fault(20023, "Rate Limit Exceeded", "too many calls")))
            .await;
    let (config, events) = breaker_config(&server.url, Duration::from_secs(60));
    let client = Client::new(config.retry(RetryPolicy {
        max_attempts: 25,
        ..patient()
    }))
    .unwrap();
    let started = Instant::now();
    let error = client
        .get_lead(LeadKeyRef::Email, "a@example.com")
        .await
        .unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert!(error.is_throttling(), "{error}");
    assert_eq!(server.received().len(), 25, "every attempt was sent");
    assert!(events.lock().unwrap().is_empty());

    // A proxy's 502 page, no SOAP behind it: no usable answer, so it opens.
    let server = TestServer::start(|_| Action::Respond {
        status: 502,
        content_type: "text/html",
        body: b"<html><body><h1>502 Bad Gateway</h1></body></html>".to_vec(),
    })
    .await;
    let (config, events) = breaker_config(&server.url, Duration::from_secs(60));
    let client = Client::new(config).unwrap();
    let error = client
        .get_lead(LeadKeyRef::Email, "a@example.com")
        .await
        .unwrap_err();
    match &error {
        Error::EarlierAttemptUncertain { last, .. } => assert!(is_unreachable(last), "{error}"),
        other => panic!("expected the breaker, got {other}"),
    }
    assert!(matches!(
        events.lock().unwrap().as_slice(),
        [ClientEvent::EndpointUnreachable { .. }]
    ));
}
