//! `describeMObject` on the sandbox: `LeadRecord` lists exactly the lead fields the sandbox
//! accepts, with their types (what `mktows sync` checks columns against); `Opportunity`,
//! `OpportunityPersonRole` and `ActivityRecord` list theirs; an unknown object is fault 20110.

use mktows::ErrorCode;
use mktows::types::ParamsDescribeMObject;
use mktows_sandbox::{FieldDef, Sandbox, SandboxConfig};

#[tokio::test]
async fn lead_record_lists_the_accepted_fields_and_other_objects_fault() {
    let mut config = SandboxConfig::default();
    config.fields.push(FieldDef {
        name: "ShoeSize".into(),
        data_type: "integer".into(),
    });
    let expected: Vec<(String, String)> = config
        .fields
        .iter()
        .map(|f| (f.name.clone(), f.data_type.clone()))
        .collect();
    let sandbox = Sandbox::start(config).await.unwrap();
    let client = mktows::Client::new(sandbox.client_config()).unwrap();
    let described = client
        .api()
        .describe_m_object(Default::default(), ParamsDescribeMObject::new("LeadRecord"))
        .await
        .unwrap();
    let metadata = described.result.metadata;
    assert_eq!(metadata.name, "LeadRecord");
    let fields: Vec<(String, String)> = metadata
        .field_list
        .field
        .into_iter()
        .map(|f| (f.name, f.data_type))
        .collect();
    assert_eq!(fields, expected);
    assert!(fields.contains(&("ShoeSize".into(), "integer".into())));

    for (object, some_field, primary_key) in [
        ("Opportunity", "Stage", "Id"),
        ("OpportunityPersonRole", "PersonId", "Id"),
        ("ActivityRecord", "activityType", "id"),
    ] {
        let metadata = client
            .api()
            .describe_m_object(Default::default(), ParamsDescribeMObject::new(object))
            .await
            .unwrap()
            .result
            .metadata;
        assert_eq!(metadata.name, object);
        let fields = metadata.field_list.field;
        assert!(fields.iter().any(|f| f.name == some_field), "{object}");
        let keys: Vec<&str> = fields
            .iter()
            .filter(|f| f.is_primary_key)
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(keys, [primary_key], "{object}");
    }
    let err = client
        .api()
        .describe_m_object(Default::default(), ParamsDescribeMObject::new("Nope"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::BadParameter), "{err}");
}
