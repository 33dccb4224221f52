//! The sandbox (`mktows-sandbox`), a local Marketo over SQLite, through its public API only:
//! SOAP through `mktows::Client` or raw envelopes, REST over 127.0.0.1. The files mirror
//! `sandbox/src/`.
//!
//! A test of `sandbox/src/soap/merge.rs` goes in `soap/merge.rs`, of
//! `sandbox/src/rest/leads.rs` in `rest/leads.rs`, and so on; the service around the
//! operations (`sandbox/src/lib.rs`: authentication, limits, WSDL, restarts, concurrency) in
//! `service.rs`.

mod rest;
mod service;
mod soap;
