//! `getLead`, `getMultipleLeads` and `listOperation` over REST (mapping in the module docs of
//! [`super`]).

use serde_json::Value;

use super::common::{POSITION, filter_type, filter_value, pairs, results, value};
use super::rest::{RestError, RestRequest};
use super::{FieldMap, RestBackend, read_fault, write_fault};
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_server::{BackendFault, CallContext};

/// Most leads per `listOperation` (SOAP) and per REST list call.
const MAX_LIST_MEMBERS: usize = 1000;
const REST_IDS: usize = 300;

/// `fields=` for reads: every mapped field (or the included ones), plus id and email.
fn fields_param(map: &FieldMap, include: Option<&[String]>) -> String {
    let mut names: Vec<String> = match include {
        Some(soap) => soap
            .iter()
            .filter_map(|s| map.rest(s))
            .map(str::to_owned)
            .collect(),
        None => map.all_rest(),
    };
    names.extend(["id".to_owned(), "email".to_owned()]);
    names.sort();
    names.dedup();
    names.join(",")
}

impl RestBackend {
    pub(super) async fn do_get_lead(
        &self,
        cx: &CallContext,
        params: ParamsGetLead,
    ) -> Result<SuccessGetLead, BackendFault> {
        let key = params.lead_key;
        let filter = filter_type(&key.key_type)?;
        if key.key_type == LeadKeyRef::Idnum && key.key_value.trim().parse::<i32>().is_err() {
            return Err(BackendFault::titled(
                ErrorCode::LeadKeyBad,
                "Lead Key Bad",
                format!("Invalid IDNUM {}", key.key_value),
            ));
        }
        let map = self.fields(cx).await?;
        let query = pairs(&[
            ("filterType", filter.to_owned()),
            ("filterValues", filter_value(&key.key_value)?.to_owned()),
            ("fields", fields_param(&map, None)),
        ]);
        let answer = self
            .rest
            .call(cx, &RestRequest::get("/v1/leads.json", query))
            .await
            .map_err(|e| read_fault(&e))?;
        let leads = results(&answer);
        if leads.is_empty() {
            return Err(BackendFault::titled(
                ErrorCode::LeadNotFound,
                "Lead not found",
                format!("No lead found with {} = {}", key.key_type, key.key_value),
            ));
        }
        let lead_record: Vec<LeadRecord> = leads.iter().map(|l| map.soap_record(l, None)).collect();
        Ok(SuccessGetLead {
            result: ResultGetLead {
                count: lead_record.len() as i32,
                lead_record_list: Some(Nillable::Value(ArrayOfLeadRecord { lead_record })),
            },
        })
    }

    /// The id of the static list named exactly `name`.
    pub(super) async fn list_id(&self, cx: &CallContext, name: &str) -> Result<i32, BackendFault> {
        let answer = self
            .rest
            .call(
                cx,
                &RestRequest::get("/v1/lists.json", pairs(&[("name", name.to_owned())])),
            )
            .await
            .map_err(|e| read_fault(&e))?;
        results(&answer)
            .iter()
            .find(|l| l.get("name").and_then(Value::as_str) == Some(name))
            .and_then(|l| l.get("id").and_then(Value::as_i64))
            .and_then(|n| i32::try_from(n).ok())
            .ok_or_else(|| {
                BackendFault::titled(
                    ErrorCode::ListNotFound,
                    "List Not Found",
                    format!("No static list named {name:?}"),
                )
            })
    }

    pub(super) async fn do_get_multiple_leads(
        &self,
        cx: &CallContext,
        params: ParamsGetMultipleLeads,
    ) -> Result<SuccessGetMultipleLeads, BackendFault> {
        let batch = value(&params.batch_size)
            .map_or(100, |b| b.clamp(1, 1000))
            .min(300);
        let token = match value(&params.stream_position).filter(|p| !p.is_empty()) {
            None => None,
            Some(position) => match position.strip_prefix(POSITION) {
                Some(token) if !token.is_empty() => Some(token.to_owned()),
                _ => {
                    return Err(BackendFault::titled(
                        ErrorCode::BadStreamPosition,
                        "Bad Stream Position",
                        format!("Bad stream position {position}"),
                    ));
                }
            },
        };
        let map = self.fields(cx).await?;
        let include = params
            .include_attributes
            .as_ref()
            .map(|a| a.string_item.clone());
        let mut query = pairs(&[
            ("fields", fields_param(&map, include.as_deref())),
            ("batchSize", batch.to_string()),
        ]);
        if let Some(token) = token {
            query.push(("nextPageToken".into(), token));
        }
        let path = match &params.lead_selector {
            Some(LeadSelector::LeadKeySelector(selector)) => {
                let keys = &selector.key_values.string_item;
                if keys.len() > 100 {
                    // Marketo ignored keys past the 100th; nothing is dropped silently here.
                    return Err(BackendFault::bad_parameter(format!(
                        "a LeadKeySelector takes at most 100 keys, not {}",
                        keys.len()
                    )));
                }
                let values = keys
                    .iter()
                    .map(|v| filter_value(v))
                    .collect::<Result<Vec<&str>, _>>()?;
                query.push((
                    "filterType".into(),
                    filter_type(&selector.key_type)?.to_owned(),
                ));
                query.push(("filterValues".into(), values.join(",")));
                "/v1/leads.json".to_owned()
            }
            Some(LeadSelector::StaticListSelector(selector)) => {
                let id = match (
                    value(&selector.static_list_name),
                    value(&selector.static_list_id),
                ) {
                    (Some(name), _) => self.list_id(cx, &name).await?,
                    (None, Some(id)) => id,
                    (None, None) => {
                        return Err(BackendFault::titled(
                            ErrorCode::ParameterRequired,
                            "Parameter Required",
                            "StaticListSelector needs staticListName or staticListId",
                        ));
                    }
                };
                format!("/v1/lists/{id}/leads.json")
            }
            Some(LeadSelector::LastUpdateAtSelector(_)) => {
                return Err(BackendFault::new(
                    ErrorCode::UnsupportedOperation,
                    "LastUpdateAtSelector has no faithful Marketo REST mapping: leads.json cannot \
                     filter by update time (Adobe points to Bulk Lead Export)",
                ));
            }
            None => {
                return Err(BackendFault::titled(
                    ErrorCode::ParameterRequired,
                    "Parameter Required",
                    "leadSelector is required",
                ));
            }
        };
        let answer = self
            .rest
            .call(cx, &RestRequest::get(path, query))
            .await
            .map_err(|e| match e {
                RestError::Api {
                    code: 1003,
                    message,
                } if message.contains("nextPageToken") => BackendFault::titled(
                    ErrorCode::BadStreamPosition,
                    "Bad Stream Position",
                    message,
                ),
                other => read_fault(&other),
            })?;
        let include_ref = include.as_deref();
        let lead_record: Vec<LeadRecord> = results(&answer)
            .iter()
            .map(|l| map.soap_record(l, include_ref))
            .collect();
        let next = answer
            .get("nextPageToken")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty());
        // More when REST says so; a token without `moreResult` also means more.
        let more = match answer.get("moreResult").and_then(Value::as_bool) {
            Some(more) => more && next.is_some(),
            None => next.is_some() && !lead_record.is_empty(),
        };
        Ok(SuccessGetMultipleLeads {
            result: ResultGetMultipleLeads {
                return_count: lead_record.len() as i32,
                remaining_count: i32::from(more),
                new_stream_position: match (more, next) {
                    (true, Some(next)) => format!("{POSITION}{next}"),
                    _ => String::new(),
                },
                lead_record_list: Some(Nillable::Value(ArrayOfLeadRecord { lead_record })),
            },
        })
    }

    /// True when every id parses and names a lead REST has.
    async fn all_exist(&self, cx: &CallContext, ids: &[Option<i32>]) -> Result<bool, BackendFault> {
        let Some(ids) = ids.iter().copied().collect::<Option<Vec<i32>>>() else {
            return Ok(false);
        };
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        for chunk in unique.chunks(REST_IDS) {
            let list: Vec<String> = chunk.iter().map(i32::to_string).collect();
            let query = pairs(&[
                ("filterType", "id".to_owned()),
                ("filterValues", list.join(",")),
                ("fields", "id".to_owned()),
                ("batchSize", REST_IDS.to_string()),
            ]);
            let answer = self
                .rest
                .call(cx, &RestRequest::get("/v1/leads.json", query))
                .await
                .map_err(|e| read_fault(&e))?;
            if results(&answer).len() < chunk.len() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    pub(super) async fn do_list_operation(
        &self,
        cx: &CallContext,
        params: ParamsListOperation,
    ) -> Result<SuccessListOperation, BackendFault> {
        let key = &params.list_key;
        if key.key_type != ListKeyType::Mktolistname {
            return Err(BackendFault::new(
                ErrorCode::UnsupportedOperation,
                format!(
                    "list key type {} is not supported by the mktows bridge",
                    key.key_type
                ),
            ));
        }
        let strict = value(&params.strict).unwrap_or(false);
        let leads = &params.list_member_list.lead_key;
        if leads.len() > MAX_LIST_MEMBERS {
            return Err(BackendFault::bad_parameter(format!(
                "listOperation takes at most {MAX_LIST_MEMBERS} leads, not {}",
                leads.len()
            )));
        }
        if let Some(other) = leads.iter().find(|l| l.key_type != LeadKeyRef::Idnum) {
            return Err(BackendFault::bad_parameter(format!(
                "listMemberList takes IDNUM lead keys only, not {}",
                other.key_type
            )));
        }
        let (method, suffix, write) = match &params.list_operation {
            ListOperationType::Addtolist => (reqwest::Method::POST, "leads.json", true),
            ListOperationType::Removefromlist => (reqwest::Method::DELETE, "leads.json", true),
            ListOperationType::Ismemberoflist => {
                (reqwest::Method::GET, "leads/ismember.json", false)
            }
            ListOperationType::Unknown(other) => {
                return Err(BackendFault::bad_parameter(format!(
                    "unknown listOperation {other:?}"
                )));
            }
        };
        let remove = params.list_operation == ListOperationType::Removefromlist;
        let list = self.list_id(cx, &key.key_value).await?;
        let ids: Vec<Option<i32>> = leads
            .iter()
            .map(|l| l.key_value.trim().parse::<i32>().ok())
            .collect();
        let valid: Vec<i32> = ids.iter().flatten().copied().collect();
        let mut status: std::collections::HashMap<i32, bool> = std::collections::HashMap::new();
        // strict: every lead must exist before anything is sent (REST applies each lead on its
        // own), as the sandbox checks before it changes anything.
        if strict && write && !self.all_exist(cx, &ids).await? {
            let lead_status = leads
                .iter()
                .map(|lead| LeadStatus::new(lead.clone(), false))
                .collect();
            return Ok(SuccessListOperation {
                result: ResultListOperation {
                    success: false,
                    status_list: Some(Nillable::Value(ArrayOfLeadStatus { lead_status })),
                },
            });
        }
        let mut sent = 0usize;
        for chunk in valid.chunks(REST_IDS) {
            let request = RestRequest {
                method: method.clone(),
                path: format!("/v1/lists/{list}/{suffix}"),
                query: chunk
                    .iter()
                    .map(|id| ("id".to_owned(), id.to_string()))
                    .collect(),
                body: None,
                file: None,
            };
            let answer = match self.rest.call(cx, &request).await {
                Ok(answer) => answer,
                Err(e) if !write => return Err(read_fault(&e)),
                Err(e) if sent == 0 => return Err(write_fault(&e)),
                Err(e) => {
                    return Err(BackendFault::may_have_been_applied(&format!(
                        "{e}; the first {sent} leads of this call were applied"
                    )));
                }
            };
            for row in results(&answer) {
                let Some(id) = row
                    .get("id")
                    .and_then(Value::as_i64)
                    .and_then(|n| i32::try_from(n).ok())
                else {
                    continue;
                };
                let reason = row
                    .get("reasons")
                    .and_then(|r| r.get(0))
                    .and_then(|r| r.get("code"))
                    .and_then(Value::as_str);
                let ok = match row.get("status").and_then(Value::as_str) {
                    Some("added" | "removed" | "memberof") => true,
                    // Removing a lead that is not a member: nothing to do.
                    Some("skipped") => remove && reason == Some("1015"),
                    _ => false,
                };
                status.insert(id, ok);
            }
            sent += chunk.len();
        }
        let lead_status: Vec<LeadStatus> = leads
            .iter()
            .zip(&ids)
            .map(|(lead, id)| {
                let ok = id.and_then(|id| status.get(&id).copied()).unwrap_or(false);
                LeadStatus::new(lead.clone(), ok)
            })
            .collect();
        let success = lead_status.iter().all(|s| s.status);
        Ok(SuccessListOperation {
            result: ResultListOperation {
                success,
                status_list: Some(Nillable::Value(ArrayOfLeadStatus { lead_status })),
            },
        })
    }
}
