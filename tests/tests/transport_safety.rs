//! The transport never hands a signed request to anyone but the configured endpoint: redirects
//! (to another host or the same one) are not followed, the signed envelope reaches the
//! redirect target zero times, and the caller is told where the endpoint pointed.

use mktows::bulk::{Fate, fate_of_error};
use mktows::client::Limits;
use mktows::signing::Credentials;
use mktows::types::LeadRecord;
use mktows::xml::Nillable;
use mktows::{Client, ClientConfig, Error, LeadKey, LeadOutcome, LeadSync};
use mktows_tests::http::{Action, TestServer};

fn client(url: &str) -> Client {
    let config =
        ClientConfig::new(url, Credentials::new("user", "key")).limits(Limits::unlimited(4));
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
