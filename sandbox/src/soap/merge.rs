//! `mergeLeads`: losing leads folded into a winning lead, in the store.
//!
//! What the sandbox does (Marketo documented the request and the response, not the rules):
//! - Each key list (`winningLeadKeyList`, each `keyList` of `losingLeadKeyLists`) holds one
//!   key: an attribute whose `attrName` is a lead key type (`IDNUM`, `EMAIL`, `COOKIE`,
//!   `SFDCLEADID`, ...) and whose `attrValue` is the key. Several attributes in one list must
//!   all name the same lead. A key that matches no lead is fault 20103; one that matches
//!   several (a shared email) is fault 20110 "ambiguous"; an unknown key type is 20102.
//! - At least one and at most [`MAX_LOSERS`] losing leads (Marketo's REST merge takes 25;
//!   the SOAP limit was undocumented, and the same bound lets the bridge carry any call the
//!   sandbox accepts). The winner among the losers, or a loser named twice, is fault 20110.
//! - Everything is checked before anything changes, so a fault means nothing was merged.
//! - Field conflicts as Marketo's REST documentation states them: the winner keeps its value
//!   unless it is empty and a loser's is not. The winner also takes the losers' cookies,
//!   foreign system id (when it has none), static list memberships and activity history, and
//!   gets a "Merge Leads" activity naming the merged ids; the losers are deleted. All of it
//!   is one SQLite transaction.
//! - `mergeInSales` (2_6) is recorded on the activity: the sandbox has no CRM to merge in.
//! - A merge that was carried out is `MERGED`; the sandbox has no partial failures, so a
//!   failure is a fault rather than a `FAILED` status.

use super::{fault, not_found, storage_failed};
use crate::service::Service;
use crate::store::Store;
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_server::BackendFault;

/// Most losing leads per `mergeLeads`.
pub const MAX_LOSERS: usize = 25;

/// The one lead a key list names; `what` says which list for the messages.
fn one_lead(store: &Store, keys: &ArrayOfAttribute, what: &str) -> Result<i32, BackendFault> {
    if keys.attribute.is_empty() {
        return Err(fault(
            ErrorCode::LeadKeyRequired,
            "Lead Key Required",
            &format!("{what} has no lead key"),
        ));
    }
    let mut found = None;
    for key in &keys.attribute {
        let key_type = LeadKeyRef::from(key.attr_name.trim());
        if !key_type.is_known() {
            return Err(fault(
                ErrorCode::LeadKeyBad,
                "Lead Key Bad",
                &format!("{what}: {:?} is not a lead key type", key.attr_name),
            ));
        }
        let leads = super::lookup::find(store, &key_type, &key.attr_value)?;
        let id = match leads.as_slice() {
            [] => return Err(not_found(key_type.as_str(), &key.attr_value)),
            [lead] => lead.id,
            many => {
                return Err(BackendFault::bad_parameter(format!(
                    "{what}: {} = {} is ambiguous: it matches {} leads",
                    key_type.as_str(),
                    key.attr_value,
                    many.len()
                )));
            }
        };
        if found.is_some_and(|f| f != id) {
            return Err(BackendFault::bad_parameter(format!(
                "{what}: its keys name different leads"
            )));
        }
        found = Some(id);
    }
    Ok(found.unwrap_or_default())
}

pub(crate) fn merge_leads(
    service: &Service,
    params: ParamsMergeLeads,
) -> Result<SuccessMergeLeads, BackendFault> {
    let in_sales = mktows::compat::merge_in_sales(&params);
    let lists = &params.losing_lead_key_lists.key_list;
    if lists.is_empty() || lists.len() > MAX_LOSERS {
        return Err(BackendFault::bad_parameter(format!(
            "mergeLeads takes 1 to {MAX_LOSERS} losing leads, not {}",
            lists.len()
        )));
    }
    let mut store = service.lock_store();
    let winner = one_lead(&store, &params.winning_lead_key_list, "winningLeadKeyList")?;
    let mut losers = Vec::with_capacity(lists.len());
    for (i, keys) in lists.iter().enumerate() {
        let loser = one_lead(
            &store,
            keys,
            &format!("losingLeadKeyLists keyList {}", i + 1),
        )?;
        if loser == winner {
            return Err(BackendFault::bad_parameter(format!(
                "lead {winner} is both the winner and a loser"
            )));
        }
        if losers.contains(&loser) {
            return Err(BackendFault::bad_parameter(format!(
                "lead {loser} is named twice as a loser"
            )));
        }
        losers.push(loser);
    }
    store
        .merge(winner, &losers, in_sales)
        .map_err(|e| storage_failed(&e))?;
    Ok(SuccessMergeLeads {
        result: ResultMergeLeads {
            merge_status: MergeStatus {
                winning_lead_id: Some(Nillable::Value(winner)),
                losing_lead_id_list: Some(Nillable::Value(ArrayOfInteger {
                    integer_item: losers,
                })),
                status: LeadMergeStatusEnum::Merged,
                error: None,
            },
        },
    })
}
