//! The failed-leads file: every lead that did not sync, in input order, in the input's own
//! format, so that the file is itself an input (`mktows sync failed.csv` re-runs exactly
//! those leads).
//!
//! - CSV: the input's header (its columns in their order), then `_fate`, `_reason` and
//!   `_line`; each failed lead's fields as read, then its fate, reason and line in the input.
//!   A line that had fewer fields than the header is padded with empty ones and one that had
//!   more keeps the header's count; either way the reason says so, because the padded line is
//!   readable when read back.
//! - JSON lines: each failed lead's object, its members in the line's order, plus `"_fate"`,
//!   `"_reason"` and `"_line"` (a number). A line that was not a JSON object is written back
//!   as read, so that the user can fix it in place (it is unreadable again until then).
//!
//! Reading the file back, columns and members whose names start with `_` are not sent
//! ([`is_ignored_column`](super::is_ignored_column)) and `_fate` tells the run what became of
//! the lead before ([`InputLead::earlier`](super::InputLead::earlier)). An input that already
//! has `_fate`, `_reason` or `_line` (a failed-leads file re-run) gets them replaced, not
//! repeated; other `_` columns (a user's notes) are kept. `_line` is the line in the file the
//! run read.

use std::io::Write;

use super::input::{FATE_COLUMN, LINE_COLUMN, REASON_COLUMN, RawLead};
use super::report::LeadResult;

/// The columns this file writes itself, and replaces when the input has them.
const OWN: [&str; 3] = [FATE_COLUMN, REASON_COLUMN, LINE_COLUMN];

enum Out<W: Write> {
    Csv {
        writer: Box<csv::Writer<W>>,
        /// Indices of the input columns written (all but [`OWN`]).
        keep: Vec<usize>,
        /// The input header's width.
        width: usize,
    },
    Jsonl(W),
}

/// Writes the leads that did not sync, in the input's format (see the module docs).
pub struct FailedFile<W: Write> {
    out: Out<W>,
}

impl<W: Write> FailedFile<W> {
    /// A CSV file for an input with the header `columns` (written now).
    pub fn csv(out: W, columns: &[String]) -> std::io::Result<Self> {
        let mut writer = csv::Writer::from_writer(out);
        let keep: Vec<usize> = (0..columns.len())
            .filter(|&i| !OWN.contains(&columns[i].as_str()))
            .collect();
        let header = keep
            .iter()
            .map(|&i| columns[i].as_str())
            .chain(OWN)
            .collect::<Vec<_>>();
        writer.write_record(&header)?;
        Ok(FailedFile {
            out: Out::Csv {
                writer: Box::new(writer),
                keep,
                width: columns.len(),
            },
        })
    }

    /// A JSON lines file.
    pub fn jsonl(out: W) -> Self {
        FailedFile {
            out: Out::Jsonl(out),
        }
    }

    /// Writes `result` when it did not sync (created, updated and confirmed leads are left
    /// out).
    pub fn write(&mut self, result: &LeadResult) -> std::io::Result<()> {
        if result.fate.is_synced() {
            return Ok(());
        }
        let reason = result.reason.clone().unwrap_or_default();
        match &mut self.out {
            Out::Csv {
                writer,
                keep,
                width,
            } => {
                let fields = match &result.raw {
                    RawLead::Fields(fields) => fields.as_slice(),
                    RawLead::Members(_) | RawLead::Text(_) => &[],
                };
                let reason = match fields.len() {
                    0 => reason,
                    n if n < *width => format!("{reason} (padded with empty fields here)"),
                    n if n > *width => {
                        let extra = fields[*width..].join(",");
                        format!("{reason} (fields beyond the header left out here: {extra})")
                    }
                    _ => reason,
                };
                let line = result.line.to_string();
                let record = keep
                    .iter()
                    .map(|&i| fields.get(i).map_or("", String::as_str))
                    .chain([result.fate.as_str(), reason.as_str(), line.as_str()]);
                writer.write_record(record)?;
                Ok(())
            }
            Out::Jsonl(out) => {
                let text = match &result.raw {
                    RawLead::Text(text) if !text.is_empty() => text.clone(),
                    RawLead::Members(members) => json_object(members, result, &reason),
                    RawLead::Text(_) | RawLead::Fields(_) => json_object(&[], result, &reason),
                };
                writeln!(out, "{text}")
            }
        }
    }

    /// Flushes the file.
    pub fn finish(self) -> std::io::Result<()> {
        match self.out {
            Out::Csv { mut writer, .. } => writer.flush(),
            Out::Jsonl(mut out) => out.flush(),
        }
    }
}

/// `members` (but [`OWN`]) in order, then `_fate`, `_reason` and `_line`, as one JSON line.
fn json_object(
    members: &[(String, serde_json::Value)],
    result: &LeadResult,
    reason: &str,
) -> String {
    let own = [
        (FATE_COLUMN, serde_json::Value::from(result.fate.as_str())),
        (REASON_COLUMN, serde_json::Value::from(reason)),
        (LINE_COLUMN, serde_json::Value::from(result.line)),
    ];
    let text: Vec<String> = members
        .iter()
        .filter(|(name, _)| !OWN.contains(&name.as_str()))
        .map(|(name, value)| (name.as_str(), value))
        .chain(own.iter().map(|(name, value)| (*name, value)))
        .map(|(name, value)| format!("{}:{value}", serde_json::Value::from(name)))
        .collect();
    format!("{{{}}}", text.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::{Fate, Format, LeadInput};

    fn result(line: usize, fate: Fate, reason: &str, raw: RawLead) -> LeadResult {
        LeadResult {
            line,
            fate,
            lead_id: None,
            reason: Some(reason.into()),
            raw,
        }
    }

    fn fields(values: &[&str]) -> RawLead {
        RawLead::Fields(values.iter().map(|v| v.to_string()).collect())
    }

    #[test]
    fn csv_keeps_the_header_and_quoting_and_replaces_its_own_columns() {
        let columns: Vec<String> = ["Email", "_note", "Company", "_fate", "_line"]
            .map(String::from)
            .to_vec();
        let mut file = FailedFile::csv(Vec::new(), &columns).unwrap();
        let synced = LeadResult {
            lead_id: Some(7),
            ..result(2, Fate::Created, "", fields(&["a@x.com", "", "A", "", ""]))
        };
        file.write(&synced).unwrap();
        let quoted = fields(&["b@x.com", "mine", "Say \"hi\", \nbye", "rejected", "9"]);
        file.write(&result(3, Fate::NotSent, "refused, twice", quoted))
            .unwrap();
        file.write(&result(5, Fate::Unreadable, "short", fields(&["c@x.com"])))
            .unwrap();
        let long = fields(&["d@x.com", "", "D", "", "", "x", "y"]);
        file.write(&result(6, Fate::Unreadable, "long", long))
            .unwrap();
        let Out::Csv { writer, .. } = file.out else {
            panic!("a CSV file")
        };
        let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        assert_eq!(
            text,
            "Email,_note,Company,_fate,_reason,_line\n\
             b@x.com,mine,\"Say \"\"hi\"\", \nbye\",not_sent,\"refused, twice\",3\n\
             c@x.com,,,unreadable,short (padded with empty fields here),5\n\
             d@x.com,,D,unreadable,\"long (fields beyond the header left out here: x,y)\",6\n"
        );
        // Read back: the header's own columns, the fields as written, the fate.
        let mut input = LeadInput::new(text.as_bytes(), Format::Csv).unwrap();
        assert_eq!(
            input.columns(),
            ["Email", "_note", "Company", "_fate", "_reason", "_line"]
        );
        let first = input.next_lead().unwrap();
        assert_eq!(first.line, 2);
        assert_eq!(first.earlier, Some(Fate::NotSent));
        let lead = first.lead.unwrap();
        assert_eq!(lead.attribute("Company"), Some("Say \"hi\", \nbye"));
        assert_eq!(lead.attributes().count(), 1, "no _ column is a field");
    }

    #[test]
    fn json_lines_keep_the_members_in_order_and_bad_lines_as_read() {
        let mut input = LeadInput::new(
            "{\"Email\":\"a@x.com\",\"Zip\":75001,\"_fate\":\"not_sent\",\"Age\":null}\n\
             not json, \"quoted\"\n"
                .as_bytes(),
            Format::Jsonl,
        )
        .unwrap();
        let (object, bad) = (input.next_lead().unwrap(), input.next_lead().unwrap());
        let mut file = FailedFile::jsonl(Vec::new());
        file.write(&result(
            1,
            Fate::MayHaveBeenApplied,
            "timed out",
            object.raw,
        ))
        .unwrap();
        file.write(&result(2, Fate::Unreadable, "malformed JSON", bad.raw))
            .unwrap();
        let lost = RawLead::Text(String::new());
        file.write(&result(3, Fate::Unreadable, "cannot read", lost))
            .unwrap();
        let Out::Jsonl(bytes) = file.out else {
            panic!("a JSON lines file")
        };
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "{\"Email\":\"a@x.com\",\"Zip\":75001,\"Age\":null,\"_fate\":\"may_have_been_applied\",\"_reason\":\"timed out\",\"_line\":1}\n\
             not json, \"quoted\"\n\
             {\"_fate\":\"unreadable\",\"_reason\":\"cannot read\",\"_line\":3}\n"
        );
    }
}
