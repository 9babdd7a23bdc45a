//! UAX #29 sentence boundaries, computed only where they can occur.
//!
//! Inside a line, a UAX #29 sentence boundary can only follow a sentence
//! terminator (`STerm`, `ATerm`) or a paragraph separator (`Sep`, CR, LF):
//! at every other position the rules end in "no break" (SB998). Running the
//! rules over every character costs a Unicode table look-up per character,
//! which was a third of the whole offline pipeline's CPU on news copy. So
//! [`pieces`] finds the terminators and separators ("triggers") and runs
//! `unicode-segmentation` only on a window around each:
//! - from the character before the trigger, past any `Extend` or `Format`
//!   characters (rule SB7 reads that character; SB5 skips the others);
//! - to the first letter, terminator or separator after it, included (rule
//!   SB8 reads that far ahead, past closing punctuation, spaces, digits).
//!
//! Windows that touch are merged; boundaries found strictly inside a window
//! are the line's boundaries. Where a character's category is not known
//! here cheaply (anything but ASCII and the Latin letters Vietnamese is
//! written in), the window simply grows over it, which is safe. The result
//! is exactly `split_sentence_bound_indices` of the whole line: the tests
//! check the terminator table on every character and compare the two on
//! random strings of every sentence category and on real copy.

use std::cmp::Ordering;

use unicode_segmentation::UnicodeSegmentation;

/// The non-ASCII characters that end a sentence or a paragraph in UAX #29
/// (`STerm`, `ATerm`, `Sep`), as inclusive ranges, for the Unicode version
/// of the locked `unicode-segmentation` (1.13). The test
/// `the_trigger_table_matches_the_segmenter_on_every_character` checks it
/// against the segmenter itself; when a new Unicode version changes the set,
/// it fails and prints the table to paste here.
const TRIGGERS: &[(u32, u32)] = &[
    (0x0085, 0x0085),
    (0x0589, 0x0589),
    (0x061D, 0x061F),
    (0x06D4, 0x06D4),
    (0x0700, 0x0702),
    (0x07F9, 0x07F9),
    (0x0837, 0x0837),
    (0x0839, 0x0839),
    (0x083D, 0x083E),
    (0x0964, 0x0965),
    (0x104A, 0x104B),
    (0x1362, 0x1362),
    (0x1367, 0x1368),
    (0x166E, 0x166E),
    (0x1735, 0x1736),
    (0x17D4, 0x17D5),
    (0x1803, 0x1803),
    (0x1809, 0x1809),
    (0x1944, 0x1945),
    (0x1AA8, 0x1AAB),
    (0x1B4E, 0x1B4F),
    (0x1B5A, 0x1B5B),
    (0x1B5E, 0x1B5F),
    (0x1B7D, 0x1B7F),
    (0x1C3B, 0x1C3C),
    (0x1C7E, 0x1C7F),
    (0x2024, 0x2024),
    (0x2028, 0x2029),
    (0x203C, 0x203D),
    (0x2047, 0x2049),
    (0x2CF9, 0x2CFB),
    (0x2E2E, 0x2E2E),
    (0x2E3C, 0x2E3C),
    (0x2E53, 0x2E54),
    (0x3002, 0x3002),
    (0xA4FF, 0xA4FF),
    (0xA60E, 0xA60F),
    (0xA6F3, 0xA6F3),
    (0xA6F7, 0xA6F7),
    (0xA876, 0xA877),
    (0xA8CE, 0xA8CF),
    (0xA92F, 0xA92F),
    (0xA9C8, 0xA9C9),
    (0xAA5D, 0xAA5F),
    (0xAAF0, 0xAAF1),
    (0xABEB, 0xABEB),
    (0xFE12, 0xFE12),
    (0xFE15, 0xFE16),
    (0xFE52, 0xFE52),
    (0xFE56, 0xFE57),
    (0xFF01, 0xFF01),
    (0xFF0E, 0xFF0E),
    (0xFF1F, 0xFF1F),
    (0xFF61, 0xFF61),
    (0x10A56, 0x10A57),
    (0x10F55, 0x10F59),
    (0x10F86, 0x10F89),
    (0x11047, 0x11048),
    (0x110BE, 0x110C1),
    (0x11141, 0x11143),
    (0x111C5, 0x111C6),
    (0x111CD, 0x111CD),
    (0x111DE, 0x111DF),
    (0x11238, 0x11239),
    (0x1123B, 0x1123C),
    (0x112A9, 0x112A9),
    (0x113D4, 0x113D5),
    (0x1144B, 0x1144C),
    (0x115C2, 0x115C3),
    (0x115C9, 0x115D7),
    (0x11641, 0x11642),
    (0x1173C, 0x1173E),
    (0x11944, 0x11944),
    (0x11946, 0x11946),
    (0x11A42, 0x11A43),
    (0x11A9B, 0x11A9C),
    (0x11C41, 0x11C42),
    (0x11EF7, 0x11EF8),
    (0x11F43, 0x11F44),
    (0x16A6E, 0x16A6F),
    (0x16AF5, 0x16AF5),
    (0x16B37, 0x16B38),
    (0x16B44, 0x16B44),
    (0x16D6E, 0x16D6F),
    (0x16E98, 0x16E98),
    (0x1BC9F, 0x1BC9F),
    (0x1DA88, 0x1DA88),
];

/// The line's UAX #29 sentence pieces as `(start, piece)`: the same as
/// `line.split_sentence_bound_indices()`.
pub(super) fn pieces(line: &str) -> impl Iterator<Item = (usize, &str)> + '_ {
    let mut starts = Vec::with_capacity(8);
    starts.push(0);
    // The window being grown, its trigger when it has only one, and
    // whether each of its triggers is a full stop before a digit.
    let mut window: Option<(Window, Only, bool)> = None;
    for (t, c) in triggers(line) {
        let (from, to) = (window_start(line, t), window_end(line, t, c));
        let numeric = c == '.' && line.as_bytes().get(t + 1).is_some_and(u8::is_ascii_digit);
        window = match window {
            Some(((a, b), _, all)) if from < b => Some(((a, b.max(to)), None, all && numeric)),
            Some((w, only, all)) => {
                if !all {
                    bounds(line, w, only, &mut starts);
                }
                Some(((from, to), Some((t, c)), numeric))
            }
            None => Some(((from, to), Some((t, c)), numeric)),
        };
    }
    // A window whose every trigger is a full stop followed by a digit
    // (`1.500`, `2.000.000`, `điều 3.2`) holds no boundary: no break
    // between the full stop and the digit (SB6), and none after it, where
    // no terminator, closing punctuation and spaces come before (SB11).
    if let Some((w, only, all)) = window
        && !all
    {
        bounds(line, w, only, &mut starts);
    }
    (0..starts.len()).filter_map(move |k| {
        let (s, e) = (starts[k], starts.get(k + 1).copied().unwrap_or(line.len()));
        (s < e).then(|| (s, &line[s..e]))
    })
}

/// The triggers of `line` with their offsets, by a scan of its bytes: an
/// ASCII byte is looked at directly, a Vietnamese letter (C3–C9 or E1 B8–BB
/// lead bytes) skipped by its length, any other character decoded and
/// looked up.
fn triggers(line: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let b = line.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            // 16 bytes without a trigger (and without a character that
            // would need a look-up) are skipped at once, then the
            // continuation bytes of a letter that crosses the block's end.
            if b[i..].first_chunk::<17>().is_some_and(quiet) {
                i += 16;
                while b.get(i).is_some_and(|&x| x & 0xC0 == 0x80) {
                    i += 1;
                }
                continue;
            }
            let at = i;
            let x = b[i];
            if x < 0x80 {
                i += 1;
                if matches!(x, b'.' | b'!' | b'?' | b'\n' | b'\r') {
                    return Some((at, char::from(x)));
                }
                continue;
            }
            let len = match x {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            i += len;
            let letter =
                matches!(x, 0xC3..=0xC9) || (x == 0xE1 && matches!(b[at + 1], 0xB8..=0xBB));
            if !letter {
                let c = line[at..at + len]
                    .chars()
                    .next()
                    .expect("a character starts here");
                if is_trigger(c) {
                    return Some((at, c));
                }
            }
        }
        None
    })
}

/// Do the first 16 bytes of `w` (a character boundary at `w[0]`) hold no
/// byte the scan of [`triggers`] would stop at: no ASCII trigger, no lead
/// byte of a character that is not a Vietnamese letter (C3–C9, or E1
/// followed by B8–BB; `w[16]` is the byte after the block)? Continuation
/// bytes belong to a character started before them. Branch-free, so that
/// the block is tested at once (vectorised).
fn quiet(w: &[u8; 17]) -> bool {
    let mut stop = false;
    for j in 0..16 {
        let (x, next) = (w[j], w[j + 1]);
        let ascii = (x == b'.') | (x == b'!') | (x == b'?') | (x == b'\n') | (x == b'\r');
        // `x` in C3..=C9 and `next` in B8..=BB, as one comparison each.
        let other_lead = (x >= 0xC0) & (x.wrapping_sub(0xC3) > 6) & (x != 0xE1);
        let e1_other = (x == 0xE1) & (next.wrapping_sub(0xB8) > 3);
        stop |= ascii | other_lead | e1_other;
    }
    !stop
}

/// A window: byte offsets into the line, end excluded.
type Window = (usize, usize);

/// A window's trigger and its offset, when it has only one.
type Only = Option<(usize, char)>;

/// Adds the boundaries strictly inside the window `w` to `starts`: by
/// [`simple`] when the window has one trigger and one of the common shapes,
/// else by running the segmenter on it.
fn bounds(line: &str, w: Window, only: Only, starts: &mut Vec<usize>) {
    if let Some(found) = only.and_then(|(t, c)| simple(line, w, t, c)) {
        starts.extend(found);
        return;
    }
    let (from, to) = w;
    starts.extend(
        line[from..to]
            .split_sentence_bound_indices()
            .map(|(s, _)| from + s)
            .filter(|&s| s > from && s < to),
    );
}

/// The boundary inside a window of the commonest shapes, one letter or
/// ASCII character, a `.`, `!` or `?`, at most one space, and an upper- or
/// lower-case letter (`xong. Ông`, `TP.HCM`, `1.5`, `nay! Ai`); `None` for
/// any other window. The UAX #29 rules for these shapes: after `!` or `?`
/// the break comes before the letter (SB11); after `.` there is none before
/// a lower-case letter (SB8), nor before a capital glued to a letter (SB7,
/// `TP.HCM`), and the break comes before a capital otherwise (SB11).
/// Also a terminator ending the line (no break inside), and a bracket
/// between the terminator (or its space) and the letter (`. (Ảnh`, see
/// below).
fn simple(line: &str, (from, to): Window, t: usize, c: char) -> Option<Option<usize>> {
    if !matches!(c, '.' | '!' | '?') {
        return None;
    }
    let mut before = line[from..t].chars();
    let p = before.next()?;
    if before.next().is_some() {
        return None;
    }
    // Only ASCII and the Latin letters, whose case is what UAX #29 calls
    // Upper and Lower: elsewhere Rust's case and the segmenter's categories
    // differ (U+0345 is "lowercase" but Extend, Georgian letters are cased
    // but OLetter), so those windows go to the segmenter.
    let latin = |c: char| c.is_ascii() || is_latin_letter(u32::from(c));
    let after = &line[t + 1..to];
    if after.is_empty() {
        // The line ends with the terminator: the only place inside the
        // window, between `p` (no separator: not a trigger) and it, is no
        // break (SB998).
        return (latin(p) && (p.is_ascii() || p.is_lowercase() || p.is_uppercase()))
            .then_some(None);
    }
    let (spaced, rest) = match after.strip_prefix(' ') {
        Some(rest) => (true, rest),
        None => (false, after),
    };
    let (bracket, rest) = match rest.strip_prefix('(') {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let mut next = rest.chars();
    let x = next.next()?;
    if next.next().is_some() {
        return None;
    }
    if !latin(x) || !latin(p) {
        return None;
    }
    let (x_lower, x_upper) = (x.is_lowercase(), x.is_uppercase());
    // A titlecase or other letter is left to the segmenter.
    if !(x_lower || x_upper) {
        return None;
    }
    let p_cased = p.is_lowercase() || p.is_uppercase();
    if !p.is_ascii() && !p_cased {
        return None;
    }
    let at = to - x.len_utf8();
    if bracket {
        // `. (Ảnh`, `!(A`: the bracket is closing punctuation (`Close`).
        // After `.` there is no break before a lower-case letter (SB8,
        // `. (ảnh`); else the break comes after the spaces (SB11), before
        // the bracket when one comes first, else before the letter.
        return Some(if c == '.' && x_lower {
            None
        } else if spaced {
            Some(t + 2)
        } else {
            Some(at)
        });
    }
    Some(if c != '.' {
        Some(at)
    } else if x_lower || (!spaced && p_cased) {
        None
    } else {
        Some(at)
    })
}

/// Where the window of the trigger at `t` starts: at the nearest character
/// before it that is surely neither `Extend` nor `Format` (or another
/// trigger, whose own window then reaches this one).
fn window_start(line: &str, t: usize) -> usize {
    let mut from = t;
    for (i, c) in line[..t].char_indices().rev() {
        from = i;
        if is_base(c) || is_trigger(c) {
            break;
        }
    }
    from
}

/// Where the window of the trigger `c` at `t` ends: after the first
/// character past it that surely stops rule SB8's look-ahead (a letter, a
/// terminator, a separator), else at the end of the line.
fn window_end(line: &str, t: usize, c: char) -> usize {
    let after = t + c.len_utf8();
    line[after..]
        .char_indices()
        .find(|&(_, d)| stops_lookahead(d))
        .map_or(line.len(), |(i, d)| after + i + d.len_utf8())
}

/// A sentence terminator or paragraph separator (UAX #29 `STerm`, `ATerm`,
/// `Sep`, CR, LF).
fn is_trigger(c: char) -> bool {
    let u = u32::from(c);
    if u < 0x80 {
        return matches!(c, '.' | '!' | '?' | '\n' | '\r');
    }
    if is_latin_letter(u) {
        return false;
    }
    TRIGGERS
        .binary_search_by(|&(a, b)| {
            if b < u {
                Ordering::Less
            } else if a > u {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        })
        .is_ok()
}

/// A letter of the Latin blocks Vietnamese is written in (the letters of
/// Latin-1, Latin Extended-A and -B, and Latin Extended Additional): UAX #29
/// `Upper`, `Lower` or `OLetter`, never `Extend`, `Format` or a trigger.
fn is_latin_letter(u: u32) -> bool {
    ((0xC0..=0x24F).contains(&u) && u != 0xD7 && u != 0xF7) || (0x1E00..=0x1EFF).contains(&u)
}

/// [`is_latin_letter`] of a character.
pub(super) fn latin_letter(c: char) -> bool {
    is_latin_letter(u32::from(c))
}

/// Surely neither `Extend` nor `Format` (no ASCII character is).
fn is_base(c: char) -> bool {
    c.is_ascii() || is_latin_letter(u32::from(c))
}

/// Surely one of the categories that end rule SB8's look-ahead: `OLetter`,
/// `Upper`, `Lower`, a separator or a terminator.
fn stops_lookahead(c: char) -> bool {
    c.is_ascii_alphabetic() || is_latin_letter(u32::from(c)) || is_trigger(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The pieces, collected.
    fn pieces(line: &str) -> Vec<(usize, &str)> {
        super::pieces(line).collect()
    }

    fn reference(line: &str) -> Vec<(usize, &str)> {
        line.split_sentence_bound_indices().collect()
    }

    /// A trigger, by the segmenter's own behaviour: `a` + c + ` B` has a
    /// boundary inside only when c ends a sentence or a paragraph.
    fn ends_a_sentence(c: char) -> bool {
        format!("a{c} B").split_sentence_bound_indices().count() > 1
    }

    #[test]
    fn the_trigger_table_matches_the_segmenter_on_every_character() {
        let mut table: Vec<(u32, u32)> = Vec::new();
        let mut wrong = Vec::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let real = ends_a_sentence(c);
            if real != is_trigger(c) {
                wrong.push(c);
            }
            let u = u32::from(c);
            if real && u >= 0x80 {
                match table.last_mut() {
                    Some(r) if r.1 + 1 == u => r.1 = u,
                    _ => table.push((u, u)),
                }
            }
        }
        let listing: String = table
            .iter()
            .map(|(a, b)| format!("    (0x{a:04X}, 0x{b:04X}),\n"))
            .collect();
        assert!(
            wrong.is_empty(),
            "{} characters classed wrongly (first {:?}); the table should be:\n{listing}",
            wrong.len(),
            wrong.first()
        );
    }

    #[test]
    fn every_character_next_to_a_terminator_matches_the_segmenter() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for t in ["a.{}", "{}.B", "a!{}", "a. {}"] {
                let s = t.replace("{}", &c.to_string());
                assert_eq!(pieces(&s), reference(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn latin_letters_behave_as_letters_in_every_position() {
        let templates = [
            "A. {}a",
            "A. {}A",
            "a.{}",
            "{}.{}",
            "A{}. {}b",
            "x {}\u{301}. {}",
            "({}.) {}",
            "{}!? {}",
            "1.{}",
            "{}\u{AD}. B",
            "“{}.” {}",
        ];
        for u in (0xC0..=0x24F).chain(0x1E00..=0x1EFF) {
            let Some(c) = char::from_u32(u).filter(|_| is_latin_letter(u)) else {
                continue;
            };
            for t in templates {
                let s = t.replace("{}", &c.to_string());
                assert_eq!(pieces(&s), reference(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn the_byte_scan_finds_exactly_the_triggers() {
        let all: String = (0..=0x10FFFF).filter_map(char::from_u32).collect();
        let want: Vec<(usize, char)> = all.char_indices().filter(|&(_, c)| is_trigger(c)).collect();
        assert_eq!(triggers(&all).collect::<Vec<_>>(), want);
    }

    #[test]
    fn the_block_skip_finds_every_trigger_at_every_offset() {
        // Each kind of character the blocks must not skip (ASCII triggers,
        // other triggers, letters that are looked up, E1 characters that
        // are not Vietnamese) at every offset of Vietnamese and ASCII copy.
        let want = |t: &str| -> Vec<(usize, char)> {
            t.char_indices().filter(|&(_, c)| is_trigger(c)).collect()
        };
        for fill in [
            "Kết luận số Ủy ban nhân dân tỉnh",
            "abcdefghijklmnopqrstuvwxyz 0123456789",
        ] {
            let chars: Vec<char> = fill.chars().collect();
            for odd in [
                '.',
                '!',
                '?',
                '\n',
                '\r',
                '。',
                '…',
                '\u{1362}',
                '\u{0589}',
                'ß',
                'Ω',
                'ῼ',
                '\u{1F600}',
            ] {
                for at in 0..=chars.len() {
                    let t: String = chars[..at]
                        .iter()
                        .chain([odd].iter())
                        .chain(chars[at..].iter())
                        .collect();
                    assert_eq!(triggers(&t).collect::<Vec<_>>(), want(&t), "{t:?}");
                }
            }
        }
    }

    #[test]
    fn news_copy_and_edge_cases_match_the_segmenter() {
        let cases = [
            "",
            ".",
            "a",
            "\n",
            "\r\n",
            "Ông A. Nguyễn đến. Bà B đi!",
            "TP.HCM ngày 22/1/2019, v.v. và 44-KL/TW. Tiếp theo?",
            "Giá 1.500 đồng. “Chúng tôi đồng ý.” Ông nói.",
            "Kết thúc… Quãng đường dài.Trước đó (ảnh: TTXVN). Cuối",
            "a.\u{301} b. C",
            "x.\u{AD}\u{200D} Y",
            "第一。第二。 三",
            "Done.\u{2029}Next",
            "e.g. this, and that. Then",
            "...  ?!  ).) a",
            "Sentence one.\r\nSentence two.\rThree\n",
        ];
        for s in cases {
            assert_eq!(pieces(s), reference(s), "{s:?}");
        }
    }

    /// The shapes that skip the segmenter (a terminator ending the line, a
    /// bracket after it, full stops before digits), with every Latin
    /// letter and ASCII character around them, and their near misses.
    #[test]
    fn the_shapes_that_skip_the_segmenter_match_it() {
        let templates = [
            "{}.",
            "{}!",
            "{}?",
            "a {}.",
            "a{}. ({}",
            "a{}.({}",
            "a{}! ({}",
            "a{}?({}",
            "a{}. ({} x",
            "a{}. (({}",
            "a{}.  ({}",
            "a{}. ( {}",
            "a{}. (\u{301}{}",
            "{}.5 {}",
            "{}.0{}",
            "1.000.{}",
            "{}.1.2 {}",
            "{}.1.{} B",
            "{}.1!{}",
            "{}.1 . {}",
            "{}.1.\u{301}{}",
            "giá 1.500 đồng. {}",
            "{}.\n",
        ];
        let latin = (0xC0..=0x24F)
            .chain(0x1E00..=0x1EFF)
            .filter(|&u| is_latin_letter(u))
            .filter_map(char::from_u32);
        let others = (0x20..0x7F).filter_map(char::from_u32).chain([
            '\u{301}', '\u{A0}', '“', '”', '…', '\u{2029}', '中', 'ǅ', 'ª',
        ]);
        for c in latin.chain(others) {
            for t in templates {
                let s = t.replace("{}", &c.to_string());
                assert_eq!(pieces(&s), reference(&s), "{s:?}");
            }
        }
    }

    /// Characters of every UAX #29 sentence category, and a few of each
    /// that Vietnamese copy contains.
    const ALPHABET: &[char] = &[
        'A', 'Đ', 'Ư', 'a', 'ư', 'ễ', 'ǅ', 'ƻ', 'ª', 'ა', 'Ა', '\u{345}', 'ก', '中', '1', '٣', '.',
        '\u{2024}', '!', '?', '。', '\u{964}', '"', ')', '”', '»', '(', '“', ' ', '\u{A0}', '\t',
        '\u{2029}', '\u{85}', '\r', '\n', '\u{301}', '\u{200D}', '\u{AD}', '\u{200B}', ',', '-',
        ':', '…', '–', '$', '\u{2060}',
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn random_strings_of_every_category_match_the_segmenter(
            ix in proptest::collection::vec(0..ALPHABET.len(), 0..40)
        ) {
            let s: String = ix.into_iter().map(|i| ALPHABET[i]).collect();
            prop_assert_eq!(pieces(&s), reference(&s), "{:?}", s);
        }
    }
}
