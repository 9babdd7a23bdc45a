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
//! How: the text is put in NFC and ASCII-folded in lower case (with a map
//! back); Aho-Corasick automata of the entries' folded keys report the
//! candidates: the terms' (source, variants, misspellings, look-alikes;
//! [`super::automaton`]) leftmost-longest with every shorter key at the same
//! start, the patterns' (the literal beginning of each pattern) every
//! candidate, overlapping ones included. Each candidate must
//! sit on syllable boundaries (no letter or digit just outside an edge that
//! is a letter or digit). Then its text is compared with the entry by key
//! (NFC, one tone placement via [`super::text::canon_tone`], lower case):
//! equal keys make a real hit (exact, case-variant, tone-variant or
//! suspect) if the case rule allows it; other candidates are the
//! report-only classes, kept only with `diacritics = "flag"`: `ascii-span`
//! (the text has no diacritics: captions, slugs) and `diacritic-mismatch`
//! (the text has other diacritics: `Chị thị` for `Chỉ thị`). Only then does
//! leftmost-longest choose, so a failed longer candidate never hides a
//! valid shorter one, and a real hit of the same span wins over a folded one.
//!
//! A `diacritic-mismatch` candidate is dropped when it is a declared
//! look-alike of its entry, a listed compound word ([`super::words`]) or
//! straddles word boundaries (`ra quân triệt phá`), or follows a family
//! name (`Phạm Thị Trân`), or is a document type with no number after it.
//! Dashes compare alike (`Bà Rịa – Vũng Tàu`), and nothing is found glued
//! into a document code (`279/TTr-HĐND`). After the choice, each confident
//! or `ascii-span` hit is looked at in its context: `partial` (after
//! `Phó`/`Thứ`/`Quyền` or the head noun of a longer name, `Ban Chấp hành`,
//! or continued by a capitalised syllable into a longer name, or ending
//! inside a compound word, `Đại hội Đảng bộ`, or that continuation), else
//! `unnumbered` (an entry with `needs = "number"` and no number after it).
//! Both are report-only. The rules are documented in `docs/glossary.md`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use ustr::Ustr;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Serialize;

use super::automaton::Terms;
use super::pattern::{Part, SlotType, Template};
use super::settings::{CaseRule, Diacritics};
use super::text::{
    OffsetMap, canon_tone, fold_lower_small, fold_with_map_into, folded_key, has_diacritics,
    is_alnum, is_lower, is_upper, key, lower_char, nfc_with_map, words,
};
use super::{Entry, EntryKind, Glossary, Status};

pub use crate::document::{Hit, HitClass};

/// Selection rank among candidates of the same span (lower wins).
fn rank(class: HitClass) -> u8 {
    match class {
        // The last two are given after the choice, never to candidates.
        HitClass::Exact
        | HitClass::CaseVariant
        | HitClass::ToneVariant
        | HitClass::Partial
        | HitClass::Unnumbered => 0,
        HitClass::Suspect => 1,
        HitClass::AsciiSpan => 2,
        HitClass::DiacriticMismatch => 3,
    }
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
    /// A real word that folds like the entry: blocks its `diacritic-mismatch`.
    LookAlike,
}

/// One automaton pattern's meaning. Everything a check reads is in the key
/// itself (one allocation for its three spellings), so that checking a
/// candidate touches little memory even with 100,000 entries.
#[derive(Debug)]
struct Key {
    entry: usize,
    kind: KeyKind,
    case: CaseRule,
    /// The entry has `needs = "number"`.
    needs_number: bool,
    /// Does `written` begin / end with a letter or digit (so that the text
    /// must not continue with one there)?
    edges: (bool, bool),
    /// `written` is one word (no white space): never reported as
    /// misspelt, since every Vietnamese syllable folds like several real
    /// ones (`Huệ`, a given name, folds like `Huế`).
    one_word: bool,
    /// Has the ASCII fold of `written` a capital letter? If not, the
    /// permissive case rule passes every folded candidate.
    fold_upper: bool,
    /// `written`, `cased` and `lkey` back to back.
    spellings: Box<str>,
    written_len: usize,
    cased_len: usize,
    /// The entry's source and approved target, shared by every hit.
    source: Ustr,
    target: Ustr,
    /// The rest of a pattern after its literal beginning.
    template: Option<Arc<Template>>,
}

impl Key {
    /// The form as written (NFC); for a pattern, its literal beginning.
    fn written(&self) -> &str {
        &self.spellings[..self.written_len]
    }

    /// `written` in canonical tone placement, case kept.
    fn cased(&self) -> &str {
        &self.spellings[self.written_len..self.written_len + self.cased_len]
    }

    /// `written`'s matching key (canonical tone placement, lower case).
    fn lkey(&self) -> &str {
        &self.spellings[self.written_len + self.cased_len..]
    }
}

/// A built glossary matcher; build once, use for every text.
///
/// Keys are ASCII-folded and lower-cased: a real hit (same letters and
/// diacritics once tone placement and case are set aside) always folds to
/// its entry's key, so one search finds both real and folded candidates,
/// and one key comparison tells them apart.
///
/// Terms are searched leftmost-longest (one candidate per position in the
/// common case, which is what keeps matching fast with 100,000 entries);
/// when the longest candidate at a position fails its checks, the shorter
/// keys starting there are tried in turn (each key's longest proper prefix
/// that is a key, [`super::automaton`]: no second search), then the
/// search moves on by one byte: the result is exactly a greedy
/// leftmost-longest choice among the candidates that pass. Pattern entries
/// (few) have their own automaton, searched with every overlapping
/// candidate, since a pattern's end is only known after its slots parse.
#[derive(Debug)]
pub struct Matcher {
    entries: Vec<Entry>,
    flag: bool,
    /// Terms, variants, misspellings and look-alikes (leftmost-longest,
    /// with the shorter keys at a match's start).
    terms: Option<Terms>,
    term_keys: Keys,
    /// Does any term key start with something other than a letter or digit?
    loose_start: bool,
    /// The literal beginnings of patterns (standard, overlapping).
    patterns: Option<AhoCorasick>,
    pattern_keys: Keys,
}

/// Keys by automaton pattern id, stored flat.
#[derive(Debug, Default)]
struct Keys {
    keys: Vec<Key>,
    /// Per pattern id: the range of its keys in `keys`.
    ranges: Vec<(u32, u32)>,
}

impl Keys {
    fn of(&self, pattern: usize) -> &[Key] {
        let (a, b) = self.ranges[pattern];
        &self.keys[a as usize..b as usize]
    }
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    start: usize, // NFC offsets
    end: usize,
    /// The folded offset of `end` when known (a term: the automaton
    /// match's end), else 0 (a pattern, whose end is found in the NFC text).
    fend: usize,
    class: HitClass,
    entry: usize,
    source: Ustr,
    target: Ustr,
    needs_number: bool,
    /// A pattern's hit that ends with its slot (a number or a code, which
    /// closes the name: nothing after it continues it).
    closed: bool,
}

impl Candidate {
    /// Leftmost, then longest, then the surer class, then the first entry.
    fn order(&self) -> (usize, std::cmp::Reverse<usize>, u8, usize) {
        (
            self.start,
            std::cmp::Reverse(self.end),
            rank(self.class),
            self.entry,
        )
    }
}

/// Keys to automaton patterns, deduplicated.
#[derive(Default)]
struct KeySet {
    index: HashMap<String, usize>,
    patterns: Vec<String>,
    keys: Vec<Vec<Key>>,
}

impl KeySet {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        written: String,
        entry: usize,
        kind: KeyKind,
        case: CaseRule,
        shared: &(Ustr, Ustr, bool),
        template: Option<Arc<Template>>,
    ) {
        let folded = folded_key(&written);
        if folded.trim().is_empty() {
            return;
        }
        let slot = *self.index.entry(folded.clone()).or_insert_with(|| {
            self.patterns.push(folded);
            self.keys.push(Vec::new());
            self.patterns.len() - 1
        });
        let edges = (
            written.chars().next().is_some_and(char::is_alphanumeric),
            written
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric),
        );
        let cased = canon_tone(&written).0.into_owned();
        let lkey = key(&written);
        self.keys[slot].push(Key {
            entry,
            kind,
            case,
            needs_number: shared.2,
            edges,
            one_word: !written.contains(char::is_whitespace),
            fold_upper: written
                .chars()
                .flat_map(|c| crate::transliterate::fold_char(c).chars())
                .any(|c| c.is_ascii_uppercase()),
            spellings: format!("{written}{cased}{lkey}").into_boxed_str(),
            written_len: written.len(),
            cased_len: cased.len(),
            source: shared.0,
            target: shared.1,
            template,
        });
    }

    /// The keys, flat, with their ranges by pattern id.
    fn flatten(self) -> Keys {
        let mut out = Keys::default();
        for slot in self.keys {
            let a = out.keys.len() as u32;
            out.keys.extend(slot);
            out.ranges.push((a, out.keys.len() as u32));
        }
        out
    }

    /// The terms' automaton.
    fn build_terms(&self) -> crate::Result<Option<Terms>> {
        Terms::build(&self.patterns)
    }

    /// The patterns' automaton (standard semantics, searched overlapping).
    fn build_patterns(&self) -> crate::Result<Option<AhoCorasick>> {
        if self.patterns.is_empty() {
            return Ok(None);
        }
        AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&self.patterns)
            .map(Some)
            .map_err(|e| crate::Error::Glossary(format!("cannot build the glossary matcher: {e}")))
    }
}

/// Buffers reused from one search to the next on the same thread.
#[derive(Default)]
struct Scratch {
    folded: Vec<u8>,
    fmap: Vec<u32>,
    found: Vec<Candidate>,
}

thread_local! {
    static SCRATCH: std::cell::Cell<Scratch> = std::cell::Cell::new(Scratch::default());
}

/// The text views one search works on.
struct View<'t> {
    nfc: &'t str,
    folded: Vec<u8>,
    /// Folded byte offset -> NFC byte offset of the character it came from.
    fmap: Vec<u32>,
}

impl Matcher {
    /// Builds the automata for `glossary` (entries with status `forbidden`
    /// are not searched for: their targets are what verify flags).
    ///
    /// # Errors
    /// When an automaton cannot be built (beyond its crate's size limits).
    pub fn new(
        glossary: &Glossary,
        case_default: CaseRule,
        diacritics: Diacritics,
    ) -> crate::Result<Matcher> {
        let mut terms = KeySet::default();
        let mut patterns = KeySet::default();
        for (i, e) in glossary.entries.iter().enumerate() {
            if e.status == Status::Forbidden {
                continue;
            }
            let case = e.case.unwrap_or(case_default);
            let shared = (
                Ustr::from(e.source.as_str()),
                Ustr::from(e.approved_target()),
                e.needs == Some(super::Needs::Number) && e.kind == EntryKind::Term,
            );
            for form in std::iter::once(&e.source).chain(&e.variants) {
                match e.kind {
                    EntryKind::Term => {
                        terms.add(form.clone(), i, KeyKind::Term, case, &shared, None)
                    }
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
                        patterns.add(
                            prefix,
                            i,
                            KeyKind::Pattern,
                            case,
                            &shared,
                            Some(Arc::new(rest)),
                        );
                    }
                }
            }
            for s in &e.suspect {
                terms.add(s.clone(), i, KeyKind::Suspect, case, &shared, None);
            }
            for s in &e.look_alikes {
                terms.add(s.clone(), i, KeyKind::LookAlike, case, &shared, None);
            }
        }
        let loose_start = terms.keys.iter().flatten().any(|k| !k.edges.0);
        if diacritics == Diacritics::Flag && !terms.patterns.is_empty() {
            // `diacritic-mismatch` candidates are looked up in the word list.
            super::words::prepare();
        }
        // The automata first, each key set's index dropped before: the
        // builders' memory is the peak, and the entries are copied after.
        terms.index = HashMap::new();
        patterns.index = HashMap::new();
        let term_automaton = terms.build_terms()?;
        let pattern_automaton = patterns.build_patterns()?;
        Ok(Matcher {
            terms: term_automaton,
            patterns: pattern_automaton,
            term_keys: terms.flatten(),
            pattern_keys: patterns.flatten(),
            loose_start,
            entries: glossary.entries.clone(),
            flag: diacritics == Diacritics::Flag,
        })
    }

    /// The glossary entries, indexed by [`Hit::index`].
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Finds every glossary term in `text` (see the module documentation).
    // Out of line (one call per segment): profiles and the cache
    // simulation in docs/benchmarks.md attribute the search to it.
    #[inline(never)]
    pub fn find(&self, text: &str) -> Matches {
        if self.terms.is_none() && self.patterns.is_none() {
            return Matches::default();
        }
        let mut scratch = SCRATCH.with(|s| s.take());
        let (mut folded, mut fmap) = (
            std::mem::take(&mut scratch.folded),
            std::mem::take(&mut scratch.fmap),
        );
        // Fold first: the fold tells whether the text is surely NFC (news
        // copy almost always is), which saves a pass over it; else
        // normalise, and fold the normalised text.
        let (nfc, nfc_map) = if fold_with_map_into(text, &mut folded, &mut fmap) {
            (Cow::Borrowed(text), OffsetMap::identity())
        } else {
            let (nfc, map) = nfc_with_map(text);
            fold_with_map_into(&nfc, &mut folded, &mut fmap);
            (nfc, map)
        };
        let view = View {
            nfc: &nfc,
            folded,
            fmap,
        };

        // Every valid pattern candidate (patterns are few).
        let mut pcands: Vec<Candidate> = Vec::new();
        let mut misses: Vec<PatternMiss> = Vec::new();
        if let Some(ac) = &self.patterns {
            for m in ac.find_overlapping_iter(&view.folded[..]) {
                self.check(
                    &view,
                    m.start(),
                    m.end(),
                    self.pattern_keys.of(m.pattern().as_usize()),
                    &mut pcands,
                    &mut misses,
                );
            }
        }
        pcands.sort_by_key(Candidate::order);

        // Greedy leftmost-longest over terms and patterns together.
        let mut hits: Vec<Hit> = Vec::with_capacity(text.len() / 24 + 1);
        let mut pos = 0; // NFC offset
        let mut fcur = 0; // the first folded offset at or after `pos`
        let mut pi = 0;
        let mut next_term: Option<Option<Candidate>> = None; // None: not searched yet
        // Where the continuation of the last partial hit starts (NFC).
        let mut continued_at: Option<usize> = None;
        loop {
            while pcands.get(pi).is_some_and(|c| c.start < pos) {
                pi += 1;
            }
            if matches!(&next_term, Some(Some(t)) if t.start < pos) {
                next_term = None;
            }
            if next_term.is_none() {
                // `pos` only grows: walk the folded offset forward to it.
                while fcur < view.fmap.len() && (view.fmap[fcur] as usize) < pos {
                    fcur += 1;
                }
                next_term = Some(self.next_term(&view, fcur, &mut scratch.found));
            }
            let take_pattern = match (pcands.get(pi), next_term.as_ref().and_then(Option::as_ref)) {
                (None, None) => break,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (Some(p), Some(t)) => p.order() <= t.order(),
            };
            let pick = if take_pattern {
                pcands[pi]
            } else {
                next_term.take().flatten().expect("a term candidate")
            };
            pos = pick.end;
            if pick.fend != 0 {
                // The first folded offset of the text after the term.
                fcur = pick.fend;
            }
            let mut class = context_class(&view, &pick, &mut continued_at);
            if class.is_confident() && self.crossed_by_longer(&view, &pick) {
                // `Tòa án nhân dân Thành phố` + `Hồ Chí Minh`: the name
                // after it is the place's, not the President's.
                class = HitClass::Partial;
                continued_at = syllable_after(view.nfc, pick.end).map(|(s, _)| s);
            }
            let (start, end) = (nfc_map.map(pick.start), nfc_map.map(pick.end));
            hits.push(Hit {
                start,
                end,
                entry: pick.source,
                target: pick.target,
                class,
                index: pick.entry,
            });
        }
        scratch.folded = view.folded;
        scratch.fmap = view.fmap;
        SCRATCH.with(|s| s.replace(scratch));
        for m in &mut misses {
            m.start = nfc_map.map(m.start);
            m.end = nfc_map.map(m.end);
        }
        // A miss inside a chosen hit is not a miss (a longer term covered it).
        misses.sort_by_key(|m| (m.start, m.index));
        super::pattern::drop_covered(&mut misses, &hits);
        misses.dedup_by(|a, b| a.start == b.start && a.index == b.index);
        Matches { hits, misses }
    }

    /// The leftmost-longest valid term candidate starting at or after
    /// folded offset `from`.
    fn next_term(
        &self,
        view: &View<'_>,
        mut from: usize,
        found: &mut Vec<Candidate>,
    ) -> Option<Candidate> {
        let terms = self.terms.as_ref()?;
        let hay = &view.folded[..];
        // Terms have no pattern misses.
        let mut unused = Vec::new();
        while from < hay.len() {
            let mut m = terms.find(hay, from)?;
            let p = m.start;
            found.clear();
            self.check(view, p, m.end, self.term_keys.of(m.key), found, &mut unused);
            if let Some(best) = take_valid(view, found) {
                return Some(best);
            }
            // Shorter keys at the same start, longest first, unless the start
            // itself cannot be a term start (inside a word or a character).
            let ns = view.fmap[p] as usize;
            let start_ok = !(p > 0 && view.fmap[p - 1] as usize == ns)
                && (self.loose_start || !word_before(view.nfc, ns));
            while start_ok && let Some(m2) = terms.shorter(m) {
                self.check(
                    view,
                    p,
                    m2.end,
                    self.term_keys.of(m2.key),
                    found,
                    &mut unused,
                );
                if let Some(best) = take_valid(view, found) {
                    return Some(best);
                }
                m = m2;
            }
            from = self.next_start(view, p + 1);
        }
        None
    }

    /// Does a longer term start at a syllable inside the confident term hit
    /// `c` and end beyond it (`Thành phố Hồ Chí Minh` inside `Tòa án nhân dân
    /// Thành phố` + `Hồ Chí Minh`)? Then `c` is only part of that name.
    /// Looked for only when a person's name seems to follow the hit.
    fn crossed_by_longer(&self, view: &View<'_>, c: &Candidate) -> bool {
        let (nfc, fmap) = (view.nfc, &view.fmap[..]);
        let Some(terms) = self.terms.as_ref() else {
            return false;
        };
        // Only where a person's name seems to follow (a place's name would
        // have made the hit partial already): `Hồ Chí Minh`.
        if c.fend == 0
            || !nfc[c.end..]
                .strip_prefix([' ', '\u{a0}'])
                .and_then(|r| r.chars().next())
                .is_some_and(is_upper)
            || !syllable_after(nfc, c.end).is_some_and(|w| person_at(nfc, w))
        {
            return false;
        }
        let hay = &view.folded[..];
        let mut found = Vec::new();
        let mut unused = Vec::new();
        // A crossing term covers the hit's last one or two syllables (`tỉnh
        // Bắc Giang`, `Thành phố Hồ Chí Minh`).
        let spaces = nfc[c.start..c.end].rmatch_indices([' ', '\u{a0}']).take(2);
        for (i, space) in spaces {
            let p = c.start + i + space.len();
            let fp = fmap.partition_point(|&m| (m as usize) < p);
            let Some(m) = terms.longest_at(hay, fp) else {
                continue;
            };
            if m.end <= c.fend {
                continue;
            }
            found.clear();
            self.check(
                view,
                fp,
                m.end,
                self.term_keys.of(m.key),
                &mut found,
                &mut unused,
            );
            if take_valid(view, &mut found).is_some_and(|l| l.class.is_confident() && l.end > c.end)
            {
                return true;
            }
        }
        false
    }

    /// The first folded offset at or after `from` where a term can start:
    /// not inside the fold of one character, and, when every term key
    /// starts with a letter or digit, not right after one. A search from a
    /// position that cannot start a term finds candidates that every check
    /// rejects (inside the syllables of a dropped candidate, typically).
    fn next_start(&self, view: &View<'_>, mut from: usize) -> usize {
        let fmap = &view.fmap;
        while from < view.folded.len() {
            let ns = fmap[from] as usize;
            let inside = from > 0 && fmap[from - 1] as usize == ns;
            if !inside && (self.loose_start || !word_before(view.nfc, ns)) {
                break;
            }
            from += 1;
        }
        from
    }

    /// Checks the keys of one automaton match (folded span `[s, e)`) and
    /// pushes the candidates that pass.
    fn check(
        &self,
        view: &View<'_>,
        s: usize,
        e: usize,
        keys: &[Key],
        cands: &mut Vec<Candidate>,
        misses: &mut Vec<PatternMiss>,
    ) {
        let (fmap, nfc) = (&view.fmap, view.nfc);
        let (ns, ne) = (fmap[s] as usize, fmap[e] as usize);
        // Whole characters only (a character may fold to several letters).
        if (s > 0 && fmap[s - 1] as usize == ns)
            || (e < view.folded.len() && fmap[e] == fmap[e - 1])
        {
            return;
        }
        // Nothing inside a document code (`279/TTr-HĐND`, `12/TTr-UBND`).
        if in_code(nfc, ns) {
            return;
        }
        let slice = &nfc[ns..ne];
        let before = word_before(nfc, ns);
        let after = word_after(nfc, ne);
        // The slice in canonical tone placement, computed once.
        let mut slice_cased: Option<Cow<'_, str>> = None;
        // Candidates pushed from here on; entries whose declared look-alike
        // the slice is.
        let first = cands.len();
        let mut looks_alike: Vec<usize> = Vec::new();
        // Two passes over the keys: the real hits (exact, case-, tone-variant,
        // suspect) first, then the folded classes, which rank below any real
        // hit of the same span: for a term they are worked out only when no
        // real hit was found (a pattern's candidates end where its slots
        // end, so every one of them is kept).
        let term = keys.first().is_some_and(|k| k.template.is_none());
        let mut folded_left = false;
        for folded_pass in [false, true] {
            if folded_pass && !(folded_left && (!term || cands.len() == first)) {
                break;
            }
            for k in keys {
                if (k.edges.0 && before) || (k.edges.1 && after) {
                    continue;
                }
                if k.kind == KeyKind::LookAlike {
                    if folded_pass {
                        continue;
                    }
                    let cased = slice_cased.get_or_insert_with(|| canon_tone(slice).0);
                    if eq_lower(cased, k.lkey()) {
                        looks_alike.push(k.entry);
                    }
                    continue;
                }
                // The common case, exactly as written, passes every case rule.
                if same_bytes(slice.as_bytes(), k.written().as_bytes()) {
                    if folded_pass {
                        continue;
                    }
                    let class = if k.kind == KeyKind::Suspect {
                        HitClass::Suspect
                    } else {
                        HitClass::Exact
                    };
                    self.push_candidate(nfc, (ns, ne, e), k, class, cands, misses);
                    continue;
                }
                let cased = slice_cased.get_or_insert_with(|| canon_tone(slice).0);
                let rule = k.case;
                let class = if eq_lower(cased, k.lkey()) {
                    // The same letters and diacritics: a real hit, if the case
                    // rule allows it (if not, not a folded hit either).
                    if folded_pass || !case_ok(rule, cased, k.cased()) {
                        continue;
                    }
                    match k.kind {
                        KeyKind::Suspect => HitClass::Suspect,
                        // Dashes alike (`Bà Rịa – Vũng Tàu`).
                        _ if same_but_dashes(slice, k.written()) => HitClass::Exact,
                        // Equal apart from case once tone placement is one: the
                        // tone placement differs if the lower-cased forms do.
                        _ if !eq_lower(slice, k.written()) => HitClass::ToneVariant,
                        _ => HitClass::CaseVariant,
                    }
                } else {
                    if !self.flag || k.kind == KeyKind::Suspect {
                        continue;
                    }
                    if !folded_pass {
                        folded_left = true;
                        continue;
                    }
                    let Some(class) = folded_class(nfc, (ns, ne), slice, k) else {
                        continue;
                    };
                    class
                };
                self.push_candidate(nfc, (ns, ne, e), k, class, cands, misses);
            }
        }
        if !looks_alike.is_empty() {
            let mut i = first;
            while i < cands.len() {
                if matches!(
                    cands[i].class,
                    HitClass::DiacriticMismatch | HitClass::AsciiSpan
                ) && looks_alike.contains(&cands[i].entry)
                {
                    cands.swap_remove(i);
                } else {
                    i += 1;
                }
            }
        }
    }

    /// Completes a pattern after its literal beginning, then records the
    /// candidate (or the miss).
    #[allow(clippy::too_many_arguments)]
    fn push_candidate(
        &self,
        nfc: &str,
        (ns, ne, fe): (usize, usize, usize),
        k: &Key,
        class: HitClass,
        cands: &mut Vec<Candidate>,
        misses: &mut Vec<PatternMiss>,
    ) {
        let Some(rest) = &k.template else {
            if number_takes_so(nfc, k.lkey(), ne) {
                return;
            }
            cands.push(Candidate {
                start: ns,
                end: ne,
                fend: fe,
                class,
                entry: k.entry,
                source: k.source,
                target: k.target,
                needs_number: k.needs_number,
                closed: false,
            });
            return;
        };
        self.push_pattern(nfc, (ns, ne), k, rest, class, cands, misses);
    }

    /// [`Self::push_candidate`] for a pattern's literal beginning: completes
    /// its slots. Out of line: most candidates are terms, and their path
    /// keeps a small stack frame (this one's is over a kilobyte).
    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    fn push_pattern(
        &self,
        nfc: &str,
        (ns, ne): (usize, usize),
        k: &Key,
        rest: &Template,
        class: HitClass,
        cands: &mut Vec<Candidate>,
        misses: &mut Vec<PatternMiss>,
    ) {
        let entry = &self.entries[k.entry];
        match extend(nfc, ne, rest) {
            // A number that counts (`Kế hoạch 5 năm`) is no document's.
            Some((end, _)) if unit_after(nfc, end) => {}
            Some((end, values)) => {
                let target = Template::parse(&entry.target, &entry.slots)
                    .map(|t| t.fill(&values))
                    .unwrap_or_else(|_| entry.target.clone());
                cands.push(Candidate {
                    start: ns,
                    end,
                    fend: 0,
                    class,
                    entry: k.entry,
                    source: k.source,
                    target: target.into(),
                    needs_number: false,
                    closed: matches!(rest.parts.last(), Some(Part::Slot(..))),
                });
            }
            None => {
                // Only an attempted value that does not parse is a finding
                // (`Kết luận số 44 KL`); `Chỉ thị về…` is just the words, and
                // a value that parses followed by other words than the
                // pattern's is another phrase (`chuẩn bị Đại hội 14.` for
                // `Đại hội {n} của Đảng`).
                let attempted = match (rest.parts.first(), nfc[ne..].chars().next()) {
                    (Some(Part::Slot(_, ty, _)), Some(c)) => {
                        // A digit after a Roman slot is no attempt at a
                        // Roman numeral (`sinh viên khóa 65`, a student intake).
                        // Nor a word (`Đại hội Thi đua … lần thứ I`): a Roman
                        // attempt is a run of Roman letters.
                        let roman = || {
                            nfc[ne..]
                                .split(|c: char| !is_alnum(c))
                                .next()
                                .is_some_and(|w| w.bytes().all(|b| b"IVXLCDM".contains(&b)))
                        };
                        let looks = match ty {
                            SlotType::Roman => c.is_ascii_uppercase() && roman(),
                            SlotType::Numeral => {
                                c.is_ascii_digit() || (c.is_ascii_uppercase() && roman())
                            }
                            _ => c.is_ascii_digit(),
                        };
                        looks && ty.parse_value_at(&nfc[ne..]).is_none() && !quantity_at(&nfc[ne..])
                    }
                    _ => false,
                };
                if class.is_confident() && attempted {
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

/// The report-only class of a candidate whose letters are the key's only
/// once folded (`diacritic-mismatch` or `ascii-span`), or `None` when the
/// rules drop it. Out of line: [`Matcher::check`]'s common path (a real
/// hit) stays small.
#[inline(never)]
fn folded_class(nfc: &str, (ns, ne): (usize, usize), slice: &str, k: &Key) -> Option<HitClass> {
    let class = if has_diacritics(slice) {
        HitClass::DiacriticMismatch
    } else {
        HitClass::AsciiSpan
    };
    // A misspelling is reported against the term whose words are
    // misspelt (`Chị thị` → `Chỉ thị`), not against a pattern
    // built on it, whose slot would hide the misspelt words.
    // Nor against a one-word term: its fold is the fold of
    // several real syllables (`Huệ` for `Huế`).
    if class == HitClass::DiacriticMismatch && (k.kind == KeyKind::Pattern || k.one_word) {
        return None;
    }
    // An unaccented one-word span right after an accented
    // syllable is a real word of accented copy (`Tình báo Anh:`,
    // Britain, is no `Ảnh:`).
    // Likewise a longer one with an accented syllable right
    // before or after it (`thành phố Nha Trang` is no `Nhà Trắng`).
    if class == HitClass::AsciiSpan
        && (accented_before(nfc, ns) || (!k.one_word && accented_after(nfc, ne)))
    {
        return None;
    }
    // A person's name (`Phạm Thị Trân` is no `thị trấn`), or a
    // document type without its number, is no misspelt term.
    if class == HitClass::DiacriticMismatch
        && ((k.needs_number && !number_follows(nfc, ns, ne)) || after_family_name(nfc, ns))
    {
        return None;
    }
    if (k.case != CaseRule::Permissive || k.fold_upper)
        && !case_ok_folded(k.case, slice, k.written())
    {
        return None;
    }
    Some(class)
}

/// The class of a chosen hit in its context. A confident or `ascii-span` hit
/// becomes [`HitClass::Partial`] when a title modifier precedes it, when a
/// capitalised syllable continues it (not a person's name, not a Roman
/// numeral), or when it is that continuation of the previous partial hit
/// (`continued_at`, updated here); else [`HitClass::Unnumbered`] when its
/// entry needs a number and none follows.
fn context_class(view: &View<'_>, c: &Candidate, continued_at: &mut Option<usize>) -> HitClass {
    let nfc = view.nfc;
    let chained = continued_at.take() == Some(c.start);
    if !(c.class.is_confident() || c.class == HitClass::AsciiSpan) {
        return c.class;
    }
    // A pattern's hit that ends with its number or code is closed by it:
    // what follows (`Nghị quyết số 01/2007/NQ-HĐTP TANDTC`, the issuer)
    // does not continue it; one that ends with words (`Đại hội XX của
    // Đảng` before `Cộng sản Trung Quốc`) may be continued.
    let next = if c.closed {
        None
    } else {
        continuation(view, c.start, c.end, c.fend)
    };
    if chained
        || next.is_some()
        || modifier_before(nfc, c.start, c.class == HitClass::AsciiSpan)
        || (c.class.is_confident() && head_before(nfc, c.start))
        || (nfc.as_bytes()[..c.start].last() == Some(&b'(')
            && c.class.is_confident()
            && initials_before(nfc, c.start, c.end))
    {
        *continued_at = next;
        return HitClass::Partial;
    }
    if c.needs_number && !number_follows(nfc, c.start, c.end) {
        return HitClass::Unnumbered;
    }
    c.class
}

/// Is the acronym `nfc[start..end]`, in brackets, the initials of the words
/// right before the bracket (`Ủy ban Thường vụ Quốc hội (UBTVQH)`, `Viện
/// kiểm sát nhân dân (VKSND)`)? Then it is that name again, introduced for
/// later: translating it too repeats the name. Capitals only (`Đ` as `D`);
/// `KH&CN` and the like are not compared.
fn initials_before(nfc: &str, start: usize, end: usize) -> bool {
    let acronym = &nfc[start..end];
    if !nfc[end..].starts_with(')') || !(2..=8).contains(&acronym.chars().count()) {
        return false;
    }
    let mut at = start - 1;
    for a in acronym.chars().rev() {
        let Some(s) = syllable_before(nfc, at) else {
            return false;
        };
        let first = nfc[s..].chars().next().unwrap_or(' ');
        if !is_upper(a) || !first_letters_alike(a, first) {
            return false;
        }
        at = s;
    }
    true
}

/// Do two letters fold to the same ASCII letter, in any case (`Đ`, `đ`, `D`)?
fn first_letters_alike(a: char, b: char) -> bool {
    let fa = crate::transliterate::fold_char(a).bytes().next();
    let fb = crate::transliterate::fold_char(b).bytes().next();
    fa.is_some() && fa.map(|x| x.to_ascii_lowercase()) == fb.map(|x| x.to_ascii_lowercase())
}

/// Has the syllable right before `start` (in the same clause: one space
/// between) diacritics? What follows may be a name in accented copy even
/// in an unaccented line (`Anh: Phạm Kiên/TTXVN`), so only what comes
/// before tells.
fn accented_before(nfc: &str, start: usize) -> bool {
    syllable_before(nfc, start).is_some_and(|s| has_diacritics(&nfc[s..start]))
}

/// Has the syllable right after `end` (one space between) diacritics?
fn accented_after(nfc: &str, end: usize) -> bool {
    syllable_after(nfc, end).is_some_and(|(s, e)| has_diacritics(&nfc[s..e]))
}

/// Does byte `start` follow a `-` glued to a token with a digit
/// (`279/TTr-HĐND`, `34/2016/NQ-HĐND`), or a `/` glued to a digit
/// (`12/UBND-VX`)? A term there is part of a document code, not a hit
/// (`HĐND-UBND`, without a digit, is two terms; the issuer after the type,
/// `44-KL/TW`, is still read).
fn in_code(nfc: &str, start: usize) -> bool {
    let b = nfc.as_bytes();
    match b[..start] {
        [.., b'-'] => {}
        [.., d, b'/'] => return d.is_ascii_digit(),
        _ => return false,
    }
    // The token before: back to white space (codes are short).
    b[..start - 1]
        .iter()
        .rev()
        .take(40)
        .take_while(|c| !c.is_ascii_whitespace() && **c != 0xA0)
        .any(u8::is_ascii_digit)
        && !year_glued_to_a_word(nfc, start)
}

/// Is the hit at `start` a word in lower and upper case glued by a hyphen
/// to a bare number (`Trong năm 2024-Chính phủ`, a missing space)? A
/// code's part after a number is in capitals (`79-NQ/TW`).
fn year_glued_to_a_word(nfc: &str, start: usize) -> bool {
    let number = nfc[..start - 1]
        .rsplit([' ', '\u{a0}'])
        .next()
        .is_some_and(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()));
    number
        && nfc[start..]
            .split([' ', '\u{a0}', '/', '-'])
            .next()
            .is_some_and(|w| w.chars().any(is_lower))
}

/// Is the syllable right before `start` a capitalised family name, and the
/// text at `start` capitalised (`Phạm Thị Trân`, `Trương Công Diện`): a
/// person's name?
fn after_family_name(nfc: &str, start: usize) -> bool {
    nfc[start..].chars().next().is_some_and(is_upper)
        && syllable_before(nfc, start).is_some_and(|s| {
            let word = nfc[s..start].trim_end_matches([' ', '\u{a0}']);
            word.chars().next().is_some_and(is_upper) && is_surname(word)
        })
}

/// The head nouns of official names, lower case (either tone placement of
/// `ủy`, `tòa`): a confident hit right after one, capitalised, is only part
/// of the name (`Ban Chấp hành Đảng bộ tỉnh`, `Nhà Quốc hội`, `Báo CAND`),
/// and so is one after the head of a unit or a title that is not itself a
/// hit (`Cục Cảnh sát kinh tế`, `Phòng CSGT`, `Văn phòng Cơ quan Cảnh sát
/// điều tra`, `Trưởng Ban …`, `Tòa nhà Quốc hội`, `Đảng ủy UBND tỉnh`).
const HEADS: [&str; 35] = [
    "ban",
    "báo",
    "bộ",
    "cục",
    "nhà",
    "phòng",
    "sở",
    "trưởng",
    "trường",
    "viện",
    "vụ",
    "đoàn",
    "ban cán sự đảng",
    "bộ tham mưu",
    "chánh văn phòng",
    "chấp hành",
    "chủ tịch",
    "học viện",
    "kiểm tra",
    "toà nhà",
    "trưởng ban",
    "trưởng phòng",
    "tòa nhà",
    "uỷ ban",
    "uỷ ban trung ương",
    "văn phòng",
    "ủy ban",
    "ủy ban trung ương",
    "đại học",
    "đại hội",
    "đại hội đại biểu",
    "đảng uỷ",
    "đảng ủy",
    "chánh án",
    "viện trưởng",
];
/// The last syllables of [`HEADS`]: a quick test before the phrases.
const HEAD_ENDS: [&str; 24] = [
    "ban",
    "biểu",
    "báo",
    "bộ",
    "cục",
    "hành",
    "học",
    "hội",
    "mưu",
    "nhà",
    "phòng",
    "sở",
    "tra",
    "trưởng",
    "trường",
    "tịch",
    "uỷ",
    "viện",
    "vụ",
    "án",
    "đoàn",
    "đảng",
    "ương",
    "ủy",
];

/// Is the capitalised hit at `start` directly (one space) after a
/// capitalised head noun of an official name ([`HEADS`], up to four
/// syllables)? A name goes on with capitals; a hit in lower case is told
/// at once, before any syllable is read. An acronym glued by a hyphen to
/// another before it is read from that one (`Sở GD-KH&CN`: the head is
/// `Sở`). A hit after a word glued to a dateline (`Hà NộiTổng Bí thư`, no
/// space after the place) is partial too: the glued word may begin the name.
fn head_before(nfc: &str, start: usize) -> bool {
    if !nfc[start..].chars().next().is_some_and(is_upper) {
        return false;
    }
    let start = glued_acronym_start(nfc, start);
    let Some(s1) = syllable_before(nfc, start) else {
        return false;
    };
    let end = start - if nfc[..start].ends_with(' ') { 1 } else { 2 };
    let last = &nfc[s1..end];
    // Length and last byte first (a head's last letter is lower case, as
    // in the text: a word in capitals is no head), then the letters.
    let same = |a: &str, h: &str| {
        h.len() == a.len() && h.as_bytes().last() == a.as_bytes().last() && eq_lower(a, h)
    };
    if !HEAD_ENDS.iter().any(|h| same(last, h)) {
        return glued_dateline(last);
    }
    let mut s = s1;
    for _ in 0..4 {
        let phrase = &nfc[s..end];
        // A head in capitals (`TRỤ SỞ UBND`) is a headline's word.
        if phrase.chars().next().is_some_and(is_upper)
            && phrase.chars().any(is_lower)
            && HEADS.iter().any(|h| same(phrase, h))
        {
            // An acronym after `Văn phòng` is a body of its own (`Văn
            // phòng HĐND-UBND`: the office of both).
            if phrase
                .get(phrase.len().saturating_sub("văn phòng".len())..)
                .is_some_and(|t| eq_lower(t, "văn phòng"))
                && !nfc[start..]
                    .split([' ', '\u{a0}'])
                    .next()
                    .is_some_and(|w| w.chars().any(is_lower))
            {
                return false;
            }
            // A person's name after a title (`Chủ tịch Hồ Chí Minh`) is the
            // whole name.
            return !syllable_after(nfc, end).is_some_and(|(ws, we)| {
                is_surname(&nfc[ws..we])
                    && !is_place(nfc, ws, we)
                    && syllable_after(nfc, we)
                        .is_some_and(|(s2, _)| nfc[s2..].chars().next().is_some_and(is_upper))
            });
        }
        match syllable_before(nfc, s) {
            Some(p) => s = p,
            None => return false,
        }
    }
    false
}

/// Where the acronym glued by a hyphen before byte `start` begins (`GD` in
/// `Sở GD-KH&CN`, two to five capitals, no digit: a code has one), or
/// `start` when there is none.
fn glued_acronym_start(nfc: &str, start: usize) -> usize {
    let b = nfc.as_bytes();
    if b[..start].last() != Some(&b'-') {
        return start;
    }
    let token = nfc[..start - 1]
        .rsplit([' ', '\u{a0}'])
        .next()
        .unwrap_or("");
    let letters = token.chars().count();
    if (2..=5).contains(&letters) && token.chars().all(is_upper) {
        start - 1 - token.len()
    } else {
        start
    }
}

/// Is `word` two Vietnamese syllables glued by a missing space, the first
/// ending in lower case and the second capitalised (`NộiTổng` in `Hà
/// NộiTổng Bí thư`, a dateline glued to the sentence)? Not a brand
/// (`VnExpress`: `Vn` is no syllable). By bytes first: the second syllable
/// opens with an ASCII capital or `Đ` (most words do; a vowel-initial one,
/// `NộiÔng`, is not looked for), so a plain syllable costs one pass over
/// its few bytes and no decoding.
fn glued_dateline(word: &str) -> bool {
    let b = word.as_bytes();
    let Some(at) = (1..b.len())
        .find(|&i| b[i].is_ascii_uppercase() || (b[i] == 0xC4 && b.get(i + 1) == Some(&0x90)))
    else {
        return false;
    };
    let (head, tail) = word.split_at(at);
    head.ends_with(is_lower)
        && tail.chars().any(is_lower)
        && vietnamese_syllable(head)
        && vietnamese_syllable(tail)
}

/// Provinces (after the 2025 merger, and a few earlier ones and cities)
/// whose first syllable is a family name, ASCII-folded and sorted: after a
/// title they continue its name (`Bí thư Tỉnh ủy Đồng Tháp`), they are no
/// person's.
const PLACES: [&str; 17] = [
    "cao bang",
    "dong hoi",
    "dong nai",
    "dong thap",
    "ha giang",
    "ha long",
    "ha nam",
    "ha noi",
    "ha tinh",
    "hau giang",
    "kim son",
    "lai chau",
    "lam dong",
    "ninh binh",
    "ninh thuan",
    "thai binh",
    "thai nguyen",
];

/// Do the words at `[s, e)` and the syllable after fold to one of
/// [`PLACES`]? Folded on the stack.
fn is_place(nfc: &str, s: usize, e: usize) -> bool {
    syllable_after(nfc, e).is_some_and(|(_, e2)| in_folded_list::<12>(&nfc[s..e2], &PLACES))
}

/// Title modifiers: a term right after one is part of a longer title.
/// `nguyên`/`cố` (former, late) are none: they leave the title as it is
/// (`nguyên Tổng Bí thư`, a former General Secretary).
const MODIFIERS: [&str; 3] = ["phó", "thứ", "quyền"];
/// Their ASCII forms, for `ascii-span` hits (`thu` is too common to count).
const MODIFIERS_ASCII: [&str; 2] = ["pho", "quyen"];

/// Common Vietnamese family names, ASCII-folded: a capitalised syllable
/// that is one of them, followed by another capitalised syllable, starts a
/// person's name (`Đại tướng Tô Lâm`), not a longer official name.
const SURNAMES: [&str; 69] = [
    "au", "bach", "bien", "bui", "cao", "chau", "chu", "cu", "dam", "dang", "dao", "diep", "dinh",
    "do", "doan", "dong", "duong", "giang", "giap", "ha", "hau", "ho", "hoang", "hua", "huynh",
    "khong", "khuc", "kieu", "kim", "la", "lai", "lam", "le", "lo", "lu", "luc", "luong", "luu",
    "ly", "mac", "mai", "nghiem", "ngo", "nguyen", "ninh", "nong", "ong", "pham", "phan", "phi",
    "phung", "quach", "ta", "tang", "thach", "thai", "than", "tieu", "to", "ton", "tong", "tran",
    "trieu", "trinh", "truong", "uong", "vo", "vu", "vuong",
];

/// The syllable ending at byte `i` of `text`, if a single space (or NBSP)
/// separates it from `i`: its start. By bytes: an ASCII byte is a word
/// character when it is a letter or digit; other characters are decoded.
fn syllable_before(text: &str, i: usize) -> Option<usize> {
    let b = text.as_bytes();
    let gap = match b[..i] {
        [.., b' '] => i - 1,
        [.., 0xC2, 0xA0] => i - 2,
        _ => return None,
    };
    let mut j = gap;
    while let Some(&c) = b[..j].last() {
        if c < 0x80 {
            if !c.is_ascii_alphanumeric() {
                break;
            }
            j -= 1;
        } else {
            match text[..j].chars().next_back() {
                Some(ch) if is_word_char(ch) => j -= ch.len_utf8(),
                _ => break,
            }
        }
    }
    (j < gap).then_some(j)
}

/// The length of the character at byte `j` of `b` (valid UTF-8, `j` a
/// character boundary, `b[j]` not ASCII) when its bytes alone show it is a
/// word character: U+00C0..U+023F but `×` and `÷` (leads `C3`..`C8`), and
/// Latin Extended Additional (`E1 B8`..`E1 BB`), where Vietnamese letters
/// are; `None` for any other character (told by decoding it).
#[inline]
fn vietnamese_letter_len(b: &[u8], j: usize) -> Option<usize> {
    match b[j] {
        0xC3 => (b[j + 1] != 0x97 && b[j + 1] != 0xB7).then_some(2),
        0xC4..=0xC8 => Some(2),
        0xE1 if (0xB8..=0xBB).contains(&b[j + 1]) => Some(3),
        _ => None,
    }
}

/// The syllable after the single space (or NBSP) at byte `i` of `text`: its
/// byte range (by bytes, as [`syllable_before`]).
fn syllable_after(text: &str, i: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let start = match b[i..] {
        [b' ', ..] => i + 1,
        [0xC2, 0xA0, ..] => i + 2,
        _ => return None,
    };
    let mut j = start;
    while let Some(&c) = b.get(j) {
        if c < 0x80 {
            if !c.is_ascii_alphanumeric() {
                break;
            }
            j += 1;
        } else if let Some(len) = vietnamese_letter_len(b, j) {
            j += len;
        } else {
            match text[j..].chars().next() {
                Some(ch) if is_word_char(ch) => j += ch.len_utf8(),
                _ => break,
            }
        }
    }
    (j > start).then_some((start, j))
}

/// Is the syllable before byte `start` a title modifier (`Phó`, `Thứ`,
/// `Nguyên`, `Quyền`), and not the end of a compound word (`chính quyền`,
/// `tài nguyên`, `ứng phó`)?
fn modifier_before(nfc: &str, start: usize, ascii: bool) -> bool {
    // The last byte of every modifier: `n`, `o` (`Pho`), `ó`, `ứ` (UTF-8
    // C3 B3 / C3 93, E1 BB A9 / E1 BB A8), after one space or NBSP.
    let b = nfc.as_bytes();
    let last = match b[..start] {
        [.., x, b' '] | [.., x, 0xC2, 0xA0] => x,
        _ => return false,
    };
    if !matches!(last, b'n' | b'N' | b'o' | b'O' | 0xB3 | 0x93 | 0xA9 | 0xA8) {
        return false;
    }
    if !modifier_ending(&b[..start - if b[start - 1] == b' ' { 1 } else { 2 }]) {
        return false;
    }
    let Some(ws) = syllable_before(nfc, start) else {
        return false;
    };
    let word = nfc[ws..start].trim_end_matches([' ', '\u{a0}']);
    let is_modifier = word.len() <= "nguyên".len()
        && (MODIFIERS
            .iter()
            .any(|m| m.len() == word.len() && eq_lower(word, m))
            || (ascii && MODIFIERS_ASCII.iter().any(|m| word.eq_ignore_ascii_case(m))));
    if !is_modifier {
        return false;
    }
    match syllable_before(nfc, ws) {
        Some(ps) => !super::words::is_compound_nfc(nfc[ps..start].split_whitespace()),
        None => true,
    }
}

/// Do the bytes `b` end like a modifier ([`MODIFIERS`], [`MODIFIERS_ASCII`])
/// in any case: `h` before `ó`, `ứ` or `o` (`phó`, `thứ`, `pho`), `ề` or
/// `e` before `n` (`quyền`, `quyen`)? By the last two characters' bytes: the
/// letters are compared only when they do (most syllables ending in `n` or
/// `o` end otherwise).
#[inline]
fn modifier_ending(b: &[u8]) -> bool {
    let h = |b: &[u8]| matches!(b.last(), Some(b'h' | b'H'));
    match b {
        [.., b'o' | b'O'] => h(&b[..b.len() - 1]),
        [.., 0xC3, 0xB3 | 0x93] => h(&b[..b.len() - 2]),
        [.., 0xE1, 0xBB, 0xA9 | 0xA8] => h(&b[..b.len() - 3]),
        [.., 0xE1, 0xBB, 0x80 | 0x81, b'n' | b'N'] | [.., b'e' | b'E', b'n' | b'N'] => true,
        _ => false,
    }
}

/// Where a capitalised syllable that continues the hit `[start, end)` into a
/// longer name starts, if one does: after a single space, not a person's
/// name, not a Roman numeral (`Đại hội XIII`). Only names continue: a hit
/// that starts in lower case (`quán triệt Chỉ thị`) has none, nor one that
/// ends in punctuation (`Ảnh:`) or has no lower-case letter (headlines in
/// capitals).
fn continuation(view: &View<'_>, start: usize, end: usize, fend: usize) -> Option<usize> {
    let nfc = view.nfc;
    let text = &nfc[start..end];
    if !text.chars().next().is_some_and(is_upper) {
        return None;
    }
    // An abbreviation glued by its full stop to the name it begins:
    // `Công an TP.Dĩ An` (the hit ends at the abbreviation), `UBND
    // H.Phước Sơn` (the abbreviation is the next word).
    if glued_name(nfc, end) && is_place_abbreviation(last_word(text)) {
        return Some(end + 1);
    }
    // `TAND TP. Hà Nội`: an abbreviation's full stop, a space, the place
    // (two capitalised syllables; `UBND TP. Các …` is a new sentence).
    if nfc.as_bytes().get(end) == Some(&b'.') && is_place_abbreviation(last_word(text)) {
        let capital = |s: usize| nfc[s..].chars().next().is_some_and(is_upper);
        return syllable_after(nfc, end + 1)
            .filter(|&(s, e)| {
                capital(s)
                    && syllable_after(nfc, e).is_some_and(|(s2, _)| capital(s2))
                    && !person_at(nfc, (s, e))
            })
            .map(|(s, _)| s);
    }
    // Most hits are followed by no capital: tell that before scanning the
    // syllable (a capital is a word character, so the syllable starts there).
    let next = nfc[end..].strip_prefix([' ', '\u{a0}'])?.chars().next();
    if !next.is_some_and(is_upper) {
        return compound_after(view, start, end, fend);
    }
    let (s, e) = syllable_after(nfc, end)?;
    let word = &nfc[s..e];
    if is_place_abbreviation(word) && glued_name(nfc, e) {
        return Some(s);
    }
    // A place abbreviation ending the hit (`UBND TP`, `Công an TP`) is
    // followed by the place's name, even after an acronym.
    if is_place_abbreviation(last_word(text))
        && word.chars().next().is_some_and(is_upper)
        && !person_at(nfc, (s, e))
    {
        return Some(s);
    }
    if !word.chars().next().is_some_and(is_upper)
        || !text.chars().next_back().is_some_and(is_alnum)
        // No lower-case letter: a headline in capitals, or an acronym
        // (`TTXVN Thanh Tùng`, a reporter; `HĐND Bế Thanh Tịnh`).
        || !text.chars().any(is_lower)
        || (word.bytes().all(|b| b"IVXLCDM".contains(&b))
            && super::pattern::roman_value(word).is_some())
    {
        return None;
    }
    if person_at(nfc, (s, e)) {
        return None;
    }
    if !continues_a_name(nfc, text, (s, e)) || given_name_alone(nfc, (s, e)) {
        return None;
    }
    Some(s)
}

/// Is the capitalised syllable at `[s, e)` a given name used alone after a
/// title or rank (`Theo Thiếu tướng Toản, vụ việc …`): closed by a comma
/// and followed by a lower-case word it makes no compound word with? A
/// name's word goes on (`Luật Phòng, chống …`: `phòng chống` is a word),
/// and a capital after the comma (`Trung ương Đảng, Bộ trưởng`) or a full
/// stop tells nothing. Only read when a comma follows the syllable.
fn given_name_alone(nfc: &str, (s, e): (usize, usize)) -> bool {
    if nfc.as_bytes().get(e) != Some(&b',') || !nfc[s..e].chars().any(is_lower) {
        return false;
    }
    syllable_after(nfc, e + 1).is_some_and(|(ns, ne)| {
        let next = &nfc[ns..ne];
        next.starts_with(is_lower) && !super::words::is_compound_nfc([&nfc[s..e], next])
    })
}

/// Does a person's name start at the capitalised word `[s, e)`: a family
/// name followed by another capitalised syllable, not a place (`PLACES`)?
/// The tests from the cheapest: the capital after the word is read before
/// the word is folded (most capitalised words after a hit are not followed
/// by another).
fn person_at(nfc: &str, (s, e): (usize, usize)) -> bool {
    let word = &nfc[s..e];
    word.len() <= 10 && capital_after(nfc, e) && is_surname(word) && !is_place(nfc, s, e)
}

/// Does a capitalised syllable follow the single space (or NBSP) at byte
/// `e` (`syllable_after` starting with a capital)? A capital is a word
/// character, so the syllable starts there: one character is read.
#[inline]
fn capital_after(nfc: &str, e: usize) -> bool {
    nfc[e..]
        .strip_prefix([' ', '\u{a0}'])
        .and_then(|r| r.chars().next())
        .is_some_and(is_upper)
}

/// Does the capitalised word at `[s, e)` after the hit `text` continue its
/// name, as far as the words tell? Not a foreign word (`Tổng thống Putin`,
/// `Nhà Trắng Karoline Leavitt`: no Vietnamese syllable), not a country
/// (`Tổng thống Nga`, `Thủ tướng Nhật Bản`: the title of its leader), not an
/// acronym after a hit ending in lower case (`Hội đồng xét xử TAND`: the
/// court is another body; a place abbreviation, `nhân dân TP`, is the
/// name's place and goes on).
fn continues_a_name(nfc: &str, text: &str, (s, e): (usize, usize)) -> bool {
    let word = &nfc[s..e];
    if !word.chars().any(is_lower) {
        let acronym = word.chars().filter(|c| c.is_alphabetic()).count() >= 2;
        // `TP`, `TPHCM` (`Thành ủy TPHCM`) name the place.
        let new_body = acronym
            && !word.starts_with("TP")
            && !is_place_abbreviation(word)
            && last_word(text).chars().next().is_some_and(is_lower);
        return !new_body;
    }
    vietnamese_syllable(word) && !country_at(nfc, s, e)
}

/// Vietnamese letters with diacritics (lower case, NFC; `đ` too): any
/// other non-ASCII letter (`ü`, `ñ`) is no Vietnamese one.
#[cfg(test)]
const VI_LETTERS: &str = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ";
/// Is the lower-case letter `c` a Vietnamese letter with diacritics (the
/// test list `VI_LETTERS`)? The Vietnamese block
/// (U+1EA0..U+1EF9) has only Vietnamese letters, the lower case at odd
/// code points; the others are told by a `match` (no scan of the list).
#[inline]
fn vi_letter(c: char) -> bool {
    matches!(c as u32, 0x1EA1..=0x1EF9 if c as u32 & 1 == 1)
        || matches!(
            c,
            'à' | 'á'
                | 'ã'
                | 'ă'
                | 'â'
                | 'đ'
                | 'è'
                | 'é'
                | 'ê'
                | 'ì'
                | 'í'
                | 'ĩ'
                | 'ò'
                | 'ó'
                | 'õ'
                | 'ô'
                | 'ơ'
                | 'ù'
                | 'ú'
                | 'ũ'
                | 'ư'
                | 'ý'
        )
}

/// Is `b` an initial consonant of a Vietnamese syllable, ASCII-folded
/// (`đ` is `d`), or none? A `match`: compiled to a switch on the length
/// and a few compares, not a scan of a list.
fn vi_initial(b: &[u8]) -> bool {
    matches!(
        b,
        b"" | b"b"
            | b"c"
            | b"ch"
            | b"d"
            | b"g"
            | b"gh"
            | b"gi"
            | b"h"
            | b"k"
            | b"kh"
            | b"l"
            | b"m"
            | b"n"
            | b"ng"
            | b"ngh"
            | b"nh"
            | b"p"
            | b"ph"
            | b"qu"
            | b"r"
            | b"s"
            | b"t"
            | b"th"
            | b"tr"
            | b"v"
            | b"x"
    )
}

/// Are `b` the vowels of a Vietnamese rhyme, ASCII-folded (`ươ` is `uo`,
/// `iê` is `ie`, `uyê` is `uye`)?
fn vi_vowels(b: &[u8]) -> bool {
    matches!(
        b,
        b"a" | b"e"
            | b"i"
            | b"o"
            | b"u"
            | b"y"
            | b"ai"
            | b"ao"
            | b"au"
            | b"ay"
            | b"eo"
            | b"eu"
            | b"ia"
            | b"ie"
            | b"iu"
            | b"oa"
            | b"oe"
            | b"oi"
            | b"oo"
            | b"ua"
            | b"ue"
            | b"ui"
            | b"uo"
            | b"uu"
            | b"uy"
            | b"ye"
            | b"ieu"
            | b"oai"
            | b"oao"
            | b"oay"
            | b"oeo"
            | b"uay"
            | b"uoi"
            | b"uou"
            | b"uya"
            | b"uye"
            | b"uyu"
            | b"yeu"
    )
}

/// Is `b` a final consonant, or none (`k` for the names of the Central
/// Highlands: `Đắk Lắk`)?
fn vi_final(b: &[u8]) -> bool {
    matches!(
        b,
        b"" | b"c" | b"ch" | b"k" | b"m" | b"n" | b"ng" | b"nh" | b"p" | b"t"
    )
}

/// Is `word` one Vietnamese syllable by its letters: an initial, a rhyme's
/// vowels, a final (`Nga`, `Nguyễn`, `Đắk`), and no other letter? `Putin`,
/// `Israel`, `Lee`, `Trump`, `Takaichi` are not. Folded on the stack.
fn vietnamese_syllable(word: &str) -> bool {
    let mut buf = [0u8; 8];
    let mut n = 0;
    for c in word.chars() {
        let folded = if c.is_ascii_alphabetic() {
            c.to_ascii_lowercase()
        } else if vi_letter(super::text::lower_char(c)) {
            let f = crate::transliterate::fold_char(c).as_bytes();
            match f {
                [b] => b.to_ascii_lowercase() as char,
                _ => return false,
            }
        } else {
            return false;
        };
        let Some(slot) = buf.get_mut(n) else {
            return false;
        };
        *slot = folded as u8;
        n += 1;
    }
    let w = &buf[..n];
    let vowel = |b: &u8| b"aeiouy".contains(b);
    let Some(v0) = w.iter().position(vowel) else {
        return false;
    };
    let v1 = v0 + w[v0..].iter().take_while(|b| vowel(b)).count();
    let (initial, vowels, fin) = (&w[..v0], &w[v0..v1], &w[v1..]);
    let rhyme_ok = |vowels: &[u8]| {
        !vowels.is_empty()
            && vi_vowels(vowels)
            && vi_final(fin)
            // `oo` only in `boong`, `xoong`, `moóc`.
            && (vowels != b"oo" || fin == b"ng" || fin == b"c")
    };
    // `gi` and `qu` take the vowel after their consonant (`giường`, `quốc`).
    match initial {
        b"g" if vowels.first() == Some(&b'i') => rhyme_ok(vowels) || rhyme_ok(&vowels[1..]),
        b"q" if vowels.first() == Some(&b'u') => rhyme_ok(&vowels[1..]),
        _ => vi_initial(initial) && rhyme_ok(vowels),
    }
}

/// Countries of one syllable, as written (lower case): a title before one
/// is its leader's (`Tổng thống Nga`); compared with their diacritics
/// (`Y` is no `Ý`).
const COUNTRIES_ONE: [&str; 11] = [
    "anh", "áo", "bỉ", "lào", "mỹ", "nga", "pháp", "séc", "úc", "ý", "đức",
];
/// Countries of two to four syllables, ASCII-folded and sorted (the names
/// written in Vietnamese syllables; `Israel`, `Ukraine` are foreign words).
const COUNTRIES: [&str; 33] = [
    "a rap xe ut",
    "ai cap",
    "an do",
    "anh quoc",
    "ba lan",
    "bac trieu tien",
    "bo dao nha",
    "cu ba",
    "dai loan",
    "dan mach",
    "ha lan",
    "han quoc",
    "hoa ky",
    "hong kong",
    "hy lap",
    "lien bang nga",
    "lien hop quoc",
    "mong co",
    "na uy",
    "nam phi",
    "nhat ban",
    "phan lan",
    "tan tay lan",
    "tay ban nha",
    "thai lan",
    "tho nhi ky",
    "thuy dien",
    "thuy si",
    "tiep khac",
    "trieu tien",
    "trung quoc",
    "viet nam",
    "xo viet",
];

/// The first words of [`COUNTRIES`] packed by [`pack8`], in order (the
/// list is sorted and a space sorts before every letter, so its first words
/// are sorted too): a word is compared with them as a number.
const COUNTRY_FIRST_KEYS: [u64; COUNTRIES.len()] = {
    let mut out = [0u64; COUNTRIES.len()];
    let mut i = 0;
    while i < out.len() {
        let b = COUNTRIES[i].as_bytes();
        let mut n = 0;
        while b[n] != b' ' {
            n += 1;
        }
        assert!(n <= 8);
        out[i] = pack8(b.split_at(n).0);
        i += 1;
    }
    out
};

/// Does a country's name start at the capitalised word `[s, e)`? One of
/// [`COUNTRIES_ONE`] not followed by a capitalised Vietnamese syllable (that
/// is a place: `Lào Cai`, `Mỹ Tho`, `Đức Phổ`) unless a foreign word follows
/// that (`Anh Tom Baker`), nor beginning a compound word (`Pháp luật`), or two to four syllables
/// folding to one of [`COUNTRIES`].
fn country_at(nfc: &str, s: usize, e: usize) -> bool {
    let word = &nfc[s..e];
    let mut next = syllable_after(nfc, e);
    // The first letters compared first (the list is in lower case and has
    // no dash, so `eq_lower` needs them equal once lower-cased).
    let first = word.chars().next().map(super::text::lower_char);
    if word.len() <= "pháp".len()
        && COUNTRIES_ONE
            .iter()
            .any(|c| c.chars().next() == first && eq_lower(word, c))
    {
        // A foreign name after it (`Anh Tom Baker`) is its leader's.
        let foreign = |(s, e): (usize, usize)| {
            nfc[s..].chars().next().is_some_and(is_upper) && !vietnamese_syllable(&nfc[s..e])
        };
        return !next.is_some_and(|(s2, e2)| {
            if nfc[s2..].chars().next().is_some_and(is_upper) {
                vietnamese_syllable(&nfc[s2..e2]) && !syllable_after(nfc, e2).is_some_and(foreign)
            } else {
                // A word begins there (`Phó Tư lệnh Pháp luật`).
                super::words::is_compound_nfc(nfc[s..e2].split([' ', '\u{a0}']))
            }
        });
    }
    // Most words begin no country's name: told by the first word's fold.
    let Some((first, n)) = fold_lower_small::<8>(word) else {
        return false;
    };
    let first = &first[..n];
    if first.contains(&0) || COUNTRY_FIRST_KEYS.binary_search(&pack8(first)).is_err() {
        return false;
    }
    for _ in 0..3 {
        let Some((_, end)) = next else {
            return false;
        };
        if in_folded_list::<16>(&nfc[s..end], &COUNTRIES) {
            return true;
        }
        next = syllable_after(nfc, end);
    }
    false
}

/// Where a lower-case syllable that makes a listed compound word with the
/// hit's last syllable starts (`Đại hội Đảng bộ`), unless it makes one with
/// the syllable after it (`Chính phủ quyết định`), or the hit's last two
/// syllables are a word that does not go on with it (`Quốc hội họp`, but
/// `Tỉnh ủy viên`): the hit ends inside a word. For a capitalised hit `text` with a lower-case letter,
/// ending in a letter or digit.
fn compound_after(view: &View<'_>, start: usize, end: usize, fend: usize) -> Option<usize> {
    let (nfc, text) = (view.nfc, &view.nfc[start..end]);
    if !text.chars().next_back().is_some_and(is_alnum) || !text.chars().any(is_lower) {
        return None;
    }
    let (s, e) = syllable_after(nfc, end)?;
    let last = (end - last_word(text).len(), end);
    let word = &nfc[s..e];
    if !word.chars().next().is_some_and(is_lower)
        || in_packed(word, &FUNCTION_WORD_KEYS)
        || ends_in_a_name(text)
    {
        return None;
    }
    // The syllables with their folds, read from the view's folded text
    // near the hit's folded end (`fend`, when known): each fold is found
    // once, for all the look-ups below.
    let fmap = &view.fmap[..];
    let f = if fend != 0 {
        fend
    } else {
        fmap.partition_point(|&m| (m as usize) < end)
    };
    let listed = |syllables: &[super::words::Syllable]| {
        super::words::any_compound_at(nfc, &view.folded, syllables, &[(0, syllables.len())])
    };
    let last = with_fold(fmap, f, last);
    let after = with_fold(fmap, f, (s, e));
    if !listed(&[last, after]) {
        return None;
    }
    // A hit that ends with a whole word (`Quốc hội` before `họp`, though
    // `hội họp` is a word) ends inside one only if that word goes on
    // (`tỉnh ủy` + `viên`).
    let prev = text[..last.text.0 - start]
        .strip_suffix([' ', '\u{a0}'])
        .map(|t| {
            with_fold(
                fmap,
                last.folded.0,
                (start + t.len() - last_word(t).len(), start + t.len()),
            )
        });
    if let Some(prev) = prev
        && listed(&[prev, last])
    {
        return listed(&[prev, last, after]).then_some(s);
    }
    match syllable_after(nfc, e) {
        Some(next) if listed(&[after, with_fold(fmap, after.folded.1, next)]) => None,
        _ => Some(s),
    }
}

/// Words that go with what follows them, never on with a name before them
/// (`Thái Nguyên do …`, `Hà Tĩnh tại …`, `Chính phủ số là …`), though the
/// word list has `nguyên do`, `tĩnh tại`, `số là`.
const FUNCTION_WORDS: [&str; 24] = [
    "bị", "cho", "có", "của", "do", "không", "là", "mà", "này", "nên", "sẽ", "thì", "trong", "tại",
    "từ", "và", "về", "vì", "với", "vẫn", "đang", "đã", "được", "ở",
];

/// [`FUNCTION_WORDS`] packed by [`pack8`] (each has at most eight bytes):
/// the word after most hits is compared with them, as numbers.
const FUNCTION_WORD_KEYS: [u64; FUNCTION_WORDS.len()] = {
    let mut out = [0u64; FUNCTION_WORDS.len()];
    let mut i = 0;
    while i < out.len() {
        assert!(FUNCTION_WORDS[i].len() <= 8);
        out[i] = pack8(FUNCTION_WORDS[i].as_bytes());
        i += 1;
    }
    out
};

/// Is `word` one of the words packed in `keys` (each of one to eight
/// bytes, no zero byte)? A longer word, or one with a zero byte (which
/// [`pack8`] would not tell from the word without it), is none.
#[inline]
fn in_packed(word: &str, keys: &[u64]) -> bool {
    let b = word.as_bytes();
    b.len() <= 8 && !b.contains(&0) && keys.contains(&pack8(b))
}

/// Do the last two syllables of `text` both begin with a capital (a proper
/// name: `Thái Nguyên`, `Hải Phòng`)? A name is whole: a lower-case word
/// after it does not finish it.
fn ends_in_a_name(text: &str) -> bool {
    let capital = |w: &str| w.chars().next().is_some_and(is_upper);
    let Some(cut) = last_gap(text, false) else {
        return false;
    };
    let (before, last) = (&text[..cut.0], &text[cut.1..]);
    capital(last) && capital(&before[last_gap(before, false).map_or(0, |g| g.1)..])
}

/// The last space, NBSP or (with `stop`) full stop in `text`: its byte
/// range. By bytes: `C2 A0` is always NBSP in UTF-8 (`C2` is a lead byte).
#[inline]
fn last_gap(text: &str, stop: bool) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let i = b
        .iter()
        .rposition(|&c| c == b' ' || c == 0xA0 || (stop && c == b'.'))?;
    if b[i] != 0xA0 {
        return Some((i, i + 1));
    }
    if i > 0 && b[i - 1] == 0xC2 {
        return Some((i - 1, i + 1));
    }
    // A continuation byte of another character: look further back.
    last_gap(&text[..text.floor_char_boundary(i)], stop)
}

/// The first folded offset at or after NFC offset `x`: walked from the
/// folded offset `f`, back or forth (the fold map is non-decreasing and
/// ends with the text's length), so that a rule that knows where it is in
/// the folded text finds a syllable's fold in a few steps.
#[inline]
fn fold_at(fmap: &[u32], mut f: usize, x: usize) -> usize {
    while f > 0 && fmap[f - 1] as usize >= x {
        f -= 1;
    }
    while (fmap[f] as usize) < x {
        f += 1;
    }
    f
}

/// The syllable at NFC bytes `[s, e)` with its fold (the folded bytes of
/// its characters), found from the folded offset `f` ([`fold_at`]).
#[inline]
fn with_fold(fmap: &[u32], f: usize, (s, e): (usize, usize)) -> super::words::Syllable {
    let fs = fold_at(fmap, f, s);
    super::words::Syllable {
        text: (s, e),
        folded: (fs, fold_at(fmap, fs, e)),
    }
}

/// The last word of `text` (after its last space or full stop).
fn last_word(text: &str) -> &str {
    &text[last_gap(text, true).map_or(0, |g| g.1)..]
}

/// The abbreviations of administrative units written before a name
/// (`TP` thành phố, `TX` thị xã, `TT` thị trấn, `H` huyện, `Q` quận, `P`
/// phường, `X` xã): `TP.HCM.Ngay` or `QH.Sáng` (a sentence glued to an
/// acronym) is no name continued.
fn is_place_abbreviation(word: &str) -> bool {
    matches!(
        word,
        "TP" | "Tp" | "TX" | "Tx" | "TT" | "H" | "Q" | "P" | "X"
    )
}

/// Does a full stop at byte `i` glue a capitalised word to what ends there
/// (`TP.Dĩ An`, `H.Phước Sơn`)?
#[inline]
fn glued_name(nfc: &str, i: usize) -> bool {
    nfc.as_bytes().get(i) == Some(&b'.') && nfc[i + 1..].chars().next().is_some_and(is_upper)
}

/// Does `word` fold (ASCII, lower case) to one of [`SURNAMES`]? The word
/// is folded once, on the stack, and looked up in the sorted list.
fn is_surname(word: &str) -> bool {
    // Longer than every name, or a byte no name has.
    let Some((buf, n)) = fold_lower_small::<8>(word).filter(|(b, n)| !b[..*n].contains(&0)) else {
        return false;
    };
    SURNAME_KEYS.binary_search(&pack8(&buf[..n])).is_ok()
}

/// Up to eight bytes as one number, big-endian and zero-padded: for
/// strings without a zero byte, the numbers sort as the strings do.
const fn pack8(b: &[u8]) -> u64 {
    let mut x = 0u64;
    let mut i = 0;
    while i < 8 {
        x <<= 8;
        if i < b.len() {
            x |= b[i] as u64;
        }
        i += 1;
    }
    x
}

/// [`SURNAMES`] packed by [`pack8`], in their (sorted) order: a look-up
/// compares numbers, not strings.
const SURNAME_KEYS: [u64; SURNAMES.len()] = {
    let mut out = [0u64; SURNAMES.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = pack8(SURNAMES[i].as_bytes());
        i += 1;
    }
    out
};

/// Does `text` fold (ASCII, lower case, NBSP as a space) to one of the
/// sorted `list`, whose items are at most `N` bytes? Folded on the stack.
fn in_folded_list<const N: usize>(text: &str, list: &[&str]) -> bool {
    // NBSP folds to a space (a test checks it); longer than every item: none.
    let Some((buf, n)) = fold_lower_small::<N>(text) else {
        return false;
    };
    list.binary_search_by(|item| item.as_bytes().cmp(&buf[..n]))
        .is_ok()
}

/// Does a number, a code or a capitalised name follow byte `end` (after a
/// space, perhaps after `số`): `Kết luận 44`, `Luật số 45/2019/QH14`,
/// `Nghị quyết “Về…”`?
fn number_follows(nfc: &str, start: usize, end: usize) -> bool {
    let Some(rest) = nfc[end..].strip_prefix([' ', '\u{a0}']) else {
        return false;
    };
    if let Some(issuer) = ["của ", "Của ", "CỦA "]
        .iter()
        .find_map(|p| rest.strip_prefix(p))
    {
        return issuer_and_number(issuer);
    }
    let after_so = ["số ", "Số ", "SỐ ", "so ", "So "]
        .iter()
        .find_map(|p| rest.strip_prefix(p))
        .unwrap_or(rest);
    if quantity_at(after_so) {
        return false;
    }
    // In a run of capitals (`QUY ĐỊNH TRONG`), every word is capitalised:
    // only a digit counts.
    if !nfc[start..end].chars().any(is_lower)
        && !rest
            .split([' ', '\u{a0}'])
            .next()
            .is_some_and(|w| w.chars().any(is_lower))
    {
        let rest = ["SỐ ", "SO "]
            .iter()
            .find_map(|p| rest.strip_prefix(p))
            .unwrap_or(rest);
        return rest
            .trim_start_matches(['“', '"'])
            .starts_with(|c: char| c.is_ascii_digit());
    }
    let rest = ["số ", "Số ", "so ", "So "]
        .iter()
        .find_map(|p| rest.strip_prefix(p))
        .unwrap_or(rest);
    let rest = rest.strip_prefix(['“', '"']).unwrap_or(rest);
    rest.chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || is_upper(c))
}

/// Is `text` (what follows `của `) an issuer, capitalised, then `số` and a
/// number within eight words, no punctuation between: `Nghị quyết của
/// Chính phủ số 01/NQ-CP`, `Quyết định của Thủ tướng Chính phủ số 12`?
fn issuer_and_number(text: &str) -> bool {
    if !text.chars().next().is_some_and(is_upper) {
        return false;
    }
    let mut words = text.split([' ', '\u{a0}']);
    for _ in 0..9 {
        let Some(w) = words.next() else {
            return false;
        };
        if matches!(w, "số" | "Số" | "SỐ") {
            return words.next().is_some_and(|n| {
                n.trim_start_matches(['“', '"'])
                    .starts_with(|c: char| c.is_ascii_digit())
            });
        }
        if !w.chars().all(is_alnum) {
            return false;
        }
    }
    false
}

/// Counters and units: a number before one counts something (`Kế hoạch 21
/// điểm`, `5 năm`, `3 tỷ đồng`) and numbers no document.
const UNITS: [&str; 25] = [
    "bước", "giây", "giờ", "ha", "hộ", "km", "lần", "ngày", "người", "nghìn", "ngàn", "năm",
    "phút", "trang", "triệu", "trăm", "tuần", "tuổi", "tấn", "tháng", "tỉ", "tỷ", "usd", "điểm",
    "đồng",
];
/// The units that name a date when a number follows them (`năm 2024`,
/// `ngày 13-7`, `tháng 3`); a time goes on with a number and still counts
/// (`3 phút 49 giây`, `8 giờ 30`).
const DATE_UNITS: [&str; 3] = ["ngày", "năm", "tháng"];

/// Does `text` start with a number that counts: digits (with `.` or `,`
/// inside) then `%`, or a space and a unit ([`UNITS`]; `năm` not before a
/// number: `Nghị quyết 57 năm 2024`, `số 19 ngày 13-7`)?
fn quantity_at(text: &str) -> bool {
    let digits = text
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.' || *b == b',')
        .count();
    if digits == 0 || !text.as_bytes()[0].is_ascii_digit() {
        return false;
    }
    let digits = text[..digits].trim_end_matches(['.', ',']).len();
    text[digits..].starts_with('%') || unit_after(text, digits)
}

/// Is the word after the space at `i` a unit ([`UNITS`]), and the text
/// before `i` a digit? Not a date word before a number (`năm 2024`, `số 19
/// ngày 13-7`: [`DATE_UNITS`]); a time is (`SEA Games 3 phút 49 giây`).
fn unit_after(text: &str, i: usize) -> bool {
    if !text[..i].ends_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let Some((s, e)) = syllable_after(text, i) else {
        return false;
    };
    let word = &text[s..e];
    word.len() <= "người".len()
        && UNITS.iter().any(|u| eq_lower(word, u))
        && !(DATE_UNITS.iter().any(|u| eq_lower(word, u))
            && text[e..]
                .strip_prefix(' ')
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit())))
}

/// Does the term key `lkey` end with `số` (`Chính phủ số`, digital
/// government) and a number follow it at `end`? Then `số` is the number's
/// (`của Chính phủ số 01/NQ-CP`): the term is not there.
fn number_takes_so(nfc: &str, lkey: &str, end: usize) -> bool {
    lkey.ends_with(" số")
        && nfc[end..]
            .strip_prefix([' ', '\u{a0}'])
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
}

/// Is the candidate `nfc[ns..ne]` better explained by real words than as a
/// misspelt term: a listed compound word itself (`Thủ trưởng`), or its first
/// syllable a word with the one or two before it, or its last syllable a
/// word with the one or two after it (`ra quân triệt phá`: not `quán triệt`)?
/// Each syllable's fold is read from the view's folded text.
#[inline(never)]
fn explained_by_words(view: &View<'_>, ns: usize, ne: usize) -> bool {
    use super::words::Syllable;
    let nfc = view.nfc;
    let (folded, fmap) = (&view.folded[..], &view.fmap[..]);
    let with_fold = |f: usize, at: (usize, usize)| with_fold(fmap, f, at);
    // One syllable list, `[b2] [b1] inner… [a1] [a2]`, each syllable with
    // its fold (the folded bytes of its characters): the candidate's from
    // index 2, the one or two before it put in front of them later.
    let mut list = Syllables::new();
    list.push(Syllable::default());
    list.push(Syllable::default());
    let mut f = fmap.partition_point(|&m| (m as usize) < ns);
    for word in words(&nfc[ns..ne]) {
        let x = word.as_ptr() as usize - nfc.as_ptr() as usize;
        let syllable = with_fold(f, (x, x + word.len()));
        f = syllable.folded.1;
        list.push(syllable);
    }
    let n_inner = list.len() - 2;
    if n_inner == 0 {
        return false;
    }
    // The syllables around are runs of word characters after or before
    // one space or NBSP (what `syllable_before`/`_after` find), so they are
    // the pieces `split_whitespace` would give.
    let end_before = |i: usize| {
        i - if nfc[..i].ends_with(' ') {
            1
        } else {
            '\u{a0}'.len_utf8()
        }
    };
    let mut n_before = 0;
    let mut fb = list.as_slice()[2].folded.0;
    let mut next = ns;
    while n_before < 2 {
        let Some(s) = syllable_before(nfc, next) else {
            break;
        };
        let syllable = with_fold(fb, (s, end_before(next)));
        fb = syllable.folded.0;
        list.set(1 - n_before, syllable);
        n_before += 1;
        next = s;
    }
    let mut n_after = 0;
    let mut end = ne;
    while n_after < 2 {
        let Some(at) = syllable_after(nfc, end) else {
            break;
        };
        let syllable = with_fold(f, at);
        f = syllable.folded.1;
        list.push(syllable);
        n_after += 1;
        end = at.1;
    }
    let syllables = &list.as_slice()[2 - n_before..];
    debug_assert!(
        syllables[..n_before]
            .iter()
            .map(|s| &nfc[s.text.0..s.text.1])
            .eq(words(&nfc[next..ns]))
    );
    debug_assert!(
        syllables[n_before + n_inner..]
            .iter()
            .map(|s| &nfc[s.text.0..s.text.1])
            .eq(words(&nfc[ne..end]))
    );
    // The runs to look up, in one call: the candidate itself (two
    // syllables or more), its first syllable with the one or two before,
    // its last with the one or two after. (Looking the candidate up first,
    // before the syllables around are read, costs more: on the benchmark
    // copy a listed candidate is rare.)
    let (i, j) = (n_before, n_before + n_inner);
    let mut runs = [(0, 0); 5];
    let mut n = 0;
    let mut run = |r: (usize, usize)| {
        runs[n] = r;
        n += 1;
    };
    if n_inner >= 2 {
        run((i, j));
    }
    for k in 1..=n_before {
        run((i - k, i + 1));
    }
    for k in 1..=n_after {
        run((j - 1, j + k));
    }
    super::words::any_compound_at(nfc, folded, syllables, &runs[..n])
}

/// The syllables [`explained_by_words`] looks up: on the stack unless a
/// candidate has many.
struct Syllables {
    stack: [super::words::Syllable; 16],
    len: usize,
    /// All of them once there are more than the stack holds.
    heap: Vec<super::words::Syllable>,
}

impl Syllables {
    fn new() -> Syllables {
        Syllables {
            stack: [super::words::Syllable::default(); 16],
            len: 0,
            heap: Vec::new(),
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    fn push(&mut self, s: super::words::Syllable) {
        if self.len < self.stack.len() {
            self.stack[self.len] = s;
        } else {
            if self.heap.is_empty() {
                self.heap.extend_from_slice(&self.stack);
            }
            self.heap.push(s);
        }
        self.len += 1;
    }

    /// Replaces syllable `i` (one pushed already).
    fn set(&mut self, i: usize, s: super::words::Syllable) {
        if self.heap.is_empty() {
            self.stack[i] = s;
        } else {
            self.heap[i] = s;
        }
    }

    fn as_slice(&self) -> &[super::words::Syllable] {
        if self.heap.is_empty() {
            &self.stack[..self.len]
        } else {
            &self.heap
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
                let len = ty.parse_value_at(tail)?;
                values.push((name.clone(), tail[..len].to_owned()));
                pos += len;
            }
            Part::Lit(lit) => {
                // As many characters as the literal has; equal apart from
                // case and tone placement (`khoá` for `khóa`).
                let n = lit.chars().count();
                let end = tail.char_indices().nth(n).map_or(tail.len(), |(i, _)| i);
                if tail[..end].chars().count() < n
                    || !eq_lower(&canon_tone(&tail[..end]).0, &canon_tone(lit).0)
                {
                    return None;
                }
                pos += end;
            }
        }
    }
    if let Some(Part::Lit(lit)) = rest.parts.last()
        && lit.chars().next_back().is_some_and(is_alnum)
        && nfc[pos..].chars().next().is_some_and(is_alnum)
    {
        return None;
    }
    Some((pos, values))
}

/// Does a letter or digit (or a combining mark) end `text[..i]`?
#[inline]
fn word_before(text: &str, i: usize) -> bool {
    match text.as_bytes()[..i].last() {
        None => false,
        Some(b) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => text[..i].chars().next_back().is_some_and(is_word_char),
    }
}

/// Does a letter or digit (or a combining mark) start `text[i..]`?
#[inline]
fn word_after(text: &str, i: usize) -> bool {
    match text.as_bytes().get(i) {
        None => false,
        Some(b) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => text[i..].chars().next().is_some_and(is_word_char),
    }
}

fn is_word_char(c: char) -> bool {
    // Vietnamese letters (Latin-1, Latin Extended-A/B, Latin Extended
    // Additional) without the general tables; × and ÷ are not letters.
    match c as u32 {
        0xC0..=0x24F => !matches!(c, '×' | '÷'),
        0x1E00..=0x1EFF => true,
        0x300..=0x36F => true,
        // General Punctuation (spaces, dashes, quotes): no letter, digit or
        // mark (checked by a unit test), and common in news copy.
        0x2000..=0x206F => false,
        _ => c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c),
    }
}

/// The best of the candidates of one span ([`best_index`]), unless it is a
/// `diacritic-mismatch` that real words explain better (a listed compound
/// word, `Thủ trưởng`, or syllables that belong to the words around them,
/// `ra quân triệt phá` for `quán triệt`): then every candidate of the span
/// is one (they rank below any other class) and none is taken. Checked
/// here, only for the best, since it costs word-list look-ups. Called for
/// every automaton match: the best is looked at in place and moved out
/// once, when it is taken.
#[inline(always)]
fn take_valid(view: &View<'_>, found: &mut Vec<Candidate>) -> Option<Candidate> {
    let i = best_index(found)?;
    let best = &found[i];
    if best.class == HitClass::DiacriticMismatch && explained_by_words(view, best.start, best.end) {
        found.clear();
        return None;
    }
    Some(found.swap_remove(i))
}

/// The index of the best candidate (leftmost, longest, surest).
#[inline]
fn best_index(found: &[Candidate]) -> Option<usize> {
    if found.len() <= 1 {
        return found.len().checked_sub(1);
    }
    (0..found.len()).min_by_key(|&i| found[i].order())
}

/// `a == b`, eight bytes at a time and inline: the keys compared per
/// candidate are short, and a call to `memcmp` costs more than the compare.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], i: usize| u64::from_ne_bytes(s[i..i + 8].try_into().expect("8 bytes"));
    if n < 8 {
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    let mut i = 0;
    while i + 8 < n {
        if word(a, i) != word(b, i) {
            return false;
        }
        i += 8;
    }
    // The last eight bytes (overlapping what was compared).
    word(a, n - 8) == word(b, n - 8)
}

/// Are `a` and `b` equal once lower-cased (length-preserving lower case)?
#[inline]
fn eq_lower(a: &str, b: &str) -> bool {
    let mut bs = b.chars();
    for ca in a.chars() {
        match bs.next() {
            Some(cb) if cb == ca || lower_char(cb) == lower_char(ca) => {}
            Some(cb) if alike(ca, cb) => {}
            _ => return false,
        }
    }
    bs.next().is_none()
}

/// A character the fold makes `-` (hyphen, en dash, minus…): dashes are
/// compared alike.
fn is_hyphen(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2212}' | '\u{FE63}'
    )
}

/// Are `a` and `b` both dashes, or both spaces (a space, a no-break space
/// `&nbsp;` as scraped copy has between words, a narrow one)?
fn alike(a: char, b: char) -> bool {
    let space = |c| matches!(c, ' ' | '\u{a0}' | '\u{202f}');
    (is_hyphen(a) && is_hyphen(b)) || (space(a) && space(b))
}

/// Are `a` and `b` equal, dashes alike and spaces alike?
fn same_but_dashes(a: &str, b: &str) -> bool {
    a == b || {
        let mut bs = b.chars();
        a.chars()
            .all(|ca| bs.next().is_some_and(|cb| cb == ca || alike(ca, cb)))
            && bs.next().is_none()
    }
}

/// The case rule applied to the ASCII folds of `text` and `entry` (which
/// are equal apart from case: they matched folded and lower-cased).
fn case_ok_folded(rule: CaseRule, text: &str, entry: &str) -> bool {
    let fold = |s: &str| {
        s.chars()
            .flat_map(|c| crate::transliterate::fold_char(c).chars())
            .collect::<Vec<char>>()
    };
    match rule {
        CaseRule::Insensitive => true,
        CaseRule::Sensitive => fold(text) == fold(entry),
        CaseRule::Permissive => {
            let t = text
                .chars()
                .flat_map(|c| crate::transliterate::fold_char(c).chars());
            let e = entry
                .chars()
                .flat_map(|c| crate::transliterate::fold_char(c).chars());
            t.zip(e).all(|(t, e)| !e.is_ascii_uppercase() || t == e)
        }
    }
}

/// The case rule, letter by letter: `text` and `entry` are equal apart from
/// case (they matched lower-cased).
fn case_ok(rule: CaseRule, text: &str, entry: &str) -> bool {
    match rule {
        CaseRule::Insensitive => true,
        CaseRule::Sensitive => same_but_dashes(text, entry),
        CaseRule::Permissive => text
            .chars()
            .zip(entry.chars())
            .all(|(t, e)| !is_upper(e) || t == e),
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
            .map(|h| {
                (
                    h.text(text).to_owned(),
                    h.class.name(),
                    h.target.to_string(),
                )
            })
            .collect()
    }

    /// `entry` with `needs = "number"`.
    fn with_number(mut entry: Entry) -> Entry {
        entry.needs = Some(crate::glossary::Needs::Number);
        entry
    }

    /// The text and class of the one hit in `text`.
    fn only_hit<'a>(m: &Matcher, text: &'a str) -> (&'a str, HitClass) {
        let hits = m.find(text).hits;
        assert_eq!(hits.len(), 1, "{text}");
        (hits[0].text(text), hits[0].class)
    }

    fn t(s: &str, c: &'static str, tg: &str) -> (String, &'static str, String) {
        (s.to_owned(), c, tg.to_owned())
    }

    #[test]
    fn general_punctuation_has_no_word_character() {
        for cp in 0x2000..=0x206Fu32 {
            let c = char::from_u32(cp).unwrap();
            assert!(
                !(c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)),
                "U+{cp:04X}"
            );
            assert!(!is_word_char(c), "U+{cp:04X}");
        }
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
        assert_eq!(found(&m, "Luật nói"), [t("Luật", "exact", "Law")]);
        // A capitalised syllable continues the name: only part of it.
        assert_eq!(found(&m, "Luật Đất đai"), [t("Luật", "partial", "Law")]);
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
        // The long entry is case-sensitive and fails; the two shorter ones
        // remain, as parts of a longer name the glossary lacks (partial).
        assert_eq!(
            found(&m, "Bộ Trưởng Bộ Công an"),
            [
                t("Bộ Trưởng", "partial", "Minister"),
                t("Bộ Công an", "partial", "Ministry of Public Security")
            ]
        );
        assert_eq!(
            found(&m, "Bộ Trưởng, Bộ Công an"),
            [
                t("Bộ Trưởng", "case-variant", "Minister"),
                t("Bộ Công an", "exact", "Ministry of Public Security")
            ]
        );
        // Boundary failure of the longer candidate.
        assert_eq!(
            found(&m, "Bộ trưởng Bộ Công anh"),
            [t("Bộ trưởng", "partial", "Minister")]
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
            assert!(h.text(text).starts_with('Đ') || h.text(text).starts_with('D'));
            assert_eq!(h.class, HitClass::Exact, "{text}");
        }
    }

    #[test]
    fn numeral_slots_read_roman_and_arabic_ordinals() {
        let mut q = Entry::term("Quốc hội khóa {n}", "{n} National Assembly");
        q.kind = EntryKind::Pattern;
        q.slots = vec![("n".into(), SlotType::Numeral)];
        let m = matcher(vec![q, Entry::term("Quốc hội", "National Assembly")]);
        for (text, want) in [
            ("Quốc hội khóa XV họp", "15th National Assembly"),
            ("Quốc hội khoá 15 họp", "15th National Assembly"),
        ] {
            let hits = m.find(text).hits;
            assert_eq!(hits.len(), 1, "{text}");
            assert_eq!(hits[0].target.as_str(), want, "{text}");
        }
        // A pattern that ends with words may be continued (another party).
        let mut d = Entry::term("Đại hội {n} của Đảng", "{n} National Party Congress");
        d.kind = EntryKind::Pattern;
        d.slots = vec![("n".into(), SlotType::Numeral)];
        let md = matcher(vec![d]);
        let hits = md.find("Đại hội XX của Đảng Cộng sản Trung Quốc").hits;
        assert_eq!(hits[0].class, HitClass::Partial);
        // A count is no ordinal (`2 tuần`, two weeks).
        assert_eq!(
            m.find("Quốc hội khóa 2 năm trước").hits[0].target.as_str(),
            "National Assembly"
        );
        // Not a numeral: the shorter term, and a finding.
        let r = m.find("Quốc hội khóa 2020");
        assert_eq!(r.hits[0].target.as_str(), "National Assembly");
        assert_eq!(r.misses.len(), 1);
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
        // The number closes the name: the issuer after it is no continuation.
        assert_eq!(
            found(&m, "Kết luận 45-KL/TW Ban Bí thư"),
            [
                t("Kết luận 45-KL/TW", "exact", "Conclusion No. 45-KL/TW"),
                t("Ban Bí thư", "exact", "Secretariat")
            ]
        );
        // A value that parses followed by other words is another phrase;
        // a digit after a Roman slot is no attempt at a Roman numeral.
        for text in ["Ban Bí thư khóa XI.", "Ban Bí thư khóa 65 nhập học"] {
            assert_eq!(m.find(text).misses, [], "{text}");
        }
        let text = "Kết luận số 12 của Ban Bí thư";
        let r = m.find(text);
        assert_eq!(r.misses.len(), 1);
        assert_eq!(r.misses[0].entry, "Kết luận số {code}");
        assert_eq!(r.hits[0].text(text), "Kết luận");
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
    fn partial_chains_modifiers_names_and_capitals() {
        let mut luat = Entry::term("Luật", "Law");
        luat.needs = Some(crate::glossary::Needs::Number);
        let m = matcher(vec![
            Entry::term("Chủ tịch Quốc hội", "Chairman of the National Assembly"),
            Entry::term("Phó Thủ tướng", "Deputy Prime Minister"),
            Entry::term("Chính phủ", "Government"),
            Entry::term("Đại hội", "Congress"),
            Entry::term("Ảnh:", "Photo:"),
            luat,
        ]);
        // The continuation of a partial hit is partial too.
        assert_eq!(
            found(&m, "Phó Thủ tướng Chính phủ Nhật Bản"),
            [
                t("Phó Thủ tướng", "partial", "Deputy Prime Minister"),
                t("Chính phủ", "partial", "Government")
            ]
        );
        // Not after a comma, not before a Roman numeral, not after a label,
        // not in a headline in capitals.
        assert_eq!(
            found(&m, "Phó Thủ tướng, Chính phủ"),
            [
                t("Phó Thủ tướng", "exact", "Deputy Prime Minister"),
                t("Chính phủ", "exact", "Government")
            ]
        );
        assert_eq!(
            found(&m, "Đại hội XIII"),
            [t("Đại hội", "exact", "Congress")]
        );
        assert_eq!(found(&m, "(Ảnh: Minh Đức)"), [t("Ảnh:", "exact", "Photo:")]);
        assert_eq!(
            found(&m, "CHỦ TỊCH QUỐC HỘI TRẦN THANH MẪN"),
            [t(
                "CHỦ TỊCH QUỐC HỘI",
                "case-variant",
                "Chairman of the National Assembly"
            )]
        );
        // A family name followed by a given name is a person, not a name's
        // continuation; a lone capitalised syllable is.
        assert_eq!(
            found(&m, "Chủ tịch Quốc hội Trần Thanh Mẫn"),
            [t(
                "Chủ tịch Quốc hội",
                "exact",
                "Chairman of the National Assembly"
            )]
        );
        // ASCII captions: the modifier folded.
        assert_eq!(
            found(&m, "Pho Chu tich Quoc hoi"),
            [t(
                "Chu tich Quoc hoi",
                "partial",
                "Chairman of the National Assembly"
            )]
        );
        // Needs a number: partial wins over unnumbered; a number satisfies it.
        assert_eq!(found(&m, "Luật Đất đai"), [t("Luật", "partial", "Law")]);
        assert_eq!(found(&m, "Luật này"), [t("Luật", "unnumbered", "Law")]);
        assert_eq!(found(&m, "Luật 45"), [t("Luật", "exact", "Law")]);
    }

    #[test]
    fn straddling_and_real_word_candidates_are_not_misspellings() {
        let m = matcher(vec![
            Entry::term("quán triệt", "disseminate"),
            Entry::term("Thứ trưởng", "Deputy Minister"),
            Entry::term("Chỉ thị", "Directive"),
        ]);
        assert_eq!(found(&m, "ra quân triệt phá"), []);
        assert_eq!(found(&m, "toàn quân triệt để"), []);
        assert_eq!(found(&m, "Thủ trưởng đơn vị"), []);
        assert_eq!(
            found(&m, "quân triệt"),
            [t("quân triệt", "diacritic-mismatch", "disseminate")]
        );
        assert_eq!(
            found(&m, "quán triệt Chị thị số 23"),
            [
                t("quán triệt", "exact", "disseminate"),
                t("Chị thị", "diacritic-mismatch", "Directive")
            ]
        );
    }

    /// A name glued by a place abbreviation's full stop continues the hit;
    /// an acronym followed by a name does not; an unaccented one-word span
    /// after an accented syllable is a real word.
    #[test]
    fn glued_names_acronyms_and_one_word_ascii_spans() {
        let m = matcher(vec![
            Entry::term("Công an TP", "municipal police"),
            Entry::term("UBND", "People's Committee"),
            Entry::term("Ảnh:", "Photo:"),
        ]);
        assert_eq!(
            found(&m, "Công an TP.Dĩ An cho biết"),
            [t("Công an TP", "partial", "municipal police")]
        );
        assert_eq!(
            found(&m, "UBND H.Phước Sơn và UBND Quảng Nam"),
            [
                t("UBND", "partial", "People's Committee"),
                t("UBND", "exact", "People's Committee")
            ]
        );
        // An acronym before a glued sentence is no place abbreviation.
        let qh = matcher(vec![Entry::term("QH", "National Assembly")]);
        assert_eq!(
            found(&qh, "kỳ họp QH.Sáng nay"),
            [t("QH", "exact", "National Assembly")]
        );
        assert_eq!(
            found(&m, "UBND TỈNH QUẢNG NAM"),
            [t("UBND", "exact", "People's Committee")]
        );
        assert_eq!(found(&m, "Tình báo Anh: có đơn vị"), []);
        // A sentence glued to a full abbreviation is no continuation.
        let m2 = matcher(vec![Entry::term("TP.HCM", "Ho Chi Minh City")]);
        assert_eq!(
            found(&m2, "về TP.HCM.Ngay khi"),
            [t("TP.HCM", "exact", "Ho Chi Minh City")]
        );
        assert_eq!(
            found(&m, "(Anh: Minh Duc/TTXVN)"),
            [t("Anh:", "ascii-span", "Photo:")]
        );
        assert_eq!(
            found(&m, "(Anh: Phạm Kiên/TTXVN)"),
            [t("Anh:", "ascii-span", "Photo:")]
        );
    }

    /// A one-word term is never reported as misspelt (every syllable folds
    /// like several real ones), and a title followed by a person's name
    /// is the whole title.
    #[test]
    fn one_word_terms_are_not_misspelt_and_names_follow_titles() {
        let m = matcher(vec![
            Entry::term("Huế", "Hue"),
            Entry::term("Chủ tịch Quốc hội", "Chairman of the National Assembly"),
            Entry::term("Thủ tướng", "Prime Minister"),
            Entry::term("Đại tướng", "General"),
        ]);
        assert_eq!(
            found(&m, "Chủ tịch Quốc hội Vương Đình Huệ phát biểu tại Huế."),
            [
                t(
                    "Chủ tịch Quốc hội",
                    "exact",
                    "Chairman of the National Assembly"
                ),
                t("Huế", "exact", "Hue"),
            ]
        );
        assert_eq!(
            found(&m, "Thủ tướng Võ Văn Kiệt và Đại tướng Võ Nguyên Giáp"),
            [
                t("Thủ tướng", "exact", "Prime Minister"),
                t("Đại tướng", "exact", "General"),
            ]
        );
        // Still partial: a name that is no person's (`Chính phủ`, and the
        // place `Vị Xuyên`: `Vi` is too rare a family name to list).
        assert_eq!(
            found(&m, "Thủ tướng Chính phủ"),
            [t("Thủ tướng", "partial", "Prime Minister")]
        );
        assert_eq!(
            found(&m, "Thủ tướng Vị Xuyên"),
            [t("Thủ tướng", "partial", "Prime Minister")]
        );
    }

    /// More syllables than the look-up keeps on the stack: the same
    /// verdicts (the first syllable with the one before it is a word).
    #[test]
    fn long_candidates_are_explained_like_short_ones() {
        let long = "quán triệt nghị quyết đại hội đại biểu toàn quốc lần thứ mười ba của \
                    Đảng Cộng sản Việt Nam";
        assert_eq!(long.split(' ').count(), 20);
        let m = matcher(vec![Entry::term(long, "T")]);
        let misspelt = long.replacen("quán", "quân", 1);
        let alone = format!("Họ {misspelt}.");
        assert_eq!(found(&m, &alone), [t(&misspelt, "diacritic-mismatch", "T")]);
        assert_eq!(found(&m, &format!("Họ ra {misspelt}.")), []);
    }

    #[test]
    fn literals_after_a_slot_match_either_tone_placement() {
        let mut p = Entry::term(
            "Hội nghị Trung ương {n} khóa {m}",
            "{n:ordinal} plenum of the {m} Party Central Committee",
        );
        p.kind = EntryKind::Pattern;
        p.slots = vec![("n".into(), SlotType::Int), ("m".into(), SlotType::Roman)];
        let m = matcher(vec![p]);
        for text in [
            "Hội nghị Trung ương 8 khóa XIII",
            "Hội nghị Trung ương 8 khoá XIII",
        ] {
            assert_eq!(
                m.find(text).hits[0].target.as_str(),
                "8th plenum of the 13th Party Central Committee",
                "{text}"
            );
        }
    }

    /// The string-method syllable scans the byte scans replaced.
    fn syllable_before_reference(text: &str, i: usize) -> Option<usize> {
        let gap = text[..i].strip_suffix([' ', '\u{a0}'])?;
        let word = gap.trim_end_matches(is_word_char);
        (word.len() < gap.len()).then_some(word.len())
    }

    fn syllable_after_reference(text: &str, i: usize) -> Option<(usize, usize)> {
        let after = &text[i..];
        let rest = after.strip_prefix([' ', '\u{a0}'])?;
        let start = i + (after.len() - rest.len());
        let len = rest.len() - rest.trim_start_matches(is_word_char).len();
        (len > 0).then_some((start, start + len))
    }

    proptest::proptest! {
        /// At every character boundary of mixed text, the byte scans find
        /// the syllables the string methods find.
        #[test]
        fn syllable_scans_equal_the_string_methods(
            text in "([a-zA-Z0-9_.,;:()\"'\\-]|[ \u{a0}\u{2009}\t]|[ĐđỦủứờÀàÁá×÷\u{300}\u{301}\u{323}²½ⅫΩ北٣]){0,40}"
        ) {
            for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
                proptest::prop_assert_eq!(
                    syllable_before(&text, i),
                    syllable_before_reference(&text, i),
                    "{:?} {}", text, i
                );
                proptest::prop_assert_eq!(
                    syllable_after(&text, i),
                    syllable_after_reference(&text, i),
                    "{:?} {}", text, i
                );
            }
        }
    }

    /// The byte scans of [`last_word`] and [`ends_in_a_name`] say what
    /// splitting by characters says, with `à` (`C3 A0`) and `Ạ` (`E1 BA
    /// A0`), whose last byte is NBSP's, next to real NBSPs.
    #[test]
    fn last_words_by_bytes_equal_splits_by_characters() {
        fn reference_last(t: &str) -> &str {
            t.rsplit([' ', '\u{a0}', '.']).next().unwrap_or(t)
        }
        let reference_name = |t: &str| {
            let mut words = t.rsplit([' ', '\u{a0}']);
            let capital = |w: Option<&str>| w.and_then(|w| w.chars().next()).is_some_and(is_upper);
            capital(words.next()) && capital(words.next())
        };
        let pieces = ["Hà", "Nội", "là", "Ạ", "TP", "à", "x", "Đà", ""];
        let gaps = [" ", "\u{a0}", ".", "  ", "à", "Ạ"];
        let mut texts = Vec::new();
        for a in pieces {
            for g in gaps {
                for b in pieces {
                    for g2 in gaps {
                        for c in pieces {
                            texts.push(format!("{a}{g}{b}{g2}{c}"));
                        }
                    }
                }
            }
        }
        for t in &texts {
            assert_eq!(last_word(t), reference_last(t), "{t:?}");
            assert_eq!(ends_in_a_name(t), reference_name(t), "{t:?}");
        }
    }

    /// [`person_at`] as it was before its tests were reordered and the
    /// capital after the word read by [`capital_after`].
    fn person_at_reference(nfc: &str, (s, e): (usize, usize)) -> bool {
        let word = &nfc[s..e];
        word.len() <= 10
            && is_surname(word)
            && !is_place(nfc, s, e)
            && syllable_after(nfc, e)
                .is_some_and(|(s2, _)| nfc[s2..].chars().next().is_some_and(is_upper))
    }

    proptest::proptest! {
        /// The cheaper [`person_at`] says what the reference says, at every
        /// syllable of texts of names, places and other words.
        #[test]
        fn person_at_equals_the_reference(
            picks in proptest::collection::vec(
                (0usize..14, proptest::sample::select(vec![" ", " ", "\u{a0}", ", ", "  "])),
                1..6,
            ),
        ) {
            const WORDS: [&str; 14] = [
                "Nguyễn", "Văn", "Hà", "Nội", "Đồng", "Tháp", "TRẦN", "an", "Lê",
                "ÉCOLE", "Phạm", "x", "Ninh", "Bình",
            ];
            // A space first: every syllable follows one.
            let mut text = String::from(" ");
            for &(k, sep) in &picks {
                text.push_str(WORDS[k]);
                text.push_str(sep);
            }
            for (i, _) in text.char_indices() {
                if let Some(at) = syllable_after(&text, i) {
                    proptest::prop_assert_eq!(
                        person_at(&text, at),
                        person_at_reference(&text, at),
                        "{:?} {:?}", text, at
                    );
                }
            }
        }
    }

    /// [`explained_by_words`] as it was before the syllables' folds were
    /// found by [`with_fold`], on syllables as strings.
    fn explained_reference(nfc: &str, ns: usize, ne: usize) -> bool {
        let b1 = syllable_before(nfc, ns);
        let b2 = b1.and_then(|b| syllable_before(nfc, b));
        let a1 = syllable_after(nfc, ne);
        let a2 = a1.and_then(|(_, e)| syllable_after(nfc, e));
        let from = b2.or(b1).unwrap_or(ns);
        let to = a2.or(a1).map_or(ne, |(_, e)| e);
        let before: Vec<&str> = words(&nfc[from..ns]).collect();
        let inner: Vec<&str> = words(&nfc[ns..ne]).collect();
        let after: Vec<&str> = words(&nfc[ne..to]).collect();
        if inner.is_empty() {
            return false;
        }
        let (i, j) = (before.len(), before.len() + inner.len());
        let mut runs = Vec::new();
        if inner.len() >= 2 {
            runs.push((i, j));
        }
        for k in 1..=before.len() {
            runs.push((i - k, i + 1));
        }
        for k in 1..=after.len() {
            runs.push((j - 1, j + k));
        }
        let all = [before, inner, after].concat();
        super::super::words::any_compound_nfc(all, &runs)
    }

    proptest::proptest! {
        /// [`explained_by_words`] says what the reference says for spans
        /// of whole syllables (and a few that are not) in texts of real
        /// words, look-alikes and punctuation.
        #[test]
        fn explained_by_words_equals_the_reference(
            picks in proptest::collection::vec(
                (0usize..14, proptest::sample::select(vec![" ", " ", " ", "\u{a0}", ", ", "  "])),
                1..9,
            ),
            span in (0usize..9, 1usize..5),
        ) {
            const WORDS: [&str; 14] = [
                "ra", "quân", "triệt", "phá", "Thủ", "trưởng", "Chị", "thị", "hòa",
                "bình", "quán", "–", "x", "THỨ",
            ];
            let mut text = String::new();
            let mut at = Vec::new();
            for (i, &(k, sep)) in picks.iter().enumerate() {
                if i > 0 {
                    text.push_str(sep);
                }
                at.push((text.len(), text.len() + WORDS[k].len()));
                text.push_str(WORDS[k]);
            }
            let first = span.0.min(at.len() - 1);
            let last = (first + span.1 - 1).min(at.len() - 1);
            let (ns, ne) = (at[first].0, at[last].1);
            let (folded, fmap) = crate::glossary::text::fold_with_map(&text);
            let view = View { nfc: &text, folded: folded.into_bytes(), fmap };
            proptest::prop_assert_eq!(
                explained_by_words(&view, ns, ne),
                explained_reference(&text, ns, ne),
                "{:?} {:?}", text, &text[ns..ne]
            );
        }
    }

    proptest::proptest! {
        /// [`fold_at`] from any folded offset finds what a binary search of
        /// the whole fold map finds (the first folded offset at or after an
        /// NFC offset), in texts whose characters fold to one, several or
        /// no bytes.
        #[test]
        fn folds_found_from_anywhere_are_the_searched_ones(
            picks in proptest::collection::vec(0usize..10, 0..12),
            hint in 0usize..64,
            x in 0usize..64,
        ) {
            const PIECES: [&str; 10] = [
                "Thủ", " ", "\u{a0}", "æ", "o\u{300}", "ß", "–", "x", "Đảng", "\u{200b}",
            ];
            let text: String = picks.iter().map(|&k| PIECES[k]).collect();
            let (_, fmap) = crate::glossary::text::fold_with_map(&text);
            let f = hint.min(fmap.len() - 1);
            let x = x.min(text.len());
            proptest::prop_assert_eq!(
                fold_at(&fmap, f, x),
                fmap.partition_point(|&m| (m as usize) < x),
                "{:?} {} {}", text, f, x
            );
        }
    }

    /// The packed lists say what the lists say.
    #[test]
    fn packed_lists_are_the_lists() {
        assert!(COUNTRY_FIRST_KEYS.windows(2).all(|w| w[0] <= w[1]));
        let firsts: Vec<&str> = COUNTRIES
            .iter()
            .map(|c| c.split(' ').next().unwrap_or(""))
            .collect();
        let words = FUNCTION_WORDS
            .iter()
            .chain(&firsts)
            .chain(&SURNAMES)
            .chain(&[
                "",
                "t",
                "không\0",
                "trongx",
                "đượcc",
                "an",
                "anh",
                "lienx",
                "x\0",
            ]);
        for w in words {
            assert_eq!(
                in_packed(w, &FUNCTION_WORD_KEYS),
                FUNCTION_WORDS.contains(w),
                "{w:?}"
            );
            let first_ref = {
                let i = COUNTRIES.partition_point(|c| c.as_bytes() < w.as_bytes());
                COUNTRIES.get(i).is_some_and(|c| {
                    c.as_bytes().starts_with(w.as_bytes())
                        && c.as_bytes().get(w.len()) == Some(&b' ')
                })
            };
            let packed = w.len() <= 8
                && !w.as_bytes().contains(&0)
                && COUNTRY_FIRST_KEYS
                    .binary_search(&pack8(w.as_bytes()))
                    .is_ok();
            assert_eq!(packed, first_ref, "{w:?}");
        }
    }

    /// Every case of every modifier ends like one: the byte test before
    /// the letters rules out no modifier.
    #[test]
    fn modifiers_end_like_modifiers() {
        for m in MODIFIERS.iter().chain(&MODIFIERS_ASCII) {
            let chars: Vec<char> = m.chars().collect();
            for mask in 0..(1u32 << chars.len()) {
                let w: String = chars
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        if mask & (1 << i) != 0 {
                            c.to_uppercase().next().unwrap_or(*c)
                        } else {
                            *c
                        }
                    })
                    .collect();
                assert!(modifier_ending(w.as_bytes()), "{w}");
                assert!(
                    modifier_before(&format!("x {w} Y"), w.len() + 3, true),
                    "{w}"
                );
            }
        }
        for w in ["ban", "Nguyên", "cố", "Pháp", "thư", "quyên", "họ"] {
            assert!(!modifier_ending(w.as_bytes()), "{w}");
        }
    }

    #[test]
    fn family_names_fold_and_the_list_is_sorted() {
        assert!(SURNAMES.windows(2).all(|w| w[0] < w[1]));
        assert!(SURNAME_KEYS.windows(2).all(|w| w[0] < w[1]));
        assert!(SURNAMES.iter().all(|s| s.len() <= 8));
        for w in [
            "Trần", "TRẦN", "Nguyễn", "Đỗ", "Hồ", "Ngô", "Trương", "Nghiêm",
        ] {
            assert!(is_surname(w), "{w}");
        }
        for w in ["Chính", "Tràng", "Nguyênx", "Quốc", "", "Ph", "Trươngg"] {
            assert!(!is_surname(w), "{w}");
        }
    }

    /// Audit 3, finding 2: a term glued into a document code is no hit.
    #[test]
    fn no_term_inside_a_document_code() {
        let m = matcher(vec![
            Entry::term("HĐND", "People's Council"),
            Entry::term("UBND", "People's Committee"),
        ]);
        for text in [
            "căn cứ Tờ trình số 45/TTr-HĐND ngày 3/8",
            "Số: 17/2024/NQ-HĐND",
            "xem Tờ trình 8/TTr-UBND của huyện",
            "Công văn 305/UBND-KT gửi các xã",
        ] {
            assert_eq!(found(&m, text), [], "{text}");
        }
        // Without a number before, the terms are read.
        for (text, n) in [("Văn phòng HĐND-UBND huyện", 2), ("trình HĐND tỉnh", 1)] {
            let hits = m.find(text).hits;
            assert_eq!(hits.len(), n, "{text}");
            assert!(hits.iter().all(|h| h.class == HitClass::Exact), "{text}");
        }
    }

    /// Audit 3, finding 3: a hit whose last syllable makes a listed word
    /// with the lower-case syllable after it ends inside that word.
    #[test]
    fn a_hit_ending_inside_a_compound_word_is_partial() {
        let terms = [
            "Đại hội Đảng",
            "Tỉnh ủy",
            "Quốc hội",
            "Thái Nguyên",
            "Chính phủ số",
        ];
        let m = matcher(terms.map(|s| Entry::term(s, "a name")).to_vec());
        use HitClass::{Exact, Partial};
        for (text, hit, class) in [
            // A proper name is whole, and a function word goes with what
            // follows it (`nguyên do`, `số là` are listed words).
            (
                "Đoàn công tác tỉnh Thái Nguyên do ông Hùng dẫn đầu",
                "Thái Nguyên",
                Exact,
            ),
            ("Chính phủ số là xu hướng tất yếu", "Chính phủ số", Exact),
            (
                "khai mạc Đại hội Đảng bộ phường Tân Mỹ lần thứ I",
                "Đại hội Đảng",
                Partial,
            ),
            ("ông Lò Văn Páo, Tỉnh ủy viên, cho biết", "Tỉnh ủy", Partial),
            ("Tỉnh uỷ viên", "Tỉnh uỷ", Partial),
            // The syllable after makes a word with the next one, or the
            // hit ends with a word that does not go on: a word boundary.
            ("Quốc hội đồng ý thông qua", "Quốc hội", Exact),
            ("Quốc hội họp phiên bế mạc", "Quốc hội", Exact),
            ("Tỉnh ủy ban hành chỉ thị", "Tỉnh ủy", Exact),
            ("Đại hội Đảng lần này", "Đại hội Đảng", Exact),
        ] {
            assert_eq!(only_hit(&m, text), (hit, class), "{text}");
        }
    }

    /// Audit 3, finding 4: dashes compare alike; a person's name and a
    /// document type without its number are no misspellings.
    #[test]
    fn dashes_names_and_unnumbered_types_are_not_misspellings() {
        let cd = with_number(Entry::term("Công điện", "Official Dispatch"));
        let m = matcher(vec![
            Entry::term("Bà Rịa - Vũng Tàu", "Ba Ria - Vung Tau"),
            Entry::term(
                "Quân chủng Phòng không - Không quân",
                "Air Defence - Air Force",
            ),
            Entry::term("thị trấn", "township"),
            cd,
        ]);
        // Dashes alike; names and a type without its number are no
        // misspellings; the misspelt type with its number, and misspelt
        // words elsewhere, still are.
        for (text, want) in [
            (
                "về tỉnh Bà Rịa – Vũng Tàu cũ",
                Some(("Bà Rịa – Vũng Tàu", "exact")),
            ),
            // No-break spaces between words (scraped `&nbsp;`) are spaces.
            (
                "về tỉnh Bà\u{a0}Rịa - Vũng\u{a0}Tàu cũ",
                Some(("Bà\u{a0}Rịa - Vũng\u{a0}Tàu", "exact")),
            ),
            ("về thị\u{a0}trấn mới", Some(("thị\u{a0}trấn", "exact"))),
            (
                "QUÂN CHỦNG PHÒNG KHÔNG – KHÔNG QUÂN",
                Some(("QUÂN CHỦNG PHÒNG KHÔNG – KHÔNG QUÂN", "case-variant")),
            ),
            ("Trường mầm non Lê Thị Trân", None),
            ("bị cáo Đinh Công Diện, 51 tuổi", None),
            ("nhận công diễn tại nhà hát", None),
            (
                "theo Công diện số 12/CĐ-TTg",
                Some(("Công diện", "diacritic-mismatch")),
            ),
            (
                "về thị trân Phú Lộc",
                Some(("thị trân", "diacritic-mismatch")),
            ),
        ] {
            let got: Vec<(String, &str)> = found(&m, text)
                .into_iter()
                .map(|(x, c, _)| (x, c))
                .collect();
            let want: Vec<(String, &str)> =
                want.into_iter().map(|(x, c)| (x.to_owned(), c)).collect();
            assert_eq!(got, want, "{text}");
        }
        // The dash-alike comparison itself.
        assert!(same_but_dashes("a – b", "a - b"));
        assert!(!same_but_dashes("a – b", "a - c"));
        assert!(!same_but_dashes("a – b", "a , b"));
        assert!(eq_lower("A – B", "a - b"));
    }

    /// Audit 3, finding 5: an unaccented multi-word span next to accented
    /// text is a real name (`Nha Trang`), not a term without its marks;
    /// unaccented lines still give ascii-span.
    #[test]
    fn multi_word_ascii_spans_next_to_accented_text_are_names() {
        let m = matcher(vec![
            Entry::term("Nhà Trắng", "White House"),
            Entry::term("Quốc hội", "National Assembly"),
        ]);
        for (text, ascii_span) in [
            ("thành phố Nha Trang, tỉnh Khánh Hòa", None),
            ("Nha Trang đón khách", None),
            ("tin tu Nha Trang hom qua", Some("Nha Trang")),
            ("(Anh: Quoc hoi/TTXVN)", Some("Quoc hoi")),
        ] {
            let hits = m.find(text).hits;
            let got: Vec<&str> = hits.iter().map(|h| h.text(text)).collect();
            assert_eq!(got, Vec::from_iter(ascii_span), "{text}");
            assert!(hits.iter().all(|h| h.class == HitClass::AsciiSpan));
        }
    }

    /// Audit 3, finding 6: a province whose first syllable is a family name
    /// continues a title's name like any other place; a person still does
    /// not.
    #[test]
    fn provinces_named_like_people_continue_a_title() {
        let m = matcher(vec![
            Entry::term(
                "Bí thư Tỉnh ủy",
                "Secretary of the provincial Party Committee",
            ),
            Entry::term(
                "Chủ tịch UBND tỉnh",
                "Chairman of the provincial People's Committee",
            ),
        ]);
        for place in [
            "Đồng Tháp",
            "Hà Tĩnh",
            "Lâm Đồng",
            "Thái Nguyên",
            "Cao Bằng",
        ] {
            let text = format!("Bí thư Tỉnh ủy {place} phát biểu");
            assert_eq!(m.find(&text).hits[0].class, HitClass::Partial, "{text}");
        }
        assert_eq!(
            m.find("Chủ tịch UBND tỉnh Ninh Bình").hits[0].class,
            HitClass::Partial
        );
        assert_eq!(
            m.find("Bí thư Tỉnh ủy Hà Văn Minh").hits[0].class,
            HitClass::Exact
        );
        assert!(PLACES.windows(2).all(|w| w[0] < w[1]));
    }

    /// Audit 3, finding 7: a confident hit right after a capitalised head
    /// noun of an official name is only part of that name.
    #[test]
    fn a_hit_after_the_head_of_a_longer_name_is_partial() {
        let terms = [
            "Đảng bộ tỉnh",
            "Tỉnh ủy",
            "Quốc hội",
            "CAND",
            "Bộ Y tế",
            "Hồ Chí Minh",
            "Tư lệnh",
        ];
        let m = matcher(terms.map(|s| Entry::term(s, "a name")).to_vec());
        for (text, hit) in [
            ("Ban Chấp hành Đảng bộ tỉnh khóa mới", "Đảng bộ tỉnh"),
            ("Đại hội đại biểu Đảng bộ tỉnh", "Đảng bộ tỉnh"),
            ("Ủy ban Kiểm tra Tỉnh ủy họp", "Tỉnh ủy"),
            ("Uỷ ban Tỉnh ủy", "Tỉnh ủy"),
            ("tham quan Nhà Quốc hội", "Quốc hội"),
            ("theo Báo CAND", "CAND"),
            ("Bộ Tư lệnh Quân khu 9", "Tư lệnh"),
        ] {
            let r = m.find(text);
            assert_eq!(r.hits.len(), 1, "{text}");
            assert_eq!(r.hits[0].text(text), hit, "{text}");
            assert_eq!(r.hits[0].class, HitClass::Partial, "{text}");
        }
        // The head begins the hit, is in lower case, or a person follows.
        for (text, hit, class) in [
            ("Bộ Y tế cho biết", "Bộ Y tế", HitClass::Exact),
            ("các ban Tỉnh ủy", "Tỉnh ủy", HitClass::Exact),
            ("Chủ tịch Hồ Chí Minh", "Hồ Chí Minh", HitClass::Exact),
            ("Tư lệnh Quân khu", "Tư lệnh", HitClass::Partial),
            // A head in a headline in capitals is a headline's word.
            ("TIN TỪ BÁO CAND", "CAND", HitClass::Exact),
        ] {
            assert_eq!(only_hit(&m, text), (hit, class), "{text}");
        }
    }

    /// Audit 3, finding 9: words between a pattern's literal and its slot
    /// are no attempt at a value; in capitals, a capitalised word is no
    /// number.
    #[test]
    fn words_before_a_slot_and_capitals_are_not_values() {
        let mut d = Entry::term("Đại hội {n} của Đảng", "{n} National Party Congress");
        d.kind = EntryKind::Pattern;
        d.slots = vec![("n".into(), SlotType::Numeral)];
        let hd = with_number(Entry::term("Hướng dẫn", "Guidance"));
        let m = matcher(vec![d, hd]);
        assert!(
            m.find("Đại hội Thi đua quyết thắng lần thứ II")
                .misses
                .is_empty()
        );
        assert_eq!(m.find("Đại hội XIIV của Đảng").misses.len(), 1);
        for (text, class) in [
            ("HƯỚNG DẪN THI HÀNH LUẬT", HitClass::Unnumbered),
            ("HƯỚNG DẪN 12-HD/TW", HitClass::CaseVariant),
            ("HƯỚNG DẪN SỐ 12-HD/TW", HitClass::CaseVariant),
            ("Hướng dẫn Tuyển sinh", HitClass::Partial),
        ] {
            assert_eq!(m.find(text).hits[0].class, class, "{text}");
        }
    }

    /// Audit 3, finding 12: `nguyên`/`cố` keep a title confident; `Phó`,
    /// `Thứ`, `Quyền` make it partial.
    #[test]
    fn former_and_late_keep_a_title_confident() {
        let titles = ["Tổng Bí thư", "Chủ tịch nước", "Bộ trưởng"];
        let m = matcher(titles.map(|s| Entry::term(s, "a title")).to_vec());
        for text in [
            "nguyên Tổng Bí thư Đỗ Mười",
            "Nguyên Tổng Bí thư Đỗ Mười",
            "cố Chủ tịch nước Trần Đức Lương",
            "NGUYEN Tổng Bí thư",
        ] {
            assert!(m.find(text).hits[0].class.is_confident(), "{text}");
        }
        for text in ["Phó Chủ tịch nước", "Thứ Bộ trưởng", "Quyền Bộ trưởng"]
        {
            assert_eq!(m.find(text).hits[0].class, HitClass::Partial, "{text}");
        }
    }

    #[test]
    fn forbidden_status_entries_are_not_searched() {
        let mut f = Entry::term("Bộ Công an", "Ministry of Police");
        f.status = Status::Forbidden;
        let m = matcher(vec![f]);
        assert!(m.find("Bộ Công an").hits.is_empty());
    }

    /// Audit 4, C1: a foreign name (no Vietnamese syllable) or a country
    /// after a title is no continuation of its name: the title stays
    /// confident. Provinces, Vietnamese names and the bodies after a title
    /// are read as before.
    #[test]
    fn foreign_names_and_countries_do_not_continue_a_title() {
        let terms = [
            "Tổng thống",
            "Thủ tướng",
            "Nhà Trắng",
            "Phó Thủ tướng",
            "Chính phủ",
            "Bí thư Tỉnh ủy",
            "Chủ tịch Quốc hội",
        ];
        let m = matcher(terms.map(|s| Entry::term(s, "a title")).to_vec());
        for (text, hit) in [
            ("Tổng thống Nga Ivan Petrov đến thăm", "Tổng thống"),
            ("Tổng thống Mỹ John Miller phát biểu", "Tổng thống"),
            ("Tổng thống Mỹ cho biết", "Tổng thống"),
            ("Thủ tướng Israel David Levi nói", "Thủ tướng"),
            ("Thủ tướng Nhật Bản Suzuki Hana họp báo", "Thủ tướng"),
            ("Thủ tướng Thái Lan phát biểu", "Thủ tướng"),
            ("Thủ tướng Trung Quốc Lý Minh nói", "Thủ tướng"),
            ("Tổng thống Park thăm Busan", "Tổng thống"),
            ("Tổng thống Petrov nói", "Tổng thống"),
            ("Tổng thống Ukraine cảm ơn", "Tổng thống"),
            ("Thủ tướng Anh Tom Baker", "Thủ tướng"),
            ("người phát ngôn Nhà Trắng Anna Smith nói", "Nhà Trắng"),
        ] {
            assert_eq!(only_hit(&m, text), (hit, HitClass::Exact), "{text}");
        }
        for (text, hit) in [
            ("Bí thư Tỉnh ủy Lào Cai phát biểu", "Bí thư Tỉnh ủy"),
            ("Bí thư Tỉnh ủy Đắk Lắk phát biểu", "Bí thư Tỉnh ủy"),
            ("Bí thư Tỉnh ủy Bắc Ninh phát biểu", "Bí thư Tỉnh ủy"),
            ("Tổng thống Cộng hòa Pháp phát biểu", "Tổng thống"),
            // A country's syllable beginning a word is no country.
            ("Thủ tướng Pháp luật", "Thủ tướng"),
        ] {
            assert_eq!(only_hit(&m, text), (hit, HitClass::Partial), "{text}");
        }
        // The chain and Vietnamese names as before.
        assert_eq!(
            found(&m, "Phó Thủ tướng Chính phủ Mỹ"),
            [
                t("Phó Thủ tướng", "partial", "a title"),
                t("Chính phủ", "partial", "a title")
            ]
        );
        assert_eq!(
            only_hit(&m, "Chủ tịch Quốc hội Trần Văn Minh"),
            ("Chủ tịch Quốc hội", HitClass::Exact)
        );
        assert!(COUNTRIES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn letters_told_by_their_bytes_are_word_characters() {
        for cp in 0x80..=0x2FFFu32 {
            if let Some(c) = char::from_u32(cp) {
                let mut buf = [0u8; 8];
                let s = c.encode_utf8(&mut buf);
                let b = format!("{s}a");
                if let Some(len) = vietnamese_letter_len(b.as_bytes(), 0) {
                    assert!(is_word_char(c), "U+{cp:04X}");
                    assert_eq!(len, c.len_utf8(), "U+{cp:04X}");
                }
            }
        }
    }

    #[test]
    fn same_bytes_is_equality() {
        let base: Vec<u8> = (0..40u8).collect();
        for n in 0..40 {
            let a = &base[..n];
            assert!(same_bytes(a, a));
            assert!(!same_bytes(a, &base[..n + 1]));
            for i in 0..n {
                let mut b = a.to_vec();
                b[i] ^= 0x20;
                assert!(!same_bytes(a, &b), "{n} {i}");
            }
        }
    }

    #[test]
    fn vi_letter_is_the_list() {
        for cp in 0..=0x2FFFu32 {
            if let Some(c) = char::from_u32(cp) {
                assert_eq!(vi_letter(c), VI_LETTERS.contains(c), "U+{cp:04X}");
            }
        }
    }

    #[test]
    fn vietnamese_syllables_are_told_from_foreign_words() {
        for w in [
            "Nga",
            "Nguyễn",
            "nghiêng",
            "Đắk",
            "Lắk",
            "khuya",
            "người",
            "Quốc",
            "giường",
            "xoong",
            "Huế",
            "thuở",
            "ươu",
            "Yên",
            "gì",
            "Trắng",
            "LÊ",
        ] {
            assert!(vietnamese_syllable(w), "{w}");
        }
        for w in [
            "Putin",
            "Israel",
            "Lee",
            "Trump",
            "Takaichi",
            "Ukraine",
            "Moon",
            "Zelensky",
            "Biden",
            "Karoline",
            "Jae",
            "Müller",
            "Sanae",
            "Washington",
            "Park",
        ] {
            assert!(!vietnamese_syllable(w), "{w}");
        }
    }

    /// Audit 4, C7: an acronym after a title ending in lower case is
    /// another body (`Hội đồng xét xử TAND`); a place abbreviation ending a
    /// hit is followed by the place, acronym or not (`UBND TP Cần Thơ` is
    /// partial like `Công an TP Cần Thơ`).
    #[test]
    fn acronyms_after_a_title_and_places_after_an_abbreviation() {
        let terms = [
            "Hội đồng xét xử",
            "TAND TP",
            "UBND TP",
            "Công an TP",
            "Ủy ban nhân dân",
            "Cần Thơ",
            "Chủ tịch UBND TP",
        ];
        let m = matcher(terms.map(|s| Entry::term(s, "a body")).to_vec());
        assert_eq!(
            found(&m, "Hội đồng xét xử TAND TP Hà Nội tuyên án"),
            [
                t("Hội đồng xét xử", "exact", "a body"),
                t("TAND TP", "partial", "a body")
            ]
        );
        for text in ["UBND TP Cần Thơ họp", "Công an TP Cần Thơ cho biết"] {
            let r = m.find(text);
            assert_eq!(r.hits.len(), 2, "{text}");
            assert!(
                r.hits.iter().all(|h| h.class == HitClass::Partial),
                "{text}"
            );
        }
        assert_eq!(
            only_hit(&m, "Ủy ban nhân dân TP Huế"),
            ("Ủy ban nhân dân", HitClass::Partial)
        );
        assert_eq!(only_hit(&m, "UBND TP. Các"), ("UBND TP", HitClass::Exact));
        // A person after it is the unit's head, the city unnamed.
        assert_eq!(
            only_hit(&m, "Chủ tịch UBND TP Nguyễn Văn Tám"),
            ("Chủ tịch UBND TP", HitClass::Exact)
        );
        // `TPHCM` names the place: no new body.
        assert_eq!(
            only_hit(&m, "Hội đồng xét xử TPHCM"),
            ("Hội đồng xét xử", HitClass::Partial)
        );
    }

    /// Audit 4, C3: a longer term that starts inside a hit and ends beyond
    /// it makes the hit partial, and the name after it too.
    #[test]
    fn a_longer_term_across_the_end_of_a_hit_makes_it_partial() {
        let m = matcher(vec![
            Entry::term("Tòa án nhân dân thành phố", "municipal People's Court"),
            Entry::term("Thành phố Hồ Chí Minh", "Ho Chi Minh City"),
            Entry::term("Hồ Chí Minh", "Ho Chi Minh"),
            Entry::term("Chủ tịch", "President"),
        ]);
        assert_eq!(
            found(&m, "Tòa án nhân dân Thành phố Hồ Chí Minh mở phiên tòa"),
            [
                t(
                    "Tòa án nhân dân Thành phố",
                    "partial",
                    "municipal People's Court"
                ),
                t("Hồ Chí Minh", "partial", "Ho Chi Minh")
            ]
        );
        assert_eq!(
            found(&m, "Chủ tịch Hồ Chí Minh"),
            [
                t("Chủ tịch", "exact", "President"),
                t("Hồ Chí Minh", "exact", "Ho Chi Minh")
            ]
        );
        assert_eq!(
            only_hit(&m, "Tòa án nhân dân thành phố xử"),
            ("Tòa án nhân dân thành phố", HitClass::Exact)
        );
    }

    /// Audit 4, C2/C5/C4 and audit 3's `2024-Chính phủ`: `số` before a
    /// number is the number's; a type's number may follow its issuer; a
    /// number that counts is no document's.
    #[test]
    fn issuers_quantities_and_years_around_numbers() {
        let mut plan = Entry::term("Kế hoạch số {code}", "Plan No. {code}");
        plan.kind = EntryKind::Pattern;
        plan.slots = vec![("code".into(), SlotType::Docnum)];
        plan.variants = vec!["Kế hoạch {code}".into()];
        let mut n = Entry::term("Nghị quyết {n}", "Resolution {n}");
        n.kind = EntryKind::Pattern;
        n.slots = vec![("n".into(), SlotType::Int)];
        let m = matcher(vec![
            plan,
            n,
            with_number(Entry::term("Kế hoạch", "Plan")),
            with_number(Entry::term("Nghị quyết", "Resolution")),
            with_number(Entry::term("Quyết định", "Decision")),
            Entry::term("Chính phủ số", "digital government"),
            Entry::term("Chính phủ", "Government"),
            Entry::term("Thủ tướng Chính phủ", "Prime Minister"),
        ]);
        assert_eq!(
            found(&m, "Nghị quyết của Chính phủ số 01/NQ-CP được ban hành"),
            [
                t("Nghị quyết", "exact", "Resolution"),
                t("Chính phủ", "exact", "Government")
            ]
        );
        assert_eq!(
            found(&m, "NGHỊ ĐỊNH CỦA CHÍNH PHỦ SỐ 19/2002/NĐ-CP"),
            [t("CHÍNH PHỦ", "case-variant", "Government")]
        );
        assert_eq!(
            found(&m, "Quyết định của Thủ tướng Chính phủ số 12/QĐ-TTg"),
            [
                t("Quyết định", "exact", "Decision"),
                t("Thủ tướng Chính phủ", "exact", "Prime Minister")
            ]
        );
        assert_eq!(
            only_hit(&m, "xây dựng Chính phủ số hiện đại"),
            ("Chính phủ số", HitClass::Exact)
        );
        for text in [
            "Nghị quyết của Đảng về kinh tế",
            "Nghị quyết của Chính phủ, số liệu",
        ] {
            assert_eq!(m.find(text).hits[0].class, HitClass::Unnumbered, "{text}");
        }
        for text in [
            "Mỹ công bố Kế hoạch 21 điểm cho khu vực",
            "Kế hoạch 5 năm tới",
            "Kế hoạch 3,5 tỷ đồng",
            "Kế hoạch 12% tăng trưởng",
        ] {
            let r = m.find(text);
            assert_eq!(r.misses, [], "{text}");
            assert_eq!(r.hits[0].text(text), "Kế hoạch", "{text}");
            assert_eq!(r.hits[0].class, HitClass::Unnumbered, "{text}");
        }
        assert_eq!(
            only_hit(&m, "Nghị quyết 10 người đọc"),
            ("Nghị quyết", HitClass::Unnumbered)
        );
        assert_eq!(
            found(&m, "Nghị quyết 57 năm 2024"),
            [t("Nghị quyết 57", "exact", "Resolution 57")]
        );
        assert_eq!(
            found(&m, "Nghị quyết 19 ngày 13-7"),
            [t("Nghị quyết 19", "exact", "Resolution 19")]
        );
        assert_eq!(
            found(&m, "Kế hoạch số 81/KH-UBND ngày 2/3"),
            [t("Kế hoạch số 81/KH-UBND", "exact", "Plan No. 81/KH-UBND")]
        );
        // A year glued to a word by a hyphen is no code.
        assert_eq!(
            only_hit(&m, "Trong năm 2024-Chính phủ đã làm"),
            ("Chính phủ", HitClass::Exact)
        );
        assert_eq!(m.find("số 12/2024/NQ-Chính").hits, []);
    }

    #[test]
    fn heads_of_units_titles_acronyms_and_datelines_before_a_hit() {
        let terms = [
            "Quốc hội",
            "Cảnh sát kinh tế",
            "Cơ quan Cảnh sát điều tra",
            "CSGT",
            "UBND tỉnh",
            "KH&CN",
            "HĐND",
            "UBND",
            "Bí thư",
            "Ủy ban Thường vụ Quốc hội",
            "UBTVQH",
            "VKSND",
            "TAND TP",
        ];
        let m = matcher(terms.map(|s| Entry::term(s, "a body")).to_vec());
        let class_of = |text: &str, hit: &str| {
            let r = m.find(text);
            let h = r
                .hits
                .iter()
                .find(|h| h.text(text) == hit)
                .unwrap_or_else(|| panic!("{hit} in {text}: {:?}", r.hits));
            h.class
        };
        for (text, hit) in [
            ("Ông dẫn khách thăm Tòa nhà Quốc hội mới xây.", "Quốc hội"),
            ("Toà nhà Quốc hội sáng đèn.", "Quốc hội"),
            (
                "Cục Cảnh sát kinh tế vừa khởi tố vụ án.",
                "Cảnh sát kinh tế",
            ),
            (
                "Phòng Cảnh sát kinh tế Công an tỉnh vào cuộc.",
                "Cảnh sát kinh tế",
            ),
            ("Phòng CSGT đã lập biên bản.", "CSGT"),
            ("Phó Trưởng phòng CSGT cho biết thêm.", "CSGT"),
            (
                "Văn phòng Cơ quan Cảnh sát điều tra thông báo.",
                "Cơ quan Cảnh sát điều tra",
            ),
            ("Chánh văn phòng Quốc hội đọc tờ trình.", "Quốc hội"),
            ("Đảng ủy UBND tỉnh tổ chức hội nghị.", "UBND tỉnh"),
            ("Ban cán sự đảng UBND tỉnh họp.", "UBND tỉnh"),
            (
                "Trưởng Cơ quan Cảnh sát điều tra ký.",
                "Cơ quan Cảnh sát điều tra",
            ),
            ("Lãnh đạo Sở GD-KH&CN tỉnh dự họp.", "KH&CN"),
            ("Hà NộiTổng Bí thư phát biểu khai mạc.", "Bí thư"),
            (
                "Ủy ban Thường vụ Quốc hội (UBTVQH) họp phiên thứ 50.",
                "UBTVQH",
            ),
            ("theo Viện kiểm sát nhân dân (VKSND) cùng cấp", "VKSND"),
            ("Hôm qua, TAND TP. Cần Thơ mở phiên tòa.", "TAND TP"),
        ] {
            assert_eq!(class_of(text, hit), HitClass::Partial, "{hit} in {text}");
        }
        for (text, hit) in [
            // A head in lower case, or a word that is none.
            ("tại phòng họp Quốc hội", "Quốc hội"),
            ("các cục Cảnh sát kinh tế", "Cảnh sát kinh tế"),
            // Two acronyms joined by a hyphen, no head before them.
            ("Lãnh đạo HĐND-UBND tỉnh", "HĐND"),
            // A brand with an inner capital is no glued dateline.
            ("Theo VnExpress Bí thư xã cho biết", "Bí thư"),
            // An acronym in brackets that is not the words before it.
            ("ý kiến của Quốc hội (VKSND) nêu", "VKSND"),
            // A sentence's full stop after a place abbreviation needs a
            // capitalised word after it to make the hit partial.
            ("Hồ sơ đã chuyển TAND TP. rồi", "TAND TP"),
        ] {
            assert!(class_of(text, hit).is_confident(), "{hit} in {text}");
        }
        assert_eq!(
            class_of("Lãnh đạo HĐND-UBND tỉnh", "UBND tỉnh"),
            HitClass::Exact
        );
    }

    #[test]
    fn a_given_name_alone_after_a_rank_ends_it() {
        let terms = ["Đại tá", "Luật", "BCH Trung ương"];
        let m = matcher(terms.map(|s| Entry::term(s, "a title")).to_vec());
        let first_class = |text: &str| m.find(text).hits[0].class;
        assert_eq!(
            first_class("Theo Đại tá Khoa, vụ việc đã rõ."),
            HitClass::Exact
        );
        // `phòng chống` is a word: the name goes on.
        assert_eq!(
            first_class("thông qua Luật Phòng, chống thiên tai"),
            HitClass::Partial
        );
        // A capital after the comma tells nothing; nor a full stop (`Công
        // an Huế.` ends with a place).
        assert_eq!(
            first_class("Ủy viên BCH Trung ương Đảng, Bộ trưởng"),
            HitClass::Partial
        );
        assert_eq!(first_class("gặp Đại tá Khoa."), HitClass::Partial);
    }

    #[test]
    fn a_time_after_a_pattern_is_a_quantity_not_its_value() {
        let games = Entry {
            kind: EntryKind::Pattern,
            slots: vec![("n".into(), SlotType::Numeral)],
            ..Entry::term("Đại hội Thể thao {n}", "{n} Sports Games")
        };
        let m = matcher(vec![games, Entry::term("Đại hội Thể thao", "Sports Games")]);
        // No miss, and the name alone is the hit.
        let name_only = |text: &str| {
            let r = m.find(text);
            r.misses.is_empty() && r.hits.first().map(|h| h.text(text)) == Some("Đại hội Thể thao")
        };
        for text in [
            "phá kỷ lục Đại hội Thể thao 4 phút 12 giây 35 của năm trước",
            "về đích tại Đại hội Thể thao 2 giờ 5 phút sau xuất phát",
            "chạy ở Đại hội Thể thao 58 giây 20",
        ] {
            assert!(name_only(text), "{text}: {:?}", m.find(text));
        }
        assert_eq!(
            found(&m, "Đại hội Thể thao 12 diễn ra ở Đà Nẵng"),
            [t("Đại hội Thể thao 12", "exact", "12th Sports Games")]
        );
    }
}
