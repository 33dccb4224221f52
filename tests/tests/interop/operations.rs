//! All 23 operations from SOAP clients nobody here wrote: Python zeep
//! (`clients/zeep_operations.py`), PHP's SoapClient (`clients/php_operations.php`)
//! and JAX-WS with wsimport's classes (`clients/JaxwsOperations.java`) load the sandbox's
//! `?WSDL` and call each one in the same order, printing the same JSON; the
//! test checks what each got back and then what the sandbox stored, through `mktows::Client`
//! and the sandbox's API.

use std::process::Command;

use mktows::Client;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_sandbox::{Sandbox, SandboxConfig};
use serde_json::json;

use crate::jaxws;
use mktows_tests::tools;

/// The stored lead with this email: its id and the value of `field`.
async fn field(client: &Client, email: &str, field: &str) -> Option<(i32, String)> {
    let leads = client.get_lead(LeadKeyRef::Email, email).await.ok()?;
    let lead = leads.into_iter().next()?;
    let value = lead
        .lead_attribute_list
        .and_then(Nillable::into_value)?
        .attribute
        .into_iter()
        .find(|a| a.attr_name == field)?
        .attr_value;
    Some((lead.id.and_then(Nillable::into_value)?, value))
}

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        lists: vec!["Interop".into()],
        import_time: std::time::Duration::from_millis(300),
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

/// Runs a client script with the sandbox's `?WSDL` base URL (or WSDL URL), user id and key;
/// returns the JSON it printed.
async fn run(mut command: Command, sandbox: &Sandbox, url: String) -> serde_json::Value {
    command
        .arg(url)
        .arg(&sandbox.credentials().user_id)
        .arg(sandbox.credentials().encryption_key());
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("the client runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the client failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn zeep_calls_every_operation_and_the_sandbox_stores_what_it_sent() {
    if !tools::have("python3 -c 'import zeep'", "pip install zeep") {
        return;
    }
    let sandbox = sandbox().await;
    let mut command = Command::new("python3");
    command.arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/interop/clients/zeep_operations.py"
    ));
    let url = sandbox.url().to_owned();
    let seen = run(command, &sandbox, url).await;
    check(&sandbox, &seen).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn php_soapclient_calls_every_operation_and_the_sandbox_stores_what_it_sent() {
    if !tools::have(
        "php -m | grep -qi '^soap$'",
        "apt-get install php-cli php-soap",
    ) {
        return;
    }
    let sandbox = sandbox().await;
    let mut command = Command::new("php");
    command.arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/interop/clients/php_operations.php"
    ));
    let url = format!("{}?WSDL", sandbox.url());
    let seen = run(command, &sandbox, url).await;
    check(&sandbox, &seen).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn jaxws_calls_every_operation_and_the_sandbox_stores_what_it_sent() {
    if !tools::have(
        "command -v wsimport && command -v javac",
        "apt-get install jaxws libjaxws-java openjdk-17-jdk-headless",
    ) {
        return;
    }
    let sandbox = sandbox().await;
    let url = format!("{}?WSDL", sandbox.url());
    let built = jaxws::Built::new(
        &url,
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/interop/clients/JaxwsOperations.java"
        ),
    )
    .await;
    let seen = run(built.command(), &sandbox, url).await;
    check(&sandbox, &seen).await;
}

/// What a client must have seen, and what the sandbox must hold afterwards.
async fn check(sandbox: &Sandbox, seen: &serde_json::Value) {
    let (ada, bob, cy) = (
        seen["ids"]["ada"].as_i64().unwrap(),
        seen["ids"]["bob"].as_i64().unwrap(),
        seen["ids"]["cy"].as_i64().unwrap(),
    );

    // What zeep got back, operation by operation.
    let expected = json!({
        "syncLead": [ada, "CREATED"],
        "syncMultipleLeads": [[bob, "CREATED"], [cy, "CREATED"]],
        "getLead": [1, ada],
        "getMultipleLeads": [ada, bob, cy],
        "describeMObject": ["Email", "FirstName", "MiddleName"],
        "listOperation": [true, [true, true]],
        "importToList": "PROCESSING",
        "getImportToListStatus": ["COMPLETE", 1, 1],
        "mergeLeads": ["MERGED", bob, [cy]],
        "getCampaignsForSource": ["Welcome", "Nurture"],
        "requestCampaign": true,
        "scheduleCampaign": true,
        "getChannels": ["Webinar", "Email Send", "Blog"],
        "getTags": ["Region", "Product"],
        "syncCustomObjects": ["CREATED", "CREATED"],
        "deleteCustomObjects": ["DELETED"],
        "getCustomObjects": [["Paris"]],
        "listMObjects": ["ActivityRecord", "LeadRecord", "Opportunity", "OpportunityPersonRole"],
        "syncMObjects": ["CREATED", "CREATED"],
        "deleteMObjects": ["DELETED"],
        "getMObjects": [["First deal"]],
    });
    for (operation, want) in expected.as_object().unwrap() {
        assert_eq!(&seen[operation], want, "{operation}: {seen}");
    }
    let activity = seen["getLeadActivity"].as_array().unwrap();
    assert_eq!(activity.first().unwrap(), "Request Campaign", "{seen}");
    assert!(activity.contains(&json!("New Lead")), "{seen}");
    assert!(activity.contains(&json!("Add to List")), "{seen}");
    // New Lead ×4 (ada, bob, cy, eve), Add to List ×3 (ada, bob, eve), Request Campaign, Merge
    // Leads: new leads' first values are part of New Lead, not separate changes.
    assert_eq!(seen["getLeadChanges"], 9, "{seen}");

    // What the sandbox stored.
    let client = Client::new(sandbox.client_config()).unwrap();
    assert_eq!(sandbox.lead_count(), 3, "ada, bob (with cy merged in), eve");
    assert_eq!(
        field(&client, "ada@example.com", "City").await,
        Some((ada as i32, "London".into()))
    );
    assert_eq!(
        field(&client, "bob@example.com", "Company").await,
        Some((bob as i32, "Cy Inc".into())),
        "the merge gave Bob Cy's company"
    );
    assert!(field(&client, "cy@example.com", "LastName").await.is_none());
    let (eve, name) = field(&client, "eve@example.com", "FirstName")
        .await
        .unwrap();
    assert_eq!(name, "Eve");
    let members = client
        .list_operation(
            ListOperationType::Ismemberoflist,
            "Interop",
            &[ada as i32, bob as i32, eve],
            false,
        )
        .await
        .unwrap();
    assert!(members.success, "{members:?}");
    let runs = sandbox.scheduled_campaigns();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].campaign, "Monthly Newsletter");
    assert_eq!(runs[0].tokens, [("{{my.subject}}".into(), "News".into())]);
    let objects = client
        .api()
        .get_custom_objects(
            Default::default(),
            ParamsGetCustomObjects::new("RoadShow", ArrayOfString::default()),
        )
        .await
        .unwrap()
        .result;
    assert_eq!(objects.return_count, 1);
    let opportunities = client
        .api()
        .get_m_objects(Default::default(), ParamsGetMObjects::new("Opportunity"))
        .await
        .unwrap()
        .result;
    assert_eq!(opportunities.return_count, 1);
}
