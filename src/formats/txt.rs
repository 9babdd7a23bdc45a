//! Line-aligned text: `NAME.<source>.txt`, `NAME.<target>.txt` and
//! `NAME.ascii.txt`, one segment per line, the same number of lines in
//! each (an absent target is an empty line). Characters some readers take
//! for line breaks (U+2028, U+2029, U+0085, VT, FF, CR, LF) become spaces,
//! so the files stay aligned for every reader.

use std::io::Write;

use super::Writer;
use crate::document::Segment;
use crate::xml::{Bytes, find};

pub struct Txt;

/// Appends `s` to `out` as [`crate::plaintext::one_line`] makes it (each
/// line-breaking character a space), without an intermediate string: runs
/// without one, found 16 bytes at a time ([`find`]), are copied whole.
fn push_one_line(out: &mut String, s: &str) {
    let b = s.as_bytes();
    let (mut last, mut i) = (0, 0);
    loop {
        i = find(Bytes::LineBreak, b, i);
        let Some(&c) = b.get(i) else {
            break;
        };
        // U+0085 is C2 85; U+2028 and U+2029 are E2 80 A8 and E2 80 A9;
        // other characters starting with C2 or E2 stay.
        let len = match c {
            0xC2 if b.get(i + 1) == Some(&0x85) => 2,
            0xE2 if b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xA8 | 0xA9)) => 3,
            0xC2 | 0xE2 => {
                i += 1;
                continue;
            }
            _ => 1,
        };
        out.push_str(&s[last..i]);
        out.push(' ');
        i += len;
        last = i;
    }
    out.push_str(&s[last..]);
}

impl Writer for Txt {
    fn write(&mut self, segments: &[Segment], out: &mut [&mut dyn Write]) -> std::io::Result<()> {
        let size = |f: fn(&Segment) -> usize| segments.iter().map(|s| f(s) + 1).sum::<usize>();
        let mut src = String::with_capacity(size(|s| s.source.len()));
        let mut tgt = String::with_capacity(size(|s| s.target.as_deref().map_or(0, str::len)));
        let mut asc = String::with_capacity(size(|s| s.ascii.len()));
        for seg in segments {
            push_one_line(&mut src, &seg.source);
            src.push('\n');
            push_one_line(&mut tgt, seg.target.as_deref().unwrap_or(""));
            tgt.push('\n');
            push_one_line(&mut asc, &seg.ascii);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plaintext::one_line;

    #[test]
    fn pushed_lines_are_one_line_of_the_text_at_every_position() {
        // Each line-breaking character, and characters sharing their first
        // byte, at every offset of texts of 0 to 40 characters.
        let fill: String = "Kết luận Bí thư abc".chars().cycle().take(40).collect();
        let chars: Vec<char> = fill.chars().collect();
        for special in [
            "\n", "\r\n", "\u{B}", "\u{C}", "\u{1C}", "\u{1D}", "\u{1E}", "\u{1F}", "\t", "\u{85}",
            "\u{A0}", "\u{2028}", "\u{2029}", "\u{2026}", "\u{201C}", "\u{2027}",
        ] {
            for len in 0..=chars.len() {
                for at in 0..=len {
                    let t: String = chars[..at]
                        .iter()
                        .copied()
                        .chain(special.chars())
                        .chain(chars[at..len].iter().copied())
                        .collect();
                    let mut pushed = String::from("x");
                    push_one_line(&mut pushed, &t);
                    assert_eq!(pushed, format!("x{}", one_line(&t)), "{t:?}");
                }
            }
        }
    }
}
