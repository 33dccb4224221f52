//! Bindings generated from `data/wsdl/constructs.wsdl` (XML Schema constructs real services use
//! beyond Marketo's) compile against the runtime and round-trip: what they read they write back.

use std::collections::BTreeMap;

use mktows::xml::{self, AnyValue, Nillable, RawXml};
use mktows_tests::constructs::operations::Exchange;
use mktows_tests::constructs::types::*;

/// A request as another SOAP stack might write it: prefixes declared on the envelope and used
/// inside the open content.
const FOREIGN: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:constructs" xmlns:f="urn:foreign" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
<soap:Body><c:request><c:open><c:id>7</c:id><f:extra  a = 'x&amp;y' >text <![CDATA[<kept>]]><f:deep/></f:extra><other xmlns="urn:other">  spaced  </other><c:note>n</c:note></c:open><c:value xsi:type="xsd:string">a &lt; b</c:value><c:anything><f:tree><f:leaf/></f:tree></c:anything></c:request></soap:Body>
</soap:Envelope>"#;

#[test]
fn open_content_is_kept_as_written() {
    let read = xml::decode_request::<Exchange>(FOREIGN.as_bytes())
        .unwrap()
        .body;
    assert_eq!(read.open.id, 7);
    assert_eq!(read.open.note.as_deref(), Some("n"));
    assert_eq!(
        read.open.any,
        vec![
            RawXml {
                xml: "<f:extra  a = 'x&amp;y' >text <![CDATA[<kept>]]><f:deep/></f:extra>".into(),
                namespaces: vec![("f".into(), "urn:foreign".into())],
            },
            RawXml::new("<other xmlns=\"urn:other\">  spaced  </other>"),
        ]
    );
    let Nillable::Value(value) = &read.value else {
        panic!("value is not nil");
    };
    assert_eq!(value.attributes, " xsi:type=\"xsd:string\"");
    assert_eq!(value.content, "a &lt; b");
    assert_eq!(
        value.namespaces,
        [
            ("xsi".to_owned(), xml::XSI.to_owned()),
            ("xsd".into(), "http://www.w3.org/2001/XMLSchema".into())
        ]
    );
    assert_eq!(
        read.anything.as_ref().unwrap().content,
        "<f:tree><f:leaf/></f:tree>"
    );

    // Written back: the kept bytes verbatim, the declarations they use added, and read again
    // to the same content.
    let written = xml::encode_request::<Exchange>(&Default::default(), &read).unwrap();
    for fragment in [
        "<f:extra xmlns:f=\"urn:foreign\"  a = 'x&amp;y' >text <![CDATA[<kept>]]><f:deep/></f:extra>",
        "<other xmlns=\"urn:other\">  spaced  </other>",
        "<ns1:note>n</ns1:note>",
        "xsi:type=\"xsd:string\">a &lt; b</ns1:value>",
        "<f:tree><f:leaf/></f:tree></ns1:anything>",
    ] {
        assert!(written.contains(fragment), "{fragment} in {written}");
    }
    let again = xml::decode_request::<Exchange>(written.as_bytes())
        .unwrap()
        .body;
    assert_eq!(again.open.any[0].xml, written_extra(&written));
    assert_eq!(again.open.any[1], read.open.any[1]);
    let Nillable::Value(again_value) = &again.value else {
        panic!("value is not nil");
    };
    assert_eq!(again_value.content, value.content);
    assert_eq!(
        again.anything.unwrap().content,
        "<f:tree><f:leaf/></f:tree>"
    );
}

/// The `f:extra` element as written (its declaration now on itself).
fn written_extra(written: &str) -> String {
    let start = written.find("<f:extra").unwrap();
    let end = written.find("</f:extra>").unwrap() + "</f:extra>".len();
    written[start..end].to_owned()
}

#[test]
fn values_built_by_hand_write_as_given() {
    let holder = Holder {
        open: Open {
            id: 1,
            any: vec![RawXml::new("<x:y xmlns:x=\"urn:x\">1</x:y>")],
            note: None,
        },
        value: Nillable::Nil,
        anything: Some(AnyValue::text("1 < 2")),
        derived: None,
        narrowed: None,
        plain: None,
        tagged: None,
        contact: Vec::new(),
        paths: None,
        ledger: None,
        booking: None,
        schedule: None,
        note: None,
        price: None,
        small: Vec::new(),
        shape: Vec::new(),
        settings: None,
        refund: None,
        caption: None,
        extended: None,
    };
    let written = xml::encode_request::<Exchange>(&Default::default(), &holder).unwrap();
    assert!(written.contains(
        "<ns1:open><ns1:id>1</ns1:id><x:y xmlns:x=\"urn:x\">1</x:y></ns1:open><ns1:value xsi:nil=\"true\"/><ns1:anything>1 &lt; 2</ns1:anything>"
    ), "{written}");
    let read = xml::decode_request::<Exchange>(written.as_bytes())
        .unwrap()
        .body;
    assert_eq!(read, holder);
    let json = serde_json::to_string(&holder).unwrap();
    assert_eq!(serde_json::from_str::<Holder>(&json).unwrap(), holder);
}

#[test]
fn derived_types_carry_their_bases_fields() {
    let mut holder = Holder::new(Open::new(1), Nillable::Nil);
    holder.derived = Some(Derived {
        code: "c".into(),
        extra: Some(2),
    });
    holder.narrowed = Some(Narrowed { code: "n".into() });
    holder.plain = Some(Plain { flag: true });
    let written = xml::encode_request::<Exchange>(&Default::default(), &holder).unwrap();
    assert!(
        written.contains(
            "<ns1:derived><ns1:code>c</ns1:code><ns1:extra>2</ns1:extra></ns1:derived>\
             <ns1:narrowed><ns1:code>n</ns1:code></ns1:narrowed><ns1:plain><ns1:flag>true</ns1:flag></ns1:plain>"
        ),
        "{written}"
    );
    let read = xml::decode_request::<Exchange>(written.as_bytes())
        .unwrap()
        .body;
    assert_eq!(read, holder);
    let _ = Base { code: "b".into() };
}

#[test]
fn attributes_are_written_in_the_start_tag_and_read_back() {
    let mut holder = Holder::new(Open::new(1), Nillable::Nil);
    holder.tagged = Some(MoreTagged {
        label: "text".into(),
        id: 5,
        level: Some(Level::High),
        label_2: Some("a \"quoted\" <label>".into()),
        xml_lang: Some("en".into()),
        audited: true,
        any_attribute: Default::default(),
        since: Some("2024-02-29".into()),
    });
    let written = xml::encode_request::<Exchange>(&Default::default(), &holder).unwrap();
    assert!(
        written.contains(
            "<ns1:tagged id=\"5\" ns1:level=\"high\" label=\"a &quot;quoted&quot; &lt;label&gt;\" xml:lang=\"en\" ns1:audited=\"true\" since=\"2024-02-29\"><ns1:label>text</ns1:label></ns1:tagged>"
        ),
        "{written}"
    );
    let read = xml::decode_request::<Exchange>(written.as_bytes())
        .unwrap()
        .body;
    assert_eq!(read, holder);
    // A required attribute missing, and a bad value, are errors naming it.
    let missing = written.replace(" id=\"5\"", "");
    let err = xml::decode_request::<Exchange>(missing.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("id"), "{err}");
    let bad = written.replace(" id=\"5\"", " id=\"five\"");
    let err = xml::decode_request::<Exchange>(bad.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("five"), "{err}");
    let json = serde_json::to_string(&holder).unwrap();
    assert!(json.contains("\"@id\":5"), "{json}");
    assert_eq!(serde_json::from_str::<Holder>(&json).unwrap(), holder);
}

/// A `Payment` with every kind of alternative: a repeated element, a sequence, a nillable one,
/// and a repeated choice whose items interleave.
fn payment() -> Payment {
    let mut payment = Payment::new(
        10,
        PaymentCardOrVoucherOrIbanAndBic::IbanAndBic(PaymentIbanAndBic {
            iban: "DE00".into(),
            bic: Some("BIC".into()),
        }),
        vec![
            PaymentTagOrFlag::Tag("a".into()),
            PaymentTagOrFlag::Flag(true),
            PaymentTagOrFlag::Tag("b".into()),
        ],
    );
    payment.email_or_phone = Some(PaymentEmailOrPhone::Phone(Nillable::Nil));
    payment.memo = Some("m".into());
    payment
}

#[test]
fn choices_write_the_chosen_alternative_and_read_it_back() {
    let mut holder = Holder::new(Open::new(1), Nillable::Nil);
    let mut vouchers = payment();
    vouchers.card_or_voucher_or_iban_and_bic =
        PaymentCardOrVoucherOrIbanAndBic::Voucher(vec!["v1".into(), "v2".into()]);
    vouchers.email_or_phone = None;
    holder.contact = vec![
        Contact::new(ContactEmailOrPayment::Email("e@x".into())),
        Contact::new(ContactEmailOrPayment::Payment(payment())),
        Contact::new(ContactEmailOrPayment::Payment(vouchers)),
    ];
    holder.paths = Some(Paths {
        path: vec!["/a".into(), "/b".into()],
    });
    let written = xml::encode_request::<Exchange>(&Default::default(), &holder).unwrap();
    for fragment in [
        "<ns1:contact><ns1:email>e@x</ns1:email></ns1:contact>",
        "<ns1:contact><ns1:payment><ns1:amount>10</ns1:amount><ns1:iban>DE00</ns1:iban><ns1:bic>BIC</ns1:bic>\
         <ns1:phone xsi:nil=\"true\"/><ns1:tag>a</ns1:tag><ns1:flag>true</ns1:flag><ns1:tag>b</ns1:tag>\
         <ns1:memo>m</ns1:memo></ns1:payment></ns1:contact>",
        "<ns1:voucher>v1</ns1:voucher><ns1:voucher>v2</ns1:voucher><ns1:tag>a</ns1:tag>",
        "<ns1:paths><ns1:path>/a</ns1:path><ns1:path>/b</ns1:path></ns1:paths>",
    ] {
        assert!(written.contains(fragment), "{fragment} in {written}");
    }
    let read = xml::decode_request::<Exchange>(written.as_bytes())
        .unwrap()
        .body;
    assert_eq!(read, holder);
    let json = serde_json::to_string(&holder).unwrap();
    assert!(
        json.contains(r#"{"emailOrPayment":{"email":"e@x"}}"#),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<Holder>(&json).unwrap(), holder);
}

/// `Holder` around one `payment` whose content is `inner`.
fn with_payment(inner: &str) -> String {
    format!(
        r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:constructs"><soap:Body><c:request><c:open><c:id>1</c:id></c:open><c:value/><c:contact><c:payment>{inner}</c:payment></c:contact></c:request></soap:Body></soap:Envelope>"#
    )
}

fn read_payment(inner: &str) -> Result<Payment, xml::DecodeError> {
    let holder = xml::decode_request::<Exchange>(with_payment(inner).as_bytes())?.body;
    match holder
        .contact
        .into_iter()
        .next()
        .map(|c| c.email_or_payment)
    {
        Some(ContactEmailOrPayment::Payment(p)) => Ok(p),
        other => panic!("not a payment: {other:?}"),
    }
}

#[test]
fn choices_are_read_from_other_writers() {
    // An alternative chosen by its first element; the sequence alternative without its
    // optional element; a repeated choice of one item; elements after the choice.
    let p = read_payment(
        "<c:amount>1</c:amount><c:iban>X</c:iban><c:email>e</c:email><c:flag>false</c:flag><c:memo>m</c:memo>",
    )
    .unwrap();
    assert_eq!(
        p.card_or_voucher_or_iban_and_bic,
        PaymentCardOrVoucherOrIbanAndBic::IbanAndBic(PaymentIbanAndBic::new("X"))
    );
    assert_eq!(
        p.email_or_phone,
        Some(PaymentEmailOrPhone::Email("e".into()))
    );
    assert_eq!(p.tag_or_flag, [PaymentTagOrFlag::Flag(false)]);
    assert_eq!(p.memo.as_deref(), Some("m"));
    let p = read_payment("<c:amount>1</c:amount><c:card>c</c:card><c:tag>t</c:tag>").unwrap();
    assert_eq!(
        p.card_or_voucher_or_iban_and_bic,
        PaymentCardOrVoucherOrIbanAndBic::Card("c".into())
    );
    assert_eq!(p.email_or_phone, None);
}

#[test]
fn choices_that_do_not_fit_are_errors_naming_them() {
    // No alternative of a required choice.
    let err = read_payment("<c:amount>1</c:amount><c:tag>t</c:tag>").unwrap_err();
    assert!(
        err.to_string().contains("cardOrVoucherOrIbanAndBic"),
        "{err}"
    );
    // Two alternatives of a choice that occurs once.
    let err = read_payment(
        "<c:amount>1</c:amount><c:card>c</c:card><c:voucher>v</c:voucher><c:tag>t</c:tag>",
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("cardOrVoucherOrIbanAndBic"),
        "{err}"
    );
    // More repetitions than the alternative allows.
    let err = read_payment(
        "<c:amount>1</c:amount><c:voucher>1</c:voucher><c:voucher>2</c:voucher><c:voucher>3</c:voucher><c:voucher>4</c:voucher><c:tag>t</c:tag>",
    )
    .unwrap_err();
    assert!(err.to_string().contains("voucher"), "{err}");
    // A required member of the sequence alternative missing.
    let err = read_payment("<c:amount>1</c:amount><c:bic>b</c:bic><c:tag>t</c:tag>").unwrap_err();
    assert!(err.to_string().contains("iban"), "{err}");
    // A repeated choice that must occur at least once.
    let err = read_payment("<c:amount>1</c:amount><c:card>c</c:card>").unwrap_err();
    assert!(err.to_string().contains("tagOrFlag"), "{err}");
}

fn ledger() -> Ledger {
    let mut ledger = Ledger::new(
        "o",
        vec![
            LedgerCodeAndDebitOrCredit::new("c1", LedgerDebitOrCredit::Debit(5)),
            LedgerCodeAndDebitOrCredit::new("c2", LedgerDebitOrCredit::Credit(6)),
        ],
    );
    ledger.date_and_amount_and_note = vec![
        LedgerDateAndAmountAndNote {
            date: "2024-01-01".into(),
            amount: vec![1, 2],
            note: Some("n".into()),
        },
        LedgerDateAndAmountAndNote {
            date: "2024-01-02".into(),
            amount: vec![3],
            note: None,
        },
    ];
    ledger.total = Some(6);
    ledger
}

#[test]
fn repeated_sequences_write_each_repetition_in_order_and_read_it_back() {
    let mut holder = Holder::new(Open::new(1), Nillable::Nil);
    holder.ledger = Some(ledger());
    let written = xml::encode_request::<Exchange>(&Default::default(), &holder).unwrap();
    assert!(
        written.contains(
            "<ns1:ledger><ns1:owner>o</ns1:owner>\
             <ns1:date>2024-01-01</ns1:date><ns1:amount>1</ns1:amount><ns1:amount>2</ns1:amount><ns1:note>n</ns1:note>\
             <ns1:date>2024-01-02</ns1:date><ns1:amount>3</ns1:amount>\
             <ns1:code>c1</ns1:code><ns1:debit>5</ns1:debit><ns1:code>c2</ns1:code><ns1:credit>6</ns1:credit>\
             <ns1:total>6</ns1:total></ns1:ledger>"
        ),
        "{written}"
    );
    let read = xml::decode_request::<Exchange>(written.as_bytes())
        .unwrap()
        .body;
    assert_eq!(read, holder);
    let json = serde_json::to_string(&holder).unwrap();
    assert!(
        json.contains(r#""codeAndDebitOrCredit":[{"code":"c1","debitOrCredit":{"debit":5}}"#),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<Holder>(&json).unwrap(), holder);
}

fn read_ledger(inner: &str) -> Result<Ledger, xml::DecodeError> {
    let envelope = format!(
        r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:constructs"><soap:Body><c:request><c:open><c:id>1</c:id></c:open><c:value/><c:ledger><c:owner>o</c:owner>{inner}</c:ledger></c:request></soap:Body></soap:Envelope>"#
    );
    let holder = xml::decode_request::<Exchange>(envelope.as_bytes())?.body;
    Ok(holder.ledger.expect("a ledger"))
}

#[test]
fn repeated_sequences_end_a_repetition_where_an_element_comes_again() {
    let ledger = read_ledger(
        "<c:date>2024-01-01</c:date><c:amount>1</c:amount><c:date>2024-01-02</c:date><c:amount>2</c:amount><c:amount>3</c:amount>\
         <c:code>a</c:code><c:credit>1</c:credit>",
    )
    .unwrap();
    let amounts: Vec<Vec<i32>> = ledger
        .date_and_amount_and_note
        .iter()
        .map(|g| g.amount.clone())
        .collect();
    assert_eq!(amounts, [vec![1], vec![2, 3]]);
    // An element out of order starts a repetition that lacks its first element.
    let err = read_ledger(
        "<c:date>2024-01-01</c:date><c:amount>1</c:amount><c:note>n</c:note><c:amount>2</c:amount><c:code>a</c:code><c:credit>1</c:credit>",
    )
    .unwrap_err();
    assert!(err.to_string().contains("date"), "{err}");
    // More repetitions than the sequence allows, and none where one is required.
    let four = "<c:code>a</c:code><c:credit>1</c:credit>".repeat(4);
    let err = read_ledger(&four).unwrap_err();
    assert!(err.to_string().contains("codeAndDebitOrCredit"), "{err}");
    let err = read_ledger("<c:total>1</c:total>").unwrap_err();
    assert!(err.to_string().contains("codeAndDebitOrCredit"), "{err}");
}

#[test]
fn named_groups_are_written_out_where_they_are_referred_to() {
    let mut holder = Holder::new(Open::new(1), Nillable::Nil);
    let mut booking = Booking::new("2024-01-01", 3);
    booking.days_or_weeks = Some(BookingDaysOrWeeks::Weeks(2));
    booking.created_by = Some("me".into());
    holder.booking = Some(booking);
    holder.schedule = Some(Schedule {
        from_and_to: vec![
            ScheduleFromAndTo::new("2024-01-01"),
            ScheduleFromAndTo {
                from: "2024-02-01".into(),
                to: Some("2024-02-02".into()),
            },
        ],
    });
    let written = xml::encode_request::<Exchange>(&Default::default(), &holder).unwrap();
    assert!(
        written.contains(
            "<ns1:booking createdBy=\"me\" version=\"3\"><ns1:from>2024-01-01</ns1:from><ns1:weeks>2</ns1:weeks></ns1:booking>\
             <ns1:schedule><ns1:from>2024-01-01</ns1:from><ns1:from>2024-02-01</ns1:from><ns1:to>2024-02-02</ns1:to></ns1:schedule>"
        ),
        "{written}"
    );
    let read = xml::decode_request::<Exchange>(written.as_bytes())
        .unwrap()
        .body;
    assert_eq!(read, holder);
}

#[test]
fn attribute_wildcards_keep_the_other_attributes_and_write_them_back() {
    let envelope = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:constructs" xmlns:f="urn:foreign"><soap:Body><c:request><c:open><c:id>1</c:id></c:open><c:value/><c:tagged id="5" c:level="low" level="unqualified" f:bar="a&amp;b" xml:lang="en" c:audited="false" c:extra="3" foo="1"><c:label>l</c:label></c:tagged></c:request></soap:Body></soap:Envelope>"#;
    let holder = xml::decode_request::<Exchange>(envelope.as_bytes())
        .unwrap()
        .body;
    let tagged = holder.tagged.clone().unwrap();
    assert_eq!((tagged.id, tagged.level.clone()), (5, Some(Level::Low)));
    let expected: BTreeMap<String, String> = [
        ("foo", "1"),
        ("level", "unqualified"),
        ("{urn:constructs}extra", "3"),
        ("{urn:foreign}bar", "a&b"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(tagged.any_attribute, expected);
    let written = xml::encode_request::<Exchange>(&Default::default(), &holder).unwrap();
    assert!(
        written.contains(
            "<ns1:tagged id=\"5\" ns1:level=\"low\" xml:lang=\"en\" ns1:audited=\"false\" foo=\"1\" level=\"unqualified\" ns1:extra=\"3\" xmlns:wc1=\"urn:foreign\" wc1:bar=\"a&amp;b\">"
        ),
        "{written}"
    );
    let again = xml::decode_request::<Exchange>(written.as_bytes())
        .unwrap()
        .body;
    assert_eq!(again, holder);
    let json = serde_json::to_string(&holder).unwrap();
    assert!(json.contains(r#""@anyAttribute":{"foo":"1""#), "{json}");
    assert_eq!(serde_json::from_str::<Holder>(&json).unwrap(), holder);

    // A key naming a named attribute is written from its field only; a key that is not a
    // qualified name is an error.
    let mut holder = holder;
    let tagged = holder.tagged.as_mut().unwrap();
    tagged.any_attribute = [
        ("id".to_owned(), "9".to_owned()),
        (
            "{http://www.w3.org/XML/1998/namespace}lang".to_owned(),
            "de".to_owned(),
        ),
        ("{urn:constructs}audited".to_owned(), "true".to_owned()),
    ]
    .into();
    let written = xml::encode_request::<Exchange>(&Default::default(), &holder).unwrap();
    assert!(
        written.contains(
            "<ns1:tagged id=\"5\" ns1:level=\"low\" xml:lang=\"en\" ns1:audited=\"false\">"
        ),
        "{written}"
    );
    let tagged = holder.tagged.as_mut().unwrap();
    tagged.any_attribute = [("a b".to_owned(), "x".to_owned())].into();
    let err = xml::encode_request::<Exchange>(&Default::default(), &holder).unwrap_err();
    assert!(err.to_string().contains("a b"), "{err}");
}

#[test]
fn mixed_content_is_kept_as_written_with_the_attributes_as_fields() {
    let envelope = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:constructs"><soap:Body><c:request><c:open><c:id>1</c:id></c:open><c:value/><c:note lang="en" xmlns:x="urn:x" by="me">Hello <c:b>bold</c:b> and <x:i>it</x:i> &amp; more<![CDATA[<raw>]]><c:sig>s</c:sig></c:note></c:request></soap:Body></soap:Envelope>"#;
    let holder = xml::decode_request::<Exchange>(envelope.as_bytes())
        .unwrap()
        .body;
    let note = holder.note.clone().unwrap();
    assert_eq!(note.lang.as_deref(), Some("en"));
    assert_eq!(note.by.as_deref(), Some("me"));
    assert_eq!(
        note.content.content,
        "Hello <c:b>bold</c:b> and <x:i>it</x:i> &amp; more<![CDATA[<raw>]]><c:sig>s</c:sig>"
    );
    assert_eq!(
        note.content.namespaces,
        [
            ("c".to_owned(), "urn:constructs".to_owned()),
            ("x".into(), "urn:x".into())
        ]
    );
    let written = xml::encode_request::<Exchange>(&Default::default(), &holder).unwrap();
    assert!(
        written.contains(
            "<ns1:note lang=\"en\" xmlns:c=\"urn:constructs\" xmlns:x=\"urn:x\" by=\"me\">Hello <c:b>bold</c:b> and <x:i>it</x:i> &amp; more<![CDATA[<raw>]]><c:sig>s</c:sig></ns1:note>"
        ),
        "{written}"
    );
    let again = xml::decode_request::<Exchange>(written.as_bytes())
        .unwrap()
        .body;
    assert_eq!(again, holder);

    // Built by hand: text escaped; empty content.
    let mut holder = Holder::new(Open::new(1), Nillable::Nil);
    holder.note = Some(SignedNote::new(xml::MixedContent::text("1 < 2")));
    let written = xml::encode_request::<Exchange>(&Default::default(), &holder).unwrap();
    assert!(
        written.contains("<ns1:note>1 &lt; 2</ns1:note>"),
        "{written}"
    );
    assert_eq!(
        xml::decode_request::<Exchange>(written.as_bytes())
            .unwrap()
            .body,
        holder
    );
    holder.note = Some(SignedNote::default());
    let written = xml::encode_request::<Exchange>(&Default::default(), &holder).unwrap();
    let read = xml::decode_request::<Exchange>(written.as_bytes())
        .unwrap()
        .body;
    assert_eq!(read, holder);
    let json = serde_json::to_string(&holder).unwrap();
    assert_eq!(serde_json::from_str::<Holder>(&json).unwrap(), holder);
}

#[test]
fn simple_content_is_a_typed_value_with_attribute_fields() {
    let mut holder = Holder::new(Open::new(1), Nillable::Nil);
    let mut price = TaxedPrice::new(7, "EUR");
    price.value_2 = Some("list".into());
    price.tax = Some(1);
    holder.price = Some(price);
    holder.small = vec![SmallPrice::new(3, "USD")];
    holder.caption = Some(Caption {
        value: "a < b".into(),
        lang: Some("en".into()),
    });
    let written = xml::encode_request::<Exchange>(&Default::default(), &holder).unwrap();
    assert!(
        written.contains(
            "<ns1:price currency=\"EUR\" value=\"list\" tax=\"1\">7</ns1:price>\
             <ns1:small currency=\"USD\">3</ns1:small><ns1:caption lang=\"en\">a &lt; b</ns1:caption>"
        ),
        "{written}"
    );
    let read = xml::decode_request::<Exchange>(written.as_bytes())
        .unwrap()
        .body;
    assert_eq!(read, holder);
    let json = serde_json::to_string(&holder).unwrap();
    assert!(
        json.contains(r#""price":{"$value":7,"@currency":"EUR","@value":"list","@tax":1}"#),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<Holder>(&json).unwrap(), holder);

    // Text that is not of the value's type, or an element inside, is an error.
    let bad = written.replace(">7</ns1:price>", ">seven</ns1:price>");
    let err = xml::decode_request::<Exchange>(bad.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("seven"), "{err}");
    let bad = written.replace(">7</ns1:price>", "><x/></ns1:price>");
    assert!(xml::decode_request::<Exchange>(bad.as_bytes()).is_err());
}

#[test]
fn anonymous_types_extending_a_named_one_carry_its_fields() {
    let mut holder = Holder::new(Open::new(1), Nillable::Nil);
    holder.extended = Some(Extended {
        code: "c".into(),
        extra: Some(1),
        more: "m".into(),
        flag: Some(true),
    });
    let written = xml::encode_request::<Exchange>(&Default::default(), &holder).unwrap();
    assert!(
        written.contains(
            "<ns1:extended flag=\"true\"><ns1:code>c</ns1:code><ns1:extra>1</ns1:extra><ns1:more>m</ns1:more></ns1:extended>"
        ),
        "{written}"
    );
    let read = xml::decode_request::<Exchange>(written.as_bytes())
        .unwrap()
        .body;
    assert_eq!(read, holder);
}

#[test]
fn all_groups_lists_and_unions_read_in_any_order_and_keep_their_text() {
    let envelope = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:constructs"><soap:Body><c:request><c:open><c:id>1</c:id></c:open><c:value/><c:settings><c:mode>auto</c:mode><c:sizes>1 2  3</c:sizes><c:width>4</c:width></c:settings><c:refund><c:id>2</c:id></c:refund></c:request></soap:Body></soap:Envelope>"#;
    let holder = xml::decode_request::<Exchange>(envelope.as_bytes())
        .unwrap()
        .body;
    let settings = holder.settings.clone().unwrap();
    assert_eq!(settings.width, 4);
    assert_eq!(settings.sizes.as_deref(), Some("1 2  3"));
    assert_eq!(settings.mode.as_deref(), Some("auto"));
    // The choice's empty alternative: no element of it, and the choice is absent.
    let refund = holder.refund.clone().unwrap();
    assert_eq!(refund.amount_and_reason_or_items, None);
    let written = xml::encode_request::<Exchange>(&Default::default(), &holder).unwrap();
    assert!(
        written.contains(
            "<ns1:settings><ns1:width>4</ns1:width><ns1:sizes>1 2  3</ns1:sizes><ns1:mode>auto</ns1:mode></ns1:settings><ns1:refund><ns1:id>2</ns1:id></ns1:refund>"
        ),
        "{written}"
    );
    assert_eq!(
        xml::decode_request::<Exchange>(written.as_bytes())
            .unwrap()
            .body,
        holder
    );
    let mut holder = holder;
    holder.refund = Some(Refund {
        id: 3,
        amount_and_reason_or_items: Some(RefundAmountAndReasonOrItems::AmountAndReason(
            RefundAmountAndReason {
                amount: None,
                reason: Some("r".into()),
            },
        )),
    });
    let written = xml::encode_request::<Exchange>(&Default::default(), &holder).unwrap();
    assert!(
        written.contains("<ns1:refund><ns1:id>3</ns1:id><ns1:reason>r</ns1:reason></ns1:refund>"),
        "{written}"
    );
    assert_eq!(
        xml::decode_request::<Exchange>(written.as_bytes())
            .unwrap()
            .body,
        holder
    );
}

#[test]
fn substitution_groups_are_a_choice_of_their_members() {
    let mut holder = Holder::new(Open::new(1), Nillable::Nil);
    holder.shape = vec![
        HolderShape::Square(Base { code: "s".into() }),
        HolderShape::Circle(Derived {
            code: "c".into(),
            extra: Some(1),
        }),
    ];
    let written = xml::encode_request::<Exchange>(&Default::default(), &holder).unwrap();
    assert!(
        written.contains(
            "<ns1:square><ns1:code>s</ns1:code></ns1:square><ns1:circle><ns1:code>c</ns1:code><ns1:extra>1</ns1:extra></ns1:circle>"
        ),
        "{written}"
    );
    let read = xml::decode_request::<Exchange>(written.as_bytes())
        .unwrap()
        .body;
    assert_eq!(read, holder);
    // The abstract head itself is no alternative: an unknown element, skipped in a lenient read.
    let head = written.replace("ns1:square>", "ns1:shape>");
    let read = xml::decode_request::<Exchange>(head.as_bytes())
        .unwrap()
        .body;
    assert_eq!(read.shape, holder.shape[1..]);
}
