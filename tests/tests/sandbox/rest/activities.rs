//! The sandbox's REST activity reads (`sandbox/src/rest/activities.rs`): Get Lead Activities and
//! Get Lead Changes page to the end with their paging tokens.

use mktows::Client;
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::rest::{Rest, error_code};
use serde_json::{Value, json};

#[tokio::test]
async fn activities_and_lead_changes_page_to_the_end_over_rest() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let soap = Client::new(sandbox.client_config()).unwrap();
    let since = (chrono::Utc::now() - chrono::Duration::minutes(5)).to_rfc3339();
    let ada = soap
        .sync_lead(mktows::Lead::by_email("ada@x.com"))
        .await
        .unwrap()
        .lead_id;
    for i in 0..5 {
        soap.sync_lead(
            mktows::Lead::by_id(ada)
                .with_attribute("Title", format!("T{i}"))
                .with_attribute("City", format!("C{i}")),
        )
        .await
        .unwrap();
    }
    let rest = Rest::new(&sandbox).await;
    let types = rest.get("/v1/activities/types.json").await;
    let names: Vec<(i64, &str)> = types["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["id"].as_i64().unwrap(), t["name"].as_str().unwrap()))
        .collect();
    assert!(names.contains(&(13, "Change Data Value")) && names.contains(&(12, "New Lead")));

    let encoded = since.replace('+', "%2B");
    let start = rest
        .get(&format!(
            "/v1/activities/pagingtoken.json?sinceDatetime={encoded}"
        ))
        .await;
    let mut token = start["nextPageToken"].as_str().unwrap().to_owned();
    // 1 New Lead + 10 changes, read two at a time: every activity once, in order.
    let mut seen = Vec::new();
    loop {
        let page = rest
            .get(&format!(
                "/v1/activities.json?activityTypeIds=12,13&batchSize=2&nextPageToken={token}"
            ))
            .await;
        assert_eq!(page["success"], json!(true), "{page}");
        for row in page["result"].as_array().unwrap() {
            assert_eq!(row["leadId"], json!(ada));
            seen.push(row["id"].as_i64().unwrap());
        }
        token = page["nextPageToken"].as_str().unwrap().to_owned();
        if page["moreResult"] != json!(true) {
            break;
        }
    }
    assert_eq!(seen.len(), 11);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));

    // Lead changes of one field, with old and new values.
    let start = rest
        .get(&format!(
            "/v1/activities/pagingtoken.json?sinceDatetime={encoded}"
        ))
        .await;
    let first = start["nextPageToken"].as_str().unwrap();
    let changes = rest
        .get(&format!(
            "/v1/activities/leadchanges.json?fields=title&nextPageToken={first}&leadIds={ada}"
        ))
        .await;
    let rows = changes["result"].as_array().unwrap();
    let titles: Vec<(&Value, &Value)> = rows
        .iter()
        .filter(|r| r["activityTypeId"] == json!(13))
        .map(|r| (&r["fields"][0]["oldValue"], &r["fields"][0]["newValue"]))
        .collect();
    assert_eq!(titles.len(), 5, "{changes}");
    assert_eq!(titles[4], (&json!("T3"), &json!("T4")));
    assert!(
        rows.iter()
            .all(|r| r["fields"].is_null() || r["fields"][0]["name"] == json!("title"))
    );

    // Refusals: a bad token, too many types, an unknown list, no fields.
    for (path, code) in [
        (
            "/v1/activities.json?activityTypeIds=13&nextPageToken=zzz",
            "1003",
        ),
        (
            &format!(
                "/v1/activities.json?activityTypeIds=1,2,3,4,5,6,7,8,9,10,11&nextPageToken={first}"
            ),
            "1003",
        ),
        (
            &format!("/v1/activities.json?activityTypeIds=13&listId=4242&nextPageToken={first}"),
            "1013",
        ),
        (
            &format!("/v1/activities/leadchanges.json?nextPageToken={first}"),
            "1003",
        ),
    ] {
        let answer = rest.get(path).await;
        assert_eq!(error_code(&answer), code, "{path}: {answer}");
    }
}

/// `leadIds` takes at most 30 ids on both reads, as documented: 30 are read, 31 are 1003.
#[tokio::test]
async fn more_than_thirty_lead_ids_are_refused() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let rest = Rest::new(&sandbox).await;
    let start = rest
        .get("/v1/activities/pagingtoken.json?sinceDatetime=2026-01-01T00:00:00Z")
        .await;
    let token = start["nextPageToken"].as_str().unwrap();
    let ids: Vec<String> = (1..=31).map(|i| i.to_string()).collect();
    let (thirty, thirty_one) = (ids[..30].join(","), ids.join(","));
    for read in [
        "/v1/activities.json?activityTypeIds=13",
        "/v1/activities/leadchanges.json?fields=title",
    ] {
        let answer = rest
            .get(&format!("{read}&leadIds={thirty}&nextPageToken={token}"))
            .await;
        assert_eq!(answer["success"], json!(true), "30 leadIds: {answer}");
        let answer = rest
            .get(&format!(
                "{read}&leadIds={thirty_one}&nextPageToken={token}"
            ))
            .await;
        assert_eq!(error_code(&answer), "1003", "31 leadIds: {answer}");
        assert_eq!(
            answer["errors"][0]["message"],
            "leadIds takes at most 30 ids"
        );
    }
}
