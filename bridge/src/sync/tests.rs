//! Unit tests of the pure phases of `syncLead` and `syncMultipleLeads`.

use super::*;
use serde_json::json;

fn fields() -> FieldMap {
    FieldMap::from_describe(&json!({"result": [
        {"dataType": "email", "rest": {"name": "email"}, "soap": {"name": "Email"}},
        {"dataType": "string", "rest": {"name": "firstName"}, "soap": {"name": "FirstName"}},
    ]}))
}

fn record(id: Option<i32>, email: Option<&str>, attributes: &[(&str, &str)]) -> LeadRecord {
    LeadRecord {
        id: id.map(Nillable::Value),
        email: email.map(|e| Nillable::Value(e.to_owned())),
        foreign_sys_person_id: None,
        foreign_sys_type: None,
        lead_attribute_list: Some(Nillable::Value(ArrayOfAttribute {
            attribute: attributes
                .iter()
                .map(|(name, value)| Attribute {
                    attr_name: (*name).to_owned(),
                    attr_type: None,
                    attr_value: (*value).to_owned(),
                })
                .collect(),
        })),
    }
}

fn json_of(input: &RestRecord) -> Value {
    serde_json::to_value(input).unwrap()
}

#[test]
fn a_sync_lead_needs_a_key_and_one_email() {
    let map = fields();
    let params = ParamsSyncLead::new(record(None, None, &[("FirstName", "Ada")]), false);
    let input = map.rest_attributes(&params.lead_record).unwrap();
    let fault = sync_lead_keys(&params, &input).unwrap_err();
    assert_eq!(fault.code, ErrorCode::LeadKeyRequired);

    let params = ParamsSyncLead::new(
        record(None, Some("a@example.com"), &[("Email", "b@example.com")]),
        false,
    );
    let input = map.rest_attributes(&params.lead_record).unwrap();
    let fault = sync_lead_keys(&params, &input).unwrap_err();
    assert_eq!(fault.code, ErrorCode::BadParameter);

    let mut params = ParamsSyncLead::new(record(None, None, &[]), false);
    params.lead_record.foreign_sys_person_id = Some(Nillable::Value("F1".into()));
    let input = RestRecord::default();
    let fault = sync_lead_keys(&params, &input).unwrap_err();
    assert_eq!(fault.code, ErrorCode::UnsupportedOperation);

    let mut params = ParamsSyncLead::new(record(Some(7), Some("a@example.com"), &[]), false);
    params.marketo_cookie = Some(Nillable::Value(String::new()));
    let keys = sync_lead_keys(&params, &RestRecord::default()).unwrap();
    let expected = LeadKeys {
        id: Some(7),
        email: Some("a@example.com".into()),
        cookie: None,
    };
    assert_eq!(keys, expected);
}

#[test]
fn the_lead_key_rule_is_id_then_email_then_a_new_lead() {
    let mut input = RestRecord::default();
    let by_id = sync_lead_action(&mut input, Some(7), Some("a@example.com"));
    assert_eq!(by_id, ("updateOnly", Some("id")));
    assert_eq!(json_of(&input), json!({"email": "a@example.com", "id": 7}));

    let mut input = RestRecord::default();
    let by_email = sync_lead_action(&mut input, None, Some("a@example.com"));
    assert_eq!(by_email, ("createOrUpdate", Some("email")));
    assert_eq!(json_of(&input), json!({"email": "a@example.com"}));

    let mut input = RestRecord::default();
    assert_eq!(
        sync_lead_action(&mut input, None, None),
        ("createDuplicate", None)
    );
    assert_eq!(json_of(&input), json!({}));
}

#[test]
fn rest_outcomes_become_soap_statuses_or_faults() {
    let done = Outcome::Done {
        id: 5,
        created: true,
    };
    assert_eq!(
        sync_lead_outcome(Some(done), None).unwrap(),
        (5, LeadSyncStatus::Created)
    );
    let skipped = |code: u32| Outcome::Skipped {
        code,
        message: "why".into(),
    };
    let fault = sync_lead_outcome(Some(skipped(1006)), None).unwrap_err();
    assert_eq!(fault.code, ErrorCode::LeadAttributeBad);
    let fault = sync_lead_outcome(Some(skipped(1004)), Some(9)).unwrap_err();
    assert_eq!(
        (fault.code, fault.message.as_str()),
        (ErrorCode::LeadNotFound, "No lead found with IDNUM = 9")
    );
    let fault = sync_lead_outcome(Some(skipped(1007)), None).unwrap_err();
    assert_eq!(
        (fault.code, fault.message.as_str()),
        (
            ErrorCode::LeadSyncFailed,
            "Marketo REST skipped the lead: why (1007)"
        )
    );
    let fault = sync_lead_outcome(None, None).unwrap_err();
    assert!(
        fault.message.contains("may have been applied"),
        "{}",
        fault.message
    );
}

#[test]
fn a_call_after_the_sync_may_have_been_applied_only_when_unanswered() {
    let status = LeadSyncStatus::Updated;
    let unknown = RestError::Unknown("reset".into());
    let fault = after_sync_fault(4, &status, &unknown, "reading it back failed");
    assert!(
        fault.message.contains("may have been applied"),
        "{}",
        fault.message
    );
    assert!(
        fault.message.contains("lead 4 was UPDATED"),
        "{}",
        fault.message
    );
    let refused = RestError::Api {
        code: 1004,
        message: "no".into(),
    };
    let fault = after_sync_fault(4, &status, &refused, "reading it back failed");
    assert_eq!(fault.code, ErrorCode::ServiceInternalError);
    assert!(!fault.message.contains("may have been applied"));
}

#[test]
fn records_are_split_by_key_and_bad_ones_fail_before_sending() {
    let map = fields();
    let mut foreign = record(None, Some("f@example.com"), &[]);
    foreign.foreign_sys_person_id = Some(Nillable::Value("F1".into()));
    let records = vec![
        record(
            Some(3),
            Some("ignored@example.com"),
            &[("FirstName", "Ada")],
        ),
        record(None, Some("b@example.com"), &[]),
        record(None, None, &[]),
        record(None, Some("c@example.com"), &[("Pants", "x")]),
        record(None, Some("d@example.com"), &[("Email", "e@example.com")]),
        foreign,
    ];
    let plan = plan_sync_multiple(&map, &records);
    let by_id: Vec<(usize, Value)> = plan.by_id.iter().map(|(i, r)| (*i, json_of(r))).collect();
    assert_eq!(by_id, vec![(0, json!({"firstName": "Ada", "id": 3}))]);
    let by_email: Vec<(usize, Value)> = plan
        .by_email
        .iter()
        .map(|(i, r)| (*i, json_of(r)))
        .collect();
    assert_eq!(by_email, vec![(1, json!({"email": "b@example.com"}))]);
    let errors: Vec<Option<String>> = plan
        .statuses
        .iter()
        .map(|s| s.as_ref().and_then(|s| s.error.clone()?.value().cloned()))
        .collect();
    assert_eq!(errors[0..2], [None, None]);
    assert!(
        errors[2]
            .as_deref()
            .unwrap()
            .starts_with("LeadRecords must specify")
    );
    assert_eq!(errors[3].as_deref(), Some("Unknown lead field: Pants"));
    assert!(
        errors[4]
            .as_deref()
            .unwrap()
            .starts_with("the Email key and the Email attribute")
    );
    assert!(
        errors[5]
            .as_deref()
            .unwrap()
            .starts_with("ForeignSysPersonId has no")
    );
}

#[test]
fn dedup_decides_the_email_action() {
    let [by_id, by_email] = sync_groups(Vec::new(), Vec::new(), true);
    assert_eq!((by_id.action, by_id.lookup), ("updateOnly", Some("id")));
    assert_eq!(
        (by_email.action, by_email.lookup),
        ("createOrUpdate", Some("email"))
    );
    let [_, by_email] = sync_groups(Vec::new(), Vec::new(), false);
    assert_eq!(
        (by_email.action, by_email.lookup),
        ("createDuplicate", None)
    );
}

#[test]
fn a_failed_group_call_faults_unless_other_leads_were_confirmed() {
    let unknown = RestError::Unknown("timeout".into());
    let fault = group_failure(unknown, 2).unwrap_err();
    assert!(
        fault.message.contains("may have been applied"),
        "{}",
        fault.message
    );
    assert!(
        fault
            .message
            .contains("(2 other leads of this call were confirmed)")
    );
    let refused = || RestError::Api {
        code: 603,
        message: "Access denied".into(),
    };
    assert_eq!(
        group_failure(refused(), 0).unwrap_err().code,
        ErrorCode::AccessDenied
    );
    assert_eq!(
        group_failure(refused(), 3).unwrap(),
        "not applied: Marketo REST error 603: Access denied"
    );
}

#[test]
fn outcomes_become_statuses_and_missing_ones_fail() {
    let updated = sync_status(Outcome::Done {
        id: 8,
        created: false,
    });
    assert_eq!(
        (updated.lead_id, updated.status.clone()),
        (8, LeadSyncStatus::Updated)
    );
    let skipped = sync_status(Outcome::Skipped {
        code: 1007,
        message: "Multiple lead match lookup criteria".into(),
    });
    assert_eq!(skipped.status, LeadSyncStatus::Failed);
    assert_eq!(
        skipped.error,
        Some(Nillable::Value(
            "Multiple lead match lookup criteria (Marketo REST 1007)".into()
        ))
    );
    let answer = soap_sync_multiple(vec![Some(updated), None]);
    let statuses = answer.result.sync_status_list.sync_status;
    assert_eq!(
        statuses[1].error,
        Some(Nillable::Value("not processed".into()))
    );
}
