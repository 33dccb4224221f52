//! The REST face's routing: which handler answers a path and method under `/rest/` (the
//! `/identity` and `/bulk` routes are in [`super`]). This is the only module that knows every
//! handler; the handlers know the shared [`super::reply`] and the store, not each other.

use axum::http::Method;

use super::reply::{Reply, param};
use super::{activities, assets, campaigns, custom_objects, leads, merge, opportunities, write};
use crate::service::Service;

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
            .or_else(|| custom_objects::dispatch(service, method, other, pairs, body))
            .or_else(|| opportunities::dispatch(service, method, other, pairs, body))
            .unwrap_or_else(|| Reply::error(610, "Requested resource not found")),
    }
}
