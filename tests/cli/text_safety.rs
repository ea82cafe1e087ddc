//! Text from outside (notes, names, answers, file names, the environment) in every output:
//! escaped for the format it lands in, no unsafe character passed through, wrapped by display
//! width in linear time. Each test here failed before the fix it names.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use crate::{msp, stderr_of, stdout_of};

/// Not a timing assertion: a guard, far above the sub-second run time, so that a quadratic
/// renderer fails the test instead of hanging CI for hours (a 1 MB word took 69 s in a
/// release build before the fix, far longer in a debug one).
const HANG_GUARD: Duration = Duration::from_secs(300);

/// A YAML double-quoted scalar holding `s` exactly: everything but printable ASCII escaped,
/// so control characters and noncharacters reach the tool as text, not as invalid YAML.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if u32::from(c) <= 0xFFFF => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push_str(&format!("\\U{:08X}", u32::from(c))),
        }
    }
    out.push('"');
    out
}

/// An answers file (in `dir`, named `name`) with this organisation and a note on a high-risk
/// gap, an accepted risk with `justification`, and a "no" for a critical question.
fn answers(dir: &Path, name: &str, org: &str, note: &str, justification: &str) -> PathBuf {
    let path = dir.join(name);
    let text = format!(
        "bank: cisa-msp-customer@2.0.0\norganization: {}\nanswers:\n  GOV-01:\n    answer: no\n    note: {}\n  GOV-08: no\n  MFA-01: no\naccepted_risks:\n  - question: GOV-08\n    justification: {}\n",
        quoted(org),
        quoted(note),
        quoted(justification)
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn run(args: &[&std::ffi::OsStr]) -> Output {
    let mut cmd = msp();
    cmd.timeout(HANG_GUARD).args(args);
    cmd.output().unwrap()
}

fn report(file: &Path, format: &str) -> String {
    let out = run(&[
        "report".as_ref(),
        file.as_os_str(),
        "--format".as_ref(),
        format.as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr_of(&out));
    stdout_of(&out)
}

/// Lines wider than `width` display columns, for the message.
fn too_wide(text: &str, width: usize) -> Vec<String> {
    text.lines()
        .filter(|l| l.width() > width)
        .map(|l| {
            format!(
                "{} columns: {}",
                l.width(),
                l.chars().take(80).collect::<String>()
            )
        })
        .collect()
}

/// Characters no output may hold raw: C0 controls but newline and tab (and CR, where
/// `allow_cr`: CSV and XML line ends), DEL, C1 controls, bidirectional controls, line
/// separators, U+FFFE and U+FFFF.
fn unsafe_char(c: char, allow_cr: bool) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t') && !(allow_cr && c == '\r'))
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
                | '\u{2028}' | '\u{2029}' | '\u{FFFE}' | '\u{FFFF}'
        )
}

fn check_chars(what: &str, text: &str, allow_cr: bool) {
    if let Some((i, c)) = text.char_indices().find(|(_, c)| unsafe_char(*c, allow_cr)) {
        let before: String = text[..i]
            .chars()
            .rev()
            .take(40)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        panic!(
            "{what}: U+{:04X} at byte {i}, after {before:?}",
            u32::from(c)
        );
    }
}

fn assert_no_unsafe_char(what: &str, text: &str) {
    check_chars(what, text, true);
}

/// Every string (and key) of a JSON document, decoded: `\u001b` in the text is ESC here.
fn json_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|v| json_strings(v, out)),
        Value::Object(m) => {
            for (k, v) in m {
                out.push(k.clone());
                json_strings(v, out);
            }
        }
        _ => {}
    }
}

/// Hostile text: C0 (ESC, BEL, CR, SOH), DEL, C1 (CSI U+009B, NEL U+0085), bidi overrides and
/// isolates, a line separator, and the noncharacters XML 1.0 forbids.
const HOSTILE: &str = "a\u{1b}[2Jb\u{7}c\rd\u{1}e\u{7f}f\u{9b}31mg\u{85}h\u{202e}i\u{2066}j\u{2028}k\u{fffe}l\u{ffff}m";

#[test]
fn a_one_megabyte_word_in_a_note_renders_in_the_table() {
    let dir = tempfile::tempdir().unwrap();
    // One word, and one line of short words (wider than comfy-table's u16 column width).
    for (name, note) in [
        ("word.yaml", "x".repeat(1 << 20)),
        ("line.yaml", "xy ".repeat((1 << 20) / 3)),
    ] {
        let file = answers(dir.path(), name, "Big note Ltd", &note, "ok");
        let out = run(&[
            "report".as_ref(),
            file.as_os_str(),
            "--width".as_ref(),
            "100".as_ref(),
            "--detailed".as_ref(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
        let text = stdout_of(&out);
        assert_eq!(too_wide(&text, 100), Vec::<String>::new(), "{name}");
        // Wrapped, never cut: every x of the note is in the table.
        let xs = text.matches('x').count();
        assert!(xs >= note.matches('x').count(), "{name}: {xs} x shown");
    }
}

#[test]
fn a_long_organisation_name_in_the_portfolio_table_renders_within_the_width() {
    let dir = tempfile::tempdir().unwrap();
    let long = answers(dir.path(), "long.yaml", &"O".repeat(300_000), "n", "ok");
    let short = answers(dir.path(), "short.yaml", "Short Ltd", "n", "ok");
    let out = run(&[
        "report".as_ref(),
        long.as_os_str(),
        short.as_os_str(),
        "--width".as_ref(),
        "90".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    assert!(text.contains("Portfolio: 2 organisations"));
    assert_eq!(too_wide(&text, 90), Vec::<String>::new());
}

#[test]
fn wide_characters_wrap_by_display_width() {
    let dir = tempfile::tempdir().unwrap();
    // CJK (two columns each), emoji (two), combining marks (none), long and short words.
    let org = "株式会社テスト情報システム😀😀😀 Café\u{301} Ünïcödé\u{308} 有限公司".repeat(4);
    let note = format!(
        "{} {} {}",
        "漢字仮名交じり文の長い注記です。".repeat(12),
        "😀🎉🚀".repeat(40),
        "e\u{301}".repeat(300)
    );
    let file = answers(dir.path(), "wide.yaml", &org, &note, &"確認済み".repeat(30));
    // (Below 60 columns the findings table cannot fit its six columns whatever the text:
    // a layout limit of its own, not a wrapping one.)
    for width in ["60", "77", "100"] {
        let out = run(&[
            "report".as_ref(),
            file.as_os_str(),
            "--width".as_ref(),
            width.as_ref(),
            "--detailed".as_ref(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        let text = stdout_of(&out);
        assert_eq!(
            too_wide(&text, width.parse().unwrap()),
            Vec::<String>::new(),
            "width {width}"
        );
        assert!(text.contains("漢字"));
    }
}

#[test]
fn json_sarif_and_oscal_carry_no_control_or_bidi_characters() {
    let dir = tempfile::tempdir().unwrap();
    let file = answers(dir.path(), "c.yaml", HOSTILE, HOSTILE, HOSTILE);
    for format in ["json", "sarif", "oscal"] {
        let text = report(&file, format);
        assert_no_unsafe_char(format, &text);
        let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{format}: {e}"));
        let mut strings = Vec::new();
        json_strings(&doc, &mut strings);
        for s in &strings {
            // Decoded, only newlines and tabs may remain (multi-line text keeps its lines).
            check_chars(&format!("{format} (decoded)"), s, false);
        }
        assert!(
            strings.iter().any(|s| s.contains("a\u{fffd}[2Jb")),
            "{format}: the text is kept, its controls replaced"
        );
    }
}

#[test]
fn junit_parses_when_notes_and_names_hold_characters_xml_forbids() {
    let dir = tempfile::tempdir().unwrap();
    let file = answers(dir.path(), "x.yaml", HOSTILE, HOSTILE, HOSTILE);
    let xml = report(&file, "junit");
    assert_no_unsafe_char("junit", &xml);
    let suites = junit_parser::from_reader(std::io::Cursor::new(xml.as_bytes()))
        .unwrap_or_else(|e| panic!("junit does not parse: {e}"));
    assert!(suites.name.contains("a\u{fffd}[2Jb"), "{}", suites.name);
}

/// A file name that is legal on Unix and hostile everywhere: a line break, a Markdown
/// heading, a link, raw HTML, ESC and a right-to-left override.
#[cfg(unix)]
const HOSTILE_NAME: &str = "evil\n# heading [x](e) <b>\u{1b}[31m\u{202e}z.yaml";

#[cfg(unix)]
#[test]
fn a_hostile_file_name_is_escaped_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let file = answers(dir.path(), HOSTILE_NAME, "Org", "n", "ok");
    for (_, format) in msp_risk::render::Format::ALL {
        let format = *format;
        let text = report(&file, format);
        assert_no_unsafe_char(format, &text);
        match format {
            "markdown" => {
                assert!(
                    !text.lines().any(|l| l.starts_with("# heading")),
                    "markdown: a heading from the file name"
                );
                assert!(
                    !text.contains("<b>"),
                    "markdown: raw HTML from the file name"
                );
                assert!(
                    !text.contains("[x](e)"),
                    "markdown: a link from the file name"
                );
                assert!(text.contains("\\# heading \\[x\\](e) &lt;b&gt;"), "{text}");
            }
            "html" => assert!(!text.contains("<b>"), "html: raw HTML from the file name"),
            "junit" => {
                junit_parser::from_reader(std::io::Cursor::new(text.as_bytes()))
                    .unwrap_or_else(|e| panic!("junit: {e}"));
            }
            "json" | "sarif" | "oscal" => {
                let doc: Value = serde_json::from_str(&text).unwrap();
                let mut strings = Vec::new();
                json_strings(&doc, &mut strings);
                for s in &strings {
                    assert!(
                        !s.contains('\u{1b}') && !s.contains('\u{202e}'),
                        "{format}: {s:?}"
                    );
                }
            }
            _ => {}
        }
    }
}

#[test]
fn sarif_uris_are_percent_encoded() {
    let dir = tempfile::tempdir().unwrap();
    let file = answers(dir.path(), "a b#c%41.yaml", "Org", "n", "ok");
    let out = msp()
        .args(["report", "a b#c%41.yaml", "--format", "sarif"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(file.exists());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &doc["runs"][0];
    assert_eq!(
        run["artifacts"][0]["location"]["uri"],
        "a%20b%23c%2541.yaml"
    );
    for result in run["results"].as_array().unwrap() {
        assert_eq!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "a%20b%23c%2541.yaml"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_backslash_is_part_of_a_unix_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let file = answers(dir.path(), "a\\b.yaml", "Org", "n", "ok");
    // Markdown escapes the backslash; HTML shows it as is.
    assert!(report(&file, "markdown").contains("Answers: a\\\\b.yaml."));
    assert!(report(&file, "html").contains("answers: a\\b.yaml"));
    assert!(report(&file, "sarif").contains("a%5Cb.yaml"));
}

#[test]
fn invalid_answers_are_echoed_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.yaml");
    std::fs::write(
        &file,
        "bank: cisa-msp-customer@2.0.0\nanswers:\n  MFA-01: \"\\e[2J\"\n  GOV-08: Maybe\n  GOV-03: YES\n",
    )
    .unwrap();
    msp()
        .arg("report")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`Maybe` is not an answer to GOV-08",
        ))
        .stderr(predicate::str::contains(
            "`\u{fffd}[2J` is not an answer to MFA-01",
        ))
        .stderr(predicate::str::contains("\u{1b}").not())
        // Answers are still read case-insensitively.
        .stderr(predicate::str::contains("GOV-03").not());
}

/// The binary without the fixed `--today` of [`msp`], so the date comes from the environment.
fn msp_dated_by(epoch: &str) -> Command {
    let mut cmd = Command::cargo_bin("msp-risk").unwrap();
    cmd.env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env("SOURCE_DATE_EPOCH", epoch);
    cmd
}

#[test]
fn source_date_epoch_beyond_the_year_9999_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = answers(dir.path(), "a.yaml", "Org", "n", "ok");
    for epoch in ["253402300800", "-62135596801", "9223372036854775807"] {
        msp_dated_by(epoch)
            .args(["report", "--format", "json"])
            .arg(&file)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("SOURCE_DATE_EPOCH"))
            .stderr(predicate::str::contains("out of range"));
    }
    // The last second of 9999 and the first of year 1 are fine.
    for (epoch, date) in [
        ("253402300799", "9999-12-31"),
        ("-62135596800", "0001-01-01"),
    ] {
        msp_dated_by(epoch)
            .args(["report", "--format", "json"])
            .arg(&file)
            .assert()
            .code(0)
            .stdout(predicate::str::contains(format!(
                "\"evaluated_on\": \"{date}\""
            )));
    }
}
