//! [`Lead`]: one lead as an app sees it — the keys that identify it and its field values by
//! SOAP field name — for both `syncLead` and `syncMultipleLeads`, and for reading a lead back.
//! It converts to and from the generated [`LeadRecord`], so nobody has to spell
//! `Some(Nillable::Value(ArrayOfAttribute { attribute: vec![...] }))` by hand.
//!
//! ```
//! use mktows::Lead;
//!
//! let lead = Lead::by_email("ada@example.com")
//!     .with_attribute("FirstName", "Ada")
//!     .with_attribute("Company", "Analytical Engines");
//! assert_eq!(lead.attribute("FirstName"), Some("Ada"));
//!
//! // The generated record syncMultipleLeads carries, and back.
//! let record: mktows::types::LeadRecord = lead.clone().into();
//! assert_eq!(mktows::Lead::from(record), lead);
//! ```

use crate::types::{ArrayOfAttribute, Attribute, ForeignSysType, LeadRecord};
use crate::xml::Nillable;

/// A lead: keys (Marketo id, email, foreign system id) and field values in the order set.
///
/// Marketo's key precedence applies when it is synced: Id > ForeignSysPersonId > Email. A
/// field set twice keeps the last value. Read back from a response, it also keeps each
/// field's `attrType`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lead {
    id: Option<i32>,
    email: Option<String>,
    foreign: Option<(String, Option<ForeignSysType>)>,
    attributes: Vec<Attribute>,
}

impl Lead {
    /// A lead identified by its email address (not unique in Marketo: with deduplication the
    /// most recently updated lead with it is matched).
    pub fn by_email(email: impl Into<String>) -> Lead {
        Lead::default().with_email(email)
    }

    /// A lead identified by its Marketo id.
    pub fn by_id(id: i32) -> Lead {
        Lead::default().with_id(id)
    }

    /// A lead identified by its id in another system (`ForeignSysPersonId` and
    /// `ForeignSysType`).
    pub fn by_foreign_id(id: impl Into<String>, system: ForeignSysType) -> Lead {
        Lead::default().with_foreign_id(id, system)
    }

    /// Adds or replaces the email key (with a unique key, it updates the lead's email).
    pub fn with_email(mut self, email: impl Into<String>) -> Lead {
        self.email = Some(email.into());
        self
    }

    /// Adds or replaces the Marketo id.
    pub fn with_id(mut self, id: i32) -> Lead {
        self.id = Some(id);
        self
    }

    /// Adds or replaces the foreign system id.
    pub fn with_foreign_id(mut self, id: impl Into<String>, system: ForeignSysType) -> Lead {
        self.set_foreign_id(id, Some(system));
        self
    }

    /// Sets the foreign system id, with its system when known (Marketo requires it with
    /// `syncLead`: without it the call is fault 20109).
    pub fn set_foreign_id(&mut self, id: impl Into<String>, system: Option<ForeignSysType>) {
        self.foreign = Some((id.into(), system));
    }

    /// Sets a field by its SOAP name (`FirstName`), replacing an earlier value.
    pub fn with_attribute(mut self, name: impl Into<String>, value: impl Into<String>) -> Lead {
        self.set_attribute(name, value);
        self
    }

    /// Sets a field by its SOAP name, replacing an earlier value.
    pub fn set_attribute(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let (name, value) = (name.into(), value.into());
        match self.attributes.iter_mut().find(|a| a.attr_name == name) {
            Some(existing) => existing.attr_value = value,
            None => self.attributes.push(Attribute {
                attr_name: name,
                attr_type: None,
                attr_value: value,
            }),
        }
    }

    /// The Marketo id, when known.
    pub fn id(&self) -> Option<i32> {
        self.id
    }

    /// The email key, or else the `Email` field.
    pub fn email(&self) -> Option<&str> {
        self.email.as_deref().or_else(|| self.attribute("Email"))
    }

    /// The foreign system id and its system, when set.
    pub fn foreign_id(&self) -> Option<(&str, Option<&ForeignSysType>)> {
        self.foreign
            .as_ref()
            .map(|(id, system)| (id.as_str(), system.as_ref()))
    }

    /// A field's value by SOAP name (`lead.attribute("FirstName")`).
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.attr_name == name)
            .map(|a| a.attr_value.as_str())
    }

    /// A field's `attrType` as Marketo reported it (`string`, `integer`, `email`, ...), for a
    /// lead read from a response.
    pub fn attribute_type(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.attr_name == name)
            .and_then(|a| a.attr_type.as_ref()?.value().map(String::as_str))
    }

    /// Every field as (name, value), in order.
    pub fn attributes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.attributes
            .iter()
            .map(|a| (a.attr_name.as_str(), a.attr_value.as_str()))
    }
}

impl From<Lead> for LeadRecord {
    fn from(lead: Lead) -> LeadRecord {
        let (foreign_id, foreign_type) = match lead.foreign {
            Some((id, system)) => (Some(Nillable::Value(id)), system.map(Nillable::Value)),
            None => (None, None),
        };
        LeadRecord {
            id: lead.id.map(Nillable::Value),
            email: lead.email.map(Nillable::Value),
            foreign_sys_person_id: foreign_id,
            foreign_sys_type: foreign_type,
            lead_attribute_list: (!lead.attributes.is_empty()).then_some(Nillable::Value(
                ArrayOfAttribute {
                    attribute: lead.attributes,
                },
            )),
        }
    }
}

impl From<LeadRecord> for Lead {
    /// Reads a record (from a response, or built by hand); nil and absent are alike.
    fn from(record: LeadRecord) -> Lead {
        let value = |v: Option<Nillable<String>>| v.and_then(Nillable::into_value);
        let foreign = value(record.foreign_sys_person_id)
            .map(|id| (id, record.foreign_sys_type.and_then(Nillable::into_value)));
        Lead {
            id: record.id.and_then(Nillable::into_value),
            email: value(record.email),
            foreign,
            attributes: record
                .lead_attribute_list
                .and_then(Nillable::into_value)
                .map(|list| list.attribute)
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_record_both_calls_send() {
        let lead = Lead::by_foreign_id("SF-1", ForeignSysType::Sfdc)
            .with_email("ada@example.com")
            .with_attribute("FirstName", "Ada")
            .with_attribute("FirstName", "Augusta");
        let record = LeadRecord::from(lead.clone());
        assert_eq!(record.id, None);
        assert_eq!(
            record.email,
            Some(Nillable::Value("ada@example.com".into()))
        );
        assert_eq!(
            record.foreign_sys_type,
            Some(Nillable::Value(ForeignSysType::Sfdc))
        );
        let attributes = record
            .lead_attribute_list
            .clone()
            .and_then(Nillable::into_value)
            .unwrap()
            .attribute;
        assert_eq!(
            attributes.len(),
            1,
            "a field set twice keeps the last value"
        );
        assert_eq!(attributes[0].attr_value, "Augusta");
        assert_eq!(Lead::from(record), lead);
    }

    #[test]
    fn reads_a_record_from_a_response() {
        let record = LeadRecord {
            id: Some(Nillable::Value(7)),
            email: Some(Nillable::Nil),
            lead_attribute_list: Some(Nillable::Value(ArrayOfAttribute {
                attribute: vec![Attribute {
                    attr_name: "Email".into(),
                    attr_type: Some(Nillable::Value("email".into())),
                    attr_value: "t@t.com".into(),
                }],
            })),
            ..Default::default()
        };
        let lead = Lead::from(record);
        assert_eq!(lead.id(), Some(7));
        assert_eq!(lead.email(), Some("t@t.com"), "the Email field stands in");
        assert_eq!(lead.attribute_type("Email"), Some("email"));
        assert_eq!(lead.attribute("FirstName"), None);
        assert_eq!(lead.attributes().count(), 1);
    }
}
