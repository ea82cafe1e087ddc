#!/usr/bin/env bash
# Pathological text in the terminal table, for BENCHMARKS.md ("Long words in the table"):
# a 1 MB word in a note (`report FILE`), and a 300 KB organisation name in the portfolio
# table (`report A B`). Rendering must stay linear in the length of the text.
#
#   benches/long_text.sh                          # builds and times target/release/msp-risk
#   BIN=/path/to/msp-risk benches/long_text.sh    # times another build, e.g. an older commit
#
# Uses a scratch folder, $BENCH_DIR (default /tmp/msp-bench-long).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-/tmp/msp-bench-long}
bin=${BIN:-target/release/msp-risk}
[ -n "${BIN:-}" ] || cargo build --release --quiet --bin msp-risk
mkdir -p "$dir"
answers() {
  printf 'bank: cisa-msp-customer@2.0.0\norganization: %s\nanswers:\n  GOV-01:\n    answer: no\n    note: %s\n' "$1" "$2"
}
repeat() { head -c "$2" /dev/zero | tr '\0' "$1"; }
for kib in 64 256 1024; do
  answers "Big note Ltd" "$(repeat x $((kib * 1024)))" > "$dir/word-$kib.yaml"
done
for kib in 75 150 300; do
  answers "$(repeat O $((kib * 1024)))" "a note" > "$dir/org-$kib.yaml"
done
answers "Short Ltd" "a note" > "$dir/short.yaml"
echo "machine: $(nproc) cores, $(uname -sr); binary: $bin"
TIMEFORMAT="%R s"
for kib in 64 256 1024; do
  printf '%-52s' "word of $kib KiB in a note, report (table):"
  time "$bin" report "$dir/word-$kib.yaml" --today 2026-11-23 --width 100 > /dev/null
done
for kib in 75 150 300; do
  printf '%-52s' "organisation name of $kib KiB, portfolio table:"
  time "$bin" report "$dir/org-$kib.yaml" "$dir/short.yaml" --today 2026-11-23 --width 100 > /dev/null
done
