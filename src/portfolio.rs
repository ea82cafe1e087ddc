//! The portfolio view: many assessed organisations side by side, worst first.

use serde::{Deserialize, Serialize};

use crate::report::{Rating, Report, Tier};

/// How many of the worst organisations the portfolio table on a terminal shows.
pub const TABLE_ROWS: usize = 20;

/// One organisation in the portfolio.
#[derive(Debug, Clone, Serialize, Deserialize)]
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

/// The row of one report.
pub fn row(r: &Report) -> PortfolioRow {
    PortfolioRow {
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
    }
}

/// One row per report, worst first: no score (not assessed) first, then the lowest score,
/// then the most open critical and high findings; ties keep the input order.
pub fn rows(reports: &[Report]) -> Vec<PortfolioRow> {
    let mut rows: Vec<PortfolioRow> = reports.iter().map(row).collect();
    rows.sort_by_key(PortfolioRow::rank_key);
    rows
}

impl PortfolioRow {
    /// The portfolio order as one number (lower is worse): not assessed first, then by
    /// score, then by open critical and high findings. Sort stably to keep input order on ties.
    pub fn rank_key(&self) -> u64 {
        let score = self.score.map_or(0, |s| u64::from(s) + 1);
        let critical = u64::from(u16::MAX) - u64::from(self.critical.min(u32::from(u16::MAX)));
        let high = u64::from(u16::MAX) - u64::from(self.high.min(u32::from(u16::MAX)));
        (score << 32) | (critical << 16) | high
    }

    /// The CSV header matching [`PortfolioRow::csv_line`].
    pub const CSV_HEADER: &'static str = "organization,file,assessed_on,score,rating,msp_tier,critical,high,medium,low,unknown,unanswered,expired_acceptances,status,error";

    /// The row as a CSV line (without line end), every field guarded like the action plan.
    pub fn csv_line(&self) -> String {
        use crate::sanitize::csv_field as f;
        let tier = serde_json::to_value(self.msp_tier)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        let rating = serde_json::to_value(self.rating)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        [
            f(&self.organization),
            f(&self.file),
            f(self.assessed_on.as_deref().unwrap_or("")),
            self.score.map_or(String::new(), |s| s.to_string()),
            rating,
            tier,
            self.critical.to_string(),
            self.high.to_string(),
            self.medium.to_string(),
            self.low.to_string(),
            self.unknown.to_string(),
            self.unanswered.to_string(),
            self.expired.to_string(),
            "ok".to_string(),
            String::new(),
        ]
        .join(",")
    }
}

/// The CSV line for an answers file that could not be read, for the portfolio summary.
pub fn invalid_csv_line(file: &str, error: &str) -> String {
    use crate::sanitize::csv_field as f;
    format!("{},{},,,,,,,,,,,,invalid,{}", f(file), f(file), f(error))
}
