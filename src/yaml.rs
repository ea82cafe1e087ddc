//! The only module that talks to the YAML library (serde-saphyr).
//!
//! Everything msp-risk reads is YAML written by people: the questionnaire bank and answers
//! files. This module turns bytes into a [`Node`] tree where every value knows its line and
//! column, with strict, safe settings:
//!
//! - duplicate keys are errors (a second answer for the same question must never silently
//!   replace the first);
//! - only YAML 1.2 booleans (`true`/`false`): `yes`, `no` and `on` stay text, which is what
//!   the answers vocabulary needs;
//! - merge keys (`<<`) are refused, and the size, depth, node and alias budgets come from
//!   [`crate::limits`], so "billion laughs" files fail fast;
//! - a UTF-8 byte order mark is accepted; UTF-16 and invalid UTF-8 get a clear message.
//!
//! Why serde-saphyr and not serde_yaml: see the README ("Why serde-saphyr").

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, MergeKeyPolicy, Spanned};

use crate::diagnostic::{Diagnostic, Pos};
use crate::limits;
use crate::tree::{Key, Node, Value};

/// Parses one YAML document into a tree with positions. `file` names the file in messages.
pub(crate) fn parse(bytes: &[u8], file: &str) -> Result<Node, Diagnostic> {
    let text = decode(bytes, file)?;
    refuse_tags(text, file)?;
    let mut budget = Budget::default();
    budget.max_reader_input_bytes = Some(limits::MAX_INPUT_BYTES as usize);
    budget.max_depth = limits::MAX_DEPTH;
    budget.max_aliases = limits::MAX_ALIASES;
    budget.max_nodes = limits::MAX_NODES;
    let options = serde_saphyr::options! {
        strict_booleans: true,
        merge_keys: MergeKeyPolicy::Error,
        reject_unsupported_tags: true,
        budget: Some(budget),
    };
    let spanned: Spanned<ValueSeed> = serde_saphyr::from_str_with_options(text, options)
        .map_err(|e| Diagnostic::new(file, error_pos(&e), "yaml-syntax", describe(&e)))?;
    if spanned.value.0 == Value::Null {
        return Err(Diagnostic::new(
            file,
            Pos::default(),
            "empty-file",
            "the file is empty (or holds only comments); it should be a map of `key: value` lines",
        ));
    }
    Ok(Node {
        pos: pos_of(&spanned),
        value: spanned.value.0,
    })
}

/// A YAML document as JSON, for checking files against the JSON Schemas in tests and tools.
#[doc(hidden)]
pub fn to_json(bytes: &[u8], file: &str) -> Result<serde_json::Value, Diagnostic> {
    fn convert(v: Value) -> serde_json::Value {
        match v {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(b),
            Value::Number(n) => n
                .parse::<i64>()
                .map(serde_json::Value::from)
                .or_else(|_| n.parse::<f64>().map(serde_json::Value::from))
                .unwrap_or(serde_json::Value::String(n)),
            Value::Str(s) => serde_json::Value::String(s),
            Value::Seq(items) => items.into_iter().map(|n| convert(n.value)).collect(),
            Value::Map(entries) => serde_json::Value::Object(
                entries
                    .into_iter()
                    .map(|(k, n)| (k.text, convert(n.value)))
                    .collect(),
            ),
        }
    }
    Ok(convert(parse(bytes, file)?.value))
}

/// Writes `s` as a YAML scalar, quoted whenever a reader could take it for anything but
/// text (`no`, `1.0`, `#note`, `a: b`, ...). Used for values the tool writes into files.
/// The result is always one line: text with line breaks or control characters is written as
/// a double-quoted string with escapes (JSON's quoting, which YAML reads the same way).
pub(crate) fn scalar(s: &str) -> String {
    let one_line = |out: &str| !out.trim_end_matches('\n').contains('\n');
    match serde_saphyr::to_string(&s) {
        Ok(out) if one_line(&out) && s.chars().all(|c| printable(c) && c != '\t') => {
            out.trim_end_matches('\n').to_string()
        }
        _ => double_quoted(s),
    }
}

/// YAML's printable characters: only these may appear raw in a file (DEL, C1 controls and
/// U+FFFE/U+FFFF may not, so a note holding one must be escaped to be read back).
fn printable(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{7E}' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        || c >= '\u{10000}'
}

/// A double-quoted YAML scalar on one line: `\\`, `"` and line breaks escaped, every
/// character YAML does not allow raw written as `\\uXXXX`.
fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if printable(c) && c != '\u{85}' => out.push(c),
            c => {
                let _ =
                    std::fmt::Write::write_fmt(&mut out, format_args!("\\u{:04X}", u32::from(c)));
            }
        }
    }
    out.push('"');
    out
}

/// msp-risk files are plain YAML: any tag (`!!binary`, `!!str`, `!custom`) is refused, with
/// its position. Tags need a `!`, so files without one (nearly all) are not scanned twice.
fn refuse_tags(text: &str, file: &str) -> Result<(), Diagnostic> {
    if !text.contains('!') {
        return Ok(());
    }
    for event in serde_saphyr::granit_parser::Parser::new_from_str(text) {
        // Syntax errors are reported by the real parse, with its better wording.
        let Ok((event, span)) = event else { break };
        if event.tag().is_some() {
            let pos = Pos {
                line: span.start.line() as u64,
                column: span.start.col() as u64 + 1,
            };
            return Err(Diagnostic::new(
                file,
                pos,
                "yaml-tag",
                "YAML tags (like `!!binary` or `!name`) are not supported; write the value as plain text",
            ));
        }
    }
    Ok(())
}

fn decode<'a>(bytes: &'a [u8], file: &str) -> Result<&'a str, Diagnostic> {
    let whole = Pos::default();
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Diagnostic::new(
            file,
            whole,
            "encoding",
            "the file is UTF-16; save it as UTF-8 (in most editors: \"Save with encoding\", UTF-8)",
        ));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let before = &bytes[..e.valid_up_to()];
            let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&before[line_start..])
                .chars()
                .count() as u64
                + 1;
            let message = if bytes.contains(&0) {
                "this is not a text file (it contains binary data); give the path of a YAML file"
            } else {
                "the file is not valid UTF-8 text; save it as UTF-8"
            };
            Err(Diagnostic::new(
                file,
                Pos { line, column },
                "encoding",
                message,
            ))
        }
    }
}

fn error_pos(e: &serde_saphyr::Error) -> Pos {
    e.location()
        .map(|l| Pos {
            line: l.line(),
            column: l.column(),
        })
        .unwrap_or_default()
}

/// The library's message without its " at line L, column C" suffix (we print the position
/// first, compiler-style) and with plain-language wording for the common cases.
fn describe(e: &serde_saphyr::Error) -> String {
    use serde_saphyr::Error as E;
    match e.without_snippet() {
        E::DuplicateMappingKey { key, .. } => match key {
            Some(k) => format!(
                "the key `{}` appears twice; keep only one (a second value would silently replace the first)",
                crate::sanitize::ellipsize(k, 60)
            ),
            None => "a key appears twice in the same map; keep only one".to_string(),
        },
        E::MergeKeyNotAllowed { .. } => {
            "merge keys (`<<`) are not supported; write the values out in full".to_string()
        }
        E::MultipleDocuments { .. } => {
            "the file holds more than one YAML document (a `---` line); keep one document per file"
                .to_string()
        }
        E::Eof { .. } => "the file is empty or ends too early; it should be a map of keys".to_string(),
        other => {
            let text = other.to_string();
            // Budget breaches (also when wrapped, for example inside an alias expansion).
            if text.contains("budget breached") || text.contains("recursion limit") {
                return format!(
                    "the file exceeds a safety limit (at most {} levels of nesting, {} aliases, \
                     {} values); msp-risk files never need this much",
                    limits::MAX_DEPTH,
                    limits::MAX_ALIASES,
                    limits::MAX_NODES
                );
            }
            let trimmed = match text.rfind(" at line ") {
                Some(i) => &text[..i],
                None => &text,
            };
            let trimmed = trimmed.replace("expected mapping start", "expected a map of `key: value` lines");
            format!("invalid YAML: {trimmed}")
        }
    }
}

fn pos_of<T>(s: &Spanned<T>) -> Pos {
    Pos {
        line: s.referenced.line(),
        column: s.referenced.column(),
    }
}

/// Deserialises any YAML node into a [`Value`], keeping positions of children.
struct ValueSeed(Value);

impl<'de> Deserialize<'de> for ValueSeed {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = ValueSeed;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_unit<E>(self) -> Result<ValueSeed, E> {
        Ok(ValueSeed(Value::Null))
    }
    fn visit_none<E>(self) -> Result<ValueSeed, E> {
        Ok(ValueSeed(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<ValueSeed, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
    fn visit_bool<E>(self, b: bool) -> Result<ValueSeed, E> {
        Ok(ValueSeed(Value::Bool(b)))
    }
    fn visit_i64<E>(self, n: i64) -> Result<ValueSeed, E> {
        Ok(ValueSeed(Value::Number(n.to_string())))
    }
    fn visit_u64<E>(self, n: u64) -> Result<ValueSeed, E> {
        Ok(ValueSeed(Value::Number(n.to_string())))
    }
    fn visit_i128<E>(self, n: i128) -> Result<ValueSeed, E> {
        Ok(ValueSeed(Value::Number(n.to_string())))
    }
    fn visit_u128<E>(self, n: u128) -> Result<ValueSeed, E> {
        Ok(ValueSeed(Value::Number(n.to_string())))
    }
    fn visit_f64<E>(self, n: f64) -> Result<ValueSeed, E> {
        Ok(ValueSeed(Value::Number(n.to_string())))
    }
    fn visit_str<E>(self, s: &str) -> Result<ValueSeed, E> {
        Ok(ValueSeed(Value::Str(s.to_string())))
    }
    fn visit_string<E>(self, s: String) -> Result<ValueSeed, E> {
        Ok(ValueSeed(Value::Str(s)))
    }
    fn visit_bytes<E: serde::de::Error>(self, _: &[u8]) -> Result<ValueSeed, E> {
        Err(E::custom(
            "binary values (`!!binary`) are not supported; write plain text",
        ))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ValueSeed, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<ValueSeed>>()? {
            items.push(Node {
                pos: pos_of(&item),
                value: item.value.0,
            });
        }
        Ok(ValueSeed(Value::Seq(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ValueSeed, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let value = map.next_value::<Spanned<ValueSeed>>()?;
            entries.push((
                Key {
                    pos: pos_of(&key),
                    text: key.value,
                },
                Node {
                    pos: pos_of(&value),
                    value: value.value.0,
                },
            ));
        }
        Ok(ValueSeed(Value::Map(entries)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn err(src: &str) -> Diagnostic {
        parse(src.as_bytes(), "f.yaml").unwrap_err()
    }

    #[test]
    fn keeps_positions_of_keys_and_values() -> TestResult {
        let node = parse(b"a: 1\nb:\n  c: yes\n", "f.yaml")?;
        let Value::Map(entries) = node.value else {
            panic!("not a map")
        };
        assert_eq!(entries[1].0.text, "b");
        assert_eq!(entries[1].0.pos, Pos { line: 2, column: 1 });
        let Value::Map(inner) = &entries[1].1.value else {
            panic!("not a map")
        };
        assert_eq!(inner[0].1.value, Value::Str("yes".into()));
        assert_eq!(inner[0].1.pos, Pos { line: 3, column: 6 });
        Ok(())
    }

    #[test]
    fn duplicate_keys_are_errors_with_a_position() -> TestResult {
        let d = err("answers:\n  A: yes\n  A: no\n");
        assert_eq!((d.line, d.column), (3, 3));
        assert!(d.message.contains("appears twice"), "{}", d.message);
        Ok(())
    }

    #[test]
    fn yaml_11_booleans_stay_text() -> TestResult {
        let node = parse(b"a: no\nb: on\nc: true\n", "f")?;
        let Value::Map(e) = node.value else { panic!() };
        assert_eq!(e[0].1.value, Value::Str("no".into()));
        assert_eq!(e[1].1.value, Value::Str("on".into()));
        assert_eq!(e[2].1.value, Value::Bool(true));
        Ok(())
    }

    #[test]
    fn alias_bombs_and_deep_nesting_fail_fast() -> TestResult {
        let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
        for i in 1..9 {
            let prev = (b'a' + i - 1) as char;
            let cur = (b'a' + i) as char;
            bomb.push_str(&format!(
                "{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
        }
        assert!(
            err(&bomb).message.contains("safety limit"),
            "{}",
            err(&bomb)
        );
        let deep = "[".repeat(10_000);
        assert!(
            err(&deep).message.contains("safety limit"),
            "{}",
            err(&deep)
        );
        Ok(())
    }

    #[test]
    fn encodings() -> TestResult {
        assert!(parse(b"\xEF\xBB\xBFa: 1\n", "f").is_ok());
        assert_eq!(err("\u{feff}").code, "empty-file");
        assert_eq!(err("# only a comment\n").code, "empty-file");
        let d = parse(b"\xFF\xFEa\x00", "f").unwrap_err();
        assert!(d.message.contains("UTF-16"));
        let d = parse(b"a: 1\nb: \xC3\x28\n", "f").unwrap_err();
        assert_eq!((d.line, d.column), (2, 4));
        assert!(parse(b"a: 1\r\nb: 2\r\n", "f").is_ok());
        Ok(())
    }

    #[test]
    fn scalars_are_one_line_and_read_back_identically() -> TestResult {
        for s in [
            "two\nlines",
            "tab\there",
            "c1 \u{9B}[2J del \u{7F} nel \u{85} ffff \u{FFFF} fffe \u{FFFE} esc \u{1B} bidi \u{202E}",
            "quote \" and 'single' and \\ back",
            "#hash",
            "- dash",
            "yes",
            "~",
            "",
        ] {
            let line = scalar(s);
            assert!(!line.contains('\n'), "{line}");
            let back = parse(format!("k: {line}\n").as_bytes(), "f")?;
            let Value::Map(e) = back.value else { panic!() };
            let got = match &e[0].1.value {
                Value::Str(v) => v.clone(),
                Value::Null => String::new(),
                other => panic!("{other:?}"),
            };
            assert_eq!(got, s, "{line}");
        }
        Ok(())
    }

    #[test]
    fn scalars_are_quoted_when_ambiguous() -> TestResult {
        assert_ne!(scalar("no"), "no");
        assert_ne!(scalar("1.0"), "1.0");
        assert_eq!(scalar("Example Dental"), "Example Dental");
        let back = parse(format!("k: {}\n", scalar("a: b # c")).as_bytes(), "f")?;
        let Value::Map(e) = back.value else { panic!() };
        assert_eq!(e[0].1.value, Value::Str("a: b # c".into()));
        Ok(())
    }
}
