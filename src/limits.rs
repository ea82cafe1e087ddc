//! Every limit on what msp-risk reads, in one place.
//!
//! Answers files and custom banks come from other people. These limits keep a hostile or
//! broken file from exhausting memory or time; a file over a limit is an error (exit 2),
//! never a crash. The README lists them.

/// Largest file read, in bytes. The embedded bank is about 100 KiB and a full answers file
/// about 20 KiB, so 8 MiB leaves room for very large custom banks and long notes.
pub const MAX_INPUT_BYTES: u64 = 8 * 1024 * 1024;

/// Deepest nesting of YAML maps and lists. Real files need 6 levels.
pub const MAX_DEPTH: usize = 32;

/// Most YAML aliases (`*name`) in one file. Our formats never need aliases; a few are
/// tolerated, thousands are an attack ("billion laughs").
pub const MAX_ALIASES: usize = 1_000;

/// Most YAML nodes (scalars, maps, lists) in one file, aliases expanded.
pub const MAX_NODES: usize = 500_000;

/// Most questions in a bank. The embedded bank has about 70.
pub const MAX_QUESTIONS: usize = 2_000;
