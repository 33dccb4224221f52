//! Bindings generated from `data/wsdl/split.wsdl`, a service whose binding, port type and
//! schema live in three files joined by `wsdl:import`, compile and round-trip; Python zeep,
//! reading the same three files, writes a request they read and reads the response they write.

use mktows::xml;
use mktows_tests::split::operations::PlaceOrder;
use mktows_tests::split::types::{Item, Order, OrderPlaced, Status};
use mktows_tests::split::{NAMESPACES, SERVICE_ADDRESS, SERVICE_NAME};

use mktows_tests::tools;

fn order() -> Order {
    let mut order = Order::new("ACME", vec![Item::new("A-1", 2), Item::new("B-2", 1)]);
    order.note = Some("leave at the door & ring".into());
    order
}

#[test]
fn the_imported_definitions_make_one_service() {
    assert_eq!(SERVICE_NAME, "OrderService");
    assert_eq!(SERVICE_ADDRESS, Some("http://localhost:8080/orders"));
    assert_eq!(NAMESPACES, &[("ns1", "urn:split:types")]);
    let info = <PlaceOrder as xml::Operation>::INFO;
    assert_eq!(info.soap_action, "urn:split:placeOrder");
    assert_eq!(info.documentation, "Places an order.");
}

#[test]
fn requests_and_responses_round_trip() {
    let written = xml::encode_request::<PlaceOrder>(&Default::default(), &order()).unwrap();
    assert!(
        written.contains("<ns1:placeOrder xmlns:ns1=\"urn:split:types\">")
            || written.contains("<ns1:placeOrder>"),
        "{written}"
    );
    let read = xml::decode_request::<PlaceOrder>(written.as_bytes()).unwrap();
    assert_eq!(read.body, order());

    let answer = OrderPlaced::new(42_i64, Status::Backordered);
    let written = xml::encode_response::<PlaceOrder>(&Default::default(), &answer).unwrap();
    match xml::decode_response::<PlaceOrder>(written.as_bytes()).unwrap() {
        xml::Reply::Success(read) => assert_eq!(read.body, answer),
        xml::Reply::Fault(fault) => panic!("{fault:?}"),
    }
}

/// zeep loads `split.wsdl` (following its imports), writes a `placeOrder` request, and reads
/// the response mktows writes (printed as `orderId status`).
const ZEEP: &str = r#"
import sys
from lxml import etree
import zeep
client = zeep.Client(sys.argv[1])
request = client.create_message(client.service, "placeOrder", customer="ACME",
    item=[{"sku": "A-1", "quantity": 2}, {"sku": "B-2", "quantity": 1}],
    note="leave at the door & ring")
print(etree.tostring(request).decode())
print("----")
binding = client.service._binding
operation = binding.get("placeOrder")
reply = operation.process_reply(etree.fromstring(sys.stdin.read().encode()))
print(reply.orderId, reply.status)
"#;

#[test]
fn zeep_reads_the_same_files_and_agrees() {
    if !tools::have("python3 -c 'import zeep'", "pip install zeep") {
        return;
    }
    let wsdl = mktows_tests::data_dir().join("wsdl/split.wsdl");
    let answer = OrderPlaced::new(42_i64, Status::Backordered);
    let response = xml::encode_response::<PlaceOrder>(&Default::default(), &answer).unwrap();
    let mut child = std::process::Command::new("python3")
        .args(["-c", ZEEP])
        .arg(&wsdl)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(response.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "zeep failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (request, reply) = stdout.split_once("----\n").unwrap();
    let read = xml::decode_request::<PlaceOrder>(request.trim().as_bytes()).unwrap();
    assert_eq!(read.body, order());
    assert_eq!(reply.trim(), "42 BACKORDERED");
}
