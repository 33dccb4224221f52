//! SOAP-encoded arrays and the SOAP encoding's simple types (see `parse/encoded.rs`): an array
//! type becomes a [`ComplexKind::Array`] over its item type; `soapenc:string` and the other
//! simple types of the SOAP encoding schema, which restate XML Schema's built-ins (adding the
//! `id`/`href` attributes), stand for those built-ins.

use super::Resolver;
use crate::error::Result;
use crate::model::{ArrayOf, Builtin, ComplexKind, TypeRef};
use crate::parse::{RawComplexType, RawType, SOAP_ENCODING, XS};
use crate::qname::QName;

/// A simple type of the SOAP encoding namespace named after an XML Schema built-in.
pub(super) fn is_builtin(name: &QName) -> bool {
    name.ns.as_deref() == Some(SOAP_ENCODING)
        && Builtin::from_xsd(&name.local).is_some()
        && !matches!(
            name.local.as_str(),
            "anyType" | "anyElement" | "anyAttribute" | "mixed"
        )
}

impl Resolver<'_> {
    /// Resolves `raw` (model type `index`) as an array type when it is one.
    pub(super) fn resolve_array(&mut self, index: usize, raw: &RawComplexType) -> Result<bool> {
        let Some(array) = &raw.array else {
            return Ok(false);
        };
        let (item, item_name) = if array.byte_arrays {
            let name = QName {
                ns: Some(XS.to_owned()),
                local: "base64Binary".into(),
            };
            (TypeRef::Builtin(Builtin::Base64Binary), name)
        } else {
            let ty = self.resolve_type(&RawType::Named(array.item.clone(), array.loc.clone()))?;
            (ty, array.item.clone())
        };
        let ty = &mut self.model.complex_types[index];
        ty.kind = ComplexKind::Array;
        ty.array = Some(ArrayOf { item, item_name });
        Ok(true)
    }
}
