//! getLeadChanges through the bridge (`bridge/src/activities.rs`): SOAP client → `Bridge` → the
//! sandbox's REST activity reads; the records, pages and filters are the sandbox's own SOAP answer.
//! Every bridge response is judged by xmllint against the WSDL's schema.

use mktows::Client;
use mktows::operations::GetLeadChanges;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::bridge::bridge_to;
use mktows_tests::soap::{Judge, exchange};

/// Seven leads made in Oslo and moved to Bergen (14 changes), a bridge to the sandbox, a
/// client of each, and a stream position from before them.
struct History {
    _sandbox: Sandbox,
    _bridge: mktows_bridge::Bridge,
    direct: Client,
    soap: Client,
    judge: Judge,
    ids: Vec<i32>,
    start: StreamPosition,
}

async fn history() -> History {
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
    History {
        _sandbox: sandbox,
        _bridge: bridge,
        direct,
        soap,
        judge: Judge::default(),
        ids,
        start,
    }
}

/// getLeadChanges from the start for a LeadKeySelector of the first and fourth leads.
fn two_leads(h: &History) -> ParamsGetLeadChanges {
    let mut params = ParamsGetLeadChanges::new(h.start.clone());
    params.lead_selector = Some(LeadSelector::LeadKeySelector(LeadKeySelector {
        key_type: LeadKeyRef::Idnum,
        key_values: ArrayOfString {
            string_item: vec![h.ids[0].to_string(), h.ids[3].to_string()],
        },
    }));
    params
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lead_changes_page_through_the_bridge_as_the_sandbox_answers() {
    let mut h = history().await;
    // Every change, in pages of 4 through the bridge; the same records, in the same order, as
    // the sandbox's own SOAP answer in one page.
    let mut bridged = Vec::new();
    let mut position = h.start.clone();
    for page in 0.. {
        let mut params = ParamsGetLeadChanges::new(position.clone());
        params.batch_size = Some(Nillable::Value(4));
        let answer = exchange::<GetLeadChanges>(&h.soap, &params).await;
        h.judge.keep(&format!("page {page}"), &answer);
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
        exchange::<GetLeadChanges>(&h.direct, &ParamsGetLeadChanges::new(h.start.clone())).await;
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

    h.judge.validate("bridge-lead-changes-pages");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_key_selector_reads_only_its_leads() {
    let mut h = history().await;
    let params = two_leads(&h);
    let two = exchange::<GetLeadChanges>(&h.soap, &params).await;
    h.judge.keep("two leads", &two);
    assert_eq!(two.output().result.return_count, 4);
    h.judge.validate("bridge-lead-changes-selector");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_type_is_20107_and_exclude_types_leaves_the_others() {
    let mut h = history().await;
    let mut params = two_leads(&h);
    params.activity_filter = Some(Nillable::Value(ActivityTypeFilter {
        include_types: Some(ArrayOfActivityType {
            activity_type: vec![ActivityType::VisitWebpage],
        }),
        exclude_types: None,
    }));
    let unknown = exchange::<GetLeadChanges>(&h.soap, &params).await;
    h.judge.keep("unknown type", &unknown);
    assert_eq!(unknown.fault_code(), 20107);
    params.activity_filter = Some(Nillable::Value(ActivityTypeFilter {
        include_types: None,
        exclude_types: Some(ArrayOfActivityType {
            activity_type: vec![ActivityType::NewLead],
        }),
    }));
    let exclude = exchange::<GetLeadChanges>(&h.soap, &params).await;
    h.judge.keep("exclude", &exclude);
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
    let straight = exchange::<GetLeadChanges>(&h.direct, &params).await;
    assert_eq!(straight.output().result.return_count, 2);
    h.judge.validate("bridge-lead-changes-filters");
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

/// Every record of a getLeadChanges, page after page (at most 20 pages).
async fn every_page(
    soap: &Client,
    judge: &mut Judge,
    mut params: ParamsGetLeadChanges,
) -> Vec<LeadChangeRecord> {
    let mut records = Vec::new();
    for page in 0..20 {
        let answer = exchange::<GetLeadChanges>(soap, &params).await;
        judge.keep(&format!("chunked page {page}"), &answer);
        let result = &answer.output().result;
        records.extend(
            result
                .lead_change_record_list
                .clone()
                .and_then(Nillable::into_value)
                .unwrap_or_default()
                .lead_change_record,
        );
        if result.remaining_count == 0 {
            return records;
        }
        params.start_position = result.new_start_position.clone();
    }
    panic!("getLeadChanges did not end in 20 pages");
}

/// 70 leads made and then changed; a LeadKeySelector of 65 of them (more than REST's 30
/// `leadIds`, within SOAP's 100) is read through the bridge in pages of 50: every change of
/// those leads, as the sandbox's own SOAP answer has them, chunk after chunk of 30 leads; 101
/// keys are refused as SOAP refused them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lead_changes_of_more_leads_than_rest_reads_at_once_come_in_chunks() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let direct = Client::new(sandbox.client_config()).unwrap();
    let start = StreamPosition {
        oldest_created_at: Some(Nillable::Value(
            (chrono::Utc::now() - chrono::Duration::minutes(5)).fixed_offset(),
        )),
        ..StreamPosition::default()
    };
    let made = |city: &'static str| {
        (0..70).map(move |i| {
            mktows::Lead::by_email(format!("c{i}@example.com")).with_attribute("City", city)
        })
    };
    let report = direct.sync_multiple_leads(made("Oslo"), None).await;
    let mut ids: Vec<i32> = report
        .outcomes
        .iter()
        .map(|o| o.lead_id().unwrap())
        .collect();
    direct.sync_multiple_leads(made("Bergen"), None).await;
    ids.sort_unstable();
    let bridge = bridge_to(&sandbox).await;
    let soap = Client::new(bridge.client_config()).unwrap();
    let mut judge = Judge::default();
    // Leads 3..68 of 70: neither the first nor the last ones.
    let selected: Vec<i32> = ids[3..68].to_vec();
    let selector = |keys: Vec<String>| {
        let mut params = ParamsGetLeadChanges::new(start.clone());
        params.lead_selector = Some(LeadSelector::LeadKeySelector(LeadKeySelector {
            key_type: LeadKeyRef::Idnum,
            key_values: ArrayOfString { string_item: keys },
        }));
        params
    };
    let mut params = selector(selected.iter().map(i32::to_string).collect());
    params.batch_size = Some(Nillable::Value(50));
    let bridged = every_page(&soap, &mut judge, params.clone()).await;
    params.batch_size = Some(Nillable::Value(1000));
    let straight = exchange::<GetLeadChanges>(&direct, &params).await;
    let straight = straight
        .output()
        .result
        .lead_change_record_list
        .clone()
        .and_then(Nillable::into_value)
        .unwrap()
        .lead_change_record;
    assert_eq!(straight.len(), 130, "65 New Lead + 65 Change Data Value");
    let key = |r: &LeadChangeRecord| (r.id, r.activity_type.clone(), r.mkt_person_id.clone());
    let mut sorted: Vec<_> = bridged.iter().map(key).collect();
    sorted.sort();
    assert_eq!(sorted, straight.iter().map(key).collect::<Vec<_>>());
    // Chunk after chunk: the leads' places among the selected ids, 30 to a chunk, never go back.
    let chunk = |r: &LeadChangeRecord| {
        let id: i32 = r.mkt_person_id.parse().unwrap();
        selected.iter().position(|s| *s == id).unwrap() / 30
    };
    let chunks: Vec<usize> = bridged.iter().map(chunk).collect();
    assert!(chunks.windows(2).all(|w| w[0] <= w[1]), "{chunks:?}");
    assert_eq!((chunks[0], chunks[chunks.len() - 1]), (0, 2));

    let too_many = selector((0..101).map(|i| format!("{}", 1000 + i)).collect());
    let refused = exchange::<GetLeadChanges>(&soap, &too_many).await;
    judge.keep("101 keys", &refused);
    assert_eq!(refused.fault_code(), 20110);
    assert!(
        refused.text.contains("at most 100 lead keys, not 101"),
        "{}",
        refused.text
    );
    let straight = exchange::<GetLeadChanges>(&direct, &too_many).await;
    assert_eq!(straight.fault_code(), 20110, "as the sandbox's SOAP API");
    judge.validate("bridge-lead-changes-chunks");
}
