//! getLeadChanges and getLeadActivity: type names → ids through `types.json`, the date token
//! from `pagingtoken.json`, then `activities.json` pages (`moreResult` + `nextPageToken` ↔ the
//! SOAP offset).

use mktows::operations::{GetLeadActivity, GetLeadChanges};
use mktows_tests::recorded::{Recording, Step, assert_output, step};
use serde_json::json;

const DATE_TOKEN: &str = "GIYDAOBNGEYS2MBWKQYDAORQGA5DAMBOGAYDAKZQGAYDALBQ";
const NEXT: &str = "WQV2VQVPPCKHC6AQYVK7JDSA3J62DUSJ3EXJGDPTKPEBFW3SAVUA====";

/// Activity types as `GET /rest/v1/activities/types.json` lists them.
fn types() -> Step {
    step("GET", "/v1/activities/types.json").answer(json!({
        "requestId": "t#1", "success": true, "result": [
            {"id": 1, "name": "Visit Webpage", "description": "User visits a web page",
             "primaryAttribute": {"name": "Webpage ID", "dataType": "integer"},
             "attributes": [{"name": "Client IP Address", "dataType": "string"},
                            {"name": "Query Parameters", "dataType": "string"}]},
            {"id": 13, "name": "Change Data Value", "description": "Changed attribute value",
             "primaryAttribute": {"name": "Lead Attribute", "dataType": "integer"},
             "attributes": [{"name": "New Value", "dataType": "string"},
                            {"name": "Old Value", "dataType": "string"}]}]}))
}

fn visit(id: i64, lead: i32, date: &str) -> serde_json::Value {
    json!({"id": id, "marketoGUID": id.to_string(), "leadId": lead, "activityDate": date,
           "activityTypeId": 1, "primaryAttributeValueId": 71,
           "primaryAttributeValue": "localhost/munchkintest2.html",
           "attributes": [{"name": "Client IP Address", "value": "10.0.19.252"},
                          {"name": "Query Parameters", "value": ""}]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lead_changes_of_a_type_page_through_activities() {
    let rec = Recording::start(vec![
        types(),
        step(
            "GET",
            "/v1/activities/pagingtoken.json?sinceDatetime=2026-11-01T00:00:00%2B00:00",
        )
        .answer(json!({"requestId": "p#1", "success": true, "nextPageToken": DATE_TOKEN})),
        step(
            "GET",
            &format!(
                "/v1/activities.json?nextPageToken={DATE_TOKEN}&activityTypeIds=1&batchSize=1"
            ),
        )
        .answer(
            json!({"requestId": "a#1", "success": true, "moreResult": true,
                       "nextPageToken": NEXT,
                       "result": [visit(102988, 1, "2026-11-02T17:00:00Z")]}),
        ),
    ])
    .await;
    let answer = rec
        .call::<GetLeadChanges>(json!({
            "startPosition": {"oldestCreatedAt": "2026-11-01T00:00:00Z"},
            "activityFilter": {"includeTypes": {"activityType": ["VisitWebpage"]}},
            "batchSize": 1}))
        .await;
    assert_output(
        &answer,
        json!({"result": {"returnCount": 1, "remainingCount": 1,
            "newStartPosition": {"offset": format!("rest:{NEXT}")},
            "leadChangeRecordList": {"leadChangeRecord": [{
                "id": 102988, "activityDateTime": "2026-11-02T17:00:00Z",
                "activityType": "Visit Webpage", "mktgAssetName": "localhost/munchkintest2.html",
                "mktPersonId": "1",
                "activityAttributes": {"attribute": [
                    {"attrName": "Client IP Address", "attrValue": "10.0.19.252"},
                    {"attrName": "Query Parameters", "attrValue": ""}]}}]}}}),
    );
    rec.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lead_activity_reads_the_history_of_one_lead() {
    let rec = Recording::start(vec![
        step(
            "GET",
            "/v1/leads.json?filterType=email&filterValues=abe@usa.gov&fields=id",
        )
        .answer(json!({"requestId": "l#1", "success": true, "result": [{"id": 318581}]})),
        types(),
        step(
            "GET",
            "/v1/activities/pagingtoken.json?sinceDatetime=1970-01-01T00:00:00Z",
        )
        .answer(json!({"requestId": "p#1", "success": true, "nextPageToken": DATE_TOKEN})),
        step(
            "GET",
            &format!("/v1/activities.json?nextPageToken={DATE_TOKEN}&activityTypeIds=1,13&leadIds=318581&batchSize=300"),
        )
        .answer(json!({"requestId": "a#1", "success": true, "moreResult": true,
                       "nextPageToken": NEXT,
                       "result": [visit(102988, 318581, "2026-11-02T17:00:00Z")]})),
        step(
            "GET",
            &format!("/v1/activities.json?nextPageToken={NEXT}&activityTypeIds=1,13&leadIds=318581&batchSize=300"),
        )
        .answer(json!({"requestId": "a#2", "success": true, "moreResult": false,
                       "result": [visit(102990, 318581, "2026-11-03T09:30:00Z")]})),
        step(
            "GET",
            "/v1/lead/318581.json?fields=firstName,lastName,company",
        )
        .answer(json!({"requestId": "l#2", "success": true, "result": [
            {"id": 318581, "firstName": "Abraham", "lastName": "Lincoln", "company": "USA"}]})),
    ])
    .await;
    let answer = rec
        .call::<GetLeadActivity>(json!({
            "leadKey": {"keyType": "EMAIL", "keyValue": "abe@usa.gov"}}))
        .await;
    let record = |id: i64, date: &str| {
        json!({"id": id, "activityDateTime": date, "activityType": "Visit Webpage",
               "mktgAssetName": "localhost/munchkintest2.html", "mktPersonId": "318581",
               "personName": "Abraham Lincoln", "orgName": "USA"})
    };
    assert_output(
        &answer,
        json!({"leadActivityList": {"returnCount": 2, "remainingCount": 0,
            "activityRecordList": {"activityRecord": [
                record(102990, "2026-11-03T09:30:00Z"),
                record(102988, "2026-11-02T17:00:00Z")]}}}),
    );
    rec.finish();
}
