//! The risk report for a terminal. It leads with a summary that fits one 80x24 screen (the
//! headline, the plan by who acts, the questions for the MSP with the command that sends
//! them); `--detailed` adds the rest: the plan in detail, the ranked findings table, scores
//! per domain, the responsibility matrix and the MSP tier, laid out with comfy-table.
//!
//! Everything fits the width it is given (wrapping, never truncating), reads the same
//! without colour (risk levels are words, not just colours), and every text that came from
//! a file is passed through [`terminal_line`] first.

use std::fmt::Write;

use comfy_table::{
    presets, Attribute, Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, Table,
    Width,
};

use super::{PortfolioPart, RenderError, Renderer};
use crate::bank::Severity;
use crate::portfolio;
use crate::report::{AcceptanceStatus, Finding, Report, ResponsibilityStatus};
use crate::sanitize::{terminal_line, wrap};
use unicode_width::UnicodeWidthStr;

/// How the table should look; decided by the caller (the binary knows the terminal).
#[derive(Debug, Clone, Copy)]
pub struct TableOptions {
    /// Columns available (at least 40 is used).
    pub width: usize,
    /// Whether to use colour.
    pub color: bool,
    /// Whether to add the details after the summary (the findings table, scores by domain,
    /// responsibilities, tier reasons, notes); the domain, answer and reference columns come
    /// with them from [`WIDE_ENOUGH_FOR_COLUMNS`] columns up.
    pub detailed: bool,
    /// Whether to draw with ASCII only (terminals without Unicode).
    pub ascii: bool,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            width: 80,
            color: false,
            detailed: false,
            ascii: false,
        }
    }
}

/// Renders reports for a terminal.
pub struct TableRenderer {
    options: TableOptions,
}

/// Cells longer than this (in bytes) are wrapped to the table's width before comfy-table sees
/// them: it keeps a column's widest line in a u16, and a line of 65,536 columns overflows it
/// (a panic in debug builds, a garbled layout in release ones). Shorter cells keep
/// comfy-table's own wrapping to their column.
const LONG_CELL: usize = 8 * 1024;

/// The questions for the MSP take at most this many lines; the rest are counted.
const VERIFY_LINES: usize = 10;

/// From this width on, the findings table of the detailed report adds the domain, answer and
/// reference columns (narrower, they would squeeze the finding and recommendation).
pub const WIDE_ENOUGH_FOR_COLUMNS: usize = 120;

/// The summary fits this many lines: a 24-row terminal less one for the prompt that follows
/// (the shell's, or the pager's). Only the number of questions shown adapts to it.
pub const SCREEN_LINES: usize = 23;

/// The summary shows at most this many questions for the MSP (the letter has them all).
const SUMMARY_QUESTIONS: usize = 3;

/// The interview's closing text lists this many actions (the report has them all).
const CLOSING_ACTIONS: usize = 5;

impl TableRenderer {
    /// A renderer with these options.
    pub fn new(mut options: TableOptions) -> Self {
        options.width = options.width.clamp(40, 400);
        TableRenderer { options }
    }

    /// A table with a line between rows, for rows that wrap onto several lines.
    fn table(&self) -> Table {
        self.styled_table(if self.options.ascii {
            presets::ASCII_FULL
        } else {
            presets::UTF8_FULL
        })
    }

    /// A table without lines between rows, for one-line rows.
    fn compact_table(&self) -> Table {
        self.styled_table(if self.options.ascii {
            presets::ASCII_FULL_CONDENSED
        } else {
            presets::UTF8_FULL_CONDENSED
        })
    }

    fn styled_table(&self, style: comfy_table::TableStyle) -> Table {
        let mut t = Table::new();
        t.load_style(style);
        t.set_content_arrangement(ContentArrangement::Dynamic);
        t.force_no_tty();
        t.set_width(self.options.width.min(u16::MAX as usize) as u16);
        if self.options.color {
            t.enforce_styling();
        }
        t
    }

    /// A cell for text that came from a file; see [`TableRenderer::cell_text`].
    fn text_cell(&self, text: &str) -> Cell {
        Cell::new(self.cell_text(text))
    }

    /// Text for a cell: safe for the terminal, and every word wider than the table broken
    /// into lines no wider than the table. comfy-table splits a long word one line at a time,
    /// measuring the rest of the word for each line: quadratic in the word's length (69 s for
    /// a 1 MB note). Words no wider than the table keep every step linear; comfy-table still
    /// wraps them to their column.
    fn cell_text(&self, text: &str) -> String {
        let line = terminal_line(text);
        let max = self.options.width;
        // A character is never wider than its UTF-8 bytes: short text needs no look.
        if line.len() <= max {
            return line.into_owned();
        }
        if line.len() > LONG_CELL {
            return wrap(&line, max).join("\n");
        }
        let options = textwrap::Options::new(max)
            .word_splitter(textwrap::WordSplitter::NoHyphenation)
            .break_words(true);
        let mut out = String::with_capacity(line.len() + line.len() / max);
        for (i, word) in line.split(' ').enumerate() {
            if i > 0 {
                out.push(' ');
            }
            if word.len() <= max || word.width() <= max {
                out.push_str(word);
            } else {
                out.push_str(&textwrap::wrap(word, &options).join("\n"));
            }
        }
        out
    }

    fn header_cells(&self, names: &[&str]) -> Vec<Cell> {
        names
            .iter()
            .map(|n| {
                let c = Cell::new(n);
                if self.options.color {
                    c.add_attribute(Attribute::Bold)
                } else {
                    c
                }
            })
            .collect()
    }

    fn bold(&self, s: &str) -> String {
        if self.options.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn risk_cell(&self, level: Severity, status: Option<AcceptanceStatus>) -> Cell {
        let mut text = level.id().to_uppercase();
        match status {
            Some(AcceptanceStatus::Accepted) => text.push_str("\naccepted"),
            Some(AcceptanceStatus::Expired) => text.push_str("\nexpired"),
            None => {}
        }
        let cell = Cell::new(text);
        if !self.options.color || status == Some(AcceptanceStatus::Accepted) {
            return cell;
        }
        match level {
            Severity::Critical => cell.fg(Color::Red).add_attribute(Attribute::Bold),
            Severity::High => cell.fg(Color::Red),
            Severity::Medium => cell.fg(Color::Yellow),
            Severity::Low => cell.fg(Color::Cyan),
        }
    }

    fn score_cell(&self, score: Option<u32>) -> Cell {
        let cell = Cell::new(score.map_or("-".to_string(), |s| s.to_string()))
            .set_alignment(CellAlignment::Right);
        match score {
            Some(s) if self.options.color => cell.fg(score_color(s)),
            _ => cell,
        }
    }

    fn bar(&self, score: Option<u32>) -> String {
        let Some(s) = score else {
            return String::new();
        };
        let filled = ((s as usize) + 5) / 10;
        let (full, empty) = if self.options.ascii {
            ('#', '.')
        } else {
            ('█', '░')
        };
        let mut bar = String::new();
        bar.extend(std::iter::repeat_n(full, filled));
        bar.extend(std::iter::repeat_n(empty, 10 - filled));
        bar
    }

    fn write_report(&self, out: &mut String, r: &Report) {
        self.write_screen(out, r);
        if !self.options.detailed {
            return;
        }
        self.write_rule(out);
        self.write_header(out, r);
        self.write_plan(out, r);
        self.write_verify(out, r);
        self.write_summary(out, r);
        self.write_findings(out, r);
        self.write_domains(out, r);
        self.write_responsibilities(out, r);
        self.write_tier(out, r);
        self.write_unanswered_and_notes(out, r);
    }

    fn paragraph(&self, out: &mut String, indent: &str, text: &str) {
        let width = self.options.width.saturating_sub(indent.chars().count());
        for line in wrap(&terminal_line(text), width) {
            let _ = writeln!(out, "{indent}{line}");
        }
    }

    /// A paragraph whose first line starts with `first` and the others with `rest`.
    fn hanging(&self, out: &mut String, first: &str, rest: &str, text: &str) {
        let width = self.options.width.saturating_sub(rest.width());
        for (i, line) in wrap(&terminal_line(text), width).iter().enumerate() {
            let _ = writeln!(out, "{}{line}", if i == 0 { first } else { rest });
        }
    }

    fn coloured_risk(&self, level: Severity) -> String {
        let word = format!("{:<8}", level.id().to_uppercase());
        if !self.options.color {
            return word;
        }
        let code = match level {
            Severity::Critical => "1;31",
            Severity::High => "31",
            Severity::Medium => "33",
            Severity::Low => "36",
        };
        format!("\x1b[{code}m{word}\x1b[0m")
    }

    /// The details' header: who assessed, from which file and bank, and how the score was
    /// reached (the summary above has the title and the headline).
    fn write_header(&self, out: &mut String, r: &Report) {
        let _ = writeln!(out, "{}", self.bold("Details"));
        let mut assessed = match (&r.assessed_on, &r.assessed_by) {
            (Some(on), Some(by)) => format!("Assessed {on} by {by}"),
            (Some(on), None) => format!("Assessed {on}"),
            (None, Some(by)) => format!("Assessed by {by} (date not given)"),
            (None, None) => "Assessment date not given".to_string(),
        };
        let _ = write!(
            assessed,
            " · answers: {} · bank: {}@{}",
            r.file, r.bank.id, r.bank.version
        );
        self.paragraph(out, "  ", &assessed);
        if let Some(how) = super::score_explanation(r) {
            self.paragraph(out, "  ", &how);
        }
        out.push('\n');
    }

    /// The plan in detail: a numbered list (a title needs the width more than a table's
    /// columns do), each action with who acts, its priority, what it closes and gains.
    fn write_plan(&self, out: &mut String, r: &Report) {
        let _ = writeln!(
            out,
            "{}",
            self.bold(&format!("{}, in detail", super::PLAN_TITLE))
        );
        if r.plan.is_empty() {
            self.paragraph(out, "  ", &super::empty_plan_text(r));
            out.push('\n');
            return;
        }
        let indent = " ".repeat(14);
        for a in &r.plan {
            let first = format!("{:>3}. {} ", a.rank, self.coloured_risk(a.risk));
            self.hanging(out, &first, &indent, &a.title);
            let meta = format!(
                "{} · {} · closes {} · {}",
                a.owner.label(),
                a.priority.label(),
                super::closes_text(a),
                super::gain_text(a)
            );
            self.hanging(out, &indent, &indent, &meta);
        }
        out.push('\n');
    }

    /// The questions for the MSP: at most [`VERIFY_LINES`] lines, then how many more.
    fn write_verify(&self, out: &mut String, r: &Report) {
        if r.verify.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "{}",
            self.bold(&format!("{} ({})", super::VERIFY_TITLE, r.verify.len()))
        );
        self.paragraph(out, "  ", &super::verify_intro(r));
        let questions = super::verify_questions(r);
        let width = self.options.width.saturating_sub(4).max(1);
        let mut used = 0;
        let mut shown = 0;
        for (id, text) in &questions {
            let lines = wrap(&terminal_line(&format!("{id}: {text}")), width);
            if used + lines.len() > VERIFY_LINES {
                break;
            }
            used += lines.len();
            shown += 1;
            for (i, line) in lines.iter().enumerate() {
                let _ = writeln!(out, "{}{line}", if i == 0 { "  - " } else { "    " });
            }
        }
        if shown < questions.len() {
            let _ = writeln!(out, "  ... and {} more", questions.len() - shown);
        }
        self.command(
            out,
            "  As a letter to your MSP: ",
            "      ",
            &super::ask_msp_command_parts(&r.file),
        );
        out.push('\n');
    }

    fn write_summary(&self, out: &mut String, r: &Report) {
        let _ = writeln!(out, "{}", self.bold("Summary"));
        let c = &r.counts;
        let rows = [
            ("Open findings", super::open_counts(r)),
            ("Answers", super::answers_text(r)),
            (
                "Accepted risks",
                format!("{} accepted, {} expired", c.accepted, c.expired),
            ),
            (
                "MSP tier",
                format!("{} (a rule of thumb: see why below)", &super::tier_text(r)),
            ),
        ];
        for (label, value) in rows {
            let indent = " ".repeat(17);
            let lines = wrap(&value, self.options.width.saturating_sub(17));
            for (i, line) in lines.iter().enumerate() {
                if i == 0 {
                    let _ = writeln!(out, "  {label:<15}{line}");
                } else {
                    let _ = writeln!(out, "{indent}{line}");
                }
            }
        }
        out.push('\n');
    }

    fn write_findings(&self, out: &mut String, r: &Report) {
        let _ = writeln!(out, "{}", self.bold("Findings, most urgent first"));
        if r.findings.is_empty() {
            let _ = writeln!(out, "  {}\n", super::no_findings_text(r));
            return;
        }
        let detailed = self.options.width >= WIDE_ENOUGH_FOR_COLUMNS;
        let mut t = self.table();
        let mut names = vec!["#", "Risk", "ID", "Finding", "Recommendation", "Who acts"];
        if detailed {
            names.extend(["Domain", "Answer", "Reference"]);
        }
        t.set_header(self.header_cells(&names));
        for f in &r.findings {
            let mut row = vec![
                Cell::new(f.rank).set_alignment(CellAlignment::Right),
                self.risk_cell(f.risk, f.acceptance.as_ref().map(|a| a.status)),
                self.text_cell(&f.question),
                self.text_cell(&finding_text(f)),
                self.text_cell(&f.recommendation),
                Cell::new(f.who_acts.label()),
            ];
            if detailed {
                row.push(self.text_cell(&f.domain_title));
                row.push(self.text_cell(&f.answer_label));
                row.push(self.text_cell(&reference_text(f)));
            }
            t.add_row(row);
        }
        // The short columns keep their natural width; the text columns share the rest.
        for i in [0, 1, 2] {
            if let Some(col) = t.column_mut(i) {
                col.set_constraint(ColumnConstraint::ContentWidth);
            }
        }
        // "You: ask your MSP" wraps after "ask": the text columns need the width more.
        if let Some(col) = t.column_mut(5) {
            col.set_constraint(ColumnConstraint::UpperBoundary(Width::Fixed(10)));
        }
        // The recommendation is the longest text: give the finding at most a third.
        if let Some(col) = t.column_mut(3) {
            col.set_constraint(ColumnConstraint::Boundaries {
                lower: Width::Fixed(14),
                upper: Width::Percentage(if detailed { 20 } else { 33 }),
            });
        }
        let _ = writeln!(out, "{t}");
        let accepted: Vec<&Finding> = r
            .findings
            .iter()
            .filter(|f| f.acceptance.is_some())
            .collect();
        for f in accepted {
            let Some(a) = &f.acceptance else { continue };
            let mut line = format!(
                "{} risk {}: {}",
                f.question,
                if a.status == AcceptanceStatus::Expired {
                    "acceptance EXPIRED"
                } else {
                    "accepted"
                },
                a.justification
            );
            if let Some(by) = &a.approved_by {
                let _ = write!(line, " (approved by {by}");
                match &a.expires {
                    Some(e) => {
                        let _ = write!(line, ", until {e})");
                    }
                    None => line.push(')'),
                }
            } else if let Some(e) = &a.expires {
                let _ = write!(line, " (until {e})");
            }
            self.paragraph(out, "  ", &line);
        }
        out.push('\n');
    }

    fn write_domains(&self, out: &mut String, r: &Report) {
        let _ = writeln!(
            out,
            "{}",
            self.bold("Scores by domain (0-100, higher is better)")
        );
        let mut t = self.compact_table();
        t.set_header(self.header_cells(&["Domain", "Score", "", "Findings", "Unanswered"]));
        for d in &r.domains {
            t.add_row(vec![
                self.text_cell(&format!("{} {}", d.id, d.title)),
                self.score_cell(d.score.score),
                Cell::new(self.bar(d.score.score)),
                Cell::new(d.findings).set_alignment(CellAlignment::Right),
                Cell::new(d.unanswered).set_alignment(CellAlignment::Right),
            ]);
        }
        for i in 1..5 {
            if let Some(col) = t.column_mut(i) {
                col.set_constraint(ColumnConstraint::ContentWidth);
            }
        }
        let _ = writeln!(out, "{t}\n");
    }

    fn write_responsibilities(&self, out: &mut String, r: &Report) {
        if r.responsibilities.is_empty() {
            return;
        }
        let _ = writeln!(out, "{}", self.bold("Who is responsible for what"));
        let mut t = self.compact_table();
        t.set_header(self.header_cells(&["Area", "Responsible", "In the contract?", "Status"]));
        for resp in &r.responsibilities {
            let status = Cell::new(resp.status.label());
            let status = match resp.status {
                ResponsibilityStatus::Nobody | ResponsibilityStatus::Unknown
                    if self.options.color =>
                {
                    status.fg(Color::Red).add_attribute(Attribute::Bold)
                }
                ResponsibilityStatus::NotConfirmed
                | ResponsibilityStatus::PartlyConfirmed
                | ResponsibilityStatus::ToVerify
                    if self.options.color =>
                {
                    status.fg(Color::Yellow)
                }
                _ => status,
            };
            t.add_row(vec![
                self.text_cell(&resp.area),
                if resp.owner_label.is_empty() {
                    Cell::new("-")
                } else {
                    self.text_cell(&resp.owner_label)
                },
                self.text_cell(resp.contract_cell()),
                status,
            ]);
        }
        let _ = writeln!(out, "{t}\n");
    }

    fn write_tier(&self, out: &mut String, r: &Report) {
        let _ = writeln!(
            out,
            "{}",
            self.bold(&format!("MSP capability tier: {}", &super::tier_text(r)))
        );
        for reason in &r.msp_tier.reasons {
            let lines = wrap(&terminal_line(reason), self.options.width.saturating_sub(4));
            for (i, line) in lines.iter().enumerate() {
                let _ = writeln!(out, "{}{line}", if i == 0 { "  - " } else { "    " });
            }
        }
        out.push('\n');
    }

    fn write_unanswered_and_notes(&self, out: &mut String, r: &Report) {
        if !r.unanswered.is_empty() {
            let ids: Vec<&str> = r.unanswered.iter().map(|u| u.question.as_str()).collect();
            self.paragraph(
                out,
                "",
                &format!("Unanswered ({}): {}", ids.len(), ids.join(", ")),
            );
            self.paragraph(out, "  ", "Until answered, they count as gaps to verify, like \"I don't know\"; answer them, or write `unknown` if nobody knows.");
            out.push('\n');
        }
        if !r.notes.is_empty() {
            let _ = writeln!(out, "{}", self.bold("Notes"));
            for note in &r.notes {
                let lines = wrap(&terminal_line(note), self.options.width.saturating_sub(4));
                for (i, line) in lines.iter().enumerate() {
                    let _ = writeln!(out, "{}{line}", if i == 0 { "  - " } else { "    " });
                }
            }
            out.push('\n');
        }
    }

    /// A line between the summary and the details, or between reports.
    fn write_rule(&self, out: &mut String) {
        let rule = if self.options.ascii { "-" } else { "─" };
        let _ = writeln!(out, "\n{}\n", rule.repeat(self.options.width.min(80)));
    }

    /// The summary for one screen: title, headline and tier; the plan by who acts; the
    /// questions for the MSP with the command that writes them as a letter. At 80 columns it
    /// fits [`SCREEN_LINES`]: as many of the most urgent questions are shown as fit (at least
    /// one, at most [`SUMMARY_QUESTIONS`]).
    fn write_screen(&self, out: &mut String, r: &Report) {
        let mut top = String::new();
        self.write_title(&mut top, r);
        top.push('\n');
        let mut heading = super::PLAN_TITLE.to_string();
        if !self.options.detailed && !r.plan.is_empty() {
            heading.push_str(" (add --detailed for the findings behind each)");
        }
        self.heading(&mut top, &heading);
        if r.plan.is_empty() {
            self.paragraph(&mut top, "  ", &super::empty_plan_text(r));
        } else {
            self.write_plan_by_owner(&mut top, r, r.plan.len());
        }
        out.push_str(&top);
        if r.verify.is_empty() {
            return;
        }
        // No blank line before this heading: the plan above is indented, and the line is
        // what lets the summary of every sample fit 80x24.
        let n = r.verify.len();
        let mut head = String::new();
        self.heading(
            &mut head,
            // Sent first: every answer still to verify counts as a gap until the MSP answers.
            &if n == 1 {
                format!("{} (1): send it first:", super::VERIFY_TITLE)
            } else {
                format!(
                    "{} ({n}, the most urgent below): send them first:",
                    super::VERIFY_TITLE
                )
            },
        );
        self.command(
            &mut head,
            "  ",
            "    ",
            &super::ask_msp_command_parts(&r.file),
        );
        let questions = super::verify_questions(r);
        let width = self.options.width.saturating_sub(4).max(1);
        let mut used = top.lines().count() + head.lines().count();
        out.push_str(&head);
        for (shown, (id, text)) in questions.iter().take(SUMMARY_QUESTIONS).enumerate() {
            let lines = wrap(&terminal_line(&format!("{id}: {text}")), width);
            if shown > 0 && used + lines.len() > SCREEN_LINES {
                break;
            }
            used += lines.len();
            for (i, line) in lines.iter().enumerate() {
                let _ = writeln!(out, "{}{line}", if i == 0 { "  - " } else { "    " });
            }
        }
    }

    /// "MSP risk report: NAME, assessed DATE", the headline and the MSP tier.
    fn write_title(&self, out: &mut String, r: &Report) {
        let name = r
            .organization
            .as_deref()
            .unwrap_or("(organisation not named)");
        let mut title = format!("MSP risk report: {}", terminal_line(name));
        if let Some(on) = &r.assessed_on {
            let _ = write!(title, ", assessed {on}");
        }
        for line in wrap(&title, self.options.width) {
            let _ = writeln!(out, "{}", self.bold(&line));
        }
        for line in wrap(&super::headline(r), self.options.width) {
            let _ = writeln!(out, "{}", self.bold(&line));
        }
        if let Some(waiting) = super::waiting_on_msp(r) {
            self.hanging(out, "", "  ", &waiting);
        }
        if let Some(replied) = super::reply::reply_summary(r) {
            self.hanging(out, "", "  ", &replied);
        }
        self.hanging(out, "", "  ", &format!("MSP tier: {}", super::tier_text(r)));
    }

    /// A section heading, wrapped, bold when colour is on.
    fn heading(&self, out: &mut String, text: &str) {
        for line in wrap(text, self.options.width) {
            let _ = writeln!(out, "{}", self.bold(&line));
        }
    }

    /// The first `limit` actions of the plan grouped by who acts ("You", "Your MSP", "You:
    /// ask your MSP"), groups in the order of their most urgent action, each action under
    /// its rank: the owner is said once per group, which leaves the width to the titles.
    fn write_plan_by_owner(&self, out: &mut String, r: &Report, limit: usize) {
        let shown: Vec<_> = r.plan.iter().take(limit).collect();
        let mut owners = Vec::new();
        for a in &shown {
            if !owners.contains(&a.owner) {
                owners.push(a.owner);
            }
        }
        let indent = " ".repeat(7);
        for owner in owners {
            let _ = writeln!(out, "  {}", owner.label());
            for a in shown.iter().filter(|a| a.owner == owner) {
                let first = format!("   {:>2}. ", a.rank);
                self.hanging(out, &first, &indent, &a.title);
            }
        }
    }

    /// A command after `lead`, broken only between its words, with ` \` ending each line
    /// that goes on, so that it can be copied into a shell as it is printed.
    fn command(&self, out: &mut String, lead: &str, cont: &str, words: &[&str]) {
        let width = self.options.width;
        let mut line = lead.to_string();
        let mut empty = true;
        for (i, word) in words.iter().enumerate() {
            let more = if i + 1 < words.len() { 2 } else { 0 };
            if !empty && line.width() + 1 + word.width() + more > width {
                let _ = writeln!(out, "{line} \\");
                line = cont.to_string();
                empty = true;
            }
            if !empty {
                line.push(' ');
            }
            line.push_str(word);
            empty = false;
        }
        let _ = writeln!(out, "{line}");
    }

    /// The text that ends the interview: the headline, the questions for the MSP to send
    /// first (with the command), the first actions with who acts, and where the answers and
    /// the reports are. `program` is how to run this program again; `file` the answers file
    /// as shown.
    pub fn closing(
        &self,
        r: &Report,
        program: &str,
        file: &str,
        letter: &LetterNote<'_>,
    ) -> String {
        let mut out = String::from("\n");
        self.write_title(&mut out, r);
        out.push('\n');
        let typed = super::typable_file(&r.file);
        let questions = letter.questions();
        if questions > 0 {
            // No count here: the letter also asks the MSP to confirm the areas it owns, so
            // its count differs from the report's questions to verify; the letter says both.
            self.heading(&mut out, "First, send your MSP its questions, as a letter:");
            match letter {
                LetterNote::Written { path, .. } => {
                    self.paragraph(&mut out, "  ", &format!("it is written, in {path}"));
                }
                LetterNote::Command { .. } => {
                    let [_, file, output] = super::ask_msp_command_parts(&r.file);
                    let ask = format!("{program} ask-msp");
                    self.command(&mut out, "  ", "    ", &[&ask, file, output]);
                }
            }
        }
        if r.plan.is_empty() {
            self.paragraph(&mut out, "", &super::empty_plan_text(r));
        } else {
            let more = r.plan.len().saturating_sub(CLOSING_ACTIONS);
            let mut heading = if questions == 0 {
                "Start with".to_string()
            } else {
                "Then start with".to_string()
            };
            if more > 0 {
                let _ = write!(heading, " (and {more} more in the report)");
            }
            heading.push(':');
            self.heading(&mut out, &heading);
            self.write_plan_by_owner(&mut out, r, CLOSING_ACTIONS);
        }
        out.push('\n');
        self.paragraph(
            &mut out,
            "",
            &format!("Your answers are saved in {file} (readable only by you)."),
        );
        let report = format!("{program} report");
        let hints: [(&str, Vec<&str>); 3] = [
            ("The report:", vec![&report, typed]),
            ("Every finding:", vec![&report, typed, "--detailed"]),
            (
                "A page to print:",
                vec![&report, typed, "--output report.html"],
            ),
        ];
        for (label, all) in hints {
            let lead = format!("{label:<17}");
            let fits = lead.width() + all.iter().map(|w| w.width() + 1).sum::<usize>()
                <= self.options.width;
            if fits {
                self.command(&mut out, &lead, "    ", &all);
            } else {
                let _ = writeln!(out, "{label}");
                self.command(&mut out, "  ", "    ", &all);
            }
        }
        out
    }

    /// The portfolio table for `rows` (worst first) out of `total` organisations.
    pub fn portfolio_table(&self, rows: &[portfolio::PortfolioRow], total: usize) -> String {
        let mut out = String::new();
        let title = if rows.len() < total {
            format!(
                "Portfolio: the {} highest-risk of {total} organisations",
                rows.len()
            )
        } else {
            format!("Portfolio: {total} organisations, highest risk first")
        };
        let _ = writeln!(out, "{}", self.bold(&title));
        let mut t = self.compact_table();
        t.set_header(self.header_cells(&[
            "Organisation",
            "Assessed",
            "Score",
            "Rating",
            "Tier",
            "Crit",
            "High",
            "Unknown",
        ]));
        for row in rows {
            let tier = match row.msp_tier {
                crate::report::Tier::Undetermined => "?",
                crate::report::Tier::Minimal => "minimal",
                crate::report::Tier::Some => "some",
                crate::report::Tier::Comprehensive => "full",
            };
            t.add_row(vec![
                self.text_cell(&row.organization),
                self.text_cell(row.assessed_on.as_deref().unwrap_or("-")),
                self.score_cell(row.score),
                Cell::new(row.rating.label()),
                Cell::new(tier),
                Cell::new(row.critical).set_alignment(CellAlignment::Right),
                Cell::new(row.high).set_alignment(CellAlignment::Right),
                Cell::new(row.unknown).set_alignment(CellAlignment::Right),
            ]);
        }
        // Only the organisation's name may wrap; dates, words and numbers stay whole.
        if let Some(col) = t.column_mut(0) {
            col.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(12)));
        }
        for i in 1..8 {
            if let Some(col) = t.column_mut(i) {
                col.set_constraint(ColumnConstraint::ContentWidth);
            }
        }
        let _ = writeln!(out, "{t}");
        self.paragraph(
            &mut out,
            "",
            "Tier: the MSP's cybersecurity focus, minimal, some or full (comprehensive), by msp-risk's rule of thumb; ? = not determined. \
             Crit, High: open findings. Unknown: \"I don't know\" answers.",
        );
        out
    }
}

fn score_color(score: u32) -> Color {
    match score {
        85.. => Color::Green,
        70..=84 => Color::Cyan,
        50..=69 => Color::Yellow,
        _ => Color::Red,
    }
}

fn finding_text(f: &Finding) -> String {
    let mut s = terminal_line(&super::finding_title(f)).into_owned();
    if let Some(note) = super::finding_note(f) {
        let _ = write!(s, " (note: {})", terminal_line(&note));
    }
    s
}

fn reference_text(f: &Finding) -> String {
    let refs: Vec<String> = f
        .references
        .iter()
        .map(|r| format!("{} {} [{}]", r.source, r.section, r.evidence.id()))
        .collect();
    terminal_line(&refs.join("; ")).into_owned()
}

impl Renderer for TableRenderer {
    fn render(&self, report: &Report) -> Result<String, RenderError> {
        let mut out = String::new();
        self.write_report(&mut out, report);
        Ok(out)
    }

    fn portfolio_part(&self, part: PortfolioPart<'_>) -> Result<String, RenderError> {
        let mut out = String::new();
        match part {
            PortfolioPart::Report { report, .. } => {
                self.write_report(&mut out, report);
                self.write_rule(&mut out);
            }
            PortfolioPart::End { rows, total } => {
                let worst: Vec<_> = rows.take(portfolio::TABLE_ROWS).collect();
                out.push_str(&self.portfolio_table(&worst, total));
            }
        }
        Ok(out)
    }
}

/// The letter to the MSP at the end of an interview: already written (where, and how many
/// questions it asks), or to write with `ask-msp`. The count is the letter's own
/// (`ask_msp::question_count`), so every place that shows it agrees.
#[derive(Debug, Clone, Copy)]
pub enum LetterNote<'a> {
    /// The interview wrote the letter.
    Written {
        /// Where, as shown to the person.
        path: &'a str,
        /// How many questions it asks.
        questions: usize,
    },
    /// The owner writes it with `msp-risk ask-msp`.
    Command {
        /// How many questions it would ask.
        questions: usize,
    },
}

impl LetterNote<'_> {
    fn questions(&self) -> usize {
        match self {
            LetterNote::Written { questions, .. } | LetterNote::Command { questions } => *questions,
        }
    }
}
