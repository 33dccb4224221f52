//! Start and end tags: names, attributes (bounded, duplicates refused), namespace declarations
//! and their scopes, and end tags checked against what is open.

use std::borrow::Cow;

use super::*;

impl<'a> XmlReader<'a> {
    /// Reads a start tag at `self.pos` (which is at `<` + name char). The common `<name>` is
    /// handled here, with a small frame; a tag with attributes goes to
    /// [`Self::start_tag_with_attributes`].
    #[inline(never)]
    pub(super) fn start_tag(&mut self) -> Result<StartTag<'a>, DecodeError> {
        let offset = self.pos;
        let input = self.input;
        let mut i = offset + 1;
        let mut bad_name = false;
        let mut colon = None;
        loop {
            match input.get(i) {
                None => return Err(self.eof_at(offset)),
                Some(b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'>') => break,
                Some(b'<' | b'=' | b'"' | b'\'' | b'&') => bad_name = true,
                Some(b':') if colon.is_none() => colon = Some(i - offset - 1),
                Some(_) => {}
            }
            i += 1;
        }
        let qname = &input[offset + 1..i];
        if qname.is_empty() || bad_name {
            return Err(self.malformed(offset, "invalid element name"));
        }
        self.check_utf8(offset, i)?;
        // Fast path: `<name>` without attributes or namespace declarations.
        if input[i] == b'>' {
            let depth = self.open.len() + 1;
            if depth > MAX_DEPTH {
                return Err(self.error_at(offset, DecodeErrorKind::TooDeep));
            }
            self.pos = i + 1;
            self.open.push(qname);
            let (local, ns) = match colon {
                None => (qname, self.default_ns),
                Some(c) => (
                    &qname[c + 1..],
                    self.resolve(Some(&qname[..c]), true, offset)?,
                ),
            };
            self.pending_end = false;
            return Ok(StartTag {
                local,
                ns,
                nil: false,
                xsi_type: None,
                attributes: None,
                offset,
            });
        }
        self.start_tag_with_attributes(offset, i, qname)
    }

    /// The rest of a start tag whose name `qname` (at `offset`) ends at `i`, before
    /// attributes, `/>` or `>`.
    #[inline(never)]
    pub(super) fn start_tag_with_attributes(
        &mut self,
        offset: usize,
        mut i: usize,
        qname: &'a [u8],
    ) -> Result<StartTag<'a>, DecodeError> {
        let input = self.input;
        let mut attributes: [RawAttribute<'a>; 4] = [(&[], &[]); 4];
        let mut extra: Vec<RawAttribute<'a>> = Vec::new();
        let mut names: Option<std::collections::HashSet<&'a [u8]>> = None;
        let mut count = 0usize;
        let empty;
        loop {
            while i < input.len() && matches!(input[i], b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
            }
            match input.get(i) {
                None => return Err(self.eof_at(offset)),
                Some(b'>') => {
                    empty = false;
                    i += 1;
                    break;
                }
                Some(b'/') => match input.get(i + 1) {
                    Some(b'>') => {
                        empty = true;
                        i += 2;
                        break;
                    }
                    None => return Err(self.eof_at(offset)),
                    _ => return Err(self.malformed(i, "`/` not followed by `>` in a start tag")),
                },
                Some(_) => {
                    if i > 0 && !matches!(input[i - 1], b' ' | b'\t' | b'\n' | b'\r') {
                        return Err(self.malformed(i, "attributes must be separated by whitespace"));
                    }
                    let name_start = i;
                    while i < input.len()
                        && !matches!(input[i], b'=' | b' ' | b'\t' | b'\n' | b'\r' | b'>' | b'/')
                    {
                        i += 1;
                    }
                    let name = &input[name_start..i];
                    while i < input.len() && matches!(input[i], b' ' | b'\t' | b'\n' | b'\r') {
                        i += 1;
                    }
                    if i >= input.len() {
                        return Err(self.eof_at(offset));
                    }
                    if input[i] != b'=' || name.is_empty() {
                        return Err(self.malformed(name_start, "attribute without a value"));
                    }
                    i += 1;
                    while i < input.len() && matches!(input[i], b' ' | b'\t' | b'\n' | b'\r') {
                        i += 1;
                    }
                    let Some(&quote) = input.get(i) else {
                        return Err(self.eof_at(offset));
                    };
                    if quote != b'"' && quote != b'\'' {
                        return Err(self.malformed(i, "attribute value not quoted"));
                    }
                    let value_start = i + 1;
                    let value_end = memchr::memchr(quote, &input[value_start..])
                        .map(|p| value_start + p)
                        .ok_or_else(|| self.eof_at(offset))?;
                    let value = &input[value_start..value_end];
                    if value.contains(&b'<') {
                        return Err(self.malformed(value_start, "`<` in an attribute value"));
                    }
                    self.check_utf8(name_start, value_end)?;
                    if count >= MAX_ATTRIBUTES {
                        return Err(self.malformed(
                            name_start,
                            format!("more than {MAX_ATTRIBUTES} attributes on one element"),
                        ));
                    }
                    // Linear in the attributes: a scan while there are few, a hash set after.
                    let duplicate = if count < LINEAR_DUPLICATE_CHECK {
                        attributes[..count.min(4)]
                            .iter()
                            .chain(&extra)
                            .any(|(n, _)| *n == name)
                    } else {
                        let seen = names.get_or_insert_with(|| {
                            attributes[..count.min(4)]
                                .iter()
                                .chain(&extra)
                                .map(|(n, _)| *n)
                                .collect()
                        });
                        !seen.insert(name)
                    };
                    if duplicate {
                        return Err(self.malformed(name_start, "duplicate attribute"));
                    }
                    if count < 4 {
                        attributes[count] = (name, value);
                    } else {
                        extra.push((name, value));
                    }
                    count += 1;
                    i = value_end + 1;
                }
            }
        }
        self.pos = i;
        let depth = self.open.len() + 1;
        if depth > MAX_DEPTH {
            return Err(self.error_at(offset, DecodeErrorKind::TooDeep));
        }
        let all = || attributes[..count.min(4)].iter().chain(extra.iter());
        // Namespace declarations first: they apply to this element's own name and attributes.
        for &(name, value) in all() {
            let prefix = if name == b"xmlns" {
                Some(&b""[..])
            } else {
                name.strip_prefix(b"xmlns:")
            };
            if let Some(prefix) = prefix {
                let uri = self.attribute_value(value, offset)?;
                if uri.is_empty() && !prefix.is_empty() {
                    return Err(self.malformed(offset, "a namespace prefix cannot be undeclared"));
                }
                let ns = if uri.is_empty() {
                    Ns::None
                } else {
                    classify(self.namespaces, uri.as_bytes())
                };
                if prefix.is_empty() {
                    self.default_ns = ns;
                }
                if self.bindings.len() >= MAX_BINDINGS {
                    return Err(self.malformed(
                        offset,
                        format!("more than {MAX_BINDINGS} namespace declarations in scope"),
                    ));
                }
                self.bindings.push(Binding {
                    prefix,
                    ns,
                    uri: value,
                    depth,
                });
            }
        }
        self.open.push(qname);
        let (prefix, local) = split_qname(qname);
        let ns = self.resolve(prefix, true, offset)?;
        let mut nil = false;
        let mut xsi_type = None;
        let mut attributes: Vec<TagAttribute<'a>> = Vec::new();
        for &(name, value) in all() {
            let (attr_prefix, attr_local) = split_qname(name);
            let Some(attr_prefix) = attr_prefix else {
                if name != b"xmlns" {
                    attributes.push((Ns::None, &[], name, value));
                }
                continue;
            };
            if attr_prefix == b"xmlns" {
                continue;
            }
            let attr_ns = self.resolve(Some(attr_prefix), false, offset)?;
            if attr_ns != Ns::Xsi {
                attributes.push((attr_ns, attr_prefix, attr_local, value));
                continue;
            }
            match attr_local {
                b"nil" => {
                    nil = match value {
                        b"true" | b"1" => true,
                        b"false" | b"0" => false,
                        _ => matches!(self.attribute_value(value, offset)?.trim(), "true" | "1"),
                    }
                }
                b"type" => {
                    let value = self.attribute_value(value, offset)?;
                    let value = value.trim();
                    let (type_prefix, type_local) = split_qname(value.as_bytes());
                    let type_ns = self.resolve(type_prefix, true, offset)?;
                    xsi_type = Some(Box::new((
                        type_ns,
                        String::from_utf8_lossy(type_local).into_owned(),
                    )));
                }
                _ => {}
            }
        }
        self.pending_end = empty;
        Ok(StartTag {
            local,
            ns,
            nil,
            xsi_type,
            attributes: (!attributes.is_empty()).then(|| attributes.into_boxed_slice()),
            offset,
        })
    }

    #[inline]
    pub(super) fn resolve(
        &self,
        prefix: Option<&[u8]>,
        element: bool,
        offset: usize,
    ) -> Result<Ns, DecodeError> {
        let Some(prefix) = prefix else {
            // Unprefixed: attributes have no namespace; elements the default one.
            return Ok(if element { self.default_ns } else { Ns::None });
        };
        if prefix == b"xml" {
            return Ok(Ns::Other);
        }
        match self
            .bindings
            .iter()
            .rev()
            .find(|b| b.prefix.len() == prefix.len() && b.prefix == prefix)
        {
            Some(binding) => Ok(binding.ns),
            None if prefix.is_empty() => Ok(Ns::None),
            None => Err(self.malformed(
                offset,
                format!(
                    "undeclared namespace prefix `{}`",
                    String::from_utf8_lossy(prefix)
                ),
            )),
        }
    }

    /// Decodes an attribute value (entities and character references).
    pub(super) fn attribute_value(
        &self,
        raw: &'a [u8],
        offset: usize,
    ) -> Result<Cow<'a, str>, DecodeError> {
        let text = std::str::from_utf8(raw).map_err(|_| self.malformed(offset, "invalid UTF-8"))?;
        decode_text(text).map_err(|m| self.malformed(offset, m))
    }

    /// Consumes an end tag at `self.pos` (at `</`), checking it closes the innermost element.
    #[inline]
    pub(super) fn end_tag(&mut self) -> Result<(), DecodeError> {
        let start = self.pos;
        // Fast path: `</name>` exactly closing the innermost element.
        if let Some(&open) = self.open.last() {
            let after = start + 2 + open.len();
            if self.input.get(start + 2..after) == Some(open)
                && self.input.get(after) == Some(&b'>')
            {
                self.open.pop();
                self.pop_bindings();
                self.pos = after + 1;
                return Ok(());
            }
        }
        let close = memchr::memchr(b'>', &self.input[start..])
            .map(|p| start + p)
            .ok_or_else(|| self.eof_at(start))?;
        let name = trim_end(&self.input[start + 2..close]);
        match self.open.pop() {
            Some(open) if open == name => {}
            Some(open) => {
                return Err(self.malformed(
                    start,
                    format!(
                        "end tag </{}> does not match <{}>",
                        String::from_utf8_lossy(name),
                        String::from_utf8_lossy(open)
                    ),
                ));
            }
            None => return Err(self.malformed(start, "end tag without a start tag")),
        }
        self.pop_bindings();
        self.pos = close + 1;
        Ok(())
    }

    #[inline]
    pub(super) fn pop_bindings(&mut self) {
        let depth = self.open.len();
        let mut default_changed = false;
        while let Some(binding) = self.bindings.last().filter(|b| b.depth > depth) {
            default_changed |= binding.prefix.is_empty();
            self.bindings.pop();
        }
        if default_changed {
            self.default_ns = self
                .bindings
                .iter()
                .rev()
                .find(|b| b.prefix.is_empty())
                .map_or(Ns::None, |b| b.ns);
        }
    }

    /// Consumes the end of an empty element (`<x/>`) if one is pending.
    #[inline]
    pub(super) fn take_pending_end(&mut self) -> bool {
        if self.pending_end {
            self.pending_end = false;
            self.open.pop();
            self.pop_bindings();
            true
        } else {
            false
        }
    }
}
