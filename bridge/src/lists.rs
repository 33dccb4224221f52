//! `listOperation` over REST's static list membership calls (mapping in [`super::mapping`]).

use std::collections::HashMap;

use serde_json::Value;

use super::common::{bad_key_type, pairs, results, value};
use super::rest::{RestError, RestRequest};
use super::{RestBackend, read_fault, write_fault};
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_server::{BackendFault, CallContext};

/// Most leads per `listOperation` (SOAP).
const MAX_LIST_MEMBERS: usize = 1000;
/// Most lead ids per REST list call.
const REST_IDS: usize = 300;

/// A checked `listOperation`: the REST call for its operation and each lead's id.
#[derive(Debug)]
struct ListPlan {
    method: reqwest::Method,
    /// After `/v1/lists/{id}/`.
    suffix: &'static str,
    /// ADDTOLIST or REMOVEFROMLIST (ISMEMBEROFLIST only reads).
    write: bool,
    remove: bool,
    strict: bool,
    /// Each lead's IDNUM (`None`: not a number, never sent, status false).
    ids: Vec<Option<i32>>,
}

/// The REST plan of a `listOperation`: `MKTOLISTNAME` list keys, at most
/// [`MAX_LIST_MEMBERS`] `IDNUM` lead keys, a known operation.
fn plan_list_operation(params: &ParamsListOperation) -> Result<ListPlan, BackendFault> {
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
    let unknown_key_type = leads.iter().find_map(|l| match &l.key_type {
        LeadKeyRef::Unknown(bad) => Some(bad),
        _ => None,
    });
    if let Some(bad) = unknown_key_type {
        return Err(bad_key_type(bad));
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
        ListOperationType::Ismemberoflist => (reqwest::Method::GET, "leads/ismember.json", false),
        ListOperationType::Unknown(other) => {
            return Err(BackendFault::bad_parameter(format!(
                "unknown listOperation {other:?}"
            )));
        }
    };
    Ok(ListPlan {
        method,
        suffix,
        write,
        remove: params.list_operation == ListOperationType::Removefromlist,
        strict,
        ids: leads
            .iter()
            .map(|l| l.key_value.trim().parse::<i32>().ok())
            .collect(),
    })
}

/// The ids sent, [`REST_IDS`] per REST call (ids that do not parse are not sent).
fn id_chunks(ids: &[Option<i32>]) -> Vec<Vec<i32>> {
    let valid: Vec<i32> = ids.iter().flatten().copied().collect();
    valid.chunks(REST_IDS).map(<[i32]>::to_vec).collect()
}

/// One REST result row as (lead id, SOAP status): added, removed and member are true, and so
/// is removing a lead that is not a member (skipped 1015: nothing to do, as the sandbox).
fn member_status(row: &Value, remove: bool) -> Option<(i32, bool)> {
    let id = row
        .get("id")
        .and_then(Value::as_i64)
        .and_then(|n| i32::try_from(n).ok())?;
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
    Some((id, ok))
}

/// A failed list call after `sent` leads of this call were sent in earlier calls.
fn chunk_failure(error: &RestError, write: bool, sent: usize) -> BackendFault {
    if !write {
        read_fault(error)
    } else if sent == 0 {
        write_fault(error)
    } else {
        BackendFault::may_have_been_applied(&format!(
            "{error}; the first {sent} leads of this call were applied"
        ))
    }
}

/// The SOAP answer: each lead's status in order (false when REST did not report it true).
fn soap_list_operation(
    leads: &[LeadKey],
    ids: &[Option<i32>],
    status: &HashMap<i32, bool>,
) -> SuccessListOperation {
    let lead_status: Vec<LeadStatus> = leads
        .iter()
        .zip(ids)
        .map(|(lead, id)| {
            let ok = id.and_then(|id| status.get(&id).copied()).unwrap_or(false);
            LeadStatus::new(lead.clone(), ok)
        })
        .collect();
    let success = lead_status.iter().all(|s| s.status);
    SuccessListOperation {
        result: ResultListOperation {
            success,
            status_list: Some(Nillable::Value(ArrayOfLeadStatus { lead_status })),
        },
    }
}

impl RestBackend {
    /// `listOperation`: the plan, the list's id, the strict check, the membership calls.
    pub(super) async fn do_list_operation(
        &self,
        cx: &CallContext,
        params: ParamsListOperation,
    ) -> Result<SuccessListOperation, BackendFault> {
        let plan = plan_list_operation(&params)?;
        let list = self.list_id(cx, &params.list_key.key_value).await?;
        let leads = &params.list_member_list.lead_key;
        // strict: every lead must exist before anything is sent (REST applies each lead on its
        // own), as the sandbox checks before it changes anything; else every status is false.
        if plan.strict && plan.write && !self.all_exist(cx, &plan.ids).await? {
            return Ok(soap_list_operation(leads, &plan.ids, &HashMap::new()));
        }
        let status = self.send_list_chunks(cx, list, &plan).await?;
        Ok(soap_list_operation(leads, &plan.ids, &status))
    }

    /// The membership calls, [`REST_IDS`] leads each: each lead's status as REST reports it.
    async fn send_list_chunks(
        &self,
        cx: &CallContext,
        list: i32,
        plan: &ListPlan,
    ) -> Result<HashMap<i32, bool>, BackendFault> {
        let mut status = HashMap::new();
        let mut sent = 0usize;
        for chunk in id_chunks(&plan.ids) {
            let request = RestRequest {
                method: plan.method.clone(),
                path: format!("/v1/lists/{list}/{}", plan.suffix),
                query: chunk
                    .iter()
                    .map(|id| ("id".to_owned(), id.to_string()))
                    .collect(),
                body: None,
                file: None,
            };
            let answer = self
                .rest
                .call(cx, &request)
                .await
                .map_err(|e| chunk_failure(&e, plan.write, sent))?;
            status.extend(
                results(&answer)
                    .iter()
                    .filter_map(|row| member_status(row, plan.remove)),
            );
            sent += chunk.len();
        }
        Ok(status)
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(operation: ListOperationType, ids: &[&str]) -> ParamsListOperation {
        ParamsListOperation::new(
            operation,
            ListKey {
                key_type: ListKeyType::Mktolistname,
                key_value: "Newsletter".into(),
            },
            ArrayOfLeadKey {
                lead_key: ids
                    .iter()
                    .map(|id| LeadKey::new(LeadKeyRef::Idnum, (*id).to_owned()))
                    .collect(),
            },
        )
    }

    #[test]
    fn each_operation_has_its_rest_call() {
        let plan = plan_list_operation(&params(ListOperationType::Addtolist, &["1", " 2 ", "x"]));
        let plan = plan.unwrap();
        assert_eq!(
            (plan.method, plan.suffix),
            (reqwest::Method::POST, "leads.json")
        );
        assert!(plan.write && !plan.remove && !plan.strict);
        assert_eq!(plan.ids, vec![Some(1), Some(2), None]);
        let plan = plan_list_operation(&params(ListOperationType::Removefromlist, &[])).unwrap();
        assert_eq!(plan.method, reqwest::Method::DELETE);
        assert!(plan.write && plan.remove);
        let plan = plan_list_operation(&params(ListOperationType::Ismemberoflist, &[])).unwrap();
        assert_eq!(
            (plan.method, plan.suffix),
            (reqwest::Method::GET, "leads/ismember.json")
        );
        assert!(!plan.write);
    }

    #[test]
    fn requests_the_bridge_cannot_send_are_faults() {
        let mut by_id = params(ListOperationType::Addtolist, &["1"]);
        by_id.list_key.key_type = ListKeyType::Sfdcleadownerid;
        let fault = plan_list_operation(&by_id).unwrap_err();
        assert_eq!(fault.code, ErrorCode::UnsupportedOperation);
        let mut by_email = params(ListOperationType::Addtolist, &["1"]);
        by_email.list_member_list.lead_key[0].key_type = LeadKeyRef::Email;
        let fault = plan_list_operation(&by_email).unwrap_err();
        assert_eq!(
            fault.message,
            "listMemberList takes IDNUM lead keys only, not EMAIL"
        );
        let mut unknown_key = params(ListOperationType::Addtolist, &["1"]);
        unknown_key.list_member_list.lead_key[0].key_type = LeadKeyRef::from("IDNUMBER");
        let fault = plan_list_operation(&unknown_key).unwrap_err();
        assert_eq!(fault.code, ErrorCode::LeadKeyBad, "{}", fault.message);
        let ids: Vec<String> = (0..1001).map(|i| i.to_string()).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let fault = plan_list_operation(&params(ListOperationType::Addtolist, &ids)).unwrap_err();
        assert_eq!(fault.code, ErrorCode::BadParameter);
        let unknown = ListOperationType::Unknown("EMPTYLIST".into());
        let fault = plan_list_operation(&params(unknown, &["1"])).unwrap_err();
        assert_eq!(fault.code, ErrorCode::BadParameter);
    }

    #[test]
    fn lead_ids_go_three_hundred_per_call_without_the_bad_ones() {
        let ids: Vec<Option<i32>> = (1..=650).map(|i| (i % 100 != 0).then_some(i)).collect();
        let chunks = id_chunks(&ids);
        let sizes: Vec<usize> = chunks.iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![300, 300, 44]);
        assert_eq!(chunks[0][..3], [1, 2, 3]);
        assert_eq!(chunks[2].last(), Some(&650));
        assert!(!chunks.iter().flatten().any(|id| id % 100 == 0));
        assert!(id_chunks(&[None]).is_empty());
    }

    #[test]
    fn rest_statuses_become_membership_statuses() {
        let row = |status: &str, code: Option<&str>| match code {
            Some(code) => json!({"id": 4, "status": status, "reasons": [{"code": code}]}),
            None => json!({"id": 4, "status": status}),
        };
        assert_eq!(member_status(&row("added", None), false), Some((4, true)));
        assert_eq!(
            member_status(&row("memberof", None), false),
            Some((4, true))
        );
        assert_eq!(
            member_status(&row("notmemberof", None), false),
            Some((4, false))
        );
        assert_eq!(
            member_status(&row("skipped", Some("1015")), true),
            Some((4, true))
        );
        assert_eq!(
            member_status(&row("skipped", Some("1015")), false),
            Some((4, false))
        );
        assert_eq!(
            member_status(&row("skipped", Some("1004")), true),
            Some((4, false))
        );
        assert_eq!(member_status(&json!({"status": "added"}), false), None);
    }

    #[test]
    fn a_failed_write_after_a_sent_call_may_have_been_applied() {
        let refused = RestError::Api {
            code: 1013,
            message: "List not found".into(),
        };
        assert_eq!(
            chunk_failure(&refused, true, 0).code,
            ErrorCode::ListNotFound
        );
        assert_eq!(
            chunk_failure(&refused, false, 300).code,
            ErrorCode::ListNotFound
        );
        let fault = chunk_failure(&refused, true, 300);
        assert!(
            fault.message.contains("may have been applied"),
            "{}",
            fault.message
        );
        assert!(
            fault
                .message
                .ends_with("the first 300 leads of this call were applied")
        );
        let unknown = RestError::Unknown("reset".into());
        let fault = chunk_failure(&unknown, true, 0);
        assert!(
            fault.message.contains("may have been applied"),
            "{}",
            fault.message
        );
        let fault = chunk_failure(&unknown, false, 0);
        assert!(
            !fault.message.contains("may have been applied"),
            "{}",
            fault.message
        );
    }

    #[test]
    fn the_answer_lists_every_lead_in_order() {
        let leads = params(ListOperationType::Addtolist, &["1", "x", "2"])
            .list_member_list
            .lead_key;
        let ids = [Some(1), None, Some(2)];
        let status = HashMap::from([(1, true), (2, true)]);
        let answer = soap_list_operation(&leads, &ids, &status).result;
        assert!(!answer.success);
        let statuses: Vec<(String, bool)> = answer
            .status_list
            .unwrap()
            .value()
            .unwrap()
            .lead_status
            .iter()
            .map(|s| (s.lead_key.key_value.clone(), s.status))
            .collect();
        let expected = [("1", true), ("x", false), ("2", true)];
        let expected: Vec<(String, bool)> = expected
            .iter()
            .map(|(k, s)| ((*k).to_owned(), *s))
            .collect();
        assert_eq!(statuses, expected);
        let answer = soap_list_operation(&leads[..1], &ids[..1], &status).result;
        assert!(answer.success);
    }
}
