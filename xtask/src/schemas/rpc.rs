//! Declarations of the rpc/literal wrapper elements a WSDL's messages imply (WSDL 1.1 §3.5, WS-I
//! Basic Profile 1.1 R2729/R2735): for each operation of a SOAP 1.1 binding in rpc style, an
//! element named after the operation (its output's with `Response`) in the `soap:body
//! namespace` (else the target namespace), holding one unqualified element per body part of the
//! part's `type`, or the element a part names. Read from the WSDL itself, not from the
//! generator's model, so the check stays independent of what it checks.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{WSDL, XS, escape, is};

const SOAP11: &str = "http://schemas.xmlsoap.org/wsdl/soap/";

/// A namespace-qualified name.
type QName = (Option<String>, String);

/// One wrapper element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wrapper {
    /// Its namespace.
    pub namespace: String,
    /// Its local name.
    pub name: String,
    /// Its children in order: a part's accessor (name, type) or an element reference.
    pub children: Vec<(Option<String>, QName)>,
}

/// The wrapper elements of every rpc operation in `doc` (each name once).
pub fn wrappers(doc: &roxmltree::Document) -> Vec<Wrapper> {
    let root = doc.root_element();
    let tns = root.attribute("targetNamespace").unwrap_or("").to_owned();
    let children = || root.children().filter(|n| n.is_element());
    let mut found: Vec<Wrapper> = Vec::new();
    for binding in children().filter(|n| is(n, WSDL, "binding")) {
        let Some(soap) = binding.children().find(|n| is(n, SOAP11, "binding")) else {
            continue;
        };
        let binding_rpc = soap.attribute("style") == Some("rpc");
        let Some(port_type) = qname(&binding, binding.attribute("type")) else {
            continue;
        };
        let Some(port_type) = children()
            .filter(|n| is(n, WSDL, "portType"))
            .find(|n| n.attribute("name") == Some(port_type.1.as_str()))
        else {
            continue;
        };
        for op in binding.children().filter(|n| is(n, WSDL, "operation")) {
            let style = op
                .children()
                .find(|n| is(n, SOAP11, "operation"))
                .and_then(|n| n.attribute("style"));
            if !style.map_or(binding_rpc, |s| s == "rpc") {
                continue;
            }
            let name = op.attribute("name").unwrap_or("");
            let Some(abstract_op) = port_type
                .children()
                .filter(|n| is(n, WSDL, "operation"))
                .find(|n| n.attribute("name") == Some(name))
            else {
                continue;
            };
            for (io, suffix) in [("input", ""), ("output", "Response")] {
                let Some(body) = op
                    .children()
                    .find(|n| is(n, WSDL, io))
                    .and_then(|n| n.children().find(|c| is(c, SOAP11, "body")))
                else {
                    continue;
                };
                let Some(message) = abstract_op
                    .children()
                    .find(|n| is(n, WSDL, io))
                    .and_then(|n| qname(&n, n.attribute("message")))
                    .and_then(|m| {
                        children()
                            .filter(|n| is(n, WSDL, "message"))
                            .find(|n| n.attribute("name") == Some(m.1.as_str()))
                    })
                else {
                    continue;
                };
                let selected: Option<Vec<&str>> = body
                    .attribute("parts")
                    .map(|p| p.split_whitespace().collect());
                let mut wrapper = Wrapper {
                    namespace: body.attribute("namespace").unwrap_or(&tns).to_owned(),
                    name: format!("{name}{suffix}"),
                    children: Vec::new(),
                };
                for part in message.children().filter(|n| is(n, WSDL, "part")) {
                    let part_name = part.attribute("name").unwrap_or("");
                    if selected.as_ref().is_some_and(|s| !s.contains(&part_name)) {
                        continue;
                    }
                    if let Some(ty) = qname(&part, part.attribute("type")) {
                        wrapper.children.push((Some(part_name.to_owned()), ty));
                    } else if let Some(element) = qname(&part, part.attribute("element")) {
                        wrapper.children.push((None, element));
                    }
                }
                if !found
                    .iter()
                    .any(|w| w.namespace == wrapper.namespace && w.name == wrapper.name)
                {
                    found.push(wrapper);
                }
            }
        }
    }
    found
}

/// A schema document for `namespace` declaring `wrappers`, importing the other namespaces it
/// refers to from `locations` (namespace → the schema file the envelope imports).
pub fn schema(
    namespace: &str,
    wrappers: &[&Wrapper],
    locations: &BTreeMap<String, String>,
) -> String {
    let mut prefixes: BTreeMap<String, String> = BTreeMap::new();
    let mut body = String::new();
    let prefix = |ns: &Option<String>, prefixes: &mut BTreeMap<String, String>| {
        let ns = ns.clone().unwrap_or_default();
        let next = format!("p{}", prefixes.len());
        prefixes.entry(ns).or_insert(next).clone()
    };
    for wrapper in wrappers {
        let _ = writeln!(
            body,
            "  <xs:element name=\"{}\"><xs:complexType><xs:sequence>",
            escape(&wrapper.name)
        );
        for (part, (ns, local)) in &wrapper.children {
            let p = prefix(ns, &mut prefixes);
            match part {
                Some(part) => {
                    let _ = writeln!(
                        body,
                        "    <xs:element name=\"{}\" type=\"{p}:{}\" form=\"unqualified\"/>",
                        escape(part),
                        escape(local)
                    );
                }
                None => {
                    let _ = writeln!(body, "    <xs:element ref=\"{p}:{}\"/>", escape(local));
                }
            }
        }
        body.push_str("  </xs:sequence></xs:complexType></xs:element>\n");
    }
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xs:schema xmlns:xs=\"{XS}\" targetNamespace=\"{}\"",
        escape(namespace)
    );
    for (ns, p) in &prefixes {
        let _ = write!(out, " xmlns:{p}=\"{}\"", escape(ns));
    }
    out.push_str(">\n");
    for ns in prefixes.keys() {
        if ns != namespace && ns != XS {
            let location = locations
                .get(ns)
                .map(|l| format!(" schemaLocation=\"{}\"", escape(l)))
                .unwrap_or_default();
            let _ = writeln!(out, "  <xs:import namespace=\"{}\"{location}/>", escape(ns));
        }
    }
    out.push_str(&body);
    out.push_str("</xs:schema>\n");
    out
}

/// A QName attribute value resolved at `node`.
fn qname(node: &roxmltree::Node, value: Option<&str>) -> Option<QName> {
    let value = value?.trim();
    let (prefix, local) = match value.split_once(':') {
        Some((p, l)) => (Some(p), l),
        None => (None, value),
    };
    let ns = node.lookup_namespace_uri(prefix).map(str::to_owned);
    Some((ns, local.to_owned()))
}
