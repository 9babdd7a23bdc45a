//! Glossary exchange: TSV/CSV in; TSV, CSV, TBX-Basic and DeepL-ready TSV
//! out; and the TOML an import writes.
//!
//! Import accepts columns `source, target[, note]` with an optional header
//! (recognised by a first cell `source`; named columns may come in any order,
//! unknown columns are ignored with a warning), a UTF-8 BOM, `#` comment
//! lines (OmegaT) and, for CSV, RFC 4180 quoting. A source with `{name}`
//! slots becomes a pattern entry whose slot type is the name when it is one
//! (`{docnum}`, `{int}`, `{roman}`, `{date}`), else inferred (`code` →
//! docnum, `n`/`number` → int, `year`… see [`guess_slot`]).
//!
//! Export does not write fields it cannot carry: TSV/CSV lose rich fields
//! beyond the note; TBX carries status, forbidden renderings, notes and tags.

use std::path::Path;

use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, Value, value};

use super::pattern::SlotType;
use super::text::key;
use super::{Diagnostic, Entry, EntryKind, Glossary, Location, Severity, Status};
use crate::xml::escape;

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// `source<TAB>target<TAB>note` with a header.
    Tsv,
    /// RFC 4180 CSV with a header `source,target,note`.
    Csv,
    /// TBX-Basic (ISO 30042) XML.
    Tbx,
    /// DeepL glossary TSV: no header, no empty fields, no control
    /// characters, ≤ 1,024 bytes per term, unique sources.
    Deepl,
}

/// The slot type for a slot name found in an imported pattern.
pub fn guess_slot(name: &str) -> Option<SlotType> {
    SlotType::from_name(name).or(match name {
        "code" | "so" | "doc" | "number_code" => Some(SlotType::Docnum),
        "n" | "num" | "number" | "count" => Some(SlotType::Int),
        "khoa" | "term" | "ordinal" => Some(SlotType::Roman),
        "day" | "ngay" => Some(SlotType::Date),
        _ => None,
    })
}

/// Entries from a TSV or CSV text (`path` names it in diagnostics and
/// decides the delimiter: `.csv` is comma-separated, anything else is
/// tab-separated).
pub fn import_table(text: &str, path: &Path) -> (Vec<Entry>, Vec<Diagnostic>) {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let mut diags = Vec::new();
    let diag = |line: u64, severity, message: String| Diagnostic {
        location: Location {
            path: path.to_path_buf(),
            line: line as usize,
            col: 1,
        },
        severity,
        message,
    };
    if let Some(message) = wrong_delimiter(text, is_csv) {
        return (Vec::new(), vec![diag(1, Severity::Error, message)]);
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if is_csv { b',' } else { b'\t' })
        .quoting(is_csv)
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let (mut col_source, mut col_target, mut col_note) = (0usize, 1usize, Some(2usize));
    let mut entries = Vec::new();
    let mut first = true;
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(1, csv::Position::line);
                diags.push(diag(
                    line,
                    Severity::Error,
                    format!("cannot read this row: {e}"),
                ));
                continue;
            }
        };
        let line = record.position().map_or(1, csv::Position::line);
        if first {
            first = false;
            if record
                .get(0)
                .is_some_and(|c| c.trim().eq_ignore_ascii_case("source"))
            {
                col_note = None;
                for (i, name) in record.iter().enumerate() {
                    match name.trim().to_lowercase().as_str() {
                        "source" => col_source = i,
                        "target" => col_target = i,
                        "note" | "comment" | "notes" => col_note = Some(i),
                        other => diags.push(diag(
                            line,
                            Severity::Warning,
                            format!("column `{other}` is not imported (only source, target and note are)"),
                        )),
                    }
                }
                continue;
            }
        }
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let source = record.get(col_source).unwrap_or("").trim().to_owned();
        let target = record.get(col_target).unwrap_or("").trim().to_owned();
        if source.is_empty() || target.is_empty() {
            diags.push(diag(
                line,
                Severity::Error,
                "a row needs a source and a target; fill both or delete the row".into(),
            ));
            continue;
        }
        // Spreadsheets on macOS write decomposed accents: an import stores
        // every text in NFC, as `glossary check` requires.
        let nfc =
            |s: &str| -> String { unicode_normalization::UnicodeNormalization::nfc(s).collect() };
        let source = nfc(&source);
        let mut e = Entry::term(&source, &nfc(&target));
        e.location = Location {
            path: path.to_path_buf(),
            line: line as usize,
            col: 1,
        };
        e.note = col_note
            .and_then(|c| record.get(c))
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(nfc);
        if source.contains('{') {
            let names: Vec<String> = source
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_owned()))
                .collect();
            let mut ok = true;
            if names.is_empty() || source.matches('{').count() != source.matches('}').count() {
                ok = false;
                diags.push(diag(
                    line,
                    Severity::Error,
                    "the source has a `{` that opens no slot; a pattern slot is written `{name}` (e.g. `Kết luận số {code}`), and a term cannot contain a brace".into(),
                ));
            }
            for n in names {
                match guess_slot(&n) {
                    Some(t) => {
                        if !e.slots.iter().any(|(m, _)| *m == n) {
                            e.slots.push((n, t));
                        }
                    }
                    None => {
                        ok = false;
                        diags.push(diag(
                            line,
                            Severity::Error,
                            format!("cannot tell the type of slot `{{{n}}}`; name it {{docnum}}, {{int}}, {{roman}} or {{date}}"),
                        ));
                    }
                }
            }
            if !ok {
                continue;
            }
            e.kind = EntryKind::Pattern;
        }
        entries.push(e);
    }
    (entries, diags)
}

/// When no row of a table has the delimiter its extension promises (tab
/// for `.tsv`/`.txt`/`.tab`, comma for `.csv`), the one message that says
/// so and names the delimiter the file seems to use; `None` otherwise.
fn wrong_delimiter(text: &str, is_csv: bool) -> Option<String> {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    let expected = if is_csv { ',' } else { '\t' };
    if lines.is_empty() || lines.iter().any(|l| l.contains(expected)) {
        return None;
    }
    let name = |c: char| match c {
        '\t' => "a tab",
        ',' => "a comma (`,`)",
        ';' => "a semicolon (`;`)",
        '|' => "a vertical bar (`|`)",
        _ => "?",
    };
    let what = if is_csv {
        "a .csv file is read as comma-separated"
    } else {
        "a .tsv, .txt or .tab file is read as tab-separated"
    };
    // The candidate found on the most lines (every line, ideally).
    let seen = ['\t', ',', ';', '|']
        .into_iter()
        .filter(|&c| c != expected)
        .map(|c| (lines.iter().filter(|l| l.contains(c)).count(), c))
        .filter(|&(n, _)| n > 0)
        .max_by_key(|&(n, _)| n);
    let fix = if is_csv {
        "save it with commas, or as .tsv if it is tab-separated"
    } else {
        "save it with tabs, or as .csv if it is comma-separated"
    };
    Some(match seen {
        Some((_, c)) => format!(
            "no row has {}: {what}, but this file seems to use {} ({} of {} row(s) have one); {fix}",
            name(expected),
            name(c),
            lines.iter().filter(|l| l.contains(c)).count(),
            lines.len()
        ),
        None => format!(
            "no row has {}: {what} (columns source, target, note), and this file has a single column; {fix}",
            name(expected)
        ),
    })
}

/// What an import will write, once every row passed the rules of
/// `glossary check` (see [`plan_import`]).
#[derive(Debug, Clone)]
pub struct ImportPlan {
    /// The glossary file to write (or print): a new file, or the target
    /// file with the new entries added.
    pub text: String,
    /// Entries added.
    pub added: usize,
    /// Rows whose source the target file already has with the same target.
    pub already_present: usize,
    /// Rows that repeat an earlier row of the table (same term, same target).
    pub duplicates: usize,
    /// Warnings of `glossary check` about the added entries, located at
    /// their rows of the table.
    pub warnings: Vec<Diagnostic>,
}

/// Plans the import of `rows` (from [`import_table`]) into the glossary file
/// `into` (its path and current text; `None` for a new file with the pair
/// `pair`), checking the result with the rules of `glossary check` before
/// anything is written:
/// - every row must make a valid entry on its own (no control characters,
///   not padded, NFC, a pattern with well-formed slots…);
/// - two rows for the same term (after NFC, tone placement and case) with
///   different targets are a conflict, as is a row whose term the file has
///   with another target; same term and same target is a duplicate,
///   skipped and counted;
/// - the whole file after the import must have no error (cross-entry rules
///   included).
///
/// # Errors
/// Every error found (each row's at its `file:line` in the table, a
/// conflict naming both rows); nothing may be written then.
pub fn plan_import(
    rows: &[Entry],
    into: Option<(&Path, &str)>,
    pair: (&str, &str),
) -> Result<ImportPlan, Vec<Diagnostic>> {
    use super::load::parse_file;
    use std::collections::HashMap;

    let at = |location: &Location, message: String| Diagnostic {
        location: location.clone(),
        severity: Severity::Error,
        message,
    };
    let mut errors = Vec::new();
    // Each row on its own.
    let mut valid: Vec<&Entry> = Vec::new();
    for e in rows {
        let (_, _, diags) = parse_file(
            &to_toml(std::slice::from_ref(e), pair.0, pair.1),
            Path::new(""),
        );
        let bad: Vec<&Diagnostic> = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        if bad.is_empty() {
            valid.push(e);
        }
        for d in bad {
            errors.push(at(
                &e.location,
                format!("`glossary check` would reject this row: {}", d.message),
            ));
        }
    }
    // The file it goes into.
    let (existing, mut doc) = match into {
        Some((path, text)) => {
            let doc: DocumentMut = match text.parse() {
                Ok(d) => d,
                Err(e) => {
                    return Err(vec![Diagnostic::error_at_start(
                        path,
                        format!(
                            "not valid TOML ({}); fix it before importing into it",
                            e.message()
                        ),
                    )]);
                }
            };
            let (_, entries, _) = parse_file(text, path);
            (entries, Some(doc))
        }
        None => (Vec::new(), None),
    };
    let mut by_key: HashMap<String, &Entry> = HashMap::new();
    for e in &existing {
        for form in std::iter::once(&e.source).chain(&e.variants) {
            by_key.entry(key(form)).or_insert(e);
        }
    }
    let (mut already_present, mut duplicates) = (0, 0);
    let mut seen: HashMap<String, &Entry> = HashMap::new();
    let mut added: Vec<Entry> = Vec::new();
    for e in valid {
        let k = key(&e.source);
        if let Some(first) = seen.get(&k) {
            if first.target == e.target {
                duplicates += 1;
            } else {
                errors.push(at(
                    &e.location,
                    format!(
                        "conflicting rows: `{}` → `{}` here, but `{}` → `{}` at {}; keep one of the two rows",
                        e.source, e.target, first.source, first.target, first.location
                    ),
                ));
            }
            continue;
        }
        seen.insert(k.clone(), e);
        if let Some(old) = by_key.get(&k) {
            if old.target == e.target {
                already_present += 1;
            } else {
                errors.push(at(
                    &e.location,
                    format!(
                        "conflicts with the glossary: `{}` → `{}` here, but `{}` → `{}` at {}; \
                         change the row or that entry so they agree",
                        e.source, e.target, old.source, old.target, old.location
                    ),
                ));
            }
            continue;
        }
        added.push(e.clone());
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let text = match (&mut doc, into) {
        (Some(doc), Some(_)) => {
            add_entries(doc, &added);
            doc.to_string()
        }
        _ => to_toml(&added, pair.0, pair.1),
    };
    // The file as `glossary check` will see it.
    let path = into.map_or(Path::new("<new glossary>"), |(p, _)| p);
    let (_, entries, mut diags) = parse_file(&text, path);
    diags.extend(super::validate::validate(&Glossary {
        entries: entries.clone(),
        files: Vec::new(),
    }));
    // Point what concerns an added entry at its row of the table.
    let row_of = |location: &Location| -> Option<&Location> {
        let e = entries.iter().find(|e| &e.location == location)?;
        let k = key(&e.source);
        if by_key.contains_key(&k) {
            return None;
        }
        added
            .iter()
            .find(|a| key(&a.source) == k)
            .map(|a| &a.location)
    };
    let mut warnings = Vec::new();
    for mut d in diags {
        let row = row_of(&d.location).cloned();
        match (d.severity, row) {
            (Severity::Error, row) => {
                if let Some(row) = row {
                    d.location = row;
                }
                errors.push(d);
            }
            // The target file's own warnings are `glossary check`'s to show.
            (Severity::Warning, Some(row)) => {
                d.location = row;
                warnings.push(d);
            }
            (Severity::Warning, None) => {}
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ImportPlan {
        text,
        added: added.len(),
        already_present,
        duplicates,
        warnings,
    })
}

/// A new glossary file holding `entries` (simple form where possible).
pub fn to_toml(entries: &[Entry], source_lang: &str, target_lang: &str) -> String {
    let mut doc = DocumentMut::new();
    let mut meta = Table::new();
    meta.insert("source_lang", value(source_lang));
    meta.insert("target_lang", value(target_lang));
    doc.insert("meta", Item::Table(meta));
    // Entries keep their order: [terms] always loads before [[entry]], so
    // when a pattern comes before a plain term, every entry is written in
    // the rich form.
    let interleaved = entries
        .iter()
        .skip_while(|e| e.kind != EntryKind::Pattern)
        .any(|e| e.kind == EntryKind::Term);
    let added = add_entries_as(&mut doc, entries, interleaved);
    debug_assert_eq!(added.len(), entries.len());
    doc.to_string()
}

/// Adds `entries` to an existing glossary document, skipping sources it
/// already has. Returns the sources added, in order.
pub fn add_entries(doc: &mut DocumentMut, entries: &[Entry]) -> Vec<String> {
    add_entries_as(doc, entries, false)
}

fn add_entries_as(doc: &mut DocumentMut, entries: &[Entry], all_rich: bool) -> Vec<String> {
    let mut known: Vec<String> = Vec::new();
    if let Some(terms) = doc.get("terms").and_then(Item::as_table_like) {
        known.extend(terms.iter().map(|(k, _)| key(k)));
    }
    if let Some(arr) = doc.get("entry").and_then(Item::as_array_of_tables) {
        known.extend(
            arr.iter()
                .filter_map(|t| t.get("source").and_then(Item::as_str))
                .map(key),
        );
    }
    let mut added = Vec::new();
    for e in entries {
        let k = key(&e.source);
        if known.contains(&k) {
            continue;
        }
        known.push(k);
        added.push(e.source.clone());
        if e.kind == EntryKind::Pattern || all_rich {
            let mut t = Table::new();
            if e.kind == EntryKind::Pattern {
                t.insert("kind", value("pattern"));
            }
            t.insert("source", value(&e.source));
            t.insert("target", value(&e.target));
            if let Some(n) = &e.note {
                t.insert("note", value(n));
            }
            if !e.forbidden.is_empty() {
                let mut a = Array::new();
                for f in &e.forbidden {
                    a.push(f.as_str());
                }
                t.insert("forbidden", value(a));
            }
            if !e.slots.is_empty() {
                let mut slots = Table::new();
                for (name, ty) in &e.slots {
                    slots.insert(name, value(ty.name()));
                }
                t.insert("slots", Item::Table(slots));
            }
            let arr = doc
                .entry("entry")
                .or_insert(Item::ArrayOfTables(Default::default()));
            if let Some(arr) = arr.as_array_of_tables_mut() {
                arr.push(t);
            }
            continue;
        }
        let terms = doc.entry("terms").or_insert(Item::Table(Table::new()));
        let Some(terms) = terms.as_table_mut() else {
            continue;
        };
        match &e.note {
            None => {
                terms.insert(&e.source, value(&e.target));
            }
            Some(n) => {
                let mut it = InlineTable::new();
                it.insert("target", Value::from(e.target.as_str()));
                it.insert("note", Value::from(n.as_str()));
                if !e.forbidden.is_empty() {
                    let mut a = Array::new();
                    for f in &e.forbidden {
                        a.push(f.as_str());
                    }
                    it.insert("forbidden", Value::Array(a));
                }
                terms.insert(&e.source, value(it));
            }
        }
    }
    added
}

/// A field of the exported TSV on one line and without a tab (terms hold
/// no control character; a note may hold line breaks and tabs).
fn one_field(s: &str) -> String {
    crate::plaintext::one_line(s).replace('\t', " ")
}

/// `glossary` in `format`. For DeepL, also the list of entries left out
/// and why.
pub fn export(glossary: &Glossary, format: ExportFormat) -> (String, Vec<String>) {
    let mut skipped = Vec::new();
    let out = match format {
        ExportFormat::Tsv => {
            let mut out = String::from("source\ttarget\tnote\n");
            for e in &glossary.entries {
                let note = e.note.as_deref().map(one_field).unwrap_or_default();
                out.push_str(&format!(
                    "{}\t{}\t{}\n",
                    one_field(&e.source),
                    one_field(&e.target),
                    note
                ));
            }
            out
        }
        ExportFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let _ = w.write_record(["source", "target", "note"]);
            for e in &glossary.entries {
                let _ = w.write_record([
                    e.source.as_str(),
                    e.target.as_str(),
                    e.note.as_deref().unwrap_or(""),
                ]);
            }
            String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
        }
        ExportFormat::Tbx => tbx(glossary),
        ExportFormat::Deepl => {
            let mut out = String::new();
            let mut seen: Vec<String> = Vec::new();
            for e in &glossary.entries {
                if e.kind == EntryKind::Pattern {
                    skipped.push(format!(
                        "{}: pattern entries cannot go into a DeepL glossary",
                        e.source
                    ));
                    continue;
                }
                if matches!(e.status, Status::Forbidden | Status::Deprecated) {
                    continue;
                }
                let target = e.approved_target();
                for source in std::iter::once(&e.source).chain(&e.variants) {
                    let bad = |s: &str| {
                        s.is_empty()
                            || s.chars().any(char::is_control)
                            || s.trim() != s
                            || s.len() > 1024
                    };
                    if bad(source) || bad(target) {
                        skipped.push(format!(
                            "{source}: empty, padded, too long (> 1,024 bytes) or with control characters"
                        ));
                        continue;
                    }
                    if seen.contains(source) {
                        skipped.push(format!(
                            "{source}: duplicate source; the first entry is kept"
                        ));
                        continue;
                    }
                    seen.push(source.clone());
                    out.push_str(&format!("{source}\t{target}\n"));
                }
            }
            out
        }
    };
    (out, skipped)
}

fn tbx(glossary: &Glossary) -> String {
    let (sl, tl) = glossary.files.first().map_or(("vi", "en"), |f| {
        (f.source_lang.as_str(), f.target_lang.as_str())
    });
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!(
        "<tbx style=\"dca\" type=\"TBX-Basic\" xml:lang=\"{}\" xmlns=\"urn:iso:std:iso:30042:ed-2\">\n",
        escape(tl)
    ));
    x.push_str("  <tbxHeader>\n    <fileDesc>\n      <sourceDesc>\n        <p>songngu glossary export</p>\n      </sourceDesc>\n    </fileDesc>\n  </tbxHeader>\n");
    x.push_str("  <text>\n    <body>\n");
    for (i, e) in glossary.entries.iter().enumerate() {
        let id = e.id.clone().unwrap_or_else(|| format!("c{}", i + 1));
        x.push_str(&format!("      <conceptEntry id=\"{}\">\n", escape(&id)));
        for tag in &e.tags {
            x.push_str(&format!(
                "        <descrip type=\"subjectField\">{}</descrip>\n",
                escape(tag)
            ));
        }
        if let Some(n) = &e.note {
            x.push_str(&format!("        <note>{}</note>\n", escape(n)));
        }
        x.push_str(&format!("        <langSec xml:lang=\"{}\">\n", escape(sl)));
        for s in std::iter::once(&e.source).chain(&e.variants) {
            x.push_str(&format!(
                "          <termSec>\n            <term>{}</term>\n          </termSec>\n",
                escape(s)
            ));
        }
        x.push_str("        </langSec>\n");
        x.push_str(&format!("        <langSec xml:lang=\"{}\">\n", escape(tl)));
        let status = match e.status {
            Status::Preferred => "preferredTerm-admn-sts",
            Status::Admitted => "admittedTerm-admn-sts",
            Status::Deprecated | Status::Forbidden => "deprecatedTerm-admn-sts",
        };
        let term_sec = |t: &str, st: &str| {
            format!(
                "          <termSec>\n            <term>{}</term>\n            <termNote type=\"administrativeStatus\">{st}</termNote>\n          </termSec>\n",
                escape(t)
            )
        };
        x.push_str(&term_sec(e.approved_target(), status));
        for f in &e.forbidden {
            x.push_str(&term_sec(f, "deprecatedTerm-admn-sts"));
        }
        x.push_str("        </langSec>\n      </conceptEntry>\n");
    }
    x.push_str("    </body>\n  </text>\n</tbx>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glossary::parse_file;

    #[test]
    fn tsv_import_with_bom_comments_header_and_patterns() {
        let tsv = "\u{FEFF}# editor's list\nsource\ttarget\tnote\nBan Bí thư\tSecretariat\tseed\nKết luận số {code}\tConclusion No. {code}\t\n";
        let (e, d) = import_table(tsv, Path::new("g.tsv"));
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].note.as_deref(), Some("seed"));
        assert_eq!(e[0].location.line, 3);
        assert_eq!(e[1].kind, EntryKind::Pattern);
        assert_eq!(e[1].slots, [("code".to_string(), SlotType::Docnum)]);
    }

    #[test]
    fn csv_import_rfc4180_and_headerless() {
        let csv = "\"Bộ Công an\",\"Ministry of Public Security\",\"says \"\"MPS\"\", not police\"\n\"Hà Nội, Việt Nam\",Hanoi\n";
        let (e, d) = import_table(csv, Path::new("g.csv"));
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(e[0].note.as_deref(), Some("says \"MPS\", not police"));
        assert_eq!(e[1].source, "Hà Nội, Việt Nam");
        let (_, d) = import_table("a\t\n", Path::new("g.tsv"));
        assert!(d[0].to_string().starts_with("g.tsv:1:1: error:"), "{d:?}");
    }

    #[test]
    fn tsv_round_trip_through_toml() {
        let tsv = "source\ttarget\tnote\nBan Bí thư\tSecretariat\tseed; seen\nBộ Chính trị\tPolitburo\t\nChỉ thị số {code}\tDirective No. {code}\tpattern\n";
        let (entries, d) = import_table(tsv, Path::new("in.tsv"));
        assert!(d.is_empty());
        let toml = to_toml(&entries, "vi", "en");
        let (file, loaded, d) = parse_file(&toml, Path::new("out.toml"));
        assert!(d.is_empty(), "{d:?}\n{toml}");
        let g = Glossary {
            entries: loaded,
            files: vec![file.unwrap()],
        };
        let (back, _) = export(&g, ExportFormat::Tsv);
        assert_eq!(back, tsv);
    }

    #[test]
    fn deepl_export_rules() {
        let mut dup = Entry::term("Ban Bí thư", "Other");
        dup.variants = vec!["".into()];
        let mut p = Entry::term("Kết luận số {code}", "Conclusion No. {code}");
        p.kind = EntryKind::Pattern;
        let g = Glossary {
            entries: vec![
                Entry::term("Ban Bí thư", "Secretariat"),
                dup,
                p,
                Entry::term(&"x".repeat(1025), "y"),
            ],
            files: Vec::new(),
        };
        let (out, skipped) = export(&g, ExportFormat::Deepl);
        assert_eq!(out, "Ban Bí thư\tSecretariat\n");
        assert_eq!(skipped.len(), 4, "{skipped:?}");
    }
}
