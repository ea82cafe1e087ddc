//! Batch runs: folders, bad files in the middle, output naming, the portfolio summary.

use std::path::Path;

use crate::{fixture, msp, repo, stderr_of, stdout_of};

/// A folder of clients: the three samples (one twice, in a sub-folder), a broken file in
/// the middle, a hidden file and a non-YAML file that must be ignored.
fn clients(dir: &Path) {
    let samples = repo("questionnaires/examples");
    std::fs::create_dir_all(dir.join("east")).unwrap();
    for (from, to) in [
        ("dental-practice-minimal.yaml", "b-dental.yaml"),
        ("accounting-firm-some.yaml", "a-accounting.yml"),
        (
            "engineering-firm-comprehensive.yaml",
            "east/c-engineering.yaml",
        ),
        ("accounting-firm-some.yaml", "east/a-accounting.yaml"),
    ] {
        std::fs::copy(samples.join(from), dir.join(to)).unwrap();
    }
    std::fs::copy(
        repo(&fixture("answers/bad/invalid-answer.yaml")),
        dir.join("b-broken.yaml"),
    )
    .unwrap();
    std::fs::write(dir.join(".hidden.yaml"), "not: [valid").unwrap();
    std::fs::write(dir.join("notes.txt"), "not an answers file").unwrap();
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .trim_start_matches('\u{feff}')
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn a_folder_gives_a_report_per_client_and_a_portfolio_summary() {
    let root = tempfile::tempdir().unwrap();
    let input = root.path().join("clients");
    let out = root.path().join("out");
    clients(&input);
    let run = msp()
        .args(["report"])
        .arg(&input)
        .args(["--output-dir"])
        .arg(&out)
        .args(["--format", "markdown,csv"])
        .output()
        .unwrap();
    // One bad file: exit 2, but every good file is still processed.
    assert_eq!(run.status.code(), Some(2), "{}", stderr_of(&run));
    let stderr = stderr_of(&run);
    assert!(
        stderr.contains("b-broken.yaml:3:11: `maybe` is not an answer to GOV-01"),
        "{stderr}"
    );
    assert!(
        stderr.contains("4 answers file(s) scored, 1 invalid"),
        "{stderr}"
    );

    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "a-accounting.csv", "a-accounting.md", "b-dental.csv", "b-dental.md",
            "east_a-accounting.csv", "east_a-accounting.md", "east_c-engineering.csv", "east_c-engineering.md",
            "portfolio.csv",
        ],
        "one file per client and format, named from the input, the two a-accounting files kept apart"
    );
    let summary = lines(&out.join("portfolio.csv"));
    assert!(
        summary[0].starts_with("organization,file,assessed_on,score,rating,msp_tier,critical,high")
    );
    assert_eq!(summary.len(), 6, "header, four clients, one invalid file");
    // Worst first: the invalid file, then the dental practice (3), the two accounting firms
    // (47, in input order), the engineering firm (96).
    let expected = [
        "b-broken.yaml,,,,,,,,,,,,invalid,",
        "b-dental.yaml,2026-11-04,3,poor,minimal,",
        "a-accounting.yml,2026-10-21,47,weak",
        "east/a-accounting.yaml,2026-10-21,47,weak",
        "east/c-engineering.yaml,2026-11-12,96,strong,comprehensive",
    ];
    for (line, want) in summary[1..].iter().zip(expected) {
        assert!(line.contains(want), "expected `{want}` in `{line}`");
    }
    // The portfolio table is printed too.
    let table = stdout_of(&run);
    assert!(
        table.starts_with("Portfolio: 4 organisations, highest risk first"),
        "{table}"
    );
    assert!(table.find("Lakeside").unwrap() < table.find("Kessler").unwrap());
}

#[test]
fn the_summary_does_not_depend_on_scheduling() {
    let root = tempfile::tempdir().unwrap();
    let input = root.path().join("clients");
    clients(&input);
    let run = |out: &str| {
        let out = root.path().join(out);
        msp()
            .args(["report", "--quiet"])
            .arg(&input)
            .arg("--output-dir")
            .arg(&out)
            .output()
            .unwrap();
        std::fs::read(out.join("portfolio.csv")).unwrap()
    };
    let first = run("one");
    for n in 0..3 {
        assert_eq!(run(&format!("again{n}")), first);
    }
}

#[test]
fn quiet_prints_no_table_and_only_the_summary_is_written_without_formats() {
    let root = tempfile::tempdir().unwrap();
    let input = root.path().join("clients");
    let out = root.path().join("out");
    clients(&input);
    std::fs::remove_file(input.join("b-broken.yaml")).unwrap();
    let run = msp()
        .args(["report", "--quiet"])
        .arg(&input)
        .arg("--output-dir")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", stderr_of(&run));
    assert!(stdout_of(&run).is_empty());
    assert!(
        !stderr_of(&run).contains('\u{1b}'),
        "no progress bar when not a terminal"
    );
    let names: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
    assert_eq!(names.len(), 1);
    assert_eq!(lines(&out.join("portfolio.csv")).len(), 5);
}

#[test]
fn files_folders_and_standard_input_mix() {
    let root = tempfile::tempdir().unwrap();
    let input = root.path().join("clients");
    clients(&input);
    std::fs::remove_file(input.join("b-broken.yaml")).unwrap();
    let stdin = std::fs::read(repo(
        "questionnaires/examples/engineering-firm-comprehensive.yaml",
    ))
    .unwrap();
    let run = msp()
        .args(["check", "--fail-on", "critical"])
        .arg(input.join("east"))
        .arg("-")
        .write_stdin(stdin)
        .output()
        .unwrap();
    let text = stdout_of(&run);
    assert_eq!(run.status.code(), Some(0), "{text}{}", stderr_of(&run));
    assert!(text.contains("3 of 3 file(s) passed"), "{text}");
    let first = text.find("east/a-accounting.yaml").unwrap();
    let second = text.find("east/c-engineering.yaml").unwrap();
    assert!(first < second, "sorted order within the folder");
}

#[test]
fn a_missing_input_is_reported_and_the_rest_processed() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    let run = msp()
        .args(["report", "no/such/folder"])
        .arg(repo("questionnaires/examples/accounting-firm-some.yaml"))
        .arg("--output-dir")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr_of(&run).contains("no/such/folder: no such file or folder"),
        "{}",
        stderr_of(&run)
    );
    assert_eq!(
        lines(&out.join("portfolio.csv")).len(),
        3,
        "header, the good file, the missing one"
    );
}

#[test]
fn check_gives_invalid_files_a_verdict_line() {
    let root = tempfile::tempdir().unwrap();
    let input = root.path().join("clients");
    clients(&input);
    let run = msp()
        .args(["check", "--fail-on", "critical"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let text = stdout_of(&run);
    assert!(
        text.contains("INVALID  ") && text.contains("b-broken.yaml: cannot be used"),
        "{text}"
    );
    assert!(text.contains("of 5 file(s) passed, 1 invalid"), "{text}");
}
