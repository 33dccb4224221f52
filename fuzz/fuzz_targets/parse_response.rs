//! Any bytes, read as a response of every operation and as any message of the API: an error,
//! never a panic, and what is read writes back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mktows::elements::AnyElement;
use mktows::xml::{self, Operation, OperationVisitor};

struct DecodeEvery<'a>(&'a [u8]);

impl OperationVisitor for DecodeEvery<'_> {
    fn visit<O: Operation>(&mut self) {
        let _ = xml::decode_response::<O>(self.0);
        let _ = xml::decode_request::<O>(self.0);
    }
}

fuzz_target!(|data: &[u8]| {
    mktows::operations::visit_operations(&mut DecodeEvery(data));
    if let Ok(envelope) = xml::decode_any::<AnyElement>(data) {
        if let Ok(written) = xml::encode_any(&envelope) {
            let again = xml::decode_any::<AnyElement>(written.as_bytes()).expect("what we write reads back");
            assert_eq!(again, envelope);
        }
    }
});
