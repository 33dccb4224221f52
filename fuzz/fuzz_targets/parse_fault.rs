//! Any bytes inside a SOAP fault's Body: parsed into a typed fault or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mktows::xml::{self, Reply};

fuzz_target!(|data: &[u8]| {
    let mut document = b"<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\"><SOAP-ENV:Body><SOAP-ENV:Fault>".to_vec();
    document.extend_from_slice(data);
    document.extend_from_slice(b"</SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>");
    if let Ok(Reply::Fault(fault)) = xml::decode_response::<mktows::operations::SyncLead>(&document) {
        let service = mktows::ServiceFault::new(500, fault.clone());
        let _ = service.to_string();
        let written = xml::encode_fault(&fault, mktows::NAMESPACES).expect("a parsed fault writes");
        let _ = xml::decode_response::<mktows::operations::SyncLead>(written.as_bytes()).expect("and reads back");
    }
});
