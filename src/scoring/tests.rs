//! Scoring rules, each checked on the small test bank.

use chrono::NaiveDate;

use super::*;
use crate::answers;
use crate::bank::{self, Severity};

const SMALL: &str = include_str!("../../tests/fixtures/banks/small.yaml");

fn bank() -> Bank {
    bank::load(SMALL.as_bytes(), "small.yaml").unwrap()
}

fn day(s: &str) -> NaiveDate {
    answers::parse_date(s).unwrap()
}

fn report_for(answers_yaml: &str, today: &str) -> Report {
    let bank = bank();
    let text = format!("bank: small-test@2.0.0\n{answers_yaml}");
    let answers = answers::load(text.as_bytes(), "a.yaml", &bank).unwrap();
    score(&bank, &answers, day(today))
}

fn report(answers_yaml: &str) -> Report {
    report_for(answers_yaml, "2026-11-23")
}

fn finding<'r>(r: &'r Report, id: &str) -> Option<&'r Finding> {
    r.findings.iter().find(|f| f.question == id)
}

#[test]
fn yes_leaves_no_gap_and_no_leaves_a_full_one() {
    let r = report("answers:\n  ACC-01: yes\n  BCK-03: no\n");
    assert!(finding(&r, "ACC-01").is_none());
    let f = finding(&r, "BCK-03").unwrap();
    assert_eq!(f.gap, Gap::Full);
    assert_eq!(f.risk, Severity::Low);
    assert!(!f.unverified);
}

#[test]
fn partial_is_half_a_gap_one_risk_level_lower() {
    let r = report("answers:\n  ACC-01: partial\n");
    let f = finding(&r, "ACC-01").unwrap();
    assert_eq!(f.gap, Gap::Partial);
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.risk, Severity::High);
    assert_eq!(f.lost, 4.0);
}

#[test]
fn unknown_is_a_full_gap_flagged_unverified() {
    let r = report("answers:\n  ACC-01: unknown\n");
    let f = finding(&r, "ACC-01").unwrap();
    assert_eq!(
        (f.gap, f.risk, f.unverified),
        (Gap::Full, Severity::Critical, true)
    );
    assert_eq!(r.counts.unknown, 1);
}

#[test]
fn not_applicable_is_left_out_of_the_score() {
    let r = report("answers:\n  ACC-01: no\n  ACC-03: security_key\n  BCK-01: us\n  BCK-03: na\n");
    assert_eq!(r.counts.not_applicable, 1);
    // BCK is left with BCK-01 alone (met): 100; ACC loses 8 of 12: 33.3; mean 66.7; the
    // confirmed critical gap (ACC-01) takes 5 % off: 63.3.
    assert_eq!(r.domains[1].score.possible, 4, "BCK-03 is not scored");
    assert_eq!(r.overall.score, Some(63));
}

#[test]
fn a_blank_is_scored_like_i_dont_know_and_listed_apart() {
    let blank = report("answers:\n  ACC-01: no\n");
    // ACC-03, BCK-01 and BCK-03 apply and are blank; ACC-02 and BCK-02 are follow-ups whose
    // condition does not hold.
    assert_eq!(blank.counts.unanswered, 3);
    assert_eq!(blank.counts.applicable, 4);
    let ids: Vec<&str> = blank
        .unanswered
        .iter()
        .map(|u| u.question.as_str())
        .collect();
    assert_eq!(ids, ["ACC-03", "BCK-01", "BCK-03"]);
    let unknown =
        report("answers:\n  ACC-01: no\n  ACC-03: unknown\n  BCK-01: unknown\n  BCK-03: unknown\n");
    assert_eq!(blank.overall.score, unknown.overall.score);
    assert_eq!(blank.overall.best_case, unknown.overall.best_case);
    assert_eq!(blank.overall.score, Some(0));
    // Were every blank verified as in place: ACC 8 of 12 lost (33.3), BCK 100: 66.7, less
    // 5 % for the confirmed critical gap: 63.
    assert_eq!(blank.overall.best_case, Some(63));
    assert_eq!(blank.rating, Rating::Incomplete, "1 of 4 answered");
    assert_ne!(unknown.rating, Rating::Incomplete);
}

#[test]
fn nothing_answered_means_not_assessed_rather_than_perfect() {
    let r = report("answers:\n");
    assert_eq!(r.overall.score, Some(0));
    assert_eq!(r.overall.best_case, Some(100));
    assert_eq!(r.rating, Rating::NotAssessed);
}

#[test]
fn the_score_formula_matches_the_documentation() {
    // ACC: ACC-01 no (critical 8, lost 8), ACC-03 app (high 4, partial: lost 2): 1 − 10/12
    // = 16.7. BCK: BCK-01 us (high 4), BCK-03 yes (low 1): 100. Domain weights 5 and 5:
    // (16.7 + 100) / 2 = 58.3; no "do today" question in this bank; ACC-01 is critical and
    // confirmed "no": 5 % off, 55.4, and at most 89 (no effect here): 55.
    let r = report("answers:\n  ACC-01: no\n  ACC-03: app\n  BCK-01: us\n  BCK-03: yes\n");
    assert_eq!(r.overall.possible, 17);
    assert_eq!(r.overall.lost, 10.0);
    assert_eq!(r.overall.weighted, Some(58.3));
    assert_eq!(r.overall.score, Some(55));
    assert_eq!(r.rating, Rating::Weak);
    let acc = &r.domains[0];
    assert_eq!(
        (acc.score.possible, acc.score.lost, acc.score.score),
        (12, 10.0, Some(17))
    );
    let bck = &r.domains[1];
    assert_eq!(bck.score.score, Some(100));
}

#[test]
fn follow_ups_apply_only_when_their_condition_holds() {
    let r = report("answers:\n  ACC-01: no\n  ACC-02: no\n");
    assert!(finding(&r, "ACC-02").is_none());
    assert!(r
        .notes
        .iter()
        .any(|n| n.contains("ACC-02") && n.contains("ignored")));
    let r = report("answers:\n  ACC-01: partial\n  ACC-02: no\n");
    assert!(finding(&r, "ACC-02").is_some());
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn ownership_nobody_and_unknown_are_gaps() {
    let r = report("answers:\n  BCK-01: nobody\n");
    assert_eq!(finding(&r, "BCK-01").unwrap().risk, Severity::High);
    assert_eq!(r.responsibilities[0].status, ResponsibilityStatus::Nobody);
    let r = report("answers:\n  BCK-01: unknown\n");
    assert!(finding(&r, "BCK-01").unwrap().unverified);
    assert_eq!(r.responsibilities[0].status, ResponsibilityStatus::Unknown);
}

#[test]
fn an_area_owned_by_the_msp_is_covered_only_if_the_contract_says_so() {
    let r = report("answers:\n  BCK-01: msp\n");
    // The contract follow-up is blank: the claim is still to verify, and scored as a gap.
    let claim = finding(&r, "BCK-01").unwrap();
    assert!(claim.claim && claim.unverified);
    assert_eq!(r.counts.unverified_claims, 1);
    assert_eq!(r.responsibilities[0].status, ResponsibilityStatus::ToVerify);
    assert_eq!(r.counts.unanswered_by_risk.medium, 1, "BCK-02 is blank");
    let r = report("answers:\n  BCK-01: msp\n  BCK-02: no\n");
    // A claim whose check is "no" is as much a gap as "nobody", never better.
    let parent = finding(&r, "BCK-01").unwrap();
    assert!(!parent.unverified && parent.gap == Gap::Full);
    assert_eq!(
        r.responsibilities[0].status,
        ResponsibilityStatus::NotConfirmed
    );
    assert_eq!(finding(&r, "BCK-02").unwrap().risk, Severity::Medium);
    let r = report("answers:\n  BCK-01: msp\n  BCK-02: yes\n");
    assert_eq!(r.responsibilities[0].status, ResponsibilityStatus::Covered);
    // The small bank has no check for "us": nothing to confirm.
    let r = report("answers:\n  BCK-01: us\n");
    assert_eq!(r.responsibilities[0].status, ResponsibilityStatus::Covered);
}

#[test]
fn a_confirmed_critical_gap_keeps_the_score_below_strong() {
    let all_good = "answers:\n  ACC-01: yes\n  ACC-02: yes\n  ACC-03: security_key\n  BCK-01: us\n  BCK-03: yes\n";
    assert_eq!(report(all_good).rating, Rating::Strong);
    // ACC-01 partly: ACC loses 4 of 14 (71.4), BCK 100: 85.7; a partial gap on a critical
    // question takes 2.5 % off (83.6), and only a full gap caps: 84, Good.
    let partly = report(&all_good.replace("ACC-01: yes", "ACC-01: partial"));
    assert_eq!(partly.overall.score, Some(84));
    let no = report(&all_good.replace("ACC-01: yes\n  ACC-02: yes", "ACC-01: no"));
    assert!(no.overall.score <= Some(89));
    // ACC-01 unknown: a gap in the score, but no extra deduction or cap until confirmed.
    let unknown = report(&all_good.replace("ACC-01: yes\n  ACC-02: yes", "ACC-01: unknown"));
    assert!(unknown.overall.score < Some(89));
    assert_eq!(unknown.overall.best_case, Some(100));
}

#[test]
fn accepted_risks_stay_visible_and_expire_after_their_last_day() {
    let yaml = "answers:\n  ACC-01: no\naccepted_risks:\n  - question: ACC-01\n    justification: compensated\n    expires: 2026-12-31\n";
    let on_last_day = report_for(yaml, "2026-12-31");
    let f = finding(&on_last_day, "ACC-01").unwrap();
    assert_eq!(
        f.acceptance.as_ref().unwrap().status,
        AcceptanceStatus::Accepted
    );
    assert!(!f.is_open());
    assert_eq!(on_last_day.counts.accepted, 1);
    assert_eq!(on_last_day.counts.open_by_risk.critical, 0);
    // Acceptance changes what you do, not what is true: the score still counts the gap.
    assert_eq!(on_last_day.overall.score, Some(0));

    let day_after = report_for(yaml, "2027-01-01");
    let f = finding(&day_after, "ACC-01").unwrap();
    assert_eq!(
        f.acceptance.as_ref().unwrap().status,
        AcceptanceStatus::Expired
    );
    assert!(f.is_open());
    assert_eq!(day_after.counts.expired, 1);
    assert_eq!(day_after.counts.open_by_risk.critical, 1);
}

#[test]
fn an_accepted_risk_without_a_gap_is_noted() {
    let r = report(
        "answers:\n  ACC-01: yes\naccepted_risks:\n  - question: ACC-01\n    justification: x\n",
    );
    assert!(r
        .notes
        .iter()
        .any(|n| n.contains("ACC-01") && n.contains("no effect")));
}

#[test]
fn findings_rank_open_first_then_by_risk_gap_and_certainty() {
    let r = report(
        "answers:\n  ACC-01: unknown\n  ACC-03: none\n  BCK-01: nobody\n  BCK-03: no\n\
         accepted_risks:\n  - question: ACC-03\n    justification: x\n",
    );
    let order: Vec<(&str, u32)> = r
        .findings
        .iter()
        .map(|f| (f.question.as_str(), f.rank))
        .collect();
    // ACC-01 critical first; BCK-01 high; BCK-03 low; the accepted ACC-03 last.
    assert_eq!(
        order,
        [("ACC-01", 1), ("BCK-01", 2), ("BCK-03", 3), ("ACC-03", 4)]
    );
}

#[test]
fn confirmed_gaps_rank_before_unverified_ones_of_the_same_risk() {
    let r = report("answers:\n  ACC-03: unknown\n  BCK-01: nobody\n");
    let order: Vec<&str> = r.findings.iter().map(|f| f.question.as_str()).collect();
    assert_eq!(order, ["BCK-01", "ACC-03"]);
}

#[test]
fn the_rating_is_the_band_of_the_score_alone() {
    for (score, rating) in [
        (100, Rating::Strong),
        (90, Rating::Strong),
        (89, Rating::Good),
        (75, Rating::Good),
        (74, Rating::Fair),
        (60, Rating::Fair),
        (59, Rating::Weak),
        (40, Rating::Weak),
        (39, Rating::Poor),
        (0, Rating::Poor),
    ] {
        assert_eq!(Rating::from_score(Some(score)), rating, "{score}");
    }
    assert_eq!(Rating::from_score(None), Rating::NotAssessed);
}

#[test]
fn msp_tier_follows_the_indicators() {
    let tier = |yaml: &str| report(yaml).msp_tier.tier;
    assert_eq!(tier("answers:\n"), Tier::Undetermined);
    assert_eq!(
        tier("answers:\n  ACC-01: yes\n  ACC-03: security_key\n  BCK-03: yes\n"),
        Tier::Comprehensive
    );
    assert_eq!(
        tier("answers:\n  ACC-01: yes\n  ACC-03: app\n  BCK-03: no\n"),
        Tier::Some
    );
    assert_eq!(
        tier("answers:\n  ACC-01: no\n  ACC-03: none\n  BCK-03: partial\n"),
        Tier::Minimal
    );
    // Everything met but one unverified: not comprehensive.
    assert_eq!(
        tier("answers:\n  ACC-01: yes\n  ACC-03: security_key\n  BCK-03: unknown\n"),
        Tier::Some
    );
    // One of three answered is less than half.
    assert_eq!(tier("answers:\n  ACC-01: yes\n"), Tier::Undetermined);
}

#[test]
fn same_input_same_output() {
    let yaml = "answers:\n  ACC-01: partial\n  ACC-03: app\n  BCK-01: msp\n  BCK-02: unknown\n";
    let a = serde_json::to_string(&report(yaml)).unwrap();
    let b = serde_json::to_string(&report(yaml)).unwrap();
    assert_eq!(a, b);
}

#[test]
fn answers_for_another_version_are_scored_with_a_note_listing_what_is_missing() {
    let bank = bank();
    let text = "bank: small-test@1.0.0\nanswers:\n  ACC-01: yes\n  ACC-03: app\n  BCK-01: us\n";
    let answers = answers::load(text.as_bytes(), "a.yaml", &bank).unwrap();
    let r = score(&bank, &answers, day("2026-11-23"));
    assert_eq!(r.answers_bank, "small-test@1.0.0");
    assert_eq!(r.notes.len(), 1);
    assert!(r.notes[0]
        .contains("given against small-test@1.0.0; they are scored with small-test@2.0.0"));
    assert!(r.notes[0].contains("3 question(s) of 2.0.0 are not in the file and count as unanswered: ACC-02, BCK-02, BCK-03"), "{}", r.notes[0]);
}

#[test]
fn the_summary_row_matches_the_full_report() {
    let bank = bank();
    for yaml in [
        "answers:\n",
        "answers:\n  ACC-01: no\n  ACC-03: app\n  BCK-01: msp\n  BCK-02: unknown\n",
        "answers:\n  ACC-01: partial\n  ACC-02: no\n  BCK-01: nobody\n  BCK-03: na\naccepted_risks:\n  - question: BCK-01\n    justification: x\n    expires: 2026-01-01\n  - question: ACC-01\n    justification: y\n",
    ] {
        let text = format!("bank: small-test@2.0.0\norganization: Row Co\n{yaml}");
        let answers = answers::load(text.as_bytes(), "a.yaml", &bank).unwrap();
        let full = crate::portfolio::row(&score(&bank, &answers, day("2026-11-23")));
        let fast = summary_row(&bank, &answers, day("2026-11-23"));
        assert_eq!(serde_json::to_value(&full).unwrap(), serde_json::to_value(&fast).unwrap(), "{yaml}");
    }
    // And on the embedded bank with the three samples.
    let embedded = crate::bank::builtin().unwrap();
    for sample in [
        include_str!("../../questionnaires/examples/dental-practice-minimal.yaml"),
        include_str!("../../questionnaires/examples/accounting-firm-some.yaml"),
        include_str!("../../questionnaires/examples/engineering-firm-comprehensive.yaml"),
    ] {
        let answers = answers::load(sample.as_bytes(), "s.yaml", embedded).unwrap();
        let full = crate::portfolio::row(&score(embedded, &answers, day("2026-11-23")));
        let fast = summary_row(embedded, &answers, day("2026-11-23"));
        assert_eq!(
            serde_json::to_value(&full).unwrap(),
            serde_json::to_value(&fast).unwrap()
        );
    }
}
