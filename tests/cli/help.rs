//! Every command's help shows an example, and the top-level help documents exit codes.

use crate::{msp, stdout_of};

#[test]
fn every_command_has_an_example_in_its_help() {
    for args in [
        vec!["bank"],
        vec!["report"],
        vec!["check"],
        vec!["template"],
        vec!["bank", "list"],
        vec!["bank", "show"],
        vec!["bank", "lint"],
        vec!["bank", "export"],
    ] {
        let out = msp().args(&args).arg("--help").output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = stdout_of(&out);
        assert!(
            text.contains("Example"),
            "{args:?} help has no example:\n{text}"
        );
        assert!(text.contains("msp-risk "), "{args:?}");
    }
}

#[test]
fn top_level_help_documents_exit_codes() {
    let text = stdout_of(&msp().arg("--help").output().unwrap());
    for line in [
        "0    success",
        "1    `check` found",
        "2    an error",
        "130  stopped by Ctrl-C or SIGTERM (or Esc in the interview)",
    ] {
        assert!(text.contains(line), "missing `{line}` in:\n{text}");
    }
}

#[test]
fn usage_errors_exit_2() {
    let out = msp().arg("frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = msp().args(["report"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = msp()
        .args(["--today", "yesterday", "bank", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn version_names_the_embedded_questionnaire() {
    let out = msp().arg("--version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let bank = msp_risk::bank::builtin().unwrap().reference();
    assert_eq!(
        stdout_of(&out).trim(),
        format!(
            "msp-risk {} (questionnaire {bank})",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn completions_for_every_shell_and_a_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = msp().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = stdout_of(&out);
        assert!(
            text.contains("msp-risk") && text.contains("interview") && text.contains("--fail-on"),
            "{shell}"
        );
    }
    let man = stdout_of(&msp().arg("man").output().unwrap());
    assert!(man.contains(".TH msp-risk 1"));
    assert!(man.contains("interview") && man.contains("Exit codes"));
}
