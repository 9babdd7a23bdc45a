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

/// `text` escaped for XML element content and attribute values, with
/// characters XML cannot carry removed.
pub fn escape(text: &str) -> Cow<'_, str> {
    // One pass over the bytes: the characters to escape or remove are all
    // ASCII except U+FFFE and U+FFFF (EF BF BE, EF BF BF), so a run of
    // other bytes is copied whole.
    let b = text.as_bytes();
    let mut out = String::new();
    let (mut last, mut i) = (0, 0);
    while i < b.len() {
        while i < b.len() && !SPECIAL[b[i] as usize] {
            i += 1;
        }
        if i == b.len() {
            break;
        }
        let (len, with) = match b[i] {
            b'<' => (1, "&lt;"),
            b'>' => (1, "&gt;"),
            b'&' => (1, "&amp;"),
            b'"' => (1, "&quot;"),
            b'\'' => (1, "&apos;"),
            b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            0..=0x1F => (1, ""),
            0xEF if b.get(i + 1) == Some(&0xBF) && matches!(b.get(i + 2), Some(0xBE | 0xBF)) => {
                (3, "")
            }
            _ => {
                i += 1;
                continue;
            }
        };
        if out.capacity() == 0 {
            out.reserve(text.len() + 16);
        }
        out.push_str(&text[last..i]);
        out.push_str(with);
        i += len;
        last = i;
    }
    if last == 0 && out.capacity() == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
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
}
