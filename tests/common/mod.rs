//! Helpers shared by the integration tests.

// Each test file uses some of the helpers.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Stdio};

/// Compares `actual` with the golden file, or rewrites it when
/// `SONGNGU_BLESS` is set (then review the diff).
pub fn golden(path: &Path, actual: &str) {
    if std::env::var_os("SONGNGU_BLESS").is_some() {
        std::fs::write(path, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(path)
        .unwrap_or_else(|_| panic!("{} missing; run with SONGNGU_BLESS=1", path.display()));
    assert_eq!(
        actual,
        want,
        "golden {} differs (SONGNGU_BLESS=1 rewrites it)",
        path.display()
    );
}

/// Runs the built binary in `dir` with `stdin`: (exit code, stdout, stderr).
pub fn songngu(dir: &Path, args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_songngu"))
        .args(args)
        .current_dir(dir)
        .env_remove("SONGNGU_CONFIG")
        .env_remove("SONGNGU_ENGINE")
        .env_remove("DEEPL_API_KEY")
        .env_remove("GOOGLE_API_KEY")
        .env_remove("OPENAI_API_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The command may exit before reading its input (a broken glossary).
    let _ = child.stdin.take().unwrap().write_all(stdin);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
pub mod mt;

/// `n` articles of about `size` bytes under `dir/in/d0` … `d3`, paragraphs
/// of the shipped example in a different order each; each begins with the
/// line `{heading} {i}.` unless `heading` is empty.
pub fn articles(dir: &Path, n: usize, size: usize, heading: &str) {
    let example = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bai-bao-mau.txt"),
    )
    .unwrap();
    let paras: Vec<&str> = example
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    for i in 0..n {
        let mut body = if heading.is_empty() {
            String::new()
        } else {
            format!("{heading} {i}.\n\n")
        };
        let mut k = i;
        while body.len() < size {
            body.push_str(paras[k % paras.len()]);
            body.push_str("\n\n");
            k = (k * 7 + 3) % 1_000_003;
        }
        let path = dir.join(format!("in/d{}/bai-{i:04}.txt", i % 4));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
}

/// A `songngu` command that the file system's permissions bind: under root
/// (who may write any file), through `setpriv` without the capabilities
/// that override them (util-linux's `setpriv` is then needed).
#[cfg(unix)]
pub fn unprivileged(dir: &Path) -> Command {
    let probe = dir.join("probe");
    std::fs::write(&probe, "x").unwrap();
    let mut perms = std::fs::metadata(&probe).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&probe, perms).unwrap();
    let privileged = std::fs::OpenOptions::new()
        .append(true)
        .open(&probe)
        .is_ok();
    std::fs::remove_file(&probe).unwrap();
    let mut c = if privileged {
        let mut c = Command::new("setpriv");
        c.args(["--bounding-set=-dac_override,-dac_read_search", "--"])
            .arg(env!("CARGO_BIN_EXE_songngu"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_songngu"))
    };
    c.current_dir(dir).env_remove("SONGNGU_CONFIG");
    c
}

/// Starts `cmd` (stdout and stderr to nowhere) and waits until `ready`
/// holds, the child ends, or `limit` passes; returns the child.
pub fn spawn_until(
    cmd: &mut Command,
    limit: std::time::Duration,
    mut ready: impl FnMut() -> bool,
) -> std::process::Child {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() && !ready() && start.elapsed() < limit {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    child
}
