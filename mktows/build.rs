//! Generates the bindings from the pinned WSDL (`wsdl/PIN` inside this package, or
//! `$MKTOWS_WSDL`) into `OUT_DIR`. The package carries its own copy of the pin and the pinned
//! WSDL, so a build from the published crate needs nothing outside it; `cargo xtask regen`
//! keeps that copy identical to the workspace's top-level `wsdl/`.

use std::path::PathBuf;

/// Names the WSDL the bindings are generated from (one line, a file in `wsdl/`): the one pin,
/// changed by `cargo xtask regen`. `MKTOWS_WSDL=path` overrides it for one build.
const PIN: &str = "wsdl/PIN";

/// The documentation overlay merged into the generated rustdoc (what each operation, type and
/// element does, its limits and faults), kept beside the WSDL.
const OVERLAY: &str = "wsdl/docs.toml";

fn main() {
    println!("cargo::rerun-if-env-changed=MKTOWS_WSDL");
    println!("cargo::rerun-if-changed={PIN}");
    let wsdl = match std::env::var_os("MKTOWS_WSDL") {
        Some(path) => PathBuf::from(path),
        None => {
            let pin = std::fs::read_to_string(PIN).unwrap_or_else(|e| panic!("{PIN}: {e}"));
            PathBuf::from("wsdl").join(pin.trim())
        }
    };
    println!("cargo::rerun-if-changed={}", wsdl.display());
    println!("cargo::rerun-if-changed={OVERLAY}");
    let mut config = codegen::Config::new();
    config
        .wsdl(&wsdl)
        .runtime_path("crate::xml")
        .docs_overlay(OVERLAY);
    let model = match config.load_with_warnings() {
        Ok((model, warnings)) => {
            for warning in warnings {
                println!("cargo::warning={warning}");
            }
            model
        }
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
    // Elements some API versions lack, for code written against them (getLeadChanges'
    // activityNameFilter arrived in 2_3, mergeLeads' mergeInSales in 2_6).
    let text = std::fs::read_to_string(&wsdl).unwrap_or_default();
    for (element, cfg) in [
        ("activityNameFilter", "mktows_activity_name_filter"),
        ("mergeInSales", "mktows_merge_in_sales"),
    ] {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        if text.contains(&format!("name=\"{element}\"")) {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
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
