//! `importToList` and `getImportToListStatus`: a CSV file of leads imported into a static
//! list, and the import's progress.
//!
//! What the sandbox does (Marketo documented the fields, not the rules):
//! - The program must exist (fault 20110), the list too (20111), and a `campaignName`, when
//!   given, must be a campaign of that program (20113). Everything is checked before anything
//!   changes.
//! - `importFileHeader` is one CSV line naming each column by a lead field's display name
//!   (`Email Address`, `First Name`, as Marketo's import asks) or its SOAP name (`FirstName`),
//!   ignoring case; `{{my.token}}` columns are My Token values for `campaignName` (fault 20110
//!   without one; the sandbox runs no campaign, so they are checked and not used). An unknown
//!   column is fault 20105 naming it, a column named twice is 20110, and there must be an
//!   email column (the import's key, 20110).
//! - Each row of `importFileRows` is one CSV record. `UPSERTLEADS`: the row updates the lead
//!   with that email (the most recent one, as `syncLead` matches) or creates one; empty cells
//!   leave a field unchanged; the lead joins the list. `LISTONLY`: a lead with that email
//!   joins the list, a row that matches none is ignored. A row with the wrong number of cells
//!   or no email fails, and the status names it (`row 3: no Email Address`): nothing is
//!   dropped without a word. `clearList` empties the list first.
//! - The rows are applied when the call is answered, with the usual activities (New Lead,
//!   Change Data Value, Add to List); the call answers `PROCESSING` and
//!   `getImportToListStatus` says `PROCESSING` (with the estimated rows and seconds left) for
//!   [`crate::SandboxConfig::import_time`], then `COMPLETE` with the counts and a
//!   summary naming each failed row. A new import into the same list replaces the job
//!   reported. Asking for an import that never ran is fault 20110; `programName` and
//!   `listName`, optional in the WSDL but required by Marketo's documentation, are 20109
//!   when missing.

use chrono::Utc;

use super::{fault, list_not_found, storage_failed};
use crate::describe::display_name;
use crate::import_job::{Column, ImportJob, apply_import, cells};
use crate::service::Service;
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_server::BackendFault;

/// The columns of an `importFileHeader`.
fn import_columns<'a>(
    service: &'a Service,
    header: &str,
    has_campaign: bool,
) -> Result<Vec<Column<'a>>, BackendFault> {
    let names =
        cells(header).map_err(|e| BackendFault::bad_parameter(format!("importFileHeader: {e}")))?;
    let mut columns = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        if names[..i].iter().any(|n| n.eq_ignore_ascii_case(name)) {
            return Err(BackendFault::bad_parameter(format!(
                "importFileHeader names {name:?} twice"
            )));
        }
        if name.starts_with("{{my.") && name.ends_with("}}") {
            if !has_campaign {
                return Err(BackendFault::bad_parameter(format!(
                    "importFileHeader column {name:?} is a My Token, which needs a campaignName"
                )));
            }
            columns.push(Column::Token);
            continue;
        }
        let field = service
            .config()
            .fields
            .iter()
            .find(|f| {
                f.name.eq_ignore_ascii_case(name)
                    || display_name(&f.name).eq_ignore_ascii_case(name)
            })
            .ok_or_else(|| {
                fault(
                    ErrorCode::LeadAttributeBad,
                    "Unknown lead field",
                    &format!("importFileHeader: unknown field {name:?}"),
                )
            })?;
        if columns
            .iter()
            .any(|c| matches!(c, Column::Field(f) if f.name == field.name))
        {
            return Err(BackendFault::bad_parameter(format!(
                "importFileHeader names the field {} twice",
                field.name
            )));
        }
        columns.push(Column::Field(field));
    }
    if !columns
        .iter()
        .any(|c| matches!(c, Column::Field(f) if f.name == "Email"))
    {
        return Err(BackendFault::bad_parameter(
            "importFileHeader has no Email Address column",
        ));
    }
    Ok(columns)
}

pub(crate) fn import_to_list(
    service: &Service,
    params: ParamsImportToList,
) -> Result<SuccessImportToList, BackendFault> {
    let catalog = &service.config().catalog;
    let program = params.program_name.trim();
    if !catalog.programs.iter().any(|p| p.name == program) {
        return Err(BackendFault::bad_parameter(format!(
            "No program named {program:?}"
        )));
    }
    let campaign = params.campaign_name.value().map(|c| c.trim().to_owned());
    if let Some(name) = campaign.as_deref().filter(|c| !c.is_empty()) {
        if !catalog
            .campaigns
            .iter()
            .any(|c| c.name == name && c.program.as_deref() == Some(program))
        {
            return Err(fault(
                ErrorCode::CampaignNotFound,
                "Campaign Not Found",
                &format!("No campaign named {name:?} in program {program:?}"),
            ));
        }
    }
    let has_campaign = campaign.as_deref().is_some_and(|c| !c.is_empty());
    let columns = import_columns(service, &params.import_file_header, has_campaign)?;
    let upsert = match &params.import_list_mode {
        ImportToListModeEnum::Upsertleads => true,
        ImportToListModeEnum::Listonly => false,
        ImportToListModeEnum::Unknown(other) => {
            return Err(BackendFault::bad_parameter(format!(
                "importListMode {other:?} is neither UPSERTLEADS nor LISTONLY"
            )));
        }
    };
    let list = params.list_name.trim().to_owned();
    let mut store = service.lock_store();
    if store.list_id(&list).is_none() {
        return Err(list_not_found(&format!("named {list:?}")));
    }
    let mut job = ImportJob::new(program, &list, service.config().import_time);
    job.header = params.import_file_header.clone();
    apply_import(
        service,
        &mut store,
        &columns,
        &params.import_file_rows.string_item,
        upsert,
        params.clear_list,
        &mut job,
    )
    .map_err(|e| storage_failed(&e))?;
    Ok(SuccessImportToList {
        result: ResultImportToList {
            import_status: ImportToListStatusEnum::Processing,
        },
    })
}

pub(crate) fn get_import_to_list_status(
    service: &Service,
    params: ParamsGetImportToListStatus,
) -> Result<SuccessGetImportToListStatus, BackendFault> {
    let required = |value: Option<String>, name: &str| {
        value
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                fault(
                    ErrorCode::ParameterRequired,
                    "Parameter Required",
                    &format!("getImportToListStatus needs {name}"),
                )
            })
    };
    let program = required(params.program_name, "programName")?;
    let list = required(params.list_name, "listName")?;
    let store = service.lock_store();
    let job = store.import(&program, &list).ok_or_else(|| {
        BackendFault::bad_parameter(format!(
            "No import into list {list:?} of program {program:?}"
        ))
    })?;
    let now = Utc::now();
    let int = |n: usize| Some(Nillable::Value(i32::try_from(n).unwrap_or(i32::MAX)));
    let started = Some(Nillable::Value(job.started_at.fixed_offset()));
    let result = if now < job.ends_at {
        let left = (job.ends_at - now).num_seconds().max(1) as usize;
        ResultGetImportToListStatus {
            status: ImportToListStatusEnum::Processing,
            started_time: started,
            ended_time: Some(Nillable::Nil),
            estimated_time: int(left),
            estimated_rows: int(job.rows),
            rows_imported: Some(Nillable::Nil),
            rows_failed: Some(Nillable::Nil),
            rows_ignored: Some(Nillable::Nil),
            import_summary: Some(Nillable::Nil),
        }
    } else {
        ResultGetImportToListStatus {
            status: ImportToListStatusEnum::Complete,
            started_time: started,
            ended_time: Some(Nillable::Value(job.ends_at.fixed_offset())),
            estimated_time: int(0),
            estimated_rows: int(job.rows),
            rows_imported: int(job.imported),
            rows_failed: int(job.failed),
            rows_ignored: int(job.ignored),
            import_summary: Some(Nillable::Value(job.summary())),
        }
    };
    Ok(SuccessGetImportToListStatus { result })
}
