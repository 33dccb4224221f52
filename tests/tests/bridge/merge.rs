//! mergeLeads through the bridge (`bridge/src/merge.rs`): SOAP client → `Bridge` → the sandbox's
//! REST Merge Leads; what REST did is read back from the sandbox over SOAP. Every bridge response
//! is judged by xmllint against the WSDL's schema.

use mktows::operations::MergeLeads;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows::{Client, Lead};
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::bridge::bridge_to;
use mktows_tests::soap::{Judge, exchange};

fn key(key_type: &str, value: impl ToString) -> ArrayOfAttribute {
    ArrayOfAttribute {
        attribute: vec![Attribute {
            attr_name: key_type.into(),
            attr_type: None,
            attr_value: value.to_string(),
        }],
    }
}

fn merge(winner: ArrayOfAttribute, losers: Vec<ArrayOfAttribute>) -> ParamsMergeLeads {
    ParamsMergeLeads::new(winner, ArrayOfKeyList { key_list: losers })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merge_leads_over_rest() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let direct = Client::new(sandbox.client_config()).unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = Client::new(bridge.client_config()).unwrap();
    let mut judge = Judge::default();
    let sync = |lead: Lead| {
        let direct = &direct;
        async move { direct.sync_lead(lead).await.unwrap().lead_id }
    };
    let winner = sync(Lead::by_email("ada@example.com").with_attribute("FirstName", "Ada")).await;
    let loser1 =
        sync(Lead::by_email("ada.l@example.com").with_attribute("LastName", "Lovelace")).await;
    let loser2 =
        sync(Lead::by_email("countess@example.com").with_attribute("City", "London")).await;

    let merged = exchange::<MergeLeads>(
        &soap,
        &merge(
            key("IDNUM", winner),
            vec![key("EMAIL", "ada.l@example.com"), key("IDNUM", loser2)],
        ),
    )
    .await;
    judge.keep("merge", &merged);
    let status = &merged.output().result.merge_status;
    assert_eq!(status.status, LeadMergeStatusEnum::Merged);
    assert_eq!(status.winning_lead_id, Some(Nillable::Value(winner)));
    assert_eq!(
        status.losing_lead_id_list,
        Some(Nillable::Value(ArrayOfInteger {
            integer_item: vec![loser1, loser2]
        }))
    );
    // What REST did, read from the sandbox: one lead left, with the losers' values.
    assert_eq!(sandbox.lead_count(), 1);
    let lead = Lead::from(
        direct
            .get_lead(LeadKeyRef::Idnum, &winner.to_string())
            .await
            .unwrap()
            .remove(0),
    );
    assert_eq!(lead.attribute("FirstName"), Some("Ada"));
    assert_eq!(lead.attribute("LastName"), Some("Lovelace"));
    assert_eq!(lead.attribute("City"), Some("London"));

    // Faults, nothing sent: an unknown lead, a key matching two leads, too many losers.
    let bob = sync(Lead::by_email("bob@example.com")).await;
    direct
        .sync_multiple_leads([Lead::by_email("bob@example.com")], Some(false))
        .await;
    let cases = [
        (
            "unknown",
            merge(key("IDNUM", winner), vec![key("IDNUM", 42)]),
            20103,
        ),
        (
            "ambiguous",
            merge(key("IDNUM", winner), vec![key("EMAIL", "bob@example.com")]),
            20110,
        ),
        (
            "26",
            merge(key("IDNUM", winner), vec![key("IDNUM", bob); 26]),
            20110,
        ),
        (
            "self",
            merge(key("IDNUM", winner), vec![key("IDNUM", winner)]),
            20110,
        ),
    ];
    for (label, params, code) in cases {
        let answer = exchange::<MergeLeads>(&soap, &params).await;
        judge.keep(label, &answer);
        assert_eq!(answer.fault_code(), code, "{label}");
    }
    assert_eq!(sandbox.lead_count(), 3);
    judge.validate("bridge_records");
}
