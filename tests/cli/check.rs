//! `check`: the CI gate's exit codes and what it prints.

use crate::{fixture, msp, stderr_of, stdout_of};

fn small_check(answers: &str, extra: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.yaml");
    std::fs::write(
        &path,
        format!("bank: small-test@2.0.0\norganization: Gate Co\n{answers}"),
    )
    .unwrap();
    let out = msp()
        .args(["--bank", &fixture("banks/small.yaml"), "check"])
        .arg(&path)
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        stdout_of(&out) + &stderr_of(&out),
    )
}

#[test]
fn passes_when_nothing_reaches_the_level() {
    let (code, out) = small_check(
        "answers:\n  ACC-01: yes\n  ACC-02: yes\n  ACC-03: security_key\n  BCK-01: us\n  BCK-03: no\n",
        &["--fail-on", "high"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("PASS  Gate Co ("), "{out}");
    assert!(out.contains("1 of 1 file(s) passed (--fail-on high)"));
}

#[test]
fn fails_on_a_finding_at_or_above_the_level_and_says_which() {
    let (code, out) = small_check(
        "answers:\n  ACC-01: no\n  BCK-03: no\n",
        &["--fail-on", "high"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("FAIL  Gate Co ("), "{out}");
    assert!(out.contains("1 open finding(s) at risk level high or above"));
    assert!(
        out.contains("CRITICAL ACC-01  Unused accounts are still active"),
        "{out}"
    );
    assert!(
        !out.contains("BCK-03"),
        "a low finding does not block a high gate: {out}"
    );
    // The same answers pass a critical-only gate once the critical gap is partly closed.
    let (code, _) = small_check("answers:\n  ACC-01: partial\n", &["--fail-on", "critical"]);
    assert_eq!(code, 0);
}

#[test]
fn unknown_answers_are_findings_too() {
    let (code, out) = small_check("answers:\n  ACC-01: unknown\n", &["--fail-on", "critical"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("Not verified: Unused accounts are still active"),
        "{out}"
    );
}

#[test]
fn accepted_risks_pass_until_they_expire() {
    let accepted = "answers:\n  ACC-01: no\n  ACC-03: security_key\n  BCK-01: us\n  BCK-03: yes\naccepted_risks:\n  - question: ACC-01\n    justification: compensating control\n    expires: 2027-01-31\n";
    let (code, out) = small_check(accepted, &["--fail-on", "low"]);
    assert_eq!(code, 0, "{out}");
    let expired = accepted.replace("2027-01-31", "2026-11-22");
    let (code, out) = small_check(&expired, &["--fail-on", "critical"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("1 accepted risk(s) past their expiry date"),
        "{out}"
    );
    // An expired acceptance fails the gate whatever its level.
    let low = "answers:\n  ACC-01: yes\n  ACC-02: yes\n  ACC-03: security_key\n  BCK-01: us\n  BCK-03: no\naccepted_risks:\n  - question: BCK-03\n    justification: x\n    expires: 2026-01-01\n";
    let (code, out) = small_check(low, &["--fail-on", "critical"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("LOW      BCK-03"), "{out}");
}

#[test]
fn a_blank_fails_the_gate_like_i_dont_know() {
    // Skipping never pays: BCK-01 (high) left blank fails a high gate, as "unknown" would.
    let blank = "answers:\n  ACC-01: yes\n  ACC-02: yes\n  ACC-03: security_key\n  BCK-03: yes\n";
    let (code, out) = small_check(blank, &["--fail-on", "high"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("1 unanswered question(s) at risk level high or above"),
        "{out}"
    );
    let unknown = blank.replace("BCK-03: yes", "BCK-01: unknown\n  BCK-03: yes");
    let (code, _) = small_check(&unknown, &["--fail-on", "high"]);
    assert_eq!(code, 1);
    let (code, out) = small_check(blank, &["--fail-on", "critical"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn limits_on_unknown_and_unanswered_answers() {
    let answers = "answers:\n  ACC-01: yes\n  ACC-02: unknown\n";
    let (code, out) = small_check(answers, &["--fail-on", "critical", "--max-unknown", "0"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("1 \"I don't know\" answer(s), more than the 0 allowed"));
    let (code, _) = small_check(answers, &["--fail-on", "critical", "--max-unknown", "1"]);
    assert_eq!(code, 0);
    let (code, out) = small_check(answers, &["--fail-on", "critical", "--max-unanswered", "2"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("3 unanswered question(s), more than the 2 allowed"),
        "{out}"
    );
    let (code, _) = small_check(answers, &["--fail-on", "critical", "--max-unanswered", "3"]);
    assert_eq!(code, 0);
}

#[test]
fn an_invalid_file_is_exit_2_even_when_others_fail_the_gate() {
    let out = msp()
        .args([
            "check",
            &fixture("answers/bad/invalid-answer.yaml"),
            "--fail-on",
            "high",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn fail_on_is_required_and_checked() {
    let out = msp().args(["check", "x.yaml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("--fail-on"));
    let out = msp()
        .args(["check", "x.yaml", "--fail-on", "severe"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("possible values: critical, high, medium, low"));
}
