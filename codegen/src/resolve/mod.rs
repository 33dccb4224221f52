//! Stage 2, resolve: link the raw definitions into a [`Model`]: look up every QName (type
//! references, `ref=` elements), flatten extensions, find polymorphic families, pick Rust
//! names, and choose the one SOAP service.
//!
//! One job per submodule: `simple.rs` simple types and facets, `derive.rs` derivation and
//! polymorphic families, `particles.rs` model groups and substitution groups, `encoded.rs`
//! SOAP-encoded arrays, `finish.rs` boxes and defaults, `service.rs` the service and its
//! operations.
//!
//! A global element's type is resolved once, so every reference to an element with an
//! anonymous type shares one type (and an element may contain itself). Operations left out
//! because they refer to something the WSDL never declares become [`Model::warnings`]
//! (`Config::load_with_warnings` returns them, a build script prints them).

use std::collections::HashMap;

use crate::docs::Doc;
use crate::error::{Error, Location, Result};
use crate::model::*;
use crate::names::{self, NameSet};

mod derive;
mod encoded;
mod finish;
mod particles;
mod service;
mod simple;

use crate::parse::{
    RawComplexType, RawDefs, RawGlobalElement, RawLocalElement, RawParticle, RawType, XS,
};
use crate::qname::QName;
use service::resolve_service;

/// Links `raw` into a model.
pub fn resolve(raw: RawDefs) -> Result<Model> {
    let mut r = Resolver::new(&raw)?;
    for (i, ty) in raw.simple_types.iter().enumerate() {
        r.resolve_simple(i, ty)?;
    }
    for (i, ty) in raw.complex_types.iter().enumerate() {
        r.resolve_complex(i, ty)?;
    }
    r.link_subtypes(&raw)?;
    r.name_families();
    let mut element_names = NameSet::default();
    let mut elements = Vec::with_capacity(raw.elements.len());
    for element in &raw.elements {
        elements.push(r.resolve_global_element(element, &mut element_names)?);
    }
    r.model.elements = elements;
    // After the global elements: their anonymous types may derive too.
    r.link_anonymous()?;
    r.mark_boxed();
    r.compute_defaults();
    let mut warnings = Vec::new();
    r.model.service = resolve_service(&raw, &r.element_index, &mut warnings)?;
    r.model.warnings = warnings;
    let mut model = r.model;
    model.source_name = raw
        .wsdl_file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(model)
}

struct Resolver<'a> {
    raw: &'a RawDefs,
    model: Model,
    simple_index: HashMap<QName, usize>,
    complex_index: HashMap<QName, usize>,
    element_index: HashMap<QName, usize>,
    raw_elements: HashMap<QName, RawGlobalElement>,
    type_names: NameSet,
    /// Simple types being resolved (cycle detection), by raw index.
    simple_done: Vec<bool>,
    complex_done: Vec<bool>,
    /// Base of each complex type (by model index) with the extension's location.
    bases: HashMap<usize, (QName, Location)>,
    /// Fields that must be boxed: (type index, field index).
    boxed: Vec<(usize, usize)>,
    /// The type of the schema each model group (by model index) is declared in.
    particle_roots: HashMap<usize, usize>,
    /// Names given to model groups (`Type.key`), unique.
    particle_names: NameSet,
    /// Types of global elements resolved so far.
    global_types: HashMap<QName, TypeRef>,
    /// Substitution group heads and their direct members, in declaration order.
    substitution_members: HashMap<QName, Vec<QName>>,
    /// Anonymous types (model index) extending a named type, and where.
    anonymous_bases: Vec<(usize, QName, Location)>,
}

/// Names the generated modules use unqualified (the prelude and the runtime alias): a schema
/// type with one of these names gets a suffix instead of shadowing it.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "Iterator",
    "IntoIterator",
    "FromIterator",
    "Extend",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "Debug",
    "ToString",
    "ToOwned",
    "AsRef",
    "AsMut",
    "Unpin",
    "Nillable",
];

impl<'a> Resolver<'a> {
    fn new(raw: &'a RawDefs) -> Result<Self> {
        let mut namespaces: Vec<String> = Vec::new();
        if let Some(tns) = &raw.target_ns {
            if raw.schema_namespaces.contains(tns) {
                namespaces.push(tns.clone());
            }
        }
        for ns in &raw.schema_namespaces {
            if !namespaces.contains(ns) {
                namespaces.push(ns.clone());
            }
        }
        let placeholder = Model {
            namespaces,
            simple_types: Vec::new(),
            complex_types: Vec::new(),
            elements: Vec::new(),
            service: Service {
                name: String::new(),
                port: String::new(),
                port_type: String::new(),
                stub_name: String::new(),
                address: None,
                soap: SoapVersion::Soap11,
                doc: Doc::default(),
                operations: Vec::new(),
            },
            source_name: String::new(),
            warnings: Vec::new(),
        };
        let mut r = Resolver {
            raw,
            model: placeholder,
            simple_index: HashMap::new(),
            complex_index: HashMap::new(),
            element_index: HashMap::new(),
            raw_elements: HashMap::new(),
            type_names: NameSet::with_reserved(RESERVED_TYPE_NAMES),
            simple_done: vec![false; raw.simple_types.len()],
            complex_done: vec![false; raw.complex_types.len()],
            bases: HashMap::new(),
            boxed: Vec::new(),
            particle_roots: HashMap::new(),
            particle_names: NameSet::default(),
            anonymous_bases: Vec::new(),
            substitution_members: HashMap::new(),
            global_types: HashMap::new(),
        };
        // Register every named type first so references can point forward.
        for ty in &raw.simple_types {
            if r.simple_index.contains_key(&ty.name) || r.complex_index.contains_key(&ty.name) {
                return Err(duplicate(&ty.loc, "type", &ty.name));
            }
            let index = r.model.simple_types.len();
            r.simple_index.insert(ty.name.clone(), index);
            let rust_name = r.type_names.claim(&names::camel(&ty.name.local));
            r.model.simple_types.push(SimpleType {
                name: ty.name.clone(),
                rust_name,
                doc: ty.doc.clone(),
                kind: SimpleKind::Alias(Builtin::String),
                xsd_base: "string".into(),
                facets: Facets::default(),
                list_item: None,
                union_members: Vec::new(),
            });
        }
        for ty in &raw.complex_types {
            if r.simple_index.contains_key(&ty.name) || r.complex_index.contains_key(&ty.name) {
                return Err(duplicate(&ty.loc, "type", &ty.name));
            }
            let index = r.model.complex_types.len();
            r.complex_index.insert(ty.name.clone(), index);
            let rust_name = r.type_names.claim(&names::camel(&ty.name.local));
            r.model.complex_types.push(empty_complex(ty, rust_name));
        }
        for element in &raw.elements {
            if r.raw_elements
                .insert(element.name.clone(), element.clone())
                .is_some()
            {
                return Err(duplicate(&element.loc, "element", &element.name));
            }
            r.element_index
                .insert(element.name.clone(), r.element_index.len());
            if let Some(head) = &element.substitution_group {
                r.substitution_members
                    .entry(head.clone())
                    .or_default()
                    .push(element.name.clone());
            }
        }
        Ok(r)
    }

    fn namespace_index(&self, ns: Option<&str>) -> Option<usize> {
        ns.and_then(|ns| self.model.namespaces.iter().position(|n| n == ns))
    }

    fn resolve_complex(&mut self, index: usize, raw: &RawComplexType) -> Result<()> {
        if self.complex_done[index] {
            return Ok(());
        }
        self.complex_done[index] = true;
        if self.resolve_array(index, raw)? {
            return Ok(());
        }
        let fields = self.resolve_fields(raw, index)?;
        self.model.complex_types[index].fields = fields;
        if let (Some(base), None) = (&raw.base, self.simple_content_base(raw)) {
            self.bases.insert(index, base.clone());
        }
        Ok(())
    }

    /// For a type with simple content over a simple type (not a complex type with simple
    /// content, which is inherited from like any base): the type of its text.
    fn simple_content_base(&self, raw: &RawComplexType) -> Option<(QName, Location)> {
        if !raw.simple_content {
            return None;
        }
        match &raw.base {
            // Of xs:anyType (dropped by parsing): text.
            None => Some((
                QName {
                    ns: Some(XS.to_owned()),
                    local: "string".into(),
                },
                raw.loc.clone(),
            )),
            Some((base, loc))
                if base.ns.as_deref() == Some(XS) || self.simple_index.contains_key(base) =>
            {
                Some((base.clone(), loc.clone()))
            }
            Some(_) => None,
        }
    }

    /// The fields of `raw`, model type `owner`.
    fn resolve_fields(&mut self, raw: &RawComplexType, owner: usize) -> Result<Vec<Field>> {
        let mut field_names = NameSet::default();
        let mut fields = Vec::with_capacity(raw.elements.len() + 1);
        if let Some((base, loc)) = self.simple_content_base(raw) {
            // The text first, so an attribute named `value` gets the suffix.
            let xsd_builtin = (base.ns.as_deref() == Some(XS)).then(|| base.local.clone());
            let ty = self.resolve_type(&RawType::Named(base, loc))?;
            if matches!(ty, TypeRef::Complex(_)) {
                return Err(Error::Invalid {
                    location: raw.loc.clone(),
                    message: format!("simple content of `{}` has a complex type", raw.name.local),
                });
            }
            fields.push(Field {
                xml_name: "$value".into(),
                namespace: None,
                rust_name: field_names.claim("value"),
                ty,
                min: 1,
                max: Some(1),
                nillable: false,
                boxed: false,
                doc: Doc::default(),
                xsd_builtin,
                attribute: false,
                text: true,
                fixed: None,
            });
        }
        for element in &raw.elements {
            fields.push(self.resolve_field(element, &mut field_names, owner)?);
        }
        Ok(fields)
    }

    /// The field for `element` of model type `owner`.
    fn resolve_field(
        &mut self,
        element: &RawLocalElement,
        field_names: &mut NameSet,
        owner: usize,
    ) -> Result<Field> {
        if let Some(particle) = &element.particle {
            return self.resolve_particle(element, particle, field_names, owner, None);
        }
        if let (Some(head), false) = (&element.reference, element.substitute) {
            let substitutes = self.substitutes(head);
            if !substitutes.is_empty() {
                // A substitution group: a choice of the elements that may stand there, named
                // after its head.
                let items = substitutes
                    .into_iter()
                    .map(|name| RawLocalElement {
                        name: name.local.clone(),
                        namespace: name.ns.clone(),
                        ty: None,
                        reference: Some(name),
                        min: 1,
                        max: Some(1),
                        nillable: element.nillable,
                        doc: Doc::default(),
                        loc: element.loc.clone(),
                        wildcard: false,
                        attribute: false,
                        fixed: None,
                        substitute: true,
                        particle: None,
                    })
                    .collect();
                let particle = RawParticle {
                    choice: true,
                    items,
                    reference: None,
                };
                let key = Some(head.local.clone());
                return self.resolve_particle(element, &particle, field_names, owner, key);
            }
        }
        let (ty, namespace) = match &element.reference {
            Some(reference) => {
                let Some(global) = self.raw_elements.get(reference).cloned() else {
                    return Err(Error::Unresolved {
                        location: element.loc.clone(),
                        kind: "element",
                        name: reference.to_string(),
                    });
                };
                (
                    self.global_type(&global)?,
                    self.namespace_index(reference.ns.as_deref()),
                )
            }
            None => {
                let ty = element
                    .ty
                    .as_ref()
                    .expect("parse gives a type to every non-ref element");
                (
                    self.resolve_type(ty)?,
                    self.namespace_index(element.namespace.as_deref()),
                )
            }
        };
        let xsd_builtin = match &element.reference {
            Some(reference) => self
                .raw_elements
                .get(reference)
                .and_then(|g| builtin_local(&g.ty)),
            None => element.ty.as_ref().and_then(builtin_local),
        };
        if element.attribute && matches!(ty, TypeRef::Complex(_)) {
            return Err(Error::Invalid {
                location: element.loc.clone(),
                message: format!("attribute `{}` has a complex type", element.name),
            });
        }
        Ok(Field {
            attribute: element.attribute,
            text: false,
            fixed: element.fixed.clone(),
            xsd_builtin,
            xml_name: element.name.clone(),
            namespace,
            rust_name: field_names.claim(&names::snake(&element.name)),
            ty,
            min: element.min,
            max: element.max,
            nillable: element.nillable,
            boxed: false,
            doc: element.doc.clone(),
        })
    }

    fn resolve_type(&mut self, ty: &RawType) -> Result<TypeRef> {
        match ty {
            RawType::Named(name, loc) => {
                if name.ns.as_deref() == Some(XS) || encoded::is_builtin(name) {
                    return Ok(TypeRef::Builtin(builtin(name, loc)?));
                }
                if let Some(&i) = self.simple_index.get(name) {
                    return Ok(TypeRef::Simple(i));
                }
                if let Some(&i) = self.complex_index.get(name) {
                    return Ok(TypeRef::Complex(i));
                }
                Err(Error::Unresolved {
                    location: loc.clone(),
                    kind: "type",
                    name: name.to_string(),
                })
            }
            RawType::AnonSimple(raw) => {
                let kind = self.simple_kind(raw, 0)?;
                let index = self.model.simple_types.len();
                let rust_name = self.type_names.claim(&names::camel(&raw.name.local));
                self.model.simple_types.push(SimpleType {
                    name: raw.name.clone(),
                    rust_name,
                    doc: raw.doc.clone(),
                    kind,
                    xsd_base: self.base_local(&raw.base, 0),
                    facets: self.facets(raw, 0),
                    list_item: None,
                    union_members: Vec::new(),
                });
                // Item and member types after it: an anonymous one gets its name after its
                // list's or union's.
                let (list_item, union_members) = self.composition(raw)?;
                self.model.simple_types[index].list_item = list_item;
                self.model.simple_types[index].union_members = union_members;
                Ok(TypeRef::Simple(index))
            }
            RawType::AnonComplex(raw) => self.anonymous_complex(raw, None),
        }
    }

    /// The type of global element `global`, resolved once (an anonymous type is one type
    /// however many references to the element there are, and may refer to itself).
    fn global_type(&mut self, global: &RawGlobalElement) -> Result<TypeRef> {
        if let Some(&ty) = self.global_types.get(&global.name) {
            return Ok(ty);
        }
        let ty = match &global.ty {
            RawType::AnonComplex(raw) => self.anonymous_complex(raw, Some(&global.name))?,
            other => self.resolve_type(other)?,
        };
        self.global_types.insert(global.name.clone(), ty);
        Ok(ty)
    }

    /// An anonymous complex type; `element` (a global element's name) is recorded as having it
    /// before its fields are resolved, so references to the element inside them find it.
    fn anonymous_complex(
        &mut self,
        raw: &RawComplexType,
        element: Option<&QName>,
    ) -> Result<TypeRef> {
        let index = self.model.complex_types.len();
        let rust_name = self.type_names.claim(&names::camel(&raw.name.local));
        self.model.complex_types.push(empty_complex(raw, rust_name));
        self.model.complex_types[index].anonymous = true;
        if let Some(element) = element {
            self.global_types
                .insert(element.clone(), TypeRef::Complex(index));
        }
        if self.resolve_array(index, raw)? {
            return Ok(TypeRef::Complex(index));
        }
        let fields = self.resolve_fields(raw, index)?;
        self.model.complex_types[index].fields = fields;
        // Deriving from a named type: its fields come first, once it has them all (a
        // restriction restates what it keeps).
        if let (Some((base, loc)), None) = (&raw.base, self.simple_content_base(raw)) {
            if !raw.restriction {
                self.anonymous_bases
                    .push((index, base.clone(), loc.clone()));
            }
        }
        Ok(TypeRef::Complex(index))
    }

    fn resolve_global_element(
        &mut self,
        raw: &RawGlobalElement,
        names_used: &mut NameSet,
    ) -> Result<GlobalElement> {
        let ty = self.global_type(raw)?;
        Ok(GlobalElement {
            xsd_builtin: builtin_local(&raw.ty),
            name: raw.name.clone(),
            namespace: self.namespace_index(raw.name.ns.as_deref()),
            rust_name: names_used.claim(&names::camel(&raw.name.local)),
            ty,
            doc: raw.doc.clone(),
        })
    }
}

fn empty_complex(raw: &RawComplexType, rust_name: String) -> ComplexType {
    ComplexType {
        name: raw.name.clone(),
        rust_name,
        doc: raw.doc.clone(),
        fields: Vec::new(),
        is_abstract: raw.is_abstract,
        subtypes: Vec::new(),
        family: None,
        has_default: false,
        kind: ComplexKind::Struct,
        array: None,
        anonymous: false,
    }
}

/// The local name of a type reference that names an XSD built-in.
fn builtin_local(ty: &RawType) -> Option<String> {
    match ty {
        RawType::Named(name, _) if name.ns.as_deref() == Some(XS) || encoded::is_builtin(name) => {
            Some(name.local.clone())
        }
        _ => None,
    }
}

fn duplicate(loc: &Location, kind: &str, name: &QName) -> Error {
    Error::Invalid {
        location: loc.clone(),
        message: format!("{kind} `{name}` is declared twice"),
    }
}

fn builtin(name: &QName, loc: &Location) -> Result<Builtin> {
    Builtin::from_xsd(&name.local).ok_or_else(|| Error::Unsupported {
        location: loc.clone(),
        construct: format!("xs:{}", name.local),
        hint: if name.local == "anyType" {
            "xs:anyType (arbitrary XML) has no typed representation".into()
        } else {
            "this XML Schema built-in type is not supported".into()
        },
    })
}
