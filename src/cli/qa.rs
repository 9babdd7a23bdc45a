//! `songngu qa`: findings on a run's JSONL, a summary, exit 1 on errors.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use songngu::glossary::{Glossary, Matcher, Severity};
use songngu::qa::{check_run, read_run};
use songngu::reader::{Collected, WalkOptions, collect_matching};

use super::args::QaArgs;
use super::{load_config, report};

/// The JSONL files of `paths` (a file itself, a folder walked), in order,
/// each file once: folders are walked as `run` walks its inputs
/// ([`songngu::reader::collect_matching`]: without looping, hidden entries
/// left out), for `*.jsonl` but `*.corrections.jsonl`.
fn jsonl_files(paths: &[PathBuf], follow_links: bool) -> anyhow::Result<Collected> {
    for path in paths {
        if !path.is_file() && !path.is_dir() {
            anyhow::bail!("{}: no such file or folder", path.display());
        }
    }
    let wanted = |p: &Path| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        name.ends_with(".jsonl") && !name.ends_with(".corrections.jsonl")
    };
    let options = WalkOptions {
        follow_links,
        skip_hidden: true,
        ..WalkOptions::default()
    };
    let found = collect_matching(paths, options, &wanted)?;
    for input in found.inputs.iter().filter(|i| i.is_unreadable()) {
        if let Err(songngu::Error::Io { path, cause }) = input.open() {
            anyhow::bail!("{}: cannot read: {cause}", path.display());
        }
    }
    Ok(found)
}

pub fn run(args: &QaArgs, config: Option<PathBuf>, quiet: bool) -> anyhow::Result<ExitCode> {
    let config = load_config(config)?;
    let found = jsonl_files(&args.paths, args.follow_links)?;
    if found.inputs.is_empty() {
        anyhow::bail!(
            "no .jsonl files found{}; give the output folder of `songngu run` or its NAME.jsonl files",
            report::skipped_in_short(&found)
        );
    }
    let paths: Vec<&Path> = found.inputs.iter().map(|i| i.path.as_path()).collect();
    let (glossary, warnings) = Glossary::load(&config, &args.glossary)?;
    super::report_glossary(&glossary);
    let matcher = Matcher::new(&glossary, config.glossary.case, config.glossary.diacritics)?;
    let mut files = paths
        .iter()
        .map(|p| read_run(p))
        .collect::<songngu::Result<Vec<_>>>()?;
    // Once the files are read: a bad file is the one thing said about it.
    super::warn_if_empty(&glossary, &warnings, &config, quiet);
    if !quiet {
        report::walk_notes(&found);
    }
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
