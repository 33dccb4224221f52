//! The sandbox's REST records (`sandbox/src/rest/records.rs`: custom objects and
//! opportunities) straight over HTTP: describe, sync with a skipped reason, get by one field and
//! by the whole key, delete — each checked against what the store then holds over SOAP.

use mktows::{Client, Lead};
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::rest::{Rest, error_code, reason};
use serde_json::json;

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
    // Without `fields`, the documented defaults only: no city.
    let defaults = rest
        .get("/v1/customobjects/RoadShow.json?filterType=rid&filterValues=r1")
        .await;
    let row = defaults["result"][0].as_object().unwrap();
    let mut names: Vec<&str> = row.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "MKTOID",
            "createdAt",
            "marketoGUID",
            "rid",
            "seq",
            "updatedAt"
        ],
        "{defaults}"
    );
    assert_eq!(row["marketoGUID"], guid.as_str());
    assert_eq!(row["MKTOID"], ada.to_string());
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

/// Describe Opportunity: the REST bookkeeping and dedupe field, then the SOAP Opportunity's
/// attributes (`mktows_server::marketo::OPPORTUNITY_FIELDS`) and the fixture's extra ones
/// under their REST names, typed as SOAP's describeMObject types them.
#[tokio::test]
async fn describe_opportunity_lists_the_standard_and_extra_fields() {
    let mut config = SandboxConfig::default();
    config.catalog.opportunity_fields = vec!["Region".into()];
    let sandbox = Sandbox::start(config).await.unwrap();
    let rest = Rest::new(&sandbox).await;
    let described = rest.get("/v1/opportunities/describe.json").await;
    assert_eq!(described["success"], true, "{described}");
    let object = &described["result"][0];
    assert_eq!(object["idField"], "marketoGUID");
    assert_eq!(object["dedupeFields"], json!(["externalOpportunityId"]));
    let fields = object["fields"].as_array().unwrap();
    let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
    let mut expected = vec![
        "marketoGUID",
        "externalOpportunityId",
        "createdAt",
        "updatedAt",
    ];
    let standard: Vec<String> = mktows_server::marketo::OPPORTUNITY_FIELDS
        .iter()
        .map(|f| mktows_server::marketo::rest_name(f))
        .collect();
    expected.extend(standard.iter().map(String::as_str));
    expected.push("region");
    assert_eq!(names, expected);
    let amount = fields
        .iter()
        .find(|f| f["name"] == "expectedRevenue")
        .unwrap();
    assert_eq!(
        amount,
        &json!({"name": "expectedRevenue", "displayName": "Expected Revenue",
                "dataType": "float", "updateable": true})
    );
    let guid = &fields[0];
    assert_eq!(guid["updateable"], false);
}
