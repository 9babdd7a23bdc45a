//! The model every stage reads and writes: a [`Document`] (one article, its
//! text normalised) and its [`Segment`]s (the units of translation, with
//! their spans, ASCII form, glossary hits, draft target and QA flags).
//!
//! A segment's JSON form, the JSONL line, is [`crate::formats::Record`].

use std::fmt;

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
    /// The article's metadata lines: the byline closing it (`Minh Tuệ`,
    /// `XUÂN NGỌC`, `Tác giả: …`, `Nguồn: …`, `(TTXVN/Vietnam+)`, `Name
    /// (TTXVN/…)`), a date line (`Thứ Tư, 5/6/2024`) and a source credit
    /// alone above the headline.
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

/// `FromStr`, `Serialize` and `Deserialize` of a type whose text form is
/// its `Display` and whose `From<&str>` never fails (unknown text is kept).
macro_rules! text_form {
    ($t:ty) => {
        impl std::str::FromStr for $t {
            type Err = std::convert::Infallible;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(<$t>::from(s))
            }
        }

        impl Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
                Ok(<$t>::from(text.as_ref()))
            }
        }
    };
}

/// Where a segment's target came from. Its text form (JSON `origin`, the
/// TSV column, TMX `x-origin`) is `glossary`, `tm`, `human` or
/// `engine:NAME`; a value this version does not know (an output of another
/// version) is read as [`Provenance::Other`] and written back unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Provenance {
    /// The glossary-only draft (`replace` mode).
    Glossary,
    /// An earlier machine translation from the translation memory.
    Tm,
    /// A reviewed (human) translation.
    Human,
    /// A machine translation by the named engine (`engine:NAME`).
    Engine(String),
    /// A value this version does not know, kept as it was read.
    Other(String),
}

impl Provenance {
    /// A reviewed translation.
    pub fn is_human(&self) -> bool {
        matches!(self, Provenance::Human)
    }

    /// The glossary-only draft.
    pub fn is_glossary(&self) -> bool {
        matches!(self, Provenance::Glossary)
    }

    /// A machine translation, from the memory or from an engine.
    pub fn is_machine(&self) -> bool {
        matches!(self, Provenance::Tm | Provenance::Engine(_))
    }

    /// The engine's name of an `engine:NAME` provenance.
    pub fn engine(&self) -> Option<&str> {
        match self {
            Provenance::Engine(name) => Some(name),
            _ => None,
        }
    }
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Provenance::Glossary => f.write_str("glossary"),
            Provenance::Tm => f.write_str("tm"),
            Provenance::Human => f.write_str("human"),
            Provenance::Engine(name) => write!(f, "engine:{name}"),
            Provenance::Other(text) => f.write_str(text),
        }
    }
}

impl From<&str> for Provenance {
    /// Reads the text form; never fails (unknown values become
    /// [`Provenance::Other`]).
    fn from(s: &str) -> Provenance {
        match s {
            "glossary" => Provenance::Glossary,
            "tm" => Provenance::Tm,
            "human" => Provenance::Human,
            _ => match s.strip_prefix("engine:") {
                Some(name) => Provenance::Engine(name.to_owned()),
                None => Provenance::Other(s.to_owned()),
            },
        }
    }
}

text_form!(Provenance);

/// A flag's stable code. Its text form is kebab-case (`term-missing`); a
/// code this version does not know (an output of another version) is read
/// as [`FlagCode::Other`] and written back unchanged, so `songngu qa` reads
/// the outputs of other versions. See docs/data-model.md for where each is
/// made.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FlagCode {
    /// A `diacritic-mismatch` or `suspect` hit.
    SuspectedMisspelling,
    /// A pattern's words with a value that does not parse.
    PatternUnparsed,
    /// A paragraph longer than `[segment] max_bytes` was cut at this segment.
    SegmentCut,
    /// An approved term is missing from the target.
    TermMissing,
    /// A forbidden rendering is in the target.
    TermForbidden,
    /// A protected placeholder came back lost, duplicated or invented.
    PlaceholderLost,
    /// The engine gave no usable translation.
    MtFailed,
    /// No target, the glossary draft only, or the source unchanged.
    Untranslated,
    /// The target is empty.
    EmptyTarget,
    /// A document code of the source is not in the target.
    CodeMissing,
    /// A date of the source is not in the target.
    DateMissing,
    /// A number of the source is not in the target.
    NumberMissing,
    /// Placeholder-looking text left in the target.
    PlaceholderLeft,
    /// Most words of the target are still Vietnamese.
    PartlyUntranslated,
    /// The same source is translated differently in the batch.
    Inconsistent,
    /// A code this version does not know, kept as it was read.
    Other(String),
}

impl FlagCode {
    /// Every code this version makes.
    pub const KNOWN: [FlagCode; 15] = [
        FlagCode::SuspectedMisspelling,
        FlagCode::PatternUnparsed,
        FlagCode::SegmentCut,
        FlagCode::TermMissing,
        FlagCode::TermForbidden,
        FlagCode::PlaceholderLost,
        FlagCode::MtFailed,
        FlagCode::Untranslated,
        FlagCode::EmptyTarget,
        FlagCode::CodeMissing,
        FlagCode::DateMissing,
        FlagCode::NumberMissing,
        FlagCode::PlaceholderLeft,
        FlagCode::PartlyUntranslated,
        FlagCode::Inconsistent,
    ];

    /// The text form.
    pub fn as_str(&self) -> &str {
        match self {
            FlagCode::SuspectedMisspelling => "suspected-misspelling",
            FlagCode::PatternUnparsed => "pattern-unparsed",
            FlagCode::SegmentCut => "segment-cut",
            FlagCode::TermMissing => "term-missing",
            FlagCode::TermForbidden => "term-forbidden",
            FlagCode::PlaceholderLost => "placeholder-lost",
            FlagCode::MtFailed => "mt-failed",
            FlagCode::Untranslated => "untranslated",
            FlagCode::EmptyTarget => "empty-target",
            FlagCode::CodeMissing => "code-missing",
            FlagCode::DateMissing => "date-missing",
            FlagCode::NumberMissing => "number-missing",
            FlagCode::PlaceholderLeft => "placeholder-left",
            FlagCode::PartlyUntranslated => "partly-untranslated",
            FlagCode::Inconsistent => "inconsistent",
            FlagCode::Other(code) => code,
        }
    }

    /// A glossary verification finding (`term-missing`, `term-forbidden`).
    pub fn is_term(&self) -> bool {
        matches!(self, FlagCode::TermMissing | FlagCode::TermForbidden)
    }
}

impl fmt::Display for FlagCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for FlagCode {
    /// Reads the text form; never fails (unknown codes become
    /// [`FlagCode::Other`]).
    fn from(s: &str) -> FlagCode {
        FlagCode::KNOWN
            .into_iter()
            .find(|c| c.as_str() == s)
            .unwrap_or_else(|| FlagCode::Other(s.to_owned()))
    }
}

text_form!(FlagCode);

/// A QA finding on one segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    /// Its stable code.
    pub code: FlagCode,
    /// `error` or `warning`.
    pub severity: Severity,
    /// For the reviewer.
    pub message: String,
}

/// One unit of translation. Its JSON form, the JSONL line, is
/// [`crate::formats::Record`] (each hit with the `text` it matched).
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
    /// Where the target came from.
    pub origin: Option<Provenance>,
    /// Glossary hits, offsets into `source`.
    pub terms: Vec<Hit>,
    /// QA findings.
    pub flags: Vec<Flag>,
    /// Byte span of `source` in the document's text.
    pub span: (usize, usize),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provenance_text_round_trips_and_keeps_unknown_values() {
        let cases = [
            ("glossary", Provenance::Glossary),
            ("tm", Provenance::Tm),
            ("human", Provenance::Human),
            ("engine:deepl", Provenance::Engine("deepl".into())),
            ("engine:", Provenance::Engine(String::new())),
            ("reviewer:anna", Provenance::Other("reviewer:anna".into())),
            ("Human", Provenance::Other("Human".into())),
        ];
        for (text, value) in cases {
            assert_eq!(Provenance::from(text), value, "{text}");
            assert_eq!(value.to_string(), text);
            let json = serde_json::to_string(&value).unwrap();
            assert_eq!(json, serde_json::to_string(text).unwrap());
            assert_eq!(serde_json::from_str::<Provenance>(&json).unwrap(), value);
        }
        assert!(Provenance::Human.is_human() && !Provenance::Tm.is_human());
        assert!(Provenance::Glossary.is_glossary());
        assert!(Provenance::Tm.is_machine() && Provenance::Engine("x".into()).is_machine());
        assert!(!Provenance::Other("engine".into()).is_machine());
        assert_eq!(Provenance::Engine("x".into()).engine(), Some("x"));
        assert_eq!(Provenance::Tm.engine(), None);
    }

    #[test]
    fn flag_codes_round_trip_and_keep_unknown_codes() {
        for code in FlagCode::KNOWN {
            let text = code.to_string();
            assert_eq!(FlagCode::from(text.as_str()), code);
            assert!(!matches!(code, FlagCode::Other(_)));
        }
        let unknown = FlagCode::from("term-someday");
        assert_eq!(unknown, FlagCode::Other("term-someday".into()));
        assert!(!unknown.is_term(), "only this version's term checks count");
        assert!(FlagCode::TermMissing.is_term() && FlagCode::TermForbidden.is_term());
        assert!(!FlagCode::MtFailed.is_term());
        // A flag of another version is read and written back unchanged.
        let line = r#"{"code":"future-check","severity":"warning","message":"m"}"#;
        let flag: Flag = serde_json::from_str(line).unwrap();
        assert_eq!(flag.code, FlagCode::Other("future-check".into()));
        assert_eq!(serde_json::to_string(&flag).unwrap(), line);
        let known = r#"{"code":"term-missing","severity":"error","message":"m"}"#;
        let flag: Flag = serde_json::from_str(known).unwrap();
        assert_eq!(flag.code, FlagCode::TermMissing);
        assert_eq!(serde_json::to_string(&flag).unwrap(), known);
    }
}
