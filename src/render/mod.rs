//! Output formats. Each format is one file with one type implementing [`Renderer`].
//!
//! Renderers are pure formatting over a finished [`Report`]: they never score, read files,
//! look at the terminal or the clock. Width, colour and the JUnit threshold are options
//! decided by the caller. Every text that came from a file is escaped for its format.

mod csv;
mod html;
mod json;
mod junit;
mod markdown;
mod oscal;
mod outline;
pub mod reply;
mod sarif;
mod table;

pub use self::csv::CsvRenderer;
pub use html::HtmlRenderer;

/// Pretty JSON with every string made safe (no control or bidi character), for JSON the
/// binary prints that is not a report (schemas).
pub fn safe_json(value: &impl serde::Serialize) -> Result<String, RenderError> {
    json::to_json(value)
}
pub use json::JsonRenderer;
pub use junit::JunitRenderer;
pub use markdown::MarkdownRenderer;
pub use oscal::OscalRenderer;
pub use sarif::SarifRenderer;
pub use table::{LetterNote, TableOptions, TableRenderer};

use std::fmt::Write;

use crate::bank::Severity;
use crate::report::{PlanAction, Rating, Report};

/// Why rendering failed (never because of the report's content: every text is accepted).
#[derive(Debug, thiserror::Error)]
#[error("cannot render the report: {0}")]
pub struct RenderError(pub String);

/// Turns reports into the text of one format.
pub trait Renderer {
    /// One organisation's report.
    fn render(&self, report: &Report) -> Result<String, RenderError>;

    /// One part of several organisations' reports followed by the portfolio roll-up,
    /// rendered as a stream so that any number of reports fits in memory. Formats that
    /// describe one assessment refuse.
    fn portfolio_part(&self, part: PortfolioPart<'_>) -> Result<String, RenderError> {
        let _ = part;
        Err(RenderError(ONE_FILE_ONLY.to_string()))
    }
}

/// Why a format refuses several answers files.
pub const ONE_FILE_ONLY: &str = "this format describes one answers file: give one file per \
     run, or use --output-dir for a report per file";

/// A part of a portfolio stream: each report in input order, then the end.
pub enum PortfolioPart<'a> {
    /// Report number `index` (from 0).
    Report {
        /// Its place in the stream.
        index: usize,
        /// The report.
        report: &'a Report,
    },
    /// The end of the stream, with the portfolio roll-up.
    End {
        /// Every organisation's row, worst first.
        rows: &'a mut dyn Iterator<Item = crate::portfolio::PortfolioRow>,
        /// How many organisations there are.
        total: usize,
    },
}

/// Several reports and their portfolio in one text: the stream of [`PortfolioPart`]s, for
/// callers that already hold every report.
pub fn render_portfolio(
    renderer: &dyn Renderer,
    reports: &[Report],
) -> Result<String, RenderError> {
    let mut out = String::new();
    for (index, report) in reports.iter().enumerate() {
        out.push_str(&renderer.portfolio_part(PortfolioPart::Report { index, report })?);
    }
    let mut rows = crate::portfolio::rows(reports).into_iter();
    out.push_str(&renderer.portfolio_part(PortfolioPart::End {
        rows: &mut rows,
        total: reports.len(),
    })?);
    Ok(out)
}

/// The formats `report --format` and `--output` accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The risk report for a terminal.
    Table,
    /// The whole report as JSON.
    Json,
    /// A report for people, in Markdown.
    Markdown,
    /// A self-contained web page.
    Html,
    /// The action plan, one row per finding.
    Csv,
    /// JUnit XML for CI dashboards.
    Junit,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
    /// NIST OSCAL assessment results for GRC tools.
    Oscal,
}

/// Options every renderer may need.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// Layout of the terminal table.
    pub table: TableOptions,
    /// For JUnit: gaps at or above this risk level are failures.
    pub fail_on: Severity,
}

impl Format {
    /// Every format, with the name used on the command line.
    pub const ALL: &'static [(Format, &'static str)] = &[
        (Format::Table, "table"),
        (Format::Json, "json"),
        (Format::Markdown, "markdown"),
        (Format::Html, "html"),
        (Format::Csv, "csv"),
        (Format::Junit, "junit"),
        (Format::Sarif, "sarif"),
        (Format::Oscal, "oscal"),
    ];

    /// The format named `name` (as on the command line; `md` for Markdown).
    pub fn from_name(name: &str) -> Option<Format> {
        let name = name.to_ascii_lowercase();
        if name == "md" {
            return Some(Format::Markdown);
        }
        Format::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(f, _)| *f)
    }

    /// The format a file name suggests: `.md`, `.html`, `.csv`, `.json`, `.xml` (JUnit),
    /// `.sarif`, `.txt` (table).
    pub fn from_path(path: &str) -> Option<Format> {
        let lower = path.to_ascii_lowercase();
        let ext = lower.rsplit_once('.').map(|(_, e)| e)?;
        Some(match ext {
            "md" | "markdown" => Format::Markdown,
            "html" | "htm" => Format::Html,
            "csv" => Format::Csv,
            "sarif" => Format::Sarif,
            "json" if lower.ends_with(".sarif.json") => Format::Sarif,
            "json" if lower.ends_with(".oscal.json") => Format::Oscal,
            "json" => Format::Json,
            "xml" => Format::Junit,
            "txt" => Format::Table,
            _ => return None,
        })
    }

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        Format::ALL
            .iter()
            .find(|(f, _)| *f == self)
            .map_or("table", |(_, n)| n)
    }

    /// The renderer for this format.
    pub fn renderer(self, options: RenderOptions) -> Box<dyn Renderer> {
        match self {
            Format::Table => Box::new(TableRenderer::new(options.table)),
            Format::Json => Box::new(JsonRenderer),
            Format::Markdown => Box::new(MarkdownRenderer),
            Format::Html => Box::new(HtmlRenderer),
            Format::Csv => Box::new(CsvRenderer),
            Format::Junit => Box::new(JunitRenderer {
                fail_on: options.fail_on,
            }),
            Format::Sarif => Box::new(SarifRenderer),
            Format::Oscal => Box::new(OscalRenderer),
        }
    }
}

/// Words for the counts of open findings, used by several formats, with how many of each
/// are still to verify: "3 critical (1 to verify), 5 high, 0 medium, 2 low".
pub(crate) fn open_counts(report: &Report) -> String {
    let c = &report.counts;
    Severity::ALL
        .iter()
        .rev()
        .map(|l| {
            let open = c.open_by_risk.get(*l);
            match c.unverified_by_risk.get(*l) {
                0 => format!("{open} {}", l.id()),
                n => format!("{open} {} ({n} to verify)", l.id()),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Words for the answers: "72 of 73 answered (98 %), 1 unanswered (1 low), 3 \"I don't
/// know\"".
pub(crate) fn answers_text(report: &Report) -> String {
    let c = &report.counts;
    let mut s = format!(
        "{} of {} answered ({} %), {} unanswered",
        c.answered, c.applicable, report.overall.completeness_percent, c.unanswered
    );
    if c.unanswered > 0 {
        let by: Vec<String> = Severity::ALL
            .iter()
            .rev()
            .filter(|l| c.unanswered_by_risk.get(**l) > 0)
            .map(|l| format!("{} {}", c.unanswered_by_risk.get(*l), l.id()))
            .collect();
        if !by.is_empty() {
            s.push_str(&format!(" ({})", by.join(", ")));
        }
    }
    s.push_str(&format!(", {} \"I don't know\"", c.unknown));
    let asked = waiting_for_msp(report).count();
    if asked > 0 {
        s.push_str(&format!(" ({asked} of them sent to your MSP)"));
    }
    s
}

/// The rating in words: the band, "Incomplete: 62 % answered", or "Not assessed".
pub fn rating_text(report: &Report) -> String {
    match report.rating {
        Rating::Incomplete => format!(
            "Incomplete: {} % answered",
            report.overall.completeness_percent
        ),
        other => other.label().to_string(),
    }
}

/// The headline every report for people starts with: "Score 41/100 (Weak), could be 41 to
/// 78 once 26 answers are verified"; just "Score 88/100 (Good)" with nothing to verify.
pub fn headline(report: &Report) -> String {
    let o = &report.overall;
    let Some(score) = o.score else {
        return if report.counts.answered == 0 {
            "Not assessed: nothing answered yet".to_string()
        } else {
            "Not assessed: no answered question is scored".to_string()
        };
    };
    let mut s = format!("Score {score}/100 ({})", rating_text(report));
    if o.to_verify > 0 {
        let best = o.best_case.unwrap_or(score).max(score);
        let _ = write!(
            s,
            ", could be {score} to {best} once {} {} verified",
            o.to_verify,
            if o.to_verify == 1 {
                "answer is"
            } else {
                "answers are"
            }
        );
    }
    s
}

/// How the score was reached, in one sentence: the weighted mean of the domain scores, the
/// "do today" deduction, and that answers to verify count as gaps. `None` when nothing is
/// scored.
pub fn score_explanation(report: &Report) -> Option<String> {
    let o = &report.overall;
    let weighted = o.weighted?;
    let mut s = format!("The domain scores average {weighted:.1} (weighted)");
    if o.deduction > 0.0 {
        let _ = write!(
            s,
            ", less {} for open CISA \"do today\" and other critical gaps",
            points(o.deduction)
        );
    } else {
        s.push_str("; no CISA \"do today\" or other critical gap is open");
    }
    if o.to_verify > 0 && report.counts.disagreements > 0 {
        s.push_str(
            ". Answers still to verify (\"I don't know\", blank, or where you and your MSP disagree) count as gaps until checked",
        );
    } else if o.to_verify > 0 {
        s.push_str(
            ". Answers still to verify (\"I don't know\" or blank) count as gaps until checked",
        );
    }
    s.push('.');
    Some(s)
}

/// "1 point", "12 points", "2.5 points".
pub(crate) fn points(x: f64) -> String {
    let n = if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    };
    if n == "1" {
        "1 point".to_string()
    } else {
        format!("{n} points")
    }
}

/// What closing an action's findings does to the score: "+12 points", "+1 point", and
/// "+<1 point" when the gain rounds to nothing.
pub fn gain_text(a: &PlanAction) -> String {
    match a.score_gain {
        0 => "+<1 point".to_string(),
        1 => "+1 point".to_string(),
        n => format!("+{n} points"),
    }
}

/// The findings an action closes, as question ids: "MFA-01, MFA-02".
pub(crate) fn closes_text(a: &PlanAction) -> String {
    a.findings.join(", ")
}

/// The id of the plan action that closes a finding: the bank's action, or the question id
/// in lower case for a question that is its own action (as in [`PlanAction::id`]).
pub(crate) fn action_id(f: &crate::report::Finding) -> String {
    f.action
        .clone()
        .unwrap_or_else(|| f.question.to_lowercase())
}

/// The title of the plan section.
pub(crate) const PLAN_TITLE: &str = "What to do first";

/// The title of the list of questions for the MSP.
pub(crate) const VERIFY_TITLE: &str = "Questions for your MSP";

/// What the plan says when it is empty.
pub(crate) fn empty_plan_text(report: &Report) -> String {
    let blank = report.counts.unanswered;
    if report.counts.answered == 0 {
        return "Nothing answered yet: answer the questions first.".to_string();
    }
    let mut s = "No confirmed gap is open".to_string();
    if !report.verify.is_empty() {
        s.push_str(": start with the questions for your MSP below");
    }
    if blank > 0 {
        let questions = if blank == 1 { "question" } else { "questions" };
        if report.verify.is_empty() {
            let _ = write!(s, "; {blank} {questions} still blank (listed at the end)");
        } else {
            let _ = write!(
                s,
                ", and answer the {blank} {questions} left blank (listed at the end)"
            );
        }
    }
    s.push('.');
    s
}

/// The questions for the MSP, in rank order: (question id, the question as put to the MSP,
/// or as asked when the bank has no MSP wording).
pub(crate) fn verify_questions(report: &Report) -> Vec<(&str, &str)> {
    report
        .verify
        .iter()
        .filter_map(|id| report.findings.iter().find(|f| &f.question == id))
        .map(|f| {
            let text = f.msp_question.as_deref().unwrap_or(&f.question_text);
            (f.question.as_str(), text)
        })
        .collect()
}

/// The sentence before the questions for the MSP.
pub(crate) fn verify_intro(report: &Report) -> String {
    let n = report.verify.len();
    let claims = report
        .verify
        .iter()
        .filter(|id| {
            report
                .findings
                .iter()
                .any(|f| &f.question == *id && f.claim)
        })
        .count();
    let what = match (n - claims, claims) {
        (_, 0) => format!(
            "{n} {} \"I don't know\"",
            if n == 1 { "answer is" } else { "answers are" }
        ),
        (0, c) => format!(
            "{c} {} not yet checked",
            if c == 1 {
                "claim of who does what is"
            } else {
                "claims of who does what are"
            }
        ),
        (u, c) => format!(
            "{u} {} \"I don't know\" and {c} {} not yet checked",
            if u == 1 { "answer is" } else { "answers are" },
            if c == 1 {
                "claim of who does what is"
            } else {
                "claims of who does what are"
            }
        ),
    };
    format!(
        "{what}: until they are answered, {} counted as {}.",
        if n == 1 { "it is" } else { "they are" },
        if n == 1 { "a gap" } else { "gaps" },
    )
}

/// The mark of a finding nobody has verified ("I don't know"), for formats that mark it
/// apart from the title.
pub const NOT_VERIFIED: &str = "Not verified";

/// The references of a finding or question as one line: "S2 Summary (evidence B)".
/// Two references to the same section (tracing to different digest items) show once.
pub(crate) fn references_text(refs: &[crate::bank::Reference]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for r in refs {
        let part = format!("{} {} (evidence {})", r.source, r.section, r.evidence.id());
        if !parts.contains(&part) {
            parts.push(part);
        }
    }
    parts.join("; ")
}

/// The answers file's name without its folders, for documents handed to a client (the
/// consultant's folder layout is none of their business; JSON and SARIF keep the full path).
/// The platform's own path rules decide what a folder is: on Unix a backslash is part of
/// the name. A path without a final name (`..`) is shown whole.
pub(crate) fn file_name(report: &Report) -> &str {
    std::path::Path::new(&report.file)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(&report.file)
}

/// The date a document describes: the assessment date, or the evaluation date.
pub(crate) fn document_date(report: &Report) -> &str {
    report
        .assessed_on
        .as_deref()
        .unwrap_or(&report.evaluated_on)
}

/// The MSP tier in words, with the range the unverified indicators leave open:
/// "Minimal cybersecurity focus (could be Some cybersecurity focus once 3 answers about the
/// MSP are verified)".
pub fn tier_text(report: &Report) -> String {
    let t = &report.msp_tier;
    if t.best_case > t.tier && t.tier != crate::report::Tier::Undetermined {
        format!(
            "{} (could be {} once {} answer(s) about the MSP are verified)",
            t.tier.label(),
            t.best_case.label().to_lowercase(),
            t.to_verify
        )
    } else {
        t.tier.label().to_string()
    }
}

/// A finding's title as every format shows it: "Not verified: ..." for "I don't know",
/// "... (partly)" for a partial gap.
pub fn finding_title(f: &crate::report::Finding) -> String {
    if let Some(d) = &f.disagreement {
        reply::disagreement_title(d)
    } else if f.claim {
        // An owner claim whose checks are unanswered: say what was claimed, not the gap
        // the question describes ("nobody is responsible").
        let area = f.area.as_deref().unwrap_or("this area").to_lowercase();
        if f.msp_reply.as_ref().is_some_and(|m| m.answer_from_msp) {
            // Who does it is confirmed; what backs it (the follow-ups) is not answered yet.
            format!(
                "{NOT_VERIFIED}: the checks on who handles {area} (your MSP has said who does it; its follow-up questions are still open)"
            )
        } else {
            format!(
                "{NOT_VERIFIED}: who handles {area} (answered: {})",
                f.answer_label
            )
        }
    } else if f.unverified {
        format!("{NOT_VERIFIED}: {}", f.finding)
    } else if f.gap == crate::bank::Gap::Partial {
        format!("{} (partly)", f.finding)
    } else {
        f.finding.to_string()
    }
}

/// A finding's note as every format shows it: the owner's note, and what the MSP's reply
/// said about it.
pub(crate) fn finding_note(f: &crate::report::Finding) -> Option<String> {
    let comment = f.msp_reply.as_ref().and_then(|r| r.comment.as_deref());
    reply::note_and_comment(f.note.as_deref(), comment)
}

/// What to say where the findings would be, when there are none.
pub(crate) fn no_findings_text(r: &Report) -> &'static str {
    if r.counts.answered == 0 {
        "Nothing answered yet."
    } else {
        "No gaps found in the answered questions."
    }
}

/// At most `shown` ids, then "and N more".
pub(crate) fn id_list(ids: &[&str], shown: usize) -> String {
    let mut s = ids
        .iter()
        .take(shown)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > shown {
        s.push_str(&format!(" and {} more", ids.len() - shown));
    }
    s
}

/// What carrying an answers file over from an older bank version changed, for the
/// report's notes (the mapping itself is in the bank and docs/bank-migration.md).
pub(crate) fn migration_note(m: &crate::answers::Migrated) -> String {
    let mut s =
        String::from(" Old question ids were mapped to the new ones (see docs/bank-migration.md).");
    if !m.renamed.is_empty() {
        let pairs: Vec<String> = m
            .renamed
            .iter()
            .map(|(old, new)| format!("{old} is now {new}"))
            .collect();
        let pairs: Vec<&str> = pairs.iter().map(String::as_str).collect();
        s.push_str(&format!(
            " {} answer(s) moved to a renamed question: {}.",
            m.renamed.len(),
            id_list(&pairs, 8)
        ));
    }
    if !m.options.is_empty() {
        s.push_str(&format!(
            " {} answer(s) use a renamed option and were read as the new one.",
            m.options.len()
        ));
    }
    let mut gone: Vec<String> = m
        .retired
        .iter()
        .map(|(old, instead)| match instead.as_slice() {
            [] => old.clone(),
            new => format!("{old} (now {})", new.join(", ")),
        })
        .collect();
    gone.extend(
        m.retired_risks
            .iter()
            .map(|q| format!("the accepted risk on {q}")),
    );
    if !gone.is_empty() {
        let gone: Vec<&str> = gone.iter().map(String::as_str).collect();
        s.push_str(&format!(
            " {} answer(s) are to questions no longer asked and were set aside: {}; answer the new questions instead.",
            gone.len(),
            id_list(&gone, 12)
        ));
    }
    s
}

/// `file` when it can be typed in a shell as it is (letters, digits, `.`, `_`, `-`, `/`, not
/// starting with `-`), else `FILE` for the reader to fill in, so no copied command runs
/// something other than what it says.
pub fn typable_file(file: &str) -> &str {
    let plain = !file.is_empty()
        && !file.starts_with('-')
        && file
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'));
    if plain {
        file
    } else {
        "FILE"
    }
}

/// The command that writes the questions for the MSP as a letter, in the pieces a wrapped
/// command may be broken between: `msp-risk ask-msp`, `FILE`, `--output questions.md`.
pub(crate) fn ask_msp_command_parts(file: &str) -> [&str; 3] {
    [
        "msp-risk ask-msp",
        typable_file(file),
        "--output questions.md",
    ]
}

/// The same command on one line: `msp-risk ask-msp answers.yaml --output questions.md`.
pub(crate) fn ask_msp_command(file: &str) -> String {
    ask_msp_command_parts(file).join(" ")
}

/// The days the questions still waiting for the MSP were sent: "I don't know" answers marked
/// as asked (an answer given since replaces the mark's meaning).
fn waiting_for_msp(report: &Report) -> impl Iterator<Item = &str> {
    report
        .questions
        .iter()
        .filter(|q| q.answer.as_deref() == Some(crate::bank::UNKNOWN) && q.msp_reply.is_none())
        .filter_map(|q| q.asked_msp.as_deref())
}

/// Said under the headline when answers are waiting for the MSP: a low score then means
/// mostly "not answered yet", and the owner should read it so, not as a verdict. `None` when
/// no question was sent to the MSP or all have been answered.
pub fn waiting_on_msp(report: &Report) -> Option<String> {
    let waiting: Vec<&str> = waiting_for_msp(report).collect();
    let first = waiting.iter().min()?;
    Some(format!(
        "{} {} for your MSP (sent {first}): gaps until it replies.",
        waiting.len(),
        if waiting.len() == 1 {
            "answer waits"
        } else {
            "answers wait"
        }
    ))
}

/// The rating bands in words, from the one table of bands: "Strong 90+, Good 75+, Fair 60+,
/// Weak 40+, Poor below 40". A printed page shows it beside the rating, so the word is read
/// against its scale.
pub fn rating_scale() -> String {
    let bands = crate::report::RATING_BANDS;
    let mut parts: Vec<String> = Vec::new();
    for (i, (low, rating)) in bands.iter().enumerate() {
        if *low == 0 {
            let above = bands.get(i.wrapping_sub(1)).map_or(0, |b| b.0);
            parts.push(format!("{} below {above}", rating.label()));
        } else {
            parts.push(format!("{} {low}+", rating.label()));
        }
    }
    parts.join(", ")
}

/// What an undetermined MSP tier means, for a page that shows the tier without its reasons.
pub(crate) fn tier_hint(report: &Report) -> Option<&'static str> {
    (report.msp_tier.tier == crate::report::Tier::Undetermined).then_some(
        "too few answers about the MSP's own security yet; it shows once the MSP replies",
    )
}

#[cfg(test)]
mod scale_tests {
    #[test]
    fn the_rating_scale_is_read_from_the_bands() {
        assert_eq!(
            super::rating_scale(),
            "Strong 90+, Good 75+, Fair 60+, Weak 40+, Poor below 40"
        );
    }
}
