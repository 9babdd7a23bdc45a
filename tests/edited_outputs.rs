//! `songngu run` never replaces an output someone changed since it wrote
//! it (docs/output-naming.md, "Outputs changed since songngu wrote
//! them"): the record `.songngu-written` in the output folder, through the
//! binary.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn songngu(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_songngu"));
    c.current_dir(dir)
        .env_remove("SONGNGU_CONFIG")
        .env_remove("SONGNGU_ENGINE")
        .stdin(Stdio::null());
    c
}

/// `songngu run ARGS` in `dir`.
fn run(dir: &Path, args: &[&str]) -> Output {
    songngu(dir).arg("run").args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A folder with an empty glossary configured.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "[glossary]\npaths=[]\n").unwrap();
    dir
}

/// A file's bytes, with the TMX header's creation time (which differs
/// between runs) blanked.
fn contents(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap();
    if path.extension().is_some_and(|e| e == "tmx") {
        let text = String::from_utf8(bytes).unwrap();
        return text
            .lines()
            .map(|l| {
                if l.contains("creationdate=") {
                    "<header/>"
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes();
    }
    bytes
}

/// The outputs of the document `stem` in `out` (every format).
fn outputs(out: &Path, stem: &str) -> Vec<PathBuf> {
    [
        ".jsonl",
        ".tsv",
        ".tmx",
        ".xlf",
        ".html",
        ".vi.txt",
        ".en.txt",
        ".ascii.txt",
    ]
    .iter()
    .map(|s| out.join(format!("{stem}{s}")))
    .collect()
}

#[cfg(unix)]
fn inode(p: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).unwrap().ino()
}

/// The `.songngu-*` files left in `dir` that are not the record.
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".songngu-") && n.ends_with(".tmp"))
        .collect()
}

/// Attack 10's finding: a translator fills the line-aligned target file
/// of a run made beside the inputs, and the operator runs again.
#[test]
fn a_translators_target_file_survives_a_rerun() {
    let dir = workspace();
    let d = dir.path();
    std::fs::create_dir(d.join("d")).unwrap();
    std::fs::write(d.join("d/bai.txt"), "Câu mười một.\n\nCâu mười hai.\n").unwrap();
    assert!(run(d, &["d", "-o", "d", "-q"]).status.success());
    assert!(d.join("d/.songngu-written").is_file());
    let translated = "Translation one\nTranslation two\n";
    std::fs::write(d.join("d/bai.en.txt"), translated).unwrap();
    let before: Vec<Vec<u8>> = outputs(&d.join("d"), "bai")
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    let again = run(d, &["d", "-o", "d", "-q"]);
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    assert_eq!(
        std::fs::read_to_string(d.join("d/bai.en.txt")).unwrap(),
        translated
    );
    // None of the document's files was replaced, none left half-written.
    let after: Vec<Vec<u8>> = outputs(&d.join("d"), "bai")
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    assert_eq!(before, after);
    assert!(temporaries(&d.join("d")).is_empty());
    let err = stderr(&again);
    assert!(
        err.contains("songngu: error: d/bai.en.txt was changed since songngu wrote it (")
            && err.contains(" GMT)")
            && err.contains("none of the outputs of d/bai.txt were written")
            && err.contains("move the file away to keep it, or run with --overwrite-edited"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// A CAT tool saved the XLIFF: that document fails alone, its message
/// names `tm import`; the batch goes on and writes the other document.
#[test]
fn an_edited_xliff_fails_its_document_alone() {
    let dir = workspace();
    let d = dir.path();
    std::fs::create_dir(d.join("in")).unwrap();
    std::fs::write(d.join("in/a.txt"), "Bài một.\n").unwrap();
    std::fs::write(d.join("in/b.txt"), "Bài hai.\n").unwrap();
    assert!(run(d, &["in", "-o", "out", "-q"]).status.success());
    let xlf = d.join("out/a.xlf");
    let saved = std::fs::read_to_string(&xlf)
        .unwrap()
        .replace("</file>", "<!-- saved by a CAT tool -->\n</file>");
    assert!(saved.contains("CAT tool"));
    std::fs::write(&xlf, &saved).unwrap();
    std::fs::write(d.join("in/a.txt"), "Bài một, sửa.\n").unwrap();
    std::fs::write(d.join("in/b.txt"), "Bài hai, sửa.\n").unwrap();
    let again = run(d, &["in", "-o", "out"]);
    assert_eq!(again.status.code(), Some(1));
    let err = stderr(&again);
    assert!(
        err.contains("out/a.xlf was changed since songngu wrote it")
            && err.contains("none of the outputs of in/a.txt were written")
            && err.contains("`songngu tm import out/a.xlf`")
            && err.contains("2 document(s) (1 failed)"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&xlf).unwrap(), saved);
    assert!(
        !std::fs::read_to_string(d.join("out/a.jsonl"))
            .unwrap()
            .contains("sửa")
    );
    assert!(
        std::fs::read_to_string(d.join("out/b.jsonl"))
            .unwrap()
            .contains("Bài hai, sửa.")
    );
}

/// `--overwrite-edited` replaces the changed file, and the record then
/// knows the new one: a plain run afterwards is silent.
#[test]
fn overwrite_edited_replaces_the_changed_output() {
    let dir = workspace();
    let d = dir.path();
    std::fs::write(d.join("a.txt"), "Bài một.\n\nĐoạn hai.\n").unwrap();
    assert!(run(d, &["a.txt", "-q"]).status.success());
    let tsv = d.join("out/a.tsv");
    let written = std::fs::read(&tsv).unwrap();
    std::fs::write(&tsv, b"id\tkind\nedited in a spreadsheet\n").unwrap();
    let refused = run(d, &["a.txt", "-q"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("`songngu tm import out/a.tsv`"),
        "{}",
        stderr(&refused)
    );
    let forced = run(d, &["a.txt", "--overwrite-edited"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert_eq!(std::fs::read(&tsv).unwrap(), written);
    // The changed file is not lost: kept beside its replacement, and said.
    let kept: Vec<_> = std::fs::read_dir(d.join("out"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("a.tsv.edited-")
        })
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(
        std::fs::read(&kept[0]).unwrap(),
        b"id\tkind\nedited in a spreadsheet\n"
    );
    assert!(
        stderr(&forced).contains("the changed file kept as out/a.tsv.edited-"),
        "{}",
        stderr(&forced)
    );
    let plain = run(d, &["a.txt"]);
    assert!(plain.status.success(), "{}", stderr(&plain));
    assert!(!stderr(&plain).contains("error"), "{}", stderr(&plain));
}

/// An untouched re-run rewrites every output without a word, byte for
/// byte the same; so does a run into a copy of the folder (new files,
/// same bytes: hashed), and a folder without a record is rewritten as
/// before.
#[cfg(unix)]
#[test]
fn untouched_outputs_are_rewritten_silently() {
    let dir = workspace();
    let d = dir.path();
    std::fs::write(d.join("a.txt"), "Bài một.\n\nĐoạn hai.\n").unwrap();
    let first = run(d, &["a.txt"]);
    assert!(first.status.success());
    let files = outputs(&d.join("out"), "a");
    let before: Vec<(u64, Vec<u8>)> = files.iter().map(|p| (inode(p), contents(p))).collect();
    let again = run(d, &["a.txt"]);
    assert!(again.status.success());
    assert_eq!(
        stderr(&first),
        stderr(&again).replace(&elapsed(&again), &elapsed(&first))
    );
    for (p, (ino, bytes)) in files.iter().zip(&before) {
        assert_ne!(inode(p), *ino, "{} was not rewritten", p.display());
        assert_eq!(&contents(p), bytes, "{}", p.display());
    }
    // A copy of the folder, record included: every file is new.
    std::fs::create_dir(d.join("copy")).unwrap();
    for e in std::fs::read_dir(d.join("out")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), d.join("copy").join(e.file_name())).unwrap();
    }
    let copy = run(d, &["a.txt", "-o", "copy", "-q"]);
    assert!(copy.status.success(), "{}", stderr(&copy));
    // No record (an older songngu's outputs): replaced, as before.
    std::fs::remove_file(d.join("out/.songngu-written")).unwrap();
    std::fs::write(d.join("out/a.en.txt"), "edited before the record existed\n").unwrap();
    let old = run(d, &["a.txt", "-q"]);
    assert!(old.status.success(), "{}", stderr(&old));
    assert_eq!(std::fs::read(d.join("out/a.en.txt")).unwrap(), b"\n\n");
}

/// The time and rate part of a summary (`in 0.01 s (…)`), which differ
/// between runs.
fn elapsed(o: &Output) -> String {
    let err = stderr(o);
    let start = err.find(" in ").unwrap();
    let end = err[start..].find('\n').unwrap() + start;
    err[start..end].to_owned()
}

/// A run killed after it put some files in place and before it saved its
/// record: the pending list names their new hashes, and the next run
/// takes them as its own. Simulated exactly: the record of the run before,
/// the pending list of the run killed.
#[test]
fn a_record_missing_the_newest_hashes_is_completed_by_the_pending_list() {
    let dir = workspace();
    let d = dir.path();
    std::fs::write(d.join("a.txt"), "Bài một.\n").unwrap();
    assert!(run(d, &["a.txt", "-q"]).status.success());
    let record = d.join("out/.songngu-written");
    let older = std::fs::read_to_string(&record).unwrap();
    std::fs::write(d.join("a.txt"), "Bài một, bản mới.\n").unwrap();
    assert!(run(d, &["a.txt", "-q"]).status.success());
    let newer = std::fs::read_to_string(&record).unwrap();
    assert!(!d.join("out/.songngu-written.pending").exists());
    // The killed run: the new files in place, the old record, the new
    // entries pending (the last line cut short by the kill).
    std::fs::write(&record, &older).unwrap();
    let entries: String = newer.lines().skip(3).map(|l| format!("{l}\n")).collect();
    std::fs::write(
        d.join("out/.songngu-written.pending"),
        format!("{entries}0123abc"),
    )
    .unwrap();
    let next = run(d, &["a.txt", "-q"]);
    assert!(next.status.success(), "{}", stderr(&next));
    assert!(!d.join("out/.songngu-written.pending").exists());
    // The control: without the pending list, the same files are not the
    // ones the record names.
    std::fs::write(&record, &older).unwrap();
    std::fs::write(d.join("a.txt"), "Bài một, bản ba.\n").unwrap();
    let refused = run(d, &["a.txt", "-q"]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
}

/// A real kill -9 in the middle of a run that replaces every output: the
/// next run finds no output "changed", however far the killed one got.
#[test]
fn a_run_killed_midway_leaves_no_false_refusal() {
    let dir = workspace();
    let d = dir.path();
    common::articles(d, 80, 20_000, "Bản một");
    assert!(run(d, &["in", "-o", "out", "-q"]).status.success());
    let pending = d.join("out/.songngu-written.pending");
    for (round, wait_for) in [(2, 8usize), (3, 40)] {
        common::articles(d, 80, 20_000, &format!("Bản {round}"));
        let mut child = songngu(d)
            .args(["run", "in", "-o", "out", "-q"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while child.try_wait().unwrap().is_none()
            && std::fs::read_to_string(&pending).map_or(0, |t| t.lines().count()) < wait_for
            && start.elapsed() < Duration::from_secs(60)
        {
            std::thread::sleep(Duration::from_millis(1));
        }
        let _ = child.kill();
        child.wait().unwrap();
        if round == 2 {
            // Killed after some documents, before the record was saved.
            assert!(pending.exists());
        }
    }
    let next = run(d, &["in", "-o", "out", "-q"]);
    assert!(next.status.success(), "{}", stderr(&next));
    assert!(!pending.exists());
}

/// Many documents written in parallel (`--jobs 4`): the edited ones fail,
/// each alone and named; the others are written; the record ends with an
/// entry for every output.
#[test]
fn with_jobs_the_edited_documents_fail_alone() {
    let dir = workspace();
    let d = dir.path();
    common::articles(d, 40, 3_000, "Bản một");
    assert!(
        run(d, &["in", "-o", "out", "-q", "--jobs", "4"])
            .status
            .success()
    );
    let record = d.join("out/.songngu-written");
    let entries = |p: &Path| {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("songngu-written"))
            .count()
    };
    assert_eq!(entries(&record), 40 * 8);
    let edited = [
        ("out/d1/bai-0005.html", "<p>a reviewer's notes</p>\n"),
        ("out/d2/bai-0010.tsv", "id\tedited\n"),
        ("out/d3/bai-0023.en.txt", "Translated.\n"),
    ];
    for (f, text) in edited {
        std::fs::write(d.join(f), text).unwrap();
    }
    common::articles(d, 40, 3_000, "Bản hai");
    let again = run(d, &["in", "-o", "out", "-q", "--jobs", "4"]);
    assert_eq!(again.status.code(), Some(1));
    let err = stderr(&again);
    assert_eq!(
        err.matches("was changed since songngu wrote it").count(),
        3,
        "{err}"
    );
    for (f, text) in edited {
        assert!(err.contains(&format!("{f} was changed")), "{err}");
        assert_eq!(std::fs::read_to_string(d.join(f)).unwrap(), text);
    }
    for i in 0..40 {
        let jsonl = d.join(format!("out/d{}/bai-{i:04}.jsonl", i % 4));
        let rewritten = std::fs::read_to_string(jsonl).unwrap().contains("Bản hai");
        assert_eq!(rewritten, ![5, 10, 23].contains(&i), "document {i}");
    }
    assert_eq!(entries(&record), 40 * 8);
    let forced = run(
        d,
        &["in", "-o", "out", "-q", "--jobs", "4", "--overwrite-edited"],
    );
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert_eq!(entries(&record), 40 * 8);
    let plain = run(d, &["in", "-o", "out", "-q", "--jobs", "4"]);
    assert!(plain.status.success(), "{}", stderr(&plain));
}
