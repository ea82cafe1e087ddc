//! The reply form as a workbook, the way vendor questionnaires travel (SIG and CAIQ are
//! Excel workbooks with dropdown answers): sheet Reply with one row per question, sheet
//! Form with who answered, sheet Instructions, and a hidden sheet Lists that the dropdowns
//! read (a list typed into the dropdown itself may not pass 255 characters).

use rust_xlsxwriter::{DataValidation, Format, Formula, Workbook, XlsxError};

use super::parse::{FORM_SHEET, REPLY_COLUMNS, REPLY_SHEET};
use super::{Form, FORM_MARK};
use crate::sanitize::{ellipsize, terminal_line};

/// The longest text a cell holds (Excel's limit is 32,767 characters).
const CELL_MAX: usize = 32_000;

/// Text as a cell holds it: one line, no control characters, within the cell limit. Written
/// with `write_string`, so never a formula.
fn cell(s: &str) -> String {
    ellipsize(&terminal_line(s), CELL_MAX)
}

/// The form as an `.xlsx` workbook; `reply::load` reads it back.
pub fn form_workbook(form: &Form) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let header = Format::new().set_bold().set_background_color("D9E1F2");
    let open = Format::new().set_unlocked().set_text_wrap();
    let wrap = Format::new().set_text_wrap();
    // Only the header row is locked: Excel sorts rows of a protected sheet only when every
    // cell in them is unlocked. The reader maps rows back by the hidden id, whatever the order.
    let text = Format::new().set_unlocked().set_text_wrap();
    let open_date = Format::new().set_unlocked().set_num_format("yyyy-mm-dd");
    let answer_col = 5u16;

    let sheet = book.add_worksheet().set_name(REPLY_SHEET)?;
    for (col, name) in REPLY_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *name, &header)?;
    }
    for (col, width) in [8.0, 20.0, 60.0, 24.0, 30.0, 22.0, 36.0, 30.0, 14.0, 22.0]
        .iter()
        .enumerate()
    {
        sheet.set_column_width(col as u16, *width)?;
    }
    // The id column maps each row back, whatever the order: hidden, so nobody edits it.
    sheet.set_column_hidden(0)?;
    for (i, row) in form.rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string_with_format(r, 0, cell(&row.id), &text)?;
        sheet.write_string_with_format(r, 1, cell(&row.topic), &text)?;
        sheet.write_string_with_format(r, 2, cell(&row.question), &text)?;
        let believed = crate::render::reply::we_believe(row.reason.as_ref()).unwrap_or_default();
        sheet.write_string_with_format(r, 3, cell(&believed), &text)?;
        let evidence = row.evidence.as_deref().unwrap_or_default();
        sheet.write_string_with_format(r, 4, cell(evidence), &text)?;
        for (col, name) in REPLY_COLUMNS.iter().enumerate().skip(answer_col.into()) {
            let format = if *name == "evidence date" {
                &open_date
            } else {
                &open
            };
            sheet.write_blank(r, col as u16, format)?;
        }
        let last = column_letters(row.options.len());
        // Row r of the Lists sheet (0-based) is Excel's row r + 1.
        let excel_row = r + 1;
        let list = DataValidation::new()
            .allow_list_formula(Formula::new(format!(
                "=Lists!$B${excel_row}:${last}${excel_row}"
            )))
            .set_error_title("Not an answer")?
            .set_error_message(cell(&format!(
                "Choose one of: {}",
                ellipsize(&row.options.join(" | "), 200)
            )))?;
        sheet.add_data_validation(r, answer_col, r, answer_col, &list)?;
    }
    sheet.set_freeze_panes(1, 3)?;
    sheet.protect_with_options(&crate::template::sheet_protection());
    sheet.autofilter(0, 0, form.rows.len() as u32, REPLY_COLUMNS.len() as u16 - 1)?;

    let fields = book.add_worksheet().set_name(FORM_SHEET)?;
    for (col, name) in ["field", "value", "what it is"].iter().enumerate() {
        fields.write_string_with_format(0, col as u16, *name, &header)?;
    }
    fields.set_column_width(0, 14)?;
    fields.set_column_width(1, 34)?;
    fields.set_column_width(2, 60)?;
    let made_on = form.made_on.to_string();
    let rows: [(&str, Option<&str>, &str); 7] = [
        (
            "form",
            Some(FORM_MARK),
            "marks this as a reply form; leave as it is",
        ),
        (
            "bank",
            Some(&form.bank),
            "the questionnaire and its version; leave as it is",
        ),
        (
            "organization",
            form.organization.as_deref(),
            "the customer asking (blank: a form for several customers)",
        ),
        ("msp", form.msp.as_deref(), "your company's name"),
        ("made_on", Some(&made_on), "the day the form was made"),
        ("replied_by", None, "your name and role"),
        ("replied_on", None, "the date you answer, as YYYY-MM-DD"),
    ];
    for (i, (field, value, what)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        fields.write_string(r, 0, *field)?;
        let editable = matches!(*field, "msp" | "replied_by" | "replied_on");
        // Names are kept as names compare (invisible marks dropped, not replaced), so the
        // returned form still names the same MSP and client.
        let v = value.map(|v| match *field {
            "msp" | "organization" => ellipsize(&crate::sanitize::name_text(v), CELL_MAX),
            _ => cell(v),
        });
        match v {
            Some(v) if editable => fields.write_string_with_format(r, 1, v, &open)?,
            Some(v) => fields.write_string(r, 1, v)?,
            None => fields.write_blank(r, 1, &open)?,
        };
        fields.write_string(r, 2, *what)?;
    }
    fields.protect();

    let how = book.add_worksheet().set_name("Instructions")?;
    how.set_column_width(0, 110)?;
    let mut lines = vec![cell(&crate::render::reply::form_title(form))];
    lines.extend(
        crate::render::reply::form_instructions(form, true)
            .iter()
            .map(|l| cell(l)),
    );
    for (r, line) in lines.iter().enumerate() {
        how.write_string_with_format(r as u32, 0, line, &wrap)?;
    }

    let lists = book.add_worksheet().set_name("Lists")?;
    for (i, row) in form.rows.iter().enumerate() {
        let r = i as u32 + 1;
        lists.write_string(r, 0, cell(&row.id))?;
        for (j, option) in row.options.iter().enumerate() {
            lists.write_string(r, j as u16 + 1, cell(option))?;
        }
    }
    lists.protect();
    lists.set_hidden(true);
    // The first sheet a person sees is the questions.
    book.worksheet_from_index(0)?.set_active(true);
    book.save_to_buffer()
}

/// The column letters of 0-based column `n` + 1 (the options start in column B): `B`, `C`...
fn column_letters(options: usize) -> String {
    crate::answers::sheet::cell_name(0, options)
        .trim_end_matches(char::is_numeric)
        .to_string()
}
