//! Answers files: what one business answered, read strictly against a bank.
//!
//! The format (see the README) has a short form (`GOV-01: yes`) and a long form with a note,
//! the evidence seen, the date it was true (`as_of`) and the day it was sent to the MSP
//! (`asked_msp`), plus accepted risks. Reading is
//! strict: unknown keys, unknown question ids, answers a question does not accept, bad dates
//! and accepted risks without a justification are all reported, each with its line and
//! column, in one pass.

mod edit;
mod parse;

pub(crate) use parse::{carried_option, date_value, yes_no_of_bool};
pub mod sheet;
mod write;

pub use edit::update_text;
pub use write::to_yaml;

use chrono::NaiveDate;

use crate::bank::{Answer, Bank};
use crate::diagnostic::{LoadError, Pos};

/// One business's answers, checked against a bank.
#[derive(Debug, Clone)]
pub struct AnswersFile {
    /// The file as named by the user, for messages and reports.
    pub file: String,
    /// The bank id the answers were given against.
    pub bank_id: String,
    /// The bank version the answers were given against.
    pub bank_version: String,
    /// The organisation assessed.
    pub organization: Option<String>,
    /// Its managed service provider (`msp:`): a reply from another MSP is refused.
    pub msp: Option<String>,
    /// Who answered.
    pub assessed_by: Option<String>,
    /// When.
    pub assessed_on: Option<NaiveDate>,
    /// Answers in file order; at most one per question.
    pub answers: Vec<AnswerRecord>,
    /// Gaps the business has knowingly accepted.
    pub accepted_risks: Vec<AcceptedRisk>,
    /// What the bank's migration changed, when the file was written for an older version.
    pub migrated: Option<Migrated>,
}

/// What carrying answers over from an older bank version changed, for the report's note.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Migrated {
    /// (old id, new id) of each answer moved to a renamed question.
    pub renamed: Vec<(String, String)>,
    /// Old ids answered in the file that the bank no longer asks, each with the questions
    /// to answer instead.
    pub retired: Vec<(String, Vec<String>)>,
    /// (question, old option, new option) of each answer whose option id changed.
    pub options: Vec<(String, String, String)>,
    /// Accepted risks on questions no longer asked.
    pub retired_risks: Vec<String>,
}

/// The answer to one question, with what backs it up.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AnswerRecord {
    /// The question id.
    pub question: String,
    /// The answer; `None` when the key is present but left blank (still unanswered).
    pub answer: Option<Answer>,
    /// A free-text note.
    pub note: Option<String>,
    /// What evidence was seen (a contract clause, a report...).
    pub evidence: Option<String>,
    /// The date the answer was true.
    pub as_of: Option<NaiveDate>,
    /// The day the question was sent to the MSP (`asked_msp:`), for questions only the MSP can
    /// answer. The answer stays "I don't know" (`unknown`) until the MSP replies, so scoring is
    /// the same as for any "I don't know"; reports say it was asked.
    pub asked_msp: Option<NaiveDate>,
    /// What the MSP's reply said about this question, when it has replied: who, when, its
    /// comment, and whether the answer is the MSP's (`source: msp`) or the owner's standing
    /// after the reply (`source: owner`). `None` before any reply.
    pub reply: Option<MspReply>,
    /// Where the answer is in the file (its key).
    pub pos: Pos,
}

impl AnswerRecord {
    /// A record with nothing in it (`GOV-01:`), which counts as no entry.
    pub fn is_empty(&self) -> bool {
        self.answer.is_none()
            && self.note.is_none()
            && self.evidence.is_none()
            && self.as_of.is_none()
            && self.asked_msp.is_none()
            && self.reply.is_none()
    }

    /// Same content, wherever each is in its file.
    pub fn same_content(&self, other: &AnswerRecord) -> bool {
        AnswerRecord {
            pos: other.pos,
            ..self.clone()
        } == *other
    }

    /// Makes the answer the owner's (`source: owner`) when she changes it: what the MSP said
    /// stays as history, and there is no longer an MSP answer to disagree with.
    pub fn drop_msp_answer(&mut self) {
        if let Some(reply) = &mut self.reply {
            reply.answer_from_msp = false;
            reply.owner_answer = None;
        }
    }

    /// Whether the answer is the MSP's (`source: msp`).
    pub fn from_msp(&self) -> bool {
        self.reply.as_ref().is_some_and(|r| r.answer_from_msp)
    }

    /// The owner's answer and the MSP's, where they differ: a disagreement to settle.
    pub fn disagreement(&self) -> Option<(&Answer, &Answer)> {
        let reply = self.reply.as_ref().filter(|r| r.answer_from_msp)?;
        let owner = reply.owner_answer.as_ref()?;
        let msp = self.answer.as_ref()?;
        (owner != msp).then_some((owner, msp))
    }
}

/// What the MSP's reply said about one answer. When the answer is the MSP's, the owner's
/// earlier answer is kept beside it where the two differ, never silently replaced.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MspReply {
    /// The answer is the MSP's (`source: msp`); false when the owner's answer stands after
    /// the reply (`source: owner`: a disagreement settled her way, or the MSP was not sure).
    pub answer_from_msp: bool,
    /// Who at the MSP answered (`replied_by:`).
    pub by: Option<String>,
    /// The day it answered (`replied_on:`).
    pub on: Option<NaiveDate>,
    /// Its comment (`msp_comment:`).
    pub comment: Option<String>,
    /// The owner's own answer where the MSP's contradicts it (`owner_answer:`).
    pub owner_answer: Option<Answer>,
    /// What the MSP answered where the answer is the owner's (`msp_answer:`, with
    /// `source: owner`): `unknown` when it was not sure, so the question is asked again.
    pub msp_answer: Option<Answer>,
}

/// A gap the business has decided to live with, for a reason and possibly until a date.
#[derive(Debug, Clone, PartialEq)]
pub struct AcceptedRisk {
    /// The question whose gap is accepted.
    pub question: String,
    /// Why; required.
    pub justification: String,
    /// Who approved it.
    pub approved_by: Option<String>,
    /// Last day the acceptance holds; after it, the finding counts as open again.
    pub expires: Option<NaiveDate>,
    /// Where the entry is in the file.
    pub pos: Pos,
}

impl AnswersFile {
    /// The record for a question, if the file has one.
    pub fn record(&self, question: &str) -> Option<&AnswerRecord> {
        self.answers.iter().find(|r| r.question == question)
    }

    /// The answer to a question, if given.
    pub fn answer(&self, question: &str) -> Option<&Answer> {
        self.record(question).and_then(|r| r.answer.as_ref())
    }

    /// The accepted risk for a question, if any.
    pub fn accepted_risk(&self, question: &str) -> Option<&AcceptedRisk> {
        self.accepted_risks.iter().find(|r| r.question == question)
    }

    /// `bank@version` as written in the file.
    pub fn bank_reference(&self) -> String {
        format!("{}@{}", self.bank_id, self.bank_version)
    }
}

/// Reads and checks an answers file against `bank`; fails with every problem found.
/// A file named `*.xlsx` or `*.csv` is read as a spreadsheet (see [`sheet`]), with the same
/// rules.
pub fn load(bytes: &[u8], file: &str, bank: &Bank) -> Result<AnswersFile, LoadError> {
    let loaded = if sheet::is_sheet_name(file) {
        sheet::load(bytes, file, bank)
    } else {
        crate::yaml::parse(bytes, file)
            .map_err(|d| LoadError::Invalid {
                diagnostics: vec![d],
            })
            .and_then(|node| parse::answers_file(&node, file, bank))
    };
    // A reply form given where answers are read gets one message saying what to do with it.
    match loaded {
        Err(LoadError::Invalid { .. }) if crate::reply::is_reply_form(file, bytes) => {
            Err(LoadError::Invalid {
                diagnostics: vec![crate::diagnostic::Diagnostic::new(
                    file,
                    Pos::default(),
                    "reply-form",
                    "this is a reply form for the MSP, not an answers file; once the MSP has filled it in, \
                     merge it into the answers file with `msp-risk import-reply THIS-FILE answers.yaml`",
                )],
            })
        }
        other => other,
    }
}

/// Reads a calendar date written as `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    // chrono accepts some looser forms (e.g. one-digit months); dates in files must be exact.
    if s.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}
