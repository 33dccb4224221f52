//! A minimal one-operation WSDL around a schema fragment, generated from a temporary file: the
//! fixture of the diagnostics tests.

use std::path::PathBuf;

use mktows_codegen::{Config, Error};

/// Writes `wsdl` to a temporary file (with optional sibling files) and runs the generator.
pub fn generate(
    name: &str,
    wsdl: &str,
    siblings: &[(&str, &str)],
) -> (PathBuf, Result<String, Error>) {
    let dir = std::env::temp_dir().join(format!("mktows-codegen-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (file, text) in siblings {
        std::fs::write(dir.join(file), text).unwrap();
    }
    let path = dir.join(format!("{name}.wsdl"));
    std::fs::write(&path, wsdl).unwrap();
    let result = Config::new().wsdl(&path).generate();
    (path, result)
}

/// A minimal valid WSDL around `schema_body`, with one operation `op` using `in`/`out` elements.
pub fn wsdl(schema_body: &str) -> String {
    format!(
        r#"<?xml version="1.0"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:t" targetNamespace="urn:t">
  <wsdl:types>
    <xs:schema targetNamespace="urn:t">
{schema_body}
      <xs:element name="in" type="tns:In"/>
      <xs:element name="out" type="tns:In"/>
    </xs:schema>
  </wsdl:types>
  <wsdl:message name="In"><wsdl:part name="p" element="tns:in"/></wsdl:message>
  <wsdl:message name="Out"><wsdl:part name="p" element="tns:out"/></wsdl:message>
  <wsdl:portType name="P"><wsdl:operation name="op"><wsdl:input message="tns:In"/><wsdl:output message="tns:Out"/></wsdl:operation></wsdl:portType>
  <wsdl:binding name="B" type="tns:P">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="op"><soap:operation soapAction="urn:op"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="S"><wsdl:port name="Port" binding="tns:B"><soap:address location="http://localhost/"/></wsdl:port></wsdl:service>
</wsdl:definitions>"#
    )
}

/// Asserts that generating `wsdl(schema_body)` stops with an unsupported-construct diagnostic
/// naming `construct`, at `line` of the written file.
pub fn unsupported(name: &str, schema_body: &str, construct: &str, line: u32) {
    let (path, result) = generate(name, &wsdl(schema_body), &[]);
    match result {
        Err(Error::Unsupported {
            location,
            construct: found,
            ..
        }) => {
            assert_eq!(location.file, path);
            assert_eq!(location.line, line, "{found}");
            assert!(location.column > 1);
            assert!(found.contains(construct), "{found}");
            let message = Error::Unsupported {
                location,
                construct: found,
                hint: String::new(),
            }
            .to_string();
            assert!(
                message.starts_with(&format!("{}:{line}:", path.display())),
                "{message}"
            );
        }
        other => panic!("{name}: expected an unsupported-construct diagnostic, got {other:?}"),
    }
}
