//! The sandbox's REST opportunity calls over the same records as SOAP's MObjects: `GET|POST
//! /v1/opportunities.json` (read by filter, sync), `POST /v1/opportunities/delete.json` and
//! `GET /v1/opportunities/describe.json`.
//!
//! Choices where Marketo is undocumented:
//! - REST field names are the SOAP attribute names with the first letter lower-cased
//!   (`Amount` → `amount`); the dedupe field `externalOpportunityId` is the record's external
//!   key value, `marketoGUID` its id;
//! - sync: `action` `createOrUpdate` (default), `createOnly`, `updateOnly`; `dedupeBy`
//!   `dedupeFields` (default) or `idField` (`updateOnly`); per record `created`/`updated` or
//!   `skipped`: 1006 unknown field, 1003 no `externalOpportunityId`, 1005 exists, 1013 not found;
//! - read: `filterType` `externalOpportunityId`, `marketoGUID` or any field (exact values,
//!   ignoring case); `fields` default to the dedupe field; ≤ 300 per page, `nextPageToken`;
//! - at most 300 records per call (1003); roles (`/v1/opportunities/roles...`) are not served
//!   (610).

use std::collections::BTreeMap;

use chrono::Utc;
use serde_json::{Map, Value, json};

use super::reply::rest_name;
use super::reply::{Reply, param};
use super::reply::{skipped_at, text};
use crate::describe::mobject_fields;
use crate::objects::StoredObject;
use crate::service::Service;

const KIND: &str = "Opportunity";
const DEDUPE: &str = "externalOpportunityId";
const MAX_RECORDS: usize = 300;
const PAGE_PREFIX: &str = "MKTOWSOP";

/// Routes `v1/opportunities...`; `None` for other paths.
pub fn dispatch(
    service: &Service,
    method: &str,
    segments: &[&str],
    pairs: &[(String, String)],
    body: &[u8],
) -> Option<Reply> {
    let json = || serde_json::from_slice::<Value>(body);
    Some(match (segments, method) {
        (["v1", "opportunities.json"], "GET") => get(service, pairs),
        (["v1", "opportunities.json"], "POST") => match json() {
            Ok(request) => sync(service, &request),
            Err(e) => Reply::error(609, format!("Invalid JSON: {e}")),
        },
        (["v1", "opportunities", "delete.json"], "POST") => match json() {
            Ok(request) => delete(service, &request),
            Err(e) => Reply::error(609, format!("Invalid JSON: {e}")),
        },
        (["v1", "opportunities", "describe.json"], "GET") => describe(service),
        (["v1", "opportunities", ..], _) => Reply::error(610, "Requested resource not found"),
        _ => return None,
    })
}

/// SOAP attribute name of a REST field.
fn soap_field(service: &Service, rest: &str) -> Option<String> {
    mobject_fields(service, KIND)
        .into_iter()
        .find(|f| rest_name(f) == rest)
}

fn describe(service: &Service) -> Reply {
    let mut fields = vec![
        json!({"name": "marketoGUID", "displayName": "Marketo GUID", "dataType": "string", "updateable": false}),
        json!({"name": DEDUPE, "displayName": "External Opportunity Id", "dataType": "string", "updateable": false}),
    ];
    for name in mobject_fields(service, KIND) {
        fields.push(json!({"name": rest_name(&name), "displayName": name, "dataType": "string", "updateable": true}));
    }
    Reply::ok(vec![json!({
        "name": "opportunity", "displayName": "Opportunity", "idField": "marketoGUID",
        "dedupeFields": [DEDUPE], "searchableFields": [[DEDUPE], ["marketoGUID"]],
        "fields": fields,
    })])
}

fn row(object: &StoredObject, seq: usize, fields: &[String]) -> Value {
    let mut row = Map::new();
    row.insert("seq".into(), json!(seq));
    row.insert("marketoGUID".into(), json!(object.guid()));
    for name in fields {
        let value = match name.as_str() {
            DEDUPE => object.key.first().map(|(_, v)| v.clone()),
            "createdAt" => Some(object.created_at.to_rfc3339()),
            "updatedAt" => Some(object.updated_at.to_rfc3339()),
            _ => object
                .attributes
                .iter()
                .find(|(k, _)| rest_name(k) == *name)
                .map(|(_, v)| v.clone()),
        };
        if let Some(value) = value {
            row.insert(name.clone(), json!(value));
        }
    }
    Value::Object(row)
}

fn sync(service: &Service, request: &Value) -> Reply {
    let action = request
        .get("action")
        .and_then(Value::as_str)
        .unwrap_or("createOrUpdate");
    if !matches!(action, "createOrUpdate" | "createOnly" | "updateOnly") {
        return Reply::error(1003, format!("Invalid action {action}"));
    }
    let by_id = match request.get("dedupeBy").and_then(Value::as_str) {
        None | Some("dedupeFields") => false,
        Some("idField") if action == "updateOnly" => true,
        Some(other) => return Reply::error(1003, format!("Invalid dedupeBy {other} for {action}")),
    };
    let Some(input) = request.get("input").and_then(Value::as_array) else {
        return Reply::error(1003, "input is required");
    };
    if input.len() > MAX_RECORDS {
        return Reply::error(
            1003,
            format!("At most {MAX_RECORDS} records, not {}", input.len()),
        );
    }
    let mut store = service.lock_store();
    let mut put: Vec<StoredObject> = Vec::new();
    let mut result = Vec::with_capacity(input.len());
    for (seq, record) in input.iter().enumerate() {
        let Some(record) = record.as_object() else {
            result.push(skipped_at(seq, 1001, "Invalid record: not an object"));
            continue;
        };
        let mut values = BTreeMap::new();
        let mut unknown = None;
        for (name, value) in record {
            if matches!(name.as_str(), DEDUPE | "marketoGUID") {
                continue;
            }
            match soap_field(service, name) {
                Some(soap) => {
                    values.insert(soap, text(value));
                }
                None => unknown = Some(name.clone()),
            }
        }
        if let Some(name) = unknown {
            result.push(skipped_at(seq, 1006, format!("Field '{name}' not found")));
            continue;
        }
        let found = if by_id {
            record
                .get("marketoGUID")
                .and_then(|g| StoredObject::id_of_guid(&text(g)))
                .and_then(|id| store.objects().get(KIND, id).cloned())
        } else {
            let Some(external) = record
                .get(DEDUPE)
                .map(text)
                .filter(|v| !v.trim().is_empty())
            else {
                result.push(skipped_at(
                    seq,
                    1003,
                    format!("Value for required field '{DEDUPE}' not specified"),
                ));
                continue;
            };
            let matches = |o: &StoredObject| {
                o.key
                    .first()
                    .is_some_and(|(_, v)| v.eq_ignore_ascii_case(external.trim()))
            };
            match put.iter().position(&matches) {
                Some(i) => Some(put.remove(i)),
                None => store.objects().of_kind(KIND).find(|o| matches(o)).cloned(),
            }
            .or_else(|| {
                (action != "updateOnly").then(|| StoredObject {
                    kind: KIND.into(),
                    id: 0,
                    key: vec![(DEDUPE.to_owned(), external.trim().to_owned())],
                    attributes: BTreeMap::new(),
                    created_at: Utc::now(),
                    updated_at: Utc::now(),
                })
            })
        };
        let Some(mut object) = found else {
            result.push(skipped_at(seq, 1013, "Record not found"));
            continue;
        };
        let created = object.id == 0;
        if !created && action == "createOnly" {
            result.push(skipped_at(seq, 1005, "Record already exists"));
            continue;
        }
        if created {
            object.id = store.allocate_object_id();
        }
        object.attributes.extend(values);
        object.updated_at = Utc::now();
        result.push(
            json!({"seq": seq, "status": if created { "created" } else { "updated" },
                           "marketoGUID": object.guid()}),
        );
        put.push(object);
    }
    match store.change_objects(put, &[]) {
        Ok(()) => Reply::ok(result),
        Err(e) => Reply::error(611, format!("System error: {e}")),
    }
}

fn get(service: &Service, pairs: &[(String, String)]) -> Reply {
    let Some(filter_type) = param(pairs, "filterType") else {
        return Reply::error(1003, "filterType is required");
    };
    let values: Vec<String> = param(pairs, "filterValues")
        .unwrap_or_default()
        .split(',')
        .map(|v| v.trim().to_lowercase())
        .collect();
    let mut fields: Vec<String> = param(pairs, "fields")
        .map(|f| f.split(',').map(|s| s.trim().to_owned()).collect())
        .unwrap_or_default();
    if fields.is_empty() {
        fields.push(DEDUPE.to_owned());
    }
    if let Some(unknown) = fields.iter().find(|f| {
        !matches!(
            f.as_str(),
            DEDUPE | "marketoGUID" | "createdAt" | "updatedAt"
        ) && soap_field(service, f).is_none()
    }) {
        return Reply::error(1006, format!("Field '{unknown}' not found"));
    }
    let filter_field = match filter_type {
        DEDUPE | "marketoGUID" => None,
        other => match soap_field(service, other) {
            Some(soap) => Some(soap),
            None => return Reply::error(1003, format!("Invalid filterType {other}")),
        },
    };
    let batch = match param(pairs, "batchSize").map(str::parse::<usize>) {
        None => MAX_RECORDS,
        Some(Ok(n)) if (1..=MAX_RECORDS).contains(&n) => n,
        Some(_) => return Reply::error(1003, "Invalid batchSize"),
    };
    let offset = match param(pairs, "nextPageToken") {
        None => 0,
        Some(token) => match token
            .strip_prefix(PAGE_PREFIX)
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(n) => n,
            None => return Reply::error(1003, "Invalid nextPageToken"),
        },
    };
    let store = service.lock_store();
    let matching: Vec<&StoredObject> = store
        .objects()
        .of_kind(KIND)
        .filter(|o| {
            let value = match (filter_type, &filter_field) {
                (DEDUPE, _) => o.key.first().map(|(_, v)| v.clone()),
                ("marketoGUID", _) => Some(o.guid()),
                (_, Some(soap)) => o.attributes.get(soap).cloned(),
                _ => None,
            };
            value.is_some_and(|v| values.contains(&v.trim().to_lowercase()))
        })
        .collect();
    let page: Vec<Value> = matching
        .iter()
        .skip(offset)
        .take(batch)
        .enumerate()
        .map(|(i, o)| row(o, offset + i, &fields))
        .collect();
    let end = offset + page.len();
    let more = end < matching.len();
    Reply::Result {
        result: page,
        next: more.then(|| format!("{PAGE_PREFIX}{end}")),
        more: Some(more),
    }
}

fn delete(service: &Service, request: &Value) -> Reply {
    let by_id = match request.get("deleteBy").and_then(Value::as_str) {
        None | Some("dedupeFields") => false,
        Some("idField") => true,
        Some(other) => return Reply::error(1003, format!("Invalid deleteBy {other}")),
    };
    let Some(input) = request.get("input").and_then(Value::as_array) else {
        return Reply::error(1003, "input is required");
    };
    if input.len() > MAX_RECORDS {
        return Reply::error(
            1003,
            format!("At most {MAX_RECORDS} records, not {}", input.len()),
        );
    }
    let mut store = service.lock_store();
    let mut doomed: Vec<(String, i64)> = Vec::new();
    let mut result = Vec::with_capacity(input.len());
    for (seq, record) in input.iter().enumerate() {
        let found = record.as_object().and_then(|record| {
            if by_id {
                let id = StoredObject::id_of_guid(&text(record.get("marketoGUID")?))?;
                store.objects().get(KIND, id).map(|o| o.id)
            } else {
                let external = text(record.get(DEDUPE)?);
                store
                    .objects()
                    .of_kind(KIND)
                    .find(|o| {
                        o.key
                            .first()
                            .is_some_and(|(_, v)| v.eq_ignore_ascii_case(external.trim()))
                    })
                    .map(|o| o.id)
            }
        });
        match found.filter(|id| !doomed.iter().any(|(_, d)| d == id)) {
            Some(id) => {
                // Its roles go with it, as through SOAP.
                let roles: Vec<(String, i64)> = store
                    .objects()
                    .of_kind("OpportunityPersonRole")
                    .filter(|r| r.get("OpportunityId").map(str::trim) == Some(&id.to_string()))
                    .map(|r| ("OpportunityPersonRole".to_owned(), r.id))
                    .collect();
                doomed.extend(roles);
                doomed.push((KIND.to_owned(), id));
                result.push(json!({"seq": seq, "status": "deleted",
                                   "marketoGUID": StoredObject::guid_of(id)}));
            }
            None => result.push(skipped_at(seq, 1013, "Record not found")),
        }
    }
    match store.change_objects(Vec::new(), &doomed) {
        Ok(()) => Reply::ok(result),
        Err(e) => Reply::error(611, format!("System error: {e}")),
    }
}
