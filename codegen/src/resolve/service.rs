//! The one SOAP service the bindings are generated for: its port, binding and port type,
//! each operation's body elements and `soap:header` parts.
//!
//! Which port: the first port (services and ports in document order) whose binding is SOAP
//! 1.1, else the first whose binding is SOAP 1.2. A WSDL without a `wsdl:service` (an
//! interface description such as ONVIF's, where each device has its own address) is bound
//! through its first SOAP 1.1 binding, else its first SOAP 1.2 binding: the service and port
//! are then named after the binding and there is no address.
//!
//! A message without parts (after the `soap:header` parts are taken out) is an empty Body: the
//! operation's input or output is `()`.
//!
//! Leniency: an operation of the binding that refers to something the WSDL never declares (a
//! message, a message part, a part's element, or a port type operation) is left out with a
//! warning naming the reference's file:line:column ([`Model::warnings`]), as zeep and other
//! SOAP stacks leave it out, and the other operations are generated
//! (`Config::load_with_warnings` returns the warnings, a build script prints them). Every other
//! problem with an operation (an unsupported construct, an ambiguous one) still stops
//! generation.

use std::collections::HashMap;

use super::RESERVED_TYPE_NAMES;
use crate::error::{Error, Location, Result};
use crate::model::*;
use crate::names::{self, NameSet};
use crate::parse::{
    RawBinding, RawBindingIo, RawBindingOperation, RawDefs, RawHeader, RawMessage,
    RawPortOperation, RawPortType,
};
use crate::qname::QName;
use crate::resolve::Doc;

/// The service; an operation left out is recorded in `warnings` (see the module docs).
pub(super) fn resolve_service(
    raw: &RawDefs,
    element_index: &HashMap<QName, usize>,
    warnings: &mut Vec<String>,
) -> Result<Service> {
    let chosen = choose_binding(raw)?;
    let binding = chosen.binding;
    let Some(port_type) = raw.port_types.iter().find(|p| p.name == binding.port_type) else {
        return Err(Error::Unresolved {
            location: binding.loc.clone(),
            kind: "portType",
            name: binding.port_type.to_string(),
        });
    };
    let lookup = Lookup { raw, element_index };
    let mut claimed = OperationNames {
        methods: NameSet::with_reserved(&["new", "into_inner", "inner"]),
        types: NameSet::with_reserved(RESERVED_TYPE_NAMES),
    };
    let stub_name = claimed
        .types
        .claim(&format!("{}Stub", names::camel(&port_type.name.local)));
    let mut operations = Vec::new();
    for op in &binding.operations {
        if let Some(operation) = resolve_operation(&lookup, port_type, op, &mut claimed, warnings)?
        {
            operations.push(operation);
        }
    }
    let mut doc = chosen.doc;
    if !port_type.doc.is_empty() {
        if !doc.is_empty() {
            doc.text.push(String::new());
        }
        doc.text.extend(port_type.doc.text.iter().cloned());
    }
    Ok(Service {
        name: chosen.service,
        port: chosen.port,
        port_type: port_type.name.local.clone(),
        stub_name,
        address: chosen.address,
        soap: binding.soap,
        doc,
        operations,
    })
}

/// The binding the bindings are generated for, with the service and port that name it.
struct Chosen<'a> {
    /// Service name (the binding's when the WSDL has no port).
    service: String,
    /// Port name (the binding's when the WSDL has no port).
    port: String,
    /// The port's `soap:address`.
    address: Option<String>,
    /// The service's documentation.
    doc: Doc,
    /// The chosen binding.
    binding: &'a RawBinding,
}

/// Picks the port and binding (see the module docs for the order).
fn choose_binding(raw: &RawDefs) -> Result<Chosen<'_>> {
    let no_port = || Error::Invalid {
        location: Location {
            file: raw.wsdl_file.clone(),
            line: 1,
            column: 1,
        },
        message: "no SOAP 1.1 or 1.2 binding (in a wsdl:service's port, or on its own)".into(),
    };
    let ports: Vec<_> = raw
        .services
        .iter()
        .flat_map(|s| s.ports.iter().map(move |p| (s, p)))
        .filter_map(|(s, p)| {
            raw.bindings
                .iter()
                .find(|b| b.name == p.binding)
                .map(|b| (s, p, b))
        })
        .collect();
    let chosen = [SoapVersion::Soap11, SoapVersion::Soap12]
        .iter()
        .find_map(|v| ports.iter().find(|(_, _, b)| b.soap == *v));
    match chosen {
        Some((service, port, binding)) => Ok(Chosen {
            service: service.name.clone(),
            port: port.name.clone(),
            address: port.address.clone(),
            doc: service.doc.clone(),
            binding,
        }),
        None if raw.services.iter().all(|s| s.ports.is_empty()) => {
            let binding = [SoapVersion::Soap11, SoapVersion::Soap12]
                .iter()
                .find_map(|v| raw.bindings.iter().find(|b| b.soap == *v))
                .ok_or_else(no_port)?;
            let name = binding.name.local.clone();
            Ok(Chosen {
                service: name.clone(),
                port: name,
                address: None,
                doc: Doc::default(),
                binding,
            })
        }
        None => Err(no_port()),
    }
}

/// The Rust names claimed so far: methods of the stub, and types.
struct OperationNames {
    /// Method names of the stub.
    methods: NameSet,
    /// Type names (the stub, operation markers, headers structs).
    types: NameSet,
}

/// Resolves binding operation `op` against `port_type`: `None` (with a warning) when it is left
/// out because of an unresolved reference.
fn resolve_operation(
    lookup: &Lookup<'_>,
    port_type: &RawPortType,
    op: &RawBindingOperation,
    claimed: &mut OperationNames,
    warnings: &mut Vec<String>,
) -> Result<Option<Operation>> {
    let matching: Vec<_> = port_type
        .operations
        .iter()
        .filter(|o| o.name == op.name)
        .collect();
    let abstract_op = match matching.as_slice() {
        [one] => *one,
        [] => {
            warnings.push(left_out(
                &op.name,
                &Error::Unresolved {
                    location: op.loc.clone(),
                    kind: "portType operation",
                    name: op.name.clone(),
                },
            ));
            return Ok(None);
        }
        _ => {
            return Err(Error::Unsupported {
                location: op.loc.clone(),
                construct: format!("overloaded operation `{}`", op.name),
                hint: "operation names must be unique in a port type".into(),
            });
        }
    };
    let resolved = (|| {
        Ok((
            lookup.body(abstract_op, op, &abstract_op.input, &op.input, "input")?,
            lookup.body(abstract_op, op, &abstract_op.output, &op.output, "output")?,
            lookup.headers(&op.input.headers, &mut NameSet::default())?,
            lookup.headers(&op.output.headers, &mut NameSet::default())?,
        ))
    })();
    let (input, output, input_headers, output_headers) = match resolved {
        Ok(resolved) => resolved,
        Err(e @ Error::Unresolved { .. }) => {
            warnings.push(left_out(&op.name, &e));
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let type_name = claimed.types.claim(&names::camel(&op.name));
    let headers_name = claimed.types.claim(&format!("{type_name}Headers"));
    let output_headers_name = claimed.types.claim(&format!("{type_name}OutputHeaders"));
    Ok(Some(Operation {
        name: op.name.clone(),
        method_name: claimed.methods.claim(&names::snake(&op.name)),
        type_name,
        headers_name,
        output_headers_name,
        doc: abstract_op.doc.clone(),
        soap_action: op.soap_action.clone().unwrap_or_default(),
        input,
        output,
        input_headers,
        output_headers,
        encoded: op.input.encoded || op.output.encoded,
    }))
}

/// Looks up messages, parts and elements by name.
struct Lookup<'a> {
    /// Everything read.
    raw: &'a RawDefs,
    /// Global elements by name.
    element_index: &'a HashMap<QName, usize>,
}

impl Lookup<'_> {
    /// The message called `name`, referred to at `loc`.
    fn message(&self, name: &QName, loc: &Location) -> Result<&RawMessage> {
        self.raw
            .messages
            .iter()
            .find(|m| &m.name == name)
            .ok_or_else(|| Error::Unresolved {
                location: loc.clone(),
                kind: "message",
                name: name.to_string(),
            })
    }

    /// The global element `name` of part `part` (at `loc`).
    fn element_of(&self, name: &Option<QName>, loc: &Location, part: &str) -> Result<usize> {
        let Some(name) = name else {
            return Err(Error::Unsupported {
                location: loc.clone(),
                construct: format!("wsdl:part `{part}` without element="),
                hint: "a document-style body or header part names an element (only an rpc \
                       operation's parts may name a type)"
                    .into(),
            });
        };
        self.element_index
            .get(name)
            .copied()
            .ok_or_else(|| Error::Unresolved {
                location: loc.clone(),
                kind: "element",
                name: name.to_string(),
            })
    }

    /// The `soap:header` parts in `list`, their field names claimed in `field_names`.
    fn headers(&self, list: &[RawHeader], field_names: &mut NameSet) -> Result<Vec<HeaderPart>> {
        list.iter()
            .map(|h| {
                let msg = self.message(&h.message, &h.loc)?;
                let part = msg.parts.iter().find(|p| p.name == h.part).ok_or_else(|| {
                    Error::Unresolved {
                        location: h.loc.clone(),
                        kind: "message part",
                        name: format!("{}#{}", h.message, h.part),
                    }
                })?;
                Ok(HeaderPart {
                    message: h.message.local.clone(),
                    part: h.part.clone(),
                    rust_name: field_names.claim(&names::snake(&h.part)),
                    element: self.element_of(&part.element, &part.loc, &part.name)?,
                })
            })
            .collect()
    }

    /// The body element of operation `op`'s input or output (`dir`): its message `io` less the
    /// header parts, or the rpc wrapper; `None` for an empty Body.
    fn body(
        &self,
        abstract_op: &RawPortOperation,
        op: &RawBindingOperation,
        io: &Option<(QName, Location)>,
        binding_io: &RawBindingIo,
        dir: &str,
    ) -> Result<Option<usize>> {
        let (parts_filter, header_list) = (&binding_io.body_parts, &binding_io.headers);
        let Some((name, loc)) = io else {
            return Err(Error::Unsupported {
                location: abstract_op.loc.clone(),
                construct: format!("operation `{}` without {dir}", op.name),
                hint: "only request-response operations are supported".into(),
            });
        };
        let msg = self.message(name, loc)?;
        // rpc: the wrapper element made for the operation (see `parse/rpc.rs`).
        if let Some(wrapper) = &binding_io.wrapper {
            return self
                .element_of(&Some(wrapper.clone()), &op.loc, &op.name)
                .map(Some);
        }
        let parts: Vec<_> = msg
            .parts
            .iter()
            .filter(|p| match parts_filter {
                Some(selected) => selected.contains(&p.name),
                None => !header_list
                    .iter()
                    .any(|h| h.message == msg.name && h.part == p.name),
            })
            .collect();
        match parts.as_slice() {
            [] => Ok(None),
            [part] => self
                .element_of(&part.element, &part.loc, &part.name)
                .map(Some),
            _ => Err(Error::Unsupported {
                location: msg.loc.clone(),
                construct: format!("{} body parts in message `{}`", parts.len(), msg.name.local),
                hint: "document/literal operations need exactly one body part".into(),
            }),
        }
    }
}

/// The warning for operation `name` left out because of `why` (an unresolved reference).
fn left_out(name: &str, why: &Error) -> String {
    format!("{why}: operation `{name}` is left out of the bindings")
}
