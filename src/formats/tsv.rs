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
/// `out`, copying runs that need no escape whole (found 16 bytes at a
/// time, [`crate::xml::find`]).
fn push_escaped(out: &mut String, s: &str) {
    let b = s.as_bytes();
    let (mut last, mut i) = (0, 0);
    loop {
        i = crate::xml::find(crate::xml::Bytes::Tsv, b, i);
        let Some(&c) = b.get(i) else {
            break;
        };
        let with = match c {
            b'\\' => "\\\\",
            b'\t' => "\\t",
            b'\n' => "\\n",
            _ => "\\r",
        };
        out.push_str(&s[last..i]);
        out.push_str(with);
        i += 1;
        last = i;
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
            push_escaped(&mut s, &seg.id);
            s.push('\t');
            // The kind's name needs no escape.
            s.push_str(seg.kind.name());
            s.push('\t');
            for f in [
                &seg.source,
                &seg.ascii,
                seg.target.as_deref().unwrap_or(""),
                origin.as_deref().unwrap_or(""),
            ] {
                push_escaped(&mut s, f);
                s.push('\t');
            }
            // The terms joined, then escaped at once (one scan instead of
            // one per piece).
            field.clear();
            for (i, h) in seg.terms.iter().enumerate() {
                if i > 0 {
                    field.push_str(" | ");
                }
                field.push_str(&h.entry);
                field.push_str(" => ");
                field.push_str(&h.target);
                field.push_str(" [");
                field.push_str(h.class.name());
                field.push(']');
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
/// A spreadsheet that saves TSV quotes a cell holding a tab, a line break
/// or a `"` (RFC 4180 style: the cell in `"`, each `"` inside doubled), and
/// may quote every cell. Such a cell is read as the spreadsheet meant it:
/// a cell that starts with `"` is read quoted when the whole file is (its
/// header's cells are all quoted), or when its quoting was needed (a `""`,
/// a tab or a line break inside); otherwise as written, so the `"…"` of a
/// quotation `run` wrote stays. A quoted cell may span lines only in a row
/// that is short of cells without it. The row's line is its first.
///
/// # Errors
/// [`Error::Parse`] at line 1 when the header lacks `source` or `target`;
/// at a row's line when it has more non-empty cells than the header (a tab
/// typed in a cell splits it: the target would be cut), or when it is short
/// of cells and a cell opens a quote that never closes (a cell cut in two).
pub fn read(file: &Path, text: &str) -> Result<Vec<Row>> {
    let header_end = text.find('\n').unwrap_or(text.len());
    let header = text[..header_end]
        .strip_suffix('\r')
        .unwrap_or(&text[..header_end]);
    if header.trim().is_empty() && header_end == text.len() {
        return Ok(Vec::new());
    }
    let raw_cols: Vec<&str> = header.split('\t').collect();
    // Every header cell quoted: a spreadsheet set to quote all text cells.
    let all_quoted = raw_cols
        .iter()
        .all(|c| c.len() >= 2 && c.starts_with('"') && c.ends_with('"'));
    let cols: Vec<&str> = raw_cols
        .iter()
        .map(|c| if all_quoted { &c[1..c.len() - 1] } else { c })
        .collect();
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
    let mut pos = (header_end + 1).min(text.len());
    let mut line = 2usize;
    while pos < text.len() {
        let (fields, next, lines) = row(file, text, pos, line, cols.len(), all_quoted)?;
        let first = line;
        line += lines;
        pos = next;
        if fields.len() == 1 && fields[0].trim().is_empty() {
            continue;
        }
        if let Some(extra) = fields.get(cols.len()..)
            && extra.iter().any(|f| !f.trim().is_empty())
        {
            return Err(Error::parse(
                file,
                first,
                None,
                format!(
                    "this row has {} cells and the header {}: a tab typed inside a cell splits \
                     it, and its target would be cut (nothing was imported); write a tab in a \
                     cell as \\t, or save the file from a spreadsheet, which quotes such a cell",
                    fields.len(),
                    cols.len()
                ),
            ));
        }
        let [id, kind, source, ascii, target, origin] = at.map(|i| {
            i.and_then(|i| fields.get(i))
                .map(|s| unescape(s))
                .unwrap_or_default()
        });
        // No origin has a space in it (`human`, `engine:deepl`): words
        // there are the end of a target a typed tab cut off.
        if origin.contains(char::is_whitespace) {
            return Err(Error::parse(
                file,
                first,
                None,
                format!(
                    "the origin cell holds `{}`, which is no origin (`human`, `glossary`, `tm`, \
                     `engine:NAME`): a tab typed inside the target splits it, and its target \
                     would be cut (nothing was imported); write a tab in a cell as \\t, or save \
                     the file from a spreadsheet, which quotes such a cell",
                    origin.escape_debug()
                ),
            ));
        }
        rows.push(Row {
            line: first,
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

/// The cells of the row starting at byte `start` of `text` (line `line`),
/// the byte after it, and the number of lines it took (see [`read`] for
/// when a cell is read quoted).
fn row(
    file: &Path,
    text: &str,
    start: usize,
    line: usize,
    columns: usize,
    all_quoted: bool,
) -> Result<(Vec<String>, usize, usize)> {
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let raw_line = &text[start..line_end];
    let raw_line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
    let short = raw_line.split('\t').count() < columns;
    let mut fields = Vec::new();
    let mut pos = start;
    loop {
        if text[pos..].starts_with('"')
            && let Some((cell, after)) = quoted(text, pos)
        {
            let spans_lines = cell.contains('\n');
            let needed = cell.contains(['"', '\t', '\n', '\r']);
            if (all_quoted || needed) && (!spans_lines || short) {
                fields.push(cell);
                pos = after;
                match text[pos..].chars().next() {
                    Some('\t') => {
                        pos += 1;
                        continue;
                    }
                    _ => break,
                }
            }
        }
        let end = text[pos..]
            .find(['\t', '\n'])
            .map_or(text.len(), |i| pos + i);
        let cell = &text[pos..end];
        let cell = if text[end..].starts_with('\t') {
            cell
        } else {
            cell.strip_suffix('\r').unwrap_or(cell)
        };
        if short && cell.starts_with('"') && quoted(text, pos).is_none() && !all_quoted {
            // A quote opened and never closed in a short row: a cell a
            // spreadsheet quoted, cut in two.
            return Err(Error::parse(
                file,
                line,
                None,
                format!(
                    "a cell opens a quote `\"` that never closes, in a row of {} cells (the \
                     header has {columns}): the cell would be cut (nothing was imported); close \
                     the quote, or save the file again from the spreadsheet",
                    raw_line.split('\t').count()
                ),
            ));
        }
        fields.push(cell.to_owned());
        pos = end;
        if text[pos..].starts_with('\t') {
            pos += 1;
            continue;
        }
        break;
    }
    // `pos` is at the row's line break (or the end).
    let consumed = &text[start..pos];
    let lines = 1 + consumed.matches('\n').count();
    let next = if text[pos..].starts_with("\r\n") {
        pos + 2
    } else if text[pos..].starts_with('\n') || text[pos..].starts_with('\r') {
        pos + 1
    } else {
        pos
    };
    Ok((fields, next.min(text.len()).max(pos), lines))
}

/// The RFC 4180 quoted cell starting with the `"` at byte `at` of `text`:
/// its content (`""` read as `"`) and the byte after its closing quote,
/// when that quote is followed by a tab, a line break or the end.
fn quoted(text: &str, at: usize) -> Option<(String, usize)> {
    let mut cell = String::new();
    let mut pos = at + 1;
    loop {
        let i = pos + text[pos..].find('"')?;
        cell.push_str(&text[pos..i]);
        if text[i + 1..].starts_with('"') {
            cell.push('"');
            pos = i + 2;
            continue;
        }
        let after = i + 1;
        let rest = &text[after..];
        if rest.is_empty() || rest.starts_with(['\t', '\n']) || rest.starts_with("\r\n") {
            return Some((cell, after));
        }
        return None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_its_fields_escaped_whole() {
        // The terms' pieces are escaped where they go: the same as the
        // joined field escaped.
        use crate::document::{Document, Hit, SegmentKind};
        use crate::glossary::HitClass;
        let source = "Ban\tBí thư \\ và\nBộ Công an\r.";
        let hit = |entry: &str, target: &str, class| Hit {
            start: 0,
            end: 3,
            entry: ustr::Ustr::from(entry),
            target: ustr::Ustr::from(target),
            class,
            index: 0,
        };
        let seg = Segment {
            id: "d\t:0001".into(),
            doc: "d".into(),
            para: 0,
            seq: 1,
            kind: SegmentKind::AsciiCaption,
            source: source.into(),
            ascii: crate::to_ascii(source),
            target: Some("The\\Secretariat\t\n".into()),
            origin: Some(Provenance::Engine("x\ty".into())),
            terms: vec![
                hit("Ban\tBí thư", "Secre\\tariat", HitClass::Exact),
                hit("Bộ\nCông an", "M\rPS", HitClass::CaseVariant),
                hit("plain", "", HitClass::Partial),
            ],
            flags: Vec::new(),
            span: (0, 0),
        };
        let doc = Document::default();
        let segs = [seg.clone()];
        let out = super::super::Output {
            doc: &doc,
            segments: &segs,
            source_lang: "vi",
            target_lang: "en",
            original: "d.txt",
            entries: &[],
            engine: "none",
        };
        let file = super::super::render(super::super::Format::Tsv, &out)
            .pop()
            .unwrap()
            .1;
        let terms: Vec<String> = seg
            .terms
            .iter()
            .map(|h| format!("{} => {} [{}]", h.entry, h.target, h.class.name()))
            .collect();
        let row = [
            seg.id.clone(),
            seg.kind.name().to_owned(),
            seg.source.clone(),
            seg.ascii.clone(),
            seg.target.clone().unwrap(),
            seg.origin.as_ref().unwrap().to_string(),
            terms.join(" | "),
            String::new(),
        ]
        .map(|f| escape(&f))
        .join("\t");
        assert_eq!(file.lines().nth(1).unwrap(), row);
    }

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
