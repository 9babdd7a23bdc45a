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
//! files is written. A file the record does not name is replaced as before
//! (an older songngu's output, a folder copied without the record) unless
//! it came to its name after the record's `# created` time (a hand-made
//! file), or the record has lines that cannot be read (they are skipped,
//! [`Recorded::warnings`]; such a record is not rewritten). A record in a
//! folder above or below the output folder that a run would bypass stops
//! it ([`OutputRecord::open`], [`OutputRecord::check_folder`]).
//!
//! **One run at a time**: a run holds `OUT/.songngu-written.lock`
//! ([`super::run_lock::RunLock`], an advisory lock) while it reads and
//! writes the record.
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
//! Format (text, one entry a line, the first line `songngu-written 2`,
//! lines starting with `#` are comments, `# created NANOS entries N`
//! among them: since when the record is kept and how many entry lines it
//! has, so that a record cut between two lines is found; a record of
//! version 1 has no count). A new pending list starts with `# created
//! NANOS`: in a folder without a record (a first run stopped before it
//! saved one), the pending list keeps the folder as a record would.
//! `HASH SIZE MTIME INODE NAME`: the hash in 32 hex digits, the size in
//! bytes, the modification time in nanoseconds since 1970 (UTC), the
//! inode number (0 where the system has none), the file's path inside
//! the folder with `/` between its parts and every byte that is not a
//! printable ASCII character other than `\` written `\xHH`.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::{Edited, Error, Result};

/// The record's file name in the output folder.
pub const RECORD: &str = ".songngu-written";
/// The entries of files being put in place, until a run saves the record.
pub const PENDING: &str = ".songngu-written.pending";
/// The record's first line.
const HEADER: &str = "songngu-written 2";
/// The first line of the records of songngu before the entry count (read
/// the same way, without the count's check).
const HEADER_1: &str = "songngu-written 1";
/// The comment line that says since when the record is kept (an older
/// songngu reads it as a comment).
const CREATED: &str = "# created ";
/// What follows the time on the `# created` line of a record (version 2):
/// the number of entry lines, so that a record cut on a line boundary is
/// found.
const ENTRIES: &str = "entries";
/// The largest record or pending list read: about 2.5 million entries.
const MAX_BYTES: u64 = 256 << 20;
/// The most lines that cannot be read a run names one by one.
const MAX_WARNINGS: usize = 20;

/// What the file system says of a file: enough to know, without reading
/// it, that it is still the file songngu wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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
            Stamp {
                size: m.len(),
                mtime: m.modified().map_or(0, nanos),
                ino: 0,
            }
        }
    }
}

/// `t` in nanoseconds since 1970 (negative before).
fn nanos(t: SystemTime) -> i128 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

/// The time `n` nanoseconds after 1970 (before, when negative).
fn time(n: i128) -> SystemTime {
    let d = Duration::from_nanos(n.unsigned_abs().min(u128::from(u64::MAX)) as u64);
    if n >= 0 {
        UNIX_EPOCH + d
    } else {
        UNIX_EPOCH - d
    }
}

/// When the file `m` describes came to be at its name, as far as the
/// system tells: the inode's change time where there is one (set by the
/// system when the file is made, copied, renamed or linked there; no tool
/// sets it back), else the modification time.
fn arrived(m: &std::fs::Metadata) -> i128 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec())
    }
    #[cfg(not(unix))]
    {
        m.modified().map_or(0, nanos)
    }
}

/// One output as songngu wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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

/// An output taken for someone's work ([`OutputRecord::changed`]).
#[derive(Debug, Clone)]
pub struct Changed {
    /// The file.
    pub path: PathBuf,
    /// Why.
    pub why: Edited,
}

/// What a record and its pending list hold.
#[derive(Debug, Default)]
struct Parsed {
    /// The entries, by name.
    known: HashMap<String, Vec<Entry>>,
    /// Since when the record is kept (its `# created` line).
    created: Option<i128>,
    /// The record's lines that cannot be read: line number and why.
    bad: Vec<(usize, String)>,
    /// Keep only the entries of names a walk could take for an article
    /// (`.txt`, `.md`).
    texts_only: bool,
    /// There is a record (not only a pending list).
    recorded: bool,
}

impl Parsed {
    /// The record of `dir` and its pending list; whether the pending list
    /// ends inside a line.
    fn of(dir: &Path) -> Result<(Parsed, bool)> {
        Parsed::default().read(dir)
    }

    /// [`Parsed::of`] into `self`.
    fn read(mut self, dir: &Path) -> Result<(Parsed, bool)> {
        read_into(&dir.join(RECORD), true, &mut self)?;
        let cut = read_into(&dir.join(PENDING), false, &mut self)?;
        Ok((self, cut))
    }

    /// The numbers of the lines that cannot be read (`3, 7`).
    /// (The first [`MAX_WARNINGS`], then how many more.)
    fn bad_lines(&self) -> String {
        let lines: Vec<String> = self
            .bad
            .iter()
            .take(MAX_WARNINGS)
            .map(|(n, _)| n.to_string())
            .collect();
        let more = self.bad.len().saturating_sub(MAX_WARNINGS);
        if more > 0 {
            format!("{} and {more} more", lines.join(", "))
        } else {
            lines.join(", ")
        }
    }
}

/// What an output folder's record names, read before a run: the input
/// walk leaves these files out (they are outputs, whatever their lines
/// say), and the run warns about lines it cannot read.
#[derive(Debug, Default)]
pub struct Recorded {
    /// The folder, resolved (`None`: it does not exist).
    root: Option<PathBuf>,
    record: PathBuf,
    names: HashSet<String>,
    bad: Vec<(usize, String)>,
}

impl Recorded {
    /// The names in the record of the output folder `dir` that a walk of
    /// one of the folders `inputs` could take for articles: `None` when no
    /// input is that folder or inside it (a walk does not enter it
    /// otherwise, [`crate::reader::WalkOptions::skip`]).
    ///
    /// # Errors
    /// As [`OutputRecord::open`].
    pub fn for_walk(dir: &Path, inputs: &[PathBuf]) -> Result<Option<Recorded>> {
        let Ok(root) = std::fs::canonicalize(dir) else {
            return Ok(None);
        };
        let walked = inputs
            .iter()
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .any(|p| p.starts_with(&root));
        if walked {
            Recorded::read(dir).map(Some)
        } else {
            Ok(None)
        }
    }

    /// The record (and pending list) of the output folder `dir`; nothing
    /// when there is none.
    ///
    /// # Errors
    /// As [`OutputRecord::open`].
    pub fn read(dir: &Path) -> Result<Recorded> {
        let only_texts = Parsed {
            texts_only: true,
            ..Parsed::default()
        };
        let (parsed, _) = only_texts.read(dir)?;
        Ok(Recorded {
            root: std::fs::canonicalize(dir).ok(),
            record: dir.join(RECORD),
            names: parsed.known.into_keys().collect(),
            bad: parsed.bad,
        })
    }

    /// The output folder, resolved (`None`: it does not exist).
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// The files the record names (that a walk could take for articles),
    /// each by its path inside the output folder.
    pub fn files(&self) -> impl Iterator<Item = PathBuf> + '_ {
        self.names.iter().map(|k| unkey(k))
    }

    /// A warning for each line of the record that cannot be read, saying
    /// what follows and what to do.
    pub fn warnings(&self) -> Vec<String> {
        warnings(&self.record, &self.bad)
    }
}

/// A warning for each line of `record` that cannot be read (`bad`): the
/// first [`MAX_WARNINGS`], then one line saying how many more.
fn warnings(record: &Path, bad: &[(usize, String)]) -> Vec<String> {
    let mut out: Vec<String> = bad
        .iter()
        .take(MAX_WARNINGS)
        .map(|(n, why)| {
            format!(
                "{}:{n}: {why}; the line is skipped. Until it is mended or deleted, songngu \
                 replaces no output this record does not name (their documents fail, their \
                 files are kept) and does not rewrite the record (new entries go to {PENDING})",
                crate::diagnostic::shown(record)
            )
        })
        .collect();
    let more = bad.len().saturating_sub(MAX_WARNINGS);
    if more > 0 {
        out.push(format!(
            "{}: and {more} more lines that cannot be read (not shown), skipped the same way",
            crate::diagnostic::shown(record)
        ));
    }
    out
}

/// The record of an output folder for one run (see the module
/// documentation); shared by the run's threads.
#[derive(Debug)]
pub struct OutputRecord {
    dir: PathBuf,
    /// The record and the pending list when the run began.
    parsed: Parsed,
    /// When this run began (the `# created` time of a new record).
    began: i128,
    /// Replace changed outputs anyway (`--overwrite-edited`).
    overwrite: bool,
    /// The pending list ends inside a line (a write cut short).
    cut: bool,
    /// Subfolders of the folder checked for a record of their own (see
    /// [`OutputRecord::check_folder`]): the folder on their path that holds
    /// one, if any.
    nested: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
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
    /// output is replaced all the same, kept beside its replacement. Lines
    /// of the record that cannot be read are skipped (see
    /// [`Recorded::warnings`]); while there are any, an output the record
    /// does not name is taken for changed.
    ///
    /// # Errors
    /// [`Error::OutputRecord`] for a record or pending list that is a link,
    /// not a regular file, or too large, and when a folder above `dir` holds
    /// a record naming outputs inside `dir` (a run into that folder wrote
    /// them); [`Error::Io`] when one cannot be read.
    pub fn open(dir: &Path, overwrite: bool) -> Result<OutputRecord> {
        let (parsed, cut) = Parsed::of(dir)?;
        check_above(dir)?;
        Ok(OutputRecord {
            dir: dir.to_path_buf(),
            parsed,
            began: nanos(SystemTime::now()),
            overwrite,
            cut,
            nested: Mutex::new(HashMap::new()),
            state: Mutex::new(State::default()),
        })
    }

    /// A warning for each line of the record that cannot be read, as the
    /// run began ([`Recorded::warnings`]).
    pub fn warnings(&self) -> Vec<String> {
        warnings(&self.dir.join(RECORD), &self.parsed.bad)
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
    /// the folder) is someone's work: `Some` when the record has entries
    /// for `rel` and the file matches none of them; when the record does
    /// not name it and has lines that cannot be read; when the record does
    /// not name it and the file came after the record's `# created` time.
    /// `None` for no file (or not a regular file: `now` is `None`), the
    /// file songngu wrote, or a file from before the record.
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
        let Some(entries) = self.parsed.known.get(&key(rel)).filter(|e| !e.is_empty()) else {
            return Ok(self.unnamed(path, now));
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
            why: Edited::Changed(time(latest)),
        }))
    }

    /// [`OutputRecord::changed`] of a file the record does not name.
    fn unnamed(&self, path: &Path, now: &std::fs::Metadata) -> Option<Changed> {
        let record = record_or_pending(&self.dir);
        let why = if !self.parsed.bad.is_empty() {
            Edited::Unvouched {
                record,
                lines: self.parsed.bad_lines(),
            }
        } else {
            let since = self.parsed.created.filter(|&c| arrived(now) > c)?;
            Edited::NotNamed {
                record,
                since: time(since),
            }
        };
        Some(Changed {
            path: path.to_path_buf(),
            why,
        })
    }

    /// Refuses the output `rel` of the input `input` when a subfolder it
    /// goes in holds a record of its own (a run into that subfolder wrote
    /// there): this run would not keep that record.
    ///
    /// # Errors
    /// [`Error::OutputRecord`] naming that record.
    pub fn check_folder(&self, rel: &Path, input: &str) -> Result<()> {
        let Some(parent) = rel.parent().filter(|p| !p.as_os_str().is_empty()) else {
            return Ok(());
        };
        let mut nested = self.nested.lock().unwrap_or_else(PoisonError::into_inner);
        let found = match nested.get(parent) {
            Some(found) => found.clone(),
            None => {
                let mut sub = PathBuf::new();
                let found = parent
                    .components()
                    .filter(|c| matches!(c, Component::Normal(_)))
                    .find_map(|c| {
                        sub.push(c);
                        let folder = self.dir.join(&sub);
                        kept(&folder).then_some(folder)
                    });
                nested.insert(parent.to_path_buf(), found.clone());
                found
            }
        };
        let Some(folder) = found else {
            return Ok(());
        };
        Err(Error::OutputRecord {
            message: format!(
                "{} holds the record of a run into it, which a run into {} does not keep; none \
                 of the outputs of {input} were written: run that input with -o {}, or choose \
                 another output folder (see docs/output-naming.md)",
                crate::diagnostic::shown(&folder),
                crate::diagnostic::shown(&self.dir),
                crate::diagnostic::shown(&folder)
            ),
            path: record_or_pending(&folder),
        })
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
            let file = open_here(&path, true)?;
            if self.cut {
                // The cut line ends here, alone.
                text.insert(0, '\n');
            } else if file.metadata().is_ok_and(|m| m.len() == 0) {
                // Until a record is saved beside it, the list says since
                // when the folder is kept (a first run stopped midway).
                text.insert_str(0, &format!("{CREATED}{}\n", self.began));
            }
            state.pending = Some(file);
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
    /// (flushed with the run's outputs). A record with lines that cannot be
    /// read is left as it is (the pending list keeps this run's entries).
    ///
    /// # Errors
    /// As [`OutputRecord::open`], and [`Error::Io`] when the record cannot be
    /// written.
    pub fn save(&self, flush: &crate::atomic::Flush) -> Result<()> {
        let mut state = self.lock();
        if state.done.is_empty() {
            return Ok(());
        }
        let (mut all, _) = Parsed::of(&self.dir)?;
        if !all.bad.is_empty() {
            return Ok(());
        }
        for w in &state.done {
            all.known.insert(w.key.clone(), vec![w.entry]);
        }
        let mut keys: Vec<&String> = all.known.keys().collect();
        keys.sort();
        let mut text = format!(
            "{HEADER}\n# The outputs `songngu run` wrote in this folder, so that it never replaces \
             one changed since (see docs/output-naming.md).\n{CREATED}{} {ENTRIES} {} (since \
             then; a file this record does not name that came later is not replaced either; the \
             number of entry lines below)\n",
            all.created.unwrap_or(self.began),
            all.known.values().map(Vec::len).sum::<usize>()
        );
        for k in keys {
            for e in &all.known[k] {
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

/// Refuses an output folder `dir` inside a folder whose record names
/// outputs in `dir` (or cannot be read whole): a run into that folder
/// wrote them, and a run into `dir` would not see its record.
fn check_above(dir: &Path) -> Result<()> {
    let Ok(abs) = std::fs::canonicalize(dir).or_else(|_| std::path::absolute(dir)) else {
        return Ok(());
    };
    for above in abs.ancestors().skip(1) {
        if !kept(above) {
            continue;
        }
        let record = record_or_pending(above);
        // Not this run's folder: a record that cannot be read is passed by.
        let Ok((parsed, _)) = Parsed::of(above) else {
            continue;
        };
        let inside = format!("{}/", key(abs.strip_prefix(above).unwrap_or(&abs)));
        let named = parsed.known.keys().filter(|k| k.starts_with(&inside)).min();
        if named.is_none() && parsed.bad.is_empty() {
            continue;
        }
        let example =
            named.map_or_else(String::new, |k| format!(" ({}…)", above.join(k).display()));
        return Err(Error::OutputRecord {
            path: record,
            message: format!(
                "the record of a run into {} names outputs inside {}{example}; a run into {} \
                 would not see it and could replace a file changed since: run into {} (with \
                 that run's inputs), or choose an output folder outside it; nothing was written",
                above.display(),
                crate::diagnostic::shown(dir),
                crate::diagnostic::shown(dir),
                above.display()
            ),
        });
    }
    Ok(())
}

/// Whether a run into `folder` keeps a record there: it has one, or a
/// pending list (a first run stopped before it saved its record).
fn kept(folder: &Path) -> bool {
    [RECORD, PENDING]
        .iter()
        .any(|f| std::fs::symlink_metadata(folder.join(f)).is_ok())
}

/// The record of `folder`, or its pending list when it has no record (to
/// name in a message).
fn record_or_pending(folder: &Path) -> PathBuf {
    let record = folder.join(RECORD);
    if std::fs::symlink_metadata(&record).is_err() {
        folder.join(PENDING)
    } else {
        record
    }
}

/// A file of the output folder opened for reading and writing (or for
/// appending), made if missing; a symbolic link at its name is not
/// followed (it could lead out of the output folder). The pending list
/// and the run's lock ([`super::run_lock`]) are opened so.
///
/// # Errors
/// [`Error::OutputRecord`] for a link at its name or a folder there,
/// [`Error::Io`] else.
pub(super) fn open_here(path: &Path, append: bool) -> Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    if append {
        options.create(true).append(true);
    } else {
        options.create(true).read(true).write(true).truncate(false);
    }
    no_follow(&mut options);
    let is_link = || std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    #[cfg(not(target_os = "linux"))]
    if is_link() {
        return Err(a_link(path));
    }
    options.open(path).map_err(|e| {
        if is_link() {
            a_link(path)
        } else if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
            Error::OutputRecord {
                path: path.to_path_buf(),
                message: "is a folder; songngu keeps its record of the outputs it wrote here in \
                          plain files: move it away"
                    .to_owned(),
            }
        } else {
            Error::io(path, e)
        }
    })
}

/// Opens no symbolic link at the last part of the name (Linux).
fn no_follow(options: &mut std::fs::OpenOptions) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = options;
}

/// The error for one of songngu's files in the output folder that is a
/// symbolic link.
fn a_link(path: &Path) -> Error {
    Error::OutputRecord {
        path: path.to_path_buf(),
        message: "is a symbolic link; songngu keeps its record of the outputs it wrote here in \
                  plain files, and follows no link there: put the file it points to in its place \
                  (cp --remove-destination), or remove the link if it leads nowhere"
            .to_owned(),
    }
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

/// The path inside the folder that the record's name `k` stands for (the
/// reverse of [`key`]).
fn unkey(k: &str) -> PathBuf {
    let mut bytes = Vec::with_capacity(k.len());
    let mut rest = k.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        let hex = tail.get(1..3).and_then(|h| std::str::from_utf8(h).ok());
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(byte) if b == b'\\' && tail.first() == Some(&b'x') => {
                bytes.push(byte);
                rest = &tail[3..];
            }
            _ => {
                bytes.push(b);
                rest = tail;
            }
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        PathBuf::from(std::ffi::OsString::from_vec(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
    }
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

/// The bytes of the record or pending list at `path`; `None` when there is
/// no file.
///
/// # Errors
/// [`Error::OutputRecord`] for a link, not a regular file, or a file larger
/// than any record; [`Error::Io`] when it cannot be read.
fn read_bytes(path: &Path) -> Result<Option<Vec<u8>>> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(Error::io(path, e)),
    };
    if meta.file_type().is_symlink() {
        return Err(a_link(path));
    }
    let unusable = |message: String| Error::OutputRecord {
        path: path.to_path_buf(),
        message,
    };
    if !meta.is_file() {
        return Err(unusable(
            "is not a regular file; songngu keeps its record of the outputs it wrote here in \
             plain files: move it away"
                .to_owned(),
        ));
    }
    let too_large = || {
        unusable(format!(
            "is larger than {} MiB, more than songngu's record of any folder (about 100 bytes \
             an output) holds: not a record songngu wrote; move it away and put the folder's \
             record back",
            MAX_BYTES >> 20
        ))
    };
    if meta.len() > MAX_BYTES {
        return Err(too_large());
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    no_follow(&mut options);
    let file = options.open(path).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(too_large());
    }
    Ok(Some(bytes))
}

/// Adds the entries of the record (`header`) or pending list at `path`
/// to `into`; nothing when there is no file. An entry already there is
/// not added twice. A line of the record that is not an entry is skipped
/// and noted in `into`'s bad lines (so is a last line without its line
/// break: cut short, it could name another file); in the pending list,
/// such a line (a write cut short by a power loss) is left out. Returns
/// whether the last line is cut (no line break).
fn read_into(path: &Path, header: bool, into: &mut Parsed) -> Result<bool> {
    let Some(bytes) = read_bytes(path)? else {
        return Ok(false);
    };
    into.recorded |= header;
    // Not UTF-8 (damage): its bad lines are named as such.
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(&bytes),
    };
    let cut = !text.is_empty() && !text.ends_with('\n');
    if header && text.is_empty() {
        into.bad.push((
            1,
            format!("the file is empty (songngu's record starts with the line `{HEADER}`)"),
        ));
        return Ok(false);
    }
    let count = text.split('\n').count();
    // A record of version 2: its `# created` line (line number, count)
    // and the lines that are not comments.
    let mut counted = false;
    let mut said: Option<(usize, Option<usize>)> = None;
    let mut lines = 0usize;
    for (n, l) in text.split('\n').enumerate() {
        // A record converted to CRLF line ends (an editor, a copy through
        // another system) is read as it was written.
        let l = l.strip_suffix('\r').unwrap_or(l);
        if header && n == 0 {
            counted = l == HEADER;
            if !counted && l != HEADER_1 {
                into.bad.push((
                    1,
                    format!("the first line is not `{HEADER}` (a newer songngu's record?)"),
                ));
            }
            continue;
        }
        if header && cut && n + 1 == count {
            into.bad.push((
                n + 1,
                "the last line has no line break: the file was cut short (a copy or a sync \
                 interrupted, a full disk), so this line may have lost the end of its name"
                    .to_owned(),
            ));
            continue;
        }
        if let Some(c) = l.strip_prefix(CREATED) {
            let mut words = c.split(' ');
            let created = words.next().and_then(|c| c.parse().ok());
            if header {
                let entries = (words.next() == Some(ENTRIES))
                    .then(|| words.next().and_then(|w| w.parse().ok()))
                    .flatten();
                said = Some((n + 1, entries));
            }
            if header && created.is_none() {
                // Skipped, it would turn off the check of unnamed files.
                into.bad.push((
                    n + 1,
                    "the `# created` line does not start with a time (a number of nanoseconds)"
                        .to_owned(),
                ));
            } else if header || (!into.recorded && into.created.is_none()) {
                // A pending list with no record beside it (a first run
                // stopped before its record): kept since the list began.
                into.created = created;
            }
            continue;
        }
        if l.starts_with('#') || l.is_empty() {
            continue;
        }
        lines += 1;
        let Some((k, e)) = parse_line(l) else {
            if header {
                into.bad.push((
                    n + 1,
                    "not an entry `HASH SIZE MTIME INODE NAME` (32 hex digits, three numbers, \
                     a name)"
                        .to_owned(),
                ));
            }
            continue;
        };
        if into.texts_only && !is_text(k) {
            continue;
        }
        into.known.entry(k.to_owned()).or_default().push(e);
    }
    // A record cut inside a line says so above.
    if counted && !cut {
        match said {
            Some((_, Some(said))) if said == lines => {}
            Some((n, Some(said))) => into.bad.push((
                n,
                format!(
                    "the record says it holds {said} entry lines and it has {lines}: lines were \
                     lost (a copy or a sync cut short, a full disk) or added by hand"
                ),
            )),
            Some((n, None)) => into.bad.push((
                n,
                format!(
                    "the `# created` line does not say how many entry lines the record holds \
                     (`{ENTRIES} N` after the time)"
                ),
            )),
            None => into.bad.push((
                count.saturating_sub(1).max(1),
                "the record has no `# created` line: it was cut short (a copy or a sync \
                 interrupted, a full disk), so entries may be missing"
                    .to_owned(),
            )),
        }
    }
    // Each entry once (sorted, so linear in the lines whatever their names).
    for entries in into.known.values_mut() {
        entries.sort_unstable();
        entries.dedup();
    }
    Ok(cut)
}

/// Whether the record's name `k` is one a walk could take for an article
/// (`.txt`, `.md`).
fn is_text(k: &str) -> bool {
    let ext = k.rsplit_once('.').map_or("", |(_, e)| e);
    ext.eq_ignore_ascii_case("txt") || ext.eq_ignore_ascii_case("md")
}

/// One line of the record: the name and its entry.
fn parse_line(l: &str) -> Option<(&str, Entry)> {
    let mut f = l.splitn(5, ' ');
    let hash = f.next().filter(|h| h.len() == 32)?;
    let hash = u128::from_str_radix(hash, 16).ok()?;
    let size = f.next()?.parse().ok()?;
    let mtime = f.next()?.parse().ok()?;
    let ino = f.next()?.parse().ok()?;
    let name = f
        .next()
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_graphic()))?;
    Some((
        name,
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

    /// A run into `dir` that writes `files`, saved and settled.
    fn run_writing(dir: &Path, files: &[(&str, &[u8])]) {
        let r = OutputRecord::open(dir, false).unwrap();
        let entries: Vec<NewEntry> = files.iter().map(|(f, b)| written(dir, f, b)).collect();
        r.before_commit(&entries).unwrap();
        r.committed(entries);
        r.save(&crate::atomic::Flush::new()).unwrap();
        r.settle();
    }

    /// A folder and the record of a run into it that wrote `a.tsv` and
    /// `b.xlf`.
    fn record_of_a_and_b() -> (tempfile::TempDir, String) {
        let dir = tempfile::tempdir().unwrap();
        run_writing(dir.path(), &[("a.tsv", b"a\n"), ("b.xlf", b"b\n")]);
        let text = std::fs::read_to_string(dir.path().join(RECORD)).unwrap();
        (dir, text)
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
        for p in ["x/b c\\d.jsonl", "bài.vi.txt", "a\\x41.txt"] {
            assert_eq!(unkey(&key(Path::new(p))), Path::new(p));
        }
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
        assert_eq!(parse_line(text.trim_end()), Some(("x/b\\x20c", e)));
        assert_eq!(time(-5), UNIX_EPOCH - Duration::from_nanos(5));
        assert_eq!(nanos(time(-5)), -5);
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
        let mut f = open_here(&d.join(PENDING), true).unwrap();
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
    fn lines_that_cannot_be_read_are_skipped_and_leave_nothing_unprotected() {
        let (dir, good) = record_of_a_and_b();
        let d = dir.path();
        assert!(good.contains("\n# created "), "{good}");
        // A hand-made line, then the last line cut inside its name.
        let cut = good.replacen("\n# created", "\nnot an entry\n# created", 1);
        std::fs::write(d.join(RECORD), &cut[..cut.len() - 2]).unwrap();
        let r = OutputRecord::open(d, false).unwrap();
        let lines: Vec<usize> = r.parsed.bad.iter().map(|b| b.0).collect();
        assert_eq!(lines, [3, 6]);
        assert!(!changed(&r, d, "a.tsv"));
        // b.xlf's entry was cut: not vouched for, so not replaced.
        let path = d.join("b.xlf");
        let meta = std::fs::symlink_metadata(&path).unwrap();
        let why = r.changed(Path::new("b.xlf"), &path, Some(&meta)).unwrap();
        assert!(
            matches!(why, Some(Changed { why: Edited::Unvouched { ref lines, .. }, .. }) if lines == "3, 6"),
            "{why:?}"
        );
        let warnings = Recorded::read(d).unwrap().warnings();
        assert!(
            warnings[0].contains(".songngu-written:3: not an entry"),
            "{warnings:?}"
        );
        assert!(warnings[1].contains(":6: the last line has no line break"));
        // Such a record is not rewritten: this run's entries stay pending.
        let c = written(d, "c.tsv", b"c\n");
        r.before_commit(std::slice::from_ref(&c)).unwrap();
        r.committed(vec![c]);
        r.save(&crate::atomic::Flush::new()).unwrap();
        r.settle();
        assert_eq!(
            std::fs::read_to_string(d.join(RECORD)).unwrap(),
            cut[..cut.len() - 2]
        );
        assert!(!changed(&OutputRecord::open(d, false).unwrap(), d, "c.tsv"));
        // A newer songngu's record is read the same way, and kept.
        std::fs::write(d.join(RECORD), "songngu-written 9\n").unwrap();
        let r = OutputRecord::open(d, false).unwrap();
        assert_eq!(r.parsed.bad[0].0, 1);
        assert!(r.parsed.bad[0].1.contains("the first line"));
        assert!(changed(&r, d, "a.tsv"));
    }

    #[test]
    fn a_file_the_record_does_not_name_is_refused_only_if_it_came_later() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("old.en.txt"), b"from before the record\n").unwrap();
        run_writing(d, &[("a.tsv", b"a\n")]);
        let r = OutputRecord::open(d, false).unwrap();
        assert!(r.parsed.created.is_some());
        assert!(!changed(&r, d, "old.en.txt"));
        std::fs::write(d.join("new.en.txt"), b"made by hand\n").unwrap();
        assert!(changed(&r, d, "new.en.txt"));
        // A record without the line (an older songngu's): as before.
        let text = std::fs::read_to_string(d.join(RECORD)).unwrap();
        let old: String = text
            .lines()
            .filter(|l| !l.starts_with(CREATED))
            .map(|l| format!("{}\n", if l == HEADER { HEADER_1 } else { l }))
            .collect();
        std::fs::write(d.join(RECORD), old).unwrap();
        assert!(!changed(
            &OutputRecord::open(d, false).unwrap(),
            d,
            "new.en.txt"
        ));
    }

    #[test]
    fn a_damaged_created_line_or_a_record_cut_on_a_line_boundary_is_a_bad_line() {
        let (dir, good) = record_of_a_and_b();
        let d = dir.path();
        assert!(good.starts_with("songngu-written 2\n"), "{good}");
        assert!(good.contains(" entries 2 ("), "{good}");
        assert!(OutputRecord::open(d, false).unwrap().parsed.bad.is_empty());
        std::fs::write(d.join("new.en.txt"), b"made by hand\n").unwrap();
        let bad_lines = |text: &str| {
            std::fs::write(d.join(RECORD), text).unwrap();
            let r = OutputRecord::open(d, false).unwrap();
            // Protection stays on: an unnamed file is not replaced.
            assert!(changed(&r, d, "new.en.txt"), "{text}");
            r.parsed.bad
        };
        // A damaged time.
        let damaged = good.replacen("# created 1", "# created x1", 1);
        let bad = bad_lines(&damaged);
        assert_eq!(bad[0].0, 3);
        assert!(bad[0].1.contains("does not start with a time"), "{bad:?}");
        // Cut after the second, the third, the fourth line; a line lost
        // inside.
        let lines: Vec<&str> = good.lines().collect();
        for keep in 1..lines.len() {
            let cut: String = lines[..keep].iter().map(|l| format!("{l}\n")).collect();
            assert!(!bad_lines(&cut).is_empty(), "{cut}");
        }
        let lost = format!("{}\n{}\n{}\n{}\n", lines[0], lines[1], lines[2], lines[4]);
        let bad = bad_lines(&lost);
        assert!(
            bad[0]
                .1
                .contains("says it holds 2 entry lines and it has 1"),
            "{bad:?}"
        );
        // No count on the line.
        let uncounted = good.replacen(" entries 2 ", " ", 1);
        assert!(bad_lines(&uncounted)[0].1.contains("does not say how many"));
        // The same record in version 1 (no count): read as before.
        let v1 = uncounted.replacen(HEADER, HEADER_1, 1);
        std::fs::write(d.join(RECORD), v1).unwrap();
        let r = OutputRecord::open(d, false).unwrap();
        assert!(r.parsed.bad.is_empty(), "{:?}", r.parsed.bad);
        assert!(!changed(&r, d, "a.tsv"));
    }

    #[test]
    fn many_entries_for_one_name_are_read_once_each() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        run_writing(d, &[("a.en.txt", b"a\n")]);
        // 20,000 entries for one name, each twice (a pending list that
        // grew run after run), and 30 bad lines in the record (31 with its
        // `# created` line, whose count of entries is now wrong).
        let mut pending = String::new();
        for i in 0..20_000u64 {
            let e = Entry {
                hash: u128::from(i),
                stamp: Stamp {
                    size: 3,
                    mtime: i128::from(i),
                    ino: i,
                },
            };
            line(&mut pending, "a.en.txt", &e);
            line(&mut pending, "a.en.txt", &e);
        }
        std::fs::write(d.join(PENDING), &pending).unwrap();
        let mut record = std::fs::read_to_string(d.join(RECORD)).unwrap();
        record.push_str(&"not an entry\n".repeat(30));
        std::fs::write(d.join(RECORD), record).unwrap();
        let r = OutputRecord::open(d, false).unwrap();
        assert_eq!(r.parsed.known["a.en.txt"].len(), 20_001);
        assert!(!changed(&r, d, "a.en.txt"));
        let warnings = r.warnings();
        assert_eq!(warnings.len(), MAX_WARNINGS + 1, "{warnings:?}");
        assert!(
            warnings[MAX_WARNINGS].contains("and 11 more lines"),
            "{warnings:?}"
        );
        assert!(r.parsed.bad_lines().ends_with(" and 11 more"));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_link_at_the_pending_name_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("victim"), b"keep").unwrap();
        let r = OutputRecord::open(d, false).unwrap();
        std::os::unix::fs::symlink(d.join("victim"), d.join(PENDING)).unwrap();
        let w = written(d, "a.txt", b"a");
        let e = r.before_commit(&[w]).unwrap_err().to_string();
        assert!(
            e.contains(".songngu-written.pending: is a symbolic link"),
            "{e}"
        );
        // Read, as a record or a pending list: refused, not followed.
        let e = OutputRecord::open(d, false).unwrap_err().to_string();
        assert!(e.contains("is a symbolic link"), "{e}");
        std::fs::remove_file(d.join(PENDING)).unwrap();
        std::os::unix::fs::symlink("/dev/zero", d.join(RECORD)).unwrap();
        assert!(matches!(
            OutputRecord::open(d, false),
            Err(Error::OutputRecord { .. })
        ));
        assert_eq!(std::fs::read(d.join("victim")).unwrap(), b"keep");
    }
}
