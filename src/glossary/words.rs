//! Vietnamese compound words, to tell a misspelt term from a real word.
//!
//! The list is the multi-syllable part (25,414 words) of `words.txt` in the
//! pyvi package (version 0.1.1, MIT licence, `words/LICENSE-pyvi.txt`), put
//! in NFC and lower case. A syllable list (hunspell's) cannot tell `Chị thị`
//! (a misspelling of `Chỉ thị`) from `Thủ trưởng` (a real word that folds
//! like `Thứ trưởng`): every syllable of both is a real syllable. A list of
//! words can: `thủ trưởng` is listed, `chị thị` is not.
//!
//! The set is built on first use (a `diacritic-mismatch` candidate), once
//! per process: the lines are borrowed from the binary (they are already in
//! NFC and lower case; only the few whose tone placement differs from the
//! canonical one are copied), hashed with a fast non-keyed hash (the keys
//! are this fixed list, not input).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use unicode_normalization::{IsNormalized, is_nfc_quick};

use super::text::{canon_tone, key, lower_char};

const LIST: &str = include_str!("words/vi-compounds.txt");

/// FxHash-style word-at-a-time hash: the keys are short and hashed at every
/// look-up, where SipHash cost more than the rest of the look-up.
#[derive(Default)]
struct Fx(u64);

impl Fx {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(last) ^ ((rest.len() as u64) << 56));
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type WordSet = HashSet<Cow<'static, str>, BuildHasherDefault<Fx>>;

/// One line's key ([`key`]), borrowed from the list when it already is one.
fn line_key(line: &'static str) -> Cow<'static, str> {
    if is_nfc_quick(line.chars()) == IsNormalized::Yes {
        let canon = canon_tone(line).0;
        if !canon.chars().any(char::is_uppercase) {
            return canon;
        }
    }
    Cow::Owned(key(line))
}

fn set() -> &'static WordSet {
    static SET: OnceLock<WordSet> = OnceLock::new();
    SET.get_or_init(|| {
        LIST.lines()
            .filter(|l| !l.is_empty())
            .map(line_key)
            .collect()
    })
}

/// Is `syllables` (joined by single spaces; any case, either tone
/// placement) a listed compound word?
pub fn is_compound(syllables: &str) -> bool {
    set().contains(key(syllables).as_str())
}

/// [`is_compound`] of syllables given one by one, in NFC (the matcher's
/// view of a text): no allocation once the thread's buffer has grown.
pub fn is_compound_nfc<'a>(syllables: impl IntoIterator<Item = &'a str>) -> bool {
    any_compound_nfc(syllables, &[(0, usize::MAX)])
}

/// Is any run of consecutive `syllables` (NFC) a listed compound word? A
/// run `(a, b)` is the syllables `a..b` (`b` past the end: to the end). Each
/// syllable is put in canonical tone placement and lower case once, however
/// many runs it is in; no allocation once the thread's buffers have grown.
pub fn any_compound_nfc<'a>(
    syllables: impl IntoIterator<Item = &'a str>,
    runs: &[(usize, usize)],
) -> bool {
    thread_local! {
        static BUF: RefCell<(String, Vec<(usize, usize)>)> =
            const { RefCell::new((String::new(), Vec::new())) };
    }
    BUF.with_borrow_mut(|(buf, bounds)| {
        buf.clear();
        bounds.clear();
        for (i, s) in syllables.into_iter().enumerate() {
            if i > 0 {
                buf.push(' ');
            }
            let start = buf.len();
            buf.extend(canon_tone(s).0.chars().map(lower_char));
            bounds.push((start, buf.len()));
        }
        let set = set();
        runs.iter().any(|&(a, b)| {
            let b = b.min(bounds.len());
            a < b && set.contains(&buf[bounds[a].0..bounds[b - 1].1])
        })
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
}
