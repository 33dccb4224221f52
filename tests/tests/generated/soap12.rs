//! SOAP 1.2 bindings and messages without parts (`data/wsdl/soap12.wsdl`, golden
//! `data/golden/soap12.rs`): the WSDL has no `wsdl:service`, as ONVIF's interface descriptions,
//! so its one binding is used; `Reset` answers with an empty Body and `Heartbeat` is asked with
//! one. Python zeep, which nobody here wrote, judges both ways.

use mktows::xml::{self, Fault, Reply, SoapVersion};
use mktows_tests::soap12::operations::{DeviceStub, Heartbeat, Ping, Reset};
use mktows_tests::soap12::{SERVICE_ADDRESS, SOAP_VERSION, types};

use mktows_tests::tools;

const SOAP12_ENV: &str = "http://www.w3.org/2003/05/soap-envelope";
const SOAP11_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";

/// Runs `script` with zeep bound to the WSDL's binding as `s` (client `c`); its output.
fn zeep(script: &str) -> Option<String> {
    if !tools::have("python3 -c 'import zeep'", "pip install zeep") {
        return None;
    }
    let bind =
        "s = c.create_service('{urn:soap12:device}DeviceBinding', 'http://127.0.0.1:9/device')\n";
    Some(mktows_tests::zeep_script(
        "soap12.wsdl",
        &format!("{bind}{script}"),
    ))
}

#[test]
fn the_binding_without_a_service_is_soap12_with_no_address() {
    assert_eq!(SOAP_VERSION, SoapVersion::Soap12);
    assert_eq!(SERVICE_ADDRESS, None);
    assert_eq!(
        SOAP_VERSION.content_type("urn:soap12:device/Ping"),
        "application/soap+xml; charset=utf-8; action=\"urn:soap12:device/Ping\""
    );
    assert_eq!(SOAP_VERSION.soap_action_header("urn:x"), None);
    assert_eq!(
        SoapVersion::Soap11.soap_action_header("urn:x").as_deref(),
        Some("\"urn:x\"")
    );
}

#[test]
fn requests_are_soap12_envelopes_and_a_soap11_one_is_refused() {
    let request =
        xml::encode_request::<Ping>(&Default::default(), &types::Ping::new("hello")).unwrap();
    assert!(request.contains(SOAP12_ENV), "{request}");
    assert!(!request.contains(SOAP11_ENV), "{request}");
    let read = xml::decode_request::<Ping>(request.as_bytes()).unwrap();
    assert_eq!(read.body.text, "hello");

    let soap11 = request.replace(SOAP12_ENV, SOAP11_ENV);
    let error = xml::decode_request::<Ping>(soap11.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("a SOAP 1.1 envelope; this service speaks SOAP 1.2"),
        "{error}"
    );
}

#[test]
fn an_empty_response_body_is_unit_and_anything_in_it_is_an_error() {
    let response = xml::encode_response::<Reset>(&Default::default(), &()).unwrap();
    assert!(
        response.contains("<SOAP-ENV:Body></SOAP-ENV:Body>"),
        "{response}"
    );
    match xml::decode_response::<Reset>(response.as_bytes()).unwrap() {
        Reply::Success(envelope) => assert_eq!(envelope.body, ()),
        Reply::Fault(f) => panic!("{f:?}"),
    }
    let stray = response.replace(
        "<SOAP-ENV:Body></SOAP-ENV:Body>",
        "<SOAP-ENV:Body><x:Done xmlns:x=\"urn:x\"/></SOAP-ENV:Body>",
    );
    let error = xml::decode_response::<Reset>(stray.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("<Done> in a Body that this operation leaves empty"),
        "{error}"
    );
    // An operation whose response has an element cannot take an empty Body for it.
    let error = xml::decode_response::<Heartbeat>(response.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(error.contains("the Body is empty"), "{error}");
}

/// An invoker that answers every call with the encoded response `O` would send, after
/// checking the request reads back: the stub's signatures are what a user calls.
struct Loopback;

impl xml::Invoke for Loopback {
    type Error = String;

    async fn invoke<O: xml::Operation>(
        &self,
        headers: O::InputHeaders,
        input: O::Input,
    ) -> Result<O::Output, String> {
        let request = xml::encode_request::<O>(&headers, &input).map_err(|e| e.to_string())?;
        xml::decode_request::<O>(request.as_bytes()).map_err(|e| e.to_string())?;
        let answer = match O::INFO.name {
            "Heartbeat" => {
                r#"<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><HeartbeatResponse xmlns="urn:soap12:device"><Count>42</Count></HeartbeatResponse></e:Body></e:Envelope>"#
            }
            "Reset" => {
                r#"<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>"#
            }
            other => return Err(format!("no answer for {other}")),
        };
        match xml::decode_response::<O>(answer.as_bytes()).map_err(|e| e.to_string())? {
            Reply::Success(envelope) => Ok(envelope.body),
            Reply::Fault(fault) => Err(fault.string),
        }
    }
}

#[tokio::test]
async fn the_stub_takes_no_argument_for_an_empty_request_and_returns_unit_for_an_empty_response() {
    let stub = DeviceStub::new(Loopback);
    let beat = stub.heartbeat(Default::default()).await.unwrap();
    assert_eq!(beat.count, 42);
    let reset: () = stub
        .reset(Default::default(), types::Reset::new(5))
        .await
        .unwrap();
    assert_eq!(reset, ());
}

/// The fault of SOAP 1.2 Part 1, example 4 (a `env:Sender` fault with a subcode, a reason in
/// two languages and a detail).
const SPEC_FAULT: &str = r#"<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"
              xmlns:m="http://www.example.org/timeouts"
              xmlns:xml="http://www.w3.org/XML/1998/namespace">
 <env:Body>
  <env:Fault>
   <env:Code>
     <env:Value>env:Sender</env:Value>
     <env:Subcode>
      <env:Value>m:MessageTimeout</env:Value>
     </env:Subcode>
   </env:Code>
   <env:Reason>
     <env:Text xml:lang="en">Sender Timeout</env:Text>
     <env:Text xml:lang="de">Sender Zeitüberschreitung</env:Text>
   </env:Reason>
   <env:Detail>
     <m:MaxTime>P5M</m:MaxTime>
   </env:Detail>
  </env:Fault>
 </env:Body>
</env:Envelope>"#;

#[test]
fn a_soap12_fault_reads_with_its_code_subcode_reason_and_detail() {
    let Reply::Fault(fault) = xml::decode_response::<Ping>(SPEC_FAULT.as_bytes()).unwrap() else {
        panic!("a fault");
    };
    assert_eq!(fault.code, "env:Sender");
    assert_eq!(fault.code_local(), "Sender");
    assert_eq!(fault.subcodes, ["m:MessageTimeout"]);
    assert_eq!(fault.string, "Sender Timeout");
    assert_eq!(fault.detail.len(), 1);
    assert_eq!(fault.detail[0].name, "MaxTime");
    assert_eq!(fault.detail[0].text.as_deref(), Some("P5M"));

    // Ours, written and read back, keeps every part.
    let ours = Fault {
        code: "SOAP-ENV:Receiver".into(),
        subcodes: vec!["ns1:Busy".into(), "ns1:Rebooting".into()],
        string: "device busy".into(),
        actor: Some("urn:role".into()),
        node: Some("urn:node".into()),
        detail: Vec::new(),
    };
    let text =
        xml::encode_fault_as(SoapVersion::Soap12, &ours, mktows_tests::soap12::NAMESPACES).unwrap();
    let Reply::Fault(read) = xml::decode_response::<Ping>(text.as_bytes()).unwrap() else {
        panic!("a fault: {text}");
    };
    assert_eq!(read, ours, "{text}");
}

#[test]
fn what_zeep_sends_reads_back_as_the_same_values() {
    let Some(out) = zeep(
        "for name, args in [('Ping', dict(Text='hi')), ('Reset', dict(DelaySeconds=5)), ('Heartbeat', dict())]:\n    \
         envelope, headers = s._binding._create(name, (), args, client=c, options={'address': 'http://127.0.0.1:9/device'})\n    \
         print(etree.tostring(envelope).decode())\n    \
         print(headers['Content-Type'])\n",
    ) else {
        return;
    };
    let mut lines = out.lines();
    let mut next = |operation: &str| {
        let envelope = lines.next().unwrap().to_owned();
        // zeep labels the request as we do.
        let content_type = lines.next().unwrap();
        assert_eq!(
            content_type,
            SOAP_VERSION.content_type(&format!("urn:soap12:device/{operation}"))
        );
        envelope
    };
    let ping = xml::decode_request::<Ping>(next("Ping").as_bytes()).unwrap();
    assert_eq!(ping.body.text, "hi");
    let reset = xml::decode_request::<Reset>(next("Reset").as_bytes()).unwrap();
    assert_eq!(reset.body.delay_seconds, 5);
    let heartbeat = next("Heartbeat");
    assert!(heartbeat.contains(SOAP12_ENV), "{heartbeat}");
    xml::decode_request::<Heartbeat>(heartbeat.as_bytes()).unwrap();
}

#[test]
fn what_we_answer_zeep_reads() {
    let echo =
        xml::encode_response::<Ping>(&Default::default(), &types::PingResponse::new("hi")).unwrap();
    let reset = xml::encode_response::<Reset>(&Default::default(), &()).unwrap();
    let beat =
        xml::encode_response::<Heartbeat>(&Default::default(), &types::HeartbeatResponse::new(7))
            .unwrap();
    let fault = xml::encode_fault_as(
        SoapVersion::Soap12,
        &Fault {
            code: "SOAP-ENV:Sender".into(),
            string: "bad delay".into(),
            ..Fault::default()
        },
        mktows_tests::soap12::NAMESPACES,
    )
    .unwrap();
    let script = format!(
        "def reply(name, text):\n    \
             return s._binding._operations[name].process_reply(etree.fromstring(text.encode()))\n\
         for name, text in [('Ping', {echo:?}), ('Reset', {reset:?}), ('Heartbeat', {beat:?})]:\n    \
             print(repr(reply(name, text)))\n\
         try:\n    s._binding.process_error(etree.fromstring({fault:?}.encode()), s._binding._operations['Reset'])\n\
         except zeep.exceptions.Fault as f:\n    print(f.code, '|', f.message)\n"
    );
    let Some(out) = zeep(&script) else {
        return;
    };
    assert_eq!(
        out, "'hi'\nNone\n7\nSOAP-ENV:Sender | bad delay\n",
        "{echo}\n{reset}\n{beat}\n{fault}"
    );
}
