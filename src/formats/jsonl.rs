//! `NAME.jsonl`: one JSON object per segment, in order, exactly the fields
//! of DESIGN.md (`id`, `doc`, `para`, `seq`, `kind`, `source`, `ascii`,
//! `target`, `origin`, `terms`, `flags`).

use super::{Output, Writer};

pub struct Jsonl;

impl Writer for Jsonl {
    fn render(&self, out: &Output<'_>) -> Vec<(String, String)> {
        let mut s = String::new();
        for seg in out.segments {
            s.push_str(&serde_json::to_string(seg).expect("segments serialise"));
            s.push('\n');
        }
        vec![(".jsonl".into(), s)]
    }
}
