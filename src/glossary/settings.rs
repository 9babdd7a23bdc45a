//! The glossary stage's settings (`[glossary]` of config.toml).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// `[glossary]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GlossaryConfig {
    /// Folders (all `*.toml` inside, in name order) and files.
    pub paths: Vec<PathBuf>,
    /// Default case rule for entries that do not set one.
    pub case: CaseRule,
    /// Whether diacritic-insensitive (report-only) hits are reported.
    pub diacritics: Diacritics,
    /// What the glossary stage does.
    pub modes: Vec<GlossaryMode>,
}

impl Default for GlossaryConfig {
    fn default() -> Self {
        Self {
            paths: vec![PathBuf::from("glossary/")],
            case: CaseRule::default(),
            diacritics: Diacritics::default(),
            modes: vec![GlossaryMode::Annotate, GlossaryMode::Verify],
        }
    }
}

/// How letter case is compared when matching a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum CaseRule {
    /// Exactly as written.
    Sensitive,
    /// A lower-case letter in the entry matches either case; an upper-case
    /// one must match.
    #[default]
    Permissive,
    /// Any case.
    Insensitive,
}

/// Diacritic handling in the glossary stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Diacritics {
    /// Only hits with the right diacritics.
    Strict,
    /// Also report ASCII-only and mis-accented look-alikes (report only).
    #[default]
    Flag,
}

/// A glossary stage mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GlossaryMode {
    /// Report the hits.
    Annotate,
    /// Produce a glossary-only draft target.
    Replace,
    /// Shield terms from the MT engine with placeholders.
    Protect,
    /// Check targets for approved and forbidden terms.
    Verify,
}
