//! The translate stage: machine-translation engines and the one runner that
//! drives them.
//!
//! Engines only build requests and parse responses ([`Engine`]); they are
//! stateless apart from their HTTP client and settings, and take the
//! language pair as arguments. The [`runner`] batches segments within each
//! engine's [`Limits`], holds the concurrency limit, retries with
//! exponential backoff and full jitter (honouring `Retry-After`), splits
//! batches the server calls too large or answers badly, and records a
//! per-segment outcome. Failures are classified into [`EngineError`], the
//! small enum that decides what the runner does.
//!
//! API keys come from the environment only, are registered as secrets as
//! they are read ([`crate::secrets`]), are sent only where the protocol
//! needs them, and never appear in errors: engines build their messages
//! from status codes and the server's error text, never from the request,
//! and every reply body is scrubbed of secrets before it is parsed.

pub mod apertium;
pub mod deepl;
pub mod google;
pub mod libretranslate;
pub mod openai;
pub mod protect;
pub mod runner;
pub mod stage;

use std::future::Future;
use std::time::Duration;

use crate::config::{Config, EngineConfig, EngineKind};
use crate::error::{Error, Result};

/// What one request may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Segments per request.
    pub max_segments: usize,
    /// Characters (code points) per request, all segments together.
    pub max_chars: usize,
    /// Requests in flight at once.
    pub concurrency: usize,
}

/// How protected spans are written for this engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagMode {
    /// `{{N}}`: survives plain-text engines (research: APy, LLMs).
    Plain,
    /// `<x id="N"/>`: for engines in an XML/HTML tag mode.
    Xml,
}

/// Why a request failed, as the runner needs to know it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// Slow down and retry (429 and the like).
    #[error("rate limited (HTTP {status})")]
    RateLimited {
        /// The HTTP status.
        status: u16,
        /// The server's `Retry-After`, if any.
        retry_after: Option<Duration>,
    },
    /// The quota is used up: stop the run, retrying cannot help.
    #[error("quota exhausted: {0}")]
    Quota(String),
    /// The key is missing or wrong: stop the run.
    #[error("not authorised: {0}")]
    Auth(String),
    /// The request was too large: split it.
    #[error("request too large: {0}")]
    TooLarge(String),
    /// The server cannot be reached: retried, then the run stops (every
    /// other request would fail the same way).
    #[error("could not connect: {0}")]
    Unreachable(String),
    /// A network error, a timeout or a 5xx: retry.
    #[error("transient failure: {0}")]
    Transient(String),
    /// The server refused the request as such (unsupported pair…): no retry.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The reply cannot be used (malformed, wrong count, truncated): retry
    /// smaller.
    #[error("unusable reply: {0}")]
    BadOutput(String),
}

impl EngineError {
    /// Errors that end the whole run.
    pub fn is_fatal(&self) -> bool {
        matches!(
            self,
            EngineError::Quota(_) | EngineError::Auth(_) | EngineError::Unreachable(_)
        )
    }

    /// Classifies an HTTP failure status with the server's message.
    pub fn from_status(status: u16, message: String, retry_after: Option<Duration>) -> EngineError {
        match status {
            429 => EngineError::RateLimited {
                status,
                retry_after,
            },
            401 => EngineError::Auth(message),
            413 | 414 => EngineError::TooLarge(message),
            408 | 500..=599 => EngineError::Transient(format!("HTTP {status}: {message}")),
            _ => EngineError::BadRequest(format!("HTTP {status}: {message}")),
        }
    }

    /// Classifies a transport error (never includes the URL, which may
    /// carry a key for some protocols).
    pub fn from_reqwest(e: &reqwest::Error) -> EngineError {
        let what = if e.is_timeout() {
            "timed out"
        } else if e.is_connect() {
            return EngineError::Unreachable(
                "is the server running? check the engine's `url` in config.toml".into(),
            );
        } else if e.is_decode() {
            return EngineError::BadOutput("the reply is not the JSON expected".into());
        } else {
            "the connection failed"
        };
        EngineError::Transient(what.into())
    }
}

/// A machine-translation engine: builds requests, parses replies.
pub trait Engine: Send + Sync {
    /// The engine's name (`apertium`, `libretranslate`).
    fn name(&self) -> &'static str;
    /// Everything about the engine that changes its output, for the
    /// translation memory key (API version, model, options).
    fn version(&self) -> String;
    /// Request limits.
    fn limits(&self) -> Limits;
    /// How protected spans are written.
    fn tag_mode(&self) -> TagMode;
    /// Translates `texts` (NFC, one per segment) from `from` to `to`; the
    /// reply has exactly one text per input, in order.
    fn translate(
        &self,
        texts: &[String],
        from: &str,
        to: &str,
    ) -> impl Future<Output = std::result::Result<Vec<String>, EngineError>> + Send;
    /// Checks that the server answers and has the language pair; a short
    /// human-readable description of what it found.
    fn check(
        &self,
        from: &str,
        to: &str,
    ) -> impl Future<Output = std::result::Result<String, EngineError>> + Send;
}

/// The HTTP client every engine uses: rustls, a User-Agent, timeouts.
///
/// # Errors
/// [`Error::Engine`] when the client cannot be built.
pub fn http_client(settings: &EngineConfig) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(concat!("songngu/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(settings.timeout_s.max(1)))
        .build()
        .map_err(|e| Error::Engine(format!("cannot build the HTTP client: {e}")))
}

/// The API key in the environment variable `var`, if set and not blank;
/// registered as a secret (see [`crate::secrets`]) as it is read.
pub(crate) fn env_key(var: &str) -> Option<String> {
    let key = std::env::var(var).ok().filter(|k| !k.trim().is_empty())?;
    crate::secrets::register(var, &key);
    Some(key)
}

/// Is the API key variable `var` set (not blank)? Reads nothing else.
pub fn key_present(var: &str) -> bool {
    std::env::var_os(var).is_some_and(|k| !k.to_string_lossy().trim().is_empty())
}

/// The environment variable an engine reads its API key from, and whether
/// the engine cannot work without it.
pub fn key_variable(kind: crate::config::EngineKind) -> Option<(&'static str, bool)> {
    use crate::config::EngineKind;
    match kind {
        EngineKind::Deepl => Some(("DEEPL_API_KEY", true)),
        EngineKind::Google => Some(("GOOGLE_API_KEY", true)),
        EngineKind::Openai => Some(("OPENAI_API_KEY", false)),
        EngineKind::Libretranslate => Some(("LIBRETRANSLATE_API_KEY", false)),
        EngineKind::Apertium | EngineKind::None => None,
    }
}

/// The API key `engine` cannot work without, from `var`.
///
/// # Errors
/// [`Error::Engine`] naming the variable when it is not set.
pub(crate) fn required_key(engine: &str, var: &str) -> Result<String> {
    env_key(var).ok_or_else(|| {
        Error::Engine(format!(
            "the {engine} engine needs an API key in the {var} environment variable"
        ))
    })
}

/// A reply that is not a success, its body already scrubbed of secrets.
#[derive(Debug)]
pub(crate) struct Failure {
    /// The HTTP status.
    pub status: u16,
    /// The reply's headers.
    pub headers: reqwest::header::HeaderMap,
    /// The body, with every registered secret replaced.
    pub body: String,
}

/// Reads a reply's body as text and scrubs every registered secret from
/// it: the one place server text enters the process.
pub(crate) async fn read_reply(
    resp: reqwest::Response,
) -> std::result::Result<Failure, EngineError> {
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| EngineError::from_reqwest(&e))?;
    let body = crate::secrets::scrub_string(String::from_utf8_lossy(&bytes).into_owned());
    Ok(Failure {
        status,
        headers,
        body,
    })
}

/// Sends `request` and parses a successful JSON reply; a transport failure
/// is classified by [`EngineError::from_reqwest`], an error status by the
/// engine's own `failure` (which reads the protocol's error body). The body
/// is scrubbed of secrets before it is parsed or quoted.
pub(crate) async fn call_json<T, F>(
    request: reqwest::RequestBuilder,
    failure: F,
) -> std::result::Result<T, EngineError>
where
    T: serde::de::DeserializeOwned,
    F: FnOnce(Failure) -> EngineError,
{
    let resp = request
        .send()
        .await
        .map_err(|e| EngineError::from_reqwest(&e))?;
    let success = resp.status().is_success();
    let reply = read_reply(resp).await?;
    if !success {
        return Err(failure(reply));
    }
    serde_json::from_str(&reply.body).map_err(|e| {
        let mut why = e.to_string();
        if why.chars().count() > 200 {
            why = why.chars().take(200).collect::<String>() + "…";
        }
        EngineError::BadOutput(format!("the reply is not the JSON expected ({why})"))
    })
}

impl EngineError {
    /// The error with every registered secret scrubbed from its text.
    #[must_use]
    pub fn scrubbed(self) -> EngineError {
        use crate::secrets::scrub_string as s;
        match self {
            EngineError::Quota(m) => EngineError::Quota(s(m)),
            EngineError::Auth(m) => EngineError::Auth(s(m)),
            EngineError::TooLarge(m) => EngineError::TooLarge(s(m)),
            EngineError::Unreachable(m) => EngineError::Unreachable(s(m)),
            EngineError::Transient(m) => EngineError::Transient(s(m)),
            EngineError::BadRequest(m) => EngineError::BadRequest(s(m)),
            EngineError::BadOutput(m) => EngineError::BadOutput(s(m)),
            e @ EngineError::RateLimited { .. } => e,
        }
    }
}

/// Reads a `Retry-After` header: seconds, or an HTTP date.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// The engines this build has, configured from `config`.
#[derive(Debug)]
pub enum AnyEngine {
    /// Apertium APy.
    Apertium(apertium::Apertium),
    /// LibreTranslate.
    Libre(libretranslate::LibreTranslate),
    /// DeepL API v2.
    Deepl(deepl::DeepL),
    /// Google Cloud Translation v2.
    Google(google::Google),
    /// An OpenAI-compatible chat-completions server.
    Openai(openai::OpenAi),
}

impl AnyEngine {
    /// The configured engine.
    ///
    /// # Errors
    /// [`Error::Engine`] for `none` or an engine this version does not have.
    pub fn from_config(config: &Config, kind: EngineKind) -> Result<AnyEngine> {
        match kind {
            EngineKind::Apertium => Ok(AnyEngine::Apertium(apertium::Apertium::new(
                &config.engines.apertium,
            )?)),
            EngineKind::Libretranslate => Ok(AnyEngine::Libre(
                libretranslate::LibreTranslate::new(&config.engines.libretranslate)?,
            )),
            EngineKind::Deepl => Ok(AnyEngine::Deepl(deepl::DeepL::new(&config.engines.deepl)?)),
            EngineKind::Google => Ok(AnyEngine::Google(google::Google::new(
                &config.engines.google,
            )?)),
            EngineKind::Openai => Ok(AnyEngine::Openai(openai::OpenAi::new(
                &config.engines.openai,
            )?)),
            EngineKind::None => Err(Error::Engine(
                "no engine configured ([translate] engine = \"none\")".into(),
            )),
        }
    }

    /// The configured engine for a dry run, which only plans: no API key
    /// is needed (the key, when set, is still registered as a secret), and
    /// nothing is sent.
    ///
    /// # Errors
    /// [`Error::Engine`] for `none`, or a setting the plan needs (the
    /// `openai` model, which is part of the memory key).
    pub fn for_planning(config: &Config, kind: EngineKind) -> Result<AnyEngine> {
        let key = |var: &str| env_key(var).unwrap_or_default();
        match kind {
            EngineKind::Deepl => Ok(AnyEngine::Deepl(deepl::DeepL::with_key(
                &config.engines.deepl,
                key("DEEPL_API_KEY"),
            )?)),
            EngineKind::Google => Ok(AnyEngine::Google(google::Google::with_key(
                &config.engines.google,
                key("GOOGLE_API_KEY"),
            )?)),
            other => Self::from_config(config, other),
        }
    }

    /// Gives the engine the glossary where it has a native use for it:
    /// DeepL gets a glossary made from its DeepL export (by content hash),
    /// an OpenAI-compatible engine lists the batch's terms in its prompt.
    /// Other engines rely on protect and verify.
    #[must_use]
    pub fn with_glossary(self, glossary: &crate::glossary::Glossary) -> AnyEngine {
        match self {
            AnyEngine::Deepl(d) => {
                let (tsv, _) = crate::glossary::exchange::export(
                    glossary,
                    crate::glossary::exchange::ExportFormat::Deepl,
                );
                AnyEngine::Deepl(d.with_glossary(tsv, &glossary.content_hash()))
            }
            AnyEngine::Openai(o) => AnyEngine::Openai(o.with_glossary(glossary)),
            other => other,
        }
    }

    /// Tokens used so far, for engines billed by the token: (prompt, completion).
    pub fn tokens(&self) -> Option<(u64, u64)> {
        match self {
            AnyEngine::Openai(o) => Some(o.usage()),
            _ => None,
        }
    }

    /// Is the engine billed by the token rather than by the character?
    pub fn billed_by_tokens(&self) -> bool {
        matches!(self, AnyEngine::Openai(_))
    }
}

/// Forwards a call to the engine inside [`AnyEngine`].
macro_rules! each {
    ($self:ident, $e:ident => $call:expr) => {
        match $self {
            AnyEngine::Apertium($e) => $call,
            AnyEngine::Libre($e) => $call,
            AnyEngine::Deepl($e) => $call,
            AnyEngine::Google($e) => $call,
            AnyEngine::Openai($e) => $call,
        }
    };
}

impl Engine for AnyEngine {
    fn name(&self) -> &'static str {
        each!(self, e => e.name())
    }
    fn version(&self) -> String {
        each!(self, e => e.version())
    }
    fn limits(&self) -> Limits {
        each!(self, e => e.limits())
    }
    fn tag_mode(&self) -> TagMode {
        each!(self, e => e.tag_mode())
    }
    // Every text an engine returns, translation or error, is scrubbed of
    // secrets here too (the engines already scrub reply bodies).
    async fn translate(
        &self,
        texts: &[String],
        from: &str,
        to: &str,
    ) -> std::result::Result<Vec<String>, EngineError> {
        match each!(self, e => e.translate(texts, from, to).await) {
            Ok(out) => Ok(out.into_iter().map(crate::secrets::scrub_string).collect()),
            Err(e) => Err(e.scrubbed()),
        }
    }
    async fn check(&self, from: &str, to: &str) -> std::result::Result<String, EngineError> {
        match each!(self, e => e.check(from, to).await) {
            Ok(found) => Ok(crate::secrets::scrub_string(found)),
            Err(e) => Err(e.scrubbed()),
        }
    }
}
