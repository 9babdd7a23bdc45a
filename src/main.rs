//! The `songngu` command. Everything it does lives in the library; `cli`
//! parses arguments, wires the stages and maps errors to exit codes.

/// `eprintln!` for the whole binary (it shadows std's, textually, in every
/// module below): a closed stderr (`songngu … 2>&1 | head -1`) drops the
/// message instead of panicking with exit 101, so every command keeps its
/// verdict as its exit code.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `eprint!`, as [`eprintln!`].
macro_rules! eprint {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
