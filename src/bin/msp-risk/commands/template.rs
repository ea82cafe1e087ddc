//! `msp-risk template`: a blank answers file (YAML, or a workbook for `--output *.xlsx`).

use crate::cli::{Cli, TemplateArgs};
use crate::{settings, Exit};

pub fn run(cli: &Cli, args: &TemplateArgs) -> anyhow::Result<Exit> {
    let bank = settings::load_bank(cli)?;
    let workbook = super::target(args.output.as_deref())
        .filter(|p| p.to_string_lossy().to_ascii_lowercase().ends_with(".xlsx"));
    if let Some(path) = workbook {
        let bytes = msp_risk::template::blank_answers_workbook(&bank)
            .map_err(|e| anyhow::anyhow!("cannot build the workbook: {e}"))?;
        msp_risk::fsio::write_new(path, &bytes)?;
    } else {
        let text = msp_risk::template::blank_answers_file(&bank);
        super::emit_new(&text, args.output.as_deref())?;
    }
    if let Some(path) = &args.output {
        eprintln!(
            "Wrote {}: fill in the answers, then run `msp-risk report {}`.",
            msp_risk::sanitize::terminal_line(&path.display().to_string()),
            msp_risk::sanitize::terminal_line(&path.display().to_string())
        );
    }
    Ok(Exit::Success)
}
