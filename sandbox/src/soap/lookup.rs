//! The sandbox's reads and list membership: `getLead`, `getMultipleLeads` and `listOperation`
//! over the store (rules in [`super::leads`]).

use super::leads::record;
use super::{fault, list_not_found, not_found, storage_failed, value};
use crate::service::Service;
use crate::store::{Store, StoredLead};
use chrono::Utc;
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_server::BackendFault;

/// Most leads per `listOperation`.
pub const MAX_LIST_MEMBERS: usize = 1000;

/// Most keys in a `getMultipleLeads` LeadKeySelector.
pub const MAX_SELECTOR_KEYS: usize = 100;

/// Most days between `oldestUpdatedAt` and `latestUpdatedAt` (or now) in a LastUpdateAtSelector.
pub const MAX_UPDATE_WINDOW_DAYS: i64 = 30;

/// The lead field holding a CRM lead key: `SFDCLEADID` is the `SfdcLeadId` field, and so on.
pub fn crm_field(key: &LeadKeyRef) -> Option<&'static str> {
    Some(match key {
        LeadKeyRef::Sfdcleadid => "SfdcLeadId",
        LeadKeyRef::Sfdccontactid => "SfdcContactId",
        LeadKeyRef::Sfdcaccountid => "SfdcAccountId",
        LeadKeyRef::Sfdcleadownerid => "SfdcLeadOwnerId",
        LeadKeyRef::Sfdcopptyid => "SfdcOpptyId",
        LeadKeyRef::Leadowneremail => "LeadOwnerEmail",
        _ => return None,
    })
}

pub(super) fn find(
    store: &Store,
    key_type: &LeadKeyRef,
    key: &str,
) -> Result<Vec<StoredLead>, BackendFault> {
    Ok(match key_type {
        LeadKeyRef::Idnum => {
            let id: i32 = key.trim().parse().map_err(|_| {
                fault(
                    ErrorCode::LeadKeyBad,
                    "Lead Key Bad",
                    &format!("Invalid IDNUM {key}"),
                )
            })?;
            store.get(id).cloned().into_iter().collect()
        }
        LeadKeyRef::Email => store.by_email(key).into_iter().cloned().collect(),
        LeadKeyRef::Cookie => store.by_cookie(key).cloned().into_iter().collect(),
        LeadKeyRef::Unknown(other) => {
            return Err(fault(
                ErrorCode::LeadKeyBad,
                "Lead Key Bad",
                &format!("Unknown LeadKeyType {other:?}"),
            ));
        }
        // The CRM keys are lead fields of the sandbox (REST names sfdcLeadId, ...).
        crm => {
            let field = crm_field(crm).unwrap_or_default();
            let key = key.trim();
            store
                .all()
                .filter(|l| {
                    l.fields
                        .get(field)
                        .is_some_and(|v| v.trim().eq_ignore_ascii_case(key))
                })
                .cloned()
                .collect()
        }
    })
}

pub(crate) fn get_lead(
    service: &Service,
    params: ParamsGetLead,
) -> Result<SuccessGetLead, BackendFault> {
    let key = params.lead_key;
    let store = service.lock_store();
    let leads = find(&store, &key.key_type, &key.key_value)?;
    if leads.is_empty() {
        return Err(not_found(key.key_type.as_str(), &key.key_value));
    }
    let lead_record = leads.iter().map(|l| record(service, l, None)).collect();
    Ok(SuccessGetLead {
        result: ResultGetLead {
            count: leads.len() as i32,
            lead_record_list: Some(Nillable::Value(ArrayOfLeadRecord { lead_record })),
        },
    })
}

/// The leads a `getMultipleLeads` selector names, in the order they are answered.
fn selected_leads(
    store: &Store,
    selector: Option<&LeadSelector>,
) -> Result<Vec<StoredLead>, BackendFault> {
    Ok(match selector {
        Some(LeadSelector::LeadKeySelector(selector)) => {
            let keys = &selector.key_values.string_item;
            if keys.len() > MAX_SELECTOR_KEYS {
                // Marketo ignored keys past the 100th; nothing is dropped silently here.
                return Err(fault(
                    ErrorCode::BadParameter,
                    "Bad Parameter",
                    &format!(
                        "a LeadKeySelector takes at most {MAX_SELECTOR_KEYS} keys, not {}",
                        keys.len()
                    ),
                ));
            }
            let mut found = Vec::new();
            for key in keys {
                found.extend(find(store, &selector.key_type, key)?);
            }
            found
        }
        Some(LeadSelector::LastUpdateAtSelector(selector)) => {
            let oldest = selector.oldest_updated_at.with_timezone(&Utc);
            let latest = value(&selector.latest_updated_at).map(|t| t.with_timezone(&Utc));
            let span = latest.unwrap_or_else(Utc::now) - oldest;
            if span > chrono::Duration::days(MAX_UPDATE_WINDOW_DAYS) {
                return Err(fault(
                    ErrorCode::TimeRangeExceeded,
                    "Time range specified in query filter exceeded limit",
                    &format!(
                        "oldestUpdatedAt to latestUpdatedAt spans {} days; at most {MAX_UPDATE_WINDOW_DAYS}",
                        span.num_days()
                    ),
                ));
            }
            let mut leads: Vec<StoredLead> = store
                .all()
                .filter(|l| l.updated_at >= oldest && latest.is_none_or(|t| l.updated_at <= t))
                .cloned()
                .collect();
            leads.sort_by_key(|l| (l.updated_at, l.id));
            leads
        }
        Some(LeadSelector::StaticListSelector(selector)) => {
            let name = match (
                value(&selector.static_list_name),
                value(&selector.static_list_id),
            ) {
                (Some(name), _) => name,
                (None, Some(id)) => match store.list_name(id) {
                    Some(name) => name.to_owned(),
                    None => return Err(list_not_found(&format!("id {id}"))),
                },
                (None, None) => {
                    return Err(fault(
                        ErrorCode::ParameterRequired,
                        "Parameter Required",
                        "StaticListSelector needs staticListName or staticListId",
                    ));
                }
            };
            if store.list_id(&name).is_none() {
                return Err(list_not_found(&format!("named {name:?}")));
            }
            store.list_members(&name).cloned().collect()
        }
        None => {
            return Err(fault(
                ErrorCode::ParameterRequired,
                "Parameter Required",
                "leadSelector is required",
            ));
        }
    })
}

/// `getMultipleLeads`: a page of the leads a selector names.
pub(crate) fn get_multiple_leads(
    service: &Service,
    params: ParamsGetMultipleLeads,
) -> Result<SuccessGetMultipleLeads, BackendFault> {
    const POSITION: &str = "mktows-sandbox:";
    let store = service.lock_store();
    let leads = selected_leads(&store, params.lead_selector.as_ref())?;
    let offset = match value(&params.stream_position).filter(|p| !p.is_empty()) {
        None => 0,
        Some(position) => match position
            .strip_prefix(POSITION)
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(n) if n <= leads.len() => n,
            _ => {
                return Err(fault(
                    ErrorCode::BadStreamPosition,
                    "Bad Stream Position",
                    &format!("Bad stream position {position}"),
                ));
            }
        },
    };
    let batch = value(&params.batch_size).map_or(100, |b| b.clamp(1, 1000) as usize);
    let end = (offset + batch).min(leads.len());
    let remaining = leads.len() - end;
    let page = &leads[offset..end];
    let include = params
        .include_attributes
        .as_ref()
        .map(|a| a.string_item.as_slice());
    let lead_record = page.iter().map(|l| record(service, l, include)).collect();
    Ok(SuccessGetMultipleLeads {
        result: ResultGetMultipleLeads {
            return_count: page.len() as i32,
            remaining_count: remaining as i32,
            new_stream_position: if remaining > 0 {
                format!("{POSITION}{end}")
            } else {
                String::new()
            },
            lead_record_list: Some(Nillable::Value(ArrayOfLeadRecord { lead_record })),
        },
    })
}

pub(crate) fn list_operation(
    service: &Service,
    params: ParamsListOperation,
) -> Result<SuccessListOperation, BackendFault> {
    let bad_parameter = |message: &str| fault(ErrorCode::BadParameter, "Bad Parameter", message);
    let key = &params.list_key;
    if key.key_type != ListKeyType::Mktolistname {
        return Err(fault(
            ErrorCode::UnsupportedOperation,
            "Unsupported Operation",
            &format!(
                "list key type {} is not supported by the mktows sandbox",
                key.key_type
            ),
        ));
    }
    let leads = &params.list_member_list.lead_key;
    if leads.len() > MAX_LIST_MEMBERS {
        return Err(bad_parameter(&format!(
            "listOperation takes at most {MAX_LIST_MEMBERS} leads, not {}",
            leads.len()
        )));
    }
    if let Some(LeadKey {
        key_type: LeadKeyRef::Unknown(bad),
        ..
    }) = leads.iter().find(|l| !l.key_type.is_known())
    {
        return Err(fault(
            ErrorCode::LeadKeyBad,
            "Lead Key Bad",
            &format!("Unknown LeadKeyType {bad:?}"),
        ));
    }
    if let Some(other) = leads.iter().find(|l| l.key_type != LeadKeyRef::Idnum) {
        return Err(bad_parameter(&format!(
            "listMemberList takes IDNUM lead keys only, not {}",
            other.key_type
        )));
    }
    let add = match &params.list_operation {
        ListOperationType::Addtolist => Some(true),
        ListOperationType::Removefromlist => Some(false),
        ListOperationType::Ismemberoflist => None,
        ListOperationType::Unknown(other) => {
            return Err(bad_parameter(&format!("unknown listOperation {other:?}")));
        }
    };
    let strict = value(&params.strict).unwrap_or(false);
    let list = key.key_value.as_str();
    let mut store = service.lock_store();
    if store.list_id(list).is_none() {
        return Err(list_not_found(&format!("named {list:?}")));
    }
    let ids: Vec<Option<i32>> = leads
        .iter()
        .map(|l| {
            l.key_value
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|id| store.get(*id).is_some())
        })
        .collect();
    let mut statuses: Vec<bool> = match add {
        Some(_) => ids.iter().map(Option::is_some).collect(),
        None => ids
            .iter()
            .map(|id| id.is_some_and(|id| store.is_member(list, id)))
            .collect(),
    };
    let success = statuses.iter().all(|s| *s);
    if let Some(add) = add {
        if strict && !success {
            statuses.iter_mut().for_each(|s| *s = false);
        } else {
            let changed: Vec<i32> = ids.iter().flatten().copied().collect();
            if let Err(e) = store.change_members(list, &changed, add) {
                return Err(storage_failed(&e));
            }
        }
    }
    let lead_status = leads
        .iter()
        .zip(statuses)
        .map(|(lead, status)| LeadStatus::new(lead.clone(), status))
        .collect();
    Ok(SuccessListOperation {
        result: ResultListOperation {
            success,
            status_list: Some(Nillable::Value(ArrayOfLeadStatus { lead_status })),
        },
    })
}
