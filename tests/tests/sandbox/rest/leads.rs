//! The sandbox's REST lead calls (`sandbox/src/rest/leads.rs`) over real HTTP on 127.0.0.1:
//! Sync Leads with every action and its per-record reasons, reads by filter (paged to the end)
//! and by id, describe, partitions, static lists — and the data written over REST is what SOAP
//! reads back from the same store. Tokens and limits are in `router.rs`.

use mktows::ErrorCode;
use mktows::types::LeadKeyRef;
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::leads::one_attempt;
use mktows_tests::rest::{Rest, error_code, reason};
use serde_json::{Value, json};

/// A sandbox and its REST client after one Sync Leads call: Ann created, an unknown field
/// (1006) and a missing email (1003) skipped. Returns Ann's id.
async fn with_ann() -> (Sandbox, Rest, i64) {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let rest = Rest::new(&sandbox).await;
    let answer = rest
        .sync(json!({"input": [
            {"email": "ann@rest.test", "firstName": "Ann", "leadScore": 7},
            {"email": "bob@rest.test", "noSuchField": "x"},
            {"firstName": "No email"},
        ]}))
        .await;
    assert_eq!(answer["success"], true, "{answer}");
    let result = answer["result"].as_array().unwrap();
    assert_eq!(result[0]["status"], "created");
    let ann = result[0]["id"].as_i64().unwrap();
    assert_eq!(reason(&result[1]), "1006");
    assert_eq!(reason(&result[2]), "1003");
    assert_eq!(sandbox.lead_count(), 1);

    (sandbox, rest, ann)
}

/// Ann updated by email (case ignored), then by id with updateOnly (an unknown id is 1004).
async fn lee_the_cto(rest: &Rest, ann: i64) {
    let update = rest
        .sync(json!({"input": [{"email": "ANN@rest.test", "lastName": "Lee"}]}))
        .await;
    assert_eq!(update["result"][0], json!({"id": ann, "status": "updated"}));
    let update_only = rest
        .sync(
            json!({"action": "updateOnly", "lookupField": "id", "input": [
            {"id": 999, "firstName": "x"}, {"id": ann, "title": "CTO"}]}),
        )
        .await;
    assert_eq!(reason(&update_only["result"][0]), "1004");
    assert_eq!(
        update_only["result"][1],
        json!({"id": ann, "status": "updated"})
    );
}

#[tokio::test]
async fn sync_leads_gives_each_input_a_status_or_a_reason() {
    with_ann().await;
}

#[tokio::test]
async fn each_sync_leads_action_follows_its_rule() {
    let (_sandbox, rest, ann) = with_ann().await;
    lee_the_cto(&rest, ann).await;
    let create_only = rest
        .sync(json!({"action": "createOnly", "input": [{"email": "ann@rest.test"}]}))
        .await;
    assert_eq!(reason(&create_only["result"][0]), "1005");
    let duplicate = rest
        .sync(json!({"action": "createDuplicate", "input": [{"email": "ann@rest.test"}]}))
        .await;
    assert_eq!(duplicate["result"][0]["status"], "created");
    assert_ne!(duplicate["result"][0]["id"], json!(ann));
    let ambiguous = rest
        .sync(json!({"input": [{"email": "ann@rest.test", "firstName": "?"}]}))
        .await;
    assert_eq!(reason(&ambiguous["result"][0]), "1007");
    let partition = rest
        .sync(json!({"partitionName": "Nope", "input": [{"email": "p@rest.test"}]}))
        .await;
    assert_eq!(reason(&partition["result"][0]), "1008");
}

#[tokio::test]
async fn whole_body_errors_change_nothing_and_a_bad_input_is_skipped_alone() {
    let (sandbox, rest, _) = with_ann().await;
    let before = sandbox.lead_count();
    let many: Vec<Value> = (0..301)
        .map(|i| json!({"email": format!("m{i}@rest.test")}))
        .collect();
    assert_eq!(error_code(&rest.sync(json!({"input": many})).await), "1003");
    assert_eq!(
        error_code(
            &rest
                .sync(json!({"action": "upsert", "input": [{"email": "u@rest.test"}]}))
                .await
        ),
        "1003"
    );
    assert_eq!(
        error_code(&rest.sync(json!({"action": "createOnly"})).await),
        "701"
    );
    assert_eq!(
        error_code(&rest.sync(json!({"input": {"email": "o@rest.test"}})).await),
        "701"
    );
    assert_eq!(
        error_code(&rest.sync(json!([{"email": "a@rest.test"}])).await),
        "609"
    );
    let mixed = rest
        .sync(json!({"input": ["q@rest.test", {"email": "q@rest.test", "firstName": "Q"}]}))
        .await;
    assert_eq!(reason(&mixed["result"][0]), "1001");
    assert_eq!(mixed["result"][1]["status"], "created");
    assert_eq!(sandbox.lead_count(), before + 1);
}

#[tokio::test]
async fn leads_read_back_over_rest_with_typed_values() {
    let (_sandbox, rest, ann) = with_ann().await;
    lee_the_cto(&rest, ann).await;
    let by_id = rest
        .get(&format!(
            "/v1/lead/{ann}.json?fields=email,firstName,lastName,title,leadScore"
        ))
        .await;
    assert_eq!(
        by_id["result"][0],
        json!({"email": "ANN@rest.test", "firstName": "Ann", "lastName": "Lee", "title": "CTO", "leadScore": 7})
    );
    assert_eq!(rest.get("/v1/lead/5.json").await["result"], json!([]));
    let unknown_field = rest.get(&format!("/v1/lead/{ann}.json?fields=bogus")).await;
    assert_eq!(error_code(&unknown_field), "1006");
}

#[tokio::test]
async fn soap_reads_the_leads_rest_wrote_from_the_same_store() {
    let (sandbox, rest, ann) = with_ann().await;
    lee_the_cto(&rest, ann).await;
    let client = one_attempt(sandbox.client_config());
    let leads = client
        .get_lead(LeadKeyRef::Idnum, &ann.to_string())
        .await
        .unwrap();
    let attrs = leads[0]
        .lead_attribute_list
        .as_ref()
        .and_then(|l| l.value())
        .unwrap();
    let get = |name: &str| {
        attrs
            .attribute
            .iter()
            .find(|a| a.attr_name == name)
            .map(|a| a.attr_value.clone())
    };
    assert_eq!(get("FirstName").as_deref(), Some("Ann"));
    assert_eq!(get("LastName").as_deref(), Some("Lee"));
    assert_eq!(get("LeadScore").as_deref(), Some("7"));
    let err = client
        .get_lead(LeadKeyRef::Email, "bob@rest.test")
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::LeadNotFound));
}

#[tokio::test]
async fn get_leads_pages_to_the_end_without_repeats() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let rest = Rest::new(&sandbox).await;
    let input: Vec<Value> = (0..7)
        .map(|i| json!({"email": format!("p{i}@page.test"), "company": "Paged"}))
        .collect();
    assert_eq!(rest.sync(json!({"input": input})).await["success"], true);
    let mut seen = Vec::new();
    let mut next: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut path =
            "/v1/leads.json?filterType=company&filterValues=Paged&batchSize=3&fields=id,email"
                .to_owned();
        if let Some(token) = &next {
            path.push_str(&format!("&nextPageToken={token}"));
        }
        let page = rest.get(&path).await;
        pages += 1;
        for lead in page["result"].as_array().unwrap() {
            seen.push(lead["email"].as_str().unwrap().to_owned());
        }
        if page["moreResult"] != true {
            assert!(page.get("nextPageToken").is_none());
            break;
        }
        next = Some(page["nextPageToken"].as_str().unwrap().to_owned());
    }
    assert_eq!(pages, 3);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 7);
    assert_eq!(seen.len(), 7);
    let by_email = rest
        .get("/v1/leads.json?filterType=email&filterValues=p1@page.test,p2@page.test,none@x")
        .await;
    assert_eq!(by_email["result"].as_array().unwrap().len(), 2);
    let bad = rest
        .get("/v1/leads.json?filterType=bogus&filterValues=1")
        .await;
    assert_eq!(error_code(&bad), "1011");
}

#[tokio::test]
async fn describe_and_partitions_name_both_apis() {
    let config = SandboxConfig {
        workspaces: vec![
            ("Default".into(), "Default".into()),
            ("Europe".into(), "EU Leads".into()),
        ],
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let rest = Rest::new(&sandbox).await;
    let describe = rest.get("/v1/leads/describe.json").await;
    let first = describe["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["soap"]["name"] == "FirstName")
        .unwrap();
    assert_eq!(first["rest"]["name"], "firstName");
    assert_eq!(first["dataType"], "string");
    let partitions = rest.get("/v1/leads/partitions.json").await;
    let names: Vec<&str> = partitions["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Default", "EU Leads"]);
    let placed = rest
        .sync(json!({"partitionName": "EU Leads", "input": [{"email": "eu@rest.test"}]}))
        .await;
    assert_eq!(placed["result"][0]["status"], "created");
    let moved = rest
        .sync(json!({"partitionName": "Default", "input": [{"email": "eu@rest.test"}]}))
        .await;
    assert_eq!(reason(&moved["result"][0]), "1010");
}

#[tokio::test]
async fn static_lists_by_name_and_membership() {
    let config = SandboxConfig {
        lists: vec!["Trade Show".into(), "Newsletter".into()],
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let rest = Rest::new(&sandbox).await;
    let synced = rest
        .sync(json!({"input": [{"email": "l1@list.test"}, {"email": "l2@list.test"}]}))
        .await;
    let a = synced["result"][0]["id"].as_i64().unwrap();
    let b = synced["result"][1]["id"].as_i64().unwrap();
    let lists = rest.get("/v1/lists.json?name=Newsletter").await;
    assert_eq!(lists["result"].as_array().unwrap().len(), 1);
    let list = lists["result"][0]["id"].as_i64().unwrap();
    assert_eq!(lists["result"][0]["name"], "Newsletter");
    let added = rest
        .send(
            reqwest::Method::POST,
            &format!("/v1/lists/{list}/leads.json?id={a}&id=424242"),
            Value::Null,
        )
        .await;
    assert_eq!(added["result"][0], json!({"id": a, "status": "added"}));
    assert_eq!(added["result"][1]["reasons"][0]["code"], "1004");
    let member = rest
        .get(&format!(
            "/v1/lists/{list}/leads/ismember.json?id={a}&id={b}"
        ))
        .await;
    assert_eq!(member["result"][0]["status"], "memberof");
    assert_eq!(member["result"][1]["status"], "notmemberof");
    let members = rest
        .get(&format!("/v1/lists/{list}/leads.json?fields=id,email"))
        .await;
    assert_eq!(
        members["result"],
        json!([{"id": a, "email": "l1@list.test"}])
    );
    let removed = rest
        .send(
            reqwest::Method::DELETE,
            &format!("/v1/lists/{list}/leads.json"),
            json!({"input": [{"id": a}, {"id": b}]}),
        )
        .await;
    assert_eq!(removed["result"][0], json!({"id": a, "status": "removed"}));
    assert_eq!(removed["result"][1]["reasons"][0]["code"], "1015");
    let unknown = rest.get("/v1/lists/9999/leads/ismember.json?id=1").await;
    assert_eq!(error_code(&unknown), "1013");
}
