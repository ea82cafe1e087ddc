//! `msp-risk ask-msp FILE...`: the questions for the MSP, as a letter or as a reply form.

use anyhow::bail;
use msp_risk::sanitize::terminal_line;

use crate::cli::{AskMspArgs, Cli};
use crate::{settings, Exit};

/// The kind of reply form an output name asks for, if any.
fn form_kind(output: Option<&std::path::Path>) -> Option<&'static str> {
    let name = super::target(output)?
        .to_string_lossy()
        .to_ascii_lowercase();
    if name.ends_with(".xlsx") {
        Some("xlsx")
    } else if name.ends_with(".yaml") || name.ends_with(".yml") {
        Some("yaml")
    } else {
        None
    }
}

pub fn run(cli: &Cli, args: &AskMspArgs) -> anyhow::Result<Exit> {
    let bank = settings::load_bank(cli)?;
    let today = settings::today(cli)?;
    let mut clients = Vec::new();
    for file in &args.files {
        clients.push(super::load_answers(file, &bank)?);
    }
    // One MSP per form: the name given, else the one the files agree on.
    let named: Vec<&str> = clients.iter().filter_map(|a| a.msp.as_deref()).collect();
    let msp = match &args.msp_name {
        Some(name) => {
            if let Some(other) = named.iter().find(|n| !msp_risk::reply::same_name(n, name)) {
                bail!(
                    "--msp-name is `{}`, but an answers file names its MSP as `{}`; a reply from one \
                     MSP is never merged into another MSP's client (fix `msp:` in the file, or the name)",
                    terminal_line(name),
                    terminal_line(other)
                );
            }
            Some(name.clone())
        }
        None => {
            if let Some(first) = named.first() {
                if let Some(other) = named.iter().find(|n| !msp_risk::reply::same_name(n, first)) {
                    bail!(
                        "the answers files name different MSPs (`{}` and `{}`); make one form per MSP",
                        terminal_line(first),
                        terminal_line(other)
                    );
                }
            }
            named.first().map(|n| n.to_string())
        }
    };
    let reports: Vec<msp_risk::report::Report> = clients
        .iter()
        .map(|a| msp_risk::score(&bank, a, today))
        .collect();
    match form_kind(args.output.as_deref()) {
        Some(kind) => {
            let path = args.output.as_deref().unwrap_or(std::path::Path::new("-"));
            let refs: Vec<&msp_risk::report::Report> = reports.iter().collect();
            let form = msp_risk::reply::form(&bank, &refs, msp.as_deref(), today);
            let bytes = match kind {
                "xlsx" => msp_risk::reply::form_workbook(&form)
                    .map_err(|e| anyhow::anyhow!("cannot build the workbook: {e}"))?,
                _ => msp_risk::reply::form_yaml(&form).into_bytes(),
            };
            // A form may already be filled in by the MSP: never replaced.
            msp_risk::fsio::write_new(path, &bytes)?;
            let shown = terminal_line(&path.display().to_string()).into_owned();
            eprintln!(
                "{}",
                msp_risk::render::reply::form_written(&shown, form.rows.len(), &args.files)
            );
        }
        None => {
            let [report] = reports.as_slice() else {
                bail!(
                    "a letter is for one answers file; for several clients, write one reply form \
                     for all of them with `--output reply.xlsx`"
                );
            };
            let letter = msp_risk::ask_msp::letter(&bank, report, msp.as_deref());
            super::emit(&letter, args.output.as_deref())?;
        }
    }
    Ok(Exit::Success)
}
