//! The sandbox's activity log: what happened to its own leads (new lead, data value changes,
//! list membership, campaign requests, merges), as `getLeadActivity` and `getLeadChanges`
//! report it. Ids are dense and increasing, so an id is also a position in the log.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{Transaction, params};

use mktows::types::ActivityType;

/// First activity id handed out.
pub const FIRST_ACTIVITY_ID: i32 = 1_024_001;

/// The kinds of activity the sandbox records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActivityKind {
    /// A lead was created.
    NewLead,
    /// A field value changed.
    ChangeDataValue,
    /// The lead was added to a static list.
    AddToList,
    /// The lead was removed from a static list.
    RemoveFromList,
    /// A campaign was requested for the lead (`requestCampaign`).
    RequestCampaign,
    /// Other leads were merged into this one.
    MergeLeads,
}

impl ActivityKind {
    /// Every kind.
    pub const ALL: [ActivityKind; 6] = [
        ActivityKind::NewLead,
        ActivityKind::ChangeDataValue,
        ActivityKind::AddToList,
        ActivityKind::RemoveFromList,
        ActivityKind::RequestCampaign,
        ActivityKind::MergeLeads,
    ];

    /// Display name, as `activityType` in responses and `activityNameFilter` in requests.
    pub fn name(self) -> &'static str {
        match self {
            ActivityKind::NewLead => "New Lead",
            ActivityKind::ChangeDataValue => "Change Data Value",
            ActivityKind::AddToList => "Add to List",
            ActivityKind::RemoveFromList => "Remove from List",
            ActivityKind::RequestCampaign => "Request Campaign",
            ActivityKind::MergeLeads => "Merge Leads",
        }
    }

    /// Marketo's REST activity type id.
    pub fn rest_id(self) -> i32 {
        match self {
            ActivityKind::NewLead => 12,
            ActivityKind::ChangeDataValue => 13,
            ActivityKind::AddToList => 24,
            ActivityKind::RemoveFromList => 25,
            ActivityKind::MergeLeads => 32,
            ActivityKind::RequestCampaign => 47,
        }
    }

    /// The SOAP `ActivityType` enumeration value (filters).
    pub fn soap_type(self) -> ActivityType {
        match self {
            ActivityKind::NewLead => ActivityType::NewLead,
            ActivityKind::ChangeDataValue => ActivityType::ChangeDataValue,
            ActivityKind::AddToList => ActivityType::AddToList,
            ActivityKind::RemoveFromList => ActivityType::RemoveFromList,
            ActivityKind::RequestCampaign => ActivityType::RequestCampaign,
            ActivityKind::MergeLeads => ActivityType::MergeLeads,
        }
    }

    /// The kind with this display name (ignoring case).
    pub fn from_name(name: &str) -> Option<ActivityKind> {
        Self::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name.trim()))
    }

    /// The kind with this REST id.
    pub fn from_rest_id(id: i32) -> Option<ActivityKind> {
        Self::ALL.into_iter().find(|k| k.rest_id() == id)
    }
}

/// One recorded activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    /// Activity id.
    pub id: i32,
    /// The lead it happened to.
    pub lead_id: i32,
    /// What happened.
    pub kind: ActivityKind,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The asset involved (`mktgAssetName`): field, list or campaign name.
    pub asset: String,
    /// The campaign that caused it, if any.
    pub campaign: Option<String>,
    /// Details (`activityAttributes`), e.g. `Old Value` / `New Value`.
    pub attributes: Vec<(String, String)>,
}

/// All activities, by id, with an index by lead; new ones wait in `pending` until the next
/// durable write.
#[derive(Debug, Default)]
pub struct ActivityLog {
    all: Vec<Activity>,
    by_lead: HashMap<i32, Vec<i32>>,
    pending: usize,
}

impl ActivityLog {
    /// Appends an activity happening now, returning its id.
    pub fn record(
        &mut self,
        lead_id: i32,
        kind: ActivityKind,
        asset: impl Into<String>,
        campaign: Option<String>,
        attributes: Vec<(String, String)>,
    ) -> i32 {
        let id = FIRST_ACTIVITY_ID + self.all.len() as i32;
        self.by_lead.entry(lead_id).or_default().push(id);
        self.all.push(Activity {
            id,
            lead_id,
            kind,
            created_at: Utc::now(),
            asset: asset.into(),
            campaign,
            attributes,
        });
        self.pending += 1;
        id
    }

    /// Loads an activity read from the database (ids must come in increasing order).
    pub fn load(&mut self, activity: Activity) -> Result<(), String> {
        let expected = FIRST_ACTIVITY_ID + self.all.len() as i32;
        if activity.id != expected {
            return Err(format!(
                "activity log: id {} where {expected} was expected",
                activity.id
            ));
        }
        self.by_lead
            .entry(activity.lead_id)
            .or_default()
            .push(activity.id);
        self.all.push(activity);
        Ok(())
    }

    /// The activity [`Self::record`] would append now, for writing it before it is appended
    /// (see [`Self::write`] and [`Self::push_written`]).
    pub fn next(
        &self,
        lead_id: i32,
        kind: ActivityKind,
        asset: impl Into<String>,
        attributes: Vec<(String, String)>,
    ) -> Activity {
        Activity {
            id: FIRST_ACTIVITY_ID + self.all.len() as i32,
            lead_id,
            kind,
            created_at: Utc::now(),
            asset: asset.into(),
            campaign: None,
            attributes,
        }
    }

    /// Appends an activity already written to the database (from [`Self::next`], with no
    /// other activity recorded in between). Behind activities still pending it counts as
    /// pending too (written again, unchanged, with them).
    pub fn push_written(&mut self, activity: Activity) {
        if self.pending > 0 {
            self.pending += 1;
        }
        self.by_lead
            .entry(activity.lead_id)
            .or_default()
            .push(activity.id);
        self.all.push(activity);
    }

    /// Gives every activity of `from` to `to` in memory (a merge; the caller updates the
    /// database), oldest first.
    pub fn reassign(&mut self, from: i32, to: i32) {
        let Some(ids) = self.by_lead.remove(&from) else {
            return;
        };
        for id in &ids {
            if let Some(a) = self.get_mut(*id) {
                a.lead_id = to;
            }
        }
        let target = self.by_lead.entry(to).or_default();
        target.extend(ids);
        target.sort_unstable();
    }

    fn get_mut(&mut self, id: i32) -> Option<&mut Activity> {
        let index = usize::try_from(id.checked_sub(FIRST_ACTIVITY_ID)?).ok()?;
        self.all.get_mut(index)
    }

    /// The activity with this id.
    pub fn get(&self, id: i32) -> Option<&Activity> {
        let index = usize::try_from(id.checked_sub(FIRST_ACTIVITY_ID)?).ok()?;
        self.all.get(index)
    }

    /// Activities of one lead, oldest first.
    pub fn of_lead(&self, lead_id: i32) -> impl DoubleEndedIterator<Item = &Activity> {
        self.by_lead
            .get(&lead_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.get(*id))
    }

    /// Every activity with an id above `after` (all when `None`), oldest first.
    pub fn after(&self, after: Option<i32>) -> impl Iterator<Item = &Activity> {
        let start = after.map_or(0, |id| {
            usize::try_from(id.saturating_sub(FIRST_ACTIVITY_ID).saturating_add(1)).unwrap_or(0)
        });
        self.all.iter().skip(start)
    }

    /// The first activity created at or after `time`.
    pub fn first_since(&self, time: DateTime<Utc>) -> Option<i32> {
        let index = self.all.partition_point(|a| a.created_at < time);
        self.all.get(index).map(|a| a.id)
    }

    /// Number of activities.
    pub fn len(&self) -> usize {
        self.all.len()
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    /// Writes what was recorded since the last call into `tx`.
    pub fn flush(&mut self, tx: &Transaction<'_>) -> Result<(), String> {
        for a in &self.all[self.all.len() - self.pending..] {
            Self::write(tx, a)?;
        }
        Ok(())
    }

    /// Writes one activity's row.
    pub fn write(tx: &Transaction<'_>, a: &Activity) -> Result<(), String> {
        let err = |e: rusqlite::Error| e.to_string();
        let mut insert = tx
            .prepare_cached(
                "INSERT OR REPLACE INTO activities (id, lead_id, kind, created_at, asset, campaign, attributes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(err)?;
        insert
            .execute(params![
                a.id,
                a.lead_id,
                a.kind.rest_id(),
                a.created_at.to_rfc3339(),
                a.asset,
                a.campaign,
                serde_json::to_string(&a.attributes).map_err(|e| e.to_string())?,
            ])
            .map(|_| ())
            .map_err(err)
    }

    /// Marks what was flushed as written (after the transaction committed).
    pub fn flushed(&mut self) {
        self.pending = 0;
    }

    /// The table it is kept in.
    pub const SCHEMA: &'static str = "CREATE TABLE IF NOT EXISTS activities (
        id INTEGER PRIMARY KEY,
        lead_id INTEGER NOT NULL,
        kind INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        asset TEXT NOT NULL,
        campaign TEXT,
        attributes TEXT NOT NULL
    );";

    /// Reads the log from the database.
    pub fn read(db: &rusqlite::Connection) -> Result<ActivityLog, String> {
        let mut log = ActivityLog::default();
        let mut statement = db
            .prepare("SELECT id, lead_id, kind, created_at, asset, campaign, attributes FROM activities ORDER BY id")
            .map_err(|e| e.to_string())?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, i32>(0)?,
                    row.get::<_, i32>(1)?,
                    row.get::<_, i32>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, Option<String>>(5)?,
                    row.get::<_, String>(6)?,
                ))
            })
            .map_err(|e| e.to_string())?;
        for row in rows {
            let (id, lead_id, kind, created, asset, campaign, attributes) =
                row.map_err(|e| e.to_string())?;
            let kind = ActivityKind::from_rest_id(kind)
                .ok_or_else(|| format!("activity {id}: unknown kind {kind}"))?;
            let created_at = DateTime::parse_from_rfc3339(&created)
                .map_err(|e| format!("activity {id}: bad time {created:?}: {e}"))?
                .with_timezone(&Utc);
            let attributes =
                serde_json::from_str(&attributes).map_err(|e| format!("activity {id}: {e}"))?;
            log.load(Activity {
                id,
                lead_id,
                kind,
                created_at,
                asset,
                campaign,
                attributes,
            })?;
        }
        Ok(log)
    }
}
