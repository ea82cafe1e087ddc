//! `--format csv`: the action plan, one row per finding, for a spreadsheet. New columns are
//! added at the end, so spreadsheets built on the old ones keep working.
//!
//! RFC 4180 quoting, CRLF line ends and a UTF-8 byte order mark (so spreadsheet programs
//! read accents correctly); every field that could start a formula is neutralised.

use super::{references_text, RenderError, Renderer};
use crate::report::{AcceptanceStatus, Report};
use crate::sanitize::csv_field;

/// Renders the action plan as CSV.
pub struct CsvRenderer;

const HEADER: &[&str] = &[
    "rank",
    "question",
    "risk",
    "severity",
    "domain",
    "finding",
    "recommendation",
    "who_acts",
    "answer",
    "unverified",
    "note",
    "evidence",
    "as_of",
    "reference",
    "accepted_risk",
    "accepted_until",
    "justification",
    "action",
    "priority",
    "verified",
];

impl Renderer for CsvRenderer {
    fn render(&self, r: &Report) -> Result<String, RenderError> {
        let mut out = String::from("\u{FEFF}");
        out.push_str(&HEADER.join(","));
        out.push_str("\r\n");
        for f in &r.findings {
            let (status, until, why) = match &f.acceptance {
                Some(a) => (
                    match a.status {
                        AcceptanceStatus::Accepted => "accepted",
                        AcceptanceStatus::Expired => "expired",
                    },
                    a.expires.clone().unwrap_or_default(),
                    a.justification.clone(),
                ),
                None => ("", String::new(), String::new()),
            };
            let fields = [
                f.rank.to_string(),
                f.question.clone(),
                f.risk.id().to_string(),
                f.severity.id().to_string(),
                f.domain_title.to_string(),
                f.finding.to_string(),
                f.recommendation.to_string(),
                f.who_acts.label().to_string(),
                f.answer_label.clone(),
                if f.unverified { "yes" } else { "no" }.to_string(),
                super::finding_note(f).unwrap_or_default(),
                f.evidence.clone().unwrap_or_default(),
                f.as_of.clone().unwrap_or_default(),
                references_text(&f.references),
                status.to_string(),
                until,
                why,
                super::action_id(f),
                f.priority.id().to_string(),
                if f.unverified { "no" } else { "yes" }.to_string(),
            ];
            let line: Vec<String> = fields.iter().map(|s| csv_field(s)).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
        Ok(out)
    }
}
