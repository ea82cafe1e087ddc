//! Rules that hold for all inputs (proptest): answers files round-trip, scoring is monotone,
//! and renderers accept any text without breaking the terminal or the markup.

use msp_risk::answers::{self, AnswerRecord, AnswersFile};
use msp_risk::bank::{self, Answer, Bank, Kind, YesNo};
use msp_risk::render::{Format, RenderOptions, TableOptions};
use proptest::prelude::*;

fn bank() -> &'static Bank {
    bank::builtin().expect("embedded bank")
}

/// Text that stresses YAML and the renderers: quotes, colons, `#`, YAML words, line breaks,
/// control characters, right-to-left overrides, markup.
fn nasty_text() -> BoxedStrategy<String> {
    prop_oneof![
        any::<String>(),
        Just("no".to_string()),
        Just("yes".to_string()),
        Just("on".to_string()),
        Just("~".to_string()),
        Just("- item".to_string()),
        Just("key: value # comment".to_string()),
        Just("'single' \"double\"".to_string()),
        Just("line one\nline two".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("\u{1b}[31mred\u{7}\u{202e}".to_string()),
        Just("=SUM(A1)".to_string()),
    ]
    .boxed()
}

/// Nastier text: C1 controls, DEL and noncharacters (YAML forbids them raw, so the writer
/// must escape them for the round trip), markup, wide characters.
fn hostile_text() -> BoxedStrategy<String> {
    prop_oneof![
        nasty_text(),
        // C1 controls (CSI, NEL), DEL, noncharacters XML forbids, bidi isolates.
        Just("c1\u{9b}31m\u{85}del\u{7f}nc\u{fffe}\u{ffff}iso\u{2066}x\u{2069}".to_string()),
        Just("[x](http://e) # h <b>&amp; `c` |t|".to_string()),
        Just(format!("{} 漢字😀e\u{301}", "w".repeat(300))),
        "[\\x00-\\x{9f}\\u{2028}-\\u{202e}\\u{fffe}\\u{ffff}a-c ]{0,40}",
    ]
    .boxed()
}

/// A file name: plain, or hostile (any text, a backslash, the characters above).
fn file_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("a.yaml".to_string()),
        Just("dir/a\\b #%41.yaml".to_string()),
        hostile_text().prop_map(|s| format!("{s}.yaml")),
    ]
}

/// Characters no output may hold raw: C0 controls but newline and tab (and CR where
/// `allow_cr`), DEL, C1 controls, bidirectional controls, line separators, U+FFFE, U+FFFF.
fn is_unsafe(c: char, allow_cr: bool) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t') && !(allow_cr && c == '\r'))
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
                | '\u{2028}' | '\u{2029}' | '\u{FFFE}' | '\u{FFFF}'
        )
}

/// Every string and key of a JSON document, decoded (so `\u001b` counts as ESC).
fn json_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::Value;
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|v| json_strings(v, out)),
        Value::Object(m) => {
            for (k, v) in m {
                out.push(k.clone());
                json_strings(v, out);
            }
        }
        _ => {}
    }
}

/// An answers file: for each question, maybe an answer it accepts, maybe a note.
fn answers_file() -> impl Strategy<Value = AnswersFile> {
    answers_file_of(nasty_text(), Just("a.yaml".to_string()))
}

/// An answers file with every question answered (none blank, none "I don't know"): steps
/// between such files never cross the completeness threshold.
fn complete_answers_file() -> impl Strategy<Value = AnswersFile> {
    proptest::collection::vec(any::<u8>(), bank().questions.len()).prop_map(|picks| {
        let b = bank();
        let mut file = AnswersFile {
            file: "a.yaml".to_string(),
            bank_id: b.id.clone(),
            bank_version: b.version.clone(),
            organization: None,
            msp: None,
            assessed_by: None,
            assessed_on: None,
            answers: Vec::new(),
            accepted_risks: Vec::new(),
            migrated: None,
        };
        for (q, pick) in b.questions.iter().zip(picks) {
            let allowed: Vec<&str> = q
                .allowed_answers()
                .into_iter()
                .filter(|w| *w != "unknown")
                .collect();
            file.answers.push(AnswerRecord {
                question: q.id.clone(),
                answer: q.parse_answer(allowed[pick as usize % allowed.len()]),
                note: None,
                evidence: None,
                as_of: None,
                asked_msp: None,
                reply: None,
                pos: Default::default(),
            });
        }
        file
    })
}

/// An answers file with hostile notes, organisation and file name, for the renderers.
fn hostile_answers_file() -> impl Strategy<Value = AnswersFile> {
    answers_file_of(hostile_text(), file_name())
}

fn answers_file_of(
    text: BoxedStrategy<String>,
    file_name: impl Strategy<Value = String>,
) -> impl Strategy<Value = AnswersFile> {
    let n = bank().questions.len();
    (
        proptest::collection::vec(
            (
                any::<bool>(),
                any::<u8>(),
                proptest::option::of(text.clone()),
                any::<u8>(),
            ),
            n,
        ),
        proptest::option::of(text.clone()),
        proptest::option::of(text),
        file_name,
    )
        .prop_map(|(choices, organization, msp, name)| {
            let b = bank();
            let mut file = AnswersFile {
                file: name,
                bank_id: b.id.clone(),
                bank_version: b.version.clone(),
                organization: organization.filter(|o| !o.trim().is_empty()),
                msp: msp.filter(|o| !o.trim().is_empty()),
                assessed_by: None,
                assessed_on: None,
                answers: Vec::new(),
                accepted_risks: Vec::new(),
                migrated: None,
            };
            for (q, (answered, pick, note, from_msp)) in b.questions.iter().zip(choices) {
                if !answered {
                    continue;
                }
                let allowed = q.allowed_answers();
                let word = allowed[pick as usize % allowed.len()];
                let note = note.filter(|n| !n.trim().is_empty());
                // One answer in four came from the MSP's reply; some of those disagree
                // with the owner's.
                let reply = (from_msp % 4 == 0).then(|| answers::MspReply {
                    answer_from_msp: from_msp % 16 != 4,
                    by: note.clone(),
                    on: Some(today()),
                    comment: note.clone(),
                    owner_answer: (from_msp % 8 == 0 && from_msp % 16 != 4)
                        .then(|| q.parse_answer(allowed[(pick as usize + 1) % allowed.len()]))
                        .flatten(),
                    // Where the answer is the owner's, sometimes the MSP was not sure.
                    msp_answer: (from_msp % 16 == 4 && pick % 2 == 0).then_some(Answer::Unknown),
                });
                file.answers.push(AnswerRecord {
                    question: q.id.clone(),
                    answer: q.parse_answer(word),
                    note,
                    evidence: None,
                    as_of: None,
                    asked_msp: None,
                    reply,
                    pos: Default::default(),
                });
            }
            file
        })
}

fn today() -> chrono::NaiveDate {
    answers::parse_date("2026-11-23").expect("date")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn any_answers_file_the_tool_writes_reads_back_identically(file in hostile_answers_file()) {
        let text = answers::to_yaml(&file, bank());
        let back = answers::load(text.as_bytes(), "a.yaml", bank()).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&back.organization, &file.organization);
        prop_assert_eq!(back.answers.len(), file.answers.len());
        for (a, b) in back.answers.iter().zip(&file.answers) {
            prop_assert_eq!(&a.question, &b.question);
            prop_assert_eq!(&a.answer, &b.answer);
            prop_assert_eq!(&a.note, &b.note);
            prop_assert_eq!(&a.reply, &b.reply);
        }
        prop_assert_eq!(&back.msp, &file.msp);
    }

    #[test]
    fn turning_a_no_into_a_yes_never_lowers_a_score_or_adds_a_finding(file in answers_file(), which in any::<prop::sample::Index>()) {
        let b = bank();
        let noes: Vec<usize> = file.answers.iter().enumerate()
            .filter(|(_, r)| r.answer == Some(Answer::YesNo(YesNo::No)))
            .map(|(i, _)| i)
            .collect();
        prop_assume!(!noes.is_empty());
        let i = noes[which.index(noes.len())];
        let id = file.answers[i].question.clone();
        prop_assume!(b.question(&id).is_some_and(|q| q.kind == Kind::YesNo));
        let mut better = file.clone();
        better.answers[i].answer = Some(Answer::YesNo(YesNo::Yes));
        // Follow-ups the change opens are answered at their best: left blank they would be
        // claims still to verify, which rightly cost points until they are answered.
        let mut opened = vec![id.clone()];
        for q in &b.questions {
            let Some(c) = &q.when else { continue };
            if opened.contains(&c.question) {
                opened.push(q.id.clone());
                let best = q.allowed_answers().into_iter()
                    .filter_map(|w| q.parse_answer(w))
                    .find(|a| q.gap(a) == Some(msp_risk::bank::Gap::None));
                better.answers.retain(|r| r.question != q.id);
                better.answers.push(AnswerRecord {
                    question: q.id.clone(), answer: best, note: None, evidence: None, as_of: None, asked_msp: None, reply: None, pos: Default::default(),
                });
            }
        }
        let before = file.clone();
        let old = msp_risk::score(b, &before, today());
        let new = msp_risk::score(b, &better, today());
        prop_assert!(new.overall.score >= old.overall.score, "{:?} -> {:?}", old.overall, new.overall);
        for (o, n) in old.domains.iter().zip(&new.domains) {
            prop_assert!(n.score.score >= o.score.score || o.score.score.is_none(), "{}: {:?} -> {:?}", o.id, o.score, n.score);
        }
        for f in &new.findings {
            prop_assert!(old.findings.iter().any(|o| o.question == f.question), "new finding {}", f.question);
        }
    }

    #[test]
    fn a_disagreement_never_scores_better_than_either_answer(file in answers_file(), which in any::<prop::sample::Index>(), picks in any::<(u8, u8)>()) {
        let b = bank();
        // Follow-ups are compared apart: while two answers disagree, the follow-ups of both
        // apply, and well-answered ones add to a score whatever the disagreement does.
        let leaves: Vec<_> = b.questions.iter().filter(|q| !b.questions.iter().any(|f| f.when.as_ref().is_some_and(|c| c.question == q.id))).collect();
        let q = leaves[which.index(leaves.len())];
        let allowed = q.allowed_answers();
        let owner = q.parse_answer(allowed[picks.0 as usize % allowed.len()]);
        let said = q.parse_answer(allowed[picks.1 as usize % allowed.len()]);
        prop_assume!(owner != said);
        // Follow-ups are compared apart: while two answers disagree, the follow-ups of both
        // apply, and well-answered ones add to a score whatever the disagreement does.
        let with = |answer: Option<Answer>, reply: Option<answers::MspReply>| {
            let mut f = file.clone();
            f.answers.retain(|r| r.question != q.id);
            f.answers.push(AnswerRecord { question: q.id.clone(), answer, reply, ..AnswerRecord::default() });
            msp_risk::score(b, &f, today())
        };
        let by_owner = with(owner.clone(), None);
        let theirs = answers::MspReply { answer_from_msp: true, ..answers::MspReply::default() };
        let by_msp = with(said.clone(), Some(theirs.clone()));
        let both = with(said, Some(answers::MspReply { owner_answer: owner, ..theirs }));
        prop_assert!(both.overall.score <= by_owner.overall.score, "{}: {:?} vs {:?}", q.id, both.overall, by_owner.overall);
        prop_assert!(both.overall.score <= by_msp.overall.score, "{}: {:?} vs {:?}", q.id, both.overall, by_msp.overall);
        prop_assert!(both.overall.best_case >= both.overall.score);
        prop_assert!(both.overall.to_verify >= by_msp.overall.to_verify);
    }

    #[test]
    fn saying_an_answer_came_from_the_msp_never_changes_the_score(file in answers_file()) {
        let b = bank();
        let mut claimed = file.clone();
        for r in &mut claimed.answers {
            r.reply = Some(answers::MspReply { answer_from_msp: true, owner_answer: None, ..r.reply.clone().unwrap_or_default() });
        }
        let mut plain = file.clone();
        for r in &mut plain.answers {
            r.reply = None;
        }
        let (c, p) = (msp_risk::score(b, &claimed, today()), msp_risk::score(b, &plain, today()));
        prop_assert_eq!(c.overall.score, p.overall.score);
        prop_assert_eq!(c.overall.best_case, p.overall.best_case);
        prop_assert_eq!(c.findings.len(), p.findings.len());
    }

    #[test]
    fn merging_a_reply_never_loses_an_owner_answer_and_twice_is_once(
        file in answers_file(),
        picks in proptest::collection::vec((any::<bool>(), any::<u8>()), bank().questions.len()),
    ) {
        let b = bank();
        let mut file = file;
        file.msp = Some("Acme IT".to_string());
        let mut reply = msp_risk::reply::Reply {
            bank_id: b.id.clone(),
            bank_version: b.version.clone(),
            msp: Some("Acme IT".to_string()),
            replied_by: Some("Sam".to_string()),
            replied_on: Some(today()),
            ..Default::default()
        };
        for (q, (answered, pick)) in b.questions.iter().zip(&picks) {
            let allowed = q.allowed_answers();
            if let (true, Some(answer)) = (*answered, q.parse_answer(allowed[*pick as usize % allowed.len()])) {
                reply.answers.push(msp_risk::reply::ReplyAnswer {
                    question: q.id.clone(),
                    answer,
                    comment: None,
                    evidence: Some("SOC 2".to_string()),
                    evidence_date: None,
                    answered_by: None,
                    pos: Default::default(),
                });
            }
        }
        let (once, _) = msp_risk::reply::merge_reply(b, &file, &reply, false, today()).unwrap();
        for before in &file.answers {
            let Some(owned) = before.answer.as_ref().filter(|a| **a != Answer::Unknown) else { continue };
            if before.reply.is_some() { continue; }
            let after = once.record(&before.question).unwrap();
            // The owner's answer is still the answer, or kept beside the MSP's.
            let kept = after.answer.as_ref() == Some(owned)
                || after.reply.as_ref().and_then(|r| r.owner_answer.as_ref()) == Some(owned);
            prop_assert!(kept, "{}: {:?} -> {:?}", before.question, before, after);
            prop_assert_eq!(&after.note, &before.note);
        }
        let (twice, changes) = msp_risk::reply::merge_reply(b, &once, &reply, false, today()).unwrap();
        prop_assert_eq!(twice.answers.len(), once.answers.len());
        for (x, y) in twice.answers.iter().zip(&once.answers) {
            prop_assert!(x.same_content(y), "{:?} vs {:?}", x, y);
        }
        prop_assert!(changes.iter().all(|c| matches!(c.kind, msp_risk::reply::ChangeKind::Unchanged | msp_risk::reply::ChangeKind::NotAsked | msp_risk::reply::ChangeKind::MspNotSure)), "{:?}", changes);
    }

    #[test]
    fn a_blank_never_beats_i_dont_know(file in answers_file(), which in any::<prop::sample::Index>()) {
        let b = bank();
        prop_assume!(!b.questions.is_empty());
        let q = &b.questions[which.index(b.questions.len())];
        let mut unknown = file.clone();
        unknown.answers.retain(|r| r.question != q.id);
        let mut blank = unknown.clone();
        unknown.answers.push(AnswerRecord {
            question: q.id.clone(), answer: Some(Answer::Unknown), note: None, evidence: None, as_of: None, asked_msp: None, reply: None, pos: Default::default(),
        });
        blank.answers.retain(|r| r.question != q.id);
        let u = msp_risk::score(b, &unknown, today());
        let k = msp_risk::score(b, &blank, today());
        prop_assert!(k.overall.score <= u.overall.score, "{:?} vs {:?}", k.overall, u.overall);
        prop_assert!(k.overall.best_case <= u.overall.best_case);
        for (kd, ud) in k.domains.iter().zip(&u.domains) {
            prop_assert!(kd.score.score <= ud.score.score, "{}", kd.id);
        }
        let tier_rank = |t: msp_risk::report::Tier| t as u8;
        prop_assert!(tier_rank(k.msp_tier.tier) <= tier_rank(u.msp_tier.tier), "{:?} vs {:?}", k.msp_tier.tier, u.msp_tier.tier);
    }

    #[test]
    fn one_step_moves_the_rating_at_most_one_band(file in complete_answers_file(), which in any::<prop::sample::Index>()) {
        let b = bank();
        let steps: Vec<usize> = file.answers.iter().enumerate()
            .filter(|(_, r)| matches!(r.answer, Some(Answer::YesNo(YesNo::Yes | YesNo::Partial))))
            .map(|(i, _)| i)
            .collect();
        prop_assume!(!steps.is_empty());
        let i = steps[which.index(steps.len())];
        let mut worse = file.clone();
        worse.answers[i].answer = Some(Answer::YesNo(match file.answers[i].answer {
            Some(Answer::YesNo(YesNo::Yes)) => YesNo::Partial,
            _ => YesNo::No,
        }));
        let old = msp_risk::score(b, &file, today());
        let new = msp_risk::score(b, &worse, today());
        if let (Some(o), Some(n)) = (old.rating.band(), new.rating.band()) {
            prop_assert!(o.abs_diff(n) <= 1, "{}: {:?} {:?} -> {:?} {:?}", file.answers[i].question, old.overall.score, old.rating, new.overall.score, new.rating);
        } else {
            prop_assert_eq!(old.rating.band().is_some(), new.rating.band().is_some());
        }
    }

    #[test]
    fn renderers_accept_any_text(file in hostile_answers_file()) {
        let report = msp_risk::score(bank(), &file, today());
        let options = RenderOptions { table: TableOptions::default(), fail_on: bank::Severity::High };
        for (format, name) in Format::ALL {
            let text = format.renderer(options).render(&report).map_err(|e| TestCaseError::fail(e.to_string()))?;
            // No format carries a control, DEL, C1, bidi or noncharacter raw; CSV ends its
            // lines with CR LF.
            let bad = text.chars().find(|c| is_unsafe(*c, *name == "csv"));
            prop_assert!(bad.is_none(), "{name}: U+{:04X}", bad.map_or(0, u32::from));
            if *name == "html" {
                prop_assert!(!text.contains("<script") && !text.contains("<b>"), "html: unescaped markup");
            }
            if *name == "markdown" {
                prop_assert!(!text.contains("<b>") && !text.contains("[x](http"), "markdown: unescaped markup");
            }
            if *name == "junit" {
                let parsed = junit_parser::from_reader(std::io::Cursor::new(text.as_bytes()));
                prop_assert!(parsed.is_ok(), "junit: ill-formed XML: {:?}", parsed.err());
            }
            if matches!(*name, "json" | "sarif" | "oscal") {
                let doc = serde_json::from_str::<serde_json::Value>(&text);
                prop_assert!(doc.is_ok(), "{name}: invalid JSON");
                let mut strings = Vec::new();
                json_strings(&doc.unwrap_or_default(), &mut strings);
                let bad = strings.iter().flat_map(|s| s.chars()).find(|c| is_unsafe(*c, false));
                prop_assert!(bad.is_none(), "{name}: decodes to U+{:04X}", bad.map_or(0, u32::from));
            }
        }
    }
}
