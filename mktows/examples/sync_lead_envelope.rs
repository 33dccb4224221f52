//! Prints the syncLead request envelope for the lead of Marketo's syncLead specification,
//! signed with the documentation's demo credentials at the current time, then reads it back.
//!
//! `cargo run -p mktows --example sync_lead_envelope`

use mktows::operations::{SyncLead, SyncLeadHeaders};
use mktows::signing::{Credentials, sign};
use mktows::types::{
    ArrayOfAttribute, Attribute, LeadRecord, MktowsContextHeaderInfo, ParamsSyncLead,
};
use mktows::xml::{self, Nillable};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let credentials = Credentials::new("demo17_1_809934544BFABAE58E5D27", "27272727aa");
    let attribute = |name: &str, value: &str| Attribute {
        attr_name: name.into(),
        attr_type: None,
        attr_value: value.into(),
    };
    let request = ParamsSyncLead {
        lead_record: LeadRecord {
            email: Some(Nillable::Value("t@t.com".into())),
            lead_attribute_list: Some(Nillable::Value(ArrayOfAttribute {
                attribute: vec![
                    attribute("FirstName", "George"),
                    attribute("LastName", "of the Jungle"),
                ],
            })),
            ..LeadRecord::default()
        },
        return_lead: false,
        marketo_cookie: None,
    };
    let headers = SyncLeadHeaders {
        authentication: Some(sign(&credentials, chrono::TimeDelta::zero())),
        mktows_context: Some(MktowsContextHeaderInfo {
            target_workspace: "Default".into(),
        }),
    };
    let envelope = xml::encode_request::<SyncLead>(&headers, &request)?;
    let info = <SyncLead as xml::Operation>::INFO;
    println!(
        "POST {} (API {})",
        mktows::SERVICE_ADDRESS.unwrap_or("?"),
        mktows::API_VERSION
    );
    println!("SOAPAction: {}", info.soap_action);
    println!("Content-Type: text/xml; charset=UTF-8\n");
    println!("{envelope}");
    let decoded = xml::decode_request::<SyncLead>(envelope.as_bytes())?;
    assert_eq!(decoded.body, request);
    eprintln!("\n(read back: {} bytes, identical request)", envelope.len());
    Ok(())
}
