//! `songngu qa` reads the JSONL of other versions: an origin or a flag code
//! this version does not know is kept, not an error (docs/data-model.md).

mod common;

use common::songngu;

#[test]
fn qa_reads_unknown_origins_and_flag_codes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("out")).unwrap();
    let line = |id: &str, source: &str, target: &str, origin: &str, code: &str| {
        serde_json::json!({"id": id, "doc": "a", "para": 0, "seq": 0, "kind": "text",
            "source": source, "ascii": "", "target": target, "origin": origin,
            "terms": [], "flags": [{"code": code, "severity": "warning", "message": "m"}]})
        .to_string()
    };
    let text = [
        // An origin of a later version: its target is checked like any
        // translation (the number is missing).
        line(
            "a:0000",
            "Có 1.500 người.",
            "There were people.",
            "reviewer:anna",
            "future-check",
        ),
        // A known origin beside it, with a known code.
        line(
            "a:0001",
            "Có 2.500 người.",
            "There were 2,500 people.",
            "engine:x",
            "term-missing",
        ),
    ]
    .join("\n");
    std::fs::write(d.join("out/a.jsonl"), text + "\n").unwrap();
    std::fs::write(d.join("config.toml"), "[glossary]\npaths = []\n").unwrap();
    let (code, out, err) = songngu(d, &["qa", "out"], b"");
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("out/a.jsonl:1: warning: number-missing: a:0000:"),
        "{out}"
    );
    assert!(!out.contains("a:0001"), "{out}");
    assert!(
        out.contains("1 finding(s): 0 error(s), 1 warning(s) in 2 segment(s) of 1 file(s)"),
        "{out}"
    );
}
