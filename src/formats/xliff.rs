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

use super::{Output, Writer};
use crate::document::Provenance;
use crate::glossary::Severity;
use crate::xml::{escape, escape_attr};

pub struct Xliff;

impl Writer for Xliff {
    fn render(&self, out: &Output<'_>) -> Vec<(String, String)> {
        let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.push_str("<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">\n");
        x.push_str(&format!(
            "  <file original=\"{}\" source-language=\"{}\" target-language=\"{}\" datatype=\"plaintext\" tool-id=\"songngu\">\n",
            escape_attr(out.original),
            escape_attr(out.source_lang),
            escape_attr(out.target_lang)
        ));
        x.push_str(&format!(
            "    <header><tool tool-id=\"songngu\" tool-name=\"songngu\" tool-version=\"{}\"/></header>\n    <body>\n",
            env!("CARGO_PKG_VERSION")
        ));
        for seg in out.segments {
            let approved = seg.origin.as_ref().is_some_and(Provenance::is_human);
            let translate = if seg.kind == crate::document::SegmentKind::AsciiCaption {
                " translate=\"no\""
            } else {
                ""
            };
            x.push_str(&format!(
                "      <trans-unit id=\"{}\" restype=\"x-{}\" approved=\"{}\"{translate} xml:space=\"preserve\">\n",
                escape_attr(&seg.id),
                seg.kind.name(),
                if approved { "yes" } else { "no" }
            ));
            x.push_str(&format!(
                "        <source xml:lang=\"{}\">{}</source>\n",
                escape_attr(out.source_lang),
                escape(&seg.source)
            ));
            let (state, qualifier) = match seg.origin.as_ref() {
                None => ("new", None),
                Some(Provenance::Human) => ("translated", None),
                Some(Provenance::Glossary) => {
                    ("needs-review-translation", Some("leveraged-glossary"))
                }
                Some(Provenance::Tm) => ("needs-review-translation", Some("leveraged-tm")),
                Some(_) => ("needs-review-translation", Some("leveraged-mt")),
            };
            let qualifier = qualifier
                .map(|q| format!(" state-qualifier=\"{q}\""))
                .unwrap_or_default();
            x.push_str(&format!(
                "        <target xml:lang=\"{}\" state=\"{state}\"{qualifier}>{}</target>\n",
                escape_attr(out.target_lang),
                escape(seg.target.as_deref().unwrap_or(""))
            ));
            for h in &seg.terms {
                x.push_str(&format!(
                    "        <note from=\"glossary\" annotates=\"source\">{} =&gt; {} [{}]</note>\n",
                    escape(h.text(&seg.source)),
                    escape(&h.target),
                    h.class.name()
                ));
            }
            for f in &seg.flags {
                let priority = if f.severity == Severity::Error { 1 } else { 5 };
                x.push_str(&format!(
                    "        <note from=\"qa\" priority=\"{priority}\">{} {}: {}</note>\n",
                    f.severity,
                    escape(f.code.as_str()),
                    escape(&f.message)
                ));
            }
            x.push_str("      </trans-unit>\n");
        }
        x.push_str("    </body>\n  </file>\n</xliff>\n");
        vec![(".xlf".into(), x)]
    }
}
