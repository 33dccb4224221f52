//! Every input the fuzzers kept (fuzz/regressions/*, a minimized corpus, and fuzz/seeds/*) replayed through
//! the same checks as the fuzz targets: no panic, what is read writes back.

use std::path::Path;

use mktows::elements::AnyElement;
use mktows::xml::{self, Operation, OperationVisitor, Reply};

fn inputs(target: &str) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut files = Vec::new();
    for dir in ["regressions", "seeds"] {
        if let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) {
            for entry in entries {
                files.push(std::fs::read(entry.unwrap().path()).unwrap());
            }
        }
    }
    assert!(!files.is_empty(), "no inputs for {target}");
    files
}

struct DecodeEvery<'a>(&'a [u8]);

impl OperationVisitor for DecodeEvery<'_> {
    fn visit<O: Operation>(&mut self) {
        let _ = xml::decode_response::<O>(self.0);
        let _ = xml::decode_request::<O>(self.0);
    }
}

#[test]
fn parse_response_inputs() {
    for data in inputs("parse_response") {
        mktows::operations::visit_operations(&mut DecodeEvery(&data));
        if let Ok(envelope) = xml::decode_any::<AnyElement>(&data)
            && let Ok(written) = xml::encode_any(&envelope)
        {
            assert_eq!(
                xml::decode_any::<AnyElement>(written.as_bytes()).unwrap(),
                envelope
            );
        }
    }
}

#[test]
fn parse_fault_inputs() {
    for data in inputs("parse_fault") {
        let mut document = b"<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\"><SOAP-ENV:Body><SOAP-ENV:Fault>".to_vec();
        document.extend_from_slice(&data);
        document.extend_from_slice(b"</SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>");
        if let Ok(Reply::Fault(fault)) =
            xml::decode_response::<mktows::operations::SyncLead>(&document)
        {
            let _ = mktows::ServiceFault::new(500, fault.clone()).to_string();
            let written = xml::encode_fault(&fault, mktows::NAMESPACES).unwrap();
            assert!(
                xml::decode_response::<mktows::operations::SyncLead>(written.as_bytes()).is_ok()
            );
        }
    }
}

#[test]
fn generate_inputs() {
    let path = std::env::temp_dir().join(format!(
        "mktows-fuzz-regression-{}.wsdl",
        std::process::id()
    ));
    for data in inputs("generate") {
        std::fs::write(&path, &data).unwrap();
        if let Ok(code) = codegen::Config::new().wsdl(&path).generate() {
            assert!(code.starts_with("// @generated"));
            syn::parse_file(&code).expect("generated code is Rust");
        }
    }
    let _ = std::fs::remove_file(path);
}
