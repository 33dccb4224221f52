//! SOAP encoding in the emitted code (see `parse/encoded.rs`):
//!
//! - an array type is an alias of a `Vec` of its items (`pub type ArrayOfX = Vec<X>;`), and a
//!   field of one an `array_one`/`array_optional`/`array_nillable`/`array_optional_nillable`
//!   row with its array and item types (`xsi = "ns1:ArrayOfX", item = "ns2:X"`; `item_poly`
//!   for items of a polymorphic type);
//! - in the types an encoded operation writes (those its bodies reach), each element row names
//!   the `xsi:type` written on the element (`xsi = "xsd:string"`, `"ns2:RemoteIssue"`);
//! - the operation's marker says `const BODY_USE: rt::BodyUse = rt::BodyUse::Encoded;`. A
//!   literal operation's says nothing, so literal bindings are written exactly as without
//!   encoding support.
//!
//! An `xsi:type` is written for built-ins (`xsd:` and the XML Schema name the schema used) and
//! named complex types (`nsN:` and its name). None is written for values of simple types
//! other than built-ins (an anonymous one has no name to write), of anonymous complex types, of
//! polymorphic types (their enum writes the subtype's own) and for attributes, wildcards and
//! model groups.

use proc_macro2::TokenStream;
use quote::quote;

use super::*;
use crate::parse::{SOAP_ENCODING, XS};
use crate::qname::QName;

impl Emitter<'_> {
    /// Which complex types (by index) an encoded operation's bodies reach.
    pub(super) fn encoded_types(model: &Model) -> Vec<bool> {
        let mut encoded = vec![false; model.complex_types.len()];
        let mut stack: Vec<usize> = Vec::new();
        for op in model.service.operations.iter().filter(|op| op.encoded) {
            for element in [op.input, op.output].into_iter().flatten() {
                if let TypeRef::Complex(i) = model.elements[element].ty {
                    stack.push(i);
                }
            }
        }
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut encoded[i], true) {
                continue;
            }
            let t = &model.complex_types[i];
            stack.extend(t.subtypes.iter().copied());
            let items = t.array.iter().map(|a| a.item);
            for ty in t.fields.iter().map(|f| f.ty).chain(items) {
                if let TypeRef::Complex(target) = ty {
                    stack.push(target);
                }
            }
        }
        encoded
    }

    /// Whether complex type `t` is written by an encoded operation.
    pub(super) fn is_encoded(&self, t: &ComplexType) -> bool {
        self.model
            .complex_types
            .iter()
            .position(|c| std::ptr::eq(c, t))
            .is_some_and(|i| self.encoded[i])
    }

    /// An array type: `pub type ArrayOfString = Vec<String>;`.
    pub(super) fn array_type(&self, t: &ComplexType, array: &ArrayOf) -> Result<String> {
        let name = ident(&t.rust_name);
        let item = self.type_tokens(array.item, true);
        let doc = doc_attrs(
            &t.doc,
            &format!(
                "SOAP-encoded array {} of {} (`soapenc:Array`).",
                code(&t.name.local),
                code(&array.item_name.local)
            ),
        );
        format(quote! { #doc pub type #name = Vec<#item>; })
    }

    /// A field whose type is an array type: its array and item types.
    fn array_of(&self, f: &Field) -> Option<(&ComplexType, &ArrayOf)> {
        match f.ty {
            TypeRef::Complex(i) => {
                let t = &self.model.complex_types[i];
                t.array.as_ref().map(|a| (t, a))
            }
            _ => None,
        }
    }

    /// Refuses a repeated element of an array type (a `Vec` of arrays has no row).
    pub(super) fn check_array_fields(&self, t: &ComplexType) -> Result<()> {
        for f in &t.fields {
            if self.array_of(f).is_some() && f.max != Some(1) {
                return Err(Error::Emit(format!(
                    "element `{}` of `{}` repeats a SOAP-encoded array type, which is not supported",
                    f.xml_name, t.name.local
                )));
            }
        }
        Ok(())
    }

    /// The shape of an element row with its encoding arguments appended to `args`: an array
    /// field's `array_*` shape (in any type), or `shape` with `xsi = ...` in an encoded type.
    pub(super) fn encoded_row(
        &self,
        f: &Field,
        shape: &str,
        encoded: bool,
        args: &mut String,
    ) -> String {
        if let Some((array, items)) = self.array_of(f) {
            let array_name = self
                .prefixed(&array.name)
                .filter(|_| !array.anonymous)
                .unwrap_or_else(|| "SOAP-ENC:Array".into());
            let item_name = self
                .prefixed(&items.item_name)
                .unwrap_or_else(|| "xsd:anyType".into());
            let key = if self.polymorphic(items.item) {
                "item_poly"
            } else {
                "item"
            };
            args.push_str(&format!(
                ", xsi = {}, {key} = {}",
                lit(&array_name),
                lit(&item_name)
            ));
            return format!("array_{shape}");
        }
        if encoded && let Some(xsi) = self.xsi_type(f) {
            args.push_str(&format!(", xsi = {}", lit(&xsi)));
        }
        shape.to_owned()
    }

    /// The `xsi:type` an element of field `f` is written with, if any.
    fn xsi_type(&self, f: &Field) -> Option<String> {
        match f.ty {
            TypeRef::Builtin(
                Builtin::AnyType | Builtin::AnyElement | Builtin::AnyAttribute | Builtin::Mixed,
            ) => None,
            TypeRef::Builtin(b) => {
                let local = f
                    .xsd_builtin
                    .clone()
                    .unwrap_or_else(|| b.xsd_name().trim_start_matches("xs:").to_owned());
                Some(format!("xsd:{local}"))
            }
            TypeRef::Simple(_) => None,
            TypeRef::Complex(i) => {
                let t = &self.model.complex_types[i];
                if t.anonymous || t.is_particle() || self.polymorphic(f.ty) {
                    return None;
                }
                self.prefixed(&t.name)
            }
        }
    }

    /// Whether values of `ty` are an enum dispatched on `xsi:type` (which writes its own).
    fn polymorphic(&self, ty: TypeRef) -> bool {
        match ty {
            TypeRef::Complex(i) => {
                let t = &self.model.complex_types[i];
                t.is_polymorphic() || t.family.is_some()
            }
            _ => false,
        }
    }

    /// `name` with the prefix an encoded envelope binds its namespace to: `xsd`, `SOAP-ENC`,
    /// or `nsN` of `NAMESPACES`.
    fn prefixed(&self, name: &QName) -> Option<String> {
        let prefix = match name.ns.as_deref() {
            Some(XS) => "xsd".to_owned(),
            Some(SOAP_ENCODING) => "SOAP-ENC".to_owned(),
            ns => {
                let i = self
                    .model
                    .namespaces
                    .iter()
                    .position(|n| Some(n.as_str()) == ns)?;
                format!("ns{}", i + 1)
            }
        };
        Some(format!("{prefix}:{}", name.local))
    }

    /// `const BODY_USE` of an operation's marker: only an encoded operation says it.
    pub(super) fn body_use(&self, op: &Operation) -> TokenStream {
        if op.encoded {
            quote!(
                const BODY_USE: rt::BodyUse = rt::BodyUse::Encoded;
            )
        } else {
            quote!()
        }
    }
}
