//! The machine-translation stage against a local fake that answers after
//! 100 ms and allows 4 requests in flight (a 5th gets 429): 2,000 distinct
//! segments, batches of 20, concurrency 4. Reports the wall time against
//! the ideal `requests × 100 ms / 4` (target ≤ 1.3×), a one-segment-per-
//! request sequential client on the first 100 segments in the same run
//! (extrapolated to 2,000), and a second run over the same input, which
//! must send 0 requests (everything comes from the translation memory).
//!
//! Second scenario, "enforcement": the same 2,000 segments each hold a
//! glossary term the fake never renders (it upper-cases), so verification
//! fails on every segment and the enforcement loop re-sends every one with
//! its term protected. Three runs, each on a fresh memory; each prints its
//! wall time against the ideal `requests × 100 ms / 4` (re-sends counted),
//! then the median ratio (target ≤ 1.15×).
//!
//! `cargo bench --bench mt` (both scenarios), `cargo bench --bench mt --
//! enforcement` (that one only).

#![allow(missing_docs, clippy::print_stdout)]

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use songngu::config::{Config, EngineConfig, GlossaryMode};
use songngu::glossary::{Entry, Glossary};
use songngu::pipeline::{BatchSettings, NoProgress};
use songngu::reader::collect_inputs;
use songngu::tm::Tm;
use songngu::translate::libretranslate::LibreTranslate;
use songngu::translate::runner::Sleeper;
use songngu::translate::stage::Mt;
use songngu::translate::{AnyEngine, Engine, MtReport};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const LATENCY: Duration = Duration::from_millis(100);

/// Answers after LATENCY; more than 4 requests in flight get 429.
#[derive(Clone, Default)]
struct Fake {
    in_flight: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
    rejected: Arc<AtomicUsize>,
}

impl Respond for Fake {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        self.requests.fetch_add(1, Ordering::SeqCst);
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        // wiremock applies the delay after respond(); count the request as
        // in flight for that long.
        let counter = self.in_flight.clone();
        std::thread::spawn(move || {
            std::thread::sleep(LATENCY);
            counter.fetch_sub(1, Ordering::SeqCst);
        });
        if now > 4 {
            self.rejected.fetch_add(1, Ordering::SeqCst);
            return ResponseTemplate::new(429)
                .set_delay(LATENCY)
                .set_body_json(serde_json::json!({"error": "Slowdown"}));
        }
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
        let out: Vec<String> = body["q"]
            .as_array()
            .map(|q| {
                q.iter()
                    .map(|t| t.as_str().unwrap_or("").to_uppercase())
                    .collect()
            })
            .unwrap_or_default();
        ResponseTemplate::new(200)
            .set_delay(LATENCY)
            .set_body_json(serde_json::json!({ "translatedText": out }))
    }
}

struct RealSleep;
impl Sleeper for RealSleep {
    fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(tokio::time::sleep(d))
    }
}

/// The pipeline of a run: JSONL out, the whole input one chunk, the real clock.
fn pipeline(config: &Config, glossary: &Glossary, mt: Mt) -> songngu::Pipeline {
    let mut config = config.clone();
    config.output.formats = vec![songngu::formats::Format::Jsonl];
    songngu::Pipeline::builder(&config, glossary)
        .translate(mt)
        .batch(BatchSettings {
            chunk: 5000,
            ..BatchSettings::default()
        })
        .clock(Arc::new(RealSleep))
        .build()
        .unwrap()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(MockServer::start());
    let fake = Fake::default();
    rt.block_on(
        Mock::given(method("POST"))
            .and(path("/translate"))
            .respond_with(fake.clone())
            .mount(&server),
    );

    let enforcement_only = std::env::args().any(|a| a == "enforcement");
    if !enforcement_only {
        plain(&rt, &server, &fake);
    }
    enforcement(&server, &fake);
}

/// The article both scenarios translate (2,000 one-sentence paragraphs),
/// the engine settings against the fake, and the inputs.
struct Scenario {
    dir: tempfile::TempDir,
    settings: EngineConfig,
    inputs: Vec<songngu::reader::Input>,
}

fn scenario(server: &MockServer) -> Scenario {
    let dir = tempfile::tempdir().unwrap();
    let article: String = (0..2000)
        .map(|i| format!("Câu số {i} của bài báo mẫu.\n\n"))
        .collect();
    std::fs::write(dir.path().join("bai.txt"), &article).unwrap();
    let settings = EngineConfig {
        url: server.uri(),
        concurrency: 4,
        batch_size: 20,
        timeout_s: 30,
        max_retries: 5,
        ..EngineConfig::default()
    };
    let inputs = collect_inputs(&[dir.path().join("bai.txt")]).unwrap();
    Scenario {
        dir,
        settings,
        inputs,
    }
}

/// One translated run through a fresh engine and the memory at `tm_path`:
/// its wall time and report.
fn timed_run(
    settings: &EngineConfig,
    config: &Config,
    glossary: &Glossary,
    tm_path: &std::path::Path,
    inputs: &[songngu::reader::Input],
    dir: &std::path::Path,
) -> (f64, MtReport) {
    let engine = AnyEngine::new(LibreTranslate::with_key(settings, None).unwrap());
    let mt = Mt::new(config, glossary, engine, Tm::open(tm_path).unwrap());
    let pipeline = pipeline(config, glossary, mt);
    let t = Instant::now();
    let report = pipeline
        .run(inputs, &dir.join("out"), &NoProgress)
        .unwrap()
        .translation
        .unwrap();
    (t.elapsed().as_secs_f64(), report)
}

/// The enforcement scenario (see the module documentation).
fn enforcement(server: &MockServer, fake: &Fake) {
    let Scenario {
        dir,
        settings,
        inputs,
    } = scenario(server);
    let mut config = Config::default();
    config.glossary.modes = vec![GlossaryMode::Verify];
    let glossary = Glossary {
        entries: vec![Entry::term("bài báo", "news article")],
        files: Vec::new(),
    };
    let mut ratios = Vec::new();
    for run in 1..=3 {
        let tm_path = dir.path().join(format!("tm{run}.sqlite"));
        let before = fake.rejected.load(Ordering::SeqCst);
        let (secs, report) =
            timed_run(&settings, &config, &glossary, &tm_path, &inputs, dir.path());
        let ideal = report.requests as f64 * LATENCY.as_secs_f64() / 4.0;
        let ratio = secs / ideal;
        assert_eq!(
            (report.enforced, report.enforced_fixed, report.failed),
            (2000, 2000, 0),
            "the enforcement loop fires and fixes every segment: {report:?}"
        );
        println!(
            "enforcement run {run}: {secs:.2} s, {} request(s) ({} re-sent segment(s)), ideal {ideal:.2} s, ratio {ratio:.2}x; 429s from the fake: {}",
            report.requests,
            report.enforced,
            fake.rejected.load(Ordering::SeqCst) - before
        );
        ratios.push(ratio);
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "enforcement: median ratio {:.2}x (target <= 1.15x)",
        ratios[ratios.len() / 2]
    );
}

/// The plain scenario (see the module documentation).
fn plain(rt: &tokio::runtime::Runtime, server: &MockServer, fake: &Fake) {
    let Scenario {
        dir,
        settings,
        inputs,
    } = scenario(server);
    // Neither protect nor verify.
    let mut config = Config::default();
    config.glossary.modes = Vec::new();
    let glossary = Glossary::default();
    let tm_path = dir.path().join("tm.sqlite");
    let run = |label: &str| {
        let before = fake.requests.load(Ordering::SeqCst);
        let (secs, report) =
            timed_run(&settings, &config, &glossary, &tm_path, &inputs, dir.path());
        let requests = fake.requests.load(Ordering::SeqCst) - before;
        println!(
            "{label}: {:.2} s, {requests} request(s), {} segment(s) sent, {} failed",
            secs, report.sent, report.failed
        );
        (secs, requests, report)
    };
    let (secs, requests, report) = run("first run ");
    let ideal = report.requests as f64 * LATENCY.as_secs_f64() / 4.0;
    println!(
        "  ideal (requests x 100 ms / 4) = {ideal:.2} s; ratio = {:.2}x (target <= 1.3x); 429s from the fake: {}",
        secs / ideal,
        fake.rejected.load(Ordering::SeqCst)
    );
    let _ = requests;
    let (_, second_requests, _) = run("second run");
    println!("  second run sent {second_requests} request(s) (target 0)");

    // Baseline: one segment per request, sequential, first 100 segments.
    let engine = LibreTranslate::with_key(
        &EngineConfig {
            concurrency: 1,
            batch_size: 1,
            ..settings.clone()
        },
        None,
    )
    .unwrap();
    let t = Instant::now();
    rt.block_on(async {
        for i in 0..100 {
            engine
                .translate(&[format!("Câu số {i} của bài báo mẫu.")], "vi", "en")
                .await
                .unwrap();
        }
    });
    let per = t.elapsed().as_secs_f64() / 100.0;
    println!(
        "baseline one-segment sequential client: {:.3} s per segment, {:.1} s extrapolated to 2,000; songngu is {:.0}x faster",
        per,
        per * 2000.0,
        per * 2000.0 / secs
    );
}
