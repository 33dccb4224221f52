//! Campaign calls through the bridge: SOAP client → `Bridge` → the sandbox's REST campaign
//! calls (`campaigns.json`, `trigger.json`, `schedule.json`). What REST did is read back from
//! the sandbox: the "Request Campaign" activity of each lead, with its tokens, and the
//! scheduled run, and the warning logged for lead keys past the hundredth. Every bridge
//! response is judged by xmllint against the WSDL's schema.

use std::sync::{Mutex, Once};

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

/// The built-in fixture: Welcome (2001, MKTOWS+SALES), Nurture (2002, MKTOWS), Monthly
/// Newsletter (2003, batch), all in "Sandbox Program"; a bridge to it, a client of each.
struct Campaigns {
    sandbox: Sandbox,
    _bridge: mktows_bridge::Bridge,
    direct: Client,
    soap: Client,
    judge: Judge,
}

async fn start() -> Campaigns {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let direct = Client::new(sandbox.client_config()).unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = Client::new(bridge.client_config()).unwrap();
    Campaigns {
        sandbox,
        _bridge: bridge,
        direct,
        soap,
        judge: Judge::default(),
    }
}

/// Ada, and Nurture requested for her by name through the bridge with a token: success.
async fn request_nurture(c: &mut Campaigns) -> (i32, ParamsRequestCampaign) {
    let ada = c
        .direct
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
    let requested = exchange::<RequestCampaign>(&c.soap, &request).await;
    c.judge.keep("by name", &requested);
    assert!(requested.output().result.success);

    (ada, request)
}

/// What REST did, read back from the sandbox over SOAP: each "Request Campaign" of lead `id`.
async fn requests(direct: &Client, ada: i32) -> Vec<(String, Vec<(String, String)>)> {
    let history = exchange::<GetLeadActivity>(
        direct,
        &ParamsGetLeadActivity::new(key(LeadKeyRef::Idnum, ada)),
    )
    .await;
    history
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
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn campaigns_are_listed_by_source_and_name_over_rest() {
    let mut c = start().await;
    let all = exchange::<GetCampaignsForSource>(
        &c.soap,
        &for_source(ReqCampSourceType::Mktows, None, false),
    )
    .await;
    c.judge.keep("all", &all);
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
        &c.soap,
        &for_source(ReqCampSourceType::Mktows, Some("NURT"), false),
    )
    .await;
    c.judge.keep("partial name", &part);
    assert_eq!(records(&part.output().result).len(), 1);
    let exact = exchange::<GetCampaignsForSource>(
        &c.soap,
        &for_source(ReqCampSourceType::Mktows, Some("Welcome"), true),
    )
    .await;
    c.judge.keep("exact", &exact);
    assert_eq!(records(&exact.output().result)[0].0, 2001);
    let sales = exchange::<GetCampaignsForSource>(
        &c.soap,
        &for_source(ReqCampSourceType::Sales, None, false),
    )
    .await;
    c.judge.keep("sales", &sales);
    assert_eq!(sales.fault_code(), 20019);

    c.judge.validate("bridge-campaigns-list");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_requested_by_name_is_the_leads_activity_with_its_token() {
    let mut c = start().await;
    let (ada, _) = request_nurture(&mut c).await;
    assert_eq!(
        requests(&c.direct, ada).await,
        [(
            "Nurture".to_owned(),
            vec![
                ("Source".to_owned(), "MKTOWS".to_owned()),
                ("{{my.offer}}".to_owned(), "20%".to_owned())
            ]
        )]
    );

    c.judge.validate("bridge-campaigns-request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_faults_trigger_nothing() {
    let mut c = start().await;
    let (ada, request) = request_nurture(&mut c).await;
    // Unknown lead, the batch campaign, an unknown campaign id.
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
        let answer = exchange::<RequestCampaign>(&c.soap, &params).await;
        c.judge.keep(label, &answer);
        assert_eq!(answer.fault_code(), code, "{label}: {}", answer.text);
    }

    // One request in the lead's history: the faults triggered nothing.
    assert_eq!(
        requests(&c.direct, ada).await,
        [(
            "Nurture".to_owned(),
            vec![
                ("Source".to_owned(), "MKTOWS".to_owned()),
                ("{{my.offer}}".to_owned(), "20%".to_owned())
            ]
        )]
    );

    c.judge.validate("bridge-campaigns-faults");
}

/// Where this binary's warnings go: the bridge logs on its runtime's worker threads, so the
/// subscriber is the global one (set once, before the interest cache is rebuilt); other tests'
/// warnings land here too and are told apart by what they say.
fn warnings() -> String {
    static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());
    static SET: Once = Once::new();
    struct Sink;
    impl std::io::Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            LOGS.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    SET.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(|| Sink)
            .with_max_level(tracing::Level::WARN)
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        tracing::callsite::rebuild_interest_cache();
    });
    String::from_utf8_lossy(&LOGS.lock().unwrap()).into_owned()
}

/// 101 lead keys: Marketo used the first 100 and ignored the others, and so does the bridge,
/// saying so in its log; the sandbox holds a request for leads 1 and 100, none for lead 101.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lead_keys_past_the_hundredth_are_ignored_and_logged() {
    warnings();
    let mut c = start().await;
    let made = (0..101).map(|i| mktows::Lead::by_email(format!("r{i}@example.com")));
    let report = c.direct.sync_multiple_leads(made, None).await;
    let ids: Vec<i32> = report
        .outcomes
        .iter()
        .map(|o| o.lead_id().unwrap())
        .collect();
    let mut request = ParamsRequestCampaign::new(ReqCampSourceType::Mktows);
    request.campaign_id = Some(Nillable::Value(2002));
    request.lead_list = Some(Nillable::Value(ArrayOfLeadKey {
        lead_key: ids.iter().map(|id| key(LeadKeyRef::Idnum, id)).collect(),
    }));
    let requested = exchange::<RequestCampaign>(&c.soap, &request).await;
    c.judge.keep("101 keys", &requested);
    assert!(requested.output().result.success, "{}", requested.text);
    let nurture = [(
        "Nurture".to_owned(),
        vec![("Source".to_owned(), "MKTOWS".to_owned())],
    )];
    assert_eq!(requests(&c.direct, ids[0]).await, nurture);
    assert_eq!(requests(&c.direct, ids[99]).await, nurture);
    assert!(requests(&c.direct, ids[100]).await.is_empty());
    let logs = warnings();
    let line = logs
        .lines()
        .find(|l| l.contains("requestCampaign: 101 lead keys"))
        .unwrap_or_else(|| panic!("no warning in:\n{logs}"));
    assert!(
        line.contains("WARN")
            && line.contains("mktows::bridge")
            && line.contains("only the first 100 are used")
            && line.contains("keys=101"),
        "{line}"
    );
    c.judge.validate("bridge-campaigns-101-keys");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_campaign_is_scheduled_and_an_unknown_one_is_20113() {
    let mut c = start().await;
    let mut schedule = ParamsScheduleCampaign::new("Sandbox Program", "Monthly Newsletter");
    let at = chrono::DateTime::parse_from_rfc3339("2027-02-01T08:00:00Z").unwrap();
    schedule.campaign_run_at = Some(Nillable::Value(at));
    let scheduled = exchange::<ScheduleCampaign>(&c.soap, &schedule).await;
    c.judge.keep("schedule", &scheduled);
    assert!(scheduled.output().result.success);
    let missing = exchange::<ScheduleCampaign>(
        &c.soap,
        &ParamsScheduleCampaign::new("Sandbox Program", "Nope"),
    )
    .await;
    c.judge.keep("schedule unknown", &missing);
    assert_eq!(missing.fault_code(), 20113);
    let runs = c.sandbox.scheduled_campaigns();
    assert_eq!(runs.len(), 1);
    assert_eq!((runs[0].campaign_id, runs[0].run_at), (2003, at.to_utc()));
    c.judge.validate("bridge-campaigns-schedule");
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
    // A tag type or value REST does not know: 20110 naming it.
    for (tag_type, value) in [("Nope", None), ("Product", Some("Widget"))] {
        let asked = ParamsGetTags {
            tag_list: Some(ArrayOfTag {
                tag: vec![Tag {
                    r#type: Some(tag_type.into()),
                    values: value.map(|v: &str| ArrayOfString {
                        string_item: vec![v.into()],
                    }),
                }],
            }),
        };
        let bridged = exchange::<GetTags>(&soap, &asked).await;
        judge.keep("unknown tag", &bridged);
        assert_eq!(bridged.fault_code(), 20110);
        assert!(
            bridged.text.contains(value.unwrap_or(tag_type)),
            "{}",
            bridged.text
        );
    }
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
