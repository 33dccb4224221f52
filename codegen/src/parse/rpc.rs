//! rpc/literal operations: the body of an rpc message is one wrapper element named after the
//! operation (`{op}` for the input, `{op}Response` for the output) in the namespace of the
//! binding's `soap:body namespace=` (the WSDL's target namespace when it has none), with one
//! child per body part: an unqualified accessor element named after the part and of its
//! `type=`, or for a part naming an `element=`, that element. WSDL 1.1 §3.5 and the WS-I Basic
//! Profile 1.1 (R2729, R2735) define the shape.
//!
//! In an rpc/encoded operation's output (see `parse/encoded.rs`), a part of a type Apache Axis 1
//! maps to a Java object rather than a primitive (anything but `xsd:boolean`, `byte`, `short`,
//! `int`, `long`, `float` and `double`) is nillable: SOAP encoding writes a null return as
//! `xsi:nil="true"`, as Axis and PHP do. Input parts stay required values.
//!
//! An operation is rpc when `style="rpc"` is on its `soap:operation`, or on the `soap:binding`
//! when the operation says nothing.
//!
//! Once every schema is read, each rpc operation's wrapper is declared here as a global element
//! with an anonymous type, so the rest of the pipeline treats it like a document/literal body
//! element; the binding message records its name (`RawBindingIo::wrapper`). A schema element
//! of the same name as a wrapper is a diagnostic. A message or port type operation that does
//! not exist is left for `resolve/service.rs` to report.

use std::collections::HashSet;

use super::raw::*;
use crate::docs::Doc;
use crate::error::{Error, Result};

/// Declares the wrapper elements of every rpc operation of every SOAP 1.1 binding.
pub(super) fn add_wrappers(defs: &mut RawDefs) -> Result<()> {
    let mut made: HashSet<QName> = HashSet::new();
    for b in 0..defs.bindings.len() {
        for o in 0..defs.bindings[b].operations.len() {
            if !defs.bindings[b].operations[o].rpc {
                continue;
            }
            for output in [false, true] {
                let Some(wrapper) = wrapper(defs, b, o, output)? else {
                    continue;
                };
                let name = wrapper.name.clone();
                if !made.contains(&name) {
                    if defs.elements.iter().any(|e| e.name == name) {
                        let op = &defs.bindings[b].operations[o];
                        return Err(Error::Unsupported {
                            location: op.loc.clone(),
                            construct: format!("rpc operation `{}`", op.name),
                            hint: format!(
                                "its wrapper element `{name}` is also declared by a schema"
                            ),
                        });
                    }
                    if let Some(ns) = &name.ns
                        && !defs.schema_namespaces.contains(ns)
                    {
                        defs.schema_namespaces.push(ns.clone());
                    }
                    made.insert(name.clone());
                    defs.elements.push(wrapper);
                }
                let op = &mut defs.bindings[b].operations[o];
                let io = if output {
                    &mut op.output
                } else {
                    &mut op.input
                };
                io.wrapper = Some(name);
            }
        }
    }
    Ok(())
}

/// The wrapper element of operation `o` of binding `b` (its input, or its `output`); `None`
/// when the port type operation or message is missing.
fn wrapper(defs: &RawDefs, b: usize, o: usize, output: bool) -> Result<Option<RawGlobalElement>> {
    let binding = &defs.bindings[b];
    let op = &binding.operations[o];
    let Some(abstract_op) = defs
        .port_types
        .iter()
        .find(|p| p.name == binding.port_type)
        .and_then(|p| p.operations.iter().find(|a| a.name == op.name))
    else {
        return Ok(None);
    };
    let (io, message) = if output {
        (&op.output, &abstract_op.output)
    } else {
        (&op.input, &abstract_op.input)
    };
    let Some(message) = message
        .as_ref()
        .and_then(|(name, _)| defs.messages.iter().find(|m| &m.name == name))
    else {
        return Ok(None);
    };
    let mut elements = Vec::new();
    for part in &message.parts {
        let in_body = match &io.body_parts {
            Some(selected) => selected.contains(&part.name),
            None => !io
                .headers
                .iter()
                .any(|h| h.message == message.name && h.part == part.name),
        };
        if !in_body {
            continue;
        }
        let (name, namespace, ty, reference) = match (&part.ty, &part.element) {
            (Some(ty), None) => (
                part.name.clone(),
                None,
                Some(RawType::Named(ty.clone(), part.loc.clone())),
                None,
            ),
            (None, Some(element)) => (
                element.local.clone(),
                element.ns.clone(),
                None,
                Some(element.clone()),
            ),
            _ => {
                return Err(Error::Invalid {
                    location: part.loc.clone(),
                    message: format!(
                        "part `{}` must name exactly one of `type` and `element`",
                        part.name
                    ),
                });
            }
        };
        elements.push(RawLocalElement {
            name,
            namespace,
            ty,
            reference,
            min: 1,
            max: Some(1),
            nillable: output && io.encoded && part.ty.as_ref().is_some_and(|t| !primitive(t)),
            doc: Doc::default(),
            loc: part.loc.clone(),
            wildcard: false,
            attribute: false,
            particle: None,
            fixed: None,
            substitute: false,
        });
    }
    let name = QName {
        ns: io.namespace.clone().or_else(|| defs.target_ns.clone()),
        local: if output {
            format!("{}Response", op.name)
        } else {
            op.name.clone()
        },
    };
    let mut doc = Doc::default();
    doc.text.push(format!(
        "The rpc wrapper of operation {}'s {}: one child per message part.",
        op.name,
        if output { "output" } else { "input" }
    ));
    Ok(Some(RawGlobalElement {
        name: name.clone(),
        ty: RawType::AnonComplex(Box::new(RawComplexType {
            name,
            is_abstract: false,
            base: None,
            restriction: false,
            simple_content: false,
            elements,
            array: None,
            doc: doc.clone(),
            loc: op.loc.clone(),
        })),
        nillable: false,
        substitution_group: None,
        is_abstract: false,
        doc,
        loc: op.loc.clone(),
    }))
}

/// A built-in Apache Axis 1 maps to a Java primitive, which is never null.
fn primitive(ty: &QName) -> bool {
    ty.ns.as_deref() == Some(super::XS)
        && matches!(
            ty.local.as_str(),
            "boolean" | "byte" | "short" | "int" | "long" | "float" | "double"
        )
}
