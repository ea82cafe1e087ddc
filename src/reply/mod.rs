//! The round trip with the MSP: a reply form listing the questions to put to it (a workbook
//! or YAML), read back when it returns, and merged into each client's answers file.
//!
//! Every merged answer records that it came from the MSP (`source: msp`, who, when, its
//! comment and evidence). An owner's answer is never silently replaced: where the MSP's
//! answer differs, the owner's is kept as `owner_answer` and the report shows a
//! disagreement to settle.

mod parse;
mod workbook;
mod yaml;

pub use parse::load;
pub use workbook::form_workbook;
pub use yaml::form_yaml;

use std::collections::HashSet;

use chrono::NaiveDate;

use crate::answers::{AnswerRecord, AnswersFile, Migrated, MspReply};
use crate::ask_msp::Reason;
use crate::bank::{Answer, Bank};
use crate::diagnostic::Pos;
use crate::report::Report;

/// What marks a file as a reply form (`form:` in YAML, the Form sheet in a workbook).
pub const FORM_MARK: &str = "msp-risk reply";

/// The questions sent to the MSP, ready to be written as a form.
#[derive(Debug, Clone)]
pub struct Form {
    /// `bank@version` the questions come from.
    pub bank: String,
    /// The client asking; `None` for a form covering several clients.
    pub organization: Option<String>,
    /// The clients a form for several covers (their names, or their files' names).
    pub clients: Vec<String>,
    /// The MSP it is for.
    pub msp: Option<String>,
    /// The day it was made.
    pub made_on: NaiveDate,
    /// One row per question, in bank order.
    pub rows: Vec<FormRow>,
}

/// One question on the form.
#[derive(Debug, Clone)]
pub struct FormRow {
    /// The question id (hidden in the workbook: rows may be sorted or edited).
    pub id: String,
    /// The domain title.
    pub topic: String,
    /// The question in the MSP's words.
    pub question: String,
    /// Why it is asked (for one client), or `None` on a form for several.
    pub reason: Option<Reason>,
    /// The evidence that would help.
    pub evidence: Option<String>,
    /// The answers the MSP may give, in its words.
    pub options: Vec<String>,
}

/// The form for the questions `reports` (one per client, scored with `bank`) put to the MSP:
/// the union of their questions, in bank order. With one report, each row says what the
/// client believes.
pub fn form(bank: &Bank, reports: &[&Report], msp: Option<&str>, today: NaiveDate) -> Form {
    let mut asked: Vec<Option<Reason>> = vec![None; bank.questions.len()];
    let mut any = vec![false; bank.questions.len()];
    for report in reports {
        for (q, reason) in crate::ask_msp::items(bank, report) {
            if let Some(i) = bank.position(&q.id) {
                any[i] = true;
                asked[i] = (reports.len() == 1).then_some(reason);
            }
        }
    }
    let mut rows = Vec::new();
    for domain in &bank.domains {
        for &i in &domain.questions {
            if !any[i] {
                continue;
            }
            let q = &bank.questions[i];
            rows.push(FormRow {
                id: q.id.clone(),
                topic: domain.title.to_string(),
                question: q.msp_question.clone().unwrap_or_else(|| q.text.to_string()),
                reason: asked[i].clone(),
                evidence: q.evidence_to_request.clone(),
                options: crate::render::reply::msp_options(q)
                    .into_iter()
                    .map(|(_, label)| label)
                    .collect(),
            });
        }
    }
    let organization = match reports {
        [one] => one.organization.clone(),
        _ => None,
    };
    let clients = reports
        .iter()
        .map(|r| r.organization.clone().unwrap_or_else(|| r.file.clone()))
        .collect();
    Form {
        bank: bank.reference(),
        organization,
        clients,
        msp: msp.map(str::to_string),
        made_on: today,
        rows,
    }
}

/// A reply form as the MSP returned it.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    /// The file as named by the user.
    pub file: String,
    /// The bank id the form was made from.
    pub bank_id: String,
    /// Its version.
    pub bank_version: String,
    /// The client the form was made for; `None` when it covers several.
    pub organization: Option<String>,
    /// The MSP that answered.
    pub msp: Option<String>,
    /// Who at the MSP answered.
    pub replied_by: Option<String>,
    /// When.
    pub replied_on: Option<NaiveDate>,
    /// The answers given (blank rows left out), in the form's order.
    pub answers: Vec<ReplyAnswer>,
    /// What carrying the reply over from an older bank version changed.
    pub migrated: Option<Migrated>,
}

/// One answer in the MSP's reply.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplyAnswer {
    /// The question id (in the bank in use).
    pub question: String,
    /// The MSP's answer.
    pub answer: Answer,
    /// Its comment.
    pub comment: Option<String>,
    /// The evidence it names.
    pub evidence: Option<String>,
    /// The date of that evidence.
    pub evidence_date: Option<NaiveDate>,
    /// Who at the MSP answered this one, where it is not the form's `replied_by`.
    pub answered_by: Option<String>,
    /// Where it is in the reply.
    pub pos: Pos,
}

impl ReplyAnswer {
    /// The evidence as one text: "SOC 2 Type 2 report (2026-06-30)".
    pub fn evidence_text(&self) -> Option<String> {
        match (&self.evidence, self.evidence_date) {
            (Some(e), Some(d)) => Some(format!("{e} ({d})")),
            (Some(e), None) => Some(e.clone()),
            (None, Some(d)) => Some(format!("dated {d}")),
            (None, None) => None,
        }
    }
}

/// What merging did to one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// The owner did not know (or had not answered): the MSP's answer fills it in.
    Filled,
    /// The MSP gave the owner's answer: now confirmed.
    Confirmed,
    /// The MSP's answer differs from the owner's: both kept, a disagreement to settle.
    Disagrees,
    /// The MSP is not sure where the owner answered: the owner's answer stays, unconfirmed.
    MspNotSure,
    /// An earlier reply's answer, updated by this one.
    Updated,
    /// The same as the file already holds from the MSP.
    Unchanged,
    /// The file holds a later reply from the MSP on this question: the older one is skipped.
    Older,
    /// A question the form never put to the MSP for this client (the owner's own, or one she
    /// answered herself): ignored.
    NotAsked,
}

/// One question's change.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The question id.
    pub question: String,
    /// What happened.
    pub kind: ChangeKind,
    /// The answer in the file before, if any.
    pub before: Option<Answer>,
    /// The MSP's answer.
    pub msp: Answer,
}

/// Why a reply is not merged into an answers file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    /// The reply answers another questionnaire.
    #[error("the reply answers the questionnaire `{reply}`, but {file} answers `{answers}`")]
    OtherBank {
        /// The answers file.
        file: String,
        /// The reply's bank id.
        reply: String,
        /// The answers file's bank id.
        answers: String,
    },
    /// The reply does not say which MSP answered.
    #[error("the reply does not say which MSP answered; fill in `msp` (the Form sheet, or `msp:` in YAML)")]
    NoMsp,
    /// The reply comes from another MSP than the client's.
    #[error("the reply is from `{reply}`, but {file} names its MSP as `{client}`; merge each MSP's reply into its own clients' files")]
    OtherMsp {
        /// The answers file.
        file: String,
        /// The MSP named in the reply.
        reply: String,
        /// The MSP named in the answers file.
        client: String,
    },
    /// Several clients are being updated and this one does not name its MSP.
    #[error("{file} does not name its MSP, so it cannot be checked against the reply from `{reply}`; add the line `msp: {reply}` to it if that is its MSP")]
    ClientNamesNoMsp {
        /// The answers file.
        file: String,
        /// The MSP named in the reply.
        reply: String,
    },
    /// The reply was made for another client.
    #[error("the reply answers questions from `{reply}`, not from `{client}` ({file}); use the reply made for this client, or one made for all clients")]
    OtherClient {
        /// The answers file.
        file: String,
        /// The client named in the reply.
        reply: String,
        /// The client named in the answers file.
        client: String,
    },
}

/// Names compared as people write them: case, accents' composition, spaces and punctuation
/// at the ends do not matter ("Acme IT" is "acme it.").
pub fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        crate::batch::clash_key(&crate::sanitize::name_text(s))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_string()
    };
    norm(a) == norm(b)
}

/// `answers` with `reply` merged in, and what changed; or why it must not be. `several`
/// says whether one reply is being merged into several clients' files: then each must name
/// its MSP, so that a reply is never merged into another MSP's client.
pub fn merge(
    answers: &AnswersFile,
    reply: &Reply,
    several: bool,
    askable: &HashSet<String>,
) -> Result<(AnswersFile, Vec<Change>), Refusal> {
    if reply.bank_id != answers.bank_id {
        return Err(Refusal::OtherBank {
            file: answers.file.clone(),
            reply: reply.bank_id.clone(),
            answers: answers.bank_id.clone(),
        });
    }
    let reply_msp = reply.msp.clone().ok_or(Refusal::NoMsp)?;
    match &answers.msp {
        Some(client) if !same_name(client, &reply_msp) => {
            return Err(Refusal::OtherMsp {
                file: answers.file.clone(),
                reply: reply_msp,
                client: client.clone(),
            })
        }
        None if several => {
            return Err(Refusal::ClientNamesNoMsp {
                file: answers.file.clone(),
                reply: reply_msp,
            })
        }
        _ => {}
    }
    if let (Some(r), Some(c)) = (&reply.organization, &answers.organization) {
        if !same_name(r, c) {
            return Err(Refusal::OtherClient {
                file: answers.file.clone(),
                reply: r.clone(),
                client: c.clone(),
            });
        }
    }
    let mut out = answers.clone();
    let mut changes = Vec::new();
    for a in &reply.answers {
        if !askable.contains(&a.question) {
            changes.push(Change {
                question: a.question.clone(),
                kind: ChangeKind::NotAsked,
                before: answers.answer(&a.question).cloned(),
                msp: a.answer.clone(),
            });
            continue;
        }
        let heard = MspReply {
            answer_from_msp: true,
            by: a.answered_by.clone().or_else(|| reply.replied_by.clone()),
            on: reply.replied_on,
            comment: a.comment.clone(),
            owner_answer: None,
            msp_answer: None,
        };
        let position = out.answers.iter().position(|r| r.question == a.question);
        let record = match position {
            Some(i) => &mut out.answers[i],
            None => {
                out.answers.push(AnswerRecord {
                    question: a.question.clone(),
                    ..AnswerRecord::default()
                });
                let last = out.answers.len() - 1;
                &mut out.answers[last]
            }
        };
        let before = record.answer.clone();
        // This very reply was heard before and the owner's answer stands (she settled a
        // disagreement her way, or the MSP was not sure): merging it again changes nothing.
        let settled = record.reply.as_ref().is_some_and(|r| {
            !r.answer_from_msp && r.on.is_some() && r.on == reply.replied_on && r.by == heard.by
        });
        // The owner's own belief: her answer, or, under an earlier reply, the answer she gave
        // before it.
        let owner = if record.from_msp() {
            record.reply.as_ref().and_then(|r| r.owner_answer.clone())
        } else {
            before.clone().filter(|b| *b != Answer::Unknown)
        };
        // A reply older than what the file already holds from the MSP never replaces it.
        let older = match (record.reply.as_ref().and_then(|r| r.on), reply.replied_on) {
            (Some(held), Some(this)) => this < held,
            _ => false,
        };
        let kind = match &owner {
            _ if settled => ChangeKind::Unchanged,
            _ if older => ChangeKind::Older,
            _ if record.from_msp() && before.as_ref() == Some(&a.answer) => ChangeKind::Unchanged,
            _ if a.answer == Answer::Unknown => ChangeKind::MspNotSure,
            _ if record.from_msp() => ChangeKind::Updated,
            None => ChangeKind::Filled,
            Some(o) if *o == a.answer => ChangeKind::Confirmed,
            Some(_) => ChangeKind::Disagrees,
        };
        changes.push(Change {
            question: a.question.clone(),
            kind,
            before: before.clone(),
            msp: a.answer.clone(),
        });
        match kind {
            ChangeKind::Unchanged if settled => continue,
            ChangeKind::Older => continue,
            // The owner's answer stands ("I don't know" if she had none); what the MSP said
            // is kept beside it, and the question is asked again.
            // An answer the MSP gave before stands over its later "Not sure".
            ChangeKind::MspNotSure if record.from_msp() => continue,
            ChangeKind::MspNotSure => {
                record.answer.get_or_insert(Answer::Unknown);
                record.reply = Some(MspReply {
                    answer_from_msp: false,
                    msp_answer: Some(Answer::Unknown),
                    ..heard
                });
                continue;
            }
            _ => {}
        }
        // The owner's date was for her answer, not the MSP's (whose date is `replied_on`).
        if before.as_ref() != Some(&a.answer) {
            record.as_of = None;
        }
        record.answer = Some(a.answer.clone());
        record.reply = Some(MspReply {
            owner_answer: owner.filter(|o| *o != a.answer && a.answer != Answer::Unknown),
            ..heard
        });
        if let Some(evidence) = a.evidence_text() {
            // The owner's own evidence is kept, after the MSP's.
            record.evidence = Some(match record.evidence.take() {
                Some(own) if own.contains(&evidence) => own,
                Some(own) => format!("{evidence}; {own}"),
                None => evidence,
            });
        }
    }
    if out.msp.is_none()
        && changes
            .iter()
            .any(|c| !matches!(c.kind, ChangeKind::NotAsked | ChangeKind::Older))
    {
        out.msp = Some(reply_msp);
    }
    Ok((out, changes))
}

/// [`merge`] with the questions a reply may answer worked out from the file as it becomes:
/// an answer from the MSP can open a follow-up the same reply answers, so merging goes on
/// until nothing more is taken (merging the reply again then changes nothing).
pub fn merge_reply(
    bank: &Bank,
    answers: &AnswersFile,
    reply: &Reply,
    several: bool,
    today: NaiveDate,
) -> Result<(AnswersFile, Vec<Change>), Refusal> {
    let mut askable = self::askable(bank, answers, today);
    loop {
        let (merged, changes) = merge(answers, reply, several, &askable)?;
        let more = self::askable(bank, &merged, today);
        let opened = reply
            .answers
            .iter()
            .any(|a| more.contains(&a.question) && !askable.contains(&a.question));
        if !opened {
            return Ok((merged, changes));
        }
        askable.extend(more);
    }
}

/// The questions a reply may answer for `answers`: every question about what the MSP does,
/// every question its letter or form asks, and any the MSP has answered before; never one
/// the owner says does not apply to her. The rest are the owner's own (her leader, her
/// staff's training): no reply changes them.
pub fn askable(bank: &Bank, answers: &AnswersFile, today: NaiveDate) -> HashSet<String> {
    let report = crate::scoring::score(bank, answers, today);
    let mut ids: HashSet<String> = crate::ask_msp::items(bank, &report)
        .into_iter()
        .map(|(q, _)| q.id.clone())
        .collect();
    ids.extend(
        bank.questions
            .iter()
            .filter(|q| q.answered_by == crate::bank::AnsweredBy::Msp)
            .map(|q| q.id.clone()),
    );
    ids.extend(
        answers
            .answers
            .iter()
            .filter(|r| r.reply.is_some())
            .map(|r| r.question.clone()),
    );
    // "Does not apply to us" is the owner's call, not the MSP's.
    for r in &answers.answers {
        if r.answer == Some(Answer::YesNo(crate::bank::YesNo::Na)) && !r.from_msp() {
            ids.remove(&r.question);
        }
    }
    ids
}

/// Whether a file is a reply form (made by `ask-msp --output`) rather than an answers file:
/// a workbook with a Reply sheet and no Answers sheet, or YAML that says `form: msp-risk
/// reply`. Found in a folder, it is skipped; named as answers, it gets its own message.
pub fn is_reply_form(name: &str, bytes: &[u8]) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".xlsx") {
        use calamine::Reader;
        let Ok(book) =
            calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(std::io::Cursor::new(bytes))
        else {
            return false;
        };
        let names = book.sheet_names();
        let has = |n: &str| names.iter().any(|s| s.trim().eq_ignore_ascii_case(n));
        return has(parse::REPLY_SHEET) && !has(crate::answers::sheet::ANSWERS_SHEET);
    }
    (lower.ends_with(".yaml") || lower.ends_with(".yml"))
        && String::from_utf8_lossy(bytes).lines().any(|l| {
            let l = l.trim_end();
            l == format!("form: {FORM_MARK}") || l == format!("form: \"{FORM_MARK}\"")
        })
}

/// The follow-up questions that apply after the merge and not before, and have no answer:
/// the MSP's answers opened them, and nobody has been asked them yet.
pub fn opened_follow_ups(bank: &Bank, before: &AnswersFile, after: &AnswersFile) -> Vec<String> {
    let was = crate::scoring::applicable(bank, |id| before.answer(id));
    let now = crate::scoring::applicable(bank, |id| after.answer(id));
    bank.questions
        .iter()
        .enumerate()
        .filter(|(i, q)| now[*i] && !was[*i] && after.answer(&q.id).is_none())
        .map(|(_, q)| q.id.clone())
        .collect()
}
