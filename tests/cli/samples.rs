//! The three sample answers files in `questionnaires/examples/` behave as their names say.

use serde_json::Value;

use crate::{msp, repo, stdout_of};

const MINIMAL: &str = "questionnaires/examples/dental-practice-minimal.yaml";
const SOME: &str = "questionnaires/examples/accounting-firm-some.yaml";
const COMPREHENSIVE: &str = "questionnaires/examples/engineering-firm-comprehensive.yaml";

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
    for file in [MINIMAL, SOME, COMPREHENSIVE] {
        assert_eq!(json(file)["notes"], Value::Array(vec![]), "{file}");
    }
}

#[test]
fn every_sample_report_fits_80_columns() {
    for file in [MINIMAL, SOME, COMPREHENSIVE] {
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
