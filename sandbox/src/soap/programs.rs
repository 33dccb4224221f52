//! Programs' channels and tags: `getChannels` and `getTags`, from the fixture.
//!
//! Choices where Marketo is undocumented: a channel or tag type asked for by name that the
//! sandbox does not have is fault 20110 naming it (rather than an empty answer); `getTags`
//! with a tag that lists values answers only those values (each must exist, 20110).

use super::fault;
use crate::fixture::{Channel, TagType};
use crate::service::Service;
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows_server::BackendFault;

fn unknown(what: &str, name: &str) -> BackendFault {
    fault(
        ErrorCode::BadParameter,
        "Bad Parameter",
        &format!("No {what} named {name:?}"),
    )
}

fn channel_status(channel: &Channel) -> TagStatus {
    let attrib = |name: &str, value: String| Attrib {
        name: name.into(),
        value,
    };
    TagStatus {
        tag_value: channel.name.clone(),
        status_list: ArrayOfProgressionStatus {
            progression_status_item: channel
                .statuses
                .iter()
                .map(|s| ProgressionStatus {
                    progression_status: Some(ArrayOfAttrib {
                        attrib: vec![
                            attrib("Status", s.status.clone()),
                            attrib("Step", s.step.to_string()),
                            attrib("Success", s.success.to_string()),
                        ],
                    }),
                })
                .collect(),
        },
    }
}

fn tag(tag_type: &TagType, values: Vec<String>) -> Tag {
    Tag {
        r#type: Some(tag_type.tag_type.clone()),
        values: Some(ArrayOfString {
            string_item: values,
        }),
    }
}

pub(crate) fn get_channels(
    service: &Service,
    params: ParamsGetChannels,
) -> Result<SuccessGetChannels, BackendFault> {
    let channels = &service.config().catalog.channels;
    let names = params
        .tag
        .and_then(|t| t.values)
        .map(|v| v.string_item)
        .unwrap_or_default();
    let tag_status = if names.is_empty() {
        channels.iter().map(channel_status).collect()
    } else {
        names
            .iter()
            .map(|name| {
                channels
                    .iter()
                    .find(|c| &c.name == name)
                    .map(channel_status)
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

pub(crate) fn get_tags(
    service: &Service,
    params: ParamsGetTags,
) -> Result<SuccessGetTags, BackendFault> {
    let types = &service.config().catalog.tags;
    let asked = params.tag_list.map(|l| l.tag).unwrap_or_default();
    let tags = if asked.is_empty() {
        types.iter().map(|t| tag(t, t.values.clone())).collect()
    } else {
        let mut tags = Vec::new();
        for wanted in asked {
            let name = wanted.r#type.unwrap_or_default();
            let tag_type = types
                .iter()
                .find(|t| t.tag_type == name)
                .ok_or_else(|| unknown("tag type", &name))?;
            let values = wanted.values.map(|v| v.string_item).unwrap_or_default();
            if let Some(missing) = values.iter().find(|v| !tag_type.values.contains(v)) {
                return Err(unknown(&format!("{name} tag value"), missing));
            }
            let values = if values.is_empty() {
                tag_type.values.clone()
            } else {
                values
            };
            tags.push(tag(tag_type, values));
        }
        tags
    };
    Ok(SuccessGetTags {
        result: ResultGetTags {
            tag_list: ArrayOfTag { tag: tags },
        },
    })
}
