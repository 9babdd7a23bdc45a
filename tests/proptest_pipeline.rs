//! A property test over the whole offline pipeline: arbitrary bytes and
//! Vietnamese-like news text (with the characters fuzzing found trouble
//! with: controls, separators, BOMs, markup, placeholders, broken UTF-8) go
//! through `run` with every format, in `replace` mode so targets exist.
//!
//! For every input: the run never panics; bytes that are not UTF-8 fail
//! that document (and write nothing), anything else succeeds; every output
//! parses (each JSONL line is a segment object, the TSV has 8 columns on
//! every line, TMX and XLIFF are well-formed XML with only XML characters,
//! the HTML page's data block is JSON with a row per segment, the three
//! text files have one line per segment); every segment's span slices the
//! document's text to its source, and every term's offsets slice the
//! source to its text.
//!
//! The case count is bounded (64, or `PROPTEST_CASES`) so the test stays
//! fast enough for CI.

use std::path::Path;

use proptest::prelude::*;
use songngu::Pipeline;
use songngu::config::{Config, Format, GlossaryMode};
use songngu::glossary::{Glossary, GlossaryFile, parse_file};
use songngu::pipeline::{BatchSettings, NoProgress};
use songngu::reader::{collect_inputs, decode};

const GLOSSARY: &str = r#"[meta]
source_lang = "vi"
target_lang = "en"

[terms]
"Ban Bí thư" = "Secretariat"
"Bộ Công an" = { target = "Ministry of Public Security", forbidden = ["Ministry of Police"] }
"Chỉ thị" = "Directive"
"Hà Nội" = "Hanoi"

[[entry]]
kind = "pattern"
source = "Kết luận số {code}"
target = "Conclusion No. {code}"
[entry.slots]
code = "docnum"
"#;

fn glossary() -> Glossary {
    let (file, entries, diags) = parse_file(GLOSSARY, Path::new("g.toml"));
    assert!(diags.is_empty(), "{diags:?}");
    let file: GlossaryFile = file.unwrap();
    Glossary {
        entries,
        files: vec![file],
    }
}

/// Text that looks like scraped Vietnamese news, with what goes wrong in it.
fn newsy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => proptest::sample::select(vec![
            "Ban Bí thư", "Bộ Công an", "họp", "tại", "Hà Nội", "TP.HCM", "Chỉ thị", "Chị thị",
            "Kết luận số 44-KL/TW", "Kết luận số 7 KL", "ngày 22/1/2019", "12,5%", "1.500 người",
            "(Ảnh: Minh Đức/TTXVN)", "Bo Cong an trien khai hinh anh 1", "TS.", "v.v.", "Đảng uỷ",
            "Nguyễn Văn A (TTXVN/Vietnam+)", "Thượng tướng", "Q. 3", "/.", " ", " ", " ",
        ]).prop_map(String::from),
        3 => proptest::sample::select(vec![
            ". ", "! ", "? ", "… ", ", ", "\n", "\n\n", "\r\n", "\r", "\t", "\"", "“", "”",
        ]).prop_map(String::from),
        2 => proptest::sample::select(vec![
            "\u{0}", "\u{8}", "\u{B}", "\u{C}", "\u{7F}", "\u{85}", "\u{9F}", "\u{2028}", "\u{2029}",
            "\u{FEFF}", "\u{FFFE}", "\u{FFFF}", "\u{301}", "\u{323}", "\u{200B}", "<script>", "]]>",
            "&amp;", "{{0}}", "<x id=\"1\"/>", "👍🏽", "北京", "\u{E000}",
        ]).prop_map(String::from),
        1 => any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

fn input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => newsy().prop_map(String::into_bytes),
        1 => proptest::collection::vec(any::<u8>(), 0..300),
        // Mostly text with a few bytes of damage.
        1 => (newsy(), proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4))
            .prop_map(|(s, hits)| {
                let mut b = s.into_bytes();
                for (at, byte) in hits {
                    if !b.is_empty() {
                        let i = at.index(b.len());
                        b[i] = byte;
                    }
                }
                b
            }),
    ]
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn well_formed_xml(name: &str, text: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        text.chars().all(is_xml_char),
        "{name}: a character XML cannot carry"
    );
    let mut reader = quick_xml::Reader::from_str(text);
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(_) => {}
            Err(e) => {
                return Err(TestCaseError::fail(format!(
                    "{name}: not well-formed at byte {}: {e}",
                    reader.buffer_position()
                )));
            }
        }
    }
    prop_assert_eq!(depth, 0, "{}: unclosed elements", name);
    Ok(())
}

fn check_outputs(out: &Path, n: usize) -> Result<(), TestCaseError> {
    let read = |ext: &str| std::fs::read_to_string(out.join(format!("doc{ext}"))).unwrap();
    // JSONL: one segment object per line, terms slicing their source.
    let jsonl = read(".jsonl");
    prop_assert_eq!(jsonl.lines().count(), n);
    for line in jsonl.lines() {
        let v: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| TestCaseError::fail(format!("JSONL line does not parse: {e}: {line}")))?;
        let source = v["source"].as_str().unwrap();
        for t in v["terms"].as_array().unwrap() {
            let (s, e) = (
                t["start"].as_u64().unwrap() as usize,
                t["end"].as_u64().unwrap() as usize,
            );
            prop_assert_eq!(source.get(s..e), t["text"].as_str(), "{}", line);
        }
        for key in ["id", "kind", "ascii", "flags"] {
            prop_assert!(!v[key].is_null(), "{key} missing: {line}");
        }
    }
    // TSV: a header and one line per segment, 8 columns each.
    let tsv = read(".tsv");
    prop_assert_eq!(tsv.lines().count(), n + 1);
    for line in tsv.lines() {
        prop_assert_eq!(line.split('\t').count(), 8, "{:?}", line);
    }
    well_formed_xml("tmx", &read(".tmx"))?;
    let xlf = read(".xlf");
    well_formed_xml("xliff", &xlf)?;
    prop_assert_eq!(xlf.matches("<trans-unit ").count(), n);
    // HTML: the data block is JSON with one segment id per row.
    let html = read(".html");
    let start = html.find("id=\"songngu-data\">").unwrap() + "id=\"songngu-data\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    let data: serde_json::Value = serde_json::from_str(&html[start..end])
        .map_err(|e| TestCaseError::fail(format!("the page's data block: {e}")))?;
    prop_assert_eq!(data["ids"].as_array().unwrap().len(), n);
    prop_assert_eq!(html.matches("<tr class=\"seg\"").count(), n);
    // Each term mark points into the page's glossary list, which holds
    // only entries some mark points at.
    let glossary = data["glossary"].as_array().unwrap();
    let mut used = vec![false; glossary.len()];
    for (at, _) in html.match_indices("<mark class=\"term ") {
        let tag = &html[at..at + html[at..].find('>').unwrap()];
        prop_assert!(
            !tag.contains("data-note") && !tag.contains("data-accepted"),
            "{}",
            tag
        );
        if let Some(g) = tag.split(" data-g=\"").nth(1) {
            let g: usize = g.split('"').next().unwrap().parse().unwrap();
            prop_assert!(g < glossary.len(), "{}", tag);
            used[g] = true;
        } else {
            // A hit the page's glossary lacks names its entry and target.
            prop_assert!(
                tag.contains(" data-entry=\"") && tag.contains(" data-target=\""),
                "{}",
                tag
            );
        }
    }
    prop_assert!(used.iter().all(|&u| u), "an entry no mark points at");
    // The line-aligned text files.
    for ext in [".vi.txt", ".en.txt", ".ascii.txt"] {
        let t = read(ext);
        prop_assert_eq!(t.lines().count(), n, "{}", ext);
        prop_assert_eq!(t.matches('\n').count(), n, "{}", ext);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64),
        ..ProptestConfig::default()
    })]

    #[test]
    fn pipeline_never_panics_and_every_output_parses(bytes in input()) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("doc.txt");
        std::fs::write(&file, &bytes).unwrap();
        let mut config = Config::default();
        config.glossary.modes = vec![GlossaryMode::Annotate, GlossaryMode::Replace, GlossaryMode::Verify];
        config.output.formats = vec![Format::Jsonl, Format::Tsv, Format::Tmx, Format::Xliff, Format::Html, Format::Txt];
        let pipeline = Pipeline::builder(&config, &glossary())
            .batch(BatchSettings { jobs: 1, ..BatchSettings::default() })
            .build()
            .unwrap();
        let inputs = collect_inputs(std::slice::from_ref(&file)).unwrap();
        let out = dir.path().join("out");
        let outcomes = pipeline
            .run(&inputs, &out, &NoProgress)
            .map_err(|e| TestCaseError::fail(e.to_string()))?
            .documents;
        prop_assert_eq!(outcomes.len(), 1);
        let Ok(text) = std::str::from_utf8(&bytes) else {
            prop_assert!(
                matches!(outcomes[0].result, Err(songngu::Error::InvalidUtf8 { .. })),
                "{:?}", outcomes[0].result
            );
            prop_assert!(!out.join("doc.jsonl").exists());
            return Ok(());
        };
        let stats = outcomes[0].result.as_ref().map_err(|e| TestCaseError::fail(e.to_string()))?;
        // Spans slice the document's text to the sources, in order.
        let doc = decode(text.as_bytes(), "doc", &file).unwrap();
        let segments = pipeline.process(&doc);
        prop_assert_eq!(segments.len(), stats.segments);
        let mut last = 0;
        for s in &segments {
            prop_assert_eq!(doc.text.get(s.span.0..s.span.1), Some(s.source.as_str()));
            prop_assert!(s.span.0 >= last, "spans overlap: {:?}", s.span);
            last = s.span.1;
            for h in &s.terms {
                prop_assert!(s.source.get(h.start..h.end).is_some(), "{:?} in {:?}", (h.start, h.end), s.source);
            }
        }
        check_outputs(&out, segments.len())?;
    }
}
