//! Answers files as spreadsheets: an `.xlsx` workbook (sheet "Answers", one row per
//! question, and sheet "File" with the bank reference and who answered) or a `.csv` table
//! (the Answers columns; the file fields as rows whose id is `bank`, `organization`...).
//!
//! The cells become the same tree a YAML file gives, and [`super::parse`] reads it: one
//! home for every rule (unknown ids, answers a question does not take, dates). Each tree
//! position stands for one cell, so every problem is reported as `sheet Answers, cell E12`.
//! Columns are found by their header, rows in any order. A formula is never run: a cell
//! holding one is an error naming it, so what is read is what the reader of the sheet saw.

use std::collections::HashMap;

use super::*;
use crate::sanitize::ellipsize;
use crate::tree::{Key, Node, Value};

/// The answers sheet's name in a workbook.
pub const ANSWERS_SHEET: &str = "Answers";
/// The sheet with the file fields (`bank`, `organization`...).
pub const FILE_SHEET: &str = "File";
/// The Answers sheet's columns, as the template writes them.
pub const COLUMNS: &[&str] = &[
    "id",
    "domain",
    "question",
    "who answers",
    "answer",
    "note",
    "evidence",
    "as_of",
];
/// Columns read into the answer record (the others are for the person filling it in).
const READ: &[&str] = &["answer", "note", "evidence", "as_of"];
/// The file fields a sheet may give.
pub const FILE_FIELDS: &[&str] = &["bank", "organization", "msp", "assessed_by", "assessed_on"];

/// What a kind of sheet holds: the table's sheet and columns, and the fields sheet's rows.
/// Answers files and the MSP's reply forms are read by the same code through one of these.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    /// The table's sheet in a workbook.
    pub sheet: &'static str,
    /// The sheet of file fields (field names in column A, values in column B).
    pub fields_sheet: &'static str,
    /// The table's columns (headers are compared lower-cased, spaces read as `_`).
    pub columns: &'static [&'static str],
    /// The columns read into each row's entry.
    pub read: &'static [&'static str],
    /// The file fields.
    pub fields: &'static [&'static str],
    /// What the file is, for messages: "the answers file".
    pub what: &'static str,
    /// The command that writes a blank one, for messages.
    pub start: &'static str,
}

/// An answers workbook or CSV file.
pub(crate) const ANSWERS_LAYOUT: Layout = Layout {
    sheet: ANSWERS_SHEET,
    fields_sheet: FILE_SHEET,
    columns: COLUMNS,
    read: READ,
    fields: FILE_FIELDS,
    what: "the answers file",
    start: "msp-risk template --output answers.xlsx",
};

/// A column header or field name as read: `Evidence date` is `evidence_date`.
fn header_key(s: &str) -> String {
    s.trim().to_lowercase().replace(' ', "_")
}

/// Whether a file name is read as a spreadsheet rather than YAML.
pub fn is_sheet_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".xlsx") || lower.ends_with(".csv")
}

/// One cell's content, as read.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Empty,
    Text(String),
    Bool(bool),
    Number(String),
    Date(NaiveDate),
    Formula(String),
    Error(String),
}

impl Cell {
    fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// A table of cells: (0-based row, cells from column A).
struct Grid {
    /// "sheet Answers, " for a workbook, empty for a CSV file.
    prefix: String,
    rows: Vec<(u32, Vec<Cell>)>,
}

/// `E12` for 0-based row 11, column 4.
pub fn cell_name(row: u32, col: usize) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        let r = (n - 1) % 26;
        letters.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

/// Builds the tree, one synthetic position per cell, and remembers which cell each is.
struct Builder {
    cells: Vec<(String, Pos)>,
    problems: Vec<(usize, &'static str, String)>,
}

impl Builder {
    fn pos(&mut self, grid: &Grid, row: u32, col: usize) -> Pos {
        self.cells.push((
            format!("{}cell {}", grid.prefix, cell_name(row, col)),
            Pos {
                line: u64::from(row) + 1,
                column: col as u64 + 1,
            },
        ));
        Pos {
            line: self.cells.len() as u64,
            column: 1,
        }
    }

    fn problem(&mut self, pos: Pos, code: &'static str, message: String) {
        self.problems.push((pos.line as usize, code, message));
    }

    /// The cell as a tree value; formulas and error cells are problems, read as blank.
    fn value(&mut self, grid: &Grid, row: u32, col: usize, cell: &Cell) -> Node {
        let pos = self.pos(grid, row, col);
        let value = match cell {
            Cell::Empty => Value::Null,
            Cell::Text(s) if s.trim().is_empty() => Value::Null,
            Cell::Text(s) => Value::Str(s.trim().to_string()),
            Cell::Bool(b) => Value::Bool(*b),
            Cell::Number(n) => Value::Number(n.clone()),
            Cell::Date(d) => Value::Str(d.format("%Y-%m-%d").to_string()),
            Cell::Formula(f) => {
                self.problem(
                    pos,
                    "formula",
                    format!(
                        "the cell holds a formula (`{}`), which msp-risk does not run; type the value itself",
                        ellipsize(f, 40)
                    ),
                );
                Value::Null
            }
            Cell::Error(e) => {
                self.problem(
                    pos,
                    "cell-error",
                    format!("the cell holds the spreadsheet error {e}; type the value itself"),
                );
                Value::Null
            }
        };
        Node { pos, value }
    }
}

fn text_of(cell: &Cell) -> String {
    match cell {
        Cell::Text(s) => s.trim().to_string(),
        Cell::Number(n) => n.clone(),
        Cell::Bool(b) => b.to_string(),
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        Cell::Formula(f) => f.clone(),
        Cell::Error(e) => e.clone(),
        Cell::Empty => String::new(),
    }
}

/// Reads an `.xlsx` or `.csv` answers file against `bank`; fails with every problem found,
/// each naming its cell.
pub fn load(bytes: &[u8], file: &str, bank: &Bank) -> Result<AnswersFile, LoadError> {
    load_with(
        bytes,
        file,
        &ANSWERS_LAYOUT,
        &bank.reference(),
        |tree| super::parse::answers_file(tree, file, bank),
        |out, where_is| {
            for r in &mut out.answers {
                if let Some(real) = where_is(r.pos.line) {
                    r.pos = real;
                }
            }
        },
    )
}

/// Reads a workbook or CSV file laid out as `layout` into the tree a YAML file would give,
/// and `parse`s it; every problem names its cell. `fix` puts the parsed positions back on
/// the cells they came from.
pub(crate) fn load_with<T>(
    bytes: &[u8],
    file: &str,
    layout: &Layout,
    bank_reference: &str,
    parse: impl FnOnce(&Node) -> Result<T, LoadError>,
    fix: impl FnOnce(&mut T, &dyn Fn(u64) -> Option<Pos>),
) -> Result<T, LoadError> {
    let unreadable = |why: String| LoadError::Invalid {
        diagnostics: vec![crate::diagnostic::Diagnostic::new(
            file,
            Pos::default(),
            "unreadable-sheet",
            why,
        )],
    };
    let (answers, fields) = if file.to_ascii_lowercase().ends_with(".csv") {
        (csv_grid(bytes).map_err(unreadable)?, None)
    } else {
        let (a, f) = xlsx_grids(bytes, layout).map_err(unreadable)?;
        (a, Some(f))
    };
    let mut b = Builder {
        cells: Vec::new(),
        problems: Vec::new(),
    };
    let mut root: Vec<(Key, Node)> = Vec::new();
    // The File sheet: field names in column A, values in column B.
    if let Some(Some(grid)) = &fields {
        for (row, cells) in &grid.rows {
            let name_cell = cells.first().unwrap_or(&Cell::Empty);
            let name = header_key(&text_of(name_cell));
            if name.is_empty() || (name == "field" && *row == grid.rows[0].0) {
                continue;
            }
            let key_pos = b.pos(grid, *row, 0);
            if !layout.fields.contains(&name.as_str()) {
                b.problem(
                    key_pos,
                    "unknown-field",
                    format!(
                        "`{}` is not a field of {}; use one of: {}",
                        ellipsize(&name, 30),
                        layout.what,
                        layout.fields.join(", ")
                    ),
                );
                continue;
            }
            let node = b.value(grid, *row, 1, cells.get(1).unwrap_or(&Cell::Empty));
            push_unique(&mut b, &mut root, name, key_pos, node);
        }
    }
    let mut entries: Vec<(Key, Node)> = Vec::new();
    let answers_pos = b.pos(&answers, answers.rows.first().map_or(0, |r| r.0), 0);
    if let Some((header_row, header)) = answers.rows.first() {
        let mut columns: HashMap<String, usize> = HashMap::new();
        let known: Vec<String> = layout.columns.iter().map(|c| header_key(c)).collect();
        for (col, cell) in header.iter().enumerate() {
            let name = header_key(&text_of(cell));
            if name.is_empty() {
                continue;
            }
            let pos = b.pos(&answers, *header_row, col);
            if !known.contains(&name) {
                b.problem(
                    pos,
                    "unknown-column",
                    format!(
                        "the column header `{}` is not one msp-risk reads; name it one of: {}",
                        ellipsize(&name, 30),
                        layout.columns.join(", ")
                    ),
                );
            } else if columns.insert(name.clone(), col).is_some() {
                b.problem(
                    pos,
                    "duplicate-column",
                    format!("there are two `{name}` columns; keep one"),
                );
            }
        }
        for needed in ["id", "answer"] {
            if !columns.contains_key(needed) {
                let pos = b.pos(&answers, *header_row, 0);
                b.problem(
                    pos,
                    "missing-column",
                    format!(
                        "the header row has no `{needed}` column; the first row must name the columns ({})",
                        layout.columns.join(", ")
                    ),
                );
            }
        }
        let id_col = columns.get("id").copied();
        let mut seen: HashMap<String, u32> = HashMap::new();
        for (row, cells) in answers.rows.iter().skip(1) {
            let get = |col: usize| cells.get(col).unwrap_or(&Cell::Empty);
            let Some(id_col) = id_col else { break };
            let id = text_of(get(id_col));
            let read: Vec<(&str, usize)> = layout
                .read
                .iter()
                .filter_map(|name| columns.get(*name).map(|c| (*name, *c)))
                .collect();
            if id.is_empty() {
                if let Some((_, col)) = read.iter().find(|(_, c)| !get(*c).is_blank()) {
                    let pos = b.pos(&answers, *row, *col);
                    b.problem(
                        pos,
                        "missing-id",
                        format!(
                            "this row has no question id in column {}; put the id back (the template has one on every row)",
                            cell_name(*row, id_col).trim_end_matches(char::is_numeric)
                        ),
                    );
                }
                continue;
            }
            let key_pos = b.pos(&answers, *row, id_col);
            // A CSV file gives the file fields as rows: `bank` in the id column, the value in
            // the answer column.
            if fields.is_none() && layout.fields.contains(&header_key(&id).as_str()) {
                if let Some(col) = columns.get("answer") {
                    let node = b.value(&answers, *row, *col, get(*col));
                    push_unique(&mut b, &mut root, header_key(&id), key_pos, node);
                }
                continue;
            }
            if let Some(first) = seen.get(&id) {
                b.problem(
                    key_pos,
                    "duplicate-question",
                    format!(
                        "{} is also on row {}; keep one row per question",
                        ellipsize(&id, 30),
                        first + 1
                    ),
                );
                continue;
            }
            seen.insert(id.clone(), *row);
            let mut long: Vec<(Key, Node)> = Vec::new();
            for (name, col) in read {
                let cell = get(col);
                if cell.is_blank() {
                    continue;
                }
                // A spreadsheet turns a typed TRUE into a true/false cell; in a text column
                // (a note, evidence) it is the word that was typed.
                let word;
                let cell = match cell {
                    Cell::Bool(v) if name != "answer" => {
                        word = Cell::Text(v.to_string().to_uppercase());
                        &word
                    }
                    other => other,
                };
                let node = b.value(&answers, *row, col, cell);
                long.push((
                    Key {
                        text: name.to_string(),
                        pos: node.pos,
                    },
                    node,
                ));
            }
            let value = if long.is_empty() {
                Value::Null
            } else {
                Value::Map(long)
            };
            entries.push((
                Key {
                    text: id,
                    pos: key_pos,
                },
                Node {
                    pos: key_pos,
                    value,
                },
            ));
        }
    } else {
        b.problem(
            answers_pos,
            "missing-column",
            format!(
                "the sheet is empty; its first row must name the columns ({})",
                layout.columns.join(", ")
            ),
        );
    }
    root.push((
        Key {
            text: "answers".to_string(),
            pos: answers_pos,
        },
        Node {
            pos: answers_pos,
            value: Value::Map(entries),
        },
    ));
    let root_pos = b.pos(
        fields.as_ref().and_then(|f| f.as_ref()).unwrap_or(&answers),
        0,
        0,
    );
    let tree = Node {
        pos: root_pos,
        value: Value::Map(root),
    };

    let where_is = |line: u64| -> Option<&(String, Pos)> {
        usize::try_from(line)
            .ok()
            .and_then(|l| l.checked_sub(1))
            .and_then(|l| b.cells.get(l))
    };
    let relabel = |mut d: crate::diagnostic::Diagnostic| {
        if d.code == "missing-field" && d.line == root_pos.line {
            let how = if fields.is_some() {
                "in the File sheet, a row `bank` with the value"
            } else {
                "a row with `bank` in the id column and, in the answer column,"
            };
            d.message = format!(
                "{} does not say which bank it answers; add {how} `{bank_reference}`",
                layout.what
            );
        }
        let label = where_is(d.line).map(|(l, _)| l.clone());
        if let Some(label) = label {
            d.message = format!("{label}: {}", d.message);
        }
        d.line = 0;
        d.column = 0;
        d
    };
    let mut diagnostics: Vec<crate::diagnostic::Diagnostic> = b
        .problems
        .iter()
        .map(|(line, code, message)| {
            crate::diagnostic::Diagnostic::new(
                file,
                Pos {
                    line: *line as u64,
                    column: 1,
                },
                code,
                message.clone(),
            )
        })
        .collect();
    match parse(&tree) {
        Ok(mut out) if diagnostics.is_empty() => {
            fix(&mut out, &|line| where_is(line).map(|(_, real)| *real));
            Ok(out)
        }
        Ok(_) => {
            diagnostics.sort_by_key(|d| d.line);
            Err(LoadError::Invalid {
                diagnostics: diagnostics.into_iter().map(relabel).collect(),
            })
        }
        Err(e) => {
            let mut all = match e {
                LoadError::Invalid { diagnostics } => diagnostics,
                other => return Err(other),
            };
            all.extend(diagnostics);
            all.sort_by_key(|d| (d.line, d.column));
            Err(LoadError::Invalid {
                diagnostics: all.into_iter().map(relabel).collect(),
            })
        }
    }
}

fn push_unique(b: &mut Builder, root: &mut Vec<(Key, Node)>, name: String, pos: Pos, node: Node) {
    if root.iter().any(|(k, _)| k.text == name) {
        b.problem(
            pos,
            "duplicate-field",
            format!("`{name}` is given twice; keep one"),
        );
        return;
    }
    root.push((Key { text: name, pos }, node));
}

/// The largest table read: an answers sheet has a few hundred rows and under ten columns.
const MAX_ROWS: u32 = 100_000;
const MAX_COLUMNS: usize = 64;
const MAX_CELLS: usize = 1_000_000;

/// The most a workbook may hold once unzipped: an answers workbook is a few hundred KB, so
/// this only stops a "zip bomb" (a small file that unzips to gigabytes) from eating memory.
const MAX_UNZIPPED_BYTES: u64 = 64 * 1024 * 1024;

/// Refuses a workbook whose parts add up to more than [`MAX_UNZIPPED_BYTES`] unzipped, before
/// anything is unzipped (the zip reader then stops each part at its declared size).
fn check_unzipped_size(bytes: &[u8]) -> Result<(), String> {
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Ok(()); // Not a zip at all: calamine says so in its own words.
    };
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let size = archive.by_index_raw(i).map(|f| f.size()).unwrap_or(0);
        total = total.saturating_add(size);
        if total > MAX_UNZIPPED_BYTES {
            return Err(format!(
                "this workbook unzips to more than {} MB, far more than an answers workbook; it is refused",
                MAX_UNZIPPED_BYTES / (1024 * 1024)
            ));
        }
    }
    Ok(())
}

/// The Answers sheet and, if there is one, the File sheet of a workbook.
fn xlsx_grids(bytes: &[u8], layout: &Layout) -> Result<(Grid, Option<Grid>), String> {
    use calamine::Reader;
    check_unzipped_size(bytes)?;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| {
            format!(
                "this is not a readable .xlsx workbook ({}); save it from the spreadsheet program as Excel 2007-365 (.xlsx)",
                ellipsize(&e.to_string(), 80)
            )
        })?;
    let names: Vec<String> = book.sheet_names();
    let find = |wanted: &str| -> Option<String> {
        names
            .iter()
            .find(|n| n.trim().eq_ignore_ascii_case(wanted))
            .cloned()
    };
    let Some(answers) = find(layout.sheet) else {
        return Err(format!(
            "the workbook has no sheet named `{}`; start from `{}`",
            layout.sheet, layout.start
        ));
    };
    // Cells are streamed, never laid out as a full grid: one value far away (XFD1048576)
    // would otherwise ask for gigabytes.
    let mut grid = |name: &str| -> Result<Grid, String> {
        let unreadable = |e: calamine::XlsxError| format!("sheet {name} cannot be read ({e})");
        let mut reader = book.worksheet_cells_reader(name).map_err(unreadable)?;
        let mut rows: std::collections::BTreeMap<u32, Vec<Cell>> = Default::default();
        let mut count = 0usize;
        while let Some(c) = reader.next_cell_with_formula().map_err(unreadable)? {
            let (r, col) = (c.pos.0, c.pos.1 as usize);
            let cell = match c.formula.filter(|f| !f.is_empty()) {
                Some(f) => Cell::Formula(format!("={f}")),
                None => from_data(&calamine::Data::from(c.value)),
            };
            if cell.is_blank() {
                continue;
            }
            count += 1;
            if r >= MAX_ROWS || col >= MAX_COLUMNS || count > MAX_CELLS {
                return Err(format!(
                    "sheet {name} has a value in cell {}, far outside a table msp-risk reads \
                     (at most {MAX_ROWS} rows, {MAX_COLUMNS} columns and {MAX_CELLS} cells); delete it",
                    cell_name(r, col)
                ));
            }
            let row = rows.entry(r).or_default();
            if row.len() <= col {
                row.resize(col + 1, Cell::Empty);
            }
            row[col] = cell;
        }
        Ok(Grid {
            prefix: format!("sheet {name}, "),
            rows: rows.into_iter().collect(),
        })
    };
    let a = grid(&answers)?;
    let f = match find(layout.fields_sheet) {
        Some(name) => Some(grid(&name)?),
        None => None,
    };
    Ok((a, f))
}

fn from_data(v: &calamine::Data) -> Cell {
    use calamine::Data;
    match v {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::Int(i) => Cell::Number(i.to_string()),
        Data::Float(f) => Cell::Number(f.to_string()),
        Data::DateTime(d) => {
            // Excel's day 0 is 1899-12-30 (with its 1900 leap-year bug before March 1900).
            let days = d.as_f64().floor();
            match NaiveDate::from_ymd_opt(1899, 12, 30)
                .and_then(|base| base.checked_add_signed(chrono::Duration::days(days as i64)))
            {
                Some(date) if !d.is_duration() => Cell::Date(date),
                _ => Cell::Number(d.as_f64().to_string()),
            }
        }
        Data::DateTimeIso(s) => match parse_date(s.get(..10).unwrap_or(s)) {
            Some(date) => Cell::Date(date),
            None => Cell::Text(s.clone()),
        },
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(format!("{e}")),
    }
}

/// A CSV file as one table; a UTF-8 byte order mark (Excel writes one) is skipped.
fn csv_grid(bytes: &[u8]) -> Result<Grid, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| match e.kind() {
            csv::ErrorKind::Utf8 { .. } => format!(
                "row {} is not UTF-8 text; save the file as \"CSV UTF-8\"",
                e.position().map_or(i as u64 + 1, |p| p.line())
            ),
            _ => format!(
                "this is not a readable CSV file ({})",
                ellipsize(&e.to_string(), 80)
            ),
        })?;
        let cells: Vec<Cell> = record
            .iter()
            .map(|s| {
                if s.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(s.to_string())
                }
            })
            .collect();
        if cells.iter().any(|c| !c.is_blank()) {
            rows.push((i as u32, cells));
        }
    }
    Ok(Grid {
        prefix: String::new(),
        rows,
    })
}

/// Whether a `.csv` file's first row lacks the `id` and `answer` columns: a table that is not
/// an answers file (a CSV report from an earlier run, found in a folder).
pub fn is_other_csv(name: &str, bytes: &[u8]) -> bool {
    if !name.to_ascii_lowercase().ends_with(".csv") {
        return false;
    }
    match csv_grid(bytes) {
        Ok(grid) => grid.rows.first().is_none_or(|(_, header)| {
            let names: Vec<String> = header.iter().map(|c| text_of(c).to_lowercase()).collect();
            !(names.iter().any(|n| n == "id") && names.iter().any(|n| n == "answer"))
        }),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(11, 4), "E12");
        assert_eq!(cell_name(0, 25), "Z1");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(1, 27), "AB2");
    }
}
