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
    if crate::plaintext::surely_nfc(text.as_bytes())
        || is_nfc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes
    {
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

/// A toned `o` or `u`: (base, tone 1..=5, upper case).
fn toned_ou(c: char) -> Option<(char, usize, bool)> {
    Some(match c {
        'ò' => ('o', 1, false),
        'ó' => ('o', 2, false),
        'ỏ' => ('o', 3, false),
        'õ' => ('o', 4, false),
        'ọ' => ('o', 5, false),
        'ù' => ('u', 1, false),
        'ú' => ('u', 2, false),
        'ủ' => ('u', 3, false),
        'ũ' => ('u', 4, false),
        'ụ' => ('u', 5, false),
        'Ò' => ('o', 1, true),
        'Ó' => ('o', 2, true),
        'Ỏ' => ('o', 3, true),
        'Õ' => ('o', 4, true),
        'Ọ' => ('o', 5, true),
        'Ù' => ('u', 1, true),
        'Ú' => ('u', 2, true),
        'Ủ' => ('u', 3, true),
        'Ũ' => ('u', 4, true),
        'Ụ' => ('u', 5, true),
        _ => return None,
    })
}

/// `base` (o, u, a, e or y) with tone `tone` (0..=5), in upper case if asked.
fn with_tone(base: char, tone: usize, upper: bool) -> char {
    let row = match base {
        'o' => "oòóỏõọ",
        'u' => "uùúủũụ",
        'a' => "aàáảãạ",
        'e' => "eèéẻẽẹ",
        _ => "yỳýỷỹỵ",
    };
    let c = row.chars().nth(tone).unwrap_or(base);
    if upper {
        c.to_uppercase().next().unwrap_or(c)
    } else {
        c
    }
}

/// Might [`canon_tone`] rewrite `text`? A rewrite needs a toned o/u (not
/// ASCII: its last UTF-8 byte is 0x80 or more) right before an ASCII
/// a/e/y; most texts have none, which a byte scan tells faster than the
/// character pass (`false`: `canon_tone` returns `text` as it is).
#[inline]
pub fn may_move_tone(text: &str) -> bool {
    text.as_bytes()
        .windows(2)
        .any(|w| w[0] >= 0x80 && matches!(w[1], b'a' | b'e' | b'y' | b'A' | b'E' | b'Y'))
}

/// The tone-placement canonical form of NFC `text`, with a map back.
pub fn canon_tone(text: &str) -> (Cow<'_, str>, OffsetMap) {
    if !may_move_tone(text) {
        return (Cow::Borrowed(text), OffsetMap::identity());
    }
    // One pass with a window of four characters: before, toned o/u, plain
    // a/e/y, after. Allocates only when a rewrite is needed.
    let mut edits: Vec<(usize, usize, char, char)> = Vec::new(); // (start, end, first, second)
    let mut it = text.char_indices().peekable();
    let mut before: Option<char> = None;
    let mut before2: Option<char> = None;
    while let Some((i, c1)) = it.next() {
        if let Some((b1, t1, u1)) = toned_ou(c1)
            && let Some(&(j, c2)) = it.peek()
        {
            let lower2 = match c2 {
                'a' | 'A' => Some('a'),
                'e' | 'E' => Some('e'),
                'y' | 'Y' => Some('y'),
                _ => None,
            };
            let pair_ok = matches!(
                (b1, lower2),
                ('o', Some('a')) | ('o', Some('e')) | ('u', Some('y'))
            );
            // `qu` + y and `gi` + o…: the u / i belongs to the onset.
            let onset_u = (b1 == 'u' && matches!(before, Some('q' | 'Q')))
                || (matches!(before, Some('i' | 'I')) && matches!(before2, Some('g' | 'G')));
            if pair_ok && !onset_u {
                let after = text[j + c2.len_utf8()..].chars().next();
                if !after.is_some_and(is_alnum) {
                    let end = j + c2.len_utf8();
                    let second = with_tone(lower2.unwrap_or('a'), t1, c2.is_uppercase());
                    edits.push((i, end, with_tone(b1, 0, u1), second));
                }
            }
        }
        before2 = before;
        before = Some(c1);
    }
    if edits.is_empty() {
        return (Cow::Borrowed(text), OffsetMap::identity());
    }
    let mut out = String::with_capacity(text.len() + edits.len() * 2);
    let mut map = OffsetMap::default();
    let mut last = 0;
    for (start, end, first, second) in edits {
        out.push_str(&text[last..start]);
        map.push(out.len(), start);
        out.push(first);
        out.push(second);
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
    // Fast paths for Vietnamese letters (no table search): Latin-1
    // capitals, Đ, and Latin Extended Additional, where the lower case of
    // an even code point is the next one.
    let cp = c as u32;
    match cp {
        0xC0..=0xDE if cp != 0xD7 => return char::from_u32(cp + 0x20).unwrap_or(c),
        0xE0..=0xFF | 0x111 => return c,
        0x110 => return '\u{111}',
        0x1EA0..=0x1EF9 => return char::from_u32(cp | 1).unwrap_or(c),
        _ => {}
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
    let mut out = Vec::new();
    let mut map = Vec::new();
    fold_with_map_into(text, &mut out, &mut map);
    (String::from_utf8(out).expect("the fold is ASCII"), map)
}

/// A character the fold drops (a combining mark, a zero-width space).
const DROPPED: u8 = 0;
/// A character folded on the slow path (to several letters, or a
/// pictograph that breaks words).
const SLOW_PATH: u8 = 0x80;

/// [`crate::transliterate::fold_fast_fn`]'s answer for the folded view:
/// the letter in lower case, [`DROPPED`] or [`SLOW_PATH`].
#[inline(always)]
fn lower_fold(f: Option<u8>) -> u8 {
    match f {
        None => SLOW_PATH,
        Some(f) => f.to_ascii_lowercase(),
    }
}

/// The folded view's byte for each two-byte character (U+0080..U+07FF, by
/// code point) and for the Vietnamese block U+1E80..U+1EFF (`E1 BA xx`,
/// `E1 BB xx`, by their last two bytes' low bits), as [`lower_fold`] gives.
struct LowerTables {
    two: [u8; 0x800],
    viet: [u8; 0x80],
}

fn lower_tables() -> &'static LowerTables {
    static TABLES: std::sync::OnceLock<Box<LowerTables>> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let fold = crate::transliterate::fold_fast_fn();
        let mut t = Box::new(LowerTables {
            two: [SLOW_PATH; 0x800],
            viet: [SLOW_PATH; 0x80],
        });
        for cp in 0x80..0x800u32 {
            t.two[cp as usize] = lower_fold(fold(cp));
        }
        for cp in 0x1E80..0x1F00u32 {
            t.viet[(cp - 0x1E80) as usize] = lower_fold(fold(cp));
        }
        t
    })
}

/// [`fold_with_map`] into reusable buffers (cleared first); `out` is ASCII.
/// Returns whether `text` passed the fast NFC test on the way (every
/// character below U+0300 or a precomposed Vietnamese letter): then it is
/// NFC and need not be normalised first.
pub fn fold_with_map_into(text: &str, out: &mut Vec<u8>, map: &mut Vec<u32>) -> bool {
    // Folded in chunks on the stack, each appended at once: no length and
    // capacity bookkeeping of two vectors per byte.
    const CHUNK: usize = 256;
    let mut surely_nfc = true;
    let fold_fast = crate::transliterate::fold_fast_fn();
    let lower = lower_tables();
    out.clear();
    map.clear();
    out.reserve(text.len());
    map.reserve(text.len() + 1);
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut ob = [0u8; CHUNK];
    let mut mb = [0u32; CHUNK];
    let mut i = 0;
    while i < n {
        let mut k = 0;
        while i < n && k < CHUNK {
            if bytes[i] < 0x80 {
                // Eight bytes at a time while they are ASCII: all eight are
                // lower-cased and mapped, and the ASCII prefix is kept (the
                // rest is written again by what follows).
                let (Some(w), Some(ow), Some(mw)) = (
                    bytes.get(i..i + 8),
                    ob.get_mut(k..k + 8),
                    mb.get_mut(k..k + 8),
                ) else {
                    ob[k] = bytes[i].to_ascii_lowercase();
                    mb[k] = i as u32;
                    k += 1;
                    i += 1;
                    continue;
                };
                let w = u64::from_le_bytes(w.try_into().expect("8 bytes"));
                let high = w & 0x8080_8080_8080_8080;
                // At least one: the first byte is ASCII.
                let ascii = if high == 0 {
                    8
                } else {
                    (high.trailing_zeros() / 8) as usize
                };
                ow.copy_from_slice(&ascii_lower8(w).to_le_bytes());
                for (j, m) in mw.iter_mut().enumerate() {
                    *m = (i + j) as u32;
                }
                k += ascii;
                i += ascii;
                // Fewer than eight: a non-ASCII character is next (the
                // window was whole), handled below without another try.
                if ascii == 8 {
                    continue;
                }
            }
            let b = bytes[i];
            // Latin letters (two bytes) and the Vietnamese block (`E1 BA`,
            // `E1 BB`) by their bytes, from small tables: no decoding.
            let (f, len) = if b < 0xE0 {
                // U+0300 is `CC 80`: a lead byte below `CC` is below it.
                surely_nfc &= b < 0xCC;
                let idx = (usize::from(b & 0x1F) << 6) | usize::from(bytes[i + 1] & 0x3F);
                (lower.two[idx], 2)
            } else if b == 0xE1 && bytes[i + 1] | 1 == 0xBB {
                let idx = (usize::from(bytes[i + 1] & 1) << 6) | usize::from(bytes[i + 2] & 0x3F);
                (lower.viet[idx], 3)
            } else {
                let (cp, len) = crate::transliterate::decode_at(bytes, i);
                surely_nfc &= cp < 0x300 || (0x1E00..=0x1EFF).contains(&cp);
                (lower_fold(fold_fast(cp)), len)
            };
            match f {
                DROPPED => {}
                SLOW_PATH => {
                    out.extend_from_slice(&ob[..k]);
                    map.extend_from_slice(&mb[..k]);
                    k = 0;
                    let (cp, _) = crate::transliterate::decode_at(bytes, i);
                    let c = char::from_u32(cp).expect("valid UTF-8");
                    // A pictograph that vanishes from the ASCII form still
                    // breaks words (`Bộ Y tế👉Xem`): a space in the folded view.
                    for f in crate::transliterate::fold_char_breaking(c).bytes() {
                        out.push(f.to_ascii_lowercase());
                        map.push(i as u32);
                    }
                }
                f => {
                    ob[k] = f;
                    mb[k] = i as u32;
                    k += 1;
                }
            }
            i += len;
        }
        out.extend_from_slice(&ob[..k]);
        map.extend_from_slice(&mb[..k]);
    }
    map.push(n as u32);
    surely_nfc
}

/// `u8::to_ascii_lowercase` of each byte of `w` (SWAR), exact for bytes
/// below 0x80 (the only ones kept by the caller).
#[inline(always)]
fn ascii_lower8(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let w7 = w & (0x7F * ONES);
    // High bit of each byte: >= 'A', and > 'Z' (no carry across bytes:
    // every byte of w7 is below 0x80 and each addend below 0x80).
    let ge_a = w7 + (0x80 - u64::from(b'A')) * ONES;
    let gt_z = w7 + (0x7F - u64::from(b'Z')) * ONES;
    let upper = ge_a & !gt_z & (0x80 * ONES);
    w | (upper >> 2)
}

/// The length of the white-space character at byte `i` of `b` (valid
/// UTF-8, `i` a character boundary), 0 when it is not one: the characters
/// of `char::is_whitespace` (White_Space), told by their bytes.
#[inline]
fn white_space_len(b: &[u8], i: usize) -> usize {
    match b[i] {
        // The common case first: a letter, digit or most punctuation.
        0x21..=0x7F | 0x80..=0xC1 | 0xC3..=0xE0 | 0xE4..=0xFF => 0,
        b'\t'..=b'\r' | b' ' => 1,
        0xC2 => 2 * usize::from(matches!(b.get(i + 1), Some(0x85 | 0xA0))),
        0xE1 => 3 * usize::from(b.get(i + 1..i + 3) == Some(&[0x9A, 0x80][..])),
        0xE2 => match (b.get(i + 1), b.get(i + 2)) {
            (Some(0x80), Some(0x80..=0x8A | 0xA8 | 0xA9 | 0xAF)) | (Some(0x81), Some(0x9F)) => 3,
            _ => 0,
        },
        0xE3 => 3 * usize::from(b.get(i + 1..i + 3) == Some(&[0x80, 0x80][..])),
        _ => 0,
    }
}

/// `str::split_whitespace` without decoding characters: the same pieces.
pub fn words(text: &str) -> impl Iterator<Item = &str> + Clone {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        loop {
            if i >= b.len() {
                return None;
            }
            match white_space_len(b, i) {
                0 => break,
                n => i += n,
            }
        }
        let start = i;
        // A byte inside a character is never read as the start of one: a
        // continuation byte (0x80..=0xBF) is no white space's first byte.
        while i < b.len() && white_space_len(b, i) == 0 {
            i += 1;
        }
        Some(&text[start..i])
    })
}

/// `char::is_alphanumeric`, fast for Vietnamese letters and General
/// Punctuation (no table search).
pub fn is_alnum(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphanumeric(),
        0xC0..=0x24F => !matches!(c, '×' | '÷'),
        0x1E00..=0x1EFF => true,
        0x2000..=0x206F => false,
        _ => c.is_alphanumeric(),
    }
}

/// Is `c` an upper-case letter? (Fast for Vietnamese letters.)
pub fn is_upper(c: char) -> bool {
    let cp = c as u32;
    match cp {
        0..=0x7F => c.is_ascii_uppercase(),
        0xC0..=0xDE => cp != 0xD7,
        0xDF..=0xFF | 0x111 => false,
        0x110 => true,
        0x1EA0..=0x1EF9 => cp & 1 == 0,
        _ => c.is_uppercase(),
    }
}

/// Is `c` a lower-case letter (`char::is_lowercase`)? Fast for Vietnamese
/// letters: the matcher's rules ask it of most hits' letters.
#[inline]
pub fn is_lower(c: char) -> bool {
    let cp = c as u32;
    match cp {
        0..=0x7F => c.is_ascii_lowercase(),
        0xC0..=0xDE => false,
        0xDF..=0xFF => cp != 0xF7,
        0x110 => false,
        0x111 => true,
        0x1EA0..=0x1EF9 => cp & 1 == 1,
        _ => c.is_lowercase(),
    }
}

/// The lower-cased ASCII fold of a short `text` on the stack (as
/// `transliterate::fold_char` of each character, each byte lower-cased,
/// would give), with its length; `None` when it is longer than `N` bytes.
/// Two-byte characters and the Vietnamese block are read from the folded
/// view's small tables (no decoding of the whole character, no 64 KiB
/// table): the rules fold the words around a hit this way (family names,
/// provinces, countries).
pub fn fold_lower_small<const N: usize>(text: &str) -> Option<([u8; N], usize)> {
    let tables = lower_tables();
    let b = text.as_bytes();
    let mut out = [0u8; N];
    let mut n = 0;
    let mut push = |x: u8| {
        *out.get_mut(n)? = x;
        n += 1;
        Some(())
    };
    let mut i = 0;
    while i < b.len() {
        if b[i] < 0x80 {
            push(b[i].to_ascii_lowercase())?;
            i += 1;
            continue;
        }
        let (fast, len) = match b[i] {
            0xC2..=0xDF => {
                let cp = (usize::from(b[i] & 0x1F) << 6) | usize::from(b[i + 1] & 0x3F);
                (tables.two[cp], 2)
            }
            0xE1 if matches!(b[i + 1], 0xBA | 0xBB) => {
                let low = (usize::from(b[i + 1] & 1) << 6) | usize::from(b[i + 2] & 0x3F);
                (tables.viet[low], 3)
            }
            _ => (SLOW_PATH, 0),
        };
        if fast == SLOW_PATH {
            let c = text[i..].chars().next().expect("a character boundary");
            for f in crate::transliterate::fold_char(c).bytes() {
                push(f.to_ascii_lowercase())?;
            }
            i += c.len_utf8();
            continue;
        }
        if fast != DROPPED {
            push(fast)?;
        }
        i += len;
    }
    Some((out, n))
}

/// Does `text` contain any Vietnamese diacritic (any non-ASCII letter)?
pub fn has_diacritics(text: &str) -> bool {
    text.chars().any(|c| {
        !c.is_ascii()
            && match c as u32 {
                // Latin letters with marks (Vietnamese among them) without
                // the general tables; × and ÷ are not letters.
                0xC0..=0x24F => !matches!(c, '×' | '÷'),
                0x1E00..=0x1EFF => true,
                _ => c.is_alphabetic(),
            }
    })
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
    fn is_lower_is_char_is_lowercase() {
        for cp in 0..=0x10_FFFFu32 {
            if let Some(c) = char::from_u32(cp) {
                assert_eq!(is_lower(c), c.is_lowercase(), "U+{cp:04X}");
            }
        }
    }

    /// The reference of [`fold_lower_small`]: `fold_char` of each
    /// character, each byte lower-cased.
    fn fold_lower_reference(text: &str) -> Vec<u8> {
        text.chars()
            .flat_map(|c| crate::transliterate::fold_char(c).bytes())
            .map(|b| b.to_ascii_lowercase())
            .collect()
    }

    #[test]
    fn small_folds_are_the_folds_of_each_character() {
        let small = |t: &str| fold_lower_small::<16>(t).map(|(b, n)| b[..n].to_vec());
        for cp in 0..=0xFFFFu32 {
            if let Some(c) = char::from_u32(cp) {
                let t = c.to_string();
                let want = fold_lower_reference(&t);
                assert_eq!(small(&t), (want.len() <= 16).then_some(want), "U+{cp:04X}");
            }
        }
        for t in [
            "Nguyễn",
            "TRƯƠNG",
            "Hà\u{a0}Nội",
            "Đắk Lắk",
            "Æther",
            "Straße",
            "ho\u{300}a",
            "",
            "Nghiêng nghiêng ng",
            "x👉y",
        ] {
            let want = fold_lower_reference(t);
            assert_eq!(small(t), (want.len() <= 16).then_some(want), "{t}");
        }
        // NBSP folds to a space (the rules' word lists have spaces).
        assert_eq!(fold_lower_reference("\u{a0}"), b" ");
    }

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
        // The fast paths agree with the standard library on every letter they cover.
        for cp in (0xC0..=0x1FFu32).chain(0x1E00..=0x1EFF) {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let std_lower = c.to_lowercase().collect::<String>();
            if std_lower.chars().count() == 1 && std_lower.len() == c.len_utf8() {
                assert_eq!(lower_char(c).to_string(), std_lower, "{c}");
            }
            assert_eq!(is_upper(c), c.is_uppercase(), "{c}");
        }
    }

    #[test]
    fn is_alnum_is_is_alphanumeric() {
        for cp in 0..=0x10_FFFFu32 {
            if let Some(c) = char::from_u32(cp) {
                assert_eq!(is_alnum(c), c.is_alphanumeric(), "U+{cp:04X}");
            }
        }
    }

    #[test]
    fn words_are_split_whitespace() {
        for cp in 0..=0x10_FFFFu32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let s = format!("a{c}b");
            let mine: Vec<&str> = words(&s).collect();
            let std: Vec<&str> = s.split_whitespace().collect();
            assert_eq!(mine, std, "U+{cp:04X}");
        }
        for s in [
            "",
            " ",
            "  Chỉ\u{a0}thị \t số\u{3000}9 ",
            "\u{2028}x\u{85}y\u{1680}",
            "Đảng ủy",
        ] {
            assert_eq!(
                words(s).collect::<Vec<_>>(),
                s.split_whitespace().collect::<Vec<_>>(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn fold_maps_each_byte() {
        let (f, map) = fold_with_map("Chị Đ");
        assert_eq!(f, "chi d");
        assert_eq!(map, vec![0, 1, 2, 5, 6, 8]);
    }

    /// The fold character by character, as it was before the eight-byte
    /// ASCII path: the reference for [`fold_with_map_into`].
    fn fold_reference(text: &str) -> (Vec<u8>, Vec<u32>, bool) {
        let (mut out, mut map) = (Vec::new(), Vec::new());
        let mut nfc = true;
        for (i, c) in text.char_indices() {
            let cp = c as u32;
            if !c.is_ascii() {
                nfc &= cp < 0x300 || (0x1E00..=0x1EFF).contains(&cp);
            }
            for b in crate::transliterate::fold_char_breaking(c).bytes() {
                out.push(b.to_ascii_lowercase());
                map.push(i as u32);
            }
        }
        map.push(text.len() as u32);
        (out, map, nfc)
    }

    #[test]
    fn ascii_lower8_is_to_ascii_lowercase() {
        for b in 0..0x80u8 {
            for pos in 0..8 {
                let w =
                    (u64::from(b) << (8 * pos)) | (0x4141_4141_4141_4141 & !(0xFF << (8 * pos)));
                let mut expect = w.to_le_bytes();
                expect.make_ascii_lowercase();
                assert_eq!(ascii_lower8(w).to_le_bytes(), expect, "{b:#x} at {pos}");
            }
        }
    }

    proptest::proptest! {
        /// Folded text, map and NFC verdict equal the character-by-character
        /// fold on mixed ASCII / Vietnamese / other text of any length
        /// (runs across the eight-byte and 256-byte chunk edges).
        #[test]
        fn fold_into_is_the_char_by_char_fold(
            text in "[a-zA-Z0-9 .,:@\\[\\]`{}\\x7F\\n]{0,300}|([A-Za-z ]{0,12}[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđĐÀỆỮ\u{300}\u{301}ß€😀×]{0,3}){0,60}"
        ) {
            let (mut out, mut map) = (vec![1u8; 3], vec![7u32; 2]);
            let nfc = fold_with_map_into(&text, &mut out, &mut map);
            let (rout, rmap, rnfc) = fold_reference(&text);
            proptest::prop_assert_eq!(out, rout);
            proptest::prop_assert_eq!(map, rmap);
            proptest::prop_assert_eq!(nfc, rnfc);
        }
    }
}
