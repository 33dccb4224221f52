//! Reads a request of another service through bindings generated for it, writes it back, and
//! prints what it read: the runtime alone is enough.

#[allow(missing_docs, dead_code, clippy::all)]
mod bindings {
    include!("bindings.rs");
}

use bindings::operations::Exchange;

const REQUEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:constructs" xmlns:f="urn:foreign" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<soap:Body><c:request><c:open><c:id>7</c:id><f:extra a="1"/><c:note>n</c:note></c:open><c:value xsi:nil="true"/></c:request></soap:Body>
</soap:Envelope>"#;

fn main() {
    let read = mktows_runtime::decode_request::<Exchange>(REQUEST.as_bytes())
        .expect("the request reads")
        .body;
    let written = mktows_runtime::encode_request::<Exchange>(&Default::default(), &read)
        .expect("the request writes");
    let again = mktows_runtime::decode_request::<Exchange>(written.as_bytes())
        .expect("what was written reads")
        .body;
    assert_eq!((again.open.id, &again.open.note), (read.open.id, &read.open.note));
    // Open content is written back as it was read, with the declaration it uses.
    assert!(
        written.contains(r#"<f:extra xmlns:f="urn:foreign" a="1"/>"#),
        "{written}"
    );
    println!(
        "id {}, note {}, kept {}",
        read.open.id,
        read.open.note.as_deref().unwrap_or("-"),
        read.open.any[0].xml
    );
}
