//! Property: whatever the argument vector (non-UTF-8 bytes, hostile paths, devices, empty
//! strings, flags in any order), every command ends by itself with an exit code the README
//! documents (0, 1, 2 or 130) and never panics.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::time::Duration;

use proptest::prelude::*;

use crate::{msp, repo, stderr_of};

const COMMANDS: &[&str] = &[
    "report",
    "check",
    "diff",
    "ask-msp",
    "template",
    "interview",
    "bank",
    "schema",
    "completions",
    "man",
    "parse-floor",
    "help",
];

/// Words worth trying anywhere: flags of every command, values they take, and paths that
/// are files, folders, devices, missing or odd (all relative to a scratch folder, so a run
/// can write only there).
const WORDS: &[&str] = &[
    "--output",
    "-o",
    "--format",
    "-f",
    "--output-dir",
    "--bank",
    "--today",
    "--width",
    "--fail-on",
    "--max-unknown",
    "--max-unanswered",
    "--detailed",
    "--quiet",
    "--color",
    "--ascii",
    "--msp-name",
    "--answers",
    "--fail-on-regression",
    "--version",
    "--help",
    "-",
    "--",
    "",
    "a.yaml",
    "b.yaml",
    "clients",
    "missing.yaml",
    "out",
    "html:",
    "json:-",
    "html:a.yaml",
    "json:/dev/stdout",
    "/dev/null",
    "/dev/stdout",
    ".",
    "clients/..",
    "html,csv,json,junit,sarif,oscal,markdown,table",
    "critical",
    "high",
    "list",
    "show",
    "lint",
    "export",
    "MFA-01",
    "answers",
    "bash",
    "0",
    "99999999999999999999",
    "2026-02-30",
    "+10000-01-01",
    "a:b:c",
    "\u{1b}[2J",
    "\u{202e}gnp.yaml",
];

fn word() -> impl Strategy<Value = OsString> {
    prop_oneof![
        6 => proptest::sample::select(WORDS).prop_map(OsString::from),
        // Any bytes but NUL and `/`, and never only dots: a random `/` or `..` would make a
        // command walk the whole machine.
        1 => proptest::collection::vec(any::<u8>(), 0..12).prop_map(|b| {
            let mut b: Vec<u8> = b.into_iter().filter(|c| *c != 0 && *c != b'/').collect();
            if !b.is_empty() && b.iter().all(|c| *c == b'.') {
                b.push(b'x');
            }
            OsString::from_vec(b)
        }),
        1 => "[a-z:_-]{0,10}".prop_map(OsString::from),
    ]
}

fn argv() -> impl Strategy<Value = Vec<OsString>> {
    (
        proptest::sample::select(COMMANDS),
        proptest::collection::vec(word(), 0..6),
    )
        .prop_map(|(command, rest)| {
            let mut v = vec![OsString::from(command)];
            v.extend(rest);
            v
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_argument_vector_ends_with_a_documented_exit_code(args in argv()) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(
            repo("questionnaires/examples/dental-practice-minimal.yaml"),
            dir.path().join("a.yaml"),
        )
        .unwrap();
        std::fs::copy(
            repo("questionnaires/examples/accounting-firm-some.yaml"),
            dir.path().join("b.yaml"),
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("clients")).unwrap();
        std::fs::copy(
            repo("questionnaires/examples/engineering-firm-comprehensive.yaml"),
            dir.path().join("clients").join("c.yaml"),
        )
        .unwrap();
        let out = msp()
            .args(&args)
            .write_stdin(Vec::<u8>::new())
            .current_dir(dir.path())
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        let code = out.status.code();
        prop_assert!(
            matches!(code, Some(0 | 1 | 2 | 130)),
            "{args:?} gave {code:?}: {}",
            stderr_of(&out)
        );
        prop_assert!(!stderr_of(&out).contains("panicked"), "{args:?}: {}", stderr_of(&out));
    }
}
