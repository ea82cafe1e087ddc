//! `msp-risk template`: a blank answers file to fill in with an editor.
//!
//! Every question appears, grouped by domain, as comments (its text and allowed answers)
//! above an empty `ID:` line. An empty answer means "unanswered", so the blank file is
//! already valid and `msp-risk report` works on it at any stage of filling in.

use std::fmt::Write;

use crate::bank::{AnsweredBy, Bank, Kind, Question};
use crate::sanitize::{terminal_line, wrap};
use crate::yaml;

const WIDTH: usize = 76;

/// The blank answers file for `bank`.
pub fn blank_answers_file(bank: &Bank) -> String {
    // Editors with the YAML language server check and complete the file with this schema.
    let mut out = String::from("# yaml-language-server: $schema=msp-risk-answers.schema.json\n");
    let title = terminal_line(&bank.title);
    let reference = bank.reference();
    let _ = writeln!(
        out,
        "# msp-risk answers file: {title}\n# Questionnaire: {}",
        terminal_line(&reference)
    );
    out.push_str(HOW_TO);
    let _ = writeln!(out, "bank: {}", yaml::scalar(&reference));
    out.push_str("organization:       # the organisation assessed\n");
    out.push_str("assessed_by:        # who answered\n");
    out.push_str("assessed_on:        # the date, as YYYY-MM-DD\n");
    out.push_str("answers:\n");
    for domain in &bank.domains {
        let _ = writeln!(
            out,
            "\n  # ── {} · {} ──",
            domain.id,
            terminal_line(&domain.title)
        );
        for &i in &domain.questions {
            question(&mut out, bank, &bank.questions[i]);
        }
    }
    out.push_str(ACCEPTED);
    out
}

fn comment(out: &mut String, indent: &str, text: &str) {
    for line in wrap(&terminal_line(text), WIDTH - indent.len()) {
        let _ = writeln!(out, "  #{indent}{line}");
    }
}

fn question(out: &mut String, bank: &Bank, q: &Question) {
    out.push_str("  #\n");
    comment(
        out,
        " ",
        &format!(
            "{} ({}, {}{}): {}",
            q.id,
            q.kind.label(),
            q.severity.id(),
            if q.answered_by == AnsweredBy::Msp {
                "; your MSP answers"
            } else {
                ""
            },
            q.text
        ),
    );
    if let Some(how) = &q.how_to_find_out {
        comment(out, "   ", &format!("How to find out: {how}"));
    }
    if let Some(cond) = &q.when {
        let parent = bank.question(&cond.question);
        let words: Vec<String> = cond
            .answer_in
            .iter()
            .map(|w| match parent.and_then(|p| p.parse_answer(w)) {
                Some(a) => format!("{w} ({})", parent.map_or("", |p| p.answer_label(&a))),
                None => w.clone(),
            })
            .collect();
        comment(
            out,
            "   ",
            &format!(
                "Follow-up: answer only if {} is {}.",
                cond.question,
                words.join(" or ")
            ),
        );
    }
    let answers: Vec<String> = match q.kind {
        Kind::Choice => q
            .allowed_answers()
            .iter()
            .map(|id| match q.parse_answer(id) {
                Some(a) => format!("{id} = {}", q.answer_label(&a)),
                None => id.to_string(),
            })
            .collect(),
        _ => q.allowed_answers().iter().map(|s| s.to_string()).collect(),
    };
    let separator = if q.kind == Kind::Choice { "; " } else { " | " };
    comment(out, "   ", &format!("Answers: {}", answers.join(separator)));
    let _ = writeln!(out, "  {}:", q.id);
}

const HOW_TO: &str = "#
# How to fill it in:
#   - Write an answer after each question id, like `GOV-01: yes`. Leave it empty
#     if you have not answered yet: empty answers show as \"unanswered\".
#   - \"I don't know\" is a fine answer: write `unknown`. It counts as a gap
#     until someone checks. Many questions are about what your MSP does:
#     ask them, then update the answer.
#   - `partial` means \"partly\"; `na` (where offered) means \"does not apply\".
#   - Answers are not case-sensitive: `Yes` is read as `yes`.
#   - Follow-up questions count only when the answer they follow matches.
#   - To add a note, the evidence you saw, or the date it was true, write:
#       GOV-01:
#         answer: partial
#         note: the owner decides, but it is not written down
#         evidence: board minutes, March
#         as_of: 2026-11-01
#   - Then run: msp-risk report THIS-FILE
#   - Editors that use the YAML language server check this file as you type once
#     the schema named on the first line exists:
#       msp-risk schema answers > msp-risk-answers.schema.json
#
";

const ACCEPTED: &str = "
# Gaps the business decides to live with, for a reason. The finding stays in the
# report, marked accepted, and does not fail `msp-risk check` until it expires.
# To add one, remove the `#` in front of these lines and fill them in:
accepted_risks:
#  - question: LOG-03
#    justification: the MSP's monitoring covers this until the renewal
#    approved_by: Pat Owner
#    expires: 2027-06-30
";
