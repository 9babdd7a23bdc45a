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
use super::{Diagnostic, Entry, EntryKind, Glossary, Origin, Severity, Status};
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
        origin: Origin {
            path: path.to_path_buf(),
            line: line as usize,
            col: 1,
        },
        severity,
        message,
    };
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
        let source: String =
            unicode_normalization::UnicodeNormalization::nfc(source.as_str()).collect();
        let mut e = Entry::term(&source, &target);
        e.origin = Origin {
            path: path.to_path_buf(),
            line: line as usize,
            col: 1,
        };
        e.note = col_note
            .and_then(|c| record.get(c))
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        if source.contains('{') {
            let names: Vec<String> = source
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_owned()))
                .collect();
            let mut ok = true;
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

fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// `glossary` in `format`. For DeepL, also the list of entries left out
/// and why.
pub fn export(glossary: &Glossary, format: ExportFormat) -> (String, Vec<String>) {
    let mut skipped = Vec::new();
    let out = match format {
        ExportFormat::Tsv => {
            let mut out = String::from("source\ttarget\tnote\n");
            for e in &glossary.entries {
                let note = e.note.as_deref().map(one_line).unwrap_or_default();
                out.push_str(&format!(
                    "{}\t{}\t{}\n",
                    one_line(&e.source),
                    one_line(&e.target),
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
        assert_eq!(e[0].origin.line, 3);
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
