//! What the user typed: the clap definitions. Doc comments here are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit codes:
  0    success; for `check`, the gate passed
  1    `check` found what the gate forbids; `diff --fail-on-regression` found something worse
  2    an error: bad usage, an unreadable or invalid file, a file that cannot be written
  130  stopped by Ctrl-C or SIGTERM (or Esc in the interview): answers so far are saved,
       and no partial output file is left

Examples:
  msp-risk interview                          # answer the questions; saved in answers.yaml
  msp-risk template --output answers.yaml     # a blank answers file to fill in
  msp-risk report answers.yaml                # the risk report
  msp-risk check answers.yaml --fail-on high  # CI gate
  msp-risk ask-msp answers.yaml -o letter.md  # questions to send your MSP
  msp-risk report clients/ --output-dir out/ --format html,csv   # every client + portfolio.csv
  msp-risk bank list                          # every question";

/// Assess the cyber risk of relying on a managed service provider (MSP).
///
/// A questionnaire derived from CISA's guidance for MSP customers turns your answers into a
/// ranked list of gaps, each with what to do, who should do it, and where the guidance says so.
#[derive(Debug, Parser)]
#[command(name = "msp-risk", version, after_help = EXIT_CODES, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Use this questionnaire bank instead of the embedded one (it is checked like `bank lint`)
    #[arg(long, global = true, value_name = "FILE")]
    pub bank: Option<PathBuf>,

    /// When to use colour (NO_COLOR=1 in the environment also turns it off)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Width of the output in columns (default: the terminal's width, or $COLUMNS, or 80)
    #[arg(long, global = true, value_name = "COLUMNS")]
    pub width: Option<usize>,

    /// Plain output for terminals without Unicode: ASCII tables and prompts
    #[arg(long, global = true, visible_alias = "plain")]
    pub ascii: bool,

    /// Print a long report straight to the terminal instead of through the pager
    /// ($MSP_RISK_PAGER, else $PAGER, else `less -FRX`; never used when output is not a terminal)
    #[arg(long, global = true)]
    pub no_pager: bool,

    /// The date used to decide whether accepted risks have expired, as YYYY-MM-DD
    /// (default: $SOURCE_DATE_EPOCH if set, otherwise today)
    #[arg(long, global = true, value_name = "DATE", value_parser = parse_date)]
    pub today: Option<chrono::NaiveDate>,
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    msp_risk::answers::parse_date(s)
        .ok_or_else(|| format!("`{s}` is not a date; write it as YYYY-MM-DD"))
}

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is not set
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Answer the questionnaire in the terminal, one question at a time
    ///
    /// Every answer is saved the moment it is given; run the same command again to carry on
    /// where you stopped. Needs a terminal: to score a file without one, use `report` or
    /// `check` (and `template` for a blank file to fill in).
    #[command(after_help = "\
Examples:
  msp-risk interview                              # answers saved in ./answers.yaml
  msp-risk interview --answers dental-2026.yaml   # start or resume this file
  msp-risk --plain interview                      # for terminals without Unicode or colour")]
    Interview(InterviewArgs),

    /// Score answers files and print the risk report
    #[command(after_help = "\
Examples:
  msp-risk report answers.yaml                # the summary: score, plan, questions for the MSP
  msp-risk report answers.yaml --detailed     # and every finding (through the pager)
  msp-risk report answers.yaml --detailed --width 160 > report.txt
  msp-risk report answers.yaml --format markdown > report.md
  msp-risk report answers.yaml --output report.html --output findings.csv --output junit:ci.xml
  msp-risk report clients/*.yaml              # one report each, then a portfolio table
  msp-risk report clients/ --output-dir out --format html,csv   # batch: per client + portfolio.csv")]
    Report(ReportArgs),

    /// CI gate: exit 1 if the answers show what the policy forbids
    #[command(after_help = "\
Exit code 0 when every file passes, 1 when any fails, 2 when a file is invalid.
Accepted risks do not fail the gate until they expire; expired ones always fail it.

Examples:
  msp-risk check answers.yaml --fail-on high
  msp-risk check answers.yaml --fail-on critical --max-unknown 5 --max-unanswered 0")]
    Check(CheckArgs),

    /// Compare two assessments of the same organisation: what got better or worse
    #[command(after_help = "\
Exit code 0, or 1 with --fail-on-regression when anything got worse (a new or worse finding,
a lower overall or domain score, an accepted risk that expired); 2 on an invalid file.

Examples:
  msp-risk diff answers-2026-05.yaml answers-2026-11.yaml
  msp-risk diff old.yaml new.yaml --fail-on-regression      # in CI")]
    Diff(DiffArgs),

    /// Write the questions for your MSP: a letter, or a reply form (workbook or YAML) to
    /// fill in and return: every "I don't know", every area you believe the MSP owns, and
    /// every question about what the MSP does that it has not answered itself
    #[command(
        name = "ask-msp",
        after_help = "\
Examples:
  msp-risk ask-msp answers.yaml --msp-name \"Acme IT\" --output questions-for-acme.md
  msp-risk ask-msp answers.yaml --output reply.xlsx    # a form the MSP fills in and returns
  msp-risk ask-msp clients/*.yaml --output acme-reply.xlsx   # one form for several clients
  msp-risk ask-msp answers.yaml | pandoc -o questions.docx"
    )]
    AskMsp(AskMspArgs),

    /// Merge the MSP's answers from a returned reply form into answers files
    ///
    /// Each answer merged records that it came from the MSP (`source: msp`, who, when, its
    /// comment and evidence). Your own answer is never replaced silently: where the MSP's
    /// differs, yours is kept as `owner_answer` and the report shows a disagreement to settle.
    /// One reply can go into many clients' files; each must name the same MSP (`msp:`).
    #[command(
        name = "import-reply",
        after_help = "\
Exit code 0 when every file was merged, 2 when the reply or any file could not be (the others
are still merged).
Examples:
  msp-risk import-reply reply.xlsx answers.yaml --dry-run   # what would change
  msp-risk import-reply reply.xlsx answers.yaml
  msp-risk import-reply acme-reply.xlsx clients/*.yaml      # one MSP, many clients"
    )]
    ImportReply(ImportReplyArgs),

    /// Write a blank answers file: every question as a comment, ready to fill in
    #[command(after_help = "\
Examples:
  msp-risk template --output answers.yaml
  msp-risk template > answers.yaml")]
    Template(TemplateArgs),

    /// Print shell completions (bash, zsh, fish, powershell, elvish)
    #[command(after_help = "\
Examples:
  msp-risk completions bash > /etc/bash_completion.d/msp-risk
  msp-risk completions zsh > \"${fpath[1]}/_msp-risk\"
  msp-risk completions fish > ~/.config/fish/completions/msp-risk.fish")]
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },

    /// Print the man page (roff)
    #[command(after_help = "Example:\n  msp-risk man > msp-risk.1 && man ./msp-risk.1")]
    Man,

    /// Print the JSON Schema (draft-07) of answers files, banks or the JSON report
    #[command(after_help = "\
Examples:
  msp-risk schema answers > msp-risk-answers.schema.json   # editors check answers files with it
  msp-risk schema bank > msp-risk-bank.schema.json
  msp-risk schema report > report.schema.json              # describes `report --format json`")]
    Schema {
        /// Which format
        #[arg(value_enum)]
        kind: SchemaKind,
    },

    /// Benchmark baseline: read and parse answers files with the same parser and threads as
    /// a batch run, and do nothing else (see BENCHMARKS.md)
    #[command(name = "parse-floor", hide = true)]
    ParseFloor {
        /// Files or folders
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },

    /// Look at, check and copy the questionnaire bank
    #[command(
        subcommand,
        after_help = "\
Examples:
  msp-risk bank list
  msp-risk bank show MFA-01
  msp-risk bank export --output my-bank.yaml
  msp-risk bank lint my-bank.yaml"
    )]
    Bank(BankCommand),
}

#[derive(Debug, Args)]
pub struct InterviewArgs {
    /// The answers file to create or resume (written after every answer, owner-only)
    #[arg(long, short, value_name = "FILE", default_value = "answers.yaml")]
    pub answers: std::path::PathBuf,

    /// At the end, print the full report (every finding, scores by domain, who is
    /// responsible), not only the summary
    #[arg(long)]
    pub detailed: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Answers files, or folders (every *.yaml and *.yml inside, in sorted order); `-` reads
    /// standard input
    #[arg(required = true, value_name = "FILE|DIR")]
    pub files: Vec<PathBuf>,

    /// Format for standard output, or for a single --output without a FORMAT: prefix; with
    /// --output-dir, a comma-separated list of formats to write for each client
    #[arg(long, short, value_enum, value_delimiter = ',')]
    pub format: Vec<FormatArg>,

    /// Batch mode: write each client's reports (one file per client and format) and
    /// portfolio.csv into this folder, using every core; the portfolio is also printed
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    pub output_dir: Option<PathBuf>,

    /// Print only errors: no progress bar, portfolio table, notes or "Wrote ..." lines
    #[arg(long, short)]
    pub quiet: bool,

    /// Write a report file (atomically, owner-only) instead of printing; repeat for several.
    /// The format comes from FORMAT:PATH, or from the extension (.md .html .csv .json .xml
    /// for JUnit, .sarif, .oscal.json, .txt for the table)
    #[arg(long, short, value_name = "[FORMAT:]PATH")]
    pub output: Vec<std::ffi::OsString>,

    /// The full report after the one-screen summary: the plan in detail, every finding (with
    /// the domain, answer and reference columns from 120 columns up), scores by domain, who
    /// is responsible, the MSP tier's reasons and notes
    #[arg(long)]
    pub detailed: bool,

    /// For JUnit output: gaps at or above this risk level are failures
    #[arg(long, value_enum, value_name = "LEVEL", default_value_t = LevelArg::High)]
    pub fail_on: LevelArg,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// The risk report for a terminal
    Table,
    /// The whole report, with the inputs of every score, as JSON
    Json,
    /// A report for people, in Markdown
    #[value(alias = "md")]
    Markdown,
    /// A self-contained web page with charts; prints cleanly to PDF
    Html,
    /// The action plan, one row per finding, for a spreadsheet
    Csv,
    /// JUnit XML: a test case per question, failures at or above --fail-on
    Junit,
    /// SARIF 2.1.0 for code scanning, located at the answers' lines
    Sarif,
    /// NIST OSCAL assessment results (JSON) for GRC tools
    Oscal,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Answers files, or folders (every *.yaml and *.yml inside); `-` reads standard input
    #[arg(required = true, value_name = "FILE|DIR")]
    pub files: Vec<PathBuf>,

    /// Fail on any open finding at this risk level or above
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: LevelArg,

    /// Fail when more than N answers are "I don't know" (unknown), counting disagreements
    /// with the MSP not yet settled
    #[arg(long, value_name = "N")]
    pub max_unknown: Option<u32>,

    /// Fail when more than N questions that apply are unanswered
    #[arg(long, value_name = "N")]
    pub max_unanswered: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    Critical,
    High,
    Medium,
    Low,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SchemaKind {
    /// Answers files, for the bank in use (every question id with its answers)
    Answers,
    /// Questionnaire banks
    Bank,
    /// The JSON report (`report --format json`)
    Report,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older answers file
    pub old: PathBuf,
    /// The newer answers file
    pub new: PathBuf,
    /// Output format
    #[arg(long, short, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
    /// Exit 1 when anything got worse
    #[arg(long)]
    pub fail_on_regression: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DiffFormat {
    /// Plain text
    Table,
    /// JSON
    Json,
}

#[derive(Debug, Args)]
pub struct AskMspArgs {
    /// The answers file (several, for one reply form covering several clients)
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The MSP's name (default: the answers file's `msp:`)
    #[arg(long, value_name = "NAME")]
    pub msp_name: Option<String>,
    /// Write to this file instead of standard output: `*.xlsx` or `*.yaml` is a reply form
    /// for the MSP to fill in and return (never replaces a file), anything else the letter
    /// (atomically; never an input, a device or a symlink; `-` is standard output)
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportReplyArgs {
    /// The reply form the MSP returned (`*.xlsx` or `*.yaml`)
    pub reply: PathBuf,
    /// The answers files to merge it into, in place (a copy of each is kept as `*.bak`)
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Show what would change, and change nothing
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Print only errors
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Write to this file instead of standard output (never overwrites an existing file)
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum BankCommand {
    /// List the domains and questions
    #[command(after_help = "Example:\n  msp-risk bank list")]
    List,
    /// Show one question in full: why it matters, the fix, who acts, the references
    #[command(after_help = "Example:\n  msp-risk bank show MFA-01")]
    Show {
        /// Question id, like MFA-01
        id: String,
    },
    /// Check a bank file; lists every problem with its line and column
    #[command(after_help = "\
Exit code 0 when the bank is valid, 2 otherwise.

Example:
  msp-risk bank export --output my-bank.yaml   # copy, then edit
  msp-risk bank lint my-bank.yaml
  msp-risk --bank my-bank.yaml report answers.yaml")]
    Lint {
        /// The bank file to check
        file: PathBuf,
    },
    /// Print the bank in use (the embedded one unless --bank is given), to customise it
    #[command(after_help = "Example:\n  msp-risk bank export --output my-bank.yaml")]
    Export {
        /// Write to this file instead of standard output (never overwrites an existing file)
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
