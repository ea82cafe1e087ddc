//! Many answers files at once: finding them, scoring them on every core, writing each
//! client's reports and one portfolio summary.
//!
//! Output never depends on scheduling: files are numbered in input order (directories walked
//! in sorted order), and everything is sorted by that number before it is written. Each
//! worker holds one client at a time; per file the run keeps only its path and a 32-byte sort
//! record (summary lines go to a temporary file), about 100 bytes in all (see BENCHMARKS.md).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use chrono::NaiveDate;

use crate::answers;
use crate::bank::Bank;
use crate::diagnostic::{LoadError, WriteError};
use crate::fsio;
use crate::portfolio::{self, PortfolioRow};
use crate::render::{Format, RenderOptions};
use crate::scoring::score;

mod sorted;
mod walk;

pub use sorted::RankedLines;
pub(crate) use walk::clash_key;
pub use walk::{for_each_input, for_each_input_unnamed, Input, Problem};

/// The file extension each format gets in an output folder.
pub fn extension(format: Format) -> &'static str {
    match format {
        Format::Table => "txt",
        Format::Json => "json",
        Format::Markdown => "md",
        Format::Html => "html",
        Format::Csv => "csv",
        Format::Junit => "junit.xml",
        Format::Sarif => "sarif",
        Format::Oscal => "oscal.json",
    }
}

/// What a batch run needs.
pub struct BatchOptions<'a> {
    /// The bank every file is scored with.
    pub bank: &'a Bank,
    /// The evaluation date.
    pub today: NaiveDate,
    /// Per-client formats to write.
    pub formats: Vec<Format>,
    /// Options for the renderers.
    pub render: RenderOptions,
    /// Where the outputs go.
    pub out_dir: &'a Path,
    /// Worker threads.
    pub threads: usize,
    /// How many of the worst clients to keep for the summary table.
    pub keep_worst: usize,
}

/// What a batch run did.
#[derive(Debug, Default)]
pub struct Summary {
    /// Files scored.
    pub scored: usize,
    /// Files that could not be used or whose reports could not be written: (file, first
    /// problem).
    pub invalid: Vec<(String, String)>,
    /// The worst clients, worst first.
    pub worst: Vec<PortfolioRow>,
    /// Where the portfolio summary was written.
    pub portfolio_csv: PathBuf,
    /// How many files were written, summary included.
    pub files_written: usize,
    /// What the walk met that is not an answers file (a folder it cannot read, a FIFO, a
    /// symlinked folder skipped).
    pub problems: Vec<Problem>,
    /// Temporary files left in the output folder by a run that was killed, now removed.
    pub stale_removed: usize,
    /// Why `portfolio.csv` could not be written, if it could not.
    pub portfolio_error: Option<WriteError>,
}

struct Shared {
    /// Summary lines as they come, in any order; sorted into portfolio.csv at the end.
    lines: RankedLines,
    worst: Vec<(u64, usize, PortfolioRow)>,
    invalid: Vec<(usize, String, String)>,
    written: usize,
    /// An error that ends the run (a full disk, a failing temporary file).
    error: Option<WriteError>,
    /// JSON files found in folders that are not answers files (earlier reports): noted.
    skipped: Vec<(usize, Problem)>,
}

type Feed = std::sync::mpsc::Receiver<(usize, Input)>;

/// The walk: numbers the inputs in order and hands them to the workers as it finds them
/// (the channel is bounded, so a huge folder is never listed ahead in memory). Stops early
/// when `stop` is set. Returns what the walk met on the way.
fn produce(
    args: &[PathBuf],
    tx: std::sync::mpsc::SyncSender<(usize, Input)>,
    stop: &AtomicBool,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut index = 0;
    for_each_input(args, &mut |p| problems.push(p), &mut |input| {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        // The workers drain the channel until it closes, so this never waits for ever.
        let _ = tx.send((index, input));
        index += 1;
    });
    problems
}

/// A `*.json` file whose top level is not an object with a `bank` key: found in a folder, it
/// is some other JSON (an earlier report), not a broken answers file.
fn is_other_json(name: &str, bytes: &[u8]) -> bool {
    name.to_ascii_lowercase().ends_with(".json")
        && !serde_json::from_slice::<serde_json::Value>(bytes)
            .is_ok_and(|v| v.get("bank").is_some())
}

/// Why a file found in a folder is skipped rather than reported as a broken answers file:
/// some other JSON, a CSV table without the `id` and `answer` columns (a CSV report), or a
/// reply form for the MSP.
pub fn not_answers_note(name: &str, bytes: &[u8]) -> Option<&'static str> {
    if is_other_json(name, bytes) {
        Some("a JSON file that is not an answers file (no `bank` key), skipped")
    } else if crate::answers::sheet::is_other_csv(name, bytes) {
        Some("a CSV file that is not an answers file (no `id` and `answer` columns), skipped")
    } else if crate::reply::is_reply_form(name, bytes) {
        Some("a reply form for the MSP, not an answers file (merge it with `msp-risk import-reply`), skipped")
    } else {
        None
    }
}

/// Whether a write error ends the whole run rather than one client: the disk or the file
/// system, not the name of one client's file.
fn is_fatal(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        StorageFull | ReadOnlyFilesystem | QuotaExceeded | Interrupted
    )
}

/// Scores every input (files, folders, `-`) on `threads` workers, writes each client's
/// outputs and `portfolio.csv` into the output folder, and calls `progress` after each file.
///
/// The folder is locked for the run (a second run into it is refused), stale temporary
/// files of a killed run are removed, and no output may replace an input. A client whose
/// file is invalid or whose report cannot be written is reported and the run goes on; a
/// full disk ends it at once.
pub fn run(
    args: &[PathBuf],
    opts: &BatchOptions<'_>,
    progress: &(dyn Fn() + Sync),
) -> Result<Summary, WriteError> {
    let write_err = fsio::temp_error;
    let _lock = fsio::lock_folder(opts.out_dir)?.ok_or_else(|| WriteError {
        path: opts.out_dir.display().to_string(),
        cause: std::io::Error::new(
            std::io::ErrorKind::WouldBlock,
            "another msp-risk run is writing into this folder; wait for it to finish or \
             choose another --output-dir",
        ),
    })?;
    let stale_removed = fsio::remove_stale_temporaries(opts.out_dir);
    // Files named on the command line may have any name, even one an output will get.
    for arg in args {
        if !arg.is_dir() {
            crate::guard::protect(arg);
        }
    }
    let shared = Mutex::new(Shared {
        lines: RankedLines::new().map_err(write_err)?,
        worst: Vec::new(),
        invalid: Vec::new(),
        written: 0,
        error: None,
        skipped: Vec::new(),
    });
    let stop = AtomicBool::new(false);
    let lock = || shared.lock().unwrap_or_else(|e| e.into_inner());
    let (tx, rx) = std::sync::mpsc::sync_channel(256);
    let inputs: Mutex<Feed> = Mutex::new(rx);
    let problems = std::thread::scope(|scope| {
        let stop = &stop;
        let producer = scope.spawn(move || produce(args, tx, stop));
        let inputs = &inputs;
        for _ in 0..opts.threads.max(1) {
            scope.spawn(|| loop {
                let next = inputs.lock().unwrap_or_else(|e| e.into_inner()).recv();
                let Ok((i, input)) = next else { break };
                if stop.load(Ordering::Relaxed) {
                    // Drain without work, so the walk is never blocked on a full channel.
                    continue;
                }
                let outcome = process(&input, opts);
                let mut s = lock();
                match outcome {
                    Ok((row, written)) => {
                        let key = row.rank_key();
                        let line = row.csv_line();
                        s.written += written;
                        s.spill_line(key, i, &line);
                        if opts.keep_worst > 0 {
                            s.worst.push((key, i, row));
                            if s.worst.len() > opts.keep_worst * 2 {
                                s.worst.sort_by_key(|(k, i, _)| (*k, *i));
                                s.worst.truncate(opts.keep_worst);
                            }
                        }
                    }
                    Err(Failure::NotAnswers(why)) => {
                        let path = input.shown.clone();
                        s.skipped.push((
                            i,
                            Problem {
                                path,
                                why,
                                is_error: false,
                            },
                        ));
                    }
                    Err(Failure::Write(e, _)) if is_fatal(&e.cause) => {
                        s.error.get_or_insert(e);
                    }
                    Err(Failure::Input(message) | Failure::Write(_, message)) => {
                        let line = portfolio::invalid_csv_line(&input.shown, &message);
                        s.spill_line(0, i, &line);
                        s.invalid.push((i, input.shown.clone(), message));
                    }
                }
                if s.error.is_some() {
                    stop.store(true, Ordering::Relaxed);
                }
                drop(s);
                progress();
            });
        }
        producer.join().unwrap_or_default()
    });
    let s = shared.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(e) = s.error {
        return Err(e);
    }
    let Shared {
        lines,
        mut worst,
        mut invalid,
        written,
        mut skipped,
        ..
    } = s;
    skipped.sort_by_key(|(i, _)| *i);
    let mut problems = problems;
    problems.extend(skipped.into_iter().map(|(_, p)| p));
    let count = lines.len();
    // Copy the lines from the spill file into portfolio.csv in portfolio order.
    let portfolio_csv = opts.out_dir.join(PORTFOLIO_CSV);
    let out_err = |cause| WriteError {
        path: portfolio_csv.display().to_string(),
        cause,
    };
    let write_summary = || -> Result<(), WriteError> {
        let mut csv = fsio::AtomicFile::create(&portfolio_csv)?;
        csv.write_all(b"\xEF\xBB\xBF").map_err(out_err)?;
        csv.write_all(PortfolioRow::CSV_HEADER.as_bytes())
            .map_err(out_err)?;
        csv.write_all(b"\r\n").map_err(out_err)?;
        lines
            .for_each(&mut |line| {
                csv.write_all(line)?;
                csv.write_all(b"\r\n")
            })
            .map_err(out_err)?;
        csv.commit()
    };
    // A summary that cannot be written is reported with everything else, not instead of it.
    let portfolio_error = write_summary().err();
    worst.sort_by_key(|(k, i, _)| (*k, *i));
    worst.truncate(opts.keep_worst);
    invalid.sort_by_key(|(i, _, _)| *i);
    Ok(Summary {
        scored: count - invalid.len(),
        invalid: invalid.into_iter().map(|(_, f, m)| (f, m)).collect(),
        worst: worst.into_iter().map(|(_, _, r)| r).collect(),
        portfolio_csv,
        files_written: written + usize::from(portfolio_error.is_none()),
        problems,
        stale_removed,
        portfolio_error,
    })
}

/// The summary's file name in the output folder; no client's report can have it.
pub const PORTFOLIO_CSV: &str = "portfolio.csv";

/// Reads and parses every input with the same YAML parser, threads and input feed as
/// [`run`], and does nothing else: the floor a batch run is measured against (see
/// BENCHMARKS.md). Returns how many files parsed.
#[doc(hidden)]
pub fn parse_floor(args: &[PathBuf], threads: usize) -> usize {
    let parsed = AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::sync_channel(256);
    let inputs: Mutex<Feed> = Mutex::new(rx);
    std::thread::scope(|scope| {
        let stop = AtomicBool::new(false);
        let producer = scope.spawn(move || produce(args, tx, &stop));
        let inputs = &inputs;
        for _ in 0..threads.max(1) {
            scope.spawn(|| loop {
                let next = inputs.lock().unwrap_or_else(|e| e.into_inner()).recv();
                let Ok((_, input)) = next else { break };
                let ok = input
                    .read()
                    .ok()
                    .is_some_and(|bytes| crate::yaml::parse(&bytes, &input.shown).is_ok());
                if ok {
                    parsed.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        let _ = producer.join();
    });
    parsed.into_inner()
}

impl Shared {
    fn spill_line(&mut self, key: u64, index: usize, line: &str) {
        if let Err(e) = self.lines.push(key, index, line.as_bytes()) {
            self.error.get_or_insert(fsio::temp_error(e));
        }
    }
}

enum Failure {
    /// The answers file cannot be used: the message names file, line and column.
    Input(String),
    /// A report could not be written; the message for this client's line.
    Write(WriteError, String),
    /// A `*.json` file found in a folder that is not an answers file (an earlier JSON
    /// report, say): a note, not an error.
    NotAnswers(String),
}

fn process(input: &Input, opts: &BatchOptions<'_>) -> Result<(PortfolioRow, usize), Failure> {
    let first_problem = |e: LoadError| match e.diagnostics().first() {
        Some(d) => Failure::Input(d.to_string()),
        None => Failure::Input(e.to_string()),
    };
    let bytes = input.read().map_err(first_problem)?;
    let answers = answers::load(&bytes, &input.shown, opts.bank).map_err(|e| {
        match not_answers_note(&input.shown, &bytes).filter(|_| input.walked) {
            Some(note) => Failure::NotAnswers(note.to_string()),
            None => first_problem(e),
        }
    })?;
    if opts.formats.is_empty() {
        // Only the summary is wanted: skip building the full report.
        return Ok((
            crate::scoring::summary_row(opts.bank, &answers, opts.today),
            0,
        ));
    }
    let report = score(opts.bank, &answers, opts.today);
    let mut written = 0;
    for format in &opts.formats {
        let text = format
            .renderer(opts.render)
            .render(&report)
            .map_err(|e| Failure::Input(e.to_string()))?;
        let path = opts
            .out_dir
            .join(format!("{}.{}", input.name, extension(*format)));
        fsio::write_atomic(&path, text.as_bytes()).map_err(|e| {
            let message = e.to_string();
            Failure::Write(e, message)
        })?;
        written += 1;
    }
    Ok((portfolio::row(&report), written))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_never_look_like_answers_files() {
        // Folder walks read *.yaml and *.yml: an output with such a name could become an
        // input of a later run, or be one in this run. A CSV report is read too, but has no
        // `id` and `answer` columns, so a scan skips it with a note.
        for (format, _) in Format::ALL {
            let ext = extension(*format);
            assert!(!ext.ends_with("yaml") && !ext.ends_with("yml"), "{ext}");
            assert!(!ext.ends_with("xlsx"), "{ext}");
        }
    }
}
