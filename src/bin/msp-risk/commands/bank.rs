//! `msp-risk bank list|show|lint|export`.

use std::fmt::Write as _;

use anyhow::bail;
use msp_risk::bank::{self, AnsweredBy, Bank, Kind, Question};
use msp_risk::sanitize::{terminal_line, wrap};

use crate::cli::{BankCommand, Cli};
use crate::{settings, Exit};

pub fn run(cli: &Cli, cmd: &BankCommand) -> anyhow::Result<Exit> {
    match cmd {
        BankCommand::List => {
            let bank = settings::load_bank(cli)?;
            super::emit(&list(&bank, settings::width(cli, is_terminal())), None)?;
        }
        BankCommand::Show { id } => {
            let bank = settings::load_bank(cli)?;
            let wanted = id.trim().to_uppercase();
            let Some(q) = bank.question(&wanted) else {
                bail!(
                    "there is no question `{}` in {}; `msp-risk bank list` shows every id",
                    terminal_line(id),
                    bank.reference()
                );
            };
            super::emit(&show(&bank, q, settings::width(cli, is_terminal())), None)?;
        }
        BankCommand::Lint { file } => {
            msp_risk::guard::protect(file);
            if msp_risk::guard::stdout_is_an_input() {
                bail!("{}", msp_risk::guard::STDOUT_IS_AN_INPUT);
            }
            let bytes = msp_risk::fsio::read_limited(file)?;
            let file = &file.display().to_string();
            match bank::load(&bytes, file) {
                Ok(b) => {
                    let follow_ups = b.questions.iter().filter(|q| q.is_follow_up()).count();
                    super::emit(
                        &format!(
                            "{}: valid bank {}: {} domains, {} questions ({follow_ups} follow-ups)\n",
                            terminal_line(file),
                            terminal_line(&b.reference()),
                            b.domains.len(),
                            b.questions.len()
                        ),
                        None,
                    )?;
                }
                Err(e) => {
                    let n = e.diagnostics().len().max(1);
                    crate::print_error(&e.into());
                    eprintln!("{}: {n} problem(s) found", terminal_line(file));
                    return Ok(Exit::Error);
                }
            }
        }
        BankCommand::Export { output } => {
            let text = match &cli.bank {
                Some(path) => {
                    // Load first: export only what would be accepted.
                    settings::load_bank(cli)?;
                    let bytes = msp_risk::fsio::read_limited(path)?;
                    String::from_utf8_lossy(&bytes).into_owned()
                }
                None => bank::BUILTIN_YAML.to_string(),
            };
            // On a terminal, a custom bank's raw text could hold escape sequences: shown
            // made safe; redirected or written to a file, it is copied as it is.
            let text = if output.is_none() && is_terminal() {
                msp_risk::sanitize::terminal_text(&text).into_owned()
            } else {
                text
            };
            super::emit_new(&text, output.as_deref())?;
        }
    }
    Ok(Exit::Success)
}

fn is_terminal() -> bool {
    std::io::IsTerminal::is_terminal(&std::io::stdout())
}

fn list(bank: &Bank, width: usize) -> String {
    let mut out = String::new();
    let follow_ups = bank.questions.iter().filter(|q| q.is_follow_up()).count();
    let msp = bank
        .questions
        .iter()
        .filter(|q| q.answered_by == AnsweredBy::Msp)
        .count();
    let _ = writeln!(
        out,
        "{}: {}\n{} questions in {} domains; {msp} for your MSP to answer [MSP answers];\n\
         {follow_ups} follow-ups, asked only after certain answers.",
        terminal_line(&bank.reference()),
        terminal_line(&bank.title),
        bank.questions.len(),
        bank.domains.len()
    );
    for d in &bank.domains {
        let _ = writeln!(
            out,
            "\n{} {} ({} questions)",
            terminal_line(&d.id),
            terminal_line(&d.title),
            d.questions.len()
        );
        for &i in &d.questions {
            let q = &bank.questions[i];
            let mut text = terminal_line(&q.text).into_owned();
            if let Some(c) = &q.when {
                let _ = write!(text, " (follow-up of {})", terminal_line(&c.question));
            }
            if q.answered_by == AnsweredBy::Msp {
                text.push_str(" [MSP answers]");
            }
            let head = format!("  {:<8} {:<8} ", terminal_line(&q.id), q.severity.id());
            let indent = " ".repeat(head.chars().count());
            for (n, line) in wrap(&text, width.saturating_sub(indent.len()).max(30))
                .iter()
                .enumerate()
            {
                let _ = writeln!(out, "{}{line}", if n == 0 { &head } else { &indent });
            }
        }
    }
    out
}

fn show(bank: &Bank, q: &Question, width: usize) -> String {
    let domain = bank.domain_of(q);
    let mut rows: Vec<(&str, String)> = vec![
        ("Question", q.text.to_string()),
        ("Domain", format!("{} {}", domain.id, domain.title)),
        ("Kind", q.kind.label().to_string()),
    ];
    let answers: Vec<String> = q
        .allowed_answers()
        .iter()
        .map(|id| match q.parse_answer(id) {
            Some(a) => format!("{id} ({})", q.answer_label(&a)),
            None => id.to_string(),
        })
        .collect();
    rows.push(("Answers", answers.join(", ")));
    rows.push(("Answered by", q.answered_by.label().to_string()));
    if let Some(how) = &q.how_to_find_out {
        rows.push(("How to find out", how.to_string()));
    }
    if let Some(m) = &q.msp_question {
        rows.push(("Ask the MSP", m.clone()));
    }
    if q.kind == Kind::Choice {
        let gaps: Vec<String> = q
            .options
            .iter()
            .map(|o| format!("{}: {}", o.id, o.gap.label()))
            .collect();
        rows.push(("Option gaps", gaps.join(", ")));
    }
    if let Some(c) = &q.when {
        rows.push((
            "Follow-up",
            format!(
                "asked only when {} is {}",
                c.question,
                c.answer_in.join(" or ")
            ),
        ));
    }
    rows.push((
        "Severity",
        format!("{} (weight {})", q.severity.id(), q.severity.weight()),
    ));
    rows.push(("Why it matters", q.why.to_string()));
    rows.push(("Gap means", q.finding.to_string()));
    rows.push(("What to do", q.recommendation.to_string()));
    rows.push(("Who acts", q.who_acts.label().to_string()));
    let consequences: Vec<&str> = q.consequences.iter().map(|c| c.label()).collect();
    rows.push(("Guards against", consequences.join("; ")));
    for r in q.references.iter() {
        let title = bank.source(&r.source).map_or("", |s| s.title.as_str());
        let mut text = format!(
            "{} {}, section \"{}\"; evidence {} ({})",
            r.source,
            title,
            r.section,
            r.evidence.id(),
            r.evidence.label()
        );
        if let Some(d) = &r.digest {
            let _ = write!(text, "; digest item {d}");
        }
        rows.push(("Reference", text));
    }
    if let Some(area) = &q.area {
        rows.push(("Area", area.clone()));
    }
    if let Some(c) = &q.confirmed_by {
        rows.push(("Contract check", format!("follow-up {c}")));
    }
    if let Some(label) = &q.msp_indicator {
        rows.push(("MSP indicator", label.clone()));
    }

    let mut out = format!("{}\n", terminal_line(&q.id));
    let label_width = 17;
    let text_width = width.saturating_sub(label_width).max(30);
    for (label, value) in rows {
        for (n, line) in wrap(&terminal_line(&value), text_width).iter().enumerate() {
            let head = if n == 0 {
                format!("{label}:")
            } else {
                String::new()
            };
            let _ = writeln!(out, "{head:<label_width$}{line}");
        }
    }
    out
}
