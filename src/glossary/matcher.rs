//! The Vietnamese-aware glossary matcher.
//!
//! Contract of [`Matcher::find`]:
//! - **expects** any text (NFC or not); offsets it returns are byte offsets
//!   into that text, on character boundaries;
//! - **returns** non-overlapping hits, leftmost-longest, each with its class,
//!   and the pattern entries whose words matched but whose slot did not parse
//!   ([`PatternMiss`], for QA);
//! - never changes the text.
//!
//! How: the text is put in NFC, then in one tone placement
//! ([`super::text::canon_tone`]), then lower-cased without changing lengths;
//! one Aho-Corasick automaton of the entries' keys (source, variants,
//! misspellings, and the literal beginning of each pattern) reports every
//! candidate, overlapping ones included. Each candidate must then sit on
//! syllable boundaries (no letter or digit just outside an edge that is a
//! letter or digit) and pass its case rule against the text before lower
//! casing; only then does leftmost-longest choose, so a failed longer
//! candidate never hides a valid shorter one. With `diacritics = "flag"` a
//! second automaton over ASCII-folded keys finds the report-only classes
//! `ascii-span` (the text has no diacritics: captions, slugs) and
//! `diacritic-mismatch` (the text has other diacritics: `Chị thị` for
//! `Chỉ thị`); a real hit of the same span always wins over them.

use std::collections::HashMap;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Serialize;

use super::pattern::{Part, Template};
use super::text::{
    canon_tone, fold_with_map, folded_key, has_diacritics, key, lower_same_len, nfc_with_map,
};
use super::{Entry, EntryKind, Glossary, Status};
use crate::config::{CaseRule, Diacritics};

/// What kind of match a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HitClass {
    /// The text is exactly the entry as written.
    Exact,
    /// Differs only in case, as the case rule allows.
    CaseVariant,
    /// Differs in tone-mark placement (`Uỷ` for `Ủy`), maybe also in case.
    ToneVariant,
    /// ASCII-only text that folds to the entry (report only).
    AsciiSpan,
    /// Folds to the entry but carries other diacritics (report only).
    DiacriticMismatch,
    /// A listed misspelling of the entry (report only).
    Suspect,
}

impl HitClass {
    /// Every class, in report order.
    pub const ALL: [HitClass; 6] = [
        HitClass::Exact,
        HitClass::CaseVariant,
        HitClass::ToneVariant,
        HitClass::AsciiSpan,
        HitClass::DiacriticMismatch,
        HitClass::Suspect,
    ];

    /// The class name used in outputs.
    pub fn name(self) -> &'static str {
        match self {
            HitClass::Exact => "exact",
            HitClass::CaseVariant => "case-variant",
            HitClass::ToneVariant => "tone-variant",
            HitClass::AsciiSpan => "ascii-span",
            HitClass::DiacriticMismatch => "diacritic-mismatch",
            HitClass::Suspect => "suspect",
        }
    }

    /// May the glossary replace text on this hit? Only the confident classes.
    pub fn is_confident(self) -> bool {
        matches!(
            self,
            HitClass::Exact | HitClass::CaseVariant | HitClass::ToneVariant
        )
    }

    /// A suspected misspelling of a term, for QA.
    pub fn is_misspelling(self) -> bool {
        matches!(self, HitClass::DiacriticMismatch | HitClass::Suspect)
    }

    /// Selection rank among candidates of the same span (lower wins).
    fn rank(self) -> u8 {
        match self {
            HitClass::Exact | HitClass::CaseVariant | HitClass::ToneVariant => 0,
            HitClass::Suspect => 1,
            HitClass::AsciiSpan => 2,
            HitClass::DiacriticMismatch => 3,
        }
    }
}

/// One glossary term found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    /// Byte offset of the start, in the text given to [`Matcher::find`].
    pub start: usize,
    /// Byte offset of the end.
    pub end: usize,
    /// The matched text.
    pub text: String,
    /// The entry's source as written in the glossary.
    pub entry: String,
    /// The approved target (a pattern's with its slots filled).
    pub target: String,
    /// The class of the match.
    pub class: HitClass,
    /// Index of the entry in the matcher's glossary.
    #[serde(skip)]
    pub index: usize,
}

/// A pattern whose words matched but whose slot value did not parse
/// (`Kết luận số 44 KL TW`): a QA finding, not a hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatternMiss {
    /// Byte offset where the pattern's words start.
    pub start: usize,
    /// Byte offset where they end.
    pub end: usize,
    /// The entry's source as written.
    pub entry: String,
    /// Index of the entry.
    #[serde(skip)]
    pub index: usize,
}

/// What [`Matcher::find`] returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matches {
    /// Non-overlapping hits, by position.
    pub hits: Vec<Hit>,
    /// Patterns whose slot did not parse, by position.
    pub misses: Vec<PatternMiss>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Term,
    Suspect,
    Pattern,
}

/// One automaton pattern's meaning.
#[derive(Debug)]
struct Key {
    entry: usize,
    kind: KeyKind,
    /// The form as written (NFC); for a pattern, its literal beginning.
    written: String,
    /// `written` in canonical tone placement, case kept.
    cased: String,
    /// The rest of a pattern after its literal beginning.
    template: Option<Arc<Template>>,
}

/// A built glossary matcher; build once, use for every text.
#[derive(Debug)]
pub struct Matcher {
    entries: Vec<Entry>,
    case_default: CaseRule,
    ac: Option<AhoCorasick>,
    keys: Vec<Vec<Key>>,
    folded_ac: Option<AhoCorasick>,
    folded_keys: Vec<Vec<Key>>,
}

#[derive(Debug, Clone)]
struct Candidate {
    start: usize, // NFC offsets
    end: usize,
    class: HitClass,
    entry: usize,
    target: String,
}

impl Matcher {
    /// Builds the automata for `glossary` (entries with status `forbidden`
    /// are not searched for: their targets are what verify flags).
    ///
    /// # Errors
    /// When the automaton cannot be built (beyond aho-corasick's size limits).
    pub fn new(
        glossary: &Glossary,
        case_default: CaseRule,
        diacritics: Diacritics,
    ) -> crate::Result<Matcher> {
        let entries = glossary.entries.clone();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut keys: Vec<Vec<Key>> = Vec::new();
        let mut findex: HashMap<String, usize> = HashMap::new();
        let mut fpatterns: Vec<String> = Vec::new();
        let mut fkeys: Vec<Vec<Key>> = Vec::new();
        let flag = diacritics == Diacritics::Flag;

        let mut add = |k: String, folded: bool, key: Key| {
            if k.trim().is_empty() {
                return;
            }
            let (index, patterns, keys) = if folded {
                (&mut findex, &mut fpatterns, &mut fkeys)
            } else {
                (&mut index, &mut patterns, &mut keys)
            };
            let slot = *index.entry(k.clone()).or_insert_with(|| {
                patterns.push(k);
                keys.push(Vec::new());
                patterns.len() - 1
            });
            keys[slot].push(key);
        };

        for (i, e) in entries.iter().enumerate() {
            if e.status == Status::Forbidden {
                continue;
            }
            let forms = std::iter::once(&e.source).chain(&e.variants);
            for form in forms {
                let (written, template, kind) = match e.kind {
                    EntryKind::Term => (form.clone(), None, KeyKind::Term),
                    EntryKind::Pattern => {
                        let Ok(t) = Template::parse(form, &e.slots) else {
                            continue;
                        };
                        let Some(Part::Lit(prefix)) = t.parts.first().cloned() else {
                            continue;
                        };
                        let rest = Template {
                            parts: t.parts[1..].to_vec(),
                        };
                        (prefix, Some(Arc::new(rest)), KeyKind::Pattern)
                    }
                };
                let cased = canon_tone(&written).0.into_owned();
                if flag {
                    add(
                        folded_key(&written),
                        true,
                        Key {
                            entry: i,
                            kind,
                            written: written.clone(),
                            cased: cased.clone(),
                            template: template.clone(),
                        },
                    );
                }
                add(
                    key(&written),
                    false,
                    Key {
                        entry: i,
                        kind,
                        written,
                        cased,
                        template,
                    },
                );
            }
            for s in &e.suspect {
                let cased = canon_tone(s).0.into_owned();
                add(
                    key(s),
                    false,
                    Key {
                        entry: i,
                        kind: KeyKind::Suspect,
                        written: s.clone(),
                        cased,
                        template: None,
                    },
                );
            }
        }
        let build = |pats: &[String]| -> crate::Result<Option<AhoCorasick>> {
            if pats.is_empty() {
                return Ok(None);
            }
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(pats)
                .map(Some)
                .map_err(|e| {
                    crate::Error::Glossary(format!("cannot build the glossary matcher: {e}"))
                })
        };
        Ok(Matcher {
            ac: build(&patterns)?,
            folded_ac: if flag { build(&fpatterns)? } else { None },
            keys,
            folded_keys: fkeys,
            entries,
            case_default,
        })
    }

    /// The glossary entries, indexed by [`Hit::index`].
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Finds every glossary term in `text` (see the module documentation).
    pub fn find(&self, text: &str) -> Matches {
        let (nfc, nfc_map) = nfc_with_map(text);
        let (canon, canon_map) = canon_tone(&nfc);
        let lower = lower_same_len(&canon);
        let mut cands: Vec<Candidate> = Vec::new();
        let mut misses: Vec<PatternMiss> = Vec::new();

        if let Some(ac) = &self.ac {
            for m in ac.find_overlapping_iter(lower.as_ref()) {
                let (s, e) = (m.start(), m.end());
                for k in &self.keys[m.pattern().as_usize()] {
                    if !on_boundaries(&canon, s, e, &k.cased) {
                        continue;
                    }
                    if !case_ok(self.case_rule(k.entry), &canon[s..e], &k.cased) {
                        continue;
                    }
                    let (ns, ne) = (canon_map.map(s), canon_map.map(e));
                    let class = match k.kind {
                        KeyKind::Suspect => HitClass::Suspect,
                        _ if nfc[ns..ne] == k.written => HitClass::Exact,
                        // Equal apart from case once tone placement is one: the
                        // tone placement differs if the lower-cased forms do.
                        _ if lower_same_len(&nfc[ns..ne]) != lower_same_len(&k.written) => {
                            HitClass::ToneVariant
                        }
                        _ => HitClass::CaseVariant,
                    };
                    self.push_candidate(&nfc, ns, ne, k, class, &mut cands, &mut misses);
                }
            }
        }

        if let Some(fac) = &self.folded_ac {
            let (folded, fmap) = fold_with_map(&nfc);
            for m in fac.find_overlapping_iter(&folded) {
                let (s, e) = (m.start(), m.end());
                let ascii_edge = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphanumeric);
                let (ns, ne) = (fmap[s] as usize, fmap[e] as usize);
                // Whole characters only, on syllable boundaries.
                if (s > 0 && fmap[s - 1] as usize == ns)
                    || (e < folded.len() && fmap[e] as usize == fmap[e - 1] as usize)
                {
                    continue;
                }
                let slice = &nfc[ns..ne];
                for k in &self.folded_keys[m.pattern().as_usize()] {
                    let first_alnum = k.written.chars().next().is_some_and(char::is_alphanumeric);
                    let last_alnum = k
                        .written
                        .chars()
                        .next_back()
                        .is_some_and(char::is_alphanumeric);
                    if (first_alnum && s > 0 && ascii_edge(folded.as_bytes().get(s - 1)))
                        || (last_alnum && ascii_edge(folded.as_bytes().get(e)))
                        || (first_alnum
                            && nfc[..ns]
                                .chars()
                                .next_back()
                                .is_some_and(char::is_alphanumeric))
                        || (last_alnum
                            && nfc[ne..].chars().next().is_some_and(char::is_alphanumeric))
                    {
                        continue;
                    }
                    // The same letters with their diacritics: a real hit, or one
                    // the case rule rejected; either way not a folded hit.
                    if key(slice) == key(&k.written) {
                        continue;
                    }
                    let fold_cased = |t: &str| crate::transliterate::to_ascii(t);
                    if !case_ok(
                        self.case_rule(k.entry),
                        &fold_cased(slice),
                        &fold_cased(&k.written),
                    ) {
                        continue;
                    }
                    let class = if has_diacritics(slice) {
                        HitClass::DiacriticMismatch
                    } else {
                        HitClass::AsciiSpan
                    };
                    // A misspelling is reported against the term whose words are
                    // misspelt (`Chị thị` → `Chỉ thị`), not against a pattern
                    // built on it, whose slot would hide the misspelt words.
                    if class == HitClass::DiacriticMismatch && k.kind == KeyKind::Pattern {
                        continue;
                    }
                    self.push_candidate(&nfc, ns, ne, k, class, &mut cands, &mut misses);
                }
            }
        }

        // Leftmost-longest among the candidates that passed every check.
        cands.sort_by(|a, b| {
            (a.start, std::cmp::Reverse(a.end), a.class.rank(), a.entry).cmp(&(
                b.start,
                std::cmp::Reverse(b.end),
                b.class.rank(),
                b.entry,
            ))
        });
        let mut hits = Vec::new();
        let mut last_end = 0;
        for c in cands {
            if c.start < last_end {
                continue;
            }
            last_end = c.end;
            let (start, end) = (nfc_map.map(c.start), nfc_map.map(c.end));
            hits.push(Hit {
                start,
                end,
                text: text[start..end].to_owned(),
                entry: self.entries[c.entry].source.clone(),
                target: c.target,
                class: c.class,
                index: c.entry,
            });
        }
        // A miss inside a chosen hit is not a miss (a longer term covered it).
        for m in &mut misses {
            m.start = nfc_map.map(m.start);
            m.end = nfc_map.map(m.end);
        }
        misses.retain(|m| !hits.iter().any(|h| h.start <= m.start && h.end >= m.end));
        misses.dedup_by(|a, b| a.start == b.start && a.index == b.index);
        Matches { hits, misses }
    }

    fn case_rule(&self, entry: usize) -> CaseRule {
        self.entries[entry].case.unwrap_or(self.case_default)
    }

    /// Completes a pattern after its literal beginning, then records the
    /// candidate (or the miss).
    #[allow(clippy::too_many_arguments)]
    fn push_candidate(
        &self,
        nfc: &str,
        ns: usize,
        ne: usize,
        k: &Key,
        class: HitClass,
        cands: &mut Vec<Candidate>,
        misses: &mut Vec<PatternMiss>,
    ) {
        let entry = &self.entries[k.entry];
        let Some(rest) = &k.template else {
            cands.push(Candidate {
                start: ns,
                end: ne,
                class,
                entry: k.entry,
                target: entry.approved_target().to_owned(),
            });
            return;
        };
        match extend(nfc, ne, rest) {
            Some((end, values)) => {
                let target = Template::parse(&entry.target, &entry.slots)
                    .map(|t| t.fill(&values))
                    .unwrap_or_else(|_| entry.target.clone());
                cands.push(Candidate {
                    start: ns,
                    end,
                    class,
                    entry: k.entry,
                    target,
                });
            }
            None => {
                if class.is_confident() {
                    misses.push(PatternMiss {
                        start: ns,
                        end: ne,
                        entry: entry.source.clone(),
                        index: k.entry,
                    });
                }
            }
        }
    }
}

/// Matches the parts of a pattern after its literal beginning, from byte
/// `pos` of `nfc`: the end and the slot values.
fn extend(nfc: &str, mut pos: usize, rest: &Template) -> Option<(usize, Vec<(String, String)>)> {
    let mut values = Vec::new();
    for part in &rest.parts {
        let tail = &nfc[pos..];
        match part {
            Part::Slot(name, ty, _) => {
                let len = ty.parse_at(tail)?;
                values.push((name.clone(), tail[..len].to_owned()));
                pos += len;
            }
            Part::Lit(lit) => {
                let end = lit.len();
                if !tail.is_char_boundary(end.min(tail.len())) || tail.len() < end {
                    return None;
                }
                if lower_same_len(&tail[..end]) != lower_same_len(lit) {
                    return None;
                }
                pos += end;
            }
        }
    }
    if let Some(Part::Lit(lit)) = rest.parts.last()
        && lit.chars().next_back().is_some_and(char::is_alphanumeric)
        && nfc[pos..].chars().next().is_some_and(char::is_alphanumeric)
    {
        return None;
    }
    Some((pos, values))
}

/// Whole syllables: where the term's edge is a letter or digit, the text
/// must not continue with one.
fn on_boundaries(text: &str, s: usize, e: usize, term: &str) -> bool {
    let first = term.chars().next().is_some_and(char::is_alphanumeric);
    let last = term.chars().next_back().is_some_and(char::is_alphanumeric);
    let joined_before = first && text[..s].chars().next_back().is_some_and(is_word_char);
    let joined_after = last && text[e..].chars().next().is_some_and(is_word_char);
    !joined_before && !joined_after
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
}

/// The case rule, letter by letter: `text` and `entry` are equal apart from
/// case (they matched lower-cased).
fn case_ok(rule: CaseRule, text: &str, entry: &str) -> bool {
    match rule {
        CaseRule::Insensitive => true,
        CaseRule::Sensitive => text == entry,
        CaseRule::Permissive => text
            .chars()
            .zip(entry.chars())
            .all(|(t, e)| !e.is_uppercase() || t == e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glossary::SlotType;

    fn glossary(entries: Vec<Entry>) -> Glossary {
        Glossary {
            entries,
            files: Vec::new(),
        }
    }

    fn matcher(entries: Vec<Entry>) -> Matcher {
        Matcher::new(&glossary(entries), CaseRule::Permissive, Diacritics::Flag).unwrap()
    }

    fn found(m: &Matcher, text: &str) -> Vec<(String, &'static str, String)> {
        m.find(text)
            .hits
            .into_iter()
            .map(|h| (h.text, h.class.name(), h.target))
            .collect()
    }

    fn t(s: &str, c: &'static str, tg: &str) -> (String, &'static str, String) {
        (s.to_owned(), c, tg.to_owned())
    }

    #[test]
    fn classes() {
        let mut ct = Entry::term("Chỉ thị", "Directive");
        ct.suspect = vec!["Chỉ thi".into()];
        let m = matcher(vec![
            Entry::term("Ban Bí thư", "Secretariat"),
            Entry::term("Ủy viên Bộ Chính trị", "Politburo member"),
            Entry::term("Bộ Chính trị", "Politburo"),
            Entry::term("cấp ủy", "Party committee"),
            ct,
        ]);
        assert_eq!(
            found(&m, "của Ban Bí thư."),
            [t("Ban Bí thư", "exact", "Secretariat")]
        );
        assert_eq!(
            found(&m, "Cấp ủy họp"),
            [t("Cấp ủy", "case-variant", "Party committee")]
        );
        assert_eq!(
            found(&m, "Uỷ viên Bộ Chính trị"),
            [t(
                "Uỷ viên Bộ Chính trị",
                "tone-variant",
                "Politburo member"
            )]
        );
        assert_eq!(found(&m, "UỶ VIÊN"), []);
        assert_eq!(
            found(&m, "Chị thị số 18"),
            [t("Chị thị", "diacritic-mismatch", "Directive")]
        );
        assert_eq!(
            found(&m, "Chỉ thi số 18"),
            [t("Chỉ thi", "suspect", "Directive")]
        );
        assert_eq!(
            found(&m, "cua Ban Bi thu hinh anh"),
            [t("Ban Bi thu", "ascii-span", "Secretariat")]
        );
        // Permissive case: the entry's capitals must be there.
        assert_eq!(found(&m, "ban bí thư"), []);
        assert_eq!(found(&m, "ban bi thu"), []);
    }

    #[test]
    fn strict_mode_reports_no_folded_classes() {
        let g = glossary(vec![Entry::term("Chỉ thị", "Directive")]);
        let m = Matcher::new(&g, CaseRule::Permissive, Diacritics::Strict).unwrap();
        assert!(m.find("Chị thị và Chi thi").hits.is_empty());
    }

    #[test]
    fn whole_syllables_and_case_rule() {
        let m = matcher(vec![
            Entry::term("Luật", "Law"),
            Entry::term("ng", "x"),
            Entry::term("TW", "Central"),
        ]);
        assert_eq!(found(&m, "pháp luật"), []);
        assert_eq!(found(&m, "Đảng"), []);
        assert_eq!(found(&m, "Luật Đất đai"), [t("Luật", "exact", "Law")]);
        assert_eq!(found(&m, "44-KL/TW"), [t("TW", "exact", "Central")]);
        assert_eq!(found(&m, "TWO"), []);
    }

    #[test]
    fn longest_wins_but_a_failed_longer_candidate_does_not_hide_a_shorter_one() {
        let mut long = Entry::term("Bộ trưởng Bộ Công an", "Minister of Public Security");
        long.case = Some(CaseRule::Sensitive);
        let m = matcher(vec![
            long,
            Entry::term("Bộ Công an", "Ministry of Public Security"),
            Entry::term("Bộ trưởng", "Minister"),
        ]);
        assert_eq!(
            found(&m, "Bộ trưởng Bộ Công an"),
            [t(
                "Bộ trưởng Bộ Công an",
                "exact",
                "Minister of Public Security"
            )]
        );
        // The long entry is case-sensitive and fails; the two shorter ones remain.
        assert_eq!(
            found(&m, "Bộ Trưởng Bộ Công an"),
            [
                t("Bộ Trưởng", "case-variant", "Minister"),
                t("Bộ Công an", "exact", "Ministry of Public Security")
            ]
        );
        // Boundary failure of the longer candidate.
        assert_eq!(
            found(&m, "Bộ trưởng Bộ Công anh"),
            [t("Bộ trưởng", "exact", "Minister")]
        );
    }

    #[test]
    fn nfd_input_offsets_point_into_the_input() {
        let m = matcher(vec![Entry::term(
            "Đảng ủy Công an Trung ương",
            "Central Public Security Party Committee",
        )]);
        let nfc = "Ngày 27/8, Đảng ủy Công an Trung ương tổ chức";
        let nfd: String = unicode_normalization::UnicodeNormalization::nfd(nfc).collect();
        for text in [nfc, nfd.as_str()] {
            let hits = m.find(text).hits;
            assert_eq!(hits.len(), 1);
            let h = &hits[0];
            assert_eq!(&text[h.start..h.end], h.text);
            assert!(h.text.starts_with('Đ') || h.text.starts_with('D'));
            assert_eq!(h.class, HitClass::Exact, "{text}");
        }
    }

    #[test]
    fn patterns() {
        let mut p = Entry::term("Kết luận số {code}", "Conclusion No. {code}");
        p.kind = EntryKind::Pattern;
        p.slots = vec![("code".into(), SlotType::Docnum)];
        p.variants = vec!["Kết luận {code}".into()];
        let mut k = Entry::term("Ban Bí thư khóa {n}", "Secretariat of the {n} tenure");
        k.kind = EntryKind::Pattern;
        k.slots = vec![("n".into(), SlotType::Roman)];
        let m = matcher(vec![
            p,
            k,
            Entry::term("Kết luận", "Conclusion"),
            Entry::term("Ban Bí thư", "Secretariat"),
        ]);
        assert_eq!(
            found(
                &m,
                "Kết luận số 44-KL/TW ngày 22/1/2019 của Ban Bí thư khoá XI về"
            ),
            [
                t("Kết luận số 44-KL/TW", "exact", "Conclusion No. 44-KL/TW"),
                t(
                    "Ban Bí thư khoá XI",
                    "tone-variant",
                    "Secretariat of the 11th tenure"
                ),
            ]
        );
        assert_eq!(
            found(&m, "Kết luận 45-KL/TW"),
            [t("Kết luận 45-KL/TW", "exact", "Conclusion No. 45-KL/TW")]
        );
        let r = m.find("Kết luận số mới của Ban Bí thư");
        assert_eq!(r.misses.len(), 1);
        assert_eq!(r.misses[0].entry, "Kết luận số {code}");
        assert_eq!(r.hits[0].text, "Kết luận");
        assert_eq!(
            found(&m, "Ket luan so 44-KL/TW"),
            [t(
                "Ket luan so 44-KL/TW",
                "ascii-span",
                "Conclusion No. 44-KL/TW"
            )]
        );
    }

    #[test]
    fn forbidden_status_entries_are_not_searched() {
        let mut f = Entry::term("Bộ Công an", "Ministry of Police");
        f.status = Status::Forbidden;
        let m = matcher(vec![f]);
        assert!(m.find("Bộ Công an").hits.is_empty());
    }
}
