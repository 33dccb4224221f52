//! Custom objects (`customobjects/{name}…`), MObjects (opportunities), describeMObject, and the
//! bulk lead import behind importToList / getImportToListStatus.

use mktows::operations::{
    DeleteCustomObjects, DeleteMObjects, DescribeMObject, GetCustomObjects, GetImportToListStatus,
    GetMObjects, ImportToList, SyncCustomObjects, SyncMObjects,
};
use mktows_tests::recorded::{Recording, assert_output, step};
use serde_json::{Value, json};

/// The fields the bridge reads an opportunity with: the SOAP Opportunity's, camel-cased.
const OPPORTUNITY_FIELDS: &str = "externalOpportunityId,createdAt,updatedAt,amount,closeDate,description,expectedRevenue,externalCreatedDate,fiscal,fiscalQuarter,fiscalYear,forecastCategoryName,isClosed,isWon,lastActivityDate,leadSource,name,nextStep,probability,quantity,stage,type";

fn attrs(pairs: &[(&str, &str)]) -> Value {
    let list: Vec<Value> = pairs
        .iter()
        .map(|(name, value)| json!({"attrName": name, "attrValue": value}))
        .collect();
    json!({"attribute": list})
}

/// The Road Show custom object as `describe.json` gives it (dedupe field `rid`).
fn road_show_describe() -> mktows_tests::recorded::Step {
    step("GET", "/v1/customobjects/roadShow_c/describe.json").answer(json!({
        "requestId": "d#1", "success": true, "result": [{
            "name": "roadShow_c", "displayName": "Road Show", "idField": "marketoGUID",
            "dedupeFields": ["rid"], "searchableFields": [["rid"], ["marketoGUID"]],
            "fields": [
                {"name": "marketoGUID", "displayName": "Marketo GUID", "dataType": "string",
                 "length": 36, "updateable": false},
                {"name": "rid", "displayName": "Road Show Id", "dataType": "string",
                 "length": 255, "updateable": false},
                {"name": "city", "displayName": "City", "dataType": "string", "length": 255,
                 "updateable": true}]}]}))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_objects_sync_get_and_delete() {
    let rec = Recording::start(vec![
        step("POST", "/v1/customobjects/roadShow_c.json")
            .body(json!({"action": "createOrUpdate", "dedupeBy": "dedupeFields", "input": [
                {"rid": "r1", "city": "Boston"}, {"rid": "r2", "shoeSize": "9"}]}))
            .answer(json!({"requestId": "e42b#14272d07d78", "success": true, "result": [
                {"seq": 0, "status": "created", "marketoGUID": "dff23271-f996-47d7-984f-f2676861b5fb"},
                {"seq": 1, "status": "skipped",
                 "reasons": [{"code": "1006", "message": "Field 'shoeSize' not found"}]}]})),
        road_show_describe(),
        step(
            "GET",
            "/v1/customobjects/roadShow_c.json?filterType=rid&filterValues=r1&fields=rid,city&batchSize=100",
        )
        .answer(json!({"requestId": "g#1", "success": true, "result": [
            {"seq": 0, "marketoGUID": "dff23271-f996-47d7-984f-f2676861b5fb", "rid": "r1",
             "city": "Boston", "createdAt": "2026-11-20T10:00:00Z",
             "updatedAt": "2026-11-20T10:00:00Z"}]})),
        step("POST", "/v1/customobjects/roadShow_c/delete.json")
            .body(json!({"deleteBy": "dedupeFields", "input": [{"rid": "r1"}, {"rid": "r9"}]}))
            .answer(json!({"requestId": "x#1", "success": true, "result": [
                {"seq": 0, "status": "deleted", "marketoGUID": "dff23271-f996-47d7-984f-f2676861b5fb"},
                {"seq": 1, "status": "skipped",
                 "reasons": [{"code": "1013", "message": "Record not found"}]}]})),
    ])
    .await;
    let object = |rid: &str, field: &str, value: &str| {
        json!({"customObjKeyList": attrs(&[("rid", rid)]),
               "customObjAttributeList": attrs(&[(field, value)])})
    };
    let synced = rec
        .call::<SyncCustomObjects>(json!({"objTypeName": "roadShow_c", "operation": "UPSERT",
            "customObjList": {"customObj": [object("r1", "city", "Boston"),
                                            object("r2", "shoeSize", "9")]}}))
        .await;
    assert_output(
        &synced,
        json!({"result": {"syncCustomObjStatusList": {"syncCustomObjStatus": [
            {"objTypeName": "roadShow_c", "customObjKeyList": attrs(&[("rid", "r1")]),
             "status": "CREATED"},
            {"objTypeName": "roadShow_c", "customObjKeyList": attrs(&[("rid", "r2")]),
             "status": "FAILED", "error": "Field 'shoeSize' not found (1006)"}]}}}),
    );
    let read = rec
        .call::<GetCustomObjects>(json!({"objTypeName": "roadShow_c",
            "customObjKeyList": attrs(&[("rid", "r1")]),
            "includeAttributes": {"stringItem": ["city"]}}))
        .await;
    assert_output(
        &read,
        json!({"result": {"objTypeName": "roadShow_c", "returnCount": 1, "remainingCount": 0,
            "customObjList": {"customObj": [{"customObjKeyList": attrs(&[("rid", "r1")]),
                "customObjAttributeList": attrs(&[("city", "Boston")])}]}}}),
    );
    let deleted = rec
        .call::<DeleteCustomObjects>(json!({"objTypeName": "roadShow_c",
            "customObjKeyLists": {"keyList": [attrs(&[("rid", "r1")]), attrs(&[("rid", "r9")])]}}))
        .await;
    assert_output(
        &deleted,
        json!({"result": {"deleteCustomObjStatusList": {"syncCustomObjStatus": [
            {"customObjKeyList": attrs(&[("rid", "r1")]), "status": "DELETED"},
            {"customObjKeyList": attrs(&[("rid", "r9")]), "status": "FAILED",
             "error": "Record not found (1013)"}]}}}),
    );
    rec.finish();
}

/// `includeAttributes` empty ("passing none returns all values"): the bridge asks REST for every
/// field `describe.json` lists, since REST's default is only the dedupe fields, `marketoGUID`,
/// `createdAt` and `updatedAt`. The describe is read once and kept for the second read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_objects_read_without_include_attributes_asks_for_every_field() {
    let answer = json!({"requestId": "g#2", "success": true, "result": [
        {"seq": 0, "marketoGUID": "dff23271-f996-47d7-984f-f2676861b5fb", "rid": "r1",
         "city": "Boston", "createdAt": "2026-11-20T10:00:00Z",
         "updatedAt": "2026-11-20T10:00:00Z"}]});
    let read = || {
        step(
            "GET",
            "/v1/customobjects/roadShow_c.json?filterType=rid&filterValues=r1&fields=marketoGUID,rid,city&batchSize=100",
        )
        .answer(answer.clone())
    };
    let rec = Recording::start(vec![road_show_describe(), read(), read()]).await;
    for _ in 0..2 {
        let got = rec
            .call::<GetCustomObjects>(json!({"objTypeName": "roadShow_c",
                "customObjKeyList": attrs(&[("rid", "r1")]),
                "includeAttributes": {}}))
            .await;
        assert_output(
            &got,
            json!({"result": {"objTypeName": "roadShow_c", "returnCount": 1,
                "customObjList": {"customObj": [{"customObjKeyList": attrs(&[("rid", "r1")]),
                    "customObjAttributeList": attrs(&[("city", "Boston")])}]}}}),
        );
    }
    rec.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opportunities_sync_get_and_delete_by_external_key() {
    let rec = Recording::start(vec![
        step("POST", "/v1/opportunities.json")
            .body(json!({"action": "createOrUpdate", "dedupeBy": "dedupeFields", "input": [
                {"externalOpportunityId": "19UYA31581L000000", "name": "Chairs", "amount": "1604.47"}]}))
            .answer(json!({"requestId": "o#1", "success": true, "result": [
                {"seq": 0, "status": "created", "marketoGUID": "cff23271-f996-47d7-984f-f2676861b5fc"}]})),
        step(
            "GET",
            &format!(
                "/v1/opportunities.json?filterType=externalOpportunityId&filterValues=19UYA31581L000000&fields={OPPORTUNITY_FIELDS}&batchSize=100"
            ),
        )
        .answer(json!({"requestId": "o#2", "success": true, "result": [
            {"seq": 0, "marketoGUID": "cff23271-f996-47d7-984f-f2676861b5fc",
             "externalOpportunityId": "19UYA31581L000000", "name": "Chairs", "amount": 1604.47,
             "createdAt": "2026-11-20T10:00:00Z", "updatedAt": "2026-11-20T10:00:00Z"}]})),
        step("POST", "/v1/opportunities/delete.json")
            .body(json!({"deleteBy": "dedupeFields",
                         "input": [{"externalOpportunityId": "19UYA31581L000000"}]}))
            .answer(json!({"requestId": "o#3", "success": true, "result": [
                {"seq": 0, "status": "deleted", "marketoGUID": "cff23271-f996-47d7-984f-f2676861b5fc"}]})),
    ])
    .await;
    let key = json!({"name": "externalOpportunityId", "value": "19UYA31581L000000"});
    let synced = rec
        .call::<SyncMObjects>(json!({"operation": "UPSERT", "mObjectList": {"mObject": [
            {"type": "Opportunity", "externalKey": key,
             "attribList": {"attrib": [{"name": "Name", "value": "Chairs"},
                                       {"name": "Amount", "value": "1604.47"}]}}]}}))
        .await;
    assert_output(
        &synced,
        json!({"result": {"mObjStatusList": {"mObjStatus": [
            {"externalKey": key, "status": "CREATED"}]}}}),
    );
    let read = rec
        .call::<GetMObjects>(json!({"type": "Opportunity", "externalKey": key}))
        .await;
    assert_output(
        &read,
        json!({"result": {"returnCount": 1, "hasMore": false, "mObjectList": {"mObject": [
            {"type": "Opportunity", "externalKey": key}]}}}),
    );
    let attribs = format!("{:?}", read.output().result.m_object_list);
    assert!(
        attribs.contains("Chairs") && attribs.contains("1604.47"),
        "{attribs}"
    );
    let deleted = rec
        .call::<DeleteMObjects>(json!({"mObjectList": {"mObject": [
            {"type": "Opportunity", "externalKey": key}]}}))
        .await;
    assert_output(
        &deleted,
        json!({"result": {"mObjStatusList": {"mObjStatus": [
            {"externalKey": key, "status": "DELETED"}]}}}),
    );
    rec.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_lead_record_lists_the_fields_with_soap_names() {
    let rec = Recording::start(Vec::new()).await;
    let answer = rec
        .call::<DescribeMObject>(json!({"objectName": "LeadRecord"}))
        .await;
    let names: Vec<String> = answer
        .output()
        .result
        .metadata
        .field_list
        .field
        .iter()
        .map(|f| f.name.clone())
        .collect();
    assert_eq!(
        names,
        ["Id", "Company", "FirstName", "LastName", "Email"],
        "every describe.json field with a SOAP name, in its order; the REST-only one left out"
    );
    rec.finish();
}

/// describeMObject Opportunity: Describe Opportunity (`opportunities/describe.json`), its
/// fields under their SOAP attrib names, without REST's bookkeeping and the dedupe field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_opportunity_lists_the_described_fields_as_soap_attribs() {
    let rec = Recording::start(vec![step("GET", "/v1/opportunities/describe.json").answer(
        json!({
            "requestId": "185d6#14b51985ff0", "success": true, "result": [{
                "name": "opportunity", "displayName": "Opportunity", "idField": "marketoGUID",
                "dedupeFields": ["externalOpportunityId"],
                "searchableFields": [["externalOpportunityId"], ["marketoGUID"]],
                "fields": [
                    {"name": "marketoGUID", "displayName": "Marketo GUID", "dataType": "string",
                     "length": 36, "updateable": false},
                    {"name": "externalOpportunityId", "displayName": "External Opportunity Id",
                     "dataType": "string", "length": 50, "updateable": false},
                    {"name": "createdAt", "displayName": "Created At", "dataType": "datetime",
                     "updateable": false},
                    {"name": "updatedAt", "displayName": "Updated At", "dataType": "datetime",
                     "updateable": false},
                    {"name": "description", "displayName": "Description", "dataType": "string",
                     "length": 2000, "updateable": true},
                    {"name": "isWon", "displayName": "Is Won", "dataType": "boolean",
                     "updateable": true},
                    {"name": "fiscalQuarter", "displayName": "Fiscal Quarter",
                     "dataType": "integer", "updateable": false}]}]}),
    )])
    .await;
    let answer = rec
        .call::<DescribeMObject>(json!({"objectName": "Opportunity"}))
        .await;
    let field = |name: &str, display: &str, data_type: &str, read_only: bool| {
        json!({"name": name, "displayName": display, "sourceObject": "Opportunity",
               "dataType": data_type, "isReadonly": read_only, "isPrimaryKey": false})
    };
    assert_output(
        &answer,
        json!({"result": {"metadata": {"name": "Opportunity", "fieldList": {"field": [
            field("Description", "Description", "string", false),
            field("IsWon", "Is Won", "boolean", false),
            field("FiscalQuarter", "Fiscal Quarter", "integer", true)]}}}}),
    );
    assert_eq!(
        answer.output().result.metadata.field_list.field[0]
            .size
            .value(),
        Some(&2000)
    );
    rec.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_to_list_uploads_a_bulk_import_and_reads_its_status() {
    let rec = Recording::start(vec![
        step("GET", "/v1/lists.json?name=Attendees").answer(json!({
            "requestId": "l#1", "success": true, "result": [{"id": 1001, "name": "Attendees"}]})),
        step("POST", "/bulk/v1/leads.json?format=csv&lookupField=email&listId=1001")
            .body_contains("filename=\"import.csv\"")
            .body_contains("email,firstName\nada@example.com,Ada\nnot-an-email,Bob\n")
            .answer(json!({"requestId": "b#1", "success": true, "result": [
                {"batchId": 1022, "importId": "1022", "status": "Queued"}]})),
        step("GET", "/bulk/v1/leads/batch/1022.json").answer(json!({
            "requestId": "b#2", "success": true, "result": [
                {"batchId": 1022, "importId": "1022", "status": "Complete",
                 "numOfLeadsProcessed": 1, "numOfRowsFailed": 1, "numOfRowsWithWarning": 0,
                 "message": "Import completed with errors, 1 records imported (1 members), 1 failed records"}]})),
        step("GET", "/bulk/v1/leads/batch/1022/failures.json").action(
            mktows_tests::http::Action::Respond {
                status: 200,
                content_type: "text/csv",
                body: b"email,firstName,Import Failure Reason\nnot-an-email,Bob,Invalid email address\n".to_vec(),
            },
        ),
    ])
    .await;
    let imported = rec
        .call::<ImportToList>(json!({"programName": "Events", "listName": "Attendees",
            "importFileHeader": "Email Address,First Name",
            "importFileRows": {"stringItem": ["ada@example.com,Ada", "not-an-email,Bob"]},
            "importListMode": "UPSERTLEADS", "clearList": false, "campaignName": null}))
        .await;
    assert_output(&imported, json!({"result": {"importStatus": "PROCESSING"}}));
    let status = rec
        .call::<GetImportToListStatus>(json!({"programName": "Events", "listName": "Attendees"}))
        .await;
    assert_output(
        &status,
        json!({"result": {"status": "COMPLETE", "rowsImported": 1, "rowsFailed": 1,
                          "rowsIgnored": 0}}),
    );
    let summary = format!("{:?}", status.output().result);
    assert!(summary.contains("Invalid email address"), "{summary}");
    rec.finish();
}
