//! The MSP's cybersecurity capability tier, from the answers marked as MSP indicators.
//!
//! The three tiers ("minimal", "some" and "comprehensive" cybersecurity focus) come from the
//! research digest (section 3); the mapping of answers to tiers is our own, and it is simple
//! on purpose so that a reader can check it:
//!
//! - each indicator earns credit: met 1, partly ½, not met 0, "I don't know" or blank 0; a
//!   follow-up indicator closed off by a "no" to its parent is not met, and one waiting on an
//!   unknown or blank parent is unverified or unanswered
//!   (a blank is an unverified claim, never better than "I don't know");
//! - with fewer than [`KNOWN_PERCENT`] of the applicable indicators answered yes, partly or
//!   no, the tier is "not determined";
//! - otherwise credit ÷ every applicable indicator gives the share: comprehensive at 80 % or
//!   more with no indicator failed or unverified, some at 40 % or more, minimal below.

/// The share (percent) of indicators that must be known (answered yes, partly or no) to
/// place the MSP in a tier.
pub const KNOWN_PERCENT: u32 = 60;

use crate::bank::{Answer, Bank, Gap};
use crate::report::{Indicator, IndicatorStatus, Tier, TierAssessment};

pub(super) fn assess<'a>(
    bank: &Bank,
    applies: &[bool],
    answer_of: &dyn Fn(&str) -> Option<&'a Answer>,
) -> TierAssessment {
    let mut indicators = Vec::new();
    for (q, &applies) in bank.questions.iter().zip(applies) {
        let Some(label) = &q.msp_indicator else {
            continue;
        };
        // An indicator that is a follow-up stays in the count when its parent closes it off:
        // MFA-02 (the kind of MFA) is not met when MFA-01 (MFA at all) is "no", and still to
        // verify while MFA-01 is unknown, so the denominator never shrinks with a bad answer.
        if !applies {
            let Some(parent) = q.when.as_ref().and_then(|c| bank.question(&c.question)) else {
                continue;
            };
            let status = match answer_of(&parent.id) {
                None => IndicatorStatus::Unanswered,
                Some(Answer::Unknown) => IndicatorStatus::Unverified,
                Some(a) if parent.gap(a) == Some(Gap::Full) => IndicatorStatus::NotMet,
                // A parent answered well or "does not apply": the follow-up is simply not asked.
                Some(_) => continue,
            };
            indicators.push(Indicator {
                question: q.id.clone(),
                label: label.clone(),
                answer: None,
                status,
            });
            continue;
        }
        let answer = answer_of(&q.id);
        let status = match &answer {
            None => IndicatorStatus::Unanswered,
            Some(Answer::Unknown) => IndicatorStatus::Unverified,
            Some(a) => match q.gap(a) {
                // "Does not apply" says nothing about the MSP: leave it out.
                None => continue,
                Some(Gap::None) => IndicatorStatus::Met,
                Some(Gap::Partial) => IndicatorStatus::Partly,
                Some(Gap::Full) => IndicatorStatus::NotMet,
            },
        };
        indicators.push(Indicator {
            question: q.id.clone(),
            label: label.clone(),
            answer: answer.map(|a| a.id().to_string()),
            status,
        });
    }

    let applicable = indicators.len() as u32;
    let answered = indicators
        .iter()
        .filter(|i| i.status != IndicatorStatus::Unanswered)
        .count() as u32;
    let credit: f64 = indicators
        .iter()
        .map(|i| match i.status {
            IndicatorStatus::Met => 1.0,
            IndicatorStatus::Partly => 0.5,
            _ => 0.0,
        })
        .sum();
    let known = indicators
        .iter()
        .filter(|i| {
            matches!(
                i.status,
                IndicatorStatus::Met | IndicatorStatus::Partly | IndicatorStatus::NotMet
            )
        })
        .count() as u32;
    let share = (applicable > 0).then(|| credit / f64::from(applicable));
    let weak = indicators.iter().any(|i| {
        matches!(
            i.status,
            IndicatorStatus::NotMet | IndicatorStatus::Unverified | IndicatorStatus::Unanswered
        )
    });

    let mut reasons = Vec::new();
    let tier = if applicable == 0 {
        reasons.push("The bank has no questions that indicate the MSP's capability.".to_string());
        Tier::Undetermined
    } else if known * 100 < applicable * KNOWN_PERCENT {
        reasons.push(format!(
            "Only {known} of {applicable} questions about the MSP have a known answer (yes, partly or no); \
             at least {KNOWN_PERCENT}% are needed to place the MSP, so the tier is not determined."
        ));
        Tier::Undetermined
    } else {
        let share = share.unwrap_or(0.0);
        let percent = (share * 100.0).round();
        let mut tier = if share >= 0.8 && !weak {
            Tier::Comprehensive
        } else if share >= 0.4 {
            Tier::Some
        } else {
            Tier::Minimal
        };
        // An MSP that has not done one of CISA's "do today" actions (MFA on its accounts,
        // its remote tool closed to the internet) has at most a minimal security focus,
        // whatever else it does.
        let missing_do_today: Vec<&str> = indicators
            .iter()
            .filter(|i| {
                i.status == IndicatorStatus::NotMet
                    && bank
                        .question(&i.question)
                        .is_some_and(|q| q.priority == crate::bank::Priority::DoToday)
            })
            .map(|i| i.question.as_str())
            .collect();
        if !missing_do_today.is_empty() && tier > Tier::Minimal {
            tier = Tier::Minimal;
            reasons.push(format!(
                "Held at minimal: a CISA \"do today\" action is missing ({}).",
                missing_do_today.join(", ")
            ));
        }
        reasons.push(format!(
            "{credit} of {applicable} indicators are in place ({percent}%; partly counts as half, \
             \"I don't know\" and blanks as not in place)."
        ));
        if share >= 0.8 && weak {
            reasons.push(
                "Comprehensive practice needs every indicator met or partly met, with none unverified."
                    .to_string(),
            );
        }
        tier
    };
    if applicable > 0 {
        reasons.push(
            "This tier is msp-risk's own rule of thumb, not an official rating: the three tiers \
             come from one non-government source, and the thresholds are ours."
                .to_string(),
        );
    }
    for (status, word) in [
        (IndicatorStatus::Met, "In place"),
        (IndicatorStatus::Partly, "Partly in place"),
        (IndicatorStatus::NotMet, "Missing"),
        (IndicatorStatus::Unverified, "Not verified"),
        (
            IndicatorStatus::Unanswered,
            "Not answered (counted as not verified)",
        ),
    ] {
        let names: Vec<String> = indicators
            .iter()
            .filter(|i| i.status == status)
            .map(|i| format!("{} ({})", i.label, i.question))
            .collect();
        if !names.is_empty() {
            reasons.push(format!("{word}: {}.", names.join("; ")));
        }
    }

    // The best case: every unverified or blank indicator turns out to be in place.
    let open = indicators
        .iter()
        .filter(|i| {
            matches!(
                i.status,
                IndicatorStatus::Unverified | IndicatorStatus::Unanswered
            )
        })
        .count() as u32;
    let best_case = if applicable == 0 {
        Tier::Undetermined
    } else {
        let best_share = (credit + f64::from(open)) / f64::from(applicable);
        let not_met: Vec<&Indicator> = indicators
            .iter()
            .filter(|i| i.status == IndicatorStatus::NotMet)
            .collect();
        let do_today_missing = not_met.iter().any(|i| {
            bank.question(&i.question)
                .is_some_and(|q| q.priority == crate::bank::Priority::DoToday)
        });
        if do_today_missing {
            Tier::Minimal
        } else if best_share >= 0.8 && not_met.is_empty() {
            Tier::Comprehensive
        } else if best_share >= 0.4 {
            Tier::Some
        } else {
            Tier::Minimal
        }
    }
    .max(tier);

    TierAssessment {
        tier,
        best_case,
        to_verify: open,
        credit_percent: share.map(|s| (s * 100.0).round() as u32),
        indicators_applicable: applicable,
        indicators_answered: answered,
        indicators,
        reasons,
    }
}
