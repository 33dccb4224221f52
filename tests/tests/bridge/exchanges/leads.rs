//! syncLead, syncMultipleLeads, getLead, getMultipleLeads and mergeLeads.

use mktows::operations::{GetLead, GetMultipleLeads, MergeLeads, SyncLead, SyncMultipleLeads};
use mktows_tests::recorded::{Recording, assert_output, step};
use serde_json::json;

use super::{merge_key, merge_lookup};

/// The REST fields the bridge reads a lead with: every field `describe.json` gives a SOAP name.
const FIELDS: &str = "company,email,firstName,id,lastName";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_lead_by_email_upserts_and_reads_the_lead_back() {
    let rec = Recording::start(vec![
        step("POST", "/v1/leads.json")
            .body(json!({"action": "createOrUpdate", "lookupField": "email",
                         "input": [{"email": "ada@example.com", "firstName": "Ada"}]}))
            .answer(json!({"requestId": "e42b#14272d07d78", "success": true,
                           "result": [{"id": 50, "status": "created"}]})),
        step("GET", &format!("/v1/lead/50.json?fields={FIELDS}")).answer(json!({
            "requestId": "f1#2", "success": true,
            "result": [{"id": 50, "email": "ada@example.com", "firstName": "Ada",
                        "lastName": null, "company": "Analytical Engines"}]})),
    ])
    .await;
    let answer = rec
        .call::<SyncLead>(json!({
            "leadRecord": {"Email": "ada@example.com", "leadAttributeList": {"attribute": [
                {"attrName": "FirstName", "attrValue": "Ada"}]}},
            "returnLead": true}))
        .await;
    assert_output(
        &answer,
        json!({"result": {"leadId": 50, "syncStatus": {"leadId": 50, "status": "CREATED"},
            "leadRecord": {"Id": 50, "Email": "ada@example.com", "leadAttributeList": {"attribute": [
                {"attrName": "Company", "attrType": "string", "attrValue": "Analytical Engines"},
                {"attrName": "Email", "attrType": "email", "attrValue": "ada@example.com"},
                {"attrName": "FirstName", "attrType": "string", "attrValue": "Ada"},
                {"attrName": "Id", "attrType": "integer", "attrValue": "50"}]}}}}),
    );
    rec.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_lead_by_id_is_update_only_and_1004_is_20103() {
    let rec = Recording::start(vec![
        step("POST", "/v1/leads.json")
            .body(json!({"action": "updateOnly", "lookupField": "id",
                         "input": [{"id": 999, "lastName": "Byron"}]}))
            .answer(json!({"requestId": "a#1", "success": true, "result": [
                {"status": "skipped", "reasons": [{"code": "1004", "message": "Lead not found"}]}]})),
    ])
    .await;
    let answer = rec
        .call::<SyncLead>(json!({
            "leadRecord": {"Id": 999, "leadAttributeList": {"attribute": [
                {"attrName": "LastName", "attrValue": "Byron"}]}},
            "returnLead": false}))
        .await;
    assert_eq!(answer.fault_code(), 20103, "{}", answer.text);
    rec.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_multiple_leads_reports_created_updated_and_skipped_in_order() {
    let rec = Recording::start(vec![
        step("POST", "/v1/leads.json")
            .body(
                json!({"action": "createOrUpdate", "lookupField": "email", "input": [
                {"email": "a@example.com", "firstName": "A"},
                {"email": "b@example.com", "firstName": "B"},
                {"email": "c@example.com", "firstName": "C"}]}),
            )
            .answer(
                json!({"requestId": "e42b#14272d07d78", "success": true, "result": [
                {"id": 50, "status": "created"},
                {"id": 318797, "status": "updated"},
                {"status": "skipped", "reasons": [
                    {"code": "1007", "message": "Multiple lead match lookup criteria"}]}]}),
            ),
        step("POST", "/v1/leads.json")
            .body(json!({"action": "createDuplicate", "input": [
                {"email": "a@example.com"}]}))
            .answer(json!({"requestId": "e42b#2", "success": true,
                           "result": [{"id": 51, "status": "created"}]})),
    ])
    .await;
    let lead = |email: &str, first: &str| {
        json!({"Email": email, "leadAttributeList": {"attribute": [
            {"attrName": "FirstName", "attrValue": first}]}})
    };
    let answer = rec
        .call::<SyncMultipleLeads>(json!({"leadRecordList": {"leadRecord": [
            lead("a@example.com", "A"), lead("b@example.com", "B"), lead("c@example.com", "C")]},
            "dedupEnabled": true}))
        .await;
    let status = answer.output().result.sync_status_list.sync_status.clone();
    assert_output(
        &answer,
        json!({"result": {"syncStatusList": {"syncStatus": [
            {"leadId": 50, "status": "CREATED", "error": null},
            {"leadId": 318797, "status": "UPDATED", "error": null},
            {"leadId": 0, "status": "FAILED"}]}}}),
    );
    let error = format!("{:?}", status[2].error);
    assert!(
        error.contains("Multiple lead match lookup criteria") && error.contains("1007"),
        "{error}"
    );

    let answer = rec
        .call::<SyncMultipleLeads>(json!({"leadRecordList": {"leadRecord": [
            {"Email": "a@example.com"}]}, "dedupEnabled": false}))
        .await;
    assert_output(
        &answer,
        json!({"result": {"syncStatusList": {"syncStatus": [
            {"leadId": 51, "status": "CREATED"}]}}}),
    );
    rec.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_lead_by_email_and_none_found_is_20103() {
    let rec = Recording::start(vec![
        step(
            "GET",
            &format!("/v1/leads.json?filterType=email&filterValues=abe@usa.gov&fields={FIELDS}"),
        )
        .answer(json!({"requestId": "1#1", "success": true, "result": [
            {"id": 318581, "email": "abe@usa.gov", "firstName": "Abraham", "lastName": "Lincoln",
             "company": null}]})),
        step(
            "GET",
            &format!("/v1/leads.json?filterType=id&filterValues=7&fields={FIELDS}"),
        )
        .answer(json!({"requestId": "1#2", "result": [], "success": true})),
    ])
    .await;
    let answer = rec
        .call::<GetLead>(json!({"leadKey": {"keyType": "EMAIL", "keyValue": "abe@usa.gov"}}))
        .await;
    assert_output(
        &answer,
        json!({"result": {"count": 1, "leadRecordList": {"leadRecord": [
            {"Id": 318581, "Email": "abe@usa.gov", "leadAttributeList": {"attribute": [
                {"attrName": "Email", "attrType": "email", "attrValue": "abe@usa.gov"},
                {"attrName": "FirstName", "attrType": "string", "attrValue": "Abraham"},
                {"attrName": "Id", "attrType": "integer", "attrValue": "318581"},
                {"attrName": "LastName", "attrType": "string", "attrValue": "Lincoln"}]}}]}}}),
    );
    let missing = rec
        .call::<GetLead>(json!({"leadKey": {"keyType": "IDNUM", "keyValue": "7"}}))
        .await;
    assert_eq!(missing.fault_code(), 20103, "{}", missing.text);
    rec.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_multiple_leads_of_a_static_list_pages_with_next_page_token() {
    let token = "PS5VL5WD4UOAPQCJ4K2AOIF4ZTGCXPAVRMHBXK6QN2CFNUQK2QIA====";
    let list = || {
        step("GET", "/v1/lists.json?name=Road Show").answer(json!({
            "requestId": "l#1", "success": true, "result": [
                {"id": 1001, "name": "Road Show", "programName": "Events",
                 "workspaceName": "Default", "createdAt": "2015-01-01T00:00:00Z",
                 "updatedAt": "2015-01-01T00:00:00Z"}]}))
    };
    let row = |id: i32, email: &str| {
        json!({"id": id, "email": email, "firstName": null,
                                              "lastName": null, "company": null})
    };
    let rec = Recording::start(vec![
        list(),
        step(
            "GET",
            &format!("/v1/lists/1001/leads.json?batchSize=2&fields={FIELDS}"),
        )
        .answer(
            json!({"requestId": "p#1", "success": true, "moreResult": true,
                       "nextPageToken": token,
                       "result": [row(1, "one@example.com"), row(2, "two@example.com")]}),
        ),
        list(),
        step(
            "GET",
            &format!("/v1/lists/1001/leads.json?batchSize=2&fields={FIELDS}&nextPageToken={token}"),
        )
        .answer(json!({"requestId": "p#2", "success": true,
                       "result": [row(3, "three@example.com")]})),
    ])
    .await;
    let selector = json!({"StaticListSelector": {"staticListName": "Road Show"}});
    let first = rec
        .call::<GetMultipleLeads>(json!({"leadSelector": selector, "batchSize": 2}))
        .await;
    assert_output(
        &first,
        json!({"result": {"returnCount": 2, "remainingCount": 1,
            "newStreamPosition": format!("rest:{token}"),
            "leadRecordList": {"leadRecord": [
                {"Id": 1, "Email": "one@example.com"}, {"Id": 2, "Email": "two@example.com"}]}}}),
    );
    let second = rec
        .call::<GetMultipleLeads>(json!({"leadSelector": selector, "batchSize": 2,
                                         "streamPosition": format!("rest:{token}")}))
        .await;
    assert_output(
        &second,
        json!({"result": {"returnCount": 1, "remainingCount": 0,
            "leadRecordList": {"leadRecord": [{"Id": 3, "Email": "three@example.com"}]}}}),
    );
    rec.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merge_leads_resolves_keys_then_merges() {
    let rec = Recording::start(vec![
        merge_lookup(1001),
        merge_lookup(1002),
        step("POST", "/v1/leads/1001/merge.json?leadIds=1002")
            .answer(json!({"requestId": "a6a4#15b9e2e0b50", "success": true})),
    ])
    .await;
    let answer = rec
        .call::<MergeLeads>(json!({"winningLeadKeyList": merge_key(1001),
                                   "losingLeadKeyLists": {"keyList": [merge_key(1002)]}}))
        .await;
    assert_output(
        &answer,
        json!({"result": {"mergeStatus": {"winningLeadId": 1001,
            "losingLeadIdList": {"integerItem": [1002]}, "status": "MERGED"}}}),
    );
    rec.finish();
}
