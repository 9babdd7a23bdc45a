//! `NAME.jsonl`: one JSON object per segment, in order: a [`Record`], the
//! fields of docs/data-model.md ("The JSONL line") in that order (`id`,
//! `doc`, `para`, `seq`, `kind`, `source`, `ascii`, `target`, `origin`,
//! `terms`, `flags`). Read back with [`read_lines`]: a run's lines as
//! [`Record`]s (`qa`, the tests), corrections as [`ReviewLine`]s
//! (`tm import`).

use std::borrow::Cow;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use std::io::Write;

use super::Writer;
use crate::document::{Flag, Provenance, Segment, SegmentKind};
use crate::error::{Error, Result};

/// The JSONL writer. A group's lines are serialised into one buffer and
/// written at once: serde writes many small pieces, each of which would
/// otherwise be a call through the output's `dyn Write`.
#[derive(Default)]
pub struct Jsonl {
    buf: Vec<u8>,
}

impl Writer for Jsonl {
    fn write(&mut self, segments: &[Segment], out: &mut [&mut dyn Write]) -> std::io::Result<()> {
        self.buf.clear();
        // Room for the group's lines at once (the texts, their escapes
        // aside, the fields' names, the hits).
        self.buf.reserve(
            segments
                .iter()
                .map(|s| {
                    s.id.len()
                        + s.doc.len()
                        + s.source.len()
                        + s.ascii.len()
                        + s.target.as_ref().map_or(0, String::len)
                        + 160
                        + 128 * s.terms.len()
                })
                .sum(),
        );
        // One vector of terms serves every record of the group.
        let mut terms = Vec::new();
        for seg in segments {
            let mut record = Record::of_with(seg, terms);
            record.write_json(&mut self.buf)?;
            self.buf.push(b'\n');
            terms = std::mem::take(&mut record.terms);
        }
        out[0].write_all(&self.buf)
    }

    fn finish(&mut self, _out: &mut [&mut dyn Write]) -> std::io::Result<()> {
        Ok(())
    }
}

/// One line of `NAME.jsonl`: a segment's JSON form, the fields of
/// docs/data-model.md ("The JSONL line") in that order; `target` and
/// `origin` are `null` when absent, never left out. Written borrowing the
/// segment ([`Record::of`]), read back owned ([`read_lines`]); reading
/// accepts lines without `para`, `seq`, `ascii`, `terms` or `flags` (lines
/// written by hand or by older versions), and origins, flag codes and hit
/// classes this version does not know, kept as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record<'a> {
    /// `NAME:0004`.
    pub id: Cow<'a, str>,
    /// The document name.
    pub doc: Cow<'a, str>,
    /// Paragraph number, from 0.
    #[serde(default)]
    pub para: usize,
    /// Segment number in the document, from 0.
    #[serde(default)]
    pub seq: usize,
    /// What the segment is.
    pub kind: SegmentKind,
    /// The source text.
    pub source: Cow<'a, str>,
    /// Its ASCII form.
    #[serde(default)]
    pub ascii: Cow<'a, str>,
    /// The target, if any.
    pub target: Option<Cow<'a, str>>,
    /// Where the target came from.
    pub origin: Option<Cow<'a, Provenance>>,
    /// The glossary hits.
    #[serde(default)]
    pub terms: Vec<Term<'a>>,
    /// The QA flags.
    #[serde(default)]
    pub flags: Cow<'a, [Flag]>,
}

/// A glossary hit in a [`Record`]: byte offsets into `source`, the `text`
/// they slice, the entry as written in the glossary, its target, and the
/// hit's class (`exact`, `case-variant`, …; kept as text, so that a class
/// of another version reads back as it is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term<'a> {
    /// Start, a byte offset into `source`.
    pub start: usize,
    /// End, a byte offset into `source`.
    pub end: usize,
    /// `source[start..end]`.
    pub text: Cow<'a, str>,
    /// The entry's source as written in the glossary.
    pub entry: Cow<'a, str>,
    /// The approved target (a pattern's with its slots filled).
    pub target: Cow<'a, str>,
    /// The hit class's name.
    pub class: Cow<'a, str>,
}

impl<'a> Record<'a> {
    /// The record of `seg`, borrowing it.
    pub fn of(seg: &'a Segment) -> Record<'a> {
        Record::of_with(seg, Vec::new())
    }

    /// [`Record::of`], its terms put in `terms` (emptied first; a vector
    /// of an earlier record, so that a group of records allocates once).
    fn of_with(seg: &'a Segment, mut terms: Vec<Term<'a>>) -> Record<'a> {
        terms.clear();
        terms.extend(seg.terms.iter().map(|h| Term {
            start: h.start,
            end: h.end,
            text: Cow::Borrowed(seg.source.get(h.start..h.end).unwrap_or("")),
            entry: Cow::Borrowed(h.entry.as_str()),
            target: Cow::Borrowed(h.target.as_str()),
            class: Cow::Borrowed(h.class.name()),
        }));
        Record {
            id: Cow::Borrowed(&seg.id),
            doc: Cow::Borrowed(&seg.doc),
            para: seg.para,
            seq: seg.seq,
            kind: seg.kind,
            source: Cow::Borrowed(&seg.source),
            ascii: Cow::Borrowed(&seg.ascii),
            target: seg.target.as_deref().map(Cow::Borrowed),
            origin: seg.origin.as_ref().map(Cow::Borrowed),
            terms,
            flags: Cow::Borrowed(&seg.flags),
        }
    }

    /// Appends the record's JSON to `out`: exactly what `serde_json` makes
    /// of it (the test `the_fast_writer_is_serde_json_byte_for_byte` checks
    /// that on random records), with the long strings (texts, hits) escaped
    /// by [`push_json_str`], which skips clean 16-byte blocks at once,
    /// instead of a table look-up and a call per byte. The kind is written
    /// by its name, no origin as `null` and no flags as `[]`; an origin and
    /// flags go through serde.
    ///
    /// # Errors
    /// None in practice: serde_json cannot fail on these types.
    pub fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.extend_from_slice(b"{\"id\":");
        push_json_str(out, &self.id);
        out.extend_from_slice(b",\"doc\":");
        push_json_str(out, &self.doc);
        out.extend_from_slice(b",\"para\":");
        push_number(out, self.para);
        out.extend_from_slice(b",\"seq\":");
        push_number(out, self.seq);
        out.extend_from_slice(b",\"kind\":\"");
        // The kind's name is its serde name (kebab-case) and needs no escape.
        out.extend_from_slice(self.kind.name().as_bytes());
        out.push(b'"');
        out.extend_from_slice(b",\"source\":");
        push_json_str(out, &self.source);
        out.extend_from_slice(b",\"ascii\":");
        push_json_str(out, &self.ascii);
        out.extend_from_slice(b",\"target\":");
        match &self.target {
            Some(t) => push_json_str(out, t),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"origin\":");
        match &self.origin {
            None => out.extend_from_slice(b"null"),
            Some(o) => serde_json::to_writer(&mut *out, o)?,
        }
        out.extend_from_slice(b",\"terms\":[");
        for (i, t) in self.terms.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"start\":");
            push_number(out, t.start);
            out.extend_from_slice(b",\"end\":");
            push_number(out, t.end);
            for (name, value) in [
                (&b",\"text\":"[..], &t.text),
                (b",\"entry\":", &t.entry),
                (b",\"target\":", &t.target),
                (b",\"class\":", &t.class),
            ] {
                out.extend_from_slice(name);
                push_json_str(out, value);
            }
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"flags\":");
        if self.flags.is_empty() {
            out.extend_from_slice(b"[]");
        } else {
            serde_json::to_writer(&mut *out, &self.flags)?;
        }
        out.push(b'}');
        Ok(())
    }

    /// The segment the record describes. Its hits are not read back (a
    /// hit points into the glossary it was found with: QA finds them again
    /// with the current one), and its span in the document is unknown,
    /// `(0, 0)`.
    pub fn into_segment(self) -> Segment {
        Segment {
            id: self.id.into_owned(),
            doc: self.doc.into_owned(),
            para: self.para,
            seq: self.seq,
            kind: self.kind,
            source: self.source.into_owned(),
            ascii: self.ascii.into_owned(),
            target: self.target.map(Cow::into_owned),
            origin: self.origin.map(Cow::into_owned),
            terms: Vec::new(),
            flags: self.flags.into_owned(),
            span: (0, 0),
        }
    }
}

/// `n` in decimal.
fn push_number(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// The index of the first byte of `b` from `i` on that needs an escape (a
/// control character, `"`, `\\`), or `b.len()` (16 bytes at a time:
/// [`crate::xml::find`]).
fn next_escape(b: &[u8], i: usize) -> usize {
    crate::xml::find(crate::xml::Bytes::Json, b, i)
}

/// `s` as a JSON string, escaped as `serde_json` does: `"` and `\\`, the
/// short forms `\b \f \n \r \t`, other control characters as `\u00xx`;
/// everything else (DEL and all non-ASCII) as it is.
fn push_json_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    let (mut clean, mut i) = (0, 0);
    loop {
        i = next_escape(b, i);
        let Some(&c) = b.get(i) else {
            break;
        };
        out.extend_from_slice(&b[clean..i]);
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0C => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(c >> 4)],
                HEX[usize::from(c & 15)],
            ]),
        }
        i += 1;
        clean = i;
    }
    out.extend_from_slice(&b[clean..]);
    out.push(b'"');
}

/// A line of a corrections file in JSONL: a run's segment line edited by a
/// reviewer, or a line of the review page's export (`{"id", "doc",
/// "source", "target", "origin", "status", "comment", "replaces",
/// "source_lang", "target_lang"}`). Every
/// field may be absent or `null`; other fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ReviewLine {
    /// `kind` (`ascii-caption` lines are no corrections).
    pub kind: Option<String>,
    /// `source`.
    pub source: Option<String>,
    /// `target`.
    pub target: Option<String>,
    /// `origin` (`human` marks a reviewed target).
    pub origin: Option<Provenance>,
    /// The page's `status`: `approved`, `edited`, `needs-work`, `commented`.
    pub status: Option<String>,
    /// The target the page showed before the edit.
    pub replaces: Option<String>,
    /// The language pair of the page the row was reviewed on (the page's
    /// export writes it; a run's JSONL and older exports have none).
    pub source_lang: Option<String>,
    /// See `source_lang`.
    pub target_lang: Option<String>,
}

/// Reads the JSONL `text` of `file`: every line that is not blank as a
/// `T`, with its 1-based line number.
///
/// # Errors
/// [`Error::Parse`] at the first line that is not a `T`: `not EXPECTED:
/// why; HINT`, located at the line's first character when it is not a JSON
/// object at all, else where serde_json stopped.
pub fn read_lines<T: DeserializeOwned>(
    file: &Path,
    text: &str,
    expected: &str,
    hint: &str,
) -> Result<Vec<(usize, T)>> {
    let mut out = Vec::new();
    // A byte order mark (some editors save one) is not part of the first line.
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    for (n, line) in text.lines().enumerate() {
        let body = line.trim_start();
        if body.is_empty() {
            continue;
        }
        let (column, why) = if body.starts_with('{') {
            match serde_json::from_str(line) {
                Ok(v) => {
                    out.push((n + 1, v));
                    continue;
                }
                Err(e) => {
                    // serde_json's message ends with the position, which is
                    // in the location already.
                    let message = e.to_string();
                    let at = format!(" at line {} column {}", e.line(), e.column());
                    let why = message.strip_suffix(&at).unwrap_or(&message).to_owned();
                    (e.column().max(1), why)
                }
            }
        } else {
            let column = line[..line.len() - body.len()].chars().count() + 1;
            (column, "not a JSON object".to_owned())
        };
        return Err(Error::parse(
            file,
            n + 1,
            Some(column),
            format!("not {expected}: {why}; {hint}"),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Text with everything JSON escapes, DEL, and non-ASCII.
    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just('"'),
                Just('\\'),
                Just('\n'),
                Just('\t'),
                Just('\u{8}'),
                Just('\u{C}'),
                Just('\r'),
                Just('\u{1}'),
                Just('\u{1F}'),
                Just('\u{7F}'),
                Just('ễ'),
                Just('“'),
                Just('\u{2028}'),
                Just('😀'),
                proptest::char::range(' ', '~'),
            ],
            0..70,
        )
        .prop_map(|v| v.into_iter().collect())
    }

    fn record() -> impl Strategy<Value = Record<'static>> {
        let term = (0usize..5000, 0usize..5000, text(), text(), text(), text()).prop_map(
            |(start, end, t, e, g, c)| Term {
                start,
                end,
                text: t.into(),
                entry: e.into(),
                target: g.into(),
                class: c.into(),
            },
        );
        let flag = (0usize..3, any::<bool>(), text()).prop_map(|(code, error, message)| {
            let code = ["term-missing", "no-such-code", "segment-cut"][code];
            let severity = if error { "error" } else { "warning" };
            serde_json::from_value::<Flag>(
                serde_json::json!({"code": code, "severity": severity, "message": message}),
            )
            .unwrap()
        });
        (
            (text(), text(), any::<usize>(), 0usize..100_000, 0usize..5),
            (text(), text(), proptest::option::of(text()), 0usize..6),
            proptest::collection::vec(term, 0..4),
            proptest::collection::vec(flag, 0..3),
        )
            .prop_map(
                |((id, doc, para, seq, kind), (source, ascii, target, origin), terms, flags)| {
                    let kinds = [
                        SegmentKind::Title,
                        SegmentKind::Text,
                        SegmentKind::Caption,
                        SegmentKind::Byline,
                        SegmentKind::AsciiCaption,
                    ];
                    let origin = ["human", "tm", "glossary", "engine:deepl", "other-thing"]
                        .get(origin)
                        .map(|o| Cow::Owned(serde_json::from_value(serde_json::json!(o)).unwrap()));
                    Record {
                        id: id.into(),
                        doc: doc.into(),
                        para,
                        seq,
                        kind: kinds[kind],
                        source: source.into(),
                        ascii: ascii.into(),
                        target: target.map(Cow::Owned),
                        origin,
                        terms,
                        flags: Cow::Owned(flags),
                    }
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn the_fast_writer_is_serde_json_byte_for_byte(r in record()) {
            let mut fast = Vec::new();
            r.write_json(&mut fast).unwrap();
            let serde = serde_json::to_vec(&r).unwrap();
            prop_assert_eq!(String::from_utf8(fast).unwrap(), String::from_utf8(serde).unwrap());
        }
    }

    #[test]
    fn every_ascii_byte_is_escaped_as_serde_json_does() {
        let all: String = (0u8..0x80).map(char::from).collect();
        let mut fast = Vec::new();
        push_json_str(&mut fast, &all);
        assert_eq!(fast, serde_json::to_vec(&all).unwrap());
    }

    #[test]
    fn an_escape_at_any_position_of_short_and_long_strings_is_serde_json_s() {
        // Blocks of 16, the padded tail and the byte-by-byte pass meet at
        // every offset: each escaped character at each position of strings
        // of 0 to 40 characters, ASCII and Vietnamese.
        for base in ["abcdefghij", "Kết luận Bí"] {
            let chars: Vec<char> = base.chars().cycle().take(40).collect();
            for len in 0..=chars.len() {
                for special in ['"', '\\', '\n', '\u{1}', '\u{1f}', '\u{7f}'] {
                    for at in 0..=len {
                        let t: String = chars[..at]
                            .iter()
                            .chain([special].iter())
                            .chain(chars[at..len].iter())
                            .collect();
                        let mut fast = Vec::new();
                        push_json_str(&mut fast, &t);
                        assert_eq!(fast, serde_json::to_vec(&t).unwrap(), "{t:?}");
                    }
                }
                let t: String = chars[..len].iter().collect();
                let mut fast = Vec::new();
                push_json_str(&mut fast, &t);
                assert_eq!(fast, serde_json::to_vec(&t).unwrap(), "{t:?}");
            }
        }
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Pair {
        a: u8,
        b: Option<String>,
    }

    fn read(text: &str) -> Result<Vec<(usize, Pair)>> {
        read_lines(Path::new("x.jsonl"), text, "a pair", "write pairs")
    }

    #[test]
    fn segment_origin_serialises_as_its_text() {
        let mut seg = Segment {
            id: "d:0000".into(),
            doc: "d".into(),
            para: 0,
            seq: 0,
            kind: SegmentKind::Text,
            source: "Họp".into(),
            ascii: "Hop".into(),
            target: Some("Meeting".into()),
            origin: Some(Provenance::Engine("apertium".into())),
            terms: Vec::new(),
            flags: Vec::new(),
            span: (0, 4),
        };
        let json = serde_json::to_string(&Record::of(&seg)).unwrap();
        assert!(
            json.contains(r#""origin":"engine:apertium","terms""#),
            "{json}"
        );
        seg.origin = None;
        let json = serde_json::to_string(&Record::of(&seg)).unwrap();
        assert!(json.contains(r#""origin":null,"terms""#), "{json}");
    }

    #[test]
    fn a_record_reads_back_to_its_segment_and_keeps_what_it_does_not_know() {
        use crate::document::{FlagCode, Hit, HitClass};
        let seg = Segment {
            id: "d:0001".into(),
            doc: "d".into(),
            para: 1,
            seq: 1,
            kind: SegmentKind::Caption,
            source: "Bộ Công an họp".into(),
            ascii: "Bo Cong an hop".into(),
            target: Some("MPS meets".into()),
            origin: Some(Provenance::Human),
            terms: vec![Hit {
                start: 0,
                end: 13,
                entry: "Bộ Công an".into(),
                target: "Ministry of Public Security".into(),
                class: HitClass::ToneVariant,
                index: 7,
            }],
            flags: vec![Flag {
                code: FlagCode::TermMissing,
                severity: crate::diagnostic::Severity::Error,
                message: "m".into(),
            }],
            span: (10, 29),
        };
        let line = serde_json::to_string(&Record::of(&seg)).unwrap();
        assert_eq!(
            line,
            r#"{"id":"d:0001","doc":"d","para":1,"seq":1,"kind":"caption","source":"Bộ Công an họp","ascii":"Bo Cong an hop","target":"MPS meets","origin":"human","terms":[{"start":0,"end":13,"text":"Bộ Công an","entry":"Bộ Công an","target":"Ministry of Public Security","class":"tone-variant"}],"flags":[{"code":"term-missing","severity":"error","message":"m"}]}"#
        );
        let read: Vec<(usize, Record)> =
            read_lines(Path::new("d.jsonl"), &format!("{line}\n"), "a segment", "").unwrap();
        assert_eq!(read, [(1, Record::of(&seg))]);
        let back = read.into_iter().next().unwrap().1.into_segment();
        assert_eq!(
            (back.terms.len(), back.span),
            (0, (0, 0)),
            "hits and span are not read back"
        );
        assert_eq!(
            serde_json::to_string(&Record::of(&back)).unwrap(),
            line.replace(
                r#"[{"start":0,"end":13,"text":"Bộ Công an","entry":"Bộ Công an","target":"Ministry of Public Security","class":"tone-variant"}]"#,
                "[]"
            )
        );
        // Another version's origin, flag code and hit class, and a line
        // without the optional fields, read and written back as they are.
        let other = r#"{"id":"d:0","doc":"d","para":0,"seq":0,"kind":"text","source":"a","ascii":"","target":null,"origin":"reviewer:anna","terms":[{"start":0,"end":1,"text":"a","entry":"a","target":"A","class":"someday-class"}],"flags":[{"code":"future-check","severity":"warning","message":"m"}]}"#;
        let (_, r): (usize, Record) = read_lines(Path::new("o.jsonl"), other, "a segment", "")
            .unwrap()
            .remove(0);
        assert_eq!(
            r.origin.as_deref(),
            Some(&Provenance::Other("reviewer:anna".into()))
        );
        assert_eq!(r.flags[0].code, FlagCode::Other("future-check".into()));
        assert_eq!(serde_json::to_string(&r).unwrap(), other);
        let short = r#"{"id":"d:0","doc":"d","kind":"text","source":"a"}"#;
        let (_, r): (usize, Record) = read_lines(Path::new("s.jsonl"), short, "a segment", "")
            .unwrap()
            .remove(0);
        assert_eq!(
            (r.para, r.ascii.as_ref(), r.target, r.terms.len()),
            (0, "", None, 0)
        );
    }

    #[test]
    fn read_lines_skips_blank_lines_and_locates_the_first_bad_one() {
        assert_eq!(
            read("\u{FEFF}{\"a\":1,\"b\":null}\r\n").unwrap(),
            [(1, Pair { a: 1, b: None })],
            "a byte order mark before the first line"
        );
        assert_eq!(
            read("{\"a\":1,\"b\":null}\n\n  \r\n{\"b\":\"x\",\"a\":2}\r\n").unwrap(),
            [
                (1, Pair { a: 1, b: None }),
                (
                    4,
                    Pair {
                        a: 2,
                        b: Some("x".into())
                    }
                )
            ]
        );
        let msg = |text: &str| read(text).unwrap_err().to_string();
        assert_eq!(
            msg("{\"a\":1}\n  not json\n"),
            "x.jsonl:2:3: error: not a pair: not a JSON object; write pairs"
        );
        assert_eq!(
            msg("{\"b\":\"x\"}"),
            "x.jsonl:1:9: error: not a pair: missing field `a`; write pairs"
        );
        assert_eq!(
            msg("{\"a\":1,"),
            "x.jsonl:1:7: error: not a pair: EOF while parsing a value; write pairs"
        );
        assert!(matches!(
            read("[]").unwrap_err(),
            Error::Parse {
                line: 1,
                column: Some(1),
                ..
            }
        ));
    }
}
