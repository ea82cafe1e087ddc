//! Any bytes as an answers file: the reader either accepts them or returns problems, never
//! panics; accepted files score.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msp_risk::{answers, bank};

fuzz_target!(|data: &[u8]| {
    let Ok(bank) = bank::builtin() else { return };
    if let Ok(file) = answers::load(data, "fuzz.yaml", bank) {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        let _ = msp_risk::score(bank, &file, today);
    } else if let Err(e) = answers::load(data, "fuzz.yaml", bank) {
        // Messages are safe to print.
        assert!(!e.to_string().chars().any(|c| c == '\u{1b}' || c == '\u{7}'));
    }
});
