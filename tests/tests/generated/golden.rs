//! The generator's output for the feature WSDLs is checked in (`data/golden/features.rs`,
//! `data/golden/constructs.rs`, `data/golden/split.rs`, `data/golden/rpc.rs`,
//! `data/golden/soap12.rs`, `data/golden/encoded.rs`) and
//! compiled by this crate, so every change to what the generator writes shows up in review as a
//! diff of real generated code, and the code under review is the code the tests run.
//!
//! After an intended change: `UPDATE_EXPECT=1 cargo test -p mktows-tests --test generated golden`.

use mktows_tests::data_dir;

#[test]
fn features_golden_is_current() {
    check_golden("features");
}

#[test]
fn constructs_golden_is_current() {
    check_golden("constructs");
}

/// `split.wsdl` reaches its messages, port type and schema through `wsdl:import`s.
#[test]
fn split_golden_is_current() {
    check_golden("split");
}

#[test]
fn rpc_golden_is_current() {
    check_golden("rpc");
}

/// SOAP 1.2, no `wsdl:service`, messages without parts.
#[test]
fn soap12_golden_is_current() {
    check_golden("soap12");
}

/// rpc/encoded (SOAP 1.1 section 5): `xsi:type` rows, arrays as `Vec` aliases.
#[test]
fn encoded_golden_is_current() {
    check_golden("encoded");
}

/// `data/golden/{name}.rs` is what the generator writes for `data/wsdl/{name}.wsdl`.
fn check_golden(name: &str) {
    let wsdl = data_dir().join(format!("wsdl/{name}.wsdl"));
    let expected = codegen::Config::new()
        .wsdl(&wsdl)
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
    let golden = data_dir().join(format!("golden/{name}.rs"));
    let actual = std::fs::read_to_string(&golden).unwrap_or_default();
    if actual == expected {
        return;
    }
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&golden, &expected).unwrap();
        return;
    }
    let (line, want, got) = expected
        .lines()
        .zip(actual.lines().chain(std::iter::repeat("<end of file>")))
        .enumerate()
        .find(|(_, (want, got))| want != got)
        .map(|(i, (want, got))| (i + 1, want, got))
        .unwrap_or((expected.lines().count() + 1, "<end of file>", "more lines"));
    panic!(
        "{} is stale (first difference at line {line}: generator writes `{want}`, file has `{got}`): \
         run `UPDATE_EXPECT=1 cargo test -p mktows-tests --test generated golden` and review the diff",
        golden.display()
    );
}
