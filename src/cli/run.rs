//! `songngu run`: flags over the configuration, the glossary, the batch,
//! a progress bar on stderr when it is a terminal, and the end summary.

use std::io::IsTerminal;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use songngu::config::{Format, Unit};
use songngu::glossary::{Glossary, HitClass};
use songngu::pipeline::{DocOutcome, Pipeline};
use songngu::tm::Tm;
use songngu::translate::runner::TokioSleeper;
use songngu::translate::{AnyEngine, Billing, Mt, MtReport};

use super::args::{RunArgs, UnitArg};
use super::{BeforeWork, load_config};

pub fn run(args: RunArgs, config: Option<PathBuf>, quiet: bool) -> anyhow::Result<ExitCode> {
    // Stdin is read only when asked for with `-`: in cron or CI an empty
    // stdin would otherwise give an empty `stdin.*` and exit 0.
    if args.inputs.is_empty() {
        anyhow::bail!(
            "no INPUT given; name files or folders, or - to read stdin (see `songngu run --help`)"
        );
    }
    let mut config = load_config(config)?;
    // Flags, the top layer.
    // Language codes become parts of file names: only well-formed tags pass.
    for (flag, value) in [("--from", &args.from), ("--to", &args.to)] {
        if let Some(tag) = value {
            songngu::config::check_language_tag(tag).map_err(|why| {
                anyhow::anyhow!(
                    "{flag} `{}` is not a language code: {why}",
                    tag.escape_debug()
                )
            })?;
        }
    }
    if let Some(from) = args.from {
        config.languages.source = from;
    }
    if let Some(to) = args.to {
        config.languages.target = to;
    }
    if let Some(unit) = args.unit {
        config.segment.unit = match unit {
            UnitArg::Paragraph => Unit::Paragraph,
            UnitArg::Sentence => Unit::Sentence,
            UnitArg::Line => Unit::Line,
        };
    }
    if !args.format.is_empty() {
        config.output.formats = args
            .format
            .iter()
            .map(|f| {
                Format::from_name(f.trim()).ok_or_else(|| {
                    anyhow::anyhow!(
                        "unknown format `{f}` in --format; use any of: {}",
                        Format::ALL.map(Format::name).join(", ")
                    )
                })
            })
            .collect::<anyhow::Result<_>>()?;
    }
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| config.resolve(&config.output.dir));
    config.translate.engine =
        super::engines::engine_kind(args.engine.as_deref(), config.translate.engine)?;
    if args.dry_run && config.translate.engine.is_none() {
        anyhow::bail!(
            "--dry-run counts what an engine would be sent; name one with --engine or [translate] engine"
        );
    }
    // The engine first: an unusable one is a configuration error, before anything else.
    // A dry run only plans: it needs no API key.
    let engine = AnyEngine::configured(&config.translate, &config.engines, args.dry_run)?;
    // Warnings (overlapping entries and the like) are for `glossary check`.
    let (glossary, warnings) = Glossary::load(&config, &args.glossary)?;
    super::report_glossary(&glossary);
    if glossary.entries.is_empty() && !quiet {
        match warnings.first() {
            Some(w) if warnings.len() == 1 => eprintln!("songngu: {w}"),
            _ => eprintln!(
                "songngu: warning: the glossary has no entries for {} -> {}; terms are not annotated",
                config.languages.source, config.languages.target
            ),
        }
    }
    let walk = songngu::reader::WalkOptions {
        follow_links: args.follow_links,
        skip: Some(&out_dir),
    };
    // A missing input is a usage error (exit 2): nothing has run yet.
    let collected = songngu::reader::collect(&args.inputs, walk).map_err(BeforeWork)?;
    if !quiet && !collected.links_not_followed.is_empty() {
        let links = &collected.links_not_followed;
        eprintln!(
            "songngu: note: {} symbolic link(s) to folders not followed ({}{}); --follow-links follows them",
            links.len(),
            links
                .iter()
                .take(3)
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            if links.len() > 3 { ", …" } else { "" }
        );
    }
    let inputs = collected.inputs;
    if inputs.is_empty() {
        anyhow::bail!(
            "no .txt or .md articles found in {}",
            args.inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let engine = engine.map(|e| e.with_glossary(&glossary));
    let mut pipeline = Pipeline::new(&config, &glossary)?;
    // Offline, reviewed corrections still apply: open the memory when there is one.
    let tm_path = config.resolve(&config.tm.path);
    if engine.is_none() && tm_path.exists() {
        pipeline = pipeline.with_memory(Tm::open(&tm_path).map_err(BeforeWork)?);
    }
    let mut mt = if let Some(engine) = engine {
        // Opening the memory is set-up: a failure is a usage error (exit 2).
        // A dry run consults an existing memory read-only and creates none.
        let tm = if !args.dry_run {
            Tm::open(&tm_path)
        } else if tm_path.exists() {
            Tm::open_read_only(&tm_path)
        } else {
            Tm::in_memory()
        }
        .map_err(BeforeWork)?;
        Some(Mt::new(&config, &glossary, engine, tm).dry_run(args.dry_run))
    } else {
        None
    };
    // `--jobs 0` is refused by the argument parser.
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));

    let bar = if !quiet && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(inputs.len() as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} documents {msg}",
            )
            .expect("template")
            .progress_chars("=> "),
        );
        Some(bar)
    } else {
        None
    };
    // Every output path is checked before anything is written (exit 2).
    pipeline
        .plan(&inputs, &out_dir, &config.output.formats)
        .map_err(BeforeWork)?;
    let started = Instant::now();
    let progress = |o: &DocOutcome| {
        if let Some(bar) = &bar {
            bar.inc(1);
            if let Err(e) = &o.result {
                bar.println(format!("songngu: error: {e}"));
            }
        }
    };
    let (outcomes, report) = match &mut mt {
        None => (
            pipeline.run_batch(&inputs, &out_dir, &config.output.formats, jobs, &progress)?,
            None,
        ),
        Some(mt) => {
            let (o, r) = pipeline.run_batch_translated(
                &inputs,
                &out_dir,
                &config.output.formats,
                mt,
                &TokioSleeper,
                64,
                &progress,
            )?;
            (o, Some(r))
        }
    };
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let elapsed = started.elapsed().as_secs_f64();

    let failed: Vec<&DocOutcome> = outcomes.iter().filter(|o| o.result.is_err()).collect();
    if bar.is_none() {
        for o in &failed {
            if let Err(e) = &o.result {
                eprintln!("songngu: error: {e}");
            }
        }
    }
    let engine_name = config.translate.engine.name();
    if args.dry_run {
        // The dry run's answer is the command's output.
        if let Some(r) = &report {
            let tokens = if r.tokens > 0 {
                format!(", about {} token(s) (estimate)", r.tokens)
            } else {
                String::new()
            };
            writeln!(
                super::Out::new(),
                "{engine_name}: {} request(s), {} billable character(s){tokens} for {} distinct segment(s) \
                 ({} of {} segment(s) already in the memory, {} human)",
                r.requests,
                r.chars,
                r.sent,
                r.memory,
                r.segments,
                r.human
            )?;
        }
        return Ok(if failed.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    if !quiet {
        for o in &outcomes {
            if o.result.as_ref().is_ok_and(|s| s.segments == 0) {
                eprintln!(
                    "songngu: warning: {}: no text (empty or blank); its outputs have no segments",
                    display_input(&o.input)
                );
            }
        }
        eprintln!("{}", summary(&outcomes, elapsed, &out_dir));
        cleaned_and_human(&outcomes);
        if let Some(r) = &report {
            eprintln!(
                "{}",
                engine_summary(engine_name, r, r.billing == Billing::Tokens)
            );
        }
    }
    let mt_failed = report.as_ref().map_or(0, |r| r.failed);
    if let Some(r) = report.as_ref().filter(|r| r.failed > 0) {
        eprintln!("{}", closing_line(r));
    }
    Ok(if failed.is_empty() && mt_failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The human corrections applied, and the documents the reader took
/// control characters out of (see docs/review.md).
fn cleaned_and_human(outcomes: &[DocOutcome]) {
    let ok = || {
        outcomes
            .iter()
            .filter_map(|o| Some((o, o.result.as_ref().ok()?)))
    };
    let human: usize = ok().map(|(_, s)| s.human).sum();
    if human > 0 {
        eprintln!(
            "  {human} human correction(s) applied (reviewed targets from the translation memory)"
        );
    }
    let cleaned: Vec<_> = ok().filter(|(_, s)| s.cleaned.total() > 0).collect();
    for (o, s) in cleaned.iter().take(5) {
        let c = s.cleaned;
        let first = c.first.map_or(String::new(), |(ch, at)| {
            format!(" (first U+{:04X} at byte offset {at})", ch as u32)
        });
        eprintln!(
            "songngu: warning: {}: {} control character(s) removed, {} made line breaks (VT, FF, NEL){first}; \
             the outputs and the review page hold the cleaned text",
            o.input.display(),
            c.removed,
            c.line_breaks
        );
    }
    if cleaned.len() > 5 {
        eprintln!(
            "songngu: warning: and {} more document(s) with control characters",
            cleaned.len() - 5
        );
    }
}

/// How an input is named in messages (`-` is stdin).
fn display_input(input: &std::path::Path) -> String {
    if input.as_os_str() == "-" {
        "<stdin>".to_owned()
    } else {
        input.display().to_string()
    }
}

/// A byte count for people: `512 B`, `41.3 KB`, `5.2 MB`.
fn human_bytes(bytes: usize) -> String {
    let b = bytes as f64;
    if bytes < 1000 {
        format!("{bytes} B")
    } else if b < 1e6 {
        format!("{:.1} KB", b / 1e3)
    } else {
        format!("{:.1} MB", b / 1e6)
    }
}

/// The throughput in the unit that shows it (` (41.0 KB/s)`, ` (7.9 MB/s)`),
/// or nothing when there is too little to measure: under a kilobyte (the
/// time is then the process starting, not the work), or a run too short for
/// the clock.
fn rate(bytes: usize, secs: f64) -> String {
    if bytes < 1000 || secs < 0.001 {
        return String::new();
    }
    let per_s = bytes as f64 / secs;
    if per_s >= 1e6 {
        format!(" ({:.1} MB/s)", per_s / 1e6)
    } else if per_s >= 1e3 {
        format!(" ({:.1} KB/s)", per_s / 1e3)
    } else {
        format!(" ({per_s:.0} B/s)")
    }
}

fn summary(outcomes: &[DocOutcome], elapsed: f64, out_dir: &std::path::Path) -> String {
    let ok: Vec<_> = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().ok())
        .collect();
    let failed = outcomes.len() - ok.len();
    let bytes: usize = ok.iter().map(|s| s.bytes).sum();
    let segments: usize = ok.iter().map(|s| s.segments).sum();
    let mut hits = std::collections::BTreeMap::new();
    let mut flags = std::collections::BTreeMap::new();
    for s in &ok {
        for (k, v) in &s.hits {
            *hits.entry(*k).or_insert(0) += v;
        }
        for (k, v) in &s.flags {
            *flags.entry(k.clone()).or_insert(0) += v;
        }
    }
    let classes: Vec<String> = HitClass::ALL
        .iter()
        .map(|c| format!("{} {}", c.name(), hits.get(c).copied().unwrap_or(0)))
        .collect();
    let flag_list: Vec<String> = flags.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let mut text = format!(
        "songngu run: {} document(s){}, {segments} segment(s), {} in {elapsed:.2} s{}\n  \
         terms: {}\n  flags: {}",
        outcomes.len(),
        if failed > 0 {
            format!(" ({failed} failed)")
        } else {
            String::new()
        },
        human_bytes(bytes),
        rate(bytes, elapsed),
        classes.join(", "),
        if flag_list.is_empty() {
            "none".into()
        } else {
            flag_list.join(", ")
        },
    );
    // Only where something was written.
    if !ok.is_empty() {
        text.push_str(&format!("\n  output: {}", out_dir.display()));
    }
    text
}

/// The engine's line of the summary: this run's facts only (what was sent
/// and billed this run, enforcement only when something was re-sent).
fn engine_summary(engine: &str, r: &MtReport, by_tokens: bool) -> String {
    let billed = match (by_tokens, r.chars_sent == r.chars) {
        (false, true) => format!("{} billable character(s)", r.chars),
        (false, false) => format!("{} character(s) sent, {} billable", r.chars_sent, r.chars),
        (true, true) => format!("{} billable token(s)", r.tokens),
        (true, false) => format!(
            "{} character(s) sent, {} billable token(s)",
            r.chars_sent, r.tokens
        ),
    };
    let enforced = if r.enforced > 0 {
        format!(
            "; {} re-sent with terms protected ({} fixed)",
            r.enforced, r.enforced_fixed
        )
    } else {
        String::new()
    };
    let terms = if r.term_segments == 0 {
        "terms right: n/a (no machine target with glossary terms)".to_owned()
    } else {
        format!(
            "terms right in {}/{} segment(s) ({:.1}%)",
            r.term_compliant,
            r.term_segments,
            100.0 * r.term_compliant as f64 / r.term_segments as f64
        )
    };
    format!(
        "  engine {engine}: {} segment(s): {} from the memory, {} human, {} sent in {} request(s) \
         ({} retried), {billed}{enforced}; {terms}",
        r.segments, r.memory, r.human, r.sent, r.requests, r.retries
    )
}

/// The closing line of a run that left segments untranslated: why, when
/// the engine stopped the run (a quota or a refused key: running again
/// cannot help), else how to retry.
fn closing_line(r: &MtReport) -> String {
    match &r.stopped {
        Some(why) => format!(
            "songngu: error: the run stopped: {why}; {} segment(s) untranslated (flag `mt-failed` in the outputs)",
            r.failed
        ),
        None => format!(
            "songngu: error: {} segment(s) have no translation (flag `mt-failed` in the outputs); \
             run again to retry them: finished batches are in the translation memory",
            r.failed
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_runs_get_a_rate_in_their_own_unit() {
        assert_eq!(rate(11, 0.37), "");
        assert_eq!(rate(1_500, 2.0), " (750 B/s)");
        assert_eq!(rate(2_000, 0.05), " (40.0 KB/s)");
        assert_eq!(rate(412_000, 0.61), " (675.4 KB/s)");
        assert_eq!(rate(50_000_000, 6.3), " (7.9 MB/s)");
        assert_eq!(rate(0, 0.3), "");
        assert_eq!(rate(5_000, 0.0), "");
    }

    #[test]
    fn sizes_in_their_own_unit() {
        assert_eq!(human_bytes(11), "11 B");
        assert_eq!(human_bytes(41_300), "41.3 KB");
        assert_eq!(human_bytes(5_200_000), "5.2 MB");
    }
}
