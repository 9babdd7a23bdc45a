//! `songngu tm import` stores what a human reviewed, for the language pair
//! it was reviewed in, and never a cut or emptied target: a run's own
//! untouched glossary drafts are no corrections; each row keeps its pair
//! (an XLIFF `<file>`'s, the review page's export line's, `--from/--to`,
//! else the configured one, named in the summary); XML references that
//! stand for no text, and TSV cells a typed tab or a line break would cut,
//! are refused with their location; a spreadsheet's quoting is read; rows
//! repeating a source are counted; tags a file states are checked.

mod common;

use std::path::Path;

use common::songngu;

const GLOSSARY: &str = "[meta]\nsource_lang = \"vi\"\ntarget_lang = \"en\"\n\n[terms]\n\
    \"Ban Bí thư\" = \"Secretariat\"\n\"Bộ Công an\" = \"Ministry of Public Security\"\n";

const ARTICLE: &str =
    "Ban Bí thư họp.\n\nBộ Công an triển khai Chỉ thị.\n\nCâu ba không có thuật ngữ.\n";

/// A folder with a glossary, a config in `replace` mode, an article and a
/// run of it into `out`.
fn drafted() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("vi-en.toml"), GLOSSARY).unwrap();
    std::fs::write(
        d.join("config.toml"),
        "[glossary]\npaths = [\"vi-en.toml\"]\nmodes = [\"annotate\", \"replace\", \"verify\"]\n\
         [tm]\npath = \"tm.sqlite\"\n",
    )
    .unwrap();
    std::fs::write(d.join("bai.txt"), ARTICLE).unwrap();
    let (code, _, err) = songngu(d, &["run", "bai.txt", "-o", "out", "-q"], b"");
    assert_eq!(code, 0, "{err}");
    dir
}

fn import(dir: &Path, args: &[&str]) -> (i32, String) {
    let mut all = vec!["tm", "import"];
    all.extend_from_slice(args);
    let (code, _, err) = songngu(dir, &all, b"");
    (code, err)
}

/// `tm corrections` as (source, target) pairs.
fn stored(dir: &Path) -> Vec<(String, String)> {
    let (code, out, err) = songngu(dir, &["tm", "corrections"], b"");
    assert_eq!(code, 0, "{err}");
    out.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[4].to_owned(), f[5].to_owned())
        })
        .collect()
}

/// `(source_lang, target_lang, source, target)` of every stored correction.
fn stored_pairs(dir: &Path) -> Vec<(String, String, String, String)> {
    let db = rusqlite::Connection::open(dir.join("tm.sqlite")).unwrap();
    let mut st = db
        .prepare("SELECT source_lang, target_lang, source, target FROM human ORDER BY rowid")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_runs_untouched_glossary_drafts_are_no_corrections_and_edits_are() {
    let dir = drafted();
    let d = dir.path();
    let jsonl = std::fs::read_to_string(d.join("out/bai.jsonl")).unwrap();
    assert!(jsonl.contains(r#""target":"Secretariat họp.","origin":"glossary""#));
    for f in ["out/bai.jsonl", "out/bai.tsv", "out/bai.xlf"] {
        let (code, err) = import(d, &[f]);
        assert_eq!(code, 0, "{err}");
        assert!(
            err.contains("imported 0 correction(s) into tm.sqlite; 3 row(s) skipped: 0 unchanged")
                && err.contains(", 3 unchanged glossary draft(s)"),
            "{f}: {err}"
        );
        assert!(
            err.contains(
                "  language pair: vi->en (from the config's [languages]: the file names no pair"
            ) || (f.ends_with(".xlf")
                && err.contains("  language pair: vi->en (as the file states): 0 stored")),
            "{f}: {err}"
        );
    }
    assert!(!d.join("tm.sqlite").exists() || stored(d).is_empty());
    // An edited target whose origin was left `glossary`, in each format;
    // and in the JSONL an untouched draft marked reviewed (origin human).
    let edited = jsonl
        .replace(
            r#""target":"Secretariat họp.","origin":"glossary""#,
            r#""target":"The Secretariat met.","origin":"glossary""#,
        )
        .replace(
            r#""target":"Câu ba không có thuật ngữ.","origin":"glossary""#,
            r#""target":"Câu ba không có thuật ngữ.","origin":"human""#,
        );
    std::fs::write(d.join("edited.jsonl"), edited).unwrap();
    let (code, err) = import(d, &["edited.jsonl"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("imported 2 correction(s) into tm.sqlite; 1 row(s) skipped")
            && err.contains("1 unchanged glossary draft(s)")
            && err.contains("vi->en (from the config's [languages]")
            && err.contains("): 2 stored"),
        "{err}"
    );
    let tsv = std::fs::read_to_string(d.join("out/bai.tsv"))
        .unwrap()
        .replace(
            "\tMinistry of Public Security triển khai Chỉ thị.\tglossary",
            "\tThe Ministry of Public Security issued the directive.\tglossary",
        );
    std::fs::write(d.join("edited.tsv"), tsv).unwrap();
    let (code, err) = import(d, &["edited.tsv"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("imported 1 correction(s)"), "{err}");
    assert_eq!(
        stored(d),
        [
            ("Ban Bí thư họp.".into(), "The Secretariat met.".into()),
            (
                "Câu ba không có thuật ngữ.".into(),
                "Câu ba không có thuật ngữ.".into()
            ),
            (
                "Bộ Công an triển khai Chỉ thị.".into(),
                "The Ministry of Public Security issued the directive.".into()
            ),
        ]
    );
    // XLIFF: a draft approved as it is is a correction.
    let xlf = std::fs::read_to_string(d.join("out/bai.xlf")).unwrap();
    let first = xlf.find("approved=\"no\"").unwrap();
    let approved = format!(
        "{}approved=\"yes\"{}",
        &xlf[..first],
        &xlf[first + "approved=\"no\"".len()..]
    );
    std::fs::write(d.join("approved.xlf"), approved).unwrap();
    let (code, err) = import(d, &["approved.xlf"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("imported 1 correction(s)") && err.contains("2 unchanged glossary draft(s)"),
        "{err}"
    );
    // The next run uses the three corrections; the approved draft too.
    let (code, _, err) = songngu(d, &["run", "bai.txt", "-o", "out2"], b"");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("  3 human correction(s) applied"), "{err}");
}

#[test]
fn each_row_is_stored_for_its_language_pair() {
    let dir = drafted();
    let d = dir.path();
    // The review page's export names its page's pair on every line.
    let export = [
        serde_json::json!({"id": "bai:0000", "doc": "bai", "source": "Ban Bí thư họp.",
            "target": "Le Secrétariat s'est réuni.", "origin": "human", "status": "approved",
            "comment": "", "replaces": null, "source_lang": "vi", "target_lang": "fr"}),
        serde_json::json!({"id": "bai:0001", "doc": "bai", "source": "Bộ Công an triển khai Chỉ thị.",
            "target": "The Ministry of Public Security issued the directive.", "origin": "human",
            "status": "approved", "comment": "", "replaces": null, "source_lang": "vi",
            "target_lang": "en-GB"}),
    ]
    .map(|v| v.to_string() + "\n")
    .concat();
    std::fs::write(d.join("bai.corrections.jsonl"), export).unwrap();
    let (code, err) = import(d, &["bai.corrections.jsonl"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "  language pair: vi->fr (as the file states): 1 stored; vi->en-GB (as the file states): 1 stored"
        ),
        "{err}"
    );
    // Each `<file>` of an XLIFF keeps its own pair.
    let unit = |id: &str, source: &str, target: &str| {
        format!(
            "<trans-unit id=\"{id}\"><source>{source}</source><target state=\"translated\">{target}</target></trans-unit>"
        )
    };
    let xlf = format!(
        "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">\n\
         <file original=\"a\" source-language=\"vi\" target-language=\"en\" datatype=\"plaintext\"><body>\n{}\n</body></file>\n\
         <file original=\"b\" source-language=\"vi\" target-language=\"fr\" datatype=\"plaintext\"><body>\n{}\n</body></file>\n</xliff>\n",
        unit("1", "Câu một.", "Sentence one."),
        unit("2", "Câu hai.", "Phrase deux.")
    );
    std::fs::write(d.join("m.xlf"), xlf).unwrap();
    let (code, err) = import(d, &["m.xlf"]);
    assert_eq!(code, 0, "{err}");
    // `--to` sets the pair of a file that names none (a run's TSV of a
    // `--to fr` run), and overrides one the file states.
    std::fs::write(
        d.join("fr.tsv"),
        "id\tkind\tsource\tascii\ttarget\torigin\tterms\tflags\n\
         bai:0002\ttext\tCâu ba không có thuật ngữ.\tCau ba\tTroisième phrase.\thuman\t\t\n",
    )
    .unwrap();
    let (code, err) = import(d, &["fr.tsv", "--to", "fr"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("  language pair: vi->fr (from --from/--to): 1 stored"),
        "{err}"
    );
    assert_eq!(
        stored_pairs(d),
        [
            (
                "vi".into(),
                "fr".into(),
                "Ban Bí thư họp.".into(),
                "Le Secrétariat s'est réuni.".into()
            ),
            (
                "vi".into(),
                "en-GB".into(),
                "Bộ Công an triển khai Chỉ thị.".into(),
                "The Ministry of Public Security issued the directive.".into()
            ),
            (
                "vi".into(),
                "en".into(),
                "Câu một.".into(),
                "Sentence one.".into()
            ),
            (
                "vi".into(),
                "fr".into(),
                "Câu hai.".into(),
                "Phrase deux.".into()
            ),
            (
                "vi".into(),
                "fr".into(),
                "Câu ba không có thuật ngữ.".into(),
                "Troisième phrase.".into()
            ),
        ]
    );
    // A French correction is not used by an English run.
    let (code, _, err) = songngu(d, &["run", "bai.txt", "-o", "en", "-q"], b"");
    assert_eq!(code, 0, "{err}");
    let en = std::fs::read_to_string(d.join("en/bai.jsonl")).unwrap();
    assert!(!en.contains("\"origin\":\"human\""), "{en}");
    let (code, _, err) = songngu(d, &["run", "bai.txt", "-o", "fr", "--to", "fr"], b"");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("  2 human correction(s) applied"), "{err}");
    // Bad flags and a tag a file states that is no language tag: exit 2,
    // located, nothing stored.
    let (code, err) = import(d, &["fr.tsv", "--to", "fr/../x"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--to `fr/../x` is not a language code"),
        "{err}"
    );
    std::fs::write(
        d.join("l.xlf"),
        "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">\n\
         <file original=\"a\" source-language=\"vi\" target-language=\"../../etc/x&#10;&lt;y&gt;\" datatype=\"plaintext\"><body>\n\
         <trans-unit id=\"1\"><source>Câu bốn.</source><target state=\"translated\">Four.</target></trans-unit>\n</body></file>\n</xliff>\n",
    )
    .unwrap();
    let (code, err) = import(d, &["l.xlf"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("l.xlf:3: error: the target language `../../etc/x")
            && err.contains("is not a language code")
            && err.contains("(nothing was imported)"),
        "{err}"
    );
    assert_eq!(stored_pairs(d).len(), 5);
}

#[test]
fn references_that_stand_for_no_text_are_refused_where_they_are() {
    let dir = drafted();
    let d = dir.path();
    let xlf = |target: &str| {
        format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE xliff [ <!ENTITY ent \"Minister\"> <!ENTITY xxe SYSTEM \"file:///etc/hostname\"> ]>\n\
             <xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\"><file original=\"a\" source-language=\"vi\" target-language=\"en\" datatype=\"plaintext\"><body>\n\
             <trans-unit id=\"1\"><source>Ông Bộ trưởng phát biểu.</source><target state=\"translated\">{target}</target></trans-unit>\n\
             </body></file></xliff>\n"
        )
    };
    for (target, reference, column) in [
        ("The &ent; spoke.", "&ent;", 92),
        ("He read &xxe;.", "&xxe;", 96),
        ("Sentence &#X41; two.", "&#X41;", 97),
        ("Nul &#0; here.", "&#0;", 92),
        ("Half &#xD800; of a pair.", "&#xD800;", 93),
        ("Past &#1114112; the end.", "&#1114112;", 93),
        ("Undeclared &nbsp; entity.", "&nbsp;", 99),
    ] {
        std::fs::write(d.join("x.xlf"), xlf(target)).unwrap();
        let (code, err) = import(d, &["x.xlf"]);
        assert_eq!(code, 2, "{target}: {err}");
        assert!(
            err.contains(&format!(
                "x.xlf:4:{column}: error: the reference `{reference}` stands for no text XLIFF may hold here"
            )) && err.contains("nothing was imported"),
            "{target}: {err}"
        );
        assert!(!d.join("tm.sqlite").exists(), "nothing was stored");
    }
    // What XML defines reads as before.
    std::fs::write(
        d.join("x.xlf"),
        xlf("The &#x4D;inister &amp; &#77;e &lt;spoke&gt; &quot;&apos;"),
    )
    .unwrap();
    let (code, err) = import(d, &["x.xlf"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        stored(d),
        [(
            "Ông Bộ trưởng phát biểu.".into(),
            "The Minister & Me <spoke> \"'".into()
        )]
    );
}

#[test]
fn tsv_cells_are_read_as_a_spreadsheet_quotes_them_or_refused_when_cut() {
    let dir = drafted();
    let d = dir.path();
    let header = "id\tkind\tsource\tascii\ttarget\torigin\tterms\tflags\n";
    std::fs::write(
        d.join("s.tsv"),
        format!(
            "{header}d:0\ttext\tCâu một.\tCau mot.\t\"He said \"\"hi\"\"\"\thuman\t\t\n\
             d:1\ttext\tCâu ba.\tCau ba.\t\"Line one\nline two\"\thuman\t\t\n\
             d:2\ttext\tCâu hai.\tCau hai.\t\"Two\tcells\"\thuman\t\t\n\
             d:3\ttext\tCâu bốn.\tCau bon.\t\"Quoted\" as run wrote it\thuman\t\t\n\
             d:4\ttext\tCâu năm.\tCau nam.\t\"Quoted whole\"\thuman\t\t\n"
        ),
    )
    .unwrap();
    let (code, err) = import(d, &["s.tsv"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("imported 5 correction(s)"), "{err}");
    assert_eq!(
        stored(d),
        [
            ("Câu một.".into(), "He said \"hi\"".into()),
            ("Câu ba.".into(), "Line one\\nline two".into()),
            ("Câu hai.".into(), "Two\\tcells".into()),
            ("Câu bốn.".into(), "\"Quoted\" as run wrote it".into()),
            ("Câu năm.".into(), "\"Quoted whole\"".into()),
        ]
    );
    // A file whose every cell a spreadsheet quoted.
    std::fs::write(
        d.join("q.tsv"),
        "\"id\"\t\"kind\"\t\"source\"\t\"target\"\t\"origin\"\n\
         \"d:5\"\t\"text\"\t\"Câu sáu.\"\t\"Six\"\t\"human\"\n",
    )
    .unwrap();
    let (code, err) = import(d, &["q.tsv"]);
    assert_eq!(code, 0, "{err}");
    assert!(stored(d).contains(&("Câu sáu.".into(), "Six".into())));
    // A typed tab that pushes the target's end into the next columns, and
    // a quote that never closes: refused where they are, nothing stored.
    for (body, line, why) in [
        (
            "d:6\ttext\tCâu bảy.\tCau bay.\tPart one\tpart two after a typed tab\t\t\n",
            2,
            "the origin cell holds `part two after a typed tab`, which is no origin",
        ),
        (
            "d:6\ttext\tCâu bảy.\tCau bay.\tPart one\tthree\thuman\t\t\tx\n",
            2,
            "this row has 10 cells and the header 8",
        ),
        (
            "d:0\ttext\tCâu một.\tCau mot.\tOne\thuman\t\t\nd:6\ttext\tCâu bảy.\tCau bay.\t\"Line one\n",
            3,
            "a cell opens a quote `\"` that never closes",
        ),
    ] {
        std::fs::write(d.join("bad.tsv"), format!("{header}{body}")).unwrap();
        let before = stored(d);
        let (code, err) = import(d, &["bad.tsv"]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains(&format!("bad.tsv:{line}: error: {why}"))
                && err.contains("nothing was imported"),
            "{err}"
        );
        assert_eq!(stored(d), before);
    }
}

#[test]
fn rows_repeating_a_source_store_the_last_and_say_so() {
    let dir = drafted();
    let d = dir.path();
    std::fs::write(
        d.join("dup.tsv"),
        "id\tkind\tsource\tascii\ttarget\torigin\tterms\tflags\n\
         d:0\ttext\tCâu tám.\tCau tam.\tEight A\thuman\t\t\n\
         d:1\ttext\tCâu chín.\tCau chin.\tNine\thuman\t\t\n\
         d:2\ttext\tCâu tám.\tCau tam.\tEight B\thuman\t\t\n",
    )
    .unwrap();
    let (code, err) = import(d, &["dup.tsv"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("imported 2 correction(s) into tm.sqlite; 1 row(s) skipped")
            && err.contains(
                ", 1 repeating a source a later row of the file corrects too (the last row is stored)"
            )
            && err.contains("): 2 stored"),
        "{err}"
    );
    assert_eq!(
        stored(d),
        [
            ("Câu chín.".into(), "Nine".into()),
            ("Câu tám.".into(), "Eight B".into())
        ]
    );
}

/// The review page keeps saved edits under a key that holds the language
/// pair, and its export names the pair on every line: the `--to en` and
/// `--to fr` pages of one article (offline, no glossary: the same
/// segments, targets and hash) share no saved edit, and each export is
/// stored for its own pair. (A Chromium run of this needs Playwright;
/// here the page's data and script are checked.)
#[test]
fn the_review_page_keeps_and_exports_edits_per_language_pair() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("config.toml"), "[glossary]\npaths = []\n").unwrap();
    std::fs::write(d.join("bai.txt"), "Ban Bí thư họp.\n").unwrap();
    let data = |out: &str, to: &str| {
        let (code, _, err) = songngu(
            d,
            &[
                "run", "bai.txt", "-o", out, "--to", to, "-q", "--format", "html",
            ],
            b"",
        );
        assert_eq!(code, 0, "{err}");
        let page = std::fs::read_to_string(d.join(out).join("bai.html")).unwrap();
        let start = page.find("id=\"songngu-data\">").unwrap() + "id=\"songngu-data\">".len();
        let end = start + page[start..].find("</script>").unwrap();
        let v: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
        (page, v)
    };
    let (en_page, en) = data("out-en", "en");
    let (fr_page, fr) = data("out-fr", "fr");
    // The document hash alone cannot tell the two pages apart.
    assert_eq!(en["doc"], fr["doc"]);
    assert_eq!(en["key"], fr["key"]);
    assert_eq!(
        (&en["source_lang"], &en["target_lang"]),
        (&"vi".into(), &"en".into())
    );
    assert_eq!(
        (&fr["source_lang"], &fr["target_lang"]),
        (&"vi".into(), &"fr".into())
    );
    for page in [&en_page, &fr_page] {
        assert!(
            page.contains(
                "var storeKey = 'songngu:' + data.doc + ':' + data.source_lang + '>' + data.target_lang + ':' + data.key;"
            ),
            "the saved edits' key holds the pair"
        );
        assert!(
            page.contains("source_lang: data.source_lang,\n        target_lang: data.target_lang"),
            "the export names the pair"
        );
    }
}
