//! Configuration: the `config.toml` schema, where it is found, and how its
//! layers combine.
//!
//! Layers, lowest first: built-in defaults < the file < environment variables
//! (`SONGNGU_ENGINE`) < command-line flags (applied by the caller on the
//! returned [`Config`]). The file is `--config FILE`, else `$SONGNGU_CONFIG`,
//! else the first `config.toml` found by [`discover`] (the current folder and
//! its parents, up to the repository root or the home folder) that holds a
//! songngu table; without any, the defaults alone apply.
//!
//! Every table denies unknown keys, and every error names the file, line and
//! column (from the TOML parser's span). Relative paths inside a file are
//! resolved against the file's own folder (see [`Config::resolve`]), so a
//! config works the same from any working directory.
//!
//! This module does not read API keys: they come from the environment only,
//! where each engine looks for them, and never appear in a config.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
// Each stage's settings live with the stage; the configuration composes
// them (and re-exports them, so `songngu::config::Format` keeps working).
pub use crate::formats::{Format, OutputConfig};
pub use crate::glossary::{CaseRule, Diacritics, GlossaryConfig, GlossaryMode};
pub use crate::segment::{SegmentConfig, Unit};
pub use crate::tm::TmConfig;
pub use crate::translate::settings::{
    EngineConfig, EngineKind, Engines, MIN_REQUESTS_PER_SECOND, MtSettings, TranslateConfig,
};

/// The whole effective configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Source and target languages.
    pub languages: Languages,
    /// How text is cut into segments.
    pub segment: SegmentConfig,
    /// Glossary files and matching rules.
    pub glossary: GlossaryConfig,
    /// Which machine-translation engine to use, if any.
    pub translate: TranslateConfig,
    /// Per-engine connection settings.
    pub engines: Engines,
    /// Where outputs go and in which formats.
    pub output: OutputConfig,
    /// The translation memory.
    pub tm: TmConfig,
    /// Folder that relative paths are resolved against (the config file's
    /// folder; empty for defaults). Not part of the file format.
    #[serde(skip)]
    pub base_dir: PathBuf,
    /// The file this configuration was read from, if any.
    #[serde(skip)]
    pub source_file: Option<PathBuf>,
}

/// `[languages]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Languages {
    /// Source language code (BCP 47, e.g. `vi`; checked by
    /// [`check_language_tag`] when read from a file).
    #[serde(deserialize_with = "source_tag")]
    pub source: String,
    /// Target language code (BCP 47, e.g. `en`; checked likewise).
    #[serde(deserialize_with = "target_tag")]
    pub target: String,
}

/// Checks that `tag` is a well-formed BCP 47 language tag, the only
/// language codes songngu accepts (they become parts of file names, so
/// nothing but ASCII letters, digits and `-` may pass): subtags of 1 to 8
/// ASCII letters or digits separated by single `-`; the first 2 to 8
/// letters (`vi`, `en`, `yue`), or `x`/`i` for a private-use or
/// grandfathered tag followed by more subtags (`x-newsroom`); a
/// one-character subtag (an extension singleton) followed by at least one
/// more; at most 64 characters in all. Case is not changed; a glossary's
/// tags are compared with these case-insensitively.
///
/// # Errors
/// What is wrong, for a message that also names the value and where it
/// came from.
pub fn check_language_tag(tag: &str) -> std::result::Result<(), String> {
    const EXAMPLES: &str =
        "use a BCP 47 language tag such as `vi`, `en`, `en-GB`, `pt-BR` or `zh-Hant`";
    if tag.is_empty() {
        return Err(format!("it is empty; {EXAMPLES}"));
    }
    if let Some(c) = tag
        .chars()
        .find(|c| !c.is_ascii_alphanumeric() && *c != '-')
    {
        return Err(format!(
            "`{}` is not allowed (only ASCII letters, digits and `-`); {EXAMPLES}",
            c.escape_debug()
        ));
    }
    if tag.len() > 64 {
        return Err(format!("it is longer than 64 characters; {EXAMPLES}"));
    }
    let subtags: Vec<&str> = tag.split('-').collect();
    if subtags.iter().any(|s| s.is_empty()) {
        return Err(format!(
            "it has an empty subtag (a `-` at either end, or `--`); {EXAMPLES}"
        ));
    }
    if let Some(s) = subtags.iter().find(|s| s.len() > 8) {
        return Err(format!(
            "the subtag `{s}` is longer than 8 characters; {EXAMPLES}"
        ));
    }
    let primary = subtags[0];
    let private = primary.eq_ignore_ascii_case("x") || primary.eq_ignore_ascii_case("i");
    if private {
        if subtags.len() < 2 {
            return Err(format!(
                "`{primary}` must be followed by a subtag; {EXAMPLES}"
            ));
        }
    } else if primary.len() < 2 || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(format!(
            "the language subtag `{primary}` must be 2 to 8 letters; {EXAMPLES}"
        ));
    }
    if subtags.last().is_some_and(|s| s.len() == 1) {
        return Err(format!(
            "the one-letter subtag at the end must be followed by another; {EXAMPLES}"
        ));
    }
    Ok(())
}

fn language_tag<'de, D: serde::Deserializer<'de>>(
    d: D,
    key: &str,
) -> std::result::Result<String, D::Error> {
    let tag = String::deserialize(d)?;
    check_language_tag(&tag).map_err(|why| {
        serde::de::Error::custom(format!(
            "[languages] {key} `{}` is not a language code: {why}",
            tag.escape_debug()
        ))
    })?;
    Ok(tag)
}

fn source_tag<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    language_tag(d, "source")
}

fn target_tag<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    language_tag(d, "target")
}

impl Default for Languages {
    fn default() -> Self {
        Self {
            source: "vi".into(),
            target: "en".into(),
        }
    }
}

/// Where the configuration comes from, for [`Config::load`].
#[derive(Debug, Clone, Default)]
pub struct ConfigSource {
    /// `--config FILE`.
    pub explicit: Option<PathBuf>,
    /// `$SONGNGU_CONFIG`.
    pub env_path: Option<PathBuf>,
    /// `$SONGNGU_ENGINE`.
    pub env_engine: Option<String>,
    /// Where the search for a `config.toml` starts (the current folder);
    /// `None`: no search.
    pub search_from: Option<PathBuf>,
    /// The home folder, where the search stops.
    pub home: Option<PathBuf>,
}

impl ConfigSource {
    /// Reads the `SONGNGU_*` variables of this process.
    pub fn from_env(explicit: Option<PathBuf>) -> Self {
        let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        Self {
            explicit,
            env_path: var("SONGNGU_CONFIG").map(PathBuf::from),
            env_engine: var("SONGNGU_ENGINE").map(|v| v.to_string_lossy().into_owned()),
            search_from: std::env::current_dir().ok(),
            home: var("HOME").map(PathBuf::from),
        }
    }
}

impl Config {
    /// Finds, reads and layers the configuration (defaults < file <
    /// environment); flags are for the caller to apply afterwards.
    ///
    /// # Errors
    /// [`Error::Config`] for a missing explicit file, a TOML syntax error, an
    /// unknown key or a wrong type (with line and column), or a bad
    /// environment value; [`Error::Io`] when the file cannot be read.
    pub fn load(source: &ConfigSource) -> Result<Config> {
        let (path, must_exist) = match (&source.explicit, &source.env_path) {
            (Some(p), _) => (Some(p.clone()), true),
            (None, Some(p)) => (Some(p.clone()), true),
            (None, None) => match &source.search_from {
                Some(start) => (discover(start, source.home.as_deref())?, false),
                None => (None, false),
            },
        };
        let mut config = if let Some(path) = path.filter(|p| must_exist || p.is_file()) {
            let text = crate::plaintext::read_utf8(&path).map_err(|e| match e {
                Error::Io { cause, .. } if cause.kind() == std::io::ErrorKind::NotFound => {
                    Error::Config {
                        path: path.clone(),
                        line: 1,
                        col: 1,
                        message: "configuration file not found; check the path given with \
                                  --config or $SONGNGU_CONFIG"
                            .into(),
                    }
                }
                other => other,
            })?;
            Config::from_toml(&text, &path)?
        } else {
            Config::default()
        };
        if let Some(engine) = &source.env_engine {
            config.translate.engine =
                EngineKind::from_name(engine).ok_or_else(|| Error::Config {
                    path: PathBuf::from("$SONGNGU_ENGINE"),
                    line: 1,
                    col: 1,
                    message: format!(
                        "unknown engine `{engine}`; expected one of: {}",
                        EngineKind::names().join(", ")
                    ),
                })?;
        }
        Ok(config)
    }

    /// Parses the text of a config file; `path` names it in errors and is the
    /// base for its relative paths.
    ///
    /// # Errors
    /// [`Error::Config`] with the line and column of the problem.
    pub fn from_toml(text: &str, path: &Path) -> Result<Config> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let (line, col) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            Error::Config {
                path: path.to_path_buf(),
                line,
                col,
                message: format!(
                    "{}; see the commented config.toml shipped with songngu for every key",
                    e.message().trim_end()
                ),
            }
        })?;
        config.base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        config.source_file = Some(path.to_path_buf());
        Ok(config)
    }

    /// A path from the configuration, made relative to the config file's
    /// folder (absolute paths are returned as they are).
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() || self.base_dir.as_os_str().is_empty() {
            path.to_path_buf()
        } else {
            self.base_dir.join(path)
        }
    }

    /// The glossary paths a command uses: `overrides` (as given) when there
    /// are any, else `[glossary] paths` resolved against the config file.
    pub fn glossary_paths(&self, overrides: &[PathBuf]) -> Vec<PathBuf> {
        if overrides.is_empty() {
            self.glossary
                .paths
                .iter()
                .map(|p| self.resolve(p))
                .collect()
        } else {
            overrides.to_vec()
        }
    }

    /// The configuration as TOML, as `songngu config` prints it.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("the config serialises")
    }
}

// The glossary stage does not know the configuration; loading the
// configured glossary is part of composing the stages, so it is here.
impl crate::glossary::Glossary {
    /// The glossary a run uses: `overrides` (paths as given) when not empty,
    /// else the configured `[glossary] paths` (relative to the config file),
    /// restricted to the configured language pair. With no configuration
    /// file, a missing default `glossary/` folder means "no glossary" (a
    /// warning), not an error (see [`crate::glossary::Glossary::load_checked`]).
    ///
    /// # Errors
    /// [`Error::GlossaryInvalid`] when any file has an error; the
    /// diagnostics list every finding. Warnings are returned with the glossary.
    pub fn load(
        config: &Config,
        overrides: &[PathBuf],
    ) -> Result<(
        crate::glossary::Glossary,
        Vec<crate::diagnostic::Diagnostic>,
    )> {
        let default_may_be_missing = overrides.is_empty()
            && config.source_file.is_none()
            && config.glossary.paths == GlossaryConfig::default().paths;
        crate::glossary::Glossary::load_checked(
            &config.glossary_paths(overrides),
            (&config.languages.source, &config.languages.target),
            default_may_be_missing,
        )
    }
}

impl Config {
    /// What the translate stage takes from this configuration with the
    /// engine named `engine`: the languages, the glossary modes `protect`
    /// and `verify`, the engine's `[engines.NAME]` retries and rate limit
    /// (the defaults for an engine the registry does not have).
    pub fn mt_settings(&self, engine: &str) -> MtSettings {
        let settings = self.engines.get(engine).cloned().unwrap_or_default();
        MtSettings {
            from: self.languages.source.clone(),
            to: self.languages.target.clone(),
            protect: self.glossary.modes.contains(&GlossaryMode::Protect),
            verify: self.glossary.modes.contains(&GlossaryMode::Verify),
            max_retries: settings.max_retries,
            requests_per_second: settings.requests_per_second,
        }
    }
}

// The translate stage's constructor from the whole configuration lives
// here, where the configuration is composed: translate/ does not know it.
impl crate::translate::Mt {
    /// The translate stage for `config` ([`Config::mt_settings`]) and
    /// `glossary` (its checks, and its content hash in every memory key),
    /// with `engine` and the translation memory `memory`; see
    /// [`crate::translate::Mt::with_settings`].
    pub fn new(
        config: &Config,
        glossary: &crate::glossary::Glossary,
        engine: crate::translate::AnyEngine,
        memory: impl crate::tm::Memory + 'static,
    ) -> crate::translate::Mt {
        use crate::translate::Engine as _;
        let settings = config.mt_settings(engine.name());
        crate::translate::Mt::with_settings(settings, glossary, engine, memory)
    }
}

/// The top-level tables of songngu's configuration: a `config.toml` with
/// none of them belongs to another tool.
const SONGNGU_TABLES: [&str; 7] = [
    "languages",
    "segment",
    "glossary",
    "translate",
    "engines",
    "output",
    "tm",
];

/// Finds the configuration file when none is named: the first
/// `config.toml` holding at least one songngu table (`SONGNGU_TABLES`),
/// looking in `start` and then its parents. The search stops after the
/// first folder that holds `.git` (the repository root) or is `home`, so a
/// file outside the project is never picked up. A `config.toml` of another
/// tool (no songngu table) is skipped. In `start` itself the path is
/// returned as `config.toml`, elsewhere in full.
///
/// # Errors
/// [`Error::Config`] when a `config.toml` on the way is not valid TOML
/// (whose file it is cannot be told); [`Error::Io`] when it cannot be read.
pub fn discover(start: &Path, home: Option<&Path>) -> Result<Option<PathBuf>> {
    for dir in start.ancestors() {
        let candidate = dir.join("config.toml");
        if candidate.is_file() {
            let text = std::fs::read_to_string(&candidate).map_err(|e| Error::io(&candidate, e))?;
            let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
                let (line, col) = e.span().map_or((1, 1), |s| line_col(&text, s.start));
                Error::Config {
                    path: candidate.clone(),
                    line,
                    col,
                    message: format!(
                        "{}; found while looking for songngu's config.toml (pass --config to \
                         choose another file)",
                        e.message().trim_end()
                    ),
                }
            })?;
            if table.keys().any(|k| SONGNGU_TABLES.contains(&k.as_str())) {
                return Ok(Some(if dir == start {
                    PathBuf::from("config.toml")
                } else {
                    candidate
                }));
            }
        }
        if dir.join(".git").exists() || home.is_some_and(|h| h == dir) {
            break;
        }
    }
    Ok(None)
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::from_toml(text, Path::new("dir/config.toml"))
    }

    #[test]
    fn empty_file_is_the_defaults() {
        let c = parse("").unwrap();
        assert_eq!(c.languages, Languages::default());
        assert_eq!(
            c.glossary.modes,
            [GlossaryMode::Annotate, GlossaryMode::Verify]
        );
        assert_eq!(c.translate.engine, EngineKind::NONE);
        assert_eq!(c.base_dir, Path::new("dir"));
    }

    #[test]
    fn file_overrides_defaults_key_by_key() {
        let c =
            parse("[languages]\ntarget = \"fr\"\n[engines.apertium]\nconcurrency = 1\n").unwrap();
        assert_eq!(c.languages.source, "vi");
        assert_eq!(c.languages.target, "fr");
        assert_eq!(c.engines["apertium"].concurrency, 1);
        assert_eq!(c.engines["apertium"].url, "http://127.0.0.1:2737");
    }

    #[test]
    fn unknown_key_names_line_and_column() {
        let err = parse("[segment]\nunit = \"sentence\"\n  colour = 1\n").unwrap_err();
        let Error::Config {
            line, col, message, ..
        } = &err
        else {
            panic!("{err}")
        };
        assert_eq!((*line, *col), (3, 3), "{message}");
        assert!(message.contains("colour"), "{message}");
        assert!(
            err.to_string().starts_with("dir/config.toml:3:3: error: "),
            "{err}"
        );
    }

    #[test]
    fn wrong_type_and_bad_enum_value() {
        let err = parse("[engines.deepl]\ntimeout_s = \"ten\"\n").unwrap_err();
        let Error::Config { line, col, .. } = err else {
            panic!()
        };
        assert_eq!((line, col), (2, 13));
        let err = parse("[translate]\nengine = \"bing\"\n").unwrap_err();
        assert!(err.to_string().contains("dir/config.toml:2:10"), "{err}");
        assert!(err.to_string().contains("bing"), "{err}");
        let err = parse("[engines.bing]\nurl = \"x\"\n").unwrap_err();
        assert!(err.to_string().contains(":1:10:"), "{err}");
    }

    #[test]
    fn environment_overrides_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "[translate]\nengine = \"deepl\"\n").unwrap();
        let source = ConfigSource {
            explicit: Some(path.clone()),
            env_path: None,
            env_engine: Some("apertium".into()),
            ..Default::default()
        };
        assert_eq!(
            Config::load(&source).unwrap().translate.engine,
            EngineKind::from_name("apertium").unwrap()
        );
        let source = ConfigSource {
            env_engine: Some("nope".into()),
            ..source
        };
        let err = Config::load(&source).unwrap_err().to_string();
        assert!(
            err.contains("$SONGNGU_ENGINE") && err.contains("nope"),
            "{err}"
        );
    }

    #[test]
    fn explicit_file_must_exist_but_env_path_comes_second() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.toml");
        let err = Config::load(&ConfigSource {
            explicit: Some(missing),
            ..Default::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("not found"), "{err}");
        let env_file = dir.path().join("env.toml");
        std::fs::write(&env_file, "[languages]\ntarget = \"de\"\n").unwrap();
        let c = Config::load(&ConfigSource {
            env_path: Some(env_file),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.languages.target, "de");
    }

    #[test]
    fn printed_config_parses_back_identically() {
        let c = parse("[engines.openai]\nmodel = \"gpt-x\"\n").unwrap();
        let again = parse(&c.to_toml()).unwrap();
        assert_eq!(c, again);
    }

    #[test]
    fn relative_paths_resolve_against_the_config_folder() {
        let c = parse("").unwrap();
        assert_eq!(
            c.resolve(Path::new("glossary/")),
            Path::new("dir/glossary/")
        );
        assert_eq!(Config::default().resolve(Path::new("g")), Path::new("g"));
    }

    #[test]
    fn requests_per_second_must_be_a_usable_rate() {
        // 1e-300 panicked in the pacing clock, 1e-9 hung, 0, -1 and nan were
        // accepted silently.
        for bad in ["0.0", "-1.0", "1e-300", "1e-9", "nan", "inf"] {
            let err = parse(&format!(
                "[engines.libretranslate]\nrequests_per_second = {bad}\n"
            ))
            .unwrap_err();
            let Error::Config { line, message, .. } = &err else {
                panic!("{err}")
            };
            assert_eq!(*line, 2, "{bad}: {message}");
            assert!(message.contains("is not a usable rate"), "{bad}: {message}");
        }
        let c = parse("[engines.libretranslate]\nrequests_per_second = 0.5\n").unwrap();
        assert_eq!(c.engines["libretranslate"].requests_per_second, Some(0.5));
    }

    #[test]
    fn language_tags_are_well_formed_bcp47_only() {
        for ok in [
            "vi",
            "en",
            "en-GB",
            "pt-BR",
            "zh-Hant-TW",
            "yue",
            "x-newsroom",
            "es-419",
            "de-CH-1996",
            "en-a-bbb",
            "EN-gb",
        ] {
            assert_eq!(check_language_tag(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "e",
            "x",
            "vi-",
            "-vi",
            "v--i",
            "x/../../PWNED",
            "vi/../victim",
            "..",
            "en_GB",
            "en GB",
            "en\nGB",
            "tiếng",
            "12",
            "toolongprimary",
            "en-toolongsubtag",
            "en-a",
        ] {
            assert!(check_language_tag(bad).is_err(), "{bad:?}");
        }
        assert!(check_language_tag(&"a".repeat(65)).is_err());
    }

    #[test]
    fn language_code_in_a_file_is_checked_with_its_location() {
        let err =
            parse("[languages]\ntarget = \"en\"\nsource = \"vi/../../../victim\"\n").unwrap_err();
        let Error::Config {
            line, col, message, ..
        } = &err
        else {
            panic!("{err}")
        };
        assert_eq!((*line, *col), (3, 10), "{message}");
        assert!(
            message.contains("[languages] source `vi/../../../victim` is not a language code"),
            "{message}"
        );
    }

    #[test]
    fn discovery_walks_up_skips_other_tools_and_stops_at_the_repository_root() {
        let root = tempfile::tempdir().unwrap();
        let repo = root.path().join("repo");
        let deep = repo.join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        // Outside the repository: never found from inside it.
        std::fs::write(root.path().join("config.toml"), "[languages]\n").unwrap();
        std::fs::create_dir(repo.join(".git")).unwrap();
        assert_eq!(discover(&deep, None).unwrap(), None);
        std::fs::write(repo.join("config.toml"), "[segment]\nunit = \"line\"\n").unwrap();
        // Another tool's config.toml on the way is skipped.
        std::fs::write(repo.join("a/config.toml"), "[server]\nport = 8080\n").unwrap();
        assert_eq!(
            discover(&deep, None).unwrap(),
            Some(repo.join("config.toml"))
        );
        // In the starting folder itself, the short name.
        assert_eq!(
            discover(&repo, None).unwrap(),
            Some(PathBuf::from("config.toml"))
        );
        // The home folder ends the search too (after looking in it).
        std::fs::remove_dir(repo.join(".git")).unwrap();
        std::fs::remove_file(repo.join("config.toml")).unwrap();
        assert_eq!(discover(&deep, Some(&repo)).unwrap(), None);
        assert_eq!(
            discover(&deep, Some(root.path())).unwrap(),
            Some(root.path().join("config.toml"))
        );
        // A config.toml that is not TOML is an error naming it.
        std::fs::write(repo.join("a/config.toml"), "[server\n").unwrap();
        let err = discover(&deep, None).unwrap_err().to_string();
        assert!(err.contains("a/config.toml:1:"), "{err}");
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\nđx", 5), (2, 2));
        assert_eq!(line_col("", 3), (1, 1));
    }
}
