//! The sandbox's REST asset calls over the fixture: channels (`GET /asset/v1/channels.json`)
//! and tag types (`GET /asset/v1/tagTypes.json`), paged by `offset` and `maxReturn` (default
//! 20, at most 200), as Marketo's asset API. Choice where Marketo is undocumented: an
//! `offset` past the end answers an empty `result`.

use serde_json::{Value, json};

use super::reply::{Reply, param};
use crate::service::Service;

/// Routes `asset/v1/channels.json` and `asset/v1/tagTypes.json`; `None` for other paths.
pub fn dispatch(
    service: &Service,
    method: &str,
    segments: &[&str],
    pairs: &[(String, String)],
) -> Option<Reply> {
    let catalog = &service.config().catalog;
    let rows: Vec<Value> = match (segments, method) {
        (["asset", "v1", "channels.json"], "GET") => catalog
            .channels
            .iter()
            .enumerate()
            .map(|(i, c)| {
                json!({
                    "id": i + 1,
                    "name": c.name,
                    "applicableProgramType": "event",
                    "progressionStatuses": c.statuses.iter().map(|s| json!({
                        "name": s.status,
                        "step": s.step,
                        "success": s.success,
                        "hidden": false,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
        (["asset", "v1", "tagTypes.json"], "GET") => catalog
            .tags
            .iter()
            .map(|t| {
                json!({
                    "tagType": t.tag_type,
                    "applicableProgramTypes": "program,event,webinar,nurture,email",
                    "required": false,
                    "allowableValues": t.values.join(","),
                })
            })
            .collect(),
        _ => return None,
    };
    let offset: usize = match param(pairs, "offset").map(str::parse) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => return Some(Reply::error(1003, "offset must be a number")),
    };
    let max: usize = match param(pairs, "maxReturn").map(str::parse::<usize>) {
        None => 20,
        Some(Ok(n)) if (1..=200).contains(&n) => n,
        Some(_) => return Some(Reply::error(1003, "maxReturn must be 1 to 200")),
    };
    let page = rows.into_iter().skip(offset).take(max).collect();
    Some(Reply::ok(page))
}
