//! The sandbox's `importToList` jobs, as `getImportToListStatus` reports them: the latest
//! import into each (program, list), kept durable in the table `import_jobs` when the sandbox
//! has a data file; and the import itself, shared by SOAP `importToList` and the REST Bulk
//! Lead Import: an import file's columns, its CSV lines, and applying its rows to the store.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::FieldDef;
use crate::service::Service;
use crate::store::Store;

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

/// What a column of an import file holds.
pub enum Column<'a> {
    /// A lead field.
    Field(&'a FieldDef),
    /// A `{{my.token}}` value (checked, not used).
    Token,
}

/// One CSV line split into cells.
pub fn cells(line: &str) -> Result<Vec<String>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => Ok(record.iter().map(|c| c.trim().to_owned()).collect()),
        Ok(false) => Ok(Vec::new()),
        Err(e) => Err(e.to_string()),
    }
}

/// Applies the rows of an import into `job.list` (none when empty) and keeps the job: `upsert` creates or
/// updates leads by email (else only known leads join), `clear` empties the list first.
/// `Err` is a storage failure.
pub fn apply_import(
    service: &Service,
    store: &mut Store,
    columns: &[Column<'_>],
    rows: &[String],
    upsert: bool,
    clear: bool,
    job: &mut ImportJob,
) -> Result<(), String> {
    let list = job.list.clone();
    job.rows = rows.len();
    if clear && !list.is_empty() {
        let members: Vec<i32> = store.list_members(&list).map(|l| l.id).collect();
        store.change_members(&list, &members, false)?;
    }
    let default_partition = service.default_partition().to_owned();
    let mut changed = Vec::new();
    let mut joining = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let mut fail = |why: String| {
            job.failed += 1;
            job.failures.push(format!("row {}: {why}", i + 1));
            job.failed_rows.push((row.clone(), why));
        };
        let cells = match cells(row) {
            Ok(cells) if cells.len() == columns.len() => cells,
            Ok(cells) => {
                fail(format!(
                    "{} values for {} columns",
                    cells.len(),
                    columns.len()
                ));
                continue;
            }
            Err(e) => {
                fail(e);
                continue;
            }
        };
        let mut email = None;
        let mut fields = Vec::new();
        for (column, cell) in columns.iter().zip(cells) {
            if let Column::Field(field) = column {
                if field.name == "Email" {
                    email = Some(cell.clone()).filter(|e| !e.is_empty());
                }
                if !cell.is_empty() {
                    fields.push((field.name.clone(), cell));
                }
            }
        }
        let Some(email) = email else {
            fail("no Email Address".into());
            continue;
        };
        let existing = store.latest_by_email(&email).cloned();
        let id = match (existing, upsert) {
            (None, false) => {
                job.ignored += 1;
                continue;
            }
            (Some(lead), false) => lead.id,
            (existing, true) => {
                let mut lead = existing.unwrap_or_else(|| store.new_lead(&default_partition));
                lead.email = Some(email);
                for (name, value) in fields {
                    lead.fields.insert(name, value);
                }
                lead.updated_at = Utc::now();
                let id = lead.id;
                changed.extend(store.put(lead));
                id
            }
        };
        job.imported += 1;
        joining.push(id);
    }
    store.persist(&changed)?;
    joining.sort_unstable();
    joining.dedup();
    if !list.is_empty() {
        store.change_members(&list, &joining, true)?;
    }
    store.save_import(job.clone())
}
