//! The bridge (`mktows-bridge`): Marketo's SOAP API in front, Marketo REST behind. End to end
//! over 127.0.0.1 (SOAP client → `Bridge` → the sandbox's REST API, read back from the sandbox),
//! and against recorded REST exchanges (`exchanges/`). The files mirror `bridge/src/`.
//!
//! A test of `bridge/src/merge.rs` goes in `merge.rs`, of `bridge/src/rest.rs` (tokens,
//! back-off, REST failures) in `rest.rs`, and so on; a test against recorded REST exchanges in
//! `exchanges/`, in the file of the operation's area. Rules that cut across the modules
//! (cookies, workspaces → partitions, a shared token, limits, keys REST cannot carry, stopping)
//! are in `rules.rs`; the bridge as a service (`/healthz`, `/readyz`, `/metrics`) in
//! `service.rs`; helpers shared by these files in `support.rs`.

mod activities;
mod campaigns;
mod custom_objects;
mod describe;
mod exchanges;
mod imports;
mod in_process;
mod lead_activity;
mod merge;
mod mobjects;
mod read;
mod rest;
mod rules;
mod service;
mod support;
mod sync;
