//! The sandbox's REST Merge Leads (`sandbox/src/rest/merge.rs`) straight over HTTP: 1004 for an
//! unknown lead, 1080 for a bad merge, the losers gone afterwards as SOAP sees it.

use mktows::types::LeadKeyRef;
use mktows::{Client, Lead};
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::rest::{Rest, error_code};
use serde_json::Value;

#[tokio::test]
async fn merge_leads_over_rest() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let soap = Client::new(sandbox.client_config()).unwrap();
    let rest = Rest::new(&sandbox).await;
    let mut ids = Vec::new();
    for (email, city) in [("a@example.com", ""), ("b@example.com", "Oslo")] {
        let mut lead = Lead::by_email(email);
        if !city.is_empty() {
            lead = lead.with_attribute("City", city);
        }
        ids.push(soap.sync_lead(lead).await.unwrap().lead_id);
    }
    let merge = |winner: i32, losers: String| {
        let rest = &rest;
        async move {
            rest.send(
                reqwest::Method::POST,
                &format!("/v1/leads/{winner}/merge.json?leadIds={losers}"),
                Value::Null,
            )
            .await
        }
    };
    assert_eq!(error_code(&merge(ids[0], "42".into()).await), "1004");
    let many: Vec<String> = (0..26).map(|i| (ids[1] + 100 + i).to_string()).collect();
    assert_eq!(error_code(&merge(ids[0], many.join(",")).await), "1080");
    let answer = merge(ids[0], ids[1].to_string()).await;
    assert_eq!(answer["success"], true, "{answer}");
    assert_eq!(sandbox.lead_count(), 1);
    let lead = Lead::from(
        soap.get_lead(LeadKeyRef::Idnum, &ids[0].to_string())
            .await
            .unwrap()
            .remove(0),
    );
    assert_eq!(lead.attribute("City"), Some("Oslo"));
}
