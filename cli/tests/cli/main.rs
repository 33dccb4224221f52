//! The `mktows` command-line tool, run as a user or operator would (the binary built by
//! cargo, against sandboxes in-process or spawned). The files mirror `cli/src/`.
//!
//! A test of `cli/src/<command>.rs` goes in `<command>.rs` (`sync.rs`, `bridge.rs`,
//! `sandbox.rs`, `list.rs`, `demo.rs`, `codec.rs`); the helpers that run the binary and spawn
//! a sandbox process are in `support.rs`.

mod bridge;
mod codec;
mod demo;
mod list;
mod sandbox;
mod support;
mod sync;
