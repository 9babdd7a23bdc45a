//! The pipeline: read → segment → ascii → glossary → (translate) → QA →
//! write, for one document ([`Pipeline::process`]) and for a batch
//! ([`Pipeline::run`]).
//!
//! Contract of [`Pipeline::process`]: expects a normalised [`Document`];
//! returns its segments in order, each with its ASCII form, its glossary
//! hits (offsets into the segment's source), a target when the glossary is
//! in `replace` mode (the glossary-only draft, origin `glossary`; never for
//! ASCII captions, which are not translated), and the QA flags available
//! offline: suspected misspellings of terms (`diacritic-mismatch` and
//! `suspect` hits) and pattern terms whose slot did not parse. It is pure:
//! no I/O.
//!
//! # The batch driver
//!
//! [`Pipeline::run`] is the one batch driver, offline or with an engine.
//! It first checks every output path ([`Pipeline::plan`]: inside the
//! output folder, no two the same file), then hands out the inputs in
//! groups to workers. `Stages::run_group` is the one place that defines
//! the stage order, for both paths: each document of the group is read a
//! part at a time (about `[segment] max_bytes` of whole paragraphs, see
//! [`Parts`]) and each part segmented, given its ASCII form and glossary
//! hits; the segments wait in the group's batch, which then goes on to the
//! targets — offline, reviewed corrections from the memory; with an
//! engine, [`Mt::translate`] — then the QA pass, then each document's
//! writer ([`DocWriter`], opened with the document's first segments, kept
//! open across batches, finished once its last part is written, so every
//! output is replaced atomically). Offline the batch goes on after every
//! part, a group is one document and [`BatchSettings::jobs`] workers run
//! in parallel. With an engine a group is [`BatchSettings::chunk`]
//! documents and the batch goes on once it holds `max_bytes` of source (it
//! is cut between two segments, inside a document or across several) or
//! the group is all read; identical texts of a batch are sent once, the
//! memory answers repeats in later batches; one worker drives the engine
//! on a single-threaded async runtime, the engine's `concurrency` limiting
//! the requests in flight; a dry run counts and writes nothing. Memory is
//! bounded by a part and a batch per worker, not by the documents' sizes.
//!
//! Each document gets an outcome ([`DocOutcome`]), reported to a
//! [`Progress`] as soon as it is known: one failed document (unreadable,
//! not UTF-8, an output that cannot be written) does not stop the others.
//! The outputs are flushed to disk once, when the batch is done and before
//! the driver returns ([`crate::atomic::Flush`]), not once per file: when
//! [`Pipeline::run`] has returned `Ok`, every file it wrote is on disk.
//!
//! # Where flags are made
//!
//! | function | flags |
//! | --- | --- |
//! | [`crate::qa::misspellings`] (from [`Pipeline::process`]) | `suspected-misspelling` |
//! | [`crate::qa::unparsed`] (from [`Pipeline::process`] and [`crate::qa::check_run`]) | `pattern-unparsed` |
//! | [`crate::translate::stage::Mt::translate`] | `mt-failed`, `placeholder-lost`, and `term-missing` / `term-forbidden` on machine targets |
//! | the QA pass, after the targets | [`crate::qa::target_checks`] on every translation; [`crate::qa::term_checks`] on reviewed (`human`) targets in `verify` mode |
//! | [`crate::qa::Checker::check`] (`songngu qa`) | every code of [`crate::qa`] |
//!
//! # Sharing
//!
//! A [`Pipeline`] is `Send + Sync`: build it once and run batches from any
//! number of threads. Everything that depends on the glossary (the
//! matcher, the verifier, the translate stage) sits behind one swappable
//! handle: [`Pipeline::swap_glossary`] replaces it at once, a batch already
//! running finishes with the glossary it started with.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;

use crate::config::{Config, Format, GlossaryMode};
use crate::diagnostic::Severity;
use crate::document::{Document, Flag, FlagCode, Provenance, Segment, SegmentKind};
use crate::error::{Error, Result};
use crate::formats::{self, DocInfo, DocWriter};
use crate::glossary::matcher::Matches;
use crate::glossary::modes::Verifier;
use crate::glossary::{Entry, Glossary, Hit, HitClass, Matcher, modes};
use crate::reader::Input;
use crate::segment::{Part, Parts, Segmenter};
use crate::tm::Tm;
use crate::translate::runner::{Sleeper, TokioSleeper};
use crate::translate::stage::{Mt, MtReport};

/// The smallest `[segment] max_bytes` taken: a smaller value counts as this.
pub const MIN_MAX_BYTES: usize = 64;

/// The configured pipeline: built once, shared across threads, its
/// glossary swappable (see the module documentation).
pub struct Pipeline {
    config: Config,
    batch: BatchSettings,
    /// Reviewed corrections for offline runs (see [`Builder::memory`]).
    memory: Option<Arc<Mutex<Tm>>>,
    clock: Arc<dyn Sleeper>,
    stages: ArcSwap<Stages>,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("batch", &self.batch)
            .field("memory", &self.memory.is_some())
            .field("engine", &self.stages.load().translate.is_some())
            .finish_non_exhaustive()
    }
}

// A long-running process shares one pipeline between threads.
const _: fn() = || {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Pipeline>();
};

/// How a batch is cut up and run: the library's settings, not the
/// command line's (the CLI only sets `jobs` from `--jobs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchSettings {
    /// Documents processed in parallel offline (at least 1).
    pub jobs: usize,
    /// Documents handed to the worker together with an engine: their
    /// segments gather in batches of at most `[segment] max_bytes` of
    /// source, each looked up and sent as one set (identical texts once).
    pub chunk: usize,
    /// Replace outputs changed since songngu wrote them (`--overwrite-edited`);
    /// without it such a document fails and keeps them (see
    /// [`formats::record`]).
    pub overwrite_edited: bool,
}

impl Default for BatchSettings {
    /// One job per available core; chunks of 64 documents.
    fn default() -> BatchSettings {
        BatchSettings {
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            chunk: 64,
            overwrite_edited: false,
        }
    }
}

/// Builds a [`Pipeline`]: [`Pipeline::builder`].
pub struct Builder<'a> {
    config: &'a Config,
    glossary: &'a Glossary,
    batch: BatchSettings,
    memory: Option<Tm>,
    translate: Option<Mt>,
    clock: Arc<dyn Sleeper>,
}

impl Builder<'_> {
    /// An offline run that also takes reviewed corrections (`human`
    /// targets) from `tm`, so a corrected segment keeps its correction
    /// without an engine.
    #[must_use]
    pub fn memory(mut self, tm: Tm) -> Self {
        self.memory = Some(tm);
        self
    }

    /// Machine translation: the translate stage, built for the same
    /// glossary. Its verifier also checks reviewed targets, so the
    /// pipeline builds none of its own.
    #[must_use]
    pub fn translate(mut self, mt: Mt) -> Self {
        self.translate = Some(mt);
        self
    }

    /// Parallelism and chunking ([`BatchSettings::default`] otherwise).
    #[must_use]
    pub fn batch(mut self, batch: BatchSettings) -> Self {
        self.batch = batch;
        self
    }

    /// The clock the engine's retries and rate limit wait on (the real one,
    /// [`TokioSleeper`], otherwise; tests give a virtual one).
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Sleeper>) -> Self {
        self.clock = clock;
        self
    }

    /// The pipeline.
    ///
    /// # Errors
    /// [`Error::Glossary`] when the matcher cannot be built.
    pub fn build(self) -> Result<Pipeline> {
        let memory = self.memory.map(|tm| Arc::new(Mutex::new(tm)));
        let stages = Stages::new(self.config, self.glossary, self.translate, memory.clone())?;
        let mut config = self.config.clone();
        // A format named twice (`jsonl, jsonl`) is written once.
        let mut named = Vec::new();
        config.output.formats.retain(|f| {
            let first = !named.contains(f);
            named.push(*f);
            first
        });
        Ok(Pipeline {
            config,
            batch: self.batch,
            memory,
            clock: self.clock,
            stages: ArcSwap::from_pointee(stages),
        })
    }
}

/// What happened to one document of a batch.
#[derive(Debug)]
pub struct DocOutcome {
    /// The input.
    pub input: PathBuf,
    /// The segments' statistics, or why the document failed.
    pub result: std::result::Result<DocStats, Error>,
}

/// What happened to a batch: each document's outcome in input order, and
/// with an engine what the translate stage did.
#[derive(Debug)]
pub struct BatchOutcome {
    /// One per input, in input order.
    pub documents: Vec<DocOutcome>,
    /// The translate stage's counts, with an engine.
    pub translation: Option<MtReport>,
    /// The lines of the output folder's record that could not be read
    /// ([`formats::record::OutputRecord::warnings`]).
    pub record_warnings: Vec<String>,
}

impl BatchOutcome {
    /// The documents that failed.
    pub fn failed(&self) -> impl Iterator<Item = &DocOutcome> {
        self.documents.iter().filter(|o| o.result.is_err())
    }

    /// Segments the engine left without a target (`mt-failed`).
    pub fn untranslated(&self) -> usize {
        self.translation.as_ref().map_or(0, |r| r.failed)
    }

    /// Every document written and every segment translated.
    pub fn is_complete(&self) -> bool {
        self.failed().next().is_none() && self.untranslated() == 0
    }
}

/// Told about each document of a batch as soon as its outcome is known
/// (from the worker that ran it, so possibly from several threads at
/// once). A closure `Fn(&DocOutcome) + Sync` is one.
pub trait Progress: Sync {
    /// `outcome` is known: the document is written, or failed.
    fn document(&self, outcome: &DocOutcome);
}

impl<F: Fn(&DocOutcome) + Sync> Progress for F {
    fn document(&self, outcome: &DocOutcome) {
        self(outcome);
    }
}

/// A [`Progress`] that hears nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn document(&self, _: &DocOutcome) {}
}

/// Counts for one processed document.
#[derive(Debug, Clone, Default)]
pub struct DocStats {
    /// Input bytes (normalised text).
    pub bytes: usize,
    /// Segments written.
    pub segments: usize,
    /// Glossary hits by class.
    pub hits: BTreeMap<HitClass, usize>,
    /// QA flags by code.
    pub flags: BTreeMap<String, usize>,
    /// Files written.
    pub files: Vec<PathBuf>,
    /// Control characters the reader took out of the input.
    pub cleaned: crate::document::Cleaned,
    /// Segments whose target is a human correction from the memory.
    pub human: usize,
    /// Outputs changed since songngu wrote them that `--overwrite-edited`
    /// replaced: each path and where the changed file was kept.
    pub kept: Vec<(PathBuf, PathBuf)>,
}

impl Pipeline {
    /// An offline pipeline with the default [`BatchSettings`]; see
    /// [`Pipeline::builder`] for the rest.
    ///
    /// # Errors
    /// [`Error::Glossary`] when the matcher cannot be built.
    pub fn new(config: &Config, glossary: &Glossary) -> Result<Pipeline> {
        Pipeline::builder(config, glossary).build()
    }

    /// A pipeline for `config` (languages, segmentation, glossary rules,
    /// output formats) and `glossary`.
    pub fn builder<'a>(config: &'a Config, glossary: &'a Glossary) -> Builder<'a> {
        Builder {
            config,
            glossary,
            batch: BatchSettings::default(),
            memory: None,
            translate: None,
            clock: Arc::new(TokioSleeper),
        }
    }

    /// Replaces the glossary (and with it the matcher and the verifier)
    /// for the batches that start from now on; a batch already running
    /// finishes with the one it started with. With an engine, `translate`
    /// is the translate stage built for the new glossary (its memory keys,
    /// verifier and the engine's own glossary depend on it); `None` makes
    /// the pipeline an offline one.
    ///
    /// # Errors
    /// [`Error::Glossary`] when the matcher cannot be built; the pipeline
    /// then keeps its glossary.
    pub fn swap_glossary(&self, glossary: &Glossary, translate: Option<Mt>) -> Result<()> {
        let stages = Stages::new(&self.config, glossary, translate, self.memory.clone())?;
        self.stages.store(Arc::new(stages));
        Ok(())
    }

    /// The segments of one document (see the module documentation).
    pub fn process(&self, doc: &Document) -> Vec<Segment> {
        self.stages.load().process(doc)
    }

    /// Checks every output of `inputs` before anything is written: inside
    /// `out_dir`, and no two the same file (see [`formats::plan`]).
    /// [`Pipeline::run`] calls it first; call it yourself to fail early.
    ///
    /// # Errors
    /// [`Error::OutsideOutput`] or [`Error::OutputClash`].
    pub fn plan(&self, inputs: &[Input], out_dir: &Path) -> Result<usize> {
        self.stages
            .load()
            .plan(inputs, out_dir, &self.config.output.formats)
    }

    /// Runs the batch: every input through the stages, its outputs written
    /// under `out_dir` in the configured formats (see the module
    /// documentation); `progress` hears of each document as it is done. In
    /// a dry run (an engine planning only) nothing is sent or written.
    ///
    /// # Errors
    /// [`Pipeline::plan`]'s, before anything is read or sent;
    /// [`Error::Tm`] when the memory fails; [`Error::Engine`] when the
    /// async runtime cannot start; [`Error::Io`] when the output folder
    /// cannot be made or the final flush to disk fails. Per-document
    /// failures are outcomes.
    pub fn run(
        &self,
        inputs: &[Input],
        out_dir: &Path,
        progress: &dyn Progress,
    ) -> Result<BatchOutcome> {
        // The glossary this batch runs with, whatever is swapped meanwhile.
        let stages = self.stages.load_full();
        let formats = &self.config.output.formats;
        stages.plan(inputs, out_dir, formats)?;
        let flush = crate::atomic::Flush::new();
        let root = crate::atomic::OutputFolder::new(out_dir)?;
        // One run at a time writes into a folder (its record holds what it wrote).
        let dry_run =
            (stages.translate.as_ref()).is_some_and(|m| m.lock().is_ok_and(|m| m.is_dry_run()));
        let _lock = (!dry_run)
            .then(|| formats::run_lock::RunLock::take(out_dir))
            .transpose()?;
        let record = formats::record::OutputRecord::open(out_dir, self.batch.overwrite_edited)?;
        let translating = stages.translate.is_some();
        let (workers, chunk) = if translating {
            (1, self.batch.chunk.max(1))
        } else {
            (self.batch.jobs.max(1), 1)
        };
        let groups: Vec<&[Input]> = inputs.chunks(chunk).collect();
        let next = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let done: Mutex<Done> = Mutex::new(Done::default());
        std::thread::scope(|scope| {
            for _ in 0..workers.min(groups.len().max(1)) {
                scope.spawn(|| {
                    let worker = || -> Result<()> {
                        let mut folder = root.clone();
                        let rt = translating.then(runtime).transpose()?;
                        let mut ctx = Worker {
                            folder: &mut folder,
                            formats,
                            flush: &flush,
                            record: &record,
                            rt: rt.as_ref(),
                            clock: self.clock.as_ref(),
                        };
                        while !stop.load(Ordering::Relaxed) {
                            let g = next.fetch_add(1, Ordering::Relaxed);
                            let Some(group) = groups.get(g) else { break };
                            let (outcomes, report) = stages.run_group(group, &mut ctx)?;
                            for o in &outcomes {
                                progress.document(o);
                            }
                            done.lock()
                                .expect("no panics while locked")
                                .add(g, outcomes, report);
                        }
                        Ok(())
                    };
                    if let Err(e) = worker() {
                        stop.store(true, Ordering::Relaxed);
                        done.lock()
                            .expect("no panics while locked")
                            .error
                            .get_or_insert(e);
                    }
                });
            }
        });
        let done = done.into_inner().expect("no panics while locked");
        if let Some(e) = done.error {
            return Err(e);
        }
        record.save(&flush)?;
        flush.flush()?;
        record.settle();
        let mut outcome = done.finish(translating);
        outcome.record_warnings = record.warnings();
        Ok(outcome)
    }
}

/// A single-threaded async runtime for the engine's requests.
fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Engine(format!("cannot start the async runtime: {e}")))
}

/// What the workers of a batch have done so far.
#[derive(Default)]
struct Done {
    /// `(group, outcomes)`.
    groups: Vec<(usize, Vec<DocOutcome>)>,
    report: MtReport,
    error: Option<Error>,
}

impl Done {
    fn add(&mut self, group: usize, outcomes: Vec<DocOutcome>, report: Option<MtReport>) {
        self.groups.push((group, outcomes));
        if let Some(r) = report {
            self.report.add(&r);
        }
    }

    fn finish(mut self, translating: bool) -> BatchOutcome {
        self.groups.sort_by_key(|(g, _)| *g);
        BatchOutcome {
            documents: self.groups.into_iter().flat_map(|(_, o)| o).collect(),
            translation: translating.then_some(self.report),
            record_warnings: Vec::new(),
        }
    }
}

/// A worker's tools: where it writes, and its runtime with an engine.
struct Worker<'a> {
    folder: &'a mut crate::atomic::OutputFolder,
    formats: &'a [Format],
    flush: &'a crate::atomic::Flush,
    record: &'a formats::record::OutputRecord,
    rt: Option<&'a tokio::runtime::Runtime>,
    clock: &'a dyn Sleeper,
}

/// A group of documents on its way through the stages (see
/// [`Stages::run_group`]): the documents read but not yet all written, in
/// order, each with its segments waiting for their targets.
struct Batch<'a, 'g> {
    open: Vec<OpenDoc<'a, 'g>>,
    /// Each document's outcome, by its place in the group, once known.
    results: Vec<Option<Result<DocStats>>>,
    targets: Targets<'g>,
    /// The bytes of source waiting for their targets.
    pending: usize,
}

/// One document of a [`Batch`].
struct OpenDoc<'a, 'g> {
    /// Its place in the group.
    at: usize,
    input: &'g Input,
    name: &'a str,
    original: &'a str,
    /// Opened on the first write, finished once the document is all read
    /// and written.
    writer: Option<DocWriter<'a>>,
    stats: DocStats,
    /// Segments waiting for their targets.
    pending: Vec<Segment>,
    /// The number of the next segment.
    seq: usize,
    /// Every part is read.
    read: bool,
}

/// Where a batch's targets come from.
enum Targets<'g> {
    /// Reviewed corrections from the memory, part by part.
    Offline,
    /// The translate stage, a batch at a time.
    Engine {
        mt: std::sync::MutexGuard<'g, Mt>,
        rt: &'g tokio::runtime::Runtime,
        report: MtReport,
    },
}

impl Targets<'_> {
    /// Segments wait for a full batch (with an engine), or go on part by
    /// part (offline).
    fn batches(&self) -> bool {
        matches!(self, Targets::Engine { .. })
    }
}

/// Everything that depends on the glossary, built together and swapped
/// together: the hits' indices point into the matcher's entries, which the
/// verifier and the translate stage read.
struct Stages {
    segmenter: Segmenter,
    matcher: Matcher,
    /// Checks reviewed targets offline; with an engine, the translate
    /// stage's verifier does (one verifier per pipeline).
    verifier: Option<Verifier>,
    replace: bool,
    verify: bool,
    source_lang: String,
    target_lang: String,
    engine: String,
    /// `[segment] max_bytes`.
    max_bytes: usize,
    /// Reviewed corrections for offline runs.
    memory: Option<Arc<Mutex<Tm>>>,
    /// The translate stage, with an engine.
    translate: Option<Mutex<Mt>>,
}

impl Stages {
    fn new(
        config: &Config,
        glossary: &Glossary,
        translate: Option<Mt>,
        memory: Option<Arc<Mutex<Tm>>>,
    ) -> Result<Stages> {
        let matcher = Matcher::new(glossary, config.glossary.case, config.glossary.diacritics)?;
        Ok(Stages {
            segmenter: Segmenter::new(config.segment.unit),
            verifier: translate
                .is_none()
                .then(|| Verifier::new(matcher.entries())),
            matcher,
            replace: config.glossary.modes.contains(&GlossaryMode::Replace),
            verify: config.glossary.modes.contains(&GlossaryMode::Verify),
            source_lang: config.languages.source.clone(),
            target_lang: config.languages.target.clone(),
            engine: config.translate.engine.name().to_owned(),
            max_bytes: config.segment.max_bytes.max(MIN_MAX_BYTES),
            memory,
            translate: translate.map(Mutex::new),
        })
    }

    /// The stages, in order, for one group of documents — the one place
    /// that defines them (see the module documentation): each document is
    /// read a part at a time ([`Stages::read_doc`]: read, segment, ASCII
    /// and glossary), its segments wait in the group's batch, and the batch
    /// goes on ([`Stages::flush`]) to the targets (reviewed corrections
    /// offline, the engine's translation otherwise), the QA pass and the
    /// writers. Offline the batch goes on after every part; with an engine
    /// once it holds `[segment] max_bytes` of source (or the group is all
    /// read), so memory holds a few parts, never a whole document.
    ///
    /// # Errors
    /// [`Error::Tm`] when the memory fails with an engine (the batch
    /// stops); offline it fails the document.
    fn run_group(
        &self,
        group: &[Input],
        ctx: &mut Worker<'_>,
    ) -> Result<(Vec<DocOutcome>, Option<MtReport>)> {
        let targets = match (&self.translate, ctx.rt) {
            (Some(mt), Some(rt)) => Targets::Engine {
                mt: mt.lock().expect("no panics while locked"),
                rt,
                report: MtReport::default(),
            },
            _ => Targets::Offline,
        };
        let names: Vec<(String, String)> = group.iter().map(|i| (i.name(), original(i))).collect();
        let mut batch = Batch {
            open: Vec::new(),
            results: group.iter().map(|_| None).collect(),
            targets,
            pending: 0,
        };
        for (at, (input, (name, original))) in group.iter().zip(&names).enumerate() {
            batch.open.push(OpenDoc {
                at,
                input,
                name,
                original,
                writer: None,
                stats: DocStats::default(),
                pending: Vec::new(),
                seq: 0,
                read: false,
            });
            let read = self.read_doc(input, &mut batch, ctx)?;
            match batch.open.last_mut().filter(|d| d.at == at) {
                // A write failed mid-document: its outcome is in.
                None => {}
                Some(doc) => match read {
                    Ok((bytes, cleaned)) => {
                        doc.stats.bytes = bytes;
                        doc.stats.cleaned = cleaned;
                        doc.read = true;
                    }
                    Err(e) => {
                        let sent: usize = doc.pending.iter().map(|s| s.source.len()).sum();
                        batch.pending -= sent;
                        batch.open.pop();
                        batch.results[at] = Some(Err(e));
                    }
                },
            }
            if !batch.targets.batches() {
                self.flush(&mut batch, ctx)?;
            }
        }
        self.flush(&mut batch, ctx)?;
        let outcomes = group
            .iter()
            .zip(batch.results)
            .map(|(input, result)| DocOutcome {
                input: input.path.clone(),
                result: result.expect("every document of the group is done"),
            })
            .collect();
        let report = match batch.targets {
            Targets::Engine { report, .. } => Some(report),
            Targets::Offline => None,
        };
        Ok((outcomes, report))
    }

    /// The QA pass once targets are in (offline; see [`Stages::check_with`]).
    fn check(&self, segments: &mut [Segment]) {
        if let Some(verifier) = &self.verifier {
            self.check_with(segments, verifier);
        }
    }

    /// The QA pass once targets are in: for every target that is a
    /// translation (not the glossary draft) the checks of
    /// [`crate::qa::target_checks`] (numbers, codes, dates, placeholders,
    /// untranslated text), and for reviewed (`human`) targets in `verify`
    /// mode also the glossary terms ([`crate::qa::term_checks`]; machine
    /// targets were verified by the translate stage).
    fn check_with(&self, segments: &mut [Segment], verifier: &Verifier) {
        for seg in segments {
            if seg.kind == SegmentKind::AsciiCaption {
                continue;
            }
            let (Some(target), Some(origin)) = (seg.target.as_deref(), seg.origin.as_ref()) else {
                continue;
            };
            if origin.is_glossary() || target.trim().is_empty() {
                continue;
            }
            let mut flags = crate::qa::target_checks(seg.kind, &seg.source, target);
            if origin.is_human() && self.verify {
                flags.extend(crate::qa::term_checks(
                    verifier,
                    seg,
                    self.matcher.entries(),
                    target,
                ));
            }
            seg.flags.extend(flags);
        }
    }

    /// Puts reviewed corrections from the memory (offline runs).
    fn corrections(&self, segments: &mut [Segment]) -> Result<()> {
        let Some(tm) = &self.memory else {
            return Ok(());
        };
        let tm = tm.lock().expect("no panics while locked");
        for seg in segments {
            if seg.kind == SegmentKind::AsciiCaption || seg.source.trim().is_empty() {
                continue;
            }
            if let Some(t) = tm.human(&self.source_lang, &self.target_lang, &seg.source)? {
                seg.target = Some(t);
                seg.origin = Some(Provenance::Human);
            }
        }
        Ok(())
    }

    /// See [`Pipeline::process`].
    fn process(&self, doc: &Document) -> Vec<Segment> {
        let mut parts = Parts::new(self.max_bytes);
        parts.buffer().push_str(&doc.text);
        let mut out = Vec::new();
        while let Some(part) = parts.next(&self.segmenter, true) {
            out.extend(self.segments(&doc.name, &part, out.len()));
        }
        out
    }

    /// The segments of one part of a document, numbered from `seq`.
    fn segments(&self, name: &str, part: &Part, seq: usize) -> Vec<Segment> {
        let entries = self.matcher.entries();
        let mut out: Vec<Segment> = part
            .spans
            .iter()
            .zip(seq..)
            .map(|(span, seq)| {
                let source = &part.text[span.start..span.end];
                let Matches { hits, misses } = self.matcher.find(source);
                let ascii = ascii_with_overrides(source, &hits, entries);
                let (target, origin) = if self.replace && span.kind != SegmentKind::AsciiCaption {
                    (
                        Some(modes::replace(source, &hits, entries)),
                        Some(Provenance::Glossary),
                    )
                } else {
                    (None, None)
                };
                let flags = crate::qa::unparsed(source, &misses);
                let mut seg = Segment {
                    id: segment_id(name, seq),
                    doc: name.to_owned(),
                    para: span.para,
                    seq,
                    kind: span.kind,
                    source: source.to_owned(),
                    ascii,
                    target,
                    origin,
                    terms: hits,
                    flags: Vec::new(),
                    span: (part.base + span.start, part.base + span.end),
                };
                // An image-alt line repeats a caption or the headline and is
                // not translated: its terms are shown, not flagged (as `qa`
                // does).
                if seg.kind != SegmentKind::AsciiCaption {
                    seg.flags = crate::qa::misspellings(&seg);
                    seg.flags.extend(flags);
                }
                seg
            })
            .collect();
        let last = out.len().saturating_sub(1);
        let cuts = [
            (part.cut_before, 0, "before", part.base),
            (part.cut_after, last, "after", part.base + part.text.len()),
        ];
        for (cut, i, side, at) in cuts {
            if let (Some(how), Some(seg)) = (cut, out.get_mut(i)) {
                seg.flags.push(Flag {
                    code: FlagCode::SegmentCut,
                    severity: Severity::Warning,
                    message: format!(
                        "paragraph {} is longer than [segment] max_bytes ({} bytes): cut {side} this segment, {}, at byte {at} of the text",
                        seg.para + 1,
                        self.max_bytes,
                        how.describe()
                    ),
                });
            }
        }
        out
    }

    /// See [`Pipeline::plan`].
    fn plan(&self, inputs: &[Input], out_dir: &Path, formats: &[Format]) -> Result<usize> {
        formats::plan(
            out_dir,
            inputs
                .iter()
                .filter(|i| !i.is_unreadable())
                .map(|i| (i.path.as_path(), i.out_stem.as_path())),
            formats,
            &self.source_lang,
            &self.target_lang,
        )
    }

    /// Reads the document opened last in `batch` a part at a time (see
    /// [`Parts`]), each part's segments into the batch, which goes on
    /// ([`Stages::flush`]) whenever it is full. Returns the bytes of text
    /// and what the reader cleaned, or the document's own error (unreadable,
    /// not UTF-8); stops early when a write of the document failed (its
    /// outcome is then in).
    ///
    /// # Errors
    /// [`Stages::flush`]'s.
    fn read_doc<'a>(
        &'a self,
        input: &Input,
        batch: &mut Batch<'a, '_>,
        ctx: &mut Worker<'_>,
    ) -> Result<Result<(usize, crate::document::Cleaned)>> {
        let at = batch.open.len() - 1;
        let at = batch.open[at].at;
        let mut reader = match input.open() {
            Ok(r) => r,
            Err(e) => return Ok(Err(e)),
        };
        let mut parts = Parts::new(self.max_bytes);
        loop {
            let more = match reader.read(parts.buffer()) {
                Ok(more) => more,
                Err(e) => return Ok(Err(e)),
            };
            while let Some(part) = parts.next(&self.segmenter, !more) {
                let Some(doc) = batch.open.last_mut().filter(|d| d.at == at) else {
                    return Ok(Ok((parts.len(), reader.cleaned())));
                };
                let segments = self.segments(doc.name, &part, doc.seq);
                drop(part);
                doc.seq += segments.len();
                if !batch.targets.batches() {
                    doc.pending.extend(segments);
                    self.flush(batch, ctx)?;
                    continue;
                }
                for seg in segments {
                    let bytes = seg.source.len();
                    if batch.pending > 0 && batch.pending + bytes > self.max_bytes {
                        self.flush(batch, ctx)?;
                    }
                    let Some(doc) = batch.open.last_mut().filter(|d| d.at == at) else {
                        break;
                    };
                    doc.pending.push(seg);
                    batch.pending += bytes;
                }
            }
            if !more {
                break;
            }
        }
        Ok(Ok((parts.len(), reader.cleaned())))
    }

    /// The rest of the stages for the batch's waiting segments, all
    /// documents together: the targets, the QA pass, then each document's
    /// segments written to its writer (opened on its first write, kept
    /// open across batches); a document all read is finished and its
    /// outcome put in. In a dry run nothing is written, the segments are
    /// only counted.
    ///
    /// # Errors
    /// [`Error::Tm`] when the memory fails with an engine.
    fn flush<'a>(&'a self, batch: &mut Batch<'a, '_>, ctx: &mut Worker<'_>) -> Result<()> {
        let counts: Vec<usize> = batch.open.iter().map(|d| d.pending.len()).collect();
        let mut all: Vec<Segment> = batch
            .open
            .iter_mut()
            .flat_map(|d| std::mem::take(&mut d.pending))
            .collect();
        batch.pending = 0;
        let mut failed = None;
        let dry_run = match &mut batch.targets {
            Targets::Offline => {
                match self.corrections(&mut all) {
                    Ok(()) => self.check(&mut all),
                    Err(e) => failed = Some(e),
                }
                false
            }
            Targets::Engine { mt, rt, report } => {
                let r = rt.block_on(mt.translate(&mut all, self.matcher.entries(), ctx.clock))?;
                report.add(&r);
                self.check_with(&mut all, mt.verifier());
                mt.is_dry_run()
            }
        };
        // Offline the batch is one part of one document: a failed lookup
        // of corrections fails that document.
        if let (Some(e), Some(doc)) = (failed, batch.open.last_mut()) {
            doc.writer = None;
            batch.results[doc.at] = Some(Err(e));
            batch.open.pop();
            return Ok(());
        }
        let mut all = all.into_iter();
        let mut still = Vec::with_capacity(batch.open.len());
        for (mut doc, n) in batch.open.drain(..).zip(counts) {
            let segments: Vec<Segment> = all.by_ref().take(n).collect();
            let written = if dry_run {
                doc.stats.segments += segments.len();
                Ok(())
            } else if segments.is_empty() && doc.read {
                // Only to finish: open the writer of a document with no part.
                self.writer(&mut doc, ctx).map(|_| ())
            } else {
                self.write(&mut doc, &segments, ctx)
            };
            match written {
                Err(e) => batch.results[doc.at] = Some(Err(e)),
                Ok(()) if !doc.read => still.push(doc),
                Ok(()) => {
                    let mut stats = doc.stats;
                    let files = doc
                        .writer
                        .map(|w| w.finish(Some(ctx.flush), Some(ctx.record)));
                    batch.results[doc.at] = Some(match files {
                        Some(Err(e)) => Err(e),
                        Some(Ok(written)) => {
                            stats.files = written.files;
                            stats.kept = written.kept;
                            Ok(stats)
                        }
                        None => Ok(stats),
                    });
                }
            }
        }
        batch.open = still;
        Ok(())
    }

    /// Writes `segments` of `doc` and counts them.
    fn write<'a>(
        &'a self,
        doc: &mut OpenDoc<'a, '_>,
        segments: &[Segment],
        ctx: &mut Worker<'_>,
    ) -> Result<()> {
        self.writer(doc, ctx)?.write(segments)?;
        doc.stats.add(segments);
        Ok(())
    }

    /// The writer of `doc`, opened on first use.
    fn writer<'a, 'd>(
        &'a self,
        doc: &'d mut OpenDoc<'a, '_>,
        ctx: &mut Worker<'_>,
    ) -> Result<&'d mut DocWriter<'a>> {
        if doc.writer.is_none() {
            let w = self.doc_writer(doc.input, doc.name, doc.original, ctx.folder, ctx.formats)?;
            doc.writer = Some(w);
        }
        Ok(doc.writer.as_mut().expect("opened above"))
    }

    fn doc_writer<'a>(
        &'a self,
        input: &Input,
        name: &'a str,
        original: &'a str,
        folder: &mut crate::atomic::OutputFolder,
        formats: &[Format],
    ) -> Result<DocWriter<'a>> {
        let info = DocInfo {
            name,
            source_lang: &self.source_lang,
            target_lang: &self.target_lang,
            original,
            entries: self.matcher.entries(),
            engine: &self.engine,
            spill: None,
        };
        DocWriter::new(folder, &input.out_stem, formats, info)
    }
}

/// `NAME:0004`: the document name and the segment number, four digits at
/// least (as `format!("{name}:{seq:04}")`, without `fmt`'s machinery).
fn segment_id(name: &str, seq: usize) -> String {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(seq);
    let zeros = 4usize.saturating_sub(digits.len());
    let mut id = String::with_capacity(name.len() + 1 + zeros + digits.len());
    id.push_str(name);
    id.push(':');
    id.extend(std::iter::repeat_n('0', zeros));
    id.push_str(digits);
    id
}

/// The input's name as given (`stdin` for stdin).
fn original(input: &Input) -> String {
    if input.is_stdin() {
        "stdin".to_owned()
    } else {
        input.path.display().to_string()
    }
}

impl DocStats {
    /// Counts `segments` in.
    fn add(&mut self, segments: &[Segment]) {
        self.segments += segments.len();
        for s in segments {
            if s.origin.as_ref().is_some_and(Provenance::is_human) {
                self.human += 1;
            }
            for h in &s.terms {
                *self.hits.entry(h.class).or_default() += 1;
            }
            for f in &s.flags {
                *self.flags.entry(f.code.to_string()).or_default() += 1;
            }
        }
    }
}

/// The ASCII form of `source`, with the glossary's `ascii` overrides applied
/// on confident hits of entries that have one.
fn ascii_with_overrides(source: &str, hits: &[Hit], entries: &[Entry]) -> String {
    let overrides: Vec<(&Hit, &str)> = hits
        .iter()
        .filter(|h| h.class.is_confident())
        .filter_map(|h| entries[h.index].ascii.as_deref().map(|a| (h, a)))
        .collect();
    if overrides.is_empty() {
        return crate::transliterate::to_ascii(source);
    }
    let mut out = String::with_capacity(source.len());
    let mut last = 0;
    for (h, a) in overrides {
        out.push_str(&crate::transliterate::to_ascii(&source[last..h.start]));
        out.push_str(a);
        last = h.end;
    }
    out.push_str(&crate::transliterate::to_ascii(&source[last..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::decode;

    fn pipeline(modes: &[GlossaryMode]) -> Pipeline {
        let mut config = Config::default();
        config.glossary.modes = modes.to_vec();
        let mut ct = Entry::term("Chỉ thị", "Directive");
        ct.suspect = vec!["Chỉ thi".into()];
        let mut hn = Entry::term("Hà Nội", "Hanoi");
        hn.ascii = Some("HA NOI".into());
        let mut p = Entry::term("Kết luận số {code}", "Conclusion No. {code}");
        p.kind = crate::glossary::EntryKind::Pattern;
        p.slots = vec![("code".into(), crate::glossary::SlotType::Docnum)];
        let g = Glossary {
            entries: vec![Entry::term("Ban Bí thư", "Secretariat"), ct, hn, p],
            files: Vec::new(),
        };
        Pipeline::new(&config, &g).unwrap()
    }

    fn glossary_of(entries: Vec<Entry>) -> Glossary {
        Glossary {
            entries,
            files: Vec::new(),
        }
    }

    /// A replace-mode pipeline writing JSONL with a glossary of `terms`,
    /// and one document in `dir` to run.
    fn replace_run(dir: &Path, terms: &[(&str, &str)]) -> (Pipeline, Vec<Input>) {
        let mut config = Config::default();
        config.glossary.modes = vec![GlossaryMode::Replace];
        config.output.formats = vec![Format::Jsonl];
        let file = dir.join("bai.txt");
        std::fs::write(&file, "Ban Bí thư họp tại Hà Nội.\n").unwrap();
        let inputs = crate::reader::collect_inputs(&[file]).unwrap();
        let entries = terms.iter().map(|(s, t)| Entry::term(s, t)).collect();
        (
            Pipeline::new(&config, &glossary_of(entries)).unwrap(),
            inputs,
        )
    }

    #[test]
    fn the_plan_refuses_a_file_as_output_folder_and_names_equal_up_to_case() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bai.txt");
        std::fs::write(&file, "Ban Bí thư họp.\n").unwrap();
        let inputs = crate::reader::collect_inputs(std::slice::from_ref(&file)).unwrap();
        let mut config = Config::default();
        // A format named twice is written once (no clash with itself).
        config.output.formats = vec![Format::Jsonl, Format::Txt, Format::Jsonl];
        let glossary = glossary_of(Vec::new());
        let pipeline = Pipeline::new(&config, &glossary).unwrap();
        let out = dir.path().join("out");
        assert!(
            pipeline
                .run(&inputs, &out, &NoProgress)
                .unwrap()
                .is_complete()
        );
        let mut names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                ".songngu-written",
                "bai.ascii.txt",
                "bai.en.txt",
                "bai.jsonl",
                "bai.vi.txt"
            ]
        );
        // `-o` naming a file: one error before anything is written.
        let err = pipeline.plan(&inputs, &file).unwrap_err();
        assert!(matches!(err, Error::OutputDirIsFile { .. }), "{err}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "Ban Bí thư họp.\n");
        // `NAME.vi.txt` and `NAME.VI.txt` are one file where case does not count.
        for target in ["VI", "ASCII"] {
            config.languages.target = target.into();
            let pipeline = Pipeline::new(&config, &glossary).unwrap();
            let out = dir.path().join(format!("out-{target}"));
            let err = pipeline.run(&inputs, &out, &NoProgress).unwrap_err();
            assert!(
                matches!(err, Error::OutputNamesDifferInCase { .. }),
                "{err}"
            );
            assert!(!out.exists());
        }
    }

    #[test]
    fn a_swapped_glossary_serves_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let (pipeline, inputs) = replace_run(dir.path(), &[("Ban Bí thư", "Secretariat")]);
        let out = dir.path().join("out");
        let jsonl = out.join("bai.jsonl");
        let first = pipeline.run(&inputs, &out, &NoProgress).unwrap();
        assert!(first.is_complete());
        let text = std::fs::read_to_string(&jsonl).unwrap();
        assert!(text.contains("Secretariat họp tại Hà Nội."), "{text}");

        pipeline
            .swap_glossary(
                &glossary_of(vec![
                    Entry::term("Ban Bí thư", "Secretariat"),
                    Entry::term("Hà Nội", "Hanoi"),
                ]),
                None,
            )
            .unwrap();
        let second = pipeline.run(&inputs, &out, &NoProgress).unwrap();
        let text = std::fs::read_to_string(&jsonl).unwrap();
        assert!(text.contains("Secretariat họp tại Hanoi."), "{text}");
        let stats = second.documents[0].result.as_ref().unwrap();
        assert_eq!(stats.hits.values().sum::<usize>(), 2, "{stats:?}");
        let doc = inputs[0].read().unwrap();
        assert_eq!(pipeline.process(&doc)[0].terms.len(), 2);
    }

    #[test]
    fn one_pipeline_runs_batches_from_several_threads() {
        let dir = tempfile::tempdir().unwrap();
        let (pipeline, inputs) = replace_run(dir.path(), &[("Hà Nội", "Hanoi")]);
        let heard = AtomicUsize::new(0);
        let progress = |o: &DocOutcome| {
            assert!(o.result.is_ok(), "{o:?}");
            heard.fetch_add(1, Ordering::Relaxed);
        };
        std::thread::scope(|scope| {
            for t in 0..3 {
                let (pipeline, inputs, progress) = (&pipeline, &inputs, &progress);
                let out = dir.path().join(format!("out{t}"));
                scope.spawn(move || {
                    let outcome = pipeline.run(inputs, &out, progress).unwrap();
                    assert!(outcome.is_complete());
                    let text = std::fs::read_to_string(out.join("bai.jsonl")).unwrap();
                    assert!(text.contains("Ban Bí thư họp tại Hanoi."), "{text}");
                });
            }
        });
        assert_eq!(heard.into_inner(), 3);
    }

    #[test]
    fn the_driver_keeps_input_order_and_reports_every_document() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for i in 0..7 {
            let file = dir.path().join(format!("d{i}.txt"));
            let bytes: &[u8] = if i == 4 {
                b"h\xffng"
            } else {
                "Hà Nội.\n".as_bytes()
            };
            std::fs::write(&file, bytes).unwrap();
            files.push(file);
        }
        let inputs = crate::reader::collect_inputs(&files).unwrap();
        let mut config = Config::default();
        config.output.formats = vec![Format::Jsonl];
        let pipeline = Pipeline::builder(&config, &glossary_of(Vec::new()))
            .batch(BatchSettings {
                jobs: 3,
                chunk: 2,
                overwrite_edited: false,
            })
            .build()
            .unwrap();
        let heard = Mutex::new(Vec::new());
        let progress = |o: &DocOutcome| heard.lock().unwrap().push(o.input.clone());
        let outcome = pipeline
            .run(&inputs, &dir.path().join("out"), &progress)
            .unwrap();
        let order: Vec<&PathBuf> = outcome.documents.iter().map(|o| &o.input).collect();
        assert_eq!(order, files.iter().collect::<Vec<_>>());
        let mut heard = heard.into_inner().unwrap();
        heard.sort();
        assert_eq!(heard, files);
        let failed: Vec<&PathBuf> = outcome.failed().map(|o| &o.input).collect();
        let why: Vec<String> = outcome
            .failed()
            .map(|o| format!("{:?}", o.result))
            .collect();
        assert_eq!(failed, [&files[4]], "{why:?}");
        assert!(matches!(
            outcome.documents[4].result,
            Err(Error::InvalidUtf8 { offset: 1, .. })
        ));
        assert!(!outcome.is_complete());
        assert_eq!(
            (outcome.untranslated(), outcome.translation.is_none()),
            (0, true)
        );
    }

    #[test]
    fn a_batch_with_untranslated_segments_is_not_complete() {
        let outcome = BatchOutcome {
            documents: Vec::new(),
            translation: Some(MtReport {
                failed: 2,
                ..MtReport::default()
            }),
            record_warnings: Vec::new(),
        };
        assert_eq!(outcome.untranslated(), 2);
        assert!(!outcome.is_complete());
    }

    #[test]
    fn segment_ids_are_the_name_and_four_digits_at_least() {
        for seq in [0, 7, 42, 999, 1000, 9999, 10_000, 123_456, usize::MAX] {
            for name in ["bai", "", "Bài báo:1"] {
                assert_eq!(super::segment_id(name, seq), format!("{name}:{seq:04}"));
            }
        }
    }

    #[test]
    fn segments_carry_terms_ascii_flags_and_draft() {
        let doc = decode(
            "Ban Bi thu hop hinh anh 1Ban Bí thư họp tại Hà Nội. (Ảnh: TTXVN)\n\nChị thị mới và Kết luận số 44 KL.\n".as_bytes(),
            "bai",
            Path::new("bai.txt"),
        )
        .unwrap();
        let segs = pipeline(&[GlossaryMode::Annotate, GlossaryMode::Replace]).process(&doc);
        let kinds: Vec<_> = segs.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [
                SegmentKind::AsciiCaption,
                SegmentKind::Caption,
                SegmentKind::Caption,
                SegmentKind::Text
            ]
        );
        assert_eq!(segs[0].id, "bai:0000");
        assert_eq!(segs[0].target, None, "ASCII captions are not translated");
        assert_eq!(segs[0].terms[0].class, HitClass::AsciiSpan);
        assert_eq!(
            segs[0].flags,
            [],
            "image-alt lines are not flagged (as in qa)"
        );
        assert_eq!(segs[1].ascii, "Ban Bi thu hop tai HA NOI.");
        assert_eq!(
            segs[1].target.as_deref(),
            Some("Secretariat họp tại Hanoi.")
        );
        assert_eq!(segs[1].origin, Some(Provenance::Glossary));
        let codes: Vec<&str> = segs[3].flags.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["suspected-misspelling", "pattern-unparsed"]);
        for s in &segs {
            assert_eq!(&doc.text[s.span.0..s.span.1], s.source);
            for h in &s.terms {
                assert!(s.source.get(h.start..h.end).is_some());
            }
        }
        // Without replace: no target.
        let segs = pipeline(&[GlossaryMode::Annotate]).process(&doc);
        assert!(
            segs.iter()
                .all(|s| s.target.is_none() && s.origin.is_none())
        );
    }

    /// Runs `files` (name, bytes) through the scripted engine (one request
    /// per batch: no limit on segments or characters) with `[segment]
    /// max_bytes` = `max_bytes`, writing JSONL to `dir/out`; returns the
    /// texts of every request and the outcome.
    fn engine_run(
        dir: &Path,
        files: &[(&str, &[u8])],
        max_bytes: usize,
    ) -> (Vec<Vec<String>>, BatchOutcome) {
        use crate::translate::AnyEngine;
        use crate::translate::scripted::Scripted;
        use crate::translate::settings::MtSettings;
        let mut config = Config::default();
        config.segment.max_bytes = max_bytes;
        config.output.formats = vec![Format::Jsonl];
        let paths: Vec<PathBuf> = files
            .iter()
            .map(|(name, bytes)| {
                let file = dir.join(name);
                std::fs::write(&file, bytes).unwrap();
                file
            })
            .collect();
        let inputs = crate::reader::collect_inputs(&paths).unwrap();
        let glossary = glossary_of(vec![Entry::term("Hà Nội", "Hanoi")]);
        let mut engine = Scripted::new(Vec::new(), usize::MAX);
        engine.limits.max_chars = usize::MAX;
        let seen = engine.seen.clone();
        let settings = MtSettings {
            from: "vi".into(),
            to: "en".into(),
            protect: false,
            verify: false,
            max_retries: 0,
            requests_per_second: None,
        };
        let tm = Tm::open(&dir.join("tm.sqlite")).unwrap();
        let mt = Mt::with_settings(settings, &glossary, AnyEngine::new(engine), tm);
        let p = Pipeline::builder(&config, &glossary)
            .translate(mt)
            .build()
            .unwrap();
        let outcome = p.run(&inputs, &dir.join("out"), &NoProgress).unwrap();
        let seen = seen.lock().unwrap().clone();
        (seen, outcome)
    }

    fn paragraphs(n: usize) -> String {
        (0..n)
            .map(|i| format!("Đoạn số {i} nói về Hà Nội và các tỉnh.\n\n"))
            .collect()
    }

    #[test]
    fn the_engine_path_translates_a_long_document_in_batches_of_max_bytes() {
        let text = paragraphs(80);
        let (small, big) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let max = 256;
        let (batches, outcome) = engine_run(small.path(), &[("bai.txt", text.as_bytes())], max);
        assert!(outcome.is_complete());
        let (whole, outcome) = engine_run(big.path(), &[("bai.txt", text.as_bytes())], 1 << 20);
        assert!(outcome.is_complete());
        assert_eq!(whole.len(), 1, "a large bound sends the document at once");
        assert_eq!(whole[0].len(), 80);
        assert!(batches.len() >= 10, "{} batches", batches.len());
        for b in &batches {
            let bytes: usize = b.iter().map(String::len).sum();
            assert!(bytes <= max, "a batch of {bytes} bytes > {max}");
        }
        assert_eq!(batches.concat(), whole[0], "every text once, in order");
        let jsonl = |dir: &Path| std::fs::read_to_string(dir.join("out/bai.jsonl")).unwrap();
        assert_eq!(jsonl(small.path()), jsonl(big.path()));
        assert_eq!(jsonl(small.path()).lines().count(), 80);
    }

    #[test]
    fn with_an_engine_a_document_failing_after_batches_were_written_fails_alone() {
        let dir = tempfile::tempdir().unwrap();
        // Invalid UTF-8 well after the first reader block: batches of it
        // were translated and written before the error.
        let mut bad = paragraphs(8000).into_bytes();
        assert!(bad.len() > crate::reader::TextReader::BLOCK);
        bad.extend_from_slice(b"\xff\xfe\n");
        let good = paragraphs(3);
        let files: [(&str, &[u8]); 3] = [
            ("a.txt", good.as_bytes()),
            ("b.txt", &bad),
            ("c.txt", good.as_bytes()),
        ];
        let (batches, outcome) = engine_run(dir.path(), &files, 4096);
        assert!(batches.len() > 2, "{} batches", batches.len());
        let ok: Vec<bool> = outcome.documents.iter().map(|d| d.result.is_ok()).collect();
        assert_eq!(ok, [true, false, true]);
        let out = dir.path().join("out");
        let mut names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [".songngu-written", "a.jsonl", "c.jsonl"],
            "nothing left of b"
        );
        let c = std::fs::read_to_string(out.join("c.jsonl")).unwrap();
        assert_eq!(c.lines().count(), 3);
    }
}
