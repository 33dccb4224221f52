//! The client against the embedded sandbox, end to end: Marketo's key rules, deduplication,
//! workspaces, returnLead, faults, the authentication window, limits, paging, durability, and
//! concurrent clients.

use std::time::Duration;

use chrono::TimeDelta;
use mktows::client::{Idempotency, Limits, RetryPolicy};
use mktows::operations::{GetMultipleLeads, ListOperation};
use mktows::sandbox::{Sandbox, SandboxConfig, SandboxLimits};
use mktows::types::*;
use mktows::xml::Nillable;
use mktows::{Client, ErrorCode, LeadKey, LeadOutcome, LeadSync, ListReport};

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::default()).await.unwrap()
}

fn client(sandbox: &Sandbox) -> Client {
    Client::new(sandbox.client_config().retry(RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    }))
    .unwrap()
}

fn email(e: &str) -> LeadKey {
    LeadKey::Email(e.into())
}

async fn get_lead(
    client: &Client,
    key_type: LeadKeyRef,
    value: &str,
) -> Result<Vec<LeadRecord>, mktows::Error> {
    client.get_lead(key_type, value).await
}

fn attr<'a>(lead: &'a LeadRecord, name: &str) -> Option<&'a str> {
    lead.lead_attribute_list
        .as_ref()
        .and_then(|l| l.value())
        .and_then(|l| l.attribute.iter().find(|a| a.attr_name == name))
        .map(|a| a.attr_value.as_str())
}

fn lead(email: &str) -> LeadRecord {
    LeadRecord {
        email: Some(Nillable::Value(email.into())),
        ..Default::default()
    }
}

#[tokio::test]
async fn sync_lead_creates_then_updates_by_email_and_returns_the_record() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let created = client
        .sync_lead(LeadSync::new(email("t@t.com")).attribute("FirstName", "George"))
        .await
        .unwrap();
    assert_eq!(created.sync_status.status, LeadSyncStatus::Created);
    assert_eq!(
        created.lead_record,
        Some(Nillable::Nil),
        "returnLead=false gives a nil record"
    );
    let updated = client
        .sync_lead(
            LeadSync::new(email("T@t.com"))
                .attribute("LastName", "of the Jungle")
                .return_lead(true),
        )
        .await
        .unwrap();
    assert_eq!(updated.sync_status.status, LeadSyncStatus::Updated);
    assert_eq!(updated.lead_id, created.lead_id);
    let record = updated.lead_record.and_then(Nillable::into_value).unwrap();
    assert_eq!(record.id, Some(Nillable::Value(created.lead_id)));
    assert_eq!(attr(&record, "FirstName"), Some("George"));
    assert_eq!(attr(&record, "LastName"), Some("of the Jungle"));
    assert_eq!(record.foreign_sys_person_id, Some(Nillable::Nil));
}

#[tokio::test]
async fn sync_lead_key_precedence() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let a = client
        .sync_lead(LeadSync::new(email("a@x.com")))
        .await
        .unwrap()
        .lead_id;
    // Id + ForeignSysPersonId: Id wins and the foreign id is attached.
    let foreign = LeadKey::ForeignSystem {
        id: "SF-1".into(),
        system: ForeignSysType::Sfdc,
    };
    let r = client
        .sync_lead(LeadSync::new(LeadKey::Id(a)).key(foreign.clone()))
        .await
        .unwrap();
    assert_eq!(
        (r.lead_id, r.sync_status.status),
        (a, LeadSyncStatus::Updated)
    );
    // ForeignSysPersonId + Email: the foreign id matches and the email is updated.
    let r = client
        .sync_lead(
            LeadSync::new(foreign)
                .key(email("new@x.com"))
                .return_lead(true),
        )
        .await
        .unwrap();
    assert_eq!(r.lead_id, a);
    let record = r.lead_record.and_then(Nillable::into_value).unwrap();
    assert_eq!(record.email, Some(Nillable::Value("new@x.com".into())));
    assert_eq!(
        record.foreign_sys_type,
        Some(Nillable::Value(ForeignSysType::Sfdc))
    );
    // A cookie is associated with the lead it synced, and then identifies it over the email.
    let b = client
        .sync_lead(LeadSync::new(email("b@x.com")))
        .await
        .unwrap()
        .lead_id;
    client
        .sync_lead(
            LeadSync::new(LeadKey::Cookie("id:561-HYG-937&token:_mch-1".into()))
                .key(email("b@x.com")),
        )
        .await
        .unwrap();
    let r = client
        .sync_lead(
            LeadSync::new(LeadKey::Cookie("id:561-HYG-937&token:_mch-1".into()))
                .key(email("new@x.com")),
        )
        .await
        .unwrap();
    assert_eq!(r.lead_id, b, "cookie > email");
    assert_eq!(
        get_lead(&client, LeadKeyRef::Cookie, "id:561-HYG-937&token:_mch-1")
            .await
            .unwrap()
            .len(),
        1
    );
    // An unknown Id is not found.
    let err = client
        .sync_lead(LeadSync::new(LeadKey::Id(42)))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::LeadNotFound));
}

#[tokio::test]
async fn unknown_field_is_fault_20105_with_marketos_message() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let err = client
        .sync_lead(LeadSync::new(email("starlord@example.com")).attribute("pants", "corduroy"))
        .await
        .unwrap_err();
    let fault = err.fault().unwrap();
    assert_eq!(fault.code, Some(ErrorCode::LeadAttributeBad));
    assert_eq!(fault.fault.string, "20105 - Unknown lead field");
    assert_eq!(
        fault.message.as_deref(),
        Some("syncLead operation failed: unknown fields for import: pants (20105)")
    );
    assert_eq!(fault.http_status, 500);
    assert_eq!(fault.fault.code, "SOAP-ENV:Client");
}

#[tokio::test]
async fn workspaces_and_partitions() {
    let mut config = SandboxConfig::default();
    config
        .workspaces
        .push(("EMEA".into(), "EMEA Primary".into()));
    let sandbox = Sandbox::start(config).await.unwrap();
    let client = client(&sandbox);
    let id = client
        .sync_lead(LeadSync::new(email("w@x.com")).workspace("EMEA"))
        .await
        .unwrap()
        .lead_id;
    // Matched by Id: must be in the named workspace's primary partition.
    let err = client
        .sync_lead(LeadSync::new(LeadKey::Id(id)).workspace("Default"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::LeadSyncFailed));
    assert!(
        client
            .sync_lead(LeadSync::new(LeadKey::Id(id)).workspace("EMEA"))
            .await
            .is_ok()
    );
    // Matched by email: the workspace is ignored.
    let r = client
        .sync_lead(LeadSync::new(email("w@x.com")).workspace("Default"))
        .await
        .unwrap();
    assert_eq!(
        (r.lead_id, r.sync_status.status),
        (id, LeadSyncStatus::Updated)
    );
    let err = client
        .sync_lead(LeadSync::new(email("w@x.com")).workspace("Nowhere"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::BadParameter));
}

#[tokio::test]
async fn sync_multiple_leads_dedup_and_precedence() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let first = client
        .sync_multiple_leads(vec![lead("d@x.com"), lead("e@x.com")], Some(true))
        .await;
    assert_eq!(first.counts().created, 2);
    let again = client
        .sync_multiple_leads(vec![lead("d@x.com")], Some(true))
        .await;
    assert_eq!(again.counts().updated, 1, "dedup by email");
    assert_eq!(again.outcomes[0].lead_id(), first.outcomes[0].lead_id());
    let dup = client
        .sync_multiple_leads(vec![lead("d@x.com")], Some(false))
        .await;
    assert_eq!(
        dup.counts().created,
        1,
        "dedupEnabled=false creates a duplicate"
    );
    assert_eq!(
        get_lead(&client, LeadKeyRef::Email, "d@x.com")
            .await
            .unwrap()
            .len(),
        2
    );
    // Id > ForeignSysPersonId > Email, one status per record, a FAILED record does not stop the batch.
    let e_id = first.outcomes[1].lead_id().unwrap();
    let records = vec![
        LeadRecord {
            id: Some(Nillable::Value(e_id)),
            foreign_sys_person_id: Some(Nillable::Value("NS-9".into())),
            foreign_sys_type: Some(Nillable::Value(ForeignSysType::Netsuite)),
            email: Some(Nillable::Value("ignored@x.com".into())),
            ..Default::default()
        },
        LeadRecord {
            email: Some(Nillable::Value("f@x.com".into())),
            lead_attribute_list: Some(Nillable::Value(ArrayOfAttribute {
                attribute: vec![Attribute {
                    attr_name: "pants".into(),
                    attr_type: None,
                    attr_value: "x".into(),
                }],
            })),
            ..Default::default()
        },
        LeadRecord {
            ..Default::default()
        },
        LeadRecord {
            foreign_sys_person_id: Some(Nillable::Value("NS-9".into())),
            foreign_sys_type: Some(Nillable::Value(ForeignSysType::Netsuite)),
            ..Default::default()
        },
    ];
    let report = client.sync_multiple_leads(records, Some(true)).await;
    let statuses: Vec<_> = report
        .outcomes
        .iter()
        .map(|o| match o {
            LeadOutcome::Synced(s) => (s.lead_id, s.status.clone()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(statuses[0], (e_id, LeadSyncStatus::Updated));
    assert_eq!(statuses[1], (0, LeadSyncStatus::Failed));
    assert_eq!(statuses[2], (0, LeadSyncStatus::Failed));
    assert_eq!(
        statuses[3],
        (e_id, LeadSyncStatus::Updated),
        "the foreign id attached by the first record"
    );
    let e = &get_lead(&client, LeadKeyRef::Idnum, &e_id.to_string())
        .await
        .unwrap()[0];
    assert_eq!(
        e.email,
        Some(Nillable::Value("e@x.com".into())),
        "the Email key does not update a keyed lead"
    );
}

#[tokio::test]
async fn batches_over_300_are_refused() {
    let sandbox = sandbox().await;
    let client = Client::new(sandbox.client_config().batch_size(301)).unwrap();
    let report = client
        .sync_multiple_leads(
            (0..301)
                .map(|i| lead(&format!("l{i}@x.com")))
                .collect::<Vec<_>>(),
            Some(true),
        )
        .await;
    assert_eq!(report.outcomes.len(), 301);
    let LeadOutcome::ChunkFailed { error, .. } = &report.outcomes[0] else {
        panic!("refused")
    };
    assert_eq!(error.code(), Some(ErrorCode::BadParameter));
    assert_eq!(sandbox.lead_count(), 0);
}

#[tokio::test]
async fn get_lead_by_each_key_and_not_found() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let id = client
        .sync_lead(LeadSync::new(email("g@x.com")).attribute("Company", "Acme"))
        .await
        .unwrap()
        .lead_id;
    let by_id = get_lead(&client, LeadKeyRef::Idnum, &id.to_string())
        .await
        .unwrap();
    assert_eq!(attr(&by_id[0], "Company"), Some("Acme"));
    assert_eq!(
        get_lead(&client, LeadKeyRef::Email, "G@X.com")
            .await
            .unwrap()
            .len(),
        1
    );
    let err = get_lead(&client, LeadKeyRef::Email, "pants@example.com")
        .await
        .unwrap_err();
    assert_eq!(
        err.fault().unwrap().message.as_deref(),
        Some("No lead found with EMAIL = pants@example.com (20103)")
    );
    assert_eq!(err.fault().unwrap().fault.string, "20103 - Lead not found");
    // The CRM keys are lead fields (SFDCLEADID is SfdcLeadId, LEADOWNEREMAIL LeadOwnerEmail).
    client
        .sync_lead(
            LeadSync::new(email("g@x.com"))
                .attribute("SfdcLeadId", "00Q5000000AbCdE")
                .attribute("LeadOwnerEmail", "owner@x.com"),
        )
        .await
        .unwrap();
    for (key, value) in [
        (LeadKeyRef::Sfdcleadid, "00Q5000000AbCdE"),
        (LeadKeyRef::Leadowneremail, "OWNER@x.com"),
    ] {
        let found = get_lead(&client, key.clone(), value).await.unwrap();
        assert_eq!(found.len(), 1, "{key}");
        assert_eq!(found[0].id, Some(Nillable::Value(id)), "{key}");
    }
    let err = get_lead(&client, LeadKeyRef::Sfdcaccountid, "001")
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::LeadNotFound));
    let err = get_lead(&client, LeadKeyRef::Unknown("TWITTERID".into()), "x")
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::LeadKeyBad));
}

#[tokio::test]
async fn get_multiple_leads_selectors_and_paging() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let since = chrono::Utc::now().fixed_offset() - TimeDelta::seconds(5);
    client
        .sync_multiple_leads(
            (0..25)
                .map(|i| lead(&format!("p{i}@x.com")))
                .collect::<Vec<_>>(),
            Some(true),
        )
        .await;
    // LastUpdateAtSelector, pages of 10 following streamPosition.
    let mut position = None;
    let mut seen = Vec::new();
    loop {
        let params = ParamsGetMultipleLeads {
            lead_selector: Some(LeadSelector::LastUpdateAtSelector(LastUpdateAtSelector {
                latest_updated_at: None,
                oldest_updated_at: since,
            })),
            last_updated_at: None,
            stream_position: position.clone().map(Nillable::Value),
            batch_size: Some(Nillable::Value(10)),
            include_attributes: None,
        };
        let result = client
            .call::<GetMultipleLeads>(&Default::default(), &params, Idempotency::Idempotent)
            .await
            .unwrap()
            .result;
        let page = result
            .lead_record_list
            .and_then(Nillable::into_value)
            .unwrap()
            .lead_record;
        assert_eq!(result.return_count as usize, page.len());
        seen.extend(
            page.into_iter()
                .map(|l| l.email.and_then(Nillable::into_value).unwrap()),
        );
        if result.remaining_count == 0 {
            assert_eq!(result.new_stream_position, "");
            break;
        }
        position = Some(result.new_stream_position);
    }
    assert_eq!(seen.len(), 25);
    assert_eq!(seen[24], "p24@x.com");
    // LeadKeySelector.
    let params = ParamsGetMultipleLeads {
        lead_selector: Some(LeadSelector::LeadKeySelector(LeadKeySelector {
            key_type: LeadKeyRef::Email,
            key_values: ArrayOfString {
                string_item: vec!["p3@x.com".into(), "p7@x.com".into(), "none@x.com".into()],
            },
        })),
        last_updated_at: None,
        stream_position: None,
        batch_size: None,
        include_attributes: None,
    };
    let result = client
        .call::<GetMultipleLeads>(&Default::default(), &params, Idempotency::Idempotent)
        .await
        .unwrap()
        .result;
    assert_eq!(result.return_count, 2);
    // A bad stream position is fault 20122.
    let bad = ParamsGetMultipleLeads {
        stream_position: Some(Nillable::Value("garbage".into())),
        ..params
    };
    let err = client
        .call::<GetMultipleLeads>(&Default::default(), &bad, Idempotency::Idempotent)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::BadStreamPosition));
}

#[tokio::test]
async fn authentication_like_marketo() {
    let sandbox = sandbox().await;
    let wrong = Client::new(
        mktows::ClientConfig::new(
            sandbox.url(),
            mktows::signing::Credentials::new(sandbox.credentials().user_id.clone(), "nope"),
        )
        .limits(Limits::unlimited(1)),
    )
    .unwrap();
    let err = wrong
        .sync_lead(LeadSync::new(email("a@b.c")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::AuthenticationFailed));
    let stale = Client::new(
        sandbox
            .client_config()
            .clock_offset(TimeDelta::minutes(-20))
            .retry(RetryPolicy {
                max_attempts: 1,
                ..RetryPolicy::default()
            }),
    )
    .unwrap();
    let err = stale
        .sync_lead(LeadSync::new(email("a@b.c")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::RequestExpired));
    // Within the window (skewed 10 minutes) is accepted.
    let skewed = Client::new(sandbox.client_config().clock_offset(TimeDelta::minutes(10))).unwrap();
    assert!(
        skewed
            .sync_lead(LeadSync::new(email("a@b.c")))
            .await
            .is_ok()
    );
}

#[test]
fn an_operation_a_back_end_lacks_is_named() {
    struct Nothing;
    impl mktows::soap_front::Backend for Nothing {
        fn name(&self) -> &str {
            "test back end"
        }
    }
    use mktows::soap_front::Backend;
    let fault = Nothing.unsupported_fault("getTags");
    assert_eq!(fault.code, ErrorCode::UnsupportedOperation);
    assert!(
        fault.message.contains("paramsGetTags") && fault.message.contains("test back end"),
        "{fault}"
    );
}

#[tokio::test]
async fn opt_in_limits() {
    let config = SandboxConfig {
        limits: SandboxLimits {
            rate: Some((3, Duration::from_secs(60))),
            concurrency: None,
            daily_quota: Some(5),
        },
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let rated = client(&sandbox);
    for i in 0..3 {
        rated
            .sync_lead(LeadSync::new(email(&format!("r{i}@x.com"))))
            .await
            .unwrap();
    }
    let err = rated
        .sync_lead(LeadSync::new(email("r3@x.com")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::RateLimitExceeded));

    let mut config = SandboxConfig::default();
    config.limits.daily_quota = Some(2);
    let sandbox = Sandbox::start(config).await.unwrap();
    let quota = client(&sandbox);
    quota
        .sync_lead(LeadSync::new(email("q1@x.com")))
        .await
        .unwrap();
    quota
        .sync_lead(LeadSync::new(email("q2@x.com")))
        .await
        .unwrap();
    let err = quota
        .sync_lead(LeadSync::new(email("q3@x.com")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::RequestLimitExceeded));

    let mut config = SandboxConfig::default();
    config.limits.concurrency = Some(2);
    let sandbox = Sandbox::start(config).await.unwrap();
    let client = Client::new(
        sandbox
            .client_config()
            .limits(Limits::unlimited(20))
            .batch_size(1)
            .retry(RetryPolicy {
                max_attempts: 1,
                ..RetryPolicy::default()
            }),
    )
    .unwrap();
    let report = client
        .sync_multiple_leads(
            (0..200)
                .map(|i| lead(&format!("c{i}@x.com")))
                .collect::<Vec<_>>(),
            Some(true),
        )
        .await;
    let throttled = report.outcomes.iter().filter(|o| matches!(o, LeadOutcome::ChunkFailed { error, .. } if error.code() == Some(ErrorCode::ConcurrencyLimitExceeded))).count();
    assert!(throttled > 0, "20 in flight against a limit of 2");
    assert_eq!(report.counts().created + throttled, 200);
}

#[tokio::test]
async fn wsdl_is_served_with_its_own_address() {
    let sandbox = sandbox().await;
    let wsdl = reqwest_get(&format!("{}?WSDL", sandbox.url())).await;
    assert!(
        wsdl.contains(&format!("<soap:address location=\"{}\"", sandbox.url())),
        "{}",
        &wsdl[..200]
    );
    assert!(wsdl.contains("name=\"syncMultipleLeads\""));
}

async fn reqwest_get(url: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let path = &url[url.find(&address).unwrap() + address.len()..];
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

#[tokio::test]
async fn data_survives_a_restart() {
    let path = std::env::temp_dir().join(format!("mktows-sandbox-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let config = SandboxConfig {
        data: Some(path.clone()),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config.clone()).await.unwrap();
    let id = client(&sandbox)
        .sync_lead(LeadSync::new(email("keep@x.com")).attribute("Company", "Durable"))
        .await
        .unwrap()
        .lead_id;
    client(&sandbox)
        .sync_multiple_leads(
            (0..50)
                .map(|i| lead(&format!("k{i}@x.com")))
                .collect::<Vec<_>>(),
            Some(true),
        )
        .await;
    sandbox.stop().await;
    let sandbox = Sandbox::start(config).await.unwrap();
    assert_eq!(sandbox.lead_count(), 51);
    let again = client(&sandbox);
    let stored = &get_lead(&again, LeadKeyRef::Idnum, &id.to_string())
        .await
        .unwrap()[0];
    assert_eq!(attr(stored, "Company"), Some("Durable"));
    let next = again
        .sync_lead(LeadSync::new(email("new@x.com")))
        .await
        .unwrap()
        .lead_id;
    assert!(next > id, "ids keep increasing after a restart");
    let _ = std::fs::remove_file(&path);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_clients_ten_thousand_leads_each() {
    let sandbox = sandbox().await;
    let mut tasks = Vec::new();
    for c in 0..10 {
        let config = sandbox.client_config();
        tasks.push(tokio::spawn(async move {
            let client = Client::new(config).unwrap();
            let leads: Vec<LeadRecord> = (0..10_000)
                .map(|i| lead(&format!("c{c}-{i}@x.com")))
                .collect();
            client.sync_multiple_leads(leads, Some(true)).await
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for task in tasks {
        let report = task.await.unwrap();
        assert_eq!(report.outcomes.len(), 10_000);
        assert_eq!(report.counts().created, 10_000, "{:?}", report.counts());
        ids.extend(report.outcomes.iter().map(|o| o.lead_id().unwrap()));
    }
    assert_eq!(ids.len(), 100_000, "no id given twice");
    assert_eq!(sandbox.lead_count(), 100_000, "nothing lost or doubled");
}

/// Sends `paramsListOperation` given in its JSON form, so that the tests compile against every
/// WSDL version (2_2 has one more optional element).
async fn send_list_operation(
    client: &Client,
    params: serde_json::Value,
) -> Result<ResultListOperation, mktows::Error> {
    let params: ParamsListOperation = serde_json::from_value(params).unwrap();
    Ok(client
        .call::<ListOperation>(&Default::default(), &params, Idempotency::Idempotent)
        .await?
        .result)
}

/// A sandbox configuration with these static lists.
fn with_lists(names: &[&str]) -> SandboxConfig {
    SandboxConfig {
        lists: names.iter().map(|n| (*n).to_owned()).collect(),
        ..SandboxConfig::default()
    }
}

/// A `listOperation` on IDNUM keys: `success` and the per-lead statuses.
async fn list_operation(
    client: &Client,
    operation: &str,
    list: &str,
    ids: &[String],
    strict: bool,
) -> Result<(bool, Vec<bool>), mktows::Error> {
    let keys: Vec<_> = ids
        .iter()
        .map(|id| serde_json::json!({"keyType": "IDNUM", "keyValue": id}))
        .collect();
    let result = send_list_operation(
        client,
        serde_json::json!({
            "listOperation": operation,
            "listKey": {"keyType": "MKTOLISTNAME", "keyValue": list},
            "listMemberList": {"leadKey": keys},
            "strict": strict,
        }),
    )
    .await?;
    let statuses = result
        .status_list
        .and_then(Nillable::into_value)
        .unwrap()
        .lead_status;
    for (status, id) in statuses.iter().zip(ids) {
        assert_eq!(
            &status.lead_key.key_value, id,
            "statuses echo the keys in order"
        );
    }
    Ok((
        result.success,
        statuses.into_iter().map(|s| s.status).collect(),
    ))
}

/// The emails of the members of a static list, through `getMultipleLeads`.
async fn list_members(
    client: &Client,
    selector: StaticListSelector,
) -> Result<Vec<String>, mktows::Error> {
    let params = ParamsGetMultipleLeads {
        lead_selector: Some(LeadSelector::StaticListSelector(selector)),
        ..Default::default()
    };
    let result = client
        .call::<GetMultipleLeads>(&Default::default(), &params, Idempotency::Idempotent)
        .await?
        .result;
    Ok(result
        .lead_record_list
        .and_then(Nillable::into_value)
        .map(|l| l.lead_record)
        .unwrap_or_default()
        .into_iter()
        .map(|l| l.email.and_then(Nillable::into_value).unwrap_or_default())
        .collect())
}

fn by_name(name: &str) -> StaticListSelector {
    StaticListSelector {
        static_list_name: Some(Nillable::Value(name.into())),
        static_list_id: None,
    }
}

async fn three_leads(client: &Client) -> Vec<String> {
    let mut ids = Vec::new();
    for e in ["l1@x.com", "l2@x.com", "l3@x.com"] {
        ids.push(
            client
                .sync_lead(LeadSync::new(email(e)))
                .await
                .unwrap()
                .lead_id
                .to_string(),
        );
    }
    ids
}

#[tokio::test]
async fn static_lists_add_check_read_and_remove() {
    let sandbox = Sandbox::start(with_lists(&["Trade Show", "Newsletter"]))
        .await
        .unwrap();
    let client = client(&sandbox);
    let ids = three_leads(&client).await;
    let (first_two, last) = (&ids[..2], &ids[2..]);

    let added = list_operation(&client, "ADDTOLIST", "Trade Show", first_two, false)
        .await
        .unwrap();
    assert_eq!(added, (true, vec![true, true]));
    // Adding a member again changes nothing and succeeds.
    let again = list_operation(&client, "ADDTOLIST", "Trade Show", &ids[..1], false)
        .await
        .unwrap();
    assert_eq!(again, (true, vec![true]));

    let check = list_operation(&client, "ISMEMBEROFLIST", "Trade Show", &ids, false)
        .await
        .unwrap();
    assert_eq!(
        check,
        (false, vec![true, true, false]),
        "success only when every lead is a member"
    );
    let other = list_operation(&client, "ISMEMBEROFLIST", "Newsletter", first_two, false)
        .await
        .unwrap();
    assert_eq!(other, (false, vec![false, false]), "lists are separate");

    assert_eq!(
        list_members(&client, by_name("Trade Show")).await.unwrap(),
        ["l1@x.com", "l2@x.com"]
    );
    let by_id = StaticListSelector {
        static_list_name: None,
        static_list_id: Some(Nillable::Value(1001)),
    };
    assert_eq!(
        list_members(&client, by_id).await.unwrap().len(),
        2,
        "the first list is id 1001"
    );
    assert!(
        list_members(&client, by_name("Newsletter"))
            .await
            .unwrap()
            .is_empty()
    );

    let removed = list_operation(&client, "REMOVEFROMLIST", "Trade Show", &ids[..1], false)
        .await
        .unwrap();
    assert_eq!(removed, (true, vec![true]));
    assert_eq!(
        list_members(&client, by_name("Trade Show")).await.unwrap(),
        ["l2@x.com"]
    );
    let check = list_operation(&client, "ISMEMBEROFLIST", "Trade Show", last, false)
        .await
        .unwrap();
    assert_eq!(check, (false, vec![false]));
}

#[tokio::test]
async fn strict_list_operations_are_all_or_nothing() {
    let sandbox = Sandbox::start(with_lists(&["L"])).await.unwrap();
    let client = client(&sandbox);
    let mut ids = three_leads(&client).await;
    ids.push("999".into()); // no such lead
    ids.push("not a number".into());

    let strict = list_operation(&client, "ADDTOLIST", "L", &ids, true)
        .await
        .unwrap();
    assert_eq!(strict, (false, vec![false; 5]));
    assert!(
        list_members(&client, by_name("L"))
            .await
            .unwrap()
            .is_empty(),
        "nothing was added"
    );

    let lenient = list_operation(&client, "ADDTOLIST", "L", &ids, false)
        .await
        .unwrap();
    assert_eq!(lenient, (false, vec![true, true, true, false, false]));
    assert_eq!(list_members(&client, by_name("L")).await.unwrap().len(), 3);

    let strict = list_operation(&client, "REMOVEFROMLIST", "L", &ids, true)
        .await
        .unwrap();
    assert_eq!(strict, (false, vec![false; 5]));
    assert_eq!(
        list_members(&client, by_name("L")).await.unwrap().len(),
        3,
        "nothing was removed"
    );
}

#[tokio::test]
async fn list_faults_name_what_is_wrong() {
    let sandbox = Sandbox::start(with_lists(&["L"])).await.unwrap();
    let client = client(&sandbox);
    let ids = three_leads(&client).await;
    let message = |err: &mktows::Error| err.fault().unwrap().message.clone().unwrap_or_default();

    let err = list_operation(&client, "ADDTOLIST", "Nope", &ids, false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ListNotFound));
    assert!(message(&err).contains("Nope"), "{err}");
    let err = list_members(&client, by_name("Nope")).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ListNotFound));
    let unknown_id = StaticListSelector {
        static_list_name: None,
        static_list_id: Some(Nillable::Value(7)),
    };
    let err = list_members(&client, unknown_id).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ListNotFound));
    let neither = StaticListSelector {
        static_list_name: None,
        static_list_id: None,
    };
    let err = list_members(&client, neither).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ParameterRequired));

    let too_many: Vec<String> = (0..1001).map(|i| i.to_string()).collect();
    let err = list_operation(&client, "ADDTOLIST", "L", &too_many, false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::BadParameter));
    assert!(message(&err).contains("1000"), "{err}");

    // Only IDNUM lead keys, as Marketo documents; other list key types are not in the sandbox.
    let by_email = serde_json::json!({
        "listOperation": "ADDTOLIST",
        "listKey": {"keyType": "MKTOLISTNAME", "keyValue": "L"},
        "listMemberList": {"leadKey": [{"keyType": "EMAIL", "keyValue": "l1@x.com"}]},
    });
    let err = send_list_operation(&client, by_email).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::BadParameter));
    assert!(message(&err).contains("IDNUM"), "{err}");
    let sales = serde_json::json!({
        "listOperation": "ADDTOLIST",
        "listKey": {"keyType": "MKTOSALESUSERID", "keyValue": "L"},
        "listMemberList": {"leadKey": []},
    });
    let err = send_list_operation(&client, sales).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::UnsupportedOperation));
    assert!(message(&err).contains("MKTOSALESUSERID"), "{err}");
}

#[tokio::test]
async fn list_members_survive_a_restart() {
    let path = std::env::temp_dir().join(format!("mktows-lists-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let config = SandboxConfig {
        data: Some(path.clone()),
        ..with_lists(&["Kept"])
    };
    let sandbox = Sandbox::start(config.clone()).await.unwrap();
    let ids = three_leads(&client(&sandbox)).await;
    let added = list_operation(&client(&sandbox), "ADDTOLIST", "Kept", &ids[1..], false)
        .await
        .unwrap();
    assert_eq!(added, (true, vec![true, true]));
    sandbox.stop().await;

    let sandbox = Sandbox::start(config).await.unwrap();
    assert_eq!(
        list_members(&client(&sandbox), by_name("Kept"))
            .await
            .unwrap(),
        ["l2@x.com", "l3@x.com"]
    );
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn list_operation_helper_reports_every_lead_in_order() {
    let sandbox = Sandbox::start(with_lists(&["L"])).await.unwrap();
    let client = client(&sandbox);
    let ids: Vec<i32> = three_leads(&client)
        .await
        .iter()
        .map(|id| id.parse().unwrap())
        .collect();
    let report = client
        .list_operation(ListOperationType::Addtolist, "L", &[999, ids[0]], false)
        .await
        .unwrap();
    assert_eq!(
        report,
        ListReport {
            success: false,
            leads: vec![(999, false), (ids[0], true)],
        }
    );
    let report = client
        .list_operation(ListOperationType::Ismemberoflist, "L", &ids, true)
        .await
        .unwrap();
    assert_eq!(
        report.leads,
        [(ids[0], true), (ids[1], false), (ids[2], false)]
    );
    let err = client
        .list_operation(ListOperationType::Removefromlist, "Nope", &ids, false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ListNotFound));
}
