//! Writing answers files: the whole file from the model, or one entry in an existing file's
//! text (see `edit.rs`, which keeps comments and layout).

use std::fmt::Write as _;

use super::{AcceptedRisk, AnswerRecord, AnswersFile};
use crate::bank::Bank;
use crate::yaml;

/// An answer id as written in a file: bare when it is a plain lower-case word that no YAML
/// reader takes for anything else, quoted otherwise.
pub(crate) fn answer_word(id: &str) -> String {
    let plain = id.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !matches!(id, "true" | "false" | "null");
    if plain {
        id.to_string()
    } else {
        yaml::scalar(id)
    }
}

/// The lines of one entry under `answers:`, indented by `indent` spaces.
pub(crate) fn entry_lines(record: &AnswerRecord, indent: usize) -> Vec<String> {
    let pad = " ".repeat(indent);
    let answer = record.answer.as_ref().map(|a| answer_word(a.id()));
    let long = record.note.is_some()
        || record.evidence.is_some()
        || record.as_of.is_some()
        || record.asked_msp.is_some()
        || record.reply.is_some();
    if !long {
        return vec![match answer {
            Some(a) => format!("{pad}{}: {a}", record.question),
            None => format!("{pad}{}:", record.question),
        }];
    }
    let mut lines = vec![format!("{pad}{}:", record.question)];
    if let Some(a) = answer {
        lines.push(format!("{pad}  answer: {a}"));
    }
    if let Some(note) = &record.note {
        lines.push(format!("{pad}  note: {}", yaml::scalar(note)));
    }
    if let Some(evidence) = &record.evidence {
        lines.push(format!("{pad}  evidence: {}", yaml::scalar(evidence)));
    }
    if let Some(as_of) = record.as_of {
        lines.push(format!("{pad}  as_of: {as_of}"));
    }
    if let Some(asked) = record.asked_msp {
        lines.push(format!("{pad}  asked_msp: {asked}"));
    }
    if let Some(reply) = &record.reply {
        let source = if reply.answer_from_msp {
            "msp"
        } else {
            "owner"
        };
        lines.push(format!("{pad}  source: {source}"));
        if let Some(by) = &reply.by {
            lines.push(format!("{pad}  replied_by: {}", yaml::scalar(by)));
        }
        if let Some(on) = reply.on {
            lines.push(format!("{pad}  replied_on: {on}"));
        }
        if let Some(comment) = &reply.comment {
            lines.push(format!("{pad}  msp_comment: {}", yaml::scalar(comment)));
        }
        if let Some(owner) = &reply.owner_answer {
            lines.push(format!("{pad}  owner_answer: {}", answer_word(owner.id())));
        }
        if let Some(said) = &reply.msp_answer {
            lines.push(format!("{pad}  msp_answer: {}", answer_word(said.id())));
        }
    }
    lines
}

fn accepted_risk_lines(risk: &AcceptedRisk, out: &mut String) {
    let _ = writeln!(out, "  - question: {}", yaml::scalar(&risk.question));
    let _ = writeln!(
        out,
        "    justification: {}",
        yaml::scalar(&risk.justification)
    );
    if let Some(by) = &risk.approved_by {
        let _ = writeln!(out, "    approved_by: {}", yaml::scalar(by));
    }
    if let Some(expires) = risk.expires {
        let _ = writeln!(out, "    expires: {expires}");
    }
}

/// The whole file for `answers`, answers in bank order. Used when there is no file yet to
/// keep the layout of.
pub fn to_yaml(answers: &AnswersFile, bank: &Bank) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "bank: {}", yaml::scalar(&answers.bank_reference()));
    for (key, value) in [
        ("organization", answers.organization.clone()),
        ("msp", answers.msp.clone()),
        ("assessed_by", answers.assessed_by.clone()),
        ("assessed_on", answers.assessed_on.map(|d| d.to_string())),
    ] {
        if let Some(v) = value {
            let _ = writeln!(out, "{key}: {}", yaml::scalar(&v));
        }
    }
    out.push_str("answers:\n");
    for q in &bank.questions {
        if let Some(record) = answers.record(&q.id) {
            for line in entry_lines(record, 2) {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    if !answers.accepted_risks.is_empty() {
        out.push_str("accepted_risks:\n");
        for risk in &answers.accepted_risks {
            accepted_risk_lines(risk, &mut out);
        }
    }
    out
}
