//! The `msp-risk` binary: parses the command line, runs one command, and turns the outcome
//! into an exit code. All terminal decisions (colour, width, today's date) are made here
//! and in `settings.rs`; the library never sees clap or the terminal.

// The standard printing macros panic when standard output or error is closed (a reader that
// went away, `2>&-`): a finished run would then end as a crash, its exit code lost. These
// shadow them for the whole binary and ignore such errors instead.
#[allow(unused_macros)] // kept so that a `println!` added later cannot panic either
macro_rules! println {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}
macro_rules! print {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($t)*);
    }};
}
macro_rules! eprintln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}
macro_rules! eprint {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($t)*);
    }};
}

mod cli;
mod commands;
mod pager;
mod prompter;
mod settings;

use std::io::Write;
use std::process::ExitCode;

/// The exit codes, documented in `--help` and the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: success; for `check`, the gate passed.
    Success,
    /// 1: `check` found what the gate forbids.
    GateFailed,
    /// 2: an error (bad usage, invalid or unreadable input, an output that cannot be written).
    Error,
    // 130 (stopped by Esc, Ctrl-C or SIGTERM) is set where the stop is handled: the
    // interview's `stop_now`, or the signal handler in `main`; both exit at once.
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(match e {
            Exit::Success => 0,
            Exit::GateFailed => 1,
            Exit::Error => 2,
        })
    }
}

/// `--version`: the tool's version and the embedded bank it carries.
fn long_version() -> &'static str {
    let bank = msp_risk::bank::builtin()
        .map(|b| b.reference())
        .unwrap_or_else(|_| "an invalid embedded bank".to_string());
    Box::leak(format!("{} (questionnaire {bank})", env!("CARGO_PKG_VERSION")).into_boxed_str())
}

fn main() -> ExitCode {
    // Arguments are OS strings: a file name need not be UTF-8.
    let wants_version = std::env::args_os()
        .skip(1)
        .any(|a| a == "--version" || a == "-V");
    let mut command = <cli::Cli as clap::CommandFactory>::command();
    if wants_version {
        // Parsing the embedded bank costs a few milliseconds: only when asked.
        command = command.version(long_version());
    }
    let cli = match command
        .try_get_matches()
        .and_then(|m| <cli::Cli as clap::FromArgMatches>::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => {
            // clap echoes what was typed (a file name can hold escape sequences): the
            // message is made safe for the terminal before it is printed.
            let text = e.render().to_string();
            let text = msp_risk::sanitize::terminal_text(&text);
            if e.use_stderr() {
                eprint!("{text}");
            } else {
                print!("{text}");
            }
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    if !matches!(cli.command, cli::Command::Interview(_)) {
        // Ctrl-C or SIGTERM while files are being written: remove the temporary files of
        // unfinished writes (finished ones are whole), then stop. The interview has its own.
        let _ = ctrlc::set_handler(|| {
            if pager::ACTIVE.load(std::sync::atomic::Ordering::SeqCst) {
                // The pager has the terminal and handles Ctrl-C itself (less stops a search);
                // leaving now would hand the shell a terminal the pager still draws on.
                return;
            }
            msp_risk::fsio::abandon_writes();
            let _ = writeln!(std::io::stderr(), "\nStopped; no partial file was left.");
            std::process::exit(130);
        });
    }
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
