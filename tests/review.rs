#![allow(clippy::print_stderr)] // a skipped test says why
//! The review round trip: run → review page → exported corrections →
//! `tm import` → run again, where the correction is the target with
//! origin `human`, and `songngu qa` counts change. Once with the export
//! written as the page writes it (no browser), once in Debian's Chromium
//! driven by Playwright (`tests/browser/review.mjs`), which also checks
//! that hostile input is shown as text, filters, editing, reload and
//! keyboard navigation.
//!
//! The browser test needs `/usr/bin/chromium` (or `$CHROMIUM`), `node` and
//! `npm ci` in `tests/browser`; without them it is skipped with a message,
//! unless `SONGNGU_REQUIRE_BROWSER=1` (CI) makes that a failure.
//! `SONGNGU_SCREENSHOT=FILE` saves a screenshot of the page.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::songngu;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A copy of `tests/fixtures/review` with the memory holding the two
/// reviewed targets of `corrections.tsv`, run once.
fn reviewed_run() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/review");
    for f in [
        "article.txt",
        "glossary.toml",
        "config.toml",
        "corrections.tsv",
    ] {
        std::fs::copy(fixtures.join(f), dir.path().join(f)).unwrap();
    }
    let (code, _, err) = songngu(dir.path(), &["tm", "import", "corrections.tsv"], b"");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("imported 2 correction(s)"), "{err}");
    let (code, _, err) = songngu(dir.path(), &["run", "article.txt"], b"");
    assert_eq!(code, 0, "{err}");
    dir
}

fn segment(dir: &Path, id: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("out/article.jsonl")).unwrap();
    text.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["id"] == id)
        .unwrap()
}

fn qa_codes(dir: &Path) -> (i32, Vec<String>) {
    let (code, out, _) = songngu(dir, &["qa", "out", "--json"], b"");
    let codes = out
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            format!(
                "{} {}",
                v["id"].as_str().unwrap(),
                v["code"].as_str().unwrap()
            )
        })
        .collect();
    (code, codes)
}

const FIXED: &str =
    "On the morning of February 3, 2025, the Secretariat met in Hanoi on Conclusion No. 12-KL/TW.";

/// Imports `export` and runs again: the correction is used, QA changes.
fn import_and_rerun(dir: &Path, export: &Path) {
    let before = qa_codes(dir).1;
    assert!(
        before.contains(&"article:0001 term-missing".to_owned()),
        "{before:?}"
    );
    let (code, _, err) = songngu(dir, &["tm", "import", export.to_str().unwrap()], b"");
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = songngu(dir, &["run", "article.txt"], b"");
    assert_eq!(code, 0, "{err}");
    let s = segment(dir, "article:0001");
    assert_eq!(s["target"], FIXED);
    assert_eq!(s["origin"], "human");
    assert_eq!(s["flags"], serde_json::json!([]));
    let title = segment(dir, "article:0000");
    assert_eq!(title["origin"], "human");
    // The needs-work row was not imported.
    assert_eq!(
        segment(dir, "article:0002")["target"],
        serde_json::Value::Null
    );
    let after = qa_codes(dir).1;
    assert!(
        !after.iter().any(|c| c.starts_with("article:0001")),
        "{after:?}"
    );
    assert!(!after.contains(&"article:0000 untranslated".to_owned()));
    assert!(after.contains(&"article:0002 untranslated".to_owned()));
    assert_eq!(before.len() - after.len(), 2, "{before:?} → {after:?}");
}

#[test]
fn round_trip_with_the_pages_export_format() {
    let dir = reviewed_run();
    let page = std::fs::read_to_string(dir.path().join("out/article.html")).unwrap();
    // The flag is in its row's QA cell (the script's flag filter reads it).
    assert!(page.contains("<li class=\"error\"><b>term-missing</b>"));
    let source = segment(dir.path(), "article:0001")["source"].clone();
    let title = segment(dir.path(), "article:0000")["source"].clone();
    let other = segment(dir.path(), "article:0002")["source"].clone();
    // What the page's export button writes (see src/formats/review.js).
    let lines = [
        serde_json::json!({"id": "article:0000", "doc": "article", "source": title,
            "target": "Secretariat meets on fire safety in Ha Giang", "origin": "human",
            "status": "approved", "comment": ""}),
        serde_json::json!({"id": "article:0001", "doc": "article", "source": source,
            "target": FIXED, "origin": "human", "status": "approved", "comment": "term"}),
        serde_json::json!({"id": "article:0002", "doc": "article", "source": other,
            "target": "A reader typed markup.", "origin": null, "status": "needs-work",
            "comment": "check"}),
    ];
    let export = dir.path().join("article.corrections.jsonl");
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&export, text).unwrap();
    import_and_rerun(dir.path(), &export);
}

/// One Chromium at a time in this test binary: the browser tests started
/// together with the other tests' runs on a 2-core machine made page
/// actions time out (a reload checked before the page settled). The
/// guard is held for the whole test.
static ONE_BROWSER: std::sync::Mutex<()> = std::sync::Mutex::new(());

type Browser = (PathBuf, PathBuf, std::sync::MutexGuard<'static, ()>);

fn browser_prerequisites() -> Result<Browser, String> {
    let chromium = std::env::var_os("CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if !chromium.exists() {
        return Err(format!(
            "{} not found (apt-get install chromium)",
            chromium.display()
        ));
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Err("node not found".into());
    }
    let browser_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    if !browser_dir.join("node_modules/playwright-core").exists() {
        return Err("playwright-core not installed (cd tests/browser && npm ci)".into());
    }
    let guard = ONE_BROWSER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    Ok((chromium, browser_dir, guard))
}

/// The browser and its driver, or `None` (with the reason printed) when
/// they are missing and `SONGNGU_REQUIRE_BROWSER` is not set.
fn browser_or_skip() -> Option<Browser> {
    match browser_prerequisites() {
        Ok(p) => Some(p),
        Err(why) => {
            assert!(
                std::env::var_os("SONGNGU_REQUIRE_BROWSER").is_none(),
                "SONGNGU_REQUIRE_BROWSER is set but {why}"
            );
            eprintln!("skipping the browser test: {why}");
            None
        }
    }
}

#[test]
fn review_page_in_chromium() {
    let Some((chromium, browser_dir, _one_browser)) = browser_or_skip() else {
        return;
    };
    let dir = reviewed_run();
    let export = dir.path().join("export.jsonl");
    let mut cmd = Command::new("node");
    cmd.arg(browser_dir.join("review.mjs"))
        .arg(dir.path().join("out/article.html"))
        .arg(&export)
        .env("CHROMIUM", &chromium);
    if let Some(shot) = std::env::var_os("SONGNGU_SCREENSHOT") {
        cmd.arg(shot);
    }
    let out = cmd.output().unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "browser checks failed:\n{log}");
    assert!(
        log.contains("ok - no page errors, dialogs or network requests"),
        "{log}"
    );
    for want in [
        "ok - every row has the review column, before QA",
        "ok - the two human corrections start approved",
        "ok - without JavaScript every row shows its source, ASCII and target",
    ] {
        assert!(log.contains(want), "{want}: {log}");
    }
    // The page reads each exported source from its table: the source as
    // the run wrote it.
    let exported = std::fs::read_to_string(&export).unwrap();
    assert_eq!(exported.lines().count(), 3);
    for line in exported.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = v["id"].as_str().unwrap();
        assert_eq!(v["source"], segment(dir.path(), id)["source"], "{id}");
    }
    import_and_rerun(dir.path(), &export);
}

#[test]
fn qa_summary_exit_codes_and_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("out/sub")).unwrap();
    let line = |id: &str, source: &str, target: Option<&str>, origin: Option<&str>| {
        serde_json::json!({"id": id, "doc": "a", "para": 0, "seq": 0, "kind": "text",
            "source": source, "ascii": "", "target": target, "origin": origin, "terms": [], "flags": []})
        .to_string()
    };
    // Only warnings: a number missing, and the same source two ways.
    let warn = [
        line(
            "a:0000",
            "Có 1.500 người.",
            Some("There were many people."),
            Some("human"),
        ),
        line("a:0001", "Hội nghị.", Some("The conference."), Some("tm")),
        line(
            "a:0002",
            "Hội nghị.",
            Some("The meeting."),
            Some("engine:x"),
        ),
        line("a:0003", "Hội nghị.", Some("The conference."), Some("tm")),
    ]
    .join("\n");
    std::fs::write(d.join("out/sub/a.jsonl"), warn + "\n").unwrap();
    // A review export beside it is not a run's output: skipped.
    std::fs::write(d.join("out/sub/a.corrections.jsonl"), "{\"id\": 1}\n").unwrap();
    std::fs::write(d.join("config.toml"), "[glossary]\npaths = []\n").unwrap();
    let (code, out, err) = songngu(d, &["qa", "out"], b"");
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("out/sub/a.jsonl:1: warning: number-missing: a:0000:"),
        "{out}"
    );
    assert!(
        out.contains("out/sub/a.jsonl:3: warning: inconsistent: a:0002:"),
        "{out}"
    );
    assert!(
        out.contains("code                     severity  count"),
        "{out}"
    );
    assert!(
        out.contains("2 finding(s): 0 error(s), 2 warning(s) in 4 segment(s) of 1 file(s)"),
        "{out}"
    );
    // An error-level finding: exit 1.
    std::fs::write(
        d.join("out/b.jsonl"),
        line(
            "b:0000",
            "Ngày 22/1/2019.",
            Some("On 23 January 2019."),
            Some("human"),
        ) + "\n",
    )
    .unwrap();
    let (code, out, _) = songngu(d, &["qa", "out"], b"");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error: date-missing: b:0000"), "{out}");
    // A line that is not a segment: exit 2, located.
    std::fs::write(d.join("out/c.jsonl"), "{\"id\": \"c\"}\n").unwrap();
    let (code, _, err) = songngu(d, &["qa", "out/c.jsonl"], b"");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("c.jsonl:1:"), "{err}");
}

/// Runs `songngu ARGS` in `dir` with a stdout whose reader is already
/// gone (`| head` that has exited): every write fails with a broken pipe.
/// With `stderr_too`, stderr goes to the same closed pipe (`2>&1 | head`)
/// and the returned text is empty.
fn with_closed_pipe(dir: &Path, args: &[&str], stderr_too: bool) -> (i32, String) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let stderr = if stderr_too {
        std::process::Stdio::from(writer.try_clone().unwrap())
    } else {
        std::process::Stdio::piped()
    };
    let out = Command::new(env!("CARGO_BIN_EXE_songngu"))
        .args(args)
        .current_dir(dir)
        .env_remove("SONGNGU_CONFIG")
        .stdin(std::process::Stdio::null())
        .stdout(writer)
        .stderr(stderr)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn with_closed_stdout(dir: &Path, args: &[&str]) -> (i32, String) {
    with_closed_pipe(dir, args, false)
}

#[test]
fn qa_failure_survives_a_closed_stdout() {
    // `set -o pipefail; songngu qa out/ | head -1` passed a failing check.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("out")).unwrap();
    std::fs::write(d.join("config.toml"), "[glossary]\npaths = []\n").unwrap();
    let line = |i: usize| {
        serde_json::json!({"id": format!("a:{i:04}"), "doc": "a", "para": i, "seq": i, "kind": "text",
            "source": "Ngày 22/1/2019.", "ascii": "", "target": "On 23 January 2019.",
            "origin": "human", "terms": [], "flags": []})
        .to_string()
    };
    let text: String = (0..50).map(|i| line(i) + "\n").collect();
    std::fs::write(d.join("out/a.jsonl"), text).unwrap();
    let (code, err) = with_closed_stdout(d, &["qa", "out"]);
    assert_eq!(code, 1, "{err}");
    let (code, err) = with_closed_stdout(d, &["qa", "out", "--json"]);
    assert_eq!(code, 1, "{err}");
    // A glossary with errors: still exit 2 when nobody reads the findings.
    std::fs::write(
        d.join("bad.toml"),
        "[meta]\nsource_lang = \"vi\"\ntarget_lang = \"en\"\n[terms]\n\"Ban Bí thư\" = \"\"\n",
    )
    .unwrap();
    let (code, err) = with_closed_stdout(d, &["glossary", "check", "bad.toml"]);
    assert_eq!(code, 2, "{err}");
    // A streaming command stops quietly and succeeds.
    let (code, err) = with_closed_stdout(d, &["ascii", "Hà Nội"]);
    assert_eq!(code, 0, "{err}");
}

/// `engines`, `engines --check`, `tm stats` and `run --dry-run` printed with
/// `println!`, which panics (exit 101) when the reader has gone.
#[test]
fn listing_commands_do_not_panic_on_a_closed_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("config.toml"),
        "[glossary]\npaths = []\n[translate]\nengine = \"libretranslate\"\n\
         [engines.libretranslate]\nurl = \"http://127.0.0.1:9\"\n[tm]\npath = \"tm.sqlite\"\n",
    )
    .unwrap();
    std::fs::write(d.join("a.txt"), "Bộ Công an họp.\n").unwrap();
    let (code, err) = with_closed_stdout(d, &["engines"]);
    assert_eq!(code, 0, "{err}");
    // Nothing listens on port 9: the verdict is 1 with or without a reader.
    let (code, err) = with_closed_stdout(d, &["engines", "--check"]);
    assert_eq!(code, 1, "{err}");
    let (code, err) = with_closed_stdout(d, &["run", "--dry-run", "a.txt"]);
    assert_eq!(code, 0, "{err}");
    let (code, err) = with_closed_stdout(d, &["tm", "import", "missing.jsonl"]);
    assert_eq!(code, 2, "{err}");
    std::fs::write(
        d.join("c.tsv"),
        "id\tkind\tsource\tascii\ttarget\torigin\na:0000\ttext\tBộ Công an họp.\t\tThe ministry met.\thuman\n",
    )
    .unwrap();
    let (code, err) = with_closed_stdout(d, &["tm", "import", "c.tsv"]);
    assert_eq!(code, 0, "{err}");
    let (code, err) = with_closed_stdout(d, &["tm", "stats"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// `songngu … 2>&1 | head -0`: with stderr closed too, `eprintln!` panicked
/// (exit 101) in `run`, `glossary check`, `glossary find` and `qa`.
#[test]
fn verdicts_survive_a_closed_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("config.toml"), "[glossary]\npaths = [\"g.toml\"]\n").unwrap();
    std::fs::write(
        d.join("g.toml"),
        "[meta]\nsource_lang = \"vi\"\ntarget_lang = \"en\"\n[terms]\n\"Bộ Công an\" = \"Ministry of Public Security\"\n",
    )
    .unwrap();
    std::fs::write(d.join("a.txt"), "Bộ Công an họp.\n").unwrap();
    let run = |args: &[&str]| with_closed_pipe(d, args, true).0;
    assert_eq!(run(&["run", "a.txt"]), 0);
    assert!(d.join("out/a.jsonl").exists());
    assert_eq!(run(&["glossary", "check", "g.toml"]), 0);
    assert_eq!(run(&["glossary", "find", "a.txt"]), 0);
    assert_eq!(run(&["qa", "nonexistent"]), 2);
    assert_eq!(run(&["run", "missing.txt"]), 2);
}

/// An article full of control characters: NUL, backspace, SOH, DEL,
/// U+FFFE, a C1 control, and FF (a page break, which ends a line).
const CONTROLLED: &str = "Ban Bí thư\u{8} họp\u{0} tại Hà Nội.\n\nBộ Công an\u{1} triển khai\u{7F} Chỉ thị\u{FFFE}.\n\n\
                          Câu thứ ba\u{C}có dòng mới\u{9F}.\n\nCâu thứ tư kết thúc bài.\n";

/// A LibreTranslate fake whose replies carry what the page cannot show:
/// backspace, NUL, U+FFFF, VT, and a CRLF.
struct Noisy;

impl Respond for Noisy {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
        let out: Vec<String> = body["q"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| {
                let q = q.as_str().unwrap();
                format!("EN\u{8} {}\u{0} done\u{FFFF}\r\nnext\u{B} line. ", q.len())
            })
            .collect();
        ResponseTemplate::new(200).set_body_json(serde_json::json!({ "translatedText": out }))
    }
}

/// `CONTROLLED` run through the noisy engine into `DIR/mt` (memory
/// `DIR/tm.sqlite`, config `DIR/mt.toml`); the server must stay alive.
fn noisy_engine_run(d: &Path) -> (tokio::runtime::Runtime, MockServer) {
    let rt = common::mt::runtime();
    let server = rt.block_on(MockServer::start());
    rt.block_on(
        Mock::given(method("POST"))
            .and(path("/translate"))
            .respond_with(Noisy)
            .mount(&server),
    );
    std::fs::write(d.join("article.txt"), CONTROLLED).unwrap();
    std::fs::write(
        d.join("mt.toml"),
        format!(
            "[glossary]\npaths = []\n[translate]\nengine = \"libretranslate\"\n\
             [engines.libretranslate]\nurl = \"{}\"\n[output]\nformats = [\"jsonl\", \"html\"]\n\
             [tm]\npath = \"tm.sqlite\"\n",
            server.uri()
        ),
    )
    .unwrap();
    let (code, _, err) = songngu(
        d,
        &["run", "--config", "mt.toml", "article.txt", "-o", "mt"],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "article.txt: 6 control character(s) removed, 1 made line breaks (VT, FF, NEL) \
             (first U+0008 at byte offset 12)"
        ),
        "{err}"
    );
    (rt, server)
}

fn segments(file: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// What the page showed of a target before the fix to the page, and what
/// its export carried: the characters the page cannot hold dropped, CRLF as
/// LF, trimmed.
fn as_the_page_showed_it(target: &str) -> String {
    let kept: String = target
        .chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        })
        .collect();
    kept.replace("\r\n", "\n").trim().to_owned()
}

#[test]
fn control_characters_never_become_edits_in_chromium() {
    let Some((chromium, browser_dir, _one_browser)) = browser_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let node = |page: &Path, export: &Path| {
        let log = run_browser_script(
            &chromium,
            &browser_dir.join("controls.mjs"),
            &[page, export],
        );
        assert!(log.contains("ok - no row starts edited"), "{log}");
    };
    // Offline, in replace mode: the glossary draft is built from the source
    // the reader cleaned, so source, draft and page agree.
    let (_rt, _server) = noisy_engine_run(d);
    std::fs::write(
        d.join("glossary.toml"),
        "[meta]\nsource_lang = \"vi\"\ntarget_lang = \"en\"\n[terms]\n\"Ban Bí thư\" = \"Secretariat\"\n\"Bộ Công an\" = \"Ministry of Public Security\"\n",
    )
    .unwrap();
    std::fs::write(
        d.join("draft.toml"),
        "[glossary]\npaths = [\"glossary.toml\"]\nmodes = [\"annotate\", \"replace\", \"verify\"]\n\
         [output]\nformats = [\"jsonl\", \"html\"]\n[tm]\npath = \"none.sqlite\"\n",
    )
    .unwrap();
    let (code, _, err) = songngu(
        d,
        &[
            "run",
            "--config",
            "draft.toml",
            "article.txt",
            "-o",
            "draft",
        ],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    for s in segments(&d.join("draft/article.jsonl")) {
        let source = s["source"].as_str().unwrap();
        assert!(
            !source.contains(|c: char| c.is_control() && c != '\t' && c != '\n')
                && !source.contains(['\u{FFFE}', '\u{FFFF}']),
            "{source:?}"
        );
        assert_eq!(s["origin"], "glossary");
    }
    node(&d.join("draft/article.html"), &d.join("draft.jsonl"));

    // With an engine whose replies carry control characters and a CRLF.
    let mt = segments(&d.join("mt/article.jsonl"));
    assert!(
        mt.iter()
            .all(|s| s["target"].as_str().unwrap().contains("\u{8}")),
        "the engine's characters reach the targets"
    );
    node(&d.join("mt/article.html"), &d.join("mt.jsonl"));
    let import = |file: &str| {
        let (code, _, err) = songngu(d, &["tm", "import", "--config", "mt.toml", file], b"");
        assert_eq!(code, 0, "{err}");
        err
    };
    let err = import("mt.jsonl");
    assert!(err.contains("imported 1 correction(s)"), "{err}");
    let err = import("mt.jsonl");
    assert!(
        err.contains("imported 0 correction(s)") && err.contains("1 row(s) skipped: 1 unchanged"),
        "{err}"
    );
    // What the page exported before: every row `edited`, its text as the
    // page showed it. No row is an edit.
    let old: String = mt
        .iter()
        .map(|s| {
            serde_json::json!({"id": s["id"], "doc": "article", "source": s["source"],
                "target": as_the_page_showed_it(s["target"].as_str().unwrap()),
                "origin": "human", "status": "edited", "comment": ""})
            .to_string()
                + "\n"
        })
        .collect();
    std::fs::write(d.join("old.jsonl"), old).unwrap();
    let err = import("old.jsonl");
    assert!(
        err.contains(&format!(
            "imported 0 correction(s) into tm.sqlite; {n} row(s) skipped: {n} unchanged",
            n = mt.len()
        )),
        "{err}"
    );
    // The run after: one human correction, approved in the page.
    let (code, _, err) = songngu(
        d,
        &["run", "--config", "mt.toml", "article.txt", "-o", "mt"],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("  1 human correction(s) applied"), "{err}");
    let after = segments(&d.join("mt/article.jsonl"));
    let human: Vec<_> = after.iter().filter(|s| s["origin"] == "human").collect();
    assert_eq!(human.len(), 1, "{after:?}");
    let page = std::fs::read_to_string(d.join("mt/article.html")).unwrap();
    // The one human row, which the page starts approved
    // (tests/browser/review.mjs checks that in Chromium).
    assert_eq!(page.matches(" data-state=\"human\"").count(), 1);
}

/// `tm import` of review-page exports: approved rows are stored, an edit
/// that gives back the target it replaces is unchanged (with `replaces`,
/// or for older exports against the engine's targets), a re-import is
/// unchanged, and every skipped row is counted by reason. The run after
/// says how many human corrections it applied.
#[test]
fn tm_import_counts_unchanged_and_skipped_rows() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (_rt, _server) = noisy_engine_run(d);
    let mt = segments(&d.join("mt/article.jsonl"));
    // FF ends a line: the third paragraph is two segments.
    assert_eq!(mt.len(), 5);
    let row = |i: usize, target: Option<&str>, status: &str, replaces: Option<&str>| {
        let mut v = serde_json::json!({"id": mt[i]["id"], "doc": "article", "source": mt[i]["source"],
            "target": target, "origin": if status == "approved" || status == "edited" { "human" } else { "" },
            "status": status, "comment": "c"});
        if let Some(r) = replaces {
            v["replaces"] = serde_json::json!(r);
        }
        v.to_string() + "\n"
    };
    let shown: Vec<String> = mt
        .iter()
        .map(|s| as_the_page_showed_it(s["target"].as_str().unwrap()))
        .collect();
    let export = [
        // Approved as it was: stored.
        row(0, Some(&shown[0]), "approved", Some(&shown[0])),
        // "Edited" to the same text (a trailing space): nothing.
        row(
            1,
            Some(&format!("{} ", shown[1])),
            "edited",
            Some(&shown[1]),
        ),
        // An older export without `replaces`: compared with the engine's target.
        row(2, Some(&shown[2]), "edited", None),
        // A real edit: stored.
        row(
            3,
            Some("Sentence four ends the article."),
            "edited",
            Some(&shown[3]),
        ),
        // Sent back, and a comment only: not stored.
        row(1, Some("Needs a better verb."), "needs-work", None),
        row(2, None, "commented", None),
    ]
    .concat();
    std::fs::write(d.join("export.jsonl"), export).unwrap();
    let import = || {
        let (code, _, err) = songngu(
            d,
            &["tm", "import", "--config", "mt.toml", "export.jsonl"],
            b"",
        );
        assert_eq!(code, 0, "{err}");
        err
    };
    let err = import();
    assert!(
        err.contains(
            "imported 2 correction(s) into tm.sqlite; 4 row(s) skipped: 2 unchanged \
             (already in the memory, or an edit that gives back the target it replaces), \
             0 unchanged machine target(s), 1 needing work, 1 only commented or without a target"
        ),
        "{err}"
    );
    // Importing the same file again stores nothing.
    let err = import();
    assert!(
        err.contains("imported 0 correction(s) into tm.sqlite; 6 row(s) skipped: 4 unchanged"),
        "{err}"
    );
    let (code, _, err) = songngu(
        d,
        &["run", "--config", "mt.toml", "article.txt", "-o", "mt"],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("  2 human correction(s) applied"), "{err}");
    let after = segments(&d.join("mt/article.jsonl"));
    let origins: Vec<&str> = after
        .iter()
        .map(|s| s["origin"].as_str().unwrap())
        .collect();
    assert_eq!(origins, ["human", "tm", "tm", "human", "tm"]);
    assert_eq!(after[3]["target"], "Sentence four ends the article.");
}

/// The page at laptop width (`tests/browser/layout.mjs`): ASCII column
/// hidden on request and remembered, source and target ≥ 300 px at
/// 1000×800, QA column collapsed when no row shown has flags, the row in
/// focus fully visible under the sticky header. Screenshots go to the
/// test's output folder (kept, and named, when `SONGNGU_SCREENSHOT_DIR` is
/// set; else a temporary folder).
#[test]
fn review_page_layout_at_laptop_width() {
    let (chromium, browser_dir, _one_browser) = match browser_prerequisites() {
        Ok(p) => p,
        Err(why) => {
            assert!(
                std::env::var_os("SONGNGU_REQUIRE_BROWSER").is_none(),
                "SONGNGU_REQUIRE_BROWSER is set but {why}"
            );
            eprintln!("skipping the browser layout test: {why}");
            return;
        }
    };
    // A page long enough to scroll: the review fixture (its memory gives
    // some rows QA flags) followed by the shipped article, twice.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/review");
    for f in ["glossary.toml", "config.toml", "corrections.tsv"] {
        std::fs::copy(fixtures.join(f), d.join(f)).unwrap();
    }
    let example = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bai-bao-mau.txt"),
    )
    .unwrap();
    let article = std::fs::read_to_string(fixtures.join("article.txt")).unwrap();
    std::fs::write(
        d.join("article.txt"),
        format!("{article}\n\n{example}\n\n{example}"),
    )
    .unwrap();
    let (code, _, err) = songngu(d, &["tm", "import", "corrections.tsv"], b"");
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = songngu(d, &["run", "article.txt"], b"");
    assert_eq!(code, 0, "{err}");
    let page = std::fs::read_to_string(d.join("out/article.html")).unwrap();
    // Rows with a flag and without (the QA column's collapse needs both).
    assert!(page.contains("<li class=\"error\"><b>term-missing</b>"));
    assert!(page.contains("<td class=\"qa\"></td>"));

    let shots = std::env::var_os("SONGNGU_SCREENSHOT_DIR")
        .map_or_else(|| d.join("screenshots"), PathBuf::from);
    std::fs::create_dir_all(&shots).unwrap();
    let log = run_browser_script(
        &chromium,
        &browser_dir.join("layout.mjs"),
        &[&d.join("out/article.html"), &shots],
    );
    for want in [
        "each ≥ 300",
        "every row in focus is fully visible below the sticky header",
        "the QA column collapses when no row shown has flags",
        "hiding ASCII is remembered after a reload",
        "ok - no page errors or network requests",
    ] {
        assert!(log.contains(want), "{want}: {log}");
    }
    for shot in [
        "review-1000x800-ascii.png",
        "review-1000x800-no-ascii.png",
        "review-1000x800-focus.png",
        "review-1400x1000.png",
    ] {
        let len = std::fs::metadata(shots.join(shot)).map_or(0, |m| m.len());
        assert!(len > 10_000, "{shot}: {len} bytes");
    }
}

/// Runs `node SCRIPT ARGS…` against `chromium`; its output, once it
/// succeeded.
fn run_browser_script(chromium: &Path, script: &Path, args: &[&Path]) -> String {
    let out = Command::new("node")
        .arg(script)
        .args(args)
        .env("CHROMIUM", chromium)
        .output()
        .unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "browser checks ({}) failed:\n{log}",
        script.display()
    );
    log
}

/// The page of the shipped example article with the starter glossary,
/// offline (`tests/browser/marks.mjs`): every hit class on it (exact,
/// partial, unnumbered, ASCII span, diacritic mismatch) is highlighted as
/// its class with and without JavaScript, the marks the script completes
/// carry their class, check and tooltip, the ASCII captions get no review
/// controls, and the status and term filters work on the built rows.
#[test]
fn example_page_marks_and_captions_in_chromium() {
    let Some((chromium, browser_dir, _one_browser)) = browser_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("examples/bai-bao-mau.txt"), d.join("bai.txt")).unwrap();
    let glossary = root.join("glossary");
    let (code, _, err) = songngu(
        d,
        &[
            "run",
            "bai.txt",
            "-o",
            "out",
            "--format",
            "html",
            "--glossary",
            glossary.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    let page = std::fs::read_to_string(d.join("out/bai.html")).unwrap();
    for class in ["partial", "unnumbered", "ascii-span", "diacritic-mismatch"] {
        assert!(
            page.contains(&format!("<mark class=\"term {class}\" data-g=\"")),
            "{class}"
        );
    }
    let log = run_browser_script(
        &chromium,
        &browser_dir.join("marks.mjs"),
        &[&d.join("out/bai.html")],
    );
    for want in [
        "ok - every partial hit is highlighted as partial",
        "ok - a partial hit's tooltip says so",
        "ok - without JavaScript every hit is highlighted by its class",
        "ok - to review: every row but the captions",
        "ok - no page errors or network requests",
    ] {
        assert!(log.contains(want), "{want}: {log}");
    }
}

/// The build script's warning when the browser tests would be skipped
/// (cargo shows it on every build, without `--nocapture`).
#[path = "../build.rs"]
#[allow(dead_code)]
mod build_script;

#[test]
fn build_warns_when_the_browser_tests_would_be_skipped_and_says_how_to_enable_them() {
    let empty = tempfile::tempdir().unwrap();
    let warning =
        build_script::skip_warning(&empty.path().join("no-chromium"), empty.path(), false).unwrap();
    assert!(
        warning.contains("browser tests in tests/review.rs will be SKIPPED"),
        "{warning}"
    );
    for how in [
        "no-chromium (apt-get install chromium, or set CHROMIUM)",
        "node (apt-get install nodejs)",
        "playwright-core (cd tests/browser && npm ci)",
        "SONGNGU_REQUIRE_BROWSER=1",
    ] {
        assert!(warning.contains(how), "{how}: {warning}");
    }
    // Everything there: nothing to say.
    std::fs::create_dir_all(empty.path().join("node_modules/playwright-core")).unwrap();
    let chromium = empty.path().join("chromium");
    std::fs::write(&chromium, "").unwrap();
    assert_eq!(
        build_script::skip_warning(&chromium, empty.path(), true),
        None
    );
}

/// The `--to en` and `--to fr` pages of one article, offline without a
/// glossary (one document hash), in one browser (`tests/browser/pairs.mjs`):
/// an edit approved on one page does not come back on the other, each
/// export names its pair, and `tm import` stores each for its pair.
#[test]
fn review_page_keeps_edits_per_language_pair_in_chromium() {
    let Some((chromium, browser_dir, _one_browser)) = browser_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("config.toml"),
        "[glossary]\npaths = []\n[tm]\npath = \"tm.sqlite\"\n",
    )
    .unwrap();
    std::fs::write(d.join("bai.txt"), "Ban Bí thư họp.\n").unwrap();
    for (out, to) in [("out-en", "en"), ("out-fr", "fr")] {
        let (code, _, err) = songngu(d, &["run", "bai.txt", "-o", out, "--to", to, "-q"], b"");
        assert_eq!(code, 0, "{err}");
    }
    let (en, fr) = (d.join("en.jsonl"), d.join("fr.jsonl"));
    let log = run_browser_script(
        &chromium,
        &browser_dir.join("pairs.mjs"),
        &[
            &d.join("out-en/bai.html"),
            &d.join("out-fr/bai.html"),
            &en,
            &fr,
        ],
    );
    assert!(
        log.contains("ok - the fr page does not show the en page's edit"),
        "{log}"
    );
    for (file, pair) in [("en.jsonl", "vi->en"), ("fr.jsonl", "vi->fr")] {
        let (code, _, err) = songngu(d, &["tm", "import", file], b"");
        assert_eq!(code, 0, "{err}");
        assert!(
            err.contains(&format!(
                "  language pair: {pair} (as the file states): 1 stored"
            )),
            "{err}"
        );
    }
}
