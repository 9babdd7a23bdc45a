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
