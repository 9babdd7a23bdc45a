//! The offline pipeline end to end: `songngu run` on fixture articles of
//! our own, golden outputs, the batch mode's outcomes and exit codes, and
//! hostile input. Set `SONGNGU_BLESS=1` to rewrite the goldens.

mod common;
use common::{golden, songngu};

use std::path::{Path, PathBuf};

use songngu::config::{Config, GlossaryMode};
use songngu::glossary::{Entry, Glossary, HitClass};
use songngu::reader::decode;
use songngu::{Pipeline, SegmentKind};
use unicode_normalization::UnicodeNormalization;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/run")
}

/// Every XML file must parse with quick-xml from start to end.
fn well_formed(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut reader = quick_xml::Reader::from_str(&text);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!(
                "{} is not well-formed at {}: {e}",
                path.display(),
                reader.buffer_position()
            ),
        }
    }
}

#[test]
fn run_fixture_golden_outputs() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    let (code, stdout, err) = songngu(
        &fixtures(),
        &["run", "--config", "config.toml", "article.txt", "-o", o],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(stdout, "", "stdout stays clean");
    assert!(err.contains("1 document(s), 15 segment(s)"), "{err}");
    let read = |name: &str| std::fs::read_to_string(out.path().join(name)).unwrap();
    golden(&fixtures().join("expected.jsonl"), &read("article.jsonl"));
    golden(&fixtures().join("expected.tsv"), &read("article.tsv"));
    golden(&fixtures().join("expected.xlf"), &read("article.xlf"));
    for f in ["article.xlf", "article.tmx"] {
        well_formed(&out.path().join(f));
    }
    // Line-aligned files have one line per segment.
    let lines = |name: &str| read(name).lines().count();
    assert_eq!(lines("article.vi.txt"), 15);
    assert_eq!(lines("article.en.txt"), 15);
    assert_eq!(lines("article.ascii.txt"), 15);
    // Every kind, and every class but one (`suspect` needs its own spelling).
    let jsonl = read("article.jsonl");
    for kind in ["title", "text", "caption", "byline", "ascii-caption"] {
        assert!(jsonl.contains(&format!("\"kind\":\"{kind}\"")), "{kind}");
    }
    // (`partial` and `unnumbered`: tests/glossary.rs, `cli_run_replace_mode_…`.)
    for class in HitClass::ALL[..6].iter() {
        assert!(
            jsonl.contains(&format!("\"class\":\"{}\"", class.name())),
            "{class:?}"
        );
    }
    // The JSONL contract: field names and order, offsets into the source.
    for line in jsonl.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "id", "doc", "para", "seq", "kind", "source", "ascii", "target", "origin", "terms",
                "flags"
            ]
        );
        let source = v["source"].as_str().unwrap();
        for t in v["terms"].as_array().unwrap() {
            let (s, e) = (
                t["start"].as_u64().unwrap() as usize,
                t["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(&source[s..e], t["text"].as_str().unwrap());
        }
    }
}

fn pipeline(modes: &[GlossaryMode]) -> Pipeline {
    let mut config = Config::default();
    config.glossary.modes = modes.to_vec();
    let (g, _) = songngu::glossary::load_paths(&[fixtures().join("glossary.toml")], ("vi", "en"));
    Pipeline::new(&config, &g).unwrap()
}

#[test]
fn nfd_input_gives_the_same_segments() {
    let text = std::fs::read_to_string(fixtures().join("article.txt")).unwrap();
    let nfd: String = text.nfd().collect();
    let p = pipeline(&[GlossaryMode::Annotate, GlossaryMode::Replace]);
    let a = p.process(&decode(text.as_bytes(), "a", Path::new("a")).unwrap());
    let b = p.process(&decode(nfd.as_bytes(), "a", Path::new("a")).unwrap());
    let json = |segs: &[songngu::Segment]| {
        segs.iter()
            .map(|s| serde_json::to_string(&songngu::formats::Record::of(s)).unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(json(&a), json(&b));
}

#[test]
fn the_seed_style_glued_ascii_captions_are_split_off() {
    // Two image-alt lines glued to their captions, in the shape of the
    // seed article (our own words).
    let text = "Bo Y te hop ban ve phong dich hinh anh 1Bộ trưởng phát biểu tại cuộc họp. (Ảnh: Minh Quân/TTXVN)\n\n\
                Nội dung cuộc họp.\n\nBo Y te hop ban ve phong dich hinh anh 2Quang cảnh cuộc họp. (Ảnh: Minh Quân/TTXVN)\n";
    let p = pipeline(&[GlossaryMode::Annotate]);
    let segs = p.process(&decode(text.as_bytes(), "a", Path::new("a")).unwrap());
    let got: Vec<(SegmentKind, &str)> = segs.iter().map(|s| (s.kind, s.source.as_str())).collect();
    use SegmentKind::*;
    assert_eq!(
        got,
        [
            (AsciiCaption, "Bo Y te hop ban ve phong dich hinh anh 1"),
            (Caption, "Bộ trưởng phát biểu tại cuộc họp."),
            (Caption, "(Ảnh: Minh Quân/TTXVN)"),
            (Text, "Nội dung cuộc họp."),
            (AsciiCaption, "Bo Y te hop ban ve phong dich hinh anh 2"),
            (Caption, "Quang cảnh cuộc họp."),
            (Caption, "(Ảnh: Minh Quân/TTXVN)"),
        ]
    );
}

#[test]
fn hostile_input_still_gives_well_formed_xml_and_aligned_text() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = "Tiêu đề <script>alert(1)</script> & \"x\" ]]> \u{1}\u{B}\u{FFFE}\u{FFFF} hết.\n\n\
                   Đoạn\u{2028}có\u{2029}ngắt\u{85}dòng và tab\there.\n\n\"><img src=x onerror=alert(1)> </textarea> {{1}}\n";
    std::fs::write(dir.path().join("x.txt"), hostile).unwrap();
    std::fs::write(dir.path().join("g.toml"), "[meta]\nsource_lang = \"vi\"\ntarget_lang = \"en\"\n[terms]\n\"Tiêu đề\" = \"Title <b>&\"\n").unwrap();
    let (code, _, err) = songngu(
        dir.path(),
        &["run", "x.txt", "--glossary", "g.toml", "-o", "out"],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    for f in ["out/x.xlf", "out/x.tmx"] {
        well_formed(&dir.path().join(f));
    }
    let lines = |f: &str| {
        std::fs::read_to_string(dir.path().join(f))
            .unwrap()
            .lines()
            .count()
    };
    let jsonl = std::fs::read_to_string(dir.path().join("out/x.jsonl")).unwrap();
    let n = jsonl.lines().count();
    for f in ["out/x.vi.txt", "out/x.en.txt", "out/x.ascii.txt"] {
        assert_eq!(lines(f), n, "{f}");
    }
    // Python-style line splitting (U+2028 and friends) agrees too.
    let vi = std::fs::read_to_string(dir.path().join("out/x.vi.txt")).unwrap();
    assert!(!vi.contains(['\u{2028}', '\u{2029}', '\u{85}', '\u{B}']));
    // The TSV keeps one row per segment with its tab escaped.
    let tsv = std::fs::read_to_string(dir.path().join("out/x.tsv")).unwrap();
    assert_eq!(tsv.lines().count(), n + 1);
    assert!(tsv.contains("tab\\there"), "{tsv}");
}

#[test]
fn batch_failures_are_reported_and_the_rest_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("in/sub")).unwrap();
    std::fs::write(d.join("in/a.txt"), "Bài một.\n").unwrap();
    std::fs::write(d.join("in/sub/a.txt"), "Bài một khác.\n").unwrap();
    std::fs::write(d.join("in/bad.txt"), b"Ok\xFF\xFE").unwrap();
    std::fs::write(d.join("in/notes.pdf"), b"%PDF").unwrap();
    let (code, _, err) = songngu(
        d,
        &[
            "run",
            "in",
            "-o",
            "out",
            "--jobs",
            "2",
            "--glossary",
            "in/none.toml",
        ],
        b"",
    );
    assert_eq!(code, 2, "a missing glossary stops before any work: {err}");
    assert!(!d.join("out").exists());
    let (code, _, err) = songngu(
        d,
        &[
            "run",
            "in",
            "-o",
            "out",
            "--jobs",
            "2",
            "--format",
            "jsonl,xlf",
        ],
        b"",
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("bad.txt: invalid UTF-8 at byte offset 2"),
        "{err}"
    );
    assert!(err.contains("3 document(s) (1 failed)"), "{err}");
    assert!(
        d.join("out/a.jsonl").exists()
            && d.join("out/sub/a.jsonl").exists()
            && d.join("out/a.xlf").exists()
    );
    assert!(!d.join("out/a.tsv").exists(), "only the formats asked for");
    assert!(!d.join("out/bad.jsonl").exists());
    // Two files with the same stem on the command line do not overwrite each other.
    let (code, _, err) = songngu(
        d,
        &["run", "in/a.txt", "in/sub/a.txt", "-o", "o2", "-q"],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "", "--quiet");
    assert!(d.join("o2/in/a.jsonl").exists() && d.join("o2/in/sub/a.jsonl").exists());
}

#[test]
fn stdin_units_and_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, _, err) = songngu(
        d,
        &["run", "-", "-o", "out", "--unit", "paragraph"],
        "Câu một. Câu hai.\n\nĐoạn hai.\n".as_bytes(),
    );
    assert_eq!(code, 0, "{err}");
    let jsonl = std::fs::read_to_string(d.join("out/stdin.jsonl")).unwrap();
    assert_eq!(jsonl.lines().count(), 2);
    let (code, _, err) = songngu(d, &["run", "-", "-o", "out", "--format", "pdf"], b"x");
    assert_eq!(code, 2);
    assert!(err.contains("unknown format `pdf`"), "{err}");
    let (code, _, err) = songngu(d, &["run", "missing.txt"], b"");
    assert_eq!(code, 2, "{err}");
    std::fs::write(d.join("c.toml"), "[translate]\nengine = \"deepl\"\n").unwrap();
    let (code, _, err) = songngu(d, &["run", "--config", "c.toml", "-"], b"x");
    assert_eq!(code, 2);
    assert!(
        err.contains("the deepl engine needs an API key in the DEEPL_API_KEY environment variable"),
        "{err}"
    );
    std::fs::write(d.join("bad.toml"), "[segment]\nunit = \"word\"\n").unwrap();
    let (code, _, err) = songngu(d, &["run", "--config", "bad.toml", "-"], b"x");
    assert_eq!(code, 2);
    assert!(err.contains("bad.toml:2:8: error:"), "{err}");
}

#[test]
fn replace_mode_draft_and_entries_without_replace() {
    let mut e = Entry::term("Bộ Công an", "Ministry of Public Security");
    e.forbidden = vec!["Ministry of Police".into()];
    let g = Glossary {
        entries: vec![e],
        files: Vec::new(),
    };
    let mut config = Config::default();
    config.glossary.modes = vec![GlossaryMode::Replace];
    let p = Pipeline::new(&config, &g).unwrap();
    let segs = p.process(&decode("Bộ Công an họp.\n".as_bytes(), "d", Path::new("d")).unwrap());
    assert_eq!(
        segs[0].target.as_deref(),
        Some("Ministry of Public Security họp.")
    );
    assert_eq!(
        segs[0].origin,
        Some(songngu::document::Provenance::Glossary)
    );
}
