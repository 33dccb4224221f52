//! `getChannels` and `getTags` over Marketo's asset API (mapping in [`super::mapping`]).
//!
//! `getChannels` reshapes `channels.json`. `getTags` needs two kinds of call: `tagTypes.json`
//! lists the tag types without their values ("the list of allowable values for a tag is only
//! returned when the tag is queried by name"), so each type's values come from
//! `tagType/byName.json?name=`, one call per type, made one after another through the
//! bridge's pacing, at most [`MAX_TAG_TYPES`] per SOAP call (more: a fault asking to name the
//! types in `tagList`, before any `byName` call).
//!
//! Choices where Marketo is undocumented: `allowableValues` is read as the documented
//! `"[a, b]"` string (a JSON array too); a type `tagTypes.json` listed that `byName.json` then
//! does not find (deleted between the calls) is left out; a type asked for in `tagList` that
//! `byName.json` does not find is 20110 naming it, without a `tagTypes.json` call.

use serde_json::Value;

use super::RestBackend;
use super::common::{pairs, results, unmapped};
use super::rest::RestRequest;
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows_server::{BackendFault, CallContext};

/// Page size of the asset API reads (its maximum).
const PAGE: usize = 200;
/// Most pages read.
const MAX_PAGES: usize = 50;
/// Most tag types one `getTags` looks up (one `byName.json` call each).
const MAX_TAG_TYPES: usize = 100;

fn unknown(what: &str, name: &str) -> BackendFault {
    BackendFault::bad_parameter(format!("No {what} named {name:?}"))
}

/// 20110 (a `tagList` naming too many types) or 20019 (an instance with too many to list).
fn too_many_tag_types(count: usize, listed: bool) -> BackendFault {
    let why = format!(
        "Marketo REST gives a tag type's values one type per call, and this bridge looks up at most {MAX_TAG_TYPES} types per getTags"
    );
    if listed {
        unmapped(format!(
            "getTags without tagList: Marketo REST lists {count} tag types; {why}; name the types in tagList"
        ))
    } else {
        BackendFault::bad_parameter(format!("tagList names {count} tag types; {why}"))
    }
}

/// A tag type's `allowableValues`: documented as one string, `"[North, South]"` (the brackets
/// optional here, and a JSON array read too). A value containing a comma cannot be told apart
/// from two values in that string.
fn allowable_values(tag_type: &Value) -> Vec<String> {
    match tag_type.get("allowableValues") {
        Some(Value::Array(values)) => values
            .iter()
            .map(super::common::text)
            .filter(|v| !v.trim().is_empty())
            .collect(),
        Some(Value::String(list)) => {
            let list = list.trim();
            let list = list
                .strip_prefix('[')
                .and_then(|l| l.strip_suffix(']'))
                .unwrap_or(list);
            list.split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect()
        }
        _ => Vec::new(),
    }
}

fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

impl RestBackend {
    /// Every row of an asset API list.
    async fn asset_list(&self, cx: &CallContext, path: &str) -> Result<Vec<Value>, BackendFault> {
        let mut all = Vec::new();
        for page in 0..MAX_PAGES {
            let query = pairs(&[
                ("maxReturn", PAGE.to_string()),
                ("offset", (page * PAGE).to_string()),
            ]);
            let answer = self
                .rest
                .call(cx, &RestRequest::get(path, query))
                .await
                .map_err(|e| super::read_fault(&e))?;
            let rows = results(&answer);
            all.extend(rows.iter().cloned());
            if rows.len() < PAGE {
                return Ok(all);
            }
        }
        Err(BackendFault::new(
            ErrorCode::ServiceInternalError,
            format!("{path}: more than {} rows", PAGE * MAX_PAGES),
        ))
    }

    pub(super) async fn do_get_channels(
        &self,
        cx: &CallContext,
        params: ParamsGetChannels,
    ) -> Result<SuccessGetChannels, BackendFault> {
        let channels = self.asset_list(cx, "/asset/v1/channels.json").await?;
        let status = |channel: &Value| TagStatus {
            tag_value: text(channel, "name"),
            status_list: ArrayOfProgressionStatus {
                progression_status_item: channel
                    .get("progressionStatuses")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|s| ProgressionStatus {
                        progression_status: Some(ArrayOfAttrib {
                            attrib: [("Status", "name"), ("Step", "step"), ("Success", "success")]
                                .into_iter()
                                .map(|(soap, rest)| Attrib {
                                    name: soap.into(),
                                    value: text(s, rest),
                                })
                                .collect(),
                        }),
                    })
                    .collect(),
            },
        };
        let names = params
            .tag
            .and_then(|t| t.values)
            .map(|v| v.string_item)
            .unwrap_or_default();
        let tag_status = if names.is_empty() {
            channels.iter().map(status).collect()
        } else {
            names
                .iter()
                .map(|name| {
                    channels
                        .iter()
                        .find(|c| &text(c, "name") == name)
                        .map(status)
                        .ok_or_else(|| unknown("channel", name))
                })
                .collect::<Result<_, _>>()?
        };
        Ok(SuccessGetChannels {
            result: ResultGetChannels {
                tags: ArrayOfTagStatus { tag_status },
            },
        })
    }

    /// The allowable values of tag type `name` (`tagType/byName.json`); `None` when REST does
    /// not know it.
    async fn tag_values(
        &self,
        cx: &CallContext,
        name: &str,
    ) -> Result<Option<Vec<String>>, BackendFault> {
        let answer = self
            .rest
            .call(
                cx,
                &RestRequest::get(
                    "/asset/v1/tagType/byName.json",
                    pairs(&[("name", name.to_owned())]),
                ),
            )
            .await
            .map_err(|e| super::read_fault(&e))?;
        Ok(results(&answer)
            .iter()
            .find(|t| text(t, "tagType") == name)
            .map(allowable_values))
    }

    /// `getTags`: the tag types asked for (or every one `tagTypes.json` lists), each one's
    /// values from `tagType/byName.json`, one call per type, in order.
    pub(super) async fn do_get_tags(
        &self,
        cx: &CallContext,
        params: ParamsGetTags,
    ) -> Result<SuccessGetTags, BackendFault> {
        let asked = params.tag_list.map(|l| l.tag).unwrap_or_default();
        let listed = asked.is_empty();
        let wanted: Vec<(String, Vec<String>)> = if listed {
            let types = self.asset_list(cx, "/asset/v1/tagTypes.json").await?;
            types
                .iter()
                .map(|t| (text(t, "tagType"), Vec::new()))
                .collect()
        } else {
            asked
                .into_iter()
                .map(|t| {
                    let chosen = t.values.map(|v| v.string_item).unwrap_or_default();
                    (t.r#type.unwrap_or_default(), chosen)
                })
                .collect()
        };
        if wanted.len() > MAX_TAG_TYPES {
            return Err(too_many_tag_types(wanted.len(), listed));
        }
        let mut tags = Vec::with_capacity(wanted.len());
        for (name, chosen) in wanted {
            let Some(allowed) = self.tag_values(cx, &name).await? else {
                if listed {
                    // Listed a moment ago, gone now: deleted between the calls.
                    continue;
                }
                return Err(unknown("tag type", &name));
            };
            if let Some(missing) = chosen.iter().find(|v| !allowed.contains(v)) {
                return Err(unknown(&format!("{name} tag value"), missing));
            }
            let values = if chosen.is_empty() { allowed } else { chosen };
            tags.push(Tag {
                r#type: Some(name),
                values: Some(ArrayOfString {
                    string_item: values,
                }),
            });
        }
        Ok(SuccessGetTags {
            result: ResultGetTags {
                tag_list: ArrayOfTag { tag: tags },
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn allowable_values_are_read_as_documented() {
        let documented = json!({"tagType": "AAA1", "allowableValues": "[AAA1 RT1, AAA1 RT2]"});
        assert_eq!(allowable_values(&documented), ["AAA1 RT1", "AAA1 RT2"]);
        let bare = json!({"allowableValues": "EMEA,APAC"});
        assert_eq!(allowable_values(&bare), ["EMEA", "APAC"]);
        let array = json!({"allowableValues": ["North", "South"]});
        assert_eq!(allowable_values(&array), ["North", "South"]);
        assert!(allowable_values(&json!({"allowableValues": "[]"})).is_empty());
        assert!(allowable_values(&json!({"tagType": "none"})).is_empty());
    }

    #[test]
    fn too_many_tag_types_say_how_many() {
        let listed = too_many_tag_types(150, true);
        assert_eq!(listed.code, ErrorCode::UnsupportedOperation);
        assert!(
            listed.message.contains("150 tag types"),
            "{}",
            listed.message
        );
        let asked = too_many_tag_types(101, false);
        assert_eq!(asked.code, ErrorCode::BadParameter);
        assert!(asked.message.contains("101 tag types"), "{}", asked.message);
    }
}
