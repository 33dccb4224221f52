//! The sandbox's REST lead database calls, run on the store under its lock (see
//! [`super::rest`] for HTTP, tokens and limits). Field names: a SOAP field `FirstName` is REST
//! `firstName` (first letter lower-cased), as `describe.json` reports both.
//!
//! Choices where Marketo is undocumented (record-level reasons are `skipped` with one reason):
//! - `lookupField` values missing from a record: 1003 "Value for lookup field 'x' not specified";
//! - `id` as `lookupField` with an action other than `updateOnly`, or `id` sent with
//!   `createOnly`/`createDuplicate`: 1003; `createdAt`/`updatedAt` sent: 1003 (read only);
//! - an unknown `partitionName`: 1008 "Access denied to partition"; updating a lead that lives
//!   in another partition than the one named: 1010;
//! - more than 300 records or filter values, or a bad `batchSize`/`nextPageToken`: response-level
//!   1003; an unknown field in `fields`: response-level 1006; an unsupported `filterType`:
//!   response-level 1011; an unknown list id: response-level 1013;
//! - `lead/{id}.json` for an unknown id: `success:true` with an empty `result`;
//! - removing a lead that is not a member: skipped 1015 "Lead not in list"; adding a member
//!   again: `added`;
//! - an email lookup matching several leads (duplicates): 1007 for updates;
//! - Associate Lead with an unknown lead id: 1004 "Lead not found"; without a cookie: 701;
//!   success is `result: []`.

use axum::http::Method;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use super::rest::{Reply, param};
use super::rest_write::{associate, change_members, is_member, list_members, lists, sync_leads};
use super::service::Service;
use super::store::{Store, StoredLead};

/// Most records, filter values or ids per call.
pub const MAX_RECORDS: usize = 300;

/// Most leads a filter may match.
const MAX_MATCHES: usize = 1000;

pub use mktows_server::marketo::rest_name;

fn time(t: &DateTime<Utc>) -> Value {
    Value::String(t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// Routes one REST call (path after `/rest/`).
pub fn dispatch(
    service: &Service,
    method: &Method,
    path: &str,
    pairs: &[(String, String)],
    body: &[u8],
) -> Reply {
    let segments: Vec<&str> = path.split('/').collect();
    let method = method.as_str();
    match segments.as_slice() {
        ["v1", "leads.json"] => match method {
            "POST" if param(pairs, "_method") == Some("GET") => {
                // A long read sent as a form body.
                let mut all = pairs.to_vec();
                all.extend(form_urlencoded::parse(body).into_owned());
                get_leads(service, &all)
            }
            "POST" => sync_leads(service, body),
            "GET" => get_leads(service, pairs),
            _ => Reply::error(605, "Request method not supported"),
        },
        ["v1", "lead", file] if method == "GET" => match file
            .strip_suffix(".json")
            .and_then(|id| id.parse::<i32>().ok())
        {
            Some(id) => lead_by_id(service, id, pairs),
            None => Reply::error(610, "Requested resource not found"),
        },
        ["v1", "leads", "describe.json"] if method == "GET" => describe(service),
        ["v1", "leads", id, "associate.json"] if method == "POST" => match id.parse::<i32>() {
            Ok(id) => associate(service, id, param(pairs, "cookie")),
            Err(_) => Reply::error(610, "Requested resource not found"),
        },
        ["v1", "leads", id, "merge.json"] if method == "POST" => match id.parse::<i32>() {
            Ok(id) => super::rest_merge::merge(service, id, pairs),
            Err(_) => Reply::error(610, "Requested resource not found"),
        },
        ["v1", "leads", "partitions.json"] if method == "GET" => partitions(service),
        ["v1", "lists.json"] if method == "GET" => lists(service, pairs),
        ["v1", "lists", id, rest @ ..] => {
            let Ok(id) = id.trim_end_matches(".json").parse::<i32>() else {
                return Reply::error(610, "Requested resource not found");
            };
            match (rest, method) {
                (["leads.json"], "GET") => list_members(service, id, pairs),
                (["leads.json"], "POST") => change_members(service, id, pairs, body, true),
                (["leads.json"], "DELETE") => change_members(service, id, pairs, body, false),
                (["leads", "ismember.json"], "GET") => is_member(service, id, pairs, body),
                _ => Reply::error(610, "Requested resource not found"),
            }
        }
        other => super::rest_campaigns::dispatch(service, method, other, pairs, body)
            .or_else(|| super::rest_assets::dispatch(service, method, other, pairs))
            .or_else(|| super::rest_activities::dispatch(service, method, other, pairs))
            .or_else(|| super::rest_custom_objects::dispatch(service, method, other, pairs, body))
            .or_else(|| super::rest_opportunities::dispatch(service, method, other, pairs, body))
            .unwrap_or_else(|| Reply::error(610, "Requested resource not found")),
    }
}

impl Service {
    /// The SOAP name of a REST field name, when the field exists.
    fn soap_field(&self, rest: &str) -> Option<String> {
        self.rest_field(rest).map(|f| f.name.clone())
    }

    /// A lead as REST shows it, with `fields` (REST names; all known ones when `None`).
    fn rest_lead(&self, lead: &StoredLead, fields: Option<&[String]>) -> Value {
        let mut out = Map::new();
        let all;
        let fields = match fields {
            Some(f) => f,
            None => {
                all = self
                    .config()
                    .fields
                    .iter()
                    .map(|f| rest_name(&f.name))
                    .chain(["id", "createdAt", "updatedAt"].map(String::from))
                    .collect::<Vec<_>>();
                &all
            }
        };
        for name in fields {
            let value = match name.as_str() {
                "id" => json!(lead.id),
                "email" => lead.email.clone().map_or(Value::Null, Value::String),
                "createdAt" => time(&lead.created_at),
                "updatedAt" => time(&lead.updated_at),
                "cookies" => lead
                    .cookies
                    .first()
                    .cloned()
                    .map_or(Value::Null, Value::String),
                other => match self.soap_field(other) {
                    Some(soap) => match lead.fields.get(&soap).filter(|v| !v.is_empty()) {
                        None => Value::Null,
                        Some(v) => typed(
                            self.field(&soap).map_or("string", |f| f.data_type.as_str()),
                            v,
                        ),
                    },
                    None => Value::Null,
                },
            };
            out.insert(name.clone(), value);
        }
        Value::Object(out)
    }

    fn known_rest_field(&self, name: &str) -> bool {
        matches!(name, "id" | "createdAt" | "updatedAt" | "cookies")
            || self.soap_field(name).is_some()
    }

    /// The requested `fields` (default: Marketo's six), or response-level 1006.
    fn requested_fields(&self, pairs: &[(String, String)]) -> Result<Vec<String>, Reply> {
        let fields: Vec<String> = match param(pairs, "fields").filter(|f| !f.trim().is_empty()) {
            Some(list) => list.split(',').map(|f| f.trim().to_owned()).collect(),
            None => [
                "email",
                "updatedAt",
                "createdAt",
                "lastName",
                "firstName",
                "id",
            ]
            .map(String::from)
            .to_vec(),
        };
        match fields.iter().find(|f| !self.known_rest_field(f)) {
            Some(unknown) => Err(Reply::error(1006, format!("Field '{unknown}' not found"))),
            None => Ok(fields),
        }
    }
}

/// A stored text value as JSON of the field's type.
fn typed(data_type: &str, value: &str) -> Value {
    match data_type {
        "integer" => value
            .parse::<i64>()
            .map_or_else(|_| json!(value), |n| json!(n)),
        "boolean" => match value {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => json!(value),
        },
        "currency" | "float" => value
            .parse::<f64>()
            .map_or_else(|_| json!(value), |n| json!(n)),
        _ => json!(value),
    }
}

fn page_params(pairs: &[(String, String)]) -> Result<(usize, usize), Reply> {
    let batch = match param(pairs, "batchSize") {
        None => MAX_RECORDS,
        Some(b) => match b.parse::<usize>() {
            Ok(n) if (1..=MAX_RECORDS).contains(&n) => n,
            _ => return Err(Reply::error(1003, format!("Invalid batchSize '{b}'"))),
        },
    };
    let offset = match param(pairs, "nextPageToken") {
        None => 0,
        Some(token) => match token
            .strip_prefix("MKTOWSSBX")
            .and_then(|n| usize::from_str_radix(n, 16).ok())
        {
            Some(n) => n,
            None => return Err(Reply::error(1003, "Invalid nextPageToken")),
        },
    };
    Ok((offset, batch))
}

/// One page of `leads` as a paged reply.
pub(super) fn page(service: &Service, leads: &[&StoredLead], pairs: &[(String, String)]) -> Reply {
    let fields = match service.requested_fields(pairs) {
        Ok(f) => f,
        Err(reply) => return reply,
    };
    let (offset, batch) = match page_params(pairs) {
        Ok(p) => p,
        Err(reply) => return reply,
    };
    let start = offset.min(leads.len());
    let end = (start + batch).min(leads.len());
    let result = leads[start..end]
        .iter()
        .map(|l| service.rest_lead(l, Some(&fields)))
        .collect();
    let more = end < leads.len();
    Reply::Result {
        result,
        next: more.then(|| format!("MKTOWSSBX{end:x}")),
        more: Some(more),
    }
}

fn find<'a>(
    service: &Service,
    store: &'a Store,
    field: &str,
    value: &str,
) -> Result<Vec<&'a StoredLead>, Reply> {
    Ok(match field {
        "id" => value
            .trim()
            .parse::<i32>()
            .ok()
            .and_then(|id| store.get(id))
            .into_iter()
            .collect(),
        "email" => store.by_email(value),
        "cookies" | "cookie" => store.by_cookie(value).into_iter().collect(),
        other => match service.soap_field(other) {
            Some(soap) => store
                .all()
                .filter(|l| l.fields.get(&soap).is_some_and(|v| v == value))
                .collect(),
            None => {
                return Err(Reply::error(
                    1011,
                    format!("Field '{other}' not supported for filterType or lookupField"),
                ));
            }
        },
    })
}

fn get_leads(service: &Service, pairs: &[(String, String)]) -> Reply {
    let (Some(filter), Some(values)) = (param(pairs, "filterType"), param(pairs, "filterValues"))
    else {
        return Reply::error(1003, "filterType and filterValues are required");
    };
    let values: Vec<&str> = values.split(',').filter(|v| !v.is_empty()).collect();
    if values.len() > MAX_RECORDS {
        return Reply::error(1003, format!("At most {MAX_RECORDS} filterValues"));
    }
    let store = service.lock_store();
    let mut found: Vec<&StoredLead> = Vec::new();
    for value in values {
        match find(service, &store, filter, value) {
            Ok(leads) => found.extend(leads),
            Err(reply) => return reply,
        }
    }
    found.sort_by_key(|l| l.id);
    found.dedup_by_key(|l| l.id);
    if found.len() > MAX_MATCHES {
        return Reply::error(1003, "Too many results match the filter");
    }
    page(service, &found, pairs)
}

fn lead_by_id(service: &Service, id: i32, pairs: &[(String, String)]) -> Reply {
    let fields = match service.requested_fields(pairs) {
        Ok(f) => f,
        Err(reply) => return reply,
    };
    let store = service.lock_store();
    Reply::ok(
        store
            .get(id)
            .map(|l| service.rest_lead(l, Some(&fields)))
            .into_iter()
            .collect(),
    )
}

fn describe(service: &Service) -> Reply {
    let mut result = vec![json!({
        "id": 1, "displayName": "Id", "dataType": "integer",
        "rest": {"name": "id", "readOnly": true},
    })];
    for (i, field) in service.config().fields.iter().enumerate() {
        result.push(json!({
            "id": i + 2,
            "displayName": super::describe::display_name(&field.name),
            "dataType": field.data_type,
            "length": 255,
            "rest": {"name": rest_name(&field.name), "readOnly": false},
            "soap": {"name": field.name, "readOnly": false},
        }));
    }
    let next = service.config().fields.len() + 2;
    for (i, name) in ["createdAt", "updatedAt"].iter().enumerate() {
        result.push(json!({
            "id": next + i, "displayName": name, "dataType": "datetime",
            "rest": {"name": name, "readOnly": true},
        }));
    }
    Reply::ok(result)
}

/// The partitions: the workspaces' primary partitions, in order, without repeats.
pub fn partition_names(service: &Service) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (_, partition) in &service.config().workspaces {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(partition)) {
            names.push(partition.clone());
        }
    }
    names
}

fn partitions(service: &Service) -> Reply {
    Reply::ok(
        partition_names(service)
            .into_iter()
            .enumerate()
            .map(|(i, name)| json!({"id": i + 1, "name": name, "description": ""}))
            .collect(),
    )
}
