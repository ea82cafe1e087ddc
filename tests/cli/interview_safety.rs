//! The interview's file safety, end to end in a pseudo-terminal: copies never follow a link
//! or replace an older copy, one interview per file whatever path reaches it, nothing left
//! behind on any way out, special files and the bank itself refused before anything is written.
#![cfg(unix)]

use std::ffi::OsStr;
use std::os::unix::fs::{symlink, FileTypeExt, MetadataExt};
use std::path::Path;
use std::time::Duration;

use rexpect::process::Signal;

use crate::interview::pty::{at, down, exit_code, spawn, spawn_with, start, ENTER, ESC, UP};
use crate::repo;

/// A file the interview cannot edit line by line: resuming it asks to keep a copy.
const FLOW: &str = "bank: small-test@2.0.0\nanswers: {ACC-01: yes}\n";
/// A file the interview edits line by line.
const BLOCK: &str = "bank: small-test@2.0.0\nanswers:\n  ACC-01: yes\n";

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// Resumes the flow-style `a.yaml` in `dir`, keeps a copy, stops at the welcome with Esc;
/// returns everything shown from the question on.
fn keep_a_copy_then_stop(dir: &Path) -> String {
    std::fs::write(dir.join("a.yaml"), FLOW).unwrap();
    let mut p = spawn(dir, "a.yaml");
    let mut shown = p
        .exp_string("Stop (the file stays as it is)")
        .expect("the question about the layout");
    std::thread::sleep(Duration::from_millis(150));
    p.send(ENTER).unwrap(); // Keep a copy (the default)
    p.flush().unwrap();
    shown += &p.exp_string("Press Enter to continue").expect("welcome");
    std::thread::sleep(Duration::from_millis(150));
    p.send(ESC).unwrap();
    p.flush().unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 130);
    shown
}

#[test]
fn a_backup_is_never_written_through_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    symlink(&victim, dir.path().join("a.yaml.bak")).unwrap();
    let shown = keep_a_copy_then_stop(dir.path());
    assert_eq!(read(&victim), "precious", "the link's target is untouched");
    assert!(std::fs::symlink_metadata(dir.path().join("a.yaml.bak"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(read(dir.path().join("a.yaml.1.bak")), FLOW);
    assert!(shown.contains("Keep a copy as a.yaml.1.bak"), "{shown}");
    assert!(shown.contains("a.yaml.1.bak"), "{shown}");
}

#[test]
fn an_existing_backup_is_kept_and_the_next_free_name_used() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml.bak"), "first copy").unwrap();
    std::fs::write(dir.path().join("a.yaml.1.bak"), "second copy").unwrap();
    let shown = keep_a_copy_then_stop(dir.path());
    assert_eq!(read(dir.path().join("a.yaml.bak")), "first copy");
    assert_eq!(read(dir.path().join("a.yaml.1.bak")), "second copy");
    assert_eq!(read(dir.path().join("a.yaml.2.bak")), FLOW);
    // Said before the copy is made, and again after, with the name really used.
    assert!(shown.contains("Keep a copy as a.yaml.2.bak"), "{shown}");
    assert!(
        shown.contains("A copy of the file as it was is in a.yaml.2.bak"),
        "{shown}"
    );
    let mode = std::fs::metadata(dir.path().join("a.yaml.2.bak"))
        .unwrap()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "the copy is owner-only too");
}

/// Runs the interview on `file` in `dir`, which must refuse it: exit 2, with `message`.
fn refused(dir: &Path, file: &str, message: &str) {
    let mut p = spawn(dir, file);
    let out = p.exp_eof().expect("refused at once");
    assert!(out.contains(message), "{file}: {out}");
    assert_eq!(exit_code(&p), 2, "{file}: {out}");
}

#[test]
fn a_symlinked_answers_file_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("real.yaml"), BLOCK).unwrap();
    symlink("real.yaml", dir.path().join("link.yaml")).unwrap();
    refused(
        dir.path(),
        "link.yaml",
        "link.yaml is a symbolic link (to real.yaml)",
    );
    assert_eq!(read(dir.path().join("real.yaml")), BLOCK);
    assert!(std::fs::symlink_metadata(dir.path().join("link.yaml"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(names(dir.path()), ["link.yaml", "real.yaml"]);
}

#[test]
fn a_hard_linked_answers_file_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), BLOCK).unwrap();
    std::fs::hard_link(dir.path().join("a.yaml"), dir.path().join("b.yaml")).unwrap();
    refused(dir.path(), "a.yaml", "a.yaml has 2 names (hard links)");
    assert_eq!(
        std::fs::metadata(dir.path().join("b.yaml"))
            .unwrap()
            .nlink(),
        2
    );
    assert_eq!(read(dir.path().join("a.yaml")), BLOCK);
    assert_eq!(names(dir.path()), ["a.yaml", "b.yaml"]);
}

/// Starts an interview on `a.yaml`, then a second one on `other` (another way to reach the same
/// file), which must be refused with `message`; the first then stops normally.
fn second_is_refused(dir: &Path, other: &str, message: &str) {
    let mut first = spawn(dir, "a.yaml");
    first.exp_string("Press Enter to continue").unwrap();
    prepare_other(dir);
    refused(dir, other, message);
    std::thread::sleep(Duration::from_millis(150));
    first.send(ESC).unwrap();
    first.flush().unwrap();
    first.exp_eof().unwrap();
    assert_eq!(exit_code(&first), 130);
}

/// Other names for `dir/a.yaml`: a symbolic link, a hard link, a folder link.
fn prepare_other(dir: &Path) {
    symlink("a.yaml", dir.join("sym.yaml")).unwrap();
    std::fs::hard_link(dir.join("a.yaml"), dir.join("hard.yaml")).unwrap();
    std::fs::create_dir(dir.join("sub")).unwrap();
    symlink(".", dir.join("here")).unwrap();
}

#[test]
fn a_second_interview_through_a_symlink_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    second_is_refused(dir.path(), "sym.yaml", "sym.yaml is a symbolic link");
}

#[test]
fn a_second_interview_through_a_hard_link_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    second_is_refused(
        dir.path(),
        "hard.yaml",
        "another interview is already using hard.yaml",
    );
}

#[test]
fn a_second_interview_through_another_spelling_of_the_path_is_refused() {
    for other in ["./sub/../a.yaml", "here/a.yaml"] {
        let dir = tempfile::tempdir().unwrap();
        second_is_refused(dir.path(), other, "another interview is already using");
    }
}

#[test]
fn a_symlinked_lock_file_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("x");
    symlink(&target, dir.path().join(".a.yaml.lock")).unwrap();
    let mut p = start(dir.path());
    at(&mut p, "(ACC-01)", &[ESC]);
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 130);
    assert!(!target.exists(), "a file was created through the link");
    assert!(names(elsewhere.path()).is_empty());
}

#[test]
fn every_way_out_leaves_only_the_answers_file() {
    for way in [
        "Esc",
        "Ctrl-C",
        "SIGTERM",
        "save and quit",
        "stop at the copy",
        "finish",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut p = if way == "stop at the copy" {
            std::fs::write(dir.path().join("a.yaml"), FLOW).unwrap();
            let mut p = spawn(dir.path(), "a.yaml");
            at(&mut p, "Stop (the file stays as it is)", &[&down(1), ENTER]);
            p
        } else {
            let mut p = start(dir.path());
            at(&mut p, "(ACC-01)", &[]);
            std::thread::sleep(Duration::from_millis(150));
            p
        };
        match way {
            "Esc" => p.send(ESC).map(drop).unwrap(),
            "Ctrl-C" => p.send_control('c').unwrap(),
            "SIGTERM" => p.process_mut().signal(Signal::SIGTERM).unwrap(),
            "save and quit" => p.send(&format!("{UP}{ENTER}")).map(drop).unwrap(),
            "finish" => {
                // Every question answered "does not apply" or its first answer, then the report.
                p.send(&format!("{}{ENTER}", down(3))).unwrap(); // ACC-01: No
                p.flush().unwrap();
                at(&mut p, "(ACC-03)", &[&down(1), ENTER]);
                at(&mut p, "(BCK-01)", &[&down(1), ENTER]); // Us
                at(&mut p, "(BCK-03)", &[&down(1), ENTER]);
                p.exp_string("Your answers are saved in").unwrap();
            }
            _ => {}
        }
        p.flush().unwrap();
        p.exp_eof().unwrap();
        let code = exit_code(&p);
        assert!(code == 0 || code == 130, "{way}: exit {code}");
        assert_eq!(names(dir.path()), ["a.yaml"], "{way}");
    }
}

#[test]
fn after_kill_9_the_next_interview_starts() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = start(dir.path());
    at(&mut p, "(ACC-01)", &[]);
    p.process_mut().kill(Signal::SIGKILL).unwrap();
    let mut p = spawn(dir.path(), "a.yaml");
    at(&mut p, "Welcome back", &[ENTER]);
    at(&mut p, "(ACC-01)", &[ESC]);
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 130);
}

#[test]
fn special_files_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let made = std::process::Command::new("mkfifo")
        .arg(d.join("fifo.yaml"))
        .status()
        .unwrap();
    assert!(made.success());
    let _socket = std::os::unix::net::UnixListener::bind(d.join("socket.yaml")).unwrap();
    std::fs::create_dir(d.join("folder.yaml")).unwrap();
    // A character device (the same as /dev/null) where this test may make one (as root).
    let device = std::process::Command::new("mknod")
        .arg(d.join("null.yaml"))
        .args(["c", "1", "3"])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let before = names(d);
    refused(
        d,
        "fifo.yaml",
        "fifo.yaml is a FIFO (named pipe), not a regular file",
    );
    refused(
        d,
        "socket.yaml",
        "socket.yaml is a socket, not a regular file",
    );
    refused(
        d,
        "folder.yaml",
        "folder.yaml is a folder, not a regular file",
    );
    if device {
        refused(d, "null.yaml", "null.yaml is a device, not a regular file");
        let meta = std::fs::symlink_metadata(d.join("null.yaml")).unwrap();
        assert!(meta.file_type().is_char_device());
    }
    assert_eq!(names(d), before, "nothing was created or replaced");
    assert!(std::fs::symlink_metadata(d.join("fifo.yaml"))
        .unwrap()
        .file_type()
        .is_fifo());
}

#[test]
fn the_bank_in_use_cannot_be_the_answers_file() {
    let dir = tempfile::tempdir().unwrap();
    let bank = read(repo("tests/fixtures/banks/small.yaml"));
    std::fs::write(dir.path().join("b.yaml"), &bank).unwrap();
    let args: [&OsStr; 4] = [
        "b.yaml".as_ref(),
        "interview".as_ref(),
        "--answers".as_ref(),
        "./b.yaml".as_ref(),
    ];
    let mut p = spawn_with(dir.path(), &args);
    let out = p.exp_eof().expect("refused at once");
    assert!(
        out.contains("./b.yaml is the questionnaire bank in use (--bank)"),
        "{out}"
    );
    assert_eq!(exit_code(&p), 2);
    assert_eq!(read(dir.path().join("b.yaml")), bank);
    assert_eq!(names(dir.path()), ["b.yaml"]);
}
