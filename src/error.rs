//! The library's error type. Every variant carries what a user needs to find
//! and fix the problem (a file, a line and column, a byte offset); the binary
//! turns them into messages and exit codes, the library never prints.

use std::path::PathBuf;

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can stop a songngu operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration file could not be read or does not match the schema.
    #[error("{path}:{line}:{col}: error: {message}")]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// 1-based line of the offending key or value.
        line: usize,
        /// 1-based column, in characters.
        col: usize,
        /// What is wrong and what to do.
        message: String,
    },
    /// An input or output file could not be read or written.
    #[error("{}: {cause}", crate::diagnostic::shown(path))]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error (shown in the message, so not a `source`
        /// that would print twice in a chain).
        cause: std::io::Error,
    },
    /// The glossary has errors (every error is in the diagnostics).
    #[error("{0}")]
    GlossaryInvalid(crate::diagnostic::Diagnostics),
    /// The glossary could not be used (e.g. the matcher could not be built).
    #[error("{0}")]
    Glossary(String),
    /// A machine-translation engine could not be set up or used.
    #[error("{0}")]
    Engine(String),
    /// The translation memory could not be read or written.
    #[error("translation memory {}: {message}", crate::diagnostic::shown(path))]
    Tm {
        /// The SQLite file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A translation memory written by an earlier version, in a file this
    /// process may only read: it is upgraded only when opened for writing,
    /// and what was asked needs the upgrade.
    #[error(
        "translation memory {}: it has an older schema, which songngu upgrades when it opens the \
         file for writing, and this file is write-protected; make it writable once (for example \
         `chmod u+w {}`) and run the command again, or copy it to a writable place and set \
         [tm] path to the copy",
        crate::diagnostic::shown(path),
        crate::diagnostic::shown(path)
    )]
    TmOldSchema {
        /// The SQLite file.
        path: PathBuf,
    },
    /// The memory cannot be written and the command must write to it
    /// (store corrections or engine replies, delete corrections).
    #[error("translation memory {}: {}", crate::diagnostic::shown(path), why)]
    TmReadOnly {
        /// The SQLite file.
        path: PathBuf,
        /// Why, and what to do.
        why: TmProtection,
    },
    /// There is no translation memory where one was expected (a read-only
    /// command creates none).
    #[error("no translation memory at {}", crate::diagnostic::shown(path))]
    NoTm {
        /// Where it was looked for.
        path: PathBuf,
    },
    /// A file songngu reads back (a run's JSONL, TSV or XLIFF, a corrections
    /// file) that does not parse: located at its line (and column where the
    /// reader knows it), with what is wrong and what to do.
    #[error("{}", parse_message(file, *line, *column, message))]
    Parse {
        /// The file, or `<stdin>`.
        file: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters, where the reader knows it.
        column: Option<usize>,
        /// What is wrong and what to do.
        message: String,
    },
    /// Input text that is not UTF-8.
    #[error(
        "{}: invalid UTF-8 at byte offset {offset}; convert the file to UTF-8 (for example \
         `iconv -f WINDOWS-1258 -t UTF-8`)",
        crate::diagnostic::shown(path)
    )]
    InvalidUtf8 {
        /// The file, or `<stdin>`.
        path: PathBuf,
        /// Offset of the first bad byte from the start of the input.
        offset: u64,
    },
    /// An output path that would not lie inside the output folder (a name
    /// with `..`, or a folder that is a symbolic link leading out).
    #[error(
        "{}: refusing to write outside the output folder {}: {reason}",
        crate::diagnostic::shown(path),
        root.display()
    )]
    OutsideOutput {
        /// The output file.
        path: PathBuf,
        /// The output folder.
        root: PathBuf,
        /// Why the path is outside.
        reason: String,
    },
    /// An output's file name would be longer than file systems allow
    /// (`max` bytes): checked before anything is written, so no document
    /// leaves part of its set.
    #[error(
        "{}: the output name {} is {bytes} bytes, longer than a file system allows ({max}); \
         shorten the input's name (or the language tags in it)",
        crate::diagnostic::shown(input),
        crate::diagnostic::shown(output)
    )]
    OutputNameTooLong {
        /// The input.
        input: PathBuf,
        /// The output file.
        output: PathBuf,
        /// The length of its name in bytes.
        bytes: usize,
        /// The longest name allowed, in bytes.
        max: usize,
    },
    /// Two inputs (or two outputs of one input) would be written to the
    /// same file.
    #[error("{}", clash_message(first, second, output))]
    OutputClash {
        /// The first input.
        first: PathBuf,
        /// The second input (the same as `first` when one document's own
        /// outputs clash).
        second: PathBuf,
        /// The output file both would write.
        output: PathBuf,
    },
    /// An output of the run would overwrite one of its own inputs (the
    /// output folder is the input folder and the names meet).
    #[error(
        "{} is an input of this run and would be overwritten by an output of {}; \
         nothing was written: choose another output folder (-o)",
        output.display(),
        input.display()
    )]
    OutputIsInput {
        /// The input whose outputs would overwrite `output`.
        input: PathBuf,
        /// The input file that would be overwritten.
        output: PathBuf,
    },
    /// An output needs a folder where a file that is not a folder already
    /// stands (`out/sub` a file, an input `in/sub/a.txt`).
    #[error(
        "{} is a file, but the outputs of {} need a folder there; nothing was written: \
         move the file or choose another output folder (-o)",
        crate::diagnostic::shown(path),
        input.display()
    )]
    OutputFolderIsFile {
        /// The input whose outputs need the folder.
        input: PathBuf,
        /// The file in the way.
        path: PathBuf,
    },
    /// An output `songngu run` would replace was changed since it wrote it
    /// (a translator's edits, a CAT tool's save): the document failed and
    /// none of its files was written.
    #[error("{}", edited_message(input, files, why))]
    OutputEdited {
        /// The input whose outputs they are.
        input: PathBuf,
        /// The outputs changed (at least one).
        files: Vec<PathBuf>,
        /// Why the first of them is taken for changed.
        why: Edited,
    },
    /// The output folder's record of what `songngu run` wrote there
    /// (`.songngu-written`, its pending list or its lock) cannot be used: a
    /// link, too large, another run holding the folder, another run's
    /// record in the way.
    #[error("{}: {message}", crate::diagnostic::shown(path))]
    OutputRecord {
        /// The file concerned.
        path: PathBuf,
        /// What is wrong and what to do.
        message: String,
    },
    /// The output folder named is a file.
    #[error(
        "{} is a file, not a folder: name a folder for the outputs with -o (it is created if missing)",
        crate::diagnostic::shown(path)
    )]
    OutputDirIsFile {
        /// The file named as the output folder.
        path: PathBuf,
    },
    /// Two outputs of every document would have names that differ only in
    /// case (`NAME.vi.txt`, `NAME.VI.txt`): one file where case does not
    /// count (macOS, Windows, many network shares).
    #[error(
        "the outputs NAME{first} and NAME{second} would share a name where case does not count: \
         with the txt format the source and target languages must differ from each other and \
         from `ascii` whatever the case"
    )]
    OutputNamesDifferInCase {
        /// One suffix.
        first: String,
        /// The other.
        second: String,
    },
}

fn parse_message(
    file: &std::path::Path,
    line: usize,
    column: Option<usize>,
    message: &str,
) -> String {
    match column {
        Some(col) => format!(
            "{}:{line}:{col}: error: {message}",
            crate::diagnostic::shown(file)
        ),
        None => format!(
            "{}:{line}: error: {message}",
            crate::diagnostic::shown(file)
        ),
    }
}

/// Why `songngu run` takes an existing output for someone's work
/// ([`Error::OutputEdited`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edited {
    /// The record names it, and it was changed since songngu wrote it (at
    /// this time).
    Changed(std::time::SystemTime),
    /// The record does not name it, and the record is older than the file
    /// (kept since this time): it is not one songngu wrote.
    NotNamed {
        /// The record.
        record: PathBuf,
        /// When the record was started.
        since: std::time::SystemTime,
    },
    /// The record does not name it, and some of its lines cannot be read
    /// (they could have named it).
    Unvouched {
        /// The record.
        record: PathBuf,
        /// The lines that cannot be read (`4, 9`).
        lines: String,
    },
}

fn edited_message(input: &std::path::Path, files: &[PathBuf], why: &Edited) -> String {
    let first = files
        .first()
        .map_or_else(String::new, |f| crate::diagnostic::shown(f));
    let others = match files.len() {
        0 | 1 => String::new(),
        n => format!(
            " (and {} other output(s) of it: {})",
            n - 1,
            files[1..]
                .iter()
                .map(|f| crate::diagnostic::shown(f))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    // The formats `songngu tm import` reads.
    let importable = files.first().and_then(|f| f.extension()).is_some_and(|e| {
        ["jsonl", "tsv", "xlf"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    });
    let what = if importable {
        format!(
            "to keep its corrections, import them with `songngu tm import {first}` and run again \
             with --overwrite-edited (the new outputs then carry them as reviewed targets); or \
             move the file away; or run with --overwrite-edited to replace it"
        )
    } else {
        "move the file away to keep it, or run with --overwrite-edited to replace it".to_owned()
    };
    let (cause, fix) = match why {
        Edited::Changed(written) => (
            format!(
                "was changed since songngu wrote it ({})",
                httpdate::fmt_http_date(*written)
            ),
            String::new(),
        ),
        Edited::NotNamed { record, since } => (
            format!(
                "is not a file songngu wrote: its record {}, kept since {}, does not name it, \
                 and the file is newer",
                crate::diagnostic::shown(record),
                httpdate::fmt_http_date(*since)
            ),
            String::new(),
        ),
        Edited::Unvouched { record, lines } => (
            format!(
                "may have been changed: songngu's record {} does not name it, and its line(s) \
                 {lines} cannot be read",
                crate::diagnostic::shown(record)
            ),
            " (or mend those lines of the record)".to_owned(),
        ),
    };
    format!(
        "{first} {cause}{others}; none of the outputs of {} were written, so the change is \
         kept: {what}{fix}",
        crate::diagnostic::shown(input)
    )
}

fn clash_message(
    first: &std::path::Path,
    second: &std::path::Path,
    output: &std::path::Path,
) -> String {
    if first == second {
        format!(
            "{}: two of its outputs would both be written to {}; with the txt format the source \
             and target languages must differ from each other and from `ascii`",
            first.display(),
            output.display()
        )
    } else {
        format!(
            "{} and {} would both be written to {}; nothing was written: rename one of them, or \
             run them separately with different -o folders (see docs/output-naming.md)",
            first.display(),
            second.display(),
            output.display()
        )
    }
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, cause: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            cause,
        }
    }

    /// A parse error in `file` at `line` (and `column`), see [`Error::Parse`].
    pub fn parse(
        file: impl Into<PathBuf>,
        line: usize,
        column: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Self::Parse {
            file: file.into(),
            line,
            column,
            message: message.into(),
        }
    }
}

/// Why a translation memory cannot be written ([`Error::TmReadOnly`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TmProtection {
    /// These files are write-protected: the database, and those of its
    /// `-wal` and `-shm` files that are (SQLite creates them with the
    /// database's permissions).
    Files(Vec<PathBuf>),
    /// The folder may not be written (SQLite writes its `-wal` and `-shm`
    /// files beside the memory).
    Folder(PathBuf),
    /// The file system is mounted read-only.
    FileSystem,
}

impl TmProtection {
    /// Is it only the files' permissions (which SQLite can read past)?
    pub fn is_file_only(&self) -> bool {
        matches!(self, TmProtection::Files(_))
    }
}

impl std::fmt::Display for TmProtection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const COPY: &str = "copy it to a writable place and set [tm] path to the copy";
        match self {
            TmProtection::Files(files) => {
                let files: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
                write!(
                    f,
                    "the file is write-protected and this command writes to it; make it writable \
                     (for example `chmod u+w {}`), or {COPY}",
                    files.join(" ")
                )
            }
            TmProtection::Folder(folder) => write!(
                f,
                "its folder {} is write-protected, and this command writes to the memory (SQLite \
                 keeps its -wal and -shm files beside it); make the folder writable, or {COPY}",
                folder.display()
            ),
            TmProtection::FileSystem => write!(
                f,
                "it is on a read-only file system and this command writes to it; {COPY}"
            ),
        }
    }
}
