//! The embedded sandbox as a service, through the client: the authentication window and
//! signature checks, opt-in limits, the WSDL served with its own address, data that survives
//! a restart, and ten concurrent clients.

use std::time::Duration;

use chrono::TimeDelta;
use mktows::client::{Limits, RetryPolicy};
use mktows::types::*;
use mktows::{Client, ErrorCode, LeadOutcome, LeadSync};
use mktows_sandbox::{Sandbox, SandboxConfig, SandboxLimits};
use mktows_tests::leads::{attr, by_email as lead, client, email, sandbox};

#[tokio::test]
async fn authentication_like_marketo() {
    let sandbox = sandbox().await;
    let wrong = Client::new(
        mktows::ClientConfig::new(
            sandbox.url(),
            mktows::signing::Credentials::new(sandbox.credentials().user_id.clone(), "nope"),
        )
        .limits(Limits::unlimited(1)),
    )
    .unwrap();
    let err = wrong
        .sync_lead(LeadSync::new(email("a@b.c")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::AuthenticationFailed));
    let stale = Client::new(
        sandbox
            .client_config()
            .clock_offset(TimeDelta::minutes(-20))
            .retry(RetryPolicy {
                max_attempts: 1,
                ..RetryPolicy::default()
            }),
    )
    .unwrap();
    let err = stale
        .sync_lead(LeadSync::new(email("a@b.c")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::RequestExpired));
    // Within the window (skewed 10 minutes) is accepted.
    let skewed = Client::new(sandbox.client_config().clock_offset(TimeDelta::minutes(10))).unwrap();
    assert!(
        skewed
            .sync_lead(LeadSync::new(email("a@b.c")))
            .await
            .is_ok()
    );
}

#[test]
fn an_operation_a_back_end_lacks_is_named() {
    struct Nothing;
    impl mktows_server::Backend for Nothing {
        fn name(&self) -> &str {
            "test back end"
        }
    }
    use mktows_server::Backend;
    let fault = Nothing.unsupported_fault("getTags");
    assert_eq!(fault.code, ErrorCode::UnsupportedOperation);
    assert!(
        fault.message.contains("paramsGetTags") && fault.message.contains("test back end"),
        "{fault}"
    );
}

#[tokio::test]
async fn opt_in_limits() {
    let config = SandboxConfig {
        limits: SandboxLimits {
            rate: Some((3, Duration::from_secs(60))),
            concurrency: None,
            daily_quota: Some(5),
        },
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let rated = client(&sandbox);
    for i in 0..3 {
        rated
            .sync_lead(LeadSync::new(email(&format!("r{i}@x.com"))))
            .await
            .unwrap();
    }
    let err = rated
        .sync_lead(LeadSync::new(email("r3@x.com")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::RateLimitExceeded));

    let mut config = SandboxConfig::default();
    config.limits.daily_quota = Some(2);
    let sandbox = Sandbox::start(config).await.unwrap();
    let quota = client(&sandbox);
    quota
        .sync_lead(LeadSync::new(email("q1@x.com")))
        .await
        .unwrap();
    quota
        .sync_lead(LeadSync::new(email("q2@x.com")))
        .await
        .unwrap();
    let err = quota
        .sync_lead(LeadSync::new(email("q3@x.com")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::RequestLimitExceeded));

    let mut config = SandboxConfig::default();
    config.limits.concurrency = Some(2);
    let sandbox = Sandbox::start(config).await.unwrap();
    let client = Client::new(
        sandbox
            .client_config()
            .limits(Limits::unlimited(20))
            .batch_size(1)
            .retry(RetryPolicy {
                max_attempts: 1,
                ..RetryPolicy::default()
            }),
    )
    .unwrap();
    let report = client
        .sync_multiple_leads(
            (0..200)
                .map(|i| lead(&format!("c{i}@x.com")))
                .collect::<Vec<_>>(),
            Some(true),
        )
        .await;
    let throttled = report.outcomes.iter().filter(|o| matches!(o, LeadOutcome::ChunkFailed { error, .. } if error.code() == Some(ErrorCode::ConcurrencyLimitExceeded))).count();
    assert!(throttled > 0, "20 in flight against a limit of 2");
    assert_eq!(report.counts().created + throttled, 200);
}

#[tokio::test]
async fn wsdl_is_served_with_its_own_address() {
    let sandbox = sandbox().await;
    let wsdl = reqwest_get(&format!("{}?WSDL", sandbox.url())).await;
    assert!(
        wsdl.contains(&format!("<soap:address location=\"{}\"", sandbox.url())),
        "{}",
        &wsdl[..200]
    );
    assert!(wsdl.contains("name=\"syncMultipleLeads\""));
}

async fn reqwest_get(url: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let path = &url[url.find(&address).unwrap() + address.len()..];
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

#[tokio::test]
async fn data_survives_a_restart() {
    let path = std::env::temp_dir().join(format!("mktows-sandbox-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let config = SandboxConfig {
        data: Some(path.clone()),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config.clone()).await.unwrap();
    let id = client(&sandbox)
        .sync_lead(LeadSync::new(email("keep@x.com")).attribute("Company", "Durable"))
        .await
        .unwrap()
        .lead_id;
    client(&sandbox)
        .sync_multiple_leads(
            (0..50)
                .map(|i| lead(&format!("k{i}@x.com")))
                .collect::<Vec<_>>(),
            Some(true),
        )
        .await;
    sandbox.stop().await;
    let sandbox = Sandbox::start(config).await.unwrap();
    assert_eq!(sandbox.lead_count(), 51);
    let again = client(&sandbox);
    let stored = &again
        .get_lead(LeadKeyRef::Idnum, &id.to_string())
        .await
        .unwrap()[0];
    assert_eq!(attr(stored, "Company"), Some("Durable"));
    let next = again
        .sync_lead(LeadSync::new(email("new@x.com")))
        .await
        .unwrap()
        .lead_id;
    assert!(next > id, "ids keep increasing after a restart");
    let _ = std::fs::remove_file(&path);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_clients_ten_thousand_leads_each() {
    let sandbox = sandbox().await;
    let mut tasks = Vec::new();
    for c in 0..10 {
        let config = sandbox.client_config();
        tasks.push(tokio::spawn(async move {
            let client = Client::new(config).unwrap();
            let leads: Vec<LeadRecord> = (0..10_000)
                .map(|i| lead(&format!("c{c}-{i}@x.com")))
                .collect();
            client.sync_multiple_leads(leads, Some(true)).await
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for task in tasks {
        let report = task.await.unwrap();
        assert_eq!(report.outcomes.len(), 10_000);
        assert_eq!(report.counts().created, 10_000, "{:?}", report.counts());
        ids.extend(report.outcomes.iter().map(|o| o.lead_id().unwrap()));
    }
    assert_eq!(ids.len(), 100_000, "no id given twice");
    assert_eq!(sandbox.lead_count(), 100_000, "nothing lost or doubled");
}
