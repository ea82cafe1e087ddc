//! `--format oscal`: a NIST OSCAL assessment-results document (OSCAL 1.1.2), for GRC tools.
//!
//! One observation per answered question (method INTERVIEW); a finding with target status
//! `not-satisfied` per gap that is not "I don't know"; "I don't know" answers stay
//! observations only (nobody has verified them either way). Accepted risks become risks with
//! status `deviation-approved` and their expiry as deadline; expired ones are `open`.
//! The result carries the score, its range and the rating as properties, and the plan in
//! its remarks. Every id is a name-based UUID (v5), so the same answers give the same
//! document.

use serde_json::{json, Value};
use uuid::Uuid;

use super::{document_date, references_text, RenderError, Renderer};
use crate::report::{AcceptanceStatus, QuestionStatus, Report};

/// Renders a report as OSCAL assessment results.
pub struct OscalRenderer;

/// The namespace of msp-risk's name-based UUIDs.
const NAMESPACE: Uuid = Uuid::from_u128(0x6d7370_72697363_6b000000_00000001);

/// The OSCAL version the document follows.
pub const OSCAL_VERSION: &str = "1.1.2";

fn timestamp(date: &str) -> String {
    format!("{date}T00:00:00Z")
}

/// The namespace of msp-risk's own property names.
const NS: &str = "https://msp-risk.invalid/ns/oscal";

/// The score, its range and the rating as result properties (an OSCAL property value is a
/// non-empty string: absent numbers are left out).
fn props(r: &Report) -> Value {
    let o = &r.overall;
    let mut props = Vec::new();
    let mut add = |name: &str, value: String| {
        props.push(json!({"name": name, "ns": NS, "value": value}));
    };
    if let Some(s) = o.score {
        add("score", s.to_string());
    }
    if let Some(b) = o.best_case {
        add("best-case", b.to_string());
    }
    add("to-verify", o.to_verify.to_string());
    add("rating", r.rating.label().to_string());
    add("completeness-percent", o.completeness_percent.to_string());
    Value::Array(props)
}

/// The plan, for the result's remarks: one numbered line per action.
fn plan_remarks(r: &Report) -> String {
    let mut s = format!("{}.\n\nWhat to do first:\n\n", super::headline(r));
    if r.plan.is_empty() {
        s.push_str(&super::empty_plan_text(r));
    }
    for a in &r.plan {
        s.push_str(&format!(
            "{}. {} (who acts: {}; risk {}; priority: {}; closes {}; {})\n",
            a.rank,
            a.title,
            a.owner.label(),
            a.risk.id(),
            a.priority.label(),
            super::closes_text(a),
            super::gain_text(a)
        ));
    }
    if !r.verify.is_empty() {
        s.push_str(&format!(
            "\nTo verify with the MSP (\"I don't know\" answers, observations only): {}.",
            r.verify.join(", ")
        ));
    }
    s.trim_end().to_string()
}

impl Renderer for OscalRenderer {
    fn render(&self, r: &Report) -> Result<String, RenderError> {
        let org = r.organization.clone().unwrap_or_else(|| r.file.clone());
        let scope = format!(
            "{}@{}/{}/{}",
            r.bank.id,
            r.bank.version,
            org,
            document_date(r)
        );
        let id = |kind: &str, name: &str| {
            Uuid::new_v5(&NAMESPACE, format!("{scope}/{kind}/{name}").as_bytes()).to_string()
        };
        let when = timestamp(document_date(r));

        let mut observations = Vec::new();
        let mut findings = Vec::new();
        let mut risks = Vec::new();
        for q in &r.questions {
            let Some(answer) = &q.answer else { continue };
            if q.status == QuestionStatus::NotAsked {
                continue;
            }
            let observation_id = id("observation", &q.id);
            let mut description = format!("{} Answer: {}.", q.text, q.answer_label);
            let comment = q.msp_reply.as_ref().and_then(|r| r.comment.as_deref());
            if let Some(note) = super::reply::note_and_comment(q.note.as_deref(), comment) {
                description.push_str(&format!(" Note: {note}"));
            }
            let mut observation = json!({
                "uuid": observation_id,
                "title": format!("{}: {}", q.id, q.answer_label),
                "description": description,
                "methods": ["INTERVIEW"],
                "types": ["finding"],
                "collected": when,
                "props": [
                    {"name": "question-id", "ns": NS, "value": q.id},
                    {"name": "answer", "ns": NS, "value": answer},
                ],
            });
            if answer == "unknown" {
                observation["types"] = json!(["historic"]);
                observation["remarks"] =
                    json!("Answered \"I don't know\": not verified either way.");
            }
            observations.push(observation);
            let Some(f) = r.findings.iter().find(|f| f.question == q.id) else {
                continue;
            };
            if f.unverified {
                continue;
            }
            let mut finding = json!({
                "uuid": id("finding", &q.id),
                "title": f.finding,
                "description": format!("{} Risk: {}. What to do: {} Reference: {}.", f.finding, f.risk.id(), f.recommendation, references_text(&f.references)),
                "target": {
                    "type": "objective-id",
                    "target-id": q.id.to_lowercase(),
                    "status": {"state": "not-satisfied"},
                },
                "related-observations": [{"observation-uuid": observation_id}],
            });
            if let Some(a) = &f.acceptance {
                let risk_id = id("risk", &q.id);
                let mut risk = json!({
                    "uuid": risk_id,
                    "title": f.finding,
                    "description": format!("{} (risk level {}).", f.finding, f.risk.id()),
                    "statement": format!("Accepted: {}{}", a.justification, a.approved_by.as_ref().map_or(String::new(), |b| format!(" (approved by {b})"))),
                    "status": match a.status {
                        AcceptanceStatus::Accepted => "deviation-approved",
                        AcceptanceStatus::Expired => "open",
                    },
                });
                if let Some(expires) = &a.expires {
                    risk["deadline"] = json!(timestamp(expires));
                }
                if a.status == AcceptanceStatus::Expired {
                    risk["statement"] = json!(format!(
                        "{} The acceptance has expired: the risk is open again.",
                        risk["statement"].as_str().unwrap_or_default()
                    ));
                }
                risks.push(risk);
                finding["related-risks"] = json!([{"risk-uuid": risk_id}]);
            }
            findings.push(finding);
        }

        let mut result = json!({
            "uuid": id("result", "1"),
            "title": format!("MSP risk assessment of {org}"),
            "description": format!(
                "Answers to the {} questionnaire ({}@{}), scored by msp-risk: {}. MSP capability tier: {}. {}",
                r.bank.title, r.bank.id, r.bank.version,
                super::headline(r),
                r.msp_tier.tier.label(),
                r.msp_tier.reasons.join(" ")
            ),
            "start": when,
            "props": props(r),
            "reviewed-controls": {"control-selections": [{"include-all": {}}]},
        });
        result["remarks"] = json!(plan_remarks(r));
        if !observations.is_empty() {
            result["observations"] = Value::Array(observations);
        }
        if !risks.is_empty() {
            result["risks"] = Value::Array(risks);
        }
        if !findings.is_empty() {
            result["findings"] = Value::Array(findings);
        }
        let party = id("party", "organization");
        let doc = json!({
            "assessment-results": {
                "uuid": id("document", "1"),
                "metadata": {
                    "title": format!("MSP risk assessment: {org}"),
                    "last-modified": when,
                    "version": format!("{}@{}", r.bank.id, r.bank.version),
                    "oscal-version": OSCAL_VERSION,
                    "parties": [{"uuid": party, "type": "organization", "name": org}],
                },
                "import-ap": {"href": format!("urn:msp-risk:assessment-plan:{}:{}", r.bank.id, r.bank.version)},
                "results": [result],
            }
        });
        super::json::to_json(&doc)
    }
}
