//! Which calls the client sends again (`mktows/src/client/idempotency.rs`): every read of the
//! API after any transient failure (reset, truncated, HTML page, timeout, internal-error and
//! throttling faults), through the typed stub `client.api()` too; a write whose outcome became
//! unknown never, unless it is provably idempotent. Counted in requests the server read.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mktows::client::READ_OPERATIONS;
use mktows::transport::{HttpConfig, HttpTransport};
use mktows::types::*;
use mktows::xml::Nillable;
use mktows::{Client, LeadOutcome, OutcomeClass};
use mktows_tests::fake_marketo::{config, fault, leads, marketo};
use mktows_tests::http::{Action, Received, TestServer};

/// The operation a request calls, from its SOAPAction.
fn operation(request: &Received) -> String {
    let action = request.header("soapaction").unwrap_or_default();
    action
        .trim_matches('"')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Every transient failure, as the server acts it.
fn failures() -> Vec<(&'static str, Action)> {
    vec![
        ("reset", Action::Close),
        (
            "truncated",
            Action::Truncate {
                body: b"<?xml version=\"1.0\"?><SOAP-ENV:Envelope".to_vec(),
                missing: 300,
            },
        ),
        (
            "HTML 502",
            Action::Respond {
                status: 502,
                content_type: "text/html",
                body: b"<html><body><h1>502 Bad Gateway</h1></body></html>".to_vec(),
            },
        ),
        (
            "timeout",
            Action::Delay(Duration::from_secs(2), Box::new(Action::Close)),
        ),
        (
            "internal error",
            Action::fault(fault(10001, "Internal Error", "severe system failure")),
        ),
        (
            "throttled",
            Action::fault(fault(20023, "Rate Limit Exceeded", "too many calls")),
        ),
    ]
}

/// A server that acts `first` on the first request of each operation and answers the rest
/// like Marketo; and a client of it with a 500 ms request timeout.
async fn first_fails(first: Action) -> (TestServer, Client) {
    let seen: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let server = TestServer::start(move |request| {
        let mut seen = seen.lock().unwrap();
        let count = seen.entry(operation(request)).or_default();
        *count += 1;
        if *count == 1 {
            first.clone()
        } else {
            marketo(request)
        }
    })
    .await;
    let mut http = HttpConfig::default();
    http.request_timeout = Duration::from_millis(500);
    let client = Client::with_transport(
        config(&server.url).reconcile(false),
        HttpTransport::new(http).unwrap(),
    );
    (server, client)
}

#[tokio::test]
async fn a_read_is_sent_again_after_any_transient_failure() {
    for (name, failure) in failures() {
        let (server, client) = first_fails(failure).await;
        let leads = client
            .get_lead(LeadKeyRef::Email, "ada@example.com")
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(leads.len(), 1, "{name}");
        assert_eq!(
            server.received().len(),
            2,
            "{name}: one failure, one answer"
        );
        // The same through the typed stub, which knows only the operation.
        let (server, client) = first_fails(failures_by_name(name)).await;
        let params = ParamsGetLead::new(LeadKey::new(LeadKeyRef::Email, "ada@example.com"));
        let answer = client
            .api()
            .get_lead(Default::default(), params)
            .await
            .unwrap_or_else(|e| panic!("api, {name}: {e}"));
        assert_eq!(answer.result.count, 1, "{name}");
        assert_eq!(server.received().len(), 2, "api, {name}");
    }
}

fn failures_by_name(name: &str) -> Action {
    failures()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, a)| a)
        .unwrap()
}

#[tokio::test]
async fn through_the_stub_every_read_is_resent_after_a_truncated_answer_and_no_write_is() {
    let (server, client) = first_fails(failures_by_name("truncated")).await;
    let api = client.api();
    // The fake answers getLead; every other operation ends in fault 20019 on its second try.
    let key = || LeadKey::new(LeadKeyRef::Email, "ada@example.com");
    let _ = api
        .get_lead(Default::default(), ParamsGetLead::new(key()))
        .await;
    let _ = api
        .get_multiple_leads(Default::default(), Default::default())
        .await;
    let _ = api
        .get_lead_activity(Default::default(), ParamsGetLeadActivity::new(key()))
        .await;
    let _ = api
        .get_lead_changes(
            Default::default(),
            ParamsGetLeadChanges::new(StreamPosition::default()),
        )
        .await;
    let _ = api
        .describe_m_object(Default::default(), ParamsDescribeMObject::new("LeadRecord"))
        .await;
    let _ = api
        .list_m_objects(Default::default(), Default::default())
        .await;
    let _ = api
        .get_campaigns_for_source(
            Default::default(),
            ParamsGetCampaignsForSource::new(ReqCampSourceType::Mktows),
        )
        .await;
    let _ = api
        .get_channels(Default::default(), Default::default())
        .await;
    let _ = api.get_tags(Default::default(), Default::default()).await;
    let _ = api
        .get_custom_objects(
            Default::default(),
            ParamsGetCustomObjects::new("Car", ArrayOfString::default()),
        )
        .await;
    let _ = api
        .get_m_objects(Default::default(), ParamsGetMObjects::new("Opportunity"))
        .await;
    let _ = api
        .get_import_to_list_status(Default::default(), Default::default())
        .await;
    let lead = || LeadRecord {
        email: Some(Nillable::Value("ada@example.com".into())),
        ..Default::default()
    };
    let writes = [
        api.sync_lead(Default::default(), ParamsSyncLead::new(lead(), false))
            .await
            .err(),
        api.sync_multiple_leads(
            Default::default(),
            ParamsSyncMultipleLeads::new(ArrayOfLeadRecord {
                lead_record: vec![lead()],
            }),
        )
        .await
        .err(),
        api.merge_leads(
            Default::default(),
            ParamsMergeLeads::new(ArrayOfAttribute::default(), ArrayOfKeyList::default()),
        )
        .await
        .err(),
        api.request_campaign(
            Default::default(),
            ParamsRequestCampaign::new(ReqCampSourceType::Mktows),
        )
        .await
        .err(),
        api.list_operation(
            Default::default(),
            ParamsListOperation::new(
                ListOperationType::Addtolist,
                ListKey::new(ListKeyType::Mktolistname, "List"),
                ArrayOfLeadKey::default(),
            ),
        )
        .await
        .err(),
        api.sync_custom_objects(
            Default::default(),
            ParamsSyncCustomObjects::new("Car", ArrayOfCustomObj::default()),
        )
        .await
        .err(),
    ];
    for error in writes {
        let error = error.expect("a truncated answer is an error");
        assert_eq!(error.class(), OutcomeClass::MayHaveBeenApplied, "{error}");
    }
    let mut counts: HashMap<String, usize> = HashMap::new();
    for request in server.received() {
        *counts.entry(operation(&request)).or_default() += 1;
    }
    for read in READ_OPERATIONS {
        assert_eq!(counts.get(*read), Some(&2), "{read}: {counts:?}");
    }
    for write in [
        "syncLead",
        "syncMultipleLeads",
        "mergeLeads",
        "requestCampaign",
        "listOperation",
        "syncCustomObjects",
    ] {
        assert_eq!(counts.get(write), Some(&1), "{write} resent: {counts:?}");
    }
}

#[tokio::test]
async fn a_sync_that_may_have_been_applied_is_not_resent() {
    // The failures after which the outcome is unknown (faults are answers: 10001 is not
    // resent either, 20023 is, as it was refused before any processing).
    for (name, failure) in failures().into_iter().filter(|(n, _)| *n != "throttled") {
        let (server, client) = first_fails(failure).await;
        // Deduplication off, keyed by email only: sending twice could create duplicates.
        let report = client.sync_multiple_leads(leads(10), Some(false)).await;
        assert_eq!(server.received().len(), 1, "{name}: resent");
        for outcome in &report.outcomes {
            assert!(
                matches!(outcome, LeadOutcome::ChunkFailed { .. }),
                "{name}: {outcome:?}"
            );
            assert_eq!(
                outcome.class(),
                Some(OutcomeClass::MayHaveBeenApplied),
                "{name}"
            );
        }
    }
}
