//! Checking an input's columns against the instance's lead fields before anything is sent, so
//! a header typo (`Emial`) is one clear error instead of every lead failing one by one.
//!
//! The fields are the instance's, from `describeMObject(LeadRecord)`
//! ([`lead_fields`](super::lead_fields)), matched exactly and case-sensitively as Marketo
//! matches SOAP names. Each unknown column comes with the nearest known name by edit distance
//! (a transposition counting as one edit) when it is close enough; an input also needs a key
//! column (`Id`, `Email` or `ForeignSysPersonId`). Columns starting with `_` (the `_fate`,
//! `_reason` and `_line` of a failed-leads file, a user's notes) are never sent, so never
//! checked.

use std::fmt;

use super::input::{KEY_COLUMNS, is_ignored_column};

/// A column that names no lead field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownColumn {
    /// The column as written.
    pub column: String,
    /// The known field closest to it, when one is close (a typo, a case slip).
    pub nearest: Option<String>,
}

impl fmt::Display for UnknownColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {:?} is not a lead field", self.column)?;
        match &self.nearest {
            Some(nearest) => write!(f, " (did you mean {nearest:?}?)"),
            None => Ok(()),
        }
    }
}

/// The columns of `columns` that are neither keys, nor ignored (starting with `_`), nor one of
/// `fields` (exact, case-sensitive SOAP names, as Marketo matches them), each with its nearest
/// known name.
pub fn unknown_columns<'a>(
    columns: impl IntoIterator<Item = &'a str>,
    fields: &[String],
) -> Vec<UnknownColumn> {
    columns
        .into_iter()
        .filter(|c| {
            !KEY_COLUMNS.contains(c) && !is_ignored_column(c) && !fields.iter().any(|f| f == c)
        })
        .map(|column| UnknownColumn {
            column: column.to_owned(),
            nearest: nearest(column, fields.iter().map(String::as_str).chain(KEY_COLUMNS)),
        })
        .collect()
}

/// True when `columns` include a lead key (`Id`, `Email` or `ForeignSysPersonId`): without
/// one, no line of the input can identify a lead.
pub fn has_key_column<'a>(columns: impl IntoIterator<Item = &'a str>) -> bool {
    columns
        .into_iter()
        .any(|c| matches!(c, "Id" | "Email" | "ForeignSysPersonId"))
}

/// The candidate closest to `word` by edit distance (ignoring case), when it is within a third
/// of the word's length (at least 2 edits).
fn nearest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let lower = word.to_lowercase();
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .map(|c| (distance(&lower, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.to_owned())
}

/// Levenshtein distance, with a transposition counting as one edit.
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_name_the_nearest_field() {
        let fields: Vec<String> = ["FirstName", "LastName", "Company", "Phone"]
            .map(String::from)
            .to_vec();
        let columns = [
            "Emial",
            "FirstName",
            "lastname",
            "Zebra",
            "Id",
            "_fate",
            "_Note",
        ];
        let unknown = unknown_columns(columns, &fields);
        assert_eq!(
            unknown,
            [
                UnknownColumn {
                    column: "Emial".into(),
                    nearest: Some("Email".into())
                },
                UnknownColumn {
                    column: "lastname".into(),
                    nearest: Some("LastName".into())
                },
                UnknownColumn {
                    column: "Zebra".into(),
                    nearest: None
                },
            ]
        );
        assert_eq!(
            unknown[0].to_string(),
            "column \"Emial\" is not a lead field (did you mean \"Email\"?)"
        );
    }
}
