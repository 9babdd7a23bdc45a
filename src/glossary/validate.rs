//! Rules that look across entries: the same term with two targets, a target
//! that another entry forbids, terms contained in longer terms, single
//! syllables, misspellings that are themselves terms.
//!
//! Sources are compared by their matching key (NFC, one tone placement,
//! lower case), so `Đảng ủy` and `Đảng uỷ` are the same term, as the
//! matcher sees them.

use std::collections::HashMap;

use aho_corasick::AhoCorasick;

use super::text::key;
use super::{Diagnostic, EntryKind, Glossary, Severity, Status};

/// Every cross-entry diagnostic of `glossary`.
pub fn validate(glossary: &Glossary) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let entries = &glossary.entries;
    let warn = |i: usize, message: String| Diagnostic {
        origin: entries[i].origin.clone(),
        severity: Severity::Warning,
        message,
    };

    // Same source, different targets.
    let mut first: HashMap<String, usize> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        if !matches!(e.status, Status::Preferred) {
            continue;
        }
        for form in std::iter::once(&e.source).chain(&e.variants) {
            let k = key(form);
            match first.get(&k) {
                None => {
                    first.insert(k, i);
                }
                Some(&j) if j == i => {}
                Some(&j) => {
                    let other = &entries[j];
                    if other.target == e.target {
                        diags.push(warn(
                            i,
                            format!(
                                "`{form}` duplicates `{}` at {} with the same target; remove one of them",
                                other.source, other.origin
                            ),
                        ));
                    } else {
                        diags.push(Diagnostic {
                            origin: e.origin.clone(),
                            severity: Severity::Error,
                            message: format!(
                                "`{form}` is the same term as `{}` at {} (after NFC, tone placement and case) \
                                 but has another target (`{}` vs `{}`); keep one, or mark one `status = \"admitted\"`",
                                other.source, other.origin, e.target, other.target
                            ),
                        });
                    }
                }
            }
        }
    }

    // An approved target forbidden by another entry.
    let mut forbidden_by: HashMap<String, usize> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        for f in &e.forbidden {
            forbidden_by.entry(f.to_lowercase()).or_insert(i);
        }
        if e.status == Status::Forbidden {
            forbidden_by.entry(e.target.to_lowercase()).or_insert(i);
        }
    }
    for (i, e) in entries.iter().enumerate() {
        if e.status == Status::Forbidden || e.target.is_empty() {
            continue;
        }
        if let Some(&j) = forbidden_by.get(&e.target.to_lowercase())
            && j != i
            && key(&entries[j].source) != key(&e.source)
        {
            diags.push(warn(
                i,
                format!(
                    "the target `{}` is forbidden by the entry `{}` at {}; check which rendering is right",
                    e.target, entries[j].source, entries[j].origin
                ),
            ));
        }
    }

    // Misspellings that are terms themselves.
    for (i, e) in entries.iter().enumerate() {
        for s in &e.suspect {
            if let Some(&j) = first.get(&key(s)) {
                diags.push(warn(
                    i,
                    format!(
                        "the misspelling `{s}` is itself the entry `{}` at {}; it will be matched as that term",
                        entries[j].source, entries[j].origin
                    ),
                ));
            }
        }
    }

    // Single syllables.
    for (i, e) in entries.iter().enumerate() {
        if e.kind == EntryKind::Term
            && e.source.split_whitespace().count() == 1
            && e.case != Some(crate::config::CaseRule::Sensitive)
        {
            diags.push(warn(
                i,
                format!(
                    "`{}` is a single syllable and may match ordinary words; prefer a longer term, \
                     or set case = \"sensitive\"",
                    e.source
                ),
            ));
        }
    }

    diags.extend(contained(glossary));
    diags
}

/// Warnings for terms that occur, on syllable boundaries, inside longer
/// terms: leftmost-longest will prefer the longer one there.
fn contained(glossary: &Glossary) -> Vec<Diagnostic> {
    let entries = &glossary.entries;
    let terms: Vec<(usize, String)> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == EntryKind::Term && e.status != Status::Forbidden)
        .map(|(i, e)| (i, key(&e.source)))
        .collect();
    let mut unique: HashMap<&str, usize> = HashMap::new();
    for (n, (_, k)) in terms.iter().enumerate() {
        unique.entry(k.as_str()).or_insert(n);
    }
    let keys: Vec<&str> = unique.keys().copied().collect();
    let Ok(ac) = AhoCorasick::new(&keys) else {
        return Vec::new();
    };
    // contained key index -> (count, one example entry)
    let mut found: HashMap<usize, (usize, usize)> = HashMap::new();
    for (i, k) in &terms {
        for m in ac.find_overlapping_iter(k.as_str()) {
            if m.len() == k.len() {
                continue;
            }
            let before = k[..m.start()].chars().next_back();
            let after = k[m.end()..].chars().next();
            if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric)
            {
                continue;
            }
            let slot = found.entry(m.pattern().as_usize()).or_insert((0, *i));
            slot.0 += 1;
        }
    }
    let mut out = Vec::new();
    for (pat, (count, example)) in found {
        let n = unique[keys[pat]];
        let i = terms[n].0;
        let ex = &entries[example];
        out.push(Diagnostic {
            origin: entries[i].origin.clone(),
            severity: Severity::Warning,
            message: format!(
                "`{}` is contained in {count} longer entr{} (e.g. `{}` at {}); the longer term wins where both match",
                entries[i].source,
                if count == 1 { "y" } else { "ies" },
                ex.source,
                ex.origin
            ),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glossary::{Entry, Origin};

    fn at(mut e: Entry, line: usize) -> Entry {
        e.origin = Origin {
            path: "g.toml".into(),
            line,
            col: 1,
        };
        e
    }

    fn messages(entries: Vec<Entry>) -> Vec<String> {
        let g = Glossary {
            entries,
            files: Vec::new(),
        };
        validate(&g).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn same_term_in_two_tone_styles_with_two_targets_is_an_error() {
        let d = messages(vec![
            at(Entry::term("Đảng ủy Công an", "A"), 1),
            at(Entry::term("Đảng uỷ công an", "B"), 2),
            at(Entry::term("Ban Bí thư", "Secretariat"), 3),
            at(Entry::term("ban bí thư", "Secretariat"), 4),
        ]);
        assert!(
            d.iter()
                .any(|m| m.starts_with("g.toml:2:1: error:") && m.contains("g.toml:1:1")),
            "{d:?}"
        );
        assert!(
            d.iter()
                .any(|m| m.starts_with("g.toml:4:1: warning:") && m.contains("duplicates")),
            "{d:?}"
        );
    }

    #[test]
    fn admitted_alternatives_are_not_duplicates() {
        let mut alt = Entry::term("Thượng tướng", "Colonel General");
        alt.status = Status::Admitted;
        let d = messages(vec![
            at(Entry::term("Thượng tướng", "Senior Lieutenant General"), 1),
            at(alt, 2),
        ]);
        assert!(d.iter().all(|m| !m.contains("error")), "{d:?}");
    }

    #[test]
    fn forbidden_elsewhere_contained_single_syllable_suspect() {
        let mut a = Entry::term("Bộ Công an", "Ministry of Public Security");
        a.forbidden = vec!["Ministry of Police".into()];
        let mut c = Entry::term("Chỉ thị", "Directive");
        c.suspect = vec!["Bộ Công an".into()];
        let d = messages(vec![
            at(a, 1),
            at(
                Entry::term("Bộ trưởng Bộ Công an", "Minister of Public Security"),
                2,
            ),
            at(Entry::term("Công an", "Ministry of Police"), 3),
            at(Entry::term("Luật", "Law"), 4),
            at(c, 5),
        ]);
        let has = |p: &str, s: &str| d.iter().any(|m| m.starts_with(p) && m.contains(s));
        assert!(
            has(
                "g.toml:3:1: warning:",
                "forbidden by the entry `Bộ Công an`"
            ),
            "{d:?}"
        );
        assert!(
            has("g.toml:1:1: warning:", "contained in 1 longer entry"),
            "{d:?}"
        );
        assert!(
            has("g.toml:3:1: warning:", "contained in 2 longer entries"),
            "{d:?}"
        );
        assert!(has("g.toml:4:1: warning:", "single syllable"), "{d:?}");
        assert!(
            has("g.toml:5:1: warning:", "misspelling `Bộ Công an`"),
            "{d:?}"
        );
    }
}
