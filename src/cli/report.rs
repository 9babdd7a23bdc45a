//! `songngu run`'s report: what the walk of the inputs skipped, the failures, the summary on stderr (documents,
//! segments, size, rate, glossary entries and files, hit classes, flag counts, output folder), the
//! engine's line, the dry run's answer on stdout, and the closing line of
//! a run that left segments untranslated.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use songngu::diagnostic::shown;
use songngu::glossary::{Glossary, HitClass};
use songngu::pipeline::{BatchOutcome, DocOutcome};
use songngu::reader::Collected;
use songngu::translate::MtReport;

/// The errors of the failed documents (when the progress bar did not show
/// them as they came).
pub fn failures(outcome: &BatchOutcome) {
    for o in outcome.failed() {
        if let Err(e) = &o.result {
            eprintln!("songngu: error: {e}");
        }
    }
}

/// What the walk of the input folders did not read, one note each (before
/// the run, on stderr): symbolic links to folders not followed, the output
/// folder, line-aligned txt outputs of a run, hidden entries.
pub fn walk_notes(c: &Collected) {
    if !c.links_not_followed.is_empty() {
        eprintln!(
            "songngu: note: {} symbolic link(s) to folders not followed ({}); --follow-links follows them",
            c.links_not_followed.len(),
            some(&c.links_not_followed)
        );
    }
    if !c.skipped.is_empty() {
        eprintln!(
            "songngu: note: skipped {}: it is the output folder",
            some(&c.skipped)
        );
    }
    if !c.earlier_outputs.is_empty() {
        eprintln!(
            "songngu: note: skipped {} file(s) that are txt outputs of a run, not articles \
             (NAME.ascii.txt and NAME.<language>.txt files, line-aligned): {}; \
             name a file to read it anyway",
            c.earlier_outputs.len(),
            some(&c.earlier_outputs)
        );
    }
    if !c.recorded_outputs.is_empty() {
        eprintln!(
            "songngu: note: skipped {} file(s) that the output folder's record \
             (.songngu-written) names as outputs of a run, not articles: {}; \
             name a file to read it anyway",
            c.recorded_outputs.len(),
            some(&c.recorded_outputs)
        );
    }
    if !c.hidden.is_empty() {
        eprintln!(
            "songngu: note: skipped {} hidden file(s) or folder(s) (name starting with one dot): {}; \
             name a file to read it anyway",
            c.hidden.len(),
            some(&c.hidden)
        );
    }
}

/// What was skipped, for the error of a run that found no article:
/// ` (skipped: …)`, or nothing.
pub fn skipped_in_short(c: &Collected) -> String {
    let mut parts = Vec::new();
    if !c.skipped.is_empty() {
        parts.push("the output folder".to_owned());
    }
    for (n, what) in [
        (c.earlier_outputs.len(), "output file(s) of a run"),
        (c.hidden.len(), "hidden file(s) or folder(s)"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" (skipped: {})", parts.join(", "))
    }
}

/// The first three of `paths`, then `…` when there are more.
fn some(paths: &[PathBuf]) -> String {
    let mut s = paths
        .iter()
        .take(3)
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > 3 {
        s.push_str(", …");
    }
    s
}

/// The dry run's answer, the command's output: what the engine would be
/// sent.
pub fn dry_run(engine: &str, r: &MtReport) -> std::io::Result<()> {
    let tokens = if r.tokens > 0 {
        format!(", about {} token(s) (estimate)", r.tokens)
    } else {
        String::new()
    };
    writeln!(
        super::Out::new(),
        "{engine}: {} request(s), {} billable character(s){tokens} for {} distinct segment(s) \
         ({} of {} segment(s) already in the memory, {} human)",
        r.requests,
        r.chars,
        r.sent,
        r.memory,
        r.segments,
        r.human
    )
}

/// Everything said on stderr after a batch (unless `--quiet`): documents
/// without text, the summary, corrections applied and control characters
/// removed, the engine's line.
pub fn summary_block(
    outcome: &BatchOutcome,
    elapsed: f64,
    out_dir: &Path,
    glossary: &Glossary,
    engine: &str,
    by_tokens: bool,
) {
    let outcomes = &outcome.documents;
    for o in outcomes {
        if o.result.as_ref().is_ok_and(|s| s.segments == 0) {
            eprintln!(
                "songngu: warning: {}: no text (empty or blank); its outputs have no segments",
                display_input(&o.input)
            );
        }
    }
    eprintln!("{}", summary(outcomes, elapsed, out_dir, glossary));
    cleaned_and_human(outcomes);
    if let Some(r) = &outcome.translation {
        eprintln!("{}", engine_summary(engine, r, by_tokens));
    }
}

/// With `--quiet`, one line for the changed outputs `--overwrite-edited`
/// replaced (each kept beside as `NAME.edited-STAMP`): a note about
/// someone's work that `--quiet` does not silence.
pub fn kept_in_short(outcome: &BatchOutcome) {
    let kept: Vec<&(PathBuf, PathBuf)> = outcome
        .documents
        .iter()
        .filter_map(|o| o.result.as_ref().ok())
        .flat_map(|s| &s.kept)
        .collect();
    let Some((_, first)) = kept.first() else {
        return;
    };
    eprintln!(
        "songngu: note: {} output(s) changed since songngu wrote them were replaced \
         (--overwrite-edited), each changed file kept beside its replacement ({}{})",
        kept.len(),
        shown(first),
        if kept.len() > 1 { ", …" } else { "" }
    );
}

/// The human corrections applied, and the documents the reader took
/// control characters out of (see docs/review.md).
fn cleaned_and_human(outcomes: &[DocOutcome]) {
    let ok = || {
        outcomes
            .iter()
            .filter_map(|o| Some((o, o.result.as_ref().ok()?)))
    };
    let human: usize = ok().map(|(_, s)| s.human).sum();
    if human > 0 {
        eprintln!(
            "  {human} human correction(s) applied (reviewed targets from the translation memory)"
        );
    }
    for (changed, kept) in ok().flat_map(|(_, s)| &s.kept) {
        eprintln!(
            "songngu: note: {} was changed since songngu wrote it; replaced (--overwrite-edited), \
             the changed file kept as {}",
            shown(changed),
            shown(kept)
        );
    }
    let cleaned: Vec<_> = ok().filter(|(_, s)| s.cleaned.total() > 0).collect();
    for (o, s) in cleaned.iter().take(5) {
        let c = s.cleaned;
        let first = c.first.map_or(String::new(), |(ch, at)| {
            format!(" (first U+{:04X} at byte offset {at})", ch as u32)
        });
        eprintln!(
            "songngu: warning: {}: {} control character(s) removed, {} made line breaks (VT, FF, NEL){first}; \
             the outputs and the review page hold the cleaned text",
            o.input.display(),
            c.removed,
            c.line_breaks
        );
    }
    if cleaned.len() > 5 {
        eprintln!(
            "songngu: warning: and {} more document(s) with control characters",
            cleaned.len() - 5
        );
    }
}

/// How an input is named in messages (`-` is stdin).
fn display_input(input: &Path) -> String {
    if input.as_os_str() == "-" {
        "<stdin>".to_owned()
    } else {
        input.display().to_string()
    }
}

/// A byte count for people: `512 B`, `41.3 KB`, `5.2 MB`.
fn human_bytes(bytes: usize) -> String {
    let b = bytes as f64;
    if bytes < 1000 {
        format!("{bytes} B")
    } else if b < 1e6 {
        format!("{:.1} KB", b / 1e3)
    } else {
        format!("{:.1} MB", b / 1e6)
    }
}

/// The throughput in the unit that shows it (` (41.0 KB/s)`, ` (7.9 MB/s)`),
/// or nothing when there is too little to measure: under a kilobyte (the
/// time is then the process starting, not the work), or a run too short for
/// the clock.
fn rate(bytes: usize, secs: f64) -> String {
    if bytes < 1000 || secs < 0.001 {
        return String::new();
    }
    let per_s = bytes as f64 / secs;
    if per_s >= 1e6 {
        format!(" ({:.1} MB/s)", per_s / 1e6)
    } else if per_s >= 1e3 {
        format!(" ({:.1} KB/s)", per_s / 1e3)
    } else {
        format!(" ({per_s:.0} B/s)")
    }
}

/// The glossary's line of the summary: the entries loaded for the run's
/// language pair and the files they came from (`-v` names the files before
/// the run), so a batch log shows a run that annotated nothing.
fn glossary_line(glossary: &Glossary) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let entries = plural(glossary.entries.len(), "entry", "entries");
    let files = plural(glossary.files.len(), "file", "files");
    if glossary.entries.is_empty() {
        format!("glossary: {entries} from {files}: terms are not annotated")
    } else {
        format!("glossary: {entries} from {files}")
    }
}

fn summary(outcomes: &[DocOutcome], elapsed: f64, out_dir: &Path, glossary: &Glossary) -> String {
    let ok: Vec<_> = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().ok())
        .collect();
    let failed = outcomes.len() - ok.len();
    let bytes: usize = ok.iter().map(|s| s.bytes).sum();
    let segments: usize = ok.iter().map(|s| s.segments).sum();
    let mut hits = std::collections::BTreeMap::new();
    let mut flags = std::collections::BTreeMap::new();
    for s in &ok {
        for (k, v) in &s.hits {
            *hits.entry(*k).or_insert(0) += v;
        }
        for (k, v) in &s.flags {
            *flags.entry(k.clone()).or_insert(0) += v;
        }
    }
    let classes: Vec<String> = HitClass::ALL
        .iter()
        .map(|c| format!("{} {}", c.name(), hits.get(c).copied().unwrap_or(0)))
        .collect();
    let flag_list: Vec<String> = flags.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let mut text = format!(
        "songngu run: {} document(s){}, {segments} segment(s), {} in {elapsed:.2} s{}\n  \
         {}\n  terms: {}\n  flags: {}",
        outcomes.len(),
        if failed > 0 {
            format!(" ({failed} failed)")
        } else {
            String::new()
        },
        human_bytes(bytes),
        rate(bytes, elapsed),
        glossary_line(glossary),
        classes.join(", "),
        if flag_list.is_empty() {
            "none".into()
        } else {
            flag_list.join(", ")
        },
    );
    // Only where something was written.
    if !ok.is_empty() {
        text.push_str(&format!("\n  output: {}", out_dir.display()));
    }
    text
}

/// The engine's line of the summary: this run's facts only (what was sent
/// and billed this run, enforcement only when something was re-sent).
fn engine_summary(engine: &str, r: &MtReport, by_tokens: bool) -> String {
    let billed = match (by_tokens, r.chars_sent == r.chars) {
        (false, true) => format!("{} billable character(s)", r.chars),
        (false, false) => format!("{} character(s) sent, {} billable", r.chars_sent, r.chars),
        (true, true) => format!("{} billable token(s)", r.tokens),
        (true, false) => format!(
            "{} character(s) sent, {} billable token(s)",
            r.chars_sent, r.tokens
        ),
    };
    let enforced = if r.enforced > 0 {
        format!(
            "; {} re-sent with terms protected ({} fixed)",
            r.enforced, r.enforced_fixed
        )
    } else {
        String::new()
    };
    let terms = if r.term_segments == 0 {
        "terms right: n/a (no machine target with glossary terms)".to_owned()
    } else {
        format!(
            "terms right in {}/{} segment(s) ({:.1}%)",
            r.term_compliant,
            r.term_segments,
            100.0 * r.term_compliant as f64 / r.term_segments as f64
        )
    };
    format!(
        "  engine {engine}: {} segment(s): {} from the memory, {} human, {} sent in {} request(s) \
         ({} retried), {billed}{enforced}; {terms}",
        r.segments, r.memory, r.human, r.sent, r.requests, r.retries
    )
}

/// The closing line of a run that left segments untranslated: why, when
/// the engine stopped the run (a quota or a refused key: running again
/// cannot help), else how to retry.
pub fn closing_line(r: &MtReport) -> String {
    match &r.stopped {
        Some(why) => format!(
            "songngu: error: the run stopped: {why}; {} segment(s) untranslated (flag `mt-failed` in the outputs)",
            r.failed
        ),
        None => format!(
            "songngu: error: {} segment(s) have no translation (flag `mt-failed` in the outputs); \
             run again to retry them: finished batches are in the translation memory",
            r.failed
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_runs_get_a_rate_in_their_own_unit() {
        assert_eq!(rate(11, 0.37), "");
        assert_eq!(rate(1_500, 2.0), " (750 B/s)");
        assert_eq!(rate(2_000, 0.05), " (40.0 KB/s)");
        assert_eq!(rate(412_000, 0.61), " (675.4 KB/s)");
        assert_eq!(rate(50_000_000, 6.3), " (7.9 MB/s)");
        assert_eq!(rate(0, 0.3), "");
        assert_eq!(rate(5_000, 0.0), "");
    }

    #[test]
    fn sizes_in_their_own_unit() {
        assert_eq!(human_bytes(11), "11 B");
        assert_eq!(human_bytes(41_300), "41.3 KB");
        assert_eq!(human_bytes(5_200_000), "5.2 MB");
    }
}
