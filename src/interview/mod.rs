//! The interview engine: walks the questions that apply, in bank order, asking through a
//! [`Prompter`] and saving through an [`AnswerSink`] after every change.
//!
//! It never touches a terminal. Resuming keeps the answers already in the file and offers to
//! carry on where the person stopped (after the last answer) or with the skipped questions
//! first. Back always means the question before in the interview's order. Questions only the
//! MSP can answer can be sent to the MSP at the start: they are then recorded as "I don't know"
//! with the day they were asked (`asked_msp`), and skipped.
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
use crate::bank::{Answer, AnsweredBy, Bank, Question};
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
    /// The owner chose to send the questions only the MSP can answer to the MSP.
    send_to_msp: bool,
    /// How many questions this session marked as sent to the MSP: a letter is due only when
    /// this session added some, so a resume does not write another, different one.
    marked_now: usize,
}

/// A blank answers file for `bank`, to start a new interview.
pub fn new_answers(bank: &Bank, file: &str) -> AnswersFile {
    AnswersFile {
        file: file.to_string(),
        bank_id: bank.id.clone(),
        bank_version: bank.version.clone(),
        organization: None,
        msp: None,
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
            send_to_msp: false,
            marked_now: 0,
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
        match self.walk(prompter, sink) {
            // Ctrl-C in a prompt: stop as with Esc (everything given so far is saved).
            Err(InterviewError::Prompt(e)) if e.kind() == std::io::ErrorKind::Interrupted => {
                Ok(Outcome::Cancelled)
            }
            other => other,
        }
    }

    /// How many questions that apply were sent to the MSP (answer "I don't know", dated).
    pub fn asked_msp(&self) -> usize {
        let applies = self.applies();
        self.bank
            .questions
            .iter()
            .zip(&applies)
            .filter(|(q, a)| **a && self.is_asked(&q.id))
            .count()
    }

    fn is_asked(&self, id: &str) -> bool {
        self.answers
            .record(id)
            .is_some_and(|r| r.asked_msp.is_some() && r.answer == Some(Answer::Unknown))
    }

    fn walk(
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
                // Esc leaves the name blank (it can be written in the file later); it never
                // stops the interview.
                if let Some(value) = prompter.text(prompt, None)? {
                    // A name is one line, even when pasted from several.
                    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !value.is_empty() {
                        *self.field_mut(field) = Some(value);
                        sink.save(&self.answers)?;
                    }
                }
            }
        }

        let resumed = self.answers.answers.iter().any(|r| r.answer.is_some());
        // Sending the MSP's questions to the MSP: asked once; a file that already has some
        // keeps the choice.
        self.send_to_msp = self.answers.answers.iter().any(|r| r.asked_msp.is_some());
        if !self.send_to_msp {
            let open = self.open_msp_questions();
            if !open.is_empty() {
                let (_, total) = self.progress();
                let own = total.saturating_sub(open.len() + self.asked_msp());
                let prompt = format!(
                    "{} of the {total} questions are about what your MSP does, and only your MSP can answer them. \
                     Send them to your MSP? They are then marked \"asked your MSP\" (scored as \"I don't know\" \
                     until the MSP replies), and the interview ends by writing the letter to send.",
                    open.len()
                );
                let options = vec![
                    format!("Yes: send them to my MSP; I answer my {own} questions"),
                    format!("No: I go through all {total} questions myself"),
                ];
                match prompter.choose(&prompt, &options, 0)? {
                    Some(0) => {
                        self.send_to_msp = true;
                        if self.mark_msp_questions() {
                            sink.save(&self.answers)?;
                        }
                    }
                    Some(_) => {}
                    None => return Ok(Outcome::Cancelled),
                }
            }
        }

        let mut cursor = self.next_open(None);
        // While revisiting: the questions still to see, in order.
        let mut revisit: Option<Vec<usize>> = None;
        // Where to carry on once the revisit list is done (after a resume, "skipped first").
        let mut then: Option<usize> = None;
        if resumed {
            if let Some((stop, skipped)) = self.stopped_at() {
                let q = &self.bank.questions[stop];
                let options = vec![
                    format!(
                        "Continue where you stopped (question {}, {})",
                        self.number(stop),
                        q.id
                    ),
                    format!("The {} skipped question(s) first", skipped.len()),
                ];
                match prompter.choose("Where do you want to carry on?", &options, 0)? {
                    Some(0) => cursor = Some(stop),
                    Some(_) => {
                        cursor = skipped.first().copied();
                        revisit = Some(skipped);
                        then = Some(stop);
                    }
                    None => return Ok(Outcome::Cancelled),
                }
            }
        }
        let mut last_domain = None;
        loop {
            let Some(i) = cursor else {
                match self.review(prompter)? {
                    Review::Finish => return Ok(Outcome::Finished),
                    Review::Cancel => return Ok(Outcome::Cancelled),
                    Review::Revisit(list) => {
                        cursor = list.first().copied();
                        revisit = Some(list);
                        then = None;
                    }
                    Review::GoTo(target) => {
                        cursor = Some(target);
                        revisit = None;
                        then = None;
                    }
                }
                continue;
            };
            let q = &self.bank.questions[i];
            let domain = &self.bank.domains[q.domain];
            let intro = (last_domain != Some(q.domain) && !domain.description.is_empty())
                .then_some(domain.description.as_str());
            last_domain = Some(q.domain);
            let can_go_back = self.previous(i).is_some();
            let action = prompter.question(&self.screen(q, &domain.title, intro, can_go_back))?;
            match action {
                Action::Answer(word) => {
                    let Some(answer) = q.parse_answer(&word) else {
                        prompter.notice(&format!("`{word}` is not an answer to {}.", q.id))?;
                        continue;
                    };
                    self.set_answer(i, answer);
                    if self.send_to_msp {
                        // Follow-ups this answer opens that only the MSP can answer.
                        self.mark_msp_questions();
                    }
                    sink.save(&self.answers)?;
                    cursor = self.next(i, &mut revisit, &mut then);
                }
                Action::Skip => cursor = self.next(i, &mut revisit, &mut then),
                // The question before this one in the interview's order, also right after a
                // resume or a jump.
                Action::Back => match self.previous(i) {
                    Some(previous) => cursor = Some(previous),
                    None => prompter.notice("This is the first question.")?,
                },
                Action::Clear => {
                    let record = self.record_mut(i);
                    record.answer = None;
                    record.asked_msp = None;
                    record.drop_msp_answer();
                    sink.save(&self.answers)?;
                    prompter.notice(&format!("The answer to {} is cleared.", q.id))?;
                }
                Action::GoTo => {
                    if let Some(target) = self.go_to(prompter)? {
                        cursor = Some(target);
                        revisit = None;
                        then = None;
                    }
                }
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

    /// The questions that apply, have no answer, and only the MSP can answer.
    /// The open questions to send to the MSP. A question that allows "does not apply" stays
    /// with the owner: whether a law or a service applies to her business (HIPAA, card
    /// payments, Microsoft 365) is hers to say, not a question for the MSP.
    fn open_msp_questions(&self) -> Vec<usize> {
        let applies = self.applies();
        (0..self.bank.questions.len())
            .filter(|&i| {
                let q = &self.bank.questions[i];
                applies[i] && self.unanswered(i) && q.answered_by == AnsweredBy::Msp && !q.allow_na
            })
            .collect()
    }

    /// How many questions this session sent to the MSP.
    pub fn marked_now(&self) -> usize {
        self.marked_now
    }

    /// Marks every open MSP-only question as asked today; true when any was.
    fn mark_msp_questions(&mut self) -> bool {
        let open = self.open_msp_questions();
        self.marked_now += open.len();
        for &i in &open {
            let today = self.today;
            let record = self.record_mut(i);
            record.answer = Some(Answer::Unknown);
            record.asked_msp = Some(today);
        }
        !open.is_empty()
    }

    /// After a resume: where the person stopped (the first open question after the last one
    /// answered) and the open questions before it (skipped), when there are any.
    fn stopped_at(&self) -> Option<(usize, Vec<usize>)> {
        let applies = self.applies();
        // Questions sent to the MSP are marked all at once: they say nothing of where the
        // owner stopped.
        let last = (0..self.bank.questions.len()).rev().find(|&i| {
            applies[i] && !self.unanswered(i) && !self.is_asked(&self.bank.questions[i].id)
        })?;
        let stop = self.next_open(Some(last))?;
        let skipped: Vec<usize> = (0..stop)
            .filter(|&i| applies[i] && self.unanswered(i))
            .collect();
        (!skipped.is_empty()).then_some((stop, skipped))
    }

    /// 1-based position of question `i` among the questions that apply.
    fn number(&self, i: usize) -> usize {
        self.applies()[..i].iter().filter(|a| **a).count() + 1
    }

    /// "Go to...": a domain (its first open question, or its first question) or a question
    /// by id. `None` when the person cancels or names nothing that applies.
    fn go_to(&self, prompter: &mut dyn Prompter) -> Result<Option<usize>, InterviewError> {
        let applies = self.applies();
        let mut options = vec!["A question, by its id (like ACC-01)".to_string()];
        let mut targets = Vec::new();
        for d in &self.bank.domains {
            let here: Vec<usize> = d
                .questions
                .iter()
                .copied()
                .filter(|&i| applies[i])
                .collect();
            let Some(&first) = here.first() else {
                continue;
            };
            let open = here.iter().filter(|&&i| self.unanswered(i)).count();
            options.push(format!(
                "{} {} ({open} of {} open)",
                d.id,
                d.title,
                here.len()
            ));
            targets.push(
                here.into_iter()
                    .find(|&i| self.unanswered(i))
                    .unwrap_or(first),
            );
        }
        let Some(k) = prompter.choose("Go to", &options, 0)? else {
            return Ok(None);
        };
        if k > 0 {
            return Ok(targets.get(k - 1).copied());
        }
        let Some(text) = prompter.text("Question id (like ACC-01)", None)? else {
            return Ok(None);
        };
        let id = text.trim().to_uppercase();
        match self.bank.position(&id) {
            Some(i) if applies[i] => Ok(Some(i)),
            Some(_) => {
                prompter.notice(&format!(
                    "{id} does not apply with your answers so far (it follows another answer)."
                ))?;
                Ok(None)
            }
            None => {
                prompter.notice(&format!(
                    "There is no question {id}; question ids look like ACC-01."
                ))?;
                Ok(None)
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
        let number = self.number(position);
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
            asked_msp: self.is_asked(&q.id),
            from_msp: record.is_some_and(AnswerRecord::from_msp),
            can_go_back,
        }
    }

    /// The question that applies just before `i`, if any.
    fn previous(&self, i: usize) -> Option<usize> {
        let applies = self.applies();
        (0..i).rev().find(|&j| applies[j])
    }

    /// Where to go after question `i`: the next open question, or the next one to revisit;
    /// when the revisit list is done, the first open question from `then` on.
    fn next(
        &self,
        i: usize,
        revisit: &mut Option<Vec<usize>>,
        then: &mut Option<usize>,
    ) -> Option<usize> {
        if let Some(list) = revisit {
            list.retain(|&j| j > i);
            let applies = self.applies();
            list.retain(|&j| applies[j]);
            if let Some(&first) = list.first() {
                return Some(first);
            }
            *revisit = None;
            return match then.take() {
                Some(stop) => self.next_open(stop.checked_sub(1)),
                None => None,
            };
        }
        self.next_open(Some(i))
    }

    /// The end of the walk: what is still open, on one screen (counts and ids, not the
    /// questions), then revisit, go to, or finish.
    fn review(&mut self, prompter: &mut dyn Prompter) -> Result<Review, InterviewError> {
        let applies = self.applies();
        let mut unanswered = Vec::new();
        let mut unknown = Vec::new();
        for (i, q) in self.bank.questions.iter().enumerate() {
            if !applies[i] || self.is_asked(&q.id) {
                continue;
            }
            match self.answers.answer(&q.id) {
                None => unanswered.push(i),
                Some(Answer::Unknown) => unknown.push(i),
                Some(_) => {}
            }
        }
        let asked = self.asked_msp();
        if unanswered.is_empty() && unknown.is_empty() {
            return Ok(Review::Finish);
        }
        let mut text = String::from("You have been through every question.\n");
        for (list, title) in [
            (&unanswered, "Not answered yet"),
            (&unknown, "Answered \"I don't know\""),
        ] {
            if !list.is_empty() {
                text.push_str(&format!("\n{title} ({}): {}\n", list.len(), self.ids(list)));
            }
        }
        if asked > 0 {
            text.push_str(&format!(
                "\nSent to your MSP: {asked} (the letter is written when you finish).\n"
            ));
        }
        text.push_str("\n\"I don't know\" counts as a gap until someone checks; ask your MSP and come back any time.");
        prompter.message(&text)?;
        let options = vec![
            format!(
                "Revisit these {} questions now",
                unanswered.len() + unknown.len()
            ),
            "Go to a question or domain...".to_string(),
            "Finish and show the report".to_string(),
        ];
        Ok(match prompter.choose("What next?", &options, 2)? {
            Some(0) => {
                let mut list: Vec<usize> = unanswered.into_iter().chain(unknown).collect();
                list.sort_unstable();
                Review::Revisit(list)
            }
            Some(1) => match self.go_to(prompter)? {
                Some(target) => Review::GoTo(target),
                None => Review::Revisit(Vec::new()),
            },
            Some(_) => Review::Finish,
            None => Review::Cancel,
        })
    }

    /// Question ids for a short list: the first dozen, then how many more.
    fn ids(&self, list: &[usize]) -> String {
        const SHOWN: usize = 12;
        let mut out = list
            .iter()
            .take(SHOWN)
            .map(|&i| self.bank.questions[i].id.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        if list.len() > SHOWN {
            out.push_str(&format!(" and {} more", list.len() - SHOWN));
        }
        out
    }

    fn record_mut(&mut self, i: usize) -> &mut AnswerRecord {
        let id = self.bank.questions[i].id.clone();
        let pos = match self.answers.answers.iter().position(|r| r.question == id) {
            Some(p) => p,
            None => {
                self.answers.answers.push(AnswerRecord {
                    question: id,
                    answer: None,
                    ..AnswerRecord::default()
                });
                self.answers.answers.len() - 1
            }
        };
        &mut self.answers.answers[pos]
    }

    fn set_answer(&mut self, i: usize, answer: Answer) {
        let record = self.record_mut(i);
        // A changed answer is the owner's own: what the MSP replied stays as history only.
        if record.answer.as_ref() != Some(&answer) {
            record.drop_msp_answer();
        }
        record.answer = Some(answer);
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
    GoTo(usize),
}

#[cfg(test)]
mod tests;
