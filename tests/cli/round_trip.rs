//! The round trip with the MSP: `ask-msp --output reply.xlsx|.yaml` writes a form, the MSP
//! fills it in, `import-reply` merges it back into the answers files.

use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader};
use rust_xlsxwriter::Workbook;
use serde_json::Value;

use super::{msp, repo, stderr_of, stdout_of};

const SAMPLE: &str = "questionnaires/examples/law-office-owner-unsure.yaml";

/// A sheet's cells as text, row by row.
fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The XML of one part of a workbook.
fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// A reply workbook as an MSP would return it: the Reply rows given, and the Form fields.
fn reply_workbook(path: &Path, rows: &[Vec<String>], fields: &[(&str, &str)]) {
    let mut book = Workbook::new();
    let s = book.add_worksheet().set_name("Reply").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                s.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    let f = book.add_worksheet().set_name("Form").unwrap();
    f.write_string(0, 0, "field").unwrap();
    f.write_string(0, 1, "value").unwrap();
    for (r, (k, v)) in fields.iter().enumerate() {
        f.write_string(r as u32 + 1, 0, *k).unwrap();
        f.write_string(r as u32 + 1, 1, *v).unwrap();
    }
    book.save(path).unwrap();
}

fn json_report(dir: &Path, file: &str) -> Value {
    let out = msp()
        .current_dir(dir)
        .args(["report", file, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn import(dir: &Path, args: &[&str]) -> std::process::Output {
    msp()
        .current_dir(dir)
        .arg("import-reply")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_workbook_goes_to_the_msp_and_its_answers_come_back_with_their_source() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(repo(SAMPLE), d.join("law.yaml")).unwrap();
    let original = std::fs::read(d.join("law.yaml")).unwrap();
    let before = json_report(d, "law.yaml");

    let out = msp()
        .current_dir(d)
        .args([
            "ask-msp",
            "law.yaml",
            "--msp-name",
            "Acme IT",
            "-o",
            "reply.xlsx",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("msp-risk import-reply reply.xlsx law.yaml"));
    let form = d.join("reply.xlsx");

    // What the MSP receives: one row per question, hidden ids, dropdowns, protection.
    let rows = sheet(&form, "Reply");
    assert_eq!(
        rows[0],
        [
            "id",
            "topic",
            "question",
            "we believe",
            "evidence that would help",
            "answer",
            "comment",
            "evidence",
            "evidence date",
            "answered by"
        ]
    );
    let n = rows.len() - 1;
    assert!(n > 50, "{n} rows");
    assert!(stderr_of(&out).contains(&format!("{n} question(s)")));
    let xml = part(&form, "xl/worksheets/sheet1.xml");
    assert_eq!(
        xml.matches("<dataValidation ").count(),
        n,
        "a dropdown per row"
    );
    assert!(xml.contains("<sheetProtection"), "headers protected");
    assert!(
        xml.contains(r#"<col min="1" max="1""#) && xml.contains(r#"hidden="1""#),
        "id column hidden"
    );
    let fields = sheet(&form, "Form");
    assert!(fields.iter().any(|r| r[0] == "msp" && r[1] == "Acme IT"));
    let lists = sheet(&form, "Lists");

    // The MSP answers every row with the first choice of its dropdown, and sorts the rows
    // its own way (here: reversed).
    let mut filled: Vec<Vec<String>> = vec![rows[0].clone()];
    for row in rows.iter().skip(1).rev() {
        let options = lists
            .iter()
            .find(|l| l[0] == row[0])
            .expect("a list per row");
        let mut row = row.clone();
        row.resize(10, String::new());
        // One row answered by someone else than the form's `replied_by`.
        if filled.len() == 1 {
            row[9] = "Kim Park, security lead".to_string();
        }
        row[5] = options[1].clone();
        row[6] = "See our service description".to_string();
        row[7] = "Service description v4".to_string();
        row[8] = "2026-10-01".to_string();
        filled.push(row);
    }
    reply_workbook(
        &d.join("filled.xlsx"),
        &filled,
        &[
            ("form", "msp-risk reply"),
            ("bank", "cisa-msp-customer@2.0.0"),
            ("organization", before["organization"].as_str().unwrap()),
            ("msp", "Acme IT"),
            ("replied_by", "Sam Lee, service manager"),
            ("replied_on", "2026-12-03"),
        ],
    );

    // A dry run changes nothing.
    let out = import(d, &["filled.xlsx", "law.yaml", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        stdout_of(&out).contains("would be merged"),
        "{}",
        stdout_of(&out)
    );
    assert_eq!(std::fs::read(d.join("law.yaml")).unwrap(), original);
    assert!(!d.join("law.yaml.bak").exists());

    let out = import(d, &["filled.xlsx", "law.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        stdout_of(&out).contains("law.yaml.bak"),
        "{}",
        stdout_of(&out)
    );
    assert_eq!(std::fs::read(d.join("law.yaml.bak")).unwrap(), original);
    let text = std::fs::read_to_string(d.join("law.yaml")).unwrap();
    assert!(text.contains("msp: Acme IT\n"), "{text}");
    assert_eq!(text.matches("    source: msp\n").count(), n, "{text}");
    assert!(text.contains("replied_by: Sam Lee, service manager"));
    assert_eq!(
        text.matches("replied_by: Kim Park, security lead").count(),
        1,
        "{text}"
    );
    assert!(text.contains("evidence: Service description v4 (2026-10-01)"));
    // The owner's comments survive.
    for line in String::from_utf8_lossy(&original).lines() {
        if line.trim_start().starts_with('#') {
            assert!(text.contains(line), "lost comment: {line}");
        }
    }

    // The report: answers from the MSP say so; what was "to verify" narrows.
    let after = json_report(d, "law.yaml");
    let c = &after["counts"];
    assert_eq!(
        c["from_msp"].as_u64().unwrap(),
        n as u64,
        "disagreements included"
    );
    assert!(c["disagreements"].as_u64().unwrap() > 0);
    assert_eq!(c["from_msp_with_evidence"].as_u64().unwrap(), n as u64);
    let range = |r: &Value| {
        r["overall"]["best_case"].as_u64().unwrap() - r["overall"]["score"].as_u64().unwrap()
    };
    assert!(
        range(&after) < range(&before),
        "{} -> {}",
        range(&before),
        range(&after)
    );
    let from_msp = after["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["msp_reply"].is_object() && q["disagreement"].is_null())
        .expect("an answer from the MSP");
    assert_eq!(from_msp["msp_reply"]["by"], "Sam Lee, service manager");
    assert!(from_msp["answer_label"]
        .as_str()
        .unwrap()
        .ends_with("(your MSP, 2026-12-03)"));
    let out = msp()
        .current_dir(d)
        .args(["report", "law.yaml", "--no-pager"])
        .output()
        .unwrap();
    assert!(
        stdout_of(&out).contains("Your MSP answered"),
        "{}",
        stdout_of(&out)
    );

    // The same reply again changes nothing, and the next form does not ask again.
    let merged = std::fs::read(d.join("law.yaml")).unwrap();
    let out = import(d, &["filled.xlsx", "law.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(std::fs::read(d.join("law.yaml")).unwrap(), merged);
    let out = msp()
        .current_dir(d)
        .args(["ask-msp", "law.yaml", "-o", "again.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    // Only follow-ups the MSP's answers opened are new; nothing it answered is asked again.
    let again = std::fs::read_to_string(d.join("again.yaml")).unwrap();
    for row in rows.iter().skip(1) {
        assert!(
            !again.contains(&format!("\n  {}:\n", row[0])),
            "{} asked again",
            row[0]
        );
    }
}

const ANSWERS: &str = "\
# Lakeside's answers
bank: cisa-msp-customer@2.0.0
organization: Lakeside Dental
msp: Acme IT
answers:
  BCK-01: msp  # Bob says Acme does the backups
  MFA-01: unknown
  ACC-01: yes
  CAP-01: no
";

fn reply_yaml(msp: &str, org: Option<&str>, answers: &str) -> String {
    let org = org.map_or(String::new(), |o| format!("organization: {o}\n"));
    format!(
        "form: msp-risk reply\nbank: cisa-msp-customer@2.0.0\n{org}msp: {msp}\nreplied_by: Sam Lee\nreplied_on: 2026-12-03\nanswers:\n{answers}"
    )
}

#[test]
fn a_contradiction_keeps_both_answers_and_is_a_disagreement_until_settled() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.yaml"), ANSWERS).unwrap();
    std::fs::write(
        d.join("r.yaml"),
        reply_yaml(
            "Acme IT",
            Some("Lakeside Dental"),
            "  BCK-01:\n    answer: Us (the customer)\n    comment: Backups are not in the contract\n  MFA-01: Yes\n  ACC-01: yes\n  CAP-01:\n    answer: Not sure\n    comment: Checking with the vendor\n  GOV-05: yes\n",
        ),
    )
    .unwrap();
    let out = import(d, &["r.yaml", "a.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let text = std::fs::read_to_string(d.join("a.yaml")).unwrap();
    assert!(
        text.contains(
            "  BCK-01:  # Bob says Acme does the backups\n    answer: us\n    source: msp\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("    msp_comment: Backups are not in the contract\n    owner_answer: msp\n"),
        "{text}"
    );
    assert!(
        stdout_of(&out).contains("1 confirmed"),
        "{}",
        stdout_of(&out)
    );
    assert!(
        stdout_of(&out).contains("1 disagree"),
        "{}",
        stdout_of(&out)
    );
    assert!(
        stdout_of(&out).contains("1 filled in"),
        "{}",
        stdout_of(&out)
    );
    // A question never put to the MSP (the owner's own) is ignored.
    assert!(
        stdout_of(&out).contains("1 ignored (never asked of your MSP)"),
        "{}",
        stdout_of(&out)
    );
    assert!(!text.contains("GOV-05"), "{text}");
    // "Not sure" keeps the owner's answer, and what the MSP said.
    assert!(
        stdout_of(&out).contains("1 not sure (your answer kept)"),
        "{}",
        stdout_of(&out)
    );
    assert!(
        text.contains("  CAP-01:\n    answer: no\n    source: owner\n    replied_by: Sam Lee\n    replied_on: 2026-12-03\n    msp_comment: Checking with the vendor\n"),
        "{text}"
    );

    // The next form asks again what the MSP was not sure of, and nothing it answered.
    let out = msp()
        .current_dir(d)
        .args(["ask-msp", "a.yaml", "-o", "next.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let next = std::fs::read_to_string(d.join("next.yaml")).unwrap();
    assert!(next.contains("\n  CAP-01:\n"), "{next}");
    for answered in ["BCK-01", "MFA-01", "ACC-01"] {
        assert!(
            !next.contains(&format!("\n  {answered}:\n")),
            "{answered}: {next}"
        );
    }
    let report = json_report(d, "a.yaml");
    assert_eq!(report["counts"]["disagreements"], 1);
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["question"] == "BCK-01")
        .expect("the disagreement is a finding");
    assert_eq!(finding["disagreement"]["owner_answer"], "msp");
    assert_eq!(finding["disagreement"]["msp_answer"], "us");
    assert_eq!(finding["unverified"], true);
    assert_eq!(finding["gap"], "full");
    let out = msp()
        .current_dir(d)
        .args(["report", "a.yaml", "--format", "markdown"])
        .output()
        .unwrap();
    assert!(
        stdout_of(&out)
            .contains("Disagreement: you answered \"Our MSP\", your MSP answered \"Us\""),
        "{}",
        stdout_of(&out)
    );

    // Settled the owner's way: her answer, `source: owner`; what the MSP said stays as
    // history, and merging the same reply again does not reopen it.
    let hers = text
        .replace(
            "    answer: us\n    source: msp\n",
            "    answer: msp\n    source: owner\n",
        )
        .replace("    owner_answer: msp\n", "");
    std::fs::write(d.join("a.yaml"), &hers).unwrap();
    let report = json_report(d, "a.yaml");
    assert_eq!(report["counts"]["disagreements"], 0);
    let bck = report["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "BCK-01")
        .unwrap();
    assert_eq!(bck["answer_label"], "Our MSP", "{bck}");
    assert_eq!(bck["msp_reply"]["answer_from_msp"], false);
    let out = msp()
        .current_dir(d)
        .args(["report", "a.yaml", "--format", "markdown", "--detailed"])
        .output()
        .unwrap();
    assert!(
        stdout_of(&out).contains("Your MSP: Backups are not in the contract"),
        "the MSP's comment is shown: {}",
        stdout_of(&out)
    );
    let out = import(d, &["r.yaml", "a.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(std::fs::read_to_string(d.join("a.yaml")).unwrap(), hers);

    // Settled the MSP's way: the owner deletes `owner_answer`.
    let settled = text.replace("    owner_answer: msp\n", "");
    std::fs::write(d.join("a.yaml"), settled).unwrap();
    let report = json_report(d, "a.yaml");
    assert_eq!(report["counts"]["disagreements"], 0);
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["disagreement"].is_null()));
}

#[test]
fn one_reply_goes_into_each_client_of_the_same_msp_and_no_other() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let client = |name: &str, msp_line: &str| {
        let text = ANSWERS
            .replace(
                "organization: Lakeside Dental",
                &format!("organization: {name}"),
            )
            .replace("msp: Acme IT\n", msp_line);
        std::fs::write(d.join(format!("{name}.yaml")), text).unwrap();
    };
    client("a", "msp: Acme IT\n");
    client("b", "msp: Other IT\n");
    client("c", "msp: \"  acme IT \"\n");
    client("d", "");
    std::fs::write(
        d.join("r.yaml"),
        reply_yaml("Acme IT", None, "  MFA-01: yes\n"),
    )
    .unwrap();
    let b = std::fs::read(d.join("b.yaml")).unwrap();
    let dd = std::fs::read(d.join("d.yaml")).unwrap();
    let out = import(d, &["r.yaml", "a.yaml", "b.yaml", "c.yaml", "d.yaml"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("the reply is from `Acme IT`, but b.yaml names its MSP as `Other IT`"),
        "{err}"
    );
    assert!(err.contains("d.yaml does not name its MSP"), "{err}");
    assert!(err.contains("2 of 4 file(s) were not merged"), "{err}");
    assert_eq!(std::fs::read(d.join("b.yaml")).unwrap(), b);
    assert_eq!(std::fs::read(d.join("d.yaml")).unwrap(), dd);
    for merged in ["a.yaml", "c.yaml"] {
        let text = std::fs::read_to_string(d.join(merged)).unwrap();
        assert!(
            text.contains("  MFA-01:\n    answer: yes\n    source: msp\n"),
            "{merged}: {text}"
        );
    }
}

#[test]
fn a_reply_for_another_client_or_without_an_msp_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.yaml"), ANSWERS).unwrap();
    std::fs::write(
        d.join("r.yaml"),
        reply_yaml("Acme IT", Some("Hilltop Law"), "  MFA-01: yes\n"),
    )
    .unwrap();
    let out = import(d, &["r.yaml", "a.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("not from `Lakeside Dental`"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(std::fs::read_to_string(d.join("a.yaml")).unwrap(), ANSWERS);

    std::fs::write(
        d.join("r.yaml"),
        reply_yaml("Acme IT", None, "  MFA-01: yes\n").replace("msp: Acme IT\n", ""),
    )
    .unwrap();
    let out = import(d, &["r.yaml", "a.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("does not say which MSP answered"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(std::fs::read_to_string(d.join("a.yaml")).unwrap(), ANSWERS);
}

#[test]
fn a_reply_for_an_older_bank_version_is_mapped_and_another_bank_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.yaml"), ANSWERS).unwrap();
    let old = reply_yaml(
        "Acme IT",
        None,
        "  MFA-02: app_or_passkey\n  RMM-01: yes\n  BCK-01: msp\n",
    )
    .replace("@2.0.0", "@1.1.0");
    std::fs::write(d.join("old.yaml"), old).unwrap();
    let out = import(d, &["old.yaml", "a.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("older version"),
        "{}",
        stderr_of(&out)
    );
    let text = std::fs::read_to_string(d.join("a.yaml")).unwrap();
    assert!(
        text.contains("  MFA-02:\n    answer: app_number_match\n"),
        "{text}"
    );
    assert!(
        !text.contains("RMM-01"),
        "a retired question is not merged: {text}"
    );

    let unknown = reply_yaml("Acme IT", None, "  MFA-01: yes\n").replace("@2.0.0", "@9.0.0");
    std::fs::write(d.join("new.yaml"), unknown).unwrap();
    let out = import(d, &["new.yaml", "a.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("new.yaml:"), "{}", stderr_of(&out));
    let other = reply_yaml("Acme IT", None, "  MFA-01: yes\n")
        .replace("cisa-msp-customer@2.0.0", "iso-27001@1.0.0");
    std::fs::write(d.join("other.yaml"), other).unwrap();
    let out = import(d, &["other.yaml", "a.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("iso-27001"), "{}", stderr_of(&out));
}

#[test]
fn hostile_cells_in_a_reply_are_refused_or_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.yaml"), ANSWERS).unwrap();
    let header: Vec<String> = [
        "id",
        "topic",
        "question",
        "we believe",
        "evidence that would help",
        "answer",
        "comment",
        "evidence",
        "evidence date",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let fields = [
        ("form", "msp-risk reply"),
        ("bank", "cisa-msp-customer@2.0.0"),
        ("msp", "Acme IT"),
        ("replied_by", "Eve\u{1b}[31m\u{202e}"),
        ("replied_on", "2026-12-03"),
    ];
    let row = |id: &str, answer: &str, comment: &str| {
        let mut r = vec![String::new(); 9];
        r[0] = id.to_string();
        r[5] = answer.to_string();
        r[6] = comment.to_string();
        r
    };
    // Control characters and a cell at Excel's limit: read, and neutralised on output.
    let long = "x".repeat(32_767);
    reply_workbook(
        &d.join("r.xlsx"),
        &[
            header.clone(),
            row(
                "MFA-01",
                "Yes",
                "\u{1b}]0;pwned\u{7}<script>alert(1)</script>",
            ),
            row("ACC-01", "Yes", &long),
        ],
        &fields,
    );
    let out = import(d, &["r.xlsx", "a.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    for format in ["table", "html", "markdown"] {
        let out = msp()
            .current_dir(d)
            .args([
                "report",
                "a.yaml",
                "--detailed",
                "--no-pager",
                "--format",
                format,
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        let text = stdout_of(&out);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202e}'),
            "{format}"
        );
        assert!(!text.contains("<script>"), "{format}");
    }

    // A formula is never run: the cell is named and nothing is merged.
    let mut book = Workbook::new();
    let s = book.add_worksheet().set_name("Reply").unwrap();
    for (c, h) in header.iter().enumerate() {
        s.write_string(0, c as u16, h).unwrap();
    }
    s.write_string(1, 0, "MFA-01").unwrap();
    s.write_formula(1, 5, "=HYPERLINK(\"http://evil\",\"Yes\")")
        .unwrap();
    let f = book.add_worksheet().set_name("Form").unwrap();
    for (r, (k, v)) in fields.iter().enumerate() {
        f.write_string(r as u32, 0, *k).unwrap();
        f.write_string(r as u32, 1, *v).unwrap();
    }
    book.save(d.join("formula.xlsx")).unwrap();
    let merged = std::fs::read(d.join("a.yaml")).unwrap();
    let out = import(d, &["formula.xlsx", "a.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("sheet Reply, cell F2: the cell holds a formula"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(std::fs::read(d.join("a.yaml")).unwrap(), merged);
}

#[test]
fn a_form_is_never_written_over_a_file_and_several_clients_share_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.yaml"), ANSWERS).unwrap();
    std::fs::write(
        d.join("b.yaml"),
        ANSWERS
            .replace("Lakeside Dental", "Hilltop Law")
            .replace("ACC-01: yes", "ACC-01: unknown"),
    )
    .unwrap();
    std::fs::write(d.join("form.yaml"), "filled in by the MSP\n").unwrap();
    let out = msp()
        .current_dir(d)
        .args(["ask-msp", "a.yaml", "-o", "form.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(d.join("form.yaml")).unwrap(),
        "filled in by the MSP\n"
    );

    let out = msp()
        .current_dir(d)
        .args(["ask-msp", "a.yaml", "b.yaml", "-o", "both.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let form = std::fs::read_to_string(d.join("both.yaml")).unwrap();
    assert!(
        !form.contains("\norganization:"),
        "a form for several clients names none"
    );
    assert!(form.contains("\nmsp: Acme IT\n"));
    assert!(form.contains("\n  ACC-01:\n"), "b's unknown is asked");
    assert!(
        !form.contains("We believe"),
        "beliefs differ between clients"
    );
    // The form reads back as an empty reply, and a letter is for one file only.
    let out = import(d, &["both.yaml", "a.yaml", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let out = msp()
        .current_dir(d)
        .args(["ask-msp", "a.yaml", "b.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_reply_form_is_not_read_as_answers_and_folder_scans_skip_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.yaml"), ANSWERS).unwrap();
    for form in ["form.yaml", "form.xlsx"] {
        let out = msp()
            .current_dir(d)
            .args(["ask-msp", "a.yaml", "-o", form])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        let out = msp()
            .current_dir(d)
            .args(["report", form])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr_of(&out).contains("this is a reply form for the MSP, not an answers file"),
            "{}",
            stderr_of(&out)
        );
    }
    let out = msp()
        .current_dir(d)
        .args(["report", ".", "--no-pager"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        stderr_of(&out)
            .matches("a reply form for the MSP, not an answers file")
            .count(),
        2,
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn a_reply_dated_before_its_form_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.yaml"), ANSWERS).unwrap();
    let reply = reply_yaml("Acme IT", None, "  MFA-01: yes\n").replace(
        "replied_on: 2026-12-03\n",
        "replied_on: 2026-12-03\nmade_on: 2026-12-05\n",
    );
    std::fs::write(d.join("r.yaml"), reply).unwrap();
    let out = import(d, &["r.yaml", "a.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains(
            "r.yaml:5:13: `replied_on: 2026-12-03` is before the form was made (2026-12-05)"
        ),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(std::fs::read_to_string(d.join("a.yaml")).unwrap(), ANSWERS);
}

#[test]
fn merged_cells_in_a_reply_do_not_spread_an_answer() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.yaml"), ANSWERS).unwrap();
    let mut book = Workbook::new();
    let s = book.add_worksheet().set_name("Reply").unwrap();
    for (c, h) in ["id", "answer", "comment"].iter().enumerate() {
        s.write_string(0, c as u16, *h).unwrap();
    }
    s.write_string(1, 0, "MFA-01").unwrap();
    s.write_string(2, 0, "ACC-01").unwrap();
    s.write_string(3, 0, "CAP-01").unwrap();
    // The answer cell merged over three rows: only its first row holds the answer.
    let fmt = rust_xlsxwriter::Format::new();
    s.merge_range(1, 1, 3, 1, "No", &fmt).unwrap();
    let f = book.add_worksheet().set_name("Form").unwrap();
    for (r, (k, v)) in [
        ("form", "msp-risk reply"),
        ("bank", "cisa-msp-customer@2.0.0"),
        ("msp", "Acme IT"),
        ("replied_on", "2026-12-03"),
    ]
    .iter()
    .enumerate()
    {
        f.write_string(r as u32, 0, *k).unwrap();
        f.write_string(r as u32, 1, *v).unwrap();
    }
    book.save(d.join("r.xlsx")).unwrap();
    let out = import(d, &["r.xlsx", "a.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let text = std::fs::read_to_string(d.join("a.yaml")).unwrap();
    assert!(
        text.contains("  MFA-01:\n    answer: no\n    source: msp\n"),
        "{text}"
    );
    // ACC-01 and CAP-01 sit under the merged cell but were not answered.
    assert!(text.contains("  ACC-01: yes\n"), "{text}");
    assert!(text.contains("  CAP-01: no\n"), "{text}");
}
