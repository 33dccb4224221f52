//! A SOAP client nobody here wrote (Python zeep, installed by `.ci/run`) loads the sandbox's
//! `?WSDL` and calls syncLead and syncMultipleLeads against it — directly, and through
//! `mktows bridge` to the sandbox's REST API; and the same for PHP's SoapClient.

use std::process::Command;

use mktows::sandbox::{Sandbox, SandboxConfig};

#[tokio::test(flavor = "multi_thread")]
async fn zeep_syncs_leads_through_the_sandbox_wsdl() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/zeep_interop.py");
    let url = sandbox.url().to_owned();
    let user = sandbox.credentials().user_id.clone();
    let key = sandbox.credentials().encryption_key().to_owned();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .arg(script)
            .arg(url)
            .arg(user)
            .arg(key)
            .output()
    })
    .await
    .unwrap()
    .expect("python3 runs (CI installs zeep with pip)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "zeep failed (is zeep installed? `pip install zeep`):\n{stderr}"
    );
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(result["syncLead"]["status"], "CREATED");
    assert_eq!(result["syncLead"]["firstName"][0], "Zed");
    let statuses = result["syncMultipleLeads"].as_array().unwrap();
    assert_eq!(statuses.len(), 3);
    assert!(statuses.iter().all(|s| s[1] == "CREATED"));
    assert_eq!(sandbox.lead_count(), 4);
}

/// The same zeep client through `mktows bridge` (in-process) to the sandbox's REST API: only
/// the endpoint changes, and the leads land in the store behind REST.
#[tokio::test(flavor = "multi_thread")]
async fn zeep_syncs_leads_through_the_bridge() {
    use mktows::bridge::{Bridge, BridgeConfig, RestSettings};
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let mut rest = RestSettings::new(
        sandbox.rest_endpoint(),
        sandbox.identity_endpoint(),
        mktows::sandbox::DEFAULT_CLIENT_ID,
        mktows::sandbox::DEFAULT_CLIENT_SECRET,
    );
    rest.limits = mktows::client::Limits::unlimited(10);
    let bridge = Bridge::start(BridgeConfig::new(
        ([127, 0, 0, 1], 0).into(),
        rest,
        vec![("zeep_user".into(), "zeep-key".into())],
    ))
    .await
    .unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/zeep_interop.py");
    let url = bridge.url().to_owned();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .arg(script)
            .arg(url)
            .arg("zeep_user")
            .arg("zeep-key")
            .output()
    })
    .await
    .unwrap()
    .expect("python3 runs (CI installs zeep with pip)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "zeep through the bridge failed:\n{stderr}"
    );
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(result["syncLead"]["status"], "CREATED");
    assert_eq!(result["syncLead"]["firstName"][0], "Zed");
    let statuses = result["syncMultipleLeads"].as_array().unwrap();
    assert_eq!(statuses.len(), 3);
    assert!(statuses.iter().all(|s| s[1] == "CREATED"));
    assert_eq!(sandbox.lead_count(), 4);
}

/// Runs `tests/php_interop.php` (PHP's SoapClient, ext-soap from Debian's `php-soap`) against
/// `url` and returns what it printed.
async fn php(url: String, user: &str, key: &str) -> serde_json::Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/php_interop.php");
    let (user, key) = (user.to_owned(), key.to_owned());
    let output = tokio::task::spawn_blocking(move || {
        Command::new("php")
            .arg(script)
            .arg(url)
            .arg(user)
            .arg(key)
            .output()
    })
    .await
    .unwrap()
    .expect("php runs (CI installs php-cli and php-soap)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "PHP SoapClient failed:\n{stdout}\n{stderr}"
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn check_php(result: &serde_json::Value) {
    assert_eq!(result["syncLead"]["status"], "CREATED", "{result}");
    assert_eq!(result["syncLead"]["firstName"][0], "Rasmus", "{result}");
    let statuses = result["syncMultipleLeads"].as_array().unwrap();
    assert_eq!(statuses.len(), 3, "{result}");
    assert!(statuses.iter().all(|s| s[1] == "CREATED"), "{result}");
    assert_eq!(result["getLead"]["count"], 1, "{result}");
    assert_eq!(result["getLead"]["city"][0], "Qeqertarsuaq", "{result}");
    assert_eq!(result["notFound"], "20103", "{result}");
}

#[tokio::test(flavor = "multi_thread")]
async fn php_soapclient_against_the_sandbox() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let user = sandbox.credentials().user_id.clone();
    let key = sandbox.credentials().encryption_key().to_owned();
    let result = php(sandbox.url().to_owned(), &user, &key).await;
    check_php(&result);
    assert_eq!(sandbox.lead_count(), 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn php_soapclient_through_the_bridge() {
    use mktows::bridge::{Bridge, BridgeConfig, RestSettings};
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let mut rest = RestSettings::new(
        sandbox.rest_endpoint(),
        sandbox.identity_endpoint(),
        mktows::sandbox::DEFAULT_CLIENT_ID,
        mktows::sandbox::DEFAULT_CLIENT_SECRET,
    );
    rest.limits = mktows::client::Limits::unlimited(10);
    let bridge = Bridge::start(BridgeConfig::new(
        ([127, 0, 0, 1], 0).into(),
        rest,
        vec![("php_user".into(), "php-key".into())],
    ))
    .await
    .unwrap();
    let result = php(bridge.url().to_owned(), "php_user", "php-key").await;
    check_php(&result);
    assert_eq!(sandbox.lead_count(), 4);
}
