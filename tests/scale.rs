//! Bounded memory on any document (issue 13, point 4), through the binary:
//! a paragraph longer than `[segment] max_bytes` is cut and flagged
//! `segment-cut`, `qa` reads such a run back, and a document that fails
//! after some of it was written fails alone, leaving no file behind.

mod common;

use common::songngu;

/// Writes `config.toml` (`[segment]` then `segment`) and a one-term
/// glossary in `d`.
fn setup(d: &std::path::Path, segment: &str) {
    std::fs::write(
        d.join("config.toml"),
        format!("[segment]\n{segment}\n[glossary]\npaths = [\"g.toml\"]\n"),
    )
    .unwrap();
    std::fs::write(
        d.join("g.toml"),
        "[meta]\nsource_lang = \"vi\"\ntarget_lang = \"en\"\n\n[terms]\n\"Ban Bí thư\" = \"Secretariat\"\n",
    )
    .unwrap();
}

/// The JSONL lines of `path`.
fn lines(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn cut_flags(seg: &serde_json::Value) -> Vec<String> {
    seg["flags"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "segment-cut")
        .map(|f| {
            assert_eq!(f["severity"], "warning");
            f["message"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[test]
fn a_paragraph_over_max_bytes_is_cut_at_sentence_ends_and_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d, "unit = \"paragraph\"\nmax_bytes = 300");
    let long = "Ban Bí thư họp tại Hà Nội hôm nay. ".repeat(30);
    let text = format!("Tiêu đề bài\n\n{long}\n\nĐoạn ngắn cuối bài.\n");
    std::fs::write(d.join("bai.txt"), &text).unwrap();
    let (code, _, err) = songngu(d, &["run", "bai.txt", "-o", "out"], b"");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("segment-cut"),
        "the summary counts the flag: {err}"
    );
    let segs = lines(&d.join("out/bai.jsonl"));
    // The long paragraph (paragraph 2) is in parts of at most 300 bytes,
    // each ending at a sentence end; nothing is lost.
    let parts: Vec<&serde_json::Value> = segs.iter().filter(|s| s["para"] == 1).collect();
    assert!(parts.len() >= 4, "{parts:?}");
    let mut joined = String::new();
    for (i, p) in parts.iter().enumerate() {
        let source = p["source"].as_str().unwrap();
        assert!(source.len() <= 300, "{source}");
        assert!(source.ends_with("hôm nay."), "{source}");
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(source);
        // Each cut flags the segments on both sides of it.
        let flags = cut_flags(p);
        let want = usize::from(i > 0) + usize::from(i + 1 < parts.len());
        assert_eq!(flags.len(), want, "{flags:?}");
        for m in &flags {
            assert!(
                m.starts_with("paragraph 2 is longer than [segment] max_bytes (300 bytes): cut ")
                    && m.contains("at a sentence end, at byte "),
                "{m}"
            );
        }
    }
    assert_eq!(joined, long.trim_end());
    // The other paragraphs are whole and not flagged.
    for s in segs.iter().filter(|s| s["para"] != 1) {
        assert!(cut_flags(s).is_empty(), "{s}");
    }
    assert_eq!(segs[0]["kind"], "title");
    // `qa` reads the run back (it finds its own flags again).
    let (code, out, err) = songngu(d, &["qa", "out/bai.jsonl"], b"");
    assert!(code == 0 || code == 1, "{code}: {out}{err}");
    assert!(!err.contains("error: out/bai.jsonl"), "{err}");
}

#[test]
fn a_line_without_sentence_ends_or_spaces_is_cut_between_characters() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d, "max_bytes = 100");
    // No full stop: cut at spaces; no space: between characters.
    let words = "Kết luận số 7 KL ".repeat(20);
    let glued = "ệ".repeat(100);
    std::fs::write(d.join("a.txt"), format!("{words}\n\n{glued}\n")).unwrap();
    let (code, _, err) = songngu(d, &["run", "a.txt", "-o", "out", "--format", "jsonl"], b"");
    assert_eq!(code, 0, "{err}");
    let segs = lines(&d.join("out/a.jsonl"));
    let sources: Vec<&str> = segs.iter().map(|s| s["source"].as_str().unwrap()).collect();
    assert!(sources.iter().all(|s| s.len() <= 100), "{sources:?}");
    assert_eq!(
        sources.concat().replace(' ', ""),
        format!("{words}{glued}").replace(' ', "")
    );
    let messages: Vec<String> = segs.iter().flat_map(cut_flags).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("at a space inside a sentence")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("inside a word")),
        "{messages:?}"
    );
}

#[test]
fn a_document_failing_after_parts_were_written_fails_alone_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("in")).unwrap();
    setup(d, "max_bytes = 1000");
    std::fs::write(d.join("in/a.txt"), "Bài một.\n").unwrap();
    // 2 MB of good paragraphs (many parts written), then a bad byte.
    let mut big = "Một câu trong bài dài.\n\n".repeat(80_000).into_bytes();
    let at = big.len();
    big.extend_from_slice(b"x\xFFy\n");
    std::fs::write(d.join("in/big.txt"), &big).unwrap();
    let (code, _, err) = songngu(d, &["run", "in", "-o", "out", "--jobs", "2"], b"");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("big.txt: invalid UTF-8 at byte offset {}", at + 1)),
        "{err}"
    );
    assert!(err.contains("2 document(s) (1 failed)"), "{err}");
    let mut left: Vec<String> = std::fs::read_dir(d.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    // The good document's outputs only (and the record of what was
    // written): no part of big, no temporary file.
    assert_eq!(left[0], ".songngu-written");
    assert!(left[1..].iter().all(|f| f.starts_with("a.")), "{left:?}");
    assert_eq!(left.len(), 9, "{left:?}");
}
