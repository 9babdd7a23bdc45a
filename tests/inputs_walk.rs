//! What a folder walk of `songngu run` reads: never the run's own outputs
//! (the output folder inside an input folder; the line-aligned txt outputs
//! of an earlier run beside the inputs or in another output folder), never
//! a hidden file or folder, and never anything of these silently: each
//! skip is reported. A file named on the command line is always read.
//! `songngu qa` walks its folders by the same code, hidden entries left out
//! and said the same way.
//! The rule is in docs/output-naming.md ("Which files a folder gives").

mod common;

use std::path::Path;

fn sn(dir: &Path, args: &[&str]) -> (i32, String, String) {
    common::songngu(dir, args, b"")
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A folder `parent/` with two short Vietnamese articles, and a config
/// without a glossary.
fn articles() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("config.toml"), "[glossary]\npaths = []\n");
    write(
        &d.join("parent/bai.txt"),
        "Hà Nội hôm nay có mưa rào.\n\nBộ Y tế họp về dịch sốt xuất huyết.\n",
    );
    write(
        &d.join("parent/tin/ngan.md"),
        "Ông Nguyễn Văn An đến Đà Nẵng.\n",
    );
    dir
}

/// The document count of the summary line.
fn documents(err: &str) -> &str {
    let line = err
        .lines()
        .find(|l| l.starts_with("songngu run: "))
        .unwrap_or_else(|| panic!("no summary: {err}"));
    line.split(',').next().unwrap()
}

#[test]
fn a_rerun_with_the_output_folder_inside_the_input_folder_reads_the_same_articles() {
    let dir = articles();
    let d = dir.path();
    let args = ["run", "parent", "-o", "parent/out", "--format", "txt,jsonl"];
    // The first run creates the folder: nothing to skip, nothing said.
    let (code, _, err) = sn(d, &args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(documents(&err), "songngu run: 2 document(s)", "{err}");
    assert!(!err.contains("skipped"), "{err}");
    assert!(d.join("parent/out/bai.vi.txt").exists());
    for _ in 0..2 {
        let (code, _, err) = sn(d, &args);
        assert_eq!(code, 0, "{err}");
        assert_eq!(documents(&err), "songngu run: 2 document(s)", "{err}");
        assert_eq!(
            err.matches("songngu: note: skipped parent/out: it is the output folder")
                .count(),
            1,
            "{err}"
        );
    }
    assert!(!d.join("parent/out/out").exists());
    assert!(!d.join("parent/out/bai.vi.vi.txt").exists());
    // Another output folder later: the first one's txt outputs are outputs,
    // not articles.
    let (code, _, err) = sn(d, &["run", "parent", "-o", "elsewhere", "--format", "txt"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(documents(&err), "songngu run: 2 document(s)", "{err}");
    assert!(
        err.contains(
            "songngu: note: skipped 6 file(s) that are txt outputs of a run, not articles \
             (NAME.ascii.txt and NAME.<language>.txt files, line-aligned): \
             parent/out/bai.ascii.txt, parent/out/bai.en.txt, parent/out/bai.vi.txt, …; \
             name a file to read it anyway"
        ),
        "{err}"
    );
    assert!(!d.join("elsewhere/out").exists());
    // Met from two input folders, or hidden, the output folder is named
    // once, as the output folder.
    let (code, _, err) = sn(
        d,
        &["run", "parent", "parent/tin", "-o", "parent/tin/.out", "-q"],
    );
    assert_eq!((code, err.as_str()), (0, ""));
    let (code, _, err) = sn(d, &["run", "parent", "parent/tin", "-o", "parent/tin/.out"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.matches("skipped").count(), 2, "{err}");
    assert!(
        err.contains("songngu: note: skipped parent/tin/.out: it is the output folder\n"),
        "{err}"
    );
}

#[test]
fn outputs_beside_the_inputs_are_not_read_again() {
    let dir = articles();
    let d = dir.path();
    let args = ["run", "parent", "-o", "parent", "--format", "txt,jsonl"];
    for run in 0..3 {
        let (code, _, err) = sn(d, &args);
        assert_eq!(code, 0, "run {run}: {err}");
        assert_eq!(documents(&err), "songngu run: 2 document(s)", "{err}");
        if run > 0 {
            assert!(
                err.contains("songngu: note: skipped 6 file(s) that are txt outputs of a run"),
                "{err}"
            );
        }
    }
    assert!(d.join("parent/tin/ngan.en.txt").exists());
    assert!(!d.join("parent/bai.vi.vi.txt").exists());
    assert!(!d.join("parent/tin/ngan.ascii.ascii.txt").exists());
    // The outputs of this run, written over the earlier ones.
    assert_eq!(
        std::fs::read_to_string(d.join("parent/bai.ascii.txt")).unwrap(),
        "Ha Noi hom nay co mua rao.\nBo Y te hop ve dich sot xuat huyet.\n"
    );
    // Another target language: the outputs for English are outputs still.
    for skipped in [6, 8] {
        let (code, _, err) = sn(d, &["run", "parent", "-o", "parent", "--to", "fr"]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(documents(&err), "songngu run: 2 document(s)", "{err}");
        assert!(
            err.contains(&format!("skipped {skipped} file(s) that are txt outputs")),
            "{err}"
        );
    }
    assert!(d.join("parent/bai.fr.txt").exists());
    // The editor's own `bai.en.txt` (not a line-aligned set): the folder's
    // record names it, so it is an output still, changed since: its
    // document fails alone and keeps it (attack 10, F4).
    std::fs::remove_file(d.join("parent/bai.vi.txt")).unwrap();
    std::fs::remove_file(d.join("parent/bai.fr.txt")).unwrap();
    let human = "Hanoi has showers today.\n";
    write(&d.join("parent/bai.en.txt"), human);
    let (code, _, err) = sn(d, &args);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("skipped 2 file(s) that the output folder's record (.songngu-written) names")
            && err.contains("parent/bai.en.txt was changed since songngu wrote it")
            && err.contains("none of the outputs of parent/bai.txt were written"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("parent/bai.en.txt")).unwrap(),
        human
    );
    // Without the record (an older songngu's folder), it is an input that
    // the run refuses to overwrite.
    std::fs::remove_file(d.join("parent/.songngu-written")).unwrap();
    let (code, _, err) = sn(d, &args);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("bai.en.txt is an input of this run and would be overwritten"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("parent/bai.en.txt")).unwrap(),
        human
    );
}

#[test]
fn hidden_files_and_folders_are_skipped_and_reported_but_read_when_named() {
    let dir = articles();
    let d = dir.path();
    write(&d.join("parent/.txt"), "Tệp ẩn tên là chấm txt.\n");
    write(&d.join("parent/.git/ghi-chu.txt"), "Không phải bài báo.\n");
    write(&d.join("parent/tin/._ngan.md"), "\u{0}\u{5}Mac\n");
    // Not an article, hidden or not: not reported.
    write(&d.join("parent/.DS_Store"), "x");
    let (code, _, err) = sn(d, &["run", "parent", "-o", "out", "--format", "jsonl"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(documents(&err), "songngu run: 2 document(s)", "{err}");
    assert!(
        err.contains(
            "songngu: note: skipped 3 hidden file(s) or folder(s) (name starting with one dot): \
             parent/.git, parent/.txt, parent/tin/._ngan.md; name a file to read it anyway"
        ),
        "{err}"
    );
    // `--quiet` says nothing.
    let (code, _, err) = sn(d, &["run", "parent", "-o", "out", "-q"]);
    assert_eq!((code, err.as_str()), (0, ""));
    // Named on the command line, a hidden file is read (output name `.txt`).
    let (code, _, err) = sn(
        d,
        &["run", "parent/.txt", "-o", "named", "--format", "jsonl"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(documents(&err), "songngu run: 1 document(s)", "{err}");
    assert!(!err.contains("skipped"), "{err}");
    let jsonl = std::fs::read_to_string(d.join("named/.txt.jsonl")).unwrap();
    assert!(jsonl.contains("Tệp ẩn tên là chấm txt."), "{jsonl}");
    // Named on the command line, a hidden folder is walked.
    let (code, _, err) = sn(d, &["run", "parent/.git", "-o", "g", "--format", "jsonl"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(documents(&err), "songngu run: 1 document(s)", "{err}");
    assert!(d.join("g/ghi-chu.jsonl").exists());
    // A folder with nothing but skipped entries says what it skipped.
    write(&d.join("only/.bai.md"), "Bài ẩn.\n");
    let (code, _, err) = sn(d, &["run", "only", "-o", "o"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "no .txt or .md articles found in only (skipped: 1 hidden file(s) or folder(s))"
        ),
        "{err}"
    );
}

/// The `of N file(s)` of `qa`'s summary line (on stdout).
fn qa_files(out: &str) -> &str {
    let line = out
        .lines()
        .find(|l| l.starts_with("songngu qa: "))
        .unwrap_or_else(|| panic!("no summary: {out}"));
    line.rsplit(" of ").next().unwrap()
}

#[test]
fn qa_walks_folders_as_run_does_hidden_entries_left_out_and_said() {
    let dir = articles();
    let d = dir.path();
    // A run into a hidden output folder inside the input folder, and
    // another into a visible one; a hidden copy of an output (an editor's
    // backup) beside the outputs.
    for out in ["parent/.out", "parent/out"] {
        let (code, _, err) = sn(d, &["run", "parent", "-o", out, "--format", "jsonl", "-q"]);
        assert_eq!(code, 0, "{err}");
    }
    std::fs::copy(
        d.join("parent/out/bai.jsonl"),
        d.join("parent/out/.bai.jsonl"),
    )
    .unwrap();
    // Offline, every target is missing: `untranslated` errors, exit 1.
    // Not a run output, hidden or not: not reported.
    write(&d.join("parent/out/.DS_Store"), "x");
    let (code, out, err) = sn(d, &["qa", "parent"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(qa_files(&out), "2 file(s)", "{out}");
    assert!(
        err.contains(
            "songngu: note: skipped 2 hidden file(s) or folder(s) (name starting with one dot): \
             parent/.out, parent/out/.bai.jsonl; name a file to read it anyway\n"
        ),
        "{err}"
    );
    // `--quiet` says nothing.
    let (code, out, err) = sn(d, &["qa", "parent", "-q"]);
    assert_eq!((code, err.as_str()), (1, ""));
    assert_eq!(qa_files(&out), "2 file(s)", "{out}");
    // Named, a hidden file is read and not reported; a file named and also
    // found in a folder is checked once.
    let (code, out, err) = sn(
        d,
        &[
            "qa",
            "parent",
            "parent/out/.bai.jsonl",
            "parent/out",
            "parent/out/bai.jsonl",
        ],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(qa_files(&out), "3 file(s)", "{out}");
    assert!(
        err.contains(
            "songngu: note: skipped 1 hidden file(s) or folder(s) (name starting with one dot): \
             parent/.out; name a file to read it anyway\n"
        ),
        "{err}"
    );
    // Named, a hidden folder is walked.
    let (code, out, err) = sn(d, &["qa", "parent/.out"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(qa_files(&out), "2 file(s)", "{out}");
    assert!(!err.contains("skipped"), "{err}");
    // A folder with nothing but hidden entries says what it skipped.
    write(&d.join("only/.cu/bai.jsonl"), "");
    let (code, _, err) = sn(d, &["qa", "only"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "songngu: error: no .jsonl files found (skipped: 1 hidden file(s) or folder(s)); \
             give the output folder of `songngu run` or its NAME.jsonl files"
        ),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn qa_says_which_links_to_folders_it_did_not_follow() {
    let dir = articles();
    let d = dir.path();
    let (code, _, err) = sn(
        d,
        &["run", "parent", "-o", "out", "--format", "jsonl", "-q"],
    );
    assert_eq!(code, 0, "{err}");
    std::os::unix::fs::symlink(d.join("out"), d.join("parent/lien-ket")).unwrap();
    let (code, out, err) = sn(d, &["qa", "parent"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("no .jsonl files found; give the output folder"),
        "{err}"
    );
    let (code, out, err) = sn(d, &["qa", "parent", "out"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(qa_files(&out), "2 file(s)", "{out}");
    assert!(
        err.contains(
            "songngu: note: 1 symbolic link(s) to folders not followed (parent/lien-ket); \
             --follow-links follows them\n"
        ),
        "{err}"
    );
    // Followed, the files it leads to are those of `out`: checked once.
    let (code, out, err) = sn(d, &["qa", "parent", "out", "--follow-links"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(qa_files(&out), "2 file(s)", "{out}");
    assert!(!err.contains("not followed"), "{err}");
}

/// A file whose name holds a control character (a line break that would
/// forge a line of output, an escape that would clear the terminal) fails
/// alone with its name shown escaped; the other documents are written, and
/// no output name or message carries the raw character.
#[cfg(unix)]
#[test]
fn a_file_name_with_control_characters_fails_alone_and_is_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("config.toml"), "[glossary]\npaths = []\n").unwrap();
    std::fs::create_dir(d.join("q")).unwrap();
    std::fs::write(
        d.join("q").join("x\nsongngu run: all fine\u{1b}[2J.txt"),
        "Câu chín mươi.\n",
    )
    .unwrap();
    std::fs::write(d.join("q/ok.txt"), "Câu một.\n").unwrap();
    let (code, out, err) = sn(d, &["run", "q", "-o", "out"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "songngu: error: q/x\\u{a}songngu run: all fine\\u{1b}[2J.txt: its name holds a \
             control character"
        ),
        "{err}"
    );
    assert!(!err.contains('\u{1b}') && !out.contains('\u{1b}'), "{err}");
    assert!(
        !err.lines().any(|l| l.starts_with("songngu run: all fine")),
        "{err}"
    );
    let mut written: Vec<String> = std::fs::read_dir(d.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written[0], ".songngu-written");
    assert!(
        written[1..].iter().all(|n| n.starts_with("ok.")),
        "{written:?}"
    );
    assert!(written.contains(&"ok.jsonl".to_owned()), "{written:?}");
}
