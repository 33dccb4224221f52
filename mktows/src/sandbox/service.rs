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
//! - `listOperation` takes IDNUM lead keys only (as documented; others are fault 20110), at most
//!   1000 (more is fault 20110). A lead's `status` says whether the operation was carried out
//!   for it: ADDTOLIST and REMOVEFROMLIST succeed for every lead that exists (adding a member or
//!   removing a non-member changes nothing and succeeds), ISMEMBEROFLIST reports membership.
//!   `success` is true when every status is. With `strict`, one failed lead fails them all and
//!   nothing changes.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;
use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::store::{Store, StoredLead};
use super::{FieldDef, SandboxConfig};
use crate::elements::AnyElement;
use crate::error::ErrorCode;
use crate::operations::{GetLead, GetMultipleLeads, ListOperation, SyncLead, SyncMultipleLeads};
use crate::types::*;
use crate::xml::{self, AnyBody, Nillable, Operation};

/// An HTTP answer: status and body.
pub type Answer = (u16, String);

/// Most records per `syncMultipleLeads`.
pub const MAX_BATCH: usize = 300;

/// Most leads per `listOperation`.
pub const MAX_LIST_MEMBERS: usize = 1000;

/// The sandbox's state.
pub struct Service {
    config: SandboxConfig,
    store: Mutex<Store>,
    calls: Mutex<VecDeque<Instant>>,
    daily: Mutex<(NaiveDate, u64)>,
}

fn fault(code: ErrorCode, title: &str, message: &str) -> Answer {
    let fault = crate::error::marketo_fault(code.code(), title, message);
    let body =
        xml::encode_fault(&fault, crate::NAMESPACES).unwrap_or_else(|e| format!("<!-- {e} -->"));
    (500, body)
}

fn respond<O: Operation>(body: &O::Output) -> Answer {
    match xml::encode_response::<O>(&Default::default(), body) {
        Ok(xml) => (200, xml),
        Err(e) => fault(
            ErrorCode::ServiceInternalError,
            "Internal Error",
            &e.to_string(),
        ),
    }
}

fn value<T: Clone>(field: &Option<Nillable<T>>) -> Option<T> {
    field.as_ref().and_then(|v| v.value().cloned())
}

/// The fault for a change the database did not take (nothing was acknowledged).
fn storage_failed(error: &str) -> Answer {
    fault(
        ErrorCode::ServiceInternalError,
        "Internal Error",
        &format!("storage: {error}"),
    )
}

/// The fault for a static list that does not exist (`which`: `named "x"`, `id 7`).
fn list_not_found(which: &str) -> Answer {
    fault(
        ErrorCode::ListNotFound,
        "List Not Found",
        &format!("No static list {which}"),
    )
}

/// The fault for a lead key that matched nothing.
fn not_found(key: &str, value: &str) -> Answer {
    fault(
        ErrorCode::LeadNotFound,
        "Lead not found",
        &format!("No lead found with {key} = {value}"),
    )
}

impl Service {
    /// A service over `store`.
    pub fn new(config: SandboxConfig, mut store: Store) -> Service {
        store.define_lists(&config.lists);
        Service {
            config,
            store: Mutex::new(store),
            calls: Mutex::new(VecDeque::new()),
            daily: Mutex::new((Utc::now().date_naive(), 0)),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &SandboxConfig {
        &self.config
    }

    /// Number of leads stored.
    pub fn lead_count(&self) -> usize {
        self.store.lock().map(|s| s.len()).unwrap_or(0)
    }

    /// The fault for a call over the concurrency limit.
    pub fn concurrency_fault() -> Answer {
        fault(
            ErrorCode::ConcurrencyLimitExceeded,
            "Concurrency Limit Exceeded",
            "Concurrency Limit Exceeded",
        )
    }

    /// Handles one SOAP request body.
    pub fn handle(&self, body: &[u8]) -> Answer {
        let envelope = match xml::decode_any::<AnyElement>(body) {
            Ok(envelope) => envelope,
            Err(e) => {
                return fault(
                    ErrorCode::RequestNotUnderstood,
                    "Request Not Understood",
                    &e.to_string(),
                );
            }
        };
        let mut auth = None;
        let mut workspace = None;
        for header in &envelope.headers {
            match header {
                AnyElement::AuthenticationHeader(a) => auth = Some(a),
                AnyElement::MktowsContextHeader(c) => workspace = Some(c.target_workspace.as_str()),
                _ => {}
            }
        }
        if let Err(answer) = self.authenticate(auth) {
            return answer;
        }
        if let Err(answer) = self.check_limits() {
            return answer;
        }
        let AnyBody::Element(body) = envelope.body else {
            return fault(
                ErrorCode::RequestNotUnderstood,
                "Request Not Understood",
                "a request cannot be a fault",
            );
        };
        match body {
            AnyElement::ParamsSyncLead(params) => self.sync_lead(params, workspace),
            AnyElement::ParamsSyncMultipleLeads(params) => self.sync_multiple_leads(params),
            AnyElement::ParamsGetLead(params) => self.get_lead(params),
            AnyElement::ParamsGetMultipleLeads(params) => self.get_multiple_leads(params),
            AnyElement::ParamsListOperation(params) => self.list_operation(params),
            other => {
                let name = xml::ElementSet::element_name(&other).local;
                fault(
                    ErrorCode::UnsupportedOperation,
                    "Unsupported Operation",
                    &format!("{name} is not implemented by the mktows sandbox"),
                )
            }
        }
    }

    fn authenticate(&self, auth: Option<&AuthenticationHeaderInfo>) -> Result<(), Answer> {
        let failed = || {
            fault(
                ErrorCode::AuthenticationFailed,
                "Authentication failed",
                "Authentication failed",
            )
        };
        let auth = auth.ok_or_else(failed)?;
        let key = self
            .config
            .users
            .iter()
            .find(|(user, _)| *user == auth.mktows_user_id)
            .map(|(_, key)| key)
            .ok_or_else(failed)?;
        let expected = hex::decode(auth.request_signature.trim()).map_err(|_| failed())?;
        let mut mac =
            Hmac::<Sha1>::new_from_slice(key.as_bytes()).expect("HMAC takes keys of any length");
        mac.update(auth.request_timestamp.as_bytes());
        mac.update(auth.mktows_user_id.as_bytes());
        // Constant-time comparison of the received signature.
        mac.verify_slice(&expected).map_err(|_| failed())?;
        let at =
            DateTime::parse_from_rfc3339(auth.request_timestamp.trim()).map_err(|_| failed())?;
        let skew = (Utc::now() - at.with_timezone(&Utc)).abs();
        if skew
            > chrono::TimeDelta::from_std(self.config.time_window).unwrap_or(chrono::TimeDelta::MAX)
        {
            return Err(fault(
                ErrorCode::RequestExpired,
                "Request Expired",
                "Request Expired: the request timestamp is outside the accepted window",
            ));
        }
        Ok(())
    }

    fn check_limits(&self) -> Result<(), Answer> {
        let limits = &self.config.limits;
        if let Some((max, window)) = limits.rate {
            let mut calls = self.calls.lock().expect("rate lock");
            let now = Instant::now();
            while calls
                .front()
                .is_some_and(|t| now.duration_since(*t) >= window)
            {
                calls.pop_front();
            }
            if calls.len() >= max {
                return Err(fault(
                    ErrorCode::RateLimitExceeded,
                    "Rate Limit Exceeded",
                    "Rate Limit Exceeded",
                ));
            }
            calls.push_back(now);
        }
        if let Some(quota) = limits.daily_quota {
            let mut daily = self.daily.lock().expect("quota lock");
            let today = Utc::now().date_naive();
            if daily.0 != today {
                *daily = (today, 0);
            }
            if daily.1 >= quota {
                return Err(fault(
                    ErrorCode::RequestLimitExceeded,
                    "Request Limit Exceeded",
                    "Request Limit Exceeded",
                ));
            }
            daily.1 += 1;
        }
        Ok(())
    }

    fn field(&self, name: &str) -> Option<&FieldDef> {
        self.config.fields.iter().find(|f| f.name == name)
    }

    /// Field updates of a record; `Err` lists unknown field names.
    fn attributes(&self, record: &LeadRecord) -> Result<Vec<(String, String)>, Vec<String>> {
        let attributes = value(&record.lead_attribute_list)
            .map(|l| l.attribute)
            .unwrap_or_default();
        let unknown: Vec<String> = attributes
            .iter()
            .filter(|a| self.field(&a.attr_name).is_none())
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

    fn primary_partition(&self, workspace: &str) -> Option<&str> {
        self.config
            .workspaces
            .iter()
            .find(|(w, _)| w == workspace)
            .map(|(_, p)| p.as_str())
    }

    fn record(&self, lead: &StoredLead, include: Option<&[String]>) -> LeadRecord {
        let attribute = lead
            .fields
            .iter()
            .filter(|(name, value)| {
                !value.is_empty() && include.is_none_or(|names| names.contains(name))
            })
            .map(|(name, value)| Attribute {
                attr_name: name.clone(),
                attr_type: Some(Nillable::Value(
                    self.field(name)
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

    fn new_lead(store: &mut Store, partition: &str) -> StoredLead {
        let now = Utc::now();
        StoredLead {
            id: store.allocate_id(),
            email: None,
            foreign_id: None,
            foreign_type: None,
            cookies: Vec::new(),
            partition: partition.to_owned(),
            fields: BTreeMap::new(),
            created_at: now,
            updated_at: now,
        }
    }

    fn sync_lead(&self, params: ParamsSyncLead, workspace: Option<&str>) -> Answer {
        let record = &params.lead_record;
        let fields = match self.attributes(record) {
            Ok(fields) => fields,
            Err(unknown) => {
                return fault(
                    ErrorCode::LeadAttributeBad,
                    "Unknown lead field",
                    &format!(
                        "syncLead operation failed: unknown fields for import: {}",
                        unknown.join(", ")
                    ),
                );
            }
        };
        let partition = match workspace {
            Some(name) => match self.primary_partition(name) {
                Some(p) => Some(p.to_owned()),
                None => {
                    return fault(
                        ErrorCode::BadParameter,
                        "Input error",
                        &format!("Unknown workspace: {name}"),
                    );
                }
            },
            None => None,
        };
        let id = value(&record.id);
        let foreign = value(&record.foreign_sys_person_id);
        let foreign_type = value(&record.foreign_sys_type).map(|t| t.as_str().to_owned());
        let email = value(&record.email);
        let cookie = value(&params.marketo_cookie);
        if foreign.is_some() && foreign_type.is_none() {
            return fault(
                ErrorCode::ParameterRequired,
                "Parameter Required",
                "ForeignSysType must be specified when ForeignSysPersonId is present",
            );
        }
        let mut store = self.store.lock().expect("store lock");
        // Key precedence: Id > ForeignSysPersonId > cookie > Email.
        let (matched, matched_by_email) = if let Some(id) = id {
            match store.get(id) {
                Some(lead) => (Some(lead.clone()), false),
                None => return not_found("IDNUM", &id.to_string()),
            }
        } else if let Some(found) = foreign.as_deref().and_then(|f| store.by_foreign(f)) {
            (Some(found.clone()), false)
        } else if let Some(found) = cookie.as_deref().and_then(|c| store.by_cookie(c)) {
            (Some(found.clone()), false)
        } else if let Some(found) = email.as_deref().and_then(|e| store.latest_by_email(e)) {
            (Some(found.clone()), true)
        } else {
            (None, false)
        };
        if id.is_none() && foreign.is_none() && cookie.is_none() && email.is_none() {
            return fault(
                ErrorCode::LeadKeyRequired,
                "Lead Key Required",
                "LeadKey is Required but was not provided",
            );
        }
        // Leads matched by a unique key must live in the named workspace's primary partition;
        // an email match ignores the workspace.
        if let (Some(lead), Some(partition), false) = (&matched, &partition, matched_by_email) {
            if &lead.partition != partition {
                return fault(
                    ErrorCode::LeadSyncFailed,
                    "Lead Sync Failed",
                    &format!(
                        "Lead {} is not in the primary partition of workspace {}",
                        lead.id,
                        workspace.unwrap_or("")
                    ),
                );
            }
        }
        let status = if matched.is_some() {
            LeadSyncStatus::Updated
        } else {
            LeadSyncStatus::Created
        };
        let default_partition = self
            .primary_partition("Default")
            .unwrap_or("Default")
            .to_owned();
        let mut lead = matched.unwrap_or_else(|| {
            Self::new_lead(
                &mut store,
                partition.as_deref().unwrap_or(&default_partition),
            )
        });
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
            return storage_failed(&e);
        }
        let lead_record = if params.return_lead {
            let stored = store.get(lead_id).expect("just stored");
            Nillable::Value(self.record(stored, None))
        } else {
            Nillable::Nil
        };
        respond::<SyncLead>(&SuccessSyncLead {
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

    fn sync_multiple_leads(&self, params: ParamsSyncMultipleLeads) -> Answer {
        let records = params.lead_record_list.lead_record;
        if records.len() > MAX_BATCH {
            return fault(
                ErrorCode::BadParameter,
                "Input error",
                &format!(
                    "syncMultipleLeads accepts at most {MAX_BATCH} lead records, got {}",
                    records.len()
                ),
            );
        }
        let dedup = value(&params.dedup_enabled).unwrap_or(true);
        let default_partition = self
            .primary_partition("Default")
            .unwrap_or("Default")
            .to_owned();
        let mut store = self.store.lock().expect("store lock");
        let mut changed = Vec::with_capacity(records.len());
        let mut statuses = Vec::with_capacity(records.len());
        let failed = |error: String| SyncStatus {
            lead_id: 0,
            status: LeadSyncStatus::Failed,
            error: Some(Nillable::Value(error)),
        };
        for record in &records {
            let fields = match self.attributes(record) {
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
            // Key precedence: Id > ForeignSysPersonId > Email (deduplicated only when enabled).
            let matched = if let Some(id) = id {
                match store.get(id) {
                    Some(lead) => Some(lead.clone()),
                    None => {
                        statuses.push(failed(format!("No lead found with IDNUM = {id}")));
                        continue;
                    }
                }
            } else if let Some(found) = foreign.as_deref().and_then(|f| store.by_foreign(f)) {
                Some(found.clone())
            } else if foreign.is_none() && dedup {
                email
                    .as_deref()
                    .and_then(|e| store.latest_by_email(e))
                    .cloned()
            } else {
                None
            };
            if id.is_none() && foreign.is_none() && email.is_none() {
                statuses.push(failed(
                    "LeadRecords must specify the lead id, email, or ForeignSysPersonId".into(),
                ));
                continue;
            }
            let status = if matched.is_some() {
                LeadSyncStatus::Updated
            } else {
                LeadSyncStatus::Created
            };
            let is_new = matched.is_none();
            let keyed = id.is_some() || foreign.is_some();
            let mut lead =
                matched.unwrap_or_else(|| Self::new_lead(&mut store, &default_partition));
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
            return storage_failed(&e);
        }
        respond::<SyncMultipleLeads>(&SuccessSyncMultipleLeads {
            result: ResultSyncMultipleLeads {
                sync_status_list: ArrayOfSyncStatus {
                    sync_status: statuses,
                },
            },
        })
    }

    fn find(store: &Store, key_type: &LeadKeyRef, key: &str) -> Result<Vec<StoredLead>, Answer> {
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
            other => {
                return Err(fault(
                    ErrorCode::LeadKeyBad,
                    "Lead Key Bad",
                    &format!("LeadKeyType {other} is not supported by the mktows sandbox"),
                ));
            }
        })
    }

    fn get_lead(&self, params: ParamsGetLead) -> Answer {
        let key = params.lead_key;
        let store = self.store.lock().expect("store lock");
        let leads = match Self::find(&store, &key.key_type, &key.key_value) {
            Ok(leads) => leads,
            Err(answer) => return answer,
        };
        if leads.is_empty() {
            return not_found(key.key_type.as_str(), &key.key_value);
        }
        let lead_record = leads.iter().map(|l| self.record(l, None)).collect();
        respond::<GetLead>(&SuccessGetLead {
            result: ResultGetLead {
                count: leads.len() as i32,
                lead_record_list: Some(Nillable::Value(ArrayOfLeadRecord { lead_record })),
            },
        })
    }

    fn get_multiple_leads(&self, params: ParamsGetMultipleLeads) -> Answer {
        const POSITION: &str = "mktows-sandbox:";
        let store = self.store.lock().expect("store lock");
        let leads: Vec<StoredLead> = match &params.lead_selector {
            Some(LeadSelector::LeadKeySelector(selector)) => {
                let mut found = Vec::new();
                for key in selector.key_values.string_item.iter().take(100) {
                    match Self::find(&store, &selector.key_type, key) {
                        Ok(leads) => found.extend(leads),
                        Err(answer) => return answer,
                    }
                }
                found
            }
            Some(LeadSelector::LastUpdateAtSelector(selector)) => {
                let oldest = selector.oldest_updated_at.with_timezone(&Utc);
                let latest = value(&selector.latest_updated_at).map(|t| t.with_timezone(&Utc));
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
                        None => return list_not_found(&format!("id {id}")),
                    },
                    (None, None) => {
                        return fault(
                            ErrorCode::ParameterRequired,
                            "Parameter Required",
                            "StaticListSelector needs staticListName or staticListId",
                        );
                    }
                };
                if store.list_id(&name).is_none() {
                    return list_not_found(&format!("named {name:?}"));
                }
                store.list_members(&name).cloned().collect()
            }
            None => {
                return fault(
                    ErrorCode::ParameterRequired,
                    "Parameter Required",
                    "leadSelector is required",
                );
            }
        };
        let offset = match value(&params.stream_position).filter(|p| !p.is_empty()) {
            None => 0,
            Some(position) => match position
                .strip_prefix(POSITION)
                .and_then(|n| n.parse::<usize>().ok())
            {
                Some(n) if n <= leads.len() => n,
                _ => {
                    return fault(
                        ErrorCode::BadStreamPosition,
                        "Bad Stream Position",
                        &format!("Bad stream position {position}"),
                    );
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
        let lead_record = page.iter().map(|l| self.record(l, include)).collect();
        respond::<GetMultipleLeads>(&SuccessGetMultipleLeads {
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

    fn list_operation(&self, params: ParamsListOperation) -> Answer {
        let bad_parameter =
            |message: &str| fault(ErrorCode::BadParameter, "Bad Parameter", message);
        let key = &params.list_key;
        if key.key_type != ListKeyType::Mktolistname {
            return fault(
                ErrorCode::UnsupportedOperation,
                "Unsupported Operation",
                &format!(
                    "list key type {} is not supported by the mktows sandbox",
                    key.key_type
                ),
            );
        }
        let leads = &params.list_member_list.lead_key;
        if leads.len() > MAX_LIST_MEMBERS {
            return bad_parameter(&format!(
                "listOperation takes at most {MAX_LIST_MEMBERS} leads, not {}",
                leads.len()
            ));
        }
        if let Some(other) = leads.iter().find(|l| l.key_type != LeadKeyRef::Idnum) {
            return bad_parameter(&format!(
                "listMemberList takes IDNUM lead keys only, not {}",
                other.key_type
            ));
        }
        let add = match &params.list_operation {
            ListOperationType::Addtolist => Some(true),
            ListOperationType::Removefromlist => Some(false),
            ListOperationType::Ismemberoflist => None,
            ListOperationType::Unknown(other) => {
                return bad_parameter(&format!("unknown listOperation {other:?}"));
            }
        };
        let strict = value(&params.strict).unwrap_or(false);
        let list = key.key_value.as_str();
        let mut store = self.store.lock().expect("store lock");
        if store.list_id(list).is_none() {
            return list_not_found(&format!("named {list:?}"));
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
                    return storage_failed(&e);
                }
            }
        }
        let lead_status = leads
            .iter()
            .zip(statuses)
            .map(|(lead, status)| LeadStatus::new(lead.clone(), status))
            .collect();
        respond::<ListOperation>(&SuccessListOperation {
            result: ResultListOperation {
                success,
                status_list: Some(Nillable::Value(ArrayOfLeadStatus { lead_status })),
            },
        })
    }
}
