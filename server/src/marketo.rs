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

/// Most lead keys a `requestCampaign` acts on: Marketo ignored the keys past them ("additional
/// keys will be ignored").
pub const MAX_CAMPAIGN_LEADS: usize = 100;

/// Keeps the first [`MAX_CAMPAIGN_LEADS`] of a `requestCampaign`'s lead keys, as Marketo did;
/// when some were dropped, how many keys there were (for the caller's log line).
pub fn first_campaign_leads<T>(keys: &mut Vec<T>) -> Option<usize> {
    let sent = keys.len();
    (sent > MAX_CAMPAIGN_LEADS).then(|| {
        keys.truncate(MAX_CAMPAIGN_LEADS);
        sent
    })
}

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
    fn a_campaign_request_keeps_its_first_hundred_lead_keys() {
        let mut keys: Vec<u32> = (0..101).collect();
        assert_eq!(first_campaign_leads(&mut keys), Some(101));
        assert_eq!(keys, (0..100).collect::<Vec<_>>());
        assert_eq!(first_campaign_leads(&mut keys), None);
        assert_eq!(keys.len(), 100);
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
