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
        i: usize,
        qname: &'a [u8],
    ) -> Result<StartTag<'a>, DecodeError> {
        let mut attributes = RawAttributes::new();
        let (end, empty) = self.scan_attributes(offset, i, &mut attributes)?;
        self.pos = end;
        let depth = self.open.len() + 1;
        if depth > MAX_DEPTH {
            return Err(self.error_at(offset, DecodeErrorKind::TooDeep));
        }
        // Namespace declarations first: they apply to this element's own name and attributes.
        self.declare_namespaces(&attributes, offset, depth)?;
        self.open.push(qname);
        let (prefix, local) = split_qname(qname);
        let ns = self.resolve(prefix, true, offset)?;
        let (nil, xsi_type, attributes) = self.classify_attributes(&attributes, offset)?;
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

    /// Reads the attributes of the start tag at `offset` from `i` into `attributes`, up to and
    /// including `>` or `/>`: the position after it, and whether the tag was `/>`.
    #[inline]
    fn scan_attributes(
        &self,
        offset: usize,
        mut i: usize,
        attributes: &mut RawAttributes<'a>,
    ) -> Result<(usize, bool), DecodeError> {
        let input = self.input;
        loop {
            i = skip_space(input, i);
            match input.get(i) {
                None => return Err(self.eof_at(offset)),
                Some(b'>') => return Ok((i + 1, false)),
                Some(b'/') => match input.get(i + 1) {
                    Some(b'>') => return Ok((i + 2, true)),
                    None => return Err(self.eof_at(offset)),
                    _ => return Err(self.malformed(i, "`/` not followed by `>` in a start tag")),
                },
                Some(_) => i = self.scan_attribute(offset, i, attributes)?,
            }
        }
    }

    /// Reads one `name="value"` at `i` (not whitespace, `>` or `/`) of the start tag at
    /// `offset` into `attributes`, refusing a duplicate or one too many: the position after the
    /// closing quote.
    #[inline]
    fn scan_attribute(
        &self,
        offset: usize,
        mut i: usize,
        attributes: &mut RawAttributes<'a>,
    ) -> Result<usize, DecodeError> {
        let input = self.input;
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
        i = skip_space(input, i);
        if i >= input.len() {
            return Err(self.eof_at(offset));
        }
        if input[i] != b'=' || name.is_empty() {
            return Err(self.malformed(name_start, "attribute without a value"));
        }
        i = skip_space(input, i + 1);
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
        if attributes.count >= MAX_ATTRIBUTES {
            return Err(self.malformed(
                name_start,
                format!("more than {MAX_ATTRIBUTES} attributes on one element"),
            ));
        }
        if attributes.is_duplicate(name) {
            return Err(self.malformed(name_start, "duplicate attribute"));
        }
        attributes.push(name, value);
        Ok(value_end + 1)
    }

    /// Binds the `xmlns` and `xmlns:*` declarations among `attributes` (of the start tag at
    /// `offset`) for the element at `depth`.
    #[inline]
    fn declare_namespaces(
        &mut self,
        attributes: &RawAttributes<'a>,
        offset: usize,
        depth: usize,
    ) -> Result<(), DecodeError> {
        for &(name, value) in attributes.iter() {
            let prefix = if name == b"xmlns" {
                Some(&b""[..])
            } else {
                name.strip_prefix(b"xmlns:")
            };
            let Some(prefix) = prefix else {
                continue;
            };
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
        Ok(())
    }

    /// Sorts the attributes of the start tag at `offset` (its namespaces declared): `xsi:nil`,
    /// `xsi:type`, and the others with their namespaces (namespace declarations and other
    /// `xsi:` attributes dropped).
    #[inline]
    #[allow(clippy::type_complexity)]
    fn classify_attributes(
        &self,
        raw: &RawAttributes<'a>,
        offset: usize,
    ) -> Result<(bool, Option<Box<(Ns, String)>>, Vec<TagAttribute<'a>>), DecodeError> {
        let mut nil = false;
        let mut xsi_type = None;
        let mut attributes: Vec<TagAttribute<'a>> = Vec::new();
        for &(name, value) in raw.iter() {
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
        Ok((nil, xsi_type, attributes))
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

/// The attributes of one start tag as written: the first four inline, the rest on the heap,
/// with a hash set of their names once there are too many for a linear duplicate check.
struct RawAttributes<'a> {
    /// The first four.
    inline: [RawAttribute<'a>; 4],
    /// The fifth and later.
    extra: Vec<RawAttribute<'a>>,
    /// Every name so far, built when the count reaches [`LINEAR_DUPLICATE_CHECK`].
    names: Option<std::collections::HashSet<&'a [u8]>>,
    /// How many there are.
    count: usize,
}

impl<'a> RawAttributes<'a> {
    /// None yet (no allocation).
    #[inline]
    fn new() -> Self {
        RawAttributes {
            inline: [(&[], &[]); 4],
            extra: Vec::new(),
            names: None,
            count: 0,
        }
    }

    /// Every attribute, in document order.
    #[inline]
    fn iter(&self) -> impl Iterator<Item = &RawAttribute<'a>> {
        self.inline[..self.count.min(4)].iter().chain(&self.extra)
    }

    /// True when an attribute called `name` was already read. Linear in the attributes: a scan
    /// while there are few, a hash set after (which remembers `name`).
    #[inline]
    fn is_duplicate(&mut self, name: &'a [u8]) -> bool {
        if self.count < LINEAR_DUPLICATE_CHECK {
            return self.iter().any(|(n, _)| *n == name);
        }
        if self.names.is_none() {
            self.names = Some(self.iter().map(|(n, _)| *n).collect());
        }
        self.names.as_mut().is_some_and(|seen| !seen.insert(name))
    }

    /// Appends `name="value"`.
    #[inline]
    fn push(&mut self, name: &'a [u8], value: &'a [u8]) {
        if self.count < 4 {
            self.inline[self.count] = (name, value);
        } else {
            self.extra.push((name, value));
        }
        self.count += 1;
    }
}

/// The position of the first byte at or after `i` that is not XML whitespace.
#[inline]
fn skip_space(input: &[u8], mut i: usize) -> usize {
    while i < input.len() && matches!(input[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}
