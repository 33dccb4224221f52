//! `syncLead` and `syncMultipleLeads` over REST Sync Leads (mapping in the module docs of
//! [`super`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::value;
use super::fields::{RestRecord, RestScalar};
use super::rest::{Answer, RestError, RestRequest, error_code};
use super::{RestBackend, write_fault};
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

impl RestBackend {
    pub(super) async fn do_sync_lead(
        &self,
        cx: &CallContext,
        params: ParamsSyncLead,
    ) -> Result<SuccessSyncLead, BackendFault> {
        let record = &params.lead_record;
        let fields = self.fields(cx).await?;
        let mut input = fields.rest_attributes(record).map_err(|unknown| {
            BackendFault::titled(
                ErrorCode::LeadAttributeBad,
                "Unknown lead field",
                format!(
                    "syncLead operation failed: unknown fields for import: {}",
                    unknown.join(", ")
                ),
            )
        })?;
        let partition = self.partition(cx)?;
        let id = value(&record.id);
        let email = value(&record.email);
        let cookie = value(&params.marketo_cookie).filter(|c| !c.is_empty());
        if value(&record.foreign_sys_person_id).is_some() {
            return Err(BackendFault::new(
                ErrorCode::UnsupportedOperation,
                no_foreign_id(),
            ));
        }
        if id.is_none() && email.is_none() && cookie.is_none() {
            return Err(BackendFault::titled(
                ErrorCode::LeadKeyRequired,
                "Lead Key Required",
                "LeadKey is Required but was not provided",
            ));
        }
        if let (Some(key), Some(RestScalar::Text(attribute))) = (&email, input.get("email")) {
            if key != attribute {
                return Err(BackendFault::new(
                    ErrorCode::BadParameter,
                    "the Email key and the Email attribute differ; Marketo REST has one email field",
                ));
            }
        }
        // Key precedence: Id > cookie > Email (a cookie is resolved to its lead first).
        let mut target = id;
        let mut cookie_known = false;
        if target.is_none() {
            if let Some(cookie) = &cookie {
                let query = vec![
                    ("filterType".to_owned(), "cookies".to_owned()),
                    ("filterValues".to_owned(), cookie.clone()),
                    ("fields".to_owned(), "id".to_owned()),
                ];
                let answer = self
                    .rest
                    .call(cx, &RestRequest::get("/v1/leads.json", query))
                    .await
                    .map_err(|e| super::read_fault(&e))?;
                target = answer
                    .get("result")
                    .and_then(|r| r.get(0))
                    .and_then(|l| l.get("id"))
                    .and_then(Value::as_i64)
                    .and_then(|n| i32::try_from(n).ok());
                cookie_known = target.is_some();
            }
        }
        if let Some(email) = &email {
            input.set("email", RestScalar::Text(email));
        }
        let (action, lookup_field) = match (target, &email) {
            (Some(id), _) => {
                input.set("id", RestScalar::Int(id));
                ("updateOnly", Some("id"))
            }
            (None, Some(_)) => ("createOrUpdate", Some("email")),
            // Only an unknown cookie: a new lead it is associated with.
            (None, None) => ("createDuplicate", None),
        };
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
        let outcome = outcomes(answer, 1)?.pop();
        let (lead_id, created) = match outcome {
            Some(Outcome::Done { id, created }) => (id, created),
            Some(Outcome::Skipped {
                code: 1006,
                message,
            }) => {
                return Err(BackendFault::titled(
                    ErrorCode::LeadAttributeBad,
                    "Unknown lead field",
                    format!("syncLead operation failed: {message}"),
                ));
            }
            Some(Outcome::Skipped { code: 1004, .. }) => {
                return Err(BackendFault::titled(
                    ErrorCode::LeadNotFound,
                    "Lead not found",
                    format!("No lead found with IDNUM = {}", target.unwrap_or(0)),
                ));
            }
            Some(Outcome::Skipped { code, message }) => {
                return Err(BackendFault::new(
                    ErrorCode::LeadSyncFailed,
                    format!("Marketo REST skipped the lead: {message} ({code})"),
                ));
            }
            None => return Err(BackendFault::may_have_been_applied("no result")),
        };
        let status = if created {
            LeadSyncStatus::Created
        } else {
            LeadSyncStatus::Updated
        };
        let done = |e: &RestError, what: &str| {
            let detail = format!("lead {lead_id} was {status}, but {what}: {e}");
            match e {
                RestError::Unknown(_) => BackendFault::may_have_been_applied(&detail),
                _ => BackendFault::new(ErrorCode::ServiceInternalError, detail),
            }
        };
        if let (Some(cookie), false) = (&cookie, cookie_known) {
            let request = RestRequest {
                method: reqwest::Method::POST,
                path: format!("/v1/leads/{lead_id}/associate.json"),
                query: vec![("cookie".to_owned(), cookie.clone())],
                body: None,
                file: None,
            };
            self.rest
                .call(cx, &request)
                .await
                .map_err(|e| done(&e, "associating the cookie failed"))?;
        }
        let lead_record = if params.return_lead {
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
                .map_err(|e| done(&e, "reading it back failed"))?;
            let lead = answer.get("result").and_then(|r| r.get(0)).ok_or_else(|| {
                BackendFault::new(
                    ErrorCode::ServiceInternalError,
                    format!("lead {lead_id} was {status}, but Marketo REST did not return it"),
                )
            })?;
            Nillable::Value(fields.soap_record(lead, None))
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

    pub(super) async fn do_sync_multiple_leads(
        &self,
        cx: &CallContext,
        params: ParamsSyncMultipleLeads,
    ) -> Result<SuccessSyncMultipleLeads, BackendFault> {
        let records = params.lead_record_list.lead_record;
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
        let dedup = value(&params.dedup_enabled).unwrap_or(true);
        let fields = self.fields(cx).await?;
        let mut statuses: Vec<Option<SyncStatus>> = vec![None; records.len()];
        let mut by_id: Vec<(usize, RestRecord)> = Vec::new();
        let mut by_email: Vec<(usize, RestRecord)> = Vec::new();
        for (i, record) in records.iter().enumerate() {
            let mut input = match fields.rest_attributes(record) {
                Ok(input) => input,
                Err(unknown) => {
                    statuses[i] = Some(failed(format!(
                        "Unknown lead field: {}",
                        unknown.join(", ")
                    )));
                    continue;
                }
            };
            if value(&record.foreign_sys_person_id).is_some() {
                statuses[i] = Some(failed(no_foreign_id()));
                continue;
            }
            if let Some(id) = value(&record.id) {
                // The Email key of a lead found by Id is not written (an Email attribute is).
                input.set("id", RestScalar::Int(id));
                by_id.push((i, input));
            } else if let Some(email) = record.email.as_ref().and_then(Nillable::value) {
                if input
                    .get("email")
                    .is_some_and(|a| a != RestScalar::Text(email))
                {
                    statuses[i] = Some(failed(
                        "the Email key and the Email attribute differ; Marketo REST has one email field".into(),
                    ));
                    continue;
                }
                input.set("email", RestScalar::Text(email));
                by_email.push((i, input));
            } else {
                statuses[i] = Some(failed(
                    "LeadRecords must specify the lead id, email, or ForeignSysPersonId".into(),
                ));
            }
        }
        let email_action = if dedup {
            "createOrUpdate"
        } else {
            "createDuplicate"
        };
        let email_lookup = dedup.then_some("email");
        let mut applied = 0usize;
        for (group, action, lookup) in [
            (by_id, "updateOnly", Some("id")),
            (by_email, email_action, email_lookup),
        ] {
            if group.is_empty() {
                continue;
            }
            let (indexes, input): (Vec<usize>, Vec<RestRecord>) = group.into_iter().unzip();
            let body = SyncBody {
                action,
                lookup_field: lookup,
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
                        statuses[*i] = Some(match outcome {
                            Outcome::Done { id, created } => SyncStatus {
                                lead_id: id,
                                status: if created {
                                    LeadSyncStatus::Created
                                } else {
                                    LeadSyncStatus::Updated
                                },
                                error: Some(Nillable::Nil),
                            },
                            Outcome::Skipped { code, message } => {
                                failed(format!("{message} (Marketo REST {code})"))
                            }
                        });
                    }
                    applied += indexes.len();
                }
                Err(RestError::Unknown(detail)) => {
                    return Err(BackendFault::may_have_been_applied(&format!(
                        "{detail} ({applied} other leads of this call were confirmed)"
                    )));
                }
                Err(e) if applied == 0 => return Err(write_fault(&e)),
                Err(e) => {
                    for i in indexes {
                        statuses[i] = Some(failed(format!("not applied: {e}")));
                    }
                }
            }
        }
        Ok(SuccessSyncMultipleLeads {
            result: ResultSyncMultipleLeads {
                sync_status_list: ArrayOfSyncStatus {
                    sync_status: statuses
                        .into_iter()
                        .map(|s| s.unwrap_or_else(|| failed("not processed".into())))
                        .collect(),
                },
            },
        })
    }
}
