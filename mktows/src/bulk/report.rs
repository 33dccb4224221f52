//! What a bulk sync reports: one [`LeadResult`] per input lead (its fate, Marketo id, reason)
//! and the [`Summary`] with failure reasons grouped.
//!
//! A lead's [`Fate`] is created, updated, confirmed (its call's answer was lost and a lookup
//! found it stored as sent), unreadable, rejected, not sent, may have been applied, or skipped
//! (an earlier run left it "may have been applied" and re-sending it now could create a
//! duplicate). The summary lists each reason with its count and first line, most frequent
//! first.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::input::RawLead;

/// What became of one input lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    /// Marketo created it.
    Created,
    /// Marketo updated an existing lead.
    Updated,
    /// The call's answer was lost, and looking the lead up afterwards found it stored as sent.
    Confirmed,
    /// The input line is not a lead (malformed, bad key); nothing was sent.
    Unreadable,
    /// Marketo refused it (a FAILED status, or a fault documenting that nothing was applied).
    Rejected,
    /// It was never sent (the connection failed before the request was written).
    NotSent,
    /// It was sent and no answer confirmed it: it may have been applied. Re-sending it with
    /// deduplication off can create a duplicate.
    MayHaveBeenApplied,
    /// Not sent by this run: an earlier run left it "may have been applied" and re-sending it
    /// could create a duplicate (deduplication off, no Id or foreign id key). Still uncertain.
    Skipped,
}

impl Fate {
    /// True for created and updated.
    pub fn is_synced(self) -> bool {
        matches!(self, Fate::Created | Fate::Updated | Fate::Confirmed)
    }

    /// The lower-case name used in files and JSON (`may_have_been_applied`).
    pub fn as_str(self) -> &'static str {
        match self {
            Fate::Created => "created",
            Fate::Updated => "updated",
            Fate::Confirmed => "confirmed",
            Fate::Unreadable => "unreadable",
            Fate::Rejected => "rejected",
            Fate::NotSent => "not_sent",
            Fate::MayHaveBeenApplied => "may_have_been_applied",
            Fate::Skipped => "skipped",
        }
    }

    /// True when the lead may be stored without anyone knowing: may have been applied, or
    /// skipped for that reason by a later run.
    pub fn is_uncertain(self) -> bool {
        matches!(self, Fate::MayHaveBeenApplied | Fate::Skipped)
    }

    /// Every fate, in order.
    pub const ALL: [Fate; 8] = [
        Fate::Created,
        Fate::Updated,
        Fate::Confirmed,
        Fate::Unreadable,
        Fate::Rejected,
        Fate::NotSent,
        Fate::MayHaveBeenApplied,
        Fate::Skipped,
    ];
}

impl std::str::FromStr for Fate {
    type Err = String;

    /// A fate by the name [`Fate::as_str`] gives it.
    fn from_str(text: &str) -> Result<Fate, String> {
        Fate::ALL
            .into_iter()
            .find(|fate| fate.as_str() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = Fate::ALL.iter().map(|f| f.as_str()).collect();
                format!("_fate {text:?} is not one of {}", names.join(", "))
            })
    }
}

impl fmt::Display for Fate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One input lead's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadResult {
    /// Line number in the input.
    pub line: usize,
    /// What became of it.
    pub fate: Fate,
    /// Marketo's lead id, when Marketo gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_id: Option<i32>,
    /// Why it is not synced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The lead as read, for the failed-leads file.
    #[serde(skip)]
    pub raw: RawLead,
}

/// Counts by fate and the failure reasons, grouped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Leads by fate.
    pub counts: BTreeMap<Fate, u64>,
    /// Failure reason → (how many leads, first line with it).
    pub reasons: BTreeMap<String, (u64, usize)>,
}

impl Summary {
    /// Counts `result`.
    pub fn add(&mut self, result: &LeadResult) {
        *self.counts.entry(result.fate).or_default() += 1;
        if let Some(reason) = &result.reason {
            let entry = self
                .reasons
                .entry(reason.clone())
                .or_insert((0, result.line));
            entry.0 += 1;
        }
    }

    /// Leads with `fate`.
    pub fn count(&self, fate: Fate) -> u64 {
        self.counts.get(&fate).copied().unwrap_or(0)
    }

    /// Every lead counted.
    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    /// True when every lead was created or updated.
    pub fn all_synced(&self) -> bool {
        self.counts.iter().all(|(fate, _)| fate.is_synced())
    }
}

impl fmt::Display for Summary {
    /// `created 3, updated 1, rejected 2` on the first line, then one line per reason, most
    /// frequent first: `  2 × Unknown lead field: Emial (first at line 3)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let counts: Vec<String> = [Fate::Created, Fate::Updated]
            .into_iter()
            .map(|fate| format!("{fate} {}", self.count(fate)))
            .chain(
                self.counts
                    .iter()
                    .filter(|(fate, n)| !matches!(fate, Fate::Created | Fate::Updated) && **n > 0)
                    .map(|(fate, n)| format!("{fate} {n}")),
            )
            .collect();
        write!(f, "{}", counts.join(", "))?;
        let mut reasons: Vec<(&String, &(u64, usize))> = self.reasons.iter().collect();
        reasons.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.1.1.cmp(&b.1.1)));
        for (reason, (count, line)) in reasons {
            write!(f, "\n  {count} × {reason} (first at line {line})")?;
        }
        Ok(())
    }
}
