//! `describeMObject` for `LeadRecord` over Marketo REST's Describe Lead (mapping in the module
//! docs of [`super`]); the other objects have no REST describe the bridge maps (20019).

use chrono::Utc;
use serde_json::Value;

use super::common::results;
use super::rest::RestRequest;
use super::{RestBackend, read_fault};
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_server::{BackendFault, CallContext};

impl RestBackend {
    pub(super) async fn do_describe_m_object(
        &self,
        cx: &CallContext,
        params: ParamsDescribeMObject,
    ) -> Result<SuccessDescribeMObject, BackendFault> {
        let name = params.object_name.trim();
        if name != "LeadRecord" {
            return Err(BackendFault::new(
                ErrorCode::UnsupportedOperation,
                format!(
                    "describeMObject {name:?}: this bridge describes LeadRecord only (from Marketo REST describe.json); nothing was sent"
                ),
            ));
        }
        let answer = self
            .rest
            .call(cx, &RestRequest::get("/v1/leads/describe.json", Vec::new()))
            .await
            .map_err(|e| read_fault(&e))?;
        let now = Utc::now().fixed_offset();
        let field = results(&answer)
            .iter()
            .filter_map(|row| {
                // Only fields the SOAP API had (a `soap` name), as SOAP's describe listed.
                let soap = row.get("soap")?;
                let name = soap.get("name")?.as_str()?.to_owned();
                let read_only = soap
                    .get("readOnly")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                let display = row
                    .get("displayName")
                    .and_then(Value::as_str)
                    .unwrap_or(&name)
                    .to_owned();
                let size = row
                    .get("length")
                    .and_then(Value::as_i64)
                    .and_then(|n| i32::try_from(n).ok());
                Some(MObjFieldMetadata::new(
                    name,
                    Nillable::Nil,
                    Nillable::Value(display),
                    Nillable::Value("LeadRecord".to_owned()),
                    row.get("dataType")
                        .and_then(Value::as_str)
                        .unwrap_or("string")
                        .to_owned(),
                    size.map_or(Nillable::Nil, Nillable::Value),
                    read_only,
                    false,
                    Nillable::Value(false),
                    false,
                    false,
                    false,
                    Nillable::Nil,
                    now,
                ))
            })
            .collect();
        Ok(SuccessDescribeMObject::new(ResultDescribeMObject::new(
            MObjectMetadata::new(
                "LeadRecord",
                Nillable::Value("Lead fields (Marketo REST describe.json)".to_owned()),
                false,
                false,
                ArrayOfMObjFieldMetadata { field },
                now,
            ),
        )))
    }
}
