//! The translation memory: the [`Memory`] trait the translate stage holds
//! it through (its contract, and what a shared store would add), and its
//! first store, [`Tm`]: SQLite (bundled) at `[tm] path`.
//!
//! Machine translations are keyed by a SHA-256 over engine, engine version,
//! languages, every output-changing option, the glossary's content hash and
//! the NFC text sent (after protection), so a changed glossary or option
//! never reuses an old translation.
//!
//! Language tags are compared case-insensitively everywhere (BCP 47:
//! `en-GB` is `en-gb` is `EN-GB`), and stored as written: lookups, counts
//! and the export fold ASCII case (`COLLATE NOCASE`), the human table's key
//! folds it (an import under `EN` replaces the correction stored under
//! `en`), and a machine key hashes each tag in its recommended case
//! ([`Tm::key`]). Memories of earlier versions are migrated when opened
//! (see [`Tm::open`] and [`Tm::adopt_old_keys`]). Each batch is committed in one
//! transaction as it returns (WAL journal), by a writer thread
//! ([`Tm::writer`]) so the requests in flight never wait for the disk; a
//! batch counts as done only once it is committed, so a run killed at any
//! moment keeps every batch that came back and was stored, and resumes
//! without resending it.
//! Human corrections (`tm import`) are keyed by languages and NFC source
//! alone and outrank machine output on the next run; each remembers where
//! it came from (file, line, document) and when, so a bad one can be found
//! ([`Tm::corrections`]) and removed ([`Tm::delete_corrections`]).
//!
//! Export ([`Tm::pairs`]) shows what was translated: per source, the human
//! correction, else the machine translation a run last took as the
//! segment's target (placeholders restored, with the real source, never the
//! text sent), and never one the glossary check rejected or the
//! enforcement pass replaced.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::document::Provenance;
use crate::error::{Error, Result};

/// An open translation memory.
#[derive(Debug)]
pub struct Tm {
    conn: Connection,
    path: PathBuf,
    /// In a read-only memory, the key each old machine row would have now
    /// → the key it is stored under ([`Tm::adopt_old_keys`]).
    aliases: HashMap<String, String>,
    /// The [`KeyParts`] already adopted for (one string each).
    adopted: HashSet<String>,
}

/// What a machine key ([`Tm::key`]) hashes besides the languages and the
/// text sent, for one engine as a run uses it: to find the rows earlier
/// versions stored ([`Memory::adopt_old_keys`]).
#[derive(Debug, Clone, Copy)]
pub struct KeyParts<'a> {
    /// Engine name.
    pub engine: &'a str,
    /// Engine version (model, prompt version, options).
    pub version: &'a str,
    /// Every `options` value the run keys texts with.
    pub options: &'a [&'a str],
    /// The glossary's content hash.
    pub glossary_hash: &'a str,
}

/// A machine translation to store.
#[derive(Debug, Clone)]
pub struct MachineRow {
    /// [`Tm::key`].
    pub key: String,
    /// Engine name.
    pub engine: String,
    /// Source language.
    pub from: String,
    /// Target language.
    pub to: String,
    /// The segment's source text.
    pub source: String,
    /// The text sent (differs from `source` in protect mode).
    pub sent: String,
    /// The engine's reply.
    pub target: String,
}

/// One batch for the writer thread, and where to say it is stored.
type Commit = (Vec<MachineRow>, tokio::sync::oneshot::Sender<Result<()>>);

/// Commits batches of machine translations on a thread of its own
/// ([`Tm::writer`]), in the order given, each in one transaction. Dropping
/// it waits for the batches already given.
#[derive(Debug)]
pub struct TmWriter {
    tx: Option<std::sync::mpsc::Sender<Commit>>,
    thread: Option<std::thread::JoinHandle<()>>,
    path: PathBuf,
}

impl TmWriter {
    /// Hands `rows` to the writer thread and returns at once; the future
    /// resolves when they are committed ([`Tm::put_machine`]: all or none).
    pub fn commit(
        &self,
        rows: Vec<MachineRow>,
    ) -> impl std::future::Future<Output = Result<()>> + Send + 'static {
        let (done, stored) = tokio::sync::oneshot::channel();
        let sent = self
            .tx
            .as_ref()
            .is_some_and(|tx| tx.send((rows, done)).is_ok());
        let path = self.path.clone();
        async move {
            let gone = || Error::Tm {
                path: path.clone(),
                message: "the memory writer stopped".into(),
            };
            if !sent {
                return Err(gone());
            }
            stored.await.unwrap_or_else(|_| Err(gone()))
        }
    }
}

impl Drop for TmWriter {
    fn drop(&mut self) {
        drop(self.tx.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// `[tm]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TmConfig {
    /// SQLite file of the translation memory.
    pub path: PathBuf,
}

impl Default for TmConfig {
    fn default() -> Self {
        Self {
            path: PathBuf::from(".songngu/tm.sqlite"),
        }
    }
}

/// Where a human correction came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorrectionSource {
    /// The imported file.
    pub file: String,
    /// Its line (JSONL, TSV) or unit number (XLIFF).
    pub line: usize,
    /// The document it belongs to (the file's name without its extensions).
    pub doc: String,
}

/// A stored human correction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCorrection {
    /// Its id (for [`Tm::delete_corrections`]).
    pub id: i64,
    /// Source language.
    pub from: String,
    /// Target language.
    pub to: String,
    /// Source text.
    pub source: String,
    /// The corrected target.
    pub target: String,
    /// When it was stored (UTC, `YYYY-MM-DD HH:MM:SS`).
    pub updated: String,
    /// Where it came from (empty for corrections stored before this was kept).
    pub came_from: CorrectionSource,
}

/// Which corrections to list.
#[derive(Debug, Clone, Default)]
pub struct CorrectionFilter {
    /// Only this document's.
    pub doc: Option<String>,
    /// Only those stored at or after this time (UTC, `YYYY-MM-DD` or
    /// `YYYY-MM-DD HH:MM[:SS]`).
    pub since: Option<String>,
}

/// A human correction to store ([`Memory::put_correction`]).
#[derive(Debug, Clone)]
pub struct NewCorrection<'a> {
    /// Source language.
    pub from: &'a str,
    /// Target language.
    pub to: &'a str,
    /// Where it came from.
    pub came_from: CorrectionSource,
    /// Source text.
    pub source: &'a str,
    /// The corrected target.
    pub target: &'a str,
}

/// One pair for export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TmPair {
    /// Source language.
    pub from: String,
    /// Target language.
    pub to: String,
    /// Source text.
    pub source: String,
    /// Target text.
    pub target: String,
    /// `human` or `engine:NAME`.
    pub origin: Provenance,
}

/// A batch commit in flight ([`MemoryWriter::commit_batch`]): resolves
/// once the whole batch is stored, or with the error that stored none of it.
pub type Committed = Pin<Box<dyn Future<Output = Result<()>> + Send + 'static>>;

/// Commits batches of machine translations for a run while its requests
/// are in flight ([`Memory::writer`]).
///
/// **Contract.** Batches are stored in the order given, each all or none;
/// the future of a batch resolves only once it is stored (a reply counts
/// as done only then — this is what lets a run killed at any moment resume
/// without resending what came back); a lookup through the memory that
/// made the writer sees the batch once its future resolved. Dropping the
/// writer waits for the batches already given.
pub trait MemoryWriter: Send {
    /// Hands `rows` over and returns at once; see the trait's contract.
    fn commit_batch(&self, rows: Vec<MachineRow>) -> Committed;
}

impl MemoryWriter for TmWriter {
    fn commit_batch(&self, rows: Vec<MachineRow>) -> Committed {
        Box::pin(self.commit(rows))
    }
}

/// What the translate stage and the `tm` commands need from a translation
/// memory; [`Tm`] (SQLite) is the first store. The translate stage
/// ([`crate::translate::Mt`]) holds its memory through this trait.
///
/// Texts are compared after NFC normalisation. Machine rows are found by
/// key ([`Tm::key`]: engine, version, languages, options, glossary hash
/// and the text sent), human corrections by languages and source.
///
/// **What a shared store adds.** A store many runs use at once (a desk's
/// server) would add claims (leases) for texts in flight, so that two runs
/// that miss the same key do not both send it: a run would claim the keys
/// its lookup missed, send only those it was granted, commit them (which
/// ends the lease) and look the others up again after the holder's lease
/// ends. This single-user store has no such method: a run owns its file
/// while it runs, so there is nothing to claim.
pub trait Memory: Send {
    /// The human correction for each of `sources` (`from` → `to`), in the
    /// order given; `None` where there is none. One call per batch.
    ///
    /// # Errors
    /// [`Error::Tm`] when the store cannot be read.
    fn lookup_human(&self, from: &str, to: &str, sources: &[&str]) -> Result<Vec<Option<String>>>;

    /// The stored machine translation (the engine's raw reply) for each of
    /// `keys`, in the order given; `None` for a key never committed. One
    /// call per batch.
    ///
    /// # Errors
    /// [`Error::Tm`] when the store cannot be read.
    fn lookup_batch(&self, keys: &[&str]) -> Result<Vec<Option<String>>>;

    /// [`Memory::lookup_batch`] for one key.
    ///
    /// # Errors
    /// As [`Memory::lookup_batch`].
    fn lookup_one(&self, key: &str) -> Result<Option<String>> {
        Ok(self.lookup_batch(&[key])?.into_iter().next().flatten())
    }

    /// Makes the machine rows earlier versions stored for `parts`' engine
    /// findable by [`Memory::lookup_batch`] under the keys [`Tm::key`]
    /// gives now: it hashes each language tag in its recommended case,
    /// earlier versions hashed tags as written (a row stored under
    /// `--to en-gb` had another key than under `--to en-GB`). A run calls
    /// it before its lookups; after the first call for the same parts it
    /// does nothing. A store that cannot be written (a dry run's) only
    /// remembers, for its own lookups, where those rows are. How many rows.
    ///
    /// # Errors
    /// [`Error::Tm`]; nothing is changed then.
    fn adopt_old_keys(&mut self, parts: &KeyParts<'_>) -> Result<usize> {
        let _ = parts;
        Ok(0)
    }

    /// Stores one batch of machine translations, all or none, before it
    /// returns (a row with a key already stored replaces it).
    ///
    /// # Errors
    /// [`Error::Tm`]; nothing of the batch is stored then.
    fn commit_batch(&mut self, rows: &[MachineRow]) -> Result<()>;

    /// A writer committing batches off the caller's thread while requests
    /// are in flight (see [`MemoryWriter`]'s contract).
    ///
    /// # Errors
    /// [`Error::Tm`] when the store takes no writer (an in-process SQLite
    /// memory) or it cannot be started.
    fn writer(&self) -> Result<Box<dyn MemoryWriter>>;

    /// Records a run's choices, all or none: per `(key, final target,
    /// accepted)`, the target the run took for that row (placeholders
    /// restored) and, when accepted, that it is now the latest accepted row
    /// for its source (what [`Memory::pairs`] exports); then each key of
    /// `rejected` is no longer accepted (the enforcement pass replaced it).
    /// Keys never committed are ignored.
    ///
    /// # Errors
    /// [`Error::Tm`]; nothing is recorded then.
    fn record_choices(&mut self, finals: &[(&str, &str, bool)], rejected: &[&str]) -> Result<()>;

    /// Stores a human correction, replacing an earlier one for the same
    /// languages and source, with where it came from. From then on it
    /// outranks every machine row for that source, in lookups' users and
    /// in [`Memory::pairs`].
    ///
    /// # Errors
    /// [`Error::Tm`].
    fn put_correction(&mut self, correction: &NewCorrection<'_>) -> Result<()>;

    /// The stored human corrections that pass `filter`, oldest first, each
    /// with the id [`Memory::delete_corrections`] takes.
    ///
    /// # Errors
    /// [`Error::Tm`].
    fn corrections(&self, filter: &CorrectionFilter) -> Result<Vec<StoredCorrection>>;

    /// Deletes the corrections with these ids, all or none; how many.
    ///
    /// # Errors
    /// [`Error::Tm`] naming the first id that does not exist (nothing is
    /// deleted then).
    fn delete_corrections(&mut self, ids: &[i64]) -> Result<usize>;

    /// Counts, as (what, how many): human corrections first, then machine
    /// rows per engine and language pair (`engine:NAME vi->en`).
    ///
    /// # Errors
    /// [`Error::Tm`].
    fn stats(&self) -> Result<Vec<(String, i64)>>;

    /// Every pair to export, one per source: the human correction, else
    /// the machine row accepted last (its final target, with the real
    /// source); a source with neither is left out.
    ///
    /// # Errors
    /// [`Error::Tm`].
    fn pairs(&self) -> Result<Vec<TmPair>>;
}

impl Memory for Tm {
    fn lookup_human(&self, from: &str, to: &str, sources: &[&str]) -> Result<Vec<Option<String>>> {
        let mut st = self
            .conn
            .prepare_cached(HUMAN_TARGET)
            .map_err(|e| self.err(e))?;
        sources
            .iter()
            .map(|s| {
                st.query_row(params![from, to, nfc(s)], |r| r.get(0))
                    .optional()
                    .map_err(|e| self.err(e))
            })
            .collect()
    }

    fn lookup_batch(&self, keys: &[&str]) -> Result<Vec<Option<String>>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT target FROM machine WHERE key = ?1")
            .map_err(|e| self.err(e))?;
        keys.iter()
            .map(|k| {
                let k = self.aliases.get(*k).map_or(*k, String::as_str);
                st.query_row([k], |r| r.get(0))
                    .optional()
                    .map_err(|e| self.err(e))
            })
            .collect()
    }

    fn adopt_old_keys(&mut self, parts: &KeyParts<'_>) -> Result<usize> {
        Tm::adopt_old_keys(self, parts)
    }

    fn commit_batch(&mut self, rows: &[MachineRow]) -> Result<()> {
        self.put_machine(rows)
    }

    fn writer(&self) -> Result<Box<dyn MemoryWriter>> {
        Ok(Box::new(Tm::writer(self)?))
    }

    fn record_choices(&mut self, finals: &[(&str, &str, bool)], rejected: &[&str]) -> Result<()> {
        Tm::record_choices(self, finals, rejected)
    }

    fn put_correction(&mut self, c: &NewCorrection<'_>) -> Result<()> {
        Tm::put_human(self, c.from, c.to, c.source, c.target, &c.came_from)
    }

    fn corrections(&self, filter: &CorrectionFilter) -> Result<Vec<StoredCorrection>> {
        Tm::corrections(self, filter)
    }

    fn delete_corrections(&mut self, ids: &[i64]) -> Result<usize> {
        Tm::delete_corrections(self, ids)
    }

    fn stats(&self) -> Result<Vec<(String, i64)>> {
        Tm::stats(self)
    }

    fn pairs(&self) -> Result<Vec<TmPair>> {
        Tm::pairs(self)
    }
}

fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// A human correction's target: tags compared case-insensitively; the
/// latest if an unmigrated (read-only) memory holds several.
const HUMAN_TARGET: &str = "SELECT target FROM human \
     WHERE source_lang = ?1 COLLATE NOCASE AND target_lang = ?2 COLLATE NOCASE AND source = ?3 \
     ORDER BY updated DESC, rowid DESC LIMIT 1";

/// The schema this version writes (`PRAGMA user_version`): 0 before
/// language tags were compared case-insensitively, 1 since.
const SCHEMA: i64 = 2;

/// The human table's columns: its key folds the tags' ASCII case.
const HUMAN_COLUMNS: &str = "(
   source_lang TEXT NOT NULL COLLATE NOCASE, target_lang TEXT NOT NULL COLLATE NOCASE,
   source TEXT NOT NULL, target TEXT NOT NULL, updated TEXT NOT NULL DEFAULT (datetime('now')),
   file TEXT, line INTEGER, doc TEXT,
   PRIMARY KEY (source_lang, target_lang, source))";

/// `tag` in the case BCP 47 recommends (RFC 5646, 2.1.1): the language
/// subtag and everything from a one-letter singleton on in lower case, a
/// four-letter script in title case (`Hant`), a two-letter region in upper
/// case (`GB`); the rest in lower case. Tags equal up to ASCII case give
/// the same string, and a tag written this way (`vi`, `en-GB`, `zh-Hant`)
/// gives itself, so machine keys stored under it by earlier versions,
/// which hashed tags as written, stay the same.
pub fn key_tag(tag: &str) -> String {
    let mut out = String::with_capacity(tag.len());
    let mut extension = false;
    for (i, sub) in tag.split('-').enumerate() {
        if i > 0 {
            out.push('-');
        }
        extension |= sub.len() == 1;
        if i == 0 || extension || !matches!(sub.len(), 2 | 4) {
            out.push_str(&sub.to_ascii_lowercase());
        } else if sub.len() == 2 {
            out.push_str(&sub.to_ascii_uppercase());
        } else {
            let (first, rest) = sub.split_at(1);
            out.push_str(&first.to_ascii_uppercase());
            out.push_str(&rest.to_ascii_lowercase());
        }
    }
    out
}

/// SHA-256 over length-prefixed parts, in hex.
fn digest(parts: [&str; 7]) -> String {
    let mut h = Sha256::new();
    for part in parts {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Does `table` have `column`?
fn has_column(conn: &Connection, table: &str, column: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        &format!("SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = ?1"),
        [column],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}

/// Brings a memory written by an earlier version to [`SCHEMA`] (creating
/// the tables of a new one): in one `BEGIN IMMEDIATE` transaction, so that
/// of several processes opening it at once one migrates and the others,
/// which wait for it (busy timeout), find it done (`user_version`, read
/// again inside the transaction). Every row is kept: of human corrections
/// equal up to the tags' case the one stored last stays in `human`, the
/// others move to `human_superseded`.
fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let version = |c: &Connection| c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0));
    if version(conn)? >= SCHEMA {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if version(&tx)? >= SCHEMA {
        return Ok(());
    }
    tx.execute_batch(&format!(
        "CREATE TABLE IF NOT EXISTS machine (
           key TEXT PRIMARY KEY, engine TEXT NOT NULL, source_lang TEXT NOT NULL,
           target_lang TEXT NOT NULL, source TEXT NOT NULL, sent TEXT NOT NULL,
           target TEXT NOT NULL, final TEXT, created TEXT NOT NULL DEFAULT (datetime('now')),
           accepted INTEGER, tags_as_written INTEGER);
         CREATE TABLE IF NOT EXISTS human {HUMAN_COLUMNS};"
    ))?;
    let has = |table: &str, column: &str| has_column(&tx, table, column);
    if !has("machine", "accepted")? {
        // Their used translations count as accepted, except the rows
        // the old enforcement pass stored with the text sent as source
        // (sent = source, and a final that differs from the reply).
        tx.execute_batch(
            "ALTER TABLE machine ADD COLUMN accepted INTEGER;
             UPDATE machine SET accepted = rowid
               WHERE final IS NOT NULL AND NOT (sent = source AND final <> target);",
        )?;
    }
    if !has("human", "doc")? {
        tx.execute_batch(
            "ALTER TABLE human ADD COLUMN file TEXT;
             ALTER TABLE human ADD COLUMN line INTEGER;
             ALTER TABLE human ADD COLUMN doc TEXT;",
        )?;
    }
    if !has("machine", "tags_as_written")? {
        // Rows whose key hashed tags not written in their recommended
        // case: `Tm::adopt_old_keys` gives them today's key.
        tx.execute("ALTER TABLE machine ADD COLUMN tags_as_written INTEGER", [])?;
        let pairs: Vec<(String, String)> = tx
            .prepare("SELECT DISTINCT source_lang, target_lang FROM machine")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (from, to) in pairs {
            if key_tag(&from) != from || key_tag(&to) != to {
                tx.execute(
                    "UPDATE machine SET tags_as_written = 1 WHERE source_lang = ?1 AND target_lang = ?2",
                    params![from, to],
                )?;
            }
        }
    }
    let human_sql: String = tx.query_row(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'human'",
        [],
        |r| r.get(0),
    )?;
    if !human_sql.contains("COLLATE NOCASE") {
        // Rebuilt with a key that folds the tags' case; of rows that now
        // collide, the one stored last replaces the others. Ids (rowids)
        // are kept.
        // The corrections replaced are kept in `human_superseded` (with
        // their ids), not deleted: they were an editor's work.
        tx.execute_batch(&format!(
            "CREATE TABLE human_nocase {HUMAN_COLUMNS};
             INSERT OR REPLACE INTO human_nocase
               (rowid, source_lang, target_lang, source, target, updated, file, line, doc)
               SELECT rowid, source_lang, target_lang, source, target, updated, file, line, doc
               FROM human ORDER BY updated, rowid;
             CREATE TABLE IF NOT EXISTS human_superseded AS
               SELECT rowid AS id, source_lang, target_lang, source, target, updated, file, line, doc
               FROM human WHERE 0;
             INSERT INTO human_superseded
               SELECT rowid, source_lang, target_lang, source, target, updated, file, line, doc
               FROM human WHERE rowid NOT IN (SELECT rowid FROM human_nocase);
             DROP TABLE human;
             ALTER TABLE human_nocase RENAME TO human;"
        ))?;
    }
    // The parts of runs that already looked for old keys (see
    // `Tm::adopt_old_keys`); the export's and the lookups' comparisons of
    // tags (NOCASE) by an index, so `tm export` is not quadratic.
    tx.execute_batch(&format!(
        "CREATE INDEX IF NOT EXISTS machine_tags_as_written ON machine (engine)
           WHERE tags_as_written = 1;
         CREATE TABLE IF NOT EXISTS adopted_parts (parts TEXT PRIMARY KEY);
         CREATE INDEX IF NOT EXISTS machine_pair ON machine
           (source, source_lang COLLATE NOCASE, target_lang COLLATE NOCASE, accepted);
         PRAGMA user_version = {SCHEMA};"
    ))?;
    tx.commit()
}

/// Why the memory at `path` cannot be written, if it cannot: the file has
/// no write permission bit (treated as write-protected even for root, who
/// could write it: the bits are the owner's statement), the process may not
/// write it, its folder may not be written (SQLite writes its `-wal` and
/// `-shm` files beside the memory), or the file system is read-only.
pub fn write_protection(path: &Path) -> Option<crate::error::TmProtection> {
    use crate::error::TmProtection;
    use rustix::fs::{Access, access};
    let rofs = |e: rustix::io::Errno| e == rustix::io::Errno::ROFS;
    let meta = std::fs::metadata(path).ok()?;
    let side = |suffix: &str| {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        PathBuf::from(side)
    };
    let not_writable = |p: &Path| {
        std::fs::metadata(p).is_ok_and(|m| m.permissions().readonly())
            || access(p, Access::WRITE_OK).is_err()
    };
    let file_writable = match access(path, Access::WRITE_OK) {
        Err(e) if rofs(e) => return Some(TmProtection::FileSystem),
        Err(_) => false,
        Ok(()) => !meta.permissions().readonly(),
    };
    // The -wal and -shm files must be writable too, and the folder.
    let sides: Vec<PathBuf> = ["-wal", "-shm"]
        .iter()
        .map(|s| side(s))
        .filter(|f| f.exists() && not_writable(f))
        .collect();
    if !file_writable || !sides.is_empty() {
        let mut files = vec![path.to_path_buf()];
        files.extend(sides);
        return Some(TmProtection::Files(files));
    }
    let folder = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    access(&folder, Access::WRITE_OK)
        .is_err()
        .then_some(TmProtection::Folder(folder))
}

/// [`Error::TmReadOnly`] for the memory at `path`, saying why (see
/// [`write_protection`]); for a write SQLite refused whose cause the
/// checks cannot see, the file is named.
fn read_only(path: &Path) -> Error {
    Error::TmReadOnly {
        path: path.to_path_buf(),
        why: write_protection(path)
            .unwrap_or_else(|| crate::error::TmProtection::Files(vec![path.to_path_buf()])),
    }
}

/// `file:PATH?immutable=1` with the characters a URI path may not hold
/// percent-encoded.
fn immutable_uri(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::from("file:");
    for b in abs.as_os_str().as_encoded_bytes() {
        match b {
            b'%' | b'?' | b'#' | 0..=0x20 | 0x7f..=0xff => uri.push_str(&format!("%{b:02X}")),
            _ => uri.push(char::from(*b)),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// A SQLite error of the memory at `path` as a [`Error`]: a write refused
/// because the file is write-protected is [`Error::TmReadOnly`] (what to
/// do), anything else [`Error::Tm`].
fn sqlite_error(path: &Path, e: &rusqlite::Error) -> Error {
    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ReadOnly) {
        return read_only(path);
    }
    Error::Tm {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

impl Tm {
    /// Opens (creating if needed) the memory at `path`.
    ///
    /// # Errors
    /// [`Error::Tm`] naming the file.
    pub fn open(path: &Path) -> Result<Tm> {
        if path.is_file() && write_protection(path).is_some() {
            return Err(read_only(path));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::Tm {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
        }
        // Created here, not by SQLite (0644): a new file is 0666 & !umask.
        std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::PermissionDenied && path.is_file() {
                    read_only(path)
                } else {
                    Error::Tm {
                        path: path.to_path_buf(),
                        message: e.to_string(),
                    }
                }
            })?;
        Self::open_with(path, OpenFlags::default())
    }

    /// Opens the memory at `path`, which must exist (nothing is created).
    ///
    /// # Errors
    /// [`Error::NoTm`] when there is no file; [`Error::Tm`] when it is not
    /// a translation memory (corrupt, or another program's database).
    pub fn open_existing(path: &Path) -> Result<Tm> {
        if !path.is_file() {
            return Err(Error::NoTm {
                path: path.to_path_buf(),
            });
        }
        if write_protection(path).is_some() {
            return Err(read_only(path));
        }
        Self::open_with(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
    }

    /// Opens an existing memory to read it: as [`Tm::open_existing`] (which
    /// upgrades an older schema) when it may be written, else read-only
    /// ([`Tm::open_read_only`]). For the commands that only read (`tm
    /// stats`, `tm export`, `tm corrections` without `--delete`, an offline
    /// run).
    ///
    /// # Errors
    /// As [`Tm::open_existing`].
    pub fn open_to_read(path: &Path) -> Result<Tm> {
        if path.is_file() && write_protection(path).is_some() {
            Self::open_read_only(path)
        } else {
            Self::open_existing(path)
        }
    }

    /// Opens an existing memory read-only (for a dry run: it consults the
    /// memory and writes nothing). A memory SQLite cannot read in place
    /// without writing beside it (write-ahead log mode in a folder the
    /// process may not write, or on a read-only file system, with no
    /// `-shm` file there) is opened as immutable: nothing can change it
    /// meanwhile, since nobody can write there.
    ///
    /// # Errors
    /// As [`Tm::open_existing`].
    pub fn open_read_only(path: &Path) -> Result<Tm> {
        if !path.is_file() {
            return Err(Error::NoTm {
                path: path.to_path_buf(),
            });
        }
        let err = |e: &dyn std::fmt::Display| Error::Tm {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let check = |conn: &Connection| -> rusqlite::Result<i64> {
            conn.query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('machine', 'human')",
                [],
                |r| r.get(0),
            )
        };
        let mut conn = Connection::open_with_flags(path, flags).map_err(|e| err(&e))?;
        let mut tables = check(&conn);
        if tables.is_err() && matches!(write_protection(path), Some(p) if !p.is_file_only()) {
            conn = Connection::open_with_flags(
                immutable_uri(path),
                flags | OpenFlags::SQLITE_OPEN_URI,
            )
            .map_err(|e| err(&e))?;
            tables = check(&conn);
        }
        if tables.map_err(|e| err(&e))? != 2 {
            return Err(err(&"not a songngu translation memory"));
        }
        Ok(Tm::new(conn, path))
    }

    /// An empty memory that lives in this process only (a dry run without a
    /// memory file: everything would be sent).
    ///
    /// # Errors
    /// [`Error::Tm`] when SQLite cannot start.
    pub fn in_memory() -> Result<Tm> {
        Self::open_with(Path::new(":memory:"), OpenFlags::default())
    }

    fn open_with(path: &Path, flags: OpenFlags) -> Result<Tm> {
        let err = |e: &rusqlite::Error| sqlite_error(path, e);
        let mut conn = Connection::open_with_flags(path, flags).map_err(|e| err(&e))?;
        conn.execute_batch("PRAGMA busy_timeout = 5000;")
            .map_err(|e| err(&e))?;
        // A file the system lets us only read is read as it is (every
        // query works on the schema earlier versions wrote).
        if !conn.is_readonly(rusqlite::MAIN_DB).map_err(|e| err(&e))? {
            conn.execute_batch(
                "PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL;",
            )
            .map_err(|e| err(&e))?;
            migrate(&mut conn).map_err(|e| err(&e))?;
        }
        Ok(Tm::new(conn, path))
    }

    fn new(conn: Connection, path: &Path) -> Tm {
        Tm {
            conn,
            path: path.to_path_buf(),
            aliases: HashMap::new(),
            adopted: HashSet::new(),
        }
    }

    fn err(&self, e: rusqlite::Error) -> Error {
        sqlite_error(&self.path, &e)
    }

    /// Checks that the memory has `columns` (table, column), which an
    /// earlier version's schema lacks until [`migrate`] adds them: a memory
    /// in a file this process may only read is not upgraded when opened.
    ///
    /// # Errors
    /// [`Error::TmOldSchema`] when one is missing, [`Error::Tm`].
    fn require(&self, columns: &[(&str, &str)]) -> Result<()> {
        for (table, column) in columns {
            if !has_column(&self.conn, table, column).map_err(|e| self.err(e))? {
                return Err(Error::TmOldSchema {
                    path: self.path.clone(),
                });
            }
        }
        Ok(())
    }

    /// The key of a machine translation. The language tags are hashed in
    /// their recommended case (`en-gb` and `EN-GB` as `en-GB`), so tags
    /// equal up to case share rows.
    pub fn key(
        engine: &str,
        version: &str,
        from: &str,
        to: &str,
        options: &str,
        glossary_hash: &str,
        sent: &str,
    ) -> String {
        digest([
            engine,
            version,
            &key_tag(from),
            &key_tag(to),
            options,
            glossary_hash,
            &nfc(sent),
        ])
    }

    /// Gives the machine rows of `parts`' engine that earlier versions
    /// keyed with their tags as written (marked when the memory was
    /// migrated) the key [`Tm::key`] gives them now: for each, the options
    /// of `parts` are tried until one reproduces its stored key. A row
    /// whose new key is already taken (stored again since) is kept as it
    /// is. A read-only memory stores nothing and looks those rows up under
    /// their old keys instead. Each `parts` is done once per open memory;
    /// rows of other engine versions or glossaries stay marked until a run
    /// with those comes. How many rows.
    ///
    /// # Errors
    /// [`Error::Tm`]; nothing is changed then.
    pub fn adopt_old_keys(&mut self, parts: &KeyParts<'_>) -> Result<usize> {
        let once = format!(
            "{}\n{}\n{}\n{}",
            parts.engine,
            parts.version,
            parts.glossary_hash,
            parts.options.join("\n")
        );
        if self.adopted.contains(&once) {
            return Ok(0);
        }
        // `SELECT EXISTS (…)` queries with one parameter at most.
        let yes = |sql: &str, arg: &[&str]| -> Result<bool> {
            self.conn
                .query_row(sql, rusqlite::params_from_iter(arg), |r| r.get(0))
                .map_err(|e| self.err(e))
        };
        // An unmigrated memory (opened read-only) has no marks: all its
        // rows are old.
        let marked = yes(
            "SELECT EXISTS (SELECT 1 FROM pragma_table_info('machine') WHERE name = 'tags_as_written')",
            &[],
        )?;
        let read_only = self
            .conn
            .is_readonly(rusqlite::MAIN_DB)
            .map_err(|e| self.err(e))?;
        // A migrated memory: nothing left to adopt (the usual case), or
        // these parts looked already, in an earlier run (marks only ever
        // go, so what did not match then never will). A memory migrated by
        // an earlier build and opened read-only may lack the table of parts.
        if marked {
            let left = yes(
                "SELECT EXISTS (SELECT 1 FROM machine WHERE tags_as_written = 1)",
                &[],
            )? && !(yes(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'adopted_parts')",
                &[],
            )? && yes(
                "SELECT EXISTS (SELECT 1 FROM adopted_parts WHERE parts = ?1)",
                &[&once],
            )?);
            if !left {
                self.adopted.insert(once);
                return Ok(0);
            }
        }
        let sql = if marked {
            "SELECT rowid, key, source_lang, target_lang, sent FROM machine \
             WHERE tags_as_written = 1 AND engine = ?1"
        } else {
            "SELECT rowid, key, source_lang, target_lang, sent FROM machine WHERE engine = ?1"
        };
        let mut found: Vec<(i64, String, String)> = Vec::new();
        {
            let mut st = self.conn.prepare(sql).map_err(|e| self.err(e))?;
            let mut rows = st.query([parts.engine]).map_err(|e| self.err(e))?;
            while let Some(r) = rows.next().map_err(|e| self.err(e))? {
                let get = |i| r.get::<_, String>(i).map_err(|e| self.err(e));
                let (key, from, to, sent) = (get(1)?, get(2)?, get(3)?, get(4)?);
                if key_tag(&from) == from && key_tag(&to) == to {
                    continue;
                }
                // Stored NFC, as hashed.
                let sent = nfc(&sent);
                let hash = |from: &str, to: &str, options: &str| {
                    digest([
                        parts.engine,
                        parts.version,
                        from,
                        to,
                        options,
                        parts.glossary_hash,
                        &sent,
                    ])
                };
                let hashed_as_written = |options: &&&str| hash(&from, &to, options) == key;
                if let Some(options) = parts.options.iter().find(hashed_as_written) {
                    // `Tm::key`.
                    let now = hash(&key_tag(&from), &key_tag(&to), options);
                    found.push((r.get(0).map_err(|e| self.err(e))?, key, now));
                }
            }
        }
        if read_only {
            for (_, old, now) in &found {
                // A row stored under today's key is newer: it wins, as a
                // writable memory keeps it.
                let taken: bool = self
                    .conn
                    .query_row(
                        "SELECT EXISTS (SELECT 1 FROM machine WHERE key = ?1)",
                        [now],
                        |r| r.get(0),
                    )
                    .map_err(|e| self.err(e))?;
                if !taken {
                    self.aliases.insert(now.clone(), old.clone());
                }
            }
        } else {
            let path = self.path.clone();
            let err = |e: rusqlite::Error| sqlite_error(&path, &e);
            // In transactions of a few thousand rows: another process
            // waiting on the memory (busy timeout 5 s) is never locked out
            // long. Each row's re-keying stands alone; a row re-keyed or
            // stored meanwhile (`key`, the mark) is left alone.
            for chunk in found.chunks(4096) {
                let tx = self.conn.transaction().map_err(err)?;
                for (rowid, old, now) in chunk {
                    tx.execute(
                        "UPDATE machine SET tags_as_written = NULL, \
                         key = CASE WHEN EXISTS (SELECT 1 FROM machine WHERE key = ?2) THEN key ELSE ?2 END \
                         WHERE rowid = ?1 AND key = ?3 AND tags_as_written = 1",
                        params![rowid, now, old],
                    )
                    .map_err(err)?;
                }
                tx.commit().map_err(err)?;
            }
            if marked {
                self.conn
                    .execute(
                        "INSERT OR IGNORE INTO adopted_parts (parts) VALUES (?1)",
                        [&once],
                    )
                    .map_err(err)?;
            }
        }
        self.adopted.insert(once);
        Ok(found.len())
    }

    /// A stored machine translation (the engine's raw reply).
    ///
    /// # Errors
    /// [`Error::Tm`].
    pub fn machine(&self, key: &str) -> Result<Option<String>> {
        let key = self.aliases.get(key).map_or(key, String::as_str);
        self.conn
            .query_row("SELECT target FROM machine WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))
    }

    /// A human correction for `source`.
    ///
    /// # Errors
    /// [`Error::Tm`].
    pub fn human(&self, from: &str, to: &str, source: &str) -> Result<Option<String>> {
        self.conn
            .query_row(HUMAN_TARGET, params![from, to, nfc(source)], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Stores one batch of machine translations in one transaction.
    ///
    /// # Errors
    /// [`Error::Tm`]; nothing of the batch is stored then.
    pub fn put_machine(&mut self, rows: &[MachineRow]) -> Result<()> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| sqlite_error(&path, &e);
        let tx = self.conn.transaction().map_err(err)?;
        for r in rows {
            tx.execute(
                "INSERT OR REPLACE INTO machine (key, engine, source_lang, target_lang, source, sent, target) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![r.key, r.engine, r.from, r.to, nfc(&r.source), nfc(&r.sent), r.target],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)
    }

    /// A writer for this memory: a thread of its own with its own
    /// connection to the same file, committing batches of machine
    /// translations ([`TmWriter::commit`]) off the caller's thread. Reads
    /// through `self` see each batch once its commit has resolved.
    ///
    /// # Errors
    /// [`Error::Tm`] when the file cannot be opened again (an in-process
    /// memory, [`Tm::in_memory`], has no file: it takes no writer).
    pub fn writer(&self) -> Result<TmWriter> {
        if self.path.as_os_str() == ":memory:" {
            return Err(Error::Tm {
                path: self.path.clone(),
                message: "an in-process memory takes no writer".into(),
            });
        }
        let mut tm = Self::open_with(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let (tx, rx) = std::sync::mpsc::channel::<Commit>();
        let thread = std::thread::Builder::new()
            .name("songngu-tm-writer".into())
            .spawn(move || {
                for (rows, done) in rx {
                    // The receiver may be gone (the run was dropped): the
                    // batch is stored all the same.
                    let _ = done.send(tm.put_machine(&rows));
                }
            })
            .map_err(|e| Error::Tm {
                path: self.path.clone(),
                message: format!("cannot start the memory writer: {e}"),
            })?;
        Ok(TmWriter {
            tx: Some(tx),
            thread: Some(thread),
            path: self.path.clone(),
        })
    }

    /// Records a run's choices in one transaction: per `(key, final target,
    /// accepted)`, what [`Tm::set_final`] and (when accepted)
    /// [`Tm::accept`] do, in order; then [`Tm::reject`] for each of
    /// `rejected`. One transaction, and the latest acceptance number read
    /// once: a run of n segments costs n row updates, not n transactions
    /// each scanning the table.
    ///
    /// # Errors
    /// [`Error::Tm`]; nothing is recorded then.
    pub fn record_choices(
        &mut self,
        finals: &[(&str, &str, bool)],
        rejected: &[&str],
    ) -> Result<()> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| sqlite_error(&path, &e);
        let tx = self.conn.transaction().map_err(err)?;
        {
            let mut latest: i64 = tx
                .query_row("SELECT COALESCE(MAX(accepted), 0) FROM machine", [], |r| {
                    r.get(0)
                })
                .map_err(err)?;
            let mut set_final = tx
                .prepare_cached("UPDATE machine SET final = ?2 WHERE key = ?1")
                .map_err(err)?;
            let mut accept = tx
                .prepare_cached("UPDATE machine SET accepted = ?2 WHERE key = ?1")
                .map_err(err)?;
            let mut reject = tx
                .prepare_cached("UPDATE machine SET accepted = NULL WHERE key = ?1")
                .map_err(err)?;
            for (key, target, accepted) in finals {
                set_final.execute(params![key, target]).map_err(err)?;
                if *accepted {
                    latest += 1;
                    accept.execute(params![key, latest]).map_err(err)?;
                }
            }
            for key in rejected {
                reject.execute(params![key]).map_err(err)?;
            }
        }
        tx.commit().map_err(err)
    }

    /// Records the final target of a machine translation (placeholders
    /// restored): what a run took as a segment's target.
    ///
    /// # Errors
    /// [`Error::Tm`].
    pub fn set_final(&self, key: &str, final_target: &str) -> Result<()> {
        self.conn
            .execute(
                "UPDATE machine SET final = ?2 WHERE key = ?1",
                params![key, final_target],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Marks a machine translation as the one a run accepted (its final
    /// target passed the glossary check): the export shows, per source, the
    /// one accepted last.
    ///
    /// # Errors
    /// [`Error::Tm`].
    pub fn accept(&self, key: &str) -> Result<()> {
        self.conn
            .execute(
                "UPDATE machine SET accepted = (SELECT COALESCE(MAX(accepted), 0) + 1 FROM machine) WHERE key = ?1",
                params![key],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Marks a machine translation as replaced (the enforcement pass found
    /// a better one): the export leaves it out.
    ///
    /// # Errors
    /// [`Error::Tm`].
    pub fn reject(&self, key: &str) -> Result<()> {
        self.conn
            .execute(
                "UPDATE machine SET accepted = NULL WHERE key = ?1",
                params![key],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Stores a human correction (replacing an earlier one), with where it
    /// came from.
    ///
    /// # Errors
    /// [`Error::Tm`].
    pub fn put_human(
        &self,
        from: &str,
        to: &str,
        source: &str,
        target: &str,
        came_from: &CorrectionSource,
    ) -> Result<()> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO human (source_lang, target_lang, source, target, file, line, doc) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    from,
                    to,
                    nfc(source),
                    nfc(target),
                    came_from.file,
                    came_from.line as i64,
                    came_from.doc
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The stored human corrections that pass `filter`, oldest first.
    ///
    /// # Errors
    /// [`Error::Tm`].
    pub fn corrections(&self, filter: &CorrectionFilter) -> Result<Vec<StoredCorrection>> {
        self.require(&[("human", "file"), ("human", "line"), ("human", "doc")])?;
        let mut st = self
            .conn
            .prepare(
                "SELECT rowid, source_lang, target_lang, source, target, updated, \
                 COALESCE(file, ''), COALESCE(line, 0), COALESCE(doc, '') FROM human \
                 WHERE (?1 IS NULL OR doc = ?1) AND (?2 IS NULL OR updated >= ?2) \
                 ORDER BY updated, rowid",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map(params![filter.doc, filter.since], |r| {
                Ok(StoredCorrection {
                    id: r.get(0)?,
                    from: r.get(1)?,
                    to: r.get(2)?,
                    source: r.get(3)?,
                    target: r.get(4)?,
                    updated: r.get(5)?,
                    came_from: CorrectionSource {
                        file: r.get(6)?,
                        line: r.get::<_, i64>(7)?.max(0) as usize,
                        doc: r.get(8)?,
                    },
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// Deletes the corrections with these ids, all or none.
    ///
    /// # Errors
    /// [`Error::Tm`] naming the first id that does not exist (nothing is
    /// deleted then).
    pub fn delete_corrections(&mut self, ids: &[i64]) -> Result<usize> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| sqlite_error(&path, &e);
        let tx = self.conn.transaction().map_err(err)?;
        let mut deleted = 0;
        for id in ids {
            let n = tx
                .execute("DELETE FROM human WHERE rowid = ?1", params![id])
                .map_err(err)?;
            if n == 0 {
                return Err(Error::Tm {
                    path: path.clone(),
                    message: format!(
                        "no correction with id {id} (list them with `songngu tm corrections`); nothing was deleted"
                    ),
                });
            }
            deleted += n;
        }
        tx.commit().map_err(err)?;
        Ok(deleted)
    }

    /// Is `target` what an engine produced for `source` (so importing it
    /// would not be a correction)?
    ///
    /// # Errors
    /// [`Error::Tm`].
    pub fn is_machine_output(
        &self,
        from: &str,
        to: &str,
        source: &str,
        target: &str,
    ) -> Result<bool> {
        let n: i64 = self
            .conn
            .query_row(
                "SELECT COUNT(*) FROM machine \
                 WHERE source_lang = ?1 COLLATE NOCASE AND target_lang = ?2 COLLATE NOCASE AND source = ?3 \
                 AND (final = ?4 OR (final IS NULL AND target = ?4))",
                params![from, to, nfc(source), target],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        Ok(n > 0)
    }

    /// The targets engines gave `source` (the final one where the verify
    /// stage replaced the first), for comparing a correction with them.
    ///
    /// # Errors
    /// [`Error::Tm`].
    pub fn machine_targets(&self, from: &str, to: &str, source: &str) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT COALESCE(final, target) FROM machine \
                 WHERE source_lang = ?1 COLLATE NOCASE AND target_lang = ?2 COLLATE NOCASE AND source = ?3",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map(params![from, to, nfc(source)], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<String>>>()
            .map_err(|e| self.err(e))
    }

    /// Every pair to export, one per source: the human correction, else
    /// the machine translation accepted last (see the module documentation).
    ///
    /// # Errors
    /// [`Error::Tm`].
    pub fn pairs(&self) -> Result<Vec<TmPair>> {
        // Human corrections first (no engine), then the accepted machine
        // translations of sources nobody corrected.
        const HUMAN: &str =
            "SELECT source_lang, target_lang, source, target, NULL FROM human ORDER BY source";
        const MACHINE: &str = "SELECT m.source_lang, m.target_lang, m.source, m.final, m.engine \
             FROM machine m \
             WHERE m.final IS NOT NULL AND m.accepted IS NOT NULL \
             AND m.accepted = (SELECT MAX(x.accepted) FROM machine x \
               WHERE x.source_lang = m.source_lang COLLATE NOCASE \
               AND x.target_lang = m.target_lang COLLATE NOCASE AND x.source = m.source) \
             AND NOT EXISTS (SELECT 1 FROM human h WHERE h.source_lang = m.source_lang COLLATE NOCASE \
               AND h.target_lang = m.target_lang COLLATE NOCASE AND h.source = m.source) \
             ORDER BY m.source";
        self.require(&[("machine", "accepted")])?;
        let mut out = Vec::new();
        for sql in [HUMAN, MACHINE] {
            let mut st = self.conn.prepare(sql).map_err(|e| self.err(e))?;
            let rows = st
                .query_map([], |r| {
                    Ok(TmPair {
                        from: r.get(0)?,
                        to: r.get(1)?,
                        source: r.get(2)?,
                        target: r.get(3)?,
                        origin: r
                            .get::<_, Option<String>>(4)?
                            .map_or(Provenance::Human, Provenance::Engine),
                    })
                })
                .map_err(|e| self.err(e))?;
            for r in rows {
                out.push(r.map_err(|e| self.err(e))?);
            }
        }
        Ok(out)
    }

    /// Counts: (what, how many): human corrections, then machine
    /// translations per engine and language pair (tags equal up to case
    /// counted together, shown in the case BCP 47 recommends: rows stored
    /// under `VI`->`en-gb` and `vi`->`EN-GB` are one `vi->en-GB`).
    ///
    /// # Errors
    /// [`Error::Tm`].
    pub fn stats(&self) -> Result<Vec<(String, i64)>> {
        let mut out = Vec::new();
        let human: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM human", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        out.push(("human corrections".into(), human));
        let mut st = self
            .conn
            .prepare(
                "SELECT engine, MIN(source_lang), MIN(target_lang), COUNT(*) FROM machine \
                 GROUP BY engine, source_lang COLLATE NOCASE, target_lang COLLATE NOCASE \
                 ORDER BY 1, 2 COLLATE NOCASE, 3 COLLATE NOCASE",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    format!(
                        "{} {}->{}",
                        Provenance::Engine(r.get(0)?),
                        key_tag(&r.get::<_, String>(1)?),
                        key_tag(&r.get::<_, String>(2)?)
                    ),
                    r.get(3)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        for r in rows {
            out.push(r.map_err(|e| self.err(e))?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The writer thread stores each batch before its future resolves, in
    /// the order given; the caller's connection then reads it. An
    /// in-process memory takes no writer.
    #[test]
    fn the_writer_commits_off_thread_and_resolves_once_stored() {
        let dir = tempfile::tempdir().unwrap();
        let tm = Tm::open(&dir.path().join("tm.sqlite")).unwrap();
        let writer = tm.writer().unwrap();
        let row = |key: &str, target: &str| MachineRow {
            key: key.into(),
            engine: "e".into(),
            from: "vi".into(),
            to: "en".into(),
            source: "Xin chào".into(),
            sent: "Xin chào".into(),
            target: target.into(),
        };
        let first = writer.commit(vec![row("a", "Hello"), row("b", "Hi")]);
        let second = writer.commit(vec![row("a", "Hello again")]);
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(first).unwrap();
        rt.block_on(second).unwrap();
        assert_eq!(tm.machine("a").unwrap().as_deref(), Some("Hello again"));
        assert_eq!(tm.machine("b").unwrap().as_deref(), Some("Hi"));
        drop(writer);
        assert!(Tm::in_memory().unwrap().writer().is_err());
    }

    #[test]
    fn machine_and_human_rows() {
        let dir = tempfile::tempdir().unwrap();
        let mut tm = Tm::open(&dir.path().join("sub/tm.sqlite")).unwrap();
        let k = Tm::key("apertium", "v", "vi", "en", "", "g1", "Xin chào");
        assert_ne!(
            k,
            Tm::key("apertium", "v", "vi", "en", "", "g2", "Xin chào"),
            "glossary hash is part of the key"
        );
        let nfd: String = "Xin chào".nfd().collect();
        assert_eq!(
            k,
            Tm::key("apertium", "v", "vi", "en", "", "g1", &nfd),
            "NFC text"
        );
        assert_eq!(tm.machine(&k).unwrap(), None);
        let row = MachineRow {
            key: k.clone(),
            engine: "apertium".into(),
            from: "vi".into(),
            to: "en".into(),
            source: "Xin chào".into(),
            sent: "Xin chào".into(),
            target: "Hello".into(),
        };
        tm.put_machine(&[row]).unwrap();
        assert_eq!(tm.machine(&k).unwrap().as_deref(), Some("Hello"));
        tm.set_final(&k, "Hello").unwrap();
        tm.accept(&k).unwrap();
        tm.put_human("vi", "en", &nfd, "Hi", &CorrectionSource::default())
            .unwrap();
        assert_eq!(
            tm.human("vi", "en", "Xin chào").unwrap().as_deref(),
            Some("Hi")
        );
        // One pair per source: the correction outranks the machine row.
        let pairs = tm.pairs().unwrap();
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].origin, Provenance::Human);
        drop(tm);
        let tm = Tm::open(&dir.path().join("sub/tm.sqlite")).unwrap();
        assert_eq!(tm.stats().unwrap()[0], ("human corrections".to_string(), 1));
    }

    /// Tags are keyed in their recommended case, whatever case they came in.
    #[test]
    fn key_tags_take_the_recommended_case() {
        for (written, keyed) in [
            ("vi", "vi"),
            ("EN", "en"),
            ("en-gb", "en-GB"),
            ("EN-GB", "en-GB"),
            ("zh-hant-tw", "zh-Hant-TW"),
            ("ZH-HANT", "zh-Hant"),
            ("es-419", "es-419"),
            ("sl-ROZAJ", "sl-rozaj"),
            ("x-NEWSROOM", "x-newsroom"),
            ("en-GB-U-CA-BUDDHIST", "en-GB-u-ca-buddhist"),
            ("de-CH-x-PHONEBK", "de-CH-x-phonebk"),
        ] {
            assert_eq!(key_tag(written), keyed, "{written}");
        }
        let k = |from: &str, to: &str| Tm::key("e", "v", from, to, "plain", "g", "Một");
        assert_eq!(k("vi", "en-GB"), k("VI", "en-gb"));
        assert_ne!(k("vi", "en-GB"), k("vi", "en"));
        // A tag written in its recommended case hashes as earlier versions
        // hashed it (as written): their rows keep their keys.
        assert_eq!(
            k("vi", "en-GB"),
            digest(["e", "v", "vi", "en-GB", "plain", "g", "Một"])
        );
    }

    /// Every lookup, count and the export compare tags case-insensitively
    /// and keep them as written; one correction per source whatever the
    /// case it was imported under (the latest).
    #[test]
    fn tags_match_whatever_their_case() {
        let dir = tempfile::tempdir().unwrap();
        let mut tm = Tm::open(&dir.path().join("tm.sqlite")).unwrap();
        let source = CorrectionSource::default();
        tm.put_human("vi", "EN", "Xin chào", "Hello", &source)
            .unwrap();
        assert_eq!(
            tm.human("VI", "en", "Xin chào").unwrap().as_deref(),
            Some("Hello")
        );
        assert_eq!(
            tm.lookup_human("vi", "en", &["Xin chào"]).unwrap(),
            vec![Some("Hello".to_string())]
        );
        assert_eq!(tm.human("vi", "en-GB", "Xin chào").unwrap(), None);
        // The key folds the case: `en` replaces `EN`, stored as written.
        tm.put_human("vi", "en", "Xin chào", "Hi", &source).unwrap();
        let all = tm.corrections(&CorrectionFilter::default()).unwrap();
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!((all[0].to.as_str(), all[0].target.as_str()), ("en", "Hi"));
        assert_eq!(
            tm.human("vi", "EN", "Xin chào").unwrap().as_deref(),
            Some("Hi")
        );

        let row = |key: &str, to: &str, source: &str, target: &str| MachineRow {
            key: key.into(),
            engine: "e".into(),
            from: "vi".into(),
            to: to.into(),
            source: source.into(),
            sent: source.into(),
            target: target.into(),
        };
        tm.put_machine(&[
            row("a", "en-GB", "Một", "One"),
            row("b", "en-gb", "Một", "1"),
            row("c", "EN", "Xin chào", "Hullo"),
        ])
        .unwrap();
        assert!(tm.is_machine_output("VI", "EN-GB", "Một", "1").unwrap());
        assert_eq!(
            tm.machine_targets("vi", "EN-gb", "Một").unwrap().len(),
            2,
            "both spellings"
        );
        tm.record_choices(
            &[("a", "One", true), ("b", "1", true), ("c", "Hullo", true)],
            &[],
        )
        .unwrap();
        // One pair per source: `Một` once (accepted last), `Xin chào` the
        // correction, which outranks the machine row stored under `EN`.
        let pairs = tm.pairs().unwrap();
        let shown: Vec<(&str, &str, &str)> = pairs
            .iter()
            .map(|p| (p.to.as_str(), p.source.as_str(), p.target.as_str()))
            .collect();
        assert_eq!(shown, vec![("en", "Xin chào", "Hi"), ("en-gb", "Một", "1")]);
        // Counted together, shown in the recommended case (`EN` as `en`).
        let want = [
            ("human corrections", 1),
            ("engine:e vi->en", 1),
            ("engine:e vi->en-GB", 2),
        ];
        assert_eq!(tm.stats().unwrap(), want.map(|(w, n)| (w.to_string(), n)));
    }

    /// The schema version 0 wrote (before tags were compared
    /// case-insensitively).
    const OLD_SCHEMA: &str = "
        CREATE TABLE machine (
          key TEXT PRIMARY KEY, engine TEXT NOT NULL, source_lang TEXT NOT NULL,
          target_lang TEXT NOT NULL, source TEXT NOT NULL, sent TEXT NOT NULL,
          target TEXT NOT NULL, final TEXT, created TEXT NOT NULL DEFAULT (datetime('now')),
          accepted INTEGER);
        CREATE TABLE human (
          source_lang TEXT NOT NULL, target_lang TEXT NOT NULL, source TEXT NOT NULL,
          target TEXT NOT NULL, updated TEXT NOT NULL DEFAULT (datetime('now')),
          file TEXT, line INTEGER, doc TEXT,
          PRIMARY KEY (source_lang, target_lang, source));";

    /// The key version 0 gave a text sent to engine `e` (version `v`,
    /// glossary `g`): tags hashed as written.
    fn old_key(to: &str, options: &str, sent: &str) -> String {
        digest(["e", "v", "vi", to, options, "g", sent])
    }

    const PARTS: KeyParts<'static> = KeyParts {
        engine: "e",
        version: "v",
        options: &["plain", "protect:{{N}}"],
        glossary_hash: "g",
    };

    /// A version-0 memory: three corrections of which two collide up to
    /// the tags' case (the one stored later has the older `updated`), and
    /// machine rows keyed with tags as written, one under `en-gb`.
    fn old_memory() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tm.sqlite");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA journal_mode = WAL;").unwrap();
        conn.execute_batch(OLD_SCHEMA).unwrap();
        conn.execute_batch(
            "INSERT INTO human (rowid, source_lang, target_lang, source, target, updated, doc)
               VALUES (5, 'vi', 'EN', 'Xin chào', 'Newer', '2026-02-01 08:00:00', 'b'),
                      (9, 'vi', 'en', 'Xin chào', 'Older', '2026-01-01 08:00:00', 'a'),
                      (12, 'vi', 'en', 'Tạm biệt', 'Bye', '2026-01-01 08:00:00', 'a');",
        )
        .unwrap();
        let mut st = conn
            .prepare(
                "INSERT INTO machine (key, engine, source_lang, target_lang, source, sent, target, final, accepted)
                 VALUES (?1, 'e', 'vi', ?2, ?3, ?3, ?4, ?4, 1)",
            )
            .unwrap();
        for (key, to, text, target) in [
            (old_key("en-gb", "plain", "Một"), "en-gb", "Một", "One"),
            (old_key("en-GB", "plain", "Hai"), "en-GB", "Hai", "Two"),
            (old_key("en-gb", "plain", "Ba"), "en-gb", "Ba", "Three"),
        ] {
            st.execute(params![key, to, text, target]).unwrap();
        }
        (dir, path)
    }

    /// The number `sql` gives on the file at `path`, with `params`.
    fn number(path: &Path, sql: &str, params: &[&str]) -> i64 {
        Connection::open(path)
            .unwrap()
            .query_row(sql, rusqlite::params_from_iter(params), |r| r.get(0))
            .unwrap()
    }

    fn user_version(path: &Path) -> i64 {
        number(path, "PRAGMA user_version", &[])
    }

    /// An old memory is migrated when opened: every row kept, colliding
    /// corrections reduced to the one stored last (by `updated`) under
    /// its own id; opening it again changes nothing.
    #[test]
    fn an_old_memory_is_migrated_once_keeping_the_latest_of_colliding_corrections() {
        let (_dir, path) = old_memory();
        assert_eq!(user_version(&path), 0);
        let seen = |tm: &Tm| {
            let all = tm.corrections(&CorrectionFilter::default()).unwrap();
            all.iter()
                .map(|c| (c.id, c.to.clone(), c.source.clone(), c.target.clone()))
                .collect::<Vec<_>>()
        };
        let want = vec![
            (
                12,
                "en".to_string(),
                "Tạm biệt".to_string(),
                "Bye".to_string(),
            ),
            (5, "EN".into(), "Xin chào".into(), "Newer".into()),
        ];
        for _ in 0..2 {
            let tm = Tm::open(&path).unwrap();
            assert_eq!(seen(&tm), want);
            assert_eq!(
                tm.human("vi", "en", "Xin chào").unwrap().as_deref(),
                Some("Newer")
            );
            assert_eq!(
                tm.stats().unwrap(),
                vec![
                    ("human corrections".to_string(), 2),
                    ("engine:e vi->en-GB".to_string(), 3),
                ]
            );
            drop(tm);
            assert_eq!(user_version(&path), SCHEMA);
        }
        // The migrated key folds the case.
        let tm = Tm::open(&path).unwrap();
        tm.put_human(
            "vi",
            "EN",
            "Tạm biệt",
            "Goodbye",
            &CorrectionSource::default(),
        )
        .unwrap();
        let all = seen(&tm);
        assert_eq!(all.len(), 2);
        assert!(
            all.iter().any(|c| c.1 == "EN" && c.3 == "Goodbye"),
            "{all:?}"
        );
        drop(tm);
        let conn = Connection::open(&path).unwrap();
        let marked: Vec<String> = conn
            .prepare("SELECT source FROM machine WHERE tags_as_written = 1 ORDER BY source")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(marked, ["Ba", "Một"], "the rows keyed under `en-gb`");
        let conn = Connection::open(&path).unwrap();
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            tables,
            ["adopted_parts", "human", "human_superseded", "machine"],
            "no table left over from the rebuild"
        );
        // The correction replaced is kept, with its id, not deleted.
        let superseded: Vec<(i64, String)> = conn
            .prepare("SELECT id, target FROM human_superseded")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(superseded, [(9, "Older".to_string())]);
    }

    /// Machine rows an old version keyed under `en-gb` are found under any
    /// case once a run has adopted them with its key parts; a row stored
    /// again since keeps the newer one; an unmatched engine changes nothing.
    #[test]
    fn old_machine_keys_are_adopted_by_a_run_with_their_parts() {
        let (_dir, path) = old_memory();
        let mut tm = Tm::open(&path).unwrap();
        let now = |to: &str, text: &str| Tm::key("e", "v", "vi", to, "plain", "g", text);
        assert_eq!(
            tm.machine(&now("EN-GB", "Hai")).unwrap().as_deref(),
            Some("Two")
        );
        assert_eq!(
            tm.machine(&now("en-gb", "Một")).unwrap(),
            None,
            "not adopted yet"
        );
        // "Ba" was stored again under today's key before any adoption.
        tm.put_machine(&[MachineRow {
            key: now("en-gb", "Ba"),
            engine: "e".into(),
            from: "vi".into(),
            to: "en-gb".into(),
            source: "Ba".into(),
            sent: "Ba".into(),
            target: "THREE".into(),
        }])
        .unwrap();
        let other = KeyParts {
            glossary_hash: "another glossary",
            ..PARTS
        };
        assert_eq!(tm.adopt_old_keys(&other).unwrap(), 0);
        assert_eq!(tm.adopt_old_keys(&PARTS).unwrap(), 2);
        assert_eq!(tm.adopt_old_keys(&PARTS).unwrap(), 0, "once");
        assert_eq!(
            tm.lookup_batch(&[
                &now("EN-GB", "Một"),
                &now("en-gb", "Ba"),
                &now("en-GB", "Hai")
            ])
            .unwrap(),
            vec![
                Some("One".to_string()),
                Some("THREE".to_string()),
                Some("Two".to_string())
            ]
        );
        drop(tm);
        // Both parts are remembered in the file: a later run with either
        // does not scan the marked rows again.
        let conn = Connection::open(&path).unwrap();
        let looked: i64 = conn
            .query_row("SELECT COUNT(*) FROM adopted_parts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(looked, 2);
        drop(conn);
        // Stored: a later open finds them without adopting again; the
        // old "Ba" row is kept (under its old key), unmarked.
        let mut tm = Tm::open(&path).unwrap();
        assert_eq!(
            tm.machine(&now("en-gb", "Một")).unwrap().as_deref(),
            Some("One")
        );
        assert_eq!(tm.adopt_old_keys(&PARTS).unwrap(), 0);
        assert_eq!(
            tm.stats().unwrap()[1],
            ("engine:e vi->en-GB".to_string(), 4)
        );
        assert_eq!(
            tm.machine(&old_key("en-gb", "plain", "Ba"))
                .unwrap()
                .as_deref(),
            Some("Three")
        );
    }

    /// A dry run reads an old memory without migrating it: corrections
    /// match across case (the latest of colliding ones) and old machine
    /// rows are found through keys remembered in the process only.
    #[test]
    fn a_read_only_old_memory_is_read_across_case_and_left_as_it_was() {
        let (_dir, path) = old_memory();
        let mut tm = Tm::open_read_only(&path).unwrap();
        assert_eq!(
            tm.human("VI", "en", "Xin chào").unwrap().as_deref(),
            Some("Newer")
        );
        let key = Tm::key("e", "v", "vi", "en-GB", "plain", "g", "Một");
        assert_eq!(tm.lookup_one(&key).unwrap(), None);
        assert_eq!(tm.adopt_old_keys(&PARTS).unwrap(), 2);
        assert_eq!(tm.lookup_one(&key).unwrap().as_deref(), Some("One"));
        drop(tm);
        // A write-protected file opened for writing (the connection is
        // read-only then): read as it is.
        let tm = Tm::open_with(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        assert_eq!(
            tm.lookup_human("vi", "EN", &["Xin chào"]).unwrap(),
            vec![Some("Newer".to_string())]
        );
        drop(tm);
        assert_eq!(user_version(&path), 0, "not migrated");
        let old = old_key("en-gb", "plain", "Một");
        let keys = number(
            &path,
            "SELECT COUNT(*) FROM machine WHERE key = ?1",
            &[&old],
        );
        assert_eq!(keys, 1, "its key unchanged");
    }

    /// Processes opening an old memory at once: one migrates, the others
    /// wait and find it done; nothing is lost or doubled.
    #[test]
    fn openers_racing_on_an_old_memory_migrate_it_once() {
        let (_dir, path) = old_memory();
        let opened: Vec<Result<Tm>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4).map(|_| s.spawn(|| Tm::open(&path))).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for tm in opened {
            let tm = tm.unwrap();
            assert_eq!(
                tm.corrections(&CorrectionFilter::default()).unwrap().len(),
                2
            );
            assert_eq!(
                tm.stats().unwrap()[1],
                ("engine:e vi->en-GB".to_string(), 3)
            );
        }
        assert_eq!(user_version(&path), SCHEMA);
    }

    /// The [`Memory`] contract, run against the SQLite store through the
    /// trait object the translate stage holds.
    mod contract {
        use super::*;

        fn store() -> (Box<dyn Memory>, tempfile::TempDir) {
            let dir = tempfile::tempdir().unwrap();
            let tm = Tm::open(&dir.path().join("tm.sqlite")).unwrap();
            (Box::new(tm), dir)
        }

        fn row(key: &str, engine: &str, source: &str, target: &str) -> MachineRow {
            MachineRow {
                key: key.into(),
                engine: engine.into(),
                from: "vi".into(),
                to: "en".into(),
                source: source.into(),
                sent: source.into(),
                target: target.into(),
            }
        }

        /// A vi → en correction.
        fn human<'a>(
            source: &'a str,
            target: &'a str,
            came_from: CorrectionSource,
        ) -> NewCorrection<'a> {
            NewCorrection {
                from: "vi",
                to: "en",
                source,
                target,
                came_from,
            }
        }

        #[test]
        fn lookups_of_missing_keys_and_sources_are_none_in_order() {
            let (mut m, _dir) = store();
            m.commit_batch(&[row("b", "e", "Xin chào", "Hello")])
                .unwrap();
            assert_eq!(
                m.lookup_batch(&["a", "b", "c"]).unwrap(),
                vec![None, Some("Hello".to_string()), None]
            );
            assert_eq!(m.lookup_batch(&[]).unwrap(), Vec::<Option<String>>::new());
            assert_eq!(m.lookup_one("a").unwrap(), None);
            assert_eq!(
                m.lookup_human("vi", "en", &["Xin chào", "Tạm biệt"])
                    .unwrap(),
                vec![None, None],
                "a machine row is no human correction"
            );
        }

        #[test]
        fn a_committed_batch_is_found_and_a_later_one_replaces_its_keys() {
            let (mut m, _dir) = store();
            m.commit_batch(&[row("a", "e", "Một", "One"), row("b", "e", "Hai", "Two")])
                .unwrap();
            m.commit_batch(&[row("a", "e", "Một", "One again")])
                .unwrap();
            assert_eq!(
                m.lookup_batch(&["b", "a"]).unwrap(),
                vec![Some("Two".to_string()), Some("One again".to_string())]
            );
            // The writer's batch is found once its future resolved.
            let writer = m.writer().unwrap();
            let stored = writer.commit_batch(vec![row("c", "e", "Ba", "Three")]);
            tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap()
                .block_on(stored)
                .unwrap();
            assert_eq!(m.lookup_one("c").unwrap().as_deref(), Some("Three"));
            drop(writer);
            let in_process: Box<dyn Memory> = Box::new(Tm::in_memory().unwrap());
            assert!(in_process.writer().is_err());
        }

        #[test]
        fn a_human_correction_beats_the_accepted_machine_row_in_the_export() {
            let (mut m, _dir) = store();
            m.commit_batch(&[
                row("a", "e", "Xin chào", "Helo"),
                row("b", "f", "Xin chào", "Hi"),
            ])
            .unwrap();
            assert!(m.pairs().unwrap().is_empty(), "nothing accepted yet");
            m.record_choices(&[("a", "Hello", true), ("b", "Hi", true)], &[])
                .unwrap();
            let pairs = m.pairs().unwrap();
            assert_eq!(pairs.len(), 1, "one pair per source");
            assert_eq!(
                (pairs[0].target.as_str(), &pairs[0].origin),
                ("Hi", &Provenance::Engine("f".into())),
                "the row accepted last"
            );
            m.record_choices(&[], &["b"]).unwrap();
            assert_eq!(m.pairs().unwrap()[0].target, "Hello", "b was replaced");
            let nfd: String = "Xin chào".nfd().collect();
            m.put_correction(&human(&nfd, "Greetings", CorrectionSource::default()))
                .unwrap();
            assert_eq!(
                m.lookup_human("vi", "en", &["Tạm biệt", "Xin chào"])
                    .unwrap(),
                vec![None, Some("Greetings".to_string())]
            );
            let pairs = m.pairs().unwrap();
            assert_eq!(pairs.len(), 1);
            assert_eq!(
                (pairs[0].target.as_str(), &pairs[0].origin),
                ("Greetings", &Provenance::Human)
            );
        }

        #[test]
        fn stats_count_corrections_then_rows_per_engine_and_pair() {
            let (mut m, _dir) = store();
            assert_eq!(
                m.stats().unwrap(),
                vec![("human corrections".to_string(), 0)]
            );
            m.commit_batch(&[row("a", "e", "Một", "One"), row("b", "e", "Hai", "Two")])
                .unwrap();
            m.commit_batch(&[row("c", "f", "Ba", "Three"), row("a", "e", "Một", "1")])
                .unwrap();
            m.put_correction(&human("Một", "One", CorrectionSource::default()))
                .unwrap();
            assert_eq!(
                m.stats().unwrap(),
                vec![
                    ("human corrections".to_string(), 1),
                    ("engine:e vi->en".to_string(), 2),
                    ("engine:f vi->en".to_string(), 1),
                ]
            );
        }

        #[test]
        fn corrections_are_listed_by_document_and_deleted_all_or_none() {
            let (mut m, _dir) = store();
            let from = |doc: &str, line| CorrectionSource {
                file: format!("{doc}.jsonl"),
                line,
                doc: doc.into(),
            };
            m.put_correction(&human("Một", "One", from("a", 1)))
                .unwrap();
            m.put_correction(&human("Hai", "Two", from("b", 2)))
                .unwrap();
            let all = m.corrections(&CorrectionFilter::default()).unwrap();
            assert_eq!(all.len(), 2);
            let only_b = m
                .corrections(&CorrectionFilter {
                    doc: Some("b".into()),
                    since: None,
                })
                .unwrap();
            assert_eq!(only_b.len(), 1);
            assert_eq!(
                (only_b[0].target.as_str(), only_b[0].came_from.line),
                ("Two", 2)
            );
            let missing = all.iter().map(|c| c.id).max().unwrap() + 1;
            assert!(m.delete_corrections(&[only_b[0].id, missing]).is_err());
            assert_eq!(
                m.corrections(&CorrectionFilter::default()).unwrap().len(),
                2
            );
            assert_eq!(m.delete_corrections(&[only_b[0].id]).unwrap(), 1);
            assert_eq!(
                m.lookup_human("vi", "en", &["Một", "Hai"]).unwrap(),
                vec![Some("One".to_string()), None]
            );
        }
    }
}
