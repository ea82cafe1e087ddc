//! `msp-risk report FILE...`: score answers files and render the report, to standard output
//! or to one or more files.

use std::ffi::OsStr;
use std::io::Write;
use std::path::PathBuf;

use anyhow::bail;
use msp_risk::bank::Severity;
use msp_risk::render::{Format, PortfolioPart, RenderOptions};
use msp_risk::sanitize::terminal_line;

use crate::cli::{Cli, FormatArg, LevelArg, ReportArgs};
use crate::{settings, Exit};

pub fn run(cli: &Cli, args: &ReportArgs) -> anyhow::Result<Exit> {
    if let Some(dir) = &args.output_dir {
        return batch(cli, args, dir);
    }
    if args.format.len() > 1 {
        bail!("several formats need --output-dir (a file per client and format), or one --output per format");
    }
    // Check every output before doing any work, so a typo costs nothing.
    let mut outputs = outputs(args)?;
    if outputs.is_empty() {
        let format = args
            .format
            .first()
            .copied()
            .map_or(Format::Table, format_of);
        outputs.push((format, None));
    }
    let bank = settings::load_bank(cli)?;
    let today = settings::today(cli)?;
    // Every input is known before any output is opened: none may be replaced by one.
    let count = super::protect_inputs(&args.files);
    let several = count > 1;
    if several {
        if let Some((format, _)) = outputs.iter().find(|(f, _)| !streams(*f)) {
            bail!(
                "{count} answers files, and {} describes one: write a {} report for each with \
                 `--output-dir DIR --format {}` (plus portfolio.csv), or give one file",
                format.name(),
                format.name(),
                format.name()
            );
        }
    }
    if outputs.iter().any(|(_, p)| p.is_none()) && msp_risk::guard::stdout_is_an_input() {
        bail!("{}", msp_risk::guard::STDOUT_IS_AN_INPUT);
    }
    // Every file output is opened now (a temporary file beside it) and renamed into place
    // only when all are complete: several outputs are written all, or none.
    let mut sinks = Vec::new();
    for (format, path) in &outputs {
        let file = match path {
            Some(p) => Some(msp_risk::fsio::AtomicFile::create(p)?),
            None => None,
        };
        let options = RenderOptions {
            table: settings::table_options(cli, path.is_some(), args.detailed),
            fail_on: level(args.fail_on),
        };
        sinks.push(Sink {
            format: *format,
            path: path.clone(),
            renderer: format.renderer(options),
            stdout: file
                .is_none()
                .then(|| crate::pager::Stdout::new(cli.no_pager)),
            file,
            rows: if several {
                Some(msp_risk::batch::RankedLines::new().map_err(msp_risk::fsio::temp_error)?)
            } else {
                None
            },
        });
    }
    let mut index = 0;
    let invalid = super::for_each_answers(&args.files, &bank, &mut |answers| {
        let report = msp_risk::score(&bank, &answers, today);
        // The portfolio row, once per report: (rank key, the row as JSON).
        let row = if several {
            let row = msp_risk::portfolio::row(&report);
            Some((row.rank_key(), serde_json::to_vec(&row)?))
        } else {
            None
        };
        for sink in &mut sinks {
            let text = if let Some((key, line)) = &row {
                if let Some(rows) = &mut sink.rows {
                    rows.push(*key, index, line)?;
                }
                sink.renderer.portfolio_part(PortfolioPart::Report {
                    index,
                    report: &report,
                })?
            } else {
                sink.renderer.render(&report)?
            };
            sink.write(&text)?;
        }
        index += 1;
        Ok(())
    })?;
    if index == 0 {
        // Nothing valid: no output is written (their temporary files go with the sinks).
        return Ok(Exit::Error);
    }
    for sink in &mut sinks {
        if let Some(rows) = sink.rows.take() {
            let mut parsed = Vec::new();
            // Rows come back worst first; the table shows a few, JSON lists them all.
            let mut error = None;
            rows.for_each(&mut |line| {
                match serde_json::from_slice::<msp_risk::portfolio::PortfolioRow>(line) {
                    Ok(row) => parsed.push(row),
                    Err(e) => {
                        error.get_or_insert(e);
                    }
                }
                Ok(())
            })?;
            if let Some(e) = error {
                return Err(e.into());
            }
            let text = sink.renderer.portfolio_part(PortfolioPart::End {
                rows: &mut parsed.into_iter(),
                total: index,
            })?;
            sink.write(&text)?;
        }
    }
    if !invalid.is_empty() && sinks.iter().any(|s| s.file.is_some()) {
        // An invalid input produces no output file: a summary silently missing a client
        // would be worse than none (the temporary files go with the sinks).
        eprintln!(
            "No file was written: {} input(s) could not be used (see above). To write reports \
             for the good ones and list the bad ones, use --output-dir.",
            invalid.len()
        );
        return Ok(Exit::Error);
    }
    let mut files = Vec::new();
    let mut written = Vec::new();
    for sink in &mut sinks {
        if let Some(out) = &mut sink.stdout {
            out.finish()?;
        }
    }
    for sink in sinks {
        if let (Some(file), Some(path)) = (sink.file, sink.path) {
            files.push(file);
            written.push((path, sink.format));
        }
    }
    msp_risk::fsio::commit_all(files)?;
    for (path, format) in written.into_iter().filter(|_| !args.quiet) {
        eprintln!(
            "Wrote {} ({})",
            terminal_line(&path.display().to_string()),
            format.name()
        );
    }
    Ok(if invalid.is_empty() {
        Exit::Success
    } else {
        Exit::Error
    })
}

/// One output of `report`: standard output, or a file put in place at the end.
struct Sink {
    format: Format,
    path: Option<PathBuf>,
    renderer: Box<dyn msp_risk::render::Renderer>,
    file: Option<msp_risk::fsio::AtomicFile>,
    /// Standard output (through the pager when it is a long report on a terminal), for the
    /// sink without a file. A reader that went away (`| head`, the pager quit) stops the
    /// writing there, but the files are still written.
    stdout: Option<crate::pager::Stdout>,
    /// The portfolio rows, when there are several reports.
    rows: Option<msp_risk::batch::RankedLines>,
}

impl Sink {
    fn write(&mut self, text: &str) -> anyhow::Result<()> {
        match &mut self.file {
            Some(f) => f.write_all(text.as_bytes()).map_err(|cause| {
                msp_risk::diagnostic::WriteError {
                    path: self
                        .path
                        .as_deref()
                        .map_or_else(String::new, |p| p.display().to_string()),
                    cause,
                }
                .into()
            }),
            None => match &mut self.stdout {
                Some(out) => Ok(out.write(text)?),
                None => Ok(()),
            },
        }
    }
}

/// Whether a format can hold several reports and a portfolio in one output.
fn streams(format: Format) -> bool {
    matches!(format, Format::Table | Format::Json)
}

pub fn level(l: LevelArg) -> Severity {
    match l {
        LevelArg::Critical => Severity::Critical,
        LevelArg::High => Severity::High,
        LevelArg::Medium => Severity::Medium,
        LevelArg::Low => Severity::Low,
    }
}

fn format_of(f: FormatArg) -> Format {
    match f {
        FormatArg::Table => Format::Table,
        FormatArg::Json => Format::Json,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Html => Format::Html,
        FormatArg::Csv => Format::Csv,
        FormatArg::Junit => Format::Junit,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Oscal => Format::Oscal,
    }
}

/// `FORMAT:PATH` split into a format name and a path, when the part before the first `:`
/// looks like a format name (letters and digits).
fn split_prefix(spec: &OsStr) -> Option<(String, PathBuf)> {
    let lossy = spec.to_string_lossy();
    let (name, _) = lossy.split_once(':')?;
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    #[cfg(unix)]
    let rest = {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(OsStr::from_bytes(&spec.as_bytes()[name.len() + 1..]))
    };
    #[cfg(not(unix))]
    let rest = PathBuf::from(&lossy[name.len() + 1..]);
    Some((name.to_string(), rest))
}

/// Each `--output` as (format, path; `None` for standard output), checked before any work:
/// a known format that agrees with the extension and `--format`, an existing folder, no
/// path twice, standard output at most once.
fn outputs(args: &ReportArgs) -> anyhow::Result<Vec<(Format, Option<PathBuf>)>> {
    let mut out: Vec<(Format, Option<PathBuf>)> = Vec::new();
    let given = args.format.first().copied().map(format_of);
    for spec in &args.output {
        let shown = terminal_line(&spec.to_string_lossy()).into_owned();
        let (prefix, path) = match split_prefix(spec) {
            Some((name, path)) => match Format::from_name(&name) {
                Some(f) if path.as_os_str().is_empty() => bail!(
                    "`{shown}` names no file after `{}:`; write it as `{}:PATH` (or `{}:-` for \
                     standard output)",
                    f.name(),
                    f.name(),
                    f.name()
                ),
                Some(f) => (Some(f), path),
                None => bail!(
                    "unknown format `{}` in `{shown}`; formats: {}",
                    terminal_line(&name),
                    Format::ALL
                        .iter()
                        .map(|(f, _)| f.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
            None => (None, PathBuf::from(spec)),
        };
        let to_stdout = msp_risk::guard::is_stdout(&path);
        if path.is_dir() {
            bail!("cannot write {shown}: this is a folder, not a file");
        }
        let by_extension = if to_stdout {
            None
        } else {
            Format::from_path(&path.to_string_lossy())
        };
        let format = match (prefix, by_extension, given) {
            (Some(f), _, _) => f,
            (None, Some(ext), Some(given)) if given != ext => bail!(
                "`{shown}` looks like {} output but --format says {}; name the file for its format, \
                 or force it with `{}:{shown}`",
                ext.name(),
                given.name(),
                given.name()
            ),
            (None, Some(ext), _) => ext,
            (None, None, Some(given)) => given,
            (None, None, None) if to_stdout => Format::Table,
            (None, None, None) => bail!(
                "cannot tell the format of `{shown}`: give it an extension (.md .html .csv .json .xml \
                 .sarif .sarif.json .oscal.json .txt), a prefix like `html:{shown}`, or --format"
            ),
        };
        if to_stdout {
            if out.iter().any(|(_, p)| p.is_none()) {
                bail!("standard output is named twice as an output");
            }
            out.push((format, None));
            continue;
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            if !parent.is_dir() {
                bail!(
                    "cannot write {shown}: the folder {} does not exist",
                    terminal_line(&parent.display().to_string())
                );
            }
        }
        let same = |p: &PathBuf| p == &path || same_place(p, &path);
        if out.iter().any(|(_, p)| p.as_ref().is_some_and(same)) {
            bail!("`{shown}` is named twice as an output (two names for one file)");
        }
        out.push((format, Some(path)));
    }
    Ok(out)
}

/// Whether two output paths name the same place: the same folder (by identity, so `.`, a
/// symlinked folder or `a/..` are seen through) and the same file name.
fn same_place(a: &std::path::Path, b: &std::path::Path) -> bool {
    let folder = |p: &std::path::Path| {
        let parent = p.parent().filter(|q| !q.as_os_str().is_empty());
        std::fs::canonicalize(parent.unwrap_or(std::path::Path::new(".")))
    };
    a.file_name() == b.file_name() && matches!((folder(a), folder(b)), (Ok(x), Ok(y)) if x == y)
}

/// Batch mode: every client's reports and the portfolio summary into one folder.
fn batch(cli: &Cli, args: &ReportArgs, dir: &std::path::Path) -> anyhow::Result<Exit> {
    use std::io::IsTerminal;

    if !dir.is_dir() {
        std::fs::create_dir_all(dir).map_err(|e| {
            anyhow::anyhow!(
                "cannot create the output folder {}: {}",
                terminal_line(&dir.display().to_string()),
                msp_risk::diagnostic::describe_io(&e)
            )
        })?;
    }
    let bank = settings::load_bank(cli)?;
    let today = settings::today(cli)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // The walk streams (folders can hold any number of files), so the total is not known up
    // front: the progress display counts.
    let show_progress = !args.quiet && std::io::stderr().is_terminal();
    let bar = if show_progress {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {pos} answers files scored ({per_sec})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let options = msp_risk::batch::BatchOptions {
        bank: &bank,
        today,
        formats: args.format.iter().copied().map(format_of).collect(),
        render: RenderOptions {
            table: settings::table_options(cli, true, args.detailed),
            fail_on: level(args.fail_on),
        },
        out_dir: dir,
        threads,
        keep_worst: if args.quiet { 0 } else { 20 },
    };
    let summary = msp_risk::batch::run(&args.files, &options, &|| bar.inc(1))?;
    let problems = &summary.problems;
    // --quiet: errors only.
    for p in problems.iter().filter(|p| p.is_error || !args.quiet) {
        let word = if p.is_error { "error" } else { "note" };
        eprintln!("{word}: {}: {}", terminal_line(&p.path), p.why);
    }
    if summary.stale_removed > 0 && !args.quiet {
        eprintln!(
            "note: removed {} temporary file(s) left in the output folder by a run that was stopped",
            summary.stale_removed
        );
    }
    bar.finish_and_clear();

    for (file, problem) in &summary.invalid {
        // The problem already names the file and line.
        let _ = file;
        eprintln!("error: {}", terminal_line(problem));
    }
    if let Some(e) = &summary.portfolio_error {
        eprintln!("error: {}", terminal_line(&e.to_string()));
    }
    let stdout_is_an_input = msp_risk::guard::stdout_is_an_input();
    if stdout_is_an_input {
        eprintln!("error: {}", msp_risk::guard::STDOUT_IS_AN_INPUT);
    }
    if !args.quiet && !stdout_is_an_input {
        let table =
            msp_risk::render::TableRenderer::new(settings::table_options(cli, false, false));
        print!("{}", table.portfolio_table(&summary.worst, summary.scored));
    }
    if args.format.is_empty() && !args.quiet {
        eprintln!("No --format given: only the summary was written (add e.g. --format html,csv for each client's reports).");
    }
    if !args.quiet {
        eprintln!(
            "{} answers file(s) scored, {} invalid; {} file(s) written in {}, {}",
            summary.scored,
            summary.invalid.len() + problems.iter().filter(|p| p.is_error).count(),
            summary.files_written,
            terminal_line(&dir.display().to_string()),
            if summary.portfolio_error.is_some() {
                "no summary (see the error above)".to_string()
            } else {
                format!(
                    "summary in {}",
                    terminal_line(&summary.portfolio_csv.display().to_string())
                )
            }
        );
    }
    Ok(
        if summary.invalid.is_empty() && !problems.iter().any(|p| p.is_error) {
            Exit::Success
        } else {
            Exit::Error
        },
    )
}
