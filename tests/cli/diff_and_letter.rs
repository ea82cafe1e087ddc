//! `diff` between two assessments, and the `ask-msp` letter.

use serde_json::Value;

use crate::{msp, repo, stderr_of, stdout_of};

fn small(dir: &std::path::Path, name: &str, answers: &str) -> String {
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!("bank: small-test@2.0.0\norganization: Gate Co\n{answers}"),
    )
    .unwrap();
    path.display().to_string()
}

fn diff(old: &str, new: &str, extra: &[&str]) -> (i32, String) {
    let out = msp()
        .args([
            "--bank",
            "tests/fixtures/banks/small.yaml",
            "diff",
            old,
            new,
        ])
        .args(extra)
        .current_dir(repo(""))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        stdout_of(&out) + &stderr_of(&out),
    )
}

#[test]
fn diff_lists_new_resolved_worse_and_better_findings() {
    let dir = tempfile::tempdir().unwrap();
    let old = small(
        dir.path(),
        "old.yaml",
        "answers:\n  ACC-01: no\n  ACC-03: app\n  BCK-01: nobody\n",
    );
    let new = small(
        dir.path(),
        "new.yaml",
        "answers:\n  ACC-01: yes\n  ACC-03: none\n  BCK-01: unknown\n  BCK-03: no\n",
    );
    let (code, text) = diff(&old, &new, &["--format", "json"]);
    assert_eq!(code, 0, "{text}");
    let d: Value = serde_json::from_str(&text).unwrap();
    let ids = |key: &str| -> Vec<String> {
        d[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["question"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids("resolved"), ["ACC-01"]);
    assert_eq!(ids("worse"), ["ACC-03"]); // partial (medium) to full (high)
    assert_eq!(ids("new_findings"), ["BCK-03"]);
    assert_eq!(ids("better"), ["BCK-01"]); // a confirmed "nobody" became an unverified "unknown"
    assert!(d["overall"]["old"].as_u64() < d["overall"]["new"].as_u64());

    let (code, text) = diff(&old, &new, &["--fail-on-regression"]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("New findings (1):\n  LOW BCK-03: No offline backup copy"),
        "{text}"
    );
    assert!(
        text.contains("Worse (1):\n  ACC-03: MSP sign-ins are weakly protected (medium -> high"),
        "{text}"
    );
    assert!(text.contains("Result: something got worse"));
}

#[test]
fn diff_passes_the_gate_when_nothing_got_worse() {
    let dir = tempfile::tempdir().unwrap();
    let old = small(
        dir.path(),
        "old.yaml",
        "answers:\n  ACC-01: no\n  ACC-03: none\n",
    );
    let new = small(
        dir.path(),
        "new.yaml",
        "answers:\n  ACC-01: partial\n  ACC-03: none\n",
    );
    let (code, text) = diff(&old, &new, &["--fail-on-regression"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("Overall score: 0 -> 14 (+14)"), "{text}");
    assert!(text.contains("Result: nothing got worse."));
}

#[test]
fn diff_reports_accepted_risks_that_expired() {
    let dir = tempfile::tempdir().unwrap();
    let risk = |expires: &str| {
        format!("answers:\n  ACC-01: no\naccepted_risks:\n  - question: ACC-01\n    justification: x\n    expires: {expires}\n")
    };
    let old = small(dir.path(), "old.yaml", &risk("2027-01-01"));
    let new = small(dir.path(), "new.yaml", &risk("2026-01-01"));
    let (code, text) = diff(&old, &new, &["--fail-on-regression"]);
    assert_eq!(code, 1);
    assert!(
        text.contains("Accepted risks now expired: ACC-01"),
        "{text}"
    );
}

#[test]
fn diff_of_an_invalid_file_is_exit_2() {
    let (code, text) = diff(
        "tests/fixtures/answers/bad/invalid-answer.yaml",
        "tests/fixtures/answers/good/small-all-kinds.yaml",
        &[],
    );
    assert_eq!(code, 2, "{text}");
}

#[test]
fn the_letter_asks_about_every_unknown_and_every_area_the_msp_owns() {
    let file = "questionnaires/examples/dental-practice-minimal.yaml";
    let out = msp()
        .args(["ask-msp", file, "--msp-name", "Acme IT"])
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let letter = stdout_of(&out);
    assert!(
        letter.starts_with("# Questions for Acme IT from Lakeside Family Dental, PLLC\n"),
        "{letter}"
    );
    let report: Value = serde_json::from_slice(
        &msp()
            .args(["report", file, "--format", "json"])
            .current_dir(repo(""))
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let mut expected = 0;
    for q in report["questions"].as_array().unwrap() {
        let answer = q["answer"].as_str().unwrap_or("");
        let asked = q["status"] != "not_asked";
        let ownership_msp = matches!(answer, "msp" | "shared");
        if asked && (answer == "unknown" || ownership_msp) {
            expected += 1;
            assert!(
                letter.contains(&format!("*Our reference:* {}", q["id"].as_str().unwrap())),
                "{} missing",
                q["id"]
            );
        }
    }
    assert!(expected > 0);
    // Besides those, every question about what the MSP does that the owner answered from
    // belief, for the MSP to confirm.
    let asked = letter.matches("*Our reference:*").count();
    assert!(asked > expected, "{asked} <= {expected}");
    let confirm = letter.matches("We believe the answer is").count();
    assert!(confirm > 0 && confirm <= asked - expected, "{confirm}");
    assert_eq!(letter.matches("*Evidence that would help:*").count(), asked);
    assert_eq!(
        letter
            .matches("*Why it matters (from our checklist):*")
            .count(),
        asked
    );
    assert!(letter.contains("\n## "), "grouped by topic");
}

#[test]
fn the_letter_escapes_text_and_can_be_written_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("a.yaml");
    std::fs::write(&answers, "bank: small-test@2.0.0\norganization: \"<b>Evil</b> | Co\"\nanswers:\n  ACC-01: unknown\n  BCK-01: shared\n").unwrap();
    let letter_path = dir.path().join("letter.md");
    let out = msp()
        .args(["--bank", "tests/fixtures/banks/small.yaml", "ask-msp"])
        .arg(&answers)
        .arg("--output")
        .arg(&letter_path)
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let letter = std::fs::read_to_string(&letter_path).unwrap();
    assert!(
        letter.contains("from &lt;b&gt;Evil&lt;/b&gt; \\| Co"),
        "{letter}"
    );
    assert!(
        letter.contains("Can you help us answer this question: Are unused accounts switched off?")
    );
    assert!(
        letter.contains("We understand that you and we are jointly responsible for backups."),
        "{letter}"
    );
}

#[test]
fn deleting_an_answer_is_not_resolving_its_gap() {
    let dir = tempfile::tempdir().unwrap();
    let old = small(
        dir.path(),
        "old.yaml",
        "answers:\n  ACC-01: yes\n  ACC-02: no\n  ACC-03: none\n",
    );
    // ACC-03 blanked out; ACC-01 changed so its follow-up ACC-02 no longer applies.
    let new = small(
        dir.path(),
        "new.yaml",
        "answers:\n  ACC-01: no\n  ACC-02: no\n  ACC-03:\n",
    );
    let (code, text) = diff(&old, &new, &["--fail-on-regression"]);
    assert_eq!(code, 1, "a removed answer is a regression: {text}");
    assert!(
        text.contains("No longer answered (the gap is not resolved) (1):\n  HIGH ACC-03"),
        "{text}"
    );
    assert!(
        text.contains("No longer asked (the answer they follow changed) (1):\n  MEDIUM ACC-02"),
        "{text}"
    );
    assert!(!text.contains("Resolved"), "{text}");
}
