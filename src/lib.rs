//! msp-risk: assess the cyber risk of relying on a managed service provider (MSP).
//!
//! The library is the whole product except the terminal: it loads and checks questionnaire
//! banks and answers files, scores them into a [`Report`], and renders reports as text.
//! It never prints, never prompts and never reads the clock: the binary in
//! `src/bin/msp-risk/` decides where output goes and what "today" is.
//!
//! The path of data through the crate:
//!
//! ```text
//! bank YAML ──> bank::Bank            answers YAML ──> answers::AnswersFile
//!                     └────────────┬──────────────────────┘
//!                          scoring::score ──> report::Report ──> render::{table, json}
//! ```
#![forbid(unsafe_code)]
#![recursion_limit = "256"]
#![warn(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr, clippy::dbg_macro)]

pub mod answers;
pub mod ask_msp;
pub mod bank;
pub mod batch;
pub mod diagnostic;
pub mod diff;
pub mod fsio;
pub mod gate;
pub mod guard;
pub mod interview;
pub mod limits;
pub mod portfolio;
pub mod render;
pub mod reply;
pub mod report;
pub mod sanitize;
pub mod schemas;
pub mod scoring;
pub mod template;
mod tree;
mod yaml;

pub use answers::AnswersFile;
pub use bank::Bank;
pub use diagnostic::{Diagnostic, LoadError};
pub use report::Report;
pub use scoring::score;
#[doc(hidden)]
pub use yaml::to_json as yaml_to_json;
