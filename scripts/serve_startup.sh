#!/usr/bin/env bash
# Start-up time of the screening service over the real lists: from process start to the first
# `GET /readyz` 200, repeated; with the process's CPU time at that moment and the snapshot
# build's own split (store load + JSON decode vs. indexes) from its log line.
# Usage: scripts/serve_startup.sh   (env: RUNS=5)
source "$(dirname "$0")/serve_common.sh"
RUNS=${RUNS:-5}
TICK=$(getconf CLK_TCK)
build
prepare_store
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq 1 "$RUNS"); do
  : >"$WORK/server.log"
  start=$(date +%s%N)
  "$BIN" "$DB" serve "127.0.0.1:$PORT" 2>>"$WORK/server.log" &
  SERVER_PID=$!
  until curl -sf "$URL/readyz" >/dev/null 2>&1; do sleep 0.005; done
  end=$(date +%s%N)
  # utime + stime (fields 14, 15) of the server at readiness.
  read -r ut st < <(awk '{print $14, $15}' "/proc/$SERVER_PID/stat")
  cpu_ms=$(( (ut + st) * 1000 / TICK ))
  split=$(grep -o '"load_ms":[0-9]*,"index_ms":[0-9]*' "$WORK/server.log" | head -1)
  echo "run $run: ready in $(( (end - start) / 1000000 )) ms wall, ${cpu_ms} ms CPU; snapshot {$split}"
  stop_server
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
