//! A YAML document as a tree of positioned values, and helpers to read it strictly.
//!
//! Reading goes through [`Fields`], which records which keys were used; whatever is left
//! at the end is an unknown key. Every problem becomes a [`Diagnostic`] in a [`Ctx`] and
//! reading goes on, so one run reports every problem in a file.

use crate::diagnostic::{Diagnostic, Pos};
use crate::sanitize::ellipsize;

/// A value and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub pos: Pos,
    pub value: Value,
}

/// A YAML value. Numbers keep the text the parser gave them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Number(String),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

/// A map key and where it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Key {
    pub text: String,
    pub pos: Pos,
}

/// Collects the problems found while reading one file.
pub(crate) struct Ctx<'f> {
    pub file: &'f str,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'f> Ctx<'f> {
    pub fn new(file: &'f str) -> Self {
        Ctx {
            file,
            diagnostics: Vec::new(),
        }
    }

    pub fn error(&mut self, pos: Pos, code: &'static str, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::new(self.file, pos, code, message));
    }

    /// The diagnostics in file order (stable for equal positions).
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.diagnostics.sort_by_key(|d| (d.line, d.column));
        self.diagnostics
    }
}

impl Value {
    /// How the value is described to a person in a "found X" message.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "nothing",
            Value::Bool(_) => "true/false",
            Value::Number(_) => "a number",
            Value::Str(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a map",
        }
    }
}

impl Node {
    /// This node as a map of fields. `what` names the thing in messages ("question GOV-01").
    /// An empty value (`key:` with nothing after it) counts as an empty map.
    pub fn fields<'a>(&'a self, ctx: &mut Ctx, what: &str) -> Option<Fields<'a>> {
        self.map(ctx, what)
            .map(|entries| Fields::new(entries, self.pos, what))
    }

    /// This node as a map of arbitrary keys (ids, not field names); an empty value counts as
    /// an empty map.
    pub fn map<'a>(&'a self, ctx: &mut Ctx, what: &str) -> Option<&'a [(Key, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            Value::Null => Some(&[]),
            other => {
                ctx.error(
                    self.pos,
                    "wrong-type",
                    format!(
                        "{what} should be a map of `key: value` lines, but is {}",
                        other.kind_name()
                    ),
                );
                None
            }
        }
    }

    /// This node as a list; an empty value counts as an empty list.
    pub fn list<'a>(&'a self, ctx: &mut Ctx, what: &str) -> Option<&'a [Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            Value::Null => Some(&[]),
            other => {
                ctx.error(
                    self.pos,
                    "wrong-type",
                    format!(
                        "{what} should be a list (lines starting with `- `), but is {}",
                        other.kind_name()
                    ),
                );
                None
            }
        }
    }

    /// This node as text. Numbers are accepted as their text; `true`/`false`, lists and maps
    /// are not. Empty text and empty values give `None` without a problem.
    pub fn text_opt(&self, ctx: &mut Ctx, what: &str) -> Option<String> {
        match &self.value {
            Value::Str(s) if s.trim().is_empty() => None,
            Value::Str(s) => Some(s.clone()),
            Value::Number(n) => Some(n.clone()),
            Value::Null => None,
            other => {
                ctx.error(
                    self.pos,
                    "wrong-type",
                    format!(
                        "{what} should be text, but is {}; put it in quotes",
                        other.kind_name()
                    ),
                );
                None
            }
        }
    }
}

/// The fields of one map, read one by one; see [`Fields::finish`] for unknown keys.
pub(crate) struct Fields<'a> {
    entries: &'a [(Key, Node)],
    taken: Vec<bool>,
    pub pos: Pos,
    what: String,
}

impl<'a> Fields<'a> {
    fn new(entries: &'a [(Key, Node)], pos: Pos, what: &str) -> Self {
        Fields {
            entries,
            taken: vec![false; entries.len()],
            pos,
            what: what.to_string(),
        }
    }

    /// The value of `name`, if present.
    pub fn get(&mut self, name: &str) -> Option<&'a Node> {
        let i = self.entries.iter().position(|(k, _)| k.text == name)?;
        self.taken[i] = true;
        Some(&self.entries[i].1)
    }

    /// The value of `name`; a missing key is a problem.
    pub fn require(&mut self, ctx: &mut Ctx, name: &str) -> Option<&'a Node> {
        let node = self.get(name);
        if node.is_none() {
            ctx.error(
                self.pos,
                "missing-field",
                format!("{} is missing `{name}:`; add it", self.what),
            );
        }
        node
    }

    /// Required, non-empty text.
    pub fn text(&mut self, ctx: &mut Ctx, name: &str) -> Option<String> {
        let node = self.require(ctx, name)?;
        let what = format!("`{name}` of {}", self.what);
        let text = node.text_opt(ctx, &what);
        if text.is_none() && matches!(node.value, Value::Null | Value::Str(_)) {
            ctx.error(
                node.pos,
                "empty-field",
                format!("{what} is empty; write a value"),
            );
        }
        text
    }

    /// Optional text: absent, empty and `null` are all `None`.
    pub fn text_opt(&mut self, ctx: &mut Ctx, name: &str) -> Option<String> {
        let node = self.get(name)?;
        node.text_opt(ctx, &format!("`{name}` of {}", self.what))
    }

    /// Optional true/false, `false` when absent.
    pub fn flag(&mut self, ctx: &mut Ctx, name: &str) -> bool {
        match self.get(name).map(|n| (&n.value, n.pos)) {
            None | Some((Value::Null, _)) => false,
            Some((Value::Bool(b), _)) => *b,
            Some((other, pos)) => {
                ctx.error(
                    pos,
                    "wrong-type",
                    format!(
                        "`{name}` of {} should be true or false, but is {}",
                        self.what,
                        other.kind_name()
                    ),
                );
                false
            }
        }
    }

    /// Reports every key that was not read, naming the keys that are allowed.
    pub fn finish(self, ctx: &mut Ctx, allowed: &[&str]) {
        for ((key, _), taken) in self.entries.iter().zip(&self.taken) {
            if !taken {
                let hint = allowed
                    .iter()
                    .map(|a| (edit_distance(a, &key.text), a))
                    .filter(|(d, _)| *d <= 2 && *d < key.text.chars().count())
                    .min_by_key(|(d, _)| *d)
                    .map_or(String::new(), |(_, a)| format!(" (did you mean `{a}`?)"));
                ctx.error(
                    key.pos,
                    "unknown-field",
                    format!(
                        "unknown key `{}` in {}{hint}; allowed keys: {}",
                        ellipsize(&key.text, 40),
                        self.what,
                        allowed.join(", ")
                    ),
                );
            }
        }
    }
}

impl<'a> Fields<'a> {
    /// The same fields, named differently in later messages (once the id is known).
    pub fn renamed(mut self, what: &str) -> Self {
        self.what = what.to_string();
        self
    }
}

/// Levenshtein distance, for "did you mean" hints on short keys.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().take(64).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().take(64).enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn edit_distance_counts_single_changes() {
        assert_eq!(edit_distance("organization", "organisation"), 1);
        assert_eq!(edit_distance("answer", "answr"), 1);
        assert_eq!(edit_distance("bank", "answers"), 6);
    }
}
