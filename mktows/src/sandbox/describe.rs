//! `describeMObject` on the sandbox's store: `LeadRecord` lists the lead fields the sandbox
//! accepts (the same list `syncLead` checks attributes against), so tools can check an input's
//! columns before sending it. Describing `Opportunity`, `OpportunityPersonRole` or
//! `ActivityRecord` is fault 20019 naming the object; any other name is fault 20110.

use chrono::Utc;

use super::service::Service;
use crate::error::ErrorCode;
use crate::soap_front::BackendFault;
use crate::types::*;
use crate::xml::Nillable;

/// The objects Marketo's `describeMObject` knows.
const OBJECTS: [&str; 4] = [
    "ActivityRecord",
    "LeadRecord",
    "Opportunity",
    "OpportunityPersonRole",
];

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

impl Service {
    /// `describeMObject`.
    pub(crate) fn describe_m_object(
        &self,
        params: ParamsDescribeMObject,
    ) -> Result<SuccessDescribeMObject, BackendFault> {
        let name = params.object_name.trim();
        if name != "LeadRecord" {
            let (code, what) = if OBJECTS.contains(&name) {
                (
                    ErrorCode::UnsupportedOperation,
                    "is not described by the mktows sandbox",
                )
            } else {
                (
                    ErrorCode::BadParameter,
                    "is not an object describeMObject knows",
                )
            };
            return Err(BackendFault::new(code, format!("{name:?} {what}")));
        }
        let now = Utc::now().fixed_offset();
        let field = self
            .config()
            .fields
            .iter()
            .map(|f| {
                MObjFieldMetadata::new(
                    f.name.clone(),
                    Nillable::Nil,
                    Nillable::Value(display_name(&f.name)),
                    Nillable::Value("LeadRecord".to_owned()),
                    f.data_type.clone(),
                    Nillable::Nil,
                    false,
                    false,
                    Nillable::Value(false),
                    false,
                    false,
                    false,
                    Nillable::Nil,
                    now,
                )
            })
            .collect();
        let metadata = MObjectMetadata::new(
            "LeadRecord",
            Nillable::Value("Lead fields of the mktows sandbox".to_owned()),
            false,
            false,
            ArrayOfMObjFieldMetadata { field },
            now,
        );
        Ok(SuccessDescribeMObject::new(ResultDescribeMObject::new(
            metadata,
        )))
    }
}
