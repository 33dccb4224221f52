//! `mktows::Client` on the bridge in its own process (`bridge::InProcess`): the typed SOAP API
//! carried out on the sandbox's REST API with no SOAP server in between; what REST stored is
//! read back from the sandbox over SOAP.

use std::time::Duration;

use mktows::client::Limits;
use mktows::types::{LeadKeyRef, ListOperationType};
use mktows::{Client, Lead};
use mktows_bridge::{BridgeConfig, InProcess, RestSettings};
use mktows_sandbox::{Sandbox, SandboxConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_runs_on_rest_in_process() {
    let sandbox = Sandbox::start(SandboxConfig {
        lists: vec!["Attendees".into()],
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let mut rest = RestSettings::new(
        sandbox.rest_endpoint(),
        sandbox.identity_endpoint(),
        mktows_sandbox::DEFAULT_CLIENT_ID,
        mktows_sandbox::DEFAULT_CLIENT_SECRET,
    );
    rest.limits = Limits::unlimited(10);
    rest.timeout = Duration::from_secs(5);
    let config = BridgeConfig::new(
        ([127, 0, 0, 1], 0).into(),
        rest,
        vec![("app".into(), "app-key".into())],
    );
    let client = InProcess::client(config).unwrap();

    let ada = client
        .sync_lead(Lead::by_email("ada@example.com").with_attribute("FirstName", "Ada"))
        .await
        .unwrap();
    let batch = client
        .sync_multiple_leads(
            (0..5).map(|i| Lead::by_email(format!("l{i}@example.com"))),
            None,
        )
        .await;
    assert_eq!(batch.counts().created, 5);
    let report = client
        .list_operation(
            ListOperationType::Addtolist,
            "Attendees",
            &[ada.lead_id],
            false,
        )
        .await
        .unwrap();
    assert!(report.success);
    let read = client
        .get_lead(LeadKeyRef::Email, "ada@example.com")
        .await
        .unwrap();
    assert_eq!(
        Lead::from(read.into_iter().next().unwrap()).attribute("FirstName"),
        Some("Ada")
    );

    // What REST did, read from the sandbox over SOAP.
    assert_eq!(sandbox.lead_count(), 6);
    let direct = Client::new(sandbox.client_config()).unwrap();
    let members = direct
        .list_operation(
            ListOperationType::Ismemberoflist,
            "Attendees",
            &[ada.lead_id],
            false,
        )
        .await
        .unwrap();
    assert!(members.success);
    // A fault comes back as the SOAP fault it is.
    let missing = client
        .get_lead(LeadKeyRef::Email, "nobody@example.com")
        .await
        .unwrap_err();
    assert_eq!(
        missing.code(),
        Some(mktows::ErrorCode::LeadNotFound),
        "{missing}"
    );
}
