//! Minimal sample values for `cargo xtask corpus`: for an operation's input element, the JSON
//! form (the generated types' serde form, XML names as keys) of the smallest value the schema
//! allows: required elements only, the fewest repetitions, the first enumeration value, the
//! first concrete subtype, a choice's first alternative, an element's `fixed` value when it has
//! one, for built-ins a valid value of their lexical space, for restricted simple types a
//! value that satisfies their facets (lengths, patterns, ranges, digits), for a list one valid
//! item (as many as a length facet asks), for a union a valid value of the first member type
//! whose sample satisfies its own facets (else the first member's).

mod facets;
mod range;

use codegen::model::{Builtin, ComplexKind, ComplexType, Field, Model, Shape, SimpleKind, TypeRef};

use range::Space;

/// Deepest nesting of required elements followed before giving up (a required cycle).
const MAX_DEPTH: usize = 48;

/// The JSON sample of the input element of operation `op` (index in the model's service), or
/// why none can be built.
pub fn input_sample(model: &Model, op: usize) -> Result<String, String> {
    let operation = &model.service.operations[op];
    // An empty request Body: its type is `()`, whose JSON form is `null`.
    let Some(input) = operation.input else {
        return Ok("null".into());
    };
    let element = &model.elements[input];
    Sampler { model }.value(element.ty, element.xsd_builtin.as_deref(), 0)
}

/// How many items a list sample has: one, or as many as its length facets ask.
fn list_count(simple: &codegen::model::SimpleType) -> usize {
    let facets = &simple.facets;
    let count = facets
        .length
        .or(facets.min_length)
        .unwrap_or(1)
        .max(1)
        .min(facets.max_length.unwrap_or(u32::MAX).max(1));
    count as usize
}

struct Sampler<'m> {
    model: &'m Model,
}

/// The text of a simple value, and whether it satisfies every facet the sampler checks.
struct Text {
    text: String,
    fits: bool,
}

impl Sampler<'_> {
    fn value(&self, ty: TypeRef, builtin: Option<&str>, depth: usize) -> Result<String, String> {
        if depth > MAX_DEPTH {
            return Err("required elements nest deeper than 48 (a required cycle?)".into());
        }
        match ty {
            TypeRef::Builtin(b) => Ok(builtin_sample(b, builtin.unwrap_or(""))),
            TypeRef::Simple(i) => {
                let simple = &self.model.simple_types[i];
                // A list's serde form is the array of its items.
                if let Some(item) = &simple.list_item {
                    let one = self.value(item.ty, item.xsd_builtin.as_deref(), depth + 1)?;
                    return Ok(format!("[{}]", vec![one; list_count(simple)].join(",")));
                }
                let text = self.simple_text(i, depth)?.text;
                Ok(match simple.kind {
                    SimpleKind::Enum { .. } => json_string(&text),
                    // A base64 value's JSON form is its bytes, not its text.
                    SimpleKind::Alias(b @ Builtin::Base64Binary) => {
                        builtin_sample(b, &simple.xsd_base)
                    }
                    SimpleKind::Alias(b) => json_of(Some(b), &text),
                })
            }
            TypeRef::Complex(i) => {
                let t = &self.model.complex_types[i];
                if t.is_polymorphic() {
                    let Some(&first) = t.subtypes.first() else {
                        return Err(format!(
                            "abstract type `{}` has no concrete subtype",
                            t.name.local
                        ));
                    };
                    let sub = &self.model.complex_types[first];
                    let content = self.complex(sub, depth + 1)?;
                    return Ok(format!("{{{}:{content}}}", json_string(&sub.name.local)));
                }
                let content = self.complex(t, depth + 1)?;
                if t.family.is_some() {
                    // A concrete base's enum: the type itself.
                    return Ok(format!("{{{}:{content}}}", json_string(&t.name.local)));
                }
                Ok(content)
            }
        }
    }

    /// A valid text of simple type `index` (see the module docs), and whether it satisfies
    /// the facets (a union takes the first member whose sample does).
    fn simple_text(&self, index: usize, depth: usize) -> Result<Text, String> {
        if depth > MAX_DEPTH {
            return Err("simple types nest deeper than 48 (a cycle of lists or unions?)".into());
        }
        let simple = &self.model.simple_types[index];
        let b = match &simple.kind {
            SimpleKind::Enum { values, .. } => {
                return Ok(Text {
                    text: values.first().map_or("", |v| v.xml.as_str()).to_owned(),
                    fits: true,
                });
            }
            SimpleKind::Alias(b) => *b,
        };
        if let Some(item) = &simple.list_item {
            let one = self.text(item.ty, item.xsd_builtin.as_deref(), depth + 1)?;
            return Ok(Text {
                text: vec![one.text.as_str(); list_count(simple)].join(" "),
                fits: one.fits && !one.text.trim().is_empty(),
            });
        }
        if !simple.union_members.is_empty() {
            let mut first = None;
            for member in &simple.union_members {
                let text = self.text(member.ty, member.xsd_builtin.as_deref(), depth + 1)?;
                if text.fits {
                    return Ok(text);
                }
                first.get_or_insert(text);
            }
            return Ok(first.expect("a union has members"));
        }
        let space = Space::of(b, &simple.xsd_base);
        let default = unquote(&builtin_sample(b, &simple.xsd_base));
        if facets::is_empty(&simple.facets) {
            return Ok(Text {
                text: default,
                fits: true,
            });
        }
        let (text, fits) = facets::sample(&simple.facets, &default, space);
        Ok(Text { text, fits })
    }

    /// A valid text of a simple type or built-in.
    fn text(&self, ty: TypeRef, builtin: Option<&str>, depth: usize) -> Result<Text, String> {
        match ty {
            TypeRef::Simple(i) => self.simple_text(i, depth),
            TypeRef::Builtin(b) => Ok(Text {
                text: builtin_text(b, builtin.unwrap_or("")),
                fits: true,
            }),
            TypeRef::Complex(i) => Err(format!(
                "the complex type `{}` where a simple type is expected",
                self.model.complex_types[i].name.local
            )),
        }
    }

    /// The JSON of a `fixed` value: a string, or for numbers and booleans the text itself.
    fn fixed_value(&self, ty: TypeRef, fixed: &str) -> String {
        let builtin = match ty {
            TypeRef::Builtin(b) => Some(b),
            TypeRef::Simple(i) => match self.model.simple_types[i].kind {
                SimpleKind::Alias(b) => Some(b),
                SimpleKind::Enum { .. } => None,
            },
            TypeRef::Complex(_) => None,
        };
        json_of(builtin, fixed)
    }

    fn complex(&self, t: &ComplexType, depth: usize) -> Result<String, String> {
        if t.kind == ComplexKind::Array {
            // A SOAP-encoded array: a `Vec` of its items, the fewest being none.
            return Ok("[]".into());
        }
        if t.kind == ComplexKind::Choice {
            // The first alternative, as at least one occurrence.
            let Some(first) = t.fields.first() else {
                return Err(format!("choice `{}` has no alternative", t.name.local));
            };
            let mut first = first.clone();
            first.min = first.min.max(1);
            let value = self.field(&first, depth)?.unwrap_or_else(|| "null".into());
            return Ok(format!("{{{}:{value}}}", json_string(&first.xml_name)));
        }
        let mut members = Vec::new();
        for field in &t.fields {
            if let Some(value) = self.field(field, depth)? {
                let key = if field.attribute {
                    format!("@{}", field.xml_name)
                } else {
                    field.xml_name.clone()
                };
                members.push(format!("{}:{value}", json_string(&key)));
            }
        }
        Ok(format!("{{{}}}", members.join(",")))
    }

    /// The JSON of a required field, `None` for one that can be left out.
    fn field(&self, field: &Field, depth: usize) -> Result<Option<String>, String> {
        let one = || match &field.fixed {
            Some(fixed) => Ok(self.fixed_value(field.ty, fixed)),
            None => self.value(field.ty, field.xsd_builtin.as_deref(), depth),
        };
        Ok(match field.shape() {
            Shape::Optional | Shape::OptionalNillable => None,
            Shape::One => Some(one()?),
            Shape::Nillable => Some("null".into()),
            Shape::Many | Shape::ManyNillable if field.min == 0 => None,
            Shape::Many => {
                let item = one()?;
                Some(format!("[{}]", vec![item; field.min as usize].join(",")))
            }
            Shape::ManyNillable => {
                Some(format!("[{}]", vec!["null"; field.min as usize].join(",")))
            }
        })
    }
}

/// A valid value of a built-in, by its XSD name (the Rust representation alone does not say:
/// a `String` may hold a date).
fn builtin_sample(b: Builtin, xsd: &str) -> String {
    let text = match b {
        Builtin::Boolean => return "false".into(),
        Builtin::Float | Builtin::Double => return "0.0".into(),
        Builtin::DateTime => "2024-01-01T00:00:00Z",
        Builtin::Base64Binary => return "[]".into(),
        Builtin::AnyType | Builtin::Mixed => return r#"{"content":""}"#.into(),
        Builtin::AnyAttribute => return "{}".into(),
        // An element no schema declares: what a lax or skip wildcard admits.
        Builtin::AnyElement => {
            return r#"{"xml":"<sample xmlns=\"urn:mktows:corpus-sample\"/>"}"#.into();
        }
        Builtin::String => match xsd {
            "date" => "2024-01-01",
            "time" => "00:00:00",
            "duration" => "P1D",
            "gYear" => "2024",
            "gYearMonth" => "2024-01",
            "gMonth" => "--01",
            "gMonthDay" => "--01-01",
            "gDay" => "---01",
            "decimal" => "0",
            "hexBinary" => "00",
            _ => "x",
        },
        _ => {
            return match xsd {
                "positiveInteger" => "1",
                "negativeInteger" => "-1",
                _ => "0",
            }
            .into();
        }
    };
    json_string(text)
}

/// The text of a JSON string literal `builtin_sample` made (no escapes in those).
fn unquote(json: &str) -> String {
    json.trim_matches('"').to_owned()
}

/// A valid text of a built-in (for a list item or a union member).
fn builtin_text(b: Builtin, xsd: &str) -> String {
    match b {
        // The JSON form of bytes is an array: their text is base64.
        Builtin::Base64Binary => "AA==".into(),
        _ => unquote(&builtin_sample(b, xsd)),
    }
}

/// The JSON form of `text` for a value of the built-in `builtin` represents (a string when
/// `None`): a number or boolean literal for those, else a string.
fn json_of(builtin: Option<Builtin>, text: &str) -> String {
    let trimmed = text.trim();
    // A `String` is never a number here: the XSD name only matters for those.
    let space = builtin.map(|b| Space::of(b, ""));
    match builtin {
        Some(Builtin::Boolean) if matches!(trimmed, "true" | "false") => trimmed.to_owned(),
        Some(Builtin::Boolean) => (trimmed == "1").to_string(),
        _ if space == Some(Space::Integer) && trimmed.parse::<i128>().is_ok() => {
            trimmed.parse::<i128>().unwrap_or_default().to_string()
        }
        _ if matches!(space, Some(Space::Integer | Space::Float))
            && trimmed.parse::<f64>().is_ok_and(f64::is_finite) =>
        {
            format!("{}", trimmed.parse::<f64>().unwrap_or_default())
        }
        _ => json_string(text),
    }
}

/// A JSON string literal.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(json_string("a\"b\\\n"), "\"a\\\"b\\\\\\u000a\"");
    }

    #[test]
    fn built_ins_follow_their_lexical_space() {
        assert_eq!(builtin_sample(Builtin::String, "date"), "\"2024-01-01\"");
        assert_eq!(
            builtin_sample(Builtin::UnsignedLong, "positiveInteger"),
            "1"
        );
        assert_eq!(builtin_sample(Builtin::Int, "int"), "0");
    }
}
