//! Line-aligned text: `NAME.<source>.txt`, `NAME.<target>.txt` and
//! `NAME.ascii.txt`, one segment per line, the same number of lines in
//! each (an absent target is an empty line). Characters some readers take
//! for line breaks (U+2028, U+2029, U+0085, VT, FF, CR, LF) become spaces,
//! so the files stay aligned for every reader.

use std::io::Write;

use super::Writer;
use crate::document::Segment;
use crate::plaintext::one_line;

pub struct Txt;

impl Writer for Txt {
    fn write(&mut self, segments: &[Segment], out: &mut [&mut dyn Write]) -> std::io::Result<()> {
        let size = |f: fn(&Segment) -> usize| segments.iter().map(|s| f(s) + 1).sum::<usize>();
        let mut src = String::with_capacity(size(|s| s.source.len()));
        let mut tgt = String::with_capacity(size(|s| s.target.as_deref().map_or(0, str::len)));
        let mut asc = String::with_capacity(size(|s| s.ascii.len()));
        for seg in segments {
            src.push_str(&one_line(&seg.source));
            src.push('\n');
            tgt.push_str(&one_line(seg.target.as_deref().unwrap_or("")));
            tgt.push('\n');
            asc.push_str(&one_line(&seg.ascii));
            asc.push('\n');
        }
        // In the order of `Format::suffixes`: source, target, ASCII.
        for (o, text) in out.iter_mut().zip([src, tgt, asc]) {
            o.write_all(text.as_bytes())?;
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut [&mut dyn Write]) -> std::io::Result<()> {
        Ok(())
    }
}
