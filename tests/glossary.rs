//! The glossary through the library and the `songngu glossary` commands,
//! against golden outputs in `tests/fixtures/glossary/`. Set
//! `SONGNGU_BLESS=1` to rewrite the goldens, then review the diff.

mod common;
use common::{golden, songngu};

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use songngu::config::{CaseRule, Diacritics};
use songngu::glossary::exchange::{ExportFormat, export, import_table, to_toml};
use songngu::glossary::modes::{Verifier, replace};
use songngu::glossary::{Glossary, HitClass, Matcher, load_paths};
use unicode_normalization::UnicodeNormalization;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/glossary")
}

fn basic() -> Glossary {
    let (g, diags) = load_paths(&[fixtures().join("basic/glossary.toml")], ("vi", "en"));
    assert!(
        diags
            .iter()
            .all(|d| d.severity != songngu::glossary::Severity::Error),
        "{diags:?}"
    );
    g
}

fn matcher(g: &Glossary) -> Matcher {
    Matcher::new(g, CaseRule::Permissive, Diacritics::Flag).unwrap()
}

#[test]
fn find_golden_human_and_json() {
    let dir = fixtures().join("basic");
    let (code, out, err) = songngu(
        &dir,
        &[
            "glossary",
            "find",
            "--glossary",
            "glossary.toml",
            "input.txt",
        ],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    golden(&dir.join("expected.find.txt"), &out);
    let (code, out, _) = songngu(
        &dir,
        &[
            "glossary",
            "find",
            "--json",
            "--glossary",
            "glossary.toml",
            "-",
        ],
        &std::fs::read(dir.join("input.txt")).unwrap(),
    );
    assert_eq!(code, 0);
    golden(&dir.join("expected.find.jsonl"), &out);
    // Every JSON line has exactly the documented fields, and its offsets slice to its text.
    let input = std::fs::read_to_string(dir.join("input.txt")).unwrap();
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let obj = v.as_object().unwrap();
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "class", "col", "end", "entry", "line", "start", "target", "text"
            ]
        );
        let (s, e) = (
            v["start"].as_u64().unwrap() as usize,
            v["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&input[s..e], v["text"].as_str().unwrap());
    }
}

#[test]
fn every_class_appears_in_the_fixture() {
    let g = basic();
    let m = matcher(&g);
    let input = std::fs::read_to_string(fixtures().join("basic/input.txt")).unwrap();
    let found = m.find(&input);
    for class in HitClass::ALL {
        assert!(
            found.hits.iter().any(|h| h.class == class),
            "no {class:?} hit"
        );
    }
    // No false hit inside `pháp luật`; `Uỷ viên Bộ Chính trị` wins over `Bộ Chính trị`.
    assert!(found.hits.iter().all(|h| h.text(&input) != "luật"));
    assert!(
        found
            .hits
            .iter()
            .any(|h| h.text(&input) == "Uỷ viên Bộ Chính trị")
    );
    assert!(found.hits.iter().all(|h| h.text(&input) != "Bộ Chính trị"));
    // `Kết luận 7 KL`: the pattern's words are there but the code is not a code.
    assert!(
        found
            .misses
            .iter()
            .any(|mi| mi.entry == "Kết luận số {code}"),
        "{:?}",
        found.misses
    );
}

#[test]
fn tone_variants_both_ways_and_nfd_input() {
    let g = basic();
    let m = matcher(&g);
    // Old-style entry, new-style text and the reverse.
    let h = &m.find("đường thuỷ nội địa").hits[0];
    assert_eq!(
        (h.class, &*h.entry),
        (HitClass::ToneVariant, "đường thủy nội địa")
    );
    let mut g2 = g.clone();
    g2.entries
        .push(songngu::glossary::Entry::term("Thuỷ lợi", "irrigation"));
    let m2 = matcher(&g2);
    let h = &m2.find("công trình Thủy lợi").hits[0];
    assert_eq!(h.class, HitClass::ToneVariant);
    // NFD input: same entries, offsets into the NFD text.
    let input = std::fs::read_to_string(fixtures().join("basic/input.txt")).unwrap();
    let nfd: String = input.nfd().collect();
    let a: Vec<_> = m
        .find(&input)
        .hits
        .into_iter()
        .map(|h| (h.entry, h.class))
        .collect();
    let b = m.find(&nfd).hits;
    for h in &b {
        // Offsets point into the NFD input, on character boundaries.
        assert!(nfd.is_char_boundary(h.start) && nfd.is_char_boundary(h.end));
        assert!(!h.text(&nfd).trim().is_empty());
    }
    let b: Vec<_> = b.into_iter().map(|h| (h.entry, h.class)).collect();
    assert_eq!(a, b);
}

#[test]
fn replace_and_verify_modes() {
    let g = basic();
    let m = matcher(&g);
    let text = "Bộ trưởng Bộ Công an làm việc với Ban Bí thư khóa XI về Kết luận số 44-KL/TW; Chị thị mới.";
    let hits = m.find(text).hits;
    assert_eq!(
        replace(text, &hits, m.entries()),
        "Minister of Public Security làm việc với Secretariat of the 11th tenure về Conclusion No. 44-KL/TW; Chị thị mới."
    );
    let v = Verifier::new(m.entries());
    let ok = "The Minister of Public Security worked with the Secretariat of the 11th tenure on Conclusion No. 44-KL/TW.";
    assert_eq!(v.verify(&hits, m.entries(), ok), []);
    let bad = "The Minister of Police met the Secretariat on Conclusion 44.";
    let codes: Vec<String> = v
        .verify(&hits, m.entries(), bad)
        .iter()
        .map(|f| f.code.to_string())
        .collect();
    assert_eq!(codes, ["term-missing", "term-missing", "term-missing"]);
    let hits = m.find("Bộ Công an").hits;
    let f = v.verify(&hits, m.entries(), "The Ministry of Police");
    assert_eq!(
        f.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(),
        ["term-missing", "term-forbidden"]
    );
}

#[test]
fn check_golden_lists_every_rule() {
    let dir = fixtures().join("invalid");
    let (code, out, err) = songngu(
        &dir,
        &["glossary", "check", "--verbose", "glossary.toml"],
        b"",
    );
    assert_eq!(code, 2, "{err}");
    golden(&dir.join("expected.check.txt"), &out);
    assert!(err.contains(" errors, "), "{err}");
    // The starter glossary has no errors.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let (code, out, err) = songngu(&root, &["glossary", "check"], b"");
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains(": error:"), "{out}");
    assert!(err.contains("987 entries"), "{err}");
}

#[test]
fn tsv_to_toml_to_tsv_round_trip_and_exports() {
    let tsv = std::fs::read_to_string(fixtures().join("basic/terms.tsv")).unwrap();
    let (entries, diags) = import_table(&tsv, Path::new("terms.tsv"));
    assert!(diags.is_empty(), "{diags:?}");
    let toml = to_toml(&entries, "vi", "en");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("g.toml"), &toml).unwrap();
    let (g, diags) = load_paths(&[dir.path().join("g.toml")], ("vi", "en"));
    assert!(
        diags
            .iter()
            .all(|d| d.severity != songngu::glossary::Severity::Error),
        "{diags:?}"
    );
    assert_eq!(export(&g, ExportFormat::Tsv).0, tsv);
    // CSV export re-imports to the same entries.
    let (csv, _) = export(&g, ExportFormat::Csv);
    let (again, d) = import_table(&csv, Path::new("x.csv"));
    assert!(d.is_empty());
    assert_eq!(
        again
            .iter()
            .map(|e| (&e.source, &e.target, &e.note))
            .collect::<Vec<_>>(),
        entries
            .iter()
            .map(|e| (&e.source, &e.target, &e.note))
            .collect::<Vec<_>>()
    );
}

#[test]
fn tbx_export_is_well_formed_xml() {
    let mut g = basic();
    g.entries[0].note = Some("a <b> & \"c\" ]]> \u{1}".into());
    let (tbx, _) = export(&g, ExportFormat::Tbx);
    let mut reader = quick_xml::Reader::from_str(&tbx);
    let (mut concepts, mut terms) = (0, 0);
    loop {
        match reader.read_event().expect("well-formed TBX") {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) if e.name().0 == "conceptEntry" => concepts += 1,
            quick_xml::events::Event::Start(e) if e.name().0 == "term" => terms += 1,
            _ => {}
        }
    }
    assert_eq!(concepts, g.entries.len());
    assert!(terms > concepts);
}

#[test]
fn cli_import_into_keeps_comments_and_skips_known_sources() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("g.toml"),
        "# editors: keep this comment\n[meta]\nsource_lang = \"vi\"\ntarget_lang = \"en\"\n\n[terms]\n\"Ban Bí thư\" = \"Secretariat\" # and this one\n",
    )
    .unwrap();
    std::fs::copy(fixtures().join("basic/terms.tsv"), dir.path().join("t.tsv")).unwrap();
    let (code, _, err) = songngu(
        dir.path(),
        &["glossary", "import", "t.tsv", "--into", "g.toml"],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("imported 3 entries") && err.contains("1 skipped"),
        "{err}"
    );
    let text = std::fs::read_to_string(dir.path().join("g.toml")).unwrap();
    assert!(
        text.contains("# editors: keep this comment") && text.contains("# and this one"),
        "{text}"
    );
    let (code, out, err) = songngu(dir.path(), &["glossary", "check", "g.toml"], b"");
    assert_eq!(code, 0, "{out}{err}");
    // A bad row: nothing written, exit 2, the row's line named.
    std::fs::write(
        dir.path().join("bad.tsv"),
        "Ban Bí thư\tSecretariat\nHà Nội\t\n",
    )
    .unwrap();
    let before = std::fs::read(dir.path().join("g.toml")).unwrap();
    let (code, _, err) = songngu(
        dir.path(),
        &["glossary", "import", "bad.tsv", "--into", "g.toml"],
        b"",
    );
    assert_eq!(code, 2);
    assert!(err.contains("bad.tsv:2:1: error:"), "{err}");
    assert_eq!(std::fs::read(dir.path().join("g.toml")).unwrap(), before);
}

#[test]
fn cli_export_formats() {
    let dir = fixtures().join("basic");
    let (code, out, err) = songngu(
        &dir,
        &[
            "glossary",
            "export",
            "--format",
            "deepl",
            "--glossary",
            "glossary.toml",
        ],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("Ban Bí thư\tSecretariat\n"), "{out}");
    assert!(
        out.contains("toàn dân bảo vệ ANTQ\tAll people protect national security\n"),
        "variants expanded: {out}"
    );
    assert!(!out.contains("{code}"), "patterns left out: {out}");
    assert!(
        err.contains("pattern entries cannot go into a DeepL glossary"),
        "{err}"
    );
    for line in out.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 2);
        assert!(cols.iter().all(|c| !c.is_empty() && c.len() <= 1024));
    }
    let (code, out, _) = songngu(
        &dir,
        &[
            "glossary",
            "export",
            "--format",
            "csv",
            "--glossary",
            "glossary.toml",
        ],
        b"",
    );
    assert_eq!(code, 0);
    assert!(out.starts_with("source,target,note\n"), "{out}");
    let (code, _, err) = songngu(&dir, &["glossary", "export", "--format", "xml"], b"");
    assert_eq!(code, 2, "{err}");
}

#[test]
fn cli_fmt_normalises_to_nfc_keeping_comments() {
    let dir = tempfile::tempdir().unwrap();
    let nfd: String = "\"Chỉ thị\" = \"Directive\" # giữ chú thích\n"
        .nfd()
        .collect();
    let text =
        format!("# đầu tệp\n[meta]\nsource_lang = \"vi\"\ntarget_lang = \"en\"\n[terms]\n{nfd}");
    std::fs::write(dir.path().join("g.toml"), &text).unwrap();
    let (code, out, _) = songngu(dir.path(), &["glossary", "check", "g.toml"], b"");
    assert_eq!(code, 2);
    assert!(
        out.contains("g.toml:6:1: error:") && out.contains("songngu glossary fmt"),
        "{out}"
    );
    let (code, _, _) = songngu(dir.path(), &["glossary", "fmt", "--check", "g.toml"], b"");
    assert_eq!(code, 1);
    let (code, _, err) = songngu(dir.path(), &["glossary", "fmt", "g.toml"], b"");
    assert_eq!(code, 0, "{err}");
    let fixed = std::fs::read_to_string(dir.path().join("g.toml")).unwrap();
    assert_eq!(fixed, text.nfc().collect::<String>());
    assert!(fixed.contains("# giữ chú thích"));
    let (code, _, _) = songngu(dir.path(), &["glossary", "check", "g.toml"], b"");
    assert_eq!(code, 0);
}

#[test]
fn cli_broken_glossary_stops_find_with_exit_2() {
    let dir = fixtures().join("invalid");
    let (code, out, err) = songngu(
        &dir,
        &["glossary", "find", "--glossary", "glossary.toml", "-"],
        "Ban Bí thư".as_bytes(),
    );
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(err.contains("glossary.toml:6:1: error:"), "{err}");
    let (code, _, err) = songngu(
        &dir,
        &["glossary", "find", "--glossary", "nope/", "-"],
        b"x",
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("nope/:1:1: error: no such file or folder"),
        "{err}"
    );
}

const META: &str = "[meta]\nsource_lang = \"vi\"\ntarget_lang = \"en\"\n";

/// `glossary check` of one file `g.toml` with `text`: (exit code, stdout, stderr).
fn check_file(text: &str, args: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("g.toml"), text).unwrap();
    let mut all = vec!["glossary", "check", "g.toml"];
    all.extend_from_slice(args);
    songngu(dir.path(), &all, b"")
}

#[test]
fn duplicate_toml_key_names_the_key_and_its_first_line() {
    let (code, out, err) = check_file(
        &format!(
            "{META}[terms]\n\"Ban Bí thư\" = \"Secretariat\"\n\"Bộ Công an\" = \"MPS\"\n\"Ban Bí thư\" = \"Secretariat\"\n"
        ),
        &[],
    );
    assert_eq!(code, 2);
    assert_eq!(
        out,
        "g.toml:7:1: error: duplicate key `Ban Bí thư`: it is first defined on line 5; keep one of the two\n"
    );
    // A syntax error is a file with one error, not a file less.
    assert_eq!(
        err,
        "glossary check: 1 file(s), 0 valid entries: 1 error, 0 warnings\n"
    );
    // A field given twice in an [[entry]], a table header given twice.
    let (_, out, _) = check_file(
        &format!(
            "{META}[[entry]]\nsource = \"Chỉ thị\"\ntarget = \"Directive\"\nnote = \"n\"\ntarget = \"Instruction\"\n"
        ),
        &[],
    );
    assert_eq!(
        out,
        "g.toml:8:1: error: duplicate key `target`: it is first defined on line 6; keep one of the two\n"
    );
    let (_, out, _) = check_file(
        &format!("{META}[terms]\n\"Chỉ thị\" = \"Directive\"\n[terms]\n"),
        &[],
    );
    assert_eq!(
        out,
        "g.toml:6:2: error: duplicate key `terms`: it is first defined on line 4; keep one of the two\n"
    );
}

#[test]
fn pattern_with_slots_table_is_not_told_to_add_one() {
    // The slot's type is wrong: that is the one error.
    let (code, out, _) = check_file(
        &format!(
            "{META}[[entry]]\nkind = \"pattern\"\nsource = \"Quốc hội khóa {{n}}\"\ntarget = \"{{n}} National Assembly\"\n[entry.slots]\nn = \"ordinal\"\n"
        ),
        &[],
    );
    assert_eq!(code, 2);
    assert_eq!(
        out,
        "g.toml:9:5: error: unknown slot type `ordinal` for `n`; use docnum, int, roman or date\n"
    );
    // `kind` forgotten: told to add it, not to add the table it has.
    let (_, out, _) = check_file(
        &format!(
            "{META}[[entry]]\nsource = \"Quốc hội khóa {{n}}\"\ntarget = \"{{n}} National Assembly\"\n[entry.slots]\nn = \"roman\"\n"
        ),
        &[],
    );
    assert_eq!(
        out,
        "g.toml:5:10: error: `slots` belong to patterns; add `kind = \"pattern\"`\n"
    );
    // An empty table is named as such.
    let (_, out, _) = check_file(
        &format!(
            "{META}[[entry]]\nkind = \"pattern\"\nsource = \"Kết luận số {{code}}\"\ntarget = \"Conclusion No. {{code}}\"\n[entry.slots]\n"
        ),
        &[],
    );
    assert_eq!(
        out,
        "g.toml:8:1: error: `[entry.slots]` is empty; define each slot the source uses, e.g. `code = \"docnum\"`\n"
    );
    // No table at all: told to add one.
    let (_, out, _) = check_file(
        &format!(
            "{META}[[entry]]\nkind = \"pattern\"\nsource = \"Kết luận số {{code}}\"\ntarget = \"Conclusion No. {{code}}\"\n"
        ),
        &[],
    );
    assert_eq!(
        out,
        "g.toml:6:10: error: a pattern needs [entry.slots], e.g. `code = \"docnum\"`\n"
    );
}

#[test]
fn check_summary_counts_in_good_grammar() {
    let (code, out, err) = check_file(
        &format!("{META}[terms]\n\"Ban Bí thư\" = \"Secretariat\"\n"),
        &[],
    );
    assert_eq!((code, out.as_str()), (0, ""));
    assert_eq!(
        err,
        "glossary check: 1 file(s), 1 entry: 0 errors, 0 warnings\n"
    );
    let (code, _, err) = check_file(
        &format!(
            "{META}[terms]\n\"Ban Bí thư\" = \"Secretariat\"\n\"Luật\" = \"Law\"\n\"Bộ Công an\" = \"\"\n"
        ),
        &[],
    );
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "glossary check: 1 file(s), 2 valid entries: 1 error, 1 warning\n"
    );
}

#[test]
fn containment_is_a_note_counted_once_and_listed_with_verbose() {
    let text = format!(
        "{META}[terms]\n\"Bộ Công an\" = \"Ministry of Public Security\"\n\"Bộ trưởng Bộ Công an\" = \"Minister of Public Security\"\n\"Công an\" = \"police\"\n"
    );
    let (code, out, err) = check_file(&text, &[]);
    assert_eq!(code, 0);
    assert_eq!(out, "");
    assert_eq!(
        err,
        "glossary check: 1 file(s), 3 entries: 0 errors, 0 warnings; 2 terms inside longer terms, \
         where the longer one wins (--verbose lists them)\n"
    );
    let (code, out, err) = check_file(&text, &["--verbose"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "g.toml:5:1: note: `Bộ Công an` is contained in 1 longer entry (e.g. `Bộ trưởng Bộ Công an` at g.toml:6:1); the longer term wins where both match\n\
         g.toml:7:1: note: `Công an` is contained in 2 longer entries (e.g. `Bộ Công an` at g.toml:5:1); the longer term wins where both match\n"
    );
    // The global -v also names the configuration used.
    assert_eq!(
        err,
        "songngu: config: none found (searched the current folder and its parents); built-in defaults\n\
         glossary check: 1 file(s), 3 entries: 0 errors, 0 warnings\n"
    );
}

#[test]
fn shipped_glossary_checks_with_no_warning() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let (code, out, err) = songngu(&root, &["glossary", "check"], b"");
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out, "");
    assert!(err.contains(": 0 errors, 0 warnings"), "{err}");
}

fn text_strategy() -> impl Strategy<Value = String> {
    let words = vec![
        "Ban",
        "Bí",
        "thư",
        "Bi",
        "thu",
        "bộ",
        "Bộ",
        "Chính",
        "trị",
        "Ủy",
        "Uỷ",
        "viên",
        "Công",
        "an",
        "trưởng",
        "Chỉ",
        "Chị",
        "thị",
        "thi",
        "đường",
        "thủy",
        "thuỷ",
        "nội",
        "địa",
        "Kết",
        "luận",
        "số",
        "44-KL/TW",
        "khóa",
        "khoá",
        "XI",
        "ngày",
        "22/1/2019",
        "Luật",
        "luật",
        "pháp",
        "Hòa",
        "Hoà",
        "Bình",
        ",",
        ".",
        "\n",
    ];
    proptest::collection::vec(proptest::sample::select(words), 0..40).prop_map(|w| w.join(" "))
}

proptest! {
    #[test]
    fn hits_never_overlap_and_slice_to_their_text(text in text_strategy()) {
        let g = basic();
        let m = matcher(&g);
        let hits = m.find(&text).hits;
        for w in hits.windows(2) {
            prop_assert!(w[0].end <= w[1].start);
        }
        for h in &hits {
            prop_assert!(text.is_char_boundary(h.start) && text.is_char_boundary(h.end));
            prop_assert!(!h.text(&text).trim().is_empty());
        }
    }

    #[test]
    fn nfd_finds_the_same_entries_as_nfc(text in text_strategy()) {
        let g = basic();
        let m = matcher(&g);
        let nfd: String = text.nfd().collect();
        let a: Vec<_> = m.find(&text).hits.into_iter().map(|h| (h.entry, h.class)).collect();
        let b: Vec<_> = m.find(&nfd).hits.into_iter().map(|h| (h.entry, h.class)).collect();
        prop_assert_eq!(a, b);
    }
}

/// `glossary import` writes nothing that `glossary check` rejects and
/// drops no row silently: each bad row is named (file:line), conflicts name
/// both rows, nothing is written on error, and the count is true.
#[test]
fn import_never_writes_what_check_rejects() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let import =
        |file: &str, into: &str| songngu(d, &["glossary", "import", file, "--into", into], b"");
    // A quoted CSV cell with a tab, and a source `{`.
    std::fs::write(
        d.join("tab.csv"),
        "source,target\n\"Bộ\tCông an\",Ministry of Public Security\nBan Bí thư,Secretariat\n",
    )
    .unwrap();
    let (code, _, err) = import("tab.csv", "g.toml");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("tab.csv:2:1: error:") && err.contains("control character"),
        "{err}"
    );
    assert!(!d.join("g.toml").exists(), "nothing is written on error");
    std::fs::write(d.join("brace.tsv"), "Kết luận số {\tConclusion No. {\n").unwrap();
    let (code, _, err) = import("brace.tsv", "g.toml");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("brace.tsv:1:1: error: the source has a `{` that opens no slot"),
        "{err}"
    );
    assert!(!d.join("g.toml").exists());
    // Conflicting rows: exit 2 naming both, nothing written.
    std::fs::write(
        d.join("two.tsv"),
        "Ban Bí thư\tSecretariat\nBộ Y tế\tMinistry of Health\nBộ Y tế\tHealth Ministry\n",
    )
    .unwrap();
    let (code, _, err) = import("two.tsv", "g.toml");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("two.tsv:3:1: error: conflicting rows")
            && err.contains("two.tsv:2:1")
            && err.contains("Health Ministry")
            && err.contains("Ministry of Health"),
        "{err}"
    );
    assert!(!d.join("g.toml").exists());
    let (code, out, err) = songngu(d, &["glossary", "import", "two.tsv"], b"");
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    // An NFD target is stored in NFC; a repeated row is counted, not lost.
    let nfd: String = "Bộ Y tế\tMinistry of Health (Bộ Y tế)\n".nfd().collect();
    std::fs::write(
        d.join("ok.tsv"),
        format!("{nfd}Ban Bí thư\tSecretariat\nban bí thư\tSecretariat\n"),
    )
    .unwrap();
    let (code, _, err) = import("ok.tsv", "g.toml");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("imported 2 entries into g.toml (1 skipped: 0 already present with the same target, 1 duplicate row(s))"),
        "{err}"
    );
    let (code, out, err) = songngu(d, &["glossary", "check", "g.toml"], b"");
    assert_eq!(code, 0, "{out}{err}");
    // Into an existing file: a row that gives one of its terms another
    // target is a conflict naming the file's entry.
    std::fs::write(d.join("other.tsv"), "Bộ Y tế\tHealth Ministry\n").unwrap();
    let before = std::fs::read(d.join("g.toml")).unwrap();
    let (code, _, err) = import("other.tsv", "g.toml");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("other.tsv:1:1: error: conflicts with the glossary")
            && err.contains("g.toml:"),
        "{err}"
    );
    assert_eq!(std::fs::read(d.join("g.toml")).unwrap(), before);
}

/// A table with the wrong delimiter: one message naming the expected one
/// and the one the file seems to use, not an error per row.
#[test]
fn import_with_the_wrong_delimiter_says_so_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("terms.tsv"),
        "source,target\nBan Bí thư,Secretariat\nBộ Y tế,Ministry of Health\n",
    )
    .unwrap();
    let (code, _, err) = songngu(d, &["glossary", "import", "terms.tsv"], b"");
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.matches("error:").count(), 1, "{err}");
    assert!(
        err.contains(
            "terms.tsv:1:1: error: no row has a tab: a .tsv, .txt or .tab file is read as tab-separated, \
             but this file seems to use a comma (`,`) (3 of 3 row(s) have one)"
        ),
        "{err}"
    );
    std::fs::write(
        d.join("terms.csv"),
        "source;target\nBan Bí thư;Secretariat\n",
    )
    .unwrap();
    let (code, _, err) = songngu(d, &["glossary", "import", "terms.csv"], b"");
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.matches("error:").count(), 1, "{err}");
    assert!(
        err.contains(
            "a .csv file is read as comma-separated, but this file seems to use a semicolon (`;`)"
        ),
        "{err}"
    );
}

// ---- Issue 15: glossary precision (look-alikes, real words, pattern forms,
// document types that need their number, partial hits).

fn precision() -> Glossary {
    let (g, diags) = load_paths(&[fixtures().join("precision/glossary.toml")], ("vi", "en"));
    assert!(
        diags
            .iter()
            .all(|d| d.severity != songngu::glossary::Severity::Error),
        "{diags:?}"
    );
    g
}

/// (matched text, class, target) of every hit of `text`.
fn hits_of(m: &Matcher, text: &str) -> Vec<(String, &'static str, String)> {
    m.find(text)
        .hits
        .into_iter()
        .map(|h| {
            (
                h.text(text).to_owned(),
                h.class.name(),
                h.target.to_string(),
            )
        })
        .collect()
}

fn hit(text: &str, class: &'static str, target: &str) -> (String, &'static str, String) {
    (text.to_owned(), class, target.to_owned())
}

#[test]
fn real_words_that_fold_like_a_term_are_not_suspected_misspellings() {
    // `Thủ trưởng` (head of an agency) and `ra quân triệt phá` were both
    // flagged; the seed's typo `Chị thị` must stay flagged.
    let g = precision();
    let m = matcher(&g);
    assert_eq!(hits_of(&m, "Thủ trưởng các cơ quan ngang bộ"), []);
    assert_eq!(hits_of(&m, "Công an tỉnh ra quân triệt phá đường dây"), []);
    assert_eq!(
        hits_of(&m, "quán triệt Chị thị số 23-CT/TW"),
        [
            hit("quán triệt", "exact", "disseminate"),
            hit("Chị thị", "diacritic-mismatch", "Directive")
        ]
    );
    // Without a declared look-alike, the word list knows `Thủ trưởng` too.
    let mut g2 = g.clone();
    for e in &mut g2.entries {
        e.look_alikes.clear();
    }
    assert!(g2.entries.iter().any(|e| e.source == "Thứ trưởng"));
    assert_eq!(hits_of(&matcher(&g2), "Thủ trưởng các cơ quan"), []);
    // An editor's `suspect` list keeps its flag even on a listed word.
    let mut g3 = g.clone();
    let tt = g3
        .entries
        .iter_mut()
        .find(|e| e.source == "Thứ trưởng")
        .unwrap();
    tt.look_alikes.clear();
    tt.suspect = vec!["Thủ trưởng".into()];
    assert_eq!(
        hits_of(&matcher(&g3), "Thủ trưởng các cơ quan"),
        [hit("Thủ trưởng", "suspect", "Deputy Minister")]
    );
}

#[test]
fn a_declared_look_alike_is_never_reported_as_a_misspelling() {
    // `Chì thì` is no listed word: only the declaration stops the flag.
    let mut e = songngu::glossary::Entry::term("Chỉ thị", "Directive");
    let g = Glossary {
        entries: vec![e.clone()],
        files: Vec::new(),
    };
    assert_eq!(
        hits_of(&matcher(&g), "ghi Chì thì mới"),
        [hit("Chì thì", "diacritic-mismatch", "Directive")]
    );
    e.look_alikes = vec!["Chì thì".into()];
    let g = Glossary {
        entries: vec![e],
        files: Vec::new(),
    };
    let m = matcher(&g);
    assert_eq!(hits_of(&m, "ghi Chì thì mới"), []);
    assert_eq!(
        hits_of(&m, "ghi Chị thị mới"),
        [hit("Chị thị", "diacritic-mismatch", "Directive")]
    );
}

#[test]
fn pattern_forms_spaced_hyphen_lists_and_ordinals_inside_a_term() {
    let g = precision();
    let m = matcher(&g);
    let text = "Nghị quyết số 79 - NQ/TW và Nghị quyết 79, 80 được Quốc hội khoá XIV \
                bàn tại Đại hội đại biểu toàn quốc lần thứ XIII của Đảng.";
    assert_eq!(
        hits_of(&m, text),
        [
            hit(
                "Nghị quyết số 79 - NQ/TW",
                "exact",
                "Resolution No. 79-NQ/TW"
            ),
            hit("Nghị quyết 79, 80", "exact", "Resolutions Nos. 79 and 80"),
            hit(
                "Quốc hội khoá XIV",
                "tone-variant",
                "14th National Assembly"
            ),
            hit(
                "Đại hội đại biểu toàn quốc lần thứ XIII của Đảng",
                "exact",
                "13th National Party Congress"
            ),
        ]
    );
    // No pattern-unparsed warning for any of them.
    assert_eq!(m.find(text).misses, []);
    // The en dash and a list with `và` too.
    assert_eq!(
        hits_of(&m, "Nghị quyết 18 – NQ/TW, Nghị quyết 18, 19 và 20."),
        [
            hit("Nghị quyết 18 – NQ/TW", "exact", "Resolution No. 18-NQ/TW"),
            hit(
                "Nghị quyết 18, 19 và 20",
                "exact",
                "Resolutions Nos. 18, 19 and 20"
            ),
        ]
    );
}

#[test]
fn document_types_need_their_number() {
    let g = precision();
    let m = matcher(&g);
    // A verb, no document: report-only.
    assert_eq!(
        hits_of(&m, "Sau khi Kết luận phiên họp, ông nói."),
        [hit("Kết luận", "unnumbered", "Conclusion")]
    );
    assert_eq!(
        hits_of(&m, "ký Chỉ thị."),
        [hit("Chỉ thị", "unnumbered", "Directive")]
    );
    // A number, a code, a capitalised name: the document type.
    assert_eq!(
        hits_of(&m, "Luật số 45/2019/QH14 và Kết luận 44-KL/TW"),
        [
            hit("Luật", "exact", "Law"),
            hit("Kết luận", "exact", "Conclusion")
        ]
    );
    assert_eq!(
        hits_of(&m, "theo Nghị quyết “Về phát triển”"),
        [hit("Nghị quyết", "exact", "Resolution")]
    );
    // Report-only: never replaced, never verified.
    let text = "Kết luận phiên họp";
    let hits = m.find(text).hits;
    assert_eq!(replace(text, &hits, m.entries()), text);
    let v = Verifier::new(m.entries());
    assert!(
        v.verify(&hits, m.entries(), "Closing the session")
            .is_empty()
    );
}

#[test]
fn partial_hits_are_report_only_and_never_replaced() {
    let g = precision();
    let m = matcher(&g);
    let text = "Phó Chủ tịch Quốc hội và Phó Thủ tướng Chính phủ nói về Luật Đất đai.";
    assert_eq!(
        hits_of(&m, text),
        [
            hit(
                "Chủ tịch Quốc hội",
                "partial",
                "Chairman of the National Assembly"
            ),
            hit("Phó Thủ tướng", "partial", "Deputy Prime Minister"),
            hit("Chính phủ", "partial", "Government"),
            hit("Luật", "partial", "Law"),
        ]
    );
    let hits = m.find(text).hits;
    assert_eq!(replace(text, &hits, m.entries()), text);
    let v = Verifier::new(m.entries());
    assert!(
        v.verify(&hits, m.entries(), "The Vice Chairwoman spoke.")
            .is_empty()
    );
    // The other modifiers, a title followed by a person's name (confident),
    // and a verb followed by a document's name (confident).
    for modifier in ["Quyền", "quyền", "Thứ"] {
        let t = format!("{modifier} Chủ tịch Quốc hội phát biểu");
        assert_eq!(m.find(&t).hits[0].class, HitClass::Partial, "{t}");
    }
    // `nguyên`/`cố` (former, late) leave the title as it is (audit 3,
    // finding 12): the translator adds "former".
    for modifier in ["Nguyên", "nguyên", "cố"] {
        let t = format!("{modifier} Chủ tịch Quốc hội phát biểu");
        assert_eq!(m.find(&t).hits[0].class, HitClass::Exact, "{t}");
    }
    assert_eq!(
        hits_of(&m, "chính quyền Chủ tịch Quốc hội"),
        [hit(
            "Chủ tịch Quốc hội",
            "exact",
            "Chairman of the National Assembly"
        )]
    );
    assert_eq!(
        hits_of(&m, "Đại tướng Tô Lâm và Thủ tướng Phạm Minh Chính"),
        [
            hit("Đại tướng", "exact", "General"),
            hit("Tô Lâm", "exact", "To Lam"),
            hit("Thủ tướng", "exact", "Prime Minister"),
        ]
    );
    assert_eq!(
        hits_of(&m, "quán triệt Chỉ thị 05-CT/TW"),
        [
            hit("quán triệt", "exact", "disseminate"),
            hit("Chỉ thị 05-CT/TW", "exact", "Directive No. 05-CT/TW")
        ]
    );
}

#[test]
fn look_alikes_and_needs_load_in_both_forms_and_bad_needs_is_located() {
    let g = precision();
    let by = |s: &str| g.entries.iter().find(|e| e.source == s).unwrap();
    assert_eq!(by("Thứ trưởng").look_alikes, ["Thủ trưởng"]);
    assert_eq!(by("Kết luận").needs, Some(songngu::glossary::Needs::Number));
    assert_eq!(by("Luật").needs, Some(songngu::glossary::Needs::Number));
    assert_eq!(by("Quốc hội").needs, None);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("g.toml"),
        "[meta]\nsource_lang = \"vi\"\ntarget_lang = \"en\"\n\n[terms]\n\
         \"Kết luận\" = { target = \"Conclusion\", needs = \"digits\" }\n\n\
         [[entry]]\nsource = \"Thứ trưởng\"\ntarget = \"Deputy Minister\"\n\
         look_alikes = [\"Bộ trưởng\"]\n",
    )
    .unwrap();
    let (code, out, err) = songngu(dir.path(), &["glossary", "check", "g.toml"], b"");
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        out.contains("g.toml:6:47: error: unknown `needs` value `digits`"),
        "{out}"
    );
    assert!(
        out.contains("warning: look-alike `Bộ trưởng` does not fold like `Thứ trưởng`"),
        "{out}"
    );
}

/// Runs `songngu run article.txt` (replace mode) in a copy of the fixture
/// `name`: the folder, the JSONL text and its segments.
fn run_fixture(name: &str) -> (tempfile::TempDir, String, Vec<serde_json::Value>) {
    let src = fixtures().join(name);
    let dir = tempfile::tempdir().unwrap();
    for f in ["glossary.toml", "config.toml", "article.txt"] {
        std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
    }
    let (code, _, err) = songngu(dir.path(), &["run", "article.txt", "-o", "out", "-q"], b"");
    assert_eq!(code, 0, "{err}");
    let jsonl = std::fs::read_to_string(dir.path().join("out/article.jsonl")).unwrap();
    let segs = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (dir, jsonl, segs)
}

#[test]
fn cli_run_replace_mode_keeps_partial_and_unnumbered_hits_out_of_the_draft() {
    let (_dir, _, segs) = run_fixture("precision");
    let targets: Vec<&str> = segs.iter().map(|s| s["target"].as_str().unwrap()).collect();
    assert_eq!(
        targets,
        [
            "Thủ trưởng các cơ quan ngang bộ disseminate Chị thị số 23-CT/TW.",
            "Công an tỉnh ra quân triệt phá đường dây; Thứ trưởng Bộ Công an chủ trì.",
            "Resolution No. 79-NQ/TW và Resolutions Nos. 79 and 80 được 14th National Assembly \
             bàn tại 13th National Party Congress.",
            "Sau khi Kết luận phiên họp, Phó Chủ tịch Quốc hội và Phó Thủ tướng Chính phủ nói \
             về Luật Đất đai.",
            "General To Lam ký Chỉ thị và Law số 45/2019/QH14 theo Conclusion 44-KL/TW.",
        ]
    );
    // One flag in the whole article: the seed's real typo.
    let flags: Vec<(&str, &str)> = segs
        .iter()
        .flat_map(|s| s["flags"].as_array().unwrap())
        .map(|f| (f["code"].as_str().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert_eq!(flags[0].0, "suspected-misspelling");
    assert!(flags[0].1.contains("`Chị thị`"), "{flags:?}");
    // The new classes are in the JSONL `terms`.
    let classes: Vec<&str> = segs
        .iter()
        .flat_map(|s| s["terms"].as_array().unwrap())
        .map(|t| t["class"].as_str().unwrap())
        .collect();
    assert_eq!(classes.iter().filter(|c| **c == "partial").count(), 6);
    assert_eq!(classes.iter().filter(|c| **c == "unnumbered").count(), 2);
}

/// A glossary written for `vi` → `en` serves `--to en-GB` (and `--from
/// vi-VN`) when none is written for those tags (RFC 4647 lookup), and only
/// then: a file for the exact pair wins, and another language never serves.
#[test]
fn a_glossary_for_a_language_serves_its_regional_variants() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("g")).unwrap();
    std::fs::write(
        d.join("g/vi-en.toml"),
        "[meta]\nsource_lang = \"vi\"\ntarget_lang = \"en\"\n[terms]\n\"Ban Bí thư\" = \"Secretariat\"\n",
    )
    .unwrap();
    std::fs::write(d.join("a.txt"), "Ban Bí thư họp.\n").unwrap();
    let targets = |args: &[&str]| -> Vec<String> {
        let out = d.join("out");
        let _ = std::fs::remove_dir_all(&out);
        let mut all = vec![
            "run",
            "a.txt",
            "--glossary",
            "g",
            "-o",
            "out",
            "--format",
            "jsonl",
        ];
        all.extend_from_slice(args);
        let (code, _, err) = songngu(d, &all, b"");
        assert_eq!(code, 0, "{err}");
        let line = std::fs::read_to_string(out.join("a.jsonl")).unwrap();
        let v: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
        v["terms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["target"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(targets(&["--to", "en-GB"]), ["Secretariat"]);
    assert_eq!(
        targets(&["--from", "vi-VN", "--to", "en-gb"]),
        ["Secretariat"]
    );
    assert!(targets(&["--to", "de"]).is_empty());
    // A file for the exact pair wins over the broader one.
    std::fs::write(
        d.join("g/vi-en-GB.toml"),
        "[meta]\nsource_lang = \"vi\"\ntarget_lang = \"en-GB\"\n[terms]\n\"Ban Bí thư\" = \"Secretariat (UK)\"\n",
    )
    .unwrap();
    assert_eq!(targets(&["--to", "en-GB"]), ["Secretariat (UK)"]);
    assert_eq!(targets(&["--to", "en"]), ["Secretariat"]);
}

/// Audit 3 (findings 2–7, 9, 12) through `run` in replace mode: no term
/// inside a document code, no hit that ends inside a word or sits under the
/// head of a longer name is replaced, dashes compare alike, people's names
/// and an unaccented place are no misspelt terms, a province named like a
/// person continues a title, `nguyên`/`cố` keep a title, no false
/// `pattern-unparsed`, and a heading in capitals is no number.
#[test]
fn cli_run_reads_each_hit_in_its_context() {
    let (dir, jsonl, segs) = run_fixture("context");
    let drafts = segs.iter().map(|s| s["target"].as_str().unwrap());
    assert_eq!(
        drafts.collect::<Vec<_>>(),
        [
            "HƯỚNG DẪN THI HÀNH LUẬT",
            "Xét Tờ trình số 45/TTr-HĐND của Thường trực People's Council tỉnh và Công văn \
             305/UBND-KT.",
            "Đại hội Đảng bộ phường Tân Mỹ lần thứ I bầu ông Lò Văn Páo, Tỉnh ủy viên, làm \
             Secretary.",
            "Tỉnh Ba Ria - Vung Tau cũ, trường mầm non Lê Thị Trân và bị cáo Đinh Công Diện ở \
             thành phố Nha Trang.",
            "Bí thư Tỉnh ủy Đồng Tháp và Chủ tịch Ho Chi Minh; Ban Chấp hành Đảng bộ tỉnh họp \
             tại Nhà Quốc hội.",
            "Nguyên General Secretary và cố State President dự Đại hội Thi đua quyết thắng lần \
             thứ II.",
        ]
    );
    let classes: Vec<Vec<(&str, &str)>> = segs
        .iter()
        .map(|s| {
            s["terms"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| (t["text"].as_str().unwrap(), t["class"].as_str().unwrap()))
                .collect()
        })
        .collect();
    assert_eq!(
        classes,
        [
            vec![("HƯỚNG DẪN", "unnumbered")],
            vec![("HĐND", "exact")],
            vec![
                ("Đại hội Đảng", "partial"),
                ("Tỉnh ủy", "partial"),
                ("Bí thư", "exact")
            ],
            vec![("Bà Rịa – Vũng Tàu", "exact")],
            vec![
                ("Bí thư Tỉnh ủy", "partial"),
                ("Đồng Tháp", "partial"),
                ("Hồ Chí Minh", "exact"),
                ("Đảng bộ tỉnh", "partial"),
                ("Quốc hội", "partial")
            ],
            vec![("Tổng Bí thư", "exact"), ("Chủ tịch nước", "exact")],
        ]
    );
    // No `suspected-misspelling`, no `pattern-unparsed`.
    assert!(
        segs.iter()
            .all(|s| s["flags"].as_array().unwrap().is_empty()),
        "{jsonl}"
    );
    // The same through `glossary find --json`: no hit inside the codes.
    let find: Vec<&str> = "glossary find --json --glossary glossary.toml -"
        .split(' ')
        .collect();
    let text = "Số: 17/2024/NQ-HĐND và 8/TTr-UBND; Quốc hội đồng ý.";
    let (code, out, err) = songngu(dir.path(), &find, text.as_bytes());
    assert_eq!(code, 0, "{err}");
    let found: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(found.len(), 1, "{out}");
    assert_eq!(found[0]["text"], "Quốc hội");
    assert_eq!(found[0]["class"], "exact");
}

/// Audit 4, E1: a one-word term in capitals (`HĐXX`) matches only itself
/// under the default `permissive` case, so `glossary check` does not warn
/// that it may match ordinary words; it does when the entry or the
/// configuration makes the case `insensitive`. A one-word term with a
/// lower-case letter is still warned about.
#[test]
fn capitals_warn_as_single_syllables_only_under_insensitive_case() {
    let text = format!(
        "{META}[terms]\n\"HĐXX\" = \"trial panel\"\n\"Huế\" = \"Hue\"\n\"BLHS\" = {{ target = \"Penal Code\", case = \"insensitive\" }}\n"
    );
    let (code, out, err) = check_file(&text, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("`HĐXX`"), "{out}");
    assert!(
        out.contains("g.toml:6:1: warning: `Huế` is a single syllable"),
        "{out}"
    );
    assert!(
        out.contains("g.toml:7:1: warning: `BLHS` is a single syllable in capitals, and under case = \"insensitive\""),
        "{out}"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("g.toml"), &text).unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "[glossary]\ncase = \"insensitive\"\n",
    )
    .unwrap();
    let (code, out, err) = songngu(dir.path(), &["glossary", "check", "g.toml"], b"");
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("g.toml:5:1: warning: `HĐXX` is a single syllable in capitals"),
        "{out}"
    );
    assert_eq!(out.matches("`BLHS`").count(), 1, "{out}");
}

/// Audit 4, C1–C4 through the binary: titles before a country or a foreign
/// name stay exact; `số` before a number is the number's and the type is
/// numbered after its issuer; a quantity is no document number; a longer
/// term across a hit's end makes it partial.
#[test]
fn cli_find_reads_titles_issuers_quantities_and_crossing_terms() {
    let dir = tempfile::tempdir().unwrap();
    let glossary = format!(
        "{META}[terms]\n\"Tổng thống\" = \"President\"\n\"Chính phủ\" = \"Government\"\n\"Chính phủ số\" = \"digital government\"\n\"Nghị quyết\" = {{ target = \"Resolution\", needs = \"number\" }}\n\"Kế hoạch\" = {{ target = \"Plan\", needs = \"number\" }}\n\"Tòa án nhân dân thành phố\" = \"municipal People's Court\"\n\"Thành phố Hồ Chí Minh\" = \"Ho Chi Minh City\"\n\"Hồ Chí Minh\" = \"Ho Chi Minh\"\n"
    );
    std::fs::write(dir.path().join("g.toml"), glossary).unwrap();
    let text = "Tổng thống Nga Ivan Petrov gặp Tổng thống Lee.\nNghị quyết của Chính phủ số 01/NQ-CP.\nKế hoạch 21 điểm.\nTòa án nhân dân Thành phố Hồ Chí Minh xử.\n";
    let (code, out, err) = songngu(
        dir.path(),
        &["glossary", "find", "--glossary", "g.toml", "-"],
        text.as_bytes(),
    );
    assert_eq!(code, 0, "{err}");
    let classes: Vec<(&str, &str)> = out
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split("  ").collect();
            (f[1], f[2])
        })
        .collect();
    assert_eq!(
        classes,
        [
            ("exact", "Tổng thống"),
            ("exact", "Tổng thống"),
            ("exact", "Nghị quyết"),
            ("exact", "Chính phủ"),
            ("unnumbered", "Kế hoạch"),
            ("partial", "Tòa án nhân dân Thành phố"),
            ("partial", "Hồ Chí Minh"),
        ],
        "{out}"
    );
    assert!(!err.contains("pattern-unparsed"), "{err}");
}
