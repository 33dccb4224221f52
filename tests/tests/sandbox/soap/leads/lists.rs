//! Static lists in the embedded sandbox through the client: add, check, read and remove
//! members by list name or id, strict operations that change nothing when a lead is missing,
//! faults that name what is wrong, members that survive a restart, and the list helper's
//! report of every lead in order.

use mktows::client::Idempotency;
use mktows::operations::{GetMultipleLeads, ListOperation};
use mktows::types::*;
use mktows::xml::Nillable;
use mktows::{Client, ErrorCode, LeadSync, ListReport};
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::leads::{client, email};

/// Sends `paramsListOperation` given in its JSON form, so that the tests compile against every
/// WSDL version (2_2 has one more optional element).
async fn send_list_operation(
    client: &Client,
    params: serde_json::Value,
) -> Result<ResultListOperation, mktows::Error> {
    let params: ParamsListOperation = serde_json::from_value(params).unwrap();
    Ok(client
        .call::<ListOperation>(&Default::default(), &params, Idempotency::Idempotent)
        .await?
        .result)
}

/// A sandbox configuration with these static lists.
fn with_lists(names: &[&str]) -> SandboxConfig {
    SandboxConfig {
        lists: names.iter().map(|n| (*n).to_owned()).collect(),
        ..SandboxConfig::default()
    }
}

/// A `listOperation` on IDNUM keys: `success` and the per-lead statuses.
async fn list_operation(
    client: &Client,
    operation: &str,
    list: &str,
    ids: &[String],
    strict: bool,
) -> Result<(bool, Vec<bool>), mktows::Error> {
    let keys: Vec<_> = ids
        .iter()
        .map(|id| serde_json::json!({"keyType": "IDNUM", "keyValue": id}))
        .collect();
    let result = send_list_operation(
        client,
        serde_json::json!({
            "listOperation": operation,
            "listKey": {"keyType": "MKTOLISTNAME", "keyValue": list},
            "listMemberList": {"leadKey": keys},
            "strict": strict,
        }),
    )
    .await?;
    let statuses = result
        .status_list
        .and_then(Nillable::into_value)
        .unwrap()
        .lead_status;
    for (status, id) in statuses.iter().zip(ids) {
        assert_eq!(
            &status.lead_key.key_value, id,
            "statuses echo the keys in order"
        );
    }
    Ok((
        result.success,
        statuses.into_iter().map(|s| s.status).collect(),
    ))
}

/// The emails of the members of a static list, through `getMultipleLeads`.
async fn list_members(
    client: &Client,
    selector: StaticListSelector,
) -> Result<Vec<String>, mktows::Error> {
    let params = ParamsGetMultipleLeads {
        lead_selector: Some(LeadSelector::StaticListSelector(selector)),
        ..Default::default()
    };
    let result = client
        .call::<GetMultipleLeads>(&Default::default(), &params, Idempotency::Idempotent)
        .await?
        .result;
    Ok(result
        .lead_record_list
        .and_then(Nillable::into_value)
        .map(|l| l.lead_record)
        .unwrap_or_default()
        .into_iter()
        .map(|l| l.email.and_then(Nillable::into_value).unwrap_or_default())
        .collect())
}

fn by_name(name: &str) -> StaticListSelector {
    StaticListSelector {
        static_list_name: Some(Nillable::Value(name.into())),
        static_list_id: None,
    }
}

async fn three_leads(client: &Client) -> Vec<String> {
    let mut ids = Vec::new();
    for e in ["l1@x.com", "l2@x.com", "l3@x.com"] {
        ids.push(
            client
                .sync_lead(LeadSync::new(email(e)))
                .await
                .unwrap()
                .lead_id
                .to_string(),
        );
    }
    ids
}

#[tokio::test]
async fn static_lists_add_check_read_and_remove() {
    let sandbox = Sandbox::start(with_lists(&["Trade Show", "Newsletter"]))
        .await
        .unwrap();
    let client = client(&sandbox);
    let ids = three_leads(&client).await;
    let (first_two, last) = (&ids[..2], &ids[2..]);

    let added = list_operation(&client, "ADDTOLIST", "Trade Show", first_two, false)
        .await
        .unwrap();
    assert_eq!(added, (true, vec![true, true]));
    // Adding a member again changes nothing and succeeds.
    let again = list_operation(&client, "ADDTOLIST", "Trade Show", &ids[..1], false)
        .await
        .unwrap();
    assert_eq!(again, (true, vec![true]));

    let check = list_operation(&client, "ISMEMBEROFLIST", "Trade Show", &ids, false)
        .await
        .unwrap();
    assert_eq!(
        check,
        (false, vec![true, true, false]),
        "success only when every lead is a member"
    );
    let other = list_operation(&client, "ISMEMBEROFLIST", "Newsletter", first_two, false)
        .await
        .unwrap();
    assert_eq!(other, (false, vec![false, false]), "lists are separate");

    assert_eq!(
        list_members(&client, by_name("Trade Show")).await.unwrap(),
        ["l1@x.com", "l2@x.com"]
    );
    let by_id = StaticListSelector {
        static_list_name: None,
        static_list_id: Some(Nillable::Value(1001)),
    };
    assert_eq!(
        list_members(&client, by_id).await.unwrap().len(),
        2,
        "the first list is id 1001"
    );
    assert!(
        list_members(&client, by_name("Newsletter"))
            .await
            .unwrap()
            .is_empty()
    );

    let removed = list_operation(&client, "REMOVEFROMLIST", "Trade Show", &ids[..1], false)
        .await
        .unwrap();
    assert_eq!(removed, (true, vec![true]));
    assert_eq!(
        list_members(&client, by_name("Trade Show")).await.unwrap(),
        ["l2@x.com"]
    );
    let check = list_operation(&client, "ISMEMBEROFLIST", "Trade Show", last, false)
        .await
        .unwrap();
    assert_eq!(check, (false, vec![false]));
}

#[tokio::test]
async fn strict_list_operations_are_all_or_nothing() {
    let sandbox = Sandbox::start(with_lists(&["L"])).await.unwrap();
    let client = client(&sandbox);
    let mut ids = three_leads(&client).await;
    ids.push("999".into()); // no such lead
    ids.push("not a number".into());

    let strict = list_operation(&client, "ADDTOLIST", "L", &ids, true)
        .await
        .unwrap();
    assert_eq!(strict, (false, vec![false; 5]));
    assert!(
        list_members(&client, by_name("L"))
            .await
            .unwrap()
            .is_empty(),
        "nothing was added"
    );

    let lenient = list_operation(&client, "ADDTOLIST", "L", &ids, false)
        .await
        .unwrap();
    assert_eq!(lenient, (false, vec![true, true, true, false, false]));
    assert_eq!(list_members(&client, by_name("L")).await.unwrap().len(), 3);

    let strict = list_operation(&client, "REMOVEFROMLIST", "L", &ids, true)
        .await
        .unwrap();
    assert_eq!(strict, (false, vec![false; 5]));
    assert_eq!(
        list_members(&client, by_name("L")).await.unwrap().len(),
        3,
        "nothing was removed"
    );
}

#[tokio::test]
async fn list_faults_name_what_is_wrong() {
    let sandbox = Sandbox::start(with_lists(&["L"])).await.unwrap();
    let client = client(&sandbox);
    let ids = three_leads(&client).await;
    let message = |err: &mktows::Error| err.fault().unwrap().message.clone().unwrap_or_default();

    let err = list_operation(&client, "ADDTOLIST", "Nope", &ids, false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ListNotFound));
    assert!(message(&err).contains("Nope"), "{err}");
    let err = list_members(&client, by_name("Nope")).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ListNotFound));
    let unknown_id = StaticListSelector {
        static_list_name: None,
        static_list_id: Some(Nillable::Value(7)),
    };
    let err = list_members(&client, unknown_id).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ListNotFound));
    let neither = StaticListSelector {
        static_list_name: None,
        static_list_id: None,
    };
    let err = list_members(&client, neither).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ParameterRequired));

    let too_many: Vec<String> = (0..1001).map(|i| i.to_string()).collect();
    let err = list_operation(&client, "ADDTOLIST", "L", &too_many, false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::BadParameter));
    assert!(message(&err).contains("1000"), "{err}");

    // Only IDNUM lead keys, as Marketo documents; other list key types are not in the sandbox.
    let by_email = serde_json::json!({
        "listOperation": "ADDTOLIST",
        "listKey": {"keyType": "MKTOLISTNAME", "keyValue": "L"},
        "listMemberList": {"leadKey": [{"keyType": "EMAIL", "keyValue": "l1@x.com"}]},
    });
    let err = send_list_operation(&client, by_email).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::BadParameter));
    assert!(message(&err).contains("IDNUM"), "{err}");
    // A lead key type outside the enumeration: 20102 "Lead Key Bad", as everywhere.
    let unknown = serde_json::json!({
        "listOperation": "ADDTOLIST",
        "listKey": {"keyType": "MKTOLISTNAME", "keyValue": "L"},
        "listMemberList": {"leadKey": [{"keyType": "IDNUMBER", "keyValue": "1"}]},
    });
    let err = send_list_operation(&client, unknown).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::LeadKeyBad), "{err}");
    assert!(message(&err).contains("IDNUMBER"), "{err}");
    let sales = serde_json::json!({
        "listOperation": "ADDTOLIST",
        "listKey": {"keyType": "MKTOSALESUSERID", "keyValue": "L"},
        "listMemberList": {"leadKey": []},
    });
    let err = send_list_operation(&client, sales).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::UnsupportedOperation));
    assert!(message(&err).contains("MKTOSALESUSERID"), "{err}");
}

#[tokio::test]
async fn list_members_survive_a_restart() {
    let path = std::env::temp_dir().join(format!("mktows-lists-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let config = SandboxConfig {
        data: Some(path.clone()),
        ..with_lists(&["Kept"])
    };
    let sandbox = Sandbox::start(config.clone()).await.unwrap();
    let ids = three_leads(&client(&sandbox)).await;
    let added = list_operation(&client(&sandbox), "ADDTOLIST", "Kept", &ids[1..], false)
        .await
        .unwrap();
    assert_eq!(added, (true, vec![true, true]));
    sandbox.stop().await;

    let sandbox = Sandbox::start(config).await.unwrap();
    assert_eq!(
        list_members(&client(&sandbox), by_name("Kept"))
            .await
            .unwrap(),
        ["l2@x.com", "l3@x.com"]
    );
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn list_operation_helper_reports_every_lead_in_order() {
    let sandbox = Sandbox::start(with_lists(&["L"])).await.unwrap();
    let client = client(&sandbox);
    let ids: Vec<i32> = three_leads(&client)
        .await
        .iter()
        .map(|id| id.parse().unwrap())
        .collect();
    let report = client
        .list_operation(ListOperationType::Addtolist, "L", &[999, ids[0]], false)
        .await
        .unwrap();
    assert_eq!(
        report,
        ListReport {
            success: false,
            leads: vec![(999, false), (ids[0], true)],
        }
    );
    let report = client
        .list_operation(ListOperationType::Ismemberoflist, "L", &ids, true)
        .await
        .unwrap();
    assert_eq!(
        report.leads,
        [(ids[0], true), (ids[1], false), (ids[2], false)]
    );
    let err = client
        .list_operation(ListOperationType::Removefromlist, "Nope", &ids, false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ListNotFound));
}
