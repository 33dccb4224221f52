//! The bridge's finer rules over real HTTP on 127.0.0.1 (client → `Bridge` → sandbox REST):
//! cookies, workspaces → partitions, one token shared by concurrent calls, REST limits that
//! outlast the back-off, the daily quota, and keys REST cannot carry.

use std::net::SocketAddr;
use std::time::Duration;

use mktows::client::Limits;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows::{Client, ErrorCode, LeadKey, LeadSync};
use mktows_bridge::{Bridge, BridgeConfig, RestSettings};
use mktows_sandbox::{Sandbox, SandboxConfig, SandboxLimits};
use mktows_tests::leads::one_attempt;

fn settings(sandbox: &Sandbox) -> RestSettings {
    let mut settings = RestSettings::new(
        sandbox.rest_endpoint(),
        sandbox.identity_endpoint(),
        mktows_sandbox::DEFAULT_CLIENT_ID,
        mktows_sandbox::DEFAULT_CLIENT_SECRET,
    );
    settings.limits = Limits::unlimited(10);
    settings.backoff = Duration::from_millis(50);
    settings
}

async fn bridge(config: BridgeConfig) -> (Bridge, Client) {
    let bridge = Bridge::start(config).await.unwrap();
    let client = one_attempt(bridge.client_config());
    (bridge, client)
}

fn config(sandbox: &Sandbox) -> BridgeConfig {
    BridgeConfig::new(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        settings(sandbox),
        vec![("u".into(), "k".into())],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cookie_finds_its_lead_and_a_new_one_is_associated() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let (_bridge, soap) = bridge(config(&sandbox)).await;
    let mut first = LeadSync::new(LeadKey::Email("c@cookie.test".into())).into_request();
    first.1.marketo_cookie = Some(Nillable::Value("id:123-ABC&token:_mch-x-1".into()));
    let created = soap
        .call::<mktows::operations::SyncLead>(
            &first.0,
            &first.1,
            mktows::client::Idempotency::NotIdempotent,
        )
        .await
        .unwrap()
        .result;
    assert_eq!(created.sync_status.status, LeadSyncStatus::Created);
    // The cookie alone now finds the same lead.
    let mut again = LeadSync::new(LeadKey::Email("c@cookie.test".into()))
        .attribute("City", "Lyon")
        .into_request();
    again.1.lead_record.email = None;
    again.1.marketo_cookie = Some(Nillable::Value("id:123-ABC&token:_mch-x-1".into()));
    let updated = soap
        .call::<mktows::operations::SyncLead>(
            &again.0,
            &again.1,
            mktows::client::Idempotency::NotIdempotent,
        )
        .await
        .unwrap()
        .result;
    assert_eq!(updated.sync_status.status, LeadSyncStatus::Updated);
    assert_eq!(updated.lead_id, created.lead_id);
    let by_cookie = soap
        .get_lead(LeadKeyRef::Cookie, "id:123-ABC&token:_mch-x-1")
        .await
        .unwrap();
    assert_eq!(by_cookie[0].id, Some(Nillable::Value(created.lead_id)));
    assert_eq!(sandbox.lead_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspaces_map_to_partitions_and_unknown_ones_are_refused() {
    let sandbox = Sandbox::start(SandboxConfig {
        workspaces: vec![
            ("Default".into(), "Default".into()),
            ("Europe".into(), "EU Leads".into()),
        ],
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let mut config = config(&sandbox);
    config.workspace_partitions = vec![("Europe".into(), "EU Leads".into())];
    let (_bridge, soap) = bridge(config).await;
    let eu = soap
        .sync_lead(LeadSync::new(LeadKey::Email("eu@ws.test".into())).workspace("europe"))
        .await
        .unwrap();
    // The lead lives in "EU Leads": the sandbox's SOAP refuses it under the Default workspace.
    let direct = Client::new(sandbox.client_config()).unwrap();
    let err = direct
        .sync_lead(LeadSync::new(LeadKey::Id(eu.lead_id)).workspace("Default"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::LeadSyncFailed));
    let unknown = soap
        .sync_lead(LeadSync::new(LeadKey::Email("x@ws.test".into())).workspace("Asia"))
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), Some(ErrorCode::BadParameter));
    // Default needs no mapping.
    soap.sync_lead(LeadSync::new(LeadKey::Email("d@ws.test".into())).workspace("default"))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_share_one_token() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let (_bridge, soap) = bridge(config(&sandbox)).await;
    let calls = (0..20).map(|i| {
        let soap = &soap;
        async move {
            soap.sync_lead(LeadSync::new(LeadKey::Email(format!("c{i}@conc.test"))))
                .await
                .unwrap()
        }
    });
    futures::future::join_all(calls).await;
    assert_eq!(sandbox.lead_count(), 20);
    assert_eq!(sandbox.rest().identity_calls(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_that_outlast_the_back_off_become_soap_faults() {
    let sandbox = Sandbox::start(SandboxConfig {
        limits: SandboxLimits {
            rate: Some((2, Duration::from_secs(60))),
            ..SandboxLimits::default()
        },
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let mut throttled = config(&sandbox);
    throttled.rest.throttle_attempts = 2;
    let (_bridge, soap) = bridge(throttled).await;
    // describe + sync use the two calls; the next is 606 twice.
    soap.sync_lead(LeadSync::new(LeadKey::Email("a@rate.test".into())))
        .await
        .unwrap();
    let err = soap
        .sync_lead(LeadSync::new(LeadKey::Email("b@rate.test".into())))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::RateLimitExceeded));
    assert_eq!(sandbox.lead_count(), 1);

    let sandbox = Sandbox::start(SandboxConfig {
        limits: SandboxLimits {
            daily_quota: Some(2),
            ..SandboxLimits::default()
        },
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let (_bridge, soap) = bridge(config(&sandbox)).await;
    soap.sync_lead(LeadSync::new(LeadKey::Email("a@quota.test".into())))
        .await
        .unwrap();
    let err = soap
        .sync_lead(LeadSync::new(LeadKey::Email("b@quota.test".into())))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::RequestLimitExceeded));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_rest_cannot_carry_are_refused_without_a_call() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let (_bridge, soap) = bridge(config(&sandbox)).await;
    let mut request = LeadSync::new(LeadKey::Email("f@key.test".into())).into_request();
    request.1.lead_record.foreign_sys_person_id = Some(Nillable::Value("SFDC-1".into()));
    request.1.lead_record.foreign_sys_type = Some(Nillable::Value(ForeignSysType::Sfdc));
    let err = soap
        .call::<mktows::operations::SyncLead>(
            &request.0,
            &request.1,
            mktows::client::Idempotency::NotIdempotent,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::UnsupportedOperation));
    assert!(err.to_string().contains("ForeignSysPersonId"), "{err}");
    let unknown_key = soap
        .get_lead(LeadKeyRef::Leadowneremail, "o@x.test")
        .await
        .unwrap_err();
    assert_eq!(unknown_key.code(), Some(ErrorCode::UnsupportedOperation));
    let comma = soap
        .get_lead(LeadKeyRef::Email, "a@x.test,b@x.test")
        .await
        .unwrap_err();
    assert_eq!(comma.code(), Some(ErrorCode::LeadKeyBad));
    let other = soap
        .api()
        .list_m_objects(Default::default(), ParamsListMObjects::default())
        .await
        .unwrap_err();
    assert_eq!(other.code(), Some(ErrorCode::UnsupportedOperation));
    assert!(other.to_string().contains("listMObjects"), "{other}");
    assert!(
        other
            .to_string()
            .contains("no faithful Marketo REST mapping"),
        "{other}"
    );
    assert_eq!(sandbox.lead_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_operations_over_300_leads_are_split_and_all_reported() {
    let sandbox = Sandbox::start(SandboxConfig {
        lists: vec!["Big".into()],
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let (_bridge, soap) = bridge(config(&sandbox)).await;
    let leads: Vec<LeadRecord> = (0..650)
        .map(|i| LeadRecord {
            email: Some(Nillable::Value(format!("b{i}@big.test"))),
            ..Default::default()
        })
        .collect();
    let report = soap.sync_multiple_leads(leads, None).await;
    assert_eq!(report.counts().created, 650);
    let ids: Vec<i32> = report.outcomes.iter().filter_map(|o| o.lead_id()).collect();
    let list = soap
        .list_operation(ListOperationType::Addtolist, "Big", &ids, false)
        .await
        .unwrap();
    assert!(list.success);
    assert_eq!(list.leads.len(), 650);
    assert!(list.leads.iter().all(|(_, ok)| *ok));
    let check = soap
        .list_operation(ListOperationType::Ismemberoflist, "Big", &ids[640..], false)
        .await
        .unwrap();
    assert!(check.success && check.leads.len() == 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_lets_the_calls_in_flight_finish() {
    use mktows_tests::http::{Action, TestServer};
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let describe = {
        let http = reqwest::Client::new();
        let token = http
            .get(format!(
                "{}/oauth/token?grant_type=client_credentials&client_id={}&client_secret={}",
                sandbox.identity_endpoint(),
                mktows_sandbox::DEFAULT_CLIENT_ID,
                mktows_sandbox::DEFAULT_CLIENT_SECRET
            ))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let token: serde_json::Value = serde_json::from_slice(&token).unwrap();
        http.get(format!(
            "{}/v1/leads/describe.json",
            sandbox.rest_endpoint()
        ))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec()
    };
    let json = |body: &[u8]| Action::Respond {
        status: 200,
        content_type: "application/json",
        body: body.to_vec(),
    };
    let slow = TestServer::start(move |request| {
        if request.header("authorization").is_none() {
            json(br#"{"access_token":"t","token_type":"bearer","expires_in":3599,"scope":"x"}"#)
        } else if request.body.is_empty() {
            json(&describe)
        } else {
            Action::Delay(
                Duration::from_millis(400),
                Box::new(json(
                    br#"{"requestId":"1#1","success":true,"result":[{"id":5,"status":"created"}]}"#,
                )),
            )
        }
    })
    .await;
    let base = slow.url.trim_end_matches("/soap/mktows/2_6").to_owned();
    let mut settings = RestSettings::new(
        format!("{base}/rest"),
        format!("{base}/identity"),
        "id",
        "secret",
    );
    settings.limits = Limits::unlimited(10);
    let (bridge, soap) = bridge(BridgeConfig::new(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        settings,
        vec![("u".into(), "k".into())],
    ))
    .await;
    let call = tokio::spawn(async move {
        soap.sync_lead(LeadSync::new(LeadKey::Email("slow@stop.test".into())))
            .await
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    let started = std::time::Instant::now();
    bridge.stop().await;
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "stop waited for the call"
    );
    let outcome = call
        .await
        .unwrap()
        .expect("the call in flight was answered");
    assert_eq!(outcome.lead_id, 5);
}
