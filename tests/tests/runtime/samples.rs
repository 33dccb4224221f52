//! Every real sample of the API parses into the generated types; the seeds round-trip to
//! equivalent XML; the two truncated samples fail with a clear, positioned error.

use mktows::elements::AnyElement;
use mktows::operations::{GetLead, SyncLead, SyncMultipleLeads};
use mktows::types::{LeadKeyRef, LeadSyncStatus};
use mktows::xml::{self, AnyBody, DecodeErrorKind, Nillable, Reply};
use mktows_tests::{canonical, envelopes, read, sample_files};

/// Samples that are truncated at the source, and the envelope of them that is.
const TRUNCATED: &[(&str, &str)] = &[
    ("authentication-signature__2_response.xml", "document"),
    ("markety__get_lead_failure.xml", "request"),
];

#[test]
fn every_sample_parses_or_fails_clearly_where_truncated() {
    let files = sample_files();
    assert_eq!(files.len(), 20, "all copied samples are found");
    let mut parsed = 0;
    for path in &files {
        let name = path.file_name().unwrap().to_str().unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        for (label, envelope) in envelopes(&text) {
            let result = xml::decode_any::<AnyElement>(envelope.as_bytes());
            if TRUNCATED.contains(&(name, label)) {
                let err = result.expect_err(name);
                assert!(
                    matches!(
                        err.kind,
                        DecodeErrorKind::UnexpectedEof | DecodeErrorKind::Malformed(_)
                    ),
                    "{name}: {err}"
                );
                assert!(err.line > 1, "{name}: the error has a position: {err}");
            } else {
                let decoded = result.unwrap_or_else(|e| panic!("{name} {label}: {e}"));
                // Re-encoding what was decoded gives a document that decodes to the same value.
                let again = xml::encode_any(&decoded).unwrap();
                let redecoded = xml::decode_any::<AnyElement>(again.as_bytes()).unwrap();
                assert_eq!(decoded, redecoded, "{name} {label}");
                parsed += 1;
            }
        }
    }
    assert_eq!(parsed, 22, "every envelope but the two truncated ones");
}

#[test]
fn truncated_documentation_sample_names_the_end_of_input() {
    let text = read("marketo-docs/authentication-signature__2_response.xml");
    let err = xml::decode_any::<AnyElement>(text.as_bytes()).unwrap_err();
    assert_eq!(err.kind, DecodeErrorKind::UnexpectedEof, "{err}");
    assert_eq!(err.path, "Envelope", "{err}");
    assert_eq!(err.line, 52, "{err}");
}

#[test]
fn seeds_round_trip_to_equivalent_xml() {
    for seed in [
        "seeds/synclead_request.xml",
        "seeds/synclead_response.xml",
        "seeds/syncmultipleleads_request.xml",
        "seeds/syncmultipleleads_response.xml",
    ] {
        let original = read(seed);
        let decoded = xml::decode_any::<AnyElement>(original.as_bytes()).unwrap();
        let written = xml::encode_any(&decoded).unwrap();
        assert_eq!(
            canonical(&written),
            canonical(&original),
            "{seed}:\n{written}"
        );
    }
}

#[test]
fn seed_requests_decode_into_typed_values() {
    let request =
        xml::decode_request::<SyncLead>(read("seeds/synclead_request.xml").as_bytes()).unwrap();
    let auth = request.headers.authentication.as_ref().unwrap();
    assert_eq!(auth.mktows_user_id, "bigcorp1_461839624B16E06BA2D663");
    assert_eq!(auth.request_timestamp, "2013-07-31T12:38:47-07:00");
    assert!(request.headers.mktows_context.is_none());
    let lead = &request.body.lead_record;
    assert_eq!(lead.email, Some(Nillable::Value("t@t.com".into())));
    assert_eq!(lead.id, None, "absent stays absent");
    let attributes = &lead
        .lead_attribute_list
        .as_ref()
        .unwrap()
        .value()
        .unwrap()
        .attribute;
    assert_eq!(attributes[1].attr_name, "LastName");
    assert_eq!(attributes[1].attr_value, "of the Jungle");
    assert!(!request.body.return_lead);

    let batch = xml::decode_request::<SyncMultipleLeads>(
        read("seeds/syncmultipleleads_request.xml").as_bytes(),
    )
    .unwrap();
    assert_eq!(batch.body.lead_record_list.lead_record.len(), 2);
    assert_eq!(batch.body.dedup_enabled, Some(Nillable::Value(true)));
}

#[test]
fn seed_responses_decode_nil_and_status() {
    let Reply::Success(reply) =
        xml::decode_response::<SyncLead>(read("seeds/synclead_response.xml").as_bytes()).unwrap()
    else {
        panic!("not a fault");
    };
    let result = reply.body.result;
    assert_eq!(result.lead_id, 1089965);
    assert_eq!(result.sync_status.status, LeadSyncStatus::Updated);
    assert_eq!(
        result.sync_status.error,
        Some(Nillable::Nil),
        "present but nil"
    );
    assert_eq!(result.lead_record, Some(Nillable::Nil));
}

#[test]
fn captured_fault_keeps_code_message_and_detail() {
    let text = read("captured/markety__sync_lead_failure.xml");
    let (_, response) = envelopes(&text).pop().unwrap();
    let Reply::Fault(fault) = xml::decode_response::<SyncLead>(response.as_bytes()).unwrap() else {
        panic!("a fault");
    };
    assert_eq!(fault.code, "SOAP-ENV:Client");
    assert_eq!(fault.code_local(), "Client");
    assert_eq!(fault.string, "20105 - Unknown lead field");
    let exception = &fault.detail[0];
    assert_eq!(exception.name, "serviceException");
    assert_eq!(exception.namespace.as_deref(), Some(mktows::NAMESPACE));
    assert_eq!(exception.field("code"), Some("20105"));
    assert_eq!(
        exception.field("message"),
        Some("syncLead operation failed: unknown fields for import: pants (20105)")
    );
}

#[test]
fn captured_request_with_context_header_and_unknown_element() {
    // The captured request writes `foreignSysPersonId` (wrong case): an unknown element, skipped.
    let text = read("captured/markety__sync_lead_success.xml");
    let (_, request) = envelopes(&text).remove(0);
    let request = xml::decode_request::<SyncLead>(request.as_bytes()).unwrap();
    assert_eq!(
        request.headers.mktows_context.unwrap().target_workspace,
        "Futures Institute"
    );
    assert_eq!(request.body.lead_record.foreign_sys_person_id, None);
    assert_eq!(
        request.body.lead_record.email,
        Some(Nillable::Value("spiderman@example.com".into()))
    );
}

#[test]
fn get_lead_documentation_sample_reads_comments_and_attributes() {
    let Reply::Success(reply) =
        xml::decode_response::<GetLead>(read("marketo-docs/getlead__2_response.xml").as_bytes())
            .unwrap()
    else {
        panic!("not a fault");
    };
    let result = reply.body.result;
    assert_eq!(result.count, 1);
    let leads = result
        .lead_record_list
        .and_then(Nillable::into_value)
        .unwrap();
    let lead = &leads.lead_record[0];
    assert_eq!(lead.id, Some(Nillable::Value(1089965)));
    assert_eq!(lead.foreign_sys_person_id, Some(Nillable::Nil));
}

#[test]
fn polymorphic_lead_selector_is_read_by_xsi_type() {
    let text = read("marketo-docs/getmultipleleads__1_request.xml");
    let decoded = xml::decode_any::<AnyElement>(text.as_bytes()).unwrap();
    let AnyBody::Element(AnyElement::ParamsGetMultipleLeads(params)) = decoded.body else {
        panic!("paramsGetMultipleLeads");
    };
    let Some(mktows::types::LeadSelector::LeadKeySelector(selector)) = params.lead_selector else {
        panic!("a LeadKeySelector");
    };
    assert_eq!(selector.key_type, LeadKeyRef::Email);
    assert_eq!(
        selector.key_values.string_item,
        ["formtest1@marketo.com", "joe@marketo.com"]
    );
}

#[test]
fn faults_are_written_exactly_as_marketo_writes_them() {
    for (file, part) in [
        ("captured/markety__sync_lead_failure.xml", 1),
        ("captured/markety__get_lead_failure.xml", 1),
        ("marketo-docs/authentication-signature__3_response.xml", 0),
    ] {
        let text = read(file);
        let original = envelopes(&text).remove(part).1;
        let decoded = xml::decode_any::<AnyElement>(original.as_bytes()).unwrap();
        let AnyBody::Fault(fault) = &decoded.body else {
            panic!("{file}: a fault")
        };
        let written = xml::encode_fault(fault, mktows::NAMESPACES).unwrap();
        assert_eq!(
            canonical(&written),
            canonical(&original),
            "{file}:\n{written}"
        );
        // Same namespace declarations too: only SOAP-ENV on the Envelope, ns1 on serviceException.
        assert!(written.contains(
            "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\">"
        ));
        assert!(
            written.contains("<ns1:serviceException xmlns:ns1=\"http://www.marketo.com/mktows/\">")
        );
    }
}
