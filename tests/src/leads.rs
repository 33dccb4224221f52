//! Small helpers for tests that sync and read leads with `mktows::Client`.

use mktows::client::RetryPolicy;
use mktows::types::LeadRecord;
use mktows::xml::Nillable;
use mktows::{Client, ClientConfig, LeadKey};
use mktows_sandbox::{Sandbox, SandboxConfig};

/// A sandbox with the default configuration (in memory, no limits).
pub async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::default()).await.unwrap()
}

/// A client of `sandbox` that sends each call once.
pub fn client(sandbox: &Sandbox) -> Client {
    one_attempt(sandbox.client_config())
}

/// The key of a lead by email.
pub fn email(e: &str) -> LeadKey {
    LeadKey::Email(e.into())
}

/// A client over HTTP that sends each call once (no retry hides what the server said).
pub fn one_attempt(config: ClientConfig) -> Client {
    Client::new(config.retry(RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    }))
    .unwrap()
}

/// The value of a lead's attribute.
pub fn attr<'a>(lead: &'a LeadRecord, name: &str) -> Option<&'a str> {
    lead.lead_attribute_list
        .as_ref()
        .and_then(|l| l.value())
        .and_then(|l| l.attribute.iter().find(|a| a.attr_name == name))
        .map(|a| a.attr_value.as_str())
}

/// A lead record keyed by email, without attributes.
pub fn by_email(email: &str) -> LeadRecord {
    LeadRecord {
        email: Some(Nillable::Value(email.into())),
        ..Default::default()
    }
}
