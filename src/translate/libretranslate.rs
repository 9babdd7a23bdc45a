//! LibreTranslate (`POST /translate` with a `q` array, `GET /languages`).
//!
//! The key, when the server needs one, comes from `LIBRETRANSLATE_API_KEY`
//! and goes in the JSON body (the protocol has no header for it); bodies
//! are never logged or put into errors. Limits are the server's
//! (`--batch-limit`, `--char-limit`), unknown to the client: the configured
//! `batch_size` and a 5,000-character request cap are the defaults, and a
//! server that says "too large" gets a split batch.
//!
//! Errors are `{"error": "…"}` (its `app.py`): 400 "request (N) exceeds
//! text limit (L)" (`--batch-limit`, `--char-limit`) splits; 400 "Please
//! contact the server operator to get an API key" / "Visit … to get an API
//! key" and 403 "Invalid API key" are key failures; 403 "Too many request
//! limits violations" (a ban) stops the run as a quota; 429 "Slowdown: …"
//! is retried; "xx is not supported" (400) and "… is not available as a
//! target language from …" (a 500 wrapping a 400) stop the run as a pair
//! not offered; other 500s ("Cannot translate text: …") are retried.

use serde::Deserialize;
use serde_json::json;

use super::registry::EngineSpec;
use super::{
    AnyEngine, Engine, EngineConfig, EngineError, EngineResult, Failure, Limits, call_json,
    connect, retry_after,
};
use crate::error::Result;
use crate::secrets::Secret;

/// Where the key comes from, when the server needs one.
const KEY: &str = "LIBRETRANSLATE_API_KEY";

/// The registry entry.
pub const SPEC: EngineSpec = EngineSpec::new(
    "libretranslate",
    "http://127.0.0.1:5000",
    4,
    |settings, key| LibreTranslate::with_key(settings, key).map(AnyEngine::new),
)
.key(KEY, false);

/// A LibreTranslate server.
///
/// `Debug` shows no key: [`Secret`] redacts it.
#[derive(Debug)]
pub struct LibreTranslate {
    client: reqwest::Client,
    url: String,
    key: Option<Secret>,
    limits: Limits,
}

#[derive(Deserialize)]
struct Reply {
    #[serde(rename = "translatedText")]
    translated: serde_json::Value,
}

#[derive(Deserialize)]
struct ErrorReply {
    error: Option<String>,
}

#[derive(Deserialize)]
struct Language {
    code: String,
    #[serde(default)]
    targets: Vec<String>,
}

impl LibreTranslate {
    /// A client for `settings` with the key, if the server needs one (the
    /// registry reads it from `LIBRETRANSLATE_API_KEY`).
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn with_key(settings: &EngineConfig, key: Option<String>) -> Result<LibreTranslate> {
        let (client, url) = connect(settings)?;
        Ok(LibreTranslate {
            client,
            url,
            key: key.map(|k| Secret::new(KEY, k)),
            limits: Limits::within(settings, usize::MAX, 5_000, usize::MAX),
        })
    }

    fn failure(f: Failure) -> EngineError {
        let status = f.status;
        let after = retry_after(&f.headers);
        let message = serde_json::from_str::<ErrorReply>(&f.body)
            .ok()
            .and_then(|e| e.error)
            .unwrap_or_default();
        let lower = message.to_lowercase();
        match status {
            // Its translate route wraps this 400 in a 500 ("Cannot translate
            // text: 400 Bad Request: English (en) is not available as a
            // target language from …"): no retry makes the pair appear.
            _ if lower.contains("is not available as a target language") => {
                EngineError::Unsupported(format!("HTTP {status}: {message}"))
            }
            403 if lower.contains("too many request limits") => EngineError::Quota(format!(
                "LibreTranslate's request limit is used up ({message}): wait, or ask the server's operator for a higher limit"
            )),
            403 => EngineError::Auth(format!(
                "LibreTranslate refused the key ({}); check LIBRETRANSLATE_API_KEY",
                if message.is_empty() {
                    "HTTP 403"
                } else {
                    &message
                }
            )),
            400 if lower.contains("api key") || lower.contains("api_key") => EngineError::Auth(
                format!("LibreTranslate refused the key ({message}); check LIBRETRANSLATE_API_KEY"),
            ),
            400 if lower.contains("limit")
                || lower.contains("too long")
                || lower.contains("exceeds") =>
            {
                EngineError::TooLarge(message)
            }
            _ => EngineError::from_status(
                status,
                if message.is_empty() {
                    format!("HTTP {status}")
                } else {
                    message
                },
                after,
            ),
        }
    }
}

impl Engine for LibreTranslate {
    fn name(&self) -> &'static str {
        "libretranslate"
    }

    fn version(&self) -> String {
        "v1;format=text".into()
    }

    fn limits(&self) -> Limits {
        self.limits
    }

    async fn translate(&self, texts: &[String], from: &str, to: &str) -> EngineResult<Vec<String>> {
        let mut body = json!({ "q": texts, "source": from, "target": to, "format": "text" });
        if let Some(k) = &self.key {
            body["api_key"] = json!(k.expose());
        }
        let reply: Reply = call_json(
            self.client
                .post(format!("{}/translate", self.url))
                .json(&body),
            Self::failure,
        )
        .await?;
        let out: Vec<String> = match reply.translated {
            serde_json::Value::Array(items) => items
                .into_iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<_>>(),
            serde_json::Value::String(s) if texts.len() == 1 => Some(vec![s]),
            _ => None,
        }
        .ok_or_else(|| {
            EngineError::BadOutput("`translatedText` is not a list of strings".into())
        })?;
        if out.len() != texts.len() {
            return Err(EngineError::BadOutput(format!(
                "{} texts sent, {} came back",
                texts.len(),
                out.len()
            )));
        }
        Ok(out.into_iter().map(|t| t.trim().to_owned()).collect())
    }

    async fn check(&self, from: &str, to: &str) -> EngineResult<String> {
        let langs: Vec<Language> = call_json(
            self.client.get(format!("{}/languages", self.url)),
            Self::failure,
        )
        .await?;
        match langs.iter().find(|l| l.code == from) {
            Some(l) if l.targets.is_empty() || l.targets.iter().any(|t| t == to) => Ok(format!(
                "{} languages, {from} -> {to} available",
                langs.len()
            )),
            _ => Err(EngineError::BadRequest(format!(
                "the server cannot translate {from} -> {to}"
            ))),
        }
    }
}
