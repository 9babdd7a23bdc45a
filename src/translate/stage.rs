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
//! It runs in passes, each a method below with its own contract:
//!
//! 1. `Mt::lookup` (memory lookup and plan): human corrections and
//!    memory hits fill their segments; the rest become distinct jobs.
//! 2. `Mt::estimate` (dry run only): what the jobs would cost.
//! 3. `Mt::send_first`: the jobs, in one pipeline with the follow-ups
//!    their replies call for.
//! 4. `Mt::retry_lost` (placeholder retry): segments whose placeholders
//!    did not come back, unprotected.
//! 5. `Mt::fill`: targets, provenance and `placeholder-lost` /
//!    `mt-failed` flags from the outcomes.
//! 6. `Mt::verify_and_enforce`: the glossary check of every machine
//!    target, and a re-send with terms protected for those failing it.
//! 7. `Mt::finish`: the memory learns which rows were chosen; the
//!    report's counts.
//!
//! The re-sends (placeholders lost; targets failing the check, sent again
//! protected) go out in the same pipeline as the first pass: as each batch
//! comes back, while the others are in flight, so passes 4 and 6 usually
//! find their outcomes already there. Every batch is committed to the
//! memory by its writer thread, and a reply counts as done only once its
//! batch is stored.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use super::protect::{Protected, protect, restore};
use super::runner::{Job, Outcome, Runner, Sleeper};
use super::settings::MtSettings;
use super::{AnyEngine, Billing, Engine};
use crate::document::{Flag, FlagCode, Provenance, Segment, SegmentKind};
use crate::error::Result;
use crate::glossary::modes::Verifier;
use crate::glossary::{Entry, Glossary, Severity};
use crate::tm::{KeyParts, MachineRow, Memory, MemoryWriter, Tm};

/// Everything a translated run needs, built once ([`Mt::new`]).
pub struct Mt {
    engine: AnyEngine,
    /// The translation memory, through its trait.
    tm: Box<dyn Memory>,
    /// Checks targets against the glossary.
    verifier: Verifier,
    /// [`Glossary::content_hash`].
    glossary_hash: String,
    /// Protect terms with placeholders.
    protect: bool,
    /// Check targets for approved and forbidden terms.
    verify: bool,
    /// Count, send nothing.
    dry_run: bool,
    /// Retries per request.
    max_retries: u32,
    /// Requests started per second at most.
    requests_per_second: Option<f64>,
    /// Source language.
    from: String,
    /// Target language.
    to: String,
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
    /// How the engine bills ([`Engine::billing`]): by the token, `tokens`
    /// is the billable count.
    pub billing: Billing,
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
        macro_rules! sum {
            ($($count:ident),*) => { $(self.$count += o.$count;)* };
        }
        sum!(
            segments,
            human,
            memory,
            sent,
            requests,
            retries,
            chars,
            chars_sent,
            failed,
            term_segments,
            term_compliant,
            enforced,
            enforced_fixed,
            tokens
        );
        if o.billing == Billing::Tokens {
            self.billing = Billing::Tokens;
        }
        if self.stopped.is_none() {
            self.stopped.clone_from(&o.stopped);
        }
    }
}

/// How one segment will get its target.
enum Plan {
    /// Nothing to send: not translatable, or filled by `Mt::lookup`.
    Done,
    /// From job number `job`, sent with its terms protected or not.
    Job {
        job: usize,
        protected: Option<Protected>,
    },
}

/// What the memory lookup leaves to the passes after it.
struct Planned {
    /// One per segment.
    plans: Vec<Plan>,
    /// The distinct texts to send.
    jobs: Vec<Job>,
    /// The real source of each job (what the memory's export shows).
    sources: Vec<String>,
    /// The memory key of the row each segment's machine target comes from.
    chosen: Vec<Option<String>>,
}

/// Where a segment whose placeholders were lost gets its unprotected
/// translation.
enum Retry {
    /// The memory had it.
    Memory { key: String, target: String },
    /// Retry job number N.
    Job(usize),
}

/// The placeholder retry's result.
#[derive(Default)]
struct Retries {
    /// By segment index.
    of: HashMap<usize, Retry>,
    /// The unprotected texts sent again.
    jobs: Vec<Job>,
    /// Their outcomes, in job order.
    outcomes: Vec<Outcome>,
}

/// The glossary check's result.
struct Verdicts {
    /// The findings on each segment's machine target (`None`: not checked).
    findings: Vec<Option<Vec<Flag>>>,
    /// Memory rows the enforcement pass replaced.
    superseded: Vec<String>,
}

impl Mt {
    /// The stage for `settings` and `glossary` (its checks, and its
    /// content hash in every memory key), with `engine` and the
    /// translation memory `memory`. The engine is used as it is: give it
    /// the glossary first ([`AnyEngine::with_glossary`]) where it has a
    /// native use for it. `Mt::new` builds it from the whole configuration.
    pub fn with_settings(
        settings: MtSettings,
        glossary: &Glossary,
        engine: AnyEngine,
        memory: impl Memory + 'static,
    ) -> Mt {
        let MtSettings {
            from,
            to,
            protect,
            verify,
            max_retries,
            requests_per_second,
        } = settings;
        Mt {
            engine,
            tm: Box::new(memory),
            verifier: Verifier::new(&glossary.entries),
            glossary_hash: glossary.content_hash(),
            protect,
            verify,
            dry_run: false,
            max_retries,
            requests_per_second,
            from,
            to,
        }
    }

    /// A dry run (`yes`): count what would be sent, send and fill nothing.
    #[must_use]
    pub fn dry_run(mut self, yes: bool) -> Mt {
        self.dry_run = yes;
        self
    }

    /// Is this a dry run?
    pub fn is_dry_run(&self) -> bool {
        self.dry_run
    }

    /// The engine.
    pub fn engine(&self) -> &AnyEngine {
        &self.engine
    }

    /// The glossary checks targets are verified with.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

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
        let mut report = MtReport {
            billing: self.engine.billing(),
            ..MtReport::default()
        };
        // Rows an earlier version keyed with the tags as written.
        self.tm.adopt_old_keys(&KeyParts {
            engine: self.engine.name(),
            version: &self.engine.version(),
            options: &[PLAIN, PROTECTED],
            glossary_hash: &self.glossary_hash,
        })?;
        let mut planned = self.lookup(segs, entries, &mut report)?;
        let runner = Runner::new(
            &self.engine,
            sleeper,
            self.max_retries,
            &self.from,
            &self.to,
        )
        .with_rate(self.requests_per_second);
        if self.dry_run {
            self.estimate(&runner, &planned.jobs, &mut report);
            return Ok(report);
        }
        let tokens_before = self.engine.tokens_used();
        let mut fetcher = Fetcher::new(self.tm.as_ref(), &runner);
        let outcomes = self
            .send_first(segs, &planned, entries, &mut fetcher)
            .await?;
        report.sent = planned
            .jobs
            .iter()
            .filter(|j| runner.was_sent(&j.key))
            .count();
        let retries = self
            .retry_lost(segs, &planned, &outcomes, &mut fetcher)
            .await?;
        self.fill(segs, &mut planned, &outcomes, &retries, &mut report);
        let verdicts = self
            .verify_and_enforce(segs, &mut planned, entries, &mut fetcher, &mut report)
            .await?;
        // Every batch is stored (each commit resolved before its outcome
        // counted); the writer thread ends here.
        drop(fetcher);
        count_requests(&runner, &mut report);
        self.finish(segs, &planned.chosen, verdicts, &mut report)?;
        report.tokens = self.engine.tokens_used().saturating_sub(tokens_before);
        Ok(report)
    }

    /// Pass 1, memory lookup and plan. **Expects** segments with their
    /// glossary hits. **Fills** from the memory, for each translatable
    /// segment (not an ASCII caption, not blank): a human correction
    /// (`human`), else this engine's translation of the text it would send
    /// (`tm`, restored when protected; its key is the segment's chosen
    /// row). **Returns** the plan of every segment and the distinct jobs
    /// for the rest (one per memory key, so identical texts go once).
    /// Counts `segments`, `human` and `memory`.
    fn lookup(
        &self,
        segs: &mut [Segment],
        entries: &[Entry],
        report: &mut MtReport,
    ) -> Result<Planned> {
        let mut planned = Planned {
            plans: Vec::with_capacity(segs.len()),
            jobs: Vec::new(),
            sources: Vec::new(),
            chosen: vec![None; segs.len()],
        };
        let mut job_of: HashMap<String, usize> = HashMap::new();
        let mode = self.engine.tag_mode();
        // One memory call per batch: the human corrections of every
        // translatable segment, then the machine rows of the rest.
        let translatable: Vec<usize> = (0..segs.len())
            .filter(|&i| {
                segs[i].kind != SegmentKind::AsciiCaption && !segs[i].source.trim().is_empty()
            })
            .collect();
        report.segments += translatable.len();
        let sources: Vec<&str> = translatable
            .iter()
            .map(|&i| segs[i].source.as_str())
            .collect();
        let humans = self.tm.lookup_human(&self.from, &self.to, &sources)?;
        let mut pending: Vec<Option<(Option<Protected>, String, String)>> =
            (0..segs.len()).map(|_| None).collect();
        for (&i, human) in translatable.iter().zip(humans) {
            let seg = &mut segs[i];
            if let Some(t) = human {
                seg.target = Some(t);
                set_origin(seg, Some(Provenance::Human));
                report.human += 1;
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
            pending[i] = Some((protected, sent, key));
        }
        let keys: Vec<&str> = pending
            .iter()
            .flatten()
            .map(|(_, _, k)| k.as_str())
            .collect();
        let mut stored = self.tm.lookup_batch(&keys)?.into_iter();
        for (i, seg) in segs.iter_mut().enumerate() {
            let Some((protected, sent, key)) = pending[i].take() else {
                planned.plans.push(Plan::Done);
                continue;
            };
            if let Some(raw) = stored.next().flatten() {
                let restored = match &protected {
                    Some(p) => restore(&raw, p).ok(),
                    None => Some(raw),
                };
                if let Some(t) = restored {
                    seg.target = Some(t);
                    set_origin(seg, Some(Provenance::Tm));
                    planned.chosen[i] = Some(key);
                    report.memory += 1;
                    planned.plans.push(Plan::Done);
                    continue;
                }
            }
            let job = *job_of.entry(key.clone()).or_insert_with(|| {
                planned.jobs.push(Job { key, text: sent });
                planned.sources.push(seg.source.clone());
                planned.jobs.len() - 1
            });
            planned.plans.push(Plan::Job { job, protected });
        }
        Ok(planned)
    }

    /// Pass 2, dry run only. **Counts** what sending `jobs` would take:
    /// `sent`, `requests` (the runner's batches), `chars` and `chars_sent`
    /// (the same: nothing is retried in a plan), and `tokens` (the
    /// engine's own estimate per request, [`Engine::estimate_tokens`]).
    fn estimate(&self, runner: &Runner<'_, AnyEngine>, jobs: &[Job], report: &mut MtReport) {
        let plan = runner.plan(jobs);
        report.sent = jobs.len();
        report.requests = plan.len();
        report.chars = jobs.iter().map(|j| j.text.chars().count()).sum();
        report.chars_sent = report.chars;
        report.tokens = plan
            .iter()
            .map(|r| {
                let texts: Vec<String> = jobs[r.clone()].iter().map(|j| j.text.clone()).collect();
                self.engine.estimate_tokens(&texts)
            })
            .sum();
    }

    /// Pass 3, send. **Returns** one outcome per job of `planned`, in job
    /// order. The jobs go out in one pipeline with the follow-ups their
    /// replies call for (`Mt::follow_up`: placeholders lost, or a target
    /// failing the glossary check), which later passes then find in
    /// `fetcher`. Every reply is in the memory when this returns.
    async fn send_first(
        &self,
        segs: &[Segment],
        planned: &Planned,
        entries: &[Entry],
        fetcher: &mut Fetcher<'_, '_>,
    ) -> Result<Vec<Outcome>> {
        let mut segs_of: Vec<Vec<usize>> = vec![Vec::new(); planned.jobs.len()];
        for (i, plan) in planned.plans.iter().enumerate() {
            if let Plan::Job { job, .. } = plan {
                segs_of[*job].push(i);
            }
        }
        let follow_up = |done: &[(usize, Outcome)]| {
            let mut next = Vec::new();
            for (j, o) in done {
                let (Some(ids), Outcome::Translated(raw)) = (segs_of.get(*j), o) else {
                    continue;
                };
                for &i in ids {
                    if let Some(job) = self.follow_up(&segs[i], &planned.plans[i], raw, entries) {
                        next.push((job, segs[i].source.clone()));
                    }
                }
            }
            next
        };
        fetcher
            .fetch_with(&planned.jobs, &planned.sources, follow_up)
            .await
    }

    /// Pass 4, placeholder retry. **Expects** the first pass's outcomes.
    /// **Returns**, for each segment sent protected whose reply does not
    /// restore (a placeholder lost, repeated or made up), its unprotected
    /// translation: from the memory when it has it, else sent now (or
    /// found among the pass 3 follow-ups).
    async fn retry_lost(
        &self,
        segs: &[Segment],
        planned: &Planned,
        outcomes: &[Outcome],
        fetcher: &mut Fetcher<'_, '_>,
    ) -> Result<Retries> {
        let mut retries = Retries::default();
        for (i, plan) in planned.plans.iter().enumerate() {
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
                let retry = match self.tm.lookup_one(&key)? {
                    Some(target) => Retry::Memory { key, target },
                    None => {
                        retries.jobs.push(Job {
                            key,
                            text: segs[i].source.clone(),
                        });
                        Retry::Job(retries.jobs.len() - 1)
                    }
                };
                retries.of.insert(i, retry);
            }
        }
        if !retries.jobs.is_empty() {
            let sources: Vec<String> = retries.jobs.iter().map(|j| j.text.clone()).collect();
            retries.outcomes = fetcher.fetch(&retries.jobs, &sources).await?;
        }
        Ok(retries)
    }

    /// Pass 5, fill. **Writes** each sent segment's target and provenance
    /// (`engine:NAME`) and its chosen memory row from the outcomes: the
    /// restored reply, or for a segment in `retries` its unprotected
    /// translation with a `placeholder-lost` warning. A failure or an
    /// empty translation leaves the segment without target, with an
    /// `mt-failed` error flag, counted in `failed`.
    fn fill(
        &self,
        segs: &mut [Segment],
        planned: &mut Planned,
        outcomes: &[Outcome],
        retries: &Retries,
        report: &mut MtReport,
    ) {
        for (i, plan) in planned.plans.iter().enumerate() {
            let Plan::Job { job, protected } = plan else {
                continue;
            };
            let seg = &mut segs[i];
            let retry = retries.of.get(&i);
            let result = match (&outcomes[*job], protected, retry) {
                (Outcome::Translated(raw), None, _) => Ok((raw.clone(), &planned.jobs[*job].key)),
                (Outcome::Translated(raw), Some(p), None) => restore(raw, p)
                    .map(|t| (t, &planned.jobs[*job].key))
                    .map_err(|e| e.to_string()),
                (Outcome::Translated(raw), Some(p), Some(retry)) => {
                    let why = restore(raw, p).err().unwrap_or_default();
                    seg.flags.push(flag(
                        FlagCode::PlaceholderLost,
                        Severity::Warning,
                        format!("{why}; translated again without protecting the terms"),
                    ));
                    match retry {
                        Retry::Memory { key, target } => Ok((target.clone(), key)),
                        Retry::Job(r) => match &retries.outcomes[*r] {
                            Outcome::Translated(t) => Ok((t.clone(), &retries.jobs[*r].key)),
                            Outcome::Failed(why) => Err(why.clone()),
                        },
                    }
                }
                (Outcome::Failed(why), _, _) => Err(why.clone()),
            };
            let result = result.and_then(|(t, key)| {
                if t.trim().is_empty() {
                    Err("the engine returned an empty translation".to_owned())
                } else {
                    Ok((t, key))
                }
            });
            match result {
                Ok((t, key)) => {
                    planned.chosen[i] = Some(key.clone());
                    seg.target = Some(t);
                    set_origin(seg, Some(Provenance::Engine(self.engine.name().to_owned())));
                }
                Err(why) => {
                    planned.chosen[i] = None;
                    seg.target = None;
                    set_origin(seg, None);
                    report.failed += 1;
                    seg.flags
                        .push(flag(FlagCode::MtFailed, Severity::Error, why));
                }
            }
        }
    }

    /// Pass 6, verify and enforce (verify mode only; otherwise nothing is
    /// checked). **Checks** every machine target (`tm` or `engine:NAME`)
    /// against the glossary; a segment with an error-level term finding
    /// that was not sent protected goes again with its terms as
    /// placeholders (from the memory when it has that, else sent or found
    /// among the pass 3 follow-ups), and a result that restores and checks
    /// clean replaces the target and its chosen row (the old row is
    /// returned as superseded). **Returns** the findings, which
    /// `Mt::finish` turns into flags. Counts `enforced` and
    /// `enforced_fixed` for re-sends that went out this run.
    async fn verify_and_enforce(
        &self,
        segs: &mut [Segment],
        planned: &mut Planned,
        entries: &[Entry],
        fetcher: &mut Fetcher<'_, '_>,
        report: &mut MtReport,
    ) -> Result<Verdicts> {
        let mut verdicts = Verdicts {
            findings: vec![None; segs.len()],
            superseded: Vec::new(),
        };
        if !self.verify {
            return Ok(verdicts);
        }
        for (i, seg) in segs.iter().enumerate() {
            if let (true, Some(t)) = (is_machine(seg), &seg.target) {
                verdicts.findings[i] = Some(check(&self.verifier, seg, entries, t));
            }
        }
        let mode = self.engine.tag_mode();
        let mut jobs: Vec<Job> = Vec::new();
        let mut job_sources: Vec<String> = Vec::new();
        let mut todo: Vec<(usize, usize, Protected)> = Vec::new();
        let mut job_of: HashMap<String, usize> = HashMap::new();
        for (i, found) in verdicts.findings.iter().enumerate() {
            let failing = found.as_deref().is_some_and(term_error);
            let was_protected = matches!(
                planned.plans.get(i),
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
            let key = self.key(&p.text, true);
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
            return Ok(verdicts);
        }

        // The memory may have the protected translation from an earlier run.
        let mut outcomes: Vec<Option<Outcome>> = vec![None; jobs.len()];
        let mut send_idx = Vec::new();
        let keys: Vec<&str> = jobs.iter().map(|j| j.key.as_str()).collect();
        for (j, stored) in self.tm.lookup_batch(&keys)?.into_iter().enumerate() {
            match stored {
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
        let runner = fetcher.runner;
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
            let again = check(&self.verifier, &segs[i], entries, &t);
            if !term_error(&again) && !t.trim().is_empty() {
                if runner.was_sent(&jobs[job].key) {
                    report.enforced_fixed += 1;
                }
                if let Some(first) = planned.chosen[i].replace(jobs[job].key.clone()) {
                    verdicts.superseded.push(first);
                }
                segs[i].target = Some(t);
                verdicts.findings[i] = Some(again);
            }
        }
        Ok(verdicts)
    }

    /// Pass 7, finish. **Records** in the memory which row each machine
    /// target took (its export shows only those, the latest per source;
    /// a row whose target has an error-level term finding is not accepted)
    /// and the rows the enforcement pass replaced, in one transaction;
    /// **adds** the findings to the segments' flags; **counts** the
    /// glossary compliance of machine targets.
    ///
    /// # Errors
    /// [`crate::Error::Tm`] when the choices cannot be recorded.
    fn finish(
        &mut self,
        segs: &mut [Segment],
        chosen: &[Option<String>],
        verdicts: Verdicts,
        report: &mut MtReport,
    ) -> Result<()> {
        let Verdicts {
            findings,
            superseded,
        } = verdicts;
        let mut done: HashSet<&str> = HashSet::new();
        let mut finals: Vec<(&str, &str, bool)> = Vec::new();
        for (i, seg) in segs.iter().enumerate() {
            let (Some(key), Some(t), true) = (&chosen[i], &seg.target, is_machine(seg)) else {
                continue;
            };
            if !done.insert(key.as_str()) {
                continue;
            }
            let failing = findings[i].as_deref().is_some_and(term_error);
            finals.push((key, t, !failing));
        }
        let rejected: Vec<&str> = superseded
            .iter()
            .map(String::as_str)
            .filter(|k| !done.contains(k))
            .collect();
        self.tm.record_choices(&finals, &rejected)?;
        for (seg, found) in segs.iter_mut().zip(findings) {
            if !is_machine(seg) {
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
        Ok(())
    }

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
        matches!(self.tm.lookup_one(&job.key), Ok(None)).then_some(job)
    }
}

/// The runner's counts for the report: requests, retries, characters,
/// and why the engine stopped the run.
fn count_requests(runner: &Runner<'_, AnyEngine>, report: &mut MtReport) {
    let count = |n: &std::sync::atomic::AtomicUsize| n.load(std::sync::atomic::Ordering::Relaxed);
    report.requests = count(&runner.stats.requests);
    report.retries = count(&runner.stats.retries);
    report.chars = count(&runner.stats.chars_billed);
    report.chars_sent = count(&runner.stats.chars_sent);
    let (engine, _, _) = runner.describe();
    report.stopped = runner.stopped_by().map(|e| stop_reason(&e, &engine));
}

/// Sets where a segment's target came from (`None`: no target).
fn set_origin(seg: &mut Segment, origin: Option<Provenance>) {
    seg.origin = origin;
}

/// Is the segment's target machine translation (from the memory or the
/// engine)?
fn is_machine(seg: &Segment) -> bool {
    seg.origin.as_ref().is_some_and(Provenance::is_machine)
}

/// A flag of the translate stage.
fn flag(code: FlagCode, severity: Severity, message: String) -> Flag {
    Flag {
        code,
        severity,
        message,
    }
}

/// Whether a target has an error-level glossary finding.
fn term_error(flags: &[Flag]) -> bool {
    flags
        .iter()
        .any(|f| f.code.is_term() && f.severity == Severity::Error)
}

/// Why the run stopped, for the closing line: the engine's own words for a
/// quota or a refused key (they name the provider and what to do).
fn stop_reason(e: &super::EngineError, engine: &str) -> String {
    use super::EngineError as E;
    match e {
        E::Quota(m) | E::Auth(m) => m.clone(),
        E::Unreachable(m) => format!("the {engine} server could not be reached ({m})"),
        E::Unsupported(m) => format!(
            "{engine} does not translate this language pair ({m}); install the pair or choose \
             other --from/--to (`songngu engines --check` asks the server)"
        ),
        other => format!("{engine}: {other}"),
    }
}

/// The memory key's options of a text sent as it is, and with its terms
/// protected.
const PLAIN: &str = "plain";
const PROTECTED: &str = "protect:{{N}}";

/// The memory key of a text sent to `engine`.
fn memory_key(
    engine: &AnyEngine,
    from: &str,
    to: &str,
    glossary_hash: &str,
    sent: &str,
    protected: bool,
) -> String {
    let options = if protected { PROTECTED } else { PLAIN };
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

/// The outcomes a run got, and a way to get more: the memory's writer
/// (started when something is first sent; it ends when this is dropped)
/// and every outcome so far, by memory key.
struct Fetcher<'a, 'r> {
    tm: &'a dyn Memory,
    writer: Option<Box<dyn MemoryWriter>>,
    runner: &'a Runner<'r, AnyEngine>,
    got: HashMap<String, Outcome>,
}

impl<'a, 'r> Fetcher<'a, 'r> {
    fn new(tm: &'a dyn Memory, runner: &'a Runner<'r, AnyEngine>) -> Self {
        Fetcher {
            tm,
            writer: None,
            runner,
            got: HashMap::new(),
        }
    }

    /// The outcome of each job: this run's, sending (and storing) only the
    /// jobs that have none yet.
    async fn fetch(&mut self, jobs: &[Job], sources: &[String]) -> Result<Vec<Outcome>> {
        self.fetch_with(jobs, sources, |_| Vec::new()).await
    }

    /// `Fetcher::fetch`, sending the follow-ups `follow_up` asks for as
    /// each batch comes back in the same pipeline (see `send`).
    async fn fetch_with(
        &mut self,
        jobs: &[Job],
        sources: &[String],
        follow_up: impl FnMut(&[(usize, Outcome)]) -> Vec<(Job, String)>,
    ) -> Result<Vec<Outcome>> {
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
            let writer = match &mut self.writer {
                Some(w) => w,
                None => self.writer.insert(self.tm.writer()?),
            };
            let more = send(
                writer.as_ref(),
                self.runner,
                missing,
                missing_sources,
                follow_up,
            )
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
    writer: &dyn MemoryWriter,
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
                let stored = (!rows.is_empty()).then(|| writer.commit_batch(rows));
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

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::glossary::Matcher;
    use crate::glossary::{CaseRule, Diacritics, GlossaryMode};
    use crate::translate::EngineError;
    use crate::translate::runner::TokioSleeper;
    use crate::translate::scripted::Scripted;

    /// The requests an engine got, kept after it moves into the stage.
    type Seen = Arc<Mutex<Vec<Vec<String>>>>;

    /// A stage with a scripted engine over a fresh memory file, the
    /// glossary's entries (as hits index them), and the engine's requests.
    struct Stage {
        mt: Mt,
        matcher: Matcher,
        entries: Vec<Entry>,
        seen: Seen,
        _dir: tempfile::TempDir,
    }

    fn stage(engine: Scripted, modes: &[GlossaryMode]) -> Stage {
        let mut mps = Entry::term("Bộ Công an", "Ministry of Public Security");
        mps.forbidden = vec!["Ministry of Police".into()];
        let glossary = Glossary {
            entries: vec![mps],
            files: Vec::new(),
        };
        let settings = MtSettings {
            from: "vi".into(),
            to: "en".into(),
            protect: modes.contains(&GlossaryMode::Protect),
            verify: modes.contains(&GlossaryMode::Verify),
            max_retries: 0,
            requests_per_second: None,
        };
        let dir = tempfile::tempdir().unwrap();
        let tm = Tm::open(&dir.path().join("tm.sqlite")).unwrap();
        let seen = engine.seen.clone();
        let matcher = Matcher::new(&glossary, CaseRule::Insensitive, Diacritics::Strict).unwrap();
        Stage {
            mt: Mt::with_settings(settings, &glossary, AnyEngine::new(engine), tm),
            entries: matcher.entries().to_vec(),
            matcher,
            seen,
            _dir: dir,
        }
    }

    impl Stage {
        /// One text segment per paragraph of `text`, with its glossary hits.
        fn segments(&self, text: &str) -> Vec<Segment> {
            text.split("\n\n")
                .enumerate()
                .map(|(seq, source)| Segment {
                    id: format!("d:{seq:04}"),
                    doc: "d".into(),
                    para: seq,
                    seq,
                    kind: SegmentKind::Text,
                    source: source.into(),
                    ascii: crate::transliterate::to_ascii(source),
                    target: None,
                    origin: None,
                    terms: self.matcher.find(source).hits,
                    flags: Vec::new(),
                    span: (0, source.len()),
                })
                .collect()
        }

        /// Puts the engine's translation of `source` (sent unprotected)
        /// in the memory; its key.
        fn remember(&mut self, source: &str, target: &str) -> String {
            let key = self.mt.key(source, false);
            self.mt
                .tm
                .commit_batch(&[MachineRow {
                    key: key.clone(),
                    engine: "scripted".into(),
                    from: "vi".into(),
                    to: "en".into(),
                    source: source.into(),
                    sent: source.into(),
                    target: target.into(),
                }])
                .unwrap();
            key
        }

        fn sent(&self) -> Vec<String> {
            self.seen.lock().unwrap().concat()
        }

        /// Passes 1, 3, 4 and 5 over `segs`; the plan and the report.
        fn through_fill(&self, segs: &mut [Segment]) -> (Planned, MtReport, Verdicts) {
            let mt = &self.mt;
            let mut report = MtReport::default();
            let mut planned = mt.lookup(segs, &self.entries, &mut report).unwrap();
            let runner = Runner::new(&mt.engine, &TokioSleeper, 0, "vi", "en");
            let mut fetcher = Fetcher::new(mt.tm.as_ref(), &runner);
            let verdicts = block_on(async {
                let outcomes = mt
                    .send_first(segs, &planned, &self.entries, &mut fetcher)
                    .await
                    .unwrap();
                let retries = mt
                    .retry_lost(segs, &planned, &outcomes, &mut fetcher)
                    .await
                    .unwrap();
                mt.fill(segs, &mut planned, &outcomes, &retries, &mut report);
                mt.verify_and_enforce(segs, &mut planned, &self.entries, &mut fetcher, &mut report)
                    .await
                    .unwrap()
            });
            (planned, report, verdicts)
        }
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    fn origins(segs: &[Segment]) -> Vec<Option<Provenance>> {
        segs.iter().map(|s| s.origin.clone()).collect()
    }

    fn codes(seg: &Segment) -> Vec<&str> {
        seg.flags.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn lookup_fills_human_and_memory_targets_and_plans_each_text_once() {
        let mut s = stage(Scripted::new(Vec::new(), 10), &[GlossaryMode::Verify]);
        let mut segs = s.segments("Câu một.\n\nCâu hai.\n\nCâu ba.\n\nCâu ba.");
        assert_eq!(segs.len(), 4);
        let came_from = crate::tm::CorrectionSource {
            file: "f.jsonl".into(),
            line: 1,
            doc: "d".into(),
        };
        s.mt.tm
            .put_correction(&crate::tm::NewCorrection {
                from: "vi",
                to: "en",
                source: "Câu một.",
                target: "One, reviewed.",
                came_from,
            })
            .unwrap();
        let key = s.remember("Câu hai.", "Two, remembered.");
        let mut report = MtReport::default();
        let planned = s.mt.lookup(&mut segs, &s.entries, &mut report).unwrap();
        assert_eq!((report.segments, report.human, report.memory), (4, 1, 1));
        assert_eq!(
            origins(&segs),
            [Some(Provenance::Human), Some(Provenance::Tm), None, None]
        );
        assert_eq!(segs[1].target.as_deref(), Some("Two, remembered."));
        assert_eq!(planned.chosen[1], Some(key));
        assert_eq!(planned.jobs.len(), 1, "identical texts are one job");
        assert_eq!(planned.jobs[0].text, "Câu ba.");
        assert!(matches!(planned.plans[2], Plan::Job { job: 0, .. }));
        assert!(matches!(planned.plans[3], Plan::Job { job: 0, .. }));
        assert!(s.sent().is_empty(), "the lookup sends nothing");
    }

    #[test]
    fn a_dry_run_estimates_with_the_engines_own_token_count_and_sends_nothing() {
        let engine = Scripted {
            by_tokens: true,
            ..Scripted::new(Vec::new(), 2)
        };
        let s = stage(engine, &[GlossaryMode::Verify]);
        let mut segs = s.segments("Một.\n\nHai.\n\nBa.");
        let mut mt = s.mt.dry_run(true);
        let report = block_on(mt.translate(&mut segs, &s.entries, &TokioSleeper)).unwrap();
        assert_eq!((report.sent, report.requests), (3, 2));
        assert_eq!((report.chars, report.chars_sent), (11, 11));
        assert_eq!(report.tokens, 30, "10 a text, by the engine's estimate");
        assert_eq!(report.billing, Billing::Tokens);
        assert!(s.seen.lock().unwrap().is_empty());
        assert!(segs.iter().all(|s| s.target.is_none()));
    }

    #[test]
    fn send_and_fill_give_each_segment_its_engine_target() {
        let s = stage(Scripted::new(Vec::new(), 10), &[]);
        let mut segs = s.segments("Câu ba.\n\nCâu bốn.\n\nCâu ba.");
        let (planned, report, verdicts) = s.through_fill(&mut segs);
        assert_eq!(s.sent(), ["Câu ba.", "Câu bốn."]);
        assert_eq!(
            segs.iter().map(|s| s.target.as_deref()).collect::<Vec<_>>(),
            [Some("CÂU BA."), Some("CÂU BỐN."), Some("CÂU BA.")]
        );
        assert_eq!(
            origins(&segs),
            vec![Some(Provenance::Engine("scripted".into())); 3]
        );
        assert_eq!(planned.chosen[0], planned.chosen[2]);
        assert_eq!(planned.chosen[0].as_ref(), Some(&planned.jobs[0].key));
        assert_eq!(report.failed, 0);
        assert!(
            verdicts.findings.iter().all(Option::is_none),
            "verify is off"
        );
    }

    #[test]
    fn a_failed_request_leaves_the_segment_empty_with_mt_failed() {
        let engine = Scripted::new(vec![Err(EngineError::BadRequest("pair".into()))], 10);
        let s = stage(engine, &[]);
        let mut segs = s.segments("Câu ba.");
        let (planned, report, _) = s.through_fill(&mut segs);
        assert_eq!(report.failed, 1);
        assert_eq!(segs[0].target, None);
        assert_eq!(segs[0].origin, None);
        assert_eq!(codes(&segs[0]), ["mt-failed"]);
        assert!(segs[0].flags[0].message.contains("pair"));
        assert_eq!(planned.chosen[0], None);
    }

    #[test]
    fn a_language_pair_the_engine_lacks_stops_the_run_with_what_to_do() {
        let refusal = EngineError::from_status(400, "That pair is not installed".into(), None);
        assert!(refusal.is_fatal(), "{refusal:?}");
        let s = stage(Scripted::new(vec![Err(refusal)], 10), &[]);
        let mut segs = s.segments("Câu một.\n\nCâu hai.");
        let mut mt = s.mt;
        let report = block_on(mt.translate(&mut segs, &s.entries, &TokioSleeper)).unwrap();
        let why = report.stopped.expect("the run stopped");
        assert!(
            why.contains("does not translate this language pair") && why.contains("--from/--to"),
            "{why}"
        );
        assert_eq!(report.failed, 2);
        // Other refusals still fail the batch alone.
        let other = EngineError::from_status(400, "text too odd".into(), None);
        assert!(!other.is_fatal(), "{other:?}");
    }

    /// Drops every placeholder.
    fn loses_placeholders(t: &str) -> String {
        t.replace("{{1}}", "").to_uppercase()
    }

    #[test]
    fn lost_placeholders_are_sent_again_unprotected_and_flagged() {
        let engine = Scripted::new(Vec::new(), 10).replying(loses_placeholders);
        let s = stage(engine, &[GlossaryMode::Protect]);
        let mut segs = s.segments("Bộ Công an họp.");
        let (planned, report, _) = s.through_fill(&mut segs);
        // The unprotected re-send went out once, in the first pipeline.
        assert_eq!(s.sent(), ["{{1}} họp.", "Bộ Công an họp."]);
        assert_eq!(segs[0].target.as_deref(), Some("BỘ CÔNG AN HỌP."));
        assert_eq!(codes(&segs[0]), ["placeholder-lost"]);
        assert_eq!(segs[0].flags[0].severity, Severity::Warning);
        assert_eq!(planned.chosen[0], Some(s.mt.key("Bộ Công an họp.", false)));
        assert_eq!(report.failed, 0);
    }

    #[test]
    fn the_placeholder_retry_takes_the_memory_before_sending() {
        let engine = Scripted::new(Vec::new(), 10).replying(loses_placeholders);
        let mut s = stage(engine, &[GlossaryMode::Protect]);
        let key = s.remember("Bộ Công an họp.", "The ministry met.");
        let mut segs = s.segments("Bộ Công an họp.");
        let mut report = MtReport::default();
        let planned = s.mt.lookup(&mut segs, &s.entries, &mut report).unwrap();
        let lost = vec![Outcome::Translated(" HỌP.".into())];
        let runner = Runner::new(&s.mt.engine, &TokioSleeper, 0, "vi", "en");
        let mut fetcher = Fetcher::new(s.mt.tm.as_ref(), &runner);
        let retries = block_on(s.mt.retry_lost(&segs, &planned, &lost, &mut fetcher)).unwrap();
        assert!(retries.jobs.is_empty());
        assert!(matches!(
            retries.of.get(&0),
            Some(Retry::Memory { key: k, target }) if *k == key && target == "The ministry met."
        ));
        assert!(s.sent().is_empty());
    }

    /// Renders the term as its forbidden translation; keeps placeholders.
    fn forbidden_rendering(t: &str) -> String {
        t.replace("Bộ Công an", "Ministry of Police")
    }

    #[test]
    fn targets_failing_the_check_are_sent_again_protected_and_fixed() {
        let engine = Scripted::new(Vec::new(), 10).replying(forbidden_rendering);
        let mut s = stage(engine, &[GlossaryMode::Verify]);
        let mut segs = s.segments("Bộ Công an họp.");
        let (planned, mut report, verdicts) = s.through_fill(&mut segs);
        assert_eq!(s.sent(), ["Bộ Công an họp.", "{{1}} họp."]);
        assert_eq!(
            segs[0].target.as_deref(),
            Some("Ministry of Public Security họp.")
        );
        assert_eq!((report.enforced, report.enforced_fixed), (1, 1));
        assert_eq!(planned.chosen[0], Some(s.mt.key("{{1}} họp.", true)));
        assert_eq!(verdicts.superseded, [s.mt.key("Bộ Công an họp.", false)]);
        assert_eq!(verdicts.findings[0].as_deref(), Some(&[][..]));
        // The finish: no term flag, the segment counts as compliant.
        s.mt.finish(&mut segs, &planned.chosen, verdicts, &mut report)
            .unwrap();
        assert_eq!(codes(&segs[0]), Vec::<&str>::new());
        assert_eq!((report.term_segments, report.term_compliant), (1, 1));
    }

    #[test]
    fn the_finish_flags_targets_still_failing_the_check() {
        // Placeholders lost too: the protected re-send cannot fix it.
        fn broken(t: &str) -> String {
            loses_placeholders(&forbidden_rendering(t))
        }
        let engine = Scripted::new(Vec::new(), 10).replying(broken);
        let mut s = stage(engine, &[GlossaryMode::Verify]);
        let mut segs = s.segments("Bộ Công an họp.");
        let (planned, mut report, verdicts) = s.through_fill(&mut segs);
        assert_eq!((report.enforced, report.enforced_fixed), (1, 0));
        s.mt.finish(&mut segs, &planned.chosen, verdicts, &mut report)
            .unwrap();
        assert!(
            codes(&segs[0]).contains(&"term-forbidden"),
            "{:?}",
            segs[0].flags
        );
        assert_eq!((report.term_segments, report.term_compliant), (1, 0));
    }
}
