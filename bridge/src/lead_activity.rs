//! `getLeadActivity` over Marketo REST's activity reads (mapping in the module docs of
//! [`super`]): REST reads a lead's activity oldest first from a paging token and at most ten
//! types per call, SOAP pages it newest first with `ID:` offsets, so the bridge reads the lead's
//! whole history (bounded) and pages it as the sandbox does.

use chrono::{DateTime, FixedOffset};
use serde_json::Value;

use super::activities::{
    activity_attributes, both_include_and_exclude, type_id, type_name, type_names,
};
use super::common::{pairs, results, text, value};
use super::rest::RestRequest;
use super::{RestBackend, read_fault};
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_server::{BackendFault, CallContext};

/// Most records per page (SOAP's limit).
const MAX_BATCH: i32 = 100;
/// Most activity types REST reads per call.
const MAX_TYPES: usize = 10;
/// Most REST pages read for one call (300 activities each).
const MAX_PAGES: usize = 100;

fn nillable(value: Option<String>) -> Option<Nillable<String>> {
    Some(
        value
            .filter(|v| !v.is_empty())
            .map_or(Nillable::Nil, Nillable::Value),
    )
}

/// The lead's details an activity record repeats.
struct Person {
    id: i64,
    name: Option<String>,
    company: Option<String>,
}

/// A REST activity as a SOAP `ActivityRecord`; `None` when a required part is missing.
fn activity_record(
    row: &Value,
    types: &[(i64, String)],
    person: &Person,
) -> Option<ActivityRecord> {
    let type_id = row.get("activityTypeId")?.as_i64()?;
    Some(ActivityRecord {
        id: i32::try_from(row.get("id")?.as_i64()?).ok()?,
        activity_date_time: DateTime::parse_from_rfc3339(row.get("activityDate")?.as_str()?)
            .ok()?,
        activity_type: type_name(types, type_id),
        mktg_asset_name: row.get("primaryAttributeValue").map(text),
        activity_attributes: Some(Nillable::Value(activity_attributes(row))),
        campaign: nillable(
            row.get("campaignName")
                .and_then(Value::as_str)
                .map(str::to_owned),
        ),
        person_name: nillable(person.name.clone()),
        mkt_person_id: person.id.to_string(),
        foreign_sys_id: Some(Nillable::Nil),
        org_name: nillable(person.company.clone()),
        foreign_sys_org_id: Some(Nillable::Nil),
    })
}

fn bad_position(offset: &str) -> BackendFault {
    BackendFault::titled(
        ErrorCode::BadStreamPosition,
        "Bad Stream Position",
        format!("Bad stream position offset {offset:?}"),
    )
}

impl RestBackend {
    /// The REST type ids a SOAP activity filter asks for (all when there is none).
    fn type_ids(
        types: &[(i64, String)],
        filter: Option<ActivityTypeFilter>,
    ) -> Result<Vec<i64>, BackendFault> {
        let (include, exclude) = filter
            .map(|f| (type_names(f.include_types), type_names(f.exclude_types)))
            .unwrap_or_default();
        if !include.is_empty() && !exclude.is_empty() {
            return Err(both_include_and_exclude());
        }
        let id_of = |name: &String| type_id(types, name);
        let included = include.iter().map(id_of).collect::<Result<Vec<_>, _>>()?;
        let excluded = exclude.iter().map(id_of).collect::<Result<Vec<_>, _>>()?;
        let mut ids: Vec<i64> = types
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| included.is_empty() || included.contains(id))
            .filter(|id| !excluded.contains(id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    /// The lead's name and company, as activity records repeat them.
    async fn person(&self, cx: &CallContext, id: i64) -> Result<Person, BackendFault> {
        let answer = self
            .rest
            .call(
                cx,
                &RestRequest::get(
                    format!("/v1/lead/{id}.json"),
                    pairs(&[("fields", "firstName,lastName,company".to_owned())]),
                ),
            )
            .await
            .map_err(|e| read_fault(&e))?;
        let lead = results(&answer).first();
        let field = |name: &str| {
            lead.and_then(|l| l.get(name))
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let name = [field("firstName"), field("lastName")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Person {
            id,
            name: Some(name).filter(|n| !n.is_empty()),
            company: field("company"),
        })
    }

    /// Every activity of `lead` of these types since `since`, as REST returns them.
    async fn history(
        &self,
        cx: &CallContext,
        lead: i64,
        type_ids: &[i64],
        since: &str,
    ) -> Result<Vec<Value>, BackendFault> {
        let mut rows = Vec::new();
        for chunk in type_ids.chunks(MAX_TYPES) {
            let answer = self
                .rest
                .call(
                    cx,
                    &RestRequest::get(
                        "/v1/activities/pagingtoken.json",
                        pairs(&[("sinceDatetime", since.to_owned())]),
                    ),
                )
                .await
                .map_err(|e| read_fault(&e))?;
            let mut token = answer
                .get("nextPageToken")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let types = chunk
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let mut pages = 0;
            while let Some(next) = token.take() {
                pages += 1;
                if pages > MAX_PAGES {
                    return Err(BackendFault::new(
                        ErrorCode::ServiceInternalError,
                        format!(
                            "the lead's history is longer than {} activities: narrow it with oldestCreatedAt or includeTypes",
                            MAX_PAGES * 300
                        ),
                    ));
                }
                let query = pairs(&[
                    ("activityTypeIds", types.clone()),
                    ("leadIds", lead.to_string()),
                    ("batchSize", "300".to_owned()),
                    ("nextPageToken", next),
                ]);
                let answer = self
                    .rest
                    .call(cx, &RestRequest::get("/v1/activities.json", query))
                    .await
                    .map_err(|e| read_fault(&e))?;
                rows.extend(results(&answer).iter().cloned());
                if answer.get("moreResult").and_then(Value::as_bool) == Some(true) {
                    token = answer
                        .get("nextPageToken")
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                }
            }
        }
        Ok(rows)
    }

    pub(super) async fn do_get_lead_activity(
        &self,
        cx: &CallContext,
        params: ParamsGetLeadActivity,
    ) -> Result<SuccessGetLeadActivity, BackendFault> {
        let size = match value(&params.batch_size) {
            Some(n) if n < 1 => {
                return Err(BackendFault::titled(
                    ErrorCode::BadParameterValue,
                    "Bad Parameter",
                    format!("batchSize must be at least 1, not {n}"),
                ));
            }
            Some(n) => n.min(MAX_BATCH) as usize,
            None => MAX_BATCH as usize,
        };
        let start = value(&params.start_position).unwrap_or(StreamPosition {
            latest_created_at: None,
            oldest_created_at: None,
            activity_created_at: None,
            offset: None,
        });
        let after = match value(&start.offset).filter(|o| !o.trim().is_empty()) {
            None => None,
            Some(offset) => Some(
                offset
                    .trim()
                    .strip_prefix("ID:")
                    .and_then(|id| id.parse::<i32>().ok())
                    .ok_or_else(|| bad_position(&offset))?,
            ),
        };
        let oldest: Option<DateTime<FixedOffset>> = value(&start.oldest_created_at);
        let latest: Option<DateTime<FixedOffset>> = value(&start.latest_created_at);
        // The newest lead the key names (Marketo's rule for duplicate emails).
        let leads = self
            .lead_ids(cx, std::slice::from_ref(&params.lead_key))
            .await?;
        let lead = leads.into_iter().max().unwrap_or_default();
        let types = self.activity_types(cx).await?;
        let type_ids = Self::type_ids(&types, value(&params.activity_filter))?;
        let since = oldest.map_or_else(|| "1970-01-01T00:00:00Z".to_owned(), |t| t.to_rfc3339());
        let rows = self.history(cx, lead, &type_ids, &since).await?;
        let person = self.person(cx, lead).await?;
        let mut records = rows
            .iter()
            .map(|row| {
                activity_record(row, &types, &person).ok_or_else(|| {
                    BackendFault::new(
                        ErrorCode::ServiceInternalError,
                        format!("an activity Marketo REST returned is incomplete: {row}"),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        records.sort_by_key(|r| std::cmp::Reverse(r.id));
        records.dedup_by_key(|r| r.id);
        let mut matching = records.into_iter().filter(|r| {
            after.is_none_or(|after| r.id < after)
                && oldest.is_none_or(|t| r.activity_date_time >= t)
                && latest.is_none_or(|t| r.activity_date_time <= t)
        });
        let page: Vec<ActivityRecord> = matching.by_ref().take(size).collect();
        let remaining = matching.count();
        let mut new_start_position = start.clone();
        let offset = page.last().map(|r| r.id).or(after);
        new_start_position.offset =
            Some(offset.map_or(Nillable::Nil, |id| Nillable::Value(format!("ID:{id}"))));
        Ok(SuccessGetLeadActivity {
            lead_activity_list: LeadActivityList {
                return_count: page.len() as i32,
                remaining_count: remaining as i32,
                new_start_position,
                activity_record_list: Some(Nillable::Value(ArrayOfActivityRecord {
                    activity_record: page,
                })),
            },
        })
    }
}
