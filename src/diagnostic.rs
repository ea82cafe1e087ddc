//! Problems found in a file, and the errors the library returns.
//!
//! A [`Diagnostic`] is one problem at one place in one file, worded so that the message alone
//! tells the reader what to change. Loading collects every problem it can find before it
//! fails, so a person fixes a file in one pass instead of one error per run.

use std::fmt;
use std::io;

/// One problem in a file: where it is, and a message that says what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as the user named it (or `<embedded bank>`).
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: u64,
    /// 1-based column; 0 when unknown.
    pub column: u64,
    /// A stable kebab-case name for the kind of problem, for tests and scripts.
    pub code: &'static str,
    /// What is wrong and how to fix it, in one sentence or two. Already safe to print.
    pub message: String,
}

impl Diagnostic {
    /// A problem at a line and column of `file`.
    pub fn new(file: &str, pos: Pos, code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.to_string(),
            line: pos.line,
            column: pos.column,
            code,
            message: crate::sanitize::terminal_line(&message.into()).into_owned(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = crate::sanitize::terminal_line(&self.file);
        match (self.line, self.column) {
            (0, _) => write!(f, "{file}: {}", self.message),
            (line, 0) => write!(f, "{file}:{line}: {}", self.message),
            (line, column) => write!(f, "{file}:{line}:{column}: {}", self.message),
        }
    }
}

impl std::error::Error for Diagnostic {}

/// A position in a file (1-based). `Pos::default()` means "the whole file".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// 1-based line, 0 if unknown.
    pub line: u64,
    /// 1-based column, 0 if unknown.
    pub column: u64,
}

/// Why a bank or an answers file could not be used. The binary maps every variant to exit
/// code 2.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be opened or read.
    #[error("{}: {}", crate::sanitize::terminal_line(path), describe_io(cause))]
    Read {
        /// The path as given.
        path: String,
        /// What the operating system said (already described in the message, so not a
        /// `source`: printing the chain would say it twice).
        cause: io::Error,
    },
    /// The file is larger than [`crate::limits::MAX_INPUT_BYTES`].
    #[error(
        "{}: the file is larger than the limit of {limit} bytes; is it the right file?",
        crate::sanitize::terminal_line(path)
    )]
    TooLarge {
        /// The path as given.
        path: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// The file was read but is not valid: every problem found, in file order.
    #[error("{}", join_lines(diagnostics))]
    Invalid {
        /// At least one problem.
        diagnostics: Vec<Diagnostic>,
    },
}

impl LoadError {
    /// The problems with locations, when the file was read but is invalid.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            LoadError::Invalid { diagnostics } => diagnostics,
            _ => &[],
        }
    }
}

/// At most this many problems are shown; a file with thousands of bad lines gets a readable
/// message, not a flood (the count of the rest is given).
pub const SHOWN_PROBLEMS: usize = 50;

fn join_lines(diagnostics: &[Diagnostic]) -> String {
    let mut lines: Vec<String> = diagnostics
        .iter()
        .take(SHOWN_PROBLEMS)
        .map(ToString::to_string)
        .collect();
    if diagnostics.len() > SHOWN_PROBLEMS {
        let file = crate::sanitize::terminal_line(&diagnostics[0].file).into_owned();
        lines.push(format!(
            "{file}: and {} more problem(s) like these",
            diagnostics.len() - SHOWN_PROBLEMS
        ));
    }
    lines.join("\n")
}

/// Plain words for the common operating-system errors, with what to do about them.
pub fn describe_io(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file or folder; check the path".to_string(),
        io::ErrorKind::PermissionDenied => {
            "permission denied; check the file's permissions or choose another path".to_string()
        }
        io::ErrorKind::IsADirectory => "this is a folder, not a file".to_string(),
        io::ErrorKind::AlreadyExists => {
            "the file already exists and was left as it is; choose another name or remove it first"
                .to_string()
        }
        io::ErrorKind::StorageFull => "the disk is full; free some space and retry".to_string(),
        io::ErrorKind::ReadOnlyFilesystem => {
            "the file system is read-only; choose another path".to_string()
        }
        _ => crate::sanitize::terminal_line(&err.to_string()).into_owned(),
    }
}

/// Why an output file could not be written. The previous version of the file, if any, is
/// left untouched.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot write {}: {}",
    crate::sanitize::terminal_line(path),
    describe_io(cause)
)]
pub struct WriteError {
    /// The path as given.
    pub path: String,
    /// What the operating system said (described in the message).
    pub cause: io::Error,
}
