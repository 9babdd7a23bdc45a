//! Helpers for the machine-translation tests: a clock that does not
//! wait, engine settings, a small glossary, and a run of the pipeline
//! through an engine.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use songngu::config::{Config, EngineConfig, GlossaryMode};
use songngu::glossary::{Entry, Glossary};
use songngu::pipeline::NoProgress;
use songngu::reader::collect_inputs;
use songngu::tm::Tm;
use songngu::translate::runner::Sleeper;
use songngu::translate::stage::{Mt, MtReport};
use songngu::translate::{AnyEngine, Engine};
use songngu::{Pipeline, Segment};

/// A clock that does not wait, and remembers what it was asked: a virtual
/// clock whose time is a fixed start plus every wait so far.
#[derive(Default)]
pub struct NoWait(pub Mutex<Vec<Duration>>);
impl Sleeper for NoWait {
    fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        self.0.lock().unwrap().push(d);
        Box::pin(async {})
    }
    fn now(&self) -> std::time::Instant {
        static START: std::sync::LazyLock<std::time::Instant> =
            std::sync::LazyLock::new(std::time::Instant::now);
        *START + self.0.lock().unwrap().iter().sum::<Duration>()
    }
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A fake server on `rt` answering `method` requests to `route` with
/// `responder` (more routes: [`mount`] them on it).
pub fn fake_server(
    rt: &tokio::runtime::Runtime,
    method: &str,
    route: &str,
    responder: impl wiremock::Respond + 'static,
) -> wiremock::MockServer {
    let server = rt.block_on(wiremock::MockServer::start());
    mount(rt, &server, method, route, responder);
    server
}

/// Makes `server` answer `method` requests to `route` with `responder`.
pub fn mount(
    rt: &tokio::runtime::Runtime,
    server: &wiremock::MockServer,
    method: &str,
    route: &str,
    responder: impl wiremock::Respond + 'static,
) {
    use wiremock::matchers;
    rt.block_on(
        wiremock::Mock::given(matchers::method(method))
            .and(matchers::path(route))
            .respond_with(responder)
            .mount(server),
    );
}

/// The next scripted fault of a fake, if any is left (taken from the front).
pub fn next_fault(
    faults: &Mutex<Vec<wiremock::ResponseTemplate>>,
) -> Option<wiremock::ResponseTemplate> {
    let mut f = faults.lock().unwrap();
    (!f.is_empty()).then(|| f.remove(0))
}

/// `bai.txt` of forty one-sentence paragraphs in `d`, and `c.toml` sending
/// them to the LibreTranslate at `uri` one per request, through `tm.sqlite`.
pub fn forty_sentences_one_per_request(d: &std::path::Path, uri: &str) {
    let article: String = (0..40)
        .map(|i| format!("Câu thứ {i} của bài báo.\n\n"))
        .collect();
    std::fs::write(d.join("bai.txt"), &article).unwrap();
    std::fs::write(
        d.join("c.toml"),
        format!(
            "[glossary]\npaths = []\n[translate]\nengine = \"libretranslate\"\n\
             [engines.libretranslate]\nurl = \"{uri}\"\nbatch_size = 1\nconcurrency = 1\n\
             [tm]\npath = \"tm.sqlite\"\n"
        ),
    )
    .unwrap();
}

/// A LibreTranslate reply: each text of the request's `q` through `f`.
pub fn libre_reply(
    req: &wiremock::Request,
    f: impl Fn(&str) -> String,
) -> wiremock::ResponseTemplate {
    let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
    let out: Vec<String> = body["q"]
        .as_array()
        .map(|q| q.iter().map(|t| f(t.as_str().unwrap_or(""))).collect())
        .unwrap_or_default();
    wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({ "translatedText": out }))
}

/// A request header's value, if it is there and readable.
pub fn header<'r>(req: &'r wiremock::Request, name: &str) -> Option<&'r str> {
    req.headers.get(name).and_then(|v| v.to_str().ok())
}

pub fn settings(url: &str, batch: u32, concurrency: u32) -> EngineConfig {
    EngineConfig {
        url: url.into(),
        concurrency,
        batch_size: batch,
        timeout_s: 2,
        max_retries: 4,
        model: None,
        requests_per_second: None,
        target_variant: None,
        temperature: None,
    }
}

pub fn glossary() -> Glossary {
    let mut mps = Entry::term("Bộ Công an", "Ministry of Public Security");
    mps.forbidden = vec!["Ministry of Police".into()];
    Glossary {
        entries: vec![mps, Entry::term("Ban Bí thư", "Secretariat")],
        files: Vec::new(),
    }
}

/// The article most engine tests translate.
pub const ARTICLE: &str = "Bộ Công an họp với Ban Bí thư.\n\nHội nghị kết thúc. Hội nghị kết thúc.\n\nNgười dân phấn khởi.\n";

/// [`run_mt`] over [`ARTICLE`], terms not protected, the clock not waiting.
pub fn run_article(engine: AnyEngine, tm: &Path) -> (Vec<Vec<Segment>>, MtReport) {
    run_mt(engine, &[ARTICLE], false, tm, &NoWait::default())
}

/// Runs the pipeline with `engine` over `texts` (one document each).
pub fn run_mt(
    engine: AnyEngine,
    texts: &[&str],
    protect: bool,
    tm_path: &Path,
    sleeper: &NoWait,
) -> (Vec<Vec<Segment>>, MtReport) {
    run_mt_paced(engine, texts, protect, tm_path, sleeper, None)
}

/// [`run_mt`] with `[engines.NAME] requests_per_second`.
pub fn run_mt_paced(
    engine: AnyEngine,
    texts: &[&str],
    protect: bool,
    tm_path: &Path,
    sleeper: &NoWait,
    requests_per_second: Option<f64>,
) -> (Vec<Vec<Segment>>, MtReport) {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        let p = dir.path().join(format!("d{i}.txt"));
        std::fs::write(&p, t).unwrap();
        paths.push(p);
    }
    let mut config = Config::default();
    config.glossary.modes = if protect {
        vec![GlossaryMode::Protect, GlossaryMode::Verify]
    } else {
        vec![GlossaryMode::Verify]
    };
    config.output.formats = vec![songngu::formats::Format::Jsonl];
    let g = glossary();
    let settings = &mut config.engines[engine.name()];
    settings.max_retries = 4;
    settings.requests_per_second = requests_per_second;
    let mt = Mt::new(&config, &g, engine, Tm::open(tm_path).unwrap());
    let inputs = collect_inputs(&paths).unwrap();
    let out = dir.path().join("out");
    // The pipeline owns its clock: one that starts where `sleeper` is and
    // hands its waits back.
    let clock = Arc::new(NoWait(Mutex::new(sleeper.0.lock().unwrap().clone())));
    let pipeline = Pipeline::builder(&config, &g)
        .translate(mt)
        .clock(clock.clone())
        .build()
        .unwrap();
    let outcome = pipeline.run(&inputs, &out, &NoProgress).unwrap();
    sleeper
        .0
        .lock()
        .unwrap()
        .clone_from(&clock.0.lock().unwrap());
    let (outcomes, report) = (outcome.documents, outcome.translation.unwrap());
    assert!(outcomes.iter().all(|o| o.result.is_ok()));
    let docs = inputs
        .iter()
        .map(|i| {
            let file = out.join(format!("{}.jsonl", i.out_stem.display()));
            read_segments(&file)
        })
        .collect();
    (docs, report)
}

/// The segments of a run's `NAME.jsonl`, through the library's reader
/// (hits are not read back; span `(0, 0)`).
pub fn read_segments(file: &std::path::Path) -> Vec<Segment> {
    let text = songngu::plaintext::read_utf8(file).unwrap();
    let records: Vec<(usize, songngu::formats::Record)> =
        songngu::formats::read_jsonl(file, &text, "a segment", "as `run` writes it").unwrap();
    records.into_iter().map(|(_, r)| r.into_segment()).collect()
}
