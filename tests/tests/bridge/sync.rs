//! syncLead and syncMultipleLeads through the bridge (`bridge/src/sync.rs`) over real HTTP on
//! 127.0.0.1: the Rust SOAP client → `Bridge` (in-process) → the sandbox's REST API
//! (in-process); the data is then read back over the sandbox's REST and SOAP APIs.

use mktows::types::*;
use mktows::xml::Nillable;
use mktows::{ErrorCode, LeadKey, LeadSync};
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::leads::{attr, one_attempt as client};

use crate::support::{bridge_to, record, sandbox_rest};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_lead_through_the_bridge_lands_in_the_store() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = client(bridge.client_config());
    let created = soap
        .sync_lead(
            LeadSync::new(LeadKey::Email("ada@bridge.test".into()))
                .attribute("FirstName", "Ada")
                .attribute("LeadScore", "42")
                .return_lead(true),
        )
        .await
        .unwrap();
    assert_eq!(created.sync_status.status, LeadSyncStatus::Created);
    let id = created.lead_id;
    let returned = created.lead_record.unwrap().value().cloned().unwrap();
    assert_eq!(attr(&returned, "FirstName"), Some("Ada"));
    assert_eq!(attr(&returned, "LeadScore"), Some("42"));
    // Update by Id.
    let updated = soap
        .sync_lead(LeadSync::new(LeadKey::Id(id)).attribute("LastName", "Lovelace"))
        .await
        .unwrap();
    assert_eq!(updated.sync_status.status, LeadSyncStatus::Updated);
    assert_eq!(updated.lead_id, id);
    // Faults as SOAP gave them, nothing sent for the first.
    let unknown = soap
        .sync_lead(LeadSync::new(LeadKey::Email("x@bridge.test".into())).attribute("Bogus", "1"))
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), Some(ErrorCode::LeadAttributeBad));
    let missing = soap
        .sync_lead(LeadSync::new(LeadKey::Id(999)).attribute("LastName", "x"))
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Some(ErrorCode::LeadNotFound));
    assert_eq!(sandbox.lead_count(), 1);

    // Read back over the sandbox's REST and SOAP APIs.
    let rest = sandbox_rest(
        &sandbox,
        &format!("/v1/lead/{id}.json?fields=email,firstName,lastName,leadScore"),
    )
    .await;
    assert_eq!(
        rest["result"][0],
        serde_json::json!({"email": "ada@bridge.test", "firstName": "Ada", "lastName": "Lovelace", "leadScore": 42})
    );
    let direct = client(sandbox.client_config());
    let leads = direct
        .get_lead(LeadKeyRef::Idnum, &id.to_string())
        .await
        .unwrap();
    assert_eq!(attr(&leads[0], "LastName"), Some("Lovelace"));
    // And getLead through the bridge.
    let through = soap
        .get_lead(LeadKeyRef::Email, "ada@bridge.test")
        .await
        .unwrap();
    assert_eq!(through.len(), 1);
    assert_eq!(through[0].id, Some(Nillable::Value(id)));
    assert_eq!(attr(&through[0], "FirstName"), Some("Ada"));
    assert_eq!(attr(&through[0], "LastName"), Some("Lovelace"));
    let none = soap
        .get_lead(LeadKeyRef::Email, "nobody@bridge.test")
        .await
        .unwrap_err();
    assert_eq!(none.code(), Some(ErrorCode::LeadNotFound));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_multiple_leads_keeps_one_status_per_lead_in_order() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = client(bridge.client_config());
    let first = soap
        .sync_lead(LeadSync::new(LeadKey::Email("one@multi.test".into())))
        .await
        .unwrap()
        .lead_id;
    let by_id = LeadRecord {
        id: Some(Nillable::Value(first)),
        email: Some(Nillable::Value("ignored-key@multi.test".into())),
        lead_attribute_list: Some(Nillable::Value(ArrayOfAttribute {
            attribute: vec![Attribute {
                attr_name: "Company".into(),
                attr_type: None,
                attr_value: "Acme".into(),
            }],
        })),
        ..Default::default()
    };
    let ghost = LeadRecord {
        id: Some(Nillable::Value(777)),
        ..Default::default()
    };
    let leads = vec![
        record("two@multi.test", &[("FirstName", "Two")]),
        by_id,
        record("bad@multi.test", &[("NoSuchField", "x")]),
        ghost,
        record("three@multi.test", &[("City", "Paris")]),
    ];
    let report = soap.sync_multiple_leads(leads, Some(true)).await;
    let statuses: Vec<String> = report.outcomes.iter().map(|o| format!("{o:?}")).collect();
    assert_eq!(report.outcomes.len(), 5, "{statuses:?}");
    let counts = report.counts();
    assert_eq!(
        (counts.created, counts.updated, counts.failed),
        (2, 1, 2),
        "{statuses:?}"
    );
    assert!(statuses[2].contains("NoSuchField"), "{statuses:?}");
    assert!(
        statuses[3].contains("1004"),
        "the skipped record's reason: {statuses:?}"
    );
    // The store has the values, and the Email key of the lead found by Id was not written.
    let rest = sandbox_rest(
        &sandbox,
        "/v1/leads.json?filterType=email&filterValues=one@multi.test,two@multi.test,three@multi.test&fields=email,firstName,company,city",
    )
    .await;
    let rows = rest["result"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "{rest}");
    assert_eq!(rows[0]["company"], "Acme");
    assert_eq!(rows[1]["firstName"], "Two");
    assert_eq!(rows[2]["city"], "Paris");
    assert_eq!(sandbox.lead_count(), 3);
}
