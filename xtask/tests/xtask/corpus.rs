//! `cargo xtask corpus` on a tiny corpus: the feature WSDL (generated, compiled, its one
//! operation's request valid), the samples WSDL (simple types whose valid values the samples
//! must find: ranges, digits, lists, unions), an rpc/literal WSDL (its wrapper elements
//! declared for xmllint from the WSDL's messages), an rpc/encoded one (SOAP-encoded arrays, the
//! built-in SOAP encoding schema given to xmllint), a WSDL whose schema `cargo xtask vendor`
//! saved (read through its manifest) and a folder the generator refuses (reported with its
//! position).

use std::path::{Path, PathBuf};

use xtask::corpus::{self, CorpusOptions};

use crate::tools;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-corpus-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(from, to).unwrap();
}

#[test]
fn reports_each_wsdl_and_the_totals() {
    if !tools::have("command -v xmllint", "apt-get install libxml2-utils") {
        return;
    }
    let root = xtask::workspace_root();
    let dir = scratch("dir");
    let data = root.join("tests/data/wsdl");
    copy(
        &data.join("features.wsdl"),
        &dir.join("features/features.wsdl"),
    );
    copy(&data.join("other.xsd"), &dir.join("features/other.xsd"));
    copy(
        &data.join("samples.wsdl"),
        &dir.join("samples/samples.wsdl"),
    );
    copy(&data.join("rpc.wsdl"), &dir.join("rpc/rpc.wsdl"));
    copy(
        &data.join("encoded.wsdl"),
        &dir.join("encoded/encoded.wsdl"),
    );
    std::fs::create_dir_all(dir.join("refused")).unwrap();
    std::fs::write(
        dir.join("refused/refused.wsdl"),
        "<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\" xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n<types><xs:schema targetNamespace=\"urn:x\">\n  <xs:import namespace=\"urn:y\" schemaLocation=\"http://example.com/y.xsd\"/>\n</xs:schema></types>\n</definitions>\n",
    )
    .unwrap();
    // A WSDL whose request element comes from a remote schema, saved by `vendor` (from a
    // mirror): generated through the manifest, and judged by xmllint through its catalog.
    let src = scratch("vendored-src");
    std::fs::write(src.join("v.wsdl"), VENDORED_WSDL).unwrap();
    std::fs::write(
        src.join("r.xsd"),
        r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:r" elementFormDefault="qualified">
  <xs:element name="value"><xs:simpleType><xs:restriction base="xs:string"><xs:enumeration value="only"/></xs:restriction></xs:simpleType></xs:element>
</xs:schema>"#,
    )
    .unwrap();
    let vendor_options = xtask::vendor::VendorOptions {
        mirrors: vec![("http://example.com/schemas/".into(), src.clone())],
        ..Default::default()
    };
    xtask::vendor::vendor(
        src.join("v.wsdl").to_str().unwrap(),
        &dir.join("vendored"),
        &vendor_options,
    )
    .unwrap();
    let mut options = CorpusOptions::for_workspace(&root);
    options.work_dir = scratch("work");
    let report = corpus::run(&dir, &options).unwrap();
    let text = report.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 7, "{text}");
    assert_eq!(
        lines[0], "encoded: generated yes, compiled yes, valid 2/2",
        "{text}"
    );
    assert_eq!(
        lines[1], "features: generated yes, compiled yes, valid 1/1",
        "{text}"
    );
    assert!(
        lines[2].starts_with("refused: generated no (refused/refused.wsdl:3:3: unsupported construct `xs:import schemaLocation="),
        "{text}"
    );
    assert!(lines[2].ends_with(", compiled -, valid 0/0"), "{text}");
    assert_eq!(
        lines[3], "rpc: generated yes, compiled yes, valid 2/2",
        "{text}"
    );
    assert_eq!(
        lines[4], "samples: generated yes, compiled yes, valid 1/1",
        "{text}"
    );
    assert_eq!(
        lines[5], "vendored: generated yes, compiled yes, valid 1/1",
        "{text}"
    );
    assert_eq!(lines[6], "generated 5/6, compiled 5/6, valid 5/6");
    assert!(!report.all_pass());
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&src);
    let _ = std::fs::remove_dir_all(&options.work_dir);
}

#[test]
fn the_main_wsdl_is_the_one_with_a_service() {
    let dir = scratch("main");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("a.wsdl"), "<definitions/>").unwrap();
    std::fs::write(
        dir.join("sub/b.wsdl"),
        "<definitions><wsdl:service/></definitions>",
    )
    .unwrap();
    assert_eq!(corpus::main_wsdl(&dir).unwrap(), dir.join("sub/b.wsdl"));
    std::fs::remove_file(dir.join("sub/b.wsdl")).unwrap();
    assert_eq!(corpus::main_wsdl(&dir).unwrap(), dir.join("a.wsdl"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A service whose request holds an element of the remote schema `urn:r`.
const VENDORED_WSDL: &str = r#"<?xml version="1.0"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:v" xmlns:r="urn:r" targetNamespace="urn:v">
  <wsdl:types><xs:schema targetNamespace="urn:v" elementFormDefault="qualified">
    <xs:import namespace="urn:r" schemaLocation="http://example.com/schemas/r.xsd"/>
    <xs:element name="in"><xs:complexType><xs:sequence><xs:element ref="r:value"/></xs:sequence></xs:complexType></xs:element>
    <xs:element name="out" type="xs:string"/>
  </xs:schema></wsdl:types>
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
</wsdl:definitions>
"#;
