//! `msp-risk check FILE... --fail-on LEVEL`: the CI gate.

use std::fmt::Write as _;

use msp_risk::bank::Severity;
use msp_risk::gate::{self, Policy};
use msp_risk::sanitize::terminal_line;

use crate::cli::{CheckArgs, Cli, LevelArg};
use crate::{settings, Exit};

/// At most this many blocking findings are listed per file, to keep the verdict on one screen.
const LISTED: usize = 10;

pub fn run(cli: &Cli, args: &CheckArgs) -> anyhow::Result<Exit> {
    let bank = settings::load_bank(cli)?;
    let today = settings::today(cli)?;
    let policy = Policy {
        fail_on: match args.fail_on {
            LevelArg::Critical => Severity::Critical,
            LevelArg::High => Severity::High,
            LevelArg::Medium => Severity::Medium,
            LevelArg::Low => Severity::Low,
        },
        max_unknown: args.max_unknown,
        max_unanswered: args.max_unanswered,
    };
    let (files, any_bad) = super::load_all(&args.files, &bank);
    let mut out = String::new();
    let mut failed = 0;
    for answers in &files {
        let report = msp_risk::score(&bank, answers, today);
        let verdict = gate::evaluate(&report, &policy);
        failed += usize::from(!verdict.passed);
        let name = match &report.organization {
            Some(org) => format!("{} ({})", terminal_line(org), terminal_line(&report.file)),
            None => terminal_line(&report.file).into_owned(),
        };
        let score = match report.overall.score {
            Some(s) => format!("score {s}/100, {}", report.rating.label()),
            None => "nothing answered yet".to_string(),
        };
        let word = if verdict.passed { "PASS" } else { "FAIL" };
        let _ = writeln!(out, "{word}  {name}: {score}");
        for reason in &verdict.reasons {
            let _ = writeln!(out, "  - {reason}");
        }
        for id in verdict.blocking.iter().take(LISTED) {
            if let Some(f) = report.findings.iter().find(|f| &f.question == id) {
                let _ = writeln!(
                    out,
                    "    {:<8} {:<8} {}{}",
                    f.risk.id().to_uppercase(),
                    terminal_line(&f.question),
                    if f.unverified { "Not verified: " } else { "" },
                    terminal_line(&f.finding)
                );
            }
        }
        if verdict.blocking.len() > LISTED {
            let _ = writeln!(
                out,
                "    ... and {} more; see `msp-risk report {}`",
                verdict.blocking.len() - LISTED,
                terminal_line(&report.file)
            );
        }
    }
    if !files.is_empty() {
        let _ = writeln!(
            out,
            "{} of {} file(s) passed (--fail-on {}{}{})",
            files.len() - failed,
            files.len(),
            policy.fail_on.id(),
            args.max_unknown
                .map_or(String::new(), |n| format!(", --max-unknown {n}")),
            args.max_unanswered
                .map_or(String::new(), |n| format!(", --max-unanswered {n}")),
        );
    }
    super::emit(&out, None)?;
    Ok(if any_bad {
        Exit::Error
    } else if failed > 0 {
        Exit::GateFailed
    } else {
        Exit::Success
    })
}
