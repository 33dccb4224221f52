//! Settling the leads of a `syncMultipleLeads` call that ended "may have been applied": each
//! is looked up by its key (`getMultipleLeads` with a `LeadKeySelector`, 100 keys a call) and
//! settled as [`Settled::Found`] when a lead with its key holds every value sent, or
//! [`Settled::Absent`] when no lead has its key. Anything else stays "may have been applied".
//!
//! Choices (Marketo documents no way to ask whether a call took effect):
//! - leads keyed by `Id` are looked up by id, leads with only an email by email (ignoring
//!   case); leads keyed by a foreign system id are not looked up (no SOAP lookup key for it);
//! - "holds every value sent" compares each non-empty field sent with the stored text exactly;
//!   with deduplication off, a lead found this way may be an older identical one, and the lead
//!   is still reported found: the store holds what was asked, and re-sending would duplicate;
//! - a lookup that fails leaves its leads as they were, "may have been applied", with a
//!   warning naming the error. Lookups are reads, retried after transient failures, and go
//!   through the client's circuit breaker like every call: while it is open they fail at
//!   once, not sent, and their leads stay "may have been applied" (never "not sent": the
//!   lookup, not the sync, is what was not sent).

use std::collections::HashMap;

use crate::client::{Client, Idempotency};
use crate::lead::Lead;
use crate::leads::{LeadOutcome, Settled};
use crate::operations::GetMultipleLeads;
use crate::transport::Transport;
use crate::types::*;
use crate::xml::Nillable;

/// Most keys per lookup (Marketo's limit for a `LeadKeySelector`).
const KEYS_PER_CALL: usize = 100;

/// The key a lead is looked up by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Id(i32),
    Email(String),
}

fn key_of(lead: &Lead) -> Option<Key> {
    if let Some(id) = lead.id() {
        return Some(Key::Id(id));
    }
    if lead.foreign_id().is_some() {
        return None;
    }
    lead.email().map(|e| Key::Email(e.trim().to_lowercase()))
}

/// True when `stored` holds every non-empty value `sent` carries.
fn holds(stored: &Lead, sent: &Lead) -> bool {
    sent.attributes()
        .filter(|(_, value)| !value.is_empty())
        .all(|(name, value)| stored.attribute(name) == Some(value))
}

impl<T: Transport> Client<T> {
    /// Settles, in place, every outcome that may have been applied (see the module docs).
    pub(crate) async fn reconcile(&self, sent: &[LeadRecord], outcomes: &mut [LeadOutcome]) {
        let uncertain: Vec<(usize, Lead, Key)> = outcomes
            .iter()
            .enumerate()
            .filter(|(_, o)| {
                matches!(o, LeadOutcome::ChunkFailed { error, settled: None, .. }
                    if error.class() == crate::error::OutcomeClass::MayHaveBeenApplied)
            })
            .filter_map(|(i, _)| {
                let lead = Lead::from(sent.get(i)?.clone());
                let key = key_of(&lead)?;
                Some((i, lead, key))
            })
            .collect();
        if uncertain.is_empty() {
            return;
        }
        let mut found: HashMap<Key, Vec<Lead>> = HashMap::new();
        for (kind, keys) in [
            (
                LeadKeyRef::Idnum,
                uncertain
                    .iter()
                    .filter_map(|(_, _, k)| match k {
                        Key::Id(id) => Some(id.to_string()),
                        Key::Email(_) => None,
                    })
                    .collect::<Vec<_>>(),
            ),
            (
                LeadKeyRef::Email,
                uncertain
                    .iter()
                    .filter_map(|(_, _, k)| match k {
                        Key::Email(e) => Some(e.clone()),
                        Key::Id(_) => None,
                    })
                    .collect::<Vec<_>>(),
            ),
        ] {
            for chunk in keys.chunks(KEYS_PER_CALL) {
                let Some(records) = self.look_up(kind.clone(), chunk).await else {
                    continue;
                };
                // Every key of a successful lookup is known now, found or not.
                for key in chunk {
                    let key = match kind {
                        LeadKeyRef::Idnum => Key::Id(key.parse().unwrap_or_default()),
                        _ => Key::Email(key.clone()),
                    };
                    found.entry(key).or_default();
                }
                for record in records {
                    let lead = Lead::from(record);
                    let key = match kind {
                        LeadKeyRef::Idnum => lead.id().map(Key::Id),
                        _ => lead.email().map(|e| Key::Email(e.trim().to_lowercase())),
                    };
                    if let Some(key) = key {
                        found.entry(key).or_default().push(lead);
                    }
                }
            }
        }
        for (index, lead, key) in uncertain {
            let Some(stored) = found.get(&key) else {
                continue;
            };
            let settled = if stored.is_empty() {
                Some(Settled::Absent)
            } else {
                stored
                    .iter()
                    .find(|s| holds(s, &lead))
                    .and_then(Lead::id)
                    .map(|lead_id| Settled::Found { lead_id })
            };
            if let LeadOutcome::ChunkFailed { settled: slot, .. } = &mut outcomes[index] {
                *slot = settled;
            }
        }
    }

    /// Every lead matching `keys` (all pages), or `None` when the lookup fails.
    async fn look_up(&self, kind: LeadKeyRef, keys: &[String]) -> Option<Vec<LeadRecord>> {
        let mut records = Vec::new();
        let mut position: Option<String> = None;
        // A page cannot hold fewer than one lead; the bound keeps a misbehaving server finite.
        for _ in 0..=keys.len() * 2 {
            let params = ParamsGetMultipleLeads {
                lead_selector: Some(LeadSelector::LeadKeySelector(LeadKeySelector::new(
                    kind.clone(),
                    ArrayOfString {
                        string_item: keys.to_vec(),
                    },
                ))),
                batch_size: Some(Nillable::Value(KEYS_PER_CALL as i32)),
                stream_position: position.take().map(Nillable::Value),
                ..Default::default()
            };
            let result = match self
                .call::<GetMultipleLeads>(&Default::default(), &params, Idempotency::Idempotent)
                .await
            {
                Ok(success) => success.result,
                Err(error) => {
                    tracing::warn!(
                        keys = keys.len(),
                        error = %error,
                        "lookup failed: these leads stay \"may have been applied\""
                    );
                    return None;
                }
            };
            records.extend(
                result
                    .lead_record_list
                    .and_then(Nillable::into_value)
                    .map(|l| l.lead_record)
                    .unwrap_or_default(),
            );
            if result.remaining_count <= 0 || result.new_stream_position.is_empty() {
                return Some(records);
            }
            position = Some(result.new_stream_position);
        }
        None
    }
}
