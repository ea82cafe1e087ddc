//! `--format sarif`: SARIF 2.1.0 for code-scanning tools (GitHub code scanning and others).
//!
//! One rule per question, one result per finding, each located at the line of its answer in
//! the answers file (GitHub rejects results without a location). Risk levels map to SARIF
//! levels (critical and high: error, medium: warning, low: note) and to GitHub's
//! `security-severity`. Accepted risks are results with an external suppression. Each result
//! carries its priority, plan action and whether it is verified; the run carries the score,
//! its best case, the rating and the plan.

use serde_json::{json, Value};

use super::{references_text, RenderError, Renderer};
use crate::bank::Severity;
use crate::report::{AcceptanceStatus, Report};
use crate::sanitize::uri_path;

/// Renders a report as SARIF 2.1.0.
pub struct SarifRenderer;

fn level(risk: Severity) -> &'static str {
    match risk {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

fn security_severity(risk: Severity) -> &'static str {
    match risk {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

impl Renderer for SarifRenderer {
    fn render(&self, r: &Report) -> Result<String, RenderError> {
        // A URI reference: the platform's separator becomes `/`, everything else that is not
        // unreserved is percent-encoded (a `#` or `%` in a name is part of the name).
        let uri = uri_path(&r.file.replace(std::path::MAIN_SEPARATOR, "/"));
        let rules: Vec<Value> = r
            .questions
            .iter()
            .map(|q| {
                json!({
                    "id": q.id,
                    "name": q.id.replace('-', ""),
                    "shortDescription": {"text": q.finding},
                    "fullDescription": {"text": q.text},
                    "help": {
                        "text": format!("{}\n\nWhy it matters: {}\n\nReference: {}", q.recommendation, q.why, references_text(&q.references)),
                    },
                    "defaultConfiguration": {"level": level(q.severity)},
                    "properties": {
                        "tags": ["security", "msp-risk", q.domain],
                        "security-severity": security_severity(q.severity),
                        "precision": "high",
                    },
                })
            })
            .collect();
        let results: Vec<Value> = r
            .findings
            .iter()
            .map(|f| {
                let index = r
                    .questions
                    .iter()
                    .position(|q| q.id == f.question)
                    .unwrap_or(0);
                let mut text = format!(
                    "{} (answer: {}). What to do: {}",
                    super::finding_title(f),
                    f.answer_label,
                    f.recommendation
                );
                if let Some(note) = super::finding_note(f) {
                    text.push_str(&format!(" Note: {note}"));
                }
                let mut result = json!({
                    "ruleId": f.question,
                    "ruleIndex": index,
                    "level": level(f.risk),
                    "message": {"text": text},
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri, "index": 0},
                            "region": {"startLine": f.line.max(1), "startColumn": f.column.max(1)},
                        }
                    }],
                    "partialFingerprints": {"mspRiskQuestion/v1": f.question},
                    "properties": {
                        "risk": f.risk.id(),
                        "security-severity": security_severity(f.risk),
                        "unverified": f.unverified,
                        "verified": !f.unverified,
                        "priority": f.priority.id(),
                        "action": super::action_id(f),
                    },
                });
                if let Some(a) = &f.acceptance {
                    if a.status == AcceptanceStatus::Accepted {
                        result["suppressions"] = json!([{
                            "kind": "external",
                            "status": "accepted",
                            "justification": a.justification,
                        }]);
                    }
                }
                result
            })
            .collect();
        let plan: Vec<Value> = r
            .plan
            .iter()
            .map(|a| {
                json!({
                    "rank": a.rank,
                    "id": a.id,
                    "title": a.title,
                    "owner": a.owner.id(),
                    "risk": a.risk.id(),
                    "priority": a.priority.id(),
                    "findings": a.findings,
                    "scoreGain": a.score_gain,
                })
            })
            .collect();
        let doc = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "msp-risk",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://www.cisa.gov/publication/risk-considerations-msp-customers",
                    "rules": rules,
                }},
                "artifacts": [{"location": {"uri": uri}}],
                "results": results,
                "properties": {
                    "organization": r.organization,
                    "assessedOn": r.assessed_on,
                    "overallScore": r.overall.score,
                    "bestCase": r.overall.best_case,
                    "toVerify": r.overall.to_verify,
                    "rating": r.rating,
                    "headline": super::headline(r),
                    "plan": plan,
                    "bank": format!("{}@{}", r.bank.id, r.bank.version),
                },
            }],
        });
        super::json::to_json(&doc)
    }
}
