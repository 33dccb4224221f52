//! The sandbox's other records — custom objects, opportunities, opportunity roles — kept the
//! same way: one table `objects`, each record with its kind, a numeric id, its key
//! (`(field, value)` pairs: a custom object's dedupe fields, an opportunity's external id) and
//! its attributes. Changes are written in one transaction, then applied in memory.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

/// One record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredObject {
    /// Its kind: a custom object's API name, `Opportunity`, `OpportunityPersonRole`.
    pub kind: String,
    /// Its id (from 1, across kinds).
    pub id: i64,
    /// Its key, in the kind's key order.
    pub key: Vec<(String, String)>,
    /// Its other values.
    pub attributes: BTreeMap<String, String>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last update time.
    pub updated_at: DateTime<Utc>,
}

impl StoredObject {
    /// The value of a key field or attribute.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.key
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .or_else(|| self.attributes.get(name).map(String::as_str))
    }

    /// A GUID-shaped id, as Marketo's REST API names records (`marketoGUID`).
    pub fn guid(&self) -> String {
        Self::guid_of(self.id)
    }

    /// The GUID-shaped id of record `id`.
    pub fn guid_of(id: i64) -> String {
        format!("00000000-0000-4000-8000-{id:012x}")
    }

    /// The id a [`Self::guid`] spells.
    pub fn id_of_guid(guid: &str) -> Option<i64> {
        let hex = guid.trim().strip_prefix("00000000-0000-4000-8000-")?;
        if hex.len() != 12 {
            return None;
        }
        i64::from_str_radix(hex, 16).ok()
    }
}

/// Every record, by kind and id.
#[derive(Debug, Default)]
pub struct Objects {
    by_kind: BTreeMap<String, BTreeMap<i64, StoredObject>>,
    next_id: i64,
}

/// The table the records are kept in.
pub const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS objects (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    record TEXT NOT NULL
);";

impl Objects {
    /// Reads every record.
    pub fn read(db: &Connection) -> Result<Objects, String> {
        let mut objects = Objects::default();
        let mut statement = db
            .prepare("SELECT record FROM objects ORDER BY id")
            .map_err(|e| e.to_string())?;
        let rows = statement
            .query_map([], |row| row.get::<_, String>(0))
            .map_err(|e| e.to_string())?;
        for row in rows {
            let json = row.map_err(|e| e.to_string())?;
            let record: StoredObject =
                serde_json::from_str(&json).map_err(|e| format!("objects: {e}"))?;
            objects.insert(record);
        }
        Ok(objects)
    }

    fn insert(&mut self, record: StoredObject) {
        self.next_id = self.next_id.max(record.id);
        self.by_kind
            .entry(record.kind.clone())
            .or_default()
            .insert(record.id, record);
    }

    /// A new id.
    pub fn allocate_id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    /// Records of one kind, oldest first.
    pub fn of_kind(&self, kind: &str) -> impl Iterator<Item = &StoredObject> {
        self.by_kind.get(kind).into_iter().flat_map(|m| m.values())
    }

    /// The record of `kind` with this id.
    pub fn get(&self, kind: &str, id: i64) -> Option<&StoredObject> {
        self.by_kind.get(kind)?.get(&id)
    }

    /// The record of `kind` whose key is `key` (same fields, values compared ignoring case
    /// and surrounding blanks, as Marketo's dedupe does).
    pub fn by_key(&self, kind: &str, key: &[(String, String)]) -> Option<&StoredObject> {
        self.of_kind(kind).find(|o| {
            o.key.len() == key.len()
                && key.iter().all(|(name, value)| {
                    o.get(name)
                        .is_some_and(|v| v.trim().eq_ignore_ascii_case(value.trim()))
                })
        })
    }

    /// Writes `put` (new or replaced records) and removes `delete` (kind, id): durably first
    /// when there is a database, in one transaction, then in memory.
    pub fn apply(
        &mut self,
        db: Option<&mut Connection>,
        put: Vec<StoredObject>,
        delete: &[(String, i64)],
    ) -> Result<(), String> {
        if let Some(db) = db {
            let err = |e: rusqlite::Error| e.to_string();
            let tx = db.transaction().map_err(err)?;
            for record in &put {
                tx.execute(
                    "INSERT OR REPLACE INTO objects (id, kind, record) VALUES (?1, ?2, ?3)",
                    params![
                        record.id,
                        record.kind,
                        serde_json::to_string(record).map_err(|e| e.to_string())?
                    ],
                )
                .map_err(err)?;
            }
            for (_, id) in delete {
                tx.execute("DELETE FROM objects WHERE id = ?1", params![id])
                    .map_err(err)?;
            }
            tx.commit().map_err(err)?;
        }
        for record in put {
            self.insert(record);
        }
        for (kind, id) in delete {
            if let Some(records) = self.by_kind.get_mut(kind) {
                records.remove(id);
            }
        }
        Ok(())
    }
}
