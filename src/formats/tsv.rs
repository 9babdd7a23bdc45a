//! `NAME.tsv`: a spreadsheet view, one row per segment after a header
//! `id, kind, source, ascii, target, origin, terms, flags`.
//!
//! TSV has no quoting, so inside fields a backslash is written `\\`, a tab
//! `\t`, a line feed `\n` and a carriage return `\r` (the convention of
//! PostgreSQL's text COPY and of many CAT tools). `terms` lists
//! `entry => target [class]` separated by ` | `; `flags` lists
//! `severity code: message` the same way.

use std::fmt::Write as _;

use super::{Output, Writer};

pub struct Tsv;

/// Appends the TSV field `s` escaped (see the module documentation) to
/// `out`, copying runs that need no escape whole.
fn push_escaped(out: &mut String, s: &str) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let with = match b {
            b'\\' => "\\\\",
            b'\t' => "\\t",
            b'\n' => "\\n",
            b'\r' => "\\r",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(with);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// The TSV field `s` escaped (see the module documentation).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s);
    out
}

impl Writer for Tsv {
    fn render(&self, out: &Output<'_>) -> Vec<(String, String)> {
        let size: usize = out
            .segments
            .iter()
            .map(|s| 3 * s.source.len() + 64 * s.terms.len() + 32)
            .sum();
        let mut s = String::with_capacity(size);
        s.push_str("id\tkind\tsource\tascii\ttarget\torigin\tterms\tflags\n");
        let mut field = String::new();
        for seg in out.segments {
            let origin = seg.origin.as_ref().map(ToString::to_string);
            for f in [
                seg.id.as_str(),
                seg.kind.name(),
                &seg.source,
                &seg.ascii,
                seg.target.as_deref().unwrap_or(""),
                origin.as_deref().unwrap_or(""),
            ] {
                push_escaped(&mut s, f);
                s.push('\t');
            }
            field.clear();
            for (i, h) in seg.terms.iter().enumerate() {
                if i > 0 {
                    field.push_str(" | ");
                }
                let _ = write!(field, "{} => {} [{}]", h.entry, h.target, h.class.name());
            }
            push_escaped(&mut s, &field);
            s.push('\t');
            field.clear();
            for (i, f) in seg.flags.iter().enumerate() {
                if i > 0 {
                    field.push_str(" | ");
                }
                let _ = write!(field, "{} {}: {}", f.severity, f.code, f.message);
            }
            push_escaped(&mut s, &field);
            s.push('\n');
        }
        vec![(".tsv".into(), s)]
    }
}
