//! Output formats. Each format is one file with one type implementing [`Renderer`].
//!
//! Renderers are pure formatting over a finished [`Report`]: they never score, read files,
//! look at the terminal or the clock. Width and colour are options decided by the caller.

mod json;
mod table;

pub use json::JsonRenderer;
pub use table::{TableOptions, TableRenderer};

use crate::report::Report;

/// Why rendering failed (never because of the report's content: every text is accepted).
#[derive(Debug, thiserror::Error)]
#[error("cannot render the report: {0}")]
pub struct RenderError(pub String);

/// Turns reports into the text of one format.
pub trait Renderer {
    /// One organisation's report.
    fn render(&self, report: &Report) -> Result<String, RenderError>;

    /// Several organisations' reports followed by the portfolio roll-up.
    fn render_portfolio(&self, reports: &[Report]) -> Result<String, RenderError>;
}

/// The formats `report --format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The risk report for a terminal.
    Table,
    /// The whole report as JSON.
    Json,
}

impl Format {
    /// The renderer for this format.
    pub fn renderer(self, table: TableOptions) -> Box<dyn Renderer> {
        match self {
            Format::Table => Box::new(TableRenderer::new(table)),
            Format::Json => Box::new(JsonRenderer),
        }
    }
}
