//! `songngu tm stats|export|import|corrections`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use songngu::corrections::read_corrections;
use songngu::tm::{CorrectionFilter, Tm};

use super::args::TmCommand;
use super::{BeforeWork, load_config};

/// Opens the memory a read-only command needs: a missing or unreadable one
/// is a usage error (exit 2), and nothing is created.
fn existing(path: &Path) -> anyhow::Result<Tm> {
    Ok(Tm::open_existing(path).map_err(BeforeWork)?)
}

/// The memory at `path` for a command that only reads it: read as it is
/// when it is write-protected.
fn to_read(path: &Path) -> anyhow::Result<Tm> {
    Ok(Tm::open_to_read(path).map_err(BeforeWork)?)
}

/// The document a corrections file belongs to: its name without the
/// extensions `run` and the review page give it (`bai.corrections.jsonl`,
/// `bai.jsonl`, `bai.tsv`, `bai.xlf` → `bai`).
fn doc_of(file: &Path) -> String {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for ext in [
        ".corrections.jsonl",
        ".jsonl",
        ".json",
        ".tsv",
        ".tab",
        ".xliff",
        ".xlf",
    ] {
        if let Some(stem) = name.strip_suffix(ext) {
            return stem.to_owned();
        }
    }
    name
}

/// A TSV field as `run` writes them (backslash, tab, LF and CR escaped),
/// and never a raw escape sequence on the terminal: other control
/// characters as `\u{XXXX}` (rows stored before `tm import` cleaned them
/// may hold any character).
fn tsv(s: &str) -> String {
    let escaped = songngu::formats::tsv_escape(s);
    if !escaped.contains(char::is_control) {
        return escaped;
    }
    escaped
        .chars()
        .map(|c| {
            if c.is_control() {
                format!("\\u{{{:04X}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Checks `--since`: `YYYY-MM-DD`, optionally with ` HH:MM` or ` HH:MM:SS`
/// (or `T` between), as the memory stores times (UTC); returns it in the
/// stored form.
fn since(value: &str) -> anyhow::Result<String> {
    let v = value.trim().replacen('T', " ", 1);
    let shape_ok = {
        let b = v.as_bytes();
        let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
        let date = b.len() >= 10 && (0..4).all(digit) && b[4] == b'-' && digit(5) && digit(6);
        let date = date && b[7] == b'-' && digit(8) && digit(9);
        let time = match b.len() {
            10 => true,
            16 => {
                b[10] == b' ' && digit(11) && digit(12) && b[13] == b':' && digit(14) && digit(15)
            }
            19 => {
                b[10] == b' '
                    && digit(11)
                    && digit(12)
                    && b[13] == b':'
                    && digit(14)
                    && digit(15)
                    && b[16] == b':'
                    && digit(17)
                    && digit(18)
            }
            _ => false,
        };
        date && time
    };
    let field = |r: std::ops::Range<usize>| v.get(r).and_then(|s| s.parse::<u32>().ok());
    let ranges_ok = shape_ok
        && field(5..7).is_some_and(|m| (1..=12).contains(&m))
        && field(8..10).is_some_and(|d| (1..=31).contains(&d))
        && (v.len() == 10 || field(11..13).is_some_and(|h| h < 24))
        && (v.len() == 10 || field(14..16).is_some_and(|m| m < 60));
    if !ranges_ok {
        anyhow::bail!(
            "--since `{value}` is not a date; use YYYY-MM-DD or \"YYYY-MM-DD HH:MM[:SS]\" (UTC), e.g. --since 2026-11-01"
        );
    }
    Ok(v)
}

pub fn run(cmd: TmCommand, config: Option<PathBuf>, quiet: bool) -> anyhow::Result<ExitCode> {
    let config = load_config(config)?;
    let path = config.resolve(&config.tm.path);
    match cmd {
        TmCommand::Stats => {
            let tm = to_read(&path)?;
            for (what, n) in tm.stats().map_err(BeforeWork)? {
                writeln!(super::Out::new(), "{n:>8}  {what}")?;
            }
        }
        TmCommand::Export { output } => {
            let tm = to_read(&path)?;
            let pairs = tm.pairs().map_err(BeforeWork)?;
            // Every language pair of the memory, each unit with its own
            // tags in the recommended case (`vi`, `en-GB`): rows stored as
            // `EN-gb` and `en-GB` are one language. The header's `srclang`
            // is the common source language, or `*all*` (TMX 1.4) when the
            // memory holds more than one.
            let tags: Vec<(String, String)> = pairs
                .iter()
                .map(|p| (songngu::tm::key_tag(&p.from), songngu::tm::key_tag(&p.to)))
                .collect();
            let srclang = match tags.first() {
                None => songngu::tm::key_tag(&config.languages.source),
                Some((first, _)) if tags.iter().all(|(f, _)| f == first) => first.clone(),
                Some(_) => "*all*".to_owned(),
            };
            let ids: Vec<String> = (0..pairs.len()).map(|i| format!("tm{i}")).collect();
            let notes: Vec<String> = pairs.iter().map(|p| p.origin.to_string()).collect();
            let rows: Vec<songngu::formats::TmxPair<'_>> = pairs
                .iter()
                .enumerate()
                .map(|(i, p)| songngu::formats::TmxPair {
                    id: &ids[i],
                    langs: (&tags[i].0, &tags[i].1),
                    source: &p.source,
                    target: &p.target,
                    note: Some(&notes[i]),
                })
                .collect();
            let x = songngu::formats::tmx_document(&srclang, &rows);
            match output {
                Some(o) => songngu::atomic::write_atomic(&o, x.as_bytes())?,
                None => std::io::stdout().lock().write_all(x.as_bytes())?,
            }
            if !quiet {
                let mut per_pair: Vec<(String, usize)> = Vec::new();
                for (from, to) in &tags {
                    let pair = format!("{from}->{to}");
                    match per_pair.iter_mut().find(|(p, _)| *p == pair) {
                        Some((_, n)) => *n += 1,
                        None => per_pair.push((pair, 1)),
                    }
                }
                let listed: Vec<String> =
                    per_pair.iter().map(|(p, n)| format!("{p} {n}")).collect();
                eprintln!(
                    "exported {} unit(s){}{}",
                    pairs.len(),
                    if listed.is_empty() { "" } else { ": " },
                    listed.join(", ")
                );
            }
        }
        TmCommand::Import { file } => {
            // The file first: a missing, unreadable or malformed file is an
            // input error (exit 2) and creates no memory.
            let (found, langs) = read_corrections(&file).map_err(BeforeWork)?;
            // An existing memory must be one (a corrupt file is exit 2, as
            // for the other `tm` commands); a new one is created.
            let tm = if path.exists() {
                existing(&path)?
            } else {
                Tm::open(&path).map_err(BeforeWork)?
            };
            let (from, to) = langs.unwrap_or((
                config.languages.source.clone(),
                config.languages.target.clone(),
            ));
            let doc = doc_of(&file);
            let n = songngu::corrections::import(&tm, &from, &to, &found, &file, &doc)?;
            if !quiet {
                let skipped = n.unchanged + n.machine + n.needs_work + n.commented;
                eprintln!(
                    "imported {} correction(s) into {}; {skipped} row(s) skipped: {} unchanged \
                     (already in the memory, or an edit that gives back the target it replaces), \
                     {} unchanged machine target(s), {} needing work, {} only commented or without a target",
                    n.imported,
                    path.display(),
                    n.unchanged,
                    n.machine,
                    n.needs_work,
                    n.commented
                );
            }
        }
        TmCommand::Corrections {
            doc,
            since: after,
            delete,
        } => {
            let mut tm = if delete.is_empty() {
                to_read(&path)?
            } else {
                existing(&path)?
            };
            if !delete.is_empty() {
                let n = tm.delete_corrections(&delete).map_err(BeforeWork)?;
                if !quiet {
                    eprintln!("deleted {n} correction(s) from {}", path.display());
                }
                return Ok(ExitCode::SUCCESS);
            }
            let filter = CorrectionFilter {
                doc,
                since: after.as_deref().map(since).transpose()?,
            };
            let found = tm.corrections(&filter).map_err(BeforeWork)?;
            let mut out = super::Out::new();
            writeln!(out, "id\ttime\tdoc\tfrom\tsource\ttarget")?;
            for c in &found {
                let from = if c.came_from.file.is_empty() {
                    "(not recorded)".to_owned()
                } else {
                    format!("{}:{}", c.came_from.file, c.came_from.line)
                };
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    c.id,
                    c.updated,
                    tsv(&c.came_from.doc),
                    tsv(&from),
                    tsv(&c.source),
                    tsv(&c.target)
                )?;
            }
            out.flush()?;
            if !quiet {
                eprintln!(
                    "{} correction(s) in {}; delete with `songngu tm corrections --delete ID…`",
                    found.len(),
                    path.display()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
