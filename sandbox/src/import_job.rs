//! The sandbox's `importToList` jobs, as `getImportToListStatus` reports them: the latest
//! import into each (program, list), kept durable in the table `import_jobs` when the sandbox
//! has a data file.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

/// One import: when it ran and what became of its rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportJob {
    /// Program named by the import.
    pub program: String,
    /// Static list imported into.
    pub list: String,
    /// When the import was accepted.
    pub started_at: DateTime<Utc>,
    /// When it is reported complete (`getImportToListStatus` says PROCESSING until then).
    pub ends_at: DateTime<Utc>,
    /// Rows in the file.
    pub rows: usize,
    /// Rows that created or updated a lead and put it on the list.
    pub imported: usize,
    /// Rows refused, each explained in `failures`.
    pub failed: usize,
    /// Rows that matched no lead in `LISTONLY` mode.
    pub ignored: usize,
    /// Why each failed row failed, e.g. `row 3: no Email Address`.
    pub failures: Vec<String>,
    /// Each failed row as it was sent, with its reason (REST's `failures.json`).
    #[serde(default)]
    pub failed_rows: Vec<(String, String)>,
    /// The file's header line (REST's `failures.json` repeats it).
    #[serde(default)]
    pub header: String,
}

impl ImportJob {
    /// A job into `list` (of `program`, or `#bulk` with a batch id for REST imports) starting
    /// now and reported complete after `processing`.
    pub fn new(program: &str, list: &str, processing: std::time::Duration) -> ImportJob {
        let now = Utc::now();
        ImportJob {
            program: program.to_owned(),
            list: list.to_owned(),
            started_at: now,
            ends_at: now + processing,
            rows: 0,
            imported: 0,
            failed: 0,
            ignored: 0,
            failures: Vec::new(),
            failed_rows: Vec::new(),
            header: String::new(),
        }
    }

    /// The `importSummary` text: the counts, then each failure.
    pub fn summary(&self) -> String {
        let mut text = format!(
            "{} rows: {} imported, {} failed, {} ignored",
            self.rows, self.imported, self.failed, self.ignored
        );
        for failure in &self.failures {
            text.push_str("; ");
            text.push_str(failure);
        }
        text
    }
}

/// The table the jobs are kept in.
pub const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS import_jobs (
    program TEXT NOT NULL,
    list TEXT NOT NULL,
    job TEXT NOT NULL,
    PRIMARY KEY (program, list)
);";

/// Reads every job.
pub fn read(db: &Connection) -> Result<Vec<ImportJob>, String> {
    let mut statement = db
        .prepare("SELECT job FROM import_jobs")
        .map_err(|e| e.to_string())?;
    let rows = statement
        .query_map([], |row| row.get::<_, String>(0))
        .map_err(|e| e.to_string())?;
    rows.map(|row| {
        let json = row.map_err(|e| e.to_string())?;
        serde_json::from_str(&json).map_err(|e| format!("import job: {e}"))
    })
    .collect()
}

/// Writes one job durably, replacing the previous one for its program and list.
pub fn write(db: &Connection, job: &ImportJob) -> Result<(), String> {
    db.execute(
        "INSERT OR REPLACE INTO import_jobs (program, list, job) VALUES (?1, ?2, ?3)",
        params![
            job.program,
            job.list,
            serde_json::to_string(job).map_err(|e| e.to_string())?,
        ],
    )
    .map(|_| ())
    .map_err(|e| e.to_string())
}
