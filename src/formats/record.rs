//! What `songngu run` wrote in an output folder, so that a later run never
//! replaces an output someone changed since (a translator filling the
//! target `.txt`, a CAT tool saving the `.xlf`, a spreadsheet saving the
//! `.tsv`).
//!
//! **The record**, `OUT/.songngu-written`: one line per output file the
//! run put in `OUT` (subfolders included), with a hash of the contents it
//! wrote (XXH3, 128 bits: it guards against accidents, not attackers),
//! and the file's size, modification time and inode number just after it
//! was written. Before a run replaces an existing output it looks the file
//! up ([`OutputRecord::changed`]): a file with the size, time and inode recorded
//! is the one songngu wrote (no read); otherwise its bytes are hashed and
//! compared. A file that matches no entry of its name was changed since:
//! its document fails ([`crate::Error::OutputEdited`]) and none of its
//! files is written. A file the record does not name (an older songngu's
//! output, a folder copied without the record) is replaced as before.
//!
//! **Crash safety**: the record is rewritten once, at the end of the run
//! ([`OutputRecord::save`], atomically, flushed with the run's outputs). Before
//! a document's files are renamed into place, their new entries are
//! appended to `OUT/.songngu-written.pending` ([`OutputRecord::before_commit`]:
//! one write per document, no fsync), and a run accepts the entries of
//! both files. So a run killed after some renames, before its record is
//! saved, leaves each of those files named with its new hash in the
//! pending list, and the next run accepts it; the pending list is folded
//! into the record and removed once a run has saved it
//! ([`OutputRecord::settle`]). Several threads of one run share one [`OutputRecord`].
//!
//! Format (text, one entry a line, the first line `songngu-written 1`,
//! lines starting with `#` are comments):
//! `HASH SIZE MTIME INODE NAME`: the hash in 32 hex digits, the size in
//! bytes, the modification time in nanoseconds since 1970 (UTC), the
//! inode number (0 where the system has none), the file's path inside
//! the folder with `/` between its parts and every byte that is not a
//! printable ASCII character other than `\` written `\xHH`.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::{Error, Result};

/// The record's file name in the output folder.
pub const RECORD: &str = ".songngu-written";
/// The entries of files being put in place, until a run saves the record.
pub const PENDING: &str = ".songngu-written.pending";
/// The record's first line.
const HEADER: &str = "songngu-written 1";

/// What the file system says of a file: enough to know, without reading
/// it, that it is still the file songngu wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    size: u64,
    /// Modification time, nanoseconds since 1970 (negative before).
    mtime: i128,
    /// Inode number; 0 where the system has none.
    ino: u64,
}

impl Stamp {
    fn of(m: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Stamp {
                size: m.len(),
                mtime: i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
                ino: m.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            let mtime = m
                .modified()
                .ok()
                .map_or(0, |t| match t.duration_since(UNIX_EPOCH) {
                    Ok(d) => d.as_nanos() as i128,
                    Err(e) => -(e.duration().as_nanos() as i128),
                });
            Stamp {
                size: m.len(),
                mtime,
                ino: 0,
            }
        }
    }

    /// The modification time.
    fn time(&self) -> SystemTime {
        let nanos =
            Duration::from_nanos(self.mtime.unsigned_abs().min(u128::from(u64::MAX)) as u64);
        if self.mtime >= 0 {
            UNIX_EPOCH + nanos
        } else {
            UNIX_EPOCH - nanos
        }
    }
}

/// One output as songngu wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    hash: u128,
    stamp: Stamp,
}

/// An output file's new entry, made before it is put in place
/// ([`OutputRecord::entry`]).
#[derive(Debug, Clone)]
pub struct NewEntry {
    key: String,
    entry: Entry,
}

/// An output changed since songngu wrote it ([`OutputRecord::changed`]).
#[derive(Debug, Clone)]
pub struct Changed {
    /// The file.
    pub path: PathBuf,
    /// When songngu wrote it (the latest entry of its name).
    pub written: SystemTime,
}

/// The record of an output folder for one run (see the module
/// documentation); shared by the run's threads.
#[derive(Debug)]
pub struct OutputRecord {
    dir: PathBuf,
    /// The entries of the record and of the pending list when the run
    /// began, by name.
    known: HashMap<String, Vec<Entry>>,
    /// Replace changed outputs anyway (`--overwrite-edited`).
    overwrite: bool,
    /// The pending list ends inside a line (a write cut short).
    cut: bool,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// The pending list, opened for appending on first use.
    pending: Option<std::fs::File>,
    /// The outputs this run put in place, each document's all together.
    done: Vec<NewEntry>,
    /// The record was saved: the pending list may go.
    saved: bool,
}

impl OutputRecord {
    /// The record of `dir` (empty when the folder or the record does not
    /// exist). With `overwrite` ([`OutputRecord::overwrites`]), a changed
    /// output is replaced all the same, kept beside its replacement.
    ///
    /// # Errors
    /// [`Error::Parse`] for a record (or pending list) that is not one,
    /// located, [`Error::Io`] when one cannot be read.
    pub fn open(dir: &Path, overwrite: bool) -> Result<OutputRecord> {
        let mut known = HashMap::new();
        read_into(&dir.join(RECORD), true, &mut known)?;
        let cut = read_into(&dir.join(PENDING), false, &mut known)?;
        Ok(OutputRecord {
            dir: dir.to_path_buf(),
            known,
            overwrite,
            cut,
            state: Mutex::new(State::default()),
        })
    }

    /// Whether changed outputs are replaced (`--overwrite-edited`), each kept
    /// beside its replacement, instead of failing their document.
    pub fn overwrites(&self) -> bool {
        self.overwrite
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the file `now` describes at `path` (the output `rel` inside
    /// the folder) was changed since songngu wrote it: `Some` when the
    /// record has entries for `rel` and the file matches none of them.
    /// `None` for no file (or not a regular file: `now` is `None`), a file
    /// the record does not name, or the file songngu wrote.
    ///
    /// # Errors
    /// [`Error::Io`] when the file must be read and cannot be.
    pub fn changed(
        &self,
        rel: &Path,
        path: &Path,
        now: Option<&std::fs::Metadata>,
    ) -> Result<Option<Changed>> {
        let Some(now) = now else {
            return Ok(None);
        };
        let Some(entries) = self.known.get(&key(rel)).filter(|e| !e.is_empty()) else {
            return Ok(None);
        };
        let stamp = Stamp::of(now);
        if entries.iter().any(|e| e.stamp == stamp) {
            return Ok(None);
        }
        if entries.iter().any(|e| e.stamp.size == stamp.size) {
            let hash = hash_file(path).map_err(|e| Error::io(path, e))?;
            if entries.iter().any(|e| e.hash == hash) {
                return Ok(None);
            }
        }
        let latest = entries.iter().map(|e| e.stamp.mtime).max().unwrap_or(0);
        Ok(Some(Changed {
            path: path.to_path_buf(),
            written: Stamp {
                mtime: latest,
                ..stamp
            }
            .time(),
        }))
    }

    /// The entry of the output `rel` whose contents hash to `hash`, written
    /// and described by `meta` (its temporary file, before the rename).
    pub fn entry(rel: &Path, hash: u128, meta: &std::fs::Metadata) -> NewEntry {
        NewEntry {
            key: key(rel),
            entry: Entry {
                hash,
                stamp: Stamp::of(meta),
            },
        }
    }

    /// Appends `files`' entries to the pending list, before they are put
    /// in place (one write, not flushed to disk: a killed process's
    /// writes stay).
    ///
    /// # Errors
    /// [`Error::Io`] naming the pending list.
    pub fn before_commit(&self, files: &[NewEntry]) -> Result<()> {
        let mut text = String::new();
        for w in files {
            line(&mut text, &w.key, &w.entry);
        }
        let path = self.dir.join(PENDING);
        let mut state = self.lock();
        if state.pending.is_none() {
            state.pending = Some(open_append(&path).map_err(|e| Error::io(&path, e))?);
            if self.cut {
                // The cut line ends here, alone.
                text.insert(0, '\n');
            }
        }
        let file = state.pending.as_mut().expect("opened above");
        file.write_all(text.as_bytes())
            .map_err(|e| Error::io(&path, e))
    }

    /// Notes that `files` are all in place.
    pub fn committed(&self, files: Vec<NewEntry>) {
        self.lock().done.extend(files);
    }

    /// Writes the record (when this run put any file in place): what the
    /// record and the pending list on disk hold now, each name this run
    /// wrote holding only its new entry. Atomic, and among `flush`'s files
    /// (flushed with the run's outputs).
    ///
    /// # Errors
    /// As [`OutputRecord::open`], and [`Error::Io`] when the record cannot be
    /// written.
    pub fn save(&self, flush: &crate::atomic::Flush) -> Result<()> {
        let mut state = self.lock();
        if state.done.is_empty() {
            return Ok(());
        }
        let mut all = HashMap::new();
        read_into(&self.dir.join(RECORD), true, &mut all)?;
        read_into(&self.dir.join(PENDING), false, &mut all)?;
        for w in &state.done {
            all.insert(w.key.clone(), vec![w.entry]);
        }
        let mut keys: Vec<&String> = all.keys().collect();
        keys.sort();
        let mut text = format!(
            "{HEADER}\n# The outputs `songngu run` wrote in this folder, so that it never replaces \
             one changed since (see docs/output-naming.md).\n# Removing this file makes the next \
             run replace them all, as songngu did before it kept this record.\n"
        );
        for k in keys {
            for e in &all[k] {
                line(&mut text, k, e);
            }
        }
        crate::atomic::OutputFolder::new(&self.dir)?.write_batched(
            Path::new(RECORD),
            text.as_bytes(),
            flush,
        )?;
        state.saved = true;
        Ok(())
    }

    /// Removes the pending list once the record holds it ([`OutputRecord::save`]
    /// ran, and the run's files were flushed). A pending list that cannot
    /// be removed is read again by the next run, which does no harm.
    pub fn settle(&self) {
        let mut state = self.lock();
        if state.saved {
            state.pending = None;
            let _ = std::fs::remove_file(self.dir.join(PENDING));
        }
    }
}

/// The pending list opened for appending; a symbolic link at its name is
/// not followed (it could lead out of the output folder).
fn open_append(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    }
    #[cfg(not(target_os = "linux"))]
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "a symbolic link is at the name of songngu's pending list; remove it",
        ));
    }
    options.open(path)
}

/// The name of the output `rel` in the record (see the module
/// documentation).
fn key(rel: &Path) -> String {
    let mut out = String::new();
    for c in rel.components() {
        let Component::Normal(part) = c else {
            continue;
        };
        if !out.is_empty() {
            out.push('/');
        }
        for &b in part.as_encoded_bytes() {
            if b.is_ascii_graphic() && b != b'\\' {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("\\x{b:02x}"));
            }
        }
    }
    out
}

/// Appends the line of `key`'s entry `e` to `out`.
fn line(out: &mut String, key: &str, e: &Entry) {
    use std::fmt::Write as _;
    let _ = writeln!(
        out,
        "{:032x} {} {} {} {key}",
        e.hash, e.stamp.size, e.stamp.mtime, e.stamp.ino
    );
}

/// Adds the entries of the record (`header`) or pending list at `path`
/// to `into`; nothing when there is no file. An entry already there is
/// not added twice. In the pending list, a line that is not an entry (a
/// write cut short by a power loss) is left out; returns whether its last
/// line is cut (no line break).
fn read_into(path: &Path, header: bool, into: &mut HashMap<String, Vec<Entry>>) -> Result<bool> {
    let text = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(false);
        }
        Err(e) => return Err(Error::io(path, e)),
    };
    let bad = |n: usize, why: &str| {
        Error::parse(
            path,
            n,
            None,
            format!(
                "{why}: this is songngu's record of the outputs it wrote in this folder; \
                 remove the file (the next run then replaces every output, as songngu did \
                 before it kept this record)"
            ),
        )
    };
    let Ok(text) = std::str::from_utf8(&text) else {
        return Err(bad(1, "not UTF-8"));
    };
    let cut = !text.is_empty() && !text.ends_with('\n');
    for (n, l) in text.split('\n').enumerate() {
        // A record converted to CRLF line ends (an editor, a copy through
        // another system) is read as it was written.
        let l = l.strip_suffix('\r').unwrap_or(l);
        if header && n == 0 {
            if l != HEADER {
                return Err(bad(
                    1,
                    &format!("the first line is not `{HEADER}` (a newer songngu's record?)"),
                ));
            }
            continue;
        }
        if l.starts_with('#') || l.is_empty() {
            continue;
        }
        let Some((k, e)) = parse_line(l) else {
            if !header {
                continue;
            }
            return Err(bad(
                n + 1,
                "not an entry `HASH SIZE MTIME INODE NAME` (32 hex digits, three numbers, a name)",
            ));
        };
        let entries = into.entry(k).or_default();
        if !entries.contains(&e) {
            entries.push(e);
        }
    }
    if header && text.is_empty() {
        return Err(bad(1, "the file is empty"));
    }
    Ok(cut)
}

/// One line of the record: the name and its entry.
fn parse_line(l: &str) -> Option<(String, Entry)> {
    let mut f = l.splitn(5, ' ');
    let hash = f.next().filter(|h| h.len() == 32)?;
    let hash = u128::from_str_radix(hash, 16).ok()?;
    let size = f.next()?.parse().ok()?;
    let mtime = f.next()?.parse().ok()?;
    let ino = f.next()?.parse().ok()?;
    let name = f.next().filter(|n| !n.is_empty())?;
    Some((
        name.to_owned(),
        Entry {
            hash,
            stamp: Stamp { size, mtime, ino },
        },
    ))
}

/// The hash of the file at `path`, read a block at a time.
fn hash_file(path: &Path) -> std::io::Result<u128> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return Ok(hasher.digest128()),
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// A writer that hashes what goes through it (the hash of an output, for
/// its [`OutputRecord::entry`]).
pub struct Hashing<W> {
    inner: W,
    hasher: xxhash_rust::xxh3::Xxh3Default,
}

impl<W> Hashing<W> {
    /// Hashes what is written to `inner`.
    pub fn new(inner: W) -> Hashing<W> {
        Hashing {
            inner,
            hasher: xxhash_rust::xxh3::Xxh3Default::new(),
        }
    }

    /// The writer inside.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// The writer inside and the hash of everything written to it.
    pub fn into_parts(self) -> (W, u128) {
        (self.inner, self.hasher.digest128())
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(dir: &Path, rel: &str, bytes: &[u8]) -> NewEntry {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut w = Hashing::new(std::fs::File::create(&path).unwrap());
        w.write_all(bytes).unwrap();
        let (file, hash) = w.into_parts();
        OutputRecord::entry(Path::new(rel), hash, &file.metadata().unwrap())
    }

    fn changed(r: &OutputRecord, dir: &Path, rel: &str) -> bool {
        let path = dir.join(rel);
        let meta = std::fs::symlink_metadata(&path).ok();
        r.changed(Path::new(rel), &path, meta.as_ref())
            .unwrap()
            .is_some()
    }

    #[test]
    fn names_are_printable_ascii_with_slashes() {
        assert_eq!(key(Path::new("./x/b c\\d.jsonl")), "x/b\\x20c\\x5cd.jsonl");
        assert_eq!(key(Path::new("bài.vi.txt")), "b\\xc3\\xa0i.vi.txt");
        let e = Entry {
            hash: u128::MAX - 7,
            stamp: Stamp {
                size: 12,
                mtime: -5,
                ino: 9,
            },
        };
        let mut text = String::new();
        line(&mut text, "x/b\\x20c", &e);
        assert_eq!(
            parse_line(text.trim_end()),
            Some(("x/b\\x20c".to_owned(), e))
        );
        assert_eq!(
            Stamp {
                mtime: -5,
                ..e.stamp
            }
            .time(),
            UNIX_EPOCH - Duration::from_nanos(5)
        );
    }

    #[test]
    fn a_changed_file_is_found_and_the_written_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let flush = crate::atomic::Flush::new();
        let r = OutputRecord::open(d, false).unwrap();
        let a = written(d, "a.tsv", b"one\n");
        let b = written(d, "sub/b.xlf", b"two\n");
        r.before_commit(&[a.clone(), b.clone()]).unwrap();
        r.committed(vec![a, b]);
        r.save(&flush).unwrap();
        r.settle();
        assert!(!d.join(PENDING).exists());
        let r = OutputRecord::open(d, false).unwrap();
        assert!(!changed(&r, d, "a.tsv"));
        assert!(!changed(&r, d, "sub/b.xlf"));
        assert!(!changed(&r, d, "not-recorded.tsv"));
        // Same bytes, new file (a copy): hashed, accepted.
        std::fs::remove_file(d.join("a.tsv")).unwrap();
        std::fs::write(d.join("a.tsv"), b"one\n").unwrap();
        assert!(!changed(&r, d, "a.tsv"));
        // Same size, other bytes; other size.
        std::fs::write(d.join("a.tsv"), b"One\n").unwrap();
        assert!(changed(&r, d, "a.tsv"));
        std::fs::write(d.join("sub/b.xlf"), b"longer\n").unwrap();
        assert!(changed(&r, d, "sub/b.xlf"));
        // With overwrite the change is still found (its file is kept beside
        // the replacement); a missing file is nothing.
        assert!(changed(&OutputRecord::open(d, true).unwrap(), d, "a.tsv"));
        // A record with CRLF line ends reads the same.
        let text = std::fs::read_to_string(d.join(RECORD)).unwrap();
        std::fs::write(d.join(RECORD), text.replace('\n', "\r\n")).unwrap();
        let crlf = OutputRecord::open(d, false).unwrap();
        assert!(changed(&crlf, d, "a.tsv"));
        assert!(changed(&crlf, d, "sub/b.xlf"));
        std::fs::remove_file(d.join("a.tsv")).unwrap();
        assert!(!changed(&r, d, "a.tsv"));
    }

    #[test]
    fn pending_entries_are_accepted_until_the_record_takes_them() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let r = OutputRecord::open(d, false).unwrap();
        let old = written(d, "a.jsonl", b"old\n");
        r.committed(vec![old]);
        r.save(&crate::atomic::Flush::new()).unwrap();
        // A run killed after its rename, before its record: the new entry
        // is in the pending list only (its last line cut short).
        let r = OutputRecord::open(d, false).unwrap();
        let new = written(d, "a.jsonl", b"new\n");
        r.before_commit(&[new]).unwrap();
        drop(r);
        let mut f = open_append(&d.join(PENDING)).unwrap();
        f.write_all(b"0123").unwrap();
        let r = OutputRecord::open(d, false).unwrap();
        assert!(r.cut);
        assert!(!changed(&r, d, "a.jsonl"));
        // The next run that writes something folds it into the record.
        let other = written(d, "b.jsonl", b"b\n");
        r.before_commit(std::slice::from_ref(&other)).unwrap();
        r.committed(vec![other]);
        r.save(&crate::atomic::Flush::new()).unwrap();
        r.settle();
        assert!(!d.join(PENDING).exists());
        let r = OutputRecord::open(d, false).unwrap();
        assert!(!changed(&r, d, "a.jsonl"));
        assert!(!changed(&r, d, "b.jsonl"));
    }

    #[test]
    fn a_record_that_is_not_one_is_a_located_error() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join(RECORD), format!("{HEADER}\nnot an entry\n")).unwrap();
        let e = OutputRecord::open(d, false).unwrap_err().to_string();
        assert!(e.contains(".songngu-written:2: error: not an entry"), "{e}");
        std::fs::write(d.join(RECORD), "songngu-written 9\n").unwrap();
        let e = OutputRecord::open(d, false).unwrap_err().to_string();
        assert!(e.contains(":1: error: the first line"), "{e}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_link_at_the_pending_name_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("victim"), b"keep").unwrap();
        std::os::unix::fs::symlink(d.join("victim"), d.join(PENDING)).unwrap();
        let r = OutputRecord {
            dir: d.to_path_buf(),
            known: HashMap::new(),
            overwrite: false,
            cut: false,
            state: Mutex::new(State::default()),
        };
        let w = written(d, "a.txt", b"a");
        assert!(r.before_commit(&[w]).is_err());
        assert_eq!(std::fs::read(d.join("victim")).unwrap(), b"keep");
    }
}
