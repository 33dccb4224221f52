//! A fake Marketo SOAP endpoint for the client tests, built from the documented shapes: it
//! checks the HMAC signature as Marketo does (20014 otherwise) and answers syncMultipleLeads,
//! syncLead and getLead; anything else is fault 20019. Served by [`crate::http::TestServer`].

use std::time::Duration;

use mktows::client::{Limits, RetryPolicy};
use mktows::elements::AnyElement;
use mktows::operations::GetLead;
use mktows::signing::{Credentials, signature};
use mktows::types::*;
use mktows::xml::{self, AnyBody, Nillable};
use mktows::{Client, ClientConfig};

use crate::http::{Action, Received};

/// The SOAP user id the fake accepts.
pub const USER: &str = "demo17_1_809934544BFABAE58E5D27";
/// Its encryption key.
pub const KEY: &str = "27272727aa";

/// A Marketo fault envelope.
pub fn fault(code: u32, title: &str, message: &str) -> String {
    xml::encode_fault(
        &mktows::error::marketo_fault(code, title, message),
        mktows::NAMESPACES,
    )
    .unwrap()
}

/// Checks the signature like Marketo: the request, or the 20014 fault to answer.
pub fn authenticate(request: &Received) -> Result<xml::AnyEnvelope<AnyElement>, Action> {
    let envelope = xml::decode_any::<AnyElement>(&request.body)
        .map_err(|e| Action::fault(fault(20012, "Request Not Understood", &e.to_string())))?;
    let auth = envelope.headers.iter().find_map(|h| match h {
        AnyElement::AuthenticationHeader(a) => Some(a.clone()),
        _ => None,
    });
    let valid = auth.is_some_and(|a| {
        a.mktows_user_id == USER
            && a.request_signature == signature(KEY, &a.request_timestamp, &a.mktows_user_id)
    });
    if valid {
        Ok(envelope)
    } else {
        Err(Action::fault(fault(
            20014,
            "Authentication failed",
            "Authentication failed",
        )))
    }
}

/// The number in a lead's `lead{n}@...` email, as [`leads`] writes them.
pub fn lead_number(lead: &LeadRecord) -> Option<i32> {
    let email = lead.email.as_ref()?.value()?;
    email
        .trim_start_matches("lead")
        .split('@')
        .next()?
        .parse()
        .ok()
}

/// A Marketo-like answer: every lead of syncMultipleLeads gets id = 1000 + the number in its
/// email (`lead42@x` → 1042), CREATED.
pub fn marketo(request: &Received) -> Action {
    let envelope = match authenticate(request) {
        Ok(e) => e,
        Err(action) => return action,
    };
    match envelope.body {
        AnyBody::Element(AnyElement::ParamsSyncMultipleLeads(params)) => {
            let ids = params
                .lead_record_list
                .lead_record
                .iter()
                .map(|lead| 1000 + lead_number(lead).unwrap_or(0));
            Action::ok(crate::all_created_response(ids))
        }
        AnyBody::Element(AnyElement::ParamsSyncLead(params)) => {
            let id = params
                .lead_record
                .id
                .and_then(Nillable::into_value)
                .unwrap_or(77);
            let body = SuccessSyncLead {
                result: ResultSyncLead {
                    lead_id: id,
                    sync_status: SyncStatus {
                        lead_id: id,
                        status: LeadSyncStatus::Updated,
                        error: Some(Nillable::Nil),
                    },
                    lead_record: Some(Nillable::Nil),
                },
            };
            Action::ok(
                xml::encode_response::<mktows::operations::SyncLead>(&Default::default(), &body)
                    .unwrap(),
            )
        }
        AnyBody::Element(AnyElement::ParamsGetLead(params)) => {
            if params.lead_key.key_value == "nobody@example.com" {
                return Action::fault(fault(
                    20103,
                    "Lead not found",
                    "No lead found with EMAIL = nobody@example.com",
                ));
            }
            let body = SuccessGetLead {
                result: ResultGetLead {
                    count: 1,
                    lead_record_list: Some(Nillable::Value(ArrayOfLeadRecord {
                        lead_record: vec![LeadRecord {
                            id: Some(Nillable::Value(5)),
                            email: Some(Nillable::Value(params.lead_key.key_value)),
                            ..Default::default()
                        }],
                    })),
                },
            };
            Action::ok(xml::encode_response::<GetLead>(&Default::default(), &body).unwrap())
        }
        _ => Action::fault(fault(
            20019,
            "Unsupported Operation",
            "not implemented here",
        )),
    }
}

/// A client configuration for the fake at `url`: quick retries, no pacing.
pub fn config(url: &str) -> ClientConfig {
    ClientConfig::new(url, Credentials::new(USER, KEY))
        .retry(RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            connect_attempts: 2,
            connect_delay: Duration::from_millis(10),
        })
        .limits(Limits::unlimited(10))
}

/// A client of the fake at `url`.
pub fn client(url: &str) -> Client {
    Client::new(config(url)).unwrap()
}

/// `n` leads keyed `lead{i}@example.com`.
pub fn leads(n: usize) -> Vec<LeadRecord> {
    (0..n)
        .map(|i| LeadRecord {
            email: Some(Nillable::Value(format!("lead{i}@example.com"))),
            ..Default::default()
        })
        .collect()
}
