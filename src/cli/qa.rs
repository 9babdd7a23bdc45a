//! `songngu qa`: findings on a run's JSONL, a summary, exit 1 on errors.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use songngu::glossary::{Glossary, Matcher, Severity};
use songngu::qa::{check_run, read_run};

use super::args::QaArgs;
use super::load_config;

/// The JSONL files under `path` (itself when a file), sorted; folders
/// walked without looping ([`songngu::reader::walk`]).
fn jsonl_files(path: &Path, follow_links: bool, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    if path.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    if !path.is_dir() {
        anyhow::bail!("{}: no such file or folder", path.display());
    }
    let wanted = |p: &Path| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        name.ends_with(".jsonl") && !name.ends_with(".corrections.jsonl")
    };
    let found = songngu::reader::walk(
        path,
        songngu::reader::WalkOptions {
            follow_links,
            skip: None,
            ..songngu::reader::WalkOptions::default()
        },
        &wanted,
    );
    if let Some((p, e)) = found.unreadable.first() {
        anyhow::bail!("{}: cannot read: {e}", p.display());
    }
    out.extend(found.files);
    Ok(())
}

pub fn run(args: &QaArgs, config: Option<PathBuf>, quiet: bool) -> anyhow::Result<ExitCode> {
    let config = load_config(config)?;
    let mut paths = Vec::new();
    for p in &args.paths {
        jsonl_files(p, args.follow_links, &mut paths)?;
    }
    if paths.is_empty() {
        anyhow::bail!(
            "no .jsonl files found; give the output folder of `songngu run` or its NAME.jsonl files"
        );
    }
    let (glossary, warnings) = Glossary::load(&config, &args.glossary)?;
    super::report_glossary(&glossary);
    let matcher = Matcher::new(&glossary, config.glossary.case, config.glossary.diacritics)?;
    let mut files = paths
        .iter()
        .map(|p| read_run(p))
        .collect::<songngu::Result<Vec<_>>>()?;
    // Once the files are read: a bad file is the one thing said about it.
    super::warn_if_empty(&glossary, &warnings, &config, quiet);
    let findings = check_run(&mut files, &matcher);

    // A closed stdout (`| head`) stops the printing, never the verdict.
    let mut out = super::Out::new();
    let mut by: BTreeMap<(String, Severity), usize> = BTreeMap::new();
    for f in &findings {
        *by.entry((f.flag.code.to_string(), f.flag.severity))
            .or_default() += 1;
        if args.json {
            serde_json::to_writer(&mut out, f)?;
            writeln!(out)?;
        } else {
            writeln!(
                out,
                "{}:{}: {}: {}: {}: {}",
                f.file, f.line, f.flag.severity, f.flag.code, f.id, f.flag.message
            )?;
        }
    }
    let errors = findings
        .iter()
        .filter(|f| f.flag.severity == Severity::Error)
        .count();
    let segments: usize = files.iter().map(|f| f.segments.len()).sum();
    let mut summary = String::new();
    if !by.is_empty() {
        summary.push_str(&format!(
            "\n{:<24} {:<8} {:>6}\n",
            "code", "severity", "count"
        ));
        for ((code, sev), n) in &by {
            summary.push_str(&format!("{code:<24} {:<8} {n:>6}\n", sev.to_string()));
        }
    }
    summary.push_str(&format!(
        "songngu qa: {} finding(s): {errors} error(s), {} warning(s) in {segments} segment(s) of {} file(s)\n",
        findings.len(),
        findings.len() - errors,
        files.len()
    ));
    if args.json {
        if !quiet {
            eprint!("{summary}");
        }
    } else {
        write!(out, "{summary}")?;
    }
    out.flush()?;
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
