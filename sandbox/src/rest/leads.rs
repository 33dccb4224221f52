//! The sandbox's REST lead database calls, run on the store under its lock (see
//! [`super`] for HTTP, tokens and limits). Field names: a SOAP field `FirstName` is REST
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

use serde_json::json;

use super::reply::{
    MAX_RECORDS, Reply, page, param, partition_names, requested_fields, rest_lead, rest_name,
    soap_field,
};
use crate::service::Service;
use crate::store::{Store, StoredLead};

/// Most leads a filter may match.
const MAX_MATCHES: usize = 1000;

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
        other => match soap_field(service, other) {
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

/// `GET /rest/v1/leads.json?filterType=&filterValues=` (also a `POST` with `_method=GET`).
pub fn get_leads(service: &Service, pairs: &[(String, String)]) -> Reply {
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

/// `GET /rest/v1/lead/{id}.json`.
pub fn lead_by_id(service: &Service, id: i32, pairs: &[(String, String)]) -> Reply {
    let fields = match requested_fields(service, pairs) {
        Ok(f) => f,
        Err(reply) => return reply,
    };
    let store = service.lock_store();
    Reply::ok(
        store
            .get(id)
            .map(|l| rest_lead(service, l, Some(&fields)))
            .into_iter()
            .collect(),
    )
}

/// `GET /rest/v1/leads/describe.json`: the lead fields with their REST and SOAP names.
pub fn describe(service: &Service) -> Reply {
    let mut result = vec![json!({
        "id": 1, "displayName": "Id", "dataType": "integer",
        "rest": {"name": "id", "readOnly": true},
    })];
    for (i, field) in service.config().fields.iter().enumerate() {
        result.push(json!({
            "id": i + 2,
            "displayName": crate::describe::display_name(&field.name),
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

/// `GET /rest/v1/leads/partitions.json`.
pub fn partitions(service: &Service) -> Reply {
    Reply::ok(
        partition_names(service)
            .into_iter()
            .enumerate()
            .map(|(i, name)| json!({"id": i + 1, "name": name, "description": ""}))
            .collect(),
    )
}
