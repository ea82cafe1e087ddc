//! Nothing lost, nothing overwritten, nothing hangs (issue 9). Each test reproduces a defect
//! an outside attack found on commit 7655b07 and fails there.

use std::path::{Path, PathBuf};
use std::process::Command as Std;
use std::time::Duration;

use crate::{msp, repo, stderr_of, stdout_of};

const MINIMAL: &str = "questionnaires/examples/dental-practice-minimal.yaml";
const SOME: &str = "questionnaires/examples/accounting-firm-some.yaml";
const FULL: &str = "questionnaires/examples/engineering-firm-comprehensive.yaml";

/// A batch or report must end by itself; a hang fails the test instead of the suite.
const LIMIT: Duration = Duration::from_secs(60);

fn copy_sample(to: &Path, sample: &str) {
    std::fs::copy(repo(sample), to).unwrap();
}

fn run_in(dir: &Path, args: &[&str]) -> std::process::Output {
    msp()
        .args(args)
        .current_dir(dir)
        .timeout(LIMIT)
        .output()
        .unwrap()
}

fn is_root() -> bool {
    Std::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn mkfifo(path: &Path) -> bool {
    Std::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// ---- An output is never an input ----------------------------------------------------

#[test]
fn an_output_never_replaces_an_input_however_it_is_spelled() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.yaml");
    copy_sample(&a, MINIMAL);
    std::os::unix::fs::symlink("a.yaml", dir.path().join("link.html")).unwrap();
    std::fs::hard_link(&a, dir.path().join("hard.html")).unwrap();
    let original = std::fs::read(&a).unwrap();
    let attempts: &[&[&str]] = &[
        &["report", "a.yaml", "--format", "html", "--output", "a.yaml"],
        &["report", "a.yaml", "--output", "html:a.yaml"],
        &[
            "report", "a.yaml", "--format", "table", "--output", "./a.yaml",
        ],
        &["report", "./a.yaml", "--output", "html:hard.html"],
        &["report", "a.yaml", "--output", "link.html"],
        &["ask-msp", "a.yaml", "--output", "a.yaml"],
        &["ask-msp", "a.yaml", "--output", "hard.html"],
    ];
    for args in attempts {
        let out = run_in(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr_of(&out));
        assert!(
            stderr_of(&out).contains("never replaces an input")
                || stderr_of(&out).contains("symbolic link"),
            "{args:?}: {}",
            stderr_of(&out)
        );
        assert_eq!(std::fs::read(&a).unwrap(), original, "{args:?}");
    }
    // The symlink is still a symlink.
    assert!(std::fs::symlink_metadata(dir.path().join("link.html"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn an_output_never_replaces_the_bank_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let bank = dir.path().join("bank.yaml");
    std::fs::copy(repo("tests/fixtures/banks/small.yaml"), &bank).unwrap();
    std::fs::copy(
        repo("tests/fixtures/answers/good/small-all-kinds.yaml"),
        dir.path().join("a.yaml"),
    )
    .unwrap();
    let original = std::fs::read(&bank).unwrap();
    let out = run_in(
        dir.path(),
        &[
            "--bank",
            "bank.yaml",
            "report",
            "a.yaml",
            "--output",
            "json:bank.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert_eq!(std::fs::read(&bank).unwrap(), original);
}

#[test]
fn several_outputs_are_written_all_or_none() {
    let dir = tempfile::tempdir().unwrap();
    copy_sample(&dir.path().join("a.yaml"), MINIMAL);
    let out = run_in(
        dir.path(),
        &[
            "report",
            "a.yaml",
            "--output",
            "first.html",
            "--output",
            "json:a.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        files_in(dir.path()),
        ["a.yaml"],
        "nothing written, nothing left"
    );
}

// ---- Devices, FIFOs and standard output ------------------------------------------------

#[test]
fn devices_and_fifos_are_never_replaced_and_dash_means_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    copy_sample(&dir.path().join("a.yaml"), MINIMAL);
    let fifo = dir.path().join("pipe.json");
    assert!(mkfifo(&fifo), "mkfifo");
    for target in ["json:pipe.json", "json:/dev/null"] {
        let out = run_in(dir.path(), &["report", "a.yaml", "--output", target]);
        assert_eq!(out.status.code(), Some(2), "{target}: {}", stderr_of(&out));
        assert!(
            stderr_of(&out).contains("device, FIFO or socket"),
            "{}",
            stderr_of(&out)
        );
    }
    let ask = run_in(dir.path(), &["ask-msp", "a.yaml", "--output", "/dev/null"]);
    assert_eq!(ask.status.code(), Some(2));
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    assert!(std::fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
    for target in ["json:-", "json:/dev/stdout", "-"] {
        let out = run_in(dir.path(), &["report", "a.yaml", "--output", target]);
        assert_eq!(out.status.code(), Some(0), "{target}: {}", stderr_of(&out));
        assert!(stdout_of(&out).contains("Lakeside"), "{target}");
    }
    assert_eq!(files_in(dir.path()), ["a.yaml", "pipe.json"]);
}

#[test]
fn a_fifo_named_on_the_command_line_never_hangs_the_report() {
    let dir = tempfile::tempdir().unwrap();
    assert!(mkfifo(&dir.path().join("quiet.yaml")));
    let out = run_in(dir.path(), &["report", "quiet.yaml"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
}

// ---- Several inputs without --output-dir -------------------------------------------------

#[test]
fn a_folder_of_clients_gives_every_client_its_report() {
    let dir = tempfile::tempdir().unwrap();
    let clients = dir.path().join("clients");
    std::fs::create_dir(&clients).unwrap();
    for (name, sample) in [("a.yaml", MINIMAL), ("b.yaml", SOME), ("c.yaml", FULL)] {
        copy_sample(&clients.join(name), sample);
    }
    let out = run_in(dir.path(), &["report", "clients"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    assert_eq!(text.matches("MSP risk report:").count(), 3, "{text}");
    assert!(text.contains("Portfolio: 3 organisations"), "{text}");

    let out = run_in(dir.path(), &["report", "clients", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["reports"].as_array().unwrap().len(), 3);
    let portfolio = json["portfolio"].as_array().unwrap();
    assert_eq!(portfolio.len(), 3);
    assert!(portfolio[0]["score"].as_u64() <= portfolio[2]["score"].as_u64());

    let out = run_in(dir.path(), &["report", "clients", "--format", "html"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("--output-dir DIR --format html"));
}

// ---- Batch: walks, names, locks, write errors --------------------------------------------

fn batch(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["report", "clients", "--output-dir", "out", "--quiet"];
    args.extend_from_slice(extra);
    run_in(dir, &args)
}

#[test]
fn a_fifo_in_a_client_folder_is_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let clients = dir.path().join("clients");
    std::fs::create_dir(&clients).unwrap();
    copy_sample(&clients.join("a.yaml"), MINIMAL);
    assert!(mkfifo(&clients.join("b.yaml")));
    copy_sample(&clients.join("c.yaml"), FULL);
    let out = batch(dir.path(), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("b.yaml"), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("not a regular file"));
    assert_eq!(
        files_in(&dir.path().join("out")),
        ["a.json", "c.json", "portfolio.csv"]
    );
}

#[test]
fn an_unreadable_subfolder_is_named_and_the_walk_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let clients = dir.path().join("clients");
    std::fs::create_dir_all(clients.join("b-locked")).unwrap();
    copy_sample(&clients.join("a.yaml"), MINIMAL);
    copy_sample(&clients.join("b-locked").join("x.yaml"), SOME);
    copy_sample(&clients.join("c.yaml"), FULL);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        clients.join("b-locked"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let mut cmd = if is_root() {
        // Root reads any folder: run as nobody to see what a user sees.
        if Std::new("setpriv").arg("--version").output().is_err() {
            eprintln!("skipping: running as root and setpriv is missing");
            return;
        }
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        std::fs::set_permissions(&clients, std::fs::Permissions::from_mode(0o755)).unwrap();
        for f in ["a.yaml", "c.yaml"] {
            std::fs::set_permissions(clients.join(f), std::fs::Permissions::from_mode(0o644))
                .unwrap();
        }
        let mut c = Std::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(assert_cmd::cargo::cargo_bin("msp-risk"));
        c
    } else {
        Std::new(assert_cmd::cargo::cargo_bin("msp-risk"))
    };
    let out = cmd
        .args([
            "--today",
            crate::TODAY,
            "check",
            "--fail-on",
            "critical",
            "clients",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    std::fs::set_permissions(
        clients.join("b-locked"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("clients/b-locked: permission denied"), "{err}");
    let text = stdout_of(&out);
    assert!(
        text.contains("clients/a.yaml") && text.contains("clients/c.yaml"),
        "{text}"
    );
}

#[test]
fn symlinked_subfolders_are_skipped_with_a_word() {
    let dir = tempfile::tempdir().unwrap();
    let clients = dir.path().join("clients");
    std::fs::create_dir(&clients).unwrap();
    copy_sample(&clients.join("a.yaml"), MINIMAL);
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    copy_sample(&elsewhere.join("x.yaml"), SOME);
    std::os::unix::fs::symlink(&elsewhere, clients.join("linked")).unwrap();
    // The skip is a note: shown normally, not with --quiet (errors only).
    let out = run_in(dir.path(), &["report", "clients", "--output-dir", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("clients/linked") && err.contains("symbolic link to a folder"),
        "{err}"
    );
    let quiet = batch(dir.path(), &[]);
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(stderr_of(&quiet), "", "--quiet prints only errors");
}

#[test]
fn output_names_are_unique_whatever_the_client_names() {
    let dir = tempfile::tempdir().unwrap();
    let clients = dir.path().join("clients");
    std::fs::create_dir(&clients).unwrap();
    let names = [
        "a b.yaml",
        "a_b.yaml",
        "a_b-2.yaml",
        "Acme.yaml",
        "acme.yml",
        "portfolio.yaml",
        "x.yaml",
        "x.oscal.yaml",
    ];
    for name in names {
        copy_sample(&clients.join(name), MINIMAL);
    }
    let out = batch(dir.path(), &["--format", "csv,json,oscal"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let written = files_in(&dir.path().join("out"));
    // Three files per client, plus the summary, none lost to a clash (case ignored).
    assert_eq!(written.len(), names.len() * 3 + 1, "{written:?}");
    let mut folded: Vec<String> = written.iter().map(|n| n.to_lowercase()).collect();
    folded.dedup();
    assert_eq!(folded.len(), written.len(), "{written:?}");
    let summary = std::fs::read_to_string(dir.path().join("out/portfolio.csv")).unwrap();
    assert!(
        summary.contains("organization,file,assessed_on"),
        "{summary}"
    );
    assert_eq!(summary.lines().count(), names.len() + 1);
}

#[test]
fn a_very_long_file_name_does_not_stop_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    let clients = dir.path().join("clients");
    std::fs::create_dir(&clients).unwrap();
    let long = format!("{}.yaml", "n".repeat(245));
    copy_sample(&clients.join(&long), MINIMAL);
    copy_sample(&clients.join("z.yaml"), FULL);
    let out = batch(dir.path(), &["--format", "html,oscal"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(files_in(&dir.path().join("out")).len(), 5);
}

#[test]
fn a_write_error_for_one_client_is_that_clients_error_and_the_batch_ends() {
    let dir = tempfile::tempdir().unwrap();
    let clients = dir.path().join("clients");
    std::fs::create_dir(&clients).unwrap();
    // More clients than the walk's channel holds, so a stalled batch would hang here.
    let bytes = std::fs::read(repo(MINIMAL)).unwrap();
    for i in 0..400 {
        std::fs::write(clients.join(format!("c{i:03}.yaml")), &bytes).unwrap();
    }
    let out_dir = dir.path().join("out");
    // A folder where one client's report should go: that write fails.
    std::fs::create_dir_all(out_dir.join("c007.json")).unwrap();
    let out = batch(dir.path(), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains("c007.json"), "{err}");
    let summary = std::fs::read_to_string(out_dir.join("portfolio.csv")).unwrap();
    assert_eq!(summary.lines().count(), 401);
    assert_eq!(summary.matches(",invalid,").count(), 1, "{summary}");
}

#[test]
fn a_second_run_into_the_same_folder_is_refused_while_the_first_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let clients = dir.path().join("clients");
    std::fs::create_dir(&clients).unwrap();
    copy_sample(&clients.join("a.yaml"), MINIMAL);
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let held = std::fs::File::open(&out_dir).unwrap();
    held.try_lock().unwrap();
    let out = batch(dir.path(), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("another msp-risk run"),
        "{}",
        stderr_of(&out)
    );
    assert!(files_in(&out_dir).is_empty());
    drop(held);
    assert_eq!(
        batch(dir.path(), &["--format", "json"]).status.code(),
        Some(0)
    );
}

#[test]
fn stale_temporary_files_are_removed_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let clients = dir.path().join("clients");
    std::fs::create_dir(&clients).unwrap();
    copy_sample(&clients.join("a.yaml"), MINIMAL);
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    std::fs::write(out_dir.join(".msp-risk-Ab3xYz.tmp"), "client data").unwrap();
    std::fs::write(out_dir.join("notes.txt"), "mine").unwrap();
    let out = batch(dir.path(), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(files_in(&out_dir), ["a.json", "notes.txt", "portfolio.csv"]);
}

#[test]
fn sigterm_and_sigint_leave_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let clients = dir.path().join("clients");
    std::fs::create_dir(&clients).unwrap();
    let bytes = std::fs::read(repo(FULL)).unwrap();
    for i in 0..1500 {
        std::fs::write(clients.join(format!("c{i:04}.yaml")), &bytes).unwrap();
    }
    let bin = assert_cmd::cargo::cargo_bin("msp-risk");
    for (round, signal) in ["TERM", "INT", "TERM", "INT", "TERM", "INT"]
        .iter()
        .enumerate()
    {
        let out_dir = dir.path().join(format!("out{round}"));
        let mut child = Std::new(&bin)
            .args([
                "report",
                "clients",
                "--quiet",
                "--format",
                "html,json,oscal,sarif",
            ])
            .arg("--output-dir")
            .arg(&out_dir)
            .current_dir(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(150 + 60 * round as u64));
        let _ = Std::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status();
        let status = child.wait().unwrap();
        let left: Vec<String> = files_in(&out_dir)
            .into_iter()
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "round {round} (SIG{signal}): {left:?}");
        // Stopped by the signal (130), or already finished (0).
        assert!(matches!(status.code(), Some(130 | 0)), "{status:?}");
    }
}

// ---- Paths that are not UTF-8 ------------------------------------------------------------

#[test]
fn file_names_that_are_not_utf8_are_read_not_panicked_on() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"x\xff.yaml");
    copy_sample(&dir.path().join(name), MINIMAL);
    let out = msp()
        .arg("report")
        .arg(name)
        .current_dir(dir.path())
        .timeout(LIMIT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("Lakeside"));

    let clients = dir.path().join("clients");
    std::fs::create_dir(&clients).unwrap();
    copy_sample(&clients.join(name), SOME);
    let out = run_in(dir.path(), &["check", "--fail-on", "critical", "clients"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("PASS"), "{}", stdout_of(&out));

    let missing = PathBuf::from(std::ffi::OsStr::from_bytes(b"missing\xfe.yaml"));
    let out = msp()
        .arg("report")
        .arg(&missing)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("no such file"));
}

// ---- Messages ------------------------------------------------------------------------------

#[test]
fn output_format_messages_say_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    copy_sample(&dir.path().join("a.yaml"), MINIMAL);
    let out = run_in(dir.path(), &["report", "a.yaml", "--output", "html:"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("names no file"),
        "{}",
        stderr_of(&out)
    );

    // --format applies to every --output without a prefix: never silently ignored.
    let out = run_in(
        dir.path(),
        &[
            "report", "a.yaml", "--format", "json", "--output", "one", "--output", "two",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    for f in ["one", "two"] {
        let text = std::fs::read_to_string(dir.path().join(f)).unwrap();
        assert!(
            serde_json::from_str::<serde_json::Value>(&text).is_ok(),
            "{f}"
        );
    }
    let out = run_in(
        dir.path(),
        &[
            "report", "a.yaml", "--format", "json", "--output", "x.json", "--output", "y.html",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("--format says json"),
        "{}",
        stderr_of(&out)
    );
}

// ---- From the blind attack on the fixed build ---------------------------------------------

fn stdin_from(path: &Path) -> std::process::Stdio {
    std::process::Stdio::from(std::fs::File::open(path).unwrap())
}

#[test]
fn an_answers_file_read_from_standard_input_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("s.yaml");
    copy_sample(&a, MINIMAL);
    let original = std::fs::read(&a).unwrap();
    for args in [
        &["report", "-", "--output", "md:s.yaml"][..],
        &["report", "/dev/stdin", "--output", "md:s.yaml"],
        &["ask-msp", "-", "--output", "s.yaml"],
    ] {
        let mut cmd = Std::new(assert_cmd::cargo::cargo_bin("msp-risk"));
        let out = cmd
            .args(["--today", crate::TODAY])
            .args(args)
            .current_dir(dir.path())
            .stdin(stdin_from(&a))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr_of(&out));
        assert_eq!(std::fs::read(&a).unwrap(), original, "{args:?}");
    }
}

#[test]
fn standard_output_appended_to_an_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("s.yaml");
    copy_sample(&a, MINIMAL);
    let original = std::fs::read(&a).unwrap();
    let append = std::fs::OpenOptions::new().append(true).open(&a).unwrap();
    let out = Std::new(assert_cmd::cargo::cargo_bin("msp-risk"))
        .args([
            "--today",
            crate::TODAY,
            "report",
            "s.yaml",
            "--output",
            "json:-",
        ])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::from(append))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert_eq!(std::fs::read(&a).unwrap(), original);
}

#[test]
fn the_same_output_under_two_spellings_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    copy_sample(&dir.path().join("a.yaml"), MINIMAL);
    std::os::unix::fs::symlink(".", dir.path().join("here")).unwrap();
    for second in ["md:./same.out", "md:here/same.out"] {
        let out = run_in(
            dir.path(),
            &[
                "report",
                "a.yaml",
                "--output",
                "json:same.out",
                "--output",
                second,
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{second}: {}", stderr_of(&out));
        assert!(
            stderr_of(&out).contains("named twice"),
            "{}",
            stderr_of(&out)
        );
    }
}

/// A pipe whose reading end is already closed: writing to it fails with EPIPE.
fn closed_pipe() -> std::process::Stdio {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    std::process::Stdio::from(writer)
}

#[test]
fn a_closed_standard_output_never_loses_the_files_or_panics() {
    let dir = tempfile::tempdir().unwrap();
    copy_sample(&dir.path().join("a.yaml"), MINIMAL);
    let bin = assert_cmd::cargo::cargo_bin("msp-risk");
    let out = Std::new(&bin)
        .args([
            "--today",
            crate::TODAY,
            "report",
            "a.yaml",
            "--output",
            "bp.md",
            "--output",
            "json:-",
        ])
        .current_dir(dir.path())
        .stdout(closed_pipe())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        dir.path().join("bp.md").is_file(),
        "the file output is still written"
    );
    // Closed standard output and error in a batch and when writing files: no panic (134).
    for args in [
        &["report", "a.yaml", "--output-dir", "out", "--format", "md"][..],
        &["report", "a.yaml", "--output", "x.md"],
        &["template", "--output", "t.yaml"],
    ] {
        let out = Std::new(&bin)
            .args(["--today", crate::TODAY])
            .args(args)
            .current_dir(dir.path())
            .stdout(closed_pipe())
            .stderr(closed_pipe())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
    }
}

#[test]
fn a_silent_standard_input_pipe_never_hangs() {
    let mut quiet = Std::new("sleep")
        .arg("120")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pipe = quiet.stdout.take().unwrap();
    let out = Std::new(assert_cmd::cargo::cargo_bin("msp-risk"))
        .args(["report", "-"])
        .stdin(std::process::Stdio::from(pipe))
        .output()
        .unwrap();
    let _ = quiet.kill();
    let _ = quiet.wait();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("30 seconds"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn echoed_arguments_and_custom_bank_text_never_reach_the_terminal_raw() {
    let out = msp()
        .args(["report", "--today", "2020\u{1b}[2J\u{202e}", "x.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        !err.contains('\u{1b}') && !err.contains('\u{202e}'),
        "{err:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let bank = std::fs::read_to_string(repo("tests/fixtures/banks/small.yaml")).unwrap();
    let evil = bank.replacen(
        "Are unused accounts switched off?",
        "\"Evil \\u202e\\u0085\\u2028 question?\"",
        1,
    );
    std::fs::write(dir.path().join("evil.yaml"), evil).unwrap();
    let out = run_in(dir.path(), &["--bank", "evil.yaml", "schema", "answers"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    assert!(text.contains("Evil"), "the bank's title is in the schema");
    assert!(
        !text.contains('\u{202e}') && !text.contains('\u{85}') && !text.contains('\u{2028}'),
        "{}: {}",
        out.status,
        stderr_of(&out)
    );
}

#[test]
fn a_summary_that_cannot_be_written_still_shows_every_client_error() {
    let dir = tempfile::tempdir().unwrap();
    let clients = dir.path().join("clients");
    std::fs::create_dir(&clients).unwrap();
    copy_sample(&clients.join("a.yaml"), MINIMAL);
    copy_sample(&clients.join("b.yaml"), SOME);
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    std::os::unix::fs::symlink("../victim", out_dir.join("a.md")).unwrap();
    std::os::unix::fs::symlink("../victim", out_dir.join("portfolio.csv")).unwrap();
    let out = batch(dir.path(), &["--format", "md"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        err.contains("a.md") && err.contains("portfolio.csv"),
        "{err}"
    );
    assert!(!dir.path().join("victim").exists());
}

#[test]
fn a_very_deep_folder_tree_is_walked_without_a_deep_call_stack() {
    let dir = tempfile::tempdir().unwrap();
    let mut deep = dir.path().join("clients");
    for _ in 0..1500 {
        deep.push("d");
    }
    std::fs::create_dir_all(&deep).unwrap();
    copy_sample(&deep.join("a.yaml"), MINIMAL);
    let out = run_in(dir.path(), &["check", "--fail-on", "critical", "clients"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let out = run_in(dir.path(), &["parse-floor", "clients"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("1 file(s) parsed"));
}

// ---- From the second attack round ---------------------------------------------------------

#[test]
fn a_failing_gate_keeps_its_exit_code_when_the_reader_goes_away() {
    let dir = tempfile::tempdir().unwrap();
    copy_sample(&dir.path().join("a.yaml"), MINIMAL);
    copy_sample(&dir.path().join("c.yaml"), FULL);
    let bin = assert_cmd::cargo::cargo_bin("msp-risk");
    let run = |args: &[&str]| {
        Std::new(&bin)
            .args(["--today", crate::TODAY])
            .args(args)
            .current_dir(dir.path())
            .stdout(closed_pipe())
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(run(&["check", "a.yaml", "--fail-on", "high"]), Some(1));
    assert_eq!(
        run(&["diff", "c.yaml", "a.yaml", "--fail-on-regression"]),
        Some(1)
    );
    std::fs::write(
        dir.path().join("bad.yaml"),
        "bank: cisa-msp-customer@2.0.0\nassessed_on: 2026-02-30\nanswers:\n",
    )
    .unwrap();
    assert_eq!(run(&["check", "bad.yaml", "--fail-on", "high"]), Some(2));
}

fn append_to(path: &Path) -> std::process::Stdio {
    std::process::Stdio::from(std::fs::OpenOptions::new().append(true).open(path).unwrap())
}

#[test]
fn no_command_appends_its_output_to_a_file_it_reads() {
    let dir = tempfile::tempdir().unwrap();
    let clients = dir.path().join("clients");
    std::fs::create_dir(&clients).unwrap();
    copy_sample(&dir.path().join("a.yaml"), MINIMAL);
    copy_sample(&clients.join("b.yaml"), SOME);
    let bank = dir.path().join("bank.yaml");
    std::fs::copy(repo("questionnaires/cisa-msp-customer.yaml"), &bank).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("msp-risk");
    for (args, target) in [
        (
            &["check", "a.yaml", "--fail-on", "high"][..],
            dir.path().join("a.yaml"),
        ),
        (
            &["check", "clients", "--fail-on", "high"],
            clients.join("b.yaml"),
        ),
        (
            &["report", "clients", "--output-dir", "out"],
            clients.join("b.yaml"),
        ),
        (
            &["report", "a.yaml", "--output-dir", "out2"],
            dir.path().join("a.yaml"),
        ),
        (&["bank", "lint", "bank.yaml"], bank.clone()),
    ] {
        let before = std::fs::read(&target).unwrap();
        let out = Std::new(&bin)
            .args(["--today", crate::TODAY])
            .args(args)
            .current_dir(dir.path())
            .stdout(append_to(&target))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr_of(&out));
        assert_eq!(std::fs::read(&target).unwrap(), before, "{args:?}");
    }
}

#[test]
fn diff_json_carries_no_control_or_bidi_characters() {
    let dir = tempfile::tempdir().unwrap();
    copy_sample(&dir.path().join("a.yaml"), MINIMAL);
    let text = std::fs::read_to_string(repo(MINIMAL)).unwrap();
    let evil: String = text
        .lines()
        .map(|l| {
            if l.starts_with("organization:") {
                "organization: \"X\\e[31m\\u009b31mRED\\u202eRTL\\u2066\\u2028\\u0085\\x7f\""
                    .to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.path().join("evil.yaml"), evil).unwrap();
    let out = run_in(
        dir.path(),
        &["diff", "a.yaml", "evil.yaml", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let json = stdout_of(&out);
    assert!(json.contains("RED"));
    for c in [
        '\u{1b}', '\u{9b}', '\u{202e}', '\u{2066}', '\u{2028}', '\u{85}', '\u{7f}',
    ] {
        assert!(!json.contains(c), "{c:?}");
    }
}

#[test]
fn symlinked_files_in_a_folder_are_skipped_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let clients = dir.path().join("clients");
    std::fs::create_dir(&clients).unwrap();
    copy_sample(&clients.join("a.yaml"), MINIMAL);
    std::fs::write(dir.path().join("secret.txt"), "root:SECRETHASH:1::\n").unwrap();
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), clients.join("x.yaml")).unwrap();
    let out = run_in(dir.path(), &["check", "clients", "--fail-on", "critical"]);
    let all = stdout_of(&out) + &stderr_of(&out);
    assert!(!all.contains("SECRETHASH"), "{all}");
    assert!(
        all.contains("clients/x.yaml") && all.contains("symbolic link to a file"),
        "{all}"
    );
    // Named on the command line, a link is followed: the person asked for that file.
    std::os::unix::fs::symlink(
        dir.path().join("clients/a.yaml"),
        dir.path().join("named.yaml"),
    )
    .unwrap();
    assert_eq!(
        run_in(dir.path(), &["report", "named.yaml"]).status.code(),
        Some(0)
    );
}

#[test]
fn several_inputs_with_an_invalid_one_write_no_file() {
    let dir = tempfile::tempdir().unwrap();
    copy_sample(&dir.path().join("a.yaml"), SOME);
    std::fs::write(
        dir.path().join("bad.yaml"),
        "bank: cisa-msp-customer@2.0.0\nassessed_on: 2026-02-30\nanswers:\n",
    )
    .unwrap();
    let out = run_in(
        dir.path(),
        &["report", "a.yaml", "bad.yaml", "--output", "pj.json"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("No file was written"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(files_in(dir.path()), ["a.yaml", "bad.yaml"]);
}

#[test]
fn temporary_file_problems_name_the_folder_and_tmpdir() {
    let dir = tempfile::tempdir().unwrap();
    let clients = dir.path().join("clients");
    std::fs::create_dir(&clients).unwrap();
    copy_sample(&clients.join("a.yaml"), MINIMAL);
    copy_sample(&clients.join("b.yaml"), SOME);
    let out = msp()
        .args(["report", "clients", "--format", "json"])
        .env("TMPDIR", "/nonexistent-msp-risk-tmp")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        err.contains("/nonexistent-msp-risk-tmp") && err.contains("TMPDIR"),
        "{err}"
    );
}

#[test]
fn standard_input_is_not_an_output() {
    let dir = tempfile::tempdir().unwrap();
    copy_sample(&dir.path().join("a.yaml"), MINIMAL);
    let out = run_in(
        dir.path(),
        &["report", "a.yaml", "--output", "json:/dev/stdin"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
}
