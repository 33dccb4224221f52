//! `mktows list add|remove|check LIST IDS...`: static list membership by Marketo id, one line
//! per lead; exit 1 unless it was carried out for every lead.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use mktows::types::ListOperationType;

use crate::common::{Connection, Outcome};

/// What `mktows list` does.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ListAction {
    /// ADDTOLIST
    Add,
    /// REMOVEFROMLIST
    Remove,
    /// ISMEMBEROFLIST
    Check,
}

/// The list and the leads.
#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  \
    mktows list add \"Trade Show\" 1000001 1000002\n  \
    mktows list check \"Trade Show\" 1000001 || echo \"not every lead is a member\"")]
pub struct ListArgs {
    /// What to do
    pub action: ListAction,
    /// Name of the static list
    pub list: String,
    /// Marketo lead ids (at most 1000)
    #[arg(required = true)]
    pub ids: Vec<i32>,
    /// All or nothing: one lead that fails fails them all
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub connection: Connection,
}

/// Carries out the operation and prints one line per lead.
pub async fn run(args: ListArgs) -> Outcome {
    let ListArgs {
        action,
        list,
        ids,
        strict,
        connection,
    } = args;
    let client = connection.client(300)?;
    let (operation, done, not_done) = match action {
        ListAction::Add => (ListOperationType::Addtolist, "added", "not added"),
        ListAction::Remove => (ListOperationType::Removefromlist, "removed", "not removed"),
        ListAction::Check => (ListOperationType::Ismemberoflist, "member", "not a member"),
    };
    let report = client
        .list_operation(operation, &list, &ids, strict)
        .await?;
    for (id, status) in &report.leads {
        out!("{id}\t{}", if *status { done } else { not_done });
    }
    Ok(if report.success {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
