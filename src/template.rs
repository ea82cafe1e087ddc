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

/// The blank answers workbook for `bank` (`template --output answers.xlsx`): sheet "Answers"
/// with one row per question and a dropdown of its answers, sheet "File" with the bank
/// reference and who answered, and sheet "Instructions". Every text from the bank is written
/// as a text cell, never a formula. `answers::load` reads it back.
pub fn blank_answers_workbook(bank: &Bank) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use crate::answers::sheet::{ANSWERS_SHEET, COLUMNS, FILE_SHEET};
    use rust_xlsxwriter::{DataValidation, Format, Workbook};

    let mut book = Workbook::new();
    let header = Format::new().set_bold().set_background_color("D9E1F2");
    // Only the header row is locked: Excel sorts rows of a protected sheet only when every
    // cell in them is unlocked.
    let open = Format::new().set_unlocked();
    let open_wrap = Format::new().set_unlocked().set_text_wrap();
    let plain = |s: &str| terminal_line(s).into_owned();

    let sheet = book.add_worksheet().set_name(ANSWERS_SHEET)?;
    for (col, name) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *name, &header)?;
    }
    for (col, width) in [10.0, 28.0, 70.0, 12.0, 14.0, 40.0, 30.0, 12.0]
        .iter()
        .enumerate()
    {
        sheet.set_column_width(col as u16, *width)?;
    }
    let mut row = 1u32;
    for domain in &bank.domains {
        for &i in &domain.questions {
            let q = &bank.questions[i];
            sheet.write_string_with_format(row, 0, &q.id, &open)?;
            let topic = plain(&format!("{} · {}", domain.id, domain.title));
            sheet.write_string_with_format(row, 1, topic, &open)?;
            sheet.write_string_with_format(row, 2, plain(&q.text), &open_wrap)?;
            let who = match q.answered_by {
                AnsweredBy::Msp => "your MSP",
                _ => "you",
            };
            sheet.write_string_with_format(row, 3, who, &open)?;
            for col in 4..COLUMNS.len() as u16 {
                sheet.write_blank(row, col, &open)?;
            }
            let allowed = q.allowed_answers();
            let mut list = DataValidation::new()
                .allow_list_strings(&allowed)?
                .set_error_title("Not an answer")?;
            list = list.set_error_message(plain(&format!(
                "{} takes one of: {}",
                q.id,
                allowed.join(", ")
            )))?;
            sheet.add_data_validation(row, 4, row, 4, &list)?;
            row += 1;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    // Rows can be sorted and filtered: the reader finds columns by header and rows by id.
    sheet.protect_with_options(&sheet_protection());
    sheet.autofilter(0, 0, row.saturating_sub(1), COLUMNS.len() as u16 - 1)?;

    let file = book.add_worksheet().set_name(FILE_SHEET)?;
    file.write_string_with_format(0, 0, "field", &header)?;
    file.write_string_with_format(0, 1, "value", &header)?;
    file.write_string_with_format(0, 2, "what it is", &header)?;
    file.set_column_width(0, 14)?;
    file.set_column_width(1, 30)?;
    file.set_column_width(2, 50)?;
    file.write_string(1, 0, "bank")?;
    file.write_string(1, 1, plain(&bank.reference()))?;
    file.write_string(1, 2, "the questionnaire and version; leave as it is")?;
    for (r, (field, what)) in [
        ("organization", "the organisation assessed"),
        ("assessed_by", "who answered"),
        ("assessed_on", "the date, as YYYY-MM-DD"),
    ]
    .iter()
    .enumerate()
    {
        let r = r as u32 + 2;
        file.write_string(r, 0, *field)?;
        file.write_blank(r, 1, &open)?;
        file.write_string(r, 2, *what)?;
    }
    file.protect();

    let how = book.add_worksheet().set_name("Instructions")?;
    how.set_column_width(0, 100)?;
    let title = plain(&format!(
        "msp-risk answers workbook: {} ({})",
        bank.title,
        bank.reference()
    ));
    let mut lines = vec![title];
    lines.extend(SHEET_HOW_TO.lines().map(str::to_string));
    for (r, line) in lines.iter().enumerate() {
        how.write_string(r as u32, 0, line)?;
    }
    book.save_to_buffer()
}

/// How a workbook's table sheets are protected: locked cells stay as written, but rows may
/// be sorted and filtered and columns resized (the readers find columns by header and rows
/// by id).
pub(crate) fn sheet_protection() -> rust_xlsxwriter::ProtectionOptions {
    rust_xlsxwriter::ProtectionOptions {
        sort: true,
        use_autofilter: true,
        format_columns: true,
        format_rows: true,
        ..rust_xlsxwriter::ProtectionOptions::default()
    }
}

const SHEET_HOW_TO: &str = "
How to fill it in:
- In the Answers sheet, choose an answer in the `answer` column for each question (the dropdown lists them).
- Leave an answer blank if you have not answered yet: blank answers show as \"unanswered\".
- \"I don't know\" is a fine answer: choose `unknown`. It counts as a gap until someone checks.
- Questions marked \"your MSP\" in the `who answers` column are about what your MSP does: ask them.
- `partial` means \"partly\"; `na` (where offered) means \"does not apply\".
- `note`, `evidence` (what you saw: a contract clause, a report) and `as_of` (the date it was true, YYYY-MM-DD) are optional.
- In the File sheet, fill in the organisation, who answered and the date. Leave the `bank` row as it is.
- You may sort or filter the rows: msp-risk finds each question by its id and each column by its header.
- Formulas are not read: type each value itself.
- Then run: msp-risk report THIS-FILE.xlsx
- Accepted risks are not part of the workbook: keep them in a YAML answers file (see the README).
";
