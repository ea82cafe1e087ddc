//! `report`: the terminal table, JSON, output files, colour and hostile text.

use serde_json::Value;

use crate::{fixture, msp, repo, stderr_of, stdout_of};

const SMALL_BANK: &str = "tests/fixtures/banks/small.yaml";
const SMALL_ANSWERS: &str = "tests/fixtures/answers/good/small-all-kinds.yaml";

fn small(extra: &[&str]) -> std::process::Output {
    msp()
        .args(["--bank", SMALL_BANK, "report", SMALL_ANSWERS])
        .args(extra)
        .current_dir(repo(""))
        .output()
        .unwrap()
}

#[test]
fn table_at_80_columns() {
    let out = small(&["--width", "80"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("small_table_80", stdout_of(&out));
}

#[test]
fn detailed_table_adds_domain_answer_and_reference() {
    let out = small(&["--width", "160", "--detailed"]);
    let text = stdout_of(&out);
    assert!(
        text.contains("Reference") && text.contains("S1 Summary [B]"),
        "{text}"
    );
    insta::assert_snapshot!("small_table_detailed_160", text);
}

#[test]
fn ascii_table_has_no_unicode_drawing() {
    let text = stdout_of(&small(&["--ascii", "--detailed"]));
    assert!(text.contains("+---"));
    assert!(!text.contains('│') && !text.contains('█'));
}

#[test]
fn json_report_structure() {
    let out = small(&["--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("small_json", stdout_of(&out));
}

/// The open "do today" gaps: findings of that priority (full 1, partial ½), and blank
/// questions of that priority (the JSON lists every question with its status).
fn findings_do_today(r: &Value) -> f64 {
    let from_findings: f64 = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["priority"] == "do_today")
        .map(|f| if f["gap"] == "partial" { 0.5 } else { 1.0 })
        .sum();
    let blank = r["unanswered"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| {
            r["questions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|q| q["id"] == u["question"] && q["priority"] == "do_today")
        })
        .count() as f64;
    from_findings + blank
}

#[test]
fn every_score_can_be_recomputed_from_its_inputs() {
    for file in [
        "questionnaires/examples/dental-practice-minimal.yaml",
        "questionnaires/examples/accounting-firm-some.yaml",
        "questionnaires/examples/engineering-firm-comprehensive.yaml",
    ] {
        let out = msp()
            .args(["report", file, "--format", "json"])
            .current_dir(repo(""))
            .output()
            .unwrap();
        let r: Value = serde_json::from_slice(&out.stdout).unwrap();
        let recompute = |s: &Value| {
            let possible = s["possible"].as_f64().unwrap();
            let lost = s["lost"].as_f64().unwrap();
            (100.0 * (1.0 - lost / possible)).round() as u64
        };
        // Overall: the weighted mean of the domain scores, less the "do today" deduction.
        let (mut sum, mut weights) = (0.0, 0.0);
        for d in r["domains"].as_array().unwrap() {
            let possible = d["possible"].as_f64().unwrap();
            if possible > 0.0 {
                let w = d["weight"].as_f64().unwrap();
                sum += w * (1.0 - d["lost"].as_f64().unwrap() / possible);
                weights += w;
            }
        }
        let weighted = 100.0 * sum / weights;
        // Every open "do today" gap takes 10 % off (5 % for a partial one); every confirmed
        // gap on another critical question 5 % (2.5 %); a confirmed full gap on any critical
        // question caps the score at 89.
        let do_today: f64 = findings_do_today(&r);
        let confirmed_critical = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "critical" && f["unverified"] == false);
        let (mut critical, mut capped) = (0.0, false);
        for f in confirmed_critical {
            let gap = if f["gap"] == "partial" { 0.5 } else { 1.0 };
            if f["priority"] != "do_today" {
                critical += gap;
            }
            capped |= gap == 1.0;
        }
        let mut score = weighted * (1.0 - 0.1 * do_today - 0.05 * critical).max(0.0);
        if capped {
            score = score.min(89.0);
        }
        assert_eq!(
            r["overall"]["score"].as_u64().unwrap(),
            score.round() as u64,
            "{file}"
        );
        assert_eq!(
            r["overall"]["deduction"].as_f64().unwrap(),
            ((weighted - score) * 10.0).round() / 10.0
        );
        let o = &r["overall"];
        assert!(o["best_case"].as_u64().unwrap() >= o["score"].as_u64().unwrap());
        assert_eq!(
            o["to_verify"].as_u64().unwrap(),
            r["counts"]["unknown"].as_u64().unwrap()
                + r["counts"]["unanswered"].as_u64().unwrap()
                + r["counts"]["unverified_claims"].as_u64().unwrap(),
            "{file}"
        );
        assert_eq!(
            r["overall"]["weighted"].as_f64().unwrap(),
            (weighted * 10.0).round() / 10.0
        );
        let findings = r["findings"].as_array().unwrap();
        let lost: f64 = findings.iter().map(|f| f["lost"].as_f64().unwrap()).sum();
        assert_eq!(
            lost,
            r["overall"]["lost"].as_f64().unwrap(),
            "{file}: findings add up to the loss"
        );
        for f in findings {
            let gap = match f["gap"].as_str().unwrap() {
                "full" => 1.0,
                "partial" => 0.5,
                _ => 0.0,
            };
            assert_eq!(
                f["lost"].as_f64().unwrap(),
                f["weight"].as_f64().unwrap() * gap
            );
        }
        for d in r["domains"].as_array().unwrap() {
            if d["possible"].as_u64().unwrap() > 0 {
                assert_eq!(
                    d["score"].as_u64().unwrap(),
                    recompute(d),
                    "{file} {}",
                    d["id"]
                );
            }
        }
        let ranks: Vec<u64> = findings
            .iter()
            .map(|f| f["rank"].as_u64().unwrap())
            .collect();
        assert_eq!(ranks, (1..=findings.len() as u64).collect::<Vec<_>>());
    }
}

#[test]
fn the_same_input_gives_byte_identical_output() {
    let a = small(&["--format", "json"]).stdout;
    let b = small(&["--format", "json"]).stdout;
    assert_eq!(a, b);
}

#[test]
fn source_date_epoch_sets_the_evaluation_date() {
    let out = msp_no_today()
        .env("SOURCE_DATE_EPOCH", "1798761600") // 2027-01-01T00:00:00Z
        .args([
            "--bank",
            SMALL_BANK,
            "report",
            SMALL_ANSWERS,
            "--format",
            "json",
        ])
        .current_dir(repo(""))
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["evaluated_on"], "2027-01-01");
}

fn msp_no_today() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("msp-risk").unwrap()
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let plain = stdout_of(&small(&[]));
    assert!(!plain.contains('\x1b'), "no colour when piped");
    let coloured = stdout_of(&small(&["--color", "always"]));
    assert!(coloured.contains("\x1b["), "colour when asked");
    let never = msp()
        .env("NO_COLOR", "1")
        .args(["--bank", SMALL_BANK, "report", SMALL_ANSWERS])
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert!(!stdout_of(&never).contains('\x1b'));
}

#[test]
fn output_file_is_written_owner_only_and_without_colour() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.txt");
    let out = small(&["--output", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout_of(&out).is_empty());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("MSP risk report: Small Test Co"));
    assert!(!text.contains('\x1b'));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

#[test]
fn an_unwritable_output_keeps_the_previous_file() {
    let dir = tempfile::tempdir().unwrap();
    let previous = dir.path().join("report.txt");
    std::fs::write(&previous, "last week's report").unwrap();
    // The second output cannot be written: nothing is written, the first file included.
    let out = small(&[
        "--output",
        previous.to_str().unwrap(),
        "--output",
        dir.path().join("missing/dir/report.md").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("does not exist"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&previous).unwrap(),
        "last week's report"
    );
    let out = small(&["--output", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("this is a folder"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn hostile_text_never_reaches_the_terminal_raw() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.yaml");
    let long_word = "A".repeat(300);
    let long_note = "word ".repeat(2_000);
    std::fs::write(
        &path,
        format!(
            "bank: small-test@2.0.0\norganization: \"Evil\\e]0;pwned\\a\\e[2J Co\\u202e\"\nanswers:\n  ACC-01:\n    answer: no\n    note: \"{long_word} \\r\\e[31m{long_note}\"\n  ACC-03: none\n"
        ),
    )
    .unwrap();
    let out = msp()
        .args(["--bank", SMALL_BANK, "report"])
        .arg(&path)
        .args(["--width", "80"])
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    assert!(text.contains("MSP risk report: Evil"));
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "control characters leaked"
    );
    assert!(!text.contains('\u{202e}'));
    for line in text.lines() {
        // The 300-character word may not be broken by comfy-table, but the table never truncates.
        assert!(
            line.chars().count() <= 80 || line.contains(&long_word[..50]),
            "{line}"
        );
    }
}

#[test]
fn several_files_end_with_a_portfolio_worst_first() {
    let out = msp()
        .args([
            "report",
            "questionnaires/examples/engineering-firm-comprehensive.yaml",
            "questionnaires/examples/dental-practice-minimal.yaml",
            "questionnaires/examples/accounting-firm-some.yaml",
        ])
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout_of(&out);
    let portfolio = &text[text.find("Portfolio: 3 organisations").expect("portfolio")..];
    let dental = portfolio.find("Dental").unwrap();
    let accounting = portfolio.find("CPAs").unwrap();
    let engineering = portfolio.find("Kessler").unwrap();
    assert!(
        dental < accounting && accounting < engineering,
        "{portfolio}"
    );

    let out = msp()
        .args([
            "report",
            "questionnaires/examples/dental-practice-minimal.yaml",
            "questionnaires/examples/accounting-firm-some.yaml",
            "--format",
            "json",
        ])
        .current_dir(repo(""))
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["reports"].as_array().unwrap().len(), 2);
    assert!(v["portfolio"][0]["score"].as_u64() < v["portfolio"][1]["score"].as_u64());
}

#[test]
fn a_bad_file_among_good_ones_is_reported_and_the_rest_still_printed() {
    let out = msp()
        .args([
            "report",
            "questionnaires/examples/accounting-firm-some.yaml",
            &fixture("answers/bad/invalid-answer.yaml"),
        ])
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout_of(&out).contains("Harmon"));
    assert!(stderr_of(&out).contains("invalid-answer.yaml:3:11"));
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let text = std::fs::read(repo(SMALL_ANSWERS)).unwrap();
    let out = msp()
        .args(["--bank", SMALL_BANK, "report", "-", "--detailed"])
        .write_stdin(text)
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("answers: - ·"));
}
