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
    assert!(page.contains("data-flags=\"term-missing\""));
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

fn browser_prerequisites() -> Result<(PathBuf, PathBuf), String> {
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
    Ok((chromium, browser_dir))
}

#[test]
fn review_page_in_chromium() {
    let (chromium, browser_dir) = match browser_prerequisites() {
        Ok(p) => p,
        Err(why) => {
            assert!(
                std::env::var_os("SONGNGU_REQUIRE_BROWSER").is_none(),
                "SONGNGU_REQUIRE_BROWSER is set but {why}"
            );
            eprintln!("skipping the browser test: {why}");
            return;
        }
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

/// The page at laptop width (`tests/browser/layout.mjs`): ASCII column
/// hidden on request and remembered, source and target ≥ 300 px at
/// 1000×800, QA column collapsed when no row shown has flags, the row in
/// focus fully visible under the sticky header. Screenshots go to the
/// test's output folder (kept, and named, when `SONGNGU_SCREENSHOT_DIR` is
/// set; else a temporary folder).
#[test]
fn review_page_layout_at_laptop_width() {
    let (chromium, browser_dir) = match browser_prerequisites() {
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
    assert!(page.contains("data-flags=\"term-missing\""));
    assert!(page.contains("data-flags=\"\""));

    let shots = std::env::var_os("SONGNGU_SCREENSHOT_DIR")
        .map_or_else(|| d.join("screenshots"), PathBuf::from);
    std::fs::create_dir_all(&shots).unwrap();
    let out = Command::new("node")
        .arg(browser_dir.join("layout.mjs"))
        .arg(d.join("out/article.html"))
        .arg(&shots)
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "browser layout checks failed:\n{log}");
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
