//! Documentation taken from the WSDL: `xs:documentation`/`wsdl:documentation` text and the XML
//! comments written right above a declaration.
//!
//! Rules (deterministic):
//! - comments count when only whitespace without a blank line separates them from the declaration;
//! - decoration (lines of `*`, `**` borders) is stripped;
//! - a decorated comment whose remaining text is one line is a section heading
//!   ("Enumerations") and documents nothing: it is dropped.

use roxmltree::{Node, NodeType};

/// Documentation of one declaration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Doc {
    /// Lines taken from the WSDL, already cleaned. Untrusted: escaped when emitted, so they
    /// render as written and never form links, HTML or code.
    pub text: Vec<String>,
    /// Lines of trusted rustdoc markdown from a documentation overlay
    /// ([`crate::overlay`]), emitted as they are, before the WSDL's own text.
    pub markdown: Vec<String>,
}

impl Doc {
    /// Documentation from WSDL text lines.
    pub fn from_text(text: Vec<String>) -> Doc {
        Doc {
            text,
            markdown: Vec::new(),
        }
    }

    /// True when there is nothing to say.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty() && self.markdown.is_empty()
    }

    /// The rustdoc lines: the overlay's markdown, then the WSDL's text escaped, a blank line
    /// between the two.
    pub fn rustdoc_lines(&self) -> Vec<String> {
        let mut lines = self.markdown.clone();
        if !lines.is_empty() && !self.text.is_empty() {
            lines.push(String::new());
        }
        lines.extend(self.text.iter().map(|l| escape_markdown(l)));
        lines
    }
}

/// Collects the documentation of `node`.
pub fn doc_for(node: Node) -> Doc {
    let mut comments: Vec<&str> = Vec::new();
    let mut prev = node.prev_sibling();
    while let Some(sibling) = prev {
        match sibling.node_type() {
            NodeType::Comment => comments.push(sibling.text().unwrap_or_default()),
            NodeType::Text => {
                let text = sibling.text().unwrap_or_default();
                if !text.trim().is_empty() || text.matches('\n').count() > 1 {
                    break;
                }
            }
            _ => break,
        }
        prev = sibling.prev_sibling();
    }
    comments.reverse();
    let mut lines = comment_lines(&comments.join("\n")).unwrap_or_default();
    for child in node.children().filter(Node::is_element) {
        if child.tag_name().name() == "documentation" {
            push_paragraph(&mut lines, &element_text(child));
        } else if child.tag_name().name() == "annotation" {
            for documentation in child
                .children()
                .filter(|c| c.tag_name().name() == "documentation")
            {
                push_paragraph(&mut lines, &element_text(documentation));
            }
        }
    }
    Doc::from_text(lines)
}

fn element_text(node: Node) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

fn push_paragraph(lines: &mut Vec<String>, text: &str) {
    let new: Vec<String> = clean_lines(text);
    if new.is_empty() {
        return;
    }
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.extend(new);
}

fn clean_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(|l| l.trim().to_owned()).collect();
    while lines.first().is_some_and(String::is_empty) {
        lines.remove(0);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// The useful lines of a comment, or `None` for a section heading or an empty comment.
fn comment_lines(text: &str) -> Option<Vec<String>> {
    let mut decorated = false;
    let mut lines = Vec::new();
    for raw in text.lines() {
        let line = raw.trim();
        if line.len() >= 3 && line.chars().all(|c| c == '*') {
            decorated = true;
            continue;
        }
        let stripped = line.trim_matches('*').trim();
        if stripped.len() != line.len() {
            decorated = true;
        }
        lines.push(stripped.to_owned());
    }
    let lines = clean_lines(&lines.join("\n"));
    if lines.is_empty() || (decorated && lines.len() == 1) {
        return None;
    }
    Some(lines)
}

/// Escapes text for rustdoc markdown so schema prose renders as written and never forms links,
/// HTML tags or code fences.
pub fn escape_markdown(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if matches!(c, '[' | ']' | '<' | '>' | '`' | '*' | '_' | '#' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `text` as an inline code span (safe in rustdoc whatever it contains).
pub fn code(text: &str) -> String {
    if text.contains('`') || text.contains('\n') {
        escape_markdown(text)
    } else {
        format!("`{text}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(xml: &str, name: &str) -> Doc {
        let doc = roxmltree::Document::parse(xml).unwrap();
        let node = doc
            .descendants()
            .find(|n| n.attribute("name") == Some(name))
            .unwrap();
        doc_for(node)
    }

    #[test]
    fn comment_right_above_documents_the_element() {
        let xml = "<s>\n<!-- first -->\n<e name='a'/>\n<!-- ForeignSysType must be set -->\n<e name='b'/></s>";
        assert_eq!(docs(xml, "b").text, vec!["ForeignSysType must be set"]);
        assert_eq!(docs(xml, "a").text, vec!["first"]);
    }

    #[test]
    fn section_headings_and_blank_lines_detach() {
        let xml = "<s><!-- ***** -->\n<!-- **   Enumerations   ** -->\n<!-- ***** -->\n<e name='a'/>\n<!-- loose -->\n\n<e name='b'/></s>";
        assert!(docs(xml, "a").is_empty());
        assert!(docs(xml, "b").is_empty());
    }

    #[test]
    fn decorated_multi_line_comment_keeps_its_text() {
        let xml = "<s><!-- ***** -->\n<!-- ** For Program, allowed: ** -->\n<!-- ** Id, Name ** -->\n<!-- ***** -->\n<e name='a'/></s>";
        assert_eq!(
            docs(xml, "a").text,
            vec!["For Program, allowed:", "Id, Name"]
        );
    }

    #[test]
    fn annotation_documentation_is_appended() {
        let xml = "<s xmlns:xs='x'><e name='a'><xs:annotation><xs:documentation>\n  Hello\n  world </xs:documentation></xs:annotation></e></s>";
        assert_eq!(docs(xml, "a").text, vec!["Hello", "world"]);
    }

    #[test]
    fn markdown_is_escaped() {
        assert_eq!(
            escape_markdown("a [b](c) <d> `e`"),
            "a \\[b\\](c) \\<d\\> \\`e\\`"
        );
    }
}
