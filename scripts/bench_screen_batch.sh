#!/usr/bin/env bash
# `cordon screen --input` on 20,000 queries against every list, as a user runs it: the
# queries are screen_latency's (the lists' own names, perturbed, plus Hangul and off-list
# names), the store is ingested from ../shared/data/lists when missing.
#   scripts/bench_screen_batch.sh [QUERIES]        (DB=… to reuse a store; CARGO_TARGET_DIR honoured)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
BIN=$CARGO_TARGET_DIR/release
DB=${DB:-$(mktemp -d)/cordon.redb}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cargo build -q --release -p cordon-cli -p cordon-match --bin cordon --example screen_latency
if [ ! -s "$DB" ]; then
  "$BIN/cordon" --db "$DB" ingest --lists ../shared/data/lists > /dev/null
fi
"$BIN/examples/screen_latency" --db "$DB" --queries "$N" --single 0 --recall 0 \
  --write-queries "$WORK/queries.jsonl" > /dev/null
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -f "whole command: %e s wall, %U s user, %S s system, peak RSS %M KB" \
  "$BIN/cordon" --db "$DB" screen --input "$WORK/queries.jsonl" --output "$WORK/results.jsonl"
echo "output lines: $(wc -l < "$WORK/results.jsonl")"
