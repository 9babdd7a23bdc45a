//! Data integrity through the binary (issue 11, points 1, 4, 5 and 12):
//! no output path built from unvalidated text or leaving the output folder,
//! no output overwriting another, a folder walk that ends and visits each
//! file once, and normal file permissions.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[cfg(unix)]
use std::os::unix::fs::{MetadataExt, PermissionsExt};

/// Runs the binary in `dir` (with `umask` when given), killing it after
/// `limit` so that a walk that never ends fails the test instead of hanging
/// it: (exit code, stdout, stderr).
fn run_in(dir: &Path, umask: Option<&str>, args: &[&str]) -> (i32, String, String) {
    let bin = env!("CARGO_BIN_EXE_songngu");
    let mut cmd = match umask {
        Some(m) => {
            let mut c = Command::new("sh");
            c.arg("-c")
                .arg(format!("umask {m} && exec \"$0\" \"$@\""))
                .arg(bin)
                .args(args);
            c
        }
        None => {
            let mut c = Command::new(bin);
            c.args(args);
            c
        }
    };
    let mut child = cmd
        .current_dir(dir)
        .env_remove("SONGNGU_CONFIG")
        .env_remove("SONGNGU_ENGINE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let limit = Duration::from_secs(120);
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("songngu {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn sn(dir: &Path, args: &[&str]) -> (i32, String, String) {
    run_in(dir, None, args)
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Every file under `dir` (not following links), relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    fn go(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd {
            let e = e.unwrap();
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                go(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    go(dir, dir, &mut out);
    out.sort();
    out
}

/// The segment sources of a JSONL output.
fn sources(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["source"].as_str().unwrap().to_owned()
        })
        .collect()
}

// ---- 1. Language codes and paths ----------------------------------------

#[test]
fn language_flag_with_a_path_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("a/b");
    write(&w.join("bai.txt"), "Xin chào.\n");
    for (flag, value) in [
        ("--to", "x/../../../PWNED"),
        ("--from", "../../victim"),
        ("--to", "en\nGB"),
        ("--to", ""),
        ("--from", "vi-"),
        ("--to", "e"),
        ("--to", "toolongprimary"),
    ] {
        let (code, _, err) = sn(&w, &["run", "bai.txt", "-o", "out", flag, value]);
        assert_eq!(code, 2, "{flag} {value:?}: {err}");
        assert!(
            err.contains(flag) && err.contains("not a language code"),
            "{flag} {value:?}: {err}"
        );
        assert!(
            err.contains(&value.escape_debug().to_string()),
            "the value is named: {err}"
        );
    }
    assert_eq!(
        tree(dir.path()),
        ["a/b/bai.txt"],
        "nothing written anywhere"
    );
    // Well-formed tags are accepted and name the text outputs.
    let (code, _, err) = sn(
        &w,
        &[
            "run",
            "bai.txt",
            "-o",
            "out",
            "--to",
            "zh-Hant-TW",
            "--from",
            "vi",
            "-q",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(w.join("out/bai.zh-Hant-TW.txt").is_file());
    // Tags are case-insensitive: the glossary's `vi`→`en` entries apply to
    // `--from VI --to EN` (files are named as the tags are written).
    write(&w.join("ban.txt"), "Ban Bí thư họp.\n");
    let glossary = concat!(env!("CARGO_MANIFEST_DIR"), "/glossary");
    let (code, _, err) = sn(
        &w,
        &[
            "run",
            "ban.txt",
            "-o",
            "out2",
            "--to",
            "EN",
            "--from",
            "VI",
            "--glossary",
            glossary,
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("no entries"), "{err}");
    assert!(w.join("out2/ban.EN.txt").is_file() && w.join("out2/ban.VI.txt").is_file());
    let jsonl = std::fs::read_to_string(w.join("out2/ban.jsonl")).unwrap();
    assert!(jsonl.contains("\"target\":\"Secretariat\""), "{jsonl}");
}

#[test]
fn language_code_in_the_config_file_is_refused_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("victim.txt"), "precious\n");
    let w = d.join("a/b");
    write(&w.join("bai.txt"), "Xin chào.\n");
    write(
        &w.join("c.toml"),
        "[languages]\nsource = \"vi/../../../victim\"\n",
    );
    let (code, _, err) = sn(&w, &["run", "bai.txt", "-o", "out", "--config", "c.toml"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("c.toml:2:10: error:")
            && err.contains("vi/../../../victim")
            && err.contains("not a language code"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("victim.txt")).unwrap(),
        "precious\n"
    );
    assert!(!w.join("out").exists());
    // Every command reads the configuration: the same error.
    let (code, _, err) = sn(&w, &["config", "--config", "c.toml"]);
    assert_eq!(code, 2, "{err}");
}

#[cfg(unix)]
#[test]
fn symlinked_folder_inside_the_output_folder_is_not_followed_out() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("in/x/a.txt"), "Một.\n");
    write(&d.join("in/b.txt"), "Hai.\n");
    std::fs::create_dir_all(d.join("elsewhere")).unwrap();
    std::fs::create_dir_all(d.join("out")).unwrap();
    std::os::unix::fs::symlink(d.join("elsewhere"), d.join("out/x")).unwrap();
    let (code, _, err) = sn(d, &["run", "in", "-o", "out"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("outside the output folder") && err.contains("out/x/a.jsonl"),
        "{err}"
    );
    assert_eq!(tree(&d.join("elsewhere")), Vec::<String>::new());
    // Before anything is written: not even the other document.
    assert!(!d.join("out/b.jsonl").exists());
    // A link that stays inside the output folder is fine.
    std::fs::remove_file(d.join("out/x")).unwrap();
    std::fs::create_dir_all(d.join("out/y")).unwrap();
    std::os::unix::fs::symlink(d.join("out/y"), d.join("out/x")).unwrap();
    let (code, _, err) = sn(d, &["run", "in", "-o", "out", "-q"]);
    assert_eq!(code, 0, "{err}");
    assert!(d.join("out/y/a.jsonl").is_file());
}

// ---- 4. Output collisions -------------------------------------------------

#[test]
fn a_txt_and_a_md_in_one_folder_do_not_overwrite_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("in/a.txt"), "Bài txt.\n");
    write(&d.join("in/a.md"), "Bài md.\n");
    write(&d.join("in/c.txt"), "Bài c.\n");
    let (code, _, err) = sn(d, &["run", "in", "-o", "out", "--format", "jsonl", "-q"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        tree(&d.join("out")),
        [
            ".songngu-written",
            "c.jsonl",
            "in/a.md.jsonl",
            "in/a.txt.jsonl"
        ]
    );
    assert_eq!(sources(&d.join("out/in/a.txt.jsonl")), ["Bài txt."]);
    assert_eq!(sources(&d.join("out/in/a.md.jsonl")), ["Bài md."]);
}

#[test]
fn parent_folder_paths_that_map_to_one_output_are_refused_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("w");
    write(&dir.path().join("x/a.txt"), "Bên ngoài.\n");
    write(&w.join("x/a.txt"), "Bên trong.\n");
    let (code, _, err) = sn(&w, &["run", "../x/a.txt", "x/a.txt", "-o", "out"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("../x/a.txt") && err.contains(" and x/a.txt") && err.contains("out/x/a.txt"),
        "{err}"
    );
    assert!(!w.join("out").exists(), "nothing written");
}

#[test]
fn files_named_on_the_command_line_and_found_in_a_folder_keep_apart() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("p/a.txt"), "P.\n");
    write(&d.join("q/a.txt"), "Q.\n");
    write(&d.join("r/p/a.txt"), "R.\n");
    let (code, _, err) = sn(
        d,
        &[
            "run", "p/a.txt", "q/a.txt", "r", "-o", "out", "--format", "jsonl", "-q",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        tree(&d.join("out")),
        [".songngu-written", "p/a.jsonl", "q/a.jsonl", "r/p/a.jsonl"]
    );
    assert_eq!(sources(&d.join("out/p/a.jsonl")), ["P."]);
    assert_eq!(sources(&d.join("out/q/a.jsonl")), ["Q."]);
    assert_eq!(sources(&d.join("out/r/p/a.jsonl")), ["R."]);
}

#[test]
fn dot_names_like_dot_dot_txt_keep_their_own_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("d/..txt"), "Hai chấm.\n");
    write(&d.join("d/...txt"), "Ba chấm.\n");
    let (code, _, err) = sn(d, &["run", "d", "-o", "out", "--format", "jsonl", "-q"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        tree(&d.join("out")),
        ["...jsonl", "..jsonl", ".songngu-written"]
    );
    assert_eq!(sources(&d.join("out/..jsonl")), ["Hai chấm."]);
    assert_eq!(sources(&d.join("out/...jsonl")), ["Ba chấm."]);
    // Given on the command line too.
    let (code, _, err) = sn(
        &d.join("d"),
        &[
            "run", "..txt", "...txt", "-o", "o2", "--format", "jsonl", "-q",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(sources(&d.join("d/o2/..jsonl")), ["Hai chấm."]);
    assert_eq!(sources(&d.join("d/o2/...jsonl")), ["Ba chấm."]);
}

#[test]
fn a_file_given_twice_is_processed_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("in/a.txt"), "Một lần.\n");
    let (code, _, err) = sn(
        d,
        &[
            "run",
            "in/a.txt",
            "./in/a.txt",
            "in",
            "in/../in/a.txt",
            "-o",
            "out",
            "--format",
            "jsonl",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 document(s)"), "{err}");
    assert_eq!(tree(&d.join("out")), [".songngu-written", "a.jsonl"]);
}

#[test]
fn same_language_twice_in_txt_names_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("a.txt"), "Một.\n");
    for to in ["vi", "ascii"] {
        let (code, _, err) = sn(d, &["run", "a.txt", "-o", "out", "--to", to]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(&format!("out/a.{to}.txt")), "{err}");
    }
    assert!(!d.join("out").exists());
    // Without the txt format there is nothing to clash.
    let (code, _, err) = sn(
        d,
        &[
            "run", "a.txt", "-o", "out", "--to", "vi", "--format", "jsonl", "-q",
        ],
    );
    assert_eq!(code, 0, "{err}");
}

// ---- 5. The folder walk ---------------------------------------------------

#[cfg(unix)]
#[test]
fn symlink_to_a_parent_folder_does_not_repeat_or_loop_the_walk() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("in/a.txt"), "Một.\n");
    write(&d.join("in/sub/b.txt"), "Hai.\n");
    std::os::unix::fs::symlink("..", d.join("in/sub/up")).unwrap();
    std::os::unix::fs::symlink("..", d.join("in/sub/up2")).unwrap();
    std::os::unix::fs::symlink("../..", d.join("in/sub/top")).unwrap();
    let (code, _, err) = sn(d, &["run", "in", "-o", "out", "--format", "jsonl"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("2 document(s)"), "{err}");
    assert!(
        err.contains("--follow-links"),
        "the skipped links are mentioned: {err}"
    );
    assert_eq!(
        tree(&d.join("out")),
        [".songngu-written", "a.jsonl", "sub/b.jsonl"]
    );
    // Followed on request, still each folder and file once.
    let (code, _, err) = sn(
        d,
        &[
            "run",
            "in",
            "-o",
            "o2",
            "--format",
            "jsonl",
            "--follow-links",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("2 document(s)"), "{err}");
    assert_eq!(
        tree(&d.join("o2")),
        [".songngu-written", "a.jsonl", "sub/b.jsonl"]
    );
    // A linked folder outside the input is walked when followed.
    write(&d.join("extra/c.txt"), "Ba.\n");
    std::os::unix::fs::symlink(d.join("extra"), d.join("in/extra")).unwrap();
    let (code, _, err) = sn(
        d,
        &[
            "run",
            "in",
            "-o",
            "o3",
            "--format",
            "jsonl",
            "--follow-links",
            "-q",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        tree(&d.join("o3")),
        [
            ".songngu-written",
            "a.jsonl",
            "extra/c.jsonl",
            "sub/b.jsonl"
        ]
    );
}

#[cfg(unix)]
#[test]
fn qa_walk_does_not_loop_through_symlinked_folders() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("in/a.txt"), "Một.\n");
    let (code, _, err) = sn(d, &["run", "in", "-o", "out", "--format", "jsonl", "-q"]);
    assert_eq!(code, 0, "{err}");
    std::os::unix::fs::symlink("..", d.join("out/up")).unwrap();
    std::os::unix::fs::symlink(".", d.join("out/here")).unwrap();
    for extra in [None, Some("--follow-links")] {
        let mut args = vec!["qa", "out"];
        args.extend(extra);
        let (_, out, err) = sn(d, &args);
        assert!(
            out.contains("of 1 file(s)") || err.contains("of 1 file(s)"),
            "{extra:?}: {out}{err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn article_past_the_path_length_limit_is_reported_and_counted_as_failed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("in/ok.txt"), "Được.\n");
    // 30 folders of 200 bytes: past PATH_MAX (4096). No path given to the
    // kernel may be that long, so build two chains of 15 and move the second
    // into the first.
    let name = "n".repeat(200);
    let chain = |base: &Path| (0..15).fold(base.to_path_buf(), |p, _| p.join(&name));
    let upper = chain(&d.join("in"));
    let lower = chain(&d.join("tmp"));
    std::fs::create_dir_all(&upper).unwrap();
    std::fs::create_dir_all(&lower).unwrap();
    std::fs::write(lower.join("deep.txt"), "Sâu.\n").unwrap();
    std::fs::rename(d.join("tmp").join(&name), upper.join(&name)).unwrap();
    let (code, _, err) = sn(d, &["run", "in", "-o", "out", "--format", "jsonl"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("(1 failed)"), "{err}");
    assert!(
        err.contains("File name too long") && err.contains(&name),
        "the entry is named: {err}"
    );
    assert!(d.join("out/ok.jsonl").is_file());
}

// ---- 12. Permissions ------------------------------------------------------

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

#[cfg(unix)]
#[test]
fn new_files_get_0666_minus_umask_and_rewritten_files_keep_their_mode() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("a.txt"), "Bộ Công an họp.\n");
    // umask 002: 0664 for new files (not 0600, and not SQLite's 0644).
    let (code, _, err) = run_in(d, Some("002"), &["run", "a.txt", "-o", "out", "-q"]);
    assert_eq!(code, 0, "{err}");
    let outs = tree(&d.join("out"));
    // The 8 outputs and the record of what was written.
    assert_eq!(outs.len(), 9, "{outs:?}");
    for f in &outs {
        assert_eq!(mode(&d.join("out").join(f)), 0o664, "{f}");
    }
    // Rewritten by a second run: the mode the file has is kept.
    std::fs::set_permissions(
        d.join("out/a.jsonl"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    let (code, _, err) = run_in(d, Some("022"), &["run", "a.txt", "-o", "out", "-q"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(mode(&d.join("out/a.jsonl")), 0o640);
    assert_eq!(mode(&d.join("out/a.tsv")), 0o664);

    // Glossary export and memory export: new files.
    write(
        &d.join("g/vi-en.toml"),
        "[meta]\nsource_lang = \"vi\"\ntarget_lang = \"en\"\n\n[terms]\n\"Bộ Công an\" = \"Ministry of Public Security\"\n",
    );
    let (code, _, err) = run_in(
        d,
        Some("027"),
        &[
            "glossary",
            "export",
            "--format",
            "tsv",
            "--glossary",
            "g",
            "-o",
            "terms.tsv",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(mode(&d.join("terms.tsv")), 0o640);
    write(
        &d.join("fix.jsonl"),
        "{\"kind\":\"text\",\"source\":\"Xin chào\",\"target\":\"Hello\",\"origin\":\"human\"}\n",
    );
    let (code, _, err) = run_in(d, Some("002"), &["tm", "import", "fix.jsonl"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(mode(&d.join(".songngu/tm.sqlite")), 0o664, "the memory");
    let (code, _, err) = run_in(d, Some("002"), &["tm", "export", "-o", "tm.tmx"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(mode(&d.join("tm.tmx")), 0o664);

    // An existing 0644 glossary stays 0644 through fmt and import --into,
    // whatever the umask.
    let nfd = "[meta]\nsource_lang = \"vi\"\ntarget_lang = \"en\"\n\n[terms]\n\"Ha\u{300} No\u{302}\u{323}i\" = \"Hanoi\"\n";
    write(&d.join("shared/vi-en.toml"), nfd);
    let shared = d.join("shared/vi-en.toml");
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o644)).unwrap();
    let root = std::fs::metadata(d).unwrap().uid() == 0;
    if root {
        // Running as root (CI containers): the owner is kept too.
        std::os::unix::fs::chown(&shared, Some(4321), Some(4322)).unwrap();
    }
    let (code, _, err) = run_in(d, Some("077"), &["glossary", "fmt", "shared"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("reformatted"), "the file was rewritten: {err}");
    assert_eq!(mode(&shared), 0o644);
    write(&d.join("new.tsv"), "Bộ Y tế\tMinistry of Health\n");
    let (code, _, err) = run_in(
        d,
        Some("077"),
        &[
            "glossary",
            "import",
            "new.tsv",
            "--into",
            "shared/vi-en.toml",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::read_to_string(&shared)
            .unwrap()
            .contains("Bộ Y tế")
    );
    assert_eq!(mode(&shared), 0o644);
    if root {
        let m = std::fs::metadata(&shared).unwrap();
        assert_eq!((m.uid(), m.gid()), (4321, 4322));
    }
}

#[cfg(unix)]
#[test]
fn rewriting_a_symlinked_glossary_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let nfd = "[meta]\nsource_lang = \"vi\"\ntarget_lang = \"en\"\n\n[terms]\n\"Ha\u{300} No\u{302}\u{323}i\" = \"Hanoi\"\n";
    write(&d.join("team/vi-en.toml"), nfd);
    std::fs::create_dir_all(d.join("g")).unwrap();
    std::os::unix::fs::symlink(d.join("team/vi-en.toml"), d.join("g/vi-en.toml")).unwrap();
    let (code, _, err) = sn(d, &["glossary", "fmt", "g/vi-en.toml"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::symlink_metadata(d.join("g/vi-en.toml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(d.join("team/vi-en.toml"))
            .unwrap()
            .contains("Hà Nội")
    );
}

/// A hostile corrections file put NUL, backspace, an ESC sequence, BEL and
/// U+FFFF into the memory as a human correction, and from there raw into
/// JSONL, TSV and the aligned text (the page and XLIFF dropped them): the
/// outputs and the page disagreed, and `tm corrections` wrote the escape
/// sequence to the terminal. A failed import created an empty memory.
#[test]
fn tm_import_cleans_control_characters_and_writes_nothing_on_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("config.toml"), "[glossary]\npaths = []\n").unwrap();
    // Errors first: nothing is created.
    for bad in ["missing.jsonl", "."] {
        let (code, _, err) = sn(d, &["tm", "import", bad]);
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(!d.join(".songngu").exists(), "{bad}: a memory was created");
    }
    std::fs::write(d.join("broken.jsonl"), "{not json\n").unwrap();
    let (code, _, err) = sn(d, &["tm", "import", "broken.jsonl"]);
    assert_eq!(code, 2, "{err}");
    assert!(!d.join(".songngu").exists());

    std::fs::write(
        d.join("c.jsonl"),
        "{\"id\":\"a:0000\",\"doc\":\"a\",\"source\":\"Bộ Công an họp.\",\
         \"target\":\"MPS\\u0000 \\u0008meets\\u001b[31mRED\\u001b[0m\\u0007 \\uFFFF\",\
         \"origin\":\"human\",\"status\":\"approved\"}\n",
    )
    .unwrap();
    let (code, _, err) = sn(d, &["tm", "import", "c.jsonl"]);
    assert_eq!(code, 0, "{err}");
    std::fs::write(d.join("a.txt"), "Bộ Công an họp.\n").unwrap();
    let (code, _, err) = sn(d, &["run", "a.txt", "-o", "o"]);
    assert_eq!(code, 0, "{err}");
    for f in ["a.jsonl", "a.tsv", "a.en.txt", "a.html", "a.xlf"] {
        let text = std::fs::read_to_string(d.join("o").join(f)).unwrap();
        assert!(
            !text.contains(['\u{0}', '\u{8}', '\u{1b}', '\u{7}', '\u{FFFF}']),
            "{f}: {text:?}"
        );
    }
    let jsonl = std::fs::read_to_string(d.join("o/a.jsonl")).unwrap();
    assert!(
        jsonl.contains("\"target\":\"MPS meets[31mRED[0m \""),
        "{jsonl}"
    );
    let (code, out, err) = sn(d, &["tm", "corrections"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains('\u{1b}'), "{out:?}");
    // A corrupt memory is exit 2 for import as for the other tm commands.
    std::fs::write(d.join(".songngu/tm.sqlite"), "garbage, not a database").unwrap();
    let (code, _, err) = sn(d, &["tm", "import", "c.jsonl"]);
    assert_eq!(code, 2, "{err}");
}

/// `[engines.NAME] requests_per_second = 1e-300` panicked (exit 101) and
/// `1e-9` hung: an unusable rate is a configuration error naming the key.
#[test]
fn unusable_request_rate_is_a_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.txt"), "Bộ Công an họp.\n").unwrap();
    for rate in ["1e-300", "1e-9", "0.0", "-1.0", "nan"] {
        std::fs::write(
            d.join("config.toml"),
            format!(
                "[glossary]\npaths = []\n[translate]\nengine = \"libretranslate\"\n\
                 [engines.libretranslate]\nurl = \"http://127.0.0.1:9\"\nbatch_size = 1\n\
                 requests_per_second = {rate}\n"
            ),
        )
        .unwrap();
        let (code, _, err) = sn(d, &["run", "a.txt", "-o", "o"]);
        assert_eq!(code, 2, "{rate}: {err}");
        assert!(
            err.contains("config.toml:8:") && err.contains("is not a usable rate"),
            "{rate}: {err}"
        );
    }
}

/// `run articles -o articles` with `bai.txt` and the editor's own
/// `bai.en.txt` replaced the English text with `bai.txt`'s empty offline
/// target, exit 0 (data loss). And `run .` read its own output folder as
/// articles on the next run (`out/out/out/…`).
#[test]
fn an_output_never_overwrites_an_input_and_the_walk_skips_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("config.toml"), "[glossary]\npaths = []\n").unwrap();
    std::fs::create_dir(d.join("articles")).unwrap();
    std::fs::write(d.join("articles/bai.txt"), "Bộ Công an họp.\n").unwrap();
    let human = "The ministry met (human translation).\n";
    std::fs::write(d.join("articles/bai.en.txt"), human).unwrap();
    let (code, _, err) = sn(d, &["run", "articles", "-o", "articles"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("bai.en.txt is an input of this run and would be overwritten"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("articles/bai.en.txt")).unwrap(),
        human
    );
    assert!(!d.join("articles/bai.jsonl").exists(), "nothing is written");

    // The same input reached through links: an output folder that is a
    // link to the articles, and an output name that is a link to an input.
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink(d.join("articles"), d.join("alias")).unwrap();
        let (code, _, err) = sn(d, &["run", "articles", "-o", "alias"]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("would be overwritten"), "{err}");
        std::fs::create_dir(d.join("linked")).unwrap();
        symlink(d.join("articles/bai.en.txt"), d.join("linked/bai.en.txt")).unwrap();
        let (code, _, err) = sn(
            d,
            &[
                "run",
                "articles/bai.txt",
                "articles/bai.en.txt",
                "-o",
                "linked",
            ],
        );
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("would be overwritten"), "{err}");
        assert_eq!(
            std::fs::read_to_string(d.join("articles/bai.en.txt")).unwrap(),
            human
        );
    }
    // The articles' folder reached through a folder that does not exist
    // yet (attack 12: the input was replaced, exit 0).
    for out in [
        "nothere/../articles",
        "articles/new/..",
        "./articles/sub/../.",
    ] {
        let (code, _, err) = sn(d, &["run", "articles", "-o", out]);
        assert_eq!(code, 2, "{out}: {err}");
        assert!(err.contains("would be overwritten"), "{out}: {err}");
        assert_eq!(
            std::fs::read_to_string(d.join("articles/bai.en.txt")).unwrap(),
            human,
            "{out}"
        );
        assert!(!d.join("nothere").exists() && !d.join("articles/new").exists());
    }

    let p = d.join("p");
    std::fs::create_dir(&p).unwrap();
    std::fs::write(p.join("config.toml"), "[glossary]\npaths = []\n").unwrap();
    std::fs::write(p.join("bai.txt"), "Hà Nội họp.\n").unwrap();
    for _ in 0..3 {
        let (code, _, err) = sn(&p, &["run", ".", "--format", "txt,jsonl"]);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("1 document(s)"), "{err}");
    }
    assert!(!p.join("out/out").exists());
}

/// An existing file `out/sub` where the outputs of `in/sub/a.txt` need a
/// folder failed at write time ("File exists", exit 1, the other documents
/// already written): it is found by the plan, before anything is written.
#[test]
fn a_file_where_outputs_need_a_folder_is_refused_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("config.toml"), "[glossary]\npaths = []\n").unwrap();
    std::fs::create_dir_all(d.join("in/sub")).unwrap();
    std::fs::write(d.join("in/sub/a.txt"), "Bộ Công an họp.\n").unwrap();
    std::fs::write(d.join("in/a.txt"), "Hà Nội họp.\n").unwrap();
    std::fs::create_dir(d.join("out")).unwrap();
    std::fs::write(d.join("out/sub"), "not a folder").unwrap();
    let (code, _, err) = sn(d, &["run", "in", "-o", "out"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("out/sub is a file, but the outputs of")
            && err.contains("nothing was written"),
        "{err}"
    );
    assert!(!d.join("out/a.jsonl").exists(), "nothing is written");
    assert_eq!(
        std::fs::read_to_string(d.join("out/sub")).unwrap(),
        "not a folder"
    );
}

/// `glossary import rows.tsv --into DIR` exited 1 ("Is a directory"), and
/// `--into x.csv` wrote TOML into a file named `.csv`: both are usage
/// errors (exit 2) that write nothing.
#[test]
fn glossary_import_into_a_folder_or_a_non_toml_name_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("rows.tsv"), "Bộ Y tế\tMinistry of Health\n").unwrap();
    std::fs::create_dir(d.join("gl")).unwrap();
    let (code, _, err) = sn(d, &["glossary", "import", "rows.tsv", "--into", "gl"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("is a folder; --into takes a glossary file"),
        "{err}"
    );
    let (code, _, err) = sn(d, &["glossary", "import", "rows.tsv", "--into", "x.csv"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--into writes a TOML glossary"), "{err}");
    assert!(!d.join("x.csv").exists());
    let (code, _, err) = sn(d, &["glossary", "import", "rows.tsv", "--into", "g.toml"]);
    assert_eq!(code, 0, "{err}");
}

/// An output whose file name would pass the file systems' 255-byte limit
/// (a long article name with a long `--to` tag) stops the run before
/// anything is written (exit 2), instead of failing midway and leaving part
/// of the document's set.
#[test]
fn an_output_name_too_long_for_the_file_system_stops_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("config.toml"), "[glossary]\npaths = []\n").unwrap();
    let name = format!("{}.txt", "b".repeat(240));
    std::fs::write(d.join(&name), "Câu một.\n").unwrap();
    let (code, _, err) = sn(
        d,
        &["run", &name, "-o", "out", "--to", "en-abcdefgh-abcdefgh"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            ".en-abcdefgh-abcdefgh.txt is 265 bytes, longer than a file system allows (255)"
        ),
        "{err}"
    );
    let written = std::fs::read_dir(d.join("out")).map_or(0, |r| r.count());
    assert_eq!(written, 0);
    // With a short tag every name fits: the run is whole.
    let (code, _, err) = sn(d, &["run", &name, "-o", "out"]);
    assert_eq!(code, 0, "{err}");
}
