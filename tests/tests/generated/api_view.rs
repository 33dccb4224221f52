//! The checked-in view of the generated API (`mktows/API.txt`) matches the pinned WSDL
//! (rust-analyzer's sourcegen pattern): a version bump shows up in review as a readable diff.

use std::path::Path;

#[test]
fn api_view_is_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let pin = std::fs::read_to_string(root.join("wsdl/PIN")).unwrap();
    let file = pin.trim();
    let model = codegen::Config::new()
        .wsdl(root.join("wsdl").join(file))
        .load()
        .unwrap();
    let expected = codegen::api::Api::from_model(&model).listing(&format!("wsdl/{file}"));
    let actual = std::fs::read_to_string(root.join("mktows/API.txt")).unwrap_or_default();
    assert!(
        actual == expected,
        "mktows/API.txt is stale for wsdl/{file}: run `cargo xtask regen --wsdl wsdl/{file}` and commit the result"
    );
}
