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
    let mut applies = Vec::with_capacity(bank.questions.len());
    for q in &bank.questions {
        let yes = match &q.when {
            None => true,
            // Validation guarantees parents come first, so `applies[parent]` exists.
            Some(cond) => {
                applies.get(cond.parent).copied().unwrap_or(false)
                    && answer_of(&cond.question)
                        .is_some_and(|a| cond.answer_in.iter().any(|w| w == a.id()))
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

/// `detail: false` leaves out what only the full report shows (each finding and question,
/// notes, unanswered list, responsibilities); every count and score is the same.
fn score_with(bank: &Bank, answers: &AnswersFile, today: NaiveDate, detail: bool) -> Report {
    let records: HashMap<&str, &AnswerRecord> = answers
        .answers
        .iter()
        .map(|r| (r.question.as_str(), r))
        .collect();
    let answer_of = |id: &str| records.get(id).and_then(|r| r.answer.as_ref());
    let applies = applicable(bank, answer_of);

    let mut notes = Vec::new();
    let mut counts = Counts {
        questions: bank.questions.len() as u32,
        ..Counts::default()
    };
    let mut findings = Vec::new();
    // (risk, acceptance) of every finding, in both modes: the counts come from here.
    let mut tally: Vec<(crate::bank::Severity, Option<AcceptanceStatus>)> = Vec::new();
    let mut unanswered = Vec::new();
    let mut domain_totals = vec![DomainTotals::default(); bank.domains.len()];
    let mut questions = Vec::with_capacity(bank.questions.len());
    let (mut possible, mut lost, mut scored) = (0u32, 0f64, 0u32);

    for (q, &applies) in bank.questions.iter().zip(&applies) {
        let record = records.get(q.id.as_str()).copied();
        let answer = record.and_then(|r| r.answer.as_ref());
        if detail {
            questions.push(question_result(bank, q, applies, record));
        }
        if !applies {
            if detail && answer.is_some() {
                notes.push(not_asked_note(bank, q, &answer_of));
            }
            continue;
        }
        counts.applicable += 1;
        let totals = &mut domain_totals[q.domain];
        let Some(answer) = answer else {
            counts.unanswered += 1;
            totals.unanswered += 1;
            if !detail {
                continue;
            }
            unanswered.push(Unanswered {
                question: q.id.clone(),
                domain: bank.domain_of(q).id.clone(),
                text: q.text.clone(),
                severity: q.severity,
            });
            continue;
        };
        counts.answered += 1;
        if *answer == Answer::Unknown {
            counts.unknown += 1;
            totals.unknown += 1;
        }
        let Some(gap) = q.gap(answer) else {
            counts.not_applicable += 1;
            continue;
        };
        let weight = q.severity.weight();
        let lost_here = f64::from(weight) * gap.fraction();
        possible += weight;
        lost += lost_here;
        scored += 1;
        totals.possible += weight;
        totals.lost += lost_here;
        totals.scored += 1;
        if gap == Gap::None {
            continue;
        }
        totals.findings += 1;
        let risk = if gap == Gap::Full {
            q.severity
        } else {
            q.severity.lower()
        };
        tally.push((risk, acceptance_status(answers, &q.id, today)));
        if detail {
            findings.push(finding(bank, q, answer, gap, record, answers, today));
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
    for (risk, acceptance) in &tally {
        match acceptance {
            Some(AcceptanceStatus::Accepted) => counts.accepted += 1,
            Some(AcceptanceStatus::Expired) => {
                counts.expired += 1;
                counts.open_by_risk.add(*risk);
            }
            None => counts.open_by_risk.add(*risk),
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
        if !missing.is_empty() {
            note.push_str(&format!(
                " {} question(s) of {} are not in the file and count as unanswered: {}.",
                missing.len(),
                bank.version,
                missing.join(", ")
            ));
        }
        notes.push(note);
    }

    let overall = Score::from_parts(possible, lost, scored);
    let domains = bank
        .domains
        .iter()
        .zip(&domain_totals)
        .map(|(d, t)| DomainScore {
            id: d.id.clone(),
            title: d.title.clone(),
            score: Score::from_parts(t.possible, t.lost, t.scored),
            findings: t.findings,
            unanswered: t.unanswered,
            unknown: t.unknown,
        })
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
        rating: Rating::from_score(overall.score, counts.open_by_risk.critical > 0),
        overall,
        counts,
        domains,
        findings,
        unanswered,
        responsibilities: if detail {
            responsibilities(bank, &applies, &answer_of)
        } else {
            Vec::new()
        },
        msp_tier: tier::assess(bank, &applies, &answer_of),
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

fn question_result(
    bank: &Bank,
    q: &Question,
    applies: bool,
    record: Option<&AnswerRecord>,
) -> QuestionResult {
    let answer = record.and_then(|r| r.answer.as_ref());
    let status = match (applies, answer.map(|a| q.gap(a))) {
        (false, _) => QuestionStatus::NotAsked,
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
        status,
        answer: answer.map(|a| a.id().to_string()),
        answer_label: answer.map_or(String::new(), |a| q.answer_label(a).to_string()),
        note: record.and_then(|r| r.note.clone()),
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

fn finding(
    bank: &Bank,
    q: &Question,
    answer: &Answer,
    gap: Gap,
    record: Option<&AnswerRecord>,
    answers: &AnswersFile,
    today: NaiveDate,
) -> Finding {
    let risk = if gap == Gap::Full {
        q.severity
    } else {
        q.severity.lower()
    };
    let domain = bank.domain_of(q);
    let acceptance = answers.accepted_risk(&q.id).map(|a| Acceptance {
        status: acceptance_status(answers, &q.id, today).unwrap_or(AcceptanceStatus::Accepted),
        justification: a.justification.clone(),
        approved_by: a.approved_by.clone(),
        expires: a.expires.map(|d| d.to_string()),
    });
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
        answer_label: q.answer_label(answer).to_string(),
        unverified: *answer == Answer::Unknown,
        recommendation: q.recommendation.clone(),
        who_acts: q.who_acts,
        consequences: q.consequences.clone(),
        references: q.references.clone(),
        note: record.and_then(|r| r.note.clone()),
        evidence: record.and_then(|r| r.evidence.clone()),
        as_of: record.and_then(|r| r.as_of.map(|d| d.to_string())),
        line: record.map_or(0, |r| r.pos.line),
        column: record.map_or(0, |r| r.pos.column),
        acceptance,
    }
}

/// Open findings first; then the highest risk, the biggest gap, confirmed before unverified,
/// the highest severity; ties keep bank order (findings are made in bank order and the sort
/// is stable). Ranks start at 1.
fn rank(findings: &mut [Finding]) {
    findings.sort_by_key(|f| {
        (
            !f.is_open(),
            std::cmp::Reverse(f.risk),
            std::cmp::Reverse(f.gap),
            f.unverified,
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
            let status = match &owner {
                None => ResponsibilityStatus::Unanswered,
                Some(Answer::Unknown) => ResponsibilityStatus::Unknown,
                Some(Answer::Owner(Owner::Nobody)) => ResponsibilityStatus::Nobody,
                _ if msp_involved && q.confirmed_by.is_some() => match &contract {
                    Some(Answer::YesNo(YesNo::Yes)) => ResponsibilityStatus::Covered,
                    Some(Answer::YesNo(YesNo::Partial)) => ResponsibilityStatus::PartlyInContract,
                    Some(Answer::Unknown) => ResponsibilityStatus::ContractUnclear,
                    _ => ResponsibilityStatus::NotInContract,
                },
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
