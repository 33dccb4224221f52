//! `mktows demo`: starts the embedded sandbox, syncs the specification's sample leads
//! (syncLead, then a syncMultipleLeads batch), updates one and reads them back as a table.

use std::process::ExitCode;

use mktows::types::LeadKeyRef;
use mktows::{Client, Lead, LeadKey, LeadOutcome, LeadSync};
use mktows_sandbox::{Sandbox, SandboxConfig};

use crate::common::{Failure, Outcome, print_leads};

/// Runs the demo.
pub async fn run() -> Outcome {
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    out!(
        "Sandbox at {} (user {})\n",
        sandbox.url(),
        sandbox.credentials().user_id
    );
    let client = Client::new(sandbox.client_config())?;

    // syncLead: the lead of Marketo's syncLead specification.
    let george = client
        .sync_lead(
            LeadSync::new(LeadKey::Email("t@t.com".into()))
                .attribute("FirstName", "George")
                .attribute("LastName", "of the Jungle"),
        )
        .await?;
    out!(
        "syncLead t@t.com: {} lead {}",
        george.sync_status.status,
        george.lead_id
    );

    // syncMultipleLeads: the batch of the syncMultipleLeads specification.
    let batch = [1000, 1001].map(|n| {
        Lead::by_email(format!("em{n}@etestd.marketo.net"))
            .with_attribute("Company", format!("Marketo{n}"))
            .with_attribute("Phone", format!("650-555-{n}"))
    });
    let report = client.sync_multiple_leads(batch, Some(true)).await;
    for outcome in &report.outcomes {
        match outcome {
            LeadOutcome::Synced(s) => {
                out!("syncMultipleLeads: {} lead {}", s.status, s.lead_id)
            }
            LeadOutcome::ChunkFailed { error, .. } => return Err(Failure(error.to_string())),
        }
    }

    // Update one, by its Marketo id.
    let updated = client
        .sync_lead(LeadSync::new(LeadKey::Id(george.lead_id)).attribute("Company", "Jungle Inc."))
        .await?;
    out!(
        "syncLead Id {}: {}\n",
        updated.lead_id,
        updated.sync_status.status
    );

    // Read them back.
    let mut leads = client
        .get_lead(LeadKeyRef::Idnum, &george.lead_id.to_string())
        .await?;
    for email in ["em1000@etestd.marketo.net", "em1001@etestd.marketo.net"] {
        leads.extend(client.get_lead(LeadKeyRef::Email, email).await?);
    }
    print_leads(&leads);
    sandbox.stop().await;
    Ok(ExitCode::SUCCESS)
}
