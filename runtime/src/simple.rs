//! Built-in XSD simple types: their text form in both directions.
//!
//! Each built-in the generator maps to a Rust type reads and writes here: `xs:string` →
//! `String`, `xs:boolean` → `bool`, `xs:int` → `i32` (and the other sized integers to their
//! Rust widths), `xs:float`/`xs:double` → `f32`/`f64`, `xs:dateTime` →
//! `DateTime<FixedOffset>` (keeping the offset as written; a value without one is refused),
//! `xs:base64Binary` → `Vec<u8>`. `xs:list` types are [`XmlList`](crate::XmlList).

use base64::Engine as _;
use chrono::{DateTime, FixedOffset, SecondsFormat};

use super::{DecodeError, Name, StartTag, XmlReader, XmlValue, XmlWriter, read_simple};

/// A type whose element content is text.
pub trait SimpleValue: Sized {
    /// The XSD type name used in error messages, e.g. `xs:int`.
    const XSD_TYPE: &'static str;
    /// Parses the element's text; `None` when it is not a valid value.
    fn parse_text(text: &str) -> Option<Self>;
    /// Writes `<name>text</name>`.
    fn write_text_element(&self, w: &mut XmlWriter, name: &Name);
    /// The text form (unescaped), as an attribute value holds it.
    fn to_text(&self) -> String {
        let mut w = XmlWriter::default();
        self.write_text_element(&mut w, &Name::local("v"));
        let xml = w.finish().unwrap_or_default();
        let inner = xml
            .strip_prefix("<v>")
            .and_then(|x| x.strip_suffix("</v>"))
            .unwrap_or_default();
        inner
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#13;", "\r")
            .replace("&amp;", "&")
    }
}

macro_rules! xml_value_via_simple {
    ($($t:ty),* $(,)?) => {$(
        impl XmlValue for $t {
            fn write_element(&self, w: &mut XmlWriter, name: &Name) {
                self.write_text_element(w, name);
            }
            fn read_element(r: &mut XmlReader<'_>, _start: &StartTag<'_>) -> Result<Self, DecodeError> {
                read_simple(r)
            }
        }
    )*};
}

xml_value_via_simple!(
    String,
    bool,
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    u64,
    f32,
    f64,
    DateTime<FixedOffset>,
    Vec<u8>
);

impl SimpleValue for String {
    const XSD_TYPE: &'static str = "xs:string";
    fn parse_text(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
    fn write_text_element(&self, w: &mut XmlWriter, name: &Name) {
        w.text_element(name, self);
    }
}

impl SimpleValue for bool {
    const XSD_TYPE: &'static str = "xs:boolean";
    fn parse_text(text: &str) -> Option<Self> {
        match text.trim() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        }
    }
    fn write_text_element(&self, w: &mut XmlWriter, name: &Name) {
        w.text_element(name, if *self { "true" } else { "false" });
    }
}

macro_rules! integer {
    ($($t:ty => $xsd:literal),* $(,)?) => {$(
        impl SimpleValue for $t {
            const XSD_TYPE: &'static str = $xsd;
            fn parse_text(text: &str) -> Option<Self> {
                text.trim().parse().ok()
            }
            fn write_text_element(&self, w: &mut XmlWriter, name: &Name) {
                let mut buffer = itoa::Buffer::new();
                w.text_element(name, buffer.format(*self));
            }
        }
    )*};
}

integer!(i8 => "xs:byte", i16 => "xs:short", i32 => "xs:int", i64 => "xs:long", u8 => "xs:unsignedByte",
    u16 => "xs:unsignedShort", u32 => "xs:unsignedInt", u64 => "xs:unsignedLong");

macro_rules! float {
    ($($t:ty => $xsd:literal),* $(,)?) => {$(
        impl SimpleValue for $t {
            const XSD_TYPE: &'static str = $xsd;
            fn parse_text(text: &str) -> Option<Self> {
                match text.trim() {
                    "INF" => Some(<$t>::INFINITY),
                    "-INF" => Some(<$t>::NEG_INFINITY),
                    "NaN" => Some(<$t>::NAN),
                    t if t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E')) => t.parse().ok(),
                    _ => None,
                }
            }
            fn write_text_element(&self, w: &mut XmlWriter, name: &Name) {
                let text = if self.is_nan() {
                    "NaN".to_owned()
                } else if self.is_infinite() {
                    if *self > 0.0 { "INF".to_owned() } else { "-INF".to_owned() }
                } else {
                    self.to_string()
                };
                w.text_element(name, &text);
            }
        }
    )*};
}

float!(f32 => "xs:float", f64 => "xs:double");

impl SimpleValue for DateTime<FixedOffset> {
    const XSD_TYPE: &'static str = "xs:dateTime (with a UTC offset)";
    fn parse_text(text: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(text.trim()).ok()
    }
    fn write_text_element(&self, w: &mut XmlWriter, name: &Name) {
        w.text_element(name, &self.to_rfc3339_opts(SecondsFormat::AutoSi, false));
    }
}

impl SimpleValue for Vec<u8> {
    const XSD_TYPE: &'static str = "xs:base64Binary";
    fn parse_text(text: &str) -> Option<Self> {
        let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        base64::engine::general_purpose::STANDARD
            .decode(compact)
            .ok()
    }
    fn write_text_element(&self, w: &mut XmlWriter, name: &Name) {
        w.text_element(
            name,
            &base64::engine::general_purpose::STANDARD.encode(self),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_accept_both_lexical_forms() {
        assert_eq!(bool::parse_text(" 1 "), Some(true));
        assert_eq!(bool::parse_text("false"), Some(false));
        assert_eq!(bool::parse_text("yes"), None);
    }

    #[test]
    fn integers_reject_out_of_range() {
        assert_eq!(i32::parse_text("2147483647"), Some(i32::MAX));
        assert_eq!(i32::parse_text("2147483648"), None);
        assert_eq!(i32::parse_text("1.5"), None);
    }

    #[test]
    fn date_times_keep_their_offset_and_need_one() {
        let t = DateTime::<FixedOffset>::parse_text("2013-08-01T18:22:30-07:00").unwrap();
        let mut w = XmlWriter::default();
        t.write_text_element(&mut w, &Name::local("t"));
        assert_eq!(w.finish().unwrap(), "<t>2013-08-01T18:22:30-07:00</t>");
        assert_eq!(
            DateTime::<FixedOffset>::parse_text("2013-08-01T18:22:30"),
            None
        );
    }

    #[test]
    fn floats_use_xsd_spellings() {
        assert_eq!(f64::parse_text("INF"), Some(f64::INFINITY));
        assert_eq!(f64::parse_text("inf"), None);
        assert_eq!(f64::parse_text("1e3"), Some(1000.0));
    }
}
