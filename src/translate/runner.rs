//! The one runner every engine goes through.
//!
//! Contract of [`Runner::run`]: **expects** jobs with distinct keys (the
//! caller sends identical segments once); **returns** exactly one
//! [`Outcome`] per job, in job order, translated or failed with a reason,
//! and calls `on_batch` with each batch's outcomes as soon as that batch is
//! done (the translation memory commits there, so a killed run loses at most
//! the batches in flight). It never sends a job twice once it has a good
//! reply for it.
//!
//! Batching: consecutive jobs up to the engine's segment and character
//! limits (a job longer than the character limit goes alone). Concurrency:
//! a semaphore of `limits.concurrency` permits, held only while a request is
//! in flight; batches start from a queue, follow-ups
//! ([`Runner::run_pipelined`]) at its head. Retries: `RateLimited` and
//! `Transient` up to `max_retries` times, waiting the server's `Retry-After` when given (capped) or an
//! exponential backoff with full jitter (base 500 ms, cap 30 s); `TooLarge`
//! and `BadOutput` split the batch in halves, a single segment gets one
//! more try; `BadRequest` fails the batch; `Quota`, `Auth` and `Unsupported` (a
//! language pair the engine lacks) stop the run: every job not yet done
//! fails with that reason. The clock is a [`Sleeper`]
//! so tests run without waiting.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use tokio::sync::{Semaphore, SemaphorePermit};

use super::{Engine, EngineError};

/// The clock: waits, and tells the time. Injectable so that retry and
/// rate-limit tests run instantly on a virtual clock.
pub trait Sleeper: Send + Sync {
    /// Sleeps for `d`.
    fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
    /// The current time (the rate limit spaces request starts by it).
    fn now(&self) -> std::time::Instant {
        std::time::Instant::now()
    }
}

/// The real clock.
#[derive(Debug, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(tokio::time::sleep(d))
    }
}

/// One segment to translate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Its translation-memory key.
    pub key: String,
    /// The text sent (NFC, placeholders in protect mode).
    pub text: String,
}

/// What happened to one job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The engine's translation.
    Translated(String),
    /// Why there is none.
    Failed(String),
}

/// Counts for the summary: this run's facts only.
#[derive(Debug, Default)]
pub struct Stats {
    /// HTTP requests that reached the server (a refused connection is
    /// none).
    pub requests: AtomicUsize,
    /// Requests repeated after a failure.
    pub retries: AtomicUsize,
    /// Characters of the requests that reached the server, retries
    /// included.
    pub chars_sent: AtomicUsize,
    /// Characters of the requests the server answered successfully (status
    /// 200, even when the reply then proved unusable): what a provider
    /// billing by the source character bills.
    pub chars_billed: AtomicUsize,
}

/// Drives one engine.
pub struct Runner<'a, E: Engine> {
    engine: &'a E,
    sleeper: &'a dyn Sleeper,
    max_retries: u32,
    from: String,
    to: String,
    /// Counters, readable after [`Runner::run`].
    pub stats: Stats,
    rng: AtomicU64,
    /// Minimum time between request starts, and when the next may start.
    pacing: Option<(Duration, Mutex<std::time::Instant>)>,
    /// Keys of the jobs that reached the server at least once.
    sent: Mutex<std::collections::HashSet<String>>,
    /// The error that stopped the run (quota, authentication, unreachable).
    stopped_by: Mutex<Option<EngineError>>,
}

/// Longest wait the runner accepts from a `Retry-After` header.
const RETRY_AFTER_CAP: Duration = Duration::from_secs(120);
const BACKOFF_BASE: Duration = Duration::from_millis(500);
const BACKOFF_CAP: Duration = Duration::from_secs(30);

impl<'a, E: Engine> Runner<'a, E> {
    /// A runner for `engine` translating `from` → `to`.
    pub fn new(
        engine: &'a E,
        sleeper: &'a dyn Sleeper,
        max_retries: u32,
        from: &str,
        to: &str,
    ) -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
            | 1;
        Runner {
            engine,
            sleeper,
            max_retries,
            from: from.into(),
            to: to.into(),
            stats: Stats::default(),
            rng: AtomicU64::new(seed),
            pacing: None,
            sent: Mutex::new(std::collections::HashSet::new()),
            stopped_by: Mutex::new(None),
        }
    }

    /// Starts at most `per_second` requests per second (a rate limit on
    /// top of the concurrency limit; `[engines.NAME] requests_per_second`),
    /// by the injected clock.
    pub fn with_rate(mut self, per_second: Option<f64>) -> Self {
        let now = self.sleeper.now();
        self.pacing = per_second
            .filter(|r| *r > 0.0 && r.is_finite())
            .map(|r| (Duration::from_secs_f64(1.0 / r), Mutex::new(now)));
        self
    }

    /// Waits for this request's turn under the rate limit.
    async fn pace(&self) {
        let Some((interval, next)) = &self.pacing else {
            return;
        };
        let wait = {
            let mut next = next.lock().expect("not poisoned");
            let now = self.sleeper.now();
            let start = (*next).max(now);
            *next = start + *interval;
            start - now
        };
        if !wait.is_zero() {
            self.sleeper.sleep(wait).await;
        }
    }

    /// Did the job with this key reach the server (in any call of
    /// [`Runner::run`] so far)?
    pub fn was_sent(&self, key: &str) -> bool {
        self.sent.lock().expect("not poisoned").contains(key)
    }

    /// The error that stopped the run, if one did.
    pub fn stopped_by(&self) -> Option<EngineError> {
        self.stopped_by.lock().expect("not poisoned").clone()
    }

    /// (engine name, source language, target language).
    pub fn describe(&self) -> (String, String, String) {
        (
            self.engine.name().to_owned(),
            self.from.clone(),
            self.to.clone(),
        )
    }

    /// The batches `jobs` would be sent in (index ranges), within the
    /// engine's limits.
    pub fn plan(&self, jobs: &[Job]) -> Vec<std::ops::Range<usize>> {
        let limits = self.engine.limits();
        let mut out = Vec::new();
        let mut start = 0;
        let mut chars = 0;
        for (i, j) in jobs.iter().enumerate() {
            let n = j.text.chars().count();
            if i > start && (i - start >= limits.max_segments || chars + n > limits.max_chars) {
                out.push(start..i);
                start = i;
                chars = 0;
            }
            chars += n;
        }
        if start < jobs.len() {
            out.push(start..jobs.len());
        }
        out
    }

    /// Translates every job (see the module documentation).
    pub async fn run(
        &self,
        jobs: &[Job],
        mut on_batch: impl FnMut(&[(usize, Outcome)]),
    ) -> Vec<Outcome> {
        let (_, outcomes) = self
            .run_pipelined(
                jobs.to_vec(),
                |_, _| Vec::new(),
                |_, done| {
                    on_batch(done);
                    std::future::ready(())
                },
            )
            .await;
        outcomes
    }

    /// [`Runner::run`] with follow-ups and asynchronous commits, in one
    /// pipeline. When a batch's replies arrive, `follow_up` sees them and
    /// may return new jobs (a re-send with terms protected, say): they are
    /// sent next, ahead of the batches not yet started, while the other
    /// batches are in flight (a follow-up whose key is already a job is
    /// dropped). `commit` starts storing the batch and returns a future
    /// that resolves once it is stored: a job counts as done only then, and
    /// this returns only when every commit has resolved. Returns every job
    /// (the given ones, then the follow-ups) and its outcome.
    ///
    /// At most twice `limits.concurrency` batches are under way at once
    /// (in flight, or waiting for a permit or a retry), so a follow-up
    /// waits behind at most one round of requests, never the whole queue.
    pub async fn run_pipelined<F, C, Fut>(
        &self,
        mut jobs: Vec<Job>,
        mut follow_up: F,
        mut commit: C,
    ) -> (Vec<Job>, Vec<Outcome>)
    where
        F: FnMut(&[Job], &[(usize, Outcome)]) -> Vec<Job>,
        C: FnMut(&[Job], &[(usize, Outcome)]) -> Fut,
        Fut: Future<Output = ()>,
    {
        enum Event<'s> {
            // A batch's replies, and the permit of its last request.
            Replied(Vec<(usize, Outcome)>, Option<SemaphorePermit<'s>>),
            Committed(Vec<(usize, Outcome)>),
        }
        let concurrency = self.engine.limits().concurrency.max(1);
        let semaphore = Semaphore::new(concurrency);
        let stop: Mutex<Option<String>> = Mutex::new(None);
        let stopped = AtomicBool::new(false);
        let mut keys: std::collections::HashSet<String> =
            jobs.iter().map(|j| j.key.clone()).collect();
        let mut queue: std::collections::VecDeque<std::ops::Range<usize>> = self.plan(&jobs).into();
        let mut running: FuturesUnordered<Pin<Box<dyn Future<Output = Event> + '_>>> =
            FuturesUnordered::new();
        let mut under_way = 0;
        let mut outcomes: Vec<Option<Outcome>> = Vec::new();
        loop {
            while under_way < 2 * concurrency
                && let Some(r) = queue.pop_front()
            {
                let batch = self.batch(
                    jobs[r.clone()].to_vec(),
                    r.start,
                    &semaphore,
                    &stop,
                    &stopped,
                );
                running.push(Box::pin(async move {
                    let (done, permit) = batch.await;
                    Event::Replied(done, permit)
                }));
                under_way += 1;
            }
            let Some(event) = running.next().await else {
                break;
            };
            match event {
                Event::Replied(done, permit) => {
                    under_way -= 1;
                    let base = jobs.len();
                    let next = follow_up(&jobs, &done);
                    jobs.extend(next.into_iter().filter(|j| keys.insert(j.key.clone())));
                    for r in self.plan(&jobs[base..]).into_iter().rev() {
                        queue.push_front(r.start + base..r.end + base);
                    }
                    // The permit is held until the batch is stored: requests
                    // in flight plus replies not yet stored never exceed
                    // the concurrency, so a killed run loses no more than
                    // that.
                    let stored = commit(&jobs, &done);
                    running.push(Box::pin(async move {
                        stored.await;
                        drop(permit);
                        Event::Committed(done)
                    }));
                }
                Event::Committed(done) => {
                    for (i, o) in done {
                        if outcomes.len() <= i {
                            outcomes.resize(i + 1, None);
                        }
                        outcomes[i] = Some(o);
                    }
                }
            }
        }
        outcomes.resize(jobs.len(), None);
        let outcomes = outcomes
            .into_iter()
            .map(|o| o.unwrap_or_else(|| Outcome::Failed("not translated".into())))
            .collect();
        (jobs, outcomes)
    }

    /// One planned batch, with its retries and splits.
    /// `jobs` are the batch's, the first being job number `base` of the
    /// run; the outcomes carry run-wide job numbers. Returns them with the
    /// permit of the batch's last request (none if nothing was sent).
    async fn batch<'s>(
        &self,
        jobs: Vec<Job>,
        base: usize,
        semaphore: &'s Semaphore,
        stop: &Mutex<Option<String>>,
        stopped: &AtomicBool,
    ) -> (Vec<(usize, Outcome)>, Option<SemaphorePermit<'s>>) {
        let (mut done, permit) = self.batch_local(&jobs, semaphore, stop, stopped).await;
        for (i, _) in &mut done {
            *i += base;
        }
        (done, permit)
    }

    /// [`Runner::batch`] with batch-local job numbers.
    async fn batch_local<'s>(
        &self,
        jobs: &[Job],
        semaphore: &'s Semaphore,
        stop: &Mutex<Option<String>>,
        stopped: &AtomicBool,
    ) -> (Vec<(usize, Outcome)>, Option<SemaphorePermit<'s>>) {
        let mut done = Vec::new();
        let mut last_permit = None;
        // Ranges still to send, with the number of bad-output tries so far.
        let mut work = vec![(0..jobs.len(), 0u32)];
        while let Some((r, bad_tries)) = work.pop() {
            if stopped.load(Ordering::Relaxed) {
                let why = stop
                    .lock()
                    .expect("not poisoned")
                    .clone()
                    .unwrap_or_default();
                done.extend(r.map(|i| (i, Outcome::Failed(why.clone()))));
                continue;
            }
            let texts: Vec<String> = jobs[r.clone()].iter().map(|j| j.text.clone()).collect();
            // A split batch's next request needs a permit of its own.
            drop(last_permit.take());
            let Some((result, reached, permit)) =
                self.send_with_retries(&texts, semaphore, stopped).await
            else {
                // The run stopped while this batch waited for its turn.
                work.push((r, bad_tries));
                continue;
            };
            last_permit = Some(permit);
            if reached {
                let mut sent = self.sent.lock().expect("not poisoned");
                sent.extend(jobs[r.clone()].iter().map(|j| j.key.clone()));
            }
            match result {
                Ok(out) => done.extend(r.zip(out).map(|(i, t)| (i, Outcome::Translated(t)))),
                Err(e) if e.is_fatal() => {
                    let why = format!("{}: {e}; the run stopped", self.engine.name());
                    self.stopped_by
                        .lock()
                        .expect("not poisoned")
                        .get_or_insert_with(|| e.clone());
                    *stop.lock().expect("not poisoned") = Some(why.clone());
                    stopped.store(true, Ordering::Relaxed);
                    done.extend(r.map(|i| (i, Outcome::Failed(why.clone()))));
                }
                Err(EngineError::TooLarge(_) | EngineError::BadOutput(_)) if r.len() > 1 => {
                    let mid = r.start + r.len() / 2;
                    work.push((mid..r.end, 0));
                    work.push((r.start..mid, 0));
                }
                Err(EngineError::BadOutput(_)) if bad_tries == 0 => work.push((r, 1)),
                Err(e) => {
                    let why = format!("{}: {e}", self.engine.name());
                    done.extend(r.map(|i| (i, Outcome::Failed(why.clone()))));
                }
            }
        }
        (done, last_permit)
    }

    /// One request, retried while the error says retrying can help,
    /// whether any attempt reached the server, and the permit of the last
    /// attempt; `None` when the run stopped before it was sent.
    async fn send_with_retries<'s>(
        &self,
        texts: &[String],
        semaphore: &'s Semaphore,
        stopped: &AtomicBool,
    ) -> Option<(Result<Vec<String>, EngineError>, bool, SemaphorePermit<'s>)> {
        let mut attempt = 0u32;
        let mut reached = false;
        let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
        loop {
            let (result, permit) = {
                let permit = semaphore
                    .acquire()
                    .await
                    .expect("the semaphore is never closed");
                // The run may have stopped while this request waited.
                if stopped.load(Ordering::Relaxed) {
                    return None;
                }
                self.pace().await;
                // Server text, scrubbed of secrets before it can become a
                // flag, a memory row or an output.
                let result = self
                    .engine
                    .translate(texts, &self.from, &self.to)
                    .await
                    .map(|out| out.into_iter().map(crate::secrets::scrub_string).collect())
                    .map_err(EngineError::scrubbed);
                (result, permit)
            };
            // Only requests that reached the server count; only those it
            // answered with a success are billed.
            if !matches!(result, Err(EngineError::Unreachable(_))) {
                reached = true;
                self.stats.requests.fetch_add(1, Ordering::Relaxed);
                self.stats.chars_sent.fetch_add(chars, Ordering::Relaxed);
            }
            if matches!(result, Ok(_) | Err(EngineError::BadOutput(_))) {
                self.stats.chars_billed.fetch_add(chars, Ordering::Relaxed);
            }
            let wait = match &result {
                Err(EngineError::RateLimited {
                    retry_after: Some(d),
                    ..
                }) => (*d).min(RETRY_AFTER_CAP),
                Err(
                    EngineError::RateLimited { .. }
                    | EngineError::Transient(_)
                    | EngineError::Unreachable(_),
                ) => self.backoff(attempt),
                _ => return Some((result, reached, permit)),
            };
            if attempt >= self.max_retries {
                return Some((result, reached, permit));
            }
            // No permit while waiting to retry: others go meanwhile.
            drop(permit);
            attempt += 1;
            self.stats.retries.fetch_add(1, Ordering::Relaxed);
            self.sleeper.sleep(wait).await;
        }
    }

    /// Exponential backoff with full jitter: uniform in [0, min(cap, base·2^attempt)].
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = BACKOFF_BASE
            .saturating_mul(1u32 << attempt.min(16))
            .min(BACKOFF_CAP);
        let mut x = self.rng.load(Ordering::Relaxed);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng.store(x, Ordering::Relaxed);
        ceiling.mul_f64((x % 1_000_001) as f64 / 1_000_000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::Limits;
    use crate::translate::scripted::Scripted;

    #[derive(Default)]
    struct Recorded(Mutex<Vec<Duration>>);
    impl Sleeper for Recorded {
        fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
            self.0.lock().unwrap().push(d);
            Box::pin(async {})
        }
    }

    fn engine(script: Vec<Result<(), EngineError>>, max_segments: usize) -> Scripted {
        Scripted::new(script, max_segments)
    }

    fn jobs(n: usize) -> Vec<Job> {
        (0..n)
            .map(|i| Job {
                key: format!("k{i}"),
                text: format!("t{i}"),
            })
            .collect()
    }

    fn run(e: &Scripted, sleeper: &Recorded, n: usize) -> Vec<Outcome> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let runner = Runner::new(e, sleeper, 3, "vi", "en");
        rt.block_on(runner.run(&jobs(n), |_| {}))
    }

    #[test]
    fn retry_after_and_backoff_are_honoured() {
        let e = engine(
            vec![
                Err(EngineError::RateLimited {
                    status: 429,
                    retry_after: Some(Duration::from_secs(7)),
                }),
                Err(EngineError::RateLimited {
                    status: 429,
                    retry_after: None,
                }),
                Err(EngineError::Transient("500".into())),
            ],
            10,
        );
        let s = Recorded::default();
        let out = run(&e, &s, 3);
        assert!(
            out.iter().all(|o| matches!(o, Outcome::Translated(_))),
            "{out:?}"
        );
        let waits = s.0.lock().unwrap().clone();
        assert_eq!(waits.len(), 3);
        assert_eq!(waits[0], Duration::from_secs(7));
        assert!(
            waits[1] <= Duration::from_secs(1) && waits[2] <= Duration::from_secs(2),
            "{waits:?}"
        );
    }

    #[test]
    fn gives_up_after_max_retries_and_never_retries_bad_requests() {
        let e = engine(vec![Err(EngineError::Transient("503".into())); 4], 10);
        let out = run(&e, &Recorded::default(), 2);
        assert!(out.iter().all(|o| matches!(o, Outcome::Failed(_))));
        assert_eq!(e.seen.lock().unwrap().len(), 4, "1 + 3 retries");
        let e = engine(vec![Err(EngineError::BadRequest("pair".into()))], 10);
        let out = run(&e, &Recorded::default(), 2);
        assert!(matches!(&out[0], Outcome::Failed(m) if m.contains("pair")));
        assert_eq!(e.seen.lock().unwrap().len(), 1);
    }

    #[test]
    fn bad_output_splits_the_batch_and_quota_stops_the_run() {
        let e = engine(vec![Err(EngineError::BadOutput("count".into()))], 10);
        let out = run(&e, &Recorded::default(), 4);
        assert_eq!(
            out,
            (0..4)
                .map(|i| Outcome::Translated(format!("T{i}")))
                .collect::<Vec<_>>()
        );
        let sizes: Vec<usize> = e.seen.lock().unwrap().iter().map(Vec::len).collect();
        assert_eq!(sizes, [4, 2, 2]);
        let e = engine(vec![Err(EngineError::Quota("456".into()))], 1);
        let out = run(&e, &Recorded::default(), 3);
        assert!(
            out.iter()
                .all(|o| matches!(o, Outcome::Failed(m) if m.contains("quota"))),
            "{out:?}"
        );
        assert!(
            e.seen.lock().unwrap().len() <= 2,
            "at most the requests already in flight"
        );
    }

    #[test]
    fn the_rate_limit_spaces_request_starts() {
        let e = engine(Vec::new(), 1);
        let s = Recorded::default();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let runner = Runner::new(&e, &s, 0, "vi", "en").with_rate(Some(10.0));
        let out = rt.block_on(runner.run(&jobs(4), |_| {}));
        assert!(out.iter().all(|o| matches!(o, Outcome::Translated(_))));
        let waits = s.0.lock().unwrap().clone();
        // 4 requests at 10/s: the 2nd, 3rd and 4th wait about 100, 200, 300 ms
        // (the clock does not really wait, so the waits add up).
        assert_eq!(waits.len(), 3, "{waits:?}");
        assert!(
            waits[2] > Duration::from_millis(250) && waits[2] <= Duration::from_millis(300),
            "{waits:?}"
        );
    }

    #[test]
    fn plan_respects_limits() {
        let e = Scripted {
            limits: Limits {
                max_segments: 3,
                max_chars: 5,
                concurrency: 1,
            },
            ..Scripted::new(Vec::new(), 3)
        };
        let s = Recorded::default();
        let r = Runner::new(&e, &s, 0, "vi", "en");
        let js: Vec<Job> = ["ab", "cd", "e", "fgh", "ijklmnop", "q"]
            .iter()
            .map(|t| Job {
                key: (*t).into(),
                text: (*t).into(),
            })
            .collect();
        assert_eq!(r.plan(&js), vec![0..3, 3..4, 4..5, 5..6]);
    }
}
