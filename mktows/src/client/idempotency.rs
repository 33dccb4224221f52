//! Which requests may be sent again after their outcome became unknown: [`Idempotency`], and
//! the table [`Idempotency::of_operation`] that decides it for a call made through
//! [`super::Client::api`] (the generated stub, which knows only the operation).
//!
//! Every read of the API is idempotent: sending it twice reads twice and changes nothing, so
//! a read is retried after any transient failure (refused, reset, timeout, truncated or
//! non-SOAP answer, a 5xx page, an internal-error or throttling fault), with the same back-off
//! as a write. The reads, by `O::INFO.name`: `getLead`, `getMultipleLeads`, `getLeadActivity`,
//! `getLeadChanges`, `describeMObject`, `listMObjects`, `getCampaignsForSource`,
//! `getChannels`, `getTags`, `getCustomObjects`, `getMObjects`, `getImportToListStatus`.
//!
//! Every other operation writes, and through `api()` is sent as
//! [`Idempotency::NotIdempotent`]: the stub cannot see whether a `syncLead` or
//! `syncMultipleLeads` carries unique keys (the client's own helpers,
//! [`super::Client::sync_lead`] and [`super::Client::sync_multiple_leads`], decide by the
//! leads; [`super::Client::list_operation`] treats `listOperation` as idempotent for its set
//! semantics). Choices where Marketo documents nothing: `getLeadChanges` and `getLeadActivity`
//! only read the activity log; `getImportToListStatus` only reads a job's state; a
//! `requestCampaign`, `scheduleCampaign`, `importToList` or `mergeLeads` run twice would act
//! twice, and is never resent once it may have been applied.

/// Whether a request may be sent again after its outcome became unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// Sending it twice has the effect of sending it once (reads, keyed upserts).
    Idempotent,
    /// Sending it twice may create duplicates: never resent once it may have been applied.
    NotIdempotent,
}

/// The read operations of Marketo's SOAP API (by `Operation::INFO.name`).
pub const READ_OPERATIONS: &[&str] = &[
    "getLead",
    "getMultipleLeads",
    "getLeadActivity",
    "getLeadChanges",
    "describeMObject",
    "listMObjects",
    "getCampaignsForSource",
    "getChannels",
    "getTags",
    "getCustomObjects",
    "getMObjects",
    "getImportToListStatus",
];

impl Idempotency {
    /// The idempotency of operation `name` (`O::INFO.name`) when nothing else is known of the
    /// request, as [`Client::api`](super::Client::api) sends it: the reads of
    /// [`READ_OPERATIONS`] are idempotent (retried after any transient failure); every other
    /// operation writes and is not (never resent once it may have been applied: the stub
    /// cannot see whether a sync's leads carry unique keys; `Client::sync_lead` and
    /// `Client::sync_multiple_leads` decide that by the leads).
    pub fn of_operation(name: &str) -> Idempotency {
        if READ_OPERATIONS.contains(&name) {
            Idempotency::Idempotent
        } else {
            Idempotency::NotIdempotent
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_read_of_the_api_is_idempotent_and_every_write_is_not() {
        let names: Vec<&str> = crate::operations::OPERATIONS
            .iter()
            .map(|info| info.name)
            .collect();
        // The table names only operations the API has.
        for read in READ_OPERATIONS {
            assert!(names.contains(read), "{read} is not an operation");
        }
        let writes: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| Idempotency::of_operation(n) == Idempotency::NotIdempotent)
            .collect();
        assert_eq!(
            writes,
            [
                "deleteMObjects",
                "syncMObjects",
                "importToList",
                "listOperation",
                "requestCampaign",
                "scheduleCampaign",
                "syncLead",
                "syncMultipleLeads",
                "syncCustomObjects",
                "deleteCustomObjects",
                "mergeLeads",
            ]
        );
    }
}
