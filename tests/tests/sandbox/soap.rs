//! The sandbox's SOAP operations (`sandbox/src/soap/`), one file per file there; the helpers
//! here are shared by the tests of merges and imports.

mod activities;
mod campaigns;
mod custom_objects;
mod describe;
mod imports;
mod leads;
mod merge;
mod mobjects;
mod programs;

use std::collections::BTreeMap;
use std::time::Duration;

use mktows::Client;
use mktows::operations::{GetLead, GetLeadActivity};
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_sandbox::SandboxConfig;
use mktows_tests::soap::exchange;

/// How long the sandbox reports an import PROCESSING in these tests.
pub(super) const IMPORT_TIME: Duration = Duration::from_millis(400);

pub(super) fn config(data: Option<std::path::PathBuf>) -> SandboxConfig {
    SandboxConfig {
        data,
        lists: vec!["Attendees".into(), "Customers".into()],
        import_time: IMPORT_TIME,
        ..SandboxConfig::default()
    }
}

pub(super) fn temp_db(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mktows-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("sandbox.sqlite");
    let _ = std::fs::remove_file(&data);
    data
}

/// The stored lead with this id: email and fields, or `None` when getLead says 20103.
pub(super) async fn lead(client: &Client, id: i32) -> Option<(String, BTreeMap<String, String>)> {
    let got = exchange::<GetLead>(
        client,
        &ParamsGetLead::new(LeadKey::new(LeadKeyRef::Idnum, id.to_string())),
    )
    .await;
    if matches!(got.reply, mktows::xml::Reply::Fault(_)) {
        assert_eq!(got.fault_code(), 20103);
        return None;
    }
    let record = got.output().result.lead_record_list.clone()?.into_value()?;
    let record = record.lead_record.into_iter().next()?;
    let fields = record
        .lead_attribute_list
        .and_then(Nillable::into_value)
        .map(|l| {
            l.attribute
                .into_iter()
                .map(|a| (a.attr_name, a.attr_value))
                .collect()
        })
        .unwrap_or_default();
    let email = record
        .email
        .and_then(Nillable::into_value)
        .unwrap_or_default();
    Some((email, fields))
}

/// The activity types of a lead, newest first.
pub(super) async fn activity_types(client: &Client, id: i32) -> Vec<String> {
    let page = exchange::<GetLeadActivity>(
        client,
        &ParamsGetLeadActivity::new(LeadKey::new(LeadKeyRef::Idnum, id.to_string())),
    )
    .await;
    page.output()
        .lead_activity_list
        .activity_record_list
        .clone()
        .and_then(Nillable::into_value)
        .map(|l| {
            l.activity_record
                .into_iter()
                .map(|r| r.activity_type)
                .collect()
        })
        .unwrap_or_default()
}

pub(super) async fn members(client: &Client, list: &str, ids: &[i32]) -> Vec<bool> {
    client
        .list_operation(ListOperationType::Ismemberoflist, list, ids, false)
        .await
        .unwrap()
        .leads
        .into_iter()
        .map(|(_, member)| member)
        .collect()
}
