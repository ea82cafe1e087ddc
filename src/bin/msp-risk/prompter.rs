//! The interview in a real terminal: dialoguer prompts on standard error, one question per
//! screen, every text from the bank sanitised and wrapped to the terminal's width.

use std::io::{self, Write};

use console::{style, Key, Term};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::Select;
use msp_risk::interview::{Action, Prompter, QuestionScreen};
use msp_risk::sanitize::{terminal_line, terminal_text, wrap};

/// Asks through dialoguer.
pub struct DialoguerPrompter {
    term: Term,
    theme: Box<dyn Theme>,
    ascii: bool,
    /// A remark to show on the next question screen.
    notice: Option<String>,
}

/// The extra entries under the answers, in menu order.
#[derive(Clone, Copy, PartialEq)]
enum Extra {
    Why,
    Note,
    Skip,
    Back,
    Quit,
}

impl DialoguerPrompter {
    /// A prompter on standard error; `ascii` avoids Unicode, `color` allows colour.
    pub fn new(ascii: bool, color: bool) -> Self {
        console::set_colors_enabled_stderr(color);
        let theme: Box<dyn Theme> = if ascii || !color {
            Box::new(SimpleTheme)
        } else {
            Box::new(ColorfulTheme::default())
        };
        DialoguerPrompter {
            term: Term::stderr(),
            theme,
            ascii,
            notice: None,
        }
    }

    fn size(&self) -> (usize, usize) {
        let (rows, cols) = self.term.size();
        (usize::from(rows).max(10), usize::from(cols).clamp(30, 100))
    }

    /// Prints text wrapped to the terminal; list items ("- ...") wrap under their text.
    fn print_wrapped(&self, text: &str, indent: &str, lines: &mut usize) -> io::Result<()> {
        let (_, cols) = self.size();
        for paragraph in terminal_text(text).split('\n') {
            let hang = if paragraph.starts_with("- ") {
                "  "
            } else {
                ""
            };
            let width = cols.saturating_sub(indent.len() + hang.len() + 1);
            for (n, line) in wrap(paragraph, width).iter().enumerate() {
                let extra = if n > 0 { hang } else { "" };
                writeln!(&self.term, "{indent}{extra}{line}")?;
                *lines += 1;
            }
        }
        Ok(())
    }

    fn extra_label(&self, extra: Extra, s: &QuestionScreen<'_>, showing_why: bool) -> String {
        let (why, note, skip, back, quit) = if self.ascii {
            ("?", "+", "-", "<", "x")
        } else {
            ("?", "✎", "→", "←", "✕")
        };
        match extra {
            Extra::Why if showing_why => format!("{why} Hide the explanation"),
            Extra::Why => format!("{why} Why does this matter?"),
            Extra::Note if s.note.is_some() => format!("{note} Change or remove the note"),
            Extra::Note => format!("{note} Add a note"),
            Extra::Skip => format!("{skip} Skip for now"),
            Extra::Back => format!("{back} Back to the previous question"),
            Extra::Quit => format!("{quit} Save and quit (carry on later)"),
        }
    }
}

impl Prompter for DialoguerPrompter {
    fn question(&mut self, s: &QuestionScreen<'_>) -> io::Result<Action> {
        let mut showing_why = false;
        let mut cursor = s
            .current
            .as_ref()
            .and_then(|c| s.choices.iter().position(|(id, _)| id == c))
            .unwrap_or(0);
        loop {
            self.term.clear_screen()?;
            let mut used = 0;
            let header = format!(
                "Question {} of {} - {}",
                s.number,
                s.total,
                terminal_line(s.domain_title)
            );
            writeln!(&self.term, "{}", style(header).bold())?;
            writeln!(
                &self.term,
                "{}",
                style("Arrows and Enter to choose; Esc saves and stops.").dim()
            )?;
            used += 2;
            if let Some(notice) = &self.notice {
                writeln!(&self.term, "{}", style(terminal_line(notice)).yellow())?;
                used += 1;
            }
            if let Some(intro) = s.domain_intro {
                self.print_wrapped(intro, "", &mut used)?;
            }
            writeln!(&self.term)?;
            used += 1;
            self.print_wrapped(
                &format!("{}  ({})", s.question.text, s.question.id),
                "",
                &mut used,
            )?;
            if let Some(how) = &s.question.how_to_find_out {
                self.print_wrapped(&format!("How to find out: {how}"), "  ", &mut used)?;
            }
            if let Some(note) = s.note {
                self.print_wrapped(&format!("Your note: {note}"), "  ", &mut used)?;
            }
            if showing_why {
                writeln!(&self.term)?;
                used += 1;
                self.print_wrapped("Why this matters:", "", &mut used)?;
                self.print_wrapped(&s.question.why, "  ", &mut used)?;
            }
            writeln!(&self.term)?;
            used += 1;

            let mut extras = vec![Extra::Why, Extra::Note, Extra::Skip];
            if s.can_go_back {
                extras.push(Extra::Back);
            }
            extras.push(Extra::Quit);
            let mut items: Vec<String> = s
                .choices
                .iter()
                .map(|(_, label)| terminal_line(label).into_owned())
                .collect();
            items.extend(extras.iter().map(|e| self.extra_label(*e, s, showing_why)));
            // Keep the prompt on screen: page the list when the terminal is short.
            let (rows, _) = self.size();
            let room = rows.saturating_sub(used + 2).max(3);
            let picked = Select::with_theme(self.theme.as_ref())
                .with_prompt("Your answer")
                .items(&items)
                .default(cursor.min(items.len() - 1))
                .max_length(room)
                .interact_on_opt(&self.term)
                .map_err(io::Error::from);
            // Ctrl-C while a prompt reads keys comes back as "interrupted": treat it as Esc.
            let picked = cancel_on_interrupt(picked)?;
            self.notice = None;
            let Some(k) = picked else {
                return Ok(Action::Cancel);
            };
            if let Some((id, _)) = s.choices.get(k) {
                return Ok(Action::Answer(id.clone()));
            }
            cursor = k;
            match extras[k - s.choices.len()] {
                Extra::Why => showing_why = !showing_why,
                Extra::Note => return Ok(Action::Note),
                Extra::Skip => return Ok(Action::Skip),
                Extra::Back => return Ok(Action::Back),
                Extra::Quit => return Ok(Action::Quit),
            }
        }
    }

    /// A one-line editor (dialoguer's has no way to cancel): Enter accepts, Esc cancels,
    /// Backspace deletes; long text scrolls so the line never wraps.
    fn text(&mut self, prompt: &str, initial: Option<&str>) -> io::Result<Option<String>> {
        writeln!(
            &self.term,
            "{}",
            style("Type, then press Enter. Esc cancels; Ctrl-C stops (answers are saved).").dim()
        )?;
        let prompt = terminal_line(prompt).into_owned();
        let mut text: Vec<char> = terminal_line(initial.unwrap_or("")).chars().collect();
        loop {
            let (_, cols) = self.term.size();
            let room = usize::from(cols)
                .saturating_sub(prompt.chars().count() + 4)
                .max(10);
            let shown: String = text.iter().skip(text.len().saturating_sub(room)).collect();
            self.term.clear_line()?;
            write!(&self.term, "{}: {shown}", style(&prompt).bold())?;
            self.term.flush()?;
            match cancel_on_interrupt(self.term.read_key().map(Some))? {
                Some(Key::Enter) => {
                    writeln!(&self.term)?;
                    return Ok(Some(text.into_iter().collect()));
                }
                Some(Key::Escape) | None => {
                    writeln!(&self.term)?;
                    return Ok(None);
                }
                Some(Key::Backspace) => {
                    text.pop();
                }
                Some(Key::Char(c)) if !c.is_control() => text.push(c),
                Some(_) => {}
            }
        }
    }

    fn choose(
        &mut self,
        prompt: &str,
        options: &[String],
        default: usize,
    ) -> io::Result<Option<usize>> {
        let options: Vec<String> = options
            .iter()
            .map(|o| terminal_line(o).into_owned())
            .collect();
        cancel_on_interrupt(
            Select::with_theme(self.theme.as_ref())
                .with_prompt(terminal_line(prompt))
                .items(&options)
                .default(default)
                .interact_on_opt(&self.term)
                .map_err(io::Error::from),
        )
    }

    fn notice(&mut self, text: &str) -> io::Result<()> {
        self.notice = Some(text.to_string());
        Ok(())
    }

    fn message(&mut self, text: &str) -> io::Result<()> {
        let mut lines = 0;
        self.term.clear_screen()?;
        self.print_wrapped(text, "", &mut lines)?;
        Ok(())
    }
}

impl DialoguerPrompter {
    /// Shows `text` and waits for Enter. Returns false when the person pressed Esc or Ctrl-C.
    pub fn pause(&mut self, text: &str) -> io::Result<bool> {
        self.message(text)?;
        writeln!(&self.term)?;
        write!(
            &self.term,
            "{}",
            style("Press Enter to continue (Esc to stop).").dim()
        )?;
        loop {
            match cancel_on_interrupt(self.term.read_key().map(Some))? {
                Some(Key::Enter) => break,
                Some(Key::Escape) | None => return Ok(false),
                Some(_) => {}
            }
        }
        self.term.clear_screen()?;
        Ok(true)
    }
}

/// Turns the "interrupted" error a prompt returns after Ctrl-C into a cancellation (`None`).
fn cancel_on_interrupt<T>(result: io::Result<Option<T>>) -> io::Result<Option<T>> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(None),
        other => other,
    }
}
