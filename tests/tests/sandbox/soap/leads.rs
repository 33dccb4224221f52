//! The client against the embedded sandbox, end to end: Marketo's key rules, deduplication,
//! workspaces, returnLead, faults and paging. The service around them (authentication,
//! limits, WSDL, durability, concurrent clients) is in `../service.rs`, static lists in
//! `leads/lists.rs`.

mod lists;

use chrono::TimeDelta;
use mktows::client::Idempotency;
use mktows::operations::GetMultipleLeads;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows::{Client, ErrorCode, LeadKey, LeadOutcome, LeadSync};
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::leads::{attr, by_email as lead, client, email, sandbox};

async fn get_lead(
    client: &Client,
    key_type: LeadKeyRef,
    value: &str,
) -> Result<Vec<LeadRecord>, mktows::Error> {
    client.get_lead(key_type, value).await
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
