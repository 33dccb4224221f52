//! `getLeadChanges` over Marketo REST's activity reads (mapping in [`super::mapping`]). More
//! leads than REST reads per call are read in chunks ([`chunks`]); above the 100 lead keys
//! SOAP took, the request is refused as SOAP refused it (20110), before any lookup.

use chrono::{DateTime, FixedOffset};
use serde_json::Value;

use chunks::{Round, lead_id_chunks};

use super::common::{POSITION, pairs, results, text, unmapped, value};
use super::rest::RestRequest;
use super::{RestBackend, read_fault};
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_server::{BackendFault, CallContext};

/// Most activity types REST reads per call.
const MAX_TYPES: usize = 10;
/// Most lead keys a SOAP `LeadKeySelector` takes ("more than 100 throws a bad parameter
/// exception").
const MAX_KEYS: usize = 100;

/// A display name or enumeration name compared without spaces or case.
pub(super) fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The names in a SOAP list of activity types.
pub(super) fn type_names(list: Option<ArrayOfActivityType>) -> Vec<String> {
    list.map(|l| {
        l.activity_type
            .iter()
            .map(|t| t.as_str().to_owned())
            .collect()
    })
    .unwrap_or_default()
}

/// The REST id of the activity type `name` (display or enumeration name) among `types`.
pub(super) fn type_id(types: &[(i64, String)], name: &str) -> Result<i64, BackendFault> {
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
}

/// 20114 when a filter names types to include and to exclude.
pub(super) fn both_include_and_exclude() -> BackendFault {
    BackendFault::titled(
        ErrorCode::BadParameterValue,
        "Bad Parameter",
        "includeTypes and excludeTypes cannot be given together",
    )
}

/// The attributes of a REST activity as SOAP attributes (untyped).
pub(super) fn activity_attributes(row: &Value) -> ArrayOfAttribute {
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
    ArrayOfAttribute { attribute }
}

/// The display name of REST activity type `id` (the id itself when REST did not list it).
pub(super) fn type_name(types: &[(i64, String)], id: i64) -> String {
    types
        .iter()
        .find(|(t, _)| *t == id)
        .map_or_else(|| id.to_string(), |(_, n)| n.clone())
}

/// The leads whose changes are read, as the SOAP `leadSelector` names them.
#[derive(Debug, PartialEq)]
enum ChangeLeads {
    All,
    Keys(Vec<LeadKey>),
    ListName(String),
    /// A static list's id is the same number in SOAP and REST.
    ListId(i32),
}

/// Where the read starts.
#[derive(Debug, PartialEq)]
enum ChangeStart {
    /// The REST paging token of a SOAP offset the bridge handed out.
    Token(String),
    /// `oldestCreatedAt`: REST gives the token for it.
    Since(DateTime<FixedOffset>),
}

/// The REST activity type ids a `getLeadChanges` asks for: `activityNameFilter` and
/// `includeTypes` by name, every type REST lists when neither is given, less `excludeTypes`;
/// more than REST reads in one call is 20019.
fn change_type_ids(
    types: &[(i64, String)],
    name_filter: Vec<String>,
    filter: Option<ActivityTypeFilter>,
) -> Result<Vec<i64>, BackendFault> {
    let mut wanted = name_filter;
    let mut excluded: Vec<String> = Vec::new();
    if let Some(filter) = filter {
        let include = type_names(filter.include_types);
        excluded = type_names(filter.exclude_types);
        if !include.is_empty() && !excluded.is_empty() {
            return Err(both_include_and_exclude());
        }
        wanted.extend(include);
    }
    let excluded = excluded
        .iter()
        .map(|name| type_id(types, name))
        .collect::<Result<Vec<_>, _>>()?;
    let mut ids: Vec<i64> = if wanted.is_empty() {
        types.iter().map(|(id, _)| *id).collect()
    } else {
        let mut ids = wanted
            .iter()
            .map(|name| type_id(types, name))
            .collect::<Result<Vec<_>, _>>()?;
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
    Ok(ids)
}

/// The leads a SOAP `leadSelector` names (before any REST lookup).
fn change_leads(selector: &Option<LeadSelector>) -> Result<ChangeLeads, BackendFault> {
    Ok(match selector {
        None => ChangeLeads::All,
        Some(LeadSelector::LeadKeySelector(s)) if s.key_values.string_item.len() > MAX_KEYS => {
            return Err(BackendFault::bad_parameter(format!(
                "a LeadKeySelector takes at most {MAX_KEYS} lead keys, not {}",
                s.key_values.string_item.len()
            )));
        }
        Some(LeadSelector::LeadKeySelector(s)) => ChangeLeads::Keys(
            s.key_values
                .string_item
                .iter()
                .map(|v| LeadKey {
                    key_type: s.key_type.clone(),
                    key_value: v.clone(),
                })
                .collect(),
        ),
        Some(LeadSelector::StaticListSelector(s)) => {
            match (value(&s.static_list_name), value(&s.static_list_id)) {
                (Some(name), _) => ChangeLeads::ListName(name),
                (None, Some(id)) => ChangeLeads::ListId(id),
                (None, None) => {
                    return Err(BackendFault::titled(
                        ErrorCode::ParameterRequired,
                        "Parameter Required",
                        "StaticListSelector needs staticListName or staticListId",
                    ));
                }
            }
        }
        Some(LeadSelector::LastUpdateAtSelector(_)) => {
            return Err(unmapped(
                "LastUpdateAtSelector has no Marketo REST equivalent for activities",
            ));
        }
    })
}

/// Where a SOAP `startPosition` starts: its `offset`, else its `oldestCreatedAt`.
fn change_start(start: &StreamPosition) -> Result<ChangeStart, BackendFault> {
    match value(&start.offset).filter(|o| !o.is_empty()) {
        Some(offset) => match offset.strip_prefix(POSITION) {
            Some(token) if !token.is_empty() => Ok(ChangeStart::Token(token.to_owned())),
            _ => Err(BackendFault::titled(
                ErrorCode::BadStreamPosition,
                "Bad Stream Position",
                format!("Bad stream position offset {offset:?}"),
            )),
        },
        None => match value(&start.oldest_created_at) {
            Some(oldest) => Ok(ChangeStart::Since(oldest)),
            None => Err(BackendFault::titled(
                ErrorCode::ParameterRequired,
                "Parameter Required",
                "startPosition needs oldestCreatedAt or offset",
            )),
        },
    }
}

/// The query of REST's Get Lead Activities.
fn changes_query(
    type_ids: &[i64],
    leads: Option<(&str, String)>,
    batch_size: Option<i32>,
    token: String,
) -> Vec<(String, String)> {
    let types = type_ids.iter().map(i64::to_string).collect::<Vec<_>>();
    let mut query = pairs(&[("activityTypeIds", types.join(","))]);
    query.extend(leads.map(|(name, value)| (name.to_owned(), value)));
    let batch = batch_size.map_or(300, |b| b.clamp(1, 300));
    query.push(("batchSize".into(), batch.to_string()));
    query.push(("nextPageToken".into(), token));
    query
}

/// The records of one REST activities page: rows after `latestCreatedAt` are left out (and
/// end the chunk); also whether the chunk has more rows, and REST's `nextPageToken`.
fn chunk_rows(
    answer: &Value,
    types: &[(i64, String)],
    latest: Option<DateTime<FixedOffset>>,
) -> Result<(Vec<LeadChangeRecord>, bool, Option<String>), BackendFault> {
    let mut more = answer.get("moreResult").and_then(Value::as_bool) == Some(true);
    let next = answer
        .get("nextPageToken")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut records = Vec::new();
    for row in results(answer) {
        let Some(record) = change_record(row, types) else {
            return Err(BackendFault::new(
                ErrorCode::ServiceInternalError,
                format!("an activity Marketo REST returned is incomplete: {row}"),
            ));
        };
        if latest.is_some_and(|t| record.activity_date_time > t) {
            more = false;
            break;
        }
        records.push(record);
    }
    Ok((records, more, next))
}

/// The SOAP answer: the records read, `remainingCount` 1 while more may follow, and the
/// start position with the next offset (nil when REST gave no token to go on from).
fn soap_lead_changes(
    lead_change_record: Vec<LeadChangeRecord>,
    more: bool,
    offset: Option<String>,
    start_position: StreamPosition,
) -> SuccessGetLeadChanges {
    let mut new_start_position = start_position;
    new_start_position.offset = Some(match offset {
        Some(o) => Nillable::Value(format!("{POSITION}{o}")),
        None => Nillable::Nil,
    });
    SuccessGetLeadChanges {
        result: ResultGetLeadChanges {
            return_count: lead_change_record.len() as i32,
            remaining_count: i32::from(more),
            new_start_position,
            lead_change_record_list: Some(Nillable::Value(ArrayOfLeadChangeRecord {
                lead_change_record,
            })),
        },
    }
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

    /// `getLeadChanges`: the types and leads asked for, where the read stands, then REST
    /// activities pages, chunk after chunk of leads, until the SOAP page is full or a chunk
    /// has more than it holds.
    pub(super) async fn do_get_lead_changes(
        &self,
        cx: &CallContext,
        params: ParamsGetLeadChanges,
    ) -> Result<SuccessGetLeadChanges, BackendFault> {
        let types = self.activity_types(cx).await?;
        let name_filter = mktows::compat::activity_name_filter(&params);
        let type_ids = change_type_ids(&types, name_filter, value(&params.activity_filter))?;
        let leads = change_leads(&params.lead_selector)?;
        let start = change_start(&params.start_position)?;
        let chunks = self.change_chunks(cx, leads).await?;
        if chunks.is_empty() {
            // A LeadKeySelector without keys selects no lead: there is nothing to read.
            return Ok(soap_lead_changes(
                Vec::new(),
                false,
                None,
                params.start_position,
            ));
        }
        let mut round = match start {
            ChangeStart::Token(offset) => Round::from_offset(&offset, chunks.len())?,
            ChangeStart::Since(oldest) => {
                Round::from_start(chunks.len(), self.date_token(cx, oldest).await?)
            }
        };
        let page = value(&params.batch_size).map_or(300, |b| b.clamp(1, 300)) as usize;
        let latest = value(&params.start_position.latest_created_at);
        let (mut records, mut more, mut token_given) = (Vec::new(), false, true);
        while round.at < chunks.len() {
            let want = (page - records.len()) as i32;
            let token = round.tokens[round.at].clone();
            let query = changes_query(&type_ids, chunks[round.at].clone(), Some(want), token);
            let answer = self
                .rest
                .call(cx, &RestRequest::get("/v1/activities.json", query))
                .await
                .map_err(|e| read_fault(&e))?;
            let (rows, chunk_more, next) = chunk_rows(&answer, &types, latest)?;
            records.extend(rows);
            token_given = next.is_some();
            if let Some(next) = next {
                round.tokens[round.at] = next;
            }
            if chunk_more {
                more = true;
                break;
            }
            round.at += 1;
            if round.at < chunks.len() && records.len() >= page {
                more = true;
                break;
            }
        }
        // One chunk without a REST token to go on from: no offset, as before chunks.
        let offset = (chunks.len() > 1 || token_given).then(|| round.offset());
        Ok(soap_lead_changes(
            records,
            more,
            offset,
            params.start_position,
        ))
    }

    /// REST's `leadIds` (one value per chunk of [`chunks::MAX_LEADS`]) or `listId` for the
    /// selected leads (looked up by key or list name); one `None` for every lead.
    async fn change_chunks(
        &self,
        cx: &CallContext,
        leads: ChangeLeads,
    ) -> Result<Vec<Option<(&'static str, String)>>, BackendFault> {
        Ok(match leads {
            ChangeLeads::All => vec![None],
            ChangeLeads::Keys(keys) if keys.is_empty() => Vec::new(),
            ChangeLeads::Keys(keys) => {
                let ids = self.lead_ids(cx, &keys).await?;
                lead_id_chunks(&ids)
                    .into_iter()
                    .map(|ids| Some(("leadIds", ids)))
                    .collect()
            }
            ChangeLeads::ListName(name) => {
                vec![Some(("listId", self.list_id(cx, &name).await?.to_string()))]
            }
            ChangeLeads::ListId(id) => vec![Some(("listId", id.to_string()))],
        })
    }

    /// REST's date token for `oldestCreatedAt`.
    async fn date_token(
        &self,
        cx: &CallContext,
        oldest: DateTime<FixedOffset>,
    ) -> Result<String, BackendFault> {
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
            .map(str::to_owned)
            .ok_or_else(|| {
                BackendFault::new(
                    ErrorCode::ServiceInternalError,
                    "no paging token from Marketo REST",
                )
            })
    }
}

/// A REST activity as a SOAP `LeadChangeRecord`; `None` when a required part is missing.
fn change_record(row: &Value, types: &[(i64, String)]) -> Option<LeadChangeRecord> {
    let type_id = row.get("activityTypeId")?.as_i64()?;
    Some(LeadChangeRecord {
        id: i32::try_from(row.get("id")?.as_i64()?).ok()?,
        activity_date_time: DateTime::parse_from_rfc3339(row.get("activityDate")?.as_str()?)
            .ok()?,
        activity_type: type_name(types, type_id),
        mktg_asset_name: Some(
            row.get("primaryAttributeValue")
                .map_or(Nillable::Nil, |v| Nillable::Value(text(v))),
        ),
        activity_attributes: Some(Nillable::Value(activity_attributes(row))),
        campaign: row
            .get("campaignName")
            .and_then(Value::as_str)
            .map(str::to_owned),
        mkt_person_id: row.get("leadId")?.as_i64()?.to_string(),
    })
}

mod chunks;
#[cfg(test)]
mod tests;
