//! The translate stage of a run: memory first, then the engine, then
//! glossary enforcement and checks, segment by segment.
//!
//! Contract of [`Mt::translate`]: **expects** processed segments (with
//! their glossary hits); **fills** each translatable segment's `target` and
//! `origin` — `human` (a reviewed correction), `tm` (the memory already had
//! this engine's translation of this exact text under this glossary), or
//! `engine:NAME` — or leaves it empty with an `mt-failed` error flag.
//! ASCII captions are never sent. Identical texts are sent once. In
//! `protect` mode terms travel as placeholders and come back as their
//! approved targets; a segment whose placeholders do not all come back
//! exactly once is translated again unprotected and flagged
//! `placeholder-lost`. In `verify` mode every machine target is checked:
//! `term-missing` and `term-forbidden` flags. With `dry_run` nothing is
//! sent and nothing is filled: the report says what would be sent.
//!
//! The re-sends (placeholders lost; targets failing the check, sent again
//! protected) go out in the same pipeline as the first pass: as each batch
//! comes back, while the others are in flight. Every batch is committed to
//! the memory by its writer thread, and a reply counts as done only once
//! its batch is stored.

use std::cell::RefCell;
use std::collections::HashMap;

use super::protect::{Protected, protect, restore};
use super::runner::{Job, Outcome, Runner, Sleeper};
use super::{AnyEngine, Engine};
use crate::document::{Flag, FlagCode, Provenance, Segment, SegmentKind};
use crate::error::Result;
use crate::glossary::modes::Verifier;
use crate::glossary::{Entry, Severity};
use crate::tm::{MachineRow, Tm, TmWriter};

/// Everything a translated run needs, built once.
pub struct Mt {
    /// The engine.
    pub engine: AnyEngine,
    /// The translation memory.
    pub tm: Tm,
    /// Checks targets against the glossary.
    pub verifier: Verifier,
    /// [`crate::glossary::Glossary::content_hash`].
    pub glossary_hash: String,
    /// Protect terms with placeholders.
    pub protect: bool,
    /// Check targets for approved and forbidden terms.
    pub verify: bool,
    /// Count, send nothing.
    pub dry_run: bool,
    /// Retries per request.
    pub max_retries: u32,
    /// Requests started per second at most.
    pub requests_per_second: Option<f64>,
    /// Source and target languages.
    pub from: String,
    /// Target language.
    pub to: String,
}

/// What the stage did, for the summary.
#[derive(Debug, Default, Clone)]
pub struct MtReport {
    /// Segments that needed a target.
    pub segments: usize,
    /// Targets from human corrections.
    pub human: usize,
    /// Targets from the memory.
    pub memory: usize,
    /// Distinct texts that reached the engine this run (that would be
    /// sent, in a dry run); re-sends with terms protected not included.
    pub sent: usize,
    /// HTTP requests that reached the server (planned, in a dry run).
    pub requests: usize,
    /// Retried requests.
    pub retries: usize,
    /// Billable characters: those of the requests the engine answered
    /// successfully (planned, in a dry run).
    pub chars: usize,
    /// Characters of every request that reached the server, retries and
    /// failed requests included (planned, in a dry run).
    pub chars_sent: usize,
    /// Segments left without a target.
    pub failed: usize,
    /// Segments with glossary terms, and those with every term right.
    pub term_segments: usize,
    /// See `term_segments`.
    pub term_compliant: usize,
    /// Segments sent again with their terms protected because the first
    /// target failed the glossary check, and those it fixed.
    pub enforced: usize,
    /// See `enforced`.
    pub enforced_fixed: usize,
    /// Tokens (prompt + completion) for engines billed by the token; an
    /// estimate in a dry run.
    pub tokens: u64,
    /// Why the engine stopped the run (quota used up, key refused, server
    /// unreachable), in words for the closing line.
    pub stopped: Option<String>,
}

impl MtReport {
    /// Adds another report's counts.
    pub fn add(&mut self, o: &MtReport) {
        self.segments += o.segments;
        self.human += o.human;
        self.memory += o.memory;
        self.sent += o.sent;
        self.requests += o.requests;
        self.retries += o.retries;
        self.chars += o.chars;
        self.chars_sent += o.chars_sent;
        self.failed += o.failed;
        self.term_segments += o.term_segments;
        self.term_compliant += o.term_compliant;
        self.enforced += o.enforced;
        self.enforced_fixed += o.enforced_fixed;
        self.tokens += o.tokens;
        if self.stopped.is_none() {
            self.stopped.clone_from(&o.stopped);
        }
    }
}

/// How one segment will get its target.
enum Plan {
    Done,
    Job {
        job: usize,
        protected: Option<Protected>,
    },
}

impl Mt {
    fn key(&self, sent: &str, protected: bool) -> String {
        memory_key(
            &self.engine,
            &self.from,
            &self.to,
            &self.glossary_hash,
            sent,
            protected,
        )
    }

    /// Translates `segs` in place (see the module documentation).
    ///
    /// # Errors
    /// [`crate::Error::Tm`] when the memory cannot be read or written.
    pub async fn translate(
        &mut self,
        segs: &mut [Segment],
        entries: &[Entry],
        sleeper: &dyn Sleeper,
    ) -> Result<MtReport> {
        let mut report = MtReport::default();
        let mut jobs: Vec<Job> = Vec::new();
        let mut job_of: HashMap<String, usize> = HashMap::new();
        let mut plans: Vec<Plan> = Vec::with_capacity(segs.len());
        // The memory key of the row each segment's machine target comes from.
        let mut chosen: Vec<Option<String>> = vec![None; segs.len()];
        // The real source of each job (what the memory's export shows).
        let mut job_sources: Vec<String> = Vec::new();
        let engine_origin = Provenance::Engine(self.engine.name().to_owned());
        let mode = self.engine.tag_mode();
        for (i, seg) in segs.iter_mut().enumerate() {
            if seg.kind == SegmentKind::AsciiCaption || seg.source.trim().is_empty() {
                plans.push(Plan::Done);
                continue;
            }
            report.segments += 1;
            if let Some(t) = self.tm.human(&self.from, &self.to, &seg.source)? {
                seg.target = Some(t);
                seg.origin = Some(Provenance::Human);
                report.human += 1;
                plans.push(Plan::Done);
                continue;
            }
            let protected = self
                .protect
                .then(|| protect(&seg.source, &seg.terms, entries, mode))
                .filter(|p| !p.slots.is_empty());
            let sent = protected
                .as_ref()
                .map_or(seg.source.as_str(), |p| p.text.as_str())
                .to_owned();
            let key = self.key(&sent, protected.is_some());
            if let Some(raw) = self.tm.machine(&key)? {
                let restored = match &protected {
                    Some(p) => restore(&raw, p).ok(),
                    None => Some(raw),
                };
                if let Some(t) = restored {
                    seg.target = Some(t);
                    seg.origin = Some(Provenance::Tm);
                    chosen[i] = Some(key);
                    report.memory += 1;
                    plans.push(Plan::Done);
                    continue;
                }
            }
            let job = *job_of.entry(key.clone()).or_insert_with(|| {
                jobs.push(Job { key, text: sent });
                job_sources.push(seg.source.clone());
                jobs.len() - 1
            });
            plans.push(Plan::Job { job, protected });
        }

        let runner = Runner::new(
            &self.engine,
            sleeper,
            self.max_retries,
            &self.from,
            &self.to,
        )
        .with_rate(self.requests_per_second);
        if self.dry_run {
            let plan = runner.plan(&jobs);
            report.sent = jobs.len();
            report.requests = plan.len();
            report.chars = jobs.iter().map(|j| j.text.chars().count()).sum();
            report.chars_sent = report.chars;
            if self.engine.billed_by_tokens() {
                report.tokens = plan
                    .iter()
                    .map(|r| {
                        let texts: Vec<String> =
                            jobs[r.clone()].iter().map(|j| j.text.clone()).collect();
                        super::openai::estimate_tokens(&texts) as u64
                    })
                    .sum();
            }
            return Ok(report);
        }
        let tokens_before = self.engine.tokens().map_or(0, |(p, c)| p + c);
        // Every outcome this run got, by memory key, and the memory's writer
        // (started when something is to be sent).
        let mut got: HashMap<String, Outcome> = HashMap::new();
        let mut writer: Option<TmWriter> = None;
        if !jobs.is_empty() {
            // One pipeline: as each batch comes back, the segments whose
            // placeholders were lost and (in verify mode) those whose target
            // fails the glossary check are sent again at once, while the
            // other batches are in flight. The passes below then find those
            // outcomes here and send only what this missed.
            let mut segs_of: Vec<Vec<usize>> = vec![Vec::new(); jobs.len()];
            for (i, plan) in plans.iter().enumerate() {
                if let Plan::Job { job, .. } = plan {
                    segs_of[*job].push(i);
                }
            }
            let sources: HashMap<String, String> = jobs
                .iter()
                .zip(&job_sources)
                .map(|(j, s)| (j.key.clone(), s.clone()))
                .collect();
            let this = &*self;
            let segs_now = &*segs;
            let follow_up = |done: &[(usize, Outcome)]| {
                let mut next = Vec::new();
                for (j, o) in done {
                    let (Some(ids), Outcome::Translated(raw)) = (segs_of.get(*j), o) else {
                        continue;
                    };
                    for &i in ids {
                        if let Some(job) = this.follow_up(&segs_now[i], &plans[i], raw, entries) {
                            next.push((job, segs_now[i].source.clone()));
                        }
                    }
                }
                next
            };
            let w = writer.insert(self.tm.writer()?);
            got = send(w, &runner, jobs.clone(), sources, follow_up).await?;
        }
        let mut fetcher = Fetcher {
            tm: &self.tm,
            writer: &mut writer,
            runner: &runner,
            got: &mut got,
        };
        let outcomes = fetcher.fetch(&jobs, &job_sources).await?;
        report.sent = jobs.iter().filter(|j| runner.was_sent(&j.key)).count();

        // Placeholders that did not survive: the same segments again, unprotected.
        let mut retry_jobs: Vec<Job> = Vec::new();
        let mut retry_of: HashMap<usize, usize> = HashMap::new();
        for (i, plan) in plans.iter().enumerate() {
            let Plan::Job {
                job,
                protected: Some(p),
            } = plan
            else {
                continue;
            };
            if let Outcome::Translated(raw) = &outcomes[*job]
                && restore(raw, p).is_err()
            {
                let key = self.key(&segs[i].source, false);
                if let Some(raw) = self.tm.machine(&key)? {
                    retry_of.insert(i, usize::MAX);
                    segs[i].target = Some(raw);
                    chosen[i] = Some(key);
                    continue;
                }
                retry_jobs.push(Job {
                    key,
                    text: segs[i].source.clone(),
                });
                retry_of.insert(i, retry_jobs.len() - 1);
            }
        }
        let retry_outcomes = if retry_jobs.is_empty() {
            Vec::new()
        } else {
            let sources: Vec<String> = retry_jobs.iter().map(|j| j.text.clone()).collect();
            fetcher.fetch(&retry_jobs, &sources).await?
        };

        for (i, plan) in plans.iter().enumerate() {
            let Plan::Job { job, protected } = plan else {
                continue;
            };
            let seg = &mut segs[i];
            let result = match (&outcomes[*job], protected, retry_of.get(&i)) {
                (Outcome::Translated(raw), None, _) => Ok(raw.clone()),
                (Outcome::Translated(raw), Some(p), None) => {
                    restore(raw, p).map_err(|e| e.to_string())
                }
                (Outcome::Translated(_), Some(p), Some(&r)) => {
                    let why = restore(
                        match &outcomes[*job] {
                            Outcome::Translated(raw) => raw,
                            Outcome::Failed(_) => "",
                        },
                        p,
                    )
                    .err()
                    .unwrap_or_default();
                    seg.flags.push(Flag {
                        code: FlagCode::PlaceholderLost,
                        severity: Severity::Warning,
                        message: format!("{why}; translated again without protecting the terms"),
                    });
                    if r == usize::MAX {
                        Ok(seg.target.clone().unwrap_or_default())
                    } else {
                        match &retry_outcomes[r] {
                            Outcome::Translated(t) => Ok(t.clone()),
                            Outcome::Failed(why) => Err(why.clone()),
                        }
                    }
                }
                (Outcome::Failed(why), _, _) => Err(why.clone()),
            };
            let result = result.and_then(|t| {
                if t.trim().is_empty() {
                    Err("the engine returned an empty translation".to_owned())
                } else {
                    Ok(t)
                }
            });
            match result {
                Ok(t) => {
                    match retry_of.get(&i) {
                        Some(&usize::MAX) => {}
                        Some(&r) => chosen[i] = Some(retry_jobs[r].key.clone()),
                        None => chosen[i] = Some(jobs[*job].key.clone()),
                    }
                    seg.target = Some(t);
                    seg.origin = Some(engine_origin.clone());
                }
                Err(why) => {
                    chosen[i] = None;
                    seg.target = None;
                    seg.origin = None;
                    report.failed += 1;
                    seg.flags.push(Flag {
                        code: FlagCode::MtFailed,
                        severity: Severity::Error,
                        message: why,
                    });
                }
            }
        }
        // Verify every machine target; a segment whose approved term is
        // missing or whose forbidden rendering is there is translated once
        // more with its terms protected by placeholders, then flagged if it
        // still fails.
        let machine = |seg: &Segment| seg.origin.as_ref().is_some_and(Provenance::is_machine);
        let mut findings: Vec<Option<Vec<Flag>>> = vec![None; segs.len()];
        let mut superseded: Vec<String> = Vec::new();
        if self.verify {
            for (i, seg) in segs.iter().enumerate() {
                if let (true, Some(t)) = (machine(seg), &seg.target) {
                    findings[i] = Some(check(&self.verifier, seg, entries, t));
                }
            }
            let (engine, from, to, hash) =
                (&self.engine, &self.from, &self.to, &self.glossary_hash);
            let key = |sent: &str| memory_key(engine, from, to, hash, sent, true);
            enforce(
                Enforce {
                    verifier: &self.verifier,
                    key: &key,
                    mode,
                    fetcher: &mut fetcher,
                },
                segs,
                &plans,
                &mut findings,
                Choices {
                    chosen: &mut chosen,
                    superseded: &mut superseded,
                },
                entries,
                &mut report,
            )
            .await?;
        }
        // Every batch is stored (each commit resolved before its outcome
        // counted); the writer thread ends here.
        drop(writer);
        // The memory learns which translation each segment took (its export
        // shows only those, the latest per source), and which first
        // translations the enforcement pass replaced.
        // One transaction for them all.
        let mut done: std::collections::HashSet<&str> = std::collections::HashSet::new();
        let mut finals: Vec<(&str, &str, bool)> = Vec::new();
        for (i, seg) in segs.iter().enumerate() {
            let (Some(key), Some(t), true) = (&chosen[i], &seg.target, machine(seg)) else {
                continue;
            };
            if !done.insert(key.as_str()) {
                continue;
            }
            let term_error = findings[i].as_ref().is_some_and(|f| {
                f.iter()
                    .any(|f| f.code.is_term() && f.severity == Severity::Error)
            });
            finals.push((key, t, !term_error));
        }
        let rejected: Vec<&str> = superseded
            .iter()
            .map(String::as_str)
            .filter(|k| !done.contains(k))
            .collect();
        self.tm.record_choices(&finals, &rejected)?;
        report.requests = runner
            .stats
            .requests
            .load(std::sync::atomic::Ordering::Relaxed);
        report.retries = runner
            .stats
            .retries
            .load(std::sync::atomic::Ordering::Relaxed);
        report.chars = runner
            .stats
            .chars_billed
            .load(std::sync::atomic::Ordering::Relaxed);
        report.chars_sent = runner
            .stats
            .chars_sent
            .load(std::sync::atomic::Ordering::Relaxed);
        report.stopped = runner
            .stopped_by()
            .map(|e| stop_reason(&e, self.engine.name()));
        for (seg, found) in segs.iter_mut().zip(findings) {
            if !machine(seg) {
                continue;
            }
            let has_terms = seg.terms.iter().any(|h| h.class.is_confident());
            if has_terms {
                report.term_segments += 1;
            }
            match found {
                Some(flags) => {
                    if has_terms && !flags.iter().any(|f| f.code == FlagCode::TermMissing) {
                        report.term_compliant += 1;
                    }
                    seg.flags.extend(flags);
                }
                None if has_terms => report.term_compliant += 1,
                None => {}
            }
        }
        report.tokens = self
            .engine
            .tokens()
            .map_or(0, |(p, c)| p + c)
            .saturating_sub(tokens_before);
        Ok(report)
    }
}

/// Why the run stopped, for the closing line: the engine's own words for a
/// quota or a refused key (they name the provider and what to do).
fn stop_reason(e: &super::EngineError, engine: &str) -> String {
    use super::EngineError as E;
    match e {
        E::Quota(m) | E::Auth(m) => m.clone(),
        E::Unreachable(m) => format!("the {engine} server could not be reached ({m})"),
        other => format!("{engine}: {other}"),
    }
}

/// The memory key of a text sent to `engine`.
fn memory_key(
    engine: &AnyEngine,
    from: &str,
    to: &str,
    glossary_hash: &str,
    sent: &str,
    protected: bool,
) -> String {
    let options = if protected { "protect:{{N}}" } else { "plain" };
    Tm::key(
        engine.name(),
        &engine.version(),
        from,
        to,
        options,
        glossary_hash,
        sent,
    )
}

/// The glossary findings on a machine target.
fn check(verifier: &Verifier, seg: &Segment, entries: &[Entry], target: &str) -> Vec<Flag> {
    verifier
        .verify(&seg.terms, entries, target)
        .into_iter()
        .map(Flag::from)
        .collect()
}

/// Which memory row each segment's target comes from, and the rows the
/// enforcement pass replaced.
struct Choices<'a> {
    chosen: &'a mut [Option<String>],
    superseded: &'a mut Vec<String>,
}

/// What the enforcement pass works with.
struct Enforce<'a, 'f, 'r> {
    verifier: &'a Verifier,
    key: &'a dyn Fn(&str) -> String,
    mode: super::TagMode,
    fetcher: &'a mut Fetcher<'f, 'r>,
}

/// The enforcement pass (see [`Mt::translate`]): segments with an
/// error-level term finding that were not sent protected go again with
/// placeholders; a result that restores and verifies clean replaces the
/// target (and is remembered under the protected text, so a later run
/// takes it from the memory).
async fn enforce(
    ctx: Enforce<'_, '_, '_>,
    segs: &mut [Segment],
    plans: &[Plan],
    findings: &mut [Option<Vec<Flag>>],
    choices: Choices<'_>,
    entries: &[Entry],
    report: &mut MtReport,
) -> Result<()> {
    let Enforce {
        verifier,
        key: key_of,
        mode,
        fetcher,
    } = ctx;
    let runner = fetcher.runner;
    let mut jobs: Vec<Job> = Vec::new();
    let mut job_sources: Vec<String> = Vec::new();
    let mut todo: Vec<(usize, usize, Protected)> = Vec::new();
    let mut job_of: HashMap<String, usize> = HashMap::new();
    for (i, found) in findings.iter().enumerate() {
        let failing = found.as_ref().is_some_and(|f| {
            f.iter()
                .any(|f| f.code.is_term() && f.severity == Severity::Error)
        });
        let was_protected = matches!(
            plans.get(i),
            Some(Plan::Job {
                protected: Some(_),
                ..
            })
        );
        if !failing || was_protected {
            continue;
        }
        let p = protect(&segs[i].source, &segs[i].terms, entries, mode);
        if p.slots.is_empty() {
            continue;
        }
        let key = key_of(&p.text);
        let job = *job_of.entry(key.clone()).or_insert_with(|| {
            jobs.push(Job {
                key,
                text: p.text.clone(),
            });
            job_sources.push(segs[i].source.clone());
            jobs.len() - 1
        });
        todo.push((i, job, p));
    }
    if todo.is_empty() {
        return Ok(());
    }

    // The memory may have the protected translation from an earlier run.
    let mut outcomes: Vec<Option<Outcome>> = vec![None; jobs.len()];
    let mut send_idx = Vec::new();
    for (j, job) in jobs.iter().enumerate() {
        match fetcher.tm.machine(&job.key)? {
            Some(raw) => outcomes[j] = Some(Outcome::Translated(raw)),
            None => send_idx.push(j),
        }
    }
    if !send_idx.is_empty() {
        let to_send: Vec<Job> = send_idx.iter().map(|&j| jobs[j].clone()).collect();
        let sources: Vec<String> = send_idx.iter().map(|&j| job_sources[j].clone()).collect();
        let got = fetcher.fetch(&to_send, &sources).await?;
        for (k, o) in send_idx.into_iter().zip(got) {
            outcomes[k] = Some(o);
        }
    }
    // Only re-sends that went out this run count (a re-run takes the
    // protected translation from the memory: a memory hit, no re-send;
    // this run's pipelined re-sends are in the memory by now, and count).
    report.enforced += todo
        .iter()
        .filter(|(_, job, _)| runner.was_sent(&jobs[*job].key))
        .count();
    for (i, job, p) in todo {
        let Some(Outcome::Translated(raw)) = &outcomes[job] else {
            continue;
        };
        let Ok(t) = restore(raw, &p) else {
            continue;
        };
        let again = check(verifier, &segs[i], entries, &t);
        let still = again
            .iter()
            .any(|f| f.code.is_term() && f.severity == Severity::Error);
        if !still && !t.trim().is_empty() {
            if runner.was_sent(&jobs[job].key) {
                report.enforced_fixed += 1;
            }
            if let Some(first) = choices.chosen[i].replace(jobs[job].key.clone()) {
                choices.superseded.push(first);
            }
            segs[i].target = Some(t);
            findings[i] = Some(again);
        }
    }
    Ok(())
}

/// Whether a target has an error-level glossary finding.
fn term_error(flags: &[Flag]) -> bool {
    flags
        .iter()
        .any(|f| f.code.is_term() && f.severity == Severity::Error)
}

impl Mt {
    /// The job a first-pass reply calls for at once, if any: the segment
    /// again unprotected when its placeholders did not come back, or (in
    /// verify mode) with its terms protected when the target fails the
    /// glossary check — the same jobs the passes after the first would
    /// send, unless the memory already has them.
    fn follow_up(&self, seg: &Segment, plan: &Plan, raw: &str, entries: &[Entry]) -> Option<Job> {
        let Plan::Job { protected, .. } = plan else {
            return None;
        };
        let job = match protected {
            Some(p) if restore(raw, p).is_err() => Job {
                key: self.key(&seg.source, false),
                text: seg.source.clone(),
            },
            Some(_) => return None,
            None => {
                if !self.verify
                    || raw.trim().is_empty()
                    || !term_error(&check(&self.verifier, seg, entries, raw))
                {
                    return None;
                }
                let p = protect(&seg.source, &seg.terms, entries, self.engine.tag_mode());
                if p.slots.is_empty() {
                    return None;
                }
                Job {
                    key: self.key(&p.text, true),
                    text: p.text,
                }
            }
        };
        // A memory error here only means "send it": the pass that needs
        // the job reads the memory again and reports the error.
        matches!(self.tm.machine(&job.key), Ok(None)).then_some(job)
    }
}

/// The outcomes a run got, and a way to get more.
struct Fetcher<'a, 'r> {
    tm: &'a Tm,
    writer: &'a mut Option<TmWriter>,
    runner: &'a Runner<'r, AnyEngine>,
    got: &'a mut HashMap<String, Outcome>,
}

impl Fetcher<'_, '_> {
    /// The outcome of each job: this run's, sending (and storing) only the
    /// jobs that have none yet.
    async fn fetch(&mut self, jobs: &[Job], sources: &[String]) -> Result<Vec<Outcome>> {
        let mut missing = Vec::new();
        let mut missing_sources = HashMap::new();
        for (k, job) in jobs.iter().enumerate() {
            if !self.got.contains_key(&job.key)
                && missing_sources
                    .insert(job.key.clone(), sources.get(k).unwrap_or(&job.text).clone())
                    .is_none()
            {
                missing.push(job.clone());
            }
        }
        if !missing.is_empty() {
            if self.writer.is_none() {
                *self.writer = Some(self.tm.writer()?);
            }
            let writer = self.writer.as_ref().expect("set above");
            let more = send(writer, self.runner, missing, missing_sources, |_| {
                Vec::new()
            })
            .await?;
            self.got.extend(more);
        }
        Ok(jobs
            .iter()
            .map(|j| {
                self.got
                    .get(&j.key)
                    .cloned()
                    .unwrap_or_else(|| Outcome::Failed("not translated".into()))
            })
            .collect())
    }
}

/// Sends `jobs` (`sources` maps a job's key to its real source, which the
/// memory keeps beside the text sent) and the follow-ups `follow_up` asks
/// for as each batch comes back (with their sources), in one pipeline;
/// each batch is committed by the writer thread, and counts as done only
/// once it is stored. Returns every outcome by key.
async fn send(
    writer: &TmWriter,
    runner: &Runner<'_, AnyEngine>,
    jobs: Vec<Job>,
    sources: HashMap<String, String>,
    mut follow_up: impl FnMut(&[(usize, Outcome)]) -> Vec<(Job, String)>,
) -> Result<HashMap<String, Outcome>> {
    let sources = RefCell::new(sources);
    let failure: RefCell<Option<crate::Error>> = RefCell::new(None);
    let (engine, from, to) = runner.describe();
    let (all, outcomes) = runner
        .run_pipelined(
            jobs,
            |_, done| {
                let next = follow_up(done);
                let mut sources = sources.borrow_mut();
                next.into_iter()
                    .map(|(job, source)| {
                        sources.entry(job.key.clone()).or_insert(source);
                        job
                    })
                    .collect()
            },
            |all, done| {
                let rows: Vec<MachineRow> = {
                    let sources = sources.borrow();
                    done.iter()
                        .filter_map(|(i, o)| match o {
                            Outcome::Translated(t) => Some(MachineRow {
                                key: all[*i].key.clone(),
                                engine: engine.clone(),
                                from: from.clone(),
                                to: to.clone(),
                                source: sources
                                    .get(&all[*i].key)
                                    .map_or_else(|| all[*i].text.clone(), Clone::clone),
                                sent: all[*i].text.clone(),
                                target: t.clone(),
                            }),
                            Outcome::Failed(_) => None,
                        })
                        .collect()
                };
                let stored = (!rows.is_empty()).then(|| writer.commit(rows));
                let failure = &failure;
                async move {
                    if let Some(stored) = stored
                        && let Err(e) = stored.await
                    {
                        failure.borrow_mut().get_or_insert(e);
                    }
                }
            },
        )
        .await;
    match failure.into_inner() {
        Some(e) => Err(e),
        None => Ok(all.into_iter().map(|j| j.key).zip(outcomes).collect()),
    }
}
