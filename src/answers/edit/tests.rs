//! In-place edits keep everything around the changed entry.

use super::*;
use crate::answers::parse_date;
use crate::bank::{self, Answer, Owner, YesNo};

const SMALL: &str = include_str!("../../../tests/fixtures/banks/small.yaml");

fn bank() -> Bank {
    bank::load(SMALL.as_bytes(), "small.yaml").expect("small bank")
}

fn model(text: &str, bank: &Bank) -> AnswersFile {
    load(text.as_bytes(), "a.yaml", bank).expect("valid answers")
}

fn record(id: &str, answer: Option<Answer>) -> AnswerRecord {
    AnswerRecord {
        question: id.to_string(),
        answer,
        note: None,
        evidence: None,
        as_of: None,
        asked_msp: None,
        reply: None,
        pos: Default::default(),
    }
}

fn set(file: &mut AnswersFile, r: AnswerRecord) {
    match file.answers.iter_mut().find(|x| x.question == r.question) {
        Some(x) => *x = r,
        None => file.answers.push(r),
    }
}

const COMMENTED: &str = "\
# Our answers, kept by hand.
bank: small-test@2.0.0
organization:       # the organisation assessed
answers:
  # Accounts first
  ACC-01: no   # asked Bob on Monday
  # the next one is a choice
  ACC-03:
    answer: app
    # a comment inside the long form
    note: \"app push, no number matching\"

  # Backups
  BCK-01:
accepted_risks:
  - question: ACC-01
    justification: until the new MSP starts
";

#[test]
fn changing_one_answer_keeps_every_comment() {
    let bank = bank();
    let mut target = model(COMMENTED, &bank);
    set(
        &mut target,
        record("ACC-01", Some(Answer::YesNo(YesNo::Partial))),
    );
    let new = update_text(COMMENTED, "a.yaml", &bank, &target).expect("edited in place");
    assert_eq!(
        new,
        COMMENTED.replace("ACC-01: no   # asked Bob", "ACC-01: partial  # asked Bob")
    );
}

#[test]
fn filling_an_empty_entry_and_a_null_field_keeps_their_comments() {
    let bank = bank();
    let mut target = model(COMMENTED, &bank);
    target.organization = Some("Acme: Dental & Co".to_string());
    set(
        &mut target,
        record("BCK-01", Some(Answer::Owner(Owner::Msp))),
    );
    let new = update_text(COMMENTED, "a.yaml", &bank, &target).expect("edited in place");
    assert!(
        new.contains("organization: \"Acme: Dental & Co\"  # the organisation assessed\n"),
        "{new}"
    );
    assert!(
        new.contains("  # Backups\n  BCK-01: msp\naccepted_risks:"),
        "{new}"
    );
    assert_eq!(
        model(&new, &bank).organization.as_deref(),
        Some("Acme: Dental & Co")
    );
}

#[test]
fn a_new_answer_goes_after_the_previous_question_in_bank_order() {
    let bank = bank();
    let mut target = model(COMMENTED, &bank);
    let mut r = record("ACC-02", Some(Answer::Unknown));
    r.note = Some("line one\nline two: with # signs".to_string());
    r.as_of = parse_date("2026-11-01");
    set(&mut target, r);
    let new = update_text(COMMENTED, "a.yaml", &bank, &target).expect("edited in place");
    assert!(
        new.contains("  ACC-01: no   # asked Bob on Monday\n  ACC-02:\n    answer: unknown\n    note: \"line one\\nline two: with # signs\"\n    as_of: 2026-11-01\n  # the next one"),
        "{new}"
    );
    let back = model(&new, &bank);
    assert_eq!(
        back.record("ACC-02").and_then(|r| r.note.as_deref()),
        Some("line one\nline two: with # signs")
    );
}

#[test]
fn replacing_a_long_form_entry_replaces_its_lines_and_keeps_its_comments() {
    let bank = bank();
    let mut target = model(COMMENTED, &bank);
    set(
        &mut target,
        record("ACC-03", Some(Answer::Choice("security_key".into()))),
    );
    let new = update_text(COMMENTED, "a.yaml", &bank, &target).expect("edited in place");
    assert!(
        new.contains(
            "  # the next one is a choice\n  ACC-03: security_key\n    # a comment inside the long form\n\n  # Backups\n"
        ),
        "{new}"
    );
}

#[test]
fn removing_an_entry_removes_only_its_lines() {
    let bank = bank();
    let mut target = model(COMMENTED, &bank);
    target.answers.retain(|r| r.question != "ACC-03");
    let new = update_text(COMMENTED, "a.yaml", &bank, &target).expect("edited in place");
    assert!(
        new.contains("  # the next one is a choice\n\n  # Backups\n"),
        "{new}"
    );
}

#[test]
fn crlf_files_stay_crlf() {
    let bank = bank();
    let text = COMMENTED.replace('\n', "\r\n");
    let mut target = model(&text, &bank);
    set(
        &mut target,
        record("BCK-01", Some(Answer::Owner(Owner::Us))),
    );
    let new = update_text(&text, "a.yaml", &bank, &target).expect("edited in place");
    assert!(
        !new.replace("\r\n", "").contains('\n'),
        "a bare LF crept in"
    );
    assert!(new.contains("BCK-01: us\r\n"));
}

#[test]
fn flow_style_answers_are_left_to_a_full_rewrite() {
    let bank = bank();
    let text = "bank: small-test@2.0.0\nanswers: {ACC-01: no}\n";
    let mut target = model(text, &bank);
    set(
        &mut target,
        record("ACC-01", Some(Answer::YesNo(YesNo::Yes))),
    );
    assert_eq!(update_text(text, "a.yaml", &bank, &target), None);
    let full = crate::answers::to_yaml(&target, &bank);
    assert_eq!(full, "bank: small-test@2.0.0\nanswers:\n  ACC-01: yes\n");
}

#[test]
fn a_file_without_answers_gets_them_appended() {
    let bank = bank();
    let text = "bank: small-test@2.0.0\n";
    let mut target = model(text, &bank);
    set(
        &mut target,
        record("ACC-01", Some(Answer::YesNo(YesNo::No))),
    );
    target.assessed_by = Some("Pat".into());
    let new = update_text(text, "a.yaml", &bank, &target).expect("edited in place");
    assert_eq!(
        new,
        "bank: small-test@2.0.0\nassessed_by: Pat\nanswers:\n  ACC-01: no\n"
    );
}

#[test]
fn the_template_is_filled_in_place_keeping_its_comments() {
    let bank = crate::bank::builtin().expect("embedded bank").clone();
    let text = crate::template::blank_answers_file(&bank);
    let mut target = model(&text, &bank);
    target.organization = Some("Lakeside Dental".into());
    target.assessed_on = parse_date("2026-11-23");
    set(
        &mut target,
        record("GOV-01", Some(Answer::YesNo(YesNo::Yes))),
    );
    let new = update_text(&text, "a.yaml", &bank, &target).expect("edited in place");
    assert!(
        new.contains("organization: Lakeside Dental  # the organisation assessed\n"),
        "{new}"
    );
    assert!(
        new.contains("assessed_on: 2026-11-23  # the date, as YYYY-MM-DD\n"),
        "{new}"
    );
    assert!(
        new.contains("#   Answers: yes | partial | no | unknown\n  GOV-01: yes\n"),
        "{new}"
    );
    assert_eq!(
        new.lines().count(),
        text.lines().count(),
        "only values changed"
    );
}

#[test]
fn an_empty_entry_is_the_same_as_no_entry() {
    let bank = bank();
    let text = "bank: small-test@2.0.0\nanswers:\n  ACC-01:\n";
    let mut target = model(text, &bank);
    target.answers.clear();
    assert_eq!(
        update_text(text, "a.yaml", &bank, &target).as_deref(),
        Some(text)
    );
}

#[test]
fn asked_msp_is_written_in_the_long_form_and_read_back() {
    let bank = bank();
    let mut target = model(COMMENTED, &bank);
    let mut asked = record("BCK-01", Some(Answer::Unknown));
    asked.asked_msp = parse_date("2026-11-23");
    set(&mut target, asked);
    let text = update_text(COMMENTED, "a.yaml", &bank, &target).expect("edited in place");
    assert!(
        text.contains("  BCK-01:\n    answer: unknown\n    asked_msp: 2026-11-23\n"),
        "{text}"
    );
    assert!(text.contains("# Backups"), "comments kept: {text}");
    let back = model(&text, &bank);
    let r = back.record("BCK-01").expect("BCK-01");
    assert_eq!(
        (r.answer.as_ref(), r.asked_msp),
        (Some(&Answer::Unknown), parse_date("2026-11-23"))
    );
    let whole = crate::answers::to_yaml(&target, &bank);
    assert!(whole.contains("    asked_msp: 2026-11-23\n"), "{whole}");
}
