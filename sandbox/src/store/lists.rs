//! Static lists in the store: which exist (from the configuration, numbered from
//! [`super::FIRST_LIST_ID`]) and their members, written through to the table `list_members`.

use rusqlite::{Connection, params};

use super::activity::ActivityKind;
use super::{FIRST_LIST_ID, Store, StoredLead};

impl Store {
    /// Declares the static lists that exist, numbered from [`FIRST_LIST_ID`] in this order.
    /// Members already stored for these names (in the database) are theirs again.
    pub fn define_lists(&mut self, names: &[String]) {
        self.lists = names
            .iter()
            .zip(FIRST_LIST_ID..)
            .map(|(name, id)| (name.clone(), id))
            .collect();
    }

    /// The id of the static list named `name` (exact spelling).
    pub fn list_id(&self, name: &str) -> Option<i32> {
        self.lists.get(name).copied()
    }

    /// The name of the static list with this id.
    pub fn list_name(&self, id: i32) -> Option<&str> {
        self.lists
            .iter()
            .find(|(_, list)| **list == id)
            .map(|(name, _)| name.as_str())
    }

    /// True when the lead `lead` is a member of the list `list`.
    pub fn is_member(&self, list: &str, lead: i32) -> bool {
        self.members.get(list).is_some_and(|m| m.contains(&lead))
    }

    /// The leads of the list `list`, by id.
    pub fn list_members(&self, list: &str) -> impl Iterator<Item = &StoredLead> {
        self.members
            .get(list)
            .into_iter()
            .flatten()
            .filter_map(|id| self.leads.get(id))
    }

    /// Adds (`add`) or removes the leads `ids` to or from the list `list`: first in the
    /// database, in one durable transaction, then in memory (so a failed write changes nothing).
    pub fn change_members(&mut self, list: &str, ids: &[i32], add: bool) -> Result<(), String> {
        let kind = if add {
            ActivityKind::AddToList
        } else {
            ActivityKind::RemoveFromList
        };
        for id in ids {
            if self.is_member(list, *id) != add {
                let attributes = vec![("List Name".to_owned(), list.to_owned())];
                self.activities.record(*id, kind, list, None, attributes);
            }
        }
        if let Some(db) = self.db.as_mut() {
            let tx = db.transaction().map_err(|e| e.to_string())?;
            {
                let sql = if add {
                    "INSERT OR IGNORE INTO list_members (list, lead_id) VALUES (?1, ?2)"
                } else {
                    "DELETE FROM list_members WHERE list = ?1 AND lead_id = ?2"
                };
                let mut statement = tx.prepare_cached(sql).map_err(|e| e.to_string())?;
                for id in ids {
                    statement
                        .execute(params![list, id])
                        .map_err(|e| e.to_string())?;
                }
            }
            self.activities.flush(&tx)?;
            tx.commit().map_err(|e| e.to_string())?;
        }
        self.activities.flushed();
        let members = self.members.entry(list.to_owned()).or_default();
        for id in ids {
            if add {
                members.insert(*id);
            } else {
                members.remove(id);
            }
        }
        Ok(())
    }

    /// Loads the static list members of the table `list_members`.
    pub(super) fn read_members(&mut self, db: &Connection) -> Result<(), String> {
        let mut statement = db
            .prepare("SELECT list, lead_id FROM list_members")
            .map_err(|e| e.to_string())?;
        let rows = statement
            .query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i32>(1)?))
            })
            .map_err(|e| e.to_string())?;
        for row in rows {
            let (list, lead) = row.map_err(|e| e.to_string())?;
            self.members.entry(list).or_default().insert(lead);
        }
        Ok(())
    }
}
