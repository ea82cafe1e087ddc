//! Integration tests: they run the real `msp-risk` binary, as users and CI do.
//! One test binary (with modules) keeps link time down.

mod adversarial;
mod argv;
mod bad_answers;
mod bank_commands;
mod bank_quality;
mod batch;
mod check;
mod data_safety;
mod diff_and_letter;
mod embedded_bank;
mod faults;
mod formats;
mod help;
mod interview;
mod interview_safety;
mod interview_screens;
mod judgement;
mod migration;
mod print;
mod properties;
mod real_consumers;
mod reply_attacks;
mod report;
mod report_summary;
mod round_trip;
mod samples;
mod spreadsheets;
mod template;
mod text_safety;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The date every test runs "on", so expiry decisions and snapshots never change.
pub const TODAY: &str = "2026-11-23";

/// The binary, with a fixed date and no colour from the environment.
pub fn msp() -> Command {
    let mut cmd = Command::cargo_bin("msp-risk").expect("binary built");
    cmd.env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env_remove("SOURCE_DATE_EPOCH")
        .args(["--today", TODAY]);
    cmd
}

/// A path under the repository root.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A fixture path, relative to the repository root so messages are stable.
pub fn fixture(path: &str) -> String {
    format!("tests/fixtures/{path}")
}

/// Standard output as text.
pub fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
