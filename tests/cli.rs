//! The `songngu` binary, run as a user runs it: arguments, stdin, stdout,
//! stderr and exit codes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Builder for one invocation of the binary (in the style of just's `Test`).
struct Run {
    cmd: Command,
    stdin: Vec<u8>,
}

impl Run {
    fn new(args: &[&str]) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_songngu"));
        cmd.args(args)
            .env_remove("SONGNGU_CONFIG")
            .env_remove("SONGNGU_ENGINE");
        Run {
            cmd,
            stdin: Vec::new(),
        }
    }

    fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = bytes.into();
        self
    }

    fn env(mut self, k: &str, v: impl AsRef<std::ffi::OsStr>) -> Self {
        self.cmd.env(k, v);
        self
    }

    fn dir(mut self, dir: &Path) -> Self {
        self.cmd.current_dir(dir);
        self
    }

    fn output(mut self) -> Output {
        let mut child = self
            .cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let input = std::mem::take(&mut self.stdin);
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        out
    }

    /// Runs, asserts the exit code, returns (stdout, stderr).
    fn code(self, want: i32) -> (String, String) {
        let out = self.output();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(want),
            "stdout: {stdout}\nstderr: {stderr}"
        );
        (stdout, stderr)
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn ascii_of_arguments() {
    let (out, err) = Run::new(&[
        "ascii",
        "Đảng ủy Công an TW quán triệt thực hiện các kết luận của Ban Bí thư",
    ])
    .code(0);
    assert_eq!(
        out,
        "Dang uy Cong an TW quan triet thuc hien cac ket luan cua Ban Bi thu\n"
    );
    assert_eq!(err, "");
    let (out, _) = Run::new(&["ascii", "Hà", "Nội"]).code(0);
    assert_eq!(out, "Ha Noi\n");
}

#[test]
fn ascii_caption_line() {
    let (out, _) = Run::new(&[
        "ascii",
        "--caption",
        "1",
        "Đảng ủy Công an TW quán triệt thực hiện các kết luận của Ban Bí thư",
    ])
    .code(0);
    assert_eq!(
        out,
        "Dang uy Cong an TW quan triet thuc hien cac ket luan cua Ban Bi thu hinh anh 1\n"
    );
    // A caption needs a title.
    let (_, err) = Run::new(&["ascii", "--caption", "1"]).code(2);
    assert!(err.contains("TEXT"), "{err}");
    let (_, err) = Run::new(&["ascii", "--caption", "x", "a"]).code(2);
    assert!(err.contains("invalid value"), "{err}");
}

#[test]
fn ascii_streams_stdin_byte_exact() {
    let input = "Tiêu đề\r\n\r\n\tĐoạn một…\n“Trích dẫn” — hết.\x07\n";
    let (out, _) = Run::new(&["ascii"]).stdin(input).code(0);
    assert_eq!(
        out,
        "Tieu de\r\n\r\n\tDoan mot...\n\"Trich dan\" -- het.\x07\n"
    );
    // No trailing newline is added or removed.
    let (out, _) = Run::new(&["ascii"]).stdin("Huế").code(0);
    assert_eq!(out, "Hue");
    let (out, _) = Run::new(&["ascii"]).stdin("").code(0);
    assert_eq!(out, "");
}

#[test]
fn ascii_of_the_shipped_article_keeps_every_line() {
    let article = std::fs::read_to_string(repo().join("examples/bai-bao-mau.txt")).unwrap();
    let (out, _) = Run::new(&["ascii"]).stdin(article.clone()).code(0);
    assert!(out.is_ascii());
    assert_eq!(out.lines().count(), article.lines().count());
    assert!(out.contains("Dang uy Cong an Trung uong"), "{out}");
}

#[test]
fn ascii_large_stdin_crosses_chunk_boundaries() {
    // More than one read buffer, with multi-byte characters straddling every
    // possible offset modulo the chunk size.
    let unit = "ệ Đ x\u{301}\u{323} 北京\n";
    let input = unit.repeat(300_000 / unit.len() + 1);
    let (out, _) = Run::new(&["ascii"]).stdin(input.clone()).code(0);
    assert_eq!(out, songngu::to_ascii(&input));
}

#[test]
fn invalid_utf8_exits_2_with_offset() {
    let (out, err) = Run::new(&["ascii"]).stdin(&b"ab\xC3\xA9c\xFFd"[..]).code(2);
    assert_eq!(out, "abec", "what came before the bad byte is written");
    assert!(
        err.contains("<stdin>: invalid UTF-8 at byte offset 5"),
        "{err}"
    );
    assert!(err.contains("--lossy"), "{err}");
    let (out, _) = Run::new(&["ascii", "--lossy"])
        .stdin(&b"ab\xC3\xA9c\xFFd\xE1"[..])
        .code(0);
    assert_eq!(out, "abec?d?");
}

#[test]
fn slug_of_arguments_and_lines() {
    let (out, _) = Run::new(&["slug", "Đảng ủy Công an TW"]).code(0);
    assert_eq!(out, "dang-uy-cong-an-tw\n");
    let (out, _) = Run::new(&["slug"]).stdin("Hà Nội\r\n—TP.HCM—\n").code(0);
    assert_eq!(out, "ha-noi\ntp-hcm\n");
}

#[test]
fn config_prints_effective_toml_with_layers() {
    let dir = tempfile::tempdir().unwrap();
    // No file anywhere: built-in defaults, equal to the shipped config.toml.
    let (defaults, _) = Run::new(&["config"]).dir(dir.path()).code(0);
    let (shipped, _) = Run::new(&[
        "config",
        "--config",
        repo().join("config.toml").to_str().unwrap(),
    ])
    .dir(dir.path())
    .code(0);
    let body = |s: &str| s.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&defaults), body(&shipped));
    assert!(defaults.contains("engine = \"none\""), "{defaults}");

    // ./config.toml is found; $SONGNGU_CONFIG wins over it; the environment wins over files.
    std::fs::write(
        dir.path().join("config.toml"),
        "[languages]\ntarget = \"fr\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("other.toml"),
        "[languages]\ntarget = \"de\"\n",
    )
    .unwrap();
    let (out, _) = Run::new(&["config"]).dir(dir.path()).code(0);
    assert!(out.contains("target = \"fr\""), "{out}");
    let (out, _) = Run::new(&["config"])
        .dir(dir.path())
        .env("SONGNGU_CONFIG", "other.toml")
        .code(0);
    assert!(out.contains("target = \"de\""), "{out}");
    let (out, _) = Run::new(&["config"])
        .dir(dir.path())
        .env("SONGNGU_ENGINE", "apertium")
        .code(0);
    assert!(out.contains("engine = \"apertium\""), "{out}");
}

#[test]
fn config_shows_the_max_bytes_in_effect_not_a_value_below_the_floor() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("zero.toml"), "[segment]\nmax_bytes = 0\n").unwrap();
    let (out, _) = Run::new(&["config", "--config", "zero.toml"])
        .dir(dir.path())
        .code(0);
    assert!(out.contains("max_bytes = 64"), "{out}");
}

#[test]
fn config_errors_name_file_line_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "[output]\ndir = \"out\"\nformat = [\"tsv\"]\n",
    )
    .unwrap();
    let (out, err) = Run::new(&["config", "--config", "bad.toml"])
        .dir(dir.path())
        .code(2);
    assert_eq!(out, "");
    assert!(err.contains("bad.toml:3:1: error:"), "{err}");
    assert!(err.contains("format"), "{err}");
    let (_, err) = Run::new(&["config", "--config", "missing.toml"])
        .dir(dir.path())
        .code(2);
    assert!(
        err.contains("missing.toml") && err.contains("not found"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    Run::new(&["frobnicate"]).code(2);
    Run::new(&[]).code(2);
    let (out, _) = Run::new(&["--help"]).code(0);
    for cmd in [
        "run", "ascii", "slug", "glossary", "engines", "tm", "config",
    ] {
        assert!(out.contains(cmd), "{out}");
    }
    assert!(out.contains("Exit codes"), "{out}");
    for cmd in [
        &["run"][..],
        &["ascii"],
        &["slug"],
        &["config"],
        &["engines"],
        &["glossary", "check"],
        &["glossary", "find"],
        &["glossary", "import"],
        &["glossary", "export"],
        &["glossary", "fmt"],
        &["tm", "export"],
        &["tm", "import"],
    ] {
        let mut args = cmd.to_vec();
        args.push("--help");
        let (out, _) = Run::new(&args).code(0);
        assert!(out.contains("Examples:"), "{cmd:?}: {out}");
    }
}

/// A folder with a small vi→en glossary in `glossary/`.
fn with_glossary(dir: &Path) {
    std::fs::create_dir_all(dir.join("glossary")).unwrap();
    std::fs::write(
        dir.join("glossary/vi-en.toml"),
        "[meta]\nsource_lang = \"vi\"\ntarget_lang = \"en\"\n\n[terms]\n\"Ban Bí thư\" = \"Secretariat\"\n",
    )
    .unwrap();
}

/// The `songngu run: …` line of a summary.
fn summary_line(stderr: &str) -> &str {
    stderr
        .lines()
        .find(|l| l.starts_with("songngu run: "))
        .unwrap_or_else(|| panic!("no summary in {stderr}"))
}

#[test]
fn run_of_a_small_file_prints_bytes_and_no_0_0_mb_s_rate() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "Xin chào.\n").unwrap();
    let (_, err) = Run::new(&["run", "a.txt"]).dir(dir.path()).code(0);
    let line = summary_line(&err);
    let re =
        regex::Regex::new(r"^songngu run: 1 document\(s\), 1 segment\(s\), 11 B in \d+\.\d\d s$")
            .unwrap();
    assert!(re.is_match(line), "{line}");
    assert!(!err.contains("MB/s"), "{err}");
    // A larger input gets a rate, in KB/s or MB/s, never "0.0 MB/s".
    let article = std::fs::read_to_string(repo().join("examples/bai-bao-mau.txt")).unwrap();
    std::fs::write(dir.path().join("b.txt"), article.repeat(3)).unwrap();
    let (_, err) = Run::new(&["run", "b.txt"]).dir(dir.path()).code(0);
    let line = summary_line(&err);
    let re = regex::Regex::new(r" \d+\.\d KB in \d+\.\d\d s \((\d+ B|\d+\.\d KB|\d+\.\d MB)/s\)$")
        .unwrap();
    assert!(re.is_match(line), "{line}");
    assert!(!line.contains("(0.0 "), "{line}");
    assert!(err.contains("\n  output: out\n"), "{err}");
}

/// The summary says how many glossary entries the run loaded and from how
/// many files (only the files serving the run's language pair), and says
/// so when there are none, so a batch log shows it; `-v` names the files
/// before the run, `-q` prints no summary.
#[test]
fn run_summary_counts_the_glossary_entries_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.txt"), "Ban Bí thư họp.\n").unwrap();
    // No config and no glossary folder: none, said in the summary.
    let (_, err) = Run::new(&["run", "a.txt"]).dir(d).code(0);
    assert!(
        err.contains("\n  glossary: 0 entries from 0 files: terms are not annotated\n  terms: "),
        "{err}"
    );
    with_glossary(d);
    std::fs::write(
        d.join("glossary/vi-en-2.toml"),
        "[meta]\nsource_lang = \"vi\"\ntarget_lang = \"en\"\n\n[terms]\n\"Bộ Chính trị\" = \"Politburo\"\n\"Quốc hội\" = \"National Assembly\"\n",
    )
    .unwrap();
    // Another language pair's file is not loaded for vi -> en.
    std::fs::write(
        d.join("glossary/vi-fr.toml"),
        "[meta]\nsource_lang = \"vi\"\ntarget_lang = \"fr\"\n\n[terms]\n\"Quốc hội\" = \"Assemblée nationale\"\n",
    )
    .unwrap();
    let (_, err) = Run::new(&["run", "a.txt"]).dir(d).code(0);
    let line = summary_line(&err);
    assert!(
        err.contains(&format!(
            "{line}\n  glossary: 3 entries from 2 files\n  terms: exact 1,"
        )),
        "{err}"
    );
    assert!(!err.contains("vi-en-2.toml"), "files only with -v: {err}");
    let (_, err) = Run::new(&["run", "a.txt", "-v"]).dir(d).code(0);
    assert!(
        err.contains("\n  glossary: 3 entries from 2 files\n"),
        "{err}"
    );
    assert!(err.contains("vi-en-2.toml (vi -> en)"), "{err}");
    // One entry, one file.
    let (_, err) = Run::new(&["run", "a.txt", "--glossary", "glossary/vi-en.toml"])
        .dir(d)
        .code(0);
    assert!(err.contains("\n  glossary: 1 entry from 1 file\n"), "{err}");
    let (_, err) = Run::new(&["run", "a.txt", "-q"]).dir(d).code(0);
    assert!(!err.contains("glossary:"), "{err}");
}

/// Audit 3's segmentation fixes, where a user meets them: the kinds and
/// sentences `run` writes.
#[test]
fn run_keeps_clergy_titles_and_kinds_author_and_source_lines() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("a.txt"),
        "Đại lễ Vu lan tại chùa Bằng\n\nTrần Minh\n\n14/08/2025, 07:30\n\n\
         Dự lễ có HT. Thích Minh Tâm - Phó Chủ tịch Hội đồng Trị sự, Lm. Giuse Trần An.\n\n\
         Chương trình có hát chèo, cải lương, múa rối…Các tiết mục được khen.\n\n\
         Quang cảnh buổi lễ\n\nTheo giacngo.vn\n",
    )
    .unwrap();
    Run::new(&["run", "a.txt", "--format", "jsonl"])
        .dir(d)
        .code(0);
    let got: Vec<(String, String)> = std::fs::read_to_string(d.join("out/a.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v.get("kind").is_some())
        .map(|v| {
            (
                v["kind"].as_str().unwrap().to_owned(),
                v["source"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want = [
        ("title", "Đại lễ Vu lan tại chùa Bằng"),
        ("byline", "Trần Minh"),
        ("byline", "14/08/2025, 07:30"),
        (
            "text",
            "Dự lễ có HT. Thích Minh Tâm - Phó Chủ tịch Hội đồng Trị sự, Lm. Giuse Trần An.",
        ),
        ("text", "Chương trình có hát chèo, cải lương, múa rối…"),
        ("text", "Các tiết mục được khen."),
        ("caption", "Quang cảnh buổi lễ"),
        ("byline", "Theo giacngo.vn"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(k, s)| (k.to_string(), s.to_string()))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn run_where_every_document_failed_prints_no_output_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.txt"), b"ab\xFFc\n").unwrap();
    let (_, err) = Run::new(&["run", "bad.txt"]).dir(dir.path()).code(1);
    assert!(
        summary_line(&err)
            .starts_with("songngu run: 1 document(s) (1 failed), 0 segment(s), 0 B in "),
        "{err}"
    );
    assert!(!err.contains("output:"), "{err}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn run_warns_about_an_empty_input_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "Xin chào.\n").unwrap();
    std::fs::write(dir.path().join("empty.txt"), "").unwrap();
    std::fs::write(dir.path().join("blank.txt"), "\n \n").unwrap();
    let (_, err) = Run::new(&["run", "a.txt", "empty.txt", "blank.txt"])
        .dir(dir.path())
        .code(0);
    for name in ["empty.txt", "blank.txt"] {
        assert!(
            err.contains(&format!(
                "songngu: warning: {name}: no text (empty or blank); its outputs have no segments\n"
            )),
            "{err}"
        );
    }
    assert!(!err.contains("a.txt: no text"), "{err}");
    // Quiet means quiet.
    let (_, err) = Run::new(&["run", "-q", "empty.txt"])
        .dir(dir.path())
        .code(0);
    assert_eq!(err, "");
}

#[test]
fn run_jobs_zero_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "Xin chào.\n").unwrap();
    let (_, err) = Run::new(&["run", "--jobs", "0", "a.txt"])
        .dir(dir.path())
        .code(2);
    assert!(
        err.starts_with(
            "error: invalid value '0' for '--jobs <N>': at least 1 is needed (documents processed in parallel)"
        ),
        "{err}"
    );
    assert!(!dir.path().join("out").exists());
    Run::new(&["run", "--jobs", "1", "a.txt"])
        .dir(dir.path())
        .code(0);
}

#[test]
fn run_into_a_file_is_one_usage_error_and_a_format_named_twice_is_written_once() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.txt", "b.txt"] {
        std::fs::write(dir.path().join(name), "Xin chào.\n").unwrap();
    }
    std::fs::write(dir.path().join("afile"), "keep\n").unwrap();
    let (_, err) = Run::new(&["run", "a.txt", "b.txt", "-o", "afile"])
        .dir(dir.path())
        .code(2);
    assert_eq!(err.matches("afile").count(), 1, "one message: {err}");
    assert!(err.contains("is a file, not a folder"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("afile")).unwrap(),
        "keep\n"
    );
    Run::new(&[
        "run",
        "a.txt",
        "-o",
        "out",
        "--format",
        "jsonl,tsv,jsonl",
        "-q",
    ])
    .dir(dir.path())
    .code(0);
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".songngu-written", "a.jsonl", "a.tsv"]);
    // Text files named by languages that differ only in case are one file
    // on a case-insensitive file system: refused before any work.
    for to in ["VI", "ASCII"] {
        let (_, err) = Run::new(&["run", "a.txt", "-o", "out3", "--to", to])
            .dir(dir.path())
            .code(2);
        assert!(err.contains("must differ"), "{to}: {err}");
    }
    assert!(!dir.path().join("out3").exists());
}

#[test]
fn run_without_input_is_a_usage_error_even_when_stdin_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    // As in cron or CI: stdin is a pipe (here with text, too).
    let (out, err) = Run::new(&["run"])
        .stdin("Xin chào.\n")
        .dir(dir.path())
        .code(2);
    assert_eq!(out, "");
    assert_eq!(
        err,
        "songngu: error: no INPUT given; name files or folders, or - to read stdin (see `songngu run --help`)\n"
    );
    assert!(!dir.path().join("out").exists());
    // An explicit `-` reads stdin.
    Run::new(&["run", "-", "-q"])
        .stdin("Xin chào.\n")
        .dir(dir.path())
        .code(0);
    assert!(dir.path().join("out/stdin.jsonl").exists());
}

#[test]
fn config_in_a_parent_folder_is_found_and_its_relative_paths_resolve_there() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    std::fs::create_dir(r.join(".git")).unwrap();
    with_glossary(r);
    std::fs::write(
        r.join("config.toml"),
        "[glossary]\nmodes = [\"annotate\", \"replace\", \"verify\"]\n[output]\nformats = [\"jsonl\"]\n",
    )
    .unwrap();
    std::fs::create_dir(r.join("examples")).unwrap();
    std::fs::write(r.join("examples/a.txt"), "Ban Bí thư họp.\n").unwrap();
    let sub = r.join("examples");
    let (_, err) = Run::new(&["run", "a.txt", "--verbose"])
        .dir(&sub)
        .env("HOME", r)
        .code(0);
    let config = r.join("config.toml");
    let glossary = r.join("glossary/vi-en.toml");
    assert!(
        err.contains(&format!("songngu: config: {}\n", config.display())),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "songngu: glossary: {} (vi -> en)\n",
            glossary.display()
        )),
        "{err}"
    );
    assert!(!err.contains("no glossary"), "{err}");
    // The output folder and the glossary are the config's, as from the root.
    let jsonl = std::fs::read_to_string(r.join("out/a.jsonl")).unwrap();
    assert!(jsonl.contains("\"target\":\"Secretariat họp.\""), "{jsonl}");
    assert!(!sub.join("out").exists());
    // Without --verbose, nothing about it.
    let (_, err) = Run::new(&["run", "a.txt"]).dir(&sub).env("HOME", r).code(0);
    assert!(!err.contains("config:"), "{err}");
    // `-v` works on every command; `qa` names its glossary too.
    let (_, err) = Run::new(&["config", "-v"]).dir(&sub).env("HOME", r).code(0);
    assert!(err.contains("songngu: config: "), "{err}");
    let (_, err) = Run::new(&["qa", "-v", "../out"])
        .dir(&sub)
        .env("HOME", r)
        .code(1);
    assert!(
        err.contains(&format!(
            "songngu: glossary: {} (vi -> en)\n",
            glossary.display()
        )),
        "{err}"
    );
}

#[test]
fn config_toml_of_another_tool_is_skipped_and_the_search_stops_at_the_repository() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    // Above the repository: never used.
    std::fs::write(r.join("config.toml"), "[languages]\ntarget = \"de\"\n").unwrap();
    let repo = r.join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(repo.join("tool")).unwrap();
    std::fs::write(
        repo.join("tool/config.toml"),
        "[server]\nport = 8080\n[logging]\nlevel = \"info\"\n",
    )
    .unwrap();
    let (out, err) = Run::new(&["config", "-v"])
        .dir(&repo.join("tool"))
        .env("HOME", r)
        .code(0);
    assert!(out.contains("target = \"en\""), "{out}");
    assert!(
        out.starts_with("# effective configuration; no file"),
        "{out}"
    );
    assert!(
        err.contains("songngu: config: none found (searched the current folder and its parents); built-in defaults"),
        "{err}"
    );
    // The repository's own config.toml, found from the tool's folder.
    std::fs::write(repo.join("config.toml"), "[languages]\ntarget = \"fr\"\n").unwrap();
    let (out, _) = Run::new(&["config"])
        .dir(&repo.join("tool"))
        .env("HOME", r)
        .code(0);
    assert!(out.contains("target = \"fr\""), "{out}");
    assert!(
        out.starts_with(&format!(
            "# effective configuration; file: {}",
            repo.join("config.toml").display()
        )),
        "{out}"
    );
}

#[test]
fn missing_glossary_warning_names_the_folder_without_a_location() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "Xin chào.\n").unwrap();
    let (_, err) = Run::new(&["run", "a.txt"])
        .dir(dir.path())
        .env("HOME", dir.path())
        .code(0);
    let folder = dir.path().canonicalize().unwrap().join("glossary/");
    let want = format!(
        "songngu: warning: no glossary: no config.toml found and no folder {}; terms are not \
         annotated (create it with *.toml files, or pass --glossary)\n",
        folder.display()
    );
    assert!(err.starts_with(&want), "{err}\nwant: {want}");
    assert!(!err.contains(":1:1"), "{err}");
    // `qa` of that run warns the same way instead of checking no term silently.
    let (_, err) = Run::new(&["qa", "out"])
        .dir(dir.path())
        .env("HOME", dir.path())
        .code(1);
    assert!(err.starts_with(&want), "{err}\nwant: {want}");
}

#[test]
fn tm_import_of_a_missing_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let (_, err) = Run::new(&["tm", "import", "missing.jsonl"])
        .dir(dir.path())
        .code(2);
    assert!(err.contains("missing.jsonl"), "{err}");
}

/// Compares a help text with `tests/fixtures/help/NAME.txt`
/// (`SONGNGU_BLESS=1` rewrites it).
fn help_snapshot(name: &str, args: &[&str]) -> String {
    let (out, _) = Run::new(args).env("COLUMNS", "100").code(0);
    let path = repo()
        .join("tests/fixtures/help")
        .join(format!("{name}.txt"));
    if std::env::var_os("SONGNGU_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &out).unwrap();
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} missing; run with SONGNGU_BLESS=1", path.display()));
    assert_eq!(
        out,
        want,
        "{} differs (SONGNGU_BLESS=1 rewrites it)",
        path.display()
    );
    out
}

#[test]
fn help_texts_match_their_snapshots() {
    let top = help_snapshot("songngu", &["--help"]);
    let examples = top.split("Examples:\n").nth(1).unwrap();
    assert!(
        examples.starts_with("  songngu run examples/bai-bao-mau.txt\n"),
        "{examples}"
    );
    assert!(top.contains("-v, --verbose"), "{top}");
    let run = help_snapshot("run", &["run", "--help"]);
    assert!(
        run.contains("jsonl, tsv, tmx, xliff, html, txt"),
        "every format: {run}"
    );
    let qa = help_snapshot("qa", &["qa", "--help"]);
    assert!(qa.contains("summary goes to stderr"), "{qa}");
    assert!(qa.contains("Prints on stdout"), "{qa}");
    help_snapshot("config", &["config", "--help"]);
}

/// `(kind, source)` of each segment of a `run --format jsonl` output file.
fn kinds_in(jsonl: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(jsonl).unwrap();
    let mut out = Vec::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if let (Some(kind), Some(source)) = (v["kind"].as_str(), v["source"].as_str()) {
            out.push((kind.to_owned(), source.to_owned()));
        }
    }
    out
}

/// Session 9's segmentation fixes, where a user meets them: a breadcrumb
/// is not the title, a series note closing the article is a text segment
/// of its own, and an official document's issuing body is a byline, its
/// type and subject the title.
#[test]
fn run_kinds_breadcrumbs_series_notes_and_a_document_header() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("in")).unwrap();
    std::fs::write(
        d.join("in/a.txt"),
        "Trang chủ > Thời sự > Xã hội\n\nMùa nước nổi về sớm\n\n\
         Nước lên từ tháng Bảy.\n\nNgười dân chờ mùa cá linh. (Còn nữa)\n",
    )
    .unwrap();
    std::fs::write(
        d.join("in/b.txt"),
        "Số: 15/2024/NQ-HĐND | Thái Bình, ngày 10 tháng 7 năm 2024 |\n\
         HỘI ĐỒNG NHÂN DÂN TỈNH THÁI BÌNH\n\nNGHỊ QUYẾT\n\
         Về việc quy định mức hỗ trợ học phí\n\nCăn cứ Luật Giáo dục;\n",
    )
    .unwrap();
    Run::new(&["run", "in", "--format", "jsonl", "-q"])
        .dir(d)
        .code(0);
    let pairs = |want: &[(&str, &str)]| -> Vec<(String, String)> {
        want.iter()
            .map(|(k, s)| (k.to_string(), s.to_string()))
            .collect()
    };
    assert_eq!(
        kinds_in(&d.join("out/a.jsonl")),
        pairs(&[
            ("text", "Trang chủ > Thời sự > Xã hội"),
            ("title", "Mùa nước nổi về sớm"),
            ("text", "Nước lên từ tháng Bảy."),
            ("text", "Người dân chờ mùa cá linh."),
            ("text", "(Còn nữa)"),
        ])
    );
    assert_eq!(
        kinds_in(&d.join("out/b.jsonl")),
        pairs(&[
            (
                "byline",
                "Số: 15/2024/NQ-HĐND | Thái Bình, ngày 10 tháng 7 năm 2024 |"
            ),
            ("byline", "HỘI ĐỒNG NHÂN DÂN TỈNH THÁI BÌNH"),
            ("title", "NGHỊ QUYẾT"),
            ("title", "Về việc quy định mức hỗ trợ học phí"),
            ("text", "Căn cứ Luật Giáo dục;"),
        ])
    );
}
