//! How the interview asks a person: a small trait, so the engine can be driven by a terminal
//! (the binary's dialoguer prompter) or by a script (tests).

use std::io;

use crate::bank::Question;

/// What the person did on a question screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Gave this answer (an answer id the question accepts).
    Answer(String),
    /// Wants to add, change or remove the note on this question.
    Note,
    /// Leaves the question unanswered for now and moves on.
    Skip,
    /// Goes back to the previous question in interview order (the question that applies
    /// just before this one), whatever path led here.
    Back,
    /// Clears the answer (back to blank, "not answered yet"); the note stays.
    Clear,
    /// Wants to jump to another question or domain ("Go to...").
    GoTo,
    /// Saves and stops, from the menu ("Save and quit"): a normal exit.
    Quit,
    /// Stops with Esc (or Ctrl-C where the terminal reports it): answers are saved, and the
    /// binary exits with code 130.
    Cancel,
}

/// Everything a prompter needs to show one question.
#[derive(Debug, Clone)]
pub struct QuestionScreen<'a> {
    /// 1-based position among the questions that currently apply.
    pub number: usize,
    /// How many questions currently apply (follow-ups come and go with the answers).
    pub total: usize,
    /// The domain's title, e.g. "Backups and recovery".
    pub domain_title: &'a str,
    /// The domain's introduction, set only on the first question shown in a domain.
    pub domain_intro: Option<&'a str>,
    /// The question itself (text, why it matters, kind...). Text from a bank is untrusted:
    /// prompters sanitise it before display.
    pub question: &'a Question,
    /// The answers to offer, as (answer id, words shown), in order; "I don't know" included.
    pub choices: Vec<(String, String)>,
    /// The current answer id, if any: the prompter marks it and puts its cursor there. With
    /// none, no answer is pre-selected (Enter alone must not record one).
    pub current: Option<String>,
    /// Whether the question was sent to the MSP (its answer is "I don't know" until then).
    pub asked_msp: bool,
    /// Whether the current answer came from the MSP's reply (changing it makes it yours).
    pub from_msp: bool,
    /// The current note, if any.
    pub note: Option<&'a str>,
    /// Whether there is a previous question to go back to.
    pub can_go_back: bool,
}

/// A way of asking a person. `Ok(None)` from the text and choice prompts means the person
/// cancelled (Esc): the edit or choice is dropped and the interview goes on. A prompter reports
/// Ctrl-C as an error of kind [`io::ErrorKind::Interrupted`]: the interview then stops as with
/// [`Action::Cancel`].
pub trait Prompter {
    /// Shows a question and returns what the person did.
    fn question(&mut self, screen: &QuestionScreen<'_>) -> io::Result<Action>;

    /// Asks for text. `initial` is pre-filled. Pasted text arrives whole: a pasted multi-line
    /// note comes back as one string, its line breaks kept.
    fn text(&mut self, prompt: &str, initial: Option<&str>) -> io::Result<Option<String>>;

    /// Offers a choice between `options`; returns the index chosen.
    fn choose(
        &mut self,
        prompt: &str,
        options: &[String],
        default: usize,
    ) -> io::Result<Option<usize>>;

    /// Shows a message (plain text, already worded for the person).
    fn message(&mut self, text: &str) -> io::Result<()>;

    /// A one-line remark to show with the next question ("This is the first question").
    fn notice(&mut self, text: &str) -> io::Result<()> {
        self.message(text)
    }
}
