//! The lead helpers apps need: [`LeadSync`] (one lead, by the key that identifies it), batched
//! `syncMultipleLeads` where every lead handed in comes back with exactly one outcome, and
//! static list membership ([`ListReport`]).
//!
//! [`Client::sync_multiple_leads`] splits the leads into chunks of `batch_size` and runs them
//! with ordered, bounded concurrency (`futures::StreamExt::buffered`, at most
//! `max_concurrent` chunks), so outcomes come back in input order; each [`LeadOutcome`] says
//! by [`LeadOutcome::class`] what a failure may have done. [`Client::list_operation`] works on
//! a static list by name for leads given by Marketo id, one status per lead.

use std::sync::Arc;

use futures::StreamExt;

use crate::client::{Client, Idempotency};
use crate::error::{Error, OutcomeClass};
use crate::operations::{SyncLead, SyncLeadHeaders, SyncMultipleLeads, SyncMultipleLeadsHeaders};
use crate::transport::Transport;
use crate::types::*;
use crate::xml::Nillable;

/// Which key identifies a lead in `syncLead` (Marketo's precedence: Id > ForeignSysPersonId >
/// cookie > Email).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeadKey {
    /// Marketo lead id (`Id`).
    Id(i32),
    /// Id in another system (`ForeignSysPersonId` with its `ForeignSysType`).
    ForeignSystem {
        /// `ForeignSysPersonId`.
        id: String,
        /// `ForeignSysType`.
        system: ForeignSysType,
    },
    /// Munchkin tracking cookie (`marketoCookie`).
    Cookie(String),
    /// Email address (not unique in Marketo: the most recently added lead matches).
    Email(String),
}

/// One `syncLead` call, built by key.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadSync {
    record: LeadRecord,
    cookie: Option<String>,
    return_lead: bool,
    workspace: Option<String>,
}

impl LeadSync {
    /// A sync identified by `key`.
    pub fn new(key: LeadKey) -> Self {
        let mut sync = LeadSync {
            record: LeadRecord::default(),
            cookie: None,
            return_lead: false,
            workspace: None,
        };
        sync = sync.key(key);
        sync
    }

    /// Adds another key: Id + ForeignSysPersonId attaches the foreign id to the lead,
    /// ForeignSysPersonId + Email updates the email.
    pub fn key(mut self, key: LeadKey) -> Self {
        match key {
            LeadKey::Id(id) => self.record.id = Some(Nillable::Value(id)),
            LeadKey::ForeignSystem { id, system } => {
                self.record.foreign_sys_person_id = Some(Nillable::Value(id));
                self.record.foreign_sys_type = Some(Nillable::Value(system));
            }
            LeadKey::Cookie(cookie) => self.cookie = Some(cookie),
            LeadKey::Email(email) => self.record.email = Some(Nillable::Value(email)),
        }
        self
    }

    /// Sets a lead field (`attrName` = `name`).
    pub fn attribute(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let list = self
            .record
            .lead_attribute_list
            .get_or_insert_with(|| Nillable::Value(ArrayOfAttribute::default()));
        if let Nillable::Nil = list {
            *list = Nillable::Value(ArrayOfAttribute::default());
        }
        if let Nillable::Value(list) = list {
            list.attribute.push(Attribute {
                attr_name: name.into(),
                attr_type: None,
                attr_value: value.into(),
            });
        }
        self
    }

    /// Asks for the full lead record in the response.
    pub fn return_lead(mut self, yes: bool) -> Self {
        self.return_lead = yes;
        self
    }

    /// Targets a workspace (overrides the client's), via `MktowsContextHeader`.
    pub fn workspace(mut self, workspace: impl Into<String>) -> Self {
        self.workspace = Some(workspace.into());
        self
    }

    /// The request body and headers.
    pub fn into_request(self) -> (SyncLeadHeaders, ParamsSyncLead) {
        let headers = SyncLeadHeaders {
            authentication: None,
            mktows_context: self
                .workspace
                .map(|target_workspace| MktowsContextHeaderInfo { target_workspace }),
        };
        let params = ParamsSyncLead {
            lead_record: self.record,
            return_lead: self.return_lead,
            marketo_cookie: self.cookie.map(Nillable::Value),
        };
        (headers, params)
    }
}

impl From<crate::lead::Lead> for LeadSync {
    /// A `syncLead` of `lead`: its keys and fields, no cookie, no workspace, without
    /// `returnLead` (set those with the builder methods).
    fn from(lead: crate::lead::Lead) -> LeadSync {
        LeadSync {
            record: lead.into(),
            cookie: None,
            return_lead: false,
            workspace: None,
        }
    }
}

/// What happened to one lead of a batch.
#[derive(Debug, Clone)]
pub enum LeadOutcome {
    /// Marketo answered with a status for this lead (CREATED, UPDATED, or FAILED with its
    /// error text).
    Synced(SyncStatus),
    /// The call carrying this lead failed as a whole; `index` is the chunk's number.
    ChunkFailed {
        /// Chunk number (0-based).
        chunk: usize,
        /// Why (shared by the chunk's leads).
        error: Arc<Error>,
        /// When the call may have been applied, what looking the lead up afterwards showed
        /// (see [`Settled`]); `None` when it was not looked up or the lookup failed.
        settled: Option<Settled>,
    },
}

/// What looking a lead up showed after the call carrying it ended "may have been applied".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// A lead with its key and every value sent is stored: the sync took effect (or the store
    /// already held exactly this). Re-sending it changes nothing and must not be needed.
    Found {
        /// The stored lead's id.
        lead_id: i32,
    },
    /// No lead has its key: the sync did not take effect, and sending it again is safe.
    Absent,
}

impl LeadOutcome {
    /// The Marketo lead id, when one was returned.
    pub fn lead_id(&self) -> Option<i32> {
        match self {
            LeadOutcome::Synced(status) => Some(status.lead_id),
            LeadOutcome::ChunkFailed {
                settled: Some(Settled::Found { lead_id }),
                ..
            } => Some(*lead_id),
            LeadOutcome::ChunkFailed { .. } => None,
        }
    }

    /// For a lead that did not sync, what may have happened to it: [`OutcomeClass::Rejected`]
    /// for a FAILED status (Marketo changed nothing for it), the call's class when the call
    /// carrying it failed; `None` for CREATED and UPDATED.
    pub fn class(&self) -> Option<OutcomeClass> {
        match self {
            LeadOutcome::Synced(s) => match s.status {
                LeadSyncStatus::Created | LeadSyncStatus::Updated => None,
                _ => Some(OutcomeClass::Rejected),
            },
            LeadOutcome::ChunkFailed {
                settled: Some(Settled::Found { .. }),
                ..
            } => None,
            LeadOutcome::ChunkFailed {
                settled: Some(Settled::Absent),
                ..
            } => Some(OutcomeClass::NotSent),
            LeadOutcome::ChunkFailed { error, .. } => Some(error.class()),
        }
    }

    /// True for CREATED or UPDATED, and for a lead found stored as sent after its call failed.
    pub fn is_success(&self) -> bool {
        self.class().is_none()
    }
}

/// The outcome of every lead of a batch, in input order.
#[derive(Debug, Clone, Default)]
pub struct BatchReport {
    /// One per input lead, same order.
    pub outcomes: Vec<LeadOutcome>,
}

/// Counts of a [`BatchReport`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchCounts {
    /// CREATED.
    pub created: usize,
    /// UPDATED.
    pub updated: usize,
    /// FAILED by Marketo, or any status other than CREATED/UPDATED.
    pub failed: usize,
    /// In a chunk whose call failed.
    pub errors: usize,
}

impl BatchReport {
    /// Counts by outcome.
    pub fn counts(&self) -> BatchCounts {
        let mut counts = BatchCounts::default();
        for outcome in &self.outcomes {
            match outcome {
                LeadOutcome::Synced(s) => match s.status {
                    LeadSyncStatus::Created => counts.created += 1,
                    LeadSyncStatus::Updated => counts.updated += 1,
                    _ => counts.failed += 1,
                },
                LeadOutcome::ChunkFailed { .. } => counts.errors += 1,
            }
        }
        counts
    }
}

/// True when resending the batch cannot create a duplicate: deduplication on, or every lead
/// carries a unique key (Id or ForeignSysPersonId).
fn idempotency(leads: &[LeadRecord], dedup_enabled: Option<bool>) -> Idempotency {
    let keyed = |lead: &LeadRecord| {
        matches!(lead.id, Some(Nillable::Value(_)))
            || matches!(lead.foreign_sys_person_id, Some(Nillable::Value(_)))
    };
    if dedup_enabled == Some(true) || leads.iter().all(keyed) {
        Idempotency::Idempotent
    } else {
        Idempotency::NotIdempotent
    }
}

/// What `listOperation` said: one status per lead handed in, in input order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListReport {
    /// True when the operation was carried out for every lead (for ISMEMBEROFLIST: every
    /// lead is a member).
    pub success: bool,
    /// (Marketo id, status) per lead; a lead the response does not mention is `false`.
    pub leads: Vec<(i32, bool)>,
}

impl<T: Transport> Client<T> {
    /// `listOperation` on the static list named `list` for leads given by Marketo id (the only
    /// lead key Marketo documents for it; at most 1,000 per call): adds them, removes them or
    /// checks their membership. With `strict`, one lead that fails fails them all.
    pub async fn list_operation(
        &self,
        operation: ListOperationType,
        list: &str,
        lead_ids: &[i32],
        strict: bool,
    ) -> Result<ListReport, Error> {
        let keys = lead_ids
            .iter()
            .map(|id| crate::types::LeadKey::new(LeadKeyRef::Idnum, id.to_string()))
            .collect();
        let mut params = ParamsListOperation::new(
            operation,
            ListKey::new(ListKeyType::Mktolistname, list),
            ArrayOfLeadKey { lead_key: keys },
        );
        params.strict = Some(Nillable::Value(strict));
        // Set semantics: adding a member or removing a non-member again changes nothing.
        let result = self
            .call::<crate::operations::ListOperation>(
                &Default::default(),
                &params,
                Idempotency::Idempotent,
            )
            .await?
            .result;
        let statuses: Vec<LeadStatus> = result
            .status_list
            .and_then(Nillable::into_value)
            .map(|l| l.lead_status)
            .unwrap_or_default();
        let by_id: std::collections::HashMap<i32, bool> = statuses
            .iter()
            .filter_map(|s| Some((s.lead_key.key_value.trim().parse().ok()?, s.status)))
            .collect();
        let leads = lead_ids
            .iter()
            .map(|id| (*id, by_id.get(id).copied().unwrap_or(false)))
            .collect();
        Ok(ListReport {
            success: result.success,
            leads,
        })
    }

    /// `syncLead` for one lead: a [`LeadSync`] (key, cookie, workspace, `returnLead`) or a
    /// [`Lead`](crate::Lead).
    pub async fn sync_lead(&self, sync: impl Into<LeadSync>) -> Result<ResultSyncLead, Error> {
        let (headers, params) = sync.into().into_request();
        // A lead keyed by Id or ForeignSysPersonId is an upsert: safe to resend.
        let idempotency = idempotency(std::slice::from_ref(&params.lead_record), None);
        Ok(self
            .call::<SyncLead>(&headers, &params, idempotency)
            .await?
            .result)
    }

    /// `getLead`: the leads matching one key (several for an email shared by duplicates);
    /// no match is fault 20103.
    pub async fn get_lead(
        &self,
        key_type: LeadKeyRef,
        value: &str,
    ) -> Result<Vec<LeadRecord>, Error> {
        let params = ParamsGetLead::new(crate::types::LeadKey::new(key_type, value));
        let result = self
            .call::<crate::operations::GetLead>(
                &Default::default(),
                &params,
                Idempotency::Idempotent,
            )
            .await?
            .result;
        Ok(result
            .lead_record_list
            .and_then(Nillable::into_value)
            .map(|l| l.lead_record)
            .unwrap_or_default())
    }

    /// `syncMultipleLeads` for any number of leads: chunks of `batch_size`, at most
    /// `max_concurrent` chunks in flight, paced, throttling retried. With deduplication off and
    /// leads without a unique key, a chunk whose outcome is unknown is reported, never resent.
    /// The report has exactly one outcome per input lead, in input order. A call that ends
    /// "may have been applied" has its leads looked up and settled (see [`Settled`]); with
    /// [`ClientConfig::resend_absent`](crate::ClientConfig::resend_absent), leads found absent
    /// are sent once more.
    ///
    /// `leads` are [`Lead`](crate::Lead)s or generated `LeadRecord`s.
    pub async fn sync_multiple_leads<L: Into<LeadRecord>>(
        &self,
        leads: impl IntoIterator<Item = L>,
        dedup_enabled: Option<bool>,
    ) -> BatchReport {
        let leads: Vec<LeadRecord> = leads.into_iter().map(Into::into).collect();
        let resend = self.config().reconcile && self.config().resend_absent;
        if !resend {
            return self.sync_batch(leads, dedup_enabled).await;
        }
        let mut report = self.sync_batch(leads.clone(), dedup_enabled).await;
        {
            // Absent leads were provably not applied: one more round for them, settled alike.
            let absent: Vec<usize> = (0..report.outcomes.len())
                .filter(|&i| {
                    matches!(
                        report.outcomes[i],
                        LeadOutcome::ChunkFailed {
                            settled: Some(Settled::Absent),
                            ..
                        }
                    )
                })
                .collect();
            if !absent.is_empty() {
                let again: Vec<LeadRecord> = absent.iter().map(|&i| leads[i].clone()).collect();
                let second = self.sync_batch(again, dedup_enabled).await;
                for (i, outcome) in absent.into_iter().zip(second.outcomes) {
                    report.outcomes[i] = outcome;
                }
            }
        }
        report
    }

    /// One round of [`Self::sync_multiple_leads`]: chunks, calls, lookups.
    async fn sync_batch(&self, leads: Vec<LeadRecord>, dedup_enabled: Option<bool>) -> BatchReport {
        let originals = self.config().reconcile.then(|| leads.clone());
        let size = self.config().batch_size.max(1);
        let concurrency = self.config().limits.max_concurrent.max(1);
        let mut chunks = Vec::with_capacity(leads.len().div_ceil(size));
        let mut leads = leads.into_iter().peekable();
        while leads.peek().is_some() {
            chunks.push(leads.by_ref().take(size).collect::<Vec<_>>());
        }
        let results: Vec<Vec<LeadOutcome>> = futures::stream::iter(chunks.into_iter().enumerate())
            .map(|(index, chunk)| self.sync_chunk(index, chunk, dedup_enabled))
            .buffered(concurrency)
            .collect()
            .await;
        let mut outcomes: Vec<LeadOutcome> = results.into_iter().flatten().collect();
        if let Some(originals) = originals {
            self.reconcile(&originals, &mut outcomes).await;
        }
        BatchReport { outcomes }
    }

    async fn sync_chunk(
        &self,
        index: usize,
        chunk: Vec<LeadRecord>,
        dedup_enabled: Option<bool>,
    ) -> Vec<LeadOutcome> {
        let count = chunk.len();
        let idempotency = idempotency(&chunk, dedup_enabled);
        let params = ParamsSyncMultipleLeads {
            lead_record_list: ArrayOfLeadRecord { lead_record: chunk },
            dedup_enabled: dedup_enabled.map(Nillable::Value),
        };
        let failed = |error: Error| {
            let error = Arc::new(error);
            (0..count)
                .map(|_| LeadOutcome::ChunkFailed {
                    chunk: index,
                    error: error.clone(),
                    settled: None,
                })
                .collect()
        };
        match self
            .call::<SyncMultipleLeads>(&SyncMultipleLeadsHeaders::default(), &params, idempotency)
            .await
        {
            Ok(success) => {
                let statuses = success.result.sync_status_list.sync_status;
                if statuses.len() != count {
                    return failed(Error::Mismatch(format!(
                        "syncMultipleLeads returned {} statuses for {count} leads",
                        statuses.len()
                    )));
                }
                statuses.into_iter().map(LeadOutcome::Synced).collect()
            }
            Err(error) => failed(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_sync_by_keys() {
        let (headers, params) = LeadSync::new(LeadKey::Id(7))
            .key(LeadKey::ForeignSystem {
                id: "SF-1".into(),
                system: ForeignSysType::Sfdc,
            })
            .attribute("FirstName", "Ann")
            .return_lead(true)
            .workspace("EMEA")
            .into_request();
        assert_eq!(params.lead_record.id, Some(Nillable::Value(7)));
        assert_eq!(
            params.lead_record.foreign_sys_type,
            Some(Nillable::Value(ForeignSysType::Sfdc))
        );
        assert!(params.return_lead);
        assert_eq!(headers.mktows_context.unwrap().target_workspace, "EMEA");
        let (_, cookie) = LeadSync::new(LeadKey::Cookie("id:1".into())).into_request();
        assert_eq!(cookie.marketo_cookie, Some(Nillable::Value("id:1".into())));
    }

    #[test]
    fn resending_is_allowed_only_when_it_cannot_duplicate() {
        let by_email = LeadRecord {
            email: Some(Nillable::Value("a@b.c".into())),
            ..LeadRecord::default()
        };
        let by_id = LeadRecord {
            id: Some(Nillable::Value(1)),
            ..LeadRecord::default()
        };
        assert_eq!(
            idempotency(std::slice::from_ref(&by_email), Some(false)),
            Idempotency::NotIdempotent
        );
        assert_eq!(
            idempotency(std::slice::from_ref(&by_email), None),
            Idempotency::NotIdempotent
        );
        assert_eq!(
            idempotency(std::slice::from_ref(&by_email), Some(true)),
            Idempotency::Idempotent
        );
        assert_eq!(
            idempotency(std::slice::from_ref(&by_id), Some(false)),
            Idempotency::Idempotent
        );
        assert_eq!(
            idempotency(&[by_id, by_email], Some(false)),
            Idempotency::NotIdempotent
        );
    }
}
