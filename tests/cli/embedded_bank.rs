//! The embedded bank meets the product's requirements (through the library API).

use std::collections::HashSet;

use msp_risk::bank::{self, Kind, Severity};

fn embedded() -> &'static bank::Bank {
    bank::builtin().expect("the embedded bank loads and passes every lint check")
}

#[test]
fn embedded_bank_is_valid() {
    let b = embedded();
    assert_eq!(b.id, "cisa-msp-customer");
    assert!(b.questions.len() >= 60, "{} questions", b.questions.len());
    assert!(b.domains.len() >= 12);
}

#[test]
fn it_covers_every_domain_of_the_digest() {
    let ids: HashSet<&str> = embedded().domains.iter().map(|d| d.id.as_str()).collect();
    for d in [
        "GOV", "CON", "SHR", "ACC", "MFA", "RMM", "LOG", "PAT", "BCK", "IRN", "SUP", "TRN", "OVS",
        "CAP", "DAT", "FIN",
    ] {
        assert!(ids.contains(d), "domain {d} missing");
    }
}

#[test]
fn it_has_enough_follow_ups_ownership_and_choice_questions() {
    let b = embedded();
    let count = |f: &dyn Fn(&bank::Question) -> bool| b.questions.iter().filter(|q| f(q)).count();
    assert!(count(&|q| q.is_follow_up()) >= 8);
    assert!(count(&|q| q.kind == Kind::Ownership) >= 8);
    assert!(count(&|q| q.kind == Kind::Choice) >= 3);
    assert!(count(&|q| q.msp_indicator.is_some()) >= 8);
}

#[test]
fn every_question_is_complete_and_traced_to_the_digest() {
    for q in &embedded().questions {
        assert!(
            !q.why.is_empty() && !q.recommendation.is_empty() && !q.finding.is_empty(),
            "{}",
            q.id
        );
        assert!(!q.consequences.is_empty(), "{}", q.id);
        // Traced: a digest recommendation, or a source added since the digest; industry
        // questionnaires (S33) may carry a medium or low question alone, never a high one.
        let industry = |r: &msp_risk::bank::Reference| r.source == "S33";
        assert!(
            q.severity <= Severity::Medium || !q.references.iter().all(industry),
            "{} is {:?} on industry practice alone",
            q.id,
            q.severity
        );
        assert!(
            q.references.iter().all(|r| !r.section.trim().is_empty()),
            "{} has a reference without a section",
            q.id
        );
        assert!(
            q.finding.chars().count() <= 80,
            "{}: finding too long for a table row",
            q.id
        );
    }
}

#[test]
fn do_today_actions_are_critical_and_lead_the_priorities() {
    // AA22-131A's three "do today" actions (unused accounts, MFA on MSP accounts, a contract
    // that names who owns each security role) and the Kaseya customer lessons that apply
    // before an incident (RMM closed to the internet, an offline backup).
    let b = embedded();
    let do_today: Vec<&str> = b
        .questions
        .iter()
        .filter(|q| q.priority == msp_risk::bank::Priority::DoToday)
        .map(|q| q.id.as_str())
        .collect();
    assert_eq!(do_today, ["CON-01", "ACC-01", "MFA-01", "RMM-08", "BCK-03"]);
    for id in &do_today {
        assert_eq!(b.question(id).unwrap().severity, Severity::Critical, "{id}");
    }
    // An incident-time step and an alert are not critical (the expert review).
    for id in ["PAT-04", "MFA-03"] {
        assert_ne!(b.question(id).unwrap().severity, Severity::Critical, "{id}");
    }
    for id in ["ACC-04", "RMM-03", "PAT-08", "ACC-06"] {
        assert_eq!(b.question(id).unwrap().severity, Severity::Critical, "{id}");
    }
}

#[test]
fn every_question_has_a_severity_reason_a_priority_and_an_action() {
    let b = embedded();
    for q in &b.questions {
        let reason = q.severity_reason.as_deref().unwrap_or("");
        assert!(
            !reason.trim().is_empty() && reason.split_whitespace().count() <= 30,
            "{}: {reason:?}",
            q.id
        );
        assert!(q.action.is_some(), "{} has no action", q.id);
    }
    for d in &b.domains {
        assert!((1..=15).contains(&d.weight), "{}: {}", d.id, d.weight);
    }
    assert!((8..=20).contains(&b.actions.len()));
}
