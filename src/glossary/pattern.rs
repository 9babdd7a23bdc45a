//! Pattern entries: literal syllables with typed slots, such as
//! `Kết luận số {code}` → `Conclusion No. {code}` with `code = "docnum"`.
//!
//! A template is parsed once ([`Template::parse`]); slot values are parsed
//! from text by [`SlotType::parse_at`] and rendered into the target by
//! [`Template::fill`]. A pattern must begin with literal text (the matcher
//! finds that prefix first), and two slots must be separated by text.
//!
//! Renderings in the target: `{name}` gives the slot type's default English
//! form (docnum: the code ASCII-folded, `QĐ-TTg` → `QD-TTg`; int: digits with
//! `,` thousands; roman: an ordinal, `XI` → `11th`; date: `22 January 2019`),
//! `{name:raw}` the text as written, `{name:number}` a roman numeral's value.

use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

/// The built-in slot types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SlotType {
    /// A document number: `44-KL/TW`, `09-CT/TW`, `09 CT/TW`, `06/CT-BCA-V05`,
    /// `01/CT-TTg`, `44/2019/NĐ-CP`.
    Docnum,
    /// An integer, optionally with `.` thousands separators (`1.200`).
    Int,
    /// A Roman numeral (`XI`).
    Roman,
    /// A Vietnamese day/month[/year] date (`22/1/2019`, `27/8`).
    Date,
    /// A Roman numeral or an Arabic number of one to three digits (`XIV`,
    /// `14`), as the press writes a congress's or a tenure's ordinal both
    /// ways (`khóa XV`, `khóa 15`).
    Numeral,
}

impl SlotType {
    /// Every slot type.
    pub const ALL: [SlotType; 5] = [
        SlotType::Docnum,
        SlotType::Int,
        SlotType::Roman,
        SlotType::Date,
        SlotType::Numeral,
    ];

    /// Parses a slot type name.
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == s)
    }

    /// The name used in files.
    pub fn name(self) -> &'static str {
        match self {
            SlotType::Docnum => "docnum",
            SlotType::Int => "int",
            SlotType::Roman => "roman",
            SlotType::Date => "date",
            SlotType::Numeral => "numeral",
        }
    }

    fn regex(self) -> &'static Regex {
        static RES: OnceLock<[Regex; 5]> = OnceLock::new();
        let res = RES.get_or_init(|| {
            [
                Regex::new(
                    r"^\d{1,4}(?:/\d{4})?(?:[-/]| )?[A-ZĐ]{1,6}(?:[-/][A-ZĐ0-9][A-Za-zĐđ0-9]{0,7})*",
                )
                .expect("docnum regex"),
                Regex::new(r"^(?:\d{1,3}(?:\.\d{3})+|\d+)").expect("int regex"),
                Regex::new(r"^[IVXLCDM]+").expect("roman regex"),
                Regex::new(r"^(\d{1,2})/(\d{1,2})(?:/(\d{4}))?").expect("date regex"),
                Regex::new(r"^(?:[IVXLCDM]+|\d{1,3})").expect("numeral regex"),
            ]
        });
        &res[self as usize]
    }

    /// The slot value at the start of `text`, if one is there and ends at a
    /// syllable boundary: its length in bytes.
    pub fn parse_at(self, text: &str) -> Option<usize> {
        let m = self.regex().find(text)?;
        let len = m.end();
        if text[len..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
        {
            return None;
        }
        let value = &text[..len];
        let valid = match self {
            SlotType::Roman => roman_value(value).is_some(),
            // An Arabic count before a unit of time is no ordinal
            // (`Hội nghị Trung ương 2 tuần`, two weeks after the plenum).
            SlotType::Numeral => {
                numeral_value(value).is_some()
                    && !(value.bytes().all(|b| b.is_ascii_digit())
                        && TIME_UNITS.iter().any(|u| {
                            text[len..]
                                .strip_prefix(' ')
                                .is_some_and(|r| r.starts_with(u))
                        }))
            }
            SlotType::Date => date_parts(value).is_some(),
            // `7 KL` is a number and a word, not a document code: a code has
            // at least one `-` or `/`.
            SlotType::Docnum => value.contains(['-', '/']),
            SlotType::Int => true,
        };
        valid.then_some(len)
    }

    /// The slot value at the start of `text` as the matcher reads it:
    /// [`SlotType::parse_at`], and for document numbers also a spaced
    /// hyphen (`79 - NQ/TW`) and lists (`79, 80`, `44-KL/TW và 45-KL/TW`,
    /// items joined by `, ` or ` và `; a list of bare numbers needs two
    /// items at least, a bare number alone is not a document number).
    pub fn parse_value_at(self, text: &str) -> Option<usize> {
        if self != SlotType::Docnum {
            return self.parse_at(text);
        }
        let (mut len, mut bare) = match docnum_item(text) {
            Some(n) => (n, false),
            None => (bare_number(text)?, true),
        };
        let mut items = 1;
        loop {
            let rest = &text[len..];
            let Some(sep) = [", ", " và "].iter().find(|s| rest.starts_with(**s)) else {
                break;
            };
            let item = &rest[sep.len()..];
            let n = match docnum_item(item) {
                Some(n) => n,
                // Bare numbers only in a list that began with one, so that
                // `44-KL/TW, 3 năm qua` is not a list.
                None if bare => match bare_number(item) {
                    Some(n) => n,
                    None => break,
                },
                None => break,
            };
            len += sep.len() + n;
            items += 1;
            bare &= item.as_bytes()[..n].iter().all(u8::is_ascii_digit);
        }
        (!bare || items >= 2).then_some(len)
    }

    /// The default English rendering of a parsed value.
    pub fn render(self, value: &str, format: Option<&str>) -> String {
        match (self, format) {
            (_, Some("raw")) => value.to_owned(),
            (SlotType::Docnum, _) => {
                let items: Vec<String> = list_items(value)
                    .map(|item| {
                        close_spaced_hyphen(&close_spaced_slash(&crate::transliterate::to_ascii(
                            item,
                        )))
                    })
                    .collect();
                match items.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} and {last}", rest.join(", "))
                    }
                    _ => items.concat(),
                }
            }
            (SlotType::Int, Some("ordinal")) => value
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .map_or_else(|_| value.to_owned(), ordinal),
            (SlotType::Int, _) => {
                let digits: String = value.chars().filter(char::is_ascii_digit).collect();
                group_thousands(&digits)
            }
            (SlotType::Roman, Some("number")) => {
                roman_value(value).map_or_else(|| value.to_owned(), |n| n.to_string())
            }
            (SlotType::Roman, _) => roman_value(value).map_or_else(|| value.to_owned(), ordinal),
            (SlotType::Numeral, Some("number")) => {
                numeral_value(value).map_or_else(|| value.to_owned(), |n| n.to_string())
            }
            (SlotType::Numeral, _) => {
                numeral_value(value).map_or_else(|| value.to_owned(), ordinal)
            }
            (SlotType::Date, _) => date_parts(value).map_or_else(
                || value.to_owned(),
                |(d, m, y)| match y {
                    Some(y) => format!("{d} {} {y}", MONTHS[m as usize - 1]),
                    None => format!("{d} {}", MONTHS[m as usize - 1]),
                },
            ),
        }
    }
}

/// One document number, hyphen spaced or not (`79-NQ/TW`, `79 - NQ/TW`,
/// `79 – NQ/TW`): its length.
fn docnum_item(text: &str) -> Option<usize> {
    if let Some(n) = SlotType::Docnum.parse_at(text) {
        return Some(n);
    }
    // `79 - NQ/TW`: the number, a hyphen or dash with spaces, the code;
    // `38/ TB-VPCP`: a slash with spaces.
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=4).contains(&digits) {
        return None;
    }
    let rest = &text[digits..];
    let spaces = |s: &str| s.len() - s.trim_start_matches([' ', '\u{a0}']).len();
    let before = spaces(rest);
    let dash = rest[before..]
        .chars()
        .next()
        .filter(|c| matches!(c, '-' | '–' | '/'))?;
    let after = spaces(&rest[before + dash.len_utf8()..]);
    if before + after == 0 {
        return None;
    }
    let code_at = digits + before + dash.len_utf8() + after;
    // The code up to the next space, checked as the closed-up form.
    let code = text[code_at..]
        .split([' ', '\u{a0}', '\n'])
        .next()
        .unwrap_or("");
    let sep = if dash == '/' { '/' } else { '-' };
    let closed = format!("{}{sep}{code}", &text[..digits]);
    let n = SlotType::Docnum.parse_at(&closed)?;
    // Where the closed-up value ends, in `text`.
    let end = code_at + (n - digits - 1);
    (n > digits + 1 && text.is_char_boundary(end)).then_some(end)
}

/// A bare number in a list (`79` in `79, 80`): its length; not a date, a
/// decimal, a percentage or the start of a word.
fn bare_number(text: &str) -> Option<usize> {
    let n = text.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=4).contains(&n) {
        return None;
    }
    let mut next = text[n..].chars();
    match next.next() {
        None => Some(n),
        Some(c) if c.is_alphanumeric() || matches!(c, '/' | '-' | '%') => None,
        Some('.' | ',') if next.next().is_some_and(|c| c.is_ascii_digit()) => None,
        Some(_) => Some(n),
    }
}

/// The items of a document-number list value (one item for a single value).
fn list_items(value: &str) -> impl Iterator<Item = &str> {
    value.split(", ").flat_map(|part| part.split(" và "))
}

/// Is this document-number value a list (`79, 80`)?
pub fn is_list(value: &str) -> bool {
    list_items(value).nth(1).is_some()
}

/// `79 - NQ/TW` → `79-NQ/TW` (the value is ASCII already).
/// `38/TB-VPCP` for `38/ TB-VPCP` and `38 / TB-VPCP`: the spaces around a
/// slash right after the number go.
fn close_spaced_slash(code: &str) -> String {
    let digits = code.bytes().take_while(u8::is_ascii_digit).count();
    let rest = code[digits..].trim_start_matches([' ', '\u{a0}']);
    match rest.strip_prefix('/') {
        Some(after) if digits > 0 => {
            let after = after.trim_start_matches([' ', '\u{a0}']);
            format!("{}/{after}", &code[..digits])
        }
        _ => code.to_owned(),
    }
}

fn close_spaced_hyphen(code: &str) -> String {
    match code.split_once('-') {
        Some((a, b)) if a.ends_with(' ') || b.starts_with(' ') => {
            format!("{}-{}", a.trim_end(), b.trim_start())
        }
        _ => code.to_owned(),
    }
}

/// The plural of the noun before a slot that holds a list: `Resolution No. `
/// → `Resolutions Nos. `, `Law ` → `Laws `.
fn pluralise_before_list(lit: &str) -> String {
    let (head, tail) = match lit.strip_suffix("No. ") {
        Some(h) => (h, "Nos. "),
        None => match lit.strip_suffix("no. ") {
            Some(h) => (h, "nos. "),
            None => (lit, ""),
        },
    };
    let trimmed = head.trim_end();
    let space = &head[trimmed.len()..];
    let word_start = trimmed.rfind(|c: char| !c.is_alphabetic()).map_or(0, |i| {
        i + trimmed[i..].chars().next().map_or(1, char::len_utf8)
    });
    let (before, word) = trimmed.split_at(word_start);
    if word.is_empty() {
        return lit.to_owned();
    }
    let plural = if word.ends_with(['s', 'x']) || word.ends_with("ch") || word.ends_with("sh") {
        format!("{word}es")
    } else if let Some(stem) = word.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'o', 'u'])
    {
        format!("{stem}ies")
    } else {
        format!("{word}s")
    };
    format!("{before}{plural}{space}{tail}")
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn group_thousands(digits: &str) -> String {
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return "0".into();
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) && digits.len() > 4 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Units of time after which a number is a count, not an ordinal.
const TIME_UNITS: [&str; 7] = ["tuần", "năm", "ngày", "tháng", "giờ", "phút", "thế kỷ"];

/// The value of a [`SlotType::Numeral`]: a canonical Roman numeral, or a
/// number from 1 to 999 without leading zero.
fn numeral_value(s: &str) -> Option<u32> {
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s
            .parse()
            .ok()
            .filter(|&n| n > 0 && n < 1000 && !s.starts_with('0'));
    }
    roman_value(s)
}

/// The value of a canonical Roman numeral (`XI` → 11); `None` for `IIII`,
/// `VX` and the like.
pub fn roman_value(s: &str) -> Option<u32> {
    let val = |c| match c {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        'D' => Some(500),
        'M' => Some(1000),
        _ => None,
    };
    let vals: Vec<u32> = s.chars().map(val).collect::<Option<_>>()?;
    let mut total = 0;
    for (i, &v) in vals.iter().enumerate() {
        if vals.get(i + 1).is_some_and(|&next| next > v) {
            total -= v as i64;
        } else {
            total += v as i64;
        }
    }
    let total = u32::try_from(total).ok().filter(|&t| t > 0 && t < 4000)?;
    (to_roman(total) == s).then_some(total)
}

fn to_roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in TABLE {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// English ordinal: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, …
pub fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn date_parts(s: &str) -> Option<(u32, u32, Option<u32>)> {
    let caps = SlotType::Date.regex().captures(s)?;
    let d: u32 = caps[1].parse().ok()?;
    let m: u32 = caps[2].parse().ok()?;
    let y: Option<u32> = caps.get(3).and_then(|y| y.as_str().parse().ok());
    let max = match m {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    (1..=max).contains(&d).then_some((d, m, y))
}

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Literal text.
    Lit(String),
    /// A slot: name, type, and (in targets) an optional format.
    Slot(String, SlotType, Option<String>),
}

/// A parsed pattern source or target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// Literal and slot pieces, in order.
    pub parts: Vec<Part>,
}

impl Template {
    /// Parses `text` with `{name}` / `{name:format}` slots typed by `slots`.
    ///
    /// # Errors
    /// A message for an unknown slot name, an unclosed brace or a bad format.
    pub fn parse(text: &str, slots: &[(String, SlotType)]) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Lit(rest[..open].to_owned()));
            }
            let close = rest[open..]
                .find('}')
                .map(|c| open + c)
                .ok_or_else(|| format!("`{{` without `}}` in `{text}`"))?;
            let inner = &rest[open + 1..close];
            let (name, format) = match inner.split_once(':') {
                Some((n, f)) => (n, Some(f)),
                None => (inner, None),
            };
            let ty = slots.iter().find(|(n, _)| n == name).map(|(_, t)| *t).ok_or_else(|| {
                format!(
                    "`{{{name}}}` is not a slot of this entry; define it under [entry.slots] as \
                     one of docnum, int, roman, date"
                )
            })?;
            if let Some(f) = format
                && !matches!(f, "raw" | "number" | "ordinal")
            {
                return Err(format!(
                    "unknown format `{f}` in `{{{inner}}}`; use raw, number or ordinal"
                ));
            }
            parts.push(Part::Slot(name.to_owned(), ty, format.map(str::to_owned)));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Lit(rest.to_owned()));
        }
        Ok(Template { parts })
    }

    /// The slot names used, in order.
    pub fn slot_names(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Slot(n, _, _) => Some(n.as_str()),
            Part::Lit(_) => None,
        })
    }

    /// The target with slot values (`name` → text as written) filled in.
    ///
    /// A document-number slot holding a list makes the noun before it
    /// plural: `Resolution No. {code}` with `79, 80` gives
    /// `Resolutions Nos. 79 and 80`.
    pub fn fill(&self, values: &[(String, String)]) -> String {
        let mut out = String::new();
        for (i, p) in self.parts.iter().enumerate() {
            match p {
                Part::Lit(l) => {
                    let list_next = matches!(
                        self.parts.get(i + 1),
                        Some(Part::Slot(name, SlotType::Docnum, f))
                            if f.as_deref() != Some("raw")
                                && values.iter().any(|(n, v)| n == name && is_list(v))
                    );
                    if list_next {
                        out.push_str(&pluralise_before_list(l));
                    } else {
                        out.push_str(l);
                    }
                }
                Part::Slot(name, ty, format) => {
                    let v = values
                        .iter()
                        .find(|(n, _)| n == name)
                        .map_or("", |(_, v)| v.as_str());
                    out.push_str(&ty.render(v, format.as_deref()));
                }
            }
        }
        out
    }
}

/// Drops the pattern misses that lie inside a hit (a longer term covered
/// them), in one forward pass: `misses` sorted by start, `hits` sorted and
/// not overlapping (as [`Matcher::find`](super::Matcher::find) chooses
/// them), so the only hit that can cover a miss is the last one starting
/// at or before it. Returns the steps taken (misses plus hits passed), for
/// the tests that pin the pass as linear: a long line with many candidates
/// must not compare every miss with every hit.
pub(crate) fn drop_covered(misses: &mut Vec<super::PatternMiss>, hits: &[super::Hit]) -> usize {
    let mut steps = 0;
    let mut h = 0;
    misses.retain(|m| {
        steps += 1;
        while h + 1 < hits.len() && hits[h + 1].start <= m.start {
            h += 1;
            steps += 1;
        }
        !hits
            .get(h)
            .is_some_and(|hit| hit.start <= m.start && hit.end >= m.end)
    });
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glossary::{Hit, HitClass, PatternMiss};

    fn hit(start: usize, end: usize) -> Hit {
        Hit {
            start,
            end,
            entry: "e".into(),
            target: "t".into(),
            class: HitClass::Exact,
            index: 0,
        }
    }

    fn miss(start: usize, end: usize) -> PatternMiss {
        PatternMiss {
            start,
            end,
            entry: "p".into(),
            index: 1,
        }
    }

    #[test]
    fn misses_inside_hits_are_dropped() {
        let hits = [hit(0, 10), hit(20, 25), hit(30, 40)];
        let mut misses = vec![
            miss(0, 5),
            miss(12, 18),
            miss(20, 26),
            miss(31, 40),
            miss(45, 50),
        ];
        drop_covered(&mut misses, &hits);
        let left: Vec<(usize, usize)> = misses.iter().map(|m| (m.start, m.end)).collect();
        assert_eq!(left, [(12, 18), (20, 26), (45, 50)]);
        let mut misses = vec![miss(3, 4)];
        drop_covered(&mut misses, &[]);
        assert_eq!(misses.len(), 1);
    }

    /// One line of `Kết luận số 7 KL …` repeated: a hit and a miss per
    /// repetition. Doubling the line doubles the work (it used to compare
    /// every miss with every hit: four times the work).
    #[test]
    fn dropping_covered_misses_is_linear_in_the_line() {
        let steps = |n: usize| {
            let hits: Vec<Hit> = (0..n).map(|i| hit(i * 20, i * 20 + 9)).collect();
            let mut misses: Vec<PatternMiss> = (0..n).map(|i| miss(i * 20, i * 20 + 13)).collect();
            let steps = drop_covered(&mut misses, &hits);
            assert_eq!(misses.len(), n);
            steps
        };
        let (a, b) = (steps(50_000), steps(100_000));
        assert!(
            b <= 2 * a + 2,
            "{a} steps for 50,000 repetitions, {b} for 100,000"
        );
    }

    #[test]
    fn docnums() {
        for (text, want) in [
            ("44-KL/TW ngày", "44-KL/TW"),
            ("09-CT/TW.", "09-CT/TW"),
            ("09 CT/TW của", "09 CT/TW"),
            ("06/CT-BCA-V05 về", "06/CT-BCA-V05"),
            ("01/CT-TTg", "01/CT-TTg"),
            ("44/2019/NĐ-CP,", "44/2019/NĐ-CP"),
        ] {
            let n = SlotType::Docnum.parse_at(text).unwrap_or(0);
            assert_eq!(&text[..n], want, "{text}");
        }
        assert_eq!(SlotType::Docnum.parse_at("ngày 44"), None);
        assert_eq!(SlotType::Docnum.parse_at("09 Ban"), None);
        assert_eq!(SlotType::Docnum.parse_at("7 KL chưa"), None);
        assert_eq!(SlotType::Docnum.render("01/QĐ-TTg", None), "01/QD-TTg");
    }

    #[test]
    fn romans_dates_ints() {
        assert_eq!(SlotType::Roman.parse_at("XI về"), Some(2));
        assert_eq!(SlotType::Roman.parse_at("IIII"), None);
        assert_eq!(SlotType::Roman.parse_at("XIa"), None);
        assert_eq!(SlotType::Roman.render("XI", None), "11th");
        assert_eq!(SlotType::Roman.render("XII", None), "12th");
        assert_eq!(SlotType::Roman.render("XXI", None), "21st");
        assert_eq!(SlotType::Roman.render("XI", Some("number")), "11");
        assert_eq!(SlotType::Date.parse_at("22/1/2019 của"), Some(9));
        assert_eq!(SlotType::Date.parse_at("31/2/2019"), None);
        assert_eq!(SlotType::Date.render("22/1/2019", None), "22 January 2019");
        assert_eq!(SlotType::Date.render("27/8", None), "27 August");
        assert_eq!(SlotType::Int.render("1.200.000", None), "1,200,000");
        assert_eq!(SlotType::Int.render("68", None), "68");
        assert_eq!(SlotType::Int.render("2019", None), "2019");
        // A numeral is Roman or Arabic (1 to 999, no leading zero).
        let n = SlotType::Numeral;
        assert_eq!(n.parse_at("XIII của"), Some(4));
        assert_eq!(n.parse_at("13 họp"), Some(2));
        assert_eq!(n.parse_at("2020"), None);
        assert_eq!(n.parse_at("0"), None);
        assert_eq!(n.parse_at("07"), None);
        assert_eq!(n.parse_at("IIII"), None);
        assert_eq!(n.render("XIII", None), "13th");
        assert_eq!(n.render("15", None), "15th");
        assert_eq!(n.render("XIV", Some("number")), "14");
        assert_eq!(SlotType::from_name("numeral"), Some(n));
    }

    #[test]
    fn spaced_hyphens_and_lists_of_document_numbers() {
        let t = SlotType::Docnum;
        for (text, want, rendered) in [
            ("79 - NQ/TW của", "79 - NQ/TW", "79-NQ/TW"),
            ("79 – NQ/TW.", "79 – NQ/TW", "79-NQ/TW"),
            ("38/ TB-VPCP ngày", "38/ TB-VPCP", "38/TB-VPCP"),
            ("38 / TB-VPCP.", "38 / TB-VPCP", "38/TB-VPCP"),
            ("79- NQ/TW", "79- NQ/TW", "79-NQ/TW"),
            ("79, 80 về", "79, 80", "79 and 80"),
            ("18, 19 và 20.", "18, 19 và 20", "18, 19 and 20"),
            (
                "44-KL/TW và 45-KL/TW",
                "44-KL/TW và 45-KL/TW",
                "44-KL/TW and 45-KL/TW",
            ),
            ("44-KL/TW, 3 năm", "44-KL/TW", "44-KL/TW"),
            ("44-KL/TW ngày", "44-KL/TW", "44-KL/TW"),
        ] {
            let n = t.parse_value_at(text).unwrap_or(0);
            assert_eq!(&text[..n], want, "{text}");
            assert_eq!(t.render(&text[..n], None), rendered, "{text}");
        }
        // A bare number alone, a decimal, a date, a percentage: no value.
        for text in [
            "12 của",
            "79,5 tỷ",
            "79, 80%",
            "22/1, 23",
            "7 - ngày",
            "7 KL",
        ] {
            assert_eq!(t.parse_value_at(text), None, "{text}");
        }
        let slots = vec![("code".to_string(), SlotType::Docnum)];
        let fill = |tpl: &str, v: &str| {
            Template::parse(tpl, &slots)
                .unwrap()
                .fill(&[("code".into(), v.into())])
        };
        assert_eq!(
            fill("Resolution No. {code}", "79, 80"),
            "Resolutions Nos. 79 and 80"
        );
        assert_eq!(fill("Law {code}", "1, 2"), "Laws 1 and 2");
        assert_eq!(
            fill("Directive No. {code}", "09 - CT/TW"),
            "Directive No. 09-CT/TW"
        );
        assert_eq!(fill("Ordinance {code:raw}", "1, 2"), "Ordinance 1, 2");
        let slots = vec![("n".to_string(), SlotType::Int)];
        let t = Template::parse("{n:ordinal} plenum", &slots).unwrap();
        assert_eq!(t.fill(&[("n".into(), "8".into())]), "8th plenum");
    }

    #[test]
    fn templates() {
        let slots = vec![("code".to_string(), SlotType::Docnum)];
        let t = Template::parse("Conclusion No. {code}", &slots).unwrap();
        assert_eq!(
            t.fill(&[("code".into(), "44-KL/TW".into())]),
            "Conclusion No. 44-KL/TW"
        );
        assert!(
            Template::parse("X {nope}", &slots)
                .unwrap_err()
                .contains("nope")
        );
        assert!(Template::parse("X {code", &slots).is_err());
        assert!(Template::parse("X {code:bold}", &slots).is_err());
    }
}
