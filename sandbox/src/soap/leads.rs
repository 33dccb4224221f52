//! The lead calls of the SOAP face: `syncLead` and `syncMultipleLeads` (the reads and
//! `listOperation` are in [`super::lookup`], with the same rules).
//!
//! What the sandbox does with a request: authenticate it like Marketo, apply the limits that
//! are switched on, and carry out the operation on the store. Requests are read and responses
//! written with the generated types.
//!
//! Choices where Marketo's behaviour is undocumented (see `shared/reference/marketo-soap-semantics.md`):
//! - a `syncMultipleLeads` batch over 300 records is refused with fault 20110 "Bad Parameter";
//! - `syncLead` with an `Id` that matches no lead is fault 20103 "Lead not found";
//! - a lead matched by Id, foreign id or cookie outside the named workspace's primary partition
//!   is fault 20106 "Lead Sync Failed"; an unknown workspace is fault 20110;
//! - `syncMultipleLeads` records with an unknown field or no key come back `FAILED` with lead id 0;
//! - email matching ignores case; `dedupEnabled` omitted means true;
//! - static lists are the configured ones, matched by exact name; an unknown name or id is fault
//!   20111 "List Not Found"; list key types other than MKTOLISTNAME are fault 20019;
//! - a lead key type outside the WSDL's enumeration is fault 20102 "Lead Key Bad" ("LeadKeyType
//!   is not Valid") wherever a lead key is read: `getLead`, `getMultipleLeads`,
//!   `getLeadActivity`, `getLeadChanges`, `listOperation`, `requestCampaign`, `mergeLeads`;
//! - `listOperation` takes IDNUM lead keys only (as documented; other valid types are fault
//!   20110, types outside the enumeration 20102), at most
//!   1000 (more is fault 20110). A lead's `status` says whether the operation was carried out
//!   for it: ADDTOLIST and REMOVEFROMLIST succeed for every lead that exists (adding a member or
//!   removing a non-member changes nothing and succeeds), ISMEMBEROFLIST reports membership.
//!   `success` is true when every status is. With `strict`, one failed lead fails them all and
//!   nothing changes.

use chrono::Utc;

use super::{fault, not_found, storage_failed, value};
use crate::service::Service;
use crate::store::{Store, StoredLead};
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_server::BackendFault;

/// Most records per `syncMultipleLeads`.
pub const MAX_BATCH: usize = 300;

/// Field updates of a record; `Err` lists unknown field names.
fn attributes(
    service: &Service,
    record: &LeadRecord,
) -> Result<Vec<(String, String)>, Vec<String>> {
    let attributes = value(&record.lead_attribute_list)
        .map(|l| l.attribute)
        .unwrap_or_default();
    let unknown: Vec<String> = attributes
        .iter()
        .filter(|a| service.field(&a.attr_name).is_none())
        .map(|a| a.attr_name.clone())
        .collect();
    if unknown.is_empty() {
        Ok(attributes
            .into_iter()
            .map(|a| (a.attr_name, a.attr_value))
            .collect())
    } else {
        Err(unknown)
    }
}

/// A stored lead as SOAP answers it, with the attributes in `include` (all when `None`).
pub(super) fn record(
    service: &Service,
    lead: &StoredLead,
    include: Option<&[String]>,
) -> LeadRecord {
    let attribute = lead
        .fields
        .iter()
        .filter(|(name, value)| {
            !value.is_empty() && include.is_none_or(|names| names.contains(name))
        })
        .map(|(name, value)| Attribute {
            attr_name: name.clone(),
            attr_type: Some(Nillable::Value(
                service
                    .field(name)
                    .map_or("string", |f| f.data_type.as_str())
                    .to_owned(),
            )),
            attr_value: value.clone(),
        })
        .collect();
    LeadRecord {
        id: Some(Nillable::Value(lead.id)),
        email: Some(lead.email.clone().map_or(Nillable::Nil, Nillable::Value)),
        foreign_sys_person_id: Some(
            lead.foreign_id
                .clone()
                .map_or(Nillable::Nil, Nillable::Value),
        ),
        foreign_sys_type: Some(
            lead.foreign_type
                .as_deref()
                .map_or(Nillable::Nil, |t| Nillable::Value(ForeignSysType::from(t))),
        ),
        lead_attribute_list: Some(Nillable::Value(ArrayOfAttribute { attribute })),
    }
}

/// The attributes of a `syncLead` record, or fault 20105 naming the unknown ones.
fn known_fields(
    service: &Service,
    record: &LeadRecord,
) -> Result<Vec<(String, String)>, BackendFault> {
    attributes(service, record).map_err(|unknown| {
        fault(
            ErrorCode::LeadAttributeBad,
            "Unknown lead field",
            &format!(
                "syncLead operation failed: unknown fields for import: {}",
                unknown.join(", ")
            ),
        )
    })
}

/// The primary partition of the workspace a call names (`None`: no workspace named), or
/// fault 20110 for an unknown one.
fn workspace_partition(
    service: &Service,
    workspace: Option<&str>,
) -> Result<Option<String>, BackendFault> {
    Ok(match workspace {
        Some(name) => match service.primary_partition(name) {
            Some(p) => Some(p.to_owned()),
            None => {
                return Err(fault(
                    ErrorCode::BadParameter,
                    "Input error",
                    &format!("Unknown workspace: {name}"),
                ));
            }
        },
        None => None,
    })
}

/// The keys a `syncLead` record gives.
struct Keys<'a> {
    id: Option<i32>,
    foreign: Option<&'a str>,
    cookie: Option<&'a str>,
    email: Option<&'a str>,
}

/// The lead a `syncLead` updates (`None`: a new one), by key precedence Id >
/// ForeignSysPersonId > cookie > Email; a lead matched by a unique key must live in the named
/// workspace's `partition`.
fn match_lead(
    store: &Store,
    keys: &Keys<'_>,
    partition: Option<&str>,
    workspace: Option<&str>,
) -> Result<Option<StoredLead>, BackendFault> {
    // Key precedence: Id > ForeignSysPersonId > cookie > Email.
    let (matched, matched_by_email) = if let Some(id) = keys.id {
        match store.get(id) {
            Some(lead) => (Some(lead.clone()), false),
            None => return Err(not_found("IDNUM", &id.to_string())),
        }
    } else if let Some(found) = keys.foreign.and_then(|f| store.by_foreign(f)) {
        (Some(found.clone()), false)
    } else if let Some(found) = keys.cookie.and_then(|c| store.by_cookie(c)) {
        (Some(found.clone()), false)
    } else if let Some(found) = keys.email.and_then(|e| store.latest_by_email(e)) {
        (Some(found.clone()), true)
    } else {
        (None, false)
    };
    if keys.id.is_none() && keys.foreign.is_none() && keys.cookie.is_none() && keys.email.is_none()
    {
        return Err(fault(
            ErrorCode::LeadKeyRequired,
            "Lead Key Required",
            "LeadKey is Required but was not provided",
        ));
    }
    // Leads matched by a unique key must live in the named workspace's primary partition;
    // an email match ignores the workspace.
    if let (Some(lead), Some(partition), false) = (&matched, partition, matched_by_email) {
        if lead.partition != partition {
            return Err(fault(
                ErrorCode::LeadSyncFailed,
                "Lead Sync Failed",
                &format!(
                    "Lead {} is not in the primary partition of workspace {}",
                    lead.id,
                    workspace.unwrap_or("")
                ),
            ));
        }
    }
    Ok(matched)
}

/// `syncLead`: creates or updates one lead.
pub(crate) fn sync_lead(
    service: &Service,
    params: ParamsSyncLead,
    workspace: Option<&str>,
) -> Result<SuccessSyncLead, BackendFault> {
    let record = &params.lead_record;
    let fields = known_fields(service, record)?;
    let partition = workspace_partition(service, workspace)?;
    let id = value(&record.id);
    let foreign = value(&record.foreign_sys_person_id);
    let foreign_type = value(&record.foreign_sys_type).map(|t| t.as_str().to_owned());
    let email = value(&record.email);
    let cookie = value(&params.marketo_cookie);
    if foreign.is_some() && foreign_type.is_none() {
        return Err(fault(
            ErrorCode::ParameterRequired,
            "Parameter Required",
            "ForeignSysType must be specified when ForeignSysPersonId is present",
        ));
    }
    let mut store = service.lock_store();
    let keys = Keys {
        id,
        foreign: foreign.as_deref(),
        cookie: cookie.as_deref(),
        email: email.as_deref(),
    };
    let matched = match_lead(&store, &keys, partition.as_deref(), workspace)?;
    let status = if matched.is_some() {
        LeadSyncStatus::Updated
    } else {
        LeadSyncStatus::Created
    };
    let default_partition = service.default_partition().to_owned();
    let mut lead = matched
        .unwrap_or_else(|| store.new_lead(partition.as_deref().unwrap_or(&default_partition)));
    if foreign.is_some() {
        lead.foreign_id = foreign;
        lead.foreign_type = foreign_type;
    }
    // The Email key updates the email when a unique key identified the lead.
    if let Some(email) = email {
        lead.email = Some(email);
    }
    if let Some(cookie) = cookie {
        if !lead.cookies.contains(&cookie) {
            lead.cookies.push(cookie);
        }
    }
    for (name, value) in fields {
        lead.fields.insert(name, value);
    }
    lead.updated_at = Utc::now();
    let lead_id = lead.id;
    let changed = store.put(lead);
    if let Err(e) = store.persist(&changed) {
        return Err(storage_failed(&e));
    }
    let lead_record = if params.return_lead {
        let stored = store.get(lead_id).expect("just stored");
        Nillable::Value(super::leads::record(service, stored, None))
    } else {
        Nillable::Nil
    };
    Ok(SuccessSyncLead {
        result: ResultSyncLead {
            lead_id,
            sync_status: SyncStatus {
                lead_id,
                status,
                error: Some(Nillable::Nil),
            },
            lead_record: Some(lead_record),
        },
    })
}

/// The lead a `syncMultipleLeads` record updates (`None`: a new one), by key precedence Id >
/// ForeignSysPersonId > Email (deduplicated only when `dedup`); `Err` is why the record fails.
fn match_record(store: &Store, keys: &Keys<'_>, dedup: bool) -> Result<Option<StoredLead>, String> {
    let matched = if let Some(id) = keys.id {
        match store.get(id) {
            Some(lead) => Some(lead.clone()),
            None => return Err(format!("No lead found with IDNUM = {id}")),
        }
    } else if let Some(found) = keys.foreign.and_then(|f| store.by_foreign(f)) {
        Some(found.clone())
    } else if keys.foreign.is_none() && dedup {
        keys.email.and_then(|e| store.latest_by_email(e)).cloned()
    } else {
        None
    };
    if keys.id.is_none() && keys.foreign.is_none() && keys.email.is_none() {
        return Err("LeadRecords must specify the lead id, email, or ForeignSysPersonId".into());
    }
    Ok(matched)
}

/// `syncMultipleLeads`: creates or updates each record, each with its own status.
pub(crate) fn sync_multiple_leads(
    service: &Service,
    params: ParamsSyncMultipleLeads,
) -> Result<SuccessSyncMultipleLeads, BackendFault> {
    let records = params.lead_record_list.lead_record;
    if records.len() > MAX_BATCH {
        return Err(fault(
            ErrorCode::BadParameter,
            "Input error",
            &format!(
                "syncMultipleLeads accepts at most {MAX_BATCH} lead records, got {}",
                records.len()
            ),
        ));
    }
    let dedup = value(&params.dedup_enabled).unwrap_or(true);
    let default_partition = service.default_partition().to_owned();
    let mut store = service.lock_store();
    let mut changed = Vec::with_capacity(records.len());
    let mut statuses = Vec::with_capacity(records.len());
    let failed = |error: String| SyncStatus {
        lead_id: 0,
        status: LeadSyncStatus::Failed,
        error: Some(Nillable::Value(error)),
    };
    for record in &records {
        let fields = match attributes(service, record) {
            Ok(fields) => fields,
            Err(unknown) => {
                statuses.push(failed(format!(
                    "Unknown lead field: {}",
                    unknown.join(", ")
                )));
                continue;
            }
        };
        let id = value(&record.id);
        let foreign = value(&record.foreign_sys_person_id);
        let email = value(&record.email);
        let keys = Keys {
            id,
            foreign: foreign.as_deref(),
            cookie: None,
            email: email.as_deref(),
        };
        let matched = match match_record(&store, &keys, dedup) {
            Ok(matched) => matched,
            Err(why) => {
                statuses.push(failed(why));
                continue;
            }
        };
        let status = if matched.is_some() {
            LeadSyncStatus::Updated
        } else {
            LeadSyncStatus::Created
        };
        let is_new = matched.is_none();
        let keyed = id.is_some() || foreign.is_some();
        let mut lead = matched.unwrap_or_else(|| store.new_lead(&default_partition));
        if let Some(foreign) = foreign {
            lead.foreign_id = Some(foreign);
            lead.foreign_type = value(&record.foreign_sys_type).map(|t| t.as_str().to_owned());
        }
        // An Email key on a lead found by a unique key is not an update of the email
        // (only an `Email` attribute is).
        if is_new || !keyed {
            if let Some(email) = email {
                lead.email = Some(email);
            }
        }
        for (name, value) in fields {
            if name == "Email" {
                lead.email = Some(value.clone());
            }
            lead.fields.insert(name, value);
        }
        lead.updated_at = Utc::now();
        let lead_id = lead.id;
        changed.extend(store.put(lead));
        statuses.push(SyncStatus {
            lead_id,
            status,
            error: Some(Nillable::Nil),
        });
    }
    if let Err(e) = store.persist(&changed) {
        return Err(storage_failed(&e));
    }
    Ok(SuccessSyncMultipleLeads {
        result: ResultSyncMultipleLeads {
            sync_status_list: ArrayOfSyncStatus {
                sync_status: statuses,
            },
        },
    })
}
