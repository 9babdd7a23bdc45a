//! The read stage: bytes to a normalised [`Document`], and the inputs of a
//! batch (files, folders searched recursively for `.txt` and `.md`, stdin).
//!
//! Contract: a UTF-8 BOM is dropped, control characters are taken out
//! (counted in [`Document::cleaned`]: NUL, the other C0 controls but tab,
//! LF and CR, DEL, the C1 controls, U+FFFE and U+FFFF are removed; VT, FF
//! and NEL become LF), CRLF and lone CR become LF, the text is put in NFC.
//! Nothing else changes (no trimming, no whitespace collapsing). Bytes that
//! are not UTF-8 are an error naming the input and the byte offset of the
//! first bad byte.

use std::path::{Path, PathBuf};

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::document::{Cleaned, Document};
use crate::error::{Error, Result};

/// Normalises raw input bytes into a document called `name`; `origin`
/// names the input in errors.
///
/// # Errors
/// [`Error::InvalidUtf8`] with the offset of the first bad byte (counted
/// in the input as given, BOM included).
pub fn decode(bytes: &[u8], name: &str, origin: &Path) -> Result<Document> {
    let text = std::str::from_utf8(bytes).map_err(|e| Error::InvalidUtf8 {
        path: origin.to_path_buf(),
        offset: e.valid_up_to() as u64,
    })?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    // Control characters go here, once, so that the source, every output
    // and the review page agree: the XML and HTML writers cannot carry
    // them, and a page that silently dropped them saw edits nobody made.
    // VT, FF and NEL end a line (Word's manual line break, a page break,
    // EBCDIC's newline): they become LF rather than glue words together.
    let bom = (bytes.len() - text.len()) as u64;
    let mut cleaned = Cleaned::default();
    let mut owned: Option<String> = None;
    let suspect = |b: u8| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7F || b == 0xC2 || b == 0xEF
    };
    if text.bytes().any(suspect) {
        let mut out = String::with_capacity(text.len());
        for (i, c) in text.char_indices() {
            let line_break = matches!(c, '\u{B}' | '\u{C}' | '\u{85}');
            let removed = !line_break
                && (matches!(c, '\u{0}'..='\u{8}' | '\u{E}'..='\u{1F}' | '\u{7F}'..='\u{9F}')
                    || c == '\u{FFFE}'
                    || c == '\u{FFFF}');
            if !(line_break || removed) {
                out.push(c);
                continue;
            }
            if line_break {
                out.push('\n');
                cleaned.line_breaks += 1;
            } else {
                cleaned.removed += 1;
            }
            cleaned.first.get_or_insert((c, bom + i as u64));
        }
        if cleaned.total() > 0 {
            owned = Some(out);
        }
    }
    let text = owned.as_deref().unwrap_or(text);
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_owned()
    };
    let text = if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text
    } else {
        text.nfc().collect()
    };
    Ok(Document {
        name: name.to_owned(),
        text,
        cleaned,
    })
}

/// One input of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The file, or `-` for stdin.
    pub path: PathBuf,
    /// Where its outputs go, relative to the output folder, without
    /// extension (`b` for `a/b.txt`; `x/b` for `articles/x/b.txt` found in
    /// the folder `articles/`).
    pub out_stem: PathBuf,
}

impl Input {
    /// Is this stdin?
    pub fn is_stdin(&self) -> bool {
        self.path.as_os_str() == "-"
    }

    /// The document name (the file stem, `stdin` for stdin).
    pub fn name(&self) -> String {
        self.out_stem
            .file_name()
            .map_or_else(|| "stdin".into(), |n| n.to_string_lossy().into_owned())
    }

    /// Reads and normalises the input.
    ///
    /// # Errors
    /// [`Error::Io`] or [`Error::InvalidUtf8`], naming the input.
    pub fn read(&self) -> Result<Document> {
        let bytes = if self.is_stdin() {
            let mut v = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut v)
                .map_err(|e| Error::io("<stdin>", e))?;
            v
        } else {
            std::fs::read(&self.path).map_err(|e| Error::io(&self.path, e))?
        };
        let origin = if self.is_stdin() {
            PathBuf::from("<stdin>")
        } else {
            self.path.clone()
        };
        decode(&bytes, &self.name(), &origin)
    }
}

fn is_article(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("txt") || e.eq_ignore_ascii_case("md"))
}

/// The inputs named on the command line, in order: files as given (any
/// extension), folders searched recursively for `.txt` and `.md` files in
/// name order, `-` for stdin. Output stems: a file's stem; a folder's files
/// keep their path inside the folder. When two inputs would get the same
/// stem, both keep their path as given instead, so no output overwrites
/// another.
///
/// # Errors
/// [`Error::Io`] for a path that does not exist or a folder that cannot be read.
pub fn collect_inputs(paths: &[PathBuf]) -> Result<Vec<Input>> {
    let mut inputs = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            inputs.push(Input {
                path: p.clone(),
                out_stem: PathBuf::from("stdin"),
            });
        } else if p.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found)?;
            found.sort();
            for f in found {
                let rel = f.strip_prefix(p).unwrap_or(&f).with_extension("");
                inputs.push(Input {
                    path: f,
                    out_stem: rel,
                });
            }
        } else if p.is_file() {
            let stem = p
                .file_stem()
                .map_or_else(|| PathBuf::from("input"), PathBuf::from);
            inputs.push(Input {
                path: p.clone(),
                out_stem: stem,
            });
        } else {
            return Err(Error::io(
                p,
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            ));
        }
    }
    // Collisions: fall back to the path as given (made relative and safe).
    let mut counts = std::collections::HashMap::new();
    for i in &inputs {
        *counts.entry(i.out_stem.clone()).or_insert(0) += 1;
    }
    for i in &mut inputs {
        if counts[&i.out_stem] > 1 && !i.is_stdin() {
            let safe: PathBuf = i
                .path
                .with_extension("")
                .components()
                .filter_map(|c| match c {
                    std::path::Component::Normal(s) => Some(s.to_owned()),
                    _ => None,
                })
                .collect();
            i.out_stem = safe;
        }
    }
    Ok(inputs)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if is_article(&path) {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_normalises() {
        let nfd: String = "Hà Nội".nfd().collect();
        let bytes = format!("\u{FEFF}{nfd}\r\nb\rc\n");
        let d = decode(bytes.as_bytes(), "x", Path::new("x.txt")).unwrap();
        assert_eq!(d.text, "Hà Nội\nb\nc\n");
        let err = decode(b"ab\xFFc", "x", Path::new("x.txt")).unwrap_err();
        assert!(
            err.to_string()
                .contains("x.txt: invalid UTF-8 at byte offset 2"),
            "{err}"
        );
    }

    #[test]
    fn control_characters_are_taken_out_and_counted() {
        let input = "\u{FEFF}a\u{0}b\u{8}c\td\u{B}e\u{C}f\u{7F}g\u{85}h\u{9F}i\u{FFFE}j\u{FFFF}k\r\nl\u{A0}m\u{FEFF}n";
        let d = decode(input.as_bytes(), "x", Path::new("x.txt")).unwrap();
        assert_eq!(d.text, "abc\td\ne\nfg\nhijk\nl\u{A0}m\u{FEFF}n");
        assert_eq!(
            d.cleaned,
            Cleaned {
                removed: 6,
                line_breaks: 3,
                first: Some(('\u{0}', 4)),
            }
        );
        // Clean text is left alone and reports nothing.
        let d = decode("Hà Nội\u{A0}\u{FEFF}\n".as_bytes(), "x", Path::new("x")).unwrap();
        assert_eq!(d.cleaned, Cleaned::default());
        assert_eq!(d.text, "Hà Nội\u{A0}\u{FEFF}\n");
    }

    #[test]
    fn inputs_keep_structure_and_never_collide() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("in/x")).unwrap();
        std::fs::create_dir_all(d.join("other")).unwrap();
        for f in ["in/a.txt", "in/x/b.md", "in/x/skip.pdf", "other/a.txt"] {
            std::fs::write(d.join(f), "t").unwrap();
        }
        let inputs = collect_inputs(&[d.join("in"), d.join("other/a.txt")]).unwrap();
        let stems: Vec<_> = inputs.iter().map(|i| i.out_stem.clone()).collect();
        assert_eq!(stems.len(), 3);
        assert_eq!(stems[1], PathBuf::from("x/b"));
        // Both `a` inputs fall back to their paths.
        assert_ne!(stems[0], stems[2]);
        assert!(
            stems[0].ends_with("in/a") && stems[2].ends_with("other/a"),
            "{stems:?}"
        );
        assert!(collect_inputs(&[d.join("nope.txt")]).is_err());
    }
}
