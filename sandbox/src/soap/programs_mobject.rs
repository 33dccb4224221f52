//! Programs as MObjects: `getMObjects` type `Program` lists the fixture's programs (ids from 1
//! in fixture order; `Name`, `Channel` and each tag as attributes; with `includeDetails`, their
//! costs and tags as `typeAttribList`), and `syncMObjects` UPDATE changes their period costs and
//! tags, as Marketo allowed.
//!
//! What the sandbox does (Marketo's documentation, and choices where it is silent):
//! - Only UPDATE, by `id` (INSERT and UPSERT of a program fail the record: programs are made in
//!   the fixture, as in Marketo's UI).
//! - A `Cost` entry needs `Month` (`YYYY-MM`) and `Amount` (a number); `Note` is optional; with
//!   `Id` it replaces that cost (an unknown id fails the record), without one it is added.
//! - A `Tag` entry sets the program's tag of that `Type` to `Value`; both must be defined in
//!   the fixture ("tags/channels must already be defined").
//! - The changes are kept in the objects table (kind `Program`), durable like the rest.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};

use crate::service::Service;
use crate::store::Store;
use crate::store::objects::StoredObject;
use mktows::types::*;

/// The kind programs' changes are stored under.
pub(super) const PROGRAM: &str = "Program";

const COST: &str = "cost:";
const TAG: &str = "tag:";

/// One cost entry as stored: month, amount, note.
fn cost_parts(value: &str) -> (String, String, String) {
    let mut parts = value.splitn(3, '\u{1f}').map(str::to_owned);
    (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    )
}

fn attrib(name: &str, value: &str) -> Attrib {
    Attrib {
        name: name.into(),
        value: value.into(),
    }
}

/// The fixture's programs with their stored changes, as records (ids from 1).
pub(super) fn program_records(service: &Service, store: &Store) -> Vec<StoredObject> {
    let now = Utc::now();
    service
        .config()
        .catalog
        .programs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let id = i as i64 + 1;
            let changed = store.objects().get(PROGRAM, id);
            let mut attributes = BTreeMap::from([("Name".to_owned(), p.name.clone())]);
            if let Some(channel) = &p.channel {
                attributes.insert("Channel".into(), channel.clone());
            }
            for tag in &p.tags {
                attributes.insert(format!("{TAG}{}", tag.tag_type), tag.value.clone());
            }
            if let Some(changed) = changed {
                attributes.extend(changed.attributes.clone());
            }
            StoredObject {
                kind: PROGRAM.into(),
                id,
                key: Vec::new(),
                attributes,
                created_at: changed.map_or(now, |c| c.created_at),
                updated_at: changed.map_or(now, |c| c.updated_at),
            }
        })
        .collect()
}

/// Applies one program's `typeAttribList` to the program as stored, or as changed earlier
/// in the same call (`pending`); `Err` says why the record fails.
pub(super) fn update_program(
    service: &Service,
    store: &Store,
    pending: &[StoredObject],
    object: &MObject,
) -> Result<StoredObject, String> {
    let id = object.id.ok_or("a Program is updated by its id")?;
    let earlier = pending
        .iter()
        .find(|p| p.kind == PROGRAM && p.id == i64::from(id));
    let mut record = match earlier {
        Some(record) => record.clone(),
        None => program_records(service, store)
            .into_iter()
            .find(|p| p.id == i64::from(id))
            .ok_or_else(|| format!("no program with id {id}"))?,
    };
    if object
        .attrib_list
        .as_ref()
        .is_some_and(|l| !l.attrib.is_empty())
    {
        return Err("a Program's attributes are changed through typeAttribList".into());
    }
    let entries = object
        .type_attrib_list
        .as_ref()
        .map(|l| l.type_attrib.clone())
        .unwrap_or_default();
    for entry in entries {
        let values: BTreeMap<String, String> = entry
            .attr_list
            .map(|l| l.attrib.into_iter().map(|a| (a.name, a.value)).collect())
            .unwrap_or_default();
        let get = |name: &str| values.get(name).map(|v| v.trim().to_owned());
        match entry.attr_type.as_str() {
            "Cost" => {
                let month = get("Month").ok_or("a Cost needs Month")?;
                NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
                    .map_err(|_| format!("Cost Month {month:?} is not YYYY-MM"))?;
                let amount = get("Amount").ok_or("a Cost needs Amount")?;
                amount
                    .parse::<f64>()
                    .map_err(|_| format!("Cost Amount {amount:?} is not a number"))?;
                let note = get("Note").unwrap_or_default();
                let cost_id = match get("Id") {
                    Some(cost_id)
                        if record.attributes.contains_key(&format!("{COST}{cost_id}")) =>
                    {
                        cost_id
                    }
                    Some(cost_id) => return Err(format!("no cost with Id {cost_id}")),
                    None => {
                        let next = record
                            .attributes
                            .keys()
                            .filter_map(|k| k.strip_prefix(COST)?.parse::<u32>().ok())
                            .max()
                            .unwrap_or(0)
                            + 1;
                        next.to_string()
                    }
                };
                record.attributes.insert(
                    format!("{COST}{cost_id}"),
                    [month, amount, note].join("\u{1f}"),
                );
            }
            "Tag" => {
                let tag_type = get("Type").ok_or("a Tag needs Type")?;
                let value = get("Value").ok_or("a Tag needs Value")?;
                let defined = service
                    .config()
                    .catalog
                    .tags
                    .iter()
                    .any(|t| t.tag_type == tag_type && t.values.iter().any(|v| v == &value));
                if !defined {
                    return Err(format!("tag {tag_type} = {value} is not defined"));
                }
                record.attributes.insert(format!("{TAG}{tag_type}"), value);
            }
            other => return Err(format!("typeAttrib {other:?} is neither Cost nor Tag")),
        }
    }
    record.updated_at = Utc::now();
    Ok(record)
}

/// A program record as an MObject: `Name`, `Channel` and tags as attributes; with `details`,
/// costs and tags as `typeAttribList`.
pub(super) fn program_mobject(record: &StoredObject, details: bool) -> MObject {
    let mut attributes = Vec::new();
    let mut type_attrib = Vec::new();
    for (name, value) in &record.attributes {
        if let Some(id) = name.strip_prefix(COST) {
            let (month, amount, note) = cost_parts(value);
            let mut list = vec![
                attrib("Id", id),
                attrib("Month", &month),
                attrib("Amount", &amount),
            ];
            if !note.is_empty() {
                list.push(attrib("Note", &note));
            }
            type_attrib.push(TypeAttrib {
                attr_type: "Cost".into(),
                attr_list: Some(ArrayOfAttrib { attrib: list }),
            });
        } else if let Some(tag_type) = name.strip_prefix(TAG) {
            attributes.push(attrib(tag_type, value));
            type_attrib.push(TypeAttrib {
                attr_type: "Tag".into(),
                attr_list: Some(ArrayOfAttrib {
                    attrib: vec![attrib("Type", tag_type), attrib("Value", value)],
                }),
            });
        } else {
            attributes.push(attrib(name, value));
        }
    }
    MObject {
        r#type: PROGRAM.into(),
        id: Some(i32::try_from(record.id).unwrap_or(i32::MAX)),
        external_key: None,
        created_at: Some(record.created_at.fixed_offset()),
        updated_at: Some(record.updated_at.fixed_offset()),
        attrib_list: Some(ArrayOfAttrib { attrib: attributes }),
        type_attrib_list: details.then_some(ArrayOfTypeAttrib { type_attrib }),
        association_list: None,
    }
}
