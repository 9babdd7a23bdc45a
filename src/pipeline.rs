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
//! The batch driver first checks every output path ([`Pipeline::plan`]:
//! inside the output folder, no two the same file), then runs documents in
//! parallel (`jobs` threads), writes each
//! document's outputs atomically as soon as it is done, and records a
//! per-document outcome: one failed document (unreadable, not UTF-8, an
//! output that cannot be written) does not stop the others. Memory is
//! bounded by the documents in flight, not by the batch. The outputs are
//! flushed to disk once, when the batch is done and before the driver
//! returns ([`crate::atomic::Flush`]), not once per file: when a batch
//! driver has returned `Ok`, every file it wrote is on disk.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::config::{Config, Format, GlossaryMode};
use crate::document::{Document, Flag, FlagCode, Provenance, Segment, SegmentKind};
use crate::error::{Error, Result};
use crate::formats::{self, Output};
use crate::glossary::matcher::Matches;
use crate::glossary::{Entry, Glossary, Hit, HitClass, Matcher, Severity, modes};
use crate::qa::Checker;
use crate::reader::Input;
use crate::segment::Segmenter;
use crate::tm::Tm;
use crate::translate::runner::Sleeper;
use crate::translate::stage::{Mt, MtReport};

/// The configured stages, built once for a batch.
#[derive(Debug)]
pub struct Pipeline {
    segmenter: Segmenter,
    matcher: Matcher,
    checker: Checker,
    replace: bool,
    verify: bool,
    source_lang: String,
    target_lang: String,
    engine: String,
    /// Reviewed corrections for offline runs (see [`Pipeline::with_memory`]).
    memory: Option<Mutex<Tm>>,
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
    /// Control characters the reader took out of the input.
    pub cleaned: crate::document::Cleaned,
    /// Segments whose target is a human correction from the memory.
    pub human: usize,
}

impl Pipeline {
    /// Builds the stages from the configuration and a loaded glossary.
    ///
    /// # Errors
    /// [`Error::Glossary`] when the matcher cannot be built.
    pub fn new(config: &Config, glossary: &Glossary) -> Result<Pipeline> {
        let matcher = Matcher::new(glossary, config.glossary.case, config.glossary.diacritics)?;
        Ok(Pipeline {
            segmenter: Segmenter::new(config.segment.unit),
            checker: Checker::new(matcher.entries()),
            matcher,
            replace: config.glossary.modes.contains(&GlossaryMode::Replace),
            verify: config.glossary.modes.contains(&GlossaryMode::Verify),
            source_lang: config.languages.source.clone(),
            target_lang: config.languages.target.clone(),
            engine: config.translate.engine.name().to_owned(),
            memory: None,
        })
    }

    /// An offline run that also takes reviewed corrections (`human`
    /// targets) from `tm`, so a corrected segment keeps its correction
    /// without an engine.
    #[must_use]
    pub fn with_memory(mut self, tm: Tm) -> Pipeline {
        self.memory = Some(Mutex::new(tm));
        self
    }

    /// The glossary entries the hits index into.
    pub fn entries(&self) -> &[Entry] {
        self.matcher.entries()
    }

    /// The QA pass once targets are in: for every target that is a
    /// translation (not the glossary draft) the checks of
    /// [`crate::qa::target_checks`] (numbers, codes, dates, placeholders,
    /// untranslated text), and for reviewed (`human`) targets in `verify`
    /// mode also the glossary terms (machine targets were verified by the
    /// translate stage).
    pub fn check(&self, segments: &mut [Segment]) {
        for seg in segments {
            if seg.kind == SegmentKind::AsciiCaption {
                continue;
            }
            let (Some(target), Some(origin)) = (seg.target.as_deref(), seg.origin.as_ref()) else {
                continue;
            };
            if origin.is_glossary() || target.trim().is_empty() {
                continue;
            }
            let mut flags = crate::qa::target_checks(&seg.source, target);
            if origin.is_human() && self.verify {
                flags.extend(
                    self.checker
                        .check(seg, self.matcher.entries())
                        .into_iter()
                        .filter(|f| f.code.is_term()),
                );
            }
            seg.flags.extend(flags);
        }
    }

    /// Puts reviewed corrections from the memory (offline runs).
    fn corrections(&self, segments: &mut [Segment]) -> Result<()> {
        let Some(tm) = &self.memory else {
            return Ok(());
        };
        let tm = tm.lock().expect("no panics while locked");
        for seg in segments {
            if seg.kind == SegmentKind::AsciiCaption || seg.source.trim().is_empty() {
                continue;
            }
            if let Some(t) = tm.human(&self.source_lang, &self.target_lang, &seg.source)? {
                seg.target = Some(t);
                seg.origin = Some(Provenance::Human);
            }
        }
        Ok(())
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
                        Some(Provenance::Glossary),
                    )
                } else {
                    (None, None)
                };
                let mut flags = Vec::new();
                for m in &misses {
                    flags.push(Flag {
                        code: FlagCode::PatternUnparsed,
                        severity: Severity::Warning,
                        message: format!(
                            "`{}` is not followed by a value the pattern `{}` can read",
                            &source[m.start..m.end].trim_end(),
                            m.entry
                        ),
                    });
                }
                let mut seg = Segment {
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
                    flags: Vec::new(),
                    span: (span.start, span.end),
                };
                seg.flags = crate::qa::misspellings(&seg);
                seg.flags.extend(flags);
                seg
            })
            .collect()
    }

    /// Checks every output of `inputs` before anything is written: inside
    /// `out_dir`, and no two the same file (see [`formats::plan`]). The
    /// batch drivers call it first; call it yourself to fail early.
    ///
    /// # Errors
    /// [`Error::OutsideOutput`] or [`Error::OutputClash`].
    pub fn plan(&self, inputs: &[Input], out_dir: &Path, formats: &[Format]) -> Result<usize> {
        formats::plan(
            out_dir,
            inputs
                .iter()
                .filter(|i| !i.is_unreadable())
                .map(|i| (i.path.as_path(), i.out_stem.as_path())),
            formats,
            &self.source_lang,
            &self.target_lang,
        )
    }

    /// Processes and writes every input under `out_dir`, `jobs` documents
    /// at a time; `progress` is called after each document with its outcome.
    /// Every file written is on disk when it returns `Ok` (one flush for
    /// the batch, see the module documentation).
    ///
    /// # Errors
    /// [`Pipeline::plan`]'s, before any document is read; [`Error::Io`]
    /// when the final flush to disk fails.
    pub fn run_batch(
        &self,
        inputs: &[Input],
        out_dir: &Path,
        formats: &[Format],
        jobs: usize,
        progress: &(dyn Fn(&DocOutcome) + Sync),
    ) -> Result<Vec<DocOutcome>> {
        self.plan(inputs, out_dir, formats)?;
        let flush = crate::atomic::Flush::new();
        let root = crate::atomic::OutputFolder::new(out_dir)?;
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<(usize, DocOutcome)>> = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..jobs.max(1).min(inputs.len().max(1)) {
                scope.spawn(|| {
                    let mut folder = root.clone();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(input) = inputs.get(i) else { break };
                        let outcome = DocOutcome {
                            input: input.path.clone(),
                            result: self.run_one(input, &mut folder, formats, &flush),
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
        flush.flush()?;
        let mut results = results.into_inner().expect("no panics while locked");
        results.sort_by_key(|(i, _)| *i);
        Ok(results.into_iter().map(|(_, o)| o).collect())
    }

    /// Like [`Pipeline::run_batch`], with machine translation: documents
    /// go through in chunks of `chunk` (so memory stays bounded), each
    /// chunk's segments are translated together (identical texts once,
    /// each batch committed to the memory as it returns), then each
    /// document is written. In a dry run nothing is sent or written. Every
    /// file written is on disk when it returns `Ok` (one flush at the end).
    ///
    /// # Errors
    /// [`Pipeline::plan`]'s before anything is sent, [`Error::Tm`] when the
    /// memory fails, [`Error::Engine`] when the async runtime cannot start,
    /// [`Error::Io`] when the final flush to disk fails; per-document
    /// failures are outcomes.
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
        self.plan(inputs, out_dir, formats)?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Engine(format!("cannot start the async runtime: {e}")))?;
        let flush = crate::atomic::Flush::new();
        let mut folder = crate::atomic::OutputFolder::new(out_dir)?;
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
            self.check(&mut all);
            for (input, doc, range) in docs {
                let result = if mt.is_dry_run() {
                    Ok(DocStats {
                        bytes: doc.text.len(),
                        segments: range.len(),
                        cleaned: doc.cleaned,
                        ..DocStats::default()
                    })
                } else {
                    self.write_doc(input, &doc, &all[range], &mut folder, formats, &flush)
                };
                let o = DocOutcome {
                    input: input.path.clone(),
                    result,
                };
                progress(&o);
                outcomes.push(o);
            }
        }
        flush.flush()?;
        Ok((outcomes, report))
    }

    fn run_one(
        &self,
        input: &Input,
        folder: &mut crate::atomic::OutputFolder,
        formats: &[Format],
        flush: &crate::atomic::Flush,
    ) -> Result<DocStats> {
        let doc = input.read()?;
        let mut segments = self.process(&doc);
        self.corrections(&mut segments)?;
        self.check(&mut segments);
        self.write_doc(input, &doc, &segments, folder, formats, flush)
    }

    fn write_doc(
        &self,
        input: &Input,
        doc: &Document,
        segments: &[Segment],
        folder: &mut crate::atomic::OutputFolder,
        formats: &[Format],
        flush: &crate::atomic::Flush,
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
            entries: self.matcher.entries(),
            engine: &self.engine,
        };
        let files = formats::write_all(folder, &input.out_stem, formats, &out, Some(flush))?;
        let mut stats = DocStats {
            bytes: doc.text.len(),
            segments: segments.len(),
            files,
            cleaned: doc.cleaned,
            human: segments
                .iter()
                .filter(|s| s.origin.as_ref().is_some_and(Provenance::is_human))
                .count(),
            ..DocStats::default()
        };
        for s in segments {
            for h in &s.terms {
                *stats.hits.entry(h.class).or_default() += 1;
            }
            for f in &s.flags {
                *stats.flags.entry(f.code.to_string()).or_default() += 1;
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
        assert_eq!(segs[1].origin, Some(Provenance::Glossary));
        let codes: Vec<&str> = segs[3].flags.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["suspected-misspelling", "pattern-unparsed"]);
        for s in &segs {
            assert_eq!(&doc.text[s.span.0..s.span.1], s.source);
            for h in &s.terms {
                assert!(s.source.get(h.start..h.end).is_some());
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
