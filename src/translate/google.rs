//! Google Cloud Translation v2 (Basic): `POST /language/translate/v2`,
//! `GET /language/translate/v2/languages`.
//!
//! The key comes from `GOOGLE_API_KEY` and travels only in the
//! `x-goog-api-key` header, never as the `key` query parameter (URLs end
//! up in proxy logs and error messages). Requests hold at most 128 texts
//! and 5,000 code points; `format=text`, and HTML entities still found in
//! replies (`&#39;`, `&amp;`) are decoded. Errors are classified on the
//! reply's `error.errors[].reason` and `error.details[].reason`: 403
//! `dailyLimitExceeded` (or "Daily Limit Exceeded") and the Cloud quota's
//! 429 RESOURCE_EXHAUSTED naming a limit "per day" stop the run as a
//! quota; 403 `userRateLimitExceeded`/`rateLimitExceeded` and other 429s
//! (the per-minute quota) are retried; other 403s, 401 and 400 "API key
//! not valid"/"API key expired" (`API_KEY_INVALID`) are authentication
//! failures; 400 "Too many text segments", "Text is too long", "payload
//! size exceeds the limit" split; 5xx is retried.

use serde::Deserialize;
use serde_json::json;

use super::registry::EngineSpec;
use super::{
    AnyEngine, Engine, EngineConfig, EngineError, EngineResult, ErrorReply, Failure, Limits,
    call_json, connect, retry_after,
};
use crate::error::Result;
use crate::secrets::Secret;

/// Where the key comes from.
const KEY: &str = "GOOGLE_API_KEY";

/// The registry entry.
pub const SPEC: EngineSpec = EngineSpec::new(
    "google",
    "https://translation.googleapis.com",
    4,
    |settings, key| Google::with_key(settings, key.unwrap_or_default()).map(AnyEngine::new),
)
.key(KEY, true);

/// A Google Cloud Translation v2 client.
///
/// `Debug` shows no key: [`Secret`] redacts it.
#[derive(Debug)]
pub struct Google {
    client: reqwest::Client,
    url: String,
    key: Secret,
    limits: Limits,
}

#[derive(Deserialize)]
struct Reply {
    data: Data,
}

#[derive(Deserialize)]
struct Data {
    translations: Vec<Translation>,
}

#[derive(Deserialize)]
struct Translation {
    #[serde(rename = "translatedText")]
    translated_text: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    message: String,
    #[serde(default)]
    errors: Vec<ErrorItem>,
    #[serde(default)]
    status: String,
    /// `google.rpc.ErrorInfo` and the like: their `reason`
    /// (`API_KEY_INVALID`, `RATE_LIMIT_EXCEEDED`).
    #[serde(default)]
    details: Vec<ErrorItem>,
}

#[derive(Deserialize)]
struct ErrorItem {
    #[serde(default)]
    reason: String,
}

/// Decodes the HTML character references Google leaves in replies.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|e| e + 1);
        let decoded = match end {
            Some(e) if tail[e..].starts_with(';') => {
                let name = &tail[1..e];
                let c = match name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    "nbsp" => Some('\u{a0}'),
                    _ if name.starts_with("#x") || name.starts_with("#X") => {
                        u32::from_str_radix(&name[2..], 16)
                            .ok()
                            .and_then(char::from_u32)
                    }
                    _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
                    _ => None,
                };
                c.map(|c| (c, e + 1))
            }
            _ => None,
        };
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

impl Google {
    /// A client for `settings` with the key (the registry reads it from
    /// `GOOGLE_API_KEY`).
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn with_key(settings: &EngineConfig, key: String) -> Result<Google> {
        let (client, url) = connect(settings)?;
        Ok(Google {
            client,
            url,
            key: Secret::new(KEY, key),
            limits: Limits::within(settings, 128, 5_000, usize::MAX),
        })
    }

    fn failure(f: Failure) -> EngineError {
        let status = f.status;
        let after = retry_after(&f.headers);
        let (message, reasons, state) = match serde_json::from_str::<ErrorReply<ErrorBody>>(&f.body)
        {
            Ok(e) => (
                e.error.message,
                e.error
                    .errors
                    .into_iter()
                    .chain(e.error.details)
                    .map(|i| i.reason)
                    .collect::<Vec<_>>(),
                e.error.status,
            ),
            Err(_) => (format!("HTTP {status}"), Vec::new(), String::new()),
        };
        let has = |r: &str| reasons.iter().any(|x| x == r);
        let lower = message.to_lowercase();
        // Cloud quotas answer 429 RESOURCE_EXHAUSTED "Quota exceeded for quota
        // metric '…' and limit '… per day' …": a daily cap, like the old 403.
        let per_day = lower.contains("per day") && lower.contains("quota");
        if has("dailyLimitExceeded") || lower.contains("daily limit exceeded") || per_day {
            return EngineError::Quota(format!(
                "Google's daily limit is used up ({message}): raise the quota or wait until tomorrow"
            ));
        }
        if has("userRateLimitExceeded")
            || has("rateLimitExceeded")
            || lower.contains("rate limit exceeded")
            || status == 429
        {
            return EngineError::RateLimited {
                status,
                retry_after: after,
            };
        }
        if has("keyInvalid")
            || has("API_KEY_INVALID")
            || lower.contains("api key not valid")
            || lower.contains("api key expired")
            || status == 401
        {
            return EngineError::Auth(format!(
                "Google refused the key ({message}); check GOOGLE_API_KEY"
            ));
        }
        match status {
            403 => EngineError::Auth(format!(
                "Google refused the request ({message}); check GOOGLE_API_KEY and that the Cloud Translation API is enabled"
            )),
            400 if lower.contains("too large")
                || lower.contains("too long")
                || lower.contains("exceeds the limit")
                || lower.contains("too many text segments") =>
            {
                EngineError::TooLarge(message)
            }
            _ => EngineError::from_status(
                status,
                if state.is_empty() {
                    message
                } else {
                    format!("{state}: {message}")
                },
                after,
            ),
        }
    }
}

impl Engine for Google {
    fn name(&self) -> &'static str {
        "google"
    }

    fn version(&self) -> String {
        "v2;format=text".into()
    }

    fn limits(&self) -> Limits {
        self.limits
    }

    async fn translate(&self, texts: &[String], from: &str, to: &str) -> EngineResult<Vec<String>> {
        let reply: Reply = call_json(
            self.client
                .post(format!("{}/language/translate/v2", self.url))
                .header("x-goog-api-key", self.key.expose())
                .json(&json!({"q": texts, "source": from, "target": to, "format": "text"})),
            Self::failure,
        )
        .await?;
        if reply.data.translations.len() != texts.len() {
            return Err(EngineError::BadOutput(format!(
                "{} translations for {} texts",
                reply.data.translations.len(),
                texts.len()
            )));
        }
        Ok(reply
            .data
            .translations
            .into_iter()
            .map(|t| decode_entities(&t.translated_text))
            .collect())
    }

    async fn check(&self, from: &str, to: &str) -> EngineResult<String> {
        #[derive(Deserialize)]
        struct Langs {
            data: LangData,
        }
        #[derive(Deserialize)]
        struct LangData {
            languages: Vec<Lang>,
        }
        #[derive(Deserialize)]
        struct Lang {
            language: String,
        }
        let langs: Langs = call_json(
            self.client
                .get(format!("{}/language/translate/v2/languages", self.url))
                .query(&[("target", to)])
                .header("x-goog-api-key", self.key.expose()),
            Self::failure,
        )
        .await?;
        let has = |c: &str| langs.data.languages.iter().any(|l| l.language == c);
        if !has(from) || !has(to) {
            return Err(EngineError::BadRequest(format!(
                "Google Translation does not list both `{from}` and `{to}`"
            )));
        }
        Ok(format!(
            "Google Cloud Translation v2 at {}: {from} → {to} available",
            self.url
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::decode_entities;

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("It&#39;s &quot;x&quot; &amp; y"),
            "It's \"x\" & y"
        );
        assert_eq!(decode_entities("&#x41;&lt;&gt;&nbsp;"), "A<>\u{a0}");
        assert_eq!(
            decode_entities("R&D & co &unknown; &#;"),
            "R&D & co &unknown; &#;"
        );
    }
}
