//! Every broken answers file gets exit code 2, one message per problem naming the file,
//! line and column and what to do, and no report on standard output.

use crate::{fixture, msp, stderr_of, stdout_of};

/// (file, "line:column" of the first problem, words the message must contain)
const CASES: &[(&str, &str, &str)] = &[
    ("unknown-question", "4:3", "there is no question `GOV-99`"),
    ("invalid-answer", "3:11", "`maybe` is not an answer to GOV-01 (a yes/no question); write one of: yes, partial, no, unknown"),
    ("duplicate-key", "5:3", "the key `GOV-01` appears twice"),
    ("unknown-top-level-key", "2:1", "unknown key `organisation` in the answers file (did you mean `organization`?)"),
    ("unknown-long-form-key", "4:5", "unknown key `answr` in the answer to GOV-01 (did you mean `answer`?)"),
    ("missing-justification", "5:5", "has no `justification`"),
    ("invalid-date", "2:14", "`assessed_on: 2026-13-01` is not a date; write it as YYYY-MM-DD"),
    ("invalid-as-of", "5:12", "`as_of: last week` is not a date"),
    ("boolean-answer", "3:11", "`true` is not an answer to SHR-01"),
    ("na-not-allowed", "3:11", "`na` is not allowed for GOV-01"),
    ("wrong-bank", "1:7", "this file answers the bank `another-bank@1.0.0`, but the bank in use is `cisa-msp-customer@2.0.0`"),
    ("older-bank-version", "1:7", "1 answered question(s) are gone (GOV-00)"),
    ("missing-bank", "1:1", "add the line `bank: cisa-msp-customer@2.0.0`"),
    ("list-instead-of-map", "1:1", "should be a map of `key: value` lines, but is a list"),
    ("tab-indentation", "3:2", "tabs"),
    ("ownership-answered-yes", "3:11", "write one of: us, msp, shared, vendor, nobody, unknown"),
    ("invalid-choice", "3:11", "`monthly` is not an answer to OVS-03 (a choice question)"),
    ("accepted-risk-unknown-question", "5:15", "names `GOV-77`, which is not a question"),
    ("answers-not-a-map", "2:10", "`answers` should be a map"),
    ("duplicate-accepted-risk", "7:5", "GOV-01 already has an accepted risk (line 5)"),
    ("merge-key", "5:3", "merge keys (`<<`) are not supported"),
    ("two-documents", "5:1", "more than one YAML document"),
    ("list-as-answer", "3:11", "should be one word, but is a list"),
];

#[test]
fn each_bad_file_names_file_line_column_and_fix() {
    for (name, position, words) in CASES {
        let path = fixture(&format!("answers/bad/{name}.yaml"));
        let out = msp().args(["report", &path]).output().unwrap();
        let stderr = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        let expected_start = format!("error: {path}:{position}: ");
        assert!(
            stderr.starts_with(&expected_start),
            "{name}: expected `{expected_start}`, got:\n{stderr}"
        );
        assert!(
            stderr.contains(words),
            "{name}: expected `{words}` in:\n{stderr}"
        );
        assert!(
            stdout_of(&out).is_empty(),
            "{name}: printed a report for a bad file"
        );
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
}

#[test]
fn empty_and_comment_only_files_say_so() {
    for name in ["empty", "only-comments"] {
        let path = fixture(&format!("answers/bad/{name}.yaml"));
        let out = msp()
            .args(["check", &path, "--fail-on", "high"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            stderr_of(&out),
            format!("error: {path}: the file is empty (or holds only comments); it should be a map of `key: value` lines\n")
        );
    }
}

#[test]
fn every_problem_in_a_file_is_reported_in_one_run() {
    let path = fixture("answers/bad/several-problems.yaml");
    let out = msp().args(["report", &path]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let lines: Vec<String> = stderr_of(&out).lines().map(String::from).collect();
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert!(lines[0].starts_with(&format!("error: {path}:3:11: `maybe`")));
    assert!(lines[1].starts_with(&format!("error: {path}:4:11: `perhaps`")));
    assert!(lines[2].starts_with(&format!("error: {path}:5:3: there is no question `GOV-99`")));
    assert!(lines[3].starts_with(&format!("error: {path}:6:1: unknown key `extra`")));
}

#[test]
fn a_version_mismatch_lists_gone_and_new_questions() {
    let path = fixture("answers/bad/older-bank-version.yaml");
    let out = msp().args(["report", &path]).output().unwrap();
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains(
            "written for cisa-msp-customer@0.9.0 but the bank in use is cisa-msp-customer@2.0.0"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("question(s) are new (GOV-08, GOV-03"),
        "{stderr}"
    );
}

#[test]
fn binary_garbage_utf16_and_invalid_utf8_are_refused_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, Vec<u8>, &str); 3] = [
        (
            "garbage.yaml",
            vec![0x00, 0x9f, 0x92, 0x96, 0xff, 0x00, 0x13],
            "not a text file",
        ),
        (
            "utf16.yaml",
            b"\xff\xfeb\x00a\x00n\x00k\x00".to_vec(),
            "UTF-16",
        ),
        (
            "latin1.yaml",
            b"bank: cisa-msp-customer@2.0.0\norganization: Caf\xe9\n".to_vec(),
            "2:18: the file is not valid UTF-8",
        ),
    ];
    for (name, bytes, words) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = msp()
            .args(["report", path.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            stderr_of(&out).contains(words),
            "{name}: {}",
            stderr_of(&out)
        );
    }
}

#[test]
fn a_bom_and_crlf_line_ends_are_fine() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("windows.yaml");
    std::fs::write(
        &path,
        b"\xEF\xBB\xBFbank: cisa-msp-customer@2.0.0\r\nanswers:\r\n  GOV-01: no\r\n",
    )
    .unwrap();
    let out = msp()
        .args(["report", path.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("\"question\": \"GOV-01\""));
}

#[test]
fn missing_files_and_folders_are_clear_errors() {
    let out = msp()
        .args(["report", "no/such/answers.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "error: no/such/answers.yaml: no such file or folder; check the path\n"
    );
    let empty = tempfile::tempdir().unwrap();
    let out = msp().arg("report").arg(empty.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out)
            .contains("no answers files (*.yaml, *.yml, *.json, *.xlsx, *.csv) in this folder"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_without_reading_it_all() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.yaml");
    let mut text = String::from("bank: cisa-msp-customer@2.0.0\norganization: \"");
    text.push_str(&"x".repeat(9 * 1024 * 1024));
    text.push_str("\"\n");
    std::fs::write(&path, text).unwrap();
    let out = msp()
        .args(["report", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("larger than the limit of 8388608 bytes"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn an_invalid_file_leaves_no_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.json");
    let out = msp()
        .args([
            "report",
            &fixture("answers/bad/invalid-answer.yaml"),
            "--format",
            "json",
            "--output",
        ])
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!target.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temporary file left"
    );
}

#[test]
fn control_characters_in_error_messages_are_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evil.yaml");
    std::fs::write(
        &path,
        "bank: cisa-msp-customer@2.0.0\nanswers:\n  GOV-01: \"\\e]0;pwned\\a\\e[31mred\\u202e\"\n",
    )
    .unwrap();
    let out = msp()
        .args(["report", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = stderr_of(&out);
    assert!(stderr.contains("is not an answer to GOV-01"), "{stderr}");
    assert!(
        !stderr.chars().any(|c| c.is_control() && c != '\n'),
        "{stderr:?}"
    );
    assert!(!stderr.contains('\u{202e}'));
}

#[test]
fn labels_the_tool_prints_and_true_false_read_back() {
    // A sheet made from the tool's own output, or a file round-tripped through PyYAML.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.yaml");
    std::fs::write(
        &path,
        "bank: cisa-msp-customer@2.0.0\nanswers:\n  GOV-01: true\n  GOV-08: false\n  GOV-03: Partly\n  GOV-04: I don't know\n  SHR-01: Our MSP\n  SHR-03: shared (us and our msp)\n  OVS-03: Everyone yearly, and new staff within 10 days\n",
    )
    .unwrap();
    let out = msp()
        .args(["report", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let answer = |id: &str| {
        report["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["id"] == id)
            .map(|q| q["answer"].as_str().unwrap_or("").to_string())
            .unwrap()
    };
    assert_eq!(answer("GOV-01"), "yes");
    assert_eq!(answer("GOV-08"), "no");
    assert_eq!(answer("GOV-03"), "partial");
    assert_eq!(answer("GOV-04"), "unknown");
    assert_eq!(answer("SHR-01"), "msp");
    assert_eq!(answer("SHR-03"), "shared");
    assert_eq!(answer("OVS-03"), "yearly_and_new_starters");
}

#[test]
fn json_answers_files_are_found_in_folders_and_json_reports_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let clients = dir.path().join("clients");
    std::fs::create_dir(&clients).unwrap();
    std::fs::write(
        clients.join("a.json"),
        r#"{"bank": "cisa-msp-customer@2.0.0", "organization": "Json Co", "answers": {"GOV-01": "yes"}}"#,
    )
    .unwrap();
    // An earlier JSON report in the same folder is not an answers file: noted, skipped.
    std::fs::write(clients.join("report.json"), r#"{"schema_version": 2}"#).unwrap();
    let out = msp()
        .args(["report", "--no-pager"])
        .arg(&clients)
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(stdout_of(&out).contains("Json Co"), "{}", stdout_of(&out));
    assert!(
        err.contains("report.json: a JSON file that is not an answers file"),
        "{err}"
    );
}

#[test]
fn quiet_prints_only_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = msp()
        .args([
            "report",
            "questionnaires/examples/dental-practice-minimal.yaml",
            "--quiet",
            "--output",
        ])
        .arg(dir.path().join("r.md"))
        .current_dir(crate::repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr_of(&out), "", "no \"Wrote ...\" line");
    assert!(dir.path().join("r.md").exists());
}
