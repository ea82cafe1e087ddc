//! The terminal report for an owner: the one-screen summary, `--detailed`, the who-acts
//! words, the interview's closing text, the pager, and the README's example.

use std::collections::HashSet;

use unicode_width::UnicodeWidthStr;

use crate::{msp, repo, stdout_of, TODAY};

const SAMPLES: [&str; 4] = [
    "questionnaires/examples/accounting-firm-some.yaml",
    "questionnaires/examples/dental-practice-minimal.yaml",
    "questionnaires/examples/engineering-firm-comprehensive.yaml",
    "questionnaires/examples/law-office-owner-unsure.yaml",
];

/// What a 24-row screen shows with the prompt that follows on its last row.
const SCREEN: usize = 23;

fn report(file: &str, extra: &[&str]) -> String {
    let out = msp()
        .args(["report", file])
        .args(extra)
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{file}");
    stdout_of(&out)
}

/// The words of `text`, without the ` \` that continues a command.
fn words(text: &str) -> HashSet<&str> {
    text.split_whitespace().filter(|w| *w != "\\").collect()
}

/// Every line fits `width` by display width, and no word was broken to make it fit: every
/// word is one the same text has when laid out with room to spare.
fn assert_wrapped(what: &str, text: &str, unwrapped: &str, width: usize) {
    for line in text.lines() {
        // Only a word that is wider than the line by itself (a long path in a command, which
        // cannot be broken) may stick out.
        let alone = words(line).len() == 1 && line.trim().width() + 6 > width;
        assert!(
            line.width() <= width || alone,
            "{what} at {width}: {line:?}"
        );
    }
    let whole = words(unwrapped);
    for w in words(text) {
        assert!(
            whole.contains(w),
            "{what} at {width}: `{w}` is a broken word\n{text}"
        );
    }
}

#[test]
fn the_summary_of_every_sample_fits_one_80x24_screen() {
    for file in SAMPLES {
        let text = report(file, &["--width", "80"]);
        let lines = text.lines().count();
        assert!(lines <= SCREEN, "{file}: {lines} lines\n{text}");
        // The headline, the plan, the questions for the MSP with the command, and no table.
        assert!(text.starts_with("MSP risk report: "), "{text}");
        assert!(text.lines().nth(1).unwrap().starts_with("Score "), "{text}");
        assert!(
            text.lines().nth(2).unwrap().starts_with("MSP tier: "),
            "{text}"
        );
        assert!(text.contains("What to do first"), "{text}");
        assert!(text.contains("Questions for your MSP ("), "{text}");
        assert!(
            text.contains(&format!("  msp-risk ask-msp {file}"))
                && text.contains("--output questions.md"),
            "{text}"
        );
        assert!(!text.contains("Findings, most urgent first"), "{text}");
        let name = file.rsplit('/').next().unwrap().trim_end_matches(".yaml");
        insta::assert_snapshot!(format!("summary_80_{name}"), text);
    }
}

#[test]
fn the_summary_lists_at_most_ten_actions_each_under_who_acts() {
    for file in SAMPLES {
        let text = report(file, &["--width", "80"]);
        let plan: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.starts_with("What to do first"))
            .skip(1)
            .take_while(|l| l.starts_with(' '))
            .collect();
        let owners: Vec<&str> = plan
            .iter()
            .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
            .map(|l| l.trim())
            .collect();
        for o in &owners {
            assert!(
                ["You", "Your MSP", "You: ask your MSP"].contains(o),
                "{file}: {o}"
            );
        }
        assert!(
            plan.first().is_some_and(|l| owners.contains(&l.trim())),
            "{text}"
        );
        let actions = plan
            .iter()
            .filter(|l| {
                l.trim_start()
                    .split_once(". ")
                    .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
            })
            .count();
        assert!((1..=10).contains(&actions), "{file}: {actions}\n{text}");
    }
}

#[test]
fn the_summary_wraps_at_word_boundaries_at_80_and_60_columns() {
    for file in SAMPLES {
        let wide = report(file, &["--width", "400"]);
        for width in [80, 60] {
            let text = report(file, &["--width", &width.to_string()]);
            assert_wrapped(file, &text, &wide, width);
        }
    }
}

#[test]
fn detailed_adds_every_finding_after_the_same_summary() {
    let file = SAMPLES[1];
    let summary = report(file, &["--width", "80"]);
    let detailed = report(file, &["--width", "80", "--detailed"]);
    // The same first screen, less the pointer to --detailed.
    let hint = " (add --detailed for the findings behind each)";
    assert!(summary.contains(hint));
    assert!(
        detailed.starts_with(&summary.replace(hint, "")),
        "{detailed}"
    );
    for section in [
        "What to do first, in detail",
        "Findings, most urgent first",
        "Scores by domain",
        "Who is responsible for what",
        "MSP capability tier",
    ] {
        assert!(detailed.contains(section), "{section}");
        assert!(!summary.contains(section), "{section}");
    }
    // The owner-facing words in the table's "Who acts" column, never the bank's ids.
    assert!(detailed.contains("Who acts"));
    assert!(detailed.contains("You: ask") && detailed.contains("Your MSP"));
    assert!(!detailed.contains("you_ask_msp") && !detailed.contains("│ msp"));
    for line in detailed.lines() {
        assert!(line.width() <= 80, "{line}");
    }
}

#[test]
fn several_files_give_a_summary_each_then_the_portfolio() {
    let out = msp()
        .args(["report", SAMPLES[0], SAMPLES[2], "--width", "80"])
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout_of(&out);
    assert_eq!(text.matches("MSP risk report: ").count(), 2, "{text}");
    assert!(!text.contains("Findings, most urgent first"));
    assert!(
        text.contains("Portfolio: 2 organisations, highest risk first"),
        "{text}"
    );
}

/// The interview's closing text for a sample kept in `name`, as the interview prints it.
fn closing(file: &str, name: &str, width: usize) -> String {
    let bank = msp_risk::bank::builtin().unwrap();
    let bytes = std::fs::read(repo(file)).unwrap();
    let answers = msp_risk::answers::load(&bytes, name, bank).unwrap();
    let today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let report = msp_risk::score(bank, &answers, today);
    let options = msp_risk::render::TableOptions {
        width,
        ..Default::default()
    };
    let questions = msp_risk::ask_msp::question_count(bank, &report);
    msp_risk::render::TableRenderer::new(options).closing(
        &report,
        "msp-risk",
        name,
        &msp_risk::render::LetterNote::Command { questions },
    )
}

#[test]
fn the_interview_ends_with_the_questions_to_send_first_and_the_first_actions_by_owner() {
    for file in SAMPLES {
        // The interview's default file, as most owners will have it.
        let text = closing(file, "answers.yaml", 80);
        let send = text.find("First, send your MSP").expect("questions first");
        let start = text.find("Then start with").expect("then the plan");
        assert!(send < start, "{text}");
        assert!(
            text.contains("  msp-risk ask-msp answers.yaml --output questions.md\n"),
            "{text}"
        );
        let owners = text
            .lines()
            .filter(|l| ["  You", "  Your MSP", "  You: ask your MSP"].contains(l))
            .count();
        assert!(owners >= 1, "{text}");
        assert!(text.contains("    1. "), "{text}");
        assert!(
            !text.contains("    6. ") && !text.contains("   10. "),
            "at most five: {text}"
        );
        assert!(
            text.contains("Your answers are saved in answers.yaml"),
            "{text}"
        );
        assert!(text.contains("--detailed"), "{text}");
        assert!(text.lines().count() <= SCREEN, "{file}\n{text}");
        // Long file names wrap between words too.
        for name in ["answers.yaml", file] {
            let wide = closing(file, name, 400);
            for width in [80, 60] {
                assert_wrapped(file, &closing(file, name, width), &wide, width);
            }
        }
    }
    insta::assert_snapshot!("closing_80_dental", closing(SAMPLES[1], "answers.yaml", 80));
}

/// README.md shows the summary of the dental sample as the tool prints it; with
/// `UPDATE_README=1` this test writes it there.
#[test]
fn the_readme_example_is_the_real_output() {
    const START: &str = "<!-- generated by tests/cli/report_summary.rs: report summary -->\n";
    const END: &str = "<!-- end of generated text -->";
    let file = SAMPLES[1];
    let text = report(file, &["--width", "80"]);
    let block = format!("{START}```text\n$ msp-risk report {file}\n{text}```\n");
    let path = repo("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (Some(a), Some(b)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md has no generated report example");
    };
    if readme[a..b] != block {
        if std::env::var_os("UPDATE_README").is_some() {
            let updated = format!("{}{block}{}", &readme[..a], &readme[b..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!("README.md's report example is out of date: run UPDATE_README=1 cargo test readme_example");
        }
    }
}

#[cfg(unix)]
mod pager {
    //! The pager, in a pseudo-terminal of 24 rows and 80 columns.

    use std::path::Path;

    use rexpect::session::{spawn_command, PtySession};

    use super::*;

    /// `msp-risk --today TODAY args` in a 24x80 pseudo-terminal, in the repository, with
    /// `env` set.
    fn spawn(args: &[&str], env: &[(&str, &str)]) -> PtySession {
        let mut cmd = std::process::Command::new("sh");
        cmd.arg("-c")
            .arg("stty rows 24 cols 80 && exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_msp-risk"))
            .args(["--today", TODAY])
            .args(args)
            .current_dir(repo(""))
            .env("TERM", "xterm")
            .env("NO_COLOR", "1")
            .env_remove("COLUMNS")
            .env_remove("LINES")
            .env_remove("PAGER")
            .env_remove("MSP_RISK_PAGER")
            .env_remove("LESS");
        for (k, v) in env {
            cmd.env(k, v);
        }
        spawn_command(cmd, Some(15_000)).expect("spawn in a pty")
    }

    /// A pager that keeps what it is given in `dir/paged.txt` and says so.
    fn fake_pager(dir: &Path) -> String {
        let script = dir.join("pager.sh");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\ncat > '{}'\necho FAKE PAGER DONE\n",
                dir.join("paged.txt").display()
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        script.display().to_string()
    }

    fn ends_with_0(p: &mut PtySession) {
        p.exp_eof().expect("ends");
        match p.process().wait().expect("wait") {
            rexpect::process::WaitStatus::Exited(_, 0) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_long_report_on_a_terminal_goes_through_pager() {
        let dir = tempfile::tempdir().unwrap();
        let pager = fake_pager(dir.path());
        let mut p = spawn(&["report", SAMPLES[1], "--detailed"], &[("PAGER", &pager)]);
        p.exp_string("FAKE PAGER DONE").expect("the pager ran");
        ends_with_0(&mut p);
        let paged = std::fs::read_to_string(dir.path().join("paged.txt")).unwrap();
        assert!(paged.starts_with("MSP risk report: Lakeside"), "{paged}");
        assert!(paged.contains("Findings, most urgent first"));
        assert!(paged.contains("Scores by domain"), "the whole report");
    }

    #[test]
    fn msp_risk_pager_comes_before_pager_and_shell_syntax_works() {
        let dir = tempfile::tempdir().unwrap();
        let pager = fake_pager(dir.path());
        let mut p = spawn(
            &["report", SAMPLES[1], "--detailed"],
            &[
                ("PAGER", "false"),
                ("MSP_RISK_PAGER", &format!("X=1 '{pager}'")),
            ],
        );
        p.exp_string("FAKE PAGER DONE").expect("the pager ran");
        ends_with_0(&mut p);
        assert!(dir.path().join("paged.txt").exists());
    }

    #[test]
    fn no_pager_a_short_summary_and_cat_print_directly() {
        let dir = tempfile::tempdir().unwrap();
        let pager = fake_pager(dir.path());
        for (args, env) in [
            (
                vec!["--no-pager", "report", SAMPLES[1], "--detailed"],
                pager.as_str(),
            ),
            (
                vec!["report", SAMPLES[1], "--detailed", "--no-pager"],
                pager.as_str(),
            ),
            (vec!["report", SAMPLES[1]], pager.as_str()),
            (vec!["report", SAMPLES[1], "--detailed"], "cat"),
        ] {
            let mut p = spawn(&args, &[("PAGER", env)]);
            p.exp_string("MSP risk report: Lakeside").expect("printed");
            ends_with_0(&mut p);
            assert!(!dir.path().join("paged.txt").exists(), "{args:?} {env}");
        }
    }

    #[test]
    fn a_pager_that_cannot_start_leaves_the_report_printed() {
        for pager in [
            "/nonexistent/pager",
            "no-such-pager-anywhere -R",
            "X=1 no-such-pager-anywhere",
        ] {
            let mut p = spawn(&["report", SAMPLES[1], "--detailed"], &[("PAGER", pager)]);
            p.exp_string("MSP risk report: Lakeside").expect("printed");
            p.exp_string("Scores by domain").expect("all of it");
            ends_with_0(&mut p);
        }
    }

    #[test]
    fn the_default_pager_is_less_and_q_quits_it() {
        if !Path::new("/usr/bin/less").exists() && !Path::new("/bin/less").exists() {
            eprintln!("skipped: less is not installed");
            return;
        }
        let mut p = spawn(&["report", SAMPLES[1], "--detailed"], &[]);
        p.exp_string("MSP risk report: Lakeside")
            .expect("first screen");
        std::thread::sleep(std::time::Duration::from_millis(500));
        // Printed without a pager, the report would be over by now: less waits for the reader.
        assert_eq!(
            p.process().status(),
            Some(rexpect::process::WaitStatus::StillAlive),
            "waiting in less"
        );
        p.send("q").unwrap();
        p.flush().unwrap();
        ends_with_0(&mut p);
    }
}

#[test]
fn without_a_terminal_the_pager_is_never_started() {
    let dir = tempfile::tempdir().unwrap();
    let mark = dir.path().join("ran");
    let out = msp()
        .args(["report", SAMPLES[1], "--detailed"])
        .env("PAGER", format!("touch '{}'", mark.display()))
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout_of(&out).contains("Findings, most urgent first"));
    assert!(!mark.exists());
}

/// `interview --detailed`: the full report, then the closing text (the interview on the
/// small test bank, answered as in the interview's own end-to-end test).
#[cfg(unix)]
#[test]
fn interview_detailed_prints_the_full_report_then_the_closing_text() {
    use crate::interview::pty::{at, down, spawn_with, ENTER};

    let dir = tempfile::tempdir().unwrap();
    let bank = repo("tests/fixtures/banks/small.yaml");
    let mut p = spawn_with(
        dir.path(),
        &[
            bank.as_os_str(),
            "interview".as_ref(),
            "--answers".as_ref(),
            "a.yaml".as_ref(),
            "--detailed".as_ref(),
            "--no-pager".as_ref(),
        ],
    );
    at(&mut p, "Press Enter to continue", &[ENTER]);
    at(&mut p, "Name of the organisation", &["Small Co", ENTER]);
    at(&mut p, "Your name", &["Sam", ENTER]);
    // Nothing is pre-selected: the first Down picks the first answer.
    at(&mut p, "Question 1 of 4 - Accounts", &[&down(1), ENTER]);
    at(&mut p, "Question 2 of 5", &[&down(3), ENTER]);
    at(&mut p, "(ACC-03)", &[&down(1), ENTER]);
    at(&mut p, "(BCK-01)", &[&down(2), ENTER]);
    at(&mut p, "(BCK-02)", &[&down(1), ENTER]);
    at(&mut p, "(BCK-03)", &[&down(5), ENTER]);
    p.exp_string("Findings, most urgent first")
        .expect("the full report");
    p.exp_string("tart with:").expect("the closing text");
    p.exp_string("    1. Ask for the list.")
        .expect("the first action");
    p.exp_string("Your answers are saved in a.yaml")
        .expect("where the answers are");
    p.exp_string("a.yaml --detailed").expect("the commands");
    p.exp_eof().expect("ends");
}

#[test]
fn answers_waiting_for_the_msp_are_said_under_the_headline() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.yaml");
    std::fs::write(
        &path,
        "bank: cisa-msp-customer@2.0.0\nanswers:\n  GOV-01: yes\n  CAP-05:\n    answer: unknown\n    asked_msp: 2026-11-20\n  CAP-06:\n    answer: unknown\n    asked_msp: 2026-11-21\n",
    )
    .unwrap();
    for format in ["table", "html", "markdown"] {
        let out = crate::msp()
            .args(["report", "--no-pager", "--format", format])
            .arg(&path)
            .output()
            .unwrap();
        let text = crate::stdout_of(&out).replace('\n', " ");
        assert!(
            text.contains("2 answers wait for your MSP (sent 2026-11-20): gaps until it replies."),
            "{format}: {text}"
        );
    }
}
