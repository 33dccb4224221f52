//! MObjects: `getMObjects`, `syncMObjects`, `deleteMObjects` and `listMObjects` over the
//! sandbox's opportunities and opportunity roles (kept in the objects table), and programs
//! (from the fixture; their costs and tags in [`super::programs_mobject`]).
//!
//! What the sandbox does (Marketo's documentation, and choices where it is silent):
//! - Types: `Opportunity`; `OpportunityPersonRole` (the WSDL's enum spells it
//!   `OpportunityLeadRole`, also accepted); `Program` (read, and updated: costs and tags).
//!   Any other type is fault 20110.
//! - Attributes: an opportunity takes [`OPPORTUNITY_FIELDS`], a role [`ROLE_FIELDS`], each
//!   with the fixture's `opportunity_fields` / `role_fields`; a role
//!   needs `OpportunityId` (an opportunity that exists) and `PersonId` (a lead that exists).
//!   An unknown attribute fails the record, naming it.
//! - `syncMObjects` (at most [`MAX_MOBJECTS`], more is fault 20110): UPDATE and UPSERT find the
//!   record by `id` ("use the ID as the key"), else by `externalKey`; UPSERT creates what is
//!   not found, UPDATE fails it; INSERT creates, and fails a record whose `externalKey` exists
//!   or that names an `id`. Each record gets a status in order (CREATED, UPDATED, or FAILED
//!   with the reason); the successful ones are written in one transaction.
//! - `deleteMObjects`: by `id` or `externalKey`; DELETED, or FAILED "not found". Deleting an
//!   opportunity deletes its roles.
//! - `getMObjects`: by `id`, `externalKey`, `mObjCriteriaList` (attribute names as stored,
//!   plus `Id`, `CRM Id` = the external key, `Created At`, `Updated At`; values compared as
//!   numbers when both are numbers, as times when both are times, else as text ignoring case)
//!   and `mObjAssociationList` (`Lead` / `Opportunity` ids: the roles of that lead or
//!   opportunity, or the opportunities a lead has a role in); oldest first, 100 per page,
//!   `hasMore` and `newStreamPosition` (empty at the end; one the sandbox did not hand out
//!   is fault 20122).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::programs_mobject::{PROGRAM, program_mobject, program_records, update_program};
use super::{fault, storage_failed};
use crate::describe::mobject_fields;
use crate::service::Service;
use crate::store::Store;
use crate::store::objects::StoredObject;
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows_server::BackendFault;

/// Most records per `syncMObjects` / `deleteMObjects`, and per `getMObjects` page.
pub const MAX_MOBJECTS: usize = 100;

pub use mktows_server::marketo::{OPPORTUNITY_FIELDS, ROLE_FIELDS};

const OPPORTUNITY: &str = "Opportunity";
const ROLE: &str = "OpportunityPersonRole";
const POSITION: &str = "mktows-mo:";

/// The stored kind an MObject type names.
fn kind(name: &str) -> Result<&'static str, BackendFault> {
    match name.trim() {
        "Opportunity" => Ok(OPPORTUNITY),
        "OpportunityPersonRole" | "OpportunityLeadRole" => Ok(ROLE),
        "Program" => Ok(PROGRAM),
        other => Err(BackendFault::bad_parameter(format!(
            "{other:?} is not an MObject type"
        ))),
    }
}

fn mobj_status(
    id: i32,
    external: Option<Attrib>,
    status: MObjStatusEnum,
    error: Option<String>,
) -> MObjStatus {
    MObjStatus {
        id: id.into(),
        external_key: external,
        status,
        error,
    }
}

fn to_i32(id: i64) -> i32 {
    i32::try_from(id).unwrap_or(i32::MAX)
}

/// The record an MObject names, by id first, then by external key.
fn find<'a>(store: &'a Store, kind: &str, object: &MObject) -> Option<&'a StoredObject> {
    if let Some(id) = object.id {
        return store.objects().get(kind, i64::from(id));
    }
    let key = object.external_key.as_ref()?;
    store
        .objects()
        .by_key(kind, &[(key.name.clone(), key.value.clone())])
}

/// Checks a role's links: its opportunity and its lead exist.
fn check_role(store: &Store, record: &StoredObject) -> Result<(), String> {
    let opportunity = record
        .get("OpportunityId")
        .ok_or("a role needs OpportunityId")?;
    let exists = opportunity
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| store.objects().get(OPPORTUNITY, id));
    if exists.is_none() {
        return Err(format!("OpportunityId {opportunity} is not an opportunity"));
    }
    let person = record.get("PersonId").ok_or("a role needs PersonId")?;
    if person
        .trim()
        .parse::<i32>()
        .ok()
        .and_then(|id| store.get(id))
        .is_none()
    {
        return Err(format!("PersonId {person} is not a lead"));
    }
    Ok(())
}

/// A value of a record for `mObjCriteria`.
fn criteria_value(record: &StoredObject, name: &str) -> Option<String> {
    match name {
        "Id" => Some(record.id.to_string()),
        "CRM Id" | "External Id" => record.key.first().map(|(_, v)| v.clone()),
        "Created At" => Some(record.created_at.to_rfc3339()),
        "Updated At" => Some(record.updated_at.to_rfc3339()),
        other => record.attributes.get(other).cloned(),
    }
}

fn compare(left: &str, right: &str) -> Ordering {
    if let (Ok(a), Ok(b)) = (left.trim().parse::<f64>(), right.trim().parse::<f64>()) {
        return a.partial_cmp(&b).unwrap_or(Ordering::Equal);
    }
    let time = |t: &str| DateTime::parse_from_rfc3339(t.trim()).ok();
    if let (Some(a), Some(b)) = (time(left), time(right)) {
        return a.cmp(&b);
    }
    left.trim().to_lowercase().cmp(&right.trim().to_lowercase())
}

fn matches(record: &StoredObject, criteria: &MObjCriteria) -> bool {
    let Some(value) = criteria_value(record, &criteria.attr_name) else {
        return matches!(criteria.comparison, ComparisonEnum::Ne);
    };
    let order = compare(&value, &criteria.attr_value);
    match criteria.comparison {
        ComparisonEnum::Eq => order == Ordering::Equal,
        ComparisonEnum::Ne => order != Ordering::Equal,
        ComparisonEnum::Lt => order == Ordering::Less,
        ComparisonEnum::Le => order != Ordering::Greater,
        ComparisonEnum::Gt => order == Ordering::Greater,
        ComparisonEnum::Ge => order != Ordering::Less,
        ComparisonEnum::Unknown(_) => false,
    }
}

fn attribs(pairs: impl IntoIterator<Item = (String, String)>) -> ArrayOfAttrib {
    ArrayOfAttrib {
        attrib: pairs
            .into_iter()
            .map(|(name, value)| Attrib { name, value })
            .collect(),
    }
}

fn mobject(record: &StoredObject) -> MObject {
    let association = |mobj_type: &str, field: &str| {
        record
            .get(field)
            .and_then(|v| v.trim().parse::<i32>().ok())
            .map(|id| MObjAssociation {
                m_obj_type: mobj_type.into(),
                id: Some(id),
                external_key: None,
            })
    };
    let association_list = (record.kind == ROLE).then(|| ArrayOfMObjAssociation {
        m_obj_association: [
            association("Lead", "PersonId"),
            association(OPPORTUNITY, "OpportunityId"),
        ]
        .into_iter()
        .flatten()
        .collect(),
    });
    MObject {
        r#type: record.kind.clone(),
        id: Some(to_i32(record.id)),
        external_key: record.key.first().map(|(name, value)| Attrib {
            name: name.clone(),
            value: value.clone(),
        }),
        created_at: Some(record.created_at.fixed_offset()),
        updated_at: Some(record.updated_at.fixed_offset()),
        attrib_list: Some(attribs(record.attributes.clone())),
        type_attrib_list: None,
        association_list,
    }
}

pub(crate) fn list_m_objects(
    _service: &Service,
    _params: ParamsListMObjects,
) -> Result<SuccessListMObjects, BackendFault> {
    Ok(SuccessListMObjects {
        result: ResultListMObjects {
            objects: ["ActivityRecord", "LeadRecord", OPPORTUNITY, ROLE]
                .map(String::from)
                .to_vec(),
        },
    })
}

/// `syncMObjects` of one `Program`: only UPDATE, of its costs and tags.
fn sync_program(
    service: &Service,
    store: &Store,
    put: &mut Vec<StoredObject>,
    object: &MObject,
    operation: &SyncOperationEnum,
    fail: impl Fn(String) -> MObjStatus,
) -> MObjStatus {
    let updated = match operation {
        SyncOperationEnum::Update => update_program(service, store, put, object),
        _ => Err("a Program can only be updated".into()),
    };
    match updated {
        Ok(record) => {
            let status = mobj_status(to_i32(record.id), None, MObjStatusEnum::Updated, None);
            put.retain(|p| !(p.kind == PROGRAM && p.id == record.id));
            put.push(record);
            status
        }
        Err(why) => fail(why),
    }
}

/// `syncMObjects` of one object of `kind`: its status; a record to write joins `put`.
fn sync_one(
    service: &Service,
    store: &mut Store,
    put: &mut Vec<StoredObject>,
    object: &MObject,
    kind: &'static str,
    operation: &SyncOperationEnum,
) -> MObjStatus {
    let external = object.external_key.clone();
    let fail = |why: String| {
        mobj_status(
            object.id.unwrap_or(0),
            external.clone(),
            MObjStatusEnum::Failed,
            Some(why),
        )
    };
    if kind == PROGRAM {
        return sync_program(service, store, put, object, operation, fail);
    }
    let values = object
        .attrib_list
        .as_ref()
        .map(|l| l.attrib.clone())
        .unwrap_or_default();
    let known = mobject_fields(service, kind);
    if let Some(unknown) = values.iter().find(|a| !known.contains(&a.name)) {
        return fail(format!("Unknown attribute {} of {kind}", unknown.name));
    }
    let found = find(store, kind, object).cloned();
    // A record changed earlier in this call is changed again from where it is now.
    let found = found.map(|f| match put.iter().position(|p| p.id == f.id) {
        Some(i) => put.remove(i),
        None => f,
    });
    let now = Utc::now();
    let (mut record, created) = match (found, operation) {
        (_, SyncOperationEnum::Insert) if object.id.is_some() => {
            return fail("INSERT takes no id".into());
        }
        (Some(_), SyncOperationEnum::Insert) => {
            return fail("an object with this externalKey exists".into());
        }
        (None, SyncOperationEnum::Update) => {
            return fail("not found".into());
        }
        (None, _) if object.id.is_some() => {
            return fail("not found".into());
        }
        (Some(record), _) => (record, false),
        (None, _) => (
            StoredObject {
                kind: kind.to_owned(),
                id: store.allocate_object_id(),
                key: external
                    .iter()
                    .map(|k| (k.name.clone(), k.value.clone()))
                    .collect(),
                attributes: BTreeMap::new(),
                created_at: now,
                updated_at: now,
            },
            true,
        ),
    };
    for a in values {
        record.attributes.insert(a.name, a.value);
    }
    if kind == ROLE {
        if let Err(why) = check_role(store, &record) {
            return fail(why);
        }
    }
    record.updated_at = now;
    let status = if created {
        MObjStatusEnum::Created
    } else {
        MObjStatusEnum::Updated
    };
    let record_id = record.id;
    put.push(record);
    mobj_status(to_i32(record_id), external, status, None)
}

/// `syncMObjects`.
pub(crate) fn sync_m_objects(
    service: &Service,
    params: ParamsSyncMObjects,
) -> Result<SuccessSyncMObjects, BackendFault> {
    let objects = params.m_object_list.m_object;
    if objects.len() > MAX_MOBJECTS {
        return Err(BackendFault::bad_parameter(format!(
            "syncMObjects takes at most {MAX_MOBJECTS} objects, not {}",
            objects.len()
        )));
    }
    if !params.operation.is_known() {
        return Err(BackendFault::bad_parameter(format!(
            "operation {} is not INSERT, UPDATE or UPSERT",
            params.operation
        )));
    }
    let kinds = objects
        .iter()
        .map(|o| kind(&o.r#type))
        .collect::<Result<Vec<_>, _>>()?;
    let mut store = service.lock_store();
    let mut put: Vec<StoredObject> = Vec::new();
    let mut statuses = Vec::with_capacity(objects.len());
    for (object, kind) in objects.iter().zip(kinds) {
        statuses.push(sync_one(
            service,
            &mut store,
            &mut put,
            object,
            kind,
            &params.operation,
        ));
    }
    store
        .change_objects(put, &[])
        .map_err(|e| storage_failed(&e))?;
    Ok(SuccessSyncMObjects {
        result: ResultSyncMObjects {
            m_obj_status_list: ArrayOfMObjStatus {
                m_obj_status: statuses,
            },
        },
    })
}

pub(crate) fn delete_m_objects(
    service: &Service,
    params: ParamsDeleteMObjects,
) -> Result<SuccessDeleteMObjects, BackendFault> {
    let objects = params.m_object_list.m_object;
    if objects.len() > MAX_MOBJECTS {
        return Err(BackendFault::bad_parameter(format!(
            "deleteMObjects takes at most {MAX_MOBJECTS} objects, not {}",
            objects.len()
        )));
    }
    let mut store = service.lock_store();
    let mut delete: Vec<(String, i64)> = Vec::new();
    let mut statuses = Vec::with_capacity(objects.len());
    for object in &objects {
        let kind = match kind(&object.r#type) {
            Ok(kind) if kind != "Program" => kind,
            _ => {
                statuses.push(mobj_status(
                    object.id.unwrap_or(0),
                    object.external_key.clone(),
                    MObjStatusEnum::Failed,
                    Some(format!("{:?} cannot be deleted", object.r#type)),
                ));
                continue;
            }
        };
        let found = find(&store, kind, object)
            .map(|r| r.id)
            .filter(|id| !delete.iter().any(|(_, d)| d == id));
        let Some(id) = found else {
            statuses.push(mobj_status(
                object.id.unwrap_or(0),
                object.external_key.clone(),
                MObjStatusEnum::Failed,
                Some("not found".into()),
            ));
            continue;
        };
        delete.push((kind.to_owned(), id));
        if kind == OPPORTUNITY {
            let roles = store
                .objects()
                .of_kind(ROLE)
                .filter(|r| r.get("OpportunityId").map(str::trim) == Some(&id.to_string()))
                .map(|r| (ROLE.to_owned(), r.id));
            delete.extend(roles.collect::<Vec<_>>());
        }
        statuses.push(mobj_status(
            to_i32(id),
            object.external_key.clone(),
            MObjStatusEnum::Deleted,
            None,
        ));
    }
    store
        .change_objects(Vec::new(), &delete)
        .map_err(|e| storage_failed(&e))?;
    Ok(SuccessDeleteMObjects {
        result: ResultDeleteMObjects {
            m_obj_status_list: ArrayOfMObjStatus {
                m_obj_status: statuses,
            },
        },
    })
}

pub(crate) fn get_m_objects(
    service: &Service,
    params: ParamsGetMObjects,
) -> Result<SuccessGetMObjects, BackendFault> {
    let kind = kind(&params.r#type)?;
    let offset = match params.stream_position.as_deref().filter(|p| !p.is_empty()) {
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
    let programs;
    let records: Vec<&StoredObject> = if kind == PROGRAM {
        programs = program_records(service, &store);
        programs.iter().collect()
    } else {
        store.objects().of_kind(kind).collect()
    };
    let criteria = params
        .m_obj_criteria_list
        .as_ref()
        .map(|l| l.m_obj_criteria.clone())
        .unwrap_or_default();
    let associations = params
        .m_obj_association_list
        .as_ref()
        .map(|l| l.m_obj_association.clone())
        .unwrap_or_default();
    for a in &associations {
        if !matches!(a.m_obj_type.as_str(), "Lead" | "Opportunity") || a.id.is_none() {
            return Err(BackendFault::bad_parameter(format!(
                "mObjAssociation {:?} must be a Lead or Opportunity with an id",
                a.m_obj_type
            )));
        }
    }
    let linked = |record: &StoredObject, association: &MObjAssociation| {
        let id = association.id.unwrap_or_default().to_string();
        match (record.kind.as_str(), association.m_obj_type.as_str()) {
            (ROLE, "Lead") => record.get("PersonId").map(str::trim) == Some(&id),
            (ROLE, _) => record.get("OpportunityId").map(str::trim) == Some(&id),
            (OPPORTUNITY, "Lead") => store.objects().of_kind(ROLE).any(|r| {
                r.get("PersonId").map(str::trim) == Some(&id)
                    && r.get("OpportunityId").map(str::trim) == Some(&record.id.to_string())
            }),
            (OPPORTUNITY, _) => record.id.to_string() == id,
            _ => false,
        }
    };
    let matching: Vec<&StoredObject> = records
        .into_iter()
        .filter(|r| params.id.is_none_or(|id| r.id == i64::from(id)))
        .filter(|r| {
            params.external_key.as_ref().is_none_or(|k| {
                r.key.first().is_some_and(|(name, value)| {
                    name == &k.name && value.eq_ignore_ascii_case(k.value.trim())
                })
            })
        })
        .filter(|r| criteria.iter().all(|c| matches(r, c)))
        .filter(|r| associations.iter().all(|a| linked(r, a)))
        .collect();
    let page: Vec<MObject> = matching
        .iter()
        .skip(offset)
        .take(MAX_MOBJECTS)
        .map(|r| {
            if kind == PROGRAM {
                program_mobject(r, params.include_details.unwrap_or(false))
            } else {
                mobject(r)
            }
        })
        .collect();
    let next = offset + page.len();
    let has_more = next < matching.len();
    Ok(SuccessGetMObjects {
        result: ResultGetMObjects {
            return_count: page.len() as i32,
            has_more,
            new_stream_position: if has_more {
                format!("{POSITION}{next}")
            } else {
                String::new()
            },
            m_object_list: Some(ArrayOfMObject { m_object: page }),
        },
    })
}
