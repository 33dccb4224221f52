//! The sandbox's leads and static lists: in memory, leads indexed by every key Marketo matches
//! on, optionally written through to SQLite (each change committed before the response that
//! acknowledges it).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use crate::import_job::{self, ImportJob};
use crate::schedule::{self, ScheduledRun};
use activity::{ActivityKind, ActivityLog};
use objects::{Objects, StoredObject};

pub mod activity;
mod lists;
mod merge;
pub mod objects;

/// One lead as the sandbox keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLead {
    /// Marketo id.
    pub id: i32,
    /// Email (matching ignores case).
    pub email: Option<String>,
    /// `ForeignSysPersonId`.
    pub foreign_id: Option<String>,
    /// `ForeignSysType`.
    pub foreign_type: Option<String>,
    /// Munchkin cookies associated with the lead.
    pub cookies: Vec<String>,
    /// Partition the lead lives in.
    pub partition: String,
    /// Field values by field name.
    pub fields: BTreeMap<String, String>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last update time.
    pub updated_at: DateTime<Utc>,
}

/// Leads and their indexes.
#[derive(Debug)]
pub struct Store {
    leads: BTreeMap<i32, StoredLead>,
    by_email: HashMap<String, Vec<i32>>,
    by_foreign: HashMap<String, i32>,
    by_cookie: HashMap<String, i32>,
    next_id: i32,
    /// Static lists that exist: name → id (from the configuration).
    lists: BTreeMap<String, i32>,
    /// Members of static lists by list name (kept for names no longer configured, unused).
    members: HashMap<String, BTreeSet<i32>>,
    /// What happened to the leads.
    activities: ActivityLog,
    /// Campaign runs scheduled.
    scheduled: Vec<ScheduledRun>,
    /// The latest import into each (program, list).
    imports: HashMap<(String, String), ImportJob>,
    /// Custom objects, opportunities and their roles.
    objects: Objects,
    db: Option<Connection>,
}

/// Id of the first configured static list.
pub const FIRST_LIST_ID: i32 = 1001;

/// First id handed out (Marketo ids in the samples are around a million).
const FIRST_ID: i32 = 1_000_001;

fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

impl Store {
    /// An empty in-memory store.
    pub fn in_memory() -> Store {
        Store {
            leads: BTreeMap::new(),
            by_email: HashMap::new(),
            by_foreign: HashMap::new(),
            by_cookie: HashMap::new(),
            next_id: FIRST_ID,
            lists: BTreeMap::new(),
            members: HashMap::new(),
            activities: ActivityLog::default(),
            scheduled: Vec::new(),
            imports: HashMap::new(),
            objects: Objects::default(),
            db: None,
        }
    }

    /// A store kept in the SQLite database at `path` (created if needed, loaded if present).
    pub fn open(path: &Path) -> Result<Store, String> {
        let db = Connection::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        db.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             CREATE TABLE IF NOT EXISTS leads (
                 id INTEGER PRIMARY KEY,
                 email TEXT,
                 foreign_id TEXT,
                 foreign_type TEXT,
                 cookies TEXT NOT NULL,
                 partition TEXT NOT NULL,
                 fields TEXT NOT NULL,
                 created_at TEXT NOT NULL,
                 updated_at TEXT NOT NULL
             );
             CREATE TABLE IF NOT EXISTS list_members (
                 list TEXT NOT NULL,
                 lead_id INTEGER NOT NULL,
                 PRIMARY KEY (list, lead_id)
             );
             CREATE TABLE IF NOT EXISTS fixture (
                 id INTEGER PRIMARY KEY CHECK (id = 1),
                 json TEXT NOT NULL
             );",
        )
        .and_then(|()| db.execute_batch(ActivityLog::SCHEMA))
        .and_then(|()| db.execute_batch(schedule::SCHEMA))
        .and_then(|()| db.execute_batch(import_job::SCHEMA))
        .and_then(|()| db.execute_batch(objects::SCHEMA))
        .map_err(|e| format!("{}: {e}", path.display()))?;
        let mut store = Store::in_memory();
        store.read_leads(&db)?;
        store.read_members(&db)?;
        store.activities = ActivityLog::read(&db)?;
        store.scheduled = schedule::read(&db)?;
        store.objects = Objects::read(&db)?;
        for job in import_job::read(&db)? {
            store
                .imports
                .insert((job.program.clone(), job.list.clone()), job);
        }
        store.db = Some(db);
        Ok(store)
    }

    /// Loads the leads of the table `leads`.
    fn read_leads(&mut self, db: &Connection) -> Result<(), String> {
        let mut statement = db
            .prepare("SELECT id, email, foreign_id, foreign_type, cookies, partition, fields, created_at, updated_at FROM leads")
            .map_err(|e| e.to_string())?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, i32>(0)?,
                    row.get::<_, Option<String>>(1)?,
                    row.get::<_, Option<String>>(2)?,
                    row.get::<_, Option<String>>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, String>(5)?,
                    row.get::<_, String>(6)?,
                    row.get::<_, String>(7)?,
                    row.get::<_, String>(8)?,
                ))
            })
            .map_err(|e| e.to_string())?;
        for row in rows {
            let (id, email, foreign_id, foreign_type, cookies, partition, fields, created, updated) =
                row.map_err(|e| e.to_string())?;
            let parse_time = |t: &str| {
                DateTime::parse_from_rfc3339(t)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|e| format!("lead {id}: bad time {t:?}: {e}"))
            };
            let lead = StoredLead {
                id,
                email,
                foreign_id,
                foreign_type,
                cookies: serde_json::from_str(&cookies).map_err(|e| format!("lead {id}: {e}"))?,
                partition,
                fields: serde_json::from_str(&fields).map_err(|e| format!("lead {id}: {e}"))?,
                created_at: parse_time(&created)?,
                updated_at: parse_time(&updated)?,
            };
            self.index(&lead);
            self.next_id = self.next_id.max(id + 1);
            self.leads.insert(id, lead);
        }
        Ok(())
    }

    fn index(&mut self, lead: &StoredLead) {
        if let Some(email) = &lead.email {
            let ids = self.by_email.entry(email_key(email)).or_default();
            if !ids.contains(&lead.id) {
                ids.push(lead.id);
                ids.sort_unstable();
            }
        }
        if let Some(foreign) = &lead.foreign_id {
            self.by_foreign.insert(foreign.clone(), lead.id);
        }
        for cookie in &lead.cookies {
            self.by_cookie.insert(cookie.clone(), lead.id);
        }
    }

    fn unindex(&mut self, lead: &StoredLead) {
        if let Some(email) = &lead.email {
            if let Some(ids) = self.by_email.get_mut(&email_key(email)) {
                ids.retain(|id| *id != lead.id);
            }
        }
        if let Some(foreign) = &lead.foreign_id {
            if self.by_foreign.get(foreign) == Some(&lead.id) {
                self.by_foreign.remove(foreign);
            }
        }
    }

    /// Number of leads.
    pub fn len(&self) -> usize {
        self.leads.len()
    }

    /// True when there is no lead.
    pub fn is_empty(&self) -> bool {
        self.leads.is_empty()
    }

    /// The lead with this id.
    pub fn get(&self, id: i32) -> Option<&StoredLead> {
        self.leads.get(&id)
    }

    /// Leads with this email, oldest first.
    pub fn by_email(&self, email: &str) -> Vec<&StoredLead> {
        self.by_email
            .get(&email_key(email))
            .map(|ids| ids.iter().filter_map(|id| self.leads.get(id)).collect())
            .unwrap_or_default()
    }

    /// The most recently added lead with this email (Marketo's rule for duplicates).
    pub fn latest_by_email(&self, email: &str) -> Option<&StoredLead> {
        self.by_email(email).into_iter().max_by_key(|l| l.id)
    }

    /// The lead holding this foreign system id.
    pub fn by_foreign(&self, foreign_id: &str) -> Option<&StoredLead> {
        self.by_foreign
            .get(foreign_id)
            .and_then(|id| self.leads.get(id))
    }

    /// The lead associated with this cookie.
    pub fn by_cookie(&self, cookie: &str) -> Option<&StoredLead> {
        self.by_cookie.get(cookie).and_then(|id| self.leads.get(id))
    }

    /// All leads (by id).
    pub fn all(&self) -> impl Iterator<Item = &StoredLead> {
        self.leads.values()
    }

    /// A new id.
    pub fn allocate_id(&mut self) -> i32 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// A new lead with a new id in `partition`, with no keys or fields yet (not stored until
    /// [`Self::put`]).
    pub fn new_lead(&mut self, partition: &str) -> StoredLead {
        let now = Utc::now();
        StoredLead {
            id: self.allocate_id(),
            email: None,
            foreign_id: None,
            foreign_type: None,
            cookies: Vec::new(),
            partition: partition.to_owned(),
            fields: BTreeMap::new(),
            created_at: now,
            updated_at: now,
        }
    }

    /// Inserts or replaces a lead in memory (call [`Self::persist`] to make it durable).
    /// Returns the ids of every lead changed: this one, and one that lost its foreign id or
    /// cookie to it (Marketo reassigns them).
    pub fn put(&mut self, lead: StoredLead) -> Vec<i32> {
        let mut changed = vec![lead.id];
        let old = self.leads.remove(&lead.id);
        if let Some(old) = &old {
            self.unindex(old);
        }
        self.record_changes(old.as_ref(), &lead);
        if let Some(foreign) = &lead.foreign_id {
            if let Some(previous) = self
                .by_foreign
                .get(foreign)
                .copied()
                .filter(|p| *p != lead.id)
            {
                if let Some(other) = self.leads.get_mut(&previous) {
                    other.foreign_id = None;
                    other.foreign_type = None;
                    changed.push(previous);
                }
            }
        }
        for cookie in &lead.cookies {
            if let Some(previous) = self
                .by_cookie
                .get(cookie)
                .copied()
                .filter(|p| *p != lead.id)
            {
                if let Some(other) = self.leads.get_mut(&previous) {
                    other.cookies.retain(|c| c != cookie);
                    changed.push(previous);
                }
            }
        }
        self.index(&lead);
        self.leads.insert(lead.id, lead);
        changed
    }

    /// Records a New Lead activity for a new lead, or a Change Data Value activity for each
    /// field (and the email) whose value changed.
    fn record_changes(&mut self, old: Option<&StoredLead>, new: &StoredLead) {
        let Some(old) = old else {
            self.activities.record(
                new.id,
                ActivityKind::NewLead,
                "Web Service API",
                None,
                vec![("Source Type".into(), "Web Service API".into())],
            );
            return;
        };
        let mut changes: Vec<(String, String, String)> = new
            .fields
            .iter()
            .filter(|(name, value)| old.fields.get(*name) != Some(*value))
            .map(|(name, value)| {
                let before = old.fields.get(name).cloned().unwrap_or_default();
                (name.clone(), before, value.clone())
            })
            .collect();
        if old.email != new.email && !changes.iter().any(|(name, ..)| name == "Email") {
            changes.push((
                "Email".into(),
                old.email.clone().unwrap_or_default(),
                new.email.clone().unwrap_or_default(),
            ));
        }
        for (name, before, after) in changes {
            self.activities.record(
                new.id,
                ActivityKind::ChangeDataValue,
                name.clone(),
                None,
                vec![
                    ("Attribute Name".into(), name),
                    ("Old Value".into(), before),
                    ("New Value".into(), after),
                    ("Reason".into(), "Web Service API".into()),
                ],
            );
        }
    }

    /// The activity log.
    pub fn activities(&self) -> &ActivityLog {
        &self.activities
    }

    /// Records an activity (made durable by the next [`Self::persist`]).
    pub fn record_activity(
        &mut self,
        lead_id: i32,
        kind: ActivityKind,
        asset: &str,
        campaign: Option<String>,
        attributes: Vec<(String, String)>,
    ) -> i32 {
        self.activities
            .record(lead_id, kind, asset, campaign, attributes)
    }

    /// Keeps a scheduled campaign run (durably first, when there is a database).
    pub fn schedule(&mut self, run: ScheduledRun) -> Result<(), String> {
        if let Some(db) = &self.db {
            schedule::write(db, &run)?;
        }
        self.scheduled.push(run);
        Ok(())
    }

    /// Keeps an import job (durably first, when there is a database), replacing the previous
    /// one into the same program and list.
    pub fn save_import(&mut self, job: ImportJob) -> Result<(), String> {
        if let Some(db) = &self.db {
            import_job::write(db, &job)?;
        }
        self.imports
            .insert((job.program.clone(), job.list.clone()), job);
        Ok(())
    }

    /// The import job whose `program` is `program` (REST bulk jobs: `#bulk:<batch id>`).
    pub fn import_of(&self, program: &str) -> Option<&ImportJob> {
        self.imports.values().find(|j| j.program == program)
    }

    /// How many REST bulk import jobs there are.
    pub fn bulk_imports(&self) -> usize {
        self.imports
            .values()
            .filter(|j| j.program.starts_with("#bulk:"))
            .count()
    }

    /// The latest import into `list` of `program`.
    pub fn import(&self, program: &str, list: &str) -> Option<&ImportJob> {
        self.imports.get(&(program.to_owned(), list.to_owned()))
    }

    /// Custom objects, opportunities and roles.
    pub fn objects(&self) -> &Objects {
        &self.objects
    }

    /// A new record id.
    pub fn allocate_object_id(&mut self) -> i64 {
        self.objects.allocate_id()
    }

    /// Stores `put` and removes `delete` (kind, id), durably, in one transaction.
    pub fn change_objects(
        &mut self,
        put: Vec<StoredObject>,
        delete: &[(String, i64)],
    ) -> Result<(), String> {
        self.objects.apply(self.db.as_mut(), put, delete)
    }

    /// Campaign runs scheduled, in order.
    pub fn scheduled(&self) -> &[ScheduledRun] {
        &self.scheduled
    }

    /// The fixture saved in the database, if any.
    pub fn saved_fixture(&self) -> Result<Option<String>, String> {
        let Some(db) = &self.db else {
            return Ok(None);
        };
        let mut statement = db
            .prepare("SELECT json FROM fixture WHERE id = 1")
            .map_err(|e| e.to_string())?;
        let mut rows = statement.query([]).map_err(|e| e.to_string())?;
        match rows.next().map_err(|e| e.to_string())? {
            Some(row) => Ok(Some(row.get(0).map_err(|e| e.to_string())?)),
            None => Ok(None),
        }
    }

    /// Saves the fixture (JSON) in the database; a no-op in memory.
    pub fn save_fixture(&mut self, json: &str) -> Result<(), String> {
        let Some(db) = &self.db else {
            return Ok(());
        };
        db.execute(
            "INSERT OR REPLACE INTO fixture (id, json) VALUES (1, ?1)",
            params![json],
        )
        .map(|_| ())
        .map_err(|e| e.to_string())
    }

    /// Writes the given leads to the database in one transaction, durably; a no-op in memory.
    pub fn persist(&mut self, ids: &[i32]) -> Result<(), String> {
        let Some(db) = self.db.as_mut() else {
            self.activities.flushed();
            return Ok(());
        };
        let tx = db.transaction().map_err(|e| e.to_string())?;
        for id in ids {
            if let Some(lead) = self.leads.get(id) {
                write_lead(&tx, lead)?;
            }
        }
        self.activities.flush(&tx)?;
        tx.commit().map_err(|e| e.to_string())?;
        self.activities.flushed();
        Ok(())
    }
}

/// Writes one lead's row.
fn write_lead(tx: &rusqlite::Transaction<'_>, lead: &StoredLead) -> Result<(), String> {
    let mut insert = tx
        .prepare_cached(
            "INSERT OR REPLACE INTO leads (id, email, foreign_id, foreign_type, cookies, partition, fields, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .map_err(|e| e.to_string())?;
    insert
        .execute(params![
            lead.id,
            lead.email,
            lead.foreign_id,
            lead.foreign_type,
            serde_json::to_string(&lead.cookies).map_err(|e| e.to_string())?,
            lead.partition,
            serde_json::to_string(&lead.fields).map_err(|e| e.to_string())?,
            lead.created_at.to_rfc3339(),
            lead.updated_at.to_rfc3339(),
        ])
        .map(|_| ())
        .map_err(|e| e.to_string())
}
