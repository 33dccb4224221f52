//! Campaign calls through the bridge: SOAP client → `Bridge` → the sandbox's REST campaign
//! calls (`campaigns.json`, `trigger.json`, `schedule.json`). What REST did is read back from
//! the sandbox: the "Request Campaign" activity of each lead, with its tokens, and the
//! scheduled run. Every bridge response is judged by xmllint against the WSDL's schema.

use mktows::Client;
use mktows::operations::{
    GetCampaignsForSource, GetLeadActivity, RequestCampaign, ScheduleCampaign,
};
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::bridge::bridge_to;
use mktows_tests::soap::{Judge, exchange};

fn for_source(
    source: ReqCampSourceType,
    name: Option<&str>,
    exact: bool,
) -> ParamsGetCampaignsForSource {
    ParamsGetCampaignsForSource {
        source,
        name: name.map(|n| Nillable::Value(n.to_owned())),
        exact_name: Some(Nillable::Value(exact)),
    }
}

fn records(result: &ResultGetCampaignsForSource) -> Vec<(i32, String, String)> {
    result
        .campaign_record_list
        .as_ref()
        .and_then(|l| l.value())
        .map(|l| {
            l.campaign_record
                .iter()
                .map(|c| (c.id, c.name.clone(), c.description.clone()))
                .collect()
        })
        .unwrap_or_default()
}

fn key(kind: LeadKeyRef, value: impl ToString) -> LeadKey {
    LeadKey {
        key_type: kind,
        key_value: value.to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn campaigns_are_listed_requested_and_scheduled_over_rest() {
    // The built-in fixture: Welcome (2001, MKTOWS+SALES), Nurture (2002, MKTOWS), Monthly
    // Newsletter (2003, batch), all in "Sandbox Program".
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let direct = Client::new(sandbox.client_config()).unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = Client::new(bridge.client_config()).unwrap();
    let mut judge = Judge::default();

    let all = exchange::<GetCampaignsForSource>(
        &soap,
        &for_source(ReqCampSourceType::Mktows, None, false),
    )
    .await;
    judge.keep("all", &all);
    assert_eq!(
        records(&all.output().result),
        [
            (
                2001,
                "Welcome".to_owned(),
                "Sends the welcome email".to_owned()
            ),
            (
                2002,
                "Nurture".to_owned(),
                "Adds leads to the nurture stream".to_owned()
            ),
        ]
    );
    let part = exchange::<GetCampaignsForSource>(
        &soap,
        &for_source(ReqCampSourceType::Mktows, Some("NURT"), false),
    )
    .await;
    judge.keep("partial name", &part);
    assert_eq!(records(&part.output().result).len(), 1);
    let exact = exchange::<GetCampaignsForSource>(
        &soap,
        &for_source(ReqCampSourceType::Mktows, Some("Welcome"), true),
    )
    .await;
    judge.keep("exact", &exact);
    assert_eq!(records(&exact.output().result)[0].0, 2001);
    let sales = exchange::<GetCampaignsForSource>(
        &soap,
        &for_source(ReqCampSourceType::Sales, None, false),
    )
    .await;
    judge.keep("sales", &sales);
    assert_eq!(sales.fault_code(), 20019);

    let ada = direct
        .sync_lead(mktows::Lead::by_email("ada@example.com"))
        .await
        .unwrap()
        .lead_id;
    let mut request = ParamsRequestCampaign::new(ReqCampSourceType::Mktows);
    request.campaign_name = Some(Nillable::Value("Nurture".into()));
    request.program_name = Some(Nillable::Value("Sandbox Program".into()));
    request.lead_list = Some(Nillable::Value(ArrayOfLeadKey {
        lead_key: vec![key(LeadKeyRef::Email, "ada@example.com")],
    }));
    request.program_token_list = Some(Nillable::Value(ArrayOfAttrib {
        attrib: vec![Attrib {
            name: "{{my.offer}}".into(),
            value: "20%".into(),
        }],
    }));
    let requested = exchange::<RequestCampaign>(&soap, &request).await;
    judge.keep("by name", &requested);
    assert!(requested.output().result.success);

    // Faults, nothing triggered: unknown lead, the batch campaign, an unknown campaign id.
    let mut unknown_lead = request.clone();
    unknown_lead.lead_list = Some(Nillable::Value(ArrayOfLeadKey {
        lead_key: vec![key(LeadKeyRef::Email, "nobody@example.com")],
    }));
    let mut batch = request.clone();
    batch.campaign_name = None;
    batch.program_name = None;
    batch.campaign_id = Some(Nillable::Value(2003));
    let mut unknown = batch.clone();
    unknown.campaign_id = Some(Nillable::Value(9999));
    for (label, params, code) in [
        ("unknown lead", unknown_lead, 20103),
        ("batch", batch, 20113),
        ("unknown id", unknown, 20113),
    ] {
        let answer = exchange::<RequestCampaign>(&soap, &params).await;
        judge.keep(label, &answer);
        assert_eq!(answer.fault_code(), code, "{label}: {}", answer.text);
    }

    // What REST did, read back from the sandbox over SOAP: one request, with the token.
    let history = exchange::<GetLeadActivity>(
        &direct,
        &ParamsGetLeadActivity::new(key(LeadKeyRef::Idnum, ada)),
    )
    .await;
    let requests: Vec<(String, Vec<(String, String)>)> = history
        .output()
        .lead_activity_list
        .activity_record_list
        .clone()
        .unwrap()
        .value()
        .unwrap()
        .activity_record
        .iter()
        .filter(|r| r.activity_type == "Request Campaign")
        .map(|r| {
            (
                r.mktg_asset_name.clone().unwrap_or_default(),
                r.activity_attributes
                    .clone()
                    .unwrap()
                    .value()
                    .unwrap()
                    .attribute
                    .iter()
                    .map(|a| (a.attr_name.clone(), a.attr_value.clone()))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        requests,
        [(
            "Nurture".to_owned(),
            vec![
                ("Source".to_owned(), "MKTOWS".to_owned()),
                ("{{my.offer}}".to_owned(), "20%".to_owned())
            ]
        )]
    );

    let mut schedule = ParamsScheduleCampaign::new("Sandbox Program", "Monthly Newsletter");
    let at = chrono::DateTime::parse_from_rfc3339("2027-02-01T08:00:00Z").unwrap();
    schedule.campaign_run_at = Some(Nillable::Value(at));
    let scheduled = exchange::<ScheduleCampaign>(&soap, &schedule).await;
    judge.keep("schedule", &scheduled);
    assert!(scheduled.output().result.success);
    let missing = exchange::<ScheduleCampaign>(
        &soap,
        &ParamsScheduleCampaign::new("Sandbox Program", "Nope"),
    )
    .await;
    judge.keep("schedule unknown", &missing);
    assert_eq!(missing.fault_code(), 20113);
    let runs = sandbox.scheduled_campaigns();
    assert_eq!(runs.len(), 1);
    assert_eq!((runs[0].campaign_id, runs[0].run_at), (2003, at.to_utc()));
    judge.validate("bridge-campaigns");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channels_and_tags_through_the_bridge_match_the_sandbox() {
    use mktows::operations::{GetChannels, GetTags};
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let direct = Client::new(sandbox.client_config()).unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = Client::new(bridge.client_config()).unwrap();
    let mut judge = Judge::default();
    // The same answers through REST as straight from the sandbox's SOAP API.
    let channels = ParamsGetChannels { tag: None };
    let bridged = exchange::<GetChannels>(&soap, &channels).await;
    judge.keep("channels", &bridged);
    let straight = exchange::<GetChannels>(&direct, &channels).await;
    assert_eq!(bridged.output(), straight.output());
    assert_eq!(bridged.output().result.tags.tag_status.len(), 3);
    let tags = ParamsGetTags { tag_list: None };
    let bridged = exchange::<GetTags>(&soap, &tags).await;
    judge.keep("tags", &bridged);
    assert_eq!(
        bridged.output(),
        exchange::<GetTags>(&direct, &tags).await.output()
    );
    let one = ParamsGetTags {
        tag_list: Some(ArrayOfTag {
            tag: vec![Tag {
                r#type: Some("Region".into()),
                values: Some(ArrayOfString {
                    string_item: vec!["APAC".into()],
                }),
            }],
        }),
    };
    let bridged = exchange::<GetTags>(&soap, &one).await;
    judge.keep("one tag", &bridged);
    assert_eq!(
        bridged.output().result.tag_list.tag[0]
            .values
            .as_ref()
            .unwrap()
            .string_item,
        ["APAC"]
    );
    let unknown = ParamsGetChannels {
        tag: Some(Tag {
            r#type: None,
            values: Some(ArrayOfString {
                string_item: vec!["Podcast".into()],
            }),
        }),
    };
    let bridged = exchange::<GetChannels>(&soap, &unknown).await;
    judge.keep("unknown channel", &bridged);
    assert_eq!(bridged.fault_code(), 20110);
    judge.validate("bridge-programs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lead_changes_through_the_bridge_are_the_sandbox_history() {
    use mktows::operations::GetLeadChanges;
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let direct = Client::new(sandbox.client_config()).unwrap();
    let start = StreamPosition {
        latest_created_at: None,
        oldest_created_at: Some(Nillable::Value(
            (chrono::Utc::now() - chrono::Duration::minutes(5)).fixed_offset(),
        )),
        activity_created_at: None,
        offset: None,
    };
    let mut ids = Vec::new();
    for i in 0..7 {
        let lead =
            mktows::Lead::by_email(format!("l{i}@example.com")).with_attribute("City", "Oslo");
        ids.push(direct.sync_lead(lead).await.unwrap().lead_id);
        direct
            .sync_lead(mktows::Lead::by_id(ids[i]).with_attribute("City", "Bergen"))
            .await
            .unwrap();
    }
    let bridge = bridge_to(&sandbox).await;
    let soap = Client::new(bridge.client_config()).unwrap();
    let mut judge = Judge::default();
    // Every change, in pages of 4 through the bridge; the same records, in the same order, as
    // the sandbox's own SOAP answer in one page.
    let mut bridged = Vec::new();
    let mut position = start.clone();
    for page in 0.. {
        let mut params = ParamsGetLeadChanges::new(position.clone());
        params.batch_size = Some(Nillable::Value(4));
        let answer = exchange::<GetLeadChanges>(&soap, &params).await;
        judge.keep(&format!("page {page}"), &answer);
        let result = &answer.output().result;
        bridged.extend(
            result
                .lead_change_record_list
                .clone()
                .unwrap()
                .value()
                .cloned()
                .unwrap()
                .lead_change_record,
        );
        if result.remaining_count == 0 {
            break;
        }
        position = result.new_start_position.clone();
        assert!(page < 20, "paging ends");
    }
    let straight =
        exchange::<GetLeadChanges>(&direct, &ParamsGetLeadChanges::new(start.clone())).await;
    let straight = straight
        .output()
        .result
        .lead_change_record_list
        .clone()
        .unwrap()
        .value()
        .cloned()
        .unwrap()
        .lead_change_record;
    assert_eq!(straight.len(), 14, "7 New Lead + 7 Change Data Value");
    let view = |r: &LeadChangeRecord| {
        let attributes: Vec<(String, String)> = r
            .activity_attributes
            .clone()
            .unwrap()
            .value()
            .unwrap()
            .attribute
            .iter()
            .map(|a| (a.attr_name.clone(), a.attr_value.clone()))
            .collect();
        (
            r.id,
            r.activity_type.clone(),
            r.mkt_person_id.clone(),
            attributes,
        )
    };
    assert_eq!(
        bridged.iter().map(view).collect::<Vec<_>>(),
        straight.iter().map(view).collect::<Vec<_>>()
    );

    // A LeadKeySelector of two leads; an unknown type name is 20107; excludeTypes leaves the
    // other types (here: the two leads' Change Data Value records).
    let mut params = ParamsGetLeadChanges::new(start.clone());
    params.lead_selector = Some(LeadSelector::LeadKeySelector(LeadKeySelector {
        key_type: LeadKeyRef::Idnum,
        key_values: ArrayOfString {
            string_item: vec![ids[0].to_string(), ids[3].to_string()],
        },
    }));
    let two = exchange::<GetLeadChanges>(&soap, &params).await;
    judge.keep("two leads", &two);
    assert_eq!(two.output().result.return_count, 4);
    params.activity_filter = Some(Nillable::Value(ActivityTypeFilter {
        include_types: Some(ArrayOfActivityType {
            activity_type: vec![ActivityType::VisitWebpage],
        }),
        exclude_types: None,
    }));
    let unknown = exchange::<GetLeadChanges>(&soap, &params).await;
    judge.keep("unknown type", &unknown);
    assert_eq!(unknown.fault_code(), 20107);
    params.activity_filter = Some(Nillable::Value(ActivityTypeFilter {
        include_types: None,
        exclude_types: Some(ArrayOfActivityType {
            activity_type: vec![ActivityType::NewLead],
        }),
    }));
    let exclude = exchange::<GetLeadChanges>(&soap, &params).await;
    judge.keep("exclude", &exclude);
    let types: Vec<String> = exclude
        .output()
        .result
        .lead_change_record_list
        .clone()
        .and_then(Nillable::into_value)
        .unwrap()
        .lead_change_record
        .into_iter()
        .map(|r| r.activity_type)
        .collect();
    assert_eq!(types, ["Change Data Value", "Change Data Value"]);
    let straight = exchange::<GetLeadChanges>(&direct, &params).await;
    assert_eq!(straight.output().result.return_count, 2);
    judge.validate("bridge-lead-changes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lead_changes_of_a_static_list_by_id_through_the_bridge() {
    use mktows::operations::GetLeadChanges;
    let sandbox = Sandbox::start(SandboxConfig {
        lists: vec!["Attendees".into()],
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let direct = Client::new(sandbox.client_config()).unwrap();
    let mut ids = Vec::new();
    for email in ["a@example.com", "b@example.com"] {
        ids.push(
            direct
                .sync_lead(mktows::Lead::by_email(email))
                .await
                .unwrap()
                .lead_id,
        );
    }
    direct
        .list_operation(ListOperationType::Addtolist, "Attendees", &ids[..1], false)
        .await
        .unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = Client::new(bridge.client_config()).unwrap();
    let mut params = ParamsGetLeadChanges::new(StreamPosition {
        latest_created_at: None,
        oldest_created_at: Some(Nillable::Value(
            (chrono::Utc::now() - chrono::Duration::minutes(5)).fixed_offset(),
        )),
        activity_created_at: None,
        offset: None,
    });
    params.lead_selector = Some(LeadSelector::StaticListSelector(StaticListSelector {
        static_list_name: None,
        static_list_id: Some(Nillable::Value(mktows_sandbox::store::FIRST_LIST_ID)),
    }));
    let people = |answer: &mktows_tests::soap::Exchange<GetLeadChanges>| -> Vec<(String, String)> {
        answer
            .output()
            .result
            .lead_change_record_list
            .clone()
            .and_then(Nillable::into_value)
            .unwrap_or_default()
            .lead_change_record
            .into_iter()
            .map(|r| (r.activity_type, r.mkt_person_id))
            .collect()
    };
    let bridged = exchange::<GetLeadChanges>(&soap, &params).await;
    let straight = exchange::<GetLeadChanges>(&direct, &params).await;
    assert_eq!(people(&bridged), people(&straight));
    assert_eq!(
        people(&bridged),
        [
            ("New Lead".to_owned(), ids[0].to_string()),
            ("Add to List".to_owned(), ids[0].to_string())
        ]
    );
}
