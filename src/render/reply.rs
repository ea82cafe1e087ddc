//! What reports say about the MSP's reply: answers it confirmed, and where it contradicts
//! the owner (a disagreement to settle).

use crate::answers::AnswerRecord;
use crate::report::{Disagreement, Report};

/// The label of an answer that came from the MSP's reply: "No (your MSP, 2026-12-03)".
/// An owner's answer the MSP was not sure of: "Yes (your MSP is not sure, 2026-12-03)"; one
/// the owner kept after settling a disagreement her way stays plain.
pub fn msp_answer_label(label: &str, record: &AnswerRecord) -> String {
    let Some(reply) = &record.reply else {
        return label.to_string();
    };
    let who = if reply.answer_from_msp {
        "your MSP"
    } else if reply.msp_answer == Some(crate::bank::Answer::Unknown) {
        "your MSP is not sure"
    } else {
        return label.to_string();
    };
    match reply.on {
        Some(day) => format!("{label} ({who}, {day})"),
        None => format!("{label} ({who})"),
    }
}

/// The title of a disagreement finding.
pub fn disagreement_title(d: &Disagreement) -> String {
    format!(
        "Disagreement: you answered \"{}\", your MSP answered \"{}\"",
        d.owner_label, d.msp_label
    )
}

/// What to do about a disagreement, before the question's own fix.
pub fn disagreement_recommendation(recommendation: &str) -> String {
    format!(
        "Settle this with your MSP: agree which answer is true and get it in writing. If your \
         MSP's answer is right, delete the `owner_answer:` line; if yours is, write it as \
         `answer:`, change `source: msp` to `source: owner` and delete `owner_answer:`. Until \
         then it counts as \"I don't know\". {recommendation}"
    )
}

/// The owner's note and the MSP's comment, as one note: "Bob checked. Your MSP: it is in
/// schedule B."
pub fn note_and_comment(note: Option<&str>, comment: Option<&str>) -> Option<String> {
    match (note, comment) {
        (Some(n), Some(c)) => Some(format!("{n} / Your MSP: {c}")),
        (None, Some(c)) => Some(format!("Your MSP: {c}")),
        (n, None) => n.map(str::to_string),
    }
}

/// One line on what the MSP's reply did, for the report's summary: "Your MSP answered 16
/// questions (12 with evidence); 3 of them disagree with what you answered: settle them."
/// `None` before any reply.
pub fn reply_summary(report: &Report) -> Option<String> {
    let c = &report.counts;
    let answered = c.from_msp;
    if answered == 0 {
        return None;
    }
    let mut s = format!(
        "Your MSP answered {answered} {} ({} with evidence)",
        if answered == 1 {
            "question"
        } else {
            "questions"
        },
        c.from_msp_with_evidence
    );
    let disputed: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.disagreement.is_some())
        .map(|f| f.question.as_str())
        .collect();
    // Findings are only in a full report (a batch summary row has none).
    let ids = if disputed.is_empty() {
        String::new()
    } else {
        format!(" ({})", super::id_list(&disputed, 6))
    };
    match c.disagreements {
        0 => {}
        1 if answered == 1 => s.push_str(&format!(
            "; it disagrees with what you answered: settle it{ids}"
        )),
        1 => s.push_str(&format!(
            "; 1 of them disagrees with what you answered: settle it{ids}"
        )),
        n if n == answered => s.push_str(&format!(
            "; they all disagree with what you answered: settle them{ids}"
        )),
        n => s.push_str(&format!(
            "; {n} of them disagree with what you answered: settle them{ids}"
        )),
    }
    s.push('.');
    Some(s)
}

/// The answers the MSP may give to `q`, in its words (the questions speak to it as "you",
/// of the client as "us"), with the answer each stands for. Dropdowns list these; reading
/// a reply accepts them besides answer ids and the owner's labels.
pub fn msp_options(q: &crate::bank::Question) -> Vec<(crate::bank::Answer, String)> {
    use crate::bank::{Answer, Kind, Owner, YesNo};
    let mut out: Vec<(Answer, String)> = match q.kind {
        Kind::YesNo => [YesNo::Yes, YesNo::Partial, YesNo::No]
            .into_iter()
            .map(|v| (Answer::YesNo(v), v.label().to_string()))
            .collect(),
        Kind::Ownership => Owner::ALL
            .iter()
            .map(|v| {
                let label = match v {
                    Owner::Us => "Us (the customer)",
                    Owner::Msp => "You (the MSP)",
                    Owner::Shared => "Both (shared)",
                    Owner::Vendor => "A software vendor",
                    Owner::Nobody => "Nobody",
                };
                (Answer::Owner(*v), label.to_string())
            })
            .collect(),
        Kind::Choice => q
            .options
            .iter()
            .map(|o| (Answer::Choice(o.id.clone()), o.label.clone()))
            .collect(),
    };
    out.push((Answer::Unknown, "Not sure".to_string()));
    if q.allow_na {
        out.push((Answer::YesNo(YesNo::Na), "Does not apply".to_string()));
    }
    out
}

/// What the client believes, for a row of the reply form: "We believe: Our MSP.", or
/// `None` on a form for several clients.
pub fn we_believe(reason: Option<&crate::ask_msp::Reason>) -> Option<String> {
    use crate::ask_msp::Reason;
    Some(match reason? {
        Reason::Unknown => "We do not know.".to_string(),
        Reason::MspOwns { shared: false } => "We believe you do this.".to_string(),
        Reason::MspOwns { shared: true } => "We believe you and we share this.".to_string(),
        Reason::Confirm { believed } => format!("We believe: {believed}."),
    })
}

/// The form's title: "Questions for Acme IT from Lakeside Dental".
pub fn form_title(form: &crate::reply::Form) -> String {
    let msp = form
        .msp
        .as_deref()
        .unwrap_or("our managed service provider");
    match form.organization.as_deref() {
        Some(o) => format!("Questions for {msp} from {o}"),
        None => format!(
            "Questions for {msp} from {} of its customers: {}",
            form.clients.len(),
            form.clients.join("; ")
        ),
    }
}

/// How a question that asks "what", "which" or "how" is answered with Yes, Partly or No.
const OPEN_QUESTIONS: &str =
    "- Where a question asks what, which, how or when and the choices are Yes, Partly and No: \
     choose Yes if you do all of it for us, Partly if you do some of it, No if you do not, and \
     give the details in `comment`.";

/// How to fill in the reply form, line by line (the workbook's Instructions sheet, the YAML
/// form's opening comments).
pub fn form_instructions(form: &crate::reply::Form, workbook: bool) -> Vec<String> {
    let (from, intro) = match form.organization.as_deref() {
        Some(o) => (
            o.to_string(),
            format!("{o} is checking what its managed service provider does for its security"),
        ),
        None => (
            "us".to_string(),
            format!(
                "{} of your customers ({}) are checking what their managed service provider does \
                 for their security",
                form.clients.len(),
                form.clients.join("; ")
            ),
        ),
    };
    let mut lines = vec![
        format!(
            "{intro}, as CISA's guidance for MSP customers asks. These are {} questions we would \
             like you to answer in writing.",
            form.rows.len()
        ),
        String::new(),
        "How to answer:".to_string(),
    ];
    if workbook {
        lines.extend([
            "- In the Form sheet, fill in your name and role (replied_by) and today's date (replied_on, YYYY-MM-DD). Check that `msp` is your company's name.".to_string(),
            "- In the Reply sheet, choose an answer for each question from the dropdown in the `answer` column.".to_string(),
            OPEN_QUESTIONS.to_string(),
            "- \"We believe\" says what we think today: please correct us where we are wrong.".to_string(),
            "- `comment` is optional. In `evidence`, name the document that shows the answer (a contract clause, a report, a policy), and put its date in `evidence date`. Fill in `answered by` on a row someone else answered.".to_string(),
            "- Leave a row blank if you cannot answer it yet. You may sort or filter the rows; do not change the hidden id column.".to_string(),
            "- Formulas are not read: type each value itself.".to_string(),
        ]);
    } else {
        lines.extend([
            "- Fill in `replied_by` (your name and role) and `replied_on` (today, YYYY-MM-DD). Check that `msp` is your company's name.".to_string(),
            "- For each question, write one of the answers listed above it after `answer:`.".to_string(),
            OPEN_QUESTIONS.to_string(),
            "- `comment` is optional. In `evidence`, name the document that shows the answer (a contract clause, a report, a policy), and put its date in `evidence_date` (YYYY-MM-DD).".to_string(),
            "- Leave a question blank if you cannot answer it yet. Do not change the question ids.".to_string(),
        ]);
    }
    if form.organization.is_none() {
        lines.push(
            "- Each answer you give goes to every customer named above. Answer for what you do the \
             same way for all of them, and leave a row blank where it differs between them: we will \
             ask those for each customer."
                .to_string(),
        );
    }
    lines.push(String::new());
    lines.push(format!(
        "Send the file back to {from} as it is. It is read by msp-risk (made on {}, questionnaire {}).",
        form.made_on, form.bank
    ));
    lines
}

/// Said after writing a reply form: what it holds and the next step.
pub fn form_written(shown: &str, rows: usize, files: &[std::path::PathBuf]) -> String {
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let yaml = names.iter().all(|n| {
        let n = n.to_ascii_lowercase();
        n.ends_with(".yaml") || n.ends_with(".yml")
    });
    let targets: Vec<&str> = names.iter().map(|n| super::typable_file(n)).collect();
    let next = if yaml {
        format!(
            "when it comes back, run\n  msp-risk import-reply {} {}",
            super::typable_file(shown),
            targets.join(" ")
        )
    } else {
        "when it comes back, `msp-risk import-reply` merges it into YAML answers files (keep \
         the answers in YAML to merge replies)"
            .to_string()
    };
    format!("Wrote {shown}: {rows} question(s) for your MSP. Send it to them; {next}")
}

/// What merging a reply into one answers file did (or, in a dry run, would do): a line of
/// counts, the disagreements named, and with `dry_run` every change.
pub fn merge_report(
    bank: &crate::bank::Bank,
    shown: &str,
    changes: &[crate::reply::Change],
    backup: Option<&str>,
    dry_run: bool,
) -> String {
    use crate::reply::ChangeKind as K;
    let count = |k: K| changes.iter().filter(|c| c.kind == k).count();
    let mut parts = Vec::new();
    for (kind, one, many) in [
        (K::Filled, "filled in", "filled in"),
        (K::Confirmed, "confirmed", "confirmed"),
        (
            K::Disagrees,
            "disagrees with your answer",
            "disagree with your answer",
        ),
        (
            K::MspNotSure,
            "not sure (your answer kept)",
            "not sure (your answers kept)",
        ),
        (
            K::Updated,
            "updated from an earlier reply",
            "updated from an earlier reply",
        ),
        (K::Unchanged, "unchanged", "unchanged"),
        (
            K::NotAsked,
            "ignored (never asked of your MSP)",
            "ignored (never asked of your MSP)",
        ),
        (
            K::Older,
            "skipped (the file holds a later reply)",
            "skipped (the file holds a later reply)",
        ),
    ] {
        match count(kind) {
            0 => {}
            1 => parts.push(format!("1 {one}")),
            n => parts.push(format!("{n} {many}")),
        }
    }
    let taken = changes.len();
    let mut s = if changes.is_empty() {
        format!("{shown}: the reply answers none of its questions")
    } else {
        format!(
            "{shown}: {taken} answer(s) from your MSP{}: {}",
            if dry_run { " would be merged" } else { "" },
            parts.join(", ")
        )
    };
    match backup {
        Some(b) => s.push_str(&format!(". A copy of the file as it was is in {b}.")),
        None if dry_run => s.push_str(". Nothing was changed (dry run)."),
        None if !changes.is_empty() => s.push_str(". The file already held them."),
        None => s.push('.'),
    }
    let label = |id: &str, a: &crate::bank::Answer| {
        bank.question(id)
            .map_or(a.id().to_string(), |q| q.answer_label(a).to_string())
    };
    for c in changes {
        let show = dry_run || matches!(c.kind, K::Disagrees | K::NotAsked | K::Older);
        if !show || c.kind == K::Unchanged {
            continue;
        }
        let before = c.before.as_ref().map_or("had no answer".to_string(), |b| {
            format!("\"{}\"", label(&c.question, b))
        });
        let what = match c.kind {
            K::Disagrees => "disagreement to settle",
            K::Confirmed => "confirmed",
            K::Filled => "filled in",
            K::MspNotSure => "your MSP is not sure",
            K::Updated => "updated",
            K::Unchanged => "unchanged",
            K::NotAsked => "ignored, never asked of your MSP",
            K::Older => "skipped",
        };
        // The MSP's answer in the words its form offered ("Not sure", "You (the MSP)").
        let said = bank
            .question(&c.question)
            .and_then(|q| {
                msp_options(q)
                    .into_iter()
                    .find(|(a, _)| *a == c.msp)
                    .map(|(_, l)| l)
            })
            .unwrap_or_else(|| label(&c.question, &c.msp));
        if c.kind == K::Older {
            s.push_str(&format!(
                "\n  {:<8} {what}: the file holds {before} from your MSP's later reply; this one said \"{said}\"",
                c.question
            ));
            continue;
        }
        s.push_str(&format!(
            "\n  {:<8} {what}: you {before}, your MSP \"{said}\"",
            c.question
        ));
    }
    crate::sanitize::terminal_text(&s).into_owned()
}

/// Said after a merge when the MSP's answers opened follow-up questions nobody has answered.
pub fn opened_note(file: &str, opened: &[String], dry_run: bool) -> Option<String> {
    if opened.is_empty() {
        return None;
    }
    let ids: Vec<&str> = opened.iter().map(String::as_str).collect();
    let typed = super::typable_file(file);
    // One next form per client, so two clients' commands never name the same file.
    let stem = std::path::Path::new(typed)
        .file_stem()
        .map_or("answers".to_string(), |s| s.to_string_lossy().into_owned());
    Some(format!(
        "  {} follow-up question(s) {} because of your MSP's answers ({}); they count as \
         unanswered until answered. Ask your MSP: msp-risk ask-msp {typed} --output {stem}-reply-2.xlsx",
        opened.len(),
        if dry_run { "would apply" } else { "now apply" },
        super::id_list(&ids, 8),
    ))
}

/// What carrying a reply over from an older bank version changed ("" when nothing).
pub fn reply_migration_note(m: &crate::answers::Migrated) -> String {
    if m.renamed.is_empty() && m.retired.is_empty() && m.options.is_empty() {
        return String::new();
    }
    format!(
        "the reply was made from an older version of the questionnaire.{}",
        super::migration_note(m)
    )
}
