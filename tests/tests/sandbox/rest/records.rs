//! The sandbox's REST calls beyond leads, straight over HTTP: Merge Leads (1004, 1080, the
//! losers gone), custom objects (describe, sync with a skipped reason, get by one field and by
//! the whole key, delete), opportunities, and Bulk Lead Import (multipart upload, batch status,
//! `failures.json` as CSV) — each checked against what the store then holds over SOAP.

use std::time::Duration;

use mktows::types::{LeadKeyRef, ListOperationType};
use mktows::{Client, Lead};
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::rest::{Rest, error_code, reason};
use serde_json::{Value, json};

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

#[tokio::test]
async fn custom_objects_and_opportunities_over_rest() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let soap = Client::new(sandbox.client_config()).unwrap();
    let rest = Rest::new(&sandbox).await;
    let ada = soap
        .sync_lead(Lead::by_email("ada@example.com"))
        .await
        .unwrap()
        .lead_id;
    let described = rest.get("/v1/customobjects/RoadShow/describe.json").await;
    assert_eq!(
        described["result"][0]["dedupeFields"],
        json!(["MKTOID", "rid"])
    );
    let synced = rest
        .send(
            reqwest::Method::POST,
            "/v1/customobjects/RoadShow.json",
            json!({"input": [
                {"MKTOID": ada, "rid": "r1", "city": "Paris"},
                {"MKTOID": ada, "rid": "r2", "shoeSize": 9},
                {"MKTOID": 42, "rid": "r3"},
            ]}),
        )
        .await;
    let rows = synced["result"].as_array().unwrap();
    assert_eq!(rows[0]["status"], "created", "{synced}");
    assert_eq!(reason(&rows[1]), "1006");
    assert_eq!(reason(&rows[2]), "1003");
    let by_field = rest
        .get("/v1/customobjects/RoadShow.json?filterType=rid&filterValues=R1&fields=rid,city")
        .await;
    assert_eq!(by_field["result"][0]["city"], "Paris", "{by_field}");
    let guid = by_field["result"][0]["marketoGUID"]
        .as_str()
        .unwrap()
        .to_owned();
    let by_key = rest
        .send(
            reqwest::Method::POST,
            "/v1/customobjects/RoadShow.json?_method=GET",
            json!({"filterType": "dedupeFields", "fields": ["city"], "input": [{"MKTOID": ada, "rid": "r1"}]}),
        )
        .await;
    assert_eq!(by_key["result"][0]["marketoGUID"], guid.as_str());
    let deleted = rest
        .send(
            reqwest::Method::POST,
            "/v1/customobjects/RoadShow/delete.json",
            json!({"deleteBy": "idField", "input": [{"marketoGUID": guid}, {"marketoGUID": "nope"}]}),
        )
        .await;
    assert_eq!(deleted["result"][0]["status"], "deleted");
    assert_eq!(reason(&deleted["result"][1]), "1013");
    let unknown = rest.get("/v1/customobjects/Nope/describe.json").await;
    assert_eq!(error_code(&unknown), "1003");

    let synced = rest
        .send(
            reqwest::Method::POST,
            "/v1/opportunities.json",
            json!({"input": [
                {"externalOpportunityId": "o-1", "name": "Big deal", "amount": "5000"},
                {"externalOpportunityId": "o-2", "colour": "red"},
                {"name": "no key"},
            ]}),
        )
        .await;
    let rows = synced["result"].as_array().unwrap();
    assert_eq!(rows[0]["status"], "created", "{synced}");
    assert_eq!(reason(&rows[1]), "1006");
    assert_eq!(reason(&rows[2]), "1003");
    let read = rest
        .get("/v1/opportunities.json?filterType=externalOpportunityId&filterValues=o-1&fields=name,amount")
        .await;
    assert_eq!(read["result"][0]["name"], "Big deal", "{read}");
    assert_eq!(read["result"][0]["amount"], "5000");
}

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
