//! The glossary stage's modes beyond annotate (which is [`Matcher::find`]):
//!
//! - [`replace`]: a glossary-only draft: confident hits (exact, case-variant,
//!   tone-variant) replaced by their targets, patterns filled, never on
//!   folded or suspect hits, never with deprecated entries. Mixed-language
//!   text, for review only.
//! - [`Verifier`]: given a segment's hits and a target text, is every
//!   approved term (or an admitted alternative) there, and is no forbidden
//!   rendering anywhere? English matching is case-insensitive, on whole
//!   words, with simple plural and possessive endings allowed
//!   (`Secretariat's`, `Party committees`, `Ministries`).
//!
//! [`Matcher::find`]: super::Matcher::find

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Serialize;

use super::matcher::{Hit, HitClass};
use super::text::key;
use super::{Entry, Severity, Status};
use crate::document::{Flag, FlagCode};

/// The glossary-only draft of `text` given its hits (from the same text).
pub fn replace(text: &str, hits: &[Hit], entries: &[Entry]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for h in hits {
        let entry = &entries[h.index];
        if !h.class.is_confident() || entry.status == Status::Deprecated || h.start < last {
            continue;
        }
        out.push_str(&text[last..h.start]);
        out.push_str(&h.target);
        last = h.end;
    }
    out.push_str(&text[last..]);
    out
}

/// A verification finding for one segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `term-missing` or `term-forbidden`.
    pub code: FlagCode,
    /// Error or warning.
    pub severity: Severity,
    /// For the reviewer.
    pub message: String,
}

impl From<Finding> for Flag {
    fn from(f: Finding) -> Flag {
        Flag {
            code: f.code,
            severity: f.severity,
            message: f.message,
        }
    }
}

/// Checks targets against a glossary. Build once per glossary.
#[derive(Debug)]
pub struct Verifier {
    /// Accepted targets per entry: its own and those of admitted entries of
    /// the same source (lower case).
    accepted: Vec<Vec<String>>,
    forbidden: Option<AhoCorasick>,
    /// Per forbidden pattern: (the text as written, the entry that forbids it).
    forbidden_of: Vec<(String, usize)>,
}

impl Verifier {
    /// Prepares the checks for `entries`.
    pub fn new(entries: &[Entry]) -> Verifier {
        let mut by_source: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            by_source.entry(key(&e.source)).or_default().push(i);
        }
        let accepted = entries
            .iter()
            .map(|e| {
                let mut v = vec![e.approved_target().to_lowercase()];
                for &j in &by_source[&key(&e.source)] {
                    let o = &entries[j];
                    if matches!(o.status, Status::Preferred | Status::Admitted) {
                        let t = o.approved_target().to_lowercase();
                        if !v.contains(&t) {
                            v.push(t);
                        }
                    }
                }
                v
            })
            .collect();
        let mut pats = Vec::new();
        let mut forbidden_of = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let forms = e
                .forbidden
                .iter()
                .chain((e.status == Status::Forbidden).then_some(&e.target));
            for f in forms {
                if !f.trim().is_empty() {
                    pats.push(f.to_lowercase());
                    forbidden_of.push((f.clone(), i));
                }
            }
        }
        let forbidden = (!pats.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&pats)
                    .ok()
            })
            .flatten();
        Verifier {
            accepted,
            forbidden,
            forbidden_of,
        }
    }

    /// Findings for a target text translated from a source with `hits`.
    pub fn verify(&self, hits: &[Hit], entries: &[Entry], target: &str) -> Vec<Finding> {
        let lower = target.to_lowercase();
        let mut out = Vec::new();
        let mut seen = Vec::new();
        for h in hits {
            let e = &entries[h.index];
            let checkable = h.class.is_confident() || h.class == HitClass::AsciiSpan;
            if !checkable || e.status == Status::Deprecated || seen.contains(&h.index) {
                continue;
            }
            seen.push(h.index);
            let mut accepted = self.accepted[h.index].clone();
            let filled = h.target.to_lowercase();
            if !accepted.contains(&filled) {
                // A pattern's target with its slots filled.
                accepted.insert(0, filled);
            }
            if !accepted.iter().any(|t| contains_term(&lower, t)) {
                out.push(Finding {
                    code: FlagCode::TermMissing,
                    severity: Severity::Error,
                    message: format!(
                        "approved term `{}` for `{}` is missing from the target",
                        h.target, h.entry
                    ),
                });
            }
        }
        if let Some(ac) = &self.forbidden {
            let mut reported = Vec::new();
            for m in ac.find_overlapping_iter(&lower) {
                let (written, entry) = &self.forbidden_of[m.pattern().as_usize()];
                if reported.contains(&m.pattern()) || !word_at(&lower, m.start(), m.end()) {
                    continue;
                }
                reported.push(m.pattern());
                let in_source = hits
                    .iter()
                    .any(|h| key(&entries[h.index].source) == key(&entries[*entry].source));
                out.push(Finding {
                    code: FlagCode::TermForbidden,
                    severity: if in_source {
                        Severity::Error
                    } else {
                        Severity::Warning
                    },
                    message: format!(
                        "forbidden rendering `{written}` in the target (use `{}` for `{}`)",
                        entries[*entry].approved_target(),
                        entries[*entry].source
                    ),
                });
            }
        }
        out
    }
}

/// Is the occurrence `[s, e)` of a term in `hay` a whole word or phrase,
/// allowing a plural or possessive ending?
fn word_at(hay: &str, s: usize, e: usize) -> bool {
    if hay[..s]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric)
    {
        return false;
    }
    let rest = &hay[e..];
    ["", "s", "es", "'s", "’s", "s'", "s’"]
        .iter()
        .any(|suffix| {
            rest.starts_with(suffix)
                && !rest[suffix.len()..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric)
        })
}

/// Does lower-cased `hay` contain lower-cased `term` as whole words (with
/// plural/possessive endings, and `y` → `ies`)? An approved target that
/// is a verb phrase (`institute criminal proceedings`, `indict`) is found
/// with its first word inflected too, as news copy writes it: `instituted`,
/// `institutes`, `instituting`, `indicted`, `banned`, `carried`.
pub fn contains_term(hay: &str, term: &str) -> bool {
    if term.is_empty() {
        return false;
    }
    let found = |t: &str| {
        hay.match_indices(t)
            .any(|(s, m)| word_at(hay, s, s + m.len()))
    };
    if found(term) {
        return true;
    }
    if let Some(stem) = term.strip_suffix('y').filter(|s| !s.is_empty())
        && found(&format!("{stem}ies"))
    {
        return true;
    }
    let (first, rest) = term.split_at(term.find(' ').unwrap_or(term.len()));
    verb_forms(first).any(|form| found(&format!("{form}{rest}")))
}

/// The inflected forms of an English verb `w` (lower case) besides `w`
/// itself and `ws`: past and participle, `-ing`, third person, with the
/// spelling rules that matter (`e` dropped, `y` → `ie`, a final consonant
/// doubled). Over-generous on purpose: a form that is no real word never
/// occurs in a translation, so it costs nothing.
fn verb_forms(w: &str) -> impl Iterator<Item = String> {
    let mut forms = Vec::new();
    let last = w.chars().next_back();
    let is_vowel = |c: char| "aeiou".contains(c);
    if w.chars().count() >= 2 && w.chars().all(|c| c.is_alphabetic()) {
        match last {
            Some('e') => {
                let stem = &w[..w.len() - 1];
                forms.extend([format!("{w}d"), format!("{stem}ing")]);
            }
            Some('y') if !w[..w.len() - 1].ends_with(is_vowel) => {
                let stem = &w[..w.len() - 1];
                forms.extend([
                    format!("{stem}ied"),
                    format!("{stem}ies"),
                    format!("{w}ing"),
                ]);
            }
            Some(c) => {
                forms.extend([format!("{w}ed"), format!("{w}ing"), format!("{w}es")]);
                // `ban` → `banned`, `commit` → `committed`.
                if !is_vowel(c) && !"wxy".contains(c) {
                    forms.extend([format!("{w}{c}ed"), format!("{w}{c}ing")]);
                }
            }
            None => {}
        }
    }
    forms.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glossary::{CaseRule, Diacritics};
    use crate::glossary::{Glossary, Matcher};

    fn setup() -> (Matcher, Verifier) {
        let mut mps = Entry::term("Bộ Công an", "Ministry of Public Security");
        mps.forbidden = vec!["Ministry of Police".into()];
        let mut dep = Entry::term("Thượng tướng", "Colonel General");
        dep.status = Status::Deprecated;
        let mut alt = Entry::term("Ban Bí thư", "Central Party Secretariat");
        alt.status = Status::Admitted;
        let mut bad = Entry::term("Quốc hội", "Congress");
        bad.status = Status::Forbidden;
        let entries = vec![
            mps,
            Entry::term("Ban Bí thư", "Secretariat"),
            alt,
            dep,
            Entry::term("cấp ủy", "Party committee"),
            Entry::term("Quốc hội", "National Assembly"),
            Entry::term("Ủy ban nhân dân", "People's Committee"),
            bad,
        ];
        let g = Glossary {
            entries: entries.clone(),
            files: Vec::new(),
        };
        let m = Matcher::new(&g, CaseRule::Permissive, Diacritics::Flag).unwrap();
        (m, Verifier::new(&entries))
    }

    #[test]
    fn replace_draft_uses_confident_hits_only() {
        let (m, _) = setup();
        let text = "Bộ Công an và Ban Bí thư, Thượng tướng, Chị thị, Ban Bi thu";
        let hits = m.find(text).hits;
        assert_eq!(
            replace(text, &hits, m.entries()),
            "Ministry of Public Security và Secretariat, Thượng tướng, Chị thị, Ban Bi thu"
        );
    }

    #[test]
    fn verify_missing_admitted_plural_forbidden() {
        let (m, v) = setup();
        let src = "Bộ Công an, Ban Bí thư và các cấp ủy";
        let hits = m.find(src).hits;
        let codes = |t: &str| {
            v.verify(&hits, m.entries(), t)
                .into_iter()
                .map(|f| (f.code, f.severity))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            codes("The Ministry of Public Security, the Secretariat's and Party committees"),
            []
        );
        assert_eq!(
            codes(
                "The ministry of public security, the Central Party Secretariat and Party committees"
            ),
            []
        );
        assert_eq!(
            codes("The Ministry of Police, the Secretariat and committees"),
            [
                (FlagCode::TermMissing, Severity::Error),
                (FlagCode::TermMissing, Severity::Error),
                (FlagCode::TermForbidden, Severity::Error)
            ]
        );
        // A forbidden rendering of a term the source does not have: a warning.
        let none: Vec<Hit> = Vec::new();
        let f = v.verify(&none, m.entries(), "The US Congress met.");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        // Whole words only.
        assert!(
            v.verify(&none, m.entries(), "Congressional hearing")
                .is_empty()
        );
    }

    #[test]
    fn a_verb_target_is_found_inflected() {
        for (hay, term) in [
            (
                "police had instituted criminal proceedings and indicted him",
                "institute criminal proceedings",
            ),
            (
                "police had instituted criminal proceedings and indicted him",
                "indict",
            ),
            ("the court is indicting two officials", "indict"),
            ("it institutes proceedings", "institute"),
            ("the ministry banned the import", "ban"),
            ("they carried out the inspection", "carry out"),
            ("the agency is carrying out", "carry out"),
        ] {
            assert!(contains_term(hay, term), "{term} in {hay}");
        }
        // Whole words still: no form inside another word, no other word.
        assert!(!contains_term("the indictment was read", "indict"));
        assert!(!contains_term("a reinstituted body", "institute"));
        assert!(!contains_term(
            "criminal proceedings were instituted",
            "institute criminal proceedings"
        ));
    }

    #[test]
    fn term_containment() {
        assert!(contains_term(
            "the people's committees met",
            "people's committee"
        ));
        assert!(contains_term("two ministries", "ministry"));
        assert!(!contains_term("secretariats-general", "secretary"));
        assert!(!contains_term("subsecretariat", "secretariat"));
    }
}
