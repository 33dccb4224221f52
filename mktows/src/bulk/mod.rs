//! Bulk lead sync (feature `bulk`): stream leads from CSV or JSON lines (any reader) through
//! `syncMultipleLeads` a window at a time, so memory stays bounded whatever the input size,
//! and get one [`LeadResult`] per input line, in input order, with a [`Summary`] that groups
//! the failure reasons. The `mktows sync` command is a thin layer over this module.
//!
//! [`sync_leads`] reads a window of leads (by default the client's batch size times its calls
//! in flight, [`BulkOptions::window`], which keeps every call slot busy), hands the readable
//! ones to [`Client::sync_multiple_leads`](crate::Client::sync_multiple_leads) and reports one
//! [`LeadResult`] per input line, in order, before reading the next window. The pieces:
//! `input.rs` reads the leads, `check.rs` checks the columns against [`lead_fields`] (the
//! instance's fields from `describeMObject(LeadRecord)`), `report.rs` holds the results.
//!
//! ```
//! # #[cfg(feature = "sandbox")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use mktows::bulk::{BulkOptions, Format, LeadInput, Summary, sync_leads};
//!
//! let sandbox = mktows_sandbox::Sandbox::start(Default::default()).await?;
//! let client = mktows::Client::new(sandbox.client_config())?;
//! let csv = "Email,FirstName\nada@example.com,Ada\nnot-a-lead\n";
//! let mut input = LeadInput::new(csv.as_bytes(), Format::Csv)?;
//! let mut summary = Summary::default();
//! sync_leads(&client, &mut input, &BulkOptions::default(), |result| summary.add(result)).await;
//! assert_eq!(summary.total(), 2);
//! println!("{summary}"); // created 1, updated 0, unreadable 1 ...
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "sandbox"))]
//! # fn main() {}
//! ```

mod check;
mod input;
mod report;

use std::io::BufRead;

pub use check::{UnknownColumn, has_key_column, unknown_columns};
pub use input::{
    Format, InputLead, InputScan, KEY_COLUMNS, LeadInput, lead_from_columns, scan_input,
};
pub use report::{FailedFile, Fate, LeadResult, Summary};

use crate::client::Client;
use crate::error::{Error, OutcomeClass};
use crate::leads::{LeadOutcome, Settled};
use crate::transport::Transport;
use crate::types::{LeadRecord, LeadSyncStatus, ParamsDescribeMObject};

/// The instance's lead fields (SOAP names), from `describeMObject` of `LeadRecord`.
pub async fn lead_fields<T: Transport>(client: &Client<T>) -> Result<Vec<String>, Error> {
    let params = ParamsDescribeMObject::new("LeadRecord");
    let described = client
        .api()
        .describe_m_object(Default::default(), params)
        .await?;
    Ok(described
        .result
        .metadata
        .field_list
        .field
        .into_iter()
        .map(|f| f.name)
        .collect())
}

/// How a bulk sync runs.
#[derive(Debug, Clone)]
pub struct BulkOptions {
    /// `dedupEnabled`: match existing leads by email (false creates a new lead every time).
    pub dedup: bool,
    /// Leads read and handed to the client at a time; `None`: the client's batch size times
    /// its calls in flight, which keeps every call slot busy.
    pub window: Option<usize>,
}

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions {
            dedup: true,
            window: None,
        }
    }
}

/// The fate of leads whose call failed as a whole with `error`.
pub fn fate_of_error(error: &Error) -> Fate {
    match error.class() {
        OutcomeClass::NotSent => Fate::NotSent,
        OutcomeClass::Rejected => Fate::Rejected,
        OutcomeClass::MayHaveBeenApplied => Fate::MayHaveBeenApplied,
    }
}

/// The result of one lead the client reported on.
fn result_of(outcome: &LeadOutcome, line: usize, raw: String) -> LeadResult {
    let (fate, lead_id, reason) = match outcome {
        LeadOutcome::Synced(status) => match status.status {
            LeadSyncStatus::Created => (Fate::Created, Some(status.lead_id), None),
            LeadSyncStatus::Updated => (Fate::Updated, Some(status.lead_id), None),
            _ => {
                let error = status.error.as_ref().and_then(|e| e.value()).cloned();
                let reason = error.unwrap_or_else(|| format!("status {}", status.status));
                (Fate::Rejected, None, Some(reason))
            }
        },
        LeadOutcome::ChunkFailed {
            settled: Some(Settled::Found { lead_id }),
            ..
        } => (Fate::Confirmed, Some(*lead_id), None),
        LeadOutcome::ChunkFailed {
            error,
            settled: Some(Settled::Absent),
            ..
        } => (
            Fate::NotSent,
            None,
            Some(format!(
                "not stored (looked up after the call failed: {error}); safe to send again"
            )),
        ),
        LeadOutcome::ChunkFailed { error, .. } => {
            (fate_of_error(error), None, Some(error.to_string()))
        }
    };
    LeadResult {
        line,
        fate,
        lead_id,
        reason,
        raw,
    }
}

/// Syncs every lead of `input` with `client`, calling `on_result` once per input line, in
/// input order (unreadable lines included, never sent), and returns the summary.
pub async fn sync_leads<R: BufRead, T: Transport>(
    client: &Client<T>,
    input: &mut LeadInput<R>,
    options: &BulkOptions,
    mut on_result: impl FnMut(&LeadResult),
) -> Summary {
    let config = client.config();
    let window = options
        .window
        .unwrap_or(config.batch_size.max(1) * config.limits.max_concurrent.max(1))
        .max(1);
    let mut summary = Summary::default();
    loop {
        let batch = input.next_window(window);
        if batch.is_empty() {
            break;
        }
        // Readable leads go out together; results are put back in input order.
        let mut records: Vec<LeadRecord> = Vec::with_capacity(batch.len());
        let mut slots: Vec<Result<(usize, String), LeadResult>> = Vec::with_capacity(batch.len());
        for item in batch {
            match item.lead {
                Ok(lead) => {
                    records.push(lead.into());
                    slots.push(Ok((item.line, item.raw)));
                }
                Err(reason) => slots.push(Err(LeadResult {
                    line: item.line,
                    fate: Fate::Unreadable,
                    lead_id: None,
                    reason: Some(reason),
                    raw: item.raw,
                })),
            }
        }
        let report = client
            .sync_multiple_leads(records, Some(options.dedup))
            .await;
        let mut outcomes = report.outcomes.iter();
        for slot in slots {
            let result = match slot {
                Err(unreadable) => unreadable,
                Ok((line, raw)) => match outcomes.next() {
                    Some(outcome) => result_of(outcome, line, raw),
                    // The client reports one outcome per lead; never drop one silently.
                    None => LeadResult {
                        line,
                        fate: Fate::MayHaveBeenApplied,
                        lead_id: None,
                        reason: Some("no outcome reported for this lead".into()),
                        raw,
                    },
                },
            };
            summary.add(&result);
            on_result(&result);
        }
    }
    summary
}
