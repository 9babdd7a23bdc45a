//! songngu (Vietnamese *song ngữ*, "bilingual") turns Vietnamese news copy
//! into reviewed parallel text.
//!
//! This crate is the library behind the `songngu` command. Each stage of the
//! pipeline is a module with its contract in its documentation:
//!
//! - [`transliterate`]: the ASCII stage (diacritics stripped the way
//!   newsrooms write image captions and slugs), whole-text and streaming;
//! - [`glossary`]: the editor-maintained term list: loading, validation, the
//!   Vietnamese-aware matcher, and the annotate/replace/verify modes;
//! - [`config`]: the `config.toml` schema and its layering;
//! - [`error`]: the typed errors every stage returns.
//!
//! The library never prints; the binary decides what to show and which exit
//! code to use.
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
