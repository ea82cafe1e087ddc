//! `--format markdown`: a report for a business owner, readable as plain text, rendered well
//! by GitHub and converted cleanly by pandoc. It leads with the headline (score, range,
//! rating), what to do first (the plan) and the questions for the MSP; the findings table
//! and the rest follow. Text from files is escaped so it shows
//! literally and cannot inject markup.

use std::fmt::Write;

use super::{open_counts, references_text, RenderError, Renderer};
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
        let org = r
            .organization
            .as_deref()
            .unwrap_or("(organisation not named)");
        let _ = writeln!(out, "# MSP risk report: {}\n", md(org));
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

        let _ = writeln!(out, "**{}**\n", super::headline(r));
        if let Some(how) = super::score_explanation(r) {
            let _ = writeln!(out, "{how}\n");
        }

        let _ = writeln!(out, "## {}\n", super::PLAN_TITLE);
        if r.plan.is_empty() {
            let _ = writeln!(out, "{}\n", super::empty_plan_text(r));
        } else {
            row(
                &mut out,
                &[
                    "#", "Action", "Who acts", "Risk", "Priority", "Closes", "Score",
                ]
                .map(String::from),
            );
            row(
                &mut out,
                &["--:", "---", "---", "---", "---", "---", "--:"].map(String::from),
            );
            for a in &r.plan {
                row(
                    &mut out,
                    &[
                        a.rank.to_string(),
                        md(&a.title),
                        a.owner.label().into(),
                        a.risk.id().into(),
                        a.priority.label().into(),
                        md(&super::closes_text(a)),
                        super::gain_text(a),
                    ],
                );
            }
            out.push('\n');
        }

        let questions = super::verify_questions(r);
        if !questions.is_empty() {
            let _ = writeln!(out, "## {} ({})\n", super::VERIFY_TITLE, questions.len());
            let _ = writeln!(out, "{}\n", super::verify_intro(r));
            for (i, (id, text)) in questions.iter().enumerate() {
                let _ = writeln!(out, "{}. **{}**: {}", i + 1, md(id), md(text));
            }
            let _ = writeln!(out, "\n{}\n", super::verify_pointer(super::file_name(r)));
        }

        out.push_str("## Summary\n\n");
        row(&mut out, &["".into(), "".into()]);
        row(&mut out, &["---".into(), "---".into()]);
        row(&mut out, &["Open findings".into(), open_counts(r)]);
        row(&mut out, &["Answers".into(), super::answers_text(r)]);
        let c = &r.counts;
        row(
            &mut out,
            &[
                "Accepted risks".into(),
                format!("{} accepted, {} expired", c.accepted, c.expired),
            ],
        );
        row(
            &mut out,
            &[
                "MSP capability tier".into(),
                format!(
                    "{} (msp-risk's rule of thumb: see why below)",
                    &super::tier_text(r)
                ),
            ],
        );
        out.push('\n');

        out.push_str("## Findings\n\n");
        if r.findings.is_empty() {
            let _ = writeln!(out, "{}\n", super::no_findings_text(r));
        } else {
            row(
                &mut out,
                &[
                    "#",
                    "Risk",
                    "ID",
                    "Finding",
                    "Recommendation",
                    "Who acts",
                    "Answer",
                    "Reference",
                ]
                .map(String::from),
            );
            row(
                &mut out,
                &["--:", "---", "---", "---", "---", "---", "---", "---"].map(String::from),
            );
            for f in &r.findings {
                let mut risk = f.risk.id().to_string();
                match f.acceptance.as_ref().map(|a| a.status) {
                    Some(AcceptanceStatus::Accepted) => risk.push_str(" (accepted)"),
                    Some(AcceptanceStatus::Expired) => risk.push_str(" (acceptance expired)"),
                    None => {}
                }
                let mut finding = md(&super::finding_title(f));
                if let Some(note) = &f.note {
                    let _ = write!(finding, " (note: {})", md(note));
                }
                row(
                    &mut out,
                    &[
                        f.rank.to_string(),
                        risk,
                        md(&f.question),
                        finding,
                        md(&f.recommendation),
                        f.who_acts.label().into(),
                        md(&f.answer_label),
                        md(&references_text(&f.references)),
                    ],
                );
            }
            out.push('\n');
        }

        out.push_str("## Scores by domain\n\n");
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

        if !r.responsibilities.is_empty() {
            out.push_str("## Who is responsible for what\n\n");
            row(
                &mut out,
                &["Area", "Responsible", "In the contract?", "Status"].map(String::from),
            );
            row(&mut out, &["---", "---", "---", "---"].map(String::from));
            for resp in &r.responsibilities {
                let contract = md(resp.contract_cell());
                let owner = if resp.owner_label.is_empty() {
                    "-".to_string()
                } else {
                    md(&resp.owner_label)
                };
                row(
                    &mut out,
                    &[md(&resp.area), owner, contract, resp.status.label().into()],
                );
            }
            out.push('\n');
        }

        let _ = writeln!(out, "## MSP capability tier: {}\n", &super::tier_text(r));
        for reason in &r.msp_tier.reasons {
            let _ = writeln!(out, "- {}", md(reason));
        }
        out.push('\n');

        let accepted: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.acceptance.is_some())
            .collect();
        if !accepted.is_empty() {
            out.push_str("## Accepted risks\n\n");
            row(
                &mut out,
                &["ID", "Status", "Justification", "Approved by", "Expires"].map(String::from),
            );
            row(
                &mut out,
                &["---", "---", "---", "---", "---"].map(String::from),
            );
            for f in accepted {
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

        if !r.unanswered.is_empty() {
            let _ = writeln!(out, "## Unanswered questions ({})\n", r.unanswered.len());
            for u in &r.unanswered {
                let _ = writeln!(out, "- {}: {}", md(&u.question), md(&u.text));
            }
            out.push('\n');
        }

        if !r.notes.is_empty() {
            out.push_str("## Notes\n\n");
            for n in &r.notes {
                let _ = writeln!(out, "- {}", md(n));
            }
            out.push('\n');
        }

        out.push_str("## Appendix: references\n\n");
        out.push_str(
            "Evidence levels: A, read in the primary document; B, quoted on a secondary page; \
             C, secondary summary only, to be confirmed against the original.\n\n",
        );
        row(
            &mut out,
            &["Source", "Title", "Publisher", "Published", "Link"].map(String::from),
        );
        row(
            &mut out,
            &["---", "---", "---", "---", "---"].map(String::from),
        );
        for s in &r.sources {
            row(
                &mut out,
                &[
                    md(&s.id),
                    md(&s.title),
                    s.publisher.as_deref().map_or("-".into(), md),
                    s.published.as_deref().map_or("-".into(), md),
                    s.url.as_deref().map_or("-".into(), link),
                ],
            );
        }
        out.push_str(
            "\nThe questions paraphrase public guidance; they are not official government text.\n",
        );
        Ok(out)
    }
}
