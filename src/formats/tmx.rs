//! `NAME.tmx`: TMX 1.4 holding the approved pairs only (segments whose
//! target a human reviewed, origin `human`). Offline, with no review yet,
//! that is an empty but valid TMX. `srclang` is the source language, which
//! is the `xml:lang` of the first `tuv` of every `tu`.

use std::io::Write;
use std::path::Path;

use crate::error::Result;

use super::{DocInfo, Writer};
use crate::document::Segment;
use crate::xml::{escape, escape_attr};

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

/// The start of a TMX document, up to its `<body>`.
fn head(source_lang: &str) -> String {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n");
    x.push_str(&format!(
        "  <header creationtool=\"songngu\" creationtoolversion=\"{}\" segtype=\"sentence\" o-tmf=\"songngu\" \
         adminlang=\"en\" srclang=\"{}\" datatype=\"plaintext\" creationdate=\"{}\"/>\n  <body>\n",
        env!("CARGO_PKG_VERSION"),
        escape_attr(source_lang),
        tmx_date()
    ));
    x
}

/// The end of a TMX document.
const TAIL: &str = "  </body>\n</tmx>\n";

/// Appends the `tu` of one pair to `x`.
fn push_tu(
    x: &mut String,
    (source_lang, target_lang): (&str, &str),
    id: &str,
    src: &str,
    tgt: &str,
    note: Option<&str>,
) {
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

/// One translation unit of [`tmx_document`].
#[derive(Debug, Clone, Copy)]
pub struct TmxPair<'a> {
    /// `tuid`.
    pub id: &'a str,
    /// The `xml:lang` of the source and of the target `tuv`.
    pub langs: (&'a str, &'a str),
    /// Source text.
    pub source: &'a str,
    /// Target text.
    pub target: &'a str,
    /// The `x-origin` prop, if any.
    pub note: Option<&'a str>,
}

/// A TMX document of `pairs`, each `tu` with its own languages; the
/// header's `srclang` is `source_lang` (one language, or `*all*` when the
/// sources differ, as TMX 1.4 allows).
pub fn tmx_document(source_lang: &str, pairs: &[TmxPair<'_>]) -> String {
    let mut x = head(source_lang);
    for p in pairs {
        push_tu(&mut x, p.langs, p.id, p.source, p.target, p.note);
    }
    x.push_str(TAIL);
    x
}

pub struct Tmx<'a> {
    langs: (&'a str, &'a str),
    started: bool,
}

impl<'a> Tmx<'a> {
    pub fn new(info: DocInfo<'a>) -> Tmx<'a> {
        Tmx {
            langs: (info.source_lang, info.target_lang),
            started: false,
        }
    }
}

impl Writer for Tmx<'_> {
    fn write(&mut self, segments: &[Segment], out: &mut [&mut dyn Write]) -> std::io::Result<()> {
        let mut x = String::new();
        if !self.started {
            self.started = true;
            x = head(self.langs.0);
        }
        for s in segments {
            if let (Some(origin), Some(t)) = (&s.origin, &s.target)
                && origin.is_human()
            {
                let note = origin.to_string();
                push_tu(&mut x, self.langs, &s.id, &s.source, t, Some(&note));
            }
        }
        out[0].write_all(x.as_bytes())
    }

    fn finish(&mut self, out: &mut [&mut dyn Write]) -> std::io::Result<()> {
        self.write(&[], out)?;
        out[0].write_all(TAIL.as_bytes())
    }
}

/// One `tu` of a TMX file read back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tu {
    /// Its `tuid`.
    pub tuid: String,
    /// Its `<prop type="x-origin">`, where the pair came from (`human`,
    /// `tm`, `engine:NAME`).
    pub origin: Option<String>,
    /// Each `tuv`: its `xml:lang` and the text of its `seg` (markup inside
    /// dropped, references resolved), in order.
    pub variants: Vec<(String, String)>,
}

/// A TMX 1.4 file read back: the header's `srclang` and the units.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TmxFile {
    /// `srclang` of the header.
    pub srclang: Option<String>,
    /// Every `tu`, in order.
    pub units: Vec<Tu>,
}

/// Reads the TMX `text` of `file` (as `run` and `tm export` write it).
///
/// # Errors
/// [`crate::Error::Parse`] at the line and column where the XML stops being
/// well-formed.
pub fn read(file: &Path, text: &str) -> Result<TmxFile> {
    use super::Xml;
    let mut out = TmxFile::default();
    let mut tu = Tu::default();
    let (mut lang, mut seg) = (String::new(), String::new());
    let (mut in_origin, mut in_seg) = (false, false);
    // Open inline elements whose content is native code, not text.
    let mut code = 0usize;
    super::read_xml(
        file,
        text,
        "TMX",
        "give a TMX 1.4 file such as `songngu tm export` writes",
        |x| match x {
            Xml::Open(e, _, _) if e.local_name().as_ref() == "header" => {
                out.srclang = super::attribute(e, "srclang");
            }
            Xml::Open(_, true, _) => {}
            Xml::Open(e, false, _) => match e.local_name().as_ref() {
                "tu" => {
                    tu = Tu {
                        tuid: super::attribute(e, "tuid").unwrap_or_default(),
                        ..Tu::default()
                    }
                }
                "prop" if super::attribute(e, "type").as_deref() == Some("x-origin") => {
                    in_origin = true;
                    tu.origin = Some(String::new());
                }
                "tuv" => lang = super::attribute(e, "lang").unwrap_or_default(),
                "seg" => in_seg = true,
                "bpt" | "ept" | "it" | "ph" | "ut" => code += 1,
                _ => {}
            },
            Xml::Close("bpt" | "ept" | "it" | "ph" | "ut") => code = code.saturating_sub(1),
            Xml::Close("prop") => in_origin = false,
            Xml::Close("seg") => in_seg = false,
            Xml::Close("tuv") => tu
                .variants
                .push((std::mem::take(&mut lang), std::mem::take(&mut seg))),
            Xml::Close("tu") => out.units.push(std::mem::take(&mut tu)),
            Xml::Close(_) => {}
            Xml::Text(_) if code > 0 => {}
            Xml::Text(piece) if in_origin => tu.origin.get_or_insert_default().push_str(&piece),
            Xml::Text(piece) if in_seg => seg.push_str(&piece),
            Xml::Text(_) => {}
        },
    )
    .map(|()| out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_gives_back_what_tmx_document_wrote() {
        let pairs = [
            (
                "a:0".to_string(),
                "Bộ & <Ban>".to_string(),
                "Ministry & \"Board\"".to_string(),
                Some("human".to_string()),
            ),
            ("tm1".into(), "x".into(), "y".into(), None),
        ];
        let units: Vec<TmxPair<'_>> = pairs
            .iter()
            .map(|(id, s, t, origin)| TmxPair {
                id,
                langs: ("vi", "en-GB"),
                source: s,
                target: t,
                note: origin.as_deref(),
            })
            .collect();
        let text = tmx_document("vi", &units);
        let back = read(Path::new("a.tmx"), &text).unwrap();
        assert_eq!(back.srclang.as_deref(), Some("vi"));
        assert_eq!(
            back.units,
            pairs
                .iter()
                .map(|(id, s, t, origin)| Tu {
                    tuid: id.clone(),
                    origin: origin.clone(),
                    variants: vec![("vi".into(), s.clone()), ("en-GB".into(), t.clone())],
                })
                .collect::<Vec<_>>()
        );
        let err = read(Path::new("a.tmx"), "<tmx>\n<body><tu></body>").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("a.tmx:2:11: error: not well-formed TMX"),
            "{err}"
        );
    }

    #[test]
    fn a_tmx_cut_short_is_an_error_at_its_end_not_the_units_before() {
        let text = "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header srclang=\"vi\"/><body>\n\
                    <tu tuid=\"a:0\"><tuv xml:lang=\"vi\"><seg>Xin chào</seg></tuv>";
        let e = read(Path::new("cut.tmx"), text).unwrap_err().to_string();
        assert!(
            e.starts_with("cut.tmx:3:") && e.contains("ends before `</tu>` closes `<tmx>`"),
            "{e}"
        );
    }

    #[test]
    fn native_code_and_cdata_in_a_seg() {
        let text = "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header srclang=\"vi\"/><body>\n\
                    <tu tuid=\"a:0\"><tuv xml:lang=\"vi\"><seg>Xin <ph x=\"1\">&lt;b&gt;</ph>chào</seg></tuv>\
                    <tuv xml:lang=\"en\"><seg><![CDATA[Hello & <welcome>]]></seg></tuv></tu></body></tmx>";
        let t = read(Path::new("a.tmx"), text).unwrap();
        assert_eq!(
            t.units[0].variants,
            [
                ("vi".to_owned(), "Xin chào".to_owned()),
                ("en".to_owned(), "Hello & <welcome>".to_owned())
            ]
        );
    }
}
