//! `msp-risk ask-msp`: a Markdown letter an owner can send to their MSP.
//!
//! Every "I don't know" answer, and every area the owner believes the MSP owns, becomes a
//! plain question to the MSP, grouped by topic, each with why it matters and what evidence
//! to ask for. This is how an owner turns "unverified" into verified, as the guidance asks.

use std::fmt::Write;

use crate::bank::{AnsweredBy, Bank, Kind, Question, WhoActs};
use crate::report::{QuestionStatus, Report};
use crate::sanitize::markdown as md;

/// Why a question is put to the MSP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The owner does not know (or has not answered a question only the MSP can).
    Unknown,
    /// The owner believes the MSP owns the area (alone, or shared).
    MspOwns {
        /// Shared with the owner.
        shared: bool,
    },
    /// The owner answered a question about what the MSP does: a belief for it to confirm.
    Confirm {
        /// The owner's answer, in words.
        believed: String,
    },
}

/// The questions to put to the MSP, with why each is asked, in report order: every "I don't
/// know" but the owner's own homework, every area the owner believes the MSP owns, and
/// every question about what the MSP does that the MSP has not answered itself. An answer
/// already from the MSP's reply is not asked again.
pub fn items<'b>(bank: &'b Bank, report: &Report) -> Vec<(&'b Question, Reason)> {
    let mut items: Vec<(&Question, Reason)> = Vec::new();
    for r in &report.questions {
        // An answer the MSP has given is not asked again; a "Not sure" is.
        let replied = r
            .msp_reply
            .as_ref()
            .is_some_and(|m| m.msp_answer.as_deref() != Some(crate::bank::UNKNOWN));
        if matches!(r.status, QuestionStatus::NotAsked) || replied {
            continue;
        }
        let Some(q) = bank.question(&r.id) else {
            continue;
        };
        // A check of "we do it ourselves" or "a vendor does it" is for the owner to make, not
        // a question for the MSP.
        let parent_answer = q.when.as_ref().and_then(|c| {
            report
                .questions
                .iter()
                .find(|p| p.id == c.question)
                .and_then(|p| p.answer.as_deref())
        });
        let owner_side = q.when.as_ref().is_some_and(|c| {
            bank.question(&c.question)
                .is_some_and(|p| p.kind == Kind::Ownership)
        }) && matches!(parent_answer, Some("us" | "vendor"));
        // The owner's own homework (her leader, her insurance) is not the MSP's to answer.
        let hers = q.answered_by == AnsweredBy::Owner && q.who_acts == WhoActs::You;
        let msps = q.answered_by == AnsweredBy::Msp && !owner_side;
        match r.answer.as_deref() {
            Some("unknown") if owner_side || hers => {}
            Some("unknown") => items.push((q, Reason::Unknown)),
            Some(owner @ ("msp" | "shared")) if q.kind == Kind::Ownership => items.push((
                q,
                Reason::MspOwns {
                    shared: owner == "shared",
                },
            )),
            None if msps && r.status == QuestionStatus::Unanswered => {
                items.push((q, Reason::Unknown))
            }
            // "Does not apply" is the owner's to decide, not the MSP's to confirm.
            Some("na") => {}
            Some(_) if msps => items.push((
                q,
                Reason::Confirm {
                    believed: r.answer_label.clone(),
                },
            )),
            _ => {}
        }
    }
    items
}

/// How many questions the letter for `report` asks (the same count wherever it is shown).
pub fn question_count(bank: &Bank, report: &Report) -> usize {
    items(bank, report).len()
}

/// The letter for `report`, with questions worded from `bank`. `msp` names the MSP.
pub fn letter(bank: &Bank, report: &Report, msp: Option<&str>) -> String {
    let items = items(bank, report);
    let org = report.organization.as_deref().unwrap_or("our organisation");
    let msp_name = msp
        .map(md)
        .unwrap_or_else(|| "our managed service provider".to_string());
    let mut out = String::new();
    let _ = writeln!(out, "# Questions for {msp_name} from {}\n", md(org));
    let _ = writeln!(out, "Date: {}\n", report.evaluated_on);
    match msp {
        Some(name) => {
            let _ = writeln!(out, "Hello {},\n", md(name));
        }
        None => out.push_str("Hello,\n\n"),
    }
    let _ = writeln!(
        out,
        "We are reviewing how {} manages the cyber risk of relying on a managed service provider, \
         following the guidance that CISA (the US Cybersecurity and Infrastructure Security Agency) and its \
         partners publish for customers of managed service providers. The guidance asks customers to \
         understand and check what their provider does, and to have roles and responsibilities written down.\n",
        md(org)
    );
    if items.is_empty() {
        out.push_str("We have no open questions for you at the moment. Thank you for your help.\n");
        return out;
    }
    let _ = writeln!(
        out,
        "There are {} points where we do not know the answer, or where we would like you to confirm \
         what we believe about what you do for us. Could you answer each one, and send the evidence \
         suggested where you can? A short written answer is fine.\n",
        items.len()
    );
    let mut n = 0;
    for (index, d) in bank.domains.iter().enumerate() {
        let in_domain: Vec<&(&Question, Reason)> =
            items.iter().filter(|(q, _)| q.domain == index).collect();
        if in_domain.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {}\n", md(&d.title));
        for (q, reason) in in_domain {
            n += 1;
            let question = q
                .msp_question
                .clone()
                .unwrap_or_else(|| format!("Can you help us answer this question: {}", q.text));
            let _ = writeln!(out, "### {n}. {}\n", md(&question));
            let context = match reason {
                Reason::Unknown => "We do not know the answer to this today.".to_string(),
                Reason::Confirm { believed } => format!(
                    "We believe the answer is \"{}\". Please confirm, or tell us what is true.",
                    md(believed)
                ),
                Reason::MspOwns { shared } => format!(
                    "We understand that {} {} responsible for {}. Please confirm what you do, and what you expect from us.",
                    if *shared { "you and we are" } else { "you are" },
                    if *shared { "jointly" } else { "" },
                    md(&q.area.clone().unwrap_or_else(|| "this".to_string()).to_lowercase())
                )
                .replace("  ", " "),
            };
            let _ = writeln!(out, "{context}\n");
            let _ = writeln!(
                out,
                "- *Why it matters (from our checklist):* {}",
                md(&q.why)
            );
            let evidence = q.evidence_to_request.clone().unwrap_or_else(|| {
                "The part of our contract or of your documentation that covers this.".to_string()
            });
            let _ = writeln!(out, "- *Evidence that would help:* {}", md(&evidence));
            let _ = writeln!(out, "- *Our reference:* {}\n", md(&q.id));
        }
    }
    out.push_str("Thank you. We will keep your answers with our risk assessment and review them together with you.\n\n");
    let _ = writeln!(
        out,
        "Regards,\n\n{}",
        report.assessed_by.as_deref().map_or("".to_string(), md)
    );
    out
}
