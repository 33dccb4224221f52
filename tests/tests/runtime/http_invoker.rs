//! `mktows_runtime::http::HttpInvoker` under a generated stub of another WSDL (the SOAP 1.2
//! golden, `data/wsdl/soap12.wsdl`) against real HTTP on 127.0.0.1: the request is labelled as
//! SOAP 1.2 asks, answers and faults come back typed, and what goes wrong on the wire is an
//! error that says whether the request was sent, without the endpoint's query string.
//! PHP's SoapServer is the peer of the SOAP 1.1 case in `encoded.rs`.

use mktows_runtime::http::{CallError, HttpInvoker};
use mktows_tests::http::{Action, TestServer};
use mktows_tests::soap12::operations::DeviceStub;
use mktows_tests::soap12::types;

const HEARTBEAT: &str = r#"<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><HeartbeatResponse xmlns="urn:soap12:device"><Count>42</Count></HeartbeatResponse></e:Body></e:Envelope>"#;

const EMPTY: &str =
    r#"<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>"#;

const FAULT: &str = r#"<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope">
 <env:Body><env:Fault>
   <env:Code><env:Value>env:Sender</env:Value></env:Code>
   <env:Reason><env:Text xml:lang="en">Bad count</env:Text></env:Reason>
 </env:Fault></env:Body></env:Envelope>"#;

fn soap12(body: &str) -> Action {
    Action::Respond {
        status: 200,
        content_type: "application/soap+xml; charset=utf-8",
        body: body.as_bytes().to_vec(),
    }
}

#[tokio::test]
async fn a_soap12_stub_over_http_sends_the_action_and_reads_answers_and_faults() {
    let server = TestServer::start(|request| {
        let body = String::from_utf8_lossy(&request.body);
        let action = request.header("content-type").unwrap_or("");
        if action.contains("device/Heartbeat") {
            soap12(HEARTBEAT)
        } else if body.contains(">0</") {
            Action::Respond {
                status: 500,
                content_type: "application/soap+xml",
                body: FAULT.as_bytes().to_vec(),
            }
        } else {
            soap12(EMPTY)
        }
    })
    .await;
    let stub = DeviceStub::new(HttpInvoker::new(&server.url).unwrap());
    assert_eq!(stub.heartbeat(Default::default()).await.unwrap().count, 42);
    stub.reset(Default::default(), types::Reset::new(5))
        .await
        .unwrap();
    let err = stub
        .reset(Default::default(), types::Reset::new(0))
        .await
        .unwrap_err();
    let fault = err.fault().unwrap_or_else(|| panic!("{err}"));
    assert_eq!(
        (fault.code.as_str(), fault.string.as_str()),
        ("env:Sender", "Bad count")
    );
    assert!(err.sent());

    let received = server.received();
    assert_eq!(received.len(), 3);
    assert_eq!(received[0].method, "POST");
    assert_eq!(
        received[0].header("content-type"),
        Some("application/soap+xml; charset=utf-8; action=\"urn:soap12:device/Heartbeat\"")
    );
    assert_eq!(received[0].header("soapaction"), None, "SOAP 1.2 has none");
    let reset = String::from_utf8_lossy(&received[1].body);
    assert!(
        reset.contains("http://www.w3.org/2003/05/soap-envelope") && reset.contains(">5<"),
        "{reset}"
    );
}

#[tokio::test]
async fn what_goes_wrong_on_the_wire_says_whether_it_was_sent() {
    let page = TestServer::start(|_| Action::Respond {
        status: 502,
        content_type: "text/html",
        body: b"<html><body>502 Bad Gateway</body></html>".to_vec(),
    })
    .await;
    let err = DeviceStub::new(HttpInvoker::new(&page.url).unwrap())
        .heartbeat(Default::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, CallError::NotSoap { status: 502, excerpt, .. } if excerpt.contains("Bad Gateway")),
        "{err}"
    );
    assert!(err.sent());

    let cut = TestServer::start(|_| Action::Truncate {
        body: HEARTBEAT.as_bytes()[..40].to_vec(),
        missing: 100,
    })
    .await;
    let err = DeviceStub::new(HttpInvoker::new(&cut.url).unwrap())
        .heartbeat(Default::default())
        .await
        .unwrap_err();
    assert!(matches!(err, CallError::NoAnswer { .. }), "{err}");
    assert!(err.sent());

    let large = TestServer::start(|_| soap12(HEARTBEAT)).await;
    let err = DeviceStub::new(HttpInvoker::new(&large.url).unwrap().max_response_bytes(64))
        .heartbeat(Default::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("larger than 64 bytes"), "{err}");

    // Nothing listens on a port just released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}/device?key=s3cret-value");
    let err = DeviceStub::new(HttpInvoker::new(&endpoint).unwrap())
        .heartbeat(Default::default())
        .await
        .unwrap_err();
    assert!(matches!(err, CallError::Connect { .. }), "{err}");
    assert!(!err.sent());
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("s3cret-value"), "{shown}");
    assert!(
        shown.contains(&format!("127.0.0.1:{port}/device")),
        "{shown}"
    );
}
