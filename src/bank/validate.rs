//! The checks that span more than one field: unique ids, conditions that resolve, questions
//! that can be asked, and the rules of each kind of question. `bank lint` is these checks.

use std::collections::{HashMap, HashSet};

use super::*;
use crate::limits::MAX_QUESTIONS;
use crate::tree::Ctx;

/// Where things are in the bank file, kept beside the model while it is checked.
#[derive(Debug, Default)]
pub(super) struct Spans {
    pub bank_id: Pos,
    pub sources: Vec<Pos>,
    pub actions: Vec<Pos>,
    pub domains: Vec<Pos>,
    pub questions: Vec<QuestionSpans>,
    pub migrations: Vec<Pos>,
}

/// Positions of one question's parts.
#[derive(Debug, Default)]
pub(super) struct QuestionSpans {
    pub id: Pos,
    pub when: Pos,
    pub confirmed_by: Pos,
    pub action: Pos,
    pub options: Pos,
    pub option_items: Vec<Pos>,
    pub references: Vec<Pos>,
}

fn is_domain_id(s: &str) -> bool {
    (2..=5).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_uppercase())
}

fn is_question_id(s: &str, domain: &str) -> bool {
    s.strip_prefix(domain)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|n| (2..=3).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()))
}

fn is_option_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn is_bank_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Runs every cross-field check, adding problems to `ctx`, and builds the id index.
pub(super) fn check(bank: &mut Bank, spans: &Spans, ctx: &mut Ctx) {
    if !bank.id.is_empty() && !is_bank_id(&bank.id) {
        ctx.error(
            spans.bank_id,
            "invalid-id",
            "the bank `id` may use only lower-case letters, digits and `-`",
        );
    }
    if !bank.version.is_empty()
        && !bank
            .version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-+".contains(&b))
    {
        ctx.error(
            spans.bank_id,
            "invalid-id",
            "the bank `version` may use only letters, digits and `.`, `-`, `+`, `_` (e.g. 1.2.0)",
        );
    }

    let mut source_ids = HashSet::new();
    for (s, pos) in bank.sources.iter().zip(&spans.sources) {
        if !source_ids.insert(s.id.as_str()) {
            ctx.error(
                *pos,
                "duplicate-id",
                format!(
                    "source id `{}` is used twice; give each source its own id",
                    s.id
                ),
            );
        }
    }

    let mut action_ids = HashMap::new();
    for (i, (a, pos)) in bank.actions.iter().zip(&spans.actions).enumerate() {
        let kebab = !a.id.is_empty()
            && a.id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !kebab {
            ctx.error(
                *pos,
                "invalid-id",
                format!(
                    "action id `{}` should use lower-case letters, digits and `-`, like contract-responsibilities",
                    crate::sanitize::ellipsize(&a.id, 30)
                ),
            );
        }
        if action_ids.insert(a.id.clone(), i).is_some() {
            ctx.error(
                *pos,
                "duplicate-id",
                format!(
                    "action id `{}` is used twice; give each action its own id",
                    a.id
                ),
            );
        }
        if a.title.trim().is_empty() {
            ctx.error(
                *pos,
                "missing-field",
                format!("action {} needs a `title`", a.id),
            );
        }
    }
    for (q, s) in bank.questions.iter_mut().zip(&spans.questions) {
        if let Some(id) = &q.action_id {
            match action_ids.get(id) {
                Some(i) => q.action = Some(*i),
                None => ctx.error(
                    s.action,
                    "unknown-action",
                    format!(
                        "question {} names action `{}`, which is not listed under `actions`",
                        q.id,
                        crate::sanitize::ellipsize(id, 40)
                    ),
                ),
            }
        }
    }
    let mut used = vec![false; bank.actions.len()];
    for q in &bank.questions {
        if let Some(i) = q.action {
            used[i] = true;
        }
    }
    for ((a, pos), used) in bank.actions.iter().zip(&spans.actions).zip(used) {
        if !used {
            ctx.error(
                *pos,
                "unused-action",
                format!(
                    "no question names action {}; give it questions or remove it",
                    a.id
                ),
            );
        }
    }

    let mut domain_ids = HashSet::new();
    for (d, pos) in bank.domains.iter().zip(&spans.domains) {
        if !is_domain_id(&d.id) {
            ctx.error(
                *pos,
                "invalid-id",
                format!(
                    "domain id `{}` should be 2 to 5 upper-case letters, like GOV",
                    crate::sanitize::ellipsize(&d.id, 30)
                ),
            );
        }
        if !domain_ids.insert(d.id.as_str()) {
            ctx.error(
                *pos,
                "duplicate-id",
                format!(
                    "domain id `{}` is used twice; give each domain its own id",
                    d.id
                ),
            );
        }
        if d.questions.is_empty() {
            ctx.error(
                *pos,
                "empty-domain",
                format!(
                    "domain {} has no questions; add some or remove the domain",
                    d.id
                ),
            );
        }
    }
    if bank.questions.is_empty() && ctx.diagnostics.is_empty() {
        ctx.error(
            Pos::default(),
            "no-questions",
            "the bank has no questions; add at least one domain with questions",
        );
    }
    if bank.questions.len() > MAX_QUESTIONS {
        ctx.error(
            Pos::default(),
            "too-many-questions",
            format!(
                "the bank has {} questions, more than the limit of {MAX_QUESTIONS}",
                bank.questions.len()
            ),
        );
    }

    // Index the ids; a duplicate keeps its first place so later checks still resolve.
    let mut index = HashMap::new();
    for (i, (q, s)) in bank.questions.iter().zip(&spans.questions).enumerate() {
        let domain = &bank.domains[q.domain].id;
        if !q.id.is_empty() && !is_question_id(&q.id, domain) {
            ctx.error(s.id, "invalid-id", format!(
                "question id `{}` should be its domain id, a dash and a 2- or 3-digit number, like {domain}-01",
                crate::sanitize::ellipsize(&q.id, 30)));
        }
        if let Some(first) = index.get(q.id.as_str()) {
            let first: &Question = &bank.questions[*first];
            ctx.error(
                s.id,
                "duplicate-id",
                format!(
                "question id `{}` is used twice (first at line {}); give each question its own id",
                q.id, first.pos.line),
            );
        } else if !q.id.is_empty() {
            index.insert(q.id.clone(), i);
        }
    }

    for (q, s) in bank.questions.iter().zip(&spans.questions) {
        check_question(q, s, &source_ids, ctx);
    }
    check_conditions(bank, &index, spans, ctx);
    for q in &mut bank.questions {
        if let Some(cond) = &mut q.when {
            cond.parent = index.get(&cond.question).copied().unwrap_or(usize::MAX);
        }
    }
    check_migrations(bank, &index, spans, ctx);
    bank.index = index;
}

/// A migration may only lead to questions and options that exist, and may not rename or
/// retire an id the bank still asks (an old answer would then have two meanings).
fn check_migrations(bank: &Bank, index: &HashMap<String, usize>, spans: &Spans, ctx: &mut Ctx) {
    for (m, pos) in bank.migrations.iter().zip(&spans.migrations) {
        let pos = *pos;
        if m.from.is_empty() {
            ctx.error(pos, "missing-field", "a migration needs `from:`, the version (or prefix such as `1.`) it carries answers over from");
        }
        for (old, new) in &m.renamed {
            if index.contains_key(old) {
                ctx.error(pos, "invalid-migration", format!(
                    "the migration from {} renames {old}, which the bank still asks; drop the line or give the question a new id", m.from));
            }
            if !index.contains_key(new) {
                ctx.error(pos, "invalid-migration", format!(
                    "the migration from {} renames {old} to {new}, which is not a question of this bank", m.from));
            }
        }
        for (old, instead) in &m.retired {
            if index.contains_key(old) {
                ctx.error(
                    pos,
                    "invalid-migration",
                    format!(
                        "the migration from {} retires {old}, which the bank still asks",
                        m.from
                    ),
                );
            }
            for new in instead.iter().filter(|n| !index.contains_key(n.as_str())) {
                ctx.error(pos, "invalid-migration", format!(
                    "the migration from {} says {new} replaces {old}, but {new} is not a question of this bank", m.from));
            }
        }
        for (qid, map) in &m.options {
            let Some(q) = index.get(qid).map(|&i| &bank.questions[i]) else {
                ctx.error(pos, "invalid-migration", format!(
                    "the migration from {} maps options of {qid}, which is not a question of this bank", m.from));
                continue;
            };
            for (old, new) in map {
                if q.parse_answer(new).is_none() {
                    ctx.error(pos, "invalid-migration", format!(
                        "the migration from {} maps option {old} of {qid} to {new}, which {qid} does not accept", m.from));
                }
            }
        }
    }
}

fn check_question(q: &Question, s: &QuestionSpans, sources: &HashSet<&str>, ctx: &mut Ctx) {
    let what = format!("question {}", q.id);
    for (r, pos) in q.references.iter().zip(&s.references) {
        if !r.source.is_empty() && !sources.contains(r.source.as_str()) {
            ctx.error(*pos, "unknown-source", format!(
                "{what} cites source `{}`, which is not listed under `sources`; add it there or fix the id",
                crate::sanitize::ellipsize(&r.source, 30)));
        }
    }
    if q.answered_by == AnsweredBy::Msp && q.how_to_find_out.is_none() {
        ctx.error(s.id, "missing-field", format!(
            "{what} is answered by the MSP and needs `how_to_find_out:` (how the owner can check, or what to ask)"));
    }
    match q.kind {
        Kind::Choice => {
            if q.options.len() < 2 {
                ctx.error(
                    s.id,
                    "invalid-options",
                    format!("{what} is a choice question and needs at least two `options`"),
                );
            }
            let mut seen = HashSet::new();
            for (o, pos) in q.options.iter().zip(&s.option_items) {
                if !is_option_id(&o.id) || o.id == UNKNOWN || o.id == YesNo::Na.id() {
                    ctx.error(*pos, "invalid-id", format!(
                        "option id `{}` of {what} should be lower_snake_case and not `unknown` or `na`",
                        crate::sanitize::ellipsize(&o.id, 30)));
                }
                if !seen.insert(o.id.as_str()) {
                    ctx.error(
                        *pos,
                        "duplicate-id",
                        format!("option id `{}` is used twice in {what}", o.id),
                    );
                }
            }
            if q.options.len() >= 2 {
                if !q.options.iter().any(|o| o.gap == Gap::None) {
                    ctx.error(s.options, "invalid-options", format!(
                        "no option of {what} has `gap: none`, so it can never be answered without a finding"));
                }
                if q.options.iter().all(|o| o.gap == Gap::None) {
                    ctx.error(s.options, "invalid-options", format!(
                        "every option of {what} has `gap: none`, so it can never find a gap; make it a yes/no question or grade the options"));
                }
            }
        }
        _ if !q.options.is_empty() => ctx.error(
            s.options,
            "misplaced-field",
            format!(
                "{what} is a {} question; only choice questions have `options`",
                q.kind.label()
            ),
        ),
        _ => {}
    }
    match q.kind {
        Kind::Ownership => {
            if q.area.is_none() {
                ctx.error(s.id, "missing-field", format!(
                    "{what} is an ownership question and needs `area:` (a short name for the responsibility matrix)"));
            }
            if q.allow_na {
                ctx.error(
                    s.id,
                    "misplaced-field",
                    format!("{what}: ownership questions cannot allow `na`"),
                );
            }
            if q.msp_indicator.is_some() {
                ctx.error(s.id, "misplaced-field", format!(
                    "{what}: `msp_indicator` belongs on yes/no or choice questions, not ownership ones"));
            }
        }
        _ => {
            if q.area.is_some() {
                ctx.error(
                    s.id,
                    "misplaced-field",
                    format!("{what}: only ownership questions have `area`"),
                );
            }
            if q.confirmed_by.is_some() {
                ctx.error(
                    s.confirmed_by,
                    "misplaced-field",
                    format!("{what}: only ownership questions have `confirmed_by`"),
                );
            }
        }
    }
}

/// Conditions must name an existing, earlier question and answers it accepts; anything that
/// depends on an impossible condition can never be asked.
fn check_conditions(bank: &Bank, index: &HashMap<String, usize>, spans: &Spans, ctx: &mut Ctx) {
    // broken[i]: question i's own condition can never hold.
    let mut broken = vec![false; bank.questions.len()];
    for (i, (q, s)) in bank.questions.iter().zip(&spans.questions).enumerate() {
        let Some(cond) = &q.when else { continue };
        let what = format!("question {}", q.id);
        let Some(&target) = index.get(&cond.question) else {
            if !cond.question.is_empty() {
                ctx.error(
                    s.when,
                    "dangling-condition",
                    format!(
                        "{what} is a follow-up of `{}`, which does not exist; fix the id in `when`",
                        crate::sanitize::ellipsize(&cond.question, 30)
                    ),
                );
            }
            broken[i] = true;
            continue;
        };
        if target >= i {
            broken[i] = true;
            if cycle_through(bank, index, i) {
                ctx.error(s.when, "cyclic-condition", format!(
                    "{what} is part of a cycle of follow-ups ({}); a follow-up must depend on an earlier question",
                    cycle_path(bank, index, i)));
            } else {
                ctx.error(s.when, "forward-condition", format!(
                    "{what} is a follow-up of {}, which comes later (or is itself); move it after {}",
                    cond.question, cond.question));
            }
            continue;
        }
        let parent = &bank.questions[target];
        let mut valid = 0;
        for word in &cond.answer_in {
            if parent.parse_answer(word).is_some() {
                valid += 1;
            } else {
                ctx.error(
                    s.when,
                    "unknown-value",
                    format!(
                        "`{}` in `answer_in` of {what} is not an answer of {}; its answers are: {}",
                        crate::sanitize::ellipsize(word, 30),
                        parent.id,
                        parent.allowed_answers().join(", ")
                    ),
                );
            }
        }
        if valid == 0 {
            broken[i] = true;
        }
    }
    // A question is unreachable when any condition above it in its chain is broken.
    for (i, s) in spans.questions.iter().enumerate() {
        if broken[i] {
            continue;
        }
        let mut cur = i;
        // Parents come strictly earlier here (later ones are broken), so this ends.
        while let Some(p) = parent_of(bank, index, cur).filter(|&p| p < cur) {
            if broken[p] {
                ctx.error(s.when, "unreachable-question", format!(
                    "question {} can never be asked, because it depends on {}, which can never be asked",
                    bank.questions[i].id, bank.questions[p].id));
                break;
            }
            cur = p;
        }
    }
    // confirmed_by must be a yes/no follow-up of the ownership question.
    for (q, s) in bank.questions.iter().zip(&spans.questions) {
        let Some(c) = &q.confirmed_by else { continue };
        let ok = index.get(c).map(|&j| &bank.questions[j]).is_some_and(|f| {
            f.kind == Kind::YesNo && f.when.as_ref().is_some_and(|w| w.question == q.id)
        });
        if !ok {
            ctx.error(s.confirmed_by, "invalid-confirmation", format!(
                "`confirmed_by: {}` of question {} must name a yes/no follow-up whose `when` points to {}",
                crate::sanitize::ellipsize(c, 30), q.id, q.id));
        }
    }
}

fn parent_of(bank: &Bank, index: &HashMap<String, usize>, i: usize) -> Option<usize> {
    bank.questions[i]
        .when
        .as_ref()
        .and_then(|c| index.get(&c.question).copied())
}

fn cycle_through(bank: &Bank, index: &HashMap<String, usize>, start: usize) -> bool {
    let mut cur = start;
    for _ in 0..bank.questions.len() {
        match parent_of(bank, index, cur) {
            Some(p) if p == start => return true,
            Some(p) => cur = p,
            None => return false,
        }
    }
    false
}

fn cycle_path(bank: &Bank, index: &HashMap<String, usize>, start: usize) -> String {
    let mut path = vec![bank.questions[start].id.as_str()];
    let mut cur = start;
    while let Some(p) = parent_of(bank, index, cur) {
        path.push(bank.questions[p].id.as_str());
        if p == start || path.len() > bank.questions.len() {
            break;
        }
        cur = p;
    }
    path.join(" → ")
}
