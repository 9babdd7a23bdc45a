//! The glossary: the editor-maintained list of official terms, how it is
//! loaded and validated, and how it is found in text.
//!
//! - [`load`]: `glossary/*.toml` (simple `[terms]` and rich `[[entry]]`
//!   forms) and TSV/CSV files into [`Glossary`], with [`Diagnostic`]s that
//!   name file, line and column;
//! - [`validate`]: the rules that look across entries (duplicates,
//!   contradictions, overlaps);
//! - [`matcher`]: the Vietnamese-aware matcher ([`Matcher`]): NFC, both tone
//!   placements, whole syllables, case rules, leftmost-longest, classes;
//! - [`pattern`]: pattern entries and their slot types;
//! - [`modes`]: annotate, replace (glossary-only draft) and verify;
//! - [`exchange`]: TSV/CSV import, TSV/CSV/TBX/DeepL export;
//! - [`text`]: the normalised views of text the matcher searches;
//! - [`words`]: Vietnamese compound words (real words are not misspellings).
//!
//! The glossary never changes text on a doubtful match: folded hits
//! (`ascii-span`, `diacritic-mismatch`), `suspect` hits, `partial` hits
//! (part of a longer name) and `unnumbered` ones (a document type without
//! its number) are report-only.

mod automaton;
pub mod exchange;
pub mod load;
pub mod matcher;
pub mod modes;
pub mod pattern;
pub mod settings;
pub mod text;
pub mod validate;
pub mod words;

use std::path::PathBuf;

use serde::Serialize;

pub use crate::diagnostic::{Diagnostic, Diagnostics, Location, Severity};
pub use load::{load_paths, parse_file};
pub use matcher::{Hit, HitClass, Matcher, PatternMiss};
pub use pattern::SlotType;
pub use settings::{CaseRule, Diacritics, GlossaryConfig, GlossaryMode};

/// A loaded glossary: the entries of every file, in file-name order.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    /// Every entry, in load order.
    pub entries: Vec<Entry>,
    /// The files read, with their language pairs.
    pub files: Vec<GlossaryFile>,
}

/// One file of a glossary.
#[derive(Debug, Clone)]
pub struct GlossaryFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// `[meta] source_lang`.
    pub source_lang: String,
    /// `[meta] target_lang`.
    pub target_lang: String,
}

/// One glossary entry (a concept with its source forms and approved target).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Optional stable id.
    pub id: Option<String>,
    /// A plain term or a pattern with slots.
    pub kind: EntryKind,
    /// The source term as written (NFC).
    pub source: String,
    /// The approved target.
    pub target: String,
    /// More source forms of the same concept.
    pub variants: Vec<String>,
    /// Target renderings that must not be used.
    pub forbidden: Vec<String>,
    /// A note for translators.
    pub note: Option<String>,
    /// Free tags.
    pub tags: Vec<String>,
    /// TBX-style status.
    pub status: Status,
    /// Case rule; `None` uses the configured default.
    pub case: Option<CaseRule>,
    /// ASCII form for the ascii stage, when the plain fold is not wanted.
    pub ascii: Option<String>,
    /// Do not translate: the target is the source itself.
    pub keep: bool,
    /// Known misspellings: reported, never replaced.
    pub suspect: Vec<String>,
    /// Real words that fold like the term (`Thủ trưởng` for `Thứ trưởng`):
    /// never reported as its misspelling.
    pub look_alikes: Vec<String>,
    /// What must follow a hit for it to be confident (`needs = "number"`).
    pub needs: Option<Needs>,
    /// Slot types of a pattern entry, in definition order.
    pub slots: Vec<(String, SlotType)>,
    /// Where the entry was defined.
    pub location: Location,
}

impl Entry {
    /// A plain preferred term, defined nowhere in particular (for tests and
    /// programmatic use).
    pub fn term(source: &str, target: &str) -> Self {
        Entry {
            id: None,
            kind: EntryKind::Term,
            source: source.into(),
            target: target.into(),
            variants: Vec::new(),
            forbidden: Vec::new(),
            note: None,
            tags: Vec::new(),
            status: Status::Preferred,
            case: None,
            ascii: None,
            keep: false,
            suspect: Vec::new(),
            look_alikes: Vec::new(),
            needs: None,
            slots: Vec::new(),
            location: Location::default(),
        }
    }

    /// The target a hit of this entry stands for.
    pub fn approved_target(&self) -> &str {
        if self.keep {
            &self.source
        } else {
            &self.target
        }
    }
}

/// What must follow a term for a hit to be confident (`needs = …`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Needs {
    /// A document type (`Kết luận`, `Nghị quyết`, `Luật`): a confident hit
    /// only when a number, a code or a capitalised name follows; otherwise
    /// the hit is report-only ([`HitClass::Unnumbered`]).
    Number,
}

impl Needs {
    /// Parses a `needs` value.
    pub fn from_name(s: &str) -> Option<Self> {
        (s == "number").then_some(Needs::Number)
    }

    /// The name used in files.
    pub fn name(self) -> &'static str {
        match self {
            Needs::Number => "number",
        }
    }
}

/// Plain term or pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryKind {
    /// A fixed sequence of syllables.
    Term,
    /// Literal syllables with typed slots (`Kết luận số {code}`).
    Pattern,
}

/// Entry status, aligned with TBX `administrativeStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The approved rendering (default).
    #[default]
    Preferred,
    /// An accepted alternative: verify accepts it, replace does not use it
    /// when a preferred entry exists for the same source.
    Admitted,
    /// Still found and annotated, never used to replace or verify.
    Deprecated,
    /// Its target must not be used for this source: verify flags it.
    Forbidden,
}

impl Status {
    /// Parses a status name.
    pub fn from_name(s: &str) -> Option<Self> {
        Some(match s {
            "preferred" => Status::Preferred,
            "admitted" => Status::Admitted,
            "deprecated" => Status::Deprecated,
            "forbidden" => Status::Forbidden,
            _ => return None,
        })
    }

    /// The name used in files.
    pub fn name(self) -> &'static str {
        match self {
            Status::Preferred => "preferred",
            Status::Admitted => "admitted",
            Status::Deprecated => "deprecated",
            Status::Forbidden => "forbidden",
        }
    }
}

/// Are `a` and `b` the same language tag? BCP 47 tags are
/// case-insensitive (`EN` is `en`, `en-gb` is `en-GB`); tags are kept as
/// written (they name files and key the translation memory) and compared
/// with this wherever a glossary's languages meet the configured ones.
pub fn same_language(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// The tag and its broader forms, narrowest first, as RFC 4647 "lookup"
/// truncates a language range: `zh-Hant-TW`, `zh-Hant`, `zh`; a
/// single-character subtag (an extension's or private use's `x`) goes with
/// the subtag after it.
fn broader(tag: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(tag);
    std::iter::from_fn(move || {
        let cur = next?;
        next = cur.rfind('-').map(|i| {
            let mut t = &cur[..i];
            if let Some(j) = t.rfind('-')
                && t.len() - j == 2
            {
                t = &t[..j];
            }
            t
        });
        Some(cur)
    })
}

impl GlossaryFile {
    /// Does this file serve `source` → `target` (see [`serving_pair`])?
    fn serves(&self, (source, target): (&str, &str)) -> bool {
        same_language(&self.source_lang, source) && same_language(&self.target_lang, target)
    }
}

/// The language pair of `files` that serves `source` → `target`: the pair
/// itself when some file has it, else the nearest broader tags (RFC 4647
/// lookup: a glossary for `vi` → `en` serves `--to en-GB` and `--from
/// vi-VN` when none is written for them). `None` when no file serves.
pub fn serving_pair<'t>(
    files: &[GlossaryFile],
    source: &'t str,
    target: &'t str,
) -> Option<(&'t str, &'t str)> {
    broader(source)
        .flat_map(|s| broader(target).map(move |t| (s, t)))
        .find(|&pair| files.iter().any(|f| f.serves(pair)))
}

impl Glossary {
    /// The entries whose file's language pair serves `source` → `target`:
    /// that pair, or the nearest broader one ([`serving_pair`]).
    pub fn for_pair(&self, source: &str, target: &str) -> Glossary {
        let pair = serving_pair(&self.files, source, target).unwrap_or((source, target));
        let keep: Vec<&PathBuf> = self
            .files
            .iter()
            .filter(|f| f.serves(pair))
            .map(|f| &f.path)
            .collect();
        Glossary {
            entries: self
                .entries
                .iter()
                .filter(|e| {
                    e.location.path.as_os_str().is_empty() || keep.contains(&&e.location.path)
                })
                .cloned()
                .collect(),
            files: self
                .files
                .iter()
                .filter(|f| f.serves(pair))
                .cloned()
                .collect(),
        }
    }
}

impl Glossary {
    /// The glossary of `paths` for the language pair `pair` (source,
    /// target), every file validated. When `default_may_be_missing` (no
    /// configuration file and the default `glossary/` folder) and none of
    /// `paths` exists, the glossary is empty with a warning, so songngu runs
    /// anywhere; paths someone configured or named must exist.
    /// [`Glossary::load`] calls this with the configured paths.
    ///
    /// # Errors
    /// [`crate::Error::GlossaryInvalid`] when any file has an error; the
    /// diagnostics list every finding. Warnings are returned with the glossary.
    pub fn load_checked(
        paths: &[PathBuf],
        pair: (&str, &str),
        default_may_be_missing: bool,
    ) -> crate::Result<(Glossary, Vec<Diagnostic>)> {
        if default_may_be_missing && paths.iter().all(|p| !p.exists()) {
            let folder = paths.first().cloned().unwrap_or_default();
            let shown = std::path::absolute(&folder).unwrap_or_else(|_| folder.clone());
            let warning = Diagnostic {
                // Line 0: no location; the message names the folder.
                location: Location {
                    path: folder,
                    line: 0,
                    col: 0,
                },
                severity: Severity::Warning,
                message: format!(
                    "no glossary: no config.toml found and no folder {}; terms are not annotated \
                     (create it with *.toml files, or pass --glossary)",
                    shown.display()
                ),
            };
            return Ok((Glossary::default(), vec![warning]));
        }
        let (glossary, diags) = load_paths(paths, pair);
        if diags.iter().any(|d| d.severity == Severity::Error) {
            return Err(crate::Error::GlossaryInvalid(Diagnostics(diags)));
        }
        Ok((glossary.for_pair(pair.0, pair.1), diags))
    }
}

impl Glossary {
    /// A hash of everything in the glossary that can change a translation
    /// (sources, targets, variants, forbidden renderings, statuses, case
    /// rules, kinds, slots, keep), for the translation memory key: editing
    /// a note does not invalidate the memory, editing a target does.
    pub fn content_hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        let mut put = |s: &str| {
            h.update((s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        };
        for e in &self.entries {
            put(&e.source);
            put(&e.target);
            put(&e.variants.join("\u{1}"));
            put(&e.forbidden.join("\u{1}"));
            put(e.status.name());
            put(&format!("{:?}{:?}{}", e.case, e.kind, e.keep));
            // Added only when set, so that glossaries without it keep their hash.
            if let Some(n) = e.needs {
                put(n.name());
            }
            put(&e
                .slots
                .iter()
                .map(|(n, t)| format!("{n}={}", t.name()))
                .collect::<Vec<_>>()
                .join(","));
        }
        h.finalize()
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::same_language;

    #[test]
    fn language_tags_compare_case_insensitively() {
        for (a, b) in [
            ("EN", "en"),
            ("en-gb", "en-GB"),
            ("zh-HANT-tw", "zh-Hant-TW"),
        ] {
            assert!(same_language(a, b), "{a} {b}");
        }
        assert!(!same_language("en", "en-GB") && !same_language("vi", "en"));
    }

    #[test]
    fn broader_tags_serve_narrower_ones() {
        use super::{GlossaryFile, broader, serving_pair};
        assert_eq!(
            broader("zh-Hant-TW").collect::<Vec<_>>(),
            ["zh-Hant-TW", "zh-Hant", "zh"]
        );
        assert_eq!(
            broader("en-GB-x-news").collect::<Vec<_>>(),
            ["en-GB-x-news", "en-GB", "en"]
        );
        let file = |s: &str, t: &str| GlossaryFile {
            path: format!("{s}-{t}.toml").into(),
            source_lang: s.into(),
            target_lang: t.into(),
        };
        let files = [file("vi", "en"), file("vi", "en-US"), file("vi", "fr")];
        assert_eq!(serving_pair(&files, "vi", "en-GB"), Some(("vi", "en")));
        assert_eq!(serving_pair(&files, "vi", "EN-us"), Some(("vi", "EN-us")));
        assert_eq!(serving_pair(&files, "vi-VN", "fr-CA"), Some(("vi", "fr")));
        // Never narrower, never another language.
        assert_eq!(serving_pair(&[file("vi", "en-GB")], "vi", "en"), None);
        assert_eq!(serving_pair(&files, "vi", "de"), None);
    }
}
