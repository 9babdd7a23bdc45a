//! The model every stage reads and writes: a [`Document`] (one article, its
//! text normalised) and its [`Segment`]s (the units of translation, with
//! their spans, ASCII form, glossary hits, draft target and QA flags).
//!
//! A segment's JSON form is the JSONL line of DESIGN.md, field for field.

use serde::{Deserialize, Serialize};

use ustr::Ustr;

use crate::diagnostic::Severity;

/// One article, read and normalised.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// The name outputs are called after (the input's file stem).
    pub name: String,
    /// The text: BOM dropped, control characters removed (see
    /// [`Cleaned`]), CRLF and CR made LF, NFC.
    pub text: String,
    /// What the reader took out of the input.
    pub cleaned: Cleaned,
}

/// Control characters the reader took out of a document, so that the
/// source, every output and the review page hold the same text (the XML
/// and HTML writers cannot carry them, and a page that dropped them would
/// see edits nobody made). See docs/review.md.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cleaned {
    /// Removed: NUL and the other C0 controls but tab, LF, CR, VT and FF;
    /// DEL; the C1 controls but NEL; the noncharacters U+FFFE and U+FFFF.
    pub removed: usize,
    /// VT, FF and NEL (U+0085), which end a line in Word and legacy
    /// encodings: made line breaks.
    pub line_breaks: usize,
    /// The first of them: the character and its byte offset in the input
    /// as given (BOM included).
    pub first: Option<(char, u64)>,
}

impl Cleaned {
    /// Characters removed or replaced.
    pub fn total(&self) -> usize {
        self.removed + self.line_breaks
    }
}

/// What a segment is, in the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SegmentKind {
    /// The headline.
    Title,
    /// Body text.
    Text,
    /// A photo caption or its credit (`(Ảnh: …)`, `- Ảnh: …`, `Đồ họa: …`,
    /// `Video: …`), see docs/segmentation.md.
    Caption,
    /// The byline closing the article (`Minh Tuệ`, `XUÂN NGỌC`, `Tác giả: …`,
    /// `Nguồn: …`, `(TTXVN/Vietnam+)`, `Name (TTXVN/…)`).
    Byline,
    /// The image-alt line a CMS glues into scraped copy, ASCII (`… hinh anh N`)
    /// or diacritic (`… ảnh N`): kept, never translated.
    AsciiCaption,
}

impl SegmentKind {
    /// The name used in outputs.
    pub fn name(self) -> &'static str {
        match self {
            SegmentKind::Title => "title",
            SegmentKind::Text => "text",
            SegmentKind::Caption => "caption",
            SegmentKind::Byline => "byline",
            SegmentKind::AsciiCaption => "ascii-caption",
        }
    }
}

/// What kind of match a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HitClass {
    /// The text is exactly the entry as written.
    Exact,
    /// Differs only in case, as the case rule allows.
    CaseVariant,
    /// Differs in tone-mark placement (`Uỷ` for `Ủy`), maybe also in case.
    ToneVariant,
    /// ASCII-only text that folds to the entry (report only).
    AsciiSpan,
    /// Folds to the entry but carries other diacritics (report only).
    DiacriticMismatch,
    /// A listed misspelling of the entry (report only).
    Suspect,
    /// Part of a longer name the glossary does not have: directly after a
    /// title modifier (`Phó Chủ tịch Quốc hội`), or followed by a capitalised
    /// syllable that continues the name (`Luật Đất đai`, `Phó Thủ tướng
    /// Chính phủ`), or that continuation itself (report only).
    Partial,
    /// A term marked `needs = "number"` (a document type) with no number,
    /// code or name after it: `Kết luận phiên họp` (report only).
    Unnumbered,
}

impl HitClass {
    /// Every class, in report order.
    pub const ALL: [HitClass; 8] = [
        HitClass::Exact,
        HitClass::CaseVariant,
        HitClass::ToneVariant,
        HitClass::AsciiSpan,
        HitClass::DiacriticMismatch,
        HitClass::Suspect,
        HitClass::Partial,
        HitClass::Unnumbered,
    ];

    /// The class name used in outputs.
    pub fn name(self) -> &'static str {
        match self {
            HitClass::Exact => "exact",
            HitClass::CaseVariant => "case-variant",
            HitClass::ToneVariant => "tone-variant",
            HitClass::AsciiSpan => "ascii-span",
            HitClass::DiacriticMismatch => "diacritic-mismatch",
            HitClass::Suspect => "suspect",
            HitClass::Partial => "partial",
            HitClass::Unnumbered => "unnumbered",
        }
    }

    /// May the glossary replace text on this hit? Only the confident classes.
    pub fn is_confident(self) -> bool {
        matches!(
            self,
            HitClass::Exact | HitClass::CaseVariant | HitClass::ToneVariant
        )
    }

    /// A suspected misspelling of a term, for QA.
    pub fn is_misspelling(self) -> bool {
        matches!(self, HitClass::DiacriticMismatch | HitClass::Suspect)
    }
}

/// One glossary term found in a text. The matched text is not copied:
/// [`Hit::text`] slices it from the text given to [`crate::glossary::Matcher::find`].
///
/// `entry` and `target` are interned strings ([`Ustr`]: they deref to
/// `str`, copying one copies a pointer). Interned strings live as long as
/// the process: the glossary's sources and targets once (building the
/// matcher again with the same glossary adds nothing), and each distinct
/// filled pattern target (`Conclusion No. 44-KL/TW`). This is what keeps
/// hits free of allocation and reference counting, measured at 14 % of the
/// matching time with 100,000 entries; a process that loads many different
/// glossaries in turn keeps every string it has seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Byte offset of the start, in the text given to [`crate::glossary::Matcher::find`].
    pub start: usize,
    /// Byte offset of the end.
    pub end: usize,
    /// The entry's source as written in the glossary.
    pub entry: Ustr,
    /// The approved target (a pattern's with its slots filled).
    pub target: Ustr,
    /// The class of the match.
    pub class: HitClass,
    /// Index of the entry in the matcher's glossary.
    pub index: usize,
}

impl Hit {
    /// The matched text, from `source`: the text the hit was found in.
    ///
    /// # Panics
    /// When `source` is not that text (the offsets fall outside it or
    /// inside a character).
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.start..self.end]
    }
}

/// A QA finding on one segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    /// A stable code (`suspected-misspelling`, `pattern-unparsed`,
    /// `term-missing`, `term-forbidden`, …).
    pub code: String,
    /// `error` or `warning`.
    pub severity: Severity,
    /// For the reviewer.
    pub message: String,
}

/// One unit of translation. Its JSON form (serde) is the JSONL line of
/// DESIGN.md, each hit with the `text` it matched.
#[derive(Debug, Clone)]
pub struct Segment {
    /// `NAME:0004`.
    pub id: String,
    /// The document name.
    pub doc: String,
    /// Paragraph number, from 0.
    pub para: usize,
    /// Segment number in the document, from 0.
    pub seq: usize,
    /// What the segment is.
    pub kind: SegmentKind,
    /// The source text (a slice of the document's text).
    pub source: String,
    /// Its ASCII form.
    pub ascii: String,
    /// The target, if any (offline: the glossary draft in `replace` mode).
    pub target: Option<String>,
    /// Where the target came from: `glossary`, `tm`, `human`, `engine:NAME`.
    pub origin: Option<String>,
    /// Glossary hits, offsets into `source`.
    pub terms: Vec<Hit>,
    /// QA findings.
    pub flags: Vec<Flag>,
    /// Byte span of `source` in the document's text.
    pub span: (usize, usize),
}

impl Serialize for Segment {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut m = s.serialize_struct("Segment", 11)?;
        m.serialize_field("id", &self.id)?;
        m.serialize_field("doc", &self.doc)?;
        m.serialize_field("para", &self.para)?;
        m.serialize_field("seq", &self.seq)?;
        m.serialize_field("kind", &self.kind)?;
        m.serialize_field("source", &self.source)?;
        m.serialize_field("ascii", &self.ascii)?;
        m.serialize_field("target", &self.target)?;
        m.serialize_field("origin", &self.origin)?;
        m.serialize_field(
            "terms",
            &Terms {
                hits: &self.terms,
                source: &self.source,
            },
        )?;
        m.serialize_field("flags", &self.flags)?;
        m.end()
    }
}

/// A segment's hits as JSON: `start`, `end`, `text`, `entry`, `target`, `class`.
struct Terms<'a> {
    hits: &'a [Hit],
    source: &'a str,
}

impl Serialize for Terms<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Term<'a> {
            start: usize,
            end: usize,
            text: &'a str,
            entry: &'a str,
            target: &'a str,
            class: HitClass,
        }
        s.collect_seq(self.hits.iter().map(|h| Term {
            start: h.start,
            end: h.end,
            text: self.source.get(h.start..h.end).unwrap_or(""),
            entry: &h.entry,
            target: &h.target,
            class: h.class,
        }))
    }
}
