//! # mktows
//!
//! Rust bindings for Marketo's SOAP API ("mktows", namespace `http://www.marketo.com/mktows/`,
//! 23 operations), generated at build time from Marketo's own WSDL (`wsdl/marketo_2_6.wsdl`,
//! shipped in this package) by `mktows-codegen`; a client that signs, paces, batches and
//! retries; a local Marketo-compatible sandbox; and the `mktows` command-line tool.
//!
//! ## From `cargo add` to a synced lead
//!
//! ```toml
//! [dependencies]
//! mktows = { version = "0.1", features = ["sandbox"] }
//! tokio = { version = "1", features = ["rt-multi-thread", "macros"] }
//! ```
//!
//! Start the sandbox (the same service the `mktows sandbox` command serves), point a
//! [`Client`] at it, sync a lead and read it back:
//!
//! ```
//! # #[cfg(feature = "sandbox")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use mktows::sandbox::{Sandbox, SandboxConfig};
//! use mktows::types::LeadKeyRef;
//! use mktows::{Client, Lead, LeadKey, LeadSync};
//!
//! let sandbox = Sandbox::start(SandboxConfig::default()).await?;
//! let client = Client::new(sandbox.client_config())?;
//!
//! let synced = client
//!     .sync_lead(LeadSync::new(LeadKey::Email("ada@example.com".into())).attribute("FirstName", "Ada"))
//!     .await?;
//! let lead = Lead::from(client.get_lead(LeadKeyRef::Email, "ada@example.com").await?.remove(0));
//! assert_eq!(lead.id(), Some(synced.lead_id));
//! assert_eq!(lead.attribute("FirstName"), Some("Ada"));
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "sandbox"))]
//! # fn main() {}
//! ```
//!
//! Against a real instance nothing else changes but the configuration:
//! [`ClientConfig::from_env`] reads `MKTOWS_ENDPOINT`, `MKTOWS_USER_ID` and
//! `MKTOWS_ENCRYPTION_KEY` (or build one with [`ClientConfig::new`] and [`Credentials::new`]).
//!
//! ## Keeping a SOAP integration alive: the bridge
//!
//! Marketo removed its SOAP API on 2026-07-31. [`bridge`] (feature `sandbox`, and the
//! `mktows bridge` command) answers the SOAP API as Marketo did and carries each call out on
//! Marketo's REST API, so code written against SOAP — PHP SoapClient, JAX-WS, zeep, or this
//! crate's [`Client`] — keeps working with only its endpoint changed:
//!
//! ```sh
//! MKTOWS_REST_ENDPOINT=https://123-ABC-456.mktorest.com/rest \
//! MKTOWS_IDENTITY_ENDPOINT=https://123-ABC-456.mktorest.com/identity \
//! MKTOWS_CLIENT_ID=... MKTOWS_CLIENT_SECRET=... \
//!   mktows bridge --port 8087 --user-id legacy_user --encryption-key ...
//! ```
//!
//! Point the legacy client at the printed endpoint. The sandbox speaks the same REST API, so
//! `mktows sandbox` behind `mktows bridge` runs the whole chain on one machine; in Rust,
//! `mktows::bridge::Bridge` does the same in-process (see its module for the mapping of every
//! operation and the rules for failures: a change REST did not confirm is reported as a fault
//! saying it may have been applied, never as a success).
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
//! - `sandbox` (feature `sandbox`): the local Marketo, SOAP and REST;
//! - `bridge` and `soap_front` (feature `sandbox`): SOAP in, REST out, over the same front;
//! - `bulk` (feature `bulk`): streaming bulk sync from CSV or JSON lines, one result per line.

#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "sandbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "sandbox")))]
pub mod bridge;
#[cfg(feature = "bulk")]
#[cfg_attr(docsrs, doc(cfg(feature = "bulk")))]
pub mod bulk;
pub mod client;
pub mod error;
pub mod lead;
pub mod leads;
mod pacing;
mod reconcile;
#[cfg(feature = "sandbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "sandbox")))]
pub mod sandbox;
pub mod signing;
#[cfg(feature = "sandbox")]
pub mod soap_front;
pub mod transport;
/// The XML and SOAP runtime the bindings are written against: the `mktows-runtime` crate,
/// which bindings generated for any other WSDL use too.
pub use mktows_runtime as xml;

pub use client::{Client, ClientConfig};
pub use error::{Error, ErrorCode, OutcomeClass, ServiceFault};
pub use lead::Lead;
pub use leads::{BatchReport, LeadKey, LeadOutcome, LeadSync, ListReport};
pub use signing::Credentials;

/// The README's examples, compiled and run as doctests (they use the sandbox).
#[cfg(all(doctest, feature = "sandbox"))]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

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
