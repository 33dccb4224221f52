//! The schema of the SOAP 1.1 encoding namespace (`http://schemas.xmlsoap.org/soap/encoding/`),
//! built in so that nothing fetches it: what a schema validator needs for the WSDLs of
//! rpc/encoded services, whose schemas import the namespace without a location and derive
//! their arrays from `soapenc:Array` (the corpus check gives it to xmllint). The generator
//! itself never reads it: `soapenc:Array` is recognised by name (`parse/encoded.rs`).
//!
//! It declares what the schema published at that URL declares (SOAP 1.1, W3C Note of 8 May
//! 2000, section 5): the `root` attribute, the `id`/`href` common attributes, the array
//! attributes (`arrayType`, `offset`, `position`) and their `arrayCoordinate` type, the
//! `Array` and `Struct` types with their groups and elements, `base64`, and for each XML
//! Schema built-in a complex type of that name (its simple content plus the common attributes)
//! with an element of that name.

/// The XML Schema built-ins the encoding namespace restates, with the base each extends.
const BUILTINS: &[(&str, &str)] = &[
    ("duration", "duration"),
    ("dateTime", "dateTime"),
    ("NOTATION", "QName"),
    ("time", "time"),
    ("date", "date"),
    ("gYearMonth", "gYearMonth"),
    ("gYear", "gYear"),
    ("gMonthDay", "gMonthDay"),
    ("gDay", "gDay"),
    ("gMonth", "gMonth"),
    ("boolean", "boolean"),
    ("base64Binary", "base64Binary"),
    ("hexBinary", "hexBinary"),
    ("float", "float"),
    ("double", "double"),
    ("anyURI", "anyURI"),
    ("QName", "QName"),
    ("string", "string"),
    ("normalizedString", "normalizedString"),
    ("token", "token"),
    ("language", "language"),
    ("Name", "Name"),
    ("NMTOKEN", "NMTOKEN"),
    ("NCName", "NCName"),
    ("NMTOKENS", "NMTOKENS"),
    ("ID", "ID"),
    ("IDREF", "IDREF"),
    ("ENTITY", "ENTITY"),
    ("IDREFS", "IDREFS"),
    ("ENTITIES", "ENTITIES"),
    ("decimal", "decimal"),
    ("integer", "integer"),
    ("nonPositiveInteger", "nonPositiveInteger"),
    ("negativeInteger", "negativeInteger"),
    ("long", "long"),
    ("int", "int"),
    ("short", "short"),
    ("byte", "byte"),
    ("nonNegativeInteger", "nonNegativeInteger"),
    ("unsignedLong", "unsignedLong"),
    ("unsignedInt", "unsignedInt"),
    ("unsignedShort", "unsignedShort"),
    ("unsignedByte", "unsignedByte"),
    ("positiveInteger", "positiveInteger"),
];

const HEAD: &str = r###"<?xml version="1.0" encoding="UTF-8"?>
<!-- The SOAP 1.1 encoding namespace, as built in by mktows-codegen (see soap_encoding.rs). -->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:enc="http://schemas.xmlsoap.org/soap/encoding/"
           targetNamespace="http://schemas.xmlsoap.org/soap/encoding/">
  <!-- Whether an element is a root of the serialized graph (0 for multi-reference values). -->
  <xs:attribute name="root">
    <xs:simpleType>
      <xs:restriction base="xs:boolean">
        <xs:pattern value="0|1"/>
      </xs:restriction>
    </xs:simpleType>
  </xs:attribute>
  <!-- On every accessor and multi-reference value: href refers to the element with that id. -->
  <xs:attributeGroup name="commonAttributes">
    <xs:attribute name="id" type="xs:ID"/>
    <xs:attribute name="href" type="xs:anyURI"/>
    <xs:anyAttribute namespace="##other" processContents="lax"/>
  </xs:attributeGroup>
  <xs:simpleType name="arrayCoordinate">
    <xs:restriction base="xs:string"/>
  </xs:simpleType>
  <xs:attribute name="arrayType" type="xs:string"/>
  <xs:attribute name="offset" type="enc:arrayCoordinate"/>
  <xs:attributeGroup name="arrayAttributes">
    <xs:attribute ref="enc:arrayType"/>
    <xs:attribute ref="enc:offset"/>
  </xs:attributeGroup>
  <xs:attribute name="position" type="enc:arrayCoordinate"/>
  <xs:attributeGroup name="arrayMemberAttributes">
    <xs:attribute ref="enc:position"/>
  </xs:attributeGroup>
  <!-- Accessors identified by position. -->
  <xs:group name="Array">
    <xs:sequence>
      <xs:any namespace="##any" minOccurs="0" maxOccurs="unbounded" processContents="lax"/>
    </xs:sequence>
  </xs:group>
  <xs:element name="Array" type="enc:Array"/>
  <xs:complexType name="Array">
    <xs:group ref="enc:Array" minOccurs="0"/>
    <xs:attributeGroup ref="enc:arrayAttributes"/>
    <xs:attributeGroup ref="enc:commonAttributes"/>
  </xs:complexType>
  <!-- Accessors identified by name. -->
  <xs:group name="Struct">
    <xs:sequence>
      <xs:any namespace="##any" minOccurs="0" maxOccurs="unbounded" processContents="lax"/>
    </xs:sequence>
  </xs:group>
  <xs:element name="Struct" type="enc:Struct"/>
  <xs:complexType name="Struct">
    <xs:group ref="enc:Struct" minOccurs="0"/>
    <xs:attributeGroup ref="enc:commonAttributes"/>
  </xs:complexType>
  <!-- Binary data in base64, without MIME's line length limit. -->
  <xs:simpleType name="base64">
    <xs:restriction base="xs:base64Binary"/>
  </xs:simpleType>
"###;

/// The schema document, as text.
pub fn soap_encoding_schema() -> String {
    let mut out = String::from(HEAD);
    out.push_str("  <!-- The XML Schema built-ins, with the common attributes. -->\n");
    for (name, base) in BUILTINS {
        out.push_str(&format!(
            "  <xs:element name=\"{name}\" type=\"enc:{name}\"/>\n  <xs:complexType name=\"{name}\">\n    <xs:simpleContent>\n      <xs:extension base=\"xs:{base}\">\n        <xs:attributeGroup ref=\"enc:commonAttributes\"/>\n      </xs:extension>\n    </xs:simpleContent>\n  </xs:complexType>\n"
        ));
    }
    out.push_str("  <xs:element name=\"anyType\"/>\n</xs:schema>\n");
    out
}
