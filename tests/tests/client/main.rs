//! `mktows::Client` against local HTTP servers (`mktows_tests::fake_marketo`): what it sends,
//! what it makes of every answer, broken or not, what it logs, and where its transport refuses
//! to go.
//!
//! A test of `mktows/src/client/` goes in `client.rs` (calls, faults, retries, pacing, dry
//! runs) or `failures.rs` (broken answers and endpoints); of its circuit breaker
//! (`client/breaker.rs`) in `breaker.rs`; of which calls are resent (`client/idempotency.rs`:
//! reads after any transient failure, writes not) in `idempotency.rs`; of its logs in
//! `logs.rs`; of `mktows/src/transport.rs` in `transport.rs`.

mod breaker;
mod client;
mod failures;
mod idempotency;
mod logs;
mod transport;
