//! `msp-risk interview`: the questionnaire in a terminal, saved after every answer.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use anyhow::{bail, Context};
use msp_risk::answers::{self, AnswersFile};
use msp_risk::bank::Bank;
use msp_risk::diagnostic::WriteError;
use msp_risk::fsio::{self, Locked};
use msp_risk::interview::{AnswerSink, FileSink, Interview, Outcome, Prompter};
use msp_risk::render::{LetterNote, Renderer, TableRenderer};
use msp_risk::sanitize::terminal_line;

use crate::cli::{Cli, InterviewArgs};
use crate::prompter::DialoguerPrompter;
use crate::{settings, Exit};

/// Held while a file is being saved, so Ctrl-C never exits half-way through a save.
static SAVING: Mutex<()> = Mutex::new(());

/// Set by whichever of the Ctrl-C handler and the main thread stops first.
static STOPPING: AtomicBool = AtomicBool::new(false);

/// Stops the interview now: waits for a save in progress, leaves the terminal as it was
/// (cursor visible; raw mode is already undone by the prompt), says how to resume, exits 130.
/// Exiting skips destructors, which is safe: the only lock is an flock on the answers file,
/// released by the system, and there is no lock file to remove.
fn stop_now(hint: &str) -> ! {
    let _guard = SAVING.lock().unwrap_or_else(|e| e.into_inner());
    if STOPPING.swap(true, Ordering::SeqCst) {
        // The other thread is already stopping the process.
        loop {
            std::thread::park();
        }
    }
    let term = console::Term::stderr();
    let _ = term.show_cursor();
    let width = usize::from(term.size().1).clamp(30, 100);
    eprintln!("\n\n{}", fit(&format!("Stopped. {hint}"), width));
    std::process::exit(130);
}

/// Saves through the file sink while holding [`SAVING`].
struct GuardedSink<'b>(FileSink<'b>);

impl AnswerSink for GuardedSink<'_> {
    fn save(&mut self, answers: &AnswersFile) -> Result<(), WriteError> {
        let _guard = SAVING.lock().unwrap_or_else(|e| e.into_inner());
        self.0.save(answers)
    }
}

pub fn run(cli: &Cli, args: &InterviewArgs) -> anyhow::Result<Exit> {
    // The interview saves YAML after every answer: over a workbook or a CSV it would replace
    // the spreadsheet with YAML text.
    let lower = args.answers.to_string_lossy().to_ascii_lowercase();
    if lower.ends_with(".xlsx") || lower.ends_with(".csv") {
        bail!(
            "the interview keeps its answers in YAML, so it cannot use the spreadsheet {}; \
             run it with --answers answers.yaml, or fill the spreadsheet in and run `report` on it",
            terminal_line(&args.answers.display().to_string())
        );
    }
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        bail!(
            "`interview` asks questions in a terminal, and standard input or error is not one.\n  \
             Without a terminal, write the answers in a file and score it:\n    \
             msp-risk template --output answers.yaml   # a blank answers file to fill in\n    \
             msp-risk report answers.yaml              # or: msp-risk check answers.yaml --fail-on high"
        );
    }
    let bank = settings::load_bank(cli)?;
    let today = settings::today(cli)?;
    let path = args.answers.as_path();
    let name = path.display().to_string();
    let shown = terminal_line(&name).into_owned();

    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if !parent.is_dir() {
            bail!(
                "cannot keep answers in {shown}: the folder {} does not exist; create it or choose another path",
                terminal_line(&parent.display().to_string())
            );
        }
    }

    let resume_hint = format!(
        "Your answers are saved in {shown}.\nTo carry on later, run:\n  {} interview --answers {shown}",
        program_name()
    );
    let hint = resume_hint.clone();
    ctrlc::set_handler(move || stop_now(&hint)).context("cannot install the Ctrl-C handler")?;

    // A new file starts as the template, so it explains itself to anyone who opens it.
    let blank = msp_risk::template::blank_answers_file(&bank);
    let blank_answers = answers::load(blank.as_bytes(), &name, &bank)
        .context("the blank answers file does not load (a bug)")?;
    // The lock is on the file itself, so it holds whatever path reaches the file; a link, a
    // special file or a hard-linked file is refused here, before anything is written.
    let locked = {
        let _guard = SAVING.lock().unwrap_or_else(|e| e.into_inner());
        fsio::lock(path, blank.as_bytes())?
    };
    let (lock, content, created) = match locked {
        Locked::Held {
            lock,
            content,
            created,
        } => (lock, content, created),
        Locked::Busy => bail!(
            "another interview is already using {shown}; finish or quit that one first \
             (two at once would overwrite each other's answers)"
        ),
    };
    if let Some(bank_file) = cli.bank.as_deref().filter(|b| b.as_os_str() != "-") {
        if lock.is_same_file_as(bank_file) {
            bail!(
                "{shown} is the questionnaire bank in use (--bank); the interview would overwrite it \
                 with answers. Keep answers in a file of their own, such as answers.yaml"
            );
        }
    }
    let resumed = !created;
    let mut answers = if resumed {
        answers::load(&content, &name, &bank)
            .with_context(|| format!("{shown} cannot be resumed until these problems are fixed"))?
    } else {
        blank_answers
    };
    // A file written for an older bank is saved for this one: the save rewrites it (after
    // keeping a copy), so the answers to questions no longer asked stay in the copy only.
    let carried_from = answers
        .migrated
        .take()
        .map(|m| (answers.bank_reference(), m.retired.len()));
    if carried_from.is_some() {
        answers.bank_version = bank.version.clone();
    }
    let text = String::from_utf8_lossy(&content).into_owned();

    let color = settings::use_color(cli, true);
    let mut prompter = DialoguerPrompter::new(cli.ascii, color);
    let mut engine = Interview::new(&bank, answers, today);
    let sink = FileSink::new(lock, text, &bank);
    let mut copy = None;
    if resumed && !sink.keeps_layout(engine.answers()) {
        // Never over an older copy or through a link planted at its name: the first free
        // name, said before and confirmed after (another process may take it meanwhile).
        let backup = fsio::free_backup_name(path);
        let options = vec![
            format!(
                "Keep a copy as {} and continue",
                terminal_line(&backup.display().to_string())
            ),
            "Stop (the file stays as it is)".to_string(),
        ];
        let prompt = match &carried_from {
            Some((old, set_aside)) => format!(
                "{shown} was written for {}; the interview saves it for {}, which rewrites the file: its \
                 comments and layout, and {set_aside} answer(s) to questions no longer asked, stay only in the \
                 copy (see docs/bank-migration.md). What do you want to do?",
                terminal_line(old),
                bank.reference()
            ),
            None => format!(
                "{shown} is laid out in a way the interview cannot edit line by line, so saving will rewrite it \
                 and its comments and layout will be lost. What do you want to do?"
            ),
        };
        if prompter.choose(&prompt, &options, 0)? != Some(0) {
            return Ok(Exit::Success);
        }
        let used = {
            let _guard = SAVING.lock().unwrap_or_else(|e| e.into_inner());
            fsio::write_backup(path, &content)
        }
        .with_context(|| format!("cannot keep a copy of {shown}"))?;
        copy = Some(terminal_line(&used.display().to_string()).into_owned());
    }
    let mut text = welcome(&bank, &engine, &shown, resumed);
    if let Some(copy) = copy {
        text.push_str(&format!("\n\nA copy of the file as it was is in {copy}."));
    }
    if !prompter.pause(&text)? {
        stop_now(&resume_hint);
    }

    let outcome = match engine.run(&mut prompter, &mut GuardedSink(sink)) {
        Ok(o) => o,
        Err(msp_risk::interview::InterviewError::Save(e)) => {
            // The interview cannot go on, but nothing saved before is lost: say so, and how
            // to carry on once the cause (a full disk...) is fixed.
            let _ = console::Term::stderr().show_cursor();
            eprintln!(
                "\nerror: {}\nThe last answer was not saved; every answer before it is.\n{resume_hint}",
                terminal_line(&e.to_string())
            );
            return Ok(Exit::Error);
        }
        Err(e) => return Err(e.into()),
    };
    let _ = console::Term::stderr().show_cursor();
    let width = prompter.width();
    let program = program_name();
    // The interview ends by writing the letter when this session sent questions to the MSP
    // (a resume that sends nothing new writes no second, different letter).
    let final_report = msp_risk::score(&bank, engine.answers(), today);
    let questions = msp_risk::ask_msp::question_count(&bank, &final_report);
    let letter = match outcome {
        Outcome::Finished | Outcome::Quit if engine.marked_now() > 0 => {
            let text = msp_risk::ask_msp::letter(&bank, &final_report, None);
            let written = {
                let _guard = SAVING.lock().unwrap_or_else(|e| e.into_inner());
                fsio::write_letter(path, text.as_bytes())
            };
            match written {
                Ok(file) => Some(Ok(terminal_line(&file.display().to_string()).into_owned())),
                Err(e) => Some(Err(terminal_line(&e.to_string()).into_owned())),
            }
        }
        _ => None,
    };
    let letter_lines = match &letter {
        Some(Ok(file)) => format!("Your letter to the MSP is in {file}.\n"),
        Some(Err(e)) => format!(
            "The letter to your MSP could not be written ({e}); make it with:\n  {program} ask-msp {shown} --output questions.md\n"
        ),
        None => String::new(),
    };
    let note = match &letter {
        Some(Ok(file)) => LetterNote::Written {
            path: file,
            questions,
        },
        _ => LetterNote::Command { questions },
    };
    match outcome {
        Outcome::Finished => {
            let report = final_report;
            let _ = console::Term::stderr().clear_screen();
            if args.detailed {
                let options = settings::table_options(cli, false, true);
                let text = TableRenderer::new(options).render(&report)?;
                if msp_risk::guard::stdout_is_an_input() {
                    bail!("{}", msp_risk::guard::STDOUT_IS_AN_INPUT);
                }
                crate::pager::page(cli.no_pager, &text)?;
            }
            // What matters most, where the eye lands: the score, the questions to send the
            // MSP first, the first actions and who takes them, and the commands for the rest.
            let options = settings::table_options(cli, false, false);
            let closing = TableRenderer::new(options).closing(&report, &program, &shown, &note);
            print!("{closing}");
            if matches!(letter, Some(Err(_))) {
                println!("{}", fit(&letter_lines, width));
            }
            Ok(Exit::Success)
        }
        Outcome::Quit => {
            eprintln!("\n{}", fit(&format!("{letter_lines}{resume_hint}"), width));
            Ok(Exit::Success)
        }
        Outcome::Cancelled => stop_now(&resume_hint),
    }
}

/// Text wrapped to `width` at word boundaries; lines starting with spaces (commands, list
/// items) keep their indent on every line they wrap to.
fn fit(text: &str, width: usize) -> String {
    let mut out = Vec::new();
    for line in text.split('\n') {
        let indent: String = line.chars().take_while(|c| *c == ' ').collect();
        let hang = if line.trim_start().starts_with("- ")
            || line.trim_start().starts_with(|c: char| c.is_ascii_digit())
        {
            format!("{indent}   ")
        } else {
            indent.clone()
        };
        let room = width.saturating_sub(hang.len() + 1).max(20);
        for (n, part) in msp_risk::sanitize::wrap(line.trim_start(), room)
            .into_iter()
            .enumerate()
        {
            out.push(format!("{}{part}", if n == 0 { &indent } else { &hang }));
        }
    }
    out.join("\n")
}

/// How to run this program again: `msp-risk` when run by name (installed), otherwise the path
/// it was started with (`target/release/msp-risk` under `cargo run`).
fn program_name() -> String {
    match std::env::args().next() {
        Some(arg0) if arg0.contains(std::path::MAIN_SEPARATOR) => terminal_line(&arg0).into_owned(),
        _ => "msp-risk".to_string(),
    }
}

fn welcome(bank: &Bank, engine: &Interview<'_>, file: &str, resumed: bool) -> String {
    let (answered, total) = engine.progress();
    let left = total.saturating_sub(answered);
    let minutes = match (left / 3).max(1) {
        1 => "1 minute".to_string(),
        n => format!("{n} minutes"),
    };
    let follow_ups = bank.questions.iter().filter(|q| q.is_follow_up()).count();
    let mut text = format!(
        "{}\n\n\
         This interview asks how your business relies on its managed service provider (MSP): who \
         owns the risk, what the contract says, what the MSP does, and how ready you are. The \
         questions follow CISA's guidance for MSP customers.\n\n\
         - One question at a time; \"Why does this matter?\" explains it.\n\
         - \"I don't know\" is a fine answer: it marks something to check.\n\
         - Skip, go back, add a note, or stop at any time.\n\
         - Every answer is saved at once, in {file}.\n\n",
        terminal_line(&bank.title)
    );
    if resumed && left == 0 {
        text.push_str(&format!(
            "Welcome back: all {total} questions that apply are answered. You can review them and see the report."
        ));
    } else if resumed && engine.asked_msp() > 0 {
        // Questions sent to the MSP are not hers: count only her own.
        let asked = engine.asked_msp();
        text.push_str(&format!(
            "Welcome back: {} of your {} questions answered so far ({asked} sent to your MSP). \
             About {minutes} to go.",
            answered.saturating_sub(asked),
            total.saturating_sub(asked)
        ));
    } else if resumed {
        text.push_str(&format!(
            "Welcome back: {answered} of {total} questions answered so far. About {minutes} to go."
        ));
    } else {
        text.push_str(&format!(
            "{total} questions, plus up to {follow_ups} short follow-ups depending on your answers: about {minutes}."
        ));
    }
    text
}
