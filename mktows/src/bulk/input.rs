//! Leads streamed from CSV (a header row names the fields) or JSON lines (one object per
//! line), a window at a time, from any reader: each comes with its line number and raw text,
//! or with why it could not be read.
//!
//! [`scan_input`] is an optional first pass that keeps no lead: it counts the leads (the total
//! a progress bar needs) and collects the columns (to check before anything is sent).

use std::io::{BufRead, Read};
use std::path::Path;

use crate::lead::Lead;
use crate::types::ForeignSysType;

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

impl Format {
    /// The format a file name suggests: `.jsonl`, `.ndjson` and `.json` are JSON lines,
    /// anything else CSV.
    pub fn of_path(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some("jsonl" | "json" | "ndjson") => Format::Jsonl,
            _ => Format::Csv,
        }
    }
}

/// The columns that are keys, not fields: `Id`, `Email`, `ForeignSysPersonId`,
/// `ForeignSysType`.
pub const KEY_COLUMNS: [&str; 4] = ["Id", "Email", "ForeignSysPersonId", "ForeignSysType"];

/// One lead of the input.
#[derive(Debug, Clone, PartialEq)]
pub struct InputLead {
    /// 1-based line number in the input (the header is line 1 of a CSV file).
    pub line: usize,
    /// The lead, or why the line is not one.
    pub lead: Result<Lead, String>,
    /// The line as read (CSV fields re-joined with commas), for failed-lead files.
    pub raw: String,
}

/// Builds a lead from (column, value) pairs: [`KEY_COLUMNS`] are keys, every other non-empty
/// column a field.
pub fn lead_from_columns(columns: impl Iterator<Item = (String, String)>) -> Result<Lead, String> {
    let mut lead = Lead::default();
    let (mut foreign_id, mut foreign_type) = (None, None);
    for (name, value) in columns {
        if value.is_empty() {
            continue;
        }
        match name.as_str() {
            "Id" => {
                let id = value
                    .trim()
                    .parse()
                    .map_err(|_| format!("Id {value:?} is not an integer"))?;
                lead = lead.with_id(id);
            }
            "Email" => lead = lead.with_email(value),
            "ForeignSysPersonId" => foreign_id = Some(value),
            "ForeignSysType" => foreign_type = Some(ForeignSysType::from(value)),
            _ => lead.set_attribute(name, value),
        }
    }
    match (foreign_id, foreign_type) {
        (Some(id), system) => lead.set_foreign_id(id, system),
        (None, Some(_)) => return Err("ForeignSysType without ForeignSysPersonId".into()),
        (None, None) => {}
    }
    Ok(lead)
}

enum Source<R: BufRead> {
    Csv(csv::Reader<R>),
    Jsonl {
        lines: std::io::Lines<R>,
        number: usize,
    },
}

/// A stream of input leads.
pub struct LeadInput<R: BufRead> {
    source: Source<R>,
    columns: Vec<String>,
}

impl<R: BufRead> LeadInput<R> {
    /// Reads `reader` in `format`. For CSV the header row is read now (its error is returned).
    pub fn new(reader: R, format: Format) -> Result<Self, String> {
        Ok(match format {
            Format::Csv => {
                let mut csv = csv::ReaderBuilder::new()
                    .flexible(false)
                    .from_reader(reader);
                let columns = csv
                    .headers()
                    .map_err(|e| format!("header row: {e}"))?
                    .iter()
                    .map(|h| h.trim().to_owned())
                    .collect();
                LeadInput {
                    source: Source::Csv(csv),
                    columns,
                }
            }
            Format::Jsonl => LeadInput {
                source: Source::Jsonl {
                    lines: reader.lines(),
                    number: 0,
                },
                columns: Vec::new(),
            },
        })
    }

    /// The CSV header's columns (empty for JSON lines, whose keys are per line).
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The next lead, `None` at the end.
    pub fn next_lead(&mut self) -> Option<InputLead> {
        match &mut self.source {
            Source::Csv(reader) => {
                let mut record = csv::StringRecord::new();
                match reader.read_record(&mut record) {
                    Ok(false) => None,
                    Ok(true) => {
                        let line = record.position().map_or(0, |p| p.line() as usize);
                        let raw = record.iter().collect::<Vec<_>>().join(",");
                        let columns = self
                            .columns
                            .iter()
                            .cloned()
                            .zip(record.iter().map(str::to_owned));
                        Some(InputLead {
                            line,
                            lead: lead_from_columns(columns),
                            raw,
                        })
                    }
                    Err(e) => Some(InputLead {
                        line: e.position().map_or(0, |p| p.line() as usize),
                        lead: Err(format!("malformed CSV: {e}")),
                        raw: String::new(),
                    }),
                }
            }
            Source::Jsonl { lines, number } => loop {
                let line = lines.next()?;
                *number += 1;
                let line = match line {
                    Ok(line) => line,
                    Err(e) => {
                        return Some(InputLead {
                            line: *number,
                            lead: Err(format!("cannot read: {e}")),
                            raw: String::new(),
                        });
                    }
                };
                if line.trim().is_empty() {
                    continue;
                }
                let lead =
                    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&line)
                        .map_err(|e| format!("malformed JSON: {e}"))
                        .and_then(|object| {
                            lead_from_columns(object.into_iter().map(|(k, v)| match v {
                                serde_json::Value::String(s) => (k, s),
                                serde_json::Value::Null => (k, String::new()),
                                other => (k, other.to_string()),
                            }))
                        });
                return Some(InputLead {
                    line: *number,
                    lead,
                    raw: line,
                });
            },
        }
    }

    /// Up to `size` leads.
    pub fn next_window(&mut self, size: usize) -> Vec<InputLead> {
        let mut window = Vec::with_capacity(size.min(4096));
        while window.len() < size {
            match self.next_lead() {
                Some(lead) => window.push(lead),
                None => break,
            }
        }
        window
    }
}

/// What a first pass over an input found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputScan {
    /// Leads (CSV records after the header, non-empty JSON lines): the total a progress bar
    /// needs.
    pub leads: u64,
    /// The CSV header's columns, or every key used by a JSON line, in first-seen order.
    pub columns: Vec<String>,
}

/// Reads `reader` in `format` once, without keeping the leads.
pub fn scan_input(reader: impl Read, format: Format) -> std::io::Result<InputScan> {
    let mut scan = InputScan::default();
    match format {
        Format::Csv => {
            let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
            scan.columns = csv
                .headers()
                .map_err(std::io::Error::other)?
                .iter()
                .map(|h| h.trim().to_owned())
                .collect();
            let mut record = csv::ByteRecord::new();
            while csv
                .read_byte_record(&mut record)
                .map_err(std::io::Error::other)?
            {
                scan.leads += 1;
            }
        }
        Format::Jsonl => {
            let mut seen = std::collections::HashSet::new();
            for line in std::io::BufReader::new(reader).lines() {
                let line = line?;
                if line.trim().is_empty() {
                    continue;
                }
                scan.leads += 1;
                if let Ok(object) =
                    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&line)
                {
                    for key in object.keys() {
                        if seen.insert(key.clone()) {
                            scan.columns.push(key.clone());
                        }
                    }
                }
            }
        }
    }
    Ok(scan)
}
