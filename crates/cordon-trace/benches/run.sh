#!/bin/sh
# Tracing benchmark plus the DuckDB side-by-side, in one run on the same generated graph.
# Usage: crates/cordon-trace/benches/run.sh [TRANSFERS]   (default 1000000)
set -eu
N=${1:-1000000}
DIR=${TRACE_BENCH_DIR:-/tmp/cordon-trace-bench}
export TRACE_BENCH_TRANSFERS=$N TRACE_BENCH_DIR=$DIR
rm -f "$DIR/edges.csv" "$DIR/source.txt"
CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/work/tgt/trace} cargo bench -p cordon-trace --bench trace
# Above TRACE_BENCH_DUCKDB_MAX transfers the bench writes no edge list: no DuckDB run.
[ -f "$DIR/source.txt" ] || exit 0
VENV=$DIR/venv
[ -x "$VENV/bin/python" ] || { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q duckdb==1.1.3; }
"$VENV/bin/python" "$(dirname "$0")/duckdb_compare.py" "$DIR"
