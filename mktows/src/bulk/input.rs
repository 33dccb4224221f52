//! Leads streamed from CSV (a header row names the fields) or JSON lines (one object per
//! line), a window at a time, from any reader: each comes with its line number and raw text,
//! or with why it could not be read.
//!
//! [`scan_input`] is an optional first pass that keeps no lead: it counts the leads (the total
//! a progress bar needs) and collects the columns (to check before anything is sent).

use std::io::{BufRead, Read};
use std::path::Path;

use super::report::Fate;
use crate::lead::Lead;
use crate::types::ForeignSysType;

/// The column (CSV) or member (JSON lines) of a failed-leads file that names a lead's fate in
/// the run that wrote it.
pub const FATE_COLUMN: &str = "_fate";
/// The column or member of a failed-leads file with the reason the lead did not sync.
pub const REASON_COLUMN: &str = "_reason";
/// The column or member of a failed-leads file with the lead's line in the input it was read
/// from.
pub const LINE_COLUMN: &str = "_line";

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

/// A lead as read, kept for the failed-leads file, which writes it back in the input's format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawLead {
    /// A CSV record's fields, as many as the line had (a malformed line may have more or fewer
    /// than the header).
    Fields(Vec<String>),
    /// A JSON line's members, in the line's order.
    Members(Vec<(String, serde_json::Value)>),
    /// A line that is not a JSON object, as read (empty when it could not be read at all).
    Text(String),
}

/// One lead of the input.
#[derive(Debug, Clone, PartialEq)]
pub struct InputLead {
    /// 1-based line number in the input (the header is line 1 of a CSV file; a CSV record
    /// spanning lines has the number of its first).
    pub line: usize,
    /// The lead, or why the line is not one.
    pub lead: Result<Lead, String>,
    /// What an earlier run said of this lead: the `_fate` column or member of a failed-leads
    /// file given back as input (see [`crate::bulk`]); `None` when there is none.
    pub earlier: Option<Fate>,
    /// The lead as read, for failed-lead files.
    pub raw: RawLead,
}

/// True for the columns (CSV) and members (JSON lines) that `mktows sync` does not send:
/// names starting with `_`, such as the `_fate`, `_reason` and `_line` a failed-leads file
/// adds.
pub fn is_ignored_column(name: &str) -> bool {
    name.starts_with('_')
}

/// Builds a lead from (column, value) pairs: [`KEY_COLUMNS`] are keys, columns starting with
/// `_` are ignored ([`is_ignored_column`]), every other non-empty column is a field.
pub fn lead_from_columns(columns: impl Iterator<Item = (String, String)>) -> Result<Lead, String> {
    let mut lead = Lead::default();
    let (mut foreign_id, mut foreign_type) = (None, None);
    for (name, value) in columns {
        if value.is_empty() || is_ignored_column(&name) {
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

/// The earlier fate a `_fate` value names (empty: none).
fn earlier_fate(value: Option<&str>) -> Result<Option<Fate>, String> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => text.parse().map(Some),
    }
}

/// A lead, its earlier fate and why it is unreadable, from (column, value) pairs.
fn lead_and_fate(columns: Vec<(String, String)>) -> (Result<Lead, String>, Option<Fate>) {
    let fate = columns
        .iter()
        .find(|(name, _)| name == FATE_COLUMN)
        .map(|(_, value)| value.as_str());
    match earlier_fate(fate) {
        Ok(earlier) => (lead_from_columns(columns.into_iter()), earlier),
        Err(e) => (Err(e), None),
    }
}

/// A JSON object's members in their order (`serde_json::Map` sorts them without the
/// `preserve_order` feature, which would change every map in the build).
struct OrderedObject(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for OrderedObject {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = OrderedObject;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(OrderedObject(members))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// A JSON value as a column value: strings as they are, null as empty, others as JSON text.
fn json_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// One JSON line read.
fn json_lead(line: usize, text: String) -> InputLead {
    match serde_json::from_str::<OrderedObject>(&text) {
        Ok(OrderedObject(members)) => {
            let columns = members
                .iter()
                .map(|(k, v)| (k.clone(), json_text(v)))
                .collect();
            let (lead, earlier) = lead_and_fate(columns);
            InputLead {
                line,
                lead,
                earlier,
                raw: RawLead::Members(members),
            }
        }
        Err(e) => InputLead {
            line,
            lead: Err(format!("malformed JSON: {e}")),
            earlier: None,
            raw: RawLead::Text(text),
        },
    }
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
                // Flexible, so that a line with too few or too many fields is still kept as
                // read (for the failed-leads file) and reported unreadable here.
                let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
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
                let mut record = csv::ByteRecord::new();
                match reader.read_byte_record(&mut record) {
                    Ok(false) => None,
                    Ok(true) => Some(csv_lead(&self.columns, &record)),
                    Err(e) => Some(InputLead {
                        line: e.position().map_or(0, |p| p.line() as usize),
                        lead: Err(format!("malformed CSV: {e}")),
                        earlier: None,
                        raw: RawLead::Fields(Vec::new()),
                    }),
                }
            }
            Source::Jsonl { lines, number } => loop {
                let line = lines.next()?;
                *number += 1;
                return Some(match line {
                    Ok(line) if line.trim().is_empty() => continue,
                    Ok(line) => json_lead(*number, line),
                    Err(e) => InputLead {
                        line: *number,
                        lead: Err(format!("cannot read: {e}")),
                        earlier: None,
                        raw: RawLead::Text(String::new()),
                    },
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

/// One CSV record read: unreadable when it is not UTF-8 or its field count is not the
/// header's.
fn csv_lead(columns: &[String], record: &csv::ByteRecord) -> InputLead {
    let line = record.position().map_or(0, |p| p.line() as usize);
    let fields: Vec<String> = record
        .iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    let (lead, earlier) =
        if let Some(bad) = record.iter().position(|f| std::str::from_utf8(f).is_err()) {
            let column = columns.get(bad).map_or("?", String::as_str);
            (
                Err(format!("malformed CSV: column {column:?} is not UTF-8")),
                None,
            )
        } else if fields.len() != columns.len() {
            let message = format!(
                "malformed CSV: {} fields where the header has {}",
                fields.len(),
                columns.len()
            );
            (Err(message), None)
        } else {
            lead_and_fate(
                columns
                    .iter()
                    .cloned()
                    .zip(fields.iter().cloned())
                    .collect(),
            )
        };
    InputLead {
        line,
        lead,
        earlier,
        raw: RawLead::Fields(fields),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underscore_columns_are_not_sent_and_fate_is_read() {
        let csv = "Email,_fate,Company,_reason,_line\n\
                   a@x.com,may_have_been_applied,\"A, Inc\",timed out,7\n\
                   b@x.com,,B,,\n\
                   c@x.com,gone,C,,\n\
                   d@x.com,rejected\n";
        let mut input = LeadInput::new(csv.as_bytes(), Format::Csv).unwrap();
        let a = input.next_lead().unwrap();
        assert_eq!(a.earlier, Some(Fate::MayHaveBeenApplied));
        let lead = a.lead.unwrap();
        assert_eq!(lead.email(), Some("a@x.com"));
        let attributes: Vec<_> = lead.attributes().collect();
        assert_eq!(attributes, [("Company", "A, Inc")]);
        assert_eq!(
            a.raw,
            RawLead::Fields(
                [
                    "a@x.com",
                    "may_have_been_applied",
                    "A, Inc",
                    "timed out",
                    "7"
                ]
                .map(String::from)
                .to_vec()
            )
        );
        let b = input.next_lead().unwrap();
        assert_eq!((b.line, b.earlier), (3, None));
        assert!(b.lead.is_ok());
        let c = input.next_lead().unwrap();
        assert_eq!(
            c.lead.unwrap_err(),
            "_fate \"gone\" is not one of created, updated, confirmed, unreadable, rejected, \
             not_sent, may_have_been_applied, skipped"
        );
        let d = input.next_lead().unwrap();
        assert_eq!(
            d.lead.unwrap_err(),
            "malformed CSV: 2 fields where the header has 5"
        );
        assert_eq!(
            d.raw,
            RawLead::Fields(vec!["d@x.com".into(), "rejected".into()])
        );
        assert!(input.next_lead().is_none());
    }

    #[test]
    fn json_members_keep_their_order_and_underscores_are_not_sent() {
        let text =
            "{\"Zip\":75001,\"Email\":\"a@x.com\",\"_fate\":\"skipped\",\"_line\":4}\n\n[1]\n";
        let mut input = LeadInput::new(text.as_bytes(), Format::Jsonl).unwrap();
        let a = input.next_lead().unwrap();
        assert_eq!(a.earlier, Some(Fate::Skipped));
        let lead = a.lead.unwrap();
        assert_eq!(lead.attributes().collect::<Vec<_>>(), [("Zip", "75001")]);
        let RawLead::Members(members) = a.raw else {
            panic!("members")
        };
        let names: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["Zip", "Email", "_fate", "_line"]);
        let array = input.next_lead().unwrap();
        assert_eq!(array.line, 3);
        assert!(array.lead.unwrap_err().starts_with("malformed JSON"));
        assert_eq!(array.raw, RawLead::Text("[1]".into()));
    }
}
