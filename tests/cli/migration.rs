//! Answers files written for bank 1.x still work with bank 2.0: ids that kept their meaning
//! are read as they are, renamed options are read as the new ones, answers to retired
//! questions are set aside, and the report says all of it in a note.

use serde_json::Value;

use crate::{msp, repo, stderr_of};

const OLD: &[&str] = &[
    "tests/fixtures/answers/bank-1.1/dental-practice-minimal.yaml",
    "tests/fixtures/answers/bank-1.1/accounting-firm-some.yaml",
    "tests/fixtures/answers/bank-1.1/engineering-firm-comprehensive.yaml",
];

/// The samples as they were written for bank 1.0.0.
const OLDEST: &[&str] = &[
    "tests/fixtures/answers/bank-1.0/dental-practice-minimal.yaml",
    "tests/fixtures/answers/bank-1.0/accounting-firm-some.yaml",
    "tests/fixtures/answers/bank-1.0/engineering-firm-comprehensive.yaml",
];

fn json_of(file: &str) -> Value {
    let out = msp()
        .args(["report", file, "--format", "json"])
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{file}: {}", stderr_of(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn note_of(report: &Value) -> String {
    report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .find(|n| n.contains("were given against"))
        .expect("a note on the bank version")
        .to_string()
}

#[test]
fn every_old_sample_reports_with_a_note_on_what_was_mapped() {
    for file in OLD {
        let report = json_of(file);
        let note = note_of(&report);
        assert!(
            note.contains("cisa-msp-customer@1.1.0") && note.contains("cisa-msp-customer@2.0.0"),
            "{note}"
        );
        assert!(note.contains("docs/bank-migration.md"), "{note}");
        // TRN-02 (an exit checklist) was split into three questions: the note says which.
        assert!(
            note.contains("TRN-02 (now TRN-04, TRN-05, TRN-06)"),
            "{note}"
        );
        // Answers to ids that kept their meaning are kept.
        let findings = report["findings"].as_array().unwrap();
        assert!(report["answered"].as_u64().unwrap_or(0) > 0 || !findings.is_empty());
    }
}

#[test]
fn the_bank_1_0_samples_still_report() {
    for file in OLDEST {
        let note = note_of(&json_of(file));
        assert!(
            note.contains("given against cisa-msp-customer@1.0.0")
                && note.contains("docs/bank-migration.md"),
            "{note}"
        );
    }
}

#[test]
fn a_kept_id_keeps_its_answer_and_a_renamed_option_is_read_as_the_new_one() {
    // The accounting sample answered OVS-03 `at_least_yearly`, which 2.0 splits by whether
    // new starters are trained within 10 days: it is read as the option that does not claim so.
    let report = json_of(OLD[1]);
    let note = note_of(&report);
    assert!(note.contains("use a renamed option"), "{note}");
    let ovs03 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["question"] == "OVS-03")
        .expect("OVS-03 is a partial gap now");
    assert_eq!(ovs03["answer"], "yearly_new_starters_wait");
    // GOV-01 kept its id and meaning: its answer is still there.
    let minimal = json_of(OLD[0]);
    assert!(minimal["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["question"] == "GOV-01" && f["answer"] == "partial"));
}

#[test]
fn check_gates_an_old_file_like_a_new_one() {
    let out = msp()
        .args(["check", OLD[2], "--fail-on", "critical"])
        .current_dir(repo(""))
        .output()
        .unwrap();
    // It runs (exit 0 or 1), never refuses the file.
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn an_unknown_id_in_an_old_file_is_still_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.yaml");
    std::fs::write(
        &path,
        "bank: cisa-msp-customer@1.1.0\nanswers:\n  GOV-01: yes\n  GOV-99: yes\n",
    )
    .unwrap();
    let out = msp().arg("report").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("GOV-99"));
}

#[test]
fn the_new_id_wins_over_the_old_one_it_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("both.yaml");
    // A bank that renames OLD-01 to NEW-01, and a file that answers both.
    let bank = std::fs::read_to_string(repo("tests/fixtures/banks/small.yaml")).unwrap();
    assert!(bank.contains("\ndomains:"), "the small bank has domains");
    let bank_path = dir.path().join("bank.yaml");
    let first_id = first_question_id(&bank);
    let bank = bank.replacen(
        "\ndomains:",
        "\nmigrations:\n  - from: \"0.\"\n    renamed:\n      OLD-01: QQQ\n    retired:\n      GONE-01: QQQ\n\ndomains:",
        1,
    )
    .replace("QQQ", &first_id);
    std::fs::write(&bank_path, &bank).unwrap();
    let (id, version) = bank_reference(&bank);
    std::fs::write(
        &path,
        format!("bank: {id}@0.1.0\nanswers:\n  OLD-01: no\n  {first_id}: yes\n  GONE-01: no\n"),
    )
    .unwrap();
    assert_ne!(version, "0.1.0");
    let out = msp()
        .arg("--bank")
        .arg(&bank_path)
        .args(["report", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        !report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["question"] == first_id.as_str()),
        "the file's own answer to {first_id} (yes) is kept: no finding"
    );
    let note = note_of(&report);
    assert!(note.contains("OLD-01"), "{note}");
    assert!(note.contains("GONE-01"), "{note}");
}

#[test]
fn a_migration_to_a_question_that_does_not_exist_fails_lint() {
    let dir = tempfile::tempdir().unwrap();
    let bank = std::fs::read_to_string(repo("tests/fixtures/banks/small.yaml")).unwrap();
    let bank = bank.replacen(
        "\ndomains:",
        "\nmigrations:\n  - from: \"0.\"\n    renamed:\n      OLD-01: NOPE-01\n\ndomains:",
        1,
    );
    let path = dir.path().join("bank.yaml");
    std::fs::write(&path, bank).unwrap();
    let out = msp().args(["bank", "lint"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("NOPE-01, which is not a question of this bank"),
        "{}",
        stderr_of(&out)
    );
}

fn first_question_id(bank: &str) -> String {
    bank.lines()
        .map(str::trim)
        .filter_map(|l| l.strip_prefix("- id: "))
        .find(|id| id.contains('-'))
        .expect("a question id")
        .trim()
        .to_string()
}

fn bank_reference(bank: &str) -> (String, String) {
    let field = |name: &str| {
        bank.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .expect(name)
            .trim()
            .trim_matches('"')
            .to_string()
    };
    (field("id"), field("version"))
}

#[test]
fn the_migration_document_names_every_line_of_the_migration() {
    let bank = msp_risk::bank::builtin().unwrap();
    let doc = std::fs::read_to_string(repo("docs/bank-migration.md")).unwrap();
    let m = bank.migration_from("1.1.0").expect("a migration from 1.x");
    for (old, instead) in &m.retired {
        assert!(
            doc.contains(old.as_str()),
            "{old} is not in docs/bank-migration.md"
        );
        for new in instead {
            assert!(
                doc.contains(new.as_str()),
                "{new} (for {old}) is not in the document"
            );
        }
    }
    for (q, map) in &m.options {
        for (old, new) in map {
            assert!(
                doc.contains(&format!("`{old}`")) && doc.contains(&format!("`{new}`")),
                "{q}: {old} -> {new} is not in the document"
            );
        }
    }
}
