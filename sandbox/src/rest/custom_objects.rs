//! The sandbox's REST custom-object calls over the same records as SOAP's: `GET
//! /v1/customobjects/{name}/describe.json`, `POST /v1/customobjects/{name}.json` (sync), `GET
//! /v1/customobjects/{name}.json` (by `filterType`/`filterValues`, or `POST ?_method=GET` with
//! `{"filterType":"dedupeFields","input":[{...}]}` for compound keys) and `POST
//! /v1/customobjects/{name}/delete.json`.
//!
//! Choices where Marketo is undocumented:
//! - field names are the fixture's (the same as SOAP's); `marketoGUID` is the record's id;
//! - an unknown object is 1003 "Custom object NAME not found"; more than 300 records is 1003;
//! - sync: `action` `createOrUpdate` (default), `createOnly`, `updateOnly`; `dedupeBy`
//!   `dedupeFields` (default) or `idField` (with `marketoGUID`, `updateOnly` only); per record
//!   `created`/`updated`, or `skipped` with a reason: 1006 unknown field, 1003 missing dedupe
//!   field or MKTOID that is no lead, 1005 exists (`createOnly`), 1013 not found (`updateOnly`);
//! - get: `filterType` a dedupe field, `marketoGUID`, or `dedupeFields` (compound, POST);
//!   `fields` default to the dedupe fields; `batchSize` ≤ 300; `nextPageToken` an offset, with
//!   `moreResult`;
//! - delete: `deleteBy` `dedupeFields` (default) or `idField`; `deleted`, or `skipped` 1013.

use std::collections::BTreeMap;

use chrono::Utc;
use serde_json::{Map, Value, json};

use super::reply::{Reply, param};
use super::reply::{skipped_at, text};
use crate::fixture::CustomObjectType;
use crate::objects::StoredObject;
use crate::service::Service;
use crate::store::Store;

/// Most records per call.
const MAX_RECORDS: usize = 300;

const PAGE_PREFIX: &str = "MKTOWSCO";

/// Routes `v1/customobjects/...`; `None` for other paths.
pub fn dispatch(
    service: &Service,
    method: &str,
    segments: &[&str],
    pairs: &[(String, String)],
    body: &[u8],
) -> Option<Reply> {
    let (name, rest) = match segments {
        ["v1", "customobjects", file] => (file.strip_suffix(".json")?, None),
        ["v1", "customobjects", name, action] => (*name, Some(*action)),
        _ => return None,
    };
    let Some(kind) = service
        .config()
        .catalog
        .custom_objects
        .iter()
        .find(|t| t.name == name)
    else {
        return Some(Reply::error(
            1003,
            format!("Custom object {name} not found"),
        ));
    };
    let json = || serde_json::from_slice::<Value>(body);
    Some(match (rest, method) {
        (Some("describe.json"), "GET") => describe(kind),
        (None, "GET") => get(service, kind, pairs, None),
        (None, "POST") if param(pairs, "_method") == Some("GET") => match json() {
            Ok(request) => get(service, kind, pairs, Some(&request)),
            Err(e) => Reply::error(609, format!("Invalid JSON: {e}")),
        },
        (None, "POST") => match json() {
            Ok(request) => sync(service, kind, &request),
            Err(e) => Reply::error(609, format!("Invalid JSON: {e}")),
        },
        (Some("delete.json"), "POST") => match json() {
            Ok(request) => delete(service, kind, &request),
            Err(e) => Reply::error(609, format!("Invalid JSON: {e}")),
        },
        _ => Reply::error(610, "Requested resource not found"),
    })
}

fn describe(kind: &CustomObjectType) -> Reply {
    let mut fields = vec![json!({"name": "marketoGUID", "displayName": "Marketo GUID",
                                 "dataType": "string", "length": 36, "updateable": false})];
    for key in &kind.keys {
        fields.push(
            json!({"name": key, "displayName": key, "dataType": "string", "updateable": false}),
        );
    }
    for field in &kind.fields {
        fields.push(json!({"name": field.name, "displayName": field.name,
                           "dataType": field.data_type, "updateable": true}));
    }
    let mut searchable = vec![kind.keys.clone()];
    searchable.extend(kind.keys.iter().map(|k| vec![k.clone()]));
    Reply::ok(vec![json!({
        "name": kind.name, "displayName": kind.name, "idField": "marketoGUID",
        "dedupeFields": kind.keys, "searchableFields": searchable, "fields": fields,
        "relationships": [], "state": "approved", "version": "approved",
    })])
}

/// The record `input` names by its dedupe fields (`Err`: the skip reason).
fn key_of(
    store: &Store,
    kind: &CustomObjectType,
    input: &Map<String, Value>,
) -> Result<Vec<(String, String)>, (u32, String)> {
    let mut key = Vec::new();
    for name in &kind.keys {
        let value = input
            .get(name)
            .map(text)
            .filter(|v| !v.trim().is_empty())
            .ok_or((
                1003,
                format!("Value for required field '{name}' not specified"),
            ))?;
        if name == "MKTOID"
            && value
                .trim()
                .parse::<i32>()
                .ok()
                .and_then(|id| store.get(id))
                .is_none()
        {
            return Err((1003, format!("MKTOID {value} is not a lead")));
        }
        key.push((name.clone(), value.trim().to_owned()));
    }
    Ok(key)
}

fn by_guid<'a>(
    store: &'a Store,
    kind: &CustomObjectType,
    input: &Map<String, Value>,
) -> Option<&'a StoredObject> {
    let id = StoredObject::id_of_guid(&text(input.get("marketoGUID")?))?;
    store.objects().get(&kind.name, id)
}

fn sync(service: &Service, kind: &CustomObjectType, request: &Value) -> Reply {
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
        if let Some(unknown) = record
            .keys()
            .find(|name| name.as_str() != "marketoGUID" && !kind.has_field(name))
        {
            result.push(skipped_at(
                seq,
                1006,
                format!("Field '{unknown}' not found"),
            ));
            continue;
        }
        let found = if by_id {
            by_guid(&store, kind, record).cloned()
        } else {
            match key_of(&store, kind, record) {
                Ok(key) => {
                    let earlier = put.iter().position(|o| {
                        o.key
                            .iter()
                            .zip(&key)
                            .all(|((_, a), (_, b))| a.eq_ignore_ascii_case(b))
                    });
                    match earlier {
                        Some(i) => Some(put.remove(i)),
                        None => store.objects().by_key(&kind.name, &key).cloned(),
                    }
                    .or_else(|| {
                        (action != "updateOnly").then(|| StoredObject {
                            kind: kind.name.clone(),
                            id: 0,
                            key,
                            attributes: BTreeMap::new(),
                            created_at: Utc::now(),
                            updated_at: Utc::now(),
                        })
                    })
                }
                Err((code, message)) => {
                    result.push(skipped_at(seq, code, message));
                    continue;
                }
            }
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
        for field in &kind.fields {
            if let Some(value) = record.get(&field.name) {
                object.attributes.insert(field.name.clone(), text(value));
            }
        }
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

fn row(object: &StoredObject, seq: usize, fields: &[String]) -> Value {
    let mut row = Map::new();
    row.insert("seq".into(), json!(seq));
    row.insert("marketoGUID".into(), json!(object.guid()));
    for name in fields {
        let value = match name.as_str() {
            "createdAt" => Some(object.created_at.to_rfc3339()),
            "updatedAt" => Some(object.updated_at.to_rfc3339()),
            "marketoGUID" => None,
            _ => object.get(name).map(str::to_owned),
        };
        if let Some(value) = value {
            row.insert(name.clone(), json!(value));
        }
    }
    Value::Object(row)
}

fn get(
    service: &Service,
    kind: &CustomObjectType,
    pairs: &[(String, String)],
    body: Option<&Value>,
) -> Reply {
    let filter_type = body
        .and_then(|b| b.get("filterType").and_then(Value::as_str))
        .or_else(|| param(pairs, "filterType"));
    let Some(filter_type) = filter_type else {
        return Reply::error(1003, "filterType is required");
    };
    let mut fields: Vec<String> = match body.and_then(|b| b.get("fields")).and_then(Value::as_array)
    {
        Some(list) => list.iter().map(text).collect(),
        None => param(pairs, "fields")
            .map(|f| f.split(',').map(|s| s.trim().to_owned()).collect())
            .unwrap_or_default(),
    };
    if fields.is_empty() {
        fields = kind.keys.clone();
    }
    if let Some(unknown) = fields.iter().find(|f| {
        !kind.has_field(f) && !matches!(f.as_str(), "marketoGUID" | "createdAt" | "updatedAt")
    }) {
        return Reply::error(1006, format!("Field '{unknown}' not found"));
    }
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
    let all: Vec<&StoredObject> = store.objects().of_kind(&kind.name).collect();
    let matching: Vec<&StoredObject> = match (filter_type, body) {
        ("dedupeFields", Some(body)) => {
            let inputs = body
                .get("input")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let mut found = Vec::new();
            for input in inputs.iter().filter_map(Value::as_object) {
                let key: Vec<(String, String)> = kind
                    .keys
                    .iter()
                    .map(|k| (k.clone(), input.get(k).map(text).unwrap_or_default()))
                    .collect();
                if let Some(object) = store.objects().by_key(&kind.name, &key) {
                    found.push(object);
                }
            }
            found
        }
        ("marketoGUID", _) => {
            let values = param(pairs, "filterValues").unwrap_or_default();
            values
                .split(',')
                .filter_map(StoredObject::id_of_guid)
                .filter_map(|id| store.objects().get(&kind.name, id))
                .collect()
        }
        (name, _) if kind.keys.iter().any(|k| k == name) => {
            let values: Vec<String> = param(pairs, "filterValues")
                .unwrap_or_default()
                .split(',')
                .map(|v| v.trim().to_lowercase())
                .collect();
            all.into_iter()
                .filter(|o| {
                    o.get(name)
                        .is_some_and(|v| values.contains(&v.trim().to_lowercase()))
                })
                .collect()
        }
        (other, _) => return Reply::error(1003, format!("Invalid filterType {other}")),
    };
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

fn delete(service: &Service, kind: &CustomObjectType, request: &Value) -> Reply {
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
                by_guid(&store, kind, record).cloned()
            } else {
                let key = key_of(&store, kind, record).ok()?;
                store.objects().by_key(&kind.name, &key).cloned()
            }
        });
        match found.filter(|o| !doomed.iter().any(|(_, id)| *id == o.id)) {
            Some(object) => {
                result.push(json!({"seq": seq, "status": "deleted", "marketoGUID": object.guid()}));
                doomed.push((kind.name.clone(), object.id));
            }
            None => result.push(skipped_at(seq, 1013, "Record not found")),
        }
    }
    match store.change_objects(Vec::new(), &doomed) {
        Ok(()) => Reply::ok(result),
        Err(e) => Reply::error(611, format!("System error: {e}")),
    }
}
