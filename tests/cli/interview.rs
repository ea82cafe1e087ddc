//! The interview, end to end: the real binary in a pseudo-terminal (CI has no terminal of
//! its own), on the small test bank.

use crate::{msp, repo, stderr_of, TODAY};

#[test]
fn without_a_terminal_it_refuses_and_points_to_report() {
    let out = msp().args(["interview"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = stderr_of(&out);
    assert!(
        stderr.starts_with("error: `interview` asks questions in a terminal"),
        "{stderr}"
    );
    assert!(stderr.contains("msp-risk template --output answers.yaml"));
    assert!(stderr.contains("msp-risk report answers.yaml"));
}

#[cfg(unix)]
pub(crate) mod pty {
    use std::path::Path;
    use std::time::Duration;

    use msp_risk::answers::{self, AnswersFile};
    use msp_risk::bank;
    use rexpect::process::{Signal, WaitStatus};
    use rexpect::session::{spawn_command, PtySession};

    use super::*;

    pub(crate) const DOWN: &str = "\x1b[B";
    /// From a menu with nothing selected, Up selects the last entry ("Save and quit").
    pub(crate) const UP: &str = "\x1b[A";
    pub(crate) const ENTER: &str = "\r";
    pub(crate) const ESC: &str = "\x1b";

    /// The interview on the small test bank, in a pseudo-terminal, in `dir`.
    pub(crate) fn spawn(dir: &Path, file: &str) -> PtySession {
        let bank = repo("tests/fixtures/banks/small.yaml");
        spawn_with(
            dir,
            &[
                bank.as_os_str(),
                "interview".as_ref(),
                "--answers".as_ref(),
                file.as_ref(),
            ],
        )
    }

    /// The binary in a pseudo-terminal in `dir`: `--bank` then `args` (which name the bank file
    /// and the command).
    pub(crate) fn spawn_with(dir: &Path, args: &[&std::ffi::OsStr]) -> PtySession {
        let mut all: Vec<&std::ffi::OsStr> = vec!["--bank".as_ref()];
        all.extend_from_slice(args);
        spawn_sized(dir, &all, None)
    }

    /// The binary with `args` (after `--today`), on a terminal of `size` (rows, columns) when
    /// given. The program is named `msp-risk`, as when installed, so its hints are the ones
    /// people see.
    pub(crate) fn spawn_sized(
        dir: &Path,
        args: &[&std::ffi::OsStr],
        size: Option<(u16, u16)>,
    ) -> PtySession {
        use std::os::unix::process::CommandExt;
        let mut cmd = match size {
            Some((rows, cols)) => {
                let bin = Path::new(env!("CARGO_BIN_EXE_msp-risk"));
                let path = format!(
                    "{}:{}",
                    bin.parent().expect("folder").display(),
                    std::env::var("PATH").unwrap_or_default()
                );
                let mut sh = std::process::Command::new("sh");
                sh.arg("-c")
                    .arg(format!(
                        "stty rows {rows} cols {cols} && exec msp-risk \"$@\""
                    ))
                    .arg("sh")
                    .env("PATH", path);
                sh
            }
            None => {
                let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_msp-risk"));
                cmd.arg0("msp-risk");
                cmd
            }
        };
        cmd.current_dir(dir)
            .env("TERM", "xterm")
            .env("NO_COLOR", "1")
            .env_remove("COLUMNS")
            .args(["--today", TODAY])
            .args(args);
        spawn_command(cmd, Some(30_000)).expect("spawn in a pty")
    }

    /// Waits for `text`, then sends keys (after a moment, so the prompt is reading).
    pub(crate) fn at(p: &mut PtySession, text: &str, keys: &[&str]) {
        p.exp_string(text)
            .unwrap_or_else(|e| panic!("waiting for {text:?}: {e}"));
        std::thread::sleep(Duration::from_millis(150));
        for k in keys {
            p.send(k).expect("send");
        }
        p.flush().expect("flush");
    }

    pub(crate) fn down(n: usize) -> String {
        DOWN.repeat(n)
    }

    pub(crate) fn load(path: &Path) -> AnswersFile {
        let bank = bank::load(
            &std::fs::read(repo("tests/fixtures/banks/small.yaml")).unwrap(),
            "small.yaml",
        )
        .unwrap();
        let bytes = std::fs::read(path).expect("answers file exists");
        answers::load(&bytes, "a.yaml", &bank).unwrap_or_else(|e| {
            panic!(
                "invalid answers file: {e}\n{}",
                String::from_utf8_lossy(&bytes)
            )
        })
    }

    pub(crate) fn answer(file: &AnswersFile, id: &str) -> Option<String> {
        file.answer(id).map(|a| a.id().to_string())
    }

    pub(crate) fn exit_code(p: &PtySession) -> i32 {
        match p.process().wait().expect("wait") {
            WaitStatus::Exited(_, code) => code,
            other => panic!("did not exit normally: {other:?}"),
        }
    }

    /// Starts a new interview and answers the welcome and the two name questions.
    pub(crate) fn start(dir: &Path) -> PtySession {
        let mut p = spawn(dir, "a.yaml");
        at(&mut p, "Press Enter to continue", &[ENTER]);
        at(&mut p, "Name of the organisation", &["Small Co", ENTER]);
        at(&mut p, "Your name", &["Sam", ENTER]);
        p
    }

    #[test]
    fn a_full_interview_writes_the_answers_and_prints_the_report() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = start(dir.path());
        // Nothing is selected at first: the first Down selects the first answer.
        at(&mut p, "Question 1 of 4 - Accounts", &[&down(1), ENTER]); // ACC-01: Yes
        at(&mut p, "Question 2 of 5", &[&down(3), ENTER]); // ACC-02 (follow-up): No
        at(&mut p, "(ACC-03)", &[&down(1), ENTER]); // security key
        at(&mut p, "(BCK-01)", &[&down(2), ENTER]); // Our MSP
        at(&mut p, "(BCK-02)", &[&down(1), ENTER]); // contract says so: Yes
        at(&mut p, "(BCK-03)", &[&down(5), ENTER]); // does not apply
        p.exp_string("MSP risk report: Small Co")
            .expect("the report");
        p.exp_string("Your answers are saved in a.yaml")
            .expect("where the answers are");
        p.exp_eof().expect("ends");
        assert_eq!(exit_code(&p), 0);

        let file = load(&dir.path().join("a.yaml"));
        assert_eq!(file.organization.as_deref(), Some("Small Co"));
        assert_eq!(file.assessed_by.as_deref(), Some("Sam"));
        assert_eq!(
            file.assessed_on.map(|d| d.to_string()).as_deref(),
            Some(TODAY)
        );
        let got: Vec<(String, Option<String>)> =
            ["ACC-01", "ACC-02", "ACC-03", "BCK-01", "BCK-02", "BCK-03"]
                .iter()
                .map(|id| (id.to_string(), answer(&file, id)))
                .collect();
        let want = [
            ("ACC-01", "yes"),
            ("ACC-02", "no"),
            ("ACC-03", "security_key"),
            ("BCK-01", "msp"),
            ("BCK-02", "yes"),
            ("BCK-03", "na"),
        ];
        for ((id, got), (wid, w)) in got.iter().zip(want) {
            assert_eq!((id.as_str(), got.as_deref()), (wid, Some(w)));
        }
        // The file keeps the template's explanations for anyone who opens it.
        let text = std::fs::read_to_string(dir.path().join("a.yaml")).unwrap();
        assert!(text.contains("# How to fill it in:"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("a.yaml"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(
            !dir.path().join(".a.yaml.lock").exists(),
            "the lock is released"
        );
    }

    #[test]
    fn quit_halfway_then_resume_where_it_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = start(dir.path());
        at(&mut p, "(ACC-01)", &[&down(1), ENTER]); // Yes
                                                    // ACC-02: add a note (answers, then "Why", then "Add a note").
        at(&mut p, "(ACC-02)", &[&down(6), ENTER]);
        at(
            &mut p,
            "Note for ACC-02",
            &["ask Bob: he has the list", ENTER],
        );
        // Back on ACC-02 with the note shown: "Save and quit" is the last entry.
        at(&mut p, "Your note: ask Bob", &[UP, ENTER]);
        p.exp_string("interview --answers a.yaml")
            .expect("resume hint");
        p.exp_eof().expect("ends");
        assert_eq!(exit_code(&p), 0);
        let file = load(&dir.path().join("a.yaml"));
        assert_eq!(answer(&file, "ACC-01").as_deref(), Some("yes"));
        let acc02 = file.record("ACC-02").expect("note saved");
        assert_eq!(
            (acc02.answer.as_ref(), acc02.note.as_deref()),
            (None, Some("ask Bob: he has the list"))
        );

        let mut p = spawn(dir.path(), "a.yaml");
        at(
            &mut p,
            "Welcome back: 1 of 5 questions answered so far.",
            &[ENTER],
        );
        // No name questions: straight to the first unanswered question.
        at(&mut p, "Question 2 of 5 - Accounts", &[]);
        at(&mut p, "(ACC-02)", &[&down(3), ENTER]); // No
        at(&mut p, "(ACC-03)", &[ESC]);
        p.exp_string("Stopped.").expect("stop message");
        p.exp_eof().expect("ends");
        assert_eq!(exit_code(&p), 130);
        let file = load(&dir.path().join("a.yaml"));
        let acc02 = file.record("ACC-02").expect("kept");
        assert_eq!(answer(&file, "ACC-02").as_deref(), Some("no"));
        assert_eq!(
            acc02.note.as_deref(),
            Some("ask Bob: he has the list"),
            "the note survives"
        );
    }

    #[test]
    fn ctrl_c_restores_the_cursor_saves_and_exits_130() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = start(dir.path());
        at(&mut p, "(ACC-01)", &[&down(3), ENTER]); // No
        at(&mut p, "(ACC-03)", &[]);
        std::thread::sleep(Duration::from_millis(150));
        p.send_control('c').expect("ctrl-c");
        let rest = p.exp_eof().expect("ends");
        assert!(rest.contains("Stopped."), "{rest:?}");
        assert!(
            rest.contains("msp-risk interview --answers a.yaml"),
            "{rest:?}"
        );
        let shown = rest.rfind("\x1b[?25h").expect("cursor shown again");
        assert!(
            rest.rfind("\x1b[?25l").is_none_or(|hidden| hidden < shown),
            "cursor left hidden: {rest:?}"
        );
        assert_eq!(exit_code(&p), 130);
        assert_eq!(
            answer(&load(&dir.path().join("a.yaml")), "ACC-01").as_deref(),
            Some("no")
        );
    }

    #[test]
    fn kill_9_at_any_moment_leaves_a_valid_file_with_every_saved_answer() {
        // Kill right after an answer is sent (during the save), a little later, and much later.
        for delay_ms in [0u64, 3, 30] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("a.yaml");
            let mut p = start(dir.path());
            at(&mut p, "(ACC-01)", &[&down(2), ENTER]); // Partly
            at(&mut p, "(ACC-02)", &[]); // ACC-01 was saved before this screen
            std::thread::sleep(Duration::from_millis(150));
            p.send(&down(4)).unwrap();
            p.send(ENTER).unwrap(); // I don't know
            p.flush().unwrap();
            std::thread::sleep(Duration::from_millis(delay_ms));
            p.process_mut().kill(Signal::SIGKILL).expect("kill -9");
            let file = load(&path);
            assert_eq!(
                answer(&file, "ACC-01").as_deref(),
                Some("partial"),
                "delay {delay_ms}ms"
            );
            assert!(
                matches!(answer(&file, "ACC-02").as_deref(), None | Some("unknown")),
                "delay {delay_ms}ms: ACC-02 is either not saved yet or saved whole"
            );
            let leftovers: Vec<_> = std::fs::read_dir(dir.path())
                .unwrap()
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n != "a.yaml" && n != ".a.yaml.lock" && !n.ends_with(".tmp"))
                .collect();
            assert!(leftovers.is_empty(), "{leftovers:?}");
        }
    }

    #[test]
    fn esc_cancels_a_note_or_a_name_and_the_interview_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = start(dir.path());
        // A note started and cancelled with Esc: back on the question, nothing saved.
        at(&mut p, "(ACC-01)", &[&down(6), ENTER]);
        at(&mut p, "Note for ACC-01", &["half a thought", ESC]);
        at(&mut p, "(ACC-01)", &[&down(1), ENTER]); // Yes
        at(&mut p, "(ACC-02)", &[ESC]);
        p.exp_eof().unwrap();
        assert_eq!(exit_code(&p), 130);
        let file = load(&dir.path().join("a.yaml"));
        assert_eq!(file.record("ACC-01").and_then(|r| r.note.clone()), None);
        assert_eq!(answer(&file, "ACC-01").as_deref(), Some("yes"));

        // Esc at a name, whose hint says "Esc cancels this edit", leaves it blank and goes on.
        let other = tempfile::tempdir().unwrap();
        let mut p = spawn(other.path(), "a.yaml");
        at(&mut p, "Press Enter to continue", &[ENTER]);
        at(&mut p, "Esc cancels this edit", &["Acme", ESC]);
        at(&mut p, "Your name", &["Sam", ENTER]);
        at(&mut p, "(ACC-01)", &[ESC]);
        p.exp_string("Stopped.").unwrap();
        p.exp_eof().unwrap();
        assert_eq!(exit_code(&p), 130);
        let file = load(&other.path().join("a.yaml"));
        assert_eq!(
            (file.organization, file.assessed_by.as_deref()),
            (None, Some("Sam"))
        );
    }

    #[test]
    fn a_second_interview_on_the_same_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = spawn(dir.path(), "a.yaml");
        first.exp_string("Press Enter to continue").unwrap();
        let mut second = spawn(dir.path(), "a.yaml");
        second
            .exp_string("another interview is already using a.yaml")
            .expect("refused");
        second.exp_eof().unwrap();
        assert_eq!(exit_code(&second), 2);
        std::thread::sleep(Duration::from_millis(150));
        first.send(ESC).unwrap();
        first.flush().unwrap();
        first.exp_eof().unwrap();
        assert_eq!(exit_code(&first), 130);
    }

    #[test]
    fn an_invalid_file_is_not_resumed_or_touched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        let text = "bank: small-test@2.0.0\nanswers:\n  ACC-01: maybe\n";
        std::fs::write(&path, text).unwrap();
        let mut p = spawn(dir.path(), "a.yaml");
        p.exp_string("a.yaml:3:11: `maybe` is not an answer to ACC-01")
            .expect("the problem, located");
        p.exp_eof().unwrap();
        assert_eq!(exit_code(&p), 2);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }
}
