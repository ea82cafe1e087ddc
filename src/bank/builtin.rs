//! The bank compiled into the binary, so `msp-risk interview` works with no files at all.

use std::sync::OnceLock;

use super::{load, Bank};

/// The embedded bank's YAML, exactly as in `questionnaires/cisa-msp-customer.yaml`.
pub const BUILTIN_YAML: &str = include_str!("../../questionnaires/cisa-msp-customer.yaml");

/// How the embedded bank is named in messages.
pub const BUILTIN_NAME: &str = "<embedded bank>";

/// The embedded bank, parsed once. A test (`embedded_bank_is_valid`) proves it loads, so the
/// error branch is unreachable in a released binary; it is still reported, never panicked on.
pub fn builtin() -> Result<&'static Bank, &'static crate::LoadError> {
    static BANK: OnceLock<Result<Bank, crate::LoadError>> = OnceLock::new();
    BANK.get_or_init(|| load(BUILTIN_YAML.as_bytes(), BUILTIN_NAME))
        .as_ref()
}
