//! Glossary protection through machine translation.
//!
//! Contract: [`protect`] replaces each confident glossary hit (exact,
//! case-variant, tone-variant; not deprecated entries) with a placeholder
//! the engine keeps (`{{N}}` for plain-text engines, `<x id="N"/>` for tag
//! modes: never word-like tokens, which engines translate), numbered from
//! 1 in text order; [`restore`] puts the approved targets back and fails
//! unless every placeholder came back exactly once and no other appeared.

use super::TagMode;
use crate::glossary::{Entry, Hit, Status};

/// A source with its terms replaced by placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protected {
    /// The text to send.
    pub text: String,
    /// Per placeholder, in number order: (placeholder, approved target).
    pub slots: Vec<(String, String)>,
}

fn placeholder(n: usize, mode: TagMode) -> String {
    match mode {
        TagMode::Plain => format!("{{{{{n}}}}}"),
        TagMode::Xml => format!("<x id=\"{n}\"/>"),
    }
}

/// `source` with its confident hits replaced by placeholders.
pub fn protect(source: &str, hits: &[Hit], entries: &[Entry], mode: TagMode) -> Protected {
    let mut text = String::with_capacity(source.len());
    let mut slots = Vec::new();
    let mut last = 0;
    for h in hits {
        if !h.class.is_confident()
            || entries[h.index].status == Status::Deprecated
            || h.start < last
        {
            continue;
        }
        text.push_str(&source[last..h.start]);
        let p = placeholder(slots.len() + 1, mode);
        text.push_str(&p);
        slots.push((p, h.target.to_string()));
        last = h.end;
    }
    text.push_str(&source[last..]);
    Protected { text, slots }
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
    // Anything still shaped like one of our placeholders was invented.
    if out.contains("{{")
        && out.contains("}}")
        && p.slots.iter().any(|(ph, _)| ph.starts_with("{{"))
        || out.contains("<x id=")
    {
        return Err("the reply has a placeholder that was not sent".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{CaseRule, Diacritics};
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
}
