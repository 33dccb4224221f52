//! Bad input gets a typed error naming what and where; lenient where the schema evolves
//! (unknown elements skipped, unknown enum values kept).

use mktows::elements::AnyElement;
use mktows::operations::{GetLead, SyncLead, SyncMultipleLeads};
use mktows::types::LeadSyncStatus;
use mktows::xml::{self, DecodeError, DecodeErrorKind, Nillable, Reply};

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ns1="http://www.marketo.com/mktows/"><SOAP-ENV:Body>"#;
const TAIL: &str = "</SOAP-ENV:Body></SOAP-ENV:Envelope>";

fn sync_lead_response(status: &str) -> String {
    format!(
        "{HEAD}<ns1:successSyncLead><result><leadId>1</leadId><syncStatus><leadId>1</leadId>{status}</syncStatus></result></ns1:successSyncLead>{TAIL}"
    )
}

fn decode(xml: &str) -> Result<mktows::types::SuccessSyncLead, DecodeError> {
    match xml::decode_response::<SyncLead>(xml.as_bytes())? {
        Reply::Success(e) => Ok(e.body),
        Reply::Fault(f) => panic!("unexpected fault {f:?}"),
    }
}

#[test]
fn missing_required_element_names_the_parent_path() {
    let err = decode(&sync_lead_response("")).unwrap_err();
    assert_eq!(err.path, "Envelope/Body/successSyncLead/result/syncStatus");
    assert_eq!(err.kind, DecodeErrorKind::Missing("status".into()));
    assert_eq!(
        err.to_string(),
        format!(
            "Envelope/Body/successSyncLead/result/syncStatus: missing required element <status> (line 2, column {})",
            err.column
        )
    );
}

#[test]
fn bad_value_names_the_element_and_type() {
    let xml = sync_lead_response("<status>UPDATED</status>").replace(
        "<leadId>1</leadId><syncStatus>",
        "<leadId>12x</leadId><syncStatus>",
    );
    let err = decode(&xml).unwrap_err();
    assert_eq!(err.path, "Envelope/Body/successSyncLead/result/leadId");
    assert_eq!(
        err.kind,
        DecodeErrorKind::InvalidValue {
            expected: "xs:int",
            value: "12x".into()
        }
    );
    let huge = sync_lead_response("<status>UPDATED</status>").replacen(
        "<leadId>1</leadId>",
        "<leadId>99999999999</leadId>",
        1,
    );
    assert!(matches!(
        decode(&huge).unwrap_err().kind,
        DecodeErrorKind::InvalidValue {
            expected: "xs:int",
            ..
        }
    ));
}

#[test]
fn unknown_enum_values_are_kept() {
    let body = decode(&sync_lead_response("<status>MERGED</status>")).unwrap();
    assert_eq!(
        body.result.sync_status.status,
        LeadSyncStatus::Unknown("MERGED".into())
    );
}

#[test]
fn unknown_elements_are_skipped_wherever_they_are() {
    let xml = sync_lead_response(
        "<newField><deep><deeper/></deep></newField><status>CREATED</status><x:ext xmlns:x=\"urn:x\">1</x:ext>",
    );
    assert_eq!(
        decode(&xml).unwrap().result.sync_status.status,
        LeadSyncStatus::Created
    );
}

#[test]
fn nil_on_a_non_nillable_element_is_refused() {
    let err = decode(&sync_lead_response("<status xsi:nil=\"true\"/>")).unwrap_err();
    assert_eq!(err.kind, DecodeErrorKind::NilNotAllowed);
    assert_eq!(
        err.path,
        "Envelope/Body/successSyncLead/result/syncStatus/status"
    );
}

#[test]
fn nil_accepts_both_lexical_forms() {
    let body = decode(&sync_lead_response(
        "<status>FAILED</status><error xsi:nil=\"1\"/>",
    ))
    .unwrap();
    assert_eq!(body.result.sync_status.error, Some(Nillable::Nil));
}

#[test]
fn duplicated_elements_are_refused() {
    let err = decode(&sync_lead_response(
        "<status>CREATED</status><status>UPDATED</status>",
    ))
    .unwrap_err();
    assert_eq!(err.kind, DecodeErrorKind::Duplicate("status".into()));
}

#[test]
fn any_prefix_comments_cdata_and_entities() {
    let xml = r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><!-- c --><e:Body>
      <m:successSyncLead xmlns:m="http://www.marketo.com/mktows/" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
        <result><leadId> 7 </leadId><syncStatus><leadId>7</leadId><status>CRE<!-- split -->ATED</status>
        <error><![CDATA[a <b> & c]]> &amp; &#65;&#x42; &lt;&gt;&quot;&apos;</error></syncStatus>
        <leadRecord i:nil="true"/></result></m:successSyncLead></e:Body></e:Envelope>"#;
    let body = decode(xml).unwrap();
    assert_eq!(body.result.lead_id, 7);
    assert_eq!(body.result.sync_status.status, LeadSyncStatus::Created);
    assert_eq!(
        body.result.sync_status.error,
        Some(Nillable::Value("a <b> & c & AB <>\"'".into()))
    );
    assert_eq!(body.result.lead_record, Some(Nillable::Nil));
}

#[test]
fn a_response_of_another_operation_is_named() {
    let err = match xml::decode_response::<GetLead>(
        sync_lead_response("<status>UPDATED</status>").as_bytes(),
    ) {
        Err(e) => e,
        Ok(_) => panic!("a syncLead response is not a getLead response"),
    };
    assert_eq!(
        err.kind,
        DecodeErrorKind::WrongElement {
            expected: "{http://www.marketo.com/mktows/}successGetLead".into(),
            found: "successSyncLead".into()
        }
    );
}

#[test]
fn wrong_namespace_on_the_body_element() {
    let xml = sync_lead_response("<status>UPDATED</status>")
        .replace(
            "<ns1:successSyncLead>",
            "<successSyncLead xmlns=\"http://www.marketo.com/mktows/v2\">",
        )
        .replace("</ns1:successSyncLead>", "</successSyncLead>");
    assert!(matches!(
        decode(&xml).unwrap_err().kind,
        DecodeErrorKind::WrongElement { .. }
    ));
}

#[test]
fn dtds_are_refused_and_entities_never_expanded() {
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>&lol2;</SOAP-ENV:Body></SOAP-ENV:Envelope>"#;
    assert_eq!(decode(bomb).unwrap_err().kind, DecodeErrorKind::Dtd);
    let undeclared = sync_lead_response("<status>&xxe;</status>");
    assert!(matches!(
        decode(&undeclared).unwrap_err().kind,
        DecodeErrorKind::Malformed(_)
    ));
}

#[test]
fn html_instead_of_xml() {
    let page = "<html><head><title>502 Bad Gateway</title></head><body><hr><center>nginx</center></body></html>";
    let err = decode(page).unwrap_err();
    assert!(
        matches!(
            err.kind,
            DecodeErrorKind::WrongElement { .. } | DecodeErrorKind::Malformed(_)
        ),
        "{err}"
    );
    let err = decode("Service Unavailable").unwrap_err();
    assert!(
        matches!(
            err.kind,
            DecodeErrorKind::UnexpectedText | DecodeErrorKind::UnexpectedEof
        ),
        "{err}"
    );
}

#[test]
fn invalid_utf8_is_malformed() {
    let mut bytes = sync_lead_response("<status>UPDATED</status><error>x</error>").into_bytes();
    let at = bytes.windows(3).position(|w| w == b">x<").unwrap() + 1;
    bytes[at] = 0xFF;
    let err = match xml::decode_response::<SyncLead>(&bytes) {
        Err(e) => e,
        Ok(_) => panic!("invalid UTF-8 accepted"),
    };
    assert!(matches!(err.kind, DecodeErrorKind::Malformed(_)), "{err}");
}

#[test]
fn deep_nesting_is_bounded_without_stack_overflow() {
    // 10,000 levels, in an unknown element or in a known one: refused at MAX_DEPTH, no recursion.
    let deep = format!("{}{}", "<x>".repeat(10_000), "</x>".repeat(10_000));
    let err = decode(&sync_lead_response(&format!(
        "{deep}<status>UPDATED</status>"
    )))
    .unwrap_err();
    assert_eq!(err.kind, DecodeErrorKind::TooDeep);
    let nested = format!("{HEAD}{}{TAIL}", "<ns1:successSyncLead>".repeat(10_000));
    assert_eq!(decode(&nested).unwrap_err().kind, DecodeErrorKind::TooDeep);
    // A reasonable depth of unknown content is skipped.
    let ok = format!("{}{}", "<x>".repeat(100), "</x>".repeat(100));
    let body = decode(&sync_lead_response(&format!(
        "{ok}<status>UPDATED</status>"
    )))
    .unwrap();
    assert_eq!(body.result.sync_status.status, LeadSyncStatus::Updated);
}

#[test]
fn dates_need_an_offset() {
    let xml = format!(
        "{HEAD}<ns1:paramsGetMultipleLeads><lastUpdatedAt>2013-08-01T18:22:30</lastUpdatedAt></ns1:paramsGetMultipleLeads>{TAIL}"
    );
    let err = xml::decode_any::<AnyElement>(xml.as_bytes()).unwrap_err();
    assert_eq!(
        err.path,
        "Envelope/Body/paramsGetMultipleLeads/lastUpdatedAt"
    );
    assert!(matches!(
        err.kind,
        DecodeErrorKind::InvalidValue {
            expected: "xs:dateTime (with a UTC offset)",
            ..
        }
    ));
}

#[test]
fn soap_12_and_malformed_envelopes() {
    let soap12 = r#"<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body/></env:Envelope>"#;
    assert!(matches!(
        decode(soap12).unwrap_err().kind,
        DecodeErrorKind::Envelope(_)
    ));
    let no_body = r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"></SOAP-ENV:Envelope>"#;
    assert!(matches!(
        decode(no_body).unwrap_err().kind,
        DecodeErrorKind::Envelope(_)
    ));
    let two = sync_lead_response("<status>UPDATED</status>")
        .replace(TAIL, &format!("<ns1:successSyncLead/>{TAIL}"));
    assert!(matches!(
        decode(&two).unwrap_err().kind,
        DecodeErrorKind::Envelope(_)
    ));
    let trailing = format!("{}<extra/>", sync_lead_response("<status>UPDATED</status>"));
    assert!(matches!(
        decode(&trailing).unwrap_err().kind,
        DecodeErrorKind::Malformed(_)
    ));
}

#[test]
fn a_request_is_not_a_response() {
    let request = std::fs::read_to_string(
        mktows_tests::data_dir().join("seeds/syncmultipleleads_request.xml"),
    )
    .unwrap();
    assert!(xml::decode_response::<SyncMultipleLeads>(request.as_bytes()).is_err());
    assert!(xml::decode_request::<SyncMultipleLeads>(request.as_bytes()).is_ok());
}

#[test]
fn default_namespaces_are_resolved_and_undeclared() {
    // The body element in the default namespace; its children back in no namespace.
    let xml = r#"<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body>
        <successSyncLead xmlns="http://www.marketo.com/mktows/"><result xmlns=""><leadId>3</leadId>
        <syncStatus><leadId>3</leadId><status>CREATED</status></syncStatus></result></successSyncLead>
        </Body></Envelope>"#;
    assert_eq!(decode(xml).unwrap().result.lead_id, 3);
    // Children left in the default (Marketo) namespace, as JAX-WS and some other stacks write
    // the schema's unqualified local elements, are read as those elements, as Marketo did.
    let qualified = xml.replace(r#"<result xmlns="">"#, "<result>");
    assert_eq!(decode(&qualified).unwrap().result.lead_id, 3);
    // An element of another namespace is not: the required one is reported missing.
    let foreign = xml.replace(r#"<result xmlns="">"#, r#"<result xmlns="urn:other">"#);
    assert_eq!(
        decode(&foreign).unwrap_err().kind,
        DecodeErrorKind::Missing("result".into())
    );
}

#[test]
fn unknown_elements_are_refused_strictly_and_reported_leniently() {
    use mktows::operations::SyncLead;
    let request = r#"<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="http://www.marketo.com/mktows/"><SOAP-ENV:Header><wsa:Action xmlns:wsa="http://www.w3.org/2005/08/addressing">x</wsa:Action></SOAP-ENV:Header><SOAP-ENV:Body><ns1:paramsSyncLead><leadRecord><Email>a@b.c</Email><foreignSysPersonId>7</foreignSysPersonId></leadRecord><returnLead>false</returnLead><extra/></ns1:paramsSyncLead></SOAP-ENV:Body></SOAP-ENV:Envelope>"#;
    // Strict (a server): the first unknown element is an error with its path.
    let err = xml::decode_request_checked::<SyncLead>(request.as_bytes(), true).unwrap_err();
    assert_eq!(
        err.kind,
        DecodeErrorKind::UnknownElement("foreignSysPersonId".into())
    );
    assert_eq!(err.path, "Envelope/Body/paramsSyncLead/leadRecord");
    assert!(
        err.to_string()
            .starts_with("Envelope/Body/paramsSyncLead/leadRecord: element <foreignSysPersonId> is not expected here"),
        "{err}"
    );
    // Lenient (a client reading a newer version): read, and every skip reported with its path
    // (headers outside the binding included).
    let (envelope, skipped) =
        xml::decode_request_checked::<SyncLead>(request.as_bytes(), false).unwrap();
    assert_eq!(
        envelope.body.lead_record.email,
        Some(Nillable::Value("a@b.c".into()))
    );
    assert_eq!(
        skipped.paths,
        [
            "Envelope/Header/Action",
            "Envelope/Body/paramsSyncLead/leadRecord/foreignSysPersonId",
            "Envelope/Body/paramsSyncLead/extra"
        ]
    );
    assert_eq!(skipped.count, 3);
}

#[test]
fn control_characters_in_text_are_malformed() {
    // Found by the parse_fault fuzzer: a raw NUL in faultstring was accepted and could not be
    // written back.
    for text in ["a\u{0}b", "\u{1}", "x\u{FFFE}", "<![CDATA[\u{8}]]>"] {
        let err = decode(&sync_lead_response(&format!(
            "<status>UPDATED</status><error>{text}</error>"
        )))
        .unwrap_err();
        assert!(
            matches!(&err.kind, DecodeErrorKind::Malformed(m) if m.contains("not allowed in XML")),
            "{text:?}: {err}"
        );
    }
    // Tab, newline, carriage return and the rest of Unicode are fine.
    let ok = decode(&sync_lead_response(
        "<status>UPDATED</status><error>\ta\nb\u{E000}\u{FFFD}</error>",
    ))
    .unwrap();
    assert_eq!(
        ok.result.sync_status.error,
        Some(Nillable::Value("\ta\nb\u{E000}\u{FFFD}".into()))
    );
}

/// A `syncLead` response whose `leadId` element carries `attributes` extra attributes named
/// `a0`, `a1`, ... (and `a0` again at the end when `duplicate`).
fn with_attributes(attributes: usize, duplicate: bool) -> String {
    let mut attrs: String = (0..attributes).map(|i| format!(" a{i}=\"v\"")).collect();
    if duplicate {
        attrs.push_str(" a0=\"again\"");
    }
    format!(
        "{HEAD}<ns1:successSyncLead><result><leadId{attrs}>1</leadId><syncStatus><leadId>1</leadId><status>CREATED</status></syncStatus></result></ns1:successSyncLead>{TAIL}"
    )
}

#[test]
fn attributes_are_checked_for_duplicates_and_bounded() {
    // Few and many attributes: unknown ones are ignored, duplicates refused either way.
    for count in [3, 9, 500, xml::MAX_ATTRIBUTES] {
        assert!(decode(&with_attributes(count, false)).is_ok(), "{count}");
        if count < xml::MAX_ATTRIBUTES {
            let err = decode(&with_attributes(count, true)).unwrap_err();
            assert_eq!(
                err.kind,
                DecodeErrorKind::Malformed("duplicate attribute".into()),
                "{count}"
            );
        }
    }
    // One more than the bound is refused, however many follow (100,000 here).
    for count in [xml::MAX_ATTRIBUTES + 1, 100_000] {
        let err = decode(&with_attributes(count, false)).unwrap_err();
        assert_eq!(
            err.kind,
            DecodeErrorKind::Malformed(format!(
                "more than {} attributes on one element",
                xml::MAX_ATTRIBUTES
            ))
        );
    }
}

#[test]
fn namespace_declarations_in_scope_are_bounded() {
    // 300 nested elements each declaring 4 prefixes: 1,200 in scope at the innermost.
    let mut xml = String::from(HEAD);
    xml.push_str("<ns1:successSyncLead><result>");
    for depth in 0..250 {
        let decls: String = (0..5)
            .map(|i| format!(" xmlns:p{depth}x{i}=\"urn:x\""))
            .collect();
        xml.push_str(&format!("<skip{decls}>"));
    }
    let err = decode(&xml).unwrap_err();
    assert_eq!(
        err.kind,
        DecodeErrorKind::Malformed(format!(
            "more than {} namespace declarations in scope",
            xml::MAX_BINDINGS
        ))
    );
}
