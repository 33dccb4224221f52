//! Bindings generated from `data/wsdl/constructs.wsdl` (XML Schema constructs real services use
//! beyond Marketo's) compile against the runtime and round-trip: what they read they write back.

use std::collections::BTreeMap;

use mktows::xml::{self, AnyValue, Nillable, RawXml};
use mktows_tests::constructs::operations::Exchange;
use mktows_tests::constructs::types::*;

/// Model groups, in a module of their own.
mod groups;
/// Round trips through zeep.
mod zeep;

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
    holder.derived = Some(
        Derived {
            code: "c".into(),
            extra: Some(2),
        }
        .into(),
    );
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
fn a_concrete_base_holds_its_extensions_by_xsi_type() {
    let request = |derived: &str| {
        format!(
            r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:constructs" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body><c:request><c:open><c:id>1</c:id></c:open><c:value xsi:nil="true"/>{derived}</c:request></soap:Body></soap:Envelope>"#
        )
    };
    // No xsi:type: the declared type itself.
    let plain = xml::decode_request::<Exchange>(
        request("<c:derived><c:code>d</c:code><c:extra>3</c:extra></c:derived>").as_bytes(),
    )
    .unwrap()
    .body;
    assert_eq!(
        plain.derived,
        Some(AnyDerived::Derived(Derived {
            code: "d".into(),
            extra: Some(3)
        }))
    );
    // A restriction of it, by xsi:type: that type, written back with its xsi:type.
    let narrowed = xml::decode_request::<Exchange>(
        request(r#"<c:derived xsi:type="c:Narrowed"><c:code>n</c:code></c:derived>"#).as_bytes(),
    )
    .unwrap()
    .body;
    assert_eq!(
        narrowed.derived,
        Some(AnyDerived::Narrowed(Narrowed { code: "n".into() }))
    );
    let written = xml::encode_request::<Exchange>(&Default::default(), &narrowed).unwrap();
    assert!(
        written.contains(
            r#"<ns1:derived xsi:type="ns1:Narrowed"><ns1:code>n</ns1:code></ns1:derived>"#
        ),
        "{written}"
    );
    assert_eq!(
        xml::decode_request::<Exchange>(written.as_bytes())
            .unwrap()
            .body,
        narrowed
    );
    // The type's own name as xsi:type is the type itself.
    let named = xml::decode_request::<Exchange>(
        request(r#"<c:derived xsi:type="c:Derived"><c:code>d</c:code></c:derived>"#).as_bytes(),
    )
    .unwrap()
    .body;
    assert!(matches!(named.derived, Some(AnyDerived::Derived(_))));
    // A type that does not extend it is refused, named.
    let err = xml::decode_request::<Exchange>(
        request(r#"<c:derived xsi:type="c:Plain"><c:flag>true</c:flag></c:derived>"#).as_bytes(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("Plain"), "{err}");
    // serde names the member by its schema type.
    assert_eq!(
        serde_json::to_value(&narrowed.derived).unwrap(),
        serde_json::json!({"Narrowed": {"code": "n"}})
    );
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
