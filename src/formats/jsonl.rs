//! `NAME.jsonl`: one JSON object per segment, in order, exactly the fields
//! of DESIGN.md (`id`, `doc`, `para`, `seq`, `kind`, `source`, `ascii`,
//! `target`, `origin`, `terms`, `flags`).

use std::io::Write;

use super::Writer;
use crate::document::Segment;

pub struct Jsonl;

impl Writer for Jsonl {
    fn write(&mut self, segments: &[Segment], out: &mut [&mut dyn Write]) -> std::io::Result<()> {
        for seg in segments {
            serde_json::to_writer(&mut *out[0], seg)?;
            out[0].write_all(b"\n")?;
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut [&mut dyn Write]) -> std::io::Result<()> {
        Ok(())
    }
}
