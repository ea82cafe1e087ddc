//! `--format json`: the [`Report`] structure itself, pretty-printed.
//!
//! One file gives one report object. Several files give
//! `{"schema_version", "reports": [...], "portfolio": [...]}`.

use serde::Serialize;

use super::{PortfolioPart, RenderError, Renderer};
use crate::report::{Report, SCHEMA_VERSION};

/// Renders reports as JSON.
pub struct JsonRenderer;

fn to_json(value: &impl Serialize) -> Result<String, RenderError> {
    let mut s = serde_json::to_string_pretty(value).map_err(|e| RenderError(e.to_string()))?;
    s.push('\n');
    Ok(s)
}

impl Renderer for JsonRenderer {
    fn render(&self, report: &Report) -> Result<String, RenderError> {
        to_json(report)
    }

    fn portfolio_part(&self, part: PortfolioPart<'_>) -> Result<String, RenderError> {
        // The object `{"schema_version", "reports": [...], "portfolio": [...]}`, written a
        // report at a time. Pretty JSON strings hold no raw line breaks, so indenting each
        // line nests a document safely.
        let indent = |text: String| -> String {
            text.lines().map(|l| format!("    {l}\n")).collect::<String>()
        };
        fn json(v: &impl Serialize) -> Result<String, RenderError> {
            serde_json::to_string_pretty(v).map_err(|e| RenderError(e.to_string()))
        }
        Ok(match part {
            PortfolioPart::Report { index, report } => {
                let head = if index == 0 {
                    format!("{{\n  \"schema_version\": {SCHEMA_VERSION},\n  \"reports\": [\n")
                } else {
                    ",\n".to_string()
                };
                let body = indent(json(report)?);
                head + body.trim_end_matches('\n')
            }
            PortfolioPart::End { rows, total } => {
                let mut out = if total == 0 {
                    format!("{{\n  \"schema_version\": {SCHEMA_VERSION},\n  \"reports\": [")
                } else {
                    "\n  ],\n".to_string()
                };
                out.push_str(if total == 0 { "],\n" } else { "" });
                out.push_str("  \"portfolio\": [");
                for (i, row) in rows.enumerate() {
                    out.push_str(if i == 0 { "\n" } else { ",\n" });
                    out.push_str(indent(json(&row)?).trim_end_matches('\n'));
                }
                out.push_str("\n  ]\n}\n");
                out
            }
        })
    }
}
