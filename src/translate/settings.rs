//! The translate stage's settings: `[translate]` and `[engines.NAME]`.
//!
//! Both follow the engine [`super::registry`]: an engine name is
//! valid when the registry has it, and `[engines]` has one table per
//! registered engine, each starting from that engine's own defaults (its
//! URL and concurrency) with the keys a file gives on top. `config.rs`
//! only composes these types into the whole [`crate::config::Config`].

use std::sync::LazyLock;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::registry::{self, EngineSpec};

/// `[translate]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct TranslateConfig {
    /// The engine; `none` runs offline.
    pub engine: EngineKind,
}

/// What the translate stage takes from the configuration
/// ([`super::Mt::with_settings`]; `Mt::new` gathers it from a
/// [`crate::config::Config`]).
#[derive(Debug, Clone, PartialEq)]
pub struct MtSettings {
    /// Source language.
    pub from: String,
    /// Target language.
    pub to: String,
    /// Protect terms with placeholders (glossary mode `protect`).
    pub protect: bool,
    /// Check machine targets against the glossary (mode `verify`).
    pub verify: bool,
    /// Retries per request (`[engines.NAME] max_retries`).
    pub max_retries: u32,
    /// Requests started per second at most (`[engines.NAME]
    /// requests_per_second`).
    pub requests_per_second: Option<f64>,
}

/// A machine-translation engine by name: `none` (offline) or one the
/// [registry](super::registry::ENGINES) has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EngineKind(Option<&'static str>);

/// Every engine name, `none` first, then the registry's order.
static NAMES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| EngineKind::all().map(EngineKind::name).collect());

/// The registered engines' names (the `[engines]` tables).
static TABLES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| registry::ENGINES.iter().map(|s| s.name).collect());

impl EngineKind {
    /// Offline: no machine translation.
    pub const NONE: EngineKind = EngineKind(None);

    /// Every engine, `none` first, then the registry's order.
    pub fn all() -> impl Iterator<Item = EngineKind> {
        std::iter::once(EngineKind::NONE)
            .chain(registry::ENGINES.iter().map(|s| EngineKind(Some(s.name))))
    }

    /// Every engine name, in the order of [`EngineKind::all`].
    pub fn names() -> &'static [&'static str] {
        &NAMES
    }

    /// The name used in config files and on the command line.
    pub fn name(self) -> &'static str {
        self.0.unwrap_or("none")
    }

    /// Parses an engine name.
    pub fn from_name(name: &str) -> Option<Self> {
        if name == "none" {
            return Some(EngineKind::NONE);
        }
        registry::find(name).map(|s| EngineKind(Some(s.name)))
    }

    /// Is this `none` (offline)?
    pub fn is_none(self) -> bool {
        self.0.is_none()
    }

    /// The engine's registry entry (`None` for `none`).
    pub fn spec(self) -> Option<&'static EngineSpec> {
        self.0.and_then(registry::find)
    }
}

impl Serialize for EngineKind {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for EngineKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        EngineKind::from_name(&name).ok_or_else(|| D::Error::unknown_variant(&name, &NAMES))
    }
}

/// `[engines.*]`: one table per registered engine, in the registry's
/// order. A key left out of a file keeps that engine's own default (each
/// engine has its own URL and concurrency).
#[derive(Debug, Clone, PartialEq)]
pub struct Engines {
    tables: Vec<(&'static str, EngineConfig)>,
}

impl Default for Engines {
    fn default() -> Self {
        Self {
            tables: registry::ENGINES
                .iter()
                .map(|s| (s.name, s.default_settings()))
                .collect(),
        }
    }
}

impl Engines {
    /// The settings of the engine named `name`, if the registry has it.
    pub fn get(&self, name: &str) -> Option<&EngineConfig> {
        self.tables.iter().find(|(n, _)| *n == name).map(|(_, c)| c)
    }

    /// [`Engines::get`], to change.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut EngineConfig> {
        self.tables
            .iter_mut()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| c)
    }

    /// Every engine's settings, in the registry's order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &EngineConfig)> {
        self.tables.iter().map(|(n, c)| (*n, c))
    }
}

impl std::ops::Index<&str> for Engines {
    type Output = EngineConfig;

    /// # Panics
    /// When the registry has no engine named so.
    fn index(&self, name: &str) -> &EngineConfig {
        self.get(name)
            .unwrap_or_else(|| panic!("no engine `{name}` in the registry"))
    }
}

impl std::ops::IndexMut<&str> for Engines {
    fn index_mut(&mut self, name: &str) -> &mut EngineConfig {
        self.get_mut(name)
            .unwrap_or_else(|| panic!("no engine `{name}` in the registry"))
    }
}

impl Serialize for Engines {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.tables.len()))?;
        for (name, settings) in &self.tables {
            map.serialize_entry(name, settings)?;
        }
        map.end()
    }
}

/// A registered engine's name as an `[engines]` key (anything else is an
/// error at the key).
struct TableName(&'static str);

impl<'de> Deserialize<'de> for TableName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        registry::find(&name)
            .map(|s| TableName(s.name))
            .ok_or_else(|| D::Error::unknown_field(&name, &TABLES))
    }
}

impl<'de> Deserialize<'de> for Engines {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Tables;
        impl<'de> serde::de::Visitor<'de> for Tables {
            type Value = Engines;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a table of engine tables")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Engines, A::Error> {
                let mut engines = Engines::default();
                while let Some(TableName(name)) = map.next_key()? {
                    let file: EngineFile = map.next_value()?;
                    let slot = &mut engines[name];
                    *slot = file.over(slot.clone());
                }
                Ok(engines)
            }
        }
        d.deserialize_map(Tables)
    }
}

/// One `[engines.NAME]` table as written in a file.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct EngineFile {
    url: Option<String>,
    concurrency: Option<u32>,
    batch_size: Option<u32>,
    timeout_s: Option<u64>,
    max_retries: Option<u32>,
    model: Option<String>,
    #[serde(deserialize_with = "requests_per_second")]
    requests_per_second: Option<f64>,
    target_variant: Option<String>,
    temperature: Option<f64>,
}

/// The lowest `requests_per_second` accepted: one request every 100 s. Below
/// it a run would seem to hang (and `1e-300` overflowed the pacing clock).
pub const MIN_REQUESTS_PER_SECOND: f64 = 0.01;

fn requests_per_second<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<f64>, D::Error> {
    let rate = f64::deserialize(d)?;
    if !rate.is_finite() || rate < MIN_REQUESTS_PER_SECOND {
        return Err(D::Error::custom(format!(
            "requests_per_second is not a usable rate: give a number of at least \
             {MIN_REQUESTS_PER_SECOND} (one request every 100 s), or remove the key for no limit"
        )));
    }
    Ok(Some(rate))
}

impl EngineFile {
    fn over(self, base: EngineConfig) -> EngineConfig {
        EngineConfig {
            url: self.url.unwrap_or(base.url),
            concurrency: self.concurrency.unwrap_or(base.concurrency),
            batch_size: self.batch_size.unwrap_or(base.batch_size),
            timeout_s: self.timeout_s.unwrap_or(base.timeout_s),
            max_retries: self.max_retries.unwrap_or(base.max_retries),
            model: self.model.or(base.model),
            requests_per_second: self.requests_per_second.or(base.requests_per_second),
            target_variant: self.target_variant.or(base.target_variant),
            temperature: self.temperature.or(base.temperature),
        }
    }
}

/// Connection settings shared by every engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EngineConfig {
    /// Base URL of the server.
    pub url: String,
    /// Requests in flight at once.
    pub concurrency: u32,
    /// Segments per request (capped by the engine's own limits).
    pub batch_size: u32,
    /// Request timeout in seconds.
    pub timeout_s: u64,
    /// Retries of a failed request before its segments are flagged.
    pub max_retries: u32,
    /// Model name (OpenAI-compatible engines only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Requests started per second at most (unset: no pacing beyond
    /// `concurrency` and the server's `Retry-After`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests_per_second: Option<f64>,
    /// The regional target the engine should write, where it has them
    /// (DeepL: `EN-US` or `EN-GB` for `en`, `PT-BR` or `PT-PT` for `pt`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_variant: Option<String>,
    /// Sampling temperature (OpenAI-compatible engines; default 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
}

impl EngineConfig {
    /// The defaults with an engine's own URL and concurrency.
    pub fn with_url(url: &str, concurrency: u32) -> Self {
        Self {
            url: url.into(),
            concurrency,
            ..Self::default()
        }
    }
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            url: String::new(),
            concurrency: 2,
            batch_size: 20,
            timeout_s: 30,
            max_retries: 5,
            model: None,
            requests_per_second: None,
            target_variant: None,
            temperature: None,
        }
    }
}
