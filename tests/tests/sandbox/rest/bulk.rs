//! The sandbox's REST Bulk Lead Import (`sandbox/src/rest/bulk.rs`): multipart upload, batch status,
//! `failures.json` as CSV, each checked against what the store then holds over SOAP.

use std::time::Duration;

use mktows::types::{LeadKeyRef, ListOperationType};
use mktows::{Client, Lead};
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::rest::{Rest, error_code};
use serde_json::Value;

/// How long the sandbox reports an import as importing in this test.
const IMPORT_TIME: Duration = Duration::from_millis(200);

#[tokio::test]
async fn bulk_lead_import_over_rest() {
    let sandbox = Sandbox::start(SandboxConfig {
        lists: vec!["Attendees".into()],
        import_time: IMPORT_TIME,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let soap = Client::new(sandbox.client_config()).unwrap();
    let rest = Rest::new(&sandbox).await;
    let bulk = rest.base.trim_end_matches("/rest").to_owned();
    let upload = |file: &'static str, query: &'static str| {
        let rest = &rest;
        let bulk = bulk.clone();
        async move {
            let form = reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(file.as_bytes().to_vec()).file_name("leads.csv"),
            );
            rest.http
                .post(format!("{bulk}/bulk/v1/leads.json?{query}"))
                .bearer_auth(&rest.token)
                .multipart(form)
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .map(|b| serde_json::from_slice::<Value>(&b).unwrap())
                .unwrap()
        }
    };
    let unknown = upload("email,shoeSize\na@b.c,9\n", "format=csv").await;
    assert_eq!(error_code(&unknown), "1006");
    let since = std::time::Instant::now();
    let started = upload(
        "email,firstName,lastName\nada@example.com,Ada,Lovelace\n,Nobody,Nowhere\n\"grace@example.com\",Grace,\"Hopper, USN\"\n",
        "format=csv&listId=1001",
    )
    .await;
    assert_eq!(started["result"][0]["status"], "Queued", "{started}");
    let batch = started["result"][0]["batchId"].as_i64().unwrap();
    let status = |rest: &Rest| {
        let url = format!("{bulk}/bulk/v1/leads/batch/{batch}.json");
        let http = rest.http.clone();
        let token = rest.token.clone();
        async move {
            http.get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .map(|b| serde_json::from_slice::<Value>(&b).unwrap())
                .unwrap()
        }
    };
    let first = status(&rest).await;
    if since.elapsed() < IMPORT_TIME {
        // Asked (and answered) before the import time passed: still importing.
        assert_eq!(first["result"][0]["status"], "Importing", "{first}");
    }
    tokio::time::sleep(IMPORT_TIME).await;
    let done = status(&rest).await;
    assert_eq!(done["result"][0]["status"], "Complete", "{done}");
    assert_eq!(done["result"][0]["numOfLeadsProcessed"], 2);
    assert_eq!(done["result"][0]["numOfRowsFailed"], 1);
    let failures = rest
        .http
        .get(format!("{bulk}/bulk/v1/leads/batch/{batch}/failures.json"))
        .bearer_auth(&rest.token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        failures,
        "email,firstName,lastName,Import Failure Reason\n,Nobody,Nowhere,\"no Email Address\"\n"
    );
    let grace = Lead::from(
        soap.get_lead(LeadKeyRef::Email, "grace@example.com")
            .await
            .unwrap()
            .remove(0),
    );
    assert_eq!(grace.attribute("LastName"), Some("Hopper, USN"));
    let members = soap
        .list_operation(
            ListOperationType::Ismemberoflist,
            "Attendees",
            &[grace.id().unwrap()],
            false,
        )
        .await
        .unwrap();
    assert!(members.success);
}
