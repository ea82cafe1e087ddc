//! The interview's logic, driven by a script: order, follow-ups, back, skip, notes, review,
//! resume.

use super::*;
use crate::answers;
use crate::bank;

use Action::*;
use Reply::{Act, Choose, Text};

const SMALL: &str = include_str!("../../tests/fixtures/banks/small.yaml");

fn bank() -> Bank {
    bank::load(SMALL.as_bytes(), "small.yaml").expect("small bank")
}

fn today() -> NaiveDate {
    answers::parse_date("2026-11-23").expect("date")
}

fn answer(word: &str) -> Reply {
    Act(Answer(word.to_string()))
}

fn names() -> Vec<Reply> {
    vec![Text(Some("Acme Ltd".into())), Text(Some("Pat".into()))]
}

/// Runs a fresh interview on the small bank with `replies` after the two name prompts.
fn run(replies: Vec<Reply>) -> (Outcome, Interview<'static>, ScriptedPrompter, MemorySink) {
    let bank: &'static Bank = Box::leak(Box::new(bank()));
    run_on(
        bank,
        new_answers(bank, "a.yaml"),
        names().into_iter().chain(replies).collect(),
    )
}

fn run_on(
    bank: &'static Bank,
    answers: AnswersFile,
    replies: Vec<Reply>,
) -> (Outcome, Interview<'static>, ScriptedPrompter, MemorySink) {
    let mut interview = Interview::new(bank, answers, today());
    let mut prompter = ScriptedPrompter::new(replies);
    let mut sink = MemorySink::default();
    let outcome = interview
        .run(&mut prompter, &mut sink)
        .expect("script completes");
    (outcome, interview, prompter, sink)
}

fn answer_of(i: &Interview, id: &str) -> Option<String> {
    i.answers().answer(id).map(|a| a.id().to_string())
}

#[test]
fn asks_names_then_every_question_in_order_saving_after_each_answer() {
    let (outcome, interview, prompter, sink) = run(vec![
        answer("yes"),
        answer("no"),
        answer("app"),
        answer("us"),
        answer("na"),
    ]);
    assert_eq!(outcome, Outcome::Finished);
    assert_eq!(
        prompter.prompts[..2],
        [
            "Name of the organisation being assessed",
            "Your name (who is answering)"
        ]
    );
    // The follow-up ACC-02 appears after ACC-01 = yes, and the count grows with it.
    assert_eq!(
        prompter.shown,
        [
            "Question 1 of 4: ACC-01",
            "Question 2 of 5: ACC-02",
            "Question 3 of 5: ACC-03",
            "Question 4 of 5: BCK-01",
            "Question 5 of 5: BCK-03",
        ]
    );
    // Two names and five answers: seven saves, the last one complete.
    assert_eq!(sink.saved.len(), 7);
    let last = sink.saved.last().expect("saved");
    assert_eq!(last.organization.as_deref(), Some("Acme Ltd"));
    assert_eq!(last.assessed_on, Some(today()));
    assert_eq!(answer_of(&interview, "BCK-03").as_deref(), Some("na"));
    assert_eq!(last.answers.len(), 5);
}

#[test]
fn follow_ups_are_skipped_when_their_condition_does_not_hold() {
    let (_, interview, prompter, _) = run(vec![
        answer("no"),
        answer("none"),
        answer("nobody"),
        answer("yes"),
    ]);
    assert_eq!(
        prompter.questions_shown(),
        ["ACC-01", "ACC-03", "BCK-01", "BCK-03"]
    );
    assert_eq!(answer_of(&interview, "ACC-02"), None);
}

#[test]
fn follow_ups_disappear_when_the_answer_that_opened_them_changes_and_keep_their_answer() {
    let (_, interview, prompter, sink) = run(vec![
        answer("yes"),     // ACC-01
        answer("no"),      // ACC-02 (follow-up)
        Act(Back),         // back to ACC-02
        Act(Back),         // back to ACC-01
        answer("no"),      // ACC-02 no longer applies
        Act(Back),         // ACC-01 again
        answer("partial"), // ACC-02 applies again, already answered
        Act(Quit),         // at ACC-03
    ]);
    assert_eq!(
        prompter.shown,
        [
            "Question 1 of 4: ACC-01",
            "Question 2 of 5: ACC-02",
            "Question 3 of 5: ACC-03",
            "Question 2 of 5: ACC-02",
            "Question 1 of 5: ACC-01",
            "Question 2 of 4: ACC-03",
            "Question 1 of 4: ACC-01",
            "Question 3 of 5: ACC-03",
        ]
    );
    // While ACC-01 was "no", the saved file had no ACC-02.
    let saved_after_no = &sink.saved[sink.saved.len() - 2];
    // ACC-02 was not asked while ACC-01 was "no", but its answer stayed in the file: nothing
    // is lost, and scoring ignores it while it does not apply.
    assert_eq!(saved_after_no.answer("ACC-02").map(|a| a.id()), Some("no"));
    assert_eq!(
        answer_of(&interview, "ACC-02").as_deref(),
        Some("no"),
        "kept"
    );
    assert_eq!(answer_of(&interview, "ACC-01").as_deref(), Some("partial"));
}

#[test]
fn skipped_questions_stay_unanswered_and_can_be_revisited_from_the_review() {
    let (outcome, interview, prompter, _) = run(vec![
        answer("no"),
        Act(Skip),         // ACC-03
        answer("unknown"), // BCK-01
        answer("yes"),     // BCK-03
        Choose(Some(0)),   // review: revisit ACC-03 and BCK-01
        answer("security_key"),
        answer("us"),
        // review again: nothing left, finish without asking
    ]);
    assert_eq!(outcome, Outcome::Finished);
    assert_eq!(
        prompter.questions_shown(),
        ["ACC-01", "ACC-03", "BCK-01", "BCK-03", "ACC-03", "BCK-01"]
    );
    let review = &prompter.messages[0];
    assert!(
        review.contains("Not answered yet (1): ACC-03\n"),
        "{review}"
    );
    assert!(
        review.contains("Answered \"I don't know\" (1): BCK-01\n"),
        "{review}"
    );
    assert_eq!(
        answer_of(&interview, "ACC-03").as_deref(),
        Some("security_key")
    );
}

#[test]
fn finishing_from_the_review_leaves_gaps_as_they_are() {
    let (outcome, interview, _, _) = run(vec![
        Act(Skip),
        Act(Skip),
        Act(Skip),
        Act(Skip),
        Choose(Some(2)),
    ]);
    assert_eq!(outcome, Outcome::Finished);
    assert!(interview.answers().answers.is_empty());
}

#[test]
fn notes_are_added_changed_and_removed_without_touching_the_answer() {
    let (_, interview, prompter, sink) = run(vec![
        Act(Note),
        Text(Some("  ask Bob  ".into())),
        answer("partial"),
        Act(Back),
        Act(Note),
        Text(Some(String::new())),
        Act(Quit),
    ]);
    assert_eq!(
        prompter.prompts[2],
        "Note for ACC-01 (leave empty to remove it)"
    );
    let with_note = &sink.saved[2];
    assert_eq!(
        with_note.record("ACC-01").and_then(|r| r.note.as_deref()),
        Some("ask Bob")
    );
    let record = interview.answers().record("ACC-01").expect("record");
    assert_eq!(record.note, None);
    assert_eq!(answer_of(&interview, "ACC-01").as_deref(), Some("partial"));
}

#[test]
fn back_on_the_first_question_says_so() {
    let (outcome, _, prompter, _) = run(vec![Act(Back), Act(Cancel)]);
    assert_eq!(outcome, Outcome::Cancelled);
    assert_eq!(prompter.messages, ["This is the first question."]);
    assert_eq!(prompter.questions_shown(), ["ACC-01", "ACC-01"]);
}

#[test]
fn resuming_offers_where_it_stopped_or_the_skipped_first_and_keeps_answers() {
    let bank: &'static Bank = Box::leak(Box::new(bank()));
    let text = "bank: small-test@2.0.0\norganization: Acme\nassessed_by: Pat\nassessed_on: 2026-10-01\nanswers:\n  ACC-01: yes\n  ACC-02:\n    answer: no\n    note: by hand\n  BCK-01: msp\n";
    let answers = answers::load(text.as_bytes(), "a.yaml", bank).expect("valid");
    let interview = Interview::new(bank, answers.clone(), today());
    assert_eq!(interview.progress(), (3, 6));
    // ACC-03 was skipped; the person stopped at BCK-02 (after BCK-01, the last answer).
    let (_, interview, prompter, _) = run_on(
        bank,
        answers.clone(),
        vec![Choose(Some(1)), answer("app"), Act(Quit)],
    );
    assert_eq!(
        prompter.prompts,
        ["Where do you want to carry on?"],
        "names are not asked again"
    );
    assert_eq!(
        prompter.questions_shown(),
        ["ACC-03", "BCK-02"],
        "skipped first, then on"
    );
    // Where it stopped; Back works on that first screen: the question before, in order.
    let (_, _, prompter, _) = run_on(
        bank,
        answers,
        vec![Choose(Some(0)), Act(Back), Act(Back), Act(Quit)],
    );
    assert_eq!(prompter.questions_shown(), ["BCK-02", "BCK-01", "ACC-03"]);
    let record = interview.answers().record("ACC-02").expect("kept");
    assert_eq!(record.note.as_deref(), Some("by hand"));
    assert_eq!(
        interview.answers().assessed_on,
        answers::parse_date("2026-10-01"),
        "the first date stays"
    );
}

#[test]
fn esc_at_a_name_leaves_it_blank_and_goes_on() {
    let bank: &'static Bank = Box::leak(Box::new(bank()));
    let (outcome, interview, prompter, sink) = run_on(
        bank,
        new_answers(bank, "a.yaml"),
        vec![Text(None), Text(None), Act(Cancel)],
    );
    assert_eq!(outcome, Outcome::Cancelled);
    assert_eq!(
        prompter.questions_shown(),
        ["ACC-01"],
        "the interview went on"
    );
    assert!(sink.saved.is_empty());
    assert_eq!(interview.answers().organization, None);
}

#[test]
fn a_pasted_multi_line_name_is_one_line() {
    let bank: &'static Bank = Box::leak(Box::new(bank()));
    let (_, interview, _, _) = run_on(
        bank,
        new_answers(bank, "a.yaml"),
        vec![
            Text(Some("Acme\n  Ltd ".into())),
            Text(Some("Pat".into())),
            Act(Quit),
        ],
    );
    assert_eq!(
        interview.answers().organization.as_deref(),
        Some("Acme Ltd")
    );
}

#[test]
fn a_multi_line_note_is_one_note_with_its_lines() {
    let (_, interview, _, _) = run(vec![
        Act(Note),
        Text(Some("first line\nsecond line".into())),
        Act(Quit),
    ]);
    let note = interview
        .answers()
        .record("ACC-01")
        .and_then(|r| r.note.clone());
    assert_eq!(note.as_deref(), Some("first line\nsecond line"));
    assert_eq!(answer_of(&interview, "ACC-01"), None, "no answer given");
}

#[test]
fn ctrl_c_in_a_prompt_stops_like_esc() {
    struct Interrupt;
    impl Prompter for Interrupt {
        fn question(&mut self, _: &QuestionScreen<'_>) -> std::io::Result<Action> {
            Err(std::io::ErrorKind::Interrupted.into())
        }
        fn text(&mut self, _: &str, _: Option<&str>) -> std::io::Result<Option<String>> {
            Ok(Some("x".into()))
        }
        fn choose(&mut self, _: &str, _: &[String], _: usize) -> std::io::Result<Option<usize>> {
            Ok(None)
        }
        fn message(&mut self, _: &str) -> std::io::Result<()> {
            Ok(())
        }
    }
    let bank = bank();
    let mut interview = Interview::new(&bank, new_answers(&bank, "a.yaml"), today());
    let outcome = interview
        .run(&mut Interrupt, &mut MemorySink::default())
        .expect("not an error");
    assert_eq!(outcome, Outcome::Cancelled);
}

#[test]
fn an_answer_can_be_cleared_back_to_blank() {
    let (_, interview, prompter, sink) = run(vec![
        answer("no"), // ACC-01
        Act(Back),    // back to ACC-01
        Act(Clear),   // blank again
        Act(Quit),
    ]);
    assert_eq!(
        prompter.questions_shown(),
        ["ACC-01", "ACC-03", "ACC-01", "ACC-01"]
    );
    assert_eq!(answer_of(&interview, "ACC-01"), None);
    assert_eq!(prompter.messages, ["The answer to ACC-01 is cleared."]);
    assert_eq!(
        sink.saved.last().and_then(|f| f.answer("ACC-01").cloned()),
        None
    );
}

#[test]
fn the_screen_marks_the_current_answer_and_none_on_a_blank_question() {
    struct Peek(Vec<Option<String>>);
    impl Prompter for Peek {
        fn question(&mut self, s: &QuestionScreen<'_>) -> std::io::Result<Action> {
            self.0.push(s.current.clone());
            Ok(match self.0.len() {
                1 => Action::Answer("no".into()),
                2 => Action::Back,
                _ => Action::Quit,
            })
        }
        fn text(&mut self, _: &str, _: Option<&str>) -> std::io::Result<Option<String>> {
            Ok(Some("x".into()))
        }
        fn choose(&mut self, _: &str, _: &[String], _: usize) -> std::io::Result<Option<usize>> {
            Ok(None)
        }
        fn message(&mut self, _: &str) -> std::io::Result<()> {
            Ok(())
        }
    }
    let bank = bank();
    let mut peek = Peek(Vec::new());
    let mut interview = Interview::new(&bank, new_answers(&bank, "a.yaml"), today());
    interview
        .run(&mut peek, &mut MemorySink::default())
        .unwrap();
    assert_eq!(peek.0, [None, None, Some("no".to_string())]);
}

#[test]
fn go_to_jumps_to_a_question_id_or_a_domain() {
    let (_, _, prompter, _) = run(vec![
        Act(GoTo),
        Choose(Some(0)),             // a question by id
        Text(Some("bck-03".into())), // any case
        Act(GoTo),
        Choose(Some(1)), // the first domain: its first open question
        Act(GoTo),
        Choose(Some(0)),
        Text(Some("ZZZ-01".into())), // no such question: stays
        Act(Quit),
    ]);
    assert_eq!(
        prompter.questions_shown(),
        ["ACC-01", "BCK-03", "ACC-01", "ACC-01"]
    );
    assert_eq!(
        prompter.messages,
        ["There is no question ZZZ-01; question ids look like ACC-01."]
    );
}

#[test]
fn back_is_the_previous_question_in_order_not_the_last_visited() {
    let (_, _, prompter, _) = run(vec![
        Act(GoTo),
        Choose(Some(0)),
        Text(Some("BCK-03".into())),
        Act(Back), // BCK-01 (BCK-02 does not apply), not ACC-01 where the jump came from
        Act(Quit),
    ]);
    assert_eq!(prompter.questions_shown(), ["ACC-01", "BCK-03", "BCK-01"]);
}

const MSP: &str = include_str!("../../tests/fixtures/banks/small-msp.yaml");

#[test]
fn questions_only_the_msp_can_answer_can_be_sent_to_the_msp() {
    let bank: &'static Bank = Box::leak(Box::new(bank::load(MSP.as_bytes(), "m.yaml").unwrap()));
    let (outcome, interview, prompter, sink) = run_on(
        bank,
        new_answers(bank, "a.yaml"),
        names()
            .into_iter()
            .chain([
                Choose(Some(0)), // send them to the MSP
                answer("no"),    // ACC-01
                answer("us"),    // BCK-01
            ])
            .collect(),
    );
    assert_eq!(outcome, Outcome::Finished);
    assert!(
        prompter.prompts[2].starts_with("2 of the 4 questions"),
        "{:?}",
        prompter.prompts
    );
    assert_eq!(
        prompter.questions_shown(),
        ["ACC-01", "BCK-01"],
        "ACC-03 and BCK-03 skipped"
    );
    for id in ["ACC-03", "BCK-03"] {
        let r = interview.answers().record(id).expect("recorded");
        assert_eq!(
            (r.answer.as_ref(), r.asked_msp),
            (Some(&crate::bank::Answer::Unknown), Some(today()))
        );
    }
    assert_eq!(interview.asked_msp(), 2);
    // Marked and saved before the first question.
    assert!(sink.saved[2]
        .record("BCK-03")
        .is_some_and(|r| r.asked_msp.is_some()));
    // No "I don't know" left to review: the asked questions are not open.
    assert!(prompter.messages.is_empty(), "{:?}", prompter.messages);
}

#[test]
fn declining_to_send_asks_every_question() {
    let bank: &'static Bank = Box::leak(Box::new(bank::load(MSP.as_bytes(), "m.yaml").unwrap()));
    let (_, interview, prompter, _) = run_on(
        bank,
        new_answers(bank, "a.yaml"),
        names()
            .into_iter()
            .chain([Choose(Some(1)), answer("no"), Act(Quit)])
            .collect(),
    );
    assert_eq!(prompter.questions_shown(), ["ACC-01", "ACC-03"]);
    assert_eq!(interview.asked_msp(), 0);
}

#[test]
fn the_screen_offers_the_question_s_answers_with_plain_labels() {
    struct Peek(Vec<Vec<(String, String)>>);
    impl Prompter for Peek {
        fn question(&mut self, s: &QuestionScreen<'_>) -> std::io::Result<Action> {
            self.0.push(s.choices.clone());
            Ok(if self.0.len() < 4 {
                Action::Skip
            } else {
                Action::Quit
            })
        }
        fn text(&mut self, _: &str, _: Option<&str>) -> std::io::Result<Option<String>> {
            Ok(Some("x".into()))
        }
        fn choose(&mut self, _: &str, _: &[String], _: usize) -> std::io::Result<Option<usize>> {
            Ok(Some(1))
        }
        fn message(&mut self, _: &str) -> std::io::Result<()> {
            Ok(())
        }
    }
    let bank = bank();
    let mut interview = Interview::new(&bank, new_answers(&bank, "a.yaml"), today());
    let mut peek = Peek(Vec::new());
    interview
        .run(&mut peek, &mut MemorySink::default())
        .expect("runs");
    let labels = |i: usize| {
        peek.0[i]
            .iter()
            .map(|(_, l)| l.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(labels(0), ["Yes", "Partly", "No", "I don't know"]);
    assert_eq!(
        labels(1),
        [
            "A physical security key",
            "An app on a phone",
            "No second step",
            "I don't know"
        ]
    );
    assert_eq!(
        labels(2),
        [
            "Us",
            "Our MSP",
            "Shared (us and our MSP)",
            "A software vendor",
            "Nobody",
            "I don't know"
        ]
    );
    assert_eq!(
        labels(3),
        [
            "Yes",
            "Partly",
            "No",
            "I don't know",
            "Does not apply to us"
        ]
    );
}

#[test]
fn a_resume_after_sending_questions_to_the_msp_still_offers_where_it_stopped() {
    // The owner sent the MSP's questions (marked in one go, some late in the bank), skipped
    // ACC-01 and stopped at BCK-02 after answering BCK-01: the bulk-marked BCK-03 says nothing of
    // where she stopped, so resume still offers "where you stopped" and "skipped first".
    let bank: &'static Bank = Box::leak(Box::new(bank::load(MSP.as_bytes(), "m.yaml").unwrap()));
    let text = "bank: small-test@2.0.0\norganization: Acme\nassessed_by: Pat\nassessed_on: 2026-10-01\nanswers:\n  ACC-03:\n    answer: unknown\n    asked_msp: 2026-10-01\n  BCK-01: msp\n  BCK-03:\n    answer: unknown\n    asked_msp: 2026-10-01\n";
    let answers = answers::load(text.as_bytes(), "a.yaml", bank).expect("valid");
    let (_, interview, prompter, _) = run_on(bank, answers, vec![Choose(Some(1)), Act(Quit)]);
    assert_eq!(
        prompter.prompts,
        ["Where do you want to carry on?"],
        "{:?}",
        prompter.prompts
    );
    assert_eq!(
        prompter.questions_shown(),
        ["ACC-01"],
        "the skipped one first"
    );
    assert_eq!(
        interview.marked_now(),
        0,
        "nothing new sent: no second letter"
    );
}
