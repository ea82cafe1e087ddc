//! `--format html`: one self-contained page (no external requests, no JavaScript) that
//! prints as a client document. It lays out the outline of `outline.rs`: page 1 is the
//! summary (the headline, the rating, the MSP's tier, the open findings) and the action
//! plan; page 2 starts with the questions for the MSP, to send first; the findings follow as
//! cards grouped by risk level, then who is responsible for what (a coloured grid), the
//! domain scores (a bar chart), the tier, and the references as numbered endnotes.
//!
//! The print stylesheet uses CSS paged media: `@page` margins with the organisation and the
//! page number in the footer, one forced break (before page 2), cards never split. Every
//! text is HTML-escaped; the organisation in the footer is escaped as a CSS string.

use std::fmt::Write;

use super::outline::{self, Endnote, FindingItem, Part};
use super::{document_date, RenderError, Renderer};
use crate::bank::{Owner, Severity};
use crate::report::{AcceptanceStatus, Report, Responsibility, ResponsibilityStatus};
use crate::sanitize::{html as h, terminal_line};

/// Renders a report as a web page.
pub struct HtmlRenderer;

const STYLE: &str = r#"
:root { --crit: #b3261e; --high: #d9480f; --med: #8f6f00; --low: #1c6ec6; --ok: #2b8a3e; --ink: #1f2328; --muted: #57606a; --line: #d0d7de; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font: 15px/1.45 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif; color: var(--ink); margin: 0 auto; max-width: 1000px; padding: 24px; }
h1 { font-size: 1.7em; margin: 0 0 2px; } h2 { font-size: 1.3em; border-bottom: 1px solid var(--line); padding-bottom: 3px; margin: 1.4em 0 0.5em; }
h3 { font-size: 1.05em; margin: 1em 0 0.4em; }
p { margin: 0.4em 0; }
.meta, .muted { color: var(--muted); } .small { font-size: 0.85em; }
.headline { font-size: 1.3em; font-weight: 700; margin: 12px 0 6px; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; margin: 10px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; }
.card .label { color: var(--muted); font-size: 0.85em; }
.card .big { font-size: 1.9em; font-weight: 700; line-height: 1.2; }
.card .mid { font-size: 1.1em; font-weight: 700; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { border: 1px solid var(--line); padding: 4px 7px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.num { text-align: right; white-space: nowrap; } td.id { white-space: nowrap; } td.who { white-space: nowrap; }
.risk { font-weight: 700; white-space: nowrap; text-transform: uppercase; font-size: 0.85em; }
.critical { color: var(--crit); } .high { color: var(--high); } .medium { color: var(--med); } .low { color: var(--low); }
table.plan td.action .prio { display: block; color: var(--muted); font-size: 0.85em; }
.command { font: 0.95em ui-monospace, "DejaVu Sans Mono", monospace; background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; margin: 6px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
ol.questions { padding-left: 2.2em; margin: 6px 0; } ol.questions li { margin: 0.25em 0; break-inside: avoid; }
.finding { border-left: 4px solid var(--line); padding: 1px 0 1px 8px; margin: 0 0 7px; break-inside: avoid; }
.finding.critical { border-left-color: var(--crit); } .finding.high { border-left-color: var(--high); } .finding.medium { border-left-color: var(--med); } .finding.low { border-left-color: var(--low); }
.finding, .finding p { color: var(--ink); }
.finding .head { display: flex; gap: 10px; align-items: baseline; }
.finding .head .title { flex: 1; font-weight: 700; }
.finding .head .rank, .finding .head .id { color: var(--muted); white-space: nowrap; font-size: 0.9em; }
.finding .head .who { white-space: nowrap; font-size: 0.9em; font-weight: 600; }
.finding .head .answer { white-space: nowrap; font-size: 0.85em; color: var(--muted); }
table.brief td { padding: 1px 5px; }
.finding .fix { margin: 2px 0 0; }
.finding .note { color: var(--muted); font-size: 0.9em; margin: 2px 0 0; }
.tag { font-size: 0.8em; border: 1px solid var(--muted); border-radius: 4px; padding: 0 4px; color: var(--muted); font-weight: 400; }
sup.cite { font-size: 0.7em; color: var(--muted); } sup.cite a { color: inherit; text-decoration: none; }
.grid td.pick { font-weight: 700; text-align: center; }
.grid td.good { background: #d3f9d8; } .grid td.warn { background: #fff3bf; } .grid td.bad { background: #ffc9c9; }
.grid td.none { color: #b0b0b0; text-align: center; }
.grid { break-inside: avoid; }
ol.endnotes { padding-left: 2em; font-size: 0.85em; } ol.endnotes li { margin: 0 0 0.4em; break-inside: avoid; }
ol.endnotes .url { overflow-wrap: anywhere; color: var(--muted); }
svg text { font: 12px -apple-system, "Segoe UI", Roboto, Arial, "Liberation Sans", sans-serif; fill: var(--ink); }
table.bars td { border: 0; padding: 1px 6px 1px 0; vertical-align: middle; }
table.bars td.bar { background: #eef0f2; padding: 0; } table.bars td.bar div { height: 0.9em; }
figure { margin: 6px 0; } figure svg { max-width: 100%; height: auto; }
footer { margin-top: 24px; font-size: 0.8em; color: var(--muted); }
@media screen and (max-width: 700px) { .cards { grid-template-columns: 1fr 1fr; } }
@page { margin: 10mm 11mm 13mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 9pt; line-height: 1.3; }
  h2 { margin-top: 1em; }
  .page-one { break-after: page; }
  #findings, #responsibility, #domains, #tier, #accepted, #unanswered, #notes, #references, body > footer { font-size: 8.5pt; }
  .finding { margin-bottom: 4px; }
  ol.endnotes { font-size: 0.8em; }
  body > footer { margin-top: 8px; }
  h2, h3 { break-after: avoid; }
  tr, .card, .finding, figure, li { break-inside: avoid; }
  ol.endnotes { columns: 2; column-gap: 18px; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// The organisation as a CSS string literal, for the page footer: every character but ASCII
/// letters, digits and spaces written as a CSS escape (`\3c ` for `<`), so nothing in it can
/// end the string, the rule or the `<style>` element.
fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in terminal_line(text).chars() {
        if c.is_ascii_alphanumeric() || c == ' ' {
            out.push(c);
        } else {
            let _ = write!(out, "\\{:x} ", u32::from(c));
        }
    }
    out.push('"');
    out
}

/// The footer of every printed page: the organisation and "page 2 of 7".
fn page_style(org: &str) -> String {
    format!(
        "@page {{ @bottom-center {{ content: {} \" \\b7  page \" counter(page) \" of \" counter(pages); font: 8pt Arial, \"Liberation Sans\", sans-serif; color: #57606a; }} }}",
        css_string(org)
    )
}

fn risk_class(level: Severity) -> &'static str {
    level.id()
}

fn score_color(score: u32) -> &'static str {
    match score {
        85.. => "#2b8a3e",
        70..=84 => "#1c6ec6",
        50..=69 => "#8f6f00",
        _ => "#b3261e",
    }
}

fn level_color(level: Severity) -> &'static str {
    match level {
        Severity::Critical => "#b3261e",
        Severity::High => "#d9480f",
        Severity::Medium => "#8f6f00",
        Severity::Low => "#1c6ec6",
    }
}

/// A horizontal bar chart: one row per (label, value, colour), values out of `max`.
fn bar_chart(
    title: &str,
    rows: &[(String, Option<u32>, &str)],
    max: u32,
    label_w: usize,
    bar_w: usize,
) -> String {
    let row_h = 17;
    let height = rows.len() * row_h + 4;
    let width = label_w + bar_w + 90;
    let mut svg = format!(
        r#"<figure><svg role="img" aria-label="{}" width="{width}" height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">"#,
        h(title),
    );
    for (i, (label, value, color)) in rows.iter().enumerate() {
        let y = i * row_h + 2;
        let _ = write!(svg, r#"<text x="0" y="{}">{}</text>"#, y + 12, h(label));
        let _ = write!(
            svg,
            r##"<rect x="{label_w}" y="{y}" width="{bar_w}" height="13" fill="#eef0f2"/>"##
        );
        let text = match value {
            Some(v) => {
                let w = if max == 0 {
                    0
                } else {
                    (*v as usize * bar_w) / max as usize
                };
                let _ = write!(
                    svg,
                    r#"<rect x="{label_w}" y="{y}" width="{w}" height="13" fill="{color}"/>"#
                );
                v.to_string()
            }
            None => "not assessed".to_string(),
        };
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}">{text}</text>"#,
            label_w + bar_w + 6,
            y + 12
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

/// Scores out of 100 as a table of bars (label, bar, value), so that a long list can break
/// across printed pages between rows.
fn bar_table(rows: &[(String, Option<u32>, &str)]) -> String {
    let mut t = String::from(
        r#"<table class="bars"><colgroup><col style="width:46%"><col style="width:40%"><col style="width:14%"></colgroup><tbody>"#,
    );
    for (label, value, color) in rows {
        let (bar, text) = match value {
            Some(v) => (
                format!(
                    r#"<div style="width:{}%;background:{color}"></div>"#,
                    (*v).min(100)
                ),
                v.to_string(),
            ),
            None => (String::new(), "not assessed".to_string()),
        };
        let _ = write!(
            t,
            r#"<tr><td>{}</td><td class="bar">{bar}</td><td>{text}</td></tr>"#,
            h(label)
        );
    }
    t.push_str("</tbody></table>");
    t
}

impl Renderer for HtmlRenderer {
    fn render(&self, r: &Report) -> Result<String, RenderError> {
        let org = outline::organization(r);
        let title = outline::title(r);
        let mut o = String::new();
        let _ = write!(
            o,
            r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{}</title>
<style>{STYLE}{}
</style>
</head>
<body>
"#,
            h(&title),
            page_style(org),
        );
        let mut page_one_open = false;
        for part in outline::parts(r) {
            match part {
                Part::Summary(s) => {
                    page_one_open = true;
                    let _ = write!(
                        o,
                        r#"<section id="summary" class="page-one">
<header>
<h1>{}</h1>
<p class="meta">Assessed {}{} &middot; answers: {} &middot; questionnaire: {} ({}@{}) &middot; evaluated on {}</p>
</header>
<p class="headline">{}</p>
"#,
                        h(&title),
                        h(document_date(r)),
                        r.assessed_by
                            .as_deref()
                            .map_or(String::new(), |b| format!(" by {}", h(b))),
                        h(super::file_name(r)),
                        h(&r.bank.title),
                        h(&r.bank.id),
                        h(&r.bank.version),
                        h(&r.evaluated_on),
                        h(&s.headline),
                    );
                    let score = r.overall.score.map_or("–".to_string(), |s| s.to_string());
                    let color = r.overall.score.map_or("#57606a", score_color);
                    let range = match (r.overall.score, r.overall.best_case) {
                        (Some(s), Some(b)) if r.overall.to_verify > 0 => format!(
                            r#"<div class="muted small">could be {s} to {} once {} verified</div>"#,
                            b.max(s),
                            if r.overall.to_verify == 1 {
                                "1 answer is".to_string()
                            } else {
                                format!("{} answers are", r.overall.to_verify)
                            }
                        ),
                        _ => r#"<div class="muted small">confirmed</div>"#.to_string(),
                    };
                    let open = &r.counts.open_by_risk;
                    let levels: Vec<(String, Option<u32>, &str)> = Severity::ALL
                        .iter()
                        .rev()
                        .map(|l| (l.label().to_string(), Some(open.get(*l)), level_color(*l)))
                        .collect();
                    let most = levels.iter().filter_map(|l| l.1).max().unwrap_or(0).max(1);
                    let _ = write!(
                        o,
                        r#"<div class="cards">
<div class="card"><div class="label">Score</div><div class="big" style="color:{color}">{score}<span class="muted" style="font-size:0.5em">/100</span></div>{range}</div>
<div class="card"><div class="label">Rating</div><div class="big" style="color:{color}">{}</div><div class="muted small">{}</div></div>
<div class="card"><div class="label">MSP capability tier</div><div class="mid">{}</div><div class="muted small">{}</div></div>
<div class="card"><div class="label">Open findings by risk level</div>{}</div>
</div>
"#,
                        h(&s.rating),
                        h(&super::rating_scale()),
                        h(&s.tier),
                        h(&match super::tier_hint(r) {
                            Some(hint) => format!("{hint}; {}", s.tier_note),
                            None => s.tier_note.to_string(),
                        }),
                        bar_chart("Open findings by risk level", &levels, most, 62, 90),
                    );
                    let _ = write!(
                        o,
                        r#"<p class="muted small">{} Answers: {}. Accepted risks: {}.</p>"#,
                        s.explanation.as_deref().map(h).unwrap_or_default(),
                        h(&s.answers),
                        h(&s.accepted),
                    );
                }
                Part::Plan(p) => {
                    let _ = write!(o, "<h2>{}</h2>", h(p.title));
                    if p.rows.is_empty() {
                        let _ = write!(o, "<p>{}</p>", h(&p.empty));
                    } else {
                        o.push_str(r#"<table class="plan"><colgroup><col style="width:4%"><col style="width:60%"><col style="width:18%"><col style="width:9%"><col style="width:9%"></colgroup><thead><tr>"#);
                        for c in outline::PLAN_COLUMNS {
                            let _ = write!(o, "<th>{}</th>", h(c));
                        }
                        o.push_str("</tr></thead><tbody>");
                        for a in &p.rows {
                            let _ = write!(
                                o,
                                r#"<tr><td class="num">{}</td><td class="action">{}<span class="prio">{}</span></td><td>{}</td><td class="risk {}">{}</td><td class="num">{}</td></tr>"#,
                                a.rank,
                                h(&a.action),
                                h(&a.detail()),
                                h(a.who),
                                risk_class(a.risk),
                                a.risk.id(),
                                h(&a.gain),
                            );
                        }
                        o.push_str("</tbody></table>");
                        let _ = write!(
                            o,
                            r#"<p class="muted small">{}</p>"#,
                            h(outline::WHO_ACTS_LEGEND)
                        );
                    }
                    if page_one_open {
                        o.push_str("</section>\n");
                        page_one_open = false;
                    }
                }
                Part::Questions(q) => {
                    let _ = write!(
                        o,
                        r#"<section id="questions"><h2>{}</h2><p>{}</p><p>{}</p><pre class="command">{}</pre><p class="muted">{}</p><ol class="questions">"#,
                        h(&q.title),
                        h(&q.intro),
                        h(q.send),
                        h(&q.command),
                        h(q.after),
                    );
                    for (id, text) in &q.items {
                        let _ = write!(o, "<li><strong>{}</strong>: {}</li>", h(id), h(text));
                    }
                    o.push_str("</ol></section>\n");
                }
                Part::Findings(f) => {
                    let _ = write!(
                        o,
                        r#"<section id="findings"><h2>{}</h2>"#,
                        outline::FINDINGS_TITLE
                    );
                    if f.groups.is_empty() {
                        let _ = write!(o, "<p>{}</p>", h(f.empty));
                    }
                    let mut brief_said = false;
                    for g in &f.groups {
                        if g.brief && !brief_said {
                            brief_said = true;
                            let _ = write!(
                                o,
                                r#"<p class="muted small">{}</p>"#,
                                h(outline::BRIEF_NOTE)
                            );
                        }
                        let _ = write!(
                            o,
                            r#"<h3 class="{}">{}</h3>"#,
                            risk_class(g.level),
                            h(&g.title)
                        );
                        if g.brief {
                            brief_table(&mut o, &g.items);
                        } else {
                            for item in &g.items {
                                finding_card(&mut o, g.level, item);
                            }
                        }
                    }
                    o.push_str("</section>\n");
                }
                Part::Responsibility(rows) => responsibility_grid(&mut o, rows),
                Part::Domains => {
                    let rows: Vec<(String, Option<u32>, &str)> = r
                        .domains
                        .iter()
                        .map(|d| {
                            (
                                format!("{} {}", d.id, d.title),
                                d.score.score,
                                d.score.score.map_or("#57606a", score_color),
                            )
                        })
                        .collect();
                    let _ = writeln!(
                        o,
                        "<section id=\"domains\"><h2>{}</h2><p class=\"muted\">{}</p>{}</section>",
                        outline::DOMAINS_TITLE,
                        outline::DOMAINS_INTRO,
                        bar_table(&rows)
                    );
                }
                Part::Tier(t) => {
                    let _ = write!(o, r#"<section id="tier"><h2>{}</h2><ul>"#, h(&t.title));
                    for reason in t.reasons {
                        let _ = write!(o, "<li>{}</li>", h(reason));
                    }
                    o.push_str("</ul></section>\n");
                }
                Part::Accepted(findings) => {
                    let _ = write!(
                        o,
                        r#"<section id="accepted"><h2>{}</h2><table><thead><tr><th>ID</th><th>Status</th><th>Justification</th><th>Approved by</th><th>Expires</th></tr></thead><tbody>"#,
                        outline::ACCEPTED_TITLE
                    );
                    for f in findings {
                        let Some(a) = &f.acceptance else { continue };
                        let status = match a.status {
                            AcceptanceStatus::Accepted => "accepted",
                            AcceptanceStatus::Expired => "<strong>expired</strong>",
                        };
                        let _ = write!(
                            o,
                            r#"<tr><td class="id">{}</td><td>{status}</td><td>{}</td><td>{}</td><td class="id">{}</td></tr>"#,
                            h(&f.question),
                            h(&a.justification),
                            a.approved_by.as_deref().map_or("–".into(), h),
                            a.expires.as_deref().map_or("–".into(), h)
                        );
                    }
                    o.push_str("</tbody></table></section>\n");
                }
                Part::Unanswered => {
                    let _ = write!(
                        o,
                        r#"<section id="unanswered"><h2>{} ({})</h2><ul>"#,
                        outline::UNANSWERED_TITLE,
                        r.unanswered.len()
                    );
                    for u in &r.unanswered {
                        let _ = write!(
                            o,
                            "<li><strong>{}</strong>: {}</li>",
                            h(&u.question),
                            h(&u.text)
                        );
                    }
                    o.push_str("</ul></section>\n");
                }
                Part::Notes => {
                    let _ = write!(
                        o,
                        r#"<section id="notes"><h2>{}</h2>"#,
                        outline::NOTES_TITLE
                    );
                    for n in &r.notes {
                        let _ = write!(o, r#"<p class="muted">{}</p>"#, h(n));
                    }
                    o.push_str("</section>\n");
                }
                Part::Endnotes(notes) => endnotes(&mut o, &notes),
            }
        }
        let _ = write!(
            o,
            "<footer>Made with msp-risk {}. {}</footer>\n</body>\n</html>\n",
            env!("CARGO_PKG_VERSION"),
            outline::DISCLAIMER
        );
        Ok(o)
    }
}

/// One finding as a card: rank, id, what is wrong, the answer and who acts; then what to
/// do with its endnote marks, or, for a question for the MSP, to ask it first; then the
/// owner's note.
fn finding_card(o: &mut String, level: Severity, f: &FindingItem<'_>) {
    let tag = f.acceptance.map_or(String::new(), |a| {
        format!(r#" <span class="tag">{a}</span>"#)
    });
    let _ = write!(
        o,
        r#"<div class="finding {}"><div class="head"><span class="rank">{}.</span><span class="id">{}</span><span class="title">{}{tag}</span><span class="answer">{}: {}</span><span class="who">{}</span></div>"#,
        risk_class(level),
        f.rank,
        h(f.id),
        h(&f.title),
        outline::ANSWER_LABEL,
        h(f.answer),
        h(f.who),
    );
    match f.question {
        Some(n) => {
            let _ = write!(
                o,
                r#"<p class="fix">{}.{}</p>"#,
                h(&outline::ask_first(n, f.id)),
                cites(f)
            );
        }
        None => {
            let _ = write!(
                o,
                r#"<p class="fix">{}{}</p>"#,
                h(f.recommendation),
                cites(f)
            );
        }
    }
    if let Some(note) = &f.note {
        let _ = write!(o, r#"<p class="note">Note: {}</p>"#, h(note));
    }
    o.push_str("</div>");
}

/// A finding's endnote marks: `[1,5]` as superscript links.
fn cites(f: &FindingItem<'_>) -> String {
    if f.cites.is_empty() {
        return String::new();
    }
    let marks: Vec<String> = f
        .cites
        .iter()
        .map(|n| format!(r##"<a href="#ref-{n}">{n}</a>"##))
        .collect();
    format!(r#"<sup class="cite">[{}]</sup>"#, marks.join(","))
}

/// Findings listed in brief: a row each with rank, id, what is wrong (with the endnote
/// marks and the note) and who acts. (A question for the MSP says "Not verified" in its
/// title: the questions are listed on page 2.)
fn brief_table(o: &mut String, items: &[FindingItem<'_>]) {
    o.push_str(r#"<table class="brief"><colgroup><col style="width:5%"><col style="width:8%"><col style="width:69%"><col style="width:18%"></colgroup><tbody>"#);
    for f in items {
        let mut finding = h(&f.title);
        if let Some(a) = f.acceptance {
            let _ = write!(finding, r#" <span class="tag">{a}</span>"#);
        }
        finding.push_str(&cites(f));
        if let Some(note) = &f.note {
            let _ = write!(finding, r#" <span class="muted">Note: {}</span>"#, h(note));
        }
        let _ = write!(
            o,
            r#"<tr><td class="num">{}.</td><td class="id">{}</td><td>{finding}</td><td class="who">{}</td></tr>"#,
            f.rank,
            h(f.id),
            h(f.who),
        );
    }
    o.push_str("</tbody></table>");
}

fn responsibility_grid(o: &mut String, rows: &[Responsibility]) {
    let _ = write!(
        o,
        r#"<section id="responsibility"><h2>{}</h2><table class="grid"><thead><tr><th>Area</th>"#,
        outline::RESPONSIBILITY_TITLE
    );
    let columns: Vec<(&str, &str)> = Owner::ALL
        .iter()
        .map(|w| (w.id(), w.label()))
        .chain([("unknown", "I don't know")])
        .collect();
    for (_, label) in &columns {
        let _ = write!(o, "<th>{}</th>", h(label));
    }
    o.push_str("<th>In the contract?</th><th>Status</th></tr></thead><tbody>");
    for resp in rows {
        let class = match resp.status {
            ResponsibilityStatus::Covered => "good",
            ResponsibilityStatus::NotConfirmed
            | ResponsibilityStatus::PartlyConfirmed
            | ResponsibilityStatus::ToVerify => "warn",
            ResponsibilityStatus::Nobody | ResponsibilityStatus::Unknown => "bad",
            ResponsibilityStatus::Unanswered => "none",
        };
        let _ = write!(o, "<tr><td>{}</td>", h(&resp.area));
        for (id, _) in &columns {
            if resp.owner.as_deref() == Some(*id) {
                let _ = write!(o, r#"<td class="pick {class}">&#10003;</td>"#);
            } else {
                o.push_str(r#"<td class="none">&middot;</td>"#);
            }
        }
        let _ = write!(
            o,
            r#"<td>{}</td><td class="{class}">{}</td></tr>"#,
            h(resp.contract_cell()),
            resp.status.label()
        );
    }
    o.push_str("</tbody></table></section>\n");
}

/// The references as numbered endnotes: each document with its publisher, date and address.
/// (Which sections each finding cites is in the Markdown, CSV and JSON reports: on paper it
/// would take pages.)
fn endnotes(o: &mut String, notes: &[Endnote<'_>]) {
    let _ = write!(
        o,
        r#"<section id="references"><h2>{}</h2><ol class="endnotes">"#,
        outline::ENDNOTES_TITLE,
    );
    for n in notes {
        let url = n.source.url.as_deref().map_or(String::new(), |u| {
            format!(r#" <span class="url">{}</span>"#, h(u))
        });
        let _ = write!(
            o,
            r#"<li id="ref-{}">{}{url}</li>"#,
            n.number,
            h(&outline::source_line(n.source)),
        );
    }
    o.push_str("</ol></section>\n");
}

#[cfg(test)]
mod tests {
    use super::css_string;

    #[test]
    fn css_strings_cannot_end_the_string_the_rule_or_the_style() {
        assert_eq!(css_string("Acme Co"), "\"Acme Co\"");
        let s = css_string("a\"b\\c</style>}\n{");
        assert!(
            !s[1..s.len() - 1].contains(['"', '<', '>', '}', '{', '\n']),
            "{s}"
        );
        assert!(s.contains("\\3c "));
    }
}
