//! `--format json`: the [`Report`] structure itself, pretty-printed.
//!
//! One file gives one report object. Several files give
//! `{"schema_version", "reports": [...], "portfolio": [...]}`.

use serde::Serialize;

use super::{RenderError, Renderer};
use crate::portfolio::{rows, PortfolioRow};
use crate::report::{Report, SCHEMA_VERSION};

/// Renders reports as JSON.
pub struct JsonRenderer;

#[derive(Serialize)]
struct Portfolio<'a> {
    schema_version: u32,
    reports: &'a [Report],
    portfolio: Vec<PortfolioRow>,
}

fn to_json(value: &impl Serialize) -> Result<String, RenderError> {
    let mut s = serde_json::to_string_pretty(value).map_err(|e| RenderError(e.to_string()))?;
    s.push('\n');
    Ok(s)
}

impl Renderer for JsonRenderer {
    fn render(&self, report: &Report) -> Result<String, RenderError> {
        to_json(report)
    }

    fn render_portfolio(&self, reports: &[Report]) -> Result<String, RenderError> {
        to_json(&Portfolio {
            schema_version: SCHEMA_VERSION,
            reports,
            portfolio: rows(reports),
        })
    }
}
