//! `importToList` and `getImportToListStatus` over Marketo REST's Bulk Lead Import (mapping in
//! the module docs of [`super`]).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::common::{pairs, results, unmapped};
use super::rest::RestRequest;
use super::{FieldMap, RestBackend, read_fault, write_fault};
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

/// The import modes REST's Bulk Lead Import can carry out (it creates or updates leads only).
fn check_import(params: &ParamsImportToList) -> Result<(), BackendFault> {
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
    Ok(())
}

/// The REST names of the `importFileHeader` columns (display or SOAP names); it needs the
/// email column REST looks leads up by.
fn import_header(map: &FieldMap, line: &str) -> Result<Vec<String>, BackendFault> {
    let mut header = Vec::new();
    for column in cells(line)? {
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
    Ok(header)
}

/// The CSV file REST imports: the REST header, then the rows as sent.
fn import_file(header: &[String], rows: &[String]) -> String {
    let mut file = header.join(",");
    for row in rows {
        file.push('\n');
        file.push_str(row);
    }
    file.push('\n');
    file
}

/// The batch id of an accepted import (without one, it may have been applied).
fn import_batch(answer: &Value) -> Result<i64, BackendFault> {
    results(answer)
        .first()
        .and_then(|r| r.get("batchId"))
        .and_then(Value::as_i64)
        .ok_or_else(|| {
            BackendFault::may_have_been_applied(
                "Marketo REST accepted the import without a batchId",
            )
        })
}

/// The (program, list) a status request names, both required.
fn import_key(params: ParamsGetImportToListStatus) -> Result<(String, String), BackendFault> {
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
    Ok((program, list))
}

/// The SOAP status of REST's batch status.
fn import_status(row: &Value) -> ImportToListStatusEnum {
    match row.get("status").and_then(Value::as_str) {
        Some("Complete") => ImportToListStatusEnum::Complete,
        Some("Failed") => ImportToListStatusEnum::Failed,
        _ => ImportToListStatusEnum::Processing,
    }
}

/// The SOAP answer: counts and summary once the import is done (nil while it runs).
fn soap_import_status(
    row: &Value,
    status: ImportToListStatusEnum,
    started: DateTime<Utc>,
    summary: String,
) -> SuccessGetImportToListStatus {
    fn nil<T>() -> Option<Nillable<T>> {
        Some(Nillable::Nil)
    }
    let done = status != ImportToListStatusEnum::Processing;
    let done_count = |name: &str| if done { count(row, name) } else { nil() };
    SuccessGetImportToListStatus {
        result: ResultGetImportToListStatus {
            status,
            started_time: Some(Nillable::Value(started.fixed_offset())),
            ended_time: nil(),
            estimated_time: nil(),
            estimated_rows: nil(),
            rows_imported: done_count("numOfLeadsProcessed"),
            rows_failed: done_count("numOfRowsFailed"),
            rows_ignored: done_count("numOfRowsWithWarning"),
            import_summary: Some(if done {
                Nillable::Value(summary)
            } else {
                Nillable::Nil
            }),
        },
    }
}

impl RestBackend {
    /// `importToList`: the mode and the header checked, the list's id, one bulk upload, the
    /// batch kept for the status.
    pub(super) async fn do_import_to_list(
        &self,
        cx: &CallContext,
        params: ParamsImportToList,
    ) -> Result<SuccessImportToList, BackendFault> {
        check_import(&params)?;
        let map = self.fields(cx).await?;
        let header = import_header(&map, &params.import_file_header)?;
        let program = params.program_name.trim().to_owned();
        let list = params.list_name.trim().to_owned();
        let list_id = self.list_id(cx, &list).await?;
        let file = import_file(&header, &params.import_file_rows.string_item);
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
        let batch = import_batch(&answer)?;
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

    /// `getImportToListStatus`: the batch this bridge started, its REST status, and each
    /// failed row once it is done.
    pub(super) async fn do_get_import_to_list_status(
        &self,
        cx: &CallContext,
        params: ParamsGetImportToListStatus,
    ) -> Result<SuccessGetImportToListStatus, BackendFault> {
        let (program, list) = import_key(params)?;
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
        let status = import_status(&row);
        let mut summary = row
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let failed = row
            .get("numOfRowsFailed")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        if status != ImportToListStatusEnum::Processing && failed > 0 {
            // Each failed row with its reason, as REST lists them.
            for line in self.import_failures(cx, batch).await? {
                summary.push_str("; ");
                summary.push_str(&line);
            }
        }
        Ok(soap_import_status(&row, status, started, summary))
    }

    /// The failed rows of a batch (REST's `failures.json` without its header).
    async fn import_failures(
        &self,
        cx: &CallContext,
        batch: i64,
    ) -> Result<Vec<String>, BackendFault> {
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
        Ok(failures
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map() -> FieldMap {
        FieldMap::from_describe(&json!({"result": [
            {"displayName": "Email Address", "rest": {"name": "email"}, "soap": {"name": "Email"}},
            {"displayName": "First Name", "rest": {"name": "firstName"}, "soap": {"name": "FirstName"}},
        ]}))
    }

    #[test]
    fn header_columns_become_rest_names() {
        let header = import_header(&map(), "Email Address, firstname").unwrap();
        assert_eq!(header, ["email", "firstName"]);
        assert_eq!(
            import_file(&header, &["a@x.com,Ada".into(), "b@x.com,Bo".into()]),
            "email,firstName\na@x.com,Ada\nb@x.com,Bo\n"
        );
        let fault = import_header(&map(), "Email Address,Shoe Size").unwrap_err();
        assert_eq!(fault.code, ErrorCode::LeadAttributeBad);
        let fault = import_header(&map(), "First Name").unwrap_err();
        assert_eq!(
            fault.message,
            "importFileHeader has no Email Address column"
        );
    }

    #[test]
    fn an_import_without_a_batch_id_may_have_been_applied() {
        let answer = json!({"result": [{"batchId": 1024, "status": "Queued"}]});
        assert_eq!(import_batch(&answer).unwrap(), 1024);
        let fault = import_batch(&json!({"result": []})).unwrap_err();
        assert!(
            fault.message.contains("may have been applied"),
            "{}",
            fault.message
        );
    }

    #[test]
    fn counts_and_summary_show_once_done() {
        let started = Utc::now();
        let row = json!({"status": "Complete", "numOfLeadsProcessed": 9, "numOfRowsFailed": 1,
                         "numOfRowsWithWarning": 0});
        assert_eq!(import_status(&row), ImportToListStatusEnum::Complete);
        assert_eq!(
            import_status(&json!({"status": "Failed"})),
            ImportToListStatusEnum::Failed
        );
        assert_eq!(
            import_status(&json!({"status": "Importing"})),
            ImportToListStatusEnum::Processing
        );
        let done = soap_import_status(&row, import_status(&row), started, "ok".into()).result;
        assert_eq!(done.rows_imported, Some(Nillable::Value(9)));
        assert_eq!(done.rows_failed, Some(Nillable::Value(1)));
        assert_eq!(done.import_summary, Some(Nillable::Value("ok".into())));
        let running = soap_import_status(
            &row,
            ImportToListStatusEnum::Processing,
            started,
            "ok".into(),
        );
        assert_eq!(running.result.rows_imported, Some(Nillable::Nil));
        assert_eq!(running.result.import_summary, Some(Nillable::Nil));
    }
}
