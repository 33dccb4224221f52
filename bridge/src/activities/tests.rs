//! Unit tests of the pure phases of `getLeadChanges`.

use super::*;
use serde_json::json;

fn types() -> Vec<(i64, String)> {
    vec![
        (1, "Visit Webpage".into()),
        (2, "Fill Out Form".into()),
        (12, "New Lead".into()),
    ]
}

fn filter(include: &[ActivityType], exclude: &[ActivityType]) -> Option<ActivityTypeFilter> {
    let list = |types: &[ActivityType]| {
        (!types.is_empty()).then(|| ArrayOfActivityType {
            activity_type: types.to_vec(),
        })
    };
    Some(ActivityTypeFilter {
        include_types: list(include),
        exclude_types: list(exclude),
    })
}

fn position(offset: Option<&str>, oldest: Option<&str>, latest: Option<&str>) -> StreamPosition {
    let time =
        |t: Option<&str>| t.map(|t| Nillable::Value(DateTime::parse_from_rfc3339(t).unwrap()));
    StreamPosition {
        latest_created_at: time(latest),
        oldest_created_at: time(oldest),
        activity_created_at: None,
        offset: offset.map(|o| Nillable::Value(o.to_owned())),
    }
}

#[test]
fn type_names_are_compared_without_spaces_or_case_and_deduplicated() {
    let names = vec![
        "visitwebpage".into(),
        "New Lead".into(),
        "Visit Webpage".into(),
    ];
    assert_eq!(change_type_ids(&types(), names, None).unwrap(), vec![1, 12]);
    let included = filter(&[ActivityType::FillOutForm], &[]);
    assert_eq!(
        change_type_ids(&types(), Vec::new(), included).unwrap(),
        vec![2]
    );
}

#[test]
fn no_filter_is_every_type_and_exclude_takes_some_away() {
    assert_eq!(
        change_type_ids(&types(), Vec::new(), None).unwrap(),
        vec![1, 2, 12]
    );
    let excluded = filter(&[], &[ActivityType::VisitWebpage]);
    assert_eq!(
        change_type_ids(&types(), Vec::new(), excluded).unwrap(),
        vec![2, 12]
    );
}

#[test]
fn type_filters_that_cannot_be_sent_are_faults() {
    let both = filter(&[ActivityType::FillOutForm], &[ActivityType::VisitWebpage]);
    let fault = change_type_ids(&types(), Vec::new(), both).unwrap_err();
    assert_eq!(fault.code, ErrorCode::BadParameterValue);
    let fault = change_type_ids(&types(), vec!["Sent Email".into()], None).unwrap_err();
    assert_eq!(fault.code, ErrorCode::ActivityKeyBad);
    assert!(
        fault.message.contains("\"Sent Email\""),
        "{}",
        fault.message
    );
    let many: Vec<(i64, String)> = (1..=11).map(|i| (i, format!("Type {i}"))).collect();
    let fault = change_type_ids(&many, Vec::new(), None).unwrap_err();
    assert_eq!(fault.code, ErrorCode::UnsupportedOperation);
    assert!(
        fault.message.starts_with("11 activity types"),
        "{}",
        fault.message
    );
}

#[test]
fn selectors_name_keys_lists_or_nothing() {
    assert_eq!(change_leads(&None).unwrap(), ChangeLeads::All);
    let keys = LeadSelector::LeadKeySelector(LeadKeySelector {
        key_type: LeadKeyRef::Email,
        key_values: ArrayOfString {
            string_item: vec!["a@example.com".into(), "b@example.com".into()],
        },
    });
    assert_eq!(
        change_leads(&Some(keys)).unwrap(),
        ChangeLeads::Keys(vec![
            LeadKey::new(LeadKeyRef::Email, "a@example.com".to_owned()),
            LeadKey::new(LeadKeyRef::Email, "b@example.com".to_owned()),
        ])
    );
    let keys = |n: usize| {
        Some(LeadSelector::LeadKeySelector(LeadKeySelector {
            key_type: LeadKeyRef::Idnum,
            key_values: ArrayOfString {
                string_item: (1..=n).map(|i| i.to_string()).collect(),
            },
        }))
    };
    assert!(matches!(change_leads(&keys(100)).unwrap(), ChangeLeads::Keys(k) if k.len() == 100));
    let fault = change_leads(&keys(101)).unwrap_err();
    assert_eq!(fault.code, ErrorCode::BadParameter);
    assert_eq!(
        fault.message,
        "a LeadKeySelector takes at most 100 lead keys, not 101"
    );
}

#[test]
fn the_start_is_the_offset_token_else_the_oldest_time() {
    assert_eq!(
        change_start(&position(Some("rest:ABC"), None, None)).unwrap(),
        ChangeStart::Token("ABC".into())
    );
    let oldest = "2024-01-02T03:04:05+00:00";
    assert_eq!(
        change_start(&position(Some(""), Some(oldest), None)).unwrap(),
        ChangeStart::Since(DateTime::parse_from_rfc3339(oldest).unwrap())
    );
    for bad in ["rest:", "ID:4"] {
        let fault = change_start(&position(Some(bad), None, None)).unwrap_err();
        assert_eq!(fault.code, ErrorCode::BadStreamPosition);
    }
    let fault = change_start(&position(None, None, None)).unwrap_err();
    assert_eq!(fault.code, ErrorCode::ParameterRequired);
}

#[test]
fn the_query_names_types_leads_batch_and_token_in_order() {
    let query = changes_query(
        &[1, 12],
        Some(("listId", "5".into())),
        Some(1000),
        "T".into(),
    );
    let expected = [
        ("activityTypeIds", "1,12"),
        ("listId", "5"),
        ("batchSize", "300"),
        ("nextPageToken", "T"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    assert_eq!(query, expected);
    let query = changes_query(&[1], None, Some(0), "T".into());
    assert_eq!(query[1], ("batchSize".to_owned(), "1".to_owned()));
}

#[test]
fn rows_after_latest_end_the_stream() {
    let row = |id: i64, date: &str| {
        json!({"id": id, "activityDate": date, "activityTypeId": 12, "leadId": 5,
               "primaryAttributeValue": "Form", "attributes": [{"name": "Source", "value": 3}]})
    };
    let answer = json!({"moreResult": true, "nextPageToken": "NEXT", "result": [
        row(1, "2024-01-01T00:00:00Z"), row(2, "2024-03-01T00:00:00Z")]});
    let start = position(None, None, Some("2024-02-01T00:00:00Z"));
    let latest = value(&start.latest_created_at);
    let (records, more, next) = chunk_rows(&answer, &types(), latest).unwrap();
    assert!(!more, "a row after latestCreatedAt ends the chunk");
    assert_eq!(next.as_deref(), Some("NEXT"));
    let result = soap_lead_changes(records, more, next, start).result;
    assert_eq!(result.return_count, 1);
    assert_eq!(result.remaining_count, 0);
    assert_eq!(
        result.new_start_position.offset,
        Some(Nillable::Value("rest:NEXT".into()))
    );
    let records = result
        .lead_change_record_list
        .unwrap()
        .value()
        .cloned()
        .unwrap();
    let record = &records.lead_change_record[0];
    assert_eq!((record.id, record.activity_type.as_str()), (1, "New Lead"));
    assert_eq!(record.mkt_person_id, "5");
    let attributes = record
        .activity_attributes
        .as_ref()
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(attributes.attribute[0].attr_value, "3");
}

#[test]
fn more_follows_rest_and_an_incomplete_row_is_a_fault() {
    let answer = json!({"moreResult": true, "nextPageToken": "N", "result": []});
    let (records, more, next) = chunk_rows(&answer, &types(), None).unwrap();
    assert_eq!((records.len(), more, next.as_deref()), (0, true, Some("N")));
    let answer = json!({"result": [{"id": 1}]});
    let fault = chunk_rows(&answer, &types(), None).unwrap_err();
    assert_eq!(fault.code, ErrorCode::ServiceInternalError);
    let (_, more, next) = chunk_rows(&json!({"result": []}), &types(), None).unwrap();
    assert_eq!((more, next), (false, None));
    let result = soap_lead_changes(Vec::new(), false, None, position(None, None, None));
    assert_eq!(result.result.new_start_position.offset, Some(Nillable::Nil));
    assert_eq!(result.result.remaining_count, 0);
}
