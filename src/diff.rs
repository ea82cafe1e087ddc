//! Two assessments of the same organisation compared: what is new, resolved, worse and
//! better, how the scores moved, and which accepted risks appeared or expired.
//!
//! Pure: two reports in, a [`Diff`] out; [`Diff::regressed`] is what `diff
//! --fail-on-regression` gates on.

use std::fmt::Write;

use serde::Serialize;

use crate::bank::{Gap, Severity};
use crate::report::{AcceptanceStatus, Finding, QuestionStatus, Report};
use crate::sanitize::{terminal_line, wrap};

/// What changed between an older and a newer assessment.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// The older answers file.
    pub old_file: String,
    /// The newer answers file.
    pub new_file: String,
    /// The organisation (from the newer file).
    pub organization: Option<String>,
    /// When each was assessed.
    pub old_assessed_on: Option<String>,
    /// When the newer one was assessed.
    pub new_assessed_on: Option<String>,
    /// Overall score before and after.
    pub overall: ScoreChange,
    /// Domains whose score changed, in bank order.
    pub domains: Vec<DomainChange>,
    /// Findings only in the newer assessment.
    pub new_findings: Vec<FindingChange>,
    /// Findings only in the older assessment, whose question is now answered without a gap.
    pub resolved: Vec<FindingChange>,
    /// Findings of the older assessment whose question has no answer any more: not resolved,
    /// and a regression (deleting an answer must not pass a gate).
    pub now_unanswered: Vec<FindingChange>,
    /// Findings of the older assessment whose follow-up question no longer applies (the
    /// answer it follows changed): listed, neither resolved nor worse.
    pub no_longer_asked: Vec<FindingChange>,
    /// Findings in both, now at a higher risk or a bigger gap.
    pub worse: Vec<FindingChange>,
    /// Findings in both, now at a lower risk or a smaller gap.
    pub better: Vec<FindingChange>,
    /// Accepted risks that have expired since the older assessment.
    pub newly_expired: Vec<String>,
    /// Accepted risks that are new in the newer assessment.
    pub new_acceptances: Vec<String>,
    /// Notes, such as a change of organisation name.
    pub notes: Vec<String>,
}

/// A score before and after.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct ScoreChange {
    /// Before (None: not assessed).
    pub old: Option<u32>,
    /// After.
    pub new: Option<u32>,
}

impl ScoreChange {
    /// The change in points, when both are known.
    pub fn delta(&self) -> Option<i64> {
        Some(i64::from(self.new?) - i64::from(self.old?))
    }
}

/// One domain's score change.
#[derive(Debug, Clone, Serialize)]
pub struct DomainChange {
    /// Domain id.
    pub id: String,
    /// Domain title.
    pub title: String,
    /// Before and after.
    #[serde(flatten)]
    pub score: ScoreChange,
}

/// One finding that appeared, disappeared or moved.
#[derive(Debug, Clone, Serialize)]
pub struct FindingChange {
    /// Question id.
    pub question: String,
    /// What the gap is.
    pub finding: String,
    /// Risk before (None: no finding).
    pub old_risk: Option<Severity>,
    /// Risk after (None: resolved).
    pub new_risk: Option<Severity>,
    /// Answer before, in words.
    pub old_answer: Option<String>,
    /// Answer after, in words.
    pub new_answer: Option<String>,
}

fn change(question: &str, old: Option<&Finding>, new: Option<&Finding>) -> FindingChange {
    let any = new.or(old);
    FindingChange {
        question: question.to_string(),
        // As every report titles it: "Not verified: ...", "Disagreement: ...".
        finding: any.map(crate::render::finding_title).unwrap_or_default(),
        old_risk: old.map(|f| f.risk),
        new_risk: new.map(|f| f.risk),
        old_answer: old.map(|f| f.answer_label.clone()),
        new_answer: new.map(|f| f.answer_label.clone()),
    }
}

fn seriousness(f: &Finding) -> (Severity, Gap, bool) {
    // A confirmed gap is worse than an unverified one of the same size.
    (f.risk, f.gap, !f.unverified)
}

/// Compares an older and a newer report of the same organisation.
pub fn compare(old: &Report, new: &Report) -> Diff {
    let mut diff = Diff {
        old_file: old.file.clone(),
        new_file: new.file.clone(),
        organization: new.organization.clone(),
        old_assessed_on: old.assessed_on.clone(),
        new_assessed_on: new.assessed_on.clone(),
        overall: ScoreChange {
            old: old.overall.score,
            new: new.overall.score,
        },
        domains: Vec::new(),
        new_findings: Vec::new(),
        resolved: Vec::new(),
        now_unanswered: Vec::new(),
        no_longer_asked: Vec::new(),
        worse: Vec::new(),
        better: Vec::new(),
        newly_expired: Vec::new(),
        new_acceptances: Vec::new(),
        notes: Vec::new(),
    };
    if old.organization != new.organization {
        diff.notes.push(format!(
            "The organisation differs: \"{}\" then \"{}\".",
            old.organization.as_deref().unwrap_or("not named"),
            new.organization.as_deref().unwrap_or("not named")
        ));
    }
    if old.bank.version != new.bank.version || old.answers_bank != new.answers_bank {
        diff.notes.push(format!(
            "The answers were given against {} then {}.",
            old.answers_bank, new.answers_bank
        ));
    }
    for d in &new.domains {
        let before = old
            .domains
            .iter()
            .find(|o| o.id == d.id)
            .and_then(|o| o.score.score);
        let score = ScoreChange {
            old: before,
            new: d.score.score,
        };
        if score.old != score.new {
            diff.domains.push(DomainChange {
                id: d.id.clone(),
                title: d.title.to_string(),
                score,
            });
        }
    }
    // Bank order keeps the lists stable and readable.
    for q in &new.questions {
        let o = old.findings.iter().find(|f| f.question == q.id);
        let n = new.findings.iter().find(|f| f.question == q.id);
        match (o, n) {
            (None, Some(n)) => diff.new_findings.push(change(&q.id, None, Some(n))),
            (Some(o), None) => {
                let c = change(&q.id, Some(o), None);
                match q.status {
                    QuestionStatus::Unanswered => diff.now_unanswered.push(c),
                    QuestionStatus::NotAsked => diff.no_longer_asked.push(c),
                    _ => diff.resolved.push(c),
                }
            }
            (Some(o), Some(n)) if seriousness(n) > seriousness(o) => {
                diff.worse.push(change(&q.id, Some(o), Some(n)))
            }
            (Some(o), Some(n)) if seriousness(n) < seriousness(o) => {
                diff.better.push(change(&q.id, Some(o), Some(n)))
            }
            _ => {}
        }
        let status = |f: Option<&Finding>| f.and_then(|f| f.acceptance.as_ref()).map(|a| a.status);
        match (status(o), status(n)) {
            (s, Some(AcceptanceStatus::Expired)) if s != Some(AcceptanceStatus::Expired) => {
                diff.newly_expired.push(q.id.clone())
            }
            (None, Some(AcceptanceStatus::Accepted)) => diff.new_acceptances.push(q.id.clone()),
            _ => {}
        }
    }
    diff
}

impl Diff {
    /// True when anything got worse: a new or worse finding, a finding whose answer was
    /// removed, a lower overall or domain score, or an accepted risk that expired.
    pub fn regressed(&self) -> bool {
        !self.new_findings.is_empty()
            || !self.worse.is_empty()
            || !self.now_unanswered.is_empty()
            || !self.newly_expired.is_empty()
            || self.overall.delta().is_some_and(|d| d < 0)
            || self
                .domains
                .iter()
                .any(|d| d.score.delta().is_some_and(|d| d < 0))
    }

    /// The comparison as plain text for a terminal, wrapped to `width`.
    pub fn to_text(&self, width: usize) -> String {
        let mut out = String::new();
        let line = |out: &mut String, text: &str, indent: &str| {
            for (i, l) in wrap(&terminal_line(text), width.saturating_sub(indent.len() + 2))
                .iter()
                .enumerate()
            {
                let _ = writeln!(out, "{indent}{}{l}", if i == 0 { "" } else { "  " });
            }
        };
        let org = self
            .organization
            .as_deref()
            .unwrap_or("(organisation not named)");
        line(&mut out, &format!("Changes for {org}"), "");
        line(
            &mut out,
            &format!(
                "from {} ({}) to {} ({})",
                self.old_file,
                self.old_assessed_on.as_deref().unwrap_or("date not given"),
                self.new_file,
                self.new_assessed_on.as_deref().unwrap_or("date not given")
            ),
            "",
        );
        out.push('\n');
        let score = |s: Option<u32>| s.map_or("not assessed".to_string(), |s| s.to_string());
        let delta = |c: &ScoreChange| c.delta().map_or(String::new(), |d| format!(" ({d:+})"));
        let _ = writeln!(
            out,
            "Overall score: {} -> {}{}",
            score(self.overall.old),
            score(self.overall.new),
            delta(&self.overall)
        );
        let lists: [(&str, &Vec<FindingChange>); 6] = [
            ("New findings", &self.new_findings),
            ("Worse", &self.worse),
            (
                "No longer answered (the gap is not resolved)",
                &self.now_unanswered,
            ),
            ("Resolved", &self.resolved),
            ("Better", &self.better),
            (
                "No longer asked (the answer they follow changed)",
                &self.no_longer_asked,
            ),
        ];
        for (title, list) in lists {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{title} ({}):", list.len());
            for c in list {
                let risk =
                    |r: Option<Severity>| r.map_or("none".to_string(), |r| r.id().to_string());
                let text = match (c.old_risk, c.new_risk) {
                    (None, Some(r)) => {
                        format!("{} {}: {}", r.id().to_uppercase(), c.question, c.finding)
                    }
                    (Some(r), None) => {
                        format!("{} {}: {}", r.id().to_uppercase(), c.question, c.finding)
                    }
                    _ => format!(
                        "{}: {} ({} -> {}; answer {} -> {})",
                        c.question,
                        c.finding,
                        risk(c.old_risk),
                        risk(c.new_risk),
                        c.old_answer.as_deref().unwrap_or("-"),
                        c.new_answer.as_deref().unwrap_or("-")
                    ),
                };
                line(&mut out, &text, "  ");
            }
        }
        if !self.domains.is_empty() {
            let _ = writeln!(out, "\nDomain scores that changed:");
            for d in &self.domains {
                line(
                    &mut out,
                    &format!(
                        "{} {}: {} -> {}{}",
                        d.id,
                        d.title,
                        score(d.score.old),
                        score(d.score.new),
                        delta(&d.score)
                    ),
                    "  ",
                );
            }
        }
        if !self.newly_expired.is_empty() {
            line(
                &mut out,
                &format!(
                    "\nAccepted risks now expired: {}",
                    self.newly_expired.join(", ")
                ),
                "",
            );
        }
        if !self.new_acceptances.is_empty() {
            line(
                &mut out,
                &format!(
                    "\nNewly accepted risks: {}",
                    self.new_acceptances.join(", ")
                ),
                "",
            );
        }
        for n in &self.notes {
            line(&mut out, &format!("\nNote: {n}"), "");
        }
        out.push('\n');
        line(
            &mut out,
            if self.regressed() {
                "Result: something got worse (see above)."
            } else {
                "Result: nothing got worse."
            },
            "",
        );
        out
    }
}
