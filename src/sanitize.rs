//! Text hygiene for anything that came from a file and is about to reach a terminal.
//!
//! YAML double-quoted strings can carry ESC, BEL, carriage returns and bidirectional-override
//! characters. Printed raw, they can recolour the terminal, rewrite its title, hide text or
//! reorder it ("Trojan Source"). Every string from a bank or an answers file passes through
//! [`terminal_text`] or [`terminal_line`] before it is shown.

use std::borrow::Cow;

/// True for characters that must never reach a terminal: C0 and C1 control characters
/// (except newline and tab, handled by the callers) and the Unicode bidirectional controls.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{061C}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// Makes multi-line text safe to print: keeps newlines, turns tabs into spaces and every
/// unsafe character into the visible replacement character `�`.
pub fn terminal_text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) || c == '\t') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\t' => ' ',
                c if is_unsafe(c) => '\u{FFFD}',
                c => c,
            })
            .collect(),
    )
}

/// Like [`terminal_text`], but for one line (a table cell, a prompt, a message): newlines
/// become spaces too.
pub fn terminal_line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) || c == '\t' || c == '\n') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\t' | '\n' => ' ',
                c if is_unsafe(c) => '\u{FFFD}',
                c => c,
            })
            .collect(),
    )
}

/// Shortens `s` to at most `max` characters, ending with `…` when cut. Used only where a
/// value is echoed inside an error message, never for report content (which wraps).
pub fn ellipsize(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Wraps text into lines of at most `width` characters, breaking at spaces (a word longer
/// than the width gets a line of its own). Each paragraph (`\n`) wraps separately.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(10);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let needed =
                line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
            if !line.is_empty() && needed > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

/// Escapes text for HTML element content and attribute values.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_unsafe(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for XML (JUnit): like HTML, and characters XML 1.0 forbids are replaced.
pub fn xml(s: &str) -> String {
    html(s)
}

/// Escapes text so Markdown shows it literally, on one line (table cells, list items):
/// Markdown punctuation is backslash-escaped, `<`, `>` and `&` become entities (renderers
/// pass raw HTML through), line breaks become spaces.
pub fn markdown(s: &str) -> String {
    let line = terminal_line(s);
    let mut out = String::with_capacity(line.len());
    for (i, c) in line.char_indices() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // `&` is only special when it starts an entity such as `&amp;`; elsewhere it stays
            // readable as plain text ("Harmon & Reyes").
            '&' if starts_entity(&line[i + 1..]) => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

fn starts_entity(rest: &str) -> bool {
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '#')
        .collect();
    !name.is_empty() && rest[name.len()..].starts_with(';')
}

/// Makes a CSV field safe to open in a spreadsheet: a field starting with `=`, `+`, `-`, `@`,
/// tab or carriage return is prefixed with `'` so it is shown as text, never run as a formula.
pub fn csv_field(s: &str) -> String {
    // Control characters (escape sequences, bells) are replaced, as for the terminal: CSV
    // files get printed with `cat` too. Line breaks and tabs stay.
    let cleaned: String = s
        .chars()
        .map(|c| if is_unsafe(c) { '\u{FFFD}' } else { c })
        .collect();
    let s = cleaned.as_str();
    let guarded = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escape_sequences_lose_their_escape_byte() {
        let out =
            terminal_line("evil\x1b[31mRED\x1b]0;pwned\x07 cr\rX bidi\u{202e}abc c1\u{009b}31m");
        assert!(!out.contains('\x1b'));
        assert!(!out.contains('\x07'));
        assert!(!out.contains('\r'));
        assert!(!out.contains('\u{202e}'));
        assert!(!out.contains('\u{009b}'));
        assert!(out.starts_with("evil"));
    }

    #[test]
    fn clean_text_is_borrowed_unchanged() {
        assert!(matches!(
            terminal_text("plain words\nline two"),
            Cow::Borrowed(_)
        ));
        assert_eq!(terminal_line("a\nb\tc"), "a b c");
    }

    #[test]
    fn wrap_breaks_at_spaces_within_the_width() {
        let lines = wrap("one two three four five six seven", 10);
        assert_eq!(lines, vec!["one two", "three four", "five six", "seven"]);
        assert!(wrap(&"x".repeat(30), 10)[0].len() == 30);
    }

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(
            html("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(html("bell\u{7}"), "bell\u{FFFD}");
    }

    #[test]
    fn markdown_shows_text_literally() {
        assert_eq!(
            markdown("a|b *c* [x](y) <b>"),
            "a\\|b \\*c\\* \\[x\\](y) &lt;b&gt;"
        );
        assert_eq!(markdown("two\nlines"), "two lines");
        assert_eq!(markdown("Harmon & Reyes &amp;"), "Harmon & Reyes &amp;amp;");
    }

    #[test]
    fn csv_fields_are_quoted_and_formulas_neutralised() {
        assert_eq!(csv_field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_field("-2+3"), "'-2+3");
        assert_eq!(csv_field("@cmd"), "'@cmd");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }

    #[test]
    fn ellipsize_cuts_long_values() {
        assert_eq!(ellipsize("abcdef", 4), "abc…");
        assert_eq!(ellipsize("abc", 4), "abc");
    }

    proptest! {
        #[test]
        fn output_never_holds_a_control_character(s in any::<String>()) {
            let line = terminal_line(&s);
            prop_assert!(!line.chars().any(|c| c.is_control()));
            let text = terminal_text(&s);
            prop_assert!(!text.chars().any(|c| c.is_control() && c != '\n'));
        }

        #[test]
        fn html_output_holds_no_markup_or_controls(s in any::<String>()) {
            let out = html(&s);
            prop_assert!(!out.contains('<') && !out.contains('>') && !out.contains('"'));
            prop_assert!(!out.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
        }

        #[test]
        fn csv_fields_never_start_a_formula(s in any::<String>()) {
            let out = csv_field(&s);
            let inner = out.strip_prefix('"').unwrap_or(&out);
            prop_assert!(!inner.starts_with(['=', '+', '-', '@', '\t', '\r']));
        }

        #[test]
        fn sanitising_is_idempotent(s in any::<String>()) {
            let once = terminal_line(&s).into_owned();
            prop_assert_eq!(terminal_line(&once).into_owned(), once.clone());
        }
    }
}
