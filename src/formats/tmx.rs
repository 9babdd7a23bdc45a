//! `NAME.tmx`: TMX 1.4 holding the approved pairs only (segments whose
//! target a human reviewed, origin `human`). Offline, with no review yet,
//! that is an empty but valid TMX. `srclang` is the source language, which
//! is the `xml:lang` of the first `tuv` of every `tu`.

use super::{Output, Writer};
use crate::document::Provenance;
use crate::xml::{escape, escape_attr};

pub struct Tmx;

/// `YYYYMMDDThhmmssZ` for now (UTC).
pub fn tmx_date() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A TMX document of `(id, source, target, note)` pairs.
pub fn tmx_document(
    source_lang: &str,
    target_lang: &str,
    pairs: &[(String, String, String, Option<String>)],
) -> String {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n");
    x.push_str(&format!(
        "  <header creationtool=\"songngu\" creationtoolversion=\"{}\" segtype=\"sentence\" o-tmf=\"songngu\" \
         adminlang=\"en\" srclang=\"{}\" datatype=\"plaintext\" creationdate=\"{}\"/>\n  <body>\n",
        env!("CARGO_PKG_VERSION"),
        escape_attr(source_lang),
        tmx_date()
    ));
    for (id, src, tgt, note) in pairs {
        x.push_str(&format!("    <tu tuid=\"{}\">\n", escape_attr(id)));
        if let Some(n) = note {
            x.push_str(&format!(
                "      <prop type=\"x-origin\">{}</prop>\n",
                escape(n)
            ));
        }
        x.push_str(&format!(
            "      <tuv xml:lang=\"{}\"><seg>{}</seg></tuv>\n      <tuv xml:lang=\"{}\"><seg>{}</seg></tuv>\n    </tu>\n",
            escape_attr(source_lang),
            escape(src),
            escape_attr(target_lang),
            escape(tgt)
        ));
    }
    x.push_str("  </body>\n</tmx>\n");
    x
}

impl Writer for Tmx {
    fn render(&self, out: &Output<'_>) -> Vec<(String, String)> {
        let pairs: Vec<(String, String, String, Option<String>)> = out
            .segments
            .iter()
            .filter(|s| s.origin.as_ref().is_some_and(Provenance::is_human))
            .filter_map(|s| {
                s.target.as_ref().map(|t| {
                    let origin = s.origin.as_ref().map(ToString::to_string);
                    (s.id.clone(), s.source.clone(), t.clone(), origin)
                })
            })
            .collect();
        vec![(
            ".tmx".into(),
            tmx_document(out.source_lang, out.target_lang, &pairs),
        )]
    }
}
