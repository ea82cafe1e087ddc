//! Reading a bank file into the model, field by field, collecting every problem.

use std::collections::HashMap;

use super::validate::{self, Spans};
use super::*;
use crate::diagnostic::LoadError;
use crate::tree::{Ctx, Fields, Node};

const BANK_KEYS: &[&str] = &[
    "id",
    "version",
    "title",
    "description",
    "sources",
    "actions",
    "domains",
    "migrations",
];
const MIGRATION_KEYS: &[&str] = &["from", "renamed", "retired", "options"];
const ACTION_KEYS: &[&str] = &["id", "title", "owner", "why"];
const SOURCE_KEYS: &[&str] = &["id", "title", "publisher", "published", "url"];
const DOMAIN_KEYS: &[&str] = &[
    "id",
    "title",
    "description",
    "weight",
    "weight_reason",
    "questions",
];
const QUESTION_KEYS: &[&str] = &[
    "id",
    "kind",
    "text",
    "why",
    "how_to_find_out",
    "answered_by",
    "finding",
    "severity",
    "severity_reason",
    "priority",
    "action",
    "consequences",
    "recommendation",
    "who_acts",
    "references",
    "allow_na",
    "when",
    "area",
    "confirmed_by",
    "options",
    "msp_indicator",
    "msp_question",
    "evidence_to_request",
];
const REFERENCE_KEYS: &[&str] = &["source", "section", "evidence", "digest"];
const CONDITION_KEYS: &[&str] = &["question", "answer_in"];
const OPTION_KEYS: &[&str] = &["id", "label", "gap"];

/// Reads a whole bank; fails with every problem found.
pub(super) fn bank(root: &Node, file: &str) -> Result<Bank, LoadError> {
    let mut ctx = Ctx::new(file);
    let mut spans = Spans::default();
    let mut bank = Bank {
        id: String::new(),
        version: String::new(),
        title: String::new(),
        description: String::new(),
        sources: Vec::new(),
        actions: Vec::new(),
        domains: Vec::new(),
        questions: Vec::new(),
        migrations: Vec::new(),
        index: HashMap::new(),
    };
    if let Some(mut f) = root.fields(&mut ctx, "the bank") {
        bank.id = f.text(&mut ctx, "id").unwrap_or_default();
        spans.bank_id = f.pos;
        bank.version = f.text(&mut ctx, "version").unwrap_or_default();
        bank.title = f.text(&mut ctx, "title").unwrap_or_default();
        bank.description = f.text_opt(&mut ctx, "description").unwrap_or_default();
        if let Some(list) = f
            .require(&mut ctx, "sources")
            .and_then(|n| n.list(&mut ctx, "`sources`"))
        {
            for node in list {
                if let Some(s) = source(node, &mut ctx) {
                    spans.sources.push(node.pos);
                    bank.sources.push(s);
                }
            }
        }
        if let Some(list) = f.get("actions").and_then(|n| n.list(&mut ctx, "`actions`")) {
            for node in list {
                if let Some(a) = action(node, &mut ctx) {
                    spans.actions.push(node.pos);
                    bank.actions.push(a);
                }
            }
        }
        if let Some(list) = f
            .require(&mut ctx, "domains")
            .and_then(|n| n.list(&mut ctx, "`domains`"))
        {
            for node in list {
                domain(node, &mut ctx, &mut bank, &mut spans);
            }
        }
        if let Some(list) = f
            .get("migrations")
            .and_then(|n| n.list(&mut ctx, "`migrations`"))
        {
            for node in list {
                if let Some(m) = migration(node, &mut ctx) {
                    spans.migrations.push(node.pos);
                    bank.migrations.push(m);
                }
            }
        }
        f.finish(&mut ctx, BANK_KEYS);
    }
    validate::check(&mut bank, &spans, &mut ctx);
    let diagnostics = ctx.into_sorted();
    if diagnostics.is_empty() {
        Ok(bank)
    } else {
        Err(LoadError::Invalid { diagnostics })
    }
}

fn source(node: &Node, ctx: &mut Ctx) -> Option<Source> {
    let mut f = node.fields(ctx, "a source")?;
    let id = f.text(ctx, "id").unwrap_or_default();
    let what = format!("source {id}");
    let mut f = f.renamed(&what);
    let s = Source {
        title: f.text(ctx, "title").unwrap_or_default(),
        publisher: f.text_opt(ctx, "publisher"),
        published: f.text_opt(ctx, "published"),
        url: f.text_opt(ctx, "url"),
        id,
    };
    f.finish(ctx, SOURCE_KEYS);
    Some(s)
}

fn action(node: &Node, ctx: &mut Ctx) -> Option<Action> {
    let mut f = node.fields(ctx, "an action")?;
    let id = f.text(ctx, "id").unwrap_or_default();
    let what = format!("action {id}");
    let mut f = f.renamed(&what);
    let a = Action {
        title: f.text(ctx, "title").unwrap_or_default().into(),
        owner: vocab_field(&mut f, ctx, "owner", WhoActs::parse_compat, WhoActs::ids)
            .unwrap_or(WhoActs::You),
        why: f.text_opt(ctx, "why").unwrap_or_default().into(),
        id,
    };
    f.finish(ctx, ACTION_KEYS);
    Some(a)
}

/// The weight a domain gets when the bank does not give one.
pub const DEFAULT_DOMAIN_WEIGHT: u32 = 5;

fn domain(node: &Node, ctx: &mut Ctx, bank: &mut Bank, spans: &mut Spans) {
    let Some(mut f) = node.fields(ctx, "a domain") else {
        return;
    };
    let id = f.text(ctx, "id").unwrap_or_default();
    let mut f = f.renamed(&format!("domain {id}"));
    let domain_index = bank.domains.len();
    let mut d = Domain {
        title: f.text(ctx, "title").unwrap_or_default().into(),
        description: f.text_opt(ctx, "description").unwrap_or_default(),
        weight: DEFAULT_DOMAIN_WEIGHT,
        weight_reason: f.text_opt(ctx, "weight_reason"),
        questions: Vec::new(),
        id,
    };
    if let Some(n) = f.get("weight") {
        match n
            .text_opt(ctx, "`weight`")
            .and_then(|w| w.parse::<u32>().ok())
        {
            Some(w) if (1..=100).contains(&w) => d.weight = w,
            _ => ctx.error(
                n.pos,
                "unknown-value",
                format!(
                    "`weight` of domain {} must be a whole number from 1 to 100",
                    d.id
                ),
            ),
        }
    }
    spans.domains.push(node.pos);
    let what = format!("`questions` of domain {}", d.id);
    if let Some(list) = f.require(ctx, "questions").and_then(|n| n.list(ctx, &what)) {
        for qnode in list {
            if let Some((q, qspans)) = question(qnode, ctx, domain_index) {
                d.questions.push(bank.questions.len());
                bank.questions.push(q);
                spans.questions.push(qspans);
            }
        }
    }
    f.finish(ctx, DOMAIN_KEYS);
    bank.domains.push(d);
}

fn question(
    node: &Node,
    ctx: &mut Ctx,
    domain: usize,
) -> Option<(Question, validate::QuestionSpans)> {
    let mut f = node.fields(ctx, "a question")?;
    let id_node = f.get("id");
    let id = f.text(ctx, "id").unwrap_or_default();
    let what = if id.is_empty() {
        "a question".to_string()
    } else {
        format!("question {id}")
    };
    let mut f = f.renamed(&what);
    let mut spans = validate::QuestionSpans {
        id: id_node.map_or(node.pos, |n| n.pos),
        ..Default::default()
    };

    let kind = vocab_field(&mut f, ctx, "kind", Kind::parse, Kind::ids).unwrap_or(Kind::YesNo);
    let severity = vocab_field(&mut f, ctx, "severity", Severity::parse, Severity::ids)
        .unwrap_or(Severity::Low);
    let who_acts = vocab_field(&mut f, ctx, "who_acts", WhoActs::parse_compat, WhoActs::ids)
        .unwrap_or(WhoActs::You);
    let answered_by = if f.get("answered_by").is_some() {
        vocab_field(
            &mut f,
            ctx,
            "answered_by",
            AnsweredBy::parse,
            AnsweredBy::ids,
        )
        .unwrap_or(AnsweredBy::Owner)
    } else {
        AnsweredBy::Owner
    };
    let priority = if f.get("priority").is_some() {
        vocab_field(&mut f, ctx, "priority", Priority::parse, Priority::ids)
            .unwrap_or(Priority::Hygiene)
    } else {
        Priority::Hygiene
    };
    let action_id = f.get("action").and_then(|n| {
        spans.action = n.pos;
        n.text_opt(ctx, &format!("`action` of {what}"))
    });

    let mut consequences = Vec::new();
    if let Some(n) = f.require(ctx, "consequences") {
        if let Some(items) = n.list(ctx, &format!("`consequences` of {what}")) {
            for item in items {
                let Some(word) = item.text_opt(ctx, "a consequence") else {
                    continue;
                };
                match Consequence::parse(&word) {
                    Some(c) if consequences.contains(&c) => ctx.error(
                        item.pos,
                        "duplicate-value",
                        format!("`{word}` is listed twice in `consequences` of {what}"),
                    ),
                    Some(c) => consequences.push(c),
                    None => ctx.error(
                        item.pos,
                        "unknown-value",
                        format!(
                            "unknown consequence `{word}` in {what}; use one of: {}",
                            Consequence::ids()
                        ),
                    ),
                }
            }
            if items.is_empty() {
                ctx.error(
                    n.pos,
                    "missing-field",
                    format!(
                        "`consequences` of {what} is empty; list at least one of: {}",
                        Consequence::ids()
                    ),
                );
            }
        }
    }

    let mut references = Vec::new();
    if let Some(n) = f.require(ctx, "references") {
        if let Some(items) = n.list(ctx, &format!("`references` of {what}")) {
            for item in items {
                if let Some(r) = reference(item, ctx, &what) {
                    spans.references.push(item.pos);
                    references.push(r);
                }
            }
            if items.is_empty() {
                ctx.error(
                    n.pos,
                    "missing-reference",
                    format!("{what} has no reference; cite at least one source and section"),
                );
            }
        }
    }

    let allow_na = f.flag(ctx, "allow_na");
    let when = f.get("when").and_then(|n| {
        spans.when = n.pos;
        condition(n, ctx, &what)
    });
    let area = f.text_opt(ctx, "area");
    let confirmed_by = f.get("confirmed_by").and_then(|n| {
        spans.confirmed_by = n.pos;
        n.text_opt(ctx, &format!("`confirmed_by` of {what}"))
    });
    let mut options = Vec::new();
    if let Some(n) = f.get("options") {
        spans.options = n.pos;
        if let Some(items) = n.list(ctx, &format!("`options` of {what}")) {
            for item in items {
                if let Some(o) = option(item, ctx, &what) {
                    spans.option_items.push(item.pos);
                    options.push(o);
                }
            }
        }
    }
    let q = Question {
        kind,
        text: f.text(ctx, "text").unwrap_or_default().into(),
        why: f.text(ctx, "why").unwrap_or_default().into(),
        how_to_find_out: f.text_opt(ctx, "how_to_find_out").map(Into::into),
        answered_by,
        finding: f.text(ctx, "finding").unwrap_or_default().into(),
        severity,
        severity_reason: f.text_opt(ctx, "severity_reason"),
        priority,
        action: None,
        action_id,
        consequences,
        recommendation: f.text(ctx, "recommendation").unwrap_or_default().into(),
        who_acts,
        references: references.into(),
        allow_na,
        when,
        area,
        confirmed_by,
        options,
        msp_indicator: f.text_opt(ctx, "msp_indicator"),
        msp_question: f.text_opt(ctx, "msp_question"),
        evidence_to_request: f.text_opt(ctx, "evidence_to_request"),
        pos: node.pos,
        domain,
        id,
    };
    f.finish(ctx, QUESTION_KEYS);
    Some((q, spans))
}

fn vocab_field<T>(
    f: &mut Fields,
    ctx: &mut Ctx,
    name: &str,
    parse: fn(&str) -> Option<T>,
    ids: fn() -> String,
) -> Option<T> {
    let node = f.require(ctx, name)?;
    let word = node.text_opt(ctx, &format!("`{name}`"))?;
    let value = parse(&word);
    if value.is_none() {
        ctx.error(
            node.pos,
            "unknown-value",
            format!(
                "`{name}: {}` is not allowed; use one of: {}",
                crate::sanitize::ellipsize(&word, 40),
                ids()
            ),
        );
    }
    value
}

fn reference(node: &Node, ctx: &mut Ctx, what: &str) -> Option<Reference> {
    let mut f = node.fields(ctx, &format!("a reference of {what}"))?;
    let evidence = vocab_field(&mut f, ctx, "evidence", Evidence::parse, Evidence::ids);
    let r = Reference {
        source: f.text(ctx, "source").unwrap_or_default(),
        section: f.text(ctx, "section").unwrap_or_default(),
        evidence: evidence.unwrap_or(Evidence::C),
        digest: f.text_opt(ctx, "digest"),
    };
    f.finish(ctx, REFERENCE_KEYS);
    Some(r)
}

fn condition(node: &Node, ctx: &mut Ctx, what: &str) -> Option<Condition> {
    let mut f = node.fields(ctx, &format!("`when` of {what}"))?;
    let question = f.text(ctx, "question").unwrap_or_default();
    let mut answer_in = Vec::new();
    if let Some(n) = f.require(ctx, "answer_in") {
        if let Some(items) = n.list(ctx, &format!("`answer_in` of {what}")) {
            for item in items {
                if let Some(word) = item.text_opt(ctx, "an answer") {
                    answer_in.push(word);
                }
            }
            if items.is_empty() {
                ctx.error(
                    n.pos,
                    "unreachable-question",
                    format!("`answer_in` of {what} is empty, so it can never be asked; list the answers that open it"),
                );
            }
        }
    }
    f.finish(ctx, CONDITION_KEYS);
    Some(Condition {
        question,
        answer_in,
        parent: usize::MAX,
    })
}

fn option(node: &Node, ctx: &mut Ctx, what: &str) -> Option<ChoiceOption> {
    let mut f = node.fields(ctx, &format!("an option of {what}"))?;
    let o = ChoiceOption {
        id: f.text(ctx, "id").unwrap_or_default(),
        label: f.text(ctx, "label").unwrap_or_default(),
        gap: vocab_field(&mut f, ctx, "gap", Gap::parse, Gap::ids).unwrap_or(Gap::Full),
    };
    f.finish(ctx, OPTION_KEYS);
    Some(o)
}

/// `{from, renamed: {OLD: NEW}, retired: {OLD: "NEW NEW"}, options: {QUESTION: {OLD: NEW}}}`.
fn migration(node: &Node, ctx: &mut Ctx) -> Option<Migration> {
    let mut f = node.fields(ctx, "a migration")?;
    let mut m = Migration {
        from: f.text(ctx, "from").unwrap_or_default(),
        ..Migration::default()
    };
    let pairs = |n: &Node, ctx: &mut Ctx, what: &str| -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(entries) = n.map(ctx, what) {
            for (k, v) in entries {
                if let Some(new) = v.text_opt(ctx, what) {
                    out.push((k.text.clone(), new));
                }
            }
        }
        out
    };
    if let Some(n) = f.get("renamed") {
        m.renamed = pairs(n, ctx, "`renamed` of a migration");
    }
    // `OLD: NEW NEW` (the questions to answer instead), or `OLD:` when none does.
    if let Some(n) = f.get("retired") {
        if let Some(entries) = n.map(ctx, "`retired` of a migration") {
            for (k, v) in entries {
                let instead = v
                    .text_opt(ctx, "the questions that replace a retired one")
                    .map(|t| t.split_whitespace().map(str::to_string).collect())
                    .unwrap_or_default();
                m.retired.push((k.text.clone(), instead));
            }
        }
    }
    if let Some(n) = f.get("options") {
        if let Some(entries) = n.map(ctx, "`options` of a migration") {
            for (k, v) in entries {
                let map = pairs(v, ctx, "an option map of a migration");
                m.options.push((k.text.clone(), map));
            }
        }
    }
    f.finish(ctx, MIGRATION_KEYS);
    Some(m)
}
