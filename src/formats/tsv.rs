//! `NAME.tsv`: a spreadsheet view, one row per segment after a header
//! `id, kind, source, ascii, target, origin, terms, flags`.
//!
//! TSV has no quoting, so inside fields a backslash is written `\\`, a tab
//! `\t`, a line feed `\n` and a carriage return `\r` (the convention of
//! PostgreSQL's text COPY and of many CAT tools). `terms` lists
//! `entry => target [class]` separated by ` | `; `flags` lists
//! `severity code: message` the same way.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use super::Writer;
use crate::document::{Provenance, Segment};
use crate::error::{Error, Result};

#[derive(Default)]
pub struct Tsv {
    /// The header is written.
    started: bool,
    /// A field being built (terms, flags).
    field: String,
}

/// Appends the TSV field `s` escaped (see the module documentation) to
/// `out`, copying runs that need no escape whole.
fn push_escaped(out: &mut String, s: &str) {
    let b = s.as_bytes();
    // Most fields need no escape: two vectorised scans find that out.
    if memchr::memchr3(b'\t', b'\n', b'\r', b).is_none() && memchr::memchr(b'\\', b).is_none() {
        out.push_str(s);
        return;
    }
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let with = match b {
            b'\\' => "\\\\",
            b'\t' => "\\t",
            b'\n' => "\\n",
            b'\r' => "\\r",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(with);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// The TSV field `s` escaped (see the module documentation).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s);
    out
}

impl Writer for Tsv {
    fn write(&mut self, segments: &[Segment], out: &mut [&mut dyn Write]) -> std::io::Result<()> {
        let size: usize = segments
            .iter()
            .map(|s| 3 * s.source.len() + 64 * s.terms.len() + 32)
            .sum();
        let mut s = String::with_capacity(size);
        if !self.started {
            self.started = true;
            s.push_str("id\tkind\tsource\tascii\ttarget\torigin\tterms\tflags\n");
        }
        let field = &mut self.field;
        for seg in segments {
            let origin = seg.origin.as_ref().map(ToString::to_string);
            for f in [
                seg.id.as_str(),
                seg.kind.name(),
                &seg.source,
                &seg.ascii,
                seg.target.as_deref().unwrap_or(""),
                origin.as_deref().unwrap_or(""),
            ] {
                push_escaped(&mut s, f);
                s.push('\t');
            }
            field.clear();
            for (i, h) in seg.terms.iter().enumerate() {
                if i > 0 {
                    field.push_str(" | ");
                }
                let _ = write!(field, "{} => {} [{}]", h.entry, h.target, h.class.name());
            }
            push_escaped(&mut s, field);
            s.push('\t');
            field.clear();
            for (i, f) in seg.flags.iter().enumerate() {
                if i > 0 {
                    field.push_str(" | ");
                }
                let _ = write!(field, "{} {}: {}", f.severity, f.code, f.message);
            }
            push_escaped(&mut s, field);
            s.push('\n');
        }
        out[0].write_all(s.as_bytes())
    }

    fn finish(&mut self, out: &mut [&mut dyn Write]) -> std::io::Result<()> {
        // A document without segments still has the header.
        self.write(&[], out)
    }
}

/// Undoes [`escape`]: `\\`, `\t`, `\n`, `\r` become the characters; any
/// other backslash stays as it is.
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// One row of a `NAME.tsv` read back, its fields unescaped; a column the
/// header does not name, or a row too short for it, reads as empty.
/// `terms` and `flags` are for reading, not read back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    /// 1-based line in the file.
    pub line: usize,
    /// `id`.
    pub id: String,
    /// `kind`.
    pub kind: String,
    /// `source`.
    pub source: String,
    /// `ascii`.
    pub ascii: String,
    /// `target`.
    pub target: String,
    /// `origin` (`None` when empty).
    pub origin: Option<Provenance>,
}

/// Reads the TSV `text` of `file` as `run` writes it (and a reviewer or a
/// spreadsheet edits it): columns are found by the header's names, in any
/// order, so columns may be added, removed or moved, but `source` and
/// `target` must be there. Blank lines are skipped; an empty file has no
/// rows.
///
/// # Errors
/// [`Error::Parse`] at line 1 when the header lacks `source` or `target`.
pub fn read(file: &Path, text: &str) -> Result<Vec<Row>> {
    let mut lines = text.lines().enumerate();
    let Some((_, header)) = lines.next() else {
        return Ok(Vec::new());
    };
    let cols: Vec<&str> = header.split('\t').collect();
    let col = |name: &str| cols.iter().position(|c| c.trim() == name);
    if col("source").is_none() || col("target").is_none() {
        return Err(Error::parse(
            file,
            1,
            None,
            "the header needs `source` and `target` columns (as `songngu run` writes them)",
        ));
    }
    let at = ["id", "kind", "source", "ascii", "target", "origin"].map(col);
    let mut rows = Vec::new();
    for (n, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [id, kind, source, ascii, target, origin] = at.map(|i| {
            i.and_then(|i| fields.get(i))
                .map(|s| unescape(s))
                .unwrap_or_default()
        });
        rows.push(Row {
            line: n + 1,
            id,
            kind,
            source,
            ascii,
            target,
            origin: (!origin.is_empty()).then(|| Provenance::from(origin.as_str())),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescape_undoes_escape_and_keeps_other_backslashes() {
        for s in ["a\tb\nc\rd\\e", "\\t literal", "end\\", "C:\\x\\y", ""] {
            assert_eq!(unescape(&escape(s)), s, "{s:?}");
        }
        assert_eq!(unescape("a\\qb\\"), "a\\qb\\");
    }

    #[test]
    fn read_finds_columns_by_name_and_locates_a_bad_header() {
        let rows = read(
            Path::new("a.tsv"),
            "target\tkind\tsource\n\nX\\nY\ttext\tA\\tB\nshort\n",
        )
        .unwrap();
        assert_eq!(
            rows,
            [
                Row {
                    line: 3,
                    kind: "text".into(),
                    source: "A\tB".into(),
                    target: "X\nY".into(),
                    ..Row::default()
                },
                Row {
                    line: 4,
                    target: "short".into(),
                    ..Row::default()
                }
            ]
        );
        let err = read(Path::new("a.tsv"), "id\tsource\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("a.tsv:1: error: the header needs `source` and `target`"),
            "{err}"
        );
        assert!(matches!(err, Error::Parse { line: 1, .. }), "{err:?}");
    }
}
