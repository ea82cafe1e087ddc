//! Answers files as spreadsheets (issue 13): the `.xlsx` template, and `.xlsx` and `.csv`
//! answers files read with the same rules as YAML, with errors naming the sheet and cell.

use std::path::Path;

use calamine::Reader;
use rust_xlsxwriter::{Formula, Workbook};

use crate::{msp, stderr_of, stdout_of};

const BANK: &str = "cisa-msp-customer@2.0.0";

/// A workbook with the File sheet and an Answers sheet of `rows` (the first is the header).
fn workbook(path: &Path, rows: &[&[&str]]) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Answers").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
    }
    let file = book.add_worksheet().set_name("File").unwrap();
    file.write_string(0, 0, "field").unwrap();
    file.write_string(0, 1, "value").unwrap();
    file.write_string(1, 0, "bank").unwrap();
    file.write_string(1, 1, BANK).unwrap();
    file.write_string(2, 0, "organization").unwrap();
    file.write_string(2, 1, "Acme Dental").unwrap();
    book.save(path).unwrap();
}

/// The report of one file, with its name taken out so two formats compare equal.
fn report(path: &Path) -> (Option<i32>, String) {
    let out = msp().arg("report").arg(path).output().unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    (out.status.code(), stdout_of(&out).replace(&name, "FILE"))
}

const YAML: &str = "bank: cisa-msp-customer@2.0.0
organization: Acme Dental
answers:
  GOV-01: yes
  CON-01:
    answer: no
    note: the contract is silent
    evidence: contract v3
    as_of: 2026-10-01
  CON-04: unknown
";

#[test]
fn the_xlsx_template_reads_back_as_not_assessed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("answers.xlsx");
    let out = msp()
        .args(["template", "--output"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["Answers", "File", "Instructions"]);
    let answers = book.worksheet_range("Answers").unwrap();
    let header: Vec<String> = answers
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        header,
        [
            "id",
            "domain",
            "question",
            "who answers",
            "answer",
            "note",
            "evidence",
            "as_of"
        ]
    );
    let ids: Vec<String> = answers.rows().skip(1).map(|r| r[0].to_string()).collect();
    assert!(ids.len() >= 100, "{}", ids.len());
    assert!(ids.contains(&"GOV-01".to_string()));
    // Text from the bank is text, and who answers is said.
    let con04 = answers.rows().find(|r| r[0] == "CON-04").unwrap();
    assert_eq!(con04[3].to_string(), "your MSP");
    assert!(matches!(con04[2], calamine::Data::String(_)));
    let formulas = book.worksheet_formula("Answers").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
    let file = book.worksheet_range("File").unwrap();
    assert_eq!(file.get_value((1, 0)).unwrap().to_string(), "bank");
    assert_eq!(file.get_value((1, 1)).unwrap().to_string(), BANK);
    // Never overwritten.
    let again = msp()
        .args(["template", "--output"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));

    let out = msp().arg("report").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        stdout_of(&out).contains("Not assessed"),
        "{}",
        stdout_of(&out)
    );
    let out = msp()
        .args(["check", "--fail-on", "critical"])
        .arg(&path)
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(2), "{}", stderr_of(&out));
}

#[test]
fn a_filled_reordered_workbook_reports_as_the_same_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = dir.path().join("a.yaml");
    std::fs::write(&yaml, YAML).unwrap();
    let xlsx = dir.path().join("a.xlsx");
    // Columns in another order, rows in another order, a display column left out, blank rows.
    workbook(
        &xlsx,
        &[
            &["Answer", "note", "ID", "as_of", "evidence", "question"],
            &["unknown", "", "CON-04", "", "", "anything"],
            &["", "", "GOV-03", "", "", ""],
            &["", "", "", "", "", ""],
            &[
                "No",
                "the contract is silent",
                "CON-01",
                "2026-10-01",
                "contract v3",
                "",
            ],
            &["yes", "", "GOV-01", "", "", ""],
        ],
    );
    let (code, from_yaml) = report(&yaml);
    assert_eq!(code, Some(0));
    let (code, from_xlsx) = report(&xlsx);
    assert_eq!(code, Some(0));
    assert_eq!(from_xlsx, from_yaml);
    assert!(from_xlsx.contains("Acme Dental"));
    let diff = msp().arg("diff").arg(&yaml).arg(&xlsx).output().unwrap();
    assert_eq!(diff.status.code(), Some(0), "{}", stderr_of(&diff));
}

#[test]
fn a_csv_answers_file_reports_as_the_same_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = dir.path().join("a.yaml");
    std::fs::write(&yaml, YAML).unwrap();
    let csv = dir.path().join("a.csv");
    // A byte order mark, as Excel writes; file fields as rows; a quoted comma.
    std::fs::write(
        &csv,
        "\u{feff}id,answer,note,evidence,as_of\n\
         bank,cisa-msp-customer@2.0.0,,,\n\
         organization,Acme Dental,,,\n\
         CON-01,no,the contract is silent,contract v3,2026-10-01\n\
         GOV-01,YES,,,\n\
         CON-04,unknown,,,\n",
    )
    .unwrap();
    let (_, from_yaml) = report(&yaml);
    let (code, from_csv) = report(&csv);
    assert_eq!(code, Some(0));
    assert_eq!(from_csv, from_yaml);
}

#[test]
fn bad_cells_are_named_by_sheet_and_cell() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("answers.xlsx");
    let mut rows: Vec<Vec<&str>> = vec![vec!["id", "domain", "question", "who answers", "answer"]];
    for _ in 0..10 {
        rows.push(vec![]);
    }
    rows.push(vec!["GOV-01", "", "", "", "maybe"]);
    rows.push(vec!["NOPE-99", "", "", "", "yes"]);
    rows.push(vec!["GOV-01", "", "", "", "yes"]);
    let refs: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
    workbook(&xlsx, &refs);
    let out = msp()
        .current_dir(dir.path())
        .args(["report", "answers.xlsx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        err.contains("answers.xlsx: sheet Answers, cell E12: `maybe` is not an answer to GOV-01 (a yes/no question); write one of: yes, partial, no, unknown"),
        "{err}"
    );
    assert!(
        err.contains("answers.xlsx: sheet Answers, cell A13: there is no question `NOPE-99`"),
        "{err}"
    );
    assert!(
        err.contains("answers.xlsx: sheet Answers, cell A14: GOV-01 is also on row 12"),
        "{err}"
    );
    // The same rules for check and for a folder scan.
    let out = msp()
        .current_dir(dir.path())
        .args(["check", "--fail-on", "critical", "answers.xlsx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("sheet Answers, cell E12"));

    let csv = dir.path().join("b.csv");
    std::fs::write(&csv, "id,answer\nGOV-01,yes\n").unwrap();
    let out = msp()
        .current_dir(dir.path())
        .args(["report", "b.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("b.csv: cell A1: the answers file does not say which bank it answers; add a row with `bank` in the id column"),
        "{}",
        stderr_of(&out)
    );
    let junk = dir.path().join("c.xlsx");
    std::fs::write(&junk, "not a zip").unwrap();
    let out = msp()
        .current_dir(dir.path())
        .args(["report", "c.xlsx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("c.xlsx: this is not a readable .xlsx workbook"));
}

#[test]
fn formulas_and_control_characters_are_text_and_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("h.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Answers").unwrap();
    for (c, h) in ["id", "answer", "note"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "GOV-01").unwrap();
    sheet
        .write_formula(
            1,
            1,
            Formula::new("=IF(1,\"yes\",\"no\")").set_result("yes"),
        )
        .unwrap();
    sheet.write_string(2, 0, "CON-01").unwrap();
    sheet.write_string(2, 1, "ye\u{1b}[31ms\u{7}").unwrap();
    // Text that looks like a formula is only text.
    sheet.write_string(3, 0, "CON-02").unwrap();
    sheet.write_string(3, 1, "=cmd|' /C calc'!A0").unwrap();
    let file = book.add_worksheet().set_name("File").unwrap();
    file.write_string(0, 0, "bank").unwrap();
    file.write_string(0, 1, BANK).unwrap();
    book.save(&xlsx).unwrap();
    let out = msp()
        .current_dir(dir.path())
        .args(["report", "h.xlsx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        err.contains(
            "h.xlsx: sheet Answers, cell B2: the cell holds a formula (`=IF(1,\"yes\",\"no\")`)"
        ),
        "{err}"
    );
    assert!(err.contains("h.xlsx: sheet Answers, cell B3: `ye"), "{err}");
    assert!(
        err.contains(
            "h.xlsx: sheet Answers, cell B4: `=cmd|' /C calc'!A0` is not an answer to CON-02"
        ),
        "{err}"
    );
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");

    // A note with control characters is kept as text; the report stays clean.
    let ok = dir.path().join("n.csv");
    std::fs::write(&ok, "id,answer,note\nbank,cisa-msp-customer@2.0.0,\nGOV-01,no,\"=HYPERLINK(\"\"x\"\")\u{1b}[2J\"\n").unwrap();
    let out = msp()
        .current_dir(dir.path())
        .args(["report", "n.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(!stdout_of(&out).contains('\u{1b}'));
}

#[test]
fn folder_scans_read_workbooks_and_csv_and_skip_csv_reports() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    workbook(
        &inbox.join("a.xlsx"),
        &[&["id", "answer"], &["GOV-01", "yes"]],
    );
    std::fs::write(
        inbox.join("b.csv"),
        format!("id,answer\nbank,{BANK}\nGOV-01,no\n"),
    )
    .unwrap();
    std::fs::write(inbox.join("report.csv"), "question,severity\nGOV-01,high\n").unwrap();
    let out = msp()
        .args(["check", "--fail-on", "critical"])
        .arg(&inbox)
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_ne!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("report.csv: a CSV file that is not an answers file"),
        "{err}"
    );
    let all = format!("{}{err}", stdout_of(&out));
    assert!(all.contains("a.xlsx") && all.contains("b.csv"), "{all}");
}

#[test]
fn the_interview_refuses_a_spreadsheet_it_would_overwrite_with_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("answers.xlsx");
    std::fs::write(&sheet, b"PK not really").unwrap();
    let out = crate::msp()
        .args(["interview", "--answers"])
        .arg(&sheet)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(crate::stderr_of(&out).contains("keeps its answers in YAML"));
    assert_eq!(
        std::fs::read(&sheet).unwrap(),
        b"PK not really",
        "untouched"
    );
}

#[test]
fn a_zip_bomb_workbook_is_refused_before_it_is_unzipped() {
    // A workbook whose one part claims to unzip to 100 MB of zeros (stored compressed).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.xlsx");
    {
        let file = std::fs::File::create(&path).unwrap();
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
        let chunk = vec![0u8; 1024 * 1024];
        for _ in 0..100 {
            std::io::Write::write_all(&mut zip, &chunk).unwrap();
        }
        zip.finish().unwrap();
    }
    assert!(std::fs::metadata(&path).unwrap().len() < 1024 * 1024);
    let out = crate::msp().arg("report").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        crate::stderr_of(&out).contains("unzips to more than 64 MB"),
        "{}",
        crate::stderr_of(&out)
    );
}

#[test]
fn true_typed_in_a_text_column_is_the_word() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Answers").unwrap();
    for (c, h) in ["id", "answer", "evidence"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "CON-01").unwrap();
    sheet.write_boolean(1, 1, false).unwrap();
    sheet.write_boolean(1, 2, true).unwrap();
    let file = book.add_worksheet().set_name("File").unwrap();
    file.write_string(0, 0, "bank").unwrap();
    file.write_string(0, 1, BANK).unwrap();
    book.save(&path).unwrap();
    let out = msp()
        .args(["report", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["question"] == "CON-01")
        .expect("false on a yes/no question is no");
    assert_eq!(f["answer"], "no");
    assert_eq!(f["evidence"], "TRUE");
}
