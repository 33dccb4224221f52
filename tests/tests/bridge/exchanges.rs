//! Every operation the bridge maps, against recorded REST exchanges shaped like Marketo's
//! documentation examples (`mktows_tests::recorded`: a fake Marketo that expects the bridge's
//! calls in order, with their query and JSON bodies, and answers as the documentation shows):
//! what the bridge sends for each SOAP call, and what the SOAP client gets back from the
//! documented answers, per-record `skipped` reasons and paging included. Failures (601, 606, a
//! reset after sending, HTML) are in `failures.rs`.

mod activity;
mod campaigns;
mod failures;
mod leads;
mod lists;
mod records;

use mktows_tests::recorded::{Step, step};
use serde_json::{Value, json};

/// A mergeLeads key list naming the lead with this id (`IDNUM`).
fn merge_key(id: i32) -> Value {
    json!({"attribute": [{"attrName": "IDNUM", "attrValue": id.to_string()}]})
}

/// The lookup the bridge makes for a mergeLeads key list by id, answered with that lead.
fn merge_lookup(id: i32) -> Step {
    step(
        "GET",
        &format!("/v1/leads.json?filterType=id&filterValues={id}&fields=id"),
    )
    .answer(json!({"requestId": "m#1", "success": true, "result": [{"id": id}]}))
}
