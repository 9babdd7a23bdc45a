//! The segment stage: a document's text to segment spans with their kinds.
//!
//! Contract of [`Segmenter::segment`]:
//! - **expects** the normalised text of a [`crate::Document`] (LF line ends);
//! - **returns** non-overlapping spans in order, each trimmed of surrounding
//!   whitespace, with its paragraph number (blank-line separated, from 0)
//!   and kind; every non-whitespace byte of the text is in exactly one span;
//! - is pure and deterministic, and linear in the text: every check looks
//!   at a bounded window around its candidate (see `sentences_counted`).
//!
//! The rules are documented one by one in `docs/segmentation.md`. In short:
//! every line is first cut into fine spans (its image-alt line, then its
//! sentences) and the fine spans are kinded (captions, bylines, title);
//! the `line` and `paragraph` units then merge the fine spans of a line or
//! paragraph into one segment (an image-alt line stays on its own), which
//! takes the kind covering most of its non-whitespace bytes (ties: text).

use std::ops::Range;
use std::sync::OnceLock;

use crate::document::SegmentKind;
use regex::Regex;
use serde::{Deserialize, Serialize};

/// Does `haystack` hold `needle` (a literal)? By a searcher built once
/// for the call site: what `str::contains` or `memmem::find` build on
/// every call costs more than the search on a line of news copy.
macro_rules! holds {
    ($haystack:expr, $needle:literal) => {{
        static FINDER: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
        FINDER
            .get_or_init(|| memchr::memmem::Finder::new($needle))
            .find($haystack)
            .is_some()
    }};
}

mod uax29;

/// `[segment]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SegmentConfig {
    /// The segment unit.
    pub unit: Unit,
    /// The longest paragraph kept whole, in bytes: a longer one is cut
    /// (at a sentence end, else at whitespace, else between characters)
    /// and the segments at each cut are flagged `segment-cut`. A value
    /// below [`MIN_MAX_BYTES`] is read as that value, so the configuration
    /// shows what is in effect.
    #[serde(deserialize_with = "at_least_min_max_bytes")]
    pub max_bytes: usize,
}

/// The smallest `[segment] max_bytes` taken.
pub const MIN_MAX_BYTES: usize = 64;

fn at_least_min_max_bytes<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<usize, D::Error> {
    Ok(usize::deserialize(d)?.max(MIN_MAX_BYTES))
}

impl Default for SegmentConfig {
    fn default() -> Self {
        SegmentConfig {
            unit: Unit::default(),
            max_bytes: 1_048_576,
        }
    }
}

/// What one segment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    /// A blank-line separated paragraph.
    Paragraph,
    /// A sentence (Vietnamese-aware rules).
    #[default]
    Sentence,
    /// A line.
    Line,
}

/// One segment's place in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentSpan {
    /// Paragraph number, from 0.
    pub para: usize,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset after the last byte.
    pub end: usize,
    /// What the segment is.
    pub kind: SegmentKind,
}

/// Cuts documents into segments.
#[derive(Debug, Clone, Copy)]
pub struct Segmenter {
    unit: Unit,
}

/// Abbreviations that end with `.` but not a sentence (case-sensitive).
const ABBREVIATIONS: &[&str] = &[
    "TP", "Tp", "tp", "TS", "Ts", "ThS", "Th.S", "Ths", "GS", "Gs", "PGS", "Pgs", "GS.TS",
    "PGS.TS", "BS", "Bs", "KS", "Ks", "CN", "NXB", "Nxb", "P", "Q", "X", "H", "TX", "Tx", "TT",
    "Tt", "tr", "Tr", "St", "Mr", "Mrs", "Dr", "Đ/c", "đ/c", "v.v", "vv", "No", "Vol",
    // Religious and artists' titles before a name: Hòa thượng, Đại đức, Ni
    // trưởng, Ni sư or nhạc sĩ, linh mục, giám mục, tổng giám mục
    // (`HT. Thích Thanh X`, `Lm. Giuse`); `TT.` (Thượng tọa) is above.
    "HT", "Ht", "ĐĐ", "Đđ", "NT", "NS", "Lm", "LM", "Gm", "TGM",
    // Luật sư (`Ls. Trần Văn B`, `TS.Ls. Nguyễn Văn A`), Facebook (`FBK.
    // Quang D`).
    "Ls", "LS", "FBK",
];

/// Is `word` (the word before a full stop) an abbreviation: on the list,
/// or abbreviations of two letters or more joined by full stops
/// (`TS.Ls`, `ThS.Ls`)?
fn abbreviation(word: &str) -> bool {
    ABBREVIATIONS.contains(&word)
        || (word.contains('.')
            && word
                .split('.')
                .all(|p| p.chars().count() >= 2 && ABBREVIATIONS.contains(&p)))
}

/// Words for a person that an initial can stand after as the whole name
/// (`anh A.`, `chị L.`, `đối tượng T.`, `bị can H.`).
const PERSON_WORDS: &[&str] = &[
    "anh", "chị", "ông", "bà", "em", "cháu", "bé", "cô", "chú", "bác", "cụ", "cậu", "dì", "thím",
    "mợ", "vợ", "chồng", "bạn", "tượng", "nhân", "can", "cáo", "hại", "xế", "Anh", "Chị", "Ông",
    "Bà", "Em", "Cháu", "Bé", "Cô", "Chú", "Bác", "Cụ",
];

/// Honorifics before a name, not part of it (`Ông Nguyễn V. An`).
const HONORIFICS: &[&str] = &[
    "Ông", "Bà", "Anh", "Chị", "Em", "Cô", "Chú", "Bác", "Cụ", "Cháu", "Bé",
];

/// The ASCII image-alt line: ASCII words ending in `hinh anh N`, or in
/// ` - Anh N` (baomoi's unaccented copy of the headline).
fn ascii_caption_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^[\x20-\x7E]*?[A-Za-z][\x20-\x7E]*?(?: hinh anh| - Anh) [0-9]+")
            .expect("regex")
    })
}

/// A photo, graphic or video credit anywhere in a line.
fn credit_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"(?:^|[\s(\[–—-])(?:Ảnh|ẢNH|Ảnh minh họa|Ảnh minh hoạ|ẢNH MINH HỌA|Ảnh tư liệu|",
            r"Ảnh chụp màn hình|Nguồn ảnh|Nguồn video|Nguồn đồ họa|Nguồn đồ hoạ|Đồ họa|Đồ hoạ|",
            r"ĐỒ HỌA|Video|VIDEO|Clip|Infographic|Photo|PHOTO)\s*:\s*\S",
            // in lower case in brackets: `… bên hồ (ảnh: Minh Anh).`
            r"|\(\s*ảnh\s*:\s*\S",
            // the place of a person in the photo: `Bà A (thứ 4 từ phải qua)`,
            // `Ông B (trái)`, `(từ trái sang)`
            r"|\((?:[^()\n]*\s)?từ (?:trái|phải)[^()\n]*\)|\((?:bìa |đứng )?(?:trái|phải|giữa)\)",
            // glued to the word before by the CMS: `…trước trận đấuẢnh: VFF`
            r"|[\p{Ll}.](?:Ảnh|ẢNH)\s*:\s*\S",
            r"|\(\s*(?:Ảnh|ẢNH) (?:minh họa|minh hoạ|tư liệu)\s*\)",
            r"|(?:^|[-–—.]\s*)(?:Ảnh|ẢNH) (?:minh họa|minh hoạ|tư liệu)\.?$",
            // a credit with no colon after the description's last sentence,
            // at most 8 words to the end of the line, no full stop:
            // `… thông qua luật. Ảnh Trung tâm báo chí Quốc hội |`
            r#"|[.!?…]["”’»)]*\s+(?:Ảnh|ẢNH)\s+\p{Lu}(?:\S*\s+){0,7}\S*[^\s.!?:;,]$"#,
            // a chart's source after a dash, at the end of the line:
            // `… trong quý I – Nguồn: Bộ Công Thương`
            r"|\s[–—-]\s*(?:Nguồn|NGUỒN)\s*:\s*\S+(?:\s+\S+){0,11}$",
            // a source alone in brackets on its line: `(Nguồn: Ban tổ chức)`
            r"|^\(\s*(?:Nguồn|NGUỒN)\s*:\s*[^()\n]{1,60}\)$",
        ))
        .expect("regex")
    })
}

/// A segment that is only a credit: `(Ảnh: …)`, `- Ảnh: …`, `Đồ họa: …`,
/// `(Ảnh minh họa)`; group 1 is what follows the colon.
fn credit_only_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"^[(\[–—-]?\s*(?:(?:Ảnh|ẢNH|Ảnh minh họa|Ảnh minh hoạ|ẢNH MINH HỌA|Ảnh tư liệu|",
            r"Nguồn ảnh|Nguồn đồ họa|Nguồn đồ hoạ|Đồ họa|Đồ hoạ|ĐỒ HỌA|Video|VIDEO|Clip|",
            r"Infographic|Photo|PHOTO)\s*:\s*([^\n]*)",
            r"|(?:Ảnh|ẢNH) (?:minh họa|minh hoạ|tư liệu)[).]*",
            r"|\(\s*(?:Nguồn|NGUỒN)\s*:\s*[^()\n]{1,60}\))$",
        ))
        .expect("regex")
    })
}

/// The forms of a byline line (whole line).
fn byline_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            // `Tác giả: …`, `Nguồn: …`, `Nguồn tin: Báo …`, `Bài và ảnh: …`
            r"^(?:(?:Tác giả|Nguồn|Nguồn tin|Bài và ảnh|Bài, ảnh|Bài & ảnh|Bài/ảnh|",
            r"Bài và clip|Bài và video|Thực hiện|Nhóm phóng viên|Nhóm PV)\s*:\s*\S.*",
            // a source and its address: `Nguồn Bắc Giang: http://…`
            r"|Nguồn\s+\p{Lu}[^\n:]{0,40}:\s*https?://\S+",
            // the newsroom's own credit: `Nhóm phóng viên`, `Nhóm PV`, `PV Thời sự`
            r"|(?:Nhóm phóng viên|Nhóm PV|Phóng viên|PV)(?:\s+[\p{L}\p{N}]+){0,3}",
            // `Theo TTXVN`, `Theo Báo Tuổi Trẻ`, `Theo vov.vn`
            r"|Theo\s+[^\n.,;:!?()]+",
            r"|Theo\s+(?:[^\n.,;:!?()]+\s)?[\p{L}\p{N}-]+(?:\.[a-z]{2,6}){1,2}",
            // an outlet or a desk: `Truyền hình Quốc hội Việt Nam`, `Ban Giải trí`
            r"|(?:Ban|Báo|Tạp chí|Truyền hình|Đài Truyền hình|Đài Tiếng nói|Thông tấn xã)",
            r"\s+\p{Lu}[\p{L}\p{M}]*(?:\s+[\p{L}\p{M}]+){0,5}",
            // a bare agency credit `(TTXVN/Vietnam+)`, `(Theo TTXVN)`
            r"|\((?:Theo\s+)?[\p{L}\p{N} .+/&-]+\)",
            // `Name (TTXVN/…)`, `Minh Anh (tổng hợp)`, `Theo Minh Châu (từ Hàn Quốc) (…)`
            // (no full stop before a space: `Câu cuối. (Còn nữa)` is a sentence)
            r"|\p{Lu}(?:[\p{L}\p{M} '’-]|\.[^\s.])+(?:\s*\([^()\n]+\)){1,2}",
            // a short name line: capitalised words, authors joined by `-`, `,`, `/`
            r"|\p{Lu}[\p{L}\p{M}.]*(?:-\p{Lu}[\p{L}\p{M}.]*)*",
            r"(?:(?:\s+|\s*[-–,/&]\s*)\p{Lu}[\p{L}\p{M}.]*(?:-\p{Lu}[\p{L}\p{M}.]*)*)*",
            r")$",
        ))
        .expect("regex")
    })
}

/// The pieces of a date line: dates, times, time zones, weekdays, the
/// words of a CMS's date stamp (`ngày`, `lúc`, `Cập nhật`, `date`…) and
/// the separators between them.
const DATE_PIECES: &str = concat!(
    r"(?:[\s,|·•()\[\]'’:–—-]",
    r"|[0-9]{1,2}[/.-][0-9]{1,2}(?:[/.-][0-9]{4})?|[0-9]{4}-[0-9]{1,2}(?:-[0-9]{1,2})?",
    r"|[0-9]{1,2}(?::[0-9]{2}){1,2}(?:\s*(?:AM|PM|SA|CH))?|[0-9]{1,2}h(?:[0-9]{2})?",
    r"|(?:GMT|UTC)\s*[+-]\s*[0-9]{1,2}(?::?[0-9]{2})?",
    r"|[Tt]hứ\s+(?:[Hh]ai|[Bb]a|[Tt]ư|[Nn]ăm|[Ss]áu|[Bb]ảy|[2-7])|[Cc]hủ\s+[Nn]hật|CN|T[2-7]|Th\s+[2-7]",
    r"|[Nn]gày|[Tt]háng|[Nn]ăm|[Ll]úc|[Cc]ập nhật|[Đđ]ăng|[Xx]uất bản|[Tt]hời gian",
    r"|Published|Updated|Posted|[Dd]ate",
    r"|[0-9]{1,4})",
);

/// A date/time line: only the pieces of a date stamp, with a date that has
/// its year (`15/02/2019 10:05`, `Thứ Tư, 5/6/2024`, `(12/03/2021)`,
/// `Chủ nhật, ngày 07/01/2024 08:15 GMT+7`, `ngày 1 tháng 9 năm 2025`).
fn date_line(line: &str) -> bool {
    static RE: OnceLock<(Regex, Regex)> = OnceLock::new();
    let (whole, year) = RE.get_or_init(|| {
        (
            Regex::new(&format!("^{DATE_PIECES}+$")).expect("regex"),
            Regex::new(concat!(
                r"[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4}|[0-9]{4}-[0-9]{1,2}",
                r"|[Tt]háng\s+[0-9]{1,2}\s+[Nn]ăm\s+[0-9]{4}|[Tt]háng\s+[0-9]{1,2},\s*[0-9]{4}",
            ))
            .expect("regex"),
        )
    });
    line.len() <= 100 && date_like(line) && year.is_match(line) && whole.is_match(line)
}

/// A line that stamps the article's time or place and date, metadata
/// wherever it stands: a date line ([`date_line`]), a relative stamp
/// (`58 phút trước`, `2 giờ trước`) or a document's or letter's place and
/// date (`Hà Nội, ngày 19 tháng 2 năm 2024`).
fn stamp_line(line: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let relative = RE.get_or_init(|| {
        Regex::new(r"^[0-9]{1,3}\s+(?:giây|phút|giờ|ngày|tuần|tháng|năm)\s+trước$").expect("regex")
    });
    date_line(line)
        || (line.len() <= 30 && relative.is_match(line))
        || (holds!(line.as_bytes(), ", ngày ") && header_piece(line))
        || author_and_date(line)
}

/// An author's name and the date stamp on one line, joined by ` | `
/// (`Minh Hà | 12/03/2024 08:15`): the date after the bar, a short name
/// line before it.
fn author_and_date(line: &str) -> bool {
    line.len() <= 100
        && memchr::memchr(b'|', line.as_bytes()).is_some()
        && line.split_once(" | ").is_some_and(|(name, date)| {
            name.len() <= 40
                && name.starts_with(char::is_uppercase)
                && !name.contains(|c: char| c.is_ascii_digit())
                && date_line(date)
                && byline_re().is_match(name)
        })
}

/// The cheap tests before the date regexes: four ASCII digits in a row (a
/// year; most lines have none, and the scan stops at the first), then at
/// most three letters a digit (a date stamp is mostly digits:
/// `ngày 1 tháng 9 năm 2025` has 13 letters, 6 digits; a sentence with a
/// year has far more letters).
fn date_like(line: &str) -> bool {
    let bytes = line.as_bytes();
    let mut run = 0;
    let mut year = false;
    for b in bytes {
        if b.is_ascii_digit() {
            run += 1;
            if run == 4 {
                year = true;
                break;
            }
        } else {
            run = 0;
        }
    }
    if !year {
        return false;
    }
    let digits = bytes.iter().filter(|b| b.is_ascii_digit()).count();
    // An ASCII letter, or the first byte of any other character.
    let letters = bytes
        .iter()
        .filter(|&&b| b.is_ascii_alphabetic() || b >= 0xC0)
        .count();
    letters <= 3 * digits
}

/// A source credit or dateline alone on its line, after a date stamp or
/// not: `(TTXVN/Vietnam+)`, `(VTC News) -`, `TTO -`, `date 2022-05 (PLO) -`.
/// Before the headline it is metadata, not the title.
fn source_line(line: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(&format!(
            concat!(
                r"^(?:{}*\s)?(?:\((?:Theo\s+)?[\p{{L}}\p{{N}} .+/&-]+\)\s*[-–—]?",
                r"|[\p{{L}} ]*\([^()\n]+\)\s*[-–—]",
                r"|[\p{{Lu}}\p{{N}}][\p{{Lu}}\p{{N}}.]+(?:\.[a-z]{{2,3}})?\s*[-–—])$",
            ),
            DATE_PIECES
        ))
        .expect("regex")
    });
    line.len() <= 100 && re.is_match(line)
}

/// A dateline opening a lead: `(VTC News) -`, `TTO -`, `Tokyo (TTXVN) -`.
fn dateline_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"^(?:[\p{L} ]*\([^()\n]+\)|[\p{Lu}\p{N}][\p{Lu}\p{N}.]+",
            r"(?:\.[a-z]{2,3})?)\s*[-–—]\s+\S",
        ))
        .expect("regex")
    })
}

/// A lead sentence opening with its time: `Ngày 15/8, …`, `Sáng 3/12, …`.
fn lead_time_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"^(?:Sáng|Chiều|Tối|Trưa|Đêm|Ngày|Rạng sáng|Khoảng|Hôm nay|Hôm qua)",
            r"[ \p{L}]*[0-9][^,\n]*,",
        ))
        .expect("regex")
    })
}

/// A legal or list enumerator standing alone: `Điều 1.`, `1.`, `2.1.`,
/// `II.`, `a.`; also as Markdown writes it, after a heading's `#`
/// (`# Điều 2.`) or with its full stop escaped (`1\.`), and a keycap
/// digit (`1️.`).
fn enumerator_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"^(?:#{1,6}\s+)?(?:(?:Điều|Chương|Mục|Phần|Khoản|Điểm)\s+[0-9IVXLC]+[a-zđ]?\\?\.",
            r"|[0-9]{1,3}\x{FE0F}?\x{20E3}?(?:\.[0-9]{1,3})*\\?\.|[IVXLC]{1,6}\.|[a-zđ][.)])$",
        ))
        .expect("regex")
    })
}

/// One line of the text: its paragraph and trimmed bounds.
#[derive(Debug, Clone, Copy)]
struct Line {
    para: usize,
    start: usize,
    end: usize,
}

impl Segmenter {
    /// A segmenter for `unit`.
    pub fn new(unit: Unit) -> Self {
        Segmenter { unit }
    }

    /// The segments of `text` (see the module documentation).
    pub fn segment(&self, text: &str) -> Vec<SegmentSpan> {
        self.segment_part(text, &mut PartState::default(), text.len(), true)
    }

    /// The segments of one part of a document, read piece by piece: `text`
    /// is the part, `state` what the parts before it left, `keep` the
    /// offset where the part's segments stop being returned (the start of
    /// a paragraph: the text from there is segmented again with the next
    /// part; it only shows the lines before it what follows them), `last`
    /// whether the part ends the document. Returned spans are offsets into
    /// `text`, paragraphs numbered in the document. Parts that start at a
    /// paragraph and overlap this way give the spans of
    /// [`Segmenter::segment`] on the whole text, provided the image-alt
    /// line whose title the headline falls back to comes before the part
    /// where the headline is looked for ends: each rule looks at the line
    /// before (captions), the first lines (title) or the last two
    /// (bylines), which `keep` and `state` provide.
    pub fn segment_part(
        &self,
        text: &str,
        state: &mut PartState,
        keep: usize,
        last: bool,
    ) -> Vec<SegmentSpan> {
        self.segment_lines(text, &lines(text), state, keep, last)
    }

    /// [`Segmenter::segment_part`], `lines` being `lines(text)`.
    fn segment_lines(
        &self,
        text: &str,
        lines: &[Line],
        state: &mut PartState,
        keep: usize,
        last: bool,
    ) -> Vec<SegmentSpan> {
        let per_sentence = self.unit == Unit::Sentence;
        // Fine spans (image-alt line, sentences) of all lines, and the range
        // of each line's spans in them.
        let mut spans: Vec<SegmentSpan> = Vec::with_capacity(lines.len() * 2);
        let mut ranges: Vec<Range<usize>> = Vec::with_capacity(lines.len());
        let mut alt_title: Option<&str> = state.alt_title.as_deref();
        for l in lines {
            let from = spans.len();
            let mut body = l.start;
            let mut glued = false;
            if let Some((alt_end, title_end)) = split_alt(&text[l.start..l.end]) {
                spans.push(SegmentSpan {
                    para: l.para,
                    start: l.start,
                    end: l.start + alt_end,
                    kind: SegmentKind::AsciiCaption,
                });
                alt_title.get_or_insert(&text[l.start..l.start + title_end]);
                body = trim_span(text, l.start + alt_end, l.end).0;
                glued = body < l.end;
            }
            if body < l.end {
                let kind = if glued {
                    SegmentKind::Caption
                } else {
                    SegmentKind::Text
                };
                let span = |a: usize, b: usize| SegmentSpan {
                    para: l.para,
                    start: body + a,
                    end: body + b,
                    kind,
                };
                if per_sentence {
                    for_each_sentence(&text[body..l.end], &mut 0, |a, b| spans.push(span(a, b)));
                } else {
                    // The other units merge a line's sentences anyway: the
                    // kind rules only count them where they need to.
                    spans.push(span(0, l.end - body));
                }
            }
            ranges.push(from..spans.len());
        }
        let mut fine = Fine { spans, ranges };
        let sentence_count = |line: &[SegmentSpan]| {
            let mut body = line.iter().filter(|s| s.kind != SegmentKind::AsciiCaption);
            match (per_sentence, body.next(), line.last()) {
                (true, Some(_), _) => 1 + body.count(),
                (false, Some(a), Some(b)) => sentences(&text[a.start..b.end]).len(),
                _ => 0,
            }
        };
        mark_captions(text, lines, &mut fine, &sentence_count);
        mark_date_lines(text, lines, &mut fine);
        if last {
            mark_bylines(text, lines, &mut fine, state.lines_before);
        }
        let headline_at =
            |fine: &Fine, li: usize| fine.line(li).iter().all(|s| s.kind == SegmentKind::Title);
        let first = match state.title {
            Title::Open => {
                let first = mark_title(text, lines, &mut fine, alt_title, &sentence_count);
                if let Some(li) = first.filter(|&li| headline_at(&fine, li)) {
                    let line = &text[lines[li].start..lines[li].end];
                    mark_under(text, lines, &mut fine, li + 1, document_type(line));
                }
                first
            }
            Title::Fallback => {
                mark_alt_title(text, &mut fine, alt_title);
                None
            }
            Title::Under | Title::Subject => {
                mark_under(text, lines, &mut fine, 0, state.title == Title::Subject);
                None
            }
            Title::Done => None,
        };
        mark_overview_captions(text, lines, &mut fine);
        // What the next part needs to know.
        if matches!(state.title, Title::Under | Title::Subject)
            && lines.first().is_some_and(|l| l.start < keep)
        {
            state.title = Title::Done;
        } else if fine
            .spans
            .iter()
            .any(|s| s.kind == SegmentKind::Title && s.start < keep)
        {
            // The author's line under the headline is looked at with the
            // next part when it starts there.
            let under = first.is_some_and(|li| {
                headline_at(&fine, li) && lines.get(li + 1).is_none_or(|l| l.start >= keep)
            });
            state.title = match first {
                Some(li) if under && !last => {
                    if document_type(&text[lines[li].start..lines[li].end]) {
                        Title::Subject
                    } else {
                        Title::Under
                    }
                }
                _ => Title::Done,
            };
        } else if first.is_some_and(|li| lines[li].start < keep) {
            // The headline was looked for, and not found, where it is final.
            state.title = Title::Fallback;
        }
        if state.alt_title.is_none() {
            state.alt_title = alt_title.map(str::to_owned);
        }
        let base = state.para;
        state.lines_before |= lines.first().is_some_and(|l| l.start < keep);
        if let Some(l) = lines.iter().find(|l| l.start >= keep).or(lines.last()) {
            state.para = base + l.para;
        }
        let Fine { mut spans, ranges } = fine;
        let mut out = match self.unit {
            Unit::Sentence => {
                // A byline line's other spans were emptied.
                spans.retain(|s| s.start < s.end);
                spans
            }
            Unit::Line => {
                let mut out = Vec::with_capacity(lines.len());
                for r in ranges {
                    merge_runs(text, &spans[r], &mut out);
                }
                out
            }
            Unit::Paragraph => {
                let mut out = Vec::new();
                let mut i = 0;
                while i < lines.len() {
                    let mut j = i;
                    while j + 1 < lines.len() && lines[j + 1].para == lines[i].para {
                        j += 1;
                    }
                    // A paragraph's spans are contiguous.
                    merge_runs(text, &spans[ranges[i].start..ranges[j].end], &mut out);
                    i = j + 1;
                }
                out
            }
        };
        out.retain(|s| s.start < keep);
        for s in &mut out {
            s.para += base;
        }
        out
    }
}

/// A document's text, appended a block at a time ([`Parts::buffer`]), given
/// back in parts of whole paragraphs ([`Parts::next`]), each with its
/// segment spans, so that a document costs memory for a few parts, not
/// for its text. A part is about `max` bytes of paragraphs: each is
/// segmented with the paragraphs that follow it up to the last two lines
/// read (segmented again with the next part), which is what the kind rules
/// look at, so the spans are those of [`Segmenter::segment`] on the whole
/// text (see [`Segmenter::segment_part`]). A paragraph longer than `max`
/// bytes is cut ([`cut_point`]) into parts of at most `max` bytes,
/// segmented alone.
#[derive(Debug)]
pub struct Parts {
    max: usize,
    buf: String,
    /// The offset of `buf` in the document's text.
    base: usize,
    state: PartState,
    /// The text in `buf` starts at a cut.
    cut: Option<Cut>,
    /// `buf`'s length when it last held no part.
    tried: usize,
}

/// Part of a document's text and its segments (see [`Parts`]).
#[derive(Debug)]
pub struct Part {
    /// The text.
    pub text: String,
    /// Its offset in the document's text.
    pub base: usize,
    /// Its segment spans, offsets into `text`.
    pub spans: Vec<SegmentSpan>,
    /// It starts where a paragraph was cut, and how.
    pub cut_before: Option<Cut>,
    /// It ends where a paragraph was cut, and how.
    pub cut_after: Option<Cut>,
}

impl Parts {
    /// Parts of about `max` bytes, paragraphs cut at `max` bytes.
    pub fn new(max: usize) -> Parts {
        Parts {
            max: max.max(1),
            buf: String::new(),
            base: 0,
            state: PartState::default(),
            cut: None,
            tried: 0,
        }
    }

    /// Where the next text goes (normalised, see [`crate::reader`]).
    pub fn buffer(&mut self) -> &mut String {
        &mut self.buf
    }

    /// The bytes of text taken so far.
    pub fn len(&self) -> usize {
        self.base + self.buf.len()
    }

    /// Nothing taken yet?
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes held now.
    pub fn held(&self) -> usize {
        self.buf.len()
    }

    /// The next part ready, if any; with `end` (the text is all in) every
    /// part left, one per call.
    pub fn next(&mut self, segmenter: &Segmenter, end: bool) -> Option<Part> {
        if !end && self.buf.len() < self.tried + self.max / 4 {
            return None;
        }
        let lines = lines(&self.buf);
        let Some(first) = lines.first() else {
            if end {
                self.base += self.buf.len();
                self.buf.clear();
            }
            return None;
        };
        // A paragraph too long is cut first.
        let mut start = first.start;
        for (i, l) in lines.iter().enumerate() {
            if i > 0 && l.para != lines[i - 1].para {
                start = l.start;
            }
            if l.end - start > self.max {
                let (at, how) = cut_point(&self.buf[start..], self.max);
                return Some(self.emit(segmenter, start + at, start + at, false, Some(how), None));
            }
        }
        if end {
            let all = self.buf.len();
            return Some(self.emit(segmenter, all, all, true, None, Some(lines)));
        }
        // Keep the paragraphs of the last two lines.
        let keep = match lines.len() {
            0 | 1 => 0,
            n => {
                let para = lines[n - 2].para;
                lines.iter().find(|l| l.para == para).map_or(0, |l| l.start)
            }
        };
        if keep < self.max {
            self.tried = self.buf.len();
            return None;
        }
        // Complete lines only: the last may go on in the next block.
        let upto = self.buf.rfind('\n').map_or(keep, |i| i + 1);
        // The lines of the text up to a line feed are the lines found
        // that start before it.
        let mut lines = lines;
        lines.truncate(lines.partition_point(|l| l.start < upto));
        Some(self.emit(segmenter, upto, keep, false, None, Some(lines)))
    }

    /// The part of the text up to `keep`, segmented with the text up to
    /// `upto`, whose lines are `lines` when known.
    fn emit(
        &mut self,
        segmenter: &Segmenter,
        upto: usize,
        keep: usize,
        last: bool,
        cut: Option<Cut>,
        lines: Option<Vec<Line>>,
    ) -> Part {
        let text = &self.buf[..upto];
        let spans = match lines {
            Some(lines) => segmenter.segment_lines(text, &lines, &mut self.state, keep, last),
            None => segmenter.segment_part(text, &mut self.state, keep, last),
        };
        // The whole text is moved, not copied, when it all goes.
        let text = if keep == self.buf.len() {
            std::mem::take(&mut self.buf)
        } else {
            let text = self.buf[..keep].to_owned();
            self.buf.drain(..keep);
            text
        };
        let part = Part {
            text,
            base: self.base,
            spans,
            cut_before: self.cut.take(),
            cut_after: cut,
        };
        self.base += keep;
        self.cut = cut;
        self.tried = 0;
        part
    }
}

/// What the segmentation of a document's first parts leaves to the next
/// ([`Segmenter::segment_part`]).
#[derive(Debug, Clone, Default)]
pub struct PartState {
    /// The number of the next part's first paragraph.
    para: usize,
    /// Some line of the document came before the next part.
    lines_before: bool,
    title: Title,
    /// The title part of the document's first image-alt line.
    alt_title: Option<String>,
}

/// Where the title rule stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Title {
    /// The first line that is not a caption is still to come.
    #[default]
    Open,
    /// It was no headline: the line matching the image-alt title is looked for.
    Fallback,
    /// The headline was the last line before this part: its first line may
    /// be the author's (see `mark_author`).
    Under,
    /// The same, the headline being an official document's type
    /// (`NGHỊ QUYẾT`): its first line may be the subject (see
    /// `mark_subject`).
    Subject,
    /// The title was found (or nothing is left to look for).
    Done,
}

/// How a paragraph longer than the limit was cut ([`cut_point`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// At the end of a sentence (or a line).
    Sentence,
    /// After whitespace, inside a sentence.
    Space,
    /// Between two characters of a word: no sentence end or whitespace in
    /// the limit.
    Char,
}

impl Cut {
    /// How the cut is described in its flag.
    pub fn describe(self) -> &'static str {
        match self {
            Cut::Sentence => "at a sentence end",
            Cut::Space => "at a space inside a sentence (no sentence end in the limit)",
            Cut::Char => "inside a word (no sentence end or space in the limit)",
        }
    }
}

/// Where to cut `text`, a paragraph longer than `max` bytes: the last
/// sentence end (a line end is one) within its first `max` bytes, else the
/// last whitespace there, else the last grapheme cluster boundary (the last
/// character boundary when one cluster fills the limit); never at 0.
/// Looks at `max` bytes, once.
pub fn cut_point(text: &str, max: usize) -> (usize, Cut) {
    let mut window = &text[..floor_char_boundary(text, max)];
    if window.is_empty() {
        window = &text[..text.chars().next().map_or(0, char::len_utf8)];
    }
    let line = window.rfind('\n').map_or(0, |i| i + 1);
    // The sentence the window ends in is cut short: the cut goes before it.
    let sentence = sentences(&window[line..])
        .last()
        .map(|&(s, _)| line + s)
        .filter(|&s| s > line)
        .unwrap_or(line);
    if sentence > 0 {
        return (sentence, Cut::Sentence);
    }
    if let Some((i, c)) = window.char_indices().rev().find(|(_, c)| c.is_whitespace())
        && i + c.len_utf8() < window.len()
    {
        return (i + c.len_utf8(), Cut::Space);
    }
    // Between two grapheme clusters (not between a letter and its combining
    // mark, nor inside an emoji sequence), unless one cluster fills the window.
    let mut cursor = unicode_segmentation::GraphemeCursor::new(window.len(), text.len(), true);
    let at = match cursor.is_boundary(text, 0) {
        Ok(true) => window.len(),
        _ => match cursor.prev_boundary(text, 0) {
            Ok(Some(b)) if b > 0 => b,
            _ => window.len(),
        },
    };
    (at, Cut::Char)
}

/// The fine spans of all lines, and each line's range in them.
struct Fine {
    spans: Vec<SegmentSpan>,
    ranges: Vec<Range<usize>>,
}

impl Fine {
    fn line(&self, li: usize) -> &[SegmentSpan] {
        &self.spans[self.ranges[li].clone()]
    }
    fn line_mut(&mut self, li: usize) -> &mut [SegmentSpan] {
        &mut self.spans[self.ranges[li].clone()]
    }
}

/// The non-blank lines of `text`, trimmed, with their paragraph numbers.
fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut para = 0;
    let mut in_para = false;
    let mut pos = 0;
    // The ends of `split_inclusive('\n')`'s pieces, found by memchr.
    let last = (!text.ends_with('\n') && !text.is_empty()).then_some(text.len());
    for end in memchr::memchr_iter(b'\n', text.as_bytes())
        .map(|i| i + 1)
        .chain(last)
    {
        let (s, e) = trim_span(text, pos, end);
        pos = end;
        if s == e {
            if in_para {
                para += 1;
                in_para = false;
            }
            continue;
        }
        in_para = true;
        out.push(Line {
            para,
            start: s,
            end: e,
        });
    }
    out
}

/// Merges `spans` (in order, of one line or paragraph) into one segment per
/// run between image-alt lines, kinded by the kind with the most
/// non-whitespace bytes (ties go to text, then title, caption, byline).
fn merge_runs(text: &str, spans: &[SegmentSpan], out: &mut Vec<SegmentSpan>) {
    for run in spans.split_inclusive(|s| s.kind == SegmentKind::AsciiCaption) {
        let (run, alt) = match run.split_last() {
            Some((last, rest)) if last.kind == SegmentKind::AsciiCaption => (rest, Some(last)),
            _ => (run, None),
        };
        if let (Some(first), Some(last)) = (run.first(), run.last()) {
            // Most runs are of one kind; only a mixed one is weighed.
            let mut best = (first.kind, 0usize);
            if run.iter().any(|s| s.kind != first.kind) {
                best = (SegmentKind::Text, 0);
                for kind in [
                    SegmentKind::Text,
                    SegmentKind::Title,
                    SegmentKind::Caption,
                    SegmentKind::Byline,
                ] {
                    let bytes: usize = run
                        .iter()
                        .filter(|s| s.kind == kind)
                        .map(|s| non_ws_len(&text[s.start..s.end]))
                        .sum();
                    if bytes > best.1 {
                        best = (kind, bytes);
                    }
                }
            }
            out.push(SegmentSpan {
                para: first.para,
                start: first.start,
                end: last.end,
                kind: best.0,
            });
        }
        out.extend(alt.copied());
    }
}

fn non_ws_len(s: &str) -> usize {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(char::len_utf8)
        .sum()
}

/// The image-alt line a CMS puts at the start of a line: `(end of the alt
/// line, end of its title part)`, in bytes of `line`. Two forms: ASCII words
/// ending in `hinh anh N`, and the diacritic form ending in ` ảnh N` (a
/// capitalised title of at most 300 bytes with no sentence end in it). The
/// alt line is followed by the end of the line or by a capital, glued or
/// after a space (`…ảnh 1Tổng giám đốc …`); a lower-case letter or a digit
/// after it means these are just words. Also Người Lao Động's whole-line
/// form, `… - Ảnh N.` ([`nld_alt`]).
fn split_alt(line: &str) -> Option<(usize, usize)> {
    // One trimmed line of the text: it holds no line break.
    let first_line = line;
    let followed_well = |rest: &str| {
        let t = rest.trim_start();
        match t.chars().next() {
            None => true,
            Some(c) => c.is_uppercase() && (t.len() == rest.len() || c.is_alphabetic()),
        }
    };
    // As for the diacritic form: a lower-case letter or a digit after it
    // (spaces skipped) means these are just words (`… hinh anh 3 doi tuong`).
    // The ` - Anh N` form, whose words could be a score (`Viet Nam - Anh 2-1`),
    // is followed as the diacritic form is.
    if may_be_ascii_caption(first_line)
        && let Some(m) = ascii_caption_re().find(first_line)
    {
        let rest = &first_line[m.end()..];
        let head = first_line[..m.end()].trim_end_matches(|c: char| c.is_ascii_digit());
        let (title, alt) = match head.strip_suffix(" hinh anh ") {
            Some(title) => (
                title.len(),
                !rest
                    .trim_start()
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit() || c.is_lowercase()),
            ),
            None => (head.len() - " - Anh ".len(), followed_well(rest)),
        };
        if alt {
            return Some((m.end(), title));
        }
    }
    if let Some(title) = nld_alt(first_line) {
        return Some((first_line.len(), title));
    }
    const MARK: &str = " ảnh ";
    let window_end = floor_char_boundary(first_line, 300 + MARK.len() + 3);
    let window = &first_line[..window_end];
    if !window.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    static FINDER: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
    let finder = FINDER.get_or_init(|| memchr::memmem::Finder::new(MARK));
    let mut from = 0;
    while let Some(k) = finder.find(&window.as_bytes()[from..]) {
        let at = from + k;
        from = at + MARK.len();
        let prefix = &window[..at];
        if prefix.contains(". ") || prefix.contains("? ") || prefix.contains("! ") {
            return None;
        }
        let digits = first_line[from..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        if digits == 0 || digits > 3 || !prefix.contains(' ') {
            continue;
        }
        let end = from + digits;
        if followed_well(&first_line[end..]) {
            return Some((end, at));
        }
    }
    None
}

/// Can [`ascii_caption_re`] match `line`? Its match is printable ASCII
/// from the line's start and holds ` hinh anh ` or ` - Anh `: most lines
/// have a Vietnamese letter in their first word, where the scan stops.
fn may_be_ascii_caption(line: &str) -> bool {
    let b = line.as_bytes();
    let ascii = b
        .iter()
        .position(|c| !(0x20..=0x7E).contains(c))
        .unwrap_or(b.len());
    let head = &b[..ascii];
    // The shortest match: a letter and ` - Anh 0`.
    head.len() >= 9 && (holds!(head, " hinh anh ") || holds!(head, " - Anh "))
}

/// Người Lao Động's image-alt line, the whole line: a capitalised title of
/// at most 300 bytes with no sentence end in it, then `-` (glued or not),
/// `Ảnh N` and a full stop or not (`Bộ trưởng tiếp Đại sứ- Ảnh 1.`,
/// baomoi's `Chủ tịch nước thăm Italia - Ảnh 1`); the length of its title
/// part.
fn nld_alt(line: &str) -> Option<usize> {
    // baomoi's copy has no full stop (`… tới Italia - Ảnh 1`).
    let rest = line.strip_suffix('.').unwrap_or(line);
    let number = rest.trim_end_matches(|c: char| c.is_ascii_digit());
    if !(1..=3).contains(&(rest.len() - number.len())) {
        return None;
    }
    let title = number
        .strip_suffix("Ảnh ")?
        .trim_end()
        .strip_suffix(['-', '–'])?
        .trim_end();
    // The length first: the other tests scan the title.
    (title.len() <= 300
        && title.contains(' ')
        && title.starts_with(char::is_uppercase)
        && !title.ends_with(['.', '?', '!', ':', ','])
        && ![". ", "? ", "! "].iter().any(|e| title.contains(e)))
    .then_some(title.len())
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Captions: a line with a credit anywhere in it is a caption (the photo's
/// description and its credit); a line that is only a credit naming its
/// author (at most 8 words after the colon) also makes the line before it a
/// caption, in the same paragraph or as a one-line paragraph of its own,
/// when that line is short (at most 3 sentences, 400 bytes) and plain text.
fn mark_captions(
    text: &str,
    lines: &[Line],
    fine: &mut Fine,
    sentence_count: &dyn Fn(&[SegmentSpan]) -> usize,
) {
    for li in 0..lines.len() {
        let body_start = fine
            .line(li)
            .iter()
            .find(|s| s.kind != SegmentKind::AsciiCaption)
            .map(|s| s.start);
        let Some(body_start) = body_start else {
            continue;
        };
        let body = &text[body_start..lines[li].end];
        let credit = has_credit(body)
            || ((ends_in_caps_name(body) || ends_in_agency(body))
                && sentence_count(fine.line(li)) == 1);
        if !credit {
            continue;
        }
        for s in fine.line_mut(li).iter_mut() {
            if s.kind != SegmentKind::AsciiCaption {
                s.kind = SegmentKind::Caption;
            }
        }
        if !credit_only(body) || li == 0 {
            continue;
        }
        let prev = li - 1;
        let same_para = lines[prev].para == lines[li].para;
        let alone = prev == 0 || lines[prev - 1].para != lines[prev].para;
        if !(same_para || alone) {
            continue;
        }
        if lines[prev].end - lines[prev].start <= 400
            && fine.line(prev).iter().all(|s| s.kind == SegmentKind::Text)
            && sentence_count(fine.line(prev)) <= 3
            && !desk_credit(&text[lines[prev].start..lines[prev].end])
            && !dateline_re().is_match(&text[lines[prev].start..lines[prev].end])
            && !stamp_line(&text[lines[prev].start..lines[prev].end])
        {
            for s in fine.line_mut(prev).iter_mut() {
                s.kind = SegmentKind::Caption;
            }
        }
    }
}

/// Is `line` only a credit naming its author, with at most 8 words after
/// the colon (`Ảnh: ĐĂNG KHOA`, `(Ảnh: …)`, `(Ảnh minh họa)`)?
fn credit_only(line: &str) -> bool {
    credit_only_re().captures(line).is_some_and(|c| {
        c.get(1)
            .is_none_or(|n| n.as_str().split_whitespace().count() <= 8)
    })
}

/// A newsroom desk's credit (`Ban Giải trí`, `Ban Thời sự`, `Ban Văn hóa -
/// Giải trí`): a byline, not the description of the photo credited under
/// it. Only the desks' names: `Ban` opens many a caption (`Ban Chấp hành
/// …`).
fn desk_credit(line: &str) -> bool {
    line.strip_prefix("Ban ")
        .is_some_and(|desks| desks.split(['-', '–']).all(|d| DESKS.contains(&d.trim())))
}

/// A newsroom's desks (`Ban Thời sự`), also sections of a site's menu.
const DESKS: &[&str] = &[
    "Thời sự",
    "Chính trị",
    "Kinh tế",
    "Xã hội",
    "Quốc tế",
    "Thế giới",
    "Pháp luật",
    "Văn hóa",
    "Văn hoá",
    "Giải trí",
    "Thể thao",
    "Giáo dục",
    "Sức khỏe",
    "Sức khoẻ",
    "Đời sống",
    "Công nghệ",
    "Du lịch",
    "Bạn đọc",
    "Điện tử",
    "Nội chính",
    "Biên tập",
];

/// The other sections of a news site's menu, as a breadcrumb shows them
/// (`Trang chủ > Thời sự > Chính trị`, `Nghiên cứu - Phân tích`), and its
/// home (the first three).
const SECTIONS: &[&str] = &[
    "Trang chủ",
    "Trang nhất",
    "Home",
    "Tin tức",
    "Tin mới",
    "Mới nhất",
    "Sự kiện",
    "Tiêu điểm",
    "Trong nước",
    "Địa phương",
    "Chính sách",
    "Đối ngoại",
    "Quốc phòng",
    "An ninh",
    "Quân sự",
    "Kinh doanh",
    "Tài chính",
    "Ngân hàng",
    "Chứng khoán",
    "Bất động sản",
    "Doanh nghiệp",
    "Thị trường",
    "Tiêu dùng",
    "Nông nghiệp",
    "Lao động",
    "Việc làm",
    "Giao thông",
    "Đô thị",
    "Môi trường",
    "Y tế",
    "Khoa học",
    "Số hóa",
    "Xe",
    "Nhịp sống",
    "Góc nhìn",
    "Ý kiến",
    "Bình luận",
    "Xã luận",
    "Nghiên cứu",
    "Phân tích",
    "Chuyên đề",
    "Tư liệu",
    "Tôn giáo",
    "Multimedia",
    "Video",
    "Podcast",
    "Nóng",
    "Tin nóng",
    "Tư vấn",
    "Nghề nghiệp",
    "Menu",
    // a language switcher: `Tiếng Việt | English`
    "Tiếng Việt",
    "English",
];

/// Is `piece` a section of a site's menu (any case: `THỜI SỰ`)?
fn section(piece: &str) -> bool {
    let piece = piece.trim().to_lowercase();
    DESKS
        .iter()
        .chain(SECTIONS)
        .any(|s| s.to_lowercase() == piece)
}

/// A breadcrumb, the path of sections above the headline: only sections
/// joined by `>`, `›`, `»`, `|`, `/` or a dash (`Thời sự | Chính trị`,
/// `Nghiên cứu - Phân tích`), the site's home and the path under it
/// (`Trang chủ > Thời sự > Ông A được bầu`, `Trang chủ / TP.HCM: Xét xử
/// …`: whatever follows the home), or a line ending in a path that opens at
/// `Tin tức` or the home (`Những chủ trương công tác lớn Tin tức - Thời
/// sự`: the menu's last item glued to it).
fn breadcrumb(line: &str) -> bool {
    const SEPARATORS: &[char] = &['>', '›', '»', '|', '/', '-', '–', '—'];
    let all_sections = |path: &str| {
        path.split(SEPARATORS)
            .filter(|p| !p.trim().is_empty())
            .all(section)
    };
    if line.contains(char::is_alphabetic) && all_sections(line) {
        return true;
    }
    let mut pieces = line.split(['>', '›', '»', '|', '/']).map(str::trim);
    if pieces.next().is_some_and(|home| {
        ["trang chủ", "trang nhất", "home"].contains(&home.to_lowercase().as_str())
    }) && pieces.next().is_some()
    {
        return true;
    }
    ["Tin tức", "Trang chủ", "TIN TỨC", "TRANG CHỦ"]
        .iter()
        .filter_map(|open| line.rfind(&format!(" {open}")))
        .any(|at| {
            let path = &line[at..];
            path.contains(SEPARATORS) && all_sections(path)
        })
}

/// A source credit closing the article's last line after its last
/// sentence: `(Theo Vnews)`, `(Theo vov.vn)`, at most 8 words.
fn trailing_source(sentence: &str) -> bool {
    sentence.len() <= 100
        && sentence.split_whitespace().count() <= 8
        && sentence
            .strip_prefix("(Theo ")
            .and_then(|s| s.strip_suffix(')'))
            .is_some_and(|name| {
                name.starts_with(|c: char| c.is_alphanumeric())
                    && name
                        .chars()
                        .all(|c| c.is_alphanumeric() || " .+/&-".contains(c))
            })
}

/// The author's name closing the last line after its last sentence, as
/// PLO and others print it (`… hơn hai tỷ đồng. HOÀNG ANH`, `…/2022.PV`):
/// `PV`, or two to four words in capitals, each a Vietnamese syllable.
fn trailing_author(sentence: &str) -> bool {
    let words: Vec<&str> = sentence.split_whitespace().collect();
    matches!(sentence, "PV" | "PV.")
        || ((2..=4).contains(&words.len())
            && words
                .iter()
                .all(|w| w.chars().all(char::is_uppercase) && vietnamese_syllable(w)))
}

/// The page's chrome under an article (`Ý kiến bạn đọc`, `Bình luận`,
/// `Chia sẻ`, `Tin liên quan`), a colon after it or not.
fn end_chrome(line: &str) -> bool {
    const CHROME: &[&str] = &[
        "ý kiến bạn đọc",
        "ý kiến của bạn",
        "bình luận",
        "gửi bình luận",
        "chia sẻ",
        "tin liên quan",
        "bài liên quan",
        "tin cùng chuyên mục",
        "xem thêm",
        "đọc thêm",
    ];
    line.len() <= 40 && {
        let lower = line.trim_end_matches([':', ' ']).to_lowercase();
        CHROME.contains(&lower.as_str())
    }
}

/// Does `line` hold a credit (rule K1)? A literal search first: most lines
/// hold none of the credit words ([`CREDIT_WORDS`], or a word of a
/// person's place in the photo, [`PLACE_WORDS`]). The place words are
/// common words (`phải` is also "must"): a line that holds only them can
/// match [`credit_re`] only by its bracketed forms (`(trái)`, `(từ trái
/// sang)`, `(Nguồn: …)`) or by a source whose colon follows other
/// whitespace than one space (`– Nguồn\u{A0}: …`), so it needs a `(`, or
/// a colon and `Nguồn`, before [`credit_re`] is run on it (see
/// `place_words_alone_need_a_bracket_or_a_source`).
fn has_credit(line: &str) -> bool {
    static WORDS: OnceLock<Regex> = OnceLock::new();
    let words = WORDS.get_or_init(|| Regex::new(CREDIT_WORDS).expect("regex"));
    if words.is_match(line) || bracketed_anh(line) {
        return credit_re().is_match(line);
    }
    let b = line.as_bytes();
    let bracket_or_source = memchr::memchr(b'(', b).is_some()
        || (memchr::memchr(b':', b).is_some() && (holds!(b, "Nguồn") || holds!(b, "NGUỒN")));
    bracket_or_source && place_word(line) && credit_re().is_match(line)
}

/// The credit words of [`has_credit`]'s literal search, but the place
/// words and `(ảnh` ([`bracketed_anh`]): literals of three bytes or more,
/// which the regex searches by their first three bytes (with `\(\s*ảnh`
/// among them it searched by the first byte alone, and stopped at every
/// `N`, `C`, `P`, `Đ` and Vietnamese letter of the line).
const CREDIT_WORDS: &str = concat!(
    r"Ảnh|ẢNH|Nguồn ảnh|Nguồn video|Nguồn đồ|Nguồn:|Nguồn :|NGUỒN:|NGUỒN :|Đồ họa|Đồ hoạ|",
    r"ĐỒ HỌA|Video|VIDEO|Clip|Infographic|Photo|PHOTO",
);

/// Does `line` hold `\(\s*ảnh`, a bracket, whitespace (`\s`, Unicode's
/// White_Space, as `char::is_whitespace`) or none, and `ảnh`?
fn bracketed_anh(line: &str) -> bool {
    memchr::memchr_iter(b'(', line.as_bytes())
        .any(|i| line[i + 1..].trim_start().starts_with("ảnh"))
}

/// The words of a person's place in a photo that [`credit_re`] looks for.
const PLACE_WORDS: [&str; 3] = ["trái", "phải", "giữa"];

/// Does `line` hold one of [`PLACE_WORDS`]?
fn place_word(line: &str) -> bool {
    PLACE_WORDS
        .iter()
        .any(|w| memchr::memmem::find(line.as_bytes(), w.as_bytes()).is_some())
}

/// A one-sentence caption ending in its photographer's name in capitals,
/// with no `Ảnh:` (Thanh Niên: `… tràn qua đường liên xã HOÀNG NAM`): the
/// line ends in 2 to 4 words in capitals, each a Vietnamese syllable (so
/// acronyms, `TP HCM`, `UBND`, `ASEAN`, are not a name), right after a
/// word with a lower-case letter, with two more such words before, and no
/// punctuation closes it.
fn ends_in_caps_name(line: &str) -> bool {
    if !line.ends_with(char::is_uppercase) {
        return false;
    }
    let mut words = line.split_whitespace().rev();
    let mut name = 0;
    let mut lower = 0;
    for w in words.by_ref() {
        if !w.chars().all(char::is_uppercase) {
            lower += usize::from(w.chars().any(char::is_lowercase));
            break;
        }
        name += 1;
        if name > 4 {
            return false;
        }
    }
    lower += words
        .filter(|w| w.chars().any(char::is_lowercase))
        .take(2)
        .count();
    // The syllables last: a byline in capitals (`XUÂN NGỌC`) stops above.
    name >= 2
        && lower >= 3
        && line
            .split_whitespace()
            .rev()
            .take(name)
            .all(vietnamese_syllable)
}

/// A one-sentence caption closed by a photo agency's name with no `Ảnh:`
/// and no punctuation (Thanh Niên: `… ở Tel Aviv (Israel) AFP`): the
/// agency (`AFP`, `REUTERS`, `AP`, `EPA`, `TTXVN`…) right after a word
/// ending in a lower-case letter or a closing bracket, with three more
/// words before. After `theo`, `của`, `với`, `và` or `hãng` it is a
/// sentence's source (`… theo AFP`), not a credit.
fn ends_in_agency(line: &str) -> bool {
    const AGENCIES: &[&str] = &[
        "AFP", "REUTERS", "Reuters", "AP", "EPA", "TTXVN", "XINHUA", "Xinhua", "TASS", "GETTY",
        "YONHAP", "Yonhap", "KYODO", "Kyodo",
    ];
    let mut words = line.split_whitespace().rev();
    words.next().is_some_and(|last| AGENCIES.contains(&last))
        && words.next().is_some_and(|w| {
            w.ends_with(|c: char| c.is_lowercase() || c == ')')
                && !["theo", "Theo", "của", "với", "và", "hãng"].contains(&w)
        })
        && words.take(3).count() == 3
}

/// Is `word` (letters, any case) one Vietnamese syllable: an initial
/// consonant or none, one to three vowels, a final consonant or none?
fn vietnamese_syllable(word: &str) -> bool {
    const INITIALS: &[&str] = &[
        "NGH", "NG", "NH", "CH", "GH", "GI", "KH", "PH", "QU", "TH", "TR", "B", "C", "D", "G", "H",
        "K", "L", "M", "N", "P", "R", "S", "T", "V", "X", "",
    ];
    const FINALS: &[&str] = &["", "C", "CH", "M", "N", "NG", "NH", "P", "T"];
    let ascii = crate::transliterate::to_ascii(word).to_ascii_uppercase();
    INITIALS.iter().any(|i| {
        ascii.strip_prefix(i).is_some_and(|rest| {
            let vowels = rest.bytes().take_while(|b| b"AEIOUY".contains(b)).count();
            (1..=3).contains(&vowels) && FINALS.contains(&&rest[vowels..])
        })
    })
}

/// Bylines: up to two last lines of the article (not its first line), each
/// plain text in one of the byline forms, become one byline segment each.
fn mark_bylines(text: &str, lines: &[Line], fine: &mut Fine, lines_before: bool) {
    let mut li = lines.len();
    // Never the document's first line.
    let first = usize::from(!lines_before);
    while li > first && lines.len() - li < 2 {
        li -= 1;
        let l = lines[li];
        let line = &text[l.start..l.end];
        if fine.line(li).iter().all(|s| s.kind == SegmentKind::Byline) {
            // A date line (`15/02/2019 10:05`): the name may be above it.
            continue;
        }
        // A series note (`(Còn nữa)`) is text: the author's line may be
        // above it; a line closed by one is no byline.
        match series_note_at(line) {
            Some(0) => continue,
            Some(_) => break,
            None => {}
        }
        // A photo credit closing the article (`Ảnh: …`): the desk's or the
        // author's line may be above it (`Ban Giải trí`, see `desk_credit`).
        if li + 1 == lines.len()
            && fine.line(li).iter().all(|s| s.kind == SegmentKind::Caption)
            && credit_only(line)
        {
            continue;
        }
        // The comments' or sharing chrome closing the page: the author's
        // line may be above it.
        if end_chrome(line) {
            continue;
        }
        let plain = fine.line(li).iter().all(|s| s.kind == SegmentKind::Text);
        if plain && li + 1 == lines.len() {
            // `… tới. (Theo Vnews)`, `… đồng. HOÀNG ANH`, `….PV`: the last
            // sentence of the last line.
            if let [.., before, last] = fine.line_mut(li) {
                let sentence = &text[last.start..last.end];
                if (before.end < last.start && trailing_source(sentence))
                    || (before.end <= last.start && trailing_author(sentence))
                {
                    last.kind = SegmentKind::Byline;
                    break;
                }
            }
        }
        if !plain
            || line.chars().count() > 100
            || !(byline_re().is_match(line) || desk_credit(line))
        {
            break;
        }
        // `Theo …` names a source in a few words, not a sentence.
        if line.starts_with("Theo") && line.split_whitespace().count() > 8 {
            break;
        }
        // A short name line: two or more words, or an all-caps word (`PV`).
        let words = line.split_whitespace().count();
        if words == 1
            && !line.starts_with('(')
            && !line.contains('(')
            && !line.chars().all(|c| c.is_uppercase() || c == '.')
        {
            break;
        }
        make_byline(fine, li, l);
    }
}

/// One byline span for line `li` (plain text); its other spans are emptied.
fn make_byline(fine: &mut Fine, li: usize, l: Line) {
    let line = fine.line_mut(li);
    for s in line.iter_mut() {
        s.end = s.start;
        s.kind = SegmentKind::Byline;
    }
    line[0] = SegmentSpan {
        para: l.para,
        start: l.start,
        end: l.end,
        kind: SegmentKind::Byline,
    };
}

/// Date lines: a plain-text line that is only a date stamp
/// (`15/02/2019 10:05`, `Thứ Tư, 5/6/2024`, `58 phút trước`, see
/// [`stamp_line`]) is metadata, a byline, wherever it stands.
fn mark_date_lines(text: &str, lines: &[Line], fine: &mut Fine) {
    for (li, &l) in lines.iter().enumerate() {
        if stamp_line(&text[l.start..l.end])
            && fine.line(li).iter().all(|s| s.kind == SegmentKind::Text)
        {
            make_byline(fine, li, l);
        }
    }
}

/// The title: the first line that is not a caption or a byline (a date
/// line, or a source credit or dateline alone, made a byline here), when it
/// is a likely headline (one plain sentence, at most 250 characters and
/// 40 syllables, no
/// closing full stop, colon or comma, no dateline, not a lead opening with
/// its time); else the line whose ASCII form equals the image-alt line's
/// title. Returns the first line that is not a caption or a byline.
fn mark_title(
    text: &str,
    lines: &[Line],
    fine: &mut Fine,
    alt_title: Option<&str>,
    sentence_count: &dyn Fn(&[SegmentSpan]) -> usize,
) -> Option<usize> {
    let mut first = None;
    // An official document's header was met.
    let mut document = false;
    for (li, &l) in lines.iter().enumerate() {
        let kinds = |fine: &Fine, want: &[SegmentKind]| {
            fine.line(li).iter().all(|s| want.contains(&s.kind))
        };
        if kinds(fine, &[SegmentKind::Caption, SegmentKind::AsciiCaption])
            || kinds(fine, &[SegmentKind::Byline])
        {
            continue;
        }
        // The site's chrome (a breadcrumb, an empty image, a table's unit)
        // is never the title; the headline may follow it.
        if kinds(fine, &[SegmentKind::Text]) && chrome_line(&text[l.start..l.end]) {
            continue;
        }
        // A source credit or a dateline alone above the headline, or an
        // official document's header (its number, place and date).
        let line = &text[l.start..l.end];
        if kinds(fine, &[SegmentKind::Text]) && (source_line(line) || document_header(line)) {
            document |= document_header(line);
            make_byline(fine, li, l);
            continue;
        }
        // Its issuing body and session (`HỘI ĐỒNG NHÂN DÂN TỈNH …`, `KHÓA
        // XVI, KỲ HỌP THỨ HAI`), after the header or above it.
        if kinds(fine, &[SegmentKind::Text])
            && issuing_body(line)
            && (document || header_below(text, lines, li))
        {
            make_byline(fine, li, l);
            continue;
        }
        first = Some(li);
        break;
    }
    if let Some(li) = first
        && sentence_count(fine.line(li)) == 1
        && let [only] = fine.line_mut(li)
        && only.kind == SegmentKind::Text
        && headline(&text[lines[li].start..lines[li].end])
    {
        only.kind = SegmentKind::Title;
        return first;
    }
    mark_alt_title(text, fine, alt_title);
    first
}

/// A line of the site's chrome above the headline, never a title: no
/// letter at all (`![]() |`, `* * *`), a breadcrumb ending in ` >`
/// (`Trang chủ >`) or made of the site's sections (see [`breadcrumb`]), or
/// a tag (`#Bộ trưởng Nguyễn Văn A`: `#` glued to a letter, so a Markdown
/// heading `# Tiêu đề` is not one).
fn chrome_line(line: &str) -> bool {
    !line.chars().any(char::is_alphabetic)
        || line.ends_with(" >")
        || line == ">"
        || line
            .strip_prefix('#')
            .is_some_and(|tag| tag.starts_with(char::is_alphabetic))
        || (line.len() <= 200 && breadcrumb(line))
        || site_chrome(line)
}

/// The site's own words above an article, never its title: a hotline
/// (`Hotline: 0865…`), a follow or share prompt (`Theo dõi Báo X trên`,
/// `chia sẻ với`), a menu (`Tất cả chuyên mục`), a reader's controls (`Xem
/// với cỡ chữ …`). A short line opening in lower case, with no digit or
/// bracket (`date 2022-05 (PLO) -` is a dateline), is no headline.
fn site_chrome(line: &str) -> bool {
    line.len() <= 160
        && ((line.starts_with("Hotline") || line.starts_with("HOTLINE"))
            && line.contains(|c: char| c.is_ascii_digit())
            || (line.starts_with("Theo dõi ") && line.ends_with(" trên"))
            || line == "Tất cả chuyên mục"
            || line.starts_with("Xem với cỡ chữ")
            || (line.len() <= 60
                && line.starts_with(char::is_lowercase)
                && !line.contains(|c: char| c.is_ascii_digit() || c == '(')
                && !line.ends_with(['.', '!', '?', ':'])))
}

/// An official document's header line, metadata above its title: its
/// number (`Số: 34/2016/NQ-HĐND`), place and date (`Hà Nội, ngày 5 tháng 7
/// năm 2016`) and the national motto (`CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM`,
/// `Độc lập - Tự do - Hạnh phúc`), alone or several on one line separated
/// by `|` (a scraped table's row). Pieces with no letter (`-----`) and, next
/// to one of those, the issuing body in capitals (`ỦY BAN NHÂN DÂN TỈNH X |
/// CỘNG HÒA …`) pass.
fn document_header(line: &str) -> bool {
    let mut header = false;
    line.len() <= 200
        && line.split('|').all(|piece| {
            let piece = piece.trim();
            let own = header_piece(piece);
            header |= own;
            own || !piece.chars().any(char::is_alphabetic) || issuing_body(piece)
        })
        && header
}

/// One piece of an official document's header (see [`document_header`]).
fn header_piece(piece: &str) -> bool {
    /// One piece of the header: its number, the national motto.
    const PIECE: &str = concat!(
        r"^(?:(?:Số|SỐ)\s*:\s*[0-9][^\s|]*",
        r"|(?i:CỘNG HÒA|CỘNG HOÀ) XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        r"|(?i:Độc lập\s*[-–]\s*Tự do\s*[-–]\s*Hạnh phúc))$",
    );
    /// Its place and date, `\p{Lu}[\p{L}\p{M} .]{0,40},\s*ngày …`, with the
    /// bound counted below: a bounded repeat of a Unicode class compiles
    /// to one copy of the class per repeat (40 copies took a third of the
    /// process's start).
    const PLACE_DATE: &str =
        r"^\p{Lu}[\p{L}\p{M} .]*,\s*ngày\s+[0-9]{1,2}\s+tháng\s+[0-9]{1,2}\s+năm\s+[0-9]{4}$";
    static RE: OnceLock<(Regex, Regex)> = OnceLock::new();
    let (piece_re, place_date) = RE.get_or_init(|| {
        (
            Regex::new(PIECE).expect("regex"),
            Regex::new(PLACE_DATE).expect("regex"),
        )
    });
    piece_re.is_match(piece)
        || (place_date.is_match(piece) && {
            // The class holds no comma: its run is everything between the
            // first character and the first comma.
            let first = piece.chars().next().map_or(0, char::len_utf8);
            let comma = piece.find(',').unwrap_or(piece.len());
            piece[first..comma].chars().count() <= 40
        })
}

/// A line in capitals, not a document's type: in an official document's
/// header, its issuing body or session (`ỦY BAN NHÂN DÂN TỈNH BẮC NINH`,
/// `KHÓA XVI, KỲ HỌP THỨ HAI`).
fn issuing_body(line: &str) -> bool {
    line.len() <= 200
        && line.split_whitespace().count() <= 20
        && line.contains(char::is_alphabetic)
        && !line.contains(char::is_lowercase)
        && !document_type(line)
}

/// Does an official document's header (see [`document_header`]) come
/// under line `li` within four lines, past lines in capitals or with no
/// letter (`ỦY BAN NHÂN DÂN` / `TỈNH BẮC NINH` / `-------` / `Số: …`)?
fn header_below(text: &str, lines: &[Line], li: usize) -> bool {
    for l in lines.iter().skip(li + 1).take(4) {
        let line = &text[l.start..l.end];
        if document_header(line) {
            return true;
        }
        if !issuing_body(line) && line.contains(char::is_alphabetic) {
            return false;
        }
    }
    false
}

/// An official document's type in capitals, opening its title line:
/// `NGHỊ QUYẾT`, `QUYẾT ĐỊNH`, `THÔNG TƯ`, `LUẬT ĐẤT ĐAI`…
fn document_type(line: &str) -> bool {
    const TYPES: &[&str] = &[
        "NGHỊ QUYẾT",
        "QUYẾT ĐỊNH",
        "NGHỊ ĐỊNH",
        "THÔNG TƯ",
        "CHỈ THỊ",
        "CÔNG VĂN",
        "CÔNG ĐIỆN",
        "THÔNG BÁO",
        "KẾ HOẠCH",
        "TỜ TRÌNH",
        "BÁO CÁO",
        "LUẬT",
        "BỘ LUẬT",
        "PHÁP LỆNH",
        "LỆNH",
        "HIẾN PHÁP",
        "QUY ĐỊNH",
        "QUY CHẾ",
        "HƯỚNG DẪN",
        "KẾT LUẬN",
        "ĐIỀU LỆ",
        "CHƯƠNG TRÌNH",
        "ĐỀ ÁN",
        "BẢN ÁN",
        "BIÊN BẢN",
    ];
    TYPES.iter().any(|t| {
        line.strip_prefix(t)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
    })
}

/// Under the headline `li - 1`: the author's line ([`mark_author`]), or,
/// under an official document's type (`document`), its subject
/// ([`mark_subject`]).
fn mark_under(text: &str, lines: &[Line], fine: &mut Fine, li: usize, document: bool) {
    if document {
        mark_subject(text, lines, fine, li);
    } else {
        mark_author(text, lines, fine, li);
    }
}

/// The subject of an official document, the line under its type
/// (`NGHỊ QUYẾT` / `Về việc ban hành Nội quy kỳ họp`): one plain sentence
/// of at most 400 characters opening with `Về`, `V/v`, `Ban hành`, `Quy
/// định`, `Sửa đổi`, `Hướng dẫn` or `Phê duyệt` (any case), not closed by
/// `.`, `:`, `;` or `,`. It is part of the title.
fn mark_subject(text: &str, lines: &[Line], fine: &mut Fine, li: usize) {
    const OPENERS: &[&str] = &[
        "về ",
        "v/v",
        "ban hành ",
        "quy định ",
        "sửa đổi",
        "hướng dẫn ",
        "phê duyệt ",
    ];
    let Some(&l) = lines.get(li) else { return };
    let line = &text[l.start..l.end];
    let opening: String = line.chars().take(12).collect::<String>().to_lowercase();
    if OPENERS.iter().any(|o| opening.starts_with(o))
        && line.chars().count() <= 400
        && !line.ends_with(['.', ':', ';', ','])
        && sentences(line).len() == 1
        && let [only] = fine.line_mut(li)
        && only.kind == SegmentKind::Text
    {
        only.kind = SegmentKind::Title;
    }
}

/// The author's line under the headline (vneconomy, Người Lao Động): a
/// plain line in a byline's form (`Đỗ Như`, `Hà Lê`), at most 60
/// characters and 6 words with no digit, followed by a date line
/// (`13/09/2025, 10:22`) or by a lead opening with a dateline
/// (`(NLĐO)- Chiều 12-9, …`) is a byline, and so is a source credit or a
/// dateline alone (`NDO -`). `li` is the line under the headline.
fn mark_author(text: &str, lines: &[Line], fine: &mut Fine, li: usize) {
    let (Some(&l), Some(next)) = (lines.get(li), lines.get(li + 1)) else {
        return;
    };
    let line = &text[l.start..l.end];
    let plain = fine.line(li).iter().all(|s| s.kind == SegmentKind::Text);
    // A source credit or dateline alone (`NDO -`, `(TTXVN)`; not the
    // part's number, `(Kỳ 1)`).
    if plain && source_line(line) && series_note_at(line).is_none() {
        make_byline(fine, li, l);
        return;
    }
    let next = &text[next.start..next.end];
    let words = line.split_whitespace().count();
    if plain
        && line.chars().count() <= 60
        && words <= 6
        && (words >= 2 || line.chars().all(|c| c.is_uppercase() || c == '.'))
        && !line.contains(|c: char| c.is_ascii_digit())
        && byline_re().is_match(line)
        && (stamp_line(next) || dateline_re().is_match(next))
    {
        make_byline(fine, li, l);
    }
}

/// A photo's overview caption with no credit (`Quang cảnh cuộc họp báo`,
/// `Toàn cảnh phiên tòa`): a plain line opening with `Quang cảnh` or
/// `Toàn cảnh`, a paragraph of its own, of at most 12 words and 100 bytes,
/// one sentence with no closing punctuation. Looked at after the title, so
/// a headline `Toàn cảnh …` stays the title. A line with a closing full
/// stop (`Quang cảnh Đại hội.`) stays text: a sentence, as far as the
/// segmenter can tell.
fn mark_overview_captions(text: &str, lines: &[Line], fine: &mut Fine) {
    for (li, &l) in lines.iter().enumerate() {
        let line = &text[l.start..l.end];
        let alone = (li == 0 || lines[li - 1].para != l.para)
            && lines.get(li + 1).is_none_or(|n| n.para != l.para);
        if alone
            && (line.starts_with("Quang cảnh ") || line.starts_with("Toàn cảnh "))
            && line.len() <= 100
            && line.split_whitespace().count() <= 12
            && line.ends_with(char::is_alphanumeric)
            && let [only] = fine.line_mut(li)
            && only.kind == SegmentKind::Text
            && sentences(line).len() == 1
        {
            only.kind = SegmentKind::Caption;
        }
    }
}

/// A table's unit (`Đơn vị: 1.000.000đ`, `Đơn vị tính: tỷ đồng`, `ĐVT: %`):
/// a table, not a headline, opens the copy.
fn table_unit(line: &str) -> bool {
    ["Đơn vị:", "Đơn vị :", "Đơn vị tính:", "ĐVT:"]
        .iter()
        .any(|p| line.starts_with(p))
}

/// The title's second rule: the first text span whose ASCII form is the
/// image-alt line's title.
fn mark_alt_title(text: &str, fine: &mut Fine, alt_title: Option<&str>) {
    let Some(title) = alt_title else { return };
    let want = crate::transliterate::slug(title);
    if want.is_empty() {
        return;
    }
    if let Some(seg) = fine.spans.iter_mut().find(|s| {
        s.kind == SegmentKind::Text && crate::transliterate::slug(&text[s.start..s.end]) == want
    }) {
        seg.kind = SegmentKind::Title;
    }
}

/// The most syllables of a headline (words between spaces: Vietnamese
/// writes a space between syllables). Headlines run from 6 to 34 syllables
/// on the copy we have seen; the leads with no closing full stop at an
/// article's top run longer, or open with a dateline or their time.
const HEADLINE_SYLLABLES: usize = 40;

/// Is `line` likely a headline?
fn headline(line: &str) -> bool {
    line.chars().count() <= 250
        && line.split_whitespace().count() <= HEADLINE_SYLLABLES
        && !line.ends_with(['.', ':', ',', ';'])
        && !table_unit(line)
        && dateline_re().find(line).is_none_or(|m| m.end() > 80)
        && lead_time_re().find(line).is_none_or(|m| m.end() > 80)
}

/// `[s, e)` without surrounding whitespace.
fn trim_span(text: &str, s: usize, e: usize) -> (usize, usize) {
    let piece = &text[s..e];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    if lead == piece.len() {
        (e, e)
    } else {
        (s + lead, e - trail)
    }
}

/// Sentence spans (trimmed) of one line of text.
pub fn sentences(line: &str) -> Vec<(usize, usize)> {
    sentences_counted(line, &mut 0)
}

/// How many bytes before a join candidate the merge pass may look at.
const LOOK_BACK: usize = 96;

/// [`sentences`], adding to `work` the bytes its own passes examine (the
/// UAX #29 pieces once, bounded windows around each candidate), so a test
/// can check that the work is linear in the line.
///
/// UAX #29 bounds first, each piece cut further where a sentence ends that
/// UAX #29 does not see (`…` before a capital, a full stop glued to the
/// next sentence), then one forward merge pass that joins a piece to the
/// one before it when that one does not end a sentence (see `joins`).
pub fn sentences_counted(line: &str, work: &mut usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for_each_sentence(line, work, |s, e| out.push((s, e)));
    out
}

/// Calls `emit` with the trimmed bounds of each sentence of `line`, in
/// order (the pass of [`sentences_counted`], without collecting).
fn for_each_sentence(line: &str, work: &mut usize, mut emit: impl FnMut(usize, usize)) {
    let mut push = |(s, e): (usize, usize)| {
        let (s, e) = trim_span(line, s, e);
        if s < e {
            emit(s, e);
        }
    };
    let mut cur: Option<(usize, usize)> = None;
    let mut add = |(s, e): (usize, usize), work: &mut usize| {
        if let Some(last) = cur.as_mut() {
            let prev = &line[last.0..last.1];
            let content = prev.trim_end();
            // The trailing whitespace is the last piece's: scanned once.
            *work += prev.len() - content.len();
            let tail =
                &content[ceil_char_boundary(content, content.len().saturating_sub(LOOK_BACK))..];
            *work += tail.len();
            if joins(tail, content.len() == tail.len(), &line[s..e], work) {
                last.1 = e;
                return;
            }
            push(*last);
        }
        cur = Some((s, e));
    };
    for (s, piece) in uax29::pieces(line) {
        *work += piece.len();
        let mut from = s;
        for cut in extra_cuts(piece) {
            add((from, s + cut), work);
            from = s + cut;
        }
        add((from, s + piece.len()), work);
    }
    if let Some(last) = cur {
        // A series note closing the line is a sentence of its own, full
        // stop before it or not (`… ngày hội (Còn tiếp)`).
        let sentence = line[last.0..last.1].trim_end();
        *work += sentence.len().min(NOTE_LOOK_BACK);
        match series_note_at(sentence) {
            // A numbered part after no full stop names the headline's part
            // (`Bí ẩn rừng sâu (Kỳ 1)`).
            Some(at)
                if at > 0
                    && (!series_part(&sentence[at..])
                        || sentence[..at].trim_end().ends_with(['.', '!', '?', '…'])) =>
            {
                push((last.0, last.0 + at));
                push((last.0 + at, last.1));
            }
            _ => push(last),
        }
    }
}

/// How many bytes at the end of a line [`series_note_at`] looks at.
const NOTE_LOOK_BACK: usize = 200;

/// Where a series note closes `line` (trimmed), if one does: the whole
/// line (`(Còn nữa)`, `Còn tiếp`, `HẾT`, `(Kỳ 2: Những mùa nước nổi)`,
/// offset 0), or a bracketed note after a space at its end (`Câu cuối.
/// (Còn nữa)`). A note says the instalment goes on or ends: text to
/// translate, never a byline, and never one segment with the sentence
/// before it.
fn series_note_at(line: &str) -> Option<usize> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        let note = concat!(
            r"(?:(?i:còn nữa|còn tiếp|hết|tiếp theo|xem tiếp(?: kỳ sau| kỳ tới)?)",
            r"|(?:Kỳ|KỲ|kỳ|Bài|BÀI|bài|Phần|PHẦN)\s+(?:[0-9]{1,2}|[IVX]{1,4}",
            r"|(?i:cuối|sau|tới|tiếp))(?:\s*[:.–-]\s*[^()\[\]
]*)?)\s*[.…]*",
        );
        Regex::new(&format!(
            r"^(?:{note}|\(\s*{note}\)|\[\s*{note}\]|[-–—]\s*{note}\s*[-–—])$"
        ))
        .expect("regex")
    });
    if line.len() <= NOTE_LOOK_BACK && re.is_match(line) {
        return Some(0);
    }
    let window = &line[ceil_char_boundary(line, line.len().saturating_sub(NOTE_LOOK_BACK))..];
    let open = match line.chars().next_back()? {
        ')' => '(',
        ']' => '[',
        _ => return None,
    };
    let at = line.len() - window.len() + window.rfind(open)?;
    (at > 0 && line[..at].ends_with(char::is_whitespace) && re.is_match(&line[at..])).then_some(at)
}

/// Is `note` (a series note) a numbered part (`(Kỳ 2: …)`, `(Bài 3)`)?
fn series_part(note: &str) -> bool {
    note.trim_start_matches(['(', '[', '-', '–', '—', ' '])
        .split_whitespace()
        .nth(1)
        .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit() || "IVX".contains(c)))
}

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Where a UAX #29 piece holds more than one sentence, as byte offsets into
/// `piece` (each the start of the next sentence):
/// - after `…` (one character) and any closing quote or bracket, before
///   whitespace and a capital (`…về nhà… Quãng đường`);
/// - after a full stop glued to a capitalised word (`đối tượng.Trước đó`)
///   when the word before the stop is at least two letters ending in a
///   lower-case one and not an abbreviation (`Tp.Hồ`, `TP.HCM`, `H.Quế`,
///   `v.v.` stay).
fn extra_cuts(piece: &str) -> Vec<usize> {
    let mut cuts = Vec::new();
    let b = piece.as_bytes();
    for i in memchr::memchr2_iter(b'.', 0xE2, b) {
        // `…` is E2 80 A6 in UTF-8; other characters start with E2 too.
        let c = if b[i] == b'.' {
            "."
        } else if piece[i..].starts_with('…') {
            "…"
        } else {
            continue;
        };
        match c {
            "…" => {
                let mut j = i + c.len();
                let rest = &piece[j..];
                let closers = rest
                    .char_indices()
                    .find(|&(_, c)| !matches!(c, '"' | '”' | '’' | '»' | ')' | ']'))
                    .map_or(rest.len(), |(k, _)| k);
                j += closers;
                let ws = piece[j..]
                    .char_indices()
                    .find(|&(_, c)| !c.is_whitespace())
                    .map_or(piece.len() - j, |(k, _)| k);
                if ws > 0
                    && piece[j + ws..]
                        .chars()
                        .next()
                        .is_some_and(char::is_uppercase)
                {
                    cuts.push(j + ws);
                } else if closers == 0 && ws == 0 && glued_ellipsis(&piece[..i], &piece[j..]) {
                    cuts.push(j);
                }
            }
            "." if i > 0 => {
                if let Some(dash) = dash_item(&piece[i + 1..]) {
                    cuts.push(i + 1 + dash);
                    continue;
                }
                if let Some(item) = item_after_semicolon(&piece[..=i], &piece[i + 1..]) {
                    cuts.push(item);
                    continue;
                }
                if i + 1 >= b.len() {
                    continue;
                }
                let mut next = piece[i + 1..].chars();
                let (Some(n1), Some(n2)) = (next.next(), next.next()) else {
                    continue;
                };
                if !(n1.is_uppercase() && n2.is_lowercase()) {
                    continue;
                }
                let before = &piece[floor_char_boundary(piece, i.saturating_sub(24))..i];
                let word = before
                    .rsplit(|c: char| !c.is_alphabetic() && c != '.' && c != '/')
                    .next()
                    .unwrap_or("");
                let letters = word.chars().filter(|c| c.is_alphabetic()).count();
                let plain = letters >= 2
                    && word.chars().all(char::is_alphabetic)
                    && word.chars().last().is_some_and(char::is_lowercase)
                    && !ABBREVIATIONS.contains(&word);
                if plain || place_in_capitals(word) {
                    cuts.push(i + 1);
                }
            }
            _ => {}
        }
    }
    cuts
}

/// How many bytes before a glued ellipsis [`glued_ellipsis`] looks at.
const ELLIPSIS_LOOK_BACK: usize = 48;

/// An ellipsis glued to the next sentence (`… kịch nói…Các tiết mục`, no
/// space: scraped copy): `before` is the text before the `…`, `after` what
/// follows it. It ends a sentence when the word before is two or more
/// letters ending in a lower-case one, with two more words before it, and
/// the word after is a capitalised Vietnamese syllable (a capital then
/// lower-case letters: `Các`, not `HCM` or `iPhone`), outside an open quote
/// or bracket in the last [`ELLIPSIS_LOOK_BACK`] bytes (`"Chờ…Mong"` stays).
fn glued_ellipsis(before: &str, after: &str) -> bool {
    let word_after: &str = after
        .split(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("");
    let mut letters = word_after.chars();
    if !letters.next().is_some_and(char::is_uppercase)
        || !letters.as_str().chars().all(char::is_lowercase)
        || letters.as_str().is_empty()
        || !vietnamese_syllable(word_after)
    {
        return false;
    }
    let window =
        &before[ceil_char_boundary(before, before.len().saturating_sub(ELLIPSIS_LOOK_BACK))..];
    let mut words = window.split_whitespace().rev();
    let last = words.next().unwrap_or("");
    let plain = last.chars().count() >= 2
        && last.chars().all(char::is_alphabetic)
        && last.chars().last().is_some_and(char::is_lowercase);
    let straight = window.matches('"').count();
    let open = |o: char, c: char| {
        window
            .rfind(o)
            .is_some_and(|a| window.rfind(c).is_none_or(|b| b < a))
    };
    plain
        && words.take(2).count() == 2
        && straight.is_multiple_of(2)
        && !open('“', '”')
        && !open('(', ')')
        && !open('«', '»')
}

/// A place named by a place abbreviation and its initials, complete:
/// `TP.HCM`, `TP.HN`, `Tp.HCM`, `TX.PT` (and `TPHCM`). A full stop glued
/// after one ends a sentence before a capitalised word
/// (`…về TP.HCM.Ngay khi…`). `TP.Dĩ An` (the abbreviation alone before the
/// stop) and titles (`GS.TSKH.Nguyễn`) are not such a place.
fn place_in_capitals(word: &str) -> bool {
    if word == "TPHCM" {
        return true;
    }
    word.split_once('.').is_some_and(|(prefix, name)| {
        matches!(prefix, "TP" | "Tp" | "TX" | "Tx")
            && name.chars().count() >= 2
            && name.chars().all(char::is_uppercase)
    })
}

/// A numbered item: `2.`, `144.2.3.` (groups of one to three digits).
fn number_enumerator(s: &str) -> bool {
    s.strip_suffix('.').is_some_and(|body| {
        body.split('.')
            .all(|g| (1..=3).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// Does `tail` end an item of a list: with `;`, or with a full stop after
/// a word of two or more letters ending in a lower-case one that is not an
/// abbreviation (`… ưu đãi.`; not `Q.`, `TP.`, `tr.`)?
fn item_ends(tail: &str) -> bool {
    if tail.ends_with(';') {
        return true;
    }
    let Some(body) = tail.strip_suffix('.') else {
        return false;
    };
    let word = body
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("");
    word.chars().count() >= 2
        && word.chars().last().is_some_and(char::is_lowercase)
        && body.len() - word.len() == body.trim_end_matches(char::is_alphabetic).len()
        && !ABBREVIATIONS.contains(&word)
}

/// A number plate masked by the paper, cut by UAX #29 at its full stop:
/// `biển số 60C-316.XX`, `BKS 51G-888.X`. `before` is the text before the
/// plate's `word` (`60C-316`), `next` what follows the stop (`XX do …`).
fn masked_plate(before: &str, word: &str, next: &str) -> bool {
    let mask = next.bytes().take_while(|&b| b == b'X').count();
    let before = before.trim_end().trim_end_matches(':').trim_end();
    (1..=4).contains(&mask)
        && !next[mask..].starts_with(char::is_alphanumeric)
        && word.starts_with(|c: char| c.is_ascii_digit())
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'))
        && ["biển số", "biển số xe", "biển kiểm soát", "BKS", "BS"]
            .iter()
            .any(|w| before.ends_with(w))
}

/// A numbered item inside a sentence piece after a `;` (`… Soát; 144.2.3.
/// Xem xét …`, which UAX #29 does not cut): `upto` ends with the item's
/// full stop, `after` (nothing, whitespace, or whitespace and a capital)
/// follows it in the piece. The offset of the item in `upto`.
fn item_after_semicolon(upto: &str, after: &str) -> Option<usize> {
    // The piece ends after the item (UAX #29 cut after it), or a capital
    // follows it inside the piece.
    let word = after.trim_start();
    let spaced = word.len() < after.len();
    if !(after.is_empty() || spaced && (word.is_empty() || word.starts_with(char::is_uppercase))) {
        return None;
    }
    let back = &upto[floor_char_boundary(upto, upto.len().saturating_sub(16))..];
    let item = back.len()
        - back
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '.')
            .len();
    let start = upto.len() - item;
    let before = upto[..start].strip_suffix(char::is_whitespace)?;
    (number_enumerator(&upto[start..]) && before.trim_end().ends_with(';')).then_some(start)
}

/// Two or more initials, each one capital: `P.V.N`, `T.C.T`.
fn initials(word: &str) -> bool {
    word.contains('.')
        && word.split('.').all(|part| {
            let mut c = part.chars();
            matches!((c.next(), c.next()), (Some(c), None) if c.is_uppercase())
        })
}

/// After a full stop: whitespace, a dash (`-`, `–`, `—`), whitespace and a
/// capital (`…về người. - Chiều 10/11, …`, an inline bullet that UAX #29
/// does not cut, the dash being a continuation there). The offset of the
/// dash in `after`, which opens the next sentence.
fn dash_item(after: &str) -> Option<usize> {
    let dash = after.len() - after.trim_start().len();
    let rest = &after[dash..];
    let c = rest.chars().next()?;
    if dash == 0 || !matches!(c, '-' | '–' | '—') {
        return None;
    }
    let next = &rest[c.len_utf8()..];
    let word = next.trim_start();
    (word.len() < next.len() && word.chars().next().is_some_and(char::is_uppercase)).then_some(dash)
}

/// `c.is_alphabetic()`, the letters Vietnamese is written in answered
/// without the Unicode table.
fn alphabetic(c: char) -> bool {
    c.is_ascii_alphabetic() || (!c.is_ascii() && (uax29::latin_letter(c) || c.is_alphabetic()))
}

/// `c.is_alphanumeric()`, as [`alphabetic`].
fn alphanumeric(c: char) -> bool {
    c.is_ascii_alphanumeric() || (!c.is_ascii() && (uax29::latin_letter(c) || c.is_alphanumeric()))
}

/// Should `next` be joined to the piece before it, whose trimmed content
/// ends with `tail` (at most [`LOOK_BACK`] bytes; `whole` when `tail` is
/// all of it)?
fn joins(tail: &str, whole: bool, next: &str, work: &mut usize) -> bool {
    *work += next.len();
    let next = next.trim_start();
    // `/.`, a lone closing bracket or quote: no letter or digit of its own.
    if !next.chars().any(alphanumeric) {
        return true;
    }
    // A numbered item after the end of a sentence or a `;` opens the next
    // sentence (`… ưu đãi. 2. Cổ tức …`, `… Soát; 144.2.3. Xem xét …`).
    if number_enumerator(next.trim_end())
        && item_ends(tail)
        && !(whole && enumerator_re().is_match(tail))
    {
        return false;
    }
    let first = next.chars().next();
    if first.is_some_and(|c| c.is_lowercase() || c.is_ascii_digit()) {
        return true;
    }
    // A legal or list enumerator alone (`Điều 1.`, `1.`, `a)`).
    if whole && tail.len() <= 24 && enumerator_re().is_match(tail) {
        return true;
    }
    let Some(body) = tail.strip_suffix('.') else {
        return false;
    };
    let mut words = body.rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '“');
    let word = words.next().unwrap_or(body);
    let capital_next = first.is_some_and(char::is_uppercase);
    if capital_next && masked_plate(&body[..body.len() - word.len()], word, next) {
        return true;
    }
    // `H.`, `P.`, `Q.`, `X.` abbreviate huyện, phường, quận, xã (`P. Bến
    // Nghé`), except right after a word for a person, where they are an
    // initial like any other (`anh H. Lúc này`).
    let place_letter = word.len() == 1;
    let after_person = || {
        body[..body.len() - word.len()]
            .split_whitespace()
            .next_back()
            // `bệnh nhân H. Đức Trọng`, `nạn nhân X. Phú Cường`: a place.
            .is_some_and(|w| PERSON_WORDS.contains(&w) && !matches!(w, "nhân" | "hại"))
    };
    if abbreviation(word) && !(place_letter && after_person()) {
        // `v.v.` before a capital ends its sentence.
        return !(capital_next && matches!(word, "v.v" | "vv"));
    }
    // Initials of a whole name (`P.V.N.`) go on before anything but a
    // capital, as one initial does (`tài xế P.V.N. (SN 1982, …)`).
    if !capital_next && initials(word) {
        return true;
    }
    // An initial: one capital letter.
    let mut chars = word.chars();
    if !matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase()) {
        return false;
    }
    if !capital_next {
        // `chị L. (ngụ …)`, `Trần Quốc B. (SN 1992)`
        return true;
    }
    // Before a capital: the initial ends its sentence when it stands for the
    // whole name (`anh A. Lúc này`) or for the given name after a family
    // and a middle name (`Nguyễn Văn A. Lúc này`); a middle initial after
    // one name (`Nguyễn V. An`, `George W. Bush`) does not.
    let mut capitalised = 0;
    for w in words.filter(|w| !w.is_empty()).take(5) {
        if capitalised == 0 && PERSON_WORDS.contains(&w) {
            return false;
        }
        // After a common noun it is a label, not a name: `bảng F.`,
        // `phương án A.`, `vitamin C.` end their sentence.
        if capitalised == 0 && w.chars().all(char::is_lowercase) {
            return false;
        }
        // Only plain capitalised words are names: `TP.HCM,`, `Nội,` or
        // `PGS.TS` before the name end the count (`Tại TP.HCM, Nguyễn V. An`).
        if HONORIFICS.contains(&w)
            || !w.chars().next().is_some_and(char::is_uppercase)
            || !w
                .chars()
                .all(|c| alphabetic(c) || matches!(c, '\'' | '’' | '-'))
        {
            break;
        }
        capitalised += 1;
    }
    capitalised < 2
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header's place-and-date piece with its bound counted in code is
    /// the one regex it was, `\p{Lu}[\p{L}\p{M} .]{0,40},\s*ngày …`, at every
    /// length around the bound, with combining marks, dots and more commas.
    #[test]
    fn the_header_piece_counts_the_place_as_the_bounded_regex_did() {
        let old = Regex::new(concat!(
            r"^(?:(?:Số|SỐ)\s*:\s*[0-9][^\s|]*",
            r"|\p{Lu}[\p{L}\p{M} .]{0,40},\s*ngày\s+[0-9]{1,2}\s+tháng\s+[0-9]{1,2}\s+năm\s+[0-9]{4}",
            r"|(?i:CỘNG HÒA|CỘNG HOÀ) XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            r"|(?i:Độc lập\s*[-–]\s*Tự do\s*[-–]\s*Hạnh phúc))$",
        ))
        .unwrap();
        let mut pieces = vec![
            String::new(),
            ",".to_owned(),
            "Số: 12/2024/QĐ-UBND".to_owned(),
            "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM".to_owned(),
            "Độc lập - Tự do - Hạnh phúc".to_owned(),
        ];
        let dates = [
            ", ngày 5 tháng 3 năm 2024",
            ",ngày 19 tháng 12 năm 2023",
            ", ngày 5 tháng 3 năm 2024, x",
            ", ngày 5, tháng 3 năm 2024",
            " ngày 5 tháng 3 năm 2024",
        ];
        for head in ["H", "Đ", "h", "1", "E\u{301}"] {
            for unit in ["à", "a", " ", ".", "e\u{302}", "Nội ", ",", "1"] {
                for n in [0, 1, 38, 39, 40, 41, 42, 80] {
                    for date in dates {
                        pieces.push(format!("{head}{}{date}", unit.repeat(n)));
                    }
                }
            }
        }
        for p in &pieces {
            assert_eq!(header_piece(p), old.is_match(p), "{p:?}");
        }
        assert!(pieces.iter().filter(|p| header_piece(p)).count() > 40);
    }

    /// `has_credit` as it was: the whole literal search (the credit words,
    /// `(ảnh` and the place words), then the credit regex.
    fn has_credit_reference(line: &str) -> bool {
        static WORDS: OnceLock<Regex> = OnceLock::new();
        let words = WORDS.get_or_init(|| {
            Regex::new(concat!(
                r"Ảnh|ẢNH|Nguồn ảnh|Nguồn video|Nguồn đồ|Nguồn:|Nguồn :|NGUỒN:|NGUỒN :|Đồ họa|Đồ hoạ|",
                r"ĐỒ HỌA|Video|VIDEO|Clip|Infographic|Photo|PHOTO|\(\s*ảnh|trái|phải|giữa",
            ))
            .unwrap()
        });
        words.is_match(line) && credit_re().is_match(line)
    }

    /// Pieces of lines for the credit tests: every credit and place word of
    /// the literal search and of the regex, in capitals, decomposed (NFD)
    /// and lower case too, brackets, colons, dashes, whitespace of every
    /// kind the regex's `\s` takes, and plain words.
    const CREDIT_PIECES: &[&str] = &[
        "Ảnh",
        "ẢNH",
        "ảnh",
        "A\u{309}nh",
        "Ảnh minh họa",
        "ảnh minh hoạ",
        "Ảnh tư liệu",
        "Ảnh chụp màn hình",
        "Nguồn",
        "NGUỒN",
        "nguồn",
        "Nguồn ảnh",
        "Nguồn video",
        "Nguồn đồ họa",
        "Nguô\u{300}n",
        "Đồ họa",
        "Đồ hoạ",
        "ĐỒ HỌA",
        "đồ họa",
        "Video",
        "VIDEO",
        "video",
        "Clip",
        "Infographic",
        "Photo",
        "PHOTO",
        "photo",
        "trái",
        "phải",
        "giữa",
        "TRÁI",
        "pha\u{309}i",
        "từ ",
        "bìa ",
        "đứng ",
        "(",
        ")",
        "[",
        "]",
        ":",
        " : ",
        " ",
        "  ",
        "\u{A0}",
        "\t",
        "\u{2003}",
        "-",
        "–",
        "—",
        ".",
        "!",
        "?",
        "…",
        "”",
        "|",
        "x",
        "Minh Đức",
        "TTXVN",
        "Ông A ",
        "bên ",
        "sang",
        "thứ 4 ",
        "hồ",
        "a. ",
        "Hội nghị",
        "/",
        "(ảnh",
        "( ảnh",
        "(\u{A0}\tảnh",
        "(\u{85}ảnh",
        "(\u{200B}ảnh",
        "(ảNH",
    ];

    /// The cheaper order of `has_credit` (the credit words, then a bracket
    /// or a source, then the place words) answers as the whole literal
    /// search did, on the listed forms of every rule of the regex and on
    /// lines made of their pieces.
    #[test]
    fn place_words_alone_need_a_bracket_or_a_source() {
        let mut lines: Vec<String> = [
            "Ông A (trái) và bà B",
            "Ông A (bìa trái), bà B (giữa)",
            "Bà A (thứ 4 từ phải qua) trao quà",
            "Các đại biểu (từ trái sang) chụp ảnh",
            "Bà A (đứng phải)",
            "Doanh thu tăng mạnh – Nguồn\u{A0}: Bộ Công Thương bên phải",
            "Doanh thu tăng mạnh – Nguồn  : Bộ Công Thương giữa",
            "Doanh thu tăng mạnh – NGUỒN\t: Bộ Công Thương trái",
            "(Nguồn\u{A0}: Ban tổ chức) phải",
            "(Nguồn\u{A0}: Ban tổ chức)",
            "Doanh thu tăng mạnh – Nguồn\u{A0}: Bộ Công Thương",
            "Lực lượng phải gắn với việc xây dựng văn hóa giao thông.",
            "Ông A phải (theo TTXVN) đi",
            "Ông A: phải đi",
            "Hội nghị. (Ảnh: Minh Đức/TTXVN)",
            "… bên hồ (ảnh: Minh Anh).",
            "trước trận đấuẢnh: VFF",
            "(Ảnh minh họa)",
            "Đại biểu dự họp. Ảnh Trung tâm báo chí Quốc hội",
            "Video: Minh Anh",
            "",
        ]
        .iter()
        .map(|l| (*l).to_owned())
        .collect();
        // Every pair and triple of pieces.
        for a in CREDIT_PIECES {
            for b in CREDIT_PIECES {
                lines.push(format!("{a}{b}"));
                for c in ["(", ")", ":", " ", "trái", "Nguồn", "x"] {
                    lines.push(format!("{a}{c}{b}"));
                    lines.push(format!("{c}{a} {b}"));
                }
            }
        }
        let mut credits = 0;
        for line in &lines {
            let want = has_credit_reference(line);
            assert_eq!(has_credit(line), want, "{line:?}");
            credits += usize::from(want);
        }
        // The lines hold credits of several forms, place words alone among them.
        assert!(credits > 1000, "{credits}");
        for line in [
            "Ông A (trái)",
            "Doanh thu – Nguồn\u{A0}: Bộ Công Thương phải",
        ] {
            assert!(has_credit(line), "{line:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Random lines of the credit pieces: `has_credit` as it was.
        #[test]
        fn credit_search_answers_as_the_whole_literal_search(
            ix in proptest::collection::vec(0..CREDIT_PIECES.len(), 0..12)
        ) {
            let line: String = ix.into_iter().map(|i| CREDIT_PIECES[i]).collect();
            proptest::prop_assert_eq!(has_credit(&line), has_credit_reference(&line), "{:?}", line);
        }

        /// Random lines of ASCII, Vietnamese letters and the alt line's
        /// words: the pre-check never rules out a line the regex matches.
        #[test]
        fn ascii_caption_pre_check_keeps_every_match(
            ix in proptest::collection::vec(0..ALT_PIECES.len(), 0..14)
        ) {
            let line: String = ix.into_iter().map(|i| ALT_PIECES[i]).collect();
            if ascii_caption_re().is_match(&line) {
                proptest::prop_assert!(may_be_ascii_caption(&line), "{:?}", line);
            }
        }
    }

    /// Pieces of image-alt lines and of the text around them.
    const ALT_PIECES: &[&str] = &[
        " hinh anh ",
        " hinh anh",
        "hinh anh ",
        " - Anh ",
        " - Anh",
        "- Anh ",
        " ",
        "1",
        "12",
        "a",
        "Bo",
        "Cong an",
        "Z",
        "~",
        "ả",
        "Thượng",
        "\u{A0}",
        "\t",
        "\u{7F}",
        "-",
        ".",
        "Anh",
        "hinh",
    ];

    /// The pre-check of the ASCII image-alt regex on the lines it matches
    /// and on near misses: it rules out no line the regex matches, and it
    /// does rule out Vietnamese copy.
    #[test]
    fn ascii_caption_pre_check_agrees_with_the_regex() {
        let mut lines = vec![
            "Bo Cong an trien khai Chi thi hinh anh 1Thượng tướng".to_owned(),
            "Chu tich nuoc tham Italia - Anh 1".to_owned(),
            "a hinh anh 0".to_owned(),
            "a - Anh 0".to_owned(),
            "Viet Nam - Anh 2-1".to_owned(),
            "Thượng tướng phát biểu hinh anh 1".to_owned(),
            " hinh anh 1".to_owned(),
            "1 hinh anh 1".to_owned(),
            "x hinh anh\u{A0}1".to_owned(),
            "x\thinh anh 1".to_owned(),
        ];
        for a in ALT_PIECES {
            for b in ALT_PIECES {
                for c in ALT_PIECES {
                    lines.push(format!("{a}{b}{c}"));
                }
            }
        }
        let mut matched = 0;
        for line in &lines {
            if ascii_caption_re().is_match(line) {
                matched += 1;
                assert!(may_be_ascii_caption(line), "{line:?}");
            }
        }
        assert!(matched > 40, "{matched}");
        assert!(!may_be_ascii_caption(
            "Thượng tướng Nguyễn Văn Bình phát biểu hinh anh 1"
        ));
    }

    /// The shortcuts for the Latin letters answer as the Unicode tables do,
    /// on every character.
    #[test]
    fn alphabetic_and_alphanumeric_agree_with_std_on_every_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(alphabetic(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    /// The lines found by memchr are `split_inclusive('\n')`'s pieces,
    /// trimmed, blank ones ending a paragraph.
    #[test]
    fn lines_are_the_trimmed_pieces_between_line_feeds() {
        let reference = |text: &str| {
            let (mut out, mut para, mut in_para, mut pos) = (Vec::new(), 0, false, 0);
            for piece in text.split_inclusive('\n') {
                let (s, e) = trim_span(text, pos, pos + piece.len());
                pos += piece.len();
                if s == e {
                    para += usize::from(in_para);
                    in_para = false;
                } else {
                    in_para = true;
                    out.push((para, s, e));
                }
            }
            out
        };
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "\n\na",
            " a \n\n \n b\nc ",
            "Hà Nội\n\nđ\n\n\n",
            "x\r\ny",
        ] {
            let got: Vec<_> = lines(text)
                .iter()
                .map(|l| (l.para, l.start, l.end))
                .collect();
            assert_eq!(got, reference(text), "{text:?}");
        }
    }

    /// A document segmented part by part ([`Parts`]) in `block`-byte
    /// pieces: its spans as offsets into the whole text, and the most
    /// bytes held at once.
    fn by_parts(unit: Unit, text: &str, max: usize, block: usize) -> (Vec<SegmentSpan>, usize) {
        let seg = Segmenter::new(unit);
        let mut parts = Parts::new(max);
        let mut out = Vec::new();
        let mut held = 0;
        let mut rest = text;
        loop {
            let end = rest.is_empty();
            let cut = floor_char_boundary(rest, block);
            parts.buffer().push_str(&rest[..cut]);
            rest = &rest[cut..];
            held = held.max(parts.held());
            while let Some(p) = parts.next(&seg, end) {
                out.extend(p.spans.iter().map(|s| SegmentSpan {
                    start: p.base + s.start,
                    end: p.base + s.end,
                    ..*s
                }));
            }
            if end {
                return (out, held);
            }
        }
    }

    /// Parts that start at paragraphs give the whole document's spans:
    /// titles, captions (a credit line making the line before a caption),
    /// bylines (the last two lines), paragraph numbers.
    #[test]
    fn parts_give_the_spans_of_the_whole_text() {
        let article = "Ban Bi thu hop hinh anh 1Ban Bí thư họp tại Hà Nội\n\n\
            Ngày 15/8, Ban Bí thư họp. Ông Nguyễn V. An dự.\nCâu thứ hai của đoạn.\n\n\
            Quang cảnh buổi họp.\n(Ảnh: TTXVN)\n\n\
            Đoạn thân bài. Có hai câu…  Và ba.\n\n\
            Điều 1. Quy định chung.\n\n\
            Nhóm PV\n\nMinh Tuệ\n";
        let mut long = String::new();
        for i in 0..40 {
            long.push_str(&format!("Đoạn {i} có một câu. Và câu khác nữa.\n"));
            if i % 3 == 0 {
                long.push('\n');
            }
        }
        let headline_late = "(Ảnh: TTXVN)\n\nẢnh minh họa\n\nTiêu đề đến sau\n\nThân bài.\n";
        let alt_title = "Bai viet hinh anh 1\n\nMở đầu bằng câu.\n\nBài viết\n\nKết.\n";
        // The author's line under the headline, at every place of a part's
        // end (behind more or fewer credit lines).
        let authors = (0..24).map(|k| {
            "(Ảnh: TTXVN)\n\n".repeat(k)
                + "Tiêu đề bài\n\nĐỗ Minh\n\n13/09/2025, 10:22\n\nNội dung.\n"
        });
        // An official document's subject under its type, and its issuing
        // body above its header, likewise.
        let documents = (0..48).map(|k| {
            let header = if k % 2 == 0 {
                "Số: 5/NQ-HĐND\nHỘI ĐỒNG NHÂN DÂN\n\n"
            } else {
                "HỘI ĐỒNG NHÂN DÂN\nTỈNH AN GIANG\n\nSố: 5/NQ-HĐND\n\n"
            };
            "(Ảnh: TTXVN)\n\n".repeat(k / 2)
                + header
                + "NGHỊ QUYẾT\nVề việc đặt tên đường\n\nCăn cứ.\n"
        });
        let authors: Vec<String> = authors.chain(documents).collect();
        for text in [article, &long, headline_late, alt_title]
            .into_iter()
            .chain(authors.iter().map(String::as_str))
        {
            let text = format!("{text}{long}Hết.\n\nXUÂN NGỌC\n");
            for unit in [Unit::Sentence, Unit::Line, Unit::Paragraph] {
                let whole = Segmenter::new(unit).segment(&text);
                for (max, block) in [(200, 7), (300, 64), (1000, 100), (1 << 20, 1 << 18)] {
                    let (parts, _) = by_parts(unit, &text, max, block);
                    assert_eq!(parts, whole, "{unit:?} max {max} block {block}\n{text}");
                }
            }
        }
    }

    /// A paragraph longer than the limit is cut at a sentence end, else at
    /// a space, else between characters; no part is longer than the limit,
    /// and the text held stays a few times the limit whatever the length.
    #[test]
    fn long_paragraphs_are_cut_and_memory_stays_bounded() {
        // The sentence the limit ends in goes to the next part, whole.
        assert_eq!(
            cut_point("Câu một. Câu hai. Câu ba dài", 26),
            (22, Cut::Sentence)
        );
        assert_eq!(
            cut_point("Câu một. Câu hai. Câu ba dài", 22),
            (12, Cut::Sentence)
        );
        assert_eq!(cut_point("dòng một\ndòng hai dài", 15), (12, Cut::Sentence));
        assert_eq!(cut_point("không có dấu chấm nào", 12), (11, Cut::Space));
        assert_eq!(cut_point("ệệệệệệ", 10), (9, Cut::Char));
        assert_eq!(cut_point("ệệệ", 2), (3, Cut::Char), "never at 0");
        // Not between a letter and its combining mark, nor inside an emoji
        // sequence; inside one cluster only when it fills the limit.
        let nfd = "e\u{302}\u{323}e\u{302}\u{323}e\u{302}\u{323}";
        assert_eq!(cut_point(nfd, 7), (5, Cut::Char));
        let family = "ab\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}cd";
        assert_eq!(cut_point(family, 8), (2, Cut::Char));
        assert_eq!(
            cut_point("a\u{301}\u{301}\u{301}\u{301}", 4),
            (3, Cut::Char)
        );
        let line = "Kết luận số 7 KL của Ban Bí thư ".repeat(200_000);
        for unit in [Unit::Sentence, Unit::Paragraph] {
            let (spans, held) = by_parts(unit, &line, 4096, 65_536);
            assert!(held <= 4096 * 4 + 65_536, "{held} bytes held");
            assert!(spans.iter().all(|s| s.end - s.start <= 4096));
            assert!(spans.iter().all(|s| s.para == 0));
            let covered: usize = spans.iter().map(|s| s.end - s.start).sum();
            assert_eq!(covered + spans.len(), line.len(), "every word in one span");
        }
    }

    fn sents(s: &str) -> Vec<&str> {
        sentences(s).into_iter().map(|(a, b)| &s[a..b]).collect()
    }

    /// Each of `cases` is one sentence.
    fn stay_whole(cases: &[&str]) {
        for &one in cases {
            assert_eq!(sents(one), [one]);
        }
    }

    #[test]
    fn vietnamese_sentence_rules() {
        let one = [
            "Hội nghị diễn ra tại TP. HCM trong hai ngày.",
            "Đoàn công tác đến Tp. Hồ Chí Minh hôm qua.",
            "ThS. Nguyễn Văn C và TS. Lê D tham dự.",
            "Theo GS. TS. Phạm Văn E, kết quả rất tốt.",
            "Văn phòng đặt ở Q. 3.",
            "Trụ sở tại P. Bến Nghé, Q. 1, TP. HCM.",
            "Số liệu (xem tr. 5).",
            "Kinh phí tăng 12,5% so với năm 2019.",
            "Theo Kết luận số 44-KL/TW ngày 22/1/2019 của Ban Bí thư.",
            "Đoàn làm việc tại TP.HCM và PGS.TS Trần Văn F phát biểu.",
            "Các lỗi như tốc độ, nồng độ cồn, v.v. đều bị xử lý.",
            "Kiên quyết xử lý các vi phạm./.",
            "Ông Nguyễn V. An phát biểu.",
            "Đ/c. Lâm chủ trì.",
            "Lũ quét tại xã Tri Lễ, H.Quế Phong (Nghệ An).",
            "Theo chị L. (ngụ xã Uy Nỗ), túi xách bị giật.",
            "Phiên ngày 16.12 tăng 16,12 điểm.",
            "Thực hiện Nghị quyết số 79-NQ/TW của Bộ Chính trị.",
            "Đoàn đến Tp.Hồ Chí Minh và TX.Tân Uyên hôm qua.",
            "Cựu Tổng thống George W. Bush gửi lời chúc mừng.",
            "Bị can Trần Quốc B. (SN 1992) khai nhận.",
            "Ông H. kể lại.",
        ];
        for s in one {
            assert_eq!(sents(s), [s], "{s}");
        }
        assert_eq!(
            sents("Câu một. Câu hai!  Câu ba?"),
            ["Câu một.", "Câu hai!", "Câu ba?"]
        );
        assert_eq!(
            sents("Hội nghị. (Ảnh: Minh Đức/TTXVN)"),
            ["Hội nghị.", "(Ảnh: Minh Đức/TTXVN)"]
        );
    }

    /// An inline bullet after a full stop opens a sentence, dash included;
    /// a dash inside a sentence, or after an abbreviation, does not.
    #[test]
    fn inline_dash_bullets_after_a_full_stop_split() {
        assert_eq!(
            sents("Nước rút dần về chiều. - Sáng 12/9, mưa to ở xã Ba Vì. – Tối 12/9, trời tạnh."),
            [
                "Nước rút dần về chiều.",
                "- Sáng 12/9, mưa to ở xã Ba Vì.",
                "– Tối 12/9, trời tạnh."
            ]
        );
        for one in [
            "Trận Hà Nội - Hải Phòng kết thúc lúc 21h.",
            "Đoàn đến TP. - Hà Nội hôm qua.",
            "Chỉ số giảm 2. - tức là mức thấp.",
        ] {
            assert_eq!(sents(one), [one]);
        }
    }

    /// A full stop glued after a complete place abbreviation in capitals
    /// ends a sentence before a capitalised word; the abbreviation glued
    /// to a name, or to its own initials, does not.
    #[test]
    fn glued_full_stop_after_a_place_in_capitals_splits() {
        assert_eq!(
            sents("Xe khách chạy từ Đà Lạt về TP.HCM.Sáng nay, đường thông."),
            [
                "Xe khách chạy từ Đà Lạt về TP.HCM.",
                "Sáng nay, đường thông."
            ]
        );
        assert_eq!(
            sents("Đoàn rời TP.HN.Tiếp đó là Tp.HCM.Cuối cùng về TPHCM.Hết"),
            [
                "Đoàn rời TP.HN.",
                "Tiếp đó là Tp.HCM.",
                "Cuối cùng về TPHCM.",
                "Hết"
            ]
        );
        stay_whole(&[
            "Công an TP.Dĩ An vào cuộc.",
            "Trụ sở ở TP.HCM và Tp.Thủ Đức.",
            "Ý kiến của GS.TSKH.Nguyễn Văn G được ghi nhận.",
            "Tại TX.Tân Uyên, PGS.TS.Lê Văn H phát biểu.",
        ]);
        // A word ending in a lower-case letter already cut (S3).
        assert_eq!(
            sents("Bị mất tài sản.Chín người bị thương."),
            ["Bị mất tài sản.", "Chín người bị thương."]
        );
    }

    /// Initials of a whole name before a bracket stay in the sentence, as
    /// one initial does; before a capital they still end it.
    #[test]
    fn several_initials_before_a_bracket_stay_whole() {
        stay_whole(&[
            "Xe tải do tài xế Đ.V.K. (SN 1985, ngụ xã Yên Định) điều khiển.",
            "Va chạm với xe máy do anh L.T.H. (SN 1990) cầm lái.",
            "Người bị thương là chị N.T.M. \"ngụ\" tại Hà Tĩnh.",
        ]);
        assert_eq!(
            sents("Xe do anh L.T.H. điều khiển. Người lái là anh L.T.H. Sau đó, xe dừng."),
            [
                "Xe do anh L.T.H. điều khiển.",
                "Người lái là anh L.T.H.",
                "Sau đó, xe dừng."
            ]
        );
    }

    /// A number plate masked after its full stop stays whole after `biển
    /// số` or `BKS`; elsewhere the full stop still ends the sentence.
    #[test]
    fn masked_number_plates_stay_whole() {
        stay_whole(&[
            "Xe tải biển số 29C-123.XX do tài xế Lê Văn M điều khiển.",
            "Ô tô BKS 51G-888.XX bị tạm giữ.",
            "Xe khách biển kiểm soát: 47B-012.X chạy quá tốc độ.",
            "Xe máy BKS 36B2-451.xx dừng lại.",
        ]);
        assert_eq!(
            sents("Xe mang biển số 60C-316. Xe chạy nhanh. Dân số đạt 316. XX là mã."),
            [
                "Xe mang biển số 60C-316.",
                "Xe chạy nhanh.",
                "Dân số đạt 316.",
                "XX là mã."
            ]
        );
    }

    /// A numbered item after a sentence's full stop or a `;` opens the
    /// next sentence; a number after an abbreviation does not.
    #[test]
    fn numbered_items_inside_a_line_open_the_next_sentence() {
        assert_eq!(
            sents("1. Lãi được chia theo tỷ lệ vốn góp. 2. Lãi trả cho cổ phần thường. 3. Hết."),
            [
                "1. Lãi được chia theo tỷ lệ vốn góp.",
                "2. Lãi trả cho cổ phần thường.",
                "3. Hết."
            ]
        );
        assert_eq!(
            sents("12.3.1. Bầu Chủ tịch Hội đồng; 12.3.2. Sửa đổi Điều lệ công ty; 12.3.3."),
            [
                "12.3.1. Bầu Chủ tịch Hội đồng;",
                "12.3.2. Sửa đổi Điều lệ công ty;",
                "12.3.3."
            ]
        );
        for one in ["Văn phòng đặt ở Q. 3.", "Giá tăng 5; 2 mã giảm."] {
            assert_eq!(sents(one), [one]);
        }
    }

    fn kinds(text: &str, unit: Unit) -> Vec<(usize, SegmentKind, &str)> {
        Segmenter::new(unit)
            .segment(text)
            .into_iter()
            .map(|s| (s.para, s.kind, &text[s.start..s.end]))
            .collect()
    }

    /// A breadcrumb or a line with no letter above the headline is not the
    /// title; the headline under it is. A table's unit is no title either.
    #[test]
    fn chrome_lines_are_never_the_title() {
        let headline = "Giá xăng giảm lần thứ ba liên tiếp";
        for chrome in ["Trang chủ >", "Kinh tế > Thị trường >", "![]() |", "* * *"] {
            let text = format!("{chrome}\n\n{headline}\n\nGiá bán lẻ giảm từ 15h chiều nay.\n");
            for unit in [Unit::Sentence, Unit::Paragraph] {
                let got = kinds(&text, unit);
                assert_eq!(got[0], (0, SegmentKind::Text, chrome), "{unit:?}");
                assert_eq!(got[1], (1, SegmentKind::Title, headline), "{unit:?}");
            }
        }
        // A table's unit opens a table, not an article with a headline.
        let table = "Đơn vị: tỷ đồng\nQuý 3 Quý 4\nDoanh thu 12 15\n";
        assert!(
            kinds(table, Unit::Sentence)
                .iter()
                .all(|k| k.1 == SegmentKind::Text)
        );
        // A breadcrumb-like arrow inside a headline does not count.
        let text = "Lãi suất > 7% khiến doanh nghiệp lo\n\nThân bài.\n";
        assert_eq!(kinds(text, Unit::Sentence)[0].1, SegmentKind::Title);
    }

    /// Audit 5: the site's own words above the headline (a hotline, a follow
    /// or share prompt, a menu, the reader's controls, a section pair) are
    /// never the title; the headline under them is.
    #[test]
    fn site_chrome_above_the_headline_is_not_the_title() {
        let headline = "Thành phố mở thêm ba tuyến xe buýt điện";
        for chrome in [
            "Hotline: 0901234567 Báo Mẫu Tòa soạn Quảng cáo",
            "Theo dõi Báo Mẫu trên",
            "Tất cả chuyên mục",
            "Xem với cỡ chữ Tương phản",
            "chia sẻ với",
            "Giáo dục - Nghề nghiệp",
        ] {
            let text =
                format!("{chrome}\n\n{headline}\n\nTừ tháng sau, người dân đi xe miễn phí.\n");
            let k = kinds(&text, Unit::Sentence);
            assert_eq!(k[0].1, SegmentKind::Text, "{chrome}");
            assert_eq!((k[1].1, k[1].2), (SegmentKind::Title, headline), "{chrome}");
        }
        // A headline that mentions a hotline without a number stays one.
        let text = "Hotline hỗ trợ người dân mùa mưa bão\n\nThân bài.\n";
        assert_eq!(kinds(text, Unit::Sentence)[0].1, SegmentKind::Title);
    }

    /// Audit 5: an author and the date on one line, a weekday written `Th
    /// 6`, a date stamp above a photo credit, a source alone in brackets.
    #[test]
    fn author_date_lines_short_weekdays_and_bracketed_sources() {
        let text = "Tiêu đề bài viết mẫu\n\nThân bài thứ nhất.\n\nMinh Hà | 12/03/2024 08:15\n";
        let k = kinds(text, Unit::Sentence);
        assert_eq!(k.last().unwrap().1, SegmentKind::Byline, "{k:?}");
        let text = "Tiêu đề bài viết mẫu\n\nTh 5, 04/03/2021 | 10:15 SA\n\nThân bài.\n";
        let k = kinds(text, Unit::Sentence);
        assert_eq!(
            k[1],
            (1, SegmentKind::Byline, "Th 5, 04/03/2021 | 10:15 SA")
        );
        let text = "Tiêu đề bài viết mẫu\n\nCập nhật lúc: 09:40 15/06/2021\n\
                    Ảnh minh họa\n\nThân bài.\n";
        let k = kinds(text, Unit::Sentence);
        assert!(
            k.iter()
                .any(|x| x.1 == SegmentKind::Byline && x.2.starts_with("Cập nhật lúc")),
            "{k:?}"
        );
        let text = "Tiêu đề bài viết mẫu\n\nThân bài.\n\nKhán giả cổ vũ đội nhà.\n\
                    (Nguồn: Ban tổ chức)\n\nĐoạn cuối.\n";
        let k = kinds(text, Unit::Sentence);
        assert!(
            k.iter()
                .any(|x| x.1 == SegmentKind::Caption && x.2 == "(Nguồn: Ban tổ chức)"),
            "{k:?}"
        );
        assert!(
            k.iter()
                .any(|x| x.1 == SegmentKind::Caption && x.2 == "Khán giả cổ vũ đội nhà."),
            "{k:?}"
        );
    }

    /// Audit 3, B6 (006): a breadcrumb of the site's sections above the
    /// headline, in any of its forms, is chrome (text), not the title; the
    /// headline under it is the title.
    #[test]
    fn breadcrumbs_of_sections_are_not_the_title() {
        use SegmentKind::*;
        let headline = "Tỉnh khởi công tuyến đường ven biển dài 80 km";
        for crumb in [
            "Trang chủ > Thời sự > Chính trị",
            "Trang chủ › Kinh tế",
            "Thời sự | Chính trị",
            "THỜI SỰ / XÃ HỘI",
            "Nghiên cứu - Phân tích",
            "Tin tức - Sự kiện",
            "Thế giới",
            "Hoạt động của lãnh đạo Tin tức - Thời sự",
            "Trang chủ > Giao thông > Tỉnh khởi công tuyến đường ven biển",
        ] {
            let text = format!("{crumb}\n\n{headline}\n\nSáng 2/3, tỉnh khởi công dự án.\n");
            let top = |unit| kinds_only(&text, unit)[..2].to_vec();
            let want = vec![(Text, crumb), (Title, headline)];
            assert_eq!(top(Unit::Sentence), want, "{crumb}");
            assert_eq!(top(Unit::Paragraph), want, "{crumb}");
        }
        // Headlines that name a field or hold a separator stay headlines.
        for headline in [
            "Hội nghị phát triển Kinh tế - Xã hội vùng Tây Nguyên",
            "Giải bóng đá Việt Nam - Thái Lan khởi tranh",
            "Thể thao học đường | Bơi lội được đưa vào trường",
            "Tin tức mới về Thời sự",
            "Xe khách lật trên đèo, 5 người bị thương",
        ] {
            let text = format!("{headline}\n\nNội dung.\n");
            assert_eq!(kinds_only(&text, Unit::Sentence)[0], (Title, headline));
        }
    }

    #[test]
    fn kinds_and_glued_ascii_caption() {
        let text = "Ha Noi don Tet hinh anh 1Người dân dạo phố. (Ảnh: Minh An/TTXVN)\n\n\
                    Hà Nội đón Tết\n\n\
                    Sáng 1/2, TP. Hà Nội đông vui. Nhiều người xuống phố.\n\n\
                    Ha Noi don Tet hinh anh 2 Pháo hoa. (Ảnh: TTXVN)\n\n\
                    Minh An (TTXVN/Vietnam+)\n";
        use SegmentKind::*;
        assert_eq!(
            kinds(text, Unit::Sentence),
            [
                (0, AsciiCaption, "Ha Noi don Tet hinh anh 1"),
                (0, Caption, "Người dân dạo phố."),
                (0, Caption, "(Ảnh: Minh An/TTXVN)"),
                (1, Title, "Hà Nội đón Tết"),
                (2, Text, "Sáng 1/2, TP. Hà Nội đông vui."),
                (2, Text, "Nhiều người xuống phố."),
                (3, AsciiCaption, "Ha Noi don Tet hinh anh 2"),
                (3, Caption, "Pháo hoa."),
                (3, Caption, "(Ảnh: TTXVN)"),
                (4, Byline, "Minh An (TTXVN/Vietnam+)"),
            ]
        );
        assert_eq!(
            kinds(text, Unit::Paragraph)[..4],
            [
                (0, AsciiCaption, "Ha Noi don Tet hinh anh 1"),
                (0, Caption, "Người dân dạo phố. (Ảnh: Minh An/TTXVN)"),
                (1, Title, "Hà Nội đón Tết"),
                (
                    2,
                    Text,
                    "Sáng 1/2, TP. Hà Nội đông vui. Nhiều người xuống phố."
                ),
            ]
        );
    }

    #[test]
    fn unaccented_words_ending_in_hinh_anh_and_a_number_are_a_sentence() {
        // Unaccented body copy that happens to say `hinh anh 3` is text, not
        // the CMS image-alt line (which the next caption, capitalised, follows).
        let text = "Cong an cong bo hinh anh 3 doi tuong truy na. Nguoi dan bao tin.\n";
        use SegmentKind::*;
        assert_eq!(
            kinds(text, Unit::Sentence),
            [
                (0, Text, "Cong an cong bo hinh anh 3 doi tuong truy na."),
                (0, Text, "Nguoi dan bao tin."),
            ]
        );
    }

    #[test]
    fn first_line_title_lines_and_coverage() {
        let text = "Tiêu đề bài báo\nDòng hai của đoạn.\n\n  Đoạn hai.  \n";
        use SegmentKind::*;
        assert_eq!(
            kinds(text, Unit::Line),
            [
                (0, Title, "Tiêu đề bài báo"),
                (0, Text, "Dòng hai của đoạn."),
                (1, Text, "Đoạn hai.")
            ]
        );
        // A lead paragraph on the first line is not a headline.
        let lead = "Ngày 1/2, Bộ Công an họp. Hội nghị kết thúc.\n\nĐoạn hai.\n";
        assert!(kinds(lead, Unit::Sentence).iter().all(|k| k.1 == Text));
        assert_eq!(kinds("Họp báo.\n", Unit::Line)[0].1, Text);
        // Every non-whitespace byte is in exactly one segment.
        for unit in [Unit::Sentence, Unit::Line, Unit::Paragraph] {
            let spans = Segmenter::new(unit).segment(text);
            let covered: usize = spans
                .iter()
                .map(|s| {
                    text[s.start..s.end]
                        .split_whitespace()
                        .map(str::len)
                        .sum::<usize>()
                })
                .sum();
            assert_eq!(
                covered,
                text.split_whitespace().map(str::len).sum::<usize>(),
                "{unit:?}"
            );
        }
    }

    #[test]
    fn ellipsis_character_before_a_capital_ends_a_sentence() {
        assert_eq!(
            sents("Anh mất 2 tiếng để về nhà… Quãng đường chỉ 20 phút."),
            ["Anh mất 2 tiếng để về nhà…", "Quãng đường chỉ 20 phút."]
        );
        assert_eq!(
            sents("Ông nói: \"Xe lật… Lúc tỉnh lại tôi ở dưới vực.\""),
            ["Ông nói: \"Xe lật…", "Lúc tỉnh lại tôi ở dưới vực.\""]
        );
        // Before a lower-case word it is a pause, as `...` is.
        let one = "Xe lật… rồi dừng lại.";
        assert_eq!(sents(one), [one]);
    }

    #[test]
    fn initial_standing_for_a_name_ends_a_sentence() {
        assert_eq!(
            sents("Công an tiếp nhận đơn của anh A. Lúc này, anh cho biết đã bị lừa."),
            [
                "Công an tiếp nhận đơn của anh A.",
                "Lúc này, anh cho biết đã bị lừa."
            ]
        );
        assert_eq!(
            sents("Bị can gồm Phạm Thị Hồng N. Tất cả cùng trú tại TP. Thủ Đức."),
            [
                "Bị can gồm Phạm Thị Hồng N.",
                "Tất cả cùng trú tại TP. Thủ Đức."
            ]
        );
        // Names with an apostrophe or a hyphen count as names.
        assert_eq!(
            sents("Bà H'Hen Niê K. Lúc này đã đi."),
            ["Bà H'Hen Niê K.", "Lúc này đã đi."]
        );
        // Every letter, also those that abbreviate huyện, phường, quận, xã.
        for letter in ["T", "H", "P", "Q", "X"] {
            assert_eq!(
                sents(&format!("Đơn của anh {letter}. Lúc này trời tối.")),
                [format!("Đơn của anh {letter}."), "Lúc này trời tối.".into()]
            );
        }
        // A middle initial after one name still does not, whatever comes
        // before the name; nor a place abbreviation.
        for one in [
            "Ông Nguyễn V. An phát biểu.",
            "Ứng viên Donald J. Trump thắng.",
            "Tại TP.HCM, Nguyễn V. An đến dự.",
            "Theo TTXVN, George W. Bush đã đến.",
            "Sáng nay tại Hà Nội, Nguyễn V. An phát biểu.",
            "PGS.TS Nguyễn V. A. đã phát biểu.",
            "Trụ sở ở P. Bến Nghé, Q. 1 và H. Củ Chi.",
            "Bệnh nhân H. Đức Trọng được chuyển viện.",
        ] {
            assert_eq!(sents(one), [one]);
        }
    }

    #[test]
    fn full_stop_glued_to_the_next_sentence_splits() {
        assert_eq!(
            sents("Công an xác định được đối tượng.Trước đó, T. từng có 2 tiền án."),
            [
                "Công an xác định được đối tượng.",
                "Trước đó, T. từng có 2 tiền án."
            ]
        );
        for one in [
            "Trụ sở ở TP.HCM và Tp.Hồ Chí Minh.",
            "Xã Tri Lễ, H.Quế Phong bị lũ.",
            "Sách do Nxb.Kim Đồng và Nxb. Trẻ phát hành.",
            "Theo PGS.TS Lê Văn Minh và ThS.BS Hương.",
            "Xem tại baochinhphu.vn hôm nay.",
        ] {
            assert_eq!(sents(one), [one]);
        }
    }

    #[test]
    fn legal_enumerators_stay_with_their_text() {
        for one in [
            "Điều 1. Phạm vi điều chỉnh",
            "1. Nghị định này quy định về hành vi vi phạm hành chính.",
            "2.1. Các hình thức xử phạt chính.",
            "II. QUY ĐỊNH CHUNG",
            "a) Cảnh cáo;",
        ] {
            assert_eq!(sents(one), [one]);
        }
        // Only when the enumerator stands alone at the start.
        assert_eq!(
            sents("Hội nghị kết thúc lúc 11 giờ. Năm 2025 tới."),
            ["Hội nghị kết thúc lúc 11 giờ.", "Năm 2025 tới."]
        );
    }

    #[test]
    fn etc_before_a_capital_ends_a_sentence() {
        assert_eq!(
            sents("Đề xuất bổ sung kinh phí, nhân lực, v.v. Ngoài ra, cần quy chế mới."),
            [
                "Đề xuất bổ sung kinh phí, nhân lực, v.v.",
                "Ngoài ra, cần quy chế mới."
            ]
        );
    }

    #[test]
    fn diacritic_image_alt_line_is_split_off_as_ascii_caption() {
        let text = "Gặp gỡ sinh viên Hàn Quốc\n\n\
                    Gặp gỡ sinh viên Hàn Quốc ảnh 1Tổng giám đốc trò chuyện. Ảnh: Samsung.\n\n\
                    Gặp gỡ sinh viên Hàn Quốc ảnh 2 Ban tổ chức chụp ảnh lưu niệm.\n\n\
                    Chụp ảnh 1 lần rồi thôi.\n";
        use SegmentKind::*;
        assert_eq!(
            kinds(text, Unit::Sentence),
            [
                (0, Title, "Gặp gỡ sinh viên Hàn Quốc"),
                (1, AsciiCaption, "Gặp gỡ sinh viên Hàn Quốc ảnh 1"),
                (1, Caption, "Tổng giám đốc trò chuyện."),
                (1, Caption, "Ảnh: Samsung."),
                (2, AsciiCaption, "Gặp gỡ sinh viên Hàn Quốc ảnh 2"),
                (2, Caption, "Ban tổ chức chụp ảnh lưu niệm."),
                (3, Text, "Chụp ảnh 1 lần rồi thôi."),
            ]
        );
        assert_eq!(
            kinds(text, Unit::Paragraph)[1..3],
            [
                (1, AsciiCaption, "Gặp gỡ sinh viên Hàn Quốc ảnh 1"),
                (1, Caption, "Tổng giám đốc trò chuyện. Ảnh: Samsung."),
            ]
        );
    }

    #[test]
    fn captions_by_a_credit_anywhere_in_both_units() {
        let text = "Bắc Bộ sắp có mưa lớn\n\n\
                    Theo dự báo, mưa to ở Bắc Bộ.\n\n\
                    Đường đi của rãnh áp thấp - Ảnh: TTDBKTTVQG\n\n\
                    Hiện trường vụ tai nạn ẢNH: LÂM VIÊN\n\n\
                    Quang cảnh hội nghị. (Ảnh: Minh Đức/TTXVN)\n\n\
                    Đồng chí Lê Minh Hưng phát biểu.\n\n\
                    Ảnh: ĐĂNG KHOA\n\n\
                    Đám cháy tại xưởng gỗ.\nĐồ họa: Minh Hạnh\n\n\
                    Video: Hiện trường vụ tai nạn xe khách trên đèo Hải Vân hôm nay.\n\n\
                    Các lực lượng có mặt sau đó.\n";
        use SegmentKind::*;
        for unit in [Unit::Sentence, Unit::Paragraph] {
            let got: Vec<(SegmentKind, &str)> =
                kinds(text, unit).into_iter().map(|k| (k.1, k.2)).collect();
            let caption = |s: &str| got.iter().any(|g| g.0 == Caption && g.1.starts_with(s));
            for s in [
                "Đường đi",
                "Hiện trường vụ tai nạn ẢNH",
                "Quang cảnh",
                "Đồng chí",
                "Ảnh: ĐĂNG",
                "Đám cháy",
                "Video:",
            ] {
                assert!(caption(s), "{unit:?}: {s} {got:?}");
            }
            assert!(
                got.iter()
                    .filter(|g| g.0 == Caption)
                    .all(|g| !g.1.starts_with("Theo dự báo") && !g.1.starts_with("Các lực")),
                "{unit:?}: {got:?}"
            );
        }
    }

    #[test]
    fn bylines_in_their_common_forms() {
        for byline in [
            "Minh Tuệ",
            "XUÂN NGỌC",
            "CHÂU TUẤN - MINH HÒA",
            "Tác giả: Dương Ngọc",
            "Nguồn tin: Báo Nghệ An",
            "Nguồn: Báo Công an TP. HCM",
            "(TTXVN/Vietnam+)",
            "(TTXVN)",
            "Thanh Hà (TTXVN/Vietnam+)",
            "Hoàng Anh/VOV-Tây Bắc",
            "Bài và ảnh: Phan Anh",
            "Theo TTXVN",
            "PV",
            "Nhóm phóng viên",
            // two bracketed notes (24h leaves its `[Tên nguồn]` placeholder)
            "Theo Minh Châu (từ Hàn Quốc) ([Tên nguồn])",
            "Thanh Hà (TTXVN) (tổng hợp)",
        ] {
            let text = format!("Tiêu đề\n\nNội dung bài báo./.\n\n{byline}\n");
            let got = kinds(&text, Unit::Sentence);
            assert_eq!(
                got.last(),
                Some(&(2, SegmentKind::Byline, byline)),
                "{got:?}"
            );
        }
        for not in ["Theo ông A, dự án sẽ xong.", "Kết thúc", "(Ảnh minh họa)"] {
            let text = format!("Tiêu đề\n\nNội dung bài báo.\n\n{not}\n");
            let got = kinds(&text, Unit::Sentence);
            assert_ne!(got.last().unwrap().1, SegmentKind::Byline, "{got:?}");
        }
    }

    #[test]
    fn titles_only_where_a_headline_is_likely() {
        let first = |text: &str| kinds(text, Unit::Sentence)[0].1;
        use SegmentKind::*;
        assert_eq!(first("Giá vàng lên đỉnh mới\n\nNội dung.\n"), Title);
        assert_eq!(first("VN-Index tăng hơn 16 điểm\n\nNội dung.\n"), Title);
        assert_eq!(first("Vì sao giá nhà tăng?\n\nNội dung.\n"), Title);
        for not in [
            "(VTC News) - Chiều 21/7, một xe khách lao xuống vực\n\nNội dung.\n",
            "TTO - Cơn mưa lớn gây ngập\n\nNội dung.\n",
            "Ngày 15/8, Công an quận Hoàn Kiếm cho biết đã xác định được người lái xe\n\nNội dung.\n",
            "Chủ tịch Quốc hội phát biểu bế mạc kỳ họp - Ảnh: TTXVN\n\nNội dung.\n",
        ] {
            assert_ne!(first(not), Title, "{not}");
        }
        // After a leading photo, the headline is still found.
        let text = "Toàn cảnh hội nghị - Ảnh: TTXVN\n\nBế mạc kỳ họp thứ 8\n\nNội dung.\n";
        assert_eq!(kinds(text, Unit::Sentence)[1].1, Title);
    }

    /// Each segment's kind and text, for one unit.
    fn kinds_only(text: &str, unit: Unit) -> Vec<(SegmentKind, &str)> {
        kinds(text, unit).into_iter().map(|k| (k.1, k.2)).collect()
    }

    #[test]
    fn date_lines_and_lone_source_credits_are_bylines_and_the_headline_follows() {
        use SegmentKind::*;
        let body = "Sáng 12/3, tuyến buýt điện thứ tư đi vào hoạt động.";
        for top in [
            "(12/03/2021)",
            "Thứ Tư, 5/6/2024",
            "Chủ nhật, ngày 07/01/2024 08:15 GMT+7",
            "15/02/2019 10:05",
            "Thứ Hai, 11/11/2024, 06:40 [GMT+7]",
            "Thứ Bảy, 2/3/2024 21:05'(GMT+7)",
            "Cập nhật lúc 10:20, 03/05/2022",
            "Ngày 1 tháng 9 năm 2025",
            "(Dân Việt) -",
            "TTO -",
            "(TTXVN/Vietnam+)",
            "date 2022-05 (PLO) -",
            "date 2022-05 16/05/2022 09:12",
        ] {
            let text = format!("{top}\n\nHà Nội mở thêm tuyến buýt điện\n\n{body}\n");
            for unit in [Unit::Sentence, Unit::Line, Unit::Paragraph] {
                assert_eq!(
                    kinds_only(&text, unit),
                    [
                        (Byline, top),
                        (Title, "Hà Nội mở thêm tuyến buýt điện"),
                        (Text, body)
                    ],
                    "{unit:?}"
                );
            }
        }
        // A date line under the headline, and one closing the article under
        // the author's name, are bylines too.
        let text = format!(
            "Hà Nội mở thêm tuyến buýt điện\n\n18/09/2023 07:30\n\n{body}\n\nMinh Tuệ\n\n18/09/2023\n"
        );
        assert_eq!(
            kinds_only(&text, Unit::Sentence),
            [
                (Title, "Hà Nội mở thêm tuyến buýt điện"),
                (Byline, "18/09/2023 07:30"),
                (Text, body),
                (Byline, "Minh Tuệ"),
                (Byline, "18/09/2023"),
            ]
        );
        // Not date lines: a lead, a date without its year, a sentence with
        // a year; a headline ending in brackets is no source credit.
        for (first, kind) in [
            ("Ngày 15/8/2024, Công an quận Hoàn Kiếm cho biết", Text),
            ("Năm 2024 có 366 ngày.", Text),
            ("Ngày 15/8", Title),
            ("Hội nghị Trung ương (mở rộng)", Title),
            ("Hội nghị Trung ương (mở rộng) -", Byline),
        ] {
            let text = format!("{first}\n\n{body}\n");
            assert_eq!(kinds_only(&text, Unit::Sentence)[0], (kind, first));
        }
        // Part by part, as in one piece, when the lines above the headline
        // fill the first parts.
        let text = "(12/03/2021)\n\n(VOV) -\n\nThứ Tư, 5/6/2024\n\n\
                    Cập nhật lúc 10:20, 03/05/2022\n\n\
                    Hà Nội mở thêm tuyến buýt điện\n\nTuyến buýt chạy từ sáng.\n\n\
                    Xe chạy mười phút một chuyến.\n";
        let whole = Segmenter::new(Unit::Sentence).segment(text);
        assert_eq!(
            whole.iter().map(|s| s.kind).collect::<Vec<_>>(),
            [Byline, Byline, Byline, Byline, Title, Text, Text]
        );
        for max in [45, 50, 60] {
            let (spans, held) = by_parts(Unit::Sentence, text, max, 7);
            assert_eq!(spans, whole, "{max}");
            assert!(held < text.len(), "{max}: read in one part");
        }
    }

    #[test]
    fn captions_with_credits_in_other_forms() {
        use SegmentKind::*;
        let body = "Nội dung bài báo.";
        for caption in [
            // no colon after `Ảnh`, and a trailing bar
            "Đại biểu bấm nút thông qua luật. Ảnh Trung tâm báo chí Quốc hội |",
            // a graphic's source in brackets
            "(Nguồn đồ họa: Sở Tài chính Đà Nẵng)",
            // a chart's source after a dash
            "Giá xăng dầu trong quý I – Nguồn: Bộ Công Thương",
            // `Ảnh:` glued to the word before
            "Các cầu thủ khởi động trước trận đấuẢnh: VFF",
            // the photographer's name in capitals, no `Ảnh:`
            "Nước lũ tràn qua đường liên xã HOÀNG NAM",
            "Người dân dọn bùn sau lũ ở Quảng Nam NGUYỄN THỊ THÚY",
        ] {
            let text = format!("Tiêu đề bài báo\n\n{body}\n\n{caption}\n\n{body}\n");
            for unit in [Unit::Sentence, Unit::Paragraph] {
                let got = kinds_only(&text, unit);
                let line: Vec<_> = got.iter().filter(|g| caption.contains(g.1)).collect();
                assert!(
                    !line.is_empty() && line.iter().all(|g| g.0 == Caption),
                    "{unit:?}: {got:?}"
                );
            }
        }
        // Each a paragraph of one article: no caption among them.
        let not_captions = [
            // acronyms ending a line are no name
            "Hồ sơ đã được chuyển cho UBND",
            "Người dân đến làm thủ tục tại TP HCM",
            "Lãnh đạo tỉnh làm việc với đoàn công tác của ASEAN",
            "Khách mời ngồi ở khu vực dành cho khách VIP",
            "ĐBQH ĐỀ NGHỊ SỬA LUẬT ĐẤT ĐAI",
            // `Ảnh` as a word, or closing a sentence
            "Dự án được khởi công. Ảnh hưởng của dự án rất lớn",
            "Hội nghị bế mạc. Ảnh Bác Hồ được treo trang trọng.",
            // a source in brackets inside a sentence
            "GDP quý I tăng 5,7% (Nguồn: Tổng cục Thống kê).",
            "Nguồn tin cho biết đoàn sẽ đến vào chiều nay.",
        ];
        let doc = format!("Tiêu đề bài báo\n\n{}\n", not_captions.join("\n\n"));
        for unit in [Unit::Sentence, Unit::Paragraph] {
            let got = kinds_only(&doc, unit);
            assert!(got.iter().all(|g| g.0 != Caption), "{unit:?}: {got:?}");
            assert!(got.len() > not_captions.len(), "{unit:?}: {got:?}");
        }
    }

    #[test]
    fn baomoi_unaccented_alt_line_ending_in_anh_n() {
        use SegmentKind::*;
        let text = "Sáng 2/9, cầu Rạch Miễu 2 được khởi công.\n\n\
                    Khoi cong cau Rach Mieu 2 noi Tien Giang va Ben Tre - Anh 1\n\n\
                    Khoi cong cau Rach Mieu 2 noi Tien Giang va Ben Tre - Anh 2Lễ khởi công.\n\n\
                    Khởi công cầu Rạch Miễu 2 nối Tiền Giang và Bến Tre\n";
        let alt = "Khoi cong cau Rach Mieu 2 noi Tien Giang va Ben Tre - Anh ";
        assert_eq!(
            kinds_only(text, Unit::Sentence),
            [
                (Text, "Sáng 2/9, cầu Rạch Miễu 2 được khởi công."),
                (AsciiCaption, &*format!("{alt}1")),
                (AsciiCaption, &*format!("{alt}2")),
                (Caption, "Lễ khởi công."),
                // the title's second rule: the alt line's title part
                (Title, "Khởi công cầu Rạch Miễu 2 nối Tiền Giang và Bến Tre"),
            ]
        );
        // A score, or words after it, are no alt line.
        for line in [
            "Ket qua tran dau: Viet Nam - Anh 2-1",
            "Tran dau Viet Nam - Anh 2 ban thang",
        ] {
            let text = format!("Tiêu đề\n\n{line}\n");
            assert!(
                kinds(&text, Unit::Sentence)
                    .iter()
                    .all(|k| k.1 != AsciiCaption),
                "{line}"
            );
        }
    }

    #[test]
    fn headline_length_counts_syllables_up_to_forty() {
        let first = |text: &str| kinds(text, Unit::Sentence)[0].1;
        // 34 syllables, in capitals: a real headline's length.
        let caps = "ĐBQH NGUYỄN THỊ HOA ĐỀ NGHỊ BỘ GIÁO DỤC VÀ ĐÀO TẠO SỚM SỬA ĐỔI QUY CHẾ \
                    THI TỐT NGHIỆP TRUNG HỌC PHỔ THÔNG ĐỂ GIẢM ÁP LỰC CHO HỌC SINH VÀ PHỤ HUYNH";
        assert_eq!(caps.split_whitespace().count(), 34);
        assert_eq!(first(&format!("{caps}\n\nNội dung.\n")), SegmentKind::Title);
        let long = "Bộ Tài chính ".repeat(13) + "họp bàn";
        assert_eq!(long.split_whitespace().count(), 41);
        assert_eq!(first(&format!("{long}\n\nNội dung.\n")), SegmentKind::Text);
    }

    /// Issue 13: the merge pass looks at bounded windows, so doubling a
    /// line doubles its work, whatever the line holds.
    #[test]
    fn sentence_merging_work_is_linear_in_the_line() {
        for unit in [
            "Kết luận số 7 KL ",
            "TP. HCM ",
            "Nguyễn Văn A. Lúc ",
            "1. ",
            "đối tượng.Trước… Sau ",
            "Q.",
        ] {
            let n = 20_000 / unit.len() + 1;
            let work = |times: usize| {
                let line = unit.repeat(times);
                let mut w = 0;
                sentences_counted(&line, &mut w);
                (w, line.len())
            };
            let (w1, len1) = work(n);
            let (w2, len2) = work(2 * n);
            assert!(
                // At most a bounded window per piece of at least 3 bytes.
                w1 <= (LOOK_BACK / 3 + 4) * len1,
                "{unit:?}: {w1} steps for {len1} bytes"
            );
            assert!(
                // (the first pieces of a line have shorter windows)
                w2 <= 2 * w1 + LOOK_BACK * LOOK_BACK,
                "{unit:?}: {w1} steps, then {w2} for twice the line"
            );
            assert!(w2 >= len2, "{unit:?}: every byte is counted");
        }
    }

    /// Does a segment of `text` (sentence unit) have `kind`?
    fn any_kind(text: &str, kind: SegmentKind) -> bool {
        kinds(text, Unit::Sentence).iter().any(|k| k.1 == kind)
    }

    /// Audit 3, A1: a religious or artist's title abbreviated before a name
    /// does not end the sentence, spaced or glued, as `TT.` never did.
    #[test]
    fn religious_titles_before_a_name_stay_in_the_sentence() {
        stay_whole(&[
            "Dự lễ có HT. Thích Minh Tâm - Phó Chủ tịch Hội đồng Trị sự, ĐĐ. Thích Quảng Hải.",
            "Chủ trì buổi lễ là TT. Thích Minh Quang; NT. Thích nữ Diệu Hạnh cùng dự.",
            "Thánh lễ do Lm. Giuse Trần Văn Bình chủ sự và Gm. Phêrô Lê Văn Hòa chủ tế.",
            "Đêm nhạc có NS. Trần Văn Khê, LM. Antôn Phạm Minh và TGM. Giuse Ngô Quang.",
            "Chương trình mời Lm.Giuse Đỗ Văn An giảng và Đđ. Thích Tâm Nguyên tụng kinh.",
        ]);
        // A full stop after an ordinary word still ends the sentence.
        assert_eq!(
            sents("Buổi lễ có nhiều nhà sư. Thích Minh Tâm phát biểu."),
            ["Buổi lễ có nhiều nhà sư.", "Thích Minh Tâm phát biểu."]
        );
    }

    /// Audit 3, A2: an ellipsis glued to a capitalised word (no space,
    /// scraped copy) ends the sentence as `… Các` does; not inside quotes
    /// or brackets, not after one or two words, not before an acronym.
    #[test]
    fn ellipsis_glued_to_a_capitalised_word_ends_a_sentence() {
        assert_eq!(
            sents("Buổi diễn có hát chèo, cải lương, múa rối…Các tiết mục đều được khen."),
            [
                "Buổi diễn có hát chèo, cải lương, múa rối…",
                "Các tiết mục đều được khen."
            ]
        );
        stay_whole(&[
            "Ông đọc câu thơ \"Chờ đợi mãi…Mong ngày gặp lại\" rồi xúc động.",
            "Bà ngâm “Quê hương yêu dấu…Nhớ mãi” trong buổi tối ấy.",
            "Nhiều loại hình (như chèo, cải lương…Múa rối nước) được trình diễn.",
            "Ừ thì…Thôi được rồi.",
            "Giá tăng ở nhiều thành phố lớn…HCM dẫn đầu.",
            "Hàng mới gồm điện thoại, máy tính bảng…iPad bán chạy nhất.",
        ]);
    }

    /// Audit 3, B1: the author's line right under the headline, followed by
    /// a date line or a lead opening with a dateline, is a byline.
    #[test]
    fn author_line_under_the_headline_is_a_byline() {
        use SegmentKind::*;
        let title = "Thủ tướng tiếp Đoàn doanh nghiệp Nhật Bản";
        for (author, next, next_kind) in [
            ("Trần Minh", "14/10/2025, 08:15", Byline),
            (
                "Lê Thu - Hải Nam",
                "Thứ Ba, 14/10/2025, 08:15 (GMT+7)",
                Byline,
            ),
            (
                "Trần Minh",
                "(NLĐO)- Sáng 14-10, Thủ tướng tiếp đoàn.",
                Text,
            ),
        ] {
            let text = format!("{title}\n\n{author}\n\n{next}\n\nNội dung bài báo.\n");
            for unit in [Unit::Sentence, Unit::Paragraph] {
                assert_eq!(
                    &kinds_only(&text, unit)[..3],
                    [(Title, title), (Byline, author), (next_kind, next)],
                    "{unit:?}"
                );
            }
        }
        // A line in a name's form followed by text is a subtitle: text.
        let text = format!("{title}\n\nHợp Tác Mới\n\nNội dung bài báo.\n");
        assert_eq!(kinds_only(&text, Unit::Sentence)[1], (Text, "Hợp Tác Mới"));
        // Not under the headline (the lead between): text.
        let text = format!("{title}\n\nNội dung.\n\nTrần Minh\n\n14/10/2025, 08:15\n\nHết.\n");
        assert_eq!(kinds_only(&text, Unit::Sentence)[2], (Text, "Trần Minh"));
    }

    /// Audit 3, B2, B4, B5: `Theo` a domain, `(Theo …)` closing the last
    /// line, an outlet and a desk are bylines; a desk credit above a photo
    /// credit is the desk's byline, not the photo's description.
    #[test]
    fn source_outlet_and_desk_credits_at_the_end_are_bylines() {
        use SegmentKind::*;
        for byline in [
            "Theo baochinhphu.vn",
            "Theo Báo Điện tử nhandan.com.vn",
            "(Theo baoquocte.vn)",
            "Truyền hình Quốc hội Việt Nam",
            "Đài Tiếng nói Việt Nam",
            "Ban Thời sự",
            "Ban Văn hóa - Giải trí",
        ] {
            let text = format!("Tiêu đề\n\nNội dung bài báo.\n\n{byline}\n");
            assert_eq!(
                kinds_only(&text, Unit::Sentence).last(),
                Some(&(Byline, byline)),
                "{byline}"
            );
        }
        for not in [
            "Theo ông A. B, dự án sẽ xong",
            "Báo cáo được thông qua",
            "Báo chí cách mạng",
            "Ban hành quy chế mới",
        ] {
            let text = format!("Tiêu đề\n\nNội dung bài báo.\n\n{not}\n");
            assert_eq!(
                kinds_only(&text, Unit::Sentence).last().unwrap().0,
                Text,
                "{not}"
            );
        }
        // `(Theo …)` as the last sentence of the last line.
        let text = "Tiêu đề\n\nCâu đầu. Câu cuối bài. (Theo Thời báo Kinh tế)\n";
        assert_eq!(
            kinds_only(text, Unit::Sentence)[1..],
            [
                (Text, "Câu đầu."),
                (Text, "Câu cuối bài."),
                (Byline, "(Theo Thời báo Kinh tế)")
            ]
        );
        // Not in the middle of the article, and not another bracket.
        for text in [
            "Tiêu đề\n\nCâu đầu. (Theo Thời báo Kinh tế)\n\nHết bài.\n",
            "Tiêu đề\n\nCâu đầu, rồi câu cuối bài. (Còn nữa)\n",
        ] {
            assert!(!any_kind(text, Byline), "{text}");
        }
        // A desk above or under the closing photo credit.
        for end in [
            "Ban Giải trí\n\nẢnh: Hoàng Long\n",
            "Ảnh: Hoàng Long\n\nBan Giải trí\n",
        ] {
            let text = format!("Tiêu đề\n\nNội dung bài báo.\n\n{end}");
            for unit in [Unit::Sentence, Unit::Paragraph] {
                let got = kinds_only(&text, unit);
                assert!(got.contains(&(Byline, "Ban Giải trí")), "{unit:?} {got:?}");
                assert!(
                    got.contains(&(Caption, "Ảnh: Hoàng Long")),
                    "{unit:?} {got:?}"
                );
            }
        }
        // Another `Ban …` above a credit is the photo's description.
        let text =
            "Tiêu đề\n\nNội dung bài báo.\n\nBan Chấp hành khóa mới ra mắt\n\nẢnh: Hoàng Long\n";
        assert_eq!(
            kinds_only(text, Unit::Sentence)[2],
            (Caption, "Ban Chấp hành khóa mới ra mắt")
        );
    }

    /// A series note closing an instalment (`(Còn nữa)`, `(Hết)`, `(Kỳ 2:
    /// …)`) is a text segment of its own: never a byline, never one
    /// segment with the sentence before it; the author's line above it is
    /// still a byline. A numbered part in a headline stays in it.
    #[test]
    fn series_notes_are_text_of_their_own() {
        use SegmentKind::*;
        let head = "Những mùa nước nổi ở miền Tây\n\nNước lên từ tháng Bảy.\n\n";
        for (end, want) in [
            (
                "Người dân chờ mùa cá linh. (Còn nữa)\n",
                &[(Text, "Người dân chờ mùa cá linh."), (Text, "(Còn nữa)")][..],
            ),
            (
                "Người dân chờ mùa cá linh (Còn tiếp)\n",
                &[(Text, "Người dân chờ mùa cá linh"), (Text, "(Còn tiếp)")],
            ),
            (
                "Người dân chờ mùa cá linh.\n(Hết)\n",
                &[(Text, "Người dân chờ mùa cá linh."), (Text, "(Hết)")],
            ),
            (
                "Người dân chờ mùa cá linh.\n\nTRẦN BÌNH\n\n(Kỳ 2: Những đêm đặt lờ)\n",
                &[
                    (Text, "Người dân chờ mùa cá linh."),
                    (Byline, "TRẦN BÌNH"),
                    (Text, "(Kỳ 2: Những đêm đặt lờ)"),
                ],
            ),
            (
                "Người dân chờ mùa cá linh. (Kỳ sau: Những đêm đặt lờ)\n\nTrần Bình\n",
                &[
                    (Text, "Người dân chờ mùa cá linh."),
                    (Text, "(Kỳ sau: Những đêm đặt lờ)"),
                    (Byline, "Trần Bình"),
                ],
            ),
            (
                "Người dân chờ mùa cá linh.\n\nHẾT\n",
                &[(Text, "Người dân chờ mùa cá linh."), (Text, "HẾT")],
            ),
        ] {
            let text = format!("{head}{end}");
            assert_eq!(kinds_only(&text, Unit::Sentence)[2..], *want, "{end}");
        }
        // A part's number in the headline stays in it.
        let text = "Những mùa nước nổi (Kỳ 1)\n\nNước lên.\n";
        assert_eq!(
            kinds_only(text, Unit::Sentence)[0],
            (Title, "Những mùa nước nổi (Kỳ 1)")
        );
        // A sentence closed by a bracket that is no note is no byline.
        let text = format!("{head}Người dân chờ mùa cá linh. (Ảnh chụp năm 2000)\n");
        assert!(!any_kind(&text, Byline));
        // The paragraph unit keeps the note in its line, as text.
        let text = format!("{head}Người dân chờ mùa cá linh. (Còn nữa)\n");
        assert_eq!(
            kinds_only(&text, Unit::Paragraph)[2],
            (Text, "Người dân chờ mùa cá linh. (Còn nữa)")
        );
    }

    /// Audit 4, A1–A5: a one-letter label after a common noun ends its
    /// sentence before a capital; `Ls.` (luật sư), `TS.Ls.` and `FBK.` do
    /// not; Markdown's `# Điều 2.`, `1\.` and a keycap `1️.` stay with their
    /// text.
    #[test]
    fn labels_lawyers_and_markdown_enumerators() {
        for (line, want) in [
            (
                "Đội tuyển nằm ở bảng C. Trận đầu diễn ra tối mai.",
                &["Đội tuyển nằm ở bảng C.", "Trận đầu diễn ra tối mai."][..],
            ),
            (
                "Bệnh nhân thiếu vitamin D. Bác sĩ kê đơn bổ sung.",
                &["Bệnh nhân thiếu vitamin D.", "Bác sĩ kê đơn bổ sung."],
            ),
            (
                "Theo ThS.Ls. Lê Văn Hùng, vụ việc còn phức tạp.",
                &["Theo ThS.Ls. Lê Văn Hùng, vụ việc còn phức tạp."],
            ),
            (
                "Ls. Phạm Thị Lan nêu ý kiến.",
                &["Ls. Phạm Thị Lan nêu ý kiến."],
            ),
            (
                "Bài đăng của FBK. Minh Hà được chia sẻ.",
                &["Bài đăng của FBK. Minh Hà được chia sẻ."],
            ),
            (
                "# Điều 4. Hiệu lực thi hành",
                &["# Điều 4. Hiệu lực thi hành"],
            ),
            (
                "2\\. Quyết định này có hiệu lực từ ngày ký.",
                &["2\\. Quyết định này có hiệu lực từ ngày ký."],
            ),
            ("3️. GIẢM CHI PHÍ VẬN TẢI", &["3️. GIẢM CHI PHÍ VẬN TẢI"]),
            // Names keep their middle initial; a person's initial as before.
            (
                "Ông Lê V. Hải dự họp. Bà Trần T. Mai phát biểu.",
                &["Ông Lê V. Hải dự họp.", "Bà Trần T. Mai phát biểu."],
            ),
            (
                "Gặp chị M. Hôm sau chị đi.",
                &["Gặp chị M.", "Hôm sau chị đi."],
            ),
        ] {
            assert_eq!(sents(line), want, "{line}");
        }
    }

    /// Audit 4, B1–B10: stamps, chrome, credits and bylines in the forms
    /// that audit met, each with text of our own.
    #[test]
    fn audit4_stamps_chrome_credits_and_bylines() {
        use SegmentKind::*;
        let headline = "Cầu vượt sông Hậu thông xe";
        // B1, B2: a stamp or the site's chrome above the headline.
        let tops = "Thứ Bảy, 14 tháng 3, 2026|45 phút trước|Tiếng Việt / English|Nóng|\
                    Trang chủ / Giao thông: Cầu vượt sông Hậu thông xe sau ba năm|Photo : Minh Khôi";
        for top in tops.split('|') {
            let text = format!("{top}\n{headline}\n\nSáng nay, cầu thông xe.\n");
            let got = kinds_only(&text, Unit::Sentence);
            assert_eq!(got[1], (Title, headline), "{top} {got:?}");
            assert_ne!(got[0].0, Title, "{top}");
        }
        let text = format!("{headline}\n(Kỳ 1)\n\nSáng nay, cầu thông xe.\n");
        assert_eq!(kinds_only(&text, Unit::Sentence)[1], (Text, "(Kỳ 1)"));
        // B1: a place and date line, wherever it stands; B7: a dateline
        // alone under the headline.
        let text = format!(
            "{headline}\nHNM -\n\nSáng nay, cầu thông xe.\n\nCần Thơ, ngày 4 tháng 3 năm 2026\n\nHết.\n"
        );
        let got = kinds_only(&text, Unit::Sentence);
        assert_eq!(got[1], (Byline, "HNM -"));
        assert_eq!(got[3], (Byline, "Cần Thơ, ngày 4 tháng 3 năm 2026"));
        // B3: the author closing the last line; B4: a source with its
        // address, and the comments' chrome under the author.
        for (end, want) in [
            (
                "Vụ việc đang được điều tra. TRẦN KHOA\n",
                (Byline, "TRẦN KHOA"),
            ),
            ("Vụ việc xảy ra vào tháng 5/2025.PV\n", (Byline, "PV")),
            ("Vụ việc đang được điều tra. ASEAN\n", (Text, "ASEAN")),
            (
                "Hết.\n\nNguồn Cần Thơ: https://baocantho.example/a.html\n",
                (Byline, "Nguồn Cần Thơ: https://baocantho.example/a.html"),
            ),
            (
                "Hết.\n\nThu Trang\n\nÝ kiến bạn đọc\n",
                (Byline, "Thu Trang"),
            ),
        ] {
            let text = format!("{headline}\n\nSáng nay, cầu thông xe.\n\n{end}");
            assert!(
                kinds_only(&text, Unit::Sentence).contains(&want),
                "{end} {:?}",
                kinds_only(&text, Unit::Sentence)
            );
        }
        // B5, B8: credits and a person's place in the photo make captions.
        for caption in [
            "Ông Trần Văn Nam (thứ hai từ trái sang) nhận bằng khen",
            "Bà Lê Thị Hoa (giữa) thăm gia đình chính sách",
            "Người dân xem pháo hoa bên hồ (ảnh: Minh Anh).",
            "Đường đi của cơn bão - Nguồn: Trung tâm Dự báo khí tượng thủy văn quốc gia Việt Nam",
            "Người dân sơ tán khỏi khu vực ven biển (Philippines) REUTERS",
        ] {
            let text = format!("{headline}\n\nSáng nay, cầu thông xe.\n{caption}\nHết.\n");
            assert_eq!(
                kinds_only(&text, Unit::Sentence)[2],
                (Caption, caption),
                "{caption}"
            );
        }
        let text = format!("{headline}\n\nNgười dân sơ tán sớm, theo AFP\nHết.\n");
        assert!(!any_kind(&text, Caption));
        // B9: a lead opening with a dateline is no photo's description.
        let text =
            format!("{headline}\n\n(HNM) - Sáng nay, cầu thông xe.\nẢnh: Minh Khôi\n\nHết.\n");
        assert_eq!(
            kinds_only(&text, Unit::Sentence)[1],
            (Text, "(HNM) - Sáng nay, cầu thông xe.")
        );
        // B10: baomoi's alt line with no full stop.
        let alt = "Cầu vượt sông Hậu thông xe - Ảnh 1";
        let text = format!("{headline}\n\nSáng nay, cầu thông xe.\n\n{alt}\n\nHết.\n");
        assert_eq!(kinds_only(&text, Unit::Sentence)[2], (AsciiCaption, alt));
    }

    /// Audit 3, B3: Người Lao Động's alt line `… - Ảnh 1.` is an image-alt
    /// line (never translated); a sentence about a photo is not.
    #[test]
    fn nld_alt_line_ending_in_anh_n_full_stop() {
        use SegmentKind::*;
        let alt = "Chủ tịch nước tiếp Đoàn đại biểu người cao tuổi- Ảnh 1.";
        let spaced = "Chủ tịch nước tiếp Đoàn đại biểu người cao tuổi - Ảnh 12.";
        let text = format!(
            "Tiêu đề\n\nNội dung.\n\n{alt}\n\n{spaced}\n\nChủ tịch nước tiếp đoàn. Ảnh: Minh Khôi\n"
        );
        for unit in [Unit::Sentence, Unit::Paragraph] {
            let got = kinds_only(&text, unit);
            assert_eq!(got[2], (AsciiCaption, alt), "{unit:?}");
            assert_eq!(got[3], (AsciiCaption, spaced), "{unit:?}");
        }
        for not in [
            "Xem thêm ở trang sau. Trong bài - Ảnh 1.",
            "chủ tịch nước tiếp đoàn - Ảnh 1.",
            "Chủ tịch nước tiếp đoàn - Ảnh 1. Sau đó",
            "Chủ tịch nước tiếp đoàn - ảnh 1.",
        ] {
            let text = format!("Tiêu đề\n\nNội dung.\n\n{not}\n");
            assert!(!any_kind(&text, AsciiCaption), "{not}");
        }
    }

    /// Audit 3, B6: an official document's header (number, place and date,
    /// the national motto) and a tag line are not the title; the headline
    /// under them is.
    #[test]
    fn document_header_and_tag_lines_are_not_the_title() {
        use SegmentKind::*;
        for (top, kind) in [
            (
                "Số: 12/2024/QĐ-UBND | Bắc Ninh, ngày 5 tháng 3 năm 2024 |",
                Byline,
            ),
            ("Số: 12/2024/QĐ-UBND", Byline),
            ("Hà Nội, ngày 05 tháng 3 năm 2024", Byline),
            (
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM | Độc lập - Tự do - Hạnh phúc",
                Byline,
            ),
            ("#Giá vàng hôm nay", Text),
        ] {
            let text = format!("{top}\n\nQuy định mới về phí trông giữ xe\n\nNội dung.\n");
            assert_eq!(
                kinds_only(&text, Unit::Sentence)[..2],
                [(kind, top), (Title, "Quy định mới về phí trông giữ xe")],
                "{top}"
            );
        }
        // A Markdown heading is a headline; a number in a sentence is text.
        let first = |text: &str| kinds_only(text, Unit::Sentence)[0].0;
        assert_eq!(first("# Giá vàng hôm nay\n\nNội dung.\n"), Title);
        assert_eq!(
            first("Số: 12 người bị thương trong vụ tai nạn\n\nNội dung.\n"),
            Title
        );
    }

    /// Point 3 of session 9 (audit 3, 057): around an official document's
    /// header, its issuing body and session in capitals are bylines, above
    /// the header or under it; the document's type and the subject under it
    /// are the title. A headline in capitals with no header is a title.
    #[test]
    fn issuing_body_is_a_byline_and_the_document_type_and_subject_the_title() {
        use SegmentKind::*;
        let text = "Số: 15/2024/NQ-HĐND | Thái Bình, ngày 10 tháng 7 năm 2024 |\n\
                    HỘI ĐỒNG NHÂN DÂN TỈNH THÁI BÌNH\nKHÓA XVII, KỲ HỌP THỨ BẢY\n\n\
                    NGHỊ QUYẾT\nVề việc quy định mức hỗ trợ học phí năm học 2024 - 2025\n\n\
                    Căn cứ Luật Tổ chức chính quyền địa phương;\n";
        for unit in [Unit::Sentence, Unit::Paragraph, Unit::Line] {
            let got = kinds_only(text, unit);
            let want: &[SegmentKind] = match unit {
                Unit::Paragraph => &[Byline, Title, Text],
                _ => &[Byline, Byline, Byline, Title, Title, Text],
            };
            assert_eq!(
                got.iter().map(|k| k.0).collect::<Vec<_>>(),
                want,
                "{unit:?} {got:?}"
            );
        }
        let text = "ỦY BAN NHÂN DÂN TỈNH NAM ĐỊNH | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\
                    ------- | ĐỘC LẬP - TỰ DO - HẠNH PHÚC\n\
                    Số: 21/2024/QĐ-UBND | Nam Định, ngày 3 tháng 5 năm 2024\n\n\
                    QUYẾT ĐỊNH\n\nBAN HÀNH QUY ĐỊNH VỀ QUẢN LÝ CHỢ TRÊN ĐỊA BÀN TỈNH\n\n\
                    Căn cứ Luật Tổ chức chính quyền địa phương;\n";
        assert_eq!(
            kinds_only(text, Unit::Sentence)
                .iter()
                .map(|k| k.0)
                .collect::<Vec<_>>(),
            [Byline, Byline, Byline, Title, Title, Text]
        );
        // The body on its own lines above the number, a rule between.
        let text = "ỦY BAN NHÂN DÂN\nTỈNH HÀ NAM\n--------\nSố: 30/KH-UBND\n\n\
                    KẾ HOẠCH\nV/v tổ chức Ngày hội đọc sách năm 2024\n\nI. MỤC ĐÍCH\n\nKhơi dậy văn hóa đọc.\n";
        assert_eq!(
            kinds_only(text, Unit::Sentence),
            [
                (Byline, "ỦY BAN NHÂN DÂN"),
                (Byline, "TỈNH HÀ NAM"),
                (Text, "--------"),
                (Byline, "Số: 30/KH-UBND"),
                (Title, "KẾ HOẠCH"),
                (Title, "V/v tổ chức Ngày hội đọc sách năm 2024"),
                (Text, "I. MỤC ĐÍCH"),
                (Text, "Khơi dậy văn hóa đọc."),
            ]
        );
        // No header: a headline in capitals is the title; the lead under a
        // document's type is not its subject.
        for (text, want) in [
            (
                "HỘI ĐỒNG NHÂN DÂN TỈNH KHAI MẠC KỲ HỌP THỨ TÁM\n\nSáng 5/7, kỳ họp khai mạc.\n",
                [Title, Text],
            ),
            (
                "NGHỊ QUYẾT MỚI VỀ GIÁ ĐIỆN\n\nVề giá điện, Bộ đã có ý kiến.\n",
                [Title, Text],
            ),
            ("NGHỊ QUYẾT\nVề việc thành lập thôn mới\n", [Title, Title]),
        ] {
            assert_eq!(
                kinds_only(text, Unit::Sentence)
                    .iter()
                    .map(|k| k.0)
                    .collect::<Vec<_>>(),
                want,
                "{text}"
            );
        }
    }

    /// Audit 3, B7: a lone `Quang cảnh …` / `Toàn cảnh …` line with no
    /// closing punctuation is a photo's caption; with a full stop, inside a
    /// paragraph or as the headline it is not.
    #[test]
    fn lone_overview_lines_are_captions() {
        use SegmentKind::*;
        for unit in [Unit::Sentence, Unit::Paragraph] {
            let text = "Toàn cảnh lễ khai giảng năm học mới\n\nSáng 5/9, các trường khai giảng.\n\n\
                        Quang cảnh buổi lễ tại Hà Nội\n\nQuang cảnh buổi lễ.\n\n\
                        Quang cảnh buổi lễ rất trang nghiêm\nHọc sinh xếp hàng.\n\nHết bài.\n";
            assert_eq!(
                kinds_only(text, unit)[..4],
                [
                    (Title, "Toàn cảnh lễ khai giảng năm học mới"),
                    (Text, "Sáng 5/9, các trường khai giảng."),
                    (Caption, "Quang cảnh buổi lễ tại Hà Nội"),
                    (Text, "Quang cảnh buổi lễ."),
                ],
                "{unit:?}"
            );
            assert!(
                kinds_only(text, unit)[4..].iter().all(|k| k.0 == Text),
                "{unit:?}"
            );
        }
    }
}
