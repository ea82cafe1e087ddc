//! Criterion benchmarks of each stage, on the embedded bank and the sample answers files:
//! load and validate the bank, parse one answers file, score it, render the table, render
//! every format. Run with `cargo bench --bench stages`; figures are in BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion};
use msp_risk::render::{Format, RenderOptions, TableOptions};
use msp_risk::{answers, bank, score};

const ANSWERS: &str = include_str!("../questionnaires/examples/accounting-firm-some.yaml");

fn stages(c: &mut Criterion) {
    let today = answers::parse_date("2026-11-23").expect("date");
    c.bench_function("bank: load and validate the embedded bank", |b| {
        b.iter(|| bank::load(bank::BUILTIN_YAML.as_bytes(), "bank").expect("valid"))
    });
    let bank = bank::load(bank::BUILTIN_YAML.as_bytes(), "bank").expect("valid");
    c.bench_function("answers: parse and check one file", |b| {
        b.iter(|| answers::load(ANSWERS.as_bytes(), "a.yaml", &bank).expect("valid"))
    });
    let file = answers::load(ANSWERS.as_bytes(), "a.yaml", &bank).expect("valid");
    c.bench_function("score: one answers file", |b| {
        b.iter(|| score(&bank, &file, today))
    });
    let report = score(&bank, &file, today);
    let options = RenderOptions {
        table: TableOptions::default(),
        fail_on: msp_risk::bank::Severity::High,
    };
    c.bench_function("render: table at 80 columns", |b| {
        let r = Format::Table.renderer(options);
        b.iter(|| r.render(&report).expect("renders"))
    });
    c.bench_function("render: every format", |b| {
        let renderers: Vec<_> = Format::ALL
            .iter()
            .map(|(f, _)| f.renderer(options))
            .collect();
        b.iter(|| {
            renderers
                .iter()
                .map(|r| r.render(&report).expect("renders").len())
                .sum::<usize>()
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = stages
}
criterion_main!(benches);
