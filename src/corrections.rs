//! Reading reviewed corrections back: the JSONL and TSV that `run` writes
//! (edited by a reviewer) and XLIFF 1.2 with edited targets.
//!
//! Contract of [`read_corrections`]: returns every (source, target) pair
//! that carries a target, with whether the file itself marks it as
//! reviewed (`origin` `human` in JSONL/TSV; `state` `translated`, `final`,
//! `signed-off` or `approved="yes"` in XLIFF). Deciding which pairs are
//! corrections (reviewed, or a target no engine produced) is the caller's
//! job, with the translation memory at hand. ASCII captions are skipped.

use std::path::Path;

use quick_xml::events::Event;

use crate::error::{Error, Result};

/// One reviewed pair from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// The source segment.
    pub source: String,
    /// Its target.
    pub target: String,
    /// Does the file mark it as reviewed?
    pub reviewed: bool,
    /// Line (JSONL/TSV) or unit number (XLIFF) for messages.
    pub at: usize,
}

/// Language pair found in an XLIFF file.
pub type Langs = Option<(String, String)>;

/// The corrections in `path`, by extension: `.jsonl`, `.tsv`, `.xlf` /
/// `.xliff`; plus the language pair the file states (XLIFF).
///
/// # Errors
/// [`Error::Io`], [`Error::InvalidUtf8`], or [`Error::Engine`]-free parse
/// errors as [`Error::Config`]-style located messages ([`Error::Glossary`]
/// is not used here): a bad line gives `file:line:1: error: …`.
pub fn read_corrections(path: &Path) -> Result<(Vec<Correction>, Langs)> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8(bytes).map_err(|e| Error::InvalidUtf8 {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to() as u64,
    })?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let bad = |line: usize, message: String| Error::Config {
        path: path.to_path_buf(),
        line,
        col: 1,
        message,
    };
    match ext.as_str() {
        "jsonl" | "json" => {
            let mut out = Vec::new();
            for (n, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let v: serde_json::Value = serde_json::from_str(line).map_err(|e| {
                    bad(
                        n + 1,
                        format!("not a JSON object ({e}); each line must be one segment object"),
                    )
                })?;
                // The review page's export marks rows a reviewer sent back.
                if v["kind"].as_str() == Some("ascii-caption")
                    || v["status"].as_str() == Some("needs-work")
                {
                    continue;
                }
                let (Some(source), Some(target)) = (v["source"].as_str(), v["target"].as_str())
                else {
                    continue;
                };
                if target.trim().is_empty() {
                    continue;
                }
                out.push(Correction {
                    source: source.to_owned(),
                    target: target.to_owned(),
                    reviewed: v["origin"].as_str() == Some("human"),
                    at: n + 1,
                });
            }
            Ok((out, None))
        }
        "tsv" | "tab" => {
            let mut lines = text.lines().enumerate();
            let Some((_, header)) = lines.next() else {
                return Ok((Vec::new(), None));
            };
            let cols: Vec<&str> = header.split('\t').collect();
            let col = |name: &str| cols.iter().position(|c| c.trim() == name);
            let (Some(cs), Some(ct)) = (col("source"), col("target")) else {
                return Err(bad(
                    1,
                    "the header needs `source` and `target` columns (as `songngu run` writes them)"
                        .into(),
                ));
            };
            let (co, ck) = (col("origin"), col("kind"));
            let mut out = Vec::new();
            for (n, line) in lines {
                let f: Vec<&str> = line.split('\t').collect();
                let get = |i: Option<usize>| {
                    i.and_then(|i| f.get(i))
                        .map(|s| unescape_tsv(s))
                        .unwrap_or_default()
                };
                if get(ck) == "ascii-caption" {
                    continue;
                }
                let (source, target) = (get(Some(cs)), get(Some(ct)));
                if source.is_empty() || target.trim().is_empty() {
                    continue;
                }
                out.push(Correction {
                    source,
                    target,
                    reviewed: get(co) == "human",
                    at: n + 1,
                });
            }
            Ok((out, None))
        }
        "xlf" | "xliff" => read_xliff(&text).map_err(|m| bad(1, m)),
        _ => Err(bad(
            1,
            format!(
                "unknown correction format `.{ext}`; use the .jsonl, .tsv or .xlf that `songngu run` writes"
            ),
        )),
    }
}

/// Undoes the TSV writer's escapes.
pub fn unescape_tsv(s: &str) -> String {
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

fn read_xliff(text: &str) -> std::result::Result<(Vec<Correction>, Langs), String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out = Vec::new();
    let mut langs = None;
    let (mut in_source, mut in_target) = (false, false);
    let (mut source, mut target) = (String::new(), String::new());
    let (mut reviewed, mut skip) = (false, false);
    let mut unit = 0;
    loop {
        match reader.read_event().map_err(|e| {
            format!(
                "not well-formed XLIFF at byte {}: {e}",
                reader.buffer_position()
            )
        })? {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "file" => {
                let get = |n: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == n)
                        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
                        .map(|v| v.into_owned())
                };
                if let (Some(s), Some(t)) = (get("source-language"), get("target-language")) {
                    langs = Some((s, t));
                }
            }
            Event::Start(e) if e.local_name().as_ref() == "trans-unit" => {
                unit += 1;
                source.clear();
                target.clear();
                let attr = |n: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == n)
                        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
                        .map(|v| v.into_owned())
                };
                reviewed = attr("approved").as_deref() == Some("yes");
                skip = attr("translate").as_deref() == Some("no");
            }
            Event::Start(e) if e.local_name().as_ref() == "source" => in_source = true,
            Event::Start(e) if e.local_name().as_ref() == "target" => {
                in_target = true;
                let state = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == "state")
                    .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
                    .map(|v| v.into_owned());
                reviewed |= matches!(
                    state.as_deref(),
                    Some("translated" | "final" | "signed-off")
                );
            }
            Event::Text(t) => {
                let s = t.xml10_content();
                if in_source {
                    source.push_str(&s);
                } else if in_target {
                    target.push_str(&s);
                }
            }
            Event::GeneralRef(r) => {
                let name = r.xml10_content();
                let s = match name.as_ref() {
                    "lt" => "<".to_owned(),
                    "gt" => ">".to_owned(),
                    "amp" => "&".to_owned(),
                    "quot" => "\"".to_owned(),
                    "apos" => "'".to_owned(),
                    other => match other.strip_prefix('#') {
                        Some(n) => {
                            let cp = n.strip_prefix('x').map_or_else(
                                || n.parse().ok(),
                                |h| u32::from_str_radix(h, 16).ok(),
                            );
                            cp.and_then(char::from_u32)
                                .map(String::from)
                                .unwrap_or_default()
                        }
                        None => String::new(),
                    },
                };
                if in_source {
                    source.push_str(&s);
                } else if in_target {
                    target.push_str(&s);
                }
            }
            Event::End(e) if e.local_name().as_ref() == "source" => in_source = false,
            Event::End(e) if e.local_name().as_ref() == "target" => in_target = false,
            Event::End(e)
                if e.local_name().as_ref() == "trans-unit"
                    && !skip
                    && !source.is_empty()
                    && !target.trim().is_empty() =>
            {
                out.push(Correction {
                    source: source.clone(),
                    target: target.clone(),
                    reviewed,
                    at: unit,
                });
            }
            _ => {}
        }
    }
    Ok((out, langs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_formats() {
        let dir = tempfile::tempdir().unwrap();
        let j = dir.path().join("a.jsonl");
        std::fs::write(&j, "{\"kind\":\"text\",\"source\":\"Xin chào\",\"target\":\"Hello\",\"origin\":\"human\"}\n{\"kind\":\"ascii-caption\",\"source\":\"x\",\"target\":\"y\"}\n{\"kind\":\"text\",\"source\":\"a\",\"target\":null}\n").unwrap();
        let (c, _) = read_corrections(&j).unwrap();
        assert_eq!(
            c,
            [Correction {
                source: "Xin chào".into(),
                target: "Hello".into(),
                reviewed: true,
                at: 1
            }]
        );
        let t = dir.path().join("a.tsv");
        std::fs::write(&t, "id\tkind\tsource\tascii\ttarget\torigin\tterms\tflags\nd:0\ttext\tA\\tB\ta\tX\\nY\tengine:apertium\t\t\n").unwrap();
        let (c, _) = read_corrections(&t).unwrap();
        assert_eq!(c[0].source, "A\tB");
        assert_eq!(c[0].target, "X\nY");
        assert!(!c[0].reviewed);
        let x = dir.path().join("a.xlf");
        std::fs::write(&x, "<?xml version=\"1.0\"?><xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\"><file original=\"a\" source-language=\"vi\" target-language=\"en\" datatype=\"plaintext\"><body>\
            <trans-unit id=\"1\"><source>Bộ &amp; Ban</source><target state=\"translated\">Ministry &amp; Board</target></trans-unit>\
            <trans-unit id=\"2\" translate=\"no\"><source>x</source><target>y</target></trans-unit></body></file></xliff>").unwrap();
        let (c, langs) = read_corrections(&x).unwrap();
        assert_eq!(langs, Some(("vi".into(), "en".into())));
        assert_eq!(
            c,
            [Correction {
                source: "Bộ & Ban".into(),
                target: "Ministry & Board".into(),
                reviewed: true,
                at: 1
            }]
        );
        std::fs::write(&j, "not json\n").unwrap();
        assert!(
            read_corrections(&j)
                .unwrap_err()
                .to_string()
                .contains("a.jsonl:1:1: error:")
        );
    }
}
