//! `mktows-runtime` and the Marketo bindings it serves, without a server: real samples parse
//! and round-trip, libxml2 validates what is written, bad input is a typed error, properties
//! and fuzz regressions hold, and `HttpInvoker` speaks HTTP.
//!
//! A test of reading or writing XML goes in the file of its concern (`samples.rs`,
//! `decode_errors.rs`, `schema_validation.rs`, `roundtrip_props.rs`); a test of
//! `runtime/src/http.rs` goes in `http_invoker.rs`.

mod decode_errors;
mod fuzz_regressions;
mod http_invoker;
mod roundtrip_props;
mod samples;
mod schema_validation;
