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
                    Nillable::Value(f.name.clone()),
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
