//! `getCustomObjects`, `syncCustomObjects` and `deleteCustomObjects` over Marketo REST's custom
//! object calls (mapping in [`super::mapping`]).
//!
//! A read names its `fields` always: without them REST answers only its default fields (the
//! dedupe fields, `marketoGUID`, `createdAt`, `updatedAt`), where SOAP's `includeAttributes`
//! passing none "returns all values". So an empty `includeAttributes` reads every field the
//! object's `describe.json` lists. Each object's describe (dedupe fields and field names) is
//! fetched on its first read and kept for the life of the bridge, as the lead describe is (an
//! unknown object is not kept: it is asked again next time).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};

use super::common::{POSITION, results, skip_reason, text, value};
use super::rest::{RestError, RestRequest};
use super::{RestBackend, read_fault, write_fault};
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_server::{BackendFault, CallContext};

/// Most records per SOAP call.
const MAX_RECORDS: usize = 100;

/// What a read needs from a custom object's `describe.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ObjectDescribe {
    /// The dedupe fields, in key order.
    dedupe: Vec<String>,
    /// Every field the describe lists, in its order (the dedupe fields among them).
    fields: Vec<String>,
}

/// The describes read so far, by object name.
pub(super) type Described = Mutex<HashMap<String, Arc<ObjectDescribe>>>;

/// The describe of `name` from a `describe.json` answer; `Err` when it names no dedupe field.
fn object_describe(name: &str, answer: &Value) -> Result<ObjectDescribe, BackendFault> {
    let first = results(answer).first();
    let names = |member: &str, of: fn(&Value) -> Option<String>| -> Vec<String> {
        first
            .and_then(|d| d.get(member))
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(of).collect())
            .unwrap_or_default()
    };
    let dedupe = names("dedupeFields", |v| Some(text(v)));
    if dedupe.is_empty() {
        return Err(BackendFault::new(
            ErrorCode::ServiceInternalError,
            format!("Marketo REST describe of {name} named no dedupe field"),
        ));
    }
    let mut fields = names("fields", |f| {
        f.get("name").and_then(Value::as_str).map(str::to_owned)
    });
    for key in dedupe.iter().rev() {
        if !fields.contains(key) {
            fields.insert(0, key.clone());
        }
    }
    Ok(ObjectDescribe { dedupe, fields })
}

/// REST's 1003 "custom object not found" is SOAP's "Object name is not valid".
fn object_fault(error: &RestError, write: bool) -> BackendFault {
    match error {
        RestError::Api {
            code: 1003,
            message,
        } if message.contains("not found") => BackendFault::titled(
            ErrorCode::BadParameter,
            "Input error",
            format!("Object name is not valid (Marketo REST: {message})"),
        ),
        other if write => write_fault(other),
        other => read_fault(other),
    }
}

fn attributes(pairs: Vec<(String, String)>) -> ArrayOfAttribute {
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

/// A JSON record from SOAP attribute lists.
fn record(lists: &[Option<&ArrayOfAttribute>]) -> Value {
    let mut record = Map::new();
    for list in lists.iter().flatten() {
        for a in &list.attribute {
            record.insert(a.attr_name.clone(), json!(a.attr_value));
        }
    }
    Value::Object(record)
}

/// The SOAP status of one REST result row, with the reason of a skip.
fn status(row: Option<&Value>) -> (SyncStatusEnum, Option<String>) {
    let Some(row) = row else {
        return (
            SyncStatusEnum::Failed,
            Some("Marketo REST returned no result for this record".into()),
        );
    };
    match row.get("status").and_then(Value::as_str) {
        Some("created") => (SyncStatusEnum::Created, None),
        Some("updated") => (SyncStatusEnum::Updated, None),
        Some("deleted") => (SyncStatusEnum::Deleted, None),
        _ => (SyncStatusEnum::Failed, Some(skip_reason(Some(row)))),
    }
}

/// REST result rows by `seq`, in input order.
fn by_seq(answer: &Value, count: usize) -> Vec<Option<&Value>> {
    let rows = results(answer);
    (0..count)
        .map(|i| {
            rows.iter()
                .find(|r| r.get("seq").and_then(Value::as_u64) == Some(i as u64))
                .or_else(|| rows.get(i).filter(|r| r.get("seq").is_none()))
        })
        .collect()
}

fn statuses(
    name: &str,
    keys: Vec<Option<ArrayOfAttribute>>,
    answer: &Value,
) -> ArrayOfSyncCustomObjStatus {
    let rows = by_seq(answer, keys.len());
    ArrayOfSyncCustomObjStatus {
        sync_custom_obj_status: keys
            .into_iter()
            .zip(rows)
            .map(|(keys, row)| {
                let (status, error) = status(row);
                SyncCustomObjStatus {
                    obj_type_name: name.to_owned(),
                    custom_obj_key_list: keys.map(Nillable::Value),
                    status,
                    error: Some(error.map_or(Nillable::Nil, Nillable::Value)),
                }
            })
            .collect(),
    }
}

/// The REST read of a `getCustomObjects`: by one key attribute (`filterType`) or by the whole
/// dedupe key (`POST ...?_method=GET`), a page of at most [`MAX_RECORDS`].
fn custom_objects_request(
    name: &str,
    describe: &ObjectDescribe,
    params: &ParamsGetCustomObjects,
) -> Result<RestRequest, BackendFault> {
    let dedupe = &describe.dedupe;
    let filter = value(&params.custom_obj_key_list)
        .map(|l| l.attribute)
        .unwrap_or_default();
    let include = &params.include_attributes.string_item;
    // None included: every field ("Passing none returns all values").
    let fields = if include.is_empty() {
        describe.fields.clone()
    } else {
        let mut fields = dedupe.clone();
        fields.extend(include.iter().filter(|f| !dedupe.contains(f)).cloned());
        fields
    };
    let batch = match value(&params.batch_size) {
        None => MAX_RECORDS,
        Some(n) if n > 0 => (n as usize).min(MAX_RECORDS),
        Some(n) => {
            return Err(BackendFault::bad_parameter(format!(
                "batchSize {n} is not positive"
            )));
        }
    };
    let mut query = vec![("batchSize".to_owned(), batch.to_string())];
    if let Some(position) = value(&params.stream_position).filter(|p| !p.is_empty()) {
        let token = position.strip_prefix(POSITION).ok_or_else(|| {
            BackendFault::titled(
                ErrorCode::BadStreamPosition,
                "Bad Stream Position",
                format!("{position:?} is not a stream position of this bridge"),
            )
        })?;
        query.push(("nextPageToken".to_owned(), token.to_owned()));
    }
    let request = match filter.as_slice() {
        [] => {
            return Err(BackendFault::new(
                ErrorCode::UnsupportedOperation,
                "getCustomObjects without customObjKeyList: Marketo REST reads custom objects only by a filter; nothing was sent",
            ));
        }
        [one] => {
            query.extend([
                ("filterType".to_owned(), one.attr_name.clone()),
                ("filterValues".to_owned(), one.attr_value.clone()),
                ("fields".to_owned(), fields.join(",")),
            ]);
            RestRequest::get(format!("/v1/customobjects/{name}.json"), query)
        }
        many => {
            let given: Vec<&str> = many.iter().map(|a| a.attr_name.as_str()).collect();
            if given.len() != dedupe.len() || !dedupe.iter().all(|d| given.contains(&d.as_str())) {
                return Err(BackendFault::new(
                    ErrorCode::UnsupportedOperation,
                    format!(
                        "a customObjKeyList of several fields must be the dedupe fields ({}): Marketo REST filters by one field or by the whole key; nothing was sent",
                        dedupe.join(", ")
                    ),
                ));
            }
            query.push(("_method".to_owned(), "GET".to_owned()));
            let body = json!({
                "filterType": "dedupeFields",
                "fields": fields,
                "input": [record(&[Some(&ArrayOfAttribute { attribute: many.to_vec() })])],
            });
            RestRequest {
                query,
                ..RestRequest::with_body(
                    reqwest::Method::POST,
                    format!("/v1/customobjects/{name}.json"),
                    body,
                )
            }
        }
    };
    Ok(request)
}

/// The SOAP page from REST's records: the dedupe fields as keys, the other fields (but REST's
/// bookkeeping) as attributes.
fn soap_custom_objects(name: String, dedupe: &[String], answer: &Value) -> SuccessGetCustomObjects {
    let skip = ["seq", "marketoGUID", "createdAt", "updatedAt"];
    let custom_obj: Vec<CustomObj> = results(answer)
        .iter()
        .filter_map(Value::as_object)
        .map(|row| {
            let keys = dedupe
                .iter()
                .filter_map(|k| row.get(k).map(|v| (k.clone(), text(v))))
                .collect();
            let values = row
                .iter()
                .filter(|(k, v)| !skip.contains(&k.as_str()) && !dedupe.contains(k) && !v.is_null())
                .map(|(k, v)| (k.clone(), text(v)))
                .collect();
            CustomObj {
                custom_obj_key_list: Some(Nillable::Value(attributes(keys))),
                custom_obj_attribute_list: Some(Nillable::Value(attributes(values))),
            }
        })
        .collect();
    let more = answer.get("moreResult").and_then(Value::as_bool) == Some(true);
    let next = answer
        .get("nextPageToken")
        .and_then(Value::as_str)
        .filter(|_| more)
        .map(|t| format!("{POSITION}{t}"));
    SuccessGetCustomObjects {
        result: ResultGetCustomObjects {
            obj_type_name: name,
            return_count: custom_obj.len() as i32,
            remaining_count: i32::from(more),
            new_stream_position: next.unwrap_or_default(),
            custom_obj_list: Some(Nillable::Value(ArrayOfCustomObj { custom_obj })),
        },
    }
}

impl RestBackend {
    /// The object's describe: kept from an earlier read, or `describe.json` (then kept).
    async fn object_describe(
        &self,
        cx: &CallContext,
        name: &str,
    ) -> Result<Arc<ObjectDescribe>, BackendFault> {
        let kept = self
            .objects
            .lock()
            .map_err(|_| {
                BackendFault::new(ErrorCode::ServiceInternalError, "describe cache poisoned")
            })?
            .get(name)
            .cloned();
        if let Some(kept) = kept {
            return Ok(kept);
        }
        let answer = self
            .rest
            .call(
                cx,
                &RestRequest::get(
                    format!("/v1/customobjects/{name}/describe.json"),
                    Vec::new(),
                ),
            )
            .await
            .map_err(|e| object_fault(&e, false))?;
        let describe = Arc::new(object_describe(name, &answer)?);
        if let Ok(mut kept) = self.objects.lock() {
            kept.insert(name.to_owned(), describe.clone());
        }
        Ok(describe)
    }

    pub(super) async fn do_sync_custom_objects(
        &self,
        cx: &CallContext,
        params: ParamsSyncCustomObjects,
    ) -> Result<SuccessSyncCustomObjects, BackendFault> {
        let name = params.obj_type_name.trim().to_owned();
        let objects = params.custom_obj_list.custom_obj;
        if objects.len() > MAX_RECORDS {
            return Err(BackendFault::bad_parameter(format!(
                "syncCustomObjects takes at most {MAX_RECORDS} objects, not {}",
                objects.len()
            )));
        }
        let action = match value(&params.operation).unwrap_or(SyncOperationEnum::Upsert) {
            SyncOperationEnum::Upsert => "createOrUpdate",
            SyncOperationEnum::Insert => "createOnly",
            SyncOperationEnum::Update => "updateOnly",
            SyncOperationEnum::Unknown(other) => {
                return Err(BackendFault::bad_parameter(format!(
                    "operation {other} is not INSERT, UPDATE or UPSERT"
                )));
            }
        };
        let keys: Vec<Option<ArrayOfAttribute>> = objects
            .iter()
            .map(|o| value(&o.custom_obj_key_list))
            .collect();
        let input: Vec<Value> = objects
            .iter()
            .zip(&keys)
            .map(|(o, k)| record(&[k.as_ref(), value(&o.custom_obj_attribute_list).as_ref()]))
            .collect();
        let answer = self
            .rest
            .call(
                cx,
                &RestRequest::with_body(
                    reqwest::Method::POST,
                    format!("/v1/customobjects/{name}.json"),
                    json!({"action": action, "dedupeBy": "dedupeFields", "input": input}),
                ),
            )
            .await
            .map_err(|e| object_fault(&e, true))?;
        Ok(SuccessSyncCustomObjects {
            result: ResultSyncCustomObjects {
                sync_custom_obj_status_list: statuses(&name, keys, &answer),
            },
        })
    }

    pub(super) async fn do_delete_custom_objects(
        &self,
        cx: &CallContext,
        params: ParamsDeleteCustomObjects,
    ) -> Result<SuccessDeleteCustomObjects, BackendFault> {
        let name = params.obj_type_name.trim().to_owned();
        let lists = params.custom_obj_key_lists.key_list;
        if lists.len() > MAX_RECORDS {
            return Err(BackendFault::bad_parameter(format!(
                "deleteCustomObjects takes at most {MAX_RECORDS} objects, not {}",
                lists.len()
            )));
        }
        let input: Vec<Value> = lists.iter().map(|k| record(&[Some(k)])).collect();
        let answer = self
            .rest
            .call(
                cx,
                &RestRequest::with_body(
                    reqwest::Method::POST,
                    format!("/v1/customobjects/{name}/delete.json"),
                    json!({"deleteBy": "dedupeFields", "input": input}),
                ),
            )
            .await
            .map_err(|e| object_fault(&e, true))?;
        let keys = lists.into_iter().map(Some).collect();
        Ok(SuccessDeleteCustomObjects {
            result: ResultDeleteCustomObjects {
                delete_custom_obj_status_list: statuses(&name, keys, &answer),
            },
        })
    }

    /// `getCustomObjects`: the object's describe, the read it allows, one REST read.
    pub(super) async fn do_get_custom_objects(
        &self,
        cx: &CallContext,
        params: ParamsGetCustomObjects,
    ) -> Result<SuccessGetCustomObjects, BackendFault> {
        let name = params.obj_type_name.trim().to_owned();
        let describe = self.object_describe(cx, &name).await?;
        let request = custom_objects_request(&name, &describe, &params)?;
        let answer = self
            .rest
            .call(cx, &request)
            .await
            .map_err(|e| object_fault(&e, false))?;
        Ok(soap_custom_objects(name, &describe.dedupe, &answer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(keys: &[(&str, &str)], include: &[&str]) -> ParamsGetCustomObjects {
        let mut params = ParamsGetCustomObjects::new(
            "car_c",
            ArrayOfString {
                string_item: include.iter().map(|s| (*s).to_owned()).collect(),
            },
        );
        let pairs = keys.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned()));
        params.custom_obj_key_list = Some(Nillable::Value(attributes(pairs.collect())));
        params
    }

    fn dedupe() -> Vec<String> {
        vec!["vin".into(), "make".into()]
    }

    fn describe() -> ObjectDescribe {
        let answer = json!({"success": true, "result": [{"name": "car_c",
            "dedupeFields": ["vin", "make"],
            "fields": [{"name": "marketoGUID"}, {"name": "make"}, {"name": "color"},
                       {"name": "createdAt"}]}]});
        object_describe("car_c", &answer).unwrap()
    }

    #[test]
    fn a_describe_gives_the_dedupe_fields_and_every_field() {
        let d = describe();
        assert_eq!(d.dedupe, ["vin", "make"]);
        assert_eq!(
            d.fields,
            ["vin", "marketoGUID", "make", "color", "createdAt"]
        );
        let fault = object_describe("car_c", &json!({"result": [{"fields": []}]})).unwrap_err();
        assert_eq!(
            fault.message,
            "Marketo REST describe of car_c named no dedupe field"
        );
    }

    #[test]
    fn no_include_attributes_reads_every_field() {
        let request =
            custom_objects_request("car_c", &describe(), &params(&[("vin", "V1")], &[])).unwrap();
        assert!(
            request.query.contains(&(
                "fields".into(),
                "vin,marketoGUID,make,color,createdAt".into()
            )),
            "{:?}",
            request.query
        );
        let request = custom_objects_request(
            "car_c",
            &describe(),
            &params(&[("make", "M"), ("vin", "V1")], &[]),
        )
        .unwrap();
        let body: Value = serde_json::from_slice(request.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body["fields"],
            json!(["vin", "marketoGUID", "make", "color", "createdAt"])
        );
    }

    #[test]
    fn one_key_attribute_is_a_rest_filter() {
        let request =
            custom_objects_request("car_c", &describe(), &params(&[("vin", "V1")], &["color"]));
        let request = request.unwrap();
        assert_eq!(request.method, reqwest::Method::GET);
        assert_eq!(request.path, "/v1/customobjects/car_c.json");
        let query: Vec<(&str, &str)> = request
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            query,
            [
                ("batchSize", "100"),
                ("filterType", "vin"),
                ("filterValues", "V1"),
                ("fields", "vin,make,color")
            ]
        );
    }

    #[test]
    fn the_whole_dedupe_key_is_a_post_read() {
        let request = custom_objects_request(
            "car_c",
            &describe(),
            &params(&[("make", "M"), ("vin", "V1")], &[]),
        )
        .unwrap();
        assert_eq!(request.method, reqwest::Method::POST);
        assert!(request.query.contains(&("_method".into(), "GET".into())));
        let fault = custom_objects_request(
            "car_c",
            &describe(),
            &params(&[("make", "M"), ("color", "red")], &[]),
        )
        .unwrap_err();
        assert_eq!(fault.code, ErrorCode::UnsupportedOperation);
        let fault = custom_objects_request("car_c", &describe(), &params(&[], &[])).unwrap_err();
        assert_eq!(fault.code, ErrorCode::UnsupportedOperation);
        let mut bad_batch = params(&[("vin", "V1")], &[]);
        bad_batch.batch_size = Some(Nillable::Value(0));
        let fault = custom_objects_request("car_c", &describe(), &bad_batch).unwrap_err();
        assert_eq!(fault.message, "batchSize 0 is not positive");
    }

    #[test]
    fn rest_rows_become_keys_and_attributes() {
        let answer = json!({"moreResult": true, "nextPageToken": "N", "result": [{
            "seq": 0, "marketoGUID": "g", "vin": "V1", "make": "M", "color": "red", "year": null}]});
        let page = soap_custom_objects("car_c".into(), &dedupe(), &answer).result;
        assert_eq!((page.return_count, page.remaining_count), (1, 1));
        assert_eq!(page.new_stream_position, "rest:N");
        let objects = page.custom_obj_list.unwrap().value().cloned().unwrap();
        let names = |list: &Option<Nillable<ArrayOfAttribute>>| -> Vec<String> {
            let list = list.as_ref().unwrap().value().unwrap();
            list.attribute
                .iter()
                .map(|a| format!("{}={}", a.attr_name, a.attr_value))
                .collect()
        };
        assert_eq!(
            names(&objects.custom_obj[0].custom_obj_key_list),
            ["vin=V1", "make=M"]
        );
        assert_eq!(
            names(&objects.custom_obj[0].custom_obj_attribute_list),
            ["color=red"]
        );
    }

    #[test]
    fn rest_statuses_become_soap_statuses_by_seq() {
        let answer = json!({"result": [
            {"seq": 1, "status": "skipped", "reasons": [{"code": "1004", "message": "not found"}]},
            {"seq": 0, "status": "created"}]});
        let rows = by_seq(&answer, 3);
        assert_eq!(status(rows[0]), (SyncStatusEnum::Created, None));
        assert_eq!(
            status(rows[1]),
            (SyncStatusEnum::Failed, Some("not found (1004)".into()))
        );
        assert_eq!(status(rows[2]).0, SyncStatusEnum::Failed);
    }
}
