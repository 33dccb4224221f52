//! The REST face's routing: which handler answers a path and method under `/rest/` (the
//! `/identity` and `/bulk` routes are in [`super`]). This is the only module that knows every
//! handler; the handlers know the shared [`super::reply`] and the store, not each other.

use axum::http::Method;

use super::records::{self, Kind};
use super::reply::{Reply, param};
use super::{activities, assets, campaigns, leads, merge, write};
use crate::service::Service;
use serde_json::Value;

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
                leads::get_leads(service, &all)
            }
            "POST" => write::sync_leads(service, body),
            "GET" => leads::get_leads(service, pairs),
            _ => Reply::error(605, "Request method not supported"),
        },
        ["v1", "lead", file] if method == "GET" => match file
            .strip_suffix(".json")
            .and_then(|id| id.parse::<i32>().ok())
        {
            Some(id) => leads::lead_by_id(service, id, pairs),
            None => Reply::error(610, "Requested resource not found"),
        },
        ["v1", "leads", "describe.json"] if method == "GET" => leads::describe(service),
        ["v1", "leads", id, "associate.json"] if method == "POST" => match id.parse::<i32>() {
            Ok(id) => write::associate(service, id, param(pairs, "cookie")),
            Err(_) => Reply::error(610, "Requested resource not found"),
        },
        ["v1", "leads", id, "merge.json"] if method == "POST" => match id.parse::<i32>() {
            Ok(id) => merge::merge(service, id, pairs),
            Err(_) => Reply::error(610, "Requested resource not found"),
        },
        ["v1", "leads", "partitions.json"] if method == "GET" => leads::partitions(service),
        ["v1", "lists.json"] if method == "GET" => write::lists(service, pairs),
        ["v1", "lists", id, rest @ ..] => {
            let Ok(id) = id.trim_end_matches(".json").parse::<i32>() else {
                return Reply::error(610, "Requested resource not found");
            };
            match (rest, method) {
                (["leads.json"], "GET") => write::list_members(service, id, pairs),
                (["leads.json"], "POST") => write::change_members(service, id, pairs, body, true),
                (["leads.json"], "DELETE") => {
                    write::change_members(service, id, pairs, body, false)
                }
                (["leads", "ismember.json"], "GET") => write::is_member(service, id, pairs, body),
                _ => Reply::error(610, "Requested resource not found"),
            }
        }
        other => campaigns::dispatch(service, method, other, pairs, body)
            .or_else(|| assets::dispatch(service, method, other, pairs))
            .or_else(|| activities::dispatch(service, method, other, pairs))
            .or_else(|| records_route(service, method, other, pairs, body))
            .unwrap_or_else(|| Reply::error(610, "Requested resource not found")),
    }
}

/// Routes `v1/customobjects/...` and `v1/opportunities...` to [`records`]; `None` for other
/// paths.
fn records_route(
    service: &Service,
    method: &str,
    segments: &[&str],
    pairs: &[(String, String)],
    body: &[u8],
) -> Option<Reply> {
    let (kind, action): (Result<Kind, Reply>, Option<&str>) = match segments {
        ["v1", "customobjects", file] => (
            records::custom_object(service, file.strip_suffix(".json")?),
            None,
        ),
        ["v1", "customobjects", name, action] => {
            (records::custom_object(service, name), Some(*action))
        }
        ["v1", "opportunities.json"] => (Ok(records::opportunity(service)), None),
        [
            "v1",
            "opportunities",
            action @ ("delete.json" | "describe.json"),
        ] => (Ok(records::opportunity(service)), Some(*action)),
        ["v1", "opportunities", ..] => {
            return Some(Reply::error(610, "Requested resource not found"));
        }
        _ => return None,
    };
    let kind = match kind {
        Ok(kind) => kind,
        Err(reply) => return Some(reply),
    };
    let json = || serde_json::from_slice::<Value>(body);
    // Only custom objects take a long read as `POST ?_method=GET`.
    let custom = segments[1] == "customobjects";
    Some(match (action, method) {
        (Some("describe.json"), "GET") => records::describe(&kind),
        (None, "GET") => records::get(service, &kind, pairs, None),
        (None, "POST") if custom && param(pairs, "_method") == Some("GET") => match json() {
            Ok(request) => records::get(service, &kind, pairs, Some(&request)),
            Err(e) => Reply::error(609, format!("Invalid JSON: {e}")),
        },
        (None, "POST") => match json() {
            Ok(request) => records::sync(service, &kind, &request),
            Err(e) => Reply::error(609, format!("Invalid JSON: {e}")),
        },
        (Some("delete.json"), "POST") => match json() {
            Ok(request) => records::delete(service, &kind, &request),
            Err(e) => Reply::error(609, format!("Invalid JSON: {e}")),
        },
        _ => Reply::error(610, "Requested resource not found"),
    })
}
