//! Converts the embedded questionnaire bank from YAML to JSON at build time. The YAML stays
//! the source (and what `bank export` prints); the binary loads the JSON, because parsing
//! 180 KB of YAML at every start cost more than the whole rest of a report (BENCHMARKS.md).
//! Every check of the loader still runs on the result, and a test proves both forms load to
//! the same bank.

fn main() {
    let source = "questionnaires/cisa-msp-customer.yaml";
    println!("cargo:rerun-if-changed={source}");
    let text = std::fs::read_to_string(source).expect("questionnaires/cisa-msp-customer.yaml");
    let options = serde_saphyr::options! {
        strict_booleans: true,
        merge_keys: serde_saphyr::MergeKeyPolicy::Error,
        reject_unsupported_tags: true,
    };
    let value: serde_json::Value = serde_saphyr::from_str_with_options(&text, options)
        .unwrap_or_else(|e| panic!("{source} is not valid YAML: {e}"));
    let out =
        std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("builtin-bank.json");
    std::fs::write(out, value.to_string()).expect("write the JSON bank");
}
