//! Any bytes as a questionnaire bank: loaded or refused with problems, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = msp_risk::bank::load(data, "fuzz-bank.yaml") {
        assert!(!e.to_string().chars().any(|c| c == '\u{1b}' || c == '\u{7}'));
    }
});
