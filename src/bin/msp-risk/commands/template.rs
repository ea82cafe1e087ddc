//! `msp-risk template`: a blank answers file.

use crate::cli::{Cli, TemplateArgs};
use crate::{settings, Exit};

pub fn run(cli: &Cli, args: &TemplateArgs) -> anyhow::Result<Exit> {
    let bank = settings::load_bank(cli)?;
    let text = msp_risk::template::blank_answers_file(&bank);
    super::emit_new(&text, args.output.as_deref())?;
    if let Some(path) = &args.output {
        eprintln!(
            "Wrote {}: fill in the answers, then run `msp-risk report {}`.",
            msp_risk::sanitize::terminal_line(&path.display().to_string()),
            msp_risk::sanitize::terminal_line(&path.display().to_string())
        );
    }
    Ok(Exit::Success)
}
