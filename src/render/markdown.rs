//! `--format markdown`: a report for a business owner, readable as plain text, rendered well
//! by GitHub and converted cleanly by pandoc. It lays out the same outline as the HTML
//! (`outline.rs`): the summary and the plan, the questions for the MSP to send first, the
//! findings by risk level, who is responsible for what, and the references as numbered
//! footnotes (`[^1]`, which GitHub and pandoc render as endnotes). Text from files is
//! escaped so it shows literally and cannot inject markup.

use std::fmt::Write;

use super::outline::{self, Endnote, FindingItem, Part};
use super::{RenderError, Renderer};
use crate::report::{AcceptanceStatus, Report};
use crate::sanitize::{markdown as md, terminal_line};

/// Renders a report as Markdown.
pub struct MarkdownRenderer;

/// A URL as an autolink `<url>` when it can be one, else as escaped text: an autolink
/// cannot hold spaces, controls or angle brackets, and a URL holding one must not become
/// markup.
fn link(url: &str) -> String {
    let autolink_safe = !url.is_empty()
        && url
            .chars()
            .all(|c| !c.is_whitespace() && !matches!(c, '<' | '>'))
        && terminal_line(url) == url;
    if autolink_safe {
        format!("<{url}>")
    } else {
        md(url)
    }
}

fn row(out: &mut String, cells: &[String]) {
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}

impl Renderer for MarkdownRenderer {
    fn render(&self, r: &Report) -> Result<String, RenderError> {
        let mut out = String::new();
        let _ = writeln!(out, "# {}\n", md(&outline::title(r)));
        let by = r
            .assessed_by
            .as_deref()
            .map(md)
            .map_or(String::new(), |b| format!(" by {b}"));
        let on = r
            .assessed_on
            .as_deref()
            .map_or("(date not given)".into(), md);
        let _ = writeln!(
            out,
            "Assessed {on}{by}. Answers: {}. Questionnaire: {} ({}@{}). Evaluated on {}.\n",
            md(super::file_name(r)),
            md(&r.bank.title),
            md(&r.bank.id),
            md(&r.bank.version),
            md(&r.evaluated_on)
        );

        for part in outline::parts(r) {
            match part {
                Part::Summary(s) => {
                    let _ = writeln!(out, "**{}**\n", md(&s.headline));
                    if let Some(how) = &s.explanation {
                        let _ = writeln!(out, "{}\n", md(how));
                    }
                    row(&mut out, &[outline::SUMMARY_TITLE.into(), "".into()]);
                    row(&mut out, &["---".into(), "---".into()]);
                    row(&mut out, &["Rating".into(), md(&s.rating)]);
                    row(
                        &mut out,
                        &[
                            "MSP capability tier".into(),
                            format!("{} ({})", md(&s.tier), md(s.tier_note)),
                        ],
                    );
                    row(&mut out, &["Open findings".into(), md(&s.open)]);
                    row(&mut out, &["Answers".into(), md(&s.answers)]);
                    row(&mut out, &["Accepted risks".into(), md(&s.accepted)]);
                    out.push('\n');
                }
                Part::Plan(p) => {
                    let _ = writeln!(out, "## {}\n", p.title);
                    if p.rows.is_empty() {
                        let _ = writeln!(out, "{}\n", md(&p.empty));
                        continue;
                    }
                    row(&mut out, &outline::PLAN_COLUMNS.map(String::from));
                    row(
                        &mut out,
                        &["--:", "---", "---", "---", "--:"].map(String::from),
                    );
                    for a in &p.rows {
                        row(
                            &mut out,
                            &[
                                a.rank.to_string(),
                                format!("{} ({})", md(&a.action), md(&a.detail())),
                                md(a.who),
                                a.risk.id().into(),
                                md(&a.gain),
                            ],
                        );
                    }
                    let _ = writeln!(out, "\n{}", md(outline::WHO_ACTS_LEGEND));
                    out.push('\n');
                }
                Part::Questions(q) => {
                    let _ = writeln!(out, "## {}\n", md(&q.title));
                    let _ = writeln!(out, "{}\n", md(&q.intro));
                    let _ = writeln!(out, "{}\n", md(q.send));
                    // A fenced block shows the command as it is typed: no escaping inside.
                    let _ = writeln!(out, "```sh\n{}\n```\n", terminal_line(&q.command));
                    let _ = writeln!(out, "{}\n", md(q.after));
                    for (i, (id, text)) in q.items.iter().enumerate() {
                        let _ = writeln!(out, "{}. **{}**: {}", i + 1, md(id), md(text));
                    }
                    out.push('\n');
                }
                Part::Findings(f) => {
                    let _ = writeln!(out, "## {}\n", outline::FINDINGS_TITLE);
                    if f.groups.is_empty() {
                        let _ = writeln!(out, "{}\n", f.empty);
                    }
                    for g in &f.groups {
                        let _ = writeln!(out, "### {}\n", md(&g.title));
                        for item in &g.items {
                            finding(&mut out, item);
                        }
                    }
                }
                Part::Responsibility(rows) => {
                    let _ = writeln!(out, "## {}\n", outline::RESPONSIBILITY_TITLE);
                    row(
                        &mut out,
                        &["Area", "Responsible", "In the contract?", "Status"].map(String::from),
                    );
                    row(&mut out, &["---", "---", "---", "---"].map(String::from));
                    for resp in rows {
                        let owner = if resp.owner_label.is_empty() {
                            "-".to_string()
                        } else {
                            md(&resp.owner_label)
                        };
                        row(
                            &mut out,
                            &[
                                md(&resp.area),
                                owner,
                                md(resp.contract_cell()),
                                resp.status.label().into(),
                            ],
                        );
                    }
                    out.push('\n');
                }
                Part::Domains => {
                    let _ = writeln!(
                        out,
                        "## {}\n\n{}\n",
                        outline::DOMAINS_TITLE,
                        outline::DOMAINS_INTRO
                    );
                    row(
                        &mut out,
                        &["Domain", "Score", "Findings", "Unanswered"].map(String::from),
                    );
                    row(&mut out, &["---", "--:", "--:", "--:"].map(String::from));
                    for d in &r.domains {
                        row(
                            &mut out,
                            &[
                                format!("{} {}", md(&d.id), md(&d.title)),
                                d.score.score.map_or("-".into(), |s| s.to_string()),
                                d.findings.to_string(),
                                d.unanswered.to_string(),
                            ],
                        );
                    }
                    out.push('\n');
                }
                Part::Tier(t) => {
                    let _ = writeln!(out, "## {}\n", md(&t.title));
                    for reason in t.reasons {
                        let _ = writeln!(out, "- {}", md(reason));
                    }
                    out.push('\n');
                }
                Part::Accepted(findings) => {
                    let _ = writeln!(out, "## {}\n", outline::ACCEPTED_TITLE);
                    row(
                        &mut out,
                        &["ID", "Status", "Justification", "Approved by", "Expires"]
                            .map(String::from),
                    );
                    row(
                        &mut out,
                        &["---", "---", "---", "---", "---"].map(String::from),
                    );
                    for f in findings {
                        let Some(a) = &f.acceptance else { continue };
                        let status = match a.status {
                            AcceptanceStatus::Accepted => "accepted",
                            AcceptanceStatus::Expired => "**expired**",
                        };
                        row(
                            &mut out,
                            &[
                                md(&f.question),
                                status.into(),
                                md(&a.justification),
                                a.approved_by.as_deref().map_or("-".into(), md),
                                a.expires.as_deref().map_or("-".into(), md),
                            ],
                        );
                    }
                    out.push('\n');
                }
                Part::Unanswered => {
                    let _ = writeln!(
                        out,
                        "## {} ({})\n",
                        outline::UNANSWERED_TITLE,
                        r.unanswered.len()
                    );
                    for u in &r.unanswered {
                        let _ = writeln!(out, "- {}: {}", md(&u.question), md(&u.text));
                    }
                    out.push('\n');
                }
                Part::Notes => {
                    let _ = writeln!(out, "## {}\n", outline::NOTES_TITLE);
                    for n in &r.notes {
                        let _ = writeln!(out, "- {}", md(n));
                    }
                    out.push('\n');
                }
                Part::Endnotes(notes) => endnotes(&mut out, &notes),
            }
        }
        let _ = writeln!(out, "{}", outline::DISCLAIMER);
        Ok(out)
    }
}

/// One finding as a list item: rank, id and what is wrong in bold, who acts, the answer and
/// the endnote marks on the first line; what to do and the owner's note as paragraphs.
fn finding(out: &mut String, f: &FindingItem<'_>) {
    let mut head = format!("**{}. {}: {}**", f.rank, md(f.id), md(&f.title));
    if let Some(a) = f.acceptance {
        let _ = write!(head, " ({a})");
    }
    let _ = write!(
        head,
        ". {}: {}. {}: {}",
        outline::WHO_LABEL,
        md(f.who),
        outline::ANSWER_LABEL,
        md(f.answer)
    );
    if let Some(n) = f.question {
        let _ = write!(head, ". {}", outline::ask_first(n, f.id));
    }
    head.push('.');
    for n in &f.cites {
        let _ = write!(head, "[^{n}]");
    }
    let _ = writeln!(out, "- {head}\n");
    let _ = writeln!(out, "  {}: {}\n", outline::FIX_LABEL, md(f.recommendation));
    if let Some(note) = &f.note {
        let _ = writeln!(out, "  Note: {}\n", md(note));
    }
}

fn endnotes(out: &mut String, notes: &[Endnote<'_>]) {
    let _ = writeln!(
        out,
        "## {}\n\n{}\n",
        outline::ENDNOTES_TITLE,
        outline::EVIDENCE_LEVELS
    );
    for n in notes {
        let mut text = md(&outline::source_line(n.source));
        if let Some(url) = n.source.url.as_deref() {
            let _ = write!(text, " {}", link(url));
        }
        let cited: Vec<String> = n
            .sections
            .iter()
            .map(|(s, e, ids)| md(&outline::section_line(s, e, ids)))
            .collect();
        let _ = writeln!(
            out,
            "[^{}]: {} Cited: {}.\n",
            n.number,
            text,
            cited.join("; ")
        );
    }
}
