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
//! per process.

use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::OnceLock;

use super::text::{canon_tone, key, lower_char};

const LIST: &str = include_str!("words/vi-compounds.txt");

fn set() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| LIST.lines().filter(|l| !l.is_empty()).map(key).collect())
}

/// Is `syllables` (joined by single spaces; any case, either tone
/// placement) a listed compound word?
pub fn is_compound(syllables: &str) -> bool {
    set().contains(&key(syllables))
}

/// [`is_compound`] of syllables given one by one, in NFC (the matcher's
/// view of a text): no allocation once the thread's buffer has grown.
pub fn is_compound_nfc<'a>(syllables: impl IntoIterator<Item = &'a str>) -> bool {
    thread_local! {
        static BUF: RefCell<String> = const { RefCell::new(String::new()) };
    }
    BUF.with_borrow_mut(|buf| {
        buf.clear();
        for (i, s) in syllables.into_iter().enumerate() {
            if i > 0 {
                buf.push(' ');
            }
            buf.extend(canon_tone(s).0.chars().map(lower_char));
        }
        set().contains(buf.as_str())
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
    }
}
