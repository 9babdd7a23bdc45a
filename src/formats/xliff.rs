//! `NAME.xlf`: XLIFF 1.2, valid against the strict schema. One
//! `trans-unit` per segment (`id` = segment id, `restype="x-KIND"`,
//! `xml:space="preserve"`; ASCII captions `translate="no"`). The target's
//! `state` tells where it stands: no target yet → an empty target with
//! `state="new"`; glossary draft → `needs-review-translation` /
//! `leveraged-glossary`; machine translation → `needs-review-translation` /
//! `leveraged-mt`; from the memory → `needs-review-translation` /
//! `leveraged-tm`; human → `translated`, `approved="yes"`. Glossary hits
//! follow as `<note from="glossary" annotates="source">`, QA flags as
//! `<note from="qa">` (priority 1 for errors, 5 for warnings).

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use super::{DocInfo, Writer};
use crate::document::{Provenance, Segment};
use crate::error::Result;
use crate::glossary::Severity;
use crate::xml::{escape, escape_attr, push_escaped, push_escaped_attr};

pub struct Xliff<'a> {
    info: DocInfo<'a>,
    started: bool,
}

impl<'a> Xliff<'a> {
    pub fn new(info: DocInfo<'a>) -> Xliff<'a> {
        Xliff {
            info,
            started: false,
        }
    }
}

impl Writer for Xliff<'_> {
    fn write(&mut self, segments: &[Segment], out: &mut [&mut dyn Write]) -> std::io::Result<()> {
        let info = &self.info;
        let size: usize = segments
            .iter()
            .map(|s| {
                2 * s.source.len()
                    + s.target.as_ref().map_or(0, String::len)
                    + 128 * (s.terms.len() + s.flags.len())
                    + 256
            })
            .sum();
        let mut x = String::with_capacity(size + 512);
        if !self.started {
            self.started = true;
            x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            x.push_str("<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">\n");
            let _ = writeln!(
                x,
                "  <file original=\"{}\" source-language=\"{}\" target-language=\"{}\" datatype=\"plaintext\" tool-id=\"songngu\">",
                escape_attr(info.original),
                escape_attr(info.source_lang),
                escape_attr(info.target_lang)
            );
            let _ = writeln!(
                x,
                "    <header><tool tool-id=\"songngu\" tool-name=\"songngu\" tool-version=\"{}\"/></header>\n    <body>",
                env!("CARGO_PKG_VERSION")
            );
        }
        // The segments' lines are pushed piece by piece (no `fmt`
        // machinery); the language attributes are escaped once.
        let source_lang = escape_attr(info.source_lang);
        let target_lang = escape_attr(info.target_lang);
        for seg in segments {
            let approved = seg.origin.as_ref().is_some_and(Provenance::is_human);
            x.push_str("      <trans-unit id=\"");
            push_escaped_attr(&mut x, &seg.id);
            x.push_str("\" restype=\"x-");
            x.push_str(seg.kind.name());
            x.push_str(if approved {
                "\" approved=\"yes\""
            } else {
                "\" approved=\"no\""
            });
            if seg.kind == crate::document::SegmentKind::AsciiCaption {
                x.push_str(" translate=\"no\"");
            }
            x.push_str(" xml:space=\"preserve\">\n        <source xml:lang=\"");
            x.push_str(&source_lang);
            x.push_str("\">");
            push_escaped(&mut x, &seg.source);
            let (state, qualifier) = match seg.origin.as_ref() {
                None => ("new", None),
                Some(Provenance::Human) => ("translated", None),
                Some(Provenance::Glossary) => {
                    ("needs-review-translation", Some("leveraged-glossary"))
                }
                Some(Provenance::Tm) => ("needs-review-translation", Some("leveraged-tm")),
                Some(_) => ("needs-review-translation", Some("leveraged-mt")),
            };
            x.push_str("</source>\n        <target xml:lang=\"");
            x.push_str(&target_lang);
            x.push_str("\" state=\"");
            x.push_str(state);
            x.push('"');
            if let Some(q) = qualifier {
                x.push_str(" state-qualifier=\"");
                x.push_str(q);
                x.push('"');
            }
            x.push('>');
            push_escaped(&mut x, seg.target.as_deref().unwrap_or(""));
            x.push_str("</target>\n");
            for h in &seg.terms {
                x.push_str("        <note from=\"glossary\" annotates=\"source\">");
                push_escaped(&mut x, h.text(&seg.source));
                x.push_str(" =&gt; ");
                push_escaped(&mut x, &h.target);
                x.push_str(" [");
                x.push_str(h.class.name());
                x.push_str("]</note>\n");
            }
            for f in &seg.flags {
                let priority = if f.severity == Severity::Error { 1 } else { 5 };
                let _ = writeln!(
                    x,
                    "        <note from=\"qa\" priority=\"{priority}\">{} {}: {}</note>",
                    f.severity,
                    escape(f.code.as_str()),
                    escape(&f.message)
                );
            }
            x.push_str("      </trans-unit>\n");
        }
        out[0].write_all(x.as_bytes())
    }

    fn finish(&mut self, out: &mut [&mut dyn Write]) -> std::io::Result<()> {
        self.write(&[], out)?;
        out[0].write_all(b"    </body>\n  </file>\n</xliff>\n")
    }
}

/// One `trans-unit` of an XLIFF 1.2 file read back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unit {
    /// The 1-based line where the unit starts in the file.
    pub line: usize,
    /// Its `id`.
    pub id: String,
    /// The text of `<source>` (markup inside it dropped, entities and
    /// character references resolved).
    pub source: String,
    /// The text of `<target>`, as `source`; empty without one.
    pub target: String,
    /// `approved="yes"`.
    pub approved: bool,
    /// `translate="no"` (the ASCII captions `run` writes).
    pub no_translate: bool,
    /// The target's `state` (`new`, `translated`, `final`, …).
    pub state: Option<String>,
}

impl Unit {
    /// Does the file mark this unit as reviewed: `approved="yes"`, or a
    /// target `state` of `translated`, `final` or `signed-off`?
    pub fn reviewed(&self) -> bool {
        self.approved
            || matches!(
                self.state.as_deref(),
                Some("translated" | "final" | "signed-off")
            )
    }
}

/// An XLIFF 1.2 file read back: the language pair of its (first) `<file>`
/// that states both, and its units in order, each with the pair of its
/// own `<file>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XliffFile {
    /// `(source-language, target-language)` of the first `<file>` that
    /// states both.
    pub langs: Option<(String, String)>,
    /// Every `trans-unit`.
    pub units: Vec<Unit>,
    /// For each unit of `units`, the pair its `<file>` states (`None` when
    /// that `<file>` lacks one of the two attributes), as written.
    pub unit_langs: Vec<Option<FileLangs>>,
}

/// The language pair one `<file>` element states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLangs {
    /// `source-language`.
    pub source: String,
    /// `target-language`.
    pub target: String,
    /// The 1-based line where the `<file>` element starts.
    pub line: usize,
}

/// Reads the XLIFF 1.2 `text` of `file` (as `run` writes it, or as a CAT
/// tool gives it back with edited targets).
///
/// # Errors
/// [`crate::Error::Parse`] at the line and column where the XML stops being
/// well-formed.
pub fn read(file: &Path, text: &str) -> Result<XliffFile> {
    use super::Xml;
    let mut out = XliffFile::default();
    let mut unit = Unit::default();
    let mut file_langs: Option<FileLangs> = None;
    let (mut in_source, mut in_target) = (false, false);
    // Elements open inside the current `trans-unit`: only its own `source`
    // and `target` (depth 0) are the unit's text, not those of an
    // `alt-trans` (a CAT tool's suggestion) or of a `seg-source`.
    let mut depth = 0usize;
    // Open inline elements whose content is native code, not text.
    let mut code = 0usize;
    super::read_xml(
        file,
        text,
        "XLIFF",
        "give the .xlf `songngu run` wrote, or your tool's XLIFF 1.2 export of it",
        |x| match x {
            Xml::Open(e, _, line) if e.local_name().as_ref() == "file" => {
                file_langs = match (
                    super::attribute(e, "source-language"),
                    super::attribute(e, "target-language"),
                ) {
                    (Some(source), Some(target)) => {
                        out.langs
                            .get_or_insert_with(|| (source.clone(), target.clone()));
                        Some(FileLangs {
                            source,
                            target,
                            line,
                        })
                    }
                    _ => None,
                };
            }
            Xml::Open(_, true, _) => {}
            Xml::Open(e, false, line) => {
                match e.local_name().as_ref() {
                    "trans-unit" => {
                        unit = Unit {
                            line,
                            id: super::attribute(e, "id").unwrap_or_default(),
                            approved: super::attribute(e, "approved").as_deref() == Some("yes"),
                            no_translate: super::attribute(e, "translate").as_deref() == Some("no"),
                            ..Unit::default()
                        };
                        depth = 0;
                        code = 0;
                        return;
                    }
                    "source" if depth == 0 => in_source = true,
                    "target" if depth == 0 => {
                        in_target = true;
                        unit.state = super::attribute(e, "state");
                    }
                    "bpt" | "ept" | "ph" | "it" => code += 1,
                    _ => {}
                }
                depth += 1;
            }
            Xml::Close("trans-unit") => {
                out.units.push(std::mem::take(&mut unit));
                out.unit_langs.push(file_langs.clone());
            }
            Xml::Close(name) => {
                depth = depth.saturating_sub(1);
                match name {
                    "source" if depth == 0 => in_source = false,
                    "target" if depth == 0 => in_target = false,
                    "bpt" | "ept" | "ph" | "it" => code = code.saturating_sub(1),
                    _ => {}
                }
            }
            Xml::Text(_) if code > 0 => {}
            Xml::Text(piece) if in_source => unit.source.push_str(&piece),
            Xml::Text(piece) if in_target => unit.target.push_str(&piece),
            Xml::Text(_) => {}
        },
    )?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_gives_units_languages_and_a_located_error() {
        let text = "<?xml version=\"1.0\"?><xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">\
            <file original=\"a\" source-language=\"vi\" target-language=\"en\" datatype=\"plaintext\"><body>\n\
            <trans-unit id=\"a:0\" approved=\"yes\"><source>Bộ &amp; <g id=\"1\">Ban</g> &#x1EA0;</source><target state=\"new\">X</target></trans-unit>\n\
            <trans-unit id=\"a:1\" translate=\"no\"><source>x</source></trans-unit></body></file></xliff>";
        let x = read(Path::new("a.xlf"), text).unwrap();
        assert_eq!(x.langs, Some(("vi".into(), "en".into())));
        assert_eq!(
            x.units,
            [
                Unit {
                    line: 2,
                    id: "a:0".into(),
                    source: "Bộ & Ban Ạ".into(),
                    target: "X".into(),
                    approved: true,
                    no_translate: false,
                    state: Some("new".into()),
                },
                Unit {
                    line: 3,
                    id: "a:1".into(),
                    source: "x".into(),
                    no_translate: true,
                    ..Unit::default()
                }
            ]
        );
        assert!(x.units[0].reviewed() && !x.units[1].reviewed());
        let err = read(Path::new("a.xlf"), "<xliff>\n  <file>\n  </fil>").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("a.xlf:3:3: error: not well-formed XLIFF"),
            "{err}"
        );
    }

    #[test]
    fn each_unit_has_its_own_files_pair_and_a_reference_to_no_text_is_refused() {
        let text = "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\">\n\
            <file original=\"a\" source-language=\"vi\" target-language=\"en\"><body>\
            <trans-unit id=\"1\"><source>Một.</source><target>One.</target></trans-unit></body></file>\n\
            <file original=\"b\" source-language=\"vi\"><body>\
            <trans-unit id=\"2\"><source>Hai.</source><target>Deux.</target></trans-unit></body></file>\n\
            <file original=\"c\" source-language=\"vi\" target-language=\"fr\"><body>\
            <trans-unit id=\"3\"><source>Ba.</source><target>Trois.</target></trans-unit></body></file>\n</xliff>";
        let x = read(Path::new("a.xlf"), text).unwrap();
        assert_eq!(x.langs, Some(("vi".into(), "en".into())));
        let pairs: Vec<Option<(&str, &str, usize)>> = x
            .unit_langs
            .iter()
            .map(|l| {
                l.as_ref()
                    .map(|l| (l.source.as_str(), l.target.as_str(), l.line))
            })
            .collect();
        assert_eq!(pairs, [Some(("vi", "en", 3)), None, Some(("vi", "fr", 5))]);
        let err = read(
            Path::new("a.xlf"),
            "<xliff>\n<file><body><trans-unit id=\"1\"><source>A &#X41;</source></trans-unit></body></file></xliff>",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("a.xlf:2:42: error: the reference `&#X41;` stands for no text"),
            "{err}"
        );
    }

    #[test]
    fn alt_trans_cdata_and_native_code_are_read_as_xliff_means_them() {
        // A CAT tool's suggestion (`alt-trans`) is not the unit's text nor
        // its state; CDATA is text; the content of `ph`/`bpt`/`ept`/`it` is
        // native code, not text.
        let text = "<?xml version=\"1.0\"?><xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">\
            <file original=\"a\" source-language=\"vi\" target-language=\"en\" datatype=\"plaintext\"><body>\n\
            <trans-unit id=\"a:0\"><source>Ông ấy đã đến.</source><target state=\"translated\">He has arrived.</target>\
            <alt-trans><source>Ông ấy đã đến.</source><target state=\"new\">He came already.</target></alt-trans></trans-unit>\n\
            <trans-unit id=\"a:1\"><source>Bà ấy đã đi.</source><target state=\"new\"></target>\
            <alt-trans><target>She left.</target></alt-trans></trans-unit>\n\
            <trans-unit id=\"a:2\"><source>Chị <ph id=\"1\">&lt;br/&gt;</ph>đi.</source>\
            <target state=\"translated\"><![CDATA[She has left & <gone>.]]> <g id=\"2\">Yes</g></target></trans-unit>\
            </body></file></xliff>";
        let x = read(Path::new("a.xlf"), text).unwrap();
        let got: Vec<(&str, &str, Option<&str>)> = x
            .units
            .iter()
            .map(|u| (u.source.as_str(), u.target.as_str(), u.state.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("Ông ấy đã đến.", "He has arrived.", Some("translated")),
                ("Bà ấy đã đi.", "", Some("new")),
                ("Chị đi.", "She has left & <gone>. Yes", Some("translated")),
            ]
        );
        assert!(x.units[0].reviewed() && !x.units[1].reviewed());
        let lines: Vec<usize> = x.units.iter().map(|u| u.line).collect();
        assert_eq!(lines, [2, 3, 4], "each unit's line, for `tm corrections`");
    }
}
