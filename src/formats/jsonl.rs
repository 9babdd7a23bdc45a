//! `NAME.jsonl`: one JSON object per segment, in order, exactly the fields
//! of DESIGN.md (`id`, `doc`, `para`, `seq`, `kind`, `source`, `ascii`,
//! `target`, `origin`, `terms`, `flags`).

use std::path::Path;

use serde::de::DeserializeOwned;

use super::{Output, Writer};
use crate::error::{Error, Result};

pub struct Jsonl;

impl Writer for Jsonl {
    fn render(&self, out: &Output<'_>) -> Vec<(String, String)> {
        let mut s = String::new();
        for seg in out.segments {
            s.push_str(&serde_json::to_string(seg).expect("segments serialise"));
            s.push('\n');
        }
        vec![(".jsonl".into(), s)]
    }
}

/// A line of a corrections file in JSONL: a run's segment line edited by a
/// reviewer, or a line of the review page's export (`{"id", "doc",
/// "source", "target", "origin", "status", "comment", "replaces"}`). Every
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
    pub origin: Option<String>,
    /// The page's `status`: `approved`, `edited`, `needs-work`, `commented`.
    pub status: Option<String>,
    /// The target the page showed before the edit.
    pub replaces: Option<String>,
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

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Pair {
        a: u8,
        b: Option<String>,
    }

    fn read(text: &str) -> Result<Vec<(usize, Pair)>> {
        read_lines(Path::new("x.jsonl"), text, "a pair", "write pairs")
    }

    #[test]
    fn read_lines_skips_blank_lines_and_locates_the_first_bad_one() {
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
