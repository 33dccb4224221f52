//! The sandbox's REST asset calls over the fixture: channels (`GET /asset/v1/channels.json`)
//! and tag types (`GET /asset/v1/tagTypes.json`), paged by `offset` and `maxReturn` (default
//! 20, at most 200), and one tag type by name (`GET /asset/v1/tagType/byName.json?name=`), as
//! Marketo's asset API documents them: `tagTypes.json` lists each type without its values
//! ("the list of allowable values for a tag is only returned when the tag is queried by
//! name"), `byName.json` adds `allowableValues`, one string `"[North, South]"`; list-valued
//! members (`applicableProgramTypes`) are bracketed strings too.
//!
//! Choices where Marketo is undocumented: an `offset` past the end answers an empty `result`;
//! `byName.json` matches the name exactly, answers an empty `result` for an unknown one, and
//! 701 without `name`.

use serde_json::{Value, json};

use super::reply::{Reply, param};
use crate::fixture::TagType;
use crate::service::Service;

/// The program types every fixture tag type applies to.
const PROGRAM_TYPES: &str = "[program,event,webinar,nurture,email_batch]";

/// A tag type as the asset API describes it (with its values for `byName.json`).
fn tag_type(tag: &TagType, with_values: bool) -> Value {
    let mut row = json!({
        "tagType": tag.tag_type,
        "applicableProgramTypes": PROGRAM_TYPES,
        "required": false,
    });
    if with_values {
        row["allowableValues"] = json!(format!("[{}]", tag.values.join(", ")));
    }
    row
}

/// Routes `asset/v1/channels.json`, `asset/v1/tagTypes.json` and
/// `asset/v1/tagType/byName.json`; `None` for other paths.
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
        (["asset", "v1", "tagTypes.json"], "GET") => {
            catalog.tags.iter().map(|t| tag_type(t, false)).collect()
        }
        (["asset", "v1", "tagType", "byName.json"], "GET") => {
            let Some(name) = param(pairs, "name").filter(|n| !n.trim().is_empty()) else {
                return Some(Reply::error(701, "name cannot be blank"));
            };
            let found = catalog.tags.iter().filter(|t| t.tag_type == name);
            return Some(Reply::ok(found.map(|t| tag_type(t, true)).collect()));
        }
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
