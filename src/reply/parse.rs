//! Reading the MSP's reply (the YAML form, or the workbook with its Reply and Form sheets)
//! strictly: unknown ids, answers a question does not take and bad dates are reported, each
//! with its line and column (or sheet and cell), in one pass.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{Reply, ReplyAnswer, FORM_MARK};
use crate::answers::sheet::{self, Layout};
use crate::answers::{carried_option, yes_no_of_bool, Migrated};
use crate::bank::{Answer, Bank, Question};
use crate::diagnostic::{LoadError, Pos};
use crate::sanitize::ellipsize;
use crate::tree::{Ctx, Node, Value};

/// The reply workbook's table sheet.
pub const REPLY_SHEET: &str = "Reply";
/// Its sheet of fields.
pub const FORM_SHEET: &str = "Form";
/// The Reply sheet's columns, as the form writes them.
pub const REPLY_COLUMNS: &[&str] = &[
    "id",
    "topic",
    "question",
    "we believe",
    "evidence that would help",
    "answer",
    "comment",
    "evidence",
    "evidence date",
    "answered by",
];
const ROW_KEYS: &[&str] = &[
    "answer",
    "comment",
    "evidence",
    "evidence_date",
    "answered_by",
];
/// The form's fields.
pub const FORM_FIELDS: &[&str] = &[
    "form",
    "bank",
    "organization",
    "msp",
    "replied_by",
    "replied_on",
    "made_on",
];

pub(crate) const REPLY_LAYOUT: Layout = Layout {
    sheet: REPLY_SHEET,
    fields_sheet: FORM_SHEET,
    columns: REPLY_COLUMNS,
    read: ROW_KEYS,
    fields: FORM_FIELDS,
    what: "the reply form",
    start: "msp-risk ask-msp answers.yaml --output reply.xlsx",
};

/// Reads a reply form returned by the MSP (`*.xlsx` workbook, else YAML) against `bank`;
/// fails with every problem found.
pub fn load(bytes: &[u8], file: &str, bank: &Bank) -> Result<Reply, LoadError> {
    if file.to_ascii_lowercase().ends_with(".xlsx") {
        return sheet::load_with(
            bytes,
            file,
            &REPLY_LAYOUT,
            &bank.reference(),
            |tree| reply(tree, file, bank),
            |out, where_is| {
                for a in &mut out.answers {
                    if let Some(real) = where_is(a.pos.line) {
                        a.pos = real;
                    }
                }
            },
        );
    }
    let node = crate::yaml::parse(bytes, file).map_err(|d| LoadError::Invalid {
        diagnostics: vec![d],
    })?;
    reply(&node, file, bank)
}

fn reply(root: &Node, file: &str, bank: &Bank) -> Result<Reply, LoadError> {
    let mut ctx = Ctx::new(file);
    let mut out = Reply {
        file: file.to_string(),
        ..Reply::default()
    };
    let invalid = |ctx: Ctx| LoadError::Invalid {
        diagnostics: ctx.into_sorted(),
    };
    let Some(mut f) = root.fields(&mut ctx, "the reply form") else {
        return Err(invalid(ctx));
    };
    let form_pos = f.get("form").map(|n| n.pos);
    match f.text_opt(&mut ctx, "form") {
        Some(mark) if mark.trim().eq_ignore_ascii_case(FORM_MARK) => {}
        _ => ctx.error(
            form_pos.unwrap_or(f.pos),
            "not-a-reply",
            format!(
                "this is not a reply form made by `msp-risk ask-msp --output` (it has no `form: {FORM_MARK}`); \
                 an answers file is read by `msp-risk report`, a reply by `msp-risk import-reply`"
            ),
        ),
    }
    let bank_pos = f.get("bank").map_or(f.pos, |n| n.pos);
    match f.text(&mut ctx, "bank").as_deref().map(|r| r.split_once('@')) {
        Some(Some((id, version))) if !id.is_empty() && !version.is_empty() => {
            out.bank_id = id.to_string();
            out.bank_version = version.to_string();
        }
        Some(_) => ctx.error(
            bank_pos,
            "invalid-bank-reference",
            format!(
                "`bank` should name the questionnaire and its version, like `{}`; leave it as the form gave it",
                bank.reference()
            ),
        ),
        None => {}
    }
    out.organization = f.text_opt(&mut ctx, "organization");
    out.msp = f.text_opt(&mut ctx, "msp");
    out.replied_by = f.text_opt(&mut ctx, "replied_by");
    let replied_pos = f.get("replied_on").map(|n| n.pos);
    out.replied_on = date(f.get("replied_on"), &mut ctx, "replied_on");
    let made_on = date(f.get("made_on"), &mut ctx, "made_on");
    if let (Some(replied), Some(made)) = (out.replied_on, made_on) {
        if replied < made {
            ctx.error(
                replied_pos.unwrap_or_default(),
                "reply-before-form",
                format!(
                    "`replied_on: {replied}` is before the form was made ({made}); write the date the answers were given"
                ),
            );
        }
    }
    if !out.bank_id.is_empty() && out.bank_id != bank.id {
        ctx.error(
            bank_pos,
            "wrong-bank",
            format!(
                "this reply answers the questionnaire `{}`, but the bank in use is `{}`; run with `--bank FILE` naming the bank it was made from",
                ellipsize(&out.bank_id, 40),
                bank.reference()
            ),
        );
    }
    let migration = (out.bank_id == bank.id
        && !out.bank_version.is_empty()
        && out.bank_version != bank.version)
        .then(|| bank.migration_from(&out.bank_version))
        .flatten();
    if out.bank_id == bank.id && out.bank_version != bank.version && migration.is_none() {
        ctx.error(
            bank_pos,
            "bank-version-mismatch",
            format!(
                "this reply was made from {}@{}, and the bank in use ({}) cannot map its questions; run with `--bank FILE` for version {}",
                out.bank_id,
                ellipsize(&out.bank_version, 20),
                bank.reference(),
                ellipsize(&out.bank_version, 20)
            ),
        );
    }
    let mut migrated = Migrated::default();
    if let Some(node) = f.get("answers") {
        let mut seen: HashMap<String, u64> = HashMap::new();
        match &node.value {
            Value::Map(entries) => {
                for (key, value) in entries {
                    let mut id = key.text.trim().to_string();
                    if let Some(m) = migration.filter(|_| bank.question(&id).is_none()) {
                        if let Some(instead) = m.retired_for(&id) {
                            migrated.retired.push((id.clone(), instead.to_vec()));
                            continue;
                        }
                        if let Some(new) = m.renamed_to(&id) {
                            migrated.renamed.push((id.clone(), new.to_string()));
                            id = new.to_string();
                        }
                    }
                    let Some(q) = bank.question(&id) else {
                        ctx.error(
                            key.pos,
                            "unknown-question",
                            format!(
                                "there is no question `{}` in {}; the id must stay as the form gave it",
                                ellipsize(&key.text, 30),
                                bank.reference()
                            ),
                        );
                        continue;
                    };
                    if let Some(first) = seen.insert(id.clone(), key.pos.line) {
                        ctx.error(
                            key.pos,
                            "duplicate-question",
                            format!("{id} is answered twice (first at line {first}); keep one"),
                        );
                        continue;
                    }
                    if let Some(a) = row(
                        q,
                        key.pos,
                        value,
                        &mut ctx,
                        migration.map(|m| (m, &mut migrated)),
                    ) {
                        out.answers.push(a);
                    }
                }
            }
            Value::Null => {}
            other => ctx.error(
                node.pos,
                "wrong-type",
                format!(
                    "`answers` should be a map of question ids, but is {}",
                    other.kind_name()
                ),
            ),
        }
    }
    f.finish(&mut ctx, &[FORM_FIELDS, &["answers"]].concat());
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

/// One answered row; `None` when the MSP left it blank.
fn row(
    q: &Question,
    pos: Pos,
    node: &Node,
    ctx: &mut Ctx,
    migration: Option<(&crate::bank::Migration, &mut Migrated)>,
) -> Option<ReplyAnswer> {
    let mut f = match &node.value {
        Value::Null => return None,
        Value::Map(_) => node.fields(ctx, &format!("the reply to {}", q.id))?,
        // `BCK-01: yes`, the short form.
        _ => {
            let answer = answer(q, node, ctx, migration)?;
            return Some(ReplyAnswer {
                question: q.id.clone(),
                answer,
                comment: None,
                evidence: None,
                evidence_date: None,
                answered_by: None,
                pos,
            });
        }
    };
    let answer = f.get("answer").and_then(|n| answer(q, n, ctx, migration));
    let comment = f.text_opt(ctx, "comment");
    let evidence = f.text_opt(ctx, "evidence");
    let evidence_date = date(f.get("evidence_date"), ctx, "evidence_date");
    let answered_by = f.text_opt(ctx, "answered_by");
    f.finish(ctx, ROW_KEYS);
    Some(ReplyAnswer {
        question: q.id.clone(),
        answer: answer?,
        comment,
        evidence,
        evidence_date,
        answered_by,
        pos,
    })
}

/// The MSP's answer: an answer id, the label the MSP's dropdown shows, or the owner's label.
fn answer(
    q: &Question,
    node: &Node,
    ctx: &mut Ctx,
    migration: Option<(&crate::bank::Migration, &mut Migrated)>,
) -> Option<Answer> {
    let options = crate::render::reply::msp_options(q);
    let written = match &node.value {
        Value::Null => return None,
        Value::Str(s) if s.trim().is_empty() => return None,
        Value::Str(s) => s.trim().to_string(),
        Value::Bool(b) if yes_no_of_bool(q, *b).is_some() => return yes_no_of_bool(q, *b),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.clone(),
        other => other.kind_name().to_string(),
    };
    let word = match migration {
        Some((m, log)) => carried_option(q, written.to_lowercase(), m, log),
        None => written.to_lowercase(),
    };
    let found = q
        .parse_answer(&word)
        .or_else(|| {
            options
                .iter()
                .find(|(_, label)| label.eq_ignore_ascii_case(&written))
                .map(|(a, _)| a.clone())
        })
        .or_else(|| q.answer_by_label(&written));
    if found.is_none() {
        let labels: Vec<&str> = options.iter().map(|(_, l)| l.as_str()).collect();
        ctx.error(
            node.pos,
            "invalid-answer",
            format!(
                "`{}` is not an answer to {}; choose one of: {}",
                ellipsize(&written, 40),
                q.id,
                labels.join(" | ")
            ),
        );
    }
    found
}

fn date(node: Option<&Node>, ctx: &mut Ctx, name: &str) -> Option<NaiveDate> {
    crate::answers::date_value(node, ctx, name)
}
