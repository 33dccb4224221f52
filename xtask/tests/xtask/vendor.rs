//! `cargo xtask vendor` against a real HTTP server on 127.0.0.1: a WSDL importing a relative
//! schema, an absolute-URL schema and a chain is saved byte for byte with its manifest, the
//! generator then generates from the saved copy without the server, and the bounds hold.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use xtask::vendor::{VendorOptions, vendor};

/// A response: status line, extra headers, body.
type Route = (&'static str, Vec<(String, String)>, Vec<u8>);

/// Serves `routes` (by request path) until the process ends; returns the base URL.
fn serve(routes: impl FnOnce(&str) -> BTreeMap<String, Route>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let routes = Arc::new(routes(&base));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let routes = Arc::clone(&routes);
            std::thread::spawn(move || {
                let mut request = Vec::new();
                let mut byte = [0u8; 1];
                while !request.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                    request.push(byte[0]);
                }
                let text = String::from_utf8_lossy(&request);
                let path = text.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let (status, headers, body) = routes.get(&path).cloned().unwrap_or((
                    "404 Not Found",
                    Vec::new(),
                    b"no such document".to_vec(),
                ));
                let mut head = format!(
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
                    body.len()
                );
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            });
        }
    });
    base
}

fn ok(body: String) -> Route {
    (
        "200 OK",
        vec![("Content-Type".into(), "text/xml".into())],
        body.into_bytes(),
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mktows-vendor-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

const XS: &str = r#"xmlns:xs="http://www.w3.org/2001/XMLSchema""#;

/// The service: its inline schema imports `types/a.xsd` (relative: it includes `a2.xsd`) and
/// `{base}/other/b.xsd` (absolute: it imports `../chain/c.xsd`, a chain).
fn service(base: &str) -> BTreeMap<String, Route> {
    let wsdl = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment: the copy must keep it, and these bytes: é -->
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    {XS} xmlns:tns="urn:svc" xmlns:a="urn:a" xmlns:b="urn:b" targetNamespace="urn:svc">
  <wsdl:types>
    <xs:schema targetNamespace="urn:svc" elementFormDefault="qualified">
      <xs:import namespace="urn:a" schemaLocation="types/a.xsd"/>
      <xs:import namespace="urn:b" schemaLocation="{base}/other/b.xsd"/>
      <xs:element name="in"><xs:complexType><xs:sequence>
        <xs:element name="a" type="a:A"/><xs:element name="b" type="b:B"/>
      </xs:sequence></xs:complexType></xs:element>
      <xs:element name="out" type="xs:string"/>
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
</wsdl:definitions>
"#
    );
    let a = format!(
        r#"<xs:schema {XS} xmlns:a="urn:a" targetNamespace="urn:a">
  <xs:include schemaLocation="a2.xsd"/>
  <xs:complexType name="A"><xs:sequence><xs:element name="inner" type="a:Inner"/></xs:sequence></xs:complexType>
</xs:schema>
"#
    );
    let a2 = format!(
        r#"<xs:schema {XS} targetNamespace="urn:a">
  <xs:complexType name="Inner"><xs:sequence><xs:element name="n" type="xs:int"/></xs:sequence></xs:complexType>
</xs:schema>
"#
    );
    let b = format!(
        r#"<xs:schema {XS} xmlns:c="urn:c" targetNamespace="urn:b">
    <xs:import namespace="urn:c" schemaLocation="../chain/c.xsd"/>
    <xs:complexType name="B"><xs:sequence><xs:element name="chained" type="c:FromTheChain"/></xs:sequence></xs:complexType>
</xs:schema>
"#
    );
    let c = format!(
        "<xs:schema {XS} targetNamespace=\"urn:c\">\r\n  <xs:simpleType name=\"FromTheChain\"><xs:restriction base=\"xs:string\"/></xs:simpleType>\r\n</xs:schema>\r\n"
    );
    BTreeMap::from([
        ("/svc/service.wsdl".to_owned(), ok(wsdl)),
        ("/svc/types/a.xsd".to_owned(), ok(a)),
        ("/svc/types/a2.xsd".to_owned(), ok(a2)),
        ("/other/b.xsd".to_owned(), ok(b)),
        ("/chain/c.xsd".to_owned(), ok(c)),
    ])
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn a_wsdl_and_its_imports_are_saved_byte_for_byte_with_a_manifest() {
    let mut served = BTreeMap::new();
    let base = serve(|base| {
        served = service(base);
        served.clone()
    });
    let host = base.trim_start_matches("http://").replace(':', "_");
    let dir = scratch("saved");
    let report = vendor(
        &format!("{base}/svc/service.wsdl"),
        &dir,
        &VendorOptions::default(),
    )
    .unwrap();
    let expected = [
        ("/svc/service.wsdl", "svc/service.wsdl"),
        ("/svc/types/a.xsd", "svc/types/a.xsd"),
        ("/other/b.xsd", "other/b.xsd"),
        ("/svc/types/a2.xsd", "svc/types/a2.xsd"),
        ("/chain/c.xsd", "chain/c.xsd"),
    ];
    let found: Vec<(String, PathBuf)> = report.documents.clone();
    assert_eq!(
        found,
        expected
            .iter()
            .map(|(path, file)| (format!("{base}{path}"), dir.join(&host).join(file)))
            .collect::<Vec<_>>(),
        "documents in the order they were found, breadth first"
    );
    assert_eq!(report.wsdl, dir.join(&host).join("svc/service.wsdl"));
    let manifest = std::fs::read_to_string(&report.manifest).unwrap();
    assert_eq!(report.manifest, dir.join("vendor.toml"));
    assert!(
        manifest.contains(&format!("source = \"{base}/svc/service.wsdl\"")),
        "{manifest}"
    );
    assert!(
        manifest.contains(&format!("wsdl = \"{host}/svc/service.wsdl\"")),
        "{manifest}"
    );
    for (path, file) in expected {
        let body = &served[path].2;
        let saved = std::fs::read(dir.join(&host).join(file)).unwrap();
        assert_eq!(&saved, body, "{path} is saved byte for byte");
        let entry = format!(
            "location = \"{base}{path}\"\nfile = \"{host}/{file}\"\nsha256 = \"{}\"\nbytes = {}\nfetched = \"",
            sha256(body),
            body.len()
        );
        assert!(manifest.contains(&entry), "{entry}\nnot in\n{manifest}");
    }
    // The manifest is the generator's: it reads it back.
    let parsed = codegen::manifest::ManifestFile::read(&report.manifest).unwrap();
    assert_eq!(parsed.documents.len(), 5);
    assert!(
        parsed
            .documents
            .iter()
            .all(|d| d.fetched.ends_with('Z') && d.mirror.is_none())
    );

    // The generator generates from the saved directory alone (the server could be gone): the
    // absolute import and the relative one inside the remote document come from the manifest.
    let code = codegen::Config::new()
        .wsdl(&report.wsdl)
        .runtime_path("crate::xml")
        .generate()
        .unwrap();
    for name in [
        "pub struct A ",
        "pub struct Inner ",
        "pub struct B ",
        "pub type FromTheChain",
    ] {
        assert!(
            code.contains(name),
            "{name} missing from the generated code"
        );
    }
    // And with the manifest named explicitly, from a copy of the WSDL elsewhere.
    let elsewhere = scratch("elsewhere");
    std::fs::create_dir_all(elsewhere.join("svc")).unwrap();
    std::fs::copy(&report.wsdl, elsewhere.join("svc/service.wsdl")).unwrap();
    std::fs::create_dir_all(elsewhere.join("svc/types")).unwrap();
    for file in ["a.xsd", "a2.xsd"] {
        std::fs::copy(
            dir.join(&host).join("svc/types").join(file),
            elsewhere.join("svc/types").join(file),
        )
        .unwrap();
    }
    let without = codegen::Config::new()
        .wsdl(elsewhere.join("svc/service.wsdl"))
        .generate()
        .unwrap_err()
        .to_string();
    assert!(without.contains("cargo xtask vendor"), "{without}");
    let with = codegen::Config::new()
        .wsdl(elsewhere.join("svc/service.wsdl"))
        .schema_manifest(&report.manifest)
        .runtime_path("crate::xml")
        .generate()
        .unwrap();
    assert_eq!(with, code);

    // A second run into the same directory replaces it (same files, fresh manifest).
    let again = vendor(
        &format!("{base}/svc/service.wsdl"),
        &dir,
        &VendorOptions::default(),
    )
    .unwrap();
    assert_eq!(again.documents, report.documents);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&elsewhere);
}

#[test]
fn the_bounds_hold_with_clear_errors() {
    let base = serve(|base| {
        let mut routes = service(base);
        let big = format!(
            "<xs:schema {XS} targetNamespace=\"urn:big\"><!--{}--></xs:schema>",
            "x".repeat(100_000)
        );
        routes.insert("/big.xsd".into(), ok(big));
        routes.insert(
            "/to-file.xsd".into(),
            (
                "302 Found",
                vec![("Location".into(), "file:///etc/passwd".into())],
                Vec::new(),
            ),
        );
        routes.insert("/not-xml".into(), ok("{\"json\": true}".into()));
        routes
    });
    let run = |url: &str, options: &VendorOptions, name: &str| {
        vendor(&format!("{base}{url}"), &scratch(name), options).unwrap_err()
    };
    let small = VendorOptions {
        max_bytes: 50_000,
        ..VendorOptions::default()
    };
    let err = run("/big.xsd", &small, "big");
    assert!(
        err.contains("larger than 50000 bytes") && err.contains("/big.xsd"),
        "{err}"
    );
    let few = VendorOptions {
        max_documents: 3,
        ..VendorOptions::default()
    };
    let err = run("/svc/service.wsdl", &few, "few");
    assert!(err.contains("more than 3 documents"), "{err}");
    let err = run("/to-file.xsd", &VendorOptions::default(), "redirect");
    assert!(
        err.contains("file:///etc/passwd") && err.contains("not http(s)"),
        "{err}"
    );
    let err = run("/missing.xsd", &VendorOptions::default(), "missing");
    assert!(err.contains("HTTP 404"), "{err}");
    let err = run("/not-xml", &VendorOptions::default(), "not-xml");
    assert!(err.contains("/not-xml"), "{err}");

    // A directory with other files in it is not overwritten.
    let busy = scratch("busy");
    std::fs::create_dir_all(&busy).unwrap();
    std::fs::write(busy.join("keep.txt"), "mine").unwrap();
    let err = vendor(
        &format!("{base}/svc/service.wsdl"),
        &busy,
        &VendorOptions::default(),
    )
    .unwrap_err();
    assert!(err.contains("not empty"), "{err}");
    assert_eq!(
        std::fs::read_to_string(busy.join("keep.txt")).unwrap(),
        "mine"
    );
    let _ = std::fs::remove_dir_all(&busy);
}

#[test]
fn a_mirror_stands_in_for_the_network_and_local_files_keep_their_layout() {
    let root = scratch("mirror");
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    // A local WSDL two folders down importing a sibling tree by `../../`, and a remote schema
    // that only the mirror has (the host does not exist).
    write(
        "src/ver10/device/s.wsdl",
        &format!(
            r#"<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" {XS}><wsdl:types>
<xs:schema><xs:import namespace="urn:o" schemaLocation="../../ver10/schema/o.xsd"/></xs:schema></wsdl:types></wsdl:definitions>"#
        ),
    );
    write(
        "src/ver10/schema/o.xsd",
        &format!(
            r#"<xs:schema {XS} targetNamespace="urn:o"><xs:import namespace="urn:m" schemaLocation="http://mirror.invalid/m/m.xsd"/></xs:schema>"#
        ),
    );
    write(
        "copies/m/m.xsd",
        &format!(r#"<xs:schema {XS} targetNamespace="urn:m"/>"#),
    );
    let options = VendorOptions {
        mirrors: vec![("http://mirror.invalid/".into(), root.join("copies"))],
        ..VendorOptions::default()
    };
    let out = root.join("out");
    let report = vendor(
        root.join("src/ver10/device/s.wsdl").to_str().unwrap(),
        &out,
        &options,
    )
    .unwrap();
    let files: Vec<(&str, &Path)> = report
        .documents
        .iter()
        .map(|(l, f)| (l.as_str(), f.strip_prefix(&out).unwrap()))
        .collect();
    assert_eq!(
        files,
        [
            ("s.wsdl", Path::new("ver10/device/s.wsdl")),
            ("../schema/o.xsd", Path::new("ver10/schema/o.xsd")),
            (
                "http://mirror.invalid/m/m.xsd",
                Path::new("mirror.invalid/m/m.xsd")
            ),
        ]
    );
    let manifest = std::fs::read_to_string(&report.manifest).unwrap();
    assert!(
        manifest.contains(&format!("mirror = \"{}\"", root.join("copies").display())),
        "{manifest}"
    );
    let _ = std::fs::remove_dir_all(&root);
}
