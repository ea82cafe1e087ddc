//! Changing an answers file's text in place, so that comments, blank lines, key order and
//! hand-written content survive every save of the interview.
//!
//! Each change touches only the lines of the entry it changes. After editing, the new text is
//! read back and compared with the intended answers; if anything differs (an unusual layout,
//! flow-style maps, block scalars), [`update_text`] returns `None` and the caller writes the
//! whole file instead (telling the user first).

use super::write::entry_lines;
use super::{load, AnswerRecord, AnswersFile};
use crate::bank::Bank;
use crate::tree::{Node, Value};
use crate::yaml;

/// The text of `file` (currently `text`) changed so that it holds exactly `target`, or `None`
/// when that cannot be done by editing lines (the caller then rewrites the file).
pub fn update_text(text: &str, file: &str, bank: &Bank, target: &AnswersFile) -> Option<String> {
    let mut text = text.to_string();
    let current = load(text.as_bytes(), file, bank).ok()?;
    if !same_risks(&current, target) || current.bank_reference() != target.bank_reference() {
        return None;
    }
    for (key, now, wanted) in [
        (
            "organization",
            current.organization.clone(),
            target.organization.clone(),
        ),
        ("msp", current.msp.clone(), target.msp.clone()),
        (
            "assessed_by",
            current.assessed_by.clone(),
            target.assessed_by.clone(),
        ),
        (
            "assessed_on",
            current.assessed_on.map(|d| d.to_string()),
            target.assessed_on.map(|d| d.to_string()),
        ),
    ] {
        if now != wanted {
            // Dates are written bare (`2026-11-23`), like the rest of the file's dates.
            let value = wanted?;
            let written = if key == "assessed_on" {
                value
            } else {
                yaml::scalar(&value)
            };
            text = set_top_level(&text, file, key, &written)?;
        }
    }
    for q in &bank.questions {
        let now = current.record(&q.id);
        let wanted = target.record(&q.id);
        if !same_record(now, wanted) {
            text = set_entry(&text, file, bank, &q.id, wanted)?;
        }
    }
    let check = load(text.as_bytes(), file, bank).ok()?;
    same_content(&check, target).then_some(text)
}

/// Records equal in content; an entry with nothing in it (`GOV-01:`) counts as no entry.
fn same_record(a: Option<&AnswerRecord>, b: Option<&AnswerRecord>) -> bool {
    match (a.filter(|r| !r.is_empty()), b.filter(|r| !r.is_empty())) {
        (None, None) => true,
        (Some(a), Some(b)) => a.same_content(b),
        _ => false,
    }
}

fn same_content(a: &AnswersFile, b: &AnswersFile) -> bool {
    a.bank_reference() == b.bank_reference()
        && a.organization == b.organization
        && a.msp == b.msp
        && a.assessed_by == b.assessed_by
        && a.assessed_on == b.assessed_on
        && same_risks(a, b)
        && a.answers
            .iter()
            .all(|r| same_record(Some(r), b.record(&r.question)))
        && b.answers
            .iter()
            .all(|r| same_record(a.record(&r.question), Some(r)))
}

/// Accepted risks equal but for where they are in the file.
fn same_risks(a: &AnswersFile, b: &AnswersFile) -> bool {
    a.accepted_risks.len() == b.accepted_risks.len()
        && a.accepted_risks
            .iter()
            .zip(&b.accepted_risks)
            .all(|(x, y)| {
                x.question == y.question
                    && x.justification == y.justification
                    && x.approved_by == y.approved_by
                    && x.expires == y.expires
            })
}

/// The file as lines, each keeping its own line end.
struct Lines {
    lines: Vec<String>,
    newline: &'static str,
}

impl Lines {
    fn new(text: &str) -> Lines {
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let mut lines: Vec<String> = text.split_inclusive('\n').map(String::from).collect();
        if let Some(last) = lines.last_mut() {
            if !last.ends_with('\n') {
                last.push_str(newline);
            }
        }
        Lines { lines, newline }
    }

    fn line(&self, number: u64) -> Option<&str> {
        let i = usize::try_from(number).ok()?.checked_sub(1)?;
        self.lines.get(i).map(|l| l.trim_end_matches(['\n', '\r']))
    }

    /// Replaces lines `first..=last` (1-based) with `new` (without line ends).
    fn splice(&mut self, first: u64, last: u64, new: &[String]) -> Option<()> {
        let start = usize::try_from(first).ok()?.checked_sub(1)?;
        let end = usize::try_from(last).ok()?;
        if start > end || end > self.lines.len() {
            return None;
        }
        let new: Vec<String> = new.iter().map(|l| format!("{l}{}", self.newline)).collect();
        self.lines.splice(start..end, new);
        Some(())
    }

    fn text(&self) -> String {
        self.lines.concat()
    }
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The last line of the entry whose key is at `line` and `column`: following lines that are
/// indented deeper than the key belong to it; blank lines only when more of it follows.
fn entry_end(lines: &Lines, line: u64, column: u64) -> u64 {
    let key_indent = usize::try_from(column).unwrap_or(1).saturating_sub(1);
    let mut end = line;
    let mut n = line + 1;
    while let Some(l) = lines.line(n) {
        if l.trim().is_empty() {
            n += 1;
            continue;
        }
        if indentation(l) > key_indent {
            end = n;
            n += 1;
        } else {
            break;
        }
    }
    end
}

fn root_entries(text: &str, file: &str) -> Option<Vec<(crate::tree::Key, Node)>> {
    match yaml::parse(text.as_bytes(), file).ok()?.value {
        Value::Map(entries) => Some(entries),
        _ => None,
    }
}

/// Sets a top-level field (`organization: ...`) to `new_value` (already written as YAML),
/// keeping a comment on its line.
fn set_top_level(text: &str, file: &str, key: &str, new_value: &str) -> Option<String> {
    let entries = root_entries(text, file)?;
    let mut lines = Lines::new(text);
    match entries.iter().find(|(k, _)| k.text == key) {
        Some((k, node)) => {
            let line = lines.line(k.pos.line)?.to_string();
            let prefix = format!("{key}:");
            if k.pos.column != 1 || !line.starts_with(&prefix) {
                return None;
            }
            let rest = &line[prefix.len()..];
            let has_value = !matches!(node.value, Value::Null);
            if has_value && node.pos.line != k.pos.line {
                return None; // a value on the following lines: leave it to a full rewrite
            }
            let comment = match rest.trim_start() {
                r if r.starts_with('#') => Some(r),
                r if !r.starts_with(['"', '\'']) => r.find(" #").map(|i| r[i..].trim_start()),
                _ => None,
            };
            let new_line = match comment {
                Some(c) => format!("{prefix} {new_value}  {c}"),
                None => format!("{prefix} {new_value}"),
            };
            lines.splice(k.pos.line, k.pos.line, &[new_line])?;
        }
        None => {
            // After `bank:` (always present in a valid file).
            let (bank_key, _) = entries.iter().find(|(k, _)| k.text == "bank")?;
            let end = entry_end(&lines, bank_key.pos.line, 1);
            let bank_line = lines.line(end)?.to_string();
            lines.splice(end, end, &[bank_line, format!("{key}: {new_value}")])?;
        }
    }
    Some(lines.text())
}

/// Sets, replaces or removes the entry for question `id` under `answers:`.
fn set_entry(
    text: &str,
    file: &str,
    bank: &Bank,
    id: &str,
    record: Option<&AnswerRecord>,
) -> Option<String> {
    let entries = root_entries(text, file)?;
    let mut lines = Lines::new(text);
    let answers = entries.iter().find(|(k, _)| k.text == "answers");
    let Some((answers_key, answers_node)) = answers else {
        // No `answers:` yet: add it at the end.
        let record = record?;
        let mut new = lines.text();
        new.push_str(&format!("answers:{}", lines.newline));
        for l in entry_lines(record, 2) {
            new.push_str(&format!("{l}{}", lines.newline));
        }
        return Some(new);
    };
    if answers_key.pos.column != 1 {
        return None;
    }
    let existing: &[(crate::tree::Key, Node)] = match &answers_node.value {
        Value::Map(e) => e,
        Value::Null => &[],
        _ => return None,
    };
    // A flow map (`answers: {GOV-01: yes}`) cannot be edited line by line.
    if existing
        .iter()
        .any(|(k, _)| k.pos.line == answers_key.pos.line)
    {
        return None;
    }
    let indent = existing.first().map_or(2, |(k, _)| {
        usize::try_from(k.pos.column).unwrap_or(3).saturating_sub(1)
    });
    if let Some((key, _)) = existing.iter().find(|(k, _)| k.text == id) {
        let end = entry_end(&lines, key.pos.line, key.pos.column);
        let new = match record {
            Some(r) => {
                let old: Vec<&str> = (key.pos.line..=end)
                    .map(|n| lines.line(n))
                    .collect::<Option<_>>()?;
                keep_comments(&old, entry_lines(r, indent))
            }
            None => Vec::new(),
        };
        lines.splice(key.pos.line, end, &new)?;
        return Some(lines.text());
    }
    let record = record?;
    // Insert after the closest earlier question (in bank order) that the file has, or first.
    let position = bank.position(id)?;
    let before = existing
        .iter()
        .filter(|(k, _)| bank.position(&k.text).is_some_and(|p| p < position))
        .max_by_key(|(k, _)| bank.position(&k.text));
    let after_line = match before {
        Some((k, _)) => entry_end(&lines, k.pos.line, k.pos.column),
        None => answers_key.pos.line,
    };
    let mut new = vec![lines.line(after_line)?.to_string()];
    new.extend(entry_lines(record, indent));
    lines.splice(after_line, after_line, &new)?;
    Some(lines.text())
}

/// The comment at the end of a `key: value  # comment` line, if any (a quoted value is
/// left alone: its `#` may be part of the text).
fn trailing_comment(line: &str) -> Option<&str> {
    let (_, value) = line.split_once(':')?;
    let value = value.trim_start();
    if value.starts_with('#') {
        Some(value)
    } else if value.starts_with(['"', '\'']) {
        None
    } else {
        value.find(" #").map(|i| value[i..].trim_start())
    }
}

/// The new lines of an entry with the comments of the old one kept: the comment on the key's
/// line stays on the key's line, whole comment lines follow it, and a comment at the end of
/// a field's line (`answer: msp  # asked Bob`) stays on that field's new line. Blank lines
/// inside the entry are dropped.
fn keep_comments(old: &[&str], mut new: Vec<String>) -> Vec<String> {
    let Some((first, rest)) = old.split_first() else {
        return new;
    };
    if new.is_empty() {
        return new;
    }
    if let Some(c) = trailing_comment(first) {
        new[0] = format!("{}  {c}", new[0]);
    }
    let mut standalone = Vec::new();
    let mut on_field: Vec<(String, String)> = Vec::new();
    for line in rest {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            standalone.push(line.to_string());
        } else if let (Some((field, _)), Some(c)) =
            (trimmed.split_once(':'), trailing_comment(line))
        {
            on_field.push((field.trim().to_string(), c.to_string()));
        }
    }
    for line in new.iter_mut().skip(1) {
        let field = line
            .trim_start()
            .split_once(':')
            .map(|(f, _)| f.trim().to_string());
        if let Some(i) = on_field.iter().position(|(f, _)| Some(f) == field.as_ref()) {
            let (_, c) = on_field.remove(i);
            *line = format!("{line}  {c}");
        }
    }
    // A comment whose field is gone is kept as a line of its own.
    let pad = first.len() - first.trim_start().len() + 2;
    standalone.extend(
        on_field
            .into_iter()
            .map(|(_, c)| format!("{}{c}", " ".repeat(pad))),
    );
    new.splice(1..1, standalone);
    new
}

#[cfg(test)]
mod tests;
