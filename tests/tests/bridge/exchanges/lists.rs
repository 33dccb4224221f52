//! listOperation: the list found by name, then one call per operation with the lead ids; REST's
//! per-lead statuses (`added`, `memberof`, `skipped` with a reason) become SOAP's true/false.

use mktows::operations::ListOperation;
use mktows_tests::recorded::{Recording, assert_output, step};
use serde_json::{Value, json};

fn road_show() -> mktows_tests::recorded::Step {
    step("GET", "/v1/lists.json?name=Road Show").answer(json!({
        "requestId": "l#1", "success": true, "result": [
            {"id": 1001, "name": "Road Show", "programName": "Events",
             "workspaceName": "Default", "createdAt": "2015-01-01T00:00:00Z",
             "updatedAt": "2015-01-01T00:00:00Z"}]}))
}

fn params(operation: &str, ids: &[i32], strict: bool) -> Value {
    let keys: Vec<Value> = ids
        .iter()
        .map(|id| json!({"keyType": "IDNUM", "keyValue": id.to_string()}))
        .collect();
    json!({"listOperation": operation,
           "listKey": {"keyType": "MKTOLISTNAME", "keyValue": "Road Show"},
           "listMemberList": {"leadKey": keys}, "strict": strict})
}

/// `success` is true only when every lead's status is (as the sandbox and Marketo answer).
fn statuses(pairs: &[(i32, bool)]) -> Value {
    let list: Vec<Value> = pairs
        .iter()
        .map(|(id, status)| {
            json!({"leadKey": {"keyType": "IDNUM", "keyValue": id.to_string()}, "status": status})
        })
        .collect();
    let success = pairs.iter().all(|(_, status)| *status);
    json!({"result": {"success": success, "statusList": {"leadStatus": list}}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_and_is_member_report_each_lead() {
    let rec = Recording::start(vec![
        road_show(),
        step("POST", "/v1/lists/1001/leads.json?id=318594&id=318595").answer(json!({
            "requestId": "15a2#1", "success": true, "result": [
                {"id": 318594, "status": "added"},
                {"id": 318595, "status": "skipped",
                 "reasons": [{"code": "1004", "message": "Lead not found"}]}]})),
        road_show(),
        step(
            "GET",
            "/v1/lists/1001/leads/ismember.json?id=318594&id=318596",
        )
        .answer(json!({
            "requestId": "15a2#2", "success": true, "result": [
                {"id": 318594, "status": "memberof"},
                {"id": 318596, "status": "notmemberof"}]})),
    ])
    .await;
    let added = rec
        .call::<ListOperation>(params("ADDTOLIST", &[318594, 318595], false))
        .await;
    assert_output(&added, statuses(&[(318594, true), (318595, false)]));
    let member = rec
        .call::<ListOperation>(params("ISMEMBEROFLIST", &[318594, 318596], false))
        .await;
    assert_output(&member, statuses(&[(318594, true), (318596, false)]));
    rec.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_remove_checks_first_and_sends_nothing_when_a_lead_is_missing() {
    let rec = Recording::start(vec![
        road_show(),
        step(
            "GET",
            "/v1/leads.json?filterType=id&filterValues=318594,318599&fields=id&batchSize=300",
        )
        .answer(json!({"requestId": "c#1", "success": true, "result": [{"id": 318594}]})),
        road_show(),
        step(
            "GET",
            "/v1/leads.json?filterType=id&filterValues=318594&fields=id&batchSize=300",
        )
        .answer(json!({"requestId": "c#2", "success": true, "result": [{"id": 318594}]})),
        step("DELETE", "/v1/lists/1001/leads.json?id=318594").answer(json!({
            "requestId": "15a2#3", "success": true, "result": [
                {"id": 318594, "status": "removed"}]})),
    ])
    .await;
    let refused = rec
        .call::<ListOperation>(params("REMOVEFROMLIST", &[318594, 318599], true))
        .await;
    assert_output(
        &refused,
        json!({"result": {"success": false, "statusList": {"leadStatus": [
            {"leadKey": {"keyValue": "318594"}, "status": false},
            {"leadKey": {"keyValue": "318599"}, "status": false}]}}}),
    );
    let removed = rec
        .call::<ListOperation>(params("REMOVEFROMLIST", &[318594], true))
        .await;
    assert_output(&removed, statuses(&[(318594, true)]));
    rec.finish();
}
