//! The binary's side: parse arguments, run the library, report, choose the
//! exit code. Bin-only (declared from `main.rs`), so clap stays out of the
//! library's API.

// The binary is where printing belongs (the library lints against it).
#![allow(clippy::print_stderr, clippy::print_stdout)]

mod args;
mod engines;
mod glossary;
mod progress;
mod qa;
mod report;
mod run;
mod tm;

use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use clap::Parser;
use songngu::config::{Config, ConfigSource};
use songngu::transliterate::StreamFolder;

use args::{AsciiArgs, Cli, Command, SlugArgs};

/// Exit code: usage, configuration or input error before any work.
const EXIT_USAGE: u8 = 2;
/// Exit code: the work finished but some items failed.
const EXIT_FAILED: u8 = 1;
/// Exit code: stopped by Ctrl-C, SIGTERM or SIGHUP (128 + SIGINT, as a
/// shell reports a command killed by Ctrl-C).
const EXIT_INTERRUPTED: i32 = 130;

/// The global `-v/--verbose`, set once from the arguments.
static VERBOSE: AtomicBool = AtomicBool::new(false);

/// Whether `-v/--verbose` was given (any command may read it).
pub(crate) fn verbose() -> bool {
    VERBOSE.load(Ordering::Relaxed)
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print to stdout and succeed; usage errors exit 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { 0 });
        }
    };
    on_interrupt_clean_up();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                // A streaming command (`songngu ascii < big | head`) stops
                // when its reader goes away; that is not an error. Commands
                // with a verdict print through [`Out`], which never fails on
                // a closed stdout, so their exit code is never lost here.
                return ExitCode::SUCCESS;
            }
            if let Some(located @ (songngu::Error::Config { .. } | songngu::Error::Parse { .. })) =
                library_error(&err)
            {
                // Already in the `file:line[:col]: error: message` form.
                eprintln!("{located}");
            } else {
                eprintln!("songngu: error: {err:#}");
            }
            ExitCode::from(exit_code_for(&err))
        }
    }
}

/// Ctrl-C, SIGTERM and SIGHUP: the first removes this process's
/// temporary files ([`songngu::atomic::remove_temporaries`]), says so and
/// exits with [`EXIT_INTERRUPTED`]; a second one while that runs exits at
/// once. Where the handler cannot be installed, the signals keep their
/// default action (the process dies, its temporary files stay).
fn on_interrupt_clean_up() {
    static INTERRUPTED: AtomicBool = AtomicBool::new(false);
    let installed = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(EXIT_INTERRUPTED);
        }
        // On a thread of its own, so that the handler's thread is free to
        // take a second signal.
        let spawned = std::thread::Builder::new()
            .name("interrupted".into())
            .spawn(clean_up_and_exit);
        if spawned.is_err() {
            clean_up_and_exit();
        }
    });
    if let Err(e) = installed {
        eprintln!(
            "songngu: warning: no Ctrl-C handler ({e}): an interrupted run may leave .songngu-*.tmp files"
        );
    }
}

/// What the line an interrupt prints says after `songngu: interrupted; `:
/// what the command leaves and what running it again does. Set for each
/// command before its work ([`interrupt_note`]), refined by a command that
/// learns more (`run` with an engine); empty before that.
static ON_INTERRUPT: Mutex<String> = Mutex::new(String::new());

/// Says what an interrupt from now on leaves (see [`ON_INTERRUPT`]).
pub(crate) fn on_interrupt_say(note: impl Into<String>) {
    *ON_INTERRUPT.lock().unwrap_or_else(PoisonError::into_inner) = note.into();
}

/// `run` offline: the outputs, nothing else.
const INTERRUPTED_RUN: &str = "the outputs already written are complete and no \
     temporary file is left; run the same command again to finish (it writes every output again)";
/// `run` with an engine: the memory keeps what was translated.
pub(crate) const INTERRUPTED_RUN_WITH_MEMORY: &str = "the outputs already written are complete \
     and no temporary file is left; run the same command again to finish (translations already \
     stored in the memory are reused, not sent again)";
/// `run --dry-run`: nothing is written or sent.
const INTERRUPTED_DRY_RUN: &str =
    "a dry run writes nothing and sends nothing; run the same command again for its counts";
/// A command that only reads and prints.
const INTERRUPTED_READING: &str = "the command only reads, and nothing was changed; what it \
     printed so far is only a part; run the same command again for the whole";

/// The [`ON_INTERRUPT`] note of `command`, before its work.
fn interrupt_note(command: &Command) -> String {
    use args::{GlossaryCommand as G, TmCommand as T};
    // A file written whole (atomically), or stdout.
    let written = |what: &str, file: Option<&PathBuf>| match file {
        Some(f) => format!(
            "{} holds either the whole {what} or what it held before, and no temporary file is \
             left; run the same command again to write the {what}",
            f.display()
        ),
        None => format!(
            "the {what} printed so far is cut short, and nothing was changed; run the same \
             command again for the whole {what}"
        ),
    };
    match command {
        Command::Run(args) if args.dry_run => INTERRUPTED_DRY_RUN.into(),
        Command::Run(_) => INTERRUPTED_RUN.into(),
        Command::Ascii(_) => "the ASCII text printed so far is the start of the input's (it may \
             end in the middle of a line), and nothing else was written; run the same command \
             again on the whole input: it starts over from the beginning"
            .into(),
        Command::Slug(_) => "the slugs printed so far are those of the first lines of the \
             input, and nothing else was written; run the same command again on the whole input: \
             it starts over from the first line"
            .into(),
        Command::Qa(_) => "nothing was changed; the findings printed so far are only a part, \
             without the summary or the verdict; run the same command again for all of them"
            .into(),
        Command::Tm(T::Export { output }) => written("TMX export", output.as_ref()),
        Command::Tm(T::Import { .. }) => "the corrections stored before the signal are in the \
             memory, each whole, the others not; run the same command again to import the rest \
             (those already stored are counted as unchanged)"
            .into(),
        Command::Tm(T::Corrections { delete, .. }) if !delete.is_empty() => "the deletion was \
             done whole or not at all (the memory rolls back a change cut short); list the \
             corrections with `songngu tm corrections` to see which"
            .into(),
        Command::Glossary(G::Export { output, .. }) => written("export", output.as_ref()),
        Command::Glossary(G::Import { .. }) => "the glossary file holds either every entry \
             imported or what it held before, and no temporary file is left; run the same command \
             again to import"
            .into(),
        Command::Glossary(G::Fmt { check: false, .. }) => "the files already rewritten are \
             complete, the others unchanged, and no temporary file is left; run the same command \
             again to finish"
            .into(),
        Command::Engines(args) if args.prune_glossaries => "the old glossaries deleted \
             before the signal are gone from the account, the others not yet; run the same \
             command again to delete the rest"
            .into(),
        Command::Tm(_) | Command::Glossary(_) | Command::Engines(_) | Command::Config => {
            INTERRUPTED_READING.into()
        }
    }
}

/// The first signal's work: see [`on_interrupt_clean_up`].
fn clean_up_and_exit() {
    songngu::atomic::remove_temporaries();
    // Start on a clean line when a progress bar is on the terminal.
    let clear = if io::stderr().is_terminal() {
        "\r\x1b[2K"
    } else {
        ""
    };
    let note = ON_INTERRUPT
        .lock()
        .map(|n| n.clone())
        .unwrap_or_else(|p| p.into_inner().clone());
    if note.is_empty() {
        // Before any command's work (its configuration being read).
        eprintln!("{clear}songngu: interrupted before any work; nothing was changed");
    } else {
        eprintln!("{clear}songngu: interrupted; {note}");
    }
    std::process::exit(EXIT_INTERRUPTED);
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    VERBOSE.store(cli.verbose && !cli.quiet, Ordering::Relaxed);
    on_interrupt_say(interrupt_note(&cli.command));
    match cli.command {
        Command::Run(args) => run::run(args, cli.config, cli.quiet),
        Command::Ascii(args) => ascii(&args),
        Command::Slug(args) => slug(&args),
        Command::Glossary(cmd) => glossary::run(cmd, cli.config, cli.quiet, cli.verbose),
        Command::Engines(args) => engines::run(&args, cli.config),
        Command::Qa(args) => qa::run(&args, cli.config, cli.quiet),
        Command::Tm(cmd) => tm::run(cmd, cli.config, cli.quiet),
        Command::Config => {
            let config = load_config(cli.config)?;
            let mut out = io::stdout().lock();
            if let Some(path) = &config.source_file {
                writeln!(out, "# effective configuration; file: {}", path.display())?;
            } else {
                writeln!(out, "# effective configuration; no file, built-in defaults")?;
            }
            out.write_all(config.to_toml().as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub(crate) fn load_config(explicit: Option<PathBuf>) -> songngu::Result<Config> {
    let config = Config::load(&ConfigSource::from_env(explicit))?;
    if verbose() {
        match &config.source_file {
            Some(path) => eprintln!("songngu: config: {}", path.display()),
            None => eprintln!(
                "songngu: config: none found (searched the current folder and its parents); \
                 built-in defaults"
            ),
        }
    }
    Ok(config)
}

/// With `--verbose`, names the glossary files a command uses.
/// Warns (unless `quiet`) when the glossary has no entry for the configured
/// pair: `run` and `qa` would otherwise annotate or check no term, silently.
pub(crate) fn warn_if_empty(
    glossary: &songngu::glossary::Glossary,
    warnings: &[songngu::diagnostic::Diagnostic],
    config: &songngu::config::Config,
    quiet: bool,
) {
    if !glossary.entries.is_empty() || quiet {
        return;
    }
    match warnings.first() {
        Some(w) if warnings.len() == 1 => eprintln!("songngu: {w}"),
        _ => eprintln!(
            "songngu: warning: the glossary has no entries for {} -> {}; terms are not annotated",
            config.languages.source, config.languages.target
        ),
    }
}

pub(crate) fn report_glossary(glossary: &songngu::glossary::Glossary) {
    if !verbose() {
        return;
    }
    if glossary.files.is_empty() {
        eprintln!("songngu: glossary: no file");
    }
    for f in &glossary.files {
        eprintln!(
            "songngu: glossary: {} ({} -> {})",
            f.path.display(),
            f.source_lang,
            f.target_lang
        );
    }
}

fn ascii(args: &AsciiArgs) -> anyhow::Result<ExitCode> {
    let mut out = io::stdout().lock();
    if !args.text.is_empty() {
        let text = args.text.join(" ");
        let line = match args.caption {
            Some(n) => songngu::ascii_caption(&text, n),
            None => songngu::to_ascii(&text),
        };
        writeln!(out, "{line}")?;
        return Ok(ExitCode::SUCCESS);
    }
    // Stream stdin: fixed-size chunks, so memory does not grow with the input.
    let mut input = io::stdin().lock();
    let mut folder = StreamFolder::new(args.lossy);
    let mut buf = vec![0u8; 256 * 1024];
    let mut folded = Vec::with_capacity(buf.len() + 64);
    // Only `ascii` can go on past bad bytes: say so here, not in the
    // library's error, which `run` and the glossary commands print too.
    let bad = |e: songngu::transliterate::InvalidUtf8| {
        anyhow::Error::new(songngu::Error::InvalidUtf8 {
            path: PathBuf::from("<stdin>"),
            offset: e.offset,
        })
        .context("the input is not UTF-8 (`songngu ascii --lossy` replaces bad bytes with `?`)")
    };
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(songngu::Error::io("<stdin>", e).into()),
        };
        folded.clear();
        let fed = folder.feed(&buf[..n], &mut folded);
        // Write what was folded before a bad byte, then report it.
        out.write_all(&folded)?;
        fed.map_err(bad)?;
    }
    folded.clear();
    let finished = folder.finish(&mut folded);
    out.write_all(&folded)?;
    finished.map_err(bad)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn slug(args: &SlugArgs) -> anyhow::Result<ExitCode> {
    let mut out = io::stdout().lock();
    if !args.text.is_empty() {
        writeln!(out, "{}", songngu::slug(&args.text.join(" ")))?;
        return Ok(ExitCode::SUCCESS);
    }
    let input = io::stdin().lock();
    for (i, line) in input.split(b'\n').enumerate() {
        let line = line.map_err(|e| songngu::Error::io("<stdin>", e))?;
        let text = std::str::from_utf8(&line).map_err(|e| {
            anyhow::anyhow!(
                "<stdin>:{}: invalid UTF-8 at byte {} of the line; convert the input to UTF-8",
                i + 1,
                e.valid_up_to()
            )
        })?;
        writeln!(out, "{}", songngu::slug(text))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A library error met while a command prepares its work (collecting the
/// inputs, planning the outputs, opening or reading the memory, reading
/// the file to import): nothing was done, so the command exits 2 whatever
/// the variant ([`exit_code`] decides for errors met while working: the
/// memory failing in the middle of a run is 1). The error stays typed: it
/// shows as the library's error, and [`library_error`] finds it.
#[derive(Debug)]
pub(crate) struct BeforeWork(pub(crate) songngu::Error);

impl std::fmt::Display for BeforeWork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for BeforeWork {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.0)
    }
}

/// The library's error in `err`, if it holds one (itself, under context,
/// or met before the work: [`BeforeWork`]).
fn library_error(err: &anyhow::Error) -> Option<&songngu::Error> {
    err.downcast_ref::<BeforeWork>()
        .map(|b| &b.0)
        .or_else(|| err.downcast_ref())
}

/// The exit code for a library error that ended a command
/// (docs/exit-codes.md): 2 for what stops a command before any work (a bad
/// configuration; input that does not parse or is not UTF-8; a glossary
/// with errors; an unusable engine; a file, folder or memory that does not
/// exist, a write-protected memory of an older schema or one the command must write; outputs that would clash, overwrite an input or leave their
/// folder), 1 for a failure while working (an I/O error, the memory or the
/// matcher failing).
fn exit_code(err: &songngu::Error) -> u8 {
    use songngu::Error as E;
    match err {
        E::Config { .. }
        | E::Parse { .. }
        | E::InvalidUtf8 { .. }
        | E::GlossaryInvalid(_)
        | E::Engine(_)
        | E::NoTm { .. }
        | E::TmOldSchema { .. }
        | E::TmReadOnly { .. }
        | E::OutsideOutput { .. }
        | E::OutputClash { .. }
        | E::OutputNameTooLong { .. }
        | E::OutputIsInput { .. }
        | E::OutputFolderIsFile { .. }
        | E::OutputRecord { .. } => EXIT_USAGE,
        // A missing input file, as every command reports it.
        E::Io { cause, .. } if cause.kind() == io::ErrorKind::NotFound => EXIT_USAGE,
        _ => EXIT_FAILED,
    }
}

/// The exit code for the error that ended a command: [`BeforeWork`] is 2;
/// a library error as [`exit_code`] says; an I/O error of the binary
/// itself (stdout) 1; errors the CLI raised itself are about its input, 2.
fn exit_code_for(err: &anyhow::Error) -> u8 {
    if err.downcast_ref::<BeforeWork>().is_some() {
        return EXIT_USAGE;
    }
    match err.downcast_ref::<songngu::Error>() {
        Some(e) => exit_code(e),
        None if err.downcast_ref::<io::Error>().is_none() => EXIT_USAGE,
        None => EXIT_FAILED,
    }
}

/// Standard output for commands whose exit code is a verdict (`qa`,
/// `glossary check`, `glossary fmt --check`): once the reader has gone
/// (`| head`), further output is dropped instead of failing, so the command
/// finishes its work and exits with its verdict, not with success.
pub(crate) struct Out {
    inner: io::StdoutLock<'static>,
    closed: bool,
}

impl Out {
    pub(crate) fn new() -> Out {
        Out {
            inner: io::stdout().lock(),
            closed: false,
        }
    }
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_library_error_and_whether_work_began() {
        let tm = || songngu::Error::Tm {
            path: "tm.sqlite".into(),
            message: "disk I/O error".into(),
        };
        let io = |kind| songngu::Error::io("a.txt", io::Error::from(kind));
        let code = |e: anyhow::Error| exit_code_for(&e);
        assert_eq!(
            code(songngu::Error::parse("a.jsonl", 3, Some(2), "not a segment").into()),
            EXIT_USAGE
        );
        assert_eq!(code(io(io::ErrorKind::NotFound).into()), EXIT_USAGE);
        // Met while working: the work failed.
        assert_eq!(code(tm().into()), EXIT_FAILED);
        assert_eq!(
            code(io(io::ErrorKind::PermissionDenied).into()),
            EXIT_FAILED
        );
        // Met before it: nothing was done.
        assert_eq!(code(BeforeWork(tm()).into()), EXIT_USAGE);
        // A memory to be made writable first, wherever it is met.
        let old = songngu::Error::TmOldSchema {
            path: "tm.sqlite".into(),
        };
        assert_eq!(code(old.into()), EXIT_USAGE);
        assert_eq!(
            code(BeforeWork(io(io::ErrorKind::PermissionDenied)).into()),
            EXIT_USAGE
        );
        // The binary's own I/O (stdout) and its own complaints.
        assert_eq!(code(io::Error::other("disk full").into()), EXIT_FAILED);
        assert_eq!(code(anyhow::anyhow!("no INPUT given")), EXIT_USAGE);
        // Shown as the library's error, located ones found for printing.
        let located: anyhow::Error =
            BeforeWork(songngu::Error::parse("a.xlf", 3, None, "not well-formed")).into();
        assert_eq!(located.to_string(), "a.xlf:3: error: not well-formed");
        assert!(matches!(
            library_error(&located),
            Some(songngu::Error::Parse { line: 3, .. })
        ));
    }
}
