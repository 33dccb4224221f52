//! rpc/encoded bindings (`data/wsdl/encoded.wsdl`, golden `data/golden/encoded.rs`), SOAP 1.1
//! section 5 as Apache Axis 1 and PHP speak it: every value written with its `xsi:type`, arrays
//! as `SOAP-ENC:arrayType` elements of `<item>`s, multi-reference values (`href`/`id`) read
//! wherever they are. PHP's SoapServer, which nobody here wrote, is the peer over real HTTP,
//! called through the generated stub over `mktows_runtime::http::HttpInvoker`.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mktows::xml::{self, DecodeErrorKind, Nillable, Reply};
use mktows_runtime::http::HttpInvoker;
use mktows_tests::encoded::operations::{IssueServiceStub, UpdateIssue};
use mktows_tests::encoded::types::{self, RemoteComment, RemoteIssue};

use mktows_tests::tools;

fn date(text: &str) -> xml::DateTime<xml::FixedOffset> {
    xml::DateTime::parse_from_rfc3339(text).unwrap()
}

fn issue() -> RemoteIssue {
    RemoteIssue::new(
        "ENC-1".to_owned(),
        3,
        vec!["a".to_owned(), "b&c".to_owned()],
        vec![RemoteComment::new(
            "ann".to_owned(),
            Nillable::Nil,
            date("2024-02-03T04:05:06Z"),
        )],
    )
}

#[test]
fn requests_carry_xsi_types_and_soap_encoded_arrays() {
    let input = types::UpdateIssue::new("tok", issue(), vec!["x".to_owned()]);
    let request = xml::encode_request::<UpdateIssue>(&Default::default(), &input).unwrap();
    let expected = concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\"",
        " xmlns:ns1=\"urn:enc\" xmlns:ns2=\"urn:enc:beans\" xmlns:ns3=\"urn:enc:calls\"",
        " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"",
        " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"",
        " xmlns:SOAP-ENC=\"http://schemas.xmlsoap.org/soap/encoding/\">",
        "<SOAP-ENV:Body SOAP-ENV:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">",
        "<ns3:updateIssue>",
        "<in0 xsi:type=\"xsd:string\">tok</in0>",
        "<in1 xsi:type=\"ns2:RemoteIssue\">",
        "<key xsi:type=\"xsd:string\">ENC-1</key>",
        "<votes xsi:type=\"xsd:long\">3</votes>",
        "<labels xsi:type=\"ns1:ArrayOf_xsd_string\" SOAP-ENC:arrayType=\"xsd:string[2]\">",
        "<item xsi:type=\"xsd:string\">a</item><item xsi:type=\"xsd:string\">b&amp;c</item>",
        "</labels>",
        "<comments xsi:type=\"ns1:ArrayOf_tns1_RemoteComment\" SOAP-ENC:arrayType=\"ns2:RemoteComment[1]\">",
        "<item xsi:type=\"ns2:RemoteComment\">",
        "<author xsi:type=\"xsd:string\">ann</author>",
        "<body xsi:nil=\"true\"/>",
        "<created xsi:type=\"xsd:dateTime\">2024-02-03T04:05:06+00:00</created>",
        "</item></comments></in1>",
        "<in2 xsi:type=\"ns1:ArrayOf_xsd_string\" SOAP-ENC:arrayType=\"xsd:string[1]\">",
        "<item xsi:type=\"xsd:string\">x</item></in2>",
        "</ns3:updateIssue></SOAP-ENV:Body></SOAP-ENV:Envelope>",
    );
    assert_eq!(request, expected);
    // And it reads back as written.
    let read = xml::decode_request::<UpdateIssue>(request.as_bytes()).unwrap();
    assert_eq!(read.body, input);
}

/// A response as Axis 1 writes it: the return value and the comments out of line, one comment
/// referred to twice (a shared reference) and from inside another multi-reference value.
const AXIS_RESPONSE: &str = r##"<?xml version="1.0" encoding="utf-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <ns1:updateIssueResponse soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" xmlns:ns1="urn:enc">
   <updateIssueReturn href="#id0"/>
  </ns1:updateIssueResponse>
  <multiRef id="id0" soapenc:root="0" soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" xsi:type="ns2:RemoteIssue" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:ns2="urn:enc:beans">
   <key xsi:type="soapenc:string">ENC-7</key>
   <votes href="#id1"/>
   <labels soapenc:arrayType="xsd:string[2]" xsi:type="soapenc:Array">
    <labels xsi:type="xsd:string">one</labels>
    <labels xsi:nil="true" xsi:type="xsd:string" soapenc:unused="ignored">two</labels>
   </labels>
   <comments soapenc:arrayType="ns2:RemoteComment[3]" xsi:type="soapenc:Array">
    <comments href="#id2"/>
    <comments href="#id3"/>
    <comments href="#id2"/>
   </comments>
  </multiRef>
  <multiRef id="id1" soapenc:root="0" soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" xsi:type="xsd:long" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/">12</multiRef>
  <multiRef id="id2" soapenc:root="0" soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" xsi:type="ns3:RemoteComment" xmlns:ns3="urn:enc:beans" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/">
   <author xsi:type="xsd:string">shared &amp; twice</author>
   <body xsi:type="xsd:string" xsi:nil="true"/>
   <created xsi:type="xsd:dateTime">2010-09-13T04:22:38.000Z</created>
  </multiRef>
  <multiRef id="id3" soapenc:root="0" soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" xsi:type="ns4:RemoteComment" xmlns:ns4="urn:enc:beans" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/">
   <author href="#id4"/>
   <body xsi:nil="true"/>
   <created xsi:nil="true"/>
  </multiRef>
  <multiRef id="id4" soapenc:root="0" xsi:type="xsd:string" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/">nested</multiRef>
 </soapenv:Body>
</soapenv:Envelope>"##;

#[test]
fn axis_multi_reference_responses_are_read() {
    // Item 2 is nil in the labels: not allowed in a Vec<String>, so say it by name first.
    let err = xml::decode_response::<UpdateIssue>(AXIS_RESPONSE.as_bytes()).unwrap_err();
    assert_eq!(err.kind, DecodeErrorKind::NilNotAllowed, "{err}");
    assert!(err.path.ends_with("labels/item"), "{err}");
    let response = AXIS_RESPONSE.replace("xsi:nil=\"true\" xsi:type=\"xsd:string\"", "");
    let Reply::Success(envelope) =
        xml::decode_response::<UpdateIssue>(response.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
    else {
        panic!("a fault");
    };
    let shared = RemoteComment::new(
        "shared & twice".to_owned(),
        Nillable::Nil,
        date("2010-09-13T04:22:38Z"),
    );
    let nested = RemoteComment::new("nested".to_owned(), Nillable::Nil, Nillable::Nil);
    let expected = RemoteIssue::new(
        "ENC-7".to_owned(),
        12,
        vec!["one".to_owned(), "two".to_owned()],
        vec![shared.clone(), nested, shared],
    );
    assert_eq!(envelope.body.update_issue_return, Nillable::Value(expected));
}

#[test]
fn a_null_return_is_nil() {
    // What Axis and PHP write for a method returning null.
    let response = concat!(
        r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
        r#"<soapenv:Body><ns1:updateIssueResponse xmlns:ns1="urn:enc">"#,
        r#"<updateIssueReturn xsi:type="ns2:RemoteIssue" xsi:nil="true" xmlns:ns2="urn:enc:beans"/>"#,
        "</ns1:updateIssueResponse></soapenv:Body></soapenv:Envelope>"
    );
    let Reply::Success(envelope) =
        xml::decode_response::<UpdateIssue>(response.as_bytes()).unwrap()
    else {
        panic!("a fault");
    };
    assert_eq!(envelope.body.update_issue_return, Nillable::Nil);
}

#[test]
fn a_reference_cycle_or_a_missing_id_is_an_error_naming_the_id() {
    let cycle = AXIS_RESPONSE.replace("<author href=\"#id4\"/>", "<author href=\"#id0\"/>");
    let err = xml::decode_response::<UpdateIssue>(cycle.as_bytes()).unwrap_err();
    assert_eq!(
        err.kind,
        DecodeErrorKind::ReferenceCycle("id0".into()),
        "{err}"
    );
    assert!(err.to_string().contains("id0"), "{err}");
    let missing = AXIS_RESPONSE.replace("<votes href=\"#id1\"/>", "<votes href=\"#gone\"/>");
    let err = xml::decode_response::<UpdateIssue>(missing.as_bytes()).unwrap_err();
    assert_eq!(
        err.kind,
        DecodeErrorKind::MissingReference("gone".into()),
        "{err}"
    );
    assert_eq!(err.line, 9, "{err}");
    // A partial array is refused rather than read wrong.
    let partial = AXIS_RESPONSE.replace(
        "soapenc:arrayType=\"xsd:string[2]\"",
        "soapenc:arrayType=\"xsd:string[5]\" soapenc:offset=\"[3]\"",
    );
    let err = xml::decode_response::<UpdateIssue>(partial.as_bytes()).unwrap_err();
    assert!(
        matches!(err.kind, DecodeErrorKind::UnsupportedEncoding(ref m) if m.contains("offset")),
        "{err}"
    );
}

/// `php -S` serving `data/encoded/server.php` on a free port of 127.0.0.1; stopped on drop.
struct PhpServer {
    child: Child,
    url: String,
}

impl PhpServer {
    fn start() -> Option<PhpServer> {
        if !tools::have(
            "php -m | grep -qi '^soap$'",
            "apt-get install php-cli php-soap",
        ) {
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let script = mktows_tests::data_dir().join("encoded/server.php");
        let child = Command::new("php")
            .args(["-S", &format!("127.0.0.1:{port}")])
            .arg(&script)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("php runs");
        let server = PhpServer {
            child,
            url: format!("http://127.0.0.1:{port}/"),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "php -S did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(server)
    }
}

impl PhpServer {
    /// The generated stub of the WSDL's port, over HTTP to this server.
    fn stub(&self) -> IssueServiceStub<HttpInvoker> {
        IssueServiceStub::new(HttpInvoker::new(&self.url).unwrap())
    }
}

impl Drop for PhpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn php_soap_server_round_trips_a_struct_with_arrays() {
    let Some(php) = PhpServer::start() else {
        return;
    };
    let input = types::UpdateIssue::new("tok", issue(), vec!["from-php-call".to_owned()]);
    let answer = php
        .stub()
        .update_issue(Default::default(), input)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut comments = issue().comments.into_value().unwrap();
    comments.push(RemoteComment::new(
        "php".to_owned(),
        "read 1 comments".to_owned(),
        date("2024-05-06T07:08:09Z"),
    ));
    let expected = RemoteIssue::new(
        "tok:ENC-1".to_owned(),
        4,
        vec!["a".to_owned(), "b&c".to_owned(), "from-php-call".to_owned()],
        comments,
    );
    assert_eq!(answer.update_issue_return, Nillable::Value(expected));
}

#[tokio::test]
async fn php_soap_server_shared_references_are_read_and_its_fault_is_typed() {
    let Some(php) = PhpServer::start() else {
        return;
    };
    let answer = php
        .stub()
        .get_comments(Default::default(), types::GetComments::new("k"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let shared = RemoteComment::new(
        "k".to_owned(),
        "shared".to_owned(),
        date("2024-01-02T03:04:05Z"),
    );
    let other = RemoteComment::new(
        Nillable::Nil,
        "other <&> \"text\"".to_owned(),
        Nillable::Nil,
    );
    assert_eq!(
        answer.get_comments_return,
        Nillable::Value(vec![shared.clone(), other, shared])
    );
    // A SoapFault thrown by the PHP service, answered with HTTP 500.
    let err = php
        .stub()
        .get_comments(Default::default(), types::GetComments::new("fault"))
        .await
        .unwrap_err();
    let fault = err.fault().unwrap_or_else(|| panic!("{err}"));
    assert_eq!(
        (fault.code_local(), fault.string.as_str()),
        ("Server", "no comments for fault")
    );
}

/// `xsd:byte[][]` (Axis's `byte[][]`, jira's `ArrayOf_xsd_base64Binary`): a `Vec<Vec<u8>>`
/// whose items are `xsd:base64Binary`, with a table as the generator writes it.
mod byte_arrays {
    pub const NAMESPACES: &[(&str, &str)] = &[("ns1", "urn:enc")];
    pub mod types {
        use mktows::xml as rt;
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct Attachments {
            pub files: Vec<Vec<u8>>,
        }
        rt::complex_type! {
            Attachments {
                files: array_one("files", xsi = "ns1:ArrayOf_xsd_base64Binary", item = "xsd:base64Binary"),
            }
        }
    }
}

#[test]
fn byte_arrays_are_arrays_of_base64() {
    use byte_arrays::types::Attachments;
    let value = Attachments {
        files: vec![vec![0, 1, 2], Vec::new()],
    };
    let mut w = xml::XmlWriter::default();
    value.write_content(&mut w);
    assert_eq!(
        w.finish().unwrap(),
        concat!(
            "<files xsi:type=\"ns1:ArrayOf_xsd_base64Binary\" SOAP-ENC:arrayType=\"xsd:base64Binary[2]\">",
            "<item xsi:type=\"xsd:base64Binary\">AAEC</item>",
            "<item xsi:type=\"xsd:base64Binary\"></item>",
            "</files>"
        )
    );
    let text = concat!(
        r#"<a xmlns:enc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
        r#"<files xsi:type="enc:Array" enc:arrayType="xsd:base64Binary[2]"><x>AAEC</x><y/></files></a>"#
    );
    let read: Attachments = xml::from_xml(
        text.as_bytes(),
        &xml::Name::local("a"),
        byte_arrays::NAMESPACES,
    )
    .unwrap();
    assert_eq!(read, value);
}
