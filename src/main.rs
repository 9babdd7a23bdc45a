//! The `songngu` command. Everything it does lives in the library; `cli`
//! parses arguments, wires the stages and maps errors to exit codes.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
