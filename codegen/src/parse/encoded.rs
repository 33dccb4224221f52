//! SOAP 1.1 Section 5 encoding (`soap:body use="encoded"`), the rpc/encoded style of Apache
//! Axis 1 and PHP's SoapClient, as far as the schema is concerned:
//!
//! - a `soap:body use="encoded"` marks its message encoded (`RawBindingIo::encoded`); its
//!   `encodingStyle` must be SOAP encoding's (`http://schemas.xmlsoap.org/soap/encoding/`), or
//!   absent. Only rpc operations may be encoded (document/encoded is a diagnostic), and a
//!   `soap:header use="encoded"` is one too. The body is the rpc wrapper of `parse/rpc.rs`; the
//!   emitted operation writes `xsi:type` on every value and reads multi-reference values.
//! - an array type, `complexContent/restriction base="soapenc:Array"`, is read into
//!   `RawComplexType::array`: its item type comes from the
//!   `<attribute ref="soapenc:arrayType" wsdl:arrayType="tns:Item[]"/>` (or, as some toolkits
//!   write it, from the one element of the restriction's sequence). A fixed size (`[5]`) is read
//!   as any size. Multi-dimensional arrays (`[,]`) and arrays of arrays are a diagnostic, except
//!   `xsd:byte[][]`, which Axis 1 writes for `byte[][]` as an array of `xsd:base64Binary`.
//!
//! The SOAP encoding schema itself is never read: its `Array` is recognised by name here, and
//! its simple types (`soapenc:string`, ...) stand for the XML Schema built-ins of the same name
//! (`resolve/encoded.rs`).
//! [`crate::soap_encoding`] holds a built-in copy of that schema for validators (the corpus
//! check gives it to xmllint).

use roxmltree::Node;

use super::{Ctx, WSDL, XS, is, unsupported};
use crate::error::{Error, Result};

use super::raw::RawArray;
use crate::qname::QName;

/// The SOAP 1.1 encoding namespace.
pub const SOAP_ENCODING: &str = "http://schemas.xmlsoap.org/soap/encoding/";

/// Whether the `soap:body` (or `soap:header`) `node` is `use="encoded"`.
pub(super) fn is_encoded(ctx: &Ctx, node: Node) -> Result<bool> {
    match node.attribute("use") {
        None | Some("literal") => Ok(false),
        Some("encoded") if node.tag_name().name() == "body" => {
            match node.attribute("encodingStyle") {
                Some(style) if style.split_whitespace().next() != Some(SOAP_ENCODING) => {
                    Err(Error::Unsupported {
                        location: ctx.loc(node),
                        construct: format!("soap:body encodingStyle=\"{style}\""),
                        hint: format!("only SOAP 1.1 encoding ({SOAP_ENCODING}) is supported"),
                    })
                }
                _ => Ok(true),
            }
        }
        Some("encoded") => Err(Error::Unsupported {
            location: ctx.loc(node),
            construct: format!("soap:{} use=\"encoded\"", node.tag_name().name()),
            hint: "only a soap:body may be encoded (an encoded header is not supported)".into(),
        }),
        Some(other) => Err(Error::Invalid {
            location: ctx.loc(node),
            message: format!("use=\"{other}\" is neither \"literal\" nor \"encoded\""),
        }),
    }
}

/// A document-style operation with an encoded message: not supported.
pub(super) fn check_style(ctx: &Ctx, op: Node, rpc: bool, encoded: bool) -> Result<()> {
    if encoded && !rpc {
        return Err(Error::Unsupported {
            location: ctx.loc(op),
            construct: "document/encoded operation".into(),
            hint: "SOAP encoding is supported with style=\"rpc\" only".into(),
        });
    }
    Ok(())
}

/// True when `base` is `soapenc:Array`.
pub(super) fn is_array_base(base: &QName) -> bool {
    base.ns.as_deref() == Some(SOAP_ENCODING) && base.local == "Array"
}

/// The items of the array type restricting `soapenc:Array` in `restriction`.
pub(super) fn read_array(ctx: &Ctx, restriction: Node) -> Result<RawArray> {
    let mut from_sequence = None;
    for part in restriction.children().filter(Node::is_element) {
        if part.tag_name().namespace() != Some(XS) {
            return Err(unsupported(
                ctx,
                part,
                "a foreign element in an array restriction",
            ));
        }
        match part.tag_name().name() {
            "attribute" => {
                let Some(array_type) = part.attribute((WSDL, "arrayType")) else {
                    continue;
                };
                return array_type_items(ctx, part, array_type);
            }
            "sequence" | "all" => {
                let items: Vec<Node> = part.children().filter(Node::is_element).collect();
                match items.as_slice() {
                    [item] if is(*item, XS, "element") => {
                        if let Some(ty) = ctx.qname_attr(*item, "type")? {
                            from_sequence = Some(RawArray {
                                item: ty,
                                byte_arrays: false,
                                loc: ctx.loc(*item),
                            });
                        }
                    }
                    [] => {}
                    _ => {
                        return Err(unsupported(
                            ctx,
                            part,
                            "an array restriction whose content is not one typed element",
                        ));
                    }
                }
            }
            "annotation" | "anyAttribute" => {}
            _ => {
                return Err(unsupported(
                    ctx,
                    part,
                    "this content in an array restriction",
                ));
            }
        }
    }
    from_sequence.ok_or_else(|| {
        unsupported(
            ctx,
            restriction,
            "a soapenc:Array restriction without wsdl:arrayType or a typed item element",
        )
    })
}

/// The item type of `wsdl:arrayType="prefix:Item[]"` on `node`.
fn array_type_items(ctx: &Ctx, node: Node, value: &str) -> Result<RawArray> {
    let value = value.trim();
    let Some(open) = value.find('[') else {
        return Err(Error::Invalid {
            location: ctx.loc(node),
            message: format!("wsdl:arrayType=\"{value}\" has no dimensions (`[]`)"),
        });
    };
    let item = ctx.qname_value(node, "wsdl:arrayType", &value[..open])?;
    let mut ranks = 0;
    for rank in value[open..].split_inclusive(']') {
        let inner = rank
            .strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
            .filter(|r| r.chars().all(|c| c.is_ascii_digit()));
        if inner.is_none() {
            return Err(Error::Unsupported {
                location: ctx.loc(node),
                construct: format!("wsdl:arrayType=\"{value}\""),
                hint: "multi-dimensional arrays are not supported (one `[]` per rank is)".into(),
            });
        }
        ranks += 1;
    }
    let byte_arrays = ranks == 2 && item.ns.as_deref() == Some(XS) && item.local == "byte";
    if ranks != 1 && !byte_arrays {
        return Err(Error::Unsupported {
            location: ctx.loc(node),
            construct: format!("wsdl:arrayType=\"{value}\""),
            hint: "arrays of arrays are not supported (but xsd:byte[][], arrays of base64)".into(),
        });
    }
    Ok(RawArray {
        item,
        byte_arrays,
        loc: ctx.loc(node),
    })
}
