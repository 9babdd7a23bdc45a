//! Glossary protection through machine translation.
//!
//! Contract: [`protect`] replaces each confident glossary hit (exact,
//! case-variant, tone-variant; not deprecated entries) with a placeholder
//! the engine keeps (`{{N}}` for plain-text engines, `<x id="N"/>` for tag
//! modes: never word-like tokens, which engines translate), numbered from
//! 1 in text order, skipping any number whose placeholder the source
//! already holds as text (`Bộ Công an {{0}} họp với {{1}}` sends `{{2}}`
//! for the term); [`restore`] puts the approved targets back and fails
//! unless every placeholder came back exactly once and no other appeared.
//! Placeholder-looking text of the source is text: it travels as it is and
//! may come back as it is.

use super::TagMode;
use crate::glossary::{Entry, Hit, Status};

/// A source with its terms replaced by placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protected {
    /// The text to send.
    pub text: String,
    /// Per placeholder, in number order: (placeholder, approved target).
    pub slots: Vec<(String, String)>,
    /// Placeholder-shaped text that was in the source itself.
    pub literal: Vec<String>,
}

/// The placeholder-shaped tokens of `text` (`{{N}}`, `<x id="N"/>`), in order.
pub fn placeholder_tokens(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let (open, close): (&[u8], &[u8]) = if rest.starts_with(b"{{") {
            (b"{{", b"}}")
        } else if rest.starts_with(b"<x id=\"") {
            (b"<x id=\"", b"\"/>")
        } else {
            i += 1;
            continue;
        };
        let digits = rest[open.len()..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let end = open.len() + digits;
        if digits > 0 && rest[end..].starts_with(close) {
            // ASCII from `i` to the end of the token: both are char boundaries.
            out.push(&text[i..i + end + close.len()]);
            i += end + close.len();
        } else {
            i += open.len();
        }
    }
    out
}

fn placeholder(n: usize, mode: TagMode) -> String {
    match mode {
        TagMode::Plain => format!("{{{{{n}}}}}"),
        TagMode::Xml => format!("<x id=\"{n}\"/>"),
    }
}

/// `source` with its confident hits replaced by placeholders.
pub fn protect(source: &str, hits: &[Hit], entries: &[Entry], mode: TagMode) -> Protected {
    let literal: Vec<String> = placeholder_tokens(source)
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut text = String::with_capacity(source.len());
    let mut slots = Vec::new();
    let mut last = 0;
    let mut n = 0;
    for h in hits {
        if !h.class.is_confident()
            || entries[h.index].status == Status::Deprecated
            || h.start < last
        {
            continue;
        }
        text.push_str(&source[last..h.start]);
        // A number whose placeholder is not text of the source already.
        let p = loop {
            n += 1;
            let p = placeholder(n, mode);
            if !literal.contains(&p) && !source.contains(&p) {
                break p;
            }
        };
        text.push_str(&p);
        slots.push((p, h.target.to_string()));
        last = h.end;
    }
    text.push_str(&source[last..]);
    Protected {
        text,
        slots,
        literal,
    }
}

/// The translation with the placeholders replaced by their targets.
///
/// # Errors
/// A message naming the placeholder that was lost, duplicated or invented.
pub fn restore(translated: &str, p: &Protected) -> Result<String, String> {
    let mut out = translated.to_owned();
    for (ph, target) in &p.slots {
        match out.matches(ph.as_str()).count() {
            1 => out = out.replacen(ph.as_str(), target, 1),
            0 => return Err(format!("placeholder {ph} (for `{target}`) was lost")),
            n => return Err(format!("placeholder {ph} came back {n} times")),
        }
    }
    // Anything else shaped like a placeholder was invented, unless the
    // source had it as text (then no more often than the source had it).
    for token in placeholder_tokens(&out) {
        let in_reply = placeholder_tokens(&out)
            .iter()
            .filter(|t| **t == token)
            .count();
        let in_source = p.literal.iter().filter(|t| *t == token).count();
        if in_reply > in_source {
            return Err(format!(
                "the reply has a placeholder {token} that was not sent"
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glossary::{CaseRule, Diacritics};
    use crate::glossary::{Glossary, Matcher};

    #[test]
    fn round_trip_and_losses() {
        let g = Glossary {
            entries: vec![
                Entry::term("Bộ Công an", "Ministry of Public Security"),
                Entry::term("Ban Bí thư", "Secretariat"),
            ],
            files: vec![],
        };
        let m = Matcher::new(&g, CaseRule::Permissive, Diacritics::Flag).unwrap();
        let src = "Bộ Công an và Ban Bí thư họp, Ban Bi thu.";
        let hits = m.find(src).hits;
        let p = protect(src, &hits, m.entries(), TagMode::Plain);
        assert_eq!(p.text, "{{1}} và {{2}} họp, Ban Bi thu.");
        assert_eq!(
            restore("{{1}} and {{2}} met.", &p).unwrap(),
            "Ministry of Public Security and Secretariat met."
        );
        assert!(restore("{{1}} met.", &p).unwrap_err().contains("{{2}}"));
        assert!(
            restore("{{1}} {{1}} {{2}}", &p)
                .unwrap_err()
                .contains("2 times")
        );
        assert!(restore("{{1}} {{2}} {{3}}", &p).is_err());
        let x = protect(src, &hits, m.entries(), TagMode::Xml);
        assert_eq!(x.text, "<x id=\"1\"/> và <x id=\"2\"/> họp, Ban Bi thu.");
    }

    #[test]
    fn placeholder_text_in_the_source_never_collides() {
        let g = Glossary {
            entries: vec![Entry::term("Bộ Công an", "Ministry of Public Security")],
            files: vec![],
        };
        let m = Matcher::new(&g, CaseRule::Permissive, Diacritics::Flag).unwrap();
        let src = "Bộ Công an {{0}} họp với {{1}} tại Hà Nội.";
        let p = protect(src, &m.find(src).hits, m.entries(), TagMode::Plain);
        assert_eq!(p.text, "{{2}} {{0}} họp với {{1}} tại Hà Nội.");
        assert_eq!(
            restore("{{2}} {{0}} met {{1}} in Hanoi.", &p).unwrap(),
            "Ministry of Public Security {{0}} met {{1}} in Hanoi."
        );
        // The source's own text may come back, not more often than it was there.
        assert!(restore("{{2}} {{0}} {{0}} {{1}}", &p).is_err());
        assert!(restore("{{2}} {{0}} {{1}} {{3}}", &p).is_err());
        assert_eq!(
            placeholder_tokens("a {{1}} b {{x}} <x id=\"7\"/> {{}}"),
            ["{{1}}", "<x id=\"7\"/>"]
        );
    }
}
