//! One file per command; this one dispatches and holds what they share.

mod ask_msp;
mod bank;
mod check;
mod diff;
mod interview;
mod report;
mod template;

use std::io::Write;
use std::path::Path;

use msp_risk::answers::{self, AnswersFile};
use msp_risk::bank::Bank;

use crate::cli::{Cli, Command};
use crate::Exit;

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> anyhow::Result<Exit> {
    match &cli.command {
        Command::Interview(args) => interview::run(&cli, args),
        Command::Report(args) => report::run(&cli, args),
        Command::Check(args) => check::run(&cli, args),
        Command::Template(args) => template::run(&cli, args),
        Command::Diff(args) => diff::run(&cli, args),
        Command::AskMsp(args) => ask_msp::run(&cli, args),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut cmd, "msp-risk", &mut out);
            emit(&String::from_utf8_lossy(&out), None)?;
            Ok(Exit::Success)
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut out)?;
            emit(&String::from_utf8_lossy(&out), None)?;
            Ok(Exit::Success)
        }
        Command::ParseFloor { files } => {
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            let parsed = msp_risk::batch::parse_floor(files, threads);
            eprintln!("{parsed} file(s) parsed");
            Ok(Exit::Success)
        }
        Command::Schema { kind } => {
            let schema = match kind {
                crate::cli::SchemaKind::Answers => {
                    msp_risk::schemas::answers(&crate::settings::load_bank(&cli)?)
                }
                crate::cli::SchemaKind::Bank => msp_risk::schemas::bank(),
                crate::cli::SchemaKind::Report => msp_risk::report::json_schema(),
            };
            emit(&(serde_json::to_string_pretty(&schema)? + "\n"), None)?;
            Ok(Exit::Success)
        }
        Command::Bank(cmd) => bank::run(&cli, cmd),
    }
}

/// Reads and checks one answers file against the bank.
pub fn load_answers(file: &str, bank: &Bank) -> anyhow::Result<AnswersFile> {
    let bytes = msp_risk::fsio::read_limited(file)?;
    Ok(answers::load(&bytes, file, bank)?)
}

/// Loads every answers file (folders expanded), reporting each invalid one on standard error
/// and going on with the others. Returns the good ones, and each input that could not be
/// used with a short reason (the full problem was printed).
pub fn load_all(args: &[String], bank: &Bank) -> (Vec<AnswersFile>, Vec<(String, String)>) {
    let (inputs, mut invalid) = msp_risk::batch::expand(args);
    for (arg, why) in &invalid {
        eprintln!("error: {}: {why}", msp_risk::sanitize::terminal_line(arg));
    }
    let mut good = Vec::new();
    for input in inputs {
        match load_answers(&input.path, bank) {
            Ok(a) => good.push(a),
            Err(e) => {
                crate::print_error(&e);
                invalid.push((
                    input.path,
                    "cannot be checked (see the error above)".to_string(),
                ));
            }
        }
    }
    (good, invalid)
}

/// Writes text to standard output, or atomically to `output` (replacing it).
pub fn emit(text: &str, output: Option<&Path>) -> anyhow::Result<()> {
    match output {
        Some(path) => Ok(msp_risk::fsio::write_atomic(path, text.as_bytes())?),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
            Ok(())
        }
    }
}

/// Writes text to standard output, or to a new file `output` (never replacing one).
pub fn emit_new(text: &str, output: Option<&Path>) -> anyhow::Result<()> {
    match output {
        Some(path) => Ok(msp_risk::fsio::write_new(path, text.as_bytes())?),
        None => emit(text, None),
    }
}
