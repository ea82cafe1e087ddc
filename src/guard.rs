//! Where the tool may write. An answers file is hours of an owner's work and a bank is
//! someone's customisation, so no output may ever replace one of the files a run reads; and
//! an atomic rename replaces whatever sits at the target, so only a regular file (or nothing)
//! may be there: a device, FIFO, socket, folder or symbolic link is never replaced.
//!
//! Every write in the crate goes through [`crate::fsio::AtomicFile`], which asks [`check`]
//! when it starts and again just before its rename: one rule for every command.

use std::collections::BTreeSet;
use std::io;
use std::path::Path;
use std::sync::Mutex;

/// A file's identity: device and inode on Unix, so `./a.yaml`, `a.yaml`, a symlink to it
/// and a hard link to it are all the same file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Identity(u64, u64);

/// The files this run reads (inputs and the bank): a set, since a run may read 100,000.
static PROTECTED: Mutex<BTreeSet<Identity>> = Mutex::new(BTreeSet::new());

fn identity(meta: &std::fs::Metadata) -> Option<Identity> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(Identity(meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// Whether two metadata describe the same file.
pub(crate) fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    match (identity(a), identity(b)) {
        (Some(x), Some(y)) => x == y,
        // No portable identity: fall back to comparing what is known.
        _ => a.len() == b.len() && a.modified().ok() == b.modified().ok(),
    }
}

/// Records that this run reads `path` (following symlinks: the file it reaches), so that no
/// output may replace it. Paths that do not exist, and `-`, are ignored.
pub fn protect(path: &Path) {
    let meta = if is_stdin(path) {
        // `-`, `/dev/stdin`: the file behind standard input, if it is one (`< a.yaml`).
        stdin_metadata()
    } else {
        std::fs::metadata(path).ok()
    };
    if let Some(id) = meta.as_ref().and_then(identity) {
        PROTECTED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id);
    }
}

/// The metadata of whatever is behind a standard stream (a file, a pipe, a terminal).
#[cfg(unix)]
fn stream_metadata(stream: &impl std::os::fd::AsFd) -> Option<std::fs::Metadata> {
    let fd = stream.as_fd().try_clone_to_owned().ok()?;
    std::fs::File::from(fd).metadata().ok()
}

/// The identity of standard output when it is a regular file (`> out.txt`). Looked up
/// once: every file a batch reads is compared with it.
fn stdout_file_identity() -> Option<Identity> {
    static STDOUT: std::sync::OnceLock<Option<Identity>> = std::sync::OnceLock::new();
    *STDOUT.get_or_init(|| {
        #[cfg(unix)]
        {
            stream_metadata(&std::io::stdout())
                .filter(|m| m.is_file())
                .as_ref()
                .and_then(identity)
        }
        #[cfg(not(unix))]
        {
            None
        }
    })
}

fn stdin_metadata() -> Option<std::fs::Metadata> {
    #[cfg(unix)]
    {
        stream_metadata(&std::io::stdin())
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Whether standard output is one of the files this run reads (`report a.yaml >> a.yaml`):
/// then nothing may be written to it.
pub fn stdout_is_an_input() -> bool {
    stdout_file_identity().is_some_and(|id| {
        PROTECTED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&id)
    })
}

/// The message for [`stdout_is_an_input`].
pub const STDOUT_IS_AN_INPUT: &str = "standard output is one of the files being read (an \
     answers file or the bank); an output never replaces or extends an input: redirect it to \
     another file";

/// True when `path` names standard input rather than a file to read: `-`, `/dev/stdin` and
/// its `/dev/fd` and `/proc/self/fd` spellings.
pub fn is_stdin(path: &Path) -> bool {
    let p = path.as_os_str();
    p == "-"
        || ["/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"]
            .iter()
            .any(|s| p == *s)
}

/// True when an output `path` names standard output: `-`, `/dev/stdout` and its `/dev/fd`
/// and `/proc/self/fd` spellings.
pub fn is_stdout(path: &Path) -> bool {
    let p = path.as_os_str();
    p == "-"
        || ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"]
            .iter()
            .any(|s| p == *s)
}

/// Whether `meta` is the file standard output is redirected to, for the readers: a file
/// that is also standard output is never read (it would be extended with
/// the report about it while being read).
pub(crate) fn is_standard_output(meta: &std::fs::Metadata) -> bool {
    matches!((stdout_file_identity(), identity(meta)), (Some(a), Some(b)) if a == b)
}

/// Why a path may not be written to, as an error the callers wrap in a
/// [`crate::diagnostic::WriteError`]. Its kind is `InvalidInput`.
fn refuse(why: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, why)
}

/// Whether `path` may be replaced by an output: nothing there, or a regular file that is not
/// one of the run's inputs. Symlinks are not followed: a symlink is refused, whatever it
/// points to.
pub fn check(path: &Path) -> io::Result<()> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let kind = meta.file_type();
    if kind.is_symlink() {
        return Err(refuse(
            "this is a symbolic link, and outputs never replace or write through one; \
             name the real file or another path",
        ));
    }
    if kind.is_dir() {
        return Err(io::Error::from(io::ErrorKind::IsADirectory));
    }
    if !kind.is_file() {
        return Err(refuse(
            "this is a device, FIFO or socket, not a regular file; outputs only replace \
             regular files (use `-` for standard output)",
        ));
    }
    if let Some(id) = identity(&meta) {
        let set = PROTECTED.lock().unwrap_or_else(|e| e.into_inner());
        if set.contains(&id) {
            return Err(refuse(
                "this is one of the files being read (an answers file or the bank); \
                 an output never replaces an input: choose another name",
            ));
        }
    }
    if held_by_another(path) {
        return Err(refuse(
            "this file is in use by a running interview (or another msp-risk run), or cannot \
             be opened to check that it is not; finish that first or choose another name",
        ));
    }
    Ok(())
}

/// Whether another process holds an exclusive lock on the file (an interview holds its
/// answers file this way). Opened without following links or blocking.
fn held_by_another(path: &Path) -> bool {
    match crate::fsio::open_no_follow(path) {
        Ok(file) => matches!(
            file.try_lock_shared(),
            Err(std::fs::TryLockError::WouldBlock)
        ),
        // A file this user cannot even open may be someone else's, in use: it is not
        // replaced on a guess.
        Err(e) => e.kind() == io::ErrorKind::PermissionDenied,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn an_input_is_refused_by_any_name() -> TestResult {
        let dir = tempfile::tempdir()?;
        let a = dir.path().join("a.yaml");
        std::fs::write(&a, "x")?;
        let hard = dir.path().join("hard.yaml");
        std::fs::hard_link(&a, &hard)?;
        assert!(check(&a).is_ok());
        protect(&a);
        for name in [&a, &hard, &dir.path().join(".").join("a.yaml")] {
            let e = check(name).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{}", name.display());
        }
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_and_devices_are_refused_missing_paths_allowed() -> TestResult {
        let dir = tempfile::tempdir()?;
        let target = dir.path().join("target.txt");
        std::fs::write(&target, "x")?;
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&target, &link)?;
        assert!(check(&link).is_err());
        assert!(check(Path::new("/dev/null")).is_err());
        assert!(check(&dir.path().join("new.txt")).is_ok());
        assert!(check(dir.path()).is_err());
        assert!(is_stdout(Path::new("-")) && is_stdout(Path::new("/dev/stdout")));
        assert!(!is_stdout(Path::new("/dev/stdin")) && is_stdin(Path::new("/dev/stdin")));
        Ok(())
    }
}
