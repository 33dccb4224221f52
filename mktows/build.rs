//! Generates the bindings from the vendored WSDL into `OUT_DIR` on every build.

use std::path::PathBuf;

/// The WSDL the bindings are generated from, relative to this crate.
const WSDL: &str = "../wsdl/marketo_2_6.wsdl";

fn main() {
    println!("cargo::rerun-if-env-changed=MKTOWS_WSDL");
    let wsdl = std::env::var_os("MKTOWS_WSDL")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(WSDL));
    println!("cargo::rerun-if-changed={}", wsdl.display());
    let mut config = codegen::Config::new();
    config.wsdl(&wsdl).runtime_path("crate::xml");
    let model = match config.load() {
        Ok(model) => model,
        Err(e) => panic!("cannot generate bindings from {}: {e}", wsdl.display()),
    };
    // Marketo's endpoint path ends with the API version: .../soap/mktows/2_6
    let version = model
        .service
        .address
        .as_deref()
        .and_then(|a| a.trim_end_matches('/').rsplit('/').next())
        .unwrap_or("unknown")
        .to_owned();
    println!("cargo::rustc-env=MKTOWS_API_VERSION={version}");
    // The sandbox serves the WSDL the bindings were generated from.
    let absolute = wsdl
        .canonicalize()
        .unwrap_or_else(|e| panic!("{}: {e}", wsdl.display()));
    println!("cargo::rustc-env=MKTOWS_WSDL_FILE={}", absolute.display());
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("mktows.rs");
    let code = config
        .emit(&model)
        .unwrap_or_else(|e| panic!("cannot emit bindings: {e}"));
    if std::fs::read_to_string(&out).ok().as_deref() != Some(code.as_str()) {
        std::fs::write(&out, code)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
    }
}
