//! The reply form as YAML, for an MSP that prefers a text file to a workbook. The same
//! reader takes it back.

use std::fmt::Write;

use super::{Form, FORM_MARK};
use crate::sanitize::{terminal_line, wrap};
use crate::yaml::scalar;

const WIDTH: usize = 76;

fn comment(out: &mut String, indent: &str, text: &str) {
    for line in wrap(&terminal_line(text), WIDTH - indent.len()) {
        let _ = writeln!(out, "{indent}# {line}");
    }
}

/// The form as a YAML file to fill in: every question as comments above its empty entry.
pub fn form_yaml(form: &Form) -> String {
    let mut out = String::new();
    comment(&mut out, "", &crate::render::reply::form_title(form));
    out.push_str("#\n");
    for line in crate::render::reply::form_instructions(form, false) {
        if line.is_empty() {
            out.push_str("#\n");
        }
        comment(&mut out, "", &line);
    }
    let _ = writeln!(out, "form: {}", scalar(FORM_MARK));
    let _ = writeln!(out, "bank: {}", scalar(&form.bank));
    if let Some(org) = &form.organization {
        let _ = writeln!(out, "organization: {}", scalar(org));
    }
    match &form.msp {
        Some(msp) => {
            let _ = writeln!(out, "msp: {}", scalar(msp));
        }
        None => out.push_str("msp:                # your company's name\n"),
    }
    let _ = writeln!(out, "made_on: {}", form.made_on);
    out.push_str("replied_by:         # your name and role\n");
    out.push_str("replied_on:         # the date you answer, YYYY-MM-DD\n");
    out.push_str("answers:\n");
    let mut topic = "";
    for row in &form.rows {
        if row.topic != topic {
            topic = &row.topic;
            let _ = writeln!(out, "\n  # ── {} ──", terminal_line(topic));
        }
        out.push('\n');
        comment(&mut out, "  ", &format!("{}. {}", row.id, row.question));
        if let Some(believed) = crate::render::reply::we_believe(row.reason.as_ref()) {
            comment(&mut out, "  ", &believed);
        }
        if let Some(evidence) = &row.evidence {
            comment(
                &mut out,
                "  ",
                &format!("Evidence that would help: {evidence}"),
            );
        }
        comment(
            &mut out,
            "  ",
            &format!("Answer one of: {}", row.options.join(" | ")),
        );
        let _ = writeln!(out, "  {}:", row.id);
        out.push_str(
            "    answer:\n    comment:\n    evidence:\n    evidence_date:\n    answered_by:       # if not the person in replied_by\n",
        );
    }
    out
}
