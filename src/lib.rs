//! songngu (Vietnamese *song ngữ*, "bilingual") turns Vietnamese news copy
//! into reviewed parallel text.
//!
//! This crate is the library behind the `songngu` command: everything but
//! argument parsing, progress bars and the end-of-run report. Each stage
//! is a module with its contract in its documentation:
//!
//! - [`reader`]: inputs (files, folders, stdin) to a normalised
//!   [`Document`] (BOM, line ends, NFC, UTF-8 check, control characters);
//! - [`segment`]: a document's text cut into segments (paragraph, sentence
//!   or line) with their kinds (text, caption, ASCII caption);
//! - [`transliterate`]: the ASCII stage (diacritics stripped the way
//!   newsrooms write image captions and slugs), whole-text and streaming;
//! - [`glossary`]: the editor-maintained term list: loading, validation, the
//!   Vietnamese-aware matcher, and the annotate/replace/verify modes;
//! - [`translate`]: the engine trait, the request runner and the translate
//!   stage (memory, engine, term protection and verification);
//! - [`tm`]: the translation memory: the [`tm::Memory`] trait and its SQLite store;
//! - [`corrections`]: reviewed corrections read back (JSONL, TSV, XLIFF,
//!   the review page's export) for the memory;
//! - [`qa`]: the quality checks on targets, and `songngu qa` over a run's
//!   JSONL;
//! - [`formats`]: one writer per output format (JSONL, TSV, TMX, XLIFF,
//!   text, the HTML review page) and the output plan;
//! - [`pipeline`]: the stages in order for one document and the one batch
//!   driver ([`Pipeline`]), with its progress interface;
//! - [`document`]: the data model every stage reads and fills ([`Segment`],
//!   its hits, its flags with their [`document::FlagCode`], where its target
//!   came from as a [`document::Provenance`]);
//! - [`diagnostic`]: a location in a file, a severity, a diagnostic: the
//!   ground floor the glossary's checks and the errors report with;
//! - [`config`]: the `config.toml` schema and its layering;
//! - [`error`]: the typed errors every stage returns;
//! - [`atomic`]: outputs written atomically (temporary file, fsync, rename)
//!   inside the output folder;
//! - [`xml`]: the one XML escaper every XML writer uses;
//! - [`plaintext`]: every file read as UTF-8 text (`read_utf8`, naming the
//!   byte offset of the first invalid byte) and `one_line`;
//! - [`secrets`]: API keys from the environment, never printed.
//!
//! The library never prints; the binary decides what to show and which exit
//! code to use.
//!
//! The whole pipeline on one document, offline: a configuration and a
//! glossary from text, the document segmented, folded to ASCII, its terms
//! found and, in `replace` mode, a glossary draft of its target; then the
//! same document as a batch written to an output folder.
//!
//! ```
//! use std::path::Path;
//!
//! use songngu::glossary::{Glossary, HitClass, parse_file};
//! use songngu::pipeline::NoProgress;
//! use songngu::{Config, Pipeline, SegmentKind};
//!
//! let config = Config::from_toml(
//!     "[glossary]\nmodes = [\"annotate\", \"replace\"]\n[output]\nformats = [\"jsonl\"]\n",
//!     Path::new("config.toml"),
//! )?;
//! let (file, entries, diagnostics) = parse_file(
//!     r#"
//!         [meta]
//!         source_lang = "vi"
//!         target_lang = "en"
//!
//!         [[entry]]
//!         source = "Ban Bí thư"
//!         target = "Secretariat"
//!     "#,
//!     Path::new("party.toml"),
//! );
//! assert!(diagnostics.is_empty(), "{diagnostics:?}");
//! let glossary = Glossary { entries, files: file.into_iter().collect() };
//! let pipeline = Pipeline::new(&config, &glossary)?;
//!
//! let text = "Ban Bí thư họp tại Hà Nội.\n\nĐảng ủy Công an TW quán triệt.\n";
//! let doc = songngu::reader::decode(text.as_bytes(), "bai", Path::new("bai.txt"))?;
//! let segments = pipeline.process(&doc);
//! assert_eq!(segments.len(), 2);
//! let first = &segments[0];
//! assert_eq!((first.id.as_str(), first.kind), ("bai:0000", SegmentKind::Text));
//! assert_eq!(first.ascii, "Ban Bi thu hop tai Ha Noi.");
//! assert_eq!(first.terms[0].class, HitClass::Exact);
//! assert_eq!(first.terms[0].text(&first.source), "Ban Bí thư");
//! assert_eq!(first.target.as_deref(), Some("Secretariat họp tại Hà Nội."));
//! assert!(segments[1].terms.is_empty());
//!
//! // The same document as a batch: outputs written, one outcome each.
//! let dir = tempfile::tempdir()?;
//! std::fs::write(dir.path().join("bai.txt"), text)?;
//! let inputs = songngu::reader::collect_inputs(&[dir.path().join("bai.txt")])?;
//! let outcome = pipeline.run(&inputs, &dir.path().join("out"), &NoProgress)?;
//! assert!(outcome.is_complete());
//! let stats = outcome.documents[0].result.as_ref().expect("written");
//! assert_eq!(stats.segments, 2);
//! assert!(dir.path().join("out/bai.jsonl").exists());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The ASCII stage on its own:
//!
//! ```
//! use songngu::{ascii_caption, slug, to_ascii};
//!
//! let title = "Đảng ủy Công an TW quán triệt";
//! assert_eq!(to_ascii(title), "Dang uy Cong an TW quan triet");
//! assert_eq!(slug(title), "dang-uy-cong-an-tw-quan-triet");
//! assert_eq!(ascii_caption(title, 1), "Dang uy Cong an TW quan triet hinh anh 1");
//! ```

pub mod atomic;
pub mod config;
pub mod corrections;
pub mod diagnostic;
pub mod document;
pub mod error;
pub mod formats;
pub mod glossary;
pub mod pipeline;
pub mod plaintext;
pub mod qa;
pub mod reader;
pub mod secrets;
pub mod segment;
pub mod tm;
pub mod translate;
pub mod transliterate;
pub mod xml;

pub use config::Config;
pub use document::{Document, Segment, SegmentKind};
pub use error::{Error, Result};
pub use pipeline::Pipeline;
pub use transliterate::{Folder, StreamFolder, ascii_caption, slug, to_ascii};
