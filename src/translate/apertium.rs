//! Apertium APy (`POST /translate`, `GET /listPairs`).
//!
//! Protocol facts (measured; see the project notes): form-encoded
//! parameters, one `q` per request, `langpair=eng|spa` with ISO 639-3
//! codes, `markUnknown=no` (else unknown words get `*`). APy silently
//! truncates long or concurrent requests with status 200, so this engine
//! packs segments with blank lines between them up to 4,000 characters,
//! appends an end sentinel paragraph (`{{999999}}`, which APy keeps), and
//! calls a reply without the sentinel, or with another number of
//! paragraphs, `BadOutput`: the runner then splits the batch, so a
//! truncated target is never written. At most 2 requests in flight.

use serde::Deserialize;

use super::registry::EngineSpec;
use super::{
    AnyEngine, Engine, EngineConfig, EngineError, EngineResult, Failure, Limits, call_json,
    connect, retry_after,
};
use crate::error::Result;

/// The registry entry.
pub const SPEC: EngineSpec =
    EngineSpec::new("apertium", "http://127.0.0.1:2737", 2, |settings, _| {
        Apertium::new(settings).map(AnyEngine::new)
    });

/// The end-of-request sentinel: no letters, so APy does not translate it.
const SENTINEL: &str = "{{999999}}";

/// An Apertium APy server.
#[derive(Debug)]
pub struct Apertium {
    client: reqwest::Client,
    url: String,
    limits: Limits,
}

/// ISO 639-3 code for a configured language code (`vi` → `vie`); codes
/// that are already three letters (or unknown) pass through.
pub fn iso639_3(code: &str) -> String {
    let base = code
        .split(['-', '_'])
        .next()
        .unwrap_or(code)
        .to_ascii_lowercase();
    let mapped = match base.as_str() {
        "vi" => "vie",
        "en" => "eng",
        "es" => "spa",
        "fr" => "fra",
        "de" => "deu",
        "it" => "ita",
        "pt" => "por",
        "ca" => "cat",
        "ru" => "rus",
        "zh" => "zho",
        "ja" => "jpn",
        "ko" => "kor",
        "th" => "tha",
        "lo" => "lao",
        "km" => "khm",
        "id" => "ind",
        "ms" => "msa",
        "nl" => "nld",
        "sv" => "swe",
        "da" => "dan",
        "nb" | "no" => "nob",
        "eu" => "eus",
        "gl" => "glg",
        "oc" => "oci",
        "ro" => "ron",
        "pl" => "pol",
        "uk" => "ukr",
        "cy" => "cym",
        "ar" => "ara",
        other => return other.to_owned(),
    };
    mapped.to_owned()
}

#[derive(Deserialize)]
struct TranslateReply {
    #[serde(rename = "responseData")]
    data: TranslateData,
}

#[derive(Deserialize)]
struct TranslateData {
    #[serde(rename = "translatedText")]
    text: String,
}

#[derive(Deserialize)]
struct PairsReply {
    #[serde(rename = "responseData")]
    data: Vec<Pair>,
}

#[derive(Deserialize)]
struct Pair {
    #[serde(rename = "sourceLanguage")]
    source: String,
    #[serde(rename = "targetLanguage")]
    target: String,
}

#[derive(Deserialize)]
struct ErrorReply {
    explanation: Option<String>,
    message: Option<String>,
}

impl Apertium {
    /// An APy client for `settings` (`url`, `concurrency` capped at 2,
    /// `batch_size`, `timeout_s`).
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(settings: &EngineConfig) -> Result<Apertium> {
        let (client, url) = connect(settings)?;
        Ok(Apertium {
            client,
            url,
            // Leave room for the separators and the sentinel; at most 2 in flight.
            limits: Limits::within(settings, usize::MAX, 4_000 - 2 - SENTINEL.len(), 2),
        })
    }

    fn failure(f: Failure) -> EngineError {
        let status = f.status;
        let after = retry_after(&f.headers);
        let message = serde_json::from_str::<ErrorReply>(&f.body)
            .ok()
            .and_then(|e| e.explanation.or(e.message))
            .unwrap_or_else(|| format!("HTTP {status}"));
        EngineError::from_status(status, message, after)
    }
}

impl Engine for Apertium {
    fn name(&self) -> &'static str {
        "apertium"
    }

    fn version(&self) -> String {
        "apy;markUnknown=no;format=default".into()
    }

    fn limits(&self) -> Limits {
        self.limits
    }

    async fn translate(&self, texts: &[String], from: &str, to: &str) -> EngineResult<Vec<String>> {
        // Paragraphs inside one segment would break the packing: blank lines
        // within a segment are sent as single line breaks.
        let mut q = String::new();
        for t in texts {
            let one: String = t
                .split('\n')
                .filter(|l| !l.trim().is_empty())
                .collect::<Vec<_>>()
                .join("\n");
            q.push_str(&one);
            q.push_str("\n\n");
        }
        q.push_str(SENTINEL);
        let langpair = format!("{}|{}", iso639_3(from), iso639_3(to));
        let request = self.client.post(format!("{}/translate", self.url)).form(&[
            ("q", q.as_str()),
            ("langpair", langpair.as_str()),
            ("markUnknown", "no"),
        ]);
        let reply: TranslateReply = call_json(request, Self::failure).await?;
        let mut parts: Vec<&str> = reply.data.text.split("\n\n").collect();
        if parts.last().map(|p| p.trim()) != Some(SENTINEL) {
            return Err(EngineError::BadOutput(
                "the reply was cut short (end sentinel missing)".into(),
            ));
        }
        parts.pop();
        if parts.len() != texts.len() {
            return Err(EngineError::BadOutput(format!(
                "{} texts sent, {} came back",
                texts.len(),
                parts.len()
            )));
        }
        Ok(parts.into_iter().map(|p| p.trim().to_owned()).collect())
    }

    async fn check(&self, from: &str, to: &str) -> EngineResult<String> {
        let pairs: PairsReply = call_json(
            self.client.get(format!("{}/listPairs", self.url)),
            Self::failure,
        )
        .await?;
        let (f, t) = (iso639_3(from), iso639_3(to));
        if pairs.data.iter().any(|p| p.source == f && p.target == t) {
            Ok(format!(
                "{} pairs installed, {f}|{t} among them",
                pairs.data.len()
            ))
        } else {
            let have: Vec<String> = pairs
                .data
                .iter()
                .map(|p| format!("{}|{}", p.source, p.target))
                .collect();
            Err(EngineError::BadRequest(format!(
                "the pair {f}|{t} is not installed (installed: {})",
                have.join(", ")
            )))
        }
    }
}
