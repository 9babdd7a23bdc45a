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

/// Where the language pair of an imported row came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PairFrom {
    /// The file states it (an XLIFF `<file>`, a review-page export line).
    File,
    /// `--from`/`--to` (over the file's, if it states one).
    Flags,
    /// `[languages]`: neither the file nor a flag says.
    Config,
}

/// An imported row with its language pair and where that came from.
type PairedRow = (
    ((String, String), PairFrom),
    songngu::corrections::Correction,
);

/// Gives each row of `found` its language pair: `--from`/`--to` where
/// given, else the one the file states for it, else the configured one.
/// The tags a file states are checked as `--from`/`--to` are.
///
/// # Errors
/// A located [`songngu::Error::Parse`] (exit 2) naming a tag that is no
/// BCP 47 language tag.
fn with_pairs(
    file: &Path,
    found: Vec<songngu::corrections::Correction>,
    from: Option<&str>,
    to: Option<&str>,
    config: &songngu::Config,
) -> anyhow::Result<Vec<PairedRow>> {
    let mut out = Vec::with_capacity(found.len());
    for c in found {
        if let Some(l) = &c.langs {
            for (which, tag) in [("source", &l.source), ("target", &l.target)] {
                songngu::config::check_language_tag(tag).map_err(|why| {
                    BeforeWork(songngu::Error::parse(
                        file,
                        l.line,
                        None,
                        format!(
                            "the {which} language `{}` the file states is not a language code: \
                             {why} (nothing was imported)",
                            tag.escape_debug()
                        ),
                    ))
                })?;
            }
        }
        let stated = c
            .langs
            .as_ref()
            .map(|l| (l.source.clone(), l.target.clone()));
        let how = match (&stated, from.is_some() || to.is_some()) {
            (_, true) => PairFrom::Flags,
            (Some(_), false) => PairFrom::File,
            (None, false) => PairFrom::Config,
        };
        let (file_from, file_to) = stated.unwrap_or_else(|| {
            (
                config.languages.source.clone(),
                config.languages.target.clone(),
            )
        });
        let pair = (
            from.map_or(file_from, str::to_owned),
            to.map_or(file_to, str::to_owned),
        );
        out.push(((pair, how), c));
    }
    Ok(out)
}

/// The summary's line on language pairs: each pair the rows were read for,
/// where it came from, and how many corrections were stored for it.
fn pair_summary(rows: &[PairedRow], stored: &[((String, String), usize)]) -> String {
    let mut seen: Vec<&((String, String), PairFrom)> = Vec::new();
    for (p, _) in rows {
        if !seen.contains(&p) {
            seen.push(p);
        }
    }
    if seen.is_empty() {
        return "language pair: none (no row with a target)".to_owned();
    }
    let parts: Vec<String> = seen
        .iter()
        .map(|((from, to), how)| {
            let n = stored
                .iter()
                .find(|(p, _)| p.0 == *from && p.1 == *to)
                .map_or(0, |(_, n)| *n);
            let why = match how {
                PairFrom::File => "as the file states",
                PairFrom::Flags => "from --from/--to",
                PairFrom::Config => {
                    "from the config's [languages]: the file names no pair; give --from/--to \
                     if the review was for another"
                }
            };
            format!("{from}->{to} ({why}): {n} stored")
        })
        .collect();
    format!("language pair: {}", parts.join("; "))
}

/// The glossary-only draft (`replace` mode) of a source, per language
/// pair: the configured glossary for that pair, matched as `run` does.
struct Drafts {
    matchers: Vec<((String, String), songngu::glossary::Matcher)>,
}

impl Drafts {
    /// Loads the configured glossary for each pair of `pairs`.
    ///
    /// # Errors
    /// A glossary with errors, as `run` reports it (exit 2).
    fn load<'p>(
        config: &songngu::Config,
        pairs: impl IntoIterator<Item = &'p (String, String)>,
    ) -> anyhow::Result<Drafts> {
        let mut matchers: Vec<((String, String), songngu::glossary::Matcher)> = Vec::new();
        for pair in pairs {
            if matchers.iter().any(|(p, _)| p == pair) {
                continue;
            }
            let mut c = config.clone();
            c.languages.source.clone_from(&pair.0);
            c.languages.target.clone_from(&pair.1);
            let (glossary, _) = songngu::glossary::Glossary::load(&c, &[]).map_err(BeforeWork)?;
            let m = songngu::glossary::Matcher::new(
                &glossary,
                config.glossary.case,
                config.glossary.diacritics,
            )
            .map_err(BeforeWork)?;
            matchers.push((pair.clone(), m));
        }
        Ok(Drafts { matchers })
    }

    /// The draft of `source` for `from` → `to`.
    fn draft(&self, from: &str, to: &str, source: &str) -> String {
        match self.matchers.iter().find(|(p, _)| p.0 == from && p.1 == to) {
            Some((_, m)) => {
                songngu::glossary::modes::replace(source, &m.find(source).hits, m.entries())
            }
            None => source.to_owned(),
        }
    }
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
        TmCommand::Import { file, from, to } => {
            // Flags are checked as `run` checks them (exit 2).
            let flags = [("--from", from.as_deref()), ("--to", to.as_deref())];
            if let Some((flag, tag, why)) = flags.iter().find_map(|&(flag, tag)| {
                let tag = tag?;
                let why = songngu::config::check_language_tag(tag).err()?;
                Some((flag, tag, why))
            }) {
                anyhow::bail!(
                    "{flag} `{}` is not a language code: {why}",
                    tag.escape_debug()
                );
            }
            // The file first: a missing, unreadable or malformed file is an
            // input error (exit 2) and creates no memory.
            let found = read_corrections(&file).map_err(BeforeWork)?;
            let rows = with_pairs(&file, found, from.as_deref(), to.as_deref(), &config)?;
            // The glossary-only draft of each pair, to tell an untouched
            // draft (`replace` mode) from a correction.
            let drafts = Drafts::load(&config, rows.iter().map(|(p, _)| &p.0))?;
            // An existing memory must be one (a corrupt file is exit 2, as
            // for the other `tm` commands); a new one is created.
            let tm = if path.exists() {
                existing(&path)?
            } else {
                Tm::open(&path).map_err(BeforeWork)?
            };
            let doc = doc_of(&file);
            let pairs: Vec<((String, String), songngu::corrections::Correction)> =
                rows.iter().map(|(p, c)| (p.0.clone(), c.clone())).collect();
            let n = songngu::corrections::import(&tm, &pairs, &file, &doc, &|f, t, s| {
                drafts.draft(f, t, s)
            })?;
            if !quiet {
                let skipped =
                    n.unchanged + n.machine + n.drafts + n.needs_work + n.commented + n.duplicates;
                let duplicates = if n.duplicates > 0 {
                    format!(
                        ", {} repeating a source a later row of the file corrects too (the last \
                         row is stored)",
                        n.duplicates
                    )
                } else {
                    String::new()
                };
                eprintln!(
                    "imported {} correction(s) into {}; {skipped} row(s) skipped: {} unchanged \
                     (already in the memory, or an edit that gives back the target it replaces), \
                     {} unchanged machine target(s), {} needing work, {} only commented or without a target, \
                     {} unchanged glossary draft(s){duplicates}",
                    n.imported,
                    path.display(),
                    n.unchanged,
                    n.machine,
                    n.needs_work,
                    n.commented,
                    n.drafts
                );
                eprintln!("  {}", pair_summary(&rows, &n.per_pair));
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
