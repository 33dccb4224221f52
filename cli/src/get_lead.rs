//! `mktows get-lead`: reads the leads matching an email or a Marketo id, as a table.

use std::process::ExitCode;

use clap::Args;
use mktows::types::LeadKeyRef;

use crate::common::{Connection, Failure, Outcome, print_leads};

/// Which lead to read.
#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  \
    mktows get-lead --email ada@example.com\n  \
    mktows get-lead --id 1000001 --endpoint http://127.0.0.1:8086/soap/mktows/2_6")]
pub struct GetLeadArgs {
    /// Email address
    #[arg(long, conflicts_with = "id", required_unless_present = "id")]
    pub email: Option<String>,
    /// Marketo lead id
    #[arg(long)]
    pub id: Option<i32>,
    #[command(flatten)]
    pub connection: Connection,
}

/// Reads and prints the leads.
pub async fn run(args: GetLeadArgs) -> Outcome {
    let GetLeadArgs {
        email,
        id,
        connection,
    } = args;
    let client = connection.client(300)?;
    let leads = match (email, id) {
        (Some(email), _) => client.get_lead(LeadKeyRef::Email, &email).await?,
        (None, Some(id)) => client.get_lead(LeadKeyRef::Idnum, &id.to_string()).await?,
        (None, None) => return Err(Failure("give --email or --id".into())),
    };
    print_leads(&leads);
    Ok(ExitCode::SUCCESS)
}
