//! Plain text in and out, on the ground floor so that every layer may use
//! it: [`read_utf8`], the one way songngu reads a file that must be UTF-8
//! (the file named in the error, with the byte offset of the first bad
//! byte), and [`one_line`], for line-oriented outputs and prompts.

use std::path::Path;

use crate::error::{Error, Result};

/// Replaces the characters that split lines for some readers (U+2028,
/// U+2029, U+0085, VT, FF, CR, LF, and the separators U+001C–U+001E) with
/// spaces, for line-oriented outputs and prompts. Tabs and other
/// characters stay.
pub fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    if has_line_break(s.as_bytes()) {
        s.chars()
            .map(|c| if is_line_break(c) { ' ' } else { c })
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}

/// A character [`one_line`] replaces.
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{1C}'
            ..='\u{1E}'
    )
}

/// Whether UTF-8 `b` holds a character [`one_line`] replaces, by bytes:
/// the ASCII ones, U+0085 (C2 85), U+2028 and U+2029 (E2 80 A8, E2 80 A9).
fn has_line_break(b: &[u8]) -> bool {
    use memchr::{memchr, memchr2_iter, memchr3};
    // Vectorised scans: the ASCII ones are rare, C2 and E2 start only a few
    // characters of news copy (a no-break space, quotes, dashes).
    memchr3(b'\n', b'\r', 0x0B, b).is_some()
        || memchr3(0x0C, 0x1C, 0x1D, b).is_some()
        || memchr(0x1E, b).is_some()
        || memchr2_iter(0xC2, 0xE2, b).any(|i| match b[i] {
            0xC2 => b.get(i + 1) == Some(&0x85),
            _ => b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xA8 | 0xA9)),
        })
}

/// Whether UTF-8 `b` is in NFC because every character is one that no
/// context can change (canonical combining class 0, NFC quick check Yes):
/// ASCII, U+0080–U+02FF, U+1E00–U+1EFF (Vietnamese precomposed letters)
/// and U+2002–U+203F (dashes, quotes, the ellipsis). A byte scan, much
/// cheaper than the table look-up per character of `is_nfc_quick`, which
/// still decides any other text. Used by the reader and by the glossary's
/// NFC with offsets.
pub fn surely_nfc(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            0..=0x7F => i += 1,
            0xC2..=0xCB => i += 2,
            0xE1 if matches!(b.get(i + 1), Some(0xB8..=0xBB)) => i += 3,
            0xE2 if b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0x82..=0xBF)) => {
                i += 3;
            }
            _ => return false,
        }
    }
    true
}

/// The error for bytes of `origin` that are not UTF-8: the first bad byte's
/// offset from the start of the bytes.
pub(crate) fn invalid_utf8(origin: &Path, e: std::str::Utf8Error) -> Error {
    Error::InvalidUtf8 {
        path: origin.to_path_buf(),
        offset: e.valid_up_to() as u64,
    }
}

/// `bytes` (read from `origin`, a file or `<stdin>`) as text.
///
/// # Errors
/// [`Error::InvalidUtf8`] naming `origin` and the byte offset of the first
/// bad byte.
pub fn into_utf8(bytes: Vec<u8>, origin: &Path) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| invalid_utf8(origin, e.utf8_error()))
}

/// The whole file `path` as text: the one way songngu reads a file that
/// must be UTF-8 (glossaries, a run's outputs read back, corrections, the
/// text `glossary find` searches). Nothing is normalised (see [`crate::reader::decode`]
/// for articles in [`crate::reader`]).
///
/// # Errors
/// [`Error::Io`] naming the file; [`Error::InvalidUtf8`] naming it with the
/// byte offset of the first bad byte.
pub fn read_utf8(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    into_utf8(bytes, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_utf8_names_the_file_and_the_first_bad_byte() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.tsv");
        std::fs::write(&p, "Hà Nội\n").unwrap();
        assert_eq!(read_utf8(&p).unwrap(), "Hà Nội\n");
        std::fs::write(&p, b"H\xC3\xA0 N\xF4i").unwrap();
        let err = read_utf8(&p).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidUtf8 { path, offset: 5 } if path == &p),
            "{err:?}"
        );
        let missing = dir.path().join("missing.tsv");
        assert!(matches!(read_utf8(&missing), Err(Error::Io { path, .. }) if path == missing));
        assert!(matches!(
            into_utf8(b"ok\xFF".to_vec(), Path::new("<stdin>")),
            Err(Error::InvalidUtf8 { offset: 2, .. })
        ));
    }

    #[test]
    fn one_line_replaces_every_line_splitting_character_and_keeps_tabs() {
        assert!(matches!(
            one_line("a\tb"),
            std::borrow::Cow::Borrowed("a\tb")
        ));
        assert_eq!(
            one_line("a\nb\r\nc\u{B}d\u{C}e\u{85}f\u{2028}g\u{2029}h\u{1C}i\u{1E}j"),
            "a b  c d e f g h i j"
        );
    }

    #[test]
    fn the_byte_check_agrees_with_the_characters_on_every_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let text = format!("ư{c}ễ");
            assert_eq!(has_line_break(text.as_bytes()), is_line_break(c), "{c:?}");
        }
    }

    #[test]
    fn the_nfc_byte_check_passes_only_characters_no_context_changes() {
        let mut passed = 0;
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut buf = [0; 4];
            if surely_nfc(c.encode_utf8(&mut buf).as_bytes()) {
                passed += 1;
                assert_eq!(
                    unicode_normalization::char::canonical_combining_class(c),
                    0,
                    "{c:?}"
                );
                assert_eq!(
                    unicode_normalization::is_nfc_quick(std::iter::once(c)),
                    unicode_normalization::IsNormalized::Yes,
                    "{c:?}"
                );
            }
        }
        // ASCII, U+0080-U+02FF, U+1E00-U+1EFF, U+2002-U+203F.
        assert_eq!(passed, 0x80 + 0x280 + 0x100 + 0x3E);
        assert!(surely_nfc("Đảng ủy “Công an” – TW…".as_bytes()));
        assert!(!surely_nfc("a\u{301}".as_bytes()));
        assert!(!surely_nfc("\u{2000}".as_bytes()));
    }
}
