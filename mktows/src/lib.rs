//! # mktows
//!
//! The Marketo SOAP API client ("mktows", namespace `http://www.marketo.com/mktows/`, 23
//! operations): typed bindings generated at build time from Marketo's own WSDL
//! (`wsdl/marketo_2_6.wsdl`, shipped in this package) by `mktows-codegen`, and a client that
//! signs, paces, batches and retries, with one exact outcome per lead.
//!
//! Adobe removed Marketo's SOAP API on 2026-07-31. This client now talks to `mktows-bridge`
//! (Marketo's SOAP API answered over its REST API, the `mktows bridge` command) or to
//! `mktows-sandbox` (a local Marketo for tests); against either, only the endpoint changes.
//!
//! ## From `cargo add` to a synced lead
//!
//! ```no_run
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use mktows::types::LeadKeyRef;
//! use mktows::{Client, ClientConfig, Lead, LeadKey, LeadSync};
//!
//! // MKTOWS_ENDPOINT, MKTOWS_USER_ID, MKTOWS_ENCRYPTION_KEY: the bridge's or the sandbox's.
//! let client = Client::new(ClientConfig::from_env()?)?;
//! let synced = client
//!     .sync_lead(LeadSync::new(LeadKey::Email("ada@example.com".into())).attribute("FirstName", "Ada"))
//!     .await?;
//! let lead = Lead::from(client.get_lead(LeadKeyRef::Email, "ada@example.com").await?.remove(0));
//! assert_eq!(lead.id(), Some(synced.lead_id));
//! # Ok(())
//! # }
//! ```
//!
//! The same, run against a sandbox started in-process, is the first example of `mktows-sandbox`
//! and of the README (both compiled and run as tests).
//!
//! ## What is where
//!
//! - [`Client`]: [`Client::sync_lead`], [`Client::sync_multiple_leads`] (any number of leads,
//!   one [`LeadOutcome`] each, in order), [`Client::get_lead`], [`Client::list_operation`],
//!   and every operation typed through [`Client::api`];
//! - [`Lead`]: one lead's keys and fields by SOAP name, to and from [`types::LeadRecord`];
//! - [`types`]: one Rust type per schema type, with XML (de)serialization and serde; their
//!   docs say what each operation and field does, its limits and faults;
//! - [`elements::AnyElement`]: every global element, to read any message of the API;
//! - [`operations`]: one typed marker per operation (`SyncLead`, ...) with its SOAPAction,
//!   body elements and headers, and the typed stub over an [`xml::Invoke`] transport;
//! - [`xml`]: the runtime (the `mktows-runtime` crate, shared with bindings generated for
//!   other WSDLs): envelopes, faults, and the decode errors with element paths;
//! - [`signing`]: the `AuthenticationHeader` signature (HMAC-SHA1), with its published vectors;
//! - [`transport`]: the [`transport::Transport`] trait and its reqwest implementation;
//! - [`pacing`]: Marketo's limits and the sliding-window pacer (the bridge paces REST with it);
//! - [`compat`]: request fields some API versions lack, read alike on every version;
//! - `bulk` (feature `bulk`): streaming bulk sync from CSV or JSON lines, one result per line.
//!
//! ## What the generated modules hold
//!
//! `build.rs` writes `$OUT_DIR/mktows.rs`, included here; its items are re-exported above.
//!
//! - [`NAMESPACES`] (`ns1` is Marketo's), [`SERVICE_NAME`], [`PORT_NAME`],
//!   [`SERVICE_ADDRESS`].
//! - [`types`]: each simple type with enumeration values is an enum (variants for the exact
//!   spellings, plus `Unknown(String)` for values this schema version does not list) followed
//!   by its `rt::enumeration!` table (`Variant = "XML"`); other simple types are aliases. Each
//!   complex type is a struct followed by its `rt::complex_type!` table
//!   (`field: shape("xmlName"[, ns = N][, min = M, max = N])`), which expands to its
//!   `write_content`/`read_content` and [`xml::XmlValue`]. A struct with required elements has
//!   `new(required...)`, so code that builds it survives new optional elements. An abstract
//!   type is an enum of its extensions, picked by `xsi:type`; a concrete type that others
//!   extend keeps its struct and gains the enum `Any<Name>` of itself and its extensions (no
//!   `xsi:type`, or its own: the type itself; an unknown `xsi:type` is a decode error naming
//!   it). Everything derives serde with the XML names as keys; a value of a family or an
//!   abstract type is `{"TypeName": {...}}`.
//! - [`elements::AnyElement`]: every global element, its `rt::element_set!` table
//!   implementing [`xml::ElementSet`].
//! - [`operations`]: per operation a marker type (`SyncLead`) implementing [`xml::Operation`]
//!   (name, SOAPAction, body elements, and the header parts the binding declares), a
//!   `...Headers` struct for its `soap:header`s with its `rt::headers!` table; then
//!   `OPERATIONS` (every operation's info, in WSDL order), `visit_operations` (calls an
//!   [`xml::OperationVisitor`] with every marker type) and the typed stub
//!   `MktowsPortStub<I: xml::Invoke>`, one method per operation.

#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "bulk")]
#[cfg_attr(docsrs, doc(cfg(feature = "bulk")))]
pub mod bulk;
pub mod client;
pub mod compat;
pub mod error;
pub mod lead;
pub mod leads;
pub mod pacing;
mod reconcile;
pub mod signing;
pub mod transport;
/// The XML and SOAP runtime the bindings are written against: the `mktows-runtime` crate,
/// which bindings generated for any other WSDL use too.
pub use mktows_runtime as xml;

pub use client::{Client, ClientConfig};
pub use error::{Error, ErrorCode, OutcomeClass, ServiceFault};
pub use lead::Lead;
pub use leads::{BatchReport, LeadKey, LeadOutcome, LeadSync, ListReport};
pub use signing::Credentials;

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

/// The text of the WSDL the bindings were generated from (`wsdl/marketo_2_6.wsdl`, or the one
/// `$MKTOWS_WSDL` named at build time): what a server of this API serves at `?WSDL`.
pub const WSDL: &str = include_str!(env!("MKTOWS_WSDL_FILE"));

/// Marketo's namespace, `http://www.marketo.com/mktows/`.
pub const NAMESPACE: &str = NAMESPACES[0].1;
