//! Any text in every text field an answers file carries, through every renderer: no panic,
//! no control characters in the output.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msp_risk::render::{Format, RenderOptions, TableOptions};
use msp_risk::{answers, bank};

fuzz_target!(|data: &[u8]| {
    let Ok(bank) = bank::builtin() else { return };
    let text = String::from_utf8_lossy(data);
    let quoted = serde_json::to_string(&text).unwrap_or_default();
    let yaml = format!(
        "bank: {}\norganization: {quoted}\nassessed_by: {quoted}\nanswers:\n  GOV-01:\n    answer: no\n    note: {quoted}\n    evidence: {quoted}\n  GOV-02: unknown\naccepted_risks:\n  - question: GOV-01\n    justification: {quoted}\n",
        bank.reference()
    );
    let Ok(file) = answers::load(yaml.as_bytes(), "fuzz.yaml", bank) else { return };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
    let report = msp_risk::score(bank, &file, today);
    let options = RenderOptions { table: TableOptions::default(), fail_on: bank::Severity::High };
    for (format, _) in Format::ALL {
        let out = format.renderer(options).render(&report).unwrap_or_default();
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'));
    }
});
