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
    // Check every output before doing any work, so a typo costs nothing.
    let outputs = outputs(args)?;
    let bank = settings::load_bank(cli)?;
    let today = settings::today(cli)?;
    let (files, any_bad) = super::load_all(&args.files, &bank);
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
        let format = args.format.map_or(Format::Table, format_of);
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
        let format = match (prefixed, args.format, args.output.len()) {
            (Some((f, _)), _, _) => f,
            (None, Some(f), 1) => format_of(f),
            _ => match Format::from_path(spec) {
                Some(f) => f,
                None => bail!(
                    "cannot tell the format of `{shown}`: give it an extension (.md .html .csv .json .xml .sarif .txt) \
                     or a prefix, like `html:{shown}`"
                ),
            },
        };
        if out.iter().any(|(_, p)| *p == path) {
            bail!("`{shown}` is named twice as an output");
        }
        out.push((format, path));
    }
    Ok(out)
}
