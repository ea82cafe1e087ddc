//! What reports say about the MSP's reply: answers it confirmed, and where it contradicts
//! the owner (a disagreement to settle).

use crate::answers::AnswerRecord;
use crate::report::{Disagreement, Report};

/// The label of an answer that came from the MSP's reply: "No (your MSP, 2026-12-03)".
pub fn msp_answer_label(label: &str, record: &AnswerRecord) -> String {
    match record.reply.as_ref().and_then(|r| r.on) {
        Some(day) => format!("{label} (your MSP, {day})"),
        None => format!("{label} (your MSP)"),
    }
}

/// The title of a disagreement finding.
pub fn disagreement_title(d: &Disagreement) -> String {
    format!(
        "Disagreement: you answered \"{}\", your MSP answered \"{}\"",
        d.owner_label, d.msp_label
    )
}

/// What to do about a disagreement, before the question's own fix.
pub fn disagreement_recommendation(recommendation: &str) -> String {
    format!(
        "Settle this with your MSP: agree which answer is true and get it in writing. Then \
         write the agreed answer as `answer:` and delete the `owner_answer:` line. Until then \
         it counts as \"I don't know\". {recommendation}"
    )
}

/// One line on what the MSP's reply did, for the report's summary: "Your MSP confirmed 40
/// answers (12 with evidence); 2 disagreements to settle." `None` before any reply.
pub fn reply_summary(report: &Report) -> Option<String> {
    let c = &report.counts;
    if c.from_msp == 0 && c.disagreements == 0 {
        return None;
    }
    let mut s = format!(
        "Your MSP answered {} {}",
        c.from_msp,
        if c.from_msp == 1 {
            "question"
        } else {
            "questions"
        }
    );
    if c.from_msp > 0 {
        s.push_str(&format!(" ({} with evidence)", c.from_msp_with_evidence));
    }
    if c.disagreements > 0 {
        s.push_str(&format!(
            "; {} {} with what you answered: settle {}",
            c.disagreements,
            if c.disagreements == 1 {
                "answer disagrees"
            } else {
                "answers disagree"
            },
            if c.disagreements == 1 { "it" } else { "them" }
        ));
    }
    s.push('.');
    Some(s)
}
