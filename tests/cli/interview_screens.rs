//! The interview as a person sees it, in a pseudo-terminal: pasting, menus, resuming, the
//! questions only the MSP can answer, what fits on 80x24 and 60x20 screens, the README's
//! example screen, and a timed run of the owner's whole path.
#![cfg(unix)]

use std::ffi::OsStr;
use std::path::Path;
use std::time::{Duration, Instant};

use msp_risk::bank::{self, AnsweredBy, Bank};
use rexpect::session::PtySession;
use unicode_width::UnicodeWidthStr;

use crate::interview::pty::{
    answer, at, down, exit_code, load, spawn, spawn_sized, start, ENTER, ESC, UP,
};
use crate::repo;

/// Bracketed paste, as terminals send it: the pasted line break is a carriage return.
fn paste(text: &str) -> String {
    format!("\x1b[200~{}\x1b[201~", text.replace('\n', "\r"))
}

#[test]
fn a_pasted_multi_line_note_is_one_note_and_changes_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = start(dir.path());
    at(&mut p, "(ACC-01)", &[&down(6), ENTER]); // Add a note
    at(
        &mut p,
        "Note for ACC-01",
        &[&paste("Ask Bob:\n  he has the list\nof accounts"), ENTER],
    );
    // Back on the same question, the note shown; the paste chose nothing in the menu.
    at(&mut p, "Your note: Ask Bob:", &[UP, ENTER]); // Save and quit
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
    let file = load(&dir.path().join("a.yaml"));
    // The new file lists every question (blank); only ACC-01 has anything in it.
    let filled: Vec<&str> = file
        .answers
        .iter()
        .filter(|r| r.answer.is_some() || r.note.is_some())
        .map(|r| r.question.as_str())
        .collect();
    assert_eq!(filled, ["ACC-01"]);
    let r = file.record("ACC-01").unwrap();
    assert_eq!(
        (r.answer.as_ref(), r.note.as_deref()),
        (None, Some("Ask Bob:\n  he has the list\nof accounts"))
    );
    assert_eq!(file.organization.as_deref(), Some("Small Co"));
    assert_eq!(file.assessed_by.as_deref(), Some("Sam"));
}

#[test]
fn left_right_home_end_edit_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn(dir.path(), "a.yaml");
    at(&mut p, "Press Enter to continue", &[ENTER]);
    // "Co", Home, "Small ", End, "!", Left twice (before "o!"), "x".
    at(
        &mut p,
        "Name of the organisation",
        &[
            "Co",
            "\x1b[H",
            "Small ",
            "\x1b[F",
            "!",
            "\x1b[D\x1b[D",
            "x",
            ENTER,
        ],
    );
    at(&mut p, "Your name", &[ENTER]);
    at(&mut p, "(ACC-01)", &[UP, ENTER]);
    p.exp_eof().unwrap();
    let file = load(&dir.path().join("a.yaml"));
    assert_eq!(file.organization.as_deref(), Some("Small Cxo!"));
}

#[test]
fn enter_alone_records_nothing_and_an_answer_can_be_marked_cleared_and_jumped_to() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = start(dir.path());
    // Enter with nothing selected does nothing; then Partly.
    at(&mut p, "Question 1 of 4", &[ENTER]);
    std::thread::sleep(Duration::from_millis(150));
    p.send(&down(2)).unwrap();
    p.send(ENTER).unwrap();
    p.flush().unwrap();
    // ACC-02 (follow-up of Partly): 4 answers, Why, Note, Skip, Back (index 7).
    at(&mut p, "(ACC-02)", &[&down(8), ENTER]);
    // ACC-01 again, its answer marked.
    at(&mut p, "Partly (your answer)", &[]);
    // Clear: answers 4, Why, Note, Skip, Go to, Clear (no Back on the first question):
    // the cursor starts on the current answer (index 1).
    std::thread::sleep(Duration::from_millis(150));
    p.send(&down(7)).unwrap();
    p.send(ENTER).unwrap();
    p.flush().unwrap();
    at(&mut p, "The answer to ACC-01 is cleared.", &[]);
    // Go to... (index 7 on a blank question: 4 answers, Why, Note, Skip, Go to).
    std::thread::sleep(Duration::from_millis(150));
    p.send(&down(8)).unwrap();
    p.send(ENTER).unwrap();
    p.flush().unwrap();
    at(&mut p, "A question, by its id", &[ENTER]);
    at(&mut p, "Question id", &["bck-03", ENTER]);
    at(&mut p, "(BCK-03)", &[UP, ENTER]);
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
    let file = load(&dir.path().join("a.yaml"));
    assert_eq!(answer(&file, "ACC-01"), None, "cleared");
    assert_eq!(answer(&file, "ACC-02"), None);
}

#[test]
fn resume_offers_where_it_stopped_or_the_skipped_first_and_back_works_at_once() {
    let dir = tempfile::tempdir().unwrap();
    // ACC-02 and ACC-03 skipped; stopped after BCK-01 ("Us": BCK-02 does not apply).
    let text = "bank: small-test@2.0.0\norganization: Acme\nassessed_by: Pat\nanswers:\n  ACC-01: yes\n  BCK-01: us\n";
    std::fs::write(dir.path().join("a.yaml"), text).unwrap();
    let mut p = spawn(dir.path(), "a.yaml");
    at(&mut p, "Press Enter to continue", &[ENTER]);
    p.exp_string("Continue where you stopped (question 5, BCK-03)")
        .unwrap();
    at(&mut p, "The 2 skipped question(s) first", &[ENTER]);
    // Back on the first screen after the resume: the question before, in order.
    at(&mut p, "(BCK-03)", &[&down(9), ENTER]); // 5 answers (with n/a), Why, Note, Skip, Back
    at(&mut p, "(BCK-01)", &[UP, ENTER]);
    p.exp_eof().unwrap();

    let mut p = spawn(dir.path(), "a.yaml");
    at(&mut p, "Press Enter to continue", &[ENTER]);
    at(
        &mut p,
        "The 2 skipped question(s) first",
        &[&down(1), ENTER],
    );
    at(&mut p, "(ACC-02)", &[&down(7), ENTER]); // Skip: 4 answers, Why, Note, Skip
    at(&mut p, "(ACC-03)", &[&down(7), ENTER]); // Skip (3 options + I don't know)
    at(&mut p, "(BCK-03)", &[UP, ENTER]); // then where it stopped
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
}

#[test]
fn msp_questions_are_sent_to_the_msp_and_the_letter_is_written_beside_the_answers() {
    let dir = tempfile::tempdir().unwrap();
    // An earlier letter is never replaced.
    std::fs::write(dir.path().join("a.msp-questions.md"), "earlier").unwrap();
    let bank = repo("tests/fixtures/banks/small-msp.yaml");
    let args: [&OsStr; 5] = [
        "--bank".as_ref(),
        bank.as_os_str(),
        "interview".as_ref(),
        "--answers".as_ref(),
        "a.yaml".as_ref(),
    ];
    let mut p = spawn_sized(dir.path(), &args, None);
    at(&mut p, "Press Enter to continue", &[ENTER]);
    at(&mut p, "Name of the organisation", &["Small Co", ENTER]);
    at(&mut p, "Your name", &["Sam", ENTER]);
    at(&mut p, "I answer my 2 questions", &[ENTER]);
    at(&mut p, "(ACC-01)", &[&down(3), ENTER]); // No
    at(&mut p, "(BCK-01)", &[&down(1), ENTER]); // Us
    let shown = p.exp_string("a.msp-questions.1.md").unwrap();
    assert!(shown.contains("it is written, in"), "{shown}");
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
    let file = load(&dir.path().join("a.yaml"));
    for id in ["ACC-03", "BCK-03"] {
        let r = file.record(id).unwrap();
        assert_eq!(answer(&file, id).as_deref(), Some("unknown"));
        assert_eq!(
            r.asked_msp.map(|d| d.to_string()).as_deref(),
            Some(crate::TODAY)
        );
    }
    let text = std::fs::read_to_string(dir.path().join("a.yaml")).unwrap();
    assert!(
        text.contains("  ACC-03:\n    answer: unknown\n    asked_msp: 2026-11-23\n"),
        "{text}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.msp-questions.md")).unwrap(),
        "earlier"
    );
    let letter = std::fs::read_to_string(dir.path().join("a.msp-questions.1.md")).unwrap();
    assert!(letter.starts_with("# Questions for"), "{letter}");
    assert!(letter.contains("*Our reference:* ACC-03"), "{letter}");
    assert!(letter.contains("*Our reference:* BCK-03"), "{letter}");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["a.msp-questions.1.md", "a.msp-questions.md", "a.yaml"]
    );
    // Reports show the question as asked.
    let out = crate::msp()
        .current_dir(dir.path())
        .args(["--bank"])
        .arg(&bank)
        .args(["report", "a.yaml", "--format", "json"])
        .output()
        .unwrap();
    let json = crate::stdout_of(&out);
    assert!(json.contains("\"asked_msp\": \"2026-11-23\""), "{json}");
    assert!(
        json.contains("I don't know (asked your MSP on 2026-11-23)"),
        "{json}"
    );
}

/// A terminal session whose every byte is kept, and replayed on an emulated screen.
struct Screen {
    p: PtySession,
    rows: u16,
    cols: u16,
    vt: vt100::Parser,
    raw: Vec<u8>,
    keys: usize,
    screens: usize,
}

impl Screen {
    fn new(p: PtySession, rows: u16, cols: u16) -> Screen {
        Screen {
            p,
            rows,
            cols,
            vt: vt100::Parser::new(
                rows.try_into().expect("rows"),
                cols.try_into().expect("columns"),
                0,
            ),
            raw: Vec::new(),
            keys: 0,
            screens: 0,
        }
    }

    /// rexpect hands bytes back as one char each: turn them back into bytes.
    fn take(&mut self, s: &str) {
        let bytes: Vec<u8> = s.chars().map(|c| c as u32 as u8).collect();
        self.vt.process(&bytes);
        self.raw.extend_from_slice(&bytes);
    }

    /// Waits for `text` (then a moment, so the prompt is reading).
    fn wait(&mut self, text: &str) {
        let before = self
            .p
            .exp_string(text)
            .unwrap_or_else(|e| panic!("waiting for {text:?}: {e}"));
        self.take(&before);
        self.take(text);
        std::thread::sleep(Duration::from_millis(150));
    }

    /// Reads whatever else was drawn (call only when nothing more is waited for on this
    /// screen).
    fn settle(&mut self) {
        let mut rest = String::new();
        while let Some(c) = self.p.try_read() {
            rest.push(c);
        }
        self.take(&rest);
    }

    /// Sends `keys`; each string counts as the keystrokes it stands for (an arrow is one).
    fn send(&mut self, keys: &[&str]) {
        for k in keys {
            self.keys += count_keys(k);
            self.p.send(k).unwrap();
        }
        self.p.flush().unwrap();
    }

    fn at(&mut self, text: &str, keys: &[&str]) {
        self.wait(text);
        self.send(keys);
    }

    /// The screen as shown, one string per row, trailing blanks trimmed.
    fn rows(&self) -> Vec<String> {
        self.vt
            .screen()
            .rows(0, self.cols)
            .map(|r| r.trim_end().to_string())
            .collect()
    }

    /// The top row must start with `header` (nothing scrolled it away).
    fn header_on_top(&mut self, header: &str) {
        self.settle();
        let rows = self.rows();
        assert!(
            rows[0].starts_with(header),
            "{}x{}: the header scrolled away:\n{}",
            self.cols,
            self.rows,
            rows.join("\n")
        );
    }

    /// Every run of text printed fits the width: nothing was wrapped by the terminal. The
    /// line editor's own text (between its bracketed-paste switches) is left out: it wraps
    /// long text on purpose, which [`Screen::rows`] shows.
    fn lines_fit(&self, from: usize) {
        let mut text = String::from_utf8_lossy(&self.raw[from..]).into_owned();
        while let Some(start) = text.find("\x1b[?2004h") {
            let end = text[start..]
                .find("\x1b[?2004l")
                .map_or(text.len(), |e| start + e);
            text.replace_range(start..end, "\n");
        }
        for run in runs(&text) {
            assert!(
                run.width() <= usize::from(self.cols),
                "{}x{}: a line is {} wide: {run:?}",
                self.cols,
                self.rows,
                run.width()
            );
        }
    }
}

/// Keystrokes in a string of keys: an escape sequence is one key, a bracketed paste one.
fn count_keys(k: &str) -> usize {
    if k.starts_with("\x1b[200~") {
        return 1;
    }
    let mut n = 0;
    let mut chars = k.chars().peekable();
    while let Some(c) = chars.next() {
        n += 1;
        if c == '\x1b' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() || c == '~' {
                    break;
                }
            }
        }
    }
    n
}

/// The runs of text printed without a line break or cursor move between them (colours
/// removed): each is what one screen line shows, so none may be wider than the screen.
fn runs(text: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => {
                let mut seq = String::new();
                if chars.peek() == Some(&'[') {
                    chars.next();
                    for c in chars.by_ref() {
                        seq.push(c);
                        if c.is_ascii_alphabetic() || c == '~' {
                            break;
                        }
                    }
                    if seq.ends_with('m') {
                        continue; // a colour: same line
                    }
                } else {
                    chars.next();
                }
                out.push(String::new());
            }
            '\r' | '\n' => out.push(String::new()),
            c if c.is_control() => {}
            c => out.last_mut().unwrap().push(c),
        }
    }
    out
}

fn embedded() -> &'static Bank {
    bank::builtin().expect("the embedded bank")
}

/// The embedded bank's interview on a `rows`x`cols` terminal in `dir`.
fn sized(dir: &Path, rows: u16, cols: u16) -> Screen {
    let args: [&OsStr; 3] = [
        "interview".as_ref(),
        "--answers".as_ref(),
        "a.yaml".as_ref(),
    ];
    Screen::new(spawn_sized(dir, &args, Some((rows, cols))), rows, cols)
}

/// The menu position of "Skip for now" on `id`'s screen (answers, Why, Note, Skip).
fn skip_at(id: &str) -> usize {
    embedded().question(id).unwrap().allowed_answers().len() + 2
}

#[test]
fn every_screen_fits_80x24_and_60x20() {
    for (rows, cols) in [(24u16, 80u16), (20, 60)] {
        // A new interview: welcome, names (one long), the MSP offer, a question with its
        // explanation, a long note, "Go to" with every domain, save and quit.
        let dir = tempfile::tempdir().unwrap();
        let mut s = sized(dir.path(), rows, cols);
        s.at("Press Enter to continue", &[]);
        s.header_on_top("Managed service provider (MSP) risk check");
        s.send(&[ENTER]);
        s.at(
            "Name of the organisation",
            &[
                "Northwind Veterinary Clinic and Animal Hospital of Greater Springfield County",
                ENTER,
            ],
        );
        s.at("Your name", &["Pat", ENTER]);
        s.wait("I go through all");
        s.header_on_top("");
        s.send(&[ENTER]);
        s.wait("Your answer");
        s.header_on_top("Question 1 of");
        let gov01 = embedded()
            .question("GOV-01")
            .unwrap()
            .allowed_answers()
            .len();
        s.send(&[&down(gov01 + 1), ENTER]); // Why does this matter?
        s.wait("Hide the explanation");
        s.header_on_top("Question 1 of");
        s.send(&[&down(1), ENTER]); // Add a note
        s.at(
            "Note for GOV-01",
            &[&paste(&"a long note that goes on and on ".repeat(6))],
        );
        s.wait("on and on");
        s.settle();
        // The long text wraps: its start stays on screen (no sideways scrolling).
        assert!(
            s.rows()
                .iter()
                .any(|r| r.starts_with("> a long note that goes on")),
            "{}",
            s.rows().join("\n")
        );
        s.send(&[ENTER]);
        s.wait("Your note: a long note");
        s.header_on_top("Question 1 of");
        // Go to: answers, Why, Note, Skip, Go to (no Back on the first question).
        s.send(&[&down(gov01 + 4), ENTER]);
        s.wait("A question, by its id");
        s.send(&[ESC]);
        s.wait("Question 1 of");
        s.send(&[UP, ENTER]);
        s.wait("interview --answers a.yaml");
        s.p.exp_eof().unwrap();
        s.lines_fit(0);

        // The review and the end: every question answered "I don't know" but three, which are
        // skipped; the review lists them on one screen; finish.
        let bank = embedded();
        // Three of the owner's own questions, far apart.
        let owner: Vec<&str> = bank
            .questions
            .iter()
            .filter(|q| q.answered_by == AnsweredBy::Owner && !q.is_follow_up())
            .map(|q| q.id.as_str())
            .collect();
        let blank = [owner[1], owner[12], owner[24]];
        let mut text = format!(
            "bank: {}\norganization: Acme\nassessed_by: Pat\nanswers:\n",
            bank.reference()
        );
        for q in &bank.questions {
            if !blank.contains(&q.id.as_str()) {
                text.push_str(&format!("  {}: unknown\n", q.id));
            }
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.yaml"), &text).unwrap();
        let mut s = sized(dir.path(), rows, cols);
        s.at("Press Enter to continue", &[ENTER]);
        for id in blank {
            s.wait(&format!("({id})"));
            s.wait("Your answer");
            s.header_on_top("Question ");
            s.send(&[&down(skip_at(id) + 1), ENTER]);
        }
        s.wait("Finish and show the report");
        s.header_on_top("You have been through every question.");
        let review = s.rows().join("\n");
        let listed = format!("Not answered yet (3): {}", blank.join(", "));
        assert!(review.contains(&listed), "{review}");
        let interview_end = s.raw.len();
        s.send(&[ENTER]); // Finish (the default)
        s.wait("MSP risk report:");
        let summary_start = s.raw.len();
        s.wait("--output report.html");
        s.p.exp_eof().unwrap();
        s.lines_fit(summary_start);
        let _ = interview_end;
    }
}

#[test]
fn the_readme_screen_is_the_real_one() {
    // BCK-03 in the embedded bank, resumed where the person stopped, at 80x24.
    let bank = embedded();
    let stop = bank.position("BCK-03").unwrap();
    let mut text = format!(
        "bank: {}\norganization: Acme\nassessed_by: Pat\nanswers:\n",
        bank.reference()
    );
    for q in &bank.questions[..stop] {
        text.push_str(&format!("  {}: unknown\n", q.id));
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), &text).unwrap();
    let mut s = sized(dir.path(), 24, 80);
    s.at("Press Enter to continue", &[ENTER]);
    s.at("I go through all", &[&down(1), ENTER]); // the MSP's questions too
    s.wait("(BCK-03)");
    s.wait("Save and quit");
    s.settle();
    let mut rows = s.rows();
    while rows.last().is_some_and(|r| r.is_empty()) {
        rows.pop();
    }
    let screen = rows.join("\n");
    s.send(&[UP, ENTER]);
    s.p.exp_eof().unwrap();

    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let marker = "<!-- interview screen: tests/cli/interview_screens.rs -->\n```text\n";
    let start = readme
        .find(marker)
        .expect("the README marks its interview screen")
        + marker.len();
    let end = start + readme[start..].find("\n```").unwrap();
    if readme[start..end] != screen {
        if std::env::var_os("UPDATE_README").is_some() {
            let new = format!("{}{screen}{}", &readme[..start], &readme[end..]);
            std::fs::write(repo("README.md"), new).unwrap();
        } else {
            panic!(
                "README.md's interview screen differs from the real one (UPDATE_README=1 rewrites it):\n{screen}"
            );
        }
    }
}

/// The owner's whole path on the embedded bank: send the MSP's questions to the MSP, answer
/// every other question (its first answer), finish. Keystrokes, screens and wall time go to
/// `target/interview-run.txt` for the notes.
#[test]
fn the_owner_path_is_short_and_timed() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let mut s = sized(dir.path(), 24, 80);
    s.at("Press Enter to continue", &[ENTER]);
    s.at("Name of the organisation", &["Acme Vets", ENTER]);
    s.at("Your name", &["Pat", ENTER]);
    s.at("I go through all", &[ENTER]);
    let mut questions = Vec::new();
    loop {
        let found =
            s.p.exp_regex(r"\(([A-Z]{2,4}-\d\d)\)\r\n|MSP risk report:")
                .unwrap_or_else(|e| panic!("after {questions:?}: {e}"));
        s.take(&found.0);
        s.take(&found.1);
        if found.1 == "MSP risk report:" {
            break;
        }
        let id = found
            .1
            .trim_end()
            .trim_matches(|c| c == '(' || c == ')')
            .to_string();
        let q = embedded().question(&id).unwrap();
        // Only questions the owner can rule out ("does not apply") stay with her.
        assert!(
            q.answered_by != AnsweredBy::Msp || q.allow_na,
            "{id} should have gone to the MSP"
        );
        questions.push(id);
        s.screens += 1;
        s.wait("Your answer");
        s.send(&[&down(1), ENTER]); // the first answer
        assert!(questions.len() <= 60, "{questions:?}");
    }
    s.wait("it is written, in");
    s.p.exp_eof().unwrap();
    let took = started.elapsed();
    let owner = embedded()
        .questions
        .iter()
        .filter(|q| q.answered_by == AnsweredBy::Owner)
        .count();
    assert_eq!(owner, 40, "the owner's own part");
    let hers_to_rule_out = embedded()
        .questions
        .iter()
        .filter(|q| q.answered_by == AnsweredBy::Msp && q.allow_na)
        .count();
    assert!(questions.len() <= owner + hers_to_rule_out, "{questions:?}");
    assert!(dir.path().join("a.msp-questions.md").exists());
    let figures = format!(
        "owner path, embedded bank, 80x24, debug build, 150 ms pause before each key batch\n\
         question screens: {}\nother screens: 4 (welcome, two names, the MSP offer)\n\
         keystrokes: {} (names typed count one per character)\nwall time: {:.1} s\n",
        questions.len(),
        s.keys,
        took.as_secs_f64()
    );
    let _ = std::fs::write(repo("target/interview-run.txt"), &figures);
    eprintln!("{figures}");
}

#[test]
fn a_resume_counts_only_the_owners_own_questions() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.yaml"),
        "bank: small-test@2.0.0\norganization: Small Co\nassessed_by: Sam\nassessed_on: 2026-11-23\nanswers:\n  ACC-01: no\n  ACC-03:\n    answer: unknown\n    asked_msp: 2026-11-23\n  BCK-03:\n    answer: unknown\n    asked_msp: 2026-11-23\n",
    )
    .unwrap();
    let bank = repo("tests/fixtures/banks/small-msp.yaml");
    let args: [&OsStr; 5] = [
        "--bank".as_ref(),
        bank.as_os_str(),
        "interview".as_ref(),
        "--answers".as_ref(),
        "a.yaml".as_ref(),
    ];
    let mut p = spawn_sized(dir.path(), &args, None);
    p.exp_string("Welcome back: 1 of your 2 questions answered so far (2 sent to your MSP)")
        .expect("her own questions, and the ones sent");
    p.send_control('c').unwrap();
    p.exp_eof().unwrap();
}
