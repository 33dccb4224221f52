//! A first app against the packaged `mktows` and `mktows-sandbox`: start the sandbox, sync a lead, read it back.

use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows::types::{LeadKeyRef, ParamsGetLead};
use mktows::{Client, LeadKey, LeadSync, types};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    let client = Client::new(sandbox.client_config())?;
    let synced = client
        .sync_lead(
            LeadSync::new(LeadKey::Email("first@app.example".into())).attribute("FirstName", "Ada"),
        )
        .await?;
    let params = ParamsGetLead::new(types::LeadKey::new(LeadKeyRef::Email, "first@app.example"));
    let found = client.api().get_lead(Default::default(), params).await?;
    let record = found
        .result
        .lead_record_list
        .and_then(|list| list.value().cloned())
        .and_then(|list| list.lead_record.into_iter().next())
        .ok_or("no lead record")?;
    let first_name = record
        .lead_attribute_list
        .and_then(|list| list.value().cloned())
        .and_then(|list| list.attribute.into_iter().find(|a| a.attr_name == "FirstName"))
        .map(|a| a.attr_value)
        .ok_or("no FirstName")?;
    println!(
        "lead {} {:?}, FirstName = {first_name}, API {}",
        synced.lead_id,
        synced.sync_status.status,
        mktows::API_VERSION
    );
    Ok(())
}
