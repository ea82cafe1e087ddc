//! `msp-risk report FILE...`: score answers files and render the report.

use msp_risk::render::Format;

use crate::cli::{Cli, FormatArg, ReportArgs};
use crate::{settings, Exit};

pub fn run(cli: &Cli, args: &ReportArgs) -> anyhow::Result<Exit> {
    let bank = settings::load_bank(cli)?;
    let today = settings::today(cli)?;
    let (files, any_bad) = super::load_all(&args.files, &bank);
    let reports: Vec<_> = files
        .iter()
        .map(|a| msp_risk::score(&bank, a, today))
        .collect();
    if !reports.is_empty() {
        let format = match args.format {
            FormatArg::Table => Format::Table,
            FormatArg::Json => Format::Json,
        };
        let options = settings::table_options(cli, args.output.is_some(), args.detailed);
        let renderer = format.renderer(options);
        let text = if args.files.len() == 1 {
            renderer.render(&reports[0])?
        } else {
            renderer.render_portfolio(&reports)?
        };
        super::emit(&text, args.output.as_deref())?;
    }
    Ok(if any_bad { Exit::Error } else { Exit::Success })
}
