//! The table macros for enumerations, headers structs and the set of global elements (the
//! generated code's use of the runtime macros is described in `macros.rs`).

/// Implements the conversions and XML mapping of a generated enumeration from its value table.
///
/// ```text
/// rt::enumeration! {
///     ForeignSysType("ForeignSysType", other = Unknown) {
///         Custom = "CUSTOM",
///         Sfdc = "SFDC",
///     }
/// }
/// ```
///
/// The enum itself (variants in the table plus the `other` variant holding a `String`) is
/// declared by the generated code; the macro adds `VALUES`, `as_str`, `is_known`,
/// `From<&str>`, `From<String>`, `From<Enum> for String`, `Display`, `SimpleValue` (named
/// after the schema type given first) and `XmlValue`. Values the table does not list are kept
/// in the `other` variant exactly as written.
#[doc(hidden)]
#[macro_export]
macro_rules! __enumeration {
    (
        $name:ident($xsd:literal, other = $other:ident) {
            $( $variant:ident = $xml:literal ),* $(,)?
        }
    ) => {
        impl $name {
            /// Every value the schema lists, in schema order.
            pub const VALUES: &'static [&'static str] = &[$($xml),*];
            /// The value exactly as written in XML.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $xml, )*
                    Self::$other(value) => value,
                }
            }
            /// True when the value is one this schema version lists.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::$other(_))
            }
        }
        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $xml => Self::$variant, )*
                    other => Self::$other(::std::string::String::from(other)),
                }
            }
        }
        impl ::core::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $( $xml => Self::$variant, )*
                    _ => Self::$other(value),
                }
            }
        }
        impl ::core::convert::From<$name> for ::std::string::String {
            fn from(value: $name) -> Self {
                match value {
                    $name::$other(value) => value,
                    known => ::std::string::String::from(known.as_str()),
                }
            }
        }
        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl $crate::SimpleValue for $name {
            const XSD_TYPE: &'static str = $xsd;
            fn parse_text(text: &str) -> ::core::option::Option<Self> {
                ::core::option::Option::Some(Self::from(text))
            }
            fn write_text_element(&self, w: &mut $crate::XmlWriter, name: &$crate::Name) {
                w.text_element(name, self.as_str());
            }
        }
        impl $crate::XmlValue for $name {
            fn write_element(&self, w: &mut $crate::XmlWriter, name: &$crate::Name) {
                $crate::write_simple(w, name, self);
            }
            fn read_element(
                r: &mut $crate::XmlReader<'_>,
                _start: &$crate::StartTag<'_>,
            ) -> ::core::result::Result<Self, $crate::DecodeError> {
                $crate::read_simple(r)
            }
        }
    };
}

/// Implements [`Headers`](crate::Headers) for a generated headers struct from its table.
///
/// ```text
/// rt::headers! {
///     SyncLeadHeaders {
///         authentication: optional("AuthenticationHeader", ns = 0),
///         mktows_context: optional("MktowsContextHeader", ns = 0),
///     }
/// }
/// ```
///
/// Every header is optional (`Option<T>` fields); entries name the header's global element as
/// in [`complex_type!`](crate::complex_type). Headers are written in table order and read
/// in any order; a header element the table does not list is left to the caller.
#[doc(hidden)]
#[macro_export]
macro_rules! __headers {
    (
        $name:ident {
            $( $field:ident : optional ( $xml:literal $(, ns = $ns:literal)? ) ),+ $(,)?
        }
    ) => {
        impl $crate::Headers for $name {
            fn is_empty(&self) -> bool {
                $( self.$field.is_none() )&&+
            }
            fn write_headers(&self, w: &mut $crate::XmlWriter) {
                $(
                    $crate::write_optional(
                        w,
                        $crate::__complex_type!(@name $xml $(, $ns)?),
                        &self.$field,
                    );
                )+
            }
            fn read_header(
                &mut self,
                r: &mut $crate::XmlReader<'_>,
                start: &$crate::StartTag<'_>,
            ) -> ::core::result::Result<bool, $crate::DecodeError> {
                $(
                    if $crate::__complex_type!(@is start, $xml $(, $ns)?) {
                        $crate::read_header_into(r, start, $xml, &mut self.$field)?;
                        return ::core::result::Result::Ok(true);
                    }
                )+
                ::core::result::Result::Ok(false)
            }
            fn has(&self, element: &$crate::Name) -> bool {
                $(
                    let name: $crate::Name = $crate::__complex_type!(@name $xml $(, $ns)?).into();
                    if *element == name {
                        return self.$field.is_some();
                    }
                )+
                false
            }
        }
    };
}

/// Implements [`ElementSet`](crate::ElementSet) for the generated enum of every global
/// element from its table.
///
/// ```text
/// rt::element_set! {
///     AnyElement {
///         ParamsSyncLead("paramsSyncLead", ns = 0),
///         SuccessSyncLead("successSyncLead", ns = 0),
///     }
/// }
/// ```
///
/// Each variant holds the content of the element named as in
/// [`complex_type!`](crate::complex_type); reading picks the variant by local name and
/// namespace, an element the table does not list reads as `None`.
#[doc(hidden)]
#[macro_export]
macro_rules! __element_set {
    ($name:ident {}) => {
        impl $crate::ElementSet for $name {
            const NAMESPACES: &'static [(&'static str, &'static str)] = super::NAMESPACES;
            const SOAP: $crate::SoapVersion = super::SOAP_VERSION;
            fn knows(_start: &$crate::StartTag<'_>) -> bool {
                false
            }
            fn read_any(
                _r: &mut $crate::XmlReader<'_>,
                _start: &$crate::StartTag<'_>,
            ) -> ::core::result::Result<::core::option::Option<Self>, $crate::DecodeError> {
                ::core::result::Result::Ok(::core::option::Option::None)
            }
            fn write_any(&self, _w: &mut $crate::XmlWriter) {
                match *self {}
            }
            fn element_name(&self) -> $crate::Name {
                match *self {}
            }
        }
    };
    (
        $name:ident {
            $( $variant:ident ( $xml:literal $(, ns = $ns:literal)? ) ),+ $(,)?
        }
    ) => {
        impl $crate::ElementSet for $name {
            const NAMESPACES: &'static [(&'static str, &'static str)] = super::NAMESPACES;
            const SOAP: $crate::SoapVersion = super::SOAP_VERSION;
            fn knows(start: &$crate::StartTag<'_>) -> bool {
                $( $crate::__complex_type!(@is start, $xml $(, $ns)?) )||+
            }
            fn read_any(
                r: &mut $crate::XmlReader<'_>,
                start: &$crate::StartTag<'_>,
            ) -> ::core::result::Result<::core::option::Option<Self>, $crate::DecodeError> {
                $(
                    if $crate::__complex_type!(@is start, $xml $(, $ns)?) {
                        return ::core::result::Result::Ok(::core::option::Option::Some(
                            Self::$variant($crate::read_global(r, start, $xml)?),
                        ));
                    }
                )+
                ::core::result::Result::Ok(::core::option::Option::None)
            }
            fn write_any(&self, w: &mut $crate::XmlWriter) {
                match self {
                    $(
                        Self::$variant(value) => $crate::write_one(
                            w,
                            $crate::__complex_type!(@name $xml $(, $ns)?),
                            value,
                        ),
                    )+
                }
            }
            fn element_name(&self) -> $crate::Name {
                match self {
                    $( Self::$variant(_) => $crate::__complex_type!(@name $xml $(, $ns)?).into(), )+
                }
            }
        }
    };
}

pub use crate::__element_set as element_set;
pub use crate::__enumeration as enumeration;
pub use crate::__headers as headers;
