//! The raw definitions parsing produces: owned mirrors of the WSDL and schema declarations,
//! QNames resolved, not yet linked together.

// Raw definitions mirror the XML one to one; their fields are named after the attributes they hold.
#![allow(missing_docs)]

use std::path::PathBuf;

use crate::docs::Doc;
use crate::error::Location;
pub use crate::qname::QName;
use crate::soap_version::SoapVersion;

/// Everything read from the WSDL and its schemas, not yet linked together.
#[derive(Debug, Default)]
pub struct RawDefs {
    /// The WSDL file.
    pub wsdl_file: PathBuf,
    /// `targetNamespace` of `wsdl:definitions`.
    pub target_ns: Option<String>,
    /// Named simple types.
    pub simple_types: Vec<RawSimpleType>,
    /// Named complex types.
    pub complex_types: Vec<RawComplexType>,
    /// Global elements.
    pub elements: Vec<RawGlobalElement>,
    /// `wsdl:message`s.
    pub messages: Vec<RawMessage>,
    /// `wsdl:portType`s.
    pub port_types: Vec<RawPortType>,
    /// SOAP 1.1 `wsdl:binding`s.
    pub bindings: Vec<RawBinding>,
    /// `wsdl:service`s.
    pub services: Vec<RawService>,
    /// Every schema namespace, in order of first appearance.
    pub schema_namespaces: Vec<String>,
    /// Named model groups (`xs:group name=`): their compositor as a group item. References to
    /// them are replaced by their content once every schema is read.
    pub groups: Vec<(QName, RawLocalElement)>,
    /// Named attribute groups (`xs:attributeGroup name=`): their attributes, expanded where
    /// they are referred to like model groups.
    pub attribute_groups: Vec<(QName, Vec<RawLocalElement>)>,
}

/// `xs:simpleType`: a restriction, or a list or union (whose base is `xs:string`: the text as
/// written).
#[derive(Debug, Clone)]
pub struct RawSimpleType {
    pub name: QName,
    pub base: QName,
    pub base_loc: Location,
    pub enumerations: Vec<(String, Doc)>,
    pub facets: RawFacets,
    /// `xs:list`: the item type (`itemType=` or inline).
    pub list_item: Option<RawType>,
    /// `xs:union`: the member types (`memberTypes=` first, then inline ones), in order.
    pub union_members: Vec<RawType>,
    pub doc: Doc,
    pub loc: Location,
}

/// The facets of a restriction that constrain a value's text: what a valid sample satisfies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawFacets {
    pub length: Option<u32>,
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    /// `xs:pattern` values of this restriction (any one may match).
    pub patterns: Vec<String>,
    /// `xs:minInclusive`, `xs:maxInclusive`, `xs:minExclusive`, `xs:maxExclusive`: bounds
    /// as written (numbers, dates, ... in the base type's lexical space).
    pub min_inclusive: Option<String>,
    pub max_inclusive: Option<String>,
    pub min_exclusive: Option<String>,
    pub max_exclusive: Option<String>,
    /// `xs:totalDigits` and `xs:fractionDigits` of a decimal.
    pub total_digits: Option<u32>,
    pub fraction_digits: Option<u32>,
    /// The patterns of an inline base type's restriction steps (each list one step).
    pub base_patterns: Vec<Vec<String>>,
}

impl RawFacets {
    /// These facets over those of `base`, the inline type this restriction restricts: a
    /// facet given here wins, every step's patterns apply.
    pub fn or(self, base: RawFacets) -> RawFacets {
        let mut base_patterns = self.base_patterns;
        if !base.patterns.is_empty() {
            base_patterns.push(base.patterns);
        }
        base_patterns.extend(base.base_patterns);
        RawFacets {
            length: self.length.or(base.length),
            min_length: self.min_length.or(base.min_length),
            max_length: self.max_length.or(base.max_length),
            patterns: self.patterns,
            min_inclusive: self.min_inclusive.or(base.min_inclusive),
            max_inclusive: self.max_inclusive.or(base.max_inclusive),
            min_exclusive: self.min_exclusive.or(base.min_exclusive),
            max_exclusive: self.max_exclusive.or(base.max_exclusive),
            total_digits: self.total_digits.or(base.total_digits),
            fraction_digits: self.fraction_digits.or(base.fraction_digits),
            base_patterns,
        }
    }
}

/// `xs:complexType` with a sequence, possibly extending a base.
#[derive(Debug, Clone)]
pub struct RawComplexType {
    pub name: QName,
    pub is_abstract: bool,
    pub base: Option<(QName, Location)>,
    /// The base is restricted (its content restated), not extended.
    pub restriction: bool,
    /// `xs:simpleContent`: text of the base's type (a simple type, or a complex type with
    /// simple content) with attributes.
    pub simple_content: bool,
    pub elements: Vec<RawLocalElement>,
    /// A SOAP-encoded array (a restriction of `soapenc:Array`): its item type.
    pub array: Option<RawArray>,
    pub doc: Doc,
    pub loc: Location,
}

/// The items of a SOAP-encoded array type (see `parse/encoded.rs`).
#[derive(Debug, Clone)]
pub struct RawArray {
    /// The item type (`xsd:string` of `wsdl:arrayType="xsd:string[]"`).
    pub item: QName,
    /// `xsd:byte[][]`: an array of byte arrays, each read and written as `xsd:base64Binary`
    /// (as Axis 1 writes `byte[][]`).
    pub byte_arrays: bool,
    pub loc: Location,
}

/// The type of an element: named, or declared inline.
#[derive(Debug, Clone)]
pub enum RawType {
    Named(QName, Location),
    AnonComplex(Box<RawComplexType>),
    AnonSimple(Box<RawSimpleType>),
}

/// An element inside a sequence (or an attribute, a wildcard, or a nested model group).
#[derive(Debug, Clone)]
pub struct RawLocalElement {
    /// Local name (for a `ref`, the referenced element's).
    pub name: String,
    /// Namespace when the element is qualified, `None` when unqualified.
    pub namespace: Option<String>,
    /// Declared type; `None` for a `ref` (taken from the referenced global element).
    pub ty: Option<RawType>,
    /// `ref="..."` target.
    pub reference: Option<QName>,
    pub min: u32,
    pub max: Option<u32>,
    pub nillable: bool,
    pub doc: Doc,
    pub loc: Location,
    /// An `xs:any` wildcard (named `any`, typed as raw XML).
    pub wildcard: bool,
    /// An `xs:attribute` (min 1 when `use="required"`), not an element.
    pub attribute: bool,
    /// A nested model group (`xs:choice`, or an `xs:sequence` that could not be flattened into
    /// its parent); `name` is empty, `min`/`max` are the group's.
    pub particle: Option<Box<RawParticle>>,
    /// `fixed="..."`: the only value allowed.
    pub fixed: Option<String>,
    /// A member of a substitution group in the choice resolution makes of a reference to its
    /// head: resolved as the element itself, not as its group again.
    pub substitute: bool,
}

/// A model group kept as a unit: a choice, or a sequence that repeats or is an alternative.
#[derive(Debug, Clone)]
pub struct RawParticle {
    /// `xs:choice` (else `xs:sequence`).
    pub choice: bool,
    /// Its elements and nested groups, in schema order (alternatives of a choice).
    pub items: Vec<RawLocalElement>,
    /// For an `xs:group ref=` (or, on an item marked `attribute`, an `xs:attributeGroup
    /// ref=`) not expanded yet: the named group (`items` is empty).
    pub reference: Option<QName>,
}

/// A top-level `xs:element`.
#[derive(Debug, Clone)]
pub struct RawGlobalElement {
    pub name: QName,
    pub ty: RawType,
    pub nillable: bool,
    /// `substitutionGroup`: the head element this one may stand for.
    pub substitution_group: Option<QName>,
    /// `abstract="true"`: only its substitutes appear.
    pub is_abstract: bool,
    pub doc: Doc,
    pub loc: Location,
}

/// A `wsdl:message` and its parts.
#[derive(Debug, Clone)]
pub struct RawMessage {
    pub name: QName,
    pub parts: Vec<RawPart>,
    pub loc: Location,
}

/// A `wsdl:part`.
#[derive(Debug, Clone)]
pub struct RawPart {
    pub name: String,
    pub element: Option<QName>,
    /// `type=`: the type of the part's accessor element in an rpc operation.
    pub ty: Option<QName>,
    pub loc: Location,
}

/// A `wsdl:portType`.
#[derive(Debug, Clone)]
pub struct RawPortType {
    pub name: QName,
    pub doc: Doc,
    pub operations: Vec<RawPortOperation>,
}

/// An abstract operation.
#[derive(Debug, Clone)]
pub struct RawPortOperation {
    pub name: String,
    pub doc: Doc,
    pub input: Option<(QName, Location)>,
    pub output: Option<(QName, Location)>,
    pub loc: Location,
}

/// A SOAP 1.1 or 1.2 `wsdl:binding`.
#[derive(Debug, Clone)]
pub struct RawBinding {
    pub name: QName,
    pub soap: SoapVersion,
    pub port_type: QName,
    pub operations: Vec<RawBindingOperation>,
    pub loc: Location,
}

/// One operation of a binding.
#[derive(Debug, Clone)]
pub struct RawBindingOperation {
    pub name: String,
    /// `style="rpc"` (on the operation, or on the binding when the operation says nothing).
    pub rpc: bool,
    pub soap_action: Option<String>,
    pub input: RawBindingIo,
    pub output: RawBindingIo,
    pub loc: Location,
}

/// `soap:body` and `soap:header`s of a binding operation's input or output.
#[derive(Debug, Clone, Default)]
pub struct RawBindingIo {
    /// `parts="..."` of `soap:body`, when given.
    pub body_parts: Option<Vec<String>>,
    pub headers: Vec<RawHeader>,
    /// `namespace="..."` of `soap:body`: an rpc operation's wrapper element's namespace.
    pub namespace: Option<String>,
    /// The rpc wrapper element made for this message (see `parse/rpc.rs`).
    pub wrapper: Option<QName>,
    /// `use="encoded"`: SOAP 1.1 Section 5 encoding (see `parse/encoded.rs`).
    pub encoded: bool,
}

/// A `soap:header`.
#[derive(Debug, Clone)]
pub struct RawHeader {
    pub message: QName,
    pub part: String,
    pub loc: Location,
}

/// A `wsdl:service`.
#[derive(Debug, Clone)]
pub struct RawService {
    pub name: String,
    pub doc: Doc,
    pub ports: Vec<RawPort>,
}

/// A `wsdl:port` with its SOAP 1.1 or 1.2 address.
#[derive(Debug, Clone)]
pub struct RawPort {
    pub name: String,
    pub binding: QName,
    pub address: Option<String>,
}
