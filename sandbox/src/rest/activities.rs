//! The sandbox's REST activity calls over its activity log: `GET /v1/activities/types.json`,
//! `GET /v1/activities/pagingtoken.json?sinceDatetime=`, `GET /v1/activities.json` and
//! `GET /v1/activities/leadchanges.json`, paged by `nextPageToken` with `moreResult`.
//!
//! Choices where Marketo is undocumented:
//! - a paging token is `A<n>`: the id of the last activity already read (opaque to callers);
//!   a token that is not of that form is 1003 "Invalid nextPageToken";
//! - `activityTypeIds` is required (1003 when missing, more than 10, or unknown);
//!   `leadIds` takes at most 30 ids, `batchSize` 1 to 300 (default 300); `listId` of an
//!   unknown list is 1013;
//! - `leadchanges.json` reports Change Data Value activities (type 13) of the `fields` asked
//!   (REST names, required), with `fields: [{id, name, newValue, oldValue}]`, and New Lead
//!   (type 12) activities;
//! - `nextPageToken` is always returned (after the last activity read, or the one given), and
//!   `moreResult` is true while activities remain past it.

use std::collections::BTreeSet;

use chrono::{DateTime, SecondsFormat};
use serde_json::{Value, json};

use super::reply::{Reply, param, rest_name};
use crate::service::Service;
use crate::store::activity::{Activity, ActivityKind};

/// Most activity types per call.
const MAX_TYPES: usize = 10;
/// Most lead ids per call.
const MAX_LEADS: usize = 30;

/// Routes `v1/activities...`; `None` for other paths.
pub fn dispatch(
    service: &Service,
    method: &str,
    segments: &[&str],
    pairs: &[(String, String)],
) -> Option<Reply> {
    Some(match (segments, method) {
        (["v1", "activities", "types.json"], "GET") => types(),
        (["v1", "activities", "pagingtoken.json"], "GET") => paging_token(service, pairs),
        (["v1", "activities.json"], "GET") => activities(service, pairs, false),
        (["v1", "activities", "leadchanges.json"], "GET") => activities(service, pairs, true),
        _ => return None,
    })
}

fn types() -> Reply {
    Reply::ok(
        ActivityKind::ALL
            .into_iter()
            .map(|k| {
                json!({
                    "id": k.rest_id(),
                    "name": k.name(),
                    "description": k.name(),
                    "apiName": k.name().to_lowercase().replace(' ', "_"),
                    "primaryAttribute": { "name": "Asset", "dataType": "string" },
                    "attributes": [],
                })
            })
            .collect(),
    )
}

fn token(after: i32) -> String {
    format!("A{after}")
}

fn paging_token(service: &Service, pairs: &[(String, String)]) -> Reply {
    let Some(since) = param(pairs, "sinceDatetime") else {
        return Reply::error(1003, "sinceDatetime is required");
    };
    let since = match DateTime::parse_from_rfc3339(since) {
        Ok(t) => t.to_utc(),
        Err(e) => return Reply::error(1003, format!("Invalid sinceDatetime {since:?}: {e}")),
    };
    let store = service.lock_store();
    let log = store.activities();
    // After the activity before the first one at or after `since`; past the end when none.
    let after = match log.first_since(since) {
        Some(id) => id - 1,
        None => crate::store::activity::FIRST_ACTIVITY_ID + log.len() as i32 - 1,
    };
    Reply::Result {
        result: Vec::new(),
        next: Some(token(after)),
        more: None,
    }
}

fn numbers(pairs: &[(String, String)], name: &str) -> Result<Vec<i32>, Reply> {
    let Some(text) = param(pairs, name).filter(|t| !t.trim().is_empty()) else {
        return Ok(Vec::new());
    };
    text.split(',')
        .map(|n| {
            n.trim()
                .parse::<i32>()
                .map_err(|_| Reply::error(1003, format!("Invalid {name} value {n:?}")))
        })
        .collect()
}

fn activities(service: &Service, pairs: &[(String, String)], changes: bool) -> Reply {
    let after = match param(pairs, "nextPageToken")
        .map(|t| t.strip_prefix('A').and_then(|n| n.parse::<i32>().ok()))
    {
        Some(Some(n)) => n,
        _ => return Reply::error(1003, "Invalid nextPageToken"),
    };
    let batch = match param(pairs, "batchSize").map(str::parse::<usize>) {
        None => 300,
        Some(Ok(n)) if (1..=300).contains(&n) => n,
        Some(_) => return Reply::error(1003, "batchSize must be 1 to 300"),
    };
    let kinds: Vec<ActivityKind> = if changes {
        vec![ActivityKind::NewLead, ActivityKind::ChangeDataValue]
    } else {
        let ids = match numbers(pairs, "activityTypeIds") {
            Ok(ids) => ids,
            Err(reply) => return reply,
        };
        if ids.is_empty() || ids.len() > MAX_TYPES {
            return Reply::error(1003, "activityTypeIds must hold 1 to 10 ids");
        }
        let mut kinds = Vec::new();
        for id in ids {
            match ActivityKind::from_rest_id(id) {
                Some(k) => kinds.push(k),
                None => return Reply::error(1003, format!("Invalid activityTypeId {id}")),
            }
        }
        kinds
    };
    let fields: Option<BTreeSet<String>> = if changes {
        match param(pairs, "fields").filter(|f| !f.trim().is_empty()) {
            Some(f) => Some(f.split(',').map(|s| s.trim().to_owned()).collect()),
            None => return Reply::error(1003, "fields is required"),
        }
    } else {
        None
    };
    let leads: Option<BTreeSet<i32>> = match numbers(pairs, "leadIds") {
        Ok(ids) if ids.len() > MAX_LEADS => {
            return Reply::error(1003, "leadIds takes at most 30 ids");
        }
        Ok(ids) if ids.is_empty() => None,
        Ok(ids) => Some(ids.into_iter().collect()),
        Err(reply) => return reply,
    };
    let store = service.lock_store();
    let members: Option<BTreeSet<i32>> = match param(pairs, "listId") {
        None => None,
        Some(id) => {
            let name = id.parse::<i32>().ok().and_then(|id| store.list_name(id));
            match name {
                Some(name) => Some(store.list_members(name).map(|l| l.id).collect()),
                None => return Reply::error(1013, format!("List {id} not found")),
            }
        }
    };
    let wanted = |a: &Activity| {
        kinds.contains(&a.kind)
            && leads.as_ref().is_none_or(|l| l.contains(&a.lead_id))
            && members.as_ref().is_none_or(|m| m.contains(&a.lead_id))
            && match (&fields, a.kind) {
                (Some(fields), ActivityKind::ChangeDataValue) => {
                    fields.contains(&rest_name(&a.asset))
                }
                _ => true,
            }
    };
    let mut rows = Vec::new();
    let mut last = after;
    let mut more = false;
    for a in store.activities().after(Some(after)) {
        if rows.len() == batch {
            more = true;
            break;
        }
        last = a.id;
        if wanted(a) {
            rows.push(row(a, changes));
        }
    }
    Reply::Result {
        result: rows,
        next: Some(token(last)),
        more: Some(more),
    }
}

fn row(a: &Activity, changes: bool) -> Value {
    let attribute = |name: &str| {
        a.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let mut row = json!({
        "id": a.id,
        "marketoGUID": a.id.to_string(),
        "leadId": a.lead_id,
        "activityDate": a.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        "activityTypeId": a.kind.rest_id(),
        "primaryAttributeValue": a.asset,
        "attributes": a.attributes.iter()
            .filter(|(n, _)| !changes || (n != "Old Value" && n != "New Value" && n != "Attribute Name"))
            .map(|(n, v)| json!({ "name": n, "value": v }))
            .collect::<Vec<_>>(),
    });
    if let Some(campaign) = &a.campaign {
        row["campaignName"] = json!(campaign);
    }
    if changes && a.kind == ActivityKind::ChangeDataValue {
        row["fields"] = json!([{
            "id": 0,
            "name": rest_name(&a.asset),
            "newValue": attribute("New Value"),
            "oldValue": attribute("Old Value"),
        }]);
    }
    row
}
