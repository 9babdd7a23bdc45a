//! The one XML text sanitiser every XML writer goes through (TBX now; TMX,
//! XLIFF later): characters XML 1.0 cannot carry are removed (C0 controls
//! other than tab, LF and CR; U+FFFE, U+FFFF; unpaired surrogates cannot
//! occur in Rust strings), and markup characters are escaped. Escaping `>`
//! too means `]]>` can never appear in output text.

use std::borrow::Cow;

/// Is `c` allowed in XML 1.0 character data?
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// The bytes [`escape`] stops at: markup characters, C0 controls other
/// than tab, LF and CR, and 0xEF (the first byte of U+FFFE and U+FFFF).
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = !matches!(i as u8, b'\t' | b'\n' | b'\r');
        i += 1;
    }
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'&' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t[0xEF] = true;
    t
};

/// Is `c` a byte [`escape`] may have to act on? The same set as
/// [`SPECIAL`] plus tab, LF and CR (all below 0x20), written as
/// comparisons so that a block of bytes is tested at once (vectorised).
/// (No short-circuit: `|`, not `||`, keeps the block test branch-free.)
fn maybe_special(c: u8) -> bool {
    (c < 0x20) | (c == b'<') | (c == b'>') | (c == b'&') | (c == b'"') | (c == b'\'') | (c == 0xEF)
}

/// The index of the first byte of `b` from `i` on that is in [`SPECIAL`],
/// or `b.len()`.
fn next_special(b: &[u8], i: usize) -> usize {
    next_stop(b, i, maybe_special, |c| SPECIAL[c as usize])
}

/// The index of the first byte of `b` from `i` on for which `stop` holds, or
/// `b.len()`: the scan of the escapers (this one and the JSONL writer's).
/// `maybe` must hold for every byte `stop` holds for, and not for `a`; it is
/// tested on whole 16-byte blocks (written with `|`, not `||`, it is
/// vectorised), and a tail shorter than a block (most short strings: hit
/// texts, targets, the pieces of a marked source cell) as one block padded
/// with `a`; only a block where it holds is looked at byte by byte.
pub(crate) fn next_stop(
    b: &[u8],
    mut i: usize,
    maybe: impl Fn(u8) -> bool + Copy,
    stop: impl Fn(u8) -> bool,
) -> usize {
    let block_maybe = |block: &[u8; 16]| block.iter().fold(false, |any, &c| any | maybe(c));
    loop {
        while let Some(block) = b[i..].first_chunk::<16>() {
            if block_maybe(block) {
                break;
            }
            i += 16;
        }
        let rest = &b[i..];
        if rest.len() < 16 {
            let mut block = [b'a'; 16];
            block[..rest.len()].copy_from_slice(rest);
            if !block_maybe(&block) {
                return b.len();
            }
        }
        // A block with a candidate (or the tail): byte by byte, then back
        // to whole blocks (for XML, a tab, LF or CR is a candidate but no
        // stop).
        let end = (i + 16).min(b.len());
        while i < end {
            if stop(b[i]) {
                return i;
            }
            i += 1;
        }
        if i == b.len() {
            return i;
        }
    }
}

/// `text` escaped for XML element content and attribute values, with
/// characters XML cannot carry removed.
pub fn escape(text: &str) -> Cow<'_, str> {
    let first = next_special(text.as_bytes(), 0);
    if first == text.len() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..first]);
    push_escaped_from(&mut out, text, first);
    Cow::Owned(out)
}

/// Appends `text` escaped as [`escape`] does to `out`, without an
/// intermediate string.
pub fn push_escaped(out: &mut String, text: &str) {
    push_escaped_from(out, text, 0);
}

/// [`push_escaped`] of `text[from..]`, `from` being a character boundary.
fn push_escaped_from(out: &mut String, text: &str, from: usize) {
    // One pass over the bytes: the characters to escape or remove are all
    // ASCII except U+FFFE and U+FFFF (EF BF BE, EF BF BF), so a run of
    // other bytes is copied whole.
    let b = text.as_bytes();
    let (mut last, mut i) = (from, from);
    while i < b.len() {
        i = next_special(b, i);
        if i == b.len() {
            break;
        }
        let (len, with) = match b[i] {
            b'<' => (1, "&lt;"),
            b'>' => (1, "&gt;"),
            b'&' => (1, "&amp;"),
            b'"' => (1, "&quot;"),
            b'\'' => (1, "&apos;"),
            0..=0x1F => (1, ""),
            0xEF if b.get(i + 1) == Some(&0xBF) && matches!(b.get(i + 2), Some(0xBE | 0xBF)) => {
                (3, "")
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&text[last..i]);
        out.push_str(with);
        i += len;
        last = i;
    }
    out.push_str(&text[last..]);
}

/// `text` escaped for an attribute value: as [`escape`], and tab, LF and
/// CR as character references, which attribute-value normalisation would
/// otherwise turn into spaces.
pub fn escape_attr(text: &str) -> Cow<'_, str> {
    let e = escape(text);
    if !e.bytes().any(|b| matches!(b, b'\t' | b'\n' | b'\r')) {
        return e;
    }
    Cow::Owned(
        e.replace('\t', "&#9;")
            .replace('\n', "&#10;")
            .replace('\r', "&#13;"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_escaped_and_cleaned() {
        assert_eq!(
            escape("a]]>b<script>&\"'"),
            "a]]&gt;b&lt;script&gt;&amp;&quot;&apos;"
        );
        assert_eq!(escape("x\u{0}\u{1}\u{B}y\u{FFFE}\u{FFFF}z\t\n"), "xyz\t\n");
        assert!(matches!(escape("Hà Nội"), Cow::Borrowed(_)));
        // The byte-level pass agrees with the character-level definition.
        let reference = |t: &str| -> String {
            t.chars()
                .filter(|&c| is_xml_char(c))
                .map(|c| match c {
                    '<' => "&lt;".to_owned(),
                    '>' => "&gt;".to_owned(),
                    '&' => "&amp;".to_owned(),
                    '"' => "&quot;".to_owned(),
                    '\'' => "&apos;".to_owned(),
                    c => c.to_string(),
                })
                .collect()
        };
        for t in [
            "",
            "<",
            "\u{FFFF}",
            "a\u{FFFD}\u{FEFF}\u{FFFE}b\u{F8FF}<\u{7F}\u{80}\u{1F}",
            "Kết luận số 45-KL/TW & \"Ban Bí thư\" \u{2028}\u{10FFFF}\u{E000}\u{D7FF}",
            "\u{EF}\u{BF}\u{FFFE}\u{FFFE}",
        ] {
            assert_eq!(escape(t), reference(t), "{t:?}");
        }
        assert_eq!(escape_attr("a\tb\nc\r\"<"), "a&#9;b&#10;c&#13;&quot;&lt;");
    }

    #[test]
    fn block_scan_agrees_with_the_byte_table_at_every_position() {
        // Each special character (and tab, LF, CR, which stop no scan) at
        // every offset of texts of 1 to 41 characters, among ASCII and
        // Vietnamese letters: `escape` and `push_escaped` give what a
        // byte-by-byte pass over the table gives.
        let reference = |t: &str| -> String {
            let mut out = String::new();
            for c in t.chars() {
                match c {
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '&' => out.push_str("&amp;"),
                    '"' => out.push_str("&quot;"),
                    '\'' => out.push_str("&apos;"),
                    c if is_xml_char(c) => out.push(c),
                    _ => {}
                }
            }
            out
        };
        for base in ["abcdefghij", "Kết luận Bí"] {
            let fill: String = base.chars().cycle().take(40).collect();
            for special in [
                "<", "&", "'", "\"", ">", "\u{1}", "\t", "\n", "\u{FFFF}", "\u{FFFD}",
            ] {
                let chars: Vec<char> = fill.chars().collect();
                for len in 0..=chars.len() {
                    for at in 0..=len {
                        let t: String = chars[..at]
                            .iter()
                            .chain(special.chars().collect::<Vec<_>>().iter())
                            .chain(chars[at..len].iter())
                            .collect();
                        let want = reference(&t);
                        assert_eq!(escape(&t), want, "{t:?}");
                        let mut pushed = String::from("x");
                        push_escaped(&mut pushed, &t);
                        assert_eq!(pushed, format!("x{want}"), "{t:?}");
                    }
                }
            }
        }
    }
}
