//! The bank compiled into the binary, so `msp-risk interview` works with no files at all.

use std::sync::OnceLock;

use super::Bank;
use crate::diagnostic::{LoadError, Pos};
use crate::tree::{Key, Node, Value};

/// The embedded bank's YAML, exactly as in `questionnaires/cisa-msp-customer.yaml`.
pub const BUILTIN_YAML: &str = include_str!("../../questionnaires/cisa-msp-customer.yaml");

/// How the embedded bank is named in messages.
pub const BUILTIN_NAME: &str = "<embedded bank>";

/// The embedded bank, parsed once. A test (`embedded_bank_is_valid`) proves it loads, so the
/// error branch is unreachable in a released binary; it is still reported, never panicked on.
pub fn builtin() -> Result<&'static Bank, &'static crate::LoadError> {
    static BANK: OnceLock<Result<Bank, crate::LoadError>> = OnceLock::new();
    BANK.get_or_init(load_prepared).as_ref()
}

/// The embedded bank as JSON, made from [`BUILTIN_YAML`] by `build.rs`.
const BUILTIN_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/builtin-bank.json"));

/// Loads the embedded bank from its build-time JSON form, with every check of
/// [`super::load`]. Positions are not kept (the embedded bank has no problems to point at).
fn load_prepared() -> Result<Bank, LoadError> {
    let value: serde_json::Value =
        serde_json::from_str(BUILTIN_JSON).map_err(|e| LoadError::Invalid {
            diagnostics: vec![crate::Diagnostic::new(
                BUILTIN_NAME,
                Pos::default(),
                "yaml-syntax",
                e.to_string(),
            )],
        })?;
    super::parse::bank(&node(value), BUILTIN_NAME)
}

fn node(value: serde_json::Value) -> Node {
    let value = match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => Value::Number(n.to_string()),
        serde_json::Value::String(s) => Value::Str(s),
        serde_json::Value::Array(items) => Value::Seq(items.into_iter().map(node).collect()),
        serde_json::Value::Object(map) => Value::Map(
            map.into_iter()
                .map(|(text, v)| {
                    (
                        Key {
                            text,
                            pos: Pos::default(),
                        },
                        node(v),
                    )
                })
                .collect(),
        ),
    };
    Node {
        pos: Pos::default(),
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The build-time JSON and the YAML source load to the same bank.
    #[test]
    fn the_prepared_bank_is_the_yaml_bank() {
        let from_yaml = super::super::load(BUILTIN_YAML.as_bytes(), BUILTIN_NAME).unwrap();
        let prepared = load_prepared().unwrap();
        let strip = |b: &Bank| {
            let mut qs = b.questions.clone();
            for q in &mut qs {
                q.pos = Pos::default();
            }
            format!(
                "{:?}{:?}{:?}{:?}{}{}{}{}",
                qs, b.domains, b.actions, b.sources, b.id, b.version, b.title, b.description
            )
        };
        assert_eq!(strip(&from_yaml), strip(&prepared));
    }
}
