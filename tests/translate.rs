#![allow(clippy::print_stderr)] // a skipped test says why
//! Machine translation end to end: wiremock fakes of the Apertium APy and
//! LibreTranslate protocols with injected faults, the translation memory
//! (resume after kill -9, human corrections), the canary key, and the real
//! Apertium APy server when it is installed (`SONGNGU_REQUIRE_APERTIUM=1`
//! makes its absence a failure).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::mt::{
    ARTICLE, NoWait, fake_server, mount, next_fault, run_article, run_mt, runtime, settings,
};

use songngu::document::{FlagCode, Provenance};
use songngu::translate::{AnyEngine, apertium::Apertium, libretranslate::LibreTranslate};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn form_value(body: &[u8], key: &str) -> Option<String> {
    let body = std::str::from_utf8(body).ok()?;
    for pair in body.split('&') {
        let (k, v) = pair.split_once('=')?;
        if k == key {
            let v = v.replace('+', " ");
            let mut out = Vec::new();
            let b = v.as_bytes();
            let mut i = 0;
            while i < b.len() {
                if b[i] == b'%' && i + 2 < b.len() {
                    out.push(
                        u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).ok()?, 16).ok()?,
                    );
                    i += 3;
                } else {
                    out.push(b[i]);
                    i += 1;
                }
            }
            return String::from_utf8(out).ok();
        }
    }
    None
}

/// The fake's "translation": upper case, placeholders kept.
fn fake_translate(s: &str) -> String {
    s.to_uppercase()
}

/// What a run makes of a source: the fake's output, except that segments
/// whose terms the fake drops are sent again protected (the enforcement
/// loop) and get the approved targets.
fn expected(source: &str) -> String {
    match source {
        "Bộ Công an họp với Ban Bí thư." => {
            "Ministry of Public Security HỌP VỚI Secretariat.".into()
        }
        "Ban Bí thư họp." => "Secretariat HỌP.".into(),
        s => fake_translate(s),
    }
}

/// An APy fake, faithful to the observed protocol: form body, one `q`,
/// paragraphs kept, the JSON envelope. `faults` are served first, one per
/// request; then it answers normally.
struct Apy {
    faults: Mutex<Vec<ResponseTemplate>>,
    /// Truncate the next N replies (drop the last paragraph), like APy under load.
    truncate: AtomicUsize,
    /// Every `q` received.
    seen: Mutex<Vec<String>>,
}

impl Apy {
    fn new(faults: Vec<ResponseTemplate>) -> Self {
        Apy {
            faults: Mutex::new(faults),
            truncate: AtomicUsize::new(0),
            seen: Mutex::new(Vec::new()),
        }
    }
}

impl Respond for Apy {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        if form_value(&req.body, "markUnknown").as_deref() != Some("no")
            || form_value(&req.body, "langpair").is_none()
        {
            return ResponseTemplate::new(400).set_body_json(serde_json::json!({"status":"error","code":400,"message":"Bad Request","explanation":"Missing argument langpair"}));
        }
        let q = form_value(&req.body, "q").unwrap_or_default();
        self.seen.lock().unwrap().push(q.clone());
        if let Some(f) = next_fault(&self.faults) {
            return f;
        }
        let mut paras: Vec<String> = q.split("\n\n").map(fake_translate).collect();
        if self.truncate.load(Ordering::SeqCst) > 0 && paras.len() > 1 {
            self.truncate.fetch_sub(1, Ordering::SeqCst);
            paras.pop();
        }
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "responseData": {"translatedText": paras.join("\n\n")}, "responseDetails": null, "responseStatus": 200
        }))
    }
}

#[test]
fn apertium_faults_every_segment_translated_once_or_flagged() {
    let rt = runtime();
    let apy = Apy::new(vec![
        ResponseTemplate::new(429).insert_header("Retry-After", "3"),
        ResponseTemplate::new(429),
        ResponseTemplate::new(500),
        ResponseTemplate::new(503).set_body_json(
            serde_json::json!({"status":"error","code":503,"explanation":"internal error"}),
        ),
        ResponseTemplate::new(200).set_body_string("{not json"),
        ResponseTemplate::new(200)
            .set_delay(Duration::from_secs(4))
            .set_body_string("late"),
    ]);
    let server = fake_server(&rt, "POST", "/translate", apy);
    let tm = tempfile::tempdir().unwrap();
    let sleeper = NoWait::default();
    let engine = AnyEngine::new(Apertium::new(&settings(&server.uri(), 20, 1)).unwrap());
    let (docs, report) = run_mt(
        engine,
        &[ARTICLE],
        true,
        &tm.path().join("tm.sqlite"),
        &sleeper,
    );
    let segs = &docs[0];
    assert_eq!(segs.len(), 4);
    for s in segs {
        assert_eq!(
            s.target.as_deref(),
            Some(
                s.source
                    .to_uppercase()
                    .replace("BỘ CÔNG AN", "Ministry of Public Security")
                    .replace("BAN BÍ THƯ", "Secretariat")
                    .as_str()
            ),
            "{s:?}"
        );
        assert_eq!(s.origin, Some(Provenance::Engine("apertium".into())));
    }
    // The identical sentence was sent once; the retry waits honoured Retry-After.
    assert_eq!(report.sent, 3, "{report:?}");
    let waits = sleeper.0.lock().unwrap().clone();
    assert_eq!(waits[0], Duration::from_secs(3));
    assert_eq!(report.retries, 5, "429 ×2, 500, 503, timeout: {report:?}");
    // Protected terms travelled as placeholders.
    let requests = rt.block_on(server.received_requests()).unwrap();
    let qs: Vec<String> = requests
        .iter()
        .map(|r| form_value(&r.body, "q").unwrap())
        .collect();
    assert!(
        qs.iter().any(|q| q.contains("{{1}} họp với {{2}}.")),
        "{qs:?}"
    );
    assert!(
        qs.iter().all(|q| q.ends_with("{{999999}}")),
        "the end sentinel: {qs:?}"
    );
}

#[test]
fn apertium_truncated_replies_are_split_never_written() {
    let rt = runtime();
    let apy = Apy::new(Vec::new());
    apy.truncate.store(2, Ordering::SeqCst);
    let server = fake_server(&rt, "POST", "/translate", apy);
    let tm = tempfile::tempdir().unwrap();
    let engine = AnyEngine::new(Apertium::new(&settings(&server.uri(), 20, 2)).unwrap());
    let (docs, report) = run_article(engine, &tm.path().join("tm.sqlite"));
    for s in &docs[0] {
        assert_eq!(s.target.as_deref(), Some(expected(&s.source).as_str()));
    }
    assert!(
        report.requests >= 3,
        "the truncated batch was split: {report:?}"
    );
    assert_eq!(report.failed, 0);
}

#[test]
fn quota_and_bad_requests_flag_segments_and_stop() {
    let rt = runtime();
    let server = fake_server(&rt, "POST", "/translate", ResponseTemplate::new(400).set_body_json(serde_json::json!({"status":"error","code":400,"explanation":"That pair is not installed"})));
    let tm = tempfile::tempdir().unwrap();
    let engine = AnyEngine::new(Apertium::new(&settings(&server.uri(), 20, 1)).unwrap());
    let (docs, report) = run_article(engine, &tm.path().join("tm.sqlite"));
    assert_eq!(report.failed, 4);
    for s in &docs[0] {
        assert!(s.target.is_none());
        assert!(
            s.flags
                .iter()
                .any(|f| f.code == FlagCode::MtFailed && f.message.contains("not installed")),
            "{s:?}"
        );
    }
    assert_eq!(
        rt.block_on(server.received_requests()).unwrap().len(),
        1,
        "bad requests are not retried"
    );
}

/// A LibreTranslate fake: JSON body with a `q` array.
struct Libre {
    fewer_first: AtomicUsize,
    key: Option<String>,
}

impl Libre {
    /// Every reply whole; only `key` accepted (none needed when `None`).
    fn answering(key: Option<&str>) -> Libre {
        Libre {
            fewer_first: AtomicUsize::new(0),
            key: key.map(str::to_owned),
        }
    }
}

impl Respond for Libre {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
        if let Some(k) = &self.key
            && body["api_key"].as_str() != Some(k)
        {
            return ResponseTemplate::new(403)
                .set_body_json(serde_json::json!({"error": "Invalid API key"}));
        }
        if body["source"] != "vi" || body["target"] != "en" || body["format"] != "text" {
            return ResponseTemplate::new(400)
                .set_body_json(serde_json::json!({"error": "Invalid request"}));
        }
        let mut out: Vec<String> = body["q"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| fake_translate(q.as_str().unwrap()))
            .collect();
        if self.fewer_first.load(Ordering::SeqCst) > 0 && out.len() > 1 {
            self.fewer_first.fetch_sub(1, Ordering::SeqCst);
            out.pop();
        }
        ResponseTemplate::new(200).set_body_json(serde_json::json!({ "translatedText": out }))
    }
}

#[test]
fn libretranslate_fewer_texts_and_rate_limits() {
    let rt = runtime();
    let server = rt.block_on(MockServer::start());
    rt.block_on(
        Mock::given(method("POST"))
            .and(path("/translate"))
            .respond_with(
                ResponseTemplate::new(429)
                    .set_body_json(serde_json::json!({"error":"Slowdown: 30 per 1 minute"})),
            )
            .up_to_n_times(2)
            .with_priority(1)
            .mount(&server),
    );
    rt.block_on(
        Mock::given(method("POST"))
            .and(path("/translate"))
            .respond_with(Libre {
                fewer_first: AtomicUsize::new(1),
                key: None,
            })
            .with_priority(2)
            .mount(&server),
    );
    let tm = tempfile::tempdir().unwrap();
    let engine =
        AnyEngine::new(LibreTranslate::with_key(&settings(&server.uri(), 20, 2), None).unwrap());
    let (docs, report) = run_mt(
        engine,
        &[ARTICLE, "Ban Bí thư họp.\n"],
        false,
        &tm.path().join("tm.sqlite"),
        &NoWait::default(),
    );
    assert_eq!(report.failed, 0, "{report:?}");
    for d in &docs {
        for s in d {
            assert_eq!(s.target.as_deref(), Some(expected(&s.source).as_str()));
            assert!(!s.flags.iter().any(|f| f.code.is_term()), "{:?}", s.flags);
        }
    }
    // Verify mode: the fake keeps Vietnamese terms, so the approved English
    // is missing; both segments went again with their terms protected.
    assert_eq!(
        (report.enforced, report.enforced_fixed),
        (2, 2),
        "{report:?}"
    );
    assert_eq!(report.term_compliant, report.term_segments);
}

/// LibreTranslate's refusals as its `app.py` writes them: a pair it does
/// not offer (a 400 its translate route wraps in a 500 "Cannot translate
/// text: …") and a ban stop the run at the first request; a server that
/// needs a key and got none says so and stops; `--batch-limit` ("request
/// (N) exceeds text limit (L)") splits the batch.
#[test]
fn libretranslate_refusals_as_its_server_writes_them() {
    let rt = runtime();
    let stops = [
        (
            500,
            "Cannot translate text: 400 Bad Request: English (en) is not available as a target language from Vietnamese (vi)",
            "does not translate this language pair",
        ),
        (
            400,
            "Please contact the server operator to get an API key",
            "LIBRETRANSLATE_API_KEY",
        ),
        (403, "Too many request limits violations", "request limit"),
    ];
    for (status, error, words) in stops {
        let server = fake_server(
            &rt,
            "POST",
            "/translate",
            ResponseTemplate::new(status).set_body_json(serde_json::json!({ "error": error })),
        );
        let tm = tempfile::tempdir().unwrap();
        let engine = LibreTranslate::with_key(&settings(&server.uri(), 20, 1), None).unwrap();
        let (docs, report) = run_article(AnyEngine::new(engine), &tm.path().join("tm.sqlite"));
        assert_eq!(
            (report.failed, report.requests, report.retries),
            (4, 1, 0),
            "{error}: {report:?}"
        );
        let why = report.stopped.expect("the run stopped");
        assert!(why.contains(words), "{why}");
        assert!(docs[0].iter().all(|s| s.target.is_none()));
    }
    // `--batch-limit 1`: every request of more texts is refused, one by one they pass.
    let server = fake_server(&rt, "POST", "/translate", |req: &Request| {
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
        let n = body["q"].as_array().unwrap().len();
        if n > 1 {
            return ResponseTemplate::new(400).set_body_json(serde_json::json!({
                "error": format!("Invalid request: request ({n}) exceeds text limit (1)")
            }));
        }
        Libre::answering(None).respond(req)
    });
    let tm = tempfile::tempdir().unwrap();
    let engine = LibreTranslate::with_key(&settings(&server.uri(), 20, 1), None).unwrap();
    let (docs, report) = run_article(AnyEngine::new(engine), &tm.path().join("tm.sqlite"));
    assert_eq!((report.failed, report.retries), (0, 0), "{report:?}");
    assert_eq!(
        docs[0][3].target.as_deref(),
        Some(expected(&docs[0][3].source).as_str())
    );
}

#[test]
fn canary_key_never_leaks_and_auth_stops_the_run() {
    let canary = "sk-CANARY-4242-do-not-log";
    let rt = runtime();
    let server = fake_server(
        &rt,
        "POST",
        "/translate",
        Libre::answering(Some("the-right-key")),
    );
    let tm = tempfile::tempdir().unwrap();
    let engine =
        LibreTranslate::with_key(&settings(&server.uri(), 1, 1), Some(canary.into())).unwrap();
    assert!(!format!("{engine:?}").contains(canary));
    let (docs, report) = run_article(AnyEngine::new(engine), &tm.path().join("tm.sqlite"));
    assert_eq!(report.failed, 4);
    for s in &docs[0] {
        let flag = &s
            .flags
            .iter()
            .find(|f| f.code == FlagCode::MtFailed)
            .unwrap()
            .message;
        assert!(
            flag.contains("Invalid API key") && flag.contains("stopped"),
            "{flag}"
        );
        assert!(!serde_json::to_string(&s.flags).unwrap().contains(canary));
    }
    // The key went where the protocol puts it (the body), and only one request was made.
    let reqs = rt.block_on(server.received_requests()).unwrap();
    assert_eq!(reqs.len(), 1, "auth errors stop the run");
    assert!(!reqs[0].url.as_str().contains(canary));
    let tm_bytes = std::fs::read(tm.path().join("tm.sqlite")).unwrap();
    assert!(!String::from_utf8_lossy(&tm_bytes).contains(canary));
}

fn songngu(dir: &Path, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_songngu"))
        .args(args)
        .current_dir(dir)
        .env_remove("SONGNGU_CONFIG")
        .env_remove("SONGNGU_ENGINE")
        .env("LIBRETRANSLATE_API_KEY", "sk-CANARY-env-777")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn killed_run_resumes_without_resending_and_corrections_win() {
    let rt = runtime();
    let server = fake_server(&rt, "POST", "/translate", SlowLibre);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::mt::forty_sentences_one_per_request(d, &server.uri());
    // First run: killed (SIGKILL) after some batches came back.
    let mut child = songngu(
        d,
        &["run", "--config", "c.toml", "bai.txt", "-o", "out", "-q"],
    );
    let start = std::time::Instant::now();
    while rt.block_on(server.received_requests()).unwrap().len() < 12
        && start.elapsed() < Duration::from_secs(20)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let first = rt.block_on(server.received_requests()).unwrap().len();
    assert!((12..40).contains(&first), "killed mid-way: {first}");
    // Second run: only what was not committed is sent.
    rt.block_on(server.reset());
    mount(&rt, &server, "POST", "/translate", SlowLibre);
    let out = songngu(d, &["run", "--config", "c.toml", "bai.txt", "-o", "out"])
        .wait_with_output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let second = rt.block_on(server.received_requests()).unwrap().len();
    assert!(
        second <= 40 - first + 1,
        "resent: first {first}, second {second}"
    );
    assert!(first + second >= 40);
    assert!(err.contains("from the memory"), "{err}");
    // A reviewer corrects one target; the next run uses it as `human`.
    let jsonl = std::fs::read_to_string(d.join("out/bai.jsonl")).unwrap();
    let edited = jsonl.replacen(
        "\"target\":\"CÂU THỨ 0 CỦA BÀI BÁO.\"",
        "\"target\":\"Sentence 0 of the article.\"",
        1,
    );
    assert_ne!(edited, jsonl);
    std::fs::write(d.join("reviewed.jsonl"), edited).unwrap();
    let out = songngu(d, &["tm", "import", "--config", "c.toml", "reviewed.jsonl"])
        .wait_with_output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("imported 1 correction(s)") && err.contains("39 unchanged"),
        "{err}"
    );
    let out = songngu(d, &["run", "--config", "c.toml", "bai.txt", "-o", "out"])
        .wait_with_output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let jsonl = std::fs::read_to_string(d.join("out/bai.jsonl")).unwrap();
    assert!(
        jsonl.contains("\"target\":\"Sentence 0 of the article.\",\"origin\":\"human\""),
        "{jsonl}"
    );
    // Nothing anywhere carries the key from the environment.
    for entry in walk(d) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("sk-CANARY-env-777"),
            "{}",
            entry.display()
        );
    }
    // TMX export of the memory: human and machine pairs, marked.
    let out = songngu(d, &["tm", "export", "--config", "c.toml"])
        .wait_with_output()
        .unwrap();
    let tmx = String::from_utf8_lossy(&out.stdout);
    assert!(
        tmx.contains("<prop type=\"x-origin\">human</prop>")
            && tmx.contains("engine:libretranslate"),
        "{tmx}"
    );
}

fn walk(d: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(d).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p))
        } else {
            out.push(p)
        }
    }
    out
}

/// LibreTranslate answering after 50 ms.
struct SlowLibre;
impl Respond for SlowLibre {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        common::mt::libre_reply(req, fake_translate).set_delay(Duration::from_millis(50))
    }
}

/// A free loopback port.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn real_apertium_apy_end_to_end() {
    let modes = Path::new("/usr/share/apertium/modes");
    let installed = Command::new("apertium-apy")
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
        && modes.join("eng-spa.mode").exists();
    if !installed {
        assert!(
            std::env::var_os("SONGNGU_REQUIRE_APERTIUM").is_none(),
            "SONGNGU_REQUIRE_APERTIUM is set but apertium-apy with apertium-eng-spa is not installed"
        );
        eprintln!("skipping: apertium-apy and apertium-eng-spa are not installed");
        return;
    }
    let port = free_port();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _apy = Kill(
        Command::new("apertium-apy")
            .args(["-p", &port.to_string(), modes.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let url = format!("http://127.0.0.1:{port}");
    let start = std::time::Instant::now();
    loop {
        let ok = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
        if ok || start.elapsed() > Duration::from_secs(30) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let article = "The Prime Minister met the ambassador in Hanoi on Monday.\n\n\
                   The Ministry of Public Security held a conference. The minister said the police will work hard.\n\n"
        .repeat(30);
    std::fs::write(d.join("en.txt"), &article).unwrap();
    std::fs::write(
        d.join("g.toml"),
        "[meta]\nsource_lang = \"en\"\ntarget_lang = \"es\"\n[terms]\n\"Ministry of Public Security\" = \"Ministerio de Seguridad Pública\"\n\
         \"Prime Minister\" = { target = \"Primer Ministro\", forbidden = [\"Jefe del Gobierno\"] }\n",
    )
    .unwrap();
    for mode in ["protect", "verify"] {
        std::fs::write(
            d.join("c.toml"),
            format!(
                "[languages]\nsource = \"en\"\ntarget = \"es\"\n[glossary]\npaths = [\"g.toml\"]\nmodes = [\"annotate\", \"{mode}\", \"verify\"]\n\
                 [translate]\nengine = \"apertium\"\n[engines.apertium]\nurl = \"{url}\"\nconcurrency = 2\n[tm]\npath = \"tm-{mode}.sqlite\"\n"
            ),
        )
        .unwrap();
        let check = songngu(d, &["engines", "--check", "--config", "c.toml"])
            .wait_with_output()
            .unwrap();
        assert_eq!(
            check.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&check.stderr)
        );
        let out = songngu(
            d,
            &[
                "run",
                "--config",
                "c.toml",
                "en.txt",
                "-o",
                &format!("out-{mode}"),
            ],
        )
        .wait_with_output()
        .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{err}");
        let es = std::fs::read_to_string(d.join(format!("out-{mode}/en.es.txt"))).unwrap();
        let lines: Vec<&str> = es.lines().collect();
        assert_eq!(lines.len(), 90);
        assert!(
            lines.iter().all(|l| !l.trim().is_empty()),
            "every segment translated"
        );
        assert!(
            lines[0].contains("Hanoi") && lines[2].contains("policía"),
            "{es}"
        );
        assert!(!es.contains("{{"), "no placeholder left");
        let jsonl = std::fs::read_to_string(d.join(format!("out-{mode}/en.jsonl"))).unwrap();
        let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
        if mode == "protect" {
            // Protected terms come back as their approved targets, exactly.
            assert!(lines[0].contains("Primer Ministro"), "{}", lines[0]);
            assert!(
                lines[1].contains("Ministerio de Seguridad Pública"),
                "{}",
                lines[1]
            );
        } else {
            // Verify mode: the engine's own wording, checked; a miss is flagged.
            let ok = lines[0].to_lowercase().contains("primer ministro");
            let flagged = first["flags"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["code"] == "term-missing");
            assert!(ok != flagged, "{}: {first}", lines[0]);
        }
        assert!(err.contains("terms right in"), "{err}");
    }
}

#[test]
fn dry_run_counts_and_sends_nothing() {
    let rt = runtime();
    let server = rt.block_on(MockServer::start());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("bai.txt"), "Câu một.\n\nCâu hai.\n\nCâu một.\n").unwrap();
    std::fs::write(
        d.join("c.toml"),
        format!("[glossary]\npaths = []\n[translate]\nengine = \"apertium\"\n[engines.apertium]\nurl = \"{}\"\n[tm]\npath = \"tm.sqlite\"\n", server.uri()),
    )
    .unwrap();
    let out = songngu(
        d,
        &[
            "run",
            "--config",
            "c.toml",
            "bai.txt",
            "-o",
            "out",
            "--dry-run",
        ],
    )
    .wait_with_output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .contains("apertium: 1 request(s), 16 billable character(s) for 2 distinct segment(s)"),
        "{stdout}"
    );
    assert_eq!(rt.block_on(server.received_requests()).unwrap().len(), 0);
    assert!(!d.join("out").exists(), "a dry run writes nothing");
    // Issue 12, point 5: not even a memory.
    assert!(
        !d.join("tm.sqlite").exists(),
        "a dry run created the memory"
    );
}

/// Issue 11, point 7: in protect mode, placeholder-looking text of the
/// source stays text: the term gets a number the segment does not hold
/// (no collision, no `placeholder-lost` fallback), and `{{0}}` already in
/// the source is no `placeholder-left` error.
#[test]
fn placeholder_text_in_the_source_neither_collides_nor_is_reported_left() {
    let rt = runtime();
    let server = fake_server(&rt, "POST", "/translate", Libre::answering(None));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("bai.txt"),
        "Bộ Công an {{0}} họp với {{1}} tại Hà Nội.\n\nChỉ có {{0}} thôi.\n",
    )
    .unwrap();
    std::fs::write(
        d.join("g.toml"),
        "[meta]\nsource_lang = \"vi\"\ntarget_lang = \"en\"\n[terms]\n\"Bộ Công an\" = \"Ministry of Public Security\"\n",
    )
    .unwrap();
    std::fs::write(
        d.join("config.toml"),
        format!(
            "[glossary]\npaths = [\"g.toml\"]\nmodes = [\"protect\", \"verify\"]\n[translate]\nengine = \"libretranslate\"\n[engines.libretranslate]\nurl = \"{}\"\n",
            server.uri()
        ),
    )
    .unwrap();
    let out = songngu(d, &["run", "bai.txt"]).wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let sent: Vec<String> = rt
        .block_on(server.received_requests())
        .unwrap()
        .iter()
        .flat_map(|r| {
            let b: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
            b["q"]
                .as_array()
                .unwrap()
                .iter()
                .map(|q| q.as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        sent.contains(&"{{2}} {{0}} họp với {{1}} tại Hà Nội.".to_owned()),
        "{sent:?}"
    );
    let jsonl = std::fs::read_to_string(d.join("out/bai.jsonl")).unwrap();
    let segs: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        segs[0]["target"],
        "Ministry of Public Security {{0}} HỌP VỚI {{1}} TẠI HÀ NỘI."
    );
    assert_eq!(segs[1]["target"], "CHỈ CÓ {{0}} THÔI.");
    for s in &segs {
        for f in s["flags"].as_array().unwrap() {
            assert!(
                f["severity"] != "error" && !f["code"].as_str().unwrap().starts_with("placeholder"),
                "{s}"
            );
        }
    }
}

/// The binary in `dir`: (exit code, stdout, stderr).
fn songngu_out(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = songngu(dir, args).wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A folder with the article, a two-term glossary and a config for a
/// LibreTranslate fake at `url` (verify mode: the fake drops the terms, so
/// the enforcement pass re-sends protected).
fn libre_project(url: &str, article: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("bai.txt"), article).unwrap();
    std::fs::write(
        d.join("g.toml"),
        "[meta]\nsource_lang = \"vi\"\ntarget_lang = \"en\"\n[terms]\n\"Bộ Công an\" = \"Ministry of Public Security\"\n\"Ban Bí thư\" = \"Secretariat\"\n",
    )
    .unwrap();
    std::fs::write(
        d.join("config.toml"),
        format!(
            "[glossary]\npaths = [\"g.toml\"]\n[translate]\nengine = \"libretranslate\"\n[engines.libretranslate]\nurl = \"{url}\"\n"
        ),
    )
    .unwrap();
    dir
}

fn libre_server(rt: &tokio::runtime::Runtime) -> MockServer {
    fake_server(rt, "POST", "/translate", Libre::answering(None))
}

/// Issue 11, point 9: after an enforcement re-send, `tm export` has the
/// real source (not the placeholder text sent) and only the accepted
/// translation (not the first one, which lacked the approved terms), on the
/// first run and on a re-run served from the memory.
#[test]
fn tm_export_has_the_real_source_and_only_the_accepted_translation() {
    let rt = runtime();
    let server = libre_server(&rt);
    let dir = libre_project(&server.uri(), "Bộ Công an họp với Ban Bí thư.\n");
    let d = dir.path();
    for round in 0..2 {
        let (code, _, err) = songngu_out(d, &["run", "bai.txt"]);
        assert_eq!(code, Some(0), "{err}");
        let (code, tmx, err) = songngu_out(d, &["tm", "export"]);
        assert_eq!(code, Some(0), "{err}");
        assert!(
            tmx.contains("<seg>Bộ Công an họp với Ban Bí thư.</seg>"),
            "round {round}: {tmx}"
        );
        assert!(
            tmx.contains("<seg>Ministry of Public Security HỌP VỚI Secretariat.</seg>"),
            "{tmx}"
        );
        assert!(!tmx.contains("{{"), "placeholder text exported: {tmx}");
        assert!(
            !tmx.contains("BỘ CÔNG AN HỌP VỚI BAN BÍ THƯ."),
            "the rejected first translation was exported: {tmx}"
        );
        assert_eq!(tmx.matches("<tu ").count(), 1, "{tmx}");
    }
}

/// Issue 11, point 13: human corrections can be listed (id, time, document,
/// file:line, source, target), filtered by document and date, and deleted by
/// id; an unknown id deletes nothing (exit 2).
#[test]
fn tm_corrections_lists_filters_and_deletes_human_corrections() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("bai.corrections.jsonl"),
        "{\"id\":\"bai:0000\",\"doc\":\"bai\",\"source\":\"Câu một.\",\"target\":\"Sentence one.\",\"origin\":\"human\",\"status\":\"approved\"}\n\
         {\"id\":\"bai:0001\",\"doc\":\"bai\",\"source\":\"Câu hai.\",\"target\":\"Sentence\\ttwo.\",\"origin\":\"human\",\"status\":\"edited\"}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("khac.corrections.jsonl"),
        "{\"id\":\"khac:0000\",\"doc\":\"khac\",\"source\":\"Câu ba.\",\"target\":\"Sentence three.\",\"origin\":\"human\",\"status\":\"approved\"}\n",
    )
    .unwrap();
    for f in ["bai.corrections.jsonl", "khac.corrections.jsonl"] {
        let (code, _, err) = songngu_out(d, &["tm", "import", f]);
        assert_eq!(code, Some(0), "{err}");
    }
    let (code, out, err) = songngu_out(d, &["tm", "corrections"]);
    assert_eq!(code, Some(0), "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "id\ttime\tdoc\tfrom\tsource\ttarget");
    assert_eq!(lines.len(), 4, "{out}");
    let row: Vec<&str> = lines[2].split('\t').collect();
    assert_eq!(row[0], "2");
    assert!(row[1].len() == 19 && row[1].starts_with("20"), "{row:?}");
    assert_eq!(
        &row[2..],
        [
            "bai",
            "bai.corrections.jsonl:2",
            "Câu hai.",
            "Sentence\\ttwo."
        ]
    );
    assert!(
        err.contains("3 correction(s) in .songngu/tm.sqlite"),
        "{err}"
    );
    // Filters.
    let (_, out, _) = songngu_out(d, &["tm", "corrections", "--doc", "khac"]);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains("\tkhac\tkhac.corrections.jsonl:1\tCâu ba.\tSentence three."));
    let (_, out, _) = songngu_out(d, &["tm", "corrections", "--since", "2000-01-01"]);
    assert_eq!(out.lines().count(), 4, "{out}");
    let (_, out, _) = songngu_out(d, &["tm", "corrections", "--since", "2999-01-01 00:00"]);
    assert_eq!(out.lines().count(), 1, "{out}");
    let (code, _, err) = songngu_out(d, &["tm", "corrections", "--since", "last week"]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "songngu: error: --since `last week` is not a date; use YYYY-MM-DD or \"YYYY-MM-DD HH:MM[:SS]\" (UTC), e.g. --since 2026-11-01\n"
    );
    // Delete: an unknown id deletes nothing; known ids go.
    let (code, _, err) = songngu_out(d, &["tm", "corrections", "--delete", "1", "99"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("no correction with id 99 (list them with `songngu tm corrections`); nothing was deleted"),
        "{err}"
    );
    let (code, _, err) = songngu_out(d, &["tm", "corrections", "--delete", "1", "3"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(err, "deleted 2 correction(s) from .songngu/tm.sqlite\n");
    let (_, out, _) = songngu_out(d, &["tm", "corrections"]);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains("\tCâu hai.\t"), "{out}");
}

/// Issue 12, point 6: `tm stats` and `tm export` on a missing memory exit 2
/// and create nothing; a corrupt memory is exit 2 too.
#[test]
fn tm_stats_and_export_need_an_existing_memory() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for cmd in [
        &["tm", "stats"][..],
        &["tm", "export"],
        &["tm", "corrections"],
    ] {
        let (code, out, err) = songngu_out(d, cmd);
        assert_eq!(code, Some(2), "{cmd:?}");
        assert_eq!(out, "");
        assert_eq!(
            err, "songngu: error: no translation memory at .songngu/tm.sqlite\n",
            "{cmd:?}"
        );
        assert!(!d.join(".songngu").exists(), "{cmd:?} created the memory");
    }
    std::fs::create_dir(d.join(".songngu")).unwrap();
    std::fs::write(
        d.join(".songngu/tm.sqlite"),
        "not a database, just text\n".repeat(50),
    )
    .unwrap();
    for cmd in [&["tm", "stats"][..], &["tm", "export"]] {
        let (code, _, err) = songngu_out(d, cmd);
        assert_eq!(code, Some(2), "{cmd:?}: {err}");
        assert!(
            err.starts_with("songngu: error: translation memory .songngu/tm.sqlite: "),
            "{err}"
        );
    }
}

/// Issue 11, point 10: `[engines.NAME] requests_per_second` paces the
/// requests (7 went out in 23 ms at 1.0 before): on the injected virtual
/// clock, 7 one-segment requests at 1 per second wait 1 s before each of
/// the last 6, so the last one starts 6 s after the first.
#[test]
fn requests_per_second_paces_request_starts() {
    let rt = runtime();
    let server = libre_server(&rt);
    let article: String = (1..=7).map(|i| format!("Câu số {i} ở đây.\n\n")).collect();
    let tm = tempfile::tempdir().unwrap();
    let engine =
        AnyEngine::new(LibreTranslate::with_key(&settings(&server.uri(), 1, 1), None).unwrap());
    let clock = NoWait::default();
    let (docs, report) = common::mt::run_mt_paced(
        engine,
        &[&article],
        false,
        &tm.path().join("tm.sqlite"),
        &clock,
        Some(1.0),
    );
    assert_eq!(report.failed, 0, "{report:?}");
    assert_eq!(docs[0].len(), 7);
    assert_eq!(rt.block_on(server.received_requests()).unwrap().len(), 7);
    let waits = clock.0.lock().unwrap().clone();
    assert_eq!(waits, vec![Duration::from_secs(1); 6]);
    // Without a limit nothing waits.
    let clock = NoWait::default();
    let engine =
        AnyEngine::new(LibreTranslate::with_key(&settings(&server.uri(), 1, 1), None).unwrap());
    let other: String = (1..=3).map(|i| format!("Câu khác {i}.\n\n")).collect();
    common::mt::run_mt_paced(
        engine,
        &[&other],
        false,
        &tm.path().join("tm.sqlite"),
        &clock,
        None,
    );
    assert!(clock.0.lock().unwrap().is_empty());
}

/// The engine line of a run's summary on stderr.
fn engine_line(err: &str) -> &str {
    err.lines()
        .find(|l| l.starts_with("  engine "))
        .unwrap_or_else(|| panic!("no engine line in {err}"))
}

/// Issue 12, point 1: the engine summary counts this run's facts only. A
/// re-run served from the memory sends nothing and has no enforcement
/// part; billable characters are those of answered requests (the
/// enforcement re-send included).
#[test]
fn engine_summary_counts_this_runs_facts_only() {
    let rt = runtime();
    let server = libre_server(&rt);
    let dir = libre_project(&server.uri(), "Bộ Công an họp với Ban Bí thư.\n");
    let d = dir.path();
    let (code, _, err) = songngu_out(d, &["run", "bai.txt"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        engine_line(&err),
        "  engine libretranslate: 1 segment(s): 0 from the memory, 0 human, 1 sent in 2 request(s) \
         (0 retried), 50 billable character(s); 1 re-sent with terms protected (1 fixed); \
         terms right in 1/1 segment(s) (100.0%)"
    );
    let (code, _, err) = songngu_out(d, &["run", "bai.txt"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        engine_line(&err),
        "  engine libretranslate: 1 segment(s): 1 from the memory, 0 human, 0 sent in 0 request(s) \
         (0 retried), 0 billable character(s); terms right in 1/1 segment(s) (100.0%)"
    );
    assert_eq!(rt.block_on(server.received_requests()).unwrap().len(), 2);
}

const THREE: &str =
    "Bộ Công an họp với Ban Bí thư.\n\nHội nghị kết thúc.\n\nNgười dân phấn khởi.\n";

/// A project for THREE against `url`, one segment per request, no retries.
fn one_by_one(url: &str) -> tempfile::TempDir {
    let dir = libre_project(url, THREE);
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "[glossary]\npaths = [\"g.toml\"]\n[translate]\nengine = \"libretranslate\"\n\
             [engines.libretranslate]\nurl = \"{url}\"\nbatch_size = 1\nconcurrency = 1\nmax_retries = 0\n"
        ),
    )
    .unwrap();
    dir
}

/// Issue 12, points 1 and 2: a run stopped by authentication or quota
/// counts only what went out (one text, nothing billed), says "n/a" when no
/// machine target has terms, and its closing line says why it stopped
/// instead of "run again to retry them"; an unreachable server bills
/// nothing.
#[test]
fn stopped_runs_say_why_and_count_only_what_went_out() {
    let rt = runtime();
    // Authentication: the server wants another key.
    let server = fake_server(
        &rt,
        "POST",
        "/translate",
        Libre::answering(Some("another-key-entirely")),
    );
    let dir = one_by_one(&server.uri());
    let (code, _, err) = songngu_out(dir.path(), &["run", "bai.txt"]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(
        engine_line(&err),
        "  engine libretranslate: 3 segment(s): 0 from the memory, 0 human, 1 sent in 1 request(s) \
         (0 retried), 30 character(s) sent, 0 billable; terms right: n/a (no machine target with glossary terms)"
    );
    assert_eq!(
        err.lines().last().unwrap(),
        "songngu: error: the run stopped: LibreTranslate refused the key (Invalid API key); check \
         LIBRETRANSLATE_API_KEY; 3 segment(s) untranslated (flag `mt-failed` in the outputs)"
    );
    // Quota.
    let server = fake_server(
        &rt,
        "POST",
        "/translate",
        ResponseTemplate::new(403)
            .set_body_json(serde_json::json!({"error": "Too many request limits violations"})),
    );
    let dir = one_by_one(&server.uri());
    let (code, _, err) = songngu_out(dir.path(), &["run", "bai.txt"]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(
        err.lines().last().unwrap(),
        "songngu: error: the run stopped: LibreTranslate's request limit is used up (Too many request \
         limits violations): wait, or ask the server's operator for a higher limit; 3 segment(s) \
         untranslated (flag `mt-failed` in the outputs)"
    );
    // Unreachable: nothing reached it, nothing is billable.
    let port = free_port();
    let dir = one_by_one(&format!("http://127.0.0.1:{port}"));
    let (code, _, err) = songngu_out(dir.path(), &["run", "bai.txt"]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(
        engine_line(&err),
        "  engine libretranslate: 3 segment(s): 0 from the memory, 0 human, 0 sent in 0 request(s) \
         (0 retried), 0 billable character(s); terms right: n/a (no machine target with glossary terms)"
    );
    assert!(
        err.lines().last().unwrap().starts_with(
            "songngu: error: the run stopped: the libretranslate server could not be reached ("
        ),
        "{err}"
    );
}

/// Issue 13, point 6: a segment whose target fails the glossary check is
/// sent again (terms protected) while the first pass is still going, not
/// in a second pass after it drains. One request at a time, one segment
/// per request, a clock that does not wait: the order of the requests is
/// deterministic.
#[test]
fn enforcement_resends_before_the_first_pass_drains() {
    let rt = runtime();
    let server = libre_server(&rt);
    let tm = tempfile::tempdir().unwrap();
    let article: String = (0..4)
        .map(|i| format!("Bộ Công an họp lần {i}.\n\n"))
        .collect();
    let engine =
        AnyEngine::new(LibreTranslate::with_key(&settings(&server.uri(), 1, 1), None).unwrap());
    let (docs, report) = run_mt(
        engine,
        &[&article],
        false,
        &tm.path().join("tm.sqlite"),
        &NoWait::default(),
    );
    let sent: Vec<String> = rt
        .block_on(server.received_requests())
        .unwrap()
        .iter()
        .map(|r| {
            let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
            body["q"][0].as_str().unwrap().to_owned()
        })
        .collect();
    // Each segment once as it is, once protected: nothing twice.
    assert_eq!(sent.len(), 8, "{sent:?}");
    let protected = |q: &String| q.contains("{{1}}");
    let first_resend = sent.iter().position(protected).unwrap();
    let last_plain = sent.iter().rposition(|q| !protected(q)).unwrap();
    assert!(
        first_resend < last_plain,
        "the first re-send went out after the first pass drained: {sent:?}"
    );
    assert_eq!(
        (report.enforced, report.enforced_fixed, report.failed),
        (4, 4, 0),
        "{report:?}"
    );
    for (i, s) in docs[0].iter().enumerate() {
        assert_eq!(
            s.target.as_deref(),
            Some(format!("Ministry of Public Security HỌP LẦN {i}.").as_str())
        );
    }
}

/// The texts a fake received, in order.
fn texts_received(rt: &tokio::runtime::Runtime, server: &MockServer) -> Vec<String> {
    rt.block_on(server.received_requests())
        .unwrap()
        .iter()
        .flat_map(|r| {
            let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
            body["q"]
                .as_array()
                .unwrap()
                .iter()
                .map(|q| q.as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Issue 13, point 6: with the enforcement re-sends in the same pipeline
/// and the memory written by its own thread, a run killed (SIGKILL) while
/// first-pass requests and re-sends are both going resumes without sending
/// again anything that came back before the kill, bar the one request in
/// flight (one at a time here).
#[test]
fn killed_run_with_enforcement_resends_nothing_committed() {
    let rt = runtime();
    let server = fake_server(&rt, "POST", "/translate", SlowLibre);
    let article: String = (0..40)
        .map(|i| format!("Bộ Công an họp lần {i}.\n\n"))
        .collect();
    let dir = libre_project(&server.uri(), &article);
    let d = dir.path();
    std::fs::write(
        d.join("config.toml"),
        format!(
            "[glossary]\npaths = [\"g.toml\"]\n[translate]\nengine = \"libretranslate\"\n\
             [engines.libretranslate]\nurl = \"{}\"\nbatch_size = 1\nconcurrency = 1\n",
            server.uri()
        ),
    )
    .unwrap();
    let mut child = songngu(d, &["run", "bai.txt", "-o", "out", "-q"]);
    let start = std::time::Instant::now();
    while rt.block_on(server.received_requests()).unwrap().len() < 15
        && start.elapsed() < Duration::from_secs(20)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let first = texts_received(&rt, &server);
    assert!((15..80).contains(&first.len()), "killed mid-way: {first:?}");
    assert!(
        first.iter().any(|q| q.contains("{{1}}")),
        "re-sends were going when killed: {first:?}"
    );
    rt.block_on(server.reset());
    mount(&rt, &server, "POST", "/translate", SlowLibre);
    let (code, _, err) = songngu_out(d, &["run", "bai.txt", "-o", "out"]);
    assert_eq!(code, Some(0), "{err}");
    let second = texts_received(&rt, &server);
    let again: Vec<&String> = second.iter().filter(|q| first.contains(q)).collect();
    assert!(
        again.len() <= 1,
        "sent again after the kill: {again:?} (first {first:?})"
    );
    assert_eq!(first.len() + second.len() - again.len(), 80);
    let jsonl = std::fs::read_to_string(d.join("out/bai.jsonl")).unwrap();
    for i in 0..40 {
        assert!(
            jsonl.contains(&format!(
                "\"target\":\"Ministry of Public Security HỌP LẦN {i}.\""
            )),
            "{jsonl}"
        );
    }
}
