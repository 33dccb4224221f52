//! Types of the schema as Rust items: a simple type as an alias or an enum with its
//! `rt::enumeration!` table, a complex type as a struct with its `rt::complex_type!` table (and
//! `new`), an abstract type (or a concrete base that others extend) as an enum over its
//! extensions dispatched on `xsi:type`, a model group as a `rt::choice!` enum (a choice) or a
//! `rt::group!` struct (a sequence), whose parent's row is
//! `particle_one/optional/many(.., of = Type)`.
//!
//! Rows for what parsing read: `attr_one`/`attr_optional` for attributes (in the start tag),
//! `attr_any` for an `xs:anyAttribute`, `mixed` for mixed content, `text` for simple content.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::*;

impl Emitter<'_> {
    /// A simple type, formatted: an alias, or an enum followed by its `rt::enumeration!` table.
    pub(super) fn simple_type(&self, t: &SimpleType) -> Result<String> {
        let name = ident(&t.rust_name);
        match &t.kind {
            SimpleKind::Alias(b) => {
                let what = if t.list_item.is_some() {
                    "a list"
                } else {
                    "a restriction of a built-in type"
                };
                let doc = doc_attrs(
                    &t.doc,
                    &format!("Simple type {}, {what}.", code(&t.name.local)),
                );
                // A list holds its items typed; a union stays the text as written.
                let target = match &t.list_item {
                    Some(item) => {
                        let item = self.type_tokens(item.ty, true);
                        quote!(rt::XmlList<#item>)
                    }
                    None => self.builtin_type(*b),
                };
                format(quote! { #doc pub type #name = #target; })
            }
            SimpleKind::Enum { values, fallback } => {
                let doc = doc_attrs(
                    &t.doc,
                    &format!(
                        "Enumeration {}; values not listed by this WSDL version are kept in [`Self::{fallback}`].",
                        code(&t.name.local)
                    ),
                );
                let fallback_ident = ident(fallback);
                let variants: Vec<Ident> = values.iter().map(|v| ident(&v.rust_name)).collect();
                let variant_docs = values.iter().map(|v| doc_attrs(&v.doc, &code(&v.xml)));
                let item = quote! {
                    #doc
                    #[derive(Debug, Clone, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
                    #[serde(from = "String", into = "String")]
                    pub enum #name {
                        #( #variant_docs #variants, )*
                        /// A value this version of the schema does not list, kept as written.
                        #fallback_ident(String),
                    }
                };
                let rows = values
                    .iter()
                    .map(|v| format!("{} = {}", ident(&v.rust_name), lit(&v.xml)));
                let head = format!("{name}({}, other = {fallback_ident})", lit(&t.name.local));
                Ok(format(item)? + &table("enumeration", &head, rows))
            }
        }
    }

    fn field_type(&self, field: &Field, inside_types: bool) -> TokenStream {
        let mut inner = self.type_tokens(field.ty, inside_types);
        if field.ty == TypeRef::Builtin(Builtin::AnyAttribute) {
            // A map, empty when there are none.
            return inner;
        }
        if field.boxed {
            inner = quote!(Box<#inner>);
        }
        match field.shape() {
            Shape::One => inner,
            Shape::Optional => quote!(Option<#inner>),
            Shape::Nillable => quote!(rt::Nillable<#inner>),
            Shape::OptionalNillable => quote!(Option<rt::Nillable<#inner>>),
            Shape::Many => quote!(Vec<#inner>),
            Shape::ManyNillable => quote!(Vec<rt::Nillable<#inner>>),
        }
    }

    fn field_doc(&self, field: &Field) -> TokenStream {
        let max = match field.max {
            Some(m) => m.to_string(),
            None => "unbounded".into(),
        };
        let nil = if field.nillable { ", nillable" } else { "" };
        if field.ty == TypeRef::Builtin(Builtin::AnyAttribute) {
            return doc_attrs(
                &field.doc,
                "The attributes no named attribute matches (`xs:anyAttribute`), by qualified name: `local`, or `{uri}local`.",
            );
        }
        if field.text {
            let summary = format!(
                "The element's text (simple content), of type {}.",
                code(&self.xsd_name(field.ty))
            );
            return doc_attrs(&field.doc, &summary);
        }
        if field.ty == TypeRef::Builtin(Builtin::Mixed) {
            return doc_attrs(
                &field.doc,
                "Mixed content: the text and the elements between it, kept as written.",
            );
        }
        if field.attribute {
            let usage = if field.min > 0 {
                "required"
            } else {
                "optional"
            };
            let summary = format!(
                "Attribute {} of type {} ({usage}{}).",
                code(&field.xml_name),
                code(&self.xsd_name(field.ty)),
                fixed(field)
            );
            return doc_attrs(&field.doc, &summary);
        }
        if let Some(group) = self.particle_of(field) {
            let what = if group.kind == ComplexKind::Choice {
                "Choice of one of"
            } else {
                "Sequence of"
            };
            let summary = format!(
                "{what} {} (minOccurs {}, maxOccurs {max}).",
                self.members(group),
                field.min
            );
            return doc_attrs(&field.doc, &summary);
        }
        let summary = format!(
            "Element {} of type {} (minOccurs {}, maxOccurs {max}{nil}{}).",
            code(&field.xml_name),
            code(&self.xsd_name(field.ty)),
            field.min,
            fixed(field)
        );
        doc_attrs(&field.doc, &summary)
    }

    fn serde_field_attrs(&self, field: &Field) -> TokenStream {
        // Attributes as `@name`, so an element of the same name keeps its own key.
        let rename = if field.attribute {
            lit(&format!("@{}", field.xml_name))
        } else {
            lit(&field.xml_name)
        };
        let present = lit("rt::deserialize_present");
        if field.ty == TypeRef::Builtin(Builtin::AnyAttribute) {
            return quote!(#[serde(rename = #rename, default, skip_serializing_if = "::std::collections::BTreeMap::is_empty")]);
        }
        match field.shape() {
            Shape::One | Shape::Nillable => quote!(#[serde(rename = #rename)]),
            Shape::Optional => {
                quote!(#[serde(rename = #rename, default, skip_serializing_if = "Option::is_none")])
            }
            Shape::OptionalNillable => quote!(#[serde(
                rename = #rename,
                default,
                skip_serializing_if = "Option::is_none",
                deserialize_with = #present
            )]),
            Shape::Many | Shape::ManyNillable => {
                quote!(#[serde(rename = #rename, default, skip_serializing_if = "Vec::is_empty")])
            }
        }
    }

    /// A complex type or model group, formatted with its table.
    pub(super) fn complex_type(&self, t: &ComplexType) -> Result<String> {
        match t.kind {
            ComplexKind::Array => match &t.array {
                Some(array) => self.array_type(t, array),
                None => Err(Error::Emit(format!(
                    "array `{}` has no items",
                    t.name.local
                ))),
            },
            ComplexKind::Choice => self.choice_type(t),
            ComplexKind::Group | ComplexKind::Struct if t.is_polymorphic() => {
                self.polymorphic_type(t)
            }
            ComplexKind::Struct if t.family.is_some() => {
                Ok(self.struct_type(t)? + "\n" + &self.family_type(t)?)
            }
            ComplexKind::Group | ComplexKind::Struct => self.struct_type(t),
        }
    }

    /// A struct, formatted, followed by its `rt::complex_type!` field table (`rt::group!`
    /// for a sequence group).
    fn struct_type(&self, t: &ComplexType) -> Result<String> {
        let name = ident(&t.rust_name);
        let summary = if t.kind == ComplexKind::Group {
            format!(
                "Sequence of {} (a group of elements in this order, which repeats or is one alternative of a choice).",
                self.members(t)
            )
        } else {
            format!("Complex type {}.", code(&t.name.local))
        };
        let doc = doc_attrs(&t.doc, &summary);
        let default = if t.has_default {
            quote!(Default,)
        } else {
            quote!()
        };
        let fields = t.fields.iter().map(|f| {
            let doc = self.field_doc(f);
            let serde = self.serde_field_attrs(f);
            let fname = ident(&f.rust_name);
            let ty = self.field_type(f, true);
            quote! { #doc #serde pub #fname: #ty, }
        });
        let constructor = self.constructor(t);
        let item = quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, #default ::serde::Serialize, ::serde::Deserialize)]
            pub struct #name {
                #(#fields)*
            }
            #constructor
        };
        self.check_array_fields(t)?;
        let encoded = t.kind == ComplexKind::Struct && self.is_encoded(t);
        let rows = t.fields.iter().map(|f| self.row(f, encoded));
        let mac = if t.kind == ComplexKind::Group {
            "group"
        } else {
            "complex_type"
        };
        Ok(format(item)? + &table(mac, &name.to_string(), rows))
    }

    /// The table row of a field (or of a choice's variant): `name: shape(args)`.
    fn row(&self, f: &Field, encoded: bool) -> String {
        let mut args = name_args(&f.xml_name, f.namespace);
        if matches!(f.shape(), Shape::Many | Shape::ManyNillable) {
            let max = f
                .max
                .map_or_else(|| "unbounded".to_owned(), |m| m.to_string());
            args += &format!(", min = {}, max = {max}", f.min);
        }
        let shape = shape_keyword(f.shape());
        let shape = if f.ty == TypeRef::Builtin(Builtin::AnyAttribute) {
            "attr_any".to_owned()
        } else if f.ty == TypeRef::Builtin(Builtin::Mixed) {
            "mixed".to_owned()
        } else if f.text {
            "text".to_owned()
        } else if f.attribute {
            format!("attr_{shape}")
        } else if f.ty == TypeRef::Builtin(Builtin::AnyElement) {
            format!("any_{shape}")
        } else if let Some(group) = self.particle_of(f) {
            args += &format!(", of = {}", ident(&group.rust_name));
            format!("particle_{shape}")
        } else {
            self.encoded_row(f, shape, encoded, &mut args)
        };
        format!("{}: {shape}({args})", ident(&f.rust_name))
    }

    /// The model group a field holds, if it holds one.
    fn particle_of(&self, f: &Field) -> Option<&ComplexType> {
        match f.ty {
            TypeRef::Complex(i) if self.model.complex_types[i].is_particle() => {
                Some(&self.model.complex_types[i])
            }
            _ => None,
        }
    }

    /// The members of a model group, for docs: `` `a`, `b` ``.
    fn members(&self, t: &ComplexType) -> String {
        t.fields
            .iter()
            .map(|f| match self.particle_of(f) {
                Some(group) if group.kind == ComplexKind::Choice => {
                    format!("(one of {})", self.members(group))
                }
                Some(group) => format!("({})", self.members(group)),
                None => code(&f.xml_name),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// An `xs:choice` as an enum, one variant per alternative, followed by its `rt::choice!`
    /// table.
    fn choice_type(&self, t: &ComplexType) -> Result<String> {
        let name = ident(&t.rust_name);
        let doc = doc_attrs(&t.doc, &format!("Choice of one of {}.", self.members(t)));
        let variants = t.fields.iter().map(|f| {
            let doc = self.field_doc(f);
            let rename = lit(&f.xml_name);
            let variant = ident(&f.rust_name);
            let ty = self.field_type(f, true);
            quote! { #doc #[serde(rename = #rename)] #variant(#ty), }
        });
        let item = quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
            pub enum #name {
                #(#variants)*
            }
        };
        let rows = t.fields.iter().map(|f| self.row(f, false));
        Ok(format(item)? + &table("choice", &name.to_string(), rows))
    }

    /// `new(required elements...)` for a struct with required elements: optional elements
    /// start absent and repeated ones empty, so the call keeps compiling when a newer WSDL adds
    /// optional elements (which a struct literal would not). Nothing for a struct without.
    fn constructor(&self, t: &ComplexType) -> TokenStream {
        let required = |f: &&Field| match f.shape() {
            Shape::One | Shape::Nillable => true,
            Shape::Many | Shape::ManyNillable => f.min > 0,
            Shape::Optional | Shape::OptionalNillable => false,
        };
        let params: Vec<&Field> = t.fields.iter().filter(required).collect();
        if params.is_empty() {
            return quote!();
        }
        let name = ident(&t.rust_name);
        let names = params
            .iter()
            .map(|f| code(&f.xml_name))
            .collect::<Vec<_>>()
            .join(", ");
        let doc = lit(&format!(
            " The {} with these required elements ({names}); optional elements are absent, repeated ones empty.",
            code(&t.name.local)
        ));
        let args = params.iter().map(|f| {
            let fname = ident(&f.rust_name);
            let ty = self.field_type(f, true);
            quote!(#fname: impl Into<#ty>)
        });
        let inits = t.fields.iter().map(|f| {
            let fname = ident(&f.rust_name);
            if required(&f) {
                quote!(#fname: #fname.into())
            } else if f.ty == TypeRef::Builtin(Builtin::AnyAttribute) {
                quote!(#fname: ::std::collections::BTreeMap::new())
            } else if matches!(f.shape(), Shape::Many | Shape::ManyNillable) {
                quote!(#fname: Vec::new())
            } else {
                quote!(#fname: None)
            }
        });
        quote! {
            impl #name {
                #[doc = #doc]
                ///
                /// Prefer it to a struct literal: it keeps compiling when a newer WSDL version
                /// adds optional elements.
                pub fn new(#(#args),*) -> Self {
                    Self { #(#inits),* }
                }
            }
        }
    }

    /// An abstract type as an enum over its extensions, formatted.
    fn polymorphic_type(&self, t: &ComplexType) -> Result<String> {
        let doc = doc_attrs(
            &t.doc,
            &format!(
                "Abstract type {}: one of its extensions, written with `xsi:type`.",
                code(&t.name.local)
            ),
        );
        self.xsi_type_enum(t, &t.rust_name, doc, None)
    }

    /// The enum of a concrete type that others extend: the type itself (no `xsi:type`, or its
    /// own) or one of its extensions (by `xsi:type`), formatted.
    fn family_type(&self, t: &ComplexType) -> Result<String> {
        let name = t.family.as_deref().unwrap_or(&t.rust_name);
        let doc = doc_attrs(
            &Doc::default(),
            &format!(
                "Type {} or one of its extensions: an element of type {} holds this, read and written by `xsi:type` (none for {} itself).",
                code(&t.name.local),
                code(&t.name.local),
                code(&t.name.local)
            ),
        );
        self.xsi_type_enum(t, name, doc, Some(t))
    }

    /// An enum over `base` (when concrete: the variant without `xsi:type`) and `family`'s
    /// concrete extensions, dispatched on `xsi:type`.
    fn xsi_type_enum(
        &self,
        family: &ComplexType,
        name: &str,
        doc: TokenStream,
        base: Option<&ComplexType>,
    ) -> Result<String> {
        let name = ident(name);
        let subtypes: Vec<&ComplexType> = family
            .subtypes
            .iter()
            .map(|&i| &self.model.complex_types[i])
            .collect();
        let members: Vec<&ComplexType> = base.into_iter().chain(subtypes.iter().copied()).collect();
        let variants: Vec<Ident> = members.iter().map(|s| ident(&s.rust_name)).collect();
        let renames = members.iter().map(|s| lit(&s.name.local));
        let variant_docs = members.iter().map(|s| {
            let text = if base.is_some_and(|b| std::ptr::eq(b, *s)) {
                format!(
                    "{} itself (written without `xsi:type`).",
                    code(&s.name.local)
                )
            } else {
                format!("`xsi:type` {}.", code(&s.name.local))
            };
            doc_attrs(&Doc::default(), &text)
        });
        let write_body = self.xsi_type_write(base, &subtypes);
        let (reads, missing) = self.xsi_type_reads(family, base, &members);
        let default = match base {
            Some(b) if b.has_default => {
                let variant = ident(&b.rust_name);
                quote! {
                    impl Default for #name {
                        fn default() -> Self {
                            Self::#variant(Default::default())
                        }
                    }
                }
            }
            _ => quote!(),
        };
        // A family's members convert into it (`holder.base = Derived { .. }.into()`).
        let conversions = base.map(|_| {
            let froms = variants.iter().map(|variant| {
                quote! {
                    impl From<#variant> for #name {
                        fn from(value: #variant) -> Self {
                            Self::#variant(value)
                        }
                    }
                }
            });
            quote!(#(#froms)*)
        });
        format(quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
            pub enum #name {
                #( #variant_docs #[serde(rename = #renames)] #variants(#variants), )*
            }
            #default
            #conversions
            impl rt::XmlValue for #name {
                fn write_element(&self, w: &mut rt::XmlWriter, name: &rt::Name) {
                    #write_body
                }
                fn read_element(r: &mut rt::XmlReader<'_>, start: &rt::StartTag<'_>) -> Result<Self, rt::DecodeError> {
                    match start.xsi_type() {
                        #(#reads)*
                        Some((_, other)) => Err(
                            r.error_at_tag(start, rt::DecodeErrorKind::UnknownXsiType(String::from(other))),
                        ),
                        #missing
                    }
                }
            }
        })
    }

    /// The body of an `xsi:type` enum's `write_element`: `base` (when concrete) as itself, each
    /// of `subtypes` with its `xsi:type`.
    fn xsi_type_write(&self, base: Option<&ComplexType>, subtypes: &[&ComplexType]) -> TokenStream {
        let base_write = base.map(|b| {
            let variant = ident(&b.rust_name);
            quote!(Self::#variant(value) => rt::XmlValue::write_element(value, w, name),)
        });
        let writes = subtypes.iter().map(|s| {
            let variant = ident(&s.rust_name);
            let ns = self.namespace_of(s);
            let qname = match self.prefix(ns) {
                Some(p) => format!("{p}:{}", s.name.local),
                None => s.name.local.clone(),
            };
            let qname = lit(&qname);
            let attributes = if s.fields.iter().any(|f| f.attribute) {
                quote!(value.write_attributes(w);)
            } else {
                quote!()
            };
            quote! {
                Self::#variant(value) => {
                    w.open(name);
                    w.attribute("xsi:type", #qname);
                    #attributes
                    w.close_start();
                    value.write_content(w);
                    w.end(name);
                }
            }
        });
        if base.is_none() && subtypes.is_empty() {
            quote!(let _ = (w, name); match *self {})
        } else {
            quote!(match self { #base_write #(#writes)* })
        }
    }

    /// The arms of an `xsi:type` enum's `read_element`: one per member by its `xsi:type`, and
    /// the one for no `xsi:type` (`base` when concrete, else an error naming `family`).
    fn xsi_type_reads(
        &self,
        family: &ComplexType,
        base: Option<&ComplexType>,
        members: &[&ComplexType],
    ) -> (Vec<TokenStream>, TokenStream) {
        let reads = members.iter().map(|s| {
            let variant = ident(&s.rust_name);
            let ns = self.ns_expr(self.namespace_of(s));
            let local = lit(&s.name.local);
            if s.fields.iter().any(|f| f.attribute) {
                quote!(Some((#ns, #local)) => #variant::read_with_start(r, Some(start)).map(Self::#variant),)
            } else {
                quote!(Some((#ns, #local)) => #variant::read_content(r).map(Self::#variant),)
            }
        });
        let missing = match base {
            Some(b) => {
                let variant = ident(&b.rust_name);
                quote!(None => <#variant as rt::XmlValue>::read_element(r, start).map(Self::#variant),)
            }
            None => {
                let local = lit(&family.name.local);
                quote!(None => Err(r.error_at_tag(start, rt::DecodeErrorKind::MissingXsiType(#local))),)
            }
        };
        (reads.collect(), missing)
    }

    fn namespace_of(&self, t: &ComplexType) -> Option<usize> {
        t.name
            .ns
            .as_deref()
            .and_then(|ns| self.model.namespaces.iter().position(|n| n == ns))
    }
}

/// `, fixed `value`` for a field whose value the schema fixes, else nothing.
fn fixed(field: &Field) -> String {
    match &field.fixed {
        Some(value) => format!(", fixed {}", code(value)),
        None => String::new(),
    }
}
