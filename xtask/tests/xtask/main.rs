//! xtask's integration tests, one binary: the WSDL corpus run, the packaged crates building an
//! app outside the workspace, `regen` and `diff`, the workspace's tidy conventions, and
//! `vendor` against a local HTTP server.

mod corpus;
mod packaged_app;
mod regen;
mod tidy;
mod tools;
mod vendor;
