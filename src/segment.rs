//! The segment stage: a document's text to segment spans with their kinds.
//!
//! Contract of [`Segmenter::segment`]:
//! - **expects** the normalised text of a [`crate::Document`] (LF line ends);
//! - **returns** non-overlapping spans in order, each trimmed of surrounding
//!   whitespace, with its paragraph number (blank-line separated, from 0)
//!   and kind; every non-whitespace byte of the text is in exactly one span;
//! - is pure and deterministic.
//!
//! Rules, in order:
//! 1. Paragraphs are separated by blank lines; a line break inside a
//!    paragraph is a hard boundary in `sentence` and `line` units.
//! 2. The ASCII image-alt line a CMS glues into scraped copy (ASCII words
//!    ending in `hinh anh N`) is split off the start of its line as an
//!    `ascii-caption`, whether or not a space follows it (the seed article
//!    has `…hinh anh 1Đại tướng…`).
//! 3. Sentences: UAX #29 bounds (`split_sentence_bound_indices`, which keeps
//!    every byte), then a merge pass for Vietnamese news copy: a piece that
//!    ends with a known abbreviation (`TP.`, `Tp.`, `TS.`, `ThS.`, `GS.`,
//!    `PGS.`, `Q.`, `P.`, `tr.`, `Đ/c.`…) or an initial (`V.`), a piece
//!    followed by one that starts with a lower-case letter or a digit
//!    (`v.v. và`, `Q. 3`), and a piece with no letter or digit (the closing
//!    `/.` of wire copy) are joined to their neighbour. Dates, document codes
//!    and decimals (`22/1/2019`, `44-KL/TW`, `12,5%`, `TP.HCM`) never split
//!    under UAX #29 in the first place.
//! 4. Kinds: `ascii-caption` (rule 2); `caption` for a photo credit
//!    (`(Ảnh: …)`) and for every segment of a paragraph that ends with one or
//!    that followed an ASCII caption on its line (the photo's description);
//!    `byline` for a last line like `Name (TTXVN/…)`; `title` for the first
//!    line of the article when it is a headline (plain text, one segment,
//!    at most 250 characters, no closing full stop), else for the line whose
//!    ASCII form equals the ASCII caption's title; `text` otherwise.

use std::sync::OnceLock;

use regex::Regex;
use unicode_segmentation::UnicodeSegmentation;

use crate::config::Unit;
use crate::document::SegmentKind;

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
    "TP", "Tp", "TS", "ThS", "Th.S", "Ths", "GS", "PGS", "GS.TS", "PGS.TS", "BS", "KS", "CN",
    "NXB", "P", "Q", "X", "H", "TX", "TT", "tr", "Tr", "St", "Mr", "Mrs", "Dr", "Đ/c", "đ/c",
    "v.v", "vv", "No", "Vol",
];

fn ascii_caption_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^[\x20-\x7E]*?[A-Za-z][\x20-\x7E]*? hinh anh [0-9]+").expect("regex")
    })
}

fn credit_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^\(?\s*(?:Ảnh|ẢNH|Ảnh minh họa|Ảnh minh hoạ|Nguồn ảnh|Đồ họa|Đồ hoạ|Video|Clip)\s*:[^\n]*$")
            .expect("regex")
    })
}

fn byline_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^\p{Lu}[\p{L}\p{M} .'’-]{1,60}\s*\([^()\n]{2,60}\)$").expect("regex")
    })
}

impl Segmenter {
    /// A segmenter for `unit`.
    pub fn new(unit: Unit) -> Self {
        Segmenter { unit }
    }

    /// The segments of `text` (see the module documentation).
    pub fn segment(&self, text: &str) -> Vec<SegmentSpan> {
        let mut out: Vec<SegmentSpan> = Vec::new();
        let mut para = 0;
        let mut in_para = false;
        // (start, end) of each non-blank line, with its paragraph.
        let mut lines: Vec<(usize, usize, usize)> = Vec::new();
        let mut pos = 0;
        for line in text.split_inclusive('\n') {
            let (s, e) = trim_span(text, pos, pos + line.len());
            pos += line.len();
            if s == e {
                if in_para {
                    para += 1;
                    in_para = false;
                }
                continue;
            }
            in_para = true;
            lines.push((para, s, e));
        }
        let last_line = lines.len().checked_sub(1);
        let mut ascii_title: Option<String> = None;
        let mut i = 0;
        while i < lines.len() {
            let p = lines[i].0;
            // The paragraph's lines (for the paragraph unit).
            let mut j = i;
            while j + 1 < lines.len() && lines[j + 1].0 == p {
                j += 1;
            }
            let first_seg = out.len();
            let para_end = lines[j].2;
            let last_k = if self.unit == Unit::Paragraph { i } else { j };
            for &(_, ls, le) in &lines[i..=last_k] {
                let le = if self.unit == Unit::Paragraph {
                    para_end
                } else {
                    le
                };
                let (body_start, glued) =
                    split_ascii_caption(text, p, ls, le, &mut out, &mut ascii_title);
                if body_start >= le {
                    continue;
                }
                let from = out.len();
                let kind = SegmentKind::Text;
                match self.unit {
                    Unit::Paragraph | Unit::Line => out.push(SegmentSpan {
                        para: p,
                        start: body_start,
                        end: le,
                        kind,
                    }),
                    Unit::Sentence => {
                        for (a, b) in sentences(&text[body_start..le]) {
                            out.push(SegmentSpan {
                                para: p,
                                start: body_start + a,
                                end: body_start + b,
                                kind,
                            });
                        }
                    }
                }
                if glued {
                    for seg in &mut out[from..] {
                        seg.kind = SegmentKind::Caption;
                    }
                }
            }
            // Photo credits, and the description they close.
            let segs = &mut out[first_seg..];
            let mut credit_at_end = false;
            for seg in segs.iter_mut() {
                if seg.kind != SegmentKind::AsciiCaption
                    && credit_re().is_match(&text[seg.start..seg.end])
                {
                    seg.kind = SegmentKind::Caption;
                }
            }
            if let Some(last) = segs.last() {
                credit_at_end = last.kind == SegmentKind::Caption;
            }
            if credit_at_end {
                for seg in segs.iter_mut() {
                    if seg.kind == SegmentKind::Text {
                        seg.kind = SegmentKind::Caption;
                    }
                }
            }
            // The byline closes the article.
            if Some(j) == last_line
                && let Some(last) = out.last_mut()
                && last.kind == SegmentKind::Text
                && last.start >= lines[j].1
                && byline_re().is_match(&text[lines[j].1..lines[j].2])
            {
                // The whole last line is the byline, even if it was split.
                let start = lines[j].1;
                while out
                    .last()
                    .is_some_and(|l| l.start >= start && l.kind == SegmentKind::Text)
                {
                    out.pop();
                }
                out.push(SegmentSpan {
                    para: p,
                    start,
                    end: lines[j].2,
                    kind: SegmentKind::Byline,
                });
            }
            i = j + 1;
        }
        mark_title(
            text,
            &mut out,
            lines.first().map(|l| (l.1, l.2)),
            ascii_title.as_deref(),
        );
        out
    }
}

/// Splits an ASCII caption off the start of `text[ls..le]`, pushing it as
/// a segment. Returns where the rest begins and whether there is a rest
/// (the caption it was glued to).
fn split_ascii_caption(
    text: &str,
    para: usize,
    ls: usize,
    le: usize,
    out: &mut Vec<SegmentSpan>,
    ascii_title: &mut Option<String>,
) -> (usize, bool) {
    let line_end = text[ls..le].find('\n').map_or(le, |n| ls + n);
    let Some(m) = ascii_caption_re().find(&text[ls..line_end]) else {
        return (ls, false);
    };
    let cap_end = ls + m.end();
    // Glued to the next caption, that caption starts with a capital
    // (`hinh anh 1Người…`); a lower-case letter means these are just words.
    if text[cap_end..line_end]
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c.is_lowercase())
    {
        return (ls, false);
    }
    out.push(SegmentSpan {
        para,
        start: ls,
        end: cap_end,
        kind: SegmentKind::AsciiCaption,
    });
    if ascii_title.is_none() {
        let t = &text[ls..cap_end];
        *ascii_title = t.rfind(" hinh anh ").map(|x| t[..x].to_owned());
    }
    let (bs, _) = trim_span(text, cap_end, le);
    (bs, bs < le)
}

/// The title: the article's first line when it is plain text, else the
/// line whose ASCII form equals the ASCII caption's title.
fn mark_title(
    text: &str,
    out: &mut [SegmentSpan],
    first_line: Option<(usize, usize)>,
    ascii_title: Option<&str>,
) {
    if let Some((ls, le)) = first_line {
        let on_first: Vec<usize> = (0..out.len())
            .filter(|&i| out[i].start >= ls && out[i].end <= le)
            .collect();
        // A headline: plain text, one segment, short, no closing full stop
        // (a lead paragraph on the first line is not a title).
        let line = text[ls..le].trim_end();
        let headline =
            line.chars().count() <= 250 && !line.ends_with('.') && !line.ends_with("./.");
        if on_first.len() == 1 && out[on_first[0]].kind == SegmentKind::Text && headline {
            out[on_first[0]].kind = SegmentKind::Title;
            return;
        }
    }
    let Some(title) = ascii_title else { return };
    let want = crate::transliterate::slug(title);
    if want.is_empty() {
        return;
    }
    if let Some(seg) = out.iter_mut().find(|s| {
        s.kind == SegmentKind::Text && crate::transliterate::slug(&text[s.start..s.end]) == want
    }) {
        seg.kind = SegmentKind::Title;
    }
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
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, piece) in line.split_sentence_bound_indices() {
        let e = s + piece.len();
        if let Some(last) = merged.last_mut()
            && joins(&line[last.0..last.1], piece)
        {
            last.1 = e;
            continue;
        }
        merged.push((s, e));
    }
    merged
        .into_iter()
        .map(|(s, e)| trim_span(line, s, e))
        .filter(|(s, e)| s < e)
        .collect()
}

/// Should `next` be joined to the piece before it?
fn joins(prev: &str, next: &str) -> bool {
    let next = next.trim_start();
    // `/.`, a lone closing bracket or quote: no letter or digit of its own.
    if !next.chars().any(char::is_alphanumeric) {
        return true;
    }
    if next
        .chars()
        .next()
        .is_some_and(|c| c.is_lowercase() || c.is_ascii_digit())
    {
        return true;
    }
    let prev = prev.trim_end();
    let Some(body) = prev.strip_suffix('.') else {
        return false;
    };
    let word = body
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '“')
        .next()
        .unwrap_or(body);
    if ABBREVIATIONS.contains(&word) {
        return true;
    }
    // An initial: one capital letter (`Nguyễn V. A`).
    let mut chars = word.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(s: &str) -> Vec<&str> {
        sentences(s).into_iter().map(|(a, b)| &s[a..b]).collect()
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

    fn kinds(text: &str, unit: Unit) -> Vec<(usize, SegmentKind, &str)> {
        Segmenter::new(unit)
            .segment(text)
            .into_iter()
            .map(|s| (s.para, s.kind, &text[s.start..s.end]))
            .collect()
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
}
