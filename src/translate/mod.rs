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
pub mod registry;
pub mod runner;
#[cfg(test)]
pub(crate) mod scripted;
pub mod settings;
pub mod stage;

pub use registry::{Capabilities, ENGINES, EngineSpec, KeyVar, Purpose};
pub use settings::{EngineConfig, EngineKind, Engines, MtSettings, TranslateConfig};
pub use stage::{Mt, MtReport};

use std::future::Future;
use std::time::Duration;

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

impl Limits {
    /// The limits `settings` ask for (`batch_size`, `concurrency`, each at
    /// least 1) within an engine's own caps, with its request size.
    pub fn within(
        settings: &EngineConfig,
        max_segments: usize,
        max_chars: usize,
        max_concurrency: usize,
    ) -> Limits {
        Limits {
            max_segments: (settings.batch_size.max(1) as usize).min(max_segments),
            max_chars,
            concurrency: (settings.concurrency.max(1) as usize).min(max_concurrency),
        }
    }
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
    /// The engine does not translate this language pair (not installed,
    /// not supported): stop the run, retrying or running again cannot help.
    #[error("language pair not offered: {0}")]
    Unsupported(String),
    /// The engine's settings do not fit the server (a model it does not
    /// have, a url that is not its base): stop the run, every request
    /// would fail the same way.
    #[error("the settings do not fit the server: {0}")]
    Misconfigured(String),
    /// The server refused the request as such: no retry.
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
            EngineError::Quota(_)
                | EngineError::Auth(_)
                | EngineError::Unreachable(_)
                | EngineError::Unsupported(_)
                | EngineError::Misconfigured(_)
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
            400..=499 if names_an_unsupported_pair(&message) => {
                EngineError::Unsupported(format!("HTTP {status}: {message}"))
            }
            _ => EngineError::BadRequest(format!("HTTP {status}: {message}")),
        }
    }

    /// Classifies a transport error (never includes the URL, which may
    /// carry a key for some protocols).
    pub fn from_reqwest(e: &reqwest::Error) -> EngineError {
        if e.is_redirect() {
            let to = std::error::Error::source(e)
                .and_then(|s| s.downcast_ref::<CrossOrigin>())
                .map_or_else(|| "another server".to_owned(), |c| c.0.clone());
            return EngineError::Misconfigured(format!(
                "the server redirected the request to {to}; songngu follows redirects only \
                 within the configured server, since the API key would go along: set the \
                 engine's `url` in config.toml to where the service is"
            ));
        }
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

/// How a provider bills a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Billing {
    /// By the source character (the runner counts them).
    #[default]
    Characters,
    /// By the token (the engine counts them: [`Engine::tokens_used`]).
    Tokens,
}

/// What an engine call returns.
pub type EngineResult<T> = std::result::Result<T, EngineError>;

/// Does a refusal's message say the language pair is not offered? The
/// providers' own words: APy "That pair is not installed", LibreTranslate
/// "xx is not supported", DeepL "Value for 'target_lang' not supported",
/// Google "Bad language pair".
fn names_an_unsupported_pair(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "pair is not installed",
        "not supported",
        "unsupported",
        "bad language pair",
    ]
    .iter()
    .any(|w| m.contains(w))
}

/// A machine-translation engine: builds requests, parses replies.
///
/// Contract: `translate` returns exactly one text per input, in order, or
/// a classified [`EngineError`]; it never retries, splits or waits (the
/// [`runner`] does). Messages are built from status codes and the
/// server's error text, never from the request (which may carry a key).
/// The methods with a default body are capabilities an engine has only
/// when it says so.
pub trait Engine: Send + Sync {
    /// The engine's name (`apertium`, `libretranslate`): its registry name.
    fn name(&self) -> &'static str;
    /// Everything about the engine that changes its output, for the
    /// translation memory key (API version, model, options).
    fn version(&self) -> String;
    /// Request limits.
    fn limits(&self) -> Limits;
    /// How protected spans are written (plain `{{N}}` unless the engine
    /// has a tag mode).
    fn tag_mode(&self) -> TagMode {
        TagMode::Plain
    }
    /// Translates `texts` (NFC, one per segment) from `from` to `to`; the
    /// reply has exactly one text per input, in order.
    fn translate(
        &self,
        texts: &[String],
        from: &str,
        to: &str,
    ) -> impl Future<Output = EngineResult<Vec<String>>> + Send;
    /// Checks that the server answers and has the language pair; a short
    /// human-readable description of what it found.
    fn check(&self, from: &str, to: &str) -> impl Future<Output = EngineResult<String>> + Send;
    /// How the provider bills (by the character unless the engine says
    /// otherwise).
    fn billing(&self) -> Billing {
        Billing::Characters
    }
    /// The billable tokens a request of `texts` would cost, estimated
    /// before sending (engines billed by the token; 0 for the others).
    fn estimate_tokens(&self, _texts: &[String]) -> u64 {
        0
    }
    /// Tokens used so far by this engine (prompt and completion; engines
    /// billed by the token, 0 for the others).
    fn tokens_used(&self) -> u64 {
        0
    }
    /// Gives the engine the glossary, where it has a native use for it
    /// ([`Capabilities::native_glossary`]); others rely on protect and
    /// verify, and ignore it.
    fn use_glossary(&mut self, _glossary: &crate::glossary::Glossary) {}
    /// Deletes the glossaries this tool made on the server, but the one
    /// for the glossary whose content hash is `keep`; the names deleted
    /// (engines with [`Capabilities::server_glossaries`]; none for others).
    fn prune_glossaries(
        &self,
        _keep: &str,
    ) -> impl Future<Output = EngineResult<Vec<String>>> + Send {
        std::future::ready(Ok(Vec::new()))
    }
}

/// The HTTP client every engine uses: rustls, a User-Agent, timeouts.
///
/// # Errors
/// [`Error::Engine`] when the client cannot be built.
pub fn http_client(settings: &EngineConfig) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(concat!("songngu/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::custom(same_origin_redirects))
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(settings.timeout_s.max(1)))
        .build()
        .map_err(|e| Error::Engine(format!("cannot build the HTTP client: {e}")))
}

/// Follows a redirect only within the origin (scheme, host and port) of
/// the first request, at most 10 times. Across origins it stops with an
/// error: a key travels in a header (`x-goog-api-key`) or in the body
/// (LibreTranslate's `api_key`, re-sent on a 307/308) that the HTTP client
/// would carry to the other server.
fn same_origin_redirects(attempt: reqwest::redirect::Attempt<'_>) -> reqwest::redirect::Action {
    let first = attempt.previous().first().map(reqwest::Url::origin);
    if first.as_ref() != Some(&attempt.url().origin()) {
        let to = attempt.url().origin().ascii_serialization();
        return attempt.error(CrossOrigin(to));
    }
    if attempt.previous().len() > 10 {
        return attempt.error(CrossOrigin("a loop of redirects".into()));
    }
    attempt.follow()
}

/// A redirect [`same_origin_redirects`] refused; what it led to.
#[derive(Debug)]
struct CrossOrigin(String);

impl std::fmt::Display for CrossOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CrossOrigin {}

/// The HTTP client for `settings` ([`http_client`]) and the server's base
/// URL without a trailing `/`.
///
/// # Errors
/// [`Error::Engine`] when the client cannot be built.
pub(crate) fn connect(settings: &EngineConfig) -> Result<(reqwest::Client, String)> {
    Ok((
        http_client(settings)?,
        settings.url.trim_end_matches('/').to_owned(),
    ))
}

/// The API key in the environment variable `var`, if set and not blank,
/// without the spaces and line breaks around it (a key pasted with its
/// line break); registered as a secret (see [`crate::secrets`]) as it is
/// read, as set and as used.
///
/// # Errors
/// [`Error::Engine`] naming the variable (never the key) when the key
/// holds a control character or space inside it, which no HTTP header can
/// carry.
pub(crate) fn env_key(var: &str) -> Result<Option<String>> {
    let Ok(raw) = std::env::var(var) else {
        return Ok(None);
    };
    let key = raw.trim();
    if key.is_empty() {
        return Ok(None);
    }
    crate::secrets::register(var, &raw);
    crate::secrets::register(var, key);
    if key.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Error::Engine(format!(
            "the API key in {var} has a line break, tab or other control character inside it, \
             which no request can carry; set the variable to the key alone"
        )));
    }
    Ok(Some(key.to_owned()))
}

/// Is the API key variable `var` set (not blank)? Reads nothing else.
pub fn key_present(var: &str) -> bool {
    std::env::var_os(var).is_some_and(|k| !k.to_string_lossy().trim().is_empty())
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

/// An error reply of the common shape `{"error": {…}}`, the body being
/// the protocol's own.
#[derive(serde::Deserialize)]
pub(crate) struct ErrorReply<T> {
    /// The protocol's error object.
    pub error: T,
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

/// Sends `request` and returns a successful reply's body; a transport
/// failure is classified by [`EngineError::from_reqwest`], an error status
/// by the engine's own `failure` (which reads the protocol's error body).
/// The body is scrubbed of secrets before it is returned or quoted.
pub(crate) async fn call_text<F>(
    request: reqwest::RequestBuilder,
    failure: F,
) -> std::result::Result<String, EngineError>
where
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
    Ok(reply.body)
}

/// [`call_text`], the body parsed as JSON ([`parse_json`]).
pub(crate) async fn call_json<T, F>(
    request: reqwest::RequestBuilder,
    failure: F,
) -> std::result::Result<T, EngineError>
where
    T: serde::de::DeserializeOwned,
    F: FnOnce(Failure) -> EngineError,
{
    parse_json(&call_text(request, failure).await?)
}

/// A successful reply's JSON, or [`EngineError::BadOutput`] saying why not.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    body: &str,
) -> std::result::Result<T, EngineError> {
    serde_json::from_str(body).map_err(|e| {
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
            EngineError::Unsupported(m) => EngineError::Unsupported(s(m)),
            EngineError::Misconfigured(m) => EngineError::Misconfigured(s(m)),
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

/// Any engine of the registry, behind one type (what the stage and the
/// CLI hold). Every text it returns, translation or error, is scrubbed of
/// secrets (the engines already scrub reply bodies).
pub struct AnyEngine(Box<dyn DynEngine>);

impl std::fmt::Debug for AnyEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.debug(f)
    }
}

impl AnyEngine {
    /// Wraps an engine (one built by hand, for embedding and tests).
    pub fn new<E: Engine + std::fmt::Debug + 'static>(engine: E) -> AnyEngine {
        AnyEngine(Box::new(engine))
    }

    /// The engine `kind` with its settings from `engines`, ready to send
    /// ([`registry::open`]).
    ///
    /// # Errors
    /// [`Error::Engine`] for `none`, a required key not set, or settings
    /// the engine cannot use.
    pub fn from_config(engines: &Engines, kind: EngineKind) -> Result<AnyEngine> {
        registry::open(engines, kind, Purpose::Send)
    }

    /// The configured engine for a dry run, which only plans: no API key
    /// is needed (the key, when set, is still registered as a secret), and
    /// nothing is sent.
    ///
    /// # Errors
    /// [`Error::Engine`] for `none`, or a setting the plan needs (the
    /// `openai` model, which is part of the memory key).
    pub fn for_planning(engines: &Engines, kind: EngineKind) -> Result<AnyEngine> {
        registry::open(engines, kind, Purpose::Plan)
    }

    /// The engine `[translate] engine` names, with its settings from
    /// `engines`, for a run (`plan`: a dry run); `None` when it is `none`.
    ///
    /// # Errors
    /// As [`AnyEngine::from_config`].
    pub fn configured(
        translate: &TranslateConfig,
        engines: &Engines,
        plan: bool,
    ) -> Result<Option<AnyEngine>> {
        if translate.engine.is_none() {
            return Ok(None);
        }
        let purpose = if plan { Purpose::Plan } else { Purpose::Send };
        registry::open(engines, translate.engine, purpose).map(Some)
    }

    /// Gives the engine the glossary where it has a native use for it
    /// ([`Engine::use_glossary`]).
    #[must_use]
    pub fn with_glossary(mut self, glossary: &crate::glossary::Glossary) -> AnyEngine {
        self.0.use_glossary(glossary);
        self
    }
}

/// A boxed future an engine call returns, behind [`AnyEngine`].
type Call<'a, T> = std::pin::Pin<Box<dyn Future<Output = EngineResult<T>> + Send + 'a>>;

/// [`Engine`] as a trait object: the same methods, futures boxed. Every
/// engine has it (the blanket impl below); only [`AnyEngine`] uses it.
trait DynEngine: Send + Sync {
    fn name(&self) -> &'static str;
    fn version(&self) -> String;
    fn limits(&self) -> Limits;
    fn tag_mode(&self) -> TagMode;
    fn billing(&self) -> Billing;
    fn estimate_tokens(&self, texts: &[String]) -> u64;
    fn tokens_used(&self) -> u64;
    fn use_glossary(&mut self, glossary: &crate::glossary::Glossary);
    fn translate<'a>(
        &'a self,
        texts: &'a [String],
        from: &'a str,
        to: &'a str,
    ) -> Call<'a, Vec<String>>;
    fn check<'a>(&'a self, from: &'a str, to: &'a str) -> Call<'a, String>;
    fn prune_glossaries<'a>(&'a self, keep: &'a str) -> Call<'a, Vec<String>>;
    fn debug(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result;
}

impl<E: Engine + std::fmt::Debug + 'static> DynEngine for E {
    fn name(&self) -> &'static str {
        Engine::name(self)
    }
    fn version(&self) -> String {
        Engine::version(self)
    }
    fn limits(&self) -> Limits {
        Engine::limits(self)
    }
    fn tag_mode(&self) -> TagMode {
        Engine::tag_mode(self)
    }
    fn billing(&self) -> Billing {
        Engine::billing(self)
    }
    fn estimate_tokens(&self, texts: &[String]) -> u64 {
        Engine::estimate_tokens(self, texts)
    }
    fn tokens_used(&self) -> u64 {
        Engine::tokens_used(self)
    }
    fn use_glossary(&mut self, glossary: &crate::glossary::Glossary) {
        Engine::use_glossary(self, glossary);
    }
    fn translate<'a>(
        &'a self,
        texts: &'a [String],
        from: &'a str,
        to: &'a str,
    ) -> Call<'a, Vec<String>> {
        Box::pin(Engine::translate(self, texts, from, to))
    }
    fn check<'a>(&'a self, from: &'a str, to: &'a str) -> Call<'a, String> {
        Box::pin(Engine::check(self, from, to))
    }
    fn prune_glossaries<'a>(&'a self, keep: &'a str) -> Call<'a, Vec<String>> {
        Box::pin(Engine::prune_glossaries(self, keep))
    }
    fn debug(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

impl Engine for AnyEngine {
    fn name(&self) -> &'static str {
        self.0.name()
    }
    fn version(&self) -> String {
        self.0.version()
    }
    fn limits(&self) -> Limits {
        self.0.limits()
    }
    fn tag_mode(&self) -> TagMode {
        self.0.tag_mode()
    }
    fn billing(&self) -> Billing {
        self.0.billing()
    }
    fn estimate_tokens(&self, texts: &[String]) -> u64 {
        self.0.estimate_tokens(texts)
    }
    fn tokens_used(&self) -> u64 {
        self.0.tokens_used()
    }
    fn use_glossary(&mut self, glossary: &crate::glossary::Glossary) {
        self.0.use_glossary(glossary);
    }
    async fn translate(&self, texts: &[String], from: &str, to: &str) -> EngineResult<Vec<String>> {
        match self.0.translate(texts, from, to).await {
            Ok(out) => Ok(out.into_iter().map(crate::secrets::scrub_string).collect()),
            Err(e) => Err(e.scrubbed()),
        }
    }
    async fn check(&self, from: &str, to: &str) -> EngineResult<String> {
        match self.0.check(from, to).await {
            Ok(found) => Ok(crate::secrets::scrub_string(found)),
            Err(e) => Err(e.scrubbed()),
        }
    }
    async fn prune_glossaries(&self, keep: &str) -> EngineResult<Vec<String>> {
        self.0
            .prune_glossaries(keep)
            .await
            .map_err(EngineError::scrubbed)
    }
}
