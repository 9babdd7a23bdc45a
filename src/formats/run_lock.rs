//! One run at a time in an output folder: for its whole length, a run
//! that writes (a dry run takes no lock) holds an exclusive lock on
//! `OUT/.songngu-written.lock` ([`LOCK`], [`RunLock::take`]), so that no
//! other songngu run reads or writes the folder's record
//! ([`super::record`]) or its outputs meanwhile.
//!
//! **Taking it**: the output folder is made if missing, the lock file
//! opened (made if missing; a symbolic link at its name is not followed)
//! and locked with std's `File::try_lock` (an advisory lock: `flock` on
//! Unix); the run then writes its process id in it. A run that finds the
//! lock held tries again every 50 ms for up to 2 seconds (`LOCK_WAIT`),
//! then stops before writing anything: [`Error::OutputRecord`] (exit 2)
//! naming the lock file and the process id read from it (`another
//! songngu run (process 4242) is writing into out and holds this lock
//! (waited 2 s)`). An output folder that cannot be made or written in for
//! want of permission, a lock file another user made, a link or a folder
//! at its name stop the run the same way, before anything is written.
//!
//! **Letting go** (dropping the [`RunLock`]): on Unix the file is removed
//! while still held (and the folders the run made, innermost first, while
//! they are empty), then unlocked; a waiting run takes the lock only on
//! the file still at the name (same device and inode), never on a removed
//! one. The system lets go of the lock when the process ends however it
//! ends (kill -9, a crash): the file left behind is not locked, so the
//! next run takes it over (its process id replacing the old one) and
//! removes it in turn.
//!
//! **Limits**: the lock is advisory (a program other than songngu does not
//! wait for it), and on a network file system `flock` may lock only
//! within one machine (see docs/output-naming.md, "Several writers").

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::record::open_here;
use crate::error::{Error, Result};

/// The file a run holds locked while it writes into the folder
/// ([`RunLock`]).
pub const LOCK: &str = ".songngu-written.lock";
/// How long a run waits for another run writing into the same folder.
const LOCK_WAIT: Duration = Duration::from_secs(2);

/// A run's exclusive hold on its output folder: an advisory lock on
/// `OUT/.songngu-written.lock`, which holds the run's process id. Dropped,
/// it removes the file (and the output folder when it made it and nothing
/// was written there), then lets go; the system lets go of it too when the
/// process ends, however.
#[derive(Debug)]
pub struct RunLock {
    file: std::fs::File,
    path: PathBuf,
    /// The folders made for it, the innermost first.
    made: Vec<PathBuf>,
}

impl RunLock {
    /// Takes the lock of the output folder `dir` (made if missing), waiting
    /// up to two seconds for a run that holds it.
    ///
    /// # Errors
    /// [`Error::OutputRecord`] naming the lock file when another run holds
    /// it, or a link stands at its name; [`Error::Io`] when it cannot be
    /// made.
    pub fn take(dir: &Path) -> Result<RunLock> {
        let made: Vec<PathBuf> = dir
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && std::fs::symlink_metadata(a).is_err())
            .map(Path::to_path_buf)
            .collect();
        let path = dir.join(LOCK);
        let deadline = Instant::now() + LOCK_WAIT;
        loop {
            std::fs::create_dir_all(dir).map_err(|e| not_writable(dir, e))?;
            let mut file = match open_here(&path, false) {
                Err(Error::Io { cause, .. })
                    if cause.kind() == std::io::ErrorKind::PermissionDenied =>
                {
                    return Err(if std::fs::symlink_metadata(&path).is_ok() {
                        Error::OutputRecord {
                            message: format!(
                                "cannot be opened ({cause}): another user's run made it (a \
                                 shared folder?); nothing was written: remove it when no run \
                                 is writing into {}, or choose another output folder (-o)",
                                crate::diagnostic::shown(dir)
                            ),
                            path,
                        }
                    } else {
                        not_writable(dir, cause)
                    });
                }
                file => file?,
            };
            match file.try_lock() {
                // A run that lets go removes the file: the lock is the one
                // on the file still at the name.
                Ok(()) if still_at(&file, &path) => {
                    let _ = file.set_len(0).and_then(|()| {
                        file.write_all(format!("{}\n", std::process::id()).as_bytes())
                    });
                    return Ok(RunLock { file, path, made });
                }
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(std::fs::TryLockError::WouldBlock) => return Err(busy(&mut file, &path, dir)),
                Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
            }
        }
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        // Removed while held, so a run waiting for it tries again.
        #[cfg(unix)]
        {
            let _ = std::fs::remove_file(&self.path);
            for folder in &self.made {
                if std::fs::remove_dir(folder).is_err() {
                    break;
                }
            }
        }
        let _ = self.file.unlock();
    }
}

/// The error for an output folder `dir` that cannot be made or written
/// in (`e`): [`Error::OutputRecord`] saying so when permission is denied.
fn not_writable(dir: &Path, e: std::io::Error) -> Error {
    if e.kind() != std::io::ErrorKind::PermissionDenied {
        return Error::io(dir, e);
    }
    Error::OutputRecord {
        path: dir.to_path_buf(),
        message: format!(
            "the output folder is not writable ({e}); nothing was written: make it writable for \
             this user, or choose another output folder (-o)"
        ),
    }
}

/// Whether `file` is (still) the file at `path`.
fn still_at(file: &std::fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

/// The error for a lock another run holds (its process id read from it).
fn busy(file: &mut std::fs::File, path: &Path, dir: &Path) -> Error {
    let mut holder = String::new();
    let _ = file.read_to_string(&mut holder);
    let pid = holder.trim();
    let who = if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        "another songngu run".to_owned()
    } else {
        format!("another songngu run (process {pid})")
    };
    Error::OutputRecord {
        path: path.to_path_buf(),
        message: format!(
            "{who} is writing into {} and holds this lock (waited {} s); nothing was written: \
             run again when it has finished, or give this run another output folder (-o)",
            crate::diagnostic::shown(dir),
            LOCK_WAIT.as_secs()
        ),
    }
}
