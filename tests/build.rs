//! Generates bindings for the feature WSDL of the tests (constructs and names Marketo's WSDL does
//! not have), compiled against the `mktows` runtime like any user's bindings would be.

fn main() {
    let wsdl = "data/wsdl/features.wsdl";
    println!("cargo::rerun-if-changed={wsdl}");
    println!("cargo::rerun-if-changed=data/wsdl/other.xsd");
    let out =
        std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("features.rs");
    codegen::Config::new()
        .wsdl(wsdl)
        .write_to(out)
        .unwrap_or_else(|e| panic!("{e}"));
}
