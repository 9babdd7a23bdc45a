//! Vietnamese compound words, to tell a misspelt term from a real word.
//!
//! The list is the multi-syllable part (25,414 words) of `words.txt` in the
//! pyvi package (version 0.1.1, MIT licence, `words/LICENSE-pyvi.txt`), put
//! in NFC and lower case. A syllable list (hunspell's) cannot tell `Chị thị`
//! (a misspelling of `Chỉ thị`) from `Thủ trưởng` (a real word that folds
//! like `Thứ trưởng`): every syllable of both is a real syllable. A list of
//! words can: `thủ trưởng` is listed, `chị thị` is not.
//!
//! The list is indexed by ASCII fold once per process, when the first
//! matcher that flags diacritics is built (or on first use): the hash of
//! each line's lower-cased ASCII fold in an open-addressing table, and the
//! lines' keys back to back in one string. A look-up
//! folds the syllables (a table read per character, no tone placement, no
//! case mapping) and hashes each run; only a run whose fold is a listed
//! word's fold (`thu truong` for `Thủ trưởng`, rare) is put in canonical
//! tone placement and lower case and compared with those lines' keys. The
//! fold of a word's key is the fold of the word (a test checks it for every
//! character whose lower case can be in the list), so the fold never rules
//! out a listed word.
//!
//! The table is read for every run looked up (thousands per megabyte of
//! copy), so it is kept small and flat: a probe reads one `u32` slot, then,
//! only when 16 more bits of the hash agree, one 16-byte line record (its
//! whole hash and where its key is), then the key's bytes. A run's fold and
//! key are built on the stack ([`MAX_BYTES`] bounds every listed word's),
//! with no thread-local buffer and no allocation.

use std::cell::RefCell;
use std::sync::OnceLock;

use unicode_normalization::{IsNormalized, is_nfc_quick};

use super::text::{canon_tone, key, lower_char, may_move_tone};

const LIST: &str = include_str!("words/vi-compounds.txt");

/// FxHash-style word-at-a-time hash of a folded form (ASCII bytes).
fn fold_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let mut h: u64 = 0;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    let mut last = [0u8; 8];
    last[..rest.len()].copy_from_slice(rest);
    let w = u64::from_le_bytes(last) ^ ((rest.len() as u64) << 56);
    (h.rotate_left(5) ^ w).wrapping_mul(K)
}

/// Appends the lower-cased ASCII fold of `text` to `out` (the matcher's
/// folded view of a text, character by character).
fn fold_lower_into(text: &str, out: &mut Vec<u8>) {
    let fold_fast = crate::transliterate::fold_fast_fn();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            out.push(b.to_ascii_lowercase());
            i += 1;
            continue;
        }
        let (cp, len) = crate::transliterate::decode_at(bytes, i);
        match fold_fast(cp) {
            Some(0) => {}
            Some(f) => out.push(f.to_ascii_lowercase()),
            None => {
                let c = char::from_u32(cp).expect("valid UTF-8");
                out.extend(
                    crate::transliterate::fold_char(c)
                        .bytes()
                        .map(|f| f.to_ascii_lowercase()),
                );
            }
        }
        i += len;
    }
}

/// The most bytes of a listed word's key or fold (the longest line has 59
/// bytes, 43 folded; checked when the index is built): a longer run is no
/// listed word, and a run's fold and key are built in buffers this long.
const MAX_BYTES: usize = 64;

/// One line of the list, as the index keeps it (16 bytes: four to a cache
/// line).
#[derive(Debug, Clone, Copy)]
struct Line {
    /// [`fold_hash`] of its lower-cased ASCII fold.
    hash: u64,
    /// Its [`key`] ([`line_key`], computed once here: a look-up compares
    /// keys only): a range of [`Index::keys`].
    key: (u32, u32),
}

/// The list, indexed by the hash of each line's fold.
struct Index {
    lines: Vec<Line>,
    /// The lines' keys, back to back.
    keys: String,
    /// Open addressing by the hash's top bits: line index + 1 in the low
    /// 16 bits (0: empty), the 16 hash bits below the slot's in the high
    /// ones, so that a probe reads one slot and no line unless those bits
    /// agree (most probes are for unlisted runs).
    slots: Vec<u32>,
    shift: u32,
}

/// The 16 bits of `h` stored in a slot next to its line.
fn tag(h: u64, shift: u32) -> u32 {
    ((h >> (shift - 16)) & 0xFFFF) as u32
}

impl Index {
    fn build() -> Index {
        let list: Vec<&'static str> = LIST.lines().filter(|l| !l.is_empty()).collect();
        let bits = (list.len() * 2).next_power_of_two().trailing_zeros().max(4);
        let mask = (1usize << bits) - 1;
        let mut slots = vec![0u32; 1 << bits];
        let mut lines = Vec::with_capacity(list.len());
        let mut keys = String::new();
        let mut buf = Vec::new();
        for (i, line) in list.iter().enumerate() {
            buf.clear();
            fold_lower_into(line, &mut buf);
            let h = fold_hash(&buf);
            let k = line_key(line);
            assert!(
                buf.len() <= MAX_BYTES && k.len() <= MAX_BYTES,
                "a listed word longer than {MAX_BYTES} bytes: {line}"
            );
            let at = keys.len() as u32;
            keys.push_str(&k);
            lines.push(Line {
                hash: h,
                key: (at, keys.len() as u32),
            });
            let mut s = (h >> (64 - bits)) as usize;
            while slots[s] != 0 {
                s = (s + 1) & mask;
            }
            let line = u32::try_from(i + 1)
                .ok()
                .filter(|&l| l <= 0xFFFF)
                .expect("fewer than 2^16 lines");
            slots[s] = line | (tag(h, 64 - bits) << 16);
        }
        Index {
            lines,
            keys,
            slots,
            shift: 64 - bits,
        }
    }

    /// The lines whose fold hashes to `h`.
    fn with_hash(&self, h: u64) -> impl Iterator<Item = &Line> + '_ {
        let mask = self.slots.len() - 1;
        let mut s = (h >> self.shift) as usize;
        let t = tag(h, self.shift);
        std::iter::from_fn(move || {
            loop {
                let slot = self.slots[s];
                if slot == 0 {
                    return None;
                }
                s = (s + 1) & mask;
                if slot >> 16 != t {
                    continue;
                }
                let line = &self.lines[(slot & 0xFFFF) as usize - 1];
                if line.hash == h {
                    return Some(line);
                }
            }
        })
        .fuse()
    }

    /// A line's key.
    fn key(&self, line: &Line) -> &[u8] {
        &self.keys.as_bytes()[line.key.0 as usize..line.key.1 as usize]
    }

    /// Is `key` (a [`key`]) a listed word, whose fold hashes to `h`?
    fn contains(&self, h: u64, key: &[u8]) -> bool {
        self.with_hash(h).any(|l| self.key(l) == key)
    }
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(Index::build)
}

/// Builds the index now if it is not built yet (once per process): a
/// matcher that will look words up calls it when it is built, so that no
/// search pays for it.
pub fn prepare() {
    index();
}

/// One line's key ([`key`]), without allocating when it already is one
/// (the list is in NFC and lower case; a few lines have the other tone
/// placement).
fn line_key(line: &'static str) -> std::borrow::Cow<'static, str> {
    if is_nfc_quick(line.chars()) == IsNormalized::Yes {
        let canon = canon_tone(line).0;
        if !canon.chars().any(char::is_uppercase) {
            return canon;
        }
    }
    std::borrow::Cow::Owned(key(line))
}

/// Is `syllables` (joined by single spaces; any case, either tone
/// placement) a listed compound word?
pub fn is_compound(syllables: &str) -> bool {
    let k = key(syllables);
    let mut folded = Vec::new();
    fold_lower_into(&k, &mut folded);
    index().contains(fold_hash(&folded), k.as_bytes())
}

/// [`is_compound`] of syllables given one by one, in NFC (the matcher's
/// view of a text): no allocation once the thread's buffer has grown.
pub fn is_compound_nfc<'a>(syllables: impl IntoIterator<Item = &'a str>) -> bool {
    any_compound_nfc(syllables, &[(0, usize::MAX)])
}

/// The thread's buffers for the look-ups below.
#[derive(Default)]
struct Buffers {
    /// Syllables given one by one ([`any_compound_folded`]), joined by
    /// single spaces.
    text: String,
    /// Their folds, joined by single spaces.
    folded: Vec<u8>,
    /// Per syllable: its range in `text` and in `folded`.
    bounds: Vec<Syllable>,
}

thread_local! {
    static BUF: RefCell<Buffers> = RefCell::new(Buffers::default());
}

/// One syllable of a text and of its lower-cased ASCII fold: byte ranges.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Syllable {
    /// Its bytes in the text (NFC).
    pub text: (usize, usize),
    /// The bytes its characters fold to in the folded text.
    pub folded: (usize, usize),
}

/// Is any run of consecutive `syllables` (NFC) a listed compound word? A
/// run `(a, b)` is the syllables `a..b` (`b` past the end: to the end).
/// No allocation once the thread's buffers have grown.
pub fn any_compound_nfc<'a>(
    syllables: impl IntoIterator<Item = &'a str>,
    runs: &[(usize, usize)],
) -> bool {
    any_compound_folded(syllables.into_iter().map(|s| (s, None)), runs)
}

/// [`any_compound_nfc`] of syllables that may come with their lower-cased
/// ASCII fold (`None`: folded here). The syllables are folded once; a run
/// is put in canonical tone placement and lower case only when its fold is
/// a listed word's.
pub fn any_compound_folded<'a>(
    syllables: impl IntoIterator<Item = (&'a str, Option<&'a [u8]>)>,
    runs: &[(usize, usize)],
) -> bool {
    BUF.with_borrow_mut(|b| {
        b.text.clear();
        b.folded.clear();
        b.bounds.clear();
        for (i, (s, folded)) in syllables.into_iter().enumerate() {
            if i > 0 {
                b.text.push(' ');
                b.folded.push(b' ');
            }
            let (t, f) = (b.text.len(), b.folded.len());
            b.text.push_str(s);
            match folded {
                Some(f) => b.folded.extend_from_slice(f),
                None => fold_lower_into(s, &mut b.folded),
            }
            b.bounds.push(Syllable {
                text: (t, b.text.len()),
                folded: (f, b.folded.len()),
            });
        }
        any_run_listed(&b.text, &b.folded, &b.bounds, runs)
    })
}

/// [`any_compound_nfc`] of syllables given as ranges of a text (NFC) and
/// of its lower-cased ASCII fold (the matcher's two views): nothing is
/// copied for a run whose syllables are separated by single spaces in the
/// fold (the usual case); a run is put in canonical tone placement and
/// lower case only when its fold is a listed word's. No thread-local
/// buffer: the matcher calls it for most hits.
pub fn any_compound_at(
    nfc: &str,
    folded: &[u8],
    syllables: &[Syllable],
    runs: &[(usize, usize)],
) -> bool {
    any_run_listed(nfc, folded, syllables, runs)
}

/// Up to [`MAX_BYTES`] bytes on the stack: a run's fold or key. A run
/// longer than that is no listed word, which [`Bytes::push`] tells.
struct Bytes {
    buf: [u8; MAX_BYTES],
    len: usize,
}

impl Bytes {
    fn new() -> Bytes {
        Bytes {
            buf: [0; MAX_BYTES],
            len: 0,
        }
    }

    /// Appends `b`; `false` (and nothing appended) past [`MAX_BYTES`].
    #[inline]
    fn push(&mut self, b: &[u8]) -> bool {
        let Some(to) = self.buf.get_mut(self.len..self.len + b.len()) else {
            return false;
        };
        to.copy_from_slice(b);
        self.len += b.len();
        true
    }

    fn as_slice(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Appends the key of one syllable (NFC) to `key`, as [`key`] makes it:
/// canonical tone placement (only when a rewrite is possible: most
/// syllables need none), then lower case character by character. `false`
/// past [`MAX_BYTES`].
fn push_syllable_key(syllable: &str, key: &mut Bytes) -> bool {
    let canon = if may_move_tone(syllable) {
        canon_tone(syllable).0
    } else {
        std::borrow::Cow::Borrowed(syllable)
    };
    let mut utf8 = [0u8; 4];
    canon.chars().all(|c| {
        if c.is_ascii() {
            key.push(&[c.to_ascii_lowercase() as u8])
        } else {
            key.push(lower_char(c).encode_utf8(&mut utf8).as_bytes())
        }
    })
}

/// The look-up of [`any_compound_at`].
fn any_run_listed(
    nfc: &str,
    folded: &[u8],
    syllables: &[Syllable],
    runs: &[(usize, usize)],
) -> bool {
    let index = index();
    runs.iter().any(|&(first, end)| {
        let end = end.min(syllables.len());
        if first >= end {
            return false;
        }
        let run = &syllables[first..end];
        // The run's fold, its syllables' folds joined by single spaces: a
        // piece of `folded` when one space separates them there.
        let one_piece = run
            .windows(2)
            .all(|w| w[1].folded.0 == w[0].folded.1 + 1 && folded[w[0].folded.1] == b' ');
        let h = if one_piece {
            let fold = &folded[run[0].folded.0..run[run.len() - 1].folded.1];
            if fold.len() > MAX_BYTES {
                return false;
            }
            fold_hash(fold)
        } else {
            let mut joined = Bytes::new();
            for (j, s) in run.iter().enumerate() {
                if (j > 0 && !joined.push(b" ")) || !joined.push(&folded[s.folded.0..s.folded.1]) {
                    return false;
                }
            }
            fold_hash(joined.as_slice())
        };
        let mut lines = index.with_hash(h).peekable();
        if lines.peek().is_none() {
            return false;
        }
        // The run's key, syllable by syllable, as `key` makes it.
        let mut key = Bytes::new();
        for (j, s) in run.iter().enumerate() {
            if (j > 0 && !key.push(b" ")) || !push_syllable_key(&nfc[s.text.0..s.text.1], &mut key)
            {
                return false;
            }
        }
        lines.any(|l| index.key(l) == key.as_slice())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_words_and_the_seed_typo() {
        for w in [
            "Thủ trưởng",
            "thứ trưởng",
            "ra quân",
            "triệt phá",
            "quán triệt",
            "chỉ thị",
            "hoà bình",
            "hòa bình",
        ] {
            assert!(is_compound(w), "{w}");
        }
        for w in ["Chị thị", "quân triệt", "thị số", "triệt chị"] {
            assert!(!is_compound(w), "{w}");
        }
        assert!(is_compound_nfc(["Thủ", "trưởng"]));
        assert!(is_compound_nfc(["hòa", "bình"]));
        assert!(!is_compound_nfc(["Chị", "thị"]));
        // Runs of one syllable list, each looked up on its own.
        let s = ["ra", "quân", "triệt", "phá"];
        assert!(any_compound_nfc(s, &[(1, 3), (0, 2)]));
        assert!(any_compound_nfc(s, &[(2, 9)]));
        assert!(!any_compound_nfc(s, &[(1, 3), (0, 3), (4, 9)]));
        assert!(!any_compound_nfc([], &[(0, 9)]));
    }

    #[test]
    fn borrowed_line_keys_are_the_keys() {
        for line in LIST.lines().filter(|l| !l.is_empty()) {
            assert_eq!(line_key(line), key(line), "{line}");
        }
        for line in ["Thủ trưởng", "hoà bình", "ho\u{300}a bi\u{300}nh"] {
            assert_eq!(line_key(line), key(line), "{line}");
        }
    }

    proptest::proptest! {
        /// [`any_compound_at`] on the two views of a text (its syllables
        /// separated by any white space, so that a run's fold is sometimes
        /// one piece of the folded view and sometimes not) says what
        /// [`any_compound_nfc`] says of the same syllables as strings.
        #[test]
        fn lookups_on_the_views_equal_lookups_on_strings(
            picks in proptest::collection::vec(
                (0usize..17, proptest::sample::select(vec![" ", " ", " ", "\u{a0}", "  ", "\t", "\u{3000}"])),
                1..7,
            ),
            runs in proptest::collection::vec((0usize..8, 0usize..9), 0..5),
        ) {
            // The last one: a syllable longer than every listed word, whose
            // runs are ruled out by their length.
            const SYLLABLES: [&str; 17] = [
                "Thủ", "trưởng", "ra", "quân", "triệt", "phá", "hòa", "bình",
                "CHỈ", "thị", "Chị", "quán", "THỨ", "hoà", "Đảng", "x",
                "Nghiêngnghiêngnghiêngnghiêngnghiêngnghiêngnghiêngnghiêng",
            ];
            let mut text = String::new();
            let mut ranges = Vec::new();
            for (i, &(k, sep)) in picks.iter().enumerate() {
                if i > 0 {
                    text.push_str(sep);
                }
                ranges.push((text.len(), text.len() + SYLLABLES[k].len()));
                text.push_str(SYLLABLES[k]);
            }
            let (folded, map) = crate::glossary::text::fold_with_map(&text);
            let at: Vec<Syllable> = ranges
                .iter()
                .map(|&(s, e)| Syllable {
                    text: (s, e),
                    folded: (
                        map.partition_point(|&m| (m as usize) < s),
                        map.partition_point(|&m| (m as usize) < e),
                    ),
                })
                .collect();
            let strings: Vec<&str> = ranges.iter().map(|&(s, e)| &text[s..e]).collect();
            proptest::prop_assert_eq!(
                any_compound_at(&text, folded.as_bytes(), &at, &runs),
                any_compound_nfc(strings.iter().copied(), &runs),
                "{:?} {:?}", text, runs
            );
            // Each run on its own, against the whole-word look-up.
            for &(a, b) in &runs {
                let b = b.min(strings.len());
                if a < b {
                    proptest::prop_assert_eq!(
                        any_compound_at(&text, folded.as_bytes(), &at, &[(a, b)]),
                        is_compound(&strings[a..b].join(" ")),
                        "{:?} {:?}", text, (a, b)
                    );
                }
            }
        }
    }

    fn folded(s: &str) -> Vec<u8> {
        let mut out = Vec::new();
        fold_lower_into(s, &mut out);
        out
    }

    /// The index finds every line by its key's fold (so the fold of a run
    /// whose key is listed always leads to the line), in any case and
    /// either tone placement, whole or syllable by syllable.
    #[test]
    fn every_line_is_found_by_its_fold() {
        for line in LIST.lines().filter(|l| !l.is_empty()) {
            let k = key(line);
            assert_eq!(folded(&k), folded(line), "{line}");
            assert!(is_compound(line), "{line}");
            let upper = line.to_uppercase();
            assert!(is_compound_nfc(upper.split(' ')), "{upper}");
            let old_style = line.replace("oà", "òa").replace("uỷ", "ủy");
            if key(&old_style) == k {
                assert!(is_compound_nfc(old_style.split(' ')), "{old_style}");
            }
        }
    }

    /// A key's fold is the text's fold: for every character whose lower
    /// case (as [`key`] makes it) can be in the list, the two fold alike;
    /// canonical tone placement keeps the fold.
    #[test]
    fn a_keys_fold_is_the_texts_fold() {
        let alphabet: std::collections::BTreeSet<char> =
            LIST.chars().filter(|c| *c != '\n').collect();
        for cp in 0..=0x10_FFFFu32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let l = lower_char(c);
            if alphabet.contains(&l) {
                let (cs, ls) = (c.to_string(), l.to_string());
                assert_eq!(folded(&cs), folded(&ls), "U+{cp:04X}");
            }
        }
        for s in ["hòa", "thủy", "Ủy", "khỏe", "HÒA", "quý"] {
            assert_eq!(folded(&canon_tone(s).0), folded(s), "{s}");
        }
    }
}
