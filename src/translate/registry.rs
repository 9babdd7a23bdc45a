//! The engine registry: the one list of the engines this build has.
//!
//! Each engine's file declares an [`EngineSpec`] (its name, the
//! `[engines.NAME]` defaults, the environment variable its API key comes
//! from and whether it is required, its capabilities, and its
//! constructor); [`ENGINES`] lists them. Everything else reads the
//! registry: the config's engine names and `[engines]` tables
//! ([`super::settings`]), building an engine ([`open`]), `songngu engines`
//! (key state, readiness). Adding an engine is its file plus one line here
//! (and its `pub mod` line in `translate/mod.rs`); see docs/engines.md.

use super::settings::{EngineConfig, EngineKind, Engines};
use super::{AnyEngine, TagMode, apertium, deepl, google, libretranslate, openai};
use crate::error::{Error, Result};

/// Every engine this build has, in documentation order.
pub static ENGINES: &[EngineSpec] = &[
    apertium::SPEC,
    libretranslate::SPEC,
    deepl::SPEC,
    google::SPEC,
    openai::SPEC,
];

/// The environment variable an engine reads its API key from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyVar {
    /// The variable's name (`DEEPL_API_KEY`).
    pub var: &'static str,
    /// Whether the engine cannot work without it.
    pub required: bool,
}

/// What an engine can do beyond translating plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// It has a native use for the glossary
    /// ([`super::Engine::use_glossary`]): a glossary on the server, the
    /// terms in the prompt. Others rely on protect and verify alone.
    pub native_glossary: bool,
    /// It keeps glossaries on the server that
    /// [`super::Engine::prune_glossaries`] can clean up.
    pub server_glossaries: bool,
    /// How protected spans are written for it (its
    /// [`super::Engine::tag_mode`]).
    pub tags: TagMode,
}

/// One engine's registry entry.
#[derive(Debug, Clone, Copy)]
pub struct EngineSpec {
    /// The name in config files, on the command line, in `engine:NAME`
    /// provenance and in memory keys.
    pub name: &'static str,
    /// `[engines.NAME] url` when the file gives none.
    pub default_url: &'static str,
    /// `[engines.NAME] concurrency` when the file gives none.
    pub default_concurrency: u32,
    /// `[engines.NAME] timeout_s` when the file gives none.
    pub default_timeout_s: u64,
    /// Where its API key comes from, if it takes one.
    pub key: Option<KeyVar>,
    /// What it can do.
    pub capabilities: Capabilities,
    /// Why the settings cannot start a run (a setting it needs is
    /// missing), in a few words; `None` when they can.
    pub unready: fn(&EngineConfig) -> Option<&'static str>,
    /// Builds the engine from its settings and its key (read by [`open`]:
    /// `None` when the variable is not set; an empty key for a dry run of
    /// an engine whose key is required).
    pub build: fn(&EngineConfig, Option<String>) -> Result<AnyEngine>,
}

impl EngineSpec {
    /// An entry for the engine `name`, built by `build`, whose
    /// `[engines.NAME]` defaults are `url` and `concurrency`; no key, no
    /// capabilities beyond plain text, always ready (the methods below add
    /// what an engine has).
    pub const fn new(
        name: &'static str,
        url: &'static str,
        concurrency: u32,
        build: fn(&EngineConfig, Option<String>) -> Result<AnyEngine>,
    ) -> EngineSpec {
        EngineSpec {
            name,
            default_url: url,
            default_concurrency: concurrency,
            default_timeout_s: 30,
            key: None,
            capabilities: Capabilities {
                native_glossary: false,
                server_glossaries: false,
                tags: TagMode::Plain,
            },
            unready: always_ready,
            build,
        }
    }

    /// The API key comes from `var`, and the engine cannot work without
    /// it when `required`.
    pub const fn key(mut self, var: &'static str, required: bool) -> EngineSpec {
        self.key = Some(KeyVar { var, required });
        self
    }

    /// Its `[engines.NAME] timeout_s` default, when 30 seconds is too
    /// short for its servers.
    pub const fn timeout(mut self, seconds: u64) -> EngineSpec {
        self.default_timeout_s = seconds;
        self
    }

    /// Its capabilities.
    pub const fn capabilities(mut self, capabilities: Capabilities) -> EngineSpec {
        self.capabilities = capabilities;
        self
    }

    /// Why its settings cannot start a run, when they cannot.
    pub const fn unready(
        mut self,
        unready: fn(&EngineConfig) -> Option<&'static str>,
    ) -> EngineSpec {
        self.unready = unready;
        self
    }

    /// The engine's `[engines.NAME]` defaults.
    pub fn default_settings(&self) -> EngineConfig {
        EngineConfig {
            timeout_s: self.default_timeout_s,
            ..EngineConfig::with_url(self.default_url, self.default_concurrency)
        }
    }

    /// Why a run could not start with this engine and `settings` (a
    /// required key not set, a needed setting missing), in a few words;
    /// `None` when it could. Reads only whether the key is set.
    pub fn unready_reason(&self, settings: &EngineConfig) -> Option<&'static str> {
        match self.key {
            Some(k) if k.required && !super::key_present(k.var) => Some("key missing"),
            _ => (self.unready)(settings),
        }
    }
}

/// Settings that are always enough.
fn always_ready(_: &EngineConfig) -> Option<&'static str> {
    None
}

/// The registry entry named `name`.
pub fn find(name: &str) -> Option<&'static EngineSpec> {
    ENGINES.iter().find(|s| s.name == name)
}

/// What the engine is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A run that sends: a required key must be set.
    Send,
    /// A dry run, which only plans: no key is needed (one that is set is
    /// still read and registered as a secret), nothing is sent.
    Plan,
}

/// The engine `kind` with its `[engines.NAME]` settings from `engines`,
/// its key read from the environment (and registered as a secret).
///
/// # Errors
/// [`Error::Engine`] for `none`, a required key not set (when sending),
/// or settings the engine cannot use.
pub fn open(engines: &Engines, kind: EngineKind, purpose: Purpose) -> Result<AnyEngine> {
    let spec = kind.spec().ok_or_else(|| {
        Error::Engine("no engine configured ([translate] engine = \"none\")".into())
    })?;
    let key = match spec.key {
        None => None,
        Some(k) => match (super::env_key(k.var)?, k.required, purpose) {
            (Some(key), _, _) => Some(key),
            (None, true, Purpose::Send) => {
                return Err(Error::Engine(format!(
                    "the {} engine needs an API key in the {} environment variable",
                    spec.name, k.var
                )));
            }
            (None, true, Purpose::Plan) => Some(String::new()),
            (None, false, _) => None,
        },
    };
    (spec.build)(&engines[spec.name], key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::Engine;

    #[test]
    fn names_are_unique_and_not_none() {
        let mut names: Vec<&str> = ENGINES.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ENGINES.len());
        assert!(find("none").is_none());
        assert_eq!(EngineKind::names()[0], "none");
        assert_eq!(EngineKind::names().len(), ENGINES.len() + 1);
    }

    /// Each entry builds an engine that answers to the entry's name and
    /// tag mode (settings that every engine can use, a dummy key).
    #[test]
    fn every_entry_builds_the_engine_it_describes() {
        for spec in ENGINES {
            let mut settings = spec.default_settings();
            settings.model = Some("m".into());
            assert_eq!(settings.url, spec.default_url);
            assert_eq!((spec.unready)(&settings), None, "{}", spec.name);
            let engine = (spec.build)(&settings, Some("CANARY-debug-key".into())).unwrap();
            let shown = format!("{engine:?}");
            assert!(!shown.contains("CANARY-debug-key"), "{shown}");
            assert_eq!(engine.name(), spec.name);
            assert_eq!(engine.tag_mode(), spec.capabilities.tags, "{}", spec.name);
        }
    }

    #[test]
    fn a_dry_run_needs_no_key_and_none_is_no_engine() {
        let mut engines = Engines::default();
        for spec in ENGINES {
            engines[spec.name].model = Some("m".into());
            let kind = EngineKind::from_name(spec.name).unwrap();
            let engine = open(&engines, kind, Purpose::Plan).unwrap();
            assert_eq!(engine.name(), spec.name);
        }
        let err = open(&engines, EngineKind::NONE, Purpose::Plan).unwrap_err();
        assert!(err.to_string().contains("no engine configured"), "{err}");
    }
}
