//! # mktows
//!
//! Rust bindings for the Marketo SOAP API, generated at build time from the vendored WSDL
//! (`wsdl/marketo_2_6.wsdl`) by `mktows-codegen`.
//!
//! - [`types`]: one Rust type per schema type, with XML (de)serialization and serde;
//! - [`elements::AnyElement`]: every global element, to read any message of the API;
//! - [`operations`]: one typed marker per operation (`SyncLead`, ...) with its SOAPAction,
//!   body elements and headers, and the typed stub over an [`xml::Invoke`] transport;
//! - [`xml`]: the runtime: envelopes, faults, and the decode errors with element paths;
//! - [`signing`]: the `AuthenticationHeader` signature (HMAC-SHA1), with its published vectors.

#[cfg(feature = "sandbox")]
pub mod bridge;
pub mod client;
pub mod error;
pub mod leads;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod signing;
#[cfg(feature = "sandbox")]
pub mod soap_front;
pub mod transport;
pub mod xml;

pub use client::{Client, ClientConfig};
pub use error::{Error, ErrorCode, ServiceFault};
pub use leads::{BatchReport, LeadKey, LeadOutcome, LeadSync, ListReport};

/// The generated bindings (see the crate documentation).
#[allow(missing_docs, clippy::all, clippy::pedantic)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/mktows.rs"));
}

pub use generated::{
    NAMESPACES, PORT_NAME, SERVICE_ADDRESS, SERVICE_NAME, elements, operations, types,
};

/// The Marketo API version the bindings were generated for (`2_6`), from the WSDL's address.
pub const API_VERSION: &str = env!("MKTOWS_API_VERSION");

/// Marketo's namespace, `http://www.marketo.com/mktows/`.
pub const NAMESPACE: &str = NAMESPACES[0].1;
