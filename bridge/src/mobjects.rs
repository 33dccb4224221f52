//! `getMObjects`, `syncMObjects` and `deleteMObjects` for opportunities over Marketo REST's
//! opportunity calls (mapping in the module docs of [`super`]). REST keys opportunities by
//! `marketoGUID` (a string) and `externalOpportunityId`; SOAP by an integer `id` and an
//! `externalKey`. Only the external key maps: requests by `id`, roles and programs answer
//! 20019, never a guess.

use chrono::DateTime;
use serde_json::{Map, Value, json};

use super::common::{POSITION, results, skip_reason, text, unmapped};
use super::rest::RestRequest;
use super::{RestBackend, read_fault, write_fault};
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows_server::{BackendFault, CallContext};

/// Most records per call (SOAP's limit).
const MAX_RECORDS: usize = 100;
const DEDUPE: &str = "externalOpportunityId";

use mktows_server::marketo::{rest_name, soap_name};

/// Every object must be an opportunity (roles and programs have no faithful mapping).
fn opportunities_only(objects: &[MObject]) -> Result<(), BackendFault> {
    match objects.iter().find(|o| o.r#type.trim() != "Opportunity") {
        Some(other) => Err(unmapped(format!(
            "MObject type {:?}: this bridge maps opportunities only (roles reference opportunities by integer id, which Marketo REST does not have)",
            other.r#type
        ))),
        None => Ok(()),
    }
}

fn status(external: Option<Attrib>, status: MObjStatusEnum, error: Option<String>) -> MObjStatus {
    MObjStatus {
        // REST has no integer id for the record.
        id: 0.into(),
        external_key: external,
        status,
        error,
    }
}

/// The SOAP status of each input (`None`: not sent) from REST's rows by `seq`.
fn statuses(objects: &[MObject], sent: &[Option<usize>], answer: &Value) -> Vec<MObjStatus> {
    let rows = results(answer);
    objects
        .iter()
        .zip(sent)
        .map(|(object, seq)| {
            let external = object.external_key.clone();
            let Some(seq) = seq else {
                return status(
                    external,
                    MObjStatusEnum::Failed,
                    Some("no externalKey: this bridge finds opportunities by externalKey (Marketo REST has no integer id)".into()),
                );
            };
            let row = rows
                .iter()
                .find(|r| r.get("seq").and_then(Value::as_u64) == Some(*seq as u64));
            match row.and_then(|r| r.get("status")).and_then(Value::as_str) {
                Some("created") => status(external, MObjStatusEnum::Created, None),
                Some("updated") => status(external, MObjStatusEnum::Updated, None),
                Some("deleted") => status(external, MObjStatusEnum::Deleted, None),
                _ => status(external, MObjStatusEnum::Failed, Some(skip_reason(row))),
            }
        })
        .collect()
}

/// The REST records for the objects that have an external key, and each object's `seq`.
fn input(objects: &[MObject], with_values: bool) -> (Vec<Value>, Vec<Option<usize>>) {
    let mut records = Vec::new();
    let seqs = objects
        .iter()
        .map(|o| {
            let key = o
                .external_key
                .as_ref()
                .filter(|k| !k.value.trim().is_empty())?;
            let mut record = Map::new();
            record.insert(DEDUPE.into(), json!(key.value.trim()));
            if with_values {
                for a in o.attrib_list.iter().flat_map(|l| &l.attrib) {
                    record.insert(rest_name(&a.name), json!(a.value));
                }
            }
            records.push(Value::Object(record));
            Some(records.len() - 1)
        })
        .collect();
    (records, seqs)
}

/// The REST query of a `getMObjects`: opportunities by `externalKey` or by one `EQ`
/// criterion (REST reads by one filter), from a stream position the bridge handed out.
fn m_objects_query(params: &ParamsGetMObjects) -> Result<Vec<(String, String)>, BackendFault> {
    if params.r#type.trim() != "Opportunity" {
        return Err(unmapped(format!(
            "getMObjects type {:?}: this bridge reads opportunities only",
            params.r#type
        )));
    }
    if params.id.is_some() {
        return Err(unmapped(
            "getMObjects by id: Marketo REST has no integer opportunity id (use externalKey)",
        ));
    }
    if params
        .m_obj_association_list
        .as_ref()
        .is_some_and(|l| !l.m_obj_association.is_empty())
    {
        return Err(unmapped(
            "mObjAssociationList has no Marketo REST opportunity filter",
        ));
    }
    let criteria = params
        .m_obj_criteria_list
        .as_ref()
        .map(|l| l.m_obj_criteria.clone())
        .unwrap_or_default();
    let (filter_type, filter_value) = match (&params.external_key, criteria.as_slice()) {
        (Some(key), []) => (DEDUPE.to_owned(), key.value.trim().to_owned()),
        (None, [one]) if one.comparison == ComparisonEnum::Eq => {
            (rest_name(&one.attr_name), one.attr_value.clone())
        }
        _ => {
            return Err(unmapped(
                "getMObjects needs exactly one of externalKey or a single EQ criterion: Marketo REST reads opportunities by one filter",
            ));
        }
    };
    let mut fields: Vec<String> = vec![DEDUPE.into(), "createdAt".into(), "updatedAt".into()];
    fields.extend(
        mktows_server::marketo::OPPORTUNITY_FIELDS
            .iter()
            .map(|f| rest_name(f)),
    );
    let mut query = vec![
        ("filterType".to_owned(), filter_type),
        ("filterValues".to_owned(), filter_value),
        ("fields".to_owned(), fields.join(",")),
        ("batchSize".to_owned(), MAX_RECORDS.to_string()),
    ];
    if let Some(position) = params.stream_position.as_deref().filter(|p| !p.is_empty()) {
        let token = position.strip_prefix(POSITION).ok_or_else(|| {
            BackendFault::titled(
                ErrorCode::BadStreamPosition,
                "Bad Stream Position",
                format!("{position:?} is not a stream position of this bridge"),
            )
        })?;
        query.push(("nextPageToken".to_owned(), token.to_owned()));
    }
    Ok(query)
}

/// The SOAP page from REST's opportunities: every field but REST's bookkeeping as attribs.
fn soap_m_objects(answer: &Value) -> SuccessGetMObjects {
    let time = |row: &Map<String, Value>, name: &str| {
        row.get(name)
            .and_then(Value::as_str)
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
    };
    let m_object: Vec<MObject> = results(answer)
        .iter()
        .filter_map(Value::as_object)
        .map(|row| MObject {
            r#type: "Opportunity".into(),
            id: None,
            external_key: row.get(DEDUPE).map(|v| Attrib {
                name: DEDUPE.into(),
                value: text(v),
            }),
            created_at: time(row, "createdAt"),
            updated_at: time(row, "updatedAt"),
            attrib_list: Some(ArrayOfAttrib {
                attrib: row
                    .iter()
                    .filter(|(k, v)| {
                        !matches!(
                            k.as_str(),
                            "seq" | "marketoGUID" | "createdAt" | "updatedAt" | DEDUPE
                        ) && !v.is_null()
                    })
                    .map(|(k, v)| Attrib {
                        name: soap_name(k),
                        value: text(v),
                    })
                    .collect(),
            }),
            type_attrib_list: None,
            association_list: None,
        })
        .collect();
    let more = answer.get("moreResult").and_then(Value::as_bool) == Some(true);
    let next = answer
        .get("nextPageToken")
        .and_then(Value::as_str)
        .filter(|_| more)
        .map(|t| format!("{POSITION}{t}"));
    SuccessGetMObjects {
        result: ResultGetMObjects {
            return_count: m_object.len() as i32,
            has_more: more,
            new_stream_position: next.unwrap_or_default(),
            m_object_list: Some(ArrayOfMObject { m_object }),
        },
    }
}

impl RestBackend {
    pub(super) async fn do_sync_m_objects(
        &self,
        cx: &CallContext,
        params: ParamsSyncMObjects,
    ) -> Result<SuccessSyncMObjects, BackendFault> {
        let objects = params.m_object_list.m_object;
        if objects.len() > MAX_RECORDS {
            return Err(BackendFault::bad_parameter(format!(
                "syncMObjects takes at most {MAX_RECORDS} objects, not {}",
                objects.len()
            )));
        }
        opportunities_only(&objects)?;
        let action = match params.operation {
            SyncOperationEnum::Upsert => "createOrUpdate",
            SyncOperationEnum::Insert => "createOnly",
            SyncOperationEnum::Update => "updateOnly",
            SyncOperationEnum::Unknown(other) => {
                return Err(BackendFault::bad_parameter(format!(
                    "operation {other} is not INSERT, UPDATE or UPSERT"
                )));
            }
        };
        let (records, seqs) = input(&objects, true);
        let answer = if records.is_empty() {
            Value::Null
        } else {
            self.rest
                .call(
                    cx,
                    &RestRequest::with_body(
                        reqwest::Method::POST,
                        "/v1/opportunities.json",
                        json!({"action": action, "dedupeBy": "dedupeFields", "input": records}),
                    ),
                )
                .await
                .map_err(|e| write_fault(&e))?
        };
        Ok(SuccessSyncMObjects {
            result: ResultSyncMObjects {
                m_obj_status_list: ArrayOfMObjStatus {
                    m_obj_status: statuses(&objects, &seqs, &answer),
                },
            },
        })
    }

    pub(super) async fn do_delete_m_objects(
        &self,
        cx: &CallContext,
        params: ParamsDeleteMObjects,
    ) -> Result<SuccessDeleteMObjects, BackendFault> {
        let objects = params.m_object_list.m_object;
        if objects.len() > MAX_RECORDS {
            return Err(BackendFault::bad_parameter(format!(
                "deleteMObjects takes at most {MAX_RECORDS} objects, not {}",
                objects.len()
            )));
        }
        opportunities_only(&objects)?;
        let (records, seqs) = input(&objects, false);
        let answer = if records.is_empty() {
            Value::Null
        } else {
            self.rest
                .call(
                    cx,
                    &RestRequest::with_body(
                        reqwest::Method::POST,
                        "/v1/opportunities/delete.json",
                        json!({"deleteBy": "dedupeFields", "input": records}),
                    ),
                )
                .await
                .map_err(|e| write_fault(&e))?
        };
        Ok(SuccessDeleteMObjects {
            result: ResultDeleteMObjects {
                m_obj_status_list: ArrayOfMObjStatus {
                    m_obj_status: statuses(&objects, &seqs, &answer),
                },
            },
        })
    }

    /// `getMObjects`: the query for the one filter asked for, one REST read.
    pub(super) async fn do_get_m_objects(
        &self,
        cx: &CallContext,
        params: ParamsGetMObjects,
    ) -> Result<SuccessGetMObjects, BackendFault> {
        let query = m_objects_query(&params)?;
        let answer = self
            .rest
            .call(cx, &RestRequest::get("/v1/opportunities.json", query))
            .await
            .map_err(|e| read_fault(&e))?;
        Ok(soap_m_objects(&answer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query_of(params: &ParamsGetMObjects) -> Vec<(String, String)> {
        m_objects_query(params).unwrap()
    }

    #[test]
    fn opportunities_are_read_by_their_external_key() {
        let mut params = ParamsGetMObjects::new("Opportunity");
        params.external_key = Some(Attrib {
            name: "externalKey".into(),
            value: " OPP-1 ".into(),
        });
        params.stream_position = Some("rest:NEXT".into());
        let query = query_of(&params);
        assert_eq!(query[0], ("filterType".into(), DEDUPE.into()));
        assert_eq!(query[1], ("filterValues".into(), "OPP-1".into()));
        assert_eq!(query[3], ("batchSize".into(), "100".into()));
        assert_eq!(query[4], ("nextPageToken".into(), "NEXT".into()));
    }

    #[test]
    fn reads_rest_cannot_make_are_faults() {
        let fault = m_objects_query(&ParamsGetMObjects::new("OpportunityPersonRole")).unwrap_err();
        assert_eq!(fault.code, ErrorCode::UnsupportedOperation);
        let fault = m_objects_query(&ParamsGetMObjects::new("Opportunity")).unwrap_err();
        assert!(
            fault.message.starts_with("getMObjects needs exactly one"),
            "{}",
            fault.message
        );
        let mut params = ParamsGetMObjects::new("Opportunity");
        params.external_key = Some(Attrib {
            name: "externalKey".into(),
            value: "OPP-1".into(),
        });
        params.stream_position = Some("ID:4".into());
        assert_eq!(
            m_objects_query(&params).unwrap_err().code,
            ErrorCode::BadStreamPosition
        );
    }

    #[test]
    fn rest_rows_become_opportunities() {
        let answer = json!({"moreResult": true, "nextPageToken": "N", "result": [{
            "seq": 0, "marketoGUID": "g", "externalOpportunityId": "OPP-1", "amount": 12.5,
            "name": null, "createdAt": "2024-01-01T00:00:00Z"}]});
        let page = soap_m_objects(&answer).result;
        assert!(page.has_more);
        assert_eq!(page.new_stream_position, "rest:N");
        let object = &page.m_object_list.unwrap().m_object[0];
        assert_eq!(object.external_key.as_ref().unwrap().value, "OPP-1");
        assert!(object.created_at.is_some() && object.updated_at.is_none());
        let attribs: Vec<(&str, &str)> = object
            .attrib_list
            .as_ref()
            .unwrap()
            .attrib
            .iter()
            .map(|a| (a.name.as_str(), a.value.as_str()))
            .collect();
        assert_eq!(attribs, [("Amount", "12.5")]);
        let end = soap_m_objects(&json!({"nextPageToken": "N", "result": []})).result;
        assert_eq!(
            (end.has_more, end.new_stream_position.as_str()),
            (false, "")
        );
    }
}
