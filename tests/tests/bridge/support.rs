//! Helpers shared by the bridge tests over the sandbox: a bridge with a short back-off in front
//! of a sandbox's REST API, lead records, and the sandbox's REST answers read straight.

use std::net::SocketAddr;
use std::time::Duration;

use mktows::client::Limits;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_bridge::{Bridge, BridgeConfig, RestSettings};
use mktows_sandbox::Sandbox;

pub(crate) const USER: &str = "bridge_user_1";
pub(crate) const KEY: &str = "bridge-key-for-tests";

pub(crate) fn local() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

pub(crate) fn settings(rest: String, identity: String) -> RestSettings {
    let mut settings = RestSettings::new(
        rest,
        identity,
        mktows_sandbox::DEFAULT_CLIENT_ID,
        mktows_sandbox::DEFAULT_CLIENT_SECRET,
    );
    settings.limits = Limits::unlimited(10);
    settings.backoff = Duration::from_millis(100);
    settings.read_backoff = Duration::from_millis(20);
    settings.timeout = Duration::from_secs(5);
    settings
}

pub(crate) async fn bridge_to(sandbox: &Sandbox) -> Bridge {
    let config = BridgeConfig::new(
        local(),
        settings(sandbox.rest_endpoint(), sandbox.identity_endpoint()),
        vec![(USER.into(), KEY.into())],
    );
    Bridge::start(config).await.unwrap()
}

pub(crate) fn record(email: &str, attributes: &[(&str, &str)]) -> LeadRecord {
    LeadRecord {
        email: Some(Nillable::Value(email.into())),
        lead_attribute_list: Some(Nillable::Value(ArrayOfAttribute {
            attribute: attributes
                .iter()
                .map(|(n, v)| Attribute {
                    attr_name: (*n).into(),
                    attr_type: None,
                    attr_value: (*v).into(),
                })
                .collect(),
        })),
        ..Default::default()
    }
}

/// The sandbox's REST answer for `path` (a fresh token each time).
pub(crate) async fn sandbox_rest(sandbox: &Sandbox, path: &str) -> serde_json::Value {
    let http = reqwest::Client::new();
    let token = http
        .get(format!(
            "{}/oauth/token?grant_type=client_credentials&client_id={}&client_secret={}",
            sandbox.identity_endpoint(),
            mktows_sandbox::DEFAULT_CLIENT_ID,
            mktows_sandbox::DEFAULT_CLIENT_SECRET
        ))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let token: serde_json::Value = serde_json::from_slice(&token).unwrap();
    let body = http
        .get(format!("{}{path}", sandbox.rest_endpoint()))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    serde_json::from_slice(&body).unwrap()
}
