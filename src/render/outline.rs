//! The outline of the reports for people that are documents (HTML and Markdown): which
//! parts, in which order, with which words. It is the one home of that order and those
//! words; `html.rs` and `markdown.rs` only lay the parts out and escape the text for their
//! format (every text here is raw, as it came from the bank or the answers file).
//!
//! The order is the owner's: the summary and the plan (page 1 when printed), the questions
//! for the MSP, to send first (page 2), then the findings by risk level, who is responsible
//! for what, the scores by domain, the MSP's tier, accepted risks, unanswered questions,
//! notes, and the references as numbered endnotes.

use crate::bank::Severity;
use crate::report::{AcceptanceStatus, Finding, Report, Responsibility, SourceInfo};

/// One part of the document, in the order the document shows them.
pub(crate) enum Part<'a> {
    /// The headline and the figures beside it.
    Summary(Summary),
    /// What to do first.
    Plan(Plan),
    /// The questions for the MSP, to send first.
    Questions(Questions<'a>),
    /// Every finding, grouped by risk level.
    Findings(Findings<'a>),
    /// Who is responsible for what.
    Responsibility(&'a [Responsibility]),
    /// Scores by domain.
    Domains,
    /// The MSP's capability tier and why.
    Tier(Tier<'a>),
    /// Accepted risks.
    Accepted(Vec<&'a Finding>),
    /// Applicable questions without an answer.
    Unanswered,
    /// Notes about the input.
    Notes,
    /// The references, numbered.
    Endnotes(Vec<Endnote<'a>>),
}

/// The parts of `report`'s document, in order; parts with nothing to show are left out.
pub(crate) fn parts(report: &Report) -> Vec<Part<'_>> {
    let endnotes = endnotes(report);
    let mut parts = vec![Part::Summary(summary(report)), Part::Plan(plan(report))];
    let questions = questions(report);
    if !questions.items.is_empty() {
        parts.push(Part::Questions(questions));
    }
    parts.push(Part::Findings(findings(report, &endnotes)));
    if !report.responsibilities.is_empty() {
        parts.push(Part::Responsibility(&report.responsibilities));
    }
    parts.push(Part::Domains);
    parts.push(Part::Tier(Tier {
        title: format!("{TIER_TITLE}: {}", super::tier_text(report)),
        reasons: &report.msp_tier.reasons,
    }));
    let accepted: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.acceptance.is_some())
        .collect();
    if !accepted.is_empty() {
        parts.push(Part::Accepted(accepted));
    }
    if !report.unanswered.is_empty() {
        parts.push(Part::Unanswered);
    }
    if !report.notes.is_empty() {
        parts.push(Part::Notes);
    }
    if !endnotes.is_empty() {
        parts.push(Part::Endnotes(endnotes));
    }
    parts
}

/// The document's title.
pub(crate) fn title(report: &Report) -> String {
    format!("MSP risk report: {}", organization(report))
}

/// The organisation, or what to say when it is not named.
pub(crate) fn organization(report: &Report) -> &str {
    report
        .organization
        .as_deref()
        .unwrap_or("(organisation not named)")
}

/// The title of the summary part.
pub(crate) const SUMMARY_TITLE: &str = "Summary";
/// The title of the findings part.
pub(crate) const FINDINGS_TITLE: &str = "Findings, most urgent first";
/// The title of the responsibility part.
pub(crate) const RESPONSIBILITY_TITLE: &str = "Who is responsible for what";
/// The title of the domain scores.
pub(crate) const DOMAINS_TITLE: &str = "Scores by domain";
/// What the domain scores mean.
pub(crate) const DOMAINS_INTRO: &str = "0 to 100, higher is better.";
/// The title of the tier part, before the tier.
const TIER_TITLE: &str = "MSP capability tier";
/// The title of the accepted risks.
pub(crate) const ACCEPTED_TITLE: &str = "Accepted risks";
/// The title of the unanswered questions.
pub(crate) const UNANSWERED_TITLE: &str = "Unanswered questions";
/// The title of the notes.
pub(crate) const NOTES_TITLE: &str = "Notes";
/// The title of the endnotes.
pub(crate) const ENDNOTES_TITLE: &str = "References";
/// What the evidence levels in the endnotes mean.
pub(crate) const EVIDENCE_LEVELS: &str = "Evidence levels: A, read in the primary document; \
     B, quoted on a secondary page; C, secondary summary only, to be confirmed against the \
     original.";
/// The closing line of every document.
pub(crate) const DISCLAIMER: &str =
    "The questions paraphrase public guidance; they are not official government text.";

/// The headline and the figures an owner looks at first.
pub(crate) struct Summary {
    /// "Score 41/100 (Weak), could be 41 to 78 once 26 answers are verified".
    pub headline: String,
    /// How the score was reached, when something is scored.
    pub explanation: Option<String>,
    /// The rating in words.
    pub rating: String,
    /// The MSP's tier, with its range.
    pub tier: String,
    /// What the tier is.
    pub tier_note: &'static str,
    /// The open findings by risk level.
    pub open: String,
    /// The answers, in words.
    pub answers: String,
    /// Accepted and expired risks.
    pub accepted: String,
}

fn summary(r: &Report) -> Summary {
    Summary {
        headline: super::headline(r),
        // Answers waiting for the MSP come first: they are why a new report scores low.
        explanation: {
            let parts: Vec<String> = [
                super::waiting_on_msp(r),
                super::reply::reply_summary(r),
                super::score_explanation(r),
            ]
            .into_iter()
            .flatten()
            .collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        },
        rating: super::rating_text(r),
        tier: super::tier_text(r),
        tier_note: "msp-risk's rule of thumb, not an official rating",
        open: super::open_counts(r),
        answers: super::answers_text(r),
        accepted: format!(
            "{} accepted, {} expired",
            r.counts.accepted, r.counts.expired
        ),
    }
}

/// What to do first.
pub(crate) struct Plan {
    /// The part's title.
    pub title: &'static str,
    /// The actions, most urgent first.
    pub rows: Vec<PlanRow>,
    /// What to say when there is no action.
    pub empty: String,
}

/// One action of the plan, in words.
pub(crate) struct PlanRow {
    /// 1 is the most urgent.
    pub rank: u32,
    /// What to do.
    pub action: String,
    /// Who acts, in the owner's words ("You", "Your MSP", "You: ask your MSP").
    pub who: &'static str,
    /// The risk level.
    pub risk: Severity,
    /// The priority class in words.
    pub priority: &'static str,
    /// The findings it closes.
    pub closes: String,
    /// What closing them adds to the score.
    pub gain: String,
}

/// What the "Who acts" words ask of the owner, said once under the plan.
pub(crate) const WHO_ACTS_LEGEND: &str = "Who acts: \"You\" means you do it. \"Your MSP\" means \
     the MSP does the work: ask for it by a date and check it is done. \"You: ask your MSP\" \
     means you get something from the MSP: an answer, a document or a change to the contract.";

/// The plan's column headings.
pub(crate) const PLAN_COLUMNS: [&str; 5] = ["#", "Action", "Who acts", "Risk", "Adds to score"];

impl PlanRow {
    /// The line under the action: "Do today (CISA); closes ACC-01, SHR-05".
    pub(crate) fn detail(&self) -> String {
        format!("{}; closes {}", self.priority, self.closes)
    }
}

fn plan(r: &Report) -> Plan {
    Plan {
        title: super::PLAN_TITLE,
        rows: r
            .plan
            .iter()
            .map(|a| PlanRow {
                rank: a.rank,
                action: a.title.to_string(),
                who: a.owner.label(),
                risk: a.risk,
                priority: a.priority.label(),
                closes: super::closes_text(a),
                gain: super::gain_text(a),
            })
            .collect(),
        empty: super::empty_plan_text(r),
    }
}

/// The questions for the MSP.
pub(crate) struct Questions<'a> {
    /// The part's title, with the count.
    pub title: String,
    /// Why they come first.
    pub intro: String,
    /// The sentence before the command.
    pub send: &'static str,
    /// The command that writes the letter.
    pub command: String,
    /// What the letter holds.
    pub after: &'static str,
    /// (question id, the question as put to the MSP), in rank order, numbered from 1.
    pub items: Vec<(&'a str, &'a str)>,
}

fn questions(r: &Report) -> Questions<'_> {
    let items = super::verify_questions(r);
    Questions {
        title: format!(
            "{}: send these first ({})",
            super::VERIFY_TITLE,
            items.len()
        ),
        intro: super::verify_intro(r),
        send: "Send them to your MSP before you act on the rest: the answers may close \
               findings or show new ones. This command writes them as a letter:",
        command: super::ask_msp_command(super::file_name(r)),
        after: "Each question in the letter says why it matters and what evidence to ask for.",
        items,
    }
}

/// The findings, grouped by risk level, worst first.
pub(crate) struct Findings<'a> {
    /// What to say when there are none.
    pub empty: &'static str,
    /// One group per risk level that has findings, critical first.
    pub groups: Vec<FindingGroup<'a>>,
}

/// The findings at one risk level.
pub(crate) struct FindingGroup<'a> {
    /// The level.
    pub level: Severity,
    /// True for the levels a printed page lists in brief, a line per finding (medium and
    /// low): the fix is left to the formats without pages.
    pub brief: bool,
    /// "Critical risk (8)".
    pub title: String,
    /// The findings, in rank order.
    pub items: Vec<FindingItem<'a>>,
}

/// One finding, in words.
pub(crate) struct FindingItem<'a> {
    /// Its rank in the whole list.
    pub rank: u32,
    /// The question id.
    pub id: &'a str,
    /// What is wrong ("Not verified: ..." or "... (partly)").
    pub title: String,
    /// The answer given.
    pub answer: &'a str,
    /// What to do.
    pub recommendation: &'a str,
    /// Who acts, in the owner's words.
    pub who: &'static str,
    /// The owner's note, and the MSP's comment.
    pub note: Option<String>,
    /// "accepted" or "acceptance expired".
    pub acceptance: Option<&'static str>,
    /// Its number among the questions for the MSP, when it is one of them: a printed page
    /// shows it in a line (the fix waits for the MSP's answer).
    pub question: Option<usize>,
    /// The endnotes it cites, by number.
    pub cites: Vec<usize>,
}

/// What a printed page says before the findings it lists in brief.
pub(crate) const BRIEF_NOTE: &str = "In brief, a line each: what to do about each is in the \
     Markdown and CSV versions of this report.";

/// What a printed page says of a finding that is one of the questions for the MSP: its
/// number in the list above and its reference, which the `ask-msp` letter shows too (the
/// letter numbers its questions its own way, so the reference is what matches a reply).
pub(crate) fn ask_first(question: usize, id: &str) -> String {
    format!("Ask your MSP first: question {question} above, reference {id} in the letter")
}

/// The heading of a finding's answer.
pub(crate) const ANSWER_LABEL: &str = "Answer";
/// The heading of a finding's fix.
pub(crate) const FIX_LABEL: &str = "What to do";
/// The heading of a finding's owner.
pub(crate) const WHO_LABEL: &str = "Who acts";

fn findings<'a>(r: &'a Report, endnotes: &[Endnote<'_>]) -> Findings<'a> {
    let verify = super::verify_questions(r);
    let mut groups: Vec<FindingGroup<'a>> = Vec::new();
    for level in Severity::ALL.iter().rev() {
        let items: Vec<FindingItem<'a>> = r
            .findings
            .iter()
            .filter(|f| f.risk == *level)
            .map(|f| FindingItem {
                rank: f.rank,
                id: &f.question,
                title: super::finding_title(f),
                answer: &f.answer_label,
                recommendation: &f.recommendation,
                who: f.who_acts.label(),
                note: super::finding_note(f),
                acceptance: f.acceptance.as_ref().map(|a| match a.status {
                    AcceptanceStatus::Accepted => "accepted",
                    AcceptanceStatus::Expired => "acceptance expired",
                }),
                question: verify
                    .iter()
                    .position(|(id, _)| *id == f.question)
                    .map(|i| i + 1),
                cites: cites(f, endnotes),
            })
            .collect();
        if !items.is_empty() {
            groups.push(FindingGroup {
                level: *level,
                brief: *level < Severity::High,
                title: format!("{} risk ({})", level.label(), items.len()),
                items,
            });
        }
    }
    Findings {
        empty: super::no_findings_text(r),
        groups,
    }
}

/// The endnote numbers a finding cites, in order, each once.
fn cites(f: &Finding, endnotes: &[Endnote<'_>]) -> Vec<usize> {
    let mut out = Vec::new();
    for reference in f.references.iter() {
        if let Some(n) = endnotes
            .iter()
            .find(|e| e.source.id == reference.source)
            .map(|e| e.number)
        {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    }
    out.sort_unstable();
    out
}

/// The findings in the order the document shows them: by risk level, worst first, then
/// by rank (an accepted risk ranks last but shows at its level).
fn in_document_order(r: &Report) -> impl Iterator<Item = &Finding> {
    Severity::ALL
        .iter()
        .rev()
        .flat_map(move |level| r.findings.iter().filter(move |f| f.risk == *level))
}

/// The MSP's tier and why.
pub(crate) struct Tier<'a> {
    /// "MSP capability tier: Minimal cybersecurity focus".
    pub title: String,
    /// Why, in sentences.
    pub reasons: &'a [String],
}

/// One endnote: a cited document, and what of it the findings cite.
pub(crate) struct Endnote<'a> {
    /// Its number, from 1, in the order the findings first cite it.
    pub number: usize,
    /// The document.
    pub source: &'a SourceInfo,
    /// The parts of it cited: (section, evidence level, the findings citing it).
    pub sections: Vec<(&'a str, &'static str, Vec<&'a str>)>,
}

/// The documents the findings cite, numbered in the order the document first cites them
/// (as GitHub and pandoc number footnotes).
fn endnotes(r: &Report) -> Vec<Endnote<'_>> {
    let mut notes: Vec<Endnote<'_>> = Vec::new();
    for f in in_document_order(r) {
        for reference in f.references.iter() {
            let at = match notes.iter().position(|e| e.source.id == reference.source) {
                Some(at) => at,
                None => {
                    let Some(source) = r.sources.iter().find(|s| s.id == reference.source) else {
                        continue;
                    };
                    notes.push(Endnote {
                        number: notes.len() + 1,
                        source,
                        sections: Vec::new(),
                    });
                    notes.len() - 1
                }
            };
            let sections = &mut notes[at].sections;
            let evidence = reference.evidence.id();
            match sections
                .iter_mut()
                .find(|(s, e, _)| *s == reference.section.as_str() && *e == evidence)
            {
                Some((_, _, ids)) => {
                    if !ids.contains(&f.question.as_str()) {
                        ids.push(&f.question);
                    }
                }
                None => sections.push((&reference.section, evidence, vec![&f.question])),
            }
        }
    }
    notes
}

/// The endnote's document in one line: "CISA Insights: ... CISA, 2021-09."
pub(crate) fn source_line(s: &SourceInfo) -> String {
    let mut line = s.title.clone();
    for part in [s.publisher.as_deref(), s.published.as_deref()]
        .into_iter()
        .flatten()
    {
        line.push_str(". ");
        line.push_str(part);
    }
    line.push('.');
    line
}

/// A cited section in words: "Summary (evidence B): ACC-01, MFA-01".
pub(crate) fn section_line(section: &str, evidence: &str, ids: &[&str]) -> String {
    format!("{section} (evidence {evidence}): {}", ids.join(", "))
}
