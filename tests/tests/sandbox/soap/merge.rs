//! `mergeLeads` on the sandbox (`sandbox/src/soap/merge.rs`): the winner keeps its values and
//! takes the losers' empty fields, list memberships and history, durably; each documented fault
//! changes nothing. Every response is judged by xmllint against the WSDL's schema.

use mktows::operations::MergeLeads;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows::{Client, Lead};
use mktows_sandbox::Sandbox;
use mktows_tests::soap::{Judge, exchange};

use super::{activity_types, config, lead, members, temp_db};

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

#[tokio::test]
async fn merge_folds_losers_into_the_winner_durably() {
    let data = temp_db("merge");
    let sandbox = Sandbox::start(config(Some(data.clone()))).await.unwrap();
    let client = Client::new(sandbox.client_config()).unwrap();
    let mut judge = Judge::default();
    let sync = |lead: Lead| {
        let client = &client;
        async move { client.sync_lead(lead).await.unwrap().lead_id }
    };
    let winner = sync(Lead::by_email("ada@example.com").with_attribute("FirstName", "Ada")).await;
    let loser1 = sync(
        Lead::by_email("ada.l@example.com")
            .with_attribute("FirstName", "Augusta")
            .with_attribute("LastName", "Lovelace"),
    )
    .await;
    let loser2 =
        sync(Lead::by_email("countess@example.com").with_attribute("City", "London")).await;
    let bystander = sync(Lead::by_email("bob@example.com")).await;
    client
        .list_operation(ListOperationType::Addtolist, "Attendees", &[loser1], false)
        .await
        .unwrap();

    let merged = exchange::<MergeLeads>(
        &client,
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

    check_merged(&client, winner, [loser1, loser2], bystander).await;
    assert_eq!(sandbox.lead_count(), 2);

    // Faults change nothing: unknown lead, winner among the losers, a loser twice, an
    // ambiguous email, an unknown key type, no loser, more than 25 losers.
    sync(Lead::by_id(bystander).with_attribute("City", "Paris")).await;
    let twin = client
        .sync_multiple_leads(vec![Lead::by_email("bob@example.com")], Some(false))
        .await;
    assert_eq!(twin.counts().created, 1);
    let cases = [
        (
            "unknown",
            merge(key("IDNUM", winner), vec![key("IDNUM", 42)]),
            20103,
        ),
        (
            "self",
            merge(key("IDNUM", winner), vec![key("IDNUM", winner)]),
            20110,
        ),
        (
            "twice",
            merge(
                key("IDNUM", winner),
                vec![key("IDNUM", bystander), key("IDNUM", bystander)],
            ),
            20110,
        ),
        (
            "ambiguous",
            merge(key("IDNUM", winner), vec![key("EMAIL", "bob@example.com")]),
            20110,
        ),
        (
            "key type",
            merge(key("NICKNAME", winner), vec![key("IDNUM", bystander)]),
            20102,
        ),
        ("none", merge(key("IDNUM", winner), vec![]), 20110),
        (
            "26",
            merge(key("IDNUM", winner), vec![key("IDNUM", bystander); 26]),
            20110,
        ),
    ];
    for (label, params, code) in cases {
        let answer = exchange::<MergeLeads>(&client, &params).await;
        judge.keep(label, &answer);
        assert_eq!(answer.fault_code(), code, "{label}");
    }
    assert_eq!(sandbox.lead_count(), 3);
    assert!(lead(&client, bystander).await.is_some());
    drop(client);
    drop(sandbox);

    // Everything above is in the data file.
    let sandbox = Sandbox::start(config(Some(data))).await.unwrap();
    let client = Client::new(sandbox.client_config()).unwrap();
    check_merged(&client, winner, [loser1, loser2], bystander).await;
    judge.validate("merge");
}

/// The winner kept its own values and took the losers' values for its empty fields, their
/// list membership and their history; the losers are gone.
async fn check_merged(client: &Client, winner: i32, losers: [i32; 2], bystander: i32) {
    let (email, fields) = lead(client, winner).await.expect("winner stays");
    assert_eq!(email, "ada@example.com");
    assert_eq!(fields.get("FirstName").map(String::as_str), Some("Ada"));
    assert_eq!(fields.get("LastName").map(String::as_str), Some("Lovelace"));
    assert_eq!(fields.get("City").map(String::as_str), Some("London"));
    for loser in losers {
        assert_eq!(lead(client, loser).await, None);
    }
    assert!(lead(client, bystander).await.is_some());
    assert_eq!(members(client, "Attendees", &[winner]).await, [true]);
    let types = activity_types(client, winner).await;
    assert_eq!(types.first().map(String::as_str), Some("Merge Leads"));
    assert_eq!(types.iter().filter(|t| *t == "New Lead").count(), 3);
    assert!(types.iter().any(|t| t == "Add to List"));
}
