//! `songngu run`: flags over the configuration, the glossary, the batch,
//! a progress bar on stderr when it is a terminal, and the end summary.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use songngu::config::{EngineKind, Format, GlossaryMode, Unit};
use songngu::glossary::modes::Verifier;
use songngu::glossary::{Glossary, HitClass};
use songngu::pipeline::{DocOutcome, Pipeline};
use songngu::tm::Tm;
use songngu::translate::AnyEngine;
use songngu::translate::runner::TokioSleeper;
use songngu::translate::stage::Mt;

use super::args::{RunArgs, UnitArg};
use super::load_config;

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
    if args.dry_run && config.translate.engine == EngineKind::None {
        anyhow::bail!(
            "--dry-run counts what an engine would be sent; name one with --engine or [translate] engine"
        );
    }
    // The engine first: an unusable one is a configuration error, before anything else.
    let engine = match config.translate.engine {
        EngineKind::None => None,
        kind => Some(AnyEngine::from_config(&config, kind)?),
    };
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
    // A missing input is a usage error (exit 2): nothing has run yet.
    let inputs =
        songngu::reader::collect_inputs(&args.inputs).map_err(|e| anyhow::anyhow!("{e}"))?;
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
        pipeline = pipeline.with_memory(Tm::open(&tm_path).map_err(|e| anyhow::anyhow!("{e}"))?);
    }
    let mut mt = if let Some(engine) = engine {
        let kind = config.translate.engine;
        let settings = match kind {
            EngineKind::Apertium => &config.engines.apertium,
            EngineKind::Libretranslate => &config.engines.libretranslate,
            EngineKind::Deepl => &config.engines.deepl,
            EngineKind::Google => &config.engines.google,
            EngineKind::Openai | EngineKind::None => &config.engines.openai,
        };
        Some(Mt {
            engine,
            // Opening the memory is set-up: a failure is a usage error (exit 2).
            tm: Tm::open(&config.resolve(&config.tm.path)).map_err(|e| anyhow::anyhow!("{e}"))?,
            verifier: Verifier::new(&glossary.entries),
            glossary_hash: glossary.content_hash(),
            protect: config.glossary.modes.contains(&GlossaryMode::Protect),
            verify: config.glossary.modes.contains(&GlossaryMode::Verify),
            dry_run: args.dry_run,
            max_retries: settings.max_retries,
            requests_per_second: settings.requests_per_second,
            from: config.languages.source.clone(),
            to: config.languages.target.clone(),
        })
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
            pipeline.run_batch(&inputs, &out_dir, &config.output.formats, jobs, &progress),
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
            println!(
                "{engine_name}: {} request(s), {} billable character(s){tokens} for {} distinct segment(s) \
                 ({} of {} segment(s) already in the memory, {} human)",
                r.requests, r.chars, r.sent, r.memory, r.segments, r.human
            );
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
        if let Some(r) = &report {
            let rate = if r.term_segments == 0 {
                100.0
            } else {
                100.0 * r.term_compliant as f64 / r.term_segments as f64
            };
            let billed = if r.tokens > 0 {
                format!("{} token(s)", r.tokens)
            } else {
                format!("{} billable character(s)", r.chars)
            };
            eprintln!(
                "  engine {engine_name}: {} segment(s): {} from the memory, {} human, {} sent in {} request(s) \
                 ({} retried), {billed}; {} re-sent with terms protected ({} fixed); \
                 terms right in {}/{} segment(s) ({rate:.1}%)",
                r.segments,
                r.memory,
                r.human,
                r.sent,
                r.requests,
                r.retries,
                r.enforced,
                r.enforced_fixed,
                r.term_compliant,
                r.term_segments
            );
        }
    }
    let mt_failed = report.as_ref().map_or(0, |r| r.failed);
    if mt_failed > 0 {
        eprintln!(
            "songngu: error: {mt_failed} segment(s) have no translation (flag `mt-failed` in the outputs); \
             run again to retry them: finished batches are in the translation memory"
        );
    }
    Ok(if failed.is_empty() && mt_failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
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
