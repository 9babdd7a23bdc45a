//! The write stage: one writer per output format, all fed the same
//! document and segments, all written atomically (temporary file, then
//! rename), and all XML through [`crate::xml`].
//!
//! Outputs for a document whose output stem is `NAME` (see
//! [`crate::reader::Input`]): `NAME.jsonl`, `NAME.tsv`, `NAME.tmx`,
//! `NAME.xlf`, `NAME.html`, and `NAME.<source>.txt`, `NAME.<target>.txt`,
//! `NAME.ascii.txt` (line-aligned).

mod html;
mod jsonl;
mod tmx;
mod tsv;
mod txt;
mod xliff;

use std::path::{Path, PathBuf};

pub use crate::config::Format;
use crate::document::{Document, Segment};
use crate::error::Result;
pub use tmx::{tmx_date, tmx_document};

/// Everything a writer needs about one document.
#[derive(Debug, Clone, Copy)]
pub struct Output<'a> {
    /// The document.
    pub doc: &'a Document,
    /// Its segments, in order.
    pub segments: &'a [Segment],
    /// Source language code.
    pub source_lang: &'a str,
    /// Target language code.
    pub target_lang: &'a str,
    /// The input's name as given (XLIFF `original`).
    pub original: &'a str,
    /// The glossary entries the segments' hits index into.
    pub entries: &'a [crate::glossary::Entry],
    /// The configured engine (`none` offline).
    pub engine: &'a str,
}

/// A format writer: renders the files of one document.
pub trait Writer {
    /// `(file-name suffix, contents)` pairs, e.g. `(".jsonl", …)`.
    fn render(&self, out: &Output<'_>) -> Vec<(String, String)>;
}

/// The writer for `format`.
pub fn writer(format: Format) -> Box<dyn Writer> {
    match format {
        Format::Jsonl => Box::new(jsonl::Jsonl),
        Format::Tsv => Box::new(tsv::Tsv),
        Format::Tmx => Box::new(tmx::Tmx),
        Format::Xliff => Box::new(xliff::Xliff),
        Format::Html => Box::new(html::Html),
        Format::Txt => Box::new(txt::Txt),
    }
}

impl Format {
    /// Every format, in documentation order.
    pub const ALL: [Format; 6] = [
        Format::Jsonl,
        Format::Tsv,
        Format::Tmx,
        Format::Xliff,
        Format::Html,
        Format::Txt,
    ];

    /// The name used in config files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Tsv => "tsv",
            Format::Tmx => "tmx",
            Format::Xliff => "xliff",
            Format::Html => "html",
            Format::Txt => "txt",
        }
    }

    /// Parses a format name (`xlf` is accepted for `xliff`).
    pub fn from_name(s: &str) -> Option<Format> {
        if s == "xlf" {
            return Some(Format::Xliff);
        }
        Self::ALL.into_iter().find(|f| f.name() == s)
    }
}

/// Writes every format of one document under `dir` as `stem` + suffix,
/// atomically. Returns the files written.
///
/// # Errors
/// [`crate::Error::Io`] for the first file that cannot be written (files
/// already written stay, each complete).
pub fn write_all(
    dir: &Path,
    stem: &Path,
    formats: &[Format],
    out: &Output<'_>,
) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for &f in formats {
        for (suffix, contents) in writer(f).render(out) {
            let mut name = stem.as_os_str().to_owned();
            name.push(&suffix);
            let path = dir.join(name);
            crate::atomic::write_atomic(&path, contents.as_bytes())?;
            written.push(path);
        }
    }
    Ok(written)
}

/// Replaces the characters that split lines for some readers (U+2028,
/// U+2029, U+0085, VT, FF, CR, LF) with spaces, for line-oriented outputs.
pub fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    let breaks = |c: char| {
        matches!(
            c,
            '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{1C}'
                ..='\u{1E}'
        )
    };
    if s.contains(breaks) {
        s.chars()
            .map(|c| if breaks(c) { ' ' } else { c })
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}
