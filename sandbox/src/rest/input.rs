//! Typed readers for the sandbox's REST request bodies: a Sync Leads body is read into its few
//! members and each input record into an ordered list of fields, without building a
//! `serde_json::Map` per record. Anything of the wrong JSON type reads as absent (the same as
//! reading a [`Value`] and asking for a string), so the answers stay those of a [`Value`] reader.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// The body of `POST /rest/v1/leads.json`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncLeadsBody {
    /// `action`, when it is a string.
    #[serde(default)]
    pub action: Text,
    /// `lookupField`, when it is a string.
    #[serde(default)]
    pub lookup_field: Text,
    /// `partitionName`, when it is a string.
    #[serde(default)]
    pub partition_name: Text,
    /// `input`, when it is an array.
    #[serde(default)]
    pub input: Records,
}

/// A member that counts only when it is a JSON string.
#[derive(Debug, Default)]
pub struct Text(pub Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Text, D::Error> {
        Value::deserialize(deserializer).map(|v| match v {
            Value::String(s) => Text(Some(s)),
            _ => Text(None),
        })
    }
}

/// An array of input records (`None` when the member is not an array).
#[derive(Debug, Default)]
pub struct Records(pub Option<Vec<Record>>);

/// One input record: its fields in order (`None` when the item is not an object).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Record(pub Option<Vec<(String, Value)>>);

/// The value of `name` in a record's fields (the last one, as a JSON object reader keeps).
pub fn field<'a>(fields: &'a [(String, Value)], name: &str) -> Option<&'a Value> {
    fields.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v)
}

/// Reads any JSON value: `Some` from an object, `None` (the value skipped) otherwise.
struct ObjectOrSkip;

/// Reads any JSON value: `Some` from an array, `None` (the value skipped) otherwise.
struct ArrayOrSkip;

/// The visits of a value of another shape: skipped, read as `None`.
macro_rules! skip_scalars {
    () => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    };
}

impl<'de> Visitor<'de> for ObjectOrSkip {
    type Value = Option<Vec<(String, Value)>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(4));
        while let Some(entry) = map.next_entry::<String, Value>()? {
            fields.push(entry);
        }
        Ok(Some(fields))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    skip_scalars!();
}

impl<'de> Visitor<'de> for ArrayOrSkip {
    type Value = Option<Vec<Record>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut records = Vec::with_capacity(seq.size_hint().unwrap_or(16).min(1024));
        while let Some(record) = seq.next_element::<Record>()? {
            records.push(record);
        }
        Ok(Some(records))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    skip_scalars!();
}

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Record, D::Error> {
        deserializer.deserialize_any(ObjectOrSkip).map(Record)
    }
}

impl<'de> Deserialize<'de> for Records {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Records, D::Error> {
        deserializer.deserialize_any(ArrayOrSkip).map(Records)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_of_the_wrong_type_read_as_absent() {
        let body: SyncLeadsBody = serde_json::from_str(
            r#"{"action": 5, "lookupField": "email", "partitionName": null,
                "input": [{"email": "a@b.c", "email": "d@e.f", "n": [1, {"x": 2}]}, 7, [1], null,
                          "text"]}"#,
        )
        .unwrap();
        assert_eq!(body.action.0, None);
        assert_eq!(body.lookup_field.0.as_deref(), Some("email"));
        assert_eq!(body.partition_name.0, None);
        let records = body.input.0.unwrap();
        assert_eq!(records.len(), 5);
        let first = records[0].0.as_deref().unwrap();
        assert_eq!(field(first, "email"), Some(&Value::from("d@e.f")));
        assert_eq!(records[0].0.as_ref().unwrap().len(), 3);
        assert!(records[1..].iter().all(|r| r.0.is_none()));
        let body: SyncLeadsBody = serde_json::from_str(r#"{"input": {"a": 1}}"#).unwrap();
        assert!(body.input.0.is_none());
    }

    #[test]
    fn bad_json_is_still_an_error() {
        assert!(serde_json::from_str::<SyncLeadsBody>(r#"{"input": [{"a": }]}"#).is_err());
        assert!(serde_json::from_str::<SyncLeadsBody>(r#"{"input": [1 2]}"#).is_err());
    }
}
