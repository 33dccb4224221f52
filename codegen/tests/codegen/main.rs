//! The generator's integration tests, one binary: API diffs between Marketo's WSDL versions,
//! diagnostics for bad or hostile WSDLs, schema manifests for remote locations, and
//! documentation overlays.

mod api_diff;
mod diagnostics;
mod manifest;
mod overlay;
mod wsdl_fixture;
