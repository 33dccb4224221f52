//! `getChannels` and `getTags` over Marketo's asset API (`channels.json`, `tagTypes.json`):
//! a reshaping of the answer (mapping in the module docs of [`super`]).

use serde_json::Value;

use super::RestBackend;
use super::common::{pairs, results};
use super::rest::RestRequest;
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows_server::{BackendFault, CallContext};

/// Page size of the asset API reads (its maximum).
const PAGE: usize = 200;
/// Most pages read.
const MAX_PAGES: usize = 50;

fn unknown(what: &str, name: &str) -> BackendFault {
    BackendFault::bad_parameter(format!("No {what} named {name:?}"))
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

    pub(super) async fn do_get_tags(
        &self,
        cx: &CallContext,
        params: ParamsGetTags,
    ) -> Result<SuccessGetTags, BackendFault> {
        let types = self.asset_list(cx, "/asset/v1/tagTypes.json").await?;
        let values = |t: &Value| -> Vec<String> {
            text(t, "allowableValues")
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let tag = |name: String, values: Vec<String>| Tag {
            r#type: Some(name),
            values: Some(ArrayOfString {
                string_item: values,
            }),
        };
        let asked = params.tag_list.map(|l| l.tag).unwrap_or_default();
        let tags = if asked.is_empty() {
            types
                .iter()
                .map(|t| tag(text(t, "tagType"), values(t)))
                .collect()
        } else {
            let mut tags = Vec::new();
            for wanted in asked {
                let name = wanted.r#type.unwrap_or_default();
                let found = types
                    .iter()
                    .find(|t| text(t, "tagType") == name)
                    .ok_or_else(|| unknown("tag type", &name))?;
                let allowed = values(found);
                let chosen = wanted.values.map(|v| v.string_item).unwrap_or_default();
                if let Some(missing) = chosen.iter().find(|v| !allowed.contains(v)) {
                    return Err(unknown(&format!("{name} tag value"), missing));
                }
                tags.push(tag(name, if chosen.is_empty() { allowed } else { chosen }));
            }
            tags
        };
        Ok(SuccessGetTags {
            result: ResultGetTags {
                tag_list: ArrayOfTag { tag: tags },
            },
        })
    }
}
