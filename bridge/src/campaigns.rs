//! `getCampaignsForSource`, `requestCampaign` and `scheduleCampaign` over Marketo REST's
//! campaign calls (mapping in [`super::mapping`]).
//!
//! `requestCampaign` with more than 100 lead keys uses the first 100, as Marketo did
//! ("additional keys will be ignored"), and logs a warning (target `mktows::bridge`) with the
//! count; no key is ignored silently. Keys that match more than 100 leads together (several
//! leads sharing an email) are fault 20110 before anything is triggered: REST triggers at most
//! 100 leads per call, and splitting one request into several triggers could half-apply it.

use serde_json::{Value, json};

use super::common::{filter_type, filter_value, pairs, results, value};
use super::rest::{RestError, RestRequest};
use super::{RestBackend, read_fault, write_fault};
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_server::marketo::{MAX_CAMPAIGN_LEADS, first_campaign_leads, program_tokens};
use mktows_server::{BackendFault, CallContext};

/// Most leads per REST trigger call.
const MAX_LEADS: usize = 100;
/// Most campaign pages read for one `getCampaignsForSource`.
const MAX_PAGES: usize = 100;

fn campaign_not_found(message: String) -> BackendFault {
    BackendFault::titled(ErrorCode::CampaignNotFound, "Campaign Not Found", message)
}

fn sales_unsupported() -> BackendFault {
    BackendFault::new(
        ErrorCode::UnsupportedOperation,
        "source SALES (Sales Insight campaigns) has no Marketo REST equivalent; nothing was sent",
    )
}

/// A campaign call's failure: 1013 is the campaign, 1003 a campaign that cannot be
/// triggered; the rest as for any change.
fn campaign_fault(error: &RestError) -> BackendFault {
    match error {
        RestError::Api {
            code: 1013,
            message,
        } => campaign_not_found(format!("Marketo REST error 1013: {message}")),
        RestError::Api {
            code: 1003,
            message,
        } => campaign_not_found(format!(
            "Marketo REST error 1003 (not requestable through the API): {message}"
        )),
        other => write_fault(other),
    }
}

/// The lead keys a `requestCampaign` acts on: at least one, and the first [`MAX_CAMPAIGN_LEADS`] of
/// more, as Marketo did ("additional keys will be ignored"), logged with the count.
fn request_keys(keys: Option<Vec<LeadKey>>) -> Result<Vec<LeadKey>, BackendFault> {
    let mut keys = keys.unwrap_or_default();
    if keys.is_empty() {
        return Err(BackendFault::bad_parameter(
            "leadList must hold at least one lead key",
        ));
    }
    if let Some(sent) = first_campaign_leads(&mut keys) {
        tracing::warn!(
            target: "mktows::bridge",
            keys = sent,
            used = MAX_CAMPAIGN_LEADS,
            "requestCampaign: {sent} lead keys, only the first {MAX_CAMPAIGN_LEADS} are used (Marketo ignored the others)",
        );
    }
    Ok(keys)
}

fn rest_tokens(list: Option<ArrayOfAttrib>) -> Result<Vec<Value>, BackendFault> {
    Ok(program_tokens(list)?
        .into_iter()
        .map(|(name, value)| json!({ "name": name, "value": value }))
        .collect())
}

impl RestBackend {
    /// Every campaign REST lists for these filters, across pages.
    async fn campaigns(
        &self,
        cx: &CallContext,
        filters: &[(&str, String)],
    ) -> Result<Vec<Value>, BackendFault> {
        let mut all = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut query = pairs(filters);
            query.push(("batchSize".into(), "300".into()));
            if let Some(t) = &token {
                query.push(("nextPageToken".into(), t.clone()));
            }
            let answer = self
                .rest
                .call(cx, &RestRequest::get("/v1/campaigns.json", query))
                .await
                .map_err(|e| read_fault(&e))?;
            all.extend(results(&answer).iter().cloned());
            let more = answer.get("moreResult").and_then(Value::as_bool) == Some(true);
            token = answer
                .get("nextPageToken")
                .and_then(Value::as_str)
                .map(str::to_owned);
            if !more || token.is_none() {
                return Ok(all);
            }
        }
        Err(BackendFault::new(
            ErrorCode::ServiceInternalError,
            format!("more than {MAX_PAGES} pages of campaigns; narrow the name"),
        ))
    }

    /// The id of the campaign named `name` in `program`.
    async fn campaign_id(
        &self,
        cx: &CallContext,
        program: &str,
        name: &str,
    ) -> Result<i64, BackendFault> {
        let found = self
            .campaigns(
                cx,
                &[
                    ("name", name.to_owned()),
                    ("programName", program.to_owned()),
                ],
            )
            .await?;
        found
            .iter()
            .find(|c| {
                c.get("name").and_then(Value::as_str) == Some(name)
                    && c.get("programName").and_then(Value::as_str) == Some(program)
            })
            .and_then(|c| c.get("id").and_then(Value::as_i64))
            .ok_or_else(|| {
                campaign_not_found(format!("No campaign named {name:?} in program {program:?}"))
            })
    }

    /// The lead ids the keys name (each must match; 20103 naming the first that does not).
    pub(super) async fn lead_ids(
        &self,
        cx: &CallContext,
        keys: &[LeadKey],
    ) -> Result<Vec<i64>, BackendFault> {
        let mut ids = Vec::new();
        for key in keys {
            let filter = filter_type(&key.key_type)?;
            let query = pairs(&[
                ("filterType", filter.to_owned()),
                ("filterValues", filter_value(&key.key_value)?.to_owned()),
                ("fields", "id".to_owned()),
            ]);
            let answer = self
                .rest
                .call(cx, &RestRequest::get("/v1/leads.json", query))
                .await
                .map_err(|e| read_fault(&e))?;
            let found: Vec<i64> = results(&answer)
                .iter()
                .filter_map(|l| l.get("id").and_then(Value::as_i64))
                .collect();
            if found.is_empty() {
                return Err(BackendFault::titled(
                    ErrorCode::LeadNotFound,
                    "Lead not found",
                    format!("No lead found with {} = {}", key.key_type, key.key_value),
                ));
            }
            ids.extend(found);
        }
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    pub(super) async fn do_get_campaigns_for_source(
        &self,
        cx: &CallContext,
        params: ParamsGetCampaignsForSource,
    ) -> Result<SuccessGetCampaignsForSource, BackendFault> {
        if params.source != ReqCampSourceType::Mktows {
            return Err(sales_unsupported());
        }
        let name = value(&params.name).filter(|n| !n.is_empty());
        let exact = value(&params.exact_name).unwrap_or(false);
        let mut filters = vec![("isTriggerable", "true".to_owned())];
        if let (Some(name), true) = (&name, exact) {
            filters.push(("name", name.clone()));
        }
        let found = self.campaigns(cx, &filters).await?;
        let campaign_record: Vec<CampaignRecord> = found
            .iter()
            .filter_map(|c| {
                let id = i32::try_from(c.get("id")?.as_i64()?).ok()?;
                let title = c.get("name")?.as_str()?.to_owned();
                let wanted = match &name {
                    None => true,
                    Some(n) if exact => &title == n,
                    Some(n) => title.to_lowercase().contains(&n.to_lowercase()),
                };
                wanted.then(|| CampaignRecord {
                    id,
                    name: title,
                    description: c
                        .get("description")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                })
            })
            .collect();
        Ok(SuccessGetCampaignsForSource {
            result: ResultGetCampaignsForSource {
                return_count: campaign_record.len() as i32,
                campaign_record_list: Some(Nillable::Value(ArrayOfCampaignRecord {
                    campaign_record,
                })),
            },
        })
    }

    pub(super) async fn do_request_campaign(
        &self,
        cx: &CallContext,
        params: ParamsRequestCampaign,
    ) -> Result<SuccessRequestCampaign, BackendFault> {
        if params.source != ReqCampSourceType::Mktows {
            return Err(sales_unsupported());
        }
        let keys = request_keys(value(&params.lead_list).map(|l| l.lead_key))?;
        let tokens = rest_tokens(value(&params.program_token_list))?;
        let id = match (
            value(&params.campaign_id),
            value(&params.campaign_name),
            value(&params.program_name),
        ) {
            (Some(_), Some(_), _) => {
                return Err(BackendFault::bad_parameter(
                    "give campaignId or campaignName, not both",
                ));
            }
            (Some(id), None, _) => i64::from(id),
            (None, Some(name), Some(program)) => self.campaign_id(cx, &program, &name).await?,
            (None, Some(_), None) => {
                return Err(BackendFault::bad_parameter(
                    "campaignName needs programName",
                ));
            }
            (None, None, _) => {
                return Err(BackendFault::new(
                    ErrorCode::ParameterRequired,
                    "campaignId or campaignName is required",
                ));
            }
        };
        let ids = self.lead_ids(cx, &keys).await?;
        if ids.len() > MAX_LEADS {
            // Keys matching several leads (a shared email): more than one trigger holds.
            return Err(BackendFault::bad_parameter(format!(
                "the {} lead keys match {} leads; Marketo REST triggers a campaign for at most {MAX_LEADS} per call; nothing was sent",
                keys.len(),
                ids.len()
            )));
        }
        let leads: Vec<Value> = ids.into_iter().map(|id| json!({ "id": id })).collect();
        let body = json!({ "input": { "leads": leads, "tokens": tokens } });
        let request = RestRequest::with_body(
            reqwest::Method::POST,
            format!("/v1/campaigns/{id}/trigger.json"),
            body,
        );
        self.rest
            .call(cx, &request)
            .await
            .map_err(|e| campaign_fault(&e))?;
        Ok(SuccessRequestCampaign {
            result: ResultRequestCampaign { success: true },
        })
    }

    pub(super) async fn do_schedule_campaign(
        &self,
        cx: &CallContext,
        params: ParamsScheduleCampaign,
    ) -> Result<SuccessScheduleCampaign, BackendFault> {
        let tokens = rest_tokens(value(&params.program_token_list))?;
        let id = self
            .campaign_id(cx, &params.program_name, &params.campaign_name)
            .await?;
        let mut input = json!({ "tokens": tokens });
        if let Some(at) = value(&params.campaign_run_at) {
            input["runAt"] = json!(at.to_rfc3339());
        }
        let request = RestRequest::with_body(
            reqwest::Method::POST,
            format!("/v1/campaigns/{id}/schedule.json"),
            json!({ "input": input }),
        );
        self.rest
            .call(cx, &request)
            .await
            .map_err(|e| campaign_fault(&e))?;
        Ok(SuccessScheduleCampaign {
            result: ResultScheduleCampaign { success: true },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(n: usize) -> Option<Vec<LeadKey>> {
        Some(
            (1..=n)
                .map(|i| LeadKey::new(LeadKeyRef::Idnum, i.to_string()))
                .collect(),
        )
    }

    #[test]
    fn the_first_hundred_lead_keys_are_used() {
        let used = request_keys(keys(101)).unwrap();
        assert_eq!(used.len(), 100);
        assert_eq!(
            (used[0].key_value.as_str(), used[99].key_value.as_str()),
            ("1", "100")
        );
        assert_eq!(request_keys(keys(100)).unwrap().len(), 100);
        let fault = request_keys(keys(0)).unwrap_err();
        assert_eq!(fault.code, ErrorCode::BadParameter);
        assert_eq!(
            request_keys(None).unwrap_err().code,
            ErrorCode::BadParameter
        );
    }
}
