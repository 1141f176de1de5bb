#!/usr/bin/env bash
# The "same answers" gate for speed work on the matcher: every answer Cordon gives, with its
# explanation, recorded from one build and compared byte for byte with another.
#
#   scripts/same_answers.sh record REF_DIR BIN_DIR STORE [HELD_DIR]
#   scripts/same_answers.sh check  REF_DIR BIN_DIR STORE [HELD_DIR]
#
# BIN_DIR holds `score_pairs`, `screen_latency`, `analysis_digest` and `cordon`: a cargo release
# directory (examples in `examples/`) or a flat directory of copies. Build them with
#   cargo build --release -p cordon-match --example score_pairs --example screen_latency \
#     -p cordon-text --example analysis_digest && cargo build --release --bin cordon
# STORE is a store with every list ingested (`cordon --db STORE ingest --lists
# ../shared/data/lists`); it is never written: every run works on a copy, so that several runs
# (and engineers) can share one.
# HELD_DIR holds held-out pair sets `*.csv` in the dev set's format (`scripts/make_screen_devset.py`
# on a `cordon export`, dev pairs removed). They stay outside the repository on purpose: they
# check that a change generalises, and must never be read to tune.
#
# What is compared: the dev set's digest of every comparison with its explanation (cold, through
# one Comparer and with names prepared: `score_pairs` checks they agree), each held-out set's
# digest and F1, the analysis digest of every list name, the whole-list screening dump of 20,000
# queries, the cross-list groups, and `cordon screen --input` on those queries. `check` prints
# ALL SAME and exits 0 when everything is byte-identical, else names what differs and exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:?record or check}
REF=${2:?reference directory}
BIN_DIR=$(realpath "${3:?binary directory}")
STORE=$(realpath "${4:?store with the lists ingested}")
HELD=${5:-}
bin() { if [ -x "$BIN_DIR/examples/$1" ]; then echo "$BIN_DIR/examples/$1"; else echo "$BIN_DIR/$1"; fi; }
for b in score_pairs screen_latency analysis_digest cordon; do
  [ -x "$(bin $b)" ] || { echo "error: $BIN_DIR has no $b binary" >&2; exit 2; }
done
case $MODE in
  record) OUT=$REF; mkdir -p "$OUT" ;;
  check) [ -d "$REF" ] || { echo "error: no references in $REF (run record first)" >&2; exit 2; }
         OUT=$(mktemp -d) ;;
  *) echo "error: MODE is record or check, not $MODE" >&2; exit 2 ;;
esac
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"; [ "$MODE" = check ] && rm -rf "$OUT"' EXIT
# A step that fails ends the script (set -e): say which, rather than exiting silently (in a
# worktree whose `../shared` is missing, `analysis_digest` finds no lists and its digest line
# never comes; set CORDON_SHARED_DATA to the data directory there).
trap 'echo "error: same_answers.sh stopped at line $LINENO: $BASH_COMMAND" >&2' ERR

# F1 over all pairs of a `score_pairs` output, the label beside its digest.
f1() {
  python3 - "$1" <<'PY'
import csv, sys
tp = fp = fn = 0
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    label, match = r["label"] == "1", r["match"] == "1"
    tp += label and match
    fp += match and not label
    fn += label and not match
p = tp / (tp + fp) if tp + fp else 1.0
r = tp / (tp + fn) if tp + fn else 1.0
print(f"F1 {2 * p * r / (p + r) if p + r else 0.0:.3f}")
PY
}
# `score_pairs` on a pair file: its digest (or its error), then its F1.
pairs_summary() {
  "$(bin score_pairs)" < "$1" > "$WORK/scores.csv" 2> "$WORK/scores.err" || true
  if grep -q "ERROR" "$WORK/scores.err"; then grep "ERROR" "$WORK/scores.err"; fi
  echo "$(grep -m1 'digest of all' "$WORK/scores.err" | awk '{print $NF}') $(f1 "$WORK/scores.csv")"
}

{
  echo "dev $(pairs_summary crates/cordon-match/tests/data/pairs.csv)"
  if [ -n "$HELD" ]; then
    for f in "$HELD"/*.csv; do echo "$(basename "$f" .csv) $(pairs_summary "$f")"; done
  fi
} > "$OUT/pairs.txt"
cp "$STORE" "$WORK/store.redb"
STORE=$WORK/store.redb
"$(bin analysis_digest)" --passes 0 2>&1 | grep -i digest > "$OUT/analysis.txt"
# The queries are derived from the store, so `record` writes them and `check` reuses them.
if [ "$MODE" = record ]; then
  "$(bin screen_latency)" --db "$STORE" --queries 20000 --single 0 --recall 0 \
    --write-queries "$OUT/queries.jsonl" > /dev/null
fi
"$(bin screen_latency)" --db "$STORE" --recall 0 --single 0 --dump "$OUT/dump.txt" > /dev/null 2>&1
"$(bin screen_latency)" --db "$STORE" --recall 0 --queries 0 --single 0 --groups "$OUT/groups.txt" \
  > /dev/null 2>&1
"$(bin cordon)" --db "$STORE" screen --input "$REF/queries.jsonl" --output "$OUT/batch.jsonl" \
  > /dev/null 2>&1

if [ "$MODE" = record ]; then
  echo "references recorded in $REF:"
  cat "$REF/pairs.txt" "$REF/analysis.txt"
  exit 0
fi
same=1
for f in pairs.txt analysis.txt dump.txt groups.txt batch.jsonl; do
  if cmp -s "$REF/$f" "$OUT/$f"; then
    echo "same: $f"
  else
    same=0
    echo "DIFFERS: $f ($(diff "$REF/$f" "$OUT/$f" | grep -c '^>') lines)"
    case $f in pairs.txt|analysis.txt) diff "$REF/$f" "$OUT/$f" || true ;; esac
  fi
done
if [ $same = 1 ]; then echo "ALL SAME"; else echo "SOME DIFFER"; exit 1; fi
