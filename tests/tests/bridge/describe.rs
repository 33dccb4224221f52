//! describeMObject through the bridge (`bridge/src/describe.rs`): LeadRecord over REST's Describe
//! Lead and Opportunity over Describe Opportunity list the sandbox's fields. Every bridge
//! response is judged by xmllint against the WSDL's schema.

use mktows::Client;
use mktows::types::*;
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::bridge::bridge_to;
use mktows_tests::soap::{Judge, exchange};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_lead_record_over_rest_lists_the_sandbox_fields() {
    use mktows::operations::DescribeMObject;
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let direct = Client::new(sandbox.client_config()).unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = Client::new(bridge.client_config()).unwrap();
    let mut judge = Judge::default();
    let fields = |answer: &mktows_tests::soap::Exchange<DescribeMObject>| -> Vec<(String, Option<String>, String)> {
        answer
            .output()
            .result
            .metadata
            .field_list
            .field
            .iter()
            .map(|f| (f.name.clone(), f.display_name.value().cloned(), f.data_type.clone()))
            .collect()
    };
    let bridged =
        exchange::<DescribeMObject>(&soap, &ParamsDescribeMObject::new("LeadRecord")).await;
    judge.keep("lead record", &bridged);
    let straight =
        exchange::<DescribeMObject>(&direct, &ParamsDescribeMObject::new("LeadRecord")).await;
    assert_eq!(fields(&bridged), fields(&straight));
    assert!(fields(&bridged).contains(&(
        "Email".into(),
        Some("Email Address".into()),
        "email".into()
    )));
    let other =
        exchange::<DescribeMObject>(&soap, &ParamsDescribeMObject::new("OpportunityPersonRole"))
            .await;
    judge.keep("role", &other);
    assert_eq!(other.fault_code(), 20019);
    judge.validate("bridge_describe");
}

/// Opportunity over Describe Opportunity: the attributes the sandbox's own describeMObject
/// lists (its standard ones and the fixture's extra `Region`), with the same display names and
/// types, but `Id` (REST keys opportunities by `marketoGUID`, the bridge by `externalKey`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_opportunity_over_rest_lists_the_sandbox_attributes() {
    use mktows::operations::DescribeMObject;
    let mut config = SandboxConfig::default();
    config.catalog.opportunity_fields = vec!["Region".into()];
    let sandbox = Sandbox::start(config).await.unwrap();
    let direct = Client::new(sandbox.client_config()).unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = Client::new(bridge.client_config()).unwrap();
    let mut judge = Judge::default();
    let fields = |answer: &mktows_tests::soap::Exchange<DescribeMObject>| -> Vec<(String, Option<String>, String)> {
        let metadata = &answer.output().result.metadata;
        assert_eq!(metadata.name, "Opportunity");
        metadata
            .field_list
            .field
            .iter()
            .map(|f| (f.name.clone(), f.display_name.value().cloned(), f.data_type.clone()))
            .collect()
    };
    let bridged =
        exchange::<DescribeMObject>(&soap, &ParamsDescribeMObject::new("Opportunity")).await;
    judge.keep("opportunity", &bridged);
    let straight =
        exchange::<DescribeMObject>(&direct, &ParamsDescribeMObject::new("Opportunity")).await;
    let mut expected = fields(&straight);
    assert_eq!(expected.remove(0).0, "Id");
    assert_eq!(fields(&bridged), expected);
    assert!(fields(&bridged).contains(&(
        "ExpectedRevenue".into(),
        Some("Expected Revenue".into()),
        "float".into()
    )));
    assert_eq!(
        fields(&bridged).last().map(|f| f.0.as_str()),
        Some("Region")
    );
    judge.validate("bridge_describe-opportunity");
}
