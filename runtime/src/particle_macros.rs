//! The table macros of model groups: [`choice!`](crate::choice) (an `xs:choice` as an enum)
//! and [`group!`](crate::group) (a sequence read in schema order as a struct), both
//! implementing [`Particle`](crate::Particle). Rows are written as in
//! [`complex_type!`](crate::complex_type).

/// Implements [`Particle`](crate::Particle) for a generated `xs:choice` enum from its
/// alternatives.
///
/// ```text
/// rt::choice! {
///     PaymentMethod {
///         Card: one("card", ns = 0),
///         Codes: many("code", ns = 0, min = 1, max = unbounded),
///         Transfer: particle_one("accountAndBank", of = PaymentMethodTransfer),
///     }
/// }
/// ```
///
/// One row per variant: `Variant: shape(...)` with the shapes `one`, `nillable`, `many`,
/// `many_nillable` (an element alternative) or `particle_one`, `particle_many` (a nested
/// group). Reading picks the alternative by the first child's name; a repeated element takes
/// the children after it with the same name.
#[doc(hidden)]
#[macro_export]
macro_rules! __choice {
    // Whether a child starts the alternative.
    (@starts particle_one, $child:ident, $xml:literal, of = $of:ident) => {
        <$of as $crate::Particle>::starts(&$child)
    };
    (@starts particle_optional, $child:ident, $xml:literal, of = $of:ident) => {
        <$of as $crate::Particle>::starts(&$child)
    };
    (@starts particle_many, $child:ident, $xml:literal, of = $of:ident) => {
        <$of as $crate::Particle>::starts(&$child)
    };
    (@starts $shape:ident, $child:ident, $($name:tt)*) => {
        $crate::__complex_type!(@is $child, $($name)*)
    };
    // Reading an alternative from its first child: the value and what is left for the parent.
    (@read one, $r:ident, $first:ident, $xml:literal $(, ns = $ns:literal)?) => {
        $crate::read_alternative($r, $first, $xml)
    };
    (@read nillable, $r:ident, $first:ident, $xml:literal $(, ns = $ns:literal)?) => {
        $crate::read_alternative_nillable($r, $first, $xml)
    };
    (@read many, $r:ident, $first:ident, $xml:literal $(, ns = $ns:literal)?, min = $min:literal, max = $max:tt) => {
        $crate::read_alternative_many(
            $r,
            $first,
            $xml,
            $min,
            $crate::__complex_type!(@max $max),
            |child: &$crate::StartTag<'_>| $crate::__complex_type!(@is child, $xml $(, $ns)?),
        )
    };
    (@read many_nillable, $r:ident, $first:ident, $xml:literal $(, ns = $ns:literal)?, min = $min:literal, max = $max:tt) => {
        $crate::read_alternative_many_nillable(
            $r,
            $first,
            $xml,
            $min,
            $crate::__complex_type!(@max $max),
            |child: &$crate::StartTag<'_>| $crate::__complex_type!(@is child, $xml $(, $ns)?),
        )
    };
    (@read particle_one, $r:ident, $first:ident, $xml:literal) => {
        $crate::read_alternative_particle($r, $first)
    };
    (@read particle_many, $r:ident, $first:ident, $xml:literal, min = $min:literal, max = $max:tt) => {
        $crate::read_alternative_particles(
            $r,
            $first,
            $xml,
            $min,
            $crate::__complex_type!(@max $max),
        )
    };
    (
        $name:ident {
            $(
                $variant:ident : $shape:ident (
                    $xml:literal $(, ns = $ns:literal)? $(, min = $min:literal, max = $max:tt)?
                    $(, of = $of:ident)?
                )
            ),+ $(,)?
        }
    ) => {
        impl $crate::Particle for $name {
            fn starts(child: &$crate::StartTag<'_>) -> bool {
                $( $crate::__choice!(@starts $shape, child, $xml $(, $ns)? $(, of = $of)?) )||+
            }
            fn read_particle<'a>(
                r: &mut $crate::XmlReader<'a>,
                first: $crate::StartTag<'a>,
            ) -> ::core::result::Result<(Self, $crate::Ahead<'a>), $crate::DecodeError> {
                $(
                    if $crate::__choice!(@starts $shape, first, $xml $(, $ns)? $(, of = $of)?) {
                        return $crate::__choice!(
                            @read $shape, r, first, $xml $(, ns = $ns)? $(, min = $min, max = $max)?
                        )
                            .map(|(value, ahead)| (Self::$variant(value), ahead));
                    }
                )+
                ::core::result::Result::Err($crate::no_alternative(r, &first))
            }
            fn write_particle(&self, w: &mut $crate::XmlWriter) {
                match self {
                    $(
                        Self::$variant(value) => $crate::__complex_type!(
                            @write $shape, w, value,
                            $crate::__complex_type!(@name $xml $(, $ns)?)
                            $(, $min, $crate::__complex_type!(@max $max))?
                        ),
                    )+
                }
            }
        }
    };
}

/// Implements [`Particle`](crate::Particle) for a generated sequence group (a repeated
/// `xs:sequence`, or one that is a choice's alternative) from its field table.
///
/// ```text
/// rt::group! {
///     AccountAndBank {
///         account: one("account", ns = 0),
///         bank: optional("bank", ns = 0),
///     }
/// }
/// ```
///
/// Rows as in [`complex_type!`](crate::complex_type) (elements and nested groups). Unlike a
/// type's content, a group is read in schema order: a child that belongs to an earlier row, or
/// to a single row already read, starts the next repetition and is handed back to the parent.
#[doc(hidden)]
#[macro_export]
macro_rules! __group {
    // Whether a row can take no more children.
    (@filled many, $field:ident) => {
        false
    };
    (@filled many_nillable, $field:ident) => {
        false
    };
    (@filled particle_many, $field:ident) => {
        false
    };
    (@filled $shape:ident, $field:ident) => {
        $field.is_some()
    };
    // Reading one child into a row; what is left for the group.
    (@read particle_one, $r:ident, $child:ident, $xml:literal, $field:ident) => {
        $crate::read_particle_into($r, $child, $xml, &mut $field)
    };
    (@read particle_optional, $r:ident, $child:ident, $xml:literal, $field:ident) => {
        $crate::read_particle_into($r, $child, $xml, &mut $field)
    };
    (@read particle_many, $r:ident, $child:ident, $xml:literal, $field:ident) => {
        $crate::read_particle_push($r, $child, &mut $field)
    };
    (@read $shape:ident, $r:ident, $child:ident, $xml:literal, $field:ident) => {
        $crate::__complex_type!(@read $shape, $r, &$child, $xml, &mut $field)
            .map(|()| ::core::option::Option::None)
    };
    (
        $name:ident {
            $(
                $field:ident : $shape:ident (
                    $xml:literal $(, ns = $ns:literal)? $(, min = $min:literal, max = $max:tt)?
                    $(, of = $of:ident)?
                )
            ),+ $(,)?
        }
    ) => {
        impl $name {
            /// Writes the elements of this group, in schema order.
            pub fn write_content(&self, w: &mut $crate::XmlWriter) {
                $(
                    $crate::__complex_type!(
                        @write $shape, w, &self.$field,
                        $crate::__complex_type!(@name $xml $(, $ns)?)
                        $(, $min, $crate::__complex_type!(@max $max))?
                    );
                )+
            }
        }
        impl $crate::Particle for $name {
            fn starts(child: &$crate::StartTag<'_>) -> bool {
                $( $crate::__choice!(@starts $shape, child, $xml $(, $ns)? $(, of = $of)?) )||+
            }
            fn read_particle<'a>(
                r: &mut $crate::XmlReader<'a>,
                first: $crate::StartTag<'a>,
            ) -> ::core::result::Result<(Self, $crate::Ahead<'a>), $crate::DecodeError> {
                $( let mut $field = $crate::__complex_type!(@slot $shape); )+
                let mut pending: $crate::Ahead<'a> =
                    ::core::option::Option::Some(::core::option::Option::Some(first));
                // The row of the last child read (rows count from 1).
                let mut at = 0usize;
                let ahead = loop {
                    let ::core::option::Option::Some(child) =
                        $crate::next_or_ahead(r, &mut pending)?
                    else {
                        break ::core::option::Option::Some(::core::option::Option::None);
                    };
                    let mut row = 0usize;
                    $(
                        row += 1;
                        if $crate::__choice!(@starts $shape, child, $xml $(, $ns)? $(, of = $of)?) {
                            if row < at || (row == at && $crate::__group!(@filled $shape, $field)) {
                                break ::core::option::Option::Some(::core::option::Option::Some(child));
                            }
                            at = row;
                            pending = $crate::__group!(@read $shape, r, child, $xml, $field)?;
                            continue;
                        }
                    )+
                    break ::core::option::Option::Some(::core::option::Option::Some(child));
                };
                ::core::result::Result::Ok((
                    Self {
                        $(
                            $field: $crate::__complex_type!(
                                @take $shape, r, $field, $xml
                                $(, $min, $crate::__complex_type!(@max $max))?
                            ),
                        )+
                    },
                    ahead,
                ))
            }
            fn write_particle(&self, w: &mut $crate::XmlWriter) {
                self.write_content(w);
            }
        }
    };
}

pub use crate::__choice as choice;
pub use crate::__group as group;
