//! `mktows::Client` against local HTTP servers (`mktows_tests::fake_marketo`): what it sends,
//! what it makes of every answer, broken or not, what it logs, and where its transport refuses
//! to go.
//!
//! A test of `mktows/src/client/` goes in `client.rs` (calls, faults, retries, pacing, dry
//! runs) or `failures.rs` (broken answers and endpoints); of its logs in `logs.rs`; of
//! `mktows/src/transport.rs` in `transport.rs`.

mod client;
mod failures;
mod logs;
mod transport;
