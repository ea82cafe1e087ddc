//! The questionnaire bank: what is asked, why, how gaps are judged and what to do about them.
//!
//! A [`Bank`] is only ever built by [`load`] (or [`builtin`]), which checks everything
//! `bank lint` checks, so code that holds a `Bank` can trust it: ids are unique, every
//! condition points to an earlier question and a valid answer, every question has a
//! recommendation and a reference.

mod builtin;
mod parse;
mod validate;
mod vocab;

use std::collections::HashMap;
use std::sync::Arc;

pub use builtin::{builtin, BUILTIN_NAME, BUILTIN_YAML};
pub use vocab::{
    AnsweredBy, Consequence, Evidence, Gap, Kind, Owner, Priority, Severity, WhoActs, YesNo,
};

use crate::diagnostic::{LoadError, Pos};

/// A validated questionnaire bank.
#[derive(Debug, Clone)]
pub struct Bank {
    /// Stable identifier, e.g. `cisa-msp-customer`.
    pub id: String,
    /// Version of the questions; answers files record it.
    pub version: String,
    /// Title shown to people.
    pub title: String,
    /// A sentence or two on what the bank covers.
    pub description: String,
    /// The documents questions cite.
    pub sources: Vec<Source>,
    /// The fixes findings are grouped under, so a report can lead with a few actions.
    pub actions: Vec<Action>,
    /// Domains in interview order.
    pub domains: Vec<Domain>,
    /// Every question in interview order (domain by domain).
    pub questions: Vec<Question>,
    /// How answers written for older versions map onto this one.
    pub migrations: Vec<Migration>,
    index: HashMap<String, usize>,
}

/// How answers written for an older version of the bank carry over: question ids renamed
/// where the meaning holds, questions retired, and option ids renamed. Applied when an
/// answers file is read, with a note in the report, so old files keep working.
#[derive(Debug, Clone, Default)]
pub struct Migration {
    /// The versions it applies to: a version or a prefix ending in `.`, such as `1.`.
    pub from: String,
    /// Old question id to new question id.
    pub renamed: Vec<(String, String)>,
    /// Old question ids no longer asked, each with the new questions that take its place
    /// (perhaps none); their answers are set aside with a note naming those.
    pub retired: Vec<(String, Vec<String>)>,
    /// Per (new) question id: old option id to new option id.
    pub options: Vec<(String, Vec<(String, String)>)>,
}

impl Migration {
    /// Whether answers written for `version` go through this migration.
    pub fn applies_to(&self, version: &str) -> bool {
        if self.from.ends_with('.') {
            version.starts_with(&self.from)
        } else {
            version == self.from
        }
    }

    /// The new id of an old question id, if renamed.
    pub fn renamed_to(&self, old: &str) -> Option<&str> {
        self.renamed
            .iter()
            .find(|(o, _)| o == old)
            .map(|(_, n)| n.as_str())
    }

    /// The questions that take the place of a retired one; `None` if `old` is not retired.
    pub fn retired_for(&self, old: &str) -> Option<&[String]> {
        self.retired
            .iter()
            .find(|(o, _)| o == old)
            .map(|(_, n)| n.as_slice())
    }

    /// The new option id of an old option of question `question` (its new id).
    pub fn option_to(&self, question: &str, old: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(q, _)| q == question)
            .and_then(|(_, m)| m.iter().find(|(o, _)| o == old))
            .map(|(_, n)| n.as_str())
    }
}

/// A document that questions cite.
#[derive(Debug, Clone)]
pub struct Source {
    /// Short id used in references, e.g. `S2`.
    pub id: String,
    /// Full title.
    pub title: String,
    /// Who published it.
    pub publisher: Option<String>,
    /// When, as written in the bank.
    pub published: Option<String>,
    /// Where to read it.
    pub url: Option<String>,
}

/// One fix that closes the gaps of several questions with one root cause, such as "Put a
/// responsibility table in the contract".
#[derive(Debug, Clone)]
pub struct Action {
    /// Stable id, kebab-case.
    pub id: String,
    /// What to do, as an imperative title.
    pub title: Arc<str>,
    /// Who acts.
    pub owner: WhoActs,
    /// Why it matters, in a sentence or two.
    pub why: Arc<str>,
}

/// A group of questions about one topic.
#[derive(Debug, Clone)]
pub struct Domain {
    /// Short upper-case id, the prefix of its questions' ids.
    pub id: String,
    /// Title shown to people.
    pub title: Arc<str>,
    /// Shown when the interview enters the domain.
    pub description: String,
    /// How much the domain counts in the overall score (an expert's view of what matters
    /// for an MSP customer; 5 when the bank does not say).
    pub weight: u32,
    /// Why the weight is what it is, in a line.
    pub weight_reason: Option<String>,
    /// Indexes into [`Bank::questions`].
    pub questions: Vec<usize>,
}

/// One question and everything needed to judge and explain its answer.
#[derive(Debug, Clone)]
pub struct Question {
    /// Stable id, `DOMAIN-NN`.
    pub id: String,
    /// Index of its domain in [`Bank::domains`].
    pub domain: usize,
    /// What kind of answer it takes.
    pub kind: Kind,
    /// The question, in plain words. (Shared text: reports clone these cheaply.)
    pub text: Arc<str>,
    /// Why it matters to the business.
    pub why: Arc<str>,
    /// Where an owner can look, or what to ask, to answer it.
    pub how_to_find_out: Option<Arc<str>>,
    /// Who can answer it: the owner, or only the MSP.
    pub answered_by: AnsweredBy,
    /// A short statement of the gap, used as the finding's title.
    pub finding: Arc<str>,
    /// How bad a full gap is.
    pub severity: Severity,
    /// Why the severity is what it is, in a line.
    pub severity_reason: Option<String>,
    /// Order among findings of the same risk level ([`Priority::Hygiene`] when not given).
    pub priority: Priority,
    /// The index in [`Bank::actions`] of the action that closes this gap; `None` makes the
    /// question an action of its own.
    pub action: Option<usize>,
    /// The action id as written, resolved into `action` when the bank is loaded.
    pub action_id: Option<String>,
    /// What a gap can lead to.
    pub consequences: Vec<Consequence>,
    /// What to do about a gap.
    pub recommendation: Arc<str>,
    /// Who usually acts on a gap.
    pub who_acts: WhoActs,
    /// Where the guidance says so.
    pub references: Arc<[Reference]>,
    /// Whether "does not apply to us" is allowed.
    pub allow_na: bool,
    /// Makes this a follow-up, asked only when an earlier answer matches.
    pub when: Option<Condition>,
    /// For ownership questions: the area, for the responsibility matrix.
    pub area: Option<String>,
    /// For ownership questions: the follow-up that checks the contract says so.
    pub confirmed_by: Option<String>,
    /// For choice questions: the options, best first.
    pub options: Vec<ChoiceOption>,
    /// If set, this answer is evidence of the MSP's capability tier; the label names it.
    pub msp_indicator: Option<String>,
    /// The question as put to the MSP, for the "questions for your MSP" letter.
    pub msp_question: Option<String>,
    /// What evidence to ask the MSP for (a contract clause, a report, a screenshot).
    pub evidence_to_request: Option<String>,
    /// Where the question starts in the bank file.
    pub pos: Pos,
}

/// A citation of the guidance.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct Reference {
    /// A [`Source`] id.
    pub source: String,
    /// The section of the source.
    pub section: String,
    /// How directly the guidance was read.
    pub evidence: Evidence,
    /// The recommendation id in the research digest this question traces to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

/// "Ask this only if question Q was answered with one of these."
#[derive(Debug, Clone)]
pub struct Condition {
    /// The earlier question.
    pub question: String,
    /// Answer ids that open the follow-up.
    pub answer_in: Vec<String>,
    /// The earlier question's position in [`Bank::questions`], resolved when the bank is
    /// loaded (so scoring never looks ids up).
    pub parent: usize,
}

/// One option of a choice question.
#[derive(Debug, Clone)]
pub struct ChoiceOption {
    /// Id written in answers files.
    pub id: String,
    /// What a person sees.
    pub label: String,
    /// How big the gap is when this option is picked.
    pub gap: Gap,
}

/// A valid answer to a question. `Unknown` ("I don't know") is valid for every question.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Answer {
    /// An answer to a yes/no question.
    YesNo(YesNo),
    /// An answer to an ownership question.
    Owner(Owner),
    /// The id of an option of a choice question.
    Choice(String),
    /// "I don't know": a full gap, flagged as unverified.
    Unknown,
}

/// The word for "I don't know" in answers files.
pub const UNKNOWN: &str = "unknown";

impl Answer {
    /// The word written in answers files.
    pub fn id(&self) -> &str {
        match self {
            Answer::YesNo(v) => v.id(),
            Answer::Owner(v) => v.id(),
            Answer::Choice(id) => id,
            Answer::Unknown => UNKNOWN,
        }
    }
}

/// Reads and validates a bank. `file` names it in messages.
pub fn load(bytes: &[u8], file: &str) -> Result<Bank, LoadError> {
    let node = crate::yaml::parse(bytes, file).map_err(|d| LoadError::Invalid {
        diagnostics: vec![d],
    })?;
    parse::bank(&node, file)
}

impl Bank {
    /// The question with this id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.index.get(id).map(|&i| &self.questions[i])
    }

    /// The position of a question in interview order.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The migration that carries answers written for `version` over to this bank, if any.
    pub fn migration_from(&self, version: &str) -> Option<&Migration> {
        self.migrations.iter().find(|m| m.applies_to(version))
    }

    /// The domain a question belongs to.
    pub fn domain_of(&self, q: &Question) -> &Domain {
        &self.domains[q.domain]
    }

    /// `id@version`, as answers files record it.
    pub fn reference(&self) -> String {
        format!("{}@{}", self.id, self.version)
    }

    /// A source by id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }
}

impl Question {
    /// Every answer id this question accepts, in the order a person would read them.
    pub fn allowed_answers(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = match self.kind {
            Kind::YesNo => YesNo::ALL
                .iter()
                .filter(|v| **v != YesNo::Na)
                .map(|v| v.id())
                .collect(),
            Kind::Ownership => Owner::ALL.iter().map(|v| v.id()).collect(),
            Kind::Choice => self.options.iter().map(|o| o.id.as_str()).collect(),
        };
        ids.push(UNKNOWN);
        if self.allow_na {
            ids.push(YesNo::Na.id());
        }
        ids
    }

    /// Reads an answer id; `None` if this question does not accept it.
    pub fn parse_answer(&self, s: &str) -> Option<Answer> {
        if s == UNKNOWN {
            return Some(Answer::Unknown);
        }
        if s == YesNo::Na.id() {
            return self.allow_na.then_some(Answer::YesNo(YesNo::Na));
        }
        match self.kind {
            Kind::YesNo => YesNo::parse(s).map(Answer::YesNo),
            Kind::Ownership => Owner::parse(s).map(Answer::Owner),
            Kind::Choice => self
                .options
                .iter()
                .any(|o| o.id == s)
                .then(|| Answer::Choice(s.to_string())),
        }
    }

    /// The answer whose label (the words a person sees, as every report prints them) is
    /// `label`, ignoring case and surrounding spaces: so a sheet made from the tool's own
    /// output reads back ("Partly", "I don't know", "Our MSP").
    pub fn answer_by_label(&self, label: &str) -> Option<Answer> {
        let label = label.trim();
        self.allowed_answers()
            .into_iter()
            .filter_map(|id| self.parse_answer(id))
            .find(|a| self.answer_label(a).eq_ignore_ascii_case(label))
    }

    /// The words a person sees for an answer.
    pub fn answer_label<'a>(&'a self, answer: &Answer) -> &'a str {
        match answer {
            Answer::YesNo(v) => v.label(),
            Answer::Owner(v) => v.label(),
            Answer::Choice(id) => self
                .options
                .iter()
                .find(|o| &o.id == id)
                .map_or("?", |o| o.label.as_str()),
            Answer::Unknown => "I don't know",
        }
    }

    /// How big a gap an answer leaves; `None` when the answer takes the question out of
    /// scoring ("does not apply").
    pub fn gap(&self, answer: &Answer) -> Option<Gap> {
        match answer {
            Answer::Unknown => Some(Gap::Full),
            Answer::YesNo(YesNo::Na) => None,
            Answer::YesNo(YesNo::Yes) => Some(Gap::None),
            Answer::YesNo(YesNo::Partial) => Some(Gap::Partial),
            Answer::YesNo(YesNo::No) => Some(Gap::Full),
            Answer::Owner(Owner::Nobody) => Some(Gap::Full),
            Answer::Owner(_) => Some(Gap::None),
            Answer::Choice(id) => self.options.iter().find(|o| &o.id == id).map(|o| o.gap),
        }
    }

    /// Whether this is a follow-up question.
    pub fn is_follow_up(&self) -> bool {
        self.when.is_some()
    }
}
