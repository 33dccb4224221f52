//! The resolved model: what the emitter turns into Rust. Every reference is an index, every Rust
//! name is final (unique and valid), every XML name is exactly as in the schema.

use crate::docs::Doc;
use crate::qname::QName;
pub use crate::soap_version::SoapVersion;

/// The whole service description.
#[derive(Debug, Clone)]
pub struct Model {
    /// Schema namespaces; the element at index `i` is written with prefix `ns{i+1}`.
    pub namespaces: Vec<String>,
    /// Simple types (enumerations and aliases of built-ins).
    pub simple_types: Vec<SimpleType>,
    /// Complex types.
    pub complex_types: Vec<ComplexType>,
    /// Global elements.
    pub elements: Vec<GlobalElement>,
    /// The SOAP 1.1 service (first service/port with a SOAP 1.1 binding).
    pub service: Service,
    /// File name of the WSDL, for the generated header.
    pub source_name: String,
    /// What was left out of the bindings and why, each naming file:line:column (an operation
    /// that refers to something the WSDL never declares: see `resolve/service.rs`).
    pub warnings: Vec<String>,
}

/// XSD built-in types and their Rust representation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// `String` (also `normalizedString`, `token`, `anyURI`, `anySimpleType`, `date`, ...).
    String,
    /// `bool`.
    Boolean,
    /// `i8`.
    Byte,
    /// `i16`.
    Short,
    /// `i32` (`xs:int`).
    Int,
    /// `i64` (`xs:long`, and `xs:integer`, which is unbounded: values outside i64 are rejected).
    Long,
    /// `u8`.
    UnsignedByte,
    /// `u16`.
    UnsignedShort,
    /// `u32`.
    UnsignedInt,
    /// `u64`.
    UnsignedLong,
    /// `f32`.
    Float,
    /// `f64`.
    Double,
    /// `chrono::DateTime<FixedOffset>` (re-exported by the runtime).
    DateTime,
    /// `Vec<u8>` written as base64.
    Base64Binary,
    /// `xs:anyType` (and an untyped element): its attributes and content kept as written
    /// (`AnyValue` of the runtime).
    AnyType,
    /// An element matched by an `xs:any` wildcard, kept as written (`RawXml` of the runtime).
    AnyElement,
    /// The attributes an `xs:anyAttribute` wildcard matched, by qualified name
    /// (`BTreeMap<String, String>`).
    AnyAttribute,
    /// The content of a type with mixed content, text and elements as written
    /// (`MixedContent` of the runtime).
    Mixed,
}

impl Builtin {
    /// The canonical XSD name of the representation, e.g. `xs:int`.
    pub fn xsd_name(self) -> &'static str {
        match self {
            Builtin::String => "xs:string",
            Builtin::Boolean => "xs:boolean",
            Builtin::Byte => "xs:byte",
            Builtin::Short => "xs:short",
            Builtin::Int => "xs:int",
            Builtin::Long => "xs:long",
            Builtin::UnsignedByte => "xs:unsignedByte",
            Builtin::UnsignedShort => "xs:unsignedShort",
            Builtin::UnsignedInt => "xs:unsignedInt",
            Builtin::UnsignedLong => "xs:unsignedLong",
            Builtin::Float => "xs:float",
            Builtin::Double => "xs:double",
            Builtin::DateTime => "xs:dateTime",
            Builtin::Base64Binary => "xs:base64Binary",
            Builtin::AnyType => "xs:anyType",
            Builtin::AnyElement => "xs:any",
            Builtin::AnyAttribute => "xs:anyAttribute",
            Builtin::Mixed => "mixed content",
        }
    }

    /// Maps an XSD built-in local name.
    pub fn from_xsd(local: &str) -> Option<Builtin> {
        Some(match local {
            "string" | "normalizedString" | "token" | "anyURI" | "anySimpleType" | "language"
            | "Name" | "NCName" | "NMTOKEN" | "ID" | "IDREF" | "ENTITY" | "QName" | "date"
            | "time" | "duration" | "gYear" | "gYearMonth" | "gMonth" | "gMonthDay" | "gDay"
            | "decimal" | "hexBinary" => Builtin::String,
            "boolean" => Builtin::Boolean,
            "byte" => Builtin::Byte,
            "short" => Builtin::Short,
            "int" => Builtin::Int,
            "long" | "integer" | "negativeInteger" | "nonPositiveInteger" => Builtin::Long,
            "unsignedByte" => Builtin::UnsignedByte,
            "unsignedShort" => Builtin::UnsignedShort,
            "unsignedInt" => Builtin::UnsignedInt,
            "unsignedLong" | "nonNegativeInteger" | "positiveInteger" => Builtin::UnsignedLong,
            "float" => Builtin::Float,
            "double" => Builtin::Double,
            "dateTime" => Builtin::DateTime,
            "base64Binary" => Builtin::Base64Binary,
            "anyType" => Builtin::AnyType,
            "anyElement" => Builtin::AnyElement,
            "anyAttribute" => Builtin::AnyAttribute,
            "mixed" => Builtin::Mixed,
            _ => return None,
        })
    }
}

/// A reference to a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeRef {
    /// An XSD built-in.
    Builtin(Builtin),
    /// Index into [`Model::simple_types`].
    Simple(usize),
    /// Index into [`Model::complex_types`].
    Complex(usize),
}

/// A named simple type.
#[derive(Debug, Clone)]
pub struct SimpleType {
    /// XML name.
    pub name: QName,
    /// Rust type name.
    pub rust_name: String,
    /// Documentation.
    pub doc: Doc,
    /// What it is.
    pub kind: SimpleKind,
    /// Local name of the XSD built-in at the bottom of its restriction chain (`date`, `int`,
    /// ...): the lexical space of its values.
    pub xsd_base: String,
    /// Facets on its text, its own and its restriction chain's.
    pub facets: Facets,
    /// An `xs:list` (or a restriction of one): the type of its items. Its text is the items
    /// separated by spaces; the Rust type is `rt::XmlList<Item>`; a length facet counts items.
    pub list_item: Option<SimpleRef>,
    /// An `xs:union` (or a restriction of one): its member types in order. Its text is a
    /// value of one of them (the Rust type stays the text as written).
    pub union_members: Vec<SimpleRef>,
}

/// A reference to a simple type (a list's item type, a union's member type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleRef {
    /// The type.
    pub ty: TypeRef,
    /// Local name of the XSD built-in when the type is one (`duration` for a `String`).
    pub xsd_builtin: Option<String>,
}

/// Facets that constrain a simple value's text without changing its Rust type (what a valid
/// value must satisfy).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// `xs:length`.
    pub length: Option<u32>,
    /// `xs:minLength`.
    pub min_length: Option<u32>,
    /// `xs:maxLength`.
    pub max_length: Option<u32>,
    /// `xs:pattern`s, one list per restriction step: the value matches one pattern of every
    /// list (XML Schema regular expressions, implicitly anchored).
    pub patterns: Vec<Vec<String>>,
    /// `xs:minInclusive`, as written (in the lexical space of [`SimpleType::xsd_base`]).
    pub min_inclusive: Option<String>,
    /// `xs:maxInclusive`, as written.
    pub max_inclusive: Option<String>,
    /// `xs:minExclusive`, as written.
    pub min_exclusive: Option<String>,
    /// `xs:maxExclusive`, as written.
    pub max_exclusive: Option<String>,
    /// `xs:totalDigits`: most digits of a decimal value.
    pub total_digits: Option<u32>,
    /// `xs:fractionDigits`: most digits after the decimal point.
    pub fraction_digits: Option<u32>,
}

/// Kinds of simple types.
#[derive(Debug, Clone)]
pub enum SimpleKind {
    /// An enumeration; unknown values are kept in the fallback variant.
    Enum {
        /// The values in schema order.
        values: Vec<EnumValue>,
        /// Name of the fallback variant holding unknown values.
        fallback: String,
    },
    /// A restriction without enumerations: the base's representation.
    Alias(Builtin),
}

/// One enumeration value.
#[derive(Debug, Clone)]
pub struct EnumValue {
    /// Exact XML spelling.
    pub xml: String,
    /// Variant name.
    pub rust_name: String,
    /// Documentation.
    pub doc: Doc,
}

/// A complex type (a sequence of elements).
#[derive(Debug, Clone)]
pub struct ComplexType {
    /// XML name (for an anonymous type, the name of its element).
    pub name: QName,
    /// Rust name (for a polymorphic family, the enum's name).
    pub rust_name: String,
    /// Documentation.
    pub doc: Doc,
    /// Fields in schema order, inherited ones first.
    pub fields: Vec<Field>,
    /// `abstract="true"`.
    pub is_abstract: bool,
    /// Concrete types derived from this one (transitively), in declaration order.
    pub subtypes: Vec<usize>,
    /// For a concrete type that others extend: the Rust name of the enum over it and its
    /// extensions (`AnyBase`: the type itself without `xsi:type`, an extension with its
    /// `xsi:type`), which every field and element of this type holds.
    pub family: Option<String>,
    /// Whether `Default` can be derived.
    pub has_default: bool,
    /// A type of the schema, or a model group inside one.
    pub kind: ComplexKind,
    /// For [`ComplexKind::Array`]: its items.
    pub array: Option<ArrayOf>,
    /// Declared inline (its `name` is its element's): no `xsi:type` can name it.
    pub anonymous: bool,
}

/// The items of a SOAP-encoded array type (`soapenc:Array` restricted), a `Vec` of them in Rust.
#[derive(Debug, Clone)]
pub struct ArrayOf {
    /// The item type.
    pub item: TypeRef,
    /// The item type's XML name, written in `SOAP-ENC:arrayType` and on each item's
    /// `xsi:type` (`xsd:base64Binary` for the byte arrays of `xsd:byte[][]`).
    pub item_name: QName,
}

/// What a [`ComplexType`] stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplexKind {
    /// A complex type of the schema (named, or anonymous in an element): a struct whose
    /// element's children are read in any order.
    Struct,
    /// An `xs:choice` inside a type: an enum whose variants are its alternatives (`fields`),
    /// written as a field of its parent.
    Choice,
    /// An `xs:sequence` that repeats or is a choice's alternative: a struct read in schema
    /// order, written as a field (or variant) of its parent.
    Group,
    /// A SOAP-encoded array (`complexContent/restriction base="soapenc:Array"`): a `Vec` of
    /// its items ([`ComplexType::array`]), written as an alias, without fields.
    Array,
}

impl ComplexType {
    /// A type referenced polymorphically: written as an enum of its concrete subtypes.
    pub fn is_polymorphic(&self) -> bool {
        self.is_abstract
    }

    /// The Rust name a field of this type holds: the family enum when it has one, else the
    /// type's own name.
    pub fn held_as(&self) -> &str {
        self.family.as_deref().unwrap_or(&self.rust_name)
    }

    /// A model group (choice or sequence) rather than a type of the schema.
    pub fn is_particle(&self) -> bool {
        matches!(self.kind, ComplexKind::Choice | ComplexKind::Group)
    }
}

/// An element of a sequence.
#[derive(Debug, Clone)]
pub struct Field {
    /// Exact XML local name.
    pub xml_name: String,
    /// Namespace index when the element is qualified.
    pub namespace: Option<usize>,
    /// Rust field name (without `r#`).
    pub rust_name: String,
    /// Element type.
    pub ty: TypeRef,
    /// `minOccurs`.
    pub min: u32,
    /// `maxOccurs`, `None` for unbounded.
    pub max: Option<u32>,
    /// `nillable`.
    pub nillable: bool,
    /// Stored in a `Box` because the type contains itself through this field.
    pub boxed: bool,
    /// Documentation.
    pub doc: Doc,
    /// Local name of the XSD built-in when the element's type is one (`date` for a `String`).
    pub xsd_builtin: Option<String>,
    /// An attribute (of a simple type, at most once), not a child element.
    pub attribute: bool,
    /// The element's text (simple content, named `$value`), not a child element.
    pub text: bool,
    /// `fixed="..."`: the only value the schema allows.
    pub fixed: Option<String>,
}

impl Field {
    /// How many times the element may appear, as the Rust container shape.
    pub fn shape(&self) -> Shape {
        let repeated = self.max != Some(1);
        match (repeated, self.min == 0, self.nillable) {
            (true, _, false) => Shape::Many,
            (true, _, true) => Shape::ManyNillable,
            (false, false, false) => Shape::One,
            (false, true, false) => Shape::Optional,
            (false, false, true) => Shape::Nillable,
            (false, true, true) => Shape::OptionalNillable,
        }
    }
}

/// Rust container for a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `T`: exactly once.
    One,
    /// `Option<T>`: absent or present.
    Optional,
    /// `Nillable<T>`: present, nil or with a value.
    Nillable,
    /// `Option<Nillable<T>>`: absent, nil, or a value.
    OptionalNillable,
    /// `Vec<T>`.
    Many,
    /// `Vec<Nillable<T>>`.
    ManyNillable,
}

/// A global element (message part, header).
#[derive(Debug, Clone)]
pub struct GlobalElement {
    /// Qualified name.
    pub name: QName,
    /// Namespace index.
    pub namespace: Option<usize>,
    /// Variant name in the generated `AnyElement`.
    pub rust_name: String,
    /// Type.
    pub ty: TypeRef,
    /// Documentation.
    pub doc: Doc,
    /// Local name of the XSD built-in when the element's type is one.
    pub xsd_builtin: Option<String>,
}

/// The service, port and binding the stubs are generated for.
#[derive(Debug, Clone)]
pub struct Service {
    /// `wsdl:service/@name`.
    pub name: String,
    /// `wsdl:port/@name`.
    pub port: String,
    /// `wsdl:portType/@name`.
    pub port_type: String,
    /// Rust name of the stub.
    pub stub_name: String,
    /// `soap:address/@location` (`None` when the WSDL has no `wsdl:service` or gives none).
    pub address: Option<String>,
    /// The binding's SOAP version.
    pub soap: SoapVersion,
    /// Documentation of the service and port type.
    pub doc: Doc,
    /// Operations in binding order.
    pub operations: Vec<Operation>,
}

/// One operation of the binding.
#[derive(Debug, Clone)]
pub struct Operation {
    /// XML name (`syncLead`).
    pub name: String,
    /// Method name (`sync_lead`).
    pub method_name: String,
    /// Marker type name (`SyncLead`).
    pub type_name: String,
    /// Name of the input headers struct.
    pub headers_name: String,
    /// Name of the output headers struct.
    pub output_headers_name: String,
    /// Documentation from the port type.
    pub doc: Doc,
    /// `soapAction`.
    pub soap_action: String,
    /// Global element of the request body; `None` when the message has no parts (an empty
    /// Body).
    pub input: Option<usize>,
    /// Global element of the response body; `None` when the message has no parts.
    pub output: Option<usize>,
    /// Request headers.
    pub input_headers: Vec<HeaderPart>,
    /// Response headers.
    pub output_headers: Vec<HeaderPart>,
    /// `use="encoded"`: SOAP 1.1 Section 5 encoding (`xsi:type` on every value, arrays,
    /// multi-reference values).
    pub encoded: bool,
}

/// A `soap:header` of an operation.
#[derive(Debug, Clone)]
pub struct HeaderPart {
    /// Message name.
    pub message: String,
    /// Part name.
    pub part: String,
    /// Field name in the headers struct.
    pub rust_name: String,
    /// Global element.
    pub element: usize,
}
