//! `describeMObject` on the sandbox's store: `LeadRecord` lists the lead fields the sandbox
//! accepts (the same list `syncLead` checks attributes against), so tools can check an input's
//! columns before sending it; `Opportunity` and `OpportunityPersonRole` list the attributes
//! `syncMObjects` accepts (with `Id` as the primary key); `ActivityRecord` lists the fields of
//! an activity record. Any other name is fault 20110.
//!
//! Shared with the REST face: a lead field's display name ([`display_name`], also the column
//! names of list imports) and the attributes of opportunities and roles ([`mobject_fields`]).

use chrono::Utc;

use super::service::Service;
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_server::BackendFault;
use mktows_server::marketo::{OPPORTUNITY_FIELDS, ROLE_FIELDS};

/// The objects Marketo's `describeMObject` knows.
const OBJECTS: [&str; 4] = [
    "ActivityRecord",
    "LeadRecord",
    "Opportunity",
    "OpportunityPersonRole",
];

/// The fields of an activity record and their types.
const ACTIVITY_FIELDS: [(&str, &str); 10] = [
    ("id", "integer"),
    ("activityDateTime", "datetime"),
    ("activityType", "string"),
    ("mktgAssetName", "string"),
    ("campaign", "string"),
    ("personName", "string"),
    ("mktPersonId", "string"),
    ("foreignSysId", "string"),
    ("orgName", "string"),
    ("foreignSysOrgId", "string"),
];

/// The data type of an opportunity or role attribute (also in the REST face's describe).
pub(crate) fn attribute_type(name: &str) -> &'static str {
    match name {
        "Amount" | "ExpectedRevenue" | "Quantity" => "float",
        "Probability" | "FiscalQuarter" | "FiscalYear" | "OpportunityId" | "PersonId" => "integer",
        "IsClosed" | "IsWon" | "IsPrimary" => "boolean",
        "CloseDate" | "LastActivityDate" => "date",
        "ExternalCreatedDate" => "datetime",
        _ => "string",
    }
}

/// A lead field's display name, as Marketo's UI and list imports spell it: the standard ones
/// Marketo renames (`Email` → `Email Address`), otherwise the SOAP name with its words
/// separated (`FirstName` → `First Name`).
pub fn display_name(soap: &str) -> String {
    let renamed = match soap {
        "Email" => Some("Email Address"),
        "Company" => Some("Company Name"),
        "Phone" => Some("Phone Number"),
        "MobilePhone" => Some("Mobile Phone Number"),
        "Title" => Some("Job Title"),
        "Id" => Some("Id"),
        _ => None,
    };
    if let Some(name) = renamed {
        return name.to_owned();
    }
    let mut name = String::with_capacity(soap.len() + 4);
    let chars: Vec<char> = soap.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let starts_word = i > 0
            && c.is_uppercase()
            && (chars[i - 1].is_lowercase() || chars.get(i + 1).is_some_and(|n| n.is_lowercase()));
        if starts_word {
            name.push(' ');
        }
        name.push(*c);
    }
    name
}

/// The attributes a record of `kind` takes: Marketo's standard ones and the fixture's.
pub fn mobject_fields(service: &Service, kind: &str) -> Vec<String> {
    let catalog = &service.config().catalog;
    let (standard, extra) = if kind == "Opportunity" {
        (OPPORTUNITY_FIELDS, &catalog.opportunity_fields)
    } else {
        (ROLE_FIELDS, &catalog.role_fields)
    };
    standard
        .iter()
        .map(|f| (*f).to_owned())
        .chain(extra.iter().cloned())
        .collect()
}

/// `describeMObject`.
pub(crate) fn describe_m_object(
    service: &Service,
    params: ParamsDescribeMObject,
) -> Result<SuccessDescribeMObject, BackendFault> {
    let name = params.object_name.trim();
    if !OBJECTS.contains(&name) {
        return Err(BackendFault::new(
            ErrorCode::BadParameter,
            format!("{name:?} is not an object describeMObject knows"),
        ));
    }
    let now = Utc::now().fixed_offset();
    let fields: Vec<(String, String, bool)> = match name {
        "LeadRecord" => service
            .config()
            .fields
            .iter()
            .map(|f| (f.name.clone(), f.data_type.clone(), false))
            .collect(),
        "ActivityRecord" => ACTIVITY_FIELDS
            .iter()
            .map(|(n, t)| ((*n).to_owned(), (*t).to_owned(), *n == "id"))
            .collect(),
        other => {
            let kind = if other == "Opportunity" {
                other
            } else {
                "OpportunityPersonRole"
            };
            std::iter::once(("Id".to_owned(), "integer".to_owned(), true))
                .chain(mobject_fields(service, kind).into_iter().map(|n| {
                    let data_type = attribute_type(&n).to_owned();
                    (n, data_type, false)
                }))
                .collect()
        }
    };
    let field = fields
        .into_iter()
        .map(|(field, data_type, primary)| {
            MObjFieldMetadata::new(
                field.clone(),
                Nillable::Nil,
                Nillable::Value(display_name(&field)),
                Nillable::Value(name.to_owned()),
                data_type,
                Nillable::Nil,
                primary,
                false,
                Nillable::Value(false),
                primary,
                false,
                false,
                Nillable::Nil,
                now,
            )
        })
        .collect();
    let metadata = MObjectMetadata::new(
        name,
        Nillable::Value(format!("{name} fields of the mktows sandbox")),
        false,
        false,
        ArrayOfMObjFieldMetadata { field },
        now,
    );
    Ok(SuccessDescribeMObject::new(ResultDescribeMObject::new(
        metadata,
    )))
}
