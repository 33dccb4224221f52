//! Sample text that satisfies a simple type's facets: its patterns (the shortest string each
//! regular expression matches, built from its syntax tree), its lengths, and its range and
//! digit facets (see [`super::range`]).

use codegen::model::Facets;
use regex_syntax::hir::{Class, Hir, HirKind};

use super::range::{self, Space};

/// Longest sample built for one pattern (a hostile `{1000000}` stays cheap).
const MAX_SAMPLE: usize = 4096;

/// Whether the facets constrain nothing.
pub fn is_empty(facets: &Facets) -> bool {
    facets.length.is_none()
        && facets.min_length.is_none()
        && facets.max_length.is_none()
        && facets.patterns.is_empty()
        && !range::constrains(facets)
}

/// A value satisfying `facets` in value space `space`, starting from `default` (a valid value
/// of the built-in), and whether it does satisfy them (when nothing tried does, the best
/// guess: the first pattern's shortest match, or the default).
pub fn sample(facets: &Facets, default: &str, space: Space) -> (String, bool) {
    let checks: Vec<Vec<regex::Regex>> = facets
        .patterns
        .iter()
        .map(|step| {
            step.iter()
                .filter_map(|p| regex::Regex::new(&format!("^(?:{p})$")).ok())
                .collect()
        })
        .collect();
    let fits = |text: &str| {
        let length = text.chars().count();
        // Lengths of a number or a date are not lengths of its text.
        let lengths = !matches!(space, Space::Unordered)
            || (facets.length.is_none_or(|n| length == n as usize)
                && facets.min_length.is_none_or(|n| length >= n as usize)
                && facets.max_length.is_none_or(|n| length <= n as usize));
        lengths
            && range::fits(facets, space, text)
            && checks
                .iter()
                .all(|step| step.is_empty() || step.iter().any(|r| r.is_match(text)))
    };
    let mut candidates: Vec<String> = facets
        .patterns
        .iter()
        .flatten()
        .filter_map(|p| shortest_match(p))
        .collect();
    candidates.extend(range::candidates(facets, space, default));
    if space == Space::Unordered {
        let length = facets
            .length
            .or(facets.min_length)
            .unwrap_or(default.chars().count() as u32)
            .max(1)
            .min(facets.max_length.unwrap_or(u32::MAX)) as usize;
        for c in ['x', 'a', 'A', '0', '1'] {
            candidates.push(std::iter::repeat_n(c, length.min(MAX_SAMPLE)).collect());
        }
    }
    candidates.push(default.to_owned());
    match candidates.iter().find(|c| fits(c)) {
        Some(found) => (found.clone(), true),
        None => (candidates.first().cloned().unwrap_or_default(), false),
    }
}

/// The shortest string `pattern` matches (first alternative, first character of each
/// class, fewest repetitions), or `None` when it does not parse as a regular expression.
fn shortest_match(pattern: &str) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut out = String::new();
    build(&hir, &mut out);
    Some(out)
}

fn build(hir: &Hir, out: &mut String) {
    if out.len() > MAX_SAMPLE {
        return;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(literal) => out.push_str(&String::from_utf8_lossy(&literal.0)),
        HirKind::Class(Class::Unicode(class)) => {
            if let Some(range) = class.ranges().first() {
                out.push(range.start());
            }
        }
        HirKind::Class(Class::Bytes(class)) => {
            if let Some(range) = class.ranges().first() {
                out.push(char::from(range.start()));
            }
        }
        HirKind::Repetition(repetition) => {
            for _ in 0..repetition.min {
                build(&repetition.sub, out);
                if out.len() > MAX_SAMPLE {
                    return;
                }
            }
        }
        HirKind::Capture(capture) => build(&capture.sub, out),
        HirKind::Concat(parts) => parts.iter().for_each(|part| build(part, out)),
        HirKind::Alternation(branches) => {
            if let Some(first) = branches.first() {
                build(first, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facets(patterns: &[&str], length: Option<u32>) -> Facets {
        Facets {
            length,
            patterns: vec![patterns.iter().map(|p| (*p).to_owned()).collect()],
            ..Facets::default()
        }
    }

    #[test]
    fn samples_match_patterns_and_lengths() {
        assert_eq!(
            sample(
                &facets(&["[a-zA-Z0-9]{18}"], Some(18)),
                "x",
                Space::Unordered
            )
            .0,
            "000000000000000000"
        );
        let uuid =
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89aAbB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}";
        let text = sample(&facets(&[uuid], None), "x", Space::Unordered).0;
        assert!(
            regex::Regex::new(&format!("^{uuid}$"))
                .unwrap()
                .is_match(&text),
            "{text}"
        );
        assert_eq!(
            sample(&facets(&["GET|POST"], None), "x", Space::Unordered).0,
            "GET"
        );
        let lengths = Facets {
            min_length: Some(3),
            max_length: Some(5),
            ..Facets::default()
        };
        assert_eq!(
            sample(&lengths, "x", Space::Unordered),
            ("xxx".into(), true)
        );
        // A pattern this engine cannot read: the lengths still hold.
        let odd = Facets {
            length: Some(2),
            patterns: vec![vec!["\\i\\c".into()]],
            ..Facets::default()
        };
        assert_eq!(sample(&odd, "x", Space::Unordered).0, "xx");
    }
}
