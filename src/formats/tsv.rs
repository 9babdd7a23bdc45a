//! `NAME.tsv`: a spreadsheet view, one row per segment after a header
//! `id, kind, source, ascii, target, origin, terms, flags`.
//!
//! TSV has no quoting, so inside fields a backslash is written `\\`, a tab
//! `\t`, a line feed `\n` and a carriage return `\r` (the convention of
//! PostgreSQL's text COPY and of many CAT tools). `terms` lists
//! `entry => target [class]` separated by ` | `; `flags` lists
//! `severity code: message` the same way.

use std::fmt::Write as _;
use std::io::Write;

use super::Writer;
use crate::document::Segment;

#[derive(Default)]
pub struct Tsv {
    /// The header is written.
    started: bool,
    /// A field being built (terms, flags).
    field: String,
}

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
    fn write(&mut self, segments: &[Segment], out: &mut [&mut dyn Write]) -> std::io::Result<()> {
        let size: usize = segments
            .iter()
            .map(|s| 3 * s.source.len() + 64 * s.terms.len() + 32)
            .sum();
        let mut s = String::with_capacity(size);
        if !self.started {
            self.started = true;
            s.push_str("id\tkind\tsource\tascii\ttarget\torigin\tterms\tflags\n");
        }
        let field = &mut self.field;
        for seg in segments {
            for f in [
                seg.id.as_str(),
                seg.kind.name(),
                &seg.source,
                &seg.ascii,
                seg.target.as_deref().unwrap_or(""),
                seg.origin.as_deref().unwrap_or(""),
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
            push_escaped(&mut s, field);
            s.push('\t');
            field.clear();
            for (i, f) in seg.flags.iter().enumerate() {
                if i > 0 {
                    field.push_str(" | ");
                }
                let _ = write!(field, "{} {}: {}", f.severity, f.code, f.message);
            }
            push_escaped(&mut s, field);
            s.push('\n');
        }
        out[0].write_all(s.as_bytes())
    }

    fn finish(&mut self, out: &mut [&mut dyn Write]) -> std::io::Result<()> {
        // A document without segments still has the header.
        self.write(&[], out)
    }
}
