//! The portfolio view: many assessed organisations side by side, worst first.

use serde::Serialize;

use crate::report::{Rating, Report, Tier};

/// One organisation in the portfolio.
#[derive(Debug, Clone, Serialize)]
pub struct PortfolioRow {
    /// The answers file.
    pub file: String,
    /// The organisation, or the file name when the file does not say.
    pub organization: String,
    /// When it was assessed.
    pub assessed_on: Option<String>,
    /// Overall score, if anything was scored.
    pub score: Option<u32>,
    /// Overall rating.
    pub rating: Rating,
    /// MSP capability tier.
    pub msp_tier: Tier,
    /// Open critical findings.
    pub critical: u32,
    /// Open high findings.
    pub high: u32,
    /// Open medium findings.
    pub medium: u32,
    /// Open low findings.
    pub low: u32,
    /// "I don't know" answers.
    pub unknown: u32,
    /// Unanswered questions.
    pub unanswered: u32,
    /// Expired accepted risks.
    pub expired: u32,
}

/// One row per report, worst first: no score (not assessed) first, then the lowest score,
/// then the most open critical and high findings; ties by organisation and file name.
pub fn rows(reports: &[Report]) -> Vec<PortfolioRow> {
    let mut rows: Vec<PortfolioRow> = reports
        .iter()
        .map(|r| PortfolioRow {
            file: r.file.clone(),
            organization: r.organization.clone().unwrap_or_else(|| r.file.clone()),
            assessed_on: r.assessed_on.clone(),
            score: r.overall.score,
            rating: r.rating,
            msp_tier: r.msp_tier.tier,
            critical: r.counts.open_by_risk.critical,
            high: r.counts.open_by_risk.high,
            medium: r.counts.open_by_risk.medium,
            low: r.counts.open_by_risk.low,
            unknown: r.counts.unknown,
            unanswered: r.counts.unanswered,
            expired: r.counts.expired,
        })
        .collect();
    rows.sort_by(|a, b| {
        a.score
            .is_some()
            .cmp(&b.score.is_some())
            .then(a.score.cmp(&b.score))
            .then(b.critical.cmp(&a.critical))
            .then(b.high.cmp(&a.high))
            .then(a.organization.cmp(&b.organization))
            .then(a.file.cmp(&b.file))
    });
    rows
}
