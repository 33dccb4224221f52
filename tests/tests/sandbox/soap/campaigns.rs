//! Campaigns, channels and tags on the sandbox, from a fixture: `getCampaignsForSource`,
//! `requestCampaign` (each lead gets a "Request Campaign" activity), `scheduleCampaign` (the
//! run is kept, across a restart), `getChannels` and `getTags`, with their faults. Every
//! response is judged by xmllint against the WSDL's schema.

use mktows::operations::{
    GetCampaignsForSource, GetChannels, GetLeadActivity, GetTags, RequestCampaign, ScheduleCampaign,
};
use mktows::types::*;
use mktows::xml::Nillable;
use mktows::{Client, Lead};
use mktows_sandbox::{Fixture, Sandbox, SandboxConfig};
use mktows_tests::soap::{Judge, exchange};

const FIXTURE: &str = r#"
lists = ["Attendees"]

[[channels]]
name = "Webinar"
statuses = [
  { status = "Registered", step = 20 },
  { status = "Attended", step = 30, success = true },
]

[[tags]]
type = "Region"
values = ["EMEA", "AMER"]

[[programs]]
name = "Spring Webinar"
channel = "Webinar"
tags = [{ type = "Region", value = "EMEA" }]

[[campaigns]]
id = 3001
name = "Send Welcome"
program = "Spring Webinar"
description = "Sends the welcome email"
sources = ["MKTOWS", "SALES"]

[[campaigns]]
id = 3002
name = "Send Reminder"
program = "Spring Webinar"
sources = ["MKTOWS"]

[[campaigns]]
id = 3003
name = "Monthly Batch"
program = "Spring Webinar"
"#;

fn config(data: Option<std::path::PathBuf>) -> SandboxConfig {
    let mut config = SandboxConfig {
        data,
        ..SandboxConfig::default()
    };
    Fixture::from_toml(FIXTURE).unwrap().apply(&mut config);
    config
}

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

fn names(result: &ResultGetCampaignsForSource) -> Vec<(i32, String)> {
    result
        .campaign_record_list
        .as_ref()
        .and_then(|l| l.value())
        .map(|l| {
            l.campaign_record
                .iter()
                .map(|c| (c.id, c.name.clone()))
                .collect()
        })
        .unwrap_or_default()
}

fn lead_keys(keys: &[(LeadKeyRef, String)]) -> Option<Nillable<ArrayOfLeadKey>> {
    Some(Nillable::Value(ArrayOfLeadKey {
        lead_key: keys
            .iter()
            .map(|(t, v)| LeadKey {
                key_type: t.clone(),
                key_value: v.clone(),
            })
            .collect(),
    }))
}

/// A sandbox on the fixture (on `data`, if given) and its client.
async fn start(data: Option<std::path::PathBuf>) -> (Sandbox, Client, Judge) {
    let sandbox = Sandbox::start(config(data)).await.unwrap();
    let client = Client::new(sandbox.client_config()).unwrap();
    (sandbox, client, Judge::default())
}

/// The "Request Campaign" activity of lead `id`, newest first: campaign and attributes.
async fn activity(client: &Client, id: i32) -> Vec<(String, Vec<String>)> {
    let page = exchange::<GetLeadActivity>(
        client,
        &ParamsGetLeadActivity::new(LeadKey {
            key_type: LeadKeyRef::Idnum,
            key_value: id.to_string(),
        }),
    )
    .await;
    page.output()
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
            let attributes = r
                .activity_attributes
                .clone()
                .unwrap()
                .value()
                .unwrap()
                .attribute
                .iter()
                .map(|a| format!("{}={}", a.attr_name, a.attr_value))
                .collect::<Vec<_>>();
            (
                r.campaign
                    .clone()
                    .and_then(|c| c.value().cloned())
                    .unwrap_or_default(),
                attributes,
            )
        })
        .collect::<Vec<_>>()
}

/// Ada and Bob, campaign 3002 requested by id for both, then "Send Welcome" by name for Bob
/// with a token; both requests succeed. Returns the leads and both requests.
async fn requested(
    client: &Client,
    judge: &mut Judge,
) -> (i32, i32, ParamsRequestCampaign, ParamsRequestCampaign) {
    let ada = client
        .sync_lead(Lead::by_email("ada@example.com"))
        .await
        .unwrap()
        .lead_id;
    let bob = client
        .sync_lead(Lead::by_email("bob@example.com"))
        .await
        .unwrap()
        .lead_id;
    let mut request = ParamsRequestCampaign::new(ReqCampSourceType::Mktows);
    request.campaign_id = Some(Nillable::Value(3002));
    request.lead_list = lead_keys(&[
        (LeadKeyRef::Idnum, ada.to_string()),
        (LeadKeyRef::Email, "bob@example.com".into()),
    ]);
    let requested = exchange::<RequestCampaign>(client, &request).await;
    judge.keep("by id", &requested);
    assert!(requested.output().result.success);
    let mut by_name = ParamsRequestCampaign::new(ReqCampSourceType::Sales);
    by_name.campaign_name = Some(Nillable::Value("Send Welcome".into()));
    by_name.program_name = Some(Nillable::Value("Spring Webinar".into()));
    by_name.program_token_list = Some(Nillable::Value(ArrayOfAttrib {
        attrib: vec![Attrib {
            name: "{{my.message}}".into(),
            value: "Hello".into(),
        }],
    }));
    by_name.lead_list = lead_keys(&[(LeadKeyRef::Idnum, bob.to_string())]);
    let requested = exchange::<RequestCampaign>(client, &by_name).await;
    judge.keep("by name", &requested);
    assert!(requested.output().result.success);

    (ada, bob, request, by_name)
}

#[tokio::test]
async fn campaigns_are_listed_by_source_part_of_the_name_and_exact_name() {
    let (_sandbox, client, mut judge) = start(None).await;
    let all = exchange::<GetCampaignsForSource>(
        &client,
        &for_source(ReqCampSourceType::Mktows, None, false),
    )
    .await;
    judge.keep("all MKTOWS", &all);
    assert_eq!(all.output().result.return_count, 2);
    assert_eq!(
        names(&all.output().result),
        [
            (3001, "Send Welcome".to_owned()),
            (3002, "Send Reminder".to_owned())
        ]
    );
    let sales = exchange::<GetCampaignsForSource>(
        &client,
        &for_source(ReqCampSourceType::Sales, None, false),
    )
    .await;
    judge.keep("SALES", &sales);
    assert_eq!(
        names(&sales.output().result),
        [(3001, "Send Welcome".to_owned())]
    );
    let part = exchange::<GetCampaignsForSource>(
        &client,
        &for_source(ReqCampSourceType::Mktows, Some("remind"), false),
    )
    .await;
    judge.keep("part", &part);
    assert_eq!(
        names(&part.output().result),
        [(3002, "Send Reminder".to_owned())]
    );
    let exact = exchange::<GetCampaignsForSource>(
        &client,
        &for_source(ReqCampSourceType::Mktows, Some("remind"), true),
    )
    .await;
    judge.keep("exact, none", &exact);
    assert_eq!(exact.output().result.return_count, 0);

    judge.validate("campaigns-list");
}

#[tokio::test]
async fn each_requested_lead_gets_the_activity_with_the_source_and_tokens() {
    let (_sandbox, client, mut judge) = start(None).await;
    let (ada, bob, _, _) = requested(&client, &mut judge).await;
    assert_eq!(
        activity(&client, ada).await,
        [("Send Reminder".to_owned(), vec!["Source=MKTOWS".to_owned()])]
    );
    assert_eq!(
        activity(&client, bob).await,
        [
            (
                "Send Welcome".to_owned(),
                vec!["Source=SALES".to_owned(), "{{my.message}}=Hello".to_owned()]
            ),
            ("Send Reminder".to_owned(), vec!["Source=MKTOWS".to_owned()]),
        ]
    );

    judge.validate("campaigns-request");
}

#[tokio::test]
async fn request_faults_change_nothing() {
    let (_sandbox, client, mut judge) = start(None).await;
    let (ada, _, request, by_name) = requested(&client, &mut judge).await;
    // Unknown campaign, a campaign not requestable by the source, id and name together, an
    // unknown lead, a bad token.
    let fault = |mut p: ParamsRequestCampaign, edit: &dyn Fn(&mut ParamsRequestCampaign)| {
        edit(&mut p);
        p
    };
    let cases: Vec<(ParamsRequestCampaign, u32)> = vec![
        (
            fault(request.clone(), &|p| {
                p.campaign_id = Some(Nillable::Value(9))
            }),
            20113,
        ),
        (
            fault(request.clone(), &|p| {
                p.campaign_id = Some(Nillable::Value(3003))
            }),
            20113,
        ),
        (
            fault(request.clone(), &|p| p.source = ReqCampSourceType::Sales),
            20113,
        ),
        (
            fault(request.clone(), &|p| {
                p.campaign_name = Some(Nillable::Value("Send Welcome".into()))
            }),
            20110,
        ),
        (
            fault(request.clone(), &|p| {
                p.lead_list = lead_keys(&[(LeadKeyRef::Idnum, "77".into())])
            }),
            20103,
        ),
        (
            fault(by_name.clone(), &|p| {
                p.program_token_list = Some(Nillable::Value(ArrayOfAttrib {
                    attrib: vec![Attrib {
                        name: "message".into(),
                        value: "x".into(),
                    }],
                }))
            }),
            20110,
        ),
    ];
    for (i, (params, code)) in cases.into_iter().enumerate() {
        let answer = exchange::<RequestCampaign>(&client, &params).await;
        judge.keep(&format!("fault case {i}"), &answer);
        assert_eq!(answer.fault_code(), code, "case {i}: {}", answer.text);
    }
    assert_eq!(
        activity(&client, ada).await.len(),
        1,
        "no fault case requested anything"
    );

    judge.validate("campaigns-faults");
}

#[tokio::test]
async fn lead_keys_past_the_hundredth_are_ignored() {
    let (_sandbox, client, mut judge) = start(None).await;
    let (ada, _, request, _) = requested(&client, &mut judge).await;
    // 100 keys of Ada, then one of no lead: ignored as Marketo documents, not fault 20103.
    let mut keys = vec![(LeadKeyRef::Idnum, ada.to_string()); 100];
    keys.push((LeadKeyRef::Idnum, "77".into()));
    let mut many = request.clone();
    many.lead_list = lead_keys(&keys);
    let answer = exchange::<RequestCampaign>(&client, &many).await;
    judge.keep("101 keys", &answer);
    assert!(answer.output().result.success, "{}", answer.text);
    assert_eq!(
        activity(&client, ada).await.len(),
        2,
        "Ada requested once more (once, for her 100 keys)"
    );
    judge.validate("campaigns-101-keys");
}

#[tokio::test]
async fn a_scheduled_run_is_kept_across_a_restart_and_unknown_ones_are_20113() {
    let dir = std::env::temp_dir().join(format!("mktows-campaigns-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("sandbox.sqlite");
    let _ = std::fs::remove_file(&data);
    let (sandbox, client, mut judge) = start(Some(data.clone())).await;
    let mut schedule = ParamsScheduleCampaign::new("Spring Webinar", "Monthly Batch");
    let at = chrono::DateTime::parse_from_rfc3339("2027-01-05T09:00:00+01:00").unwrap();
    schedule.campaign_run_at = Some(Nillable::Value(at));
    schedule.program_token_list = Some(Nillable::Value(ArrayOfAttrib {
        attrib: vec![Attrib {
            name: "{{my.subject}}".into(),
            value: "January".into(),
        }],
    }));
    let scheduled = exchange::<ScheduleCampaign>(&client, &schedule).await;
    judge.keep("scheduled", &scheduled);
    assert!(scheduled.output().result.success);
    for (program, campaign) in [("Nope", "Monthly Batch"), ("Spring Webinar", "Nope")] {
        let answer =
            exchange::<ScheduleCampaign>(&client, &ParamsScheduleCampaign::new(program, campaign))
                .await;
        judge.keep("unknown", &answer);
        assert_eq!(answer.fault_code(), 20113);
    }
    sandbox.stop().await;
    let sandbox = Sandbox::start(config(Some(data.clone()))).await.unwrap();
    let runs = sandbox.scheduled_campaigns();
    assert_eq!(runs.len(), 1);
    assert_eq!(
        (runs[0].campaign_id, runs[0].program.as_str()),
        (3003, "Spring Webinar")
    );
    assert_eq!(runs[0].run_at, at.to_utc());
    assert_eq!(
        runs[0].tokens,
        [("{{my.subject}}".to_owned(), "January".to_owned())]
    );
    sandbox.stop().await;
    let _ = std::fs::remove_dir_all(dir);
    judge.validate("campaigns-schedule");
}

#[tokio::test]
async fn channels_and_tags_come_from_the_fixture() {
    let sandbox = Sandbox::start(config(None)).await.unwrap();
    let client = Client::new(sandbox.client_config()).unwrap();
    let mut judge = Judge::default();
    let all = exchange::<GetChannels>(&client, &ParamsGetChannels { tag: None }).await;
    judge.keep("all channels", &all);
    let channels = &all.output().result.tags.tag_status;
    assert_eq!(channels.len(), 1);
    assert_eq!(channels[0].tag_value, "Webinar");
    let statuses: Vec<Vec<(String, String)>> = channels[0]
        .status_list
        .progression_status_item
        .iter()
        .map(|s| {
            s.progression_status
                .clone()
                .unwrap()
                .attrib
                .into_iter()
                .map(|a| (a.name, a.value))
                .collect()
        })
        .collect();
    assert_eq!(
        statuses[1],
        [
            ("Status".into(), "Attended".into()),
            ("Step".into(), "30".into()),
            ("Success".into(), "true".into())
        ]
    );
    let unknown = exchange::<GetChannels>(
        &client,
        &ParamsGetChannels {
            tag: Some(Tag {
                r#type: None,
                values: Some(ArrayOfString {
                    string_item: vec!["Podcast".into()],
                }),
            }),
        },
    )
    .await;
    judge.keep("unknown channel", &unknown);
    assert_eq!(unknown.fault_code(), 20110);

    let tags = exchange::<GetTags>(&client, &ParamsGetTags { tag_list: None }).await;
    judge.keep("all tags", &tags);
    let list = &tags.output().result.tag_list.tag;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].r#type.as_deref(), Some("Region"));
    assert_eq!(
        list[0].values.as_ref().unwrap().string_item,
        ["EMEA", "AMER"]
    );
    let bad = exchange::<GetTags>(
        &client,
        &ParamsGetTags {
            tag_list: Some(ArrayOfTag {
                tag: vec![Tag {
                    r#type: Some("Region".into()),
                    values: Some(ArrayOfString {
                        string_item: vec!["MARS".into()],
                    }),
                }],
            }),
        },
    )
    .await;
    judge.keep("unknown tag value", &bad);
    assert_eq!(bad.fault_code(), 20110);
    judge.validate("channels-tags");
}
