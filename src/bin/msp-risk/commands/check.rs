//! `msp-risk check FILE... --fail-on LEVEL`: the CI gate.

use std::fmt::Write as _;

use msp_risk::bank::Severity;
use msp_risk::gate::{self, Policy};
use msp_risk::render::finding_title;
use msp_risk::sanitize::{terminal_line, wrap};

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
    let width = settings::width(cli, std::io::IsTerminal::is_terminal(&std::io::stdout()));
    // Lines wrap to the width, continuing under their text.
    let put = |out: &mut String, first: &str, rest: &str, text: &str| {
        let room = width.saturating_sub(first.chars().count()).max(20);
        for (i, line) in wrap(text, room).iter().enumerate() {
            let _ = writeln!(out, "{}{line}", if i == 0 { first } else { rest });
        }
    };
    // Every input is known before anything is printed: standard output redirected into one
    // of them (`check a.yaml >> a.yaml`) is refused before a line is written.
    super::protect_inputs(&args.files);
    if msp_risk::guard::stdout_is_an_input() {
        anyhow::bail!("{}", msp_risk::guard::STDOUT_IS_AN_INPUT);
    }
    let mut failed = 0;
    let mut checked = 0;
    // One file at a time, each verdict printed as it comes: any number of files fits.
    let invalid = super::for_each_answers(&args.files, &bank, &mut |answers| {
        let mut out = String::new();
        checked += 1;
        let report = msp_risk::score(&bank, &answers, today);
        let verdict = gate::evaluate(&report, &policy);
        failed += usize::from(!verdict.passed);
        let name = match &report.organization {
            Some(org) => format!("{} ({})", terminal_line(org), terminal_line(&report.file)),
            None => terminal_line(&report.file).into_owned(),
        };
        let score = match (report.overall.score, report.overall.best_case) {
            (Some(s), Some(b)) if b > s => format!(
                "score {s}/100, {} (could be up to {b} once {} answer(s) are verified)",
                report.rating.label(),
                report.overall.to_verify
            ),
            (Some(s), _) => format!("score {s}/100, {}", report.rating.label()),
            (None, _) => "nothing answered yet".to_string(),
        };
        let word = if verdict.passed { "PASS" } else { "FAIL" };
        put(
            &mut out,
            &format!("{word}  "),
            "      ",
            &format!("{name}: {score}"),
        );
        for reason in &verdict.reasons {
            put(&mut out, "  - ", "    ", reason);
        }
        for id in verdict.blocking.iter().take(LISTED) {
            if let Some(f) = report.findings.iter().find(|f| &f.question == id) {
                let head = format!(
                    "    {:<8} {:<7} ",
                    f.risk.id().to_uppercase(),
                    terminal_line(&f.question)
                );
                put(
                    &mut out,
                    &head,
                    &" ".repeat(head.chars().count()),
                    &terminal_line(&finding_title(f)),
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
        super::emit(&out, None)
    })?;
    let any_bad = !invalid.is_empty();
    let mut out = String::new();
    for (input, why) in &invalid {
        let _ = writeln!(out, "INVALID  {}: {why}", terminal_line(input));
    }
    if checked > 0 || any_bad {
        let invalid = invalid.len();
        let _ = writeln!(
            out,
            "{} of {} file(s) passed{} (--fail-on {}{}{})",
            checked - failed,
            checked + invalid,
            if invalid > 0 {
                format!(", {invalid} invalid")
            } else {
                String::new()
            },
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
