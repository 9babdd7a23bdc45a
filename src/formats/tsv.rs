//! `NAME.tsv`: a spreadsheet view, one row per segment after a header
//! `id, kind, source, ascii, target, origin, terms, flags`.
//!
//! TSV has no quoting, so inside fields a backslash is written `\\`, a tab
//! `\t`, a line feed `\n` and a carriage return `\r` (the convention of
//! PostgreSQL's text COPY and of many CAT tools). `terms` lists
//! `entry => target [class]` separated by ` | `; `flags` lists
//! `severity code: message` the same way.

use super::{Output, Writer};

pub struct Tsv;

/// Escapes a TSV field (see the module documentation).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

impl Writer for Tsv {
    fn render(&self, out: &Output<'_>) -> Vec<(String, String)> {
        let mut s = String::from("id\tkind\tsource\tascii\ttarget\torigin\tterms\tflags\n");
        for seg in out.segments {
            let terms: Vec<String> = seg
                .terms
                .iter()
                .map(|h| format!("{} => {} [{}]", h.entry, h.target, h.class.name()))
                .collect();
            let flags: Vec<String> = seg
                .flags
                .iter()
                .map(|f| format!("{} {}: {}", f.severity, f.code, f.message))
                .collect();
            let row = [
                seg.id.as_str(),
                seg.kind.name(),
                &seg.source,
                &seg.ascii,
                seg.target.as_deref().unwrap_or(""),
                seg.origin.as_deref().unwrap_or(""),
                &terms.join(" | "),
                &flags.join(" | "),
            ];
            let row: Vec<String> = row.iter().map(|f| escape(f)).collect();
            s.push_str(&row.join("\t"));
            s.push('\n');
        }
        vec![(".tsv".into(), s)]
    }
}
