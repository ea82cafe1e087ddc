//! A prompter that replays a script, for tests of the interview without a terminal.

use std::collections::VecDeque;
use std::io;

use super::prompter::{Action, Prompter, QuestionScreen};

/// One scripted reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// The action for the next question screen.
    Act(Action),
    /// The text for the next text prompt (`None`: cancel).
    Text(Option<String>),
    /// The index for the next choice prompt (`None`: cancel).
    Choose(Option<usize>),
}

/// Replays [`Reply`]s in order and records what was shown. Running out of replies, or a reply
/// of the wrong kind, is an error, so a test fails instead of looping.
#[derive(Debug, Default)]
pub struct ScriptedPrompter {
    replies: VecDeque<Reply>,
    /// "Question N of M: ID" for each question screen shown, in order.
    pub shown: Vec<String>,
    /// Each text and choice prompt shown.
    pub prompts: Vec<String>,
    /// Each message shown.
    pub messages: Vec<String>,
}

impl ScriptedPrompter {
    /// A prompter that will reply with `replies`, in order.
    pub fn new(replies: impl IntoIterator<Item = Reply>) -> Self {
        ScriptedPrompter {
            replies: replies.into_iter().collect(),
            ..Default::default()
        }
    }

    /// The question ids shown, in order.
    pub fn questions_shown(&self) -> Vec<&str> {
        self.shown
            .iter()
            .filter_map(|s| s.rsplit(": ").next())
            .collect()
    }

    fn next(&mut self, what: &str) -> io::Result<Reply> {
        self.replies
            .pop_front()
            .ok_or_else(|| io::Error::other(format!("script ran out of replies at {what}")))
    }
}

fn wrong(what: &str, got: &Reply) -> io::Error {
    io::Error::other(format!("script expected a reply for {what}, found {got:?}"))
}

impl Prompter for ScriptedPrompter {
    fn question(&mut self, screen: &QuestionScreen<'_>) -> io::Result<Action> {
        let label = format!(
            "Question {} of {}: {}",
            screen.number, screen.total, screen.question.id
        );
        self.shown.push(label.clone());
        match self.next(&label)? {
            Reply::Act(a) => Ok(a),
            other => Err(wrong(&label, &other)),
        }
    }

    fn text(&mut self, prompt: &str, _initial: Option<&str>) -> io::Result<Option<String>> {
        self.prompts.push(prompt.to_string());
        match self.next(prompt)? {
            Reply::Text(t) => Ok(t),
            other => Err(wrong(prompt, &other)),
        }
    }

    fn choose(
        &mut self,
        prompt: &str,
        _options: &[String],
        _default: usize,
    ) -> io::Result<Option<usize>> {
        self.prompts.push(prompt.to_string());
        match self.next(prompt)? {
            Reply::Choose(c) => Ok(c),
            other => Err(wrong(prompt, &other)),
        }
    }

    fn message(&mut self, text: &str) -> io::Result<()> {
        self.messages.push(text.to_string());
        Ok(())
    }
}
