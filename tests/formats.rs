//! The readers of songngu's own formats (`formats/`) as a user meets them
//! through `tm import` and `qa`: input that does not parse is exit 2 with
//! an error located at its file, line and (where known) column, printed in
//! the `file:line:col: error: …` form, and nothing is written.

mod common;

use common::songngu;
use songngu::formats::{TmxUnit, read_tmx};

#[test]
fn tm_import_locates_what_does_not_parse_in_each_format() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("config.toml"), "[glossary]\npaths = []\n").unwrap();
    let cases: [(&str, &str, &str); 5] = [
        (
            // A transfer cut off after a unit: nothing taken, the cut named.
            "cut.xlf",
            "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\"><file source-language=\"vi\" \
             target-language=\"en\"><body>\n<trans-unit id=\"a:0\"><source>Xin chào</source>\
             <target>Hello</target></trans-unit>\n",
            "cut.xlf:4:1: error: XLIFF ends before `</body>` closes `<xliff>`: the file is cut short",
        ),
        (
            "bad.xlf",
            "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\">\n  <file></fil>\n</xliff>\n",
            "bad.xlf:3:9: error: not well-formed XLIFF (byte 52): ",
        ),
        (
            "bad.tsv",
            "id\tsource\ttranslation\na:0\tXin chào\tHello\n",
            "bad.tsv:1: error: the header needs `source` and `target` columns",
        ),
        (
            "bad.jsonl",
            "{\"source\":\"Xin chào\",\"target\":\"Hello\",\"origin\":\"human\"}\n\n{\"source\": 5}\n",
            "bad.jsonl:3:12: error: not a segment object: invalid type: integer `5`, expected a \
             string; each line must be one segment object",
        ),
        (
            "bad.csv",
            "source,target\n",
            "bad.csv:1: error: unknown correction format `.csv`",
        ),
    ];
    for (file, text, want) in cases {
        std::fs::write(d.join(file), text).unwrap();
        let (code, _, err) = songngu(d, &["tm", "import", file], b"");
        assert_eq!(code, 2, "{file}: {err}");
        assert!(err.starts_with(want), "{file}: {err}\nwant: {want}");
        assert!(!d.join(".songngu").exists(), "{file}: a memory was created");
    }
}

#[test]
fn qa_locates_a_line_that_is_not_a_segment_at_its_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("config.toml"), "[glossary]\npaths = []\n").unwrap();
    std::fs::write(d.join("a.txt"), "Xin chào.\n").unwrap();
    let (code, _, err) = songngu(d, &["run", "a.txt", "-o", "out", "-q"], b"");
    assert_eq!(code, 0, "{err}");
    let mut jsonl = std::fs::read_to_string(d.join("out/a.jsonl")).unwrap();
    let (code, out, err) = songngu(d, &["qa", "out"], b"");
    assert_eq!(code, 1, "untranslated: {out}{err}");
    assert!(out.contains("in 1 segment(s) of 1 file(s)"), "{out}");
    jsonl.push_str("  [\"not\", \"an object\"]\n");
    std::fs::write(d.join("out/a.jsonl"), &jsonl).unwrap();
    let (code, out, err) = songngu(d, &["qa", "out"], b"");
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(
        err,
        format!(
            "{}:2:3: error: not a segment of a run's JSONL: not a JSON object; `songngu qa` \
             reads the NAME.jsonl files `songngu run` writes\n",
            std::path::Path::new("out/a.jsonl").display()
        )
    );
}

#[test]
fn files_that_are_not_utf8_are_named_with_the_offset_for_every_reader() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("config.toml"), "[glossary]\npaths = []\n").unwrap();
    let bad = b"{\"source\":\"Xin ch\xE0o\"}\n";
    for (file, args) in [
        ("c.jsonl", &["tm", "import", "c.jsonl"][..]),
        ("r.jsonl", &["qa", "r.jsonl"][..]),
        ("t.txt", &["glossary", "find", "t.txt"][..]),
        ("g.tsv", &["glossary", "import", "g.tsv"][..]),
        ("g.toml", &["glossary", "fmt", "g.toml"][..]),
        ("c.toml", &["--config", "c.toml", "config"][..]),
    ] {
        std::fs::write(d.join(file), bad).unwrap();
        let (code, _, err) = songngu(d, args, b"");
        assert_eq!(code, 2, "{file}: {err}");
        assert!(
            err.contains(&format!("{file}: invalid UTF-8 at byte offset 17;")),
            "{file}: {err}"
        );
    }
}

#[test]
fn tmx_of_run_and_tm_export_reads_back_to_the_reviewed_pair() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("config.toml"), "[glossary]\npaths = []\n").unwrap();
    std::fs::write(
        d.join("c.tsv"),
        "id\tkind\tsource\tascii\ttarget\torigin\na:0000\ttext\tBộ Công an & Ban.\t\tThe <ministry> met.\thuman\n",
    )
    .unwrap();
    let (code, _, err) = songngu(d, &["tm", "import", "c.tsv"], b"");
    assert_eq!(code, 0, "{err}");
    std::fs::write(d.join("a.txt"), "Bộ Công an & Ban.\n").unwrap();
    let (code, _, err) = songngu(d, &["run", "a.txt", "-o", "out", "-q"], b"");
    assert_eq!(code, 0, "{err}");
    let pair = vec![
        ("vi".to_string(), "Bộ Công an & Ban.".to_string()),
        ("en".to_string(), "The <ministry> met.".to_string()),
    ];
    let path = d.join("out/a.tmx");
    let run = read_tmx(&path, &std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(run.srclang.as_deref(), Some("vi"));
    assert_eq!(
        run.units,
        [TmxUnit {
            tuid: "a:0000".into(),
            origin: Some("human".into()),
            variants: pair.clone(),
        }]
    );
    let (code, out, err) = songngu(d, &["tm", "export"], b"");
    assert_eq!(code, 0, "{err}");
    let export = read_tmx(std::path::Path::new("<stdout>"), &out).unwrap();
    assert_eq!(export.units.len(), 1, "{out}");
    assert_eq!(export.units[0].variants, pair);
    assert_eq!(export.units[0].origin.as_deref(), Some("human"));
}

/// `tm export` holds every language pair of the memory, each unit with its
/// own tags in the recommended case (rows stored as `EN-gb` are `en-GB`),
/// and says how many units of each pair it wrote; the header's `srclang` is
/// the common source language, or `*all*` once the sources differ.
#[test]
fn tm_export_holds_every_language_pair_of_the_memory_and_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("config.toml"), "[tm]\npath = \"tm.sqlite\"\n").unwrap();
    let from_file = |line| songngu::tm::CorrectionSource {
        file: "c.tsv".into(),
        line,
        doc: "c".into(),
    };
    {
        let mut tm = songngu::tm::Tm::open(&d.join("tm.sqlite")).unwrap();
        tm.put_human("vi", "en", "Xin chào.", "Hello.", &from_file(1))
            .unwrap();
        tm.put_human("VI", "fr", "Tạm biệt.", "Au revoir.", &from_file(2))
            .unwrap();
        tm.put_machine(&[songngu::tm::MachineRow {
            key: "k1".into(),
            engine: "deepl".into(),
            from: "vi".into(),
            to: "EN-gb".into(),
            source: "Cảm ơn.".into(),
            sent: "Cảm ơn.".into(),
            target: "Thank you.".into(),
        }])
        .unwrap();
        // Exported once a run has kept it (its final target, accepted).
        tm.set_final("k1", "Thank you.").unwrap();
        tm.accept("k1").unwrap();
    }
    let (code, out, err) = songngu(d, &["tm", "export"], b"");
    assert_eq!(code, 0, "{err}");
    let export = read_tmx(std::path::Path::new("<stdout>"), &out).unwrap();
    assert_eq!(export.srclang.as_deref(), Some("vi"), "{out}");
    let mut got: Vec<Vec<(String, String)>> =
        export.units.iter().map(|u| u.variants.clone()).collect();
    got.sort();
    let pair = |a: (&str, &str), b: (&str, &str)| {
        vec![
            (a.0.to_string(), a.1.to_string()),
            (b.0.to_string(), b.1.to_string()),
        ]
    };
    let mut want = vec![
        pair(("vi", "Xin chào."), ("en", "Hello.")),
        pair(("vi", "Tạm biệt."), ("fr", "Au revoir.")),
        pair(("vi", "Cảm ơn."), ("en-GB", "Thank you.")),
    ];
    want.sort();
    assert_eq!(got, want);
    for part in [
        "exported 3 unit(s): ",
        "vi->en 1",
        "vi->fr 1",
        "vi->en-GB 1",
    ] {
        assert!(err.contains(part), "{part}: {err}");
    }

    // A second source language: the header says `*all*`.
    {
        let tm = songngu::tm::Tm::open(&d.join("tm.sqlite")).unwrap();
        tm.put_human("en", "vi", "Hello.", "Xin chào.", &from_file(3))
            .unwrap();
    }
    let (code, out, err) = songngu(d, &["tm", "export", "-q"], b"");
    assert_eq!((code, err.as_str()), (0, ""));
    let export = read_tmx(std::path::Path::new("<stdout>"), &out).unwrap();
    assert_eq!(export.srclang.as_deref(), Some("*all*"));
    assert_eq!(export.units.len(), 4);
}
