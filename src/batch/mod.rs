//! Many answers files at once: finding them, scoring them on every core, writing each
//! client's reports and one portfolio summary.
//!
//! Output never depends on scheduling: files are numbered in input order (directories walked
//! in sorted order), and everything is sorted by that number before it is written. Each
//! worker holds one client at a time; per file the run keeps only its path and a 32-byte sort
//! record (summary lines go to a temporary file), about 100 bytes in all (see BENCHMARKS.md).

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

mod sorted;

use sorted::ExternalSort;

/// One answers file to process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The path as it will be shown (`-` for standard input).
    pub path: String,
    /// The base name for this client's output files, unique within the run:
    /// `east/acme.yaml` under the folder given becomes `east_acme`.
    pub name: String,
}

/// Walks the arguments in order, calling `visit` with each answers file's path and the part
/// of it that names the client: a directory gives every `*.yaml` and `*.yml` below it
/// (hidden files and folders skipped) in sorted order, read with an external sort so a huge
/// folder never sits in memory; `-` is standard input. Problems with arguments are added to
/// `problems`.
fn walk_inputs(
    args: &[String],
    problems: &mut Vec<(String, String)>,
    visit: &mut dyn FnMut(&str, &str),
) {
    for arg in args {
        let path = Path::new(arg);
        if path.is_dir() {
            let root = arg.len() + usize::from(!arg.ends_with(std::path::MAIN_SEPARATOR));
            let mut found = 0usize;
            let mut each = |file: &str| {
                found += 1;
                visit(file, file.get(root..).unwrap_or(file));
            };
            if let Err(e) = walk(path, &mut each) {
                problems.push((arg.clone(), crate::diagnostic::describe_io(&e)));
            } else if found == 0 {
                problems.push((
                    arg.clone(),
                    "no answers files (*.yaml, *.yml) in this folder".to_string(),
                ));
            }
        } else {
            let name_start = arg.rfind(std::path::MAIN_SEPARATOR).map_or(0, |i| i + 1);
            visit(
                arg,
                if arg == "-" {
                    "stdin"
                } else {
                    &arg[name_start..]
                },
            );
        }
    }
}

fn name_hash(name: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    name.hash(&mut h);
    h.finish()
}

/// The inputs whose names collide with an earlier input's, with the number to add (2, 3...).
/// Found with an external sort of name hashes, so only collisions are held in memory (a
/// collision of hashes merely adds a number to a name).
fn name_suffixes(args: &[String]) -> std::io::Result<std::collections::HashMap<u32, u32>> {
    let mut sort = ExternalSort::new();
    let mut index = 0u32;
    let mut error = None;
    walk_inputs(args, &mut Vec::new(), &mut |_, relative| {
        if error.is_none() {
            if let Err(e) = sort.push((name_hash(&flat_name(relative)), index, 0u64, 0u32)) {
                error = Some(e);
            }
        }
        index += 1;
    });
    if let Some(e) = error {
        return Err(e);
    }
    let mut suffixes = std::collections::HashMap::new();
    let mut previous: Option<(u64, u32)> = None; // (hash, count so far)
    for item in sort.finish()? {
        let (hash, i, _, _) = item?;
        previous = match previous {
            Some((h, n)) if h == hash => {
                suffixes.insert(i, n + 1);
                Some((h, n + 1))
            }
            _ => Some((hash, 1)),
        };
    }
    Ok(suffixes)
}

/// Streams the inputs to `visit` in order, each with its unique output name.
fn for_each_input(
    args: &[String],
    problems: &mut Vec<(String, String)>,
    visit: &mut dyn FnMut(Input),
) {
    let suffixes = match name_suffixes(args) {
        Ok(s) => s,
        Err(e) => {
            problems.push((
                "(temporary files)".to_string(),
                crate::diagnostic::describe_io(&e),
            ));
            return;
        }
    };
    let mut index = 0u32;
    walk_inputs(args, problems, &mut |path, relative| {
        let mut name = flat_name(relative);
        if let Some(n) = suffixes.get(&index) {
            name = format!("{name}-{n}");
        }
        index += 1;
        visit(Input {
            path: path.to_string(),
            name,
        });
    });
}

/// All inputs at once, for runs small enough to hold (`check`, `report` without
/// `--output-dir`). Returns the inputs, and the arguments that could not be read with why.
pub fn expand(args: &[String]) -> (Vec<Input>, Vec<(String, String)>) {
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    for_each_input(args, &mut problems, &mut |i| inputs.push(i));
    (inputs, problems)
}

fn walk(dir: &Path, visit: &mut dyn FnMut(&str)) -> std::io::Result<()> {
    let mut entries = ExternalSort::new();
    for entry in std::fs::read_dir(dir)? {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let lower = name.to_ascii_lowercase();
        let wanted = is_dir || lower.ends_with(".yaml") || lower.ends_with(".yml");
        if wanted && !name.starts_with('.') {
            entries.push((name, is_dir))?;
        }
    }
    for entry in entries.finish()? {
        let (name, is_dir) = entry?;
        let path = dir.join(&name);
        if is_dir {
            walk(&path, visit)?;
        } else {
            visit(&path.display().to_string());
        }
    }
    Ok(())
}

/// `east/acme.yaml` becomes `east_acme`: a file name safe in any folder.
fn flat_name(relative: &str) -> String {
    let text = Path::new(relative).with_extension("").display().to_string();
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
    /// Arguments that could not be read (a missing folder...), with why.
    pub problems: Vec<(String, String)>,
}

struct Shared {
    /// (rank key, input index, offset and length of its summary CSV line in `spill`), sorted
    /// outside memory when the batch is large.
    lines: ExternalSort<(u64, u32, u64, u32)>,
    /// Summary lines as they come, in any order; sorted into portfolio.csv at the end.
    spill: std::io::BufWriter<std::fs::File>,
    spilled: u64,
    count: usize,
    worst: Vec<(u64, usize, PortfolioRow)>,
    invalid: Vec<(usize, String, String)>,
    written: usize,
    error: Option<WriteError>,
}

type Feed = std::sync::mpsc::Receiver<(usize, Input)>;

/// The walk: numbers the inputs in order and hands them to the workers as it finds them
/// (the channel is bounded, so a huge folder is never listed ahead in memory). Returns the
/// problems with the arguments.
fn produce(
    args: &[String],
    tx: std::sync::mpsc::SyncSender<(usize, Input)>,
) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let mut index = 0;
    for_each_input(args, &mut problems, &mut |input| {
        // A closed channel means the workers stopped on an error: nothing more to do.
        let _ = tx.send((index, input));
        index += 1;
    });
    problems
}

/// Scores every input (files, folders, `-`) on `threads` workers, writes each client's
/// outputs and `portfolio.csv` into the output folder, and calls `progress` after each file.
pub fn run(
    args: &[String],
    opts: &BatchOptions<'_>,
    progress: &(dyn Fn() + Sync),
) -> Result<Summary, WriteError> {
    let write_err = |cause| WriteError {
        path: "a temporary file".to_string(),
        cause,
    };
    let shared = Mutex::new(Shared {
        lines: ExternalSort::new(),
        spill: std::io::BufWriter::new(tempfile::tempfile().map_err(write_err)?),
        spilled: 0,
        count: 0,
        worst: Vec::new(),
        invalid: Vec::new(),
        written: 0,
        error: None,
    });
    let lock = || shared.lock().unwrap_or_else(|e| e.into_inner());
    let (tx, rx) = std::sync::mpsc::sync_channel(256);
    let inputs: Mutex<Feed> = Mutex::new(rx);
    let problems = std::thread::scope(|scope| {
        let producer = scope.spawn(move || produce(args, tx));
        let inputs = &inputs;
        for _ in 0..opts.threads.max(1) {
            scope.spawn(|| loop {
                let next = inputs.lock().unwrap_or_else(|e| e.into_inner()).recv();
                let Ok((i, input)) = next else { break };
                if lock().error.is_some() {
                    break;
                }
                match process(&input, opts) {
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
                        s.invalid.push((i, input.path.clone(), message));
                    }
                    Err(Failure::Write(e)) => {
                        lock().error.get_or_insert(e);
                    }
                }
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
        spill,
        count,
        mut worst,
        mut invalid,
        written,
        ..
    } = s;
    // Copy the lines from the spill file into portfolio.csv in portfolio order.
    let portfolio_csv = opts.out_dir.join("portfolio.csv");
    let out_err = |cause| WriteError {
        path: portfolio_csv.display().to_string(),
        cause,
    };
    let mut spill = spill.into_inner().map_err(|e| write_err(e.into_error()))?;
    let mut csv = fsio::AtomicFile::create(&portfolio_csv)?;
    csv.write_all(b"\xEF\xBB\xBF").map_err(out_err)?;
    csv.write_all(PortfolioRow::CSV_HEADER.as_bytes())
        .map_err(out_err)?;
    csv.write_all(b"\r\n").map_err(out_err)?;
    let mut line = Vec::new();
    for record in lines.finish().map_err(write_err)? {
        let (_, _, offset, len) = record.map_err(write_err)?;
        line.resize(len as usize, 0);
        spill.seek(SeekFrom::Start(offset)).map_err(write_err)?;
        spill.read_exact(&mut line).map_err(write_err)?;
        csv.write_all(&line).map_err(out_err)?;
        csv.write_all(b"\r\n").map_err(out_err)?;
    }
    csv.commit()?;
    worst.sort_by_key(|(k, i, _)| (*k, *i));
    worst.truncate(opts.keep_worst);
    invalid.sort_by_key(|(i, _, _)| *i);
    Ok(Summary {
        scored: count - invalid.len(),
        invalid: invalid.into_iter().map(|(_, f, m)| (f, m)).collect(),
        worst: worst.into_iter().map(|(_, _, r)| r).collect(),
        portfolio_csv,
        files_written: written + 1,
        problems,
    })
}

/// Reads and parses every input with the same YAML parser, threads and input feed as
/// [`run`], and does nothing else: the floor a batch run is measured against (see
/// BENCHMARKS.md). Returns how many files parsed.
#[doc(hidden)]
pub fn parse_floor(args: &[String], threads: usize) -> usize {
    let parsed = AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::sync_channel(256);
    let inputs: Mutex<Feed> = Mutex::new(rx);
    std::thread::scope(|scope| {
        let producer = scope.spawn(move || produce(args, tx));
        let inputs = &inputs;
        for _ in 0..threads.max(1) {
            scope.spawn(|| loop {
                let next = inputs.lock().unwrap_or_else(|e| e.into_inner()).recv();
                let Ok((_, input)) = next else { break };
                let ok = fsio::read_limited(&input.path)
                    .ok()
                    .is_some_and(|bytes| crate::yaml::parse(&bytes, &input.path).is_ok());
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
        let offset = self.spilled;
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        let pushed = self.spill.write_all(line.as_bytes()).and_then(|()| {
            self.lines
                .push((key, index, offset, u32::try_from(line.len()).unwrap_or(0)))
        });
        if let Err(e) = pushed {
            self.error.get_or_insert(WriteError {
                path: "a temporary file".to_string(),
                cause: e,
            });
            return;
        }
        self.spilled += line.len() as u64;
        self.count += 1;
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
            .join(format!("{}.{}", input.name, extension(*format)));
        fsio::write_atomic(&path, text.as_bytes()).map_err(Failure::Write)?;
        written += 1;
    }
    Ok((portfolio::row(&report), written))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_whose_names_flatten_alike_are_numbered_in_input_order() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        for name in ["a b.yaml", "a_b.yaml", "a-b.yaml", "c.yml"] {
            std::fs::write(dir.path().join(name), "x")?;
        }
        std::fs::create_dir(dir.path().join("a"))?;
        std::fs::write(dir.path().join("a").join("b.yaml"), "x")?;
        let (inputs, problems) = expand(&[dir.path().display().to_string()]);
        assert!(problems.is_empty());
        let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
        // Sorted: "a" (folder), "a b.yaml", "a-b.yaml", "a_b.yaml", "c.yml".
        assert_eq!(names, ["a_b", "a_b-2", "a-b", "a_b-3", "c"]);
        Ok(())
    }

    #[test]
    fn names_are_flat_and_unique() {
        assert_eq!(flat_name("east/acme.yaml"), "east_acme");
        assert_eq!(flat_name("Dental Co (2026).yml"), "Dental_Co__2026");
        assert_eq!(flat_name("...yaml"), "client");
    }
}
