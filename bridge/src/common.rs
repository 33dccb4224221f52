//! Small helpers every operation module shares: reading SOAP optionals, reading REST answers,
//! lead keys as REST filters, and the faults and stream positions the bridge hands out.

use serde_json::Value;

use mktows::error::ErrorCode;
use mktows::types::LeadKeyRef;
use mktows::xml::Nillable;
use mktows_server::BackendFault;

/// Prefix of the SOAP stream positions and offsets the bridge hands out (a REST
/// `nextPageToken` follows it).
pub(super) const POSITION: &str = "rest:";

/// The value of an optional, nillable SOAP field (`None` when absent or nil).
pub(super) fn value<T: Clone>(field: &Option<Nillable<T>>) -> Option<T> {
    field.as_ref().and_then(|v| v.value().cloned())
}

/// 20019 for a request this bridge cannot carry out faithfully.
pub(super) fn unmapped(message: impl std::fmt::Display) -> BackendFault {
    BackendFault::new(
        ErrorCode::UnsupportedOperation,
        format!("{message}; nothing was sent"),
    )
}

/// The REST `filterType` of a SOAP lead key type: 20102 "Lead Key Bad" ("LeadKeyType is not
/// Valid") for a type outside the WSDL's enumeration, 20019 for a valid type REST cannot
/// express (`LEADOWNEREMAIL`: REST has no such filter).
pub(super) fn filter_type(key: &LeadKeyRef) -> Result<&'static str, BackendFault> {
    Ok(match key {
        LeadKeyRef::Idnum => "id",
        LeadKeyRef::Email => "email",
        LeadKeyRef::Cookie => "cookies",
        LeadKeyRef::Sfdcleadid => "sfdcLeadId",
        LeadKeyRef::Sfdccontactid => "sfdcContactId",
        LeadKeyRef::Sfdcaccountid => "sfdcAccountId",
        LeadKeyRef::Sfdcleadownerid => "sfdcLeadOwnerId",
        LeadKeyRef::Sfdcopptyid => "sfdcOpptyId",
        LeadKeyRef::Unknown(other) => return Err(bad_key_type(other)),
        other => {
            return Err(BackendFault::new(
                ErrorCode::UnsupportedOperation,
                format!("lead key type {other} has no Marketo REST filterType"),
            ));
        }
    })
}

/// 20102 "Lead Key Bad" for a lead key type outside the WSDL's enumeration.
pub(super) fn bad_key_type(key_type: &str) -> BackendFault {
    BackendFault::titled(
        ErrorCode::LeadKeyBad,
        "Lead Key Bad",
        format!("{key_type:?} is not a lead key type (LeadKeyType is not valid); nothing was sent"),
    )
}

/// A key value REST's comma-separated `filterValues` can carry.
pub(super) fn filter_value(value: &str) -> Result<&str, BackendFault> {
    let value = value.trim();
    if value.contains(',') {
        return Err(BackendFault::titled(
            ErrorCode::LeadKeyBad,
            "Lead Key Bad",
            format!("{value:?} contains a comma, which Marketo REST filterValues cannot carry"),
        ));
    }
    Ok(value)
}

/// A JSON value as SOAP text (strings as they are, anything else as JSON).
pub(super) fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The `result` rows of a REST answer (none when it has none).
pub(super) fn results(answer: &Value) -> &[Value] {
    answer
        .get("result")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// Query pairs from borrowed names.
pub(super) fn pairs(items: &[(&str, String)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

/// The reason REST gives for a record it did not write: its first `reasons` entry as
/// `message (code)`.
pub(super) fn skip_reason(row: Option<&Value>) -> String {
    row.and_then(|r| r.get("reasons"))
        .and_then(Value::as_array)
        .and_then(|r| r.first())
        .map(|r| {
            format!(
                "{} ({})",
                r.get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("skipped"),
                r.get("code").map(text).unwrap_or_default()
            )
        })
        .unwrap_or_else(|| "skipped by Marketo REST".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lead_key_types_name_their_rest_filter() {
        assert_eq!(filter_type(&LeadKeyRef::Idnum).unwrap(), "id");
        assert_eq!(filter_type(&LeadKeyRef::Cookie).unwrap(), "cookies");
        assert_eq!(
            filter_type(&LeadKeyRef::Sfdcopptyid).unwrap(),
            "sfdcOpptyId"
        );
        let fault = filter_type(&LeadKeyRef::from("SFDCLEADOWNERID_X")).unwrap_err();
        assert_eq!(fault.code, ErrorCode::LeadKeyBad);
        assert!(
            fault.message.contains("SFDCLEADOWNERID_X"),
            "{}",
            fault.message
        );
        let fault = filter_type(&LeadKeyRef::Leadowneremail).unwrap_err();
        assert_eq!(fault.code, ErrorCode::UnsupportedOperation);
    }

    #[test]
    fn a_key_with_a_comma_is_a_bad_key() {
        assert_eq!(
            filter_value("  ada@example.com ").unwrap(),
            "ada@example.com"
        );
        let fault = filter_value("a,b").unwrap_err();
        assert_eq!(fault.code, ErrorCode::LeadKeyBad);
        assert!(fault.message.contains("comma"), "{}", fault.message);
    }

    #[test]
    fn a_skip_reason_is_the_first_reason_with_its_code() {
        let row = json!({"status": "skipped", "reasons": [
            {"code": "1004", "message": "Lead not found"}, {"code": "1", "message": "x"}]});
        assert_eq!(skip_reason(Some(&row)), "Lead not found (1004)");
        assert_eq!(
            skip_reason(Some(&json!({"status": "skipped"}))),
            "skipped by Marketo REST"
        );
        assert_eq!(skip_reason(None), "skipped by Marketo REST");
    }
}
