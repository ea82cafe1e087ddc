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

/// The answers the MSP may give to `q`, in its words (the questions speak to it as "you",
/// of the client as "us"), with the answer each stands for. Dropdowns list these; reading
/// a reply accepts them besides answer ids and the owner's labels.
pub fn msp_options(q: &crate::bank::Question) -> Vec<(crate::bank::Answer, String)> {
    use crate::bank::{Answer, Kind, Owner, YesNo};
    let mut out: Vec<(Answer, String)> = match q.kind {
        Kind::YesNo => [YesNo::Yes, YesNo::Partial, YesNo::No]
            .into_iter()
            .map(|v| (Answer::YesNo(v), v.label().to_string()))
            .collect(),
        Kind::Ownership => Owner::ALL
            .iter()
            .map(|v| {
                let label = match v {
                    Owner::Us => "Us (the customer)",
                    Owner::Msp => "You (the MSP)",
                    Owner::Shared => "Both (shared)",
                    Owner::Vendor => "A software vendor",
                    Owner::Nobody => "Nobody",
                };
                (Answer::Owner(*v), label.to_string())
            })
            .collect(),
        Kind::Choice => q
            .options
            .iter()
            .map(|o| (Answer::Choice(o.id.clone()), o.label.clone()))
            .collect(),
    };
    out.push((Answer::Unknown, "Not sure".to_string()));
    if q.allow_na {
        out.push((Answer::YesNo(YesNo::Na), "Does not apply".to_string()));
    }
    out
}

/// What the client believes, for a row of the reply form: "We believe: Our MSP.", or
/// `None` on a form for several clients.
pub fn we_believe(reason: Option<&crate::ask_msp::Reason>) -> Option<String> {
    use crate::ask_msp::Reason;
    Some(match reason? {
        Reason::Unknown => "We do not know.".to_string(),
        Reason::MspOwns { shared: false } => "We believe you do this.".to_string(),
        Reason::MspOwns { shared: true } => "We believe you and we share this.".to_string(),
        Reason::Confirm { believed } => format!("We believe: {believed}."),
    })
}

/// How to fill in the reply form, line by line (the workbook's Instructions sheet, the YAML
/// form's opening comments).
pub fn form_instructions(form: &crate::reply::Form, workbook: bool) -> Vec<String> {
    let from = form
        .organization
        .as_deref()
        .map_or("our customers".to_string(), |o| o.to_string());
    let mut lines = vec![
        format!(
            "{from} is checking what its managed service provider does for its security, as CISA's \
             guidance for MSP customers asks. These are {} questions we would like you to answer in writing.",
            form.rows.len()
        ),
        String::new(),
        "How to answer:".to_string(),
    ];
    if workbook {
        lines.extend([
            "- In the Form sheet, fill in your name and role (replied_by) and today's date (replied_on, YYYY-MM-DD). Check that `msp` is your company's name.".to_string(),
            "- In the Reply sheet, choose an answer for each question from the dropdown in the `answer` column.".to_string(),
            "- \"We believe\" says what we think today: please correct us where we are wrong.".to_string(),
            "- `comment` is optional. In `evidence`, name the document that shows the answer (a contract clause, a report, a policy), and put its date in `evidence date`.".to_string(),
            "- Leave a row blank if you cannot answer it yet. You may sort or filter the rows; do not change the hidden id column.".to_string(),
            "- Formulas are not read: type each value itself.".to_string(),
        ]);
    } else {
        lines.extend([
            "- Fill in `replied_by` (your name and role) and `replied_on` (today, YYYY-MM-DD). Check that `msp` is your company's name.".to_string(),
            "- For each question, write one of the answers listed above it after `answer:`.".to_string(),
            "- `comment` is optional. In `evidence`, name the document that shows the answer (a contract clause, a report, a policy), and put its date in `evidence_date` (YYYY-MM-DD).".to_string(),
            "- Leave a question blank if you cannot answer it yet. Do not change the question ids.".to_string(),
        ]);
    }
    lines.push(String::new());
    lines.push(format!(
        "Send the file back to {from} as it is. It is read by msp-risk (made on {}, questionnaire {}).",
        form.made_on, form.bank
    ));
    lines
}
