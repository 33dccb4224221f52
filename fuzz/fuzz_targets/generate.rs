//! Any bytes as a WSDL: a diagnostic or Rust that parses, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("mktows-fuzz-{}.wsdl", std::process::id()));
    if std::fs::write(&path, data).is_ok() {
        if let Ok(code) = codegen::Config::new().wsdl(&path).generate() {
            assert!(code.starts_with("// @generated"));
            syn::parse_file(&code).expect("generated code is Rust");
        }
    }
});
