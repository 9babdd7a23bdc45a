//! The ground floor of diagnostics: where something is in a file
//! ([`Location`]), how bad a finding is ([`Severity`]), and a finding a
//! user reads as `file:line:col: severity: message` ([`Diagnostic`]).
//!
//! Every layer may use these types; this module uses none of the crate.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// `path` as a message shows it: its control characters (a line break, an
/// escape that would recolour or clear a terminal) written as `\u{…}`, so a
/// hostile file name can neither forge a line of output nor drive the
/// terminal. Every other character is shown as [`Path::display`] shows it.
///
/// [`Path::display`]: std::path::Path::display
pub fn shown(path: &std::path::Path) -> String {
    let text = path.display().to_string();
    if !text.chars().any(char::is_control) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// Where something was defined: file, 1-based line and column (characters).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// The file.
    pub path: PathBuf,
    /// 1-based line (0: the diagnostic is about the path, not a place in it).
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", shown(&self.path), self.line, self.col)
    }
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Does not stop a run.
    Warning,
    /// Stops a run.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A validation finding, printed as `file:line:col: severity: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where.
    pub location: Location,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, then what to do.
    pub message: String,
}

impl Diagnostic {
    /// An error about a whole file (reported at its line 1, column 1).
    pub fn error_at_start(path: &std::path::Path, message: String) -> Self {
        Diagnostic {
            location: Location {
                path: path.to_path_buf(),
                line: 1,
                col: 1,
            },
            severity: Severity::Error,
            message,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.line == 0 {
            // Not about a place in a file (the message names what it is about).
            return write!(f, "{}: {}", self.severity, self.message);
        }
        write!(f, "{}: {}: {}", self.location, self.severity, self.message)
    }
}

/// Diagnostics of a glossary that has errors.
#[derive(Debug, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self
            .0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        writeln!(
            f,
            "the glossary has {errors} error(s); run `songngu glossary check` for all"
        )?;
        for d in self
            .0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .take(20)
        {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}
