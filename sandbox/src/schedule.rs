//! Campaign runs the sandbox was asked to schedule (`scheduleCampaign`): kept, durable when
//! the sandbox has a data file, and readable by tests and apps through
//! [`super::Sandbox::scheduled_campaigns`]. The sandbox has no smart lists, so a scheduled
//! batch campaign changes no lead.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use crate::fixture::Campaign;
use crate::store::Store;
use crate::store::activity::ActivityKind;

/// One `scheduleCampaign` call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledRun {
    /// Campaign id.
    pub campaign_id: i32,
    /// Campaign name.
    pub campaign: String,
    /// Program name.
    pub program: String,
    /// When it runs (`campaignRunAt`; now when omitted).
    pub run_at: DateTime<Utc>,
    /// My Token overrides: (`{{my.name}}`, value).
    pub tokens: Vec<(String, String)>,
}

/// The table the runs are kept in.
pub const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS scheduled_runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL,
    campaign TEXT NOT NULL,
    program TEXT NOT NULL,
    run_at TEXT NOT NULL,
    tokens TEXT NOT NULL
);";

/// Reads every run, in the order they were scheduled.
pub fn read(db: &Connection) -> Result<Vec<ScheduledRun>, String> {
    let mut statement = db
        .prepare("SELECT campaign_id, campaign, program, run_at, tokens FROM scheduled_runs ORDER BY seq")
        .map_err(|e| e.to_string())?;
    let rows = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, i32>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
            ))
        })
        .map_err(|e| e.to_string())?;
    let mut runs = Vec::new();
    for row in rows {
        let (campaign_id, campaign, program, run_at, tokens) = row.map_err(|e| e.to_string())?;
        runs.push(ScheduledRun {
            campaign_id,
            campaign,
            program,
            run_at: DateTime::parse_from_rfc3339(&run_at)
                .map_err(|e| format!("scheduled run of {campaign_id}: {e}"))?
                .with_timezone(&Utc),
            tokens: serde_json::from_str(&tokens).map_err(|e| e.to_string())?,
        });
    }
    Ok(runs)
}

/// Writes one run durably.
pub fn write(db: &Connection, run: &ScheduledRun) -> Result<(), String> {
    db.execute(
        "INSERT INTO scheduled_runs (campaign_id, campaign, program, run_at, tokens) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            run.campaign_id,
            run.campaign,
            run.program,
            run.run_at.to_rfc3339(),
            serde_json::to_string(&run.tokens).map_err(|e| e.to_string())?,
        ],
    )
    .map(|_| ())
    .map_err(|e| e.to_string())
}

/// Records a "Request Campaign" activity for each lead (once per lead), durably.
pub fn record_request(
    store: &mut Store,
    campaign: &Campaign,
    source: &str,
    mut leads: Vec<i32>,
    tokens: Vec<(String, String)>,
) -> Result<(), String> {
    leads.sort_unstable();
    leads.dedup();
    let mut attributes = vec![("Source".to_owned(), source.to_owned())];
    attributes.extend(tokens);
    for lead in &leads {
        store.record_activity(
            *lead,
            ActivityKind::RequestCampaign,
            &campaign.name,
            Some(campaign.name.clone()),
            attributes.clone(),
        );
    }
    store.persist(&[])
}
