//! `msp-risk report FILE...`: score answers files and render the report, to standard output
//! or to one or more files.

use std::path::PathBuf;

use anyhow::bail;
use msp_risk::bank::Severity;
use msp_risk::render::{Format, RenderOptions};
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
    let outputs = outputs(args)?;
    let bank = settings::load_bank(cli)?;
    let today = settings::today(cli)?;
    let (files, invalid) = super::load_all(&args.files, &bank);
    let any_bad = !invalid.is_empty();
    let reports: Vec<_> = files
        .iter()
        .map(|a| msp_risk::score(&bank, a, today))
        .collect();
    if reports.is_empty() {
        return Ok(Exit::Error);
    }
    let render = |format: Format, to_file: bool| -> anyhow::Result<String> {
        let options = RenderOptions {
            table: settings::table_options(cli, to_file, args.detailed),
            fail_on: level(args.fail_on),
        };
        let renderer = format.renderer(options);
        Ok(if args.files.len() == 1 {
            renderer.render(&reports[0])?
        } else {
            renderer.render_portfolio(&reports)?
        })
    };
    if outputs.is_empty() {
        let format = args
            .format
            .first()
            .copied()
            .map_or(Format::Table, format_of);
        super::emit(&render(format, false)?, None)?;
    } else {
        // Render everything first: a failure leaves no partial set of files.
        let mut rendered = Vec::new();
        for (format, path) in &outputs {
            rendered.push((path, *format, render(*format, true)?));
        }
        for (path, format, text) in rendered {
            super::emit(&text, Some(path))?;
            eprintln!(
                "Wrote {} ({})",
                terminal_line(&path.display().to_string()),
                format.name()
            );
        }
    }
    Ok(if any_bad { Exit::Error } else { Exit::Success })
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

/// Each `--output` as (format, path), checked: a known format, an existing folder, not a
/// folder itself, no path twice.
fn outputs(args: &ReportArgs) -> anyhow::Result<Vec<(Format, PathBuf)>> {
    let mut out: Vec<(Format, PathBuf)> = Vec::new();
    for spec in &args.output {
        let shown = terminal_line(spec);
        let prefixed = spec
            .split_once(':')
            .and_then(|(name, path)| Format::from_name(name).zip(Some(path)))
            .filter(|(_, path)| !path.is_empty());
        let path = PathBuf::from(prefixed.map_or(spec.as_str(), |(_, p)| p));
        if path.is_dir() {
            bail!("cannot write {shown}: this is a folder, not a file");
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            if !parent.is_dir() {
                bail!(
                    "cannot write {shown}: the folder {} does not exist",
                    terminal_line(&parent.display().to_string())
                );
            }
        }
        let by_extension = Format::from_path(prefixed.map_or(spec.as_str(), |(_, p)| p));
        let format = match (prefixed, by_extension, args.format.first().copied()) {
            (Some((f, _)), _, _) => f,
            (None, Some(ext), Some(given)) if format_of(given) != ext && args.output.len() == 1 => bail!(
                "`{shown}` looks like {} output but --format says {}; name the file for its format, \
                 or force it with `{}:{shown}`",
                ext.name(),
                format_of(given).name(),
                format_of(given).name()
            ),
            (None, Some(ext), _) => ext,
            (None, None, Some(given)) if args.output.len() == 1 => format_of(given),
            _ => {
                if let Some((name, _)) = spec.split_once(':').filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric())) {
                    bail!(
                        "unknown format `{}` in `{shown}`; formats: table, json, markdown, html, csv, junit, sarif, oscal",
                        terminal_line(name)
                    );
                }
                bail!(
                    "cannot tell the format of `{shown}`: give it an extension (.md .html .csv .json .xml \
                     .sarif .sarif.json .oscal.json .txt) or a prefix, like `html:{shown}`"
                )
            }
        };
        if out.iter().any(|(_, p)| *p == path) {
            bail!("`{shown}` is named twice as an output");
        }
        out.push((format, path));
    }
    Ok(out)
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
    for (arg, why) in problems {
        eprintln!("error: {}: {why}", terminal_line(arg));
    }
    bar.finish_and_clear();

    for (file, problem) in &summary.invalid {
        // The problem already names the file and line.
        let _ = file;
        eprintln!("error: {}", terminal_line(problem));
    }
    if !args.quiet {
        let table =
            msp_risk::render::TableRenderer::new(settings::table_options(cli, false, false));
        print!("{}", table.portfolio_table(&summary.worst, summary.scored));
    }
    if args.format.is_empty() {
        eprintln!("No --format given: only the summary was written (add e.g. --format html,csv for each client's reports).");
    }
    eprintln!(
        "{} answers file(s) scored, {} invalid; {} file(s) written in {}, summary in {}",
        summary.scored,
        summary.invalid.len() + problems.len(),
        summary.files_written,
        terminal_line(&dir.display().to_string()),
        terminal_line(&summary.portfolio_csv.display().to_string())
    );
    Ok(if summary.invalid.is_empty() && problems.is_empty() {
        Exit::Success
    } else {
        Exit::Error
    })
}
