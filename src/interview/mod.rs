//! The interview engine: walks the questions that apply, in bank order, asking through a
//! [`Prompter`] and saving through an [`AnswerSink`] after every change.
//!
//! It never touches a terminal. Resuming is the same as starting: answers already in the file
//! are kept and the walk starts at the first question that applies and has no answer.
//! Follow-ups appear when the answer they follow matches, and disappear when it no longer
//! does; their answers stay in the file (scoring ignores them while they do not apply), so
//! changing the answer back brings them back, even in a later session.

mod prompter;
mod scripted;
mod sink;

use chrono::NaiveDate;

pub use prompter::{Action, Prompter, QuestionScreen};
#[doc(hidden)]
pub use scripted::{Reply, ScriptedPrompter};
pub use sink::{AnswerSink, FileSink, MemorySink};

use crate::answers::{AnswerRecord, AnswersFile};
use crate::bank::{Answer, Bank, Question};
use crate::diagnostic::WriteError;
use crate::scoring::applicable;

/// How the interview ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every question was seen and the person chose to finish.
    Finished,
    /// The person chose "Save and quit".
    Quit,
    /// The person pressed Esc (the binary exits with 130).
    Cancelled,
}

/// Why the interview stopped early.
#[derive(Debug, thiserror::Error)]
pub enum InterviewError {
    /// The terminal (or script) failed.
    #[error("the terminal stopped answering: {0}")]
    Prompt(#[from] std::io::Error),
    /// An answer could not be saved; the file holds every answer saved before it.
    #[error(transparent)]
    Save(#[from] WriteError),
}

/// One person's way through the questionnaire.
pub struct Interview<'b> {
    bank: &'b Bank,
    answers: AnswersFile,
    today: NaiveDate,
}

/// A blank answers file for `bank`, to start a new interview.
pub fn new_answers(bank: &Bank, file: &str) -> AnswersFile {
    AnswersFile {
        file: file.to_string(),
        bank_id: bank.id.clone(),
        bank_version: bank.version.clone(),
        organization: None,
        assessed_by: None,
        assessed_on: None,
        answers: Vec::new(),
        accepted_risks: Vec::new(),
        migrated: None,
    }
}

impl<'b> Interview<'b> {
    /// An interview over `answers` (new or resumed). `today` dates the assessment.
    pub fn new(bank: &'b Bank, answers: AnswersFile, today: NaiveDate) -> Self {
        Interview {
            bank,
            answers,
            today,
        }
    }

    /// The answers as they stand.
    pub fn answers(&self) -> &AnswersFile {
        &self.answers
    }

    /// How many questions that apply have an answer, and how many apply.
    pub fn progress(&self) -> (usize, usize) {
        let applies = self.applies();
        let total = applies.iter().filter(|a| **a).count();
        let answered = self
            .bank
            .questions
            .iter()
            .zip(&applies)
            .filter(|(q, a)| **a && self.answers.answer(&q.id).is_some())
            .count();
        (answered, total)
    }

    fn applies(&self) -> Vec<bool> {
        applicable(self.bank, |id| self.answers.answer(id))
    }

    fn unanswered(&self, i: usize) -> bool {
        self.answers.answer(&self.bank.questions[i].id).is_none()
    }

    /// The first question after `after` (or from the start) that applies and has no answer.
    fn next_open(&self, after: Option<usize>) -> Option<usize> {
        let applies = self.applies();
        let start = after.map_or(0, |i| i + 1);
        (start..self.bank.questions.len()).find(|&i| applies[i] && self.unanswered(i))
    }

    /// Runs the interview until the person finishes or stops.
    pub fn run(
        &mut self,
        prompter: &mut dyn Prompter,
        sink: &mut dyn AnswerSink,
    ) -> Result<Outcome, InterviewError> {
        for (field, prompt) in [
            (
                Field::Organization,
                "Name of the organisation being assessed",
            ),
            (Field::AssessedBy, "Your name (who is answering)"),
        ] {
            if self.field(field).is_none() {
                match prompter.text(prompt, None)? {
                    Some(value) if !value.trim().is_empty() => {
                        *self.field_mut(field) = Some(value.trim().to_string());
                        sink.save(&self.answers)?;
                    }
                    Some(_) => {}
                    None => return Ok(Outcome::Cancelled),
                }
            }
        }

        let mut history: Vec<usize> = Vec::new();
        let mut cursor = self.next_open(None);
        // While revisiting after the review: the questions still to see, in order.
        let mut revisit: Option<Vec<usize>> = None;
        let mut last_domain = None;
        loop {
            let Some(i) = cursor else {
                match self.review(prompter)? {
                    Review::Finish => return Ok(Outcome::Finished),
                    Review::Cancel => return Ok(Outcome::Cancelled),
                    Review::Revisit(list) => {
                        cursor = list.first().copied();
                        revisit = Some(list);
                        continue;
                    }
                }
            };
            let q = &self.bank.questions[i];
            let domain = &self.bank.domains[q.domain];
            let intro = (last_domain != Some(q.domain) && !domain.description.is_empty())
                .then_some(domain.description.as_str());
            last_domain = Some(q.domain);
            let action =
                prompter.question(&self.screen(q, &domain.title, intro, !history.is_empty()))?;
            match action {
                Action::Answer(word) => {
                    let Some(answer) = q.parse_answer(&word) else {
                        prompter.notice(&format!("`{word}` is not an answer to {}.", q.id))?;
                        continue;
                    };
                    self.set_answer(i, answer);
                    sink.save(&self.answers)?;
                    history.push(i);
                    cursor = self.next(i, &mut revisit);
                }
                Action::Skip => {
                    history.push(i);
                    cursor = self.next(i, &mut revisit);
                }
                // Back retraces this session's steps; before them (after a resume) it walks the
                // questions that apply, in order.
                Action::Back => match history.pop().or_else(|| self.previous(i)) {
                    Some(previous) => cursor = Some(previous),
                    None => prompter.notice("This is the first question.")?,
                },
                Action::Note => {
                    let current = self.answers.record(&q.id).and_then(|r| r.note.clone());
                    let prompt = format!("Note for {} (leave empty to remove it)", q.id);
                    if let Some(text) = prompter.text(&prompt, current.as_deref())? {
                        self.set_note(i, text);
                        sink.save(&self.answers)?;
                    }
                }
                Action::Quit => return Ok(Outcome::Quit),
                Action::Cancel => return Ok(Outcome::Cancelled),
            }
        }
    }

    fn screen<'s>(
        &'s self,
        q: &'s Question,
        domain_title: &'s str,
        intro: Option<&'s str>,
        can_go_back: bool,
    ) -> QuestionScreen<'s> {
        let applies = self.applies();
        let position = self.bank.position(&q.id).unwrap_or(0);
        let number = applies[..position].iter().filter(|a| **a).count() + 1;
        let total = applies.iter().filter(|a| **a).count();
        let choices = q
            .allowed_answers()
            .into_iter()
            .filter_map(|id| {
                q.parse_answer(id)
                    .map(|a| (id.to_string(), q.answer_label(&a).to_string()))
            })
            .collect();
        let record = self.answers.record(&q.id);
        QuestionScreen {
            number,
            total,
            domain_title,
            domain_intro: intro,
            question: q,
            choices,
            current: record
                .and_then(|r| r.answer.as_ref())
                .map(|a| a.id().to_string()),
            note: record.and_then(|r| r.note.as_deref()),
            can_go_back,
        }
    }

    /// The question that applies just before `i`, if any.
    fn previous(&self, i: usize) -> Option<usize> {
        let applies = self.applies();
        (0..i).rev().find(|&j| applies[j])
    }

    /// Where to go after question `i`: the next open question, or the next one to revisit.
    fn next(&self, i: usize, revisit: &mut Option<Vec<usize>>) -> Option<usize> {
        match revisit {
            Some(list) => {
                list.retain(|&j| j != i);
                let applies = self.applies();
                list.retain(|&j| applies[j]);
                list.first().copied()
            }
            None => self.next_open(Some(i)),
        }
    }

    fn review(&mut self, prompter: &mut dyn Prompter) -> Result<Review, InterviewError> {
        let applies = self.applies();
        let mut unanswered = Vec::new();
        let mut unknown = Vec::new();
        for (i, q) in self.bank.questions.iter().enumerate() {
            if !applies[i] {
                continue;
            }
            match self.answers.answer(&q.id) {
                None => unanswered.push(i),
                Some(Answer::Unknown) => unknown.push(i),
                Some(_) => {}
            }
        }
        if unanswered.is_empty() && unknown.is_empty() {
            return Ok(Review::Finish);
        }
        let mut text = String::from("You have been through every question.\n");
        for (list, title) in [
            (&unanswered, "Not answered yet"),
            (&unknown, "Answered \"I don't know\""),
        ] {
            if !list.is_empty() {
                text.push_str(&format!("\n{title} ({}):\n", list.len()));
                for &i in list.iter() {
                    let q = &self.bank.questions[i];
                    text.push_str(&format!("- {}  {}\n", q.id, q.text));
                }
            }
        }
        text.push_str("\n\"I don't know\" counts as a gap until someone checks; ask your MSP and come back any time.");
        prompter.message(&text)?;
        let options = vec![
            format!(
                "Revisit these {} questions now",
                unanswered.len() + unknown.len()
            ),
            "Finish and show the report".to_string(),
        ];
        Ok(match prompter.choose("What next?", &options, 1)? {
            Some(0) => {
                let mut list: Vec<usize> = unanswered.into_iter().chain(unknown).collect();
                list.sort_unstable();
                Review::Revisit(list)
            }
            Some(_) => Review::Finish,
            None => Review::Cancel,
        })
    }

    fn record_mut(&mut self, i: usize) -> &mut AnswerRecord {
        let id = self.bank.questions[i].id.clone();
        let pos = match self.answers.answers.iter().position(|r| r.question == id) {
            Some(p) => p,
            None => {
                self.answers.answers.push(AnswerRecord {
                    question: id,
                    answer: None,
                    note: None,
                    evidence: None,
                    as_of: None,
                    asked_msp: None,
                    pos: Default::default(),
                });
                self.answers.answers.len() - 1
            }
        };
        &mut self.answers.answers[pos]
    }

    fn set_answer(&mut self, i: usize, answer: Answer) {
        self.record_mut(i).answer = Some(answer);
        if self.answers.assessed_on.is_none() {
            self.answers.assessed_on = Some(self.today);
        }
    }

    fn set_note(&mut self, i: usize, text: String) {
        let text = text.trim().to_string();
        self.record_mut(i).note = (!text.is_empty()).then_some(text);
    }

    fn field(&self, f: Field) -> &Option<String> {
        match f {
            Field::Organization => &self.answers.organization,
            Field::AssessedBy => &self.answers.assessed_by,
        }
    }

    fn field_mut(&mut self, f: Field) -> &mut Option<String> {
        match f {
            Field::Organization => &mut self.answers.organization,
            Field::AssessedBy => &mut self.answers.assessed_by,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Field {
    Organization,
    AssessedBy,
}

enum Review {
    Finish,
    Cancel,
    Revisit(Vec<usize>),
}

#[cfg(test)]
mod tests;
