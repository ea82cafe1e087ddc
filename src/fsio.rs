//! The library's only contact with the file system: bounded reads and atomic writes.
//!
//! Reports and answers files describe a company's security weaknesses, so every file written
//! here is owner-only (mode 0600 on Unix) and replaces its previous version atomically:
//! a crash or a full disk leaves either the old file or the new one, never half of one.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use crate::diagnostic::{LoadError, WriteError};
use crate::limits::MAX_INPUT_BYTES;

/// Reads a whole file the user named, refusing files over [`MAX_INPUT_BYTES`] without
/// reading them fully. `-` reads standard input; a pipe (`<(...)`) is read like a file.
pub fn read_limited(path: &Path) -> Result<Vec<u8>, LoadError> {
    read(path, false)
}

/// Like [`read_limited`], for files found by walking a folder: only a regular file is read.
/// The file is opened without blocking and checked after opening, so a FIFO (or a file
/// swapped for one) is refused at once instead of waiting forever for a writer.
pub fn read_regular(path: &Path) -> Result<Vec<u8>, LoadError> {
    read(path, true)
}

fn read(path: &Path, regular_only: bool) -> Result<Vec<u8>, LoadError> {
    let shown = || path.display().to_string();
    let read_err = |cause| LoadError::Read {
        path: shown(),
        cause,
    };
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        use std::io::IsTerminal;
        if std::io::stdin().is_terminal() {
            // Nobody is going to type a YAML file: say so instead of waiting.
            return Err(read_err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "`-` reads standard input, which is a terminal here; pipe a file in \
                 (`msp-risk report - < answers.yaml`) or name the file",
            )));
        }
        std::io::stdin()
            .lock()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(read_err)?;
    } else {
        // Opened without blocking: opening a FIFO nobody writes to would otherwise wait
        // for ever. Regular files read the same either way.
        let mut options = std::fs::OpenOptions::new();
        options.read(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NONBLOCK);
        }
        let file = options.open(path).map_err(read_err)?;
        let meta = file.metadata().map_err(read_err)?;
        if meta.is_dir() {
            return Err(read_err(std::io::Error::from(
                std::io::ErrorKind::IsADirectory,
            )));
        }
        if regular_only && !meta.is_file() {
            return Err(read_err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a regular file (a FIFO, device or socket); skipped",
            )));
        }
        read_patiently(file.take(MAX_INPUT_BYTES + 1), &mut bytes).map_err(read_err)?;
    }
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(LoadError::TooLarge {
            path: shown(),
            limit: MAX_INPUT_BYTES,
        });
    }
    Ok(bytes)
}

/// How long a pipe named on the command line (`<(...)`, a FIFO) may stay silent before the
/// read gives up: no read waits for ever.
pub const PIPE_IDLE_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Reads to the end from a descriptor opened without blocking: when a pipe has no data
/// yet, waits a little and tries again, up to [`PIPE_IDLE_LIMIT`] of silence.
fn read_patiently(mut from: impl Read, bytes: &mut Vec<u8>) -> std::io::Result<()> {
    let mut buf = [0u8; 64 * 1024];
    let mut idle = std::time::Duration::ZERO;
    let pause = std::time::Duration::from_millis(10);
    loop {
        match from.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => {
                bytes.extend_from_slice(&buf[..n]);
                idle = std::time::Duration::ZERO;
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if idle >= PIPE_IDLE_LIMIT {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "nothing arrived through this pipe for 30 seconds; gave up",
                    ));
                }
                std::thread::sleep(pause);
                idle += pause;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed to disk,
/// renamed over the target, then the folder itself flushed. The result is mode 0600.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write(path, bytes, true)
}

/// Like [`write_atomic`], but fails with `AlreadyExists` instead of replacing a file: for
/// outputs such as a blank answers file, where replacing would destroy someone's answers.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write(path, bytes, false)
}

fn write(path: &Path, bytes: &[u8], overwrite: bool) -> Result<(), WriteError> {
    let mut file = AtomicFile::open(path, overwrite)?;
    file.write_all(bytes).map_err(|cause| WriteError {
        path: path.display().to_string(),
        cause,
    })?;
    file.commit()
}

/// A file written bit by bit and put in place atomically by [`AtomicFile::commit`]: what
/// [`write_atomic`] does for bytes in memory, for outputs too large to build in memory first
/// (the portfolio summary of a large batch). Dropping it without committing leaves the
/// previous version untouched.
pub struct AtomicFile {
    _pending: Pending,
    path: std::path::PathBuf,
    tmp: std::io::BufWriter<tempfile::NamedTempFile>,
    overwrite: bool,
}

impl AtomicFile {
    /// Starts writing `path` (a temporary file in the same folder, mode 0600).
    pub fn create(path: &Path) -> Result<AtomicFile, WriteError> {
        AtomicFile::open(path, true)
    }

    fn open(path: &Path, overwrite: bool) -> Result<AtomicFile, WriteError> {
        let err = |cause| WriteError {
            path: path.display().to_string(),
            cause,
        };
        crate::guard::check(path).map_err(err)?;
        // Created and registered under one lock, so a stop by signal either sees this
        // temporary file in the list (and removes it) or prevents its creation.
        let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
        if pending.stopping {
            return Err(err(std::io::Error::from(std::io::ErrorKind::Interrupted)));
        }
        // tempfile creates the file with mode 0600, so the content is never readable by
        // others, not even for the moment before the rename.
        let tmp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .tempfile_in(folder_of(path))
            .map_err(err)?;
        pending.paths.push(tmp.path().to_path_buf());
        drop(pending);
        Ok(AtomicFile {
            _pending: Pending(tmp.path().to_path_buf()),
            path: path.to_path_buf(),
            tmp: std::io::BufWriter::new(tmp),
            overwrite,
        })
    }

    /// Flushes and syncs the file, renames it into place (or, for a new file, fails with
    /// `AlreadyExists` rather than replace one), then syncs the folder.
    pub fn commit(self) -> Result<(), WriteError> {
        let err = |cause| WriteError {
            path: self.path.display().to_string(),
            cause,
        };
        let tmp = self.tmp.into_inner().map_err(|e| err(e.into_error()))?;
        tmp.as_file().sync_all().map_err(err)?;
        // Checked again at the last moment: the target may have changed since `open`.
        crate::guard::check(&self.path).map_err(err)?;
        if self.overwrite {
            tmp.persist(&self.path).map_err(|e| err(e.error))?;
        } else {
            tmp.persist_noclobber(&self.path)
                .map_err(|e| err(e.error))?;
        }
        #[cfg(unix)]
        {
            // Make the rename itself durable. Failing to open the folder is not worth
            // failing the write for: the data is already safely on disk under its name.
            if let Ok(d) = File::open(folder_of(&self.path)) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }
}

/// Temporary files are named `.msp-risk-XXXXXX.tmp`: hidden, and recognisable as ours when
/// a run killed with `kill -9` left one behind.
pub const TEMP_PREFIX: &str = ".msp-risk-";
/// See [`TEMP_PREFIX`].
pub const TEMP_SUFFIX: &str = ".tmp";

/// Temporary files not yet renamed into place, so that a stop by signal can remove them
/// (the process then exits without running destructors).
struct PendingWrites {
    stopping: bool,
    paths: Vec<std::path::PathBuf>,
}

static PENDING: std::sync::Mutex<PendingWrites> = std::sync::Mutex::new(PendingWrites {
    stopping: false,
    paths: Vec::new(),
});

/// One entry of [`PENDING`], removed from the list when the write ends either way.
struct Pending(std::path::PathBuf);

impl Drop for Pending {
    fn drop(&mut self) {
        let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = pending.paths.iter().rposition(|p| *p == self.0) {
            pending.paths.swap_remove(i);
        }
    }
}

/// For a signal handler about to exit the process: refuses every write from now on and
/// removes the temporary files of the writes in progress, so a stopped run leaves only
/// complete files behind. Returns with the list locked for good: call it last.
pub fn abandon_writes() {
    let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    pending.stopping = true;
    for path in pending.paths.drain(..) {
        let _ = std::fs::remove_file(path);
    }
    // Keep the lock: no write may start or finish between here and the exit.
    std::mem::forget(pending);
}

/// Removes temporary files of ours left in `dir` by a run that was killed outright. Only
/// for a folder this run holds locked (see [`lock_folder`]), where no other run of ours is
/// writing. Returns how many were removed.
pub fn remove_stale_temporaries(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let ours = name.starts_with(TEMP_PREFIX)
            && name.ends_with(TEMP_SUFFIX)
            && name.len() == TEMP_PREFIX.len() + 6 + TEMP_SUFFIX.len();
        if ours
            && entry.file_type().is_ok_and(|t| t.is_file())
            && std::fs::remove_file(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// An exclusive lock on a folder (on the folder itself: nothing is created in it, so nothing
/// is left behind). `Ok(None)` when another run holds it. Released when dropped or when the
/// process ends, even by `kill -9`.
pub fn lock_folder(dir: &Path) -> Result<Option<File>, WriteError> {
    let err = |cause| WriteError {
        path: dir.display().to_string(),
        cause,
    };
    let file = File::open(dir).map_err(err)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(err(e)),
    }
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tmp.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.tmp.flush()
    }
}

/// An exclusive lock for one file, held through a companion lock file (`.NAME.lock` beside
/// it). The operating system releases it when the process ends, even by `kill -9`; dropping
/// it also removes the companion file.
#[derive(Debug)]
pub struct FileLock {
    _file: File,
    path: std::path::PathBuf,
}

impl Drop for FileLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Takes the lock for `path`; `Ok(None)` when another process holds it.
pub fn lock(path: &Path) -> Result<Option<FileLock>, WriteError> {
    let name = path
        .file_name()
        .map_or_else(|| "answers".into(), |n| n.to_string_lossy().into_owned());
    let lock_path = path.with_file_name(format!(".{name}.lock"));
    let err = |cause| WriteError {
        path: lock_path.display().to_string(),
        cause,
    };
    loop {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(err)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
            Err(std::fs::TryLockError::Error(e)) => return Err(err(e)),
        }
        // The holder may have removed the lock file between our open and our lock: then we
        // hold a lock on a file nobody else can see. Retry until the path and the locked
        // file are the same.
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let locked = file.metadata().map_err(err)?;
            match std::fs::metadata(&lock_path) {
                Ok(now) if now.ino() == locked.ino() && now.dev() == locked.dev() => {}
                _ => continue,
            }
        }
        return Ok(Some(FileLock {
            _file: file,
            path: lock_path,
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn atomic_write_replaces_content_and_is_owner_only() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("out.txt");
        write_atomic(&path, b"first")?;
        write_atomic(&path, b"second")?;
        assert_eq!(std::fs::read(&path)?, b"second");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)?.permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path())?.count(), 1);
        Ok(())
    }

    #[test]
    fn write_new_never_replaces_a_file() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("answers.yaml");
        write_new(&path, b"mine")?;
        let e = write_new(&path, b"blank").unwrap_err();
        assert_eq!(e.cause.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path)?, b"mine");
        assert_eq!(std::fs::read_dir(dir.path())?.count(), 1);
        Ok(())
    }

    #[test]
    fn a_second_lock_on_the_same_file_is_refused_until_the_first_is_dropped() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("answers.yaml");
        let first = lock(&path)?.ok_or("first lock refused")?;
        assert!(lock(&path)?.is_none());
        drop(first);
        assert!(lock(&path)?.is_some());
        Ok(())
    }

    #[test]
    fn writing_into_a_missing_folder_fails_cleanly() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("missing").join("out.txt");
        let e = write_atomic(&path, b"x").unwrap_err();
        assert_eq!(e.cause.kind(), std::io::ErrorKind::NotFound);
        Ok(())
    }

    #[test]
    fn reading_a_folder_is_an_error() -> TestResult {
        let dir = tempfile::tempdir()?;
        let e = read_limited(dir.path()).unwrap_err();
        assert!(e.to_string().contains("folder"), "{e}");
        Ok(())
    }
}
