//! Durability of `songngu run`'s outputs through the binary (issue 13.5):
//! the outputs are flushed to disk once per batch instead of once per file,
//! and a killed run still never leaves a partial or mixed output file.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

fn songngu(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_songngu"));
    c.current_dir(dir)
        .env_remove("SONGNGU_CONFIG")
        .env_remove("SONGNGU_ENGINE")
        .stdin(Stdio::null());
    c
}

/// `n` articles of about 20 KB under `dir/in` (see [`common::articles`])
/// and a small glossary.
fn corpus(dir: &Path, n: usize) {
    common::articles(dir, n, 20_000, "");
    std::fs::write(
        dir.join("g.toml"),
        "[meta]\nsource_lang = \"vi\"\ntarget_lang = \"en\"\n\n[terms]\n\"Ban Bí thư\" = { target = \"Secretariat\" }\n\"Hà Nội\" = { target = \"Hanoi\" }\n",
    )
    .unwrap();
}

/// Every regular file under `dir`, relative.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// A file's bytes, with the TMX header's creation time (which differs
/// between runs) blanked.
fn contents(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .map(|l| {
            if l.contains("creationdate=") {
                "<header/>"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn killed_run_leaves_only_complete_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    corpus(d, 120);
    let g = d.join("g.toml");
    let g = g.to_str().unwrap();
    // The reference: a complete run.
    let done = songngu(d)
        .args(["run", "in", "-o", "ref", "--glossary", g, "--quiet"])
        .status()
        .unwrap();
    assert!(done.success());
    let reference = files(&d.join("ref"));
    // The outputs, and the record of what was written.
    let record = Path::new(".songngu-written");
    assert_eq!(reference.len(), 120 * 8 + 1);
    assert!(reference.iter().any(|f| f == record));
    assert!(
        reference
            .iter()
            .filter(|f| *f != record)
            .all(|f| !f.to_string_lossy().contains(".songngu-")),
        "a finished run leaves no temporary file"
    );
    // The same run, killed (SIGKILL on Unix) once some outputs exist.
    let mut child = common::spawn_until(
        songngu(d).args(["run", "in", "-o", "out", "--glossary", g, "--quiet"]),
        Duration::from_secs(60),
        || files(&d.join("out")).len() >= 40,
    );
    let _ = child.kill();
    child.wait().unwrap();
    let left = files(&d.join("out"));
    assert!(!left.is_empty());
    for f in &left {
        let name = f.file_name().unwrap().to_string_lossy();
        if name.starts_with(".songngu-") && name.ends_with(".tmp") {
            continue; // a temporary file the kill left behind, never an output name
        }
        if name.starts_with(".songngu-written") {
            continue; // the record and its pending list: not outputs (tests/edited_outputs.rs)
        }
        assert!(reference.contains(f), "{} is not an output", f.display());
        assert_eq!(
            contents(&d.join("out").join(f)),
            contents(&d.join("ref").join(f)),
            "{} is not the complete output",
            f.display()
        );
    }
    // A rerun completes the folder and leaves no temporary file of its own.
    let again = songngu(d)
        .args(["run", "in", "-o", "out", "--glossary", g, "--quiet"])
        .status()
        .unwrap();
    assert!(again.success());
    for f in reference.iter().filter(|f| *f != record) {
        assert_eq!(
            contents(&d.join("out").join(f)),
            contents(&d.join("ref").join(f))
        );
    }
}

/// A document whose outputs cannot all be put in place (a folder where one
/// goes) keeps every old output: none is replaced, so the set never mixes
/// two versions of the article.
#[test]
fn a_document_that_fails_keeps_all_its_old_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("m.txt"), "Bài cũ.\n").unwrap();
    let run = || {
        songngu(d)
            .args(["run", "m.txt", "-o", "out", "-q"])
            .output()
            .unwrap()
    };
    assert!(run().status.success());
    let before: Vec<(PathBuf, String)> = files(&d.join("out"))
        .into_iter()
        .filter(|p| !p.ends_with("m.vi.txt"))
        .map(|p| {
            let p = d.join("out").join(p);
            let c = contents(&p);
            (p, c)
        })
        .collect();
    assert!(before.len() >= 5, "{before:?}");
    std::fs::remove_file(d.join("out/m.vi.txt")).unwrap();
    std::fs::create_dir(d.join("out/m.vi.txt")).unwrap();
    std::fs::write(d.join("m.txt"), "Bài mới.\n").unwrap();
    let out = run();
    assert_eq!(out.status.code(), Some(1));
    for (p, c) in &before {
        assert!(&contents(p) == c, "{} was replaced", p.display());
    }
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("m.vi.txt") && err.contains("folder"), "{err}");
    let leftovers: Vec<_> = files(&d.join("out"))
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".songngu-") && p != Path::new(".songngu-written"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
