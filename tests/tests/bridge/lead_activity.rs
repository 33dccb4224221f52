//! getLeadActivity through the bridge (`bridge/src/lead_activity.rs`): SOAP client → `Bridge` →
//! the sandbox's REST activity reads, paged as the sandbox pages its own SOAP answer. Every bridge
//! response is judged by xmllint against the WSDL's schema.

use mktows::operations::GetLeadActivity;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows::{Client, Lead};
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::bridge::bridge_to;
use mktows_tests::soap::{Exchange, Judge, exchange};

/// What a record says, for comparing the bridge's answer with the sandbox's.
#[allow(clippy::type_complexity)]
fn view(
    r: &ActivityRecord,
) -> (
    i32,
    String,
    String,
    Option<String>,
    Option<Nillable<String>>,
    Option<Nillable<String>>,
    Vec<(String, String)>,
) {
    let attributes: Vec<(String, String)> = r
        .activity_attributes
        .clone()
        .and_then(Nillable::into_value)
        .unwrap_or_default()
        .attribute
        .into_iter()
        .map(|a| (a.attr_name, a.attr_value))
        .collect();
    (
        r.id,
        r.activity_type.clone(),
        r.mkt_person_id.clone(),
        r.mktg_asset_name.clone(),
        r.person_name.clone(),
        r.org_name.clone(),
        attributes,
    )
}

fn records(answer: &Exchange<GetLeadActivity>) -> Vec<ActivityRecord> {
    answer
        .output()
        .lead_activity_list
        .activity_record_list
        .clone()
        .and_then(Nillable::into_value)
        .unwrap_or_default()
        .activity_record
}

/// Ada, made with a name and company, moved through four cities and added to "Attendees" (six
/// records); a bridge to the sandbox, a client of each.
struct History {
    _sandbox: Sandbox,
    _bridge: mktows_bridge::Bridge,
    direct: Client,
    soap: Client,
    judge: Judge,
    key: LeadKey,
}

async fn history() -> History {
    let sandbox = Sandbox::start(SandboxConfig {
        lists: vec!["Attendees".into()],
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let direct = Client::new(sandbox.client_config()).unwrap();
    let ada = direct
        .sync_lead(
            Lead::by_email("ada@example.com")
                .with_attribute("FirstName", "Ada")
                .with_attribute("Company", "Engines"),
        )
        .await
        .unwrap()
        .lead_id;
    for city in ["Oslo", "Bergen", "Paris", "Rome"] {
        direct
            .sync_lead(Lead::by_id(ada).with_attribute("City", city))
            .await
            .unwrap();
    }
    direct
        .list_operation(ListOperationType::Addtolist, "Attendees", &[ada], false)
        .await
        .unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = Client::new(bridge.client_config()).unwrap();
    History {
        _sandbox: sandbox,
        _bridge: bridge,
        direct,
        soap,
        judge: Judge::default(),
        key: LeadKey::new(LeadKeyRef::Email, "ada@example.com"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lead_activity_pages_through_the_bridge_as_the_sandbox_answers() {
    let mut h = history().await;
    // Pages of 2 through the bridge: the same records, in the same order, as the sandbox's own
    // answer in one page (newest first).
    let mut bridged = Vec::new();
    let mut params = ParamsGetLeadActivity::new(h.key.clone());
    params.batch_size = Some(Nillable::Value(2));
    for page in 0.. {
        let answer = exchange::<GetLeadActivity>(&h.soap, &params).await;
        h.judge.keep(&format!("page {page}"), &answer);
        bridged.extend(records(&answer));
        let list = &answer.output().lead_activity_list;
        if list.remaining_count == 0 {
            break;
        }
        params.start_position = Some(Nillable::Value(list.new_start_position.clone()));
        assert!(page < 10, "paging ends");
    }
    let straight =
        exchange::<GetLeadActivity>(&h.direct, &ParamsGetLeadActivity::new(h.key.clone())).await;
    let straight = records(&straight);
    assert_eq!(
        straight.len(),
        6,
        "New Lead, 4 × Change Data Value, Add to List"
    );
    assert_eq!(
        bridged.iter().map(view).collect::<Vec<_>>(),
        straight.iter().map(view).collect::<Vec<_>>()
    );
    h.judge.validate("bridge_lead_activity-pages");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_type_filter_through_the_bridge_reads_only_that_type() {
    let mut h = history().await;
    let mut only = ParamsGetLeadActivity::new(h.key.clone());
    only.activity_filter = Some(Nillable::Value(ActivityTypeFilter {
        include_types: Some(ArrayOfActivityType {
            activity_type: vec![ActivityType::NewLead],
        }),
        exclude_types: None,
    }));
    let answer = exchange::<GetLeadActivity>(&h.soap, &only).await;
    h.judge.keep("new lead only", &answer);
    let types: Vec<String> = records(&answer)
        .into_iter()
        .map(|r| r.activity_type)
        .collect();
    assert_eq!(types, ["New Lead"]);
    h.judge.validate("bridge_lead_activity-filter");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_lead_and_a_bad_offset_fault() {
    let mut h = history().await;
    let unknown = exchange::<GetLeadActivity>(
        &h.soap,
        &ParamsGetLeadActivity::new(LeadKey::new(LeadKeyRef::Email, "nobody@example.com")),
    )
    .await;
    h.judge.keep("unknown lead", &unknown);
    assert_eq!(unknown.fault_code(), 20103);
    let mut bad = ParamsGetLeadActivity::new(h.key.clone());
    bad.start_position = Some(Nillable::Value(StreamPosition {
        latest_created_at: None,
        oldest_created_at: None,
        activity_created_at: None,
        offset: Some(Nillable::Value("garbage".into())),
    }));
    let answer = exchange::<GetLeadActivity>(&h.soap, &bad).await;
    h.judge.keep("bad offset", &answer);
    assert_eq!(answer.fault_code(), 20122);
    h.judge.validate("bridge_lead_activity-faults");
}
