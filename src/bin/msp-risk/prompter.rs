//! The interview in a real terminal: dialoguer menus and rustyline text input on the terminal,
//! one question per screen, every text from the bank sanitised and wrapped to the terminal's
//! width by display width at word boundaries. Every screen fits the terminal (80x24 and 60x20
//! are tested): text that would push the header off the top is shortened, menus page.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use console::{style, Key, Term};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::Select;
use msp_risk::interview::{Action, Prompter, QuestionScreen};
use msp_risk::sanitize::{terminal_line, terminal_text, wrap};
use rustyline::{
    Cmd, ConditionalEventHandler, Event, EventContext, EventHandler, KeyCode, KeyEvent, Modifiers,
    RepeatCount,
};
use unicode_width::UnicodeWidthStr;

/// The hint under a text prompt. Esc cancels only the edit.
pub const TEXT_HINT: &str =
    "Enter keeps it; Esc cancels this edit. Pasted text is kept whole, line breaks included.";

/// The hint under a question's header.
pub const MENU_HINT: &str = "Arrows and Enter to choose; Esc saves and stops.";

/// Asks through dialoguer (menus) and rustyline (text).
pub struct DialoguerPrompter {
    term: Term,
    theme: Box<dyn Theme>,
    ascii: bool,
    /// A remark to show on the next question screen.
    notice: Option<String>,
    /// Lines of a message still on screen, which the next choice goes under.
    shown: Option<usize>,
    /// The line editor, made on first use.
    editor: Option<rustyline::DefaultEditor>,
    /// Set by the Esc binding, so an edit cancelled with Esc is told from Ctrl-C.
    escaped: Arc<AtomicBool>,
}

/// The extra entries under the answers, in menu order.
#[derive(Clone, Copy, PartialEq)]
enum Extra {
    Why,
    Note,
    Skip,
    Back,
    GoTo,
    Clear,
    Quit,
}

/// Esc in the line editor: remember it, then stop the edit as Ctrl-C would.
struct EscCancels(Arc<AtomicBool>);

impl ConditionalEventHandler for EscCancels {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, _: &EventContext) -> Option<Cmd> {
        self.0.store(true, Ordering::SeqCst);
        Some(Cmd::Interrupt)
    }
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
            shown: None,
            editor: None,
            escaped: Arc::new(AtomicBool::new(false)),
        }
    }

    /// (rows, columns) of the terminal.
    fn size(&self) -> (usize, usize) {
        let (rows, cols) = self.term.size();
        (usize::from(rows).max(10), usize::from(cols).clamp(30, 100))
    }

    /// `text` wrapped to the terminal, each line starting with `indent`; list items
    /// ("- ...") wrap under their text.
    fn wrapped(&self, text: &str, indent: &str) -> Vec<String> {
        let (_, cols) = self.size();
        let mut out = Vec::new();
        for paragraph in terminal_text(text).split('\n') {
            let hang = if paragraph.starts_with("- ") {
                "  "
            } else {
                ""
            };
            let width = cols.saturating_sub(indent.width() + hang.width() + 1);
            for (n, line) in wrap(paragraph, width).iter().enumerate() {
                let extra = if n > 0 { hang } else { "" };
                out.push(format!("{indent}{extra}{line}"));
            }
        }
        out
    }

    fn print(&self, lines: &[String]) -> io::Result<()> {
        for line in lines {
            writeln!(&self.term, "{line}")?;
        }
        Ok(())
    }

    /// A menu entry cut to the terminal's width at a word boundary (the menu draws one line
    /// per entry; a wrapped entry would break its redrawing).
    fn entry(&self, label: &str) -> String {
        let (_, cols) = self.size();
        let room = cols.saturating_sub(5);
        let label = terminal_line(label);
        if label.width() <= room {
            return label.into_owned();
        }
        let ellipsis = if self.ascii { "..." } else { "…" };
        let first = wrap(&label, room.saturating_sub(ellipsis.width()))
            .into_iter()
            .next()
            .unwrap_or_default();
        format!("{first}{ellipsis}")
    }

    fn extra_label(&self, extra: Extra, s: &QuestionScreen<'_>, showing_why: bool) -> String {
        let (why, note, skip, back, go, clear, quit) = if self.ascii {
            ("?", "+", "-", "<", ">", "0", "x")
        } else {
            ("?", "✎", "→", "←", "↷", "∅", "✕")
        };
        match extra {
            Extra::Why if showing_why => format!("{why} Hide the explanation"),
            Extra::Why => format!("{why} Why does this matter?"),
            Extra::Note if s.note.is_some() => format!("{note} Change or remove the note"),
            Extra::Note => format!("{note} Add a note"),
            Extra::Skip => format!("{skip} Skip for now"),
            Extra::Back => format!("{back} Back to the previous question"),
            Extra::GoTo => format!("{go} Go to a question or domain..."),
            Extra::Clear => format!("{clear} Clear the answer (back to blank)"),
            Extra::Quit => format!("{quit} Save and quit (carry on later)"),
        }
    }

    /// The line editor: bracketed paste on, no history, output on the terminal itself.
    fn editor(&mut self) -> io::Result<&mut rustyline::DefaultEditor> {
        if let Some(editor) = self.editor.take() {
            return Ok(self.editor.insert(editor));
        }
        let config = rustyline::Config::builder()
            .behavior(rustyline::config::Behavior::PreferTerm)
            .bracketed_paste(true)
            // A lone Esc is Esc after 50 ms without a following byte (an arrow key's
            // sequence arrives at once); without a timeout it would wait for the next key.
            .keyseq_timeout(Some(50))
            .auto_add_history(false)
            .build();
        let mut editor = rustyline::DefaultEditor::with_config(config).map_err(io_error)?;
        editor.bind_sequence(
            KeyEvent(KeyCode::Esc, Modifiers::NONE),
            EventHandler::Conditional(Box::new(EscCancels(self.escaped.clone()))),
        );
        Ok(self.editor.insert(editor))
    }
}

fn io_error(e: rustyline::error::ReadlineError) -> io::Error {
    match e {
        rustyline::error::ReadlineError::Io(e) => e,
        other => io::Error::other(other.to_string()),
    }
}

impl Prompter for DialoguerPrompter {
    fn question(&mut self, s: &QuestionScreen<'_>) -> io::Result<Action> {
        let mut showing_why = false;
        // No answer pre-selected on a blank question: Enter alone records nothing.
        let mut cursor = s
            .current
            .as_ref()
            .and_then(|c| s.choices.iter().position(|(id, _)| id == c))
            .unwrap_or(!0);
        loop {
            self.shown = None;
            let (rows, _) = self.size();
            let header = format!(
                "Question {} of {} - {}",
                s.number,
                s.total,
                terminal_line(s.domain_title)
            );
            let mut top: Vec<String> = self
                .wrapped(&header, "")
                .into_iter()
                .map(|l| style(l).bold().to_string())
                .collect();
            top.extend(
                self.wrapped(MENU_HINT, "")
                    .into_iter()
                    .map(|l| style(l).dim().to_string()),
            );
            if let Some(notice) = &self.notice {
                top.extend(
                    self.wrapped(notice, "")
                        .into_iter()
                        .map(|l| style(l).yellow().to_string()),
                );
            }

            let mut extras = vec![Extra::Why, Extra::Note, Extra::Skip];
            if s.can_go_back {
                extras.push(Extra::Back);
            }
            extras.push(Extra::GoTo);
            if s.current.is_some() {
                extras.push(Extra::Clear);
            }
            extras.push(Extra::Quit);
            let mut items: Vec<String> = s
                .choices
                .iter()
                .map(|(id, label)| {
                    let label = terminal_line(label);
                    if s.current.as_deref() != Some(id) {
                        label.into_owned()
                    } else if s.from_msp {
                        format!("{label} (your MSP's answer)")
                    } else if s.asked_msp {
                        format!("{label} (asked your MSP)")
                    } else {
                        format!("{label} (your answer)")
                    }
                })
                .map(|l| self.entry(&l))
                .collect();
            items.extend(
                extras
                    .iter()
                    .map(|e| self.entry(&self.extra_label(*e, s, showing_why))),
            );

            // The body: what is left between the header and the menu. The menu keeps at
            // least a few entries (it pages); the body gives way first.
            let budget = rows.saturating_sub(top.len() + menu_lines(items.len().min(4)));
            let question = format!("{}  ({})", s.question.text, s.question.id);
            let mut why = Vec::new();
            if showing_why {
                why.push(String::new());
                why.push("Why this matters:".to_string());
                why.extend(self.wrapped(&s.question.why, "  "));
            }
            let mut extra_lines = Vec::new();
            if let Some(how) = &s.question.how_to_find_out {
                extra_lines.extend(self.wrapped(&format!("How to find out: {how}"), "  "));
            }
            if let Some(note) = s.note {
                extra_lines.extend(self.wrapped(&format!("Your note: {note}"), "  "));
            }
            let intro = s.domain_intro.map(|i| self.wrapped(i, ""));
            let mut body = Vec::new();
            let candidate = |with_intro: bool, with_extra: bool| {
                let mut b = Vec::new();
                if with_intro {
                    if let Some(intro) = &intro {
                        b.extend(intro.iter().cloned());
                    }
                }
                b.push(String::new());
                b.extend(self.wrapped(&question, ""));
                if with_extra {
                    b.extend(extra_lines.iter().cloned());
                }
                b.extend(why.iter().cloned());
                b.push(String::new());
                b
            };
            for (with_intro, with_extra) in [(true, true), (false, true), (false, false)] {
                body = candidate(with_intro, with_extra);
                if body.len() <= budget {
                    break;
                }
            }
            if body.len() > budget {
                body.truncate(budget.saturating_sub(1));
                body.push(if self.ascii { "..." } else { "…" }.to_string());
            }

            self.term.clear_screen()?;
            self.print(&top)?;
            self.print(&body)?;
            let room = rows.saturating_sub(top.len() + body.len() + menu_lines(0));
            let picked = Select::with_theme(self.theme.as_ref())
                .with_prompt("Your answer")
                .report(false)
                .items(&items)
                .default(if cursor == !0 {
                    !0
                } else {
                    cursor.min(items.len() - 1)
                })
                .max_length(room.max(1))
                .interact_on_opt(&self.term)
                .map_err(io::Error::from);
            let picked = interrupted(picked)?;
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
                Extra::GoTo => return Ok(Action::GoTo),
                Extra::Clear => return Ok(Action::Clear),
                Extra::Quit => return Ok(Action::Quit),
            }
        }
    }

    /// Text through rustyline: a pasted multi-line text arrives whole (bracketed paste) with
    /// its line breaks; Left/Right, Home/End; long text wraps. Esc cancels the edit (`None`);
    /// Ctrl-C stops the interview (`Interrupted`).
    fn text(&mut self, prompt: &str, initial: Option<&str>) -> io::Result<Option<String>> {
        self.shown = None;
        let mut lines: Vec<String> = self
            .wrapped(prompt, "")
            .into_iter()
            .map(|l| style(l).bold().to_string())
            .collect();
        lines.extend(
            self.wrapped(TEXT_HINT, "")
                .into_iter()
                .map(|l| style(l).dim().to_string()),
        );
        writeln!(&self.term)?;
        self.print(&lines)?;
        self.term.flush()?;
        let initial = terminal_text(initial.unwrap_or("")).into_owned();
        self.escaped.store(false, Ordering::SeqCst);
        let escaped = self.escaped.clone();
        // Esc is turned into an interrupt by the editor's key binding: it cancels this edit
        // only; a real Ctrl-C stops the interview.
        let read =
            |editor: &mut rustyline::DefaultEditor, initial: &str| -> io::Result<Option<String>> {
                match editor.readline_with_initial("> ", (initial, "")) {
                    Ok(text) => Ok(Some(text)),
                    Err(rustyline::error::ReadlineError::Interrupted) => {
                        if escaped.load(Ordering::SeqCst) {
                            Ok(None)
                        } else {
                            Err(io::ErrorKind::Interrupted.into())
                        }
                    }
                    Err(rustyline::error::ReadlineError::Eof) => Ok(None),
                    Err(e) => Err(io_error(e)),
                }
            };
        let Some(mut text) = read(self.editor()?, &initial)? else {
            return Ok(None);
        };
        // A terminal without bracketed paste sends a pasted line break as Enter: the rest of
        // the paste is already waiting. Keep it in this text (to check, then Enter) rather
        // than let it reach the next menu.
        while input_waiting() {
            let Some(more) = read(self.editor()?, &format!("{text}\n"))? else {
                return Ok(None);
            };
            text = more;
        }
        Ok(Some(text))
    }

    fn choose(
        &mut self,
        prompt: &str,
        options: &[String],
        default: usize,
    ) -> io::Result<Option<usize>> {
        let above = match self.shown.take() {
            Some(lines) => lines + 1,
            None => {
                self.term.clear_screen()?;
                0
            }
        };
        let lines = self.wrapped(prompt, "");
        if above > 0 {
            writeln!(&self.term)?;
        }
        self.print(&lines)?;
        let options: Vec<String> = options.iter().map(|o| self.entry(o)).collect();
        let (rows, _) = self.size();
        let room = rows.saturating_sub(above + lines.len() + menu_lines(0));
        interrupted(
            Select::with_theme(self.theme.as_ref())
                .with_prompt("Your choice")
                .report(false)
                .items(&options)
                .default(default)
                .max_length(room.max(1))
                .interact_on_opt(&self.term)
                .map_err(io::Error::from),
        )
    }

    fn notice(&mut self, text: &str) -> io::Result<()> {
        self.notice = Some(text.to_string());
        Ok(())
    }

    fn message(&mut self, text: &str) -> io::Result<()> {
        self.term.clear_screen()?;
        let lines = self.wrapped(text, "");
        self.print(&lines)?;
        self.shown = Some(lines.len());
        Ok(())
    }
}

impl DialoguerPrompter {
    /// Shows `text` and waits for Enter. Returns false when the person pressed Esc or Ctrl-C.
    pub fn pause(&mut self, text: &str) -> io::Result<bool> {
        self.message(text)?;
        self.shown = None;
        writeln!(&self.term)?;
        write!(
            &self.term,
            "{}",
            style("Press Enter to continue (Esc to stop).").dim()
        )?;
        loop {
            match interrupted(self.term.read_key().map(Some))? {
                Some(Key::Enter) => break,
                Some(Key::Escape) | None => return Ok(false),
                Some(_) => {}
            }
        }
        self.term.clear_screen()?;
        Ok(true)
    }

    /// Terminal width for text printed after the interview (summary, hints).
    pub fn width(&self) -> usize {
        self.size().1
    }
}

/// Lines a menu of `entries` entries takes: its prompt line, the entries, and the line the
/// cursor rests on below them.
fn menu_lines(entries: usize) -> usize {
    entries + 2
}

/// Turns the "interrupted" error a menu returns after Ctrl-C into a cancellation (`None`):
/// in a menu, Ctrl-C and Esc both save and stop.
fn interrupted<T>(result: io::Result<Option<T>>) -> io::Result<Option<T>> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(None),
        other => other,
    }
}

/// Whether keys are already waiting on the terminal (the rest of a paste).
#[cfg(unix)]
fn input_waiting() -> bool {
    // Give a paste a moment to arrive whole; a person cannot type that fast after Enter.
    std::thread::sleep(std::time::Duration::from_millis(30));
    let mut fds = libc::pollfd {
        fd: 0,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, a zero timeout.
    let ready = unsafe { libc::poll(&mut fds, 1, 0) };
    ready > 0 && fds.revents & libc::POLLIN != 0
}

#[cfg(not(unix))]
fn input_waiting() -> bool {
    false
}
