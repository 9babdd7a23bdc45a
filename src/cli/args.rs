//! Command-line arguments (clap derive). Help texts are written for users:
//! each command says what it does, and shows examples.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const ABOUT: &str = "Vietnamese news copy to reviewed parallel text";

const LONG_ABOUT: &str = "\
songngu (song ngữ, \"bilingual\") turns Vietnamese news copy into parallel text for review: \
ASCII captions and slugs the way newsrooms write them, official glossary terms, and parallel \
outputs for translators.

Exit codes: 0 success; 1 finished but some items failed; 2 usage, configuration or input \
error (nothing was done).";

const EXAMPLES: &str = "\
Examples:
  songngu run examples/bai-bao-mau.txt
  songngu run articles/ -o out/ --jobs 2
  songngu qa out/
  songngu ascii 'Đảng ủy Công an TW quán triệt'
  songngu ascii < examples/bai-bao-mau.txt > bai-bao-mau.ascii.txt
  songngu ascii --caption 1 'Hội nghị trực tuyến toàn quốc'
  songngu slug 'Đảng ủy Công an TW'
  songngu glossary check
  songngu glossary find examples/bai-bao-mau.txt
  songngu config --config my-config.toml";

/// The `songngu` command line.
#[derive(Debug, Parser)]
#[command(name = "songngu", version, about = ABOUT, long_about = LONG_ABOUT, after_help = EXAMPLES)]
pub struct Cli {
    /// Configuration file (default: $SONGNGU_CONFIG, else the first config.toml with songngu
    /// settings in this folder or a parent, up to the repository root or home; else built-in
    /// defaults).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Say which configuration and glossary files are used, and more detail where a command
    /// has it (`glossary check` lists its notes: terms contained in longer terms).
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// Print nothing on stderr but errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the pipeline over articles and write the parallel outputs.
    #[command(after_help = RUN_EXAMPLES, long_about = RUN_LONG)]
    Run(RunArgs),
    /// Print the ASCII form of TEXT, or stream stdin to stdout.
    #[command(after_help = ASCII_EXAMPLES, long_about = ASCII_LONG)]
    Ascii(AsciiArgs),
    /// Print the URL slug of TEXT (or of each line of stdin).
    #[command(after_help = SLUG_EXAMPLES, long_about = SLUG_LONG)]
    Slug(SlugArgs),
    /// Check, search, import, export and format the glossary.
    #[command(subcommand)]
    Glossary(GlossaryCommand),
    /// List the machine-translation engines, or check the configured one.
    #[command(
        after_help = "Examples:\n  $ songngu engines\n  $ songngu engines --check --engine apertium\n  $ DEEPL_API_KEY=… songngu engines --engine deepl --prune-glossaries"
    )]
    Engines(EnginesArgs),
    /// Check a run's output (its JSONL): terms, numbers, codes, dates, untranslated text.
    #[command(after_help = QA_EXAMPLES, long_about = QA_LONG)]
    Qa(QaArgs),
    /// The translation memory: statistics, TMX export, import of reviewed corrections.
    #[command(subcommand)]
    Tm(TmCommand),
    /// Print the effective configuration as TOML.
    #[command(after_help = CONFIG_EXAMPLES, long_about = CONFIG_LONG)]
    Config,
}

const RUN_LONG: &str = "\
Run the pipeline over articles: read (UTF-8 .txt/.md files, folders searched recursively, or - \
for stdin), segment with Vietnamese-aware rules, strip diacritics, find glossary terms (and \
draft a glossary-only target in `replace` mode), flag suspected misspellings, and write the \
parallel outputs to the output folder: NAME.jsonl, NAME.tsv, NAME.tmx, NAME.xlf, the review page \
NAME.html and \
line-aligned NAME.vi.txt / NAME.en.txt / NAME.ascii.txt. Offline by default; with an engine \
(--engine apertium|libretranslate|deepl|google|openai, or [translate] engine) every segment is translated through \
the translation memory ([tm] path), with the glossary protected or verified per [glossary] modes.

A document that fails (unreadable, not UTF-8) is reported and the others still run; the exit \
code is then 1. A bad configuration or glossary stops before any work, with exit code 2.";

const RUN_EXAMPLES: &str = "\
Examples:
  $ songngu run examples/bai-bao-mau.txt
  $ songngu run articles/ -o out/ --jobs 2 --format jsonl,xliff
  $ cat bai.txt | songngu run - --unit paragraph --quiet
  $ songngu run articles/ --engine apertium --dry-run
  $ songngu run articles/ --engine libretranslate -o out/";

const QA_LONG: &str = "\
Check a run's output: the NAME.jsonl files `songngu run` writes (name files, or a folder: every \
*.jsonl inside, recursively, except *.corrections.jsonl and hidden files and folders, which a \
note names). Each segment's source is matched again \
with the glossary (the configured one, or --glossary), and its target checked: approved term \
missing, forbidden rendering present, suspected misspelling in the source, document codes \
(44-KL/TW), dates (22/1/2019 as 22 January 2019 or January 22, 2019) and numbers (12,5% as \
12.5%) not carried over, no target or only the glossary draft, placeholders left, Vietnamese \
left in the target, and the same source translated differently within the batch.

Prints on stdout one finding per line (`file:line: severity: code: id: message`), then a \
summary by code and severity. With --json, stdout has one JSON object per finding and nothing \
else, and the summary goes to stderr (not printed with --quiet). Exit code 1 when any finding \
is an error, 0 otherwise, 2 when a file cannot be read.";

const QA_EXAMPLES: &str = "\
Examples:
  $ songngu qa out/
  $ songngu qa out/bai-bao-mau.jsonl --json | jq -r .code | sort | uniq -c";

const ASCII_LONG: &str = "\
Print the ASCII form of TEXT: Vietnamese diacritics stripped the way newsrooms write image \
captions (đ/Đ become d/D), typographic punctuation replaced by its ASCII look-alike, other \
scripts transliterated. Every ASCII byte of the input is copied unchanged, line breaks and tabs \
included. NFC, NFD and legacy mark orders give the same output.

With no TEXT, stdin is streamed to stdout in chunks (any size of input, bounded memory). Input \
that is not UTF-8 is an error (exit 2) naming the byte offset, unless --lossy.";

const ASCII_EXAMPLES: &str = "\
Examples:
  $ songngu ascii 'Đảng ủy Công an TW quán triệt'
  Dang uy Cong an TW quan triet
  $ songngu ascii --caption 1 'Đảng ủy Công an TW quán triệt'
  Dang uy Cong an TW quan triet hinh anh 1
  $ songngu ascii < article.txt > article.ascii.txt";

const SLUG_LONG: &str = "\
Print the URL slug of TEXT: its ASCII form in lower case, each run of letters and digits joined \
by a single '-', nothing leading or trailing. Several TEXT arguments are joined by spaces. With \
no TEXT, prints one slug per line of stdin.";

const SLUG_EXAMPLES: &str = "\
Examples:
  $ songngu slug 'Đảng ủy Công an TW'
  dang-uy-cong-an-tw
  $ printf 'Hà Nội\\nTP.HCM\\n' | songngu slug
  ha-noi
  tp-hcm";

const CONFIG_LONG: &str = "\
Print the effective configuration as TOML: built-in defaults, overlaid by the configuration \
file (--config FILE, else $SONGNGU_CONFIG, else the first config.toml holding a songngu table \
found in the current folder or its parents, up to the folder holding .git or the home folder), \
overlaid by the environment \
($SONGNGU_ENGINE). The output is itself a valid configuration file.";

const CONFIG_EXAMPLES: &str = "\
Examples:
  $ songngu config
  $ SONGNGU_ENGINE=apertium songngu config --config config.toml";

/// `songngu qa`
#[derive(Debug, Args)]
pub struct QaArgs {
    /// A run's JSONL files, or folders of them.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,

    /// One JSON object per finding on stdout: file, line, id, code, severity, message.
    #[arg(long)]
    pub json: bool,

    /// Glossary file or folder instead of the configured paths (repeatable).
    #[arg(long, value_name = "PATH")]
    pub glossary: Vec<PathBuf>,

    /// Follow symbolic links to folders when searching PATH folders (each folder is still
    /// visited once).
    #[arg(long)]
    pub follow_links: bool,
}

/// `songngu ascii`
#[derive(Debug, Args)]
pub struct AsciiArgs {
    /// Text to fold; several arguments are joined by spaces. None: read stdin.
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,

    /// Print the CMS image-alt line: the ASCII form followed by ` hinh anh N`.
    #[arg(long, value_name = "N", requires = "text")]
    pub caption: Option<u32>,

    /// Replace invalid UTF-8 on stdin with `?` instead of failing.
    #[arg(long)]
    pub lossy: bool,
}

/// `songngu slug`
#[derive(Debug, Args)]
pub struct SlugArgs {
    /// Text to turn into a slug; several arguments are joined by spaces. None: each line of stdin.
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,
}

/// `songngu glossary …`
#[derive(Debug, Subcommand)]
pub enum GlossaryCommand {
    /// Validate glossary files; errors and warnings as `file:line:col: severity: message`.
    #[command(
        long_about = "Validate glossary files (default: the configured [glossary] paths). Each finding \
                      is printed as `file:line:col: error|warning: message` followed by what to do. \
                      Exit 2 when there is an error; warnings alone exit 0. Terms contained in longer \
                      terms are information, not warnings: the summary counts them and --verbose \
                      lists them as `file:line:col: note: message`.",
        after_help = "Examples:\n  $ songngu glossary check\n  $ songngu glossary check --verbose\n  $ songngu glossary check glossary/vi-en.toml my-terms.toml"
    )]
    Check {
        /// Files or folders to check (default: the configured paths).
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// List the glossary terms found in a text.
    #[command(
        long_about = "List the glossary terms found in FILE (or stdin, `-` or nothing): position, class, \
                      matched text, approved target and entry. Classes: exact, case-variant, \
                      tone-variant (confident: replaced in drafts, protected, checked by verify); \
                      ascii-span (text without diacritics: checked by verify, never replaced or \
                      protected); and the report-only diacritic-mismatch, suspect, partial (part of \
                      a longer name) and unnumbered (a document type without its number), never \
                      replaced, protected or checked.",
        after_help = "Examples:\n  $ songngu glossary find examples/bai-bao-mau.txt\n  $ echo 'Uỷ viên Bộ Chính trị' | songngu glossary find --json"
    )]
    Find {
        /// The text to search; `-` or nothing reads stdin.
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
        /// One JSON object per hit: line, col, start, end, text, entry, target, class.
        #[arg(long)]
        json: bool,
        /// Glossary file or folder (repeatable); replaces the configured paths.
        #[arg(long, value_name = "PATH")]
        glossary: Vec<PathBuf>,
    },
    /// Import a TSV or CSV term list (source, target, note) as TOML.
    #[command(
        long_about = "Import a TSV or CSV term list (columns source, target, note; header optional; \
                      BOM and `#` comment lines tolerated; CSV with RFC 4180 quoting). Without --into \
                      the TOML is printed; with --into it is added to that file (created if missing), \
                      keeping its comments and skipping sources it already has.",
        after_help = "Examples:\n  $ songngu glossary import terms.tsv > glossary/new.toml\n  $ songngu glossary import terms.csv --into glossary/vi-en.toml"
    )]
    Import {
        /// The TSV (`.tsv`, `.txt`) or CSV (`.csv`) file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Glossary file to add the entries to.
        #[arg(long, value_name = "FILE")]
        into: Option<PathBuf>,
    },
    /// Export the glossary as TSV, CSV, TBX-Basic or a DeepL-ready TSV.
    #[command(
        after_help = "Examples:\n  $ songngu glossary export --format tsv > terms.tsv\n  $ songngu glossary export --format deepl -o deepl.tsv\n  $ songngu glossary export --format tbx > terms.tbx"
    )]
    Export {
        /// Output format.
        #[arg(long, value_enum)]
        format: ExportFormatArg,
        /// Write to FILE (atomically) instead of stdout.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Glossary file or folder (repeatable); replaces the configured paths.
        #[arg(long, value_name = "PATH")]
        glossary: Vec<PathBuf>,
    },
    /// Rewrite glossary files in Unicode NFC, keeping comments and order.
    #[command(
        after_help = "Examples:\n  $ songngu glossary fmt\n  $ songngu glossary fmt --check glossary/"
    )]
    Fmt {
        /// Files or folders (default: the configured paths).
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Change nothing; exit 1 if a file would be rewritten.
        #[arg(long)]
        check: bool,
    },
}

/// `--format` of `glossary export`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ExportFormatArg {
    /// source, target, note with a header.
    Tsv,
    /// RFC 4180 CSV with a header.
    Csv,
    /// TBX-Basic XML.
    Tbx,
    /// DeepL glossary TSV (no header; DeepL's rules enforced).
    Deepl,
}

/// `songngu run`
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Articles: files, folders (searched recursively for .txt and .md; hidden entries, the
    /// output folder and an earlier run's txt outputs are skipped, with a note) or - for stdin.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Output folder (default: [output] dir).
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Glossary file or folder (repeatable); replaces the configured paths.
    #[arg(long, value_name = "PATH")]
    pub glossary: Vec<PathBuf>,

    /// Source language (default: [languages] source).
    #[arg(long, value_name = "LANG")]
    pub from: Option<String>,

    /// Target language (default: [languages] target).
    #[arg(long, value_name = "LANG")]
    pub to: Option<String>,

    /// Output formats, comma-separated: jsonl, tsv, tmx, xliff, html, txt (default: [output]
    /// formats).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub format: Vec<String>,

    /// Segment unit (default: [segment] unit).
    #[arg(long, value_enum)]
    pub unit: Option<UnitArg>,

    /// Documents processed in parallel (default: the number of CPUs; with an engine, the
    /// documents go through in chunks and the engine's own concurrency applies).
    #[arg(long, value_name = "N", value_parser = parse_jobs)]
    pub jobs: Option<usize>,

    /// Machine-translation engine: none, apertium, libretranslate, deepl, google, openai (default: [translate] engine,
    /// or $SONGNGU_ENGINE).
    #[arg(long, value_name = "NAME")]
    pub engine: Option<String>,

    /// Print, per engine, the requests and billable characters the run would send after the
    /// translation memory is consulted; send nothing, write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Follow symbolic links to folders when searching INPUT folders (each folder is still
    /// visited once). Without it such links are skipped, with a note.
    #[arg(long)]
    pub follow_links: bool,

    /// Replace outputs changed since songngu wrote them (a translator's or a CAT tool's edits);
    /// each changed file is kept beside its replacement as NAME.edited-YYYYMMDDThhmmssZ.
    /// Without it, a document with such an output fails and none of its files is written.
    #[arg(long)]
    pub overwrite_edited: bool,
}

/// `--jobs N`: a count of at least 1.
fn parse_jobs(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("at least 1 is needed (documents processed in parallel)".into()),
        Ok(n) => Ok(n),
        Err(_) => Err("expected a whole number of at least 1".into()),
    }
}

/// `--unit`
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum UnitArg {
    /// Blank-line separated paragraphs.
    Paragraph,
    /// Sentences (Vietnamese-aware).
    Sentence,
    /// Lines.
    Line,
}

/// `songngu engines`
#[derive(Debug, Args)]
pub struct EnginesArgs {
    /// Probe the engine: does the server answer, does it have the language pair?
    #[arg(long)]
    pub check: bool,
    /// DeepL: delete the account's songngu glossaries made from older versions of the glossary.
    #[arg(long)]
    pub prune_glossaries: bool,
    /// The engine to check (default: the configured one).
    #[arg(long, value_name = "NAME")]
    pub engine: Option<String>,
}

/// `songngu tm …`
#[derive(Debug, Subcommand)]
pub enum TmCommand {
    /// Counts: human corrections, machine translations per engine and language pair.
    Stats,
    /// Write a TMX 1.4 of the human corrections and machine translations (marked by origin).
    #[command(after_help = "Examples:\n  $ songngu tm export -o memory.tmx")]
    Export {
        /// Write to FILE (atomically) instead of stdout.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Store reviewed corrections: the JSONL or TSV that `run` writes, edited, or XLIFF 1.2
    /// with edited targets. They outrank machine output on the next run.
    #[command(
        long_about = "Store reviewed corrections from FILE (.jsonl or .tsv as `songngu run` writes them, \
                      edited; or .xlf XLIFF 1.2 with edited targets). A pair is imported when the file \
                      marks it reviewed (origin `human`; XLIFF state translated/final/signed-off or \
                      approved=\"yes\") or when its target is neither what an engine produced nor \
                      the glossary-only draft. Each is stored for the language pair the file states \
                      (XLIFF: each <file>'s; the review page's export: each line's), else the \
                      configured one; --from/--to set it. The next run uses it with origin `human`.",
        after_help = "Examples:\n  $ songngu tm import out/bai.jsonl\n  $ songngu tm import reviewed/bai.xlf\n  $ songngu tm import out-fr/bai.tsv --to fr"
    )]
    Import {
        /// The corrections file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Source language of the corrections (BCP 47); overrides the file's and the config's.
        #[arg(long, value_name = "LANG")]
        from: Option<String>,
        /// Target language of the corrections (BCP 47); overrides the file's and the config's.
        #[arg(long, value_name = "LANG")]
        to: Option<String>,
    },
    /// List the stored human corrections (id, time, document, file:line, source, target), or
    /// delete some by id.
    #[command(
        after_help = "Examples:\n  $ songngu tm corrections --doc bai --since 2026-11-01\n  $ songngu tm corrections --delete 12 13"
    )]
    Corrections {
        /// Only the corrections of document D (the imported file's name without extensions).
        #[arg(long, value_name = "D")]
        doc: Option<String>,
        /// Only those stored at or after DATE (UTC): YYYY-MM-DD or "YYYY-MM-DD HH:MM[:SS]".
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Delete the corrections with these ids (all or none).
        #[arg(long, value_name = "ID", num_args = 1.., conflicts_with_all = ["doc", "since"])]
        delete: Vec<i64>,
    },
}
