//! Bindings generated from `data/wsdl/features.wsdl` (constructs and names Marketo's WSDL does
//! not use) compile against the runtime and round-trip.

use mktows::xml::{self, Nillable, Reply};
use mktows_tests::canonical;
use mktows_tests::features::operations::{Echo, EchoHeaders, EchoOutputHeaders, OPERATIONS};
use mktows_tests::features::types::*;

fn everything() -> Everything {
    Everything {
        r#type: "t".into(),
        self_: Some("me".into()),
        id: Some(1),
        id_2: Some(2),
        fast_2: Some(true),
        a_b_c: Some(42),
        mode: vec![
            Mode::FooBar,
            Mode::Unknown,
            Mode::Unknown2("new value".into()),
        ],
        maybe: vec![Nillable::Value("x".into()), Nillable::Nil],
        when: Some(chrono::DateTime::parse_from_rfc3339("2024-02-29T23:59:59.250+05:30").unwrap()),
        blob: Some(vec![0, 1, 2, 255]),
        shape: vec![
            Shape::Circle(Circle {
                name: "c".into(),
                radius: 1.5,
            }),
            Shape::Square(Square {
                name: "s".into(),
                sides: 4,
                edge: 2.0,
            }),
        ],
        polygon: Some(Polygon::Square(Square {
            name: "p".into(),
            sides: 4,
            edge: 0.5,
        })),
        tree: Some(Node {
            label: "root".into(),
            child: Some(Box::new(Node {
                label: "only".into(),
                child: None,
                children: vec![],
            })),
            children: vec![Node {
                label: "leaf".into(),
                child: None,
                children: vec![],
            }],
        }),
        inline: Inline {
            x: 7,
            level: Level::High,
        },
        extra: Some("qualified & <escaped>".into()),
        other: Some(Other { value: -3 }),
    }
}

#[test]
fn everything_round_trips_through_xml_and_json() {
    let headers = EchoHeaders {
        ctx: Some(Context {
            tenant: "acme".into(),
        }),
    };
    let request = xml::encode_request::<Echo>(&headers, &everything()).unwrap();
    let decoded = xml::decode_request::<Echo>(request.as_bytes()).unwrap();
    assert_eq!(decoded.body, everything());
    assert_eq!(decoded.headers, headers);

    let json = serde_json::to_string(&everything()).unwrap();
    assert_eq!(
        serde_json::from_str::<Everything>(&json).unwrap(),
        everything()
    );
}

#[test]
fn wire_form_is_schema_exact() {
    let request = xml::encode_request::<Echo>(&EchoHeaders::default(), &everything()).unwrap();
    // Keywords and non-identifiers keep their XML names; the imported schema's elements are
    // qualified (elementFormDefault="qualified"), this schema's are not.
    for fragment in [
        "<type>t</type>",
        "<self>me</self>",
        "<Id>1</Id><id>2</id>",
        "<fast-2>true</fast-2>",
        "<a-b.c>42</a-b.c>",
        "<mode>FOO_BAR</mode><mode>Unknown</mode><mode>new value</mode>",
        "<maybe>x</maybe><maybe xsi:nil=\"true\"/>",
        "<when>2024-02-29T23:59:59.250+05:30</when>",
        "<blob>AAEC/w==</blob>",
        "<shape xsi:type=\"ns1:Circle\"><name>c</name><radius>1.5</radius></shape>",
        "<polygon xsi:type=\"ns1:Square\"><name>p</name><sides>4</sides><edge>0.5</edge></polygon>",
        "<ns2:extra>qualified &amp; &lt;escaped&gt;</ns2:extra>",
        "<other><ns2:value>-3</ns2:value></other>",
    ] {
        assert!(request.contains(fragment), "{fragment} in {request}");
    }
    // No header element when no header is set.
    assert!(!request.contains("Header"));
}

#[test]
fn enum_spellings_and_unknown_values() {
    assert_eq!(Mode::from("FOO_BAR"), Mode::FooBar);
    assert_eq!(Mode::FnEvilDoc.as_str(), "\"] fn evil() {} #[doc = \"");
    assert_eq!(Mode::from("later"), Mode::Unknown2("later".into()));
    assert!(!Mode::Unknown2("later".into()).is_known());
    assert_eq!(Mode::VALUES.len(), 5);
}

#[test]
fn operation_description_comes_from_the_wsdl() {
    assert_eq!(OPERATIONS.len(), 1);
    let info = OPERATIONS[0];
    assert_eq!(info.name, "echo");
    assert_eq!(info.soap_action, "urn:features#echo");
    assert_eq!(info.input.map(|n| n.local), Some("everything"));
    assert_eq!(info.output.map(|n| n.local), Some("echoed"));
    assert_eq!(info.input_headers[0].part, "ctx");
    assert_eq!(info.output_headers[0].element.local, "context");
    assert!(info.documentation.contains("Sends everything back"));
}

#[test]
fn response_headers_are_read() {
    let headers = EchoOutputHeaders {
        ctx: Some(Context { tenant: "t".into() }),
    };
    let response = xml::encode_response::<Echo>(&headers, &everything()).unwrap();
    let Reply::Success(reply) = xml::decode_response::<Echo>(response.as_bytes()).unwrap() else {
        panic!("success");
    };
    assert_eq!(reply.headers, headers);
    assert_eq!(
        canonical(&response),
        canonical(&xml::encode_response::<Echo>(&reply.headers, &reply.body).unwrap())
    );
}

#[test]
fn occurrence_bounds_are_enforced_both_ways() {
    let mut value = everything();
    value.mode.push(Mode::FooBar2);
    let err = xml::encode_request::<Echo>(&EchoHeaders::default(), &value).unwrap_err();
    assert_eq!(err.element, "mode");
    assert!(err.reason.contains("4 occurrences"), "{err}");

    let mut ok = xml::encode_request::<Echo>(&EchoHeaders::default(), &everything()).unwrap();
    ok = ok.replace(
        "<mode>FOO_BAR</mode>",
        "<mode>FOO_BAR</mode><mode>FOO_BAR</mode>",
    );
    let err = xml::decode_request::<Echo>(ok.as_bytes()).unwrap_err();
    assert_eq!(err.path, "Envelope/Body/everything");
    assert_eq!(
        err.kind,
        xml::DecodeErrorKind::TooMany {
            element: "mode".into(),
            max: 3
        }
    );
}

#[test]
fn recursion_depth_is_bounded() {
    let mut xml = String::from(
        r#"<ns1:everything xmlns:ns1="urn:features"><type>t</type><inline><x>1</x><level>low</level></inline><tree>"#,
    );
    for _ in 0..300 {
        xml.push_str("<label>n</label><child>");
    }
    let err = xml::from_xml::<Everything>(
        xml.as_bytes(),
        &xml::Name::qualified("ns1", "urn:features", "everything"),
        mktows_tests::features::NAMESPACES,
    )
    .unwrap_err();
    assert_eq!(err.kind, xml::DecodeErrorKind::TooDeep);
    assert!(
        err.path.starts_with("everything/tree/child/child"),
        "{}",
        err.path
    );
}

#[test]
fn constructors_take_the_required_elements_and_leave_the_rest_absent() {
    let inline = Inline::new(7u32, Level::High);
    assert_eq!(
        inline,
        Inline {
            x: 7,
            level: Level::High,
        }
    );
    let built = Everything::new("t", inline.clone());
    assert_eq!(built.r#type, "t");
    assert_eq!(built.inline, inline);
    assert_eq!(
        (built.self_, built.extra, built.tree),
        (None, None, None),
        "optional elements are absent"
    );
    assert!(built.mode.is_empty() && built.maybe.is_empty() && built.shape.is_empty());
    // Arguments convert with Into: an enumeration from its XML spelling.
    assert_eq!(Inline::new(1u32, "low").level, Level::Low);
    let tree = Node::new("root");
    assert_eq!(
        tree,
        Node {
            label: "root".into(),
            child: None,
            children: vec![],
        }
    );
}
