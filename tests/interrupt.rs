//! Ctrl-C (SIGINT), SIGTERM in the middle of `songngu run`, through the
//! binary: the run exits with 130 and says so, leaves none of its
//! `.songngu-*.tmp` files (another process's stay), and every output it
//! wrote before is complete; with a translation memory, a re-run sends
//! only what the interrupted run had not stored. Every other command says
//! what it leaves in its own words (`ascii`, `slug`, `tm export`: nothing
//! of a memory or of resuming).
#![cfg(unix)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Vietnamese news copy of about `bytes` bytes, paragraphs numbered from
/// `seed` so that no two are the same.
fn copy(bytes: usize, seed: usize) -> String {
    const SENTENCES: [&str; 6] = [
        "Thủ tướng Chính phủ chủ trì cuộc họp với các bộ, ngành tại Hà Nội.",
        "Bộ Tài chính cho biết thu ngân sách tháng này tăng so với cùng kỳ năm trước.",
        "Ủy ban nhân dân Thành phố Hồ Chí Minh đề nghị người dân hạn chế ra đường khi mưa lớn.",
        "Ngân hàng Nhà nước giữ nguyên lãi suất điều hành trong quý tới.",
        "Tổng cục Thống kê công bố chỉ số giá tiêu dùng bình quân đạt mức thấp.",
        "Sở Giáo dục và Đào tạo thông báo lịch thi tuyển sinh lớp mười.",
    ];
    let mut text = String::with_capacity(bytes + 1024);
    let mut n = seed;
    while text.len() < bytes {
        text.push_str(&format!("Bản tin số {n}. "));
        for k in 0..4 {
            text.push_str(SENTENCES[(n + k) % SENTENCES.len()]);
            text.push(' ');
        }
        text.push_str("\n\n");
        n += 1;
    }
    text
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn is_temporary(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    name.starts_with(".songngu-") && name.ends_with(".tmp")
}

/// The TMX header's creation date, the one part of an output that
/// differs from run to run.
fn without_date(text: &str) -> String {
    match text.split_once("creationdate=\"") {
        Some((head, rest)) => format!("{head}{}", &rest[rest.find('"').unwrap()..]),
        None => text.to_owned(),
    }
}

fn songngu(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_songngu"));
    c.args(args)
        .current_dir(dir)
        .env_remove("SONGNGU_CONFIG")
        .env_remove("SONGNGU_ENGINE")
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    c
}

/// Waits for `child` to exit; kills it and fails after a minute.
fn wait(child: &mut Child) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("songngu did not exit within a minute of the signal");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends `signal` to `child`, checks that it exits with 130 and says it
/// was interrupted, and returns its stderr.
fn interrupt(child: &mut Child, signal: &str) -> String {
    let killed = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success(), "kill {signal} failed");
    let status = wait(child);
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(130), "{status}; stderr: {err}");
    assert!(
        err.contains("songngu: interrupted;") && err.contains("run the same command again"),
        "{err}"
    );
    err
}

/// Runs `songngu run in -o out` on four small documents then six large
/// ones, sends `signal` once a small document's outputs are in place and
/// a large one's are being written, and checks what the run leaves.
fn interrupted_run_cleans_up(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = d.join("in");
    std::fs::create_dir_all(&input).unwrap();
    let small: Vec<String> = (0..4).map(|i| format!("a{i}")).collect();
    for (i, name) in small.iter().enumerate() {
        std::fs::write(input.join(format!("{name}.txt")), copy(20_000, i * 1000)).unwrap();
    }
    let large = copy(5_000_000, 10_000);
    for i in 0..6 {
        std::fs::write(input.join(format!("b{i}.txt")), &large).unwrap();
    }
    // Another process's temporary file in the output folder: not ours to
    // remove.
    let out = d.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let foreign = out.join(".songngu-AnOtHeR.tmp");
    std::fs::write(&foreign, b"another run's").unwrap();

    let mut child = songngu(d, &["run", "in", "-o", "out", "--jobs", "2"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Until a small document's JSONL is in place and one of this run's
    // temporary files is there.
    let start = Instant::now();
    loop {
        let files = files_under(&out);
        let ours = files.iter().any(|p| is_temporary(p) && *p != foreign);
        let done = files
            .iter()
            .any(|p| p.extension() == Some("jsonl".as_ref()));
        if ours && done {
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "the run ended ({status}) before it could be interrupted while writing: \
                 enlarge the input of this test"
            );
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("no output after 20 s: is the machine that slow? (files: {files:?})");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let err = interrupt(&mut child, signal);
    // Offline, nothing is stored in a memory: no word of one.
    assert!(
        err.contains(
            "songngu: interrupted; the outputs already written are complete and no temporary \
             file is left; run the same command again to finish (it writes every output again)\n"
        ),
        "{err}"
    );
    let left: Vec<PathBuf> = files_under(&out)
        .into_iter()
        .filter(|p| is_temporary(p))
        .collect();
    assert_eq!(left, vec![foreign.clone()], "temporary files left behind");
    assert_eq!(std::fs::read(&foreign).unwrap(), b"another run's");

    // Every output present is complete: each JSONL line parses and the
    // file ends with a newline; the small documents' outputs are the very
    // files an uninterrupted run writes.
    let outputs: Vec<PathBuf> = files_under(&out)
        .into_iter()
        .filter(|p| *p != foreign)
        .collect();
    for p in outputs
        .iter()
        .filter(|p| p.extension() == Some("jsonl".as_ref()))
    {
        let text = std::fs::read_to_string(p).unwrap();
        assert!(text.ends_with('\n'), "{} is cut short", p.display());
        for (n, line) in text.lines().enumerate() {
            serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| {
                panic!("{}:{}: {e}", p.display(), n + 1);
            });
        }
    }
    let reference = d.join("reference");
    std::fs::create_dir_all(reference.join("in")).unwrap();
    for name in &small {
        let file = format!("{name}.txt");
        std::fs::copy(input.join(&file), reference.join("in").join(&file)).unwrap();
    }
    let ok = songngu(&reference, &["-q", "run", "in", "-o", "out"])
        .status()
        .unwrap();
    assert!(ok.success(), "the reference run failed: {ok}");
    let mut compared = 0;
    for p in &outputs {
        let name = p.file_name().unwrap();
        let stem = name.to_string_lossy();
        if !small.iter().any(|s| stem.starts_with(&format!("{s}."))) {
            continue;
        }
        let want = std::fs::read_to_string(reference.join("out").join(name)).unwrap();
        let got = std::fs::read_to_string(p).unwrap();
        assert_eq!(
            without_date(&got),
            without_date(&want),
            "{} differs from an uninterrupted run's",
            p.display()
        );
        compared += 1;
    }
    assert!(compared > 0, "no small document's output to compare");
}

#[test]
fn ctrl_c_during_a_run_leaves_no_temporary_file_and_exits_130() {
    interrupted_run_cleans_up("-INT");
}

#[test]
fn sigterm_during_a_run_leaves_no_temporary_file_and_exits_130() {
    interrupted_run_cleans_up("-TERM");
}

/// A LibreTranslate that upper-cases each text, 50 ms per request.
struct SlowUpper;
impl wiremock::Respond for SlowUpper {
    fn respond(&self, req: &wiremock::Request) -> wiremock::ResponseTemplate {
        common::mt::libre_reply(req, str::to_uppercase).set_delay(Duration::from_millis(50))
    }
}

#[test]
fn ctrl_c_during_a_translated_run_keeps_the_memory_and_a_rerun_resumes() {
    let rt = common::mt::runtime();
    let server = common::mt::fake_server(&rt, "POST", "/translate", SlowUpper);
    let requests = || rt.block_on(server.received_requests()).unwrap().len();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::mt::forty_sentences_one_per_request(d, &server.uri());
    let args = ["run", "--config", "c.toml", "bai.txt", "-o", "out"];
    let mut child = songngu(d, &args).stderr(Stdio::piped()).spawn().unwrap();
    let start = Instant::now();
    while requests() < 12 {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the run ended ({status}) before 12 requests");
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "fewer than 12 requests in 20 s"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let err = interrupt(&mut child, "-INT");
    assert!(
        err.contains(
            "run the same command again to finish (translations already stored in the memory \
             are reused, not sent again)\n"
        ),
        "{err}"
    );
    let first = requests();
    assert!((12..40).contains(&first), "interrupted mid-way: {first}");
    let left: Vec<PathBuf> = files_under(d)
        .into_iter()
        .filter(|p| is_temporary(p))
        .collect();
    assert!(left.is_empty(), "temporary files left behind: {left:?}");
    assert!(
        !d.join("out/bai.jsonl").exists(),
        "the document was not finished"
    );

    // The re-run opens the memory the interrupted run left (SQLite rolls
    // back a transaction cut short) and sends only what was not stored:
    // at most the request in flight and a batch whose commit was still
    // under way when the signal came.
    rt.block_on(server.reset());
    common::mt::mount(&rt, &server, "POST", "/translate", SlowUpper);
    let out = songngu(d, &args).stderr(Stdio::piped()).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let second = requests();
    assert!(
        second <= 40 - first + 2,
        "resent: first {first}, second {second}"
    );
    assert!(first + second >= 40, "first {first}, second {second}");
    assert!(err.contains("from the memory"), "{err}");
    let jsonl = std::fs::read_to_string(d.join("out/bai.jsonl")).unwrap();
    assert_eq!(jsonl.lines().count(), 40);
    assert!(
        jsonl.contains("\"target\":\"CÂU THỨ 39 CỦA BÀI BÁO.\""),
        "{jsonl}"
    );
}

/// `songngu ARGS` with stdin and stdout piped, once it has printed
/// `first` for `input` (so its Ctrl-C handler is in place); stdin stays
/// open, so the command waits for more.
fn streaming(d: &Path, args: &[&str], input: &str, first: &str) -> Child {
    use std::io::{BufRead, Write};
    let mut child = songngu(d, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .as_mut()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = std::io::BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(line) => assert_eq!(line, first),
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("no output in 20 s: {e}");
        }
    }
    child
}

#[test]
fn ctrl_c_during_ascii_and_slug_says_what_was_printed_and_that_a_rerun_starts_over() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut child = streaming(d, &["ascii"], "Hà Nội mùa thu\n", "Ha Noi mua thu\n");
    let err = interrupt(&mut child, "-INT");
    assert_eq!(
        err,
        "songngu: interrupted; the ASCII text printed so far is the start of the input's (it \
         may end in the middle of a line), and nothing else was written; run the same command \
         again on the whole input: it starts over from the beginning\n"
    );
    let mut child = streaming(d, &["slug"], "Hà Nội mùa thu\n", "ha-noi-mua-thu\n");
    let err = interrupt(&mut child, "-TERM");
    assert_eq!(
        err,
        "songngu: interrupted; the slugs printed so far are those of the first lines of the \
         input, and nothing else was written; run the same command again on the whole input: \
         it starts over from the first line\n"
    );
}

#[test]
fn ctrl_c_during_tm_export_says_the_export_is_cut_short_and_nothing_changed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("config.toml"), "[tm]\npath = \"tm.sqlite\"\n").unwrap();
    // Far more TMX than a pipe holds: with nobody reading its stdout, the
    // export waits in the middle.
    let tm = songngu::tm::Tm::open(&d.join("tm.sqlite")).unwrap();
    let from = songngu::tm::CorrectionSource::default();
    for i in 0..3000 {
        tm.put_human(
            "vi",
            "en",
            &format!("Câu thứ {i} của bản tin hôm nay về thời tiết Hà Nội."),
            &format!("Sentence {i} of today's bulletin on the weather in Hanoi."),
            &from,
        )
        .unwrap();
    }
    drop(tm);
    let mut child = songngu(d, &["tm", "export"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    // The export's start: it has opened the memory and is writing.
    let mut start = [0u8; 5];
    std::io::Read::read_exact(&mut out, &mut start).unwrap();
    assert_eq!(&start, b"<?xml");
    let err = interrupt(&mut child, "-INT");
    assert_eq!(
        err,
        "songngu: interrupted; the TMX export printed so far is cut short, and nothing was \
         changed; run the same command again for the whole TMX export\n"
    );
    drop(out);
}
