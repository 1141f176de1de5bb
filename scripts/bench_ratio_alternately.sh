#!/usr/bin/env bash
# Two `score_pairs` binaries (say the start of a change and its end) against logic-v2, in turn,
# ROUNDS times: on a host whose speed moves by a quarter within seconds, only binaries run in
# the same minutes compare. Each round runs both binaries, then `bench_matching.py` once on the
# second one's output; its logic-v2 rates (cold, and prepared with caches holding every
# entity) serve both binaries' ratios.
#   NK_VENV=/path/to/venv scripts/bench_ratio_alternately.sh ROUNDS BASE_SCORE_PAIRS NEW_SCORE_PAIRS [PAIRS.csv]
# The venv is the one `scripts/bench_matching.sh` makes (nomenklatura pinned).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=$1; BASE=$2; NEW=$3
PAIRS=${4:-crates/cordon-match/tests/data/pairs.csv}
PY=${NK_VENV:?set NK_VENV to the venv of scripts/bench_matching.sh}/bin/python
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
rates() { "$1" < "$PAIRS" 2>&1 >"$2" | sed -n 's/.* = \([0-9.]*\) pairs per CPU-second.*/\1/p' | tr '\n' ' '; }
echo "time     load | logic-v2 cold/prepared | base: cold, like for like, prepared | new: cold, like for like, prepared"
for _ in $(seq "$ROUNDS"); do
  base=$(rates "$BASE" "$WORK/base.csv")
  new=$(rates "$NEW" "$WORK/new.csv")
  # shellcheck disable=SC2086
  lv2=$("$PY" scripts/bench_matching.py "$PAIRS" "$WORK/new.csv" $new | sed -n 's/.*logic-v2 \([0-9,]*\)  ratio.*/\1/p' | tr -d , | tr '\n' ' ')
  python3 - "$base" "$new" "$lv2" "$(cut -d' ' -f1 /proc/loadavg)" "$(date +%H:%M:%S)" <<'PY'
import sys
base, new, lv2 = ([float(x) for x in a.split()] for a in sys.argv[1:4])
lv2 = lv2 + [float("nan")] * (2 - len(lv2))
def ratios(r):
    against = [lv2[0], lv2[0], lv2[1]]
    return ", ".join(f"{x / l:.0f}x" for x, l in zip(r, against))
print(f"{sys.argv[5]} {sys.argv[4]:>5} | {lv2[0]:,.0f}/{lv2[1]:,.0f} | {ratios(base)} | {ratios(new)}")
PY
done
