//! Long output to a terminal goes through a pager, the way git does it: spawn `$PAGER` and
//! write to its standard input. A pager crate was weighed: `pager` forks at start-up (Unix
//! only, before we know whether the output is long), `minus` is a whole pager in the process
//! (a second UI to maintain); spawning the user's pager is a few lines and honours their
//! choice.
//!
//! The rules: only when standard output is a terminal and `--no-pager` is not given; only
//! once the output is longer than the screen (shorter output is printed as it is); the pager
//! is `$MSP_RISK_PAGER`, else `$PAGER`, else `less -FRX` (none when it is empty or `cat`,
//! or when `TERM=dumb` and none is named). If the pager cannot start (not installed, the
//! shell cannot find it), the output is printed directly: never lost, never waited on.

use std::io::{IsTerminal, Write};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set while a pager has the terminal: Ctrl-C is then the pager's (less ignores it), and
/// this process waits for the pager instead of leaving it on a terminal the shell took back.
pub static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Exit codes of a shell that could not run the pager (126: not executable, 127: not found).
const NOT_STARTED: [i32; 2] = [126, 127];

/// Standard output, through a pager once it is longer than the screen.
pub struct Stdout {
    state: State,
}

enum State {
    /// Printing as it comes (not a terminal, or paging is off).
    Direct,
    /// Holding the output until it is longer than `rows` lines (of `cols` columns).
    Holding {
        text: String,
        lines: usize,
        rows: usize,
        cols: usize,
    },
    /// Writing to the pager; `sent` keeps what it was given in case it turns out not to
    /// have started.
    Paging { child: Child, sent: String },
    /// The reader went away (the pager quit, or `| head`): the rest is not shown.
    Closed,
}

impl Stdout {
    /// Standard output for this run: paged when it is a terminal and `no_pager` is false.
    pub fn new(no_pager: bool) -> Stdout {
        let state = if no_pager || !std::io::stdout().is_terminal() || command().is_none() {
            State::Direct
        } else {
            let (rows, cols) = screen();
            State::Holding {
                text: String::new(),
                lines: 0,
                rows,
                cols,
            }
        };
        Stdout { state }
    }

    /// Writes `text`; a reader that went away is not an error (the rest is dropped).
    pub fn write(&mut self, text: &str) -> std::io::Result<()> {
        match &mut self.state {
            State::Direct => {
                if direct(text)? {
                    self.state = State::Closed;
                }
            }
            State::Holding {
                text: held,
                lines,
                rows,
                cols,
            } => {
                held.push_str(text);
                *lines += screen_lines(text, *cols);
                // The last row is the pager's prompt (or the shell's, after it).
                if *lines >= *rows {
                    let held = std::mem::take(held);
                    self.state = match spawn() {
                        Some(child) => State::Paging {
                            child,
                            sent: String::new(),
                        },
                        None => State::Direct,
                    };
                    return self.write(&held);
                }
            }
            State::Paging { child, sent } => {
                sent.push_str(text);
                let Some(stdin) = child.stdin.as_mut() else {
                    return Ok(());
                };
                if let Err(e) = stdin.write_all(text.as_bytes()) {
                    if e.kind() != std::io::ErrorKind::BrokenPipe {
                        return Err(e);
                    }
                    // The pager is gone: quit by the reader, or never started.
                    let sent = std::mem::take(sent);
                    let started = wait(child);
                    // Quit by the reader: the rest is not wanted. Never started: print
                    // everything here instead.
                    let gone = started || direct(&sent)?;
                    self.state = if gone { State::Closed } else { State::Direct };
                }
            }
            State::Closed => {}
        }
        Ok(())
    }

    /// Prints what is held, or closes the pager's input and waits for the reader to quit.
    pub fn finish(&mut self) -> std::io::Result<()> {
        match std::mem::replace(&mut self.state, State::Closed) {
            State::Holding { text, .. } => {
                direct(&text)?;
            }
            State::Paging { mut child, sent } => {
                drop(child.stdin.take());
                if !wait(&mut child) {
                    direct(&sent)?;
                }
            }
            State::Direct | State::Closed => {}
        }
        Ok(())
    }
}

impl Drop for Stdout {
    /// An early return (an error) still shows what was written and waits for the pager.
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

/// Prints `text` (through the pager when it is long): for output made in one piece.
pub fn page(no_pager: bool, text: &str) -> std::io::Result<()> {
    let mut out = Stdout::new(no_pager);
    out.write(text)?;
    out.finish()
}

/// Writes to standard output; `Ok(true)` when the reader went away.
fn direct(text: &str) -> std::io::Result<bool> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(false),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(true),
        Err(e) => Err(e),
    }
}

/// Waits for the pager; whether it ran (a shell that could not find it exits 126 or 127).
fn wait(child: &mut Child) -> bool {
    let status = child.wait();
    ACTIVE.store(false, Ordering::SeqCst);
    match status {
        Ok(s) => !s.code().is_some_and(|c| NOT_STARTED.contains(&c)),
        Err(_) => true,
    }
}

/// The pager's command line, or `None` for no pager.
fn command() -> Option<String> {
    let named = ["MSP_RISK_PAGER", "PAGER"]
        .iter()
        .find_map(|v| std::env::var(v).ok());
    let pager = match named {
        Some(p) => p,
        None if std::env::var("TERM").is_ok_and(|t| t == "dumb") => return None,
        // less shows only ":" when it waits; say how to go on and how to leave.
        None => "less -FRX '-Ps(Space: more, q: quit) '".to_string(),
    };
    let pager = pager.trim().to_string();
    (!pager.is_empty() && pager != "cat").then_some(pager)
}

/// Starts the pager, or `None` when it cannot start. A command with shell syntax (quotes,
/// `$`, `|`...) runs through `sh -c`, as git does; a plain one is started directly, so a
/// missing program is known at once.
fn spawn() -> Option<Child> {
    let line = command()?;
    let shell_syntax = line.contains(|c: char| "|&;<>()$`\\\"'*?[#~=%".contains(c));
    let mut cmd = if shell_syntax && cfg!(unix) {
        let mut c = Command::new("sh");
        c.arg("-c").arg(&line);
        c
    } else {
        let mut words = line.split_whitespace();
        let mut c = Command::new(words.next()?);
        c.args(words);
        c
    };
    // As git does: `less` keeps colours and quits on one screen; `lv` shows colours.
    if std::env::var_os("LESS").is_none() {
        cmd.env("LESS", "FRX");
    }
    if std::env::var_os("LV").is_none() {
        cmd.env("LV", "-c");
    }
    let child = cmd.stdin(Stdio::piped()).spawn().ok()?;
    ACTIVE.store(true, Ordering::SeqCst);
    Some(child)
}

/// The terminal's rows and columns: asked of the terminal, else `$LINES` and `$COLUMNS`,
/// else 24 by 80.
fn screen() -> (usize, usize) {
    let env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .filter(|n| *n > 0)
            .unwrap_or(default)
    };
    match console::Term::stdout().size_checked() {
        Some((rows, cols)) if rows > 0 && cols > 0 => (usize::from(rows), usize::from(cols)),
        _ => (env("LINES", 24), env("COLUMNS", 80)),
    }
}

/// How many rows `text` takes on a screen `cols` wide (long lines fold).
fn screen_lines(text: &str, cols: usize) -> usize {
    text.lines()
        .map(|l| console::measure_text_width(l).div_ceil(cols.max(1)).max(1))
        .sum()
}
