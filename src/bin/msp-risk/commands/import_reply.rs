//! `msp-risk import-reply REPLY FILE...`: the MSP's answers merged into answers files, in
//! place, each file keeping a copy of itself as it was.

use anyhow::{bail, Context};
use msp_risk::answers::{self, sheet};
use msp_risk::bank::Bank;
use msp_risk::fsio::{self, Locked};
use msp_risk::reply::Reply;
use msp_risk::sanitize::terminal_line;

use crate::cli::{Cli, ImportReplyArgs};
use crate::{settings, Exit};

pub fn run(cli: &Cli, args: &ImportReplyArgs) -> anyhow::Result<Exit> {
    let bank = settings::load_bank(cli)?;
    let today = settings::today(cli)?;
    msp_risk::guard::protect(&args.reply);
    let shown = args.reply.display().to_string();
    let bytes = fsio::read_limited(&args.reply)?;
    let reply = msp_risk::reply::load(&bytes, &shown, &bank)?;
    if reply.msp.is_none() {
        bail!(
            "{}: {}",
            terminal_line(&shown),
            msp_risk::reply::Refusal::NoMsp
        );
    }
    if let Some(note) = reply
        .migrated
        .as_ref()
        .map(msp_risk::render::reply::reply_migration_note)
        .filter(|n| !n.is_empty() && !args.quiet)
    {
        eprintln!("note: {}: {}", terminal_line(&shown), terminal_line(&note));
    }
    let several = args.files.len() > 1;
    let mut failed = 0usize;
    for file in &args.files {
        match merge_into(&bank, &reply, file, several, today, args) {
            Ok(summary) => {
                if !args.quiet {
                    println!("{summary}");
                }
            }
            Err(e) => {
                crate::print_error(&e);
                failed += 1;
            }
        }
    }
    if failed > 0 {
        if several {
            eprintln!(
                "{failed} of {} file(s) were not merged (see above); the others were.",
                args.files.len()
            );
        }
        return Ok(Exit::Error);
    }
    Ok(Exit::Success)
}

/// Merges `reply` into one answers file; the summary to print, or why not.
fn merge_into(
    bank: &Bank,
    reply: &Reply,
    path: &std::path::Path,
    several: bool,
    today: chrono::NaiveDate,
    args: &ImportReplyArgs,
) -> anyhow::Result<String> {
    let name = path.display().to_string();
    let shown = terminal_line(&name).into_owned();
    if sheet::is_sheet_name(&name) || name.to_ascii_lowercase().ends_with(".json") {
        bail!(
            "{shown} is a spreadsheet or JSON file; import-reply edits YAML answers files in place, keeping their comments. \
             Keep the answers in a YAML file (`msp-risk template --output answers.yaml`) to merge replies into it"
        );
    }
    if std::fs::symlink_metadata(path).is_err() {
        bail!("{shown} does not exist; name an answers file to merge the reply into");
    }
    let locked = fsio::lock(path, b"")?;
    let Locked::Held {
        mut lock,
        content,
        created,
    } = locked
    else {
        bail!("{shown} is in use by an interview; finish or quit it first, then merge the reply");
    };
    if created {
        let _ = std::fs::remove_file(path);
        bail!("{shown} does not exist; name an answers file to merge the reply into");
    }
    if lock.is_same_file_as(&args.reply) {
        bail!("{shown} is the reply itself; name the answers file to merge it into");
    }
    let current = answers::load(&content, &name, bank)
        .with_context(|| format!("{shown} cannot take the reply until these problems are fixed"))?;
    let rewrite_first = |why: String| {
        anyhow::anyhow!(
            "{shown} {why}, so merging would rewrite it and lose its comments; nothing was changed. \
             Run `msp-risk interview --answers {}` once (it offers to rewrite the file, keeping a copy), then merge again",
            msp_risk::render::typable_file(&name)
        )
    };
    if current.migrated.is_some() {
        return Err(rewrite_first(format!(
            "was written for {}, not {}",
            terminal_line(&current.bank_reference()),
            bank.reference()
        )));
    }
    let (target, changes) = msp_risk::reply::merge_reply(bank, &current, reply, several, today)
        .map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
    let report = |backup: Option<&str>| {
        let opened = msp_risk::reply::opened_follow_ups(bank, &current, &target);
        with_opened(
            msp_risk::render::reply::merge_report(bank, &shown, &changes, backup, args.dry_run),
            &name,
            &opened,
            args.dry_run,
        )
    };
    let text = String::from_utf8_lossy(&content);
    let Some(new_text) = answers::update_text(&text, &name, bank, &target) else {
        return Err(rewrite_first(
            "is laid out in a way that cannot be edited line by line (flow style, block scalars)"
                .to_string(),
        ));
    };
    if new_text == text {
        return Ok(report(None));
    }
    // Never a file the tool could not read again.
    if new_text.len() as u64 > msp_risk::limits::MAX_INPUT_BYTES {
        bail!(
            "{shown} would grow to {} bytes with this reply, over the {} bytes msp-risk reads; \
             nothing was changed. Ask your MSP to shorten its comments and evidence",
            new_text.len(),
            msp_risk::limits::MAX_INPUT_BYTES
        );
    }
    // What is written must read back as what was meant, or nothing is written.
    let check = answers::load(new_text.as_bytes(), &name, bank)
        .context("the merged file does not read back (a bug); nothing was changed")?;
    if check.answers.len() != target.answers.len() {
        bail!("the merged file does not read back as intended (a bug); nothing was changed");
    }
    if args.dry_run {
        return Ok(report(None));
    }
    let backup = fsio::write_backup(path, &content)
        .with_context(|| format!("cannot keep a copy of {shown}; nothing was changed"))?;
    lock.replace(new_text.as_bytes())?;
    let backup = terminal_line(&backup.display().to_string()).into_owned();
    Ok(report(Some(&backup)))
}

/// The merge report, and the follow-ups the MSP's answers opened.
fn with_opened(report: String, file: &str, opened: &[String], dry_run: bool) -> String {
    match msp_risk::render::reply::opened_note(file, opened, dry_run) {
        Some(note) => format!("{report}\n{}", terminal_line(&note)),
        None => report,
    }
}
