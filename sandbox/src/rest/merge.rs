//! The sandbox's REST Merge Leads: `POST /v1/leads/{id}/merge.json?leadId=|leadIds=&mergeInCRM=`
//! over the same store merge as SOAP `mergeLeads` (one transaction).
//!
//! Choices where Marketo is undocumented: a winner or loser that does not exist is 1004 "Lead
//! not found" naming it; no loser, the winner among the losers, or a loser twice is 1003; more
//! than 25 losers is 1080 (Marketo's limit since 2026-03-31); `mergeInCRM` is recorded on the
//! Merge Leads activity (the sandbox has no CRM). Success has no `result`.

use super::reply::{Reply, param};
use crate::service::Service;

/// Most losing leads per merge.
const MAX_LOSERS: usize = 25;

/// Merges the losers named by `leadId` or `leadIds` into `winner`.
pub fn merge(service: &Service, winner: i32, pairs: &[(String, String)]) -> Reply {
    let listed = param(pairs, "leadIds").or_else(|| param(pairs, "leadId"));
    let Some(listed) = listed.filter(|l| !l.trim().is_empty()) else {
        return Reply::error(1003, "leadId or leadIds is required");
    };
    let mut losers = Vec::new();
    for id in listed.split(',') {
        let Ok(id) = id.trim().parse::<i32>() else {
            return Reply::error(1003, format!("Invalid lead id {:?}", id.trim()));
        };
        if id == winner || losers.contains(&id) {
            return Reply::error(1003, format!("Lead {id} is named twice"));
        }
        losers.push(id);
    }
    if losers.len() > MAX_LOSERS {
        return Reply::error(
            1080,
            format!(
                "At most {MAX_LOSERS} leads can be merged at once, not {}",
                losers.len()
            ),
        );
    }
    let in_crm = param(pairs, "mergeInCRM") == Some("true");
    let mut store = service.lock_store();
    if let Some(missing) = std::iter::once(winner)
        .chain(losers.iter().copied())
        .find(|id| store.get(*id).is_none())
    {
        return Reply::error(1004, format!("Lead [{missing}] not found"));
    }
    match store.merge(winner, &losers, in_crm) {
        Ok(()) => Reply::ok(Vec::new()),
        Err(e) => Reply::error(611, format!("System error: {e}")),
    }
}
