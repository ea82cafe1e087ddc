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
pub use table::{TableOptions, TableRenderer};

use crate::bank::Severity;
use crate::report::Report;

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

/// Words for the counts of open findings, used by several formats.
pub(crate) fn open_counts(report: &Report) -> String {
    let o = &report.counts.open_by_risk;
    format!(
        "{} critical, {} high, {} medium, {} low",
        o.critical, o.high, o.medium, o.low
    )
}

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

/// A finding's title as every format shows it: "Not verified: ..." for "I don't know",
/// "... (partly)" for a partial gap.
pub fn finding_title(f: &crate::report::Finding) -> String {
    if f.claim {
        // An owner claim whose checks are unanswered: say what was claimed, not the gap
        // the question describes ("nobody is responsible").
        let area = f.area.as_deref().unwrap_or("this area").to_lowercase();
        format!("Not verified: who handles {area} (answered: {})", f.answer_label)
    } else if f.unverified {
        format!("Not verified: {}", f.finding)
    } else if f.gap == crate::bank::Gap::Partial {
        format!("{} (partly)", f.finding)
    } else {
        f.finding.to_string()
    }
}

/// What to say where the findings would be, when there are none.
pub(crate) fn no_findings_text(r: &Report) -> &'static str {
    if r.counts.answered == 0 {
        "Nothing answered yet."
    } else {
        "No gaps found in the answered questions."
    }
}
