//! Reading glossary files into [`Glossary`] with located diagnostics.
//!
//! The TOML is parsed into a spanned document (`toml::de::DeTable`) and read
//! by hand rather than through serde, so that every problem, including a
//! misspelt field inside an inline table of `[terms]`, is reported with its
//! own line and column and a fix, and so that one bad entry does not hide
//! the others. Checks that need only one entry live here; checks across
//! entries live in [`super::validate`].

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};
use unicode_normalization::is_nfc;

use super::pattern::{Part, SlotType, Template};
use super::settings::CaseRule;
use super::{Diagnostic, Entry, EntryKind, Glossary, GlossaryFile, Location, Severity, Status};

/// Fields of a rich `[[entry]]`.
const ENTRY_FIELDS: [&str; 16] = [
    "id",
    "kind",
    "source",
    "target",
    "variants",
    "forbidden",
    "note",
    "tags",
    "status",
    "case",
    "ascii",
    "keep",
    "suspect",
    "slots",
    "look_alikes",
    "needs",
];

/// Reads every glossary file under `paths` (folders: their `*.toml` files in
/// name order; files: `.toml`, `.tsv`, `.csv`), merges them in that order
/// and validates the result. TSV/CSV files have no `[meta]`: they take the
/// language pair `default_pair`.
///
/// Returns the glossary (entries with errors left out) and every diagnostic.
pub fn load_paths(paths: &[PathBuf], default_pair: (&str, &str)) -> (Glossary, Vec<Diagnostic>) {
    let mut glossary = Glossary::default();
    let mut diags = Vec::new();
    for file in expand(paths, &mut diags) {
        let text = match crate::plaintext::read_utf8(&file) {
            Ok(t) => t,
            Err(e) => {
                let message = match e {
                    crate::Error::InvalidUtf8 { offset, .. } => {
                        format!("invalid UTF-8 at byte offset {offset}; save the file as UTF-8")
                    }
                    crate::Error::Io { cause, .. } => format!("cannot read: {cause}"),
                    other => other.to_string(),
                };
                diags.push(Diagnostic::error_at_start(&file, message));
                continue;
            }
        };
        let is_table = file
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("tsv") || e.eq_ignore_ascii_case("csv"));
        let (gf, entries) = if is_table {
            let (entries, d) = super::exchange::import_table(&text, &file);
            diags.extend(d);
            let gf = GlossaryFile {
                path: file.clone(),
                source_lang: default_pair.0.into(),
                target_lang: default_pair.1.into(),
            };
            (Some(gf), entries)
        } else {
            let (gf, entries, d) = parse_file(&text, &file);
            diags.extend(d);
            (gf, entries)
        };
        if let Some(gf) = gf {
            glossary.files.push(gf);
        }
        glossary.entries.extend(entries);
    }
    // Cross-entry rules apply within one language pair.
    let mut pairs: Vec<(String, String)> = Vec::new();
    for f in &glossary.files {
        let pair = (f.source_lang.clone(), f.target_lang.clone());
        if !pairs.contains(&pair) {
            pairs.push(pair);
        }
    }
    for (s, t) in &pairs {
        diags.extend(super::validate::validate_pair(&glossary, (s, t)));
    }
    diags.sort_by(|a, b| {
        (&a.location.path, a.location.line, a.location.col).cmp(&(
            &b.location.path,
            b.location.line,
            b.location.col,
        ))
    });
    (glossary, diags)
}

/// The glossary files `load_paths` reads under `paths`, in merge order
/// (those that cannot be read included; missing paths left out).
pub fn files_under(paths: &[PathBuf]) -> Vec<PathBuf> {
    expand(paths, &mut Vec::new())
}

/// The glossary files under `paths`, in merge order.
fn expand(paths: &[PathBuf], diags: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            match std::fs::read_dir(p) {
                Ok(rd) => {
                    let mut inner: Vec<PathBuf> = rd
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|f| f.is_file() && f.extension().is_some_and(|e| e == "toml"))
                        .collect();
                    inner.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
                    files.extend(inner);
                }
                Err(e) => diags.push(Diagnostic::error_at_start(
                    p,
                    format!("cannot read folder: {e}"),
                )),
            }
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            diags.push(Diagnostic::error_at_start(
                p,
                "no such file or folder; check [glossary] paths in config.toml or --glossary"
                    .into(),
            ));
        }
    }
    files
}

/// Parses one TOML glossary file. Returns its language pair (when `[meta]`
/// is valid), the entries without errors, and the diagnostics.
pub fn parse_file(text: &str, path: &Path) -> (Option<GlossaryFile>, Vec<Entry>, Vec<Diagnostic>) {
    let mut r = Reader {
        path,
        diags: Vec::new(),
        errors: 0,
        locator: Locator::new(text),
        slots_given: false,
        bad_slots: Vec::new(),
    };
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc.into_inner(),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim_end();
            let message = match duplicate_key(text, message, &span) {
                Some((name, first)) => {
                    let (line, _) = r.locator.line_col(first);
                    format!(
                        "duplicate key `{name}`: it is first defined on line {line}; keep one of the two"
                    )
                }
                None => format!("{message}; fix the TOML syntax"),
            };
            r.error(&span, message);
            return (None, Vec::new(), r.diags);
        }
    };
    let mut meta = None;
    let mut entries = Vec::new();
    let mut saw_meta = false;
    for (key, value) in doc.iter() {
        match key.get_ref().as_ref() {
            "meta" => {
                saw_meta = true;
                meta = r.meta(value);
            }
            "terms" => match value.get_ref() {
                DeValue::Table(t) => {
                    for (k, v) in t.iter() {
                        if let Some(e) = r.simple_term(k, v) {
                            entries.push(e);
                        }
                    }
                }
                _ => r.error(&value.span(), "`terms` must be a table: write `[terms]`".into()),
            },
            "entry" => match value.get_ref() {
                DeValue::Array(items) => {
                    for item in items.iter() {
                        match item.get_ref() {
                            DeValue::Table(t) => {
                                if let Some(e) = r.rich_entry(t, &item.span()) {
                                    entries.push(e);
                                }
                            }
                            _ => r.error(&item.span(), "each `entry` must be a table: write `[[entry]]`".into()),
                        }
                    }
                }
                _ => r.error(&value.span(), "`entry` must be an array of tables: write `[[entry]]`".into()),
            },
            other => r.error(
                &key.span(),
                format!("unknown top-level table `{other}`; a glossary file has `[meta]`, `[terms]` and `[[entry]]`"),
            ),
        }
    }
    if !saw_meta {
        r.error(
            &(0..0),
            "missing `[meta]`; start the file with `[meta]`, `source_lang = \"vi\"`, `target_lang = \"en\"`".into(),
        );
    }
    let file = meta.map(|(s, t)| GlossaryFile {
        path: path.to_path_buf(),
        source_lang: s,
        target_lang: t,
    });
    (file, entries, r.diags)
}

type Span = std::ops::Range<usize>;

/// For the parser's "duplicate key" error at `span` (the second
/// definition): the key's name and the byte offset of its first
/// definition, the nearest earlier key of that name in what the parser
/// could read (the first definition is kept there).
fn duplicate_key(text: &str, message: &str, span: &Span) -> Option<(String, usize)> {
    if !message.starts_with("duplicate key") {
        return None;
    }
    let raw = text.get(span.clone())?;
    // The key as TOML reads it (quotes and escapes removed).
    let name = DeTable::parse(&format!("{raw} = 0\n"))
        .ok()
        .and_then(|t| t.get_ref().keys().next().map(|k| k.get_ref().to_string()))
        .unwrap_or_else(|| raw.to_owned());
    let (doc, _) = DeTable::parse_recoverable(text);
    let mut best: Option<usize> = None;
    let mut tables: Vec<&DeTable<'_>> = vec![doc.get_ref()];
    while let Some(t) = tables.pop() {
        for (k, v) in t.iter() {
            let start = k.span().start;
            if k.get_ref().as_ref() == name && start < span.start && best.is_none_or(|b| start > b)
            {
                best = Some(start);
            }
            let mut values = vec![v];
            while let Some(v) = values.pop() {
                match v.get_ref() {
                    DeValue::Table(inner) => tables.push(inner),
                    DeValue::Array(items) => values.extend(items.iter()),
                    _ => {}
                }
            }
        }
    }
    // A table header given twice (`[terms]`): the parser keeps only the
    // second, so look for the first in the text.
    best.or_else(|| {
        let mut offset = 0;
        for line in text[..span.start].split_inclusive('\n') {
            let t = line.trim();
            if t.strip_prefix('[')
                .and_then(|t| t.strip_suffix(']'))
                .map(str::trim)
                == Some(raw)
            {
                return Some(offset + line.find('[').unwrap_or(0));
            }
            offset += line.len();
        }
        None
    })
    .map(|b| (name, b))
}

struct Reader<'a> {
    path: &'a Path,
    diags: Vec<Diagnostic>,
    /// Errors among `diags`.
    errors: usize,
    locator: Locator<'a>,
    /// The entry being read has a `slots` field (even if no slot in it is valid).
    slots_given: bool,
    /// Its slots whose type is unknown (already reported).
    bad_slots: Vec<String>,
}

/// Line and column (1-based, columns in characters) of byte offsets in one
/// text, without rescanning it from the start for each offset: the line
/// starts are indexed once, and an offset after the previous one on the
/// same line counts only the characters in between. Offsets asked for in
/// increasing order (hits, entries) cost the text's length in total.
#[derive(Debug)]
pub struct Locator<'a> {
    text: &'a str,
    /// Byte offset of the start of every line.
    line_starts: Vec<usize>,
    /// The last answer: byte offset, its 0-based line, 1-based column.
    last: (usize, usize, usize),
}

impl<'a> Locator<'a> {
    /// Indexes the lines of `text`.
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Locator {
            text,
            line_starts,
            last: (0, 0, 1),
        }
    }

    /// The 1-based line and column (in characters) of byte `offset`
    /// (clamped to the text, and back to a character boundary).
    pub fn line_col(&mut self, offset: usize) -> (usize, usize) {
        let offset = self.text.floor_char_boundary(offset.min(self.text.len()));
        let (last_off, last_line, last_col) = self.last;
        let next_line_start = self
            .line_starts
            .get(last_line + 1)
            .copied()
            .unwrap_or(usize::MAX);
        let (line, col) = if offset >= last_off && offset < next_line_start {
            (
                last_line,
                last_col + self.text[last_off..offset].chars().count(),
            )
        } else {
            let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
            let start = self.line_starts[line];
            (line, 1 + self.text[start..offset].chars().count())
        };
        self.last = (offset, line, col);
        (line + 1, col)
    }
}

impl Reader<'_> {
    fn location(&mut self, span: &Span) -> Location {
        let (line, col) = self.locator.line_col(span.start);
        Location {
            path: self.path.to_path_buf(),
            line,
            col,
        }
    }

    fn push(&mut self, span: &Span, severity: Severity, message: String) {
        let location = self.location(span);
        if severity == Severity::Error {
            self.errors += 1;
        }
        self.diags.push(Diagnostic {
            location,
            severity,
            message,
        });
    }

    fn error(&mut self, span: &Span, message: String) {
        self.push(span, Severity::Error, message);
    }

    fn warning(&mut self, span: &Span, message: String) {
        self.push(span, Severity::Warning, message);
    }

    fn meta(&mut self, value: &Spanned<DeValue<'_>>) -> Option<(String, String)> {
        let DeValue::Table(t) = value.get_ref() else {
            self.error(
                &value.span(),
                "`meta` must be a table: write `[meta]`".into(),
            );
            return None;
        };
        let mut source = None;
        let mut target = None;
        for (k, v) in t.iter() {
            match k.get_ref().as_ref() {
                "source_lang" => source = self.string(v, "source_lang"),
                "target_lang" => target = self.string(v, "target_lang"),
                "name" | "description" => {
                    self.string(v, k.get_ref());
                }
                other => self.error(
                    &k.span(),
                    format!(
                        "unknown field `{other}` in [meta]; expected `source_lang`, `target_lang`, \
                         `name` or `description`"
                    ),
                ),
            }
        }
        match (source, target) {
            (Some(s), Some(t)) => Some((s, t)),
            _ => {
                self.error(
                    &value.span(),
                    "[meta] needs `source_lang` and `target_lang` (e.g. \"vi\" and \"en\")".into(),
                );
                None
            }
        }
    }

    /// A `[terms]` line: `"source" = "target"` or `"source" = { … }`.
    fn simple_term(
        &mut self,
        key: &Spanned<Cow<'_, str>>,
        value: &Spanned<DeValue<'_>>,
    ) -> Option<Entry> {
        let source = key.get_ref().to_string();
        let key_span = key.span();
        let errors_before = self.count_errors();
        self.check_text(&key_span, "source", &source);
        let mut entry = Entry::term(&source, "");
        entry.location = self.location(&key_span);
        match value.get_ref() {
            DeValue::String(s) => {
                entry.target = s.to_string();
                self.check_text(&value.span(), "target", &entry.target);
            }
            DeValue::Table(t) => {
                let mut has_target = false;
                for (k, v) in t.iter() {
                    let name = k.get_ref().as_ref();
                    if name == "source" {
                        self.error(
                            &k.span(),
                            format!(
                                "`source` inside the entry for `{source}`: in [terms] the key is the \
                                 source; remove this field or move the entry to an [[entry]] table"
                            ),
                        );
                        continue;
                    }
                    if !ENTRY_FIELDS.contains(&name) {
                        self.error(
                            &k.span(),
                            format!(
                                "unknown field `{name}` in the entry for `{source}`; expected one of: {}",
                                ENTRY_FIELDS.iter().filter(|f| **f != "source").copied().collect::<Vec<_>>().join(", ")
                            ),
                        );
                        continue;
                    }
                    has_target |= name == "target";
                    self.field(&mut entry, name, v);
                }
                if !has_target && !entry.keep {
                    self.error(
                        &value.span(),
                        format!("the entry for `{source}` has no `target`; add `target = \"…\"`"),
                    );
                }
            }
            _ => {
                self.error(
                    &value.span(),
                    format!(
                        "the value for `{source}` must be a string (the target) or an inline table \
                         like {{ target = \"…\", note = \"…\" }}"
                    ),
                );
            }
        }
        self.finish_entry(entry, &key_span, errors_before)
    }

    fn rich_entry(&mut self, t: &DeTable<'_>, span: &Span) -> Option<Entry> {
        let errors_before = self.count_errors();
        let mut entry = Entry::term("", "");
        let mut source_span = span.clone();
        let mut has_source = false;
        let mut has_target = false;
        // Slots first, so that the pattern can be checked whatever the field order.
        for (k, v) in t.iter() {
            if k.get_ref().as_ref() == "slots" {
                self.field(&mut entry, "slots", v);
            }
        }
        for (k, v) in t.iter() {
            let name = k.get_ref().as_ref();
            if !ENTRY_FIELDS.contains(&name) {
                self.error(
                    &k.span(),
                    format!(
                        "unknown field `{name}` in [[entry]]; expected one of: {}",
                        ENTRY_FIELDS.join(", ")
                    ),
                );
                continue;
            }
            match name {
                "slots" => {}
                "source" => {
                    has_source = true;
                    source_span = v.span();
                    if let Some(s) = self.string(v, "source") {
                        self.check_text(&v.span(), "source", &s);
                        entry.source = s;
                    }
                }
                _ => {
                    has_target |= name == "target";
                    self.field(&mut entry, name, v);
                }
            }
        }
        entry.location = self.location(&source_span);
        if !has_source {
            self.error(
                span,
                "[[entry]] has no `source`; add `source = \"…\"` (the Vietnamese term)".into(),
            );
        }
        if !has_target && !entry.keep {
            self.error(
                &source_span,
                "[[entry]] has no `target`; add `target = \"…\"` (or `keep = true`)".into(),
            );
        }
        self.finish_entry(entry, &source_span, errors_before)
    }

    fn count_errors(&self) -> usize {
        self.errors
    }

    /// Checks that need the whole entry; returns it if it has no errors.
    fn finish_entry(
        &mut self,
        mut entry: Entry,
        span: &Span,
        errors_before: usize,
    ) -> Option<Entry> {
        if entry.keep && entry.target.is_empty() {
            entry.target = entry.source.clone();
        }
        if entry
            .forbidden
            .iter()
            .any(|f| f.eq_ignore_ascii_case(&entry.target))
            && !entry.target.is_empty()
        {
            self.error(
                span,
                format!(
                    "`{}` is both the target and forbidden in the entry for `{}`; remove it from \
                     `forbidden` or change the target",
                    entry.target, entry.source
                ),
            );
        }
        if let Some(a) = &entry.ascii
            && !a.is_ascii()
        {
            self.error(
                span,
                format!("`ascii` must be plain ASCII, got `{a}`; write it without diacritics"),
            );
        }
        self.check_look_alikes_needs(&entry, span);
        match entry.kind {
            EntryKind::Pattern => self.check_pattern(&entry, span),
            EntryKind::Term => {
                if !entry.slots.is_empty() || self.slots_given {
                    self.error(
                        span,
                        "`slots` belong to patterns; add `kind = \"pattern\"`".into(),
                    );
                } else if entry.source.contains('{') && entry.source.contains('}') {
                    self.warning(
                        span,
                        format!(
                            "`{}` looks like a pattern but is a plain term; add `kind = \"pattern\"` \
                             and [entry.slots]",
                            entry.source
                        ),
                    );
                }
            }
        }
        self.slots_given = false;
        self.bad_slots.clear();
        (self.count_errors() == errors_before && !entry.source.is_empty()).then_some(entry)
    }

    /// `look_alikes` must fold like a source form (else they never apply);
    /// `needs` belongs to plain terms (a pattern has its number already).
    fn check_look_alikes_needs(&mut self, entry: &Entry, span: &Span) {
        use super::text::{folded_key, key};
        let forms: Vec<String> = std::iter::once(&entry.source)
            .chain(&entry.variants)
            .map(|f| folded_key(f))
            .collect();
        for l in &entry.look_alikes {
            if !forms.contains(&folded_key(l)) {
                self.warning(
                    span,
                    format!(
                        "look-alike `{l}` does not fold like `{}` or its variants, so it changes \
                         nothing; list only real words spelt like the term without its diacritics",
                        entry.source
                    ),
                );
            } else if std::iter::once(&entry.source)
                .chain(&entry.variants)
                .any(|f| key(f) == key(l))
            {
                self.error(
                    span,
                    format!(
                        "look-alike `{l}` is a form of the term `{}` itself; remove it",
                        entry.source
                    ),
                );
            }
        }
        if entry.needs.is_some() && entry.kind == EntryKind::Pattern {
            self.warning(
                span,
                "`needs` applies to plain terms; a pattern has its number already: remove it"
                    .into(),
            );
        }
    }

    fn check_pattern(&mut self, entry: &Entry, span: &Span) {
        if entry.slots.is_empty() && !self.slots_given {
            self.error(
                span,
                "a pattern needs [entry.slots], e.g. `code = \"docnum\"`".into(),
            );
            return;
        }
        if entry.slots.is_empty() && self.bad_slots.is_empty() {
            // An empty `[entry.slots]`: reported where it is.
            return;
        }
        // Slots with an unknown type are reported where they are defined;
        // here they count as defined.
        let mut slots = entry.slots.clone();
        slots.extend(self.bad_slots.iter().map(|n| (n.clone(), SlotType::Int)));
        let mut source_slots: Vec<String> = Vec::new();
        for form in std::iter::once(&entry.source).chain(&entry.variants) {
            match Template::parse(form, &slots) {
                Err(m) => self.error(span, format!("bad pattern `{form}`: {m}")),
                Ok(t) => {
                    if !matches!(t.parts.first(), Some(Part::Lit(l)) if l.chars().any(char::is_alphanumeric))
                    {
                        self.error(
                            span,
                            format!("pattern `{form}` must begin with words, not a slot; e.g. `Kết luận số {{code}}`"),
                        );
                    }
                    if t.parts
                        .windows(2)
                        .any(|w| matches!(w, [Part::Slot(..), Part::Slot(..)]))
                    {
                        self.error(
                            span,
                            format!("pattern `{form}` has two slots with no text between them"),
                        );
                    }
                    for name in t.slot_names() {
                        if !source_slots.iter().any(|s| s == name) {
                            source_slots.push(name.to_owned());
                        }
                    }
                }
            }
        }
        for (name, _) in &entry.slots {
            if !source_slots.contains(name) {
                self.error(
                    span,
                    format!("slot `{name}` is defined but the source does not use `{{{name}}}`"),
                );
            }
        }
        if let Ok(t) = Template::parse(&entry.target, &slots) {
            for name in t.slot_names() {
                if !source_slots.iter().any(|s| s == name) {
                    self.error(
                        span,
                        format!("the target uses `{{{name}}}` which the source does not define"),
                    );
                }
            }
        } else if let Err(m) = Template::parse(&entry.target, &slots) {
            self.error(span, format!("bad target `{}`: {m}", entry.target));
        }
    }

    /// Reads one known field into the entry.
    fn field(&mut self, entry: &mut Entry, name: &str, v: &Spanned<DeValue<'_>>) {
        let span = v.span();
        match name {
            "id" => entry.id = self.checked_string(v, name),
            "target" => {
                if let Some(s) = self.checked_string(v, name) {
                    entry.target = s;
                }
            }
            "note" => {
                if let Some(s) = self.string(v, name) {
                    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                        self.error(
                            &span,
                            "`note` contains a control character; remove it".into(),
                        );
                    }
                    if !is_nfc(&s) {
                        self.error(
                            &span,
                            "`note` is not in Unicode NFC; run `songngu glossary fmt`".into(),
                        );
                    }
                    entry.note = Some(s);
                }
            }
            "ascii" => entry.ascii = self.checked_string(v, name),
            "variants" => entry.variants = self.string_list(v, name),
            "forbidden" => entry.forbidden = self.string_list(v, name),
            "suspect" => entry.suspect = self.string_list(v, name),
            "look_alikes" => entry.look_alikes = self.string_list(v, name),
            "needs" => {
                if let Some(s) = self.string(v, name) {
                    match super::Needs::from_name(&s) {
                        Some(n) => entry.needs = Some(n),
                        None => self.error(
                            &span,
                            format!("unknown `needs` value `{s}`; use \"number\" (a document type that needs its number)"),
                        ),
                    }
                }
            }
            "tags" => entry.tags = self.string_list(v, name),
            "keep" => match v.get_ref() {
                DeValue::Boolean(b) => entry.keep = *b,
                _ => self.error(&span, "`keep` must be true or false".into()),
            },
            "status" => {
                if let Some(s) = self.string(v, name) {
                    match Status::from_name(&s) {
                        Some(st) => entry.status = st,
                        None => self.error(
                            &span,
                            format!("unknown status `{s}`; use preferred, admitted, deprecated or forbidden"),
                        ),
                    }
                }
            }
            "case" => {
                if let Some(s) = self.string(v, name) {
                    entry.case = match s.as_str() {
                        "sensitive" => Some(CaseRule::Sensitive),
                        "permissive" => Some(CaseRule::Permissive),
                        "insensitive" => Some(CaseRule::Insensitive),
                        _ => {
                            self.error(&span, format!("unknown case rule `{s}`; use sensitive, permissive or insensitive"));
                            None
                        }
                    };
                }
            }
            "kind" => {
                if let Some(s) = self.string(v, name) {
                    match s.as_str() {
                        "term" => entry.kind = EntryKind::Term,
                        "pattern" => entry.kind = EntryKind::Pattern,
                        _ => self.error(
                            &span,
                            format!("unknown kind `{s}`; use \"term\" or \"pattern\""),
                        ),
                    }
                }
            }
            "slots" => match v.get_ref() {
                DeValue::Table(t) => {
                    self.slots_given = true;
                    if t.is_empty() {
                        self.error(
                            &span,
                            "`[entry.slots]` is empty; define each slot the source uses, e.g. `code = \"docnum\"`".into(),
                        );
                    }
                    for (k, sv) in t.iter() {
                        let slot = k.get_ref().to_string();
                        if slot.is_empty()
                            || !slot.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        {
                            self.error(
                                &k.span(),
                                format!("bad slot name `{slot}`; use letters, digits and _"),
                            );
                            continue;
                        }
                        if let Some(ty) = self.string(sv, "slot type") {
                            match SlotType::from_name(&ty) {
                                Some(t) => entry.slots.push((slot, t)),
                                None => {
                                    self.error(
                                        &sv.span(),
                                        format!("unknown slot type `{ty}` for `{slot}`; use docnum, int, roman or date"),
                                    );
                                    self.bad_slots.push(slot);
                                }
                            }
                        }
                    }
                }
                _ => self.error(
                    &span,
                    "`slots` must be a table: write `[entry.slots]`".into(),
                ),
            },
            _ => unreachable!("field names are checked by the caller"),
        }
    }

    fn string(&mut self, v: &Spanned<DeValue<'_>>, name: &str) -> Option<String> {
        match v.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            _ => {
                self.error(&v.span(), format!("`{name}` must be a string in quotes"));
                None
            }
        }
    }

    fn checked_string(&mut self, v: &Spanned<DeValue<'_>>, name: &str) -> Option<String> {
        let s = self.string(v, name)?;
        self.check_text(&v.span(), name, &s);
        Some(s)
    }

    fn string_list(&mut self, v: &Spanned<DeValue<'_>>, name: &str) -> Vec<String> {
        match v.get_ref() {
            DeValue::Array(items) => items
                .iter()
                .filter_map(|item| {
                    let s = self.string(item, name)?;
                    self.check_text(&item.span(), name, &s);
                    Some(s)
                })
                .collect(),
            DeValue::String(_) => {
                self.error(
                    &v.span(),
                    format!("`{name}` must be a list: write {name} = [\"…\"]"),
                );
                Vec::new()
            }
            _ => {
                self.error(&v.span(), format!("`{name}` must be a list of strings"));
                Vec::new()
            }
        }
    }

    /// The rules for every term-like text: not empty, not padded, no control
    /// characters, NFC.
    fn check_text(&mut self, span: &Span, name: &str, s: &str) {
        if s.trim().is_empty() {
            self.error(
                span,
                format!("`{name}` is empty; write the text or remove the field"),
            );
            return;
        }
        if s.trim() != s {
            self.error(
                span,
                format!("`{name}` `{s}` has leading or trailing whitespace; remove it"),
            );
        }
        if s.chars().any(char::is_control) {
            self.error(
                span,
                format!("`{name}` contains a control character (tab, newline…); write it on one line without tabs"),
            );
        }
        if !is_nfc(s) {
            self.error(
                span,
                format!("`{name}` `{s}` is not in Unicode NFC (decomposed accents?); run `songngu glossary fmt`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Option<GlossaryFile>, Vec<Entry>, Vec<String>) {
        let (f, e, d) = parse_file(text, Path::new("g.toml"));
        (f, e, d.iter().map(ToString::to_string).collect())
    }

    const META: &str = "[meta]\nsource_lang = \"vi\"\ntarget_lang = \"en\"\n";

    #[test]
    fn both_forms_load_in_order() {
        let text = format!(
            "{META}[terms]\n\"Ban Bí thư\" = \"Secretariat\"\n\"Bộ Công an\" = {{ target = \"Ministry of Public Security\", forbidden = [\"Ministry of Police\"] }}\n\
             [[entry]]\nid = \"x\"\nsource = \"Chỉ thị\"\ntarget = \"Directive\"\nsuspect = [\"Chị thị\"]\nstatus = \"preferred\"\ncase = \"sensitive\"\ntags = [\"doc\"]\nnote = \"n\"\nkeep = false\nascii = \"Chi thi\"\nvariants = [\"CT\"]\n\
             [[entry]]\nkind = \"pattern\"\nsource = \"Kết luận số {{code}}\"\ntarget = \"Conclusion No. {{code}}\"\n[entry.slots]\ncode = \"docnum\"\n"
        );
        let (f, e, d) = parse(&text);
        assert!(d.is_empty(), "{d:?}");
        let f = f.unwrap();
        assert_eq!(
            (f.source_lang.as_str(), f.target_lang.as_str()),
            ("vi", "en")
        );
        assert_eq!(e.len(), 4);
        assert_eq!(e[0].source, "Ban Bí thư");
        assert_eq!(e[0].location.line, 5);
        assert_eq!(e[1].forbidden, ["Ministry of Police"]);
        assert_eq!(e[2].suspect, ["Chị thị"]);
        assert_eq!(e[2].case, Some(CaseRule::Sensitive));
        assert_eq!(e[3].kind, EntryKind::Pattern);
        assert_eq!(e[3].slots, [("code".to_string(), SlotType::Docnum)]);
    }

    #[test]
    fn misspelt_field_in_inline_table_is_named() {
        let text =
            format!("{META}[terms]\n\"Bộ Công an\" = {{ target = \"MPS\", forbiden = [\"x\"] }}\n");
        let (_, e, d) = parse(&text);
        assert!(e.is_empty());
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].starts_with("g.toml:5:34: error: unknown field `forbiden`"),
            "{d:?}"
        );
    }

    #[test]
    fn every_field_rule_is_reported_with_position() {
        let nfd = "Chi\u{309} thi\u{323}";
        let text = format!(
            "{META}[terms]\n\" Ban\" = \"S\"\n\"{nfd}\" = \"Directive\"\n\"A\" = \"\"\n\"B\" = \"x\\ty\"\n\"C\" = 3\n\
             [[entry]]\nsource = \"D\"\n\
             [[entry]]\nsource = \"E\"\ntarget = \"e\"\nstatus = \"gold\"\nfoo = 1\nforbidden = \"e\"\n\
             [[entry]]\nsource = \"F\"\ntarget = \"Fe\"\nforbidden = [\"fe\"]\n\
             [[entry]]\nkind = \"pattern\"\nsource = \"{{n}} khóa\"\ntarget = \"{{m}}\"\n[entry.slots]\nn = \"roman\"\nq = \"weird\"\n"
        );
        let (_, e, d) = parse(&text);
        assert!(e.is_empty(), "{e:?}");
        let want = [
            ("g.toml:5:1:", "leading or trailing whitespace"),
            ("g.toml:6:1:", "NFC"),
            ("g.toml:6:1:", "glossary fmt"),
            ("g.toml:7:7:", "`target` is empty"),
            ("g.toml:8:7:", "control character"),
            ("g.toml:9:7:", "must be a string"),
            ("g.toml:11:10:", "has no `target`"),
            ("g.toml:15:10:", "unknown status `gold`"),
            ("g.toml:16:1:", "unknown field `foo`"),
            ("g.toml:17:13:", "must be a list"),
            ("g.toml:19:10:", "both the target and forbidden"),
            ("g.toml:28:5:", "unknown slot type `weird`"),
            ("g.toml:24:10:", "must begin with words"),
            ("g.toml:24:10:", "`{m}` is not a slot"),
        ];
        for (pos, msg) in want {
            assert!(
                d.iter().any(|l| l.starts_with(pos) && l.contains(msg)),
                "{pos} {msg}\n{}",
                d.join("\n")
            );
        }
    }

    #[test]
    fn syntax_errors_and_missing_meta() {
        let (_, _, d) = parse("[terms]\n\"a\" = \"b\"\n\"a\" = \"c\"\n");
        assert!(
            d[0].starts_with("g.toml:3:1: error:") && d[0].contains("duplicate"),
            "{d:?}"
        );
        let (_, _, d) = parse("[terms]\n\"a\" = \"b\"\n");
        assert!(d[0].contains("missing `[meta]`"), "{d:?}");
        let (_, _, d) = parse(&format!("{META}[glossary]\n"));
        assert!(
            d[0].starts_with("g.toml:4:2:") && d[0].contains("unknown top-level"),
            "{d:?}"
        );
    }
}
