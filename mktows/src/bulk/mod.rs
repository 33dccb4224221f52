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
//! instance's fields from `describeMObject(LeadRecord)`), `report.rs` holds the results,
//! `failed.rs` writes the leads that did not sync.
//!
//! # Resuming
//!
//! [`FailedFile`] writes the leads that did not sync, in input order, in the input's own
//! format: CSV with the input's header plus `_fate`, `_reason` and `_line` columns, or JSON
//! lines with those members added to each object. That file is an input like any other:
//! columns and members whose names start with `_` are never sent nor checked
//! ([`is_ignored_column`]), so syncing it re-runs exactly the leads that failed (the user
//! fixes the rejected ones first; `_reason` says what was wrong). The `_fate` value is the
//! lead's [`InputLead::earlier`] fate, and decides one thing: a lead that "may have been
//! applied" (or was [`Fate::Skipped`] for that reason) is sent again only when that cannot
//! create a duplicate, by the client's own rule for resending after an unknown outcome
//! (deduplication on, or the lead keyed by Id or foreign id), or with
//! [`BulkOptions::resend_uncertain`]; otherwise it is reported [`Fate::Skipped`] with
//! [`SKIPPED_REASON`], not sent, and written to the new failed file still marked uncertain.
//! Not sent, rejected and unreadable leads are sent (read) again as they are now in the file.
//! An unknown `_fate` value makes its line unreadable rather than guessing.
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
mod failed;
mod input;
mod report;

use std::io::BufRead;

pub use check::{UnknownColumn, has_key_column, unknown_columns};
pub use failed::FailedFile;
pub use input::{
    FATE_COLUMN, Format, InputLead, InputScan, KEY_COLUMNS, LINE_COLUMN, LeadInput, REASON_COLUMN,
    RawLead, is_ignored_column, lead_from_columns, scan_input,
};
pub use report::{Fate, LeadResult, Summary};

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
    /// Send leads that an earlier run left "may have been applied" even when that could create
    /// a duplicate (deduplication off and no Id or foreign id key); otherwise they are
    /// [`Fate::Skipped`]. For after checking in Marketo that they were not stored.
    pub resend_uncertain: bool,
}

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions {
            dedup: true,
            window: None,
            resend_uncertain: false,
        }
    }
}

/// The reason a [`Fate::Skipped`] lead gives.
pub const SKIPPED_REASON: &str = "skipped: may have been applied earlier and deduplication is \
    off, so sending it again could create a duplicate; check in Marketo, then re-send with \
    --resend-uncertain";

/// True when `item` is not sent because an earlier run left it "may have been applied" (its
/// `_fate`, [`Fate::is_uncertain`]) and sending it again could create a duplicate. The rule is
/// the client's own for resending after an unknown outcome (see
/// [`Client::sync_multiple_leads`](crate::Client::sync_multiple_leads)): sending again is safe
/// with deduplication on, or for a lead keyed by Id or foreign id (the second send updates
/// the lead the first one may have made); [`BulkOptions::resend_uncertain`] sends it anyway.
pub fn is_skipped(item: &InputLead, options: &BulkOptions) -> bool {
    let keyed = |lead: &crate::lead::Lead| lead.id().is_some() || lead.foreign_id().is_some();
    item.earlier.is_some_and(Fate::is_uncertain)
        && !options.dedup
        && !options.resend_uncertain
        && !item.lead.as_ref().is_ok_and(keyed)
}

/// An input lead as a record to send with its line and raw text, or as its result when it is
/// not sent (unreadable, or skipped: [`is_skipped`]).
fn slot_of(
    item: InputLead,
    options: &BulkOptions,
) -> Result<(LeadRecord, usize, RawLead), LeadResult> {
    let skipped = is_skipped(&item, options);
    let (fate, reason) = match item.lead {
        Err(reason) => (Fate::Unreadable, reason),
        Ok(_) if skipped => (Fate::Skipped, SKIPPED_REASON.to_owned()),
        Ok(lead) => return Ok((lead.into(), item.line, item.raw)),
    };
    Err(LeadResult {
        line: item.line,
        fate,
        lead_id: None,
        reason: Some(reason),
        raw: item.raw,
    })
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
fn result_of(outcome: &LeadOutcome, line: usize, raw: RawLead) -> LeadResult {
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
        let mut slots: Vec<Result<(usize, RawLead), LeadResult>> = Vec::with_capacity(batch.len());
        for item in batch {
            slots.push(slot_of(item, options).map(|(record, line, raw)| {
                records.push(record);
                (line, raw)
            }));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lead::Lead;

    fn item(lead: Lead, earlier: Option<Fate>) -> InputLead {
        InputLead {
            line: 2,
            lead: Ok(lead),
            earlier,
            raw: RawLead::Fields(Vec::new()),
        }
    }

    fn skipped(item: InputLead, options: &BulkOptions) -> Option<Fate> {
        slot_of(item, options).err().map(|result| result.fate)
    }

    #[test]
    fn uncertain_leads_are_resent_only_when_safe() {
        let by_email = || Lead::by_email("a@x.com");
        let no_dedup = BulkOptions {
            dedup: false,
            ..Default::default()
        };
        for earlier in [Fate::MayHaveBeenApplied, Fate::Skipped] {
            let skip = skipped(item(by_email(), Some(earlier)), &no_dedup);
            assert_eq!(skip, Some(Fate::Skipped));
            // Deduplication on, an Id key, or the user's say-so: sent.
            assert_eq!(
                skipped(item(by_email(), Some(earlier)), &Default::default()),
                None
            );
            let keyed = by_email().with_id(5);
            assert_eq!(skipped(item(keyed, Some(earlier)), &no_dedup), None);
            let told = BulkOptions {
                resend_uncertain: true,
                ..no_dedup.clone()
            };
            assert_eq!(skipped(item(by_email(), Some(earlier)), &told), None);
        }
        for earlier in [None, Some(Fate::NotSent), Some(Fate::Rejected)] {
            assert_eq!(skipped(item(by_email(), earlier), &no_dedup), None);
        }
    }
}
