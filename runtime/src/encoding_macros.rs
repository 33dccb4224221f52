//! The row writer of [`complex_type!`](crate::complex_type) for SOAP encoding (see
//! `encoding.rs`): a row without `xsi` writes as the literal table says, one with
//! `xsi = "..."` writes each value with that `xsi:type`, an `array_*` row writes a
//! SOAP-encoded array.

/// Writes one row of a `complex_type!` table: `(shape, writer, &value, name, [min, max],
/// [xsi], [typed|untyped item])`.
#[doc(hidden)]
#[macro_export]
macro_rules! __write_row {
    ($shape:ident, $w:ident, $value:expr, $name:expr, [], [], []) => {
        $crate::__complex_type!(@write $shape, $w, $value, $name)
    };
    ($shape:ident, $w:ident, $value:expr, $name:expr, [$min:literal, $max:tt], [], []) => {
        $crate::__complex_type!(
            @write $shape, $w, $value, $name, $min, $crate::__complex_type!(@max $max)
        )
    };
    ($shape:ident, $w:ident, $value:expr, $name:expr, [], [$xsi:literal], []) => {
        $crate::__write_row!(@typed_row $shape, $w, $value, $name, $xsi)
    };
    ($shape:ident, $w:ident, $value:expr, $name:expr, [$min:literal, $max:tt], [$xsi:literal], []) => {
        $crate::__write_row!(
            @typed_row $shape, $w, $value, $name, $xsi, $min, $crate::__complex_type!(@max $max)
        )
    };
    ($shape:ident, $w:ident, $value:expr, $name:expr, [], [$xsi:literal], [$typed:ident $item:literal]) => {
        $crate::__write_row!(@array_row $shape, $w, $value, $name, $xsi, $item, $typed)
    };
    (@items typed) => {
        true
    };
    (@items untyped) => {
        false
    };
    (@array_row array_one, $w:ident, $value:expr, $name:expr, $xsi:literal, $item:literal, $typed:ident) => {
        $crate::write_array($w, $name, $value, $xsi, $item, $crate::__write_row!(@items $typed))
    };
    (@array_row array_optional, $w:ident, $value:expr, $name:expr, $xsi:literal, $item:literal, $typed:ident) => {
        $crate::write_array_optional($w, $name, $value, $xsi, $item, $crate::__write_row!(@items $typed))
    };
    (@array_row array_nillable, $w:ident, $value:expr, $name:expr, $xsi:literal, $item:literal, $typed:ident) => {
        $crate::write_array_nillable($w, $name, $value, $xsi, $item, $crate::__write_row!(@items $typed))
    };
    (@array_row array_optional_nillable, $w:ident, $value:expr, $name:expr, $xsi:literal, $item:literal, $typed:ident) => {
        $crate::write_array_optional_nillable(
            $w, $name, $value, $xsi, $item, $crate::__write_row!(@items $typed)
        )
    };
    (@typed_row one, $w:ident, $value:expr, $name:expr, $xsi:literal) => {
        $crate::write_one_typed($w, $name, $value, $xsi)
    };
    (@typed_row optional, $w:ident, $value:expr, $name:expr, $xsi:literal) => {
        $crate::write_optional_typed($w, $name, $value, $xsi)
    };
    (@typed_row nillable, $w:ident, $value:expr, $name:expr, $xsi:literal) => {
        $crate::write_nillable_typed($w, $name, $value, $xsi)
    };
    (@typed_row optional_nillable, $w:ident, $value:expr, $name:expr, $xsi:literal) => {
        $crate::write_optional_nillable_typed($w, $name, $value, $xsi)
    };
    (@typed_row many, $w:ident, $value:expr, $name:expr, $xsi:literal, $min:literal, $max:expr) => {
        $crate::write_many_typed($w, $name, $value, $min, $max, $xsi)
    };
    (@typed_row many_nillable, $w:ident, $value:expr, $name:expr, $xsi:literal, $min:literal, $max:expr) => {
        $crate::write_many_nillable_typed($w, $name, $value, $min, $max, $xsi)
    };
}
