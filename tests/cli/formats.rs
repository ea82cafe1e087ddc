//! Every output format: snapshots on the samples, parser and schema checks for the machine
//! formats, escaping of hostile text in the text formats, and all formats in one run.

use std::path::Path;

use serde_json::Value;

use crate::{msp, repo, stderr_of, stdout_of};

const SAMPLES: &[(&str, &str)] = &[
    (
        "minimal",
        "questionnaires/examples/dental-practice-minimal.yaml",
    ),
    ("some", "questionnaires/examples/accounting-firm-some.yaml"),
    (
        "comprehensive",
        "questionnaires/examples/engineering-firm-comprehensive.yaml",
    ),
];

fn render(file: &str, format: &str) -> String {
    let out = msp()
        .args(["report", file, "--format", format])
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr_of(&out));
    stdout_of(&out)
}

#[test]
fn snapshots_of_the_text_formats_for_every_sample() {
    for (name, file) in SAMPLES {
        for format in ["markdown", "csv", "junit"] {
            insta::assert_snapshot!(format!("{format}_{name}"), render(file, format));
        }
    }
}

#[test]
fn snapshots_of_html_sarif_and_json_for_one_sample() {
    let file = SAMPLES[2].1;
    for format in ["table", "html", "sarif", "json", "oscal"] {
        insta::assert_snapshot!(format!("{format}_comprehensive"), render(file, format));
    }
}

#[test]
fn every_format_for_the_three_samples_in_one_run() {
    for (name, file) in SAMPLES {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let names = [
            "report.md",
            "report.html",
            "findings.csv",
            "report.json",
            "junit.xml",
            "results.sarif",
            "report.txt",
        ];
        let mut cmd = msp();
        cmd.args(["report", file]).current_dir(repo(""));
        for n in names {
            cmd.arg("--output").arg(d.join(n));
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
        assert!(
            stdout_of(&out).is_empty(),
            "nothing on standard output when writing files"
        );
        for n in names {
            let path = d.join(n);
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}/{n}: {e}"));
            assert!(text.len() > 200, "{name}/{n} is too short");
            assert!(stderr_of(&out).contains(&format!("Wrote {}", path.display())));
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                assert_eq!(
                    std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                    0o600,
                    "{n}"
                );
            }
        }
        assert_eq!(
            std::fs::read_dir(d).unwrap().count(),
            names.len(),
            "no stray files"
        );
    }
}

#[test]
fn output_is_byte_identical_across_runs() {
    for format in [
        "table", "json", "markdown", "html", "csv", "junit", "sarif", "oscal",
    ] {
        let a = render(SAMPLES[0].1, format);
        let b = render(SAMPLES[0].1, format);
        assert_eq!(a, b, "{format}");
    }
}

#[test]
fn junit_loads_in_a_junit_parser_with_one_suite_per_domain() {
    for (name, file) in SAMPLES {
        let xml = render(file, "junit");
        let suites = junit_parser::from_reader(std::io::Cursor::new(xml.as_bytes()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let report: Value = serde_json::from_str(&render(file, "json")).unwrap();
        assert_eq!(
            suites.suites.len(),
            report["domains"].as_array().unwrap().len(),
            "{name}"
        );
        let cases: usize = suites.suites.iter().map(|s| s.cases.len()).sum();
        assert_eq!(
            cases,
            report["questions"].as_array().unwrap().len(),
            "{name}: a case per question"
        );
        // Failures: open findings at high or above (the default --fail-on), and expired acceptances.
        let open = &report["counts"]["open_by_risk"];
        let expected = open["critical"].as_u64().unwrap() + open["high"].as_u64().unwrap();
        let failures: u64 = suites.suites.iter().map(|s| s.failures).sum();
        let expired_low_medium = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                f["acceptance"]["status"] == "expired"
                    && !matches!(f["risk"].as_str(), Some("critical" | "high"))
            })
            .count() as u64;
        assert_eq!(failures, expected + expired_low_medium, "{name}");
        let skipped: u64 = suites.suites.iter().map(|s| s.skipped).sum();
        let not_scored = report["questions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|q| {
                matches!(
                    q["status"].as_str(),
                    Some("unanswered" | "not_applicable" | "not_asked")
                )
            })
            .count() as u64;
        assert_eq!(skipped, not_scored, "{name}");
    }
}

#[test]
fn junit_fail_on_sets_the_threshold() {
    let file = SAMPLES[2].1;
    let count = |level: &str| {
        let out = msp()
            .args(["report", file, "--format", "junit", "--fail-on", level])
            .current_dir(repo(""))
            .output()
            .unwrap();
        let s = junit_parser::from_reader(std::io::Cursor::new(out.stdout)).unwrap();
        s.suites.iter().map(|s| s.failures).sum::<u64>()
    };
    assert_eq!(count("high"), 0);
    assert!(count("low") > count("medium"));
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    // The official schema's `run.language` pattern (`...{2}]?$`, a known erratum) is not a
    // valid regex for strict engines, which then reject the whole schema; it is replaced by
    // the intended pattern. msp-risk never writes `run.language`.
    let text = std::fs::read_to_string(repo("tests/fixtures/schemas/sarif-2.1.0.json"))
        .unwrap()
        .replace(
            "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
            "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$",
        );
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for (name, file) in SAMPLES {
        let sarif: Value = serde_json::from_str(&render(file, "sarif")).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        let report: Value = serde_json::from_str(&render(file, "json")).unwrap();
        assert_eq!(results.len(), report["findings"].as_array().unwrap().len());
        for r in results {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            assert!(
                region["startLine"].as_u64().unwrap() >= 1,
                "every result is located"
            );
            assert_eq!(
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                *file
            );
        }
        assert_eq!(
            sarif["runs"][0]["tool"]["driver"]["rules"]
                .as_array()
                .unwrap()
                .len(),
            report["questions"].as_array().unwrap().len(),
            "a rule per question"
        );
    }
    // The check is not vacuous: a wrong level is caught.
    let mut broken: Value = serde_json::from_str(&render(SAMPLES[0].1, "sarif")).unwrap();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn sarif_results_point_at_the_answer_lines() {
    let sarif: Value = serde_json::from_str(&render(SAMPLES[0].1, "sarif")).unwrap();
    let text = std::fs::read_to_string(repo(SAMPLES[0].1)).unwrap();
    for r in sarif["runs"][0]["results"].as_array().unwrap() {
        let id = r["ruleId"].as_str().unwrap();
        let line = r["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap() as usize;
        let at = text.lines().nth(line - 1).unwrap();
        assert!(
            at.trim_start().starts_with(&format!("{id}:")),
            "{id} points at `{at}`"
        );
    }
}

fn hostile(dir: &Path) -> String {
    let path = dir.join("hostile.yaml");
    let long_word = "W".repeat(500);
    let long_note = "very long note ".repeat(700); // over 10,000 characters
    std::fs::write(
        &path,
        format!(
            "bank: small-test@2.0.0\norganization: \"<script>alert(1)</script> | **Evil** & Co\"\nanswers:\n  \
             ACC-01:\n    answer: no\n    note: \"=HYPERLINK(\\\"http://x\\\") <img src=x onerror=alert(1)> [click](javascript:alert(1)) | cell\\nline2\"\n  \
             ACC-03:\n    answer: none\n    note: \"@SUM(1) \\e[31m\\u202e ]]> </failure> {long_word}\"\n  \
             BCK-03:\n    answer: no\n    note: \"{long_note}\\u0007\\u202e\"\n",
        ),
    )
    .unwrap();
    path.display().to_string()
}

fn render_hostile(dir: &Path, format: &str) -> String {
    let out = msp()
        .args([
            "--bank",
            "tests/fixtures/banks/small.yaml",
            "report",
            &hostile(dir),
            "--format",
            format,
        ])
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    stdout_of(&out)
}

#[test]
fn html_escapes_every_text_from_the_answers_file() {
    let dir = tempfile::tempdir().unwrap();
    let html = render_hostile(dir.path(), "html");
    assert!(!html.contains("<script>alert"), "script tag leaked");
    assert!(!html.contains("<img"), "img tag leaked");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!html.contains("<script"), "no scripts at all");
    assert!(
        !html.contains("http://") || html.contains("http://x"),
        "no external resources"
    );
    assert!(html.contains("Content-Security-Policy"));
    assert!(!html.chars().any(|c| c.is_control() && c != '\n'));
}

#[test]
fn markdown_shows_hostile_text_literally() {
    let dir = tempfile::tempdir().unwrap();
    let md = render_hostile(dir.path(), "markdown");
    assert!(
        md.contains("&lt;script&gt;alert(1)&lt;/script&gt; \\| \\*\\*Evil\\*\\* & Co"),
        "{md}"
    );
    assert!(md.contains("\\[click\\](javascript:alert(1))"));
    assert!(!md.contains("<img"));
    // Every row of the findings table has the same number of unescaped cell separators.
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains("ACC-0"))
        .collect();
    for row in rows {
        let pipes = row.replace("\\|", "").matches('|').count();
        // The plan and accepted risks: 5 columns each.
        assert!(pipes == 6, "a note broke the table: {row}");
    }
    // A finding's note stays one paragraph of its list item: its line break and its pipe
    // are text.
    let note = md
        .lines()
        .find(|l| l.starts_with("  Note: =HYPERLINK"))
        .unwrap_or_else(|| panic!("no note line in\n{md}"));
    assert!(note.contains("\\| cell line2"), "{note}");
    assert!(!md.chars().any(|c| c.is_control() && c != '\n'));
}

#[test]
fn csv_neutralises_formulas_and_keeps_one_row_per_finding() {
    let dir = tempfile::tempdir().unwrap();
    let csv = render_hostile(dir.path(), "csv");
    assert!(csv.starts_with('\u{feff}'));
    assert!(csv.contains("\"'=HYPERLINK"), "{csv}");
    assert!(csv.contains("'@SUM(1)"), "{csv}");
    // Parse it back: the header and three findings, 20 fields each.
    let body = csv.trim_start_matches('\u{feff}');
    let records = parse_csv(body);
    assert_eq!(records.len(), 4);
    assert!(records.iter().all(|r| r.len() == 20), "{records:?}");
    assert_eq!(records[1][1], "ACC-01");
    assert!(records[1][10].starts_with("'=HYPERLINK(\"http://x\")"));
    assert!(
        records[1][10].contains("\nline2"),
        "line breaks stay inside the quoted field"
    );
}

/// A minimal RFC 4180 reader for the test.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => record.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (c, _) => field.push(c),
        }
    }
    records
}

#[test]
fn format_from_prefix_and_extension() {
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("report.out");
    let out = msp()
        .args(["report", SAMPLES[1].1])
        .arg("--output")
        .arg(format!("markdown:{}", odd.display()))
        .arg("--output")
        .arg(dir.path().join("a.csv"))
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(std::fs::read_to_string(&odd)
        .unwrap()
        .starts_with("# MSP risk report"));
    assert!(std::fs::read_to_string(dir.path().join("a.csv"))
        .unwrap()
        .starts_with("\u{feff}rank,"));
}

#[test]
fn unknown_extensions_and_missing_folders_fail_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let out = msp()
        .args(["report", SAMPLES[1].1, "--output"])
        .arg(dir.path().join("ok.md"))
        .arg("--output")
        .arg(dir.path().join("report.pdf"))
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("cannot tell the format of"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
    let out = msp()
        .args(["report", SAMPLES[1].1, "--output"])
        .arg(dir.path().join("missing/report.md"))
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("does not exist"));
}

#[test]
fn one_file_formats_refuse_several_answers_files() {
    let out = msp()
        .args(["report", SAMPLES[0].1, SAMPLES[1].1, "--format", "csv"])
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains(
        "and csv describes one: write a csv report for each with `--output-dir DIR --format csv`"
    ));
}

#[test]
fn json_reports_validate_against_the_schema_from_the_cli() {
    let out = msp().args(["schema", "report"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for (name, file) in SAMPLES {
        let report: Value = serde_json::from_str(&render(file, "json")).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
    let mut broken: Value = serde_json::from_str(&render(SAMPLES[0].1, "json")).unwrap();
    broken["findings"][0]["risk"] = Value::from("catastrophic");
    assert!(
        !validator.is_valid(&broken),
        "the schema constrains risk levels"
    );
}

/// Loads an OSCAL document with compliance-trestle's OSCAL models (NIST-schema based) and
/// returns "observations findings risks", or None when trestle is not installed outside CI.
fn trestle_counts(path: &Path) -> Option<String> {
    const SCRIPT: &str = "
import json, sys
from trestle.oscal.assessment_results import AssessmentResults
doc = json.load(open(sys.argv[1]))
ar = AssessmentResults.parse_obj(doc['assessment-results'])
r = ar.results[0]
states = {f.target.status.state for f in (r.findings or [])}
print(len(r.observations or []), len(r.findings or []), len(r.risks or []), sorted(getattr(s, 'value', s) for s in states))
";
    let probe = std::process::Command::new("python3")
        .args(["-c", "import trestle"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var_os("CI").is_none(),
            "compliance-trestle is needed to check OSCAL output: pip install compliance-trestle (.ci/run does)"
        );
        eprintln!("skipping the OSCAL model check: pip install compliance-trestle to run it");
        return None;
    }
    let out = std::process::Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "trestle rejected {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[test]
fn oscal_loads_in_nist_schema_based_models() {
    for (name, file) in SAMPLES {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ar.oscal.json");
        let out = msp()
            .args(["report", file, "--output"])
            .arg(&path)
            .current_dir(repo(""))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        let report: Value = serde_json::from_str(&render(file, "json")).unwrap();
        let observations = report["questions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|q| !q["answer"].is_null() && q["status"] != "not_asked")
            .count();
        let findings = report["findings"].as_array().unwrap();
        let gaps = findings.iter().filter(|f| f["unverified"] == false).count();
        let risks = findings
            .iter()
            .filter(|f| !f["acceptance"].is_null())
            .count();
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let result = &doc["assessment-results"]["results"][0];
        assert_eq!(
            result["observations"].as_array().unwrap().len(),
            observations,
            "{name}: one observation per answer"
        );
        assert_eq!(
            result["findings"].as_array().map_or(0, Vec::len),
            gaps,
            "{name}: \"I don't know\" stays an observation"
        );
        for risk in result["risks"].as_array().into_iter().flatten() {
            assert!(matches!(
                risk["status"].as_str(),
                Some("deviation-approved" | "open")
            ));
        }
        if let Some(counts) = trestle_counts(&path) {
            assert_eq!(
                counts,
                format!("{observations} {gaps} {risks} ['not-satisfied']"),
                "{name}"
            );
        }
    }
}

#[test]
fn oscal_ids_are_stable_uuids() {
    let a = render(SAMPLES[0].1, "oscal");
    assert_eq!(a, render(SAMPLES[0].1, "oscal"));
    let doc: Value = serde_json::from_str(&a).unwrap();
    let uuid = doc["assessment-results"]["uuid"].as_str().unwrap();
    let ok = uuid.len() == 36
        && uuid.as_bytes()[14] == b'5'
        && uuid.chars().all(|c| c == '-' || c.is_ascii_hexdigit());
    assert!(ok, "a version-5 UUID: {uuid}");
}

#[test]
fn every_format_survives_hostile_text() {
    let dir = tempfile::tempdir().unwrap();
    for format in [
        "table", "json", "markdown", "html", "csv", "junit", "sarif", "oscal",
    ] {
        let text = render_hostile(dir.path(), format);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{format}: control characters leaked"
        );
        match format {
            "json" | "sarif" | "oscal" => {
                let v: Value =
                    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{format}: {e}"));
                assert!(v.is_object());
            }
            "junit" => {
                let suites = junit_parser::from_reader(std::io::Cursor::new(text.as_bytes()))
                    .unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(suites.suites.len(), 2);
            }
            "html" | "markdown" | "table" => {
                assert!(
                    !text.contains('\u{202e}'),
                    "{format}: right-to-left override leaked"
                );
            }
            _ => {}
        }
    }
}

#[test]
fn a_format_that_contradicts_the_extension_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = msp()
        .args(["report", SAMPLES[1].1, "--format", "html", "--output"])
        .arg(dir.path().join("x.csv"))
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("looks like csv output but --format says html"),
        "{}",
        stderr_of(&out)
    );
    let out = msp()
        .args(["report", SAMPLES[1].1, "--output", "pdf:report.pdf"])
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("unknown format `pdf`"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn the_embedded_bank_and_the_samples_validate_against_their_schemas() {
    let schema = |kind: &str| -> Value {
        serde_json::from_slice(&msp().args(["schema", kind]).output().unwrap().stdout).unwrap()
    };
    let (answers_schema, bank_schema) = (schema("answers"), schema("bank"));
    assert_eq!(
        answers_schema["$schema"],
        "http://json-schema.org/draft-07/schema#"
    );
    let answers = jsonschema::validator_for(&answers_schema).expect("answers schema compiles");
    let bank = jsonschema::validator_for(&bank_schema).expect("bank schema compiles");
    let as_json =
        |path: &str| msp_risk::yaml_to_json(&std::fs::read(repo(path)).unwrap(), path).unwrap();
    let errors = |v: &jsonschema::Validator, doc: &Value| {
        v.iter_errors(doc)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect::<Vec<_>>()
    };
    let embedded = as_json("questionnaires/cisa-msp-customer.yaml");
    assert!(
        errors(&bank, &embedded).is_empty(),
        "{:#?}",
        errors(&bank, &embedded)
    );
    assert!(errors(&bank, &as_json("tests/fixtures/banks/small.yaml")).is_empty());
    for (name, file) in SAMPLES {
        let doc = as_json(file);
        assert!(
            errors(&answers, &doc).is_empty(),
            "{name}: {:#?}",
            errors(&answers, &doc)
        );
    }
    // The blank template validates too, and the schemas catch real mistakes.
    let template = stdout_of(&msp().arg("template").output().unwrap());
    assert!(template.starts_with("# yaml-language-server: $schema=msp-risk-answers.schema.json\n"));
    let blank = msp_risk::yaml_to_json(template.as_bytes(), "t.yaml").unwrap();
    assert!(
        errors(&answers, &blank).is_empty(),
        "{:#?}",
        errors(&answers, &blank)
    );
    let wrong = msp_risk::yaml_to_json(
        b"bank: cisa-msp-customer@2.0.0\nanswers:\n  GOV-01: maybe\n  GOV-99: yes\n",
        "w.yaml",
    )
    .unwrap();
    assert_eq!(
        errors(&answers, &wrong).len(),
        2,
        "{:#?}",
        errors(&answers, &wrong)
    );
    let mut broken_bank = embedded.clone();
    broken_bank["domains"][0]["questions"][0]["severity"] = Value::from("severe");
    assert!(!bank.is_valid(&broken_bank));
}

// Scoring 2.0: the headline, the plan, the questions for the MSP, the "not verified" mark.

/// The JSON report of `file`, scored with `bank` (None: the embedded bank).
fn json_of(bank: Option<&str>, file: &str) -> Value {
    serde_json::from_str(&render_with(bank, file, "json", &[])).unwrap()
}

fn render_with(bank: Option<&str>, file: &str, format: &str, extra: &[&str]) -> String {
    let mut cmd = msp();
    if let Some(b) = bank {
        cmd.args(["--bank", b]);
    }
    let out = cmd
        .args(["report", file, "--format", format])
        .args(extra)
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr_of(&out));
    stdout_of(&out)
}

const SMALL_BANK: &str = "tests/fixtures/banks/small.yaml";

/// An answers file for the small bank in a temporary folder.
fn small_answers(dir: &Path, name: &str, answers: &str) -> String {
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!("bank: small-test@2.0.0\norganization: {name}\nanswers:\n{answers}"),
    )
    .unwrap();
    path.display().to_string()
}

/// Where each of `marks` first appears in `text`, failing if one is missing.
fn positions(text: &str, marks: &[&str], format: &str) -> Vec<usize> {
    marks
        .iter()
        .map(|m| {
            text.find(m)
                .unwrap_or_else(|| panic!("{format}: `{m}` missing in\n{text}"))
        })
        .collect()
}

#[test]
fn the_report_leads_with_the_headline_the_plan_and_the_questions_for_the_msp() {
    let file = SAMPLES[1].1;
    let report = json_of(None, file);
    let plan = report["plan"].as_array().unwrap();
    assert!(!plan.is_empty() && plan.len() <= 10);
    assert!(!report["verify"].as_array().unwrap().is_empty());
    let first_action = plan[0]["findings"][0].as_str().unwrap();
    let cases: [(&str, [&str; 5]); 3] = [
        (
            // The table's details (its summary has tests of its own in report_summary.rs).
            "table",
            [
                "Details",
                "What to do first, in detail",
                "Questions for your MSP",
                "Findings, most urgent first",
                "Scores by domain",
            ],
        ),
        (
            "markdown",
            [
                "**Score ",
                "## What to do first",
                "## Questions for your MSP: send these first",
                "## Findings",
                "## Who is responsible for what",
            ],
        ),
        (
            "html",
            [
                r#"<p class="headline">Score "#,
                "<h2>What to do first</h2>",
                "<h2>Questions for your MSP: send these first",
                r#"<section id="findings">"#,
                r#"<section id="responsibility">"#,
            ],
        ),
    ];
    for (format, marks) in cases {
        let text = match format {
            "table" => {
                let all = render_with(None, file, format, &["--detailed"]);
                all[all.find("\nDetails\n").unwrap()..].to_string()
            }
            _ => render(file, format),
        };
        let at = positions(&text, &marks, format);
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{format}: order {at:?}");
        // The plan names the findings it closes, with the owner and the gain.
        let plan_part = &text[at[1]..at[2]];
        assert!(plan_part.contains(first_action), "{format}: {plan_part}");
        let owner = match plan[0]["owner"].as_str().unwrap() {
            "you" => "You",
            "msp" => "Your MSP",
            _ => "You: ask your MSP",
        };
        assert!(plan_part.contains(owner), "{format}: {plan_part}");
        assert!(
            plan_part.contains(&format!("+{}", plan[0]["score_gain"])) || plan_part.contains("+<1"),
            "{format}: {plan_part}"
        );
        // The questions for the MSP come with the command that writes the letter (the
        // table points to it after the list).
        let verify_part = &text[at[2]..at[3]];
        let command = if format == "table" {
            "msp-risk ask-msp".to_string()
        } else {
            format!(
                "msp-risk ask-msp {} --output questions.md",
                file.rsplit('/').next().unwrap()
            )
        };
        assert!(verify_part.contains(&command), "{format}: {verify_part}");
        let first_question = report["verify"][0].as_str().unwrap();
        assert!(
            verify_part.contains(first_question),
            "{format}: {verify_part}"
        );
    }
}

#[test]
fn the_headline_shows_the_range_only_when_answers_are_to_verify() {
    // A sample with "I don't know" answers: the range, computed from the JSON.
    let file = SAMPLES[1].1;
    let r = json_of(None, file);
    let o = &r["overall"];
    let to_verify = o["to_verify"].as_u64().unwrap();
    assert!(to_verify > 1);
    let headline = format!(
        "Score {}/100 ({}), could be {} to {} once {to_verify} answers are verified",
        o["score"],
        capitalised(r["rating"].as_str().unwrap()),
        o["score"],
        o["best_case"]
    );
    for format in ["table", "markdown", "html"] {
        let text = render_with(None, file, format, &["--width", "200"]);
        assert!(text.contains(&headline), "{format}: {headline}\n{text}");
    }
    // Everything answered and in place: just the score.
    let dir = tempfile::tempdir().unwrap();
    let good = small_answers(
        dir.path(),
        "all-good.yaml",
        "  ACC-01: yes\n  ACC-02: yes\n  ACC-03: security_key\n  BCK-01: us\n  BCK-03: yes\n",
    );
    assert_eq!(json_of(Some(SMALL_BANK), &good)["overall"]["to_verify"], 0);
    for format in ["table", "markdown", "html", "junit", "oscal"] {
        let text = render_with(Some(SMALL_BANK), &good, format, &[]);
        assert!(text.contains("Score 100/100 (Strong)"), "{format}: {text}");
        assert!(!text.contains("could be"), "{format}: {text}");
    }
}

fn capitalised(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

#[test]
fn a_mostly_blank_file_is_incomplete_not_a_band() {
    let dir = tempfile::tempdir().unwrap();
    let blank = small_answers(dir.path(), "blank.yaml", "  ACC-01: yes\n");
    let r = json_of(Some(SMALL_BANK), &blank);
    assert_eq!(r["rating"], "incomplete");
    let percent = r["overall"]["completeness_percent"].as_u64().unwrap();
    assert!(percent < 80);
    let words = format!("Incomplete: {percent} % answered");
    for format in ["table", "markdown", "html"] {
        let text = render_with(Some(SMALL_BANK), &blank, format, &["--width", "200"]);
        assert!(
            text.contains(&format!("Score {}/100 ({words})", r["overall"]["score"])),
            "{format}: {text}"
        );
        for band in ["(Poor)", "(Weak)", "(Fair)", "(Good)", "(Strong)"] {
            assert!(!text.contains(band), "{format}: {band}");
        }
    }
    let junit = render_with(Some(SMALL_BANK), &blank, "junit", &[]);
    assert!(junit.contains(r#"<property name="rating" value="Incomplete"/>"#));
}

#[test]
fn unverified_findings_carry_the_mark_in_every_format() {
    let file = "tests/fixtures/answers/good/small-all-kinds.yaml";
    let r = json_of(Some(SMALL_BANK), file);
    let unverified: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["unverified"] == true)
        .collect();
    assert!(!unverified.is_empty());
    for f in &unverified {
        let id = f["question"].as_str().unwrap();
        let finding = f["finding"].as_str().unwrap();
        // Every place that shows the finding's words marks it.
        for format in ["table", "markdown", "html"] {
            let text = render_with(
                Some(SMALL_BANK),
                file,
                format,
                &["--width", "300", "--detailed"],
            );
            let shown = text.matches(finding).count();
            let marked = text.matches(&format!("Not verified: {finding}")).count();
            assert!(shown > 0, "{format}: {finding} not shown");
            assert_eq!(shown, marked, "{format}: {finding} shown unmarked");
        }
        // CSV: the flag both ways.
        let csv = render_with(Some(SMALL_BANK), file, "csv", &[]);
        let records = parse_csv(csv.trim_start_matches('\u{feff}'));
        let header = &records[0];
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        let row = records.iter().find(|rec| rec[1] == id).unwrap();
        assert_eq!(row[col("unverified")], "yes");
        assert_eq!(row[col("verified")], "no");
        // JUnit: the message says so.
        let junit = render_with(Some(SMALL_BANK), file, "junit", &["--fail-on", "low"]);
        assert!(
            junit.contains(&format!("not verified: {finding}")),
            "{junit}"
        );
        // SARIF: the message and the property.
        let sarif: Value =
            serde_json::from_str(&render_with(Some(SMALL_BANK), file, "sarif", &[])).unwrap();
        let result = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|res| res["ruleId"] == id)
            .unwrap();
        assert!(result["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Not verified: "));
        assert_eq!(result["properties"]["verified"], false);
        // OSCAL: an observation marked as not verified, never a finding.
        let oscal = render_with(Some(SMALL_BANK), file, "oscal", &[]);
        let doc: Value = serde_json::from_str(&oscal).unwrap();
        let result = &doc["assessment-results"]["results"][0];
        assert!(result["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|fd| fd["target"]["target-id"] != id.to_lowercase()));
        assert!(result["observations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["title"].as_str().unwrap().starts_with(id)
                && o["remarks"].as_str().unwrap().contains("not verified")));
    }
}

#[test]
fn the_table_keeps_the_questions_for_the_msp_short() {
    // The dental practice has several long "I don't know" questions.
    let file = SAMPLES[0].1;
    let r = json_of(None, file);
    let total = r["verify"].as_array().unwrap().len();
    // In the details: the summary shows only what fits its screen.
    let text = render_with(None, file, "table", &["--width", "80", "--detailed"]);
    let text = &text[text.find("\nDetails\n").unwrap()..];
    let start = text.find("Questions for your MSP").unwrap();
    let section: Vec<&str> = text[start..]
        .lines()
        .take_while(|l| !l.is_empty())
        .collect();
    let question_lines = section
        .iter()
        .take_while(|l| !l.starts_with("  ... and") && !l.contains("msp-risk ask-msp"))
        .filter(|l| l.starts_with("  - ") || l.starts_with("    "))
        .count();
    assert!(question_lines <= 10, "{section:#?}");
    let shown = section.iter().filter(|l| l.starts_with("  - ")).count();
    if shown < total {
        assert!(
            section.contains(&format!("  ... and {} more", total - shown).as_str()),
            "{section:#?}"
        );
    }
    assert!(section.iter().all(|l| l.chars().count() <= 80));
}

#[test]
fn csv_appends_action_priority_and_verified() {
    let file = SAMPLES[1].1;
    let r = json_of(None, file);
    let csv = render(file, "csv");
    let records = parse_csv(csv.trim_start_matches('\u{feff}'));
    assert_eq!(
        records[0][..17].join(","),
        "rank,question,risk,severity,domain,finding,recommendation,who_acts,answer,unverified,note,evidence,as_of,reference,accepted_risk,accepted_until,justification",
        "the old columns keep their order"
    );
    assert_eq!(&records[0][17..], ["action", "priority", "verified"]);
    let findings = r["findings"].as_array().unwrap();
    assert_eq!(records.len(), findings.len() + 1);
    for (row, f) in records[1..].iter().zip(findings) {
        assert_eq!(row[1], f["question"].as_str().unwrap());
        assert_eq!(row[18], f["priority"].as_str().unwrap());
        let verified = if f["unverified"] == true { "no" } else { "yes" };
        assert_eq!(row[19], verified);
        let action = f["action"]
            .as_str()
            .map_or_else(|| row[1].to_lowercase(), String::from);
        assert_eq!(row[17], action);
    }
    // Each plan action's id is the action of the findings it closes.
    for a in r["plan"].as_array().unwrap() {
        for q in a["findings"].as_array().unwrap() {
            let row = records
                .iter()
                .find(|rec| rec[1] == q.as_str().unwrap())
                .unwrap();
            assert_eq!(row[17], a["id"].as_str().unwrap());
        }
    }
}

#[test]
fn junit_suites_carry_the_score_range_rating_and_plan() {
    for (name, file) in SAMPLES {
        let r = json_of(None, file);
        let xml = render(file, "junit");
        let suites = junit_parser::from_reader(std::io::Cursor::new(xml.as_bytes()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for suite in &suites.suites {
            let p = &suite.properties.hashmap;
            assert_eq!(p["score"], r["overall"]["score"].to_string(), "{name}");
            assert_eq!(p["best_case"], r["overall"]["best_case"].to_string());
            assert_eq!(p["to_verify"], r["overall"]["to_verify"].to_string());
            assert_eq!(
                p["rating"].to_lowercase().replace(' ', "_"),
                r["rating"].as_str().unwrap()
            );
            let plan = r["plan"].as_array().unwrap();
            for a in plan {
                let value = &p[&format!("plan.{}", a["rank"])];
                assert!(
                    value.starts_with(a["title"].as_str().unwrap()) && value.ends_with(')'),
                    "{name}: {value}"
                );
            }
            assert!(!p.contains_key(&format!("plan.{}", plan.len() + 1)));
        }
    }
}

#[test]
fn sarif_and_oscal_carry_the_score_range_rating_and_plan() {
    for (name, file) in SAMPLES {
        let r = json_of(None, file);
        let sarif: Value = serde_json::from_str(&render(file, "sarif")).unwrap();
        let props = &sarif["runs"][0]["properties"];
        assert_eq!(props["overallScore"], r["overall"]["score"], "{name}");
        assert_eq!(props["bestCase"], r["overall"]["best_case"], "{name}");
        assert_eq!(props["rating"], r["rating"], "{name}");
        let plan = props["plan"].as_array().unwrap();
        assert_eq!(plan.len(), r["plan"].as_array().unwrap().len());
        for (p, a) in plan.iter().zip(r["plan"].as_array().unwrap()) {
            assert_eq!(p["rank"], a["rank"]);
            assert_eq!(p["title"], a["title"]);
            assert_eq!(p["owner"], a["owner"]);
            assert_eq!(p["findings"], a["findings"]);
            assert_eq!(p["scoreGain"], a["score_gain"]);
        }
        for (res, f) in sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .zip(r["findings"].as_array().unwrap())
        {
            assert_eq!(res["ruleId"], f["question"]);
            assert_eq!(res["properties"]["priority"], f["priority"]);
            assert_eq!(res["properties"]["verified"], f["unverified"] == false);
            assert!(res["properties"]["action"].is_string());
        }
        let oscal: Value = serde_json::from_str(&render(file, "oscal")).unwrap();
        let result = &oscal["assessment-results"]["results"][0];
        let prop = |n: &str| {
            result["props"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == n)
                .map(|p| p["value"].as_str().unwrap().to_string())
        };
        assert_eq!(prop("score"), Some(r["overall"]["score"].to_string()));
        assert_eq!(
            prop("best-case"),
            Some(r["overall"]["best_case"].to_string())
        );
        let remarks = result["remarks"].as_str().unwrap();
        for a in r["plan"].as_array().unwrap() {
            assert!(remarks.contains(a["title"].as_str().unwrap()), "{name}");
        }
    }
}
