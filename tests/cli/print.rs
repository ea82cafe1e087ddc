//! The HTML report on paper: printed to PDF by headless Chromium, counted with `pdfinfo` and
//! read back with `pdftotext` (poppler-utils). The owner's summary is exactly page 1, the
//! questions for the MSP start page 2, every page carries the organisation and its number,
//! and the minimal sample fits 8 Letter pages. Skipped, with the reason printed, where
//! Chromium or poppler-utils is missing (`apt-get install chromium poppler-utils`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::{msp, repo, stderr_of, stdout_of};

/// How long one print may take before the test gives up on it (and kills it).
const PRINT_TIMEOUT: Duration = Duration::from_secs(120);

/// The most Letter pages the minimal sample may take.
const MAX_PAGES: usize = 8;

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Chromium: `$MSP_RISK_CHROMIUM`, else the first of the usual names on `PATH`.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MSP_RISK_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    on_path(&[
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ])
}

/// Prints `html` to `pdf` with headless Chromium, killing it after [`PRINT_TIMEOUT`].
fn print_to_pdf(chromium: &Path, html: &Path, pdf: &Path, profile: &Path) {
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            assert!(status.success(), "chromium failed: {status}");
            break;
        }
        if start.elapsed() > PRINT_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not print within {PRINT_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(pdf.is_file(), "chromium wrote no PDF");
}

fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(out.status.success(), "{program}: {}", stderr_of(&out));
    stdout_of(&out)
}

/// (pages, page size line) from `pdfinfo`.
fn pdf_info(pdf: &Path) -> (usize, String) {
    let info = run("pdfinfo", &[pdf.to_str().unwrap()]);
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| panic!("pdfinfo gave no {name}\n{info}"))
    };
    (field("Pages:").parse().unwrap(), field("Page size:"))
}

/// The text of one page, its lines trimmed, blank lines dropped.
fn page_text(pdf: &Path, page: usize) -> Vec<String> {
    let n = page.to_string();
    run(
        "pdftotext",
        &["-f", &n, "-l", &n, pdf.to_str().unwrap(), "-"],
    )
    .lines()
    .map(|l| l.trim().to_string())
    .filter(|l| !l.is_empty())
    .collect()
}

fn json_report(file: &str) -> Value {
    let out = msp()
        .args(["report", file, "--format", "json"])
        .current_dir(repo(""))
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_html_report_prints_as_a_client_document() {
    let Some(chromium) = chromium() else {
        eprintln!("SKIP the_html_report_prints_as_a_client_document: no Chromium on PATH (apt-get install chromium)");
        return;
    };
    if on_path(&["pdfinfo"]).is_none() || on_path(&["pdftotext"]).is_none() {
        eprintln!("SKIP the_html_report_prints_as_a_client_document: no pdfinfo/pdftotext (apt-get install poppler-utils)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let samples = [
        (
            "minimal",
            "questionnaires/examples/dental-practice-minimal.yaml",
        ),
        (
            "owner-unsure",
            "questionnaires/examples/law-office-owner-unsure.yaml",
        ),
    ];
    for (name, file) in samples {
        let html = dir.path().join(format!("{name}.html"));
        let pdf = dir.path().join(format!("{name}.pdf"));
        let out = msp()
            .args(["report", file, "--output"])
            .arg(&html)
            .current_dir(repo(""))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        print_to_pdf(
            &chromium,
            &html,
            &pdf,
            &dir.path().join(format!("profile-{name}")),
        );
        let (pages, size) = pdf_info(&pdf);
        eprintln!("{file}: {pages} pages ({size})");
        assert!(size.contains("612 x 792"), "{name}: not Letter: {size}");

        let report = json_report(file);
        let org = report["organization"].as_str().unwrap();
        // Page 1 is the owner's summary, all of it: the headline and the whole plan.
        let first = page_text(&pdf, 1);
        let first_text = first.join(" ");
        assert!(
            first_text.contains("Score "),
            "{name}: page 1: {first_text}"
        );
        assert!(
            first_text.contains("What to do first"),
            "{name}: {first_text}"
        );
        // Each action of the plan shows what it adds to the score ("+3 points").
        let gains = first
            .iter()
            .filter(|l| l.starts_with('+') && l.contains("point"))
            .count();
        assert_eq!(
            gains,
            report["plan"].as_array().unwrap().len(),
            "{name}: the plan does not fit on page 1: {first_text}"
        );
        assert!(
            !first_text.contains("Questions for your MSP"),
            "{name}: page 1 runs on into the questions"
        );
        // Page 2 starts with the questions for the MSP and the command that writes them.
        let second = page_text(&pdf, 2);
        assert!(
            second[0].starts_with("Questions for your MSP"),
            "{name}: page 2 starts with {:?}",
            second[0]
        );
        assert!(
            second.join(" ").contains("msp-risk ask-msp"),
            "{name}: {second:?}"
        );
        // Every page has the organisation and its number in the footer.
        for page in 1..=pages {
            let text = page_text(&pdf, page).join(" ");
            assert!(
                text.contains(&format!("{org} · page {page} of {pages}")),
                "{name}: page {page} footer: {text}"
            );
        }
        if name == "minimal" {
            assert!(
                pages <= MAX_PAGES,
                "{name}: {pages} pages, at most {MAX_PAGES}"
            );
        }
    }
}
