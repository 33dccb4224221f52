//! The generator's output compiled and run: the checked-in goldens of the feature WSDLs
//! (`data/golden/*.rs`) and the bindings built from them round-trip, talk to peers nobody here
//! wrote (Python zeep, PHP's SoapServer), and the public API view matches the pinned WSDL.
//!
//! A new test goes in the file named after the WSDL or style it exercises (`rpc.rs`,
//! `soap12.rs`, `encoded.rs`, ...); a test of a new feature WSDL gets a file of its own here.

mod api_view;
mod constructs;
mod encoded;
mod features;
mod golden;
mod rpc;
mod soap12;
mod split_wsdl;
