//! SOAP ↔ REST lead field names, from Marketo's `GET /rest/v1/leads/describe.json` (fetched
//! once, then cached): each field's `soap.name` and `rest.name`. A SOAP attribute with no REST
//! counterpart is an unknown field, answered as the SOAP API did (per-lead `FAILED`, or fault
//! 20105 for `syncLead`).

use std::collections::HashMap;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use mktows::types::{ArrayOfAttribute, Attribute, ForeignSysType, LeadRecord};
use mktows::xml::Nillable;

/// One field usable through both APIs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// SOAP name, e.g. `FirstName`.
    pub soap: String,
    /// REST name, e.g. `firstName`.
    pub rest: String,
    /// Marketo data type, reported as the SOAP `attrType`.
    pub data_type: String,
}

/// The field map of one instance.
#[derive(Debug, Clone, Default)]
pub struct FieldMap {
    by_soap: HashMap<String, Field>,
    by_rest: HashMap<String, Field>,
    /// Display name, lower-cased → REST name (list imports name columns by display name).
    by_display: HashMap<String, String>,
}

impl FieldMap {
    /// The map from a describe answer (`result[]` of `{dataType, rest{name}, soap{name}}`);
    /// fields without both names are left out.
    pub fn from_describe(answer: &Value) -> FieldMap {
        let mut map = FieldMap::default();
        let rows = answer
            .get("result")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for row in rows {
            let name = |api: &str| {
                row.get(api)
                    .and_then(|a| a.get("name"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            let (Some(soap), Some(rest)) = (name("soap"), name("rest")) else {
                continue;
            };
            let field = Field {
                soap,
                rest,
                data_type: row
                    .get("dataType")
                    .and_then(Value::as_str)
                    .unwrap_or("string")
                    .to_owned(),
            };
            if let Some(display) = row.get("displayName").and_then(Value::as_str) {
                map.by_display
                    .insert(display.to_lowercase(), field.rest.clone());
            }
            map.by_soap.insert(field.soap.clone(), field.clone());
            map.by_rest.insert(field.rest.clone(), field);
        }
        map
    }

    /// Number of fields mapped.
    pub fn len(&self) -> usize {
        self.by_soap.len()
    }

    /// True when no field is mapped.
    pub fn is_empty(&self) -> bool {
        self.by_soap.is_empty()
    }

    /// The REST name of a SOAP field.
    pub fn rest(&self, soap: &str) -> Option<&str> {
        self.by_soap.get(soap).map(|f| f.rest.as_str())
    }

    /// The REST name of an import column: a display name (`Email Address`) or a SOAP name,
    /// ignoring case.
    pub fn rest_of_column(&self, column: &str) -> Option<&str> {
        let lower = column.trim().to_lowercase();
        self.by_display.get(&lower).map(String::as_str).or_else(|| {
            self.by_soap
                .values()
                .find(|f| f.soap.to_lowercase() == lower)
                .map(|f| f.rest.as_str())
        })
    }

    /// Every REST name with a SOAP counterpart, sorted (for `fields=`).
    pub fn all_rest(&self) -> Vec<String> {
        let mut names: Vec<String> = self.by_rest.keys().cloned().collect();
        names.sort();
        names
    }

    /// REST record fields for a SOAP record's attributes (borrowing their text); `Err` lists
    /// the unknown names.
    pub fn rest_attributes<'a>(
        &'a self,
        record: &'a LeadRecord,
    ) -> Result<RestRecord<'a>, Vec<String>> {
        let attributes = record
            .lead_attribute_list
            .as_ref()
            .and_then(|l| l.value())
            .map(|l| l.attribute.as_slice())
            .unwrap_or_default();
        let mut out = RestRecord::default();
        let mut unknown = Vec::new();
        for attribute in attributes {
            match self.rest(&attribute.attr_name) {
                Some(rest) => out.set(rest, RestScalar::Text(&attribute.attr_value)),
                None => unknown.push(attribute.attr_name.clone()),
            }
        }
        if unknown.is_empty() {
            Ok(out)
        } else {
            Err(unknown)
        }
    }

    /// A SOAP lead record from a REST lead (`id`, `email` and every mapped field that is set;
    /// `include`: only these SOAP attribute names).
    pub fn soap_record(&self, lead: &Value, include: Option<&[String]>) -> LeadRecord {
        let id = lead
            .get("id")
            .and_then(Value::as_i64)
            .and_then(|n| i32::try_from(n).ok());
        let email = lead.get("email").and_then(Value::as_str).map(str::to_owned);
        let mut attribute: Vec<Attribute> = Vec::new();
        if let Some(object) = lead.as_object() {
            for (name, value) in object {
                let Some(field) = self.by_rest.get(name) else {
                    continue;
                };
                if include.is_some_and(|names| !names.contains(&field.soap)) {
                    continue;
                }
                let text = match value {
                    Value::Null => continue,
                    Value::String(s) if s.is_empty() => continue,
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                attribute.push(Attribute {
                    attr_name: field.soap.clone(),
                    attr_type: Some(Nillable::Value(field.data_type.clone())),
                    attr_value: text,
                });
            }
        }
        attribute.sort_by(|a, b| a.attr_name.cmp(&b.attr_name));
        LeadRecord {
            id: id.map(Nillable::Value),
            email: Some(email.map_or(Nillable::Nil, Nillable::Value)),
            foreign_sys_person_id: Some(Nillable::Nil),
            foreign_sys_type: Some(Nillable::<ForeignSysType>::Nil),
            lead_attribute_list: Some(Nillable::Value(ArrayOfAttribute { attribute })),
        }
    }
}

/// One value of a REST input record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestScalar<'a> {
    /// A JSON string.
    Text(&'a str),
    /// A JSON number (lead ids).
    Int(i32),
}

/// One REST input record (a JSON object) borrowing its text from the SOAP request: fields in
/// the order first set, each name once (a later value replaces an earlier one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestRecord<'a> {
    fields: Vec<(&'a str, RestScalar<'a>)>,
}

impl<'a> RestRecord<'a> {
    /// Sets `name` to `value`.
    pub fn set(&mut self, name: &'a str, value: RestScalar<'a>) {
        match self.fields.iter_mut().find(|(n, _)| *n == name) {
            Some(field) => field.1 = value,
            None => self.fields.push((name, value)),
        }
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<RestScalar<'a>> {
        self.fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }
}

impl Serialize for RestRecord<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.fields.len()))?;
        for (name, value) in &self.fields {
            match value {
                RestScalar::Text(text) => map.serialize_entry(name, text)?,
                RestScalar::Int(n) => map.serialize_entry(name, n)?,
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_fields_with_both_names_are_mapped() {
        let map = FieldMap::from_describe(&json!({"result": [
            {"id": 1, "dataType": "string", "rest": {"name": "firstName"}, "soap": {"name": "FirstName"}},
            {"id": 2, "dataType": "datetime", "rest": {"name": "createdAt"}},
            {"id": 3, "dataType": "integer", "rest": {"name": "leadScore"}, "soap": {"name": "LeadScore"}},
        ]}));
        assert_eq!(map.len(), 2);
        assert_eq!(map.rest("FirstName"), Some("firstName"));
        assert_eq!(map.rest("createdAt"), None);
        let record = map.soap_record(
            &json!({"id": 5, "email": "a@b.c", "leadScore": 7, "firstName": null, "createdAt": "x"}),
            None,
        );
        assert_eq!(record.id, Some(Nillable::Value(5)));
        let attrs = record.lead_attribute_list.unwrap();
        let attrs = &attrs.value().unwrap().attribute;
        assert_eq!(attrs.len(), 1);
        assert_eq!(
            (attrs[0].attr_name.as_str(), attrs[0].attr_value.as_str()),
            ("LeadScore", "7")
        );
    }

    #[test]
    fn a_rest_record_keeps_the_first_order_and_the_last_value() {
        let mut record = RestRecord::default();
        record.set("email", RestScalar::Text("a@b.c"));
        record.set("firstName", RestScalar::Text("Ada"));
        record.set("email", RestScalar::Text("d@e.f"));
        record.set("id", RestScalar::Int(7));
        assert_eq!(record.get("email"), Some(RestScalar::Text("d@e.f")));
        assert_eq!(record.get("lastName"), None);
        assert_eq!(
            serde_json::to_string(&record).unwrap(),
            r#"{"email":"d@e.f","firstName":"Ada","id":7}"#
        );
    }
}
