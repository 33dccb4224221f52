//! describeMObject through the bridge (`bridge/src/describe.rs`): LeadRecord over REST's Describe
//! Lead lists the sandbox's fields. Every bridge response is judged by xmllint against the WSDL's
//! schema.

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
        exchange::<DescribeMObject>(&soap, &ParamsDescribeMObject::new("Opportunity")).await;
    judge.keep("opportunity", &other);
    assert_eq!(other.fault_code(), 20019);
    judge.validate("bridge_describe");
}
