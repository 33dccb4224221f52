//! Model groups round-trip: `xs:choice` (enums), repeated and nested sequences (group
//! structs read in order), named groups, `xs:all`, substitution groups; and lists and unions
//! kept as text.

use mktows::xml::{self, Nillable};
use mktows_tests::constructs::operations::Exchange;
use mktows_tests::constructs::types::*;

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
fn all_groups_read_in_any_order_lists_are_typed_and_unions_keep_their_text() {
    let envelope = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:constructs"><soap:Body><c:request><c:open><c:id>1</c:id></c:open><c:value/><c:settings><c:mode>auto</c:mode><c:sizes>1 2  3</c:sizes><c:width>4</c:width></c:settings><c:refund><c:id>2</c:id></c:refund></c:request></soap:Body></soap:Envelope>"#;
    let holder = xml::decode_request::<Exchange>(envelope.as_bytes())
        .unwrap()
        .body;
    let settings = holder.settings.clone().unwrap();
    assert_eq!(settings.width, 4);
    // The list's items, typed; XML Schema collapses the whitespace between them.
    assert_eq!(
        settings.sizes.as_deref().map(|s| s.as_slice()),
        Some(&[1, 2, 3][..])
    );
    assert_eq!(serde_json::to_string(&settings.sizes).unwrap(), "[1,2,3]");
    assert_eq!(settings.mode.as_deref(), Some("auto"));
    // The choice's empty alternative: no element of it, and the choice is absent.
    let refund = holder.refund.clone().unwrap();
    assert_eq!(refund.amount_and_reason_or_items, None);
    let written = xml::encode_request::<Exchange>(&Default::default(), &holder).unwrap();
    assert!(
        written.contains(
            "<ns1:settings><ns1:width>4</ns1:width><ns1:sizes>1 2 3</ns1:sizes><ns1:mode>auto</ns1:mode></ns1:settings><ns1:refund><ns1:id>2</ns1:id></ns1:refund>"
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
        HolderShape::Square(Base { code: "s".into() }.into()),
        HolderShape::Circle(
            Derived {
                code: "c".into(),
                extra: Some(1),
            }
            .into(),
        ),
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
