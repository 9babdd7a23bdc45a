//! Text views the matcher searches, each with a map back to byte offsets in
//! the original text.
//!
//! - [`nfc_with_map`]: NFC, mapping every output position back to the input
//!   (identity when the input is already NFC, the usual case).
//! - [`canon_tone`]: the two Vietnamese tone placements made one: in an open
//!   `oa`, `oe` or `uy` rhyme the tone mark moves to the second vowel
//!   (`hòa`→`hoà`, `thủy`→`thuỷ`, `Ủy`→`Uỷ`), except after `qu`/`gi`, where
//!   the `u`/`i` belongs to the onset. Byte lengths change (`ò` is 2 bytes,
//!   `o` 1), hence the map.
//! - [`lower_same_len`]: lower case that never changes byte length (the few
//!   characters whose lower case would, such as `ẞ` or `İ`, are left as they
//!   are), so offsets carry over unchanged.
//! - [`fold_with_map`]: the ASCII fold of the transliterate stage, lower-cased,
//!   with a map; used only for the report-only classes.
//!
//! None of them looks at word boundaries or glossary entries.

use std::borrow::Cow;

use unicode_normalization::{UnicodeNormalization, char::canonical_combining_class, is_nfc_quick};

/// Positions in a derived text mapped back to the original text.
///
/// Stored as sorted anchors `(derived, original)`; between anchors the delta
/// is constant. An empty map is the identity.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    anchors: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// The identity map.
    pub fn identity() -> Self {
        Self::default()
    }

    fn push(&mut self, derived: usize, original: usize) {
        if let Some(&(d, o)) = self.anchors.last() {
            if d == derived {
                self.anchors.pop();
            } else if derived - d == original - o && original >= o {
                // Same delta as the previous anchor: nothing new.
                return;
            }
        } else if derived == original {
            return;
        }
        self.anchors.push((derived, original));
    }

    /// The original offset of derived offset `pos`.
    pub fn map(&self, pos: usize) -> usize {
        let i = self.anchors.partition_point(|&(d, _)| d <= pos);
        if i == 0 {
            return pos;
        }
        let (d, o) = self.anchors[i - 1];
        o + (pos - d)
    }

    /// `self` then `next`: maps a position of the text derived by `next`
    /// from the text `self` derived.
    pub fn then(&self, next: &OffsetMap) -> impl Fn(usize) -> usize + '_ {
        let next = next.clone();
        move |p| self.map(next.map(p))
    }
}

/// NFC of `text` with a map back to `text`.
///
/// Each run of a starter and the non-starters after it is normalised on its
/// own (composition only joins a starter with following marks in the
/// scripts that matter here), so every run boundary maps exactly.
pub fn nfc_with_map(text: &str) -> (Cow<'_, str>, OffsetMap) {
    if is_nfc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes {
        return (Cow::Borrowed(text), OffsetMap::identity());
    }
    let mut out = String::with_capacity(text.len());
    let mut map = OffsetMap::default();
    let mut run_start = 0;
    let flush = |out: &mut String, map: &mut OffsetMap, run: &str, start: usize| {
        map.push(out.len(), start);
        out.extend(run.nfc());
    };
    for (i, c) in text.char_indices() {
        if i > run_start && canonical_combining_class(c) == 0 {
            flush(&mut out, &mut map, &text[run_start..i], run_start);
            run_start = i;
        }
    }
    flush(&mut out, &mut map, &text[run_start..], run_start);
    map.push(out.len(), text.len());
    (Cow::Owned(out), map)
}

/// A Vietnamese vowel with its tone split off: (base vowel, tone index
/// 0..=5, upper case). Tone 0 is "no tone".
fn split_tone(c: char) -> Option<(char, usize, bool)> {
    const ROWS: [(&str, char); 6] = [
        ("oòóỏõọ", 'o'),
        ("uùúủũụ", 'u'),
        ("aàáảãạ", 'a'),
        ("eèéẻẽẹ", 'e'),
        ("yỳýỷỹỵ", 'y'),
        ("iìíỉĩị", 'i'),
    ];
    let lower = c.to_lowercase().next()?;
    let upper = lower != c;
    for (row, base) in ROWS {
        if let Some(t) = row.chars().position(|x| x == lower) {
            return Some((base, t, upper));
        }
    }
    None
}

fn with_tone(base: char, tone: usize, upper: bool) -> char {
    let row = match base {
        'o' => "oòóỏõọ",
        'u' => "uùúủũụ",
        'a' => "aàáảãạ",
        'e' => "eèéẻẽẹ",
        'y' => "yỳýỷỹỵ",
        _ => "iìíỉĩị",
    };
    let c = row.chars().nth(tone).unwrap_or(base);
    if upper {
        c.to_uppercase().next().unwrap_or(c)
    } else {
        c
    }
}

/// The tone-placement canonical form of NFC `text`, with a map back.
pub fn canon_tone(text: &str) -> (Cow<'_, str>, OffsetMap) {
    // Fast exit: a rewrite needs a toned o/u followed by a/e/y.
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut edits: Vec<(usize, usize, String)> = Vec::new(); // (start, end, replacement)
    for k in 0..chars.len().saturating_sub(1) {
        let (i, c1) = chars[k];
        let (_, c2) = chars[k + 1];
        let Some((b1, t1, u1)) = split_tone(c1) else {
            continue;
        };
        if t1 == 0 {
            continue;
        }
        let Some((b2, t2, u2)) = split_tone(c2) else {
            continue;
        };
        if t2 != 0 || !matches!((b1, b2), ('o', 'a') | ('o', 'e') | ('u', 'y')) {
            continue;
        }
        // Open rhyme: nothing letter-like after the pair.
        if chars.get(k + 2).is_some_and(|&(_, c)| c.is_alphanumeric()) {
            continue;
        }
        // Not a vowel-onset pair: `qu` + y, `gi` + oa (the u/i is the onset).
        if k >= 1 {
            let prev = chars[k - 1].1.to_lowercase().next().unwrap_or(' ');
            if b1 == 'u' && prev == 'q' {
                continue;
            }
        }
        let end = chars.get(k + 2).map_or(text.len(), |&(j, _)| j);
        let mut rep = String::new();
        rep.push(with_tone(b1, 0, u1));
        rep.push(with_tone(b2, t1, u2));
        edits.push((i, end, rep));
    }
    if edits.is_empty() {
        return (Cow::Borrowed(text), OffsetMap::identity());
    }
    let mut out = String::with_capacity(text.len() + edits.len());
    let mut map = OffsetMap::default();
    let mut last = 0;
    for (start, end, rep) in edits {
        out.push_str(&text[last..start]);
        map.push(out.len(), start);
        out.push_str(&rep);
        map.push(out.len(), end);
        last = end;
    }
    out.push_str(&text[last..]);
    (Cow::Owned(out), map)
}

/// Lower case with every character keeping its UTF-8 length.
pub fn lower_same_len(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_uppercase) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        out.push(lower_char(c));
    }
    Cow::Owned(out)
}

/// The lower case of one character when it is one character of the same
/// UTF-8 length, else the character itself.
pub fn lower_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) if l.len_utf8() == c.len_utf8() => l,
        _ => c,
    }
}

/// The lower-cased ASCII fold of `text` with a map back: every byte a
/// character folds to maps to that character's start.
pub fn fold_with_map(text: &str) -> (String, Vec<u32>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    let mut buf = [0u8; 4];
    for (i, c) in text.char_indices() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            map.push(i as u32);
            continue;
        }
        let folded = crate::transliterate::to_ascii(c.encode_utf8(&mut buf));
        for b in folded.bytes() {
            out.push(char::from(b.to_ascii_lowercase()));
            map.push(i as u32);
        }
    }
    map.push(text.len() as u32);
    (out, map)
}

/// Does `text` contain any Vietnamese diacritic (any non-ASCII letter)?
pub fn has_diacritics(text: &str) -> bool {
    text.chars().any(|c| !c.is_ascii() && c.is_alphabetic())
}

/// The canonical comparison key of a term: NFC, tone-canonical, lower case.
pub fn key(text: &str) -> String {
    let nfc: String = text.nfc().collect();
    lower_same_len(&canon_tone(&nfc).0).into_owned()
}

/// The folded comparison key of a term.
pub fn folded_key(text: &str) -> String {
    fold_with_map(&text.nfc().collect::<String>()).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tone_placements_become_one() {
        for (old, new) in [
            ("hòa", "hoà"),
            ("thủy", "thuỷ"),
            ("Ủy viên", "Uỷ viên"),
            ("khỏe", "khoẻ"),
            ("HÒA", "HOÀ"),
            ("Đảng ủy", "Đảng uỷ"),
        ] {
            assert_eq!(canon_tone(old).0, canon_tone(new).0, "{old} / {new}");
            assert_eq!(canon_tone(new).0, new, "canonical form is the new style");
        }
        // Closed rhymes and qu- onsets are left alone.
        for same in ["hoàn", "thuyền", "quý", "quỳ", "hoa", "thúy.", "tùy"] {
            let c = canon_tone(same).0;
            if same == "thúy." {
                assert_eq!(c, "thuý.");
            } else if same == "tùy" {
                assert_eq!(c, "tuỳ");
            } else {
                assert_eq!(c, same);
            }
        }
    }

    #[test]
    fn tone_map_points_back() {
        let text = "đường thủy nội địa";
        let (c, map) = canon_tone(text);
        assert_eq!(c, "đường thuỷ nội địa");
        let start = c.find("nội").unwrap();
        assert_eq!(&text[map.map(start)..], "nội địa");
        assert_eq!(map.map(c.len()), text.len());
        assert_eq!(map.map(c.find("thuỷ").unwrap()), text.find("thủy").unwrap());
    }

    #[test]
    fn nfc_map_points_back_into_nfd() {
        let nfd: String = "Chỉ thị số 9".nfd().collect();
        let (nfc, map) = nfc_with_map(&nfd);
        assert_eq!(nfc, "Chỉ thị số 9");
        let s = nfc.find("thị").unwrap();
        let e = s + "thị".len();
        assert_eq!(&nfd[map.map(s)..map.map(e)], "thi\u{323}");
        assert_eq!(map.map(nfc.len()), nfd.len());
    }

    #[test]
    fn lower_keeps_lengths() {
        for s in ["ĐẢNG ỦY", "İstanbul", "STRAẞE", "Ⱥ"] {
            assert_eq!(lower_same_len(s).len(), s.len(), "{s}");
        }
        assert_eq!(lower_same_len("ĐẢNG ỦY"), "đảng ủy");
    }

    #[test]
    fn fold_maps_each_byte() {
        let (f, map) = fold_with_map("Chị Đ");
        assert_eq!(f, "chi d");
        assert_eq!(map, vec![0, 1, 2, 5, 6, 8]);
    }
}
