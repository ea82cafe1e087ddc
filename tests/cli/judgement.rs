//! Scenarios from the expert review of scoring 1.0 (issue 10), on the embedded bank: each
//! states what an expert expects and would have failed under the old model.

use msp_risk::answers::{AnswerRecord, AnswersFile};
use msp_risk::bank::{self, Answer, Bank, Gap, Kind, Owner};
use msp_risk::report::{Rating, Report, Tier};

fn bank() -> &'static Bank {
    bank::builtin().expect("embedded bank")
}

fn today() -> chrono::NaiveDate {
    msp_risk::answers::parse_date("2026-11-23").expect("date")
}

fn empty() -> AnswersFile {
    let b = bank();
    AnswersFile {
        file: "a.yaml".to_string(),
        bank_id: b.id.clone(),
        bank_version: b.version.clone(),
        organization: None,
        msp: None,
        assessed_by: None,
        assessed_on: None,
        answers: Vec::new(),
        accepted_risks: Vec::new(),
        migrated: None,
    }
}

fn set(file: &mut AnswersFile, id: &str, answer: Option<Answer>) {
    file.answers.retain(|r| r.question != id);
    file.answers.push(AnswerRecord {
        question: id.to_string(),
        answer,
        note: None,
        evidence: None,
        as_of: None,
        asked_msp: None,
        reply: None,
        pos: Default::default(),
    });
}

fn answer(id: &str, word: &str) -> Option<Answer> {
    bank().question(id).and_then(|q| q.parse_answer(word))
}

/// Every question answered at its best: yes, the best option, and for ownership `msp` with
/// its follow-ups yes (a well-run firm with a good contract).
fn perfect() -> AnswersFile {
    let mut file = empty();
    for q in &bank().questions {
        let best = match q.kind {
            Kind::Ownership => Some(Answer::Owner(Owner::Msp)),
            _ => q
                .allowed_answers()
                .into_iter()
                .filter_map(|w| q.parse_answer(w))
                .find(|a| q.gap(a) == Some(Gap::None)),
        };
        set(&mut file, &q.id, best);
    }
    file
}

fn score(file: &AnswersFile) -> Report {
    msp_risk::score(bank(), file, today())
}

#[test]
fn a_perfect_firm_is_strong() {
    let r = score(&perfect());
    assert_eq!(r.overall.score, Some(100));
    assert_eq!(r.rating, Rating::Strong);
    assert_eq!(r.msp_tier.tier, Tier::Comprehensive);
    assert!(r.plan.is_empty() && r.verify.is_empty());
}

#[test]
fn three_failed_do_today_actions_are_not_good_whatever_else_is_done() {
    let mut file = perfect();
    for id in ["ACC-01", "MFA-01", "CON-01"] {
        set(&mut file, id, answer(id, "no"));
    }
    let r = score(&file);
    let s = r.overall.score.unwrap();
    assert!(s < 75, "{s}");
    assert!(
        matches!(r.rating, Rating::Fair | Rating::Weak),
        "{:?}",
        r.rating
    );
    // They lead the plan.
    let first: Vec<&str> = r
        .plan
        .iter()
        .take(3)
        .flat_map(|a| a.findings.iter().map(String::as_str))
        .collect();
    for id in ["ACC-01", "MFA-01", "CON-01"] {
        assert!(
            first.contains(&id),
            "{id} not in the first actions: {:?}",
            r.plan
        );
    }
}

#[test]
fn a_perfect_firm_missing_only_the_manual_patch_plan_is_still_good() {
    let mut file = perfect();
    set(&mut file, "PAT-04", answer("PAT-04", "no"));
    let r = score(&file);
    assert!(
        matches!(r.rating, Rating::Strong | Rating::Good),
        "{:?} {:?}",
        r.rating,
        r.overall.score
    );
}

#[test]
fn the_kaseya_route_and_the_offline_backup_come_first() {
    // Eight critical "no" answers, as in the expert's test: the do-today ones lead.
    let mut file = perfect();
    let ids = [
        "CON-01", "ACC-01", "ACC-03", "MFA-01", "MFA-03", "RMM-08", "PAT-04", "BCK-03",
    ];
    for id in ids {
        let word = if id == "RMM-08" {
            "open_or_no_mfa"
        } else {
            "no"
        };
        set(&mut file, id, answer(id, word));
    }
    let r = score(&file);
    let order: Vec<&str> = r.findings.iter().map(|f| f.question.as_str()).collect();
    let pos = |id: &str| order.iter().position(|q| *q == id).unwrap();
    for first in ["RMM-08", "BCK-03", "MFA-01", "ACC-01", "CON-01"] {
        for later in ["ACC-03", "MFA-03", "PAT-04"] {
            assert!(pos(first) < pos(later), "{first} after {later}: {order:?}");
        }
    }
}

#[test]
fn answering_us_everywhere_does_not_game_the_score() {
    let mut file = perfect();
    for q in bank()
        .questions
        .iter()
        .filter(|q| q.kind == Kind::Ownership)
    {
        set(&mut file, &q.id, Some(Answer::Owner(Owner::Us)));
    }
    // The claims' follow-ups are not answered: to verify, not a pass.
    let ids: Vec<String> = bank()
        .questions
        .iter()
        .filter(|q| {
            q.when.as_ref().is_some_and(|c| {
                bank()
                    .question(&c.question)
                    .is_some_and(|p| p.kind == Kind::Ownership)
            })
        })
        .map(|q| q.id.clone())
        .collect();
    file.answers.retain(|r| !ids.contains(&r.question));
    let r = score(&file);
    // Was 100/100 Strong. Now every claim and its check are to verify: the score counts
    // them as gaps, and the headline says how much is unverified.
    assert!(r.overall.score.unwrap() < 90, "{:?}", r.overall);
    assert_ne!(r.rating, Rating::Strong);
    let areas = bank()
        .questions
        .iter()
        .filter(|q| q.kind == Kind::Ownership)
        .count();
    // Each claim, and each of its checks (the "written down?" follow-up, and for monitoring
    // and malware protection what is watched and when).
    assert_eq!(
        r.overall.to_verify as usize,
        areas + ids.len(),
        "each claim and its checks"
    );
    assert_eq!(r.overall.best_case, Some(100));
    // Every claim is a question for the MSP, titled as a claim.
    let claims = r.findings.iter().filter(|f| f.claim).count();
    assert_eq!(claims, areas, "{:?}", r.verify);
    let title = msp_risk::render::finding_title(r.findings.iter().find(|f| f.claim).unwrap());
    assert!(title.starts_with("Not verified: who handles"), "{title}");
}

#[test]
fn a_vendor_claim_for_backups_is_checked() {
    // "Microsoft backs up our 365": a claim with a "no" to its agreement is a finding.
    let mut file = perfect();
    set(&mut file, "BCK-01", answer("BCK-01", "vendor"));
    let follow_up = bank()
        .questions
        .iter()
        .find(|q| {
            q.when.as_ref().is_some_and(|c| {
                c.question == "BCK-01" && c.answer_in.iter().any(|w| w == "vendor")
            })
        })
        .expect("BCK-01 has a follow-up for vendor");
    set(&mut file, &follow_up.id, answer(&follow_up.id, "no"));
    let r = score(&file);
    assert!(r.findings.iter().any(|f| f.question == follow_up.id));
    assert!(r.overall.score.unwrap() < 100);
}

#[test]
fn every_owner_claim_has_a_follow_up_in_every_area() {
    for q in bank()
        .questions
        .iter()
        .filter(|q| q.kind == Kind::Ownership)
    {
        for owner in ["us", "msp", "shared", "vendor"] {
            assert!(
                bank()
                    .questions
                    .iter()
                    .any(|f| f.when.as_ref().is_some_and(|c| {
                        c.question == q.id && c.answer_in.iter().any(|w| w == owner)
                    })),
                "{} has no follow-up for `{owner}`",
                q.id
            );
        }
    }
}

#[test]
fn the_tier_is_not_determined_with_half_the_indicators_unanswered() {
    let mut file = perfect();
    let indicators: Vec<String> = bank()
        .questions
        .iter()
        .filter(|q| q.msp_indicator.is_some())
        .map(|q| q.id.clone())
        .collect();
    let half: Vec<&String> = indicators.iter().take(indicators.len() / 2 + 1).collect();
    file.answers.retain(|r| !half.contains(&&r.question));
    assert_eq!(score(&file).msp_tier.tier, Tier::Undetermined);
}

#[test]
fn unknowns_give_a_range_and_are_never_confirmed_facts() {
    let mut file = perfect();
    for id in ["CON-01", "LOG-01", "BCK-03"] {
        set(&mut file, id, Some(Answer::Unknown));
    }
    let r = score(&file);
    assert_eq!(r.overall.to_verify, 3);
    assert!(r.overall.score < r.overall.best_case);
    assert_eq!(r.overall.best_case, Some(100));
    assert_eq!(r.verify.len(), 3);
    // Unknowns are not actions; but CON-01 and BCK-03 are "do today": asking the MSP for
    // written answers on them comes first.
    assert_eq!(r.plan.len(), 1, "{:?}", r.plan);
    assert_eq!(r.plan[0].id, msp_risk::scoring::VERIFY_ACTION);
    assert_eq!(
        r.plan[0].findings,
        ["BCK-03", "CON-01"],
        "in rank order (BCK weighs more)"
    );
    for f in &r.findings {
        assert!(f.unverified);
        assert_eq!(f.who_acts, msp_risk::bank::WhoActs::YouAskMsp);
    }
}

#[test]
fn thirty_days_of_logs_costs_more_than_five_months() {
    // CISA asks for at least six months; 30 days is a full gap, 3-5 months a partial one.
    // Compared before rounding: one question of 137 moves the score by about a point.
    let with = |word: &str| {
        let mut file = perfect();
        set(&mut file, "LOG-01", answer("LOG-01", word));
        score(&file).overall.weighted.unwrap()
    };
    let (thirty_days, five_months) = (with("under_three_months"), with("less_than_six_months"));
    assert!(thirty_days < five_months, "{thirty_days} vs {five_months}");
    assert!(100.0 - thirty_days >= 1.0, "{thirty_days}");
    // And a logging gap weighs more than a low-value one elsewhere.
    let mut residency = perfect();
    set(&mut residency, "DAT-03", answer("DAT-03", "no"));
    assert!(thirty_days < score(&residency).overall.weighted.unwrap());
}

#[test]
fn the_plan_has_at_most_ten_actions_and_one_contract_gap_is_one_action() {
    let mut file = perfect();
    for q in bank().questions.iter().filter(|q| q.kind == Kind::YesNo) {
        set(&mut file, &q.id, answer(&q.id, "no"));
    }
    let r = score(&file);
    assert!(r.plan.len() <= 10);
    // Every contract gap closes with the one contract action: it appears once in the plan.
    let ids: Vec<&str> = r.plan.iter().map(|a| a.id.as_str()).collect();
    let unique: std::collections::HashSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    assert_eq!(ids.iter().filter(|i| **i == "contract-table").count(), 1);
}

#[test]
fn a_single_critical_exposure_is_not_strong() {
    // The expert's probes: each is a perfect firm but for one exposure.
    for (id, word) in [
        ("RMM-03", "no"),
        ("ACC-04", "no"),
        ("PAT-08", "longer"),
        ("MFA-02", "text_or_call"),
    ] {
        let mut file = perfect();
        set(&mut file, id, answer(id, word));
        let r = score(&file);
        assert!(
            r.overall.score.unwrap() <= 89,
            "{id}: {:?}",
            r.overall.score
        );
        assert_ne!(r.rating, Rating::Strong, "{id}");
    }
    // Every critical attack route at its worst: clearly weak, not "good".
    let mut file = perfect();
    for id in ["RMM-03", "ACC-04", "ACC-06", "PAT-08", "MFA-04"] {
        set(&mut file, id, answer(id, "no"));
    }
    set(&mut file, "MFA-02", answer("MFA-02", "text_or_call"));
    let r = score(&file);
    assert!(r.overall.score.unwrap() < 75, "{:?}", r.overall.score);
}

#[test]
fn a_claim_its_checks_deny_is_never_better_than_nobody() {
    for parent in bank()
        .questions
        .iter()
        .filter(|q| q.kind == Kind::Ownership)
    {
        let mut nobody = perfect();
        set(&mut nobody, &parent.id, answer(&parent.id, "nobody"));
        for owner in ["us", "vendor", "msp", "shared"] {
            let mut claimed = perfect();
            set(&mut claimed, &parent.id, answer(&parent.id, owner));
            for f in bank().questions.iter().filter(|f| {
                f.when.as_ref().is_some_and(|c| {
                    c.question == parent.id && c.answer_in.iter().any(|w| w == owner)
                })
            }) {
                set(&mut claimed, &f.id, answer(&f.id, "no"));
            }
            assert!(
                score(&claimed).overall.score <= score(&nobody).overall.score,
                "{} {owner}",
                parent.id
            );
        }
    }
}

#[test]
fn the_plan_follows_the_findings_order() {
    let mut file = perfect();
    for id in ["ACC-01", "MFA-01", "CON-01", "RMM-03", "LOG-02"] {
        set(&mut file, id, answer(id, "no"));
    }
    let r = score(&file);
    let leads: Vec<u32> = r
        .plan
        .iter()
        .map(|a| {
            r.findings
                .iter()
                .find(|f| f.question == a.findings[0])
                .unwrap()
                .rank
        })
        .collect();
    assert!(leads.windows(2).all(|w| w[0] < w[1]), "{leads:?}");
}

#[test]
fn the_msp_tier_shows_the_range_unverified_indicators_leave_open() {
    let mut file = perfect();
    let indicators: Vec<String> = bank()
        .questions
        .iter()
        .filter(|q| q.msp_indicator.is_some() && q.when.is_none())
        .map(|q| q.id.clone())
        .collect();
    for id in indicators.iter().take(3) {
        set(&mut file, id, Some(Answer::Unknown));
    }
    let r = score(&file);
    assert!(
        r.msp_tier.tier < Tier::Comprehensive,
        "{:?}",
        r.msp_tier.tier
    );
    assert_eq!(r.msp_tier.best_case, Tier::Comprehensive);
    assert_eq!(r.msp_tier.to_verify, 3);
    let text = msp_risk::render::tier_text(&r);
    assert!(text.contains("could be comprehensive"), "{text}");
}
