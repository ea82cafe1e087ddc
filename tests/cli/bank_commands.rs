//! `bank list`, `bank show`, `bank export`, `bank lint` and `--bank`.

use crate::{fixture, msp, repo, stderr_of, stdout_of};

const SMALL: &str = include_str!("../fixtures/banks/small.yaml");

#[test]
fn the_embedded_bank_passes_lint() {
    let out = msp()
        .args(["bank", "lint", "questionnaires/cisa-msp-customer.yaml"])
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout_of(&out)
        .starts_with("questionnaires/cisa-msp-customer.yaml: valid bank cisa-msp-customer@2.0.0"));
}

#[test]
fn export_prints_exactly_the_embedded_bank() {
    let out = msp().args(["bank", "export"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let on_disk = std::fs::read_to_string(repo("questionnaires/cisa-msp-customer.yaml")).unwrap();
    assert_eq!(stdout_of(&out), on_disk);
}

#[test]
fn export_to_a_file_then_use_it_as_a_custom_bank() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("my-bank.yaml");
    let out = msp()
        .args(["bank", "export", "--output"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // Customise: rename the bank.
    let text =
        std::fs::read_to_string(&path)
            .unwrap()
            .replacen("id: cisa-msp-customer", "id: my-bank", 1);
    std::fs::write(&path, text).unwrap();
    let out = msp()
        .arg("--bank")
        .arg(&path)
        .args(["bank", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout_of(&out).starts_with("my-bank@2.0.0"));
    // Export refuses to overwrite.
    let out = msp()
        .args(["bank", "export", "--output"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("already exists"));
}

#[test]
fn list_shows_every_domain_and_question() {
    let out = msp().args(["bank", "list"]).output().unwrap();
    let text = stdout_of(&out);
    assert!(text.starts_with("cisa-msp-customer@2.0.0: "));
    for id in ["GOV-01", "MFA-01", "BCK-03", "FIN-05"] {
        assert!(text.contains(&format!("  {id} ")), "{id} missing");
    }
    assert!(text.contains("(follow-up of SHR-01)"));
    assert!(
        text.lines().all(|l| l.chars().count() <= 80),
        "fits 80 columns when piped"
    );
}

#[test]
fn show_gives_one_question_in_full() {
    let out = msp().args(["bank", "show", "mfa-01"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout_of(&out);
    assert!(text.starts_with("MFA-01\n"));
    for label in [
        "Question:",
        "Why it matters:",
        "What to do:",
        "Who acts:",
        "Reference:",
        "Severity:",
        "critical",
    ] {
        assert!(text.contains(label), "{label} missing in\n{text}");
    }
    let out = msp().args(["bank", "show", "MFA-42"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("there is no question `MFA-42`"));
}

#[test]
fn a_custom_bank_is_used_by_every_command() {
    let bank = fixture("banks/small.yaml");
    let out = msp()
        .args(["--bank", &bank, "bank", "show", "ACC-03"])
        .output()
        .unwrap();
    assert!(stdout_of(&out).contains("security_key (A physical security key)"));
    let out = msp().args(["--bank", &bank, "template"]).output().unwrap();
    assert!(stdout_of(&out).contains("bank: small-test@2.0.0"));
}

/// Writes a broken variant of the small bank and lints it.
fn lint_variant(edit: impl Fn(&str) -> String) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bank.yaml");
    std::fs::write(&path, edit(SMALL)).unwrap();
    let out = msp().args(["bank", "lint"]).arg(&path).output().unwrap();
    let stderr = stderr_of(&out).replace(path.to_str().unwrap(), "bank.yaml");
    (out.status.code().unwrap_or(-1), stderr)
}

#[test]
fn lint_reports_each_kind_of_problem_with_its_position() {
    type Edit = Box<dyn Fn(&str) -> String>;
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "duplicate id",
            Box::new(|s| s.replace("id: ACC-02", "id: ACC-01")),
            "bank.yaml:31:13: question id `ACC-01` is used twice (first at line 19)",
        ),
        (
            "unknown field",
            Box::new(|s| {
                s.replace(
                    "        why: Old accounts",
                    "        wy: typo\n        why: Old accounts",
                )
            }),
            "bank.yaml:22:9: unknown key `wy` in question ACC-01 (did you mean `why`?)",
        ),
        (
            "severity outside vocabulary",
            Box::new(|s| s.replacen("severity: critical", "severity: severe", 1)),
            "`severity: severe` is not allowed; use one of: low, medium, high, critical",
        ),
        (
            "consequence outside vocabulary",
            Box::new(|s| s.replacen("[data, systems]", "[data, reputation]", 1)),
            "unknown consequence `reputation` in question ACC-01",
        ),
        (
            "dangling condition",
            Box::new(|s| {
                s.replace(
                    "question: ACC-01\n          answer_in",
                    "question: ACC-09\n          answer_in",
                )
            }),
            "question ACC-02 is a follow-up of `ACC-09`, which does not exist",
        ),
        (
            "answer outside the parent's vocabulary",
            Box::new(|s| s.replace("answer_in: [msp, shared]", "answer_in: [msp, yes]")),
            "`yes` in `answer_in` of question BCK-02 is not an answer of BCK-01",
        ),
        (
            "missing recommendation",
            Box::new(|s| s.replace("        recommendation: Ask for the list.\n", "")),
            "question ACC-02 is missing `recommendation:`",
        ),
        (
            "no reference",
            Box::new(|s| {
                s.replace(
                    "          - {source: S2, section: \"2.H\", evidence: A}\n",
                    "          []\n",
                )
                .replace(
                    "        references:\n          []",
                    "        references: []",
                )
            }),
            "question ACC-03 has no reference",
        ),
        (
            "unknown source",
            Box::new(|s| {
                s.replace(
                    "{source: S2, section: \"2.R\"",
                    "{source: S9, section: \"2.R\"",
                )
            }),
            "cites source `S9`, which is not listed under `sources`",
        ),
        (
            "choice without a good option",
            Box::new(|s| {
                s.replace(
                    "label: A physical security key, gap: none",
                    "label: A physical security key, gap: partial",
                )
            }),
            "no option of question ACC-03 has `gap: none`",
        ),
        (
            "confirmed_by not a follow-up",
            Box::new(|s| s.replace("confirmed_by: BCK-02", "confirmed_by: BCK-03")),
            "`confirmed_by: BCK-03` of question BCK-01 must name a yes/no follow-up",
        ),
        (
            "ownership without area",
            Box::new(|s| s.replace("        area: Backups\n", "")),
            "needs `area:`",
        ),
        (
            "bad question id",
            Box::new(|s| s.replace("id: BCK-03", "id: BCK 3")),
            "question id `BCK 3` should be its domain id",
        ),
    ];
    for (name, edit, expected) in cases {
        let (code, stderr) = lint_variant(edit);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{name}: expected `{expected}` in:\n{stderr}"
        );
        assert!(
            stderr.trim_end().ends_with("problem(s) found"),
            "{name}: {stderr}"
        );
    }
}

#[test]
fn lint_finds_cycles_forward_references_and_unreachable_questions() {
    // ACC-01 follows ACC-02 and ACC-02 follows ACC-01: a cycle.
    let (code, stderr) = lint_variant(|s| {
        s.replace(
            "        msp_indicator: Unused accounts removed\n",
            "        msp_indicator: Unused accounts removed\n        when:\n          question: ACC-02\n          answer_in: [\"yes\"]\n",
        )
    });
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "question ACC-01 is part of a cycle of follow-ups (ACC-01 → ACC-02 → ACC-01)"
        ),
        "{stderr}"
    );
    // BCK-02 follows a question that does not exist, and a follow-up of BCK-02 can never be asked.
    let (code, stderr) = lint_variant(|s| {
        s.replace("answer_in: [msp, shared]", "answer_in: [maybe]").replace(
            "        allow_na: true\n",
            "        allow_na: true\n        when:\n          question: BCK-02\n          answer_in: [\"no\"]\n",
        )
    });
    assert_eq!(code, 2);
    assert!(stderr.contains("question BCK-03 can never be asked, because it depends on BCK-02, which can never be asked"), "{stderr}");
}

#[test]
fn lint_reports_all_problems_at_once() {
    let (code, stderr) = lint_variant(|s| {
        s.replace("severity: medium", "severity: urgent")
            .replace("who_acts: msp", "who_acts: them")
            .replace("id: ACC-02", "id: ACC-01")
    });
    assert_eq!(code, 2);
    assert!(
        stderr
            .lines()
            .filter(|l| l.starts_with("error: bank.yaml:"))
            .count()
            >= 4,
        "{stderr}"
    );
    assert!(stderr.contains("problem(s) found"));
}

#[test]
fn a_bank_with_no_questions_is_refused() {
    let (code, stderr) = lint_variant(|_| {
        "id: empty\nversion: 1.0.0\ntitle: Empty\nsources: []\ndomains: []\n".to_string()
    });
    assert_eq!(code, 2);
    assert!(stderr.contains("the bank has no questions"), "{stderr}");
}

#[test]
fn an_invalid_custom_bank_stops_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bank.yaml");
    std::fs::write(&path, SMALL.replace("severity: low", "severity: tiny")).unwrap();
    let out = msp()
        .arg("--bank")
        .arg(&path)
        .args(["report", &fixture("answers/good/small-all-kinds.yaml")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("`severity: tiny` is not allowed"));
    assert!(stdout_of(&out).is_empty());
}
