//! Character data: XML's allowed characters checked, the predefined entities and character
//! references decoded (text without them borrowed, not copied), whitespace trimmed.

use std::borrow::Cow;

pub(super) fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |p| p + 1);
    &bytes[..end]
}

pub(super) fn append<'a>(text: Option<Cow<'a, str>>, piece: Cow<'a, str>) -> Cow<'a, str> {
    match text {
        None => piece,
        Some(before) => Cow::Owned(before.into_owned() + &piece),
    }
}

/// Rejects characters XML 1.0 does not allow (control characters other than tab, newline and
/// carriage return; U+FFFE and U+FFFF).
pub(super) fn check_chars(text: &str) -> Result<(), String> {
    let bad = text
        .bytes()
        .position(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF);
    let Some(at) = bad else { return Ok(()) };
    // 0xEF starts U+E000..U+FFFF: only U+FFFE and U+FFFF are refused.
    for (i, c) in text[at..].char_indices() {
        if !is_xml_char(c) {
            return Err(format!(
                "character U+{:04X} at byte {} is not allowed in XML",
                c as u32,
                at + i
            ));
        }
    }
    Ok(())
}

/// Bytes that need a look in text: `&`, `\r`, control characters, and 0xEF (which starts
/// U+FFFE/U+FFFF).
const SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b != b'\t' as usize && b != b'\n' as usize;
        b += 1;
    }
    table[b'&' as usize] = true;
    table[0xEF] = true;
    table
};

/// Decodes entity and character references and normalises line ends (XML 1.0 §2.11).
#[inline]
pub(super) fn decode_text(raw: &str) -> Result<Cow<'_, str>, String> {
    // One pass finds the common case: plain text, borrowed as is.
    let Some(first) = raw.bytes().position(|b| SPECIAL[usize::from(b)]) else {
        return Ok(Cow::Borrowed(raw));
    };
    decode_special(raw, first)
}

#[cold]
pub(super) fn decode_special(raw: &str, first: usize) -> Result<Cow<'_, str>, String> {
    check_chars(&raw[first..]).map_err(|e| e.replace(" at byte ", " near byte "))?;
    if memchr::memchr2(b'&', b'\r', raw.as_bytes()).is_none() {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find(['&', '\r']) {
        out.push_str(&rest[..at]);
        if rest.as_bytes()[at] == b'\r' {
            out.push('\n');
            rest = rest[at + 1..].strip_prefix('\n').unwrap_or(&rest[at + 1..]);
            continue;
        }
        let end = rest[at..].find(';').ok_or("`&` without `;`")? + at;
        let entity = &rest[at + 1..end];
        match entity {
            "amp" => out.push('&'),
            "lt" => out.push('<'),
            "gt" => out.push('>'),
            "quot" => out.push('"'),
            "apos" => out.push('\''),
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse::<u32>().ok()
                } else {
                    return Err(format!("unknown entity `&{entity};` (no DTD is read)"));
                };
                let c = code.and_then(char::from_u32).filter(|&c| is_xml_char(c));
                out.push(c.ok_or_else(|| format!("invalid character reference `&{entity};`"))?);
            }
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

pub(super) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}
