//! `msp-risk diff OLD NEW`: what changed between two assessments.

use crate::cli::{Cli, DiffArgs, DiffFormat};
use crate::{settings, Exit};

pub fn run(cli: &Cli, args: &DiffArgs) -> anyhow::Result<Exit> {
    let bank = settings::load_bank(cli)?;
    let today = settings::today(cli)?;
    let (files, any_bad) = super::load_all(&[args.old.clone(), args.new.clone()], &bank);
    if any_bad || files.len() != 2 {
        return Ok(Exit::Error);
    }
    let old = msp_risk::score(&bank, &files[0], today);
    let new = msp_risk::score(&bank, &files[1], today);
    let diff = msp_risk::diff::compare(&old, &new);
    let text = match args.format {
        DiffFormat::Table => diff.to_text(settings::width(
            cli,
            std::io::IsTerminal::is_terminal(&std::io::stdout()),
        )),
        DiffFormat::Json => serde_json::to_string_pretty(&diff)? + "\n",
    };
    super::emit(&text, None)?;
    Ok(if args.fail_on_regression && diff.regressed() {
        Exit::GateFailed
    } else {
        Exit::Success
    })
}
