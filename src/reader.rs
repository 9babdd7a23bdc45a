//! The read stage: bytes to a normalised [`Document`], and the inputs of a
//! batch (files, folders walked for `.txt` and `.md` without looping or
//! visiting a file twice, stdin) with their output names.
//!
//! Contract: a UTF-8 BOM is dropped, control characters are taken out
//! (counted in [`Document::cleaned`]: NUL, the other C0 controls but tab,
//! LF and CR, DEL, the C1 controls, U+FFFE and U+FFFF are removed; VT, FF
//! and NEL become LF), CRLF and lone CR become LF, the text is put in NFC.
//! Nothing else changes (no trimming, no whitespace collapsing). Bytes that
//! are not UTF-8 are an error naming the input and the byte offset of the
//! first bad byte.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::document::{Cleaned, Document};
use crate::error::{Error, Result};

/// VT, FF and NEL: control characters that end a line (Word's manual line
/// break, a page break, EBCDIC's newline). The reader makes them LF.
pub fn is_line_break_control(c: char) -> bool {
    matches!(c, '\u{B}' | '\u{C}' | '\u{85}')
}

/// The characters no songngu text keeps (the XML and HTML writers cannot
/// carry them): NUL and the other C0 controls but tab, LF, CR, VT and FF;
/// DEL; the C1 controls but NEL; the noncharacters U+FFFE and U+FFFF.
pub fn is_removed_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{E}'..='\u{1F}' | '\u{7F}'..='\u{84}' | '\u{86}'..='\u{9F}')
        || c == '\u{FFFE}'
        || c == '\u{FFFF}'
}

/// `text` without the characters of [`is_removed_control`], and with those
/// of [`is_line_break_control`] made spaces: for one-line texts that come
/// from elsewhere than the reader (corrections imported into the memory).
pub fn clean_line(text: &str) -> std::borrow::Cow<'_, str> {
    if !text
        .chars()
        .any(|c| is_removed_control(c) || is_line_break_control(c))
    {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .filter(|&c| !is_removed_control(c))
        .map(|c| if is_line_break_control(c) { ' ' } else { c })
        .collect()
}

/// Normalises raw input bytes into a document called `name`; `origin`
/// names the input in errors.
///
/// # Errors
/// [`Error::InvalidUtf8`] with the offset of the first bad byte (counted
/// in the input as given, BOM included).
pub fn decode(bytes: &[u8], name: &str, origin: &Path) -> Result<Document> {
    let mut n = Normaliser::new(origin);
    let mut text = String::with_capacity(bytes.len());
    n.push(bytes, &mut text)?;
    n.finish(&mut text)?;
    Ok(Document {
        name: name.to_owned(),
        text,
        cleaned: n.cleaned,
    })
}

/// The reader's normalisation (see the module documentation) done on the
/// input a piece at a time, with the same result whatever the pieces: a
/// character, a BOM or a CRLF cut between two pieces is put together, and
/// the NFC of the text is cut only before a character that nothing before
/// it can combine with (Unicode's normalisation boundary: canonical
/// combining class 0 and NFC quick check yes), so the pieces' NFC joined
/// is the NFC of the whole.
#[derive(Debug)]
pub struct Normaliser {
    origin: PathBuf,
    /// Input bytes taken so far.
    offset: u64,
    /// The start of a character cut at the end of the last piece.
    tail: Vec<u8>,
    /// Past the place of a BOM.
    started: bool,
    /// The last character kept was a CR (made LF): an LF after it goes.
    after_cr: bool,
    /// Clean text after the last normalisation boundary, not yet in NFC.
    pending: String,
    /// What was taken out so far.
    pub cleaned: Cleaned,
}

impl Normaliser {
    /// A normaliser for the input `origin` (named in errors).
    pub fn new(origin: &Path) -> Normaliser {
        Normaliser {
            origin: origin.to_path_buf(),
            offset: 0,
            tail: Vec::new(),
            started: false,
            after_cr: false,
            pending: String::new(),
            cleaned: Cleaned::default(),
        }
    }

    /// Normalises the next `bytes` of the input, appending to `out` the
    /// text that is final (text after the last normalisation boundary
    /// waits for the next piece or [`Normaliser::finish`]).
    ///
    /// # Errors
    /// [`Error::InvalidUtf8`] with the offset of the first bad byte.
    pub fn push(&mut self, bytes: &[u8], out: &mut String) -> Result<()> {
        self.take(bytes, false)?;
        self.normalise(out, false);
        Ok(())
    }

    /// Ends the input: appends the rest of the text to `out`.
    ///
    /// # Errors
    /// [`Error::InvalidUtf8`] when the input ends inside a character.
    pub fn finish(&mut self, out: &mut String) -> Result<()> {
        self.take(&[], true)?;
        self.normalise(out, true);
        Ok(())
    }

    fn take(&mut self, bytes: &[u8], eof: bool) -> Result<()> {
        let joined;
        let mut data = if self.tail.is_empty() {
            bytes
        } else {
            let mut v = std::mem::take(&mut self.tail);
            v.extend_from_slice(bytes);
            joined = v;
            &joined[..]
        };
        if !self.started {
            if data.len() < 3 && !eof && b"\xEF\xBB\xBF".starts_with(data) {
                self.tail = data.to_vec();
                return Ok(());
            }
            self.started = true;
            if let Some(rest) = data.strip_prefix(b"\xEF\xBB\xBF") {
                data = rest;
                self.offset += 3;
            }
        }
        // Validated by SIMD: the same answer and error as std's, which
        // goes byte by byte through Vietnamese letters.
        let text = match simdutf8::compat::from_utf8(data) {
            Ok(t) => t,
            Err(e) if e.error_len().is_none() && !eof => {
                self.tail = data[e.valid_up_to()..].to_vec();
                simdutf8::compat::from_utf8(&data[..e.valid_up_to()]).expect("valid up to here")
            }
            Err(e) => {
                return Err(Error::InvalidUtf8 {
                    path: self.origin.clone(),
                    offset: self.offset + e.valid_up_to() as u64,
                });
            }
        };
        self.clean(text);
        self.offset += text.len() as u64;
        Ok(())
    }

    /// Appends `text` to `pending`, its control characters taken out and
    /// its line ends made LF.
    fn clean(&mut self, text: &str) {
        // Control characters go here, once, so that the source, every
        // output and the review page agree: the XML and HTML writers cannot
        // carry them, and a page that silently dropped them saw edits
        // nobody made. VT, FF and NEL end a line (Word's manual line break,
        // a page break, EBCDIC's newline): they become LF rather than glue
        // words together.
        let suspect = |b: u8| {
            (b < 0x20 && !matches!(b, b'\t' | b'\n')) || b == 0x7F || b == 0xC2 || b == 0xEF
        };
        if text.is_empty() {
            return;
        }
        // By blocks of 64 without an early exit, which the compiler
        // vectorises.
        let any_suspect = text
            .as_bytes()
            .chunks(64)
            .any(|block| block.iter().fold(false, |any, &b| any | suspect(b)));
        if !any_suspect {
            // The common case: only a CR before an LF can start the text.
            if self.after_cr && text.starts_with('\n') {
                self.pending.push_str(&text[1..]);
            } else {
                self.pending.push_str(text);
            }
            self.after_cr = false;
            return;
        }
        for (i, c) in text.char_indices() {
            let line_break = is_line_break_control(c);
            let c = if line_break || is_removed_control(c) {
                if line_break {
                    self.cleaned.line_breaks += 1;
                } else {
                    self.cleaned.removed += 1;
                }
                self.cleaned
                    .first
                    .get_or_insert((c, self.offset + i as u64));
                if !line_break {
                    continue;
                }
                '\n'
            } else {
                c
            };
            match c {
                '\r' => {
                    self.pending.push('\n');
                    self.after_cr = true;
                }
                '\n' if self.after_cr => self.after_cr = false,
                c => {
                    self.pending.push(c);
                    self.after_cr = false;
                }
            }
        }
    }

    /// Moves `pending` up to its last normalisation boundary (all of it at
    /// the end) to `out`, in NFC.
    fn normalise(&mut self, out: &mut String, all: bool) {
        let cut = if all {
            self.pending.len()
        } else {
            last_boundary(&self.pending)
        };
        if cut == 0 {
            return;
        }
        let done = &self.pending[..cut];
        if crate::plaintext::surely_nfc(done.as_bytes())
            || is_nfc_quick(done.chars()) == IsNormalized::Yes
        {
            out.push_str(done);
        } else {
            out.extend(done.nfc());
        }
        self.pending.drain(..cut);
    }
}

/// The offset of the last character of `text` before which its NFC can
/// be cut (see [`Normaliser`]), 0 when there is none.
fn last_boundary(text: &str) -> usize {
    // Any ASCII character is one; most texts have one near the end.
    if let Some(i) = text.bytes().rposition(|b| b.is_ascii())
        && i > 0
    {
        return i;
    }
    text.char_indices()
        .rev()
        .find(|&(i, c)| {
            i > 0
                && unicode_normalization::char::canonical_combining_class(c) == 0
                && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes
        })
        .map_or(0, |(i, _)| i)
}

/// An input's text read a block at a time ([`Input::open`]), normalised
/// as [`decode`] does.
pub struct TextReader {
    source: Box<dyn std::io::Read + Send>,
    origin: PathBuf,
    norm: Normaliser,
    block: Vec<u8>,
    done: bool,
}

impl std::fmt::Debug for TextReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextReader")
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

impl TextReader {
    /// Bytes read at a time.
    pub const BLOCK: usize = 1 << 18;

    /// Appends the next block of normalised text to `out`; `false` once
    /// the input is done (nothing appended then).
    ///
    /// # Errors
    /// [`Error::Io`] or [`Error::InvalidUtf8`], naming the input.
    pub fn read(&mut self, out: &mut String) -> Result<bool> {
        if self.done {
            return Ok(false);
        }
        // Into the block's spare room, which is never zeroed (a zeroed
        // 256 KiB block cost more than reading a 50 KB article), up to a
        // block or the end of the input.
        self.block.clear();
        let limit = self.block.capacity() as u64;
        let mut source = std::io::Read::take(self.source.as_mut(), limit);
        let n = std::io::Read::read_to_end(&mut source, &mut self.block)
            .map_err(|e| Error::io(&self.origin, e))?;
        if n > 0 {
            self.norm.push(&self.block, out)?;
        }
        // Short of a block: the input ended (no read for its end again).
        if n < self.block.capacity() {
            self.done = true;
            self.norm.finish(out)?;
        }
        Ok(true)
    }

    /// What was taken out of the input so far.
    pub fn cleaned(&self) -> Cleaned {
        self.norm.cleaned
    }
}

/// One input of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The file, or `-` for stdin.
    pub path: PathBuf,
    /// Its output name: where its outputs go, relative to the output
    /// folder, without a format suffix (`b` for `a/b.txt`; `x/b` for
    /// `articles/x/b.txt` found in the folder `articles/`; see
    /// [`collect`] for the whole rule).
    pub out_stem: PathBuf,
    /// The document name (the last part of the output name).
    name: String,
    /// Why the walk could not read this entry (it then fails when read).
    unreadable: Option<(std::io::ErrorKind, String)>,
}

impl Input {
    fn stdin() -> Input {
        Input {
            path: PathBuf::from("-"),
            out_stem: PathBuf::from("stdin"),
            name: "stdin".into(),
            unreadable: None,
        }
    }

    /// Is this stdin?
    pub fn is_stdin(&self) -> bool {
        self.path.as_os_str() == "-"
    }

    /// Did the folder walk fail to read this entry? Such an input has no
    /// outputs; reading it returns the walk's error.
    pub fn is_unreadable(&self) -> bool {
        self.unreadable.is_some()
    }

    /// The document name: the last part of the output name (the file stem
    /// for `a/b.txt`), `stdin` for stdin.
    pub fn name(&self) -> String {
        self.name.clone()
    }

    /// Reads and normalises the whole input.
    ///
    /// # Errors
    /// [`Error::Io`] or [`Error::InvalidUtf8`], naming the input.
    pub fn read(&self) -> Result<Document> {
        let mut r = self.open()?;
        let mut text = String::new();
        while r.read(&mut text)? {}
        Ok(Document {
            name: self.name(),
            text,
            cleaned: r.cleaned(),
        })
    }

    /// Opens the input to read its normalised text a block at a time
    /// ([`TextReader`]): memory for a block, not for the input.
    ///
    /// # Errors
    /// [`Error::Io`] naming the input.
    pub fn open(&self) -> Result<TextReader> {
        if let Some((kind, message)) = &self.unreadable {
            return Err(Error::io(
                &self.path,
                std::io::Error::new(*kind, message.clone()),
            ));
        }
        let (source, origin): (Box<dyn std::io::Read + Send>, PathBuf) = if self.is_stdin() {
            (Box::new(std::io::stdin()), PathBuf::from("<stdin>"))
        } else {
            let f = std::fs::File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
            (Box::new(f), self.path.clone())
        };
        Ok(TextReader {
            source,
            norm: Normaliser::new(&origin),
            origin,
            block: Vec::with_capacity(TextReader::BLOCK),
            done: false,
        })
    }
}

fn is_article(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("txt") || e.eq_ignore_ascii_case("md"))
}

/// How folders are walked.
#[derive(Debug, Clone, Copy, Default)]
pub struct WalkOptions<'a> {
    /// Follow symbolic links to folders (each folder is still visited
    /// once). Links to files are always read.
    pub follow_links: bool,
    /// A folder never entered below a walked folder: `run`'s output folder,
    /// so that `songngu run .` does not read its own outputs (`out/a.en.txt`)
    /// as articles on the next run. Named as an input itself, it is walked.
    /// Where the walk meets it, it is in [`Walk::skipped`].
    pub skip: Option<&'a Path>,
    /// Skip hidden entries ([`is_hidden`]) below a walked folder: their
    /// folders are not entered, their files not read. The hidden folders
    /// and the hidden files that would be wanted but for their dot are in
    /// [`Walk::hidden`].
    pub skip_hidden: bool,
    /// Leave out the line-aligned text outputs of a run (the `txt`
    /// format's `X.<language>.txt` files with their `X.ascii.txt`, see
    /// [`earlier_outputs`]): [`collect`] does not read them, they are in
    /// [`Collected::earlier_outputs`].
    pub skip_aligned_outputs: bool,
    /// The files an output folder's record names: in a walk of that folder
    /// (or of a folder inside it), they are outputs, whatever their lines:
    /// [`collect`] does not read them, they are in
    /// [`Collected::recorded_outputs`].
    pub recorded: Option<&'a KnownOutputs>,
}

/// Files of an output folder that are outputs whatever they hold (those
/// its record of what `songngu run` wrote names, see
/// `formats::record::Recorded`).
#[derive(Debug, Default)]
pub struct KnownOutputs {
    /// The output folder, resolved.
    pub root: PathBuf,
    /// The files, each by its path inside the folder.
    pub files: std::collections::HashSet<PathBuf>,
}

impl KnownOutputs {
    /// Where the walked folder `walked` is inside the output folder (empty
    /// for the folder itself), if it is.
    fn inside(&self, walked: &Path) -> Option<PathBuf> {
        let walked = std::fs::canonicalize(walked).ok()?;
        walked.strip_prefix(&self.root).ok().map(Path::to_path_buf)
    }
}

/// Is `name` hidden: one dot, then anything but a dot (`.git`, `.txt`,
/// `._bai.txt`, `.#bai.txt`)? Names starting with two dots are not: the
/// files `..txt` and `...txt` are the documents `.` and `..`
/// (`docs/output-naming.md`).
pub fn is_hidden(name: &std::ffi::OsStr) -> bool {
    let b = name.as_encoded_bytes();
    b.first() == Some(&b'.') && b.get(1).is_some_and(|&c| c != b'.')
}

/// `path` with `_` before its name: what `wanted` is asked about a hidden
/// file, to tell whether it is left out for its dot alone (`.txt` is
/// `_.txt`, `._bai.md` is `_._bai.md`; `.DS_Store` stays unwanted).
fn unhidden(path: &Path) -> PathBuf {
    let mut name = OsString::from("_");
    name.push(path.file_name().unwrap_or_default());
    path.with_file_name(name)
}

/// What a folder walk found.
#[derive(Debug, Default)]
pub struct Walk {
    /// The wanted files, sorted by path.
    pub files: Vec<PathBuf>,
    /// Entries that could not be read (a folder or file past the path
    /// length limit, a folder without permission, a dangling link with a
    /// wanted name, a wanted name that is not a regular file), sorted.
    pub unreadable: Vec<(PathBuf, std::io::Error)>,
    /// Symbolic links to folders that were not followed, sorted.
    pub links_not_followed: Vec<PathBuf>,
    /// Where the walk met [`WalkOptions::skip`] (not entered).
    pub skipped: Vec<PathBuf>,
    /// Hidden entries skipped ([`WalkOptions::skip_hidden`]), sorted.
    pub hidden: Vec<PathBuf>,
}

/// An identity for "the same folder" or "the same file": device and inode
/// on Unix, the canonical path elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum FileId {
    #[cfg(unix)]
    Inode(u64, u64),
    #[allow(dead_code)]
    Path(PathBuf),
}

fn file_id(path: &Path, meta: &std::fs::Metadata) -> FileId {
    #[cfg(unix)]
    {
        let _ = path;
        use std::os::unix::fs::MetadataExt;
        FileId::Inode(meta.dev(), meta.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        FileId::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
    }
}

/// Walks the folder `root` (followed even when it is itself a link) for
/// files whose path `wanted` accepts. Symbolic links to folders are
/// followed only with [`WalkOptions::follow_links`]; a folder already
/// visited (same device and inode) is never entered again, so the walk
/// ends whatever links there are. Nothing unreadable is skipped silently:
/// it is in [`Walk::unreadable`].
pub fn walk(root: &Path, options: WalkOptions, wanted: &dyn Fn(&Path) -> bool) -> Walk {
    let mut found = Walk::default();
    let mut visited = std::collections::HashSet::new();
    let root_id = match std::fs::metadata(root) {
        Ok(m) => file_id(root, &m),
        Err(e) => {
            found.unreadable.push((root.to_path_buf(), e));
            return found;
        }
    };
    visited.insert(root_id.clone());
    // The folder to skip, unless it is the walked folder itself.
    let skip = options
        .skip
        .and_then(|skip| Some(file_id(skip, &std::fs::metadata(skip).ok()?)))
        .filter(|id| *id != root_id);
    if let Some(id) = &skip {
        visited.insert(id.clone());
    }
    // A folder met: entered once, unless it is the one to skip.
    let mut enter = |found: &mut Walk, stack: &mut Vec<PathBuf>, path: PathBuf, id: FileId| {
        if skip.as_ref() == Some(&id) {
            found.skipped.push(path);
        } else if visited.insert(id) {
            stack.push(path);
        }
    };
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) => {
                found.unreadable.push((dir, e));
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    found.unreadable.push((dir.clone(), e));
                    continue;
                }
            };
            let path = entry.path();
            let kind = match entry.file_type() {
                Ok(k) => k,
                Err(e) => {
                    found.unreadable.push((path, e));
                    continue;
                }
            };
            if options.skip_hidden && is_hidden(&entry.file_name()) {
                // Where a hidden folder is the one to skip, that is the
                // reason given.
                let folder = std::fs::metadata(&path).ok().filter(|m| m.is_dir());
                if folder
                    .as_ref()
                    .is_some_and(|m| skip.as_ref() == Some(&file_id(&path, m)))
                {
                    found.skipped.push(path);
                } else if folder.is_some() || wanted(&unhidden(&path)) {
                    found.hidden.push(path);
                }
                continue;
            }
            if kind.is_dir() {
                match entry.metadata() {
                    Ok(m) => {
                        let id = file_id(&path, &m);
                        enter(&mut found, &mut stack, path, id);
                    }
                    Err(e) => found.unreadable.push((path, e)),
                }
            } else if kind.is_symlink() {
                // Where the link leads decides.
                match std::fs::metadata(&path) {
                    Ok(m) if m.is_dir() => {
                        if options.follow_links {
                            let id = file_id(&path, &m);
                            enter(&mut found, &mut stack, path, id);
                        } else {
                            found.links_not_followed.push(path);
                        }
                    }
                    Ok(m) if wanted(&path) => {
                        if m.is_file() {
                            found.files.push(path);
                        } else {
                            found.unreadable.push((path, not_a_file()));
                        }
                    }
                    Ok(_) => {}
                    Err(e) if wanted(&path) => found.unreadable.push((path, e)),
                    // A dangling link without a wanted name: nothing to read.
                    Err(_) => {}
                }
            } else if wanted(&path) {
                if kind.is_file() {
                    found.files.push(path);
                } else {
                    found.unreadable.push((path, not_a_file()));
                }
            }
        }
    }
    found.files.sort();
    found.unreadable.sort_by(|a, b| a.0.cmp(&b.0));
    found.links_not_followed.sort();
    found.skipped.sort();
    found.hidden.sort();
    found
}

/// The number of lines of the file `f` when it is empty or ends with LF
/// (and, with `ascii`, is all ASCII), read a block at a time; else, or
/// when it cannot be read, `None`.
fn line_count(f: &Path, ascii: bool) -> Option<usize> {
    use std::io::Read;
    let mut file = std::fs::File::open(f).ok()?;
    let mut block = vec![0u8; 1 << 16];
    let (mut lines, mut last) = (0, b'\n');
    loop {
        let n = match file.read(&mut block) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        };
        let got = &block[..n];
        if ascii && !got.is_ascii() {
            return None;
        }
        lines += got.iter().filter(|&&b| b == b'\n').count();
        last = got[n - 1];
    }
    (last == b'\n').then_some(lines)
}

/// `(X, language)` for a file name of the `txt` format's form
/// `X.<language>.txt` (`docs/output-naming.md`: `bai.en.txt` is `(bai,
/// en)`, `bai.ascii.txt` is `(bai, ascii)`, `..vi.txt` is `(., vi)`); a
/// language code is letters, digits and hyphens.
fn text_output_name(name: &str) -> Option<(&str, &str)> {
    let (x, tag) = name.strip_suffix(".txt")?.rsplit_once('.')?;
    let code = !tag.is_empty() && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    code.then_some((x, tag))
}

/// The files among `files` (a walk's) that are the line-aligned text
/// outputs of a run, whatever its languages: in one folder, `X.ascii.txt`
/// all ASCII, and at least two files `X.<language>.txt` (a run writes its
/// source and its target) with as many lines as it, every file empty or
/// ending with LF. A file of such a name that is not aligned (the editor's
/// own `bai.fr.txt`) is not one of them. A name that is not UTF-8 is none.
fn earlier_outputs(files: &[PathBuf]) -> std::collections::HashSet<PathBuf> {
    let mut groups: BTreeMap<(&Path, &str), Vec<(&str, &PathBuf)>> = BTreeMap::new();
    for f in files {
        let name = f.file_name().and_then(|n| n.to_str());
        if let (Some(dir), Some((x, tag))) = (f.parent(), name.and_then(text_output_name)) {
            groups.entry((dir, x)).or_default().push((tag, f));
        }
    }
    let mut out = std::collections::HashSet::new();
    for members in groups.values() {
        let Some(&(_, ascii)) = members.iter().find(|(tag, _)| *tag == "ascii") else {
            continue;
        };
        let Some(lines) = line_count(ascii, true) else {
            continue;
        };
        let aligned: Vec<&PathBuf> = members
            .iter()
            .filter(|(tag, f)| {
                !tag.eq_ignore_ascii_case("ascii") && line_count(f, false) == Some(lines)
            })
            .map(|&(_, f)| f)
            .collect();
        if aligned.len() >= 2 {
            out.insert(ascii.clone());
            out.extend(aligned.into_iter().cloned());
        }
    }
    out
}

fn not_a_file() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        "not a regular file (a pipe, socket or device is not read)",
    )
}

/// The inputs of a batch (see [`collect`]).
#[derive(Debug, Default)]
pub struct Collected {
    /// The inputs, in order, each file once.
    pub inputs: Vec<Input>,
    /// Paths dropped because they name a file already in the batch
    /// (given twice, or also found in a folder).
    pub duplicates: Vec<PathBuf>,
    /// Symbolic links to folders that were not followed.
    pub links_not_followed: Vec<PathBuf>,
    /// Where a walk met the folder to skip ([`WalkOptions::skip`]).
    pub skipped: Vec<PathBuf>,
    /// Hidden entries a walk skipped ([`WalkOptions::skip_hidden`]).
    pub hidden: Vec<PathBuf>,
    /// Files a walk found that are line-aligned outputs of a run
    /// ([`WalkOptions::skip_aligned_outputs`]), not read.
    pub earlier_outputs: Vec<PathBuf>,
    /// Other files a walk found that the output folder's record names
    /// ([`WalkOptions::recorded`]), not read.
    pub recorded_outputs: Vec<PathBuf>,
}

/// The inputs named on the command line, in order: files as given (any
/// extension), folders walked ([`walk`]) for `.txt` and `.md` files in
/// path order, `-` for stdin. Entries of a folder that cannot be read are
/// inputs too, that fail when read (so they are reported and counted).
/// A walk leaves out, and reports in [`Collected`], what [`WalkOptions`]
/// asks: the output folder, hidden entries, the line-aligned outputs of an
/// earlier run. A file named in `paths` is always read, whatever its name.
///
/// The same file (same device and inode: given twice, by another path, a
/// link, or also found in a folder) is taken once, at its first place.
///
/// Output names (the rule of `docs/output-naming.md`), with these forms:
/// 1. *short*: a file given by name: its file name without its extension
///    (`a/b.txt` → `b`); a file found in a folder: its path inside the
///    folder without the extension (`articles/x/b.txt` → `x/b`); stdin:
///    `stdin` (its only form);
/// 2. *as given*: the path as given without its extension, with `.`
///    dropped, `x/..` removed, and a leading `/` or `..` dropped
///    (`../p/b.txt` → `p/b`);
/// 3. *as given, with extension* (`p/b.txt`).
///
/// Every input starts with its short name. While several inputs share a
/// name, those among them with the fewest steps taken (that have a form
/// left) take their next form. Names that still clash are left so:
/// [`crate::formats::plan`] refuses them before anything is written.
///
/// # Errors
/// [`Error::Io`] for a path that does not exist.
pub fn collect(paths: &[PathBuf], options: WalkOptions) -> Result<Collected> {
    collect_matching(paths, options, &is_article)
}

/// [`collect`], with `wanted` instead of "a `.txt` or `.md` file" for the
/// files a folder gives (asked about each file's path): `songngu qa` takes
/// a run's `.jsonl` files so, with the same rules for the rest (hidden
/// entries, links, each file once, what a walk leaves out reported).
///
/// # Errors
/// As [`collect`].
pub fn collect_matching(
    paths: &[PathBuf],
    options: WalkOptions,
    wanted: &dyn Fn(&Path) -> bool,
) -> Result<Collected> {
    let mut out = Collected::default();
    let mut seen = std::collections::HashSet::new();
    let mut stdin_seen = false;
    // Inputs and their name forms (empty for stdin and unreadable entries).
    let mut forms: Vec<Vec<OsString>> = Vec::new();
    let mut push = |out: &mut Collected, input: Input, f: Vec<OsString>, id: Option<FileId>| {
        if let Some(id) = id
            && !seen.insert(id)
        {
            out.duplicates.push(input.path);
            return;
        }
        out.inputs.push(input);
        forms.push(f);
    };
    for p in paths {
        if p.as_os_str() == "-" {
            if stdin_seen {
                out.duplicates.push(p.clone());
            } else {
                stdin_seen = true;
                push(&mut out, Input::stdin(), Vec::new(), None);
            }
            continue;
        }
        let meta = std::fs::metadata(p).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::io(
                    p,
                    std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
                )
            } else {
                Error::io(p, e)
            }
        })?;
        if meta.is_dir() {
            let found = walk(p, options, wanted);
            out.links_not_followed.extend(found.links_not_followed);
            out.skipped.extend(found.skipped);
            out.hidden.extend(found.hidden);
            let earlier = if options.skip_aligned_outputs {
                earlier_outputs(&found.files)
            } else {
                Default::default()
            };
            let (old, files): (Vec<PathBuf>, Vec<PathBuf>) =
                found.files.into_iter().partition(|f| earlier.contains(f));
            out.earlier_outputs.extend(old);
            let inside = options.recorded.and_then(|r| Some((r, r.inside(p)?)));
            let (old, files): (Vec<PathBuf>, Vec<PathBuf>) = files.into_iter().partition(|f| {
                inside.as_ref().is_some_and(|(r, at)| {
                    r.files.contains(&at.join(f.strip_prefix(p).unwrap_or(f)))
                })
            });
            out.recorded_outputs.extend(old);
            let mut entries: Vec<(PathBuf, Option<std::io::Error>)> = files
                .into_iter()
                .map(|f| (f, None))
                .chain(found.unreadable.into_iter().map(|(f, e)| (f, Some(e))))
                .collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            for (f, problem) in entries {
                if let Some(e) = problem {
                    let input = Input {
                        out_stem: PathBuf::new(),
                        name: String::new(),
                        unreadable: Some((e.kind(), e.to_string())),
                        path: f,
                    };
                    push(&mut out, input, Vec::new(), None);
                    continue;
                }
                let rel = f.strip_prefix(p).unwrap_or(&f).to_path_buf();
                let id = std::fs::metadata(&f).ok().map(|m| file_id(&f, &m));
                let f_forms = name_forms(&rel, &f);
                push(&mut out, named(f, &f_forms[0]), f_forms, id);
            }
        } else {
            let id = Some(file_id(p, &meta));
            let name = PathBuf::from(p.file_name().unwrap_or(p.as_os_str()));
            let f_forms = name_forms(&name, p);
            push(&mut out, named(p.clone(), &f_forms[0]), f_forms, id);
        }
    }
    // A folder given twice (or inside another given) reports once.
    for v in [
        &mut out.skipped,
        &mut out.hidden,
        &mut out.earlier_outputs,
        &mut out.recorded_outputs,
    ] {
        v.sort();
        v.dedup();
    }
    // A file left out of a walk but named too is read: not reported.
    if !out.hidden.is_empty() || !out.earlier_outputs.is_empty() || !out.recorded_outputs.is_empty()
    {
        let id = |p: &Path| std::fs::metadata(p).ok().map(|m| file_id(p, &m));
        let read: std::collections::HashSet<FileId> = out
            .inputs
            .iter()
            .filter(|i| !i.is_stdin() && !i.is_unreadable())
            .filter_map(|i| id(&i.path))
            .collect();
        for v in [
            &mut out.hidden,
            &mut out.earlier_outputs,
            &mut out.recorded_outputs,
        ] {
            v.retain(|p| id(p).is_none_or(|i| !read.contains(&i)));
        }
    }
    resolve_clashes(&mut out.inputs, &forms);
    Ok(out)
}

/// [`collect`] without walk options or the dropped paths.
///
/// # Errors
/// As [`collect`].
pub fn collect_inputs(paths: &[PathBuf]) -> Result<Vec<Input>> {
    Ok(collect(paths, WalkOptions::default())?.inputs)
}

fn named(path: PathBuf, form: &OsString) -> Input {
    // The parts of a form never hold `/`, so the last part is the text
    // after the last one (`.` from `..txt` included, which a `Path` would
    // not show as a component).
    let name = form
        .to_string_lossy()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    // A control character in the name (a line break, a terminal escape)
    // would reach every output's name, the segment ids and the messages:
    // the document fails alone, with its name shown escaped.
    let unreadable = form
        .to_string_lossy()
        .chars()
        .any(char::is_control)
        .then(|| {
            (
                std::io::ErrorKind::InvalidInput,
                "its name holds a control character (shown as \\u{…}), which would reach the \
             outputs' names and the segment ids; rename the file"
                    .to_owned(),
            )
        });
    Input {
        path,
        out_stem: PathBuf::from(form),
        name,
        unreadable,
    }
}

/// The three name forms of a file: `short` (its name, or its path inside
/// the folder it was found in) without extension; the path `given`,
/// lexically normalised, without extension; the same with extension.
fn name_forms(short: &Path, given: &Path) -> Vec<OsString> {
    let given = normalise(given);
    vec![
        join_parts(&without_extension(&parts(short))),
        join_parts(&without_extension(&given)),
        join_parts(&given),
    ]
}

/// The normal components of `p` (no `.`, `..`, root).
fn parts(p: &Path) -> Vec<OsString> {
    p.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_owned()),
            _ => None,
        })
        .collect()
}

/// The components of `p` with `.` dropped, `x/..` removed, and a root or
/// a leading `..` dropped: always a relative path going down.
fn normalise(p: &Path) -> Vec<OsString> {
    let mut out: Vec<OsString> = Vec::new();
    for c in p.components() {
        match c {
            Component::Normal(s) => out.push(s.to_owned()),
            Component::ParentDir => {
                out.pop();
            }
            _ => {}
        }
    }
    out
}

/// The parts with the last one's extension removed (`..txt` → `.`,
/// `a.b.txt` → `a.b`; a name without one, or a dot file like `.txt`, is
/// kept).
fn without_extension(parts: &[OsString]) -> Vec<OsString> {
    let mut v = parts.to_vec();
    if let Some(last) = v.last_mut()
        && let Some(stem) = Path::new(last.as_os_str()).file_stem()
    {
        *last = stem.to_owned();
    }
    v
}

fn join_parts(parts: &[OsString]) -> OsString {
    let mut s = OsString::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            s.push("/");
        }
        s.push(p);
    }
    s
}

/// Moves clashing inputs to their next name form (see [`collect`]).
fn resolve_clashes(inputs: &mut [Input], forms: &[Vec<OsString>]) {
    let mut level = vec![0usize; inputs.len()];
    loop {
        let mut groups: BTreeMap<&OsString, Vec<usize>> = BTreeMap::new();
        for (i, f) in forms.iter().enumerate() {
            // stdin and unreadable entries have no forms.
            if !f.is_empty() {
                groups.entry(&f[level[i]]).or_default().push(i);
            }
        }
        // stdin's one name takes part too.
        let stdin_name = OsString::from("stdin");
        if let Some(i) = inputs.iter().position(Input::is_stdin) {
            groups.entry(&stdin_name).or_default().push(i);
        }
        let mut moves = Vec::new();
        for members in groups.values().filter(|m| m.len() > 1) {
            let movable: Vec<usize> = members
                .iter()
                .copied()
                .filter(|&i| !forms[i].is_empty() && level[i] + 1 < forms[i].len())
                .collect();
            if let Some(min) = movable.iter().map(|&i| level[i]).min() {
                moves.extend(movable.into_iter().filter(|&i| level[i] == min));
            }
        }
        if moves.is_empty() {
            break;
        }
        for i in moves {
            level[i] += 1;
        }
    }
    for (i, input) in inputs.iter_mut().enumerate() {
        if !forms[i].is_empty() && level[i] > 0 {
            *input = Input {
                unreadable: None,
                ..named(std::mem::take(&mut input.path), &forms[i][level[i]])
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_normalises() {
        let nfd: String = "Hà Nội".nfd().collect();
        let bytes = format!("\u{FEFF}{nfd}\r\nb\rc\n");
        let d = decode(bytes.as_bytes(), "x", Path::new("x.txt")).unwrap();
        assert_eq!(d.text, "Hà Nội\nb\nc\n");
        let err = decode(b"ab\xFFc", "x", Path::new("x.txt")).unwrap_err();
        assert!(
            err.to_string()
                .contains("x.txt: invalid UTF-8 at byte offset 2"),
            "{err}"
        );
    }

    #[test]
    fn control_characters_are_taken_out_and_counted() {
        let input = "\u{FEFF}a\u{0}b\u{8}c\td\u{B}e\u{C}f\u{7F}g\u{85}h\u{9F}i\u{FFFE}j\u{FFFF}k\r\nl\u{A0}m\u{FEFF}n";
        let d = decode(input.as_bytes(), "x", Path::new("x.txt")).unwrap();
        assert_eq!(d.text, "abc\td\ne\nfg\nhijk\nl\u{A0}m\u{FEFF}n");
        assert_eq!(
            d.cleaned,
            Cleaned {
                removed: 6,
                line_breaks: 3,
                first: Some(('\u{0}', 4)),
            }
        );
        // Clean text is left alone and reports nothing.
        let d = decode("Hà Nội\u{A0}\u{FEFF}\n".as_bytes(), "x", Path::new("x")).unwrap();
        assert_eq!(d.cleaned, Cleaned::default());
        assert_eq!(d.text, "Hà Nội\u{A0}\u{FEFF}\n");
    }

    /// The normaliser fed in pieces gives what `decode` gives the whole,
    /// wherever the pieces end: inside a character, a BOM, a CRLF, between
    /// a letter and its combining mark.
    /// Read from a file a block at a time into the block's spare room, the
    /// text is what `decode` gives the whole file, wherever a block ends (in
    /// a character, between CR and LF), for a file shorter than a block, of
    /// exactly one block and of several; a bad byte past the first block is
    /// named at its offset.
    #[test]
    fn reading_a_file_in_blocks_equals_decoding_it_whole() {
        let dir = tempfile::tempdir().unwrap();
        let block = TextReader::BLOCK;
        let letters = "Đảng ủy Công an TW quán triệt.\r\n".repeat(block / 20);
        let mut cases: Vec<Vec<u8>> = vec![Vec::new(), b"\xEF\xBB\xBFa\r\nb".to_vec()];
        for shift in 0..4 {
            let mut bytes = b"a".repeat(block - 1 - shift);
            bytes.extend_from_slice(letters.as_bytes());
            cases.push(bytes);
        }
        let mut exact = b"b".repeat(block - 1);
        exact.push(b'\r');
        cases.push(exact.clone());
        exact.extend_from_slice(b"\nnext\n");
        cases.push(exact);
        for (i, bytes) in cases.iter().enumerate() {
            let path = dir.path().join(format!("c{i}.txt"));
            std::fs::write(&path, bytes).unwrap();
            let input = &collect_inputs(std::slice::from_ref(&path)).unwrap()[0];
            let whole = decode(bytes, "x", &path).unwrap();
            let mut r = input.open().unwrap();
            let mut text = String::new();
            let mut reads = 0;
            while r.read(&mut text).unwrap() {
                reads += 1;
            }
            assert_eq!(text, whole.text, "case {i} ({} bytes)", bytes.len());
            assert_eq!(r.cleaned(), whole.cleaned, "case {i}");
            assert_eq!(reads, bytes.len() / block + 1, "case {i}");
            assert!(!r.read(&mut text).unwrap(), "done stays done");
        }
        let mut bad = b"x ".repeat(block);
        bad.extend_from_slice(b"\xC3( y");
        let path = dir.path().join("bad.txt");
        std::fs::write(&path, &bad).unwrap();
        let err = collect_inputs(std::slice::from_ref(&path)).unwrap()[0]
            .read()
            .unwrap_err();
        let want = format!("invalid UTF-8 at byte offset {}", 2 * block);
        assert!(err.to_string().contains(&want), "{err}");
    }

    #[test]
    fn normalising_in_pieces_equals_the_whole() {
        let nfd: String = "Hà Nội ệ".nfd().collect();
        let input =
            format!("\u{FEFF}a\r\n{nfd}\r\rb\u{0}c\u{B}d\r\u{85}\u{E9}\u{301}x\u{2260}\u{338}\r");
        let bytes = input.as_bytes();
        let whole = decode(bytes, "x", Path::new("x")).unwrap();
        assert_eq!(
            whole.text,
            // `\r\u{85}`: NEL is made LF, then CRLF is one LF.
            format!(
                "a\n{}\n\nbc\nd\n\u{E9}\u{301}x\u{2260}\u{338}\n",
                "Hà Nội ệ"
            )
            .nfc()
            .collect::<String>()
        );
        for size in 1..=bytes.len() {
            let mut n = Normaliser::new(Path::new("x"));
            let mut text = String::new();
            for piece in bytes.chunks(size) {
                n.push(piece, &mut text).unwrap();
            }
            n.finish(&mut text).unwrap();
            assert_eq!(text, whole.text, "pieces of {size} bytes");
            assert_eq!(n.cleaned, whole.cleaned, "pieces of {size} bytes");
        }
        // A bad byte's offset counts from the start of the input, BOM
        // included, whatever the pieces.
        let bad = b"\xEF\xBB\xBFab\xC3(";
        for size in 1..=bad.len() {
            let mut n = Normaliser::new(Path::new("x.txt"));
            let mut text = String::new();
            let err = bad
                .chunks(size)
                .try_for_each(|p| n.push(p, &mut text))
                .and_then(|()| n.finish(&mut text))
                .unwrap_err();
            assert!(err.to_string().contains("byte offset 5"), "{size}: {err}");
        }
    }

    #[test]
    fn inputs_keep_structure_and_never_collide() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("in/x")).unwrap();
        std::fs::create_dir_all(d.join("other")).unwrap();
        for f in ["in/a.txt", "in/x/b.md", "in/x/skip.pdf", "other/a.txt"] {
            std::fs::write(d.join(f), "t").unwrap();
        }
        let inputs = collect_inputs(&[d.join("in"), d.join("other/a.txt")]).unwrap();
        let stems: Vec<_> = inputs.iter().map(|i| i.out_stem.clone()).collect();
        assert_eq!(stems.len(), 3);
        assert_eq!(stems[1], PathBuf::from("x/b"));
        // Both `a` inputs fall back to their paths.
        assert_ne!(stems[0], stems[2]);
        assert!(
            stems[0].ends_with("in/a") && stems[2].ends_with("other/a"),
            "{stems:?}"
        );
        assert!(collect_inputs(&[d.join("nope.txt")]).is_err());
    }

    /// Writes `text` to the file `f` below `d`, making its folders.
    fn put(d: &Path, f: &str, text: &str) {
        std::fs::create_dir_all(d.join(f).parent().unwrap()).unwrap();
        std::fs::write(d.join(f), text).unwrap();
    }

    /// Collects `args` in `dir`: the output names, as strings.
    fn names(dir: &Path, args: &[&str]) -> Vec<String> {
        let paths: Vec<PathBuf> = args.iter().map(|a| dir.join(a)).collect();
        collect(&paths, WalkOptions::default())
            .unwrap()
            .inputs
            .iter()
            .map(|i| i.out_stem.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn output_names_take_the_next_form_only_while_they_clash() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for f in [
            "p/a.txt",
            "q/a.txt",
            "r/p/a.txt",
            "s/a.txt",
            "s/a.md",
            "s/..txt",
            "s/...txt",
        ] {
            put(d, f, "t");
        }
        // The tempdir's absolute prefix (root dropped) starts the long forms
        // (tests/integrity.rs has the relative case: `p/a`, `q/a`, `r/p/a`).
        let base = d.strip_prefix("/").unwrap().display().to_string();
        assert_eq!(
            names(d, &["p/a.txt", "q/a.txt", "r"]),
            [
                format!("{base}/p/a"),
                format!("{base}/q/a"),
                "p/a".to_owned()
            ]
        );
        assert_eq!(names(d, &["p/a.txt", "r"]), ["a", "p/a"]);
        assert_eq!(
            names(d, &["s"]),
            [
                // `...txt` and `..txt`: the names `..` and `.`, written as
                // `...jsonl` and `..jsonl`.
                "..".to_owned(),
                ".".to_owned(),
                format!("{base}/s/a.md"),
                format!("{base}/s/a.txt")
            ]
        );
        // The same file by several paths is taken once.
        let c = collect(
            &[d.join("p/a.txt"), d.join("p/../p/a.txt"), d.join("p")],
            WalkOptions::default(),
        )
        .unwrap();
        assert_eq!(c.inputs.len(), 1);
        assert_eq!(c.duplicates.len(), 2);
        assert_eq!(c.inputs[0].name(), "a");
    }

    #[test]
    fn given_paths_are_normalised_to_go_down_only() {
        assert_eq!(
            normalise(Path::new("../x/./y/../a.txt")),
            [OsString::from("x"), OsString::from("a.txt")]
        );
        assert_eq!(
            normalise(Path::new("/abs/a.txt")),
            [OsString::from("abs"), OsString::from("a.txt")]
        );
        assert_eq!(
            without_extension(&[OsString::from("..txt")]),
            [OsString::from(".")]
        );
        assert_eq!(
            without_extension(&[OsString::from(".txt")]),
            [OsString::from(".txt")]
        );
    }

    #[cfg(unix)]
    #[test]
    fn walk_visits_each_folder_once_and_reports_what_it_cannot_read() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("in/sub")).unwrap();
        std::fs::write(d.join("in/a.txt"), "t").unwrap();
        std::fs::write(d.join("in/sub/b.md"), "t").unwrap();
        std::os::unix::fs::symlink("..", d.join("in/sub/up")).unwrap();
        std::os::unix::fs::symlink("../sub", d.join("in/sub/again")).unwrap();
        std::os::unix::fs::symlink("missing.txt", d.join("in/dangling.txt")).unwrap();
        std::os::unix::fs::symlink("missing", d.join("in/dangling")).unwrap();
        let w = walk(&d.join("in"), WalkOptions::default(), &is_article);
        assert_eq!(w.files, [d.join("in/a.txt"), d.join("in/sub/b.md")]);
        assert_eq!(
            w.links_not_followed,
            [d.join("in/sub/again"), d.join("in/sub/up")]
        );
        assert_eq!(w.unreadable.len(), 1);
        assert_eq!(w.unreadable[0].0, d.join("in/dangling.txt"));
        let w = walk(
            &d.join("in"),
            WalkOptions {
                follow_links: true,
                ..WalkOptions::default()
            },
            &is_article,
        );
        assert_eq!(w.files, [d.join("in/a.txt"), d.join("in/sub/b.md")]);
        assert!(w.links_not_followed.is_empty());
        // The unreadable entry becomes an input that fails when read.
        let c = collect(&[d.join("in")], WalkOptions::default()).unwrap();
        let bad: Vec<_> = c.inputs.iter().filter(|i| i.is_unreadable()).collect();
        assert_eq!(bad.len(), 1);
        assert!(bad[0].read().is_err());
    }

    #[test]
    fn hidden_names_are_one_dot_then_another_character() {
        for name in [".git", ".txt", "._bai.txt", ".#bai.txt", ".a"] {
            assert!(is_hidden(std::ffi::OsStr::new(name)), "{name}");
        }
        for name in ["..txt", "...txt", "bai.txt", ".", "..", "a.b", ""] {
            assert!(!is_hidden(std::ffi::OsStr::new(name)), "{name}");
        }
        assert_eq!(unhidden(Path::new("d/.txt")), Path::new("d/_.txt"));
        assert!(is_article(&unhidden(Path::new("d/._bai.md"))));
        assert!(!is_article(&unhidden(Path::new("d/.DS_Store"))));
    }

    #[test]
    fn walk_reports_hidden_entries_and_the_folder_it_skips() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let files = "in/a.txt in/.txt in/._a.txt in/.DS_Store in/..txt in/.git/x.txt \
                     in/out/a.vi.txt in/sub/.b.md";
        for f in files.split_whitespace() {
            put(d, f, "t\n");
        }
        let out = d.join("in/out");
        let options = WalkOptions {
            skip: Some(&out),
            skip_hidden: true,
            ..WalkOptions::default()
        };
        let w = walk(&d.join("in"), options, &is_article);
        assert_eq!(w.files, [d.join("in/..txt"), d.join("in/a.txt")]);
        assert_eq!(w.skipped, [d.join("in/out")]);
        // `.DS_Store` would not be read without its dot: not reported.
        assert_eq!(
            w.hidden,
            [
                d.join("in/._a.txt"),
                d.join("in/.git"),
                d.join("in/.txt"),
                d.join("in/sub/.b.md")
            ]
        );
        // Without the options, everything is walked as before.
        let w = walk(&d.join("in"), WalkOptions::default(), &is_article);
        assert_eq!(w.files.len(), 6, "{:?}", w.files);
        assert!(w.hidden.is_empty() && w.skipped.is_empty());
        // The walked folder is the output folder: walked, and a link back
        // to it is no "output folder" met.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(".", d.join("in/out/self")).unwrap();
            let w = walk(
                &out,
                WalkOptions {
                    follow_links: true,
                    ..options
                },
                &is_article,
            );
            assert_eq!(w.files, [d.join("in/out/a.vi.txt")]);
            assert!(w.skipped.is_empty(), "{:?}", w.skipped);
            // From the folder above, the output folder is met once.
            let w = walk(
                &d.join("in"),
                WalkOptions {
                    follow_links: true,
                    ..options
                },
                &is_article,
            );
            assert_eq!(w.skipped, [d.join("in/out")]);
            std::fs::remove_file(d.join("in/out/self")).unwrap();
        }
        // Named as an input, a hidden file is read; the output folder named
        // as the input folder is walked.
        let c = collect(&[d.join("in/.txt"), d.join("in/out")], options).unwrap();
        assert_eq!(c.inputs.len(), 2);
        assert!(c.skipped.is_empty() && c.hidden.is_empty());
        // Named and in a walked folder: read, and not reported.
        let c = collect(&[d.join("in"), d.join("in/.txt")], options).unwrap();
        assert_eq!(c.inputs.len(), 3);
        assert_eq!(c.hidden.len(), 3);
        assert!(!c.hidden.contains(&d.join("in/.txt")));
    }

    #[test]
    fn line_aligned_sets_of_outputs_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let write = |f: &str, text: &str| put(d, f, text);
        write("in/bai.txt", "Hà Nội.\n\nBộ Y tế.\n");
        // A complete set, line-aligned: an earlier run's outputs; beside
        // it the editor's own German version, not aligned: an article.
        write("in/bai.vi.txt", "Hà Nội.\nBộ Y tế.\n");
        write("in/bai.en.txt", "\n\n");
        write("in/bai.ascii.txt", "Ha Noi.\nBo Y te.\n");
        write("in/bai.de.txt", "Hanoi und das Ministerium.\n");
        // The same in a subfolder, for an empty document; and a run with
        // other languages (`--from en --to fr`).
        for s in [".vi.txt", ".en.txt", ".ascii.txt"] {
            write(&format!("in/x/rong{s}"), "");
        }
        for (s, text) in [
            (".en", "Hello.\n"),
            (".fr", "Bonjour.\n"),
            (".ascii", "Hello.\n"),
        ] {
            write(&format!("in/x/tu{s}.txt"), text);
        }
        // Not sets: one language only; lines that differ; an ASCII form that
        // is not ASCII; a last line without LF.
        write("in/hai.en.txt", "The editor's.\n");
        write("in/hai.ascii.txt", "Hai.\n");
        write("in/ba.vi.txt", "Ba.\n");
        write("in/ba.en.txt", "Three.\nFour.\n");
        write("in/ba.ascii.txt", "Ba.\n");
        write("in/bon.vi.txt", "Bốn.\n");
        write("in/bon.en.txt", "Four.\n");
        write("in/bon.ascii.txt", "Bốn.\n");
        write("in/nam.vi.txt", "Năm.\n");
        write("in/nam.en.txt", "Five.");
        write("in/nam.ascii.txt", "Nam.\n");
        let options = WalkOptions {
            skip_aligned_outputs: true,
            ..WalkOptions::default()
        };
        let c = collect(&[d.join("in")], options).unwrap();
        assert_eq!(
            c.earlier_outputs,
            [
                "in/bai.ascii.txt",
                "in/bai.en.txt",
                "in/bai.vi.txt",
                "in/x/rong.ascii.txt",
                "in/x/rong.en.txt",
                "in/x/rong.vi.txt",
                "in/x/tu.ascii.txt",
                "in/x/tu.en.txt",
                "in/x/tu.fr.txt"
            ]
            .map(|f| d.join(f))
        );
        assert_eq!(c.inputs.len(), 13, "{:?}", c.inputs);
        assert!(
            c.inputs
                .iter()
                .all(|i| !c.earlier_outputs.contains(&i.path))
        );
        assert!(c.inputs.iter().any(|i| i.path == d.join("in/bai.de.txt")));
        // Without the option, all are read.
        let c = collect(&[d.join("in")], WalkOptions::default()).unwrap();
        assert_eq!(c.inputs.len(), 22);
        assert!(c.earlier_outputs.is_empty());
        // Named on the command line too, before or after the folder, an
        // output is read, and not reported as left out.
        for paths in [
            [d.join("in/bai.vi.txt"), d.join("in")],
            [d.join("in"), d.join("in/bai.vi.txt")],
        ] {
            let c = collect(&paths, options).unwrap();
            assert_eq!(c.inputs.len(), 14);
            assert!(c.inputs.iter().any(|i| i.path == d.join("in/bai.vi.txt")));
            assert_eq!(c.earlier_outputs.len(), 8);
            assert!(!c.earlier_outputs.contains(&d.join("in/bai.vi.txt")));
        }
        // Files longer than a block: counted whole, checked to the end.
        let mut long = "a\n".repeat(100_000);
        write("long.txt", &long);
        assert_eq!(line_count(&d.join("long.txt"), true), Some(100_000));
        long.push_str("ă\n");
        write("long.txt", &long);
        assert_eq!(line_count(&d.join("long.txt"), false), Some(100_001));
        assert_eq!(line_count(&d.join("long.txt"), true), None);
        long.push('b');
        write("long.txt", &long);
        assert_eq!(line_count(&d.join("long.txt"), false), None);
        assert_eq!(line_count(&d.join("missing.txt"), false), None);
        // Names of the txt format's form.
        assert_eq!(text_output_name("bai.en-GB.txt"), Some(("bai", "en-GB")));
        assert_eq!(text_output_name("..vi.txt"), Some((".", "vi")));
        assert_eq!(text_output_name("a.b.ascii.txt"), Some(("a.b", "ascii")));
        for name in ["bai.txt", "bai..txt", "bai.e_n.txt", "bai.en.md"] {
            assert_eq!(text_output_name(name), None, "{name}");
        }
    }
}
