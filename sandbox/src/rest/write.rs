//! The sandbox's REST calls that change data or read static lists: Sync Leads and static list
//! membership (choices listed in [`super::leads`]).

use chrono::Utc;
use serde_json::{Value, json};

use super::input::{SyncLeadsBody, field};
use super::reply::{MAX_RECORDS, page, partition_names, text};
use super::reply::{Reply, Row};
use crate::service::Service;
use crate::store::StoredLead;

fn skipped(code: u32, message: impl Into<String>) -> Value {
    json!({"status": "skipped", "reasons": [{"code": code.to_string(), "message": message.into()}]})
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    CreateOnly,
    UpdateOnly,
    CreateOrUpdate,
    CreateDuplicate,
}

/// `POST /rest/v1/leads.json`.
pub fn sync_leads(service: &Service, body: &[u8]) -> Reply {
    // Only an object is a body (a typed reader would also take an array).
    let request = (body.trim_ascii_start().first() == Some(&b'{'))
        .then(|| serde_json::from_slice::<SyncLeadsBody>(body).ok())
        .flatten();
    let Some(request) = request else {
        return Reply::error(609, "Invalid JSON");
    };
    let action = match request.action.0.as_deref() {
        None | Some("createOrUpdate") => Action::CreateOrUpdate,
        Some("createOnly") => Action::CreateOnly,
        Some("updateOnly") => Action::UpdateOnly,
        Some("createDuplicate") => Action::CreateDuplicate,
        Some(other) => return Reply::error(1003, format!("Invalid action '{other}'")),
    };
    let lookup = request.lookup_field.0.unwrap_or_else(|| "email".to_owned());
    let partition = request.partition_name.0;
    let Some(input) = request.input.0 else {
        return Reply::error(701, "input cannot be blank");
    };
    if input.len() > MAX_RECORDS {
        return Reply::error(
            1003,
            format!(
                "At most {MAX_RECORDS} records per call, got {}",
                input.len()
            ),
        );
    }
    let partitions = partition_names(service);
    let default_partition = service.default_partition().to_owned();
    let partition_known = partition
        .as_ref()
        .is_none_or(|p| partitions.iter().any(|n| n == p));
    let mut store = service.lock_store();
    let mut changed = Vec::new();
    let mut result = Vec::with_capacity(input.len());
    for record in input {
        let Some(fields) = record.0 else {
            result.push(Row::Json(skipped(1001, "Invalid record: not an object")));
            continue;
        };
        if !partition_known {
            result.push(Row::Json(skipped(
                1008,
                format!(
                    "Access denied to partition '{}'",
                    partition.as_deref().unwrap_or("")
                ),
            )));
            continue;
        }
        match sync_one(
            service,
            &mut store,
            fields,
            action,
            &lookup,
            partition.as_deref(),
            &default_partition,
        ) {
            Ok((id, created, ids)) => {
                changed.extend(ids);
                let status = if created { "created" } else { "updated" };
                result.push(Row::Saved { id, status });
            }
            Err(reason) => result.push(Row::Json(reason)),
        }
    }
    if let Err(e) = store.persist(&changed) {
        return Reply::error(611, format!("System error: storage: {e}"));
    }
    Reply::Rows(result)
}

type Synced = (i32, bool, Vec<i32>);

fn sync_one(
    service: &Service,
    store: &mut crate::store::Store,
    record: Vec<(String, Value)>,
    action: Action,
    lookup: &str,
    partition: Option<&str>,
    default_partition: &str,
) -> Result<Synced, Value> {
    let lookup_value = field(&record, lookup).map(text);
    // Fields to write, checked before anything changes.
    let mut email = None;
    let mut fields = Vec::with_capacity(record.len());
    for (name, value) in record {
        match name.as_str() {
            "id" => {
                if action != Action::UpdateOnly {
                    return Err(skipped(1003, "id is allowed only with action updateOnly"));
                }
            }
            "createdAt" | "updatedAt" => {
                return Err(skipped(1003, format!("Field '{name}' is read only")));
            }
            "email" => email = Some(into_text(value)),
            other => match service.rest_field(other) {
                Some(field) => fields.push((field.name.as_str(), into_text(value))),
                None => return Err(skipped(1006, format!("Field '{other}' not found"))),
            },
        }
    }
    if lookup == "id" && action != Action::UpdateOnly {
        return Err(skipped(
            1003,
            "lookupField 'id' is allowed only with action updateOnly",
        ));
    }
    let matched: Option<StoredLead> = if action == Action::CreateDuplicate {
        None
    } else {
        let Some(value) = lookup_value.filter(|v| !v.is_empty()) else {
            return Err(skipped(
                1003,
                format!("Value for lookup field '{lookup}' not specified"),
            ));
        };
        let found = match lookup {
            "id" => value
                .parse::<i32>()
                .ok()
                .and_then(|id| store.get(id))
                .into_iter()
                .collect::<Vec<_>>(),
            "email" => store.by_email(&value),
            other => match service.rest_field(other) {
                Some(field) => store
                    .all()
                    .filter(|l| l.fields.get(&field.name).is_some_and(|v| *v == value))
                    .collect(),
                None => {
                    return Err(skipped(
                        1011,
                        format!("Field '{other}' not supported for lookupField"),
                    ));
                }
            },
        };
        if found.len() > 1 && action != Action::CreateOnly {
            return Err(skipped(1007, "Multiple lead match lookup criteria"));
        }
        found.first().map(|l| (*l).clone())
    };
    let created = match (action, &matched) {
        (Action::CreateOnly, Some(_)) => return Err(skipped(1005, "Lead already exists")),
        (Action::UpdateOnly, None) => return Err(skipped(1004, "Lead not found")),
        (_, Some(lead)) => {
            if partition.is_some_and(|p| p != lead.partition) {
                return Err(skipped(1010, "Partition update not allowed"));
            }
            false
        }
        (_, None) => true,
    };
    let mut lead =
        matched.unwrap_or_else(|| store.new_lead(partition.unwrap_or(default_partition)));
    if let Some(email) = email {
        lead.email = (!email.is_empty()).then_some(email);
    }
    for (name, value) in fields {
        match lead.fields.get_mut(name) {
            Some(stored) => *stored = value,
            None => {
                lead.fields.insert(name.to_owned(), value);
            }
        }
    }
    lead.updated_at = Utc::now();
    let id = lead.id;
    let changed = store.put(lead);
    Ok((id, created, changed))
}

/// A JSON input value as stored text, without copying a string.
fn into_text(value: Value) -> String {
    match value {
        Value::String(s) => s,
        other => text(&other),
    }
}

/// `GET /rest/v1/lists.json?name=a,b&id=1,2`.
pub fn lists(service: &Service, pairs: &[(String, String)]) -> Reply {
    let names: Vec<&str> = pairs
        .iter()
        .filter(|(n, _)| n == "name")
        .flat_map(|(_, v)| v.split(','))
        .collect();
    let ids: Vec<i32> = pairs
        .iter()
        .filter(|(n, _)| n == "id")
        .flat_map(|(_, v)| v.split(','))
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    let store = service.lock_store();
    let workspace = service
        .config()
        .workspaces
        .first()
        .map_or("Default", |(w, _)| w.as_str())
        .to_owned();
    let result = service
        .config()
        .lists
        .iter()
        .filter_map(|name| store.list_id(name).map(|id| (id, name)))
        .filter(|(id, name)| {
            (names.is_empty() || names.contains(&name.as_str()))
                && (ids.is_empty() || ids.contains(id))
        })
        .map(|(id, name)| json!({"id": id, "name": name, "workspaceName": workspace}))
        .collect();
    Reply::ok(result)
}

/// Lead ids from repeated `id` parameters (or comma lists), or a JSON body `{"input":[{"id":n}]}`.
fn lead_ids(pairs: &[(String, String)], body: &[u8]) -> Result<Vec<String>, Reply> {
    let mut ids: Vec<String> = pairs
        .iter()
        .filter(|(n, _)| n == "id")
        .flat_map(|(_, v)| v.split(','))
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect();
    if ids.is_empty() && !body.is_empty() {
        let Ok(value) = serde_json::from_slice::<Value>(body) else {
            return Err(Reply::error(609, "Invalid JSON"));
        };
        if let Some(input) = value.get("input").and_then(Value::as_array) {
            ids = input
                .iter()
                .map(|r| r.get("id").map(text).unwrap_or_default())
                .collect();
        }
    }
    if ids.is_empty() {
        return Err(Reply::error(701, "id cannot be blank"));
    }
    if ids.len() > MAX_RECORDS {
        return Err(Reply::error(
            1003,
            format!("At most {MAX_RECORDS} ids per call"),
        ));
    }
    Ok(ids)
}

fn list_name(service: &Service, id: i32) -> Result<String, Reply> {
    service
        .lock_store()
        .list_name(id)
        .map(str::to_owned)
        .ok_or_else(|| Reply::error(1013, format!("Static list {id} not found")))
}

fn id_json(id: &str) -> Value {
    id.parse::<i64>().map_or_else(|_| json!(id), |n| json!(n))
}

/// `POST` (add) or `DELETE` (remove) `/rest/v1/lists/{id}/leads.json`.
pub fn change_members(
    service: &Service,
    list: i32,
    pairs: &[(String, String)],
    body: &[u8],
    add: bool,
) -> Reply {
    let name = match list_name(service, list) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let ids = match lead_ids(pairs, body) {
        Ok(ids) => ids,
        Err(reply) => return reply,
    };
    let mut store = service.lock_store();
    let mut changed = Vec::new();
    let mut result = Vec::with_capacity(ids.len());
    for id in &ids {
        let lead = id.parse::<i32>().ok().filter(|n| store.get(*n).is_some());
        let Some(lead) = lead else {
            let mut r = skipped(1004, "Lead not found");
            r["id"] = id_json(id);
            result.push(r);
            continue;
        };
        if !add && !store.is_member(&name, lead) {
            let mut r = skipped(1015, "Lead not in list");
            r["id"] = json!(lead);
            result.push(r);
            continue;
        }
        changed.push(lead);
        result.push(json!({"id": lead, "status": if add { "added" } else { "removed" }}));
    }
    if let Err(e) = store.change_members(&name, &changed, add) {
        return Reply::error(611, format!("System error: storage: {e}"));
    }
    Reply::ok(result)
}

/// `GET /rest/v1/lists/{id}/leads/ismember.json`.
pub fn is_member(service: &Service, list: i32, pairs: &[(String, String)], body: &[u8]) -> Reply {
    let name = match list_name(service, list) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let ids = match lead_ids(pairs, body) {
        Ok(ids) => ids,
        Err(reply) => return reply,
    };
    let store = service.lock_store();
    let result = ids
        .iter()
        .map(
            |id| match id.parse::<i32>().ok().filter(|n| store.get(*n).is_some()) {
                None => {
                    let mut r = skipped(1004, "Lead not found");
                    r["id"] = id_json(id);
                    r
                }
                Some(lead) => json!({
                    "id": lead,
                    "status": if store.is_member(&name, lead) { "memberof" } else { "notmemberof" },
                }),
            },
        )
        .collect();
    Reply::ok(result)
}

/// `GET /rest/v1/lists/{id}/leads.json`: the members, paged.
pub fn list_members(service: &Service, list: i32, pairs: &[(String, String)]) -> Reply {
    let name = match list_name(service, list) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let store = service.lock_store();
    let mut members: Vec<&StoredLead> = store.list_members(&name).collect();
    members.sort_by_key(|l| l.id);
    page(service, &members, pairs)
}

/// `POST /rest/v1/leads/{id}/associate.json?cookie=`: ties a Munchkin cookie to the lead (a
/// cookie held by another lead moves to this one).
pub fn associate(service: &Service, id: i32, cookie: Option<&str>) -> Reply {
    let Some(cookie) = cookie.filter(|c| !c.is_empty()) else {
        return Reply::error(701, "cookie cannot be blank");
    };
    let mut store = service.lock_store();
    let Some(mut lead) = store.get(id).cloned() else {
        return Reply::error(1004, "Lead not found");
    };
    if !lead.cookies.iter().any(|c| c == cookie) {
        lead.cookies.push(cookie.to_owned());
    }
    lead.updated_at = Utc::now();
    let changed = store.put(lead);
    if let Err(e) = store.persist(&changed) {
        return Reply::error(611, format!("System error: storage: {e}"));
    }
    Reply::ok(Vec::new())
}
