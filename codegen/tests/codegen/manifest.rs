//! Remote locations through a schema manifest (`vendor.toml`), and `wsdl:import`: what the
//! manifest lists is read from its copy, anything else stays a diagnostic naming file, line
//! and column; the generator never fetches.

use std::path::{Path, PathBuf};

use mktows_codegen::{Config, Error};

fn dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "mktows-codegen-manifest-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A WSDL whose schema has `imports` (lines 5 on) and an `in` element of type `{urn:o}O`.
fn wsdl(imports: &str) -> String {
    format!(
        r#"<?xml version="1.0"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:t" xmlns:o="urn:o" targetNamespace="urn:t">
  <wsdl:types><xs:schema targetNamespace="urn:t">
{imports}
      <xs:element name="in" type="o:O"/>
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
</wsdl:definitions>"#
    )
}

const O: &str = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:o="urn:o" targetNamespace="urn:o">
  <xs:include schemaLocation="parts/o2.xsd"/>
  <xs:complexType name="O"><xs:sequence><xs:element name="x" type="o:X"/></xs:sequence></xs:complexType>
</xs:schema>"#;

const O2: &str = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:o">
  <xs:simpleType name="X"><xs:restriction base="xs:string"><xs:enumeration value="fromTheManifest"/></xs:restriction></xs:simpleType>
</xs:schema>"#;

/// A manifest for the two remote documents of `O` (its include is relative to its URL).
fn manifest(extra: &str) -> String {
    let entry = |location: &str, file: &str| {
        format!(
            "\n[[documents]]\nlocation = \"{location}\"\nfile = \"{file}\"\nsha256 = \"00\"\nbytes = 1\nfetched = \"2026-12-03T00:00:00Z\"\n"
        )
    };
    format!(
        "version = 1\nsource = \"s.wsdl\"\nwsdl = \"s.wsdl\"\n{}{}{extra}",
        entry(
            "http://example.com/schemas/o.xsd",
            "example.com/schemas/o.xsd"
        ),
        entry("http://example.com/schemas/parts/o2.xsd", "copies/o2.xsd"),
    )
}

fn unsupported(result: Result<String, Error>) -> (mktows_codegen::Location, String, String) {
    match result {
        Err(Error::Unsupported {
            location,
            construct,
            hint,
        }) => (location, construct, hint),
        other => panic!("expected an unsupported-construct diagnostic, got {other:?}"),
    }
}

#[test]
fn remote_locations_are_read_from_the_manifest_beside_the_wsdl() {
    let d = dir("beside");
    write(
        &d,
        "s.wsdl",
        &wsdl(
            r#"      <xs:import namespace="urn:o" schemaLocation="http://EXAMPLE.com/schemas/./o.xsd"/>"#,
        ),
    );
    write(&d, "example.com/schemas/o.xsd", O);
    // Not where the URL's path would put it: the manifest decides.
    write(&d, "copies/o2.xsd", O2);
    write(&d, "vendor.toml", &manifest(""));
    let code = Config::new().wsdl(d.join("s.wsdl")).generate().unwrap();
    assert!(
        code.contains("FromTheManifest"),
        "the included schema was read"
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_remote_location_outside_the_manifest_is_a_diagnostic_naming_its_position() {
    let d = dir("outside");
    write(
        &d,
        "s.wsdl",
        &wsdl(
            r#"      <xs:import namespace="urn:o" schemaLocation="http://example.com/schemas/o.xsd"/>
      <xs:import namespace="urn:n" schemaLocation="https://example.com/not-saved.xsd"/>"#,
        ),
    );
    write(&d, "example.com/schemas/o.xsd", O);
    write(&d, "copies/o2.xsd", O2);
    write(&d, "vendor.toml", &manifest(""));
    let (location, construct, hint) = unsupported(Config::new().wsdl(d.join("s.wsdl")).generate());
    assert_eq!(
        (location.file.clone(), location.line, location.column),
        (d.join("s.wsdl"), 6, 7)
    );
    assert_eq!(
        construct,
        "xs:import schemaLocation=\"https://example.com/not-saved.xsd\""
    );
    assert!(
        hint.contains("not in the schema manifest") && hint.contains("cargo xtask vendor"),
        "{hint}"
    );
    let message = Error::Unsupported {
        location,
        construct,
        hint,
    }
    .to_string();
    assert!(
        message.starts_with(&format!("{}:6:7: ", d.join("s.wsdl").display())),
        "{message}"
    );

    // A relative location inside a remote document resolves against its URL: missing from the
    // manifest, it is named in that document.
    std::fs::write(d.join("s.wsdl"), wsdl(r#"      <xs:import namespace="urn:o" schemaLocation="http://example.com/schemas/o.xsd"/>"#)).unwrap();
    write(
        &d,
        "vendor.toml",
        &manifest("").replace("parts/o2.xsd", "elsewhere/o2.xsd"),
    );
    let (location, construct, hint) = unsupported(Config::new().wsdl(d.join("s.wsdl")).generate());
    assert_eq!(
        (location.file, location.line, location.column),
        (d.join("example.com/schemas/o.xsd"), 2, 3)
    );
    assert_eq!(construct, "xs:include schemaLocation=\"parts/o2.xsd\"");
    assert!(
        hint.contains("http://example.com/schemas/parts/o2.xsd"),
        "{hint}"
    );

    // Without a manifest: the diagnostic says how to get one.
    std::fs::remove_file(d.join("vendor.toml")).unwrap();
    let (location, _, hint) = unsupported(Config::new().wsdl(d.join("s.wsdl")).generate());
    assert_eq!((location.line, location.column), (5, 7));
    assert!(
        hint.contains("never fetches") && hint.contains("cargo xtask vendor WSDL DIR"),
        "{hint}"
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_configured_manifest_is_used_and_a_broken_one_is_named() {
    let d = dir("configured");
    write(
        &d,
        "wsdl/s.wsdl",
        &wsdl(
            r#"      <xs:import namespace="urn:o" schemaLocation="http://example.com/schemas/o.xsd"/>"#,
        ),
    );
    write(&d, "saved/example.com/schemas/o.xsd", O);
    write(&d, "saved/copies/o2.xsd", O2);
    write(&d, "saved/vendor.toml", &manifest(""));
    let code = Config::new()
        .wsdl(d.join("wsdl/s.wsdl"))
        .schema_manifest(d.join("saved/vendor.toml"))
        .generate()
        .unwrap();
    assert!(code.contains("FromTheManifest"));
    // The manifest beside another WSDL is not this WSDL's: not used.
    write(
        &d,
        "wsdl/vendor.toml",
        &manifest("").replace("wsdl = \"s.wsdl\"", "wsdl = \"other.wsdl\""),
    );
    let (_, _, hint) = unsupported(Config::new().wsdl(d.join("wsdl/s.wsdl")).generate());
    assert!(hint.contains("never fetches"), "{hint}");
    for (broken, says) in [
        (
            "version = 2\nsource = \"\"\nwsdl = \"s.wsdl\"\n",
            "version 2",
        ),
        ("version = 1\n", "missing field"),
    ] {
        write(&d, "saved/vendor.toml", broken);
        let err = Config::new()
            .wsdl(d.join("wsdl/s.wsdl"))
            .schema_manifest(d.join("saved/vendor.toml"))
            .generate()
            .unwrap_err();
        assert!(matches!(err, Error::Manifest { .. }), "{err}");
        assert!(
            err.to_string().contains(says) && err.to_string().contains("saved/vendor.toml"),
            "{err}"
        );
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn wsdl_import_reads_the_imported_definitions_relative_or_through_the_manifest() {
    let d = dir("wsdl-import");
    let full = wsdl(r#"      <xs:import namespace="urn:o" schemaLocation="o.xsd"/>"#);
    // Split: the service and binding in one file, the types, messages and port type in another.
    let binding_start = full.find("  <wsdl:binding").unwrap();
    let head_start = full.find("<wsdl:definitions").unwrap();
    let head_end = head_start + full[head_start..].find('>').unwrap();
    let open_tag = &full[head_start..=head_end];
    let abstract_part = format!(
        "{open_tag}\n{}</wsdl:definitions>\n",
        &full[head_end + 1..binding_start]
    );
    let concrete = |location: &str| {
        format!(
            "{open_tag}\n  <wsdl:import namespace=\"urn:t\" location=\"{location}\"/>\n{}",
            &full[binding_start..]
        )
    };
    write(&d, "abstract/types.wsdl", &abstract_part);
    write(&d, "abstract/o.xsd", &O.replace("parts/o2.xsd", "o2.xsd"));
    write(&d, "abstract/o2.xsd", O2);
    write(&d, "service.wsdl", &concrete("abstract/types.wsdl"));
    let code = Config::new()
        .wsdl(d.join("service.wsdl"))
        .generate()
        .unwrap();
    assert!(
        code.contains("FromTheManifest") && code.contains("pub struct Op;"),
        "{code}"
    );

    // Remote, through the manifest, and a document that is neither WSDL nor schema.
    write(
        &d,
        "remote.wsdl",
        &concrete("http://example.com/abstract/types.wsdl"),
    );
    let entry = |location: &str, file: &str| {
        format!(
            "\n[[documents]]\nlocation = \"{location}\"\nfile = \"{file}\"\nsha256 = \"00\"\nbytes = 1\nfetched = \"2026-12-03T00:00:00Z\"\n"
        )
    };
    write(
        &d,
        "vendor.toml",
        &format!(
            "version = 1\nsource = \"remote.wsdl\"\nwsdl = \"remote.wsdl\"\n{}{}{}",
            entry(
                "http://example.com/abstract/types.wsdl",
                "abstract/types.wsdl"
            ),
            entry("http://example.com/abstract/o.xsd", "abstract/o.xsd"),
            entry("http://example.com/abstract/o2.xsd", "abstract/o2.xsd"),
        ),
    );
    let remote = Config::new()
        .wsdl(d.join("remote.wsdl"))
        .generate()
        .unwrap();
    assert_eq!(
        remote.replace("from remote.wsdl", "from service.wsdl"),
        code
    );
    write(&d, "odd.wsdl", &concrete("odd.xml"));
    write(&d, "odd.xml", "<note>not a WSDL</note>");
    let err = Config::new()
        .wsdl(d.join("odd.wsdl"))
        .generate()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { location, .. } if location.file == d.join("odd.xml") && location.line == 1),
        "{err}"
    );
    // A cycle of imports is read once.
    write(
        &d,
        "abstract/types.wsdl",
        &abstract_part.replace(
            "<wsdl:types>",
            "<wsdl:import namespace=\"urn:t\" location=\"../service.wsdl\"/>\n  <wsdl:types>",
        ),
    );
    let cyclic = Config::new()
        .wsdl(d.join("service.wsdl"))
        .generate()
        .unwrap();
    assert_eq!(cyclic, code);
    let _ = std::fs::remove_dir_all(&d);
}
