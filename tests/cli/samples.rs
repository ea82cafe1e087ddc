//! The sample answers files in `questionnaires/examples/` behave as their names say.

use serde_json::Value;

use crate::{msp, repo, stdout_of};

const MINIMAL: &str = "questionnaires/examples/dental-practice-minimal.yaml";
const SOME: &str = "questionnaires/examples/accounting-firm-some.yaml";
const COMPREHENSIVE: &str = "questionnaires/examples/engineering-firm-comprehensive.yaml";
const UNSURE: &str = "questionnaires/examples/law-office-owner-unsure.yaml";

fn json(file: &str) -> Value {
    let out = msp()
        .args(["report", file, "--format", "json"])
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{file}");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn check(file: &str, level: &str) -> i32 {
    msp()
        .args(["check", file, "--fail-on", level])
        .current_dir(repo(""))
        .output()
        .unwrap()
        .status
        .code()
        .unwrap()
}

#[test]
fn overall_scores_rank_as_the_names_say() {
    let score = |f| json(f)["overall"]["score"].as_u64().unwrap();
    let (minimal, some, comprehensive) = (score(MINIMAL), score(SOME), score(COMPREHENSIVE));
    assert!(
        minimal < some && some < comprehensive,
        "{minimal} < {some} < {comprehensive}"
    );
    assert!(minimal < 40 && comprehensive > 85);
}

#[test]
fn msp_tiers_match_the_names() {
    assert_eq!(json(MINIMAL)["msp_tier"]["tier"], "minimal");
    assert_eq!(json(SOME)["msp_tier"]["tier"], "some");
    assert_eq!(json(COMPREHENSIVE)["msp_tier"]["tier"], "comprehensive");
}

#[test]
fn the_minimal_sample_has_critical_findings_and_fails_the_gate() {
    let report = json(MINIMAL);
    assert!(
        report["counts"]["open_by_risk"]["critical"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert_eq!(report["findings"][0]["risk"], "critical");
    assert_eq!(check(MINIMAL, "high"), 1);
    assert_eq!(check(SOME, "high"), 1);
    assert_eq!(check(COMPREHENSIVE, "high"), 0);
}

#[test]
fn the_samples_need_no_notes() {
    for file in [MINIMAL, SOME, COMPREHENSIVE, UNSURE] {
        assert_eq!(json(file)["notes"], Value::Array(vec![]), "{file}");
    }
}

#[test]
fn every_sample_report_fits_80_columns() {
    for file in [MINIMAL, SOME, COMPREHENSIVE, UNSURE] {
        let out = msp()
            .args(["report", file, "--width", "80"])
            .current_dir(repo(""))
            .output()
            .unwrap();
        let text = stdout_of(&out);
        for line in text.lines() {
            assert!(line.chars().count() <= 80, "{file}: {line}");
        }
    }
}

#[test]
fn an_owner_who_left_the_msp_questions_open_is_told_to_ask_first() {
    let report = json(UNSURE);
    // Most of the MSP's part is "I don't know": the answers are there, the facts are not.
    let bank = msp_risk::bank::builtin().unwrap();
    let unknown_msp = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["answer"] == "unknown")
        .filter(|f| {
            bank.question(f["question"].as_str().unwrap())
                .is_some_and(|q| q.answered_by == msp_risk::bank::AnsweredBy::Msp)
        })
        .count();
    assert!(unknown_msp >= 60, "{unknown_msp} MSP questions unknown");
    // The plan leads with getting written answers from the MSP.
    assert_eq!(report["plan"][0]["id"], msp_risk::scoring::VERIFY_ACTION);
    // The score is a wide range, never presented as the firm's settled state...
    let score = report["overall"]["score"].as_u64().unwrap();
    let best = report["overall"]["best_case"].as_u64().unwrap();
    assert!(best >= score + 30, "{score}..{best}");
    // ...and the MSP's tier is not determined.
    assert_eq!(report["msp_tier"]["tier"], "undetermined");
    // The letter to the MSP carries the open questions.
    let out = msp()
        .args(["ask-msp", UNSURE])
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let letter = stdout_of(&out);
    assert!(letter.matches("### ").count() >= 60, "{letter}");
}

#[test]
fn the_readme_check_example_is_the_real_output() {
    // The README shows `check` over the samples, abridged with "...": every other line of
    // it must be a line the tool prints today.
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let start = readme
        .find("$ msp-risk check questionnaires/examples/*.yaml --fail-on high\n")
        .expect("the example");
    let block = &readme[start..];
    let block = &block[block.find('\n').unwrap() + 1..block.find("```").unwrap()];
    let mut args = vec![
        "--width".to_string(),
        "200".to_string(),
        "check".to_string(),
    ];
    let mut files: Vec<String> = std::fs::read_dir(repo("questionnaires/examples"))
        .unwrap()
        .map(|e| {
            format!(
                "questionnaires/examples/{}",
                e.unwrap().file_name().to_string_lossy()
            )
        })
        .collect();
    files.sort();
    args.extend(files);
    args.extend(["--fail-on".to_string(), "high".to_string()]);
    let out = msp().args(&args).current_dir(repo("")).output().unwrap();
    let real = stdout_of(&out);
    for line in block.lines().filter(|l| l.trim() != "...") {
        assert!(
            real.lines().any(|r| r == line),
            "README line not in today's output: {line}\n---\n{real}"
        );
    }
}
