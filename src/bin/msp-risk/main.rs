//! The `msp-risk` binary: parses the command line, runs one command, and turns the outcome
//! into an exit code. All terminal decisions (colour, width, today's date) are made here
//! and in `settings.rs`; the library never sees clap or the terminal.

mod cli;
mod commands;
mod prompter;
mod settings;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// The exit codes, documented in `--help` and the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: success; for `check`, the gate passed.
    Success,
    /// 1: `check` found what the gate forbids.
    GateFailed,
    /// 2: an error (bad usage, invalid or unreadable input, an output that cannot be written).
    Error,
    /// 130: interrupted (Ctrl-C or Esc in the interview); answers so far are saved.
    Interrupted,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(match e {
            Exit::Success => 0,
            Exit::GateFailed => 1,
            Exit::Error => 2,
            Exit::Interrupted => 130,
        })
    }
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(exit) => exit.into(),
        Err(err) => {
            // A closed pipe (`msp-risk report x | head`) is not an error worth a message.
            if err.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            print_error(&err);
            Exit::Error.into()
        }
    }
}

/// Prints an error and its causes, one `error:` line per line of text, with every piece of
/// text made safe for the terminal (messages can echo content from files).
pub fn print_error(err: &anyhow::Error) {
    let mut stderr = std::io::stderr().lock();
    let mut seen: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string();
        // thiserror sources repeat their message in the chain; print each text once.
        if seen.iter().any(|s| s.contains(&text)) {
            continue;
        }
        for line in text.lines() {
            let line = msp_risk::sanitize::terminal_line(line);
            // Indented lines continue the message above them (hints, fixes).
            if line.starts_with(' ') {
                let _ = writeln!(stderr, "{line}");
            } else {
                let _ = writeln!(stderr, "error: {line}");
            }
        }
        seen.push(text);
    }
}
