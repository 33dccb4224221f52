//! `describeMObject` over Marketo REST's describes (mapping in [`super::mapping`]), as Adobe's
//! migration table maps it: `LeadRecord` → Describe Lead (`GET /v1/leads/describe.json`),
//! `Opportunity` → Describe Opportunity (`GET /v1/opportunities/describe.json`). Other objects
//! (`OpportunityPersonRole`, `ActivityRecord`, `Program`) have no REST describe the bridge
//! maps: 20019.
//!
//! Choices where Marketo is undocumented:
//! - `LeadRecord` lists the fields with a `soap` name (the fields the SOAP API had), by that
//!   name, read-only as `soap.readOnly` says;
//! - `Opportunity` lists the fields a SOAP `attrib` can name through this bridge: every field
//!   REST describes but its bookkeeping (`marketoGUID`, `createdAt`, `updatedAt`) and the
//!   dedupe field `externalOpportunityId` (SOAP's `externalKey`), under its SOAP name (the
//!   first letter upper-cased: `expectedRevenue` → `ExpectedRevenue`, as `syncMObjects`
//!   maps them back), read-only when REST says it is not `updateable`. There is no `Id`
//!   field: REST keys opportunities by `marketoGUID` and the bridge by `externalKey`.

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::Value;

use super::common::results;
use super::rest::RestRequest;
use super::{RestBackend, read_fault};
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_server::marketo::soap_name;
use mktows_server::{BackendFault, CallContext};

/// REST opportunity fields no SOAP `attrib` names.
const OPPORTUNITY_SKIPPED: [&str; 4] = [
    "marketoGUID",
    "createdAt",
    "updatedAt",
    "externalOpportunityId",
];

/// One field of a REST describe row, as SOAP describes it.
fn field(
    row: &Value,
    name: String,
    source: &str,
    read_only: bool,
    now: DateTime<FixedOffset>,
) -> MObjFieldMetadata {
    let display = row
        .get("displayName")
        .and_then(Value::as_str)
        .unwrap_or(&name)
        .to_owned();
    let size = row
        .get("length")
        .and_then(Value::as_i64)
        .and_then(|n| i32::try_from(n).ok());
    MObjFieldMetadata::new(
        name,
        Nillable::Nil,
        Nillable::Value(display),
        Nillable::Value(source.to_owned()),
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
    )
}

/// The `LeadRecord` fields of a `leads/describe.json` answer: those with a `soap` name.
fn lead_fields(answer: &Value, now: DateTime<FixedOffset>) -> Vec<MObjFieldMetadata> {
    results(answer)
        .iter()
        .filter_map(|row| {
            let soap = row.get("soap")?;
            let name = soap.get("name")?.as_str()?.to_owned();
            let read_only = soap
                .get("readOnly")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            Some(field(row, name, "LeadRecord", read_only, now))
        })
        .collect()
}

/// The `Opportunity` fields of an `opportunities/describe.json` answer (its `result[0].fields`).
fn opportunity_fields(answer: &Value, now: DateTime<FixedOffset>) -> Vec<MObjFieldMetadata> {
    results(answer)
        .first()
        .and_then(|d| d.get("fields"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|row| {
            let rest = row.get("name")?.as_str()?;
            if OPPORTUNITY_SKIPPED.contains(&rest) {
                return None;
            }
            let read_only = row.get("updateable").and_then(Value::as_bool) == Some(false);
            Some(field(row, soap_name(rest), "Opportunity", read_only, now))
        })
        .collect()
}

impl RestBackend {
    pub(super) async fn do_describe_m_object(
        &self,
        cx: &CallContext,
        params: ParamsDescribeMObject,
    ) -> Result<SuccessDescribeMObject, BackendFault> {
        let name = params.object_name.trim();
        type Fields = fn(&Value, DateTime<FixedOffset>) -> Vec<MObjFieldMetadata>;
        let (path, fields, description): (&str, Fields, &str) = match name {
            "LeadRecord" => (
                "/v1/leads/describe.json",
                lead_fields,
                "Lead fields (Marketo REST describe.json)",
            ),
            "Opportunity" => (
                "/v1/opportunities/describe.json",
                opportunity_fields,
                "Opportunity fields (Marketo REST opportunities/describe.json)",
            ),
            _ => {
                return Err(BackendFault::new(
                    ErrorCode::UnsupportedOperation,
                    format!(
                        "describeMObject {name:?}: this bridge describes LeadRecord and Opportunity only (from Marketo REST's describes); nothing was sent"
                    ),
                ));
            }
        };
        let answer = self
            .rest
            .call(cx, &RestRequest::get(path, Vec::new()))
            .await
            .map_err(|e| read_fault(&e))?;
        let now = Utc::now().fixed_offset();
        let field = fields(&answer, now);
        if field.is_empty() {
            return Err(BackendFault::new(
                ErrorCode::ServiceInternalError,
                format!("Marketo REST {path} described no field of {name}"),
            ));
        }
        Ok(SuccessDescribeMObject::new(ResultDescribeMObject::new(
            MObjectMetadata::new(
                name,
                Nillable::Value(description.to_owned()),
                false,
                false,
                ArrayOfMObjFieldMetadata { field },
                now,
            ),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn opportunity_fields_are_the_attribs_soap_can_name() {
        let answer = json!({"success": true, "result": [{"name": "opportunity",
            "idField": "marketoGUID", "dedupeFields": ["externalOpportunityId"],
            "fields": [
                {"name": "marketoGUID", "dataType": "string", "length": 36, "updateable": false},
                {"name": "externalOpportunityId", "dataType": "string", "updateable": false},
                {"name": "createdAt", "dataType": "datetime", "updateable": false},
                {"name": "expectedRevenue", "displayName": "Expected Revenue",
                 "dataType": "currency", "updateable": true},
                {"name": "isWon", "displayName": "Is Won", "dataType": "boolean",
                 "length": 1, "updateable": false}]}]});
        let now = Utc::now().fixed_offset();
        let fields = opportunity_fields(&answer, now);
        let view: Vec<String> = fields
            .iter()
            .map(|f| {
                format!(
                    "{} {:?} {} {:?} {}",
                    f.name,
                    f.display_name.value(),
                    f.data_type,
                    f.size.value(),
                    f.is_readonly
                )
            })
            .collect();
        assert_eq!(
            view,
            [
                r#"ExpectedRevenue Some("Expected Revenue") currency None false"#,
                r#"IsWon Some("Is Won") boolean Some(1) true"#,
            ]
        );
        assert!(opportunity_fields(&json!({"result": []}), now).is_empty());
    }

    #[test]
    fn lead_fields_are_those_with_a_soap_name() {
        let answer = json!({"result": [
            {"displayName": "Email Address", "dataType": "email", "length": 255,
             "rest": {"name": "email"}, "soap": {"name": "Email", "readOnly": false}},
            {"displayName": "Lead Score", "dataType": "score", "rest": {"name": "leadScore"}}]});
        let fields = lead_fields(&answer, Utc::now().fixed_offset());
        assert_eq!(fields.len(), 1);
        assert_eq!(
            (fields[0].name.as_str(), fields[0].size.value()),
            ("Email", Some(&255))
        );
    }
}
