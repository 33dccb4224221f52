//! Merging leads in the store: one SQLite transaction, then the same change in memory.

use chrono::Utc;
use rusqlite::params;

use super::activity::{ActivityKind, ActivityLog};
use super::{Store, StoredLead, write_lead};

impl Store {
    /// Merges the leads `losers` into `winner`: the winner keeps its values and takes the
    /// losers' values for fields it has empty, their cookies, list memberships and activity;
    /// the losers are deleted and the winner gets a Merge Leads activity (`in_sales` recorded
    /// on it). One transaction: durable when this returns `Ok`, and nothing changes when the
    /// database refuses it.
    pub fn merge(&mut self, winner: i32, losers: &[i32], in_sales: bool) -> Result<(), String> {
        let mut lead = self
            .leads
            .get(&winner)
            .cloned()
            .ok_or_else(|| format!("no lead {winner}"))?;
        let losing: Vec<StoredLead> = losers
            .iter()
            .map(|id| {
                self.leads
                    .get(id)
                    .cloned()
                    .ok_or_else(|| format!("no lead {id}"))
            })
            .collect::<Result<_, _>>()?;
        for loser in &losing {
            for (name, value) in &loser.fields {
                let empty = lead.fields.get(name).is_none_or(|v| v.is_empty());
                if empty && !value.is_empty() {
                    lead.fields.insert(name.clone(), value.clone());
                }
            }
            if lead.email.as_deref().is_none_or(str::is_empty) {
                lead.email = loser.email.clone();
            }
            if lead.foreign_id.is_none() {
                lead.foreign_id = loser.foreign_id.clone();
                lead.foreign_type = loser.foreign_type.clone();
            }
            for cookie in &loser.cookies {
                if !lead.cookies.contains(cookie) {
                    lead.cookies.push(cookie.clone());
                }
            }
        }
        lead.updated_at = Utc::now();
        let activity = self.activities.next(
            winner,
            ActivityKind::MergeLeads,
            "Web Service API",
            merge_attributes(losers, in_sales),
        );
        if let Some(db) = self.db.as_mut() {
            let err = |e: rusqlite::Error| e.to_string();
            let tx = db.transaction().map_err(err)?;
            for id in losers {
                tx.execute("DELETE FROM leads WHERE id = ?1", params![id])
                    .map_err(err)?;
                tx.execute(
                    "INSERT OR IGNORE INTO list_members (list, lead_id)
                     SELECT list, ?2 FROM list_members WHERE lead_id = ?1",
                    params![id, winner],
                )
                .map_err(err)?;
                tx.execute("DELETE FROM list_members WHERE lead_id = ?1", params![id])
                    .map_err(err)?;
                tx.execute(
                    "UPDATE activities SET lead_id = ?2 WHERE lead_id = ?1",
                    params![id, winner],
                )
                .map_err(err)?;
            }
            write_lead(&tx, &lead)?;
            ActivityLog::write(&tx, &activity)?;
            tx.commit().map_err(err)?;
        }
        // Durable: now the same change in memory.
        for loser in &losing {
            self.leads.remove(&loser.id);
            self.unindex(loser);
            for members in self.members.values_mut() {
                if members.remove(&loser.id) {
                    members.insert(winner);
                }
            }
            self.activities.reassign(loser.id, winner);
        }
        self.activities.push_written(activity);
        if let Some(old) = self.leads.remove(&winner) {
            self.unindex(&old);
        }
        self.index(&lead);
        self.leads.insert(winner, lead);
        Ok(())
    }
}

/// The attributes of a Merge Leads activity.
fn merge_attributes(losers: &[i32], in_sales: bool) -> Vec<(String, String)> {
    let ids: Vec<String> = losers.iter().map(i32::to_string).collect();
    vec![
        ("Merge ids".into(), ids.join(",")),
        ("Merged in Sales".into(), in_sales.to_string()),
    ]
}
