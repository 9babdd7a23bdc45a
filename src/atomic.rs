//! File output: atomic, with normal permissions, and (for a run's outputs)
//! never outside the output folder.
//!
//! - **Atomic**: write to a temporary file in the destination's folder,
//!   then rename it over the destination. A killed process (kill -9,
//!   Ctrl-C) at any moment leaves either the old file or the complete new
//!   one, never a partial or mixed file.
//! - **Durable**: a single file ([`write_atomic`], [`write_inside`],
//!   [`OutputFolder::write`]) is flushed to disk before the rename. A
//!   batch ([`OutputFolder::write_batched`]) flushes once for all its files
//!   ([`Flush::flush`]: one `syncfs` per filesystem on Linux, else an fsync
//!   of every file and folder) instead of once per file; each file's
//!   write-back is started as soon as it is written, so the final flush
//!   mostly waits for writes already under way. After a power loss, every
//!   file of a batch whose flush returned is on disk; files of a batch cut
//!   short by the power loss may be missing, empty or old.
//! - **Permissions** (Unix): a new file gets `0666 & !umask`, as `touch`
//!   or a shell redirection would create it (the temporary file is created
//!   with mode 0666 and the kernel applies the umask); a file that is
//!   replaced keeps its read, write and execute bits (never set-id or
//!   sticky bits) and, where the process may set them and the old file has
//!   no other hard link, its owner and group.
//! - **Containment**: [`write_inside`] writes `ROOT/REL` only when `REL` is
//!   a plain relative name and its folder, with the symbolic links of the
//!   folders that already exist resolved, lies inside `ROOT` (resolved the
//!   same way). Every output of `songngu run` goes through it.
//! - **Interrupted**: the temporary files of the [`AtomicFile`]s alive in
//!   this process are registered; [`remove_temporaries`] deletes them (and
//!   only them: another process's temporaries in the same folder are not
//!   this process's to remove), for a binary that exits on Ctrl-C or
//!   SIGTERM without leaving `.songngu-*.tmp` files behind.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, PoisonError, RwLock};

use crate::error::{Error, Result};

/// Writes `bytes` to `path` atomically, creating the parent folder if
/// needed. For a file the user named (an export, a glossary being
/// rewritten): when `path` is a symbolic link, the file it points to is
/// rewritten and the link kept.
///
/// # Errors
/// [`Error::Io`] naming `path` when the folder, the temporary file or the
/// rename fails; the old file (if any) is then untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let target = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    };
    replace(&target, bytes, path, None, false)
}

/// Writes `bytes` to `root/rel` atomically after checking with [`inside`]
/// that it lies inside `root`; returns the path written. A symbolic link
/// at the file's own name is replaced, not followed.
///
/// # Errors
/// [`Error::OutsideOutput`] (nothing written), or [`Error::Io`] as for
/// [`write_atomic`].
pub fn write_inside(root: &Path, rel: &Path, bytes: &[u8]) -> Result<PathBuf> {
    OutputFolder::new(root)?.write(rel, bytes)
}

/// `root/rel`, checked to lie inside `root`: `rel` must be relative and
/// free of `..`, and the folder it goes into, once the symbolic links of
/// the folders that already exist are resolved, must be `root` or below it
/// (`root` resolved the same way; `root` itself may be a link). Nothing is
/// created.
///
/// # Errors
/// [`Error::OutsideOutput`] saying why; [`Error::Io`] when an existing
/// folder cannot be resolved.
pub fn inside(root: &Path, rel: &Path) -> Result<PathBuf> {
    OutputFolder::new(root)?.check(rel)
}

/// An output folder, resolved once, for checking ([`inside`]) and writing
/// ([`write_inside`]) many files: the folders found inside are
/// remembered (until [`OutputFolder::forget`]), so the files of one folder
/// cost one resolution and one `mkdir`.
#[derive(Debug, Clone)]
pub struct OutputFolder {
    root: PathBuf,
    real_root: PathBuf,
    inside: HashSet<PathBuf>,
    /// Folders this value created or found existing while writing.
    made: HashSet<PathBuf>,
}

impl OutputFolder {
    /// Resolves `root` (see [`inside`]).
    ///
    /// # Errors
    /// [`Error::Io`] when an existing part of `root` cannot be resolved.
    pub fn new(root: &Path) -> Result<OutputFolder> {
        Ok(OutputFolder {
            root: root.to_path_buf(),
            real_root: resolve(root).map_err(|e| Error::io(root, e))?,
            inside: HashSet::new(),
            made: HashSet::new(),
        })
    }

    /// Where `rel` lands once the output folder's path is resolved: its
    /// symbolic links followed and a `..` after a folder that does not
    /// exist yet applied (`-o new/../articles` writes into `articles`).
    /// `rel` as checked by [`OutputFolder::check`].
    pub fn landing(&self, rel: &Path) -> PathBuf {
        self.real_root.join(rel)
    }

    /// Forgets the folders checked and created so far: the next file of
    /// each is checked (symbolic links resolved) again. The output folder
    /// itself stays resolved as it was by [`OutputFolder::new`].
    pub fn forget(&mut self) {
        self.inside.clear();
        self.made.clear();
    }

    /// `replace` of `path`, creating its folder unless done already.
    fn put(&mut self, path: &Path, bytes: &[u8], batch: Option<&Flush>) -> Result<()> {
        let mut file = self.open(path)?;
        file.write_all(bytes).map_err(|e| Error::io(path, e))?;
        file.commit(batch)
    }

    /// An [`AtomicFile`] for `path`, creating its folder unless done already.
    fn open(&mut self, path: &Path) -> Result<AtomicFile> {
        let dir = folder_of(path);
        let made = self.made.contains(dir);
        let file = AtomicFile::create(path, path, made)?;
        if !made {
            self.made.insert(dir.to_path_buf());
        }
        Ok(file)
    }

    /// Checks `rel` ([`OutputFolder::check`]) and opens it for writing
    /// piece by piece: nothing is at `rel` until [`AtomicFile::commit`],
    /// and a file dropped without it leaves no trace.
    ///
    /// # Errors
    /// As [`write_inside`].
    pub fn create(&mut self, rel: &Path) -> Result<AtomicFile> {
        let path = self.check(rel)?;
        self.open(&path)
    }

    /// `root/rel` when it lies inside the folder (see [`inside`]).
    ///
    /// # Errors
    /// As [`inside`].
    pub fn check(&mut self, rel: &Path) -> Result<PathBuf> {
        let path = self.root.join(rel);
        let outside = |reason: String| Error::OutsideOutput {
            path: path.clone(),
            root: self.root.clone(),
            reason,
        };
        if rel.file_name().is_none() {
            return Err(outside("the file name is empty or `..`".into()));
        }
        for c in rel.components() {
            match c {
                Component::Normal(_) | Component::CurDir => {}
                Component::ParentDir => return Err(outside("the name contains `..`".into())),
                Component::RootDir | Component::Prefix(_) => {
                    return Err(outside("the name is an absolute path".into()));
                }
            }
        }
        let folder = rel.parent().unwrap_or(Path::new(""));
        if self.inside.contains(folder) {
            return Ok(path);
        }
        let shown = self.root.join(folder);
        let real_folder = resolve(&shown).map_err(|e| Error::io(&shown, e))?;
        if !real_folder.starts_with(&self.real_root) {
            return Err(outside(format!(
                "its folder {} is {} once symbolic links are followed",
                shown.display(),
                real_folder.display()
            )));
        }
        self.inside.insert(folder.to_path_buf());
        Ok(path)
    }

    /// Checks `rel` ([`OutputFolder::check`]) and writes `bytes` there
    /// atomically; returns the path written.
    ///
    /// # Errors
    /// As [`write_inside`].
    pub fn write(&mut self, rel: &Path, bytes: &[u8]) -> Result<PathBuf> {
        let path = self.check(rel)?;
        self.put(&path, bytes, None)?;
        Ok(path)
    }

    /// As [`OutputFolder::write`] (checked, atomic, same permissions), but
    /// the file is not flushed to disk on its own: its write-back is
    /// started and it is recorded in `flush`, whose [`Flush::flush`] makes
    /// it durable together with the batch's other files.
    ///
    /// # Errors
    /// As [`write_inside`].
    pub fn write_batched(&mut self, rel: &Path, bytes: &[u8], flush: &Flush) -> Result<PathBuf> {
        let path = self.check(rel)?;
        self.put(&path, bytes, Some(flush))?;
        Ok(path)
    }
}

/// The files of a batch written with [`OutputFolder::write_batched`],
/// waiting for one flush to disk. Shared by the threads of a batch.
#[derive(Debug, Default)]
pub struct Flush {
    written: Mutex<Written>,
}

#[derive(Debug, Default)]
struct Written {
    files: Vec<PathBuf>,
    folders: HashSet<PathBuf>,
}

impl Flush {
    /// Nothing recorded yet.
    #[must_use]
    pub fn new() -> Flush {
        Flush::default()
    }

    fn record(&self, file: &Path) {
        let mut w = self.written.lock().unwrap_or_else(|e| e.into_inner());
        w.folders.insert(folder_of(file).to_path_buf());
        w.files.push(file.to_path_buf());
    }

    /// The number of files recorded and not yet flushed.
    pub fn pending(&self) -> usize {
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .files
            .len()
    }

    /// Puts every recorded file, and the folder entries naming them, on
    /// disk: on Linux one `syncfs` per filesystem the files are on; where
    /// that is not available, an fsync of each file and of each folder
    /// from the files' folders up to the root. Then forgets them.
    ///
    /// # Errors
    /// [`Error::Io`] naming the file or folder that could not be flushed
    /// (the disk reported a write error, or it is gone); the files may
    /// then not all be on disk.
    pub fn flush(&self) -> Result<()> {
        let written = std::mem::take(&mut *self.written.lock().unwrap_or_else(|e| e.into_inner()));
        if written.files.is_empty() {
            return Ok(());
        }
        #[cfg(target_os = "linux")]
        {
            match syncfs_each(&written.folders) {
                Ok(()) => return Ok(()),
                Err(SyncfsError::Unsupported) => {}
                Err(SyncfsError::Failed(e)) => return Err(e),
            }
        }
        fsync_each(&written.files, &written.folders)
    }
}

/// The folder `path` is in (`.` for a bare name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

#[cfg(target_os = "linux")]
enum SyncfsError {
    Unsupported,
    Failed(Error),
}

/// One `syncfs` per filesystem among `folders`.
#[cfg(target_os = "linux")]
fn syncfs_each(folders: &HashSet<PathBuf>) -> std::result::Result<(), SyncfsError> {
    use std::os::unix::fs::MetadataExt;
    let mut done = HashSet::new();
    for folder in folders {
        let dir =
            std::fs::File::open(folder).map_err(|e| SyncfsError::Failed(Error::io(folder, e)))?;
        let dev = dir
            .metadata()
            .map_err(|e| SyncfsError::Failed(Error::io(folder, e)))?
            .dev();
        if !done.insert(dev) {
            continue;
        }
        match rustix::fs::syncfs(&dir) {
            Ok(()) => {}
            Err(e) if e == rustix::io::Errno::NOSYS => return Err(SyncfsError::Unsupported),
            Err(e) => return Err(SyncfsError::Failed(Error::io(folder, e.into()))),
        }
    }
    Ok(())
}

/// fsync of every file, then of every folder holding one and of their
/// ancestors (so that new folders' own entries are on disk too).
fn fsync_each(files: &[PathBuf], folders: &HashSet<PathBuf>) -> Result<()> {
    for file in files {
        std::fs::File::open(file)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::io(file, e))?;
    }
    let mut all: HashSet<&Path> = HashSet::new();
    for folder in folders {
        all.extend(folder.ancestors().filter(|a| !a.as_os_str().is_empty()));
    }
    for folder in all {
        sync_folder(folder).map_err(|e| Error::io(folder, e))?;
    }
    Ok(())
}

/// fsync of a folder, where the platform can open one (not Windows).
#[cfg(unix)]
fn sync_folder(folder: &Path) -> std::io::Result<()> {
    std::fs::File::open(folder)?.sync_all()
}

#[cfg(not(unix))]
fn sync_folder(_folder: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Starts writing `file`'s data to disk without waiting for it (Linux:
/// `posix_fadvise(DONTNEED)` queues the write-back of its dirty pages), so
/// that the batch's final flush finds most of the work done. Only a hint:
/// failures are ignored.
fn start_writeback(file: &std::fs::File) {
    #[cfg(target_os = "linux")]
    {
        let _ = rustix::fs::fadvise(file, 0, None, rustix::fs::Advice::DontNeed);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = file;
}

/// Real paths of existing files, as [`std::fs::canonicalize`] gives them,
/// for many files in few folders: each folder is resolved once, and a
/// file's own name only when it is a symbolic link (one `lstat` per file
/// instead of one `readlink` per component). A file in a folder that does
/// not exist is not looked at.
#[derive(Debug, Default)]
pub struct RealPaths {
    folders: std::collections::HashMap<PathBuf, Option<PathBuf>>,
}

impl RealPaths {
    /// The real path of `path`, `None` when it does not exist (or cannot
    /// be resolved): what `canonicalize(path).ok()` gives.
    pub fn of(&mut self, path: &Path) -> Option<PathBuf> {
        // A name that ends in a separator or `.` is resolved whole.
        let plain = !path.as_os_str().as_encoded_bytes().ends_with(b"/")
            && matches!(path.components().next_back(), Some(Component::Normal(_)))
            && !path.as_os_str().as_encoded_bytes().ends_with(b"/.");
        let (true, Some(parent), Some(name)) = (plain, path.parent(), path.file_name()) else {
            return std::fs::canonicalize(path).ok();
        };
        let real_parent = self
            .folders
            .entry(parent.to_path_buf())
            .or_insert_with(|| {
                let dir = if parent.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    parent
                };
                std::fs::canonicalize(dir).ok()
            })
            .as_ref()?;
        let meta = std::fs::symlink_metadata(path).ok()?;
        if meta.file_type().is_symlink() {
            return std::fs::canonicalize(path).ok();
        }
        Some(real_parent.join(name))
    }
}

/// `path` made absolute with the symbolic links of its existing part
/// resolved: the longest existing prefix is canonicalised and the rest
/// appended (`.` dropped, `..` removing the last component). A dangling
/// symbolic link in the path is an error, since where it leads is unknown.
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let parts: Vec<Component<'_>> = abs.components().collect();
    let mut k = parts.len();
    // A prefix another thread or process creates between the two calls
    // below is looked at again (a few times), not taken for a dangling link.
    let mut second_looks = 0;
    while k >= 1 {
        let prefix: PathBuf = parts[..k].iter().collect();
        match std::fs::canonicalize(&prefix) {
            Ok(mut real) => {
                for c in &parts[k..] {
                    match c {
                        Component::ParentDir => {
                            real.pop();
                        }
                        Component::Normal(n) => real.push(n),
                        _ => {}
                    }
                }
                return Ok(real);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let now = std::fs::symlink_metadata(&prefix);
                let dangling = now.as_ref().is_ok_and(|m| m.file_type().is_symlink())
                    && std::fs::metadata(&prefix).is_err();
                if now.is_ok() && !dangling && second_looks < 8 {
                    second_looks += 1;
                    continue;
                }
                if now.is_ok() {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        format!(
                            "{} is a symbolic link to something that does not exist",
                            prefix.display()
                        ),
                    ));
                }
            }
            Err(e) => return Err(e),
        }
        k -= 1;
    }
    Ok(abs)
}

/// The atomic replacement of `dest` (`shown` names it in errors): flushed
/// to disk before the rename, or, with `batch`, recorded there for its
/// [`Flush::flush`]. Its folder is created unless `dir_exists`.
fn replace(
    dest: &Path,
    bytes: &[u8],
    shown: &Path,
    batch: Option<&Flush>,
    dir_exists: bool,
) -> Result<()> {
    let mut file = AtomicFile::create(dest, shown, dir_exists)?;
    file.write_all(bytes).map_err(|e| Error::io(shown, e))?;
    file.commit(batch)
}

/// A file written piece by piece ([`std::io::Write`]) into a temporary
/// file beside its destination, which [`AtomicFile::commit`] renames over
/// it: until then the destination is untouched, and dropping the value
/// removes the temporary file. Unbuffered: wrap it in a
/// [`std::io::BufWriter`] for small writes.
#[derive(Debug)]
pub struct AtomicFile {
    tmp: tempfile::NamedTempFile,
    dest: PathBuf,
    shown: PathBuf,
    /// The file being replaced, if it is one.
    old: Option<std::fs::Metadata>,
    /// The temporary file's entry in the registry. Last field: dropped
    /// after `tmp` has removed the file, so that the file is never on disk
    /// unregistered.
    registered: Registered,
}

impl AtomicFile {
    fn create(dest: &Path, shown: &Path, dir_exists: bool) -> Result<AtomicFile> {
        AtomicFile::create_in(&TEMPORARIES, dest, shown, dir_exists)
    }

    /// [`AtomicFile::create`] with its temporary file in `registry`.
    fn create_in(
        registry: &'static Temporaries,
        dest: &Path,
        shown: &Path,
        dir_exists: bool,
    ) -> Result<AtomicFile> {
        let dir = folder_of(dest);
        if !dir_exists {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        // The file being replaced, if it is one (a link at `dest` is replaced
        // like a new file).
        let old = std::fs::symlink_metadata(dest)
            .ok()
            .filter(std::fs::Metadata::is_file);
        let mut builder = tempfile::Builder::new();
        builder.prefix(".songngu-").suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Like any new file: the umask applies to 0666.
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let (tmp, registered) = registry
            .create(|| builder.tempfile_in(dir))
            .map_err(|e| Error::io(dir, e))?;
        Ok(AtomicFile {
            tmp,
            dest: dest.to_path_buf(),
            shown: shown.to_path_buf(),
            old,
            registered,
        })
    }

    /// The destination.
    pub fn path(&self) -> &Path {
        &self.shown
    }

    /// Checks that [`AtomicFile::commit`] can rename over the destination:
    /// it is not a folder now. For a set of files that should all be put in
    /// place or none: check every one before committing any. Returns what
    /// the file system says of the file now at the destination, when it is
    /// a regular file (not a symbolic link), for a caller that must know
    /// whether it may be replaced.
    ///
    /// # Errors
    /// [`Error::Io`] naming the destination when a folder is in its place.
    pub fn check_replaceable(&self) -> Result<Option<std::fs::Metadata>> {
        match std::fs::symlink_metadata(&self.dest) {
            Ok(m) if m.is_dir() => Err(Error::io(
                &self.shown,
                std::io::Error::new(
                    std::io::ErrorKind::IsADirectory,
                    "a folder is where this output goes; move or rename it",
                ),
            )),
            Ok(m) if m.is_file() => Ok(Some(m)),
            _ => Ok(None),
        }
    }

    /// What the file system says of the file written so far (its size,
    /// modification time, inode: the rename keeps them).
    ///
    /// # Errors
    /// [`Error::Io`] naming the destination.
    pub fn metadata(&self) -> Result<std::fs::Metadata> {
        self.tmp
            .as_file()
            .metadata()
            .map_err(|e| Error::io(&self.shown, e))
    }

    /// Renames the file over its destination: flushed to disk before, or,
    /// with `batch`, its write-back started and the file recorded there
    /// for [`Flush::flush`].
    ///
    /// # Errors
    /// [`Error::Io`] naming the destination; it is then untouched.
    pub fn commit(self, batch: Option<&Flush>) -> Result<()> {
        let AtomicFile {
            tmp,
            dest,
            shown,
            old,
            registered,
        } = self;
        // `tmp` is renamed or removed (consumed) before its entry goes.
        let done = persist(tmp, &dest, &shown, old.as_ref(), batch);
        drop(registered);
        done
    }
}

/// The body of [`AtomicFile::commit`]: `tmp` renamed over `dest`, or
/// removed on failure.
fn persist(
    tmp: tempfile::NamedTempFile,
    dest: &Path,
    shown: &Path,
    old: Option<&std::fs::Metadata>,
    batch: Option<&Flush>,
) -> Result<()> {
    if let Some(old) = old {
        keep_mode_and_owner(tmp.as_file(), old).map_err(|e| Error::io(shown, e))?;
    }
    match batch {
        None => tmp.as_file().sync_all().map_err(|e| Error::io(shown, e))?,
        Some(_) => start_writeback(tmp.as_file()),
    }
    // Racing with [`remove_temporaries`], the rename either comes first
    // (the destination is complete, the removal finds nothing) or fails
    // (the temporary file is gone; the destination is untouched).
    tmp.persist(dest).map_err(|e| Error::io(shown, e.error))?;
    if let Some(flush) = batch {
        flush.record(dest);
    }
    Ok(())
}

/// Deletes the temporary file of every [`AtomicFile`] of this process not
/// yet committed or dropped, and refuses new ones from then on (creating
/// one fails with [`std::io::ErrorKind::Interrupted`]): for a process about
/// to exit on a signal, which runs no destructors. Returns the number of
/// files deleted.
///
/// Call it from an ordinary thread (such as the one the `ctrlc` crate runs
/// its handler on), not from inside a signal handler: it takes locks. It
/// waits for the temporary files being created at that moment, so that
/// none is left on disk unregistered. A commit racing with it either
/// renames its complete file over the destination first, or fails because
/// the temporary file is gone: a destination always holds a complete file.
/// Only the files this process registered are removed, never another
/// process's temporaries in the same folder.
pub fn remove_temporaries() -> usize {
    TEMPORARIES.remove_all()
}

/// The temporary files of this process's [`AtomicFile`]s.
static TEMPORARIES: Temporaries = Temporaries::new();

/// A registry of live temporary files (see [`remove_temporaries`]).
#[derive(Debug)]
struct Temporaries {
    /// Held shared while a temporary file is created and registered, and
    /// exclusively by [`Temporaries::remove_all`], so that no file is on
    /// disk unregistered when it looks. `true` once it has: no new file.
    gate: RwLock<bool>,
    live: Mutex<Live>,
}

/// The registered files, each in a slot whose number its [`Registered`]
/// keeps: no path is compared or hashed, and the slots are reused, so
/// registering allocates nothing once a batch is under way.
#[derive(Debug)]
struct Live {
    slots: Vec<Option<PathBuf>>,
    /// The empty slots.
    free: Vec<usize>,
}

impl Live {
    fn insert(&mut self, path: PathBuf) -> usize {
        match self.free.pop() {
            Some(id) => {
                self.slots[id] = Some(path);
                id
            }
            None => {
                self.slots.push(Some(path));
                self.slots.len() - 1
            }
        }
    }

    fn remove(&mut self, id: usize) {
        if let Some(slot) = self.slots.get_mut(id)
            && slot.take().is_some()
        {
            self.free.push(id);
        }
    }

    /// Every registered path, the registry left empty.
    fn take_all(&mut self) -> Vec<PathBuf> {
        let mut paths = Vec::new();
        for (id, slot) in self.slots.iter_mut().enumerate() {
            if let Some(path) = slot.take() {
                paths.push(path);
                self.free.push(id);
            }
        }
        paths
    }
}

impl Temporaries {
    const fn new() -> Temporaries {
        Temporaries {
            gate: RwLock::new(false),
            live: Mutex::new(Live {
                slots: Vec::new(),
                free: Vec::new(),
            }),
        }
    }

    /// The file `make` creates, registered until the entry is dropped.
    fn create(
        &'static self,
        make: impl FnOnce() -> std::io::Result<tempfile::NamedTempFile>,
    ) -> std::io::Result<(tempfile::NamedTempFile, Registered)> {
        let stopped = self.gate.read().unwrap_or_else(PoisonError::into_inner);
        if *stopped {
            return Err(std::io::Error::new(
                std::io::ErrorKind::Interrupted,
                "interrupted: the process is exiting, no new file is written",
            ));
        }
        let tmp = make()?;
        let path = tmp.path().to_path_buf();
        let id = self.lock().insert(path);
        drop(stopped);
        Ok((tmp, Registered { id, registry: self }))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Live> {
        self.live.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// [`remove_temporaries`] for this registry.
    fn remove_all(&self) -> usize {
        let mut stopped = self.gate.write().unwrap_or_else(PoisonError::into_inner);
        *stopped = true;
        let live = self.lock().take_all();
        drop(stopped);
        live.iter()
            .filter(|p| std::fs::remove_file(p).is_ok())
            .count()
    }
}

/// A temporary file's entry in its registry, removed on drop.
#[derive(Debug)]
struct Registered {
    id: usize,
    registry: &'static Temporaries,
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.registry.lock().remove(self.id);
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tmp.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.tmp.flush()
    }
}

/// Gives `file` the read, write and execute bits of `old` and (where
/// allowed) its owner. Never the set-user-id, set-group-id or sticky bits:
/// songngu writes data, and a file planted at an output's name must not
/// lend a new file those powers. The owner only when `old` has no other
/// hard link: a file linked from elsewhere (perhaps planted by another
/// user) says nothing about who should own what is written here.
#[cfg(unix)]
fn keep_mode_and_owner(file: &std::fs::File, old: &std::fs::Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    // Only root may give a file away; a member of the file's group may
    // still keep the group.
    if old.nlink() == 1
        && std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid())).is_err()
    {
        let _ = std::os::unix::fs::fchown(file, None, Some(old.gid()));
    }
    file.set_permissions(std::fs::Permissions::from_mode(old.mode() & 0o777))
}

#[cfg(not(unix))]
fn keep_mode_and_owner(file: &std::fs::File, old: &std::fs::Metadata) -> std::io::Result<()> {
    file.set_permissions(old.permissions())
}

#[cfg(test)]
mod tests {
    #[cfg(unix)]
    #[test]
    fn real_paths_are_what_canonicalize_gives() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::create_dir_all(d.join("a/b")).expect("dirs");
        std::fs::write(d.join("a/b/f.txt"), "x").expect("file");
        symlink(d.join("a/b"), d.join("link-dir")).expect("link");
        symlink(d.join("a/b/f.txt"), d.join("a/link-file.txt")).expect("link");
        symlink(d.join("nowhere"), d.join("a/dangling.txt")).expect("link");
        symlink("b/f.txt", d.join("a/relative-link.txt")).expect("link");
        let cwd = std::env::current_dir().expect("cwd");
        let mut paths: Vec<PathBuf> = [
            "a/b/f.txt",
            "a/b/missing.txt",
            "missing/f.txt",
            "link-dir/f.txt",
            "link-dir/missing.txt",
            "a/link-file.txt",
            "a/dangling.txt",
            "a/relative-link.txt",
            "a/b/./f.txt",
            "a/b/../b/f.txt",
            "link-dir/../b/f.txt",
            "a/b/",
            "a/b/.",
            "a/b/..",
            "a/b/f.txt/",
            "a/b/f.txt/.",
        ]
        .iter()
        .map(|p| d.join(p))
        .collect();
        // Relative to the working directory, and the bare name forms.
        paths.push(PathBuf::from("Cargo.toml"));
        paths.push(PathBuf::from("src/../Cargo.toml"));
        paths.push(PathBuf::from("."));
        paths.push(PathBuf::from(""));
        let mut real = RealPaths::default();
        for p in &paths {
            for _ in 0..2 {
                assert_eq!(real.of(p), std::fs::canonicalize(p).ok(), "{}", p.display());
            }
        }
        assert_eq!(std::env::current_dir().expect("cwd"), cwd);
    }

    use super::*;

    #[test]
    fn replaces_whole_file_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/out.txt");
        write_atomic(&p, b"old").unwrap();
        write_atomic(&p, b"new content").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new content");
        let names: Vec<_> = std::fs::read_dir(p.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn names_with_parent_or_root_components_are_outside() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        for rel in ["../x.txt", "a/../../x.txt", "/etc/x.txt", "", "a/.."] {
            let err = inside(&root, Path::new(rel)).unwrap_err();
            assert!(matches!(err, Error::OutsideOutput { .. }), "{rel}: {err}");
        }
        assert!(write_inside(&root, Path::new("../x.txt"), b"x").is_err());
        assert!(!dir.path().join("x.txt").exists());
        assert_eq!(
            inside(&root, Path::new("a/..b.jsonl")).unwrap(),
            root.join("a/..b.jsonl")
        );
    }

    #[cfg(unix)]
    #[test]
    fn folder_links_are_resolved_before_writing() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("out/inner")).unwrap();
        std::fs::create_dir_all(d.join("elsewhere")).unwrap();
        std::os::unix::fs::symlink(d.join("elsewhere"), d.join("out/x")).unwrap();
        std::os::unix::fs::symlink("inner", d.join("out/ok")).unwrap();
        std::os::unix::fs::symlink(d.join("missing"), d.join("out/gone")).unwrap();
        let err = write_inside(&d.join("out"), Path::new("x/a.jsonl"), b"x").unwrap_err();
        assert!(
            err.to_string().contains("outside the output folder"),
            "{err}"
        );
        assert!(write_inside(&d.join("out"), Path::new("x/new/a.jsonl"), b"x").is_err());
        assert!(write_inside(&d.join("out"), Path::new("gone/a.jsonl"), b"x").is_err());
        assert_eq!(std::fs::read_dir(d.join("elsewhere")).unwrap().count(), 0);
        assert!(!d.join("missing").exists());
        // Links that stay inside, and an output folder that is itself a link.
        write_inside(&d.join("out"), Path::new("ok/a.jsonl"), b"x").unwrap();
        assert!(d.join("out/inner/a.jsonl").is_file());
        std::os::unix::fs::symlink(d.join("out"), d.join("linked-out")).unwrap();
        write_inside(&d.join("linked-out"), Path::new("new/b.jsonl"), b"x").unwrap();
        assert!(d.join("out/new/b.jsonl").is_file());
        // A link at the file's own name is replaced, not followed.
        std::fs::write(d.join("elsewhere/victim"), b"keep").unwrap();
        std::os::unix::fs::symlink(d.join("elsewhere/victim"), d.join("out/c.jsonl")).unwrap();
        write_inside(&d.join("out"), Path::new("c.jsonl"), b"new").unwrap();
        assert_eq!(std::fs::read(d.join("elsewhere/victim")).unwrap(), b"keep");
        assert_eq!(std::fs::read(d.join("out/c.jsonl")).unwrap(), b"new");
    }

    #[test]
    fn batched_writes_are_atomic_and_flushed_together() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        let flush = Flush::new();
        let mut folder = OutputFolder::new(&root).unwrap();
        folder
            .write_batched(Path::new("a/x.jsonl"), b"old", &flush)
            .unwrap();
        folder
            .write_batched(Path::new("a/x.jsonl"), b"new", &flush)
            .unwrap();
        folder
            .write_batched(Path::new("b/y.tsv"), b"y", &flush)
            .unwrap();
        assert_eq!(flush.pending(), 3);
        // Confinement holds for batched writes too.
        assert!(
            folder
                .write_batched(Path::new("../z.txt"), b"z", &flush)
                .is_err()
        );
        assert!(!dir.path().join("z.txt").exists());
        flush.flush().unwrap();
        assert_eq!(flush.pending(), 0, "a flush forgets what it flushed");
        flush.flush().unwrap();
        assert_eq!(std::fs::read(root.join("a/x.jsonl")).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(root.join("a")).unwrap().count(), 1);
        // The portable fallback (fsync of every file and folder) works too.
        let files = vec![root.join("a/x.jsonl"), root.join("b/y.tsv")];
        let folders = files.iter().map(|f| folder_of(f).to_path_buf()).collect();
        fsync_each(&files, &folders).unwrap();
        // A file gone before the flush is reported, by name.
        let gone = Flush::new();
        folder
            .write_batched(Path::new("c/w.txt"), b"w", &gone)
            .unwrap();
        std::fs::remove_dir_all(root.join("c")).unwrap();
        let err = fsync_each(&[root.join("c/w.txt")], &HashSet::new()).unwrap_err();
        assert!(err.to_string().contains("w.txt"), "{err}");
    }

    /// A file planted at the name with set-id bits, linked from elsewhere:
    /// the new file gets its rwx bits only, and (when this process could
    /// give files away, as root) not the planted file's owner.
    #[cfg(unix)]
    #[test]
    fn a_replaced_file_never_takes_set_id_bits_or_a_hard_linked_files_owner() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("victim");
        std::fs::write(&elsewhere, b"old").unwrap();
        let planted = dir.path().join("s.tsv");
        std::fs::hard_link(&elsewhere, &planted).unwrap();
        let given_away = std::os::unix::fs::chown(&elsewhere, Some(65534), Some(65534)).is_ok();
        std::fs::set_permissions(&elsewhere, std::fs::Permissions::from_mode(0o6755)).unwrap();
        write_atomic(&planted, b"new").unwrap();
        let meta = std::fs::metadata(&planted).unwrap();
        assert_eq!(meta.mode() & 0o7777, 0o755);
        assert_eq!(meta.nlink(), 1);
        if given_away {
            let mine = dir.path().join("mine");
            std::fs::write(&mine, b"").unwrap();
            assert_eq!(meta.uid(), std::fs::metadata(&mine).unwrap().uid());
        }
        assert_eq!(std::fs::read(&elsewhere).unwrap(), b"old");
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("g.toml");
        std::fs::write(&p, b"old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o604)).unwrap();
        write_atomic(&p, b"new").unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o604);
        // Through a link: the target is rewritten, the link stays.
        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink(&p, &link).unwrap();
        write_atomic(&link, b"newer").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&p).unwrap(), b"newer");
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_link_in_the_output_path_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(dir.path().join("nowhere"), dir.path().join("out")).unwrap();
        let e = resolve(&dir.path().join("out/a")).unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
    }

    /// The `.songngu-*.tmp` files in `dir`.
    fn temporaries_in(dir: &Path) -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy();
                name.starts_with(".songngu-") && name.ends_with(".tmp")
            })
            .collect()
    }

    #[test]
    fn the_registry_holds_the_live_temporaries_and_removes_only_them() {
        // A registry of the test's own: the process-wide one belongs to
        // the other tests running meanwhile.
        static REGISTRY: Temporaries = Temporaries::new();
        let live = || -> Vec<PathBuf> { REGISTRY.lock().slots.iter().flatten().cloned().collect() };
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let open =
            |name: &str| AtomicFile::create_in(&REGISTRY, &d.join(name), Path::new(name), true);

        // Registered while alive; a drop removes the file, then the entry.
        let dropped = open("dropped.txt").unwrap();
        let tmp = dropped.tmp.path().to_path_buf();
        assert_eq!(live(), vec![tmp.clone()]);
        drop(dropped);
        assert!(!tmp.exists());
        assert!(live().is_empty());

        // A commit renames the file, then takes its entry out.
        let mut committed = open("committed.txt").unwrap();
        committed.write_all(b"done").unwrap();
        committed.commit(None).unwrap();
        assert!(live().is_empty());
        assert_eq!(std::fs::read(d.join("committed.txt")).unwrap(), b"done");

        // The sweep removes the live ones, not another process's file of
        // the same pattern, and refuses new temporaries afterwards.
        let foreign = d.join(".songngu-foreign.tmp");
        std::fs::write(&foreign, b"another run's").unwrap();
        let mut a = open("a.txt").unwrap();
        a.write_all(b"half").unwrap();
        let b = open("sub/b.txt");
        assert!(b.is_err(), "no folder `sub`, nothing registered");
        let c = open("c.txt").unwrap();
        assert_eq!(live().len(), 2);
        assert_eq!(REGISTRY.remove_all(), 2);
        assert_eq!(temporaries_in(d), vec![foreign.clone()]);
        let refused = open("d.txt").unwrap_err();
        assert!(
            matches!(&refused, Error::Io { cause, .. } if cause.kind() == std::io::ErrorKind::Interrupted),
            "{refused}"
        );
        // A commit after the sweep fails and leaves the destination alone.
        std::fs::write(d.join("a.txt"), b"old").unwrap();
        assert!(a.commit(None).is_err());
        assert_eq!(std::fs::read(d.join("a.txt")).unwrap(), b"old");
        drop(c);
        assert_eq!(temporaries_in(d), vec![foreign]);
        assert!(live().is_empty());
        assert_eq!(REGISTRY.remove_all(), 0);
    }

    #[test]
    fn a_sweep_racing_with_writers_leaves_complete_files_and_no_temporaries() {
        // Writers keep replacing files while the sweep runs: once it has
        // returned, no temporary file is on disk nor appears later, and
        // every destination holds one writer's complete content.
        use std::sync::atomic::{AtomicUsize, Ordering};
        static REGISTRY: Temporaries = Temporaries::new();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let committed = AtomicUsize::new(0);
        let content = |w: usize, i: usize| format!("writer {w} round {i}\n").repeat(200);
        std::thread::scope(|s| {
            let writers: Vec<_> = (0..3)
                .map(|w| {
                    let (committed, content) = (&committed, &content);
                    s.spawn(move || {
                        for i in 0.. {
                            let name = format!("f{}.txt", i % 5);
                            let mut f = match AtomicFile::create_in(
                                &REGISTRY,
                                &d.join(&name),
                                Path::new(&name),
                                true,
                            ) {
                                Ok(f) => f,
                                Err(Error::Io { cause, .. })
                                    if cause.kind() == std::io::ErrorKind::Interrupted =>
                                {
                                    return;
                                }
                                Err(e) => panic!("{e}"),
                            };
                            f.write_all(content(w, i).as_bytes()).unwrap();
                            if f.commit(None).is_ok() {
                                committed.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    })
                })
                .collect();
            while committed.load(Ordering::Relaxed) < 30 {
                std::thread::yield_now();
            }
            REGISTRY.remove_all();
            assert_eq!(temporaries_in(d), Vec::<PathBuf>::new());
            for w in writers {
                w.join().unwrap();
            }
        });
        assert_eq!(temporaries_in(d), Vec::<PathBuf>::new());
        for e in std::fs::read_dir(d).unwrap() {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
            let first = text.lines().next().unwrap();
            assert_eq!(text, format!("{first}\n").repeat(200));
        }
    }

    #[test]
    fn a_folder_created_by_another_worker_meanwhile_is_not_a_dangling_link() {
        // Workers of one batch resolve and create the output folder at the
        // same time: one that saw the folder appear between its two looks
        // used to call it a dangling link. Here a thread keeps creating and
        // removing the folder while others resolve a path inside it.
        use std::sync::atomic::{AtomicBool, Ordering};
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let done = AtomicBool::new(false);
        std::thread::scope(|s| {
            s.spawn(|| {
                while !done.load(Ordering::Relaxed) {
                    let _ = std::fs::create_dir(&out);
                    let _ = std::fs::remove_dir(&out);
                }
            });
            let resolvers: Vec<_> = (0..2)
                .map(|_| {
                    s.spawn(|| {
                        (0..20_000)
                            .filter_map(|_| resolve(&out.join("doc.jsonl")).err())
                            .map(|e| e.to_string())
                            .next()
                    })
                })
                .collect();
            let errors: Vec<String> = resolvers
                .into_iter()
                .filter_map(|r| r.join().unwrap())
                .collect();
            done.store(true, Ordering::Relaxed);
            assert!(errors.is_empty(), "{errors:?}");
        });
    }
}
