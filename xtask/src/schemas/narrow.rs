//! Wildcards narrowed so that xmllint, an XML Schema 1.0 validator, can compile a schema
//! written for XML Schema 1.1.
//!
//! XSD 1.1 lets a wildcard follow an optional element it could also match (the element wins);
//! XSD 1.0 calls that content model non-deterministic and libxml2 refuses the whole schema.
//! ONVIF's schemas rely on it (`VideoSourceConfigurationOptionsExtension2`: an optional
//! `tt:SceneOrientationMode`, then `xs:any namespace="##targetNamespace"`). For such a type the
//! judge validates against a copy in which the type's wildcards that may match the target
//! namespace accept only `##other`. Every document valid under the copy is valid under the
//! original (the copy accepts a subset), so a request the copy accepts is a valid request; a
//! request using the narrowed extension point would be reported invalid, never passed.

use std::path::Path;

use super::{XS, absolute_locations, base_dir, is, parse_document};

/// Writes to `out` a copy of schema `file` in which the wildcards of complex type `type_name`
/// that may match the target namespace accept only `##other`, and every relative
/// `schemaLocation` is made absolute (the copy lives elsewhere). Errors when the type has no
/// such wildcard (narrowing would change nothing).
pub fn narrowed_copy(file: &Path, type_name: &str, out: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let doc = parse_document(&text, file)?;
    let root = doc.root_element();
    let mut edits = absolute_locations(root, &base_dir(file)?);
    let Some(ty) = root
        .children()
        .find(|n| is(n, XS, "complexType") && n.attribute("name") == Some(type_name))
    else {
        return Err(format!(
            "{}: no top-level complexType {type_name}",
            file.display()
        ));
    };
    let mut narrowed = 0;
    for any in ty.descendants().filter(|n| is(n, XS, "any")) {
        match any.attributes().find(|a| a.name() == "namespace") {
            Some(a) if matches!(a.value().trim(), "##any" | "##targetNamespace") => {
                edits.push((a.range_value(), "##other".into()));
            }
            Some(_) => continue,
            None => {
                // `namespace` absent means `##any`: added after the element's name.
                let start = any.range().start;
                let name_len = text[start..]
                    .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
                    .ok_or_else(|| format!("{}: a malformed xs:any", file.display()))?;
                let at = start + name_len;
                edits.push((at..at, " namespace=\"##other\"".into()));
            }
        }
        narrowed += 1;
    }
    if narrowed == 0 {
        return Err(format!(
            "{}: complexType {type_name} has no wildcard to narrow",
            file.display()
        ));
    }
    edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut copy = text.clone();
    for (range, value) in edits {
        copy.replace_range(range, &value);
    }
    std::fs::write(out, copy).map_err(|e| format!("{}: {e}", out.display()))
}

/// The schema file and complex type of xmllint's complaint that a content model is not
/// deterministic (`FILE:LINE: element complexType: Schemas parser error : complex type
/// 'NAME': The content model is not determinist.`), if it made one.
pub fn non_deterministic(stderr: &str) -> Option<(String, String)> {
    stderr.lines().find_map(|line| {
        let (head, rest) = line.split_once(": element complexType: Schemas parser error : ")?;
        let name = rest
            .strip_prefix("complex type '")?
            .strip_suffix("': The content model is not determinist.")?;
        let (file, _line) = head.rsplit_once(':')?;
        Some((file.to_owned(), name.to_owned()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_complaint_names_the_file_and_type() {
        let stderr = "/x/onvif.xsd:536: element complexType: Schemas parser error : complex type \
                      'VideoSourceConfigurationOptionsExtension2': The content model is not \
                      determinist.\nWXS schema /w/bodies.xsd failed to compile\n";
        assert_eq!(
            non_deterministic(stderr),
            Some((
                "/x/onvif.xsd".into(),
                "VideoSourceConfigurationOptionsExtension2".into()
            ))
        );
        assert_eq!(non_deterministic("a.xml validates\n"), None);
    }

    #[test]
    fn only_the_named_types_wildcards_are_narrowed() {
        let dir = std::env::temp_dir().join(format!("mktows-narrow-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("s.xsd");
        std::fs::write(
            &file,
            r###"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" xmlns:t="urn:t">
  <xs:include schemaLocation="other.xsd"/>
  <xs:complexType name="Ext"><xs:sequence>
    <xs:element name="Mode" type="xs:string" minOccurs="0" maxOccurs="unbounded"/>
    <xs:any namespace="##targetNamespace" processContents="lax" minOccurs="0" maxOccurs="unbounded"/>
    <xs:any processContents="lax" minOccurs="0"/>
    <xs:any namespace="##other" minOccurs="0"/>
  </xs:sequence></xs:complexType>
  <xs:complexType name="Kept"><xs:sequence>
    <xs:any namespace="##any" minOccurs="0"/>
  </xs:sequence></xs:complexType>
</xs:schema>"###,
        )
        .unwrap();
        let out = dir.join("copy.xsd");
        narrowed_copy(&file, "Ext", &out).unwrap();
        let copy = std::fs::read_to_string(&out).unwrap();
        assert_eq!(copy.matches("namespace=\"##other\"").count(), 3, "{copy}");
        assert!(copy.contains("<xs:any namespace=\"##any\""), "{copy}");
        assert!(!copy.contains("##targetNamespace"), "{copy}");
        let include = dir.join("other.xsd");
        assert!(
            copy.contains(&format!("schemaLocation=\"{}\"", include.display())),
            "{copy}"
        );
        assert!(narrowed_copy(&file, "Kept", &out).is_ok());
        assert!(narrowed_copy(&file, "Missing", &out).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
