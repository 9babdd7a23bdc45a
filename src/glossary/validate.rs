//! Rules that look across entries: the same term with two targets, a target
//! that another entry forbids, single syllables, misspellings that are
//! themselves terms (diagnostics); and terms contained in longer terms
//! (notes: information, not warnings).
//!
//! Every rule works from indexes built once (hash maps by key; a term's key
//! cut at its syllable boundaries), never by comparing pairs of entries, so
//! checking grows linearly with the glossary.
//!
//! Sources are compared by their matching key (NFC, one tone placement,
//! lower case), so `Đảng ủy` and `Đảng uỷ` are the same term, as the
//! matcher sees them.

use std::collections::HashMap;
use std::fmt;

use super::text::{canon_tone, key, lower_same_len};
use super::{Diagnostic, Entry, EntryKind, Glossary, Location, Severity, Status};

/// Every cross-entry diagnostic of `glossary`: errors and warnings, things
/// an editor should act on. Terms contained in longer terms are not among
/// them (that is how a glossary is meant to work): see [`notes`].
///
/// Linear in the size of the glossary: every check reads the entries once
/// and looks up hash maps built from them.
pub fn validate(glossary: &Glossary) -> Vec<Diagnostic> {
    check(&glossary.entries.iter().collect::<Vec<_>>())
}

/// [`validate`] of the entries of one language pair, as
/// [`Glossary::for_pair`] selects them (without copying them).
pub fn validate_pair(glossary: &Glossary, pair: (&str, &str)) -> Vec<Diagnostic> {
    check(&pair_entries(glossary, pair))
}

/// The entries [`Glossary::for_pair`] keeps, by reference.
fn pair_entries<'g>(glossary: &'g Glossary, (source, target): (&str, &str)) -> Vec<&'g Entry> {
    let pair = super::serving_pair(&glossary.files, source, target).unwrap_or((source, target));
    let keep: std::collections::HashSet<&std::path::Path> = glossary
        .files
        .iter()
        .filter(|f| f.serves(pair))
        .map(|f| f.path.as_path())
        .collect();
    glossary
        .entries
        .iter()
        .filter(|e| {
            e.location.path.as_os_str().is_empty() || keep.contains(e.location.path.as_path())
        })
        .collect()
}

/// The matching key of `text` ([`key`]), without the NFC pass when the
/// text is already in NFC (glossary files are checked to be).
fn fast_key(text: &str) -> String {
    use unicode_normalization::{IsNormalized, is_nfc_quick};
    if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        lower_same_len(&canon_tone(text).0).into_owned()
    } else {
        key(text)
    }
}

/// `char::is_alphanumeric`, answered without the Unicode tables for ASCII
/// and the Latin letters Vietnamese uses.
fn is_alnum(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphanumeric(),
        0xC0..=0x24F => !matches!(c, '×' | '÷'),
        0x1E00..=0x1EFF => true,
        _ => c.is_alphanumeric(),
    }
}

fn check(entries: &[&Entry]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let warn = |i: usize, message: String| Diagnostic {
        location: entries[i].location.clone(),
        severity: Severity::Warning,
        message,
    };

    // Same source, different targets.
    let mut first: HashMap<String, usize> = HashMap::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        if !matches!(e.status, Status::Preferred) {
            continue;
        }
        for form in std::iter::once(&e.source).chain(&e.variants) {
            let k = fast_key(form);
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
                                other.source, other.location
                            ),
                        ));
                    } else {
                        diags.push(Diagnostic {
                            location: e.location.clone(),
                            severity: Severity::Error,
                            message: format!(
                                "`{form}` is the same term as `{}` at {} (after NFC, tone placement and case) \
                                 but has another target (`{}` vs `{}`); keep one, or mark one `status = \"admitted\"`",
                                other.source, other.location, e.target, other.target
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
    if !forbidden_by.is_empty() {
        for (i, e) in entries.iter().enumerate() {
            if e.status == Status::Forbidden || e.target.is_empty() {
                continue;
            }
            if let Some(&j) = forbidden_by.get(&e.target.to_lowercase())
                && j != i
                && fast_key(&entries[j].source) != fast_key(&e.source)
            {
                diags.push(warn(
                    i,
                    format!(
                        "the target `{}` is forbidden by the entry `{}` at {}; check which rendering is right",
                        e.target, entries[j].source, entries[j].location
                    ),
                ));
            }
        }
    }

    // Misspellings that are terms themselves.
    for (i, e) in entries.iter().enumerate() {
        for s in &e.suspect {
            if let Some(&j) = first.get(&fast_key(s)) {
                diags.push(warn(
                    i,
                    format!(
                        "the misspelling `{s}` is itself the entry `{}` at {}; it will be matched as that term",
                        entries[j].source, entries[j].location
                    ),
                ));
            }
        }
    }

    // Single syllables.
    for (i, e) in entries.iter().enumerate() {
        if e.kind == EntryKind::Term
            && e.source.split_whitespace().count() == 1
            && e.case != Some(super::CaseRule::Sensitive)
        {
            if !e.source.chars().any(char::is_lowercase) {
                // `HĐXX`: under `permissive` (the default) an upper-case
                // letter matches only itself, so only `insensitive` lets it
                // match ordinary words.
                if e.case == Some(super::CaseRule::Insensitive) {
                    diags.push(warn(i, insensitive_capitals(&e.source)));
                }
                continue;
            }
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
    diags
}

/// The warning for a one-word term in capitals (`HĐXX`) matched in any
/// case.
fn insensitive_capitals(source: &str) -> String {
    format!(
        "`{source}` is a single syllable in capitals, and under case = \"insensitive\" it also \
         matches it in lower case, an ordinary word perhaps; set case = \"permissive\" or \
         \"sensitive\" on the entry"
    )
}

/// The warnings that hold only when the configured case rule is `case`:
/// with `insensitive`, every one-word term in capitals without a case of
/// its own (`HĐXX`) also matches ordinary words in lower case. (Under
/// `permissive`, the default, and `sensitive` it matches only itself.)
pub fn configured_case_warnings(glossary: &Glossary, case: super::CaseRule) -> Vec<Diagnostic> {
    if case != super::CaseRule::Insensitive {
        return Vec::new();
    }
    glossary
        .entries
        .iter()
        .filter(|e| {
            e.kind == EntryKind::Term
                && e.case.is_none()
                && e.source.split_whitespace().count() == 1
                && e.source.chars().any(char::is_uppercase)
                && !e.source.chars().any(char::is_lowercase)
        })
        .map(|e| Diagnostic {
            location: e.location.clone(),
            severity: Severity::Warning,
            message: insensitive_capitals(&e.source),
        })
        .collect()
}

/// Information about a glossary that needs no action: printed as
/// `file:line:col: note: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The entry it is about.
    pub location: Location,
    /// What it says.
    pub message: String,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: note: {}", self.location, self.message)
    }
}

/// The notes of `glossary`, within each language pair: the terms that occur,
/// on syllable boundaries, inside longer terms (leftmost-longest prefers the
/// longer one where both match), in entry order.
pub fn notes(glossary: &Glossary) -> Vec<Note> {
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    for f in &glossary.files {
        let pair = (f.source_lang.as_str(), f.target_lang.as_str());
        if !pairs.contains(&pair) {
            pairs.push(pair);
        }
    }
    let mut out = Vec::new();
    if pairs.is_empty() {
        let all: Vec<&Entry> = glossary.entries.iter().collect();
        out.extend(contained(&all, &mut Steps::default()));
    }
    for pair in pairs {
        out.extend(contained(
            &pair_entries(glossary, pair),
            &mut Steps::default(),
        ));
    }
    out.sort_by(|a, b| {
        (&a.location.path, a.location.line, a.location.col).cmp(&(
            &b.location.path,
            b.location.line,
            b.location.col,
        ))
    });
    out
}

/// Work counters of [`contained`], for the tests that pin its linearity.
#[derive(Debug, Default, Clone, Copy)]
pub struct Steps {
    /// Substrings looked up in the key index.
    pub lookups: usize,
}

/// Terms that occur, on syllable boundaries, inside longer terms.
///
/// The keys of the terms are indexed once (a hash map from key to its first
/// term). Then each term's key is cut at its syllable boundaries (a
/// boundary is where no letter or digit is on both sides) and each run of
/// whole syllables, no longer than the longest key, is looked up: the work
/// is the number of such runs, a few per term for terms of a few syllables,
/// however many terms there are.
pub fn contained(entries: &[&Entry], steps: &mut Steps) -> Vec<Note> {
    let terms: Vec<(usize, String)> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == EntryKind::Term && e.status != Status::Forbidden)
        .map(|(i, e)| (i, fast_key(&e.source)))
        .collect();
    // key -> index in `terms` of its first term
    let mut unique: HashMap<&str, usize> = HashMap::with_capacity(terms.len());
    let mut longest = 0;
    for (n, (_, k)) in terms.iter().enumerate() {
        unique.entry(k.as_str()).or_insert(n);
        longest = longest.max(k.len());
    }
    // contained term (index in `terms`) -> (count, first containing entry)
    let mut found: HashMap<usize, (usize, usize)> = HashMap::new();
    let mut starts = Vec::new();
    let mut ends = Vec::new();
    for (i, k) in &terms {
        starts.clear();
        ends.clear();
        let mut prev: Option<char> = None;
        for (at, c) in k.char_indices() {
            let alnum = is_alnum(c);
            // A piece may start here if no letter or digit is just before,
            // and end here if none is just after.
            if !prev.is_some_and(is_alnum) {
                starts.push(at);
            }
            if prev.is_some() && !alnum {
                ends.push(at);
            }
            prev = Some(c);
        }
        ends.push(k.len());
        for &s in &starts {
            // `ends` is sorted: skip those before the start, stop past the
            // longest key.
            let from = ends.partition_point(|&e| e <= s);
            for &e in &ends[from..] {
                if e - s > longest {
                    break;
                }
                if e - s == k.len() {
                    continue;
                }
                steps.lookups += 1;
                if let Some(&n) = unique.get(&k[s..e]) {
                    let slot = found.entry(n).or_insert((0, *i));
                    slot.0 += 1;
                }
            }
        }
    }
    let mut found: Vec<(usize, (usize, usize))> = found.into_iter().collect();
    found.sort_unstable_by_key(|&(n, _)| n);
    found
        .into_iter()
        .map(|(n, (count, example))| {
            let i = terms[n].0;
            let ex = &entries[example];
            Note {
                location: entries[i].location.clone(),
                message: format!(
                    "`{}` is contained in {count} longer entr{} (e.g. `{}` at {}); the longer term wins where both match",
                    entries[i].source,
                    if count == 1 { "y" } else { "ies" },
                    ex.source,
                    ex.location
                ),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glossary::{Entry, Location};

    fn at(mut e: Entry, line: usize) -> Entry {
        e.location = Location {
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

    fn note_messages(entries: Vec<Entry>) -> Vec<String> {
        let g = Glossary {
            entries,
            files: Vec::new(),
        };
        notes(&g).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn containment_is_a_note_on_syllable_boundaries_counted_per_occurrence() {
        let n = note_messages(vec![
            at(Entry::term("Bộ Công an", "MPS"), 1),
            at(Entry::term("Bộ trưởng Bộ Công an", "Minister"), 2),
            at(Entry::term("Công an", "Police"), 3),
            at(Entry::term("an", "x"), 4),
            at(Entry::term("trật tự, an toàn", "order and safety"), 5),
            at(Entry::term("an toàn", "safety"), 6),
            at(Entry::term("TP.HCM", "HCMC"), 7),
            at(Entry::term("HCM", "HCM"), 8),
            at(Entry::term("Công an Công an", "twice"), 9),
        ]);
        assert_eq!(
            n,
            [
                "g.toml:1:1: note: `Bộ Công an` is contained in 1 longer entry (e.g. `Bộ trưởng Bộ Công an` at g.toml:2:1); the longer term wins where both match",
                "g.toml:3:1: note: `Công an` is contained in 4 longer entries (e.g. `Bộ Công an` at g.toml:1:1); the longer term wins where both match",
                "g.toml:4:1: note: `an` is contained in 7 longer entries (e.g. `Bộ Công an` at g.toml:1:1); the longer term wins where both match",
                "g.toml:6:1: note: `an toàn` is contained in 1 longer entry (e.g. `trật tự, an toàn` at g.toml:5:1); the longer term wins where both match",
                "g.toml:8:1: note: `HCM` is contained in 1 longer entry (e.g. `TP.HCM` at g.toml:7:1); the longer term wins where both match",
            ]
        );
        // Inside a syllable is not contained: `an` in `anh`, `Công` in `Côngx`.
        let n = note_messages(vec![
            at(Entry::term("an", "x"), 1),
            at(Entry::term("anh em", "y"), 2),
        ]);
        assert!(n.is_empty(), "{n:?}");
    }

    /// Doubling the glossary doubles the lookups: no pair of entries is
    /// ever compared.
    #[test]
    fn containment_work_is_linear_in_the_glossary() {
        let glossary = |n: usize| -> Vec<Entry> {
            (0..n)
                .map(|i| Entry::term(&format!("từ{i} ngữ{} cụm{}", i % 97, i % 13), "t"))
                .collect()
        };
        let steps = |n: usize| {
            let mut s = Steps::default();
            let entries = glossary(n);
            contained(&entries.iter().collect::<Vec<_>>(), &mut s);
            s.lookups
        };
        let (a, b) = (steps(5_000), steps(10_000));
        assert!(a > 0);
        assert_eq!(b, 2 * a, "{a} lookups for 5,000 terms, {b} for 10,000");
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
        assert!(!d.iter().any(|m| m.contains("contained in")), "{d:?}");
        assert!(has("g.toml:4:1: warning:", "single syllable"), "{d:?}");
        assert!(
            has("g.toml:5:1: warning:", "misspelling `Bộ Công an`"),
            "{d:?}"
        );
    }
}
