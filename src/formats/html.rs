//! `NAME.html`: the self-contained review page.
//!
//! Contract: one file that works from `file://` with no network. The
//! table is rendered here, every text from the input escaped, so the page
//! shows the parallel text (source with its glossary hits, ASCII, target)
//! and the QA flags without JavaScript, and prints. The file holds each
//! fact once and nothing the inline script can build or infer: the script
//! adds, at load, the review column (each row's status menu and comment
//! box cloned from one template, with their labels), the editable target,
//! the marks' tabindex and attributes and the rows' data attributes, then
//! the behaviour (filters, search, editing, keyboard, local storage,
//! export). It reads source and ASCII text from the table; the JSON block
//! (in which `<`, `>`, `&`, U+2028 and U+2029 are escaped) holds the
//! segment ids, the checked hit classes and each glossary entry hit on the
//! page, once (entry, approved target, note, forbidden renderings); a term
//! mark carries its class and its entry's index (`data-g`), its target only
//! where it is not the entry's (a pattern's). See docs/review.md. The
//! Content-Security-Policy allows nothing but this page's own style and
//! script, by hash: an injected `<script>` or event handler would not run
//! even if escaping failed. No external fonts, images or scripts.
//!
//! The export is JSONL, one line per reviewed or edited segment:
//! `{"id", "doc", "source", "target", "origin": "human" | null, "status":
//! "approved" | "needs-work" | "edited" | "commented", "comment",
//! "replaces"}`, which `songngu tm import` reads (`needs-work` lines are
//! not imported; an `edited` line whose target is its `replaces`, the
//! target as the page showed it, is no edit).
//!
//! What counts as edited: the page compares a target with the text it
//! rendered (the browser's `textContent` at load), never with the run's
//! target, so characters the page cannot carry (removed by
//! [`crate::xml::escape`]) and the HTML parser's CR → LF never make an
//! untouched row look edited. A row whose target is a human correction
//! from the memory (origin `human`) starts as approved.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::{DocInfo, Spool, Writer};
use crate::document::{FlagCode, Provenance, Segment, SegmentKind};
use crate::glossary::{HitClass, Severity};
use crate::xml::{escape, escape_attr, push_escaped};

const CSS: &str = include_str!("review.css");
const JS: &str = include_str!("review.js");

fn csp_hash(s: &str) -> String {
    let digest = Sha256::digest(s.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The Content-Security-Policy of every page.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; script-src {}; style-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(JS),
        csp_hash(CSS)
    )
}

/// [`content_security_policy`] escaped for the `<meta>` attribute, computed
/// once per process (it hashes the page's script and style).
fn csp_attr() -> &'static str {
    static CSP: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    CSP.get_or_init(|| escape_attr(&content_security_policy()).into_owned())
}

/// The start of the page's data block (see the module documentation): its
/// `ids`, `glossary` and (only when some hit has no mark) `terms` follow,
/// in that order.
#[derive(serde::Serialize)]
struct DataHead<'a> {
    doc: &'a str,
    key: &'a str,
    source_lang: &'a str,
    target_lang: &'a str,
    /// The classes of the hits whose target the edited target must hold
    /// (the confident ones and ASCII spans): the script marks them.
    check: Vec<&'static str>,
}

/// The hit classes the page checks against the target (`data-check`).
fn checked_classes() -> Vec<&'static str> {
    HitClass::ALL
        .into_iter()
        .filter(|c| c.is_confident() || *c == HitClass::AsciiSpan)
        .map(HitClass::name)
        .collect()
}

/// JSON made safe to sit inside `<script type="application/json">`.
fn script_json(v: &impl serde::Serialize) -> String {
    let s = serde_json::to_string(v).expect("JSON values serialise");
    // `<`, `>`, `&` are ASCII; U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
    let b = s.as_bytes();
    let mut out = String::new();
    let (mut last, mut i) = (0, 0);
    loop {
        i = crate::xml::find(crate::xml::Bytes::Script, b, i);
        let Some(&c) = b.get(i) else {
            break;
        };
        let with = match c {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            b'&' => "\\u0026",
            _ if b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0xA8) => "\\u2028",
            _ if b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0xA9) => "\\u2029",
            _ => {
                i += 1;
                continue;
            }
        };
        if out.capacity() == 0 {
            out.reserve(s.len() + 64);
        }
        out.push_str(&s[last..i]);
        out.push_str(with);
        i += if c == 0xE2 { 3 } else { 1 };
        last = i;
    }
    if out.capacity() == 0 {
        return s;
    }
    out.push_str(&s[last..]);
    out
}

/// Appends [`script_json`] of the string `s` to `out`, without serde when
/// `s` needs no escape (a segment id, as a rule): no control character,
/// `"`, `\\`, `<`, `>`, `&`, nor the first byte of U+2028 and U+2029.
fn push_script_json_str(out: &mut String, s: &str) {
    let plain = |c: &u8| *c >= 0x20 && !matches!(c, b'"' | b'\\' | b'<' | b'>' | b'&' | 0xE2);
    if !s.as_bytes().iter().all(plain) {
        out.push_str(&script_json(&s));
        return;
    }
    out.push('"');
    out.push_str(s);
    out.push('"');
}

/// Appends `n` in decimal (the rows' numbers, without `fmt`'s machinery).
fn push_number(p: &mut String, n: usize) {
    p.push_str(itoa::Buffer::new().format(n));
}

/// What a row's target is, for the status filter.
fn target_state(seg: &Segment) -> &'static str {
    match (seg.target.as_deref(), seg.origin.as_ref()) {
        (None, _) => "empty",
        (Some(_), Some(Provenance::Glossary)) => "draft",
        (Some(_), Some(Provenance::Human)) => "human",
        (Some(_), _) => "machine",
    }
}

/// The page's table of glossary entries: each entry hit on the page once,
/// in order of first hit; a mark points at its entry by `data-g`.
#[derive(Default)]
struct Glossary<'a> {
    entries: Vec<DataEntry<'a>>,
    /// Glossary index → page index (`usize::MAX`: not on the page yet),
    /// grown as entries come.
    at: Vec<usize>,
}

/// What the tooltip, the term filter and the missing-term check need of
/// an entry.
#[derive(serde::Serialize)]
struct DataEntry<'a> {
    /// The entry as written in the glossary (the term filter's value).
    entry: &'a str,
    /// The approved target (accepted in the edited target besides the
    /// hit's own, for a pattern's filled-in target).
    target: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    forbidden: &'a [String],
}

impl<'a> Glossary<'a> {
    /// The page index of glossary entry `index`, added on first use.
    fn index(&mut self, entries: &'a [crate::glossary::Entry], index: usize) -> Option<usize> {
        let e = entries.get(index)?;
        let next = self.entries.len();
        if self.at.len() <= index {
            self.at.resize(index + 1, usize::MAX);
        }
        let at = &mut self.at[index];
        if *at == usize::MAX {
            *at = next;
            self.entries.push(DataEntry {
                entry: &e.source,
                target: e.approved_target(),
                note: e.note.as_deref(),
                forbidden: &e.forbidden,
            });
        }
        Some(*at)
    }
}

/// Writes `seg`'s source with its hits marked; the entries of hits that
/// get no mark (overlapping or outside the text) go to `unmarked`.
fn source_cell<'a>(
    page: &mut String,
    seg: &Segment,
    entries: &'a [crate::glossary::Entry],
    gl: &mut Glossary<'a>,
    unmarked: &mut Vec<ustr::Ustr>,
) {
    let mut last = 0;
    for h in &seg.terms {
        if h.start < last || h.end > seg.source.len() {
            unmarked.push(h.entry);
            continue;
        }
        push_escaped(page, &seg.source[last..h.start]);
        page.push_str("<mark class=\"term ");
        page.push_str(h.class.name());
        page.push('"');
        let g = gl.index(entries, h.index);
        let e = g.map(|g| &gl.entries[g]);
        if let Some(g) = g {
            page.push_str(" data-g=\"");
            push_number(page, g);
            page.push('"');
        }
        // What the script cannot read from the entry: the hit's entry and
        // target when they are not the entry's own (a pattern's target has
        // its slots filled in).
        if e.is_none_or(|e| e.entry != h.entry.as_str()) {
            page.push_str(" data-entry=\"");
            page.push_str(&escape_attr(&h.entry));
            page.push('"');
        }
        if e.is_none_or(|e| e.target != h.target.as_str()) {
            page.push_str(" data-target=\"");
            page.push_str(&escape_attr(&h.target));
            page.push('"');
        }
        page.push('>');
        push_escaped(page, &seg.source[h.start..h.end]);
        page.push_str("</mark>");
        last = h.end;
    }
    push_escaped(page, &seg.source[last..]);
}

/// The review page, written as its segments come: the rows and the data
/// block's ids are held in [`Spool`]s, and the header (whose counts, title
/// and filter lists need every segment) is written first at the end,
/// followed by them. The page is the same however the segments are grouped.
pub struct Html<'a> {
    info: DocInfo<'a>,
    /// The key under which the browser keeps edits: a new run with other
    /// sources or targets starts clean instead of showing stale edits.
    key: Sha256,
    title: Option<String>,
    /// Segments so far.
    n: usize,
    /// Segments with a target that is a translation, those with confident
    /// terms, those of them with no `term-missing` flag.
    translated: usize,
    with_terms: usize,
    compliant: usize,
    errors: usize,
    warnings: usize,
    codes: BTreeSet<String>,
    kinds: BTreeSet<SegmentKind>,
    terms: ustr::UstrSet,
    para: usize,
    gl: Glossary<'a>,
    /// The entries of hits without a mark, by row (rare: the matcher's
    /// hits do not overlap).
    unmarked: Vec<(usize, Vec<ustr::Ustr>)>,
    rows: Spool,
    /// The data block's segment ids, comma-separated.
    data: Spool,
    /// The source language as an attribute value.
    source_lang: std::borrow::Cow<'a, str>,
}

impl<'a> Html<'a> {
    pub fn new(info: DocInfo<'a>) -> Html<'a> {
        Html {
            info,
            key: Sha256::new(),
            title: None,
            n: 0,
            translated: 0,
            with_terms: 0,
            compliant: 0,
            errors: 0,
            warnings: 0,
            codes: BTreeSet::new(),
            kinds: BTreeSet::new(),
            terms: ustr::UstrSet::default(),
            para: usize::MAX,
            gl: Glossary::default(),
            unmarked: Vec::new(),
            rows: Spool::new(info.spill),
            data: Spool::new(info.spill),
            source_lang: escape_attr(info.source_lang),
        }
    }

    /// Counts `s` for the header and the key.
    fn count(&mut self, s: &Segment) {
        self.key.update(s.id.as_bytes());
        self.key.update([0]);
        self.key.update(s.source.as_bytes());
        self.key.update([0]);
        self.key
            .update(s.target.as_deref().unwrap_or("").as_bytes());
        self.key.update([1]);
        if self.title.is_none() && s.kind == SegmentKind::Title {
            self.title = Some(s.source.clone());
        }
        let state = target_state(s);
        if state == "machine" || state == "human" {
            self.translated += 1;
            if s.terms.iter().any(|h| h.class.is_confident()) {
                self.with_terms += 1;
                if !s.flags.iter().any(|f| f.code == FlagCode::TermMissing) {
                    self.compliant += 1;
                }
            }
        }
        for f in &s.flags {
            match f.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
            }
            if !self.codes.contains(f.code.as_str()) {
                self.codes.insert(f.code.as_str().to_owned());
            }
        }
        self.kinds.insert(s.kind);
        self.terms.extend(s.terms.iter().map(|h| h.entry));
    }

    /// Appends the row of segment `s` to `p`: what reads without
    /// JavaScript (number, kind, source with its marks, ASCII, target and
    /// origin, QA flags) and nothing the script can build or infer.
    fn row(&mut self, s: &Segment, p: &mut String) {
        let (i, out) = (self.n, self.info);
        if s.para != self.para {
            self.para = s.para;
            p.push_str("<tr class=\"para\" data-para=\"");
            push_number(p, s.para);
            p.push_str("\"><th colspan=\"5\" scope=\"rowgroup\">paragraph ");
            push_number(p, s.para + 1);
            p.push_str("</th></tr>\n");
        }
        p.push_str("<tr class=\"seg\" id=\"seg-");
        push_number(p, i);
        p.push('"');
        let state = target_state(s);
        if state != "empty" {
            p.push_str(" data-state=\"");
            p.push_str(state);
            p.push('"');
        }
        p.push_str("><td class=\"n\">");
        push_number(p, s.seq);
        // The script labels a row without one as text.
        if s.kind != SegmentKind::Text {
            p.push_str("<span class=\"kind ");
            p.push_str(s.kind.name());
            p.push_str("\">");
            p.push_str(s.kind.name());
            p.push_str("</span>");
        }
        p.push_str("</td><td class=\"src\" lang=\"");
        p.push_str(&self.source_lang);
        p.push_str("\">");
        let mut unmarked = Vec::new();
        source_cell(p, s, out.entries, &mut self.gl, &mut unmarked);
        if !unmarked.is_empty() {
            self.unmarked.push((i, unmarked));
        }
        p.push_str("</td><td class=\"ascii\">");
        push_escaped(p, &s.ascii);
        if s.kind == SegmentKind::AsciiCaption {
            p.push_str(
                "</td><td class=\"tgt\"><span class=\"no-translate\">not translated (ASCII image caption)</span>",
            );
        } else {
            // The page's language is the target's: the cell inherits it.
            // The script adds the editable target a row without one lacks.
            p.push_str("</td><td class=\"tgt\">");
            // A target is written escaped in its `div`, and no `div` where
            // escaping leaves nothing (a target of removed characters).
            let open = "<div class=\"target\">";
            let before = p.len();
            p.push_str(open);
            push_escaped(p, s.target.as_deref().unwrap_or(""));
            if p.len() == before + open.len() {
                p.truncate(before);
            } else {
                p.push_str("</div>");
            }
            if let Some(o) = &s.origin {
                p.push_str("<span class=\"origin\">");
                push_escaped(p, &o.to_string());
                p.push_str("</span>");
            }
        }
        p.push_str("</td><td class=\"qa\">");
        if !s.flags.is_empty() {
            p.push_str("<ul>");
            for f in &s.flags {
                let _ = write!(
                    p,
                    "<li class=\"{}\"><b>{}</b> {}</li>",
                    f.severity,
                    escape(f.code.as_str()),
                    escape(&f.message)
                );
            }
            p.push_str("</ul>");
        }
        p.push_str("</td></tr>\n");
    }

    /// The page up to its first row.
    fn head(&self) -> String {
        let out = self.info;
        let doc = out.name;
        let title = self.title.as_deref().unwrap_or(doc);
        let rate = if self.with_terms == 0 {
            "n/a".to_owned()
        } else {
            format!(
                "{:.1}% ({}/{})",
                100.0 * self.compliant as f64 / self.with_terms as f64,
                self.compliant,
                self.with_terms
            )
        };
        let mut p = String::with_capacity(4096);
        let _ = write!(
            p,
            "<!DOCTYPE html>\n<html lang=\"{tl}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"songngu {ver}\">\n\
             <title>{t} — songngu review</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
            tl = escape_attr(out.target_lang),
            csp = csp_attr(),
            ver = env!("CARGO_PKG_VERSION"),
            t = escape(title),
        );
        let _ = write!(
            p,
            "<header>\n<h1 lang=\"{sl}\">{t}</h1>\n<dl class=\"facts\">\
             <div><dt>document</dt><dd id=\"doc\">{d}</dd></div>\
             <div><dt>languages</dt><dd>{sl} → {tl}</dd></div>\
             <div><dt>engine</dt><dd id=\"engine\">{e}</dd></div>\
             <div><dt>segments</dt><dd id=\"n-segments\">{n}</dd></div>\
             <div><dt>translated</dt><dd id=\"n-translated\">{translated}</dd></div>\
             <div><dt>flags</dt><dd id=\"n-flags\">{errors} error(s), {warnings} warning(s)</dd></div>\
             <div><dt>terms right</dt><dd id=\"compliance\">{rate}</dd></div>\
             <div><dt>review</dt><dd id=\"progress\" aria-live=\"polite\">not started</dd></div>\
             </dl>\n",
            sl = escape_attr(out.source_lang),
            tl = escape(out.target_lang),
            t = escape(title),
            d = escape(doc),
            e = escape(out.engine),
            n = self.n,
            translated = self.translated,
            errors = self.errors,
            warnings = self.warnings,
        );
        p.push_str(
            "<div class=\"toolbar\" role=\"search\">\
             <label>search <input id=\"q\" type=\"search\" placeholder=\"source, ASCII or target (/)\"></label>\
             <label>status <select id=\"f-status\"><option value=\"\">all</option>\
             <option value=\"todo\">to review</option><option value=\"empty\">no target</option>\
             <option value=\"draft\">glossary draft</option><option value=\"machine\">machine</option>\
             <option value=\"human\">human (memory)</option><option value=\"edited\">edited</option>\
             <option value=\"approved\">approved</option><option value=\"needs-work\">needs work</option>\
             </select></label>",
        );
        p.push_str(
            "<label>flag <select id=\"f-flag\"><option value=\"\">all</option>\
             <option value=\"*\">any flag</option><option value=\"-\">no flag</option>",
        );
        for c in &self.codes {
            let _ = write!(p, "<option value=\"{0}\">{0}</option>", escape_attr(c));
        }
        p.push_str(
            "</select></label><label>kind <select id=\"f-kind\"><option value=\"\">all</option>",
        );
        for k in &self.kinds {
            let _ = write!(p, "<option value=\"{0}\">{0}</option>", k.name());
        }
        p.push_str(
            "</select></label><label>term <select id=\"f-term\"><option value=\"\">all</option>",
        );
        let mut terms: Vec<&str> = self.terms.iter().map(ustr::Ustr::as_str).collect();
        terms.sort_unstable();
        for t in terms {
            let _ = write!(
                p,
                "<option value=\"{}\">{}</option>",
                escape_attr(t),
                escape(t)
            );
        }
        p.push_str(
            "</select></label>\
             <label title=\"hide the ASCII column to widen source and target (remembered in this browser)\">\
             <input type=\"checkbox\" id=\"show-ascii\" checked> ASCII column</label>\
             <button type=\"button\" id=\"export\" title=\"download the corrections as JSONL for `songngu tm import`\">Export corrections</button>\
             <span id=\"shown\" aria-live=\"polite\"></span></div>\n\
             <p class=\"keys\">Keys: <kbd>Alt</kbd>+<kbd>↓</kbd>/<kbd>↑</kbd> (or <kbd>j</kbd>/<kbd>k</kbd>) next/previous segment · \
             <kbd>Ctrl</kbd>+<kbd>Enter</kbd> approve and go on · <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>Enter</kbd> needs work · \
             <kbd>/</kbd> search. Edits are kept in this browser until you export them.</p>\n</header>\n",
        );
        let _ = write!(
            p,
            "<main>\n<table id=\"segments\">\n<thead><tr><th scope=\"col\" class=\"n\">#</th>\
             <th scope=\"col\" class=\"src\" lang=\"en\">source ({sl})</th><th scope=\"col\" class=\"ascii\">ASCII</th>\
             <th scope=\"col\" class=\"tgt\">target ({tl})</th>\
             <th scope=\"col\" class=\"qa\">QA</th></tr></thead>\n<tbody>\n",
            sl = escape(out.source_lang),
            tl = escape(out.target_lang),
        );
        p
    }
}

impl Writer for Html<'_> {
    fn write(&mut self, segments: &[Segment], _out: &mut [&mut dyn Write]) -> std::io::Result<()> {
        // Each row is rendered straight into the rows' spool, each id into
        // the data block's (taken out of `self` meanwhile).
        let (mut rows, mut data) = (
            std::mem::take(&mut self.rows),
            std::mem::take(&mut self.data),
        );
        rows.reserve(
            segments
                .iter()
                .map(|s| {
                    2 * s.source.len()
                        + s.ascii.len()
                        + s.target.as_ref().map_or(0, String::len)
                        + 96 * s.terms.len()
                        + 192
                })
                .sum(),
        );
        data.reserve(segments.iter().map(|s| s.id.len() + 3).sum());
        let mut step = |s: &Segment| -> std::io::Result<()> {
            self.count(s);
            self.row(s, rows.buffer());
            rows.commit()?;
            let ids = data.buffer();
            if self.n > 0 {
                ids.push(',');
            }
            push_script_json_str(ids, &s.id);
            data.commit()?;
            self.n += 1;
            Ok(())
        };
        let written = segments.iter().try_for_each(&mut step);
        (self.rows, self.data) = (rows, data);
        written
    }

    fn finish(&mut self, out: &mut [&mut dyn Write]) -> std::io::Result<()> {
        let page = &mut *out[0];
        page.write_all(self.head().as_bytes())?;
        self.rows.copy_to(page)?;
        page.write_all(
            b"</tbody>\n</table>\n</main>\n<div id=\"tip\" role=\"tooltip\" hidden></div>\n\
              <script type=\"application/json\" id=\"songngu-data\">",
        )?;
        let key: String = self.key.clone().finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let head = script_json(&DataHead {
            doc: self.info.name,
            key: &key,
            source_lang: self.info.source_lang,
            target_lang: self.info.target_lang,
            check: checked_classes(),
        });
        let head = head.strip_suffix('}').expect("an object");
        page.write_all(head.as_bytes())?;
        page.write_all(b",\"ids\":[")?;
        self.data.copy_to(page)?;
        page.write_all(b"],\"glossary\":")?;
        page.write_all(script_json(&self.gl.entries).as_bytes())?;
        if !self.unmarked.is_empty() {
            let terms: std::collections::BTreeMap<String, Vec<&str>> = self
                .unmarked
                .iter()
                .map(|(i, t)| (i.to_string(), t.iter().map(|e| e.as_str()).collect()))
                .collect();
            page.write_all(b",\"terms\":")?;
            page.write_all(script_json(&terms).as_bytes())?;
        }
        write!(
            page,
            "}}</script>\n<script>{JS}</script>\n</body>\n</html>\n"
        )
    }
}

/// The whole page for one document.
#[cfg(test)]
fn page(out: &super::Output<'_>) -> String {
    super::render(super::Format::Html, out)
        .pop()
        .expect("one file")
        .1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Document, Flag};
    use crate::formats::Output;
    use crate::glossary::{Entry, Hit};

    fn seg(i: usize, source: &str, target: Option<&str>) -> Segment {
        Segment {
            id: format!("d:{i:04}"),
            doc: "d".into(),
            para: i / 2,
            seq: i,
            kind: SegmentKind::Text,
            source: source.into(),
            ascii: crate::to_ascii(source),
            target: target.map(Into::into),
            origin: target.map(|_| Provenance::Engine("apertium".into())),
            terms: Vec::new(),
            flags: Vec::new(),
            span: (0, 0),
        }
    }

    const HOSTILE: [&str; 6] = [
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(2)>",
        "</textarea><b>x</b>",
        "{{constructor.constructor('alert(3)')()}}",
        "</script><script>alert(4)</script>",
        "a\u{2028}b & c ' d",
    ];

    fn render(segs: &[Segment], entries: &[Entry]) -> String {
        let doc = Document {
            name: "d<x>".into(),
            ..Document::default()
        };
        page(&Output {
            doc: &doc,
            segments: segs,
            source_lang: "vi",
            target_lang: "en",
            original: "d.txt",
            entries,
            engine: "apertium",
        })
    }

    /// The text outside the JSON block and the two trusted assets.
    fn markup(page: &str) -> String {
        let start = page.find("<script type=\"application/json\"").unwrap();
        page[..start].replace(CSS, "")
    }

    /// The text of the page's JSON data block.
    fn data_json(page: &str) -> &str {
        let start = page.find("id=\"songngu-data\">").unwrap() + "id=\"songngu-data\">".len();
        let end = start + page[start..].find("</script>").unwrap();
        &page[start..end]
    }

    fn data_block(page: &str) -> serde_json::Value {
        serde_json::from_str(data_json(page)).unwrap()
    }

    fn hit(source: &str, entry: &str, target: &str, class: HitClass, index: usize) -> Hit {
        let start = source.find(entry).unwrap();
        Hit {
            start,
            end: start + entry.len(),
            entry: ustr::Ustr::from(entry),
            target: ustr::Ustr::from(target),
            class,
            index,
        }
    }

    /// Issue 13: each mark repeated its entry's note, accepted targets and
    /// forbidden renderings. They are written once per page, in the data
    /// block, and each mark points at them by a per-page index.
    #[test]
    fn term_details_are_written_once_per_page() {
        let mut bt = Entry::term("Ban Bí thư", "Secretariat");
        bt.note = Some("the Party's Secretariat".into());
        bt.forbidden = vec!["Board of Secretaries".into(), "Secretary Board".into()];
        let mut ca = Entry::term("Bộ Công an", "Ministry of Public Security");
        ca.note = Some("MPS".into());
        let unused = Entry::term("Quốc hội", "National Assembly");
        let entries = [unused, bt, ca];
        let mut segs: Vec<Segment> = (0..4)
            .map(|i| {
                seg(
                    i,
                    "Bộ Công an và Ban Bí thư họp.",
                    Some("The Secretariat met."),
                )
            })
            .collect();
        for s in &mut segs {
            let src = s.source.clone();
            s.terms = vec![
                hit(
                    &src,
                    "Bộ Công an",
                    "Ministry of Public Security",
                    HitClass::Exact,
                    2,
                ),
                // A pattern-like hit whose target is not the entry's.
                hit(&src, "Ban Bí thư", "the Secretariat", HitClass::Exact, 1),
            ];
        }
        // A hit that is not confident is shown, not checked.
        segs[3].terms[0].class = HitClass::Partial;
        let page = render(&segs, &entries);
        let m = markup(&page);
        for gone in [
            "data-note",
            "data-forbidden",
            "data-accepted",
            "Board of Secretaries",
            "MPS",
        ] {
            assert!(!m.contains(gone), "{gone} is still in the marks");
        }
        // Numbered in order of first hit; the unused entry is not written.
        // A mark holds its class and entry index, and its target only where
        // it is not the entry's: the script reads the rest from `glossary`
        // and `check`.
        assert_eq!(
            m.matches("<mark class=\"term exact\" data-g=\"0\">Bộ Công an</mark>")
                .count(),
            3
        );
        assert_eq!(
            m.matches("<mark class=\"term partial\" data-g=\"0\">Bộ Công an</mark>")
                .count(),
            1
        );
        assert_eq!(
            m.matches("<mark class=\"term exact\" data-g=\"1\" data-target=\"the Secretariat\">Ban Bí thư</mark>")
                .count(),
            4
        );
        assert_eq!(m.matches("<mark ").count(), 8);
        for inferred in ["data-entry", "data-class", "data-check", "tabindex"] {
            assert!(!m.contains(inferred), "{inferred} is written");
        }
        assert_eq!(page.matches("Board of Secretaries").count(), 1);
        assert_eq!(page.matches("the Party").count(), 1);
        let v = data_block(&page);
        assert_eq!(
            v["glossary"],
            serde_json::json!([
                {"entry": "Bộ Công an", "target": "Ministry of Public Security", "note": "MPS"},
                {"entry": "Ban Bí thư", "target": "Secretariat", "note": "the Party's Secretariat",
                 "forbidden": ["Board of Secretaries", "Secretary Board"]},
            ])
        );
        // The classes the script checks against the target.
        assert_eq!(
            v["check"],
            serde_json::json!(["exact", "case-variant", "tone-variant", "ascii-span"])
        );
        assert!(v.get("terms").is_none());
        assert!(!page.contains("National Assembly"));
    }

    #[test]
    fn hostile_text_is_escaped_everywhere() {
        let mut segs: Vec<Segment> = HOSTILE
            .iter()
            .enumerate()
            .map(|(i, h)| seg(i, &format!("Ban Bí thư {h}"), Some(h)))
            .collect();
        segs[0].flags.push(Flag {
            code: FlagCode::TermMissing,
            severity: Severity::Error,
            message: HOSTILE[1].into(),
        });
        let mut e = Entry::term("Ban Bí thư", "Secretariat\"><script>");
        e.note = Some("<img src=x onerror=alert(5)>".into());
        e.forbidden = vec!["</mark><script>".into()];
        for s in &mut segs {
            s.terms.push(Hit {
                start: 0,
                end: "Ban Bí thư".len(),
                entry: ustr::Ustr::from("Ban Bí thư"),
                target: ustr::Ustr::from(e.target.as_str()),
                class: HitClass::Exact,
                index: 0,
            });
        }
        let page = render(&segs, &[e]);
        let m = markup(&page);
        assert!(!m.contains("<script>alert"), "{m}");
        assert!(!m.contains("<img"));
        assert!(!m.contains("</textarea><b>"));
        assert!(!m.contains("<b>x"));
        assert!(m.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));
        assert_eq!(m.matches("<script").count(), 0);
        // Exactly two scripts: the data block and the page's own code.
        assert_eq!(page.matches("<script").count(), 2);
        assert_eq!(page.matches("</script>").count(), 2);
        let json = data_json(&page);
        assert!(!json.contains('<') && !json.contains('\u{2028}'));
        let v = data_block(&page);
        // The entry's note and forbidden renderings, once, in the data.
        assert_eq!(v["glossary"][0]["note"], "<img src=x onerror=alert(5)>");
        assert_eq!(v["glossary"][0]["forbidden"][0], "</mark><script>");
        assert_eq!(v["glossary"][0]["target"], "Secretariat\"><script>");
        // The targets are in the table only, the data block has the ids.
        assert!(m.contains(
            "<div class=\"target\">&lt;/script&gt;&lt;script&gt;alert(4)&lt;/script&gt;</div>"
        ));
        assert_eq!(v["ids"][4], "d:0004");
        assert!(!json.contains("alert(4)"));
        assert_eq!(v["doc"], "d<x>");
        assert!(m.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(m.contains("{{constructor.constructor(&apos;alert(3)&apos;)()}}"));
    }

    #[test]
    fn human_corrections_start_approved() {
        let mut segs = vec![
            seg(0, "Câu một.", Some("Sentence one.")),
            seg(1, "Câu hai.", Some("Sentence two.")),
        ];
        segs[1].origin = Some(Provenance::Human);
        let page = render(&segs, &[]);
        let row = |i: usize| {
            let start = page.find(&format!("id=\"seg-{i}\"")).unwrap();
            let end = start + page[start..].find("</tr>").unwrap();
            page[start..end].to_owned()
        };
        // The script starts a `human` row approved (its status menu is
        // built in the browser: tests/browser/review.mjs).
        assert!(row(0).contains("data-state=\"machine\""), "{}", row(0));
        assert!(row(1).contains("data-state=\"human\""), "{}", row(1));
        assert!(!page.contains("<select class=\"status\""));
    }

    #[test]
    fn structure_csp_and_no_network() {
        let mut segs = vec![
            seg(0, "Tiêu đề", None),
            seg(1, "Câu một.", Some("Sentence one.")),
            seg(2, "abc hinh anh 1", None),
        ];
        segs[0].kind = SegmentKind::Title;
        segs[2].kind = SegmentKind::AsciiCaption;
        let page = render(&segs, &[]);
        assert_eq!(page.matches("<tr class=\"seg\"").count(), 3);
        assert_eq!(page.matches("<tr class=\"para\"").count(), 2);
        // One target (the ASCII caption has none, the title's is empty);
        // the script makes it editable, adds the title's, and adds the
        // review column.
        assert_eq!(page.matches("<div class=\"target\">").count(), 1);
        assert_eq!(page.matches("<td class=\"tgt\"></td>").count(), 1);
        let m = markup(&page);
        assert!(!m.contains("contenteditable"));
        assert!(!m.contains("review\""));
        assert!(page.contains("<h1 lang=\"vi\">Tiêu đề</h1>"));
        // No target: no state attribute (the script reads it as `empty`).
        assert_eq!(page.matches(" data-state=").count(), 1);
        assert!(page.contains("data-state=\"machine\""));
        // A kind other than text is written.
        assert!(page.contains("<span class=\"kind title\">title</span>"));
        assert!(page.contains("<span class=\"kind ascii-caption\">ascii-caption</span>"));
        assert!(!m.contains("kind text"));
        // The policy names the hashes of exactly the inline style and script.
        let csp = content_security_policy();
        assert!(page.contains(&escape_attr(&csp).into_owned()));
        assert!(csp.starts_with("default-src 'none'; script-src 'sha256-"));
        assert!(!csp.contains("unsafe"));
        assert!(page.contains(&format!("<script>{JS}</script>")));
        assert!(page.contains(&format!("<style>{CSS}</style>")));
        for needle in ["http://", "https://", "src=\"", "@import", "url("] {
            assert!(!page.contains(needle), "{needle} found: pages load nothing");
        }
    }

    #[test]
    fn header_counts_compliance() {
        let mut segs = vec![seg(0, "Ban Bí thư họp.", Some("The Secretariat met."))];
        segs.push(seg(1, "Ban Bí thư họp.", Some("The board met.")));
        for s in &mut segs {
            s.terms.push(Hit {
                start: 0,
                end: 12,
                entry: ustr::Ustr::from("Ban Bí thư"),
                target: ustr::Ustr::from("Secretariat"),
                class: HitClass::Exact,
                index: 0,
            });
        }
        segs[1].flags.push(Flag {
            code: FlagCode::TermMissing,
            severity: Severity::Error,
            message: "m".into(),
        });
        let page = render(&segs, &[Entry::term("Ban Bí thư", "Secretariat")]);
        assert!(page.contains("<dd id=\"compliance\">50.0% (1/2)</dd>"));
        assert!(page.contains("1 error(s), 0 warning(s)"));
        // Both marks are checked against the entry written once in the data.
        assert_eq!(
            page.matches("<mark class=\"term exact\" data-g=\"0\">Ban Bí thư</mark>")
                .count(),
            2
        );
        let v = data_block(&page);
        assert_eq!(
            v["glossary"],
            serde_json::json!([{"entry": "Ban Bí thư", "target": "Secretariat"}])
        );
        assert!(page.contains("<option value=\"term-missing\">term-missing</option>"));
    }

    /// Issue 13: a row holds its text and what the script cannot infer,
    /// nothing more (the review controls, the editable target's attributes,
    /// a mark's tabindex, class and entry are built in the browser).
    #[test]
    fn a_row_is_its_text_and_little_else() {
        let mut segs = vec![seg(0, "Ban Bí thư họp.", Some("The Secretariat met."))];
        let src = segs[0].source.clone();
        segs[0].terms = vec![hit(&src, "Ban Bí thư", "Secretariat", HitClass::Exact, 0)];
        segs[0].flags.push(Flag {
            code: FlagCode::Untranslated,
            severity: Severity::Warning,
            message: "no target".into(),
        });
        let page = render(&segs, &[Entry::term("Ban Bí thư", "Secretariat")]);
        assert!(
            page.contains(
                "<tr class=\"para\" data-para=\"0\"><th colspan=\"5\" scope=\"rowgroup\">paragraph 1</th></tr>\n\
                 <tr class=\"seg\" id=\"seg-0\" data-state=\"machine\"><td class=\"n\">0</td>\
                 <td class=\"src\" lang=\"vi\"><mark class=\"term exact\" data-g=\"0\">Ban Bí thư</mark> họp.</td>\
                 <td class=\"ascii\">Ban Bi thu hop.</td>\
                 <td class=\"tgt\"><div class=\"target\">The Secretariat met.</div><span class=\"origin\">engine:apertium</span></td>\
                 <td class=\"qa\"><ul><li class=\"warning\"><b>untranslated</b> no target</li></ul></td></tr>\n"
            ),
            "{page}"
        );
        // The table has five columns until the script adds `review`.
        assert_eq!(page.matches("<th scope=\"col\"").count(), 5);
    }

    /// A hit whose entry is not the glossary's as written, or that the
    /// page's glossary lacks, carries its entry; a hit with no mark still
    /// counts for the term filter.
    #[test]
    fn what_a_mark_cannot_point_at_is_written() {
        let entries = [Entry::term("Ban Bí thư", "Secretariat")];
        let mut s = seg(0, "Ban Bí thư và Bộ Công an.", None);
        let src = s.source.clone();
        let mut other = hit(&src, "Bộ Công an", "MPS", HitClass::Exact, 7);
        other.index = 7;
        let mut named = hit(&src, "Ban Bí thư", "Secretariat", HitClass::CaseVariant, 0);
        named.entry = ustr::Ustr::from("ban bí thư");
        // Overlaps the first hit: no mark.
        let mut inner = hit(&src, "Bí thư", "secretary", HitClass::Partial, 0);
        inner.entry = ustr::Ustr::from("Bí thư");
        s.terms = vec![named, inner, other];
        let page = render(&[s], &entries);
        let m = markup(&page);
        assert!(m.contains(
            "<mark class=\"term case-variant\" data-g=\"0\" data-entry=\"ban bí thư\">Ban Bí thư</mark>"
        ));
        assert!(m.contains(
            "<mark class=\"term exact\" data-entry=\"Bộ Công an\" data-target=\"MPS\">Bộ Công an</mark>"
        ));
        assert_eq!(m.matches("<mark ").count(), 2);
        let v = data_block(&page);
        assert_eq!(v["terms"], serde_json::json!({"0": ["Bí thư"]}));
        // Every hit's entry is in the term filter.
        for t in ["ban bí thư", "Bí thư", "Bộ Công an"] {
            assert!(m.contains(&format!("<option value=\"{t}\">")), "{t}");
        }
    }

    #[test]
    fn a_plain_id_in_the_data_block_is_what_serde_writes() {
        for id in [
            "bai-00000:0000",
            "",
            "Bài báo:0001",
            "a\"b:1",
            "a\\b",
            "x<y>&z",
            "tab\there",
            "\u{2028}\u{2029}\u{2027}",
            "\u{7f}\u{1f}",
        ] {
            let mut pushed = String::from("[");
            push_script_json_str(&mut pushed, id);
            assert_eq!(pushed, format!("[{}", script_json(&id)), "{id:?}");
        }
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        for n in [0, 7, 10, 99, 320, 1_000_007, usize::MAX] {
            let mut p = String::from("x");
            push_number(&mut p, n);
            assert_eq!(p, format!("x{n}"));
        }
    }
}
