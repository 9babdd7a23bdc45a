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

/// `text` escaped for XML element content and attribute values, with
/// characters XML cannot carry removed.
pub fn escape(text: &str) -> Cow<'_, str> {
    if text
        .chars()
        .all(|c| is_xml_char(c) && !matches!(c, '<' | '>' | '&' | '"' | '\''))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
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
    Cow::Owned(out)
}

/// `text` escaped for an attribute value: as [`escape`], and tab, LF and
/// CR as character references, which attribute-value normalisation would
/// otherwise turn into spaces.
pub fn escape_attr(text: &str) -> Cow<'_, str> {
    let e = escape(text);
    if !e.contains(['\t', '\n', '\r']) {
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
        assert_eq!(escape_attr("a\tb\nc\r\"<"), "a&#9;b&#10;c&#13;&quot;&lt;");
    }
}
