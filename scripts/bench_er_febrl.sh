#!/usr/bin/env bash
# FEBRL side-by-side: Cordon (crates/cordon-er/examples/febrl.rs) and Splink (DuckDB backend,
# pinned, configured as Splink's FEBRL examples) on every FEBRL dataset, in one run.
# Both tools' links are clustered and scored by the same code (the febrl example's
# --eval-links mode), so the metrics are computed identically.
#
# Usage: scripts/bench_er_febrl.sh [output.md]
# Env:   CORDON_SHARED_DATA (default ../shared/data), CARGO_TARGET_DIR (default target),
#        ER_BENCH_VENV (default $CARGO_TARGET_DIR/splink-venv), ER_BENCH_THRESHOLDS,
#        FEBRL_BIN (a prebuilt febrl example; skips the build).
set -euo pipefail
cd "$(dirname "$0")/.."
SPLINK_VERSION=5.0.0
DATA="${CORDON_SHARED_DATA:-$PWD/../shared/data}/er/febrl"
TGT="${CARGO_TARGET_DIR:-$PWD/target}"
VENV="${ER_BENCH_VENV:-$TGT/splink-venv}"
THRESHOLDS="${ER_BENCH_THRESHOLDS:-0.9,0.5,0.99}"
OUT="${1:-/dev/stdout}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if ! "$VENV/bin/python" -c "import splink, sys; sys.exit(splink.__version__ != '$SPLINK_VERSION')" 2>/dev/null; then
  echo "installing splink==$SPLINK_VERSION into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "splink==$SPLINK_VERSION"
fi
DUCKDB_VERSION=$("$VENV/bin/python" -c "import duckdb; print(duckdb.__version__)")

if [ -z "${FEBRL_BIN:-}" ]; then
  cargo build -q --release -p cordon-er --example febrl
fi
FEBRL="${FEBRL_BIN:-$TGT/release/examples/febrl}"

now() { date +%s.%N; }
{
  echo "| dataset | tool | threshold | precision | recall | F1 | B3 precision | B3 recall | B3 F1 | seconds |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
} > "$WORK/table.md"
: > "$WORK/ratios.md"
for ds in dataset1 dataset2 dataset3 dataset4; do
  if [ "$ds" = dataset4 ]; then
    files=("$DATA/dataset4a.csv" "$DATA/dataset4b.csv")
  else
    files=("$DATA/$ds.csv")
  fi
  # Cordon: whole process (read, train, predict, cluster), wall clock and CPU (user + sys).
  t0=$(now)
  /usr/bin/time -f "%U %S" -o "$WORK/cordon.time" \
    "$FEBRL" "${files[@]}" --thresholds "$THRESHOLDS" > "$WORK/cordon.jsonl" 2> "$WORK/cordon.log"
  t1=$(now)
  cordon_s=$(echo "$t1 - $t0" | bc -l)
  cordon_cpu=$(awk '{print $1 + $2}' "$WORK/cordon.time")
  # Splink: set-up, training and prediction inside Python (imports and reading excluded).
  read -r splink_s splink_cpu < <("$VENV/bin/python" scripts/bench_er_febrl.py "${files[@]}" "$WORK/splink.csv")
  "$FEBRL" "${files[@]}" --thresholds "$THRESHOLDS" --eval-links "$WORK/splink.csv" \
    > "$WORK/splink.jsonl" 2> /dev/null
  for tool in cordon splink; do
    secs=$([ $tool = cordon ] && echo "$cordon_s" || echo "$splink_s")
    while read -r line; do
      python3 - "$ds" "$tool" "$secs" "$line" >> "$WORK/table.md" <<'PY'
import json, sys
ds, tool, secs, line = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
m = json.loads(line)
print(f"| {ds} | {tool} | {m['threshold']} | {m['precision']:.4f} | {m['recall']:.4f} | "
      f"**{m['f1']:.4f}** | {m['b3_precision']:.4f} | {m['b3_recall']:.4f} | {m['b3_f1']:.4f} | {secs:.2f} |")
PY
    done < "$WORK/$tool.jsonl"
  done
  printf '| %s | %.2f | %.2f | %.1fx | %.2f | %.2f | %.1fx |\n' "$ds" "$cordon_s" "$splink_s" \
    "$(echo "$splink_s / $cordon_s" | bc -l)" "$cordon_cpu" "$splink_cpu" \
    "$(echo "c = $cordon_cpu; if (c < 0.01) c = 0.01; $splink_cpu / c" | bc -l)" >> "$WORK/ratios.md"
done
{
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg);"
  echo "splink $SPLINK_VERSION, duckdb $DUCKDB_VERSION."
  echo
  cat "$WORK/table.md"
  echo
  echo "| dataset | Cordon wall s | Splink wall s | wall ratio | Cordon CPU s | Splink CPU s | CPU ratio |"
  echo "|---|---|---|---|---|---|---|"
  cat "$WORK/ratios.md"
} > "$OUT"
