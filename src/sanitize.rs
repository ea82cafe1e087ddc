//! Text hygiene for anything that came from a file and is about to reach a terminal or a
//! document.
//!
//! YAML double-quoted strings can carry ESC, BEL, carriage returns and bidirectional-override
//! characters. Printed raw, they can recolour the terminal, rewrite its title, hide text or
//! reorder it ("Trojan Source"); copied into a document, they do the same to whoever `cat`s
//! it or opens it, and some (U+FFFE, most C0 controls) make XML ill-formed. Every string from
//! a bank, an answers file or the command line passes through one of the functions here
//! before it is shown or written, and they all share one definition of what is unsafe.

use std::borrow::Cow;

/// True for characters that no output may carry: C0 and C1 control characters and DEL
/// (except newline and tab, handled by the callers), the Unicode bidirectional controls and
/// line separators, and the noncharacters (U+FFFE and U+FFFF, which XML 1.0 forbids, and the
/// others of their kind, which no interchanged text should hold).
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
                | '\u{FDD0}'..='\u{FDEF}'
        )
        || (u32::from(c) & 0xFFFE) == 0xFFFE
}

/// Makes text safe to put in a document (JSON, CSV, XML): every unsafe character becomes the
/// visible replacement character `�`; newlines and tabs stay, as multi-line text needs them.
pub fn document_text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| if is_unsafe(c) { '\u{FFFD}' } else { c })
            .collect(),
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

/// A name (an MSP's, a client's) as a form carries it and as two names are compared: line
/// breaks and tabs are spaces, invisible and control characters are dropped (not marked), and
/// runs of spaces are one. So a name with a bidi mark survives a workbook and still matches.
pub fn name_text(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' => Some(' '),
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => None,
            c if is_unsafe(c) => None,
            c => Some(c),
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
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

/// Wraps text into lines of at most `width` display columns (a CJK character or an emoji
/// takes two, a combining mark none), breaking at spaces; a word wider than the width is
/// broken across lines, never cut. Runs of spaces count as one; each paragraph (`\n`) wraps
/// separately. Linear in the length of the text, whatever its words (textwrap, first fit).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let options = textwrap::Options::new(width.max(10))
        .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .break_words(true);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let words = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
        if words.is_empty() {
            lines.push(String::new());
            continue;
        }
        lines.extend(
            textwrap::wrap(&words, &options)
                .into_iter()
                .map(Cow::into_owned),
        );
    }
    lines
}

/// Escapes text for HTML element content and attribute values.
pub fn html(s: &str) -> String {
    escape_markup(s)
}

/// Escapes text for XML (JUnit) content and attribute values: markup as for HTML, and every
/// character outside XML 1.0's `Char` production (C0 controls but tab, LF and CR; U+FFFE,
/// U+FFFF) replaced, so the document always parses. (CR is replaced too: it is unsafe.)
pub fn xml(s: &str) -> String {
    escape_markup(s)
}

/// The escaping HTML and XML share. Every character XML 1.0 forbids is unsafe (see
/// [`is_unsafe`]), so the result is valid in both.
fn escape_markup(s: &str) -> String {
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
    let cleaned = document_text(s);
    let s = cleaned.as_ref();
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

/// Percent-encodes a path for a URI reference (RFC 3986): unreserved characters and `/` stay,
/// every other byte of the UTF-8 text becomes `%XX`. So `a b#c%41.yaml` gives
/// `a%20b%23c%2541.yaml`, and no name can add a query, a fragment or a scheme.
pub fn uri_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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
        assert_eq!(
            wrap(&"x".repeat(25), 10),
            vec!["x".repeat(10), "x".repeat(10), "x".repeat(5)]
        );
    }

    #[test]
    fn wrap_counts_display_columns() {
        // Six CJK characters are twelve columns: five fit in ten.
        assert_eq!(wrap("漢字漢字漢字", 10), vec!["漢字漢字漢", "字"]);
        // A combining mark takes no column.
        assert_eq!(wrap(&"e\u{301}".repeat(12), 10).len(), 2);
    }

    #[test]
    fn xml_and_documents_drop_what_xml_forbids() {
        assert_eq!(
            xml("a\u{FFFE}b\u{FFFF}c\u{1}d\u{9B}e"),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e"
        );
        assert_eq!(
            document_text("x\u{7F}\u{202E}y\n\tz"),
            "x\u{FFFD}\u{FFFD}y\n\tz"
        );
    }

    #[test]
    fn uri_paths_are_percent_encoded() {
        assert_eq!(uri_path("a b#c%41.yaml"), "a%20b%23c%2541.yaml");
        assert_eq!(uri_path("dir/é\\x?.yaml"), "dir/%C3%A9%5Cx%3F.yaml");
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
