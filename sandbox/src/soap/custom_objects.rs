//! Custom objects: `getCustomObjects`, `syncCustomObjects` and `deleteCustomObjects` over the
//! types of the fixture ([`crate::fixture::CustomObjectType`]).
//!
//! What the sandbox does (Marketo's documentation and the captured faults, and choices where
//! they are silent):
//! - An object type the fixture does not define is fault 20110 "Object name is not valid", as
//!   Marketo answered.
//! - A record's key is its type's dedupe fields (`keys`), all of them, in `customObjKeyList`;
//!   values match ignoring case. A key list missing a dedupe field or holding another field
//!   fails that record; `MKTOID` must be the id of a lead that exists.
//! - `syncCustomObjects`: at most [`MAX_CUSTOM_OBJECTS`] records (more is fault 20110 rather
//!   than a silent cut). `operation` UPSERT (the default), INSERT (a record that exists fails)
//!   or UPDATE (a record that does not exist fails). An unknown attribute fails the record
//!   with `Unknown name attribute list: NAME`, as Marketo answered. Each record gets a status
//!   in order — CREATED, UPDATED or FAILED with the reason — and the successful ones are
//!   written in one transaction.
//! - `deleteCustomObjects`: DELETED, or FAILED with the reason (the WSDL's `SyncStatusEnum` has
//!   no UNCHANGED, so a record that does not exist is FAILED "not found").
//! - `getCustomObjects`: `customObjKeyList` filters by any of the dedupe fields (none: every
//!   record of the type); `includeAttributes` names the attributes returned (empty: all; an
//!   unknown name is fault 20110); records oldest first, `batchSize` at most 100 (default
//!   100); `newStreamPosition` continues the read and is empty at the end; a position the
//!   sandbox did not hand out is fault 20122.

use std::collections::BTreeMap;

use chrono::Utc;

use super::{fault, storage_failed, value};
use crate::fixture::CustomObjectType;
use crate::service::Service;
use crate::store::Store;
use crate::store::objects::StoredObject;
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_server::BackendFault;

/// Most records per `syncCustomObjects` / `deleteCustomObjects`.
pub const MAX_CUSTOM_OBJECTS: usize = 100;

/// Most records per `getCustomObjects` page.
pub const MAX_CUSTOM_OBJECT_BATCH: usize = 100;

const POSITION: &str = "mktows-co:";

fn attributes(pairs: impl IntoIterator<Item = (String, String)>) -> ArrayOfAttribute {
    ArrayOfAttribute {
        attribute: pairs
            .into_iter()
            .map(|(attr_name, attr_value)| Attribute {
                attr_name,
                attr_type: None,
                attr_value,
            })
            .collect(),
    }
}

fn status(
    kind: &str,
    keys: Option<&ArrayOfAttribute>,
    status: SyncStatusEnum,
    error: Option<String>,
) -> SyncCustomObjStatus {
    SyncCustomObjStatus {
        obj_type_name: kind.to_owned(),
        custom_obj_key_list: keys.map(|k| Nillable::Value(k.clone())),
        status,
        error: Some(error.map_or(Nillable::Nil, Nillable::Value)),
    }
}

/// A record's key from its key list: every dedupe field, nothing else.
fn record_key(
    store: &Store,
    kind: &CustomObjectType,
    keys: Option<&ArrayOfAttribute>,
) -> Result<Vec<(String, String)>, String> {
    let given = keys.map(|k| k.attribute.as_slice()).unwrap_or_default();
    if let Some(other) = given.iter().find(|a| !kind.keys.contains(&a.attr_name)) {
        return Err(format!(
            "{} is not a dedupe field of {}",
            other.attr_name, kind.name
        ));
    }
    let mut key = Vec::with_capacity(kind.keys.len());
    for name in &kind.keys {
        let value = given
            .iter()
            .find(|a| &a.attr_name == name)
            .map(|a| a.attr_value.trim().to_owned())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("missing dedupe field {name}"))?;
        if name == "MKTOID" {
            let exists = value.parse::<i32>().ok().and_then(|id| store.get(id));
            if exists.is_none() {
                return Err(format!("MKTOID {value} is not a lead"));
            }
        }
        key.push((name.clone(), value));
    }
    Ok(key)
}

fn custom_type<'a>(service: &'a Service, name: &str) -> Result<&'a CustomObjectType, BackendFault> {
    service
        .config()
        .catalog
        .custom_objects
        .iter()
        .find(|t| t.name == name.trim())
        .ok_or_else(|| {
            fault(
                ErrorCode::BadParameter,
                "Input error",
                "Object name is not valid",
            )
        })
}

pub(crate) fn sync_custom_objects(
    service: &Service,
    params: ParamsSyncCustomObjects,
) -> Result<SuccessSyncCustomObjects, BackendFault> {
    let kind = custom_type(service, &params.obj_type_name)?;
    let records = params.custom_obj_list.custom_obj;
    if records.len() > MAX_CUSTOM_OBJECTS {
        return Err(BackendFault::bad_parameter(format!(
            "syncCustomObjects takes at most {MAX_CUSTOM_OBJECTS} objects, not {}",
            records.len()
        )));
    }
    let operation = value(&params.operation).unwrap_or(SyncOperationEnum::Upsert);
    if !operation.is_known() {
        return Err(BackendFault::bad_parameter(format!(
            "operation {operation} is not INSERT, UPDATE or UPSERT"
        )));
    }
    let mut store = service.lock_store();
    let mut statuses = Vec::with_capacity(records.len());
    let mut put: Vec<StoredObject> = Vec::new();
    for record in &records {
        let keys = value(&record.custom_obj_key_list);
        let fail =
            |why: String| status(&kind.name, keys.as_ref(), SyncStatusEnum::Failed, Some(why));
        let key = match record_key(&store, kind, keys.as_ref()) {
            Ok(key) => key,
            Err(why) => {
                statuses.push(fail(why));
                continue;
            }
        };
        let values = value(&record.custom_obj_attribute_list)
            .map(|l| l.attribute)
            .unwrap_or_default();
        if let Some(unknown) = values
            .iter()
            .find(|a| !kind.fields.iter().any(|f| f.name == a.attr_name))
        {
            statuses.push(fail(format!(
                "Unknown name attribute list: {}",
                unknown.attr_name
            )));
            continue;
        }
        // An earlier record of this call with the same key is what this one updates.
        let earlier = put.iter().position(|o| same_key(&o.key, &key));
        let existing = match earlier {
            Some(i) => Some(put.remove(i)),
            None => store.objects().by_key(&kind.name, &key).cloned(),
        };
        let now = Utc::now();
        let (mut object, created) = match (existing, &operation) {
            (Some(_), SyncOperationEnum::Insert) => {
                statuses.push(fail("the object already exists".into()));
                continue;
            }
            (None, SyncOperationEnum::Update) => {
                statuses.push(fail("no such object".into()));
                continue;
            }
            (Some(object), _) => (object, false),
            (None, _) => (
                StoredObject {
                    kind: kind.name.clone(),
                    id: store.allocate_object_id(),
                    key,
                    attributes: BTreeMap::new(),
                    created_at: now,
                    updated_at: now,
                },
                true,
            ),
        };
        for a in values {
            object.attributes.insert(a.attr_name, a.attr_value);
        }
        object.updated_at = now;
        put.push(object);
        let done = if created {
            SyncStatusEnum::Created
        } else {
            SyncStatusEnum::Updated
        };
        statuses.push(status(&kind.name, keys.as_ref(), done, None));
    }
    store
        .change_objects(put, &[])
        .map_err(|e| storage_failed(&e))?;
    Ok(SuccessSyncCustomObjects {
        result: ResultSyncCustomObjects {
            sync_custom_obj_status_list: ArrayOfSyncCustomObjStatus {
                sync_custom_obj_status: statuses,
            },
        },
    })
}

pub(crate) fn delete_custom_objects(
    service: &Service,
    params: ParamsDeleteCustomObjects,
) -> Result<SuccessDeleteCustomObjects, BackendFault> {
    let kind = custom_type(service, &params.obj_type_name)?;
    let lists = params.custom_obj_key_lists.key_list;
    if lists.len() > MAX_CUSTOM_OBJECTS {
        return Err(BackendFault::bad_parameter(format!(
            "deleteCustomObjects takes at most {MAX_CUSTOM_OBJECTS} objects, not {}",
            lists.len()
        )));
    }
    let mut store = service.lock_store();
    let mut statuses = Vec::with_capacity(lists.len());
    let mut delete: Vec<(String, i64)> = Vec::new();
    for keys in &lists {
        let found = record_key(&store, kind, Some(keys)).and_then(|key| {
            store
                .objects()
                .by_key(&kind.name, &key)
                .map(|o| o.id)
                .filter(|id| !delete.iter().any(|(_, d)| d == id))
                .ok_or_else(|| "not found".to_owned())
        });
        statuses.push(match found {
            Ok(id) => {
                delete.push((kind.name.clone(), id));
                status(&kind.name, Some(keys), SyncStatusEnum::Deleted, None)
            }
            Err(why) => status(&kind.name, Some(keys), SyncStatusEnum::Failed, Some(why)),
        });
    }
    store
        .change_objects(Vec::new(), &delete)
        .map_err(|e| storage_failed(&e))?;
    Ok(SuccessDeleteCustomObjects {
        result: ResultDeleteCustomObjects {
            delete_custom_obj_status_list: ArrayOfSyncCustomObjStatus {
                sync_custom_obj_status: statuses,
            },
        },
    })
}

pub(crate) fn get_custom_objects(
    service: &Service,
    params: ParamsGetCustomObjects,
) -> Result<SuccessGetCustomObjects, BackendFault> {
    let kind = custom_type(service, &params.obj_type_name)?;
    let filter = value(&params.custom_obj_key_list)
        .map(|l| l.attribute)
        .unwrap_or_default();
    if let Some(other) = filter.iter().find(|a| !kind.keys.contains(&a.attr_name)) {
        return Err(BackendFault::bad_parameter(format!(
            "{} is not a dedupe field of {}",
            other.attr_name, kind.name
        )));
    }
    let include = params.include_attributes.string_item;
    if let Some(unknown) = include
        .iter()
        .find(|n| !kind.fields.iter().any(|f| &f.name == *n))
    {
        return Err(BackendFault::bad_parameter(format!(
            "{unknown} is not an attribute of {}",
            kind.name
        )));
    }
    let batch = match value(&params.batch_size) {
        None => MAX_CUSTOM_OBJECT_BATCH,
        Some(n) if n > 0 => (n as usize).min(MAX_CUSTOM_OBJECT_BATCH),
        Some(n) => {
            return Err(BackendFault::bad_parameter(format!(
                "batchSize {n} is not positive"
            )));
        }
    };
    let offset = match value(&params.stream_position).filter(|p| !p.is_empty()) {
        None => 0,
        Some(position) => position
            .strip_prefix(POSITION)
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| {
                fault(
                    ErrorCode::BadStreamPosition,
                    "Bad Stream Position",
                    &format!("{position:?} is not a stream position of this sandbox"),
                )
            })?,
    };
    let store = service.lock_store();
    let matching: Vec<&StoredObject> = store
        .objects()
        .of_kind(&kind.name)
        .filter(|o| {
            filter.iter().all(|a| {
                o.get(&a.attr_name)
                    .is_some_and(|v| v.trim().eq_ignore_ascii_case(a.attr_value.trim()))
            })
        })
        .collect();
    let page: Vec<&StoredObject> = matching.iter().skip(offset).take(batch).copied().collect();
    let next = offset + page.len();
    let remaining = matching.len().saturating_sub(next);
    let custom_obj = page
        .iter()
        .map(|o| CustomObj {
            custom_obj_key_list: Some(Nillable::Value(attributes(o.key.clone()))),
            custom_obj_attribute_list: Some(Nillable::Value(attributes(
                kind.fields
                    .iter()
                    .filter(|f| include.is_empty() || include.contains(&f.name))
                    .filter_map(|f| {
                        o.attributes
                            .get(&f.name)
                            .map(|v| (f.name.clone(), v.clone()))
                    }),
            ))),
        })
        .collect();
    Ok(SuccessGetCustomObjects {
        result: ResultGetCustomObjects {
            obj_type_name: kind.name.clone(),
            return_count: page.len() as i32,
            remaining_count: remaining as i32,
            new_stream_position: if remaining > 0 {
                format!("{POSITION}{next}")
            } else {
                String::new()
            },
            custom_obj_list: Some(Nillable::Value(ArrayOfCustomObj { custom_obj })),
        },
    })
}

fn same_key(a: &[(String, String)], b: &[(String, String)]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|((n1, v1), (n2, v2))| n1 == n2 && v1.eq_ignore_ascii_case(v2))
}
