//! Property: whatever values an app builds, writing then reading gives them back, and the
//! written document is XML a strict parser accepts.

use mktows::operations::{SyncMultipleLeads, SyncMultipleLeadsHeaders};
use mktows::types::*;
use mktows::xml::{self, Nillable, Reply};
use proptest::prelude::*;

/// Text with markup characters, whitespace, non-ASCII and astral characters (all XML-legal).
fn text() -> impl Strategy<Value = String> {
    "[\\t\\n\\r a-zA-Z0-9<>&\"'é日\u{1F600}\u{FFFD}]{0,16}"
}

fn maybe<T: std::fmt::Debug + Clone + 'static>(
    value: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = Option<Nillable<T>>> {
    prop_oneof![
        Just(None),
        Just(Some(Nillable::Nil)),
        value.prop_map(|v| Some(Nillable::Value(v)))
    ]
}

fn attribute() -> impl Strategy<Value = Attribute> {
    (text(), maybe(text()), text()).prop_map(|(attr_name, attr_type, attr_value)| Attribute {
        attr_name,
        attr_type,
        attr_value,
    })
}

fn lead() -> impl Strategy<Value = LeadRecord> {
    let foreign = prop_oneof![
        Just(ForeignSysType::Custom),
        Just(ForeignSysType::Sfdc),
        Just(ForeignSysType::Netsuite),
        "[A-Z]{1,8}".prop_map(ForeignSysType::from),
    ];
    (
        maybe(any::<i32>()),
        maybe(text()),
        maybe(text()),
        maybe(foreign),
        maybe(
            prop::collection::vec(attribute(), 0..4)
                .prop_map(|attribute| ArrayOfAttribute { attribute }),
        ),
    )
        .prop_map(
            |(id, email, foreign_sys_person_id, foreign_sys_type, lead_attribute_list)| {
                LeadRecord {
                    id,
                    email,
                    foreign_sys_person_id,
                    foreign_sys_type,
                    lead_attribute_list,
                }
            },
        )
}

proptest! {
    #[test]
    fn sync_multiple_leads_request_round_trips(
        leads in prop::collection::vec(lead(), 0..8),
        dedup in maybe(any::<bool>()),
    ) {
        let body = ParamsSyncMultipleLeads {
            lead_record_list: ArrayOfLeadRecord { lead_record: leads },
            dedup_enabled: dedup,
        };
        let xml = xml::encode_request::<SyncMultipleLeads>(&SyncMultipleLeadsHeaders::default(), &body).unwrap();
        prop_assert!(roxmltree::Document::parse(&xml).is_ok());
        let back = xml::decode_request::<SyncMultipleLeads>(xml.as_bytes()).unwrap();
        prop_assert_eq!(back.body, body);
    }

    #[test]
    fn sync_status_response_round_trips(
        statuses in prop::collection::vec((any::<i32>(), "[A-Z]{1,10}", maybe(text())), 0..8),
    ) {
        let body = SuccessSyncMultipleLeads {
            result: ResultSyncMultipleLeads {
                sync_status_list: ArrayOfSyncStatus {
                    sync_status: statuses
                        .into_iter()
                        .map(|(lead_id, status, error)| SyncStatus { lead_id, status: LeadSyncStatus::from(status), error })
                        .collect(),
                },
            },
        };
        let xml = xml::encode_response::<SyncMultipleLeads>(&Default::default(), &body).unwrap();
        let Reply::Success(back) = xml::decode_response::<SyncMultipleLeads>(xml.as_bytes()).unwrap() else {
            panic!("success expected");
        };
        prop_assert_eq!(back.body, body);
    }

    #[test]
    fn control_characters_never_produce_broken_xml(s in "[\\x00-\\x1f]{1,4}") {
        let record = LeadRecord { email: Some(Nillable::Value(s.clone())), ..LeadRecord::default() };
        let body = ParamsSyncMultipleLeads {
            lead_record_list: ArrayOfLeadRecord { lead_record: vec![record] },
            dedup_enabled: None,
        };
        match xml::encode_request::<SyncMultipleLeads>(&Default::default(), &body) {
            Ok(xml) => {
                // Only tab, newline and carriage return are legal; they must survive.
                prop_assert!(s.chars().all(|c| matches!(c, '\t' | '\n' | '\r')));
                let back = xml::decode_request::<SyncMultipleLeads>(xml.as_bytes()).unwrap();
                prop_assert_eq!(back.body, body);
            }
            Err(e) => {
                prop_assert!(s.chars().any(|c| !matches!(c, '\t' | '\n' | '\r')));
                prop_assert_eq!(e.element, "Email");
            }
        }
    }
}
