//! Scoring: a bank and one business's answers in, a [`Report`] out.
//!
//! Pure: no files, no clock (today's date is an argument), no terminal. The same inputs give
//! the same report, byte for byte, every time. The README's "Scoring" section is the
//! specification of this module; keep them in step.

mod tier;

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::answers::{AnswerRecord, AnswersFile};
use crate::bank::{Answer, Bank, Gap, Kind, Owner, Question, YesNo};
use crate::report::*;

/// Which questions apply, given the answers: a follow-up applies only when the question it
/// follows applies and was answered with one of the answers in its condition.
pub fn applicable<'a>(bank: &Bank, answer_of: impl Fn(&str) -> Option<&'a Answer>) -> Vec<bool> {
    applicable_either(bank, answer_of, |_| None)
}

/// Like [`applicable`], with a second answer that also opens follow-ups: while the owner and
/// the MSP disagree, the follow-ups of both answers apply.
fn applicable_either<'a>(
    bank: &Bank,
    answer_of: impl Fn(&str) -> Option<&'a Answer>,
    also: impl Fn(&str) -> Option<&'a Answer>,
) -> Vec<bool> {
    let mut applies = Vec::with_capacity(bank.questions.len());
    for q in &bank.questions {
        let yes = match &q.when {
            None => true,
            // Validation guarantees parents come first, so `applies[parent]` exists.
            Some(cond) => {
                let opens = |a: Option<&Answer>| {
                    a.is_some_and(|a| cond.answer_in.iter().any(|w| w == a.id()))
                };
                applies.get(cond.parent).copied().unwrap_or(false)
                    && (opens(answer_of(&cond.question)) || opens(also(&cond.question)))
            }
        };
        applies.push(yes);
    }
    applies
}

/// Scores `answers` against `bank`. `today` decides which accepted risks have expired: an
/// acceptance holds up to and including its `expires` date.
pub fn score(bank: &Bank, answers: &AnswersFile, today: NaiveDate) -> Report {
    score_with(bank, answers, today, true)
}

/// The portfolio row of `answers`, without building the full report: for batch runs that
/// only write the summary. The numbers come from the same code as [`score`].
pub fn summary_row(
    bank: &Bank,
    answers: &AnswersFile,
    today: NaiveDate,
) -> crate::portfolio::PortfolioRow {
    crate::portfolio::row(&score_with(bank, answers, today, false))
}

/// The share of the score one open "do today" gap takes off (half for a partial gap): CISA
/// asks MSP customers to do these today, so a business that has not is not "good", whatever
/// else it does. A share, not a number of points, so every other fix still shows in the
/// score of a business that has done none of them.
pub const DO_TODAY_SHARE: f64 = 0.10;

/// The share one confirmed gap on any other critical question takes off (half for a partial
/// gap): remote desktop open to the internet or MSP administrators without MFA are single
/// exposures that sink a business on their own. Confirmed gaps only: an "I don't know" here
/// is already a gap in the score and first in the questions for the MSP.
pub const CRITICAL_SHARE: f64 = 0.05;

/// The highest score while any critical question has a confirmed full gap: one band below
/// "Strong". A business with such an exposure is not strong, whatever else it does.
pub const CRITICAL_CAP: f64 = 89.0;

/// Below this share (percent) of the applicable questions answered ("I don't know" counts
/// as an answer), the rating reads "incomplete" instead of a band.
pub const COMPLETE_PERCENT: u32 = 80;

/// The action plan shows at most this many actions.
pub const PLAN_MAX: usize = 10;

/// One scored question: what the overall score is computed from.
#[derive(Debug, Clone, Copy)]
struct Item {
    question: usize,
    domain: usize,
    weight: u32,
    /// The gap as scored: "I don't know" and blanks count as full gaps.
    gap: f64,
    /// The gap if every answer still to verify turned out "yes".
    best: f64,
    do_today: bool,
    /// Severity critical.
    critical: bool,
    /// Answered and checked (not "I don't know", not blank, not a claim to verify).
    confirmed: bool,
}

/// The overall score of `items` (0–100, unrounded), with the gaps of the questions for which
/// `closed` is true set to none, and every to-verify answer taken as a gap (`best: false`)
/// or as met (`best: true`). Returns (score, weighted mean before the do-today deduction,
/// the deduction).
fn overall_of(
    bank: &Bank,
    items: &[Item],
    closed: &dyn Fn(usize) -> bool,
    best: bool,
) -> Option<(f64, f64, f64)> {
    let mut possible = vec![0u32; bank.domains.len()];
    let mut lost = vec![0f64; bank.domains.len()];
    let (mut share, mut capped) = (0.0, false);
    for it in items {
        let gap = if closed(it.question) {
            0.0
        } else if best {
            it.best
        } else {
            it.gap
        };
        possible[it.domain] += it.weight;
        lost[it.domain] += f64::from(it.weight) * gap;
        if it.do_today {
            share += DO_TODAY_SHARE * gap;
        } else if it.critical && it.confirmed {
            share += CRITICAL_SHARE * gap;
        }
        capped |= it.critical && it.confirmed && gap >= 1.0;
    }
    let (mut sum, mut weights) = (0.0, 0.0);
    for (d, domain) in bank.domains.iter().enumerate() {
        if possible[d] > 0 {
            let w = f64::from(domain.weight);
            sum += w * (1.0 - lost[d] / f64::from(possible[d]));
            weights += w;
        }
    }
    (weights > 0.0).then(|| {
        let weighted = 100.0 * sum / weights;
        let mut score = weighted * (1.0 - share).max(0.0);
        if capped {
            score = score.min(CRITICAL_CAP);
        }
        (score, weighted, weighted - score)
    })
}

fn round_score(x: f64) -> u32 {
    x.round().clamp(0.0, 100.0) as u32
}

/// `detail: false` leaves out what only the full report shows (each finding and question,
/// notes, unanswered list, responsibilities, the plan); every count and score is the same.
fn score_with(bank: &Bank, answers: &AnswersFile, today: NaiveDate, detail: bool) -> Report {
    let records: HashMap<&str, &AnswerRecord> = answers
        .answers
        .iter()
        .map(|r| (r.question.as_str(), r))
        .collect();
    let answer_of = |id: &str| records.get(id).and_then(|r| r.answer.as_ref());
    // A blank is scored exactly as "I don't know", follow-ups included: skipping never pays.
    let unknown = Answer::Unknown;
    let effective = |id: &str| Some(answer_of(id).unwrap_or(&unknown));
    let owner_side = |id: &str| {
        records
            .get(id)
            .and_then(|r| r.disagreement())
            .map(|(owner, _)| owner)
    };
    let applies = applicable_either(bank, effective, owner_side);
    // What is known: an answer the owner and the MSP disagree on is not, so the checks of a
    // claim and the MSP tier read it as "I don't know".
    let known_answer_of = |id: &str| match records.get(id).and_then(|r| r.disagreement()) {
        Some(_) => Some(&unknown),
        None => answer_of(id),
    };

    let mut notes = Vec::new();
    let mut counts = Counts {
        questions: bank.questions.len() as u32,
        ..Counts::default()
    };
    let mut findings = Vec::new();
    // (risk, acceptance, unverified) of every finding, in both modes: the counts come from
    // here.
    let mut tally: Vec<(crate::bank::Severity, Option<AcceptanceStatus>, bool)> = Vec::new();
    let mut unanswered = Vec::new();
    let mut domain_totals = vec![DomainTotals::default(); bank.domains.len()];
    let mut questions = Vec::with_capacity(bank.questions.len());
    let mut items = Vec::new();
    let (mut possible, mut lost, mut scored) = (0u32, 0f64, 0u32);

    let applies_all: &[bool] = &applies;
    for (qi, (q, &applies)) in bank.questions.iter().zip(applies_all).enumerate() {
        let record = records.get(q.id.as_str()).copied();
        let answer = record.and_then(|r| r.answer.as_ref());
        // An owner claim ("us", "our MSP"...) whose checks are blank or "I don't know" is not
        // a pass: it is a gap still to verify, like an "I don't know".
        let claim_check = match answer {
            Some(a) if applies => claim_state(bank, q, a, applies_all, &known_answer_of),
            _ => Claim::Backed,
        };
        let claim = claim_check == Claim::Unverified;
        if detail {
            questions.push(question_result(
                bank,
                q,
                applies,
                record,
                claim_check != Claim::Backed,
            ));
        }
        if !applies {
            if detail && answer.is_some() {
                notes.push(not_asked_note(bank, q, &answer_of));
            }
            continue;
        }
        counts.applicable += 1;
        let totals = &mut domain_totals[q.domain];
        let weight = q.severity.weight();
        // `gap` as scored, `best` if verified in place, `confirmed` when answered and checked.
        let item = |gap: f64, best: f64, confirmed: bool| Item {
            question: qi,
            domain: q.domain,
            weight,
            gap,
            best,
            do_today: q.priority == crate::bank::Priority::DoToday,
            critical: q.severity == crate::bank::Severity::Critical,
            confirmed,
        };
        let Some(answer) = answer else {
            counts.unanswered += 1;
            counts.unanswered_by_risk.add(q.severity);
            totals.unanswered += 1;
            totals.possible += weight;
            totals.lost += f64::from(weight);
            items.push(item(1.0, 0.0, false));
            if detail {
                unanswered.push(Unanswered {
                    question: q.id.clone(),
                    domain: bank.domain_of(q).id.clone(),
                    text: q.text.clone(),
                    severity: q.severity,
                });
            }
            continue;
        };
        counts.answered += 1;
        let is_unknown = *answer == Answer::Unknown;
        if is_unknown {
            counts.unknown += 1;
            totals.unknown += 1;
        }
        // The owner and the MSP answered differently: until they agree it is a gap to
        // verify, as big as the worse of the two answers; on a who-does-it question it is a
        // full gap, since nobody is clearly responsible. The better answer is the best case.
        let disagreement = record.and_then(|r| r.disagreement());
        let gap_of = |a: &Answer| q.gap(a).unwrap_or(Gap::None);
        let settled_best =
            disagreement.map(|(owner, msp)| gap_of(owner).min(gap_of(msp)).fraction());
        let disputed = disagreement.map(|(owner, msp)| {
            // Whether it applies at all is disputed too when one side says "does not apply".
            let applies_to_both = q.gap(owner).is_some() && q.gap(msp).is_some();
            match q.kind {
                Kind::Ownership => Gap::Full,
                _ if !applies_to_both => Gap::Full,
                _ => gap_of(owner).max(gap_of(msp)),
            }
        });
        if disagreement.is_some() {
            counts.disagreements += 1;
        }
        if record.is_some_and(AnswerRecord::from_msp) {
            counts.from_msp += 1;
        }
        if record.is_some_and(|r| r.from_msp() && r.evidence.is_some()) {
            counts.from_msp_with_evidence += 1;
        }
        let Some(mut gap) = disputed.or(q.gap(answer)) else {
            counts.not_applicable += 1;
            continue;
        };
        match claim_check {
            Claim::Unverified => {
                gap = Gap::Full;
                counts.unverified_claims += 1;
            }
            // "Us", but nobody named; "a vendor", but no agreement: as much a gap as
            // "nobody", never better.
            Claim::Failed(g) => gap = gap.max(g),
            Claim::Backed => {}
        }
        let is_unknown = is_unknown || claim || disagreement.is_some();
        let lost_here = f64::from(weight) * gap.fraction();
        possible += weight;
        lost += lost_here;
        scored += 1;
        totals.possible += weight;
        totals.lost += lost_here;
        totals.scored += 1;
        let best = match settled_best {
            Some(best) => best,
            None if is_unknown => 0.0,
            None => gap.fraction(),
        };
        // Where either side says a control is missing or partial, the critical rules treat
        // the gap as confirmed: a disagreement never scores better than either answer.
        let disputed_gap = disagreement.is_some_and(|(owner, msp)| {
            [owner, msp]
                .iter()
                .any(|a| **a != Answer::Unknown && q.gap(a).is_some_and(|g| g != Gap::None))
        });
        items.push(item(gap.fraction(), best, !is_unknown || disputed_gap));
        if gap == Gap::None {
            continue;
        }
        totals.findings += 1;
        let risk = if gap == Gap::Full {
            q.severity
        } else {
            q.severity.lower()
        };
        tally.push((risk, acceptance_status(answers, &q.id, today), is_unknown));
        if detail {
            let acceptance = answers.accepted_risk(&q.id).map(|a| Acceptance {
                status: acceptance_status(answers, &q.id, today)
                    .unwrap_or(AcceptanceStatus::Accepted),
                justification: a.justification.clone(),
                approved_by: a.approved_by.clone(),
                expires: a.expires.map(|d| d.to_string()),
            });
            findings.push(finding(bank, q, answer, gap, record, acceptance, claim));
        }
    }

    for risk in answers.accepted_risks.iter().filter(|_| detail) {
        if !findings.iter().any(|f| f.question == risk.question) {
            let state = match answers.answer(&risk.question) {
                None => "is unanswered",
                Some(_) if !bank.position(&risk.question).is_some_and(|p| applies[p]) => {
                    "does not apply"
                }
                Some(_) => "has no gap",
            };
            notes.push(format!(
                "The accepted risk for {} has no effect: the question {state}.",
                risk.question
            ));
        }
    }

    rank(&mut findings);
    counts.findings = tally.len() as u32;
    for (risk, acceptance, unverified) in &tally {
        let open = match acceptance {
            Some(AcceptanceStatus::Accepted) => {
                counts.accepted += 1;
                false
            }
            Some(AcceptanceStatus::Expired) => {
                counts.expired += 1;
                true
            }
            None => true,
        };
        if open {
            counts.open_by_risk.add(*risk);
            if *unverified {
                counts.unverified_by_risk.add(*risk);
            }
        }
    }

    if detail && answers.bank_version != bank.version {
        let missing: Vec<&str> = bank
            .questions
            .iter()
            .filter(|q| !records.contains_key(q.id.as_str()))
            .map(|q| q.id.as_str())
            .collect();
        let mut note = format!(
            "These answers were given against {}; they are scored with {}.",
            answers.bank_reference(),
            bank.reference()
        );
        if let Some(m) = &answers.migrated {
            note.push_str(&crate::render::migration_note(m));
        }
        if !missing.is_empty() {
            note.push_str(&format!(
                " {} question(s) of {} are not in the file and count as unanswered: {}.",
                missing.len(),
                bank.version,
                crate::render::id_list(&missing, 12)
            ));
        }
        notes.push(note);
    }

    let none = |_: usize| false;
    let low = overall_of(bank, &items, &none, false);
    let high = overall_of(bank, &items, &none, true);
    let completeness = if counts.applicable == 0 {
        100
    } else {
        (100 * counts.answered).div_euclid(counts.applicable)
    };
    let score = low.map(|(s, _, _)| round_score(s));
    let overall = Overall {
        score,
        best_case: high.map(|(s, _, _)| round_score(s)),
        to_verify: counts.unknown
            + counts.unanswered
            + counts.unverified_claims
            + counts.disagreements,
        weighted: low.map(|(_, w, _)| (w * 10.0).round() / 10.0),
        deduction: low.map_or(0.0, |(_, _, d)| (d * 10.0).round() / 10.0),
        completeness_percent: completeness,
        complete: completeness >= COMPLETE_PERCENT,
        possible,
        lost,
        scored_questions: scored,
    };
    let rating = if counts.answered == 0 {
        Rating::NotAssessed
    } else if !overall.complete {
        Rating::Incomplete
    } else {
        Rating::from_score(score)
    };
    let domains = bank
        .domains
        .iter()
        .zip(&domain_totals)
        .map(|(d, t)| DomainScore {
            id: d.id.clone(),
            title: d.title.clone(),
            weight: d.weight,
            score: Score::from_parts(t.possible, t.lost, t.scored),
            findings: t.findings,
            unanswered: t.unanswered,
            unknown: t.unknown,
        })
        .collect();
    let plan = if detail {
        plan(bank, &findings, &items, low.map(|(s, _, _)| s))
    } else {
        Vec::new()
    };
    let verify = findings
        .iter()
        // A disagreement is settled with the MSP, and what it answered is not asked again
        // (its "Not sure" is): the same rule as the letter's.
        .filter(|f| {
            let replied = f
                .msp_reply
                .as_ref()
                .is_some_and(|m| m.msp_answer.as_deref() != Some(crate::bank::UNKNOWN));
            f.unverified && f.is_open() && f.disagreement.is_none() && !replied
        })
        .map(|f| f.question.clone())
        .collect();

    Report {
        schema_version: SCHEMA_VERSION,
        file: answers.file.clone(),
        organization: answers.organization.clone(),
        assessed_by: answers.assessed_by.clone(),
        assessed_on: answers.assessed_on.map(|d| d.to_string()),
        evaluated_on: today.to_string(),
        bank: BankInfo {
            id: bank.id.clone(),
            version: bank.version.clone(),
            title: bank.title.clone(),
        },
        answers_bank: answers.bank_reference(),
        rating,
        overall,
        counts,
        plan,
        verify,
        domains,
        findings,
        unanswered,
        responsibilities: if detail {
            responsibilities(bank, &applies, &answer_of)
        } else {
            Vec::new()
        },
        // The tier goes by what is known: an answer the owner and the MSP disagree on is not.
        msp_tier: tier::assess(bank, &applies, &known_answer_of),
        notes,
        questions,
        sources: bank
            .sources
            .iter()
            .map(|s| SourceInfo {
                id: s.id.clone(),
                title: s.title.clone(),
                publisher: s.publisher.clone(),
                published: s.published.clone(),
                url: s.url.clone(),
            })
            .collect(),
    }
}

/// The action plan: the open, confirmed findings (not accepted, not "I don't know") grouped
/// by the bank's actions, in the order of each action's most urgent finding (so the plan and
/// the findings table agree), at most [`PLAN_MAX`]. When a critical or "do today" question is
/// still to verify, getting written answers from the MSP comes first. Each action's gain is
/// the score with its findings closed, less the score now.
fn plan(bank: &Bank, findings: &[Finding], items: &[Item], now: Option<f64>) -> Vec<PlanAction> {
    let gain_of = |ids: &[usize]| -> u32 {
        match (now, overall_of(bank, items, &|qi| ids.contains(&qi), false)) {
            (Some(n), Some((a, _, _))) => round_score(a).saturating_sub(round_score(n)),
            _ => 0,
        }
    };
    let mut actions: Vec<PlanAction> = Vec::new();
    // First, when the most dangerous questions are unanswered by the MSP: ask in writing.
    let urgent: Vec<&Finding> = findings
        .iter()
        .filter(|f| {
            f.is_open()
                && f.unverified
                && (f.risk == crate::bank::Severity::Critical
                    || f.priority == crate::bank::Priority::DoToday)
        })
        .collect();
    if let Some(first) = urgent.first() {
        let ids: Vec<usize> = urgent
            .iter()
            .filter_map(|f| bank.position(&f.question))
            .collect();
        actions.push(PlanAction {
            rank: 0,
            id: VERIFY_ACTION.to_string(),
            title: "Get written answers from your MSP on the most urgent questions".into(),
            owner: crate::bank::WhoActs::YouAskMsp,
            why: "Until your MSP answers these, each counts as a gap, and they are the ones \
                  attackers use first."
                .into(),
            risk: first.risk,
            priority: crate::bank::Priority::DoToday,
            findings: urgent.iter().map(|f| f.question.clone()).collect(),
            score_gain: gain_of(&ids),
            order: 0,
        });
    }
    // Key: the action's index, or the question's own index past the actions.
    let mut groups: Vec<(usize, Vec<&Finding>)> = Vec::new();
    for f in findings.iter().filter(|f| f.is_open() && !f.unverified) {
        let Some(qi) = bank.position(&f.question) else {
            continue;
        };
        let key = bank.questions[qi].action.unwrap_or(bank.actions.len() + qi);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(f),
            None => groups.push((key, vec![f])),
        }
    }
    // Groups are made in rank order: each group's first finding is its most urgent.
    for (key, list) in groups {
        let ids: Vec<usize> = list
            .iter()
            .filter_map(|f| bank.position(&f.question))
            .collect();
        let first = list[0];
        let q = &bank.questions[ids[0]];
        let (id, title, owner, why) = match bank.actions.get(key) {
            Some(a) => (a.id.clone(), a.title.clone(), a.owner, a.why.clone()),
            None => (
                q.id.to_lowercase(),
                q.recommendation.clone(),
                q.who_acts,
                q.why.clone(),
            ),
        };
        // Who acts is what the findings say when they agree; the action's owner otherwise.
        let owner = if list.iter().all(|f| f.who_acts == first.who_acts) {
            first.who_acts
        } else {
            owner
        };
        actions.push(PlanAction {
            rank: 0,
            id,
            title,
            owner,
            why,
            risk: first.risk,
            priority: first.priority,
            findings: list.iter().map(|f| f.question.clone()).collect(),
            score_gain: gain_of(&ids),
            order: first.rank as usize,
        });
    }
    actions.truncate(PLAN_MAX);
    for (i, a) in actions.iter_mut().enumerate() {
        a.rank = i as u32 + 1;
    }
    actions
}

/// The id of the plan's first action when urgent questions are still to verify.
pub const VERIFY_ACTION: &str = "verify-with-msp";

fn question_result(
    bank: &Bank,
    q: &Question,
    applies: bool,
    record: Option<&AnswerRecord>,
    claim: bool,
) -> QuestionResult {
    let answer = record.and_then(|r| r.answer.as_ref());
    let disagreement = disagreement_of(q, record);
    let status = match (applies, answer.map(|a| q.gap(a))) {
        (false, _) => QuestionStatus::NotAsked,
        _ if claim || disagreement.is_some() => QuestionStatus::Gap,
        (true, None) => QuestionStatus::Unanswered,
        (true, Some(None)) => QuestionStatus::NotApplicable,
        (true, Some(Some(Gap::None))) => QuestionStatus::Met,
        (true, Some(Some(_))) => QuestionStatus::Gap,
    };
    let domain = bank.domain_of(q);
    QuestionResult {
        id: q.id.clone(),
        domain: domain.id.clone(),
        domain_title: domain.title.clone(),
        text: q.text.clone(),
        why: q.why.clone(),
        recommendation: q.recommendation.clone(),
        finding: q.finding.clone(),
        severity: q.severity,
        priority: q.priority,
        status,
        answer: answer.map(|a| a.id().to_string()),
        answer_label: answer.map_or(String::new(), |a| answer_label(q, a, record)),
        note: record.and_then(|r| r.note.clone()),
        asked_msp: record.and_then(|r| r.asked_msp).map(|d| d.to_string()),
        msp_reply: msp_confirmation(record),
        disagreement,
        line: record.map_or(0, |r| r.pos.line),
        column: record.map_or(0, |r| r.pos.column),
        references: q.references.clone(),
    }
}

#[derive(Debug, Clone, Default)]
struct DomainTotals {
    possible: u32,
    lost: f64,
    scored: u32,
    findings: u32,
    unanswered: u32,
    unknown: u32,
}

/// Whether an accepted risk covers question `id` today, and whether it still holds.
fn acceptance_status(
    answers: &AnswersFile,
    id: &str,
    today: NaiveDate,
) -> Option<AcceptanceStatus> {
    answers.accepted_risk(id).map(|a| match a.expires {
        Some(last_day) if last_day < today => AcceptanceStatus::Expired,
        _ => AcceptanceStatus::Accepted,
    })
}

/// What the checks of an owner claim say: the follow-ups that an answer "us", "msp",
/// "shared" or "vendor" opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Claim {
    /// Not a claim, or every check is "yes" (or there is none).
    Backed,
    /// A check is blank or "I don't know": the claim is still to verify.
    Unverified,
    /// A check is "no" (full) or "partly" (partial): the claim is not backed, and the area
    /// is as much a gap as if nobody owned it.
    Failed(Gap),
}

/// The follow-ups of `q` that `answer` opens and that apply: the checks of an owner claim.
fn checks_of<'b>(
    bank: &'b Bank,
    q: &'b Question,
    answer: &'b Answer,
    applies: &'b [bool],
) -> impl Iterator<Item = &'b Question> {
    bank.questions
        .iter()
        .zip(applies)
        .filter(move |(f, &applies)| {
            applies
                && f.when.as_ref().is_some_and(|c| {
                    c.question == q.id && c.answer_in.iter().any(|w| w == answer.id())
                })
        })
        .map(|(f, _)| f)
}

fn claim_state<'a>(
    bank: &Bank,
    q: &Question,
    answer: &Answer,
    applies: &[bool],
    answer_of: &dyn Fn(&str) -> Option<&'a Answer>,
) -> Claim {
    let Answer::Owner(owner) = answer else {
        return Claim::Backed;
    };
    if *owner == Owner::Nobody {
        return Claim::Backed;
    }
    let checks: Vec<Option<&Answer>> = checks_of(bank, q, answer, applies)
        .map(|f| answer_of(&f.id).filter(|a| f.gap(a).is_some() || **a == Answer::Unknown))
        .collect();
    let gap_of = |a: &Option<&Answer>| match a {
        Some(Answer::YesNo(YesNo::No)) => Some(Gap::Full),
        Some(Answer::YesNo(YesNo::Partial)) => Some(Gap::Partial),
        _ => None,
    };
    if checks.iter().any(|a| gap_of(a) == Some(Gap::Full)) {
        Claim::Failed(Gap::Full)
    } else if checks
        .iter()
        .any(|a| matches!(a, None | Some(Answer::Unknown)))
    {
        Claim::Unverified
    } else if checks.iter().any(|a| gap_of(a) == Some(Gap::Partial)) {
        Claim::Failed(Gap::Partial)
    } else {
        Claim::Backed
    }
}

fn not_asked_note<'a>(
    bank: &Bank,
    q: &Question,
    answer_of: &dyn Fn(&str) -> Option<&'a Answer>,
) -> String {
    let Some(cond) = &q.when else {
        return format!("The answer to {} is ignored.", q.id);
    };
    let parent = match answer_of(&cond.question) {
        Some(a) => bank
            .question(&cond.question)
            .map_or(a.id().to_string(), |p| format!("\"{}\"", p.answer_label(a))),
        None => "unanswered".to_string(),
    };
    format!(
        "The answer to {} is ignored: it is a follow-up asked only when {} is {}, and {} is {parent}.",
        q.id,
        cond.question,
        cond.answer_in.join(" or "),
        cond.question
    )
}

/// The answer in words; an "I don't know" sent to the MSP says so (and when), so every
/// report shows it as asked. Scoring does not look at this.
fn answer_label(q: &Question, answer: &Answer, record: Option<&AnswerRecord>) -> String {
    if let Some(r) = record.filter(|r| r.reply.is_some()) {
        return crate::render::reply::msp_answer_label(q.answer_label(answer), r);
    }
    match record.and_then(|r| r.asked_msp) {
        Some(day) if *answer == Answer::Unknown => {
            format!("{} (asked your MSP on {day})", q.answer_label(answer))
        }
        _ => q.answer_label(answer).to_string(),
    }
}

/// What the MSP's reply said, for an answer from it.
fn msp_confirmation(record: Option<&AnswerRecord>) -> Option<MspConfirmation> {
    let record = record?;
    let reply = record.reply.as_ref()?;
    Some(MspConfirmation {
        answer_from_msp: reply.answer_from_msp,
        msp_answer: reply.msp_answer.as_ref().map(|a| a.id().to_string()),
        by: reply.by.clone(),
        on: reply.on.map(|d| d.to_string()),
        comment: reply.comment.clone(),
        evidence: record.evidence.clone(),
    })
}

/// The owner's answer and the MSP's, in words, where they differ.
fn disagreement_of(q: &Question, record: Option<&AnswerRecord>) -> Option<Disagreement> {
    let (owner, msp) = record?.disagreement()?;
    Some(Disagreement {
        owner_answer: owner.id().to_string(),
        owner_label: q.answer_label(owner).to_string(),
        msp_answer: msp.id().to_string(),
        msp_label: q.answer_label(msp).to_string(),
    })
}

fn finding(
    bank: &Bank,
    q: &Question,
    answer: &Answer,
    gap: Gap,
    record: Option<&AnswerRecord>,
    acceptance: Option<Acceptance>,
    claim: bool,
) -> Finding {
    let risk = if gap == Gap::Full {
        q.severity
    } else {
        q.severity.lower()
    };
    let domain = bank.domain_of(q);
    let disagreement = disagreement_of(q, record);
    let unverified = *answer == Answer::Unknown || claim || disagreement.is_some();
    Finding {
        rank: 0,
        question: q.id.clone(),
        domain: domain.id.clone(),
        domain_title: domain.title.clone(),
        finding: q.finding.clone(),
        question_text: q.text.clone(),
        risk,
        severity: q.severity,
        gap,
        weight: q.severity.weight(),
        lost: f64::from(q.severity.weight()) * gap.fraction(),
        answer: answer.id().to_string(),
        answer_label: answer_label(q, answer, record),
        unverified,
        claim,
        area: q.area.clone(),
        recommendation: match &disagreement {
            Some(_) => crate::render::reply::disagreement_recommendation(&q.recommendation).into(),
            None => q.recommendation.clone(),
        },
        // Checking an "I don't know" is a question for the MSP, whoever fixes the gap; except
        // the owner's own homework (her leader, her insurance), which stays hers.
        who_acts: if unverified
            && !(q.answered_by == crate::bank::AnsweredBy::Owner
                && q.who_acts == crate::bank::WhoActs::You)
        {
            crate::bank::WhoActs::YouAskMsp
        } else {
            q.who_acts
        },
        priority: q.priority,
        action: q.action.map(|i| bank.actions[i].id.clone()),
        domain_weight: domain.weight,
        msp_question: q.msp_question.clone(),
        consequences: q.consequences.clone(),
        references: q.references.clone(),
        note: record.and_then(|r| r.note.clone()),
        evidence: record.and_then(|r| r.evidence.clone()),
        as_of: record.and_then(|r| r.as_of.map(|d| d.to_string())),
        line: record.map_or(0, |r| r.pos.line),
        column: record.map_or(0, |r| r.pos.column),
        acceptance,
        msp_reply: msp_confirmation(record),
        disagreement,
    }
}

/// Open findings first; then the highest risk; then the priority class (CISA's "do today"
/// actions, then attack routes, recovery, governance, hygiene); confirmed before "to
/// verify"; the bigger gap; the heavier domain; the higher severity; only then bank order.
/// Ranks start at 1.
fn rank(findings: &mut [Finding]) {
    findings.sort_by_key(|f| {
        (
            !f.is_open(),
            std::cmp::Reverse(f.risk),
            f.priority,
            f.unverified,
            std::cmp::Reverse(f.gap),
            std::cmp::Reverse(f.domain_weight),
            std::cmp::Reverse(f.severity),
        )
    });
    for (i, f) in findings.iter_mut().enumerate() {
        f.rank = i as u32 + 1;
    }
}

fn responsibilities<'a>(
    bank: &Bank,
    applies: &[bool],
    answer_of: &dyn Fn(&str) -> Option<&'a Answer>,
) -> Vec<Responsibility> {
    bank.questions
        .iter()
        .zip(applies)
        .filter(|(q, &applies)| q.kind == Kind::Ownership && applies)
        .map(|(q, _)| {
            let owner = answer_of(&q.id);
            let contract = q.confirmed_by.as_deref().and_then(answer_of);
            let msp_involved = matches!(owner, Some(Answer::Owner(Owner::Msp | Owner::Shared)));
            // The claim is checked by the follow-ups its answer opens (contract, named
            // person, written agreement, written split): covered only when all are "yes".
            let checks: Vec<Option<&Answer>> = match owner {
                Some(a @ Answer::Owner(_)) => checks_of(bank, q, a, applies)
                    .map(|f| answer_of(&f.id))
                    .collect(),
                _ => Vec::new(),
            };
            let any = |want: &dyn Fn(Option<&Answer>) -> bool| checks.iter().any(|a| want(*a));
            let status = match &owner {
                None => ResponsibilityStatus::Unanswered,
                Some(Answer::Unknown) => ResponsibilityStatus::Unknown,
                Some(Answer::Owner(Owner::Nobody)) => ResponsibilityStatus::Nobody,
                _ if any(&|a| matches!(a, Some(Answer::YesNo(YesNo::No)))) => {
                    ResponsibilityStatus::NotConfirmed
                }
                _ if any(&|a| matches!(a, None | Some(Answer::Unknown))) => {
                    ResponsibilityStatus::ToVerify
                }
                _ if any(&|a| matches!(a, Some(Answer::YesNo(YesNo::Partial)))) => {
                    ResponsibilityStatus::PartlyConfirmed
                }
                Some(_) => ResponsibilityStatus::Covered,
            };
            let label_of = |qid: &str, a: &Option<&Answer>| {
                a.and_then(|a| bank.question(qid).map(|q| q.answer_label(a).to_string()))
                    .unwrap_or_default()
            };
            Responsibility {
                question: q.id.clone(),
                area: q.area.clone().unwrap_or_default(),
                owner_label: label_of(&q.id, &owner),
                owner: owner.map(|a| a.id().to_string()),
                confirmed_by: q.confirmed_by.clone(),
                // "" when the contract is not checked for this area or owner; "Unanswered" when
                // it should be and is not.
                in_contract_label: match q.confirmed_by.as_deref() {
                    Some(c) if msp_involved => Some(label_of(c, &contract))
                        .filter(|l| !l.is_empty())
                        .unwrap_or_else(|| "Unanswered".to_string()),
                    _ => String::new(),
                },
                in_contract: contract.map(|a| a.id().to_string()),
                status,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
