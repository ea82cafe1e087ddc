//! Real consumers of the answers workbook (issue 13): LibreOffice opens it with its dropdowns
//! intact, openpyxl reads the same values msp-risk reports, and a workbook saved or typed into
//! by LibreOffice imports back unchanged. Each test skips (and says so) only when the program
//! it needs is not installed; CI installs them (see `.ci/run`).

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use calamine::Reader;
use serde_json::{json, Value};

use crate::{msp, stderr_of, stdout_of};

/// Long enough for a first start of LibreOffice on a slow CI machine; then it is killed.
const LIBREOFFICE_SECONDS: u64 = 120;

/// LibreOffice's command, if it is installed.
fn soffice() -> Option<&'static str> {
    ["soffice", "libreoffice"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// A Python 3 that can import `module`, if there is one.
fn python_with(module: &str) -> Option<&'static str> {
    ["python3", "/usr/bin/python3"].into_iter().find(|p| {
        Command::new(p)
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// A child in its own process group (LibreOffice starts helpers): the group is killed if it
/// is still running when this is dropped, so a failing test leaves nothing behind.
struct Group(Child);

impl Group {
    /// Starts `cmd` with its output in `log`.
    fn spawn(cmd: &mut Command, log: &Path) -> Group {
        let out = File::create(log).unwrap();
        let child = cmd
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .process_group(0)
            .spawn()
            .unwrap();
        Group(child)
    }

    /// Waits up to `secs`; `None` if it had to be killed.
    fn finish(&mut self, secs: u64) -> Option<ExitStatus> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < deadline {
            if let Some(status) = self.0.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        self.kill();
        None
    }

    fn kill(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let group = format!("-{}", self.0.id());
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
            let _ = self.0.wait();
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill();
    }
}

/// LibreOffice with its own profile under `dir`, never the user's.
fn libreoffice(soffice: &str, dir: &Path) -> Command {
    let profile = dir.join("lo-profile");
    let mut cmd = Command::new(soffice);
    cmd.env("HOME", &profile)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--invisible", "--norestore"]);
    cmd
}

/// `input` converted by LibreOffice (headless) to `format` in `outdir`: opened and saved again.
fn convert(soffice: &str, input: &Path, format: &str, outdir: &Path) -> PathBuf {
    let dir = outdir.parent().unwrap();
    let log = outdir.with_extension("log");
    let mut lo = libreoffice(soffice, dir);
    lo.args(["--convert-to", format, "--outdir"])
        .arg(outdir)
        .arg(input);
    let status = Group::spawn(&mut lo, &log).finish(LIBREOFFICE_SECONDS);
    let said = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        status.is_some_and(|s| s.success()),
        "LibreOffice failed or took over {LIBREOFFICE_SECONDS} s ({status:?}): {said}"
    );
    let stem = input.file_stem().unwrap().to_string_lossy();
    let out = outdir.join(format!("{stem}.{format}"));
    assert!(
        out.exists(),
        "LibreOffice wrote no {}: {said}",
        out.display()
    );
    out
}

/// A new template workbook in `dir`.
fn template(dir: &Path) -> PathBuf {
    let path = dir.join("template.xlsx");
    let out = msp()
        .args(["template", "--output"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    path
}

/// `report --format json` of a workbook, without the file name (the only field naming it).
fn report_json(path: &Path) -> Value {
    let out = msp()
        .args(["report", "--format", "json"])
        .arg(path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}: {}",
        path.display(),
        stderr_of(&out)
    );
    let mut report: Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    let name = report.as_object_mut().unwrap().remove("file").unwrap();
    assert!(name.as_str().unwrap().ends_with(".xlsx"), "{name}");
    report
}

/// One part of a zip file (a workbook), as text.
fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{}: no {name}: {e}", path.display()))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// An attribute of an XML start tag's text.
fn attr(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = start + tag[start..].find('"')?;
    Some(tag[start..end].to_string())
}

/// The start tags named `element` in `xml`: their attributes, from the space before the first.
fn tags<'a>(xml: &'a str, element: &str) -> Vec<&'a str> {
    let open = format!("<{element} ");
    xml.match_indices(&open)
        .map(|(at, _)| {
            let t = &xml[at + open.len() - 1..];
            &t[..t.find('>').unwrap()]
        })
        .collect()
}

/// The XML of the sheet named `sheet`, found as a spreadsheet program finds it.
fn sheet_xml(path: &Path, sheet: &str) -> String {
    let book = part(path, "xl/workbook.xml");
    let tag = tags(&book, "sheet")
        .into_iter()
        .find(|t| attr(t, "name").as_deref() == Some(sheet))
        .unwrap_or_else(|| panic!("{}: no sheet {sheet}", path.display()));
    let id = attr(tag, "r:id").unwrap();
    let rels = part(path, "xl/_rels/workbook.xml.rels");
    let rel = tags(&rels, "Relationship")
        .into_iter()
        .find(|t| attr(t, "Id").as_deref() == Some(&id))
        .unwrap();
    let target = attr(rel, "Target").unwrap();
    match target.strip_prefix('/') {
        Some(absolute) => part(path, absolute),
        None => part(path, &format!("xl/{target}")),
    }
}

/// The list validations (dropdowns) of a sheet: cell range -> its list (`"yes,no"`).
fn dropdowns(xml: &str) -> BTreeMap<String, String> {
    xml.split("<dataValidation")
        .skip(1)
        .filter_map(|v| {
            let tag = &v[..v.find('>')?];
            if attr(tag, "type").as_deref() != Some("list") {
                return None;
            }
            let list = v.split("<formula1>").nth(1)?.split("</formula1>").next()?;
            Some((attr(tag, "sqref")?, list.replace("&quot;", "\"")))
        })
        .collect()
}

/// The question ids of the Answers sheet, in row order from row 2.
fn ids(path: &Path) -> Vec<String> {
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let answers = book.worksheet_range("Answers").unwrap();
    answers.rows().skip(1).map(|r| r[0].to_string()).collect()
}

/// Fills the answer columns (answer, note, evidence, as_of) and File values of argv[1] from
/// the JSON argv[3] and saves argv[2]; a value "date:YYYY-MM-DD" is written as a date cell.
const FILL: &str = r#"
import sys, json, datetime, openpyxl
src, dst, edits = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
cell = lambda v: datetime.date.fromisoformat(v[5:]) if str(v).startswith("date:") else v
wb = openpyxl.load_workbook(src)
for row in wb["Answers"].iter_rows(min_row=2):
    for i, v in enumerate(edits["answers"].get(row[0].value, [])):
        row[4 + i].value = cell(v)
for row in wb["File"].iter_rows(min_row=2):
    if row[0].value in edits["file"]:
        row[1].value = cell(edits["file"][row[0].value])
wb.save(dst)
"#;

/// Prints, as JSON, what openpyxl reads: the Answers rows, the File fields, the dropdowns.
const READ: &str = r#"
import sys, json, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
v = lambda c: c.value.date().isoformat() if isinstance(c.value, datetime.datetime) else c.value
ws = wb["Answers"]
print(json.dumps({
    "answers": [[v(c) for c in r] for r in ws.iter_rows(min_row=2)],
    "file": {r[0].value: v(r[1]) for r in wb["File"].iter_rows(min_row=2)},
    "dropdowns": {str(d.sqref): d.formula1 for d in ws.data_validations.dataValidation if d.type == "list"},
}))
"#;

fn python(py: &str, script: &str, args: &[&str]) -> String {
    let out = Command::new(py)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "python: {}", stderr_of(&out));
    stdout_of(&out)
}

/// The answers most tests fill in: each kind of answer, a note with non-ASCII text, evidence,
/// an as_of date cell and an as_of typed as text, and the File fields with a date cell.
fn answers() -> Value {
    json!({
        "answers": {
            "GOV-01": ["yes"],
            "CON-01": ["no", "the contract is silent", "contract v3", "date:2026-10-01"],
            "CON-04": ["unknown", null, null, "2026-09-30"],
            "IRN-01": ["msp", "Zoë's notes: « ask them » ✓"],
        },
        "file": {
            "organization": "Acme Dental",
            "assessed_by": "Pat Owner",
            "assessed_on": "date:2026-11-01",
        },
    })
}

fn fill(py: &str, src: &Path, dst: &Path, edits: &Value) {
    python(
        py,
        FILL,
        &[
            src.to_str().unwrap(),
            dst.to_str().unwrap(),
            &edits.to_string(),
        ],
    );
}

#[test]
fn libreoffice_converts_the_template_with_its_dropdowns_and_it_reads_back() {
    let Some(soffice) = soffice() else {
        println!("skipped: LibreOffice (soffice) is not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = template(dir.path());
    let converted = convert(soffice, &path, "xlsx", &dir.path().join("out"));

    // One dropdown per question, on its answer cell (column E), and LibreOffice keeps each list.
    let ours = dropdowns(&sheet_xml(&path, "Answers"));
    let rows = ids(&path).len();
    assert!(rows >= 100, "{rows}");
    let cells: BTreeSet<String> = (2..rows + 2).map(|r| format!("E{r}")).collect();
    assert_eq!(ours.keys().cloned().collect::<BTreeSet<_>>(), cells);
    let converted_xml = sheet_xml(&converted, "Answers");
    let theirs = dropdowns(&converted_xml);
    assert_eq!(theirs, ours, "LibreOffice changed the dropdowns");
    let irn01 = ids(&converted).iter().position(|i| i == "IRN-01").unwrap() + 2;
    assert_eq!(
        theirs[&format!("E{irn01}")],
        "\"us,msp,shared,vendor,nobody,unknown\""
    );
    // The question columns stay protected.
    let protection = tags(&converted_xml, "sheetProtection");
    assert!(
        protection
            .first()
            .and_then(|t| attr(t, "sheet"))
            .is_some_and(|v| v == "true" || v == "1"),
        "{protection:?}"
    );
    assert_eq!(ids(&converted), ids(&path));

    // msp-risk reads the converted workbook as it reads its own.
    let report = report_json(&converted);
    assert_eq!(report, report_json(&path));
    assert_eq!(report["counts"]["answered"], 0);
}

#[test]
fn openpyxl_reads_the_values_msp_risk_reports() {
    let Some(py) = python_with("openpyxl") else {
        println!("skipped: python3 with openpyxl is not installed (pip install openpyxl)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let blank = template(dir.path());
    let filled = dir.path().join("filled.xlsx");
    fill(py, &blank, &filled, &answers());
    let report = report_json(&filled);

    for path in [&blank, &filled] {
        let read: Value =
            serde_json::from_str(&python(py, READ, &[path.to_str().unwrap()])).unwrap();
        let report = report_json(path);
        // The rows are the questions, in the report's order, with the same text and values.
        let rows = read["answers"].as_array().unwrap();
        let questions = report["questions"].as_array().unwrap();
        assert_eq!(rows.len(), questions.len());
        for (row, q) in rows.iter().zip(questions) {
            let id = &q["id"];
            assert_eq!(&row[0], id);
            let domain = format!(
                "{} · {}",
                q["domain"].as_str().unwrap(),
                q["domain_title"].as_str().unwrap()
            );
            assert_eq!(row[1], domain.as_str(), "{id}");
            assert_eq!(row[2], q["text"], "{id}");
            assert_eq!(row[4], q["answer"], "{id}");
            assert_eq!(row[5], q["note"], "{id}");
            if let Some(f) = report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| &f["question"] == id)
            {
                assert_eq!(row[6], f["evidence"], "{id}");
                assert_eq!(row[7], f["as_of"], "{id}");
            }
        }
        let file = &read["file"];
        assert_eq!(file["bank"], report["answers_bank"]);
        for field in ["organization", "assessed_by", "assessed_on"] {
            assert_eq!(file[field], report[field], "{field}");
        }
        // openpyxl sees the same dropdowns as are in the sheet's XML.
        let ours: BTreeMap<String, Value> = dropdowns(&sheet_xml(path, "Answers"))
            .into_iter()
            .map(|(k, v)| (k, Value::from(v)))
            .collect();
        assert_eq!(
            read["dropdowns"]
                .as_object()
                .unwrap()
                .clone()
                .into_iter()
                .collect::<BTreeMap<_, _>>(),
            ours
        );
    }
    // And the filled values are really there, as filled.
    assert_eq!(report["counts"]["answered"], 4);
    assert_eq!(report["assessed_on"], "2026-11-01");
    let irn01 = report["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "IRN-01")
        .unwrap();
    assert_eq!(irn01["answer"], "msp");
    assert_eq!(irn01["note"], "Zoë's notes: « ask them » ✓");
}

#[test]
fn a_workbook_saved_by_libreoffice_imports_back_unchanged() {
    let Some(soffice) = soffice() else {
        println!("skipped: LibreOffice (soffice) is not installed");
        return;
    };
    let Some(py) = python_with("openpyxl") else {
        println!("skipped: python3 with openpyxl is not installed (pip install openpyxl)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let filled = dir.path().join("filled.xlsx");
    fill(py, &template(dir.path()), &filled, &answers());
    let before = report_json(&filled);
    assert_eq!(before["counts"]["answered"], 4);

    // Opened and saved as .xlsx by LibreOffice.
    let saved = convert(soffice, &filled, "xlsx", &dir.path().join("saved"));
    assert_eq!(report_json(&saved), before);
    // Through LibreOffice's own format and back: .xlsx -> .ods -> .xlsx.
    let ods = convert(soffice, &filled, "ods", &dir.path().join("ods"));
    let back = convert(soffice, &ods, "xlsx", &dir.path().join("back"));
    assert_eq!(report_json(&back), before);
    assert_eq!(
        dropdowns(&sheet_xml(&back, "Answers")).len(),
        ids(&back).len(),
        "the dropdowns survive the round trip"
    );
}

/// A LibreOffice Basic module that types into cells as a person does (LibreOffice's input
/// recognition: a typed date becomes a date cell) and saves as .xlsx. Each edit is
/// `sheet|id or field|column|text`, separated by `;`; the row is found by its column A value.
/// It runs inside LibreOffice, on its main thread: driving the view from outside, through
/// the UNO bridge, crashes LibreOffice 7.4 on a busy machine.
const TYPE_IN: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub TypeIn(src As String, dst As String, edits As String)
  Dim hidden(0) As New com.sun.star.beans.PropertyValue
  hidden(0).Name = "Hidden" : hidden(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(src), "_blank", 0, hidden())
  ctl = doc.CurrentController
  dispatcher = createUnoService("com.sun.star.frame.DispatchHelper")
  Dim typed(0) As New com.sun.star.beans.PropertyValue
  typed(0).Name = "StringName"
  For Each edit In Split(edits, ";")
    e = Split(edit, "|")
    sheet = doc.Sheets.getByName(e(0))
    row = 1
    Do While sheet.getCellByPosition(0, row).getString() &lt;&gt; e(1)
      row = row + 1
    Loop
    ctl.setActiveSheet(sheet)
    ctl.select(sheet.getCellByPosition(CInt(e(2)), row))
    typed(0).Value = e(3)
    dispatcher.executeDispatch(ctl.Frame, ".uno:EnterString", "", 0, typed())
  Next
  Dim filter(0) As New com.sun.star.beans.PropertyValue
  filter(0).Name = "FilterName" : filter(0).Value = "Calc MS Excel 2007 XML"
  doc.storeToURL(ConvertToURL(dst), filter())
  doc.close(True)
  StarDesktop.terminate()
End Sub
</script:module>
"#;

#[test]
fn answers_typed_in_libreoffice_import_as_the_same_answers_written_by_openpyxl() {
    let Some(soffice) = soffice() else {
        println!("skipped: LibreOffice (soffice) is not installed");
        return;
    };
    let Some(py) = python_with("openpyxl") else {
        println!("skipped: python3 with openpyxl is not installed (pip install openpyxl)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let filled = dir.path().join("filled.xlsx");
    fill(py, &template(dir.path()), &filled, &answers());

    // A first start makes the profile (and restarts LibreOffice); the macro goes in it.
    let mut init = libreoffice(soffice, dir.path());
    init.arg("--terminate_after_init");
    let status = Group::spawn(&mut init, &dir.path().join("init.log")).finish(LIBREOFFICE_SECONDS);
    assert!(
        status.is_some_and(|s| s.success()),
        "LibreOffice did not start: {status:?}"
    );
    let module = dir
        .path()
        .join("lo-profile/user/basic/Standard/Module1.xba");
    assert!(module.exists(), "no Basic library in the new profile");
    std::fs::write(&module, TYPE_IN).unwrap();

    let edits = [
        ["Answers", "GOV-01", "4", "no"],
        ["Answers", "GOV-03", "4", "partial"],
        ["Answers", "GOV-03", "5", "typed in LibreOffice"],
        ["Answers", "GOV-03", "7", "2026-10-02"],
        ["File", "assessed_by", "1", "Sam Editor"],
    ]
    .map(|e| e.join("|"))
    .join(";");
    let typed = dir.path().join("typed.xlsx");
    let (src, dst) = (filled.to_str().unwrap(), typed.to_str().unwrap());
    assert!(!format!("{src}{dst}").contains([',', '"']), "{src} {dst}");
    let mut lo = libreoffice(soffice, dir.path());
    lo.arg(format!(
        "macro:///Standard.Module1.TypeIn(\"{src}\",\"{dst}\",\"{edits}\")"
    ));
    let log = dir.path().join("type-in.log");
    let status = Group::spawn(&mut lo, &log).finish(LIBREOFFICE_SECONDS);
    assert!(
        status.is_some_and(|s| s.success()) && typed.exists(),
        "typing into LibreOffice failed ({status:?}): {}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    // LibreOffice's typed date is a date (a number) cell, as in the program's window.
    let xml = sheet_xml(&typed, "Answers");
    let gov03 = ids(&typed).iter().position(|i| i == "GOV-03").unwrap() + 2;
    let cell = tags(&xml, "c")
        .into_iter()
        .find(|t| attr(t, "r") == Some(format!("H{gov03}")))
        .unwrap();
    assert!(
        matches!(attr(cell, "t").as_deref(), None | Some("n")),
        "{cell}"
    );

    // The same edits written by openpyxl give the same report.
    let mut same = answers();
    same["answers"]["GOV-01"] = json!(["no"]);
    same["answers"]["GOV-03"] = json!(["partial", "typed in LibreOffice", null, "date:2026-10-02"]);
    same["file"]["assessed_by"] = json!("Sam Editor");
    let expected = dir.path().join("expected.xlsx");
    fill(py, &filled, &expected, &same);
    let report = report_json(&typed);
    assert_eq!(report, report_json(&expected));
    assert_eq!(report["assessed_by"], "Sam Editor");
    assert_eq!(report["counts"]["answered"], 5);
}

/// Fills a reply form as an MSP would in its spreadsheet program: every row of sheet Reply
/// gets the first answer its dropdown offers (read from the hidden Lists sheet, by id), a
/// comment and evidence; the Form sheet gets who answered and when. argv: src, dst.
const FILL_REPLY: &str = r#"
import sys, datetime, openpyxl
src, dst = sys.argv[1], sys.argv[2]
wb = openpyxl.load_workbook(src)
lists = {r[0].value: [c.value for c in r[1:] if c.value] for r in wb["Lists"].iter_rows(min_row=2)}
head = [c.value for c in wb["Reply"][1]]
col = {name: i for i, name in enumerate(head)}
for row in wb["Reply"].iter_rows(min_row=2):
    row[col["answer"]].value = lists[row[col["id"]].value][0]
    row[col["comment"]].value = "Checked by Sam ✓"
    row[col["evidence"]].value = "Service description v4"
    row[col["evidence date"]].value = datetime.date(2026, 10, 1)
for row in wb["Form"].iter_rows(min_row=2):
    if row[0].value == "replied_by":
        row[1].value = "Sam Lee, service manager"
    if row[0].value == "replied_on":
        row[1].value = datetime.date(2026, 12, 3)
wb.save(dst)
print(len(wb["Reply"].data_validations.dataValidation))
"#;

#[test]
fn a_reply_form_keeps_its_dropdowns_and_a_reply_saved_by_libreoffice_merges_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(
        crate::repo("questionnaires/examples/law-office-owner-unsure.yaml"),
        d.join("law.yaml"),
    )
    .unwrap();
    let out = msp()
        .current_dir(d)
        .args([
            "ask-msp",
            "law.yaml",
            "--msp-name",
            "Acme IT",
            "-o",
            "form.xlsx",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let form = d.join("form.xlsx");
    let ours = dropdowns(&sheet_xml(&form, "Reply"));
    assert!(ours.len() > 50, "{ours:?}");
    assert!(
        ours.values().all(|f| f.starts_with("Lists!$B$")),
        "every dropdown reads its row of the Lists sheet: {ours:?}"
    );
    let hidden = |path: &Path| {
        let book = part(path, "xl/workbook.xml");
        tags(&book, "sheet")
            .into_iter()
            .find(|t| attr(t, "name").as_deref() == Some("Lists"))
            .and_then(|t| attr(t, "state"))
    };
    assert_eq!(hidden(&form).as_deref(), Some("hidden"));

    // LibreOffice keeps the dropdowns, the hidden id column and the hidden Lists sheet.
    if let Some(soffice) = soffice() {
        let converted = convert(soffice, &form, "xlsx", &d.join("lo"));
        let theirs = dropdowns(&sheet_xml(&converted, "Reply"));
        assert_eq!(theirs.len(), ours.len(), "{theirs:?}");
        for (range, list) in &ours {
            let kept = theirs
                .get(range)
                .map(|l| l.trim_start_matches('$').replace('$', ""));
            assert_eq!(kept, Some(list.replace('$', "")), "{range}");
        }
        assert_eq!(hidden(&converted).as_deref(), Some("hidden"));
        let xml = sheet_xml(&converted, "Reply");
        let first_col = tags(&xml, "col")
            .into_iter()
            .find(|t| attr(t, "min").as_deref() == Some("1"))
            .unwrap_or_default();
        assert!(
            matches!(attr(first_col, "hidden").as_deref(), Some("1" | "true")),
            "{first_col}"
        );
    } else {
        println!("skipped (LibreOffice part): soffice is not installed");
    }

    // The MSP fills it in with openpyxl (dropdowns kept); it merges; saved again by
    // LibreOffice, it merges to the very same file.
    let Some(py) = python_with("openpyxl") else {
        println!("skipped: python3 with openpyxl is not installed");
        return;
    };
    let filled = d.join("filled.xlsx");
    let kept = python(
        py,
        FILL_REPLY,
        &[form.to_str().unwrap(), filled.to_str().unwrap()],
    );
    assert_eq!(kept.trim().parse::<usize>().unwrap(), ours.len());
    let merge = |reply: &Path, file: &str| {
        std::fs::copy(d.join("law.yaml"), d.join(file)).unwrap();
        let out = msp()
            .current_dir(d)
            .arg("import-reply")
            .arg(reply)
            .arg(file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        std::fs::read_to_string(d.join(file)).unwrap()
    };
    let direct = merge(&filled, "a.yaml");
    assert_eq!(
        direct.matches("    source: msp\n").count(),
        ours.len(),
        "{direct}"
    );
    assert!(
        direct.contains("evidence: Service description v4 (2026-10-01)"),
        "{direct}"
    );
    assert!(direct.contains("replied_on: 2026-12-03"), "{direct}");
    assert!(direct.contains("Checked by Sam ✓"), "{direct}");
    if let Some(soffice) = soffice() {
        let saved = convert(soffice, &filled, "xlsx", &d.join("lo2"));
        assert_eq!(merge(&saved, "b.yaml"), direct);
    }
}
