//! getMultipleLeads and listOperation through the bridge (`bridge/src/read.rs`): pages to the end
//! with no lead twice, list members added, checked and removed as the sandbox's REST then lists
//! them (strict operations changing nothing when a lead is missing), a StaticListSelector, a
//! selector with no faithful mapping refused, and lead key types outside the enumeration
//! refused as 20102 "Lead Key Bad" before anything is sent.

use mktows::operations::{GetMultipleLeads, ListOperation};
use mktows::types::*;
use mktows::xml::Nillable;
use mktows::{Client, ErrorCode, Lead};
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::leads::{attr, one_attempt as client};

use crate::support::{bridge_to, record, sandbox_rest};

/// Eleven leads (Title "Dr") synced through a bridge to a sandbox with the list "Webinar".
struct Leads {
    sandbox: Sandbox,
    _bridge: mktows_bridge::Bridge,
    soap: mktows::Client,
    emails: Vec<String>,
    ids: Vec<i32>,
}

async fn leads() -> Leads {
    let config = SandboxConfig {
        lists: vec!["Webinar".into()],
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = client(bridge.client_config());
    let emails: Vec<String> = (0..11).map(|i| format!("m{i}@page.test")).collect();
    let report = soap
        .sync_multiple_leads(emails.iter().map(|e| record(e, &[("Title", "Dr")])), None)
        .await;
    assert_eq!(report.counts().created, 11);
    let ids: Vec<i32> = report.outcomes.iter().filter_map(|o| o.lead_id()).collect();
    Leads {
        sandbox,
        _bridge: bridge,
        soap,
        emails,
        ids,
    }
}

fn list_op(op: &str, members: &[i32]) -> ParamsListOperation {
    ParamsListOperation::new(
        ListOperationType::from(op),
        ListKey::new(ListKeyType::Mktolistname, "Webinar".to_owned()),
        ArrayOfLeadKey {
            lead_key: members
                .iter()
                .map(|id| mktows::types::LeadKey::new(LeadKeyRef::Idnum, id.to_string()))
                .collect(),
        },
    )
}

async fn call(soap: &mktows::Client, params: ParamsListOperation) -> ResultListOperation {
    soap.call::<ListOperation>(
        &Default::default(),
        &params,
        mktows::client::Idempotency::Idempotent,
    )
    .await
    .unwrap()
    .result
}

/// listOperation through the bridge: the first two leads (and an unknown one) added, the first
/// and third checked, the first removed; the sandbox's REST lists the second alone.
async fn add_check_remove(l: &Leads) {
    let (soap, ids, sandbox) = (&l.soap, &l.ids, &l.sandbox);
    let added = call(soap, list_op("ADDTOLIST", &[ids[0], ids[1], 424242])).await;
    assert!(!added.success);
    let flags: Vec<bool> = added
        .status_list
        .unwrap()
        .value()
        .unwrap()
        .lead_status
        .iter()
        .map(|s| s.status)
        .collect();
    assert_eq!(flags, [true, true, false]);
    let check = call(soap, list_op("ISMEMBEROFLIST", &[ids[0], ids[2]])).await;
    let flags: Vec<bool> = check
        .status_list
        .unwrap()
        .value()
        .unwrap()
        .lead_status
        .iter()
        .map(|s| s.status)
        .collect();
    assert_eq!(flags, [true, false]);
    let removed = call(soap, list_op("REMOVEFROMLIST", &[ids[0]])).await;
    assert!(removed.success);
    let lists = sandbox_rest(sandbox, "/v1/lists.json?name=Webinar").await;
    let list = lists["result"][0]["id"].as_i64().unwrap();
    let members = sandbox_rest(sandbox, &format!("/v1/lists/{list}/leads.json?fields=id")).await;
    assert_eq!(members["result"], serde_json::json!([{"id": ids[1]}]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_multiple_leads_pages_to_the_end_with_no_lead_twice() {
    let l = leads().await;
    let (soap, emails) = (&l.soap, &l.emails);
    let mut seen = Vec::new();
    let mut position: Option<String> = None;
    let mut pages = 0;
    loop {
        let params = ParamsGetMultipleLeads {
            lead_selector: Some(LeadSelector::LeadKeySelector(LeadKeySelector {
                key_type: LeadKeyRef::Email,
                key_values: ArrayOfString {
                    string_item: emails.clone(),
                },
            })),
            batch_size: Some(Nillable::Value(4)),
            stream_position: position.clone().map(Nillable::Value),
            ..Default::default()
        };
        let page = soap
            .call::<GetMultipleLeads>(
                &Default::default(),
                &params,
                mktows::client::Idempotency::Idempotent,
            )
            .await
            .unwrap()
            .result;
        pages += 1;
        for lead in page
            .lead_record_list
            .and_then(|l| l.value().cloned())
            .unwrap()
            .lead_record
        {
            assert_eq!(attr(&lead, "Title"), Some("Dr"));
            seen.push(lead.id.and_then(|i| i.value().copied()).unwrap());
        }
        if page.new_stream_position.is_empty() {
            assert_eq!(page.remaining_count, 0);
            break;
        }
        position = Some(page.new_stream_position);
        assert!(pages < 10);
    }
    assert_eq!(pages, 3);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 11, "no record twice: {seen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_members_are_added_checked_and_removed_as_rest_then_lists_them() {
    add_check_remove(&leads().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_static_list_selector_reads_the_members() {
    let l = leads().await;
    add_check_remove(&l).await;
    let soap = &l.soap;
    let params = ParamsGetMultipleLeads {
        lead_selector: Some(LeadSelector::StaticListSelector(StaticListSelector {
            static_list_name: Some(Nillable::Value("Webinar".into())),
            static_list_id: None,
        })),
        ..Default::default()
    };
    let page = soap
        .call::<GetMultipleLeads>(
            &Default::default(),
            &params,
            mktows::client::Idempotency::Idempotent,
        )
        .await
        .unwrap()
        .result;
    assert_eq!(page.return_count, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_selector_with_no_faithful_mapping_is_a_fault_naming_it() {
    let l = leads().await;
    let soap = &l.soap;
    let params = ParamsGetMultipleLeads {
        lead_selector: Some(LeadSelector::LastUpdateAtSelector(LastUpdateAtSelector {
            oldest_updated_at: chrono::Utc::now().fixed_offset(),
            latest_updated_at: None,
        })),
        ..Default::default()
    };
    let err = soap
        .call::<GetMultipleLeads>(
            &Default::default(),
            &params,
            mktows::client::Idempotency::Idempotent,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::UnsupportedOperation));
    assert!(err.to_string().contains("LastUpdateAtSelector"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_list_operations_change_nothing_when_a_lead_is_missing() {
    let sandbox = Sandbox::start(SandboxConfig {
        lists: vec!["Attendees".into()],
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let direct = Client::new(sandbox.client_config()).unwrap();
    let bridge = mktows_tests::bridge::bridge_to(&sandbox).await;
    let soap = Client::new(bridge.client_config()).unwrap();
    let ada = direct
        .sync_lead(Lead::by_email("ada@example.com"))
        .await
        .unwrap()
        .lead_id;
    // One lead does not exist: strict through the bridge adds no one, as the sandbox would.
    for client in [&soap, &direct] {
        let report = client
            .list_operation(ListOperationType::Addtolist, "Attendees", &[ada, 42], true)
            .await
            .unwrap();
        assert!(!report.success);
        assert_eq!(report.leads, [(ada, false), (42, false)]);
    }
    let member = direct
        .list_operation(
            ListOperationType::Ismemberoflist,
            "Attendees",
            &[ada],
            false,
        )
        .await
        .unwrap();
    assert_eq!(member.leads, [(ada, false)], "nothing was added");
    // All present: strict adds them.
    let report = soap
        .list_operation(ListOperationType::Addtolist, "Attendees", &[ada], true)
        .await
        .unwrap();
    assert!(report.success);
    let member = direct
        .list_operation(
            ListOperationType::Ismemberoflist,
            "Attendees",
            &[ada],
            false,
        )
        .await
        .unwrap();
    assert_eq!(member.leads, [(ada, true)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_key_type_outside_the_enumeration_is_lead_key_bad_and_nothing_is_sent() {
    let l = leads().await;
    let soap = &l.soap;
    let before = l.sandbox.rest().calls();
    let bad = || LeadKeyRef::Unknown("TWITTERID".into());
    let err = soap.get_lead(bad(), "x").await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::LeadKeyBad), "{err}");
    assert!(err.to_string().contains("TWITTERID"), "{err}");
    let params = ParamsGetMultipleLeads {
        lead_selector: Some(LeadSelector::LeadKeySelector(LeadKeySelector {
            key_type: bad(),
            key_values: ArrayOfString {
                string_item: vec!["x".into()],
            },
        })),
        ..Default::default()
    };
    let err = soap
        .call::<GetMultipleLeads>(
            &Default::default(),
            &params,
            mktows::client::Idempotency::Idempotent,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::LeadKeyBad), "{err}");
    let mut members = list_op("ADDTOLIST", &[l.ids[0]]);
    members.list_member_list.lead_key[0].key_type = bad();
    let err = soap
        .call::<ListOperation>(
            &Default::default(),
            &members,
            mktows::client::Idempotency::Idempotent,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::LeadKeyBad), "{err}");
    // A valid key type REST cannot filter by stays 20019.
    let err = soap
        .get_lead(LeadKeyRef::Leadowneremail, "o@x.test")
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::UnsupportedOperation), "{err}");
    assert_eq!(l.sandbox.rest().calls(), before, "nothing was sent to REST");
}
