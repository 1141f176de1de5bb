#!/usr/bin/env bash
# Instructions per pair comparison (callgrind, exact on a noisy host), for the whole labelled
# dev set and for each of its groups: the measure every speed change of the matcher is judged by.
#   scripts/bench_instructions.sh SCORE_PAIRS_BINARY [PASS] [PAIRS.csv]
# PASS is the `score_pairs` function counted: cold_pass (default), remembering_pass (like for
# like) or prepared_pass (names prepared). Needs valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "$1")
PASS=${2:-cold_pass}
PAIRS=${3:-crates/cordon-match/tests/data/pairs.csv}
case $PASS in
  cold_pass) LABEL="cold compare" ;;
  remembering_pass) LABEL="fresh Comparer per pass" ;;
  prepared_pass) LABEL="names prepared" ;;
  *) echo "error: PASS is cold_pass, remembering_pass or prepared_pass, not $PASS" >&2; exit 2 ;;
esac
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# One file per group, with the header.
python3 - "$PAIRS" "$WORK" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
groups = {}
for r in rows:
    groups.setdefault(r["group"], []).append(r)
for g, rs in groups.items():
    with open(f"{sys.argv[2]}/{g}.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rs)
PY
for f in "$PAIRS" "$WORK"/*.csv; do
  out=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect="score_pairs::$PASS" "$BIN" < "$f" 2>&1 >/dev/null)
  ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' <<< "$out")
  read -r pairs passes < <(grep "$LABEL" <<< "$out" | sed -n 's/.*: \([0-9]*\) pairs x \([0-9]*\) in.*/\1 \2/p')
  name=$(basename "$f" .csv)
  [ "$f" = "$PAIRS" ] && name=all
  printf '%-18s %8d\n' "$name" $(( ir / (pairs * passes) ))
done
