//! `template`: a blank answers file that is valid as it is and becomes a report when filled in.

use crate::{msp, stderr_of, stdout_of};

#[test]
fn the_blank_template_is_a_valid_answers_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("answers.yaml");
    let out = msp()
        .args(["template", "--output"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr_of(&out).contains("fill in the answers"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("bank: cisa-msp-customer@2.0.0"));
    // Every question appears with its allowed answers.
    let bank = stdout_of(&msp().args(["bank", "list"]).output().unwrap());
    let ids: Vec<&str> = bank
        .lines()
        .filter_map(|l| l.strip_prefix("  ")?.split_whitespace().next())
        .filter(|w| {
            w.split_once('-').is_some_and(|(d, n)| {
                d.chars().all(|c| c.is_ascii_uppercase()) && n.chars().all(|c| c.is_ascii_digit())
            })
        })
        .collect();
    assert!(ids.len() >= 60, "{ids:?}");
    for id in &ids {
        assert!(
            text.contains(&format!("\n  {id}:\n")),
            "{id} missing from the template"
        );
    }
    assert!(text.contains("Answers: us | msp | shared | vendor | nobody | unknown"));
    // Questions only the MSP can answer say so, with how to find out.
    assert!(text.contains("# CON-04 (yes/no, high; your MSP answers):"));
    assert!(text.contains("#   How to find out: Look in the contract"));
    let out = msp().arg("report").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("Not assessed"));
}

#[test]
fn filling_in_the_template_gives_a_report() {
    let text = stdout_of(&msp().arg("template").output().unwrap());
    let filled = text
        .replace("organization:       #", "organization: Filled In Ltd #")
        .replace("\n  GOV-01:\n", "\n  GOV-01: no\n")
        .replace(
            "\n  MFA-01:\n",
            "\n  MFA-01:\n    answer: unknown\n    note: ask the MSP\n",
        )
        .replace(
            "accepted_risks:\n#  - question: LOG-03\n#    justification: the MSP",
            "accepted_risks:\n  - question: GOV-01\n    justification: the MSP",
        );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("filled.yaml");
    std::fs::write(&path, filled).unwrap();
    let out = msp()
        .arg("report")
        .arg(&path)
        .arg("--detailed")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let report = stdout_of(&out);
    assert!(report.contains("MSP risk report: Filled In Ltd"));
    assert!(report.contains("GOV-01"));
    assert!(report.contains("Not verified:"), "{report}");
    assert!(report.contains("GOV-01 risk accepted"), "{report}");
}

#[test]
fn template_never_overwrites_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("answers.yaml");
    std::fs::write(&path, "my precious answers").unwrap();
    let out = msp()
        .args(["template", "--output"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "my precious answers"
    );
}
