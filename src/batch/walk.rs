//! Finding the answers files named on the command line, and naming each client's outputs.
//!
//! Paths stay `OsString`s from the command line to `open`: a file name that is not UTF-8 is
//! still a file to read, shown with replacement characters only in messages.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use super::sorted::ExternalSort;

/// One answers file to process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The path to read (`-` for standard input).
    pub path: PathBuf,
    /// The path as shown in messages and reports.
    pub shown: String,
    /// The base name for this client's output files, unique within the run, also when
    /// letter case is ignored; never `portfolio`: `east/acme.yaml` under the folder given
    /// becomes `east_acme`.
    pub name: String,
    /// Found by walking a folder (so only a regular file is read) rather than named.
    pub walked: bool,
}

impl Input {
    /// Reads the file: one found in a folder only if it is a regular file.
    pub fn read(&self) -> Result<Vec<u8>, crate::LoadError> {
        if self.walked {
            crate::fsio::read_regular(&self.path)
        } else {
            crate::fsio::read_limited(&self.path)
        }
    }
}

/// Something found on the way that is not an answers file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The path concerned, as shown.
    pub path: String,
    /// What is wrong, in plain words.
    pub why: String,
    /// An error makes the run exit 2; otherwise it is a note (a symlinked folder skipped).
    pub is_error: bool,
}

/// What the walk hands on: an answers file (path, the part that names the client, whether
/// it was found in a folder), or a problem.
enum Found<'a> {
    File(&'a Path, &'a Path, bool),
    Problem(Problem),
}

/// The longest client name in bytes: with a `~N` number and the longest extension it stays
/// far below the 255 bytes file systems allow (`ENAMETOOLONG`).
const MAX_NAME_BYTES: usize = 100;

/// Names a client may not have: the summary's, and names Windows reserves for devices
/// (a report called `con.html` cannot be opened there).
const RESERVED: &[&str] = &[
    "portfolio",
    "con",
    "prn",
    "aux",
    "nul",
    "com1",
    "com2",
    "com3",
    "com4",
    "com5",
    "com6",
    "com7",
    "com8",
    "com9",
    "lpt1",
    "lpt2",
    "lpt3",
    "lpt4",
    "lpt5",
    "lpt6",
    "lpt7",
    "lpt8",
    "lpt9",
];

/// Whether Windows would take the name for a device (`con`, `COM1`, `lpt²`...) or it is the
/// summary's.
fn is_reserved(name: &str) -> bool {
    let key = clash_key(name);
    // NFKC turns superscript digits into digits, so `COM¹` is caught as `com1`; Windows
    // also reserves COM0 and LPT0.
    RESERVED.contains(&key.as_str()) || key == "com0" || key == "lpt0"
}

/// Kinds of folder entries, in the walk's external sort.
const FILE: u8 = 0;
const DIR: u8 = 1;
const OTHER: u8 = 2;
const LINKED_DIR: u8 = 3;
const UNREADABLE: u8 = 4;
const LINKED_FILE: u8 = 5;

#[cfg(unix)]
fn to_bytes(name: &OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    name.as_bytes().to_vec()
}

#[cfg(unix)]
fn from_bytes(bytes: Vec<u8>) -> OsString {
    use std::os::unix::ffi::OsStringExt;
    OsString::from_vec(bytes)
}

#[cfg(not(unix))]
fn to_bytes(name: &OsStr) -> Vec<u8> {
    name.to_string_lossy().into_owned().into_bytes()
}

#[cfg(not(unix))]
fn from_bytes(bytes: Vec<u8>) -> OsString {
    OsString::from(String::from_utf8_lossy(&bytes).into_owned())
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

fn is_answers_name(name: &OsStr) -> bool {
    let lower = name.to_string_lossy().to_ascii_lowercase();
    // JSON is YAML: an answers file saved as JSON reads the same, so a folder scan finds it
    // as naming it does.
    lower.ends_with(".yaml")
        || lower.ends_with(".yml")
        || lower.ends_with(".json")
        || crate::answers::sheet::is_sheet_name(&lower)
}

/// Walks the arguments in order: a folder gives every `*.yaml`, `*.yml`, `*.json`, `*.xlsx` and
/// `*.csv` regular file
/// below it (hidden entries skipped) in sorted order, read with an external sort so a huge
/// folder never sits in memory; `-` is standard input; anything else is a file to read.
/// Entries that cannot be read, or are not regular files, are reported and skipped; the
/// walk always goes on.
fn walk_inputs(args: &[PathBuf], visit: &mut dyn FnMut(Found<'_>)) {
    for arg in args {
        if arg.as_os_str() != "-" && arg.is_dir() {
            let mut found = 0usize;
            walk(arg, &mut |f| {
                if matches!(f, Found::File(..)) {
                    found += 1;
                }
                visit(f);
            });
            if found == 0 {
                visit(Found::Problem(Problem {
                    path: shown(arg),
                    why: "no answers files (*.yaml, *.yml, *.json, *.xlsx, *.csv) in this folder"
                        .to_string(),
                    is_error: true,
                }));
            }
        } else {
            let name = if arg.as_os_str() == "-" {
                Path::new("stdin")
            } else {
                arg.file_name().map_or(arg.as_path(), Path::new)
            };
            visit(Found::File(arg, name, false));
        }
    }
}

fn problem(path: &Path, why: String, is_error: bool) -> Found<'static> {
    Found::Problem(Problem {
        path: shown(path),
        why,
        is_error,
    })
}

/// One folder's wanted entries (sub-folders and answers files, hidden ones skipped), sorted
/// outside memory; `None` (after reporting why) when the folder cannot be listed.
fn list(
    dir: &Path,
    visit: &mut dyn FnMut(Found<'_>),
) -> Option<super::sorted::Merge<(Vec<u8>, u8)>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            visit(problem(dir, crate::diagnostic::describe_io(&e), true));
            return None;
        }
    };
    let mut sorted: ExternalSort<(Vec<u8>, u8)> = ExternalSort::new();
    let mut spill_failed = None;
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                visit(problem(dir, crate::diagnostic::describe_io(&e), true));
                continue;
            }
        };
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = match entry.file_type() {
            Err(_) => UNREADABLE,
            Ok(t) if t.is_dir() => DIR,
            Ok(t) if t.is_file() => FILE,
            Ok(t) if t.is_symlink() => match std::fs::metadata(entry.path()) {
                Ok(m) if m.is_dir() => LINKED_DIR,
                // A link in a folder others can write to could point at any file this run
                // can read: only files named on the command line are followed.
                Ok(m) if m.is_file() => LINKED_FILE,
                _ => OTHER,
            },
            Ok(_) => OTHER,
        };
        let wanted = matches!(kind, DIR | LINKED_DIR) || is_answers_name(&name);
        if wanted {
            if let Err(e) = sorted.push((to_bytes(&name), kind)) {
                spill_failed.get_or_insert(e);
            }
        }
    }
    match spill_failed.map_or_else(|| sorted.finish(), Err) {
        Ok(m) => Some(m),
        Err(e) => {
            visit(problem(
                dir,
                format!("cannot list this folder: {}", crate::fsio::temp_error(e)),
                true,
            ));
            None
        }
    }
}

/// Depth first, in sorted order, with an explicit stack: a tree thousands of folders deep
/// needs no deep call stack.
fn walk(root: &Path, visit: &mut dyn FnMut(Found<'_>)) {
    let mut stack = Vec::new();
    if let Some(entries) = list(root, visit) {
        stack.push((root.to_path_buf(), entries));
    }
    while let Some((dir, entries)) = stack.last_mut() {
        let Some(item) = entries.next() else {
            stack.pop();
            continue;
        };
        let (name, kind) = match item {
            Ok(i) => i,
            Err(e) => {
                let dir = dir.clone();
                stack.pop();
                visit(problem(&dir, crate::diagnostic::describe_io(&e), true));
                continue;
            }
        };
        let path = dir.join(from_bytes(name));
        match kind {
            DIR => {
                if let Some(entries) = list(&path, visit) {
                    stack.push((path, entries));
                }
            }
            FILE => {
                let relative = path.strip_prefix(root).unwrap_or(&path);
                visit(Found::File(&path, relative, true));
            }
            LINKED_DIR => visit(problem(
                &path,
                "skipped: a symbolic link to a folder (name that folder itself to include it)"
                    .to_string(),
                false,
            )),
            LINKED_FILE => visit(problem(
                &path,
                "skipped: a symbolic link to a file (name that file itself to include it)"
                    .to_string(),
                false,
            )),
            UNREADABLE => visit(problem(
                &path,
                "skipped: its type cannot be read".to_string(),
                true,
            )),
            _ => visit(problem(
                &path,
                "skipped: not a regular file (a FIFO, device, socket or broken link)".to_string(),
                true,
            )),
        }
    }
}

/// `east/acme.yaml` becomes `east_acme`: letters, digits and `-` are kept, everything else
/// (dots too, so a name never looks like an extension) becomes `_`; at most
/// [`MAX_NAME_BYTES`]. `~`, which this never produces, is kept for numbering clashes, so a
/// numbered name can never equal a real one.
pub(crate) fn flat_name(relative: &Path) -> String {
    let text = relative.with_extension("").to_string_lossy().into_owned();
    let mut name = String::new();
    for c in text.chars() {
        let c = if c.is_alphanumeric() || c == '-' {
            c
        } else {
            '_'
        };
        if name.len() + c.len_utf8() > MAX_NAME_BYTES {
            break;
        }
        name.push(c);
    }
    let name = name.trim_matches('_');
    if name.is_empty() {
        "client".to_string()
    } else {
        name.to_string()
    }
}

/// The key two names clash on: canonically composed and case folded, so `Acme` and `acme`,
/// or `é` written as one character or as `e` and an accent (one file on macOS and Windows),
/// are told apart by number.
pub(crate) fn clash_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let folded: String = name.nfkc().collect::<String>().to_lowercase();
    folded.nfkc().collect()
}

fn name_hash(name: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    clash_key(name).hash(&mut h);
    h.finish()
}

/// The inputs whose names clash with an earlier input's, with the number to add (2, 3...).
/// Found with an external sort of name hashes, so only clashes are held in memory (a clash
/// of hashes merely adds a number to a name).
fn name_suffixes(args: &[PathBuf]) -> std::io::Result<std::collections::HashMap<u32, u32>> {
    let mut sort = ExternalSort::new();
    let mut index = 0u32;
    let mut error = None;
    walk_inputs(args, &mut |found| {
        if let Found::File(_, relative, _) = found {
            if error.is_none() {
                if let Err(e) = sort.push((name_hash(&flat_name(relative)), index, 0u64, 0u32)) {
                    error = Some(e);
                }
            }
            index += 1;
        }
    });
    if let Some(e) = error {
        return Err(e);
    }
    let mut suffixes = std::collections::HashMap::new();
    let mut previous: Option<(u64, u32)> = None; // (hash, count so far)
    for item in sort.finish()? {
        let (hash, i, _, _) = item?;
        previous = match previous {
            Some((h, n)) if h == hash => {
                suffixes.insert(i, n + 1);
                Some((h, n + 1))
            }
            _ => Some((hash, 1)),
        };
    }
    Ok(suffixes)
}

/// Streams the inputs to `visit` in order, each with its unique output name, and the
/// problems met on the way to `problem`.
pub fn for_each_input(
    args: &[PathBuf],
    problem: &mut dyn FnMut(Problem),
    visit: &mut dyn FnMut(Input),
) {
    let suffixes = match name_suffixes(args) {
        Ok(s) => s,
        Err(e) => {
            problem(Problem {
                path: "(temporary files)".to_string(),
                why: crate::fsio::temp_error(e).to_string(),
                is_error: true,
            });
            return;
        }
    };
    each_input(args, &suffixes, problem, visit);
}

/// Like [`for_each_input`], for runs that write no file per client (`check`, `report`
/// without `--output-dir`): the names are not made unique, which saves a walk.
pub fn for_each_input_unnamed(
    args: &[PathBuf],
    problem: &mut dyn FnMut(Problem),
    visit: &mut dyn FnMut(Input),
) {
    each_input(args, &std::collections::HashMap::new(), problem, visit);
}

fn each_input(
    args: &[PathBuf],
    suffixes: &std::collections::HashMap<u32, u32>,
    problem: &mut dyn FnMut(Problem),
    visit: &mut dyn FnMut(Input),
) {
    let mut index = 0u32;
    walk_inputs(args, &mut |found| match found {
        Found::Problem(p) => problem(p),
        Found::File(path, relative, walked) => {
            let mut name = flat_name(relative);
            if let Some(n) = suffixes.get(&index) {
                name = format!("{name}~{n}");
            } else if is_reserved(&name) {
                name.push_str("~1");
            }
            index += 1;
            visit(Input {
                path: path.to_path_buf(),
                shown: shown(path),
                name,
                walked,
            });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// All inputs at once, and the problems met.
    fn expand(args: &[PathBuf]) -> (Vec<Input>, Vec<Problem>) {
        let mut inputs = Vec::new();
        let mut problems = Vec::new();
        for_each_input(args, &mut |p| problems.push(p), &mut |i| inputs.push(i));
        (inputs, problems)
    }

    #[test]
    fn clients_whose_names_flatten_alike_are_numbered_in_input_order() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        for name in [
            "a b.yaml",
            "a_b.yaml",
            "a_b-2.yaml",
            "A_B.yml",
            "portfolio.yaml",
            "c.yml",
        ] {
            std::fs::write(dir.path().join(name), "x")?;
        }
        std::fs::create_dir(dir.path().join("a"))?;
        std::fs::write(dir.path().join("a").join("b.yaml"), "x")?;
        let (inputs, problems) = expand(&[dir.path().to_path_buf()]);
        assert!(problems.is_empty(), "{problems:?}");
        let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
        // Sorted: "A_B.yml", "a" (folder), "a b.yaml", "a_b-2.yaml", "a_b.yaml", "c.yml",
        // "portfolio.yaml".
        assert_eq!(
            names,
            [
                "A_B",
                "a_b~2",
                "a_b~3",
                "a_b-2",
                "a_b~4",
                "c",
                "portfolio~1"
            ]
        );
        let mut keys: Vec<String> = names.iter().map(|n| clash_key(n)).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), names.len());
        Ok(())
    }

    #[test]
    fn names_clash_as_macos_and_windows_see_them() {
        assert_eq!(clash_key("Caf\u{e9}"), clash_key("cafe\u{301}"));
        assert_eq!(clash_key("\u{d55c}"), clash_key("\u{1112}\u{1161}\u{11ab}"));
        assert!(is_reserved("COM\u{b9}") && is_reserved("lpt0") && is_reserved("Portfolio"));
        assert!(!is_reserved("company"));
    }

    #[test]
    fn names_are_flat_short_and_have_no_dots() {
        assert_eq!(flat_name(Path::new("east/acme.yaml")), "east_acme");
        assert_eq!(
            flat_name(Path::new("Dental Co (2026).yml")),
            "Dental_Co__2026"
        );
        assert_eq!(flat_name(Path::new("a.oscal.yaml")), "a_oscal");
        assert_eq!(flat_name(Path::new("...yaml")), "client");
        let long = "é".repeat(200) + ".yaml";
        assert!(flat_name(Path::new(&long)).len() <= MAX_NAME_BYTES);
    }
}
