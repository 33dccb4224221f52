//! `mergeLeads` over Marketo REST's Merge Leads (mapping in the module docs of [`super`]).

use super::RestBackend;
use super::rest::RestRequest;
use super::write_fault;
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_server::{BackendFault, CallContext};

/// Most losing leads per call (REST's limit, error 1080 above it).
const MAX_LOSERS: usize = 25;

/// The lead keys of one SOAP key list (`attrName` = key type).
fn keys(list: &ArrayOfAttribute, what: &str) -> Result<Vec<LeadKey>, BackendFault> {
    if list.attribute.is_empty() {
        return Err(BackendFault::titled(
            ErrorCode::LeadKeyRequired,
            "Lead Key Required",
            format!("{what} has no lead key"),
        ));
    }
    list.attribute
        .iter()
        .map(|a| {
            let key_type = LeadKeyRef::from(a.attr_name.trim());
            if key_type.is_known() {
                Ok(LeadKey::new(key_type, a.attr_value.clone()))
            } else {
                Err(BackendFault::titled(
                    ErrorCode::LeadKeyBad,
                    "Lead Key Bad",
                    format!("{what}: {:?} is not a lead key type", a.attr_name),
                ))
            }
        })
        .collect()
}

impl RestBackend {
    /// The one lead a key list names (several keys must agree; a key matching several leads
    /// is ambiguous).
    async fn one_lead(
        &self,
        cx: &CallContext,
        list: &ArrayOfAttribute,
        what: &str,
    ) -> Result<i64, BackendFault> {
        let ids = self.lead_ids(cx, &keys(list, what)?).await?;
        match ids.as_slice() {
            [id] => Ok(*id),
            _ => Err(BackendFault::bad_parameter(format!(
                "{what} names {} leads, not one",
                ids.len()
            ))),
        }
    }

    pub(super) async fn do_merge_leads(
        &self,
        cx: &CallContext,
        params: ParamsMergeLeads,
    ) -> Result<SuccessMergeLeads, BackendFault> {
        let in_sales = mktows::compat::merge_in_sales(&params);
        let lists = &params.losing_lead_key_lists.key_list;
        if lists.is_empty() || lists.len() > MAX_LOSERS {
            return Err(BackendFault::bad_parameter(format!(
                "mergeLeads takes 1 to {MAX_LOSERS} losing leads (Marketo REST's limit), not {}",
                lists.len()
            )));
        }
        let winner = self
            .one_lead(cx, &params.winning_lead_key_list, "winningLeadKeyList")
            .await?;
        let mut losers = Vec::with_capacity(lists.len());
        for (i, list) in lists.iter().enumerate() {
            let loser = self
                .one_lead(cx, list, &format!("losingLeadKeyLists keyList {}", i + 1))
                .await?;
            if loser == winner || losers.contains(&loser) {
                return Err(BackendFault::bad_parameter(format!(
                    "lead {loser} is named twice"
                )));
            }
            losers.push(loser);
        }
        let ids: Vec<String> = losers.iter().map(i64::to_string).collect();
        let mut query = vec![("leadIds".to_owned(), ids.join(","))];
        if in_sales {
            query.push(("mergeInCRM".to_owned(), "true".to_owned()));
        }
        let request = RestRequest {
            method: reqwest::Method::POST,
            path: format!("/v1/leads/{winner}/merge.json"),
            query,
            body: None,
            file: None,
        };
        self.rest
            .call(cx, &request)
            .await
            .map_err(|e| write_fault(&e))?;
        let to_i32 = |id: i64| i32::try_from(id).unwrap_or(i32::MAX);
        Ok(SuccessMergeLeads {
            result: ResultMergeLeads {
                merge_status: MergeStatus {
                    winning_lead_id: Some(Nillable::Value(to_i32(winner))),
                    losing_lead_id_list: Some(Nillable::Value(ArrayOfInteger {
                        integer_item: losers.into_iter().map(to_i32).collect(),
                    })),
                    status: LeadMergeStatusEnum::Merged,
                    error: None,
                },
            },
        })
    }
}
