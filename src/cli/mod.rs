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

use std::io::{self, BufRead, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Parser;
use songngu::config::{Config, ConfigSource};
use songngu::transliterate::StreamFolder;

use args::{AsciiArgs, Cli, Command, SlugArgs};

/// Exit code: usage, configuration or input error before any work.
const EXIT_USAGE: u8 = 2;
/// Exit code: the work finished but some items failed.
const EXIT_FAILED: u8 = 1;

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
            if let Some(located @ songngu::Error::Config { .. }) = err.downcast_ref() {
                // Already in the `file:line:col: error: message` form.
                eprintln!("{located}");
            } else {
                eprintln!("songngu: error: {err:#}");
            }
            ExitCode::from(exit_code_for(&err))
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    VERBOSE.store(cli.verbose && !cli.quiet, Ordering::Relaxed);
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

fn exit_code_for(err: &anyhow::Error) -> u8 {
    match err.downcast_ref::<songngu::Error>() {
        Some(
            songngu::Error::Config { .. }
            | songngu::Error::InvalidUtf8 { .. }
            | songngu::Error::GlossaryInvalid(_)
            | songngu::Error::Engine(_),
        ) => EXIT_USAGE,
        // A missing input file, as every command reports it.
        Some(songngu::Error::Io { cause, .. }) if cause.kind() == io::ErrorKind::NotFound => {
            EXIT_USAGE
        }
        Some(_) => EXIT_FAILED,
        // Errors raised by the CLI itself are about its input.
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
