//! Decisions about the environment, made once: colour, width, today's date and the bank.

use std::io::IsTerminal;

use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use msp_risk::bank::{self, Bank};
use msp_risk::render::TableOptions;

use crate::cli::{Cli, ColorChoice};

/// Whether to colour output going to standard output (`to_terminal`) or a file.
pub fn use_color(cli: &Cli, to_terminal: bool) -> bool {
    match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

/// The width to lay out for: `--width`, else the terminal's width, else `$COLUMNS`, else 80.
pub fn width(cli: &Cli, to_terminal: bool) -> usize {
    if let Some(w) = cli.width {
        return w;
    }
    if to_terminal {
        // comfy-table already knows how to ask the terminal.
        // A terminal that reports no size (0 columns: some pseudo-terminals) says nothing.
        if let Some(w) = comfy_table::Table::new().width().filter(|w| *w > 0) {
            return usize::from(w);
        }
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .unwrap_or(80)
}

/// Options for the table renderer writing to standard output (`output` unset) or a file.
pub fn table_options(cli: &Cli, to_file: bool, detailed: bool) -> TableOptions {
    let to_terminal = !to_file && std::io::stdout().is_terminal();
    TableOptions {
        width: width(cli, to_terminal),
        color: use_color(cli, to_terminal),
        detailed,
        ascii: cli.ascii,
    }
}

/// Today's date: `--today`, else `$SOURCE_DATE_EPOCH` (for reproducible output), else the
/// local date.
pub fn today(cli: &Cli) -> anyhow::Result<NaiveDate> {
    if let Some(d) = cli.today {
        return Ok(d);
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let secs: i64 = epoch
            .trim()
            .parse()
            .context("SOURCE_DATE_EPOCH should be a number of seconds since 1970")?;
        // Dates are written YYYY-MM-DD everywhere (and `--today` reads only that), so the
        // epoch must give a year from 1 to 9999; chrono alone would allow +10000-01-01.
        return chrono::DateTime::from_timestamp(secs, 0)
            .map(|t| t.date_naive())
            .filter(|d| (1..=9999).contains(&d.year()))
            .with_context(|| {
                format!("SOURCE_DATE_EPOCH={secs} is out of range: it must give a date from 0001-01-01 to 9999-12-31")
            });
    }
    Ok(chrono::Local::now().date_naive())
}

/// The bank in use: `--bank FILE` (checked in full), else the embedded one.
pub fn load_bank(cli: &Cli) -> anyhow::Result<Bank> {
    match &cli.bank {
        Some(path) => {
            let name = path.display().to_string();
            // No output may replace the bank this run reads.
            msp_risk::guard::protect(path);
            let bytes = msp_risk::fsio::read_limited(path)?;
            Ok(bank::load(&bytes, &name)?)
        }
        None => bank::builtin()
            .cloned()
            .map_err(|e| anyhow::anyhow!("the embedded bank is invalid (a bug): {e}")),
    }
}
