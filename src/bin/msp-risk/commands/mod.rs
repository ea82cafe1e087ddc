//! One file per command; this one dispatches and holds what they share.

mod ask_msp;
mod bank;
mod check;
mod diff;
mod import_reply;
mod interview;
mod report;
mod template;

use std::io::Write;
use std::path::{Path, PathBuf};

use msp_risk::sanitize::terminal_line;

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
        Command::ImportReply(args) => import_reply::run(&cli, args),
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
            // A custom bank's text lands in the answers schema: no control or bidi character
            // passes through.
            emit(&msp_risk::render::safe_json(&schema)?, None)?;
            Ok(Exit::Success)
        }
        Command::Bank(cmd) => bank::run(&cli, cmd),
    }
}

/// Reads and checks one answers file against the bank.
pub fn load_answers(path: &Path, bank: &Bank) -> anyhow::Result<AnswersFile> {
    msp_risk::guard::protect(path);
    let bytes = msp_risk::fsio::read_limited(path)?;
    Ok(answers::load(&bytes, &path.display().to_string(), bank)?)
}

/// Streams every answers file named (folders expanded, in order) to `each`, one at a time
/// so any number fits in memory. Invalid files and what the walk met (an unreadable
/// folder, a FIFO) are printed on standard error as they come and returned with a short
/// reason; `each` sees only good files.
pub fn for_each_answers(
    args: &[PathBuf],
    bank: &Bank,
    each: &mut dyn FnMut(AnswersFile) -> anyhow::Result<()>,
) -> anyhow::Result<Vec<(String, String)>> {
    let invalid = std::cell::RefCell::new(Vec::new());
    let mut failed = None;
    msp_risk::batch::for_each_input_unnamed(
        args,
        &mut |p| {
            eprintln!(
                "{}: {}: {}",
                if p.is_error { "error" } else { "note" },
                terminal_line(&p.path),
                p.why
            );
            if p.is_error {
                invalid.borrow_mut().push((p.path, p.why));
            }
        },
        &mut |input| {
            if failed.is_some() {
                return;
            }
            // An unreadable or invalid file: its error, and the file counted as invalid.
            let reject = |shown: String, e: msp_risk::diagnostic::LoadError| {
                crate::print_error(&e.into());
                invalid
                    .borrow_mut()
                    .push((shown, "cannot be used (see the error above)".to_string()));
            };
            let bytes = match input.read() {
                Ok(b) => b,
                Err(e) => return reject(input.shown, e),
            };
            match answers::load(&bytes, &input.shown, bank) {
                Ok(a) => {
                    if let Err(e) = each(a) {
                        failed = Some(e);
                    }
                }
                // A file found in a folder that is not an answers file (an earlier JSON or
                // CSV report) is noted and skipped, not an error.
                Err(e) => match msp_risk::batch::not_answers_note(&input.shown, &bytes)
                    .filter(|_| input.walked)
                {
                    Some(note) => eprintln!("note: {}: {note}", terminal_line(&input.shown)),
                    None => reject(input.shown, e),
                },
            }
        },
    );
    match failed {
        Some(e) => Err(e),
        None => Ok(invalid.into_inner()),
    }
}

/// Marks every file the arguments name or hold as an input no output may replace, and
/// counts them.
pub fn protect_inputs(args: &[PathBuf]) -> usize {
    let mut count = 0;
    msp_risk::batch::for_each_input_unnamed(args, &mut |_| {}, &mut |input| {
        msp_risk::guard::protect(&input.path);
        count += 1;
    });
    count
}

/// Where `--output` sends text: standard output for `-` and `/dev/stdout`, else a file.
pub fn target(path: Option<&Path>) -> Option<&Path> {
    path.filter(|p| !msp_risk::guard::is_stdout(p))
}

/// Writes text to standard output, or atomically to `output` (replacing it, unless it is
/// an input, a device or a symlink).
pub fn emit(text: &str, output: Option<&Path>) -> anyhow::Result<()> {
    match target(output) {
        Some(path) => Ok(msp_risk::fsio::write_atomic(path, text.as_bytes())?),
        None => {
            if msp_risk::guard::stdout_is_an_input() {
                anyhow::bail!("{}", msp_risk::guard::STDOUT_IS_AN_INPUT);
            }
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                // The reader went away (`| head`): nothing more to show, but the command's
                // verdict (a failed gate: exit 1) must stand, so this is not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => Ok(other?),
            }
        }
    }
}

/// Writes text to standard output, or to a new file `output` (never replacing one).
pub fn emit_new(text: &str, output: Option<&Path>) -> anyhow::Result<()> {
    match target(output) {
        Some(path) => Ok(msp_risk::fsio::write_new(path, text.as_bytes())?),
        None => emit(text, None),
    }
}
