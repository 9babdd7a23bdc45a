//! `songngu qa` on targets a desk writes: document codes in the glossary's
//! own ASCII-folded rendering and written-out Vietnamese dates are carried
//! over, not findings.

mod common;

use std::path::Path;

use common::songngu;

/// `songngu qa out --json` with the starter glossary over a run's JSONL of
/// one human-translated segment per `(source, target)`: the exit code,
/// `"id code"` per finding, and everything printed.
fn qa(pairs: &[(&str, &str)]) -> (i32, Vec<String>, String) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("out")).unwrap();
    let text: String = pairs
        .iter()
        .enumerate()
        .map(|(i, (source, target))| {
            serde_json::json!({"id": format!("a:{i:04}"), "doc": "a", "para": i, "seq": 0,
                "kind": "text", "source": source, "ascii": "", "target": target,
                "origin": "human", "terms": [], "flags": []})
            .to_string()
                + "\n"
        })
        .collect();
    std::fs::write(d.join("out/a.jsonl"), text).unwrap();
    let glossary = Path::new(env!("CARGO_MANIFEST_DIR")).join("glossary");
    let (code, out, err) = songngu(
        d,
        &[
            "qa",
            "out",
            "--json",
            "--glossary",
            glossary.to_str().unwrap(),
        ],
        b"",
    );
    let found = serde_json::Deserializer::from_str(&out)
        .into_iter::<serde_json::Value>()
        .map(|v| {
            let v = v.unwrap();
            [&v["id"], &v["code"]]
                .map(|x| x.as_str().unwrap())
                .join(" ")
        })
        .collect();
    (code, found, out + &err)
}

/// The QA result has exactly one finding, `finding` (`"id code"`), an
/// error (exit 1) whose message is `message`.
fn one_error((code, found, all): (i32, Vec<String>, String), finding: &str, message: &str) {
    assert_eq!(found, [finding], "{all}");
    assert_eq!(code, 1, "{all}");
    assert!(all.contains(message), "{all}");
}

#[test]
fn qa_accepts_a_document_code_as_the_glossary_renders_it_folded_to_ascii() {
    let qa_result = qa(&[
        // The starter glossary's approved targets, codes folded.
        (
            "Căn cứ Nghị định số 15/2020/NĐ-CP và Quyết định số 27/QĐ-UBND của tỉnh.",
            "Pursuant to Decree No. 15/2020/ND-CP and Decision No. 27/QD-UBND of the province.",
        ),
        // A code kept as written is right too (no pattern here: the
        // approved target of a pattern has its code folded).
        (
            "Thực hiện văn bản 27/QĐ-BQL của tỉnh.",
            "Implementing document 27/QĐ-BQL of the province.",
        ),
        // A code in neither form is still missing.
        (
            "Xem văn bản 88/TB-TTĐT của tỉnh.",
            "See the province's notice 88/TB-TTD.",
        ),
    ]);
    one_error(
        qa_result,
        "a:0002 code-missing",
        "document code `88/TB-TTĐT` is not in the target as written (nor as `88/TB-TTDT`)",
    );
}

#[test]
fn qa_reads_a_written_out_vietnamese_date_as_one_date() {
    let qa_result = qa(&[
        (
            "Ngày 14 tháng 10 năm 2025, hội nghị bế mạc.",
            "On 14 October 2025, the conference closed.",
        ),
        (
            "Hội nghị bế mạc ngày 14 tháng 10 năm 2025.",
            "The conference closed on October 14, 2025.",
        ),
        (
            "Đại hội bế mạc ngày 14 tháng 10 năm 2025.",
            "The congress closed on 14/10/2025.",
        ),
        (
            "Từ tháng 7/2025, tỉnh có 96 xã.",
            "Since July 2025, the province has 96 communes.",
        ),
        (
            "Ngày 14/10, hội nghị bế mạc.",
            "On October 14, the conference closed.",
        ),
        // The wrong day: one date missing, not its parts as numbers.
        (
            "Ngày 14 tháng 10 năm 2025, đại hội bế mạc.",
            "On 15 October 2025, the congress closed.",
        ),
    ]);
    one_error(
        qa_result,
        "a:0005 date-missing",
        "date `Ngày 14 tháng 10 năm 2025` is not in the target (as `14 october 2025` or `14 october, 2025`)",
    );
}

/// A month with no year (`tháng 9`) is carried over by its English name;
/// a wrong month is one warning naming it, not a bare number.
#[test]
fn qa_reads_a_month_without_a_year_as_a_month() {
    let (code, found, all) = qa(&[
        (
            "Từ tháng 9, học phí tăng 5%.",
            "From September, tuition fees rise by 5%.",
        ),
        (
            "Trong tháng 11, tỉnh đón 3 đoàn khách.",
            "In October, the province received 3 delegations.",
        ),
    ]);
    assert_eq!(found, ["a:0001 number-missing"], "{all}");
    assert_eq!(code, 0, "{all}");
    assert!(
        all.contains("the month `tháng 11` is not in the target (as `November` or `11`)"),
        "{all}"
    );
}
