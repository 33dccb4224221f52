//! The sandbox's REST Bulk Lead Import: `POST /bulk/v1/leads.json?format=csv&listId=` with the
//! file in the multipart field `file`, `GET /bulk/v1/leads/batch/{batchId}.json` (status) and
//! `GET /bulk/v1/leads/batch/{batchId}/failures.json` (the failed rows as CSV with an `Import
//! Failure Reason` column), over the same import code as SOAP `importToList`.
//!
//! Choices where Marketo is undocumented:
//! - the header names REST field names (`email,firstName`); an unknown one is 1006 and nothing
//!   is imported; `format` must be `csv` and `lookupField` `email` (the default), else 1003;
//!   `partitionName` other than the default workspace's partition is 1003 (the sandbox imports
//!   into that one); `listId` must be a static list (1013) and every imported lead joins it;
//! - the rows are applied when the call is answered; the job reports `Importing` for
//!   [`super::SandboxConfig::import_time`], then `Complete` with the counts; batch ids count
//!   from 1001; an unknown one is 1003.

use serde_json::json;

use super::reply::{Reply, param};
use crate::import_job::ImportJob;
use crate::import_job::{Column, apply_import, cells};
use crate::service::Service;

/// First batch id handed out.
const FIRST_BATCH: usize = 1001;

/// The file's records, each written back as one CSV line.
fn records(file: &str) -> Result<(String, Vec<String>), String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(file.as_bytes());
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        writer.write_record(&record).map_err(|e| e.to_string())?;
        let bytes = writer.into_inner().map_err(|e| e.to_string())?;
        lines.push(
            String::from_utf8_lossy(&bytes)
                .trim_end_matches('\n')
                .to_owned(),
        );
    }
    if lines.is_empty() {
        return Err("the file has no header line".into());
    }
    let header = lines.remove(0);
    Ok((header, lines))
}

/// Starts a bulk import.
pub fn import(service: &Service, pairs: &[(String, String)], file: &[u8]) -> Reply {
    if param(pairs, "format").unwrap_or("csv") != "csv" {
        return Reply::error(1003, "format must be csv");
    }
    if param(pairs, "lookupField").is_some_and(|f| f != "email") {
        return Reply::error(1003, "lookupField must be email");
    }
    let default_partition = service.default_partition();
    if let Some(partition) = param(pairs, "partitionName").filter(|p| *p != default_partition) {
        return Reply::error(
            1003,
            format!("partitionName {partition}: the sandbox imports into {default_partition}"),
        );
    }
    let Ok(text) = std::str::from_utf8(file) else {
        return Reply::error(1003, "the file is not UTF-8");
    };
    let (header, rows) = match records(text) {
        Ok(parts) => parts,
        Err(e) => return Reply::error(1003, format!("the file is not CSV: {e}")),
    };
    let mut columns = Vec::new();
    let names = match cells(&header) {
        Ok(names) => names,
        Err(e) => return Reply::error(1003, format!("header: {e}")),
    };
    for name in &names {
        match service.rest_field(name) {
            Some(field) => columns.push(Column::Field(field)),
            None => return Reply::error(1006, format!("Field '{name}' not found")),
        }
    }
    if !columns
        .iter()
        .any(|c| matches!(c, Column::Field(f) if f.name == "Email"))
    {
        return Reply::error(1003, "the header has no email column");
    }
    let mut store = service.lock_store();
    let list = match param(pairs, "listId") {
        None => String::new(),
        Some(id) => match id.parse::<i32>().ok().and_then(|id| store.list_name(id)) {
            Some(name) => name.to_owned(),
            None => return Reply::error(1013, format!("Static list {id} not found")),
        },
    };
    let batch = FIRST_BATCH + store.bulk_imports();
    let mut job = ImportJob::new(
        &format!("#bulk:{batch}"),
        &list,
        service.config().import_time,
    );
    job.header = header;
    if let Err(e) = apply_import(service, &mut store, &columns, &rows, true, false, &mut job) {
        return Reply::error(611, format!("System error: {e}"));
    }
    Reply::ok(vec![json!({
        "batchId": batch,
        "importId": batch.to_string(),
        "status": "Queued",
    })])
}

/// A job's status or failures (`path` after `/bulk/`).
pub fn read(service: &Service, path: &str) -> Reply {
    let segments: Vec<&str> = path.split('/').collect();
    let (id, failures) = match segments.as_slice() {
        ["v1", "leads", "batch", file] => (file.strip_suffix(".json"), false),
        ["v1", "leads", "batch", id, "failures.json"] => (Some(*id), true),
        _ => return Reply::error(610, "Requested resource not found"),
    };
    let store = service.lock_store();
    let Some(job) = id.and_then(|id| store.import_of(&format!("#bulk:{id}"))) else {
        return Reply::error(1003, format!("Invalid batch id {}", id.unwrap_or_default()));
    };
    if failures {
        let mut text = format!("{},Import Failure Reason\n", job.header);
        for (row, reason) in &job.failed_rows {
            text.push_str(&format!("{row},\"{}\"\n", reason.replace('"', "\"\"")));
        }
        return Reply::Csv(text);
    }
    let batch: usize = id.and_then(|id| id.parse().ok()).unwrap_or_default();
    let done = chrono::Utc::now() >= job.ends_at;
    Reply::ok(vec![json!({
        "batchId": batch,
        "importId": batch.to_string(),
        "status": if done { "Complete" } else { "Importing" },
        "numOfLeadsProcessed": if done { job.imported } else { 0 },
        "numOfRowsFailed": if done { job.failed } else { 0 },
        "numOfRowsWithWarning": 0,
        "message": if done {
            format!("Import completed: {} rows imported, {} failed", job.imported, job.failed)
        } else {
            "Import in progress".to_owned()
        },
    })])
}
