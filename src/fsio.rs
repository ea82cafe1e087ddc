//! The library's only contact with the file system: bounded reads and atomic writes.
//!
//! Reports and answers files describe a company's security weaknesses, so every file written
//! here is owner-only (mode 0600 on Unix) and replaces its previous version atomically:
//! a crash or a full disk leaves either the old file or the new one, never half of one.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

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
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        use std::io::IsTerminal;
        if std::io::stdin().is_terminal() {
            // Nobody is going to type a YAML file: say so instead of waiting.
            return Err(read_err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "`-` reads standard input, which is a terminal here; pipe a file in \
                 (`msp-risk report - < answers.yaml`) or name the file",
            )));
        }
        crate::guard::protect(path);
        read_stdin_patiently(&mut bytes).map_err(read_err)?;
        within_limit(bytes, &shown())
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
        if crate::guard::is_standard_output(&meta) {
            // `check a.yaml >> a.yaml`: reading it would read what this run appends.
            crate::guard::protect(path);
            return Err(read_err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "this file is also standard output (`>> FILE`); it is not read, and nothing is \
                 written to it: redirect the output to another file",
            )));
        }
        read_capped(file, &shown())
    }
}

/// An error with a temporary file (sorting or spilling a large batch), naming where such
/// files go and how to move them.
pub fn temp_error(cause: std::io::Error) -> WriteError {
    WriteError {
        path: format!(
            "a temporary file in {} (set TMPDIR to use another folder)",
            std::env::temp_dir().display()
        ),
        cause,
    }
}

/// How long a pipe named on the command line (`<(...)`, a FIFO) may stay silent before the
/// read gives up: no read waits for ever.
pub const PIPE_IDLE_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

/// The error for a pipe that stayed silent for [`PIPE_IDLE_LIMIT`].
fn silence(what: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        format!(
            "nothing arrived through {what} for {} seconds; gave up",
            PIPE_IDLE_LIMIT.as_secs()
        ),
    )
}

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
                    return Err(silence("this pipe"));
                }
                std::thread::sleep(pause);
                idle += pause;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Reads standard input to the end, up to [`MAX_INPUT_BYTES`] + 1 bytes, giving up after
/// [`PIPE_IDLE_LIMIT`] without data. Standard input cannot be made non-blocking safely, so a
/// thread reads it and the caller waits on a channel with a timeout (when the caller gives
/// up, the process exits with the error, ending the thread).
fn read_stdin_patiently(bytes: &mut Vec<u8>) -> std::io::Result<()> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<std::io::Result<Vec<u8>>>(4);
    std::thread::spawn(move || {
        let mut input = std::io::stdin().lock().take(MAX_INPUT_BYTES + 1);
        loop {
            let mut buf = vec![0u8; 64 * 1024];
            match input.read(&mut buf) {
                Ok(0) => {
                    let _ = tx.send(Ok(Vec::new()));
                    return;
                }
                Ok(n) => {
                    buf.truncate(n);
                    if tx.send(Ok(buf)).is_err() {
                        return;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            }
        }
    });
    loop {
        match rx.recv_timeout(PIPE_IDLE_LIMIT) {
            Ok(Ok(chunk)) if chunk.is_empty() => return Ok(()),
            Ok(Ok(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(Err(e)) => return Err(e),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                return Err(silence("standard input"))
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
        }
    }
}

/// Puts several files in place together, all or none: each is flushed and synced, then the
/// files they replace are kept aside (a hard link), then all are renamed into place; if any
/// step fails, the renamed ones are put back as they were, and nothing is left behind.
pub fn commit_all(files: Vec<AtomicFile>) -> Result<(), WriteError> {
    let mut ready = Vec::with_capacity(files.len());
    for file in files {
        ready.push(file.prepare()?);
    }
    // Keep each existing target aside under a temporary name (a hard link), so it can be
    // put back; the names go when `kept` drops.
    let mut kept: Vec<Option<tempfile::NamedTempFile<()>>> = Vec::with_capacity(ready.len());
    for r in &ready {
        if !r.overwrite || std::fs::symlink_metadata(&r.path).is_err() {
            kept.push(None);
            continue;
        }
        let aside = temporary_names()
            .make_in(folder_of(&r.path), |name| std::fs::hard_link(&r.path, name))
            .map_err(|cause| WriteError {
                path: r.path.display().to_string(),
                cause,
            })?;
        kept.push(Some(aside));
    }
    let mut done: Vec<usize> = Vec::new();
    let mut failure = None;
    for (i, r) in ready.iter().enumerate() {
        if let Err(e) = r.rename() {
            failure = Some(e);
            break;
        }
        done.push(i);
    }
    if let Some(e) = failure {
        for i in done {
            let r = &ready[i];
            match &kept[i] {
                Some(aside) => {
                    let _ = std::fs::rename(aside.path(), &r.path);
                }
                None => {
                    let _ = std::fs::remove_file(&r.path);
                }
            }
        }
        return Err(e);
    }
    drop(kept);
    for r in &ready {
        r.sync_folder();
    }
    Ok(())
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
        let tmp = temporary_names()
            .tempfile_in(folder_of(path))
            .map_err(err)?;
        // Locked while it is being written, so that a batch cleaning up temporary files left by
        // killed runs (see `remove_stale_temporaries`) never removes a live one.
        let _ = tmp.as_file().try_lock();
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
        let ready = self.prepare()?;
        ready.rename()?;
        ready.sync_folder();
        Ok(())
    }

    /// Flushes and syncs the temporary file: everything but the rename.
    fn prepare(self) -> Result<Ready, WriteError> {
        let err = |cause| WriteError {
            path: self.path.display().to_string(),
            cause,
        };
        let tmp = self.tmp.into_inner().map_err(|e| err(e.into_error()))?;
        tmp.as_file().sync_all().map_err(err)?;
        Ok(Ready {
            path: self.path,
            tmp,
            overwrite: self.overwrite,
            _pending: self._pending,
        })
    }
}

/// A temporary file complete on disk, waiting to be renamed into place.
struct Ready {
    path: PathBuf,
    tmp: tempfile::NamedTempFile,
    overwrite: bool,
    _pending: Pending,
}

impl Ready {
    /// Renames the file into place (checking the target once more first). The temporary
    /// name is gone afterwards; on failure the temporary file is removed when `self` drops.
    fn rename(&self) -> Result<(), WriteError> {
        let err = |cause| WriteError {
            path: self.path.display().to_string(),
            cause,
        };
        // Checked again at the last moment: the target may have changed since `open`.
        crate::guard::check(&self.path).map_err(err)?;
        if self.overwrite {
            std::fs::rename(self.tmp.path(), &self.path).map_err(err)
        } else {
            // A hard link never replaces an existing name; then the temporary name goes.
            std::fs::hard_link(self.tmp.path(), &self.path).map_err(err)?;
            let _ = std::fs::remove_file(self.tmp.path());
            Ok(())
        }
    }

    fn sync_folder(&self) {
        sync_folder_of(&self.path);
    }
}

/// Makes a rename into the folder of `path` durable. Failing to open the folder is not worth
/// failing the write for: the data is already safely on disk under its name.
fn sync_folder_of(path: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(folder_of(path)) {
        let _ = d.sync_all();
    }
}

/// Temporary files are named `.msp-risk-XXXXXX.tmp`: hidden, and recognisable as ours when
/// a run killed with `kill -9` left one behind.
pub const TEMP_PREFIX: &str = ".msp-risk-";
/// See [`TEMP_PREFIX`].
pub const TEMP_SUFFIX: &str = ".tmp";

/// How every temporary file of ours is named (six random characters between the two).
fn temporary_names() -> tempfile::Builder<'static, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    builder
}

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

/// Removes temporary files of ours left in `dir` by a run that was killed outright: those no
/// live writer holds locked. Returns how many were removed.
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
        // A temporary file being written is locked by its writer: only an unlocked one is
        // stale.
        let stale = ours
            && entry.file_type().is_ok_and(|t| t.is_file())
            && open_no_follow(&entry.path()).is_ok_and(|f| f.try_lock().is_ok());
        if stale && std::fs::remove_file(entry.path()).is_ok() {
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

/// One process's hold on a file it rewrites again and again (the interview's answers file):
/// an exclusive `flock` on the file itself, not on a companion lock file. So the lock is the
/// file's identity (a hard link, a linked folder or `a/../a.yaml` all reach the same lock),
/// there is no lock file to plant a link at or to leave behind, and the operating system
/// releases it on every exit, even `kill -9`. [`FileLock::replace`] locks each new version
/// before renaming it into place, so the lock never lapses when a save swaps the inode.
#[derive(Debug)]
pub struct FileLock {
    path: PathBuf,
    /// The current version, open and locked; dropping it releases the lock.
    file: File,
}

/// What [`lock`] found.
#[derive(Debug)]
pub enum Locked {
    /// This process holds the file.
    Held {
        /// The hold; saves go through it.
        lock: FileLock,
        /// The file's content when it was locked (read through the locked descriptor, so it
        /// is the very file now held), or the initial content when it was created.
        content: Vec<u8>,
        /// Whether [`lock`] created the file.
        created: bool,
    },
    /// Another process holds it.
    Busy,
}

/// Why a file cannot be held for rewriting. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// The path is a symbolic link: saving renames a new file over the path, which would
    /// replace the link, not update its target; following it would write where the person
    /// did not say.
    #[error(
        "{} is a symbolic link{}; answers are never written through a link: name the file itself",
        crate::sanitize::terminal_line(path),
        target.as_deref().map(|t| format!(" (to {})", crate::sanitize::terminal_line(t))).unwrap_or_default()
    )]
    Symlink {
        /// The path as given.
        path: String,
        /// Where the link points, when it can be read.
        target: Option<String>,
    },
    /// A folder, device, FIFO or socket: replacing it (or even opening it: a FIFO blocks)
    /// would do harm.
    #[error(
        "{} is {kind}, not a regular file; choose a file name",
        crate::sanitize::terminal_line(path)
    )]
    NotAFile {
        /// The path as given.
        path: String,
        /// What it is, with its article ("a folder").
        kind: &'static str,
    },
    /// The file has other names: each save replaces the file, which would silently split
    /// them into different files.
    #[error(
        "{} has {links} names (hard links), and saving would split them into separate files; \
         copy it to a file of its own and use that",
        crate::sanitize::terminal_line(path)
    )]
    HardLinks {
        /// The path as given.
        path: String,
        /// How many names the file has.
        links: u64,
    },
    /// The file could not be read, or is too large.
    #[error(transparent)]
    Read(#[from] LoadError),
    /// The file could not be created or locked.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// How many times [`lock`] starts over when the file changes under it (another process
/// creating or saving it at the same moment) before saying it is busy.
const LOCK_ATTEMPTS: usize = 100;

/// Takes the exclusive hold on `path`, creating it with `initial` (atomically, never over an
/// existing file) when it does not exist. Refuses symbolic links, hard-linked files and
/// anything but a regular file before opening or writing anything.
pub fn lock(path: &Path, initial: &[u8]) -> Result<Locked, LockError> {
    let name = path.display().to_string();
    let write_err = |cause| {
        LockError::Write(WriteError {
            path: name.clone(),
            cause,
        })
    };
    for _ in 0..LOCK_ATTEMPTS {
        match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                match write_locked(path, initial, false) {
                    Ok(file) => {
                        let lock = FileLock {
                            path: path.to_path_buf(),
                            file,
                        };
                        let content = initial.to_vec();
                        return Ok(Locked::Held {
                            lock,
                            content,
                            created: true,
                        });
                    }
                    // Created by someone else meanwhile: hold it (or find it held) instead.
                    Err(e) if e.cause.kind() == std::io::ErrorKind::AlreadyExists => continue,
                    Err(e) => return Err(e.into()),
                }
            }
            Err(e) => return Err(write_err(e)),
            Ok(meta) => check_kind(path, &meta)?,
        }
        let file = match open_no_follow(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) if is_symlink_error(&e) => return Err(symlink_error(path)),
            Err(e) => return Err(write_err(e)),
        };
        let meta = file.metadata().map_err(write_err)?;
        check_kind(path, &meta)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Ok(Locked::Busy),
            Err(std::fs::TryLockError::Error(e)) => return Err(write_err(e)),
        }
        // A save may have renamed a new version over the path between our open and our
        // lock: then we hold an old version nobody uses. Start over until the path names
        // the file we hold.
        if !std::fs::symlink_metadata(path).is_ok_and(|now| crate::guard::same_file(&now, &meta)) {
            continue;
        }
        if !single_name(&meta) {
            #[cfg(unix)]
            let links = std::os::unix::fs::MetadataExt::nlink(&meta);
            #[cfg(not(unix))]
            let links = 2;
            return Err(LockError::HardLinks { path: name, links });
        }
        let content = read_capped(&file, &name)?;
        let lock = FileLock {
            path: path.to_path_buf(),
            file,
        };
        return Ok(Locked::Held {
            lock,
            content,
            created: false,
        });
    }
    Ok(Locked::Busy)
}

impl FileLock {
    /// The path as given to [`lock`].
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Replaces the file with `bytes` atomically (like [`write_atomic`]); the new version is
    /// locked before it takes the file's name, so the hold never lapses.
    pub fn replace(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        // The path must still name the file held: if it was moved, deleted or replaced
        // (by a link, a FIFO, another interview's file), renaming over it would destroy
        // someone else's file, or split the answers in two.
        let still_ours = match (std::fs::symlink_metadata(&self.path), self.file.metadata()) {
            (Ok(now), Ok(held)) => {
                now.file_type().is_file()
                    && crate::guard::same_file(&now, &held)
                    && single_name(&held)
            }
            _ => false,
        };
        if !still_ours {
            return Err(WriteError {
                path: self.path.display().to_string(),
                cause: std::io::Error::other(
                    "the answers file was moved, deleted, replaced or given a second name (a hard \
                     link) while the interview was using it, so nothing was saved over it",
                ),
            });
        }
        // Assigning drops the old version, releasing the lock on it only now.
        self.file = write_locked(&self.path, bytes, true)?;
        Ok(())
    }

    /// Whether `other` names the file held (by identity, whatever the path), to refuse
    /// using one file for two roles. False when `other` cannot be looked at.
    pub fn is_same_file_as(&self, other: &Path) -> bool {
        match (self.file.metadata(), std::fs::metadata(other)) {
            (Ok(held), Ok(other)) => crate::guard::same_file(&held, &other),
            _ => false,
        }
    }
}

/// Whether a file has one name: a save replaces the file, so a second name (a hard link
/// made meanwhile) would silently become a separate, stale copy.
fn single_name(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.nlink() <= 1
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        true
    }
}

/// Writes `bytes` to a temporary file beside `path`, locks it, then renames it to `path`
/// (replacing a file only when `overwrite`); returns the open, locked file.
fn write_locked(path: &Path, bytes: &[u8], overwrite: bool) -> Result<File, WriteError> {
    let err = |cause| WriteError {
        path: path.display().to_string(),
        cause,
    };
    let mut tmp = temporary_names()
        .tempfile_in(folder_of(path))
        .map_err(err)?;
    tmp.as_file().try_lock().map_err(|e| match e {
        std::fs::TryLockError::Error(e) => err(e),
        std::fs::TryLockError::WouldBlock => err(std::io::Error::other(
            "a new temporary file is locked by another process",
        )),
    })?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    let file = if overwrite {
        tmp.persist(path).map_err(|e| err(e.error))?
    } else {
        tmp.persist_noclobber(path).map_err(|e| err(e.error))?
    };
    sync_folder_of(path);
    Ok(file)
}

/// Opens an existing file for reading without following a symbolic link at its last
/// component, and without blocking on a FIFO or taking a terminal as controlling terminal.
pub(crate) fn open_no_follow(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options.open(path)
}

#[cfg(unix)]
fn is_symlink_error(e: &std::io::Error) -> bool {
    e.raw_os_error() == Some(libc::ELOOP)
}

#[cfg(not(unix))]
fn is_symlink_error(_: &std::io::Error) -> bool {
    false
}

fn symlink_error(path: &Path) -> LockError {
    LockError::Symlink {
        path: path.display().to_string(),
        target: std::fs::read_link(path)
            .ok()
            .map(|t| t.display().to_string()),
    }
}

/// Refuses anything but a regular file (checked on the path's own entry, never its target).
fn check_kind(path: &Path, meta: &std::fs::Metadata) -> Result<(), LockError> {
    let kind = meta.file_type();
    if kind.is_file() {
        return Ok(());
    }
    if kind.is_symlink() {
        return Err(symlink_error(path));
    }
    let mut what = if kind.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            what = "a FIFO (named pipe)";
        } else if kind.is_socket() {
            what = "a socket";
        } else if kind.is_char_device() || kind.is_block_device() {
            what = "a device";
        }
    }
    Err(LockError::NotAFile {
        path: path.display().to_string(),
        kind: what,
    })
}

/// Reads an open file (or pipe) whole, refusing more than [`MAX_INPUT_BYTES`]; a pipe gets
/// [`PIPE_IDLE_LIMIT`] of silence at most.
fn read_capped(from: impl Read, name: &str) -> Result<Vec<u8>, LoadError> {
    let mut bytes = Vec::new();
    read_patiently(from.take(MAX_INPUT_BYTES + 1), &mut bytes).map_err(|cause| {
        LoadError::Read {
            path: name.to_string(),
            cause,
        }
    })?;
    within_limit(bytes, name)
}

/// `bytes`, unless they are more than [`MAX_INPUT_BYTES`] (read with one byte to spare, so
/// a file over the limit is known without reading it whole).
fn within_limit(bytes: Vec<u8>, name: &str) -> Result<Vec<u8>, LoadError> {
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(LoadError::TooLarge {
            path: name.to_string(),
            limit: MAX_INPUT_BYTES,
        });
    }
    Ok(bytes)
}

/// The most copies [`write_backup`] numbers before giving up.
const MAX_BACKUPS: u32 = 1000;

/// The name of backup number `n` of `path`: `NAME.bak`, then `NAME.1.bak`, `NAME.2.bak`...
/// (the whole file name kept, so `a.yml` gives `a.yml.bak`; always ending in `.bak`).
pub fn backup_name(path: &Path, n: u32) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "answers".into(), |n| n.to_string_lossy().into_owned());
    let file = if n == 0 {
        format!("{name}.bak")
    } else {
        format!("{name}.{n}.bak")
    };
    path.with_file_name(file)
}

/// The first backup name of `path` that nothing uses yet (not even a dangling link): the name
/// [`write_backup`] will most likely use, to tell the person beforehand.
pub fn free_backup_name(path: &Path) -> PathBuf {
    (0..MAX_BACKUPS)
        .map(|n| backup_name(path, n))
        .find(|b| std::fs::symlink_metadata(b).is_err())
        .unwrap_or_else(|| backup_name(path, MAX_BACKUPS))
}

/// Keeps `bytes` as a copy of `path` under the first free backup name ([`backup_name`]),
/// created new (owner-only, atomically): an existing backup is never replaced and a link
/// planted at a backup name is never followed. Returns the name used.
pub fn write_backup(path: &Path, bytes: &[u8]) -> Result<PathBuf, WriteError> {
    write_numbered(|n| backup_name(path, n), bytes, "backups")
}

/// The name of the letter to the MSP written beside the answers file `path`, number `n`:
/// `a.yaml` gives `a.msp-questions.md`, then `a.msp-questions.1.md`, `a.msp-questions.2.md`...
pub fn letter_name(path: &Path, n: u32) -> PathBuf {
    let stem = path
        .file_stem()
        .map_or_else(|| "answers".into(), |n| n.to_string_lossy().into_owned());
    let file = if n == 0 {
        format!("{stem}.msp-questions.md")
    } else {
        format!("{stem}.msp-questions.{n}.md")
    };
    path.with_file_name(file)
}

/// Writes the letter to the MSP beside the answers file `path` under the first free
/// [`letter_name`], as [`write_backup`] does: never over an earlier letter or through a link.
/// Returns the name used.
pub fn write_letter(path: &Path, bytes: &[u8]) -> Result<PathBuf, WriteError> {
    write_numbered(|n| letter_name(path, n), bytes, "letters")
}

/// Writes `bytes` as a new file under the first free name of `name(0)`, `name(1)`...
fn write_numbered(
    name: impl Fn(u32) -> PathBuf,
    bytes: &[u8],
    what: &str,
) -> Result<PathBuf, WriteError> {
    for n in 0..MAX_BACKUPS {
        let candidate = name(n);
        if std::fs::symlink_metadata(&candidate).is_ok() {
            continue;
        }
        match write_new(&candidate, bytes) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.cause.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(WriteError {
        path: name(MAX_BACKUPS).display().to_string(),
        cause: std::io::Error::other(format!(
            "{MAX_BACKUPS} {what} already exist; remove old ones"
        )),
    })
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

    fn held(found: Locked) -> Result<(FileLock, Vec<u8>, bool), String> {
        match found {
            Locked::Held {
                lock,
                content,
                created,
            } => Ok((lock, content, created)),
            Locked::Busy => Err("busy".into()),
        }
    }

    #[test]
    fn a_second_lock_on_the_same_file_is_refused_until_the_first_is_dropped() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("answers.yaml");
        let (first, content, created) = held(lock(&path, b"blank")?)?;
        assert!((created, content.as_slice()) == (true, b"blank".as_slice()));
        // Another spelling of the same path reaches the same lock.
        std::fs::create_dir(dir.path().join("sub"))?;
        let other = dir.path().join("sub").join("..").join("answers.yaml");
        assert!(matches!(lock(&other, b"")?, Locked::Busy));
        drop(first);
        let (_, content, created) = held(lock(&other, b"")?)?;
        assert!((created, content.as_slice()) == (false, b"blank".as_slice()));
        // Nothing but the file itself: no lock file, no temporary file.
        assert_eq!(std::fs::read_dir(dir.path())?.count(), 2);
        Ok(())
    }

    #[test]
    fn the_lock_survives_every_atomic_replace() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("answers.yaml");
        let (mut first, _, _) = held(lock(&path, b"one")?)?;
        first.replace(b"two")?;
        first.replace(b"three")?;
        assert!(matches!(lock(&path, b"")?, Locked::Busy));
        assert_eq!(std::fs::read(&path)?, b"three");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)?.permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(first.is_same_file_as(&path));
        drop(first);
        let (_, content, _) = held(lock(&path, b"")?)?;
        assert_eq!(content, b"three");
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn links_and_special_files_are_refused_untouched() -> TestResult {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir()?;
        let real = dir.path().join("real.yaml");
        std::fs::write(&real, "mine")?;
        symlink(&real, dir.path().join("link.yaml"))?;
        let e = lock(&dir.path().join("link.yaml"), b"x").unwrap_err();
        assert!(matches!(e, LockError::Symlink { .. }), "{e}");
        // A dangling link is not followed to create its target either.
        symlink(
            dir.path().join("new.yaml"),
            dir.path().join("dangling.yaml"),
        )?;
        let e = lock(&dir.path().join("dangling.yaml"), b"x").unwrap_err();
        assert!(matches!(e, LockError::Symlink { .. }), "{e}");
        std::fs::hard_link(&real, dir.path().join("hard.yaml"))?;
        let e = lock(&real, b"x").unwrap_err();
        assert!(matches!(e, LockError::HardLinks { links: 2, .. }), "{e}");
        let e = lock(dir.path(), b"x").unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{} is a folder, not a regular file; choose a file name",
                dir.path().display()
            )
        );
        assert!(std::process::Command::new("mkfifo")
            .arg(dir.path().join("fifo"))
            .status()?
            .success());
        let e = lock(&dir.path().join("fifo"), b"x").unwrap_err();
        assert!(e.to_string().contains("is a FIFO (named pipe)"), "{e}");
        assert_eq!(std::fs::read(&real)?, b"mine");
        assert!(!dir.path().join("new.yaml").exists());
        assert_eq!(std::fs::read_dir(dir.path())?.count(), 5);
        Ok(())
    }

    #[test]
    fn backups_are_numbered_and_never_replaced() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("a.yml");
        assert_eq!(free_backup_name(&path), dir.path().join("a.yml.bak"));
        assert_eq!(write_backup(&path, b"one")?, dir.path().join("a.yml.bak"));
        assert_eq!(free_backup_name(&path), dir.path().join("a.yml.1.bak"));
        #[cfg(unix)]
        {
            // A link planted at the next name is skipped, and its target left alone.
            let victim = dir.path().join("victim");
            std::fs::write(&victim, "precious")?;
            std::os::unix::fs::symlink(&victim, dir.path().join("a.yml.1.bak"))?;
            assert_eq!(std::fs::read(&victim)?, b"precious");
        }
        let second = write_backup(&path, b"two")?;
        assert_eq!(second, dir.path().join("a.yml.2.bak"));
        assert_eq!(std::fs::read(dir.path().join("a.yml.bak"))?, b"one");
        assert_eq!(std::fs::read(&second)?, b"two");
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

    #[test]
    fn several_files_are_put_in_place_all_or_none() -> TestResult {
        let dir = tempfile::tempdir()?;
        let first = dir.path().join("first.txt");
        let second = dir.path().join("second.txt");
        std::fs::write(&first, "old first")?;
        let mut a = AtomicFile::create(&first)?;
        a.write_all(b"new first")?;
        let mut b = AtomicFile::create(&second)?;
        b.write_all(b"new second")?;
        // The second target turns into a folder before the commit: its rename fails, and
        // the first file, already renamed, is put back as it was.
        std::fs::create_dir(&second)?;
        assert!(commit_all(vec![a, b]).is_err());
        assert_eq!(std::fs::read_to_string(&first)?, "old first");
        let mut names: Vec<String> = std::fs::read_dir(dir.path())?
            .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect::<Result<_, _>>()?;
        names.sort();
        assert_eq!(names, ["first.txt", "second.txt"], "nothing left behind");
        std::fs::remove_dir(&second)?;
        let mut a = AtomicFile::create(&first)?;
        a.write_all(b"new first")?;
        let mut b = AtomicFile::create(&second)?;
        b.write_all(b"new second")?;
        commit_all(vec![a, b])?;
        assert_eq!(std::fs::read_to_string(&first)?, "new first");
        assert_eq!(std::fs::read_to_string(&second)?, "new second");
        Ok(())
    }

    #[test]
    fn stale_temporaries_go_but_live_ones_stay() -> TestResult {
        let dir = tempfile::tempdir()?;
        let stale = dir.path().join(".msp-risk-abcdef.tmp");
        std::fs::write(&stale, "left by a killed run")?;
        let live = AtomicFile::create(&dir.path().join("out.txt"))?;
        assert_eq!(remove_stale_temporaries(dir.path()), 1);
        assert!(!stale.exists());
        live.commit()?;
        assert!(dir.path().join("out.txt").is_file());
        Ok(())
    }

    #[test]
    fn a_held_file_moved_away_is_never_saved_over() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("answers.yaml");
        let Locked::Held { mut lock, .. } = lock(&path, b"first")? else {
            return Err("not held".into());
        };
        std::fs::rename(&path, dir.path().join("moved.yaml"))?;
        std::fs::write(&path, "another interview's answers")?;
        assert!(lock.replace(b"second").is_err());
        assert_eq!(
            std::fs::read_to_string(&path)?,
            "another interview's answers"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("moved.yaml"))?,
            "first"
        );
        Ok(())
    }
}
