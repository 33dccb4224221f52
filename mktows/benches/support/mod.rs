//! The workload of `shared/bench/zeep_baseline.py`, shared by the benchmarks and the
//! side-by-side example: leads with an email and two attributes, and the demo's auth header.
// Each includer uses part of this module.
#![allow(dead_code)]

use mktows::types::{ArrayOfAttribute, Attribute, AuthenticationHeaderInfo, LeadRecord};
use mktows::xml::Nillable;

/// `n` leads `em{i}@etestd.marketo.net` with `Company` and `Phone`, as zeep_baseline.py builds them.
pub fn baseline_leads(n: usize) -> Vec<LeadRecord> {
    let attribute = |name: &str, value: String| Attribute {
        attr_name: name.into(),
        attr_type: None,
        attr_value: value,
    };
    (0..n)
        .map(|i| LeadRecord {
            email: Some(Nillable::Value(format!("em{i}@etestd.marketo.net"))),
            lead_attribute_list: Some(Nillable::Value(ArrayOfAttribute {
                attribute: vec![
                    attribute("Company", format!("Marketo{i}")),
                    attribute("Phone", format!("650-555-{i}")),
                ],
            })),
            ..LeadRecord::default()
        })
        .collect()
}

/// The signed header of Marketo's syncMultipleLeads documentation example.
pub fn baseline_header() -> AuthenticationHeaderInfo {
    AuthenticationHeaderInfo {
        mktows_user_id: "demo17_1_809934544BFABAE58E5D27".into(),
        request_signature: "b5e21953ae9f1b263e644da5eccce9ff33802513".into(),
        request_timestamp: "2013-08-01T18:22:30-07:00".into(),
        audit: None,
        mode: None,
    }
}
