//! Values of `xs:list` types: the items, typed.

use std::ops::{Deref, DerefMut};

use super::{
    DecodeError, Name, SimpleValue, StartTag, XmlReader, XmlValue, XmlWriter, read_simple,
};

/// The value of an `xs:list` type: its items, each of the list's item type. Read from text
/// whose items are separated by whitespace (any amount, as XML Schema collapses it), written
/// with single spaces; its serde form is an array of the items. An item that is not a valid
/// value of the item type makes the whole value invalid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct XmlList<T>(pub Vec<T>);

/// The empty list, whatever the item type (an enumeration has no default item).
impl<T> Default for XmlList<T> {
    fn default() -> Self {
        XmlList(Vec::new())
    }
}

impl<T> XmlList<T> {
    /// A list of `items`.
    pub fn new(items: impl IntoIterator<Item = T>) -> Self {
        XmlList(items.into_iter().collect())
    }

    /// The items.
    pub fn into_inner(self) -> Vec<T> {
        self.0
    }
}

impl<T> Deref for XmlList<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> DerefMut for XmlList<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.0
    }
}

impl<T> From<Vec<T>> for XmlList<T> {
    fn from(items: Vec<T>) -> Self {
        XmlList(items)
    }
}

impl<T> FromIterator<T> for XmlList<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        XmlList(items.into_iter().collect())
    }
}

impl<T: SimpleValue> SimpleValue for XmlList<T> {
    const XSD_TYPE: &'static str = "xs:list (items separated by spaces)";

    fn parse_text(text: &str) -> Option<Self> {
        text.split_ascii_whitespace().map(T::parse_text).collect()
    }

    fn write_text_element(&self, w: &mut XmlWriter, name: &Name) {
        let text: Vec<String> = self.0.iter().map(SimpleValue::to_text).collect();
        w.text_element(name, &text.join(" "));
    }
}

impl<T: SimpleValue> XmlValue for XmlList<T> {
    fn write_element(&self, w: &mut XmlWriter, name: &Name) {
        self.write_text_element(w, name);
    }

    fn read_element(r: &mut XmlReader<'_>, _start: &StartTag<'_>) -> Result<Self, DecodeError> {
        read_simple(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_split_on_any_whitespace_and_written_with_single_spaces() {
        let list = XmlList::<i32>::parse_text(" 1 2\n\t3 ").unwrap();
        assert_eq!(*list, [1, 2, 3]);
        let mut w = XmlWriter::default();
        list.write_text_element(&mut w, &Name::local("sizes"));
        assert_eq!(w.finish().unwrap(), "<sizes>1 2 3</sizes>");
        assert_eq!(XmlList::<i32>::parse_text(""), Some(XmlList(Vec::new())));
    }

    #[test]
    fn one_invalid_item_makes_the_value_invalid() {
        assert_eq!(XmlList::<i32>::parse_text("1 x 3"), None);
    }
}
