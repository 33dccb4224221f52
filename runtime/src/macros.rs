//! The declarative macros generated code maps its types to XML with, in the spirit of
//! prost's derives: the generator writes a readable table next to each type, the compiler
//! expands it into straight-line code.
//!
//! - [`complex_type!`](crate::complex_type) turns a field table into `write_content`,
//!   `read_content` and the [`XmlValue`](crate::XmlValue) impl of a struct;
//! - [`enumeration!`](crate::enumeration) turns a value table into the string conversions,
//!   [`SimpleValue`](crate::SimpleValue), `XmlValue` and `Display` of an enum;
//! - [`headers!`](crate::headers) turns the header parts of an operation's message into
//!   the [`Headers`](crate::Headers) impl of its headers struct;
//! - [`element_set!`](crate::element_set) turns the list of global elements into the
//!   [`ElementSet`](crate::ElementSet) impl of the generated `AnyElement`.
//!
//! The expansion is straight-line code per type. Reading matches each child by local name and
//! namespace; an unqualified local element also matches when written in one of the schema's
//! namespaces, as JAX-WS writes them. A child no row matches goes to
//! [`XmlReader::unknown_child`](crate::XmlReader::unknown_child): an error naming its path in
//! strict reading, a recorded skip in lenient reading.
//!
//! They are public only so that generated code in other crates (tests, `features` bindings)
//! can call them through the runtime path; applications do not use them directly.

/// Implements the XML mapping of a generated struct from its field table.
///
/// ```text
/// rt::complex_type! {
///     LeadRecord {
///         id: optional_nillable("Id"),
///         lead_record: many("leadRecord", min = 0, max = unbounded),
///         qualified: one("element", ns = 0),
///     }
/// }
/// ```
///
/// Each entry is `field: shape(xml name [, ns = N] [, min = M, max = N|unbounded])` in schema
/// order. The shape is the field's cardinality: `one`, `optional`, `nillable`,
/// `optional_nillable`, `many` or `many_nillable` (the last two carry `min`/`max`); an `xs:any`
/// wildcard is `any_one`, `any_optional` or `any_many` (named `"any"`, holding
/// [`RawXml`](crate::RawXml)) and takes, in any position, the children no named field
/// matches. Attributes are `attr_one` and `attr_optional`; an `xs:anyAttribute` is `attr_any`
/// (a `BTreeMap<String, String>` of the attributes no named one matches). A type with mixed
/// content has one `mixed` row (a [`MixedContent`](crate::MixedContent): its text and
/// elements as written) besides its attributes; a type with simple content one `text` row
/// (`"$value"`, the element's text as a simple value). A model group (an `xs:choice`, or a sequence that repeats) is `particle_one`,
/// `particle_optional` or `particle_many` with `of = Type`, its generated type (see
/// [`choice!`](crate::choice) and [`group!`](crate::group)): it takes the run of
/// children it starts with. `ns = N`
/// marks an element qualified in namespace `N` of the generated `NAMESPACES` table (the macro
/// refers to it as `super::NAMESPACES`, so it is invoked in the generated `types` module);
/// without it the element is unqualified.
///
/// In the types of a SOAP-encoded operation (see [`BodyUse`](crate::BodyUse)), an element row
/// may end with `xsi = "xsd:string"`: each value is written with that `xsi:type`. A field
/// holding a SOAP-encoded array (a `Vec` of its items) is `array_one`, `array_optional`,
/// `array_nillable` or `array_optional_nillable` with `xsi = "ns2:ArrayOfString"` (the array
/// type) and `item = "xsd:string"` (the item type, written on each item), or
/// `item_poly = "ns1:Base"` for items of a polymorphic type (each writes its own).
///
/// The expansion writes the children in table order and reads them in any order, matching
/// each child by local name and namespace, skipping unknown ones, refusing a duplicate of a
/// single element and reporting a missing required one or a count outside `min..=max` by name.
#[doc(hidden)]
#[macro_export]
macro_rules! __complex_type {
    // The element name a field is written with.
    (@name $xml:literal) => {
        $xml
    };
    (@name $xml:literal, $ns:literal) => {
        $crate::Name::qualified(super::NAMESPACES[$ns].0, super::NAMESPACES[$ns].1, $xml)
    };
    // Whether a child start tag is the field's element.
    // An unqualified local element also matches when written in one of the schema's
    // namespaces, as JAX-WS and some other stacks write them (Marketo read them so too).
    (@is $child:ident, $xml:literal) => {
        $child.local_name() == $xml.as_bytes()
            && matches!($child.ns(), $crate::Ns::None | $crate::Ns::Known(_))
    };
    (@is $child:ident, $xml:literal, $ns:literal) => {
        $child.local_name() == $xml.as_bytes() && $child.ns() == $crate::Ns::Known($ns)
    };
    // Whether a child is a named field's element (wildcards match in a second pass).
    (@named any_one, $($rest:tt)*) => {
        false
    };
    (@named attr_one, $($rest:tt)*) => {
        false
    };
    (@named attr_optional, $($rest:tt)*) => {
        false
    };
    (@named attr_any, $($rest:tt)*) => {
        false
    };
    (@named mixed, $($rest:tt)*) => {
        false
    };
    (@named text, $($rest:tt)*) => {
        false
    };
    // Mixed content and simple content are taken whole, before (instead of) reading children.
    (@read_mixed mixed, $r:ident, $field:ident, $ahead:ident) => {
        $field = ::core::option::Option::Some($crate::read_mixed($r)?);
        $ahead = ::core::option::Option::Some(::core::option::Option::None);
    };
    (@read_mixed text, $r:ident, $field:ident, $ahead:ident) => {
        $field = ::core::option::Option::Some($crate::read_simple($r)?);
        $ahead = ::core::option::Option::Some(::core::option::Option::None);
    };
    (@read_mixed $shape:ident, $($rest:tt)*) => {};
    (@named any_optional, $($rest:tt)*) => {
        false
    };
    (@named any_many, $($rest:tt)*) => {
        false
    };
    (@named particle_one, $($rest:tt)*) => {
        false
    };
    (@named particle_optional, $($rest:tt)*) => {
        false
    };
    (@named particle_many, $($rest:tt)*) => {
        false
    };
    (@named $shape:ident, $child:ident, $($name:tt)*) => {
        $crate::__complex_type!(@is $child, $($name)*)
    };
    // A wildcard (`xs:any`) field takes any child no named field took; others expand to nothing.
    (@wildcard_read any_one, $r:ident, $child:ident, $xml:literal, $field:ident) => {
        // `if true`: the statements after it stay reachable code for the compiler.
        if true {
            $crate::read_raw_into($r, &$child, &mut $field)?;
            continue;
        }
    };
    (@wildcard_read any_optional, $r:ident, $child:ident, $xml:literal, $field:ident) => {
        // `if true`: the statements after it stay reachable code for the compiler.
        if true {
            $crate::read_raw_into($r, &$child, &mut $field)?;
            continue;
        }
    };
    (@wildcard_read any_many, $r:ident, $child:ident, $xml:literal, $field:ident) => {
        // `if true`: the statements after it stay reachable code for the compiler.
        if true {
            $crate::read_raw_push($r, &$child, &mut $field)?;
            continue;
        }
    };
    (@wildcard_read $shape:ident, $($rest:tt)*) => {};
    // A model group (choice or sequence) field takes the run of children it starts with, and
    // hands back the first one it does not take.
    (@particle_read particle_one, $r:ident, $child:ident, $xml:literal, $field:ident, $ahead:ident) => {
        if $crate::particle_starts(&$field, &$child) {
            $ahead = $crate::read_particle_into($r, $child, $xml, &mut $field)?;
            continue;
        }
    };
    (@particle_read particle_optional, $r:ident, $child:ident, $xml:literal, $field:ident, $ahead:ident) => {
        if $crate::particle_starts(&$field, &$child) {
            $ahead = $crate::read_particle_into($r, $child, $xml, &mut $field)?;
            continue;
        }
    };
    (@particle_read particle_many, $r:ident, $child:ident, $xml:literal, $field:ident, $ahead:ident) => {
        if $crate::particle_starts_many(&$field, &$child) {
            $ahead = $crate::read_particle_push($r, $child, &mut $field)?;
            continue;
        }
    };
    (@particle_read $shape:ident, $($rest:tt)*) => {};
    // Attributes: written in the start tag, read from it.
    (@attr_ns) => {
        ::core::option::Option::None
    };
    (@attr_ns $ns:literal) => {
        ::core::option::Option::Some($ns)
    };
    (@write_attr mixed, $w:ident, $value:expr, $named:ident, $xml:literal) => {
        $crate::write_mixed_declarations($w, $value)
    };
    (@write_attr attr_any, $w:ident, $value:expr, $named:ident, $xml:literal) => {
        $crate::write_other_attributes($w, super::NAMESPACES, $named, $value)
    };
    (@write_attr attr_one, $w:ident, $value:expr, $named:ident, $xml:literal $(, $ns:literal)?) => {
        $crate::write_attribute(
            $w,
            super::NAMESPACES,
            $crate::__complex_type!(@attr_ns $($ns)?),
            $xml,
            ::core::option::Option::Some($value),
        )
    };
    (@write_attr attr_optional, $w:ident, $value:expr, $named:ident, $xml:literal $(, $ns:literal)?) => {
        $crate::write_attribute(
            $w,
            super::NAMESPACES,
            $crate::__complex_type!(@attr_ns $($ns)?),
            $xml,
            ($value).as_ref(),
        )
    };
    (@write_attr $shape:ident, $($rest:tt)*) => {};
    (@read_attr attr_any, $r:ident, $start:ident, $field:ident, $named:ident, $xml:literal) => {
        $crate::read_other_attributes($r, $start, $named, &mut $field)?
    };
    (@read_attr attr_one, $r:ident, $start:ident, $field:ident, $named:ident, $xml:literal $(, $ns:literal)?) => {
        $crate::read_attribute(
            $r,
            $start,
            $crate::__complex_type!(@attr_ns $($ns)?),
            $xml,
            &mut $field,
        )?
    };
    (@read_attr attr_optional, $r:ident, $start:ident, $field:ident, $named:ident, $xml:literal $(, $ns:literal)?) => {
        $crate::read_attribute(
            $r,
            $start,
            $crate::__complex_type!(@attr_ns $($ns)?),
            $xml,
            &mut $field,
        )?
    };
    (@read_attr $shape:ident, $($rest:tt)*) => {};
    // A named attribute's (namespace index, local name), which the wildcard leaves out.
    (@attr_key attr_one, $xml:literal) => {
        ::core::option::Option::Some((::core::option::Option::None, $xml))
    };
    (@attr_key attr_one, $xml:literal, $ns:literal) => {
        ::core::option::Option::Some((::core::option::Option::Some($ns), $xml))
    };
    (@attr_key attr_optional, $xml:literal) => {
        ::core::option::Option::Some((::core::option::Option::None, $xml))
    };
    (@attr_key attr_optional, $xml:literal, $ns:literal) => {
        ::core::option::Option::Some((::core::option::Option::Some($ns), $xml))
    };
    (@attr_key $shape:ident, $($rest:tt)*) => {
        ::core::option::Option::None
    };
    (@max unbounded) => {
        ::core::option::Option::None
    };
    (@max $max:literal) => {
        ::core::option::Option::Some($max)
    };
    // Writing one field.
    (@write one, $w:ident, $value:expr, $name:expr) => {
        $crate::write_one($w, $name, $value)
    };
    (@write optional, $w:ident, $value:expr, $name:expr) => {
        $crate::write_optional($w, $name, $value)
    };
    (@write nillable, $w:ident, $value:expr, $name:expr) => {
        $crate::write_nillable($w, $name, $value)
    };
    (@write optional_nillable, $w:ident, $value:expr, $name:expr) => {
        $crate::write_optional_nillable($w, $name, $value)
    };
    (@write many, $w:ident, $value:expr, $name:expr, $min:literal, $max:expr) => {
        $crate::write_many($w, $name, $value, $min, $max)
    };
    (@write many_nillable, $w:ident, $value:expr, $name:expr, $min:literal, $max:expr) => {
        $crate::write_many_nillable($w, $name, $value, $min, $max)
    };
    (@write attr_one, $w:ident, $value:expr, $name:expr) => {};
    (@write attr_optional, $w:ident, $value:expr, $name:expr) => {};
    (@write attr_any, $w:ident, $value:expr, $name:expr) => {};
    (@write mixed, $w:ident, $value:expr, $name:expr) => {
        $crate::write_mixed_content($w, $value)
    };
    (@write text, $w:ident, $value:expr, $name:expr) => {
        $crate::write_text_content($w, $value)
    };
    (@write any_one, $w:ident, $value:expr, $name:expr) => {
        $crate::write_raw_one($w, $value)
    };
    (@write any_optional, $w:ident, $value:expr, $name:expr) => {
        $crate::write_raw_optional($w, $value)
    };
    (@write any_many, $w:ident, $value:expr, $name:expr, $min:literal, $max:expr) => {
        $crate::write_raw_many($w, $value, $min, $max)
    };
    (@write particle_one, $w:ident, $value:expr, $name:expr) => {
        $crate::write_particle_one($w, $value)
    };
    (@write particle_optional, $w:ident, $value:expr, $name:expr) => {
        $crate::write_particle_optional($w, $value)
    };
    (@write particle_many, $w:ident, $value:expr, $name:expr, $min:literal, $max:expr) => {
        $crate::write_particle_many($w, $name, $value, $min, $max)
    };
    // The slot a field is read into.
    (@slot many) => {
        ::std::vec::Vec::new()
    };
    (@slot many_nillable) => {
        ::std::vec::Vec::new()
    };
    (@slot any_many) => {
        ::std::vec::Vec::new()
    };
    (@slot particle_many) => {
        ::std::vec::Vec::new()
    };
    (@slot attr_any) => {
        ::std::collections::BTreeMap::new()
    };
    (@slot $shape:ident) => {
        ::core::option::Option::None
    };
    // Reading one occurrence of a field's element.
    (@read one, $($args:expr),+) => {
        $crate::read_into($($args),+)
    };
    (@read optional, $($args:expr),+) => {
        $crate::read_into($($args),+)
    };
    (@read nillable, $($args:expr),+) => {
        $crate::read_into_nillable($($args),+)
    };
    (@read optional_nillable, $($args:expr),+) => {
        $crate::read_into_nillable($($args),+)
    };
    (@read many, $($args:expr),+) => {
        $crate::read_push($($args),+)
    };
    (@read many_nillable, $($args:expr),+) => {
        $crate::read_push_nillable($($args),+)
    };
    (@read array_one, $($args:expr),+) => {
        $crate::read_array_into($($args),+)
    };
    (@read array_optional, $($args:expr),+) => {
        $crate::read_array_into($($args),+)
    };
    (@read array_nillable, $($args:expr),+) => {
        $crate::read_array_into_nillable($($args),+)
    };
    (@read array_optional_nillable, $($args:expr),+) => {
        $crate::read_array_into_nillable($($args),+)
    };
    (@read attr_one, $($args:expr),+) => {
        ::core::result::Result::<(), $crate::DecodeError>::Ok(())
    };
    (@read attr_optional, $($args:expr),+) => {
        ::core::result::Result::<(), $crate::DecodeError>::Ok(())
    };
    (@read attr_any, $($args:expr),+) => {
        ::core::result::Result::<(), $crate::DecodeError>::Ok(())
    };
    (@read mixed, $($args:expr),+) => {
        ::core::result::Result::<(), $crate::DecodeError>::Ok(())
    };
    (@read text, $($args:expr),+) => {
        ::core::result::Result::<(), $crate::DecodeError>::Ok(())
    };
    (@read particle_one, $($args:expr),+) => {
        ::core::result::Result::<(), $crate::DecodeError>::Ok(())
    };
    (@read particle_optional, $($args:expr),+) => {
        ::core::result::Result::<(), $crate::DecodeError>::Ok(())
    };
    (@read particle_many, $($args:expr),+) => {
        ::core::result::Result::<(), $crate::DecodeError>::Ok(())
    };
    (@read any_one, $r:expr, $child:expr, $xml:expr, $slot:expr) => {
        $crate::read_raw_into($r, $child, $slot)
    };
    (@read any_optional, $r:expr, $child:expr, $xml:expr, $slot:expr) => {
        $crate::read_raw_into($r, $child, $slot)
    };
    (@read any_many, $r:expr, $child:expr, $xml:expr, $slot:expr) => {
        $crate::read_raw_push($r, $child, $slot)
    };
    // The field's value once the end tag is reached.
    (@take one, $r:ident, $slot:ident, $xml:literal) => {
        $crate::required($r, $slot, $xml)?
    };
    (@take nillable, $r:ident, $slot:ident, $xml:literal) => {
        $crate::required($r, $slot, $xml)?
    };
    (@take optional, $r:ident, $slot:ident, $xml:literal) => {
        $slot
    };
    (@take array_one, $r:ident, $slot:ident, $xml:literal) => {
        $crate::required($r, $slot, $xml)?
    };
    (@take array_nillable, $r:ident, $slot:ident, $xml:literal) => {
        $crate::required($r, $slot, $xml)?
    };
    (@take array_optional, $r:ident, $slot:ident, $xml:literal) => {
        $slot
    };
    (@take array_optional_nillable, $r:ident, $slot:ident, $xml:literal) => {
        $slot
    };
    (@take attr_one, $r:ident, $slot:ident, $xml:literal) => {
        $crate::required($r, $slot, $xml)?
    };
    (@take attr_optional, $r:ident, $slot:ident, $xml:literal) => {
        $slot
    };
    (@take attr_any, $r:ident, $slot:ident, $xml:literal) => {
        $slot
    };
    (@take mixed, $r:ident, $slot:ident, $xml:literal) => {
        $crate::required($r, $slot, $xml)?
    };
    (@take text, $r:ident, $slot:ident, $xml:literal) => {
        $crate::required($r, $slot, $xml)?
    };
    (@take any_one, $r:ident, $slot:ident, $xml:literal) => {
        $crate::required($r, $slot, $xml)?
    };
    (@take any_optional, $r:ident, $slot:ident, $xml:literal) => {
        $slot
    };
    (@take particle_one, $r:ident, $slot:ident, $xml:literal) => {
        $crate::required($r, $slot, $xml)?
    };
    (@take particle_optional, $r:ident, $slot:ident, $xml:literal) => {
        $slot
    };
    (@take optional_nillable, $r:ident, $slot:ident, $xml:literal) => {
        $slot
    };
    (@take $many:ident, $r:ident, $slot:ident, $xml:literal, $min:literal, $max:expr) => {
        $crate::check_count($r, $slot, $xml, $min, $max)?
    };
    // The `XmlValue` impl: the element holds the content.
    (@xml_value $name:ident) => {
        impl $crate::XmlValue for $name {
            fn write_element(&self, w: &mut $crate::XmlWriter, name: &$crate::Name) {
                w.open(name);
                self.write_attributes(w);
                w.close_start();
                self.write_content(w);
                w.end(name);
            }
            fn read_element(
                r: &mut $crate::XmlReader<'_>,
                start: &$crate::StartTag<'_>,
            ) -> ::core::result::Result<Self, $crate::DecodeError> {
                Self::read_with_start(r, ::core::option::Option::Some(start))
            }
        }
    };
    // A type without elements.
    ($name:ident {}) => {
        impl $name {
            /// Writes the attributes of this type: it has none.
            pub fn write_attributes(&self, _w: &mut $crate::XmlWriter) {}
            /// Writes the child elements of this type: it has none.
            pub fn write_content(&self, _w: &mut $crate::XmlWriter) {}
            /// Reads the element whose start tag was just read: it has nothing to take from it.
            pub fn read_with_start(
                r: &mut $crate::XmlReader<'_>,
                _start: ::core::option::Option<&$crate::StartTag<'_>>,
            ) -> ::core::result::Result<Self, $crate::DecodeError> {
                Self::read_content(r)
            }
            /// Reads the content of this type's element up to the end tag, skipping whatever
            /// a newer schema put there.
            pub fn read_content(
                r: &mut $crate::XmlReader<'_>,
            ) -> ::core::result::Result<Self, $crate::DecodeError> {
                while let ::core::option::Option::Some(child) = r.next_child()? {
                    r.unknown_child(&child)?;
                }
                ::core::result::Result::Ok(Self {})
            }
        }
        $crate::__complex_type!(@xml_value $name);
    };
    (
        $name:ident {
            $(
                $field:ident : $shape:ident (
                    $xml:literal $(, ns = $ns:literal)? $(, min = $min:literal, max = $max:tt)?
                    $(, of = $of:ident)? $(, xsi = $xsi:literal)?
                    $(, item = $item:literal)? $(, item_poly = $item_poly:literal)?
                )
            ),+ $(,)?
        }
    ) => {
        impl $name {
            /// Writes the attributes of this type into the open start tag.
            pub fn write_attributes(&self, w: &mut $crate::XmlWriter) {
                const NAMED: &$crate::NamedAttributes =
                    &[$( $crate::__complex_type!(@attr_key $shape, $xml $(, $ns)?) ),+];
                let _ = (&w, NAMED);
                $(
                    $crate::__complex_type!(
                        @write_attr $shape, w, &self.$field, NAMED, $xml $(, $ns)?
                    );
                )+
            }
            /// Writes the child elements of this type, in schema order.
            pub fn write_content(&self, w: &mut $crate::XmlWriter) {
                $(
                    $crate::__write_row!(
                        $shape, w, &self.$field,
                        $crate::__complex_type!(@name $xml $(, $ns)?),
                        [$($min, $max)?], [$($xsi)?], [$(typed $item)? $(untyped $item_poly)?]
                    );
                )+
            }
            /// Reads the child elements of this type up to the parent's end tag; unknown
            /// elements are skipped.
            pub fn read_content(
                r: &mut $crate::XmlReader<'_>,
            ) -> ::core::result::Result<Self, $crate::DecodeError> {
                Self::read_with_start(r, ::core::option::Option::None)
            }
            /// Reads the attributes of `start` (the start tag just read, when known) and the
            /// child elements up to its end tag.
            pub fn read_with_start(
                r: &mut $crate::XmlReader<'_>,
                start: ::core::option::Option<&$crate::StartTag<'_>>,
            ) -> ::core::result::Result<Self, $crate::DecodeError> {
                $( let mut $field = $crate::__complex_type!(@slot $shape); )+
                if let ::core::option::Option::Some(start) = start {
                    const NAMED: &$crate::NamedAttributes =
                        &[$( $crate::__complex_type!(@attr_key $shape, $xml $(, $ns)?) ),+];
                    let _ = (&start, NAMED);
                    $( $crate::__complex_type!(@read_attr $shape, r, start, $field, NAMED, $xml $(, $ns)?); )+
                }
                let mut ahead = ::core::option::Option::None;
                $( $crate::__complex_type!(@read_mixed $shape, r, $field, ahead); )+
                while let ::core::option::Option::Some(child) =
                    $crate::next_or_ahead(r, &mut ahead)?
                {
                    $(
                        if $crate::__complex_type!(@named $shape, child, $xml $(, $ns)?) {
                            $crate::__complex_type!(@read $shape, r, &child, $xml, &mut $field)?;
                            continue;
                        }
                    )+
                    $( $crate::__complex_type!(@particle_read $shape, r, child, $xml, $field, ahead); )+
                    $( $crate::__complex_type!(@wildcard_read $shape, r, child, $xml, $field); )+
                    r.unknown_child(&child)?;
                }
                ::core::result::Result::Ok(Self {
                    $(
                        $field: $crate::__complex_type!(
                            @take $shape, r, $field, $xml
                            $(, $min, $crate::__complex_type!(@max $max))?
                        ),
                    )+
                })
            }
        }
        $crate::__complex_type!(@xml_value $name);
    };
}

pub use crate::__complex_type as complex_type;
