//! The pipeline: read → segment → ascii → glossary → QA → write, for one
//! document ([`Pipeline::process`]) and for a batch ([`Pipeline::run_batch`]).
//!
//! Contract of [`Pipeline::process`]: expects a normalised [`Document`];
//! returns its segments in order, each with its ASCII form, its glossary
//! hits (offsets into the segment's source), a target when the glossary is
//! in `replace` mode (the glossary-only draft, origin `glossary`; never for
//! ASCII captions, which are not translated), and the QA flags available
//! offline: suspected misspellings of terms (`diacritic-mismatch` and
//! `suspect` hits) and pattern terms whose slot did not parse. It is pure:
//! no I/O.
//!
//! The batch driver runs documents in parallel (`jobs` threads), writes each
//! document's outputs atomically as soon as it is done, and records a
//! per-document outcome: one failed document (unreadable, not UTF-8, an
//! output that cannot be written) does not stop the others. Memory is
//! bounded by the documents in flight, not by the batch.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::config::{Config, Format, GlossaryMode};
use crate::document::{Document, Flag, Segment, SegmentKind};
use crate::error::{Error, Result};
use crate::formats::{self, Output};
use crate::glossary::matcher::Matches;
use crate::glossary::{Entry, Glossary, Hit, HitClass, Matcher, Severity, modes};
use crate::reader::Input;
use crate::segment::Segmenter;
use crate::translate::runner::Sleeper;
use crate::translate::stage::{Mt, MtReport};

/// The configured stages, built once for a batch.
#[derive(Debug)]
pub struct Pipeline {
    segmenter: Segmenter,
    matcher: Matcher,
    replace: bool,
    source_lang: String,
    target_lang: String,
}

/// What happened to one document of a batch.
#[derive(Debug)]
pub struct DocOutcome {
    /// The input.
    pub input: PathBuf,
    /// The segments' statistics, or why the document failed.
    pub result: std::result::Result<DocStats, Error>,
}

/// Counts for one processed document.
#[derive(Debug, Clone, Default)]
pub struct DocStats {
    /// Input bytes (normalised text).
    pub bytes: usize,
    /// Segments written.
    pub segments: usize,
    /// Glossary hits by class.
    pub hits: BTreeMap<HitClass, usize>,
    /// QA flags by code.
    pub flags: BTreeMap<String, usize>,
    /// Files written.
    pub files: Vec<PathBuf>,
}

impl Pipeline {
    /// Builds the stages from the configuration and a loaded glossary.
    ///
    /// # Errors
    /// [`Error::Glossary`] when the matcher cannot be built.
    pub fn new(config: &Config, glossary: &Glossary) -> Result<Pipeline> {
        Ok(Pipeline {
            segmenter: Segmenter::new(config.segment.unit),
            matcher: Matcher::new(glossary, config.glossary.case, config.glossary.diacritics)?,
            replace: config.glossary.modes.contains(&GlossaryMode::Replace),
            source_lang: config.languages.source.clone(),
            target_lang: config.languages.target.clone(),
        })
    }

    /// The segments of one document (see the module documentation).
    pub fn process(&self, doc: &Document) -> Vec<Segment> {
        let entries = self.matcher.entries();
        self.segmenter
            .segment(&doc.text)
            .into_iter()
            .enumerate()
            .map(|(seq, span)| {
                let source = &doc.text[span.start..span.end];
                let Matches { hits, misses } = self.matcher.find(source);
                let ascii = ascii_with_overrides(source, &hits, entries);
                let (target, origin) = if self.replace && span.kind != SegmentKind::AsciiCaption {
                    (
                        Some(modes::replace(source, &hits, entries)),
                        Some("glossary".to_owned()),
                    )
                } else {
                    (None, None)
                };
                let mut flags = Vec::new();
                for h in hits.iter().filter(|h| h.class.is_misspelling()) {
                    flags.push(Flag {
                        code: "suspected-misspelling".into(),
                        severity: Severity::Warning,
                        message: format!(
                            "`{}` looks like a misspelling of the term `{}` ({}); check the source",
                            h.text, h.entry, h.target
                        ),
                    });
                }
                for m in &misses {
                    flags.push(Flag {
                        code: "pattern-unparsed".into(),
                        severity: Severity::Warning,
                        message: format!(
                            "`{}` is not followed by a value the pattern `{}` can read",
                            &source[m.start..m.end].trim_end(),
                            m.entry
                        ),
                    });
                }
                Segment {
                    id: format!("{}:{seq:04}", doc.name),
                    doc: doc.name.clone(),
                    para: span.para,
                    seq,
                    kind: span.kind,
                    source: source.to_owned(),
                    ascii,
                    target,
                    origin,
                    terms: hits,
                    flags,
                    span: (span.start, span.end),
                }
            })
            .collect()
    }

    /// Processes and writes every input under `out_dir`, `jobs` documents
    /// at a time; `progress` is called after each document with its outcome.
    pub fn run_batch(
        &self,
        inputs: &[Input],
        out_dir: &Path,
        formats: &[Format],
        jobs: usize,
        progress: &(dyn Fn(&DocOutcome) + Sync),
    ) -> Vec<DocOutcome> {
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<(usize, DocOutcome)>> = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..jobs.max(1).min(inputs.len().max(1)) {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(input) = inputs.get(i) else { break };
                        let outcome = DocOutcome {
                            input: input.path.clone(),
                            result: self.run_one(input, out_dir, formats),
                        };
                        progress(&outcome);
                        results
                            .lock()
                            .expect("no panics while locked")
                            .push((i, outcome));
                    }
                });
            }
        });
        let mut results = results.into_inner().expect("no panics while locked");
        results.sort_by_key(|(i, _)| *i);
        results.into_iter().map(|(_, o)| o).collect()
    }

    /// Like [`Pipeline::run_batch`], with machine translation: documents
    /// go through in chunks of `chunk` (so memory stays bounded), each
    /// chunk's segments are translated together (identical texts once,
    /// each batch committed to the memory as it returns), then each
    /// document is written. In a dry run nothing is sent or written.
    ///
    /// # Errors
    /// [`Error::Tm`] when the memory fails, [`Error::Engine`] when the
    /// async runtime cannot start; per-document failures are outcomes.
    #[allow(clippy::too_many_arguments)]
    pub fn run_batch_translated(
        &self,
        inputs: &[Input],
        out_dir: &Path,
        formats: &[Format],
        mt: &mut Mt,
        sleeper: &dyn Sleeper,
        chunk: usize,
        progress: &dyn Fn(&DocOutcome),
    ) -> Result<(Vec<DocOutcome>, MtReport)> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Engine(format!("cannot start the async runtime: {e}")))?;
        let mut outcomes = Vec::with_capacity(inputs.len());
        let mut report = MtReport::default();
        for group in inputs.chunks(chunk.max(1)) {
            let mut docs = Vec::new();
            let mut all: Vec<Segment> = Vec::new();
            for input in group {
                match input.read() {
                    Ok(doc) => {
                        let segs = self.process(&doc);
                        let range = all.len()..all.len() + segs.len();
                        all.extend(segs);
                        docs.push((input, doc, range));
                    }
                    Err(e) => {
                        let o = DocOutcome {
                            input: input.path.clone(),
                            result: Err(e),
                        };
                        progress(&o);
                        outcomes.push(o);
                    }
                }
            }
            let r = rt.block_on(mt.translate(&mut all, self.matcher.entries(), sleeper))?;
            report.add(&r);
            for (input, doc, range) in docs {
                let result = if mt.dry_run {
                    Ok(DocStats {
                        bytes: doc.text.len(),
                        segments: range.len(),
                        ..DocStats::default()
                    })
                } else {
                    self.write_doc(input, &doc, &all[range], out_dir, formats)
                };
                let o = DocOutcome {
                    input: input.path.clone(),
                    result,
                };
                progress(&o);
                outcomes.push(o);
            }
        }
        Ok((outcomes, report))
    }

    fn run_one(&self, input: &Input, out_dir: &Path, formats: &[Format]) -> Result<DocStats> {
        let doc = input.read()?;
        let segments = self.process(&doc);
        self.write_doc(input, &doc, &segments, out_dir, formats)
    }

    fn write_doc(
        &self,
        input: &Input,
        doc: &Document,
        segments: &[Segment],
        out_dir: &Path,
        formats: &[Format],
    ) -> Result<DocStats> {
        let original = if input.is_stdin() {
            "stdin".to_owned()
        } else {
            input.path.display().to_string()
        };
        let out = Output {
            doc,
            segments,
            source_lang: &self.source_lang,
            target_lang: &self.target_lang,
            original: &original,
        };
        let files = formats::write_all(out_dir, &input.out_stem, formats, &out)?;
        let mut stats = DocStats {
            bytes: doc.text.len(),
            segments: segments.len(),
            files,
            ..DocStats::default()
        };
        for s in segments {
            for h in &s.terms {
                *stats.hits.entry(h.class).or_default() += 1;
            }
            for f in &s.flags {
                *stats.flags.entry(f.code.clone()).or_default() += 1;
            }
        }
        Ok(stats)
    }
}

/// The ASCII form of `source`, with the glossary's `ascii` overrides applied
/// on confident hits of entries that have one.
fn ascii_with_overrides(source: &str, hits: &[Hit], entries: &[Entry]) -> String {
    let overrides: Vec<(&Hit, &str)> = hits
        .iter()
        .filter(|h| h.class.is_confident())
        .filter_map(|h| entries[h.index].ascii.as_deref().map(|a| (h, a)))
        .collect();
    if overrides.is_empty() {
        return crate::transliterate::to_ascii(source);
    }
    let mut out = String::with_capacity(source.len());
    let mut last = 0;
    for (h, a) in overrides {
        out.push_str(&crate::transliterate::to_ascii(&source[last..h.start]));
        out.push_str(a);
        last = h.end;
    }
    out.push_str(&crate::transliterate::to_ascii(&source[last..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::decode;

    fn pipeline(modes: &[GlossaryMode]) -> Pipeline {
        let mut config = Config::default();
        config.glossary.modes = modes.to_vec();
        let mut ct = Entry::term("Chỉ thị", "Directive");
        ct.suspect = vec!["Chỉ thi".into()];
        let mut hn = Entry::term("Hà Nội", "Hanoi");
        hn.ascii = Some("HA NOI".into());
        let mut p = Entry::term("Kết luận số {code}", "Conclusion No. {code}");
        p.kind = crate::glossary::EntryKind::Pattern;
        p.slots = vec![("code".into(), crate::glossary::SlotType::Docnum)];
        let g = Glossary {
            entries: vec![Entry::term("Ban Bí thư", "Secretariat"), ct, hn, p],
            files: Vec::new(),
        };
        Pipeline::new(&config, &g).unwrap()
    }

    #[test]
    fn segments_carry_terms_ascii_flags_and_draft() {
        let doc = decode(
            "Ban Bi thu hop hinh anh 1Ban Bí thư họp tại Hà Nội. (Ảnh: TTXVN)\n\nChị thị mới và Kết luận số 44 KL.\n".as_bytes(),
            "bai",
            Path::new("bai.txt"),
        )
        .unwrap();
        let segs = pipeline(&[GlossaryMode::Annotate, GlossaryMode::Replace]).process(&doc);
        let kinds: Vec<_> = segs.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [
                SegmentKind::AsciiCaption,
                SegmentKind::Caption,
                SegmentKind::Caption,
                SegmentKind::Text
            ]
        );
        assert_eq!(segs[0].id, "bai:0000");
        assert_eq!(segs[0].target, None, "ASCII captions are not translated");
        assert_eq!(segs[0].terms[0].class, HitClass::AsciiSpan);
        assert_eq!(segs[1].ascii, "Ban Bi thu hop tai HA NOI.");
        assert_eq!(
            segs[1].target.as_deref(),
            Some("Secretariat họp tại Hanoi.")
        );
        assert_eq!(segs[1].origin.as_deref(), Some("glossary"));
        let codes: Vec<&str> = segs[3].flags.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["suspected-misspelling", "pattern-unparsed"]);
        for s in &segs {
            assert_eq!(&doc.text[s.span.0..s.span.1], s.source);
            for h in &s.terms {
                assert_eq!(&s.source[h.start..h.end], h.text);
            }
        }
        // Without replace: no target.
        let segs = pipeline(&[GlossaryMode::Annotate]).process(&doc);
        assert!(
            segs.iter()
                .all(|s| s.target.is_none() && s.origin.is_none())
        );
    }
}
