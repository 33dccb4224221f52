//! Bindings generated from `data/wsdl/constructs.wsdl` (XML Schema constructs real services use
//! beyond Marketo's) compile against the runtime and round-trip: what they read they write back.

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
        since: Some("2024-02-29".into()),
    });
    let written = xml::encode_request::<Exchange>(&Default::default(), &holder).unwrap();
    assert!(
        written.contains(
            "<ns1:tagged id=\"5\" ns1:level=\"high\" label=\"a &quot;quoted&quot; &lt;label&gt;\" since=\"2024-02-29\"><ns1:label>text</ns1:label></ns1:tagged>"
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
