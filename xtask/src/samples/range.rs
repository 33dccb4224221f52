//! Sample values inside a simple type's range facets (`minInclusive`, `maxInclusive`,
//! `minExclusive`, `maxExclusive`) and digit facets (`totalDigits`, `fractionDigits`).
//!
//! Integers are compared exactly (as `i128`), decimals and floating-point values as `f64`, and
//! dates, times and durations as text when a bound is written in the same shape as the value
//! (same length: `2024-01-01` against `2000-12-31`); other bounds of those are taken as written
//! when inclusive and not checked otherwise.

use codegen::model::{Builtin, Facets};

/// The value space a range facet is compared in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    /// `xs:integer` and the built-ins derived from it.
    Integer,
    /// `xs:decimal` (a `String` in Rust).
    Decimal,
    /// `xs:float`, `xs:double`.
    Float,
    /// Dates, times, durations and the Gregorian parts: ordered, not numbers.
    Ordered,
    /// Strings and the rest: range facets do not apply.
    Unordered,
}

impl Space {
    /// The space of a simple type with Rust representation `builtin` whose restriction chain
    /// ends at the XSD built-in `xsd` (local name).
    pub fn of(builtin: Builtin, xsd: &str) -> Space {
        match builtin {
            Builtin::Byte
            | Builtin::Short
            | Builtin::Int
            | Builtin::Long
            | Builtin::UnsignedByte
            | Builtin::UnsignedShort
            | Builtin::UnsignedInt
            | Builtin::UnsignedLong => Space::Integer,
            Builtin::Float | Builtin::Double => Space::Float,
            Builtin::DateTime => Space::Ordered,
            Builtin::String => match xsd {
                "decimal" => Space::Decimal,
                "date" | "time" | "duration" | "gYear" | "gYearMonth" | "gMonth" | "gMonthDay"
                | "gDay" => Space::Ordered,
                _ => Space::Unordered,
            },
            _ => Space::Unordered,
        }
    }
}

/// Whether `facets` has a range or digit facet.
pub fn constrains(facets: &Facets) -> bool {
    facets.min_inclusive.is_some()
        || facets.max_inclusive.is_some()
        || facets.min_exclusive.is_some()
        || facets.max_exclusive.is_some()
        || facets.total_digits.is_some()
        || facets.fraction_digits.is_some()
}

/// Values inside the range, best first, starting from `default` when it is inside.
pub fn candidates(facets: &Facets, space: Space, default: &str) -> Vec<String> {
    let mut out = Vec::new();
    match space {
        Space::Integer => {
            let lo = lower_integer(facets);
            let hi = upper_integer(facets);
            let start = default.trim().parse::<i128>().unwrap_or(0);
            let value = match (lo, hi) {
                (Some(lo), _) if start < lo => lo,
                (_, Some(hi)) if start > hi => hi,
                _ => start,
            };
            out.push(value.to_string());
        }
        Space::Decimal | Space::Float => {
            out.push(default.to_owned());
            out.extend(facets.min_inclusive.iter().cloned());
            out.extend(facets.max_inclusive.iter().cloned());
            let lo = facets.min_exclusive.as_deref().and_then(number);
            let hi = facets.max_exclusive.as_deref().and_then(number);
            let lo_any = lo.or(facets.min_inclusive.as_deref().and_then(number));
            let hi_any = hi.or(facets.max_inclusive.as_deref().and_then(number));
            if let Some(lo) = lo {
                out.push(format_number(lo + 1.0));
            }
            if let Some(hi) = hi {
                out.push(format_number(hi - 1.0));
            }
            if let (Some(lo), Some(hi)) = (lo_any, hi_any) {
                out.push(format_number(lo + (hi - lo) / 2.0));
            }
        }
        Space::Ordered => {
            out.push(default.to_owned());
            out.extend(facets.min_inclusive.iter().cloned());
            out.extend(facets.max_inclusive.iter().cloned());
        }
        Space::Unordered => out.push(default.to_owned()),
    }
    out
}

/// Whether `text` satisfies the range and digit facets (as far as they can be checked; see
/// the module docs).
pub fn fits(facets: &Facets, space: Space, text: &str) -> bool {
    match space {
        Space::Integer => {
            let Ok(value) = text.trim().parse::<i128>() else {
                return false;
            };
            lower_integer(facets).is_none_or(|lo| value >= lo)
                && upper_integer(facets).is_none_or(|hi| value <= hi)
                && digits_fit(facets, text)
        }
        Space::Decimal | Space::Float => {
            let Some(value) = number(text) else {
                return false;
            };
            let bound = |b: &Option<String>, ok: fn(f64, f64) -> bool| {
                b.as_deref().and_then(number).is_none_or(|b| ok(value, b))
            };
            bound(&facets.min_inclusive, |v, b| v >= b)
                && bound(&facets.max_inclusive, |v, b| v <= b)
                && bound(&facets.min_exclusive, |v, b| v > b)
                && bound(&facets.max_exclusive, |v, b| v < b)
                && (space == Space::Float || digits_fit(facets, text))
        }
        Space::Ordered => {
            let text = text.trim();
            let bound = |b: &Option<String>, ok: fn(std::cmp::Ordering) -> bool| {
                b.as_deref()
                    .map(str::trim)
                    .is_none_or(|b| b.len() != text.len() || ok(text.cmp(b)))
            };
            bound(&facets.min_inclusive, |o| o.is_ge())
                && bound(&facets.max_inclusive, |o| o.is_le())
                && bound(&facets.min_exclusive, |o| o.is_gt())
                && bound(&facets.max_exclusive, |o| o.is_lt())
        }
        Space::Unordered => true,
    }
}

/// The smallest integer the lower bounds allow.
fn lower_integer(facets: &Facets) -> Option<i128> {
    let inclusive = facets
        .min_inclusive
        .as_deref()
        .and_then(|b| integer_bound(b, f64::ceil));
    let exclusive = facets
        .min_exclusive
        .as_deref()
        .and_then(|b| integer_bound(b, f64::floor))
        .map(|b| b + 1);
    inclusive.into_iter().chain(exclusive).max()
}

/// The largest integer the upper bounds allow.
fn upper_integer(facets: &Facets) -> Option<i128> {
    let inclusive = facets
        .max_inclusive
        .as_deref()
        .and_then(|b| integer_bound(b, f64::floor));
    let exclusive = facets
        .max_exclusive
        .as_deref()
        .and_then(|b| integer_bound(b, f64::ceil))
        .map(|b| b - 1);
    inclusive.into_iter().chain(exclusive).min()
}

/// An integer bound: exact when written as an integer, else rounded by `round`.
fn integer_bound(text: &str, round: fn(f64) -> f64) -> Option<i128> {
    let text = text.trim();
    text.parse::<i128>()
        .ok()
        .or_else(|| number(text).map(|n| round(n) as i128))
}

/// A decimal or floating-point value (`INF`, `NaN` and the like are not samples).
fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A number in decimal notation (Rust's shortest round-trip form never uses an exponent).
fn format_number(n: f64) -> String {
    format!("{n}")
}

/// Whether a decimal's digits fit `totalDigits` and `fractionDigits` (leading zeros of the
/// integer part and trailing zeros of the fraction do not count).
fn digits_fit(facets: &Facets, text: &str) -> bool {
    if facets.total_digits.is_none() && facets.fraction_digits.is_none() {
        return true;
    }
    let unsigned = text.trim().trim_start_matches(['+', '-']);
    let (integer, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let integer = integer.trim_start_matches('0');
    let fraction = fraction.trim_end_matches('0');
    let total = (integer.len() + fraction.len()).max(1) as u32;
    facets.total_digits.is_none_or(|n| total <= n)
        && facets
            .fraction_digits
            .is_none_or(|n| fraction.len() as u32 <= n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(min: Option<&str>, max: Option<&str>, exclusive: bool) -> Facets {
        let (min, max) = (min.map(str::to_owned), max.map(str::to_owned));
        if exclusive {
            Facets {
                min_exclusive: min,
                max_exclusive: max,
                ..Facets::default()
            }
        } else {
            Facets {
                min_inclusive: min,
                max_inclusive: max,
                ..Facets::default()
            }
        }
    }

    #[test]
    fn integers_are_clamped_into_the_range() {
        let f = range(Some("1"), Some("1440"), false);
        assert_eq!(candidates(&f, Space::Integer, "0"), ["1"]);
        assert!(fits(&f, Space::Integer, "1") && !fits(&f, Space::Integer, "0"));
        let f = range(Some("1525252321"), Some("1525252321"), false);
        assert_eq!(candidates(&f, Space::Integer, "0"), ["1525252321"]);
        let f = range(None, Some("-3"), true);
        assert_eq!(candidates(&f, Space::Integer, "0"), ["-4"]);
        let f = range(Some("0"), Some("3"), false);
        assert_eq!(candidates(&f, Space::Integer, "0"), ["0"]);
        // An empty range: what is offered does not fit.
        let f = range(Some("5"), Some("2"), false);
        assert!(!fits(
            &f,
            Space::Integer,
            &candidates(&f, Space::Integer, "0")[0]
        ));
    }

    #[test]
    fn decimals_and_floats_fall_inside_exclusive_bounds() {
        let f = range(Some("0"), Some("1"), true);
        let inside: Vec<String> = candidates(&f, Space::Float, "0")
            .into_iter()
            .filter(|c| fits(&f, Space::Float, c))
            .collect();
        assert_eq!(inside, ["0.5"]);
        let f = range(Some("2.5"), None, false);
        let first = candidates(&f, Space::Decimal, "0")
            .into_iter()
            .find(|c| fits(&f, Space::Decimal, c));
        assert_eq!(first.as_deref(), Some("2.5"));
    }

    #[test]
    fn digits_count_without_padding_zeros() {
        let f = Facets {
            total_digits: Some(3),
            fraction_digits: Some(1),
            ..Facets::default()
        };
        assert!(fits(&f, Space::Decimal, "012.50"));
        assert!(!fits(&f, Space::Decimal, "1.25"));
        assert!(!fits(&f, Space::Decimal, "1234"));
    }

    #[test]
    fn dates_compare_when_written_alike() {
        let f = range(Some("2030-01-01"), None, false);
        assert!(!fits(&f, Space::Ordered, "2024-01-01"));
        let first = candidates(&f, Space::Ordered, "2024-01-01")
            .into_iter()
            .find(|c| fits(&f, Space::Ordered, c));
        assert_eq!(first.as_deref(), Some("2030-01-01"));
    }
}
