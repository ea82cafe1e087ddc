//! `--format junit`: one test suite per domain, one test case per question, for CI dashboards
//! (GitLab, Jenkins and others read JUnit XML).
//!
//! A gap at or above the threshold (`--fail-on`, default high) is a failure whose message
//! says the finding and the fix; "does not apply", unanswered and not-asked questions are
//! skipped; everything else passes. Accepted (unexpired) risks pass, with the acceptance in
//! the test case's output. Every suite carries the score, its range, the rating and the plan
//! as properties.

use std::fmt::Write;

use super::{document_date, references_text, RenderError, Renderer};
use crate::bank::Severity;
use crate::report::{AcceptanceStatus, QuestionResult, QuestionStatus, Report};
use crate::sanitize::xml;

/// Renders a report as JUnit XML.
pub struct JunitRenderer {
    /// Gaps at or above this risk level fail.
    pub fail_on: Severity,
}

enum Outcome {
    Pass(Option<String>),
    Fail { message: String, detail: String },
    Skip(&'static str),
}

impl JunitRenderer {
    fn outcome(&self, r: &Report, q: &QuestionResult) -> Outcome {
        match q.status {
            QuestionStatus::Met => Outcome::Pass(None),
            QuestionStatus::NotApplicable => Outcome::Skip("does not apply"),
            QuestionStatus::Unanswered => Outcome::Skip("unanswered"),
            QuestionStatus::NotAsked => Outcome::Skip("follow-up not asked"),
            QuestionStatus::Gap => {
                let Some(f) = r.findings.iter().find(|f| f.question == q.id) else {
                    return Outcome::Pass(None);
                };
                let expired =
                    matches!(&f.acceptance, Some(a) if a.status == AcceptanceStatus::Expired);
                let summary = format!(
                    "{} risk: {}{}",
                    f.risk.label(),
                    if f.unverified { "not verified: " } else { "" },
                    f.finding
                );
                if !f.is_open() {
                    let why = f
                        .acceptance
                        .as_ref()
                        .map_or(String::new(), |a| a.justification.clone());
                    return Outcome::Pass(Some(format!("{summary}\nAccepted risk: {why}")));
                }
                if f.risk >= self.fail_on || expired {
                    let mut detail = format!(
                        "{summary}\nAnswer: {}\nWhat to do: {}\nWho acts: {}\nReference: {}",
                        f.answer_label,
                        f.recommendation,
                        f.who_acts.label(),
                        references_text(&f.references)
                    );
                    if expired {
                        detail.push_str("\nThe accepted risk for this finding has expired.");
                    }
                    Outcome::Fail {
                        message: format!("{summary}. Fix: {}", f.recommendation),
                        detail,
                    }
                } else {
                    Outcome::Pass(Some(format!(
                        "{summary} (below the --fail-on {} threshold)",
                        self.fail_on.id()
                    )))
                }
            }
        }
    }
}

/// The report-level facts as `<properties>`, repeated in every suite (the JUnit schema has
/// properties on suites only): the score and its range, the rating, and the plan as
/// `plan.1` = "title (owner)".
fn properties(r: &Report) -> String {
    let o = &r.overall;
    let mut props: Vec<(String, String)> = Vec::new();
    let number = |n: Option<u32>| n.map_or(String::new(), |n| n.to_string());
    props.push(("score".into(), number(o.score)));
    props.push(("best_case".into(), number(o.best_case)));
    props.push(("to_verify".into(), o.to_verify.to_string()));
    props.push(("rating".into(), r.rating.label().into()));
    props.push((
        "completeness_percent".into(),
        o.completeness_percent.to_string(),
    ));
    props.push(("headline".into(), super::headline(r)));
    for a in &r.plan {
        props.push((
            format!("plan.{}", a.rank),
            format!("{} ({})", a.title, a.owner.label()),
        ));
    }
    let mut out = String::from("    <properties>\n");
    for (name, value) in props {
        let _ = writeln!(
            out,
            "      <property name=\"{}\" value=\"{}\"/>",
            xml(&name),
            xml(&value)
        );
    }
    out.push_str("    </properties>\n");
    out
}

impl Renderer for JunitRenderer {
    fn render(&self, r: &Report) -> Result<String, RenderError> {
        let timestamp = xml(&format!("{}T00:00:00", document_date(r)));
        let org = r.organization.as_deref().unwrap_or(&r.file);
        let properties = properties(r);
        let mut suites = String::new();
        let (mut tests, mut failures, mut skipped) = (0, 0, 0);
        for d in &r.domains {
            let mut cases = String::new();
            let (mut t, mut f, mut s) = (0, 0, 0);
            for q in r.questions.iter().filter(|q| q.domain == d.id) {
                t += 1;
                let name = format!("{}: {}", q.id, q.text);
                let _ = write!(
                    cases,
                    r#"    <testcase name="{}" classname="msp-risk.{}" time="0" file="{}" line="{}">"#,
                    xml(&name),
                    xml(&d.id),
                    xml(&r.file),
                    q.line
                );
                match self.outcome(r, q) {
                    Outcome::Pass(None) => {}
                    Outcome::Pass(Some(out)) => {
                        let _ = write!(
                            cases,
                            "\n      <system-out>{}</system-out>\n    ",
                            xml(&out)
                        );
                    }
                    Outcome::Fail { message, detail } => {
                        f += 1;
                        let _ = write!(
                            cases,
                            "\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    ",
                            xml(&message),
                            q.severity.id(),
                            xml(&detail)
                        );
                    }
                    Outcome::Skip(why) => {
                        s += 1;
                        let _ = write!(cases, "\n      <skipped message=\"{why}\"/>\n    ");
                    }
                }
                cases.push_str("</testcase>\n");
            }
            let _ = write!(
                suites,
                "  <testsuite name=\"{}\" tests=\"{t}\" failures=\"{f}\" errors=\"0\" skipped=\"{s}\" time=\"0\" timestamp=\"{timestamp}\">\n{properties}{cases}  </testsuite>\n",
                xml(&format!("{} {}", d.id, d.title))
            );
            tests += t;
            failures += f;
            skipped += s;
        }
        Ok(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"0\">\n{suites}</testsuites>\n",
            xml(&format!("msp-risk: {org}"))
        ))
    }
}
