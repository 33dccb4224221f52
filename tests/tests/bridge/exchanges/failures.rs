//! What goes wrong on the REST side: 601 refreshes the token and the call is sent again; 606
//! backs off and retries; a reset after a change was sent is "may have been applied", never a
//! success; an HTML page instead of JSON is a clear fault; listMObjects, which REST has no
//! equivalent for, is a fault that says so without a REST call; malformed SOAP, a wrong
//! signature and an unknown operation are faults before any REST call, and the bridge goes on
//! serving.

use std::time::Duration;

use mktows::operations::{
    GetLead, ImportToList, ListMObjects, MergeLeads, SyncCustomObjects, SyncMultipleLeads,
};
use mktows_tests::http::Action;
use mktows_tests::recorded::{Recording, assert_output, step};
use serde_json::json;

use super::{merge_key, merge_lookup};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_601_refreshes_the_token_and_the_call_is_sent_again() {
    let sync = || {
        step("POST", "/v1/customobjects/roadShow_c.json").body(json!({
            "action": "createOrUpdate", "dedupeBy": "dedupeFields",
            "input": [{"rid": "r1", "city": "Boston"}]}))
    };
    let rec = Recording::start(vec![
        sync().answer(json!({"requestId": "1#b", "success": false,
                             "errors": [{"code": "601", "message": "Access token invalid"}]})),
        sync().answer(json!({"requestId": "e42b#14272d07d78", "success": true, "result": [
            {"seq": 0, "status": "created", "marketoGUID": "dff23271-f996-47d7-984f-f2676861b5fb"}]})),
    ])
    .await;
    let answer = rec
        .call::<SyncCustomObjects>(json!({"objTypeName": "roadShow_c", "customObjList": {
            "customObj": [{"customObjKeyList": {"attribute": [{"attrName": "rid", "attrValue": "r1"}]},
                           "customObjAttributeList": {"attribute": [
                               {"attrName": "city", "attrValue": "Boston"}]}}]}}))
        .await;
    assert_output(
        &answer,
        json!({"result": {"syncCustomObjStatusList": {"syncCustomObjStatus": [
            {"status": "CREATED"}]}}}),
    );
    rec.finish();
    let rest: Vec<_> = rec
        .received()
        .into_iter()
        .filter(|r| r.target.starts_with("/rest/v1/customobjects/"))
        .collect();
    assert_eq!(rest[0].header("authorization"), Some("Bearer token-0"));
    assert_eq!(
        rest[1].header("authorization"),
        Some("Bearer token-1"),
        "sent again with a new token"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_606_backs_off_and_the_import_goes_through() {
    let upload = || {
        step(
            "POST",
            "/bulk/v1/leads.json?format=csv&lookupField=email&listId=1001",
        )
    };
    let rec = Recording::start(vec![
        step("GET", "/v1/lists.json?name=Attendees").answer(json!({
            "requestId": "2#c", "success": true, "result": [{"id": 1001, "name": "Attendees"}]})),
        upload().answer(json!({"requestId": "3#c", "success": false, "errors": [
            {"code": "606", "message": "Max rate limit '100' exceeded with in '20' secs"}]})),
        upload().answer(json!({"requestId": "4#c", "success": true, "result": [
            {"batchId": 1022, "importId": "1022", "status": "Queued"}]})),
    ])
    .await;
    let answer = rec
        .call::<ImportToList>(json!({"programName": "Events", "listName": "Attendees",
            "importFileHeader": "Email Address,First Name",
            "importFileRows": {"stringItem": ["ada@example.com,Ada"]},
            "importListMode": "UPSERTLEADS", "clearList": false, "campaignName": null}))
        .await;
    assert_output(&answer, json!({"result": {"importStatus": "PROCESSING"}}));
    rec.finish();
    let uploads: Vec<_> = rec
        .received()
        .into_iter()
        .filter(|r| r.target.starts_with("/bulk/"))
        .collect();
    assert!(
        uploads[1].at.duration_since(uploads[0].at) >= Duration::from_millis(50),
        "backed off before sending again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_after_the_merge_was_sent_is_may_have_been_applied() {
    let rec = Recording::start(vec![
        merge_lookup(1001),
        merge_lookup(1002),
        step("POST", "/v1/leads/1001/merge.json?leadIds=1002").action(Action::Close),
    ])
    .await;
    let answer = rec
        .call::<MergeLeads>(json!({"winningLeadKeyList": merge_key(1001),
                                   "losingLeadKeyLists": {"keyList": [merge_key(1002)]}}))
        .await;
    assert_eq!(answer.fault_code(), 20011, "{}", answer.text);
    assert!(
        answer.text.contains("may have been applied"),
        "{}",
        answer.text
    );
    rec.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_answer_that_does_not_say_what_happened_is_may_have_been_applied() {
    let sync = || {
        step("POST", "/v1/leads.json").body(json!({"action": "createOrUpdate",
            "lookupField": "email", "input": [{"email": "a@example.com"}, {"email": "b@example.com"}]}))
    };
    let answers = [
        // An id that is not a number.
        json!({"requestId": "1#s", "success": true, "result": [
            {"id": "50", "status": "created"}, {"id": 51, "status": "created"}]}),
        // One result for two records.
        json!({"requestId": "2#s", "success": true, "result": [{"id": 50, "status": "created"}]}),
        // The results without the envelope.
        json!([{"id": 50, "status": "created"}, {"id": 51, "status": "created"}]),
        // A status REST does not have.
        json!({"requestId": "3#s", "success": true, "result": [
            {"id": 50, "status": "created"}, {"id": 51, "status": "queued"}]}),
    ];
    let rec = Recording::start(answers.iter().map(|a| sync().answer(a.clone())).collect()).await;
    for answer in &answers {
        let got = rec
            .call::<SyncMultipleLeads>(json!({"leadRecordList": {"leadRecord": [
                {"Email": "a@example.com"}, {"Email": "b@example.com"}]}, "dedupEnabled": true}))
            .await;
        assert_eq!(got.fault_code(), 20011, "{answer}: {}", got.text);
        assert!(
            got.text.contains("may have been applied"),
            "{answer}: {}",
            got.text
        );
    }
    rec.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_html_page_is_a_clear_fault_and_list_mobjects_has_no_rest_call() {
    let rec = Recording::start(vec![
        step(
            "GET",
            "/v1/leads.json?filterType=id&filterValues=7&fields=company,email,firstName,id,lastName",
        )
        .action(Action::Respond {
            status: 200,
            content_type: "text/html",
            body: b"<html><body>Service Temporarily Unavailable</body></html>".to_vec(),
        }),
    ])
    .await;
    let answer = rec
        .call::<GetLead>(json!({"leadKey": {"keyType": "IDNUM", "keyValue": "7"}}))
        .await;
    assert_eq!(answer.fault_code(), 20011, "{}", answer.text);
    assert!(
        answer.text.contains("no usable answer from Marketo REST"),
        "{}",
        answer.text
    );
    let none = rec.call::<ListMObjects>(json!({})).await;
    assert_eq!(none.fault_code(), 20019, "{}", none.text);
    assert!(none.text.contains("listMObjects"), "{}", none.text);
    rec.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_soap_is_refused_without_a_rest_call_and_the_bridge_keeps_serving() {
    let rec = Recording::start(vec![
        step(
            "GET",
            "/v1/leads.json?filterType=id&filterValues=7&fields=company,email,firstName,id,lastName",
        )
        .answer(json!({"requestId": "g#1", "success": true, "result": [
            {"id": 7, "email": "seven@example.com"}]})),
    ])
    .await;
    let post = |body: String| {
        let endpoint = rec.client.config().endpoint.clone();
        async move {
            let response = reqwest::Client::new()
                .post(endpoint)
                .header("Content-Type", "text/xml; charset=utf-8")
                .body(body)
                .send()
                .await
                .expect("the bridge answers");
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let params = mktows::types::ParamsGetLead::new(mktows::types::LeadKey::new(
        mktows::types::LeadKeyRef::Idnum,
        "7",
    ));
    let envelope = rec
        .client
        .envelope::<GetLead>(&Default::default(), &params)
        .unwrap();

    let (status, body) = post("this is not XML <".into()).await;
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("Fault"), "{body}");

    let start = envelope.find("requestSignature>").unwrap() + "requestSignature>".len();
    let mut forged = envelope.clone();
    forged.replace_range(start..start + 8, "00000000");
    let (status, body) = post(forged).await;
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("<code>20014</code>"), "{body}");

    let unknown = envelope.replace("paramsGetLead", "paramsNoSuchOperation");
    let (status, body) = post(unknown).await;
    assert_eq!(status, 500, "{body}");
    assert!(
        body.contains("Fault") && body.contains("paramsNoSuchOperation"),
        "{body}"
    );

    let answer = rec
        .call::<GetLead>(json!({"leadKey": {"keyType": "IDNUM", "keyValue": "7"}}))
        .await;
    assert_output(
        &answer,
        json!({"result": {"count": 1, "leadRecordList": {"leadRecord": [
            {"Id": 7, "Email": "seven@example.com"}]}}}),
    );
    rec.finish();
}
