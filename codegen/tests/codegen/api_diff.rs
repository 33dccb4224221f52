//! `api::diff` between Marketo's 2_2 and 2_6 WSDLs reports exactly the known differences
//! (wsdl/PROVENANCE.md), in both directions, with the right marks.

use std::path::Path;

use mktows_codegen::Config;
use mktows_codegen::api::{Api, diff, report};

fn api(file: &str) -> Api {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../wsdl")
        .join(file);
    Api::from_model(&Config::new().wsdl(path).load().unwrap())
}

fn summary(changes: &[mktows_codegen::api::Change]) -> Vec<String> {
    changes
        .iter()
        .map(|c| {
            format!(
                "{} {} {}",
                if c.breaking { "breaking" } else { "compatible" },
                c.kind,
                c.subject
            )
        })
        .collect()
}

#[test]
fn from_2_2_to_2_6() {
    let (old, new) = (api("marketo_2_2.wsdl"), api("marketo_2_6.wsdl"));
    let changes = diff(&old, &new);
    assert_eq!(
        summary(&changes),
        [
            "breaking changed type MObjStatus element id",
            "compatible added type ParamsGetLeadChanges element activityNameFilter",
            "breaking removed type ParamsListOperation element skipActivityLog",
            "compatible added type ParamsMergeLeads element mergeInSales",
        ],
        "{}",
        report(&old, &new, &changes)
    );
    assert_eq!(
        changes[0].detail,
        "id: xs:int [1..1] → id: xs:int [1..1] nillable"
    );
    let text = report(&old, &new, &changes);
    assert!(text.starts_with("API version 2_2 → 2_6\n"), "{text}");
    assert!(text.ends_with("4 changes, 2 breaking\n"), "{text}");
}

#[test]
fn from_2_6_to_2_2() {
    let (old, new) = (api("marketo_2_6.wsdl"), api("marketo_2_2.wsdl"));
    let changes = diff(&old, &new);
    assert_eq!(
        summary(&changes),
        [
            "breaking changed type MObjStatus element id",
            "breaking removed type ParamsGetLeadChanges element activityNameFilter",
            "compatible added type ParamsListOperation element skipActivityLog",
            "breaking removed type ParamsMergeLeads element mergeInSales",
        ],
        "{}",
        report(&old, &new, &changes)
    );
}

#[test]
fn same_api_has_no_change() {
    let a = api("marketo_2_6.wsdl");
    assert!(diff(&a, &a).is_empty());
}
