//! The translation memory: SQLite (bundled) at `[tm] path`.
//!
//! Machine translations are keyed by a SHA-256 over engine, engine version,
//! languages, every output-changing option, the glossary's content hash and
//! the NFC text sent (after protection), so a changed glossary or option
//! never reuses an old translation. Each batch is committed in one
//! transaction as it returns (WAL journal), so a run killed at any moment
//! keeps every batch that came back and resumes without resending it.
//! Human corrections (`tm import`) are keyed by languages and NFC source
//! alone and outrank machine output on the next run.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

/// An open translation memory.
#[derive(Debug)]
pub struct Tm {
    conn: Connection,
    path: PathBuf,
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
    pub origin: String,
}

fn nfc(s: &str) -> String {
    s.nfc().collect()
}

impl Tm {
    /// Opens (creating if needed) the memory at `path`.
    ///
    /// # Errors
    /// [`Error::Tm`] naming the file.
    pub fn open(path: &Path) -> Result<Tm> {
        let err = |e: &dyn std::fmt::Display| Error::Tm {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| err(&e))?;
        }
        // Created here, not by SQLite (0644): a new file is 0666 & !umask.
        std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| err(&e))?;
        let conn = Connection::open(path).map_err(|e| err(&e))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA busy_timeout = 5000;
             CREATE TABLE IF NOT EXISTS machine (
               key TEXT PRIMARY KEY, engine TEXT NOT NULL, source_lang TEXT NOT NULL,
               target_lang TEXT NOT NULL, source TEXT NOT NULL, sent TEXT NOT NULL,
               target TEXT NOT NULL, final TEXT, created TEXT NOT NULL DEFAULT (datetime('now')));
             CREATE TABLE IF NOT EXISTS human (
               source_lang TEXT NOT NULL, target_lang TEXT NOT NULL, source TEXT NOT NULL,
               target TEXT NOT NULL, updated TEXT NOT NULL DEFAULT (datetime('now')),
               PRIMARY KEY (source_lang, target_lang, source));",
        )
        .map_err(|e| err(&e))?;
        Ok(Tm {
            conn,
            path: path.to_path_buf(),
        })
    }

    fn err(&self, e: rusqlite::Error) -> Error {
        Error::Tm {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }

    /// The key of a machine translation.
    pub fn key(
        engine: &str,
        version: &str,
        from: &str,
        to: &str,
        options: &str,
        glossary_hash: &str,
        sent: &str,
    ) -> String {
        let mut h = Sha256::new();
        for part in [
            engine,
            version,
            from,
            to,
            options,
            glossary_hash,
            &nfc(sent),
        ] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A stored machine translation (the engine's raw reply).
    ///
    /// # Errors
    /// [`Error::Tm`].
    pub fn machine(&self, key: &str) -> Result<Option<String>> {
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
            .query_row(
                "SELECT target FROM human WHERE source_lang = ?1 AND target_lang = ?2 AND source = ?3",
                params![from, to, nfc(source)],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Stores one batch of machine translations in one transaction.
    ///
    /// # Errors
    /// [`Error::Tm`]; nothing of the batch is stored then.
    pub fn put_machine(&mut self, rows: &[MachineRow]) -> Result<()> {
        let tx = self.conn.transaction().map_err(|e| Error::Tm {
            path: self.path.clone(),
            message: e.to_string(),
        })?;
        for r in rows {
            tx.execute(
                "INSERT OR REPLACE INTO machine (key, engine, source_lang, target_lang, source, sent, target) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![r.key, r.engine, r.from, r.to, nfc(&r.source), nfc(&r.sent), r.target],
            )
            .map_err(|e| Error::Tm { path: self.path.clone(), message: e.to_string() })?;
        }
        tx.commit().map_err(|e| Error::Tm {
            path: self.path.clone(),
            message: e.to_string(),
        })
    }

    /// Records the final target of a machine translation (placeholders
    /// restored), for export.
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

    /// Stores a human correction (replacing an earlier one).
    ///
    /// # Errors
    /// [`Error::Tm`].
    pub fn put_human(&self, from: &str, to: &str, source: &str, target: &str) -> Result<()> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO human (source_lang, target_lang, source, target) VALUES (?1, ?2, ?3, ?4)",
                params![from, to, nfc(source), nfc(target)],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
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
                "SELECT COUNT(*) FROM machine WHERE source_lang = ?1 AND target_lang = ?2 AND source = ?3 \
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
                 WHERE source_lang = ?1 AND target_lang = ?2 AND source = ?3",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map(params![from, to, nfc(source)], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<String>>>()
            .map_err(|e| self.err(e))
    }

    /// Every pair to export: human corrections, then machine translations
    /// whose final target is known.
    ///
    /// # Errors
    /// [`Error::Tm`].
    pub fn pairs(&self) -> Result<Vec<TmPair>> {
        let mut out = Vec::new();
        let mut st = self
            .conn
            .prepare("SELECT source_lang, target_lang, source, target FROM human ORDER BY source")
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| {
                Ok(TmPair {
                    from: r.get(0)?,
                    to: r.get(1)?,
                    source: r.get(2)?,
                    target: r.get(3)?,
                    origin: "human".into(),
                })
            })
            .map_err(|e| self.err(e))?;
        for r in rows {
            out.push(r.map_err(|e| self.err(e))?);
        }
        let mut st = self
            .conn
            .prepare(
                "SELECT source_lang, target_lang, source, COALESCE(final, CASE WHEN sent = source THEN target END), engine \
                 FROM machine WHERE COALESCE(final, CASE WHEN sent = source THEN target END) IS NOT NULL ORDER BY source",
            )
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| {
                Ok(TmPair {
                    from: r.get(0)?,
                    to: r.get(1)?,
                    source: r.get(2)?,
                    target: r.get(3)?,
                    origin: format!("engine:{}", r.get::<_, String>(4)?),
                })
            })
            .map_err(|e| self.err(e))?;
        for r in rows {
            out.push(r.map_err(|e| self.err(e))?);
        }
        Ok(out)
    }

    /// Counts: (what, how many): human corrections, then machine
    /// translations per engine and language pair.
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
            .prepare("SELECT engine, source_lang, target_lang, COUNT(*) FROM machine GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    format!(
                        "engine:{} {}->{}",
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?
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
        tm.put_human("vi", "en", &nfd, "Hi").unwrap();
        assert_eq!(
            tm.human("vi", "en", "Xin chào").unwrap().as_deref(),
            Some("Hi")
        );
        let pairs = tm.pairs().unwrap();
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[0].origin, "human");
        assert_eq!(pairs[1].origin, "engine:apertium");
        drop(tm);
        let tm = Tm::open(&dir.path().join("sub/tm.sqlite")).unwrap();
        assert_eq!(tm.stats().unwrap()[0], ("human corrections".to_string(), 1));
    }
}
