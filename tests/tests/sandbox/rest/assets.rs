//! The sandbox's REST asset calls (`sandbox/src/rest/assets.rs`) straight over HTTP: tag types
//! listed without their values, and a tag type by name with its `allowableValues`, as
//! Marketo's asset API documents them.

use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::rest::{Rest, error_code};
use serde_json::json;

#[tokio::test]
async fn tag_types_list_without_values_and_by_name_with_them() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let rest = Rest::new(&sandbox).await;
    let listed = rest.get("/asset/v1/tagTypes.json").await;
    assert_eq!(
        listed["result"],
        json!([
            {"tagType": "Region", "applicableProgramTypes": "[program,event,webinar,nurture,email_batch]",
             "required": false},
            {"tagType": "Product", "applicableProgramTypes": "[program,event,webinar,nurture,email_batch]",
             "required": false}
        ]),
        "{listed}"
    );
    let region = rest.get("/asset/v1/tagType/byName.json?name=Region").await;
    assert_eq!(region["success"], true, "{region}");
    assert_eq!(
        region["result"],
        json!([{"tagType": "Region",
                "applicableProgramTypes": "[program,event,webinar,nurture,email_batch]",
                "required": false, "allowableValues": "[EMEA, AMER, APAC]"}])
    );
    let product = rest.get("/asset/v1/tagType/byName.json?name=Product").await;
    assert_eq!(product["result"][0]["allowableValues"], "[Core, Add-on]");
    let unknown = rest.get("/asset/v1/tagType/byName.json?name=region").await;
    assert_eq!(unknown["success"], true, "{unknown}");
    assert_eq!(unknown["result"], json!([]));
    let blank = rest.get("/asset/v1/tagType/byName.json").await;
    assert_eq!(error_code(&blank), "701");
}
