//! Line-aligned text: `NAME.<source>.txt`, `NAME.<target>.txt` and
//! `NAME.ascii.txt`, one segment per line, the same number of lines in
//! each (an absent target is an empty line). Characters some readers take
//! for line breaks (U+2028, U+2029, U+0085, VT, FF, CR, LF) become spaces,
//! so the files stay aligned for every reader.

use super::{Output, Writer};
use crate::plaintext::one_line;

pub struct Txt;

impl Writer for Txt {
    fn render(&self, out: &Output<'_>) -> Vec<(String, String)> {
        let (mut src, mut tgt, mut asc) = (String::new(), String::new(), String::new());
        for seg in out.segments {
            src.push_str(&one_line(&seg.source));
            src.push('\n');
            tgt.push_str(&one_line(seg.target.as_deref().unwrap_or("")));
            tgt.push('\n');
            asc.push_str(&one_line(&seg.ascii));
            asc.push('\n');
        }
        vec![
            (format!(".{}.txt", out.source_lang), src),
            (format!(".{}.txt", out.target_lang), tgt),
            (".ascii.txt".into(), asc),
        ]
    }
}
