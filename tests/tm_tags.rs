//! The translation memory compares language tags case-insensitively
//! (BCP 47: `EN` is `en`, `en-gb` is `en-GB`): a correction imported under
//! one case is used by a run under another, a run's machine translations
//! are found by a run whose tags differ only in case, and a memory written
//! before (tags hashed into machine keys as written) keeps its rows.

mod common;

use std::path::Path;

use common::mt::{ARTICLE, NoWait, fake_server, glossary, run_mt, runtime, settings};
use common::songngu;
use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};
use songngu::document::Provenance;
use songngu::tm::Tm;
use songngu::translate::libretranslate::LibreTranslate;
use songngu::translate::{AnyEngine, Engine};
use wiremock::{Request, Respond, ResponseTemplate};

/// A LibreTranslate fake that upper-cases what it is sent.
struct Upper;

impl Respond for Upper {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        common::mt::libre_reply(req, str::to_uppercase)
    }
}

/// The JSONL record of the segment whose source is `source`.
fn segment(file: &Path, source: &str) -> serde_json::Value {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["source"] == source)
        .unwrap_or_else(|| panic!("no segment {source} in {}", file.display()))
}

/// `tm import` of an XLIFF whose `target-language` is `EN`, then `run --to
/// en` (no engine): the correction is the target. Importing the same
/// source again under `en` replaces it instead of adding a second one.
#[test]
fn a_correction_imported_under_en_in_capitals_is_used_by_a_run_to_en() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("config.toml"),
        "[glossary]\npaths = []\n[output]\ndir = \"out\"\nformats = [\"jsonl\"]\n[tm]\npath = \"tm.sqlite\"\n",
    )
    .unwrap();
    std::fs::write(d.join("bai.txt"), "Xin chào các bạn.\n\nTạm biệt.\n").unwrap();
    std::fs::write(
        d.join("reviewed.xlf"),
        "<?xml version=\"1.0\"?><xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">\
         <file original=\"bai\" source-language=\"VI\" target-language=\"EN\" datatype=\"plaintext\"><body>\
         <trans-unit id=\"1\"><source>Xin chào các bạn.</source>\
         <target state=\"translated\">Hello, friends.</target></trans-unit></body></file></xliff>",
    )
    .unwrap();
    let (code, _, err) = songngu(d, &["tm", "import", "reviewed.xlf"], b"");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("imported 1 correction(s)"), "{err}");

    let (code, _, err) = songngu(d, &["run", "bai.txt", "--from", "vi", "--to", "en"], b"");
    assert_eq!(code, 0, "{err}");
    let hello = segment(&d.join("out/bai.jsonl"), "Xin chào các bạn.");
    assert_eq!(
        (hello["target"].as_str(), hello["origin"].as_str()),
        (Some("Hello, friends."), Some("human")),
        "{hello}"
    );

    // The configuration's `en`: the same key, so the correction is replaced.
    std::fs::write(
        d.join("again.jsonl"),
        "{\"kind\":\"text\",\"source\":\"Xin chào các bạn.\",\"target\":\"Hi, friends.\",\"origin\":\"human\"}\n",
    )
    .unwrap();
    let (code, _, err) = songngu(d, &["tm", "import", "again.jsonl"], b"");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("imported 1 correction(s)"), "{err}");
    let (code, out, err) = songngu(d, &["tm", "corrections"], b"");
    assert_eq!(code, 0, "{err}");
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{out}");
    assert!(
        rows[0].ends_with("\tXin chào các bạn.\tHi, friends."),
        "{out}"
    );
    let (_, out, _) = songngu(d, &["tm", "stats"], b"");
    assert!(out.contains("1  human corrections"), "{out}");
}

/// A run to `en-GB` through an engine, then one to `EN-gb`: the second
/// takes every translation from the memory and sends nothing; the export
/// has each source once, whatever the case of the tags its pairs carry.
#[test]
fn machine_translations_are_found_under_any_case_of_the_tags() {
    let rt = runtime();
    let server = fake_server(&rt, "POST", "/translate", Upper);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("config.toml"),
        format!(
            "[glossary]\npaths = []\n[translate]\nengine = \"libretranslate\"\n\
             [engines.libretranslate]\nurl = \"{}\"\n\
             [output]\nformats = [\"jsonl\"]\n[tm]\npath = \"tm.sqlite\"\n",
            server.uri()
        ),
    )
    .unwrap();
    std::fs::write(d.join("bai.txt"), "Xin chào các bạn.\n\nTạm biệt.\n").unwrap();
    let (code, _, err) = songngu(d, &["run", "bai.txt", "--to", "en-GB", "-o", "first"], b"");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("2 sent in 1 request(s)"), "{err}");
    let sent = rt.block_on(server.received_requests()).unwrap().len();

    let (code, _, err) = songngu(d, &["run", "bai.txt", "--to", "EN-gb", "-o", "second"], b"");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("2 from the memory, 0 human, 0 sent in 0 request(s)"),
        "{err}"
    );
    assert_eq!(
        rt.block_on(server.received_requests()).unwrap().len(),
        sent,
        "nothing sent again"
    );
    let bye = segment(&d.join("second/bai.jsonl"), "Tạm biệt.");
    assert_eq!(
        (bye["target"].as_str(), bye["origin"].as_str()),
        (Some("TẠM BIỆT."), Some("tm")),
        "{bye}"
    );
    // A correction under `EN-GB`: the export takes it and the other
    // source's machine translation (stored under `en-GB`) together.
    std::fs::write(
        d.join("fix.xlf"),
        "<?xml version=\"1.0\"?><xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">\
         <file original=\"bai\" source-language=\"vi\" target-language=\"EN-GB\" datatype=\"plaintext\"><body>\
         <trans-unit id=\"1\"><source>Xin chào các bạn.</source>\
         <target state=\"final\">Hello, friends.</target></trans-unit></body></file></xliff>",
    )
    .unwrap();
    let (code, _, err) = songngu(d, &["tm", "import", "fix.xlf"], b"");
    assert_eq!(code, 0, "{err}");
    let (code, tmx, err) = songngu(d, &["tm", "export"], b"");
    assert_eq!(code, 0, "{err}");
    assert_eq!(tmx.matches("<tu ").count(), 2, "one pair per source: {tmx}");
    assert!(
        tmx.contains("<prop type=\"x-origin\">human</prop>")
            && tmx.contains("<prop type=\"x-origin\">engine:libretranslate</prop>")
            && tmx.contains("Hello, friends.")
            && tmx.contains("TẠM BIỆT."),
        "{tmx}"
    );
}

/// The machine key earlier versions computed: SHA-256 over the
/// length-prefixed parts, the tags as written.
fn old_key(parts: [&str; 7]) -> String {
    let bytes: Vec<u8> = parts
        .iter()
        .flat_map(|p| (p.len() as u64).to_le_bytes().into_iter().chain(p.bytes()))
        .collect();
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A memory an earlier version wrote with `--to EN` (its rows keyed with
/// the tags as written): a run to `en` takes its translation instead of
/// sending the text again, and the row gets today's key (so the next open
/// finds it at once).
#[test]
fn a_machine_row_an_earlier_version_stored_under_en_in_capitals_is_used_by_a_run_to_en() {
    let rt = runtime();
    let server = fake_server(&rt, "POST", "/translate", Upper);
    let engine = LibreTranslate::with_key(&settings(&server.uri(), 20, 2), None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let tm = dir.path().join("tm.sqlite");
    let text = "Người dân phấn khởi.";
    let key = old_key([
        engine.name(),
        &engine.version(),
        "vi",
        "EN",
        "plain",
        &glossary().content_hash(),
        text,
    ]);
    // The row as the upgrade of such a memory leaves it: marked as keyed
    // with its tags as written (the upgrade itself: the tests in src/tm.rs).
    drop(Tm::open(&tm).unwrap());
    Connection::open(&tm)
        .unwrap()
        .execute(
            "INSERT INTO machine (key, engine, source_lang, target_lang, source, sent, target, tags_as_written)
             VALUES (?1, ?2, 'vi', 'EN', ?3, ?3, 'People are delighted (stored earlier).', 1)",
            params![key, engine.name(), text],
        )
        .unwrap();
    let (docs, report) = run_mt(
        AnyEngine::new(engine),
        &[ARTICLE],
        false,
        &tm,
        &NoWait::default(),
    );
    let seg = docs[0].iter().find(|s| s.source == text).unwrap();
    assert_eq!(
        seg.target.as_deref(),
        Some("People are delighted (stored earlier).")
    );
    assert_eq!(seg.origin, Some(Provenance::Tm));
    assert_eq!(report.memory, 1);
    for req in rt.block_on(server.received_requests()).unwrap() {
        assert!(
            !String::from_utf8_lossy(&req.body).contains("phấn khởi"),
            "sent again"
        );
    }
    let conn = Connection::open(&tm).unwrap();
    let (now, marked): (String, Option<i64>) = conn
        .query_row(
            "SELECT key, tags_as_written FROM machine WHERE source = ?1",
            [text],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_ne!(now, key, "re-keyed");
    assert_eq!(marked, None);
}

/// `songngu ARGS` in `dir` as a user the file system's permissions bind:
/// under root (who may write any file), through `setpriv` without the
/// capabilities that override them.
fn songngu_unprivileged(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = common::unprivileged(dir)
        .args(args)
        .output()
        .expect("setpriv (util-linux) is needed to run this test as root");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn set_readonly(path: &Path, readonly: bool) {
    let mut perms = std::fs::metadata(path).unwrap().permissions();
    perms.set_readonly(readonly);
    std::fs::set_permissions(path, perms).unwrap();
}

/// A memory of the oldest schema (before the machine rows' `accepted` and
/// the corrections' `file`, `line`, `doc`) in a write-protected file:
/// `tm corrections` and `tm export` say it must be made writable once,
/// `tm stats` reads it as it is; once writable, the upgrade makes both work.
#[cfg(unix)]
#[test]
fn a_write_protected_memory_of_the_oldest_schema_says_to_make_it_writable_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("config.toml"), "[tm]\npath = \"tm.sqlite\"\n").unwrap();
    let tm = d.join("tm.sqlite");
    {
        let conn = Connection::open(&tm).unwrap();
        conn.execute_batch(
            "CREATE TABLE machine (
               key TEXT PRIMARY KEY, engine TEXT NOT NULL, source_lang TEXT NOT NULL,
               target_lang TEXT NOT NULL, source TEXT NOT NULL, sent TEXT NOT NULL,
               target TEXT NOT NULL, final TEXT, created TEXT NOT NULL DEFAULT (datetime('now')));
             CREATE TABLE human (
               source_lang TEXT NOT NULL, target_lang TEXT NOT NULL, source TEXT NOT NULL,
               target TEXT NOT NULL, updated TEXT NOT NULL DEFAULT (datetime('now')),
               PRIMARY KEY (source_lang, target_lang, source));",
        )
        .unwrap();
        conn.execute(
            "INSERT INTO human (source_lang, target_lang, source, target) VALUES ('vi', 'en', ?1, ?2)",
            params!["Xin chào.", "Hello."],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO machine (key, engine, source_lang, target_lang, source, sent, target, final) \
             VALUES ('k', 'deepl', 'vi', 'en', ?1, ?1, ?2, ?2)",
            params!["Tạm biệt.", "Goodbye."],
        )
        .unwrap();
    }
    set_readonly(&tm, true);
    let want = "songngu: error: translation memory tm.sqlite: it has an older schema, which \
                songngu upgrades when it opens the file for writing, and this file is \
                write-protected; make it writable once (for example `chmod u+w tm.sqlite`) and \
                run the command again, or copy it to a writable place and set [tm] path to the \
                copy\n";
    for args in [&["tm", "corrections"][..], &["tm", "export"]] {
        let (code, out, err) = songngu_unprivileged(d, args);
        assert_eq!((code, err.as_str()), (2, want), "{args:?}: {out}");
        assert!(!out.contains("<tmx"), "{out}");
    }
    // Counting needs nothing the old schema lacks: read as it is.
    let (code, out, err) = songngu_unprivileged(d, &["tm", "stats"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1  human corrections"), "{out}");
    assert!(out.contains("1  engine:deepl vi->en"), "{out}");
    // Nothing was changed by any of them.
    let conn = Connection::open(&tm).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 0);
    drop(conn);

    // Writable once: upgraded, and then read-only again it stays readable.
    set_readonly(&tm, false);
    let (code, out, err) = songngu_unprivileged(d, &["tm", "corrections"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\tXin chào.\tHello.\n"), "{out}");
    set_readonly(&tm, true);
    let (code, out, err) = songngu_unprivileged(d, &["tm", "export"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("<seg>Hello.</seg>"), "{out}");
    assert!(out.contains("<seg>Goodbye.</seg>"), "{out}");
}

/// `tm stats` counts rows whose tags differ only in case on one line, and
/// shows the tags in the case BCP 47 recommends, whatever case the rows
/// were stored in (never the smallest spelling, `VI->EN-GB`).
#[test]
fn tm_stats_shows_each_pair_in_the_recommended_case() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("config.toml"), "[tm]\npath = \"tm.sqlite\"\n").unwrap();
    let mut tm = Tm::open(&d.join("tm.sqlite")).unwrap();
    let row = |engine: &str, from: &str, to: &str, source: &str| songngu::tm::MachineRow {
        key: Tm::key(engine, "1", from, to, "", "", source),
        engine: engine.into(),
        from: from.into(),
        to: to.into(),
        source: source.into(),
        sent: source.into(),
        target: source.to_uppercase(),
    };
    tm.put_machine(&[
        row("deepl", "VI", "en-gb", "Một."),
        row("deepl", "vi", "EN-GB", "Hai."),
        row("deepl", "Vi", "En-Gb", "Ba."),
        row("deepl", "vi", "zh-hant-tw", "Bốn."),
        row("openai", "VI", "EN", "Năm."),
    ])
    .unwrap();
    drop(tm);
    let (code, out, err) = songngu(d, &["tm", "stats"], b"");
    assert_eq!(code, 0, "{err}");
    let want = [
        "       0  human corrections",
        "       3  engine:deepl vi->en-GB",
        "       1  engine:deepl vi->zh-Hant-TW",
        "       1  engine:openai vi->en",
    ];
    assert_eq!(out.lines().collect::<Vec<_>>(), want, "{out}");
}

/// A memory of today's schema in a write-protected file: the commands that
/// write to it (`tm corrections --delete`, `tm import` of a new correction,
/// a run with an engine) stop before any work with what to do (exit 2) and
/// leave it as it was; an offline run, which only reads corrections, uses
/// it as it is.
#[cfg(unix)]
#[test]
fn a_write_protected_memory_is_read_by_offline_runs_and_named_by_commands_that_write() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("config.toml"),
        "[tm]\npath = \"tm.sqlite\"\n[glossary]\npaths = []\n",
    )
    .unwrap();
    std::fs::write(d.join("bai.txt"), "Hôm nay trời đẹp.\n").unwrap();
    let (code, _, err) = songngu(d, &["run", "bai.txt", "-o", "out", "--quiet"], b"");
    assert_eq!(code, 0, "{err}");
    let reviewed = |target: &str| {
        std::fs::read_to_string(d.join("out/bai.jsonl"))
            .unwrap()
            .replace("\"target\":null", &format!("\"target\":\"{target}\""))
            .replace("\"origin\":null", "\"origin\":\"human\"")
    };
    std::fs::write(
        d.join("reviewed.jsonl"),
        reviewed("The weather is fine today."),
    )
    .unwrap();
    let (code, _, err) = songngu(d, &["tm", "import", "reviewed.jsonl"], b"");
    assert_eq!(code, 0, "{err}");
    let tm = d.join("tm.sqlite");
    set_readonly(&tm, true);
    let before = std::fs::read(&tm).unwrap();

    let want = "songngu: error: translation memory tm.sqlite: the file is write-protected and \
                this command writes to it; make it writable (for example `chmod u+w \
                tm.sqlite`), or copy it to a writable place and set [tm] path to the copy\n";
    std::fs::write(d.join("again.jsonl"), reviewed("It is a fine day.")).unwrap();
    for args in [
        &["tm", "corrections", "--delete", "1"][..],
        &["tm", "import", "again.jsonl"],
    ] {
        let (code, _, err) = songngu_unprivileged(d, args);
        assert_eq!((code, err.as_str()), (2, want), "{args:?}");
    }
    // With an engine every reply is stored: refused before anything is sent
    // (the port is closed; a request would fail differently).
    std::fs::write(
        d.join("mt.toml"),
        "[tm]\npath = \"tm.sqlite\"\n[glossary]\npaths = []\n[translate]\nengine = \
         \"libretranslate\"\n[engines.libretranslate]\nurl = \"http://127.0.0.1:9\"\n",
    )
    .unwrap();
    let (code, _, err) = songngu_unprivileged(
        d,
        &[
            "run", "bai.txt", "-o", "mt", "--config", "mt.toml", "--quiet",
        ],
    );
    assert_eq!((code, err.as_str()), (2, want));
    assert_eq!(std::fs::read(&tm).unwrap(), before, "memory untouched");

    // Offline, the stored correction is used from the protected file.
    let (code, _, err) = songngu_unprivileged(d, &["run", "bai.txt", "-o", "ro", "--quiet"]);
    assert_eq!(code, 0, "{err}");
    let seg = segment(&d.join("ro/bai.jsonl"), "Hôm nay trời đẹp.");
    assert_eq!(seg["target"], "The weather is fine today.");
    assert_eq!(seg["origin"], "human");
    assert_eq!(std::fs::read(&tm).unwrap(), before, "memory untouched");

    // SQLite gives the `-wal` and `-shm` files it creates the database's
    // permissions, so the read-only run may have left them write-protected
    // too: the message names those that are, and making them all writable
    // lets the deletion work.
    let (code, _, err) = songngu_unprivileged(d, &["tm", "corrections", "--delete", "1"]);
    assert_eq!(code, 2, "{err}");
    let mut files = vec!["tm.sqlite"];
    for f in ["tm.sqlite-wal", "tm.sqlite-shm"] {
        if d.join(f).exists() {
            assert!(
                std::fs::metadata(d.join(f))
                    .unwrap()
                    .permissions()
                    .readonly()
            );
            files.push(f);
        }
    }
    assert!(
        err.contains(&format!("`chmod u+w {}`", files.join(" "))),
        "{files:?}: {err}"
    );
    for f in files {
        set_readonly(&d.join(f), false);
    }
    let (code, _, err) = songngu_unprivileged(d, &["tm", "corrections", "--delete", "1"]);
    assert_eq!(code, 0, "{err}");
}

/// A memory in a folder that may not be written (a shared or archived
/// memory in write-ahead-log mode, no `-shm` file beside it): commands that
/// only read it (an offline run, `tm stats`, `tm corrections`) read it as it
/// is; one that writes names the folder, not the file. And a file with no
/// write permission bit is write-protected even for root, who could write
/// it.
#[cfg(unix)]
#[test]
fn a_memory_in_a_write_protected_folder_is_read_and_a_mode_0444_file_is_protected_even_for_root() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("config.toml"),
        "[tm]\npath = \"m/tm.sqlite\"\n[glossary]\npaths = []\n",
    )
    .unwrap();
    std::fs::write(d.join("bai.txt"), "Hôm nay trời đẹp.\n").unwrap();
    let (code, _, err) = songngu(d, &["run", "bai.txt", "-o", "out", "--quiet"], b"");
    assert_eq!(code, 0, "{err}");
    let reviewed = std::fs::read_to_string(d.join("out/bai.jsonl"))
        .unwrap()
        .replace(
            "\"target\":null",
            "\"target\":\"The weather is fine today.\"",
        )
        .replace("\"origin\":null", "\"origin\":\"human\"");
    std::fs::write(d.join("reviewed.jsonl"), &reviewed).unwrap();
    let (code, _, err) = songngu(d, &["tm", "import", "reviewed.jsonl"], b"");
    assert_eq!(code, 0, "{err}");
    let m = d.join("m");
    assert!(!m.join("tm.sqlite-shm").exists(), "closed cleanly");
    std::fs::set_permissions(&m, std::fs::Permissions::from_mode(0o555)).unwrap();

    let (code, _, err) = songngu_unprivileged(d, &["run", "bai.txt", "-o", "ro", "--quiet"]);
    assert_eq!(code, 0, "{err}");
    let seg = segment(&d.join("ro/bai.jsonl"), "Hôm nay trời đẹp.");
    assert_eq!(seg["target"], "The weather is fine today.");
    assert_eq!(seg["origin"], "human");
    let (code, out, err) = songngu_unprivileged(d, &["tm", "stats"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1  human corrections"), "{out}");
    let (code, out, err) = songngu_unprivileged(d, &["tm", "corrections"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\tThe weather is fine today.\n"), "{out}");
    let (code, _, err) = songngu_unprivileged(d, &["tm", "corrections", "--delete", "1"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        err,
        "songngu: error: translation memory m/tm.sqlite: its folder m is write-protected, and \
         this command writes to the memory (SQLite keeps its -wal and -shm files beside it); \
         make the folder writable, or copy it to a writable place and set [tm] path to the \
         copy\n"
    );
    std::fs::set_permissions(&m, std::fs::Permissions::from_mode(0o755)).unwrap();

    // Mode 0444, run as whoever runs the tests (root in CI): refused all
    // the same, and the memory is left as it was.
    let tm = m.join("tm.sqlite");
    set_readonly(&tm, true);
    let before = std::fs::read(&tm).unwrap();
    std::fs::write(
        d.join("again.jsonl"),
        reviewed.replace("The weather is fine today.", "It is a fine day."),
    )
    .unwrap();
    let (code, _, err) = songngu(d, &["tm", "import", "again.jsonl"], b"");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("the file is write-protected"), "{err}");
    assert_eq!(std::fs::read(&tm).unwrap(), before);
    let (code, _, err) = songngu(d, &["run", "bai.txt", "-o", "ro2", "--quiet"], b"");
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        segment(&d.join("ro2/bai.jsonl"), "Hôm nay trời đẹp.")["target"],
        "The weather is fine today."
    );
}
