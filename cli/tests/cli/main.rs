//! The `mktows` command-line tool, run as a user or operator would (the binary built by
//! cargo, against sandboxes in-process or spawned). The files mirror `cli/src/`.
//!
//! A test of `cli/src/sync.rs` goes in `sync.rs`, of `cli/src/bridge_cmd.rs` in `bridge.rs`,
//! of decoding and encoding through a pipe in `pipe.rs`; the helpers that run the binary are in
//! `support.rs`.

mod bridge;
mod cli;
mod pipe;
mod support;
mod sync;
