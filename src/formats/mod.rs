//! The write stage: one writer per output format, all fed the same
//! document and segments, all written atomically (temporary file, then
//! rename), and all XML through [`crate::xml`].
//!
//! Outputs for a document whose output name is `NAME` (see
//! [`crate::reader`] and `docs/output-naming.md`): `NAME.jsonl`,
//! `NAME.tsv`, `NAME.tmx`, `NAME.xlf`, `NAME.html`, and
//! `NAME.<source>.txt`, `NAME.<target>.txt`, `NAME.ascii.txt`
//! (line-aligned), each the name followed by its format's suffix
//! ([`Format::suffixes`]). Before a batch writes anything, [`plan`] checks
//! that every output lies inside the output folder and that no two outputs
//! are the same file; every write goes through
//! [`crate::atomic::OutputFolder::write`], which checks containment again.

mod html;
mod jsonl;
pub mod record;
pub mod run_lock;
mod tmx;
mod tsv;
mod txt;
mod xliff;

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::document::{Document, Segment};
use crate::error::{Error, Result};
pub use jsonl::{Record, ReviewLine, Term as RecordTerm, read_lines as read_jsonl};
pub use tmx::{TmxFile, TmxPair, Tu as TmxUnit, read as read_tmx, tmx_date, tmx_document};
pub use tsv::{Row as TsvRow, escape as tsv_escape, read as read_tsv, unescape as tsv_unescape};
pub use xliff::{FileLangs as XliffFileLangs, Unit as XliffUnit, XliffFile, read as read_xliff};

/// `[output]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutputConfig {
    /// Output folder.
    pub dir: PathBuf,
    /// Formats written for each input.
    pub formats: Vec<Format>,
}

impl Default for OutputConfig {
    fn default() -> Self {
        Self {
            dir: PathBuf::from("out"),
            formats: Format::ALL.to_vec(),
        }
    }
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// `NAME.jsonl`, one object per segment.
    Jsonl,
    /// `NAME.tsv`, a spreadsheet-friendly table.
    Tsv,
    /// `NAME.tmx`, TMX 1.4 of approved pairs.
    Tmx,
    /// `NAME.xlf`, XLIFF 1.2.
    Xliff,
    /// `NAME.html`, the self-contained review page.
    Html,
    /// `NAME.vi.txt`, `NAME.en.txt`, `NAME.ascii.txt`, line-aligned.
    Txt,
}

/// Everything a writer needs about one document, all at once (see
/// [`render`]).
#[derive(Debug, Clone, Copy)]
pub struct Output<'a> {
    /// The document.
    pub doc: &'a Document,
    /// Its segments, in order.
    pub segments: &'a [Segment],
    /// Source language code.
    pub source_lang: &'a str,
    /// Target language code.
    pub target_lang: &'a str,
    /// The input's name as given (XLIFF `original`).
    pub original: &'a str,
    /// The glossary entries the segments' hits index into.
    pub entries: &'a [crate::glossary::Entry],
    /// The configured engine (`none` offline).
    pub engine: &'a str,
}

/// What a writer knows of a document before its first segment.
#[derive(Debug, Clone, Copy)]
pub struct DocInfo<'a> {
    /// The document name.
    pub name: &'a str,
    /// Source language code.
    pub source_lang: &'a str,
    /// Target language code.
    pub target_lang: &'a str,
    /// The input's name as given (XLIFF `original`).
    pub original: &'a str,
    /// The glossary entries the segments' hits index into.
    pub entries: &'a [crate::glossary::Entry],
    /// The configured engine (`none` offline).
    pub engine: &'a str,
    /// Where a writer that must hold back what it has rendered (the
    /// review page, whose header counts come first) puts it once it is
    /// large ([`Spool`]); `None`: the system's temporary folder.
    pub spill: Option<&'a Path>,
}

impl<'a> Output<'a> {
    /// The document part of `self`.
    pub fn info(&self) -> DocInfo<'a> {
        DocInfo {
            name: &self.doc.name,
            source_lang: self.source_lang,
            target_lang: self.target_lang,
            original: self.original,
            entries: self.entries,
            engine: self.engine,
            spill: None,
        }
    }
}

/// A format's writer for one document, fed the segments in order a few at
/// a time (a paragraph, a group of paragraphs): what it writes does not
/// depend on how the segments are grouped, and it holds none of the
/// segments it was given (the review page holds its rows in a [`Spool`]).
/// `out` holds one writer per file of the format, in the order of
/// [`Format::suffixes`].
pub trait Writer {
    /// Writes the next segments.
    ///
    /// # Errors
    /// The first write that fails.
    fn write(&mut self, segments: &[Segment], out: &mut [&mut dyn Write]) -> std::io::Result<()>;

    /// Writes what comes after the last segment.
    ///
    /// # Errors
    /// The first write that fails.
    fn finish(&mut self, out: &mut [&mut dyn Write]) -> std::io::Result<()>;
}

/// The writer of `format` for the document `info`; it writes its start
/// (a header, an XML prolog) with its first call.
pub fn writer<'a>(format: Format, info: DocInfo<'a>) -> Box<dyn Writer + 'a> {
    match format {
        Format::Jsonl => Box::new(jsonl::Jsonl::default()),
        Format::Tsv => Box::new(tsv::Tsv::default()),
        Format::Tmx => Box::new(tmx::Tmx::new(info)),
        Format::Xliff => Box::new(xliff::Xliff::new(info)),
        Format::Html => Box::new(html::Html::new(info)),
        Format::Txt => Box::new(txt::Txt),
    }
}

/// The files of `format` for a whole document, in memory: `(file-name
/// suffix, contents)` pairs, e.g. `(".jsonl", …)`.
pub fn render(format: Format, out: &Output<'_>) -> Vec<(String, String)> {
    let suffixes = format.suffixes(out.source_lang, out.target_lang);
    let mut files: Vec<Vec<u8>> = vec![Vec::new(); suffixes.len()];
    let mut w = writer(format, out.info());
    let mut sinks: Vec<&mut dyn Write> = files.iter_mut().map(|f| f as &mut dyn Write).collect();
    w.write(out.segments, &mut sinks)
        .and_then(|()| w.finish(&mut sinks))
        .expect("writing to memory does not fail");
    suffixes
        .into_iter()
        .zip(files)
        .map(|(s, f)| (s, String::from_utf8(f).expect("writers write UTF-8")))
        .collect()
}

/// Text a writer holds back until its end: in memory while small, then
/// in an anonymous temporary file (removed by the system when closed), so
/// a large document's rows cost disk, not memory. The writer pushes its
/// text straight into the spool's memory ([`Spool::buffer`]) and then
/// [`Spool::commit`]s it: no copy while the spool stays in memory.
#[derive(Debug, Default)]
pub struct Spool {
    mem: String,
    file: Option<std::io::BufWriter<std::fs::File>>,
    dir: Option<PathBuf>,
}

impl Spool {
    /// Bytes kept in memory before everything goes to a file (the memory
    /// may pass it by what was pushed between two commits: a row).
    pub const MEMORY: usize = 1 << 20;

    /// An empty spool spilling into `dir` (the system's temporary folder
    /// for `None`).
    pub fn new(dir: Option<&Path>) -> Spool {
        Spool {
            mem: String::new(),
            file: None,
            dir: dir.map(Path::to_path_buf),
        }
    }

    /// Makes room in memory for `n` more bytes, as far as the spool keeps
    /// them in memory.
    pub fn reserve(&mut self, n: usize) {
        if self.file.is_none() {
            let room = (Spool::MEMORY + 1).saturating_sub(self.mem.len());
            self.mem.reserve(n.min(room));
        }
    }

    /// Where the next text is pushed; it is part of the spool once
    /// committed ([`Spool::commit`]).
    pub fn buffer(&mut self) -> &mut String {
        &mut self.mem
    }

    /// Takes in what was pushed to [`Spool::buffer`]: it stays in memory
    /// while the spool holds at most [`Spool::MEMORY`] bytes; past that,
    /// everything goes to the temporary file, and so does all that comes
    /// after.
    ///
    /// # Errors
    /// Creating or writing the temporary file.
    pub fn commit(&mut self) -> std::io::Result<()> {
        if self.file.is_none() {
            if self.mem.len() <= Spool::MEMORY {
                return Ok(());
            }
            let f = match &self.dir {
                Some(d) => tempfile::tempfile_in(d)?,
                None => tempfile::tempfile()?,
            };
            self.file = Some(std::io::BufWriter::with_capacity(1 << 16, f));
        }
        if let Some(f) = &mut self.file {
            f.write_all(self.mem.as_bytes())?;
            // The memory only passes text on now: not the spooled megabyte.
            if self.mem.capacity() > 1 << 16 {
                self.mem = String::new();
            } else {
                self.mem.clear();
            }
        }
        Ok(())
    }

    /// Pushes `s` and commits it.
    ///
    /// # Errors
    /// As [`Spool::commit`].
    pub fn push_str(&mut self, s: &str) -> std::io::Result<()> {
        self.mem.push_str(s);
        self.commit()
    }

    /// Copies everything committed to `out` and empties the spool.
    ///
    /// # Errors
    /// Reading the temporary file or writing `out`.
    pub fn copy_to(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        match self.file.take() {
            None => out.write_all(self.mem.as_bytes())?,
            Some(f) => {
                let mut f = f
                    .into_inner()
                    .map_err(std::io::IntoInnerError::into_error)?;
                std::io::Seek::rewind(&mut f)?;
                std::io::copy(&mut f, out)?;
            }
        }
        self.mem = String::new();
        Ok(())
    }
}

impl Format {
    /// Every format, in documentation order.
    pub const ALL: [Format; 6] = [
        Format::Jsonl,
        Format::Tsv,
        Format::Tmx,
        Format::Xliff,
        Format::Html,
        Format::Txt,
    ];

    /// The name used in config files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Tsv => "tsv",
            Format::Tmx => "tmx",
            Format::Xliff => "xliff",
            Format::Html => "html",
            Format::Txt => "txt",
        }
    }

    /// The file-name suffixes this format writes after a document's name,
    /// given the source and target language codes.
    pub fn suffixes(self, source_lang: &str, target_lang: &str) -> Vec<String> {
        match self {
            Format::Jsonl => vec![".jsonl".into()],
            Format::Tsv => vec![".tsv".into()],
            Format::Tmx => vec![".tmx".into()],
            Format::Xliff => vec![".xlf".into()],
            Format::Html => vec![".html".into()],
            Format::Txt => vec![
                format!(".{source_lang}.txt"),
                format!(".{target_lang}.txt"),
                ".ascii.txt".into(),
            ],
        }
    }

    /// Parses a format name (`xlf` is accepted for `xliff`).
    pub fn from_name(s: &str) -> Option<Format> {
        if s == "xlf" {
            return Some(Format::Xliff);
        }
        Self::ALL.into_iter().find(|f| f.name() == s)
    }
}

/// The output file of the document named `stem` for `suffix`, relative to
/// the output folder: the name with the suffix appended (`x/b` + `.jsonl`
/// is `x/b.jsonl`; `.` + `.jsonl` is `..jsonl`, a plain file name).
pub fn output_file(stem: &Path, suffix: &str) -> PathBuf {
    let mut name: OsString = stem.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The longest file name, in bytes, that the usual file systems take
/// (ext4, XFS, Btrfs, tmpfs, APFS, NTFS in UTF-16 units aside): an output
/// name longer than this is refused by [`plan`].
pub const NAME_MAX: usize = 255;

/// Checks, before a batch writes anything, every output of `docs`
/// (`(input, output name)` pairs) in `formats`: each must lie inside `dir`
/// ([`crate::atomic::inside`]), no two may be the same file (two inputs
/// with one name, or one document whose source and target languages give
/// its text outputs one name), and no output may be a folder another output
/// needs. Returns the number of output files.
///
/// # Errors
/// [`Error::OutsideOutput`] or [`Error::OutputClash`] naming the inputs
/// and the file; [`Error::OutputNameTooLong`] for a file name longer than
/// [`NAME_MAX`] bytes.
pub fn plan<'a>(
    dir: &Path,
    docs: impl IntoIterator<Item = (&'a Path, &'a Path)>,
    formats: &[Format],
    source_lang: &str,
    target_lang: &str,
) -> Result<usize> {
    if std::fs::metadata(dir).is_ok_and(|m| !m.is_dir()) {
        return Err(Error::OutputDirIsFile {
            path: dir.to_path_buf(),
        });
    }
    let suffixes: Vec<String> = formats
        .iter()
        .flat_map(|f| f.suffixes(source_lang, target_lang))
        .collect();
    // Names equal as written are found below with the file they name;
    // names equal only up to case are one file on many file systems.
    for (i, a) in suffixes.iter().enumerate() {
        if let Some(b) = suffixes[i + 1..]
            .iter()
            .find(|b| *b != a && b.eq_ignore_ascii_case(a))
        {
            return Err(Error::OutputNamesDifferInCase {
                first: a.clone(),
                second: b.clone(),
            });
        }
    }
    let mut folder = crate::atomic::OutputFolder::new(dir)?;
    let mut files: HashMap<PathBuf, &Path> = HashMap::new();
    let mut folders: HashMap<PathBuf, &Path> = HashMap::new();
    let docs: Vec<(&Path, &Path)> = docs.into_iter().collect();
    // The inputs as files on disk: an output that is one of them (`run
    // articles -o articles` with `bai.txt` and the editor's `bai.en.txt`)
    // would destroy it.
    // Real paths with each folder resolved once (a thousand inputs in one
    // folder cost a thousand `stat`s, not a thousand `realpath`s), and an
    // output looked at only when its folder exists.
    let mut real = crate::atomic::RealPaths::default();
    let inputs: std::collections::HashSet<PathBuf> = docs
        .iter()
        .filter_map(|(input, _)| real.of(input))
        .collect();
    for (input, stem) in docs {
        for suffix in &suffixes {
            let rel = output_file(stem, suffix);
            let name_bytes = rel.file_name().map_or(0, |n| n.as_encoded_bytes().len());
            if name_bytes > NAME_MAX {
                return Err(Error::OutputNameTooLong {
                    input: input.to_path_buf(),
                    output: dir.join(&rel),
                    bytes: name_bytes,
                    max: NAME_MAX,
                });
            }
            let path = folder.check(&rel)?;
            // Where the file lands, not the path as typed: `-o new/../d`
            // writes into `d`, though `new` does not exist yet.
            if real
                .of(&folder.landing(&rel))
                .is_some_and(|p| inputs.contains(&p))
            {
                return Err(Error::OutputIsInput {
                    input: input.to_path_buf(),
                    output: path,
                });
            }
            if let Some(first) = files.insert(rel.clone(), input) {
                return Err(Error::OutputClash {
                    first: first.to_path_buf(),
                    second: input.to_path_buf(),
                    output: path,
                });
            }
            for folder in rel.ancestors().skip(1) {
                if folder.as_os_str().is_empty() {
                    break;
                }
                folders.entry(folder.to_path_buf()).or_insert(input);
            }
        }
    }
    for (folder_rel, input) in &folders {
        let path = dir.join(folder_rel);
        if std::fs::metadata(&path).is_ok_and(|m| !m.is_dir()) {
            return Err(Error::OutputFolderIsFile {
                input: input.to_path_buf(),
                path,
            });
        }
    }
    for (rel, input) in &files {
        if let Some(other) = folders.get(rel) {
            return Err(Error::OutputClash {
                first: input.to_path_buf(),
                second: other.to_path_buf(),
                output: dir.join(rel),
            });
        }
    }
    Ok(files.len())
}

/// The files of one document being written under `folder` as `stem` +
/// suffix, in every format at once, segment group by segment group
/// ([`DocWriter::write`]); each file atomic and checked to lie inside the
/// folder ([`crate::atomic::OutputFolder::create`]; the document's folder
/// is checked afresh for each document). Nothing is at the files' names
/// until [`DocWriter::finish`]; dropped before, it leaves nothing behind.
pub struct DocWriter<'a> {
    writers: Vec<(Box<dyn Writer + 'a>, std::ops::Range<usize>)>,
    files: Vec<Sink>,
    /// The input (named when an output was changed since it was written).
    original: &'a str,
}

/// One output file being written (its name inside the output folder, its
/// contents hashed on the way), remembering whether a write failed (so an
/// error names its file).
struct Sink {
    w: std::io::BufWriter<record::Hashing<crate::atomic::AtomicFile>>,
    rel: PathBuf,
    failed: bool,
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.w.write(buf);
        self.failed |= r.is_err();
        r
    }
    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.w.flush();
        self.failed |= r.is_err();
        r
    }
}

impl<'a> DocWriter<'a> {
    /// Opens the files of `formats` for the document `info`.
    ///
    /// # Errors
    /// [`crate::Error::OutsideOutput`] for an output that would leave the
    /// folder, [`crate::Error::Io`] when a temporary file cannot be made.
    pub fn new(
        folder: &mut crate::atomic::OutputFolder,
        stem: &Path,
        formats: &[Format],
        info: DocInfo<'a>,
    ) -> Result<DocWriter<'a>> {
        folder.forget();
        let mut writers = Vec::with_capacity(formats.len());
        let mut files = Vec::new();
        for &f in formats {
            let from = files.len();
            for suffix in f.suffixes(info.source_lang, info.target_lang) {
                let rel = output_file(stem, &suffix);
                let file = folder.create(&rel)?;
                files.push(Sink {
                    w: std::io::BufWriter::with_capacity(1 << 16, record::Hashing::new(file)),
                    rel,
                    failed: false,
                });
            }
            writers.push((writer(f, info), from..files.len()));
        }
        Ok(DocWriter {
            writers,
            files,
            original: info.original,
        })
    }

    /// Runs `step` for each format with its files.
    fn each(
        &mut self,
        mut step: impl FnMut(&mut (dyn Writer + 'a), &mut [&mut dyn Write]) -> std::io::Result<()>,
    ) -> Result<()> {
        for (w, range) in &mut self.writers {
            let files = &mut self.files[range.clone()];
            let mut sinks: Vec<&mut dyn Write> =
                files.iter_mut().map(|f| f as &mut dyn Write).collect();
            if let Err(e) = step(w.as_mut(), &mut sinks) {
                // A failed write names its file; a writer's own spool, its
                // format's first file.
                let at = files.iter().position(|f| f.failed).unwrap_or(0);
                return Err(Error::io(files[at].w.get_ref().get_ref().path(), e));
            }
        }
        Ok(())
    }

    /// Writes the next segments of the document in every format.
    ///
    /// # Errors
    /// [`crate::Error::Io`] naming the file that could not be written.
    pub fn write(&mut self, segments: &[Segment]) -> Result<()> {
        self.each(|w, out| w.write(segments, out))
    }

    /// Ends every file and puts each at its name atomically; with `flush`,
    /// the files are recorded there to reach the disk together with the
    /// rest of the batch ([`crate::atomic::Flush::flush`]); without, each
    /// is flushed before it replaces the old one. With `record` (the output
    /// folder's [`record::OutputRecord`]), an output changed since songngu
    /// wrote it is not replaced, and the new files' entries are noted
    /// there. Returns the files.
    ///
    /// Every file is complete and every destination checked before the
    /// first is renamed into place, so what usually fails (a full disk, a
    /// folder where an output goes, an output someone changed) leaves the
    /// document's old outputs all in place; only a rename failing midway
    /// (an I/O error between two renames) can leave some new and some old.
    ///
    /// # Errors
    /// [`crate::Error::OutputEdited`] naming the changed outputs (nothing
    /// written); [`crate::Error::Io`] for the first file that cannot be
    /// written (files already put in place stay, each complete).
    pub fn finish(
        mut self,
        flush: Option<&crate::atomic::Flush>,
        record: Option<&record::OutputRecord>,
    ) -> Result<Written> {
        self.each(|w, out| w.finish(out))?;
        let mut files = Vec::with_capacity(self.files.len());
        let mut entries = Vec::with_capacity(self.files.len());
        let mut changed = Vec::new();
        for f in self.files {
            let path = f.w.get_ref().get_ref().path().to_path_buf();
            let (file, hash) =
                f.w.into_inner()
                    .map_err(|e| Error::io(&path, e.into_error()))?
                    .into_parts();
            let now = file.check_replaceable()?;
            if let Some(record) = record {
                record.check_folder(&f.rel, self.original)?;
                changed.extend(record.changed(&f.rel, &path, now.as_ref())?);
                entries.push(record::OutputRecord::entry(&f.rel, hash, &file.metadata()?));
            }
            files.push((path, file));
        }
        let mut kept = Vec::new();
        if let Some(first) = changed.first() {
            if !record.is_some_and(record::OutputRecord::overwrites) {
                return Err(Error::OutputEdited {
                    input: PathBuf::from(self.original),
                    why: first.why.clone(),
                    files: changed.into_iter().map(|c| c.path).collect(),
                });
            }
            // `--overwrite-edited`: each changed output is kept beside its
            // replacement (`bai.en.txt.edited-20261129T054512Z`), never lost.
            let stamp = tmx::tmx_date();
            for c in changed {
                let keep = kept_name(&c.path, &stamp);
                std::fs::rename(&c.path, &keep).map_err(|e| Error::io(&c.path, e))?;
                kept.push((c.path, keep));
            }
        }
        if let Some(record) = record {
            record.before_commit(&entries)?;
        }
        let mut written = Vec::with_capacity(files.len());
        for (path, file) in files {
            file.commit(flush)?;
            written.push(path);
        }
        if let Some(record) = record {
            record.committed(entries);
        }
        Ok(Written {
            files: written,
            kept,
        })
    }
}

/// What [`DocWriter::finish`] did.
#[derive(Debug, Default)]
pub struct Written {
    /// The files written.
    pub files: Vec<PathBuf>,
    /// Outputs changed since songngu wrote them, replaced with
    /// `--overwrite-edited`: each path and where the changed file was kept.
    pub kept: Vec<(PathBuf, PathBuf)>,
}

/// A free name beside `path` for the changed output it replaces:
/// `NAME.edited-STAMP`, then `NAME.edited-STAMP-2`, … (a name no run reads as
/// an article: it does not end in `.txt` or `.md`).
fn kept_name(path: &Path, stamp: &str) -> PathBuf {
    let mut n = 1;
    loop {
        let mut name = path.as_os_str().to_owned();
        name.push(format!(".edited-{stamp}"));
        if n > 1 {
            name.push(format!("-{n}"));
        }
        let candidate = PathBuf::from(name);
        if std::fs::symlink_metadata(&candidate).is_err() {
            return candidate;
        }
        n += 1;
    }
}

/// Writes every format of one whole document under `folder` as `stem` +
/// suffix (a [`DocWriter`] given all the segments at once). Returns the
/// files written.
///
/// # Errors
/// As [`DocWriter::new`] and [`DocWriter::finish`].
pub fn write_all(
    folder: &mut crate::atomic::OutputFolder,
    stem: &Path,
    formats: &[Format],
    out: &Output<'_>,
    flush: Option<&crate::atomic::Flush>,
) -> Result<Vec<PathBuf>> {
    let mut w = DocWriter::new(folder, stem, formats, out.info())?;
    w.write(out.segments)?;
    w.finish(flush, None).map(|w| w.files)
}

/// The value of the attribute called `name` (any namespace), normalised.
fn attribute(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
        .map(|v| v.into_owned())
}

/// The text a general reference (`&amp;`, `&#x1EA0;`) stands for: one of
/// XML's five predefined entities, or a character reference (`&#N;`,
/// `&#xH;`) to a character XML 1.0 allows. `None` for anything else: an
/// entity a DTD declares (never expanded: no external entity is read and
/// no entity grows), an undeclared one, `&#X41;` (XML's `x` is lower case)
/// or a reference to no allowed character (`&#0;`, `&#xD800;`).
fn resolve(name: &str) -> Option<String> {
    let s = match name {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "quot" => "\"",
        "apos" => "'",
        other => {
            let n = other.strip_prefix('#')?;
            let cp = match n.strip_prefix('x') {
                Some(h) if !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    u32::from_str_radix(h, 16).ok()
                }
                Some(_) => None,
                None if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => n.parse().ok(),
                None => None,
            };
            return cp
                .and_then(char::from_u32)
                .filter(|&c| crate::xml::is_xml_char(c))
                .map(String::from);
        }
    };
    Some(s.to_owned())
}

/// What [`read_xml`] reports: an element opened (`true` when it is empty,
/// `<x/>`), an element closed (its local name), or a piece of text
/// (references resolved).
enum Xml<'a> {
    /// The element, whether it is empty, and the 1-based line it starts on.
    Open(&'a quick_xml::events::BytesStart<'a>, bool, usize),
    Close(&'a str),
    Text(String),
}

/// Reads the XML `text` of `file`, telling `f` each element opened or
/// closed and each piece of text, in order.
///
/// # Errors
/// [`Error::Parse`] at the line and column where the XML stops being
/// well-formed: `not well-formed FORMAT (byte N): why; HINT`.
fn read_xml(
    file: &Path,
    text: &str,
    format: &str,
    hint: &str,
    mut f: impl FnMut(Xml<'_>),
) -> Result<()> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    // The elements open, outermost first: a file that ends with any of
    // them open was cut short (a transfer stopped midway), and a reader
    // that took what it had would lose the rest without a word.
    let mut open: Vec<String> = Vec::new();
    // The line of each element's start, counted forward from the last one.
    let (mut line, mut counted) = (1usize, 0usize);
    let mut line_of = |start: usize| {
        let start = start.clamp(counted, text.len());
        line += memchr::memchr_iter(b'\n', &text.as_bytes()[counted..start]).count();
        counted = start;
        line
    };
    loop {
        let event = reader.read_event().map_err(|e| {
            let at = reader.error_position();
            let (line, column) = line_col(text, at as usize);
            Error::parse(
                file,
                line,
                Some(column),
                format!("not well-formed {format} (byte {at}): {e}; {hint}"),
            )
        })?;
        match event {
            Event::Eof => {
                let Some(outer) = open.first() else {
                    return Ok(());
                };
                let (line, column) = line_col(text, text.len());
                return Err(Error::parse(
                    file,
                    line,
                    Some(column),
                    format!(
                        "{format} ends before `</{}>` closes `<{outer}>`: the file is cut short \
                         (nothing was imported from it); {hint}",
                        open.last().unwrap_or(outer)
                    ),
                ));
            }
            Event::Start(e) => {
                open.push(e.name().as_ref().to_owned());
                // The reader stands after `>`; the element began at `<`.
                let at = (reader.buffer_position() as usize).saturating_sub(e.len() + 2);
                f(Xml::Open(&e, false, line_of(at)));
            }
            Event::Empty(e) => {
                let at = (reader.buffer_position() as usize).saturating_sub(e.len() + 3);
                f(Xml::Open(&e, true, line_of(at)));
            }
            Event::End(e) => {
                open.pop();
                f(Xml::Close(e.local_name().as_ref()));
            }
            Event::Text(t) => f(Xml::Text(t.xml10_content().into_owned())),
            Event::GeneralRef(r) => {
                let name = r.xml10_content();
                let Some(piece) = resolve(&name) else {
                    // The reader stands after `;`; the reference began at `&`.
                    let at = (reader.buffer_position() as usize).saturating_sub(r.len() + 2);
                    let (line, column) = line_col(text, at);
                    return Err(Error::parse(
                        file,
                        line,
                        Some(column),
                        format!(
                            "the reference `&{};` stands for no text {format} may hold here: only \
                             `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;` and character references \
                             (`&#233;`, `&#xE9;`) to characters XML allows are read, and entities \
                             a DTD declares are never expanded (nothing was imported from the \
                             file); write the text itself there; {hint}",
                            name.escape_debug()
                        ),
                    ));
                };
                f(Xml::Text(piece));
            }
            // CDATA is text, taken as written (no references inside).
            Event::CData(t) => f(Xml::Text(t.into_inner().into_owned())),
            _ => {}
        }
    }
}

/// The 1-based line and column (in characters) of the byte `offset` in
/// `text`, for readers' errors.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[start..].chars().count() + 1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spool_gives_back_what_was_committed_from_memory_or_its_file() {
        let dir = tempfile::tempdir().unwrap();
        for total in [0, 10, Spool::MEMORY, 3 * Spool::MEMORY + 17] {
            let mut spool = Spool::new(Some(dir.path()));
            let mut want = String::new();
            let mut n = 0;
            while want.len() < total {
                let piece = format!("<tr id=\"seg-{n}\">Kết luận {}</tr>\n", "x".repeat(n % 700));
                n += 1;
                if n % 2 == 0 {
                    spool.buffer().push_str(&piece);
                    spool.commit().unwrap();
                } else {
                    spool.push_str(&piece).unwrap();
                }
                want.push_str(&piece);
                // Past its memory the spool holds a row at most in memory.
                assert!(spool.file.is_none() || spool.mem.is_empty());
            }
            assert_eq!(spool.file.is_some(), want.len() > Spool::MEMORY);
            let mut out = Vec::new();
            spool.copy_to(&mut out).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }

    #[test]
    fn plan_refuses_clashes_folders_taken_by_files_and_names_leaving_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let p = |s: &'static str| Path::new(s);
        let ok = plan(
            &out,
            [(p("a.txt"), p("a")), (p("x/a.txt"), p("x/a"))],
            &Format::ALL,
            "vi",
            "en",
        );
        assert_eq!(ok.unwrap(), 16);
        let clash = plan(
            &out,
            [(p("a.txt"), p("a")), (p("a.md"), p("a"))],
            &[Format::Jsonl],
            "vi",
            "en",
        )
        .unwrap_err();
        assert!(
            clash
                .to_string()
                .starts_with("a.txt and a.md would both be written to "),
            "{clash}"
        );
        // `a.jsonl` as a file and as the folder of `a.jsonl/b.jsonl`.
        let folder = plan(
            &out,
            [(p("a.txt"), p("a")), (p("d/a.jsonl/b.txt"), p("a.jsonl/b"))],
            &[Format::Jsonl],
            "vi",
            "en",
        );
        assert!(
            matches!(folder, Err(Error::OutputClash { .. })),
            "{folder:?}"
        );
        // One document's own txt outputs.
        let same = plan(&out, [(p("a.txt"), p("a"))], &[Format::Txt], "vi", "vi").unwrap_err();
        assert!(same.to_string().contains("two of its outputs"), "{same}");
        // A language code that was not validated cannot lead out.
        let out_of = plan(
            &out,
            [(p("a.txt"), p("a"))],
            &[Format::Txt],
            "vi",
            "x/../../../PWNED",
        );
        assert!(
            matches!(out_of, Err(Error::OutsideOutput { .. })),
            "{out_of:?}"
        );
        assert!(!out.exists(), "planning creates nothing");
    }
}
