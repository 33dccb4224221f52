//! The REST face's shared pieces: a call's [`Reply`] and the envelope it is wrapped in, the
//! query parameters, and the lead helpers several calls share (REST field names, the
//! `fields` parameter, lead rows, paging by `batchSize` and `nextPageToken`).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use crate::service::Service;
use crate::store::StoredLead;
pub use mktows_server::marketo::rest_name;

/// Most records, filter values or ids per call.
pub const MAX_RECORDS: usize = 300;

/// A REST call's answer before it is wrapped in the envelope.
pub enum Reply {
    /// `success: true` with `result` (and paging when `next` is set or `more` is true).
    Result {
        /// The records.
        result: Vec<Value>,
        /// `nextPageToken`, when there is one.
        next: Option<String>,
        /// `moreResult` (written only for paged calls).
        more: Option<bool>,
    },
    /// `success: false` with one error.
    Error {
        /// Code, e.g. `1013`.
        code: u32,
        /// Message.
        message: String,
    },
    /// `success: true` with `result` rows written without a [`Value`] each (Sync Leads).
    Rows(Vec<Row>),
    /// A file rather than the JSON envelope (bulk `failures.json` is CSV).
    Csv(String),
}

/// One `result` row.
#[derive(Debug)]
pub enum Row {
    /// Any JSON.
    Json(Value),
    /// `{"id": 5, "status": "created"}`.
    Saved {
        /// The record's id.
        id: i32,
        /// `created` or `updated`.
        status: &'static str,
    },
}

impl serde::Serialize for Row {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Row::Json(value) => value.serialize(serializer),
            Row::Saved { id, status } => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("id", id)?;
                map.serialize_entry("status", status)?;
                map.end()
            }
        }
    }
}

/// The envelope, in the member order of Marketo's examples.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Envelope<R> {
    request_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<R>,
    success: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    more_result: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_page_token: Option<String>,
}

impl<R> Envelope<R> {
    /// `success: true` with `result` and its paging members.
    fn success(
        request_id: String,
        result: R,
        more_result: Option<bool>,
        next_page_token: Option<String>,
    ) -> Envelope<R> {
        Envelope {
            request_id,
            result: Some(result),
            success: true,
            errors: None,
            more_result,
            next_page_token,
        }
    }
}

impl Reply {
    /// A plain result.
    pub fn ok(result: Vec<Value>) -> Reply {
        Reply::Result {
            result,
            next: None,
            more: None,
        }
    }

    /// A response-level error.
    pub fn error(code: u32, message: impl Into<String>) -> Reply {
        Reply::Error {
            code,
            message: message.into(),
        }
    }

    /// The JSON envelope of a reply other than [`Reply::Csv`], with this `requestId`.
    pub fn into_json(self, request_id: String) -> Response {
        let reply = self;
        // `to_vec` writes straight to bytes (`to_string` goes through `fmt`).
        let body = match reply {
            Reply::Result { result, next, more } => {
                serde_json::to_vec(&Envelope::success(request_id, result, more, next))
            }
            Reply::Rows(rows) => {
                serde_json::to_vec(&Envelope::success(request_id, rows, None, None))
            }
            Reply::Error { code, message } => serde_json::to_vec(&Envelope::<()> {
                request_id,
                result: None,
                success: false,
                errors: Some(json!([{"code": code.to_string(), "message": message}])),
                more_result: None,
                next_page_token: None,
            }),
            Reply::Csv(_) => Ok(Vec::new()),
        };
        (
            [(header::CONTENT_TYPE, "application/json;charset=UTF-8")],
            body.unwrap_or_default(),
        )
            .into_response()
    }
}

/// Query parameters in order (repeated names kept).
pub fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

/// The first value of `name`.
pub fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// A JSON input value as stored text.
pub fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A record skipped with a reason, with its input position (custom objects, opportunities).
pub fn skipped_at(seq: usize, code: u32, message: impl Into<String>) -> Value {
    json!({"seq": seq, "status": "skipped",
           "reasons": [{"code": code.to_string(), "message": message.into()}]})
}

fn time(t: &DateTime<Utc>) -> Value {
    Value::String(t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// The SOAP name of a REST field name, when the field exists.
pub fn soap_field(service: &Service, rest: &str) -> Option<String> {
    service.rest_field(rest).map(|f| f.name.clone())
}

/// A lead as REST shows it, with `fields` (REST names; all known ones when `None`).
pub fn rest_lead(service: &Service, lead: &StoredLead, fields: Option<&[String]>) -> Value {
    let mut out = Map::new();
    let all;
    let fields = match fields {
        Some(f) => f,
        None => {
            all = service
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
            other => match soap_field(service, other) {
                Some(soap) => match lead.fields.get(&soap).filter(|v| !v.is_empty()) {
                    None => Value::Null,
                    Some(v) => typed(
                        service
                            .field(&soap)
                            .map_or("string", |f| f.data_type.as_str()),
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

fn known_rest_field(service: &Service, name: &str) -> bool {
    matches!(name, "id" | "createdAt" | "updatedAt" | "cookies")
        || soap_field(service, name).is_some()
}

/// The requested `fields` (default: Marketo's six), or response-level 1006.
pub fn requested_fields(
    service: &Service,
    pairs: &[(String, String)],
) -> Result<Vec<String>, Reply> {
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
    match fields.iter().find(|f| !known_rest_field(service, f)) {
        Some(unknown) => Err(Reply::error(1006, format!("Field '{unknown}' not found"))),
        None => Ok(fields),
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
pub fn page(service: &Service, leads: &[&StoredLead], pairs: &[(String, String)]) -> Reply {
    let fields = match requested_fields(service, pairs) {
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
        .map(|l| rest_lead(service, l, Some(&fields)))
        .collect();
    let more = end < leads.len();
    Reply::Result {
        result,
        next: more.then(|| format!("MKTOWSSBX{end:x}")),
        more: Some(more),
    }
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
