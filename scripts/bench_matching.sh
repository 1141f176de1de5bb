#!/usr/bin/env bash
# Cordon vs nomenklatura logic-v2 on the labelled dev set, side by side, in one run.
# Installs nomenklatura (pinned) into a throwaway venv from PyPI; needs python3-venv, and for
# pyicu libicu-dev, pkg-config and g++ (see docs/benchmarks/screen.md).
#   scripts/bench_matching.sh [PAIRS.csv]
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${1:-crates/cordon-match/tests/data/pairs.csv}
VENV=${NK_VENV:-$(mktemp -d)/venv}
NOMENKLATURA_VERSION=4.17.4
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "nomenklatura==$NOMENKLATURA_VERSION"
fi
cargo build -q --release -p cordon-match --example score_pairs
OUT=$(mktemp)
# The rates compared are pairs per CPU-second of the scoring thread, on both sides: Cordon's
# cold `compare()` (remembers nothing), a fresh `Comparer` per pass (remembers the words of
# earlier pairs of the pass, as logic-v2's caches do in its one timed pass), and a `Comparer`
# that holds every name from an earlier pass (as logic-v2 on later passes, caches warm).
RATES=$("$CARGO_TARGET_DIR/release/examples/score_pairs" < "$PAIRS" 2>&1 >"$OUT" | sed -n 's/.* = \([0-9.]*\) pairs per CPU-second.*/\1/p')
"$VENV/bin/python" scripts/bench_matching.py "$PAIRS" "$OUT" $RATES
rm -f "$OUT"
