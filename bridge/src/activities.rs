//! `getLeadChanges` over Marketo REST's activity reads (mapping in the module docs of
//! [`super`]).

use chrono::DateTime;
use serde_json::Value;

use super::common::{POSITION, pairs, results, unmapped, value};
use super::rest::RestRequest;
use super::{RestBackend, read_fault};
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_server::{BackendFault, CallContext};

/// Most activity types REST reads per call.
const MAX_TYPES: usize = 10;
/// Most lead ids REST reads per call.
const MAX_LEADS: usize = 30;

/// A display name or enumeration name compared without spaces or case.
pub(super) fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

impl RestBackend {
    /// Activity types REST knows: (id, display name).
    pub(super) async fn activity_types(
        &self,
        cx: &CallContext,
    ) -> Result<Vec<(i64, String)>, BackendFault> {
        let answer = self
            .rest
            .call(
                cx,
                &RestRequest::get("/v1/activities/types.json", Vec::new()),
            )
            .await
            .map_err(|e| read_fault(&e))?;
        Ok(results(&answer)
            .iter()
            .filter_map(|t| Some((t.get("id")?.as_i64()?, t.get("name")?.as_str()?.to_owned())))
            .collect())
    }

    pub(super) async fn do_get_lead_changes(
        &self,
        cx: &CallContext,
        params: ParamsGetLeadChanges,
    ) -> Result<SuccessGetLeadChanges, BackendFault> {
        let start = &params.start_position;
        let latest = value(&start.latest_created_at);
        // Which types: the names asked for (display names or WSDL enumeration names).
        let types = self.activity_types(cx).await?;
        let mut wanted: Vec<String> = mktows::compat::activity_name_filter(&params);
        let mut excluded: Vec<String> = Vec::new();
        if let Some(filter) = value(&params.activity_filter) {
            let names = |list: Option<ArrayOfActivityType>| -> Vec<String> {
                list.map(|l| {
                    l.activity_type
                        .iter()
                        .map(|t| t.as_str().to_owned())
                        .collect()
                })
                .unwrap_or_default()
            };
            let include = names(filter.include_types);
            excluded = names(filter.exclude_types);
            if !include.is_empty() && !excluded.is_empty() {
                return Err(BackendFault::titled(
                    ErrorCode::BadParameterValue,
                    "Bad Parameter",
                    "includeTypes and excludeTypes cannot be given together",
                ));
            }
            wanted.extend(include);
        }
        let type_id = |name: &String| {
            types
                .iter()
                .find(|(_, n)| squash(n) == squash(name))
                .map(|(id, _)| *id)
                .ok_or_else(|| {
                    BackendFault::titled(
                        ErrorCode::ActivityKeyBad,
                        "Activity Key Bad",
                        format!("Marketo REST has no activity type {name:?}"),
                    )
                })
        };
        let excluded = excluded
            .iter()
            .map(type_id)
            .collect::<Result<Vec<_>, _>>()?;
        let mut ids: Vec<i64> = if wanted.is_empty() {
            types.iter().map(|(id, _)| *id).collect()
        } else {
            let mut ids = Vec::new();
            for name in &wanted {
                match types.iter().find(|(_, n)| squash(n) == squash(name)) {
                    Some((id, _)) => ids.push(*id),
                    None => {
                        return Err(BackendFault::titled(
                            ErrorCode::ActivityKeyBad,
                            "Activity Key Bad",
                            format!("Marketo REST has no activity type {name:?}"),
                        ));
                    }
                }
            }
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        // excludeTypes: every type REST lists but those.
        ids.retain(|id| !excluded.contains(id));
        if ids.len() > MAX_TYPES {
            return Err(unmapped(format!(
                "{} activity types asked for (all, when no filter is given); Marketo REST reads at most {MAX_TYPES} per call: name them in activityNameFilter",
                ids.len()
            )));
        }
        let mut query = pairs(&[(
            "activityTypeIds",
            ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
        )]);
        match &params.lead_selector {
            None => {}
            Some(LeadSelector::LeadKeySelector(s)) => {
                let keys: Vec<LeadKey> = s
                    .key_values
                    .string_item
                    .iter()
                    .map(|v| LeadKey {
                        key_type: s.key_type.clone(),
                        key_value: v.clone(),
                    })
                    .collect();
                let leads = self.lead_ids(cx, &keys).await?;
                if leads.len() > MAX_LEADS {
                    return Err(unmapped(format!(
                        "{} leads selected; Marketo REST reads the changes of at most {MAX_LEADS} leads per call",
                        leads.len()
                    )));
                }
                let list = leads.iter().map(i64::to_string).collect::<Vec<_>>();
                query.push(("leadIds".into(), list.join(",")));
            }
            Some(LeadSelector::StaticListSelector(s)) => {
                let id = match (value(&s.static_list_name), value(&s.static_list_id)) {
                    (Some(name), _) => self.list_id(cx, &name).await?,
                    // A static list's id is the same number in SOAP and REST.
                    (None, Some(id)) => id,
                    (None, None) => {
                        return Err(BackendFault::titled(
                            ErrorCode::ParameterRequired,
                            "Parameter Required",
                            "StaticListSelector needs staticListName or staticListId",
                        ));
                    }
                };
                query.push(("listId".into(), id.to_string()));
            }
            Some(LeadSelector::LastUpdateAtSelector(_)) => {
                return Err(unmapped(
                    "LastUpdateAtSelector has no Marketo REST equivalent for activities",
                ));
            }
        }
        let token = match value(&start.offset).filter(|o| !o.is_empty()) {
            Some(offset) => match offset.strip_prefix(POSITION) {
                Some(token) if !token.is_empty() => token.to_owned(),
                _ => {
                    return Err(BackendFault::titled(
                        ErrorCode::BadStreamPosition,
                        "Bad Stream Position",
                        format!("Bad stream position offset {offset:?}"),
                    ));
                }
            },
            None => {
                let Some(oldest) = value(&start.oldest_created_at) else {
                    return Err(BackendFault::titled(
                        ErrorCode::ParameterRequired,
                        "Parameter Required",
                        "startPosition needs oldestCreatedAt or offset",
                    ));
                };
                let answer = self
                    .rest
                    .call(
                        cx,
                        &RestRequest::get(
                            "/v1/activities/pagingtoken.json",
                            pairs(&[("sinceDatetime", oldest.to_rfc3339())]),
                        ),
                    )
                    .await
                    .map_err(|e| read_fault(&e))?;
                answer
                    .get("nextPageToken")
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        BackendFault::new(
                            ErrorCode::ServiceInternalError,
                            "no paging token from Marketo REST",
                        )
                    })?
                    .to_owned()
            }
        };
        let batch = value(&params.batch_size).map_or(300, |b| b.clamp(1, 300));
        query.push(("batchSize".into(), batch.to_string()));
        query.push(("nextPageToken".into(), token));
        let answer = self
            .rest
            .call(cx, &RestRequest::get("/v1/activities.json", query))
            .await
            .map_err(|e| read_fault(&e))?;
        let mut more = answer.get("moreResult").and_then(Value::as_bool) == Some(true);
        let next = answer
            .get("nextPageToken")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let mut lead_change_record = Vec::new();
        for row in results(&answer) {
            let Some(record) = change_record(row, &types) else {
                return Err(BackendFault::new(
                    ErrorCode::ServiceInternalError,
                    format!("an activity Marketo REST returned is incomplete: {row}"),
                ));
            };
            if latest.is_some_and(|t| record.activity_date_time > t) {
                more = false;
                break;
            }
            lead_change_record.push(record);
        }
        let mut new_start_position = params.start_position.clone();
        new_start_position.offset = Some(match &next {
            Some(t) => Nillable::Value(format!("{POSITION}{t}")),
            None => Nillable::Nil,
        });
        Ok(SuccessGetLeadChanges {
            result: ResultGetLeadChanges {
                return_count: lead_change_record.len() as i32,
                remaining_count: i32::from(more),
                new_start_position,
                lead_change_record_list: Some(Nillable::Value(ArrayOfLeadChangeRecord {
                    lead_change_record,
                })),
            },
        })
    }
}

/// A REST activity as a SOAP `LeadChangeRecord`; `None` when a required part is missing.
fn change_record(row: &Value, types: &[(i64, String)]) -> Option<LeadChangeRecord> {
    let type_id = row.get("activityTypeId")?.as_i64()?;
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let attribute = row
        .get("attributes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|a| {
            Some(Attribute {
                attr_name: a.get("name")?.as_str()?.to_owned(),
                attr_type: Some(Nillable::Nil),
                attr_value: text(a.get("value")?),
            })
        })
        .collect();
    Some(LeadChangeRecord {
        id: i32::try_from(row.get("id")?.as_i64()?).ok()?,
        activity_date_time: DateTime::parse_from_rfc3339(row.get("activityDate")?.as_str()?)
            .ok()?,
        activity_type: types
            .iter()
            .find(|(id, _)| *id == type_id)
            .map_or_else(|| type_id.to_string(), |(_, n)| n.clone()),
        mktg_asset_name: Some(
            row.get("primaryAttributeValue")
                .map_or(Nillable::Nil, |v| Nillable::Value(text(v))),
        ),
        activity_attributes: Some(Nillable::Value(ArrayOfAttribute { attribute })),
        campaign: row
            .get("campaignName")
            .and_then(Value::as_str)
            .map(str::to_owned),
        mkt_person_id: row.get("leadId")?.as_i64()?.to_string(),
    })
}
