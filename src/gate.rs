//! The CI gate behind `msp-risk check`: does a report pass a policy?
//!
//! Pure: a report and a policy in, a verdict with its reasons out. The binary turns the
//! verdict into exit code 0 (passed) or 1 (failed).

use crate::bank::Severity;
use crate::report::{AcceptanceStatus, Report};

/// What the gate forbids.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Fail on any open finding at this risk level or above.
    pub fail_on: Severity,
    /// Fail when more answers than this are "I don't know" (`None`: no limit).
    pub max_unknown: Option<u32>,
    /// Fail when more applicable questions than this are unanswered (`None`: no limit).
    pub max_unanswered: Option<u32>,
}

/// The gate's decision and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// True when nothing the policy forbids was found.
    pub passed: bool,
    /// One sentence per reason the gate failed (empty when it passed).
    pub reasons: Vec<String>,
    /// The findings that failed the gate, as question ids in rank order.
    pub blocking: Vec<String>,
}

/// Applies `policy` to `report`. Accepted risks do not fail the gate; expired ones do,
/// whatever their level, because an expired acceptance is a decision nobody has renewed.
pub fn evaluate(report: &Report, policy: &Policy) -> Verdict {
    let mut reasons = Vec::new();
    let mut blocking = Vec::new();
    let at_or_above = report.counts.open_by_risk.at_or_above(policy.fail_on);
    if at_or_above > 0 {
        reasons.push(format!(
            "{at_or_above} open finding(s) at risk level {} or above",
            policy.fail_on.id()
        ));
    }
    // A blank counts like "I don't know": skipping a question never passes the gate.
    let blank = report.counts.unanswered_by_risk.at_or_above(policy.fail_on);
    if blank > 0 {
        reasons.push(format!(
            "{blank} unanswered question(s) at risk level {} or above (a blank counts like \"I don't know\")",
            policy.fail_on.id()
        ));
    }
    let mut expired = 0;
    for f in &report.findings {
        let is_expired = matches!(&f.acceptance, Some(a) if a.status == AcceptanceStatus::Expired);
        if is_expired {
            expired += 1;
        }
        if f.is_open() && (f.risk >= policy.fail_on || is_expired) {
            blocking.push(f.question.clone());
        }
    }
    if expired > 0 {
        reasons.push(format!(
            "{expired} accepted risk(s) past their expiry date; renew or resolve them"
        ));
    }
    if let Some(max) = policy.max_unknown {
        // A disagreement with the MSP not yet settled is as unknown as "I don't know".
        let (unknown, disputed) = (report.counts.unknown, report.counts.disagreements);
        if unknown + disputed > max {
            let also = if disputed > 0 {
                format!(" (counting {disputed} disagreement(s) with the MSP not yet settled)")
            } else {
                String::new()
            };
            reasons.push(format!(
                "{} \"I don't know\" answer(s){also}, more than the {max} allowed",
                unknown + disputed
            ));
        }
    }
    if let Some(max) = policy.max_unanswered {
        if report.counts.unanswered > max {
            reasons.push(format!(
                "{} unanswered question(s), more than the {max} allowed",
                report.counts.unanswered
            ));
        }
    }
    Verdict {
        passed: reasons.is_empty(),
        reasons,
        blocking,
    }
}
