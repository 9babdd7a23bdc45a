//! The process's one registry of secrets, and the scrubber every text a
//! server sent back goes through.
//!
//! A secret is registered when it is read ([`Secret::new`], which the
//! engines call for their API keys; a database password or a service token
//! joins the same way). [`scrub`] replaces every registered secret in a
//! text with `[redacted NAME]`, whatever form the server wrote it in:
//!
//! - plain (`sk-abc/def`);
//! - JSON-escaped (`sk-abc\/def`, `\u0073k-…`, `\"`, `\\`), as a server
//!   quoting the request in a JSON error body writes it;
//! - URL-encoded (`sk-abc%2Fdef`, `%2f`, `+` for a space, every byte
//!   percent-encoded or only some), as a server quoting the request URL or a
//!   form body writes it;
//! - and any mix of these, character by character;
//! - broken by whitespace between two of its characters (a server that
//!   wraps long lines, or quotes the key across lines): any run of
//!   whitespace ([`GAP`]: spaces, tabs, line breaks, Unicode spaces), also
//!   JSON-escaped (`\n`, `\u000a`) or URL-encoded (`%0A`, `%20`, `+`).
//!
//! A secret of 8 characters or more is replaced wherever it occurs, broken
//! or not; a shorter one (a test key, a self-hosted server's short token)
//! only whole, where it stands as a whole token (no letter or digit right
//! before or after), so that scrubbing it cannot eat ordinary words.
//!
//! The secrets are one regular expression of the `regex` crate, which runs
//! in time linear in the text whatever the pattern (no backtracking): a
//! server's text full of near-misses costs no more than any other.
//!
//! The engines scrub each reply body before they parse it, and the runner
//! scrubs each outcome again, so no server text reaches an error, a flag, a
//! log line, a translation-memory row or an output with a secret in it.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::{LazyLock, RwLock};

use regex::Regex;

/// Shortest secret replaced inside other text, or broken by whitespace;
/// shorter ones only whole, as whole tokens.
const MIN_ANYWHERE: usize = 8;

/// What may stand between two characters of a secret of [`MIN_ANYWHERE`]
/// characters or more: any run of whitespace, written plainly, JSON-escaped
/// (`\n`, `\r`, `\t`, `\u0009`, `\u000a`, `\u000d`, `\u0020`) or
/// percent-encoded (`%09`, `%0A`, `%0D`, `%20`, `+`).
const GAP: &str = r"(?:\s|\\[nrt]|\\u00(?:0[9aAdD]|20)|%(?:0[9aAdD]|20)|\+)*";

/// A secret value: registered for scrubbing when made, never shown by
/// `Debug`.
#[derive(Clone)]
pub struct Secret {
    name: String,
    value: String,
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret({}: <redacted>)", self.name)
    }
}

impl Secret {
    /// Registers `value` under `name` (where it came from: an environment
    /// variable, a config key) and wraps it.
    pub fn new(name: &str, value: impl Into<String>) -> Secret {
        let value = value.into();
        register(name, &value);
        Secret {
            name: name.to_owned(),
            value,
        }
    }

    /// The value, to put where the protocol needs it (a header, a body).
    pub fn expose(&self) -> &str {
        &self.value
    }

    /// Where it came from.
    pub fn name(&self) -> &str {
        &self.name
    }
}

struct Registry {
    /// (name, value), longest value first, each value once.
    secrets: Vec<(String, String)>,
    /// One alternation over every secret's pattern (longest first), or
    /// `None` when nothing is registered.
    pattern: Option<Regex>,
}

static REGISTRY: LazyLock<RwLock<Registry>> = LazyLock::new(|| {
    RwLock::new(Registry {
        secrets: Vec::new(),
        pattern: None,
    })
});

/// Adds a secret to the registry (a blank one is ignored: it matches
/// nothing worth hiding).
pub fn register(name: &str, value: &str) {
    if value.trim().is_empty() {
        return;
    }
    let mut reg = REGISTRY.write().unwrap_or_else(|e| e.into_inner());
    if reg.secrets.iter().any(|(_, v)| v == value) {
        return;
    }
    reg.secrets.push((name.to_owned(), value.to_owned()));
    // Longest first, so a secret that contains another is replaced whole.
    reg.secrets
        .sort_by_key(|(_, v)| std::cmp::Reverse(v.chars().count()));
    let alternation = reg
        .secrets
        .iter()
        .map(|(_, v)| secret_pattern(v))
        .collect::<Vec<_>>()
        .join("|");
    // Built only from escaped literals and fixed classes: always valid,
    // but a size limit could refuse a huge secret: then keep the old one.
    if let Ok(re) = regex::RegexBuilder::new(&alternation)
        .size_limit(64 << 20)
        .build()
    {
        reg.pattern = Some(re);
    }
}

/// How many secrets are registered.
pub fn count() -> usize {
    REGISTRY
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .secrets
        .len()
}

/// `text` with every registered secret, in any of its forms, replaced by
/// `[redacted NAME]`.
pub fn scrub(text: &str) -> Cow<'_, str> {
    let reg = REGISTRY.read().unwrap_or_else(|e| e.into_inner());
    let Some(re) = &reg.pattern else {
        return Cow::Borrowed(text);
    };
    if !re.is_match(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for caps in re.captures_iter(text) {
        let (Some(m), Some(which)) = (caps.get(0), caps.iter().skip(1).position(|g| g.is_some()))
        else {
            continue;
        };
        // Group k + 1 is the k-th secret of the (sorted) registry.
        let (name, value) = &reg.secrets[which];
        let (start, end) = (m.start(), m.end());
        if value.chars().count() < MIN_ANYWHERE && !whole_token(text, start, end) {
            continue;
        }
        out.push_str(&text[last..start]);
        let _ = write!(out, "[redacted {name}]");
        last = end;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// [`scrub`] for an owned string.
pub fn scrub_string(text: String) -> String {
    match scrub(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(s) => s,
    }
}

fn whole_token(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// A capture group matching `value` with each character written plainly,
/// JSON-escaped or percent-encoded, and for a secret of [`MIN_ANYWHERE`]
/// characters or more, a [`GAP`] of whitespace between any two.
fn secret_pattern(value: &str) -> String {
    let gaps = value.chars().count() >= MIN_ANYWHERE;
    let mut p = String::from("(");
    for (i, c) in value.chars().enumerate() {
        if gaps && i > 0 {
            p.push_str(GAP);
        }
        p.push_str("(?:");
        p.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
        // Percent-encoded UTF-8 bytes, hex in either case.
        p.push('|');
        let mut buf = [0u8; 4];
        for b in c.encode_utf8(&mut buf).bytes() {
            p.push('%');
            p.push_str(&hex_class(u32::from(b), 2));
        }
        // JSON: \uXXXX (a surrogate pair beyond the BMP), short escapes.
        p.push('|');
        let mut units = [0u16; 2];
        for u in c.encode_utf16(&mut units) {
            p.push_str(r"\\u");
            p.push_str(&hex_class(u32::from(*u), 4));
        }
        match c {
            '"' => p.push_str(r#"|\\""#),
            '\\' => p.push_str(r"|\\\\"),
            '/' => p.push_str(r"|\\/"),
            ' ' => p.push_str(r"|\+"),
            _ => {}
        }
        p.push(')');
    }
    p.push(')');
    p
}

/// `n` as `width` hex digits, each letter matching either case.
fn hex_class(n: u32, width: usize) -> String {
    let mut out = String::new();
    for d in format!("{n:0width$x}").chars() {
        if d.is_ascii_alphabetic() {
            out.push('[');
            out.push(d);
            out.push(d.to_ascii_uppercase());
            out.push(']');
        } else {
            out.push(d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_a_secret_is_scrubbed() {
        let s = Secret::new("TEST_SECRETS_KEY", "sk-Tëst/9+z \"q\"\\:fx");
        assert!(!format!("{s:?}").contains("sk-"));
        let forms = [
            "sk-Tëst/9+z \"q\"\\:fx".to_owned(),
            // JSON as serde writes it, and with every escape a server may use.
            serde_json::to_string(s.expose())
                .unwrap()
                .trim_matches('"')
                .to_owned(),
            r#"sk-T\u00ebst\/9+z \"q\"\\:fx"#.to_owned(),
            r#"\u0073k-T\u00EBst\/9+z \u0022q\"\\:fx"#.to_owned(),
            // URL-encoded: a form body, a query string, every byte, lower case.
            "sk-T%C3%ABst%2F9%2Bz+%22q%22%5C%3Afx".to_owned(),
            "sk-T%c3%abst%2f9%2bz%20%22q%22%5c%3afx".to_owned(),
            "%73%6B%2D%54%C3%AB%73%74%2F%39%2B%7A%20%22%71%22%5C%3A%66%78".to_owned(),
        ];
        for f in &forms {
            let text = format!("Incorrect API key provided: {f}. See the docs.");
            let out = scrub(&text);
            assert_eq!(
                out, "Incorrect API key provided: [redacted TEST_SECRETS_KEY]. See the docs.",
                "{f}"
            );
        }
        assert!(matches!(scrub("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_secret_broken_by_whitespace_is_scrubbed() {
        register("TEST_BROKEN_KEY", "sk-proj-Br0ken/Key+42");
        let broken = [
            // A line break, a wrapped line's indentation, spaces, a tab,
            // CRLF, a no-break space, several breaks.
            "sk-proj-Br0\nken/Key+42",
            "sk-proj-Br0ken/Key\n        +42",
            "sk-pr oj-Br0ken /Key+42",
            "sk-proj-\tBr0ken/Key+42",
            "sk-proj-Br0ken/\r\nKey+42",
            "sk-proj-Br0ken\u{a0}/Key+42",
            "s\nk\n-\nproj-Br0ken/Key+4\n2",
            // JSON-escaped breaks, as a JSON error body quotes the text.
            r"sk-proj-Br0\nken\/Key+42",
            r"sk-proj-Br0\u000Aken/Key\r\n+42",
            // URL-encoded ones, as a quoted query string writes them.
            "sk-proj-Br0%0Aken%2FKey%2B42",
            "sk-proj-Br0+ken%2FKey%2B42",
        ];
        for b in broken {
            let text = format!("invalid key: {b}\nsee the docs");
            assert_eq!(
                scrub(&text),
                "invalid key: [redacted TEST_BROKEN_KEY]\nsee the docs",
                "{b:?}"
            );
        }
        // Only between its characters: the whitespace around it stays.
        assert_eq!(
            scrub("key:\n sk-proj-Br0ken/Key+42 \n."),
            "key:\n [redacted TEST_BROKEN_KEY] \n."
        );
        // Broken by anything but whitespace, it is another text.
        assert_eq!(scrub("sk-proj-Br0.ken/Key+42"), "sk-proj-Br0.ken/Key+42");
        // A short secret is not looked for broken: `z q7` is words.
        register("TEST_SHORT_GAP", "zq7x");
        assert_eq!(
            scrub("z q7x and zq7x"),
            "z q7x and [redacted TEST_SHORT_GAP]"
        );
        // Near-misses by the thousand (every prefix, then whitespace, then
        // no end): each is left as it is, the text scanned once.
        let near = "sk-proj-Br0ken/Key+4 \n ".repeat(5000);
        assert_eq!(scrub(&near), near.as_str());
    }

    #[test]
    fn a_short_secret_is_scrubbed_only_as_a_whole_token() {
        register("TEST_SHORT", "zq7");
        assert_eq!(scrub("key zq7 wrong"), "key [redacted TEST_SHORT] wrong");
        assert_eq!(scrub("azq7b"), "azq7b");
        register("  ", "   ");
        assert_eq!(scrub("   "), "   ");
    }
}
