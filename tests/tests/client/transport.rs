//! The transport never hands a signed request to anyone but the configured endpoint: redirects
//! (to another host or the same one) are not followed, the signed envelope reaches the
//! redirect target zero times, and the caller is told where the endpoint pointed. A scheme
//! mix-up (https to plain HTTP, http to TLS) says so.

use std::time::Duration;

use mktows::bulk::{Fate, fate_of_error};
use mktows::client::{Limits, RetryPolicy};
use mktows::signing::Credentials;
use mktows::types::LeadRecord;
use mktows::xml::Nillable;
use mktows::{Client, ClientConfig, Error, LeadKey, LeadOutcome, LeadSync};
use mktows_tests::http::{Action, TestServer};

fn client(url: &str) -> Client {
    let config = ClientConfig::new(url, Credentials::new("user", "key"))
        .limits(Limits::unlimited(4))
        .retry(RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            connect_attempts: 2,
            connect_delay: Duration::from_millis(5),
        });
    Client::new(config).unwrap()
}

#[tokio::test]
async fn redirects_are_never_followed_and_the_target_sees_nothing() {
    let target = TestServer::start(|_| Action::ok(String::new())).await;
    for (status, location) in [
        (307, format!("{}?token=secret", target.url)),
        (308, target.url.clone()),
        (302, "https://elsewhere.example/soap".to_owned()),
    ] {
        let location_for_server = location.clone();
        let endpoint = TestServer::start(move |_| Action::Redirect {
            status,
            location: location_for_server.clone(),
        })
        .await;
        let client = client(&endpoint.url);
        let err = client
            .sync_lead(LeadSync::new(LeadKey::Id(7)).attribute("FirstName", "Ann"))
            .await
            .unwrap_err();
        match &err {
            Error::Redirected {
                status: got,
                location: Some(to),
            } => {
                assert_eq!(*got, status);
                assert!(!to.contains("secret"), "no query string in messages: {to}");
            }
            other => panic!("{status}: expected Redirected, got {other:?}"),
        }
        assert!(
            err.to_string().contains("redirects are not followed"),
            "{err}"
        );
        assert_eq!(
            endpoint.received().len(),
            1,
            "{status}: sent once, not retried"
        );
        // A batch behind a redirect: every lead rejected, nothing sent anywhere else.
        let leads: Vec<LeadRecord> = (0..3)
            .map(|i| LeadRecord {
                email: Some(Nillable::Value(format!("r{i}@example.com"))),
                ..Default::default()
            })
            .collect();
        let report = client.sync_multiple_leads(leads, Some(true)).await;
        assert_eq!(report.outcomes.len(), 3);
        for outcome in &report.outcomes {
            match outcome {
                LeadOutcome::ChunkFailed { error, .. } => {
                    assert_eq!(fate_of_error(error), Fate::Rejected)
                }
                other => panic!("{other:?}"),
            }
        }
    }
    assert_eq!(
        target.received().len(),
        0,
        "the redirect target never saw a request"
    );
}

#[tokio::test]
async fn https_to_a_plain_http_endpoint_says_so() {
    // The sandbox is plain HTTP: it answers a TLS handshake with an HTTP 400.
    let plain = mktows_sandbox::Sandbox::start(Default::default())
        .await
        .unwrap();
    let url = plain.url().replacen("http://", "https://", 1);
    let err = client(&url)
        .sync_lead(LeadSync::new(LeadKey::Id(7)))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("the endpoint does not speak TLS: if it is plain HTTP, use http://"),
        "{err}"
    );
    assert_eq!(plain.lead_count(), 0);
}

#[tokio::test]
async fn http_to_a_tls_endpoint_says_so() {
    // A server that, like a TLS server reading plain HTTP, answers with a TLS alert record.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let mut buffer = [0u8; 1024];
            let _ = stream.read(&mut buffer).await;
            let _ = stream
                .write_all(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46])
                .await;
        }
    });
    let err = client(&format!("http://{addr}/soap/mktows/2_6"))
        .sync_lead(LeadSync::new(LeadKey::Id(7)))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("if the endpoint speaks TLS, use https://"),
        "{err}"
    );
}
