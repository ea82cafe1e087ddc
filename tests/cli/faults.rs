//! Faults while writing: a full disk, a read-only file system, permission denied. Each is a
//! clear message and exit code 2, and the previous version of the file is left intact.
//! The disk-full and read-only cases mount a tiny tmpfs, which needs root; where mounting is
//! not allowed they say so and are skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{msp, repo, stderr_of};

const SAMPLE: &str = "questionnaires/examples/dental-practice-minimal.yaml";

/// A 64 KiB tmpfs, unmounted when dropped.
struct TinyFs {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl TinyFs {
    fn mount() -> Option<TinyFs> {
        let dir = tempfile::tempdir().ok()?;
        let path = dir.path().to_path_buf();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
            .arg(&path)
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!("skipping: cannot mount a tmpfs here (needs root)");
            return None;
        }
        Some(TinyFs { _dir: dir, path })
    }

    fn remount_read_only(&self) {
        let ok = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.path)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "remount read-only");
    }
}

impl Drop for TinyFs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

fn report_to(path: &Path) -> std::process::Output {
    msp()
        .args(["report", SAMPLE, "--output"])
        .arg(path)
        .current_dir(repo(""))
        .output()
        .unwrap()
}

fn leftovers(dir: &Path, keep: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != keep && n != "filler")
        .collect()
}

#[test]
fn a_full_disk_keeps_the_previous_report() {
    let Some(fs) = TinyFs::mount() else { return };
    let target = fs.path.join("report.html");
    std::fs::write(&target, "last week's report").unwrap();
    // Leave about 4 KiB free: the HTML report is much larger.
    std::fs::write(fs.path.join("filler"), vec![0u8; 56 * 1024]).unwrap();
    let out = report_to(&target);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("the disk is full"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "last week's report"
    );
    assert!(
        leftovers(&fs.path, "report.html").is_empty(),
        "no temporary file left behind"
    );
}

#[test]
fn a_read_only_file_system_keeps_the_previous_file() {
    let Some(fs) = TinyFs::mount() else { return };
    let target = fs.path.join("answers.yaml");
    std::fs::write(&target, "bank: cisa-msp-customer@2.0.0\n").unwrap();
    fs.remount_read_only();
    let out = report_to(&fs.path.join("report.md"));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("read-only"), "{}", stderr_of(&out));
    let out = msp()
        .args(["template", "--output"])
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "bank: cisa-msp-customer@2.0.0\n"
    );
}

#[test]
fn permission_denied_is_a_clear_message() {
    // Even root may not create files under /sys.
    let out = report_to(Path::new("/sys/msp-risk-report.md"));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        err.starts_with("error: cannot write /sys/msp-risk-report.md: "),
        "{err}"
    );
    assert!(
        err.contains("permission denied") || err.contains("read-only"),
        "{err}"
    );
}

#[test]
fn a_full_disk_ends_a_batch_promptly_with_a_clear_message() {
    let Some(fs) = TinyFs::mount() else { return };
    let clients = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(repo(SAMPLE)).unwrap();
    // More clients than the walk's channel holds: a batch that stalls would hang here.
    for i in 0..400 {
        std::fs::write(clients.path().join(format!("c{i:03}.yaml")), &bytes).unwrap();
    }
    let out = msp()
        .args(["report", "--quiet", "--format", "html", "--output-dir"])
        .arg(&fs.path)
        .arg(clients.path())
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("the disk is full"),
        "{}",
        stderr_of(&out)
    );
    let temporaries = leftovers(&fs.path, "")
        .into_iter()
        .filter(|n| n.ends_with(".tmp"))
        .count();
    assert_eq!(temporaries, 0, "no temporary file left behind");
}
