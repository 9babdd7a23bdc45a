//! Reading reviewed corrections back: the JSONL and TSV that `run` writes
//! (edited by a reviewer) and XLIFF 1.2 with edited targets.
//!
//! Contract of [`read_corrections`]: returns every (source, target) pair
//! that carries a target, with whether the file itself marks it as
//! reviewed (`origin` `human` in JSONL/TSV; `state` `translated`, `final`,
//! `signed-off` or `approved="yes"` in XLIFF), and the review page's
//! `status` and `replaces`; the page's rows without a target (sent back,
//! commented) come too, so that they are counted. ASCII captions are
//! skipped. Which pairs are corrections is decided by [`import`], with the
//! translation memory at hand.

use std::path::Path;

use quick_xml::events::Event;
use unicode_normalization::UnicodeNormalization;

use crate::document::Provenance;
use crate::error::{Error, Result};
use crate::tm::Tm;

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
    /// The review page's status: `approved`, `edited`, `needs-work`,
    /// `commented` (`None` in a run's own outputs and XLIFF).
    pub status: Option<String>,
    /// The target the review page showed before the edit (its export's
    /// `replaces`).
    pub replaces: Option<String>,
}

/// What [`import`] did with each row of a file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// Stored as human corrections.
    pub imported: usize,
    /// Not stored: the memory has this correction already, or an `edited`
    /// row gives back the text it replaces.
    pub unchanged: usize,
    /// Not stored: not marked reviewed and exactly what an engine gave.
    pub machine: usize,
    /// Not stored: sent back by the reviewer (`needs-work`).
    pub needs_work: usize,
    /// Not stored: a review-page row that is only commented (neither
    /// approved nor edited), or has no target.
    pub commented: usize,
}

/// A target as the review page shows it and exports it: characters the
/// HTML writer cannot carry removed (see [`crate::xml::escape`]), CRLF and
/// CR as LF (the HTML parser's newline normalisation), NFC, surrounding
/// whitespace trimmed (the export trims). Two targets that give the same
/// text here look the same to the reviewer: one is no edit of the other.
pub fn as_shown(target: &str) -> String {
    let kept: String = target
        .chars()
        .filter(|&c| crate::xml::is_xml_char(c))
        .collect();
    let lf = kept.replace("\r\n", "\n").replace('\r', "\n");
    lf.trim().nfc().collect()
}

/// Stores the corrections among `found` in `tm` as human targets for the
/// pair `from` → `to`, and counts every row:
/// - `needs-work` rows, rows only commented and rows without a target are
///   not stored;
/// - an `edited` row whose target, as shown ([`as_shown`]), is the target
///   it replaces is no edit: unchanged. That target is the row's
///   `replaces`, or for exports without it, any target an engine gave;
/// - a row not marked reviewed whose target is exactly an engine's is a
///   machine target: not stored;
/// - a correction the memory already holds is unchanged;
/// - everything else (approved rows, real edits, changed targets) is stored.
///
/// # Errors
/// [`Error::Tm`]; rows before the failing one stay stored.
pub fn import(
    tm: &Tm,
    from: &str,
    to: &str,
    found: &[Correction],
    file: &Path,
    doc: &str,
) -> Result<ImportCounts> {
    let mut n = ImportCounts::default();
    for c in found {
        // The characters the reader takes out of articles are taken out of
        // corrections too, so the memory, every output and the page agree.
        let c = &Correction {
            source: crate::reader::clean_line(&c.source).into_owned(),
            target: crate::reader::clean_line(&c.target).into_owned(),
            replaces: c
                .replaces
                .as_deref()
                .map(|r| crate::reader::clean_line(r).into_owned()),
            ..c.clone()
        };
        if c.status.as_deref() == Some("needs-work") {
            n.needs_work += 1;
            continue;
        }
        if c.target.trim().is_empty() || c.status.as_deref() == Some("commented") {
            n.commented += 1;
            continue;
        }
        if c.status.as_deref() == Some("edited") {
            let shown = as_shown(&c.target);
            let same = match &c.replaces {
                Some(r) => as_shown(r) == shown,
                None => tm
                    .machine_targets(from, to, &c.source)?
                    .iter()
                    .any(|m| as_shown(m) == shown),
            };
            if same {
                n.unchanged += 1;
                continue;
            }
        }
        if !c.reviewed && tm.is_machine_output(from, to, &c.source, &c.target)? {
            n.machine += 1;
            continue;
        }
        let target: String = c.target.nfc().collect();
        if tm.human(from, to, &c.source)?.as_deref() == Some(target.as_str()) {
            n.unchanged += 1;
            continue;
        }
        let came_from = crate::tm::CorrectionSource {
            file: file.display().to_string(),
            line: c.at,
            doc: doc.to_string(),
        };
        tm.put_human(from, to, &c.source, &c.target, &came_from)?;
        n.imported += 1;
    }
    Ok(n)
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
                if v["kind"].as_str() == Some("ascii-caption") {
                    continue;
                }
                let Some(source) = v["source"].as_str() else {
                    continue;
                };
                // The review page's export has a status on every row: its
                // rows without a target are counted; a run's are not rows
                // anyone reviewed.
                let status = v["status"].as_str().map(str::to_owned);
                let target = v["target"].as_str().unwrap_or("");
                if status.is_none() && target.trim().is_empty() {
                    continue;
                }
                out.push(Correction {
                    source: source.to_owned(),
                    target: target.to_owned(),
                    reviewed: v["origin"]
                        .as_str()
                        .is_some_and(|o| Provenance::from(o).is_human()),
                    at: n + 1,
                    status,
                    replaces: v["replaces"].as_str().map(str::to_owned),
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
                    reviewed: Provenance::from(get(co).as_str()).is_human(),
                    at: n + 1,
                    status: None,
                    replaces: None,
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
                    status: None,
                    replaces: None,
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
                at: 1,
                status: None,
                replaces: None,
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
                at: 1,
                status: None,
                replaces: None,
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
