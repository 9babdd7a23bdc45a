//! DeepL API v2: `POST /v2/translate`, the v2 glossary API, `GET /v2/usage`.
//!
//! The key comes from `DEEPL_API_KEY` and travels only in the
//! `Authorization: DeepL-Auth-Key …` header (never in a URL or body, never
//! in an error; the `auth_key` parameter DeepL no longer accepts is never
//! used). When the url is one of DeepL's own hosts, the key chooses it, as
//! DeepL's clients do: API Free keys (ending in `:fx`) go to
//! `api-free.deepl.com`, the others to `api.deepl.com` (each host answers
//! the other's keys 403 "Wrong endpoint"). Requests hold at most 50 texts and stay well under the
//! 128 KiB body limit. Codes: the source as its upper-case base (`VI`), the
//! target with its regional variant where DeepL needs one (`en` → `EN-US`
//! unless `target_variant = "EN-GB"`, `pt` → `PT-BR`). `tag_handling=xml`
//! is sent only for batches that carry `<x id="N"/>` placeholders (the
//! other texts are sent as plain text, so `&` and `<` in copy stay as they
//! are).
//!
//! Glossaries: [`DeepL::with_glossary`] gives the DeepL export of the
//! glossary and its content hash; on the first request the engine looks
//! for its glossary named `songngu-<hash>` on the account, creates it
//! when absent (v2 glossaries cannot be edited: a changed glossary is a new
//! one), and sends its id with every request. [`DeepL::prune_glossaries`]
//! deletes the account's other `songngu-…` glossaries. A language pair
//! DeepL has no glossaries for is translated without one (the verify stage
//! still checks the terms).
//!
//! DeepL drops spaces next to XML tags at times (deepl-node#48): a space
//! the text sent had beside a placeholder, and the reply lost between it
//! and a letter, is put back (targets written with spaces).
//!
//! Errors: 429 and 529 retried with backoff; **456** quota exhausted (the
//! run stops); 403 authentication; 413/414 split; 5xx retried; other 400s
//! fail their segments.

use serde::Deserialize;
use serde_json::json;
use tokio::sync::OnceCell;

use super::registry::{Capabilities, EngineSpec};
use super::{
    AnyEngine, Engine, EngineConfig, EngineError, EngineResult, Failure, Limits, TagMode,
    call_json, connect, read_reply, retry_after,
};
use crate::error::Result;
use crate::secrets::Secret;

/// Where the key comes from.
const KEY: &str = "DEEPL_API_KEY";

/// The registry entry.
pub const SPEC: EngineSpec = EngineSpec::new("deepl", FREE_HOST, 4, |settings, key| {
    DeepL::with_key(settings, key.unwrap_or_default()).map(AnyEngine::new)
})
.key(KEY, true)
.capabilities(Capabilities {
    native_glossary: true,
    server_glossaries: true,
    tags: TagMode::Xml,
});

/// A DeepL API account.
///
/// `Debug` shows no key: [`Secret`] redacts it.
#[derive(Debug)]
pub struct DeepL {
    client: reqwest::Client,
    url: String,
    key: Secret,
    limits: Limits,
    target_variant: Option<String>,
    glossary: Option<(String, String)>,
    glossary_id: OnceCell<Option<String>>,
}

#[derive(Deserialize)]
struct Reply {
    translations: Vec<Translation>,
}

#[derive(Deserialize)]
struct Translation {
    text: String,
}

#[derive(Deserialize)]
struct ErrorReply {
    message: Option<String>,
    detail: Option<String>,
}

#[derive(Deserialize)]
struct GlossaryList {
    glossaries: Vec<GlossaryInfo>,
}

#[derive(Deserialize)]
struct GlossaryInfo {
    glossary_id: String,
    name: String,
    #[serde(default)]
    source_lang: String,
    #[serde(default)]
    target_lang: String,
}

#[derive(Deserialize)]
struct Usage {
    character_count: Option<u64>,
    character_limit: Option<u64>,
}

/// DeepL's two hosts: API Free keys (ending in `:fx`) work only on the one,
/// API Pro keys only on the other; the wrong one answers 403 "Wrong
/// endpoint. Use https://…".
const FREE_HOST: &str = "https://api-free.deepl.com";
const PRO_HOST: &str = "https://api.deepl.com";

/// The host a key works on when `url` is one of DeepL's own (as DeepL's
/// clients choose it, by the `:fx` suffix); any other url (a proxy, a
/// test server) as it is.
fn host_for_key(url: String, key: &str) -> String {
    if url != FREE_HOST && url != PRO_HOST {
        return url;
    }
    if key.trim().ends_with(":fx") {
        FREE_HOST.into()
    } else {
        PRO_HOST.into()
    }
}

/// The name of the glossary for a content hash.
fn glossary_name(hash: &str) -> String {
    format!("songngu-{}", &hash[..hash.len().min(16)])
}

fn base(code: &str) -> String {
    code.split(['-', '_'])
        .next()
        .unwrap_or(code)
        .to_ascii_lowercase()
}

/// Escapes a text for `tag_handling=xml`, keeping `<x id="N"/>` placeholders.
fn xml_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(at) = rest.find("<x id=\"") {
        out.push_str(&crate::xml::escape(&rest[..at]));
        let tail = &rest[at..];
        let end = tail.find("/>").map_or(tail.len(), |e| e + 2);
        out.push_str(&tail[..end]);
        rest = &tail[end..];
    }
    out.push_str(&crate::xml::escape(rest));
    out
}

/// Target languages written without spaces between words: a placeholder
/// next to a letter is right there.
const UNSPACED: [&str; 6] = ["zh", "ja", "th", "lo", "km", "my"];

/// Puts back the spaces DeepL drops next to XML tags (DeepL's own client
/// reports them: "Spaces before XML tags are randomly removed",
/// deepl-node#48): where the text sent had whitespace on a side of a
/// `<x id="N"/>` and the reply has a letter or digit right on that side,
/// a space goes between them ("met with<x id="2"/>." → "met with
/// <x id="2"/>."). Punctuation next to a tag is left as it is.
fn respace(sent: &str, reply: &str) -> String {
    let mut out = reply.to_owned();
    for token in super::protect::placeholder_tokens(sent) {
        let (Some(s), Some(r)) = (sent.find(token), out.find(token)) else {
            continue;
        };
        let end = r + token.len();
        let spaced_after = sent[s + token.len()..].starts_with(char::is_whitespace);
        if spaced_after && out[end..].starts_with(char::is_alphanumeric) {
            out.insert(end, ' ');
        }
        let spaced_before = sent[..s].ends_with(char::is_whitespace);
        if spaced_before && out[..r].ends_with(char::is_alphanumeric) {
            out.insert(r, ' ');
        }
    }
    out
}

/// Undoes XML escaping in a reply (placeholders pass through).
fn xml_unescape(text: &str) -> String {
    quick_xml::escape::unescape(text).map_or_else(|_| text.to_owned(), |c| c.into_owned())
}

impl DeepL {
    /// A client for `settings` with the key (the registry reads it from
    /// `DEEPL_API_KEY`).
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn with_key(settings: &EngineConfig, key: String) -> Result<DeepL> {
        let (client, url) = connect(settings)?;
        Ok(DeepL {
            client,
            url: host_for_key(url, &key),
            key: Secret::new(KEY, key),
            // At most 4 bytes per character in UTF-8 (Vietnamese letters
            // take 1 to 3), plus a little JSON: under the 128 KiB body
            // limit whatever the text.
            limits: Limits::within(settings, 50, 30_000, usize::MAX),
            target_variant: settings.target_variant.clone(),
            glossary: None,
            glossary_id: OnceCell::new(),
        })
    }

    /// Uses a native DeepL glossary: `tsv` is the glossary's DeepL export
    /// (`songngu glossary export --format deepl`), `hash` its content hash.
    #[must_use]
    pub fn with_glossary(mut self, tsv: String, hash: &str) -> DeepL {
        if !tsv.trim().is_empty() {
            self.glossary = Some((tsv, hash.to_owned()));
        }
        self
    }

    fn auth(&self, r: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        r.header(
            "Authorization",
            format!("DeepL-Auth-Key {}", self.key.expose()),
        )
    }

    /// DeepL's target code for `to`.
    fn target_code(&self, to: &str) -> String {
        if let Some(v) = &self.target_variant
            && base(v) == base(to)
        {
            return v.to_ascii_uppercase();
        }
        match base(to).as_str() {
            "en" => "EN-US".into(),
            "pt" => "PT-BR".into(),
            _ => to.to_ascii_uppercase(),
        }
    }

    fn failure(f: Failure) -> EngineError {
        let status = f.status;
        let after = retry_after(&f.headers);
        let message = serde_json::from_str::<ErrorReply>(&f.body)
            .ok()
            .map(|e| {
                [e.message, e.detail]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(": ")
            })
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| format!("HTTP {status}"));
        match status {
            456 => EngineError::Quota(format!(
                "DeepL's character quota is used up ({message}): raise the limit or wait for the next period"
            )),
            403 => EngineError::Auth(format!(
                "DeepL refused the key ({message}); check DEEPL_API_KEY, and the url: free keys (ending in :fx) use {FREE_HOST}, the others {PRO_HOST}"
            )),
            429 | 529 => EngineError::RateLimited {
                status,
                retry_after: after,
            },
            _ => EngineError::from_status(status, message, after),
        }
    }

    async fn glossary_id(&self, from: &str, to: &str) -> EngineResult<Option<String>> {
        let Some((tsv, hash)) = &self.glossary else {
            return Ok(None);
        };
        self.glossary_id
            .get_or_try_init(|| async {
                let name = glossary_name(hash);
                let (s, t) = (base(from), base(to));
                let list: GlossaryList = call_json(
                    self.auth(self.client.get(format!("{}/v2/glossaries", self.url))),
                    Self::failure,
                )
                .await?;
                if let Some(g) = list.glossaries.iter().find(|g| {
                    g.name == name && base(&g.source_lang) == s && base(&g.target_lang) == t
                }) {
                    return Ok(Some(g.glossary_id.clone()));
                }
                let created: EngineResult<GlossaryInfo> = call_json(
                    self.auth(self.client.post(format!("{}/v2/glossaries", self.url)))
                        .json(&json!({
                            "name": name,
                            "source_lang": s,
                            "target_lang": t,
                            "entries": tsv,
                            "entries_format": "tsv",
                        })),
                    Self::failure,
                )
                .await;
                match created {
                    Ok(g) => Ok(Some(g.glossary_id)),
                    // No glossaries for this pair ("Unsupported glossary language
                    // pair"): translate without, verify after.
                    Err(EngineError::BadRequest(_) | EngineError::Unsupported(_)) => Ok(None),
                    Err(e) => Err(e),
                }
            })
            .await
            .cloned()
    }

    /// Deletes the account's `songngu-…` glossaries other than the one for
    /// `keep_hash`; returns the names deleted.
    ///
    /// # Errors
    /// The classified failure of a request.
    pub async fn prune_glossaries(&self, keep_hash: &str) -> EngineResult<Vec<String>> {
        let keep = glossary_name(keep_hash);
        let list: GlossaryList = call_json(
            self.auth(self.client.get(format!("{}/v2/glossaries", self.url))),
            Self::failure,
        )
        .await?;
        let mut deleted = Vec::new();
        for g in list.glossaries {
            if g.name.starts_with("songngu-") && g.name != keep {
                let resp = self
                    .auth(
                        self.client
                            .delete(format!("{}/v2/glossaries/{}", self.url, g.glossary_id)),
                    )
                    .send()
                    .await
                    .map_err(|e| EngineError::from_reqwest(&e))?;
                let status = resp.status();
                if !status.is_success() && status.as_u16() != 404 {
                    return Err(Self::failure(read_reply(resp).await?));
                }
                deleted.push(g.name);
            }
        }
        Ok(deleted)
    }
}

impl Engine for DeepL {
    fn name(&self) -> &'static str {
        "deepl"
    }

    fn version(&self) -> String {
        format!(
            "v2;variant={};glossary={}",
            self.target_variant.as_deref().unwrap_or("default"),
            self.glossary.as_ref().map_or("none", |(_, h)| h.as_str())
        )
    }

    fn limits(&self) -> Limits {
        self.limits
    }

    fn tag_mode(&self) -> TagMode {
        SPEC.capabilities.tags
    }

    fn use_glossary(&mut self, glossary: &crate::glossary::Glossary) {
        let (tsv, _) = crate::glossary::exchange::export(
            glossary,
            crate::glossary::exchange::ExportFormat::Deepl,
        );
        if !tsv.trim().is_empty() {
            self.glossary = Some((tsv, glossary.content_hash()));
        }
    }

    async fn prune_glossaries(&self, keep: &str) -> EngineResult<Vec<String>> {
        DeepL::prune_glossaries(self, keep).await
    }

    async fn translate(&self, texts: &[String], from: &str, to: &str) -> EngineResult<Vec<String>> {
        let glossary = self.glossary_id(from, to).await?;
        let tagged = texts.iter().any(|t| t.contains("<x id=\""));
        let text: Vec<String> = if tagged {
            texts.iter().map(|t| xml_text(t)).collect()
        } else {
            texts.to_vec()
        };
        let mut body = json!({
            "text": text,
            "source_lang": base(from).to_ascii_uppercase(),
            "target_lang": self.target_code(to),
            "split_sentences": "nonewlines",
            "preserve_formatting": true,
        });
        if tagged {
            body["tag_handling"] = json!("xml");
        }
        if let Some(id) = glossary {
            body["glossary_id"] = json!(id);
        }
        let reply: Reply = call_json(
            self.auth(self.client.post(format!("{}/v2/translate", self.url)))
                .json(&body),
            Self::failure,
        )
        .await?;
        if reply.translations.len() != texts.len() {
            return Err(EngineError::BadOutput(format!(
                "{} translations for {} texts",
                reply.translations.len(),
                texts.len()
            )));
        }
        let spaced = !UNSPACED.contains(&base(to).as_str());
        Ok(reply
            .translations
            .into_iter()
            .zip(texts)
            .map(|(t, sent)| match (tagged, spaced) {
                (true, true) => respace(sent, &xml_unescape(&t.text)),
                (true, false) => xml_unescape(&t.text),
                (false, _) => t.text,
            })
            .collect())
    }

    async fn check(&self, from: &str, to: &str) -> EngineResult<String> {
        let usage: Usage = call_json(
            self.auth(self.client.get(format!("{}/v2/usage", self.url))),
            Self::failure,
        )
        .await?;
        #[derive(Deserialize)]
        struct Lang {
            language: String,
        }
        let langs: Vec<Lang> = call_json(
            self.auth(
                self.client
                    .get(format!("{}/v2/languages?type=source", self.url)),
            ),
            Self::failure,
        )
        .await?;
        if !langs.iter().any(|l| base(&l.language) == base(from)) {
            return Err(EngineError::BadRequest(format!(
                "DeepL does not translate from `{from}`"
            )));
        }
        Ok(format!(
            "DeepL at {}: {} → {}, {} of {} characters used this period",
            self.url,
            base(from).to_ascii_uppercase(),
            self.target_code(to),
            usage.character_count.unwrap_or(0),
            usage
                .character_limit
                .map_or_else(|| "unlimited".into(), |l| l.to_string())
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_chooses_between_deepls_hosts() {
        let at = |url: &str, key: &str| {
            let s = EngineConfig {
                url: url.into(),
                ..EngineConfig::default()
            };
            DeepL::with_key(&s, key.into()).unwrap().url
        };
        // The default url with a Pro key, the Pro url with a Free key.
        assert_eq!(at(FREE_HOST, "0123-abcd"), PRO_HOST);
        assert_eq!(at("https://api.deepl.com/", "0123-abcd:fx"), FREE_HOST);
        assert_eq!(at(FREE_HOST, "0123-abcd:fx"), FREE_HOST);
        assert_eq!(at(PRO_HOST, "0123-abcd"), PRO_HOST);
        // Any other server is left as configured.
        assert_eq!(
            at("http://127.0.0.1:3000", "0123-abcd:fx"),
            "http://127.0.0.1:3000"
        );
        assert_eq!(SPEC.default_url, FREE_HOST);
    }

    #[test]
    fn codes_and_escaping() {
        let d = DeepL::with_key(&EngineConfig::default(), "k".into()).unwrap();
        assert_eq!(d.target_code("en"), "EN-US");
        assert_eq!(d.target_code("de"), "DE");
        let s = EngineConfig {
            target_variant: Some("en-gb".into()),
            ..EngineConfig::default()
        };
        let d = DeepL::with_key(&s, "k".into()).unwrap();
        assert_eq!(d.target_code("en"), "EN-GB");
        assert_eq!(
            xml_text("A & B <x id=\"1\"/> < C"),
            "A &amp; B <x id=\"1\"/> &lt; C"
        );
        assert_eq!(
            xml_unescape("A &amp; B <x id=\"1\"/>"),
            "A & B <x id=\"1\"/>"
        );
        let sent = "<x id=\"1\"/> họp với <x id=\"2\"/>, \"<x id=\"3\"/>\" nói.";
        assert_eq!(
            respace(
                sent,
                "<x id=\"1\"/>met with<x id=\"2\"/>, \"<x id=\"3\"/>\" said."
            ),
            "<x id=\"1\"/> met with <x id=\"2\"/>, \"<x id=\"3\"/>\" said."
        );
        assert_eq!(
            respace("a<x id=\"1\"/>b", "A<x id=\"1\"/>B"),
            "A<x id=\"1\"/>B"
        );
        assert_eq!(
            glossary_name("0123456789abcdef0123"),
            "songngu-0123456789abcdef"
        );
    }
}
