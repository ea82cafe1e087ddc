//! Writes N realistic, varied answers files for benchmarks and tests.
//!
//!     cargo run --release --example generate -- 10000 /tmp/clients [--seed 42]
//!
//! Each organisation gets a maturity (how often things are in place); answers follow it,
//! follow-ups are answered only when they apply, some answers carry notes (with quotes,
//! colons, `#` and YAML-ish words), a few are left unanswered, and some gaps are accepted
//! risks (some already expired). The same seed gives the same files.

use std::path::PathBuf;

use msp_risk::answers::{self, AcceptedRisk, AnswerRecord, AnswersFile};
use msp_risk::bank::{self, Answer, Kind, Owner, YesNo};
use msp_risk::scoring::applicable;

/// SplitMix64: small, fast, good enough for test data, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

const NAMES: &[&str] = &[
    "Lakeside",
    "Harbor",
    "Summit",
    "Maple",
    "Granite",
    "Riverside",
    "Oak & Ash",
    "Bluebird",
    "Northgate",
    "Cedar",
];
const KINDS: &[&str] = &[
    "Dental",
    "Accounting",
    "Law Office",
    "Veterinary Clinic",
    "Engineering",
    "Bakery",
    "Pharmacy",
    "Architects",
];
const NOTES: &[&str] = &[
    "asked the MSP: \"we'll check\"",
    "contract says: see schedule B # not attached",
    "no",
    "yes, but only for the main office",
    "on: weekdays only; off: weekends",
    "- ask at the quarterly review",
    "Bob says it's 'handled'",
    "null",
    "see ticket #4521",
    "MSA v3, section 4: 'reasonable efforts'",
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count: usize = args
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| usage());
    let dir = PathBuf::from(args.get(1).unwrap_or_else(|| usage()));
    let seed = args
        .iter()
        .position(|a| a == "--seed")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(42);
    let bank = bank::builtin().unwrap_or_else(|e| panic!("embedded bank: {e}"));
    std::fs::create_dir_all(&dir).expect("create the output folder");
    let mut rng = Rng(seed);
    let width = count.to_string().len();
    for n in 0..count {
        let file = generate(bank, &mut rng, n);
        let text = answers::to_yaml(&file, bank);
        let path = dir.join(format!("client-{n:0width$}.yaml"));
        std::fs::write(&path, text).expect("write an answers file");
    }
    eprintln!("wrote {count} answers files in {}", dir.display());
}

fn usage() -> ! {
    eprintln!("usage: generate COUNT FOLDER [--seed N]");
    std::process::exit(2);
}

fn generate(bank: &bank::Bank, rng: &mut Rng, n: usize) -> AnswersFile {
    let maturity = 0.1 + 0.85 * rng.unit();
    let mut file = AnswersFile {
        file: String::new(),
        bank_id: bank.id.clone(),
        bank_version: bank.version.clone(),
        organization: Some(format!("{} {} #{n}", rng.pick(NAMES), rng.pick(KINDS))),
        msp: None,
        assessed_by: Some("Generated Assessor".to_string()),
        assessed_on: answers::parse_date(&format!(
            "2026-{:02}-{:02}",
            1 + rng.next() % 11,
            1 + rng.next() % 28
        )),
        answers: Vec::new(),
        accepted_risks: Vec::new(),
        migrated: None,
    };
    for (i, q) in bank.questions.iter().enumerate() {
        // Answer a question only when it applies given the answers so far.
        let applies = applicable(bank, |id| file.answer(id));
        if !applies[i] || rng.unit() < 0.03 {
            continue;
        }
        let roll = rng.unit();
        let answer = match q.kind {
            _ if roll > 0.92 => Answer::Unknown,
            Kind::YesNo if q.allow_na && roll > 0.88 => Answer::YesNo(YesNo::Na),
            Kind::YesNo if roll < maturity => Answer::YesNo(YesNo::Yes),
            Kind::YesNo if roll < maturity + 0.15 => Answer::YesNo(YesNo::Partial),
            Kind::YesNo => Answer::YesNo(YesNo::No),
            Kind::Ownership if roll < maturity => {
                Answer::Owner(*rng.pick(&[Owner::Msp, Owner::Shared, Owner::Us]))
            }
            Kind::Ownership => {
                Answer::Owner(*rng.pick(&[Owner::Nobody, Owner::Vendor, Owner::Msp]))
            }
            Kind::Choice => {
                let index = if roll < maturity {
                    0
                } else {
                    (rng.next() as usize) % q.options.len()
                };
                Answer::Choice(q.options[index].id.clone())
            }
        };
        let note = (rng.unit() < 0.1).then(|| rng.pick(NOTES).to_string());
        file.answers.push(AnswerRecord {
            question: q.id.clone(),
            answer: Some(answer),
            note,
            evidence: (rng.unit() < 0.05).then(|| "Email from the MSP".to_string()),
            as_of: None,
            asked_msp: None,
            reply: None,
            pos: Default::default(),
        });
    }
    // Accept one or two gaps now and then; some acceptances have already expired.
    for record in file.answers.clone() {
        let Some(q) = bank.question(&record.question) else {
            continue;
        };
        let gap = record.answer.as_ref().and_then(|a| q.gap(a));
        if matches!(gap, Some(bank::Gap::Full))
            && rng.unit() < 0.04
            && file.accepted_risks.len() < 2
        {
            file.accepted_risks.push(AcceptedRisk {
                question: record.question.clone(),
                justification: "compensating control: \"manual review\" until renewal".to_string(),
                approved_by: Some("Owner".to_string()),
                expires: answers::parse_date(&format!("{}-06-30", 2025 + rng.next() % 3)),
                pos: Default::default(),
            });
        }
    }
    file
}
