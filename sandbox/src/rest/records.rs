//! The sandbox's REST calls over its other records — custom objects and opportunities — kept
//! in the same objects table as SOAP's: one generic set of calls (describe, sync, get,
//! delete) described for each kind by a [`Kind`]: its stored name, its dedupe fields, the
//! REST → stored name of its other fields, and the few rules that differ.
//!
//! Custom objects: `GET /v1/customobjects/{name}/describe.json`, `POST
//! /v1/customobjects/{name}.json` (sync), `GET /v1/customobjects/{name}.json` (by
//! `filterType`/`filterValues`, or `POST ?_method=GET` with
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
//!   without `fields`, the documented default fields only (`marketoGUID`, the dedupe fields,
//!   `createdAt`, `updatedAt`); `batchSize` ≤ 300; `nextPageToken` an offset, with
//!   `moreResult`;
//! - delete: `deleteBy` `dedupeFields` (default) or `idField`; `deleted`, or `skipped` 1013.
//!
//! Opportunities, over the same records as SOAP's MObjects: `GET|POST /v1/opportunities.json`
//! (read by filter, sync), `POST /v1/opportunities/delete.json` and `GET
//! /v1/opportunities/describe.json` (Describe Opportunity: `marketoGUID`,
//! `externalOpportunityId`, `createdAt`, `updatedAt`, then the SOAP Opportunity's attributes
//! and the fixture's extra ones, with the data types and display names SOAP's
//! `describeMObject` gives them).
//!
//! Choices where Marketo is undocumented:
//! - REST field names are the SOAP attribute names with the first letter lower-cased
//!   (`Amount` → `amount`); the dedupe field `externalOpportunityId` is the record's external
//!   key value, `marketoGUID` its id;
//! - sync: `action` `createOrUpdate` (default), `createOnly`, `updateOnly`; `dedupeBy`
//!   `dedupeFields` (default) or `idField` (`updateOnly`); per record `created`/`updated` or
//!   `skipped`: 1006 unknown field, 1003 no `externalOpportunityId`, 1005 exists, 1013 not found;
//! - read: `filterType` `externalOpportunityId`, `marketoGUID` or any field (exact values,
//!   ignoring case); `fields` default as for custom objects (`marketoGUID`,
//!   `externalOpportunityId`, `createdAt`, `updatedAt`); ≤ 300 per page, `nextPageToken`;
//! - at most 300 records per call (1003); roles (`/v1/opportunities/roles...`) are not served
//!   (610); deleting an opportunity deletes its roles, as through SOAP.
//!
//! For both, a record with several unknown fields is skipped naming the first of them.

use std::collections::BTreeMap;

use chrono::Utc;
use serde_json::{Map, Value, json};

use super::reply::{MAX_RECORDS, Reply, param, rest_name, skipped_at, text};
use crate::describe::{attribute_type, display_name, mobject_fields};
use crate::service::Service;
use crate::store::Store;
use crate::store::objects::StoredObject;

/// The opportunity dedupe field.
const DEDUPE: &str = "externalOpportunityId";

/// A kind of record the REST face serves: what differs between custom objects and
/// opportunities.
pub struct Kind {
    /// The stored kind (`Opportunity`, or the custom object type's name).
    name: String,
    /// The dedupe fields as REST names them, in key order.
    keys: Vec<String>,
    /// The other fields: (REST name, stored attribute name).
    fields: Vec<(String, String)>,
    /// Prefix of the `nextPageToken`s handed out.
    page_prefix: &'static str,
    /// Whether `filterType` may be any field (opportunities) or only a dedupe field.
    filter_any_field: bool,
    /// Records deleted with one of this kind: (their kind, their attribute holding its id).
    dependents: Option<(&'static str, &'static str)>,
    /// The `describe.json` result.
    describe: Value,
}

/// The custom object type `name` of the fixture, or the 1003 reply naming it.
pub fn custom_object(service: &Service, name: &str) -> Result<Kind, Reply> {
    let Some(kind) = service
        .config()
        .catalog
        .custom_objects
        .iter()
        .find(|t| t.name == name)
    else {
        return Err(Reply::error(
            1003,
            format!("Custom object {name} not found"),
        ));
    };
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
    Ok(Kind {
        name: kind.name.clone(),
        keys: kind.keys.clone(),
        fields: kind
            .fields
            .iter()
            .map(|f| (f.name.clone(), f.name.clone()))
            .collect(),
        page_prefix: "MKTOWSCO",
        filter_any_field: false,
        dependents: None,
        describe: json!({
            "name": kind.name, "displayName": kind.name, "idField": "marketoGUID",
            "dedupeFields": kind.keys, "searchableFields": searchable, "fields": fields,
            "relationships": [], "state": "approved", "version": "approved",
        }),
    })
}

/// Opportunities: the standard attributes and the fixture's, under their REST names.
pub fn opportunity(service: &Service) -> Kind {
    let names = mobject_fields(service, "Opportunity");
    let mut fields = vec![
        json!({"name": "marketoGUID", "displayName": "Marketo GUID", "dataType": "string",
               "length": 36, "updateable": false}),
        json!({"name": DEDUPE, "displayName": "External Opportunity Id", "dataType": "string",
               "length": 50, "updateable": false}),
        json!({"name": "createdAt", "displayName": "Created At", "dataType": "datetime",
               "updateable": false}),
        json!({"name": "updatedAt", "displayName": "Updated At", "dataType": "datetime",
               "updateable": false}),
    ];
    for name in &names {
        fields.push(
            json!({"name": rest_name(name), "displayName": display_name(name),
                           "dataType": attribute_type(name), "updateable": true}),
        );
    }
    Kind {
        name: "Opportunity".into(),
        keys: vec![DEDUPE.into()],
        fields: names.into_iter().map(|n| (rest_name(&n), n)).collect(),
        page_prefix: "MKTOWSOP",
        filter_any_field: true,
        dependents: Some(("OpportunityPersonRole", "OpportunityId")),
        describe: json!({
            "name": "opportunity", "displayName": "Opportunity", "idField": "marketoGUID",
            "dedupeFields": [DEDUPE], "searchableFields": [[DEDUPE], ["marketoGUID"]],
            "fields": fields,
        }),
    }
}

impl Kind {
    /// The stored attribute name of a (non-key) REST field.
    fn attribute(&self, rest: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(r, _)| r == rest)
            .map(|(_, stored)| stored.as_str())
    }

    /// The value of a REST field (a dedupe field or another) of `object`.
    fn value(&self, object: &StoredObject, rest: &str) -> Option<String> {
        match self.keys.iter().position(|k| k == rest) {
            Some(i) => object.key.get(i).map(|(_, v)| v.clone()),
            None => object.attributes.get(self.attribute(rest)?).cloned(),
        }
    }

    /// Whether `fields` may name `name`.
    fn readable(&self, name: &str) -> bool {
        matches!(name, "marketoGUID" | "createdAt" | "updatedAt")
            || self.keys.iter().any(|k| k == name)
            || self.attribute(name).is_some()
    }
}

/// `describe.json`.
pub fn describe(kind: &Kind) -> Reply {
    Reply::ok(vec![kind.describe.clone()])
}

/// Whether a stored key is `key` (values compared ignoring case and surrounding blanks, as
/// Marketo's dedupe does).
fn same_key(stored: &[(String, String)], key: &[(String, String)]) -> bool {
    stored.len() == key.len()
        && stored
            .iter()
            .zip(key)
            .all(|((_, a), (_, b))| a.trim().eq_ignore_ascii_case(b.trim()))
}

fn by_key<'a>(store: &'a Store, kind: &Kind, key: &[(String, String)]) -> Option<&'a StoredObject> {
    store
        .objects()
        .of_kind(&kind.name)
        .find(|o| same_key(&o.key, key))
}

/// The key `input` gives by its dedupe fields (`Err`: the skip reason).
fn key_of(
    store: &Store,
    kind: &Kind,
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
    kind: &Kind,
    input: &Map<String, Value>,
) -> Option<&'a StoredObject> {
    let id = StoredObject::id_of_guid(&text(input.get("marketoGUID")?))?;
    store.objects().get(&kind.name, id)
}

/// The `input` array of a request, at most [`MAX_RECORDS`] long.
fn input_of(request: &Value) -> Result<&Vec<Value>, Reply> {
    let Some(input) = request.get("input").and_then(Value::as_array) else {
        return Err(Reply::error(1003, "input is required"));
    };
    if input.len() > MAX_RECORDS {
        return Err(Reply::error(
            1003,
            format!("At most {MAX_RECORDS} records, not {}", input.len()),
        ));
    }
    Ok(input)
}

/// A record's attribute values by stored name; `Err` names the first unknown field.
fn values_of(kind: &Kind, record: &Map<String, Value>) -> Result<BTreeMap<String, String>, String> {
    let mut values = BTreeMap::new();
    for (name, value) in record {
        match kind.attribute(name) {
            Some(stored) => {
                values.insert(stored.to_owned(), text(value));
            }
            None if name == "marketoGUID" || kind.keys.contains(name) => {}
            None => return Err(name.clone()),
        }
    }
    Ok(values)
}

/// The record a sync input names: found by id or key (an earlier record of the same call
/// first), or a new one (id 0) unless `update_only`. `Err`: the skip reason.
fn target(
    store: &Store,
    kind: &Kind,
    put: &mut Vec<StoredObject>,
    record: &Map<String, Value>,
    by_id: bool,
    update_only: bool,
) -> Result<StoredObject, (u32, String)> {
    let found = if by_id {
        by_guid(store, kind, record).cloned()
    } else {
        let key = key_of(store, kind, record)?;
        match put.iter().position(|o| same_key(&o.key, &key)) {
            Some(i) => Some(put.remove(i)),
            None => by_key(store, kind, &key).cloned(),
        }
        .or_else(|| {
            (!update_only).then(|| StoredObject {
                kind: kind.name.clone(),
                id: 0,
                key,
                attributes: BTreeMap::new(),
                created_at: Utc::now(),
                updated_at: Utc::now(),
            })
        })
    };
    found.ok_or((1013, "Record not found".into()))
}

/// Sync (`POST` of the records).
pub fn sync(service: &Service, kind: &Kind, request: &Value) -> Reply {
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
    let input = match input_of(request) {
        Ok(input) => input,
        Err(reply) => return reply,
    };
    let mut store = service.lock_store();
    let mut put: Vec<StoredObject> = Vec::new();
    let mut result = Vec::with_capacity(input.len());
    for (seq, record) in input.iter().enumerate() {
        let Some(record) = record.as_object() else {
            result.push(skipped_at(seq, 1001, "Invalid record: not an object"));
            continue;
        };
        let values = match values_of(kind, record) {
            Ok(values) => values,
            Err(name) => {
                result.push(skipped_at(seq, 1006, format!("Field '{name}' not found")));
                continue;
            }
        };
        let update_only = action == "updateOnly";
        let mut object = match target(&store, kind, &mut put, record, by_id, update_only) {
            Ok(object) => object,
            Err((code, message)) => {
                result.push(skipped_at(seq, code, message));
                continue;
            }
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

fn row(kind: &Kind, object: &StoredObject, seq: usize, fields: &[String]) -> Value {
    let mut row = Map::new();
    row.insert("seq".into(), json!(seq));
    row.insert("marketoGUID".into(), json!(object.guid()));
    for name in fields {
        let value = match name.as_str() {
            "createdAt" => Some(object.created_at.to_rfc3339()),
            "updatedAt" => Some(object.updated_at.to_rfc3339()),
            "marketoGUID" => None,
            _ => kind.value(object, name),
        };
        if let Some(value) = value {
            row.insert(name.clone(), json!(value));
        }
    }
    Value::Object(row)
}

/// The `fields` asked for (default: the dedupe fields, `createdAt` and `updatedAt`; every row
/// has `marketoGUID`), or 1006 naming an unknown one.
fn fields_of(
    kind: &Kind,
    pairs: &[(String, String)],
    body: Option<&Value>,
) -> Result<Vec<String>, Reply> {
    let mut fields: Vec<String> = match body.and_then(|b| b.get("fields")).and_then(Value::as_array)
    {
        Some(list) => list.iter().map(text).collect(),
        None => param(pairs, "fields")
            .map(|f| f.split(',').map(|s| s.trim().to_owned()).collect())
            .unwrap_or_default(),
    };
    if fields.is_empty() {
        fields = kind.keys.clone();
        fields.extend(["createdAt".to_owned(), "updatedAt".to_owned()]);
    }
    match fields.iter().find(|f| !kind.readable(f)) {
        Some(unknown) => Err(Reply::error(1006, format!("Field '{unknown}' not found"))),
        None => Ok(fields),
    }
}

/// `batchSize` and the offset `nextPageToken` names.
fn page_of(kind: &Kind, pairs: &[(String, String)]) -> Result<(usize, usize), Reply> {
    let batch = match param(pairs, "batchSize").map(str::parse::<usize>) {
        None => MAX_RECORDS,
        Some(Ok(n)) if (1..=MAX_RECORDS).contains(&n) => n,
        Some(_) => return Err(Reply::error(1003, "Invalid batchSize")),
    };
    let offset = match param(pairs, "nextPageToken") {
        None => 0,
        Some(token) => match token
            .strip_prefix(kind.page_prefix)
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(n) => n,
            None => return Err(Reply::error(1003, "Invalid nextPageToken")),
        },
    };
    Ok((batch, offset))
}

/// The records a `filterType` and its values (or compound keys in `body`) select.
fn matching<'a>(
    store: &'a Store,
    kind: &Kind,
    filter_type: &str,
    pairs: &[(String, String)],
    body: Option<&Value>,
) -> Result<Vec<&'a StoredObject>, Reply> {
    Ok(match (filter_type, body) {
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
                if let Some(object) = by_key(store, kind, &key) {
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
        (name, _)
            if kind.keys.iter().any(|k| k == name)
                || (kind.filter_any_field && kind.attribute(name).is_some()) =>
        {
            let values: Vec<String> = param(pairs, "filterValues")
                .unwrap_or_default()
                .split(',')
                .map(|v| v.trim().to_lowercase())
                .collect();
            store
                .objects()
                .of_kind(&kind.name)
                .filter(|o| {
                    kind.value(o, name)
                        .is_some_and(|v| values.contains(&v.trim().to_lowercase()))
                })
                .collect()
        }
        (other, _) => return Err(Reply::error(1003, format!("Invalid filterType {other}"))),
    })
}

/// Get (by `filterType`; `body` is the JSON of a `POST ?_method=GET`).
pub fn get(
    service: &Service,
    kind: &Kind,
    pairs: &[(String, String)],
    body: Option<&Value>,
) -> Reply {
    let filter_type = body
        .and_then(|b| b.get("filterType").and_then(Value::as_str))
        .or_else(|| param(pairs, "filterType"));
    let Some(filter_type) = filter_type else {
        return Reply::error(1003, "filterType is required");
    };
    let fields = match fields_of(kind, pairs, body) {
        Ok(fields) => fields,
        Err(reply) => return reply,
    };
    let (batch, offset) = match page_of(kind, pairs) {
        Ok(page) => page,
        Err(reply) => return reply,
    };
    let store = service.lock_store();
    let matching = match matching(&store, kind, filter_type, pairs, body) {
        Ok(found) => found,
        Err(reply) => return reply,
    };
    let page: Vec<Value> = matching
        .iter()
        .skip(offset)
        .take(batch)
        .enumerate()
        .map(|(i, o)| row(kind, o, offset + i, &fields))
        .collect();
    let end = offset + page.len();
    let more = end < matching.len();
    Reply::Result {
        result: page,
        next: more.then(|| format!("{}{end}", kind.page_prefix)),
        more: Some(more),
    }
}

/// Delete (by `deleteBy`).
pub fn delete(service: &Service, kind: &Kind, request: &Value) -> Reply {
    let by_id = match request.get("deleteBy").and_then(Value::as_str) {
        None | Some("dedupeFields") => false,
        Some("idField") => true,
        Some(other) => return Reply::error(1003, format!("Invalid deleteBy {other}")),
    };
    let input = match input_of(request) {
        Ok(input) => input,
        Err(reply) => return reply,
    };
    let mut store = service.lock_store();
    let mut doomed: Vec<(String, i64)> = Vec::new();
    let mut result = Vec::with_capacity(input.len());
    for (seq, record) in input.iter().enumerate() {
        let found = record.as_object().and_then(|record| {
            if by_id {
                by_guid(&store, kind, record).map(|o| o.id)
            } else {
                let key = key_of(&store, kind, record).ok()?;
                by_key(&store, kind, &key).map(|o| o.id)
            }
        });
        match found.filter(|id| !doomed.iter().any(|(_, d)| d == id)) {
            Some(id) => {
                if let Some((dependent, field)) = kind.dependents {
                    let of_it: Vec<(String, i64)> = store
                        .objects()
                        .of_kind(dependent)
                        .filter(|r| r.get(field).map(str::trim) == Some(&id.to_string()))
                        .map(|r| (dependent.to_owned(), r.id))
                        .collect();
                    doomed.extend(of_it);
                }
                doomed.push((kind.name.clone(), id));
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
