#!/bin/sh
# Tracing benchmark plus the DuckDB side by side, in one run on the same generated graph.
# Usage: crates/cordon-trace/benches/run.sh [TRANSFERS]   (default 1000000)
# DUCKDB_TARGETS="R D" limits DuckDB's exposure questions to R random accounts and D deposits
# (default 20 and 5; every hop is a join over the whole table, so 10^8 transfers take long).
# Needs about 130 bytes of disk per transfer in $TRACE_BENCH_DIR (13 GB at 100 M) plus
# DuckDB's copy; DuckDB runs in a throwaway venv with pinned versions.
set -eu
N=${1:-1000000}
DIR=${TRACE_BENCH_DIR:-/tmp/cordon-trace-bench}
export TRACE_BENCH_TRANSFERS=$N TRACE_BENCH_DIR=$DIR
mkdir -p "$DIR"
rm -rf "$DIR/duck"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
cargo bench -p cordon-trace --bench trace
VENV=$DIR/venv
[ -x "$VENV/bin/python" ] || {
  python3 -m venv "$VENV" &&
    "$VENV/bin/pip" install -q duckdb==2.0.1 numpy==2.4.6 pandas==3.1.1
}
# shellcheck disable=SC2086
"$VENV/bin/python" "$(dirname "$0")/duckdb_compare.py" "$DIR" ${DUCKDB_TARGETS:-}
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
