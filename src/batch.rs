//! Many answers files at once: finding them, scoring them on every core, writing each
//! client's reports and one portfolio summary.
//!
//! Output never depends on scheduling: files are numbered in input order (directories walked
//! in sorted order), and everything is sorted by that number before it is written. Each
//! worker holds one client at a time; per file the run keeps only its path and a 32-byte sort
//! record (summary lines go to a temporary file), about 100 bytes in all (see BENCHMARKS.md).

use std::collections::HashSet;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use chrono::NaiveDate;

use crate::answers;
use crate::bank::Bank;
use crate::diagnostic::{LoadError, WriteError};
use crate::fsio;
use crate::portfolio::{self, PortfolioRow};
use crate::render::{Format, RenderOptions};
use crate::scoring::score;

/// One answers file to process. Kept small: a batch holds one per file for the whole run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The path as it will be shown (`-` for standard input).
    pub path: Box<str>,
    /// Bytes of `path` before the part that names the client.
    root: u32,
    /// Set when another input flattens to the same name: 2, 3, ...
    suffix: u32,
}

impl Input {
    /// The base name for this client's output files, unique within the run:
    /// `east/acme.yaml` under the folder given becomes `east_acme`.
    pub fn name(&self) -> String {
        let base = if &*self.path == "-" {
            "stdin".to_string()
        } else {
            flat_name(Path::new(
                self.path.get(self.root as usize..).unwrap_or(&self.path),
            ))
        };
        match self.suffix {
            0 => base,
            n => format!("{base}-{n}"),
        }
    }
}

/// Expands files and directories into answers files: a directory gives every `*.yaml` and
/// `*.yml` below it (hidden files and folders skipped), in sorted order; `-` is standard
/// input. Returns the inputs, and the arguments that could not be read with why.
pub fn expand(args: &[String]) -> (Vec<Input>, Vec<(String, String)>) {
    let mut inputs: Vec<Input> = Vec::new();
    let mut problems = Vec::new();
    for arg in args {
        let path = Path::new(arg);
        if path.is_dir() {
            let mut found = Vec::new();
            if let Err(e) = walk(path, &mut found) {
                problems.push((arg.clone(), crate::diagnostic::describe_io(&e)));
            } else if found.is_empty() {
                problems.push((
                    arg.clone(),
                    "no answers files (*.yaml, *.yml) in this folder".to_string(),
                ));
            }
            let root = arg.len() + usize::from(!arg.ends_with(std::path::MAIN_SEPARATOR));
            for file in found {
                inputs.push(Input {
                    root: u32::try_from(root).unwrap_or(0),
                    path: file.into_boxed_str(),
                    suffix: 0,
                });
            }
        } else {
            let name_start = arg.rfind(std::path::MAIN_SEPARATOR).map_or(0, |i| i + 1);
            inputs.push(Input {
                path: arg.clone().into_boxed_str(),
                root: u32::try_from(name_start).unwrap_or(0),
                suffix: 0,
            });
        }
    }
    // The same file named twice is processed once; two files that flatten to the same name
    // get numbered. Hashes keep these checks small for very large batches (a collision of
    // hashes only adds a number to a name).
    let hash = |s: &str| {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        s.hash(&mut h);
        h.finish()
    };
    let mut seen = HashSet::with_capacity(inputs.len());
    inputs.retain(|i| seen.insert(hash(&i.path)));
    seen.clear();
    for input in &mut inputs {
        let mut n = 1;
        while !seen.insert(hash(&input.name())) {
            n += 1;
            input.suffix = n;
        }
    }
    (inputs, problems)
}

fn walk(dir: &Path, out: &mut Vec<String>) -> std::io::Result<()> {
    let mut entries: Vec<(String, bool)> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let is_dir = e.file_type().ok()?.is_dir();
            let lower = name.to_ascii_lowercase();
            let wanted = is_dir || lower.ends_with(".yaml") || lower.ends_with(".yml");
            (wanted && !name.starts_with('.')).then_some((name, is_dir))
        })
        .collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (name, is_dir) in entries {
        let path = dir.join(&name);
        if is_dir {
            walk(&path, out)?;
        } else {
            out.push(path.display().to_string());
        }
    }
    Ok(())
}

/// `east/acme.yaml` becomes `east_acme`: a file name safe in any folder.
fn flat_name(relative: &Path) -> String {
    let text = relative.with_extension("").display().to_string();
    let name: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let name = name.trim_matches(['.', '_']).to_string();
    if name.is_empty() {
        "client".to_string()
    } else {
        name
    }
}

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
    /// Files that could not be used: (file, first problem).
    pub invalid: Vec<(String, String)>,
    /// The worst clients, worst first.
    pub worst: Vec<PortfolioRow>,
    /// Where the portfolio summary was written.
    pub portfolio_csv: PathBuf,
    /// How many files were written, summary included.
    pub files_written: usize,
}

struct Shared {
    /// (rank key, input index, offset and length of its summary CSV line in `spill`).
    lines: Vec<(u64, u32, u64, u32)>,
    /// Summary lines as they come, in any order; sorted into portfolio.csv at the end.
    spill: std::io::BufWriter<std::fs::File>,
    spilled: u64,
    worst: Vec<(u64, usize, PortfolioRow)>,
    invalid: Vec<(usize, String, String)>,
    written: usize,
    error: Option<WriteError>,
}

/// Scores every input on `threads` workers, writes each client's outputs and
/// `portfolio.csv` into the output folder, and calls `progress` after each file.
pub fn run(
    inputs: &[Input],
    opts: &BatchOptions<'_>,
    progress: &(dyn Fn() + Sync),
) -> Result<Summary, WriteError> {
    let next = AtomicUsize::new(0);
    let write_err = |cause| WriteError {
        path: "a temporary file".to_string(),
        cause,
    };
    let shared = Mutex::new(Shared {
        lines: Vec::with_capacity(inputs.len()),
        spill: std::io::BufWriter::new(tempfile::tempfile().map_err(write_err)?),
        spilled: 0,
        worst: Vec::new(),
        invalid: Vec::new(),
        written: 0,
        error: None,
    });
    let lock = || shared.lock().unwrap_or_else(|e| e.into_inner());
    std::thread::scope(|scope| {
        for _ in 0..opts.threads.max(1) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(input) = inputs.get(i) else { break };
                if lock().error.is_some() {
                    break;
                }
                match process(input, opts) {
                    Ok((row, written)) => {
                        let key = row.rank_key();
                        let line = row.csv_line();
                        let mut s = lock();
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
                    Err(Failure::Input(message)) => {
                        let line = portfolio::invalid_csv_line(&input.path, &message);
                        let mut s = lock();
                        s.spill_line(0, i, &line);
                        s.invalid.push((i, input.path.to_string(), message));
                    }
                    Err(Failure::Write(e)) => {
                        lock().error.get_or_insert(e);
                    }
                }
                progress();
            });
        }
    });
    let mut s = shared.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(e) = s.error {
        return Err(e);
    }
    s.lines.sort_unstable_by_key(|(k, i, _, _)| (*k, *i));
    // Copy the lines from the spill file into portfolio.csv in portfolio order.
    let portfolio_csv = opts.out_dir.join("portfolio.csv");
    let out_err = |cause| WriteError {
        path: portfolio_csv.display().to_string(),
        cause,
    };
    let mut spill = s
        .spill
        .into_inner()
        .map_err(|e| write_err(e.into_error()))?;
    let mut csv = fsio::AtomicFile::create(&portfolio_csv)?;
    csv.write_all(b"\xEF\xBB\xBF").map_err(out_err)?;
    csv.write_all(PortfolioRow::CSV_HEADER.as_bytes())
        .map_err(out_err)?;
    csv.write_all(b"\r\n").map_err(out_err)?;
    let mut line = Vec::new();
    for (_, _, offset, len) in &s.lines {
        line.resize(*len as usize, 0);
        spill.seek(SeekFrom::Start(*offset)).map_err(write_err)?;
        spill.read_exact(&mut line).map_err(write_err)?;
        csv.write_all(&line).map_err(out_err)?;
        csv.write_all(b"\r\n").map_err(out_err)?;
    }
    csv.commit()?;
    s.worst.sort_by_key(|(k, i, _)| (*k, *i));
    s.worst.truncate(opts.keep_worst);
    s.invalid.sort_by_key(|(i, _, _)| *i);
    let scored = s.lines.len() - s.invalid.len();
    Ok(Summary {
        scored,
        invalid: s.invalid.into_iter().map(|(_, f, m)| (f, m)).collect(),
        worst: s.worst.into_iter().map(|(_, _, r)| r).collect(),
        portfolio_csv,
        files_written: s.written + 1,
    })
}

/// Reads and parses every input with the same YAML parser and threads as [`run`], and does
/// nothing else: the floor a batch run is measured against (see BENCHMARKS.md). Returns how
/// many files parsed.
#[doc(hidden)]
pub fn parse_floor(inputs: &[Input], threads: usize) -> usize {
    let next = AtomicUsize::new(0);
    let parsed = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                while let Some(input) = inputs.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let ok = fsio::read_limited(&input.path)
                        .ok()
                        .is_some_and(|bytes| crate::yaml::parse(&bytes, &input.path).is_ok());
                    if ok {
                        parsed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    parsed.into_inner()
}

impl Shared {
    fn spill_line(&mut self, key: u64, index: usize, line: &str) {
        let offset = self.spilled;
        if let Err(e) = self.spill.write_all(line.as_bytes()) {
            self.error.get_or_insert(WriteError {
                path: "a temporary file".to_string(),
                cause: e,
            });
            return;
        }
        self.spilled += line.len() as u64;
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        self.lines
            .push((key, index, offset, u32::try_from(line.len()).unwrap_or(0)));
    }
}

enum Failure {
    Input(String),
    Write(WriteError),
}

fn process(input: &Input, opts: &BatchOptions<'_>) -> Result<(PortfolioRow, usize), Failure> {
    let first_problem = |e: LoadError| match e.diagnostics().first() {
        Some(d) => Failure::Input(d.to_string()),
        None => Failure::Input(e.to_string()),
    };
    let bytes = fsio::read_limited(&input.path).map_err(first_problem)?;
    let answers = answers::load(&bytes, &input.path, opts.bank).map_err(first_problem)?;
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
            .join(format!("{}.{}", input.name(), extension(*format)));
        fsio::write_atomic(&path, text.as_bytes()).map_err(Failure::Write)?;
        written += 1;
    }
    Ok((portfolio::row(&report), written))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_flat_and_unique() {
        assert_eq!(flat_name(Path::new("east/acme.yaml")), "east_acme");
        assert_eq!(
            flat_name(Path::new("Dental Co (2026).yml")),
            "Dental_Co__2026"
        );
        assert_eq!(flat_name(Path::new("...yaml")), "client");
    }
}
