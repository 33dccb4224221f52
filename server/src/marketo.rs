//! Facts about Marketo's API that both back ends (the sandbox's store and the bridge's REST
//! calls) need, one copy each: the WSDL served at `?WSDL`, the standard opportunity and role
//! fields, the program-token rule, and how SOAP field names become REST ones.

use mktows::types::ArrayOfAttrib;

use crate::BackendFault;

/// The WSDL the bindings were generated from; served at `?WSDL`.
pub const WSDL: &str = mktows::WSDL;

/// An opportunity's attributes (Marketo's standard ones).
pub const OPPORTUNITY_FIELDS: &[&str] = &[
    "Amount",
    "CloseDate",
    "Description",
    "ExpectedRevenue",
    "ExternalCreatedDate",
    "Fiscal",
    "FiscalQuarter",
    "FiscalYear",
    "ForecastCategoryName",
    "IsClosed",
    "IsWon",
    "LastActivityDate",
    "LeadSource",
    "Name",
    "NextStep",
    "Probability",
    "Quantity",
    "Stage",
    "Type",
];

/// An opportunity role's attributes.
pub const ROLE_FIELDS: &[&str] = &[
    "OpportunityId",
    "PersonId",
    "Role",
    "ExternalCreatedDate",
    "IsPrimary",
];

/// `{{my.NAME}}` program-token overrides of `requestCampaign` and `scheduleCampaign`, checked:
/// a name of another form is fault 20103 naming it.
pub fn program_tokens(list: Option<ArrayOfAttrib>) -> Result<Vec<(String, String)>, BackendFault> {
    let tokens: Vec<(String, String)> = list
        .map(|l| l.attrib.into_iter().map(|a| (a.name, a.value)).collect())
        .unwrap_or_default();
    if let Some((name, _)) = tokens.iter().find(|(name, _)| {
        !(name.starts_with("{{my.") && name.ends_with("}}") && name.len() > "{{my.}}".len())
    }) {
        return Err(BackendFault::bad_parameter(format!(
            "program token {name:?} is not of the form {{{{my.name}}}}"
        )));
    }
    Ok(tokens)
}

/// The REST name of a SOAP field name: the first letter lower-cased (`Amount` → `amount`).
pub fn rest_name(soap: &str) -> String {
    let mut chars = soap.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The SOAP name of a REST field name: the first letter upper-cased (`amount` → `Amount`).
pub fn soap_name(rest: &str) -> String {
    let mut chars = rest.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_change_only_their_first_letter() {
        assert_eq!(rest_name("ExpectedRevenue"), "expectedRevenue");
        assert_eq!(soap_name("expectedRevenue"), "ExpectedRevenue");
        assert_eq!(rest_name(""), "");
    }

    #[test]
    fn program_tokens_must_be_my_tokens() {
        use mktows::types::Attrib;
        let list = |name: &str| {
            Some(ArrayOfAttrib {
                attrib: vec![Attrib {
                    name: name.into(),
                    value: "v".into(),
                }],
            })
        };
        assert_eq!(
            program_tokens(list("{{my.Offer}}")).unwrap(),
            vec![("{{my.Offer}}".to_owned(), "v".to_owned())]
        );
        let fault = program_tokens(list("{{my.}}")).unwrap_err();
        assert!(fault.to_string().contains("{{my.}}"), "{fault}");
        assert!(program_tokens(None).unwrap().is_empty());
    }
}
