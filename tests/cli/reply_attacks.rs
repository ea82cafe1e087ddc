//! An outside attack on `ask-msp --output reply.xlsx|.yaml` and `import-reply` (issue 13):
//! hostile replies, hostile file systems, and the merge's logic. Tests named "Finding N"
//! reproduce a defect found on commit 158517f (they failed there and pass since the fix);
//! the others confirmed a property that already held.

use std::path::{Path, PathBuf};
use std::process::{Command as Std, Output};
use std::time::Duration;

use rust_xlsxwriter::{Formula, Workbook};

use crate::{msp, repo, stderr_of, stdout_of};

const BANK: &str = "cisa-msp-customer@2.0.0";
const LAW: &str = "questionnaires/examples/law-office-owner-unsure.yaml";
/// No command may wait for ever; a hang fails the test instead of the suite.
const LIMIT: Duration = Duration::from_secs(30);

/// A small answers file naming its MSP; the owner believes the MSP watches alerts (SHR-01)
/// and protects the computers (SHR-03), with evidence and a note of her own on SHR-01.
const OWNER: &str = "bank: cisa-msp-customer@2.0.0
organization: Delgado Law
msp: Acme IT
answers:
  SHR-01:
    answer: msp
    note: my own note
    evidence: MSA v3, section 4 (owner's own evidence)
  SHR-03: msp
";

/// A YAML reply from Acme IT to SHR-01.
const REPLY: &str = "form: msp-risk reply
bank: cisa-msp-customer@2.0.0
msp: Acme IT
replied_by: Bob, service manager
replied_on: 2026-11-20
answers:
  SHR-01:
    answer: us
    comment: we do not watch alerts
    evidence: SOW 2
";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// Runs `msp-risk ARGS` in `dir`, never for longer than [`LIMIT`].
fn run_in(dir: &Path, args: &[&str]) -> Output {
    msp()
        .args(args)
        .current_dir(dir)
        .timeout(LIMIT)
        .output()
        .unwrap()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn mkfifo(path: &Path) -> bool {
    Std::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

fn is_root() -> bool {
    Std::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// One row of a reply workbook: id, answer, comment, evidence, evidence date.
type Row<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str);

/// A reply workbook as the MSP might return it: the Reply sheet (id, topic, question, we
/// believe, evidence that would help, answer, comment, evidence, evidence date) and the Form
/// sheet of `fields`. `extra` may add hostile content to the Reply sheet.
fn reply_book(
    path: &Path,
    fields: &[(&str, &str)],
    rows: &[Row],
    extra: impl FnOnce(&mut rust_xlsxwriter::Worksheet),
) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Reply").unwrap();
    let header = [
        "id",
        "topic",
        "question",
        "we believe",
        "evidence that would help",
        "answer",
        "comment",
        "evidence",
        "evidence date",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (i, (id, answer, comment, evidence, date)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        for (c, v) in [(0, id), (5, answer), (6, comment), (7, evidence), (8, date)] {
            if !v.is_empty() {
                sheet.write_string(r, c, *v).unwrap();
            }
        }
    }
    extra(sheet);
    let form = book.add_worksheet().set_name("Form").unwrap();
    form.write_string(0, 0, "field").unwrap();
    form.write_string(0, 1, "value").unwrap();
    for (i, (k, v)) in fields.iter().enumerate() {
        form.write_string(i as u32 + 1, 0, *k).unwrap();
        if !v.is_empty() {
            form.write_string(i as u32 + 1, 1, *v).unwrap();
        }
    }
    book.save(path).unwrap();
}

const FORM: &[(&str, &str)] = &[
    ("form", "msp-risk reply"),
    ("bank", BANK),
    ("msp", "Acme IT"),
    ("replied_by", "Bob"),
    ("replied_on", "2026-11-20"),
];

// ---- Findings (fail on 158517f) --------------------------------------------------------

/// Finding 1: one cell far away (XFD1048576) in a 7 KB reply workbook makes the reader ask
/// for 512 GiB; the process aborts (SIGABRT, exit 134) instead of one clear message.
#[test]
fn a_far_away_cell_in_a_reply_workbook_is_a_clear_error_not_an_abort() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", OWNER);
    reply_book(
        &dir.path().join("reply.xlsx"),
        FORM,
        &[("SHR-01", "Us (the customer)", "", "", "")],
        |s| {
            s.write_string(1_048_575, 16_383, "x").unwrap();
        },
    );
    let out = run_in(dir.path(), &["import-reply", "reply.xlsx", "a.yaml"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).starts_with("error: reply.xlsx"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(read(dir.path(), "a.yaml"), OWNER);
}

/// Finding 2: merged replies can grow an answers file past the 8 MiB input limit; the merge
/// says it succeeded (exit 0), and afterwards neither `report` nor `import-reply` reads the
/// file. (A 52 KB workbook does it too: 108 rows of 32,767-character comment, evidence and
/// replied_by.)
#[test]
fn a_merge_never_leaves_an_answers_file_too_large_to_read() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", OWNER);
    for (n, id) in [(1, "SHR-01"), (2, "SHR-03")] {
        let text = format!(
            "form: msp-risk reply\nbank: {BANK}\nmsp: Acme IT\nanswers:\n  {id}:\n    answer: msp\n    comment: \"{}\"\n",
            "A".repeat(5 * 1024 * 1024)
        );
        write(dir.path(), &format!("r{n}.yaml"), &text);
    }
    let first = run_in(dir.path(), &["import-reply", "r1.yaml", "a.yaml"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr_of(&first));
    let second = run_in(dir.path(), &["import-reply", "r2.yaml", "a.yaml"]);
    let report = run_in(dir.path(), &["report", "a.yaml", "--no-pager"]);
    if second.status.code() == Some(0) {
        // Merged: then the file must still be readable.
        assert_ne!(
            report.status.code(),
            Some(2),
            "import-reply said it merged, but the file no longer loads: {}",
            stderr_of(&report)
        );
    } else {
        // Refused: then one clear message, and the file as it was.
        assert_eq!(second.status.code(), Some(2));
        assert_ne!(report.status.code(), Some(2), "{}", stderr_of(&report));
    }
}

/// Finding 3: the owner's own `evidence:` is replaced by the MSP's, even where the MSP
/// disagrees; only the `.bak` copy still has it. The owner's answer is kept
/// (`owner_answer`), her evidence is not.
#[test]
fn the_owners_evidence_survives_a_reply_with_evidence() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", OWNER);
    write(dir.path(), "r.yaml", REPLY);
    let out = run_in(dir.path(), &["import-reply", "r.yaml", "a.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let after = read(dir.path(), "a.yaml");
    assert!(after.contains("SOW 2"), "{after}");
    assert!(
        after.contains("MSA v3, section 4 (owner's own evidence)"),
        "the owner's evidence is gone:\n{after}"
    );
}

/// Finding 4: an answers file in flow style is rewritten whole; every comment goes, with no
/// word to the user (src/answers/edit.rs promises "telling the user first").
#[test]
fn comments_survive_a_merge_into_a_flow_style_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = "# top comment keep me
bank: cisa-msp-customer@2.0.0
organization: Delgado Law   # org comment keep me
msp: Acme IT
answers: {SHR-01: msp, SHR-03: {answer: msp, note: flow note}}  # flow comment keep me
# trailing comment keep me
";
    write(dir.path(), "a.yaml", text);
    write(dir.path(), "r.yaml", REPLY);
    let out = run_in(dir.path(), &["import-reply", "r.yaml", "a.yaml"]);
    let after = read(dir.path(), "a.yaml");
    if out.status.code() == Some(0) {
        for c in [
            "# top comment keep me",
            "# org comment keep me",
            "# trailing comment keep me",
        ] {
            assert!(after.contains(c), "`{c}` lost:\n{after}");
        }
    } else {
        assert_eq!(after, text, "refused, so nothing may change");
    }
}

/// Finding 5: comments inside the multi-line entry the reply updates are dropped (on the
/// key's line, on the answer's line, and whole comment lines inside it).
#[test]
fn comments_inside_a_multi_line_entry_survive_a_merge() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.yaml",
        "bank: cisa-msp-customer@2.0.0
organization: Delgado Law
msp: Acme IT
answers:
  SHR-01:  # key comment
    answer: msp   # answer comment
    # inner comment
    note: x
  SHR-03: msp
",
    );
    write(dir.path(), "r.yaml", REPLY);
    let out = run_in(dir.path(), &["import-reply", "r.yaml", "a.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let after = read(dir.path(), "a.yaml");
    for c in ["# key comment", "# answer comment", "# inner comment"] {
        assert!(after.contains(c), "`{c}` lost:\n{after}");
    }
}

/// Finding 6: the reply may answer questions that were never put to the MSP, including the
/// owner's own homework (GOV-01: a named leader in her business; OVS-05: her staff's
/// training). They are merged as "filled in" and raise the score. `ask-msp` never asks these.
#[test]
fn a_reply_cannot_answer_questions_the_form_never_asked() {
    let dir = tempfile::tempdir().unwrap();
    let owner = "bank: cisa-msp-customer@2.0.0
organization: Delgado Law
msp: Acme IT
answers:
  GOV-05: no
  SHR-01: unknown
";
    write(dir.path(), "a.yaml", owner);
    // The form made for this file does not ask GOV-01, GOV-05 or OVS-05.
    let form = run_in(dir.path(), &["ask-msp", "a.yaml", "--output", "form.yaml"]);
    assert_eq!(form.status.code(), Some(0), "{}", stderr_of(&form));
    let asked = read(dir.path(), "form.yaml");
    for id in ["GOV-01:", "GOV-05:", "OVS-05:"] {
        assert!(!asked.contains(&format!("  {id}\n")), "{id} is on the form");
    }
    write(
        dir.path(),
        "r.yaml",
        "form: msp-risk reply
bank: cisa-msp-customer@2.0.0
msp: Acme IT
answers:
  GOV-01: \"yes\"
  GOV-05: \"yes\"
  OVS-05: \"yes\"
",
    );
    let out = run_in(dir.path(), &["import-reply", "r.yaml", "a.yaml"]);
    let after = read(dir.path(), "a.yaml");
    assert!(
        !after.contains("GOV-01:\n    answer: yes\n    source: msp"),
        "the MSP answered the owner's own question (exit {:?}):\n{after}",
        out.status.code()
    );
    assert!(
        !after.contains("OVS-05:\n    answer: yes\n    source: msp"),
        "{after}"
    );
}

/// Finding 7: where the owner answered and the MSP replies "Not sure" with a comment and
/// evidence, both are dropped, and the summary says "The file already held them".
#[test]
fn an_msp_not_sure_keeps_what_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", OWNER);
    write(
        dir.path(),
        "r.yaml",
        "form: msp-risk reply
bank: cisa-msp-customer@2.0.0
msp: Acme IT
answers:
  SHR-01:
    answer: unknown
    comment: checking with our SOC vendor, will confirm by Friday
    evidence: ticket 123
",
    );
    let out = run_in(dir.path(), &["import-reply", "r.yaml", "a.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        !stdout_of(&out).contains("The file already held them"),
        "{}",
        stdout_of(&out)
    );
    let after = read(dir.path(), "a.yaml");
    assert!(
        after.contains("checking with our SOC vendor"),
        "the MSP's comment is lost:\n{after}"
    );
}

/// Finding 8: `--dry-run` says the reply "would be merged" (exit 0) into files the real run
/// refuses: a symbolic link, a file with two names, a file an interview holds.
#[test]
fn a_dry_run_refuses_what_the_real_run_refuses() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", OWNER);
    write(dir.path(), "r.yaml", REPLY);
    std::os::unix::fs::symlink("a.yaml", dir.path().join("link.yaml")).unwrap();
    write(dir.path(), "h.yaml", OWNER);
    std::fs::hard_link(dir.path().join("h.yaml"), dir.path().join("h2.yaml")).unwrap();
    for file in ["link.yaml", "h.yaml"] {
        let real = run_in(dir.path(), &["import-reply", "r.yaml", file]);
        assert_eq!(real.status.code(), Some(2), "{file}");
        let dry = run_in(dir.path(), &["import-reply", "r.yaml", file, "--dry-run"]);
        assert_eq!(
            dry.status.code(),
            Some(2),
            "{file}: the dry run said: {}",
            stdout_of(&dry)
        );
    }
    // Held by an interview.
    let held = std::fs::File::open(dir.path().join("a.yaml")).unwrap();
    held.lock().unwrap();
    let real = run_in(dir.path(), &["import-reply", "r.yaml", "a.yaml"]);
    assert_eq!(real.status.code(), Some(2));
    let dry = run_in(
        dir.path(),
        &["import-reply", "r.yaml", "a.yaml", "--dry-run"],
    );
    assert_eq!(dry.status.code(), Some(2), "{}", stdout_of(&dry));
}

/// Finding 9: an MSP name with a bidi mark (U+200F, common in Hebrew and Arabic names) or
/// NEL goes into the workbook form neutralised, so the form cannot be imported back into
/// the very file it was made from: "the reply is from `Acme? IT`, but a.yaml names its MSP
/// as `Acme? IT`". The YAML form round-trips.
#[test]
fn the_workbook_form_round_trips_any_msp_name() {
    for mark in ['\u{200F}', '\u{200E}', '\u{85}'] {
        let dir = tempfile::tempdir().unwrap();
        let owner = format!(
            "bank: cisa-msp-customer@2.0.0\norganization: Org\nmsp: \"Acme\\u{:04X} IT\"\nanswers:\n  SHR-01: unknown\n",
            mark as u32
        );
        write(dir.path(), "a.yaml", &owner);
        let form = run_in(dir.path(), &["ask-msp", "a.yaml", "--output", "reply.xlsx"]);
        assert_eq!(form.status.code(), Some(0), "{}", stderr_of(&form));
        // The form returned unanswered: nothing to merge, but it is this client's form.
        let out = run_in(dir.path(), &["import-reply", "reply.xlsx", "a.yaml"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            mark.escape_unicode(),
            stderr_of(&out)
        );
    }
}

// ---- Properties that hold on 158517f ----------------------------------------------------

#[test]
fn formulas_in_reply_cells_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", OWNER);
    reply_book(
        &dir.path().join("reply.xlsx"),
        FORM,
        &[("SHR-01", "Us (the customer)", "", "", "")],
        |s| {
            s.write_formula(1, 6, Formula::new("=HYPERLINK(\"http://evil\",\"click\")"))
                .unwrap();
            s.write_formula(2, 6, Formula::new("=cmd|' /C calc'!A0"))
                .unwrap();
        },
    );
    let out = run_in(dir.path(), &["import-reply", "reply.xlsx", "a.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(err.contains("sheet Reply, cell G2"), "{err}");
    assert!(err.contains("formula"), "{err}");
    assert_eq!(read(dir.path(), "a.yaml"), OWNER);
    assert_eq!(files_in(dir.path()), ["a.yaml", "reply.xlsx"]);
}

#[test]
fn hostile_text_from_a_reply_is_neutralised_in_every_report_format() {
    let dir = tempfile::tempdir().unwrap();
    // No `msp:`: the reply's hostile name is written into the file.
    write(
        dir.path(),
        "a.yaml",
        "bank: cisa-msp-customer@2.0.0\norganization: Org\nanswers:\n  SHR-01: msp\n  SHR-03: unknown\n",
    );
    write(
        dir.path(),
        "r.yaml",
        r#"form: msp-risk reply
bank: cisa-msp-customer@2.0.0
msp: "Evil\e[31m IT\u202e<script>alert(1)</script>"
replied_by: "Bob\a\e]8;;http://evil\e\\click\e]8;;\e\\ <b>x</b>"
replied_on: 2026-11-20
answers:
  SHR-01:
    answer: us
    comment: "=cmd|' /C calc'!A0 \e[2J\r\nline2 <img src=x onerror=alert(1)> ]]> -->"
    evidence: "@SUM(1)\e[31m red \u202e <script>alert(2)</script> | [x](javascript:alert(3))"
    evidence_date: 2026-06-30
  SHR-03:
    answer: msp
    comment: "+1 \x07"
    evidence: "-2 \u2066iso"
"#,
    );
    let out = run_in(dir.path(), &["import-reply", "r.yaml", "a.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    for text in [stdout_of(&out), stderr_of(&out)] {
        assert!(!text.contains(['\x1b', '\x07', '\u{202e}']), "{text:?}");
    }
    for format in [
        "table", "json", "html", "markdown", "csv", "sarif", "junit", "oscal",
    ] {
        let out = run_in(
            dir.path(),
            &[
                "report",
                "a.yaml",
                "--detailed",
                "--no-pager",
                "--format",
                format,
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr_of(&out));
        let text = stdout_of(&out);
        assert!(
            !text.contains(['\x1b', '\x07', '\u{202e}', '\u{2066}']),
            "{format} carries a control character"
        );
        if format == "html" {
            assert!(!text.contains("<script"), "html");
            assert!(!text.contains("<img"), "html");
        }
        if format == "csv" {
            for field in text.split([',', '\n']) {
                let field = field.trim_start_matches('"');
                assert!(
                    !field.starts_with(['=', '+', '@']),
                    "csv cell starts a formula: {field}"
                );
            }
        }
    }
    // Errors quoting hostile text are neutralised too.
    write(
        dir.path(),
        "bad.yaml",
        "form: msp-risk reply\nbank: cisa-msp-customer@2.0.0\nmsp: \"Other\\e]0;pwned\\a\"\nanswers:\n  SHR-01: \"You\\e[2J\"\n",
    );
    let out = run_in(dir.path(), &["import-reply", "bad.yaml", "a.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        !stderr_of(&out).contains(['\x1b', '\x07']),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn merging_the_same_reply_twice_changes_nothing_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo(LAW), dir.path().join("a.yaml")).unwrap();
    write(
        dir.path(),
        "r.yaml",
        "form: msp-risk reply
bank: cisa-msp-customer@2.0.0
organization: Delgado Family & Estate Law, PLLC
msp: Acme IT
replied_by: Bob
replied_on: 2026-11-20
answers:
  SHR-01: {answer: Not sure, comment: checking}
  SHR-03: {answer: Us (the customer), comment: c, evidence: SOC 2, evidence_date: 2026-06-30}
  SHR-05: You (the MSP)
",
    );
    let first = run_in(dir.path(), &["import-reply", "r.yaml", "a.yaml"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr_of(&first));
    let after_first = read(dir.path(), "a.yaml");
    let files = files_in(dir.path());
    let second = run_in(dir.path(), &["import-reply", "r.yaml", "a.yaml"]);
    assert_eq!(second.status.code(), Some(0), "{}", stderr_of(&second));
    assert_eq!(read(dir.path(), "a.yaml"), after_first);
    assert_eq!(files_in(dir.path()), files, "no second backup");
    assert!(
        stdout_of(&second).contains("unchanged"),
        "{}",
        stdout_of(&second)
    );
    let report = run_in(dir.path(), &["report", "a.yaml", "--no-pager"]);
    assert_eq!(report.status.code(), Some(0), "{}", stderr_of(&report));
}

#[test]
fn the_msp_name_is_checked_loosely_for_spelling_and_strictly_for_identity() {
    let dir = tempfile::tempdir().unwrap();
    let reply = |name: &str| REPLY.replace("msp: Acme IT", &format!("msp: {name}"));
    for (name, code) in [
        ("\"  acme   IT \"", 0),
        ("ACME IT.", 0),
        ("Acme I.T.", 2),
        ("AcmeIT", 2),
        ("Acme IT Ltd", 2),
        ("\"\u{410}cme IT\"", 2), // a Cyrillic A
        ("\"  \"", 2),
    ] {
        write(dir.path(), "a.yaml", OWNER);
        write(dir.path(), "r.yaml", &reply(name));
        let out = run_in(dir.path(), &["import-reply", "r.yaml", "a.yaml"]);
        assert_eq!(out.status.code(), Some(code), "{name}: {}", stderr_of(&out));
        if code == 2 {
            assert_eq!(read(dir.path(), "a.yaml"), OWNER, "{name}");
        }
    }
    // A reply that names no MSP is refused.
    write(dir.path(), "a.yaml", OWNER);
    write(dir.path(), "r.yaml", &REPLY.replace("msp: Acme IT\n", ""));
    let out = run_in(dir.path(), &["import-reply", "r.yaml", "a.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("does not say which MSP answered"),
        "{}",
        stderr_of(&out)
    );
    // A reply made for another client is refused.
    write(
        dir.path(),
        "r.yaml",
        &REPLY.replace("msp: Acme IT", "organization: Other Org\nmsp: Acme IT"),
    );
    let out = run_in(dir.path(), &["import-reply", "r.yaml", "a.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(read(dir.path(), "a.yaml"), OWNER);
}

#[test]
fn with_several_files_each_is_checked_and_the_others_still_merge() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", OWNER);
    let other = OWNER.replace("msp: Acme IT", "msp: Other IT");
    write(dir.path(), "b.yaml", &other);
    let unnamed = OWNER.replace("msp: Acme IT\n", "");
    write(dir.path(), "c.yaml", &unnamed);
    write(dir.path(), "r.yaml", REPLY);
    let out = run_in(
        dir.path(),
        &[
            "import-reply",
            "r.yaml",
            "a.yaml",
            "b.yaml",
            "c.yaml",
            "r.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(read(dir.path(), "a.yaml").contains("source: msp"));
    assert_eq!(read(dir.path(), "b.yaml"), other);
    assert_eq!(read(dir.path(), "c.yaml"), unnamed);
    assert_eq!(read(dir.path(), "r.yaml"), REPLY);
    assert!(stderr_of(&out).contains("3 of 4 file(s) were not merged"));
}

#[test]
fn hostile_answers_file_paths_are_refused_and_nothing_hangs() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", OWNER);
    write(dir.path(), "r.yaml", REPLY);
    std::os::unix::fs::symlink("a.yaml", dir.path().join("link.yaml")).unwrap();
    std::fs::create_dir(dir.path().join("d.yaml")).unwrap();
    assert!(mkfifo(&dir.path().join("fifo.yaml")));
    write(dir.path(), "h.yaml", OWNER);
    std::fs::hard_link(dir.path().join("h.yaml"), dir.path().join("h2.yaml")).unwrap();
    for (file, says) in [
        ("link.yaml", "symbolic link"),
        ("fifo.yaml", "FIFO"),
        ("/dev/null", "device"),
        ("d.yaml", "folder"),
        ("h.yaml", "hard links"),
        ("r.yaml", "the reply itself"),
        ("./r.yaml", "the reply itself"),
        ("missing.yaml", "does not exist"),
    ] {
        let out = run_in(dir.path(), &["import-reply", "r.yaml", file]);
        assert_eq!(out.status.code(), Some(2), "{file}");
        assert!(
            stderr_of(&out).contains(says),
            "{file}: {}",
            stderr_of(&out)
        );
    }
    // A FIFO as the reply does not wait for a writer either.
    assert!(mkfifo(&dir.path().join("rf.yaml")));
    let out = run_in(dir.path(), &["import-reply", "rf.yaml", "a.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(read(dir.path(), "a.yaml"), OWNER);
    assert_eq!(read(dir.path(), "h2.yaml"), OWNER);
    assert!(!dir.path().join("missing.yaml").exists());
}

#[test]
fn a_planted_backup_link_is_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", OWNER);
    write(dir.path(), "r.yaml", REPLY);
    write(dir.path(), "victim", "precious");
    std::os::unix::fs::symlink("victim", dir.path().join("a.yaml.bak")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/x", dir.path().join("a.yaml.1.bak")).unwrap();
    let out = run_in(dir.path(), &["import-reply", "r.yaml", "a.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(read(dir.path(), "victim"), "precious");
    assert_eq!(read(dir.path(), "a.yaml.2.bak"), OWNER);
    assert!(
        stdout_of(&out).contains("a.yaml.2.bak"),
        "{}",
        stdout_of(&out)
    );
}

#[test]
fn a_file_held_by_an_interview_is_not_merged() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", OWNER);
    write(dir.path(), "r.yaml", REPLY);
    let held = std::fs::File::open(dir.path().join("a.yaml")).unwrap();
    held.lock().unwrap();
    let out = run_in(dir.path(), &["import-reply", "r.yaml", "a.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("in use by an interview"));
    assert_eq!(read(dir.path(), "a.yaml"), OWNER);
    assert_eq!(files_in(dir.path()), ["a.yaml", "r.yaml"]);
}

#[test]
fn a_read_only_folder_fails_cleanly() {
    if is_root() {
        return; // root writes anyway
    }
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("ro");
    std::fs::create_dir(&sub).unwrap();
    write(&sub, "a.yaml", OWNER);
    write(&sub, "r.yaml", REPLY);
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = run_in(&sub, &["import-reply", "r.yaml", "a.yaml"]);
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(read(&sub, "a.yaml"), OWNER);
}

#[test]
fn ask_msp_never_replaces_a_file_an_input_or_a_link() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", OWNER);
    write(dir.path(), "filled.xlsx", "the MSP's filled-in form");
    write(dir.path(), "victim", "precious");
    std::os::unix::fs::symlink("victim", dir.path().join("link.xlsx")).unwrap();
    std::os::unix::fs::symlink("nowhere.yaml", dir.path().join("dangling.yaml")).unwrap();
    assert!(mkfifo(&dir.path().join("fifo.yaml")));
    std::fs::create_dir(dir.path().join("d.xlsx")).unwrap();
    let before = files_in(dir.path());
    for output in [
        "filled.xlsx",
        "a.yaml",
        "./a.yaml",
        "link.xlsx",
        "dangling.yaml",
        "fifo.yaml",
        "d.xlsx",
    ] {
        let out = run_in(dir.path(), &["ask-msp", "a.yaml", "--output", output]);
        assert_eq!(out.status.code(), Some(2), "{output}");
    }
    assert_eq!(files_in(dir.path()), before);
    assert_eq!(read(dir.path(), "a.yaml"), OWNER);
    assert_eq!(read(dir.path(), "victim"), "precious");
    assert_eq!(read(dir.path(), "filled.xlsx"), "the MSP's filled-in form");
}

#[test]
fn bombs_and_malformed_replies_get_one_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", OWNER);
    let mut laughs =
        String::from("form: msp-risk reply\nbank: cisa-msp-customer@2.0.0\nmsp: &a Acme\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        laughs.push_str(&format!(
            "l{}: &{} [{}]\n",
            w[1],
            w[1],
            vec![format!("*{}", w[0]); 10].join(",")
        ));
    }
    laughs.push_str("answers:\n  SHR-01: msp\n");
    let deep = format!(
        "form: msp-risk reply\nbank: {BANK}\nmsp: Acme IT\nanswers:\n  SHR-01: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("laughs.yaml", laughs.into_bytes(), "safety limit"),
        ("deep.yaml", deep.into_bytes(), "safety limit"),
        (
            "dup.yaml",
            REPLY
                .replace("msp: Acme IT", "msp: Acme IT\nmsp: Evil")
                .into_bytes(),
            "appears twice",
        ),
        (
            "dupid.yaml",
            format!("{REPLY}  SHR-01: msp\n").into_bytes(),
            "twice",
        ),
        ("junk.xlsx", b"not a zip".to_vec(), "not a readable .xlsx"),
        (
            "book.yaml",
            {
                let p = dir.path().join("tmp.xlsx");
                reply_book(
                    &p,
                    FORM,
                    &[("SHR-01", "Us (the customer)", "", "", "")],
                    |_| {},
                );
                let b = std::fs::read(&p).unwrap();
                std::fs::remove_file(p).unwrap();
                b
            },
            "not a text file",
        ),
        (
            "answers.yaml",
            OWNER.as_bytes().to_vec(),
            "not a reply form",
        ),
        (
            "other-bank.yaml",
            REPLY.replace(BANK, "cisa-msp-customer@9.0.0").into_bytes(),
            "cannot map its questions",
        ),
        (
            "unknown-id.yaml",
            REPLY.replace("SHR-01:", "ZZZ-99:").into_bytes(),
            "no question `ZZZ-99`",
        ),
    ];
    for (name, bytes, says) in cases {
        std::fs::write(dir.path().join(name), bytes).unwrap();
        let out = run_in(dir.path(), &["import-reply", name, "a.yaml"]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = stderr_of(&out);
        assert!(err.contains(says), "{name}: {err}");
        assert!(err.starts_with(&format!("error: {name}")), "{name}: {err}");
        assert_eq!(read(dir.path(), "a.yaml"), OWNER, "{name}");
    }
    // A reply over the input limit is refused without being read whole.
    let big = std::fs::File::create(dir.path().join("big.yaml")).unwrap();
    big.set_len(9 * 1024 * 1024).unwrap();
    let out = run_in(dir.path(), &["import-reply", "big.yaml", "a.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("larger than the limit"));
}

#[test]
fn hostile_workbook_layouts_are_refused_with_the_cell_named() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", OWNER);
    let cases: Vec<(&str, Vec<Row>, &str)> = vec![
        (
            "dupid.xlsx",
            vec![
                ("SHR-01", "Us (the customer)", "", "", ""),
                ("SHR-01", "You (the MSP)", "", "", ""),
            ],
            "cell A3: SHR-01 is also on row 2",
        ),
        (
            "noid.xlsx",
            vec![("", "Us (the customer)", "orphan", "", "")],
            "cell F2: this row has no question id",
        ),
        (
            "label.xlsx",
            vec![("SHR-01", "true", "", "", "")],
            "cell F2: `true` is not an answer to SHR-01",
        ),
        (
            "date.xlsx",
            vec![("SHR-01", "Us (the customer)", "", "", "31/12/2026")],
            "cell I2",
        ),
    ];
    for (name, rows, says) in cases {
        reply_book(&dir.path().join(name), FORM, &rows, |_| {});
        let out = run_in(dir.path(), &["import-reply", name, "a.yaml"]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            stderr_of(&out).contains(says),
            "{name}: {}",
            stderr_of(&out)
        );
        assert_eq!(read(dir.path(), "a.yaml"), OWNER);
    }
    // An extra column is named; a missing Form sheet is said.
    reply_book(
        &dir.path().join("extra.xlsx"),
        FORM,
        &[("SHR-01", "Us (the customer)", "", "", "")],
        |s| {
            s.write_string(0, 9, "secret").unwrap();
        },
    );
    let out = run_in(dir.path(), &["import-reply", "extra.xlsx", "a.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("cell J1"), "{}", stderr_of(&out));
    // A label, an id and the owner's word all read as the same answer.
    for (answer, expect) in [
        ("Us (the customer)", "answer: us"),
        ("us", "answer: us"),
        ("Us", "answer: us"),
    ] {
        write(dir.path(), "a.yaml", OWNER);
        reply_book(
            &dir.path().join("ok.xlsx"),
            FORM,
            &[("SHR-01", answer, "", "", "")],
            |_| {},
        );
        let out = run_in(dir.path(), &["import-reply", "ok.xlsx", "a.yaml"]);
        assert_eq!(out.status.code(), Some(0), "{answer}: {}", stderr_of(&out));
        assert!(read(dir.path(), "a.yaml").contains(expect), "{answer}");
        std::fs::remove_file(dir.path().join("a.yaml.bak")).unwrap();
    }
}

#[test]
fn crlf_bom_and_odd_indentation_keep_their_comments_and_still_load() {
    let dir = tempfile::tempdir().unwrap();
    let text = "\u{feff}# bom comment\r\n---\r\nbank: cisa-msp-customer@2.0.0\r\norganization: Delgado Law   # keep org\r\nmsp: Acme IT\r\nanswers:\r\n    # four-space comment\r\n    SHR-03: msp   # c3\r\n    SHR-01: msp   # c1\r\n\r\n    # between\r\n    GOV-01: \"yes\"\r\n...\r\n";
    write(dir.path(), "a.yaml", text);
    write(dir.path(), "r.yaml", REPLY);
    let out = run_in(dir.path(), &["import-reply", "r.yaml", "a.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let after = read(dir.path(), "a.yaml");
    assert!(after.starts_with('\u{feff}'));
    for c in [
        "# bom comment",
        "# keep org",
        "# four-space comment",
        "# c3",
        "# c1",
        "# between",
    ] {
        assert!(after.contains(c), "`{c}` lost:\n{after}");
    }
    assert!(!after.replace("\r\n", "").contains('\n'), "mixed line ends");
    assert!(after.contains("owner_answer: msp"), "{after}");
    assert_eq!(read(dir.path(), "a.yaml.bak"), text);
    let report = run_in(dir.path(), &["report", "a.yaml", "--no-pager"]);
    assert_eq!(report.status.code(), Some(0), "{}", stderr_of(&report));
    assert!(
        stdout_of(&report).contains("disagrees"),
        "{}",
        stdout_of(&report)
    );
}

#[test]
fn a_reply_from_bank_1_is_carried_over_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", OWNER);
    write(
        dir.path(),
        "r.yaml",
        "form: msp-risk reply
bank: cisa-msp-customer@1.1.0
msp: Acme IT
answers:
  GOV-02: \"yes\"
  MFA-02: app_or_passkey
  TRN-02: \"yes\"
  SHR-01: msp
",
    );
    let out = run_in(dir.path(), &["import-reply", "r.yaml", "a.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let note = stderr_of(&out);
    assert!(note.contains("older version"), "{note}");
    assert!(note.contains("GOV-02 (now GOV-08)"), "{note}");
    let after = read(dir.path(), "a.yaml");
    assert!(after.contains("answer: app_number_match"), "{after}");
    assert!(
        !after.contains("GOV-02") && !after.contains("GOV-08"),
        "{after}"
    );
}
