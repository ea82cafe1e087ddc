//! `msp-risk diff OLD NEW`: what changed between two assessments.

use crate::cli::{Cli, DiffArgs, DiffFormat};
use crate::{settings, Exit};

pub fn run(cli: &Cli, args: &DiffArgs) -> anyhow::Result<Exit> {
    let bank = settings::load_bank(cli)?;
    let today = settings::today(cli)?;
    // Both are read (and both reported if both are broken) before failing.
    let old = super::load_answers(&args.old, &bank);
    let new = super::load_answers(&args.new, &bank);
    let (old, new) = match (old, new) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            for e in [o.err(), n.err()].into_iter().flatten() {
                crate::print_error(&e);
            }
            return Ok(Exit::Error);
        }
    };
    let old = msp_risk::score(&bank, &old, today);
    let new = msp_risk::score(&bank, &new, today);
    let diff = msp_risk::diff::compare(&old, &new);
    let text = match args.format {
        DiffFormat::Table => diff.to_text(settings::width(
            cli,
            std::io::IsTerminal::is_terminal(&std::io::stdout()),
        )),
        // Organisation names and finding texts come from files: no control or bidi
        // character passes through.
        DiffFormat::Json => msp_risk::render::safe_json(&diff)?,
    };
    super::emit(&text, None)?;
    Ok(if args.fail_on_regression && diff.regressed() {
        Exit::GateFailed
    } else {
        Exit::Success
    })
}
