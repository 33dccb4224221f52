//! `syncLead` and `syncMultipleLeads` over REST Sync Leads (mapping in the module docs of
//! [`super`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::value;
use super::fields::{RestRecord, RestScalar};
use super::rest::{Answer, RestError, RestRequest, error_code};
use super::{FieldMap, RestBackend, read_fault, write_fault};
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_server::{BackendFault, CallContext};

/// Most records per `syncMultipleLeads` (as the sandbox).
const MAX_BATCH: usize = 300;

fn no_foreign_id() -> String {
    "ForeignSysPersonId has no Marketo REST equivalent (Adobe: keep it in a custom field and \
     use that field as lookupField); nothing was sent"
        .to_owned()
}

/// One REST Sync Leads outcome.
enum Outcome {
    Done { id: i32, created: bool },
    Skipped { code: u32, message: String },
}

/// One row of Sync Leads' `result`, as read (kept as JSON where Marketo's examples vary).
#[derive(Debug, Deserialize)]
struct SyncRow {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    status: Option<Value>,
    /// Prose examples use `reasons[]`, the Swagger `reason`: read both.
    #[serde(default)]
    reasons: Option<Value>,
    #[serde(default)]
    reason: Option<Value>,
}

impl std::fmt::Display for SyncRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |v: &Option<Value>| v.as_ref().map_or("none".to_owned(), Value::to_string);
        write!(
            f,
            "{{id: {}, status: {}}}",
            show(&self.id),
            show(&self.status)
        )
    }
}

fn outcomes(answer: Answer<SyncRow>, expected: usize) -> Result<Vec<Outcome>, BackendFault> {
    let results = answer.result;
    if results.len() != expected {
        return Err(BackendFault::may_have_been_applied(&format!(
            "Marketo REST answered {} results for {expected} records",
            results.len()
        )));
    }
    results
        .into_iter()
        .map(|r| {
            let id =
                r.id.as_ref()
                    .and_then(Value::as_i64)
                    .and_then(|n| i32::try_from(n).ok());
            match (r.status.as_ref().and_then(Value::as_str), id) {
                (Some("created"), Some(id)) => Ok(Outcome::Done { id, created: true }),
                (Some("updated"), Some(id)) => Ok(Outcome::Done { id, created: false }),
                (Some("skipped"), _) => {
                    let reason = r
                        .reasons
                        .as_ref()
                        .and_then(|v| v.get(0))
                        .or(r.reason.as_ref());
                    let code = error_code(reason.and_then(|v| v.get("code")));
                    let message = reason
                        .and_then(|v| v.get("message"))
                        .and_then(Value::as_str)
                        .unwrap_or("skipped")
                        .to_owned();
                    Ok(Outcome::Skipped { code, message })
                }
                _ => Err(BackendFault::may_have_been_applied(&format!(
                    "unexpected Sync Leads result {r}"
                ))),
            }
        })
        .collect()
}

/// The body of REST Sync Leads.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SyncBody<'a> {
    action: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    lookup_field: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    partition_name: Option<&'a str>,
    input: &'a [RestRecord<'a>],
}

impl SyncBody<'_> {
    fn request(&self) -> RestRequest {
        RestRequest::with_json(reqwest::Method::POST, "/v1/leads.json", self)
    }
}

fn failed(error: String) -> SyncStatus {
    SyncStatus {
        lead_id: 0,
        status: LeadSyncStatus::Failed,
        error: Some(Nillable::Value(error)),
    }
}

/// The keys of a `syncLead` record (at least one is given).
#[derive(Debug, PartialEq)]
struct LeadKeys {
    id: Option<i32>,
    email: Option<String>,
    cookie: Option<String>,
}

/// 20105 for SOAP attributes REST has no field for.
fn unknown_fields(unknown: Vec<String>) -> BackendFault {
    BackendFault::titled(
        ErrorCode::LeadAttributeBad,
        "Unknown lead field",
        format!(
            "syncLead operation failed: unknown fields for import: {}",
            unknown.join(", ")
        ),
    )
}

/// The keys of a `syncLead`, checked: no foreign system id (REST has none), at least one key,
/// and an Email key that agrees with an `Email` attribute (REST has one email field).
fn sync_lead_keys(params: &ParamsSyncLead, input: &RestRecord) -> Result<LeadKeys, BackendFault> {
    let record = &params.lead_record;
    let keys = LeadKeys {
        id: value(&record.id),
        email: value(&record.email),
        cookie: value(&params.marketo_cookie).filter(|c| !c.is_empty()),
    };
    if value(&record.foreign_sys_person_id).is_some() {
        return Err(BackendFault::new(
            ErrorCode::UnsupportedOperation,
            no_foreign_id(),
        ));
    }
    if keys.id.is_none() && keys.email.is_none() && keys.cookie.is_none() {
        return Err(BackendFault::titled(
            ErrorCode::LeadKeyRequired,
            "Lead Key Required",
            "LeadKey is Required but was not provided",
        ));
    }
    if let (Some(key), Some(RestScalar::Text(attribute))) = (&keys.email, input.get("email")) {
        if key != attribute {
            return Err(BackendFault::new(
                ErrorCode::BadParameter,
                "the Email key and the Email attribute differ; Marketo REST has one email field",
            ));
        }
    }
    Ok(keys)
}

/// REST's `action` and `lookupField` for one lead, writing its keys into `input`: an id
/// (given, or the cookie's lead) updates that lead, else an email creates or updates, else
/// (only an unknown cookie) a new lead is created.
fn sync_lead_action<'a>(
    input: &mut RestRecord<'a>,
    target: Option<i32>,
    email: Option<&'a str>,
) -> (&'static str, Option<&'static str>) {
    if let Some(email) = email {
        input.set("email", RestScalar::Text(email));
    }
    match (target, email) {
        (Some(id), _) => {
            input.set("id", RestScalar::Int(id));
            ("updateOnly", Some("id"))
        }
        (None, Some(_)) => ("createOrUpdate", Some("email")),
        // Only an unknown cookie: a new lead it is associated with.
        (None, None) => ("createDuplicate", None),
    }
}

/// The lead and its SOAP status from REST's one row; a skip is a fault.
fn sync_lead_outcome(
    outcome: Option<Outcome>,
    target: Option<i32>,
) -> Result<(i32, LeadSyncStatus), BackendFault> {
    match outcome {
        Some(Outcome::Done { id, created }) => Ok((id, done_status(created))),
        Some(Outcome::Skipped {
            code: 1006,
            message,
        }) => Err(BackendFault::titled(
            ErrorCode::LeadAttributeBad,
            "Unknown lead field",
            format!("syncLead operation failed: {message}"),
        )),
        Some(Outcome::Skipped { code: 1004, .. }) => Err(BackendFault::titled(
            ErrorCode::LeadNotFound,
            "Lead not found",
            format!("No lead found with IDNUM = {}", target.unwrap_or(0)),
        )),
        Some(Outcome::Skipped { code, message }) => Err(BackendFault::new(
            ErrorCode::LeadSyncFailed,
            format!("Marketo REST skipped the lead: {message} ({code})"),
        )),
        None => Err(BackendFault::may_have_been_applied("no result")),
    }
}

fn done_status(created: bool) -> LeadSyncStatus {
    if created {
        LeadSyncStatus::Created
    } else {
        LeadSyncStatus::Updated
    }
}

/// The fault for a call after the lead was synced: the sync stands, so "may have been
/// applied" only when that call itself was sent without an answer.
fn after_sync_fault(
    lead_id: i32,
    status: &LeadSyncStatus,
    e: &RestError,
    what: &str,
) -> BackendFault {
    let detail = format!("lead {lead_id} was {status}, but {what}: {e}");
    match e {
        RestError::Unknown(_) => BackendFault::may_have_been_applied(&detail),
        _ => BackendFault::new(ErrorCode::ServiceInternalError, detail),
    }
}

fn soap_sync_lead(
    lead_id: i32,
    status: LeadSyncStatus,
    lead_record: Nillable<LeadRecord>,
) -> SuccessSyncLead {
    SuccessSyncLead {
        result: ResultSyncLead {
            lead_id,
            sync_status: SyncStatus {
                lead_id,
                status,
                error: Some(Nillable::Nil),
            },
            lead_record: Some(lead_record),
        },
    }
}

/// The records of a `syncMultipleLeads` by how REST finds them; the others already FAILED.
struct SyncPlan<'a> {
    statuses: Vec<Option<SyncStatus>>,
    by_id: Vec<(usize, RestRecord<'a>)>,
    by_email: Vec<(usize, RestRecord<'a>)>,
}

/// One REST Sync Leads call: its action, lookup field, and the records with their indexes.
struct SyncGroup<'a> {
    action: &'static str,
    lookup: Option<&'static str>,
    records: Vec<(usize, RestRecord<'a>)>,
}

/// At most [`MAX_BATCH`] records (as the sandbox).
fn check_batch(records: &[LeadRecord]) -> Result<(), BackendFault> {
    if records.len() > MAX_BATCH {
        return Err(BackendFault::titled(
            ErrorCode::BadParameter,
            "Input error",
            format!(
                "syncMultipleLeads accepts at most {MAX_BATCH} lead records, got {}",
                records.len()
            ),
        ));
    }
    Ok(())
}

/// Each record as REST input keyed by id or by email, or its FAILED status.
fn plan_sync_multiple<'a>(fields: &'a FieldMap, records: &'a [LeadRecord]) -> SyncPlan<'a> {
    let mut plan = SyncPlan {
        statuses: vec![None; records.len()],
        by_id: Vec::new(),
        by_email: Vec::new(),
    };
    for (i, record) in records.iter().enumerate() {
        let mut input = match fields.rest_attributes(record) {
            Ok(input) => input,
            Err(unknown) => {
                plan.statuses[i] = Some(failed(format!(
                    "Unknown lead field: {}",
                    unknown.join(", ")
                )));
                continue;
            }
        };
        if value(&record.foreign_sys_person_id).is_some() {
            plan.statuses[i] = Some(failed(no_foreign_id()));
            continue;
        }
        if let Some(id) = value(&record.id) {
            // The Email key of a lead found by Id is not written (an Email attribute is).
            input.set("id", RestScalar::Int(id));
            plan.by_id.push((i, input));
        } else if let Some(email) = record.email.as_ref().and_then(Nillable::value) {
            if input
                .get("email")
                .is_some_and(|a| a != RestScalar::Text(email))
            {
                plan.statuses[i] = Some(failed(
                    "the Email key and the Email attribute differ; Marketo REST has one email field".into(),
                ));
                continue;
            }
            input.set("email", RestScalar::Text(email));
            plan.by_email.push((i, input));
        } else {
            plan.statuses[i] = Some(failed(
                "LeadRecords must specify the lead id, email, or ForeignSysPersonId".into(),
            ));
        }
    }
    plan
}

/// The REST calls: records by id update those leads; records by email create or update by
/// email, or always create when `dedupEnabled=false`.
fn sync_groups<'a>(
    by_id: Vec<(usize, RestRecord<'a>)>,
    by_email: Vec<(usize, RestRecord<'a>)>,
    dedup: bool,
) -> [SyncGroup<'a>; 2] {
    [
        SyncGroup {
            action: "updateOnly",
            lookup: Some("id"),
            records: by_id,
        },
        SyncGroup {
            action: if dedup {
                "createOrUpdate"
            } else {
                "createDuplicate"
            },
            lookup: dedup.then_some("email"),
            records: by_email,
        },
    ]
}

/// What a failed group call means once `applied` leads of this call were confirmed: a fault
/// for the whole call (nothing confirmed yet, or a call that may have been applied), else the
/// reason its leads are FAILED.
fn group_failure(error: RestError, applied: usize) -> Result<String, BackendFault> {
    match error {
        RestError::Unknown(detail) => Err(BackendFault::may_have_been_applied(&format!(
            "{detail} ({applied} other leads of this call were confirmed)"
        ))),
        e if applied == 0 => Err(write_fault(&e)),
        e => Ok(format!("not applied: {e}")),
    }
}

/// The SOAP status of one REST Sync Leads outcome.
fn sync_status(outcome: Outcome) -> SyncStatus {
    match outcome {
        Outcome::Done { id, created } => SyncStatus {
            lead_id: id,
            status: done_status(created),
            error: Some(Nillable::Nil),
        },
        Outcome::Skipped { code, message } => failed(format!("{message} (Marketo REST {code})")),
    }
}

fn soap_sync_multiple(statuses: Vec<Option<SyncStatus>>) -> SuccessSyncMultipleLeads {
    SuccessSyncMultipleLeads {
        result: ResultSyncMultipleLeads {
            sync_status_list: ArrayOfSyncStatus {
                sync_status: statuses
                    .into_iter()
                    .map(|s| s.unwrap_or_else(|| failed("not processed".into())))
                    .collect(),
            },
        },
    }
}

impl RestBackend {
    /// `syncLead`: the record and its keys, the cookie's lead, one REST sync, then the cookie
    /// association and the lead read back when asked.
    pub(super) async fn do_sync_lead(
        &self,
        cx: &CallContext,
        params: ParamsSyncLead,
    ) -> Result<SuccessSyncLead, BackendFault> {
        let fields = self.fields(cx).await?;
        let mut input = fields
            .rest_attributes(&params.lead_record)
            .map_err(unknown_fields)?;
        let partition = self.partition(cx)?;
        let keys = sync_lead_keys(&params, &input)?;
        // Key precedence: Id > cookie > Email (a cookie is resolved to its lead first).
        let by_cookie = match (keys.id, &keys.cookie) {
            (None, Some(cookie)) => self.cookie_lead(cx, cookie).await?,
            _ => None,
        };
        let target = keys.id.or(by_cookie);
        let (action, lookup_field) = sync_lead_action(&mut input, target, keys.email.as_deref());
        let body = SyncBody {
            action,
            lookup_field,
            partition_name: partition.as_deref(),
            input: std::slice::from_ref(&input),
        };
        let answer = self
            .rest
            .call_as::<Answer<SyncRow>>(cx, &body.request())
            .await
            .map_err(|e| write_fault(&e))?;
        let (lead_id, status) = sync_lead_outcome(outcomes(answer, 1)?.pop(), target)?;
        if let (Some(cookie), None) = (&keys.cookie, by_cookie) {
            self.associate_cookie(cx, lead_id, &status, cookie).await?;
        }
        let lead_record = if params.return_lead {
            Nillable::Value(self.read_back(cx, &fields, lead_id, &status).await?)
        } else {
            Nillable::Nil
        };
        Ok(soap_sync_lead(lead_id, status, lead_record))
    }

    /// The lead a Munchkin cookie belongs to, if REST knows the cookie.
    async fn cookie_lead(
        &self,
        cx: &CallContext,
        cookie: &str,
    ) -> Result<Option<i32>, BackendFault> {
        let query = vec![
            ("filterType".to_owned(), "cookies".to_owned()),
            ("filterValues".to_owned(), cookie.to_owned()),
            ("fields".to_owned(), "id".to_owned()),
        ];
        let answer = self
            .rest
            .call(cx, &RestRequest::get("/v1/leads.json", query))
            .await
            .map_err(|e| read_fault(&e))?;
        Ok(answer
            .get("result")
            .and_then(|r| r.get(0))
            .and_then(|l| l.get("id"))
            .and_then(Value::as_i64)
            .and_then(|n| i32::try_from(n).ok()))
    }

    /// Associates an unknown cookie with the lead just synced.
    async fn associate_cookie(
        &self,
        cx: &CallContext,
        lead_id: i32,
        status: &LeadSyncStatus,
        cookie: &str,
    ) -> Result<(), BackendFault> {
        let request = RestRequest {
            method: reqwest::Method::POST,
            path: format!("/v1/leads/{lead_id}/associate.json"),
            query: vec![("cookie".to_owned(), cookie.to_owned())],
            body: None,
            file: None,
        };
        self.rest
            .call(cx, &request)
            .await
            .map_err(|e| after_sync_fault(lead_id, status, &e, "associating the cookie failed"))?;
        Ok(())
    }

    /// The lead just synced, read back with every mapped field (`returnLead`).
    async fn read_back(
        &self,
        cx: &CallContext,
        fields: &FieldMap,
        lead_id: i32,
        status: &LeadSyncStatus,
    ) -> Result<LeadRecord, BackendFault> {
        let mut names = fields.all_rest();
        names.extend(["id".to_owned(), "email".to_owned()]);
        names.sort();
        names.dedup();
        let query = vec![("fields".to_owned(), names.join(","))];
        let answer = self
            .rest
            .call(
                cx,
                &RestRequest::get(format!("/v1/lead/{lead_id}.json"), query),
            )
            .await
            .map_err(|e| after_sync_fault(lead_id, status, &e, "reading it back failed"))?;
        let lead = answer.get("result").and_then(|r| r.get(0)).ok_or_else(|| {
            BackendFault::new(
                ErrorCode::ServiceInternalError,
                format!("lead {lead_id} was {status}, but Marketo REST did not return it"),
            )
        })?;
        Ok(fields.soap_record(lead, None))
    }

    /// `syncMultipleLeads`: each record checked and keyed, one REST sync per key kind, one
    /// status per record in order.
    pub(super) async fn do_sync_multiple_leads(
        &self,
        cx: &CallContext,
        params: ParamsSyncMultipleLeads,
    ) -> Result<SuccessSyncMultipleLeads, BackendFault> {
        let records = params.lead_record_list.lead_record;
        check_batch(&records)?;
        let dedup = value(&params.dedup_enabled).unwrap_or(true);
        let fields = self.fields(cx).await?;
        let plan = plan_sync_multiple(&fields, &records);
        let mut statuses = plan.statuses;
        let groups = sync_groups(plan.by_id, plan.by_email, dedup);
        self.send_sync_groups(cx, groups, &mut statuses).await?;
        Ok(soap_sync_multiple(statuses))
    }

    /// The REST calls of `syncMultipleLeads`, each lead's status set from REST's answer.
    async fn send_sync_groups(
        &self,
        cx: &CallContext,
        groups: [SyncGroup<'_>; 2],
        statuses: &mut [Option<SyncStatus>],
    ) -> Result<(), BackendFault> {
        let mut applied = 0usize;
        for group in groups {
            if group.records.is_empty() {
                continue;
            }
            let (indexes, input): (Vec<usize>, Vec<RestRecord>) = group.records.into_iter().unzip();
            let body = SyncBody {
                action: group.action,
                lookup_field: group.lookup,
                partition_name: None,
                input: &input,
            };
            match self
                .rest
                .call_as::<Answer<SyncRow>>(cx, &body.request())
                .await
            {
                Ok(answer) => {
                    for (i, outcome) in indexes.iter().zip(outcomes(answer, indexes.len())?) {
                        statuses[*i] = Some(sync_status(outcome));
                    }
                    applied += indexes.len();
                }
                Err(e) => {
                    let reason = group_failure(e, applied)?;
                    for i in indexes {
                        statuses[i] = Some(failed(reason.clone()));
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
