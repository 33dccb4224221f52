//! `importToList` and `getImportToListStatus` over Marketo REST's Bulk Lead Import (mapping in
//! the module docs of [`super`]).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::common::{pairs, results, unmapped};
use super::rest::RestRequest;
use super::{RestBackend, read_fault, write_fault};
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_server::{BackendFault, CallContext};

/// Bulk imports started through the bridge: (program, list) → (batch id, start).
pub(super) type Started = HashMap<(String, String), (i64, DateTime<Utc>)>;

/// The cells of one CSV line.
fn cells(line: &str) -> Result<Vec<String>, BackendFault> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    match reader.records().next() {
        Some(Ok(record)) => Ok(record.iter().map(|c| c.trim().to_owned()).collect()),
        Some(Err(e)) => Err(BackendFault::bad_parameter(format!(
            "importFileHeader: {e}"
        ))),
        None => Ok(Vec::new()),
    }
}

fn count(row: &Value, name: &str) -> Option<Nillable<i32>> {
    Some(
        row.get(name)
            .and_then(Value::as_i64)
            .and_then(|n| i32::try_from(n).ok())
            .map_or(Nillable::Nil, Nillable::Value),
    )
}

impl RestBackend {
    pub(super) async fn do_import_to_list(
        &self,
        cx: &CallContext,
        params: ParamsImportToList,
    ) -> Result<SuccessImportToList, BackendFault> {
        if params.import_list_mode != ImportToListModeEnum::Upsertleads {
            return Err(unmapped(
                "importListMode LISTONLY has no Marketo REST equivalent (a bulk import creates or updates leads)",
            ));
        }
        if params.clear_list {
            return Err(unmapped(
                "clearList=true has no Marketo REST equivalent in one call (REST cannot empty a list)",
            ));
        }
        if params
            .campaign_name
            .value()
            .is_some_and(|c| !c.trim().is_empty())
        {
            return Err(unmapped(
                "campaignName (My Token values for a campaign) has no Marketo REST bulk import equivalent",
            ));
        }
        let map = self.fields(cx).await?;
        let mut header = Vec::new();
        for column in cells(&params.import_file_header)? {
            let rest = map.rest_of_column(&column).ok_or_else(|| {
                BackendFault::titled(
                    ErrorCode::LeadAttributeBad,
                    "Unknown lead field",
                    format!("importFileHeader: unknown field {column:?} (Marketo REST describe.json has no such field)"),
                )
            })?;
            header.push(rest.to_owned());
        }
        if !header.iter().any(|h| h == "email") {
            return Err(BackendFault::bad_parameter(
                "importFileHeader has no Email Address column",
            ));
        }
        let program = params.program_name.trim().to_owned();
        let list = params.list_name.trim().to_owned();
        let list_id = self.list_id(cx, &list).await?;
        let mut file = header.join(",");
        for row in &params.import_file_rows.string_item {
            file.push('\n');
            file.push_str(row);
        }
        file.push('\n');
        let query = pairs(&[
            ("format", "csv".to_owned()),
            ("lookupField", "email".to_owned()),
            ("listId", list_id.to_string()),
        ]);
        let answer = self
            .rest
            .call(
                cx,
                &RestRequest::upload("/bulk/v1/leads.json", query, file.into_bytes()),
            )
            .await
            .map_err(|e| write_fault(&e))?;
        let batch = results(&answer)
            .first()
            .and_then(|r| r.get("batchId"))
            .and_then(Value::as_i64)
            .ok_or_else(|| {
                BackendFault::may_have_been_applied(
                    "Marketo REST accepted the import without a batchId",
                )
            })?;
        self.imports
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert((program, list), (batch, Utc::now()));
        Ok(SuccessImportToList {
            result: ResultImportToList {
                import_status: ImportToListStatusEnum::Processing,
            },
        })
    }

    pub(super) async fn do_get_import_to_list_status(
        &self,
        cx: &CallContext,
        params: ParamsGetImportToListStatus,
    ) -> Result<SuccessGetImportToListStatus, BackendFault> {
        let required = |value: Option<String>, name: &str| {
            value
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| {
                    BackendFault::titled(
                        ErrorCode::ParameterRequired,
                        "Parameter Required",
                        format!("getImportToListStatus needs {name}"),
                    )
                })
        };
        let program = required(params.program_name, "programName")?;
        let list = required(params.list_name, "listName")?;
        let found = self
            .imports
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(program.clone(), list.clone()))
            .copied();
        let Some((batch, started)) = found else {
            return Err(BackendFault::bad_parameter(format!(
                "No import into list {list:?} of program {program:?} through this bridge since it started"
            )));
        };
        let answer = self
            .rest
            .call(
                cx,
                &RestRequest::get(format!("/bulk/v1/leads/batch/{batch}.json"), Vec::new()),
            )
            .await
            .map_err(|e| read_fault(&e))?;
        let row = results(&answer).first().cloned().unwrap_or(Value::Null);
        let status = match row.get("status").and_then(Value::as_str) {
            Some("Complete") => ImportToListStatusEnum::Complete,
            Some("Failed") => ImportToListStatusEnum::Failed,
            _ => ImportToListStatusEnum::Processing,
        };
        let done = status != ImportToListStatusEnum::Processing;
        let mut summary = row
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let failed = row
            .get("numOfRowsFailed")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        if done && failed > 0 {
            // Each failed row with its reason, as REST lists them.
            let failures = self
                .rest
                .call_text(
                    cx,
                    &RestRequest::get(
                        format!("/bulk/v1/leads/batch/{batch}/failures.json"),
                        Vec::new(),
                    ),
                )
                .await
                .map_err(|e| read_fault(&e))?;
            for line in failures.lines().skip(1).filter(|l| !l.trim().is_empty()) {
                summary.push_str("; ");
                summary.push_str(line);
            }
        }
        fn nil<T>() -> Option<Nillable<T>> {
            Some(Nillable::Nil)
        }
        Ok(SuccessGetImportToListStatus {
            result: ResultGetImportToListStatus {
                status,
                started_time: Some(Nillable::Value(started.fixed_offset())),
                ended_time: nil(),
                estimated_time: nil(),
                estimated_rows: nil(),
                rows_imported: if done {
                    count(&row, "numOfLeadsProcessed")
                } else {
                    nil()
                },
                rows_failed: if done {
                    count(&row, "numOfRowsFailed")
                } else {
                    nil()
                },
                rows_ignored: if done {
                    count(&row, "numOfRowsWithWarning")
                } else {
                    nil()
                },
                import_summary: Some(if done {
                    Nillable::Value(summary)
                } else {
                    Nillable::Nil
                }),
            },
        })
    }
}
