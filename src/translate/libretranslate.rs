//! LibreTranslate (`POST /translate` with a `q` array, `GET /languages`).
//!
//! The key, when the server needs one, comes from `LIBRETRANSLATE_API_KEY`
//! and goes in the JSON body (the protocol has no header for it); bodies
//! are never logged or put into errors. Limits are the server's
//! (`--batch-limit`, `--char-limit`), unknown to the client: the configured
//! `batch_size` and a 5,000-character request cap are the defaults, and a
//! server that says "too large" gets a split batch.

use serde::Deserialize;
use serde_json::json;

use super::{
    Engine, EngineError, Failure, Limits, TagMode, call_json, env_key, http_client, retry_after,
};
use crate::config::EngineConfig;
use crate::error::Result;
use crate::secrets::Secret;

/// A LibreTranslate server.
pub struct LibreTranslate {
    client: reqwest::Client,
    url: String,
    key: Option<Secret>,
    limits: Limits,
}

impl std::fmt::Debug for LibreTranslate {
    // The key never shows, not even in debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LibreTranslate")
            .field("url", &self.url)
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
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
    /// A client for `settings`; the key is read from
    /// `LIBRETRANSLATE_API_KEY` if set.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(settings: &EngineConfig) -> Result<LibreTranslate> {
        let key = env_key("LIBRETRANSLATE_API_KEY");
        Self::with_key(settings, key)
    }

    /// A client with an explicit key (for embedding and tests).
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn with_key(settings: &EngineConfig, key: Option<String>) -> Result<LibreTranslate> {
        Ok(LibreTranslate {
            client: http_client(settings)?,
            url: settings.url.trim_end_matches('/').to_owned(),
            key: key.map(|k| Secret::new("LIBRETRANSLATE_API_KEY", k)),
            limits: Limits {
                max_segments: settings.batch_size.max(1) as usize,
                max_chars: 5_000,
                concurrency: settings.concurrency.max(1) as usize,
            },
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

    fn tag_mode(&self) -> TagMode {
        TagMode::Plain
    }

    async fn translate(
        &self,
        texts: &[String],
        from: &str,
        to: &str,
    ) -> std::result::Result<Vec<String>, EngineError> {
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

    async fn check(&self, from: &str, to: &str) -> std::result::Result<String, EngineError> {
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
