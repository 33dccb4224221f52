//! getLeadChanges and getLeadActivity: type names → ids through `types.json`, the date token
//! from `pagingtoken.json`, then `activities.json` pages (`moreResult` + `nextPageToken` ↔ the
//! SOAP offset).

use mktows::operations::{GetLeadActivity, GetLeadChanges};
use mktows_tests::recorded::{Recording, Step, assert_output, step};
use serde_json::{Value, json};

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

/// The lookup of an IDNUM lead key, answered with that lead.
fn id_lookup(id: i64) -> Step {
    step(
        "GET",
        &format!("/v1/leads.json?filterType=id&filterValues={id}&fields=id"),
    )
    .answer(json!({"requestId": "l#1", "success": true, "result": [{"id": id}]}))
}

/// One `activities.json` read of `leadIds` from `token`.
fn chunk_read(ids: &str, batch: usize, token: &str, more: bool, next: &str, row: Value) -> Step {
    step(
        "GET",
        &format!(
            "/v1/activities.json?nextPageToken={token}&activityTypeIds=1&leadIds={ids}&batchSize={batch}"
        ),
    )
    .answer(json!({"requestId": "a#1", "success": true, "moreResult": more,
                   "nextPageToken": next, "result": [row]}))
}

/// 31 lead keys (SOAP took 100, REST reads 30 `leadIds` a call): the ids in a chunk of 30 and
/// one of 1, both read from the same date token; a SOAP page of 2 takes the first chunk's one
/// row and the second's first, and its offset carries each chunk's token; the next SOAP call
/// goes on with the second chunk alone. 101 keys: the documented bad-parameter fault, before
/// any lookup.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lead_changes_of_31_leads_read_two_chunks_of_lead_ids() {
    let ids: Vec<i64> = (318001..=318031).collect();
    let first: Vec<String> = ids[..30].iter().map(i64::to_string).collect();
    let first = first.join(",");
    let keys: Vec<String> = ids.iter().map(i64::to_string).collect();
    let mut steps = vec![types()];
    steps.extend(ids.iter().map(|id| id_lookup(*id)));
    steps.push(
        step(
            "GET",
            "/v1/activities/pagingtoken.json?sinceDatetime=2026-11-01T00:00:00%2B00:00",
        )
        .answer(json!({"requestId": "p#1", "success": true, "nextPageToken": DATE_TOKEN})),
    );
    steps.push(chunk_read(
        &first,
        2,
        DATE_TOKEN,
        false,
        "END0",
        visit(1, 318007, "2026-11-02T17:00:00Z"),
    ));
    steps.push(chunk_read(
        "318031",
        1,
        DATE_TOKEN,
        true,
        "MID1",
        visit(2, 318031, "2026-11-01T10:00:00Z"),
    ));
    // The second SOAP call: the keys looked up again, then chunk 1 from where it stood.
    steps.push(types());
    steps.extend(ids.iter().map(|id| id_lookup(*id)));
    steps.push(chunk_read(
        "318031",
        2,
        "MID1",
        false,
        "END1",
        visit(3, 318031, "2026-11-03T10:00:00Z"),
    ));
    // 101 keys: refused after the types, before any lookup.
    steps.push(types());
    let rec = Recording::start(steps).await;
    let params = |offset: Option<&str>, keys: &[String]| {
        let mut start = json!({"oldestCreatedAt": "2026-11-01T00:00:00Z"});
        if let Some(offset) = offset {
            start["offset"] = json!(offset);
        }
        json!({"startPosition": start,
               "leadSelector": {"LeadKeySelector": {"keyType": "IDNUM",
                                                     "keyValues": {"stringItem": keys}}},
               "activityFilter": {"includeTypes": {"activityType": ["VisitWebpage"]}},
               "batchSize": 2})
    };
    let answer = rec.call::<GetLeadChanges>(params(None, &keys)).await;
    let round = "rest:chunks?at=1&token=END0&token=MID1";
    assert_output(
        &answer,
        json!({"result": {"returnCount": 2, "remainingCount": 1,
            "newStartPosition": {"offset": round},
            "leadChangeRecordList": {"leadChangeRecord": [
                {"id": 1, "mktPersonId": "318007"}, {"id": 2, "mktPersonId": "318031"}]}}}),
    );
    let answer = rec.call::<GetLeadChanges>(params(Some(round), &keys)).await;
    assert_output(
        &answer,
        json!({"result": {"returnCount": 1, "remainingCount": 0,
            "newStartPosition": {"offset": "rest:chunks?at=2&token=END0&token=END1"},
            "leadChangeRecordList": {"leadChangeRecord": [{"id": 3, "mktPersonId": "318031"}]}}}),
    );
    let too_many: Vec<String> = (1..=101).map(|i| i.to_string()).collect();
    let refused = rec.call::<GetLeadChanges>(params(None, &too_many)).await;
    assert_eq!(refused.fault_code(), 20110);
    rec.finish();
}
