//! `songngu run`: flags over the configuration, the glossary and the
//! inputs, then a [`Pipeline`] built from the configuration runs the batch;
//! its progress is drawn by [`super::progress`], its outcome told by
//! [`super::report`], and the exit code follows the outcome.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use songngu::config::{Format, Unit};
use songngu::glossary::Glossary;
use songngu::pipeline::{BatchSettings, Pipeline};
use songngu::tm::Tm;
use songngu::translate::{AnyEngine, Billing, Mt};

use super::args::{RunArgs, UnitArg};
use super::{BeforeWork, load_config, progress, report};

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
    // `-o` naming a file, txt outputs whose names differ only in case:
    // refused before any work (the pipeline's plan, below, tells), as is
    // any output that could not be written.
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
    super::warn_if_empty(&glossary, &warnings, &config, quiet);
    // A run's own outputs are never its articles: the output folder is not
    // entered, and the line-aligned txt outputs of a run are not read;
    // hidden entries neither; in a walk of the output folder, the files its
    // record names are outputs too. Each is reported (docs/output-naming.md,
    // "Which files a folder gives").
    let recorded = songngu::formats::record::Recorded::for_walk(&out_dir, &args.inputs)
        .map_err(BeforeWork)?
        .and_then(|r| {
            Some(songngu::reader::KnownOutputs {
                root: r.root()?.to_path_buf(),
                files: r.files().collect(),
            })
        });
    let walk = songngu::reader::WalkOptions {
        follow_links: args.follow_links,
        skip: Some(&out_dir),
        skip_hidden: true,
        skip_aligned_outputs: true,
        recorded: recorded.as_ref(),
    };
    // A missing input is a usage error (exit 2): nothing has run yet.
    let collected = songngu::reader::collect(&args.inputs, walk).map_err(BeforeWork)?;
    if !quiet {
        report::walk_notes(&collected);
    }
    let inputs = &collected.inputs;
    if inputs.is_empty() {
        anyhow::bail!(
            "no .txt or .md articles found in {}{}",
            args.inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            report::skipped_in_short(&collected)
        );
    }
    let engine = engine.map(|e| e.with_glossary(&glossary));
    let mut pipeline = Pipeline::builder(&config, &glossary);
    // Offline, reviewed corrections still apply: open the memory when there is one.
    let tm_path = config.resolve(&config.tm.path);
    // Only read then: a write-protected memory is read as it is.
    if engine.is_none() && tm_path.exists() {
        pipeline = pipeline.memory(Tm::open_to_read(&tm_path).map_err(BeforeWork)?);
    }
    let mt = if let Some(engine) = engine {
        // Opening the memory is set-up: a failure is a usage error (exit 2).
        // A dry run consults an existing memory read-only and creates none.
        let tm = if !args.dry_run {
            super::on_interrupt_say(super::INTERRUPTED_RUN_WITH_MEMORY);
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
    if let Some(mt) = mt {
        pipeline = pipeline.translate(mt);
    }
    let mut batch = BatchSettings::default();
    // `--jobs 0` is refused by the argument parser.
    if let Some(jobs) = args.jobs {
        batch.jobs = jobs;
    }
    batch.overwrite_edited = args.overwrite_edited;
    let pipeline = pipeline.batch(batch).build()?;

    let bar = progress::Bar::new(inputs.len(), quiet);
    // Every output path is checked before anything is written (exit 2).
    pipeline.plan(inputs, &out_dir).map_err(BeforeWork)?;
    let started = Instant::now();
    let outcome = pipeline.run(inputs, &out_dir, &bar)?;
    bar.finish();
    // Lines of the output folder's record that could not be read.
    for w in &outcome.record_warnings {
        eprintln!("songngu: warning: {w}");
    }
    let elapsed = started.elapsed().as_secs_f64();
    if !bar.showed_errors() {
        report::failures(&outcome);
    }
    let engine_name = config.translate.engine.name();
    if args.dry_run {
        // The dry run's answer is the command's output.
        if let Some(r) = &outcome.translation {
            report::dry_run(engine_name, r)?;
        }
    } else {
        if !quiet {
            report::summary_block(
                &outcome,
                elapsed,
                &out_dir,
                &glossary,
                engine_name,
                outcome
                    .translation
                    .as_ref()
                    .is_some_and(|r| r.billing == Billing::Tokens),
            );
        }
        if quiet {
            report::kept_in_short(&outcome);
        }
        if let Some(r) = outcome.translation.as_ref().filter(|r| r.failed > 0) {
            eprintln!("{}", report::closing_line(r));
        }
    }
    Ok(if outcome.is_complete() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
