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
//! SOAP stacks leave it out, and the other operations are generated. Every other problem with
//! an operation (an unsupported construct, an ambiguous one) still stops generation.

use std::collections::HashMap;

use super::RESERVED_TYPE_NAMES;
use crate::error::{Error, Location, Result};
use crate::model::*;
use crate::names::{self, NameSet};
use crate::parse::{QName, RawBindingIo, RawDefs, RawHeader};
use crate::resolve::Doc;

/// The service; an operation left out is recorded in `warnings` (see the module docs).
pub(super) fn resolve_service(
    raw: &RawDefs,
    element_index: &HashMap<QName, usize>,
    warnings: &mut Vec<String>,
) -> Result<Service> {
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
    let (service_name, port_name, address, service_doc, binding) = match chosen {
        Some((service, port, binding)) => (
            service.name.clone(),
            port.name.clone(),
            port.address.clone(),
            service.doc.clone(),
            *binding,
        ),
        None if raw.services.iter().all(|s| s.ports.is_empty()) => {
            let binding = [SoapVersion::Soap11, SoapVersion::Soap12]
                .iter()
                .find_map(|v| raw.bindings.iter().find(|b| b.soap == *v))
                .ok_or_else(no_port)?;
            let name = binding.name.local.clone();
            (name.clone(), name, None, Doc::default(), binding)
        }
        None => return Err(no_port()),
    };
    let Some(port_type) = raw.port_types.iter().find(|p| p.name == binding.port_type) else {
        return Err(Error::Unresolved {
            location: binding.loc.clone(),
            kind: "portType",
            name: binding.port_type.to_string(),
        });
    };
    let message = |name: &QName, loc: &Location| {
        raw.messages
            .iter()
            .find(|m| &m.name == name)
            .ok_or_else(|| Error::Unresolved {
                location: loc.clone(),
                kind: "message",
                name: name.to_string(),
            })
    };
    let element_of = |name: &Option<QName>, loc: &Location, part: &str| -> Result<usize> {
        let Some(name) = name else {
            return Err(Error::Unsupported {
                location: loc.clone(),
                construct: format!("wsdl:part `{part}` without element="),
                hint: "a document-style body or header part names an element (only an rpc \
                       operation's parts may name a type)"
                    .into(),
            });
        };
        element_index
            .get(name)
            .copied()
            .ok_or_else(|| Error::Unresolved {
                location: loc.clone(),
                kind: "element",
                name: name.to_string(),
            })
    };
    let headers = |list: &[RawHeader], field_names: &mut NameSet| -> Result<Vec<HeaderPart>> {
        list.iter()
            .map(|h| {
                let msg = message(&h.message, &h.loc)?;
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
                    element: element_of(&part.element, &part.loc, &part.name)?,
                })
            })
            .collect()
    };
    let mut method_names = NameSet::with_reserved(&["new", "into_inner", "inner"]);
    let mut type_names = NameSet::with_reserved(RESERVED_TYPE_NAMES);
    let stub_name = type_names.claim(&format!("{}Stub", names::camel(&port_type.name.local)));
    let mut operations = Vec::new();
    for op in &binding.operations {
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
                continue;
            }
            _ => {
                return Err(Error::Unsupported {
                    location: op.loc.clone(),
                    construct: format!("overloaded operation `{}`", op.name),
                    hint: "operation names must be unique in a port type".into(),
                });
            }
        };
        let body = |io: &Option<(QName, Location)>,
                    binding_io: &RawBindingIo,
                    dir: &str|
         -> Result<Option<usize>> {
            let (parts_filter, header_list) = (&binding_io.body_parts, &binding_io.headers);
            let Some((name, loc)) = io else {
                return Err(Error::Unsupported {
                    location: abstract_op.loc.clone(),
                    construct: format!("operation `{}` without {dir}", op.name),
                    hint: "only request-response operations are supported".into(),
                });
            };
            let msg = message(name, loc)?;
            // rpc: the wrapper element made for the operation (see `parse/rpc.rs`).
            if let Some(wrapper) = &binding_io.wrapper {
                return element_of(&Some(wrapper.clone()), &op.loc, &op.name).map(Some);
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
                [part] => element_of(&part.element, &part.loc, &part.name).map(Some),
                _ => Err(Error::Unsupported {
                    location: msg.loc.clone(),
                    construct: format!(
                        "{} body parts in message `{}`",
                        parts.len(),
                        msg.name.local
                    ),
                    hint: "document/literal operations need exactly one body part".into(),
                }),
            }
        };
        let resolved = (|| {
            Ok((
                body(&abstract_op.input, &op.input, "input")?,
                body(&abstract_op.output, &op.output, "output")?,
                headers(&op.input.headers, &mut NameSet::default())?,
                headers(&op.output.headers, &mut NameSet::default())?,
            ))
        })();
        let (input, output, input_headers, output_headers) = match resolved {
            Ok(resolved) => resolved,
            Err(e @ Error::Unresolved { .. }) => {
                warnings.push(left_out(&op.name, &e));
                continue;
            }
            Err(e) => return Err(e),
        };
        let type_name = type_names.claim(&names::camel(&op.name));
        let headers_name = type_names.claim(&format!("{type_name}Headers"));
        let output_headers_name = type_names.claim(&format!("{type_name}OutputHeaders"));
        operations.push(Operation {
            name: op.name.clone(),
            method_name: method_names.claim(&names::snake(&op.name)),
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
        });
    }
    let mut doc = service_doc;
    if !port_type.doc.is_empty() {
        if !doc.is_empty() {
            doc.text.push(String::new());
        }
        doc.text.extend(port_type.doc.text.iter().cloned());
    }
    Ok(Service {
        name: service_name,
        port: port_name,
        port_type: port_type.name.local.clone(),
        stub_name,
        address,
        soap: binding.soap,
        doc,
        operations,
    })
}

/// The warning for operation `name` left out because of `why` (an unresolved reference).
fn left_out(name: &str, why: &Error) -> String {
    format!("{why}: operation `{name}` is left out of the bindings")
}
