//! OpenAI-compatible chat completions (`POST /v1/chat/completions`):
//! OpenAI, Ollama, llama.cpp's server, vLLM.
//!
//! Base URL and model come from `[engines.openai]`; the key, when set, from
//! `OPENAI_API_KEY` as `Authorization: Bearer …` (local servers need none).
//! Temperature 0 by default (`temperature` in the table); a model that
//! refuses it (OpenAI's reasoning models: 400 `unsupported_value` or
//! `unsupported_parameter`, `param: "temperature"`) gets that request again
//! without it, and every later one without it.
//!
//! The prompt numbers the batch's segments `[1] …`, `[2] …` and lists only
//! the glossary entries whose source (or a variant) occurs in the batch,
//! with the approved target and the forbidden renderings. The reply parser
//! is strict: one line `[N] translation` per segment, numbered 1..=n in
//! order; a missing, extra, repeated, renumbered or empty segment, lines
//! left over after the first number (a segment split or merged), or a
//! reply cut off (`finish_reason: "length"`) make the reply unusable
//! ([`EngineError::BadOutput`]): the runner sends the batch again in
//! halves, down to single segments. Token usage is added up
//! ([`OpenAi::usage`]).
//!
//! A server that streams although asked not to (server-sent events for
//! `stream: false`) is read all the same.
//!
//! Reasoning models: the answer is what follows the last `</think>` of
//! `content` (Ollama and llama.cpp without a reasoning parser write the
//! thinking, draft `[N]` lines included, before it); when `content` is
//! empty the answer is read from `reasoning_content` or `reasoning` (vLLM's
//! parser puts a tagless answer there); a reply opening `<think>` and never
//! closing it is unusable ([`strip_reasoning`]).
//!
//! Errors, in OpenAI's `{"error": {…}}`, Ollama's `{"error": "…"}` or vLLM's
//! top-level `{"object": "error", …}` body: 429 `insufficient_quota` stops
//! the run (no retry); 429 `rate_limit_exceeded` (and any other 429) is
//! retried, honouring `retry-after-ms` and `Retry-After`; 401/403
//! authentication; a prompt over the model's context splits (OpenAI's
//! `context_length_exceeded`, llama.cpp's `exceed_context_size_error` with
//! 400 or 500, vLLM's "maximum context length"); 404 (a model the server
//! does not have, a url that is not its base) stops the run; 5xx is
//! retried.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use serde::Deserialize;
use serde_json::json;

use super::registry::{Capabilities, EngineSpec};
use super::{
    AnyEngine, Billing, Engine, EngineConfig, EngineError, EngineResult, Failure, Limits, TagMode,
    call_json, call_text, connect, parse_json, retry_after,
};
use crate::error::{Error, Result};
use crate::glossary::{CaseRule, Diacritics};
use crate::glossary::{EntryKind, Glossary, Matcher, Status};
use crate::secrets::Secret;

/// Where the key comes from, when the server needs one.
const KEY: &str = "OPENAI_API_KEY";

/// The registry entry.
pub const SPEC: EngineSpec =
    EngineSpec::new("openai", "https://api.openai.com", 4, |settings, key| {
        OpenAi::with_key(settings, key).map(AnyEngine::new)
    })
    .key(KEY, false)
    // A batch of 20 segments takes a local model (Ollama, llama.cpp on a
    // CPU or a small GPU), or any reasoning model, minutes; a request
    // abandoned at 30 s is cancelled by the server and started again from
    // nothing. OpenAI's own clients wait 600 s.
    .timeout(300)
    .capabilities(Capabilities {
        native_glossary: true,
        server_glossaries: false,
        tags: TagMode::Plain,
    })
    .unready(model_unset);

/// A run needs the model (it is part of the memory key).
fn model_unset(settings: &EngineConfig) -> Option<&'static str> {
    settings
        .model
        .as_deref()
        .is_none_or(|m| m.trim().is_empty())
        .then_some("model unset")
}

/// Bumped when the prompt changes (it is part of the memory key).
const PROMPT_VERSION: u32 = 1;

/// A glossary line of the prompt.
#[derive(Debug, Clone)]
struct Hint {
    source: String,
    target: String,
    forbidden: Vec<String>,
}

/// An OpenAI-compatible server and model.
///
/// `Debug` shows no key: [`Secret`] redacts it.
#[derive(Debug)]
pub struct OpenAi {
    client: reqwest::Client,
    url: String,
    key: Option<Secret>,
    model: String,
    temperature: f64,
    limits: Limits,
    /// Finds the glossary terms of a batch.
    finder: Option<Matcher>,
    prompt_tokens: AtomicU64,
    completion_tokens: AtomicU64,
    /// Set once the server refused the `temperature` parameter (OpenAI's
    /// reasoning models): later requests go without it.
    no_temperature: AtomicBool,
}

#[derive(Deserialize)]
struct Reply {
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Choice {
    message: Message,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Message {
    #[serde(default)]
    content: Option<String>,
    /// vLLM's and DeepSeek's reasoning field (vLLM ≥ 0.11 also writes
    /// `reasoning`); llama.cpp's with `--reasoning-format deepseek`.
    #[serde(default)]
    reasoning_content: Option<String>,
    /// Ollama's and newer vLLM's name for the reasoning field.
    #[serde(default)]
    reasoning: Option<String>,
}

impl Message {
    /// The text that holds the answer: the content, or, when a server's
    /// reasoning parser put the whole answer in the reasoning field (vLLM
    /// with a model that wrote no `<think>` tags: `content` null), that
    /// field.
    fn answer_text(&self) -> &str {
        [&self.content, &self.reasoning_content, &self.reasoning]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .find(|t| !t.trim().is_empty())
            .unwrap_or("")
    }
}

#[derive(Deserialize)]
struct Usage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
}

fn language_name(code: &str) -> &str {
    match code.split(['-', '_']).next().unwrap_or(code) {
        "vi" => "Vietnamese",
        "en" => "English",
        "fr" => "French",
        "de" => "German",
        "es" => "Spanish",
        "zh" => "Chinese",
        "ja" => "Japanese",
        "ko" => "Korean",
        "ru" => "Russian",
        "pt" => "Portuguese",
        _ => code,
    }
}

/// Estimated tokens for texts (a rough 3 characters per token for
/// Vietnamese and English news copy, plus the prompt's own text).
pub fn estimate_tokens(texts: &[String]) -> usize {
    let body: usize = texts
        .iter()
        .map(|t| t.chars().count().div_ceil(3) + 4)
        .sum();
    // Instructions and the reply's numbering; the reply about as long as the input.
    150 + 2 * body
}

/// A reply's completion. Servers that stream although asked not to (some
/// model servers and proxies answer `stream: false` with server-sent
/// events) are read too: the `data:` events' deltas (or whole messages)
/// joined, the last `finish_reason` and `usage` kept; so is a completion
/// followed by a stray `data: [DONE]`.
fn completion(body: &str) -> EngineResult<Reply> {
    let json = parse_json::<Reply>(body);
    if json.is_ok() || !body.contains("data:") {
        return json;
    }
    if let Some(front) = body.trim_end().strip_suffix("data: [DONE]")
        && let Ok(reply) = serde_json::from_str(front)
    {
        return Ok(reply);
    }
    from_events(body).map_or(json, Ok)
}

/// The completion the `data:` events of a streamed reply make up; `None`
/// when an event is not JSON or there is none.
fn from_events(body: &str) -> Option<Reply> {
    use serde_json::Value;
    let (mut content, mut reasoning) = (String::new(), String::new());
    let (mut finish_reason, mut usage, mut events) = (None, None, 0);
    for line in body.lines() {
        let Some(data) = line.strip_prefix("data:").map(str::trim) else {
            continue;
        };
        if data == "[DONE]" {
            continue;
        }
        let v: Value = serde_json::from_str(data).ok()?;
        events += 1;
        if let Some(u) = v.get("usage").filter(|u| !u.is_null()) {
            usage = serde_json::from_value(u.clone()).ok();
        }
        let Some(choice) = v["choices"].get(0) else {
            continue;
        };
        if let Some(part) = choice.get("delta").or_else(|| choice.get("message")) {
            content.push_str(part["content"].as_str().unwrap_or(""));
            for field in ["reasoning_content", "reasoning"] {
                reasoning.push_str(part[field].as_str().unwrap_or(""));
            }
        }
        if let Some(f) = choice["finish_reason"].as_str() {
            finish_reason = Some(f.to_owned());
        }
    }
    (events > 0).then(|| Reply {
        choices: vec![Choice {
            message: Message {
                content: Some(content),
                reasoning_content: Some(reasoning),
                reasoning: None,
            },
            finish_reason,
        }],
        usage,
    })
}

/// The answer of a reply without the reasoning a model wrote before it.
///
/// Reasoning models served without a reasoning parser (Ollama and llama.cpp
/// with DeepSeek-R1, Qwen3, QwQ; vLLM without `--reasoning-parser`) start
/// `content` with `<think>…</think>`, often with draft `[N]` lines inside;
/// templates that open the block in the prompt leave only the closing
/// `</think>`. The answer is what follows the last `</think>`. A reply
/// that opens `<think>` and never closes it is reasoning only.
///
/// # Errors
/// [`EngineError::BadOutput`] for reasoning without an answer.
pub fn strip_reasoning(content: &str) -> EngineResult<&str> {
    const OPEN: &str = "<think>";
    const CLOSE: &str = "</think>";
    if let Some(at) = content.rfind(CLOSE) {
        return Ok(&content[at + CLOSE.len()..]);
    }
    if content.trim_start().starts_with(OPEN) {
        return Err(EngineError::BadOutput(
            "the model's reply is reasoning only (`<think>` without `</think>`)".into(),
        ));
    }
    Ok(content)
}

/// Parses a numbered reply for `n` segments (see the module documentation).
///
/// # Errors
/// [`EngineError::BadOutput`] naming what is wrong.
pub fn parse_reply(content: &str, n: usize) -> EngineResult<Vec<String>> {
    let bad = |why: String| EngineError::BadOutput(format!("the model's reply {why}"));
    let mut out: Vec<String> = Vec::with_capacity(n);
    for line in content.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("```") {
            continue;
        }
        let numbered = line
            .strip_prefix('[')
            .and_then(|rest| rest.split_once(']'))
            .and_then(|(num, text)| num.trim().parse::<usize>().ok().map(|k| (k, text.trim())));
        match numbered {
            Some((k, text)) => {
                if k != out.len() + 1 {
                    return Err(bad(format!(
                        "has segment [{k}] where [{}] was expected (segments renumbered, repeated or missing)",
                        out.len() + 1
                    )));
                }
                if k > n {
                    return Err(bad(format!("has {k} segments for {n}")));
                }
                if text.is_empty() {
                    return Err(bad(format!("has an empty segment [{k}]")));
                }
                out.push(text.to_owned());
            }
            // A preamble before the first segment is tolerated; a loose
            // line after it is a segment split in two or merged text.
            None if out.is_empty() => {}
            None => {
                return Err(bad(format!(
                    "has a line without a segment number after [{}]",
                    out.len()
                )));
            }
        }
    }
    if out.len() != n {
        return Err(bad(format!("has {} segments for {n}", out.len())));
    }
    Ok(out)
}

impl OpenAi {
    /// A client for `settings` (which must name a `model`) with the key,
    /// if the server needs one (the registry reads it from
    /// `OPENAI_API_KEY`).
    ///
    /// # Errors
    /// [`Error::Engine`] without a model, or when the client cannot be built.
    pub fn with_key(settings: &EngineConfig, key: Option<String>) -> Result<OpenAi> {
        let model = settings
            .model
            .clone()
            .filter(|m| !m.trim().is_empty())
            .ok_or_else(|| {
                Error::Engine(
                    "the openai engine needs a model: set `model` in [engines.openai] (e.g. \"gpt-4o-mini\", or an Ollama model name)".into(),
                )
            })?;
        let (client, url) = connect(settings)?;
        Ok(OpenAi {
            client,
            url: url.strip_suffix("/v1").unwrap_or(&url).to_owned(),
            key: key.map(|k| Secret::new(KEY, k)),
            model,
            temperature: settings.temperature.unwrap_or(0.0),
            limits: Limits::within(settings, usize::MAX, 6_000, usize::MAX),
            finder: None,
            prompt_tokens: AtomicU64::new(0),
            completion_tokens: AtomicU64::new(0),
            no_temperature: AtomicBool::new(false),
        })
    }

    /// Lists the glossary's terms in the prompt of each batch where they
    /// occur, found by the same Vietnamese-aware matcher as the run (tone
    /// placements, any case, patterns with their slots filled).
    #[must_use]
    pub fn with_glossary(mut self, glossary: &Glossary) -> OpenAi {
        self.finder = Matcher::new(glossary, CaseRule::Insensitive, Diacritics::Strict).ok();
        self
    }

    /// Tokens used so far: (prompt, completion).
    pub fn usage(&self) -> (u64, u64) {
        (
            self.prompt_tokens.load(Ordering::Relaxed),
            self.completion_tokens.load(Ordering::Relaxed),
        )
    }

    /// The glossary lines for a batch: the confident hits' entries, once
    /// each (deprecated and forbidden entries left out).
    fn hints_for(&self, texts: &[String]) -> Vec<Hint> {
        let Some(m) = &self.finder else {
            return Vec::new();
        };
        let mut out: Vec<Hint> = Vec::new();
        for t in texts {
            for h in m.find(t).hits {
                let e = &m.entries()[h.index];
                if !h.class.is_confident()
                    || matches!(e.status, Status::Deprecated | Status::Forbidden)
                {
                    continue;
                }
                let source = if e.kind == EntryKind::Pattern {
                    h.text(t).to_owned()
                } else {
                    e.source.clone()
                };
                if !out.iter().any(|x| x.source == source) {
                    out.push(Hint {
                        source,
                        target: h.target.to_string(),
                        forbidden: e.forbidden.clone(),
                    });
                }
            }
        }
        out
    }

    /// The two messages of a request.
    pub fn prompt(&self, texts: &[String], from: &str, to: &str) -> (String, String) {
        let (f, t) = (language_name(from), language_name(to));
        let mut system = format!(
            "You are a professional news translator. Translate each numbered segment from {f} to {t}.\n\
             Rules:\n\
             - Answer with exactly one line per segment, `[N] translation`, numbered as given, in the same order, and nothing else.\n\
             - Translate every segment on its own and completely; never merge, split, skip or add segments.\n\
             - Keep placeholders such as {{{{1}}}} exactly as they are.\n\
             - Keep names, numbers, dates and document codes (like 44-KL/TW) exact."
        );
        let hints = self.hints_for(texts);
        if !hints.is_empty() {
            system.push_str(
                "\nGlossary: translate these terms exactly as given; never use a rendering marked `not`:",
            );
            for h in &hints {
                system.push_str(&format!("\n- {} => {}", h.source, h.target));
                if !h.forbidden.is_empty() {
                    system.push_str(&format!(" (not: {})", h.forbidden.join("; ")));
                }
            }
        }
        let user = texts
            .iter()
            .enumerate()
            .map(|(i, t)| format!("[{}] {}", i + 1, crate::plaintext::one_line(t)))
            .collect::<Vec<_>>()
            .join("\n");
        (system, user)
    }

    /// A chat completions request with `body`, the key when there is one.
    fn chat(&self, body: &serde_json::Value) -> reqwest::RequestBuilder {
        let request = self
            .client
            .post(format!("{}/v1/chat/completions", self.url))
            .json(body);
        match &self.key {
            Some(k) => request.bearer_auth(k.expose()),
            None => request,
        }
    }

    fn failure(f: Failure) -> EngineError {
        let status = f.status;
        let headers = f.headers;
        let after = headers
            .get("retry-after-ms")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_millis)
            .or_else(|| retry_after(&headers));
        let ErrorParts {
            message,
            kind,
            code,
            ..
        } = error_parts(&f.body)
            .filter(|e| !e.message.trim().is_empty())
            .unwrap_or_else(|| ErrorParts {
                message: format!("HTTP {status}"),
                ..ErrorParts::default()
            });
        let is = |what: &str| kind == what || code == what;
        let overflow = is("context_length_exceeded")
            || is("exceed_context_size_error")
            || names_the_context(&message);
        match status {
            429 if is("insufficient_quota") => EngineError::Quota(format!(
                "the server says the account has no credit left ({message}): check the plan and billing"
            )),
            429 => EngineError::RateLimited {
                status,
                retry_after: after,
            },
            401 | 403 => EngineError::Auth(format!(
                "the server refused the request ({message}); check OPENAI_API_KEY"
            )),
            400 | 413 | 500 if overflow => EngineError::TooLarge(message),
            404 => EngineError::Misconfigured(format!(
                "HTTP 404: {message} (is `model` in [engines.openai] a model the server has — pulled, for Ollama — and the url the server's base?)"
            )),
            _ => EngineError::from_status(status, message, after),
        }
    }
}

/// What an error body says: message, type, code and the parameter named.
#[derive(Debug, Default, PartialEq, Eq)]
struct ErrorParts {
    message: String,
    kind: String,
    code: String,
    param: String,
}

/// The parts of an error body, in the shapes the OpenAI-compatible
/// servers write: `{"error": {"message", "type", "param", "code"}}`
/// (OpenAI, Ollama's `/v1`, llama.cpp), `{"error": "…"}` (Ollama's own
/// routes, proxies) and vLLM's top-level `{"object": "error", "message",
/// "type", "code"}`; a code may be a number.
fn error_parts(body: &str) -> Option<ErrorParts> {
    use serde_json::Value;
    let v: Value = serde_json::from_str(body).ok()?;
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let e = match v.get("error") {
        Some(Value::String(m)) => {
            return Some(ErrorParts {
                message: m.clone(),
                ..ErrorParts::default()
            });
        }
        Some(e @ Value::Object(_)) => e,
        _ if v.get("message").is_some() => &v,
        _ => return None,
    };
    Some(ErrorParts {
        message: text(&e["message"]),
        kind: text(&e["type"]),
        code: text(&e["code"]),
        param: text(&e["param"]),
    })
}

/// Does a refusal say the model takes no `temperature` (or not this one)?
/// OpenAI's reasoning models: 400 `unsupported_value` "'temperature' does
/// not support 0 with this model. Only the default (1) value is
/// supported." or `unsupported_parameter` "'temperature' is not supported
/// with this model.", `param: "temperature"`.
fn refuses_temperature(f: &Failure) -> bool {
    f.status == 400
        && error_parts(&f.body).is_some_and(|e| {
            e.param == "temperature"
                || e.message.to_ascii_lowercase().contains("unsupported")
                    && e.message.contains("'temperature'")
        })
}

/// Does an error message say the prompt does not fit the model's context?
/// vLLM: "This model's maximum context length is 4096 tokens…", "…too long
/// to fit into the model (context length 4096)"; llama.cpp: "the request
/// exceeds the available context size", "Context size has been exceeded".
fn names_the_context(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    ["context length", "context size", "context window"]
        .iter()
        .any(|w| m.contains(w))
}

impl Engine for OpenAi {
    fn name(&self) -> &'static str {
        "openai"
    }

    fn version(&self) -> String {
        format!(
            "chat;model={};temperature={};prompt={PROMPT_VERSION}",
            self.model, self.temperature
        )
    }

    fn limits(&self) -> Limits {
        self.limits
    }

    fn billing(&self) -> Billing {
        Billing::Tokens
    }

    fn estimate_tokens(&self, texts: &[String]) -> u64 {
        estimate_tokens(texts) as u64
    }

    fn tokens_used(&self) -> u64 {
        let (prompt, completion) = self.usage();
        prompt + completion
    }

    fn use_glossary(&mut self, glossary: &Glossary) {
        self.finder = Matcher::new(glossary, CaseRule::Insensitive, Diacritics::Strict).ok();
    }

    async fn translate(&self, texts: &[String], from: &str, to: &str) -> EngineResult<Vec<String>> {
        let (system, user) = self.prompt(texts, from, to);
        let mut body = json!({
            "model": self.model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
            "stream": false,
        });
        let with_temperature = !self.no_temperature.load(Ordering::Relaxed);
        if with_temperature {
            body["temperature"] = json!(self.temperature);
        }
        let refused = AtomicBool::new(false);
        let sent = call_text(self.chat(&body), |f| {
            refused.store(refuses_temperature(&f), Ordering::Relaxed);
            Self::failure(f)
        })
        .await;
        // A model that takes no temperature gets the same request without
        // it, and so does every later request: one exchange of the
        // protocol, not a retry of a failure.
        let text = match sent {
            Err(_) if with_temperature && refused.load(Ordering::Relaxed) => {
                self.no_temperature.store(true, Ordering::Relaxed);
                if let Some(b) = body.as_object_mut() {
                    b.remove("temperature");
                }
                call_text(self.chat(&body), Self::failure).await?
            }
            other => other?,
        };
        let reply = completion(&text)?;
        if let Some(u) = &reply.usage {
            self.prompt_tokens
                .fetch_add(u.prompt_tokens, Ordering::Relaxed);
            self.completion_tokens
                .fetch_add(u.completion_tokens, Ordering::Relaxed);
        }
        let Some(choice) = reply.choices.into_iter().next() else {
            return Err(EngineError::BadOutput("the reply has no choices".into()));
        };
        match choice.finish_reason.as_deref() {
            Some("length") => {
                return Err(EngineError::BadOutput(
                    "the reply was cut off (finish_reason length)".into(),
                ));
            }
            Some("content_filter") => {
                return Err(EngineError::BadRequest(
                    "the server's content filter refused the text".into(),
                ));
            }
            _ => {}
        }
        parse_reply(strip_reasoning(choice.message.answer_text())?, texts.len())
    }

    async fn check(&self, _from: &str, _to: &str) -> EngineResult<String> {
        #[derive(Deserialize)]
        struct Models {
            data: Vec<Model>,
        }
        #[derive(Deserialize)]
        struct Model {
            id: String,
        }
        let mut request = self.client.get(format!("{}/v1/models", self.url));
        if let Some(k) = &self.key {
            request = request.bearer_auth(k.expose());
        }
        let models: Models = call_json(request, Self::failure).await?;
        // Ollama lists `qwen3:latest` for the `qwen3` it serves.
        let listed = |id: &str| id == self.model || id.strip_suffix(":latest") == Some(&self.model);
        if !models.data.iter().any(|m| listed(&m.id)) {
            let some: Vec<&str> = models.data.iter().take(10).map(|m| m.id.as_str()).collect();
            return Err(EngineError::BadRequest(format!(
                "the server at {} does not list the model `{}` (it lists: {})",
                self.url,
                self.model,
                if some.is_empty() {
                    "none".into()
                } else {
                    some.join(", ")
                }
            )));
        }
        Ok(format!(
            "OpenAI-compatible server at {}: model `{}` available",
            self.url, self.model
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glossary::Entry;

    #[test]
    fn strict_reply_parser() {
        assert_eq!(parse_reply("[1] A\n[2] B\n", 2).unwrap(), ["A", "B"]);
        assert_eq!(
            parse_reply("Here you are:\n\n```\n[1] A\n[2] B\n```", 2).unwrap(),
            ["A", "B"]
        );
        for (reply, why) in [
            ("[1] A\n", "has 1 segments for 2"),
            ("[1] A\n[2] B\n[3] C", "has 3 segments for 2"),
            ("[1] A\n[3] B", "[3] where [2]"),
            ("[2] A\n[1] B", "[2] where [1]"),
            ("[1] A\n[1] B", "[1] where [2]"),
            ("[1] A B\nand more", "without a segment number"),
            ("[1] \n[2] B", "empty segment"),
        ] {
            let e = parse_reply(reply, 2).unwrap_err().to_string();
            assert!(e.contains(why), "{reply:?}: {e}");
        }
    }

    #[test]
    fn reasoning_before_the_answer_is_left_out() {
        let answer = |c: &str| strip_reasoning(c).map(|a| parse_reply(a, 2));
        for content in [
            "<think>\n[1] draft\nno, better\n</think>\n\n[1] A\n[2] B",
            "[1] draft\nno, better</think>[1] A\n[2] B",
            "<think>\n\n</think>\n\n[1] A\n[2] B",
            "[1] A\n[2] B",
        ] {
            assert_eq!(answer(content).unwrap().unwrap(), ["A", "B"], "{content:?}");
        }
        let e = strip_reasoning("<think>\n[1] A\n[2] B").unwrap_err();
        assert!(e.to_string().contains("reasoning only"), "{e}");
    }

    #[test]
    fn error_bodies_of_every_server() {
        let f = |status: u16, body: &str| {
            OpenAi::failure(Failure {
                status,
                headers: reqwest::header::HeaderMap::new(),
                body: body.into(),
            })
        };
        assert_eq!(
            error_parts(r#"{"object":"error","message":"m","type":"BadRequestError","code":400}"#),
            Some(ErrorParts {
                message: "m".into(),
                kind: "BadRequestError".into(),
                code: "400".into(),
                param: String::new()
            })
        );
        assert_eq!(
            error_parts(r#"{"error":"model 'x' not found"}"#),
            Some(ErrorParts {
                message: "model 'x' not found".into(),
                ..ErrorParts::default()
            })
        );
        assert_eq!(error_parts("404 page not found"), None);
        assert!(matches!(
            f(
                400,
                r#"{"error":{"message":"too long","type":"invalid_request_error","code":"context_length_exceeded"}}"#
            ),
            EngineError::TooLarge(_)
        ));
        assert!(matches!(
            f(
                400,
                r#"{"error":{"message":"bad","type":"invalid_request_error","code":null}}"#
            ),
            EngineError::BadRequest(_)
        ));
        // A plain-text 404 (a url that is not the server's base) stops the run too.
        let e = f(404, "404 page not found");
        assert!(e.is_fatal() && e.to_string().contains("HTTP 404"), "{e}");
        assert!(matches!(f(503, "{}"), EngineError::Transient(_)));
    }

    #[test]
    fn prompt_lists_only_the_terms_of_the_batch() {
        let s = EngineConfig {
            model: Some("m".into()),
            ..EngineConfig::default()
        };
        let mut e = Entry::term("Bộ Công an", "Ministry of Public Security");
        e.forbidden = vec!["Ministry of Police".into()];
        let g = Glossary {
            entries: vec![
                e,
                Entry::term("Ban Bí thư", "Secretariat"),
                Entry::term("Ủy viên Bộ Chính trị", "Politburo member"),
            ],
            files: Vec::new(),
        };
        let o = OpenAi::with_key(&s, None).unwrap().with_glossary(&g);
        let (system, user) = o.prompt(&["Lãnh đạo bộ công an họp.".into()], "vi", "en");
        // Tone placements are one: `Uỷ` finds an entry written `Ủy`.
        let (system2, _) = o.prompt(&["Uỷ viên Bộ Chính trị phát biểu.".into()], "vi", "en");
        assert!(
            system2.contains("- Ủy viên Bộ Chính trị => Politburo member"),
            "{system2}"
        );
        assert!(
            system
                .contains("- Bộ Công an => Ministry of Public Security (not: Ministry of Police)")
        );
        assert!(!system.contains("Secretariat"));
        assert!(system.contains("from Vietnamese to English"));
        assert!(system.contains("{{1}}"));
        assert_eq!(user, "[1] Lãnh đạo bộ công an họp.");
        assert!(OpenAi::with_key(&EngineConfig::default(), None).is_err());
    }
}
