//! The scored report: everything every output format shows, computed once.
//!
//! This structure is also the JSON output (`report --format json`), so its field names are a
//! public interface: add fields freely, but rename or remove them only with a new
//! `schema_version`. Every score carries its inputs (`possible`, `lost`, and each finding's
//! `weight` and `gap`), so any number can be re-derived by hand from the answers.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::bank::{Consequence, Gap, Priority, Reference, Severity, WhoActs};

/// Version of this structure, bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 2;

/// The JSON Schema (draft-07) of the JSON report, generated from these types so it cannot
/// drift from the output.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<Report>();
    serde_json::to_value(schema).unwrap_or_default()
}

/// One answers file, scored.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Report {
    /// Version of the report structure.
    pub schema_version: u32,
    /// The answers file as named by the user.
    pub file: String,
    /// The organisation assessed.
    pub organization: Option<String>,
    /// Who answered.
    pub assessed_by: Option<String>,
    /// When the answers were given (YYYY-MM-DD).
    pub assessed_on: Option<String>,
    /// The date used to decide whether accepted risks have expired.
    pub evaluated_on: String,
    /// The bank used for scoring.
    pub bank: BankInfo,
    /// The bank the answers file says it was written for (`id@version`).
    pub answers_bank: String,
    /// The overall score, the range the answers still to verify leave open, and how it was
    /// computed.
    pub overall: Overall,
    /// The overall rating: the band of the score, or "incomplete" when too few questions
    /// are answered.
    pub rating: Rating,
    /// Counts of questions, answers and findings.
    pub counts: Counts,
    /// What to do first: the open, confirmed findings grouped into at most ten actions,
    /// most urgent first.
    pub plan: Vec<PlanAction>,
    /// Questions for the MSP: the open "I don't know" findings, as question ids in rank
    /// order (`msp-risk ask-msp` writes them as a letter).
    pub verify: Vec<String>,
    /// One score per domain, in bank order.
    pub domains: Vec<DomainScore>,
    /// Every gap, ranked: open findings first, worst first.
    pub findings: Vec<Finding>,
    /// Questions that apply but have no answer.
    pub unanswered: Vec<Unanswered>,
    /// Who is responsible for each area, from the ownership questions.
    pub responsibilities: Vec<Responsibility>,
    /// The MSP's cybersecurity capability tier and why.
    pub msp_tier: TierAssessment,
    /// Things the reader should know about the input (version drift, ignored answers...).
    pub notes: Vec<String>,
    /// Every question of the bank and what became of it, in bank order: the basis of
    /// per-question formats (JUnit, SARIF, OSCAL).
    pub questions: Vec<QuestionResult>,
    /// The documents the questions cite, for the references appendix.
    pub sources: Vec<SourceInfo>,
}

/// A cited document.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SourceInfo {
    /// Short id used in references.
    pub id: String,
    /// Title.
    pub title: String,
    /// Publisher.
    pub publisher: Option<String>,
    /// Publication date as written in the bank.
    pub published: Option<String>,
    /// Where to read it.
    pub url: Option<String>,
}

/// One question of the bank and its outcome in this assessment.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct QuestionResult {
    /// Question id.
    pub id: String,
    /// Domain id.
    pub domain: String,
    /// Domain title.
    pub domain_title: Arc<str>,
    /// The question.
    pub text: Arc<str>,
    /// Why it matters.
    pub why: Arc<str>,
    /// What to do about a gap.
    pub recommendation: Arc<str>,
    /// The short statement of a gap.
    pub finding: Arc<str>,
    /// Its severity.
    pub severity: Severity,
    /// Its priority class.
    pub priority: Priority,
    /// What became of it.
    pub status: QuestionStatus,
    /// The answer id, if answered.
    pub answer: Option<String>,
    /// The answer in words ("" when unanswered).
    pub answer_label: String,
    /// Its note, if any.
    pub note: Option<String>,
    /// The day the question was sent to the MSP (`YYYY-MM-DD`), when it was; the answer is
    /// then "I don't know" until the MSP replies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked_msp: Option<String>,
    /// What the MSP's reply said, when the answer came from it (`source: msp`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msp_reply: Option<MspConfirmation>,
    /// The owner's answer and the MSP's, where they differ.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disagreement: Option<Disagreement>,
    /// Line of the answer in the answers file (0 when it has none).
    pub line: u64,
    /// Column of the answer in the answers file.
    pub column: u64,
    /// Where the guidance says so.
    pub references: Arc<[Reference]>,
}

/// What the MSP's reply said about a question: who answered, when, what it added, and
/// whether the answer is the MSP's. Its evidence is the answer's `evidence`.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MspConfirmation {
    /// The answer is the MSP's; false when the owner's answer stands after the reply (a
    /// disagreement settled her way, or the MSP was not sure).
    pub answer_from_msp: bool,
    /// The MSP's answer id where the answer is the owner's (`unknown`: it was not sure).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msp_answer: Option<String>,
    /// Who at the MSP answered.
    pub by: Option<String>,
    /// The day it answered (`YYYY-MM-DD`).
    pub on: Option<String>,
    /// Its comment.
    pub comment: Option<String>,
    /// The evidence it named (document and date), if any.
    pub evidence: Option<String>,
}

/// The owner believed one answer and the MSP replied another: until the two agree, the
/// question is scored as "I don't know".
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Disagreement {
    /// The owner's answer id.
    pub owner_answer: String,
    /// The owner's answer in words.
    pub owner_label: String,
    /// The MSP's answer id.
    pub msp_answer: String,
    /// The MSP's answer in words.
    pub msp_label: String,
}

/// What became of one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionStatus {
    /// Answered with no gap.
    Met,
    /// Answered with a gap: there is a finding for it.
    Gap,
    /// Answered "does not apply to us".
    NotApplicable,
    /// Applies but has no answer.
    Unanswered,
    /// A follow-up whose condition does not hold: not asked.
    NotAsked,
}

/// Which bank scored the report.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BankInfo {
    /// Bank id.
    pub id: String,
    /// Bank version.
    pub version: String,
    /// Bank title.
    pub title: String,
}

/// A 0–100 score and its inputs: `score = round(100 × (1 − lost / possible))`.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Score {
    /// 0 (every scored question a full gap) to 100 (no gaps); `None` when nothing is scored.
    pub score: Option<u32>,
    /// Sum of the weights of the scored questions.
    pub possible: u32,
    /// Sum over scored questions of weight × gap (gap: 0, 0.5 or 1).
    pub lost: f64,
    /// How many questions were scored (applicable, answered, not "does not apply").
    pub scored_questions: u32,
}

impl Score {
    /// Builds a score from its inputs.
    pub fn from_parts(possible: u32, lost: f64, scored_questions: u32) -> Score {
        let score = (possible > 0).then(|| {
            let raw = 100.0 * (1.0 - lost / f64::from(possible));
            raw.round().clamp(0.0, 100.0) as u32
        });
        Score {
            score,
            possible,
            lost,
            scored_questions,
        }
    }
}

/// The overall score (see `docs/scoring.md`): the weighted mean of the domain scores, less
/// 10 % per open "do today" gap, with every answer still to verify ("I don't know", or blank)
/// counted as a gap; and the best case, were they all verified as in place.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Overall {
    /// 0–100 (`None` when no question is scored), every answer to verify counted as a gap.
    pub score: Option<u32>,
    /// The score if every answer still to verify turned out in place: the top of the range.
    pub best_case: Option<u32>,
    /// Answers still to verify: "I don't know" plus applicable questions left blank.
    pub to_verify: u32,
    /// The weighted mean of the domain scores (0–100, one decimal), before the deduction.
    pub weighted: Option<f64>,
    /// Points taken off the weighted score, one decimal: 10 % per open "do today" gap, 5 % per
    /// confirmed gap on another critical question (half for partial gaps), and the cap at 89
    /// while a critical question has a confirmed full gap.
    pub deduction: f64,
    /// Share of the applicable questions answered, in percent ("I don't know" counts).
    pub completeness_percent: u32,
    /// True when at least 80 % are answered; otherwise the rating is "incomplete".
    pub complete: bool,
    /// Sum of the weights of the answered, scored questions (for reference).
    pub possible: u32,
    /// Sum over them of weight × gap.
    pub lost: f64,
    /// How many answered questions were scored.
    pub scored_questions: u32,
}

/// One action of the plan: a fix that closes several findings with one root cause.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PlanAction {
    /// 1 is the most urgent.
    pub rank: u32,
    /// The bank's action id (or the question id in lower case for a question without one).
    pub id: String,
    /// What to do.
    pub title: Arc<str>,
    /// Who acts.
    pub owner: WhoActs,
    /// Why it matters.
    pub why: Arc<str>,
    /// The highest risk level among its findings.
    pub risk: Severity,
    /// The most urgent priority class among its findings.
    pub priority: Priority,
    /// The findings it closes, as question ids in rank order.
    pub findings: Vec<String>,
    /// Points the overall score would gain with all of them closed.
    pub score_gain: u32,
    /// Bank order, the last tie-break.
    #[serde(skip)]
    pub order: usize,
}

/// The overall judgement, in words.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// Score under 40.
    Poor,
    /// Score 40–59.
    Weak,
    /// Score 60–74.
    Fair,
    /// Score 75–89.
    Good,
    /// Score 90 or more.
    Strong,
    /// Fewer than 80 % of the questions that apply are answered: no band yet.
    Incomplete,
    /// Nothing answered yet.
    NotAssessed,
}

/// The rating bands: the lowest score of each band, best first. The word is a function of
/// the number alone, so they never contradict each other.
pub const RATING_BANDS: &[(u32, Rating)] = &[
    (90, Rating::Strong),
    (75, Rating::Good),
    (60, Rating::Fair),
    (40, Rating::Weak),
    (0, Rating::Poor),
];

impl Rating {
    /// The band of a score.
    pub fn from_score(score: Option<u32>) -> Rating {
        let Some(score) = score else {
            return Rating::NotAssessed;
        };
        RATING_BANDS
            .iter()
            .find(|(low, _)| score >= *low)
            .map_or(Rating::Poor, |(_, r)| *r)
    }

    /// The band's position, worst first (Poor 0 ... Strong 4); `None` for "incomplete" and
    /// "not assessed".
    pub fn band(self) -> Option<usize> {
        let i = RATING_BANDS.iter().position(|(_, r)| *r == self)?;
        Some(RATING_BANDS.len() - 1 - i)
    }

    /// The word people see.
    pub fn label(self) -> &'static str {
        match self {
            Rating::Poor => "Poor",
            Rating::Weak => "Weak",
            Rating::Fair => "Fair",
            Rating::Good => "Good",
            Rating::Strong => "Strong",
            Rating::Incomplete => "Incomplete",
            Rating::NotAssessed => "Not assessed",
        }
    }
}

/// How many of what.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Counts {
    /// Questions in the bank.
    pub questions: u32,
    /// Questions that apply (not follow-ups whose condition is unmet).
    pub applicable: u32,
    /// Applicable questions with an answer (any answer, "I don't know" included).
    pub answered: u32,
    /// Applicable questions without an answer.
    pub unanswered: u32,
    /// Answers "I don't know".
    pub unknown: u32,
    /// Owner claims whose checks are blank or "I don't know" (scored as gaps to verify).
    pub unverified_claims: u32,
    /// Answers "does not apply to us".
    pub not_applicable: u32,
    /// All findings, accepted ones included.
    pub findings: u32,
    /// Open findings (not accepted, or accepted but expired) by risk level, "I don't know"
    /// ones included (until checked, assume the gap is real).
    pub open_by_risk: Levels,
    /// Of those, the ones still to verify ("I don't know"), by risk level.
    pub unverified_by_risk: Levels,
    /// Applicable questions left blank, by severity (scored like "I don't know").
    pub unanswered_by_risk: Levels,
    /// Findings whose risk is accepted and not expired.
    pub accepted: u32,
    /// Findings whose acceptance has expired (they count as open).
    pub expired: u32,
    /// Applicable answers that came from the MSP's reply (`source: msp`), disagreements
    /// included.
    pub from_msp: u32,
    /// Of those, the ones with evidence named.
    pub from_msp_with_evidence: u32,
    /// Of those, the ones that contradict the owner's answer (gaps to verify until settled).
    pub disagreements: u32,
}

/// A count per risk level.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Levels {
    /// Critical.
    pub critical: u32,
    /// High.
    pub high: u32,
    /// Medium.
    pub medium: u32,
    /// Low.
    pub low: u32,
}

impl Levels {
    /// Adds one at a level.
    pub fn add(&mut self, level: Severity) {
        match level {
            Severity::Critical => self.critical += 1,
            Severity::High => self.high += 1,
            Severity::Medium => self.medium += 1,
            Severity::Low => self.low += 1,
        }
    }

    /// The count at a level.
    pub fn get(&self, level: Severity) -> u32 {
        match level {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
        }
    }

    /// How many at `level` or above.
    pub fn at_or_above(&self, level: Severity) -> u32 {
        Severity::ALL
            .iter()
            .filter(|l| **l >= level)
            .map(|l| self.get(*l))
            .sum()
    }
}

/// One domain's score.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DomainScore {
    /// Domain id.
    pub id: String,
    /// Domain title.
    pub title: Arc<str>,
    /// Its weight in the overall score.
    pub weight: u32,
    /// Its score and inputs (blanks and "I don't know" count as gaps).
    #[serde(flatten)]
    pub score: Score,
    /// Findings in this domain (accepted included).
    pub findings: u32,
    /// Applicable questions left unanswered.
    pub unanswered: u32,
    /// "I don't know" answers.
    pub unknown: u32,
}

/// One gap: what is wrong, how bad, what to do, who acts, and where the guidance says so.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Finding {
    /// 1 is the most urgent.
    pub rank: u32,
    /// The question id.
    pub question: String,
    /// The domain id.
    pub domain: String,
    /// The domain title.
    pub domain_title: Arc<str>,
    /// What is wrong, in a few words.
    pub finding: Arc<str>,
    /// The question, as asked.
    pub question_text: Arc<str>,
    /// Risk level: the severity for a full gap, one lower for a partial gap.
    pub risk: Severity,
    /// The question's severity.
    pub severity: Severity,
    /// The size of the gap.
    pub gap: Gap,
    /// The question's weight (from its severity).
    pub weight: u32,
    /// Points lost: weight × gap fraction.
    pub lost: f64,
    /// The answer id.
    pub answer: String,
    /// The answer in words.
    pub answer_label: String,
    /// True when the answer was "I don't know", or is an owner claim whose checks are not
    /// answered: the gap may not be real, but nobody has checked.
    pub unverified: bool,
    /// True for an owner claim ("us", "our MSP"...) whose checks (the follow-ups it opens)
    /// are blank or "I don't know".
    pub claim: bool,
    /// For ownership questions: the area ("Backups").
    pub area: Option<String>,
    /// What to do.
    pub recommendation: Arc<str>,
    /// Who acts: "You: ask your MSP" for every "I don't know".
    pub who_acts: WhoActs,
    /// Its priority class, the order within a risk level.
    pub priority: Priority,
    /// The plan action that closes it, if the bank groups it under one.
    pub action: Option<String>,
    /// Its domain's weight (a tie-break in the ranking).
    pub domain_weight: u32,
    /// The question as put to the MSP, for the "questions for your MSP" list.
    pub msp_question: Option<String>,
    /// What the gap can lead to.
    pub consequences: Vec<Consequence>,
    /// Where the guidance says so.
    pub references: Arc<[Reference]>,
    /// The note given with the answer.
    pub note: Option<String>,
    /// The evidence given with the answer.
    pub evidence: Option<String>,
    /// When the answer was true.
    pub as_of: Option<String>,
    /// Line of the answer in the answers file (0 if unanswered there).
    pub line: u64,
    /// Column of the answer in the answers file.
    pub column: u64,
    /// The accepted risk covering this finding, if any.
    pub acceptance: Option<Acceptance>,
    /// What the MSP's reply said, when the answer came from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msp_reply: Option<MspConfirmation>,
    /// The owner's answer and the MSP's, where they differ: a finding to settle with the MSP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disagreement: Option<Disagreement>,
}

impl Finding {
    /// True unless an unexpired acceptance covers it.
    pub fn is_open(&self) -> bool {
        !matches!(&self.acceptance, Some(a) if a.status == AcceptanceStatus::Accepted)
    }
}

/// An accepted risk as applied to a finding.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Acceptance {
    /// Accepted, or expired (counts as open).
    pub status: AcceptanceStatus,
    /// Why.
    pub justification: String,
    /// Who approved it.
    pub approved_by: Option<String>,
    /// Last day it holds.
    pub expires: Option<String>,
}

/// Whether an acceptance still holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AcceptanceStatus {
    /// Holds: the finding is shown but does not fail `check`.
    Accepted,
    /// Past its expiry date: the finding is open again and fails `check`.
    Expired,
}

/// An applicable question without an answer.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Unanswered {
    /// Question id.
    pub question: String,
    /// Domain id.
    pub domain: String,
    /// The question.
    pub text: Arc<str>,
    /// Its severity, to show what is at stake.
    pub severity: Severity,
}

/// Who owns one area, and whether that is written down.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Responsibility {
    /// The ownership question.
    pub question: String,
    /// The area, e.g. "Backups".
    pub area: String,
    /// The answer id (`us`, `msp`, ..., `unknown`), if answered.
    pub owner: Option<String>,
    /// The answer in words.
    pub owner_label: String,
    /// The follow-up that checks the contract, if the bank has one.
    pub confirmed_by: Option<String>,
    /// Its answer id, if asked and answered.
    pub in_contract: Option<String>,
    /// Its answer in words ("" when not asked).
    pub in_contract_label: String,
    /// The verdict for the area.
    pub status: ResponsibilityStatus,
}

impl Responsibility {
    /// The "In the contract?" cell: the contract follow-up's answer, "n/a" when the area is
    /// not given to the MSP, "not asked" when the bank has no contract question for it.
    pub fn contract_cell(&self) -> &str {
        if self.confirmed_by.is_none() {
            "not asked"
        } else if self.in_contract_label.is_empty() {
            "n/a"
        } else {
            &self.in_contract_label
        }
    }
}

/// The verdict for one area of responsibility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResponsibilityStatus {
    /// Someone owns it, and every follow-up that checks the claim is "yes".
    Covered,
    /// The checks are partly in place ("partly").
    PartlyConfirmed,
    /// A check is "I don't know" or unanswered: the claim is still to verify.
    ToVerify,
    /// A check is "no": the claim is not backed (no contract clause, no named person...).
    NotConfirmed,
    /// Nobody owns it.
    Nobody,
    /// The owner is not known.
    Unknown,
    /// Not answered yet.
    Unanswered,
}

impl ResponsibilityStatus {
    /// The words people see.
    pub fn label(self) -> &'static str {
        match self {
            ResponsibilityStatus::Covered => "Covered",
            ResponsibilityStatus::PartlyConfirmed => "Partly confirmed",
            ResponsibilityStatus::ToVerify => "To verify",
            ResponsibilityStatus::NotConfirmed => "GAP: not confirmed",
            ResponsibilityStatus::Nobody => "GAP: nobody",
            ResponsibilityStatus::Unknown => "GAP: unknown",
            ResponsibilityStatus::Unanswered => "Unanswered",
        }
    }
}

/// The MSP's cybersecurity capability tier (minimal, some or comprehensive focus).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TierAssessment {
    /// The tier.
    pub tier: Tier,
    /// The tier if every unverified or blank indicator turned out to be in place (the top
    /// of the range the unknowns leave open).
    pub best_case: Tier,
    /// Indicators still to verify ("I don't know" or blank).
    pub to_verify: u32,
    /// Share of indicator credit earned, 0–100, over every applicable indicator.
    pub credit_percent: Option<u32>,
    /// Indicators that apply.
    pub indicators_applicable: u32,
    /// Indicators answered (including "I don't know").
    pub indicators_answered: u32,
    /// Each indicator and how it was answered.
    pub indicators: Vec<Indicator>,
    /// Why this tier, in sentences.
    pub reasons: Vec<String>,
}

/// The tiers, worst first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Too few indicators answered to tell.
    Undetermined,
    /// Minimal cybersecurity focus.
    Minimal,
    /// Some cybersecurity focus.
    Some,
    /// Comprehensive cybersecurity practice.
    Comprehensive,
}

impl Tier {
    /// The words people see.
    pub fn label(self) -> &'static str {
        match self {
            Tier::Undetermined => "Not determined",
            Tier::Minimal => "Minimal cybersecurity focus",
            Tier::Some => "Some cybersecurity focus",
            Tier::Comprehensive => "Comprehensive cybersecurity practice",
        }
    }
}

/// One piece of evidence about the MSP.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Indicator {
    /// Question id.
    pub question: String,
    /// What it shows, e.g. "MFA on every MSP account".
    pub label: String,
    /// The answer id, if answered.
    pub answer: Option<String>,
    /// How it counts.
    pub status: IndicatorStatus,
}

/// How one indicator counts toward the tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorStatus {
    /// In place (credit 1).
    Met,
    /// Partly in place (credit ½).
    Partly,
    /// Not in place (credit 0).
    NotMet,
    /// "I don't know" (credit 0): claimed capability that nobody has verified.
    Unverified,
    /// Not answered (not counted).
    Unanswered,
}
