//! Where answers go the moment they are given.

use crate::answers::{self, AnswerRecord, AnswersFile};
use crate::bank::{Answer, Bank};
use crate::diagnostic::WriteError;
use crate::fsio;

/// Receives the whole answers file after every change.
pub trait AnswerSink {
    /// Stores `answers` durably before returning.
    fn save(&mut self, answers: &AnswersFile) -> Result<(), WriteError>;
}

/// Saves to a file: each save edits the file's text in place (keeping comments and layout)
/// and replaces the file atomically (temporary file, fsync, rename), owner-only. When the
/// layout cannot be edited in place, the whole file is rewritten from the answers. Saves go
/// through the file's lock, so no other interview can take the file between two saves.
pub struct FileSink<'b> {
    file: fsio::FileLock,
    text: String,
    bank: &'b Bank,
}

impl<'b> FileSink<'b> {
    /// A sink for the file held by `file`, whose current content is `text`.
    pub fn new(file: fsio::FileLock, text: String, bank: &'b Bank) -> Self {
        FileSink { file, text, bank }
    }

    /// Whether saving keeps the file's comments and layout, tried on a sample change of
    /// `answers`. When false, the caller should warn the person (and keep a copy) before the
    /// first save.
    pub fn keeps_layout(&self, answers: &AnswersFile) -> bool {
        let mut sample = answers.clone();
        let unanswered = self
            .bank
            .questions
            .iter()
            .find(|q| sample.record(&q.id).is_none());
        match unanswered {
            Some(q) => sample.answers.push(AnswerRecord {
                question: q.id.clone(),
                answer: Some(Answer::Unknown),
                ..AnswerRecord::default()
            }),
            None => {
                if let Some(r) = sample.answers.first_mut() {
                    r.note = Some(format!("{} (sample)", r.note.clone().unwrap_or_default()));
                }
            }
        }
        answers::update_text(&self.text, &self.name(), self.bank, &sample).is_some()
    }

    fn name(&self) -> String {
        self.file.path().display().to_string()
    }
}

impl AnswerSink for FileSink<'_> {
    fn save(&mut self, answers: &AnswersFile) -> Result<(), WriteError> {
        let text = answers::update_text(&self.text, &self.name(), self.bank, answers)
            .unwrap_or_else(|| answers::to_yaml(answers, self.bank));
        self.file.replace(text.as_bytes())?;
        self.text = text;
        Ok(())
    }
}

/// Keeps every saved version in memory, for tests.
#[derive(Debug, Default)]
pub struct MemorySink {
    /// Every version saved, oldest first.
    pub saved: Vec<AnswersFile>,
}

impl AnswerSink for MemorySink {
    fn save(&mut self, answers: &AnswersFile) -> Result<(), WriteError> {
        self.saved.push(answers.clone());
        Ok(())
    }
}
