//! `msp-risk ask-msp FILE`: the letter of questions for the MSP.

use crate::cli::{AskMspArgs, Cli};
use crate::{settings, Exit};

pub fn run(cli: &Cli, args: &AskMspArgs) -> anyhow::Result<Exit> {
    let bank = settings::load_bank(cli)?;
    let today = settings::today(cli)?;
    let answers = super::load_answers(&args.file, &bank)?;
    let report = msp_risk::score(&bank, &answers, today);
    let letter = msp_risk::ask_msp::letter(&bank, &report, args.msp_name.as_deref());
    super::emit(&letter, args.output.as_deref())?;
    Ok(Exit::Success)
}
