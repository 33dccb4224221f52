//! getCampaignsForSource, requestCampaign and scheduleCampaign (`campaigns.json`, `trigger.json`,
//! `schedule.json`), getChannels and getTags (the asset API's `channels.json`, `tagTypes.json`,
//! `tagType/byName.json`).

use mktows::operations::{
    GetCampaignsForSource, GetChannels, GetTags, RequestCampaign, ScheduleCampaign,
};
use mktows_tests::recorded::{Recording, Step, assert_output, step};
use serde_json::{Value, json};

fn campaign(id: i32, name: &str) -> serde_json::Value {
    json!({"id": id, "name": name, "description": format!("{name} campaign"), "type": "trigger",
           "programId": 1027, "programName": "Webinar", "workspaceName": "Default",
           "active": true, "createdAt": "2026-01-05T10:00:00Z",
           "updatedAt": "2026-01-05T10:00:00Z"})
}

fn by_name() -> Step {
    step(
        "GET",
        "/v1/campaigns.json?name=Send Invite&programName=Webinar&batchSize=300",
    )
    .answer(json!({
        "requestId": "c#2", "success": true, "result": [campaign(1010, "Send Invite")]}))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn campaigns_for_source_are_the_triggerable_ones() {
    let rec = Recording::start(vec![
        step("GET", "/v1/campaigns.json?isTriggerable=true&batchSize=300").answer(json!({
            "requestId": "c#1", "success": true,
            "result": [campaign(1010, "Send Invite"), campaign(1011, "Send Reminder")]})),
    ])
    .await;
    let answer = rec
        .call::<GetCampaignsForSource>(json!({"source": "MKTOWS", "name": "remind",
                                              "exactName": false}))
        .await;
    assert_output(
        &answer,
        json!({"result": {"returnCount": 1, "campaignRecordList": {"campaignRecord": [
            {"id": 1011, "name": "Send Reminder", "description": "Send Reminder campaign"}]}}}),
    );
    rec.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_and_schedule_find_the_campaign_by_name() {
    let rec = Recording::start(vec![
        by_name(),
        step(
            "GET",
            "/v1/leads.json?filterType=email&filterValues=abe@usa.gov&fields=id",
        )
        .answer(json!({"requestId": "l#1", "success": true, "result": [{"id": 318592}]})),
        step("POST", "/v1/campaigns/1010/trigger.json")
            .body(json!({"input": {"leads": [{"id": 318592}],
                                   "tokens": [{"name": "{{my.message}}", "value": "Hello"}]}}))
            .answer(json!({"requestId": "t#1", "success": true, "result": [{"id": 1010}]})),
        by_name(),
        step("POST", "/v1/campaigns/1010/schedule.json")
            .body(json!({"input": {"runAt": "2026-12-24T18:05:00+00:00",
                                   "tokens": [{"name": "{{my.message}}", "value": "Hello"}]}}))
            .answer(json!({"requestId": "s#1", "success": true, "result": [{"id": 1010}]})),
    ])
    .await;
    let tokens = json!({"attrib": [{"name": "{{my.message}}", "value": "Hello"}]});
    let requested = rec
        .call::<RequestCampaign>(json!({"source": "MKTOWS", "programName": "Webinar",
            "campaignName": "Send Invite",
            "leadList": {"leadKey": [{"keyType": "EMAIL", "keyValue": "abe@usa.gov"}]},
            "programTokenList": tokens}))
        .await;
    assert_output(&requested, json!({"result": {"success": true}}));
    let scheduled = rec
        .call::<ScheduleCampaign>(
            json!({"programName": "Webinar", "campaignName": "Send Invite",
            "campaignRunAt": "2026-12-24T18:05:00Z", "programTokenList": tokens}),
        )
        .await;
    assert_output(&scheduled, json!({"result": {"success": true}}));
    rec.finish();
}

/// The lookup of lead key `email`, answered with these leads.
fn email_lookup(email: &str, ids: &[i64]) -> Step {
    let leads: Vec<Value> = ids.iter().map(|id| json!({"id": id})).collect();
    step(
        "GET",
        &format!("/v1/leads.json?filterType=email&filterValues={email}&fields=id"),
    )
    .answer(json!({"requestId": "l#1", "success": true, "result": leads}))
}

/// A requestCampaign of campaign 1010 for these email keys.
fn request_for(emails: &[String]) -> Value {
    let keys: Vec<Value> = emails
        .iter()
        .map(|e| json!({"keyType": "EMAIL", "keyValue": e}))
        .collect();
    json!({"source": "MKTOWS", "campaignId": 1010, "leadList": {"leadKey": keys}})
}

/// 101 lead keys: the first 100 looked up and triggered in one call, the 101st never looked
/// up ("additional keys will be ignored"). 100 keys matching 101 leads (two share an email):
/// fault 20110, nothing triggered (REST triggers at most 100 leads per call).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_campaign_uses_the_first_hundred_lead_keys() {
    let emails: Vec<String> = (1..=101).map(|i| format!("lead{i}@usa.gov")).collect();
    let mut steps: Vec<Step> = (0..100)
        .map(|i| email_lookup(&emails[i], &[318_000 + i as i64]))
        .collect();
    let leads: Vec<Value> = (0..100).map(|i| json!({"id": 318_000 + i})).collect();
    steps.push(
        step("POST", "/v1/campaigns/1010/trigger.json")
            .body(json!({"input": {"leads": leads, "tokens": []}}))
            .answer(json!({"requestId": "t#1", "success": true, "result": [{"id": 1010}]})),
    );
    steps.extend((0..99).map(|i| email_lookup(&emails[i], &[318_000 + i as i64])));
    steps.push(email_lookup(&emails[99], &[318_099, 318_500]));
    let rec = Recording::start(steps).await;
    let requested = rec.call::<RequestCampaign>(request_for(&emails)).await;
    assert_output(&requested, json!({"result": {"success": true}}));
    let refused = rec
        .call::<RequestCampaign>(request_for(&emails[..100]))
        .await;
    assert_eq!(refused.fault_code(), 20110);
    assert!(
        refused.text.contains("the 100 lead keys match 101 leads"),
        "{}",
        refused.text
    );
    rec.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channels_and_tags_are_reshaped_asset_lists() {
    let rec = Recording::start(vec![
        step("GET", "/asset/v1/channels.json?maxReturn=200&offset=0").answer(json!({
            "requestId": "ch#1", "success": true, "warnings": [], "errors": [], "result": [
                {"id": 1, "name": "Webinar", "applicableProgramType": "event",
                 "progressionStatuses": [
                    {"name": "Invited", "step": 10, "success": false, "hidden": false, "type": "neutral"},
                    {"name": "Attended", "step": 40, "success": true, "hidden": false, "type": "success"}],
                 "createdAt": "2026-01-01T00:00:00Z+0000", "updatedAt": "2026-01-01T00:00:00Z+0000"}]})),
        // The list has no values; each type's come from byName.json, as documented.
        step("GET", "/asset/v1/tagTypes.json?maxReturn=200&offset=0").answer(json!({
            "requestId": "tg#1", "success": true, "warnings": [], "errors": [], "result": [
                {"tagType": "Region", "applicableProgramTypes": "[program,event]",
                 "required": false},
                {"tagType": "AAA1 Required Tag Type",
                 "applicableProgramTypes": "[program,email_batch,nurture,event,webinar]",
                 "required": true}]})),
        tag_by_name("Region", "[EMEA, APAC]"),
        tag_by_name("AAA1 Required Tag Type", "[AAA1 RT1, AAA1 RT2, AAA1 RT3, AAA1 RT4]"),
        // tagList: only the types named, each by name.
        tag_by_name("AAA1 Required Tag Type", "[AAA1 RT1, AAA1 RT2, AAA1 RT3, AAA1 RT4]"),
        step("GET", "/asset/v1/tagType/byName.json?name=Nope").answer(json!({
            "requestId": "tg#9", "success": true, "warnings": [
                "No assets found for the given search criteria."], "errors": []})),
    ])
    .await;
    let channels = rec
        .call::<GetChannels>(
            json!({"tag": {"type": "Channel", "values": {"stringItem": ["Webinar"]}}}),
        )
        .await;
    assert_output(
        &channels,
        json!({"result": {"tags": {"tagStatus": [{"tagValue": "Webinar", "statusList": {
            "progressionStatusItem": [
                {"progressionStatus": {"attrib": [{"name": "Status", "value": "Invited"},
                    {"name": "Step", "value": "10"}, {"name": "Success", "value": "false"}]}},
                {"progressionStatus": {"attrib": [{"name": "Status", "value": "Attended"},
                    {"name": "Step", "value": "40"}, {"name": "Success", "value": "true"}]}}]}}]}}}),
    );
    let tags = rec.call::<GetTags>(json!({})).await;
    assert_output(
        &tags,
        json!({"result": {"tagList": {"tag": [
            {"type": "Region", "values": {"stringItem": ["EMEA", "APAC"]}},
            {"type": "AAA1 Required Tag Type", "values": {"stringItem": [
                "AAA1 RT1", "AAA1 RT2", "AAA1 RT3", "AAA1 RT4"]}}]}}}),
    );
    let chosen = rec
        .call::<GetTags>(
            json!({"tagList": {"tag": [{"type": "AAA1 Required Tag Type",
            "values": {"stringItem": ["AAA1 RT2"]}}]}}),
        )
        .await;
    assert_output(
        &chosen,
        json!({"result": {"tagList": {"tag": [
            {"type": "AAA1 Required Tag Type", "values": {"stringItem": ["AAA1 RT2"]}}]}}}),
    );
    let unknown = rec
        .call::<GetTags>(json!({"tagList": {"tag": [{"type": "Nope"}]}}))
        .await;
    assert_eq!(unknown.fault_code(), 20110);
    rec.finish();
}

/// `tagType/byName.json?name=` answered as the asset API documents it.
fn tag_by_name(name: &str, values: &str) -> Step {
    step("GET", &format!("/asset/v1/tagType/byName.json?name={name}")).answer(
        json!({"requestId": "tg#2", "success": true, "warnings": [], "errors": [],
        "result": [{"tagType": name, "applicableProgramTypes": "[program,event]",
                    "required": false, "allowableValues": values}]}),
    )
}

/// More tag types than the bridge looks up one by one: a fault before any byName.json call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_tags_over_too_many_tag_types_faults_before_looking_them_up() {
    let types: Vec<Value> = (0..101)
        .map(|i| {
            json!({"tagType": format!("T{i}"), "applicableProgramTypes": "[program]",
                        "required": false})
        })
        .collect();
    let rec = Recording::start(vec![
        step("GET", "/asset/v1/tagTypes.json?maxReturn=200&offset=0")
            .answer(json!({"requestId": "tg#1", "success": true, "result": types})),
    ])
    .await;
    let tags = rec.call::<GetTags>(json!({})).await;
    assert_eq!(tags.fault_code(), 20019);
    rec.finish();
}
