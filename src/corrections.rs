//! Reviewed corrections back into the memory: the JSONL and TSV that `run`
//! writes (edited by a reviewer), the review page's export and XLIFF 1.2
//! with edited targets, each read by its format's reader in
//! [`crate::formats`] (errors located: [`crate::Error::Parse`]).
//!
//! Contract of [`read_corrections`]: returns every (source, target) pair
//! that carries a target, with whether the file itself marks it as
//! reviewed (`origin` `human` in JSONL/TSV; `state` `translated`, `final`,
//! `signed-off` or `approved="yes"` in XLIFF), and the review page's
//! `status` and `replaces`; the page's rows without a target (sent back,
//! commented) come too, so that they are counted, each with the language
//! pair the file states for it (an XLIFF `<file>`'s, the review page's
//! export line's; a run's JSONL and TSV state none). ASCII captions are
//! skipped. Which pairs are corrections is decided by [`import`], with the
//! translation memory and the glossary-only drafts at hand.

use std::path::Path;

use unicode_normalization::UnicodeNormalization;

use crate::document::Provenance;
use crate::error::{Error, Result};
use crate::formats::{self, ReviewLine};
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
    /// The language pair the file states for this row: its XLIFF
    /// `<file>`'s, or the review page's export line's (`None`: the file
    /// says nothing, as a run's JSONL and TSV).
    pub langs: Option<StatedPair>,
}

/// A language pair as a file states it, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatedPair {
    /// The source language tag, as written.
    pub source: String,
    /// The target language tag, as written.
    pub target: String,
    /// The 1-based line where the file states it (an XLIFF `<file>`
    /// element, a JSONL line).
    pub line: usize,
}

/// What [`import`] did with each row of a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// Stored as human corrections.
    pub imported: usize,
    /// Not stored: the memory has this correction already, or an `edited`
    /// row gives back the text it replaces.
    pub unchanged: usize,
    /// Not stored: not marked reviewed and exactly what an engine gave.
    pub machine: usize,
    /// Not stored: not marked reviewed and exactly the glossary-only draft
    /// of its source (what `run` writes in `replace` mode).
    pub drafts: usize,
    /// Not stored: sent back by the reviewer (`needs-work`).
    pub needs_work: usize,
    /// Not stored: a review-page row that is only commented (neither
    /// approved nor edited), or has no target.
    pub commented: usize,
    /// Not stored: a later row of the file corrects the same source (the
    /// memory keeps one correction per source and pair: the last row's).
    pub duplicates: usize,
    /// Corrections stored per language pair `(from, to)`, in the order
    /// first met.
    pub per_pair: Vec<((String, String), usize)>,
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

/// Stores the corrections among `found` in `tm` as human targets, each
/// row for its language pair `(from, to)`, and counts every row:
/// - `needs-work` rows, rows only commented and rows without a target are
///   not stored;
/// - an `edited` row whose target, as shown ([`as_shown`]), is the target
///   it replaces is no edit: unchanged. That target is the row's
///   `replaces`, or for exports without it, any target an engine gave;
/// - a row not marked reviewed whose target is exactly an engine's is a
///   machine target, and one whose target is, as shown, the glossary-only
///   draft of its source (`draft(from, to, source)`, what `run` writes in
///   `replace` mode) is a draft: neither is stored;
/// - of the rows left with one source and pair, the file's last is the
///   correction; the others are counted as duplicates;
/// - a correction the memory already holds is unchanged;
/// - everything else (approved rows, real edits, changed targets) is stored.
///
/// # Errors
/// [`Error::Tm`]; rows before the failing one stay stored.
pub fn import(
    tm: &Tm,
    found: &[((String, String), Correction)],
    file: &Path,
    doc: &str,
    draft: &dyn Fn(&str, &str, &str) -> String,
) -> Result<ImportCounts> {
    let mut n = ImportCounts::default();
    // The rows to store, in file order; a later row with the same source
    // and pair takes the place of an earlier one.
    let mut keep: Vec<Option<(&(String, String), Correction)>> = Vec::new();
    let mut at_key: std::collections::HashMap<(String, String, String), usize> =
        std::collections::HashMap::new();
    for (pair, c) in found {
        let (from, to) = (pair.0.as_str(), pair.1.as_str());
        // The characters the reader takes out of articles are taken out of
        // corrections too, so the memory, every output and the page agree.
        let c = Correction {
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
        if !c.reviewed {
            if tm.is_machine_output(from, to, &c.source, &c.target)? {
                n.machine += 1;
                continue;
            }
            let source: String = c.source.nfc().collect();
            if as_shown(&draft(from, to, &source)) == as_shown(&c.target) {
                n.drafts += 1;
                continue;
            }
        }
        let key = (
            from.to_ascii_lowercase(),
            to.to_ascii_lowercase(),
            c.source.nfc().collect::<String>(),
        );
        if let Some(&earlier) = at_key.get(&key) {
            keep[earlier] = None;
            n.duplicates += 1;
        }
        at_key.insert(key, keep.len());
        keep.push(Some((pair, c)));
    }
    for (pair, c) in keep.into_iter().flatten() {
        let (from, to) = (pair.0.as_str(), pair.1.as_str());
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
        match n.per_pair.iter_mut().find(|(p, _)| p == pair) {
            Some((_, k)) => *k += 1,
            None => n.per_pair.push((pair.clone(), 1)),
        }
    }
    Ok(n)
}

/// The corrections in `path`, by extension: `.jsonl` (also `.json`),
/// `.tsv` (also `.tab`), `.xlf` / `.xliff`, each read by its format's
/// reader in [`crate::formats`], each with the language pair the file
/// states for it (XLIFF: its `<file>`'s; the review page's export: its
/// line's `source_lang`/`target_lang`). The tags are as written: the
/// caller checks them.
///
/// # Errors
/// [`Error::Io`], [`Error::InvalidUtf8`], or [`Error::Parse`] located at
/// the line (and column) of the first thing that does not parse, or at
/// line 1 for an extension that is none of these.
pub fn read_corrections(path: &Path) -> Result<Vec<Correction>> {
    let text = crate::plaintext::read_utf8(path)?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let pair = |source: String, target: String, reviewed: bool, at: usize| Correction {
        source,
        target,
        reviewed,
        at,
        status: None,
        replaces: None,
        langs: None,
    };
    match ext.as_str() {
        "jsonl" | "json" => {
            let lines: Vec<(usize, ReviewLine)> = formats::read_jsonl(
                path,
                &text,
                "a segment object",
                "each line must be one segment object, as `songngu run` or the review page's \
                 export writes them",
            )?;
            let mut out = Vec::new();
            for (line, l) in lines {
                if l.kind.as_deref() == Some("ascii-caption") {
                    continue;
                }
                let Some(source) = l.source else {
                    continue;
                };
                // The review page's export has a status on every row: its
                // rows without a target are counted; a run's are not rows
                // anyone reviewed.
                let target = l.target.unwrap_or_default();
                if l.status.is_none() && target.trim().is_empty() {
                    continue;
                }
                let langs = match (l.source_lang, l.target_lang) {
                    (None, None) => None,
                    (s, t) => Some(StatedPair {
                        source: s.unwrap_or_default(),
                        target: t.unwrap_or_default(),
                        line,
                    }),
                };
                out.push(Correction {
                    status: l.status,
                    replaces: l.replaces,
                    langs,
                    ..pair(
                        source,
                        target,
                        l.origin.as_ref().is_some_and(Provenance::is_human),
                        line,
                    )
                });
            }
            Ok(out)
        }
        "tsv" | "tab" => Ok(formats::read_tsv(path, &text)?
            .into_iter()
            .filter(|r| {
                r.kind != "ascii-caption" && !r.source.is_empty() && !r.target.trim().is_empty()
            })
            .map(|r| {
                let reviewed = r.origin.as_ref().is_some_and(Provenance::is_human);
                pair(r.source, r.target, reviewed, r.line)
            })
            .collect()),
        "xlf" | "xliff" => {
            let x = formats::read_xliff(path, &text)?;
            let out = x
                .units
                .into_iter()
                .zip(x.unit_langs)
                .filter(|(u, _)| {
                    !u.no_translate && !u.source.is_empty() && !u.target.trim().is_empty()
                })
                .map(|(u, langs)| {
                    let reviewed = u.reviewed();
                    Correction {
                        langs: langs.map(|l| StatedPair {
                            source: l.source,
                            target: l.target,
                            line: l.line,
                        }),
                        ..pair(u.source, u.target, reviewed, u.line)
                    }
                })
                .collect();
            Ok(out)
        }
        _ => Err(Error::parse(
            path,
            1,
            None,
            format!(
                "unknown correction format `.{ext}`; use the .jsonl, .tsv or .xlf that `songngu run` writes"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_formats() {
        let dir = tempfile::tempdir().unwrap();
        let j = dir.path().join("a.jsonl");
        std::fs::write(&j, "{\"kind\":\"text\",\"source\":\"Xin chào\",\"target\":\"Hello\",\"origin\":\"human\"}\n{\"kind\":\"ascii-caption\",\"source\":\"x\",\"target\":\"y\"}\n{\"kind\":\"text\",\"source\":\"a\",\"target\":null}\n").unwrap();
        let c = read_corrections(&j).unwrap();
        assert_eq!(
            c,
            [Correction {
                source: "Xin chào".into(),
                target: "Hello".into(),
                reviewed: true,
                at: 1,
                status: None,
                replaces: None,
                langs: None,
            }]
        );
        let t = dir.path().join("a.tsv");
        std::fs::write(&t, "id\tkind\tsource\tascii\ttarget\torigin\tterms\tflags\nd:0\ttext\tA\\tB\ta\tX\\nY\tengine:apertium\t\t\n").unwrap();
        let c = read_corrections(&t).unwrap();
        assert_eq!(c[0].source, "A\tB");
        assert_eq!(c[0].target, "X\nY");
        assert!(!c[0].reviewed);
        let x = dir.path().join("a.xlf");
        std::fs::write(&x, "<?xml version=\"1.0\"?><xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\"><file original=\"a\" source-language=\"vi\" target-language=\"en\" datatype=\"plaintext\"><body>\
            <trans-unit id=\"1\"><source>Bộ &amp; Ban</source><target state=\"translated\">Ministry &amp; Board</target></trans-unit>\
            <trans-unit id=\"2\" translate=\"no\"><source>x</source><target>y</target></trans-unit></body></file></xliff>").unwrap();
        let c = read_corrections(&x).unwrap();
        assert_eq!(
            c,
            [Correction {
                source: "Bộ & Ban".into(),
                target: "Ministry & Board".into(),
                reviewed: true,
                at: 1,
                status: None,
                replaces: None,
                langs: Some(StatedPair {
                    source: "vi".into(),
                    target: "en".into(),
                    line: 1,
                }),
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
