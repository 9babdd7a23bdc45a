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

/// The names of the files in `dir` and below, sorted, `/` between parts.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy();
                out.push(rel.replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

/// Attack 10, F7: a run holds its output folder locked; a second run
/// waits for it, then stops (exit 2) naming the lock file and the holder.
/// Two real runs started together never take each other's files for
/// changed ones.
#[test]
fn a_second_run_into_the_same_folder_waits_for_the_lock() {
    let dir = workspace();
    let d = dir.path();
    common::articles(d, 60, 4_000, "Bài");
    // Another process holds the lock (this test, with its process id).
    std::fs::create_dir(d.join("out")).unwrap();
    let lock_path = d.join("out/.songngu-written.lock");
    let mut lock = std::fs::File::create(&lock_path).unwrap();
    lock.lock().unwrap();
    std::io::Write::write_all(&mut lock, format!("{}\n", std::process::id()).as_bytes()).unwrap();
    let stopped = run(d, &["in", "-o", "out", "-q"]);
    assert_eq!(stopped.status.code(), Some(2), "{}", stderr(&stopped));
    assert!(
        stderr(&stopped).contains(&format!(
            "songngu: error: out/.songngu-written.lock: another songngu run (process {}) is \
             writing into out and holds this lock",
            std::process::id()
        )),
        "{}",
        stderr(&stopped)
    );
    assert_eq!(tree(&d.join("out")), [".songngu-written.lock"]);
    drop(lock);
    // The attack's commands: two runs started together, other settings.
    let first = songngu(d)
        .args([
            "run",
            "in",
            "-o",
            "out",
            "-q",
            "--unit",
            "paragraph",
            "--jobs",
            "1",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let second = run(
        d,
        &[
            "in", "-o", "out", "-q", "--unit", "sentence", "--format", "jsonl", "--jobs", "2",
        ],
    );
    let first = first.wait_with_output().unwrap();
    for o in [&first, &second] {
        let code = o.status.code();
        assert!(
            code == Some(0) || (code == Some(2) && stderr(o).contains("holds this lock")),
            "{}",
            stderr(o)
        );
    }
    let third = run(d, &["in", "-o", "out", "-q", "--format", "jsonl"]);
    assert!(third.status.success(), "{}", stderr(&third));
    assert!(
        !stderr(&third).contains("changed since"),
        "{}",
        stderr(&third)
    );
    // A finished run leaves no lock file behind.
    assert!(!lock_path.exists());
}

/// Attack 10, F5: a record with CRLF line ends, or with a line that is
/// not an entry, never turns protection off: the line is skipped and
/// named, an edited output is still refused, one the record cannot vouch
/// for too, and the record is kept as it is.
#[test]
fn a_record_with_a_bad_line_keeps_protecting_every_output() {
    let dir = workspace();
    let d = dir.path();
    common::articles(d, 3, 1_500, "Bài");
    assert!(run(d, &["in", "-o", "oc", "-q"]).status.success());
    let record = d.join("oc/.songngu-written");
    std::fs::write(d.join("oc/d0/bai-0000.en.txt"), "x\n").unwrap();
    // CRLF: read as written.
    let text = std::fs::read_to_string(&record).unwrap();
    std::fs::write(&record, text.replace('\n', "\r\n")).unwrap();
    let crlf = run(d, &["in", "-o", "oc", "-q"]);
    assert_eq!(crlf.status.code(), Some(1), "{}", stderr(&crlf));
    assert!(stderr(&crlf).contains("oc/d0/bai-0000.en.txt was changed since songngu wrote it"));
    // A merge left its markers in; the entry of another output is lost in
    // it, and that output was edited too.
    let text = std::fs::read_to_string(&record).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let lost = lines
        .iter()
        .position(|l| l.ends_with(" d1/bai-0001.tsv"))
        .unwrap();
    let mut merged: Vec<&str> = lines.clone();
    merged[lost] = "<<<<<<< HEAD";
    let merged = merged.join("\n") + "\n";
    std::fs::write(&record, &merged).unwrap();
    std::fs::write(d.join("oc/d1/bai-0001.tsv"), "id\tmy corrections\n").unwrap();
    let bad = run(d, &["in", "-o", "oc", "-q"]);
    let err = stderr(&bad);
    assert_eq!(bad.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "songngu: warning: oc/.songngu-written:{}: not an entry `HASH SIZE MTIME INODE NAME`",
            lost + 1
        )),
        "{err}"
    );
    assert!(
        err.contains("oc/d0/bai-0000.en.txt was changed since songngu wrote it"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "oc/d1/bai-0001.tsv may have been changed: songngu's record oc/.songngu-written does \
             not name it, and its line(s) {} cannot be read",
            lost + 1
        )),
        "{err}"
    );
    assert!(!err.contains("remove the file"), "{err}");
    assert_eq!(
        std::fs::read_to_string(d.join("oc/d0/bai-0000.en.txt")).unwrap(),
        "x\n"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("oc/d1/bai-0001.tsv")).unwrap(),
        "id\tmy corrections\n"
    );
    // The third document was written; the record is left as found, the
    // new entries pending.
    assert_eq!(err.matches("songngu: error:").count(), 2, "{err}");
    assert_eq!(std::fs::read_to_string(&record).unwrap(), merged);
    assert!(d.join("oc/.songngu-written.pending").exists());
    let same = run(d, &["in", "-o", "oc", "-q"]);
    assert_eq!(same.status.code(), Some(1), "{}", stderr(&same));
    assert_eq!(
        stderr(&same).matches("songngu: error:").count(),
        2,
        "{}",
        stderr(&same)
    );
    // --overwrite-edited replaces them, each kept beside.
    let forced = run(d, &["in", "-o", "oc", "-q", "--overwrite-edited"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    let kept = tree(&d.join("oc"));
    assert!(
        kept.iter()
            .any(|f| f.starts_with("d1/bai-0001.tsv.edited-")),
        "{kept:?}"
    );
    assert!(
        kept.iter()
            .any(|f| f.starts_with("d0/bai-0000.en.txt.edited-")),
        "{kept:?}"
    );
}

/// Attack 10, F6: a record cut short inside its last line (an interrupted
/// copy) does not leave the output that line named unprotected.
#[test]
fn a_record_cut_short_leaves_no_output_unprotected() {
    let dir = workspace();
    let d = dir.path();
    common::articles(d, 3, 1_500, "Bài");
    assert!(run(d, &["in", "-o", "otr", "-q"]).status.success());
    let record = d.join("otr/.songngu-written");
    let text = std::fs::read_to_string(&record).unwrap();
    let last = text.lines().count();
    let name = text
        .lines()
        .last()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .to_owned();
    // `truncate -s -2`: the last line now ends inside its name.
    std::fs::write(&record, &text[..text.len() - 2]).unwrap();
    std::fs::write(d.join("otr").join(&name), "<edited/>\n").unwrap();
    let again = run(d, &["in", "-o", "otr", "-q"]);
    let err = stderr(&again);
    assert_eq!(again.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "songngu: warning: otr/.songngu-written:{last}: the last line has no line break"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "otr/{name} may have been changed: songngu's record"
        )),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("otr").join(&name)).unwrap(),
        "<edited/>\n"
    );
}

/// Attack 10, F4: in `run d -o d`, a target file the translator gave a
/// line more is still an output (the record names it): its document fails
/// alone with the documented message, the other is written.
#[test]
fn outputs_beside_the_inputs_stay_outputs_whatever_their_lines() {
    let dir = workspace();
    let d = dir.path();
    common::articles(d, 2, 1_500, "Bài");
    std::fs::create_dir(d.join("d")).unwrap();
    std::fs::rename(d.join("in/d0/bai-0000.txt"), d.join("d/bai1.txt")).unwrap();
    std::fs::rename(d.join("in/d1/bai-0001.txt"), d.join("d/bai2.txt")).unwrap();
    assert!(run(d, &["d", "-o", "d", "-q"]).status.success());
    std::fs::write(d.join("d/bai1.en.txt"), "edit\n").unwrap();
    std::fs::write(d.join("d/bai2.txt"), "Bài hai, bản mới.\n").unwrap();
    let again = run(d, &["d", "-o", "d"]);
    let err = stderr(&again);
    assert_eq!(again.status.code(), Some(1), "{err}");
    assert!(
        err.contains("songngu: error: d/bai1.en.txt was changed since songngu wrote it (")
            && err.contains("none of the outputs of d/bai1.txt were written"),
        "{err}"
    );
    assert!(
        err.contains("songngu: note: skipped 3 file(s) that the output folder's record"),
        "{err}"
    );
    assert!(err.contains("2 document(s) (1 failed)"), "{err}");
    assert_eq!(
        std::fs::read_to_string(d.join("d/bai1.en.txt")).unwrap(),
        "edit\n"
    );
    assert!(
        std::fs::read_to_string(d.join("d/bai2.jsonl"))
            .unwrap()
            .contains("bản mới")
    );
}

/// Attack 10, F3: in a folder whose record existed before, a file the
/// record does not name is someone's (a hand translation made ahead): not
/// replaced. Files from before the record are replaced as before.
#[test]
fn a_hand_made_file_in_a_recorded_folder_is_not_replaced() {
    let dir = workspace();
    let d = dir.path();
    common::articles(d, 5, 1_500, "Bài");
    let fifth = d.join("in/d0/bai-0004.txt");
    std::fs::rename(&fifth, d.join("bai4.txt")).unwrap();
    // An older songngu's output, from before the record: replaced as before.
    std::fs::create_dir_all(d.join("on/d1")).unwrap();
    std::fs::write(d.join("on/d1/bai-0001.en.txt"), "older output\n").unwrap();
    assert!(run(d, &["in", "-o", "on", "-q"]).status.success());
    assert_ne!(
        std::fs::read_to_string(d.join("on/d1/bai-0001.en.txt")).unwrap(),
        "older output\n"
    );
    let hand = "Pre-translated by hand, line 1\nline 2\nline 3\n";
    std::fs::write(d.join("on/d0/bai-0004.en.txt"), hand).unwrap();
    std::fs::rename(d.join("bai4.txt"), &fifth).unwrap();
    let again = run(d, &["in", "-o", "on", "-q"]);
    let err = stderr(&again);
    assert_eq!(again.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "on/d0/bai-0004.en.txt is not a file songngu wrote: its record on/.songngu-written, \
             kept since "
        ) && err.contains("does not name it, and the file is newer")
            && err.contains("none of the outputs of in/d0/bai-0004.txt were written"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("on/d0/bai-0004.en.txt")).unwrap(),
        hand
    );
    assert!(!d.join("on/d0/bai-0004.jsonl").exists());
    // --overwrite-edited: replaced, kept beside.
    let forced = run(d, &["in", "-o", "on", "-q", "--overwrite-edited"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(
        tree(&d.join("on"))
            .iter()
            .any(|f| f.starts_with("d0/bai-0004.en.txt.edited-"))
    );
}

/// Attack 10, F2: nested output folders. A run into `OUT/sub` while `OUT`'s
/// record names files there stops before writing (exit 2); a run into
/// `OUT` that would write into a subfolder holding its own record fails
/// those documents and writes the rest; neither loses an edit or later
/// refuses songngu's own files.
#[test]
fn nested_output_folders_neither_lose_edits_nor_refuse_their_own_files() {
    let dir = workspace();
    let d = dir.path();
    common::articles(d, 2, 1_500, "Bài");
    std::fs::create_dir_all(d.join("in2/sub")).unwrap();
    std::fs::rename(d.join("in/d0/bai-0000.txt"), d.join("in2/top.txt")).unwrap();
    std::fs::rename(d.join("in/d1/bai-0001.txt"), d.join("in2/sub/x.txt")).unwrap();
    // (a) The edit under the parent's record.
    assert!(run(d, &["in2", "-o", "o2", "-q"]).status.success());
    std::fs::write(d.join("o2/sub/x.en.txt"), "TRANSLATOR WORK\n").unwrap();
    let inner = run(d, &["in2/sub", "-o", "o2/sub", "-q"]);
    let err = stderr(&inner);
    assert_eq!(inner.status.code(), Some(2), "{err}");
    assert!(
        err.contains("/o2/.songngu-written: the record of a run into ")
            && err.contains("names outputs inside o2/sub"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("o2/sub/x.en.txt")).unwrap(),
        "TRANSLATOR WORK\n"
    );
    assert!(!d.join("o2/sub/.songngu-written").exists());
    assert!(!d.join("o2/sub/.songngu-written.lock").exists());
    // (b) The parent run does not write beside the subfolder's record.
    assert!(run(d, &["in2/sub", "-o", "o3/sub", "-q"]).status.success());
    std::fs::write(d.join("in2/sub/x.txt"), "Bài mới hoàn toàn khác.\n").unwrap();
    let outer = run(d, &["in2", "-o", "o3", "-q"]);
    let err = stderr(&outer);
    assert_eq!(outer.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "o3/sub/.songngu-written: o3/sub holds the record of a run into it, which a run into \
             o3 does not keep; none of the outputs of in2/sub/x.txt were written"
        ),
        "{err}"
    );
    assert!(d.join("o3/top.jsonl").exists());
    assert!(
        !std::fs::read_to_string(d.join("o3/sub/x.jsonl"))
            .unwrap()
            .contains("Bài mới")
    );
    let again = run(d, &["in2/sub", "-o", "o3/sub", "-q"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(!stderr(&again).contains("changed"), "{}", stderr(&again));
}

/// Attack 10, F8: a record or pending list that is a link (to /dev/zero,
/// to itself) or far too large stops the run at once, exit 2, named.
#[cfg(unix)]
#[test]
fn a_record_that_is_a_link_or_too_large_stops_the_run() {
    let dir = workspace();
    let d = dir.path();
    common::articles(d, 1, 1_000, "Bài");
    assert!(run(d, &["in", "-o", "out", "-q"]).status.success());
    let record = d.join("out/.songngu-written");
    let pending = d.join("out/.songngu-written.pending");
    std::fs::rename(&record, d.join("saved")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &record).unwrap();
    let zero = run(d, &["in", "-o", "out", "-q"]);
    assert_eq!(zero.status.code(), Some(2), "{}", stderr(&zero));
    assert!(
        stderr(&zero).contains("songngu: error: out/.songngu-written: is a symbolic link"),
        "{}",
        stderr(&zero)
    );
    std::fs::remove_file(&record).unwrap();
    std::fs::rename(d.join("saved"), &record).unwrap();
    std::os::unix::fs::symlink(".songngu-written.pending", &pending).unwrap();
    let looped = run(d, &["in", "-o", "out", "-q"]);
    assert_eq!(looped.status.code(), Some(2), "{}", stderr(&looped));
    assert!(
        stderr(&looped).contains("out/.songngu-written.pending: is a symbolic link"),
        "{}",
        stderr(&looped)
    );
    std::fs::remove_file(&pending).unwrap();
    let huge = std::fs::OpenOptions::new()
        .write(true)
        .open(&record)
        .unwrap();
    huge.set_len(300 << 20).unwrap();
    let big = run(d, &["in", "-o", "out", "-q"]);
    assert_eq!(big.status.code(), Some(2), "{}", stderr(&big));
    assert!(
        stderr(&big).contains("out/.songngu-written: is larger than 256 MiB"),
        "{}",
        stderr(&big)
    );
}

/// `songngu run ARGS` in `dir`, stopped by SIGINT (Ctrl-C) once its
/// pending list `pending` holds `lines` lines; it must not have finished.
#[cfg(unix)]
fn interrupted(dir: &Path, args: &[&str], pending: &Path, lines: usize) {
    let mut child = common::spawn_until(
        songngu(dir).arg("run").args(args),
        Duration::from_secs(120),
        || std::fs::read_to_string(pending).map_or(0, |t| t.lines().count()) >= lines,
    );
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    assert_eq!(child.wait().unwrap().code(), Some(130));
    let folder = pending.parent().unwrap();
    assert!(pending.exists());
    assert!(!folder.join(".songngu-written").exists());
}

/// An output of a document the pending list `pending` names.
fn a_pending_output(pending: &Path) -> String {
    let text = std::fs::read_to_string(pending).unwrap();
    let name = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.splitn(5, ' ').nth(4))
        .find(|n| n.ends_with(".en.txt"))
        .unwrap();
    name.to_owned()
}

/// Attack 11, F1: a first run stopped by Ctrl-C before it saved its
/// record leaves only the pending list; that list keeps the folder as a
/// record does: (a) a run into a subfolder it names stops (exit 2), (b) a
/// run into the folder above a stopped run's folder does not write there,
/// (c) a hand-made file the stopped run had not reached is not replaced.
#[cfg(unix)]
#[test]
fn a_first_run_stopped_before_its_record_keeps_the_folder_all_the_same() {
    let dir = workspace();
    let d = dir.path();
    common::articles(d, 120, 20_000, "Bài");
    let pending = d.join("on/.songngu-written.pending");
    interrupted(d, &["in", "-o", "on", "-q", "--jobs", "1"], &pending, 9);
    assert!(
        std::fs::read_to_string(&pending)
            .unwrap()
            .starts_with("# created ")
    );
    // (a)
    let name = a_pending_output(&pending);
    let (sub, _) = name.split_once('/').unwrap();
    let edited = d.join("on").join(&name);
    std::fs::write(&edited, "TRANSLATOR WORK\n").unwrap();
    let inner = run(d, &[&format!("in/{sub}"), "-o", &format!("on/{sub}"), "-q"]);
    let err = stderr(&inner);
    assert_eq!(inner.status.code(), Some(2), "{err}");
    assert!(
        err.contains("/on/.songngu-written.pending: the record of a run into "),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&edited).unwrap(),
        "TRANSLATOR WORK\n"
    );
    // (c) A document the stopped run had not reached.
    let hand = d.join("on/d3/bai-0119.en.txt");
    assert!(!hand.exists());
    std::fs::create_dir_all(hand.parent().unwrap()).unwrap();
    std::fs::write(&hand, "HAND MADE\n").unwrap();
    let again = run(d, &["in", "-o", "on", "-q"]);
    let err = stderr(&again);
    assert_eq!(again.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "on/d3/bai-0119.en.txt is not a file songngu wrote: its record \
             on/.songngu-written.pending, kept since "
        ),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&hand).unwrap(), "HAND MADE\n");
    assert_eq!(
        std::fs::read_to_string(&edited).unwrap(),
        "TRANSLATOR WORK\n"
    );
    // That run saved the record, which keeps the `# created` time.
    let record = std::fs::read_to_string(d.join("on/.songngu-written")).unwrap();
    assert!(record.contains("\n# created "), "{record}");
    // (b)
    let pending = d.join("on2/d0/.songngu-written.pending");
    interrupted(
        d,
        &["in/d0", "-o", "on2/d0", "-q", "--jobs", "1"],
        &pending,
        9,
    );
    let name = a_pending_output(&pending);
    let edited = d.join("on2/d0").join(&name);
    std::fs::write(&edited, "TRANSLATOR WORK\n").unwrap();
    let outer = run(d, &["in", "-o", "on2", "-q"]);
    let err = stderr(&outer);
    assert_eq!(outer.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "on2/d0/.songngu-written.pending: on2/d0 holds the record of a run into it, which a \
             run into on2 does not keep"
        ),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&edited).unwrap(),
        "TRANSLATOR WORK\n"
    );
    assert!(d.join("on2/d1/bai-0001.jsonl").exists());
}

/// Attack 11, F4: a damaged `# created` line, or a record cut exactly on
/// a line boundary, is a line that cannot be read: a hand-made file and
/// an edited output whose entry was cut off are kept.
#[test]
fn a_damaged_created_line_or_a_record_cut_between_lines_keeps_protection_on() {
    let dir = workspace();
    let d = dir.path();
    common::articles(d, 3, 1_500, "Bài");
    let third = d.join("in/d2/bai-0002.txt");
    let aside = d.join("bai2.txt");
    std::fs::rename(&third, &aside).unwrap();
    assert!(run(d, &["in", "-o", "ot", "-q"]).status.success());
    let record = d.join("ot/.songngu-written");
    let good = std::fs::read_to_string(&record).unwrap();
    let damaged = good.replacen("# created 1", "# created 17959x", 1);
    std::fs::write(&record, &damaged).unwrap();
    std::fs::create_dir_all(d.join("ot/d2")).unwrap();
    std::fs::write(d.join("ot/d2/bai-0002.en.txt"), "hand\n").unwrap();
    std::fs::rename(&aside, &third).unwrap();
    let hand = run(d, &["in", "-o", "ot", "-q"]);
    let err = stderr(&hand);
    assert_eq!(hand.status.code(), Some(1), "{err}");
    assert!(
        err.contains("ot/.songngu-written:3: the `# created` line does not start with a time"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("ot/d2/bai-0002.en.txt")).unwrap(),
        "hand\n"
    );
    // `head -n 3`: the header, the comment, the `# created` line.
    let head: String = good.lines().take(3).map(|l| format!("{l}\n")).collect();
    std::fs::write(&record, head).unwrap();
    std::fs::write(d.join("ot/d0/bai-0000.en.txt"), "TRANSLATOR\n").unwrap();
    let cut = run(d, &["in", "-o", "ot", "-q"]);
    let err = stderr(&cut);
    assert_eq!(cut.status.code(), Some(1), "{err}");
    assert!(
        err.contains("entry lines and it has 0: lines were lost"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("ot/d0/bai-0000.en.txt")).unwrap(),
        "TRANSLATOR\n"
    );
}

/// `songngu run ARGS` in `dir` as a user the file system's permissions
/// bind: under root, through `setpriv` without the capabilities that
/// override them (as in tests/tm_tags.rs).
#[cfg(unix)]
fn run_unprivileged(dir: &Path, args: &[&str]) -> Output {
    common::unprivileged(dir)
        .arg("run")
        .args(args)
        .env_remove("SONGNGU_ENGINE")
        .stdin(Stdio::null())
        .output()
        .expect("setpriv (util-linux) is needed to run this test as root")
}

/// Attack 11, F7: `--overwrite-edited -q` still says, in one line, that
/// changed outputs were kept aside; an output folder that is not writable,
/// or a folder at the lock's name, stops the run with a message saying so
/// (exit 2).
#[cfg(unix)]
#[test]
fn quiet_overwrite_still_notes_the_kept_files_and_an_unwritable_folder_is_named() {
    use std::os::unix::fs::PermissionsExt;
    let dir = workspace();
    let d = dir.path();
    common::articles(d, 2, 1_500, "Bài");
    assert!(run(d, &["in", "-o", "oq", "-q"]).status.success());
    std::fs::write(d.join("oq/d0/bai-0000.en.txt"), "mine\n").unwrap();
    std::fs::write(d.join("oq/d1/bai-0001.tsv"), "mine\n").unwrap();
    let forced = run(d, &["in", "-o", "oq", "-q", "--overwrite-edited"]);
    let err = stderr(&forced);
    assert!(forced.status.success(), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(
            "songngu: note: 2 output(s) changed since songngu wrote them were replaced \
             (--overwrite-edited), each changed file kept beside its replacement (oq/d"
        ) && err.contains(".edited-"),
        "{err}"
    );
    // Nothing changed: nothing said.
    let quiet = run(d, &["in", "-o", "oq", "-q", "--overwrite-edited"]);
    assert!(quiet.status.success());
    assert_eq!(stderr(&quiet), "");
    // Not writable.
    std::fs::create_dir(d.join("oro")).unwrap();
    std::fs::set_permissions(d.join("oro"), std::fs::Permissions::from_mode(0o555)).unwrap();
    let ro = run_unprivileged(d, &["in", "-o", "oro", "-q"]);
    let err = stderr(&ro);
    assert_eq!(ro.status.code(), Some(2), "{err}");
    assert!(
        err.contains("oro: the output folder is not writable (Permission denied"),
        "{err}"
    );
    let ro = run_unprivileged(d, &["in", "-o", "oro/sub", "-q"]);
    assert_eq!(ro.status.code(), Some(2), "{}", stderr(&ro));
    assert!(stderr(&ro).contains("the output folder is not writable"));
    std::fs::set_permissions(d.join("oro"), std::fs::Permissions::from_mode(0o755)).unwrap();
    // A lock file this user cannot open (another user's, in a shared folder).
    std::fs::create_dir(d.join("osh")).unwrap();
    let lock = d.join("osh/.songngu-written.lock");
    std::fs::write(&lock, "4242\n").unwrap();
    std::fs::set_permissions(&lock, std::fs::Permissions::from_mode(0o444)).unwrap();
    let shared = run_unprivileged(d, &["in", "-o", "osh", "-q"]);
    let err = stderr(&shared);
    assert_eq!(shared.status.code(), Some(2), "{err}");
    assert!(
        err.contains("osh/.songngu-written.lock: cannot be opened (Permission denied")
            && err.contains("remove it when no run is writing into osh"),
        "{err}"
    );
    // A folder at the lock's name.
    std::fs::create_dir_all(d.join("old/.songngu-written.lock")).unwrap();
    let folder = run(d, &["in", "-o", "old", "-q"]);
    let err = stderr(&folder);
    assert_eq!(folder.status.code(), Some(2), "{err}");
    assert!(
        err.contains("old/.songngu-written.lock: is a folder; songngu keeps its record"),
        "{err}"
    );
}
