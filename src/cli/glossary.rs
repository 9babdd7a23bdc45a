//! `songngu glossary …`: check, find, import, export, fmt. Thin wiring over
//! `songngu::glossary`.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use songngu::glossary::exchange::{self, ExportFormat};
use songngu::glossary::load::{Locator, files_under};
use songngu::glossary::{Glossary, Matcher, Severity, load_paths, validate};
use songngu::plaintext::{into_utf8, read_utf8};
use unicode_normalization::UnicodeNormalization;

use super::args::{ExportFormatArg, GlossaryCommand};
use super::load_config;

pub fn run(
    cmd: GlossaryCommand,
    config: Option<PathBuf>,
    quiet: bool,
    verbose: bool,
) -> anyhow::Result<ExitCode> {
    let config = load_config(config)?;
    match cmd {
        GlossaryCommand::Check { paths } => check(&config, &paths, quiet, verbose),
        GlossaryCommand::Find {
            file,
            json,
            glossary,
        } => find(&config, file.as_deref(), json, &glossary),
        GlossaryCommand::Import { file, into } => import(&config, &file, into.as_deref(), quiet),
        GlossaryCommand::Export {
            format,
            output,
            glossary,
        } => export(&config, format, output.as_deref(), &glossary, quiet),
        GlossaryCommand::Fmt { paths, check } => fmt(&config, &paths, check, quiet),
    }
}

/// `n` and the noun, singular or plural: "1 entry", "2 entries".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn check(
    config: &songngu::Config,
    paths: &[PathBuf],
    quiet: bool,
    verbose: bool,
) -> anyhow::Result<ExitCode> {
    let paths = config.glossary_paths(paths);
    let pair = (
        config.languages.source.as_str(),
        config.languages.target.as_str(),
    );
    let (glossary, mut diags) = load_paths(&paths, pair);
    diags.extend(validate::configured_case_warnings(
        &glossary,
        config.glossary.case,
    ));
    diags.sort_by(|a, b| {
        (&a.location.path, a.location.line, a.location.col).cmp(&(
            &b.location.path,
            b.location.line,
            b.location.col,
        ))
    });
    // Terms inside longer terms are how a glossary works, not a problem:
    // counted, and listed only on request.
    let notes = validate::notes(&glossary);
    let mut out = io::BufWriter::new(super::Out::new());
    let mut notes_iter = notes.iter().peekable();
    for d in &diags {
        while verbose
            && let Some(n) = notes_iter.next_if(|n| {
                (&n.location.path, n.location.line, n.location.col)
                    < (&d.location.path, d.location.line, d.location.col)
            })
        {
            writeln!(out, "{n}")?;
        }
        writeln!(out, "{d}")?;
    }
    if verbose {
        for n in notes_iter {
            writeln!(out, "{n}")?;
        }
    }
    out.flush()?;
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if !quiet {
        let files = files_under(&paths).len();
        let mut summary = format!(
            "glossary check: {files} file(s), {}: {}, {}",
            // With errors, the entries that had them are not counted.
            if errors > 0 {
                count(glossary.entries.len(), "valid entry", "valid entries")
            } else {
                count(glossary.entries.len(), "entry", "entries")
            },
            count(errors, "error", "errors"),
            count(diags.len() - errors, "warning", "warnings"),
        );
        if !notes.is_empty() && !verbose {
            summary.push_str(&format!(
                "; {} inside longer terms, where the longer one wins (--verbose lists them)",
                count(notes.len(), "term", "terms")
            ));
        }
        eprintln!("{summary}");
    }
    Ok(if errors > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn load(config: &songngu::Config, overrides: &[PathBuf], quiet: bool) -> anyhow::Result<Glossary> {
    let (glossary, _warnings) = Glossary::load(config, overrides)?;
    if glossary.entries.is_empty() && !quiet {
        eprintln!(
            "songngu: warning: the glossary has no entries for {} -> {}; check [glossary] paths and each file's [meta]",
            config.languages.source, config.languages.target
        );
    }
    Ok(glossary)
}

fn find(
    config: &songngu::Config,
    file: Option<&Path>,
    json: bool,
    overrides: &[PathBuf],
) -> anyhow::Result<ExitCode> {
    let glossary = load(config, overrides, false)?;
    let text = match file {
        Some(p) if p != Path::new("-") => read_utf8(p)?,
        _ => into_utf8(read_stdin()?, Path::new("<stdin>"))?,
    };
    let matcher = Matcher::new(&glossary, config.glossary.case, config.glossary.diacritics)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    // Hits come in text order: one forward pass gives every line and column.
    let mut locator = Locator::new(&text);
    for h in matcher.find(&text).hits {
        let (line, col) = locator.line_col(h.start);
        if json {
            let obj = JsonHit {
                line,
                col,
                start: h.start,
                end: h.end,
                text: h.text(&text),
                entry: h.entry.as_str(),
                target: h.target.as_str(),
                class: h.class.name(),
            };
            serde_json::to_writer(&mut out, &obj)?;
            out.write_all(b"\n")?;
        } else {
            writeln!(
                out,
                "{line}:{col}  {}  {}  →  {}  ({})",
                h.class.name(),
                h.text(&text),
                h.target,
                h.entry
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// One line of `glossary find --json` (written without building a JSON
/// tree per hit).
#[derive(serde::Serialize)]
struct JsonHit<'a> {
    line: usize,
    col: usize,
    start: usize,
    end: usize,
    text: &'a str,
    entry: &'a str,
    target: &'a str,
    class: &'static str,
}

fn read_stdin() -> anyhow::Result<Vec<u8>> {
    let mut v = Vec::new();
    io::stdin()
        .read_to_end(&mut v)
        .map_err(|e| songngu::Error::io("<stdin>", e))?;
    Ok(v)
}

fn import(
    config: &songngu::Config,
    file: &Path,
    into: Option<&Path>,
    quiet: bool,
) -> anyhow::Result<ExitCode> {
    let text = read_utf8(file)?;
    let (entries, diags) = exchange::import_table(&text, file);
    for d in &diags {
        eprintln!("{d}");
    }
    if diags.iter().any(|d| d.severity == Severity::Error) {
        eprintln!("songngu: nothing imported; fix the rows above and run again");
        return Ok(ExitCode::from(2));
    }
    // Validated with the rules of `glossary check` before anything is
    // written: nothing is written on error, and every row is counted.
    if let Some(p) = into {
        if p.is_dir() {
            anyhow::bail!(
                "{}: is a folder; --into takes a glossary file (e.g. {}/imported.toml)",
                p.display(),
                p.display()
            );
        }
        if p.extension().and_then(|e| e.to_str()) != Some("toml") {
            anyhow::bail!(
                "{}: --into writes a TOML glossary; name a .toml file (export other formats with `songngu glossary export`)",
                p.display()
            );
        }
    }
    let current = match into {
        Some(p) if p.exists() => Some(read_utf8(p)?),
        _ => None,
    };
    let pair = (
        config.languages.source.as_str(),
        config.languages.target.as_str(),
    );
    let plan = match exchange::plan_import(&entries, into.zip(current.as_deref()), pair) {
        Ok(plan) => plan,
        Err(errors) => {
            for d in &errors {
                eprintln!("{d}");
            }
            eprintln!("songngu: nothing imported; fix the rows above and run again");
            return Ok(ExitCode::from(2));
        }
    };
    for d in &plan.warnings {
        eprintln!("{d}");
    }
    let skipped = format!(
        "{} skipped: {} already present with the same target, {} duplicate row(s)",
        plan.already_present + plan.duplicates,
        plan.already_present,
        plan.duplicates
    );
    match into {
        None => {
            io::stdout().lock().write_all(plan.text.as_bytes())?;
            if !quiet {
                eprintln!("imported {} ({skipped})", entries_n(plan.added));
            }
        }
        Some(into) => {
            songngu::atomic::write_atomic(into, plan.text.as_bytes())?;
            if !quiet {
                eprintln!(
                    "imported {} into {} ({skipped})",
                    entries_n(plan.added),
                    into.display()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `1 entry`, `2 entries`.
fn entries_n(n: usize) -> String {
    format!("{n} {}", if n == 1 { "entry" } else { "entries" })
}

fn export(
    config: &songngu::Config,
    format: ExportFormatArg,
    output: Option<&Path>,
    overrides: &[PathBuf],
    quiet: bool,
) -> anyhow::Result<ExitCode> {
    let glossary = load(config, overrides, quiet)?;
    let format = match format {
        ExportFormatArg::Tsv => ExportFormat::Tsv,
        ExportFormatArg::Csv => ExportFormat::Csv,
        ExportFormatArg::Tbx => ExportFormat::Tbx,
        ExportFormatArg::Deepl => ExportFormat::Deepl,
    };
    let (text, skipped) = exchange::export(&glossary, format);
    if !quiet {
        for s in &skipped {
            eprintln!("songngu: left out: {s}");
        }
    }
    match output {
        Some(p) => songngu::atomic::write_atomic(p, text.as_bytes())?,
        None => io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

fn fmt(
    config: &songngu::Config,
    paths: &[PathBuf],
    check: bool,
    quiet: bool,
) -> anyhow::Result<ExitCode> {
    let mut files = Vec::new();
    for p in config.glossary_paths(paths) {
        if p.is_dir() {
            let mut inner: Vec<PathBuf> = std::fs::read_dir(&p)
                .map_err(|e| songngu::Error::io(&p, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|e| e == "toml"))
                .collect();
            inner.sort();
            files.extend(inner);
        } else {
            files.push(p);
        }
    }
    let mut changed = 0;
    for f in &files {
        let text = read_utf8(f)?;
        // NFC leaves every ASCII character (all of TOML's syntax) alone, so
        // normalising the whole file keeps comments, order and layout.
        let nfc: String = text.nfc().collect();
        if nfc == text {
            continue;
        }
        nfc.parse::<toml_edit::DocumentMut>().with_context(|| {
            format!(
                "{}: not valid TOML; fix the syntax first (songngu glossary check)",
                f.display()
            )
        })?;
        changed += 1;
        if check {
            writeln!(super::Out::new(), "{}: not in NFC", f.display())?;
        } else {
            songngu::atomic::write_atomic(f, nfc.as_bytes())?;
            if !quiet {
                eprintln!("reformatted {}", f.display());
            }
        }
    }
    if !quiet {
        eprintln!(
            "glossary fmt: {} file(s), {changed} {}",
            files.len(),
            if check { "to reformat" } else { "reformatted" }
        );
    }
    Ok(if check && changed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
