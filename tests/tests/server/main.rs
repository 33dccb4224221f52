//! The SOAP front shared by the sandbox and the bridge (`mktows-server`), over real HTTP on
//! 127.0.0.1 with the sandbox as back end: what the front accepts and refuses, how its HTTP
//! server treats connections, and outcomes that never lie when the network fails.
//!
//! A test of `server/src/lib.rs` or `lenient.rs` (reading requests, faults, workspaces) goes in
//! `front.rs`; of `server/src/http.rs` (the accept loop, timeouts, body limit, `?WSDL`) in
//! `http.rs`; of outcomes under injected network faults in `faults.rs`.

mod faults;
mod front;
mod http;
