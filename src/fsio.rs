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

/// Reads a whole file, refusing files over [`MAX_INPUT_BYTES`] without reading them fully.
/// `-` reads standard input.
pub fn read_limited(path: &str) -> Result<Vec<u8>, LoadError> {
    let read_err = |cause| LoadError::Read {
        path: path.to_string(),
        cause,
    };
    let mut bytes = Vec::new();
    if path == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(read_err)?;
    } else {
        let file = File::open(path).map_err(read_err)?;
        let meta = file.metadata().map_err(read_err)?;
        if meta.is_dir() {
            return Err(read_err(std::io::Error::from(
                std::io::ErrorKind::IsADirectory,
            )));
        }
        file.take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(read_err)?;
    }
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(LoadError::TooLarge {
            path: path.to_string(),
            limit: MAX_INPUT_BYTES,
        });
    }
    Ok(bytes)
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
        if path.is_dir() {
            return Err(err(std::io::Error::from(std::io::ErrorKind::IsADirectory)));
        }
        // tempfile creates the file with mode 0600, so the content is never readable by
        // others, not even for the moment before the rename.
        let tmp = tempfile::Builder::new()
            .prefix(".msp-risk-")
            .suffix(".tmp")
            .tempfile_in(folder_of(path))
            .map_err(err)?;
        Ok(AtomicFile {
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
        let e = read_limited(&dir.path().display().to_string()).unwrap_err();
        assert!(e.to_string().contains("folder"), "{e}");
        Ok(())
    }
}
