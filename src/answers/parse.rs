//! Reading an answers file against a bank.

use std::collections::HashMap;

use super::*;
use crate::bank::Migration;
use crate::sanitize::ellipsize;
use crate::tree::{Ctx, Fields, Node, Value};

const FILE_KEYS: &[&str] = &[
    "bank",
    "organization",
    "msp",
    "assessed_by",
    "assessed_on",
    "answers",
    "accepted_risks",
];
const LONG_KEYS: &[&str] = &[
    "answer",
    "note",
    "evidence",
    "as_of",
    "asked_msp",
    "source",
    "replied_by",
    "replied_on",
    "msp_comment",
    "owner_answer",
    "msp_answer",
];
/// Keys that only an answer from the MSP's reply (`source: msp`) has.
const REPLY_KEYS: &[&str] = &[
    "replied_by",
    "replied_on",
    "msp_comment",
    "owner_answer",
    "msp_answer",
];
const RISK_KEYS: &[&str] = &["question", "justification", "approved_by", "expires"];

pub(super) fn answers_file(root: &Node, file: &str, bank: &Bank) -> Result<AnswersFile, LoadError> {
    let mut ctx = Ctx::new(file);
    let mut out = AnswersFile {
        file: file.to_string(),
        bank_id: String::new(),
        bank_version: String::new(),
        organization: None,
        msp: None,
        assessed_by: None,
        assessed_on: None,
        answers: Vec::new(),
        accepted_risks: Vec::new(),
        migrated: None,
    };
    let Some(mut f) = root.fields(&mut ctx, "the answers file") else {
        return Err(LoadError::Invalid {
            diagnostics: ctx.into_sorted(),
        });
    };
    let bank_pos = f.get("bank").map(|n| n.pos);
    if bank_pos.is_none() {
        ctx.error(
            f.pos,
            "missing-field",
            format!(
                "the answers file does not say which bank it answers; add the line `bank: {}`",
                bank.reference()
            ),
        );
    }
    if let Some(reference) = bank_pos.and_then(|_| f.text(&mut ctx, "bank")) {
        match reference.split_once('@') {
            Some((id, version)) if !id.is_empty() && !version.is_empty() => {
                out.bank_id = id.to_string();
                out.bank_version = version.to_string();
            }
            _ => ctx.error(
                bank_pos.unwrap_or_default(),
                "invalid-bank-reference",
                format!(
                    "`bank: {}` should name the bank and its version, like `bank: {}`",
                    ellipsize(&reference, 40),
                    bank.reference()
                ),
            ),
        }
    }
    out.organization = f.text_opt(&mut ctx, "organization");
    out.msp = f.text_opt(&mut ctx, "msp");
    out.assessed_by = f.text_opt(&mut ctx, "assessed_by");
    out.assessed_on = date_field(&mut f, &mut ctx, "assessed_on");

    let same_bank = out.bank_id.is_empty() || out.bank_id == bank.id;
    if !same_bank {
        ctx.error(
            bank_pos.unwrap_or_default(),
            "wrong-bank",
            format!(
                "this file answers the bank `{}`, but the bank in use is `{}`; run with `--bank FILE` naming the bank it was written for",
                ellipsize(&out.bank_reference(), 60),
                bank.reference()
            ),
        );
    }

    // Answers written for an older version go through the bank's migration for it.
    let migration = (same_bank && !out.bank_version.is_empty() && out.bank_version != bank.version)
        .then(|| bank.migration_from(&out.bank_version))
        .flatten();
    let mut migrated = Migrated::default();
    let mut unknown_ids = Vec::new();
    if let Some(node) = f.get("answers") {
        match &node.value {
            Value::Map(entries) => {
                for (key, value) in entries {
                    let question = match migration {
                        Some(m) if bank.question(&key.text).is_none() => {
                            if let Some(instead) = m.retired_for(&key.text) {
                                migrated.retired.push((key.text.clone(), instead.to_vec()));
                                continue;
                            }
                            match m.renamed_to(&key.text) {
                                // The file already answers the new id itself: that answer wins.
                                Some(new) if entries.iter().any(|(k, _)| k.text == new) => {
                                    migrated
                                        .retired
                                        .push((key.text.clone(), vec![new.to_string()]));
                                    continue;
                                }
                                Some(new) => {
                                    migrated.renamed.push((key.text.clone(), new.to_string()));
                                    bank.question(new)
                                }
                                None => None,
                            }
                        }
                        _ => bank.question(&key.text),
                    };
                    let Some(question) = question else {
                        unknown_ids.push(key.text.clone());
                        if same_bank {
                            ctx.error(
                                key.pos,
                                "unknown-question",
                                format!(
                                    "there is no question `{}` in {}; check the id (`msp-risk bank list` shows them all)",
                                    ellipsize(&key.text, 30),
                                    bank.reference()
                                ),
                            );
                        }
                        continue;
                    };
                    let carry = Carry {
                        migration,
                        log: &mut migrated,
                    };
                    if let Some(record) = answer_record(question, key.pos, value, &mut ctx, carry) {
                        out.answers.push(record);
                    }
                }
            }
            Value::Null => {}
            other => ctx.error(
                node.pos,
                "wrong-type",
                format!(
                    "`answers` should be a map of `QUESTION-ID: answer` lines, but is {}",
                    other.kind_name()
                ),
            ),
        }
    }

    // Another version of the same bank: say what changed, since that is the likely cause.
    if same_bank
        && out.bank_version != bank.version
        && !out.bank_version.is_empty()
        && !unknown_ids.is_empty()
    {
        let new: Vec<&str> = bank
            .questions
            .iter()
            .filter(|q| out.record(&q.id).is_none())
            .map(|q| q.id.as_str())
            .collect();
        ctx.error(
            bank_pos.unwrap_or_default(),
            "bank-version-mismatch",
            format!(
                "this file was written for {} but the bank in use is {}: {} answered question(s) are gone ({}) and {} question(s) are new ({}); remove or rename the answers to the gone questions, or run with `--bank FILE` for version {}",
                out.bank_reference(),
                bank.reference(),
                unknown_ids.len(),
                list_ids(&unknown_ids.iter().map(String::as_str).collect::<Vec<_>>()),
                new.len(),
                list_ids(&new),
                out.bank_version
            ),
        );
    }

    if let Some(node) = f.get("accepted_risks") {
        if let Some(items) = node.list(&mut ctx, "`accepted_risks`") {
            let mut seen: HashMap<String, u64> = HashMap::new();
            for item in items {
                if let Some(mut risk) = accepted_risk(item, &mut ctx, bank, migration) {
                    if let Some(new) = migration
                        .filter(|_| bank.question(&risk.question).is_none())
                        .and_then(|m| m.renamed_to(&risk.question))
                    {
                        risk.question = new.to_string();
                    }
                    if migration.is_some_and(|m| m.retired_for(&risk.question).is_some()) {
                        migrated.retired_risks.push(risk.question.clone());
                        continue;
                    }
                    if let Some(first) = seen.get(&risk.question) {
                        ctx.error(
                            risk.pos,
                            "duplicate-accepted-risk",
                            format!(
                                "{} already has an accepted risk (line {first}); keep one entry per question",
                                risk.question
                            ),
                        );
                        continue;
                    }
                    seen.insert(risk.question.clone(), risk.pos.line);
                    out.accepted_risks.push(risk);
                }
            }
        }
    }
    f.finish(&mut ctx, FILE_KEYS);
    if migration.is_some() {
        out.migrated = Some(migrated);
    }

    let diagnostics = ctx.into_sorted();
    if diagnostics.is_empty() {
        Ok(out)
    } else {
        Err(LoadError::Invalid { diagnostics })
    }
}

fn list_ids(ids: &[&str]) -> String {
    const SHOWN: usize = 8;
    if ids.is_empty() {
        return "none".to_string();
    }
    let mut s = ids
        .iter()
        .take(SHOWN)
        .map(|id| ellipsize(id, 20))
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > SHOWN {
        s.push_str(&format!(" and {} more", ids.len() - SHOWN));
    }
    s
}

/// The migration an answer goes through, and where to record what it changed.
struct Carry<'a, 'm> {
    migration: Option<&'m Migration>,
    log: &'a mut Migrated,
}

fn answer_record(
    q: &crate::bank::Question,
    pos: Pos,
    node: &Node,
    ctx: &mut Ctx,
    carry: Carry,
) -> Option<AnswerRecord> {
    let id = q.id.as_str();
    let mut record = AnswerRecord {
        question: id.to_string(),
        pos,
        ..AnswerRecord::default()
    };
    match &node.value {
        Value::Map(_) => {
            let mut f = node.fields(ctx, &format!("the answer to {id}"))?;
            if let Some(value) = f.get("answer") {
                let carry = Carry {
                    migration: carry.migration,
                    log: &mut *carry.log,
                };
                record.answer = answer_value(q, value, ctx, carry);
            }
            record.note = f.text_opt(ctx, "note");
            record.evidence = f.text_opt(ctx, "evidence");
            record.as_of = date_field(&mut f, ctx, "as_of");
            record.asked_msp = date_field(&mut f, ctx, "asked_msp");
            record.reply = reply_fields(q, &mut f, ctx, carry);
            f.finish(ctx, LONG_KEYS);
        }
        _ => record.answer = answer_value(q, node, ctx, carry),
    }
    Some(record)
}

/// `source: msp` and what goes with it: who at the MSP answered, when, its comment, and the
/// owner's own answer where the two differ.
fn reply_fields(
    q: &crate::bank::Question,
    f: &mut Fields,
    ctx: &mut Ctx,
    carry: Carry,
) -> Option<MspReply> {
    let id = q.id.as_str();
    let source_pos = f.get("source").map(|n| n.pos);
    let source = f.text_opt(ctx, "source").map(|s| s.to_lowercase());
    let from_msp = match source.as_deref() {
        None | Some("owner") => false,
        Some("msp") => true,
        Some(other) => {
            ctx.error(
                source_pos.unwrap_or_default(),
                "invalid-source",
                format!(
                    "`source: {}` is not a source; write `source: owner` (your own answer) or `source: msp` (from your MSP's reply)",
                    ellipsize(other, 30)
                ),
            );
            false
        }
    };
    let reply = MspReply {
        answer_from_msp: from_msp,
        by: f.text_opt(ctx, "replied_by"),
        on: date_field(f, ctx, "replied_on"),
        comment: f.text_opt(ctx, "msp_comment"),
        owner_answer: f.get("owner_answer").and_then(|n| {
            let carry = Carry {
                migration: carry.migration,
                log: &mut *carry.log,
            };
            answer_value(q, n, ctx, carry)
        }),
        msp_answer: f
            .get("msp_answer")
            .and_then(|n| answer_value(q, n, ctx, carry)),
    };
    if from_msp {
        if let Some(pos) = f.get("msp_answer").map(|n| n.pos) {
            ctx.error(
                pos,
                "msp-answer-with-msp-source",
                format!(
                    "`msp_answer` records your MSP's answer beside yours (`source: owner`), but the answer to {id} is already your MSP's (`source: msp`); delete `msp_answer`"
                ),
            );
        }
        return Some(reply);
    }
    let mut present = |k: &str| f.get(k).map(|n| (k.to_string(), n.pos));
    if source.as_deref() == Some("owner") {
        // The owner's answer stands after the MSP replied: what the MSP said stays as history,
        // but there is no MSP answer for an owner's answer to disagree with.
        if let Some((key, pos)) = present("owner_answer") {
            ctx.error(
                pos,
                "owner-answer-without-msp",
                format!(
                    "`{key}` keeps your answer beside your MSP's, but the answer to {id} is yours (`source: owner`); delete `{key}`"
                ),
            );
        }
        return (reply != MspReply::default()).then_some(reply);
    }
    if let Some((key, pos)) = REPLY_KEYS.iter().find_map(|k| present(k)) {
        ctx.error(
            pos,
            "reply-without-source",
            format!(
                "`{key}` belongs to an answer after your MSP's reply, but the answer to {id} does not say whose it is; add `source: msp` (your MSP's answer) or `source: owner` (yours), or delete `{key}`"
            ),
        );
    }
    None
}

fn answer_value(
    q: &crate::bank::Question,
    node: &Node,
    ctx: &mut Ctx,
    carry: Carry,
) -> Option<Answer> {
    let id = q.id.as_str();
    // Only needed for a message: worked out when there is one.
    let allowed = || q.allowed_answers().join(", ");
    // What the file says, as written: messages echo it (the diagnostic sanitises it).
    let written = match &node.value {
        Value::Null => return None,
        Value::Str(s) if s.trim().is_empty() => return None,
        Value::Str(s) => s.trim(),
        Value::Bool(b) if yes_no_of_bool(q, *b).is_some() => return yes_no_of_bool(q, *b),
        Value::Bool(b) => {
            ctx.error(
                node.pos,
                "invalid-answer",
                format!(
                    "`{b}` is not an answer to {id} ({}); write one of: {}",
                    q.kind.phrase(),
                    allowed()
                ),
            );
            return None;
        }
        other => {
            ctx.error(
                node.pos,
                "invalid-answer",
                format!(
                    "the answer to {id} should be one word, but is {}; write one of: {}",
                    other.kind_name(),
                    allowed()
                ),
            );
            return None;
        }
    };
    // Answers are words from a fixed vocabulary: `Yes` and `YES` mean `yes`.
    let word = match carry.migration {
        Some(m) => carried_option(q, written.to_lowercase(), m, carry.log),
        None => written.to_lowercase(),
    };
    let answer = q.parse_answer(&word).or_else(|| q.answer_by_label(written));
    if answer.is_none() {
        let hint = if word == "na" {
            format!(" (`na` is not allowed for {id}: it applies to every business)")
        } else {
            String::new()
        };
        ctx.error(
            node.pos,
            "invalid-answer",
            format!(
                "`{}` is not an answer to {id} ({}); write one of: {}{hint}",
                ellipsize(written, 40),
                q.kind.phrase(),
                allowed()
            ),
        );
    }
    answer
}

/// `true`/`false` on a yes/no question: what a YAML 1.1 tool (PyYAML) writes back for
/// `yes`/`no`, so they mean just that. `None` on other questions.
pub(crate) fn yes_no_of_bool(q: &crate::bank::Question, b: bool) -> Option<Answer> {
    (q.kind == crate::bank::Kind::YesNo).then_some(Answer::YesNo(if b {
        crate::bank::YesNo::Yes
    } else {
        crate::bank::YesNo::No
    }))
}

/// An option word an older bank version used, renamed by the bank's migration (and the
/// rename recorded for the report's note); any other word as it is.
pub(crate) fn carried_option(
    q: &crate::bank::Question,
    word: String,
    migration: &Migration,
    log: &mut Migrated,
) -> String {
    match migration
        .option_to(&q.id, &word)
        .filter(|_| q.parse_answer(&word).is_none())
    {
        Some(new) => {
            log.options.push((q.id.clone(), word, new.to_string()));
            new.to_string()
        }
        None => word,
    }
}

fn date_field(f: &mut Fields, ctx: &mut Ctx, name: &str) -> Option<NaiveDate> {
    date_value(f.get(name), ctx, name)
}

/// The date a field holds (`YYYY-MM-DD`); anything else is a problem at its position.
pub(crate) fn date_value(node: Option<&Node>, ctx: &mut Ctx, name: &str) -> Option<NaiveDate> {
    let node = node?;
    let text = node.text_opt(ctx, &format!("`{name}`"))?;
    let date = parse_date(&text);
    if date.is_none() {
        ctx.error(
            node.pos,
            "invalid-date",
            format!(
                "`{name}: {}` is not a date; write it as YYYY-MM-DD, like 2026-11-23",
                ellipsize(&text, 30)
            ),
        );
    }
    date
}

fn accepted_risk(
    node: &Node,
    ctx: &mut Ctx,
    bank: &Bank,
    migration: Option<&Migration>,
) -> Option<AcceptedRisk> {
    let mut f = node.fields(ctx, "an accepted risk")?;
    let question_pos = f.get("question").map_or(node.pos, |n| n.pos);
    let question = f.text(ctx, "question").unwrap_or_default();
    let mut f = f.renamed(&format!("the accepted risk for {question}"));
    let carried = migration
        .is_some_and(|m| m.renamed_to(&question).is_some() || m.retired_for(&question).is_some());
    if !question.is_empty() && bank.question(&question).is_none() && !carried {
        ctx.error(
            question_pos,
            "unknown-question",
            format!(
                "an accepted risk names `{}`, which is not a question in {}; check the id",
                ellipsize(&question, 30),
                bank.reference()
            ),
        );
    }
    let justification = f.text_opt(ctx, "justification");
    if justification.is_none() {
        ctx.error(
            node.pos,
            "missing-justification",
            format!(
                "the accepted risk for {question} has no `justification`; write why the business accepts this gap (for example what compensates for it)"
            ),
        );
    }
    let risk = AcceptedRisk {
        justification: justification.unwrap_or_default(),
        approved_by: f.text_opt(ctx, "approved_by"),
        expires: date_field(&mut f, ctx, "expires"),
        pos: node.pos,
        question,
    };
    f.finish(ctx, RISK_KEYS);
    Some(risk)
}
