//! `--format html`: one self-contained page (no external requests, no JavaScript), with
//! pictures where people would rather look than read: domain scores and findings by risk
//! level as inline SVG bar charts, and the responsibility matrix as a coloured grid.
//! It leads with the headline (score, range, rating), what to do first (the plan, as a
//! table) and the questions for the MSP; the summary, charts and findings follow.
//! A print stylesheet puts each section on its own page. Every text is HTML-escaped.

use std::fmt::Write;

use super::{document_date, open_counts, references_text, RenderError, Renderer};
use crate::bank::{Owner, Severity};
use crate::report::{AcceptanceStatus, Report, ResponsibilityStatus};
use crate::sanitize::html as h;

/// Renders a report as a web page.
pub struct HtmlRenderer;

const STYLE: &str = r#"
:root { --crit: #b3261e; --high: #d9480f; --med: #b08900; --low: #1c7ed6; --ok: #2b8a3e; --ink: #1f2328; --muted: #57606a; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 20px; border-bottom: 1px solid var(--line); padding-bottom: 4px; margin-top: 32px; }
.meta, .muted { color: var(--muted); }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; min-width: 200px; flex: 1; }
.card .big { font-size: 30px; font-weight: 700; }
.headline { font-size: 22px; font-weight: 700; margin: 16px 0 4px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { border: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.num { text-align: right; white-space: nowrap; }
td.id { white-space: nowrap; }
.risk { font-weight: 700; white-space: nowrap; }
.critical { color: var(--crit); } .high { color: var(--high); } .medium { color: var(--med); } .low { color: var(--low); }
.accepted { color: var(--muted); font-weight: 400; }
.grid td.pick { font-weight: 700; text-align: center; }
.grid td.good { background: #d3f9d8; } .grid td.warn { background: #fff3bf; } .grid td.bad { background: #ffc9c9; }
.grid td.none { color: #c0c0c0; text-align: center; }
svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
footer { margin-top: 40px; font-size: 12px; color: var(--muted); }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  section { break-before: page; } section#summary { break-before: auto; }
  tr, .card, figure { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"#;

fn risk_class(level: Severity) -> &'static str {
    level.id()
}

fn score_color(score: u32) -> &'static str {
    match score {
        85.. => "#2b8a3e",
        70..=84 => "#1c7ed6",
        50..=69 => "#b08900",
        _ => "#b3261e",
    }
}

/// A horizontal bar chart: one row per (label, value, colour), values out of `max`.
fn bar_chart(title: &str, rows: &[(String, Option<u32>, &str)], max: u32, suffix: &str) -> String {
    let label_w = 400;
    let bar_w = 360;
    let row_h = 24;
    let height = rows.len() * row_h + 8;
    let mut svg = format!(
        r#"<figure><svg role="img" aria-label="{}" width="{}" height="{height}" viewBox="0 0 {} {height}" xmlns="http://www.w3.org/2000/svg">"#,
        h(title),
        label_w + bar_w + 60,
        label_w + bar_w + 60
    );
    for (i, (label, value, color)) in rows.iter().enumerate() {
        let y = i * row_h + 4;
        let _ = write!(svg, r#"<text x="0" y="{}">{}</text>"#, y + 15, h(label));
        let _ = write!(
            svg,
            r##"<rect x="{label_w}" y="{y}" width="{bar_w}" height="18" fill="#f1f3f5"/>"##
        );
        match value {
            Some(v) => {
                let w = if max == 0 {
                    0
                } else {
                    (*v as usize * bar_w) / max as usize
                };
                let _ = write!(
                    svg,
                    r#"<rect x="{label_w}" y="{y}" width="{w}" height="18" fill="{color}"/><text x="{}" y="{}">{v}{suffix}</text>"#,
                    label_w + bar_w + 6,
                    y + 15
                );
            }
            None => {
                let _ = write!(
                    svg,
                    r#"<text x="{}" y="{}">not assessed</text>"#,
                    label_w + bar_w + 6,
                    y + 15
                );
            }
        }
    }
    svg.push_str("</svg></figure>");
    svg
}

impl Renderer for HtmlRenderer {
    fn render(&self, r: &Report) -> Result<String, RenderError> {
        let org = r
            .organization
            .as_deref()
            .unwrap_or("(organisation not named)");
        let mut o = String::new();
        let _ = write!(
            o,
            r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>MSP risk report: {}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>MSP risk report: {}</h1>
<p class="meta">Assessed {}{} &middot; answers: {} &middot; questionnaire: {} ({}@{}) &middot; evaluated on {}</p>
</header>
"#,
            h(org),
            h(org),
            h(document_date(r)),
            r.assessed_by
                .as_deref()
                .map_or(String::new(), |b| format!(" by {}", h(b))),
            h(super::file_name(r)),
            h(&r.bank.title),
            h(&r.bank.id),
            h(&r.bank.version),
            h(&r.evaluated_on),
        );

        // Headline, plan, questions for the MSP.
        o.push_str(r#"<section id="summary">"#);
        let _ = write!(o, r#"<p class="headline">{}</p>"#, h(&super::headline(r)));
        if let Some(how) = super::score_explanation(r) {
            let _ = write!(o, r#"<p class="muted">{}</p>"#, h(&how));
        }
        let _ = write!(o, "<h2>{}</h2>", super::PLAN_TITLE);
        if r.plan.is_empty() {
            let _ = write!(o, "<p>{}</p>", h(&super::empty_plan_text(r)));
        } else {
            o.push_str(r#"<table class="plan"><thead><tr><th>#</th><th>Action</th><th>Who acts</th><th>Risk</th><th>Priority</th><th>Closes</th><th>Score</th></tr></thead><tbody>"#);
            for a in &r.plan {
                let _ = write!(
                    o,
                    r#"<tr><td class="num">{}</td><td>{}</td><td>{}</td><td class="risk {}">{}</td><td>{}</td><td class="id">{}</td><td class="num">{}</td></tr>"#,
                    a.rank,
                    h(&a.title),
                    h(a.owner.label()),
                    risk_class(a.risk),
                    a.risk.id().to_uppercase(),
                    h(a.priority.label()),
                    h(&super::closes_text(a)),
                    h(&super::gain_text(a)),
                );
            }
            o.push_str("</tbody></table>");
        }
        let questions = super::verify_questions(r);
        if !questions.is_empty() {
            let _ = write!(
                o,
                "<h2>{} ({})</h2><p>{}</p><ol>",
                super::VERIFY_TITLE,
                questions.len(),
                h(&super::verify_intro(r))
            );
            for (id, text) in &questions {
                let _ = write!(o, "<li><strong>{}</strong>: {}</li>", h(id), h(text));
            }
            let pointer = h(&super::verify_pointer(super::file_name(r)))
                .replacen('`', "<code>", 1)
                .replacen('`', "</code>", 1);
            let _ = write!(o, r#"</ol><p class="muted">{pointer}</p>"#);
        }
        o.push_str("</section>\n");

        // Summary.
        let score = r.overall.score.map_or("–".to_string(), |s| s.to_string());
        let color = r.overall.score.map_or("#57606a", score_color);
        let range = match (r.overall.score, r.overall.best_case) {
            (Some(s), Some(b)) if r.overall.to_verify > 0 => format!(
                r#"<div class="muted">could be {s} to {} once {} verified</div>"#,
                b.max(s),
                if r.overall.to_verify == 1 {
                    "1 answer is".to_string()
                } else {
                    format!("{} answers are", r.overall.to_verify)
                }
            ),
            _ => String::new(),
        };
        let _ = write!(
            o,
            r#"<section id="overview"><h2>Summary</h2>
<div class="cards">
<div class="card"><div class="muted">Overall score</div><div class="big" style="color:{color}">{score}<span class="muted" style="font-size:16px">/100</span></div><div>{}</div>{range}</div>
<div class="card"><div class="muted">MSP capability tier</div><div class="big" style="font-size:20px">{}</div><div class="muted">msp-risk's rule of thumb: see why below</div></div>
<div class="card"><div class="muted">Open findings</div><div>{}</div><div class="muted">{}; {} accepted, {} expired</div></div>
</div>
"#,
            h(&super::rating_text(r)),
            &super::tier_text(r),
            h(&open_counts(r)),
            h(&super::answers_text(r)),
            r.counts.accepted,
            r.counts.expired,
        );
        let open = &r.counts.open_by_risk;
        let levels: Vec<(String, Option<u32>, &str)> = [
            (Severity::Critical, "#b3261e"),
            (Severity::High, "#d9480f"),
            (Severity::Medium, "#b08900"),
            (Severity::Low, "#1c7ed6"),
        ]
        .iter()
        .map(|(l, c)| (format!("{} risk", l.label()), Some(open.get(*l)), *c))
        .collect();
        let most = levels.iter().filter_map(|l| l.1).max().unwrap_or(0).max(1);
        o.push_str("<h3>Open findings by risk level</h3>");
        o.push_str(&bar_chart("Open findings by risk level", &levels, most, ""));
        o.push_str("</section>\n");

        // Domains.
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
        o.push_str(r#"<section id="domains"><h2>Scores by domain</h2><p class="muted">0 to 100, higher is better.</p>"#);
        o.push_str(&bar_chart("Scores by domain", &rows, 100, ""));
        o.push_str("</section>\n");

        // Findings.
        o.push_str(r#"<section id="findings"><h2>Findings, most urgent first</h2>"#);
        if r.findings.is_empty() {
            let _ = write!(o, "<p>{}</p>", super::no_findings_text(r));
        } else {
            o.push_str("<table><thead><tr><th>#</th><th>Risk</th><th>ID</th><th>Finding</th><th>Recommendation</th><th>Who acts</th><th>Answer</th><th>Reference</th></tr></thead><tbody>");
            for f in &r.findings {
                let accepted = match f.acceptance.as_ref().map(|a| a.status) {
                    Some(AcceptanceStatus::Accepted) => {
                        r#"<br><span class="accepted">accepted</span>"#
                    }
                    Some(AcceptanceStatus::Expired) => {
                        r#"<br><span class="accepted">acceptance expired</span>"#
                    }
                    None => "",
                };
                let mut finding = h(&super::finding_title(f));
                if let Some(note) = &f.note {
                    let _ = write!(
                        finding,
                        r#"<br><span class="muted">Note: {}</span>"#,
                        h(note)
                    );
                }
                let _ = write!(
                    o,
                    r#"<tr><td class="num">{}</td><td class="risk {}">{}{accepted}</td><td class="id">{}</td><td>{finding}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
                    f.rank,
                    risk_class(f.risk),
                    f.risk.id().to_uppercase(),
                    h(&f.question),
                    h(&f.recommendation),
                    f.who_acts.label(),
                    h(&f.answer_label),
                    h(&references_text(&f.references)),
                );
            }
            o.push_str("</tbody></table>");
        }
        o.push_str("</section>\n");

        // Responsibility grid.
        if !r.responsibilities.is_empty() {
            o.push_str(r#"<section id="responsibility"><h2>Who is responsible for what</h2><table class="grid"><thead><tr><th>Area</th>"#);
            let columns: Vec<(&str, &str)> = Owner::ALL
                .iter()
                .map(|w| (w.id(), w.label()))
                .chain([("unknown", "I don't know")])
                .collect();
            for (_, label) in &columns {
                let _ = write!(o, "<th>{}</th>", h(label));
            }
            o.push_str("<th>In the contract?</th><th>Status</th></tr></thead><tbody>");
            for resp in &r.responsibilities {
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
                let contract = h(resp.contract_cell());
                let _ = write!(
                    o,
                    r#"<td>{contract}</td><td class="{class}">{}</td></tr>"#,
                    resp.status.label()
                );
            }
            o.push_str("</tbody></table></section>\n");
        }

        // Tier.
        let _ = write!(
            o,
            r#"<section id="tier"><h2>MSP capability tier: {}</h2><ul>"#,
            &super::tier_text(r)
        );
        for reason in &r.msp_tier.reasons {
            let _ = write!(o, "<li>{}</li>", h(reason));
        }
        o.push_str("</ul></section>\n");

        // Accepted risks.
        let accepted: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.acceptance.is_some())
            .collect();
        if !accepted.is_empty() {
            o.push_str(r#"<section id="accepted"><h2>Accepted risks</h2><table><thead><tr><th>ID</th><th>Status</th><th>Justification</th><th>Approved by</th><th>Expires</th></tr></thead><tbody>"#);
            for f in accepted {
                let Some(a) = &f.acceptance else { continue };
                let status = match a.status {
                    AcceptanceStatus::Accepted => "accepted",
                    AcceptanceStatus::Expired => "<strong>expired</strong>",
                };
                let _ = write!(
                    o,
                    "<tr><td>{}</td><td>{status}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    h(&f.question),
                    h(&a.justification),
                    a.approved_by.as_deref().map_or("–".into(), h),
                    a.expires.as_deref().map_or("–".into(), h)
                );
            }
            o.push_str("</tbody></table></section>\n");
        }

        if !r.unanswered.is_empty() || !r.notes.is_empty() {
            o.push_str(r#"<section id="open-questions"><h2>Unanswered questions and notes</h2>"#);
            if !r.unanswered.is_empty() {
                o.push_str("<ul>");
                for u in &r.unanswered {
                    let _ = write!(
                        o,
                        "<li><strong>{}</strong>: {}</li>",
                        h(&u.question),
                        h(&u.text)
                    );
                }
                o.push_str("</ul>");
            }
            for n in &r.notes {
                let _ = write!(o, r#"<p class="muted">{}</p>"#, h(n));
            }
            o.push_str("</section>\n");
        }

        o.push_str(r#"<section id="references"><h2>Appendix: references</h2><p class="muted">Evidence levels: A, read in the primary document; B, quoted on a secondary page; C, secondary summary only, to be confirmed against the original.</p><table><thead><tr><th>Source</th><th>Title</th><th>Publisher</th><th>Published</th><th>Link</th></tr></thead><tbody>"#);
        for s in &r.sources {
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                h(&s.id),
                h(&s.title),
                s.publisher.as_deref().map_or("–".into(), h),
                s.published.as_deref().map_or("–".into(), h),
                s.url.as_deref().map_or("–".into(), h),
            );
        }
        let _ = write!(
            o,
            "</tbody></table></section>\n<footer>Made with msp-risk {}. The questions paraphrase public guidance; they are not official government text.</footer>\n</body>\n</html>\n",
            env!("CARGO_PKG_VERSION")
        );
        Ok(o)
    }
}
