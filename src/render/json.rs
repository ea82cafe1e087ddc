//! `--format json`: the [`Report`] structure itself, pretty-printed.
//!
//! One file gives one report object. Several files give
//! `{"schema_version", "reports": [...], "portfolio": [...]}`.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter, PrettyFormatter};

use super::{PortfolioPart, RenderError, Renderer};
use crate::report::{Report, SCHEMA_VERSION};
use crate::sanitize::document_text;

/// Renders reports as JSON.
pub struct JsonRenderer;

/// Pretty-printed JSON in which no string (value or key) holds an unsafe character: every
/// JSON document msp-risk writes (report, SARIF, OSCAL) goes through here. JSON escapes C0
/// controls, but a consumer that prints the decoded text gets them back; C1 controls, DEL and
/// bidirectional overrides are not escaped at all. So each becomes `�`, as in the other
/// formats; newlines and tabs stay (escaped as `\n`, `\t`) for multi-line text.
pub(super) fn to_json(value: &impl Serialize) -> Result<String, RenderError> {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, SafeFormatter::default());
    value
        .serialize(&mut ser)
        .map_err(|e| RenderError(e.to_string()))?;
    let mut s = String::from_utf8(out).map_err(|e| RenderError(e.to_string()))?;
    s.push('\n');
    Ok(s)
}

/// serde_json's pretty printer, with string contents passed through [`document_text`].
#[derive(Default)]
struct SafeFormatter(PrettyFormatter<'static>);

/// One replacement character, for escapes of control characters.
const REPLACEMENT: &str = "\u{FFFD}";

impl Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        w.write_all(document_text(fragment).as_bytes())
    }

    fn write_char_escape<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        let text: &str = match escape {
            CharEscape::Quote => "\\\"",
            CharEscape::ReverseSolidus => "\\\\",
            CharEscape::Solidus => "\\/",
            CharEscape::LineFeed => "\\n",
            CharEscape::Tab => "\\t",
            CharEscape::Backspace
            | CharEscape::FormFeed
            | CharEscape::CarriageReturn
            | CharEscape::AsciiControl(_) => REPLACEMENT,
        };
        w.write_all(text.as_bytes())
    }

    // The layout is the pretty printer's.
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
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
            text.lines()
                .map(|l| format!("    {l}\n"))
                .collect::<String>()
        };
        fn json(v: &impl Serialize) -> Result<String, RenderError> {
            to_json(v).map(|s| s.trim_end().to_string())
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
